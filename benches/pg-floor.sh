#!/usr/bin/env bash
# The least PostgreSQL can do per durable reply, on the bot's own schema (migrated by the bot):
# pgbench replays only the three writes no durable design can drop, in batches of BATCH rows:
#   1. intake: the update recorded (already claimed by this replica, as the handover records it);
#   2. the reply recorded in the outbox and the update marked done, one transaction;
#   3. the reply marked sent with Telegram's message id.
# No claim, no user, no settings read, no event log: a floor, not a design. Prints PostgreSQL's CPU
# per reply (all postgres processes, pgbench not counted) and the rate pgbench reached.
# SHAPE=one-row keeps the reply in the update's own row instead (a `reply` column added for the
# run): one insert and two updates of one row per reply, the fewest rows a durable design can write.
# Usage: benches/pg-floor.sh [seconds=20] [clients=2]   (PG_PORT as for delivery-load.sh; BATCH=64)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20}"
clients="${2:-2}"
batch="${BATCH:-64}"
shape="${SHAPE:-outbox}"
case "$shape" in outbox | one-row) ;; *) echo "SHAPE must be outbox or one-row, not '$shape'" >&2; exit 2 ;; esac
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/bible-vibecoder/target}"
cargo build --release --bin bible-vibecoder >/dev/null
bin="${BVC_BIN:-$CARGO_TARGET_DIR/release/bible-vibecoder}"
pgbench="${PGBENCH:-$(command -v pgbench || echo /usr/lib/postgresql/15/bin/pgbench)}"
pg_port="${PG_PORT:-5432}"
db="bvc_floor_$$"
work=$(mktemp -d)
trap 'rm -rf "$work"; psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE $db"
DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/$db" RUST_LOG=warn "$bin" migrate >/dev/null
psql -h 127.0.0.1 -p "$pg_port" -U postgres -d "$db" -qc "CREATE SEQUENCE floor_batches"

# Payloads the size of the flood's: a /start update (≈ 330 bytes) and its reply (≈ 700 bytes).
if [ "$shape" = one-row ]; then
  psql -h 127.0.0.1 -p "$pg_port" -U postgres -d "$db" -qc "ALTER TABLE received_updates ADD COLUMN reply TEXT"
  cat >"$work/floor.sql" <<SQL
SELECT nextval('floor_batches') * $batch AS base \gset
INSERT INTO received_updates (update_id, kind, payload, status, received_at, lease_owner, lease_until, attempts)
  SELECT n, 'message', repeat('u', 330), 'claimed', now(), 'replica-1', now() + interval '30 s', 1
  FROM generate_series(:base, :base + $batch - 1) n;
UPDATE received_updates SET status = 'done', processed_at = now(), reply = repeat('r', 700)
  WHERE update_id = ANY (ARRAY(SELECT generate_series(:base, :base + $batch - 1)));
UPDATE received_updates SET status = 'sent', lease_owner = NULL, lease_until = NULL, attempts = attempts + 1
  WHERE update_id = ANY (ARRAY(SELECT generate_series(:base, :base + $batch - 1)));
SQL
  count_sent="select count(*) from received_updates where status = 'sent'"
else
  count_sent="select count(*) from outbox where status = 'sent'"
  cat >"$work/floor.sql" <<SQL
SELECT nextval('floor_batches') * $batch AS base \gset
INSERT INTO received_updates (update_id, kind, payload, status, received_at, lease_owner, lease_until, attempts)
  SELECT n, 'message', repeat('u', 330), 'claimed', now(), 'replica-1', now() + interval '30 s', 1
  FROM generate_series(:base, :base + $batch - 1) n;
BEGIN;
INSERT INTO outbox (id, chat_id, method, payload, status, attempts, next_attempt_at, lease_owner, lease_until, created_at)
  SELECT 'reply:' || n, n % 10000, 'message', repeat('r', 700), 'sending', 0, now(), 'replica-1',
         now() + interval '30 s', now()
  FROM generate_series(:base, :base + $batch - 1) n;
UPDATE received_updates SET status = 'done', processed_at = now(), lease_owner = NULL, lease_until = NULL
  WHERE update_id = ANY (ARRAY(SELECT generate_series(:base, :base + $batch - 1)));
COMMIT;
UPDATE outbox SET status = 'sent', sent_at = now(), attempts = attempts + 1, message_ids = '[1]',
       lease_owner = NULL, lease_until = NULL
  WHERE id = ANY (ARRAY(SELECT 'reply:' || n FROM generate_series(:base, :base + $batch - 1) n));
SQL
fi

# CPU ticks of the servers' processes, with the exited backends' CPU that each postmaster has
# reaped (its children's time): pgbench's backends are gone by the time it returns.
ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
pg_pids() { pgrep -x postgres | tr '\n' ' '; }
before=$(ticks $(pg_pids))
"$pgbench" -h 127.0.0.1 -p "$pg_port" -U postgres -n -c "$clients" -j 1 -T "$duration" -f "$work/floor.sql" "$db" \
  >"$work/out.txt" 2>&1 || { cat "$work/out.txt"; exit 1; }
# Counted once pgbench's backends have exited and been reaped: one still exiting while the processes
# are read would be counted neither alive nor in its postmaster's children's time.
while pgrep -f "postgres: postgres $db" >/dev/null; do sleep 0.1; done
sleep 0.5
after=$(ticks $(pg_pids))
replies=$(psql -h 127.0.0.1 -p "$pg_port" -U postgres -d "$db" -Atc "$count_sent")
[ "${replies:-0}" -gt 0 ] || { echo "pgbench sent nothing:" >&2; cat "$work/out.txt" >&2; exit 1; }
hz=$(getconf CLK_TCK)
awk -v t=$((after - before)) -v hz="$hz" -v n="$replies" -v d="$duration" -v b="$batch" -v s="$shape" 'BEGIN {
  printf "floor, " s " (batches of %d): %d replies in %ss = %.0f replies/s; PostgreSQL CPU per reply %.1f µs\n",
    b, n, d, n / d, t / hz / n * 1e6 }'
