# Shell helpers shared by the scripts (sourced after env.sh).

# The target directory is shared by every checkout on this machine, and cargo judges a workspace
# crate fresh when its sources are older than its last build: a checkout (a worktree, another
# clone) whose files are older than another checkout's last build would be handed that build's
# binaries. When the checkout that builds changes, its sources are marked new (touched), so cargo
# rebuilds the workspace's crates from them; the same checkout building again rebuilds nothing.
claim_target_dir() {
  local mark=$CARGO_TARGET_DIR/.vidchain-checkout
  if [ "$(cat "$mark" 2>/dev/null)" != "$VIDCHAIN_ROOT" ]; then
    if [ -e "$mark" ]; then echo "== the target directory was last built from $(cat "$mark"): rebuilding this checkout's crates =="; fi
    (cd "$VIDCHAIN_ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 -r touch -c)
    mkdir -p "$CARGO_TARGET_DIR"
    echo "$VIDCHAIN_ROOT" > "$mark"
  fi
}

# Wait (up to 180 s) until a node answers JSON-RPC on 127.0.0.1:$1.
wait_rpc() {
  for _ in $(seq 1 180); do
    curl -s -o /dev/null -H 'content-type: application/json' \
      -d '{"jsonrpc":"2.0","id":1,"method":"system_health","params":[]}' "http://127.0.0.1:$1" && return 0
    sleep 1
  done
  echo "no node answered on 127.0.0.1:$1" >&2
  return 1
}

# Sample video at $1: 10 s of ffmpeg's test pattern (random bytes if ffmpeg is missing).
sample_video() {
  if command -v ffmpeg > /dev/null; then
    ffmpeg -loglevel error -f lavfi -i testsrc=duration=10:size=640x360:rate=25 -pix_fmt yuv420p "$1"
  else
    head -c 4194304 /dev/urandom > "$1"
  fi
}
