# Sourced by every Vidchain script: one shared build configuration, so the developer's shell,
# the scripts and CI (a fresh clone on the same machine) all reuse one cached target directory.
VIDCHAIN_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export VIDCHAIN_ROOT
# One target directory outside the clone, shared by every checkout on this machine.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/vidchain/target}
# For `--features metadata-hash` builds, which use substrate-wasm-builder (runtime/build.rs): without
# this hint it cannot find Cargo.lock from a target dir outside the workspace and would resolve its
# own versions for the runtime blob.
export WASM_BUILD_WORKSPACE_HINT=$VIDCHAIN_ROOT
# The toolchain that builds the wasm runtime (written by scripts/setup.sh).
if [ -f "$VIDCHAIN_ROOT/.wasm-toolchain" ] && [ "$(cat "$VIDCHAIN_ROOT/.wasm-toolchain")" = debian-web ]; then
  export WASM_BUILD_TOOLCHAIN=debian-web
fi
# Link Debian's libssl instead of compiling OpenSSL from C (set in every script, or the
# openssl-sys chain rebuilds whenever it flips).
export OPENSSL_NO_VENDOR=1
# The one profile we build.
export VIDCHAIN_PROFILE=release
export VIDCHAIN_NODE_BIN=$CARGO_TARGET_DIR/$VIDCHAIN_PROFILE/vidchain-node
