#!/usr/bin/env bash
# Starts (creating it on first use) a PostgreSQL cluster owned by the tests, on 127.0.0.1 only,
# with trust auth for loopback. Usage: scripts/postgres.sh start|stop [port]
set -euo pipefail
action=${1:-start}
port=${2:-${TEST_PG_PORT:-55432}}
name=emailserver_test
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
dir=/tmp/email-server-pg-$port

if ! command -v pg_createcluster >/dev/null || [ -z "$version" ]; then
  echo "PostgreSQL is not installed: apt-get install -y postgresql" >&2
  exit 1
fi

case "$action" in
  start)
    # A cluster whose data directory is gone (a cleaned /tmp) is dropped and made again.
    if pg_lsclusters -h | awk '{print $2}' | grep -qx "$name" && [ ! -d "$dir" ]; then
      pg_dropcluster --stop "$version" "$name" || true
    fi
    if ! pg_lsclusters -h | awk '{print $2}' | grep -qx "$name"; then
      pg_createcluster "$version" "$name" -p "$port" -d "$dir" -- --auth=trust >/dev/null
      echo "listen_addresses = '127.0.0.1'" >> "/etc/postgresql/$version/$name/postgresql.conf"
      echo "fsync = off" >> "/etc/postgresql/$version/$name/postgresql.conf"
    fi
    pg_ctlcluster "$version" "$name" start 2>/dev/null || pg_ctlcluster "$version" "$name" status >/dev/null
    ;;
  stop)
    pg_ctlcluster "$version" "$name" stop 2>/dev/null || true
    ;;
  *) echo "usage: $0 start|stop [port]" >&2; exit 2 ;;
esac
