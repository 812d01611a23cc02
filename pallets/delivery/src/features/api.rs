//! What `DeliveryApi` answers: read-only views of epochs, edges, contents, claims and draws.

use crate::*;
use alloc::vec::Vec;
use frame_support::traits::Get;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::SaturatedConversion;
use vidchain_primitives::{
	delivery::{ClaimView, ContentView, DrawView, EdgeView, EpochInfo, EpochWindows, MAX_EDGES_PER_QUERY},
	sampling,
};

impl<T: Config> Pallet<T> {
	/// The epochs as they stand at this block.
	pub fn epoch_info() -> EpochInfo<BlockNumberFor<T>> {
		let s = Self::schedule();
		EpochInfo {
			now: frame_system::Pallet::<T>::block_number(),
			current: Self::current_epoch(),
			epoch_length: s.epoch_length,
			claim_window: s.claim_window,
			proof_window: s.proof_window,
			last_sealed: LastSealedEpoch::<T>::get(),
		}
	}

	/// `epoch`'s timeline.
	pub fn epoch_windows(epoch: EpochIndex) -> EpochWindows<BlockNumberFor<T>> {
		let (claims_from, seed_block) = Self::claim_window(epoch);
		let (proofs_from, proofs_until) = Self::proof_window(epoch);
		EpochWindows {
			epoch,
			starts_at: Self::epoch_start(epoch),
			claims_from,
			seed_block,
			proofs_from,
			proofs_until,
		}
	}

	/// `who`'s edge.
	pub fn edge_view(who: T::AccountId) -> Option<EdgeView<T::AccountId, BlockNumberFor<T>>> {
		Edges::<T>::get(&who).map(|e| Self::view_of_edge(who, e))
	}

	fn view_of_edge(who: T::AccountId, e: EdgeInfo<T>) -> EdgeView<T::AccountId, BlockNumberFor<T>> {
		EdgeView {
			edge: who,
			endpoint: e.endpoint.into_inner(),
			region: e.region.into_inner(),
			bond: e.bond.saturated_into(),
			state: e.state,
			score: e.score,
			pending_claims: e.pending_claims,
			registered_at: e.registered_at,
		}
	}

	/// A content.
	pub fn content_view(content: ContentId) -> Option<ContentView<T::AccountId, BlockNumberFor<T>>> {
		Contents::<T>::get(content).map(|c| ContentView {
			content,
			manifest_root: c.manifest_root,
			creator: c.creator,
			chunk_size: c.chunk_size,
			chunk_count: c.chunk_count,
			total_bytes: c.total_bytes,
			exclusive: c.exclusive,
			title: c.title.into_inner(),
			uri: c.uri.into_inner(),
			registered_at: c.registered_at,
			retired_at: c.retired_at,
		})
	}

	/// `edge`'s claim for `epoch`.
	pub fn claim_view(edge: T::AccountId, epoch: EpochIndex) -> Option<ClaimView<T::AccountId, BlockNumberFor<T>>> {
		Claims::<T>::get(epoch, &edge).map(|c| ClaimView {
			edge,
			epoch,
			root: c.root,
			total_bytes: c.total_bytes,
			receipt_count: c.receipt_count,
			submitted_at: c.submitted_at,
			status: c.status,
		})
	}

	/// What `edge`'s claim for `epoch` must prove, once its seed block exists.
	pub fn draw_view(edge: T::AccountId, epoch: EpochIndex) -> Option<DrawView<BlockNumberFor<T>>> {
		let claim = Claims::<T>::get(epoch, &edge)?;
		let seed_block = Self::seed_block(epoch);
		if frame_system::Pallet::<T>::block_number() <= seed_block {
			return None;
		}
		let seed = sampling::claim_seed(&frame_system::Pallet::<T>::block_hash(seed_block), &edge, epoch);
		let (proofs_from, proofs_until) = Self::proof_window(epoch);
		Some(DrawView {
			epoch,
			seed,
			offsets: sampling::draw_offsets(&seed, claim.total_bytes, T::SamplesPerClaim::get()),
			proofs_from,
			proofs_until,
		})
	}

	/// Active edges, of `region` if given, best score first (then larger bond, then account),
	/// at most `limit` (capped at [`MAX_EDGES_PER_QUERY`]). Reads every edge: for runtime API
	/// calls, never for dispatch.
	pub fn edges_view(region: Option<Vec<u8>>, limit: u32) -> Vec<EdgeView<T::AccountId, BlockNumberFor<T>>> {
		let limit = limit.min(MAX_EDGES_PER_QUERY) as usize;
		if limit == 0 {
			return Vec::new();
		}
		let mut edges: Vec<EdgeView<T::AccountId, BlockNumberFor<T>>> = Edges::<T>::iter()
			.filter(|(_, e)| e.state == EdgeState::Active)
			.filter(|(_, e)| region.as_ref().is_none_or(|r| e.region.as_slice() == r.as_slice()))
			.map(|(who, e)| Self::view_of_edge(who, e))
			.collect();
		edges.sort_by(|a, b| {
			b.score.cmp(&a.score).then(b.bond.cmp(&a.bond)).then_with(|| a.edge.cmp(&b.edge))
		});
		edges.truncate(limit);
		edges
	}
}
