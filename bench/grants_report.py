"""Compares the answers of `essor grants import` and its pandas peer, and writes the section
"Import de fichiers de subventions (essor grants import)" of BENCHMARKS.md (bench/grants.sh).

`compare --dir D`: for each layout, rows read / written / rejected, issues per action and the
total of the amounts written (decimal, exact) must be equal; the CSV are also compared byte for
byte (reported, not required). Writes D/agreement.json; exit 1 on a disagreement.
`report --out OUT --report FILE …`: the section, between two marker comments, replaced whole.
"""

import argparse
import datetime
import hashlib
import json
import platform
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

from common import fr_int, fr_num, gnu_time, machine, write_section

LAYOUTS = {
    "scdl1_cp1252": "SCDL 1.x, CP1252, « ; », montants à la française",
    "legacy_utf8": "ancienne structure (Poitiers 2017), UTF-8, « , », SIRET en flottants, 4 `--default`",
}
TOOLS = ("essor", "pandas")
BEGIN = "<!-- bench:grants:begin (écrit par bench/run.sh grants, ne pas modifier à la main) -->"
END = "<!-- bench:grants:end -->"


def answer(d, tool, layout):
    report = json.loads((d / f"{tool}-{layout}.json").read_text())
    csv_path = d / f"{tool}-{layout}.csv"
    import csv

    with open(csv_path, encoding="utf-8", newline="") as f:
        total = sum((Decimal(r["montant"]) for r in csv.DictReader(f)), Decimal(0))
    actions = Counter(i["action"] for i in report["issues"])
    return {
        "rows_read": report["rows_read"],
        "rows_written": report["rows_written"],
        "rows_rejected": report["rows_rejected"],
        "corrected": actions["corrected"],
        "rejected_issues": actions["rejected"],
        "amount_written": str(total),
        "sha256": hashlib.sha256(csv_path.read_bytes()).hexdigest(),
    }


def compare(d):
    d = Path(d)
    result, ok = {}, True
    for layout in LAYOUTS:
        a = {t: answer(d, t, layout) for t in TOOLS}
        keys = [k for k in a["essor"] if k != "sha256"]
        differ = [k for k in keys if a["essor"][k] != a["pandas"][k]]
        if a["essor"]["rows_read"] != a["essor"]["rows_written"] + a["essor"]["rows_rejected"]:
            differ.append("rows_read != rows_written + rows_rejected")
        same_csv = a["essor"]["sha256"] == a["pandas"]["sha256"]
        result[layout] = {"essor": a["essor"], "pandas": a["pandas"], "differ": differ, "same_csv": same_csv}
        print(f"{layout}: {'agree' if not differ else 'DIFFER on ' + ', '.join(differ)}; "
              f"CSV {'identical' if same_csv else 'different'}")
        ok &= not differ
    (d / "agreement.json").write_text(json.dumps(result, indent=1))
    return 0 if ok else 1


def fr_time(s):
    return f"{fr_num(s, 1)} s" if s < 600 else f"{fr_num(s, 0)} s ({fr_num(s / 60, 1)} min)"


