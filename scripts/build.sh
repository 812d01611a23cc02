#!/usr/bin/env bash
# Build vidchain-node and vidchain-edge (release, the one profile we use) in the shared target
# directory.
# Usage: scripts/build.sh [extra cargo args]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$VIDCHAIN_ROOT"
cargo build --locked --release -p vidchain-node -p vidchain-edge "$@"
