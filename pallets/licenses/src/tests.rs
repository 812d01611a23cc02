//! Tests of pallet-licenses on the mock runtime: every call and error, the royalty and the fee
//! to the unit, access, vouchers, and every way around the royalty through pallet-nfts itself.

use crate::{mock::*, *};
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect as _, Mutate as _},
		tokens::nonfungibles_v2::Inspect as _,
		Currency as _, ReservableCurrency as _,
	},
	BoundedVec,
};
use pallet_nfts::{AttributeNamespace, CollectionConfig, CollectionSettings, MintSettings};
use sp_core::{Pair, H256};
use sp_runtime::{MultiSignature, Perbill, Permill};

type Fuel = ItemOf<Assets, FuelId, AccountId>;
use frame_support::traits::fungible::ItemOf;

const PRICE: Balance = 1_000_000;

fn origin(name: &str) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(name))
}

fn fuel(who: &AccountId) -> Balance {
	Fuel::balance(who)
}

fn vid(who: &AccountId) -> Balance {
	Balances::free_balance(who)
}

/// A live content of `creator` (exclusive or not), with id `n`.
fn content(creator: &str, n: u8, exclusive: bool) -> ContentId {
	let id = H256::repeat_byte(n);
	Contents::mutate(|c| c.push((id, account(creator), true, exclusive)));
	id
}

fn retire_content(id: ContentId) {
	Contents::mutate(|c| c.iter_mut().filter(|(i, ..)| *i == id).for_each(|(.., live, _)| *live = false));
}

fn metadata() -> BoundedVec<u8, ConstU32<64>> {
	b"ipfs://bafy-clip".to_vec().try_into().unwrap()
}
use frame_support::traits::ConstU32;

/// Alice cuts a clip of `editions` from `content`, lasting `duration`, at `PRICE`, 10% royalty.
fn create(content: ContentId, editions: u32, duration: LicenseDuration<u64>) -> ClipId {
	assert_ok!(Licenses::create_clip(
		origin("Alice"),
		content,
		1_000,
		31_000,
		editions,
		PRICE,
		Permill::from_percent(10),
		LicenseKind::View,
		duration,
		metadata(),
	));
	Clips::<Test>::iter_keys().max().unwrap()
}

/// Alice's exclusive content 1 and a perpetual clip of 5 editions of it.
fn alice_clip() -> ClipId {
	let c = content("Alice", 1, true);
	create(c, 5, LicenseDuration::Perpetual)
}

fn invariants() {
	Licenses::do_try_state().expect("invariants hold");
}

fn sign_voucher(signer: &str, voucher: &Voucher<AccountId, u64>) -> MultiSignature {
	MultiSignature::Sr25519(pair(signer).sign(&voucher.signing_payload(&Licenses::genesis_hash())))
}

fn run_to(n: u64) {
	System::set_block_number(n);
}

// ---------------------------------------------------------------- create_clip

#[test]
fn a_creator_cuts_a_clip_into_a_collection_only_the_pallet_manages() {
	new_test_ext().execute_with(|| {
		let c = content("Alice", 1, true);
		let alice_vid = vid(&account("Alice"));
		let clip = create(c, 5, LicenseDuration::Blocks(100));

		System::assert_last_event(
			Event::ClipCreated { clip, content: c, creator: account("Alice"), price: PRICE }.into(),
		);
		let pallet = Licenses::account();
		assert_eq!(Nfts::collection_owner(clip), Some(pallet.clone()));
		// Nobody but the pallet has a role in the collection.
		for name in NAMES {
			assert!(pallet_nfts::CollectionRoleOf::<Test>::get(clip, account(name)).is_none());
		}
		assert_eq!(
			pallet_nfts::CollectionConfigOf::<Test>::get(clip).unwrap().max_supply,
			Some(5)
		);
		// The terms are in the Pallet namespace.
		let terms = Licenses::terms(clip).unwrap();
		assert_eq!(
			terms,
			ClipTerms {
				content: c,
				start_ms: 1_000,
				end_ms: 31_000,
				max_editions: 5,
				kind: LicenseKind::View,
				duration: LicenseDuration::Blocks(100),
				royalty: Permill::from_percent(10),
			}
		);
		// The creator paid the collection deposit, which the pallet's account reserves.
		assert_eq!(vid(&account("Alice")), alice_vid - COLLECTION_DEPOSIT);
		assert_eq!(Balances::reserved_balance(&pallet), COLLECTION_DEPOSIT);
		assert_eq!(Licenses::clips_of(&c), vec![clip]);
		assert_eq!(
			pallet_nfts::CollectionMetadataOf::<Test>::get(clip).unwrap().data.into_inner(),
			metadata().into_inner()
		);
		invariants();
	});
}

