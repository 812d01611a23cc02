//! The seams between Vidchain's pallets: each pallet reads another through these traits, never
//! through its storage, so every pallet can be tested alone against a mock.

use crate::delivery::{ContentId, EpochIndex};
use codec::{Decode, Encode};
use scale_info::TypeInfo;
use sp_runtime::Weight;

/// The content registry (implemented by pallet-delivery; read by licenses and rewards).
pub trait ContentRegistry<AccountId> {
	/// The creator of `content`, if it is registered (retired content still has its creator).
	fn creator_of(content: &ContentId) -> Option<AccountId>;
	/// Whether `content` is license-gated; `None` if it is not registered.
	fn is_exclusive(content: &ContentId) -> Option<bool>;
	/// Whether `content` is registered and not retired.
	fn is_live(content: &ContentId) -> bool;
}

/// What delivery has proven (implemented by pallet-delivery; read by rewards).
pub trait DeliveryLedger<AccountId> {
	/// Bytes `edge` proved it delivered in `epoch` (0 unless its claim was verified).
	fn verified_bytes(edge: &AccountId, epoch: EpochIndex) -> u64;
	/// The edge's current quality score, in parts per million (`None` for an unknown edge).
	fn score(edge: &AccountId) -> Option<u32>;
	/// Whether `epoch`'s claims are final: its proof window has closed.
	fn is_epoch_sealed(epoch: EpochIndex) -> bool;
}

/// One drawn receipt of a verified claim, as delivery hands it to the pallet that settles
/// payments: who pays, for which content, at what price, and how many of the claim's drawn byte
/// offsets fell in it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct DrawnReceipt<AccountId> {
	/// The viewer who signed the receipt.
	pub viewer: AccountId,
	/// The content served.
	pub content: ContentId,
	/// The price the viewer signed, in FUEL base units per MiB.
	pub price_per_mib: u128,
	/// Who pays, as the viewer signed it.
	pub payer: crate::delivery::Payer<AccountId>,
	/// How many of the claim's drawn offsets fell in this receipt (at least one).
	pub hits: u32,
}

/// What delivery tells the pallet that pays for it (implemented by pallet-rewards; `()` does
/// nothing, for chains or tests without payments). Delivery charges the `*_weight` functions in
/// the weight of the call or block that calls the hook.
pub trait DeliveryPayments<AccountId> {
	/// `edge`'s claim for `epoch`, of `total_bytes` over `samples` drawn offsets, was verified:
	/// settle the payments of its `drawn` receipts. Never fails: a payer who cannot pay pays
	/// what it has.
	fn on_claim_verified(
		edge: &AccountId,
		epoch: EpochIndex,
		total_bytes: u64,
		samples: u32,
		drawn: &[DrawnReceipt<AccountId>],
	);
	/// The most [`Self::on_claim_verified`] costs for `drawn` receipts.
	fn on_claim_verified_weight(drawn: u32) -> Weight;
	/// At sealing: `edge`'s claim for `epoch` is final, verified or rejected, with the edge's
	/// bond (in VID base units) and its score (parts per million) at that moment. Called once
	/// per claim; a second call for the same claim changes nothing.
	fn on_claim_sealed(edge: &AccountId, epoch: EpochIndex, verified: bool, bond: u128, score: u32);
	/// The most [`Self::on_claim_sealed`] costs.
	fn on_claim_sealed_weight() -> Weight;
	/// A validator's sample of `edge` in `epoch` was applied: whether the edge `served` it,
	/// whether the report `suspended` it, and its bond (VID base units) and score (parts per
	/// million) after the report. Called once per accepted report.
	fn on_sampled(edge: &AccountId, epoch: EpochIndex, served: bool, suspended: bool, bond: u128, score: u32);
	/// The most [`Self::on_sampled`] costs.
	fn on_sampled_weight() -> Weight;
	/// Every claim of `epoch` is final.
	fn on_epoch_sealed(epoch: EpochIndex);
	/// The most [`Self::on_epoch_sealed`] costs.
	fn on_epoch_sealed_weight() -> Weight;
}

impl<AccountId> DeliveryPayments<AccountId> for () {
	fn on_claim_verified(_: &AccountId, _: EpochIndex, _: u64, _: u32, _: &[DrawnReceipt<AccountId>]) {}
	fn on_claim_verified_weight(_: u32) -> Weight {
		Weight::zero()
	}
	fn on_claim_sealed(_: &AccountId, _: EpochIndex, _: bool, _: u128, _: u32) {}
	fn on_claim_sealed_weight() -> Weight {
		Weight::zero()
	}
	fn on_sampled(_: &AccountId, _: EpochIndex, _: bool, _: bool, _: u128, _: u32) {}
	fn on_sampled_weight() -> Weight {
		Weight::zero()
	}
	fn on_epoch_sealed(_: EpochIndex) {}
	fn on_epoch_sealed_weight() -> Weight {
		Weight::zero()
	}
}
