//! A sparse binary **Merkle sum tree** over delivery receipts, keyed by receipt position.
//!
//! Each leaf commits to a receipt's hash and its byte count; each inner node commits to its two
//! children *and the sum of bytes below it*. The root therefore commits to the total number of
//! bytes of every receipt in the tree: an edge that states a larger `total_bytes` than its
//! receipts add up to cannot produce a path to the root it claimed.
//!
//! ## Positions: one place per receipt, so no receipt counts twice
//! The tree has [`DEPTH`] = 32 levels, `2^32` leaf slots. A receipt can only sit in the slot given
//! by its *position*, a hash of its viewer and session nonce
//! ([`crate::delivery::DeliveryReceipt::position`]); the chain recomputes the position from the
//! receipt and follows the path by its bits. So the same `(viewer, session nonce)` cannot appear
//! twice in one claim (both copies would need the same slot), and a copy placed in another slot
//! has no valid path: it is junk that the byte-weighted draw finds in proportion to its bytes
//! ([`crate::sampling`]). Two different receipts whose positions collide cannot both be claimed:
//! the edge keeps one (for `n` receipts the chance of any collision is about `n² / 2^33`: 1.2% at
//! 10 000 receipts, and then one receipt is lost).
//!
//! ## Empty subtrees and compact paths
//! An empty subtree is [`SumNode::EMPTY`] (zero hash, zero sum) at every level, and the parent of
//! two empty nodes is empty. A path lists only the non-empty siblings, bottom first, with a bitmap
//! saying at which levels they are ([`SumPath`]), so a proof in a tree of `n` receipts carries
//! about `log2(n)` siblings. Claiming that a non-empty subtree is empty only hides bytes from the
//! claim; it cannot add any.
//!
//! ## Hashing (blake2-256, domain separated)
//! - leaf:  `H(0x00 ‖ receipt_hash ‖ bytes as u64 LE)`, sum = `bytes`
//! - inner: `H(0x01 ‖ left.hash ‖ left.sum LE ‖ right.hash ‖ right.sum LE)`, sum = left + right
//!   (sums are checked: an overflowing tree has no root).
//!
//! No maintained no_std Merkle *sum* tree exists on crates.io (polkadot-sdk's
//! `binary-merkle-tree`, used here for content manifests, has no sums), so this one is kept small
//! and heavily tested.

extern crate alloc;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{ConstU32, H256};
use sp_io::hashing::blake2_256;
use sp_runtime::BoundedVec;

/// Leaf domain tag.
const LEAF_TAG: u8 = 0x00;
/// Inner-node domain tag.
const NODE_TAG: u8 = 0x01;

