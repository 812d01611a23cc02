//! The draw: which bytes of a claim must be proven, and the check that a proof covers them.
//!
//! A claim commits to a Merkle sum tree whose leaves are receipts, each holding its `bytes`; laid
//! end to end, the leaves cut `[0, total_bytes)` into intervals. The draw picks `S` byte
//! *offsets* uniformly in `[0, total_bytes)` from a seed fixed only after the claim window has
//! closed, and the edge must open, for each offset, the leaf whose interval holds it. A leaf's
//! interval is `[prefix, prefix + bytes)`, where `prefix` is the sum of the left siblings on its
//! path ([`crate::sum_tree::compute_root_and_prefix`]), so the chain checks the interval against
//! the same root that commits the total.
//!
//! **The bound, in bytes.** Bytes that the edge cannot open with a valid receipt (junk nodes,
//! forged or foreign receipts, receipts of other epochs) are drawn with probability equal to
//! their share `f` of `total_bytes`, whatever their place in the tree; a claim survives only if
//! none of the `S` independent offsets falls into them: probability `(1 − f)^S`. Money is in
//! bytes, so the draw is in bytes: a single junk leaf holding almost all of the total is drawn
//! almost surely, wherever it sits.

extern crate alloc;

use crate::sum_tree::{compute_root_and_prefix, SumNode, SumPath};
use alloc::vec::Vec;
use codec::Encode;
use sp_core::H256;
use sp_io::hashing::blake2_256;

/// Domain tag of the draw.
const DRAW_CONTEXT: &[u8] = b"vidchain/draw/v2";

/// The `samples` byte offsets to prove for a claim of `total_bytes`, drawn from `seed`: each
/// uniform in `[0, total_bytes)` (a 64-bit hash scaled by 128-bit multiplication: the bias is
/// below `total_bytes / 2^64`), returned sorted. Offsets may repeat; empty if `total_bytes` is 0.
pub fn draw_offsets(seed: &H256, total_bytes: u64, samples: u32) -> Vec<u64> {
	if total_bytes == 0 {
		return Vec::new();
	}
	let mut offsets: Vec<u64> = (0..samples)
		.map(|i| {
			let h = blake2_256(&(DRAW_CONTEXT, seed, i).encode());
			let x = u64::from_le_bytes(h[..8].try_into().expect("32 bytes hold 8"));
			((x as u128 * total_bytes as u128) >> 64) as u64
		})
		.collect();
	offsets.sort_unstable();
	offsets
}

/// The seed of one claim: the hash of the block that closed the claim window, mixed with the
/// claim's identity (edge and epoch), so every claim of an epoch draws different offsets.
pub fn claim_seed<BlockHash: Encode, AccountId: Encode>(
	window_close_hash: &BlockHash,
	edge: &AccountId,
	epoch: u32,
) -> H256 {
	H256(blake2_256(&(DRAW_CONTEXT, window_close_hash, edge, epoch).encode()))
}

/// Why a proof does not cover a draw.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DrawError {
	/// A leaf's path does not lead to the claimed root (hash and total) for its index.
	InvalidPath,
	/// Leaves are not in strictly increasing position order.
	Unordered,
	/// A leaf holds none of the drawn offsets: it was not drawn.
	LeafNotDrawn,
	/// A drawn offset is held by none of the leaves.
	OffsetNotCovered,
}