def size_section(out, n):
    d = out / "grants" / str(n)
    s = [f"### {fr_int(int(n))} enregistrements", ""]
    if not (d / "agreement.json").exists():
        return s + ["Pas de résultat (exécution incomplète).", ""]
    agreement = json.loads((d / "agreement.json").read_text())
    load = (d / "loadavg").read_text().strip() if (d / "loadavg").exists() else "?"
    s += [
        "| outil | fichier | durée (mur) | mémoire max | enregistrements/s | lus | écrits | rejetés | valeurs corrigées | montant écrit (€) |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    totals = {}
    for tool in TOOLS:
        wall_sum, rss_max, rows_sum = 0.0, 0, 0
        for layout in LAYOUTS:
            a = agreement[layout][tool]
            status = d / f"{tool}-{layout}.status"
            if not status.exists() or status.read_text().strip() != "ok":
                s.append(f"| {tool} | `{layout}` | échec | | | | | | | |")
                continue
            wall, rss, _cpu = gnu_time(d / f"{tool}-{layout}.time")
            wall_sum, rss_max, rows_sum = wall_sum + wall, max(rss_max, rss), rows_sum + a["rows_read"]
            s.append(
                f"| {tool} | `{layout}` | {fr_time(wall)} | {fr_num(rss / 1024, 1)} Mio | "
                f"{fr_int(a['rows_read'] / wall) if wall else '?'} | {fr_int(a['rows_read'])} | "
                f"{fr_int(a['rows_written'])} | {fr_int(a['rows_rejected'])} | {fr_int(a['corrected'])} | "
                f"{fr_num(float(Decimal(a['amount_written'])), 2)} |")
        totals[tool] = (wall_sum, rss_max, rows_sum)
        s.append(f"| **{tool}** | **les deux** | **{fr_time(wall_sum)}** | **{fr_num(rss_max / 1024, 1)} Mio** | "
                 f"**{fr_int(rows_sum / wall_sum) if wall_sum else '?'}** | | | | | |")
    s.append("")
    if all(t in totals and totals[t][0] for t in TOOLS):
        ratio = totals["pandas"][0] / totals["essor"][0]
        mem = totals["pandas"][1] / totals["essor"][1]
        s.append(f"- essor est **{fr_num(ratio, 1)} fois** plus rapide que pandas (objectif ≥ 5 : "
                 f"{'atteint' if ratio >= 5 else 'non atteint'}) et utilise {fr_num(mem, 1)} fois moins de mémoire.")
    agree = all(not agreement[l]["differ"] for l in LAYOUTS)
    same = all(agreement[l]["same_csv"] for l in LAYOUTS)
    s.append(f"- Réponses : {'identiques' if agree else 'DIFFÉRENTES'} (lignes lues, écrites, rejetées, "
             f"valeurs corrigées, total exact des montants écrits) ; fichiers CSV "
             f"{'identiques octet pour octet' if same else 'différents'}.")
    s.append(f"- Charge de la machine au départ (loadavg 1, 5, 15 min) : {load}.")
    s.append("")
    return s


def versions(out):
    import pandas

    lines = []
    ev = out / "essor.version"
    if ev.exists():
        lines.append(f"essor : {ev.read_text().strip()}")
    lines.append(f"pandas {pandas.__version__}, Python {platform.python_version()}")
    return lines


def report(args):
    out = Path(args.out)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    s = [
        BEGIN,
        "## Import de fichiers de subventions (essor grants import)",
        "",
        "Les mêmes fichiers générés (`bench/grants_gen.py`, graine fixe), moitié des enregistrements dans chacune "
        "des deux structures désordonnées, de bout en bout jusqu'au CSV SCDL 2.1.1 et au rapport JSON :",
        "",
        *[f"- `{k}` : {v} ;" for k, v in LAYOUTS.items()],
        "",
        "Outils :",
        "",
        "- **essor grants import** : lecture en flux, un enregistrement à la fois ;",
        "- **pandas** (`bench/grants_pandas.py`) : les mêmes règles, tout le fichier lu en colonnes de texte, "
        "une étape vectorisée ou `Series.map` par champ.",
        "",
        "Les deux doivent donner les mêmes nombres de lignes lues, écrites et rejetées, le même nombre de valeurs "
        "corrigées et le même total exact des montants écrits. Détails : `bench/README.md`.",
        "",
        f"- Machine : {machine()}",
        f"- Commande : `{args.command}` (graine {args.seed})",
        f"- Date : {now}",
        "- Versions :",
        *[f"  - {v}" for v in versions(out)],
        "- Mesure : `/usr/bin/time -v` (GNU time), une exécution par outil et par fichier ; durée au mur, mémoire = "
        "pic de mémoire résidente ; les fichiers sont lus une fois avant, sans chronomètre (cache de pages).",
        "",
    ]
    for n in args.sizes:
        s += size_section(out, n)
    s.append(END)
    write_section(args.report, BEGIN, END, "\n".join(s))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command_name", required=True)
    c = sub.add_parser("compare")
    c.add_argument("--dir", required=True)
    r = sub.add_parser("report")
    r.add_argument("--out", required=True)
    r.add_argument("--report", required=True)
    r.add_argument("--command", required=True)
    r.add_argument("--seed", required=True)
    r.add_argument("--sizes", nargs="+", required=True)
    args = ap.parse_args()
    if args.command_name == "compare":
        sys.exit(compare(args.dir))
    report(args)


if __name__ == "__main__":
    main()
