#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 for the test suite and prints the address
# the tests read from ESSOR_TEST_POSTGRES (each test creates, then drops, its own database):
#
#   export ESSOR_TEST_POSTGRES=$(.ci/postgres.sh start)   # before `cargo test --workspace`
#   .ci/postgres.sh stop
#
# Data live in ${ESSOR_TEST_PGDATA:-/tmp/essor-test-pg}; port ${ESSOR_TEST_PGPORT:-55433}.
# Works as root (the cluster runs as the `postgres` user) and as an ordinary user.
set -euo pipefail

DATA=${ESSOR_TEST_PGDATA:-/tmp/essor-test-pg}
PORT=${ESSOR_TEST_PGPORT:-55433}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -n $BIN ]] || { echo "PostgreSQL absent (paquet Debian postgresql)" >&2; exit 1; }
as_owner() { if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi; }

case ${1:-} in
start)
    if [[ -f $DATA/postmaster.pid ]]; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m immediate -w -s stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DATA" && mkdir -p "$DATA"
    ((EUID != 0)) || chown postgres: "$DATA"
    as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
    cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DATA'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DATA/postgresql.log" -w -s start >&2
    echo "postgres://postgres@127.0.0.1:$PORT/postgres"
    ;;
stop)
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w -s stop >&2 || true
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