#[test]
fn create_clip_refuses_bad_input_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		let c = content("Alice", 1, true);
		let retired = content("Alice", 2, true);
		retire_content(retired);
		let call = |who: &str, content, start, end, editions, duration| {
			Licenses::create_clip(
				origin(who),
				content,
				start,
				end,
				editions,
				PRICE,
				Permill::from_percent(10),
				LicenseKind::Remix,
				duration,
				metadata(),
			)
		};
		let forever = LicenseDuration::Perpetual;
		assert_noop!(call("Bob", c, 0, 10, 5, forever), Error::<Test>::NotCreator);
		assert_noop!(call("Alice", retired, 0, 10, 5, forever), Error::<Test>::ContentNotLive);
		assert_noop!(call("Alice", H256::repeat_byte(9), 0, 10, 5, forever), Error::<Test>::ContentNotLive);
		assert_noop!(call("Alice", c, 10, 10, 5, forever), Error::<Test>::EmptyClip);
		assert_noop!(call("Alice", c, 11, 10, 5, forever), Error::<Test>::EmptyClip);
		assert_noop!(call("Alice", c, 0, 10, 0, forever), Error::<Test>::BadEditions);
		assert_noop!(call("Alice", c, 0, 10, MAX_EDITIONS + 1, forever), Error::<Test>::BadEditions);
		assert_noop!(call("Alice", c, 0, 10, 5, LicenseDuration::Blocks(0)), Error::<Test>::ZeroDuration);
		for _ in 0..MAX_CLIPS {
			assert_ok!(call("Alice", c, 0, 10, 5, forever));
		}
		assert_noop!(call("Alice", c, 0, 10, 5, forever), Error::<Test>::TooManyClips);
		// A creator who cannot pay the collection deposit.
		let poor = content("Ferdie", 3, true);
		assert_noop!(call("Ferdie", poor, 0, 10, 5, forever), Error::<Test>::InsufficientDeposit);
		invariants();
	});
}

// ---------------------------------------------------------------- buy_license

#[test]
fn buying_pays_creator_and_treasury_to_the_unit_and_mints_the_next_edition() {
	new_test_ext().execute_with(|| {
		let clip = alice_clip();
		let (alice, bob, treasury) = (account("Alice"), account("Bob"), Treasury::get());
		let (a0, b0, t0, bv0) = (fuel(&alice), fuel(&bob), fuel(&treasury), vid(&bob));
		let issuance = Fuel::total_issuance();

		assert_ok!(Licenses::buy_license(origin("Bob"), clip, PRICE));

		let fee = Perbill::from_percent(5).mul_floor(PRICE);
		assert_eq!(fuel(&treasury), t0 + fee);
		assert_eq!(fuel(&alice), a0 + PRICE - fee);
		assert_eq!(fuel(&bob), b0 - PRICE);
		assert_eq!(Fuel::total_issuance(), issuance);
		assert_eq!(vid(&bob), bv0 - ITEM_DEPOSIT);
		assert_eq!(Balances::reserved_balance(&Licenses::account()), COLLECTION_DEPOSIT + ITEM_DEPOSIT);
		System::assert_last_event(
			Event::LicenseMinted { clip, edition: 1, buyer: bob.clone(), price: PRICE, fee, expires_at: None }
				.into(),
		);
		assert_eq!(Nfts::owner(clip, 1), Some(bob.clone()));
		let attr = |key: &[u8]| Nfts::system_attribute(&clip, Some(&1), key).unwrap();
		assert_eq!(attr(keys::EDITION), 1u32.encode());
		assert_eq!(attr(keys::KIND), LicenseKind::View.encode());
		assert_eq!(attr(keys::EXPIRES_AT), Option::<u64>::None.encode());

		assert_ok!(Licenses::buy_license(origin("Charlie"), clip, PRICE));
		assert_eq!(Nfts::owner(clip, 2), Some(account("Charlie")));
		assert_eq!(Clips::<Test>::get(clip).unwrap().sold, 2);
		invariants();
	});
}

