//! Chain specifications: `dev` and `local` come from the runtime's genesis presets.

use sc_service::{ChainType, Properties};
use vidchain_runtime::WASM_BINARY;

/// A chain spec of this node (genesis built by the runtime from a preset or a patch).
pub type ChainSpec = sc_service::GenericChainSpec;

/// `tokenSymbol`, `tokenDecimals` and `ss58Format`, as wallets read them from `system_properties`:
/// both tokens, the native VID first (what polkadot.js treats as the chain's token), then FUEL.
pub fn properties() -> Properties {
	use vidchain_primitives::{FUEL_DECIMALS, FUEL_SYMBOL, TOKEN_DECIMALS, TOKEN_SYMBOL};
	let mut props = Properties::new();
	props.insert("tokenSymbol".into(), serde_json::json!([TOKEN_SYMBOL, FUEL_SYMBOL]));
	props.insert("tokenDecimals".into(), serde_json::json!([TOKEN_DECIMALS, FUEL_DECIMALS]));
	props.insert("ss58Format".into(), vidchain_primitives::SS58_PREFIX.into());
	props
}

fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"The runtime's wasm blob was not built (was SKIP_WASM_BUILD set?)".to_string()
	})
}

fn spec(name: &str, id: &str, chain_type: ChainType, preset: &str) -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name(name)
		.with_id(id)
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties())
		.build())
}

/// `--dev`: one validator (Alice), the `development` preset.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	spec(
		"Vidchain Development",
		"vidchain_dev",
		ChainType::Development,
		sp_genesis_builder::DEV_RUNTIME_PRESET,
	)
}

/// `--chain local`: Alice and Bob validate, the `local_testnet` preset.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	spec(
		"Vidchain Local Testnet",
		"vidchain_local",
		ChainType::Local,
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
	)
}
