#!/usr/bin/env bash
# Suite `grants` of bench/run.sh (sourced by it, not run on its own).
# Benchmark of `essor grants import` against a pandas script doing the same normalisation
# (bench/grants_pandas.py), on generated grant files in two messy layouts (bench/grants_gen.py:
# SCDL 1.x names in CP1252 with `;` and French amounts; the pre-SCDL Poitiers layout in UTF-8
# with `,` and SIRET written as floats, its missing fields given by --default), half the
# records each. Each import timed by GNU time (wall clock, peak memory); the two must agree on
# rows read, written and rejected, on the number of issues and on the total of the amounts
# written (their CSV are compared byte for byte too); results written to BENCHMARKS.md
# (section "Import de fichiers de subventions (essor grants import)").
#
#   bench/run.sh grants                   # 1 000 000 records (or $BENCH_SIZES)
#   bench/run.sh grants 200000            # chosen sizes (records, both files together)
#   bench/run.sh grants --smoke           # 20 000 records, report in bench/out only (CI)
#
# Environment (all optional):
#   BENCH_SIZES="1000000"            sizes when none are given
#   BENCH_SEED=2017                  generator seed
#   BENCH_OUT=bench/out              generated files (cached by size and seed), outputs, logs
#   BENCH_REPORT=BENCHMARKS.md       file whose section is (re)written; --smoke: bench/out/…
#   ESSOR_BIN=target/release/essor   skip `cargo build --release` and use this binary
#
# Installs what it lacks (Debian: time; the venv bench/.venv from bench/requirements.txt).
# Not timed: building essor, generating the files, reading them once into the page cache.
set -euo pipefail

bench_args "${BASH_SOURCE[0]}" "$@"
if ((smoke)) && ((${#sizes[@]} == 0)); then sizes=(20000); fi
if ((${#sizes[@]} == 0)); then read -r -a sizes <<<"${BENCH_SIZES:-1000000}"; fi
SEED=${BENCH_SEED:-2017}
OUT=$(bench_out)
REPORT=$(bench_report BENCHMARKS.grants.smoke.md)
# What the Poitiers layout lacks, given explicitly (the report lists each use).
LEGACY_DEFAULTS=(--default "nature=aide en numéraire" --default conditionsVersement=unique
    --default datesPeriodeVersement=2017-01-01/2017-12-31 --default pourcentageSubvention=1)

[[ -x /usr/bin/time ]] || apt_install time
ensure_venv
ensure_essor

for n in "${sizes[@]}"; do
    gen=$OUT/grants-input/${n}_seed$SEED
    if [[ ! -f $gen/.complete ]]; then
        log "generating $n grant records (seed $SEED) in $gen"
        rm -rf "$gen" && mkdir -p "$gen"
        "$PY" bench/grants_gen.py --rows "$n" --seed "$SEED" --out "$gen"
        touch "$gen/.complete"
    fi
    dir=$OUT/grants/$n
    rm -rf "$dir" && mkdir -p "$dir"
    cut -d' ' -f1-3 /proc/loadavg >"$dir/loadavg"
    cat "$gen"/*.csv >/dev/null
    for layout in scdl1_cp1252 legacy_utf8; do
        extra=()
        [[ $layout != legacy_utf8 ]] || extra=("${LEGACY_DEFAULTS[@]}")
        # Exit 1 = records rejected (listed in the report): the CSV is written.
        TIMED_OK_CODES="0 1" timed "essor-$layout" "$dir" "$ESSOR" grants import --input "$gen/$layout.csv" \
            --output "$dir/essor-$layout.csv" --report "$dir/essor-$layout.json" "${extra[@]}"
        timed "pandas-$layout" "$dir" "$PY" bench/grants_pandas.py --input "$gen/$layout.csv" \
            --output "$dir/pandas-$layout.csv" --report "$dir/pandas-$layout.json" "${extra[@]}"
    done
    log "comparing answers ($n)"
    (cd bench && "$PY" grants_report.py compare --dir "$dir") || failed=1
done

(cd bench && "$PY" grants_report.py report --out "$OUT" --report "$REPORT" --command "$COMMAND" \
    --seed "$SEED" --sizes "${sizes[@]}")
log "report: $REPORT"
exit "$failed"
