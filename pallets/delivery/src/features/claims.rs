//! Claims and their byte-weighted, sampled proofs.

use crate::*;
use frame_support::pallet_prelude::*;
use sp_runtime::traits::Verify;
use vidchain_primitives::{
	delivery::chunk_range_bytes,
	sampling::{self, DrawError},
	sum_tree::SumNode,
};

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
		ensure!(!matches!(edge.state, EdgeState::Suspended { .. }), Error::<T>::EdgeNotActive);
		ensure!(epoch < Self::current_epoch(), Error::<T>::EpochNotEnded);
		let now = frame_system::Pallet::<T>::block_number();
		let (open, close) = Self::claim_window(epoch);
		ensure!(open <= now && now < close, Error::<T>::ClaimWindowClosed);
		ensure!(receipt_count > 0 && total_bytes > 0, Error::<T>::EmptyClaim);
		ensure!(
			total_bytes as u128 <= receipt_count as u128 * Self::max_receipt_bytes(),
			Error::<T>::ClaimTooLarge
		);
		ensure!(!Claims::<T>::contains_key(epoch, &who), Error::<T>::ClaimExists);

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

	/// The largest receipt any content can have: `MaxChunkSize × MaxChunks` bytes.
	pub(crate) fn max_receipt_bytes() -> u128 {
		T::MaxChunkSize::get() as u128 * T::MaxChunks::get() as u128
	}

	/// The byte offsets `edge` must prove for its claim in `epoch`, sorted, once the seed block
	/// is known (`None` before that, or without a claim).
	pub fn drawn_offsets(edge: &T::AccountId, epoch: EpochIndex) -> Option<alloc::vec::Vec<u64>> {
		let claim = Claims::<T>::get(epoch, edge)?;
		Self::draw(edge, epoch, claim.total_bytes)
	}

	/// The draw for a claim of `total_bytes` by `edge` in `epoch` (`None` until the seed block
	/// exists).
	fn draw(edge: &T::AccountId, epoch: EpochIndex, total_bytes: u64) -> Option<alloc::vec::Vec<u64>> {
		let seed_block = Self::seed_block(epoch);
		if frame_system::Pallet::<T>::block_number() <= seed_block {
			return None;
		}
		let seed_hash = frame_system::Pallet::<T>::block_hash(seed_block);
		let seed = sampling::claim_seed(&seed_hash, edge, epoch);
		Some(sampling::draw_offsets(&seed, total_bytes, T::SamplesPerClaim::get()))
	}

	/// The weight of a proof of `leaves` receipts whose longest path has `depth` siblings: the
	/// costliest of the `MultiSignature` schemes a viewer may sign receipts with, each
	/// benchmarked (ECDSA recovers the key and hashes it to the account; sr25519 and ed25519
	/// verify against it).
	pub fn proof_weight(leaves: u32, depth: u32) -> Weight {
		T::WeightInfo::submit_proof_sr25519(leaves, depth)
			.max(T::WeightInfo::submit_proof_ed25519(leaves, depth))
			.max(T::WeightInfo::submit_proof_ecdsa(leaves, depth))
			.saturating_add(T::Payments::on_claim_verified_weight(leaves))
	}

	/// Check `who`'s proof for `epoch`; on success mark the claim verified.
	pub(crate) fn do_submit_proof(
		who: T::AccountId,
		epoch: EpochIndex,
		leaves: BoundedVec<ProofLeafOf<T>, T::SamplesPerClaim>,
	) -> DispatchResult {
		let mut claim = Claims::<T>::get(epoch, &who).ok_or(Error::<T>::NoClaim)?;
		ensure!(claim.status == ClaimStatus::Pending, Error::<T>::ClaimNotPending);
		let now = frame_system::Pallet::<T>::block_number();
		let (open, close) = Self::proof_window(epoch);
		ensure!(now >= open, Error::<T>::ProofWindowNotOpen);
		ensure!(now < close, Error::<T>::ProofWindowClosed);
		let offsets = Self::draw(&who, epoch, claim.total_bytes).ok_or(Error::<T>::ProofWindowNotOpen)?;

		// 1. The tree: every leaf at its receipt's slot, on a path to the claimed root, and
		//    together holding exactly the drawn offsets.
		let root = SumNode { hash: claim.root, sum: claim.total_bytes };
		let hits = sampling::check_cover(
			&root,
			&offsets,
			leaves.iter().map(|l| (l.receipt.position(), l.receipt.leaf(), &l.path)),
		)
		.map_err(|e| match e {
			DrawError::InvalidPath => Error::<T>::InvalidPath,
			DrawError::LeafNotDrawn => Error::<T>::LeafNotDrawn,
			DrawError::Unordered | DrawError::OffsetNotCovered => Error::<T>::ProofIncomplete,
		})?;

		// 2. Each receipt: this edge and epoch, a content live then, an exact chunk range, and
		//    its viewer's signature for this chain.
		let genesis = Self::genesis_hash();
		let mut content_cache: Option<(ContentId, ContentInfo<T>)> = None;
		for leaf in leaves.iter() {
			let r = &leaf.receipt;
			ensure!(r.edge == who && r.epoch == epoch, Error::<T>::ReceiptMismatch);
			let content = match &content_cache {
				Some((id, info)) if *id == r.content => info,
				_ => {
					let info = Contents::<T>::get(r.content).ok_or(Error::<T>::UnknownContent)?;
					&content_cache.insert((r.content, info)).1
				},
			};
			ensure!(Self::content_live_in(content, epoch), Error::<T>::ContentNotLive);
			ensure!(
				chunk_range_bytes(content.chunk_size, content.total_bytes, r.first_chunk, r.chunk_count) ==
					Some(r.bytes),
				Error::<T>::ReceiptOutOfRange
			);
			ensure!(
				leaf.signature.verify(&r.signing_payload(&genesis)[..], &r.viewer),
				Error::<T>::BadReceiptSignature
			);
		}

		claim.status = ClaimStatus::Verified;
		let bytes = claim.total_bytes;
		Claims::<T>::insert(epoch, &who, claim);
		// The score moves only on validators' samples: a claim proves receipts, not that their
		// viewers are real, so it must not earn what emission is shared by.
		Edges::<T>::mutate(&who, |maybe| {
			if let Some(edge) = maybe {
				edge.pending_claims = edge.pending_claims.saturating_sub(1);
			}
		});
		// 3. Payment: each drawn receipt pays for the offsets it holds.
		let drawn: alloc::vec::Vec<DrawnReceipt<T::AccountId>> = leaves
			.into_iter()
			.zip(hits)
			.map(|(leaf, hits)| DrawnReceipt {
				viewer: leaf.receipt.viewer,
				content: leaf.receipt.content,
				price_per_mib: leaf.receipt.price_per_mib,
				payer: leaf.receipt.payer,
				hits,
			})
			.collect();
		T::Payments::on_claim_verified(&who, epoch, bytes, offsets.len() as u32, &drawn);
		Self::deposit_event(Event::ClaimVerified { edge: who, epoch, bytes });
		Ok(())
	}
}
