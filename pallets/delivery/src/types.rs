//! Domain types of pallet-delivery.

use crate::Config;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::*, traits::fungible::Inspect};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::RuntimeAppPublic;
use vidchain_primitives::delivery::{ContentId, EpochIndex, ProofLeaf, SampleOutcome};

/// A balance of the bonding currency (VID).
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// One sampled leaf as `submit_proof` takes it.
pub type ProofLeafOf<T> =
	ProofLeaf<<T as frame_system::Config>::AccountId, <T as Config>::ReceiptSignature>;

/// The signature of a validator's off-chain-worker key.
pub type AuthoritySignatureOf<T> = <<T as Config>::AuthorityId as RuntimeAppPublic>::Signature;

/// The largest quality score: 100% in parts per million.
pub const MAX_SCORE: u32 = 1_000_000;

/// A registered video.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen, Debug)]
#[scale_info(skip_type_params(T))]
pub struct ContentInfo<T: Config> {
	/// Who registered it (and earns the creator's share of its delivery).
	pub creator: T::AccountId,
	/// Bytes per chunk (the last chunk may be shorter).
	pub chunk_size: u32,
	/// Number of chunks: the leaves of the manifest tree.
	pub chunk_count: u32,
	/// Total size in bytes.
	pub total_bytes: u64,
	/// Whether viewing needs a clip license.
	pub exclusive: bool,
	/// Title, UTF-8.
	pub title: BoundedVec<u8, T::MaxTitleLen>,
	/// Where the manifest can be fetched.
	pub uri: BoundedVec<u8, T::MaxUriLen>,
	/// The deposit held from the creator while the content is live.
	pub deposit: BalanceOf<T>,
	/// When it was registered.
	pub registered_at: BlockNumberFor<T>,
	/// When the creator retired it (`None` while it is live).
	pub retired_at: Option<BlockNumberFor<T>>,
}

/// Where an edge is in its life.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug,
)]
pub enum EdgeState<BlockNumber> {
	/// Serving, sampled, and allowed to claim.
	Active,
	/// Failed `MaxFailures` samples in `epoch`: no longer sampled, may not claim; may unbond.
	Suspended {
		/// The epoch it was suspended in.
		epoch: EpochIndex,
	},
	/// Leaving: the bond can be withdrawn from block `until` on.
	Unbonding {
		/// First block at which `withdraw_unbonded` succeeds.
		until: BlockNumber,
	},
}

/// A bonded edge, keyed by its operator's account.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen, Debug)]
#[scale_info(skip_type_params(T))]
pub struct EdgeInfo<T: Config> {
	/// HTTP(S) endpoint that serves chunks.
	pub endpoint: BoundedVec<u8, T::MaxEndpointLen>,
	/// Free-form region tag (e.g. `eu-west`).
	pub region: BoundedVec<u8, T::MaxRegionLen>,
	/// VID held as the edge's bond (what slashing takes from).
	pub bond: BalanceOf<T>,
	/// Life-cycle state.
	pub state: EdgeState<BlockNumberFor<T>>,
	/// Quality score in parts per million.
	pub score: u32,
	/// Claims awaiting their proof; the bond cannot be withdrawn while any is pending.
	pub pending_claims: u32,
	/// When it registered.
	pub registered_at: BlockNumberFor<T>,
}

/// Where a claim is.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug,
)]
pub enum ClaimStatus {
	/// Waiting for its proof.
	Pending,
	/// Proven: its bytes count for the edge in its epoch.
	Verified,
	/// No valid proof arrived in the proof window: the edge was slashed.
	Rejected,
}

/// An edge's commitment for one epoch: the root of the Merkle sum tree over all its receipts.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen, Debug)]
#[scale_info(skip_type_params(T))]
pub struct Claim<T: Config> {
	/// Root hash of the sum tree.
	pub root: sp_core::H256,
	/// Bytes claimed: the root's sum.
	pub total_bytes: u64,
	/// Leaves (receipts) in the tree.
	pub receipt_count: u32,
	/// Block the claim was submitted in.
	pub submitted_at: BlockNumberFor<T>,
	/// Where it is.
	pub status: ClaimStatus,
}

/// What a validator's off-chain worker reports about one chunk of one edge; signed with its
/// `vocw` key.
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

/// A sample report of this runtime.
pub type SampleReportOf<T> =
	SampleReport<<T as frame_system::Config>::AccountId, <T as Config>::AuthorityId>;

/// Why an edge lost bond.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug,
)]
pub enum SlashReason {
	/// `MaxFailures` failed samples in one epoch.
	FailedSamples,
	/// A claim without a valid proof at the end of its proof window.
	UnprovenClaim,
}

/// The bound of `submit_proof`'s leaves: `SamplesPerClaim + 1` (the sampled leaves plus the last
/// leaf, which pins the tree's shape).
pub struct MaxProofLeaves<T>(core::marker::PhantomData<T>);
impl<T: Config> Get<u32> for MaxProofLeaves<T> {
	fn get() -> u32 {
		T::SamplesPerClaim::get().saturating_add(1)
	}
}
