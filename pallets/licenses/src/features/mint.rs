//! Minting licenses: bought at the clip's price, or redeemed from a creator's voucher.

use crate::*;
use frame_system::pallet_prelude::BlockNumberFor;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::Mutate as _,
		tokens::{
			nonfungibles_v2::{Mutate, Transfer},
			Preservation,
		},
	},
};
use pallet_nfts::{ItemConfig, ItemSettings};
use sp_runtime::traits::{Saturating, Verify};

impl<T: Config> Pallet<T> {
	/// Move `amount` FUEL from `from` to `to` (nothing for zero). A payer short of FUEL fails the
	/// whole call with `InsufficientFuel`: every call runs in its own storage layer, so a part
	/// already paid is rolled back.
	pub(crate) fn pay_fuel(from: &T::AccountId, to: &T::AccountId, amount: Balance) -> DispatchResult {
		if amount == 0 {
			return Ok(());
		}
		T::Fuel::transfer(from, to, amount, Preservation::Expendable)
			.map(|_| ())
			.map_err(|_| Error::<T>::InsufficientFuel.into())
	}

	/// The clip `who` may mint an edition of now, with its terms: it exists, is for sale, not
	/// sold out, its content is live, and `who` is not its creator.
	fn mintable(
		who: &T::AccountId,
		clip: ClipId,
	) -> Result<(ClipInfo<T::AccountId>, ClipTerms<BlockNumberFor<T>>), DispatchError> {
		let info = Clips::<T>::get(clip).ok_or(Error::<T>::UnknownClip)?;
		let terms = Self::terms(clip).ok_or(Error::<T>::UnknownClip)?;
		ensure!(!info.retired, Error::<T>::ClipRetired);
		ensure!(!info.paused, Error::<T>::SalesPaused);
		ensure!(T::Contents::is_live(&info.content), Error::<T>::ContentNotLive);
		ensure!(&info.creator != who, Error::<T>::CreatorNeedsNoLicense);
		ensure!(info.sold < terms.max_editions, Error::<T>::SoldOut);
		Ok((info, terms))
	}

	/// Mint the next edition of `clip` to `who` (who pays the item deposit), with its edition,
	/// kind and expiry as Pallet-namespace attributes and transfers disabled.
	fn mint_edition(
		who: &T::AccountId,
		clip: ClipId,
		mut info: ClipInfo<T::AccountId>,
		terms: &ClipTerms<BlockNumberFor<T>>,
		price: Balance,
		fee: Balance,
	) -> Result<Edition, DispatchError> {
		let edition = info.sold.saturating_add(1);
		let expires_at = match terms.duration {
			LicenseDuration::Perpetual => None,
			LicenseDuration::Blocks(blocks) =>
				Some(frame_system::Pallet::<T>::block_number().saturating_add(blocks)),
		};
		Self::take_deposit(who, T::ItemDeposit::get())?;
		let config = ItemConfig { settings: ItemSettings::all_enabled() };
		T::Nfts::mint_into(&clip, &edition, who, &config, true)?;
		T::Nfts::set_attribute(&clip, &edition, keys::EDITION, &edition.encode())?;
		T::Nfts::set_attribute(&clip, &edition, keys::KIND, &terms.kind.encode())?;
		T::Nfts::set_attribute(&clip, &edition, keys::EXPIRES_AT, &expires_at.encode())?;
		// pallet-nfts' own transfers, approvals, swaps and sales of the item now fail: it moves
		// only through `buy_listed`, which pays the royalty.
		T::Nfts::disable_transfer(&clip, &edition)?;
		info.sold = edition;
		Clips::<T>::insert(clip, info);
		Self::deposit_event(Event::LicenseMinted {
			clip,
			edition,
			buyer: who.clone(),
			price,
			fee,
			expires_at,
		});
		Ok(edition)
	}

	pub(crate) fn do_buy_license(
		who: T::AccountId,
		clip: ClipId,
		max_price: Balance,
	) -> Result<Edition, DispatchError> {
		let (info, terms) = Self::mintable(&who, clip)?;
		let price = info.price;
		ensure!(price <= max_price, Error::<T>::PriceTooHigh);
		let fee = T::ProtocolFee::get().mul_floor(price);
		Self::pay_fuel(&who, &T::Treasury::get(), fee)?;
		Self::pay_fuel(&who, &info.creator, price - fee)?;
		Self::mint_edition(&who, clip, info, &terms, price, fee)
	}

	pub(crate) fn do_redeem_voucher(
		who: T::AccountId,
		voucher: Voucher<T::AccountId, BlockNumberFor<T>>,
		signature: T::Signature,
	) -> Result<Edition, DispatchError> {
		let clip = voucher.clip;
		ensure!(frame_system::Pallet::<T>::block_number() <= voucher.deadline, Error::<T>::VoucherExpired);
		if let Some(only) = &voucher.only_account {
			ensure!(only == &who, Error::<T>::NotVoucherAccount);
		}
		ensure!(!UsedVouchers::<T>::contains_key(clip, voucher.nonce), Error::<T>::VoucherUsed);
		let (info, terms) = Self::mintable(&who, clip)?;
		let payload = voucher.signing_payload(&Self::genesis_hash());
		ensure!(signature.verify(&payload[..], &info.creator), Error::<T>::BadVoucherSignature);
		UsedVouchers::<T>::insert(clip, voucher.nonce, ());
		Self::deposit_event(Event::VoucherRedeemed { clip, nonce: voucher.nonce, by: who.clone() });
		Self::mint_edition(&who, clip, info, &terms, 0, 0)
	}
}
