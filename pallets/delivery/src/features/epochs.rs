//! Epoch arithmetic, sealing (spread over blocks), and pruning of records nothing reads any more.

use crate::*;
use frame_support::{pallet_prelude::*, weights::WeightMeter};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{One, Saturating, Zero},
	SaturatedConversion,
};

impl<T: Config> Pallet<T> {
	/// The network's epoch schedule.
	pub fn schedule() -> EpochSchedule<BlockNumberFor<T>> {
		Schedule::<T>::get()
	}

	/// Whether `s` is a schedule the pallet can run: positive windows, a claim window shorter
	/// than an epoch, and a proof window that closes while the seed block's hash is still known.
	pub(crate) fn schedule_is_valid(s: &EpochSchedule<BlockNumberFor<T>>) -> bool {
		let hashes_kept = <<T as frame_system::Config>::BlockHashCount as Get<BlockNumberFor<T>>>::get();
		!s.epoch_length.is_zero() &&
			!s.claim_window.is_zero() &&
			!s.proof_window.is_zero() &&
			s.claim_window < s.epoch_length &&
			s.proof_window.saturating_add(2u32.into()) < hashes_kept
	}

	/// The epoch block `n` belongs to.
	pub fn epoch_of(n: BlockNumberFor<T>) -> EpochIndex {
		(n / Self::schedule().epoch_length).saturated_into()
	}

	/// The current epoch.
	pub fn current_epoch() -> EpochIndex {
		Self::epoch_of(frame_system::Pallet::<T>::block_number())
	}

	/// First block of `epoch`.
	pub fn epoch_start(epoch: EpochIndex) -> BlockNumberFor<T> {
		BlockNumberFor::<T>::from(epoch).saturating_mul(Self::schedule().epoch_length)
	}

	/// Blocks in which claims for `epoch` are accepted: `[end, end + claim window)`.
	pub fn claim_window(epoch: EpochIndex) -> (BlockNumberFor<T>, BlockNumberFor<T>) {
		let end = Self::epoch_start(epoch.saturating_add(1));
		(end, end.saturating_add(Self::schedule().claim_window))
	}

	/// The block whose hash seeds the draw of `epoch`'s claims: the first block after the claim
	/// window.
	pub fn seed_block(epoch: EpochIndex) -> BlockNumberFor<T> {
		Self::claim_window(epoch).1
	}

	/// Blocks in which proofs for `epoch` are accepted: `[seed + 1, seed + 1 + proof window)`.
	/// Sealing starts at the block the window closes.
	pub fn proof_window(epoch: EpochIndex) -> (BlockNumberFor<T>, BlockNumberFor<T>) {
		let open = Self::seed_block(epoch).saturating_add(One::one());
		(open, open.saturating_add(Self::schedule().proof_window))
	}

	/// Blocks until the current epoch ends (the longevity of a sample report).
	pub(crate) fn blocks_left_in_epoch() -> u64 {
		let now = frame_system::Pallet::<T>::block_number();
		let end = Self::epoch_start(Self::current_epoch().saturating_add(1));
		end.saturating_sub(now).saturated_into::<u64>().max(1)
	}

	/// One block's sealing work: while the next epoch to seal has its proof window closed, walk
	/// its claims from the cursor, rejecting (and slashing) every claim still pending, at most
	/// `MaxSealPerBlock` claims per block. An epoch is sealed when its last claim is done.
	pub(crate) fn seal_step(now: BlockNumberFor<T>) -> Weight {
		let mut cursor = Sealing::<T>::get();
		let mut budget = T::MaxSealPerBlock::get();
		// Reading the cursor and the schedule.
		let mut weight = T::DbWeight::get().reads(2);
		if now < Self::proof_window(cursor.epoch).1 {
			return weight;
		}
		let start = cursor.clone();
		let mut walked = 0u32;
		let mut rejected_here = 0u32;
		let mut sealed_here = 0u64;
		while now >= Self::proof_window(cursor.epoch).1 {
			let epoch = cursor.epoch;
			let mut claims = match cursor.last_key.take() {
				Some(key) => Claims::<T>::iter_prefix_from(epoch, key.into_inner()),
				None => Claims::<T>::iter_prefix(epoch),
			};
			let mut finished = true;
			for (who, mut claim) in claims.by_ref() {
				walked += 1;
				match claim.status {
					ClaimStatus::Verified => cursor.verified = cursor.verified.saturating_add(1),
					ClaimStatus::Rejected => cursor.rejected = cursor.rejected.saturating_add(1),
					ClaimStatus::Pending => {
						claim.status = ClaimStatus::Rejected;
						Claims::<T>::insert(epoch, &who, claim.clone());
						Edges::<T>::mutate(&who, |maybe| {
							if let Some(edge) = maybe {
								edge.pending_claims = edge.pending_claims.saturating_sub(1);
								Self::slash_edge(&who, edge, SlashReason::UnprovenClaim);
							}
						});
						Self::deposit_event(Event::ClaimRejected { edge: who.clone(), epoch });
						cursor.rejected = cursor.rejected.saturating_add(1);
						rejected_here += 1;
					},
				}
				// The claim is final: its payments' pallet records the edge's bond and score.
				let (bond, score) = Edges::<T>::get(&who)
					.map_or((0, 0), |edge| (edge.bond.saturated_into::<u128>(), edge.score));
				T::Payments::on_claim_sealed(&who, epoch, claim.status == ClaimStatus::Verified, bond, score);
				budget -= 1;
				if budget == 0 {
					finished = false;
					break;
				}
			}
			if !finished {
				// Come back to the claim after this one next block (a key too long for the
				// cursor cannot happen with 32-byte accounts; it would restart the walk, which
				// only re-counts claims that are already final).
				cursor.last_key = claims.last_raw_key().to_vec().try_into().ok();
				// The epoch may have ended exactly here: the next block finds no claim after the
				// cursor and seals it.
				break;
			}
			LastSealedEpoch::<T>::put(epoch);
			T::Payments::on_epoch_sealed(epoch);
			sealed_here += 1;
			Self::deposit_event(Event::EpochSealed {
				epoch,
				verified: cursor.verified,
				rejected: cursor.rejected,
			});
			cursor = SealCursor { epoch: epoch.saturating_add(1), ..Default::default() };
			if budget == 0 {
				break;
			}
		}
		if cursor != start {
			Sealing::<T>::put(cursor);
		}
		weight.saturating_accrue(Self::seal_weight(walked - rejected_here, rejected_here));
		// Each walked claim reads its edge's bond and score for the payments hook (not yet in
		// the seal benchmarks).
		weight.saturating_accrue(T::DbWeight::get().reads(walked as u64));
		weight.saturating_accrue(T::Payments::on_claim_sealed_weight().saturating_mul(walked as u64));
		weight.saturating_accrue(T::Payments::on_epoch_sealed_weight().saturating_mul(sealed_here));
		weight
	}