#[test]
fn nobody_mints_past_max_editions() {
	new_test_ext().execute_with(|| {
		let c = content("Alice", 1, true);
		let clip = create(c, 2, LicenseDuration::Perpetual);
		assert_ok!(Licenses::buy_license(origin("Bob"), clip, PRICE));
		assert_ok!(Licenses::buy_license(origin("Charlie"), clip, PRICE));
		assert_noop!(Licenses::buy_license(origin("Dave"), clip, PRICE), Error::<Test>::SoldOut);
		// Nor can the collection's supply be raised or an item minted through pallet-nfts.
		assert!(Nfts::set_collection_max_supply(origin("Alice"), clip, 10).is_err());
		assert!(Nfts::mint(origin("Alice"), clip, 3, account("Alice"), None).is_err());
		assert!(Nfts::mint(origin("Dave"), clip, 3, account("Dave"), None).is_err());
		invariants();
	});
}

#[test]
fn buy_license_refuses_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		let clip = alice_clip();
		assert_noop!(Licenses::buy_license(origin("Bob"), 99, PRICE), Error::<Test>::UnknownClip);
		assert_noop!(Licenses::buy_license(origin("Bob"), clip, PRICE - 1), Error::<Test>::PriceTooHigh);
		assert_noop!(Licenses::buy_license(origin("Alice"), clip, PRICE), Error::<Test>::CreatorNeedsNoLicense);
		// Not enough FUEL.
		let bob = account("Bob");
		let rest = fuel(&bob) - (PRICE - 1);
		assert_ok!(Fuel::transfer(&bob, &account("Eve"), rest, frame_support::traits::tokens::Preservation::Expendable));
		assert_noop!(Licenses::buy_license(origin("Bob"), clip, PRICE), Error::<Test>::InsufficientFuel);
		// Not enough VID for the item deposit.
		let dave = account("Dave");
		let dave_vid = vid(&dave);
		assert_ok!(Balances::reserve(&dave, dave_vid - ITEM_DEPOSIT / 2));
		assert_noop!(Licenses::buy_license(origin("Dave"), clip, PRICE), Error::<Test>::InsufficientDeposit);
		invariants();
	});
}

