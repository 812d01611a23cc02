//! The delivery vocabulary shared by pallet-delivery, the edge server, the off-chain worker and
//! the tests: content ids, epochs, receipts, sampled proofs and sample outcomes.

use crate::sum_tree::{SumNode, SumPath};
use codec::{Codec, Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_io::hashing::blake2_256;
use sp_core::H256;

/// A content's id: its manifest root (see [`crate::manifest`]).
pub type ContentId = H256;

/// An epoch: `L` consecutive blocks, `L` the chain's epoch length (pallet-delivery's `Schedule`,
/// fixed at genesis); epoch `e` spans blocks `[e × L, (e + 1) × L)`.
pub type EpochIndex = u32;

/// Prefix of every receipt signature payload, so a receipt signature can never be replayed as
/// a signature over anything else (a transaction, a sample report, a message of another
/// protocol). Version 4 (receipts that name their payer) is followed by the genesis hash of the
/// chain the receipt is for.
pub const RECEIPT_SIGNING_CONTEXT: &[u8] = b"vidchain/receipt/v4";

/// Prefix of every sample report signature payload (followed by the genesis hash).
pub const REPORT_SIGNING_CONTEXT: &[u8] = b"vidchain/sample-report/v1";

/// Prefix of every probe answer an edge signs (followed by the genesis hash).
pub const PROBE_SIGNING_CONTEXT: &[u8] = b"vidchain/probe/v1";

/// What an edge signs when it answers a validator's probe of one chunk: the validator's fresh
/// nonce and the chunk asked for. The edge's own key signs it, so an endpoint that forwards to
/// another edge's server answers with the other edge's signature, which does not verify against
/// its own account: a probe proves that *this* edge served.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct ProbeAnswer {
	/// The validator's nonce, fresh for every probe (from its node's local randomness).
	pub nonce: [u8; 32],
	/// The content probed.
	pub content: ContentId,
	/// The chunk probed.
	pub chunk_index: u32,
}

impl ProbeAnswer {
	/// The bytes the edge signs on the chain with genesis hash `genesis`:
	/// `PROBE_SIGNING_CONTEXT ‖ genesis ‖ SCALE(answer)`.
	pub fn signing_payload(&self, genesis: &H256) -> alloc::vec::Vec<u8> {
		signing_payload(PROBE_SIGNING_CONTEXT, genesis, self)
	}
}

/// A mebibyte: the unit of delivery prices (`price_per_mib`).
pub const MIB: u64 = 1 << 20;

/// Domain tag of receipt positions.
const POSITION_CONTEXT: &[u8] = b"vidchain/receipt-position/v1";

/// Domain tag of content ids.
const CONTENT_ID_CONTEXT: &[u8] = b"vidchain/content/v1";

/// The bytes signed for `item` on the chain with genesis hash `genesis`:
/// `context ‖ genesis ‖ SCALE(item)`. Binding the genesis hash keeps a signature of one network
/// from being replayed on another; the context keeps it from meaning anything else.
pub fn signing_payload<T: Encode>(context: &[u8], genesis: &H256, item: &T) -> alloc::vec::Vec<u8> {
	let mut payload = alloc::vec::Vec::with_capacity(context.len() + 32 + item.size_hint());
	payload.extend_from_slice(context);
	payload.extend_from_slice(genesis.as_bytes());
	item.encode_to(&mut payload);
	payload
}

/// The id of the content `creator` registers with manifest root `manifest_root`:
/// `blake2_256(CONTENT_ID_CONTEXT ‖ SCALE(creator) ‖ manifest_root)`.
///
/// Binding the creator into the id means that copying someone's pending registration (with
/// other sizes) creates a *different* content: nobody can take over another creator's manifest.
pub fn content_id<AccountId: Encode>(creator: &AccountId, manifest_root: &H256) -> ContentId {
	H256(blake2_256(&(CONTENT_ID_CONTEXT, creator, manifest_root).encode()))
}

/// The exact number of bytes in chunks `[first_chunk, first_chunk + chunk_count)` of a content
/// of `total_bytes` cut into chunks of `chunk_size` (the last chunk may be short). `None` if the
/// range is empty or does not lie inside the content.
pub fn chunk_range_bytes(chunk_size: u32, total_bytes: u64, first_chunk: u32, chunk_count: u32) -> Option<u64> {
	if chunk_size == 0 || chunk_count == 0 {
		return None;
	}
	let start = (first_chunk as u64).checked_mul(chunk_size as u64)?;
	let end = (first_chunk as u64).checked_add(chunk_count as u64)?.checked_mul(chunk_size as u64)?;
	// The range's last chunk (hence its first) must start inside the content.
	let last_start = end - chunk_size as u64;
	if last_start >= total_bytes {
		return None;
	}
	Some(end.min(total_bytes) - start)
}

