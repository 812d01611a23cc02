//! A binary **Merkle sum tree** over delivery receipts.
//!
//! Each leaf commits to a receipt's hash and its byte count; each inner node commits to its two
//! children *and the sum of bytes below it*. The root therefore commits to the total number of
//! bytes of every receipt in the tree: an edge that states a larger `total_bytes` than its
//! receipts add up to cannot produce a path to the root it claimed.
//!
//! No maintained no_std Merkle *sum* tree exists on crates.io (polkadot-sdk's
//! `binary-merkle-tree`, used here for content manifests, has no sums), so this one is kept small
//! and heavily tested.
//!
//! ## Shape
//! Rows are paired left to right; an odd last node is promoted unchanged to the row above (as in
//! `binary-merkle-tree`). The shape is therefore fixed by the number of leaves alone, and a path
//! for `(index, count)` has exactly one sibling per row in which the node is not promoted:
//! [`verify`] rejects paths that are longer or shorter than that.
//!
//! ## Hashing (blake2-256, domain separated)
//! - leaf:  `H(0x00 ‖ receipt_hash ‖ bytes as u64 LE)`, sum = `bytes`
//! - inner: `H(0x01 ‖ left.hash ‖ left.sum LE ‖ right.hash ‖ right.sum LE)`, sum = left + right
//!   (sums are checked: an overflowing tree has no root).

extern crate alloc;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_io::hashing::blake2_256;
use sp_core::{H256};

/// Leaf domain tag.
const LEAF_TAG: u8 = 0x00;
/// Inner-node domain tag.
const NODE_TAG: u8 = 0x01;

/// Longest path a tree of up to `u32::MAX` leaves can have.
pub const MAX_DEPTH: u32 = 32;

/// One node of a sum tree: a hash and the sum of bytes below it.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug, Default,
)]
pub struct SumNode {
	/// The node's hash.
	pub hash: H256,
	/// Bytes delivered under this node.
	pub sum: u64,
}

impl SumNode {
	/// The leaf for a receipt with hash `receipt_hash` that delivered `bytes`.
	pub fn leaf(receipt_hash: &H256, bytes: u64) -> SumNode {
		let mut buf = [0u8; 1 + 32 + 8];
		buf[0] = LEAF_TAG;
		buf[1..33].copy_from_slice(receipt_hash.as_bytes());
		buf[33..].copy_from_slice(&bytes.to_le_bytes());
		SumNode { hash: H256(blake2_256(&buf)), sum: bytes }
	}

	/// The parent of `left` and `right`; `None` if their sums overflow.
	pub fn parent(left: &SumNode, right: &SumNode) -> Option<SumNode> {
		let sum = left.sum.checked_add(right.sum)?;
		let mut buf = [0u8; 1 + 2 * (32 + 8)];
		buf[0] = NODE_TAG;
		buf[1..33].copy_from_slice(left.hash.as_bytes());
		buf[33..41].copy_from_slice(&left.sum.to_le_bytes());
		buf[41..73].copy_from_slice(right.hash.as_bytes());
		buf[73..].copy_from_slice(&right.sum.to_le_bytes());
		Some(SumNode { hash: H256(blake2_256(&buf)), sum })
	}
}

/// Why a tree could not be built.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BuildError {
	/// No leaves.
	Empty,
	/// More than `u32::MAX` leaves.
	TooManyLeaves,
	/// The bytes add up to more than `u64::MAX`.
	SumOverflow,
}

/// A whole sum tree, kept row by row (row 0 = leaves), for the party that builds proofs (the edge).
#[derive(Clone, Debug)]
pub struct SumTree {
	rows: Vec<Vec<SumNode>>,
}

