#!/usr/bin/env bash
# Build vidchain-node and vidchain-edge (release, the one profile we use) in the shared target
# directory. Always the whole workspace: cargo unifies features over the packages it is asked
# for, so `-p vidchain-node` alone would build many crates with other features than the tests'
# build, and each of the two would compile them again. `--all-targets` (scripts/test.sh) adds
# every test target with no crate compiled twice, then the benchmark tests (their own feature
# set, lib.sh's BENCH_TESTS): after it, no test stage compiles anything.
# Usage: scripts/build.sh [extra cargo args, e.g. --all-targets]
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/lib.sh"
cd "$VIDCHAIN_ROOT"
claim_target_dir
cargo build --locked --release --workspace "$@"
for arg in "$@"; do
  if [ "$arg" = --all-targets ]; then cargo test --locked --release "${BENCH_TESTS[@]}" --no-run; fi
done
