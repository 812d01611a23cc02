//! Sponsor pools; the records shared with the runtime API (escrows, payouts, reports) live in
//! [`vidchain_primitives::rewards`].

use crate::{Balance, Config, EpochIndex};
pub use vidchain_primitives::rewards::{
	EdgePayout, EdgeReport, EmissionSchedule, EpochReport, EpochTotals, Escrow, Payer, PendingRewards,
};
use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::{
	pallet_prelude::{BoundedVec, ConstU32},
	CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;

/// The most sets of terms a pool keeps: those in effect for the epochs whose claims can still be
/// paid, and one pending change.
pub const MAX_POOL_TERMS: u32 = 4;

/// The terms a sponsor pool pays by, from an epoch on.
#[derive(CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, TypeInfo, MaxEncodedLen, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct PoolTerms<T: Config> {
	/// The first epoch whose receipts these terms pay (until the next terms' `from`).
	pub from: EpochIndex,
	/// The price, in FUEL base units per MiB.
	pub price_per_mib: u128,
	/// The edges it pays (empty: any edge).
	pub edges: BoundedVec<T::AccountId, T::MaxPoolEdges>,
}

/// A sponsor pool: FUEL one sponsor put up to pay for the receipts of one content that name it
/// as their payer (`Pools` is keyed by content and sponsor, so nobody else's pool can take a
/// content's payments over).
#[derive(CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, TypeInfo, MaxEncodedLen, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Pool<T: Config> {
	/// What is left to pay.
	pub balance: Balance,
	/// Its terms, oldest first (at least one): receipts of epoch `e` are paid by the last terms
	/// whose `from` is at most `e`. A change made in epoch `c` applies from `c + 1`, so receipts
	/// already served keep the price and edges they were served under.
	pub terms: BoundedVec<PoolTerms<T>, ConstU32<MAX_POOL_TERMS>>,
	/// When it can be withdrawn, once it is unlocking.
	pub unlock_at: Option<BlockNumberFor<T>>,
}

/// A [`Pool`] of a runtime.
pub type PoolOf<T> = Pool<T>;

impl<T: Config> Pool<T> {
	/// The terms that pay receipts of `epoch`.
	pub fn terms_at(&self, epoch: EpochIndex) -> Option<&PoolTerms<T>> {
		self.terms.iter().rev().find(|t| t.from <= epoch)
	}

	/// The price the pool pays for receipts `edge` served in `epoch`, if it pays them.
	pub fn pays(&self, edge: &T::AccountId, epoch: EpochIndex) -> Option<u128> {
		self.terms_at(epoch)
			.filter(|t| vidchain_primitives::rewards::pool_pays(&t.edges, edge))
			.map(|t| t.price_per_mib)
	}
}
