//! FRAME v2 benchmarks of pallet-rewards: every call, and the hooks delivery calls — paying a
//! verified claim's `n` drawn receipts (each from its own payer, the costlier pool path with a
//! pool that names the most edges, each creator new), sealing a claim and an epoch — the block
//! author's reward and one sweeping step over `n` records.

use super::*;
use crate::Pallet as Rewards;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::Mutate, Get, Hooks},
};
use frame_system::RawOrigin;
use sp_core::H256;

/// What a runtime does for the benchmarks that it alone knows how to do.
pub trait BenchmarkHelper<AccountId> {
	/// Register `content` as created by `creator` (and live).
	fn register_content(creator: &AccountId, content: ContentId);
	/// Make the block's digest name an author that [`Config::FindAuthor`] finds.
	fn set_block_author();
}

const FUNDS: Balance = 1_000_000_000_000_000_000;

fn funded<T: Config>(name: &'static str, i: u32) -> T::AccountId {
	let who: T::AccountId = account(name, i, 0);
	let _ = T::Fuel::mint_into(&who, FUNDS);
	let _ = T::Currency::mint_into(&who, FUNDS);
	who
}

fn content<T: Config>(i: u32) -> ContentId {
	let creator: T::AccountId = account("creator", i, 0);
	let mut raw = [0u8; 32];
	raw[..4].copy_from_slice(&(i + 1).to_le_bytes());
	let id = H256(raw);
	T::BenchmarkHelper::register_content(&creator, id);
	id
}

/// The most edges a pool names, `edge` last (the costliest membership check).
fn pool_edges<T: Config>(edge: &T::AccountId) -> BoundedVec<T::AccountId, T::MaxPoolEdges> {
	let mut edges: Vec<T::AccountId> = (1..T::MaxPoolEdges::get()).map(|i| account("other", i, 0)).collect();
	edges.push(edge.clone());
	edges.try_into().expect("MaxPoolEdges of them")
}

/// A price per MiB at which one hit of a 1 GiB claim of 16 offsets (64 MiB) pays a fee.
fn qualifying_price<T: Config>() -> u128 {
	T::MinPricePerMib::get().saturating_mul(1_000)
}

