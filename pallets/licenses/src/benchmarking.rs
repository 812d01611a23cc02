//! FRAME v2 benchmarks of pallet-licenses: every call, each at its costliest — the longest
//! metadata, a content with all but one of its clips taken, a limited license (the expiry is
//! computed and written), a voucher for one account.

use super::*;
use crate::Pallet as Licenses;
use frame_benchmarking::v2::*;
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::Mutate, tokens::nonfungibles_v2::Inspect},
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_core::H256;
use sp_runtime::Permill;

/// What a runtime does for the benchmarks that it alone knows how to do.
pub trait BenchmarkHelper<AccountId, Signature> {
	/// Register live `content` as created by `creator`.
	fn register_content(creator: &AccountId, content: ContentId, exclusive: bool);
	/// An account whose key [`Self::sign`] signs with.
	fn signer() -> AccountId;
	/// `signer`'s signature of `payload`.
	fn sign(signer: &AccountId, payload: &[u8]) -> Signature;
}

const FUNDS: Balance = 1_000_000_000_000_000_000;
const PRICE: Balance = 1_000_000_000;

fn funded<T: Config>(who: T::AccountId) -> T::AccountId {
	let _ = T::Fuel::mint_into(&who, FUNDS);
	let _ = T::Currency::mint_into(&who, FUNDS);
	who
}

fn user<T: Config>(name: &'static str) -> T::AccountId {
	funded::<T>(account(name, 0, 0))
}

/// A live exclusive content of `creator` with all but one of its clips taken.
fn content<T: Config>(creator: &T::AccountId) -> ContentId {
	let id = H256::repeat_byte(7);
	T::BenchmarkHelper::register_content(creator, id, true);
	for _ in 1..T::MaxClipsPerContent::get() {
		clip_of::<T>(creator, id);
	}
	id
}

fn terms<T: Config>(content: ContentId) -> ClipTerms<BlockNumberFor<T>> {
	ClipTerms {
		content,
		start_ms: 0,
		end_ms: 30_000,
		max_editions: T::MaxEditions::get(),
		kind: LicenseKind::Commercial,
		duration: LicenseDuration::Blocks(1_000u32.into()),
		royalty: Permill::from_percent(10),
	}
}

fn metadata<T: Config>() -> BoundedVec<u8, T::MaxMetadataLen> {
	alloc::vec![b'm'; T::MaxMetadataLen::get() as usize].try_into().expect("MaxMetadataLen bytes")
}

fn clip_of<T: Config>(creator: &T::AccountId, content: ContentId) -> ClipId {
	Licenses::<T>::do_create_clip(creator.clone(), terms::<T>(content), PRICE, metadata::<T>())
		.expect("the creator of a live content")
}

/// A clip of a fresh creator's content.
fn clip<T: Config>(creator: &T::AccountId) -> ClipId {
	let content = content::<T>(creator);
	clip_of::<T>(creator, content)
}

/// A clip, and a license of it held by `holder`.
fn license<T: Config>(creator: &T::AccountId, holder: &T::AccountId) -> (ClipId, Edition) {
	let clip = clip::<T>(creator);
	let edition = Licenses::<T>::do_buy_license(holder.clone(), clip, PRICE).expect("for sale");
	(clip, edition)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn create_clip() {
		let creator = user::<T>("creator");
		let content = content::<T>(&creator);
		let t = terms::<T>(content);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(creator),
			content,
			t.start_ms,
			t.end_ms,
			t.max_editions,
			PRICE,
			t.royalty,
			t.kind,
			t.duration,
			metadata::<T>(),
		);

		assert_eq!(ClipsOf::<T>::get(content).len() as u32, T::MaxClipsPerContent::get());
	}

	#[benchmark]
	fn buy_license() {
		let creator = user::<T>("creator");
		let buyer = user::<T>("buyer");
		let clip = clip::<T>(&creator);

		#[extrinsic_call]
		_(RawOrigin::Signed(buyer.clone()), clip, PRICE);

		assert_eq!(T::Nfts::owner(&clip, &1), Some(buyer));
	}

	#[benchmark]
	fn list_license() {
		let creator = user::<T>("creator");
		let holder = user::<T>("holder");
		let (clip, edition) = license::<T>(&creator, &holder);

		#[extrinsic_call]
		_(RawOrigin::Signed(holder), clip, edition, PRICE);

		assert!(Listings::<T>::contains_key(clip, edition));
	}

	#[benchmark]
	fn unlist_license() {
		let creator = user::<T>("creator");
		let holder = user::<T>("holder");
		let (clip, edition) = license::<T>(&creator, &holder);
		Licenses::<T>::do_list_license(holder.clone(), clip, edition, PRICE).expect("its holder");

		#[extrinsic_call]
		_(RawOrigin::Signed(holder), clip, edition);

		assert!(!Listings::<T>::contains_key(clip, edition));
	}

	#[benchmark]
	fn buy_listed() {
		let creator = user::<T>("creator");
		let holder = user::<T>("holder");
		let buyer = user::<T>("buyer");
		let (clip, edition) = license::<T>(&creator, &holder);
		Licenses::<T>::do_list_license(holder, clip, edition, PRICE).expect("its holder");

		#[extrinsic_call]
		_(RawOrigin::Signed(buyer.clone()), clip, edition, PRICE);

		assert_eq!(T::Nfts::owner(&clip, &edition), Some(buyer));
	}

	#[benchmark]
	fn set_clip_price() {
		let creator = user::<T>("creator");
		let clip = clip::<T>(&creator);

		#[extrinsic_call]
		_(RawOrigin::Signed(creator), clip, PRICE * 2);

		assert_eq!(Clips::<T>::get(clip).map(|c| c.price), Some(PRICE * 2));
	}

	#[benchmark]
	fn pause_sales() {
		let creator = user::<T>("creator");
		let clip = clip::<T>(&creator);

		#[extrinsic_call]
		_(RawOrigin::Signed(creator), clip);

		assert_eq!(Clips::<T>::get(clip).map(|c| c.paused), Some(true));
	}

	#[benchmark]
	fn resume_sales() {
		let creator = user::<T>("creator");
		let clip = clip::<T>(&creator);
		Licenses::<T>::do_set_paused(creator.clone(), clip, true).expect("its creator");

		#[extrinsic_call]
		_(RawOrigin::Signed(creator), clip);

		assert_eq!(Clips::<T>::get(clip).map(|c| c.paused), Some(false));
	}

	#[benchmark]
	fn retire_clip() {
		let creator = user::<T>("creator");
		let clip = clip::<T>(&creator);

		#[extrinsic_call]
		_(RawOrigin::Signed(creator), clip);

		assert_eq!(Clips::<T>::get(clip).map(|c| c.retired), Some(true));
	}

	#[benchmark]
	fn redeem_voucher() {
		let creator = funded::<T>(T::BenchmarkHelper::signer());
		let fan = user::<T>("fan");
		let clip = clip::<T>(&creator);
		let voucher = Voucher {
			clip,
			nonce: 7,
			only_account: Some(fan.clone()),
			deadline: frame_system::Pallet::<T>::block_number() + 10u32.into(),
		};
		let signature =
			T::BenchmarkHelper::sign(&creator, &voucher.signing_payload(&Licenses::<T>::genesis_hash()));

		#[extrinsic_call]
		_(RawOrigin::Signed(fan.clone()), voucher, signature);

		assert_eq!(T::Nfts::owner(&clip, &1), Some(fan));
		assert!(UsedVouchers::<T>::contains_key(clip, 7));
	}

	impl_benchmark_test_suite!(Licenses, crate::mock::new_test_ext(), crate::mock::Test);
}
