//! Genesis presets: `development` (one validator, Alice) and `local_testnet` (Alice and Bob).
//!
//! Both are development networks: 2-second slots, delivery epochs of 10 blocks with claim and
//! proof windows of 3 (a claim goes from receipts to `ClaimVerified` in under a minute), and edge
//! endpoints on loopback allowed. A real network's chain spec leaves `validators` and `delivery`
//! out and gets the runtime's defaults (6-second slots, 10-minute epochs, public endpoints only).
//! Block counts derived from time (`MINUTES`, `DAYS`: unbonding, suspension, NFT deadlines)
//! assume 6-second slots, so they pass three times faster on a development network.
//!
//! Each preset is a JSON patch over the default genesis config. It always carries
//! `aura.authorities`, `grandpa.authorities` and `balances.balances`, which tools such as
//! zombienet rewrite for their own validators.

use crate::{AccountId, AssetsConfig, BalancesConfig, RuntimeGenesisConfig, SudoConfig, VID};
use vidchain_primitives::{FUEL, FUEL_ASSET_ID, FUEL_DECIMALS, FUEL_SYMBOL};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// Milliseconds per slot on development networks: a third of a real network's, so that the
/// tests, and a developer waiting for an epoch, wait a third as long.
pub const DEV_SLOT_DURATION: u64 = 2_000;
/// Blocks per delivery epoch on development networks.
pub const DEV_EPOCH_LENGTH: crate::BlockNumber = 10;
/// Blocks of each claim and proof window on development networks.
pub const DEV_WINDOW: crate::BlockNumber = 3;

/// What each endowed development account starts with: one million VID…
pub const ENDOWMENT: crate::Balance = 1_000_000 * VID;
/// …and one million FUEL.
pub const FUEL_ENDOWMENT: crate::Balance = 1_000_000 * FUEL;

/// FUEL at genesis: asset [`FUEL_ASSET_ID`], sufficient (an account needs no VID to hold it),
/// minimum balance 1, owned by pallet-rewards' keyless account (so only emission mints it), with
/// its metadata; `endowed` accounts and the treasury (1 FUEL, so it exists) hold some.
pub fn fuel_genesis(endowed: &[AccountId]) -> AssetsConfig {
	use sp_runtime::traits::AccountIdConversion;
	let owner: AccountId = crate::configs::RewardsPalletId::get().into_account_truncating();
	let treasury = crate::configs::TreasuryAccount::get();
	AssetsConfig {
		assets: vec![(FUEL_ASSET_ID, owner, true, 1)],
		metadata: vec![(FUEL_ASSET_ID, b"Vidchain FUEL".to_vec(), FUEL_SYMBOL.as_bytes().to_vec(), FUEL_DECIMALS)],
		accounts: endowed
			.iter()
			.map(|who| (FUEL_ASSET_ID, who.clone(), FUEL_ENDOWMENT))
			.chain([(FUEL_ASSET_ID, treasury, FUEL)])
			.collect(),
		next_asset_id: None,
		reserves: vec![],
	}
}

/// pallet-licenses' account, which holds the VID pallet-nfts reserves for clips and licenses:
/// it exists from genesis.
fn licenses_account() -> AccountId {
	use sp_runtime::traits::AccountIdConversion;
	crate::configs::LicensesPalletId::get().into_account_truncating()
}

fn testnet_genesis(
	initial_authorities: Vec<(AuraId, GrandpaId)>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts
				.iter()
				.cloned()
				.map(|k| (k, ENDOWMENT))
				.chain([(licenses_account(), crate::EXISTENTIAL_DEPOSIT)])
				.collect::<Vec<_>>(),
		},
		aura: pallet_aura::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| x.0.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| (x.1.clone(), 1)).collect::<Vec<_>>(),
		},
		assets: fuel_genesis(&endowed_accounts),
		sudo: SudoConfig { key: Some(root) },
		validators: pallet_validators::GenesisConfig {
			slot_duration: DEV_SLOT_DURATION,
			..Default::default()
		},
		delivery: pallet_delivery::GenesisConfig {
			epoch_length: DEV_EPOCH_LENGTH,
			claim_window: DEV_WINDOW,
			proof_window: DEV_WINDOW,
			allow_local_endpoints: true,
		},
	})
}

fn authority(key: Sr25519Keyring, ed: Ed25519Keyring) -> (AuraId, GrandpaId) {
	(key.public().into(), ed.public().into())
}

/// `development`: Alice validates alone; Alice, Bob and their stashes are endowed; Alice is sudo.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		vec![
			Sr25519Keyring::Alice.to_account_id(),
			Sr25519Keyring::Bob.to_account_id(),
			Sr25519Keyring::AliceStash.to_account_id(),
			Sr25519Keyring::BobStash.to_account_id(),
		],
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// `local_testnet`: Alice and Bob validate; every well-known dev account is endowed.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		],
		Sr25519Keyring::iter()
			.filter(|v| v != &Sr25519Keyring::One && v != &Sr25519Keyring::Two)
			.map(|v| v.to_account_id())
			.collect::<Vec<_>>(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The JSON patch of the preset `id`, or `None` for an unknown name.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