/// An epoch with an edge `who` found serving and paid, sealed.
fn sealed_epoch<T: Config>(epoch: EpochIndex, who: &T::AccountId) {
	let viewer = funded::<T>("viewer", 0);
	Rewards::<T>::do_deposit_escrow(viewer.clone(), FUNDS / 10, 0).expect("funded");
	let c = content::<T>(0);
	Rewards::<T>::pay_claim(who, epoch, 1 << 30, 16, &[DrawnReceipt { viewer, content: c, price_per_mib: qualifying_price::<T>(), payer: Payer::Escrow, hits: 1 }]);
	Rewards::<T>::record_sample(who, epoch, true, false, 1_000, 1_000);
	Rewards::<T>::seal_claim(who, epoch, true, 1_000, 1_000);
	Rewards::<T>::seal_epoch(epoch);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// The costliest deposit: a new escrow.
	#[benchmark]
	fn deposit_escrow() {
		let viewer = funded::<T>("viewer", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(viewer.clone()), 1_000_000, 1_000);

		assert!(Escrows::<T>::contains_key(&viewer));
	}

	#[benchmark]
	fn unlock_escrow() {
		let viewer = funded::<T>("viewer", 0);
		Rewards::<T>::do_deposit_escrow(viewer.clone(), 1_000_000, 1_000).unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(viewer.clone()));

		assert!(Escrows::<T>::get(&viewer).unwrap().unlock_at.is_some());
	}

	#[benchmark]
	fn withdraw_escrow() {
		let viewer = funded::<T>("viewer", 0);
		Rewards::<T>::do_deposit_escrow(viewer.clone(), 1_000_000, 1_000).unwrap();
		Rewards::<T>::do_unlock_escrow(viewer.clone()).unwrap();
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number() + T::UnlockPeriod::get(),
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(viewer.clone()));

		assert!(!Escrows::<T>::contains_key(&viewer));
	}

	/// The costliest funding: a top-up that changes the terms of a pool naming the most edges
	/// (a pending change for the next epoch).
	#[benchmark]
	fn fund_pool() {
		let sponsor = funded::<T>("sponsor", 0);
		let c = content::<T>(0);
		let edge: T::AccountId = account("edge", 0, 0);
		let price = T::MinPricePerMib::get();
		Rewards::<T>::do_fund_pool(sponsor.clone(), c, 1_000_000, price, pool_edges::<T>(&edge)).unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(sponsor.clone()), c, 1_000_000, price, pool_edges::<T>(&sponsor));

		assert_eq!(Pools::<T>::get(c, &sponsor).unwrap().balance, 2_000_000);
	}

	#[benchmark]
	fn unlock_pool() {
		let sponsor = funded::<T>("sponsor", 0);
		let c = content::<T>(0);
		let edges = pool_edges::<T>(&sponsor);
		Rewards::<T>::do_fund_pool(sponsor.clone(), c, 1_000_000, T::MinPricePerMib::get(), edges).unwrap();

		#[extrinsic_call]
		_(RawOrigin::Signed(sponsor.clone()), c);

		assert!(Pools::<T>::get(c, &sponsor).unwrap().unlock_at.is_some());
	}

	#[benchmark]
	fn withdraw_pool() {
		let sponsor = funded::<T>("sponsor", 0);
		let c = content::<T>(0);
		let edges = pool_edges::<T>(&sponsor);
		Rewards::<T>::do_fund_pool(sponsor.clone(), c, 1_000_000, T::MinPricePerMib::get(), edges).unwrap();
		Rewards::<T>::do_unlock_pool(sponsor.clone(), c).unwrap();
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number() + T::UnlockPeriod::get(),
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(sponsor.clone()), c);

		assert!(!Pools::<T>::contains_key(c, &sponsor));
	}

	#[benchmark]
	fn claim_rewards() {
		let edge = funded::<T>("edge", 0);
		sealed_epoch::<T>(0, &edge);

		#[extrinsic_call]
		_(RawOrigin::Signed(edge.clone()), 0);

		assert!(EdgeRewards::<T>::get(0, &edge).unwrap().claimed);
	}

	/// `n` drawn receipts, each of its own content (a new creator each) paid by its own pool
	/// that names the most edges, this edge last; the edge itself is new to FUEL.
	#[benchmark]
	fn pay_claim(n: Linear<1, 64>) {
		let edge: T::AccountId = account("edge", 0, 0);
		let sponsor = funded::<T>("sponsor", 0);
		let drawn: Vec<DrawnReceipt<T::AccountId>> = (0..n)
			.map(|i| {
				let c = content::<T>(i);
				let price = T::MinPricePerMib::get().saturating_mul(1_000);
				Rewards::<T>::do_fund_pool(sponsor.clone(), c, FUNDS / 1_000, price, pool_edges::<T>(&edge)).unwrap();
				DrawnReceipt { viewer: account("viewer", i, 0), content: c, price_per_mib: 0, payer: Payer::Pool(sponsor.clone()), hits: 1 }
			})
			.collect();

		#[block]
		{
			Rewards::<T>::pay_claim(&edge, 0, 1 << 30, n, &drawn);
		}

		assert!(EdgeRewards::<T>::get(0, &edge).unwrap().paid > 0);
	}

	/// A verified claim of an edge no sample found serving (its bond and score are kept).
	#[benchmark]
	fn seal_claim() {
		let edge = funded::<T>("edge", 0);
		let viewer = funded::<T>("viewer", 0);
		Rewards::<T>::do_deposit_escrow(viewer.clone(), FUNDS / 10, 0).unwrap();
		let c = content::<T>(0);
		Rewards::<T>::pay_claim(&edge, 0, 1 << 30, 16, &[DrawnReceipt { viewer, content: c, price_per_mib: qualifying_price::<T>(), payer: Payer::Escrow, hits: 1 }]);

		#[block]
		{
			Rewards::<T>::seal_claim(&edge, 0, true, 1_000, 1_000);
		}

		assert!(EdgeRewards::<T>::get(0, &edge).unwrap().sealed);
	}

	/// The costliest sample: the first that finds an edge serving (its record and the
	/// epoch's totals both written).
	#[benchmark]
	fn record_sample() {
		let edge = funded::<T>("edge", 0);

		#[block]
		{
			Rewards::<T>::record_sample(&edge, 0, true, false, 1_000, 1_000);
		}

		assert!(EdgeRewards::<T>::get(0, &edge).unwrap().weight > 0);
		assert_eq!(EpochRewards::<T>::get(0).unwrap().available, 1);
	}

	/// An epoch with an edge found serving and paid: both mints.
	#[benchmark]
	fn seal_epoch() {
		let edge = funded::<T>("edge", 0);
		let viewer = funded::<T>("viewer", 0);
		Rewards::<T>::do_deposit_escrow(viewer.clone(), FUNDS / 10, 0).unwrap();
		let c = content::<T>(0);
		Rewards::<T>::pay_claim(&edge, 0, 1 << 30, 16, &[DrawnReceipt { viewer, content: c, price_per_mib: qualifying_price::<T>(), payer: Payer::Escrow, hits: 1 }]);
		Rewards::<T>::record_sample(&edge, 0, true, false, 1_000, 1_000);
		Rewards::<T>::seal_claim(&edge, 0, true, 1_000, 1_000);

		#[block]
		{
			Rewards::<T>::seal_epoch(0);
		}

		assert!(EpochRewards::<T>::get(0).unwrap().sealed);
	}

	/// One sweeping step over an epoch past its horizon with `n` edge records: the unclaimed
	/// emission to the treasury, the records removed.
	#[benchmark]
	fn sweep(n: Linear<0, 1_000>) {
		let edge = funded::<T>("edge", 0);
		sealed_epoch::<T>(0, &edge);
		for i in 1..n {
			Rewards::<T>::seal_claim(&account("other", i, 0), 0, false, 1, 1);
		}
		if n == 0 {
			EdgeRewards::<T>::remove(0, &edge);
			let _ = CreatorRewards::<T>::clear(u32::MAX, None);
			EpochRewards::<T>::mutate(0, |t| {
				let t = t.as_mut().unwrap();
				(t.weight, t.available, t.delivery_fees) = (0, 0, 0);
			});
		}
		LastSealedEpoch::<T>::put(T::RewardHorizon::get());

		#[block]
		{
			Rewards::<T>::sweep(Weight::MAX);
		}

		assert!(!EpochRewards::<T>::contains_key(0));
	}

	#[benchmark]
	fn reward_author() {
		T::BenchmarkHelper::set_block_author();
		let issuance = <T::Currency as frame_support::traits::fungible::Inspect<_>>::total_issuance();

		#[block]
		{
			Rewards::<T>::on_initialize(1u32.into());
		}

		let minted = <T::Currency as frame_support::traits::fungible::Inspect<_>>::total_issuance() - issuance;
		assert_eq!(minted, T::AuthorReward::get());
	}

	impl_benchmark_test_suite!(Rewards, crate::mock::new_test_ext(), crate::mock::Test);
}
