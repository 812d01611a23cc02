//! Tests of pallet-rewards on the mock runtime: every call and error; payments from escrows and
//! pools and their three-way split; emission by bond × score, pulled, swept at the horizon;
//! the block author's VID; conservation of both tokens over a thousand random epochs; and the
//! economics the pallet exists for — self-dealing never pays.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	storage::{with_transaction, TransactionOutcome},
	traits::{fungible::Inspect as _, fungibles::Inspect, Hooks},
	weights::Weight,
};
use sp_core::H256;
use sp_runtime::{DispatchError, PerThing, Perbill};

type Hooks_ = Pallet<Test>;

fn fuel(who: AccountId) -> Balance {
	<Assets as Inspect<AccountId>>::balance(FUEL_ID, &who)
}

fn fuel_issuance() -> Balance {
	<Assets as Inspect<AccountId>>::total_issuance(FUEL_ID)
}

fn vid_issuance() -> Balance {
	<Balances as frame_support::traits::fungible::Inspect<AccountId>>::total_issuance()
}

fn content(n: u8) -> ContentId {
	H256::repeat_byte(n)
}

/// Register content `n` of `creator`.
fn add_content(n: u8, creator: AccountId) -> ContentId {
	Contents::mutate(|c| c.push((content(n), creator, true)));
	content(n)
}

/// A drawn receipt paid by its viewer's escrow.
fn receipt(viewer: AccountId, content: ContentId, price_per_mib: u128, hits: u32) -> DrawnReceipt<AccountId> {
	DrawnReceipt { viewer, content, price_per_mib, payer: Payer::Escrow, hits }
}

/// A drawn receipt that names `sponsor`'s pool as its payer.
fn pooled(viewer: AccountId, content: ContentId, sponsor: AccountId, hits: u32) -> DrawnReceipt<AccountId> {
	DrawnReceipt { viewer, content, price_per_mib: 0, payer: Payer::Pool(sponsor), hits }
}

fn pool_of(content: ContentId, sponsor: AccountId) -> Pool<Test> {
	Pools::<Test>::get(content, sponsor).expect("a pool")
}

fn verified(edge: AccountId, epoch: EpochIndex, total_bytes: u64, samples: u32, drawn: &[DrawnReceipt<AccountId>]) {
	<Hooks_ as DeliveryPayments<AccountId>>::on_claim_verified(&edge, epoch, total_bytes, samples, drawn);
}

fn sealed(edge: AccountId, epoch: EpochIndex, verified: bool, bond: Balance, score: u32) {
	<Hooks_ as DeliveryPayments<AccountId>>::on_claim_sealed(&edge, epoch, verified, bond, score);
}

/// A validator's sample of `edge` in `epoch` was applied (delivery's hook).
fn sampled(edge: AccountId, epoch: EpochIndex, served: bool, suspended: bool, bond: Balance, score: u32) {
	<Hooks_ as DeliveryPayments<AccountId>>::on_sampled(&edge, epoch, served, suspended, bond, score);
}

fn epoch_sealed(epoch: EpochIndex) {
	<Hooks_ as DeliveryPayments<AccountId>>::on_epoch_sealed(epoch);
}

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| if let RuntimeEvent::Rewards(e) = r.event { Some(e) } else { None })
		.collect()
}

const MIB64: u64 = 1 << 20;

// ---------------------------------------------------------------------------------------------
// Escrows

#[test]
fn escrow_deposit_unlock_withdraw() {
	new_test_ext().execute_with(|| {
		let before = fuel(2);
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(2), 1_000, 200));
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(2), 500, 0));
		assert_eq!(Escrows::<Test>::get(2), Some(Escrow { balance: 1_500, reserve: 200, unlock_at: None }));
		assert_eq!(fuel(2), before - 1_700);
		assert_eq!(fuel(Rewards::account()), 1_700);

		assert_ok!(Rewards::unlock_escrow(RuntimeOrigin::signed(2)));
		assert_eq!(Escrows::<Test>::get(2).unwrap().unlock_at, Some(1 + UNLOCK));
		run_blocks(UNLOCK - 1);
		assert_noop!(Rewards::withdraw_escrow(RuntimeOrigin::signed(2)), Error::<Test>::StillLocked);
		run_blocks(1);
		assert_ok!(Rewards::withdraw_escrow(RuntimeOrigin::signed(2)));
		assert_eq!(fuel(2), before);
		assert_eq!(Escrows::<Test>::get(2), None);
		assert!(events().contains(&Event::EscrowWithdrawn { viewer: 2, amount: 1_700 }));
	});
}

#[test]
fn escrow_refusals_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_noop!(Rewards::deposit_escrow(RuntimeOrigin::signed(2), 0, 0), Error::<Test>::ZeroAmount);
		assert_noop!(
			Rewards::deposit_escrow(RuntimeOrigin::signed(2), 2_000_000_000_000, 0),
			Error::<Test>::InsufficientFuel
		);
		assert_noop!(
			Rewards::deposit_escrow(RuntimeOrigin::signed(2), Balance::MAX, 1),
			Error::<Test>::InsufficientFuel
		);
		assert_noop!(Rewards::unlock_escrow(RuntimeOrigin::signed(2)), Error::<Test>::NoEscrow);
		assert_noop!(Rewards::withdraw_escrow(RuntimeOrigin::signed(2)), Error::<Test>::NoEscrow);
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(2), 10, 0));
		assert_noop!(Rewards::withdraw_escrow(RuntimeOrigin::signed(2)), Error::<Test>::NotUnlocking);
		assert_ok!(Rewards::unlock_escrow(RuntimeOrigin::signed(2)));
		assert_noop!(Rewards::unlock_escrow(RuntimeOrigin::signed(2)), Error::<Test>::AlreadyUnlocking);
		assert_noop!(Rewards::deposit_escrow(RuntimeOrigin::none(), 10, 0), DispatchError::BadOrigin);
	});
}

/// A viewer that tops up while unlocking stays locked in: edges it is served by again must be
/// able to count on the escrow.
#[test]
fn a_deposit_cancels_an_unlock() {
	new_test_ext().execute_with(|| {
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(2), 10, 0));
		assert_ok!(Rewards::unlock_escrow(RuntimeOrigin::signed(2)));
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(2), 10, 0));
		run_blocks(UNLOCK + 1);
		assert_noop!(Rewards::withdraw_escrow(RuntimeOrigin::signed(2)), Error::<Test>::NotUnlocking);
	});
}

/// An escrow that is unlocking still pays for receipts until it is withdrawn.
#[test]
fn an_unlocking_escrow_still_pays() {
	new_test_ext().execute_with(|| {
		let c = add_content(1, 5);
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(2), 1_000_000, 0));
		assert_ok!(Rewards::unlock_escrow(RuntimeOrigin::signed(2)));
		verified(1, 0, 16 * MIB64, 16, &[receipt(2, c, 10_000, 1)]);
		assert_eq!(Escrows::<Test>::get(2).unwrap().balance, 1_000_000 - 10_000);
	});
}

// ---------------------------------------------------------------------------------------------
// Sponsor pools

