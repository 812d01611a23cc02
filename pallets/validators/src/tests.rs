//! pallet-validators' tests on the mock runtime: both consensus sets change together, only the
//! admin origin changes them, and every refused call changes nothing.

use crate::{mock::*, Error, Event};
use codec::Decode;
use frame_support::{assert_noop, assert_ok};
use sp_consensus_aura::{sr25519::AuthorityId as AuraId, ConsensusLog as AuraLog, AURA_ENGINE_ID};
use sp_consensus_grandpa::{ConsensusLog as GrandpaLog, GRANDPA_ENGINE_ID};
use sp_runtime::{generic::DigestItem, DispatchError};

fn aura_set() -> Vec<AuraId> {
	pallet_aura::Authorities::<Test>::get().into_inner()
}

fn grandpa_set() -> Vec<crate::GrandpaId> {
	Grandpa::grandpa_authorities().into_iter().map(|(key, weight)| {
		assert_eq!(weight, 1);
		key
	})
	.collect()
}

/// The Aura and GRANDPA logs of the current block's digest.
fn logs() -> (Vec<AuraLog<AuraId>>, Vec<GrandpaLog<u64>>) {
	let mut aura_logs = Vec::new();
	let mut grandpa_logs = Vec::new();
	for item in System::digest().logs {
		if let DigestItem::Consensus(engine, data) = item {
			if engine == AURA_ENGINE_ID {
				aura_logs.push(AuraLog::decode(&mut &data[..]).unwrap());
			} else if engine == GRANDPA_ENGINE_ID {
				grandpa_logs.push(GrandpaLog::decode(&mut &data[..]).unwrap());
			}
		}
	}
	(aura_logs, grandpa_logs)
}

#[test]
fn root_adds_a_validator_to_both_sets() {
	new_test_ext().execute_with(|| {
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), aura(3), grandpa(3)));
		// Aura: at once, and logged.
		assert_eq!(aura_set(), vec![aura(1), aura(2), aura(3)]);
		System::assert_last_event(
			Event::ValidatorAdded { aura: aura(3), grandpa: grandpa(3), validators: 3 }.into(),
		);
		// GRANDPA: a standard change with no delay, signalled and enacted at the block's end.
		let pending = pallet_grandpa::PendingChange::<Test>::get().expect("a change is scheduled");
		assert_eq!(pending.delay, 0);
		assert_eq!(pending.forced, None);
		assert_eq!(pallet_grandpa::CurrentSetId::<Test>::get(), 1);
		end_block();
		assert_eq!(grandpa_set(), vec![grandpa(1), grandpa(2), grandpa(3)]);
		let (aura_logs, grandpa_logs) = logs();
		match &aura_logs[..] {
			[AuraLog::AuthoritiesChange(set)] => assert_eq!(*set, aura_set()),
			_ => panic!("expected one Aura authorities change, got {} logs", aura_logs.len()),
		}
		match &grandpa_logs[..] {
			[GrandpaLog::ScheduledChange(change)] => {
				assert_eq!(change.delay, 0);
				assert_eq!(change.next_authorities, Grandpa::grandpa_authorities());
			},
			other => panic!("expected one scheduled change, got {other:?}"),
		}
		assert!(pallet_grandpa::PendingChange::<Test>::get().is_none());
	});
}

#[test]
fn root_removes_a_validator_from_both_sets() {
	new_test_ext().execute_with(|| {
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), aura(1), grandpa(1)));
		assert_eq!(aura_set(), vec![aura(2)]);
		System::assert_last_event(
			Event::ValidatorRemoved { aura: aura(1), grandpa: grandpa(1), validators: 1 }.into(),
		);
		end_block();
		assert_eq!(grandpa_set(), vec![grandpa(2)]);
		let (aura_logs, grandpa_logs) = logs();
		assert_eq!(aura_logs.len(), 1);
		assert_eq!(grandpa_logs.len(), 1);
	});
}

#[test]
fn only_the_admin_origin_changes_the_set() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::signed(1), aura(3), grandpa(3)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Validators::remove_validator(RuntimeOrigin::signed(1), aura(1), grandpa(1)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::none(), aura(3), grandpa(3)),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_key_already_in_either_set_is_refused() {
	new_test_ext().execute_with(|| {
		// Both known, or only one of them: either would put a key twice in a set.
		for (a, g) in [(1, 1), (1, 3), (3, 2)] {
			assert_noop!(
				Validators::add_validator(RuntimeOrigin::root(), aura(a), grandpa(g)),
				Error::<Test>::AlreadyValidator
			);
		}
	});
}

#[test]
fn removing_needs_both_keys_in_the_set() {
	new_test_ext().execute_with(|| {
		// Another validator's GRANDPA key, an unknown one, and an unknown Aura key.
		for (a, g) in [(1, 2), (1, 3), (3, 1)] {
			assert_noop!(
				Validators::remove_validator(RuntimeOrigin::root(), aura(a), grandpa(g)),
				Error::<Test>::NotValidator
			);
		}
	});
}

#[test]
fn the_last_validator_cannot_leave() {
	new_test_ext().execute_with(|| {
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), aura(1), grandpa(1)));
		end_block();
		next_block();
		assert_noop!(
			Validators::remove_validator(RuntimeOrigin::root(), aura(2), grandpa(2)),
			Error::<Test>::LastValidator
		);
	});
}

