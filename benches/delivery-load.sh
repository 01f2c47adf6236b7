#!/usr/bin/env bash
# Durable delivery under load on PostgreSQL: `/start` from 10,000 chats (wrk, 64 connections,
# on this machine) against N `serve` replicas sharing one database, every reply sent through the
# outbox to a loopback Bot API (examples/fake_bot_api.rs) that answers at once.
# Prints intake (updates/s, p99), replies sent during the load and after it (the backlog drained
# from the store), end-to-end replies/s, and each replica's peak RSS.
# Usage: benches/delivery-load.sh [seconds=60] [messages_per_second=30] [replicas=1]
# DRAIN_LIMIT (seconds, default 600) bounds the wait for the backlog after the load.
# BVC_BIN runs another build's binary (side-by-side comparisons of two builds).
# BVC_DELAY_MS paces wrk's connections (benches/updates.lua) to offer a steady rate instead of a flood.
# PG_PORT picks the PostgreSQL server at 127.0.0.1 (default 5432; benches/pg-tuned.sh starts one).
# BENCH_SQL runs one statement on the bench database once the replicas are up (schema experiments).
# TELOXIDE_REFERENCE=1 runs benches/teloxide-reference (teloxide's webhook and dispatcher, one
# sendMessage per message, nothing kept) instead of the bot, same load and Bot API: the yardstick
# for the end-to-end figure on the machine at hand. One replica; nothing is counted in a database.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-60}"
rate="${2:-30}"
replicas="${3:-1}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/bible-vibecoder/target}"
cargo build --release --bin bible-vibecoder --example fake_bot_api >/dev/null
reference="${TELOXIDE_REFERENCE:-}"
if [ -n "$reference" ]; then
  [ "$replicas" = 1 ] || { echo "the teloxide reference runs as one replica" >&2; exit 2; }
  (cd benches/teloxide-reference && CARGO_TARGET_DIR="$CARGO_TARGET_DIR/teloxide-reference" \
    cargo build --release >/dev/null)
fi
bin="${BVC_BIN:-$CARGO_TARGET_DIR/release/bible-vibecoder}"
fake="$CARGO_TARGET_DIR/release/examples/fake_bot_api"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

