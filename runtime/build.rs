//! Builds the runtime's wasm blob, which the node puts in genesis and executes.
//!
//! The default build compiles the blob with `cargo rustc` for `wasm32v1-none` (the MVP feature
//! set that Substrate's executor runs) in a target directory of its own, and compresses it with
//! `sp-maybe-compressed-blob`, as substrate-wasm-builder does. It skips what substrate-wasm-builder
//! adds on top: `wasm-opt` (Binaryen, C++ compiled from source: a quarter of a clean build on two
//! cores), which here would only strip debug sections (the linker does that) and lower sign-ext
//! opcodes (`wasm32v1-none` emits none).
//!
//! `--features metadata-hash` (and `on-chain-release-build`, which implies it) builds with
//! substrate-wasm-builder instead: it computes the metadata hash that `CheckMetadataHash` commits
//! to, which needs the blob built twice. Release engineering builds the on-chain runtime that way.
//!
//! Environment:
//! - `SKIP_WASM_BUILD`: build no blob (`WASM_BINARY` is `None`), e.g. for `cargo clippy`.
//! - `WASM_BUILD_TOOLCHAIN`: the rustup toolchain that builds the blob (scripts/setup.sh sets
//!   `debian-web` where rustup cannot add the wasm target); by default the one building this crate.
//! - `WASM_BUILD_RUSTFLAGS`: extra rustc flags for the blob.

#[cfg(all(feature = "std", feature = "metadata-hash"))]
fn main() {
	// Symbol and decimals of the native token: `vidchain_primitives::{TOKEN_SYMBOL, TOKEN_DECIMALS}`.
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash("VID", 12)
		.build();
}

#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
fn main() {
	blob::build();
}

/// No blob is built when this crate itself is compiled for wasm.
#[cfg(not(feature = "std"))]
fn main() {}

#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
mod blob {
	use std::{
		env, fs,
		io::{self, Write},
		os::fd::AsFd,
		path::{Path, PathBuf},
		process::{Command, Stdio},
	};

	/// The target the blob is built for: WebAssembly MVP plus mutable globals, what the executor
	/// accepts (`rustup target add wasm32v1-none`, or scripts/setup.sh).
	const TARGET: &str = "wasm32v1-none";
	/// The profile of the blob, in the workspace's `Cargo.toml`: optimized, thin LTO, no unwinding.
	const PROFILE: &str = "wasm-runtime";
	/// The features of this crate that change the blob; each is passed on when it is enabled here.
	const BLOB_FEATURES: &[&str] = &["runtime-benchmarks", "try-runtime"];
	/// Where the sources of the blob live: the runtime, the pallets and the primitives they share,
	/// and the workspace's manifest and lock. A change in any of them rebuilds the blob. Relative
	/// to this crate (cargo resolves them from the package root), so that a checkout sharing the
	/// target directory is judged on its own files, not on those of the checkout that built first.
	const SOURCES: &[&str] = &[".", "../pallets", "../primitives", "../Cargo.toml", "../Cargo.lock"];
	/// Linker flags the executor needs: it provides the memory, reads the heap base, and calls
	/// through the function table. `substrate_runtime` selects the wasm side of `sp-io` & co.
	const RUSTFLAGS: &str = "-C link-arg=--export-table -C link-arg=--export=__heap_base \
		-C link-arg=--import-memory -C link-arg=--strip-debug --cfg substrate_runtime";

