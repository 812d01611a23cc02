//! # pallet-licenses: limited-edition clip licenses on pallet-nfts, paid in FUEL
//!
//! A creator cuts a **clip** from one of its live contents and sells a limited number of
//! **license** editions of it; a license gives its holder access to the content while it lasts
//! (an exclusive content is served only to its creator and to holders of an unexpired license).
//!
//! ## On pallet-nfts
//! Each clip is a `pallet-nfts` collection ([`ClipId`] is its collection id) owned and managed by
//! this pallet's account — no creator or holder has a role in it — with `max_supply` =
//! `max_editions` (locked). Each license is an item ([`Edition`] is its item id, from 1). The
//! clip's [`ClipTerms`] and each license's edition, kind and expiry are written as attributes in
//! the **Pallet namespace**, which only this pallet can set: no holder or creator can change them.
//! Every license item carries pallet-nfts' `TransferDisabled` attribute, so pallet-nfts' own
//! transfers, approvals, swaps and `buy_item` fail on it; the runtime's call filter also refuses
//! `nfts.set_price` and the other item-moving calls for clip collections. A license changes hands
//! only through [`Pallet::buy_listed`], which pays the royalty.
//!
//! ## Selling
//! - [`Pallet::create_clip`]: only the creator of a live content. The creator pays
//!   `pallet-nfts`' collection deposit (VID) into the pallet's account, which reserves it.
//! - [`Pallet::buy_license`]: the buyer pays the clip's price in FUEL — `ProtocolFee` to the
//!   treasury, the rest to the creator — and `pallet-nfts`' item deposit in VID, and receives the
//!   next edition. Nobody ever mints past `max_editions`.
//! - [`Pallet::redeem_voucher`]: a gasless drop. The creator signs a [`Voucher`] off chain (bound
//!   to this chain by its genesis hash, one use per `(clip, nonce)`, a deadline, optionally one
//!   account); a fan submits it and receives the next edition for the item deposit only.
//! - Secondary market: [`Pallet::list_license`], [`Pallet::unlist_license`],
//!   [`Pallet::buy_listed`]: the clip's royalty goes to the creator, the rest to the seller.
//! - Creator controls: [`Pallet::set_clip_price`], [`Pallet::pause_sales`],
//!   [`Pallet::resume_sales`], [`Pallet::retire_clip`] (for good).
//!
//! Prices a buyer pays are bounded by the `max_price` it signs, so a creator or seller cannot
//! raise a price under a pending purchase.
//!
//! ## Access
//! [`Pallet::has_access`] (runtime API `LicensesApi`): the creator; anyone for content that is
//! not exclusive; otherwise the holder of an unexpired license of any clip of the content.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

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
	delivery::ContentId,
	licenses::{
		ClipId, ClipTerms, ClipView, Edition, LicenseDuration, LicenseKind, LicenseView, Voucher,
	},
	traits::ContentRegistry,
	Balance,
};

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible, tokens::nonfungibles_v2},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{IdentifyAccount, Verify},
		Perbill, Permill,
	};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration: the tokens, the NFT pallet underneath, the accounts, the limits.
	#[pallet::config]
	pub trait Config:
		frame_system::Config<Hash = sp_core::H256, RuntimeEvent: From<Event<Self>>>
	{
		/// VID, the native token: pays `pallet-nfts`' deposits for clips and licenses.
		type Currency: fungible::Mutate<Self::AccountId, Balance = Balance>;

		/// FUEL: what licenses cost (an asset of `pallet-assets` through `fungible::ItemOf` on
		/// Vidchain).
		type Fuel: fungible::Mutate<Self::AccountId, Balance = Balance>;

		/// Contents, their creators and whether they are exclusive (pallet-delivery).
		type Contents: ContentRegistry<Self::AccountId>;

		/// `pallet-nfts`: clips are its collections, licenses its items.
		type Nfts: nonfungibles_v2::Inspect<Self::AccountId, CollectionId = ClipId, ItemId = Edition>
			+ nonfungibles_v2::InspectEnumerable<Self::AccountId>
			+ nonfungibles_v2::Create<Self::AccountId, CollectionConfigFor<Self>>
			+ nonfungibles_v2::Mutate<Self::AccountId, pallet_nfts::ItemConfig>
			+ nonfungibles_v2::Transfer<Self::AccountId>;

		/// What `pallet-nfts` reserves for a collection (its `CollectionDeposit`): the creator
		/// pays it into the pallet's account when it creates a clip.
		#[pallet::constant]
		type CollectionDeposit: Get<Balance>;

		/// What `pallet-nfts` reserves for an item (its `ItemDeposit`): the buyer of a license
		/// pays it into the pallet's account.
		#[pallet::constant]
		type ItemDeposit: Get<Balance>;

		/// The pallet's account: owner and only manager of every clip's collection.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// The treasury: the protocol fee on every license sold by a creator.
		type Treasury: Get<Self::AccountId>;

		/// The treasury's part of the price of every license sold by a creator.
		#[pallet::constant]
		type ProtocolFee: Get<Perbill>;

		/// The signature creators sign vouchers with (`MultiSignature` on Vidchain).
		type Signature: Verify<Signer = Self::Signer> + Parameter + MaxEncodedLen + DecodeWithMemTracking;

		/// The public key behind a [`Config::Signature`]; it identifies an account.
		type Signer: IdentifyAccount<AccountId = Self::AccountId>;

		/// The most editions a clip can have.
		#[pallet::constant]
		type MaxEditions: Get<u32>;

		/// The most clips one content can have.
		#[pallet::constant]
		type MaxClipsPerContent: Get<u32>;

		/// The longest clip metadata (a URI or CID), in bytes.
		#[pallet::constant]
		type MaxMetadataLen: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// What the benchmarks need from the runtime.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::benchmarking::BenchmarkHelper<Self::AccountId, Self::Signature>;
	}

	/// Every clip's sale: who created it, its price, how many editions were minted.
	#[pallet::storage]
	pub type Clips<T: Config> = StorageMap<_, Twox64Concat, ClipId, ClipInfo<T::AccountId>>;

	/// The clips cut from each content.
	#[pallet::storage]
	pub type ClipsOf<T: Config> =
		StorageMap<_, Identity, ContentId, BoundedVec<ClipId, T::MaxClipsPerContent>, ValueQuery>;

	/// Licenses offered for resale, by clip and edition.
	#[pallet::storage]
	pub type Listings<T: Config> =
		StorageDoubleMap<_, Twox64Concat, ClipId, Twox64Concat, Edition, Listing<T::AccountId>>;

	/// Redeemed vouchers, by clip and nonce (at most `max_editions` per clip).
	#[pallet::storage]
	pub type UsedVouchers<T: Config> = StorageDoubleMap<_, Twox64Concat, ClipId, Twox64Concat, u32, ()>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A creator cut a clip from its content.
		ClipCreated { clip: ClipId, content: ContentId, creator: T::AccountId, price: Balance },
		/// A license was minted: sold at `price` (FUEL), `fee` of it to the treasury, or
		/// redeemed from a voucher (`price` 0).
		LicenseMinted {
			clip: ClipId,
			edition: Edition,
			buyer: T::AccountId,
			price: Balance,
			fee: Balance,
			expires_at: Option<BlockNumberFor<T>>,
		},
		/// A voucher was redeemed (the `LicenseMinted` of its edition follows).
		VoucherRedeemed { clip: ClipId, nonce: u32, by: T::AccountId },
		/// A holder offered its license for resale.
		LicenseListed { clip: ClipId, edition: Edition, seller: T::AccountId, price: Balance },
		/// A holder withdrew its offer.
		LicenseUnlisted { clip: ClipId, edition: Edition },
		/// A listed license was resold: `royalty` to the creator, the rest to the seller.
		LicenseResold {
			clip: ClipId,
			edition: Edition,
			seller: T::AccountId,
			buyer: T::AccountId,
			price: Balance,
			royalty: Balance,
		},
		/// The creator changed a clip's price.
		ClipPriceSet { clip: ClipId, price: Balance },
		/// The creator paused a clip's sales.
		SalesPaused { clip: ClipId },
		/// The creator resumed a clip's sales.
		SalesResumed { clip: ClipId },
		/// The creator retired a clip: no edition will be sold again.
		ClipRetired { clip: ClipId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The content is not registered or retired.
		ContentNotLive,
		/// Only the content's (or clip's) creator may do this.
		NotCreator,
		/// The clip must end after it starts.
		EmptyClip,
		/// `max_editions` must be between 1 and `MaxEditions`.
		BadEditions,
		/// A limited license must last at least one block.
		ZeroDuration,
		/// The content has `MaxClipsPerContent` clips already.
		TooManyClips,
		/// There is no such clip.
		UnknownClip,
		/// Every edition of the clip has been minted.
		SoldOut,
		/// The creator paused the clip's sales.
		SalesPaused,
		/// The clip's sales are not paused.
		SalesNotPaused,
		/// The clip is retired.
		ClipRetired,
		/// The price is over the buyer's `max_price`.
		PriceTooHigh,
		/// The buyer cannot pay that much FUEL.
		InsufficientFuel,
		/// The caller cannot pay the VID deposit `pallet-nfts` takes.
		InsufficientDeposit,
		/// There is no such license.
		UnknownLicense,
		/// Only the license's holder may do this.
		NotHolder,
		/// The license has expired.
		LicenseExpired,
		/// The license is not listed.
		NotListed,
		/// A seller cannot buy its own listing.
		OwnListing,
		/// A creator needs no license of its own clip.
		CreatorNeedsNoLicense,
		/// The voucher's signature is not the clip creator's over this chain's voucher.
		BadVoucherSignature,
		/// The voucher's deadline has passed.
		VoucherExpired,
		/// The voucher has been redeemed already.
		VoucherUsed,
		/// The voucher is for another account.
		NotVoucherAccount,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxEditions::get() > 0, "a clip must be able to have an edition");
			assert!(T::MaxClipsPerContent::get() > 0, "a content must be able to have a clip");
			assert!(T::ProtocolFee::get() < Perbill::one(), "a creator must keep part of a sale");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Cut a clip from `content` (the caller must be its creator, and it must be live) and
		/// offer `max_editions` licenses of it at `price` FUEL each, with the creator earning
		/// `royalty` of every resale. `kind` and `duration` are what each license allows and for
		/// how long from its minting; `metadata` (a URI or CID) describes the clip. The terms are
		/// fixed for good. The caller pays `CollectionDeposit` VID. Emits `ClipCreated`.
		#[pallet::call_index(0)]
		pub fn create_clip(
			origin: OriginFor<T>,
			content: ContentId,
			start_ms: u32,
			end_ms: u32,
			max_editions: u32,
			price: Balance,
			royalty: Permill,
			kind: LicenseKind,
			duration: LicenseDuration<BlockNumberFor<T>>,
			metadata: BoundedVec<u8, T::MaxMetadataLen>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let terms = ClipTerms { content, start_ms, end_ms, max_editions, kind, duration, royalty };
			Self::do_create_clip(who, terms, price, metadata).map(|_| ())
		}

		/// Buy the next edition of `clip` at its price, if that is at most `max_price` FUEL:
		/// `ProtocolFee` of it goes to the treasury, the rest to the creator; the caller also
		/// pays `ItemDeposit` VID. Emits `LicenseMinted`.
		#[pallet::call_index(1)]
		pub fn buy_license(origin: OriginFor<T>, clip: ClipId, max_price: Balance) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_buy_license(who, clip, max_price).map(|_| ())
		}

		/// Offer the caller's unexpired license `(clip, edition)` for resale at `price` FUEL
		/// (listing again changes the price). Emits `LicenseListed`.
		#[pallet::call_index(2)]
		pub fn list_license(
			origin: OriginFor<T>,
			clip: ClipId,
			edition: Edition,
			price: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_list_license(who, clip, edition, price)
		}

		/// Withdraw the caller's offer of `(clip, edition)`. Emits `LicenseUnlisted`.
		#[pallet::call_index(3)]
		pub fn unlist_license(origin: OriginFor<T>, clip: ClipId, edition: Edition) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unlist_license(who, clip, edition)
		}

		/// Buy the listed license `(clip, edition)` if its price is at most `max_price` FUEL:
		/// the clip's royalty goes to its creator, the rest to the seller, and the license to
		/// the caller. Emits `LicenseResold`.
		#[pallet::call_index(4)]
		pub fn buy_listed(
			origin: OriginFor<T>,
			clip: ClipId,
			edition: Edition,
			max_price: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_buy_listed(who, clip, edition, max_price)
		}

		/// Set the price of `clip`'s next editions (its creator only). Emits `ClipPriceSet`.
		#[pallet::call_index(5)]
		pub fn set_clip_price(origin: OriginFor<T>, clip: ClipId, price: Balance) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_clip_price(who, clip, price)
		}

		/// Stop selling `clip` (and redeeming its vouchers) until resumed (its creator only).
		/// Emits `SalesPaused`.
		#[pallet::call_index(6)]
		pub fn pause_sales(origin: OriginFor<T>, clip: ClipId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_paused(who, clip, true)
		}

		/// Sell `clip` again after a pause (its creator only). Emits `SalesResumed`.
		#[pallet::call_index(7)]
		pub fn resume_sales(origin: OriginFor<T>, clip: ClipId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_paused(who, clip, false)
		}

		/// Stop selling `clip` for good (its creator only); licenses already minted stay valid
		/// and can still be resold. Emits `ClipRetired`.
		#[pallet::call_index(8)]
		pub fn retire_clip(origin: OriginFor<T>, clip: ClipId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_retire_clip(who, clip)
		}

		/// Redeem a creator's `voucher` for the next edition of its clip, free of FUEL (the
		/// caller pays `ItemDeposit` VID). `signature` is the clip creator's over
		/// [`Voucher::signing_payload`] with this chain's genesis hash. Emits `VoucherRedeemed`
		/// and `LicenseMinted`.
		#[pallet::call_index(9)]
		pub fn redeem_voucher(
			origin: OriginFor<T>,
			voucher: Voucher<T::AccountId, BlockNumberFor<T>>,
			signature: T::Signature,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_redeem_voucher(who, voucher, signature).map(|_| ())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The hash of block 0: vouchers are bound to it.
		pub fn genesis_hash() -> sp_core::H256 {
			use sp_runtime::traits::Zero;
			frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
		}
	}
}
