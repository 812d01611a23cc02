//! Which leaves of a claim must be proven.
//!
//! The seed is fixed only after the claim window closes (see pallet-delivery's docs on
//! randomness), so an edge cannot know at claim time which receipts it will have to show.

extern crate alloc;

use alloc::vec::Vec;
use codec::Encode;
use sp_io::hashing::blake2_256;
use sp_core::{H256};

/// Domain tag of the sample derivation.
const SAMPLE_CONTEXT: &[u8] = b"vidchain/sample/v1";

/// The leaf indices to prove for a claim of `count` receipts: up to `samples` pseudo-random
/// indices drawn from `seed`, plus always the last leaf (whose path pins the tree's shape, and so
/// the claimed receipt count). Sorted, without duplicates; never more than `count` indices.
pub fn sample_indices(seed: &H256, count: u32, samples: u32) -> Vec<u32> {
	if count == 0 {
		return Vec::new();
	}
	if count <= samples.saturating_add(1) {
		return (0..count).collect();
	}
	let mut picked: Vec<u32> = Vec::with_capacity(samples as usize + 1);
	picked.push(count - 1);
	let mut draw: u32 = 0;
	// `count > samples + 1`, so fresh indices keep appearing; the draw counter bounds the loop.
	while (picked.len() as u32) < samples.saturating_add(1) && draw < samples.saturating_mul(64) {
		let h = blake2_256(&(SAMPLE_CONTEXT, seed, draw).encode());
		let idx = (u64::from_le_bytes(h[..8].try_into().expect("8 bytes")) % count as u64) as u32;
		if !picked.contains(&idx) {
			picked.push(idx);
		}
		draw += 1;
	}
	picked.sort_unstable();
	picked
}

/// The seed of one claim: the hash of the block that closed the claim window, mixed with the
/// claim's identity (edge and epoch), so every claim of an epoch draws different leaves.
pub fn claim_seed<BlockHash: Encode, AccountId: Encode>(
	window_close_hash: &BlockHash,
	edge: &AccountId,
	epoch: u32,
) -> H256 {
	H256(blake2_256(&(SAMPLE_CONTEXT, window_close_hash, edge, epoch).encode()))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn small_claims_prove_every_leaf() {
		assert_eq!(sample_indices(&H256::zero(), 0, 8), Vec::<u32>::new());
		assert_eq!(sample_indices(&H256::zero(), 5, 8), (0..5).collect::<Vec<_>>());
		assert_eq!(sample_indices(&H256::zero(), 9, 8), (0..9).collect::<Vec<_>>());
	}

	#[test]
	fn large_claims_draw_distinct_sorted_indices_with_the_last_leaf() {
		for seed in 0..50u8 {
			let idx = sample_indices(&H256::repeat_byte(seed), 10_000, 8);
			assert_eq!(idx.len(), 9);
			assert!(idx.windows(2).all(|w| w[0] < w[1]));
			assert_eq!(*idx.last().unwrap(), 9_999);
		}
		assert_ne!(
			sample_indices(&H256::repeat_byte(1), 10_000, 8),
			sample_indices(&H256::repeat_byte(2), 10_000, 8)
		);
	}

	#[test]
	fn seeds_differ_per_edge_and_epoch() {
		let h = H256::repeat_byte(7);
		assert_ne!(claim_seed(&h, &1u64, 3), claim_seed(&h, &2u64, 3));
		assert_ne!(claim_seed(&h, &1u64, 3), claim_seed(&h, &1u64, 4));
	}
}