#[test]
fn pool_fund_top_up_unlock_withdraw() {
	new_test_ext().execute_with(|| {
		let c = add_content(1, 5);
		let before = fuel(3);
		assert_ok!(Rewards::fund_pool(RuntimeOrigin::signed(3), c, 1_000, 2_000, Default::default()));
		assert_ok!(Rewards::fund_pool(RuntimeOrigin::signed(3), c, 500, 3_000, vec![1].try_into().unwrap()));
		let pool = pool_of(c, 3);
		assert_eq!(pool.balance, 1_500);
		// The first terms from this epoch, the change from the next.
		assert_eq!(pool.pays(&4, 0), Some(2_000));
		assert_eq!((pool.pays(&1, 1), pool.pays(&4, 1)), (Some(3_000), None));
		assert!(events().contains(&Event::PoolFunded { content: c, sponsor: 3, amount: 500, price_per_mib: 3_000, from: 1 }));
		assert_ok!(Rewards::unlock_pool(RuntimeOrigin::signed(3), c));
		assert_noop!(Rewards::unlock_pool(RuntimeOrigin::signed(3), c), Error::<Test>::AlreadyUnlocking);
		assert_noop!(Rewards::withdraw_pool(RuntimeOrigin::signed(3), c), Error::<Test>::StillLocked);
		run_blocks(UNLOCK);
		assert_ok!(Rewards::withdraw_pool(RuntimeOrigin::signed(3), c));
		assert_eq!(fuel(3), before);
		assert!(Pools::<Test>::get(c, 3).is_none());
	});
}

#[test]
fn pool_refusals_change_nothing() {
	new_test_ext().execute_with(|| {
		let c = add_content(1, 5);
		Contents::mutate(|v| v.push((content(2), 5, false)));
		let none = Default::default;
		assert_noop!(Rewards::fund_pool(RuntimeOrigin::signed(3), content(9), 10, 2_000, none()), Error::<Test>::UnknownContent);
		assert_noop!(Rewards::fund_pool(RuntimeOrigin::signed(3), content(2), 10, 2_000, none()), Error::<Test>::UnknownContent);
		assert_noop!(Rewards::fund_pool(RuntimeOrigin::signed(3), c, 10, 999, none()), Error::<Test>::PriceTooLow);
		assert_noop!(Rewards::fund_pool(RuntimeOrigin::signed(3), c, 0, 2_000, none()), Error::<Test>::ZeroAmount);
		assert_noop!(
			Rewards::fund_pool(RuntimeOrigin::signed(3), c, 2_000_000_000_000, 2_000, none()),
			Error::<Test>::InsufficientFuel
		);
		assert_noop!(Rewards::unlock_pool(RuntimeOrigin::signed(3), c), Error::<Test>::NoPool);
		assert_noop!(Rewards::withdraw_pool(RuntimeOrigin::signed(3), c), Error::<Test>::NoPool);
		assert_ok!(Rewards::fund_pool(RuntimeOrigin::signed(3), c, 10, 2_000, none()));
		// Another account has no pool of its own to unlock or withdraw, and cannot touch 3's.
		assert_noop!(Rewards::unlock_pool(RuntimeOrigin::signed(4), c), Error::<Test>::NoPool);
		assert_noop!(Rewards::withdraw_pool(RuntimeOrigin::signed(4), c), Error::<Test>::NoPool);
		assert_noop!(Rewards::withdraw_pool(RuntimeOrigin::signed(3), c), Error::<Test>::NotUnlocking);
		// Changes wait for epochs to be paid: a pool keeps at most MAX_POOL_TERMS sets of terms.
		for (epoch, price) in [(1, 3_000), (2, 4_000), (3, 5_000)] {
			CurrentEpoch::set(epoch);
			assert_ok!(Rewards::fund_pool(RuntimeOrigin::signed(3), c, 1, price, none()));
		}
		CurrentEpoch::set(4);
		assert_noop!(Rewards::fund_pool(RuntimeOrigin::signed(3), c, 1, 6_000, none()), Error::<Test>::TooManyTermChanges);
		// A top-up at the same terms is always fine; once epochs are sealed the old terms go.
		assert_ok!(Rewards::fund_pool(RuntimeOrigin::signed(3), c, 1, 5_000, none()));
		epoch_sealed(0);
		epoch_sealed(1);
		assert_ok!(Rewards::fund_pool(RuntimeOrigin::signed(3), c, 1, 6_000, none()));
		assert_eq!(pool_of(c, 3).terms.iter().map(|t| t.from).collect::<Vec<_>>(), vec![2, 3, 4, 5]);
	});
}

/// The squatting game. Player: a stranger (4), with any FUEL, who funds a pool of a content it
/// did not create before anyone else, and names any edges. Bound: nothing changes for anyone
/// else — the creator (5) funds its own pool, a viewer's receipt that names its escrow is
/// paid by its escrow, a receipt that names the creator's pool is paid by it, and the
/// stranger's pool pays only receipts that name it.
#[test]
fn a_strangers_pool_changes_nothing_for_anyone_else() {
	for squat in [false, true] {
		let outcome = new_test_ext().execute_with(|| {
			let c = add_content(1, 5);
			if squat {
				assert_ok!(Rewards::fund_pool(RuntimeOrigin::signed(4), c, 1, 1_000, vec![9].try_into().unwrap()));
			}
			assert_ok!(Rewards::fund_pool(RuntimeOrigin::signed(5), c, 1_000_000, 4_000, Default::default()));
			assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(2), 10_000_000, 0));
			// 16 MiB, 16 offsets: one hit pays 1 MiB.
			verified(1, 0, 16 * MIB64, 16, &[receipt(2, c, 10_000, 1), pooled(3, c, 5, 2)]);
			if squat {
				assert_eq!(pool_of(c, 4).balance, 1, "the stranger's pool pays only receipts that name it");
			}
			let payout = EdgeRewards::<Test>::get(0, 1).unwrap();
			(Escrows::<Test>::get(2).unwrap().balance, pool_of(c, 5).balance, payout.paid, payout.unpaid)
		});
		// The escrow paid 10 000 (1 MiB at its price), the creator's pool 8 000 (2 MiB at 4 000);
		// the edge got 85 % of both, nothing unpaid.
		assert_eq!(outcome, (10_000_000 - 10_000, 1_000_000 - 8_000, 8_500 + 6_800, 0), "squat {squat}");
	}
}

