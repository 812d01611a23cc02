//! Content registry: register and retire.

use crate::*;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::MutateHold,
		tokens::Precision,
	},
};
use vidchain_primitives::delivery::ContentId;

impl<T: Config> Pallet<T> {
	/// Register `manifest_root` for `creator`, holding `ContentDeposit`.
	#[allow(clippy::too_many_arguments)]
	pub(crate) fn do_register_content(
		creator: T::AccountId,
		manifest_root: ContentId,
		chunk_size: u32,
		chunk_count: u32,
		total_bytes: u64,
		exclusive: bool,
		title: alloc::vec::Vec<u8>,
		uri: alloc::vec::Vec<u8>,
	) -> DispatchResult {
		let title: BoundedVec<u8, T::MaxTitleLen> =
			title.try_into().map_err(|_| Error::<T>::TitleTooLong)?;
		let uri: BoundedVec<u8, T::MaxUriLen> = uri.try_into().map_err(|_| Error::<T>::UriTooLong)?;
		ensure!(Self::manifest_fits(chunk_size, chunk_count, total_bytes), Error::<T>::InvalidManifest);
		ensure!(!Contents::<T>::contains_key(manifest_root), Error::<T>::ContentExists);

		let deposit = T::ContentDeposit::get();
		T::Currency::hold(&HoldReason::ContentDeposit.into(), &creator, deposit)
			.map_err(|_| Error::<T>::InsufficientBalance)?;

		Contents::<T>::insert(
			manifest_root,
			ContentInfo {
				creator: creator.clone(),
				chunk_size,
				chunk_count,
				total_bytes,
				exclusive,
				title,
				uri,
				deposit,
				registered_at: frame_system::Pallet::<T>::block_number(),
				retired_at: None,
			},
		);
		Self::deposit_event(Event::ContentRegistered {
			content: manifest_root,
			creator,
			chunk_count,
			total_bytes,
			exclusive,
		});
		Ok(())
	}

	/// Retire `content` on behalf of its creator `who`, releasing the deposit.
	pub(crate) fn do_retire_content(who: T::AccountId, content: ContentId) -> DispatchResult {
		Contents::<T>::try_mutate(content, |maybe| -> DispatchResult {
			let info = maybe.as_mut().ok_or(Error::<T>::UnknownContent)?;
			ensure!(info.creator == who, Error::<T>::NotContentCreator);
			ensure!(info.retired_at.is_none(), Error::<T>::ContentRetired);
			T::Currency::release(
				&HoldReason::ContentDeposit.into(),
				&who,
				info.deposit,
				Precision::BestEffort,
			)?;
			info.retired_at = Some(frame_system::Pallet::<T>::block_number());
			Ok(())
		})?;
		Self::deposit_event(Event::ContentRetired { content });
		Ok(())
	}

	/// Whether `total_bytes` fills exactly `chunk_count` chunks of `chunk_size` (the last one
	/// possibly short but not empty).
	pub(crate) fn manifest_fits(chunk_size: u32, chunk_count: u32, total_bytes: u64) -> bool {
		if chunk_size == 0 || chunk_count == 0 {
			return false;
		}
		let full = chunk_size as u64 * chunk_count as u64;
		let all_but_last = chunk_size as u64 * (chunk_count as u64 - 1);
		all_but_last < total_bytes && total_bytes <= full
	}
}
