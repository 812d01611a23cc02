//! Sponsor pools: fund, unlock, withdraw.

use crate::*;
use frame_support::pallet_prelude::*;
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	pub(crate) fn do_fund_pool(
		who: T::AccountId,
		content: ContentId,
		amount: Balance,
		price_per_mib: u128,
		edges: BoundedVec<T::AccountId, T::MaxPoolEdges>,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		ensure!(price_per_mib >= T::MinPricePerMib::get(), Error::<T>::PriceTooLow);
		ensure!(T::Contents::is_live(&content), Error::<T>::UnknownContent);
		if let Some(pool) = Pools::<T>::get(content) {
			ensure!(pool.sponsor == who, Error::<T>::NotSponsor);
		}
		Self::take_fuel(&who, amount)?;
		Pools::<T>::mutate(content, |maybe| match maybe {
			Some(pool) => {
				pool.balance = pool.balance.saturating_add(amount);
				pool.price_per_mib = price_per_mib;
				pool.edges = edges;
				pool.unlock_at = None;
			},
			None =>
				*maybe = Some(Pool {
					sponsor: who.clone(),
					balance: amount,
					price_per_mib,
					edges,
					unlock_at: None,
				}),
		});
		Self::deposit_event(Event::PoolFunded { content, sponsor: who, amount, price_per_mib });
		Ok(())
	}

	pub(crate) fn do_unlock_pool(who: T::AccountId, content: ContentId) -> DispatchResult {
		let unlock_at = frame_system::Pallet::<T>::block_number().saturating_add(T::UnlockPeriod::get());
		Pools::<T>::try_mutate(content, |maybe| -> DispatchResult {
			let pool = maybe.as_mut().ok_or(Error::<T>::NoPool)?;
			ensure!(pool.sponsor == who, Error::<T>::NotSponsor);
			ensure!(pool.unlock_at.is_none(), Error::<T>::AlreadyUnlocking);
			pool.unlock_at = Some(unlock_at);
			Ok(())
		})?;
		Self::deposit_event(Event::PoolUnlocking { content, unlock_at });
		Ok(())
	}

	pub(crate) fn do_withdraw_pool(who: T::AccountId, content: ContentId) -> DispatchResult {
		let pool = Pools::<T>::get(content).ok_or(Error::<T>::NoPool)?;
		ensure!(pool.sponsor == who, Error::<T>::NotSponsor);
		let unlock_at = pool.unlock_at.ok_or(Error::<T>::NotUnlocking)?;
		ensure!(frame_system::Pallet::<T>::block_number() >= unlock_at, Error::<T>::StillLocked);
		Self::give_fuel(&who, pool.balance)?;
		Pools::<T>::remove(content);
		Self::deposit_event(Event::PoolWithdrawn { content, sponsor: who, amount: pool.balance });
		Ok(())
	}
}