/// A change of price or edges applies from the next epoch: receipts already served (this
/// epoch's, proven after the change) are paid at the terms they were served under.
#[test]
fn a_sponsors_new_terms_apply_from_the_next_epoch() {
	new_test_ext().execute_with(|| {
		let c = add_content(1, 5);
		CurrentEpoch::set(3);
		assert_ok!(Rewards::fund_pool(RuntimeOrigin::signed(3), c, 1_000_000, 4_000, Default::default()));
		// Still in epoch 3: the sponsor halves its price and names another edge.
		assert_ok!(Rewards::fund_pool(RuntimeOrigin::signed(3), c, 1, 2_000, vec![7].try_into().unwrap()));
		// Epoch 3's receipt of edge 1, proven in epoch 4: the old price, edge 1 still paid.
		CurrentEpoch::set(4);
		verified(1, 3, 16 * MIB64, 16, &[pooled(2, c, 3, 1)]);
		assert_eq!(pool_of(c, 3).balance, 1_000_001 - 4_000);
		// Epoch 4's receipts: edge 1 no longer paid (it bears it), edge 7 at the new price.
		verified(1, 4, 16 * MIB64, 16, &[pooled(2, c, 3, 1)]);
		assert_eq!(pool_of(c, 3).balance, 1_000_001 - 4_000);
		// Due at the receipt's own price, at least the minimum (1 000 per MiB): unpaid.
		assert_eq!(EdgeRewards::<Test>::get(4, 1).unwrap().unpaid, 1_000);
		verified(7, 4, 16 * MIB64, 16, &[pooled(2, c, 3, 1)]);
		assert_eq!(pool_of(c, 3).balance, 1_000_001 - 4_000 - 2_000);
	});
}

/// A pool that cannot cover a receipt that names it pays what it has; once it is empty and
/// unlocking it is removed (and unlocking an empty pool removes it at once).
#[test]
fn an_empty_pool_pays_what_it_has_and_goes_once_unlocking() {
	new_test_ext().execute_with(|| {
		let c = add_content(1, 5);
		assert_ok!(Rewards::fund_pool(RuntimeOrigin::signed(3), c, 3_000, 4_000, Default::default()));
		verified(1, 0, 16 * MIB64, 16, &[pooled(2, c, 3, 1)]);
		assert_eq!(pool_of(c, 3).balance, 0);
		assert_eq!(EdgeRewards::<Test>::get(0, 1).unwrap().unpaid, 1_000);
		assert_ok!(Rewards::unlock_pool(RuntimeOrigin::signed(3), c));
		assert!(Pools::<Test>::get(c, 3).is_none());
		assert!(events().contains(&Event::PoolClosed { content: c, sponsor: 3 }));
		// Emptied while unlocking: removed by the payment that empties it.
		assert_ok!(Rewards::fund_pool(RuntimeOrigin::signed(4), c, 5_000, 4_000, Default::default()));
		assert_ok!(Rewards::unlock_pool(RuntimeOrigin::signed(4), c));
		verified(1, 0, 16 * MIB64, 16, &[pooled(2, c, 4, 1)]);
		assert_eq!(pool_of(c, 4).balance, 1_000);
		verified(6, 0, 16 * MIB64, 16, &[pooled(2, c, 4, 1)]);
		assert!(Pools::<Test>::get(c, 4).is_none());
		assert_eq!(EdgeRewards::<Test>::get(0, 6).unwrap().unpaid, 3_000);
	});
}

// ---------------------------------------------------------------------------------------------
// Payments

#[test]
fn amount_due_rounds_down_at_tiny_amounts_and_saturates_at_huge_ones() {
	new_test_ext().execute_with(|| {
		// One hit of sixteen on a 16 MiB claim: 1 MiB at the price.
		assert_eq!(Rewards::amount_due(16 * MIB64, 1, 16, 5_000), 5_000);
		assert_eq!(Rewards::amount_due(16 * MIB64, 3, 16, 5_000), 15_000);
		// A price below the minimum is charged the minimum.
		assert_eq!(Rewards::amount_due(16 * MIB64, 1, 16, 0), 1_000);
		// One byte: a thousandth of a MiB's price and less rounds to nothing.
		assert_eq!(Rewards::amount_due(1, 1, 1, 1_000), 0);
		assert_eq!(Rewards::amount_due(MIB64 / 1_000 + 1, 1, 1, 1_000), 1);
		// Huge: never panics, saturates.
		assert_eq!(Rewards::amount_due(u64::MAX, u32::MAX, 1, u128::MAX), Balance::MAX);
		assert_eq!(Rewards::amount_due(u64::MAX, 1, 1, u128::MAX / 2), Balance::MAX);
		assert_eq!(Rewards::amount_due(u64::MAX, 1, 0, 1), 0);
	});
}

proptest::proptest! {
	/// Every split adds up to its whole, at any amount and any shares.
	#[test]
	fn every_split_sums_to_its_whole(amount in proptest::prelude::any::<u128>(), creator in 0u32..500_000_000, fee in 1u32..500_000_000) {
		CreatorShare::set(Perbill::from_parts(creator));
		ProtocolFee::set(Perbill::from_parts(fee));
		let (edge, to_creator, treasury) = Rewards::split(amount);
		proptest::prop_assert_eq!(edge + to_creator + treasury, amount);
		proptest::prop_assert!(treasury >= ProtocolFee::get().mul_floor(amount));
	}
}

#[test]
fn a_verified_claim_pays_edge_creator_and_treasury_from_the_escrow() {
	new_test_ext().execute_with(|| {
		let c = add_content(1, 5);
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(2), 1_000_000, 0));
		let (edge0, creator0, treasury0) = (fuel(1), fuel(5), fuel(TREASURY));
		// Two hits of 16 on a 16 MiB claim at 10 000 per MiB: 20 000.
		verified(1, 0, 16 * MIB64, 16, &[receipt(2, c, 10_000, 2)]);
		assert_eq!(fuel(1) - edge0, 17_000, "85 %");
		assert_eq!(fuel(5) - creator0, 2_000, "10 %");
		assert_eq!(fuel(TREASURY) - treasury0, 1_000, "5 %");
		assert_eq!(Escrows::<Test>::get(2).unwrap().balance, 980_000);
		assert!(events().contains(&Event::Paid {
			edge: 1,
			epoch: 0,
			viewer: 2,
			content: c,
			payer: Payer::Escrow,
			amount: 20_000,
			to_edge: 17_000,
			to_creator: 2_000,
			to_treasury: 1_000,
			unpaid: 0
		}));
		let payout = EdgeRewards::<Test>::get(0, 1).unwrap();
		assert_eq!((payout.verified_bytes, payout.paid, payout.unpaid), (16 * MIB64, 17_000, 0));
		assert_eq!(CreatorRewards::<Test>::get(0, 5), 2_000);
		assert_eq!(EpochRewards::<Test>::get(0).unwrap().paid, 20_000);
	});
}

/// Livepeer's overdraw: a viewer's escrow pays one edge, then another; when its balance runs
/// out the reserve is taken, and what neither covers the edge bears.
#[test]
fn escrow_overdraw_across_two_edges_takes_the_reserve_and_the_edge_bears_the_rest() {
	new_test_ext().execute_with(|| {
		let c = add_content(1, 5);
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(2), 15_000, 3_000));
		verified(1, 0, 16 * MIB64, 16, &[receipt(2, c, 10_000, 1)]);
		assert_eq!(Escrows::<Test>::get(2).unwrap(), Escrow { balance: 5_000, reserve: 3_000, unlock_at: None });
		let edge0 = fuel(3);
		verified(3, 0, 16 * MIB64, 16, &[receipt(2, c, 10_000, 1)]);
		assert_eq!(Escrows::<Test>::get(2), None, "balance and reserve both taken; the empty escrow is removed");
		assert_eq!(fuel(3) - edge0, Perbill::from_percent(85).mul_floor(8_000u128));
		let payout = EdgeRewards::<Test>::get(0, 3).unwrap();
		assert_eq!(payout.unpaid, 2_000);
		assert!(events().iter().any(|e| matches!(e, Event::Paid { edge: 3, amount: 8_000, unpaid: 2_000, .. })));
		// Nothing left: a third edge is not paid at all.
		verified(4, 0, 16 * MIB64, 16, &[receipt(2, c, 10_000, 1)]);
		assert_eq!(EdgeRewards::<Test>::get(0, 4).unwrap().unpaid, 10_000);
	});
}

