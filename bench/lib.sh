# Shared machinery of the benchmark suites, sourced by bench/run.sh (not run on its own):
# argument parsing, installing what is missing (Debian packages, the pinned venv), building
# essor, timing a tool under GNU time, logging. A suite (bench/locate.sh, bench/diagnose.sh)
# sets its defaults, calls these, then does its own steps.
#
# After `bench_args "$@"`: `smoke` (0/1), `sizes` (array, may be empty), `COMMAND` (the
# command line as the report prints it, with the BENCH_*/ESSOR_BIN variables that were set).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=$ROOT/bench/.venv
PY=$VENV/bin/python

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# The suite's header comment (from the line after the shebang to `set -euo`) as help text.
usage() { sed -n '2,/^set -euo/p' "$1" | sed -e '$d' -e 's/^# \{0,1\}//'; }

# bench_args SUITE_FILE ARGS...: --smoke, --help, sizes (whole numbers, or names the suite
# accepts through `suite_size_ok`, e.g. `fixtures`).
bench_args() {
    local file=$1 arg v
    shift
    smoke=0
    sizes=()
    for arg in "$@"; do
        case $arg in
            --smoke) smoke=1 ;;
            -h | --help) usage "$file"; exit 0 ;;
            *)
                if [[ $arg =~ ^[0-9]+$ ]] || { declare -F suite_size_ok >/dev/null && suite_size_ok "$arg"; }; then
                    sizes+=("$arg")
                else
                    echo "run.sh: unknown argument '$arg' (see bench/run.sh ${SUITE:-} --help)" >&2
                    exit 2
                fi ;;
        esac
    done
    for v in ESSOR_BIN BENCH_SEED BENCH_TOOLS BENCH_SIZES; do
        [[ -z ${!v:-} ]] || COMMAND="$v=\"${!v}\" $COMMAND"
    done
}

# The output folder (created), absolute.
bench_out() { mkdir -p "${BENCH_OUT:-bench/out}" && (cd "${BENCH_OUT:-bench/out}" && pwd); }

# The report file: BENCH_REPORT, else BENCHMARKS.md, or bench/out/<smoke name> at --smoke.
bench_report() { # smoke_name
    local r
    if ((smoke)); then r=${BENCH_REPORT:-$OUT/$1}; else r=${BENCH_REPORT:-BENCHMARKS.md}; fi
    [[ $r == /* ]] || r=$ROOT/$r
    echo "$r"
}

# --- What a run needs --------------------------------------------------------------------
as_root() { if ((EUID == 0)); then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
    if ((!apt_updated)); then as_root apt-get update -qq; apt_updated=1; fi
    log "apt-get install $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The venv bench/.venv from bench/requirements.txt (pinned, PyPI only), rebuilt when the
# requirements change.
ensure_venv() {
    if [[ ! -x $PY ]] || ! sha256sum bench/requirements.txt | cmp -s - "$VENV/.requirements.sha256"; then
        log "creating $VENV from bench/requirements.txt"
        rm -rf "$VENV"
        python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$VENV"; }
        "$PY" -m pip install -q --disable-pip-version-check -r bench/requirements.txt
        sha256sum bench/requirements.txt >"$VENV/.requirements.sha256"
    fi
}

# ESSOR: ESSOR_BIN, else `cargo build --release -p essor-cli`. Writes $OUT/essor.version.
ensure_essor() {
    if [[ -n ${ESSOR_BIN:-} ]]; then
        ESSOR=$ESSOR_BIN
    else
        log "cargo build --release -p essor-cli"
        cargo build --release -q -p essor-cli
        ESSOR=${CARGO_TARGET_DIR:-$ROOT/target}/release/essor
    fi
    [[ -x $ESSOR ]] || { echo "run.sh: no essor binary at $ESSOR" >&2; exit 1; }
    local origin
    if [[ -n ${ESSOR_BIN:-} ]]; then origin="binary given by ESSOR_BIN=$ESSOR_BIN"
    else origin="cargo build --release, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- crates 2>/dev/null || echo ' + local changes')"; fi
    echo "$("$ESSOR" --version 2>&1 | head -n 1) ($origin)" >"$OUT/essor.version"
}

# --- Timing --------------------------------------------------------------------------------
failed=0
# timed NAME DIR COMMAND... -> DIR/NAME.time (GNU time -v), DIR/NAME.log, DIR/NAME.status
# (`ok` or `failed`). TIMED_OK_CODES (default "0") lists the exit codes that count as success.
timed() {
    local name=$1 dir=$2 rc=0
    shift 2
    log "$name: $*"
    /usr/bin/time -v -o "$dir/$name.time" "$@" >"$dir/$name.log" 2>&1 || rc=$?
    echo "$rc" >"$dir/$name.rc"
    if [[ " ${TIMED_OK_CODES:-0} " == *" $rc "* ]]; then
        echo ok >"$dir/$name.status"
        log "$name: $(grep -F 'Elapsed (wall' "$dir/$name.time" | awk '{print $NF}') wall, $(awk '/Maximum resident/ {print $NF}' "$dir/$name.time") KiB peak"
    else
        echo failed >"$dir/$name.status"
        log "$name FAILED (exit $rc), last lines of $dir/$name.log:"
        tail -n 20 "$dir/$name.log" >&2
        failed=1
    fi
}
