//! Emission: sealing claims and epochs, pulling shares, sweeping what is left at the horizon;
//! and the block author's VID.

use crate::*;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate},
		FindAuthor,
	},
	weights::WeightMeter,
};
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding, traits::Saturating, Perbill, Rounding,
};

impl<T: Config> Pallet<T> {
	/// The FUEL the schedule mints for `epoch`, before the cap on total issuance:
	/// `InitialEmission × (1 − EmissionDecay)^epoch` (the power taken in `Perbill`).
	pub fn scheduled_emission(epoch: EpochIndex) -> Balance {
		Perbill::one()
			.saturating_sub(T::EmissionDecay::get())
			.saturating_pow(epoch as usize)
			.mul_floor(T::InitialEmission::get())
	}

	/// `edge`'s claim of `epoch` is final: mark it sealed, and keep its bond and score for the
	/// report if no sample of the epoch recorded them. It changes no weight: emission follows
	/// samples (availability) and the fees receipts paid (delivery), not claims.
	pub(crate) fn seal_claim(edge: &T::AccountId, epoch: EpochIndex, _verified: bool, bond: Balance, score: u32) {
		let mut payout = EdgeRewards::<T>::get(epoch, edge).unwrap_or_default();
		if payout.sealed {
			return;
		}
		payout.sealed = true;
		if payout.weight == 0 {
			payout.bond = bond;
			payout.score = score;
		}
		EdgeRewards::<T>::insert(epoch, edge, payout);
	}

	/// A validator's sample of `edge` in `epoch` was applied. The edge's availability weight
	/// becomes bond × score (after the report) once any sample of the epoch found it serving,
	/// and follows its later samples; a suspension takes it to 0. A sample that finds an edge
	/// failing before any found it serving records nothing.
	pub(crate) fn record_sample(
		edge: &T::AccountId,
		epoch: EpochIndex,
		served: bool,
		suspended: bool,
		bond: Balance,
		score: u32,
	) {
		let existing = EdgeRewards::<T>::get(epoch, edge);
		let old = existing.as_ref().map_or(0, |p| p.weight);
		if !served && old == 0 {
			return;
		}
		let mut payout = existing.unwrap_or_default();
		payout.bond = bond;
		payout.score = score;
		payout.weight = if suspended { 0 } else { bond.saturating_mul(score as u128) };
		if payout.weight != old {
			EpochRewards::<T>::mutate(epoch, |totals| {
				let totals = totals.get_or_insert_with(Default::default);
				totals.weight = totals.weight.saturating_sub(old).saturating_add(payout.weight);
				match (old > 0, payout.weight > 0) {
					(false, true) => totals.available = totals.available.saturating_add(1),
					(true, false) => totals.available = totals.available.saturating_sub(1),
					_ => {},
				}
			});
		}
		EdgeRewards::<T>::insert(epoch, edge, payout);
	}

	/// Every claim of `epoch` is final: mint its emission. Of the schedule's budget (never over
	/// `MaxFuelIssuance`), `TreasuryEmissionShare` goes to the treasury; of the edges' rest,
	/// `DeliveryEmissionShare` is the delivery part, of which the edges get at most
	/// `DeliveryFeeCap` × the fees their receipts paid, and the other part is the availability
	/// part, shared if any edge was found serving. What no edge gets goes to the treasury; the
	/// edges' parts go to the pallet's account until they are claimed.
	pub(crate) fn seal_epoch(epoch: EpochIndex) {
		LastSealedEpoch::<T>::put(epoch);
		let mut totals = EpochRewards::<T>::get(epoch).unwrap_or_default();
		if totals.sealed {
			return;
		}
		let room = T::MaxFuelIssuance::get().saturating_sub(T::Fuel::total_issuance());
		let budget = Self::scheduled_emission(epoch).min(room);
		let edges = Perbill::one().saturating_sub(T::TreasuryEmissionShare::get()).mul_floor(budget);
		let delivery = T::DeliveryEmissionShare::get().mul_floor(edges);
		let mut to_delivery = delivery.min(T::DeliveryFeeCap::get().mul_floor(totals.delivery_fees));
		let mut to_availability = if totals.weight > 0 { edges - delivery } else { 0 };
		let mut to_treasury = budget - to_delivery - to_availability;
		// One mint for both edge parts (what the pallet's account holds until they are claimed).
		let to_edges = to_delivery.saturating_add(to_availability);
		if to_edges > 0 && T::Fuel::mint_into(&Self::account(), to_edges).is_err() {
			(to_delivery, to_availability) = (0, 0);
		}
		if to_treasury > 0 && T::Fuel::mint_into(&T::Treasury::get(), to_treasury).is_err() {
			to_treasury = 0;
		}
		totals.sealed = true;
		totals.to_availability = to_availability;
		totals.to_delivery = to_delivery;
		totals.to_treasury = to_treasury;
		EpochRewards::<T>::insert(epoch, &totals);
		Self::deposit_event(Event::EmissionMinted {
			epoch,
			to_availability,
			to_delivery,
			to_treasury,
			available: totals.available,
		});
	}