#[test]
fn a_pool_pays_instead_of_the_viewer_at_its_own_price() {
	new_test_ext().execute_with(|| {
		let c = add_content(1, 5);
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(2), 1_000_000, 0));
		assert_ok!(Rewards::fund_pool(RuntimeOrigin::signed(3), c, 1_000_000, 4_000, Default::default()));
		verified(1, 0, 16 * MIB64, 16, &[pooled(2, c, 3, 1)]);
		assert_eq!(Escrows::<Test>::get(2).unwrap().balance, 1_000_000, "the viewer pays nothing");
		assert_eq!(pool_of(c, 3).balance, 1_000_000 - 4_000);
		assert!(events().iter().any(|e| matches!(e, Event::Paid { payer: Payer::Pool(3), amount: 4_000, .. })));
		// A receipt that names the escrow is paid by the escrow, pool or not.
		verified(4, 0, 16 * MIB64, 16, &[receipt(2, c, 10_000, 1)]);
		assert_eq!(Escrows::<Test>::get(2).unwrap().balance, 990_000);
		assert_eq!(pool_of(c, 3).balance, 1_000_000 - 4_000);
	});
}

/// A sponsor that names its edges pays only them: a receipt another edge served that names
/// the pool goes unpaid (the edge should not have taken it; nobody else is charged in its
/// place), so an edge the sponsor does not trust cannot drain the pool with invented viewers.
#[test]
fn a_pool_for_named_edges_pays_only_them() {
	new_test_ext().execute_with(|| {
		let c = add_content(1, 5);
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(2), 1_000_000, 0));
		assert_ok!(Rewards::fund_pool(RuntimeOrigin::signed(3), c, 1_000_000, 4_000, vec![1].try_into().unwrap()));
		verified(4, 0, 16 * MIB64, 16, &[pooled(2, c, 3, 1)]);
		assert_eq!(pool_of(c, 3).balance, 1_000_000);
		assert_eq!(Escrows::<Test>::get(2).unwrap().balance, 1_000_000, "the viewer is not charged instead");
		assert_eq!(EdgeRewards::<Test>::get(0, 4).unwrap().unpaid, 1_000);
		verified(1, 0, 16 * MIB64, 16, &[pooled(2, c, 3, 1)]);
		assert_eq!(pool_of(c, 3).balance, 996_000);
	});
}

/// Content nobody registered (or already pruned) has no creator: its share goes to the treasury.
#[test]
fn the_creator_share_of_unknown_content_goes_to_the_treasury() {
	new_test_ext().execute_with(|| {
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(2), 1_000_000, 0));
		let treasury0 = fuel(TREASURY);
		verified(1, 0, 16 * MIB64, 16, &[receipt(2, content(7), 10_000, 1)]);
		assert_eq!(fuel(TREASURY) - treasury0, 1_500);
	});
}

// ---------------------------------------------------------------------------------------------
// Emission

/// The epoch's 1 000 000 FUEL: 20 % to the treasury; of the edges' 800 000, half by
/// availability, half by delivery. Availability: edges 1 (bond 100, score 3) and 2 (bond 100,
/// score 1) were found serving, 3 only failing, 5 serving and then suspended: 400 000 goes 3 : 1
/// to 1 and 2. Delivery: 1 and 4 each had a verified receipt that paid a fee of 500; the edges
/// get at most 80 % of the fees, 800, half each; the rest of the 400 000 goes to the treasury.
#[test]
fn emission_is_split_between_availability_and_delivery() {
	new_test_ext().execute_with(|| {
		let c = add_content(1, 5);
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(10), 1_000_000, 0));
		sampled(1, 0, true, false, 100, 3);
		sampled(2, 0, true, false, 100, 1);
		sampled(3, 0, false, false, 1_000_000, 1_000_000);
		sampled(5, 0, true, false, 1_000_000, 1_000_000);
		sampled(5, 0, false, true, 1_000_000, 900_000);
		// 16 MiB, 16 offsets, 1 hit at 10 000 per MiB: 10 000 paid, 500 of it the fee.
		verified(1, 0, 16 * MIB64, 16, &[receipt(10, c, 10_000, 1)]);
		verified(4, 0, 16 * MIB64, 16, &[receipt(10, c, 10_000, 1)]);
		sealed(1, 0, true, 100, 3);
		sealed(3, 0, false, 1_000_000, 1_000_000);
		sealed(4, 0, true, 1_000_000, 1_000_000);
		assert_noop!(Rewards::claim_rewards(RuntimeOrigin::signed(1), 0), Error::<Test>::EpochNotSealed);
		let (issuance, treasury0) = (fuel_issuance(), fuel(TREASURY));
		epoch_sealed(0);
		assert_eq!(fuel_issuance() - issuance, 1_000_000);
		let totals = EpochRewards::<Test>::get(0).unwrap();
		assert_eq!(
			(totals.to_availability, totals.to_delivery, totals.to_treasury, totals.available, totals.weight),
			(400_000, 800, 599_200, 2, 400)
		);
		assert_eq!(totals.delivery_fees, 1_000);
		assert_eq!(fuel(TREASURY) - treasury0, 599_200);
		assert!(events().contains(&Event::EmissionMinted {
			epoch: 0,
			to_availability: 400_000,
			to_delivery: 800,
			to_treasury: 599_200,
			available: 2
		}));
		assert_eq!(Rewards::pending_rewards(&1), vec![(0, 300_400)]);
		assert_eq!(Rewards::pending_rewards(&4), vec![(0, 400)]);

		let before = fuel(1);
		assert_ok!(Rewards::claim_rewards(RuntimeOrigin::signed(1), 0));
		assert_eq!(fuel(1) - before, 300_400);
		assert_noop!(Rewards::claim_rewards(RuntimeOrigin::signed(1), 0), Error::<Test>::AlreadyClaimed);
		assert_ok!(Rewards::claim_rewards(RuntimeOrigin::signed(2), 0));
		assert_ok!(Rewards::claim_rewards(RuntimeOrigin::signed(4), 0));
		// Failing only, suspended, never sampled nor paid: nothing to claim.
		for edge in [3, 5, 9] {
			assert_noop!(Rewards::claim_rewards(RuntimeOrigin::signed(edge), 0), Error::<Test>::NoRewards);
		}
		assert_noop!(Rewards::claim_rewards(RuntimeOrigin::signed(1), 1), Error::<Test>::EpochNotSealed);

		let report = Rewards::epoch_report(0).unwrap();
		let line = |e: AccountId| report.edges.iter().find(|l| l.edge == e).unwrap().clone();
		assert_eq!(line(2).emission, 100_000);
		assert_eq!((line(4).emission, line(4).payout.fee), (400, 500));
		assert_eq!((line(5).payout.weight, line(5).payout.score), (0, 900_000));
		assert!(report.edges.iter().all(|l| l.edge != 3 || l.payout.weight == 0));
		assert_eq!(report.creators, vec![(5, 2_000)]);
	});
}

