//! # pallet-rewards: FUEL payments for verified bytes, and emission by what cannot be faked
//!
//! A valid receipt signature proves only that *some* key signed it: an edge can make viewer keys,
//! sign receipts for itself and prove every drawn leaf. Sampling cannot stop that; this pallet
//! makes it pointless. Every verified byte is **paid for** by someone other than the edge, and
//! newly issued FUEL follows what an edge cannot fake alone — its bond and the validators'
//! samples of it — never the bytes it claims.
//!
//! ## Two tokens
//! - **VID** ([`Config::Currency`], the native token): fees, bonds, deposits, and the block
//!   author's reward ([`Config::AuthorReward`] per block).
//! - **FUEL** ([`Config::Fuel`], an asset of `pallet-assets` seen through `fungible::ItemOf`):
//!   what viewers and sponsors pay edges with and what emission mints.
//!
//! ## Paying for delivery
//! - **Escrow.** A viewer deposits FUEL and a reserve ([`Pallet::deposit_escrow`]); withdrawing
//!   needs [`Pallet::unlock_escrow`] and `UnlockPeriod` blocks ([`Pallet::withdraw_escrow`]), so
//!   an edge that served a viewer is paid before the viewer can leave. An edge reads the escrow
//!   (runtime API) before it serves.
//! - **Sponsor pool.** A sponsor (the creator or anyone) funds *its own* pool for one content at a
//!   price per MiB ([`Pallet::fund_pool`]), optionally for named edges only: pools are keyed by
//!   (content, sponsor), so one sponsor's pool never stands in the way of another's or of the
//!   viewers' escrows. A receipt names its payer, signed by its viewer: its escrow, or one
//!   sponsor's pool of its content, which then pays at its own price — publisher-pays. A change
//!   of price or edges applies from the next epoch, so receipts already served keep their terms.
//!   An empty pool is removed once it is unlocking. A pool open to every edge trusts every edge
//!   not to invent viewers of its content: a sponsor who cannot vouch for the edges names them.
//! - **Payment.** When delivery verifies a claim it hands over the drawn receipts
//!   ([`DeliveryPayments::on_claim_verified`]). Draws are byte-weighted, so a receipt of `b`
//!   bytes is hit by each of the `S` offsets with probability `b / total_bytes`; each hit pays
//!   `total_bytes / S × price_per_mib / MiB` (at least `MinPricePerMib`), and the expected
//!   payment of every receipt is its bytes × its price. A payer who cannot cover a hit pays its balance, then its reserve; the
//!   edge bears the rest (it chose whom to serve). Delivery counts each receipt once, so no
//!   receipt is paid twice.
//! - **Split.** Each payment goes `CreatorShare` to the content's creator, `ProtocolFee` to the
//!   treasury and the rest to the edge; rounding remainders go to the treasury.
//!
//! Why invented viewers do not pay: the FUEL an edge routes through its own viewer keys comes
//! back to it less the protocol fee (on at least `MinPricePerMib`) and the creator's share, and
//! the delivery emission returns at most `DeliveryFeeCap` of that fee; its claims' payments from
//! real viewers are, in expectation, what those viewers owe whatever else the claim holds.
//! Invented bytes change *which* receipts are drawn: they add variance to a claim's payments,
//! not value. A creator that sponsors its own content through its own edge gets back what it
//! paid less the fee (and at most `DeliveryFeeCap` of the fee in emission).
//!
//! ## Emission
//! Each sealed epoch `e` mints `InitialEmission × (1 − EmissionDecay)^e` FUEL, never taking FUEL's
//! total issuance over `MaxFuelIssuance`. `TreasuryEmissionShare` of it goes to the treasury;
//! the edges' rest is split in two:
//! - **availability** (`1 − DeliveryEmissionShare` of it): shared by bond × score among the
//!   edges a validator's sample found serving in `e` ([`DeliveryPayments::on_sampled`]; a sample
//!   counts only if the edge's own key signed its answer to the validator's nonce, so an
//!   endpoint that forwards to another edge's server earns nothing);
//! - **delivery** (`DeliveryEmissionShare` of it): shared in proportion to the protocol fee each
//!   edge's verified receipts paid in `e`, and never more than `DeliveryFeeCap` (< 1) of that
//!   fee. An edge that pays for its own receipts gets back less emission than the fee it paid.
//!
//! What neither part pays out goes to the treasury. Nothing loops over accounts: samples and
//! payments update the epoch's totals as they happen, [`DeliveryPayments::on_epoch_sealed`]
//! mints once, and each edge pulls its share with [`Pallet::claim_rewards`]. What is unclaimed
//! `RewardHorizon` epochs later goes to the treasury, and the epoch's records are pruned in
//! `on_idle`.
//!
//! ## Reports
//! Per epoch, per edge: verified bytes, FUEL received from payments, what it bore unpaid, bond,
//! score and emission weight ([`EdgeRewards`]); per creator: its share of payments
//! ([`CreatorRewards`]); the epoch's totals ([`EpochRewards`]). The runtime API `RewardsApi`
//! reads them.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
mod features;
pub mod migrations;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use vidchain_primitives::{
	delivery::{ContentId, EpochIndex, MIB},
	traits::{ContentRegistry, DeliveryPayments, DrawnReceipt},
	Balance,
};

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::rewards";

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible, FindAuthor},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{traits::Zero, Perbill};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration: the tokens, the accounts, the split of a payment, the emission schedule.
	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// VID, the native token: block authors are rewarded in it.
		type Currency: fungible::Mutate<Self::AccountId, Balance = Balance>;

		/// FUEL: escrows, pools, payments and emission (an asset of `pallet-assets` through
		/// `fungible::ItemOf` on Vidchain).
		type Fuel: fungible::Mutate<Self::AccountId, Balance = Balance>;

		/// Who created a content (pallet-delivery).
		type Contents: ContentRegistry<Self::AccountId>;

		/// The block's author, from the digest (Aura on Vidchain).
		type FindAuthor: FindAuthor<Self::AccountId>;

		/// The pallet's account: it holds escrows, pools and emission not yet claimed.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// The treasury: protocol fees, rounding remainders, its emission share and unclaimed
		/// emission.
		type Treasury: Get<Self::AccountId>;

		/// The content creator's part of every payment.
		#[pallet::constant]
		type CreatorShare: Get<Perbill>;

		/// The treasury's part of every payment.
		#[pallet::constant]
		type ProtocolFee: Get<Perbill>;

		/// Blocks from `unlock_escrow` (or `unlock_pool`) until the funds can be withdrawn. Must
		/// cover an epoch, its claim window and its proof window, so every receipt a viewer
		/// signed before unlocking can still be paid.
		#[pallet::constant]
		type UnlockPeriod: Get<BlockNumberFor<Self>>;

		/// The lowest price a payment is charged at, in FUEL base units per MiB: a receipt
		/// signed with a lower price pays this, and a pool must offer at least this. It makes
		/// every byte an edge invents cost it the protocol fee on at least this price.
		#[pallet::constant]
		type MinPricePerMib: Get<u128>;

		/// FUEL minted for epoch 0.
		#[pallet::constant]
		type InitialEmission: Get<Balance>;

		/// How much smaller each epoch's emission is than the previous one's.
		#[pallet::constant]
		type EmissionDecay: Get<Perbill>;

		/// Emission never takes FUEL's total issuance over this.
		#[pallet::constant]
		type MaxFuelIssuance: Get<Balance>;

		/// The treasury's part of each epoch's emission.
		#[pallet::constant]
		type TreasuryEmissionShare: Get<Perbill>;

		/// The part of the edges' emission shared by delivery: in proportion to the protocol fee
		/// each edge's verified receipts paid, capped by `DeliveryFeeCap`. The rest of the edges'
		/// emission is shared by availability: bond × score of the edges validators found
		/// serving.
		#[pallet::constant]
		type DeliveryEmissionShare: Get<Perbill>;

		/// The most delivery emission pays an edge, as a part of the protocol fee its verified
		/// receipts paid. Below one, so an edge that pays for its own receipts (its own viewer
		/// keys, its own content, its own pools) gets back less emission than the fee it paid;
		/// what the cap holds back goes to the treasury.
		#[pallet::constant]
		type DeliveryFeeCap: Get<Perbill>;

		/// Epochs after its sealing that an epoch's emission can be claimed; then the rest goes
		/// to the treasury and its records are pruned.
		#[pallet::constant]
		type RewardHorizon: Get<EpochIndex>;

		/// VID minted to each block's author.
		#[pallet::constant]
		type AuthorReward: Get<Balance>;

		/// The current delivery epoch (pallet-delivery's): a pool's new terms apply from the epoch
		/// after it.
		type CurrentEpoch: Get<EpochIndex>;

		/// The most edges a sponsor pool can name.
		#[pallet::constant]
		type MaxPoolEdges: Get<u32>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;

		/// What the benchmarks need from the runtime.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::benchmarking::BenchmarkHelper<Self::AccountId>;
	}

	/// Viewers' escrows.
	#[pallet::storage]
	pub type Escrows<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Escrow<BlockNumberFor<T>>>;

	/// Sponsor pools, by content and sponsor.
	#[pallet::storage]
	pub type Pools<T: Config> =
		StorageDoubleMap<_, Identity, ContentId, Blake2_128Concat, T::AccountId, PoolOf<T>>;

	/// Per epoch, per edge: what its verified claim brought and its emission weight.
	#[pallet::storage]
	pub type EdgeRewards<T: Config> =
		StorageDoubleMap<_, Twox64Concat, EpochIndex, Blake2_128Concat, T::AccountId, EdgePayout>;

	/// Per epoch, per creator: its share of the epoch's payments.
	#[pallet::storage]
	pub type CreatorRewards<T: Config> =
		StorageDoubleMap<_, Twox64Concat, EpochIndex, Blake2_128Concat, T::AccountId, Balance, ValueQuery>;

	/// Per epoch: payments, fees and emission.
	#[pallet::storage]
	pub type EpochRewards<T: Config> = StorageMap<_, Twox64Concat, EpochIndex, EpochTotals>;

	/// The latest epoch delivery has sealed.
	#[pallet::storage]
	pub type LastSealedEpoch<T: Config> = StorageValue<_, EpochIndex, OptionQuery>;

	/// The oldest epoch whose records are still in storage (the sweeping cursor).
	#[pallet::storage]
	pub type SweepCursor<T: Config> = StorageValue<_, EpochIndex, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A viewer added to its escrow (an unlock in progress is cancelled).
		EscrowDeposited { viewer: T::AccountId, amount: Balance, reserve: Balance },
		/// A viewer started the unlock period of its escrow.
		EscrowUnlocking { viewer: T::AccountId, unlock_at: BlockNumberFor<T> },
		/// A viewer withdrew its escrow.
		EscrowWithdrawn { viewer: T::AccountId, amount: Balance },
		/// A sponsor funded (or topped up) its pool of a content; its terms (`price_per_mib`,
		/// the edges) pay receipts from epoch `from` on.
		PoolFunded {
			content: ContentId,
			sponsor: T::AccountId,
			amount: Balance,
			price_per_mib: u128,
			from: EpochIndex,
		},
		/// A sponsor started the unlock period of its pool.
		PoolUnlocking { content: ContentId, sponsor: T::AccountId, unlock_at: BlockNumberFor<T> },
		/// A sponsor withdrew what was left of its pool.
		PoolWithdrawn { content: ContentId, sponsor: T::AccountId, amount: Balance },
		/// An empty pool that was unlocking was removed.
		PoolClosed { content: ContentId, sponsor: T::AccountId },
		/// A drawn receipt of a verified claim was paid: `amount` by `payer` (the viewer's
		/// escrow or the sponsor pool the receipt names), split into the edge's, the creator's
		/// and the treasury's parts; `unpaid` is what the payer could not cover (the edge
		/// bears it).
		Paid {
			edge: T::AccountId,
			epoch: EpochIndex,
			viewer: T::AccountId,
			content: ContentId,
			payer: Payer<T::AccountId>,
			amount: Balance,
			to_edge: Balance,
			to_creator: Balance,
			to_treasury: Balance,
			unpaid: Balance,
		},
		/// An epoch's emission was minted: `to_availability` shared by bond × score among the
		/// `available` edges validators found serving, `to_delivery` by the protocol fee of
		/// verified receipts (at most `DeliveryFeeCap` of it), `to_treasury` to the treasury.
		EmissionMinted {
			epoch: EpochIndex,
			to_availability: Balance,
			to_delivery: Balance,
			to_treasury: Balance,
			available: u32,
		},
		/// An edge claimed its share of an epoch's emission.
		RewardsClaimed { edge: T::AccountId, epoch: EpochIndex, amount: Balance },
		/// An epoch's unclaimed emission went to the treasury at its horizon.
		RewardsSwept { epoch: EpochIndex, amount: Balance },
		/// A block author was rewarded.
		AuthorRewarded { author: T::AccountId, amount: Balance },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Nothing to deposit, fund or withdraw.
		ZeroAmount,
		/// The caller cannot pay that much FUEL.
		InsufficientFuel,
		/// The caller has no escrow.
		NoEscrow,
		/// The escrow (or pool) is not unlocking: call `unlock_*` first.
		NotUnlocking,
		/// The unlock period has not passed yet.
		StillLocked,
		/// The escrow (or pool) is already unlocking.
		AlreadyUnlocking,
		/// The content is not registered or retired.
		UnknownContent,
		/// The pool's terms changed too often for the epochs not yet paid: try again once an
		/// epoch has been sealed.
		TooManyTermChanges,
		/// The caller has no pool of that content.
		NoPool,
		/// A pool's price is below `MinPricePerMib`.
		PriceTooLow,
		/// The epoch is not sealed yet.
		EpochNotSealed,
		/// The epoch's rewards are past their horizon.
		EpochSwept,
		/// The caller has no emission share in that epoch.
		NoRewards,
		/// The caller already claimed its share of that epoch.
		AlreadyClaimed,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_now: BlockNumberFor<T>) -> Weight {
			Self::reward_author()
		}

		fn on_idle(_now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::sweep(remaining)
		}

		fn integrity_test() {
			assert!(
				(T::CreatorShare::get().deconstruct() as u64) + (T::ProtocolFee::get().deconstruct() as u64) <
					Perbill::one().deconstruct() as u64,
				"the edge must keep part of every payment"
			);
			assert!(!T::ProtocolFee::get().is_zero(), "invented viewers must cost their edge a fee");
			assert!(T::MinPricePerMib::get() > 0, "invented bytes must cost their edge a fee");
			assert!(!T::UnlockPeriod::get().is_zero(), "escrows need an unlock period");
			assert!(T::RewardHorizon::get() > 0, "rewards need time to be claimed");
			assert!(T::MaxPoolEdges::get() > 0, "a pool must be able to name an edge");
			assert!(
				T::DeliveryFeeCap::get() < Perbill::one(),
				"delivery emission must pay an edge less than the fee its receipts paid"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Put `amount` FUEL into the caller's escrow, and `reserve` more into its reserve (taken
		/// only when the balance cannot cover a payment). Cancels an unlock in progress. Emits
		/// `EscrowDeposited`.
		#[pallet::call_index(0)]
		pub fn deposit_escrow(origin: OriginFor<T>, amount: Balance, reserve: Balance) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_deposit_escrow(who, amount, reserve)
		}

		/// Start the caller's escrow's unlock period; it keeps paying for receipts until it is
		/// withdrawn. Emits `EscrowUnlocking`.
		#[pallet::call_index(1)]
		pub fn unlock_escrow(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unlock_escrow(who)
		}

		/// Withdraw the caller's whole escrow once its unlock period has passed. Emits
		/// `EscrowWithdrawn`.
		#[pallet::call_index(2)]
		pub fn withdraw_escrow(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_escrow(who)
		}

		/// Fund the caller's own pool of live `content` with `amount` FUEL at `price_per_mib`
		/// (FUEL base units per MiB), paying only `edges` (empty: any edge). It pays the receipts
		/// that name the caller as their payer. A new pool's terms apply at once; a top-up that
		/// changes the price or the edges applies them from the next epoch (receipts already
		/// served keep theirs), and cancels an unlock in progress. Emits `PoolFunded`.
		#[pallet::call_index(3)]
		pub fn fund_pool(
			origin: OriginFor<T>,
			content: ContentId,
			amount: Balance,
			price_per_mib: u128,
			edges: BoundedVec<T::AccountId, T::MaxPoolEdges>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_fund_pool(who, content, amount, price_per_mib, edges)
		}

		/// Start the unlock period of the caller's pool of `content`; it keeps paying until it
		/// is withdrawn. An empty pool is removed at once. Emits `PoolUnlocking` (or
		/// `PoolClosed`).
		#[pallet::call_index(4)]
		pub fn unlock_pool(origin: OriginFor<T>, content: ContentId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unlock_pool(who, content)
		}

		/// Withdraw what is left of the caller's pool of `content` once its unlock period has
		/// passed, and close the pool. Emits `PoolWithdrawn`.
		#[pallet::call_index(5)]
		pub fn withdraw_pool(origin: OriginFor<T>, content: ContentId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_pool(who, content)
		}

		/// Pay the caller its share of `epoch`'s emission — availability (a validator found it
		/// serving in the epoch) and delivery (its verified receipts paid a protocol fee): the
		/// epoch must be sealed and within its horizon. Emits `RewardsClaimed`.
		#[pallet::call_index(6)]
		pub fn claim_rewards(origin: OriginFor<T>, epoch: EpochIndex) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim_rewards(who, epoch)
		}
	}
}

