#!/usr/bin/env bash
# The test command: set up the machine if needed, build everything once, run every suite.
#   build  the node, the edge and every test target in one `cargo build --workspace --all-targets`:
#          one feature set, so the test stages below compile nothing again (each says so if
#          it did); then (scripts/build.sh does both) the benchmark tests' feature set (stage
#          2), so that it too is built before any test runs and a warm cache of this tree
#          builds nothing.
#   1. Rust unit tests (primitives, pallets, runtime, edge) on mock runtimes, and the edge's
#      HTTP tests.
#   2. Every benchmark run once as a test (`--features runtime-benchmarks` on the four pallets):
#      the one other feature set (benchmarks stay behind the feature), which compiles FRAME's
#      runtime crates once more with it on a cold cache, nothing on a warm one.
#   3. Side by side, as they mostly wait on blocks (2-second slots on the development presets):
#      - Rust end-to-end tests (tests/tests/e2e): the real vidchain-node on loopback, over
#        JSON-RPC + subxt, four at a time;
#      - JS client tests (tests/js): the real @polkadot/api 16.5.6 against the real node, two
#        files at a time.
#   4. The validator-network tests (zombienet/*.zndsl: four validators on 127.0.0.1 through
#      scripts/net.sh test, one network after another). `--no-network` leaves them out.
# Each stage says when it starts and how long it took (the side-by-side stage says every minute
# what each suite has done); a table of the stages ends the run.
# Exits non-zero if anything fails; the last line sums up passed and failed tests.
# VIDCHAIN_TIMINGS=1 adds `--timings` to the build stage (an HTML report of where its time went,
# in $CARGO_TARGET_DIR/cargo-timings/).
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
source "$(dirname "$0")/lib.sh"
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
stage "build: node, edge, every test target, benchmark tests"
bash scripts/build.sh --all-targets ${VIDCHAIN_TIMINGS:+--timings} || { echo "summary: 0 passed, 1 failed (build)"; exit 1; }

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

# A test stage after the build should compile nothing of the workspace's feature set: say so
# loudly if it did (a crate whose features differ between the build and the tests).
recompiled=()
check_fresh() {
  local n
  n=$(grep -cE '^ *Compiling ' "$1" || true)
  if [ "$n" != 0 ]; then
    echo "== WARNING: $2 compiled $n crates again after the build stage (a second feature set?) =="
    recompiled+=("$2: $n crates")
  fi
}

stage "Rust unit tests (primitives, pallets, runtime, edge)"
# Every package stays selected (`--exclude` would change the features cargo unifies, and
# rebuild): the libraries' unit tests, every integration test but the end-to-end binary, then
# the doc tests.
other_tests=$(cargo metadata --locked --offline --no-deps --format-version 1 | python3 -c '
import json, sys
m = json.load(sys.stdin)
print(" ".join("--test " + t["name"] for p in m["packages"] for t in p["targets"] if "test" in t["kind"] and t["name"] != "e2e"))')
# shellcheck disable=SC2086
cargo test --locked --release --workspace --lib $other_tests 2>&1 | tee "$logdir/unit.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1
cargo test --locked --release --workspace --doc 2>&1 | tee -a "$logdir/unit.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1
count_cargo "$logdir/unit.log"
check_fresh "$logdir/unit.log" "the unit tests"

stage "benchmark tests (each benchmark once on its mock runtime)"
cargo test --locked --release "${BENCH_TESTS[@]}" benchmarking 2>&1 | tee "$logdir/bench.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1
count_cargo "$logdir/bench.log"
check_fresh "$logdir/bench.log" "the benchmark tests"

# The end-to-end and client suites run side by side: each waits on blocks far more than it
# computes. Not more than six nodes start at once (four end-to-end tests, two client test
# files): a node's start compiles the runtime, and sixteen at once on two cores took over a
# minute each. Each suite writes its own log, shown whole when both are done.
stage "end-to-end + JS client tests, side by side"
# `timed NAME CMD…`: run CMD into $logdir/NAME.log, its seconds into $logdir/NAME.took.
timed() {
  local name=$1 start
  shift
  start=$(date +%s)
  "$@" > "$logdir/$name.log" 2>&1
  local rc=$?
  echo $(( $(date +%s) - start )) > "$logdir/$name.took"
  return $rc
}
: > "$logdir/e2e.log"; : > "$logdir/js.log"
timed e2e env VIDCHAIN_NODE_BIN="$VIDCHAIN_NODE_BIN" \
  cargo test --locked --release --workspace --test e2e -- --test-threads=4 &
e2e_pid=$!
timed js bash -c 'cd tests/js && exec npm test' &
js_pid=$!
running() { kill -0 "$e2e_pid" 2>/dev/null || kill -0 "$js_pid" 2>/dev/null; }
while running; do
  echo "   $(date -u +%H:%M:%S) e2e $(grep -cE '^test .* (ok|FAILED)$' "$logdir/e2e.log" || true) done;" \
    "JS $(grep -cE '^(not )?ok [0-9]+ - ' "$logdir/js.log" || true) done"
  for _ in $(seq 60); do sleep 1; running || break; done
done
declare -A rc took
wait "$e2e_pid"; rc[e2e]=$?
wait "$js_pid"; rc[js]=$?
took[e2e]=$(cat "$logdir/e2e.took"); took[js]=$(cat "$logdir/js.took")

echo "== Rust end-to-end tests (real node): ${took[e2e]} s =="
cat "$logdir/e2e.log"
[ "${rc[e2e]}" = 0 ] || status=1
count_cargo "$logdir/e2e.log"
check_fresh "$logdir/e2e.log" "the end-to-end tests"

echo "== JS client tests (@polkadot/api): ${took[js]} s =="
cat "$logdir/js.log"
[ "${rc[js]}" = 0 ] || status=1
p=$(grep -E '^# pass ' "$logdir/js.log" | awk '{print $3}' | tail -n1)
f=$(grep -E '^# fail ' "$logdir/js.log" | awk '{print $3}' | tail -n1)
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
if [ -z "$p" ]; then status=1; failed=$((failed + 1)); echo "JS tests did not run"; fi

if [ "$network" = 1 ]; then
  # Alone: these tests time finality and restarts of four validators.
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
printf '  %-32s %5d s\n' "of which end-to-end" "${took[e2e]}" "of which JS client" "${took[js]}"
if [ ${#recompiled[@]} -gt 0 ]; then
  echo "== compiled again after the build stage: ${recompiled[*]} =="
else
  echo "== nothing compiled again after the build stage =="
fi
echo "== done in $(( $(date +%s) - start )) s =="
echo "summary: $passed passed, $failed failed"
exit $status
