//! Configuration of every pallet in the runtime.

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{
		tokens::imbalance::ResolveTo, AsEnsureOriginWithArg, ConstBool, ConstU128, ConstU32, ConstU64,
		ConstU8, Get, VariantCountOf,
	},
	PalletId,
	weights::{constants::WEIGHT_REF_TIME_PER_SECOND, ConstantMultiplier, Weight},
};
use frame_system::{
	limits::{BlockLength, BlockWeights},
	EnsureRoot, EnsureSigned,
};
use pallet_nfts::PalletFeatures;
use pallet_transaction_payment::{FungibleAdapter, Multiplier, TargetedFeeAdjustment};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{
	traits::{AccountIdConversion, Bounded, One, Verify},
	FixedPointNumber, Perbill, Perquintill,
};
use sp_version::RuntimeVersion;

use crate::weights::{self, BlockExecutionWeight, ExtrinsicBaseWeight, ParityDbWeight};

use super::{
	AccountId, Assets, Aura, Balance, Balances, Block, Delivery, Rewards, BlockNumber, Hash, Nonce, PalletInfo, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin, RuntimeTask,
	Signature, System, BLOCK_HASH_COUNT, DAYS, EXISTENTIAL_DEPOSIT, MILLI_VID, MINUTES,
	MICRO_VID, SLOT_DURATION, VERSION, VID,
};

/// 75% of a block's weight and length is for normal transactions; the rest for operational ones.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);
/// Two seconds of compute per 6-second block.
const MAXIMUM_BLOCK_WEIGHT: Weight = Weight::from_parts(2u64 * WEIGHT_REF_TIME_PER_SECOND, u64::MAX);
/// Largest block: 5 MiB.
const MAX_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