/// A viewer's signed statement: `edge` gave me `chunk_count` chunks (`bytes` bytes) of `content`,
/// starting at chunk `first_chunk`, in `epoch`, in session `session_nonce`, and I pay
/// `price_per_mib` for them.
///
/// A viewer picks a fresh `session_nonce` for every session with an edge; the chain counts an
/// `(edge, viewer, session_nonce)` at most once per epoch. `bytes` must be the exact length of the
/// chunk range ([`chunk_range_bytes`]).
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
	/// Bytes served: exactly the length of the chunk range.
	pub bytes: u64,
	/// The price the viewer agreed to pay, in FUEL base units per MiB ([`MIB`] bytes), when its
	/// escrow pays; a sponsor pool pays at its own price instead.
	pub price_per_mib: u128,
	/// Who pays for it, as the viewer chose and signed: its own escrow, or the pool one sponsor
	/// funded for this content. Nobody else's pool can take a receipt over.
	pub payer: Payer<AccountId>,
	/// The epoch the chunks were served in.
	pub epoch: EpochIndex,
	/// Time to first byte, in milliseconds, as the viewer measured it.
	pub ttfb_ms: u32,
	/// Throughput, in kilobits per second, as the viewer measured it.
	pub throughput_kbps: u32,
}

impl<AccountId: Encode> DeliveryReceipt<AccountId> {
	/// The bytes a viewer signs on the chain with genesis hash `genesis`:
	/// `RECEIPT_SIGNING_CONTEXT ‖ genesis ‖ SCALE(receipt)`.
	pub fn signing_payload(&self, genesis: &H256) -> alloc::vec::Vec<u8> {
		signing_payload(RECEIPT_SIGNING_CONTEXT, genesis, self)
	}

	/// The receipt's slot in its claim's sum tree: a hash of its viewer and session nonce, so an
	/// `(viewer, session nonce)` has one slot per claim (see [`crate::sum_tree`]).
	pub fn position(&self) -> u32 {
		let h = blake2_256(&(POSITION_CONTEXT, &self.viewer, self.session_nonce).encode());
		u32::from_le_bytes([h[0], h[1], h[2], h[3]])
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

/// Who pays for a receipt, as its viewer signed it.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub enum Payer<AccountId> {
	/// The viewer's own escrow, at the receipt's price.
	Escrow,
	/// The sponsor pool this account funded for the receipt's content, at the pool's price.
	Pool(AccountId),
}

/// What a validator's off-chain worker reports about one chunk of one edge; signed with its
/// `vocw` key over [`SampleReport::signing_payload`].
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug)]
pub struct SampleReport<AccountId, AuthorityId> {
	/// The sampled edge.
	pub edge: AccountId,
	/// The content the chunk belongs to.
	pub content: ContentId,
	/// The chunk's index in the content.
	pub chunk_index: u32,
	/// What happened.
	pub outcome: SampleOutcome,
	/// How long the edge took to serve it, in milliseconds.
	pub latency_ms: u32,
	/// The epoch the sample was taken in (a report is only valid in that epoch).
	pub epoch: EpochIndex,
	/// The reporting validator's off-chain-worker key.
	pub validator: AuthorityId,
}

impl<AccountId: Encode, AuthorityId: Encode> SampleReport<AccountId, AuthorityId> {
	/// The bytes a validator signs on the chain with genesis hash `genesis`:
	/// `REPORT_SIGNING_CONTEXT ‖ genesis ‖ SCALE(report)`, never the raw SCALE.
	pub fn signing_payload(&self, genesis: &H256) -> alloc::vec::Vec<u8> {
		signing_payload(REPORT_SIGNING_CONTEXT, genesis, self)
	}
}

/// One drawn leaf of a claim, as the edge proves it: the receipt (its slot is
/// [`DeliveryReceipt::position`]), the viewer's signature over
/// [`DeliveryReceipt::signing_payload`], and its path to the claim's root (whose left siblings'
/// sums give the leaf's byte interval, see [`crate::sampling`]).
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug)]
pub struct ProofLeaf<AccountId, Signature> {
	/// The receipt.
	pub receipt: DeliveryReceipt<AccountId>,
	/// The viewer's signature over the receipt.
	pub signature: Signature,
	/// The receipt's path to the claim's root.
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

/// Where an edge is in its life.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub enum EdgeState<BlockNumber> {
	/// Serving, sampled, and allowed to claim.
	Active,
	/// More than a third of the validators reported failed samples in `epoch`: no longer
	/// sampled, may not claim; may `resume` from block `until` on (bond topped up) or unbond.
	Suspended {
		/// The epoch it was suspended in.
		epoch: EpochIndex,
		/// First block at which `resume` succeeds.
		until: BlockNumber,
	},
	/// Leaving: still sampled and slashable; the bond can be withdrawn from block `until` on.
	Unbonding {
		/// First block at which `withdraw_unbonded` succeeds.
		until: BlockNumber,
	},
}

