//! Domain types of pallet-licenses.

use crate::{Balance, ClipId};
use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;

/// The `pallet-nfts` collection configuration a clip's collection is created with.
pub type CollectionConfigFor<T> = pallet_nfts::CollectionConfig<Balance, BlockNumberFor<T>, ClipId>;

/// How a clip's sale stands (its terms are in its collection's Pallet-namespace attributes).
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen, Debug)]
pub struct ClipInfo<AccountId> {
	/// The content's creator: it receives sales and royalties, and alone manages the sale.
	pub creator: AccountId,
	/// The content the clip is cut from.
	pub content: crate::ContentId,
	/// The price of the next edition, in FUEL base units.
	pub price: Balance,
	/// Editions minted so far; the next edition is `sold + 1`.
	pub sold: u32,
	/// Whether sales are paused.
	pub paused: bool,
	/// Whether the clip is retired (for good).
	pub retired: bool,
}

/// A license offered for resale.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen, Debug)]
pub struct Listing<AccountId> {
	/// The holder who listed it.
	pub seller: AccountId,
	/// Its price, in FUEL base units.
	pub price: Balance,
}

/// Keys of the Pallet-namespace attributes this pallet writes (values are SCALE-encoded).
pub mod keys {
	/// On a clip's collection: its [`crate::ClipTerms`].
	pub const TERMS: &[u8] = b"vidchain:terms";
	/// On a license: its [`crate::Edition`] number.
	pub const EDITION: &[u8] = b"vidchain:edition";
	/// On a license: its [`crate::LicenseKind`].
	pub const KIND: &[u8] = b"vidchain:kind";
	/// On a license: the first block it is no longer valid in, `Option<BlockNumber>` (`None`:
	/// perpetual).
	pub const EXPIRES_AT: &[u8] = b"vidchain:expires-at";
}
