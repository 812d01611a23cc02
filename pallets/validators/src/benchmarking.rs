//! FRAME v2 benchmarks of pallet-validators: each call against a set of `n` validators, up to the
//! largest the consensus pallets allow (the cost is in reading, writing and logging both sets).

use super::*;
use alloc::vec::Vec;
use codec::{Decode, Encode};
use frame_benchmarking::v2::*;
use frame_support::{pallet_prelude::*, BoundedVec};
use frame_system::RawOrigin;
use sp_runtime::traits::TrailingZeroInput;

/// Validator `i`'s keys: distinct for each `i`, whatever the runtime's key types.
fn keys<T: Config>(i: u32) -> (AuraIdOf<T>, GrandpaId) {
	let seed = (b"vidchain/validator", i).encode();
	let aura = Decode::decode(&mut TrailingZeroInput::new(&seed)).expect("zero-padded input");
	let grandpa = Decode::decode(&mut TrailingZeroInput::new(&seed)).expect("zero-padded input");
	(aura, grandpa)
}

/// A set of validators `0..n` in both consensus pallets, paired by position.
fn set_of<T: Config>(n: u32) {
	let (aura, grandpa): (Vec<_>, Vec<_>) = (0..n).map(keys::<T>).unzip();
	pallet_aura::Authorities::<T>::put(BoundedVec::truncate_from(aura));
	pallet_grandpa::Authorities::<T>::put(WeakBoundedVec::force_from(
		grandpa.into_iter().map(|key| (key, 1)).collect(),
		None,
	));
}

fn max_validators<T: Config>() -> u32 {
	<T as pallet_aura::Config>::MaxAuthorities::get()
		.min(<T as pallet_grandpa::Config>::MaxAuthorities::get())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// `n` validators before: the new one is the last the set can take when `n` is its largest.
	#[benchmark]
	fn add_validator(n: Linear<1, { max_validators::<T>() - 1 }>) {
		set_of::<T>(n);
		let (aura, grandpa) = keys::<T>(n);

		#[extrinsic_call]
		_(RawOrigin::Root, aura.clone(), grandpa);

		assert_eq!(pallet_aura::Authorities::<T>::get().len() as u32, n + 1);
		assert!(pallet_aura::Authorities::<T>::get().contains(&aura));
		assert!(pallet_grandpa::PendingChange::<T>::exists());
	}

	/// `n` validators before, the one leaving the last of them (the longest search).
	#[benchmark]
	fn remove_validator(n: Linear<2, { max_validators::<T>() }>) {
		set_of::<T>(n);
		let (aura, grandpa) = keys::<T>(n - 1);

		#[extrinsic_call]
		_(RawOrigin::Root, aura.clone(), grandpa);

		assert_eq!(pallet_aura::Authorities::<T>::get().len() as u32, n - 1);
		assert!(!pallet_aura::Authorities::<T>::get().contains(&aura));
		assert!(pallet_grandpa::PendingChange::<T>::exists());
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
