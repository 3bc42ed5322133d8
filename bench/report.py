"""Writes the section "Localisation des points (essor locate)" of BENCHMARKS.md from one run
of bench/run.sh: machine, command, date, versions, one table per size, agreement summary.

    report.py --out bench/out --report BENCHMARKS.md --command "bench/run.sh …" \
              --seed 2015 --tools essor geopandas postgis --sizes 1000000 10000000

The section lies between two marker comments and is replaced whole on each run; the rest of
the file is left as it is (the file is created if missing). French: the page is for users.
"""

import argparse
import datetime
import json
import platform
from pathlib import Path

from common import fr_int, fr_num, gnu_time, machine, write_section

BEGIN = "<!-- bench:locate:begin (écrit par bench/run.sh, ne pas modifier à la main) -->"
END = "<!-- bench:locate:end -->"
LABELS = {"essor": "essor locate", "geopandas": "GeoPandas", "postgis": "PostGIS"}
TARGETS = {"geopandas": 10, "postgis": 5}


def versions(out):
    import geopandas, numpy, pandas, pyogrio, pyproj, shapely  # noqa: E401

    lines = []
    ev = out / "essor.version"
    if ev.exists():
        lines.append(f"essor : {ev.read_text().strip()}")
    lines.append(
        f"GeoPandas {geopandas.__version__}, shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), "
        f"pyogrio {pyogrio.__version__}, pyproj {pyproj.__version__} (PROJ {pyproj.proj_version_str}), "
        f"pandas {pandas.__version__}, numpy {numpy.__version__}, Python {platform.python_version()}"
    )
    pv = out / "postgis.version"
    if pv.exists():
        pg, postgis = pv.read_text().strip().splitlines()[:2]
        lines.append(f"{pg.split(' on ')[0]}, {postgis} (paquets Debian)")
    return lines


