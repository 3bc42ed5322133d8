#!/usr/bin/env bash
# Suite `diagnose` of bench/run.sh (sourced by it, not run on its own).
# Benchmark of `essor diagnose` against DuckDB (the non-spatial part in SQL, QPV codes from the
# geolocation file) and a pandas/GeoPandas script (the whole job, QPV by point in polygon from
# the Lambert columns), on the same generated SIRENE stocks in CSV and Parquet; the read floor
# is `cat` of the same files to /dev/null. Each run timed by GNU time (wall clock, peak
# memory), figures compared level by level, results written to BENCHMARKS.md (section
# "Diagnostic national (essor diagnose)").
#
#   bench/run.sh diagnose                     # 35 M establishments (or $BENCH_SIZES)
#   bench/run.sh diagnose 1000000             # sizes as arguments (establishments)
#   bench/run.sh diagnose fixtures            # the committed tests/fixtures/sirene, no generation
#   bench/run.sh diagnose --smoke             # fixtures and 20 000 establishments, report in
#                                             # bench/out only (CI)
#
# Environment (all optional):
#   BENCH_SIZES="35000000"           sizes when none are given
#   BENCH_TOOLS="essor-csv essor-parquet essor-geoloc duckdb-csv duckdb-parquet pandas-csv pandas-parquet"
#                                    runs (essor-* are the references; see bench/README.md)
#   BENCH_SEED=2015                  generator seed (`essor synth --seed`)
#   BENCH_OUT=bench/out              generated stocks (cached by size and seed), outputs, logs
#   BENCH_REPORT=BENCHMARKS.md       file whose section is (re)written; --smoke: bench/out/…
#   ESSOR_BIN=target/release/essor   skip `cargo build --release` and use this binary
#
# Installs what it lacks (Debian: time; a venv bench/.venv from bench/requirements.txt).
# Not timed: building essor, generating the stocks (`essor synth --establishments N --seed S
# --parquet --geoloc`), the untimed `cat` that puts each run's files in the page cache first.
set -euo pipefail

suite_size_ok() { [[ $1 == fixtures ]]; }
bench_args "${BASH_SOURCE[0]}" "$@"
if ((smoke)) && ((${#sizes[@]} == 0)); then sizes=(fixtures 20000); fi
if ((${#sizes[@]} == 0)); then read -r -a sizes <<<"${BENCH_SIZES:-35000000}"; fi
read -r -a tools <<<"${BENCH_TOOLS:-essor-csv essor-parquet essor-geoloc duckdb-csv duckdb-parquet pandas-csv pandas-parquet}"
SEED=${BENCH_SEED:-2015}
OUT=$(bench_out)
REPORT=$(bench_report BENCHMARKS.diagnose.smoke.md)
QPV=$ROOT/data/qpv_2015/QP_METROPOLEOUTREMER_WGS84_EPSG4326.shp
COG=$ROOT/data/cog
FIXTURES=$ROOT/tests/fixtures/sirene
GEOLOC_NAME=GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8

for tool in "${tools[@]}"; do
    case $tool in
        essor-csv | essor-parquet | essor-geoloc | duckdb-csv | duckdb-parquet | pandas-csv | pandas-parquet) ;;
        *) echo "run.sh: unknown tool '$tool' in BENCH_TOOLS (see bench/run.sh diagnose --help)" >&2; exit 2 ;;
    esac
done

# --- 1. What the run needs -------------------------------------------------------------
[[ -x /usr/bin/time ]] || apt_install time
command -v fincore >/dev/null || apt_install util-linux
ensure_venv
ensure_essor

# --- 2. The stocks of one size ----------------------------------------------------------
# stocks SIZE -> the folder holding StockEtablissement_utf8.{csv,parquet},
# StockUniteLegale_utf8.{csv,parquet} and the geolocation file (CSV, and Parquet if any).
stocks() {
    local n=$1 dir
    if [[ $n == fixtures ]]; then echo "$FIXTURES"; return; fi
    dir=$OUT/stocks/${n}_seed$SEED
    if [[ ! -f $dir/.complete ]]; then
        if ! "$ESSOR" synth --help >/dev/null 2>&1; then
            echo "run.sh: $ESSOR has no 'synth' command: the generated sizes need it (use 'fixtures')" >&2
            exit 1
        fi
        log "generating $n establishments (seed $SEED) in $dir"
        rm -rf "$dir" "$dir.tmp" && mkdir -p "$dir.tmp"
        "$ESSOR" synth --establishments "$n" --seed "$SEED" --out "$dir.tmp" --parquet --geoloc >"$OUT/synth_$n.log" 2>&1 \
            || { tail -n 20 "$OUT/synth_$n.log" >&2; exit 1; }
        mv "$dir.tmp" "$dir" && touch "$dir/.complete"
    fi
    echo "$dir"
}

# The files a run reads, by the run's name.
inputs_of() { # tool -> file paths
    local geoloc_pq=$S/$GEOLOC_NAME.parquet
    [[ -f $geoloc_pq ]] || geoloc_pq=$S/$GEOLOC_NAME.csv
    case $1 in
        *-csv | cat-csv) echo "$S/StockEtablissement_utf8.csv $S/StockUniteLegale_utf8.csv" ;;
        *-parquet | cat-parquet) echo "$S/StockEtablissement_utf8.parquet $S/StockUniteLegale_utf8.parquet" ;;
        essor-geoloc | cat-csv-geoloc) echo "$S/StockEtablissement_utf8.csv $S/StockUniteLegale_utf8.csv $S/$GEOLOC_NAME.csv" ;;
        cat-parquet-geoloc) echo "$S/StockEtablissement_utf8.parquet $S/StockUniteLegale_utf8.parquet $geoloc_pq" ;;
    esac
    case $1 in
        duckdb-csv) echo "$S/$GEOLOC_NAME.csv" ;;
        duckdb-parquet) echo "$geoloc_pq" ;;
    esac
}