	/// The share of a sealed epoch's emission that `payout` earns: `to_availability × weight /
	/// Σ weight` plus `to_delivery × fee / Σ fee`, each rounded down (the remainders are swept
	/// to the treasury at the horizon). The delivery part is at most `DeliveryFeeCap × fee`:
	/// `to_delivery` is at most the cap times `Σ fee`.
	pub fn emission_share(totals: &EpochTotals, payout: &EdgePayout) -> Balance {
		let share = |pot: Balance, part: u128, whole: u128| {
			if whole == 0 {
				return 0;
			}
			multiply_by_rational_with_rounding(pot, part, whole, Rounding::Down).unwrap_or(0)
		};
		share(totals.to_availability, payout.weight, totals.weight)
			.saturating_add(share(totals.to_delivery, payout.fee, totals.delivery_fees))
	}

	/// Whether `payout` has a share of its epoch's emission to claim.
	pub(crate) fn earns(payout: &EdgePayout) -> bool {
		payout.weight > 0 || payout.fee > 0
	}

	pub(crate) fn do_claim_rewards(who: T::AccountId, epoch: EpochIndex) -> DispatchResult {
		let mut totals = EpochRewards::<T>::get(epoch).ok_or(Error::<T>::EpochNotSealed)?;
		ensure!(totals.sealed, Error::<T>::EpochNotSealed);
		ensure!(!totals.swept, Error::<T>::EpochSwept);
		let mut payout = EdgeRewards::<T>::get(epoch, &who).ok_or(Error::<T>::NoRewards)?;
		ensure!(Self::earns(&payout), Error::<T>::NoRewards);
		ensure!(!payout.claimed, Error::<T>::AlreadyClaimed);
		let amount = Self::emission_share(&totals, &payout);
		Self::give_fuel(&who, amount)?;
		payout.claimed = true;
		EdgeRewards::<T>::insert(epoch, &who, payout);
		totals.claimed = totals.claimed.saturating_add(amount);
		EpochRewards::<T>::insert(epoch, totals);
		Self::deposit_event(Event::RewardsClaimed { edge: who, epoch, amount });
		Ok(())
	}

	/// Within `limit`: for each epoch `RewardHorizon` epochs older than the last sealed one,
	/// send its unclaimed emission to the treasury, then remove its records.
	pub(crate) fn sweep(limit: Weight) -> Weight {
		let mut meter = WeightMeter::with_limit(limit);
		let base = T::WeightInfo::sweep(0);
		let per_item = T::WeightInfo::sweep(1).saturating_sub(base);
		if meter.try_consume(base).is_err() {
			return Weight::zero();
		}
		let Some(last_sealed) = LastSealedEpoch::<T>::get() else { return meter.consumed() };
		let mut cursor = SweepCursor::<T>::get();
		let start = cursor;
		while cursor.saturating_add(T::RewardHorizon::get()) <= last_sealed {
			let left = meter.remaining();
			let items = (left.ref_time() / per_item.ref_time().max(1))
				.min(left.proof_size().checked_div(per_item.proof_size()).unwrap_or(u64::MAX))
				.min(u32::MAX as u64) as u32;
			if items == 0 {
				break;
			}
			if let Some(mut totals) = EpochRewards::<T>::get(cursor) {
				if !totals.swept {
					let rest = totals.to_edges().saturating_sub(totals.claimed);
					if Self::give_fuel(&T::Treasury::get(), rest).is_ok() {
						totals.swept = true;
						EpochRewards::<T>::insert(cursor, &totals);
						Self::deposit_event(Event::RewardsSwept { epoch: cursor, amount: rest });
					}
				}
			}
			let edges = EdgeRewards::<T>::clear_prefix(cursor, items, None);
			let left = items.saturating_sub(edges.loops);
			let creators = CreatorRewards::<T>::clear_prefix(cursor, left, None);
			meter.consume(per_item.saturating_mul((edges.loops + creators.loops) as u64));
			if edges.maybe_cursor.is_some() || creators.maybe_cursor.is_some() || left == creators.loops {
				break;
			}
			EpochRewards::<T>::remove(cursor);
			cursor = cursor.saturating_add(1);
		}
		if cursor != start {
			SweepCursor::<T>::put(cursor);
		}
		meter.consumed()
	}

	/// Mint `AuthorReward` VID to this block's author (as the digest names it).
	pub(crate) fn reward_author() -> Weight {
		let amount = T::AuthorReward::get();
		if amount == 0 {
			return T::DbWeight::get().reads(1);
		}
		let digest = frame_system::Pallet::<T>::digest();
		let pre_runtime = digest.logs().iter().filter_map(|item| item.as_pre_runtime());
		if let Some(author) = T::FindAuthor::find_author(pre_runtime) {
			if T::Currency::mint_into(&author, amount).is_ok() {
				Self::deposit_event(Event::AuthorRewarded { author, amount });
			}
		}
		T::WeightInfo::reward_author()
	}
}