/// When the fees are large, the delivery part is what binds: it is shared by fee, all of it.
#[test]
fn delivery_emission_is_shared_by_fee_when_fees_exceed_it() {
	new_test_ext().execute_with(|| {
		let c = add_content(1, 5);
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(10), 1_000_000_000_000, 0));
		// Fees of 5 % of 10⁸ and 3 × 10⁸: 2 × 10⁷ in all, far over 400 000 / 0.8.
		verified(1, 0, 16 * MIB64, 16, &[receipt(10, c, 100_000_000, 1)]);
		verified(2, 0, 16 * MIB64, 16, &[receipt(10, c, 300_000_000, 1)]);
		epoch_sealed(0);
		let totals = EpochRewards::<Test>::get(0).unwrap();
		// Nobody was found serving: the availability part goes to the treasury.
		assert_eq!((totals.to_availability, totals.to_delivery, totals.to_treasury), (0, 400_000, 600_000));
		assert_eq!(Rewards::pending_rewards(&1), vec![(0, 100_000)]);
		assert_eq!(Rewards::pending_rewards(&2), vec![(0, 300_000)]);
	});
}

/// Unclaimed emission goes to the treasury `RewardHorizon` epochs after sealing, and then
/// nobody can claim it; the epoch's records are pruned.
#[test]
fn unclaimed_emission_is_swept_to_the_treasury_at_the_horizon() {
	new_test_ext().execute_with(|| {
		let c = add_content(1, 5);
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(10), 1_000_000, 0));
		verified(1, 0, 16 * MIB64, 16, &[receipt(10, c, 10_000, 1)]);
		sampled(1, 0, true, false, 100, 1);
		sealed(1, 0, true, 100, 1);
		epoch_sealed(0);
		for e in 1..HORIZON {
			epoch_sealed(e);
			run_blocks(1);
		}
		assert!(EpochRewards::<Test>::get(0).is_some());
		let treasury0 = fuel(TREASURY);
		epoch_sealed(HORIZON);
		run_blocks(1);
		// Availability 400 000, delivery 400 (80 % of the fee of 500), none of it claimed.
		assert!(fuel(TREASURY) - treasury0 >= 400_400);
		assert!(events().contains(&Event::RewardsSwept { epoch: 0, amount: 400_400 }));
		assert!(EpochRewards::<Test>::get(0).is_none());
		assert_eq!(EdgeRewards::<Test>::iter_prefix(0).count(), 0);
		assert_eq!(CreatorRewards::<Test>::iter_prefix(0).count(), 0);
		assert_noop!(Rewards::claim_rewards(RuntimeOrigin::signed(1), 0), Error::<Test>::EpochNotSealed);
	});
}

#[test]
fn a_claim_past_the_horizon_but_not_yet_pruned_is_refused() {
	new_test_ext().execute_with(|| {
		EpochRewards::<Test>::insert(0, EpochTotals { sealed: true, swept: true, ..Default::default() });
		EdgeRewards::<Test>::insert(0, 1, EdgePayout { weight: 1, sealed: true, ..Default::default() });
		assert_noop!(Rewards::claim_rewards(RuntimeOrigin::signed(1), 0), Error::<Test>::EpochSwept);
	});
}

/// Sweeping within a small `on_idle` budget spreads over blocks, each within its budget. Each
/// block is committed to the backend, as on a real chain (`clear_prefix` limits count backend
/// keys).
#[test]
fn sweeping_with_a_small_budget_spreads_over_blocks() {
	let mut ext = new_test_ext();
	ext.execute_with(|| {
		for edge in 100..130 {
			sealed(edge, 0, false, 1, 1);
		}
		for e in 0..=HORIZON {
			epoch_sealed(e);
		}
	});
	ext.commit_all().unwrap();
	let budget = <() as WeightInfo>::sweep(4);
	let mut blocks = 0;
	loop {
		let left = ext.execute_with(|| {
			let before = EdgeRewards::<Test>::iter_prefix(0).count();
			if before == 0 {
				return 0;
			}
			let used = Rewards::on_idle(System::block_number(), budget);
			assert!(used.all_lte(budget), "{used:?} over {budget:?}");
			let after = EdgeRewards::<Test>::iter_prefix(0).count();
			assert!(after < before, "progress every block");
			after
		});
		ext.commit_all().unwrap();
		if left == 0 {
			break;
		}
		blocks += 1;
	}
	assert!(blocks >= 7, "30 records at 4 a block, took {blocks}");
	ext.execute_with(|| {
		assert_eq!(Rewards::on_idle(System::block_number(), Weight::zero()), Weight::zero());
		Rewards::on_idle(System::block_number(), budget);
		assert!(EpochRewards::<Test>::get(0).is_none());
		assert_eq!(SweepCursor::<Test>::get(), 1);
	});
}

#[test]
fn emission_follows_the_schedule_and_stops_at_the_cap() {
	new_test_ext().execute_with(|| {
		assert_eq!(Rewards::scheduled_emission(0), 1_000_000);
		assert_eq!(Rewards::scheduled_emission(1), 990_000);
		assert_eq!(Rewards::scheduled_emission(2), 980_100);
		assert!(Rewards::scheduled_emission(10_000) < 10);
		// With no edge found serving and no fee paid, the whole budget goes to the treasury.
		let (issuance, treasury0) = (fuel_issuance(), fuel(TREASURY));
		epoch_sealed(0);
		assert_eq!(fuel(TREASURY) - treasury0, 1_000_000);
		assert_eq!(fuel_issuance() - issuance, 1_000_000);
		// 1 234 units of room left under the cap: only that is minted, then nothing.
		MaxFuelIssuance::set(fuel_issuance() + 1_234);
		epoch_sealed(1);
		assert_eq!(fuel_issuance(), MaxFuelIssuance::get());
		epoch_sealed(2);
		assert_eq!(fuel_issuance(), MaxFuelIssuance::get());
		// Sealing an epoch twice mints once.
		MaxFuelIssuance::set(Balance::MAX);
		let issuance = fuel_issuance();
		epoch_sealed(2);
		assert_eq!(fuel_issuance(), issuance);
	});
}

