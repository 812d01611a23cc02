//! Edges: register, update, unbond, withdraw, and slashing.

use crate::*;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{BalancedHold, InspectHold, MutateHold},
		tokens::Precision,
		OnUnbalanced,
	},
};
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// Register an edge for `who`, holding `bond`.
	pub(crate) fn do_register_edge(
		who: T::AccountId,
		endpoint: alloc::vec::Vec<u8>,
		region: alloc::vec::Vec<u8>,
		bond: BalanceOf<T>,
	) -> DispatchResult {
		let (endpoint, region) = Self::check_endpoint(endpoint, region)?;
		ensure!(!Edges::<T>::contains_key(&who), Error::<T>::EdgeExists);
		ensure!(bond >= T::MinEdgeBond::get(), Error::<T>::BondTooLow);
		T::Currency::hold(&HoldReason::EdgeBond.into(), &who, bond)
			.map_err(|_| Error::<T>::InsufficientBalance)?;

		Edges::<T>::insert(
			&who,
			EdgeInfo {
				endpoint,
				region,
				bond,
				state: EdgeState::Active,
				score: T::InitialScore::get(),
				pending_claims: 0,
				registered_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		Self::deposit_event(Event::EdgeRegistered { edge: who, bond });
		Ok(())
	}

	/// Replace the endpoint and region of `who`'s edge.
	pub(crate) fn do_update_edge(
		who: T::AccountId,
		endpoint: alloc::vec::Vec<u8>,
		region: alloc::vec::Vec<u8>,
	) -> DispatchResult {
		let (endpoint, region) = Self::check_endpoint(endpoint, region)?;
		Edges::<T>::try_mutate(&who, |maybe| -> DispatchResult {
			let edge = maybe.as_mut().ok_or(Error::<T>::NotAnEdge)?;
			edge.endpoint = endpoint;
			edge.region = region;
			Ok(())
		})?;
		Self::deposit_event(Event::EdgeUpdated { edge: who });
		Ok(())
	}

	/// Move `who`'s edge to `Unbonding`.
	pub(crate) fn do_unbond(who: T::AccountId) -> DispatchResult {
		let until = frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		Edges::<T>::try_mutate(&who, |maybe| -> DispatchResult {
			let edge = maybe.as_mut().ok_or(Error::<T>::NotAnEdge)?;
			ensure!(!matches!(edge.state, EdgeState::Unbonding { .. }), Error::<T>::AlreadyUnbonding);
			edge.state = EdgeState::Unbonding { until };
			Ok(())
		})?;
		Self::deposit_event(Event::EdgeUnbonding { edge: who, until });
		Ok(())
	}

	/// Release what is left of `who`'s bond and remove the edge.
	pub(crate) fn do_withdraw_unbonded(who: T::AccountId) -> DispatchResult {
		let edge = Edges::<T>::get(&who).ok_or(Error::<T>::NotAnEdge)?;
		let EdgeState::Unbonding { until } = edge.state else {
			return Err(Error::<T>::NotUnbonding.into())
		};
		ensure!(frame_system::Pallet::<T>::block_number() >= until, Error::<T>::UnbondingNotDone);
		ensure!(edge.pending_claims == 0, Error::<T>::ClaimsPending);

		let amount = T::Currency::release(
			&HoldReason::EdgeBond.into(),
			&who,
			edge.bond,
			Precision::BestEffort,
		)?;
		Edges::<T>::remove(&who);
		Self::deposit_event(Event::EdgeWithdrawn { edge: who, amount });
		Ok(())
	}

	/// Slash `SlashFraction` of `edge`'s bond to `Slashed`; returns what was taken.
	pub(crate) fn slash_edge(
		who: &T::AccountId,
		edge: &mut EdgeInfo<T>,
		reason: SlashReason,
	) -> BalanceOf<T> {
		let amount = T::SlashFraction::get() * edge.bond;
		if amount.is_zero() {
			return amount;
		}
		let (credit, _missing) = <T::Currency as BalancedHold<T::AccountId>>::slash(
			&HoldReason::EdgeBond.into(),
			who,
			amount,
		);
		let taken = frame_support::traits::Imbalance::peek(&credit);
		edge.bond = edge.bond.saturating_sub(taken);
		T::Slashed::on_unbalanced(credit);
		Self::deposit_event(Event::EdgeSlashed { edge: who.clone(), amount: taken, reason });
		taken
	}

	/// Bound and check an endpoint (`http://` or `https://`) and a region.
	#[allow(clippy::type_complexity)]
	fn check_endpoint(
		endpoint: alloc::vec::Vec<u8>,
		region: alloc::vec::Vec<u8>,
	) -> Result<(BoundedVec<u8, T::MaxEndpointLen>, BoundedVec<u8, T::MaxRegionLen>), DispatchError> {
		let endpoint: BoundedVec<u8, T::MaxEndpointLen> =
			endpoint.try_into().map_err(|_| Error::<T>::EndpointTooLong)?;
		let region: BoundedVec<u8, T::MaxRegionLen> =
			region.try_into().map_err(|_| Error::<T>::RegionTooLong)?;
		let url = endpoint.as_slice();
		let rest = url
			.strip_prefix(b"https://")
			.or_else(|| url.strip_prefix(b"http://"))
			.ok_or(Error::<T>::InvalidEndpoint)?;
		ensure!(
			!rest.is_empty() && rest.iter().all(|b| b.is_ascii_graphic()),
			Error::<T>::InvalidEndpoint
		);
		Ok((endpoint, region))
	}

	/// The bond currently held for `who`'s edge (for tests and RPC).
	pub fn held_bond(who: &T::AccountId) -> BalanceOf<T> {
		T::Currency::balance_on_hold(&HoldReason::EdgeBond.into(), who)
	}
}
