//! A mock runtime for pallet-licenses' tests: System, Balances (VID), Assets (FUEL, a sufficient
//! asset seen through `fungible::ItemOf`, as on Vidchain), Nfts (configured as on Vidchain) and
//! Licenses. Contents are played by the tests through [`MockContents`]. Accounts are
//! `AccountId32`, so vouchers carry real sr25519 `MultiSignature`s.

use crate as pallet_licenses;
use frame_support::{
	derive_impl, parameter_types,
	traits::{fungible::ItemOf, AsEnsureOriginWithArg, ConstU128, ConstU32, ConstU64},
	PalletId,
};
use frame_system::{EnsureRoot, EnsureSigned};
use pallet_nfts::PalletFeatures;
use sp_core::{sr25519, Pair};
use sp_runtime::{
	traits::{IdentityLookup, Verify},
	AccountId32, BuildStorage, MultiSignature, Perbill,
};
use vidchain_primitives::{delivery::ContentId, traits::ContentRegistry};

pub type AccountId = AccountId32;
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
	pub type Nfts = pallet_nfts;
	#[runtime::pallet_index(4)]
	pub type Licenses = pallet_licenses;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
	type DbWeight = frame_support::weights::constants::ParityDbWeight;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type ExistentialDeposit = ConstU128<ED>;
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

/// VID's existential deposit.
pub const ED: Balance = 10;
/// What pallet-nfts reserves per collection and per item.
pub const COLLECTION_DEPOSIT: Balance = 1_000;
pub const ITEM_DEPOSIT: Balance = 100;
/// FUEL's asset id.
pub const FUEL_ID: u32 = 1;
pub const MAX_EDITIONS: u32 = 50;
pub const MAX_CLIPS: u32 = 3;

parameter_types! {
	pub NftsFeatures: PalletFeatures = PalletFeatures::all_enabled();
}

impl pallet_nfts::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type CollectionId = u32;
	type ItemId = u32;
	type Currency = Balances;
	type CreateOrigin = AsEnsureOriginWithArg<EnsureSigned<AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	type Locker = ();
	type CollectionDeposit = ConstU128<COLLECTION_DEPOSIT>;
	type ItemDeposit = ConstU128<ITEM_DEPOSIT>;
	type MetadataDepositBase = ConstU128<1>;
	type AttributeDepositBase = ConstU128<1>;
	type DepositPerByte = ConstU128<1>;
	type StringLimit = ConstU32<256>;
	type KeyLimit = ConstU32<64>;
	type ValueLimit = ConstU32<256>;
	type ApprovalsLimit = ConstU32<20>;
	type ItemAttributesApprovalsLimit = ConstU32<20>;
	type MaxTips = ConstU32<10>;
	type MaxDeadlineDuration = ConstU64<10_000>;
	type MaxAttributesPerCall = ConstU32<10>;
	type Features = NftsFeatures;
	type OffchainSignature = MultiSignature;
	type OffchainPublic = <MultiSignature as Verify>::Signer;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type Helper = ();
	type BlockNumberProvider = System;
}

parameter_types! {
	pub const FuelId: u32 = FUEL_ID;
	pub const LicensesPalletId: PalletId = PalletId(*b"vc/licns");
	pub Treasury: AccountId = AccountId32::new([0xee; 32]);
	pub static ProtocolFee: Perbill = Perbill::from_percent(5);
	/// Contents: id → (creator, live, exclusive).
	pub static Contents: Vec<(ContentId, AccountId, bool, bool)> = vec![];
}

/// The content registry of the mock: whatever the test put in [`Contents`].
pub struct MockContents;
impl ContentRegistry<AccountId> for MockContents {
	fn creator_of(content: &ContentId) -> Option<AccountId> {
		Contents::get().iter().find(|(id, ..)| id == content).map(|(_, c, ..)| c.clone())
	}
	fn is_exclusive(content: &ContentId) -> Option<bool> {
		Contents::get().iter().find(|(id, ..)| id == content).map(|(.., exclusive)| *exclusive)
	}
	fn is_live(content: &ContentId) -> bool {
		Contents::get().iter().any(|(id, _, live, _)| id == content && *live)
	}
}

impl pallet_licenses::Config for Test {
	type Currency = Balances;
	type Fuel = ItemOf<Assets, FuelId, AccountId>;
	type Contents = MockContents;
	type Nfts = Nfts;
	type CollectionDeposit = ConstU128<COLLECTION_DEPOSIT>;
	type ItemDeposit = ConstU128<ITEM_DEPOSIT>;
	type PalletId = LicensesPalletId;
	type Treasury = Treasury;
	type ProtocolFee = ProtocolFee;
	type Signature = MultiSignature;
	type Signer = <MultiSignature as Verify>::Signer;
	type MaxEditions = ConstU32<MAX_EDITIONS>;
	type MaxClipsPerContent = ConstU32<MAX_CLIPS>;
	type MaxMetadataLen = ConstU32<64>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockContents;
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<AccountId, MultiSignature> for MockContents {
	fn register_content(creator: &AccountId, content: ContentId, exclusive: bool) {
		Contents::mutate(|c| c.push((content, creator.clone(), true, exclusive)));
	}
	fn sign(signer: &AccountId, payload: &[u8]) -> MultiSignature {
		let _ = signer;
		MultiSignature::Sr25519(pair("Alice").sign(payload))
	}
	fn signer() -> AccountId {
		account("Alice")
	}
}

/// The sr25519 dev key `//name`.
pub fn pair(name: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//{name}"), None).expect("valid dev seed")
}

/// The account of `//name`.
pub fn account(name: &str) -> AccountId {
	AccountId::from(pair(name).public())
}

/// The dev accounts the tests use: each holds 10⁹ VID and 10⁹ FUEL.
pub const NAMES: [&str; 5] = ["Alice", "Bob", "Charlie", "Dave", "Eve"];

/// `NAMES` hold 10⁹ VID and 10⁹ FUEL; the treasury holds 1 FUEL (it exists); FUEL is a
/// sufficient asset with a minimum balance of 1; the pallet's account holds VID's existential
/// deposit (as the runtime's genesis gives it).
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let pallet_account = crate::Pallet::<Test>::account();
	pallet_balances::GenesisConfig::<Test> {
		balances: NAMES
			.iter()
			.map(|n| (account(n), 1_000_000_000))
			.chain([(pallet_account, ED)])
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.unwrap();
	pallet_assets::GenesisConfig::<Test> {
		assets: vec![(FUEL_ID, Treasury::get(), true, 1)],
		metadata: vec![(FUEL_ID, b"Vidchain FUEL".to_vec(), b"FUEL".to_vec(), 12)],
		accounts: NAMES
			.iter()
			.map(|n| (FUEL_ID, account(n), 1_000_000_000))
			.chain([(FUEL_ID, Treasury::get(), 1)])
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