#[test]
fn paused_retired_and_dead_content_sell_nothing() {
	new_test_ext().execute_with(|| {
		let clip = alice_clip();
		let c = Clips::<Test>::get(clip).unwrap().content;
		assert_noop!(Licenses::pause_sales(origin("Bob"), clip), Error::<Test>::NotCreator);
		assert_noop!(Licenses::resume_sales(origin("Alice"), clip), Error::<Test>::SalesNotPaused);
		assert_ok!(Licenses::pause_sales(origin("Alice"), clip));
		System::assert_last_event(Event::SalesPaused { clip }.into());
		assert_noop!(Licenses::pause_sales(origin("Alice"), clip), Error::<Test>::SalesPaused);
		assert_noop!(Licenses::buy_license(origin("Bob"), clip, PRICE), Error::<Test>::SalesPaused);
		assert_ok!(Licenses::resume_sales(origin("Alice"), clip));
		System::assert_last_event(Event::SalesResumed { clip }.into());
		assert_ok!(Licenses::buy_license(origin("Bob"), clip, PRICE));

		// The price changes by the creator only, and a buyer's bound holds.
		assert_noop!(Licenses::set_clip_price(origin("Bob"), clip, 1), Error::<Test>::NotCreator);
		assert_ok!(Licenses::set_clip_price(origin("Alice"), clip, PRICE * 3));
		System::assert_last_event(Event::ClipPriceSet { clip, price: PRICE * 3 }.into());
		assert_noop!(Licenses::buy_license(origin("Charlie"), clip, PRICE), Error::<Test>::PriceTooHigh);

		// A retired content sells nothing.
		retire_content(c);
		assert_noop!(Licenses::buy_license(origin("Charlie"), clip, PRICE * 3), Error::<Test>::ContentNotLive);

		// A retired clip: for good.
		assert_noop!(Licenses::retire_clip(origin("Bob"), clip), Error::<Test>::NotCreator);
		assert_ok!(Licenses::retire_clip(origin("Alice"), clip));
		System::assert_last_event(Event::ClipRetired { clip }.into());
		assert_noop!(Licenses::retire_clip(origin("Alice"), clip), Error::<Test>::ClipRetired);
		assert_noop!(Licenses::resume_sales(origin("Alice"), clip), Error::<Test>::ClipRetired);
		assert_noop!(Licenses::set_clip_price(origin("Alice"), clip, 1), Error::<Test>::ClipRetired);
		assert_noop!(Licenses::buy_license(origin("Charlie"), clip, PRICE * 3), Error::<Test>::ClipRetired);
		// Bob's license still lists and resells.
		assert_ok!(Licenses::list_license(origin("Bob"), clip, 1, 10));
		assert_ok!(Licenses::buy_listed(origin("Charlie"), clip, 1, 10));
		invariants();
	});
}

// ---------------------------------------------------------------- access

#[test]
fn access_is_for_the_creator_open_content_and_unexpired_licenses() {
	new_test_ext().execute_with(|| {
		let exclusive = content("Alice", 1, true);
		let open = content("Alice", 2, false);
		let other = content("Alice", 3, true);
		let clip = create(exclusive, 5, LicenseDuration::Blocks(10));
		let other_clip = create(other, 5, LicenseDuration::Perpetual);
		let (alice, bob, charlie) = (account("Alice"), account("Bob"), account("Charlie"));

		assert!(Licenses::has_access(&alice, &exclusive));
		assert!(Licenses::has_access(&bob, &open));
		assert!(!Licenses::has_access(&bob, &exclusive));
		assert!(!Licenses::has_access(&bob, &H256::repeat_byte(9)));

		// A license of another content's clip opens only that content.
		assert_ok!(Licenses::buy_license(origin("Charlie"), other_clip, PRICE));
		assert!(Licenses::has_access(&charlie, &other));
		assert!(!Licenses::has_access(&charlie, &exclusive));

		run_to(5);
		assert_ok!(Licenses::buy_license(origin("Bob"), clip, PRICE));
		System::assert_last_event(
			Event::LicenseMinted {
				clip,
				edition: 1,
				buyer: bob.clone(),
				price: PRICE,
				fee: Perbill::from_percent(5).mul_floor(PRICE),
				expires_at: Some(15),
			}
			.into(),
		);
		assert!(Licenses::has_access(&bob, &exclusive));
		run_to(14);
		assert!(Licenses::has_access(&bob, &exclusive));
		run_to(15);
		assert!(!Licenses::has_access(&bob, &exclusive), "an expired license opens nothing");
		let views = Licenses::licenses_of(&bob);
		assert_eq!(views.len(), 1);
		assert_eq!((views[0].clip, views[0].edition, views[0].active), (clip, 1, false));
		assert_eq!(views[0].expires_at, Some(15));
		invariants();
	});
}

