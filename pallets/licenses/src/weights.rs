//! Weights for `pallet_licenses`.
//!
//! PLACEHOLDER until `scripts/bench.sh pallet_licenses` generates this file: estimates from the
//! reads and writes each call makes, at ParityDB costs, with generous execution time.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::ParityDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_licenses`.
pub trait WeightInfo {
	fn create_clip() -> Weight;
	fn buy_license() -> Weight;
	fn list_license() -> Weight;
	fn unlist_license() -> Weight;
	fn buy_listed() -> Weight;
	fn set_clip_price() -> Weight;
	fn pause_sales() -> Weight;
	fn resume_sales() -> Weight;
	fn retire_clip() -> Weight;
	fn redeem_voucher() -> Weight;
}

/// Weights for `pallet_licenses` measured on a Vidchain node, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn create_clip() -> Weight {
		Weight::from_parts(150_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	fn buy_license() -> Weight {
		Weight::from_parts(250_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().writes(14_u64))
	}
	fn list_license() -> Weight {
		Weight::from_parts(60_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn unlist_license() -> Weight {
		Weight::from_parts(40_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn buy_listed() -> Weight {
		Weight::from_parts(250_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().writes(12_u64))
	}
	fn set_clip_price() -> Weight {
		Weight::from_parts(40_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn pause_sales() -> Weight {
		Weight::from_parts(40_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn resume_sales() -> Weight {
		Weight::from_parts(40_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn retire_clip() -> Weight {
		Weight::from_parts(40_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn redeem_voucher() -> Weight {
		Weight::from_parts(300_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().writes(12_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn create_clip() -> Weight {
		Weight::from_parts(150_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads(6_u64))
			.saturating_add(ParityDbWeight::get().writes(8_u64))
	}
	fn buy_license() -> Weight {
		Weight::from_parts(250_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads(12_u64))
			.saturating_add(ParityDbWeight::get().writes(14_u64))
	}
	fn list_license() -> Weight {
		Weight::from_parts(60_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn unlist_license() -> Weight {
		Weight::from_parts(40_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn buy_listed() -> Weight {
		Weight::from_parts(250_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads(12_u64))
			.saturating_add(ParityDbWeight::get().writes(12_u64))
	}
	fn set_clip_price() -> Weight {
		Weight::from_parts(40_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn pause_sales() -> Weight {
		Weight::from_parts(40_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn resume_sales() -> Weight {
		Weight::from_parts(40_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn retire_clip() -> Weight {
		Weight::from_parts(40_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
	fn redeem_voucher() -> Weight {
		Weight::from_parts(300_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads(10_u64))
			.saturating_add(ParityDbWeight::get().writes(12_u64))
	}
}
