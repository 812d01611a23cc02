//! Viewers' escrows: deposit, unlock, withdraw.

use crate::*;
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::Mutate, tokens::Preservation},
};
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// The account that holds escrows, pools and unclaimed emission.
	pub fn account() -> T::AccountId {
		use sp_runtime::traits::AccountIdConversion;
		T::PalletId::get().into_account_truncating()
	}

	/// Move `amount` FUEL from `who` into the pallet's account.
	pub(crate) fn take_fuel(who: &T::AccountId, amount: Balance) -> DispatchResult {
		T::Fuel::transfer(who, &Self::account(), amount, Preservation::Expendable)
			.map(|_| ())
			.map_err(|_| Error::<T>::InsufficientFuel.into())
	}

	/// Move `amount` FUEL from the pallet's account to `to` (what the pallet's records say it
	/// holds covers it).
	pub(crate) fn give_fuel(to: &T::AccountId, amount: Balance) -> DispatchResult {
		if amount == 0 {
			return Ok(());
		}
		T::Fuel::transfer(&Self::account(), to, amount, Preservation::Expendable).map(|_| ())
	}

	pub(crate) fn do_deposit_escrow(who: T::AccountId, amount: Balance, reserve: Balance) -> DispatchResult {
		let total = amount.checked_add(reserve).ok_or(Error::<T>::InsufficientFuel)?;
		ensure!(total > 0, Error::<T>::ZeroAmount);
		Self::take_fuel(&who, total)?;
		Escrows::<T>::mutate(&who, |maybe| {
			let escrow = maybe.get_or_insert_with(Default::default);
			escrow.balance = escrow.balance.saturating_add(amount);
			escrow.reserve = escrow.reserve.saturating_add(reserve);
			escrow.unlock_at = None;
		});
		Self::deposit_event(Event::EscrowDeposited { viewer: who, amount, reserve });
		Ok(())
	}

	pub(crate) fn do_unlock_escrow(who: T::AccountId) -> DispatchResult {
		let unlock_at = frame_system::Pallet::<T>::block_number().saturating_add(T::UnlockPeriod::get());
		Escrows::<T>::try_mutate(&who, |maybe| -> DispatchResult {
			let escrow = maybe.as_mut().ok_or(Error::<T>::NoEscrow)?;
			ensure!(escrow.unlock_at.is_none(), Error::<T>::AlreadyUnlocking);
			escrow.unlock_at = Some(unlock_at);
			Ok(())
		})?;
		Self::deposit_event(Event::EscrowUnlocking { viewer: who, unlock_at });
		Ok(())
	}

	pub(crate) fn do_withdraw_escrow(who: T::AccountId) -> DispatchResult {
		let escrow = Escrows::<T>::get(&who).ok_or(Error::<T>::NoEscrow)?;
		let unlock_at = escrow.unlock_at.ok_or(Error::<T>::NotUnlocking)?;
		ensure!(frame_system::Pallet::<T>::block_number() >= unlock_at, Error::<T>::StillLocked);
		let amount = escrow.balance.saturating_add(escrow.reserve);
		Self::give_fuel(&who, amount)?;
		Escrows::<T>::remove(&who);
		Self::deposit_event(Event::EscrowWithdrawn { viewer: who, amount });
		Ok(())
	}
}