impl SumTree {
	/// Build the tree over `leaves` (see [`SumNode::leaf`]).
	pub fn build(leaves: Vec<SumNode>) -> Result<SumTree, BuildError> {
		if leaves.is_empty() {
			return Err(BuildError::Empty);
		}
		if u32::try_from(leaves.len()).is_err() {
			return Err(BuildError::TooManyLeaves);
		}
		let mut rows = alloc::vec![leaves];
		while rows.last().map_or(0, |r| r.len()) > 1 {
			let row = rows.last().expect("rows is never empty");
			let mut up = Vec::with_capacity(row.len().div_ceil(2));
			for pair in row.chunks(2) {
				match pair {
					[l, r] => up.push(SumNode::parent(l, r).ok_or(BuildError::SumOverflow)?),
					[single] => up.push(*single),
					_ => unreachable!("chunks(2) yields one or two nodes"),
				}
			}
			rows.push(up);
		}
		Ok(SumTree { rows })
	}

	/// The root: its hash is what an edge claims, its sum the claim's `total_bytes`.
	pub fn root(&self) -> SumNode {
		self.rows.last().and_then(|r| r.first()).copied().expect("a built tree has a root")
	}

	/// Number of leaves.
	pub fn len(&self) -> u32 {
		self.rows[0].len() as u32
	}

	/// A tree always has at least one leaf.
	pub fn is_empty(&self) -> bool {
		false
	}

	/// The leaf at `index`.
	pub fn leaf(&self, index: u32) -> Option<SumNode> {
		self.rows[0].get(index as usize).copied()
	}

	/// The path of siblings from leaf `index` up to the root (bottom first); `None` if out of range.
	pub fn path(&self, index: u32) -> Option<Vec<SumNode>> {
		let mut pos = index as usize;
		if pos >= self.rows[0].len() {
			return None;
		}
		let mut path = Vec::new();
		for row in &self.rows[..self.rows.len() - 1] {
			if pos % 2 == 1 {
				path.push(row[pos - 1]);
			} else if pos + 1 < row.len() {
				path.push(row[pos + 1]);
			}
			pos /= 2;
		}
		Some(path)
	}
}

/// The root reached from `leaf` at `index` in a tree of `count` leaves through `path`, or `None`
/// if the index is out of range, the path does not have exactly the tree's shape, or a sum
/// overflows.
pub fn compute_root(count: u32, index: u32, leaf: SumNode, path: &[SumNode]) -> Option<SumNode> {
	if index >= count {
		return None;
	}
	let (mut pos, mut width) = (index, count);
	let mut node = leaf;
	let mut siblings = path.iter();
	while width > 1 {
		if pos % 2 == 1 {
			node = SumNode::parent(siblings.next()?, &node)?;
		} else if pos + 1 < width {
			node = SumNode::parent(&node, siblings.next()?)?;
		}
		pos /= 2;
		width = width.div_ceil(2);
	}
	// Every sibling must have been used: a longer path is not a path of this tree.
	siblings.next().is_none().then_some(node)
}

/// Whether `path` proves `leaf` at `index` in the tree of `count` leaves with root `root`
/// (hash and sum).
pub fn verify(root: &SumNode, count: u32, index: u32, leaf: SumNode, path: &[SumNode]) -> bool {
	compute_root(count, index, leaf, path).is_some_and(|r| r == *root)
}