/// Levels of the tree: leaf slots are `u32` positions.
pub const DEPTH: u32 = 32;

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
	/// An empty subtree, at any level.
	pub const EMPTY: SumNode = SumNode { hash: H256::zero(), sum: 0 };

	/// Whether this is [`SumNode::EMPTY`].
	pub fn is_empty(&self) -> bool {
		*self == Self::EMPTY
	}

	/// The leaf for a receipt with hash `receipt_hash` that delivered `bytes`.
	pub fn leaf(receipt_hash: &H256, bytes: u64) -> SumNode {
		let mut buf = [0u8; 1 + 32 + 8];
		buf[0] = LEAF_TAG;
		buf[1..33].copy_from_slice(receipt_hash.as_bytes());
		buf[33..].copy_from_slice(&bytes.to_le_bytes());
		SumNode { hash: H256(blake2_256(&buf)), sum: bytes }
	}

	/// The parent of `left` and `right` (empty if both are); `None` if their sums overflow.
	pub fn parent(left: &SumNode, right: &SumNode) -> Option<SumNode> {
		if left.is_empty() && right.is_empty() {
			return Some(SumNode::EMPTY);
		}
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

/// The path of one leaf to the root: the non-empty siblings, bottom first, and a bitmap whose bit
/// `l` says that the sibling at level `l` (0 = the leaf's own level) is one of them; the others
/// are empty.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug, Default)]
pub struct SumPath {
	/// Which levels have a non-empty sibling.
	pub present: u32,
	/// Those siblings, bottom first.
	pub siblings: BoundedVec<SumNode, ConstU32<DEPTH>>,
}

/// The root reached from `leaf` at `position` through `path`, and the leaf's *prefix*: the bytes
/// of every leaf to its left (the sum of its left siblings). `None` if the path's bitmap and
/// siblings disagree, a sibling said to be present is empty, or a sum overflows.
///
/// The root commits to every sum, so once it matches, the leaf's byte interval
/// `[prefix, prefix + leaf.sum)` is the one the tree's builder committed to.
pub fn compute_root_and_prefix(position: u32, leaf: SumNode, path: &SumPath) -> Option<(SumNode, u64)> {
	if path.siblings.len() as u32 != path.present.count_ones() {
		return None;
	}
	let mut node = leaf;
	let mut prefix: u64 = 0;
	let mut siblings = path.siblings.iter();
	for level in 0..DEPTH {
		let sibling = if path.present & (1 << level) != 0 {
			let s = siblings.next()?;
			if s.is_empty() {
				// One encoding per path: an empty sibling is left out, never listed.
				return None;
			}
			*s
		} else {
			SumNode::EMPTY
		};
		if position & (1 << level) != 0 {
			prefix = prefix.checked_add(sibling.sum)?;
			node = SumNode::parent(&sibling, &node)?;
		} else {
			node = SumNode::parent(&node, &sibling)?;
		}
	}
	Some((node, prefix))
}

/// Whether `path` proves `leaf` at `position` in the tree with root `root` (hash and sum).
pub fn verify(root: &SumNode, position: u32, leaf: SumNode, path: &SumPath) -> bool {
	compute_root_and_prefix(position, leaf, path).is_some_and(|(r, _)| r == *root)
}

/// Why a tree could not be built.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BuildError {
	/// No leaves.
	Empty,
	/// Two leaves at one position (the builder keeps one of them, see the module docs).
	DuplicatePosition(u32),
	/// A leaf is [`SumNode::EMPTY`] (a leaf with zero bytes but a hash is allowed: it holds no
	/// byte offset, so it is never drawn).
	EmptyLeaf,
	/// The bytes add up to more than `u64::MAX`.
	SumOverflow,
}

/// A whole sparse sum tree, for the party that builds proofs (the edge): per level, the non-empty
/// nodes sorted by their index at that level (level 0 = leaves, level 32 = the root).
#[derive(Clone, Debug)]
pub struct SumTree {
	levels: Vec<Vec<(u32, SumNode)>>,
	/// Leaf positions in order, with the byte offset at which each leaf's interval starts.
	prefixes: Vec<(u32, u64)>,
}

impl SumTree {
	/// Build the tree over `leaves`, each a `(position, leaf node)` (see [`SumNode::leaf`]), in
	/// any order.
	pub fn build(mut leaves: Vec<(u32, SumNode)>) -> Result<SumTree, BuildError> {
		if leaves.is_empty() {
			return Err(BuildError::Empty);
		}
		leaves.sort_by_key(|(p, _)| *p);
		let mut prefixes = Vec::with_capacity(leaves.len());
		let mut total: u64 = 0;
		for (i, (p, n)) in leaves.iter().enumerate() {
			if i > 0 && leaves[i - 1].0 == *p {
				return Err(BuildError::DuplicatePosition(*p));
			}
			if n.is_empty() {
				return Err(BuildError::EmptyLeaf);
			}
			prefixes.push((*p, total));
			total = total.checked_add(n.sum).ok_or(BuildError::SumOverflow)?;
		}
		let mut levels = alloc::vec![leaves];
		for _ in 0..DEPTH {
			let row = levels.last().expect("levels is never empty");
			let mut up: Vec<(u32, SumNode)> = Vec::with_capacity(row.len().div_ceil(2));
			let mut i = 0;
			while i < row.len() {
				let (idx, node) = row[i];
				let parent = if idx % 2 == 0 && i + 1 < row.len() && row[i + 1].0 == idx + 1 {
					i += 1;
					SumNode::parent(&node, &row[i].1)
				} else if idx % 2 == 0 {
					SumNode::parent(&node, &SumNode::EMPTY)
				} else {
					SumNode::parent(&SumNode::EMPTY, &node)
				};
				up.push((idx / 2, parent.ok_or(BuildError::SumOverflow)?));
				i += 1;
			}
			levels.push(up);
		}
		Ok(SumTree { levels, prefixes })
	}

	/// The root: its hash is what an edge claims, its sum the claim's `total_bytes`.
	pub fn root(&self) -> SumNode {
		self.levels[DEPTH as usize][0].1
	}