#[test]
fn a_holder_cannot_rewrite_its_license_terms() {
	new_test_ext().execute_with(|| {
		let c = content("Alice", 1, true);
		let clip = create(c, 5, LicenseDuration::Blocks(10));
		assert_ok!(Licenses::buy_license(origin("Bob"), clip, PRICE));
		let key: BoundedVec<u8, _> = keys::EXPIRES_AT.to_vec().try_into().unwrap();
		let perpetual: BoundedVec<u8, _> = Option::<u64>::None.encode().try_into().unwrap();
		// The Pallet namespace is closed to accounts…
		assert!(Nfts::set_attribute(origin("Bob"), clip, Some(1), AttributeNamespace::Pallet, key.clone(), perpetual.clone()).is_err());
		assert!(Nfts::set_attribute(origin("Alice"), clip, Some(1), AttributeNamespace::Pallet, key.clone(), perpetual.clone()).is_err());
		assert!(Nfts::clear_attribute(origin("Bob"), clip, Some(1), AttributeNamespace::Pallet, key.clone()).is_err());
		// …and what a holder writes in its own namespace is not read.
		assert_ok!(Nfts::set_attribute(origin("Bob"), clip, Some(1), AttributeNamespace::ItemOwner, key, perpetual));
		run_to(11);
		assert!(!Licenses::has_access(&account("Bob"), &c));
		invariants();
	});
}

#[test]
fn an_item_of_another_collection_is_no_license() {
	new_test_ext().execute_with(|| {
		let c = content("Alice", 1, true);
		let _clip = create(c, 5, LicenseDuration::Perpetual);
		// Bob makes his own collection and item, with the license's keys in his namespace.
		let config = CollectionConfig {
			settings: CollectionSettings::all_enabled(),
			max_supply: None,
			mint_settings: MintSettings::default(),
		};
		assert_ok!(Nfts::create(origin("Bob"), account("Bob"), config));
		let fake = pallet_nfts::NextCollectionId::<Test>::get().unwrap() - 1;
		assert_ok!(Nfts::mint(origin("Bob"), fake, 1, account("Bob"), None));
		assert!(!Licenses::has_access(&account("Bob"), &c));
		assert_noop!(Licenses::list_license(origin("Bob"), fake, 1, 1), Error::<Test>::UnknownClip);
		assert!(Licenses::licenses_of(&account("Bob")).is_empty());
	});
}

// ---------------------------------------------------------------- pallet-nfts cannot move a license

#[test]
fn pallet_nfts_cannot_move_or_sell_a_license() {
	new_test_ext().execute_with(|| {
		let clip = alice_clip();
		assert_ok!(Licenses::buy_license(origin("Bob"), clip, PRICE));
		let locked = || pallet_nfts::Error::<Test>::ItemLocked;
		assert_noop!(Nfts::transfer(origin("Bob"), clip, 1, account("Charlie")), locked());
		// An approved delegate cannot move it either.
		let _ = Nfts::approve_transfer(origin("Bob"), clip, 1, account("Charlie"), None);
		assert_noop!(Nfts::transfer(origin("Charlie"), clip, 1, account("Charlie")), locked());
		// A price set in pallet-nfts (the runtime's call filter refuses this call) sells nothing.
		let _ = Nfts::set_price(origin("Bob"), clip, 1, Some(1), None);
		assert!(Nfts::buy_item(origin("Charlie"), clip, 1, 1).is_err());
		// Nobody can re-enable transfers: the lock is a Pallet-namespace attribute, the
		// collection's freezer is the pallet.
		assert!(Nfts::unlock_item_transfer(origin("Alice"), clip, 1).is_err());
		assert!(Nfts::unlock_item_transfer(origin("Bob"), clip, 1).is_err());
		assert!(Nfts::set_team(origin("Alice"), clip, None, None, None).is_err());
		assert_eq!(Nfts::owner(clip, 1), Some(account("Bob")));
		// After a resale through the pallet, the new holder is as locked.
		assert_ok!(Licenses::list_license(origin("Bob"), clip, 1, 100));
		assert_ok!(Licenses::buy_listed(origin("Charlie"), clip, 1, 100));
		assert_noop!(Nfts::transfer(origin("Charlie"), clip, 1, account("Dave")), locked());
		invariants();
	});
}

// ---------------------------------------------------------------- the secondary market

