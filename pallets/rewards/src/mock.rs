//! A mock runtime for pallet-rewards' tests: System, Balances (VID), Assets (FUEL, a sufficient
//! asset seen through `fungible::ItemOf`, as on Vidchain) and Rewards. Delivery is played by the
//! tests: they call the `DeliveryPayments` hooks as pallet-delivery does, and register contents
//! in [`MockContents`].

use crate as pallet_rewards;
use frame_support::{
	derive_impl, parameter_types,
	traits::{
		fungible::ItemOf, AsEnsureOriginWithArg, ConstU128, ConstU32, ConstU64, FindAuthor,
	},
	PalletId,
};
use frame_system::{EnsureRoot, EnsureSigned};
use sp_runtime::{BuildStorage, ConsensusEngineId, Perbill};
use vidchain_primitives::{delivery::ContentId, traits::ContentRegistry};

pub type AccountId = u64;
pub use crate::Balance;
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
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(2)]
	pub type Assets = pallet_assets;
	#[runtime::pallet_index(3)]
	pub type Rewards = pallet_rewards;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
	type DbWeight = frame_support::weights::constants::ParityDbWeight;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type ExistentialDeposit = ConstU128<1>;
}

#[derive_impl(pallet_assets::config_preludes::TestDefaultConfig)]
impl pallet_assets::Config for Test {
	type Balance = Balance;
	type Currency = Balances;
	type CreateOrigin = AsEnsureOriginWithArg<EnsureSigned<AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	type AssetDeposit = ConstU128<1>;
	type AssetAccountDeposit = ConstU128<1>;
	type MetadataDepositBase = ConstU128<1>;
	type MetadataDepositPerByte = ConstU128<1>;
	type ApprovalDeposit = ConstU128<1>;
	type Freezer = ();
	type Holder = ();
}

/// FUEL's asset id.
pub const FUEL_ID: u32 = 1;
pub const TREASURY: AccountId = 1_000;
pub const BLOCK_AUTHOR: AccountId = 1_001;
pub const UNLOCK: u64 = 30;
pub const HORIZON: u32 = 3;

parameter_types! {
	pub const FuelId: u32 = FUEL_ID;
	pub const RewardsPalletId: PalletId = PalletId(*b"vc/rewrd");
	pub const Treasury: AccountId = TREASURY;
	pub static CreatorShare: Perbill = Perbill::from_percent(10);
	pub static ProtocolFee: Perbill = Perbill::from_percent(5);
	pub static InitialEmission: Balance = 1_000_000;
	pub static EmissionDecay: Perbill = Perbill::from_percent(1);
	pub static MaxFuelIssuance: Balance = Balance::MAX;
	pub static TreasuryEmissionShare: Perbill = Perbill::from_percent(20);
	pub static DeliveryEmissionShare: Perbill = Perbill::from_percent(50);
	pub static DeliveryFeeCap: Perbill = Perbill::from_percent(80);
	pub static MinPricePerMib: u128 = 1_000;
	pub static AuthorReward: Balance = 7;
	/// The delivery epoch the mock is in.
	pub static CurrentEpoch: u32 = 0;
	/// Contents: id → (creator, live).
	pub static Contents: Vec<(ContentId, AccountId, bool)> = vec![];
	/// The block author the digest names.
	pub static Author: Option<AccountId> = Some(BLOCK_AUTHOR);
}

/// The content registry of the mock: whatever the test put in [`Contents`].
pub struct MockContents;
impl ContentRegistry<AccountId> for MockContents {
	fn creator_of(content: &ContentId) -> Option<AccountId> {
		Contents::get().iter().find(|(id, ..)| id == content).map(|(_, c, _)| *c)
	}
	fn is_exclusive(content: &ContentId) -> Option<bool> {
		Self::creator_of(content).map(|_| false)
	}
	fn is_live(content: &ContentId) -> bool {
		Contents::get().iter().any(|(id, _, live)| id == content && *live)
	}
}

/// The author of every block: [`Author`].
pub struct MockAuthor;
impl FindAuthor<AccountId> for MockAuthor {
	fn find_author<'a, I>(_digests: I) -> Option<AccountId>
	where
		I: 'a + IntoIterator<Item = (ConsensusEngineId, &'a [u8])>,
	{
		Author::get()
	}
}

impl pallet_rewards::Config for Test {
	type Currency = Balances;
	type Fuel = ItemOf<Assets, FuelId, AccountId>;
	type Contents = MockContents;
	type FindAuthor = MockAuthor;
	type PalletId = RewardsPalletId;
	type Treasury = Treasury;
	type CreatorShare = CreatorShare;
	type ProtocolFee = ProtocolFee;
	type UnlockPeriod = ConstU64<UNLOCK>;
	type MinPricePerMib = MinPricePerMib;
	type InitialEmission = InitialEmission;
	type EmissionDecay = EmissionDecay;
	type MaxFuelIssuance = MaxFuelIssuance;
	type TreasuryEmissionShare = TreasuryEmissionShare;
	type DeliveryEmissionShare = DeliveryEmissionShare;
	type DeliveryFeeCap = DeliveryFeeCap;
	type RewardHorizon = ConstU32<HORIZON>;
	type AuthorReward = AuthorReward;
	type CurrentEpoch = CurrentEpoch;
	type MaxPoolEdges = ConstU32<4>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockContents;
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<AccountId> for MockContents {
	fn register_content(creator: &AccountId, content: ContentId) {
		Contents::mutate(|c| c.push((content, *creator, true)));
	}
	fn set_block_author() {
		Author::set(Some(BLOCK_AUTHOR));
	}
}

/// Accounts 1..=20 hold 10⁹ VID and 10¹² FUEL; the treasury holds 1 FUEL (it exists); FUEL is
/// a sufficient asset with a minimum balance of 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=20).map(|a| (a, 1_000_000_000)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.unwrap();
	pallet_assets::GenesisConfig::<Test> {
		assets: vec![(FUEL_ID, TREASURY, true, 1)],
		metadata: vec![(FUEL_ID, b"Vidchain FUEL".to_vec(), b"FUEL".to_vec(), 12)],
		accounts: (1..=20)
			.map(|a| (FUEL_ID, a, 1_000_000_000_000))
			.chain([(FUEL_ID, TREASURY, 1)])
			.collect(),
		next_asset_id: None,
		reserves: vec![],
	}
	.assimilate_storage(&mut t)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(t);
	ext.execute_with(|| {
		System::set_block_number(1);
		Contents::take();
	});
	ext
}

/// `n` blocks: each block's `on_initialize` (the author's reward), `on_idle` with the whole
/// block and the pallet's invariants.
pub fn run_blocks(n: u64) {
	use frame_support::traits::Hooks;
	for _ in 0..n {
		let now = System::block_number() + 1;
		System::set_block_number(now);
		Rewards::on_initialize(now);
		Rewards::on_idle(now, frame_support::weights::Weight::MAX);
		Rewards::do_try_state().expect("invariants hold");
	}
}