impl<T: Config> DeliveryPayments<T::AccountId> for Pallet<T> {
	fn on_claim_verified(
		edge: &T::AccountId,
		epoch: EpochIndex,
		total_bytes: u64,
		samples: u32,
		drawn: &[DrawnReceipt<T::AccountId>],
	) {
		Self::pay_claim(edge, epoch, total_bytes, samples, drawn)
	}

	fn on_claim_verified_weight(drawn: u32) -> frame_support::weights::Weight {
		T::WeightInfo::pay_claim(drawn)
	}

	fn on_claim_sealed(edge: &T::AccountId, epoch: EpochIndex, verified: bool, bond: u128, score: u32) {
		Self::seal_claim(edge, epoch, verified, bond, score)
	}

	fn on_claim_sealed_weight() -> frame_support::weights::Weight {
		T::WeightInfo::seal_claim()
	}

	fn on_sampled(edge: &T::AccountId, epoch: EpochIndex, served: bool, suspended: bool, bond: u128, score: u32) {
		Self::record_sample(edge, epoch, served, suspended, bond, score)
	}

	fn on_sampled_weight() -> frame_support::weights::Weight {
		T::WeightInfo::record_sample()
	}

	fn on_epoch_sealed(epoch: EpochIndex) {
		Self::seal_epoch(epoch)
	}

	fn on_epoch_sealed_weight() -> frame_support::weights::Weight {
		T::WeightInfo::seal_epoch()
	}
}
