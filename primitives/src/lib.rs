//! # Vidchain primitives
//!
//! The one place for types that the runtime, the node, the edge server and the tests share. It is
//! `no_std` and depends on nothing above it (primitives ← pallets ← runtime ← node).
//!
//! - chain-wide basic types and the token constants (this file);
//! - [`delivery`]: content ids, epochs, signed delivery receipts and sample reports (bound to a
//!   chain by its genesis hash), proof leaves, sample outcomes, chunk-range arithmetic;
//! - [`sum_tree`]: the Merkle sum tree an edge commits its receipts to;
//! - [`manifest`]: content manifests (Merkle root over chunk hashes, `binary-merkle-tree`);
//! - [`sampling`]: the byte-weighted draw of a claim and the check that a proof covers it;
//! - [`rewards`]: escrows, payouts, epoch reports, the emission schedule and `RewardsApi`;
//! - [`licenses`]: clips, their terms, licenses, vouchers and `LicensesApi`;
//! - [`ocw_crypto`]: the validators' off-chain-worker key (`vocw`, sr25519);
//! - [`traits`]: the seams between pallets.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod delivery;
pub mod licenses;
pub mod manifest;
pub mod rewards;
pub mod sampling;
pub mod sum_tree;
pub mod traits;

/// The key validators' off-chain workers sign sample reports with: sr25519 under key type
/// `vocw`. A validator uses the same keypair as its Aura key (the runtime accepts a report only
/// from a key that is a current Aura authority).
pub mod ocw_crypto {
	use sp_application_crypto::{app_crypto, sr25519};
	pub use sp_core::crypto::KeyTypeId;

	/// The key type of the off-chain-worker key.
	pub const KEY_TYPE: KeyTypeId = KeyTypeId(*b"vocw");

	app_crypto!(sr25519, KEY_TYPE);
}

/// Serde for byte strings that hold UTF-8 text (endpoints, regions, titles): a JSON string
/// (invalid UTF-8 shown with U+FFFD) rather than an array of numbers.
#[cfg(feature = "std")]
pub mod utf8_text {
	use serde::{Deserialize, Deserializer, Serializer};

	/// Write `bytes` as a string.
	pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&String::from_utf8_lossy(bytes))
	}

	/// Read a string as its UTF-8 bytes.
	pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
		Ok(String::deserialize(d)?.into_bytes())
	}
}

use sp_runtime::{
	generic,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiSignature,
};

/// Block number: one block every [`MILLISECS_PER_BLOCK`] ms.
pub type BlockNumber = u32;
/// The signature scheme accounts use: sr25519, ed25519 or ecdsa (what polkadot.js expects).
pub type Signature = MultiSignature;
/// An account on chain: the public key behind a [`Signature`].
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// An amount of VID (or FUEL), in the smallest unit ([`VID`] of them make one token).
pub type Balance = u128;
/// A transaction counter of an account.
pub type Nonce = u32;
/// A block or state hash (blake2-256).
pub type Hash = sp_core::H256;
/// The block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// A block with opaque extrinsics: what the node handles without knowing the runtime's calls.
pub type OpaqueBlock = generic::Block<Header, sp_runtime::OpaqueExtrinsic>;

/// Target block time: 6 seconds.
pub const MILLISECS_PER_BLOCK: u64 = 6000;
/// Aura slot duration; one block per slot.
pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;
/// Blocks per minute.
pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
/// Blocks per hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks per day.
pub const DAYS: BlockNumber = HOURS * 24;

/// The native token's symbol, as `system_properties` reports it.
pub const TOKEN_SYMBOL: &str = "VID";
/// Decimal places of VID.
pub const TOKEN_DECIMALS: u8 = 12;
/// SS58 address prefix (42: the generic Substrate prefix, so every wallet reads the addresses).
pub const SS58_PREFIX: u16 = 42;

/// FUEL's asset id in `pallet-assets`, reserved at genesis.
pub const FUEL_ASSET_ID: u32 = 1;
/// FUEL's symbol.
pub const FUEL_SYMBOL: &str = "FUEL";
/// Decimal places of FUEL.
pub const FUEL_DECIMALS: u8 = 12;
/// One FUEL in base units.
pub const FUEL: Balance = 10u128.pow(FUEL_DECIMALS as u32);

/// One VID in base units.
pub const VID: Balance = 10u128.pow(TOKEN_DECIMALS as u32);
/// A thousandth of a VID.
pub const MILLI_VID: Balance = VID / 1_000;
/// A millionth of a VID.
pub const MICRO_VID: Balance = VID / 1_000_000;

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn token_units_are_consistent() {
		assert_eq!(VID, 1_000_000_000_000);
		assert_eq!(MILLI_VID * 1_000, VID);
		assert_eq!(MICRO_VID * 1_000_000, VID);
		assert_eq!(DAYS, 14_400);
	}
}
