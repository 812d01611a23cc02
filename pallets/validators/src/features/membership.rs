//! Joining and leaving the validator set: Aura's and GRANDPA's sets change together.

use crate::*;
use frame_support::{pallet_prelude::*, BoundedVec};
use sp_runtime::traits::Zero;

impl<T: Config> Pallet<T> {
	/// Add `aura` to Aura's authorities and `grandpa` to GRANDPA's (weight 1, as every Vidchain
	/// voter), or fail changing nothing.
	pub(crate) fn do_add_validator(aura: AuraIdOf<T>, grandpa: GrandpaId) -> DispatchResult {
		let mut aura_set = pallet_aura::Authorities::<T>::get();
		let mut grandpa_set = pallet_grandpa::Pallet::<T>::grandpa_authorities();
		ensure!(
			!aura_set.contains(&aura) && !grandpa_set.iter().any(|(key, _)| *key == grandpa),
			Error::<T>::AlreadyValidator
		);
		Self::ensure_no_pending_change()?;
		aura_set.try_push(aura.clone()).map_err(|_| Error::<T>::TooManyValidators)?;
		ensure!(
			grandpa_set.len() < <T as pallet_grandpa::Config>::MaxAuthorities::get() as usize,
			Error::<T>::TooManyValidators
		);
		grandpa_set.push((grandpa.clone(), 1));
		let validators = aura_set.len() as u32;
		Self::enact(aura_set, grandpa_set)?;
		Self::deposit_event(Event::ValidatorAdded { aura, grandpa, validators });
		Ok(())
	}

	/// Remove the validator whose Aura key is `aura` and GRANDPA key `grandpa` (at the same
	/// position of both sets), or fail changing nothing.
	pub(crate) fn do_remove_validator(aura: AuraIdOf<T>, grandpa: GrandpaId) -> DispatchResult {
		let mut aura_set = pallet_aura::Authorities::<T>::get();
		let mut grandpa_set = pallet_grandpa::Pallet::<T>::grandpa_authorities();
		// A validator is the pair at one position of both sets: genesis writes them so, and
		// `do_add_validator` appends both.
		let position = aura_set.iter().position(|key| *key == aura);
		ensure!(
			position.is_some() &&
				position == grandpa_set.iter().position(|(key, _)| *key == grandpa),
			Error::<T>::NotValidator
		);
		ensure!(aura_set.len() > 1 && grandpa_set.len() > 1, Error::<T>::LastValidator);
		Self::ensure_no_pending_change()?;
		let position = position.unwrap_or_default();
		aura_set.remove(position);
		grandpa_set.remove(position);
		let validators = aura_set.len() as u32;
		Self::enact(aura_set, grandpa_set)?;
		Self::deposit_event(Event::ValidatorRemoved { aura, grandpa, validators });
		Ok(())
	}

	/// GRANDPA takes one pending change at a time; it clears it at the end of the block that
	/// scheduled it (no delay), so the next block can change the set again.
	fn ensure_no_pending_change() -> DispatchResult {
		ensure!(!pallet_grandpa::PendingChange::<T>::exists(), Error::<T>::ChangePending);
		Ok(())
	}

	/// Schedule GRANDPA's change first (the only step that can fail), then Aura's. GRANDPA's
	/// runtime set id follows the client's, which moves to the next set when the change is
	/// finalized.
	fn enact(
		aura_set: BoundedVec<AuraIdOf<T>, <T as pallet_aura::Config>::MaxAuthorities>,
		grandpa_set: pallet_grandpa::AuthorityList,
	) -> DispatchResult {
		pallet_grandpa::Pallet::<T>::schedule_change(grandpa_set, Zero::zero(), None)
			.map_err(|_| Error::<T>::ChangePending)?;
		pallet_grandpa::CurrentSetId::<T>::mutate(|id| *id = id.saturating_add(1));
		pallet_aura::Pallet::<T>::change_authorities(aura_set);
		Ok(())
	}
}
