//! Content registry: register and retire.

use crate::*;
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision},
};
use vidchain_primitives::delivery::{content_id, ContentId};

impl<T: Config> Pallet<T> {
	/// Register `manifest_root` for `creator`, holding `ContentDeposit`.
	pub(crate) fn do_register_content(
		creator: T::AccountId,
		manifest_root: sp_core::H256,
		sizes: ContentSizes,
		exclusive: bool,
		title: BoundedVec<u8, T::MaxTitleLen>,
		uri: BoundedVec<u8, T::MaxUriLen>,
	) -> DispatchResult {
		ensure!(Self::manifest_fits(&sizes), Error::<T>::InvalidManifest);
		let id = content_id(&creator, &manifest_root);
		ensure!(!Contents::<T>::contains_key(id), Error::<T>::ContentExists);

		let deposit = T::ContentDeposit::get();
		T::Currency::hold(&HoldReason::ContentDeposit.into(), &creator, deposit)
			.map_err(|_| Error::<T>::InsufficientBalance)?;

		Contents::<T>::insert(
			id,
			ContentInfo {
				manifest_root,
				creator: creator.clone(),
				chunk_size: sizes.chunk_size,
				chunk_count: sizes.chunk_count,
				total_bytes: sizes.total_bytes,
				exclusive,
				title,
				uri,
				deposit,
				registered_at: frame_system::Pallet::<T>::block_number(),
				retired_at: None,
			},
		);
		Self::deposit_event(Event::ContentRegistered {
			content: id,
			manifest_root,
			creator,
			chunk_count: sizes.chunk_count,
			total_bytes: sizes.total_bytes,
			exclusive,
		});
		Ok(())
	}

	/// Retire `content` on behalf of its creator `who`, releasing the deposit; the record is
	/// pruned once the current epoch is sealed.
	pub(crate) fn do_retire_content(who: T::AccountId, content: ContentId) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
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
			info.retired_at = Some(now);
			Ok(())
		})?;
		RetiredContents::<T>::insert(Self::epoch_of(now), content, ());
		Self::deposit_event(Event::ContentRetired { content });
		Ok(())
	}

	/// Whether the sizes are within `MaxChunkSize` and `MaxChunks` and `total_bytes` fills
	/// exactly `chunk_count` chunks of `chunk_size` (the last one possibly short but not empty).
	pub(crate) fn manifest_fits(sizes: &ContentSizes) -> bool {
		let ContentSizes { chunk_size, chunk_count, total_bytes } = *sizes;
		if chunk_size == 0 || chunk_count == 0 {
			return false;
		}
		if chunk_size > T::MaxChunkSize::get() || chunk_count > T::MaxChunks::get() {
			return false;
		}
		let full = chunk_size as u64 * chunk_count as u64;
		let all_but_last = chunk_size as u64 * (chunk_count as u64 - 1);
		all_but_last < total_bytes && total_bytes <= full
	}

	/// Whether a receipt of `epoch` may count for `content`: the content was registered by the
	/// end of `epoch` and not retired before `epoch` began.
	pub(crate) fn content_live_in(content: &ContentInfo<T>, epoch: EpochIndex) -> bool {
		Self::epoch_of(content.registered_at) <= epoch &&
			content.retired_at.map_or(true, |at| epoch <= Self::epoch_of(at))
	}
}
