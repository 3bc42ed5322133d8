#!/usr/bin/env bash
# Suite `locate` of bench/run.sh (the default; sourced by it, not run on its own).
# Benchmark of `essor locate` against GeoPandas and PostGIS: the same random points for every
# tool, CSV in -> CSV out, each run timed by GNU time (wall clock, peak memory), answers
# compared, results written to BENCHMARKS.md (section "Localisation des points").
#
#   bench/run.sh                      # 1 M and 10 M points (or $BENCH_SIZES)
#   bench/run.sh 1000000 10000000     # sizes as arguments
#   bench/run.sh --smoke              # 20 000 points, report in bench/out only (CI)
#
# Environment (all optional):
#   BENCH_SIZES="1000000 10000000"   sizes when none are given
#   BENCH_TOOLS="essor geopandas postgis"   tools to run (essor is the reference)
#   BENCH_SEED=2015                  generator seed
#   BENCH_OUT=bench/out              generated files, outputs, logs, PostgreSQL cluster
#   BENCH_PG_PORT=55432              port of the throwaway PostgreSQL cluster (loopback only)
#   BENCH_REPORT=BENCHMARKS.md       file whose section is (re)written; --smoke: bench/out/…
#   ESSOR_BIN=target/release/essor   skip `cargo build --release` and use this binary
#
# Installs what it lacks (Debian: postgresql, postgis, time; a venv bench/.venv from
# bench/requirements.txt), starts its own PostgreSQL cluster on 127.0.0.1 for each PostGIS
# run and stops it afterwards. Only the tool runs are timed: generating points, building
# essor, creating the database and its postgis extension are not.
set -euo pipefail

bench_args "${BASH_SOURCE[0]}" "$@"
if ((smoke)) && ((${#sizes[@]} == 0)); then sizes=(20000); fi
if ((${#sizes[@]} == 0)); then read -r -a sizes <<<"${BENCH_SIZES:-1000000 10000000}"; fi
read -r -a tools <<<"${BENCH_TOOLS:-essor geopandas postgis}"
SEED=${BENCH_SEED:-2015}
OUT=$(bench_out)
PORT=${BENCH_PG_PORT:-55432}
REPORT=$(bench_report BENCHMARKS.smoke.md)
QPV=$ROOT/data/qpv_2015/QP_METROPOLEOUTREMER_WGS84_EPSG4326.shp

has_tool() { [[ " ${tools[*]} " == *" $1 "* ]]; }

# --- 1. What the run needs -------------------------------------------------------------
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

missing=()
[[ -x /usr/bin/time ]] || missing+=(time)
if has_tool postgis; then
    [[ -n $(pg_bindir) ]] || missing+=(postgresql)
    command -v shp2pgsql >/dev/null || missing+=(postgis)
fi
((${#missing[@]} == 0)) || apt_install "${missing[@]}"
if has_tool postgis; then
    PGBIN=$(pg_bindir)
    PGVER=$(basename "$(dirname "$PGBIN")")
    [[ -f /usr/share/postgresql/$PGVER/extension/postgis.control ]] || apt_install "postgresql-$PGVER-postgis-3"
fi
ensure_venv
if has_tool essor; then ensure_essor; fi

# --- 2. A throwaway PostgreSQL cluster, on loopback, started for each PostGIS run --------
PGDATA_DIR=
pg_as_owner() { if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_init() {
    PGDATA_DIR=$OUT/pgdata
    if ((EUID == 0)) && ! runuser -u postgres -- test -x "$OUT"; then
        PGDATA_DIR=$(mktemp -d /tmp/essor-bench-pg.XXXXXX)   # $OUT not reachable by postgres
    fi
    if [[ -f $PGDATA_DIR/postmaster.pid ]]; then   # left running by an interrupted run
        pg_as_owner "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w -s stop 2>/dev/null || true
    fi
    rm -rf "$PGDATA_DIR" && mkdir -p "$PGDATA_DIR"
    ((EUID != 0)) || chown postgres: "$PGDATA_DIR"
    pg_as_owner "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --no-locale >"$OUT/initdb.log"
    # Tuned for a disposable bulk job on 2 cores and 24 GiB: no durability, parallel query on.
    cat >>"$PGDATA_DIR/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$PGDATA_DIR'
shared_buffers = 2GB
work_mem = 256MB
maintenance_work_mem = 1GB
effective_cache_size = 16GB
max_parallel_workers_per_gather = 2
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = 8GB
jit = off
EOF
    export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres
}
pg_running=0
pg_start() {
    pg_as_owner "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/postgresql.log" -w -s start
    pg_running=1
}
pg_stop() {
    if ((pg_running)); then
        pg_as_owner "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -s stop || true
        pg_running=0
    fi
}
sampler=
cleanup() {
    [[ -z $sampler ]] || kill "$sampler" 2>/dev/null || true
    pg_stop
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 3. Per size: points, runs, comparison ---------------------------------------------
if has_tool postgis; then pg_init; fi
for n in "${sizes[@]}"; do
    dir=$OUT/$n
    rm -rf "$dir" && mkdir -p "$dir"
    points=$OUT/points_${n}_seed$SEED.csv
    if [[ ! -s $points || ! -s $points.kind.npy ]]; then
        log "generating $n points (seed $SEED)"
        (cd bench && "$PY" gen_points.py --n "$n" --seed "$SEED" --qpv "$QPV" --out "$points")
    fi
    ln -sf "$points" "$dir/points.csv"
    ln -sf "$points.kind.npy" "$dir/points.csv.kind.npy"
    cut -d' ' -f1-3 /proc/loadavg >"$dir/loadavg"

    for tool in "${tools[@]}"; do
        case $tool in
            essor)
                timed essor "$dir" "$ESSOR" locate --input "$points" --output "$dir/essor.csv" ;;
            geopandas)
                timed geopandas "$dir" "$PY" bench/peer_geopandas.py --input "$points" --output "$dir/geopandas.csv" --qpv "$QPV" ;;
            postgis)
                pg_start
                db=bench_$n
                psql -X -q -d postgres -c "CREATE DATABASE $db" && psql -X -q -d "$db" -c "CREATE EXTENSION postgis"
                "$PY" bench/pss_peak.py --pid "$(head -n 1 "$PGDATA_DIR/postmaster.pid")" --out "$dir/postgis.server.json" &
                sampler=$!
                PGDATABASE=$db timed postgis "$dir" "$PY" bench/peer_postgis.py --input "$points" --output "$dir/postgis.csv" --qpv "$QPV" --sql "$dir/postgis.sql"
                kill "$sampler" && wait "$sampler" || true
                sampler=
                psql -X -q -d "$db" -Atc "SELECT version(); SELECT 'PostGIS ' || postgis_lib_version() || ', GEOS ' || postgis_geos_version() || ', PROJ ' || postgis_proj_version();" >"$OUT/postgis.version"
                psql -X -q -d postgres -c "DROP DATABASE $db"
                pg_stop ;;
            *) echo "run.sh: unknown tool '$tool' in BENCH_TOOLS" >&2; exit 2 ;;
        esac
    done

    log "comparing answers ($n points)"
    (cd bench && "$PY" compare.py --dir "$dir" --tools "${tools[@]}") || failed=1
done

# --- 4. Report -------------------------------------------------------------------------
(cd bench && "$PY" report.py --out "$OUT" --report "$REPORT" --command "$COMMAND" --seed "$SEED" \
    --tools "${tools[@]}" --sizes "${sizes[@]}")
log "report: $REPORT"
exit "$failed"
