//! The secondary market: holders list, unlist and sell their licenses; every sale pays the
//! clip's royalty to its creator.

use crate::*;
use frame_support::{
	pallet_prelude::*,
	traits::tokens::nonfungibles_v2::{Inspect, Transfer},
};

impl<T: Config> Pallet<T> {
	/// The holder of license `(clip, edition)` of a clip of this pallet.
	fn holder(clip: ClipId, edition: Edition) -> Result<T::AccountId, DispatchError> {
		ensure!(Clips::<T>::contains_key(clip), Error::<T>::UnknownClip);
		T::Nfts::owner(&clip, &edition).ok_or_else(|| Error::<T>::UnknownLicense.into())
	}

	/// Fails if license `(clip, edition)` has expired.
	fn ensure_active(clip: ClipId, edition: Edition) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(Self::is_active(clip, edition, now), Error::<T>::LicenseExpired);
		Ok(())
	}

	pub(crate) fn do_list_license(
		who: T::AccountId,
		clip: ClipId,
		edition: Edition,
		price: Balance,
	) -> DispatchResult {
		ensure!(Self::holder(clip, edition)? == who, Error::<T>::NotHolder);
		Self::ensure_active(clip, edition)?;
		Listings::<T>::insert(clip, edition, Listing { seller: who.clone(), price });
		Self::deposit_event(Event::LicenseListed { clip, edition, seller: who, price });
		Ok(())
	}

	pub(crate) fn do_unlist_license(who: T::AccountId, clip: ClipId, edition: Edition) -> DispatchResult {
		let listing = Listings::<T>::get(clip, edition).ok_or(Error::<T>::NotListed)?;
		ensure!(listing.seller == who, Error::<T>::NotHolder);
		Listings::<T>::remove(clip, edition);
		Self::deposit_event(Event::LicenseUnlisted { clip, edition });
		Ok(())
	}

	pub(crate) fn do_buy_listed(
		who: T::AccountId,
		clip: ClipId,
		edition: Edition,
		max_price: Balance,
	) -> DispatchResult {
		let listing = Listings::<T>::get(clip, edition).ok_or(Error::<T>::NotListed)?;
		let seller = listing.seller;
		// A listing whose seller no longer holds the license (it burned it) sells nothing.
		ensure!(Self::holder(clip, edition)? == seller, Error::<T>::NotListed);
		ensure!(seller != who, Error::<T>::OwnListing);
		let info = Clips::<T>::get(clip).ok_or(Error::<T>::UnknownClip)?;
		ensure!(info.creator != who, Error::<T>::CreatorNeedsNoLicense);
		let terms = Self::terms(clip).ok_or(Error::<T>::UnknownClip)?;
		ensure!(listing.price <= max_price, Error::<T>::PriceTooHigh);
		Self::ensure_active(clip, edition)?;

		let royalty = terms.royalty.mul_floor(listing.price);
		Self::pay_fuel(&who, &info.creator, royalty)?;
		Self::pay_fuel(&who, &seller, listing.price - royalty)?;
		T::Nfts::enable_transfer(&clip, &edition)?;
		T::Nfts::transfer(&clip, &edition, &who)?;
		T::Nfts::disable_transfer(&clip, &edition)?;
		Listings::<T>::remove(clip, edition);
		Self::deposit_event(Event::LicenseResold {
			clip,
			edition,
			seller,
			buyer: who,
			price: listing.price,
			royalty,
		});
		Ok(())
	}
}
