"""What the benchmark suites' report scripts share: GNU time's figures, the machine, French
number formatting, and rewriting one marked section of BENCHMARKS.md.
"""

import platform
import re
import subprocess
from pathlib import Path


def fr_int(n):
    return f"{n:,.0f}".replace(",", "\u202f")


def fr_num(x, digits=1):
    return f"{x:,.{digits}f}".replace(",", "\u202f").replace(".", ",")


def gnu_time(path):
    """(wall seconds, peak RSS in KiB, CPU seconds) from a `/usr/bin/time -v` file."""
    text = Path(path).read_text()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    cpu_s = float(re.search(r"User time \(seconds\): (\S+)", text).group(1))
    cpu_s += float(re.search(r"System time \(seconds\): (\S+)", text).group(1))
    return seconds, rss_kb, cpu_s


def machine():
    def first(cmd, pattern):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True).stdout
        except OSError:
            return "?"
        m = re.search(pattern, out, re.M)
        return m.group(1).strip() if m else "?"

    model = first(["lscpu"], r"^Model name:\s*(.+)$")
    cpus = first(["nproc"], r"(\d+)")
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    osname = re.search(r'PRETTY_NAME="([^"]+)"', Path("/etc/os-release").read_text()).group(1)
    return f"{model}, {cpus} cœurs, {fr_num(mem_kb / 1024**2, 1)} Gio de mémoire, {osname} (noyau {platform.release()})"


def write_section(report, begin, end, section):
    """Replaces the text between the markers `begin` and `end` (included) with `section`, or
    appends it; the rest of the file is left as it is (created if missing)."""
    report = Path(report)
    text = report.read_text() if report.exists() else "# Benchmarks\n\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    report.write_text(text)
