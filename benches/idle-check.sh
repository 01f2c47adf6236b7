#!/usr/bin/env bash
# Ready-after-start and idle RSS of one `serve` process: starts BIN (default: this checkout's
# release build) on a fresh SQLite file, polls /ready every 5 ms, waits 3 s, reads VmRSS.
# Prints "ready_ms idle_rss_kb". Run two builds in turn for a side-by-side figure:
#   for i in 1 2 3; do benches/idle-check.sh ./old-binary; benches/idle-check.sh; done
# RENDER_WARM_UP=false in the environment measures without the start-up render warm-up.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$HOME/.cache/bible-vibecoder/target}"
bin="${1:-$target/release/bible-vibecoder}"
[ -x "$bin" ] || CARGO_TARGET_DIR="$target" cargo build --release --bin bible-vibecoder >&2
port="${PORT:-18601}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$(date +%s%N)
DATABASE_URL="sqlite://$work/idle.db" HTTP_ADDR="127.0.0.1:$port" "$bin" serve >"$work/log" 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do
  kill -0 "$pid" 2>/dev/null || { cat "$work/log" >&2; exit 1; }
  sleep 0.005
done
ready=$(( ($(date +%s%N) - start) / 1000000 ))
sleep 3
rss=$(awk '/VmRSS/{print $2}' "/proc/$pid/status")
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
echo "$ready $rss"
