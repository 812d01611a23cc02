//! Sponsor pools: fund, unlock, withdraw — each sponsor's own, keyed by (content, sponsor).

use crate::*;
use frame_support::pallet_prelude::*;
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// The first epoch whose claims can still be paid: the one after the last sealed epoch.
	pub(crate) fn first_payable_epoch() -> EpochIndex {
		LastSealedEpoch::<T>::get().map_or(0, |e| e.saturating_add(1))
	}

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
		let current = T::CurrentEpoch::get();
		let first_payable = Self::first_payable_epoch();
		let from = Pools::<T>::try_mutate(content, &who, |maybe| -> Result<EpochIndex, DispatchError> {
			let from = match maybe {
				None => {
					let terms = PoolTerms { from: current, price_per_mib, edges };
					*maybe = Some(Pool {
						balance: amount,
						terms: BoundedVec::truncate_from(alloc::vec![terms]),
						unlock_at: None,
					});
					current
				},
				Some(pool) => {
					pool.balance = pool.balance.saturating_add(amount);
					pool.unlock_at = None;
					let next = current.saturating_add(1);
					let same = pool
						.terms_at(next)
						.is_some_and(|t| t.price_per_mib == price_per_mib && t.edges == edges);
					if same {
						pool.terms_at(next).map_or(next, |t| t.from)
					} else {
						// Terms no payable epoch uses any more go; a pending change is replaced.
						while pool.terms.len() > 1 && pool.terms[1].from <= first_payable {
							pool.terms.remove(0);
						}
						if pool.terms.last().is_some_and(|t| t.from == next) {
							pool.terms.pop();
						}
						pool.terms
							.try_push(PoolTerms { from: next, price_per_mib, edges })
							.map_err(|_| Error::<T>::TooManyTermChanges)?;
						next
					}
				},
			};
			// Last, so that a refusal above takes nothing.
			Self::take_fuel(&who, amount)?;
			Ok(from)
		})?;
		Self::deposit_event(Event::PoolFunded { content, sponsor: who, amount, price_per_mib, from });
		Ok(())
	}

	pub(crate) fn do_unlock_pool(who: T::AccountId, content: ContentId) -> DispatchResult {
		let unlock_at = frame_system::Pallet::<T>::block_number().saturating_add(T::UnlockPeriod::get());
		let pool = Pools::<T>::get(content, &who).ok_or(Error::<T>::NoPool)?;
		ensure!(pool.unlock_at.is_none(), Error::<T>::AlreadyUnlocking);
		if pool.balance == 0 {
			// Nothing to pay and nothing to return: an empty pool that is unlocking is gone.
			Pools::<T>::remove(content, &who);
			Self::deposit_event(Event::PoolClosed { content, sponsor: who });
			return Ok(());
		}
		Pools::<T>::mutate(content, &who, |maybe| {
			if let Some(pool) = maybe {
				pool.unlock_at = Some(unlock_at);
			}
		});
		Self::deposit_event(Event::PoolUnlocking { content, sponsor: who, unlock_at });
		Ok(())
	}

	pub(crate) fn do_withdraw_pool(who: T::AccountId, content: ContentId) -> DispatchResult {
		let pool = Pools::<T>::get(content, &who).ok_or(Error::<T>::NoPool)?;
		let unlock_at = pool.unlock_at.ok_or(Error::<T>::NotUnlocking)?;
		ensure!(frame_system::Pallet::<T>::block_number() >= unlock_at, Error::<T>::StillLocked);
		Self::give_fuel(&who, pool.balance)?;
		Pools::<T>::remove(content, &who);
		Self::deposit_event(Event::PoolWithdrawn { content, sponsor: who, amount: pool.balance });
		Ok(())
	}
}