/// Where a claim is.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum ClaimStatus {
	/// Waiting for its proof.
	Pending,
	/// Proven: its bytes count for the edge in its epoch.
	Verified,
	/// No valid proof arrived in the proof window: the edge was slashed.
	Rejected,
}

/// The epochs as the chain stands at a block (`DeliveryApi::epoch`).
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct EpochInfo<BlockNumber> {
	/// The block the answer is for.
	pub now: BlockNumber,
	/// The epoch `now` belongs to (receipts and samples of it are being collected).
	pub current: EpochIndex,
	/// Blocks per epoch.
	pub epoch_length: BlockNumber,
	/// Blocks after an epoch's end during which its claims are accepted.
	pub claim_window: BlockNumber,
	/// Blocks, after an epoch's seed block, during which its proofs are accepted.
	pub proof_window: BlockNumber,
	/// The last epoch whose claims are all final (`None` before the first).
	pub last_sealed: Option<EpochIndex>,
}

/// One epoch's timeline, in blocks; every range is `[from, until)` (`DeliveryApi::windows`).
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct EpochWindows<BlockNumber> {
	/// The epoch.
	pub epoch: EpochIndex,
	/// Its first block.
	pub starts_at: BlockNumber,
	/// The first block after it: where its claim window opens.
	pub claims_from: BlockNumber,
	/// The first block after its claim window: the seed block, whose hash draws its claims'
	/// offsets.
	pub seed_block: BlockNumber,
	/// The first block that accepts its proofs.
	pub proofs_from: BlockNumber,
	/// The first block after its proof window: sealing starts here.
	pub proofs_until: BlockNumber,
}

/// An edge as `DeliveryApi` shows it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct EdgeView<AccountId, BlockNumber> {
	/// The operator's account: the edge's name on chain.
	pub edge: AccountId,
	/// HTTP(S) endpoint that serves chunks (UTF-8).
	#[cfg_attr(feature = "std", serde(with = "crate::utf8_text"))]
	pub endpoint: alloc::vec::Vec<u8>,
	/// Region tag (UTF-8).
	#[cfg_attr(feature = "std", serde(with = "crate::utf8_text"))]
	pub region: alloc::vec::Vec<u8>,
	/// VID held as its bond, in base units.
	pub bond: crate::Balance,
	/// Life-cycle state.
	pub state: EdgeState<BlockNumber>,
	/// Quality score in parts per million.
	pub score: u32,
	/// Claims awaiting their proof.
	pub pending_claims: u32,
	/// When it registered.
	pub registered_at: BlockNumber,
}

/// A content as `DeliveryApi` shows it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct ContentView<AccountId, BlockNumber> {
	/// Its id.
	pub content: ContentId,
	/// Merkle root over its chunk hashes.
	pub manifest_root: H256,
	/// Its creator.
	pub creator: AccountId,
	/// Bytes per chunk (the last chunk may be shorter).
	pub chunk_size: u32,
	/// Number of chunks.
	pub chunk_count: u32,
	/// Total size in bytes.
	pub total_bytes: u64,
	/// Whether viewing needs a clip license.
	pub exclusive: bool,
	/// Title (UTF-8).
	#[cfg_attr(feature = "std", serde(with = "crate::utf8_text"))]
	pub title: alloc::vec::Vec<u8>,
	/// Where its manifest can be fetched (UTF-8).
	#[cfg_attr(feature = "std", serde(with = "crate::utf8_text"))]
	pub uri: alloc::vec::Vec<u8>,
	/// When it was registered.
	pub registered_at: BlockNumber,
	/// When its creator retired it (`None` while it is live).
	pub retired_at: Option<BlockNumber>,
}

/// A claim as `DeliveryApi` shows it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct ClaimView<AccountId, BlockNumber> {
	/// The edge that claimed.
	pub edge: AccountId,
	/// The epoch claimed.
	pub epoch: EpochIndex,
	/// Root hash of its sum tree.
	pub root: H256,
	/// Bytes claimed.
	pub total_bytes: u64,
	/// Receipts in the tree.
	pub receipt_count: u32,
	/// Block it was submitted in.
	pub submitted_at: BlockNumber,
	/// Where it is.
	pub status: ClaimStatus,
}

