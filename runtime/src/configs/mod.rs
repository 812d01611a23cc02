//! Configuration of every pallet in the runtime.

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{
		AsEnsureOriginWithArg, ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, VariantCountOf,
	},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		ConstantMultiplier, Weight,
	},
};
use frame_system::{
	limits::{BlockLength, BlockWeights},
	EnsureRoot, EnsureSigned,
};
use pallet_nfts::PalletFeatures;
use pallet_transaction_payment::{FungibleAdapter, Multiplier, TargetedFeeAdjustment};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{
	traits::{Bounded, One, Verify},
	FixedPointNumber, Perbill, Perquintill,
};
use sp_version::RuntimeVersion;

use super::{
	AccountId, Aura, Balance, Balances, Block, BlockNumber, Hash, Nonce, PalletInfo, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin, RuntimeTask,
	Signature, System, BLOCK_HASH_COUNT, DAYS, EXISTENTIAL_DEPOSIT, MILLI_VID, MINUTES,
	MICRO_VID, SLOT_DURATION, VERSION, VID,
};

/// 75% of a block's weight and length is for normal transactions; the rest for operational ones.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);
/// Largest block: 5 MiB.
const MAX_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

parameter_types! {
	pub const BlockHashCount: BlockNumber = BLOCK_HASH_COUNT;
	pub const Version: RuntimeVersion = VERSION;

	/// Two seconds of compute per 6-second block.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(2u64 * WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(MAX_BLOCK_LENGTH)
		.modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * *max)
		.build();
	pub const SS58Prefix: u16 = vidchain_primitives::SS58_PREFIX;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// The node stores state in ParityDB: price reads and writes accordingly.
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	/// pallet-nfts still takes its deposits as named reserves.
	type MaxReserves = ConstU32<50>;
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	/// 100 base units of VID per picosecond of weight: a millisecond of block time costs 0.1 VID,
	/// the whole normal class of a block (1.5 s) 150 VID.
	pub const WeightFee: Balance = 100;
	/// 10 µVID per byte: the whole normal class of a block (3.75 MiB) costs 39 VID.
	pub const TransactionByteFee: Balance = 10 * MICRO_VID;
	/// The fee multiplier rises while blocks are more than a quarter full…
	pub const TargetBlockFullness: Perquintill = Perquintill::from_percent(25);
	/// …by up to about 2.3× per hour of full blocks (the value Polkadot uses)…
	pub AdjustmentVariable: Multiplier = Multiplier::saturating_from_rational(75, 1_000_000);
	/// …and falls back towards 1 when they are emptier, never below it.
	pub MinimumMultiplier: Multiplier = Multiplier::one();
	pub MaximumMultiplier: Multiplier = Bounded::max_value();
}

/// What a transaction costs: its weight and its length, each priced so that filling a block
/// costs real VID (about 190 VID for a block full of junk at the neutral multiplier), times the
/// congestion multiplier of `TargetedFeeAdjustment`.
impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = ConstantMultiplier<Balance, WeightFee>;
	type LengthToFee = ConstantMultiplier<Balance, TransactionByteFee>;
	type FeeMultiplierUpdate = TargetedFeeAdjustment<
		Self,
		TargetBlockFullness,
		AdjustmentVariable,
		MinimumMultiplier,
		MaximumMultiplier,
	>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Every pallet-nfts feature (trading, attributes, approvals, swaps) is on.
	pub NftsFeatures: PalletFeatures = PalletFeatures::all_enabled();
	/// Reserved when a collection is created.
	pub const NftsCollectionDeposit: Balance = 10 * VID;
	/// Reserved per minted item (each clip license edition).
	pub const NftsItemDeposit: Balance = VID / 100;
	/// Reserved per metadata / attribute entry, plus [`NftsDepositPerByte`] per byte.
	pub const NftsMetadataDepositBase: Balance = VID / 100;
	pub const NftsAttributeDepositBase: Balance = VID / 100;
	pub const NftsDepositPerByte: Balance = MILLI_VID / 10;
	/// Longest validity of a pre-signed mint or attribute approval: 30 days of blocks.
	pub const NftsMaxDeadlineDuration: BlockNumber = 30 * super::DAYS;
}

impl pallet_nfts::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type CollectionId = u32;
	type ItemId = u32;
	type Currency = Balances;
	type ForceOrigin = EnsureRoot<AccountId>;
	type CreateOrigin = AsEnsureOriginWithArg<EnsureSigned<AccountId>>;
	type Locker = ();
	type CollectionDeposit = NftsCollectionDeposit;
	type ItemDeposit = NftsItemDeposit;
	type MetadataDepositBase = NftsMetadataDepositBase;
	type AttributeDepositBase = NftsAttributeDepositBase;
	type DepositPerByte = NftsDepositPerByte;
	type StringLimit = ConstU32<256>;
	type KeyLimit = ConstU32<64>;
	type ValueLimit = ConstU32<256>;
	type ApprovalsLimit = ConstU32<20>;
	type ItemAttributesApprovalsLimit = ConstU32<20>;
	type MaxTips = ConstU32<10>;
	type MaxDeadlineDuration = NftsMaxDeadlineDuration;
	type MaxAttributesPerCall = ConstU32<10>;
	type Features = NftsFeatures;
	type OffchainSignature = Signature;
	type OffchainPublic = <Signature as Verify>::Signer;
	type WeightInfo = pallet_nfts::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type Helper = ();
	type BlockNumberProvider = System;
}