#[test]
fn a_resale_pays_the_royalty_and_the_rest_to_the_seller_to_the_unit() {
	new_test_ext().execute_with(|| {
		let clip = alice_clip();
		assert_ok!(Licenses::buy_license(origin("Bob"), clip, PRICE));
		let (alice, bob, charlie, treasury) =
			(account("Alice"), account("Bob"), account("Charlie"), Treasury::get());
		let resale = 777_777;
		assert_ok!(Licenses::list_license(origin("Bob"), clip, 1, resale));
		System::assert_last_event(Event::LicenseListed { clip, edition: 1, seller: bob.clone(), price: resale }.into());
		assert_eq!(Licenses::licenses_of(&bob)[0].listing_price, Some(resale));
		let (a0, b0, c0, t0) = (fuel(&alice), fuel(&bob), fuel(&charlie), fuel(&treasury));

		assert_noop!(Licenses::buy_listed(origin("Charlie"), clip, 1, resale - 1), Error::<Test>::PriceTooHigh);
		assert_ok!(Licenses::buy_listed(origin("Charlie"), clip, 1, resale));

		let royalty = Permill::from_percent(10).mul_floor(resale);
		assert_eq!(royalty, 77_777);
		assert_eq!(fuel(&alice), a0 + royalty);
		assert_eq!(fuel(&bob), b0 + resale - royalty);
		assert_eq!(fuel(&charlie), c0 - resale);
		assert_eq!(fuel(&treasury), t0);
		System::assert_last_event(
			Event::LicenseResold { clip, edition: 1, seller: bob.clone(), buyer: charlie.clone(), price: resale, royalty }
				.into(),
		);
		assert_eq!(Nfts::owner(clip, 1), Some(charlie.clone()));
		assert!(!Listings::<Test>::contains_key(clip, 1));
		assert!(Licenses::has_access(&charlie, &Clips::<Test>::get(clip).unwrap().content));
		assert!(!Licenses::has_access(&bob, &Clips::<Test>::get(clip).unwrap().content));
		// Bob's old listing is gone: he cannot sell Charlie's license.
		assert_noop!(Licenses::buy_listed(origin("Dave"), clip, 1, resale), Error::<Test>::NotListed);
		invariants();
	});
}

#[test]
fn the_market_refuses_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		let c = content("Alice", 1, true);
		let clip = create(c, 5, LicenseDuration::Blocks(10));
		assert_ok!(Licenses::buy_license(origin("Bob"), clip, PRICE));
		assert_noop!(Licenses::list_license(origin("Charlie"), clip, 1, 5), Error::<Test>::NotHolder);
		assert_noop!(Licenses::list_license(origin("Bob"), clip, 2, 5), Error::<Test>::UnknownLicense);
		assert_noop!(Licenses::list_license(origin("Bob"), 99, 1, 5), Error::<Test>::UnknownClip);
		assert_noop!(Licenses::unlist_license(origin("Bob"), clip, 1), Error::<Test>::NotListed);
		assert_noop!(Licenses::buy_listed(origin("Charlie"), clip, 1, 5), Error::<Test>::NotListed);
		assert_ok!(Licenses::list_license(origin("Bob"), clip, 1, 5));
		assert_noop!(Licenses::unlist_license(origin("Charlie"), clip, 1), Error::<Test>::NotHolder);
		assert_noop!(Licenses::buy_listed(origin("Bob"), clip, 1, 5), Error::<Test>::OwnListing);
		assert_noop!(Licenses::buy_listed(origin("Alice"), clip, 1, 5), Error::<Test>::CreatorNeedsNoLicense);
		// Not enough FUEL.
		let eve = account("Eve");
		let all = fuel(&eve);
		assert_ok!(Fuel::transfer(&eve, &account("Dave"), all - 4, frame_support::traits::tokens::Preservation::Expendable));
		assert_noop!(Licenses::buy_listed(origin("Eve"), clip, 1, 5), Error::<Test>::InsufficientFuel);
		// Unlisting works; an expired license is neither listed nor sold.
		assert_ok!(Licenses::unlist_license(origin("Bob"), clip, 1));
		System::assert_last_event(Event::LicenseUnlisted { clip, edition: 1 }.into());
		assert_ok!(Licenses::list_license(origin("Bob"), clip, 1, 5));
		run_to(11);
		assert_noop!(Licenses::buy_listed(origin("Charlie"), clip, 1, 5), Error::<Test>::LicenseExpired);
		assert_noop!(Licenses::list_license(origin("Bob"), clip, 1, 6), Error::<Test>::LicenseExpired);
		invariants();
	});
}

