//! The seams between Vidchain's pallets: each pallet reads another through these traits, never
//! through its storage, so every pallet can be tested alone against a mock.

use crate::delivery::{ContentId, EpochIndex};

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