parameter_types! {
	pub const BlockHashCount: BlockNumber = BLOCK_HASH_COUNT;
	pub const Version: RuntimeVersion = VERSION;

	/// Two seconds of compute per 6-second block, with the empty block's and the no-op
	/// extrinsic's weights measured on this machine kind (`weights::{block,extrinsic}_weights`).
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::builder()
		.base_block(BlockExecutionWeight::get())
		.for_class(DispatchClass::all(), |weights| {
			weights.base_extrinsic = ExtrinsicBaseWeight::get();
		})
		.for_class(DispatchClass::Normal, |weights| {
			weights.max_total = Some(NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
		})
		.for_class(DispatchClass::Operational, |weights| {
			weights.max_total = Some(MAXIMUM_BLOCK_WEIGHT);
			weights.reserved = Some(MAXIMUM_BLOCK_WEIGHT - NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
		})
		.avg_block_initialization(Perbill::from_percent(10))
		.build_or_panic();
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
	/// The node stores state in ParityDB: reads and writes as measured on it.
	type DbWeight = ParityDbWeight;
	type SystemWeightInfo = weights::frame_system::WeightInfo<Runtime>;
	/// CheckNonce, CheckWeight, CheckEra, … as measured here.
	type ExtensionsWeightInfo = weights::frame_system_extensions::WeightInfo<Runtime>;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
	/// pallet-nfts' own ways to move or sell an item are closed to clip licenses.
	type BaseCallFilter = LicensesStay;
}

/// Refuses pallet-nfts' calls that would move, price or swap an item of a clip's collection: a
/// license changes hands only through `Licenses::buy_listed`, which pays the creator's royalty.
/// (pallet-licenses also marks every license item transfer-disabled, so pallet-nfts' transfers
/// fail even without this filter; `set_price` would not.)
pub struct LicensesStay;
impl frame_support::traits::Contains<RuntimeCall> for LicensesStay {
	fn contains(call: &RuntimeCall) -> bool {
		use pallet_nfts::Call as Nfts;
		let is_clip = |collection: &u32| pallet_licenses::Clips::<Runtime>::contains_key(collection);
		match call {
			RuntimeCall::Nfts(
				Nfts::transfer { collection, .. } |
				Nfts::set_price { collection, .. } |
				Nfts::buy_item { collection, .. } |
				Nfts::approve_transfer { collection, .. } |
				Nfts::create_swap { offered_collection: collection, .. },
			) => !is_clip(collection),
			RuntimeCall::Nfts(Nfts::claim_swap { send_collection, receive_collection, .. }) =>
				!is_clip(send_collection) && !is_clip(receive_collection),
			_ => true,
		}
	}
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	/// The genesis's slot duration (pallet-validators; 6 s unless a development preset sets less).
	type SlotDuration = pallet_validators::SlotDurationOf<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = weights::pallet_grandpa::WeightInfo<Runtime>;
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

/// Validators join and leave by root (sudo) until governance exists; Aura's and GRANDPA's sets
/// change together.
impl pallet_validators::Config for Runtime {
	type AdminOrigin = EnsureRoot<AccountId>;
	/// A real network's slot: [`SLOT_DURATION`] (6 s), which the block weights and the
	/// `MINUTES`/`DAYS` block counts assume.
	type DefaultSlotDuration = ConstU64<SLOT_DURATION>;
	type WeightInfo = pallet_validators::weights::SubstrateWeight<Runtime>;
}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = Aura;
	/// Half the genesis's slot duration, as Aura expects.
	type MinimumPeriod = pallet_validators::MinimumPeriodOf<Runtime>;
	type WeightInfo = weights::pallet_timestamp::WeightInfo<Runtime>;
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
	type WeightInfo = weights::pallet_balances::WeightInfo<Runtime>;
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
	type WeightInfo = weights::pallet_transaction_payment::WeightInfo<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = weights::pallet_sudo::WeightInfo<Runtime>;
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
	type WeightInfo = weights::pallet_nfts::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type Helper = ();
	type BlockNumberProvider = System;
}

parameter_types! {
	/// Epochs of 10 minutes.
	pub const DeliveryDefaultEpochLength: BlockNumber = 10 * MINUTES;
	/// Claims for an epoch are accepted in the first 2 minutes after it ends…
	pub const DeliveryDefaultClaimWindow: BlockNumber = 2 * MINUTES;
	/// …and proofs in the 10 minutes after the claim window's seed block: 10 000 edges' proofs
	/// (≈ 14 KB each, ≈ 140 MB) take ≈ 75 blocks at half of each block's normal-class length.
	pub const DeliveryDefaultProofWindow: BlockNumber = 10 * MINUTES;
	/// A week from `unbond` to `withdraw_unbonded`.
	pub const DeliveryUnbondingPeriod: BlockNumber = 7 * DAYS;
	pub const MinEdgeBond: Balance = 1_000 * VID;
	pub const ContentDeposit: Balance = VID;
	pub const DeliverySlashFraction: Perbill = Perbill::from_percent(10);
	/// A suspended edge may resume a day after its suspension.
	pub const DeliverySuspensionPeriod: BlockNumber = DAYS;
}

/// Transactions the runtime's off-chain workers build: validators' sample reports are general
/// (v5) transactions authorized by `#[pallet::authorize]`, with no signer and no fee.
impl<C> frame_system::offchain::CreateTransactionBase<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extrinsic = crate::UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> frame_system::offchain::CreateTransaction<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extension = crate::TxExtension;

	fn create_transaction(call: RuntimeCall, extension: crate::TxExtension) -> crate::UncheckedExtrinsic {
		crate::UncheckedExtrinsic::new_transaction(call, extension)
	}
}

impl<C> frame_system::offchain::CreateAuthorizedTransaction<C> for Runtime
where
	RuntimeCall: From<C>,
{
	/// `AuthorizeCall` first; the nonce and fee extensions do nothing without a signer.
	fn create_extension() -> crate::TxExtension {
		(
			frame_system::AuthorizeCall::<Runtime>::new(),
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckEra::<Runtime>::from(sp_runtime::generic::Era::Immortal),
			frame_system::CheckNonce::<Runtime>::from(0),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
			frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
			frame_system::WeightReclaim::<Runtime>::new(),
		)
	}
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
	/// Slashed bond goes to the treasury.
	type Slashed = ResolveTo<TreasuryAccount, Balances>;
	type ReceiptSignature = Signature;
	type ReceiptSigner = <Signature as Verify>::Signer;
	type AuthorityId = vidchain_primitives::ocw_crypto::Public;
	type Validators = AuraValidators;
	type DefaultEpochLength = DeliveryDefaultEpochLength;
	type DefaultClaimWindow = DeliveryDefaultClaimWindow;
	type DefaultProofWindow = DeliveryDefaultProofWindow;
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
	/// Verified claims are paid, and emission shared at sealing, by pallet-rewards.
	/// Each validator samples up to 4 edges per block: 400 per 10-minute epoch, so 25
	/// validators reach 10 000 edges every epoch.
	type MaxSamplesPerBlock = ConstU32<4>;
	/// 4 chunks of each edge sampled: an edge corrupting 30% of its chunks fails a sample with
	/// probability 1 - 0.7^4 = 76%, each epoch and each validator.
	type ChunksPerSample = ConstU32<4>;
	/// 2 seconds per HTTP answer (a 16 MiB chunk at 64 Mbit/s).
	type SampleDeadlineMs = ConstU64<2_000>;
	/// An edge registered in epoch `e` is first sampled in `e + 1`: it may start serving after
	/// it registers without being judged in between.
	type NewEdgeGraceEpochs = ConstU32<1>;
	type Payments = Rewards;
	type WeightInfo = pallet_delivery::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = AuraValidators;
}

parameter_types! {
	pub const TreasuryPalletId: PalletId = PalletId(*b"vc/trsry");
	/// The treasury: slashed bond, protocol fees, its share of emission, unclaimed emission.
	/// Only root spends from it (with `Balances::force_transfer` / `Assets::force_transfer`).
	pub TreasuryAccount: AccountId = TreasuryPalletId::get().into_account_truncating();
	pub const RewardsPalletId: PalletId = PalletId(*b"vc/rewrd");
	pub const FuelAssetId: u32 = vidchain_primitives::FUEL_ASSET_ID;
	pub const RewardsCreatorShare: Perbill = Perbill::from_percent(10);
	pub const RewardsProtocolFee: Perbill = Perbill::from_percent(5);
	pub const RewardsEmissionDecay: Perbill = Perbill::from_parts(10_000);
	pub const RewardsTreasuryShare: Perbill = Perbill::from_percent(10);
	pub const RewardsDeliveryShare: Perbill = Perbill::from_percent(50);
	pub const RewardsDeliveryFeeCap: Perbill = Perbill::from_percent(80);
}

/// Nobody creates assets on Vidchain (FUEL is created at genesis). A runtime built for
/// benchmarks lets a signed origin create one, so `benchmark pallet` can measure `create`;
/// those weights are then charged to a call nobody can make. Never ship a runtime built with
/// `runtime-benchmarks`.
#[cfg(not(feature = "runtime-benchmarks"))]
type AssetsCreateOrigin = AsEnsureOriginWithArg<frame_support::traits::NeverEnsureOrigin<AccountId>>;
#[cfg(feature = "runtime-benchmarks")]
type AssetsCreateOrigin = AsEnsureOriginWithArg<EnsureSigned<AccountId>>;

/// FUEL lives here, as asset [`FuelAssetId`] created at genesis (sufficient, minimum balance 1,
/// owned by pallet-rewards' account, which has no key: nobody can mint it but emission). No
/// other asset can be created: `create` is refused to everyone, `force_create` is root's.
impl pallet_assets::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Balance = Balance;
	type RemoveItemsLimit = ConstU32<1_000>;
	type AssetId = u32;
	type AssetIdParameter = codec::Compact<u32>;
	type ReserveData = ();
	type Currency = Balances;
	type CreateOrigin = AssetsCreateOrigin;
	type ForceOrigin = EnsureRoot<AccountId>;
	type AssetDeposit = ConstU128<{ 100 * VID }>;
	type AssetAccountDeposit = ConstU128<{ VID / 100 }>;
	type MetadataDepositBase = ConstU128<VID>;
	type MetadataDepositPerByte = ConstU128<{ VID / 100 }>;
	type ApprovalDeposit = ConstU128<{ VID / 100 }>;
	type StringLimit = ConstU32<50>;
	type Freezer = ();
	type Holder = ();
	type Extra = ();
	type CallbackHandle = ();
	type AssetIdAllocator = ();
	type WeightInfo = weights::pallet_assets::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

/// The block's author as an account: Aura names the authority by its index, and a validator's
/// Aura key (sr25519) is its account's public key.
pub struct AuraAuthor;
impl frame_support::traits::FindAuthor<AccountId> for AuraAuthor {
	fn find_author<'a, I>(digests: I) -> Option<AccountId>
	where
		I: 'a + IntoIterator<Item = (sp_runtime::ConsensusEngineId, &'a [u8])>,
	{
		let index = <Aura as frame_support::traits::FindAuthor<u32>>::find_author(digests)?;
		let key = pallet_aura::Authorities::<Runtime>::get().get(index as usize)?.clone();
		let bytes: &[u8] = key.as_ref();
		let raw: [u8; 32] = bytes.try_into().ok()?;
		Some(AccountId::from(raw))
	}
}