/// Delivery's sealing may walk a claim twice (a restarted cursor): the second time changes
/// nothing, and sealing moves no weight; samples do: bond × score after the latest one, from the
/// first that found the edge serving.
#[test]
fn samples_set_the_availability_weight_and_sealing_changes_none() {
	new_test_ext().execute_with(|| {
		let c = add_content(1, 5);
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(10), 1_000_000, 0));
		verified(1, 0, 16 * MIB64, 16, &[receipt(10, c, 10_000, 1)]);
		sealed(1, 0, true, 100, 1);
		sealed(1, 0, true, 1_000_000, 1_000_000);
		let totals = || {
			let t = EpochRewards::<Test>::get(0).unwrap();
			(t.weight, t.available)
		};
		assert_eq!(totals(), (0, 0));
		assert_eq!(EdgeRewards::<Test>::get(0, 1).unwrap().bond, 100);
		// A failure before any success records nothing; a success counts; later samples move it.
		sampled(1, 0, false, false, 100, 5);
		assert_eq!(totals(), (0, 0));
		sampled(1, 0, true, false, 100, 6);
		assert_eq!(totals(), (600, 1));
		sampled(1, 0, false, false, 100, 4);
		assert_eq!(totals(), (400, 1));
		sampled(2, 0, true, false, 10, 10);
		assert_eq!(totals(), (500, 2));
		sampled(1, 0, false, true, 90, 3);
		assert_eq!(totals(), (100, 1));
		sealed(1, 0, true, 1, 1);
		assert_eq!(totals(), (100, 1));
		assert_eq!(EdgeRewards::<Test>::get(0, 1).unwrap().score, 3);
	});
}

#[test]
fn the_block_author_earns_vid() {
	new_test_ext().execute_with(|| {
		let (issuance, author) = (vid_issuance(), Balances::balance(&BLOCK_AUTHOR));
		run_blocks(3);
		assert_eq!(Balances::balance(&BLOCK_AUTHOR) - author, 21);
		assert_eq!(vid_issuance() - issuance, 21);
		Author::set(None);
		run_blocks(1);
		assert_eq!(vid_issuance() - issuance, 21);
	});
}

// ---------------------------------------------------------------------------------------------
// Conservation

/// A small deterministic generator for the random epochs.
struct Rng(u64);
impl Rng {
	fn next(&mut self) -> u64 {
		self.0 ^= self.0 << 13;
		self.0 ^= self.0 >> 7;
		self.0 ^= self.0 << 17;
		self.0
	}
	fn below(&mut self, n: u64) -> u64 {
		self.next() % n
	}
}

/// A thousand random epochs of deposits, pools, payments (with tiny and huge prices), sealed
/// claims, emission, claims of rewards, withdrawals and author rewards: FUEL's total issuance
/// moves by exactly what emission minted, VID's by exactly the authors' rewards; every payment
/// splits into parts that add up to it; the invariants hold after every epoch.
#[test]
fn both_tokens_are_conserved_over_a_thousand_random_epochs() {
	new_test_ext().execute_with(|| {
		// The cap binds about half-way.
		MaxFuelIssuance::set(fuel_issuance() + 50_000_000);
		let contents: Vec<ContentId> = (1..=4).map(|n| add_content(n, 15 + n as u64)).collect();
		let mut rng = Rng(0x5eed);
		let (fuel0, vid0) = (fuel_issuance(), vid_issuance());
		for epoch in 0..1_000u32 {
			System::reset_events();
			CurrentEpoch::set(epoch);
			for _ in 0..rng.below(3) {
				let viewer = 2 + rng.below(6);
				let _ = Rewards::deposit_escrow(RuntimeOrigin::signed(viewer), rng.below(200_000) as u128, rng.below(20_000) as u128);
			}
			if rng.below(4) == 0 {
				let sponsor = 8 + rng.below(2);
				let c = contents[rng.below(4) as usize];
				let _ = Rewards::fund_pool(RuntimeOrigin::signed(sponsor), c, rng.below(100_000) as u128, 1_000 + rng.below(50_000) as u128, Default::default());
			}
			let edges: Vec<AccountId> = (0..1 + rng.below(4)).map(|i| 12 + i).collect();
			for edge in &edges {
				let proven = rng.below(5) != 0;
				if proven {
					let samples = 1 + rng.below(16) as u32;
					let total = 1 + rng.below(64 * MIB64);
					let drawn: Vec<_> = (0..1 + rng.below(samples as u64))
						.map(|_| {
							let price = match rng.below(3) {
								0 => 0,
								1 => rng.below(100_000) as u128,
								_ => u128::MAX / (1 + rng.below(1 << 20)) as u128,
							};
							let (viewer, c, hits) = (2 + rng.below(6), contents[rng.below(4) as usize], 1 + rng.below(3) as u32);
							if rng.below(3) == 0 {
								pooled(viewer, c, 8 + rng.below(2), hits)
							} else {
								receipt(viewer, c, price, hits)
							}
						})
						.collect();
					verified(*edge, epoch, total, samples, &drawn);
				}
				for _ in 0..rng.below(3) {
					let served = rng.below(3) != 0;
					sampled(*edge, epoch, served, rng.below(8) == 0, 1 + rng.below(1_000) as u128, rng.below(1_000_000) as u32);
				}
				sealed(*edge, epoch, proven, 1 + rng.below(1_000) as u128, rng.below(1_000_000) as u32);
			}
			epoch_sealed(epoch);
			for edge in &edges {
				if rng.below(2) == 0 {
					let _ = Rewards::claim_rewards(RuntimeOrigin::signed(*edge), epoch.saturating_sub(rng.below(3) as u32));
				}
			}
			if rng.below(10) == 0 {
				let viewer = 2 + rng.below(6);
				let _ = Rewards::unlock_escrow(RuntimeOrigin::signed(viewer));
				let _ = Rewards::withdraw_escrow(RuntimeOrigin::signed(viewer));
			}
			run_blocks(1 + rng.below(UNLOCK / 5));
			for e in events() {
				if let Event::Paid { amount, to_edge, to_creator, to_treasury, .. } = e {
					assert_eq!(to_edge + to_creator + to_treasury, amount, "a split adds up");
				}
			}
		}
		// What emission minted, by the schedule and the cap: every epoch was sealed once.
		let scheduled: Balance = (0..1_000).map(Rewards::scheduled_emission).sum();
		assert!(scheduled > 50_000_000, "the cap binds");
		let expected_fuel = scheduled.min(50_000_000);
		assert_eq!(fuel_issuance() - fuel0, expected_fuel);
		assert_eq!(vid_issuance() - vid0, AuthorReward::get() * (System::block_number() as u128 - 1));
		// Every unit of FUEL is somewhere: in accounts, which add up to the issuance.
		let held: Balance = pallet_assets::Account::<Test>::iter_prefix(FUEL_ID).map(|(_, a)| a.balance).sum();
		assert_eq!(held, fuel_issuance());
	});
}

// ---------------------------------------------------------------------------------------------
// Self-dealing

/// What the edge (account 1) owns, directly or through the viewer keys it made (accounts 11..):
/// their FUEL, their escrows, and its VID.
fn wealth_of_edge(fakes: &[AccountId]) -> Balance {
	let mut w = fuel(1) + Balances::balance(&1);
	for f in fakes {
		w += fuel(*f) + Escrows::<Test>::get(f).map_or(0, |e| e.balance + e.reserve);
	}
	w
}

