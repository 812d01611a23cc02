//! A mock runtime for pallet-delivery's tests: System, Balances, Delivery; accounts are
//! `AccountId32` so receipts carry real sr25519 `MultiSignature`s.

use crate as pallet_delivery;
use frame_support::{
	derive_impl, parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU32, ConstU64, Hooks},
};
use sp_core::{sr25519, Pair};
use sp_runtime::{traits::IdentityLookup, AccountId32, BuildStorage, MultiSignature, Perbill};
use vidchain_primitives::ocw_crypto;

pub type AccountId = AccountId32;
pub type Balance = u128;
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
	pub type Delivery = pallet_delivery;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
	/// Real read and write costs, so that weight-metered pruning is bounded in the tests.
	type DbWeight = frame_support::weights::constants::ParityDbWeight;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

pub const EPOCH: u64 = 20;
pub const CLAIM_WINDOW: u64 = 5;
pub const PROOF_WINDOW: u64 = 5;
pub const UNBONDING: u64 = 50;
pub const MIN_BOND: Balance = 1_000;
pub const CONTENT_DEPOSIT: Balance = 50;
pub const SAMPLES: u32 = 8;
pub const SUSPENSION: u64 = 30;
pub const MAX_CHUNK_SIZE: u32 = 4_096;
pub const MAX_CHUNKS: u32 = 1_000;

parameter_types! {
	pub const Treasury: AccountId = AccountId32::new([0xee; 32]);
	pub static ValidatorKeys: Vec<ocw_crypto::Public> = vec![];
	pub const Slash: Perbill = Perbill::from_percent(10);
	/// Claims sealed per block (tests lower it to spread sealing over blocks).
	pub static SealPerBlock: u32 = 1_000;
	pub static ChunksPerSample: u32 = 1;
	/// 0: most tests judge an edge at once; the grace tests set 1, as Vidchain does.
	pub static NewEdgeGraceEpochs: u32 = 0;
}

/// What delivery told the payments seam, in order.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum PaymentCall {
	Verified { edge: AccountId, epoch: u32, total_bytes: u64, samples: u32, drawn: Vec<vidchain_primitives::traits::DrawnReceipt<AccountId>> },
	Sealed { edge: AccountId, epoch: u32, verified: bool, bond: u128, score: u32 },
	Sampled { edge: AccountId, epoch: u32, served: bool, suspended: bool, bond: u128, score: u32 },
	EpochSealed(u32),
}

parameter_types! {
	pub static PaymentCalls: Vec<PaymentCall> = vec![];
}

/// The payments seam of the mock: records every call in [`PaymentCalls`].
pub struct RecordedPayments;
impl vidchain_primitives::traits::DeliveryPayments<AccountId> for RecordedPayments {
	fn on_claim_verified(
		edge: &AccountId,
		epoch: u32,
		total_bytes: u64,
		samples: u32,
		drawn: &[vidchain_primitives::traits::DrawnReceipt<AccountId>],
	) {
		PaymentCalls::mutate(|c| {
			c.push(PaymentCall::Verified { edge: edge.clone(), epoch, total_bytes, samples, drawn: drawn.to_vec() })
		});
	}
	fn on_claim_verified_weight(drawn: u32) -> frame_support::weights::Weight {
		frame_support::weights::Weight::from_parts(1_000_000 * drawn as u64, 0)
	}
	fn on_claim_sealed(edge: &AccountId, epoch: u32, verified: bool, bond: u128, score: u32) {
		PaymentCalls::mutate(|c| c.push(PaymentCall::Sealed { edge: edge.clone(), epoch, verified, bond, score }));
	}
	fn on_claim_sealed_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::from_parts(1_000_000, 0)
	}
	fn on_sampled(edge: &AccountId, epoch: u32, served: bool, suspended: bool, bond: u128, score: u32) {
		PaymentCalls::mutate(|c| {
			c.push(PaymentCall::Sampled { edge: edge.clone(), epoch, served, suspended, bond, score })
		});
	}
	fn on_sampled_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::from_parts(1_000_000, 0)
	}
	fn on_epoch_sealed(epoch: u32) {
		PaymentCalls::mutate(|c| c.push(PaymentCall::EpochSealed(epoch)));
	}
	fn on_epoch_sealed_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::from_parts(1_000_000, 0)
	}
}

/// The validator set of the mock: whatever the test put in [`ValidatorKeys`].
pub struct MockValidators;
impl pallet_delivery::ValidatorSet<ocw_crypto::Public> for MockValidators {
	fn is_validator(key: &ocw_crypto::Public) -> bool {
		ValidatorKeys::get().contains(key)
	}
	fn validator_count() -> u32 {
		ValidatorKeys::get().len() as u32
	}
}

