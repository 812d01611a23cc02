#!/usr/bin/env bash
# The test command: set up the machine if needed, build once, run every suite.
#   1. Rust unit tests (primitives, runtime, pallets) on mock runtimes, and every benchmark run
#      once as a test (`--features runtime-benchmarks`).
#   2. Rust end-to-end tests (tests/): the real vidchain-node on loopback, over JSON-RPC + subxt.
#   3. JS client tests (tests/js): the real @polkadot/api 16.5.6 against the real node.
#   4. The validator-network tests (zombienet/*.zndsl: four validators on 127.0.0.1 through
#      scripts/net.sh test; about 12 minutes). `--no-network` leaves them out.
# Each stage says when it starts and how long it took; a table of the stages ends the run.
# Exits non-zero if anything fails; the last line sums up passed and failed tests.
set -uo pipefail
network=1
for arg in "$@"; do
  case "$arg" in
    --no-network) network=0 ;;
    --network) network=1 ;;
    *) echo "usage: scripts/test.sh [--no-network]" >&2; exit 2 ;;
  esac
done
source "$(dirname "$0")/env.sh"
cd "$VIDCHAIN_ROOT"

# Stage timings: `stage NAME` ends the previous stage and starts NAME.
stages=()
stage_name=""
stage_start=$(date +%s)
stage() {
  local now
  now=$(date +%s)
  if [ -n "$stage_name" ]; then
    stages+=("$(printf '%-34s %5d s' "$stage_name" $((now - stage_start)))")
    echo "== $stage_name: done in $((now - stage_start)) s =="
  fi
  stage_name=$1
  stage_start=$now
  [ -n "$stage_name" ] && echo "== $stage_name ($(date -u +%H:%M:%S)) =="
}

start=$(date +%s)
stage "setup"
bash scripts/setup.sh || { echo "setup failed"; exit 1; }
stage "build vidchain-node and vidchain-edge"
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

stage "Rust unit tests"
cargo test --locked --release -p vidchain-primitives -p pallet-delivery -p pallet-rewards -p pallet-licenses -p pallet-validators -p vidchain-runtime 2>&1 | tee "$logdir/unit.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1
count_cargo "$logdir/unit.log"
stage "edge unit tests"
# The edge server on its own: its dependencies' features differ from the runtime's, and one
# invocation with both would rebuild the unit tests' whole tree with the union.
cargo test --locked --release -p vidchain-edge 2>&1 | tee "$logdir/edge.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1
count_cargo "$logdir/edge.log"

stage "benchmark tests (each benchmark once on its mock runtime)"
cargo test --locked --release -p pallet-delivery -p pallet-rewards -p pallet-licenses -p pallet-validators \
  --features pallet-delivery/runtime-benchmarks,pallet-rewards/runtime-benchmarks,pallet-licenses/runtime-benchmarks,pallet-validators/runtime-benchmarks benchmarking 2>&1 | tee "$logdir/bench.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1
count_cargo "$logdir/bench.log"

stage "Rust end-to-end tests (real node)"
VIDCHAIN_NODE_BIN=$VIDCHAIN_NODE_BIN cargo test --locked --release -p vidchain-tests -- --test-threads=2 2>&1 | tee "$logdir/e2e.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1
count_cargo "$logdir/e2e.log"

stage "JS client tests (@polkadot/api)"
( cd tests/js && VIDCHAIN_NODE_BIN=$VIDCHAIN_NODE_BIN npm test ) 2>&1 | tee "$logdir/js.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1
p=$(grep -E '^# pass ' "$logdir/js.log" | awk '{print $3}' | tail -n1)
f=$(grep -E '^# fail ' "$logdir/js.log" | awk '{print $3}' | tail -n1)
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
if [ -z "$p" ]; then status=1; failed=$((failed + 1)); echo "JS tests did not run"; fi

if [ "$network" = 1 ]; then
  stage "validator network tests (zombienet)"
  for f in zombienet/*.zndsl; do
    echo "== $f =="
    if bash scripts/net.sh test "$f" 2>&1 | tee "$logdir/net.log"; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1)); status=1
    fi
  done
fi

# A suite that failed without counting a failed test (e.g. did not compile) still fails the run.
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi
stage ""
echo "== stages =="
printf '%s\n' "${stages[@]}"
echo "== done in $(( $(date +%s) - start )) s =="
echo "summary: $passed passed, $failed failed"
exit $status