impl pallet_rewards::Config for Runtime {
	type Currency = Balances;
	type Fuel = frame_support::traits::fungible::ItemOf<Assets, FuelAssetId, AccountId>;
	type Contents = Delivery;
	type FindAuthor = AuraAuthor;
	type PalletId = RewardsPalletId;
	type Treasury = TreasuryAccount;
	/// A tenth of every payment goes to the content's creator…
	type CreatorShare = RewardsCreatorShare;
	/// …and a twentieth to the treasury.
	type ProtocolFee = RewardsProtocolFee;
	/// A day: longer than an epoch, its claim window and its proof window together.
	type UnlockPeriod = ConstU32<DAYS>;
	/// 10⁻⁹ FUEL per MiB: every invented byte costs its edge at least the fee on this.
	type MinPricePerMib = ConstU128<1_000>;
	/// 10 000 FUEL for epoch 0 (1.44 million a day of 10-minute epochs)…
	type InitialEmission = ConstU128<{ 10_000 * vidchain_primitives::FUEL }>;
	/// …each epoch 0.001 % less (halving in about 480 days)…
	type EmissionDecay = RewardsEmissionDecay;
	/// …and never over 5 billion FUEL in all.
	type MaxFuelIssuance = ConstU128<{ 5_000_000_000 * vidchain_primitives::FUEL }>;
	type TreasuryEmissionShare = RewardsTreasuryShare;
	/// Half of the edges' emission goes by delivery (the protocol fee of verified receipts),
	/// half by availability (bond × score of the edges validators found serving)…
	type DeliveryEmissionShare = RewardsDeliveryShare;
	/// …and delivery emission pays an edge at most 80 % of the fee its receipts paid.
	type DeliveryFeeCap = RewardsDeliveryFeeCap;
	/// A week of 10-minute epochs to claim emission.
	type RewardHorizon = ConstU32<1_008>;
	/// A tenth of a VID per block to its author.
	type AuthorReward = ConstU128<{ VID / 10 }>;
	type CurrentEpoch = DeliveryEpoch;
	type MaxPoolEdges = ConstU32<32>;
	type WeightInfo = pallet_rewards::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = RewardsBenchmarks;
}