	pub fn build() {
		for var in ["SKIP_WASM_BUILD", "WASM_BUILD_TOOLCHAIN", "WASM_BUILD_RUSTFLAGS"] {
			println!("cargo:rerun-if-env-changed={var}");
		}
		let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
		let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
		let workspace = manifest_dir.parent().expect("the runtime is a workspace member").to_owned();
		for source in SOURCES {
			println!("cargo:rerun-if-changed={source}");
		}
		let include = out_dir.join("wasm_binary.rs");
		if env::var_os("SKIP_WASM_BUILD").is_some() {
			write(
				&include,
				"pub const WASM_BINARY_PATH: Option<&str> = None;\n\
				 pub const WASM_BINARY: Option<&[u8]> = None;\n\
				 pub const WASM_BINARY_BLOATY: Option<&[u8]> = None;\n",
			);
			return;
		}

		let features: Vec<&str> = BLOB_FEATURES
			.iter()
			.copied()
			.filter(|f| env::var_os(format!("CARGO_FEATURE_{}", f.to_uppercase().replace('-', "_"))).is_some())
			.collect();
		let toolchain = env::var("WASM_BUILD_TOOLCHAIN").ok().filter(|t| !t.is_empty());
		let extra_flags = env::var("WASM_BUILD_RUSTFLAGS").unwrap_or_default();
		let cargo_path = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
		// One target directory for each feature set, toolchain and extra flags: the cdylib's file
		// name carries no hash, so two builds of other settings sharing a directory would take
		// each other's blob for their own.
		let set = if features.is_empty() { "default".to_string() } else { features.join("+") };
		let key = {
			use std::hash::{Hash, Hasher};
			let mut hasher = std::collections::hash_map::DefaultHasher::new();
			(&toolchain, &cargo_path, &extra_flags).hash(&mut hasher);
			format!("{set}-{:016x}", hasher.finish())
		};
		let wasm_dir = target_dir(&out_dir).join("wasm-runtime");
		let blob_dir = wasm_dir.join("build").join(&key);

		let mut cargo = match &toolchain {
			Some(toolchain) => {
				let mut c = Command::new("rustup");
				c.args(["run", toolchain, "cargo"]);
				c
			},
			None => Command::new(&cargo_path),
		};
		cargo
			.current_dir(&workspace)
			.args(["rustc", "--package", "vidchain-runtime", "--lib", "--crate-type", "cdylib"])
			.args(["--target", TARGET, "--profile", PROFILE, "--no-default-features"])
			.env("CARGO_TARGET_DIR", &blob_dir)
			.env("RUSTFLAGS", format!("{RUSTFLAGS} {extra_flags}"))
			// Cargo hands the outer build's settings to build scripts; the blob has its own.
			.env_remove("CARGO_ENCODED_RUSTFLAGS")
			.env_remove("RUSTC")
			.env_remove("RUSTC_WORKSPACE_WRAPPER")
			.env_remove("OUT_DIR")
			// Cargo reads build scripts' stdout for instructions; the inner cargo's goes to stderr.
			.stdout(Stdio::from(
				io::stderr().as_fd().try_clone_to_owned().expect("stderr can be duplicated"),
			));
		if !features.is_empty() {
			cargo.args(["--features", &features.join(",")]);
		}
		if env::var_os("CARGO_NET_OFFLINE").is_some() {
			cargo.arg("--offline");
		}
		let status = cargo.status().unwrap_or_else(|e| fail(&format!("cannot run cargo: {e}")));
		if !status.success() {
			fail(&format!(
				"building the runtime's wasm blob failed ({cargo:?}). Is the {TARGET} target \
				 installed? scripts/setup.sh installs it."
			));
		}

		let bloaty_path = blob_dir.join(TARGET).join(PROFILE).join("vidchain_runtime.wasm");
		let bloaty = fs::read(&bloaty_path)
			.unwrap_or_else(|e| fail(&format!("no blob at {}: {e}", bloaty_path.display())));
		// What the node loads: zstd with Substrate's prefix (level 22, as substrate-wasm-builder:
		// 4 s here, 643 KB against 787 at level 3), bounded against compression bombs.
		let compressed = sp_maybe_compressed_blob::compress_strongly(
			&bloaty,
			sp_maybe_compressed_blob::CODE_BLOB_BOMB_LIMIT,
		)
		.unwrap_or_else(|| fail("the blob is larger than the executor's bomb limit"));
		// Copies in this build's own OUT_DIR (the blob directory is shared with later builds), and
		// one for tools (`benchmark pallet --runtime`, runtime upgrades): the last blob built with
		// these features, `wasm-runtime/vidchain_runtime[-<features>].compressed.wasm`.
		let bloaty_copy = out_dir.join("vidchain_runtime.wasm");
		let compressed_copy = out_dir.join("vidchain_runtime.compressed.wasm");
		write(&bloaty_copy, &bloaty);
		write(&compressed_copy, &compressed);
		let for_tools = match set.as_str() {
			"default" => "vidchain_runtime.compressed.wasm".to_string(),
			set => format!("vidchain_runtime-{set}.compressed.wasm"),
		};
		write(&wasm_dir.join(for_tools), &compressed);
		write(
			&include,
			&format!(
				"pub const WASM_BINARY_PATH: Option<&str> = Some({path:?});\n\
				 pub const WASM_BINARY: Option<&[u8]> = Some(include_bytes!({path:?}));\n\
				 pub const WASM_BINARY_BLOATY: Option<&[u8]> = Some(include_bytes!({bloaty:?}));\n",
				path = compressed_copy.display().to_string(),
				bloaty = bloaty_copy.display().to_string(),
			),
		);
	}

	/// The outer build's target directory: `OUT_DIR` is `<target>/<profile>/build/<crate>/out`.
	fn target_dir(out_dir: &Path) -> PathBuf {
		out_dir
			.ancestors()
			.find(|p| p.file_name().is_some_and(|n| n == "build"))
			.and_then(|build| build.parent()?.parent())
			.unwrap_or_else(|| fail(&format!("unexpected OUT_DIR {}", out_dir.display())))
			.to_owned()
	}

	/// Writes a file only when its contents change, so that nothing downstream rebuilds for nothing.
	fn write(path: &Path, contents: impl AsRef<[u8]>) {
		if fs::read(path).ok().as_deref() == Some(contents.as_ref()) {
			return;
		}
		if let Some(dir) = path.parent() {
			fs::create_dir_all(dir).unwrap_or_else(|e| fail(&format!("{}: {e}", dir.display())));
		}
		fs::write(path, contents).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
	}

	fn fail(message: &str) -> ! {
		let _ = writeln!(io::stderr(), "error: {message}");
		std::process::exit(1)
	}
}