/// The change of the edge's (account 1) wealth over an epoch in which its claim holds `honest`
/// receipts (viewer, bytes, price) and `fakes` (its own viewer keys, bytes, price) of content
/// `c`, at the mean of the byte-weighted draw: sizes are whole half-MiBs and the claim draws one
/// offset per half-MiB, each receipt hit once per half-MiB it holds, so every receipt pays
/// exactly its bytes × its price, as it does in expectation. The edge is found serving with
/// `bond` and `score` next to `others` honest edges (found serving, paid by a viewer), the epoch
/// is sealed and the edge claims its emission.
fn expected_wealth(
	c: ContentId,
	honest: &[(AccountId, u64, u128)],
	fakes: &[(AccountId, u64, u128)],
	bond: Balance,
	score: u32,
	others: u32,
) -> f64 {
	const HALF: u64 = MIB64 / 2;
	let fake_keys: Vec<AccountId> = fakes.iter().map(|f| f.0).collect();
	let start = wealth_of_edge(&fake_keys) as f64;
	// The edge funds its viewer keys' escrows from its own FUEL.
	for (fake, ..) in fakes {
		assert_ok!(<Assets as frame_support::traits::fungibles::Mutate<AccountId>>::transfer(
			FUEL_ID,
			&1,
			fake,
			50_000_000_000,
			frame_support::traits::tokens::Preservation::Expendable
		));
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(*fake), 50_000_000_000, 0));
	}
	assert_eq!(wealth_of_edge(&fake_keys) as f64, start, "funding its own keys moves nothing");
	let all: Vec<(AccountId, u64, u128)> = honest.iter().chain(fakes).copied().collect();
	assert!(all.iter().all(|r| r.1 % HALF == 0));
	let total: u64 = all.iter().map(|r| r.1).sum();
	let drawn: Vec<_> = all.iter().map(|(v, bytes, price)| receipt(*v, c, *price, (bytes / HALF) as u32)).collect();
	verified(1, 0, total, (total / HALF) as u32, &drawn);
	sampled(1, 0, true, false, bond, score);
	sealed(1, 0, true, bond, score);
	for o in 0..others {
		let edge = 16 + o as AccountId;
		verified(edge, 0, 16 * MIB64, 16, &[receipt(2, c, 10_000, 1)]);
		sampled(edge, 0, true, false, 1_000, 500_000);
		sealed(edge, 0, true, 1_000, 500_000);
	}
	epoch_sealed(0);
	assert_ok!(Rewards::claim_rewards(RuntimeOrigin::signed(1), 0));
	wealth_of_edge(&fake_keys) as f64 - start
}

/// Self-dealing never pays: over a grid of prices, fees, creator shares, bonds, scores, numbers
/// of honest edges, fake volumes and who created the content, an edge whose claim also holds
/// receipts of viewer keys it made and funded ends the epoch with strictly less FUEL + VID than
/// the same edge without them — by at least `1 − DeliveryFeeCap` of the protocol fee on its
/// fake bytes at the minimum price (the delivery emission gives back at most `DeliveryFeeCap`
/// of the fee).
#[test]
fn self_dealing_never_pays() {
	let mut points = 0;
	for price in [1_000u128, 30_000, 5_000_000] {
		for fee in [1u32, 5, 20] {
			for creator_share in [0u32, 10] {
				for (bond, score) in [(1u128, 1u32), (1_000_000, 1_000_000)] {
					for others in [0u32, 3] {
						for fake_mib in [1u64, 64, 4_096] {
							for creator in [5u64, 1] {
								let run = |with_fakes: bool| {
									new_test_ext().execute_with(|| {
										ProtocolFee::set(Perbill::from_percent(fee));
										CreatorShare::set(Perbill::from_percent(creator_share));
										let c = add_content(1, creator);
										for v in 2..=4 {
											assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(v), 100_000_000_000, 0));
										}
										let honest = [(2, 40 * MIB64, price), (3, 10 * MIB64, price), (4, 14 * MIB64, price / 2)];
										let fakes: Vec<_> = if with_fakes {
											vec![(11, fake_mib * MIB64 / 2, 0), (13, fake_mib * MIB64 / 2, price * 3)]
										} else {
											vec![]
										};
										expected_wealth(c, &honest, &fakes, bond, score, others)
									})
								};
								let (without, with) = (run(false), run(true));
								let least_fee = Perbill::from_percent(fee).mul_floor(fake_mib as u128 * 1_000) as f64;
								let least_loss = least_fee * (1.0 - DeliveryFeeCap::get().deconstruct() as f64 / 1e9);
								assert!(
									with < without - least_loss * 0.99,
									"price {price}, fee {fee} %, creator share {creator_share} %, bond {bond}, score {score}, \
									 {others} other edges, {fake_mib} fake MiB, creator {creator}: {with} ≥ {without} − {least_loss}"
								);
								points += 1;
							}
						}
					}
				}
			}
		}
	}
	assert_eq!(points, 3 * 3 * 2 * 2 * 2 * 3 * 2);
}

/// What an edge (account 1) ends an epoch with, in one play of the emission game.
struct Play {
	/// The change of its wealth (FUEL and VID, its viewer key's too) over the epoch.
	gain: i128,
	/// The protocol fee its receipts paid.
	fee: Balance,
}

/// One play of the emission game: edge 1, with `bond` and `score`, among `honest` edges (bond
/// 1 000, score 500 000, found serving, each paid 1 MiB at 10 000 per MiB by a real viewer),
/// in an epoch that mints `emission`. Its strategy: whether it answers the validators' probes
/// (`answers`), and `bytes` of receipts at `price` signed by its own viewer key (account 11,
/// funded by the edge), of its own content or another creator's. Any pool the edge funds for
/// them pays through the same split, so its own pools are the same strategy.
fn play(honest: u32, emission: Balance, bond: Balance, score: u32, answers: bool, bytes: u64, price: u128, own: bool) -> Play {
	new_test_ext().execute_with(|| {
		InitialEmission::set(emission);
		let theirs = add_content(1, 5);
		let mine = add_content(2, 1);
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(2), 100_000_000_000, 0));
		for i in 0..honest {
			let edge = 10_000 + i as AccountId;
			sampled(edge, 0, true, false, 1_000, 500_000);
			verified(edge, 0, 16 * MIB64, 16, &[receipt(2, theirs, 10_000, 1)]);
			sealed(edge, 0, true, 1_000, 500_000);
		}
		let wealth = || fuel(1) + Balances::balance(&1) + fuel(11) + Escrows::<Test>::get(11).map_or(0, |e| e.balance + e.reserve);
		let start = wealth();
		if answers {
			sampled(1, 0, true, false, bond, score);
		} else {
			// Its endpoint answers with another edge's server: the probes fail.
			sampled(1, 0, false, false, bond, score);
		}
		if bytes > 0 {
			assert_ok!(<Assets as frame_support::traits::fungibles::Mutate<AccountId>>::transfer(
				FUEL_ID,
				&1,
				&11,
				100_000_000_000,
				frame_support::traits::tokens::Preservation::Expendable
			));
			assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(11), 100_000_000_000, 0));
			// One receipt, every offset in it: it pays bytes × price.
			verified(1, 0, bytes, 16, &[receipt(11, if own { mine } else { theirs }, price, 16)]);
			sealed(1, 0, true, bond, score);
		}
		epoch_sealed(0);
		let _ = Rewards::claim_rewards(RuntimeOrigin::signed(1), 0);
		let fee = EdgeRewards::<Test>::get(0, 1).map_or(0, |p| p.fee);
		Play { gain: wealth() as i128 - start as i128, fee }
	})
}

