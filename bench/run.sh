#!/usr/bin/env bash
# Benchmarks of essor against peer tools on the same inputs, each tool timed by GNU time
# (wall clock, peak memory), answers compared, results written to BENCHMARKS.md.
#
#   bench/run.sh [SUITE] [--smoke] [SIZES…]
#   bench/run.sh SUITE --help          # the suite's sizes, tools and environment variables
#
# Suites (one file each, sharing bench/lib.sh):
#   locate     (default) `essor locate` against GeoPandas and PostGIS       bench/locate.sh
#   diagnose   `essor diagnose` against DuckDB and pandas/GeoPandas         bench/diagnose.sh
#   serve      `essor serve --store` under load (wrk), national store        bench/serve.sh
#   grants     `essor grants import` against a pandas script                 bench/grants.sh
#   accounts   signed-in users writing at once, PostgreSQL (2 servers) and SQLite  bench/accounts.sh
set -euo pipefail

SUITE=locate
case ${1:-} in
    locate | diagnose | serve | grants | accounts) SUITE=$1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
esac
COMMAND="bench/run.sh${*:+ $*}"
[[ $SUITE == locate ]] || COMMAND="bench/run.sh $SUITE${*:+ $*}"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
source "bench/$SUITE.sh"
