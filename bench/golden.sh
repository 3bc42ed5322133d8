#!/usr/bin/env bash
# Golden outputs: runs one essor binary over fixed inputs and records every output it makes —
# files of `locate`, `coverage`, `diagnose` (CSV, JSON, méthodologie, diagnostic pack) and
# `orient`, and the answers of `essor serve` over an ingested store (API, pages, tiles,
# exports) — with a SHA-256 manifest. A refactoring that must not change behaviour runs it
# before and after and compares the manifests:
#
#   ESSOR_BIN=/tmp/old/essor bench/golden.sh /tmp/golden-before
#   ESSOR_BIN=target/release/essor bench/golden.sh /tmp/golden-after
#   bench/golden.sh --compare /tmp/golden-before /tmp/golden-after
#
# The only values redacted before hashing are the ones that change from run to run by design:
# the wall-clock date of a computation and the temporary folder of the run (see `redact`).
# Inputs: `essor synth` (30,000 establishments, seed 7: same bytes on every machine), points
# drawn by a fixed-seed Python script, the committed orientation profiles. Needs curl and
# python3 (standard library); the server listens on 127.0.0.1 only and is stopped at the end.
set -euo pipefail

if [[ ${1:-} == --compare ]]; then
    [[ $# == 3 ]] || { echo "usage: $0 --compare BEFORE AFTER" >&2; exit 2; }
    if diff -u "$2/manifest.sha256" "$3/manifest.sha256"; then
        echo "golden: identical ($(wc -l <"$2/manifest.sha256") outputs)"
    else
        echo "golden: outputs differ (diff above; the files are in $2 and $3)" >&2
        exit 1
    fi
    exit 0
fi

OUT=${1:?usage: $0 OUT_DIR (ESSOR_BIN=path/to/essor)}
BIN=${ESSOR_BIN:-target/release/essor}
PORT=${GOLDEN_PORT:-58181}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
rm -rf "$OUT"
mkdir -p "$OUT/files" "$OUT/http"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d)
server=
cleanup() {
    [[ -z $server ]] || kill "$server" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

log() { echo "golden: $*" >&2; }

# --- inputs ----------------------------------------------------------------------------------
log "synth"
"$BIN" synth --establishments 30000 --seed 7 --out "$WORK/sirene" --geoloc --parquet >>"$OUT/log.txt" 2>&1
python3 - "$WORK/points.csv" <<'EOF'
import random, sys
rng = random.Random(7)
with open(sys.argv[1], "w") as f:
    f.write("id,lon,lat\n")
    # Around Saint-Denis, Rennes, Marseille and Lille (QPV dense), then anywhere in mainland France.
    for i, (lon, lat) in enumerate([(2.36, 48.93), (-1.68, 48.11), (5.40, 43.30), (3.07, 50.63)] * 250):
        f.write(f"p{i},{lon + rng.uniform(-0.05, 0.05):.6f},{lat + rng.uniform(-0.04, 0.04):.6f}\n")
    for i in range(1000):
        f.write(f"q{i},{rng.uniform(-4.5, 7.5):.6f},{rng.uniform(43.0, 50.5):.6f}\n")
EOF
S=$WORK/sirene

# --- command-line outputs --------------------------------------------------------------------
log "locate, coverage"
"$BIN" locate --input "$WORK/points.csv" --output "$OUT/files/locate.csv" >>"$OUT/log.txt" 2>&1
"$BIN" coverage --input "$WORK/points.csv" --distance 1000 --output "$OUT/files/coverage.csv" >>"$OUT/log.txt" 2>&1
log "diagnose (CSV with geolocation, Parquet)"
"$BIN" diagnose --etablissements "$S/StockEtablissement_utf8.csv" --unites-legales "$S/StockUniteLegale_utf8.csv" \
    --geoloc "$S/GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.csv" \
    --out "$OUT/files/diagnose-csv" --territory epci:243500139 >>"$OUT/log.txt" 2>&1
"$BIN" diagnose --etablissements "$S/StockEtablissement_utf8.parquet" --unites-legales "$S/StockUniteLegale_utf8.parquet" \
    --out "$OUT/files/diagnose-parquet" --territory commune:93066 >>"$OUT/log.txt" 2>&1
log "orient"
# The committed cases hold a profile each (`profile`), which `essor orient` reads alone.
for p in "$ROOT"/tests/fixtures/orientation/*.json; do
    name=$(basename "$p")
    python3 -c 'import json, sys; json.dump(json.load(open(sys.argv[1]))["profile"], open(sys.argv[2], "w"), ensure_ascii=False)' "$p" "$WORK/profile-$name"
    for format in json text; do
        "$BIN" orient --profile "$WORK/profile-$name" --format "$format" >"$OUT/files/orient-$format-$name" 2>>"$OUT/log.txt" \
            || echo "exit $?" >>"$OUT/files/orient-$format-$name"
    done
done

# --- the server over an ingested store --------------------------------------------------------
log "ingest"
"$BIN" ingest --etablissements "$S/StockEtablissement_utf8.csv" --unites-legales "$S/StockUniteLegale_utf8.csv" \
    --geoloc "$S/GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.csv" \
    --store "$WORK/store" --description "golden" --synthetic >>"$OUT/log.txt" 2>&1
"$BIN" serve --store "$WORK/store" --addr "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/api/v1/status" >/dev/null && break; sleep 0.1; done
log "drawing URLs"
python3 "$ROOT/bench/serve_urls.py" --store "$WORK/store/essor.sqlite" --data "$ROOT/data" --out "$WORK/urls" --n 40 --seed 7 >/dev/null
{
    cat "$WORK"/urls/*.txt
    # Fixed URLs: every route family at least once (ESS commercial companies spelled both ways).
    for u in / /annuaire "/annuaire?q=association&family=association" /methodologie /orientation /dispositifs \
        /api/docs /api/openapi.json /api/v1/status /api/v1/qpv /api/v1/qpv/QP093028 /api/v1/schemes \
        "/api/v1/actors?per_page=50" "/api/v1/actors?family=societe_commerciale" \
        "/api/v1/actors?family=cooperative&band=in,300&format=csv" "/api/v1/actors?territory=commune:93066&format=geojson" \
        /territoires/france/FR /territoires/epci/243500139 /territoires/epci/243500139/dossier \
        /territoires/commune/93066 /territoires/qpv/QP093028 /api/v1/territories/commune/93066 \
        /api/v1/territories/epci/243500139/indicators.csv /api/v1/territories/commune/93066/actors.geojson \
        /api/v1/territories/epci/243500139/qpv.geojson "/api/v1/locate?lon=2.3815&lat=48.9177" \
        /tiles/actors/5/16/11.mvt /tiles/actors/12/2073/1407.mvt /tiles/qpv/12/2073/1407.mvt /tiles/communes/8/129/88.mvt; do
        echo "$u"
    done
} | sort -u >"$WORK/all-urls.txt"
log "asking $(wc -l <"$WORK/all-urls.txt") URLs"
i=0
while read -r u; do
    i=$((i + 1))
    f=$(printf '%s/http/%05d' "$OUT" "$i")
    code=$(curl -s -o "$f.body" -w '%{http_code} %{content_type}' "http://127.0.0.1:$PORT$u" || echo "curl-failed")
    printf '%s\t%s\n' "$u" "$code" >"$f.status"
done <"$WORK/all-urls.txt"
kill "$server"
wait "$server" 2>/dev/null || true
server=

# --- manifest --------------------------------------------------------------------------------
# redact FILE: values that differ between two runs of the same binary by design — the date and
# time a run computed its figures, and the temporary folder of this run.
redact() {
    sed -E -e "s#$WORK#<work>#g" \
        -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?/<datetime>/g' \
        -e 's#[0-9]{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) [0-9]{4} à [0-9]{1,2} ?h ?[0-9]{2}#<date-fr>#g' \
        "$1"
}
cd "$OUT"
find files http -type f | LC_ALL=C sort | while read -r f; do
    case $f in
        http/*.body) printf '%s  %s  %s\n' "$(redact "$f" | sha256sum | cut -c1-64)" "$f" "$(cut -f1 "${f%.body}.status")" ;;
        *) printf '%s  %s\n' "$(redact "$f" | sha256sum | cut -c1-64)" "$f" ;;
    esac
done >manifest.sha256
log "$(wc -l <manifest.sha256) outputs in $OUT/manifest.sha256"
