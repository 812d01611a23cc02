#!/usr/bin/env bash
# The run command: set up the machine if needed, build, and start a development chain on
# 127.0.0.1:9944 (Alice authors and finalizes; state lives in a temporary directory).
#   scripts/dev.sh [node args…]              the node alone, e.g. `scripts/dev.sh --rpc-port 9955`
#   scripts/dev.sh --with-edge [node args…]  also an edge (Bob's, on 127.0.0.1:8480) serving
#                                            sample content registered by Alice, to watch with
#                                            `vidchain-edge viewer`: the whole delivery loop
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/lib.sh"
cd "$VIDCHAIN_ROOT"
with_edge=0
if [ "${1:-}" = "--with-edge" ]; then with_edge=1; shift; fi
bash scripts/setup.sh
bash scripts/build.sh
cat <<TXT

  Vidchain dev chain starting: JSON-RPC on ws://127.0.0.1:9944 (and http://127.0.0.1:9944).

  polkadot.js Apps:  https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A9944
  @polkadot/api:     await ApiPromise.create({ provider: new WsProvider('ws://127.0.0.1:9944') })
  curl:              curl -s -H 'content-type: application/json' \\
                       -d '{"jsonrpc":"2.0","id":1,"method":"system_properties","params":[]}' \\
                       http://127.0.0.1:9944

  Dev accounts //Alice, //Bob (and their //stash) hold 1,000,000 VID each. Ctrl-C stops the node.

TXT
if [ "$with_edge" = 0 ]; then
  exec "$VIDCHAIN_NODE_BIN" --dev --rpc-port 9944 "$@"
fi

EDGE_BIN=$(dirname "$VIDCHAIN_NODE_BIN")/vidchain-edge
work=$(mktemp -d -t vidchain-dev-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
"$VIDCHAIN_NODE_BIN" --dev --rpc-port 9944 "$@" > "$work/node.log" 2>&1 &
pids+=($!)
echo "node log: $work/node.log; waiting for the node…"
wait_rpc 9944
sample_video "$work/sample.mp4"
content=$("$EDGE_BIN" ingest "$work/sample.mp4" --out "$work/content" --chunk-size 262144 --suri //Alice \
  --title "Sample" --register --node ws://127.0.0.1:9944)
# Serve first, then register: validators sample an edge from the epoch after it registers, and
# by then it answers.
"$EDGE_BIN" serve --content-dir "$work/content" --listen 127.0.0.1:8480 --metrics 127.0.0.1:9616 \
  --node ws://127.0.0.1:9944 --operator //Bob > "$work/edge.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do curl -sf -o /dev/null http://127.0.0.1:8480/health && break; sleep 0.5; done
"$EDGE_BIN" register-edge --node ws://127.0.0.1:9944 --operator //Bob --endpoint http://127.0.0.1:8480
cat <<TXT

  Bob's edge serves content $content on http://127.0.0.1:8480 (log: $work/edge.log,
  metrics: http://127.0.0.1:9616/metrics). Watch it as //Alice, paying from an escrow of 10 FUEL
  (the edge takes only receipts someone can pay):

    $EDGE_BIN viewer --content $content --suri //Alice --escrow 10

  then follow the claim: curl … delivery_claim '["5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty", <epoch>]'.
  Ctrl-C stops everything.

TXT
wait "${pids[0]}"
