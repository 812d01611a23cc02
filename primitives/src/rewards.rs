//! The payments and rewards vocabulary (pallet-rewards, its runtime API, the node's RPC and the
//! edge server): escrows, who paid, per-epoch payouts and reports, the emission schedule.

use crate::{delivery::EpochIndex, Balance};
use codec::{Codec, Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// A viewer's escrow: FUEL that pays edges for the viewer's drawn receipts.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen, Debug, Default)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct Escrow<BlockNumber> {
	/// What pays first.
	pub balance: Balance,
	/// What pays when the balance cannot.
	pub reserve: Balance,
	/// When the escrow can be withdrawn, once it is unlocking.
	pub unlock_at: Option<BlockNumber>,
}

/// The terms a sponsor pool pays by, from an epoch on.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct PoolTermsView<AccountId> {
	/// The first epoch whose receipts these terms pay (until the next terms' `from`).
	pub from: EpochIndex,
	/// The price, in FUEL base units per MiB.
	pub price_per_mib: u128,
	/// The edges it pays (empty: any edge); receipts of another edge that name it go unpaid.
	pub edges: alloc::vec::Vec<AccountId>,
}

/// A sponsor's pool for a content as `RewardsApi::pool` shows it: FUEL that pays edges for the
/// content's receipts that name this sponsor.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct PoolView<AccountId, BlockNumber> {
	/// Who funded it (it is the sponsor's own: nobody else tops it up, changes or ends it).
	pub sponsor: AccountId,
	/// What is left to pay.
	pub balance: Balance,
	/// Its terms, oldest first: each applies from its `from` epoch until the next one's; a change
	/// applies from the epoch after it was made.
	pub terms: alloc::vec::Vec<PoolTermsView<AccountId>>,
	/// When it can be withdrawn, once it is unlocking.
	pub unlock_at: Option<BlockNumber>,
}

/// Whether a sponsor pool that names `edges` pays for receipts `edge` served: any edge if it
/// names none, else those it names. The one rule pallet-rewards pays by and edges price by.
pub fn pool_pays<AccountId: PartialEq>(edges: &[AccountId], edge: &AccountId) -> bool {
	edges.is_empty() || edges.contains(edge)
}

impl<AccountId: PartialEq, BlockNumber> PoolView<AccountId, BlockNumber> {
	/// The terms that pay receipts of `epoch` (`None` before the pool's first terms).
	pub fn terms_at(&self, epoch: EpochIndex) -> Option<&PoolTermsView<AccountId>> {
		self.terms.iter().rev().find(|t| t.from <= epoch)
	}

	/// The price the pool pays for receipts `edge` served in `epoch`, if it pays them.
	pub fn pays(&self, edge: &AccountId, epoch: EpochIndex) -> Option<u128> {
		self.terms_at(epoch).filter(|t| pool_pays(&t.edges, edge)).map(|t| t.price_per_mib)
	}
}

/// Who pays for a receipt (the receipt's own field, signed by its viewer).
pub use crate::delivery::Payer;

/// What one edge earned in one epoch: its verified claim's payments, and its two weights in the
/// epoch's emission (availability, delivery).
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen, Debug, Default)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct EdgePayout {
	/// The bytes of the edge's verified claim.
	pub verified_bytes: u64,
	/// FUEL the edge received from payments for its drawn receipts.
	pub paid: Balance,
	/// FUEL its payers could not cover (the edge bore it).
	pub unpaid: Balance,
	/// The protocol fee its verified receipts paid the treasury: its weight in the epoch's
	/// delivery emission, which pays it at most `DeliveryFeeCap` of this.
	pub fee: Balance,
	/// The edge's bond (VID) at its latest sample of the epoch (or when its claim was sealed).
	pub bond: Balance,
	/// The edge's score (parts per million) at its latest sample of the epoch (or when its
	/// claim was sealed).
	pub score: u32,
	/// Its weight in the epoch's availability emission: bond × score after its latest sample,
	/// if a validator found it serving in the epoch and it was not suspended; else 0.
	pub weight: u128,
	/// Whether its claim has been sealed.
	pub sealed: bool,
	/// Whether it has claimed its emission share.
	pub claimed: bool,
}

