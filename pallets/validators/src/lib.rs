//! # pallet-validators: who validates Vidchain, changed by root until governance exists, and
//! how long their slots last
//!
//! A Vidchain validator authors blocks with Aura, finalizes them with GRANDPA and samples edges
//! with its off-chain worker, whose `vocw` key is its Aura key (pallet-delivery takes sample
//! reports from current Aura authorities). The validator set lives where consensus reads it —
//! `pallet_aura::Authorities` and GRANDPA's authority list — and this pallet changes both
//! together, so that a validator is never an author without being a voter or the other way round:
//!
//! - [`Pallet::add_validator`]: a validator's Aura and GRANDPA keys join the set.
//! - [`Pallet::remove_validator`]: they leave it.
//!
//! A validator is the pair of keys at one position of both sets: genesis presets and zombienet
//! write the sets so, and [`Pallet::add_validator`] appends to both.
//!
//! Only [`Config::AdminOrigin`] may call them (root, through `sudo`, on Vidchain today; a
//! governance origin once governance exists). The pallet keeps no copy of the set: the
//! consensus pallets' sets, which zombienet and chain specs write at genesis, stay the one
//! source of truth. Its one storage item is the slot duration (below).
//!
//! ## When a change takes effect
//! - **Aura** authors from the new set from the next block on (the node reads the authorities of
//!   the parent block); the change is also logged in the block's digest.
//! - **GRANDPA** gets a standard change with no delay: the block that makes it is finalized by
//!   the old set, and the voters hand over to the new set from there. GRANDPA takes one pending
//!   change at a time, so a second change in the same block fails with
//!   [`Error::ChangePending`] and changes nothing; send it in a later block.
//!
//! ## How long a slot lasts
//! Validators author one block a slot. The slot's length is a genesis setting of this pallet
//! ([`SlotDuration`]; a chain spec that sets none gets [`Config::DefaultSlotDuration`], 6 s on
//! Vidchain): the runtime hands it to Aura as its slot duration through [`SlotDurationOf`] and to
//! the timestamp pallet as half its minimum period through [`MinimumPeriodOf`], so the two never
//! disagree. Development presets run short slots; a real network keeps the default. No call
//! changes it: nodes read the slot duration once, at start, and a chain whose slots changed
//! length under them would stop.
//!
//! ## Operating it safely
//! GRANDPA finalizes with more than two thirds of the set. Adding a validator whose node is not
//! running (synced, with its keys in its keystore) raises the number of votes needed without
//! adding one: four validators and two absent ones stall finality. Add one validator at a time,
//! once its node is up; remove a validator before taking its node down for good. The last
//! validator cannot be removed ([`Error::LastValidator`]).
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
mod features;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

/// The shortest slot a genesis may set, in milliseconds: a validator has about two thirds of a
/// slot to author its block, and gossip needs the rest.
pub const MIN_SLOT_DURATION: u64 = 1_000;

/// Aura's slot duration (`pallet_aura::Config::SlotDuration`): this chain's [`SlotDuration`].
pub struct SlotDurationOf<T>(core::marker::PhantomData<T>);
impl<T: Config> frame_support::traits::Get<u64> for SlotDurationOf<T> {
	fn get() -> u64 {
		Pallet::<T>::slot_duration()
	}
}

/// The timestamp's minimum period (`pallet_timestamp::Config::MinimumPeriod`): half of this
/// chain's [`SlotDuration`], as Aura expects.
pub struct MinimumPeriodOf<T>(core::marker::PhantomData<T>);
impl<T: Config> frame_support::traits::Get<u64> for MinimumPeriodOf<T> {
	fn get() -> u64 {
		Pallet::<T>::slot_duration() / 2
	}
}

/// A validator's GRANDPA key (ed25519).
pub type GrandpaId = pallet_grandpa::AuthorityId;

