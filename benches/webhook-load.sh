#!/usr/bin/env bash
# Load benchmark of the webhook on SQLite and PostgreSQL: durably accepted updates/s and latency
# at 64 connections (wrk, 2 threads, on this same machine), idle RSS, and time from start to /ready.
# Usage: benches/webhook-load.sh [seconds]   (needs wrk; PostgreSQL at 127.0.0.1:5432 for that half)
# BENCH_BACKENDS="sqlite postgres" (the default) picks the backends; BVC_BIN runs another build's
# binary (side-by-side comparisons of two builds).
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
port=18090
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/bible-vibecoder/target}"
if [ -z "${BVC_BIN:-}" ]; then cargo build --release --bin bible-vibecoder >/dev/null; fi
bin="${BVC_BIN:-$CARGO_TARGET_DIR/release/bible-vibecoder}"
work=$(mktemp -d)

run_one() {
  local backend=$1 url=$2 count_cmd=$3
  local start_ns ready_ns
  start_ns=$(date +%s%N)
  # Each load user sends ~10 updates a second: their per-user limit is lifted, so the figures
  # measure recording and handling, not the cheaper "limited" path.
  DATABASE_URL="$url" HTTP_ADDR="127.0.0.1:$port" RUST_LOG=warn \
    USER_UPDATES_BURST=1000000000 USER_UPDATES_PER_MINUTE=1000000000 "$bin" serve 2>"$work/$backend.log" &
  local pid=$!
  until curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do sleep 0.01; done
  ready_ns=$(date +%s%N)
  sleep 1
  local idle_rss_kb
  idle_rss_kb=$(ps -o rss= -p "$pid" | tr -d ' ')
  wrk -t2 -c64 -d"${duration}s" --latency -s benches/updates.lua "http://127.0.0.1:$port/telegram/webhook" >"$work/$backend.wrk"
  local recorded
  recorded=$(eval "$count_cmd")
  local peak_rss_kb
  peak_rss_kb=$(grep VmHWM "/proc/$pid/status" | awk '{print $2}')
  kill -TERM "$pid"; wait "$pid" || true
  local requests non2xx rps p50 p99
  requests=$(awk '/requests in/ {print $1}' "$work/$backend.wrk")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$work/$backend.wrk"); non2xx=${non2xx:-0}
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$backend.wrk")
  p50=$(awk '$1=="50%" {print $2}' "$work/$backend.wrk")
  p99=$(awk '$1=="99%" {print $2}' "$work/$backend.wrk")
  printf '| %-8s | %9s | %8s | %8s | %7s | %8s | %9s | %6s MB | %6s MB | %5s ms |\n' \
    "$backend" "$rps" "$p50" "$p99" "$requests" "$non2xx" "$recorded" \
    "$((idle_rss_kb / 1024))" "$((peak_rss_kb / 1024))" "$(((ready_ns - start_ns) / 1000000))"
}

echo "| backend  | updates/s |      p50 |      p99 | requests | non-2xx | recorded | idle RSS | peak RSS | ready |"
echo "|----------|-----------|----------|----------|----------|---------|----------|----------|----------|-------|"
backends="${BENCH_BACKENDS:-sqlite postgres}"
[[ " $backends " == *" sqlite "* ]] && run_one sqlite "sqlite://$work/bench.db" \
  "python3 -c \"import sqlite3; print(sqlite3.connect('$work/bench.db').execute('select count(*) from received_updates').fetchone()[0])\""
if [[ " $backends " != *" postgres "* ]]; then
  :
elif pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  db="bvc_bench_$$"
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db"
  run_one postgres "postgres://postgres@127.0.0.1:5432/$db" \
    "psql -h 127.0.0.1 -U postgres -d $db -Atc 'select count(*) from received_updates'"
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $db WITH (FORCE)"
else
  echo "PostgreSQL not reachable: its half was skipped"
fi
rm -rf "$work"
