"""Samples the memory of one process (the server) until it exits or is told to stop: every
`--every` seconds a line `epoch_seconds rss_kib hwm_kib` (VmRSS and VmHWM of
/proc/PID/status) appended to `--out`. The serve suite's report takes the peak over the whole
run (VmHWM, the kernel's own high-water mark) and the highest sample within each scenario.
Standard library only.

    python3 serve_mem.py --pid PID --out mem.tsv [--every 0.2]
"""

import argparse
import re
import signal
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--every", type=float, default=0.2)
    a = ap.parse_args()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    status = f"/proc/{a.pid}/status"
    with open(a.out, "a", buffering=1) as out:
        while not stop:
            try:
                text = open(status).read()
            except OSError:
                break  # the process is gone
            rss = re.search(r"^VmRSS:\s+(\d+)", text, re.M)
            hwm = re.search(r"^VmHWM:\s+(\d+)", text, re.M)
            if rss and hwm:
                out.write(f"{time.time():.3f} {rss.group(1)} {hwm.group(1)}\n")
            time.sleep(a.every)
    return 0


if __name__ == "__main__":
    sys.exit(main())