parameter_types! {
	/// Epochs of 10 minutes.
	pub const DeliveryEpochLength: BlockNumber = 10 * MINUTES;
	/// Claims for an epoch are accepted in the first 2 minutes after it ends…
	pub const DeliveryClaimWindow: BlockNumber = 2 * MINUTES;
	/// …and proofs in the 10 minutes after the claim window's seed block: 10 000 edges' proofs
	/// (≈ 14 KB each, ≈ 140 MB) take ≈ 75 blocks at half of each block's normal-class length.
	pub const DeliveryProofWindow: BlockNumber = 10 * MINUTES;
	/// A week from `unbond` to `withdraw_unbonded`.
	pub const DeliveryUnbondingPeriod: BlockNumber = 7 * DAYS;
	pub const MinEdgeBond: Balance = 1_000 * VID;
	pub const ContentDeposit: Balance = VID;
	pub const DeliverySlashFraction: Perbill = Perbill::from_percent(10);
	/// A suspended edge may resume a day after its suspension.
	pub const DeliverySuspensionPeriod: BlockNumber = DAYS;
}

/// A sample report is accepted from a key that is a current Aura authority: validators run
/// their off-chain worker with their Aura keypair, inserted under the `vocw` key type. The
/// suspension threshold is a fraction of this set.
pub struct AuraValidators;
impl pallet_delivery::ValidatorSet<vidchain_primitives::ocw_crypto::Public> for AuraValidators {
	fn is_validator(key: &vidchain_primitives::ocw_crypto::Public) -> bool {
		let raw: &[u8] = key.as_ref();
		pallet_aura::Authorities::<Runtime>::get().iter().any(|a| {
			let a: &[u8] = a.as_ref();
			a == raw
		})
	}
	fn validator_count() -> u32 {
		pallet_aura::Authorities::<Runtime>::decode_len().unwrap_or(0) as u32
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl pallet_delivery::BenchmarkHelper<vidchain_primitives::ocw_crypto::Public> for AuraValidators {
	fn make_validator(key: &vidchain_primitives::ocw_crypto::Public) {
		use sp_core::crypto::ByteArray;
		let aura = AuraId::from_slice(key.as_ref()).expect("both are sr25519 public keys");
		pallet_aura::Authorities::<Runtime>::mutate(|set| {
			let _ = set.try_push(aura);
		});
	}
}

impl pallet_delivery::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	/// No treasury yet: slashed bond is burned.
	type Slashed = ();
	type ReceiptSignature = Signature;
	type ReceiptSigner = <Signature as Verify>::Signer;
	type AuthorityId = vidchain_primitives::ocw_crypto::Public;
	type Validators = AuraValidators;
	type EpochLength = DeliveryEpochLength;
	type ClaimWindow = DeliveryClaimWindow;
	type ProofWindow = DeliveryProofWindow;
	type UnbondingPeriod = DeliveryUnbondingPeriod;
	type SuspensionPeriod = DeliverySuspensionPeriod;
	type MinEdgeBond = MinEdgeBond;
	type ContentDeposit = ContentDeposit;
	type SlashFraction = DeliverySlashFraction;
	type SamplesPerClaim = ConstU32<16>;
	/// 16 MiB chunks (an HLS segment of a few seconds of 4K video fits).
	type MaxChunkSize = ConstU32<{ 16 * 1024 * 1024 }>;
	/// 2^20 chunks: with 16 MiB chunks, 16 TiB per content.
	type MaxChunks = ConstU32<{ 1 << 20 }>;
	/// 500 claims sealed per block: 10 000 claims in 20 blocks (2 minutes).
	type MaxSealPerBlock = ConstU32<500>;
	/// A week of 10-minute epochs.
	type HistoryDepth = ConstU32<1008>;
	type MaxEndpointLen = ConstU32<256>;
	type MaxRegionLen = ConstU32<32>;
	type MaxTitleLen = ConstU32<128>;
	type MaxUriLen = ConstU32<256>;
	type InitialScore = ConstU32<500_000>;
	/// A full validator set reporting success moves the score up by 1%…
	type ScoreOnSampleSuccess = ConstU32<10_000>;
	/// …and reporting failures down by 5%; one validator of `n` moves it by a 1/n share.
	type ScoreOnSampleFailure = ConstU32<50_000>;
	type ScoreOnClaimVerified = ConstU32<5_000>;
	type WeightInfo = pallet_delivery::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = AuraValidators;
}