# warm NAME FILES...: read the files once (untimed) so that every run starts with them in the
# page cache as far as memory allows, and record how much of each is resident.
warm() {
    local name=$1
    shift
    cat "$@" >/dev/null
    fincore -b --raw -n -o RES,SIZE,FILE "$@" >"$dir/$name.fincore"
}

# --- 3. Per size: stocks, read floor, runs, comparison ----------------------------------
for n in "${sizes[@]}"; do
    S=$(stocks "$n")
    dir=$OUT/diagnose/$n
    rm -rf "$dir" && mkdir -p "$dir"
    cut -d' ' -f1-3 /proc/loadavg >"$dir/loadavg"
    # Sizes and row counts of the files (row counts from the Parquet metadata).
    "$PY" - "$S" >"$dir/files.json" <<'EOF'
import json, sys
from pathlib import Path
import pyarrow.parquet as pq
d = Path(sys.argv[1])
names = [f"{k}_utf8.{x}" for k in ("StockEtablissement", "StockUniteLegale", "GeolocalisationEtablissement_Sirene_pour_etudes_statistiques") for x in ("csv", "parquet")]
files = {n: (d / n).stat().st_size for n in names if (d / n).exists()}
rows = {k: pq.ParquetFile(d / f"{k}_utf8.parquet").metadata.num_rows for k in ("StockEtablissement", "StockUniteLegale")}
print(json.dumps({"dir": str(d), "files": files, "rows": rows}))
EOF
    rows=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows"]["StockEtablissement"])' "$dir/files.json")

    # The read floor: the same files, read whole, to /dev/null.
    for floor in cat-csv cat-parquet cat-csv-geoloc cat-parquet-geoloc; do
        read -r -a files <<<"$(inputs_of "$floor" | tr '\n' ' ')"
        warm "$floor" "${files[@]}"
        timed "$floor" "$dir" sh -c 'cat "$@" >/dev/null' cat "${files[@]}"
    done

    for tool in "${tools[@]}"; do
        read -r -a files <<<"$(inputs_of "$tool" | tr '\n' ' ')"
        warm "$tool" "${files[@]}"
        case $tool in
            essor-*)
                geoloc=()
                [[ $tool != essor-geoloc ]] || geoloc=(--geoloc "${files[2]}")
                # Exit 1 = anomalies in the inputs, listed in methodologie.md: outputs written.
                TIMED_OK_CODES="0 1" timed "$tool" "$dir" "$ESSOR" diagnose --etablissements "${files[0]}" \
                    --unites-legales "${files[1]}" "${geoloc[@]}" --out "$dir/$tool" ;;
            duckdb-*)
                timed "$tool" "$dir" "$PY" bench/diagnose_duckdb.py --etablissements "${files[0]}" \
                    --unites-legales "${files[1]}" --geoloc "${files[2]}" --cog "$COG" \
                    --out "$dir/$tool.csv" --sql "$dir/$tool.sql" --temp "$dir/duckdb.tmp" ;;
            pandas-*)
                timed "$tool" "$dir" "$PY" bench/diagnose_pandas.py --etablissements "${files[0]}" \
                    --unites-legales "${files[1]}" --qpv "$QPV" --cog "$COG" --out "$dir/$tool.csv" ;;
        esac
    done
    rm -rf "$dir/duckdb.tmp"

    log "comparing figures ($n)"
    (cd bench && "$PY" diagnose_compare.py --dir "$dir" --tools "${tools[@]}" --rows "$rows") || failed=1
done

# --- 4. Report -------------------------------------------------------------------------
(cd bench && "$PY" diagnose_report.py --out "$OUT" --report "$REPORT" --command "$COMMAND" --seed "$SEED" \
    --tools "${tools[@]}" --sizes "${sizes[@]}")
log "report: $REPORT"
exit "$failed"