/// The emission game, over 1, 10, 100 and 10 000 honest edges, emission levels, bonds, scores,
/// volumes, prices and whose content: against answering probes and claiming nothing, paying for
/// its own receipts changes an edge's wealth by at most −(1 − `DeliveryFeeCap`) × the fee it
/// paid (never a gain), and an edge that does not answer probes — whatever it pays for — ends no
/// richer than one that answers them and claims nothing.
#[test]
fn emission_cannot_be_farmed_with_invented_viewers() {
	let cap = DeliveryFeeCap::get();
	let mut points = 0;
	for honest in [1u32, 10, 100, 10_000] {
		let big = honest == 10_000;
		for emission in [1_000u128, 1_000_000_000_000] {
			for (bond, score) in [(1u128, 1u32), (1_000_000_000_000, 1_000_000)] {
				let base = play(honest, emission, bond, score, true, 0, 0, false);
				assert!(base.gain >= 0 && base.fee == 0);
				let volumes: &[u64] = if big { &[MIB64] } else { &[1, MIB64, 1 << 30] };
				let prices: &[u128] = if big { &[1_000, 10_000_000] } else { &[1_000, 10_000_000, 1 << 60] };
				let owners: &[bool] = if big { &[true] } else { &[true, false] };
				for &bytes in volumes {
					for &price in prices {
						for &own in owners {
							let dealt = play(honest, emission, bond, score, true, bytes, price, own);
							let kept = cap.left_from_one().mul_floor(dealt.fee) as i128;
							assert!(
								dealt.gain <= base.gain - kept + 1,
								"{honest} honest edges, emission {emission}, bond {bond}, score {score}, {bytes} B at \
								 {price}, own content {own}: gained {} against {} (fee {})",
								dealt.gain, base.gain, dealt.fee
							);
							let silent = play(honest, emission, bond, score, false, bytes, price, own);
							assert!(
								silent.gain <= base.gain,
								"{honest} honest edges, emission {emission}, bond {bond}, score {score}, {bytes} B at \
								 {price}, own content {own}, no probes answered: gained {} against {}",
								silent.gain, base.gain
							);
							points += 1;
						}
					}
				}
			}
		}
	}
	assert_eq!(points, 3 * 2 * 2 * (3 * 3 * 2) + 2 * 2 * 2);
}

/// Whatever the draw, the FUEL an edge sends around through its own viewer keys comes back short:
/// over many seeds of the real byte-weighted draw, every hit on an invented receipt leaves the
/// edge and its keys poorer by at least the fee.
#[test]
fn invented_receipts_cost_their_edge_in_every_draw() {
	use vidchain_primitives::sampling;
	new_test_ext().execute_with(|| {
		let c = add_content(1, 5);
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(2), 1_000_000_000_000, 0));
		assert_ok!(Rewards::deposit_escrow(RuntimeOrigin::signed(11), 100_000_000_000, 0));
		// Receipts in byte order: the honest viewer's 90 MiB, then the invented 10 MiB.
		let (honest, fake) = (90 * MIB64, 10 * MIB64);
		let mut drawn_fakes = 0;
		for seed in 0..300u32 {
			let offsets = sampling::draw_offsets(&H256(sp_io::hashing::blake2_256(&seed.to_le_bytes())), honest + fake, 16);
			let fake_hits = offsets.iter().filter(|o| **o >= honest).count() as u32;
			let fake_drawn = receipt(11, c, 50_000, fake_hits.max(1));
			// The invented receipt's payment alone: what it moves for the edge and its key.
			let moved = with_transaction(|| {
				let before = wealth_of_edge(&[11]);
				if fake_hits > 0 {
					verified(1, seed, honest + fake, 16, &[fake_drawn.clone()]);
				}
				TransactionOutcome::Rollback(Ok::<i128, DispatchError>(wealth_of_edge(&[11]) as i128 - before as i128))
			})
			.unwrap();
			if fake_hits == 0 {
				assert_eq!(moved, 0);
			} else {
				let due = Rewards::amount_due(honest + fake, fake_hits, 16, 50_000) as i128;
				assert!(moved <= -(due * 5 / 100), "seed {seed}: {moved}");
			}
			drawn_fakes += (fake_hits > 0) as u32;
		}
		assert!(drawn_fakes > 150 && drawn_fakes < 300, "both cases are exercised: {drawn_fakes}");
	});
}

/// A creator that sponsors its own content and serves it through its own edge gets back what
/// the pool paid, less the protocol fee: it gains nothing it did not pay.
#[test]
fn a_creator_sponsoring_its_own_content_through_its_own_edge_gains_nothing() {
	new_test_ext().execute_with(|| {
		let c = add_content(1, 1);
		assert_ok!(Rewards::fund_pool(RuntimeOrigin::signed(1), c, 10_000_000, 100_000, Default::default()));
		let owned = || fuel(1) + Pools::<Test>::get(c, 1).map_or(0, |p| p.balance);
		let before = owned();
		for epoch in 0..20 {
			verified(1, epoch, 64 * MIB64, 16, &[pooled(11, c, 1, 3), pooled(12, c, 1, 13)]);
			sealed(1, epoch, true, 1, 1);
		}
		let paid = 10_000_000 - pool_of(c, 1).balance;
		assert!(paid > 0);
		assert_eq!(before - owned(), paid - Perbill::from_percent(85).mul_floor(paid) - Perbill::from_percent(10).mul_floor(paid));
		assert!(owned() < before);
	});
}

// ---------------------------------------------------------------------------------------------
// Migrations

/// Version 1 → 2: each content's one pool becomes its sponsor's own, with its price and edges
/// as terms from epoch 0, its balance and unlock kept; the FUEL held does not move; a second
/// run does nothing.
#[test]
fn pools_migrate_to_one_per_sponsor_and_nothing_moves() {
	use crate::migrations::v2;
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		let c = add_content(1, 5);
		StorageVersion::new(1).put::<Rewards>();
		v2::Pools::<Test>::insert(
			c,
			v2::OldPool::<Test> { sponsor: 3, balance: 7_000, price_per_mib: 4_000, edges: vec![1].try_into().unwrap(), unlock_at: Some(9) },
		);
		let held = fuel(Rewards::account());
		v2::MigrateToV2::<Test>::on_runtime_upgrade();
		assert_eq!(Rewards::on_chain_storage_version(), StorageVersion::new(2));
		let pool = pool_of(c, 3);
		assert_eq!((pool.balance, pool.unlock_at, pool.pays(&1, 0), pool.pays(&2, 0)), (7_000, Some(9), Some(4_000), None));
		assert_eq!(fuel(Rewards::account()), held);
		v2::MigrateToV2::<Test>::on_runtime_upgrade();
		assert_eq!(Pools::<Test>::iter().count(), 1);
	});
}
