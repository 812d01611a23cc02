//! Who may watch what, and the views the runtime API returns.

use crate::*;
use frame_system::pallet_prelude::BlockNumberFor;
use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::tokens::nonfungibles_v2::{Inspect, InspectEnumerable},
};

impl<T: Config> Pallet<T> {
	/// When license `(clip, edition)` expires: `Some(None)` if it is perpetual, `None` if it is
	/// not a license of this pallet.
	pub fn expires_at(clip: ClipId, edition: Edition) -> Option<Option<BlockNumberFor<T>>> {
		T::Nfts::system_attribute(&clip, Some(&edition), keys::EXPIRES_AT)
			.and_then(|raw| Decode::decode(&mut &raw[..]).ok())
	}

	/// Whether license `(clip, edition)` is valid at block `now`: a license of this pallet,
	/// perpetual or expiring after `now`.
	pub fn is_active(clip: ClipId, edition: Edition, now: BlockNumberFor<T>) -> bool {
		match Self::expires_at(clip, edition) {
			Some(None) => true,
			Some(Some(expires_at)) => now < expires_at,
			None => false,
		}
	}

	/// Whether `who` may watch `content`: its creator may; anyone may if it is not exclusive;
	/// otherwise the holder of an unexpired license of one of its clips. `false` for content
	/// that is not registered.
	pub fn has_access(who: &T::AccountId, content: &ContentId) -> bool {
		let Some(creator) = T::Contents::creator_of(content) else { return false };
		if &creator == who || T::Contents::is_exclusive(content) == Some(false) {
			return true;
		}
		let now = frame_system::Pallet::<T>::block_number();
		ClipsOf::<T>::get(content).into_iter().any(|clip| {
			T::Nfts::owned_in_collection(&clip, who).any(|edition| Self::is_active(clip, edition, now))
		})
	}

	/// The licenses `who` holds, expired ones included.
	pub fn licenses_of(who: &T::AccountId) -> Vec<LicenseView<BlockNumberFor<T>>> {
		let now = frame_system::Pallet::<T>::block_number();
		T::Nfts::owned(who)
			.filter_map(|(clip, edition)| {
				let info = Clips::<T>::get(clip)?;
				let terms = Self::terms(clip)?;
				let expires_at = Self::expires_at(clip, edition)?;
				Some(LicenseView {
					clip,
					edition,
					content: info.content,
					kind: terms.kind,
					expires_at,
					active: expires_at.map_or(true, |at| now < at),
					listing_price: Listings::<T>::get(clip, edition).map(|l| l.price),
				})
			})
			.collect()
	}

	/// A clip's terms and sale.
	pub fn clip_view(clip: ClipId) -> Option<ClipView<T::AccountId, BlockNumberFor<T>>> {
		let info = Clips::<T>::get(clip)?;
		let terms = Self::terms(clip)?;
		Some(ClipView {
			clip,
			creator: info.creator,
			terms,
			price: info.price,
			sold: info.sold,
			paused: info.paused,
			retired: info.retired,
		})
	}

	/// The clips cut from `content`.
	pub fn clips_of(content: &ContentId) -> Vec<ClipId> {
		ClipsOf::<T>::get(content).into_inner()
	}

	/// Checks the pallet's invariants: every clip has its collection and terms, no clip minted
	/// past its editions, and every clip is listed under its content.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		for (clip, info) in Clips::<T>::iter() {
			let terms = Self::terms(clip).ok_or("a clip without terms")?;
			ensure!(info.sold <= terms.max_editions, "a clip minted past its editions");
			ensure!(terms.content == info.content, "a clip's terms name another content");
			ensure!(ClipsOf::<T>::get(info.content).contains(&clip), "a clip missing from its content");
			ensure!(
				T::Nfts::collection_owner(&clip) == Some(Self::account()),
				"a clip's collection not owned by the pallet"
			);
		}
		Ok(())
	}
}
