#!/usr/bin/env bash
# A private PostgreSQL 15 cluster sized the way a production server would be, for benchmarks that
# should not measure a stock configuration's checkpoints. Durability is untouched (fsync,
# synchronous_commit, full_page_writes stay on); what changes is memory, how often checkpoints run
# (each one makes the next write of every page carry a full-page image in the WAL), WAL compression,
# and autovacuum. The machine's own server (5432) is left alone.
# Usage: benches/pg-tuned.sh start [port=55432] | stop [port=55432]
# Then: PG_PORT=55432 benches/delivery-load.sh ...
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
  fi
  as_postgres "$bin/pg_ctl -D $data -l $data/server.log -w start >/dev/null"
  echo "tuned PostgreSQL on 127.0.0.1:$port (data in $data)"
  ;;
stop)
  as_postgres "$bin/pg_ctl -D $data -m fast -w stop >/dev/null" && rm -rf "$data"
  ;;
*) echo "usage: $0 start|stop [port]" >&2; exit 2 ;;
esac