	/// Number of leaves (receipts).
	pub fn len(&self) -> u32 {
		self.levels[0].len() as u32
	}

	/// A tree always has at least one leaf.
	pub fn is_empty(&self) -> bool {
		false
	}

	/// The node at `index` of `level`, empty if there is none.
	fn node(&self, level: usize, index: u32) -> SumNode {
		let row = &self.levels[level];
		row.binary_search_by_key(&index, |(i, _)| *i).map_or(SumNode::EMPTY, |k| row[k].1)
	}

	/// The leaf at `position`, if there is one.
	pub fn leaf(&self, position: u32) -> Option<SumNode> {
		let n = self.node(0, position);
		(!n.is_empty()).then_some(n)
	}

	/// The position of the leaf whose byte interval holds `offset` (what an edge proves for a
	/// drawn offset); `None` if `offset` is not below the total.
	pub fn leaf_at_offset(&self, offset: u64) -> Option<u32> {
		if offset >= self.root().sum {
			return None;
		}
		// The last leaf starting at or before `offset`: a zero-byte leaf starting at the same
		// place comes before the leaf that holds it, or holds nothing after the end.
		let k = self.prefixes.partition_point(|(_, start)| *start <= offset);
		Some(self.prefixes[k - 1].0)
	}

	/// The path of leaf `position` to the root; `None` if there is no leaf there.
	pub fn path(&self, position: u32) -> Option<SumPath> {
		self.leaf(position)?;
		let mut path = SumPath::default();
		let mut index = position;
		for level in 0..DEPTH {
			let sibling = self.node(level as usize, index ^ 1);
			if !sibling.is_empty() {
				path.present |= 1 << level;
				path.siblings.try_push(sibling).expect("at most DEPTH siblings");
			}
			index /= 2;
		}
		Some(path)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	fn leaves(n: u32) -> Vec<(u32, SumNode)> {
		(0..n)
			.map(|i| {
				let h = blake2_256(&i.to_le_bytes());
				(u32::from_le_bytes(h[..4].try_into().unwrap()), SumNode::leaf(&H256(h), 1000 + i as u64))
			})
			.collect()
	}

	#[test]
	fn every_leaf_of_many_trees_verifies_with_its_prefix() {
		for n in [1u32, 2, 3, 7, 16, 33, 70, 500] {
			let l = leaves(n);
			let tree = SumTree::build(l.clone()).unwrap();
			let root = tree.root();
			assert_eq!(root.sum, (0..n as u64).map(|i| 1000 + i).sum::<u64>());
			assert_eq!(tree.len(), n);
			let mut sorted = l.clone();
			sorted.sort_by_key(|x| x.0);
			let mut prefix = 0;
			for (p, leaf) in sorted {
				let path = tree.path(p).unwrap();
				assert!(path.siblings.len() <= (32 - n.leading_zeros()) as usize + 12, "compact: n={n}");
				assert_eq!(compute_root_and_prefix(p, leaf, &path), Some((root, prefix)), "n={n} p={p}");
				assert_eq!(tree.leaf_at_offset(prefix), Some(p));
				assert_eq!(tree.leaf_at_offset(prefix + leaf.sum - 1), Some(p));
				prefix += leaf.sum;
				// The same leaf at any other position does not verify.
				assert!(!verify(&root, p ^ 1, leaf, &path));
				assert!(!verify(&root, p.wrapping_add(1 << 31), leaf, &path));
			}
			assert_eq!(tree.leaf_at_offset(prefix), None);
		}
	}

	#[test]
	fn a_single_leaf_and_the_extreme_positions() {
		for p in [0u32, 1, u32::MAX - 1, u32::MAX] {
			let leaf = SumNode::leaf(&H256::repeat_byte(1), 5);
			let tree = SumTree::build(alloc::vec![(p, leaf)]).unwrap();
			let path = tree.path(p).unwrap();
			assert!(path.siblings.is_empty());
			assert!(verify(&tree.root(), p, leaf, &path));
			assert_eq!(tree.root().sum, 5);
		}
	}

	#[test]
	fn bad_trees_are_refused() {
		assert_eq!(SumTree::build(Vec::new()).unwrap_err(), BuildError::Empty);
		let big = SumNode::leaf(&H256::zero(), u64::MAX);
		assert_eq!(SumTree::build(alloc::vec![(0, big), (9, big)]).unwrap_err(), BuildError::SumOverflow);
		let one = SumNode::leaf(&H256::zero(), 1);
		assert_eq!(SumTree::build(alloc::vec![(4, one), (4, one)]).unwrap_err(), BuildError::DuplicatePosition(4));
		assert_eq!(SumTree::build(alloc::vec![(4, SumNode::EMPTY)]).unwrap_err(), BuildError::EmptyLeaf);
	}

	#[test]
	fn zero_byte_leaves_hold_no_offset() {
		let a = SumNode::leaf(&H256::repeat_byte(1), 5);
		let z = SumNode::leaf(&H256::repeat_byte(2), 0);
		let b = SumNode::leaf(&H256::repeat_byte(3), 3);
		let tree = SumTree::build(alloc::vec![(10, a), (11, z), (12, b), (13, z)]).unwrap();
		assert_eq!((0..8).map(|o| tree.leaf_at_offset(o).unwrap()).collect::<Vec<_>>(), [10, 10, 10, 10, 10, 12, 12, 12]);
		assert_eq!(tree.leaf_at_offset(8), None);
		assert!(verify(&tree.root(), 11, z, &tree.path(11).unwrap()));
	}

	#[test]
	fn malformed_paths_fail() {
		let tree = SumTree::build(leaves(40)).unwrap();
		let (p, leaf) = leaves(40)[7];
		let path = tree.path(p).unwrap();
		// Bitmap and siblings disagree.
		let mut fewer = path.clone();
		fewer.siblings.pop();
		assert!(!verify(&tree.root(), p, leaf, &fewer));
		let mut shifted = path.clone();
		shifted.present <<= 1;
		assert!(!verify(&tree.root(), p, leaf, &shifted));
		// An empty sibling listed explicitly: refused (one encoding per path).
		let mut padded = path.clone();
		let free = (0..32).find(|l| path.present & (1 << l) == 0).unwrap();
		padded.present |= 1 << free;
		let at = (path.present & ((1 << free) - 1)).count_ones() as usize;
		padded.siblings.try_insert(at, SumNode::EMPTY).unwrap();
		assert!(!verify(&tree.root(), p, leaf, &padded));
	}

	#[test]
	fn inflated_sum_is_detected() {
		let l = leaves(9);
		let tree = SumTree::build(l.clone()).unwrap();
		let mut inflated = tree.root();
		inflated.sum += 1;
		for (p, leaf) in &l {
			assert!(!verify(&inflated, *p, *leaf, &tree.path(*p).unwrap()));
		}
		// A leaf that claims more bytes than it was built with does not reach the root either.
		let (p, mut fat) = l[3];
		fat.sum += 1;
		assert!(!verify(&tree.root(), p, fat, &tree.path(p).unwrap()));
	}

	#[test]
	fn leaf_and_inner_nodes_are_domain_separated() {
		let a = SumNode::leaf(&H256::repeat_byte(1), 5);
		let b = SumNode::leaf(&H256::repeat_byte(2), 7);
		let parent = SumNode::parent(&a, &b).unwrap();
		assert_ne!(parent.hash, SumNode::leaf(&a.hash, 12).hash);
		assert_ne!(SumNode::parent(&a, &b), SumNode::parent(&b, &a));
		assert_eq!(SumNode::parent(&SumNode::EMPTY, &SumNode::EMPTY), Some(SumNode::EMPTY));
		assert_ne!(SumNode::parent(&a, &SumNode::EMPTY), Some(a));
	}

	proptest! {
		#[test]
		fn any_sibling_change_breaks_the_proof(
			n in 2u32..200, pick in any::<u32>(), sib in any::<u32>(), byte in 0usize..40, bit in 0u8..8
		) {
			let l = leaves(n);
			let tree = SumTree::build(l.clone()).unwrap();
			let (p, leaf) = l[(pick % n) as usize];
			let mut path = tree.path(p).unwrap();
			prop_assume!(!path.siblings.is_empty());
			let s = (sib as usize) % path.siblings.len();
			let mut enc = path.siblings[s].encode();
			enc[byte] ^= 1 << bit;
			path.siblings[s] = SumNode::decode(&mut &enc[..]).unwrap();
			prop_assert!(!verify(&tree.root(), p, leaf, &path));
		}
	}
}
