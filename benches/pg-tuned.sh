#!/usr/bin/env bash
# A private PostgreSQL 15 cluster sized the way a production server would be, for benchmarks that
# should not measure a stock configuration's checkpoints. Durability is untouched (fsync,
# synchronous_commit, full_page_writes stay on); what changes is memory, how often checkpoints run
# (each one makes the next write of every page carry a full-page image in the WAL), WAL compression,
# and autovacuum. The machine's own server (5432) is left alone.
# Usage: benches/pg-tuned.sh start|stop|statements [port=55432]
# Then: PG_PORT=55432 benches/delivery-load.sh ...
# PG_STATEMENTS=1 (at the first start) also loads pg_stat_statements, for where the server's time
# goes by statement: PG_PORT=55432 BENCH_SQL="select pg_stat_statements_reset()" benches/delivery-load.sh ...
# then benches/pg-tuned.sh statements.
set -euo pipefail
action="${1:-start}"
port="${2:-55432}"
bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
data="${PG_TUNED_DIR:-/tmp/bvc-pg-tuned-$port}"
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else bash -c "$*"; fi; }

case "$action" in
start)
  if [ ! -d "$data" ]; then
    mkdir -p "$data" && [ "$(id -u)" = 0 ] && chown postgres "$data"
    as_postgres "$bin/initdb -D $data -U postgres --auth=trust -E UTF8 >/dev/null"
    cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '/tmp'
shared_buffers = 1GB
wal_buffers = 64MB
max_wal_size = 16GB
min_wal_size = 2GB
checkpoint_timeout = 30min
checkpoint_completion_target = 0.9
wal_compression = lz4
autovacuum = on
huge_pages = off
CONF
    if [ -n "${PG_STATEMENTS:-}" ]; then
      echo "shared_preload_libraries = 'pg_stat_statements'" >>"$data/postgresql.conf"
    fi
  fi
  as_postgres "$bin/pg_ctl -D $data -l $data/server.log -w start >/dev/null"
  if [ -n "${PG_STATEMENTS:-}" ]; then
    # In template1, so every bench database has the view.
    psql -h 127.0.0.1 -p "$port" -U postgres -d template1 -qc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
  fi
  echo "tuned PostgreSQL on 127.0.0.1:$port (data in $data)"
  ;;
statements)
  # Server time per statement since the last reset, most first: ms in all, calls, rows, µs per row.
  psql -h 127.0.0.1 -p "$port" -U postgres -d template1 -Atc "SELECT round(total_exec_time) || ' ms | ' || calls || ' calls | ' || rows || ' rows | ' || round((total_exec_time / greatest(rows, 1) * 1000)::numeric, 1) || ' µs/row | ' || left(regexp_replace(query, '\s+', ' ', 'g'), 100) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15"
  ;;
stop)
  as_postgres "$bin/pg_ctl -D $data -m fast -w stop >/dev/null" && rm -rf "$data"
  ;;
*) echo "usage: $0 start|stop|statements [port]" >&2; exit 2 ;;
esac
