//! A mock runtime for pallet-validators' tests: System, Timestamp, Aura (sr25519 keys, as on
//! Vidchain), Grandpa and Validators, with root as the admin origin, a set of at most 4, and
//! Aura's slot and the timestamp's period read from pallet-validators as on Vidchain.

use crate as pallet_validators;
use frame_support::{
	derive_impl,
	traits::{ConstBool, ConstU32, ConstU64, OnFinalize, OnInitialize},
};
use frame_system::EnsureRoot;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::{ed25519, sr25519};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;
	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;
	#[runtime::pallet_index(4)]
	pub type Validators = pallet_validators;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type DbWeight = frame_support::weights::constants::ParityDbWeight;
}

impl pallet_timestamp::Config for Test {
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = pallet_validators::MinimumPeriodOf<Test>;
	type WeightInfo = ();
}

impl pallet_aura::Config for Test {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<4>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_validators::SlotDurationOf<Test>;
}

impl pallet_grandpa::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<4>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_validators::Config for Test {
	type AdminOrigin = EnsureRoot<u64>;
	type DefaultSlotDuration = DefaultSlot;
	type WeightInfo = ();
}

/// Validator `i`'s Aura key.
pub fn aura(i: u8) -> AuraId {
	sr25519::Public::from_raw([i; 32]).into()
}

/// Validator `i`'s GRANDPA key.
pub fn grandpa(i: u8) -> crate::GrandpaId {
	ed25519::Public::from_raw([i; 32]).into()
}

/// The mock's slot duration when its genesis sets none (ms).
pub const DEFAULT_SLOT_DURATION: u64 = 6_000;

frame_support::parameter_types! {
	/// `Config::DefaultSlotDuration`: [`DEFAULT_SLOT_DURATION`], settable per test thread.
	pub static DefaultSlot: u64 = DEFAULT_SLOT_DURATION;
}

/// Validators 1 and 2 at genesis, in both sets; at block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	new_test_ext_with_slot(0)
}

/// [`new_test_ext`] whose genesis sets `slot_duration` (0: none, the default).
pub fn new_test_ext_with_slot(slot_duration: u64) -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_validators::GenesisConfig::<Test> { slot_duration, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_aura::GenesisConfig::<Test> { authorities: vec![aura(1), aura(2)] }
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_grandpa::GenesisConfig::<Test> {
		authorities: vec![(grandpa(1), 1), (grandpa(2), 1)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// End the current block (GRANDPA logs and enacts its change in `on_finalize`).
pub fn end_block() {
	Grandpa::on_finalize(System::block_number());
}

/// Start the next block (a fresh digest and no events).
pub fn next_block() {
	let next = System::block_number() + 1;
	System::initialize(&next, &Default::default(), &Default::default());
	Grandpa::on_initialize(next);
}
