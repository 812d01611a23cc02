//! Epoch arithmetic, sealing, and pruning of old per-epoch records.

use crate::*;
use frame_support::{pallet_prelude::*, weights::WeightMeter};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{One, Saturating, UniqueSaturatedInto, Zero},
	SaturatedConversion,
};

impl<T: Config> Pallet<T> {
	/// The epoch block `n` belongs to.
	pub fn epoch_of(n: BlockNumberFor<T>) -> EpochIndex {
		(n / T::EpochLength::get()).saturated_into()
	}

	/// The current epoch.
	pub fn current_epoch() -> EpochIndex {
		Self::epoch_of(frame_system::Pallet::<T>::block_number())
	}

	/// First block of `epoch`.
	pub fn epoch_start(epoch: EpochIndex) -> BlockNumberFor<T> {
		BlockNumberFor::<T>::from(epoch).saturating_mul(T::EpochLength::get())
	}

	/// Blocks in which claims for `epoch` are accepted: `[end, end + ClaimWindow)`.
	pub fn claim_window(epoch: EpochIndex) -> (BlockNumberFor<T>, BlockNumberFor<T>) {
		let end = Self::epoch_start(epoch.saturating_add(1));
		(end, end.saturating_add(T::ClaimWindow::get()))
	}

	/// The block whose hash seeds the draw of `epoch`'s claims: the first block after the claim
	/// window.
	pub fn seed_block(epoch: EpochIndex) -> BlockNumberFor<T> {
		Self::claim_window(epoch).1
	}

	/// Blocks in which proofs for `epoch` are accepted: `[seed + 1, seed + 1 + ProofWindow)`.
	pub fn proof_window(epoch: EpochIndex) -> (BlockNumberFor<T>, BlockNumberFor<T>) {
		let open = Self::seed_block(epoch).saturating_add(One::one());
		(open, open.saturating_add(T::ProofWindow::get()))
	}

	/// The epoch sealed in block `n`, if any: the one whose proof window ends at `n`.
	pub(crate) fn epoch_sealed_at(n: BlockNumberFor<T>) -> Option<EpochIndex> {
		let offset = T::ClaimWindow::get()
			.saturating_add(One::one())
			.saturating_add(T::ProofWindow::get());
		if n < offset {
			return None;
		}
		let end = n - offset; // = (epoch + 1) × EpochLength
		let len = T::EpochLength::get();
		if end.is_zero() || !(end % len).is_zero() {
			return None;
		}
		let next: EpochIndex = (end / len).unique_saturated_into();
		next.checked_sub(1)
	}

	/// Blocks until the current epoch ends (the longevity of a sample report).
	pub(crate) fn blocks_left_in_epoch() -> u64 {
		let now = frame_system::Pallet::<T>::block_number();
		let end = Self::epoch_start(Self::current_epoch().saturating_add(1));
		end.saturating_sub(now).saturated_into::<u64>().max(1)
	}

	/// Seal `epoch`: reject (and slash) every claim still pending, then mark it sealed.
	pub(crate) fn seal_epoch(epoch: EpochIndex) -> Weight {
		let edges = EpochClaims::<T>::get(epoch);
		let (mut verified, mut rejected) = (0u32, 0u32);
		for who in edges.iter() {
			let Some(mut claim) = Claims::<T>::get(epoch, who) else { continue };
			match claim.status {
				ClaimStatus::Verified => verified += 1,
				ClaimStatus::Rejected => rejected += 1,
				ClaimStatus::Pending => {
					claim.status = ClaimStatus::Rejected;
					Claims::<T>::insert(epoch, who, claim);
					rejected += 1;
					Edges::<T>::mutate(who, |maybe| {
						if let Some(edge) = maybe {
							edge.pending_claims = edge.pending_claims.saturating_sub(1);
							Self::slash_edge(who, edge, SlashReason::UnprovenClaim);
						}
					});
					Self::deposit_event(Event::ClaimRejected { edge: who.clone(), epoch });
				},
			}
		}
		LastSealedEpoch::<T>::put(epoch);
		Self::deposit_event(Event::EpochSealed { epoch, verified, rejected });
		T::WeightInfo::seal_epoch(edges.len() as u32)
	}

	/// Remove, within `limit`, the per-epoch records (claims, counted receipts, sample reports
	/// and failures) of every epoch sealed more than `HistoryDepth` epochs ago.
	pub(crate) fn prune(limit: Weight) -> Weight {
		let mut meter = WeightMeter::with_limit(limit);
		let db = T::DbWeight::get();
		// Reading the cursors.
		if meter.try_consume(db.reads(2)).is_err() {
			return Weight::zero();
		}
		let Some(last_sealed) = LastSealedEpoch::<T>::get() else { return meter.consumed() };
		let mut epoch = PruneFrom::<T>::get();
		// An epoch's records are kept while it is one of the `HistoryDepth` most recently sealed
		// epochs (other pallets read its verified bytes); then all of them go, by prefix.
		while epoch.saturating_add(T::HistoryDepth::get()) <= last_sealed {
			// One item removed costs about one write; leave room for the cursor update.
			let per_item = db.writes(1).saturating_add(db.reads(1));
			let budget = meter.remaining().saturating_sub(db.writes(2));
			let max_items = if per_item.ref_time() == 0 {
				64
			} else {
				(budget.ref_time() / per_item.ref_time()).min(u32::MAX as u64) as u32
			};
			if max_items == 0 {
				break;
			}
			let r1 = CountedReceipts::<T>::clear_prefix(epoch, max_items, None);
			let left = max_items.saturating_sub(r1.loops);
			let r2 = SampleReports::<T>::clear_prefix((epoch,), left, None);
			let left = left.saturating_sub(r2.loops);
			let r3 = SampleFailures::<T>::clear_prefix(epoch, left, None);
			let left = left.saturating_sub(r3.loops);
			let r4 = Claims::<T>::clear_prefix(epoch, left, None);
			let loops = r1.loops + r2.loops + r3.loops + r4.loops;
			meter.consume(per_item.saturating_mul(loops as u64));
			let done = r1.maybe_cursor.is_none() &&
				r2.maybe_cursor.is_none() &&
				r3.maybe_cursor.is_none() &&
				r4.maybe_cursor.is_none() &&
				left > 0;
			if !done {
				break;
			}
			EpochClaims::<T>::remove(epoch);
			epoch = epoch.saturating_add(1);
			meter.consume(db.writes(2));
			PruneFrom::<T>::put(epoch);
		}
		meter.consumed()
	}
}
