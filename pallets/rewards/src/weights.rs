//! Weights for `pallet_rewards`: PLACEHOLDERS until `scripts/bench.sh pallet_rewards` generates
//! this file (template scripts/pallet-weight-template.hbs). Do not ship.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::ParityDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_rewards`.
pub trait WeightInfo {
	fn deposit_escrow() -> Weight;
	fn unlock_escrow() -> Weight;
	fn withdraw_escrow() -> Weight;
	fn fund_pool() -> Weight;
	fn unlock_pool() -> Weight;
	fn withdraw_pool() -> Weight;
	fn claim_rewards() -> Weight;
	fn pay_claim(n: u32, ) -> Weight;
	fn seal_claim() -> Weight;
	fn seal_epoch() -> Weight;
	fn sweep(n: u32, ) -> Weight;
	fn reward_author() -> Weight;
}

/// Weights for `pallet_rewards` on the runtime's database.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn deposit_escrow() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(2, 2))
	}
	fn unlock_escrow() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
	fn withdraw_escrow() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(3, 3))
	}
	fn fund_pool() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(4, 3))
	}
	fn unlock_pool() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}
	fn withdraw_pool() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(3, 3))
	}
	fn claim_rewards() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn pay_claim(n: u32, ) -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(Weight::from_parts(100_000_000, 8_000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads_writes(4, 4))
			.saturating_add(T::DbWeight::get().reads_writes(4, 4).saturating_mul(n.into()))
	}
	fn seal_claim() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(3, 2))
	}
	fn seal_epoch() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(5, 5))
	}
	fn sweep(n: u32, ) -> Weight {
		Weight::from_parts(20_000_000, 5_000)
			.saturating_add(Weight::from_parts(10_000_000, 3_000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads_writes(4, 3))
			.saturating_add(T::DbWeight::get().writes(1).saturating_mul(n.into()))
	}
	fn reward_author() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads_writes(3, 2))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn deposit_escrow() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(2, 2))
	}
	fn unlock_escrow() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(1, 1))
	}
	fn withdraw_escrow() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(3, 3))
	}
	fn fund_pool() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(4, 3))
	}
	fn unlock_pool() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(1, 1))
	}
	fn withdraw_pool() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(3, 3))
	}
	fn claim_rewards() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(4, 4))
	}
	fn pay_claim(n: u32, ) -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(Weight::from_parts(100_000_000, 8_000).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads_writes(4, 4))
			.saturating_add(ParityDbWeight::get().reads_writes(4, 4).saturating_mul(n.into()))
	}
	fn seal_claim() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(3, 2))
	}
	fn seal_epoch() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(5, 5))
	}
	fn sweep(n: u32, ) -> Weight {
		Weight::from_parts(20_000_000, 5_000)
			.saturating_add(Weight::from_parts(10_000_000, 3_000).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads_writes(4, 3))
			.saturating_add(ParityDbWeight::get().writes(1).saturating_mul(n.into()))
	}
	fn reward_author() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(ParityDbWeight::get().reads_writes(3, 2))
	}
}
