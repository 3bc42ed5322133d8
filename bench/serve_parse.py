"""Reads one size's run of the serve suite (bench/out/serve/N/) into DIR/results.json: per
scenario wrk's figures (requests/s, latency percentiles, errors, non-2xx answers) and the
server's highest resident memory while it ran; the ingest (GNU time), the store, the
server's start-up and peak memory (VmHWM). Exits 1 when a scenario had socket errors or
non-2xx answers (the URL lists only hold URLs that exist), or no result at all.
Standard library only.

    python3 serve_parse.py --dir bench/out/serve/35000000
"""

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import gnu_time  # noqa: E402

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk(text):
    """wrk's figures from its output: the JSON line of serve_wrk.lua's done(), checked against
    the text wrk prints itself."""
    m = re.search(r"^WRK_JSON (\{.*\})$", text, re.M)
    if not m:
        return None
    j = json.loads(m.group(1))
    lat = {k: v / 1000.0 for k, v in j["latency_us"].items()}  # milliseconds
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    p99_text = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    out = {
        "requests": j["requests"],
        "seconds": j["duration_us"] / 1e6,
        "rps": float(rps.group(1)) if rps else j["requests"] / (j["duration_us"] / 1e6),
        "bytes": j["bytes"],
        "latency_ms": lat,
        "errors": j["errors"],
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(j["errors"][k] for k in ("connect", "read", "write", "timeout")),
    }
    if p99_text:  # the same histogram, as wrk rounds it
        out["p99_text_ms"] = float(p99_text.group(1)) * UNITS[p99_text.group(2)]
    return out


def memory(path):
    """(epoch, VmRSS, VmHWM, RssAnon, RssFile, Pss) per sample, KiB (serve_mem.py)."""
    rows = []
    if path.exists():
        for line in path.read_text().splitlines():
            v = line.split()
            if len(v) == 6:
                rows.append((float(v[0]), *map(int, v[1:])))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    a = ap.parse_args()
    d = Path(a.dir)
    mem = memory(d / "memory.tsv")
    res = {"size": d.name, "stocks": (d / "stocks").read_text().strip()}

    if (d / "ingest.time").exists():
        wall, rss_kb, cpu = gnu_time(d / "ingest.time")
        res["ingest"] = {"seconds": wall, "peak_kib": rss_kb, "cpu_seconds": cpu,
                         "status": (d / "ingest.status").read_text().strip()}
        log = (d / "ingest.log").read_text(errors="replace")
        m = re.search(r"essor ingest : ([\d\u202f ]+) établissements actifs lus, ([\d\u202f ]+) acteurs diffusibles de l'ESS et ([\d\u202f ]+) territoires", log)
        if m:
            num = lambda s: int(re.sub(r"\D", "", s))  # noqa: E731
            res["ingest"].update(active=num(m.group(1)), actors=num(m.group(2)), territories=num(m.group(3)))
        if (d / "ingest.inputs").exists():
            res["ingest"]["input_bytes"] = sum(int(l.split()[0]) for l in (d / "ingest.inputs").read_text().splitlines())
    res["store_bytes"] = int((d / "store.bytes").read_text())
    status = json.loads((d / "status.json").read_text())
    res["status"] = {k: status.get(k) for k in ("version", "data", "qpv_geography", "qpv_count")}
    t0, t1 = map(float, (d / "startup").read_text().split())
    at_start = [m for m in mem if m[0] <= t1 + 0.5]
    res["startup"] = {"seconds": t1 - t0,
                      "rss_kib": max((m[1] for m in at_start), default=None),
                      "anon_kib": max((m[3] for m in at_start), default=None)}
    # Peaks over the run: VmHWM (the kernel's high-water mark of RSS), and the highest
    # samples of RssAnon (the heap) and Pss (each page once, see serve_mem.py).
    res["server_peak_kib"] = max((m[2] for m in mem), default=None)
    res["server_anon_max_kib"] = max((m[3] for m in mem), default=None)
    res["server_file_max_kib"] = max((m[4] for m in mem), default=None)
    res["server_pss_max_kib"] = max((m[5] for m in mem), default=None)
    words = d / "urls" / "words.json"
    res["words"] = json.loads(words.read_text()) if words.exists() else []
    plan = json.loads((d / "urls" / "scenarios.json").read_text())
    res["actors"] = plan["actors"]
    windows = {}
    if (d / "windows").exists():
        for line in (d / "windows").read_text().splitlines():
            name, s, e = line.split()
            windows[name] = (float(s), float(e))

    ok = True
    res["scenarios"] = []
    for s in plan["scenarios"]:
        f = d / "load" / f"{s['name']}.txt"
        if not f.exists():
            continue
        w = wrk(f.read_text(errors="replace"))
        entry = dict(s)
        if w is None:
            entry["failed"] = True
            ok = False
            print(f"serve_parse: no wrk result for {s['name']} ({f})", file=sys.stderr)
        else:
            entry.update(w)
            if w["socket_errors"] or w["non2xx"]:
                ok = False
                print(f"serve_parse: {s['name']}: {w['non2xx']} non-2xx answers, "
                      f"{w['socket_errors']} socket errors", file=sys.stderr)
        if s["name"] in windows:
            t_start, t_end = windows[s["name"]]
            inside = [m for m in mem if t_start <= m[0] <= t_end]
            entry["rss_max_kib"] = max((m[1] for m in inside), default=None)
            entry["pss_max_kib"] = max((m[5] for m in inside), default=None)
        res["scenarios"].append(entry)
    if not res["scenarios"]:
        ok = False
    (d / "results.json").write_text(json.dumps(res, ensure_ascii=False, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