/// A validator's Aura key (sr25519 on Vidchain; also its `vocw` sampling key).
pub type AuraIdOf<T> = <T as pallet_aura::Config>::AuthorityId;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Configuration: who may change the set, the slot duration of a genesis that sets none, and
	/// the weights.
	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>>
		+ pallet_aura::Config
		+ pallet_grandpa::Config
	{
		/// Who may add and remove validators: root on Vidchain until governance exists.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Milliseconds per slot on a chain whose genesis sets no [`SlotDuration`]. At least
		/// [`MIN_SLOT_DURATION`] and even (the timestamp's minimum period is half a slot).
		#[pallet::constant]
		type DefaultSlotDuration: Get<u64>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Milliseconds per slot, set at genesis (absent: [`Config::DefaultSlotDuration`]); read it
	/// with [`Pallet::slot_duration`]. Fixed for the chain's life: no call writes it.
	#[pallet::storage]
	pub type SlotDuration<T: Config> = StorageValue<_, u64, OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Milliseconds per slot (0: [`Config::DefaultSlotDuration`]). At least
		/// [`MIN_SLOT_DURATION`] and even.
		pub slot_duration: u64,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if self.slot_duration != 0 {
				assert!(
					Pallet::<T>::slot_duration_is_valid(self.slot_duration),
					"validators genesis: slot_duration must be even and at least {MIN_SLOT_DURATION} ms"
				);
				SlotDuration::<T>::put(self.slot_duration);
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				Pallet::<T>::slot_duration_is_valid(T::DefaultSlotDuration::get()),
				"DefaultSlotDuration must be even and at least {MIN_SLOT_DURATION} ms"
			);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A validator joined: Aura authors with `aura` from the next block, and GRANDPA votes
		/// with `grandpa` from the set that follows this block's finality. `validators` is the
		/// size of the new set.
		ValidatorAdded { aura: AuraIdOf<T>, grandpa: GrandpaId, validators: u32 },
		/// A validator left: Aura no longer waits for `aura`'s slots from the next block, and
		/// GRANDPA counts without `grandpa` once this block is final. `validators` is the size of
		/// the new set.
		ValidatorRemoved { aura: AuraIdOf<T>, grandpa: GrandpaId, validators: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The Aura or the GRANDPA key is already in the validator set.
		AlreadyValidator,
		/// The Aura and GRANDPA keys are not one validator's: either is not in the set, or they
		/// are two validators' keys.
		NotValidator,
		/// The set is full (the consensus pallets' `MaxAuthorities`).
		TooManyValidators,
		/// The last validator cannot leave: nobody would author or finalize blocks.
		LastValidator,
		/// GRANDPA has a change of its set pending in this block; send the call in a later one.
		ChangePending,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Add a validator to the set: `aura` (its Aura key, also its `vocw` sampling key) and
		/// `grandpa` (its GRANDPA key), as its node's keystore holds them (`author_rotateKeys`
		/// returns both, with `vocw`). Its node must be running and synced first: see the
		/// pallet's documentation on finality.
		///
		/// Origin: [`Config::AdminOrigin`]. Fails, changing nothing, if either key is already in
		/// the set, the set is full or a GRANDPA change is pending in this block.
		/// Emits [`Event::ValidatorAdded`].
		#[pallet::call_index(0)]
		#[pallet::weight(<T as Config>::WeightInfo::add_validator(
			<T as pallet_aura::Config>::MaxAuthorities::get()
		))]
		pub fn add_validator(
			origin: OriginFor<T>,
			aura: AuraIdOf<T>,
			grandpa: GrandpaId,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_add_validator(aura, grandpa)
		}

		/// Remove a validator from the set by its two keys.
		///
		/// Origin: [`Config::AdminOrigin`]. Fails, changing nothing, if either key is not in the
		/// set, it is the last validator or a GRANDPA change is pending in this block.
		/// Emits [`Event::ValidatorRemoved`].
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::remove_validator(
			<T as pallet_aura::Config>::MaxAuthorities::get()
		))]
		pub fn remove_validator(
			origin: OriginFor<T>,
			aura: AuraIdOf<T>,
			grandpa: GrandpaId,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_remove_validator(aura, grandpa)
		}
	}
}
