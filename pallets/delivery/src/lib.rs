//! # pallet-delivery: proof of delivery for Vidchain
//!
//! An edge operator proves, cheaply for the chain and verifiably, that it delivered video to real
//! viewers — and loses bond when it lies.
//!
//! ## Overview
//! - **Content.** A creator registers a video by its *manifest root* (the Merkle root over its
//!   chunk hashes, [`vidchain_primitives::manifest`]), with chunk size (≤ `MaxChunkSize`), chunk
//!   count (≤ `MaxChunks`), total bytes, an `exclusive` flag and a bounded title and URI. The
//!   content's id is `blake2(creator ‖ manifest root)` ([`vidchain_primitives::delivery::content_id`]):
//!   copying someone's pending registration with other sizes makes *another* content, so nobody
//!   can take over a creator's manifest root. `ContentDeposit` is held while it is live;
//!   [`Pallet::retire_content`] releases it, and the record goes once no receipt of it can be
//!   proven any more.
//! - **Edges.** An operator bonds at least `MinEdgeBond` (a fungible *hold*, reason
//!   [`HoldReason::EdgeBond`]) and names a public HTTP(S) endpoint and a region. States: `Active`,
//!   `Suspended` (failed samples; [`Pallet::resume`] after `SuspensionPeriod` with the bond
//!   topped up by [`Pallet::bond_more`]), `Unbonding` (still sampled and slashable until the bond
//!   is withdrawn, after `UnbondingPeriod`).
//! - **Receipts.** A viewer signs a [`DeliveryReceipt`] (edge, content, viewer, session nonce,
//!   chunk range, its exact bytes, epoch, TTFB, throughput) over
//!   [`DeliveryReceipt::signing_payload`]: a domain tag and the chain's genesis hash come first,
//!   so a receipt of one network means nothing on another.
//! - **Claims.** After epoch `e` ends, within the claim window, an edge commits to all its
//!   receipts of `e` at once: the root of a sparse Merkle *sum* tree
//!   ([`vidchain_primitives::sum_tree`]) in which each receipt sits at the slot its viewer and
//!   session nonce hash to, with the total bytes and the receipt count ([`Pallet::submit_claim`]).
//!   Any number of bonded edges may claim (one claim per edge and epoch: capacity is tied to
//!   bond, and an unproven claim is slashed).
//! - **Proofs.** When the claim window has closed, the chain draws `SamplesPerClaim` byte offsets
//!   of each claim ([`vidchain_primitives::sampling`]). The edge must open, for each offset, the
//!   receipt whose byte interval holds it, with its viewer's signature and its sum-tree path,
//!   within the proof window ([`Pallet::submit_proof`]). A valid proof verifies the claim: its
//!   bytes count for the edge in `e` ([`DeliveryLedger`]). An invalid proof is refused with a
//!   typed error and changes nothing; a claim still unproven when the window closes is `Rejected`
//!   and `SlashFraction` of the bond is slashed to `Slashed`. Sealing walks the epoch's claims
//!   `MaxSealPerBlock` at a time, over as many blocks as it takes.
//! - **Samples.** Validators' off-chain workers fetch random chunks from edges and report
//!   ([`Pallet::report_sample`], authorized by a current validator's `vocw` key signing a tagged
//!   payload with the genesis hash; one report per validator, edge and epoch). A report moves the
//!   edge's score by at most `ScoreOnSample* / validators`; when more than a third of the current
//!   validators report failures of an edge in one epoch, it is suspended and slashed.
//!
//! ## Epoch timeline (epoch `e`; `L`, `W_c`, `W_p`: the [`Schedule`]'s epoch length, claim and proof windows)
//! ```text
//! [e·L, (e+1)·L)                       receipts of e are collected; samples of e are reported
//! [(e+1)·L, (e+1)·L + W_c)             submit_claim(e, …)
//! c = (e+1)·L + W_c                    the block whose hash seeds the draws of e's claims
//! [c + 1, c + 1 + W_p)                 submit_proof(e, …)
//! c + 1 + W_p, and on                  e is sealed, MaxSealPerBlock claims per block
//! ```
//! The schedule (`L`, the two windows) is fixed at genesis ([`Schedule`]): the `development` and
//! `local_testnet` presets use 10-block epochs with windows of 3 blocks, real networks the
//! runtime's defaults (10-minute epochs: `DefaultEpochLength` and the two `Default*Window`
//! constants, which are only that). Nothing changes it after genesis; clients read it from
//! [`Schedule`] or `DeliveryApi::epoch`.
//!
//! ## What a verified claim proves, in bytes
//! Every drawn offset must land in a receipt that the chain checks in full: signed by its viewer
//! for this chain, naming this edge and epoch, a live content, a chunk range inside it and its
//! exact byte length, at its own slot. Bytes that cannot be opened so (junk nodes, forged or
//! foreign receipts, copies in another slot, inflated leaves) are drawn with probability equal to
//! their share `f` of the claimed total, wherever they sit in the tree, so such a claim survives
//! with probability at most `(1 − f)^S` (`S = SamplesPerClaim`): with `S = 16`, `f = 0.1` passes
//! 18.5% of the time, `f = 0.25` 1.0%, `f = 0.5` 0.0015%; every failure costs `SlashFraction` of
//! the bond. Each claim is also bounded outright: `total_bytes ≤ receipt_count × MaxChunkSize ×
//! MaxChunks`.
//!
//! What sampling cannot rule out: receipts signed by keys the edge controls (sybil viewers).
//! Those are real signatures over real chunk ranges; the payments design makes every verified
//! byte paid for by someone other than the edge, so inventing viewers only moves the edge's own
//! money.
//!
//! ## Randomness, and what an adversary can bias
//! Aura has no VRF. The offsets of a claim are drawn from `blake2(hash of block c, edge, epoch)`.
//! Block `c` is built after the claim window has closed, so no edge can know the draw when it
//! commits to its tree, and the claim cannot be changed afterwards (one claim per edge and
//! epoch). What remains biasable: the **author of block `c`** (known in advance under Aura) can
//! try different contents or orders of that block and publish the one whose hash draws offsets
//! it likes, or skip its slot. An edge colluding with that author whose claim holds a fraction
//! `f` of fake bytes passes one draw with probability `(1 − f)^S`: with `S = 16` and `f = 0.2`
//! that is 2.8%, so such an author needs about 36 grinds on average — cheap for it. Without a
//! colluding author the edge gets exactly one draw. A VRF or beacon randomness source would
//! remove the author's bias; Aura offers none.
//!
//! ## Storage that goes
//! Sample records go when their epoch ends; retired content once its retirement epoch is
//! sealed; claims `HistoryDepth` epochs after they are sealed (other pallets read verified
//! bytes). Pruning runs in `on_idle`, within the weight it is given.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use features::edges::{is_ip_literal, is_local_host};
pub use features::worker::{Probe, MAX_LISTED_CONTENTS};
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;
#[cfg(feature = "runtime-benchmarks")]
pub use benchmarking::BenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
mod features;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use vidchain_primitives::{
	delivery::{ContentId, DeliveryReceipt, EpochIndex, ProofLeaf, SampleOutcome, SampleReport},
	traits::{ContentRegistry, DeliveryLedger, DeliveryPayments, DrawnReceipt},
};

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::delivery";

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{self, Credit},
			OnUnbalanced,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{IdentifyAccount, Verify},
		Perbill, RuntimeAppPublic,
	};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// An edge's bond.
		EdgeBond,
		/// A creator's deposit for registered content.
		ContentDeposit,
	}

	/// Configuration. Every number the pallet uses is here (the epoch schedule's values are the
	/// defaults of a network whose genesis sets none, see [`Schedule`]).
	#[pallet::config]
	pub trait Config:
		frame_system::Config<Hash = sp_core::H256, RuntimeEvent: From<Event<Self>>>
		+ frame_system::offchain::CreateAuthorizedTransaction<Call<Self>>
	{
		/// The bonding currency (VID): bonds and deposits are holds on it.
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::BalancedHold<Self::AccountId>;

		/// The runtime's hold reason, which includes this pallet's [`HoldReason`].
		type RuntimeHoldReason: From<HoldReason>;

		/// Where slashed bond goes (e.g. a treasury; `()` burns it).
		type Slashed: OnUnbalanced<Credit<Self::AccountId, Self::Currency>>;

		/// The signature viewers sign receipts with (`MultiSignature` on Vidchain).
		type ReceiptSignature: Verify<Signer = Self::ReceiptSigner>
			+ Parameter
			+ MaxEncodedLen
			+ DecodeWithMemTracking;

		/// The public key behind a [`Config::ReceiptSignature`]; it identifies an account.
		type ReceiptSigner: IdentifyAccount<AccountId = Self::AccountId>;

		/// The key validators' off-chain workers sign sample reports with.
		type AuthorityId: Member
			+ Parameter
			+ RuntimeAppPublic
			+ Ord
			+ MaxEncodedLen
			+ DecodeWithMemTracking;

		/// The current validators' [`Config::AuthorityId`] keys, and how many there are.
		type Validators: ValidatorSet<Self::AuthorityId>;

		/// Blocks per epoch on a network whose genesis sets no [`Schedule`]: only a default. The
		/// live value is [`Schedule`] (storage) and `DeliveryApi::epoch` (runtime API); clients
		/// read those, never this.
		#[pallet::constant]
		type DefaultEpochLength: Get<BlockNumberFor<Self>>;

		/// Blocks after an epoch's end during which its claims are accepted, on a network whose
		/// genesis sets no [`Schedule`]: only a default, as [`Config::DefaultEpochLength`].
		#[pallet::constant]
		type DefaultClaimWindow: Get<BlockNumberFor<Self>>;

		/// Blocks, after the claim window has closed and the seed block is known, during which
		/// proofs are accepted, on a network whose genesis sets no [`Schedule`]: only a default,
		/// as [`Config::DefaultEpochLength`].
		#[pallet::constant]
		type DefaultProofWindow: Get<BlockNumberFor<Self>>;

		/// Blocks from `unbond` until the bond can be withdrawn.
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// Blocks from a suspension until the edge may `resume`.
		#[pallet::constant]
		type SuspensionPeriod: Get<BlockNumberFor<Self>>;

		/// The smallest bond an edge registers (or resumes) with.
		#[pallet::constant]
		type MinEdgeBond: Get<BalanceOf<Self>>;

		/// Held from a creator per live content.
		#[pallet::constant]
		type ContentDeposit: Get<BalanceOf<Self>>;

		/// The part of the bond a slash takes.
		#[pallet::constant]
		type SlashFraction: Get<Perbill>;

		/// Byte offsets drawn per claim.
		#[pallet::constant]
		type SamplesPerClaim: Get<u32>;

		/// The largest chunk a content may have, in bytes.
		#[pallet::constant]
		type MaxChunkSize: Get<u32>;

		/// The most chunks a content may have.
		#[pallet::constant]
		type MaxChunks: Get<u32>;

		/// Claims sealed per block once an epoch's proof window has closed (bounds the work of
		/// `on_initialize`; an epoch with more claims is sealed over several blocks).
		#[pallet::constant]
		type MaxSealPerBlock: Get<u32>;

		/// How many of the most recently sealed epochs keep their claims; older ones are pruned
		/// in `on_idle`. Other pallets read verified bytes from these claims.
		#[pallet::constant]
		type HistoryDepth: Get<u32>;

		/// Longest edge endpoint URL, in bytes.
		#[pallet::constant]
		type MaxEndpointLen: Get<u32>;

		/// Longest edge region tag, in bytes.
		#[pallet::constant]
		type MaxRegionLen: Get<u32>;

		/// Longest content title, in bytes.
		#[pallet::constant]
		type MaxTitleLen: Get<u32>;

		/// Longest content URI, in bytes.
		#[pallet::constant]
		type MaxUriLen: Get<u32>;

		/// Score a new edge starts with (parts per million).
		#[pallet::constant]
		type InitialScore: Get<u32>;

		/// Score an edge gains when *every* validator reports a successful sample of it in an
		/// epoch; one validator's report moves it by this divided by the number of validators.
		#[pallet::constant]
		type ScoreOnSampleSuccess: Get<u32>;

		/// Score an edge loses when every validator reports a failed sample of it in an epoch;
		/// one validator's report moves it by this divided by the number of validators.
		#[pallet::constant]
		type ScoreOnSampleFailure: Get<u32>;

		/// Edges a validator's off-chain worker samples per block it imports.
		#[pallet::constant]
		type MaxSamplesPerBlock: Get<u32>;

		/// Chunks the off-chain worker fetches and checks of each edge it samples (at least 1):
		/// an edge that serves a share `f` of its chunks corrupted passes a sample with
		/// probability `(1 - f)^ChunksPerSample`.
		#[pallet::constant]
		type ChunksPerSample: Get<u32>;

		/// How long the off-chain worker waits for each HTTP answer of an edge, headers and body
		/// together, in milliseconds. One run of the worker never takes longer than
		/// `SampleDeadlineMs × (1 + 2 × ChunksPerSample) × MaxSamplesPerBlock`, whatever the
		/// edges do.
		#[pallet::constant]
		type SampleDeadlineMs: Get<u64>;

		/// Epochs a new edge is left alone for: an edge registered in epoch `e` is first sampled,
		/// and can first be reported, in epoch `e + NewEdgeGraceEpochs`, so that an operator who
		/// registers and then starts its server is not judged in between (1 on Vidchain; 0
		/// judges it at once).
		#[pallet::constant]
		type NewEdgeGraceEpochs: Get<EpochIndex>;

		/// Who settles payments for verified claims and shares emission at sealing
		/// (pallet-rewards on Vidchain; `()` for none).
		type Payments: DeliveryPayments<Self::AccountId>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;

		/// What the benchmarks need from the runtime.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::benchmarking::BenchmarkHelper<Self::AuthorityId>;
	}

	/// The epoch schedule, fixed at genesis (the `Config` defaults if the genesis sets none).
	#[pallet::storage]
	pub type Schedule<T: Config> =
		StorageValue<_, EpochSchedule<BlockNumberFor<T>>, ValueQuery, DefaultSchedule<T>>;

	/// Whether edge endpoints may name loopback, private and link-local hosts: set at genesis, for
	/// development and test networks only (on a real network validators would fetch inside
	/// their own networks).
	#[pallet::storage]
	pub type AllowLocalEndpoints<T: Config> = StorageValue<_, bool, ValueQuery>;

	/// Registered content, by content id.
	#[pallet::storage]
	pub type Contents<T: Config> = StorageMap<_, Identity, ContentId, ContentInfo<T>>;

	/// Retired content, by the epoch it was retired in: removed once that epoch is sealed.
	#[pallet::storage]
	pub type RetiredContents<T: Config> =
		StorageDoubleMap<_, Twox64Concat, EpochIndex, Identity, ContentId, ()>;

	/// Bonded edges, by operator account.
	#[pallet::storage]
	pub type Edges<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, EdgeInfo<T>>;

	/// Claims, by epoch and edge.
	#[pallet::storage]
	pub type Claims<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		EpochIndex,
		Blake2_128Concat,
		T::AccountId,
		Claim<T>,
	>;

	/// Sample reports received in an epoch, per edge and validator key (at most one each).
	#[pallet::storage]
	pub type SampleReports<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, EpochIndex>,
			NMapKey<Blake2_128Concat, T::AccountId>,
			NMapKey<Blake2_128Concat, T::AuthorityId>,
		),
		SampleOutcome,
	>;

	/// Distinct validators that reported a failed sample of an edge in an epoch.
	#[pallet::storage]
	pub type SampleFailures<T: Config> =
		StorageDoubleMap<_, Twox64Concat, EpochIndex, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// The next epoch to seal, and how far sealing it has come.
	#[pallet::storage]
	pub type Sealing<T: Config> = StorageValue<_, SealCursor, ValueQuery>;

	/// The last sealed epoch (`None` until the first one is).
	#[pallet::storage]
	pub type LastSealedEpoch<T: Config> = StorageValue<_, EpochIndex>;

	/// The oldest epoch of each kind of record still in storage (pruning cursors).
	#[pallet::storage]
	pub type Pruning<T: Config> = StorageValue<_, PruneCursor, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Blocks per epoch (0: the runtime's default schedule, windows included).
		pub epoch_length: BlockNumberFor<T>,
		/// Blocks of each epoch's claim window.
		pub claim_window: BlockNumberFor<T>,
		/// Blocks of each epoch's proof window.
		pub proof_window: BlockNumberFor<T>,
		/// Allow loopback, private and link-local endpoints (development networks only).
		pub allow_local_endpoints: bool,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			use sp_runtime::traits::Zero;
			if !self.epoch_length.is_zero() {
				let schedule = EpochSchedule {
					epoch_length: self.epoch_length,
					claim_window: self.claim_window,
					proof_window: self.proof_window,
				};
				assert!(
					Pallet::<T>::schedule_is_valid(&schedule),
					"delivery genesis: windows must be positive, the claim window shorter than an \
					 epoch, and the proof window must end while the seed block's hash is known"
				);
				Schedule::<T>::put(schedule);
			}
			AllowLocalEndpoints::<T>::put(self.allow_local_endpoints);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A creator registered content.
		ContentRegistered {
			content: ContentId,
			manifest_root: sp_core::H256,
			creator: T::AccountId,
			chunk_count: u32,
			total_bytes: u64,
			exclusive: bool,
		},
		/// A creator retired content; its deposit was released.
		ContentRetired { content: ContentId },
		/// An operator registered an edge and bonded `bond`.
		EdgeRegistered { edge: T::AccountId, bond: BalanceOf<T> },
		/// An edge changed its endpoint or region.
		EdgeUpdated { edge: T::AccountId },
		/// An edge added `amount` to its bond, which is now `bond`.
		EdgeBonded { edge: T::AccountId, amount: BalanceOf<T>, bond: BalanceOf<T> },
		/// A suspended edge is active again.
		EdgeResumed { edge: T::AccountId },
		/// An edge started unbonding; the bond is withdrawable from block `until`.
		EdgeUnbonding { edge: T::AccountId, until: BlockNumberFor<T> },
		/// An edge withdrew its remaining bond and left.
		EdgeWithdrawn { edge: T::AccountId, amount: BalanceOf<T> },
		/// More than a third of the validators reported failed samples of an edge in `epoch`:
		/// it is suspended until block `until`.
		EdgeSuspended { edge: T::AccountId, epoch: EpochIndex, until: BlockNumberFor<T> },
		/// An edge lost `amount` of its bond.
		EdgeSlashed { edge: T::AccountId, amount: BalanceOf<T>, reason: SlashReason },
		/// An edge claimed its delivery in `epoch`.
		ClaimSubmitted {
			edge: T::AccountId,
			epoch: EpochIndex,
			root: sp_core::H256,
			total_bytes: u64,
			receipt_count: u32,
		},
		/// An edge proved its claim: `bytes` count for it in `epoch`.
		ClaimVerified { edge: T::AccountId, epoch: EpochIndex, bytes: u64 },
		/// A claim had no valid proof when its proof window closed.
		ClaimRejected { edge: T::AccountId, epoch: EpochIndex },
		/// A validator reported a sample; `score` is the edge's score after it.
		SampleReported {
			validator: T::AuthorityId,
			edge: T::AccountId,
			content: ContentId,
			chunk_index: u32,
			outcome: SampleOutcome,
			latency_ms: u32,
			score: u32,
		},
		/// Every claim of `epoch` is final.
		EpochSealed { epoch: EpochIndex, verified: u32, rejected: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// This creator already registered content with this manifest root.
		ContentExists,
		/// No content with this id is registered.
		UnknownContent,
		/// Only the content's creator may do this.
		NotContentCreator,
		/// The content is already retired.
		ContentRetired,
		/// Chunk size and count must be positive, within `MaxChunkSize` and `MaxChunks`, and
		/// `total_bytes` must fit them exactly
		/// (`(chunk_count - 1) × chunk_size < total_bytes ≤ chunk_count × chunk_size`).
		InvalidManifest,
		/// This account already runs an edge.
		EdgeExists,
		/// This account runs no edge.
		NotAnEdge,
		/// The bond is below `MinEdgeBond`.
		BondTooLow,
		/// The account cannot cover the bond or deposit.
		InsufficientBalance,
		/// The endpoint must be an `http://` or `https://` URL with a host and no spaces.
		InvalidEndpoint,
		/// The endpoint names a loopback, private, link-local or otherwise non-public host.
		LocalEndpoint,
		/// On a chain that does not allow local endpoints, an endpoint's host must be a public
		/// IP literal (`1.2.3.4`, `[2001:db8::1]`): validators' nodes connect to exactly that
		/// address, where a DNS name could resolve (or rebind) to a private one.
		EndpointNotAnAddress,
		/// The edge is suspended or unbonding.
		EdgeNotActive,
		/// The edge is not suspended.
		NotSuspended,
		/// The suspension period has not passed yet.
		SuspensionNotOver,
		/// The edge is already unbonding.
		AlreadyUnbonding,
		/// The edge is not unbonding.
		NotUnbonding,
		/// The unbonding period has not passed yet.
		UnbondingNotDone,
		/// The edge still has claims awaiting proof.
		ClaimsPending,
		/// Claims are only for epochs that have ended.
		EpochNotEnded,
		/// The claim window of this epoch is closed.
		ClaimWindowClosed,
		/// A claim must cover at least one receipt and one byte.
		EmptyClaim,
		/// A claim's bytes exceed what its receipts could hold
		/// (`receipt_count × MaxChunkSize × MaxChunks`).
		ClaimTooLarge,
		/// The edge already claimed this epoch.
		ClaimExists,
		/// The edge has no claim for this epoch.
		NoClaim,
		/// The claim is already verified or rejected.
		ClaimNotPending,
		/// The proof window of this claim has not opened yet.
		ProofWindowNotOpen,
		/// The proof window of this claim has closed.
		ProofWindowClosed,
		/// A proof leaf holds none of the drawn offsets.
		LeafNotDrawn,
		/// The proof does not hold every drawn offset, in order of the receipts' slots.
		ProofIncomplete,
		/// A receipt names another edge or epoch than the claim.
		ReceiptMismatch,
		/// A receipt's content was not live in the receipt's epoch.
		ContentNotLive,
		/// A receipt's chunk range is not inside its content, or its bytes are not the range's
		/// exact length.
		ReceiptOutOfRange,
		/// A receipt's signature is not its viewer's for this chain.
		BadReceiptSignature,
		/// A sum-tree path does not lead from the receipt's slot to the claimed root and total.
		InvalidPath,
		/// The reporting key is not a current validator's.
		NotValidator,
		/// The report's signature does not match its validator key for this chain.
		BadReportSignature,
		/// The report is not for the current epoch.
		WrongEpoch,
		/// This validator already reported this edge in this epoch.
		AlreadyReported,
		/// The chunk index is outside the content.
		ChunkOutOfRange,
		/// The edge registered too recently to be judged (`NewEdgeGraceEpochs`).
		EdgeInGrace,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::seal_step(now)
		}

		fn on_idle(_now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::prune(remaining)
		}

		/// The validators' sampling worker (`features/worker.rs`): on a node whose keystore holds
		/// a current validator's `vocw` key, sample edges over HTTP and report.
		fn offchain_worker(now: BlockNumberFor<T>) {
			Self::run_sampler(now)
		}

		fn integrity_test() {
			use sp_runtime::traits::Zero;
			let schedule = EpochSchedule {
				epoch_length: T::DefaultEpochLength::get(),
				claim_window: T::DefaultClaimWindow::get(),
				proof_window: T::DefaultProofWindow::get(),
			};
			assert!(!schedule.epoch_length.is_zero(), "DefaultEpochLength must be positive");
			assert!(
				Self::schedule_is_valid(&schedule),
				"the default schedule: windows must be positive, DefaultClaimWindow < DefaultEpochLength, \
				 and DefaultProofWindow + 2 < BlockHashCount (the seed block's hash must still be known)"
			);
			assert!(T::InitialScore::get() <= MAX_SCORE, "InitialScore is at most 1_000_000");
			assert!(T::SamplesPerClaim::get() > 0, "SamplesPerClaim must be positive");
			assert!(T::MaxChunkSize::get() > 0, "MaxChunkSize must be positive");
			assert!(T::MaxChunks::get() > 0, "MaxChunks must be positive");
			assert!(T::MaxSealPerBlock::get() > 0, "MaxSealPerBlock must be positive");
			assert!(T::SampleDeadlineMs::get() > 0, "SampleDeadlineMs must be positive");
			assert!(T::ChunksPerSample::get() > 0, "ChunksPerSample must be positive");
			assert!(!T::MinEdgeBond::get().is_zero(), "MinEdgeBond must be positive");
			assert!(
				T::MaxEndpointLen::get() >= 12,
				"MaxEndpointLen must fit at least `https://a.io`"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Register content by its manifest root; holds `ContentDeposit` from the caller, who
		/// becomes its creator. The content's id is
		/// [`content_id(caller, manifest_root)`](vidchain_primitives::delivery::content_id).
		///
		/// - `manifest_root`: Merkle root over the chunk hashes.
		/// - `chunk_size` (≤ `MaxChunkSize`), `chunk_count` (≤ `MaxChunks`), `total_bytes`: must
		///   fit each other exactly.
		/// - `exclusive`: viewing needs a clip license.
		/// - `title` (≤ `MaxTitleLen` bytes), `uri` (≤ `MaxUriLen` bytes): longer ones do not
		///   decode.
		///
		/// Emits `ContentRegistered`.
		#[pallet::call_index(0)]
		#[allow(clippy::too_many_arguments)]
		pub fn register_content(
			origin: OriginFor<T>,
			manifest_root: sp_core::H256,
			chunk_size: u32,
			chunk_count: u32,
			total_bytes: u64,
			exclusive: bool,
			title: BoundedVec<u8, T::MaxTitleLen>,
			uri: BoundedVec<u8, T::MaxUriLen>,
		) -> DispatchResult {
			let creator = ensure_signed(origin)?;
			Self::do_register_content(
				creator,
				manifest_root,
				ContentSizes { chunk_size, chunk_count, total_bytes },
				exclusive,
				title,
				uri,
			)
		}

		/// Retire content: only its creator; releases the deposit. Receipts of epochs up to the
		/// current one stay provable; the record is removed once this epoch is sealed. Emits
		/// `ContentRetired`.
		#[pallet::call_index(1)]
		pub fn retire_content(origin: OriginFor<T>, content: ContentId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_retire_content(who, content)
		}

		/// Register the caller's edge: holds `bond` (≥ `MinEdgeBond`) and records its public
		/// HTTP(S) `endpoint` (≤ `MaxEndpointLen`; loopback, private and link-local hosts only on
		/// networks whose genesis allows them) and `region` (≤ `MaxRegionLen`). Emits
		/// `EdgeRegistered`.
		#[pallet::call_index(2)]
		pub fn register_edge(
			origin: OriginFor<T>,
			endpoint: BoundedVec<u8, T::MaxEndpointLen>,
			region: BoundedVec<u8, T::MaxRegionLen>,
			bond: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_edge(who, endpoint, region, bond)
		}

		/// Change the caller's edge endpoint and region (checked as in `register_edge`). Emits
		/// `EdgeUpdated`.
		#[pallet::call_index(3)]
		pub fn update_edge(
			origin: OriginFor<T>,
			endpoint: BoundedVec<u8, T::MaxEndpointLen>,
			region: BoundedVec<u8, T::MaxRegionLen>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update_edge(who, endpoint, region)
		}

		/// Start unbonding the caller's edge (active or suspended): it stops claiming new epochs
		/// but stays sampled and slashable until the bond is withdrawn, after
		/// `UnbondingPeriod`. Emits `EdgeUnbonding`.
		#[pallet::call_index(4)]
		pub fn unbond(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unbond(who)
		}

		/// Withdraw the bond of an unbonded edge and remove it (no claim may be pending).
		/// Emits `EdgeWithdrawn`.
		#[pallet::call_index(5)]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_unbonded(who)
		}

		/// Claim the caller's delivery in the ended `epoch`, within its claim window: `root` and
		/// `total_bytes` are the root of the sparse Merkle sum tree over all the edge's receipts
		/// of the epoch, `receipt_count` its number of leaves. Emits `ClaimSubmitted`.
		#[pallet::call_index(6)]
		pub fn submit_claim(
			origin: OriginFor<T>,
			epoch: EpochIndex,
			root: sp_core::H256,
			total_bytes: u64,
			receipt_count: u32,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_submit_claim(who, epoch, root, total_bytes, receipt_count)
		}

		/// Prove the caller's claim for `epoch`: `leaves` are the receipts whose byte intervals
		/// hold the drawn offsets (see [`Pallet::drawn_offsets`]), in the order of their slots,
		/// each with the viewer's signature and its sum-tree path. Emits `ClaimVerified`; any
		/// invalid leaf refuses the whole proof with its error and changes nothing.
		#[pallet::call_index(7)]
		#[pallet::weight(Pallet::<T>::proof_weight(
			leaves.len() as u32,
			leaves.iter().map(|l| l.path.siblings.len() as u32).max().unwrap_or(0),
		))]
		pub fn submit_proof(
			origin: OriginFor<T>,
			epoch: EpochIndex,
			leaves: BoundedVec<ProofLeafOf<T>, T::SamplesPerClaim>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_submit_proof(who, epoch, leaves)
		}

		/// Report one sample of an edge, from a validator's off-chain worker: a general
		/// (unsigned, fee-less) transaction authorized by `signature` of `report.validator`, a
		/// current validator's `vocw` key, over [`SampleReport::signing_payload`] (a domain tag,
		/// the genesis hash and the report). At most one report per validator, edge and epoch.
		/// Emits `SampleReported` (and `EdgeSuspended` + `EdgeSlashed` when more than a third of
		/// the validators have reported failures of the edge in the epoch).
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::report_sample().saturating_add(T::Payments::on_sampled_weight()))]
		#[pallet::authorize(Self::authorize_report_sample)]
		pub fn report_sample(
			origin: OriginFor<T>,
			report: SampleReportOf<T>,
			signature: AuthoritySignatureOf<T>,
		) -> DispatchResult {
			frame_system::ensure_authorized(origin)?;
			Self::check_report(&report, &signature)?;
			Self::do_report_sample(report)
		}

		/// Add `amount` to the caller's edge bond (for example after a slash left it below
		/// `MinEdgeBond`). Emits `EdgeBonded`.
		#[pallet::call_index(9)]
		pub fn bond_more(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_bond_more(who, amount)
		}

		/// Make the caller's suspended edge active again: `SuspensionPeriod` must have passed
		/// since the suspension and the bond must be at least `MinEdgeBond`. Emits
		/// `EdgeResumed`.
		#[pallet::call_index(10)]
		pub fn resume(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_resume(who)
		}
	}

	impl<T: Config> Pallet<T> {
		/// Validity of a `report_sample` transaction: the same checks as dispatch, as
		/// `InvalidTransaction`s, with a tag per (validator, edge, epoch) so the pool keeps one.
		pub fn authorize_report_sample(
			_source: TransactionSource,
			report: &SampleReportOf<T>,
			signature: &AuthoritySignatureOf<T>,
		) -> TransactionValidityWithRefund {
			Self::check_report(report, signature).map_err(|e| {
				let invalid = match e {
					Error::<T>::NotValidator => InvalidTransaction::BadSigner,
					Error::<T>::BadReportSignature => InvalidTransaction::BadProof,
					Error::<T>::AlreadyReported => InvalidTransaction::Stale,
					Error::<T>::WrongEpoch if report.epoch > Self::current_epoch() =>
						InvalidTransaction::Future,
					Error::<T>::WrongEpoch => InvalidTransaction::Stale,
					_ => InvalidTransaction::Call,
				};
				TransactionValidityError::Invalid(invalid)
			})?;
			let longevity = Self::blocks_left_in_epoch();
			let validity = ValidTransaction::with_tag_prefix("DeliverySample")
				.priority(TransactionPriority::MAX / 2)
				.and_provides((report.validator.clone(), report.edge.clone(), report.epoch))
				.longevity(longevity)
				.propagate(true)
				.build()?;
			Ok((validity, Weight::zero()))
		}

		/// The genesis hash: what receipts and reports sign after their domain tag.
		pub fn genesis_hash() -> sp_core::H256 {
			use sp_runtime::traits::Zero;
			frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
		}
	}
}

impl<T: Config> ContentRegistry<T::AccountId> for Pallet<T> {
	fn creator_of(content: &ContentId) -> Option<T::AccountId> {
		Contents::<T>::get(content).map(|c| c.creator)
	}

	fn is_exclusive(content: &ContentId) -> Option<bool> {
		Contents::<T>::get(content).map(|c| c.exclusive)
	}

	fn is_live(content: &ContentId) -> bool {
		Contents::<T>::get(content).is_some_and(|c| c.retired_at.is_none())
	}
}

impl<T: Config> DeliveryLedger<T::AccountId> for Pallet<T> {
	fn verified_bytes(edge: &T::AccountId, epoch: EpochIndex) -> u64 {
		Claims::<T>::get(epoch, edge)
			.filter(|c| c.status == ClaimStatus::Verified)
			.map_or(0, |c| c.total_bytes)
	}

	fn score(edge: &T::AccountId) -> Option<u32> {
		Edges::<T>::get(edge).map(|e| e.score)
	}

	fn is_epoch_sealed(epoch: EpochIndex) -> bool {
		LastSealedEpoch::<T>::get().is_some_and(|last| epoch <= last)
	}
}
