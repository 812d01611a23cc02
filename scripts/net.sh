#!/usr/bin/env bash
# A Vidchain validator network on 127.0.0.1: four validators (alice, bob, charlie, dave) spawned
# by zombienet (native provider, zombienet/network.toml), JSON-RPC on ws://127.0.0.1:9944–9947.
#   scripts/net.sh                 spawn it, with two edges (Bob's on :8480 through alice's node,
#                                  Charlie's on :8481 through bob's) serving sample content;
#                                  Ctrl-C stops everything
#   scripts/net.sh test [F.zndsl…] run the network tests (every zombienet/*.zndsl by default);
#                                  each is bounded and leaves no process behind
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/lib.sh"
cd "$VIDCHAIN_ROOT"
export PATH="$CARGO_TARGET_DIR/$VIDCHAIN_PROFILE:$PATH"
[ -x "$VIDCHAIN_NODE_BIN" ] || bash scripts/build.sh
# @zombienet/cli, locked (zombienet/package-lock.json; setup.sh installs it too).
[ -x zombienet/node_modules/.bin/zombienet ] || (cd zombienet && npm ci --no-audit --no-fund)
ZOMBIENET=$VIDCHAIN_ROOT/zombienet/node_modules/.bin/zombienet

if [ "${1:-}" = test ]; then
  shift
  files=("$@")
  [ ${#files[@]} -gt 0 ] || files=(zombienet/*.zndsl)
  status=0
  for f in "${files[@]}"; do
    echo "== network test $f =="
    start=$(date +%s)
    # zombienet stops its nodes when a test ends; the timeout bounds a hung run, and the
    # process-group kill leaves nothing behind if it fires.
    before=$(ls -d /tmp/zombie-* 2>/dev/null || true)
    ok=1
    (cd "$(dirname "$f")" && timeout --kill-after=30 1200 "$ZOMBIENET" -p native test "$(basename "$f")") || ok=0
    pkill -f "vidchain-node.*--base-path /tmp/zombie-" 2>/dev/null || true
    # zombienet leaves its directory (chain spec, databases, logs): kept when the test failed,
    # for its logs, and removed when it passed.
    for d in $(ls -d /tmp/zombie-* 2>/dev/null); do
      if ! grep -qxF "$d" <<< "$before"; then
        if [ "$ok" = 1 ]; then rm -rf "$d"; else echo "== logs of the failed network: $d/logs =="; fi
      fi
    done
    [ "$ok" = 1 ] || status=1
    echo "== $f: $(( $(date +%s) - start )) s =="
  done
  exit $status
fi

EDGE_BIN=$CARGO_TARGET_DIR/$VIDCHAIN_PROFILE/vidchain-edge
work=$(mktemp -d -t vidchain-net-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
(cd zombienet && exec "$ZOMBIENET" -p native spawn network.toml) > "$work/zombienet.log" 2>&1 &
pids+=($!)
echo "zombienet log: $work/zombienet.log; waiting for the four validators…"
for port in 9944 9945 9946 9947; do wait_rpc $port; done
sample_video "$work/sample.mp4"
content=$("$EDGE_BIN" ingest "$work/sample.mp4" --out "$work/content" --chunk-size 262144 --suri //Alice \
  --title "Sample" --register --node ws://127.0.0.1:9944)
"$EDGE_BIN" register-edge --node ws://127.0.0.1:9944 --operator //Bob --endpoint http://127.0.0.1:8480
"$EDGE_BIN" register-edge --node ws://127.0.0.1:9945 --operator //Charlie --endpoint http://127.0.0.1:8481
"$EDGE_BIN" serve --content-dir "$work/content" --listen 127.0.0.1:8480 --node ws://127.0.0.1:9944 \
  --operator //Bob --receipts-db "$work/bob.redb" > "$work/edge-bob.log" 2>&1 &
pids+=($!)
"$EDGE_BIN" serve --content-dir "$work/content" --listen 127.0.0.1:8481 --node ws://127.0.0.1:9945 \
  --operator //Charlie --receipts-db "$work/charlie.redb" > "$work/edge-charlie.log" 2>&1 &
pids+=($!)
cat <<TXT

  Four validators: ws://127.0.0.1:9944 (alice) … 9947 (dave); each samples the edges with its
  off-chain worker. Content $content is served by Bob's edge (http://127.0.0.1:8480) and
  Charlie's (http://127.0.0.1:8481). Watch it through either, from any node:

    $EDGE_BIN viewer --node ws://127.0.0.1:9946 --content $content --suri //Dave

  Logs in $work. Ctrl-C stops everything.

TXT
wait "${pids[0]}"