/// Check that `leaves` — `(position, leaf node, path)`, in increasing position order — are
/// valid leaves of the tree with `root`, that each holds at least one of the sorted `offsets`,
/// and that every offset is held by one of them. Returns, per leaf, how many offsets it holds
/// (what a payment per drawn receipt scales by).
pub fn check_cover<'a, I>(root: &SumNode, offsets: &[u64], leaves: I) -> Result<Vec<u32>, DrawError>
where
	I: IntoIterator<Item = (u32, SumNode, &'a SumPath)>,
{
	let mut next = 0usize; // the first offset not yet covered
	let mut last_index: Option<u32> = None;
	let mut hits = Vec::new();
	for (index, leaf, path) in leaves {
		if last_index.is_some_and(|last| index <= last) {
			return Err(DrawError::Unordered);
		}
		last_index = Some(index);
		let (reached, prefix) =
			compute_root_and_prefix(index, leaf, path).ok_or(DrawError::InvalidPath)?;
		if reached != *root {
			return Err(DrawError::InvalidPath);
		}
		// Leaves in position order have increasing, disjoint intervals; offsets are sorted.
		let end = prefix.saturating_add(leaf.sum);
		if next < offsets.len() && offsets[next] < prefix {
			return Err(DrawError::OffsetNotCovered);
		}
		let first = next;
		while next < offsets.len() && offsets[next] < end {
			next += 1;
		}
		if next == first {
			return Err(DrawError::LeafNotDrawn);
		}
		hits.push((next - first) as u32);
	}
	if next < offsets.len() {
		return Err(DrawError::OffsetNotCovered);
	}
	Ok(hits)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::sum_tree::SumTree;

	#[test]
	fn offsets_are_sorted_inside_the_total_and_depend_on_the_seed() {
		for seed in 0..50u8 {
			let o = draw_offsets(&H256::repeat_byte(seed), 1_000_003, 16);
			assert_eq!(o.len(), 16);
			assert!(o.windows(2).all(|w| w[0] <= w[1]));
			assert!(o.iter().all(|x| *x < 1_000_003));
		}
		assert_ne!(draw_offsets(&H256::repeat_byte(1), 10_000, 8), draw_offsets(&H256::repeat_byte(2), 10_000, 8));
		assert!(draw_offsets(&H256::zero(), 0, 8).is_empty());
		assert!(draw_offsets(&H256::zero(), u64::MAX, 8).iter().all(|x| *x < u64::MAX));
		assert_eq!(draw_offsets(&H256::zero(), 1, 4), alloc::vec![0; 4]);
	}

	#[test]
	fn seeds_differ_per_edge_and_epoch() {
		let h = H256::repeat_byte(7);
		assert_ne!(claim_seed(&h, &1u64, 3), claim_seed(&h, &2u64, 3));
		assert_ne!(claim_seed(&h, &1u64, 3), claim_seed(&h, &1u64, 4));
	}

	fn node(i: u32, bytes: u64) -> (u32, SumNode) {
		let h = blake2_256(&(b"leaf", i).encode());
		(u32::from_le_bytes(h[..4].try_into().unwrap()), SumNode::leaf(&H256(h), bytes))
	}

	/// The leaves an honest edge opens for `offsets`.
	fn opened(tree: &SumTree, offsets: &[u64]) -> Vec<(u32, SumNode, SumPath)> {
		let mut pos: Vec<u32> = offsets.iter().map(|o| tree.leaf_at_offset(*o).unwrap()).collect();
		pos.dedup();
		pos.iter().map(|p| (*p, tree.leaf(*p).unwrap(), tree.path(*p).unwrap())).collect()
	}

	fn check(root: &SumNode, offsets: &[u64], cover: &[(u32, SumNode, SumPath)]) -> Result<Vec<u32>, DrawError> {
		check_cover(root, offsets, cover.iter().map(|(p, l, path)| (*p, *l, path)))
	}

	#[test]
	fn an_honest_cover_passes_and_every_deviation_fails() {
		let leaves: Vec<(u32, SumNode)> = (0..300).map(|i| node(i, 1 + (i as u64 * 7919) % 5000)).collect();
		let tree = SumTree::build(leaves.clone()).unwrap();
		let root = tree.root();
		for seed in 0..40u8 {
			let offsets = draw_offsets(&H256::repeat_byte(seed), root.sum, 16);
			let cover = opened(&tree, &offsets);
			let hits = check(&root, &offsets, &cover).unwrap();
			assert_eq!(hits.iter().sum::<u32>(), 16);
			// One leaf missing.
			assert_eq!(check(&root, &offsets, &cover[1..]), Err(DrawError::OffsetNotCovered));
			assert_eq!(check(&root, &offsets, &cover[..cover.len() - 1]), Err(DrawError::OffsetNotCovered));
			// An extra leaf that holds no offset.
			let spare = leaves.iter().map(|l| l.0).find(|p| !cover.iter().any(|c| c.0 == *p)).unwrap();
			let mut extra = cover.clone();
			extra.push((spare, tree.leaf(spare).unwrap(), tree.path(spare).unwrap()));
			extra.sort_by_key(|c| c.0);
			assert_eq!(check(&root, &offsets, &extra), Err(DrawError::LeafNotDrawn));
			// Out of order or repeated.
			if cover.len() > 1 {
				let mut swapped = cover.clone();
				swapped.swap(0, 1);
				// The first leaf now starts after the first offset (or, if both hold it, comes second).
				let err = check(&root, &offsets, &swapped).unwrap_err();
				assert!(matches!(err, DrawError::Unordered | DrawError::OffsetNotCovered), "{err:?}");
			}
			let mut twice = cover.clone();
			twice.insert(0, cover[0].clone());
			assert_eq!(check(&root, &offsets, &twice), Err(DrawError::Unordered));
			// A leaf at another position than its own.
			let mut moved = cover.clone();
			moved[0].0 ^= 1;
			assert!(check(&root, &offsets, &moved).is_err());
		}
	}

	/// The bound of the module docs, measured: trees in which junk nodes (that no edge can open)
	/// hold a fraction `f` of the bytes, drawn with 4 000 fixed seeds each. The edge opens every
	/// honest leaf it is asked for; its proof passes only if no offset falls in junk. The pass
	/// rate must stay within the bound `(1 − f)^S` (plus four standard deviations of sampling
	/// noise), wherever the junk sits and however it is split.
	#[test]
	fn pass_rate_of_trees_with_fake_bytes_stays_within_the_bound() {
		const S: u32 = 16;
		const RUNS: u32 = 4_000;
		// (fraction of junk bytes, junk leaves, honest leaves)
		for (f, junk, honest) in [(0.05f64, 1u32, 999u32), (0.1, 1, 1_000), (0.2, 7, 500), (0.5, 40, 100), (0.99, 1, 50)] {
			let honest_bytes = 1_000u64 * honest as u64;
			let junk_total = ((honest_bytes as f64) * f / (1.0 - f)).round() as u64;
			// Junk nodes sit at positions of their own (wherever the attacker likes: no receipt
			// hashes to them), honest receipts at theirs.
			let junk_nodes: Vec<(u32, SumNode)> =
				(0..junk).map(|j| node(1_000_000 + j, junk_total / junk as u64)).collect();
			let mut all: Vec<(u32, SumNode)> = (0..honest).map(|i| node(i, 1_000)).collect();
			all.extend(junk_nodes.iter().copied());
			let tree = SumTree::build(all).unwrap();
			let is_junk = |p: u32| junk_nodes.iter().any(|j| j.0 == p);
			let root = tree.root();
			let real_f = 1.0 - honest_bytes as f64 / root.sum as f64;
			let mut passed = 0u32;
			for run in 0..RUNS {
				let seed = H256(blake2_256(&(b"stat", run, junk).encode()));
				let offsets = draw_offsets(&seed, root.sum, S);
				// The attacker opens the honest leaves it can; a junk node cannot be opened.
				let cover: Vec<_> = opened(&tree, &offsets).into_iter().filter(|(p, _, _)| !is_junk(*p)).collect();
				if check(&root, &offsets, &cover).is_ok() {
					passed += 1;
				}
			}
			let bound = (1.0 - real_f).powi(S as i32);
			let sigma = (bound * (1.0 - bound) / RUNS as f64).sqrt();
			let rate = passed as f64 / RUNS as f64;
			assert!(rate <= bound + 4.0 * sigma + 1.0 / RUNS as f64, "f={real_f:.3}: pass rate {rate} over bound {bound}");
			// And the draw is not weaker than the bound by much either (it is exact, not loose).
			assert!(rate >= bound - 4.0 * sigma - 1.0 / RUNS as f64, "f={real_f:.3}: pass rate {rate} under {bound}");
		}
	}
}
