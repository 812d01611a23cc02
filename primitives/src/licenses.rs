//! The clip-license vocabulary (pallet-licenses, its runtime API, the node's RPC and the edge
//! server): clips, their terms, licenses, vouchers, and `LicensesApi`.
//!
//! A **clip** is a creator-defined excerpt of a content, sold as a limited number of **license**
//! editions. Each clip is one `pallet-nfts` collection ([`ClipId`] is its collection id) and each
//! license one of its items ([`Edition`] is its item id, numbered from 1).

use crate::{
	delivery::{signing_payload, ContentId},
	Balance,
};
use codec::{Codec, Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::Permill;

/// A clip: the id of its `pallet-nfts` collection.
pub type ClipId = u32;
/// A license edition: the id of its `pallet-nfts` item within the clip's collection (from 1).
pub type Edition = u32;

/// Prefix of every voucher signature payload (followed by the genesis hash).
pub const VOUCHER_SIGNING_CONTEXT: &[u8] = b"vidchain/voucher/v1";

/// Prefix of every access-token signature payload (followed by the genesis hash).
pub const ACCESS_SIGNING_CONTEXT: &[u8] = b"vidchain/access/v1";

/// The longest an [`AccessToken`] may live: an edge refuses one that expires later than this
/// after its own clock, so a leaked token is worth minutes, not days.
pub const MAX_ACCESS_TOKEN_LIFETIME_MS: u64 = 10 * 60 * 1000;

/// A viewer's short-lived request for an edge's exclusive content, signed by the viewer's key
/// over [`AccessToken::signing_payload`]. It proves who asks; whether they may watch is read
/// from the chain (`LicensesApi::has_access`) by the edge, never taken from the token.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug)]
pub struct AccessToken<AccountId> {
	/// The viewer asking (the license holder).
	pub viewer: AccountId,
	/// The edge asked: a token is good at one edge only.
	pub edge: AccountId,
	/// The content asked for.
	pub content: ContentId,
	/// Unix time in milliseconds after which the token is refused.
	pub expires_at_ms: u64,
}

impl<AccountId: Encode> AccessToken<AccountId> {
	/// The bytes the viewer signs: `ACCESS_SIGNING_CONTEXT ‖ genesis hash ‖ SCALE(token)`.
	pub fn signing_payload(&self, genesis: &H256) -> alloc::vec::Vec<u8> {
		signing_payload(ACCESS_SIGNING_CONTEXT, genesis, self)
	}
}

/// What a license allows.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum LicenseKind {
	/// Watching.
	View,
	/// Watching and making derived works.
	Remix,
	/// Watching, remixing and commercial use.
	Commercial,
}

/// How long a license lasts from the block it is minted in.
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum LicenseDuration<BlockNumber> {
	/// For ever.
	Perpetual,
	/// This many blocks.
	Blocks(BlockNumber),
}

/// A clip's terms, fixed when it is created (stored in its collection's Pallet-namespace
/// attributes, which no account can change).
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct ClipTerms<BlockNumber> {
	/// The content the clip is cut from.
	pub content: ContentId,
	/// Where the clip starts in the content, in milliseconds.
	pub start_ms: u32,
	/// Where it ends (after `start_ms`), in milliseconds.
	pub end_ms: u32,
	/// The most licenses that will ever be minted.
	pub max_editions: u32,
	/// What a license allows.
	pub kind: LicenseKind,
	/// How long a license lasts.
	pub duration: LicenseDuration<BlockNumber>,
	/// The creator's part of every resale.
	pub royalty: Permill,
}

/// A clip as the runtime API shows it: its terms and how its sale stands.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct ClipView<AccountId, BlockNumber> {
	/// The clip's collection id.
	pub clip: ClipId,
	/// Who created it (the content's creator), who receives sales and royalties.
	pub creator: AccountId,
	/// Its terms.
	pub terms: ClipTerms<BlockNumber>,
	/// The price of the next edition, in FUEL base units.
	pub price: Balance,
	/// Editions minted so far (sold or redeemed); never more than `terms.max_editions`.
	pub sold: u32,
	/// Whether the creator paused sales.
	pub paused: bool,
	/// Whether the creator retired it (no edition will be sold again).
	pub retired: bool,
}

/// One license as the runtime API shows it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct LicenseView<BlockNumber> {
	/// The clip it licenses.
	pub clip: ClipId,
	/// Its edition number.
	pub edition: Edition,
	/// The content it gives access to.
	pub content: ContentId,
	/// What it allows.
	pub kind: LicenseKind,
	/// The first block in which it is no longer valid (`None`: perpetual).
	pub expires_at: Option<BlockNumber>,
	/// Whether it is valid now.
	pub active: bool,
	/// Its resale price, if its holder listed it.
	pub listing_price: Option<Balance>,
}

/// A creator's off-chain permission for one fan to mint one edition of a clip for free (a
/// gasless drop: the creator signs, the fan submits).
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug)]
pub struct Voucher<AccountId, BlockNumber> {
	/// The clip to mint an edition of.
	pub clip: ClipId,
	/// Chosen by the creator: each (clip, nonce) can be redeemed once.
	pub nonce: u32,
	/// Only this account may redeem it (`None`: whoever submits it first).
	pub only_account: Option<AccountId>,
	/// The last block in which it can be redeemed.
	pub deadline: BlockNumber,
}

impl<AccountId: Encode, BlockNumber: Encode> Voucher<AccountId, BlockNumber> {
	/// The bytes the creator signs on the chain with genesis hash `genesis`:
	/// `VOUCHER_SIGNING_CONTEXT ‖ genesis ‖ SCALE(voucher)`.
	pub fn signing_payload(&self, genesis: &H256) -> alloc::vec::Vec<u8> {
		signing_payload(VOUCHER_SIGNING_CONTEXT, genesis, self)
	}
}

sp_api::decl_runtime_apis! {
	/// Clip licenses (pallet-licenses): who may watch a content, what an account holds, what a
	/// clip is.
	pub trait LicensesApi<AccountId: Codec, BlockNumber: Codec> {
		/// Whether `who` may watch `content`: its creator may; anyone may if it is not
		/// exclusive; otherwise the holder of an unexpired license of one of its clips.
		/// `false` for content that is not registered.
		fn has_access(who: AccountId, content: ContentId) -> bool;
		/// The licenses `who` holds, expired ones included.
		fn licenses_of(who: AccountId) -> alloc::vec::Vec<LicenseView<BlockNumber>>;
		/// A clip's terms and sale (`None` if there is no such clip).
		fn clip(clip: ClipId) -> Option<ClipView<AccountId, BlockNumber>>;
		/// The clips cut from `content`.
		fn clips_of(content: ContentId) -> alloc::vec::Vec<ClipId>;
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_voucher_is_bound_to_its_chain_and_its_fields() {
		let voucher = Voucher::<u64, u32> { clip: 7, nonce: 1, only_account: Some(5), deadline: 100 };
		let genesis = H256::repeat_byte(1);
		let payload = voucher.signing_payload(&genesis);
		assert!(payload.starts_with(VOUCHER_SIGNING_CONTEXT));
		assert_ne!(payload, voucher.signing_payload(&H256::repeat_byte(2)));
		let other = Voucher { nonce: 2, ..voucher.clone() };
		assert_ne!(payload, other.signing_payload(&genesis));
	}
}
