#!/usr/bin/env bash
# Suite `accounts` of bench/run.sh (sourced by it, not run on its own).
# Signed-in users writing at once (issue 15, point 11): a throwaway PostgreSQL cluster on
# loopback, N operator accounts of one organisation set up with `essor admin`, two
# `essor serve --registre postgres://…` processes sharing it, and bench/accounts_load.py
# driving N concurrent users (round robin over the two servers) through a mix of pages,
# searches, referral creations and status changes; then the rows are counted in the database
# (every successful write exactly once, with its history and audit rows) and the servers' and
# PostgreSQL's memory reported. The same load on SQLite with one server, for comparison.
# Writes the section "Comptes et écritures concurrentes" of BENCHMARKS.md.
#
#   bench/run.sh accounts                    # 100 users, 30 s per backend
#   bench/run.sh accounts --smoke            # 20 users, 5 s; report in bench/out only (CI)
#
# Environment (all optional):
#   BENCH_USERS=100            concurrent users (20 with --smoke)
#   BENCH_DURATION=30          seconds of load per backend (5 with --smoke)
#   BENCH_PG_PORT=55434        port of the throwaway cluster (data in /tmp/essor-bench-pg)
#   BENCH_SERVE_PORT=58090     first server's port (the second: +1), 127.0.0.1 only
#   BENCH_OUT=bench/out        logs, summaries
#   BENCH_REPORT=BENCHMARKS.md file whose section is (re)written; --smoke: bench/out/…
#   ESSOR_BIN=target/release/essor   skip `cargo build --release` and use this binary
#
# Needs the Debian package postgresql (installed when missing) and Python's standard library.
# Fails when a request fails, a user cannot sign in, or a write is lost or duplicated.
set -euo pipefail

bench_args "${BASH_SOURCE[0]}" "$@"
OUT=$(bench_out)/accounts
mkdir -p "$OUT"
REPORT=$(bench_report BENCHMARKS.accounts.smoke.md)
if ((smoke)); then USERS=${BENCH_USERS:-20} DURATION=${BENCH_DURATION:-5}; else USERS=${BENCH_USERS:-100} DURATION=${BENCH_DURATION:-30}; fi
PG_PORT=${BENCH_PG_PORT:-55434}
PORT=${BENCH_SERVE_PORT:-58090}
PASSWORD="girafe tambour horizon 1907"
for v in BENCH_USERS BENCH_DURATION; do [[ -z ${!v:-} ]] || COMMAND="$v=\"${!v}\" $COMMAND"; done

ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || apt_install postgresql
command -v curl >/dev/null || apt_install curl
ensure_essor

servers=()
samplers=()
stop_all() {
    for p in "${servers[@]}" "${samplers[@]}"; do kill -INT "$p" 2>/dev/null || true; done
    for p in "${servers[@]}" "${samplers[@]}"; do wait "$p" 2>/dev/null || true; done
    servers=() samplers=()
}
trap 'stop_all; ESSOR_TEST_PGDATA=/tmp/essor-bench-pg ESSOR_TEST_PGPORT=$PG_PORT .ci/postgres.sh stop 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM

# start PORT DIR ARGS…: one server, its memory sampled, waits for /api/v1/status.
start() {
    local port=$1 dir=$2
    shift 2
    "$ESSOR" serve --addr "127.0.0.1:$port" --write-rate 0 "$@" >"$dir/server-$port.log" 2>&1 &
    servers+=($!)
    python3 bench/serve_mem.py --pid "$!" --out "$dir/memory-$port.tsv" &
    samplers+=($!)
    for _ in $(seq 300); do
        curl -sf -o /dev/null "http://127.0.0.1:$port/api/v1/status" && return
        sleep 0.2
    done
    tail -n 20 "$dir/server-$port.log" >&2
    echo "run.sh: the server on $port did not start" >&2
    exit 1
}

# setup TARGET…: the organisation, its operator link, the accounts and their roles.
setup() {
    "$ESSOR" admin migrer "$@" 2>/dev/null
    "$ESSOR" admin creer-organisation "$@" --type structure_accompagnement --nom "Pôle du banc d'essai" >/dev/null 2>&1
    "$ESSOR" admin rattacher-operateur "$@" --org 1 --operateur fabrique-cooperative 2>/dev/null
    local i
    for ((i = 0; i < USERS; i++)); do
        ESSOR_MOT_DE_PASSE=$PASSWORD "$ESSOR" admin creer-compte "$@" --email "banc$i@essor.test" --nom "Utilisateur $i" >/dev/null 2>&1
        "$ESSOR" admin donner-role "$@" --email "banc$i@essor.test" --org 1 --role operator 2>/dev/null
    done
}

