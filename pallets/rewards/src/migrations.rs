//! Storage migrations of pallet-rewards.

use crate::*;
use frame_support::{
	migrations::VersionedMigration,
	pallet_prelude::*,
	traits::UncheckedOnRuntimeUpgrade,
	weights::Weight,
};
use frame_system::pallet_prelude::BlockNumberFor;

/// Version 1 to 2: a content had one pool, whoever funded it first (`Pools: content → pool`);
/// now each sponsor has its own (`Pools: (content, sponsor) → pool`) and a pool keeps its terms
/// per epoch. Each old pool becomes its sponsor's pool with its price and edges as terms from
/// epoch 0; its balance and unlock are kept, so no FUEL changes hands.
pub mod v2 {
	use super::*;

	/// A pool as version 1 stored it.
	#[derive(Encode, Decode, TypeInfo, MaxEncodedLen, DebugNoBound)]
	#[scale_info(skip_type_params(T))]
	pub struct OldPool<T: Config> {
		/// Who funded it first.
		pub sponsor: T::AccountId,
		/// What was left to pay.
		pub balance: Balance,
		/// Its price.
		pub price_per_mib: u128,
		/// The edges it paid (empty: any).
		pub edges: BoundedVec<T::AccountId, T::MaxPoolEdges>,
		/// When it could be withdrawn, once unlocking.
		pub unlock_at: Option<BlockNumberFor<T>>,
	}

	/// Version 1's pools, by content.
	#[frame_support::storage_alias]
	pub type Pools<T: Config> = StorageMap<Pallet<T>, Identity, ContentId, OldPool<T>>;

	/// The move itself; run it through [`MigrateToV2`], which checks and sets the version.
	pub struct UncheckedMigrateToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			let old: alloc::vec::Vec<(ContentId, OldPool<T>)> = Pools::<T>::drain().collect();
			let moved = old.len() as u64;
			for (content, pool) in old {
				let terms = PoolTerms { from: 0, price_per_mib: pool.price_per_mib, edges: pool.edges };
				crate::Pools::<T>::insert(
					content,
					&pool.sponsor,
					Pool { balance: pool.balance, terms: BoundedVec::truncate_from(alloc::vec![terms]), unlock_at: pool.unlock_at },
				);
			}
			T::DbWeight::get().reads_writes(moved, moved.saturating_mul(2))
		}
	}

	/// Version 1 → 2, once.
	pub type MigrateToV2<T> = VersionedMigration<
		1,
		2,
		UncheckedMigrateToV2<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
