//! Domain types of pallet-delivery.

use crate::Config;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::*, traits::fungible::Inspect};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::RuntimeAppPublic;
pub use vidchain_primitives::delivery::{ClaimStatus, EdgeState};
use vidchain_primitives::delivery::{EpochIndex, ProofLeaf, SampleReport};

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
	/// The Merkle root over its chunk hashes (what viewers check chunks against).
	pub manifest_root: sp_core::H256,
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

/// A sample report of this runtime.
pub type SampleReportOf<T> =
	SampleReport<<T as frame_system::Config>::AccountId, <T as Config>::AuthorityId>;

/// Why an edge lost bond.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug,
)]
pub enum SlashReason {
	/// More than a third of the validators reported failed samples in one epoch.
	FailedSamples,
	/// A claim without a valid proof at the end of its proof window.
	UnprovenClaim,
}

/// The chunking of a content, as `register_content` takes it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ContentSizes {
	/// Bytes per chunk (the last chunk may be shorter).
	pub chunk_size: u32,
	/// Number of chunks.
	pub chunk_count: u32,
	/// Total size in bytes.
	pub total_bytes: u64,
}

/// The epoch schedule of a network: fixed at genesis.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug,
)]
pub struct EpochSchedule<BlockNumber> {
	/// Blocks per epoch.
	pub epoch_length: BlockNumber,
	/// Blocks after an epoch's end during which its claims are accepted.
	pub claim_window: BlockNumber,
	/// Blocks, after the seed block, during which its proofs are accepted.
	pub proof_window: BlockNumber,
}

/// The schedule of a network whose genesis sets none: the `Config` constants.
pub struct DefaultSchedule<T>(core::marker::PhantomData<T>);
impl<T: Config> Get<EpochSchedule<BlockNumberFor<T>>> for DefaultSchedule<T> {
	fn get() -> EpochSchedule<BlockNumberFor<T>> {
		EpochSchedule {
			epoch_length: T::DefaultEpochLength::get(),
			claim_window: T::DefaultClaimWindow::get(),
			proof_window: T::DefaultProofWindow::get(),
		}
	}
}

/// How far sealing has come: the next epoch to seal and, while one is being sealed over several
/// blocks, the last claim key done and the tallies so far.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug, Default,
)]
pub struct SealCursor {
	/// The next epoch to seal.
	pub epoch: EpochIndex,
	/// The raw storage key of the last claim sealed in `epoch` (`None`: start from the first).
	pub last_key: Option<BoundedVec<u8, ConstU32<256>>>,
	/// Claims of `epoch` found verified so far.
	pub verified: u32,
	/// Claims of `epoch` rejected so far.
	pub rejected: u32,
}

/// The oldest epoch of each kind of per-epoch record still in storage.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug, Default,
)]
pub struct PruneCursor {
	/// Sample reports and failures (needed only during their epoch).
	pub samples: EpochIndex,
	/// Retired contents (needed until their retirement epoch is sealed).
	pub retired: EpochIndex,
	/// Claims (kept `HistoryDepth` sealed epochs).
	pub claims: EpochIndex,
}

/// The current validator set, as pallet-delivery sees it.
pub trait ValidatorSet<AuthorityId> {
	/// Whether `key` is a current validator's off-chain-worker key.
	fn is_validator(key: &AuthorityId) -> bool;
	/// How many validators there are now.
	fn validator_count() -> u32;
}
