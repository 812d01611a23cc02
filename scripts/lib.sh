# Shell helpers shared by scripts/dev.sh and scripts/net.sh (sourced).

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