/// The current delivery epoch, for pallet-rewards (a pool's new terms apply from the next one).
pub struct DeliveryEpoch;
impl Get<vidchain_primitives::delivery::EpochIndex> for DeliveryEpoch {
	fn get() -> vidchain_primitives::delivery::EpochIndex {
		Delivery::current_epoch()
	}
}

/// What pallet-rewards' benchmarks need from this runtime.
#[cfg(feature = "runtime-benchmarks")]
pub struct RewardsBenchmarks;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_rewards::benchmarking::BenchmarkHelper<AccountId> for RewardsBenchmarks {
	fn register_content(creator: &AccountId, content: vidchain_primitives::delivery::ContentId) {
		pallet_delivery::Contents::<Runtime>::insert(
			content,
			pallet_delivery::ContentInfo {
				manifest_root: content,
				creator: creator.clone(),
				chunk_size: 1,
				chunk_count: 1,
				total_bytes: 1,
				exclusive: false,
				title: Default::default(),
				uri: Default::default(),
				deposit: 0,
				registered_at: 0,
				retired_at: None,
			},
		);
	}
	fn set_block_author() {
		use codec::Encode;
		let key = AuraId::from(sp_core::sr25519::Public::from_raw([7; 32]));
		pallet_aura::Authorities::<Runtime>::put(frame_support::BoundedVec::truncate_from(alloc::vec![key]));
		let slot = sp_consensus_aura::Slot::from(0u64);
		frame_system::Pallet::<Runtime>::deposit_log(sp_runtime::DigestItem::PreRuntime(
			sp_consensus_aura::AURA_ENGINE_ID,
			slot.encode(),
		));
	}
}

