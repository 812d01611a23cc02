#!/usr/bin/env bash
# Benchmarks (separate from tests): build vidchain-node with `runtime-benchmarks` and regenerate
# the weights of Vidchain's pallets with the node's `benchmark pallet` command.
#
#   scripts/bench.sh                 # every Vidchain pallet, STEPS=50 REPEAT=20
#   STEPS=10 REPEAT=5 scripts/bench.sh pallet_delivery
#
# It writes pallets/<name>/src/weights.rs (template: scripts/pallet-weight-template.hbs) and
# prints a balance transfer's weight for comparison. It leaves the benchmark build of
# vidchain-node in the shared target directory: scripts/build.sh (which dev.sh and test.sh call)
# rebuilds the normal node afterwards. Never ship a node or wasm built with runtime-benchmarks.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$VIDCHAIN_ROOT"

STEPS=${STEPS:-50}
REPEAT=${REPEAT:-20}
PALLETS=("$@")
[ ${#PALLETS[@]} -gt 0 ] || PALLETS=(pallet_delivery)

bash scripts/setup.sh
echo "== build vidchain-node with runtime-benchmarks =="
# The benchmarking CLI's storage-access test runtime is only needed by `benchmark storage`.
SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1 \
  cargo build --locked --release -p vidchain-node --features runtime-benchmarks

WASM=$CARGO_TARGET_DIR/release/wbuild/vidchain-runtime/vidchain_runtime.compact.compressed.wasm
bench() {
  "$VIDCHAIN_NODE_BIN" benchmark pallet \
    --runtime "$WASM" --genesis-builder runtime \
    --wasm-execution compiled --heap-pages 4096 \
    --steps "$STEPS" --repeat "$REPEAT" "$@"
}

for pallet in "${PALLETS[@]}"; do
  dir=pallets/${pallet#pallet_}
  echo "== $pallet -> $dir/src/weights.rs =="
  bench --pallet "$pallet" --extrinsic '*' \
    --template scripts/pallet-weight-template.hbs --output "$dir/src/weights.rs"
done

echo "== pallet_balances::transfer_keep_alive, for comparison =="
bench --pallet pallet_balances --extrinsic transfer_keep_alive