#[test]
fn a_license_cannot_be_burnt_through_pallet_nfts() {
	new_test_ext().execute_with(|| {
		let clip = alice_clip();
		assert_ok!(Licenses::buy_license(origin("Bob"), clip, PRICE));
		assert_ok!(Licenses::list_license(origin("Bob"), clip, 1, 5));
		// The transfer lock holds burning too: a listed license never vanishes under its listing.
		assert_noop!(Nfts::burn(origin("Bob"), clip, 1), pallet_nfts::Error::<Test>::ItemLocked);
		assert_ok!(Licenses::buy_listed(origin("Charlie"), clip, 1, 5));
	});
}

#[test]
fn splits_never_create_or_lose_a_unit() {
	// Tiny, odd and huge prices, against fees and royalties from 0 to 100%.
	let prices: [Balance; 9] = [0, 1, 2, 19, 20, 999_999, 1_000_001, 10u128.pow(24) + 7, u64::MAX as u128 * 3];
	let parts = [0u32, 1, 5, 33, 50, 99, 100];
	for fee_pct in [0u32, 1, 5, 33, 99] {
		for royalty_pct in parts {
			for price in prices {
				new_test_ext().execute_with(|| {
					ProtocolFee::set(Perbill::from_percent(fee_pct));
					let c = content("Alice", 1, true);
					assert_ok!(Licenses::create_clip(
						origin("Alice"), c, 0, 1, 5, price, Permill::from_percent(royalty_pct),
						LicenseKind::View, LicenseDuration::Perpetual, metadata(),
					));
					let clip = Clips::<Test>::iter_keys().next().unwrap();
					for name in ["Bob", "Charlie"] {
						let _ = Fuel::mint_into(&account(name), price);
					}
					let everyone: Vec<AccountId> =
						NAMES.iter().map(|n| account(n)).chain([Treasury::get()]).collect();
					let total = || everyone.iter().map(fuel).sum::<Balance>();
					let (issuance, before) = (Fuel::total_issuance(), total());
					let (a0, t0) = (fuel(&account("Alice")), fuel(&Treasury::get()));

					assert_ok!(Licenses::buy_license(origin("Bob"), clip, price));
					let fee = Perbill::from_percent(fee_pct).mul_floor(price);
					assert_eq!(fuel(&Treasury::get()) - t0, fee);
					assert_eq!(fuel(&account("Alice")) - a0, price - fee);

					let (a1, b1) = (fuel(&account("Alice")), fuel(&account("Bob")));
					assert_ok!(Licenses::list_license(origin("Bob"), clip, 1, price));
					assert_ok!(Licenses::buy_listed(origin("Charlie"), clip, 1, price));
					let royalty = Permill::from_percent(royalty_pct).mul_floor(price);
					assert_eq!(fuel(&account("Alice")) - a1, royalty);
					assert_eq!(fuel(&account("Bob")) - b1, price - royalty);

					assert_eq!(total(), before, "no unit created or lost");
					assert_eq!(Fuel::total_issuance(), issuance);
				});
			}
		}
	}
}

// ---------------------------------------------------------------- vouchers