/// One epoch's totals.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen, Debug, Default)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct EpochTotals {
	/// FUEL paid for the epoch's drawn receipts (all parts).
	pub paid: Balance,
	/// The treasury's part of those payments (fees and remainders).
	pub fees: Balance,
	/// The sum of the edges' delivery weights (the protocol fee on their verified receipts).
	pub delivery_fees: Balance,
	/// The sum of the edges' availability weights.
	pub weight: u128,
	/// How many edges have an availability weight.
	pub available: u32,
	/// Whether the epoch is sealed and its emission minted.
	pub sealed: bool,
	/// The availability emission, shared by availability weight (minted at sealing).
	pub to_availability: Balance,
	/// The delivery emission, shared by delivery weight: at most `DeliveryFeeCap` of
	/// `delivery_fees` (minted at sealing).
	pub to_delivery: Balance,
	/// The treasury's part of the emission, with what neither share paid out.
	pub to_treasury: Balance,
	/// What edges have claimed of `to_availability + to_delivery`.
	pub claimed: Balance,
	/// Whether the unclaimed rest went to the treasury (the epoch is past its horizon).
	pub swept: bool,
}

impl EpochTotals {
	/// The emission the edges share: availability and delivery.
	pub fn to_edges(&self) -> Balance {
		self.to_availability.saturating_add(self.to_delivery)
	}
}

/// One edge's line in an epoch's payout report.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct EdgeReport<AccountId> {
	/// The edge.
	pub edge: AccountId,
	/// What its claim brought.
	pub payout: EdgePayout,
	/// Its share of the epoch's emission (claimed or not).
	pub emission: Balance,
}

/// An epoch's payout report, for anyone to read.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct EpochReport<AccountId> {
	/// The epoch.
	pub epoch: EpochIndex,
	/// Its totals.
	pub totals: EpochTotals,
	/// Every edge with a claim in it.
	pub edges: alloc::vec::Vec<EdgeReport<AccountId>>,
	/// Every creator paid in it, with its share.
	pub creators: alloc::vec::Vec<(AccountId, Balance)>,
}

/// An account's rewards not yet paid out, per token.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug, Default)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct PendingRewards {
	/// FUEL emission it can claim (`claim_rewards`), in all.
	pub fuel: Balance,
	/// VID (block authors are paid as they author: always 0, kept for symmetry).
	pub vid: Balance,
	/// The FUEL per epoch still within its horizon.
	pub epochs: alloc::vec::Vec<(EpochIndex, Balance)>,
}

/// The economy's parameters and where emission stands.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct EmissionSchedule {
	/// FUEL minted for epoch 0.
	pub initial_emission: Balance,
	/// How much smaller each epoch's emission is than the previous one's.
	pub decay: Perbill,
	/// FUEL's total issuance never goes over this by emission.
	pub max_fuel_issuance: Balance,
	/// FUEL's total issuance now.
	pub fuel_issuance: Balance,
	/// The treasury's part of each epoch's emission.
	pub treasury_share: Perbill,
	/// The creator's part of every payment.
	pub creator_share: Perbill,
	/// The treasury's part of every payment.
	pub protocol_fee: Perbill,
	/// The lowest price a payment is charged at, FUEL base units per MiB.
	pub min_price_per_mib: u128,
	/// The part of the edges' emission shared by delivery (the protocol fee their verified
	/// receipts paid); the rest is shared by availability (bond × score).
	pub delivery_share: Perbill,
	/// The most delivery emission pays an edge, as a part of the protocol fee its receipts
	/// paid (below one: self-dealing costs more than it brings).
	pub delivery_fee_cap: Perbill,
	/// Epochs an epoch's emission can be claimed after its sealing.
	pub reward_horizon: EpochIndex,
	/// VID minted to each block's author.
	pub author_reward: Balance,
	/// The latest sealed epoch, if any.
	pub last_sealed_epoch: Option<EpochIndex>,
	/// What the schedule mints for the next epoch to seal (before the cap).
	pub next_emission: Balance,
}

sp_api::decl_runtime_apis! {
	/// Payments and rewards (pallet-rewards): what an account can claim, what an epoch paid,
	/// the emission schedule, a viewer's escrow.
	pub trait RewardsApi<AccountId: Codec, BlockNumber: Codec> {
		/// `who`'s rewards not yet paid out, per token, and the FUEL per epoch.
		fn pending_rewards(who: AccountId) -> PendingRewards;
		/// `epoch`'s payout report: per edge its verified bytes, payments, score and emission
		/// share; per creator its share (`None` if nothing happened in it, or once pruned).
		fn epoch_report(epoch: EpochIndex) -> Option<EpochReport<AccountId>>;
		/// The emission schedule and the payment split.
		fn schedule() -> EmissionSchedule;
		/// `viewer`'s escrow, which an edge reads before it takes the viewer's receipts.
		fn escrow(viewer: AccountId) -> Option<Escrow<BlockNumber>>;
		/// `sponsor`'s pool for `content`, which an edge reads before it takes receipts that
		/// name it (`None` if there is none).
		fn pool(content: crate::delivery::ContentId, sponsor: AccountId) -> Option<PoolView<AccountId, BlockNumber>>;
	}
}
