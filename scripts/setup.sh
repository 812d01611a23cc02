#!/usr/bin/env bash
# Vidchain machine set-up: idempotent, seconds when nothing is missing.
#
# Installs what a Debian machine needs to build vidchain-node and its wasm runtime, and the JS
# test dependencies. On an online machine `rustup target add wasm32v1-none` and
# `rustup component add rust-src` are enough; where rustup cannot reach its server (this project's
# build machines), it falls back to Debian's rustc-web toolchain with a self-built core/alloc for
# the wasm targets (see README, "Toolchain").
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
log() { printf '[setup] %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# --- 1. Debian packages -------------------------------------------------------------------------
# ffmpeg: sample video, and the HLS tests play content through an edge with it.
APT_PKGS=(protobuf-compiler clang libclang-dev libssl-dev pkg-config git curl ffmpeg)
missing=()
for p in "${APT_PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- 2. The wasm toolchain ----------------------------------------------------------------------
# The native toolchain is whatever rust-toolchain.toml names (rustup reads it).
HOST_TC=$(rustup show active-toolchain 2>/dev/null | awk '{print $1}')
toolchain_has_wasm() {
  rustc +"$1" --print sysroot >/dev/null 2>&1 || return 1
  local sysroot; sysroot=$(rustc +"$1" --print sysroot)
  ls "$sysroot"/lib/rustlib/wasm32v1-none/lib/libcore-*.rlib >/dev/null 2>&1 &&
    ls "$sysroot"/lib/rustlib/wasm32-unknown-unknown/lib/libcore-*.rlib >/dev/null 2>&1
}

WASM_TC_FILE="$ROOT/.wasm-toolchain"   # not committed; read by scripts/env.sh
# VIDCHAIN_WASM_FALLBACK=1 skips rustup and takes the Debian route (to test it where rustup works).
if [ "${VIDCHAIN_WASM_FALLBACK:-0}" != 1 ] && toolchain_has_wasm "$HOST_TC"; then
  log "toolchain $HOST_TC has the wasm targets"
  echo "$HOST_TC" > "$WASM_TC_FILE"
else
  # Online machines: this is all it takes.
  if [ "${VIDCHAIN_WASM_FALLBACK:-0}" != 1 ] &&
     timeout 60 rustup target add wasm32v1-none wasm32-unknown-unknown >/dev/null 2>&1 &&
     timeout 60 rustup component add rust-src >/dev/null 2>&1 && toolchain_has_wasm "$HOST_TC"; then
    log "rustup added the wasm targets to $HOST_TC"
    echo "$HOST_TC" > "$WASM_TC_FILE"
  else
    log "rustup cannot add wasm targets here: using Debian's rustc-web with self-built core/alloc"
    for p in rustc-web cargo-web rust-web-src; do
      dpkg -s "$p" >/dev/null 2>&1 || { $SUDO apt-get update -qq;
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rustc-web cargo-web rust-web-src >/dev/null; break; }
    done
    rustup toolchain list | grep -q '^debian-web' || rustup toolchain link debian-web /usr
    for target in wasm32v1-none wasm32-unknown-unknown; do
      libdir=/usr/lib/rustlib/$target/lib
      if ls "$libdir"/libcore-*.rlib >/dev/null 2>&1; then continue; fi
      log "building core/alloc for $target from Debian's std sources"
      scratch=$(mktemp -d)
      mkdir -p "$scratch/src"
      cat > "$scratch/Cargo.toml" <<'TOML'
[package]
name = "wasm-std-seed"
version = "0.0.0"
edition = "2021"
[lib]
path = "src/lib.rs"
TOML
      echo '#![no_std]' > "$scratch/src/lib.rs"
      ( cd "$scratch" && RUSTFLAGS="-C embed-bitcode=yes" RUSTC_BOOTSTRAP=1 \
          cargo +debian-web build --quiet --release -Zbuild-std=core,alloc --target "$target" )
      $SUDO mkdir -p "$libdir"
      $SUDO cp "$scratch"/target/"$target"/release/deps/lib{core,alloc,compiler_builtins}-*.rlib "$libdir"/
      rm -rf "$scratch"
    done
    if ! command -v rust-lld >/dev/null 2>&1; then
      lld=$(ls "$HOME"/.rustup/toolchains/*/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld 2>/dev/null | head -n1)
      [ -n "$lld" ] || { echo "[setup] no rust-lld found in rustup toolchains" >&2; exit 1; }
      $SUDO ln -sf "$lld" /usr/local/bin/rust-lld
    fi
    echo debian-web > "$WASM_TC_FILE"
  fi
fi

# --- 3. JS test dependencies --------------------------------------------------------------------
if [ -f tests/js/package-lock.json ]; then
  if [ ! -d tests/js/node_modules/@polkadot/api ] || [ tests/js/package-lock.json -nt tests/js/node_modules/.package-lock.json ]; then
    log "installing JS test dependencies (npm ci)"
    ( cd tests/js && npm ci --no-audit --no-fund --loglevel=error )
  fi
fi
# @zombienet/cli for the validator network (scripts/net.sh), locked; its `toml` git dependency
# is overridden with the registry's toml 3.0.0 so that it installs offline.
if [ -f zombienet/package-lock.json ]; then
  if [ ! -x zombienet/node_modules/.bin/zombienet ] || [ zombienet/package-lock.json -nt zombienet/node_modules/.package-lock.json ]; then
    log "installing zombienet (npm ci)"
    ( cd zombienet && npm ci --no-audit --no-fund --loglevel=error )
  fi
fi
log "ready"
