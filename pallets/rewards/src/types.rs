//! Sponsor pools; the records shared with the runtime API (escrows, payouts, reports) live in
//! [`vidchain_primitives::rewards`].

use crate::{Balance, Config};
pub use vidchain_primitives::rewards::{
	EdgePayout, EdgeReport, EmissionSchedule, EpochReport, EpochTotals, Escrow, Payer, PendingRewards,
};
use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;

/// A sponsor pool: FUEL that pays for the receipts of one content instead of its viewers.
#[derive(CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, TypeInfo, MaxEncodedLen, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Pool<T: Config> {
	/// Who funded it, tops it up and withdraws what is left.
	pub sponsor: T::AccountId,
	/// What is left to pay.
	pub balance: Balance,
	/// The price it pays, in FUEL base units per MiB.
	pub price_per_mib: u128,
	/// The edges it pays (empty: any edge).
	pub edges: BoundedVec<T::AccountId, T::MaxPoolEdges>,
	/// When it can be withdrawn, once it is unlocking.
	pub unlock_at: Option<BlockNumberFor<T>>,
}

/// A [`Pool`] of a runtime.
pub type PoolOf<T> = Pool<T>;

impl<T: Config> Pool<T> {
	/// Whether the pool pays for receipts `edge` served.
	pub fn pays(&self, edge: &T::AccountId) -> bool {
		vidchain_primitives::rewards::pool_pays(&self.edges, edge)
	}
}
