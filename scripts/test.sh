#!/usr/bin/env bash
# The test command: set up the machine if needed, build once, run every suite.
#   1. Rust unit tests (primitives, runtime, pallets) on mock runtimes, and every benchmark run
#      once as a test (`--features runtime-benchmarks`).
#   2. Rust end-to-end tests (tests/): the real vidchain-node on loopback, over JSON-RPC + subxt.
#   3. JS client tests (tests/js): the real @polkadot/api 16.5.6 against the real node.
#   4. With --network: the validator-network tests (zombienet/*.zndsl, four validators on
#      127.0.0.1 through scripts/net.sh test; about a quarter of an hour more).
# Exits non-zero if anything fails; the last line sums up passed and failed tests.
set -uo pipefail
network=0
if [ "${1:-}" = "--network" ]; then network=1; fi
source "$(dirname "$0")/env.sh"
cd "$VIDCHAIN_ROOT"

bash scripts/setup.sh || { echo "setup failed"; exit 1; }
start=$(date +%s)
echo "== build (release) =="
bash scripts/build.sh || { echo "summary: 0 passed, 1 failed (build)"; exit 1; }

passed=0
failed=0
status=0
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT

# Add up a cargo test log's "test result:" lines.
count_cargo() {
  local p f
  p=$(awk '/^test result:/ { for (i = 1; i < NF; i++) if ($(i+1) ~ /^passed/) s += $i } END { print s + 0 }' "$1")
  f=$(awk '/^test result:/ { for (i = 1; i < NF; i++) if ($(i+1) ~ /^failed/) s += $i } END { print s + 0 }' "$1")
  passed=$((passed + p)); failed=$((failed + f))
}

echo "== Rust unit tests =="
cargo test --locked --release -p vidchain-primitives -p pallet-delivery -p pallet-rewards -p pallet-licenses -p vidchain-runtime 2>&1 | tee "$logdir/unit.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1
count_cargo "$logdir/unit.log"
# The edge server on its own: its dependencies' features differ from the runtime's, and one
# invocation with both would rebuild the unit tests' whole tree with the union.
cargo test --locked --release -p vidchain-edge 2>&1 | tee "$logdir/edge.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1
count_cargo "$logdir/edge.log"

echo "== benchmark tests (every benchmark once on the mock runtime, its checks included) =="
cargo test --locked --release -p pallet-delivery -p pallet-rewards -p pallet-licenses \
  --features pallet-delivery/runtime-benchmarks,pallet-rewards/runtime-benchmarks,pallet-licenses/runtime-benchmarks benchmarking 2>&1 | tee "$logdir/bench.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1
count_cargo "$logdir/bench.log"

echo "== Rust end-to-end tests (real node) =="
VIDCHAIN_NODE_BIN=$VIDCHAIN_NODE_BIN cargo test --locked --release -p vidchain-tests -- --test-threads=2 2>&1 | tee "$logdir/e2e.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1
count_cargo "$logdir/e2e.log"

echo "== JS client tests (@polkadot/api) =="
( cd tests/js && VIDCHAIN_NODE_BIN=$VIDCHAIN_NODE_BIN npm test ) 2>&1 | tee "$logdir/js.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1
p=$(grep -E '^# pass ' "$logdir/js.log" | awk '{print $3}' | tail -n1)
f=$(grep -E '^# fail ' "$logdir/js.log" | awk '{print $3}' | tail -n1)
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
if [ -z "$p" ]; then status=1; failed=$((failed + 1)); echo "JS tests did not run"; fi

if [ "$network" = 1 ]; then
  echo "== validator network tests (zombienet) =="
  for f in zombienet/*.zndsl; do
    if bash scripts/net.sh test "$f" 2>&1 | tee "$logdir/net.log"; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1)); status=1
    fi
  done
fi

# A suite that failed without counting a failed test (e.g. did not compile) still fails the run.
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi
echo "== done in $(( $(date +%s) - start )) s =="
echo "summary: $passed passed, $failed failed"
exit $status
