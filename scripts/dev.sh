#!/usr/bin/env bash
# The run command: set up the machine if needed, build, and start a development chain on
# 127.0.0.1:9944 (Alice authors and finalizes; state lives in a temporary directory).
# Extra arguments go to vidchain-node, e.g. `scripts/dev.sh --rpc-port 9955`.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$VIDCHAIN_ROOT"
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
exec "$VIDCHAIN_NODE_BIN" --dev --rpc-port 9944 "$@"