"$fake" 127.0.0.1:18091 & pids+=($!)
db="bvc_delivery_$$"
pg_port="${PG_PORT:-5432}"
psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE $db"
url="postgres://postgres@127.0.0.1:$pg_port/$db"
sql() { psql -h 127.0.0.1 -p "$pg_port" -U postgres -d "$db" -Atc "$1"; }
# Polled every 0.5 s while the backlog drains: curl and sed, not an interpreter, so the poll takes
# next to no CPU from what it measures.
replies() {
  local n
  n=$(curl -fs http://127.0.0.1:18091/counts | sed -n 's/.*"sendmessage":\([0-9]*\).*/\1/p')
  echo "${n:-0}"
}

# CPU time (clock ticks) of processes, for the CPU each part spends per reply.
ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
pg_pids() { pgrep -x postgres | tr '\n' ' '; }

serve_pids=()
secret=bench-secret
if [ -n "$reference" ]; then
  HTTP_ADDR=127.0.0.1:18101 TELOXIDE_TOKEN=123:bench TELEGRAM_API_URL=http://127.0.0.1:18091 \
    WEBHOOK_SECRET="$secret" RUST_LOG=warn \
    "$CARGO_TARGET_DIR/teloxide-reference/release/teloxide-reference" 2>"$work/serve-1.log" &
  serve_pids+=($!); pids+=($!)
  until [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:18101/telegram/webhook)" != 000 ]; do
    sleep 0.05
  done
fi
for i in $(seq 1 "$replicas"); do
  [ -n "$reference" ] && break
  port=$((18100 + i))
  DATABASE_URL="$url" HTTP_ADDR="127.0.0.1:$port" RUST_LOG=warn TELEGRAM_BOT_TOKEN=123:bench \
    TELEGRAM_API_URL=http://127.0.0.1:18091 TELEGRAM_MAX_MESSAGES_PER_SECOND="$rate" \
    USER_UPDATES_BURST=1000000000 USER_UPDATES_PER_MINUTE=1000000000 TELEGRAM_WEBHOOK_SECRET="$secret" \
    "$bin" serve 2>"$work/serve-$i.log" &
  serve_pids+=($!); pids+=($!)
  until curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do sleep 0.05; done
done

[ -n "${BENCH_SQL:-}" ] && sql "$BENCH_SQL"
connections=$((64 / replicas))
threads=$((replicas >= 2 ? 1 : 2))
load_start=$(date +%s.%N)
bot_ticks0=$(ticks "${serve_pids[@]}"); pg_ticks0=$(ticks $(pg_pids)); fake_ticks0=$(ticks "${pids[0]}")
wrk_pids=()
for i in $(seq 1 "$replicas"); do
  # In a subshell whose `times` then reports wrk's CPU (its second line: children's user and system).
  ( BVC_WRK_NO=$i BVC_SECRET="$secret" BVC_TEXT=/start BVC_USERS=10000 wrk -t"$threads" -c"$connections" -d"${duration}s" --latency \
      -s benches/updates.lua "http://127.0.0.1:$((18100 + i))/telegram/webhook" >"$work/wrk-$i.txt"
    times >"$work/wrk-$i.times" ) &
  wrk_pids+=($!)
done
for p in "${wrk_pids[@]}"; do wait "$p"; done
load_end=$(date +%s.%N)
if [ -n "$reference" ]; then
  # Nothing is recorded: what wrk had answered is what the reference owes.
  recorded=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/wrk-1.txt")
else
  recorded=$(sql "select count(*) from received_updates")
fi
sent_during=$(replies)

# Drain: wait until every recorded update has its reply (or nothing moves for 20 s).
last=$sent_during; still=0
drain_deadline=$(( $(date +%s) + ${DRAIN_LIMIT:-600} ))
while [ "$(date +%s)" -lt "$drain_deadline" ]; do
  now_sent=$(replies)
  [ "$now_sent" -ge "$recorded" ] && break
  if [ "$now_sent" = "$last" ]; then still=$((still + 1)); else still=0; fi
  [ "$still" -ge 40 ] && break
  last=$now_sent; sleep 0.5
done
drain_end=$(date +%s.%N)
sent_total=$(replies)
bot_ticks=$(( $(ticks "${serve_pids[@]}") - bot_ticks0 )); pg_ticks=$(( $(ticks $(pg_pids)) - pg_ticks0 ))
fake_ticks=$(( $(ticks "${pids[0]}") - fake_ticks0 ))

python3 - "$work" "$replicas" "$load_start" "$load_end" "$drain_end" "$recorded" "$sent_during" "$sent_total" <<'PY'
import re, sys
work, replicas, t0, t1, t2, recorded, during, total = sys.argv[1:]
replicas = int(replicas); t0, t1, t2 = float(t0), float(t1), float(t2)
recorded, during, total = int(recorded), int(during), int(total)
rps = 0.0; p99 = []
for i in range(1, replicas + 1):
    text = open(f"{work}/wrk-{i}.txt").read()
    rps += float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p99.append(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
print(f"replicas={replicas} load={t1 - t0:.1f}s intake={rps:,.0f} updates/s p99={'/'.join(p99)} recorded={recorded:,}")
print(f"replies during load={during:,} ({during / (t1 - t0):,.0f}/s)  backlog at end of load={recorded - during:,}")
print(f"drain={t2 - t1:.1f}s  replies total={total:,}  end-to-end={total / (t2 - t0):,.0f} replies/s  drain rate={(total - during) / max(t2 - t1, 0.001):,.0f}/s")
PY
hz=$(getconf CLK_TCK)
# wrk's CPU in seconds, from the `times` lines ("0m1.234s 0m0.567s" for children's user and system).
wrk_seconds=$(cat "$work"/wrk-*.times | awk 'NR % 2 == 0 { for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] } }
  END { printf "%.3f", s }')
awk -v b="$bot_ticks" -v p="$pg_ticks" -v f="$fake_ticks" -v w="$wrk_seconds" -v hz="$hz" -v n="$sent_total" 'BEGIN {
  if (n > 0) printf "CPU per reply (load and drain): bot %.0f µs, PostgreSQL %.0f µs, fake Bot API %.0f µs, wrk %.0f µs\n",
    b / hz / n * 1e6, p / hz / n * 1e6, f / hz / n * 1e6, w / n * 1e6 }'
for i in $(seq 1 "$replicas"); do
  pid=${serve_pids[$((i - 1))]}
  echo "replica $i peak RSS: $(( $(grep VmHWM /proc/$pid/status | awk '{print $2}') / 1024 )) MB"
done
if [ -n "$reference" ]; then
  echo "teloxide reference: nothing recorded; answered by wrk $recorded, replies $sent_total"
else
  missing=$(sql "select count(*) from received_updates where status <> 'done'")
  echo "updates not done: $missing; outbox not sent: $(sql "select count(*) from outbox where status <> 'sent'")"
fi
for pid in "${serve_pids[@]}"; do kill -TERM "$pid"; done
for pid in "${serve_pids[@]}"; do wait "$pid" || true; done
psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "DROP DATABASE $db WITH (FORCE)"
[ -n "${KEEP_LOGS:-}" ] && echo "logs kept in $work" || rm -rf "$work"