/// How many siblings a path of `index` in a tree of `count` leaves has (`None` if out of range).
pub fn path_len(count: u32, index: u32) -> Option<u32> {
	if index >= count {
		return None;
	}
	let (mut pos, mut width, mut len) = (index, count, 0);
	while width > 1 {
		if pos % 2 == 1 || pos + 1 < width {
			len += 1;
		}
		pos /= 2;
		width = width.div_ceil(2);
	}
	Some(len)
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	fn leaves(n: u32) -> Vec<SumNode> {
		(0..n).map(|i| SumNode::leaf(&H256(blake2_256(&i.to_le_bytes())), 1000 + i as u64)).collect()
	}

	#[test]
	fn every_leaf_of_many_shapes_verifies() {
		for n in 1..=70u32 {
			let tree = SumTree::build(leaves(n)).unwrap();
			let root = tree.root();
			assert_eq!(root.sum, (0..n as u64).map(|i| 1000 + i).sum::<u64>());
			for i in 0..n {
				let path = tree.path(i).unwrap();
				assert_eq!(path.len() as u32, path_len(n, i).unwrap());
				assert!(verify(&root, n, i, tree.leaf(i).unwrap(), &path), "n={n} i={i}");
			}
			assert!(tree.path(n).is_none());
		}
	}

	#[test]
	fn single_leaf_is_its_own_root() {
		let tree = SumTree::build(leaves(1)).unwrap();
		assert_eq!(tree.root(), tree.leaf(0).unwrap());
		assert!(verify(&tree.root(), 1, 0, tree.leaf(0).unwrap(), &[]));
	}

	#[test]
	fn empty_and_overflow_are_refused() {
		assert_eq!(SumTree::build(Vec::new()).unwrap_err(), BuildError::Empty);
		let big = SumNode::leaf(&H256::zero(), u64::MAX);
		assert_eq!(SumTree::build(alloc::vec![big, big]).unwrap_err(), BuildError::SumOverflow);
	}

	#[test]
	fn wrong_count_index_or_path_length_fails() {
		let n = 11;
		let tree = SumTree::build(leaves(n)).unwrap();
		let root = tree.root();
		for i in 0..n {
			let leaf = tree.leaf(i).unwrap();
			let path = tree.path(i).unwrap();
			// Claiming another leaf count changes the shape: the last leaf always notices.
			for other in [n - 1, n + 1, 2 * n] {
				if i == n - 1 {
					assert!(!verify(&root, other, i, leaf, &path), "i={i} count={other}");
				}
			}
			assert!(!verify(&root, n, (i + 1) % n, leaf, &path));
			let mut longer = path.clone();
			longer.push(SumNode::default());
			assert!(!verify(&root, n, i, leaf, &longer));
			if !path.is_empty() {
				assert!(!verify(&root, n, i, leaf, &path[..path.len() - 1]));
			}
		}
		assert!(!verify(&root, n, n, tree.leaf(0).unwrap(), &tree.path(0).unwrap()));
	}

	#[test]
	fn inflated_sum_is_detected() {
		let tree = SumTree::build(leaves(9)).unwrap();
		let mut inflated = tree.root();
		inflated.sum += 1;
		for i in 0..9 {
			assert!(!verify(&inflated, 9, i, tree.leaf(i).unwrap(), &tree.path(i).unwrap()));
		}
		// A leaf that claims more bytes than it was built with does not reach the root either.
		let mut fat = tree.leaf(3).unwrap();
		fat.sum += 1;
		assert!(!verify(&tree.root(), 9, 3, fat, &tree.path(3).unwrap()));
	}

	#[test]
	fn leaf_and_inner_nodes_are_domain_separated() {
		let a = SumNode::leaf(&H256::repeat_byte(1), 5);
		let b = SumNode::leaf(&H256::repeat_byte(2), 7);
		let parent = SumNode::parent(&a, &b).unwrap();
		assert_ne!(parent.hash, SumNode::leaf(&a.hash, 12).hash);
		assert_ne!(SumNode::parent(&a, &b), SumNode::parent(&b, &a));
	}

	proptest! {
		#[test]
		fn any_sibling_change_breaks_the_proof(
			n in 2u32..200, pick in any::<u32>(), sib in any::<u32>(), byte in 0usize..40, bit in 0u8..8
		) {
			let tree = SumTree::build(leaves(n)).unwrap();
			let i = pick % n;
			let mut path = tree.path(i).unwrap();
			prop_assume!(!path.is_empty());
			let s = (sib as usize) % path.len();
			let mut enc = path[s].encode();
			enc[byte] ^= 1 << bit;
			path[s] = SumNode::decode(&mut &enc[..]).unwrap();
			prop_assert!(!verify(&tree.root(), n, i, tree.leaf(i).unwrap(), &path));
		}
	}
}
