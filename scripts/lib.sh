# Shell helpers shared by the scripts (sourced after env.sh).

# The benchmark tests: Vidchain's pallets with `runtime-benchmarks`, each benchmark run once on
# its mock runtime — the one feature set besides the workspace's. `scripts/build.sh
# --all-targets` builds them; `scripts/test.sh` runs them.
BENCH_TESTS=(-p pallet-delivery -p pallet-rewards -p pallet-licenses -p pallet-validators
  --features pallet-delivery/runtime-benchmarks,pallet-rewards/runtime-benchmarks,pallet-licenses/runtime-benchmarks,pallet-validators/runtime-benchmarks)

# The target directory is shared by every checkout on this machine, and cargo judges a workspace
# crate fresh when its sources are older than its last build: a checkout (a worktree, another
# clone) whose files are older than another checkout's last build would be handed that build's
# binaries, and a fresh clone (all files new) would rebuild every workspace crate although its
# files are those just built. So when the checkout that builds changes, each of its files that is
# byte for byte the same as in the checkout that built last takes that file's time from there,
# and every other file is marked new (touched): cargo then judges this checkout exactly as it
# would have judged the last one, rebuilding what differs and nothing else. When the last checkout
# is gone, every file is marked new. The same checkout building again changes nothing.
# (The mark is written by the scripts; a bare `cargo build` from a third checkout is not seen.)
claim_target_dir() {
  # A checkout is its path and its .git's inode: a new clone at the path of an old one is another
  # checkout, whose files cannot be compared with the old one's (gone): all are marked new.
  local mark=$CARGO_TARGET_DIR/.vidchain-checkout last last_id id
  id="$VIDCHAIN_ROOT $(stat -c %i "$VIDCHAIN_ROOT/.git" 2>/dev/null)"
  last_id=$(cat "$mark" 2>/dev/null || true)
  [ "$last_id" = "$id" ] && return 0
  last=${last_id% *}
  [ "$last" = "$VIDCHAIN_ROOT" ] && last="$last (an earlier clone here)"
  mkdir -p "$CARGO_TARGET_DIR"
  # With the files, the git files the node's build script watches (the commit it names).
  (cd "$VIDCHAIN_ROOT" && { git ls-files -z --cached --others --exclude-standard
    head=$(sed -n 's/^ref: //p' .git/HEAD 2>/dev/null)
    for f in .git/HEAD .git/packed-refs ${head:+.git/$head}; do if [ -f "$f" ]; then printf '%s\0' "$f"; fi; done; } |
    python3 "$VIDCHAIN_ROOT/scripts/claim-files.py" "$last")
  echo "$id" > "$mark"
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