impl pallet_delivery::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Slashed = ResolveTo<Treasury, Balances>;
	type ReceiptSignature = MultiSignature;
	type ReceiptSigner = <MultiSignature as sp_runtime::traits::Verify>::Signer;
	type AuthorityId = ocw_crypto::Public;
	type Validators = MockValidators;
	type DefaultEpochLength = ConstU64<EPOCH>;
	type DefaultClaimWindow = ConstU64<CLAIM_WINDOW>;
	type DefaultProofWindow = ConstU64<PROOF_WINDOW>;
	type UnbondingPeriod = ConstU64<UNBONDING>;
	type SuspensionPeriod = ConstU64<SUSPENSION>;
	type MinEdgeBond = frame_support::traits::ConstU128<MIN_BOND>;
	type ContentDeposit = frame_support::traits::ConstU128<CONTENT_DEPOSIT>;
	type SlashFraction = Slash;
	type SamplesPerClaim = ConstU32<SAMPLES>;
	type MaxChunkSize = ConstU32<MAX_CHUNK_SIZE>;
	type MaxChunks = ConstU32<MAX_CHUNKS>;
	type MaxSealPerBlock = SealPerBlock;
	type HistoryDepth = ConstU32<2>;
	type MaxEndpointLen = ConstU32<64>;
	type MaxRegionLen = ConstU32<16>;
	type MaxTitleLen = ConstU32<32>;
	type MaxUriLen = ConstU32<64>;
	type InitialScore = ConstU32<500_000>;
	type ScoreOnSampleSuccess = ConstU32<1_000>;
	type ScoreOnSampleFailure = ConstU32<50_000>;
	type MaxSamplesPerBlock = ConstU32<2>;
	type ChunksPerSample = ChunksPerSample;
	type SampleDeadlineMs = ConstU64<2_000>;
	type NewEdgeGraceEpochs = NewEdgeGraceEpochs;
	type Payments = RecordedPayments;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockValidators;
}

/// The mock's extrinsics (bare or general, no extension).
pub type Extrinsic = <Block as sp_runtime::traits::Block>::Extrinsic;

impl<C> frame_system::offchain::CreateTransactionBase<C> for Test
where
	RuntimeCall: From<C>,
{
	type Extrinsic = Extrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> frame_system::offchain::CreateTransaction<C> for Test
where
	RuntimeCall: From<C>,
{
	type Extension = ();
	fn create_transaction(call: RuntimeCall, extension: ()) -> Extrinsic {
		Extrinsic::new_transaction(call, extension)
	}
}

impl<C> frame_system::offchain::CreateAuthorizedTransaction<C> for Test
where
	RuntimeCall: From<C>,
{
	fn create_extension() {}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<ocw_crypto::Public> for MockValidators {
	fn make_validator(key: &ocw_crypto::Public) {
		ValidatorKeys::mutate(|keys| keys.push(key.clone()));
	}
}

/// The sr25519 pair of a test account named `name` (`//name`: the development phrase, hard
/// derived by `name`). The phrase's seed is computed once (PBKDF2, milliseconds each time) and
/// each name derived from it, as `Pair::from_string("//name")` would.
pub fn pair(name: &str) -> sr25519::Pair {
	use sp_core::crypto::{DeriveJunction, DEV_PHRASE};
	static ROOT: std::sync::OnceLock<sr25519::Pair> = std::sync::OnceLock::new();
	let root = ROOT.get_or_init(|| sr25519::Pair::from_string(DEV_PHRASE, None).expect("the dev phrase"));
	root.derive(core::iter::once(DeriveJunction::from(name).harden()), None)
		.expect("sr25519 derives hard junctions")
		.0
}

/// The account of `//name`.
pub fn account(name: &str) -> AccountId {
	AccountId::from(pair(name).public())
}

/// Every test account starts with this much.
pub const ENDOWMENT: Balance = 1_000_000;

/// Accounts endowed at genesis.
pub const ENDOWED: [&str; 6] = ["creator", "edge", "edge2", "viewer", "viewer2", "poor"];

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: ENDOWED
			.iter()
			.map(|n| (account(n), if *n == "poor" { 10 } else { ENDOWMENT }))
			.chain([(Treasury::get(), 1)])
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(t);
	ext.execute_with(|| {
		ValidatorKeys::set(vec![]);
		SealPerBlock::set(1_000);
		System::set_block_number(1);
	});
	ext
}

/// The test externalities of the benchmarks' test suite: with a keystore, for the keys they sign
/// with.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> sp_io::TestExternalities {
	let mut ext = new_test_ext();
	ext.register_extension(sp_keystore::KeystoreExt::new(sp_keystore::testing::MemoryKeystore::new()));
	ext
}

/// Run blocks (with the pallet's hooks) until block `n`, checking the pallet's invariants after
/// each.
pub fn run_to_block(n: u64) {
	run_to_block_with_idle(n, frame_support::weights::Weight::MAX)
}

/// Like [`run_to_block`], giving `on_idle` only `idle` weight per block.
pub fn run_to_block_with_idle(n: u64, idle: frame_support::weights::Weight) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		Delivery::on_idle(System::block_number(), idle);
		System::on_finalize(System::block_number());
		// Every block gets a distinct parent hash, as on a real chain (it seeds the draws).
		let parent_hash = sp_core::H256(sp_io::hashing::blake2_256(&(next - 1).to_le_bytes()));
		System::initialize(&next, &parent_hash, &Default::default());
		Delivery::on_initialize(next);
		Delivery::do_try_state().expect("pallet-delivery invariants hold");
	}
}
