//! Creating clips and managing their sale: price, pause, resume, retire.

use crate::*;
use frame_system::pallet_prelude::BlockNumberFor;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::Mutate as _,
		tokens::{nonfungibles_v2::{Create, Inspect, Mutate}, Preservation},
	},
};
use pallet_nfts::{CollectionConfig, CollectionSetting, CollectionSettings, MintSettings};
use sp_runtime::traits::{AccountIdConversion, Zero};

impl<T: Config> Pallet<T> {
	/// The pallet's account: it owns and manages every clip's collection and holds the VID
	/// `pallet-nfts` reserves for them.
	pub fn account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// A clip's terms, from its collection's Pallet-namespace attribute.
	pub fn terms(clip: ClipId) -> Option<ClipTerms<BlockNumberFor<T>>> {
		T::Nfts::system_attribute(&clip, None, keys::TERMS)
			.and_then(|raw| Decode::decode(&mut &raw[..]).ok())
	}

	/// Move `amount` VID from `who` into the pallet's account, for `pallet-nfts` to reserve.
	pub(crate) fn take_deposit(who: &T::AccountId, amount: Balance) -> DispatchResult {
		T::Currency::transfer(who, &Self::account(), amount, Preservation::Preserve)
			.map(|_| ())
			.map_err(|_| Error::<T>::InsufficientDeposit.into())
	}

	pub(crate) fn do_create_clip(
		who: T::AccountId,
		terms: ClipTerms<BlockNumberFor<T>>,
		price: Balance,
		metadata: BoundedVec<u8, T::MaxMetadataLen>,
	) -> Result<ClipId, DispatchError> {
		ensure!(T::Contents::is_live(&terms.content), Error::<T>::ContentNotLive);
		ensure!(T::Contents::creator_of(&terms.content).as_ref() == Some(&who), Error::<T>::NotCreator);
		ensure!(terms.start_ms < terms.end_ms, Error::<T>::EmptyClip);
		ensure!(
			(1..=T::MaxEditions::get()).contains(&terms.max_editions),
			Error::<T>::BadEditions
		);
		if let LicenseDuration::Blocks(blocks) = terms.duration {
			ensure!(!blocks.is_zero(), Error::<T>::ZeroDuration);
		}
		let mut clips = ClipsOf::<T>::get(terms.content);
		ensure!(clips.len() < T::MaxClipsPerContent::get() as usize, Error::<T>::TooManyClips);

		Self::take_deposit(&who, T::CollectionDeposit::get())?;
		let config = CollectionConfig {
			// The max supply is locked: nobody can ever raise it past `max_editions`.
			settings: CollectionSettings::from_disabled(CollectionSetting::UnlockedMaxSupply.into()),
			max_supply: Some(terms.max_editions),
			// Only the issuer (this pallet's account) mints.
			mint_settings: MintSettings::default(),
		};
		let account = Self::account();
		let clip = T::Nfts::create_collection(&account, &account, &config)?;
		T::Nfts::set_collection_attribute(&clip, keys::TERMS, &terms.encode())?;
		if !metadata.is_empty() {
			T::Nfts::set_collection_metadata(None, &clip, &metadata)?;
		}
		clips.try_push(clip).map_err(|_| Error::<T>::TooManyClips)?;
		ClipsOf::<T>::insert(terms.content, clips);
		Clips::<T>::insert(
			clip,
			ClipInfo { creator: who.clone(), content: terms.content, price, sold: 0, paused: false, retired: false },
		);
		Self::deposit_event(Event::ClipCreated { clip, content: terms.content, creator: who, price });
		Ok(clip)
	}

	/// Change `clip`'s sale as its creator `who`; a retired clip cannot be changed.
	fn mutate_own_clip(
		who: &T::AccountId,
		clip: ClipId,
		f: impl FnOnce(&mut ClipInfo<T::AccountId>) -> DispatchResult,
	) -> DispatchResult {
		Clips::<T>::try_mutate(clip, |maybe| {
			let info = maybe.as_mut().ok_or(Error::<T>::UnknownClip)?;
			ensure!(&info.creator == who, Error::<T>::NotCreator);
			ensure!(!info.retired, Error::<T>::ClipRetired);
			f(info)
		})
	}

	pub(crate) fn do_set_clip_price(who: T::AccountId, clip: ClipId, price: Balance) -> DispatchResult {
		Self::mutate_own_clip(&who, clip, |info| {
			info.price = price;
			Ok(())
		})?;
		Self::deposit_event(Event::ClipPriceSet { clip, price });
		Ok(())
	}

	pub(crate) fn do_set_paused(who: T::AccountId, clip: ClipId, paused: bool) -> DispatchResult {
		Self::mutate_own_clip(&who, clip, |info| {
			match paused {
				true => ensure!(!info.paused, Error::<T>::SalesPaused),
				false => ensure!(info.paused, Error::<T>::SalesNotPaused),
			}
			info.paused = paused;
			Ok(())
		})?;
		Self::deposit_event(match paused {
			true => Event::SalesPaused { clip },
			false => Event::SalesResumed { clip },
		});
		Ok(())
	}

	pub(crate) fn do_retire_clip(who: T::AccountId, clip: ClipId) -> DispatchResult {
		Self::mutate_own_clip(&who, clip, |info| {
			info.retired = true;
			Ok(())
		})?;
		Self::deposit_event(Event::ClipRetired { clip });
		Ok(())
	}
}
