//! How long a slot lasts: fixed at genesis, read by Aura and the timestamp pallet.

use crate::{Config, Pallet, SlotDuration, MIN_SLOT_DURATION};
use frame_support::traits::Get;

impl<T: Config> Pallet<T> {
	/// Milliseconds per slot: the genesis's [`SlotDuration`], or [`Config::DefaultSlotDuration`].
	pub fn slot_duration() -> u64 {
		SlotDuration::<T>::get().unwrap_or_else(T::DefaultSlotDuration::get)
	}

	/// Whether `ms` can be a slot duration: at least [`MIN_SLOT_DURATION`], and even (the
	/// timestamp's minimum period is half a slot, and Aura reads a slot as twice that period).
	pub fn slot_duration_is_valid(ms: u64) -> bool {
		ms >= MIN_SLOT_DURATION && ms % 2 == 0
	}
}
