//! Claims and their sampled proofs.

use crate::*;
use frame_support::pallet_prelude::*;
use sp_runtime::traits::Verify;
use vidchain_primitives::{sampling, sum_tree};

impl<T: Config> Pallet<T> {
	/// Record `who`'s claim for `epoch`.
	pub(crate) fn do_submit_claim(
		who: T::AccountId,
		epoch: EpochIndex,
		root: sp_core::H256,
		total_bytes: u64,
		receipt_count: u32,
	) -> DispatchResult {
		let mut edge = Edges::<T>::get(&who).ok_or(Error::<T>::NotAnEdge)?;
		ensure!(edge.state == EdgeState::Active, Error::<T>::EdgeNotActive);
		ensure!(epoch < Self::current_epoch(), Error::<T>::EpochNotEnded);
		let now = frame_system::Pallet::<T>::block_number();
		let (open, close) = Self::claim_window(epoch);
		ensure!(open <= now && now < close, Error::<T>::ClaimWindowClosed);
		ensure!(receipt_count > 0 && total_bytes > 0, Error::<T>::EmptyClaim);
		ensure!(!Claims::<T>::contains_key(epoch, &who), Error::<T>::ClaimExists);
		EpochClaims::<T>::try_mutate(epoch, |edges| edges.try_push(who.clone()))
			.map_err(|_| Error::<T>::TooManyClaims)?;

		Claims::<T>::insert(
			epoch,
			&who,
			Claim { root, total_bytes, receipt_count, submitted_at: now, status: ClaimStatus::Pending },
		);
		edge.pending_claims = edge.pending_claims.saturating_add(1);
		Edges::<T>::insert(&who, edge);
		Self::deposit_event(Event::ClaimSubmitted {
			edge: who,
			epoch,
			root,
			total_bytes,
			receipt_count,
		});
		Ok(())
	}

	/// The leaf indices `edge` must prove for its claim in `epoch`, once the seed block is known
	/// (`None` before that, or without a claim).
	pub fn sampled_leaves(edge: &T::AccountId, epoch: EpochIndex) -> Option<alloc::vec::Vec<u32>> {
		let claim = Claims::<T>::get(epoch, edge)?;
		Self::draw(edge, epoch, claim.receipt_count)
	}

	/// The draw for a claim of `receipt_count` leaves by `edge` in `epoch` (`None` until the
	/// seed block exists).
	fn draw(edge: &T::AccountId, epoch: EpochIndex, receipt_count: u32) -> Option<alloc::vec::Vec<u32>> {
		let seed_block = Self::seed_block(epoch);
		if frame_system::Pallet::<T>::block_number() <= seed_block {
			return None;
		}
		let seed_hash = frame_system::Pallet::<T>::block_hash(seed_block);
		let seed = sampling::claim_seed(&seed_hash, edge, epoch);
		Some(sampling::sample_indices(&seed, receipt_count, Self::samples_per_claim()))
	}

	/// Check `who`'s proof for `epoch`; on success mark the claim verified.
	pub(crate) fn do_submit_proof(
		who: T::AccountId,
		epoch: EpochIndex,
		leaves: BoundedVec<ProofLeafOf<T>, MaxProofLeaves<T>>,
	) -> DispatchResult {
		let mut claim = Claims::<T>::get(epoch, &who).ok_or(Error::<T>::NoClaim)?;
		ensure!(claim.status == ClaimStatus::Pending, Error::<T>::ClaimNotPending);
		let now = frame_system::Pallet::<T>::block_number();
		let (open, close) = Self::proof_window(epoch);
		ensure!(now >= open, Error::<T>::ProofWindowNotOpen);
		ensure!(now < close, Error::<T>::ProofWindowClosed);

		let drawn = Self::draw(&who, epoch, claim.receipt_count).ok_or(Error::<T>::ProofWindowNotOpen)?;
		ensure!(leaves.iter().all(|l| drawn.contains(&l.index)), Error::<T>::LeafNotSampled);
		ensure!(
			leaves.len() == drawn.len() && leaves.iter().zip(drawn.iter()).all(|(l, i)| l.index == *i),
			Error::<T>::ProofIncomplete
		);

		let root = sum_tree::SumNode { hash: claim.root, sum: claim.total_bytes };
		let mut seen: alloc::vec::Vec<(T::AccountId, u64)> = alloc::vec::Vec::with_capacity(leaves.len());
		let mut content_cache: Option<(ContentId, u32, u32)> = None;
		for leaf in leaves.iter() {
			let r = &leaf.receipt;
			ensure!(r.edge == who && r.epoch == epoch, Error::<T>::ReceiptMismatch);

			let (chunk_size, chunk_count) = match content_cache {
				Some((id, size, count)) if id == r.content => (size, count),
				_ => {
					let c = Contents::<T>::get(r.content).ok_or(Error::<T>::UnknownContent)?;
					content_cache = Some((r.content, c.chunk_size, c.chunk_count));
					(c.chunk_size, c.chunk_count)
				},
			};
			let range_ok = r.chunk_count > 0 &&
				r.bytes > 0 &&
				r.first_chunk.checked_add(r.chunk_count).is_some_and(|end| end <= chunk_count) &&
				r.bytes <= r.chunk_count as u64 * chunk_size as u64;
			ensure!(range_ok, Error::<T>::ReceiptOutOfRange);

			ensure!(
				leaf.signature.verify(&r.signing_payload()[..], &r.viewer),
				Error::<T>::BadReceiptSignature
			);

			let key = (r.viewer.clone(), r.session_nonce);
			ensure!(!seen.contains(&key), Error::<T>::DuplicateReceipt);
			ensure!(
				!CountedReceipts::<T>::contains_key(epoch, &key),
				Error::<T>::ReceiptAlreadyCounted
			);
			seen.push(key);

			ensure!(
				sum_tree::verify(&root, claim.receipt_count, leaf.index, r.leaf(), &leaf.path),
				Error::<T>::InvalidPath
			);
		}

		for key in seen {
			CountedReceipts::<T>::insert(epoch, key, ());
		}
		claim.status = ClaimStatus::Verified;
		let bytes = claim.total_bytes;
		Claims::<T>::insert(epoch, &who, claim);
		Edges::<T>::mutate(&who, |maybe| {
			if let Some(edge) = maybe {
				edge.pending_claims = edge.pending_claims.saturating_sub(1);
				edge.score = edge.score.saturating_add(T::ScoreOnClaimVerified::get()).min(MAX_SCORE);
			}
		});
		Self::deposit_event(Event::ClaimVerified { edge: who, epoch, bytes });
		Ok(())
	}

	/// Leaves drawn per claim (the last leaf comes in addition).
	#[cfg(not(feature = "runtime-benchmarks"))]
	pub(crate) fn samples_per_claim() -> u32 {
		T::SamplesPerClaim::get()
	}

	/// Leaves drawn per claim. Benchmark builds only (never shipped) can lower it through a raw
	/// storage key, so that proof verification is measured for every number of leaves up to
	/// `SamplesPerClaim + 1` independently of the tree's depth.
	#[cfg(feature = "runtime-benchmarks")]
	pub(crate) fn samples_per_claim() -> u32 {
		frame_support::storage::unhashed::get::<u32>(crate::benchmarking::SAMPLES_OVERRIDE_KEY)
			.unwrap_or_else(T::SamplesPerClaim::get)
			.min(T::SamplesPerClaim::get())
	}
}
