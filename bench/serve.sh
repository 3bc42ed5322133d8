#!/usr/bin/env bash
# Suite `serve` of bench/run.sh (sourced by it, not run on its own).
# Load benchmark of the web server (`essor serve --store`) over a national-scale store: the
# generated SIRENE stocks (`essor synth`), `essor ingest` into a store (timed, peak memory,
# file size), then `wrk` on loopback against the map tiles at France, département and city
# zoom, the directory search (API and HTML page), territory pages and their JSON, the locate
# endpoint and actor pages, each scenario cycling through many different URLs drawn with a
# fixed seed; the server's memory sampled throughout. Writes the section "Serveur web sous
# charge (essor serve)" of BENCHMARKS.md.
#
#   bench/run.sh serve                       # 35 M establishments (about 1.7 M ESS actors)
#   bench/run.sh serve 1000000               # sizes as arguments (establishments)
#   bench/run.sh serve --smoke               # 200 000 establishments, 5 s per scenario, report
#                                            # in bench/out only (CI)
#
# Environment (all optional):
#   BENCH_SIZES="35000000"           sizes when none are given
#   BENCH_SEED=2015                  generator seed (`essor synth --seed`) and URL draws
#   BENCH_STOCKS=DIR                 a folder of stocks already generated, as DIR/N_seedS/ with a
#                                    `.complete` file (e.g. another worktree's bench/out/stocks);
#                                    only read, never written
#   BENCH_INGEST=reuse               keep bench/out/serve-store-N and its ingest figures when they
#                                    exist (default: ingest again, it is measured)
#   BENCH_DURATION=30                seconds of load per scenario (5 with --smoke)
#   BENCH_WARMUP=3                   seconds of untimed load before each scenario (0 with --smoke)
#   BENCH_CONNECTIONS=100            wrk connections
#   BENCH_THREADS=2                  wrk threads
#   BENCH_URLS=20000                 URLs drawn per scenario (2 000 with --smoke)
#   BENCH_SCENARIOS="acteur …"       scenarios to run (names in bench/README.md; default all)
#   BENCH_SERVE_PORT=58080           port of the server, 127.0.0.1 only
#   BENCH_OUT=bench/out              generated stocks, stores, URL lists, logs
#   BENCH_REPORT=BENCHMARKS.md       file whose section is (re)written; --smoke: bench/out/…
#   ESSOR_BIN=target/release/essor   skip `cargo build --release` and use this binary
#
# Installs what it lacks (Debian: time, wrk, curl); its scripts use Python's standard library
# only (no venv). Not timed: building essor, generating the stocks, drawing the URLs, the
# warm-up. The server listens on 127.0.0.1 only and is stopped at the end, or on error.
set -euo pipefail

