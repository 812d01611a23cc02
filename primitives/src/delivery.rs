//! The delivery vocabulary shared by pallet-delivery, the edge server, the off-chain worker and
//! the tests: content ids, epochs, receipts, sampled proofs and sample outcomes.

use crate::sum_tree::{SumNode, MAX_DEPTH};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_io::hashing::blake2_256;
use sp_core::{ConstU32, H256};
use sp_runtime::BoundedVec;

/// A content's id: its manifest root (see [`crate::manifest`]).
pub type ContentId = H256;

/// An epoch: `EpochLength` consecutive blocks; epoch `e` spans blocks
/// `[e × EpochLength, (e + 1) × EpochLength)`.
pub type EpochIndex = u32;

/// Prefix of every receipt signature payload, so a receipt signature can never be replayed as
/// a signature over anything else (a transaction, a message of another protocol).
pub const RECEIPT_SIGNING_CONTEXT: &[u8] = b"vidchain/receipt/v1";

/// A viewer's signed statement: `edge` gave me `chunk_count` chunks (`bytes` bytes) of `content`,
/// starting at chunk `first_chunk`, in `epoch`, in session `session_nonce`.
///
/// A viewer picks a fresh `session_nonce` for every session; the chain counts a
/// `(viewer, session_nonce)` at most once.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug,
)]
pub struct DeliveryReceipt<AccountId> {
	/// The edge (its operator's account) that served the chunks.
	pub edge: AccountId,
	/// The content the chunks belong to.
	pub content: ContentId,
	/// The viewer who received them and signs this receipt.
	pub viewer: AccountId,
	/// The viewer's session nonce.
	pub session_nonce: u64,
	/// Index of the first chunk served.
	pub first_chunk: u32,
	/// Number of consecutive chunks served.
	pub chunk_count: u32,
	/// Bytes served.
	pub bytes: u64,
	/// The epoch the chunks were served in.
	pub epoch: EpochIndex,
	/// Time to first byte, in milliseconds, as the viewer measured it.
	pub ttfb_ms: u32,
	/// Throughput, in kilobits per second, as the viewer measured it.
	pub throughput_kbps: u32,
}

impl<AccountId: Encode> DeliveryReceipt<AccountId> {
	/// The bytes a viewer signs: `RECEIPT_SIGNING_CONTEXT ‖ SCALE(receipt)`.
	pub fn signing_payload(&self) -> alloc::vec::Vec<u8> {
		let mut payload = RECEIPT_SIGNING_CONTEXT.to_vec();
		self.encode_to(&mut payload);
		payload
	}

	/// The receipt's hash (blake2-256 of its SCALE encoding): what a sum-tree leaf commits to.
	pub fn hash(&self) -> H256 {
		H256(blake2_256(&self.encode()))
	}

	/// The sum-tree leaf of this receipt.
	pub fn leaf(&self) -> SumNode {
		SumNode::leaf(&self.hash(), self.bytes)
	}
}

/// The sibling path of one leaf in a claim's sum tree (bottom first).
pub type SumPath = BoundedVec<SumNode, ConstU32<MAX_DEPTH>>;

/// One sampled leaf of a claim, as the edge proves it: where it is, the receipt, the viewer's
/// signature over [`DeliveryReceipt::signing_payload`], and its path to the claim's root.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug)]
pub struct ProofLeaf<AccountId, Signature> {
	/// The leaf's index in the tree.
	pub index: u32,
	/// The receipt at that index.
	pub receipt: DeliveryReceipt<AccountId>,
	/// The viewer's signature over the receipt.
	pub signature: Signature,
	/// Siblings from the leaf up to the root.
	pub path: SumPath,
}

/// What a validator's off-chain worker saw when it sampled one chunk of an edge.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug,
)]
pub enum SampleOutcome {
	/// The edge served the chunk and it matched the content's manifest root.
	Served,
	/// The edge served bytes that do not match the manifest.
	BadChunk,
	/// The edge did not answer, or answered with an error, in time.
	Unavailable,
}

impl SampleOutcome {
	/// Whether the sample counts in the edge's favour.
	pub fn is_success(&self) -> bool {
		matches!(self, SampleOutcome::Served)
	}
}