	/// The weight of a sealing step that walks `verified` claims already final and rejects
	/// `rejected` unproven ones: two single-component benchmarks, each measured down to zero
	/// claims, sharing one base (the cursor and the epoch's end).
	pub fn seal_weight(verified: u32, rejected: u32) -> Weight {
		T::WeightInfo::seal_verified(verified)
			.saturating_add(T::WeightInfo::seal_rejected(rejected))
			.saturating_sub(T::WeightInfo::seal_rejected(0))
	}

	/// Remove, within `limit`, the per-epoch records nothing reads any more: sample reports
	/// and failures of ended epochs, retired contents whose retirement epoch is sealed, and
	/// claims of epochs sealed more than `HistoryDepth` epochs ago.
	pub(crate) fn prune(limit: Weight) -> Weight {
		let mut meter = WeightMeter::with_limit(limit);
		// The benchmarked step: its base reads the cursors and the last sealed epoch and writes
		// the cursors back; each item costs what a retired content costs, the costliest kind.
		let base = T::WeightInfo::prune(0);
		let per_item = T::WeightInfo::prune(1).saturating_sub(base);
		if meter.try_consume(base).is_err() {
			return Weight::zero();
		}
		let mut cursor = Pruning::<T>::get();
		let start = cursor;
		let current = Self::current_epoch();
		let last_sealed = LastSealedEpoch::<T>::get();
		// How many more items fit in what is left, in both dimensions of weight.
		let max_items = |meter: &WeightMeter| -> u32 {
			let left = meter.remaining();
			let by_time = left.ref_time() / per_item.ref_time().max(1);
			let by_proof = left.proof_size().checked_div(per_item.proof_size()).unwrap_or(u64::MAX);
			by_time.min(by_proof).min(u32::MAX as u64) as u32
		};

		// Samples: only the current epoch's are read.
		while cursor.samples < current {
			let limit = max_items(&meter);
			if limit == 0 {
				break;
			}
			let r1 = SampleReports::<T>::clear_prefix((cursor.samples,), limit, None);
			let left = limit.saturating_sub(r1.loops);
			let r2 = SampleFailures::<T>::clear_prefix(cursor.samples, left, None);
			meter.consume(per_item.saturating_mul((r1.loops + r2.loops) as u64));
			if r1.maybe_cursor.is_some() || r2.maybe_cursor.is_some() || left == r2.loops {
				break;
			}
			cursor.samples = cursor.samples.saturating_add(1);
		}

		if let Some(last_sealed) = last_sealed {
			// Retired contents: no receipt of them can be proven once their epoch is sealed.
			while cursor.retired <= last_sealed {
				let limit = max_items(&meter);
				if limit == 0 {
					break;
				}
				let ids: alloc::vec::Vec<ContentId> = RetiredContents::<T>::iter_key_prefix(cursor.retired)
					.take((limit as usize).saturating_add(1))
					.collect();
				let done = ids.len() <= limit as usize;
				for id in ids.iter().take(limit as usize) {
					RetiredContents::<T>::remove(cursor.retired, id);
					Contents::<T>::remove(id);
				}
				let removed = ids.len().min(limit as usize) as u64;
				meter.consume(per_item.saturating_mul(removed));
				if !done {
					break;
				}
				cursor.retired = cursor.retired.saturating_add(1);
			}

			// Claims: kept while their epoch is one of the `HistoryDepth` latest sealed.
			while cursor.claims.saturating_add(T::HistoryDepth::get()) <= last_sealed {
				let limit = max_items(&meter);
				if limit == 0 {
					break;
				}
				let r = Claims::<T>::clear_prefix(cursor.claims, limit, None);
				meter.consume(per_item.saturating_mul(r.loops as u64));
				if r.maybe_cursor.is_some() || r.loops == limit {
					break;
				}
				cursor.claims = cursor.claims.saturating_add(1);
			}
		}

		if cursor != start {
			Pruning::<T>::put(cursor);
		}
		meter.consumed()
	}
}