bench_args "${BASH_SOURCE[0]}" "$@"
if ((smoke)) && ((${#sizes[@]} == 0)); then sizes=(200000); fi
if ((${#sizes[@]} == 0)); then read -r -a sizes <<<"${BENCH_SIZES:-35000000}"; fi
SEED=${BENCH_SEED:-2015}
OUT=$(bench_out)
REPORT=$(bench_report BENCHMARKS.serve.smoke.md)
PORT=${BENCH_SERVE_PORT:-58080}
CONNECTIONS=${BENCH_CONNECTIONS:-100}
THREADS=${BENCH_THREADS:-2}
if ((smoke)); then
    DURATION=${BENCH_DURATION:-5} WARMUP=${BENCH_WARMUP:-0} URLS=${BENCH_URLS:-2000}
else
    DURATION=${BENCH_DURATION:-30} WARMUP=${BENCH_WARMUP:-3} URLS=${BENCH_URLS:-20000}
fi
for v in BENCH_STOCKS BENCH_INGEST BENCH_DURATION BENCH_WARMUP BENCH_CONNECTIONS BENCH_THREADS BENCH_URLS BENCH_SCENARIOS; do
    [[ -z ${!v:-} ]] || COMMAND="$v=\"${!v}\" $COMMAND"
done
BASE=http://127.0.0.1:$PORT

# --- 1. What the run needs -------------------------------------------------------------
missing=()
[[ -x /usr/bin/time ]] || missing+=(time)
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
((${#missing[@]} == 0)) || apt_install "${missing[@]}"
command -v python3 >/dev/null || apt_install python3
ensure_essor
wrk --version 2>&1 | head -n 1 | sed 's/ Copyright.*//' >"$OUT/wrk.version" || true

# --- 2. The stocks of one size (CSV only) -----------------------------------------------
# stocks SIZE -> a folder holding StockEtablissement_utf8.csv and StockUniteLegale_utf8.csv:
# BENCH_STOCKS/N_seedS (read only), else the diagnose suite's cache bench/out/stocks/N_seedS
# (a superset: it also has Parquet and geolocation files), else bench/out/stocks-csv/N_seedS,
# generated here once.
stocks() {
    local n=$1 d
    for d in ${BENCH_STOCKS:+"$BENCH_STOCKS/${n}_seed$SEED"} "$OUT/stocks/${n}_seed$SEED" "$OUT/stocks-csv/${n}_seed$SEED"; do
        if [[ -f $d/.complete && -f $d/StockEtablissement_utf8.csv ]]; then echo "$d"; return; fi
    done
    d=$OUT/stocks-csv/${n}_seed$SEED
    log "generating $n establishments (seed $SEED) in $d"
    rm -rf "$d" "$d.tmp" && mkdir -p "$d.tmp"
    "$ESSOR" synth --establishments "$n" --seed "$SEED" --out "$d.tmp" >"$OUT/synth_csv_$n.log" 2>&1 \
        || { tail -n 20 "$OUT/synth_csv_$n.log" >&2; exit 1; }
    mv "$d.tmp" "$d" && touch "$d/.complete"
    echo "$d"
}

# --- 3. The server ----------------------------------------------------------------------
server=
sampler=
stop_server() {
    if [[ -n $server ]]; then
        kill -INT "$server" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
        server=
    fi
    if [[ -n $sampler ]]; then
        kill "$sampler" 2>/dev/null || true
        wait "$sampler" 2>/dev/null || true
        sampler=
    fi
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# start_server STORE DIR: starts it, samples its memory, waits for /api/v1/status.
start_server() {
    local store=$1 dir=$2 t0
    if curl -s -o /dev/null "$BASE/api/v1/status"; then
        echo "run.sh: something already answers on $BASE (BENCH_SERVE_PORT)" >&2
        exit 1
    fi
    t0=$(date +%s.%N)
    "$ESSOR" serve --store "$store" --addr "127.0.0.1:$PORT" >"$dir/server.log" 2>&1 &
    server=$!
    python3 bench/serve_mem.py --pid "$server" --out "$dir/memory.tsv" &
    sampler=$!
    for _ in $(seq 1500); do
        if curl -sf -o "$dir/status.json" "$BASE/api/v1/status"; then
            echo "$t0 $(date +%s.%N)" >"$dir/startup"
            log "server up in $(awk '{printf "%.1f", $2 - $1}' "$dir/startup") s (pid $server)"
            return
        fi
        kill -0 "$server" 2>/dev/null || { tail -n 20 "$dir/server.log" >&2; echo "run.sh: the server stopped" >&2; exit 1; }
        sleep 0.2
    done
    echo "run.sh: the server did not answer within 5 minutes" >&2
    exit 1
}

# --- 4. Per size: stocks, ingest, URLs, load --------------------------------------------
for n in "${sizes[@]}"; do
    S=$(stocks "$n")
    dir=$OUT/serve/$n
    store=$OUT/serve-store-$n
    mkdir -p "$dir"
    rm -rf "$dir/load" "$dir/urls" "$dir/memory.tsv" "$dir/status.json" "$dir/startup" "$dir/windows"
    mkdir -p "$dir/load"
    echo "$S" >"$dir/stocks"
    cut -d' ' -f1-3 /proc/loadavg >"$dir/loadavg"

    if [[ ${BENCH_INGEST:-} == reuse && -f $store/essor.sqlite && -f $dir/ingest.status ]]; then
        log "reusing $store (BENCH_INGEST=reuse)"
    else
        rm -rf "$store" "$dir"/ingest.*
        # Exit 1 = anomalies in the inputs (listed by the run): the store is written.
        TIMED_OK_CODES="0 1" timed ingest "$dir" "$ESSOR" ingest --etablissements "$S/StockEtablissement_utf8.csv" \
            --unites-legales "$S/StockUniteLegale_utf8.csv" --store "$store" --synthetic
        [[ $(cat "$dir/ingest.status") == ok ]] || exit 1
        du -b "$S/StockEtablissement_utf8.csv" "$S/StockUniteLegale_utf8.csv" >"$dir/ingest.inputs"
    fi
    stat -c %s "$store/essor.sqlite" >"$dir/store.bytes"

    log "drawing $URLS URLs per scenario (seed $SEED)"
    python3 bench/serve_urls.py --store "$store/essor.sqlite" --data "$ROOT/data" --out "$dir/urls" --n "$URLS" --seed "$SEED"

    start_server "$store" "$dir"
    python3 bench/serve_urls.py --probe "$BASE" --out "$dir/urls"

    read -r -a names <<<"${BENCH_SCENARIOS:-$(python3 -c 'import json,sys; print(" ".join(s["name"] for s in json.load(open(sys.argv[1]))["scenarios"]))' "$dir/urls/scenarios.json")}"
    for name in "${names[@]}"; do
        list=$dir/urls/$name.txt
        [[ -s $list ]] || { echo "run.sh: unknown scenario '$name' (see $dir/urls/scenarios.json)" >&2; exit 2; }
        wrk_run() { # seconds output
            wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1"s --timeout 10s --latency -s bench/serve_wrk.lua "$BASE" -- "$list" >"$2" 2>&1
        }
        if ((WARMUP > 0)); then wrk_run "$WARMUP" "$dir/load/$name.warmup.txt" || true; fi
        t0=$(date +%s.%N)
        log "$name: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s ($(wc -l <"$list") URLs)"
        wrk_run "$DURATION" "$dir/load/$name.txt" || { cat "$dir/load/$name.txt" >&2; failed=1; }
        echo "$name $t0 $(date +%s.%N)" >>"$dir/windows"
        log "$name: $(grep -E 'Requests/sec' "$dir/load/$name.txt" | awk '{print $2}') req/s, p99 $(awk '/Latency Distribution/ {d=1} d && $1 == "99%" {print $2; exit}' "$dir/load/$name.txt")"
        kill -0 "$server" 2>/dev/null || { tail -n 20 "$dir/server.log" >&2; echo "run.sh: the server stopped during $name" >&2; exit 1; }
    done
    stop_server

    python3 bench/serve_parse.py --dir "$dir" || failed=1
done

# --- 5. Report -------------------------------------------------------------------------
(cd bench && python3 serve_report.py --out "$OUT" --report "$REPORT" --command "$COMMAND" --seed "$SEED" \
    --sizes "${sizes[@]}" --duration "$DURATION" --warmup "$WARMUP" --connections "$CONNECTIONS" --threads "$THREADS")
log "report: $REPORT"
exit "$failed"
