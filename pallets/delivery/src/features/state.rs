//! The pallet's invariants, checked by `try_state` (and after every block of the unit tests).

use crate::*;
use frame_support::{ensure, traits::fungible::InspectHold};
use sp_runtime::{traits::Zero, TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// Check every invariant of the pallet's storage:
	/// - each edge's `pending_claims` equals its pending claims in [`Claims`];
	/// - each edge's bond equals what is held from it as [`HoldReason::EdgeBond`];
	/// - each creator's [`HoldReason::ContentDeposit`] hold equals the deposits of its live
	///   contents;
	/// - scores are at most [`MAX_SCORE`];
	/// - the sealing cursor is the epoch after the last sealed one.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut pending: alloc::collections::BTreeMap<T::AccountId, u32> = Default::default();
		for (_, who, claim) in Claims::<T>::iter() {
			if claim.status == ClaimStatus::Pending {
				*pending.entry(who).or_default() += 1;
			}
		}
		for (who, edge) in Edges::<T>::iter() {
			ensure!(
				edge.pending_claims == pending.remove(&who).unwrap_or(0),
				"an edge's pending_claims differs from its pending claims"
			);
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::EdgeBond.into(), &who) == edge.bond,
				"an edge's bond differs from its EdgeBond hold"
			);
			ensure!(edge.score <= MAX_SCORE, "a score above MAX_SCORE");
		}
		ensure!(pending.is_empty(), "a pending claim of an account that runs no edge");

		let mut deposits: alloc::collections::BTreeMap<T::AccountId, BalanceOf<T>> = Default::default();
		for (_, content) in Contents::<T>::iter() {
			let entry = deposits.entry(content.creator.clone()).or_insert_with(Zero::zero);
			if content.retired_at.is_none() {
				*entry += content.deposit;
			}
		}
		for (creator, total) in deposits {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::ContentDeposit.into(), &creator) == total,
				"a creator's ContentDeposit hold differs from its live contents' deposits"
			);
		}

		let cursor = Sealing::<T>::get();
		ensure!(
			cursor.epoch == LastSealedEpoch::<T>::get().map_or(0, |e| e.saturating_add(1)),
			"the sealing cursor is not the epoch after the last sealed one"
		);
		Ok(())
	}
}
