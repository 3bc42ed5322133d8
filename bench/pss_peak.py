"""Peak memory and CPU time of a process tree, for servers that GNU time cannot see
(PostgreSQL's backends are children of the postmaster, not of the client that is timed).

    pss_peak.py --pid POSTMASTER_PID --out server.json

Every 0.2 s, sums the proportional set size (Pss, from /proc/PID/smaps_rollup: shared memory
such as shared_buffers is counted once, split among the processes touching it) of the
process and all its descendants. On SIGTERM or SIGINT writes to --out, as JSON, the peak in
KiB and the CPU seconds the tree used meanwhile (live processes' user + system time, plus
that of the children the root process has reaped: backends and parallel workers that ended).
"""

import argparse
import json
import os
import signal
import time


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def tree(pid):
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo.extend(children(p))
    return seen


def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid, reaped=False):
    """utime + stime of pid (fields 14, 15 of /proc/PID/stat), or cutime + cstime (16, 17)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    first = 13 if reaped else 11  # fields after "pid (comm)" start at field 3
    return int(fields[first]) + int(fields[first + 1])


def tree_cpu(pid):
    return cpu_ticks(pid, reaped=True) + sum(cpu_ticks(p) for p in tree(pid))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--interval", type=float, default=0.2)
    args = ap.parse_args()

    peak = 0
    stop = False
    cpu_start = tree_cpu(args.pid)
    cpu = 0

    def on_signal(_sig, _frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stop and os.path.exists(f"/proc/{args.pid}"):
        peak = max(peak, sum(pss_kb(p) for p in tree(args.pid)))
        cpu = max(cpu, tree_cpu(args.pid) - cpu_start)
        time.sleep(args.interval)
    cpu = max(cpu, tree_cpu(args.pid) - cpu_start)
    with open(args.out, "w") as f:
        json.dump({"peak_kb": peak, "cpu_s": round(cpu / TICKS, 2)}, f)


if __name__ == "__main__":
    main()
