//! Placeholder weights until `scripts/bench.sh` generates this file from the benchmarks.
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

/// Weight functions needed for pallet_delivery.
pub trait WeightInfo {
	fn register_content() -> Weight;
	fn retire_content() -> Weight;
	fn register_edge() -> Weight;
	fn update_edge() -> Weight;
	fn unbond() -> Weight;
	fn withdraw_unbonded() -> Weight;
	fn submit_claim() -> Weight;
	fn submit_proof(s: u32, d: u32) -> Weight;
	fn report_sample() -> Weight;
	fn authorize_report_sample() -> Weight;
	fn seal_epoch(n: u32) -> Weight;
}

pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_content() -> Weight { Weight::from_parts(50_000_000, 0) }
	fn retire_content() -> Weight { Weight::from_parts(50_000_000, 0) }
	fn register_edge() -> Weight { Weight::from_parts(50_000_000, 0) }
	fn update_edge() -> Weight { Weight::from_parts(50_000_000, 0) }
	fn unbond() -> Weight { Weight::from_parts(50_000_000, 0) }
	fn withdraw_unbonded() -> Weight { Weight::from_parts(50_000_000, 0) }
	fn submit_claim() -> Weight { Weight::from_parts(50_000_000, 0) }
	fn submit_proof(s: u32, d: u32) -> Weight { Weight::from_parts(50_000_000 * s as u64 * (d as u64 + 1), 0) }
	fn report_sample() -> Weight { Weight::from_parts(50_000_000, 0) }
	fn authorize_report_sample() -> Weight { Weight::from_parts(50_000_000, 0) }
	fn seal_epoch(n: u32) -> Weight { Weight::from_parts(50_000_000 * (n + 1) as u64, 0) }
}

impl WeightInfo for () {
	fn register_content() -> Weight { Weight::zero() }
	fn retire_content() -> Weight { Weight::zero() }
	fn register_edge() -> Weight { Weight::zero() }
	fn update_edge() -> Weight { Weight::zero() }
	fn unbond() -> Weight { Weight::zero() }
	fn withdraw_unbonded() -> Weight { Weight::zero() }
	fn submit_claim() -> Weight { Weight::zero() }
	fn submit_proof(_s: u32, _d: u32) -> Weight { Weight::zero() }
	fn report_sample() -> Weight { Weight::zero() }
	fn authorize_report_sample() -> Weight { Weight::zero() }
	fn seal_epoch(_n: u32) -> Weight { Weight::zero() }
}
