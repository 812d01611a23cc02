//! # pallet-delivery: proof of delivery for Vidchain
//!
//! An edge operator proves, cheaply for the chain and verifiably, that it delivered video to real
//! viewers — and loses bond when it lies.
//!
//! ## Overview
//! - **Content.** A creator registers a video by its *manifest root* (the Merkle root over its
//!   chunk hashes, [`vidchain_primitives::manifest`]), with chunk size, chunk count, total bytes,
//!   an `exclusive` flag and a bounded title and URI. `ContentDeposit` is held while it is live;
//!   [`Pallet::retire_content`] releases it.
//! - **Edges.** An operator bonds at least `MinEdgeBond` (a fungible *hold*, reason
//!   [`HoldReason::EdgeBond`]) and names an HTTP(S) endpoint and a region. States: `Active`,
//!   `Suspended` (failed samples), `Unbonding` (bond withdrawable after `UnbondingPeriod`).
//! - **Receipts.** A viewer signs a [`DeliveryReceipt`] (edge, content, viewer, session nonce,
//!   chunk range, bytes, epoch, TTFB, throughput) over
//!   [`DeliveryReceipt::signing_payload`].
//! - **Claims.** After epoch `e` ends, within `ClaimWindow` blocks, an edge commits to all its
//!   receipts of `e` at once: the root of a Merkle *sum* tree ([`vidchain_primitives::sum_tree`])
//!   with the total bytes and the receipt count ([`Pallet::submit_claim`]).
//! - **Proofs.** When the claim window has closed, the chain draws `SamplesPerClaim` leaves of
//!   each claim (plus its last leaf). The edge must show each with its viewer's signature and its
//!   sum-tree path within `ProofWindow` blocks ([`Pallet::submit_proof`]). A valid proof verifies
//!   the claim: its bytes count for the edge in `e` ([`DeliveryLedger`]). An invalid proof is
//!   refused with a typed error and changes nothing; a claim still unproven when the window
//!   closes is `Rejected` and `SlashFraction` of the bond is slashed to `Slashed`.
//! - **Samples.** Validators' off-chain workers fetch random chunks from edges and report
//!   ([`Pallet::report_sample`], authorized by a signature of a current validator's `vocw` key,
//!   at most one per validator, edge and epoch). Successes raise the edge's score, failures
//!   lower it; `MaxFailures` failures in one epoch suspend and slash the edge.
//!
//! ## Epoch timeline (epoch `e`, `L = EpochLength`)
//! ```text
//! [e·L, (e+1)·L)                       receipts of e are collected; samples of e are reported
//! [(e+1)·L, (e+1)·L + ClaimWindow)     submit_claim(e, …)
//! c = (e+1)·L + ClaimWindow            the block whose hash seeds the samples of e's claims
//! [c + 1, c + 1 + ProofWindow)         submit_proof(e, …)
//! c + 1 + ProofWindow                  e is sealed: unproven claims rejected and slashed
//! ```
//!
//! ## Randomness, and what an adversary can bias
//! Aura has no VRF. The sampled leaves of a claim are drawn from
//! `blake2(hash of block c, edge, epoch)` ([`vidchain_primitives::sampling`]). Block `c` is built
//! after the claim window has closed, so no edge can know the draw when it commits to its tree,
//! and the claim cannot be changed afterwards (one claim per edge and epoch).
//! What remains biasable: the **author of block `c`** (known in advance under Aura) can try
//! different contents or orders of that block and publish the one whose hash draws leaves it
//! likes, or skip its slot and leave `c` to the next author. An edge colluding with that author
//! whose tree holds a fraction `f` of fake leaves passes one draw with probability
//! `(1 - f)^(S+1)`: with `S = SamplesPerClaim = 16` and `f = 0.2` that is 2.3%, so such an
//! author needs about 44 grinds on average — cheap for it. Without a colluding author the edge
//! gets exactly one draw, and every rejected claim costs `SlashFraction` of its bond. Nobody else
//! (edges, viewers, other validators) can influence the draw. A VRF or beacon randomness source
//! would remove the author's bias; Aura offers none.
//!
//! ## What a proof rules out
//! Forged or foreign signatures, receipts of another edge or epoch, receipts of unregistered
//! content or outside its chunk range, the same `(viewer, session nonce)` twice (in one proof, or
//! in an earlier proof of the same epoch), inflated `total_bytes` (the root's sum would differ),
//! a padded or shortened tree (the last leaf is always drawn and its path pins the shape), leaves
//! that were not drawn, and proofs outside the window.
//!
//! What sampling cannot rule out: fake leaves that are not drawn. A claim in which a fraction `f`
//! of the leaves is fake survives with probability `(1 - f)^(S+1)` (`f = 0.1`: 17%; `f = 0.3`:
//! 0.2%), and otherwise costs `SlashFraction` of the bond; the rewards paid per verified byte
//! (the dual-token issue) must keep that bet a losing one.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

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
	delivery::{ContentId, DeliveryReceipt, EpochIndex, ProofLeaf, SampleOutcome},
	traits::{ContentRegistry, DeliveryLedger},
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
			Contains, OnUnbalanced,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{IdentifyAccount, Verify},
		Perbill, RuntimeAppPublic,
	};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

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

	/// Configuration. Every number the pallet uses is here.
	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
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

		/// Which [`Config::AuthorityId`] keys belong to current validators.
		type Validators: Contains<Self::AuthorityId>;

		/// Blocks per epoch.
		#[pallet::constant]
		type EpochLength: Get<BlockNumberFor<Self>>;

		/// Blocks after an epoch's end during which its claims are accepted.
		#[pallet::constant]
		type ClaimWindow: Get<BlockNumberFor<Self>>;

		/// Blocks, after the claim window has closed and the seed block is known, during which
		/// proofs are accepted.
		#[pallet::constant]
		type ProofWindow: Get<BlockNumberFor<Self>>;

		/// Blocks from `unbond` until the bond can be withdrawn.
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// The smallest bond an edge registers with.
		#[pallet::constant]
		type MinEdgeBond: Get<BalanceOf<Self>>;

		/// Held from a creator per live content.
		#[pallet::constant]
		type ContentDeposit: Get<BalanceOf<Self>>;

		/// The part of the bond a slash takes.
		#[pallet::constant]
		type SlashFraction: Get<Perbill>;

		/// Leaves drawn per claim (the last leaf is proven in addition).
		#[pallet::constant]
		type SamplesPerClaim: Get<u32>;

		/// Failed samples in one epoch that suspend and slash an edge.
		#[pallet::constant]
		type MaxFailures: Get<u32>;

		/// Claims accepted per epoch (bounds the work of sealing an epoch).
		#[pallet::constant]
		type MaxClaimsPerEpoch: Get<u32>;

		/// How many of the most recently sealed epochs keep their records (claims, counted
		/// receipts, samples); older ones are pruned in `on_idle`. Other pallets read verified
		/// bytes from these claims.
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

		/// Score gained per successful sample.
		#[pallet::constant]
		type ScoreOnSampleSuccess: Get<u32>;

		/// Score lost per failed sample.
		#[pallet::constant]
		type ScoreOnSampleFailure: Get<u32>;

		/// Score gained per verified claim.
		#[pallet::constant]
		type ScoreOnClaimVerified: Get<u32>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;

		/// What the benchmarks need from the runtime.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::benchmarking::BenchmarkHelper<Self::AuthorityId>;
	}

	/// Registered content, by manifest root.
	#[pallet::storage]
	pub type Contents<T: Config> = StorageMap<_, Identity, ContentId, ContentInfo<T>>;

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

	/// The edges that claimed in an epoch, in claim order (what sealing walks).
	#[pallet::storage]
	pub type EpochClaims<T: Config> = StorageMap<
		_,
		Twox64Concat,
		EpochIndex,
		BoundedVec<T::AccountId, T::MaxClaimsPerEpoch>,
		ValueQuery,
	>;

	/// `(viewer, session nonce)` pairs already counted by a verified proof, per epoch.
	#[pallet::storage]
	pub type CountedReceipts<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		EpochIndex,
		Blake2_128Concat,
		(T::AccountId, u64),
		(),
	>;

	/// Sample reports received, per epoch, edge and validator key (at most one each).
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

	/// Failed samples of an edge in an epoch.
	#[pallet::storage]
	pub type SampleFailures<T: Config> =
		StorageDoubleMap<_, Twox64Concat, EpochIndex, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// The last sealed epoch (`None` until the first one is).
	#[pallet::storage]
	pub type LastSealedEpoch<T: Config> = StorageValue<_, EpochIndex>;

	/// The oldest epoch whose per-epoch records are still in storage (pruning cursor).
	#[pallet::storage]
	pub type PruneFrom<T: Config> = StorageValue<_, EpochIndex, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A creator registered content.
		ContentRegistered {
			content: ContentId,
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
		/// An edge started unbonding; the bond is withdrawable from block `until`.
		EdgeUnbonding { edge: T::AccountId, until: BlockNumberFor<T> },
		/// An edge withdrew its remaining bond and left.
		EdgeWithdrawn { edge: T::AccountId, amount: BalanceOf<T> },
		/// An edge failed `MaxFailures` samples in `epoch` and was suspended.
		EdgeSuspended { edge: T::AccountId, epoch: EpochIndex },
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
		/// `epoch`'s proof window closed: its claims are final.
		EpochSealed { epoch: EpochIndex, verified: u32, rejected: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Content with this manifest root is already registered.
		ContentExists,
		/// No content with this manifest root is registered.
		UnknownContent,
		/// Only the content's creator may do this.
		NotContentCreator,
		/// The content is already retired.
		ContentRetired,
		/// Chunk size and count must be positive and `total_bytes` must fit them exactly
		/// (`(chunk_count - 1) × chunk_size < total_bytes ≤ chunk_count × chunk_size`).
		InvalidManifest,
		/// The title is longer than `MaxTitleLen`.
		TitleTooLong,
		/// The URI is longer than `MaxUriLen`.
		UriTooLong,
		/// This account already runs an edge.
		EdgeExists,
		/// This account runs no edge.
		NotAnEdge,
		/// The bond is below `MinEdgeBond`.
		BondTooLow,
		/// The account cannot cover the bond or deposit.
		InsufficientBalance,
		/// The endpoint is longer than `MaxEndpointLen`.
		EndpointTooLong,
		/// The endpoint must be an `http://` or `https://` URL.
		InvalidEndpoint,
		/// The region is longer than `MaxRegionLen`.
		RegionTooLong,
		/// The edge is suspended or unbonding.
		EdgeNotActive,
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
		/// The edge already claimed this epoch.
		ClaimExists,
		/// The epoch has `MaxClaimsPerEpoch` claims already.
		TooManyClaims,
		/// The edge has no claim for this epoch.
		NoClaim,
		/// The claim is already verified or rejected.
		ClaimNotPending,
		/// The proof window of this claim has not opened yet.
		ProofWindowNotOpen,
		/// The proof window of this claim has closed.
		ProofWindowClosed,
		/// A proof leaf is not one of the drawn leaves.
		LeafNotSampled,
		/// The proof does not show exactly the drawn leaves, in order.
		ProofIncomplete,
		/// A receipt names another edge or epoch than the claim.
		ReceiptMismatch,
		/// A receipt's chunk range or bytes do not fit its content.
		ReceiptOutOfRange,
		/// A receipt's signature is not its viewer's.
		BadReceiptSignature,
		/// The same `(viewer, session nonce)` appears twice in the proof.
		DuplicateReceipt,
		/// This `(viewer, session nonce)` was already counted in this epoch.
		ReceiptAlreadyCounted,
		/// A sum-tree path does not lead to the claimed root and total.
		InvalidPath,
		/// The reporting key is not a current validator's.
		NotValidator,
		/// The report's signature does not match its validator key.
		BadReportSignature,
		/// The report is not for the current epoch.
		WrongEpoch,
		/// This validator already reported this edge in this epoch.
		AlreadyReported,
		/// The chunk index is outside the content.
		ChunkOutOfRange,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			match Self::epoch_sealed_at(now) {
				Some(epoch) => Self::seal_epoch(epoch),
				None => Weight::zero(),
			}
		}

		fn on_idle(_now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::prune(remaining)
		}

		fn integrity_test() {
			use sp_runtime::traits::{Saturating, Zero};
			assert!(!T::EpochLength::get().is_zero(), "EpochLength must be positive");
			assert!(!T::ClaimWindow::get().is_zero(), "ClaimWindow must be positive");
			assert!(!T::ProofWindow::get().is_zero(), "ProofWindow must be positive");
			assert!(
				T::ClaimWindow::get() < T::EpochLength::get(),
				"ClaimWindow must end before the next epoch's claims start"
			);
			assert!(T::InitialScore::get() <= MAX_SCORE, "InitialScore is at most 1_000_000");
			assert!(T::MaxFailures::get() > 0, "MaxFailures must be positive");
			assert!(T::MaxClaimsPerEpoch::get() > 0, "MaxClaimsPerEpoch must be positive");
			assert!(
				T::ProofWindow::get().saturating_add(2u32.into()) <
					<<T as frame_system::Config>::BlockHashCount as Get<BlockNumberFor<T>>>::get(),
				"the seed block's hash must still be known when the proof window closes"
			);
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Register content by its manifest root; holds `ContentDeposit` from the caller, who
		/// becomes its creator.
		///
		/// - `manifest_root`: Merkle root over the chunk hashes (the content's id).
		/// - `chunk_size`, `chunk_count`, `total_bytes`: must fit each other exactly.
		/// - `exclusive`: viewing needs a clip license.
		/// - `title` (≤ `MaxTitleLen` bytes), `uri` (≤ `MaxUriLen` bytes).
		///
		/// Emits `ContentRegistered`.
		#[pallet::call_index(0)]
		#[allow(clippy::too_many_arguments)]
		pub fn register_content(
			origin: OriginFor<T>,
			manifest_root: ContentId,
			chunk_size: u32,
			chunk_count: u32,
			total_bytes: u64,
			exclusive: bool,
			title: alloc::vec::Vec<u8>,
			uri: alloc::vec::Vec<u8>,
		) -> DispatchResult {
			let creator = ensure_signed(origin)?;
			Self::do_register_content(
				creator,
				manifest_root,
				chunk_size,
				chunk_count,
				total_bytes,
				exclusive,
				title,
				uri,
			)
		}

		/// Retire content: only its creator; releases the deposit. Past receipts of the content
		/// stay provable. Emits `ContentRetired`.
		#[pallet::call_index(1)]
		pub fn retire_content(origin: OriginFor<T>, content: ContentId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_retire_content(who, content)
		}

		/// Register the caller's edge: holds `bond` (≥ `MinEdgeBond`) and records its HTTP(S)
		/// `endpoint` (≤ `MaxEndpointLen`) and `region` (≤ `MaxRegionLen`). Emits
		/// `EdgeRegistered`.
		#[pallet::call_index(2)]
		pub fn register_edge(
			origin: OriginFor<T>,
			endpoint: alloc::vec::Vec<u8>,
			region: alloc::vec::Vec<u8>,
			bond: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_edge(who, endpoint, region, bond)
		}

		/// Change the caller's edge endpoint and region. Emits `EdgeUpdated`.
		#[pallet::call_index(3)]
		pub fn update_edge(
			origin: OriginFor<T>,
			endpoint: alloc::vec::Vec<u8>,
			region: alloc::vec::Vec<u8>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update_edge(who, endpoint, region)
		}

		/// Start unbonding the caller's edge: it stops claiming and being sampled; the bond can be
		/// withdrawn after `UnbondingPeriod`. Emits `EdgeUnbonding`.
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

		/// Claim the caller's delivery in the ended `epoch`, within `ClaimWindow` blocks of its
		/// end: `root` and `total_bytes` are the root of the Merkle sum tree over all the edge's
		/// receipts of the epoch, `receipt_count` its number of leaves. Emits `ClaimSubmitted`.
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

		/// Prove the caller's claim for `epoch`: `leaves` are exactly the drawn leaves (see
		/// [`Pallet::sampled_leaves`]), in index order, each with its receipt, the viewer's
		/// signature and its sum-tree path. Emits `ClaimVerified`; any invalid leaf refuses the
		/// whole proof with its error and changes nothing.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::submit_proof(
			leaves.len() as u32,
			leaves.iter().map(|l| l.path.len() as u32).max().unwrap_or(0),
		))]
		pub fn submit_proof(
			origin: OriginFor<T>,
			epoch: EpochIndex,
			leaves: BoundedVec<ProofLeafOf<T>, MaxProofLeaves<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_submit_proof(who, epoch, leaves)
		}

		/// Report one sample of an edge, from a validator's off-chain worker: a general
		/// (unsigned, fee-less) transaction authorized by `signature` of `report.validator`, a
		/// current validator's `vocw` key, over the SCALE-encoded `report`. At most one report per
		/// validator, edge and epoch. Emits `SampleReported` (and `EdgeSuspended` +
		/// `EdgeSlashed` at the `MaxFailures`-th failure of the epoch).
		#[pallet::call_index(8)]
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