#[test]
fn a_voucher_mints_once_for_its_account_before_its_deadline() {
	new_test_ext().execute_with(|| {
		let clip = alice_clip();
		let bob = account("Bob");
		let voucher = Voucher { clip, nonce: 1, only_account: Some(bob.clone()), deadline: 10 };
		let signature = sign_voucher("Alice", &voucher);
		let (a0, b0) = (fuel(&account("Alice")), fuel(&bob));

		assert_noop!(
			Licenses::redeem_voucher(origin("Charlie"), voucher.clone(), signature.clone()),
			Error::<Test>::NotVoucherAccount
		);
		assert_ok!(Licenses::redeem_voucher(origin("Bob"), voucher.clone(), signature.clone()));
		assert_eq!(Nfts::owner(clip, 1), Some(bob.clone()));
		assert_eq!((fuel(&account("Alice")), fuel(&bob)), (a0, b0), "a drop costs no FUEL");
		System::assert_has_event(Event::VoucherRedeemed { clip, nonce: 1, by: bob.clone() }.into());
		assert!(Licenses::has_access(&bob, &Clips::<Test>::get(clip).unwrap().content));

		// Used twice.
		assert_noop!(Licenses::redeem_voucher(origin("Bob"), voucher, signature), Error::<Test>::VoucherUsed);
		// Expired.
		let late = Voucher { clip, nonce: 2, only_account: None, deadline: 10 };
		let late_sig = sign_voucher("Alice", &late);
		run_to(11);
		assert_noop!(Licenses::redeem_voucher(origin("Charlie"), late, late_sig), Error::<Test>::VoucherExpired);
		invariants();
	});
}

#[test]
fn only_the_creators_signature_over_this_voucher_on_this_chain_mints() {
	new_test_ext().execute_with(|| {
		let clip = alice_clip();
		let voucher = Voucher { clip, nonce: 1, only_account: None, deadline: 10 };
		// Signed by someone else.
		let by_bob = sign_voucher("Bob", &voucher);
		assert_noop!(Licenses::redeem_voucher(origin("Charlie"), voucher.clone(), by_bob), Error::<Test>::BadVoucherSignature);
		// The creator's signature of another voucher (another nonce, another deadline).
		let signature = sign_voucher("Alice", &voucher);
		for other in [
			Voucher { nonce: 2, ..voucher.clone() },
			Voucher { deadline: 11, ..voucher.clone() },
			Voucher { only_account: Some(account("Charlie")), ..voucher.clone() },
		] {
			assert_noop!(
				Licenses::redeem_voucher(origin("Charlie"), other, signature.clone()),
				Error::<Test>::BadVoucherSignature
			);
		}
		// The creator's signature of this voucher for another chain.
		let other_chain = MultiSignature::Sr25519(pair("Alice").sign(&voucher.signing_payload(&H256::repeat_byte(0xab))));
		assert_noop!(Licenses::redeem_voucher(origin("Charlie"), voucher.clone(), other_chain), Error::<Test>::BadVoucherSignature);
		// A voucher of a clip whose creator did not sign it: Bob's signature over Alice's clip
		// was refused above; the creator redeeming her own is refused too.
		assert_noop!(
			Licenses::redeem_voucher(origin("Alice"), voucher.clone(), signature.clone()),
			Error::<Test>::CreatorNeedsNoLicense
		);
		// Paused sales and sold-out clips honour no voucher.
		assert_ok!(Licenses::pause_sales(origin("Alice"), clip));
		assert_noop!(Licenses::redeem_voucher(origin("Charlie"), voucher.clone(), signature.clone()), Error::<Test>::SalesPaused);
		assert_ok!(Licenses::resume_sales(origin("Alice"), clip));
		for name in ["Bob", "Charlie", "Dave", "Eve", "Ferdie"] {
			if name == "Ferdie" {
				let _ = Balances::deposit_creating(&account(name), 1_000_000);
				let _ = Fuel::mint_into(&account(name), PRICE);
			}
			assert_ok!(Licenses::buy_license(origin(name), clip, PRICE));
		}
		assert_noop!(Licenses::redeem_voucher(origin("Charlie"), voucher, signature), Error::<Test>::SoldOut);
		invariants();
	});
}

#[test]
fn views_show_a_clip_and_its_sales() {
	new_test_ext().execute_with(|| {
		let clip = alice_clip();
		assert_ok!(Licenses::buy_license(origin("Bob"), clip, PRICE));
		let view = Licenses::clip_view(clip).unwrap();
		assert_eq!((view.creator, view.price, view.sold, view.paused, view.retired), (account("Alice"), PRICE, 1, false, false));
		assert_eq!(view.terms.max_editions, 5);
		assert!(Licenses::clip_view(99).is_none());
	});
}