#[test]
fn the_set_is_bounded() {
	new_test_ext().execute_with(|| {
		for i in 3..=4 {
			assert_ok!(Validators::add_validator(RuntimeOrigin::root(), aura(i), grandpa(i)));
			end_block();
			next_block();
		}
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::root(), aura(5), grandpa(5)),
			Error::<Test>::TooManyValidators
		);
		assert_eq!(aura_set().len(), 4);
		assert_eq!(grandpa_set().len(), 4);
	});
}

#[test]
fn one_change_per_block() {
	new_test_ext().execute_with(|| {
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), aura(3), grandpa(3)));
		// GRANDPA's change of this block is pending: a second one is refused, and Aura is not
		// changed alone.
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::root(), aura(4), grandpa(4)),
			Error::<Test>::ChangePending
		);
		assert_noop!(
			Validators::remove_validator(RuntimeOrigin::root(), aura(1), grandpa(1)),
			Error::<Test>::ChangePending
		);
		end_block();
		next_block();
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), aura(4), grandpa(4)));
		assert_eq!(pallet_grandpa::CurrentSetId::<Test>::get(), 2);
		end_block();
		assert_eq!(aura_set(), vec![aura(1), aura(2), aura(3), aura(4)]);
		assert_eq!(grandpa_set(), vec![grandpa(1), grandpa(2), grandpa(3), grandpa(4)]);
	});
}

/// Start block 2 as Aura's `slot` (the pre-runtime digest a block author writes), then set its
/// timestamp to `now` as the block's inherent does: Aura panics unless `now` falls in `slot` at
/// this chain's slot duration, and the timestamp pallet unless `now` is half a slot past its last.
fn author_block_2(slot: u64, now: u64) {
	use codec::Encode;
	let pre = DigestItem::PreRuntime(AURA_ENGINE_ID, sp_consensus_aura::Slot::from(slot).encode());
	System::initialize(&2, &Default::default(), &sp_runtime::Digest { logs: vec![pre] });
	<Aura as frame_support::traits::OnInitialize<u64>>::on_initialize(2);
	assert_ok!(Timestamp::set(RuntimeOrigin::none(), now));
}

#[test]
fn a_genesis_without_a_slot_duration_runs_the_default() {
	use frame_support::traits::Get;
	new_test_ext().execute_with(|| {
		assert_eq!(crate::SlotDuration::<Test>::get(), None);
		assert_eq!(Validators::slot_duration(), DEFAULT_SLOT_DURATION);
		assert_eq!(Aura::slot_duration(), DEFAULT_SLOT_DURATION);
		assert_eq!(<Test as pallet_timestamp::Config>::MinimumPeriod::get(), DEFAULT_SLOT_DURATION / 2);
		// Slot 50 starts at 50 × 6 s.
		author_block_2(50, 50 * DEFAULT_SLOT_DURATION);
	});
}

#[test]
fn the_genesis_slot_duration_is_the_one_aura_and_the_timestamp_run() {
	use frame_support::traits::Get;
	new_test_ext_with_slot(2_000).execute_with(|| {
		assert_eq!(crate::SlotDuration::<Test>::get(), Some(2_000));
		assert_eq!(Aura::slot_duration(), 2_000);
		assert_eq!(<Test as pallet_timestamp::Config>::MinimumPeriod::get(), 1_000);
		// A block authored in slot 50 at 100 s is accepted: 100 s is slot 50 at 2-second slots
		// (slot 16 at the default's 6, which Aura would refuse).
		author_block_2(50, 100_000);
	});
}

#[test]
#[should_panic(expected = "Timestamp slot must match `CurrentSlot`")]
fn a_timestamp_outside_its_slot_is_refused_at_the_genesis_slot_duration() {
	new_test_ext_with_slot(2_000).execute_with(|| {
		// 300 s is slot 50 at the default 6-second slots, but slot 150 at this chain's 2.
		author_block_2(50, 300_000);
	});
}

#[test]
#[should_panic(expected = "slot_duration must be even and at least 1000 ms")]
fn a_genesis_slot_shorter_than_the_minimum_is_refused() {
	new_test_ext_with_slot(998);
}

#[test]
#[should_panic(expected = "slot_duration must be even and at least 1000 ms")]
fn an_odd_genesis_slot_is_refused() {
	// Half of it, the timestamp's minimum period, would not be a whole millisecond.
	new_test_ext_with_slot(2_001);
}

#[test]
fn the_shortest_slot_is_accepted() {
	new_test_ext_with_slot(crate::MIN_SLOT_DURATION).execute_with(|| {
		assert_eq!(Aura::slot_duration(), crate::MIN_SLOT_DURATION);
	});
}

#[test]
#[should_panic(expected = "DefaultSlotDuration must be even and at least 1000 ms")]
fn a_runtime_whose_default_slot_is_too_short_fails_its_integrity_test() {
	use frame_support::traits::Hooks;
	<Validators as Hooks<u64>>::integrity_test();
	// The mock's own default passes; one under the minimum does not.
	DefaultSlot::set(crate::MIN_SLOT_DURATION - 2);
	<Validators as Hooks<u64>>::integrity_test();
}