# check DIR COUNTS: compares the rows counted (referrals events audit) with the writes the
# load saw succeed; the servers' peak memory and PostgreSQL's (KiB, optional).
check() {
    local dir=$1 referrals=$2 events=$3 audit=$4 pg_kib=${5:-}
    python3 - "$dir" "$referrals" "$events" "$audit" "$pg_kib" <<'PY'
import json, sys
from pathlib import Path
d, referrals, events, audit, pg = Path(sys.argv[1]), *map(int, sys.argv[2:5]), sys.argv[5]
r = json.loads((d / "load.json").read_text())
writes = r["created"] + r["moved"]
lost = abs(referrals - r["created"]) + abs(events - writes) + abs(audit - writes)
peak = 0
for f in d.glob("memory-*.tsv"):
    peak = max([peak] + [int(l.split()[2]) for l in f.read_text().split("\n") if l.strip()])
c = {"referrals": referrals, "events": events, "audit": audit, "lost_or_duplicated": lost,
     "server_rss_mib": peak / 1024, "postgres_rss_mib": int(pg) / 1024 if pg else None}
(d / "check.json").write_text(json.dumps(c))
print(f"rows: {referrals} referrals, {events} events, {audit} audit; {lost} lost or duplicated")
sys.exit(1 if lost else 0)
PY
}

failed=0

# --- PostgreSQL, two servers -------------------------------------------------------------
dir=$OUT/postgres
rm -rf "$dir" && mkdir -p "$dir"
PG=$(ESSOR_TEST_PGDATA=/tmp/essor-bench-pg ESSOR_TEST_PGPORT=$PG_PORT .ci/postgres.sh start)
psql -q "$PG" -c "CREATE DATABASE essor_bench" >/dev/null
URL=${PG%/postgres}/essor_bench
log "postgres: $USERS accounts"
setup --registre "$URL"
start "$PORT" "$dir" --registre "$URL"
start "$((PORT + 1))" "$dir" --registre "$URL"
log "postgres: $USERS users for ${DURATION} s on two servers"
python3 bench/accounts_load.py load --servers "http://127.0.0.1:$PORT,http://127.0.0.1:$((PORT + 1))" \
    --users "$USERS" --duration "$DURATION" --password "$PASSWORD" --out "$dir/load.json" || failed=1
postmaster=$(head -n 1 /tmp/essor-bench-pg/postmaster.pid)
pg_kib=$(ps -o rss= -p "$postmaster" --ppid "$postmaster" | awk '{s += $1} END {print s}')
stop_all
read -r referrals events audit < <(psql -qtA -F ' ' "$URL" -c "SELECT (SELECT COUNT(*) FROM referral), (SELECT COUNT(*) FROM referral_event), (SELECT COUNT(*) FROM audit_log WHERE action IN ('referral.create', 'referral.status'))")
check "$dir" "$referrals" "$events" "$audit" "$pg_kib" || failed=1
ESSOR_TEST_PGDATA=/tmp/essor-bench-pg ESSOR_TEST_PGPORT=$PG_PORT .ci/postgres.sh stop 2>/dev/null || true

# --- SQLite, one server ------------------------------------------------------------------
dir=$OUT/sqlite
rm -rf "$dir" && mkdir -p "$dir/magasin"
log "sqlite: $USERS accounts"
setup --store "$dir/magasin"
start "$PORT" "$dir" --store "$dir/magasin"
log "sqlite: $USERS users for ${DURATION} s on one server"
python3 bench/accounts_load.py load --servers "http://127.0.0.1:$PORT" \
    --users "$USERS" --duration "$DURATION" --password "$PASSWORD" --out "$dir/load.json" || failed=1
stop_all
read -r referrals events audit < <(python3 -c "
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(*c.execute(\"SELECT (SELECT COUNT(*) FROM referral), (SELECT COUNT(*) FROM referral_event), (SELECT COUNT(*) FROM audit_log WHERE action IN ('referral.create', 'referral.status'))\").fetchone())
" "$dir/magasin/registre.sqlite")
check "$dir" "$referrals" "$events" "$audit" || failed=1

(cd bench && python3 accounts_load.py report --dir "$OUT" --report "$REPORT" --command "$COMMAND" \
    --users "$USERS" --duration "$DURATION" --version "essor : $(cat "$OUT/essor.version" 2>/dev/null || true).")
log "report: $REPORT"
exit "$failed"