/// What a claim must prove (`DeliveryApi::draw`): known once its seed block is.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct DrawView<BlockNumber> {
	/// The epoch of the claim.
	pub epoch: EpochIndex,
	/// The seed ([`crate::sampling::claim_seed`] of the seed block's hash, the edge and the epoch).
	pub seed: H256,
	/// The sorted byte offsets whose leaves the proof must open.
	pub offsets: alloc::vec::Vec<u64>,
	/// The first block that accepts the proof.
	pub proofs_from: BlockNumber,
	/// The first block that no longer does.
	pub proofs_until: BlockNumber,
}

/// The most edges one `DeliveryApi::edges` call returns.
pub const MAX_EDGES_PER_QUERY: u32 = 256;

sp_api::decl_runtime_apis! {
	/// Proof of delivery (pallet-delivery): epochs and their windows, edges, contents, claims and
	/// their draws — what edges, viewers and tools read.
	pub trait DeliveryApi<AccountId: Codec, BlockNumber: Codec> {
		/// The epochs as they stand: the current one, the schedule, the last sealed.
		fn epoch() -> EpochInfo<BlockNumber>;
		/// `epoch`'s timeline: its blocks, claim window, seed block and proof window.
		fn windows(epoch: EpochIndex) -> EpochWindows<BlockNumber>;
		/// An edge (`None` if `who` runs none).
		fn edge(who: AccountId) -> Option<EdgeView<AccountId, BlockNumber>>;
		/// A content (`None` if it is not registered, or retired and pruned).
		fn content(content: ContentId) -> Option<ContentView<AccountId, BlockNumber>>;
		/// `edge`'s claim for `epoch` (`None` if there is none, or once pruned).
		fn claim(edge: AccountId, epoch: EpochIndex) -> Option<ClaimView<AccountId, BlockNumber>>;
		/// The offsets `edge`'s claim for `epoch` must prove (`None` if there is no claim or its
		/// seed block has not been built yet).
		fn draw(edge: AccountId, epoch: EpochIndex) -> Option<DrawView<BlockNumber>>;
		/// Active edges, best score first (ties: larger bond first), of `region` if given, at
		/// most `limit` (itself at most [`MAX_EDGES_PER_QUERY`]): what a viewer picks an edge from.
		fn edges(region: Option<alloc::vec::Vec<u8>>, limit: u32) -> alloc::vec::Vec<EdgeView<AccountId, BlockNumber>>;
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn chunk_ranges_have_their_exact_length() {
		// 10 chunks of 100 bytes, the last one 50 bytes long.
		let total = 950;
		assert_eq!(chunk_range_bytes(100, total, 0, 1), Some(100));
		assert_eq!(chunk_range_bytes(100, total, 0, 10), Some(950));
		assert_eq!(chunk_range_bytes(100, total, 9, 1), Some(50));
		assert_eq!(chunk_range_bytes(100, total, 8, 2), Some(150));
		assert_eq!(chunk_range_bytes(100, total, 9, 2), None, "past the last chunk");
		assert_eq!(chunk_range_bytes(100, total, 10, 1), None);
		assert_eq!(chunk_range_bytes(100, total, 0, 0), None);
		assert_eq!(chunk_range_bytes(0, total, 0, 1), None);
		assert_eq!(chunk_range_bytes(u32::MAX, u64::MAX, u32::MAX, u32::MAX), None, "no overflow");
	}

	#[test]
	fn content_ids_bind_the_creator() {
		let root = H256::repeat_byte(3);
		assert_ne!(content_id(&1u64, &root), content_id(&2u64, &root));
		assert_ne!(content_id(&1u64, &root), content_id(&1u64, &H256::repeat_byte(4)));
		assert_eq!(content_id(&1u64, &root), content_id(&1u64, &root));
	}

	#[test]
	fn signatures_are_bound_to_a_chain_and_a_purpose() {
		let g1 = H256::repeat_byte(1);
		let g2 = H256::repeat_byte(2);
		let r = DeliveryReceipt {
			edge: 1u64,
			content: H256::zero(),
			viewer: 2u64,
			session_nonce: 0,
			first_chunk: 0,
			chunk_count: 1,
			bytes: 1,
			price_per_mib: 5,
			payer: Payer::Escrow,
			epoch: 0,
			ttfb_ms: 0,
			throughput_kbps: 0,
		};
		assert_ne!(r.signing_payload(&g1), r.signing_payload(&g2));
		assert!(r.signing_payload(&g1).starts_with(RECEIPT_SIGNING_CONTEXT));
		assert_ne!(&r.signing_payload(&g1)[..], &r.encode()[..]);
		assert_ne!(signing_payload(REPORT_SIGNING_CONTEXT, &g1, &r), r.signing_payload(&g1));
	}
}
