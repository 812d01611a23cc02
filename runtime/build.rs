#[cfg(all(feature = "std", feature = "metadata-hash"))]
fn main() {
	// Symbol and decimals of the native token: `vidchain_primitives::{TOKEN_SYMBOL, TOKEN_DECIMALS}`.
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash("VID", 12)
		.build();
}

#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
fn main() {
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

/// The wasm builder is off when this crate itself is compiled for wasm.
#[cfg(not(feature = "std"))]
fn main() {}
