//! # Vidchain runtime
//!
//! The state transition function of Vidchain, a chain for decentralized video delivery:
//! FRAME system, timestamp, Aura + GRANDPA consensus, balances (the native token **VID**, 12
//! decimals), transaction payment, sudo, `pallet-nfts` (clip licenses are minted on it) and
//! Vidchain's own `pallet-delivery` (content, edges, proof-of-delivery claims, samples).
#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime`-generated code needs a larger recursion limit.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;
pub mod weights;

extern crate alloc;

use alloc::vec::Vec;

use sp_runtime::{generic, impl_opaque_keys, traits::BlakeTwo256, MultiAddress};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;
pub use vidchain_primitives::{
	AccountId, Balance, BlockNumber, Hash, Nonce, Signature, DAYS, HOURS, MICRO_VID, MILLISECS_PER_BLOCK,
	MILLI_VID, MINUTES, SLOT_DURATION, VID,
};

/// Opaque types: what the node needs to know of the runtime's block format without knowing the
/// runtime's calls.
pub mod opaque {
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;
	pub use vidchain_primitives::{Header, OpaqueBlock as Block};

	/// A block hash.
	pub type Hash = vidchain_primitives::Hash;
}

/// The validators' off-chain-worker key as a session key: `--dev`/`--alice`…,
/// `author_rotateKeys` and `key insert --key-type vocw` put it in the keystore, where the
/// sampling worker of pallet-delivery finds it.
pub struct DeliverySampler;
impl sp_runtime::BoundToRuntimeAppPublic for DeliverySampler {
	type Public = vidchain_primitives::ocw_crypto::Public;
}

impl_opaque_keys! {
	/// The keys a validator holds: Aura to author blocks, GRANDPA to vote on finality, `vocw`
	/// (sr25519, the same seed as Aura) to sign sample reports.
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
		pub vocw: DeliverySampler,
	}
}

/// Runtime version. Bump `spec_version` with every change of the runtime's logic, and
/// `transaction_version` when calls or their encoding change.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("vidchain"),
	impl_name: alloc::borrow::Cow::Borrowed("vidchain"),
	authoring_version: 1,
	spec_version: 103,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// Smallest balance an account may hold: 0.001 VID.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_VID;

/// How long a transaction's mortality can reach back (in blocks).
pub const BLOCK_HASH_COUNT: BlockNumber = 2400;

