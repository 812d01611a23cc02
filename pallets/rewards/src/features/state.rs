//! Reading the pallet's records (runtime API) and checking its invariants.

use crate::*;
use alloc::vec::Vec;
use frame_support::traits::{fungible::Inspect, Get};

impl<T: Config> Pallet<T> {
	/// `who`'s emission not yet claimed, per epoch still within its horizon.
	pub fn pending_rewards(who: &T::AccountId) -> Vec<(EpochIndex, Balance)> {
		let Some(last_sealed) = LastSealedEpoch::<T>::get() else { return Vec::new() };
		(SweepCursor::<T>::get()..=last_sealed)
			.filter_map(|epoch| {
				let totals = EpochRewards::<T>::get(epoch).filter(|t| t.sealed && !t.swept)?;
				let payout = EdgeRewards::<T>::get(epoch, who).filter(|p| Self::earns(p) && !p.claimed)?;
				Some((epoch, Self::emission_share(&totals, &payout)))
			})
			.collect()
	}

	/// `who`'s rewards not yet paid out, per token (the runtime API's answer).
	pub fn pending(who: &T::AccountId) -> PendingRewards {
		let epochs = Self::pending_rewards(who);
		PendingRewards { fuel: epochs.iter().map(|(_, a)| *a).fold(0, Balance::saturating_add), vid: 0, epochs }
	}

	/// The emission schedule, the payment split and where emission stands.
	pub fn schedule() -> EmissionSchedule {
		let last_sealed_epoch = LastSealedEpoch::<T>::get();
		EmissionSchedule {
			initial_emission: T::InitialEmission::get(),
			decay: T::EmissionDecay::get(),
			max_fuel_issuance: T::MaxFuelIssuance::get(),
			fuel_issuance: T::Fuel::total_issuance(),
			treasury_share: T::TreasuryEmissionShare::get(),
			creator_share: T::CreatorShare::get(),
			protocol_fee: T::ProtocolFee::get(),
			min_price_per_mib: T::MinPricePerMib::get(),
			delivery_share: T::DeliveryEmissionShare::get(),
			delivery_fee_cap: T::DeliveryFeeCap::get(),
			reward_horizon: T::RewardHorizon::get(),
			author_reward: T::AuthorReward::get(),
			last_sealed_epoch,
			next_emission: Self::scheduled_emission(last_sealed_epoch.map_or(0, |e| e.saturating_add(1))),
		}
	}

	/// `viewer`'s escrow (the runtime API's answer).
	pub fn escrow(
		viewer: &T::AccountId,
	) -> Option<vidchain_primitives::rewards::Escrow<frame_system::pallet_prelude::BlockNumberFor<T>>> {
		Escrows::<T>::get(viewer)
	}

	/// `sponsor`'s pool of `content` as the runtime API shows it.
	pub fn pool_view(
		content: &ContentId,
		sponsor: &T::AccountId,
	) -> Option<vidchain_primitives::rewards::PoolView<T::AccountId, frame_system::pallet_prelude::BlockNumberFor<T>>> {
		Pools::<T>::get(content, sponsor).map(|p| vidchain_primitives::rewards::PoolView {
			sponsor: sponsor.clone(),
			balance: p.balance,
			terms: p
				.terms
				.into_iter()
				.map(|t| vidchain_primitives::rewards::PoolTermsView {
					from: t.from,
					price_per_mib: t.price_per_mib,
					edges: t.edges.into_inner(),
				})
				.collect(),
			unlock_at: p.unlock_at,
		})
	}

	/// `epoch`'s payout report (`None` once pruned, or if nothing happened in it).
	pub fn epoch_report(epoch: EpochIndex) -> Option<EpochReport<T::AccountId>> {
		let totals = EpochRewards::<T>::get(epoch)?;
		let edges = EdgeRewards::<T>::iter_prefix(epoch)
			.map(|(edge, payout)| EdgeReport {
				emission: if totals.sealed { Self::emission_share(&totals, &payout) } else { 0 },
				edge,
				payout,
			})
			.collect();
		let creators = CreatorRewards::<T>::iter_prefix(epoch).collect();
		Some(EpochReport { epoch, totals, edges, creators })
	}

	/// The invariants: the pallet's account holds at least every escrow, every pool and every
	/// epoch's unclaimed, unswept emission; each epoch's totals match its edges' records.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let mut owed: Balance = 0;
		for (_, escrow) in Escrows::<T>::iter() {
			frame_support::ensure!(escrow.balance + escrow.reserve > 0, "an empty escrow is kept");
			owed = owed.saturating_add(escrow.balance).saturating_add(escrow.reserve);
		}
		for (_, _, pool) in Pools::<T>::iter() {
			frame_support::ensure!(!pool.terms.is_empty(), "a pool without terms");
			frame_support::ensure!(
				pool.terms.windows(2).all(|w| w[0].from < w[1].from),
				"a pool's terms out of order"
			);
			frame_support::ensure!(pool.balance > 0 || pool.unlock_at.is_none(), "an empty unlocking pool is kept");
			owed = owed.saturating_add(pool.balance);
		}
		for (epoch, totals) in EpochRewards::<T>::iter() {
			if totals.sealed && !totals.swept {
				owed = owed.saturating_add(totals.to_edges().saturating_sub(totals.claimed));
			}
			frame_support::ensure!(totals.claimed <= totals.to_edges(), "more claimed than minted");
			frame_support::ensure!(
				totals.to_delivery <= T::DeliveryFeeCap::get().mul_floor(totals.delivery_fees),
				"delivery emission over the cap on fees"
			);
			let (weight, available, fees) = EdgeRewards::<T>::iter_prefix(epoch).fold(
				(0u128, 0u32, 0u128),
				|(w, n, f), (_, p)| (w + p.weight, n + (p.weight > 0) as u32, f + p.fee),
			);
			if !totals.swept {
				frame_support::ensure!(weight == totals.weight, "edge weights do not add up");
				frame_support::ensure!(available == totals.available, "available edges do not add up");
				frame_support::ensure!(fees == totals.delivery_fees, "edge fees do not add up");
			}
		}
		frame_support::ensure!(
			T::Fuel::balance(&Self::account()) >= owed,
			"the pallet's account holds less than it owes"
		);
		Ok(())
	}
}