def size_table(out, n, tools):
    d = out / str(n)
    rows, measured = [], {}
    for tool in tools:
        status = d / f"{tool}.status"
        if not status.exists() or status.read_text().strip() != "ok":
            rows.append(f"| {LABELS[tool]} | échec | | | | |")
            continue
        wall, rss_kb, cpu_s = gnu_time(d / f"{tool}.time")
        mem_kb = rss_kb
        note = ""
        if tool == "postgis":
            server = d / "postgis.server.json"
            sv = json.loads(server.read_text()) if server.exists() else {"peak_kb": 0, "cpu_s": 0}
            mem_kb = rss_kb + sv["peak_kb"]
            cpu_s += sv["cpu_s"]
            note = f" (serveur {fr_int(sv['peak_kb'] / 1024)} + clients {fr_int(rss_kb / 1024)})"
        cpu = 100 * cpu_s / wall if wall else 0
        measured[tool] = (wall, mem_kb)
        rows.append((tool, wall, mem_kb, cpu, note))
    base = measured.get("essor")
    lines = [
        "| outil | durée (mur) | mémoire max | points/s | CPU (100 % = 1 cœur) | durée / essor | mémoire / essor |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        if isinstance(r, str):
            lines.append(r)
            continue
        tool, wall, mem_kb, cpu, note = r
        ratio_t = f"{fr_num(wall / base[0], 1)} ×" if base else "—"
        ratio_m = f"{fr_num(mem_kb / base[1], 1)} ×" if base else "—"
        if tool == "essor":
            ratio_t = ratio_m = "1"
        lines.append(
            f"| {LABELS[tool]} | {fr_num(wall, 1)} s | {fr_int(mem_kb / 1024)} Mio{note} | {fr_int(n / wall)} | "
            f"{cpu:.0f} % | {ratio_t} | {ratio_m} |"
        )
    return lines, measured


def agreement(out, n):
    path = out / str(n) / "compare.json"
    if not path.exists():
        return ["Comparaison non faite."]
    c = json.loads(path.read_text())
    lines = []
    for p in c["pairs"]:
        a, b = (LABELS[t] for t in p["pair"])
        lines.append(
            f"- **{a} / {b}** : {fr_int(p['all_equal'])} points sur {fr_int(p['points'])} identiques sur tous les champs "
            f"({fr_num(100 * p['all_equal'] / p['points'], 3)} %) ; distances imprimées identiques pour "
            f"{fr_int(p['distance_printed_equal'])}, à 0,1 m près pour {fr_int(p['distance_printed_0_1'])}."
        )
        for cat, v in p["categories"].items():
            if v["count"]:
                kinds = ", ".join(f"{k} {fr_int(x)}" for k, x in v["by_kind"].items() if x)
                lines.append(f"  - {cat} : {fr_int(v['count'])} ({kinds})")
                for ex in v["examples"][:2]:
                    lines.append(f"    - `{json.dumps(ex, ensure_ascii=False)}`")
        lines.append(f"  - non expliqués : {fr_int(p['unexplained'])}")
    for problem in c["problems"]:
        lines.append(f"- **Problème** : {problem}")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--report", required=True)
    ap.add_argument("--command", required=True)
    ap.add_argument("--seed", required=True)
    ap.add_argument("--tools", nargs="+", required=True)
    ap.add_argument("--sizes", nargs="+", type=int, required=True)
    args = ap.parse_args()
    out = Path(args.out)

    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    s = [
        BEGIN,
        "## Localisation des points (essor locate)",
        "",
        "Les mêmes points aléatoires (graine fixe) pour chaque outil, fichier CSV `id,lon,lat` en entrée, "
        "fichier CSV `id,qpv_code,nearest_qpv_code,distance_m,band` en sortie, de bout en bout "
        "(lecture, projection, index, calcul, écriture). Mélange : 20 % de points dans un QPV, "
        "30 % à moins de 1,5 km d'une limite de QPV, 50 % loin de tout QPV ; métropole et outre-mer "
        "(Guadeloupe, Martinique, Saint-Martin, Saint-Barthélemy, Guyane, La Réunion, Mayotte, Polynésie). "
        "Plus proche QPV cherché dans le territoire du point, distances dans sa projection métrique "
        "(Lambert-93, UTM locaux). Détails : `bench/README.md`.",
        "",
        f"- Machine : {machine()}",
        f"- Commande : `{args.command}` (graine {args.seed})",
        f"- Date : {now}",
        "- Versions :",
        *[f"  - {v}" for v in versions(out)],
        "- Mesure : `/usr/bin/time -v` (GNU time), une exécution par outil ; durée au mur, mémoire = pic de "
        "mémoire résidente. Pour PostGIS, la mémoire additionne le pic des processus clients (psql, "
        "shp2pgsql, Python) et le pic de la somme des Pss de tous les processus du serveur "
        "(`shared_buffers` compris, compté une fois), relevé toutes les 0,2 s.",
        "",
    ]
    for n in args.sizes:
        load = (out / str(n) / "loadavg")
        s.append(f"### {fr_int(n)} points")
        s.append("")
        table, measured = size_table(out, n, args.tools)
        s += table
        s.append("")
        if load.exists():
            s.append(f"Charge de la machine au départ (loadavg 1, 5, 15 min) : {load.read_text().strip()}.")
        if "essor" in measured:
            goals = []
            for tool, factor in TARGETS.items():
                if tool in measured:
                    r = measured[tool][0] / measured["essor"][0]
                    goals.append(f"{LABELS[tool]} {fr_num(r, 1)} × (objectif {factor} ×) : "
                                 + ("atteint" if r >= factor else "non atteint"))
            if n >= 10_000_000:
                mb = measured["essor"][1] / 1024
                goals.append(f"mémoire d'essor {fr_int(mb)} Mio (objectif < 1 Go) : " + ("atteint" if mb < 1000 else "non atteint"))
            if goals:
                s.append("Objectifs : " + " ; ".join(goals) + ".")
        s.append("")
        s.append("Accord des réponses (tolérance 0,1 m sur les distances imprimées à une décimale) :")
        s.append("")
        s += agreement(out, n)
        s.append("")
    s.append(END)
    section = "\n".join(s)

    write_section(args.report, BEGIN, END, section)

if __name__ == "__main__":
    main()
