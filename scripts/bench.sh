#!/usr/bin/env bash
# Benchmarks (separate from tests).
#
#   scripts/bench.sh capacity [--edges N ...]   # block capacity on the real node -> BENCHMARKS.md
#   scripts/bench.sh                            # weights of every Vidchain pallet, STEPS=50 REPEAT=20,
#                                               # the highest of RUNS=3 runs per weight function
#   STEPS=10 REPEAT=5 RUNS=1 scripts/bench.sh pallet_delivery
#
# `capacity` builds the normal node and runs tests/examples/capacity.rs: one dev node with a
# saturated pool of pre-signed transfers, edge registrations, claims and proofs of 10 000 edges
# (about 10 minutes); it writes BENCHMARKS.md with the machine's description.
#
# The weights: build vidchain-node with `runtime-benchmarks` and regenerate the weights of
# Vidchain's pallets with the node's `benchmark pallet` command.
# It writes pallets/<name>/src/weights.rs (template: scripts/pallet-weight-template.hbs) and
# prints a balance transfer's weight for comparison. It leaves the benchmark build of
# vidchain-node in the shared target directory: scripts/build.sh (which dev.sh and test.sh call)
# rebuilds the normal node afterwards. Never ship a node or wasm built with runtime-benchmarks.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$VIDCHAIN_ROOT"

if [ "${1:-}" = capacity ]; then
  shift
  bash scripts/setup.sh
  echo "== build vidchain-node and the capacity benchmark =="
  bash scripts/build.sh
  cargo build --locked --release -p vidchain-tests --example capacity
  echo "== capacity (about 10 minutes) =="
  exec "$CARGO_TARGET_DIR/release/examples/capacity" --out "$VIDCHAIN_ROOT/BENCHMARKS.md" "$@"
fi

STEPS=${STEPS:-50}
REPEAT=${REPEAT:-20}
PALLETS=("$@")
[ ${#PALLETS[@]} -gt 0 ] || PALLETS=(pallet_delivery pallet_rewards pallet_licenses)

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

# Timings on this machine differ between runs: RUNS runs of each pallet, and each weight
# function keeps its highest (scripts/keep-highest-weights.py).
RUNS=${RUNS:-3}
runs=$(mktemp -d)
trap 'rm -rf "$runs"' EXIT
for pallet in "${PALLETS[@]}"; do
  dir=pallets/${pallet#pallet_}
  for i in $(seq "$RUNS"); do
    echo "== $pallet, run $i of $RUNS =="
    bench --pallet "$pallet" --extrinsic '*' \
      --template scripts/pallet-weight-template.hbs --output "$runs/$pallet-$i.rs"
  done
  echo "== $pallet -> $dir/src/weights.rs (the highest of $RUNS runs) =="
  python3 scripts/keep-highest-weights.py "$dir/src/weights.rs" "$runs/$pallet"-*.rs
done

echo "== pallet_balances::transfer_keep_alive, for comparison =="
bench --pallet pallet_balances --extrinsic transfer_keep_alive
