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