parameter_types! {
	pub const LicensesPalletId: PalletId = PalletId(*b"vc/licns");
}

impl pallet_licenses::Config for Runtime {
	type Currency = Balances;
	type Fuel = frame_support::traits::fungible::ItemOf<Assets, FuelAssetId, AccountId>;
	type Contents = Delivery;
	type Nfts = super::Nfts;
	/// pallet-nfts' own deposits: the creator of a clip and the buyer of a license pay them.
	type CollectionDeposit = NftsCollectionDeposit;
	type ItemDeposit = NftsItemDeposit;
	type PalletId = LicensesPalletId;
	type Treasury = TreasuryAccount;
	/// A twentieth of every license a creator sells goes to the treasury, as of every payment.
	type ProtocolFee = RewardsProtocolFee;
	type Signature = Signature;
	type Signer = <Signature as Verify>::Signer;
	type MaxEditions = ConstU32<100_000>;
	type MaxClipsPerContent = ConstU32<64>;
	/// pallet-nfts' `StringLimit`.
	type MaxMetadataLen = ConstU32<256>;
	type WeightInfo = pallet_licenses::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = LicensesBenchmarks;
}

/// What pallet-licenses' benchmarks need from this runtime.
#[cfg(feature = "runtime-benchmarks")]
pub struct LicensesBenchmarks;
#[cfg(feature = "runtime-benchmarks")]
const LICENSES_BENCH_KEY: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"vlic");
#[cfg(feature = "runtime-benchmarks")]
impl pallet_licenses::benchmarking::BenchmarkHelper<AccountId, Signature> for LicensesBenchmarks {
	fn register_content(creator: &AccountId, content: vidchain_primitives::delivery::ContentId, exclusive: bool) {
		<RewardsBenchmarks as pallet_rewards::benchmarking::BenchmarkHelper<AccountId>>::register_content(
			creator, content,
		);
		pallet_delivery::Contents::<Runtime>::mutate(content, |c| {
			if let Some(c) = c {
				c.exclusive = exclusive;
			}
		});
	}
	fn signer() -> AccountId {
		use sp_runtime::app_crypto::RuntimePublic;
		let key = sp_core::sr25519::Public::generate_pair(LICENSES_BENCH_KEY, Some(b"//creator".to_vec()));
		AccountId::from(key.0)
	}
	fn sign(signer: &AccountId, payload: &[u8]) -> Signature {
		use sp_runtime::app_crypto::RuntimePublic;
		let raw: [u8; 32] = *signer.as_ref();
		let key = sp_core::sr25519::Public::from_raw(raw);
		key.sign(LICENSES_BENCH_KEY, &payload).expect("the key is in the keystore").into()
	}
}
