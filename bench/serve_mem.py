"""Samples the memory of one process (the server) until it exits or is told to stop: every
`--every` seconds a line `epoch_seconds rss_kib hwm_kib anon_kib file_kib pss_kib` appended
to `--out`: VmRSS, VmHWM, RssAnon and RssFile of /proc/PID/status, and Pss of
/proc/PID/smaps_rollup (read every `--pss-every` seconds only, it walks the page tables; the
last value is repeated in between).

Why Pss: the server maps its SQLite file once per pooled connection (`mmap_size`), and RSS
counts a page of the file once per mapping that touched it, so VmRSS/VmHWM can exceed the
file's size several times over while the kernel holds each page once. Pss counts each page
once (shared between its mappings), which is what the machine really gives the server.
The serve suite's report takes the peaks over the whole run and the highest samples within
each scenario. Standard library only.

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
    ap.add_argument("--pss-every", type=float, default=1.0)
    a = ap.parse_args()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    status = f"/proc/{a.pid}/status"
    rollup = f"/proc/{a.pid}/smaps_rollup"
    pss, pss_at = "0", 0.0

    def field(text, name):
        m = re.search(rf"^{name}:\s+(\d+)", text, re.M)
        return m.group(1) if m else "0"

    with open(a.out, "a", buffering=1) as out:
        while not stop:
            now = time.time()
            try:
                text = open(status).read()
                if now - pss_at >= a.pss_every:
                    pss, pss_at = field(open(rollup).read(), "Pss"), now
            except OSError:
                break  # the process is gone
            values = [field(text, k) for k in ("VmRSS", "VmHWM", "RssAnon", "RssFile")]
            out.write(f"{now:.3f} {' '.join(values)} {pss}\n")
            time.sleep(a.every)
    return 0


if __name__ == "__main__":
    sys.exit(main())