/// The address format: `MultiAddress` over `AccountId`, as polkadot.js Apps expects.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block with the runtime's extrinsics.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// A block with its justifications.
pub type SignedBlock = generic::SignedBlock<Block>;
/// Block id.
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions, in order. Every one is known to polkadot.js and subxt, so clients
/// sign with no custom definitions. `AuthorizeCall` (zero-sized) comes first: it lets calls with
/// `#[pallet::authorize]` (validators' sample reports) in as fee-less general transactions.
pub type TxExtension = (
	frame_system::AuthorizeCall<Runtime>,
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// An extrinsic as it arrives from outside.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload a signer signs.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Storage migrations run on a runtime upgrade: pallet-rewards 1 → 2 (each sponsor its own pool
/// of a content).
type Migrations = (pallet_rewards::migrations::v2::MigrateToV2<Runtime>,);

/// Dispatches calls to the pallets and runs the block's hooks.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

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
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	#[runtime::pallet_index(7)]
	pub type Assets = pallet_assets;

	#[runtime::pallet_index(8)]
	pub type Validators = pallet_validators;

	#[runtime::pallet_index(10)]
	pub type Nfts = pallet_nfts;

	#[runtime::pallet_index(20)]
	pub type Delivery = pallet_delivery;

	#[runtime::pallet_index(21)]
	pub type Rewards = pallet_rewards;

	#[runtime::pallet_index(22)]
	pub type Licenses = pallet_licenses;
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_support::traits::Get;

	#[test]
	fn runtime_version_names_vidchain() {
		assert_eq!(VERSION.spec_name, "vidchain");
		assert!(VERSION.spec_version >= 100);
	}

	#[test]
	fn existential_deposit_is_a_thousandth_vid() {
		let ed: Balance = <Runtime as pallet_balances::Config>::ExistentialDeposit::get();
		assert_eq!(ed, VID / 1000);
	}

	#[test]
	fn presets_build_valid_genesis() {
		use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
		for id in [DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET] {
			let patch = genesis_config_presets::get_preset(&id.into()).expect("preset exists");
			let json: serde_json::Value = serde_json::from_slice(&patch).expect("valid json");
			// zombienet relies on these three arrays being in the preset.
			assert!(json["aura"]["authorities"].as_array().is_some_and(|a| !a.is_empty()), "{id}");
			assert!(json["grandpa"]["authorities"].as_array().is_some_and(|a| !a.is_empty()), "{id}");
			assert!(json["balances"]["balances"].as_array().is_some_and(|a| !a.is_empty()), "{id}");
			// And the patch builds a genesis state.
			let mut config = RuntimeGenesisConfig::default();
			let merged = {
				let mut base = serde_json::to_value(&config).unwrap();
				json_merge(&mut base, json);
				base
			};
			config = serde_json::from_value(merged).expect("patch fits the genesis config");
			config.build_storage().expect("genesis builds");
		}
		assert!(genesis_config_presets::get_preset(&"no-such-preset".into()).is_none());
	}

	#[test]
	fn development_presets_run_short_slots_and_delivery_epochs() {
		use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
		for id in [DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET] {
			let patch = genesis_config_presets::get_preset(&id.into()).expect("preset exists");
			let json: serde_json::Value = serde_json::from_slice(&patch).expect("valid json");
			let mut base = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
			json_merge(&mut base, json);
			let config: RuntimeGenesisConfig = serde_json::from_value(base).unwrap();
			sp_io::TestExternalities::new(config.build_storage().unwrap()).execute_with(|| {
				let s = pallet_delivery::Schedule::<Runtime>::get();
				assert_eq!((s.epoch_length, s.claim_window, s.proof_window), (10, 3, 3), "{id}");
				assert!(pallet_delivery::AllowLocalEndpoints::<Runtime>::get(), "{id}");
				// 2-second slots, which Aura and the timestamp read alike.
				assert_eq!(Aura::slot_duration(), 2_000, "{id}");
				assert_eq!(<Runtime as pallet_timestamp::Config>::MinimumPeriod::get(), 1_000, "{id}");
			});
		}
		// A genesis without a delivery section runs the real network's schedule.
		sp_io::TestExternalities::new(RuntimeGenesisConfig::default().build_storage().unwrap()).execute_with(|| {
			let s = pallet_delivery::Schedule::<Runtime>::get();
			assert_eq!((s.epoch_length, s.claim_window, s.proof_window), (10 * MINUTES, 2 * MINUTES, 10 * MINUTES));
			assert!(!pallet_delivery::AllowLocalEndpoints::<Runtime>::get());
			// …and its 6-second slots.
			assert_eq!(Aura::slot_duration(), SLOT_DURATION);
			assert_eq!(<Runtime as pallet_timestamp::Config>::MinimumPeriod::get(), SLOT_DURATION / 2);
		});
	}

	#[test]
	fn filling_a_block_with_junk_costs_real_vid() {
		use frame_support::{dispatch::DispatchClass, weights::WeightToFee as _};
		let weights = <Runtime as frame_system::Config>::BlockWeights::get();
		let normal = weights.get(DispatchClass::Normal).max_total.expect("a normal-class limit");
		let length = *<Runtime as frame_system::Config>::BlockLength::get().max.get(DispatchClass::Normal);
		let weight_fee = <Runtime as pallet_transaction_payment::Config>::WeightToFee::weight_to_fee(&normal);
		let length_fee = <Runtime as pallet_transaction_payment::Config>::LengthToFee::weight_to_fee(
			&frame_support::weights::Weight::from_parts(length as u64, 0),
		);
		// At the neutral multiplier: 150 VID of weight and 39 VID of length.
		assert!(weight_fee >= 100 * VID, "a block's weight costs {weight_fee}");
		assert!(length_fee >= 30 * VID, "a block's length costs {length_fee}");
		// A transfer stays cheap: well under a tenth of a VID.
		let transfer = <Runtime as pallet_transaction_payment::Config>::WeightToFee::weight_to_fee(
			&frame_support::weights::Weight::from_parts(250_000_000, 0),
		) + <Runtime as pallet_transaction_payment::Config>::LengthToFee::weight_to_fee(
			&frame_support::weights::Weight::from_parts(150, 0),
		);
		assert!(transfer < VID / 10, "a transfer costs {transfer}");
	}

	/// Every pallet and transaction extension charges weights measured for this runtime
	/// (`weights::*`, `pallet_delivery::weights`), never `()` or another runtime's
	/// `SubstrateWeight`; the block, extrinsic and database weights are the measured constants.
	/// A pallet added to the runtime fails this test until its weights are generated and listed.
	#[test]
	fn every_weight_is_measured_for_this_runtime() {
		use core::any::type_name;
		use frame_support::{dispatch::DispatchClass, traits::PalletsInfoAccess};
		let used = [
			("System", type_name::<<Runtime as frame_system::Config>::SystemWeightInfo>()),
			("System extensions", type_name::<<Runtime as frame_system::Config>::ExtensionsWeightInfo>()),
			("Timestamp", type_name::<<Runtime as pallet_timestamp::Config>::WeightInfo>()),
			("Grandpa", type_name::<<Runtime as pallet_grandpa::Config>::WeightInfo>()),
			("Balances", type_name::<<Runtime as pallet_balances::Config>::WeightInfo>()),
			("TransactionPayment", type_name::<<Runtime as pallet_transaction_payment::Config>::WeightInfo>()),
			("Sudo", type_name::<<Runtime as pallet_sudo::Config>::WeightInfo>()),
			("Nfts", type_name::<<Runtime as pallet_nfts::Config>::WeightInfo>()),
			("Assets", type_name::<<Runtime as pallet_assets::Config>::WeightInfo>()),
			("Delivery", type_name::<<Runtime as pallet_delivery::Config>::WeightInfo>()),
			("Rewards", type_name::<<Runtime as pallet_rewards::Config>::WeightInfo>()),
			("Licenses", type_name::<<Runtime as pallet_licenses::Config>::WeightInfo>()),
			("Validators", type_name::<<Runtime as pallet_validators::Config>::WeightInfo>()),
		];
		for (pallet, weights) in used {
			let measured = weights.starts_with("vidchain_runtime::weights::") ||
				weights == type_name::<pallet_delivery::weights::SubstrateWeight<Runtime>>() ||
				weights == type_name::<pallet_rewards::weights::SubstrateWeight<Runtime>>() ||
				weights == type_name::<pallet_licenses::weights::SubstrateWeight<Runtime>>() ||
				weights == type_name::<pallet_validators::weights::SubstrateWeight<Runtime>>();
			assert!(measured, "{pallet} charges {weights}, not weights measured for this runtime");
		}
		// Every pallet of the runtime is above, but Aura (no calls, no `WeightInfo`).
		for info in AllPalletsWithSystem::infos() {
			assert!(
				info.name == "Aura" || used.iter().any(|(p, _)| *p == info.name),
				"pallet {} has no measured weights listed here",
				info.name
			);
		}
		assert_eq!(<Runtime as frame_system::Config>::DbWeight::get(), weights::ParityDbWeight::get());
		let block = configs::RuntimeBlockWeights::get();
		assert_eq!(block.base_block, weights::BlockExecutionWeight::get());
		for class in DispatchClass::all() {
			assert_eq!(block.get(*class).base_extrinsic, weights::ExtrinsicBaseWeight::get());
		}
	}

	#[test]
	fn sealing_a_block_of_claims_leaves_the_block_to_transactions() {
		use frame_support::dispatch::DispatchClass;
		let per_block = <Runtime as pallet_delivery::Config>::MaxSealPerBlock::get();
		// More than a block can walk (`per_block` in all): an upper bound.
		let sealing = pallet_delivery::Pallet::<Runtime>::seal_weight(per_block, per_block);
		let max = <Runtime as frame_system::Config>::BlockWeights::get().max_block;
		assert!(sealing.ref_time() * 10 <= max.ref_time(), "sealing {per_block} claims takes {sealing:?} of {max:?}");
		let normal = <Runtime as frame_system::Config>::BlockWeights::get()
			.get(DispatchClass::Normal)
			.max_total
			.unwrap();
		assert!(normal.ref_time() + sealing.ref_time() <= max.ref_time());
	}

	/// The development genesis, built.
	fn dev_ext() -> sp_io::TestExternalities {
		let patch = genesis_config_presets::get_preset(&sp_genesis_builder::DEV_RUNTIME_PRESET.into()).unwrap();
		let mut base = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
		json_merge(&mut base, serde_json::from_slice(&patch).unwrap());
		let config: RuntimeGenesisConfig = serde_json::from_value(base).unwrap();
		let mut ext = sp_io::TestExternalities::new(config.build_storage().unwrap());
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	#[test]
	fn pallet_nfts_cannot_move_price_or_swap_a_license() {
		use frame_support::dispatch::{DispatchErrorWithPostInfo, RawOrigin};
		use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie};
		use sp_runtime::traits::Dispatchable;
		dev_ext().execute_with(|| {
			let content = sp_core::H256::repeat_byte(1);
			pallet_delivery::Contents::<Runtime>::insert(
				content,
				pallet_delivery::ContentInfo {
					manifest_root: content,
					creator: Alice.to_account_id(),
					chunk_size: 1,
					chunk_count: 1,
					total_bytes: 1,
					exclusive: true,
					title: Default::default(),
					uri: Default::default(),
					deposit: 0,
					registered_at: 0,
					retired_at: None,
				},
			);
			let signed = |who: sp_keyring::Sr25519Keyring| RuntimeOrigin::from(RawOrigin::Signed(who.to_account_id()));
			let price = vidchain_primitives::FUEL;
			RuntimeCall::Licenses(pallet_licenses::Call::create_clip {
				content,
				start_ms: 0,
				end_ms: 1_000,
				max_editions: 3,
				price,
				royalty: sp_runtime::Permill::from_percent(10),
				kind: vidchain_primitives::licenses::LicenseKind::View,
				duration: vidchain_primitives::licenses::LicenseDuration::Perpetual,
				metadata: Default::default(),
			})
			.dispatch(signed(Alice))
			.expect("Alice's live content");
			let clip = pallet_licenses::Clips::<Runtime>::iter_keys().next().unwrap();
			RuntimeCall::Licenses(pallet_licenses::Call::buy_license { clip, max_price: price })
				.dispatch(signed(Bob))
				.expect("Bob has FUEL and VID");
			assert!(Licenses::has_access(&Bob.to_account_id(), &content));

			let filtered = |call: pallet_nfts::Call<Runtime>| {
				let result = RuntimeCall::Nfts(call).dispatch(signed(Bob));
				matches!(result, Err(DispatchErrorWithPostInfo { error, .. })
					if error == frame_system::Error::<Runtime>::CallFiltered.into())
			};
			let charlie = sp_runtime::MultiAddress::Id(Charlie.to_account_id());
			assert!(filtered(pallet_nfts::Call::transfer { collection: clip, item: 1, dest: charlie.clone() }));
			assert!(filtered(pallet_nfts::Call::set_price { collection: clip, item: 1, price: Some(1), whitelisted_buyer: None }));
			assert!(filtered(pallet_nfts::Call::buy_item { collection: clip, item: 1, bid_price: 1 }));
			assert!(filtered(pallet_nfts::Call::approve_transfer { collection: clip, item: 1, delegate: charlie, maybe_deadline: None }));
			assert!(filtered(pallet_nfts::Call::create_swap {
				offered_collection: clip,
				offered_item: 1,
				desired_collection: clip,
				maybe_desired_item: None,
				maybe_price: None,
				duration: 10,
			}));
			// Other collections trade as pallet-nfts allows.
			assert!(!filtered(pallet_nfts::Call::set_price { collection: clip + 1, item: 1, price: Some(1), whitelisted_buyer: None }));
			assert_eq!(pallet_nfts::Item::<Runtime>::get(clip, 1).map(|i| i.owner), Some(Bob.to_account_id()));
		});
	}

	/// Nobody but root creates an asset: FUEL is the chain's only one. The benchmark build lets a
	/// signed origin `create` (to measure it); the runtime that ships must not.
	#[cfg(not(feature = "runtime-benchmarks"))]
	#[test]
	fn nobody_but_root_creates_an_asset() {
		use frame_support::dispatch::RawOrigin;
		use sp_keyring::Sr25519Keyring::Alice;
		use sp_runtime::traits::Dispatchable;
		dev_ext().execute_with(|| {
			let alice = Alice.to_account_id();
			let free = Balances::free_balance(&alice);
			let create = |id: u32| {
				RuntimeCall::Assets(pallet_assets::Call::create {
					id: id.into(),
					admin: sp_runtime::MultiAddress::Id(alice.clone()),
					min_balance: 1,
				})
			};
			let result = create(7).dispatch(RuntimeOrigin::from(RawOrigin::Signed(alice.clone())));
			assert_eq!(result.map_err(|e| e.error), Err(sp_runtime::DispatchError::BadOrigin));
			assert!(!pallet_assets::Asset::<Runtime>::contains_key(7));
			assert_eq!(Balances::free_balance(&alice), free, "no deposit taken");
			// FUEL's id cannot be taken over either, and root's `force_create` still works.
			let result = create(vidchain_primitives::FUEL_ASSET_ID).dispatch(RuntimeOrigin::from(RawOrigin::Signed(alice.clone())));
			assert!(result.is_err());
			RuntimeCall::Assets(pallet_assets::Call::force_create {
				id: 7u32.into(),
				owner: sp_runtime::MultiAddress::Id(alice.clone()),
				is_sufficient: false,
				min_balance: 1,
			})
			.dispatch(RuntimeOrigin::root())
			.expect("root creates assets");
			assert!(pallet_assets::Asset::<Runtime>::contains_key(7));
		});
	}

	#[test]
	fn sample_reports_are_accepted_from_aura_authorities_only() {
		use pallet_delivery::ValidatorSet;
		use sp_keyring::Sr25519Keyring;
		use vidchain_primitives::ocw_crypto;
		let mut ext = sp_io::TestExternalities::new(
			RuntimeGenesisConfig {
				aura: pallet_aura::GenesisConfig {
					authorities: vec![Sr25519Keyring::Alice.public().into()],
				},
				..Default::default()
			}
			.build_storage()
			.unwrap(),
		);
		ext.execute_with(|| {
			let alice = ocw_crypto::Public::from(Sr25519Keyring::Alice.public());
			let bob = ocw_crypto::Public::from(Sr25519Keyring::Bob.public());
			assert!(configs::AuraValidators::is_validator(&alice));
			assert!(!configs::AuraValidators::is_validator(&bob));
			assert_eq!(configs::AuraValidators::validator_count(), 1);
		});
	}

	/// A validator that joins through pallet-validators is one whose sample reports count; one
	/// that leaves is not.
	#[test]
	fn validators_that_join_or_leave_by_root_are_the_sample_reporters() {
		use frame_support::assert_ok;
		use pallet_delivery::ValidatorSet;
		use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
		use vidchain_primitives::ocw_crypto;
		let mut ext = sp_io::TestExternalities::new(
			RuntimeGenesisConfig {
				aura: pallet_aura::GenesisConfig {
					authorities: vec![Sr25519Keyring::Alice.public().into()],
				},
				grandpa: pallet_grandpa::GenesisConfig {
					authorities: vec![(Ed25519Keyring::Alice.public().into(), 1)],
					..Default::default()
				},
				..Default::default()
			}
			.build_storage()
			.unwrap(),
		);
		ext.execute_with(|| {
			frame_system::Pallet::<Runtime>::set_block_number(1);
			let bob = ocw_crypto::Public::from(Sr25519Keyring::Bob.public());
			let alice = ocw_crypto::Public::from(Sr25519Keyring::Alice.public());
			assert_ok!(Validators::add_validator(
				RuntimeOrigin::root(),
				Sr25519Keyring::Bob.public().into(),
				Ed25519Keyring::Bob.public().into(),
			));
			assert!(configs::AuraValidators::is_validator(&bob));
			assert_eq!(configs::AuraValidators::validator_count(), 2);
			<Grandpa as frame_support::traits::OnFinalize<_>>::on_finalize(1);
			frame_system::Pallet::<Runtime>::set_block_number(2);
			assert_ok!(Validators::remove_validator(
				RuntimeOrigin::root(),
				Sr25519Keyring::Alice.public().into(),
				Ed25519Keyring::Alice.public().into(),
			));
			assert!(!configs::AuraValidators::is_validator(&alice));
			assert_eq!(configs::AuraValidators::validator_count(), 1);
			// Signed accounts cannot: root only.
			assert!(Validators::add_validator(
				RuntimeOrigin::signed(Sr25519Keyring::Bob.to_account_id()),
				Sr25519Keyring::Charlie.public().into(),
				Ed25519Keyring::Charlie.public().into(),
			)
			.is_err());
		});
	}

	fn json_merge(base: &mut serde_json::Value, patch: serde_json::Value) {
		match (base, patch) {
			(serde_json::Value::Object(b), serde_json::Value::Object(p)) =>
				for (k, v) in p {
					json_merge(b.entry(k).or_insert(serde_json::Value::Null), v);
				},
			(b, p) => *b = p,
		}
	}
}
