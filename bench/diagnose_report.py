"""Writes the section "Diagnostic national (essor diagnose)" of BENCHMARKS.md from one run of
bench/run.sh diagnose: machine, command, date, versions, files, one table per size, the aims,
the agreement of the figures.

    diagnose_report.py --out bench/out --report BENCHMARKS.md --command "bench/run.sh diagnose …" \
                       --seed 2015 --tools essor-csv … --sizes 35000000

The section lies between two marker comments and is replaced whole on each run; the rest of
the file is left as it is. French: the page is for users.
"""

import argparse
import datetime
import json
import platform
import subprocess
from pathlib import Path

from common import fr_int, fr_num, gnu_time, machine, write_section

BEGIN = "<!-- bench:diagnose:begin (écrit par bench/run.sh diagnose, ne pas modifier à la main) -->"
END = "<!-- bench:diagnose:end -->"
GIB = 1024**3
MEMORY_AIM_KIB = 4 * 1024**2  # 4 Gio
# run -> (label, input, what it reads as the read floor, essor run of the same format)
RUNS = {
    "cat-csv": ("`cat` > /dev/null", "CSV", "cat-csv", None),
    "cat-csv-geoloc": ("`cat` > /dev/null", "CSV + géoloc.", "cat-csv-geoloc", None),
    "cat-parquet": ("`cat` > /dev/null", "Parquet", "cat-parquet", None),
    "cat-parquet-geoloc": ("`cat` > /dev/null", "Parquet + géoloc.", "cat-parquet-geoloc", None),
    "essor-csv": ("essor diagnose", "CSV", "cat-csv", "essor-csv"),
    "essor-geoloc": ("essor diagnose --geoloc", "CSV + géoloc.", "cat-csv-geoloc", "essor-csv"),
    "essor-parquet": ("essor diagnose", "Parquet", "cat-parquet", "essor-parquet"),
    "duckdb-csv": ("DuckDB (SQL, sans le spatial)", "CSV + géoloc.", "cat-csv-geoloc", "essor-csv"),
    "duckdb-parquet": ("DuckDB (SQL, sans le spatial)", "Parquet + géoloc.", "cat-parquet-geoloc", "essor-parquet"),
    "pandas-csv": ("pandas + GeoPandas", "CSV", "cat-csv", "essor-csv"),
    "pandas-parquet": ("pandas + GeoPandas", "Parquet", "cat-parquet", "essor-parquet"),
}
PAIR_LABELS = {"essor-csv": "essor (CSV)", "essor-parquet": "essor (Parquet)", "essor-geoloc": "essor (CSV + géoloc.)",
               "duckdb-csv": "DuckDB (CSV)", "duckdb-parquet": "DuckDB (Parquet)",
               "pandas-csv": "pandas (CSV)", "pandas-parquet": "pandas (Parquet)"}
LEVEL_LABELS = {"france": "France", "qpv_total": "ensemble des QPV", "region": "régions",
                "departement": "départements", "epci": "EPCI", "commune": "communes", "qpv": "QPV"}


def fr_bytes(b):
    return f"{fr_num(b / GIB, 2)} Gio" if b >= GIB / 10 else f"{fr_num(b / 1024**2, 1)} Mio"


def fr_time(s):
    return f"{fr_num(s, 1)} s" if s < 600 else f"{fr_num(s, 0)} s ({fr_num(s / 60, 1)} min)"


def versions(out):
    import duckdb
    import geopandas
    import numpy
    import pandas
    import pyarrow
    import pyproj
    import shapely

    lines = []
    ev = out / "essor.version"
    if ev.exists():
        lines.append(f"essor : {ev.read_text().strip()}")
    lines.append(f"DuckDB {duckdb.__version__} (PyPI, module Python), pyarrow {pyarrow.__version__}")
    lines.append(
        f"pandas {pandas.__version__}, GeoPandas {geopandas.__version__}, shapely {shapely.__version__} "
        f"(GEOS {shapely.geos_version_string}), pyproj {pyproj.__version__} (PROJ {pyproj.proj_version_str}), "
        f"numpy {numpy.__version__}, Python {platform.python_version()}")
    cat = subprocess.run(["cat", "--version"], capture_output=True, text=True).stdout.splitlines()[:1]
    if cat:
        lines.append(cat[0])
    return lines


def resident(d, run):
    """Share of the run's input files in the page cache just before it (fincore)."""
    path = d / f"{run}.fincore"
    if not path.exists():
        return None
    res = size = 0
    for line in path.read_text().splitlines():
        r, s, _f = line.split(" ", 2)
        res, size = res + int(r), size + int(s)
    return min(1.0, res / size) if size else 1.0


def measured(d, runs):
    m = {}
    for run in runs:
        status = d / f"{run}.status"
        if status.exists() and status.read_text().strip() == "ok":
            wall, rss, cpu = gnu_time(d / f"{run}.time")
            m[run] = {"wall": wall, "rss_kb": rss, "cpu": cpu}
    return m


def size_section(out, n, tools):
    d = out / "diagnose" / str(n)
    files = json.loads((d / "files.json").read_text())
    rows = files["rows"]["StockEtablissement"]
    runs = [r for r in RUNS if r.startswith("cat-")] + [t for t in RUNS if t in tools]
    m = measured(d, runs)
    title = "Fichiers de test du dépôt (tests/fixtures/sirene)" if n == "fixtures" else \
        f"{fr_int(rows)} établissements, {fr_int(files['rows']['StockUniteLegale'])} unités légales"
    s = [f"### {title}", ""]
    s.append("Fichiers lus : " + " ; ".join(f"`{k}` {fr_bytes(v)}" for k, v in files["files"].items()) + ".")
    s.append("")
    s += [
        "| outil | entrée | durée (mur) | mémoire max | établissements/s | CPU (100 % = 1 cœur) | en cache | durée / essor | durée / `cat` |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for run in runs:
        label, fmt, floor, ref = RUNS[run]
        cache = resident(d, run)
        cache_s = f"{cache * 100:.0f} %" if cache is not None else "—"
        if run not in m:
            s.append(f"| {label} | {fmt} | échec | | | | {cache_s} | | |")
            continue
        r = m[run]
        vs_essor = "—"
        if ref and ref in m:
            vs_essor = "1" if ref == run else f"{fr_num(r['wall'] / m[ref]['wall'], 2)} ×"
        vs_cat = f"{fr_num(r['wall'] / m[floor]['wall'], 1)} ×" if floor in m and m[floor]["wall"] > 0 and not run.startswith("cat") else "—"
        if run.startswith("cat"):
            vs_cat = "1"
        speed = fr_int(rows / r["wall"]) if r["wall"] > 0 else "—"
        cpu = f"{100 * r['cpu'] / r['wall']:.0f} %" if r["wall"] > 0 else "—"
        s.append(f"| {label} | {fmt} | {fr_time(r['wall'])} | {fr_int(r['rss_kb'] / 1024)} Mio | {speed} | {cpu} | "
                 f"{cache_s} | {vs_essor} | {vs_cat} |")
    s.append("")
    load = d / "loadavg"
    if load.exists():
        s.append(f"Charge de la machine au départ (loadavg 1, 5, 15 min) : {load.read_text().strip()}.")
        s.append("")
    if n == "fixtures":
        s.append("Taille de contrôle des règles (les fichiers font quelques kilo-octets) : objectifs non évalués. "
                 "Les codes QPV du fichier de géolocalisation de ces fichiers de test sont des affectations "
                 "synthétiques : l'écart entre essor avec et sans `--geoloc` y est attendu.")
    else:
        s += aims(m)
    s.append("")
    s += agreement(d)
    s.append("")
    return s


def aims(m):
    lines = ["Objectifs :", ""]

    def verdict(ok):
        return "**atteint**" if ok else "**non atteint**"

    for essor, duck, fmt in (("essor-csv", "duckdb-csv", "CSV"), ("essor-parquet", "duckdb-parquet", "Parquet")):
        if essor in m and duck in m:
            a, b = m[essor]["wall"], m[duck]["wall"]
            lines.append(f"- diagnostic complet d'essor ({fmt}, {fr_time(a)}) plus rapide que la seule partie non "
                         f"spatiale de DuckDB ({fr_time(b)}) : {verdict(a < b)}")
    for essor, floor, fmt in (("essor-csv", "cat-csv", "CSV"), ("essor-parquet", "cat-parquet", "Parquet"),
                              ("essor-geoloc", "cat-csv-geoloc", "CSV + géoloc.")):
        if essor in m and floor in m:
            a, b = m[essor]["wall"], m[floor]["wall"]
            ratio = f"{fr_num(a / b, 1)} ×" if b > 0 else "lecture trop courte pour être mesurée"
            lines.append(f"- essor ({fmt}) en moins de 2 × la lecture des fichiers (`cat` {fr_time(b)}, "
                         f"limite {fr_time(2 * b)}) : {fr_time(a)}, {ratio} : {verdict(a <= 2 * b)}")
    for essor in ("essor-csv", "essor-parquet", "essor-geoloc"):
        if essor in m:
            kb = m[essor]["rss_kb"]
            lines.append(f"- mémoire d'{RUNS[essor][0]} ({RUNS[essor][1]}) sous 4 Gio : {fr_int(kb / 1024)} Mio : "
                         f"{verdict(kb < MEMORY_AIM_KIB)}")
    return lines


def example(ex):
    """`qpv:QP093039` (établissements 8 / 0, emplois 32 / 0, …): the first values that differ,
    reference first."""
    names = {"establishments": "établissements", "jobs": "emplois", "ess_establishments": "établissements ESS",
             "ess_jobs": "emplois ESS", "employer_establishments": "employeurs",
             "ess_employer_establishments": "employeurs ESS", "private_jobs": "emplois privés"}
    level, code = ex["territory"]
    diffs = [f"{label} {fr_num(ex[c][0], 1 if c.endswith('jobs') else 0)} / {fr_num(ex[c][1], 1 if c.endswith('jobs') else 0)}"
             for c, label in names.items() if c in ex and None not in ex[c]][:3]
    if not diffs:
        diffs = [f"{c} {v[0]} / {v[1]}" for c, v in ex.items() if c != "territory"][:2]
    return f"`{level}:{code}` ({', '.join(diffs)})"


def agreement(d):
    path = d / "compare.json"
    if not path.exists():
        return ["Comparaison non faite."]
    c = json.loads(path.read_text())
    lines = ["Accord des chiffres (niveaux France, ensemble des QPV, régions, départements, EPCI, communes, QPV ; "
             "comptes et emplois exacts, parts à 1e-9) :", ""]
    for p in c["pairs"]:
        a, b = (PAIR_LABELS[t] for t in p["pair"])
        info = " (pour information : codes QPV de l'INSEE contre point dans polygone d'essor)" if p["informative"] else ""
        lines.append(f"- **{b} / {a}**{info} : {fr_int(p['territories'] - p['differing'])} territoires identiques sur "
                     f"{fr_int(p['territories'])} ; non expliqués : {fr_int(p['unexplained'])} (tolérance {p['budget']}).")
        for level, v in p["levels"].items():
            if v["equal"] != v["territories"]:
                parts = [f"{cat} {fr_int(k)}" for cat, k in v["explained"].items()]
                if v["unexplained"]:
                    parts.append(f"non expliqués {fr_int(v['unexplained'])}")
                lines.append(f"  - {LEVEL_LABELS[level]} : {fr_int(v['equal'])} identiques sur "
                             f"{fr_int(v['territories'])} ; " + ", ".join(parts))
        for cat, examples in p["examples"].items():
            shown = "; ".join(example(ex) for ex in examples[:3])
            lines.append(f"    - {cat}, ex. : {shown}")
    for tool, offs in c.get("essor_printed_shares_off", {}).items():
        lines.append(f"- **Problème** : {tool} imprime des parts qui ne sont pas le rapport de ses colonnes d'emplois, "
                     f"ex. `{json.dumps(offs[0], ensure_ascii=False)}`")
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
    ap.add_argument("--sizes", nargs="+", required=True)
    args = ap.parse_args()
    out = Path(args.out)

    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    s = [
        BEGIN,
        "## Diagnostic national (essor diagnose)",
        "",
        "Les mêmes stocks SIRENE générés (`essor synth --establishments N --seed "
        f"{args.seed} --parquet --geoloc` : `StockEtablissement`, `StockUniteLegale` aux formats officiels "
        "CSV et Parquet, et le fichier de géolocalisation de l'INSEE, `plg_qp15` calculé par le moteur d'essor) "
        "pour chaque outil, de bout en bout, jusqu'au tableau des indicateurs par territoire "
        "(France, ensemble des QPV, régions, départements, EPCI, communes, QPV) :",
        "",
        "- **essor diagnose** : le calcul complet et tous ses fichiers (`indicators.csv` et `.json`, méthodologie) : "
        "jointure, classement ESS, familles, emplois, secteurs, densités, chaque établissement situé "
        "d'après ses coordonnées Lambert (QPV, distance, abords à 300 et 500 m), ou d'après le fichier de "
        "géolocalisation avec `--geoloc` ;",
        "- **DuckDB** : la seule partie non spatiale, en SQL (`read_csv` aux types explicites, seules les colonnes "
        "utiles ; `read_parquet`) : jointure, filtres, classement, regroupements par territoire, le QPV étant lu dans "
        "`plg_qp15` du fichier de géolocalisation ; pas d'extension spatiale, ni abords, ni secteurs ;",
        "- **pandas + GeoPandas** : tout le travail en Python, les établissements par lots de 2 millions dont les "
        "sommes partielles sont additionnées à la fin (lecture par `pyarrow`, seules les colonnes utiles, jointure, "
        "classement, projection des polygones QPV 2015 dans le système de chaque territoire avec pyproj, `sjoin` "
        "(intersects), regroupements) ; ni abords, ni secteurs ;",
        "- **`cat` > /dev/null** : la simple lecture des mêmes fichiers, le plancher.",
        "",
        "Détails, règles et écarts attendus : `bench/README.md`.",
        "",
        f"- Machine : {machine()}",
        f"- Commande : `{args.command}` (graine {args.seed})",
        f"- Date : {now}",
        "- Versions :",
        *[f"  - {v}" for v in versions(out)],
        "- Mesure : `/usr/bin/time -v` (GNU time), une exécution par outil ; durée au mur, mémoire = pic de "
        "mémoire résidente. Les fichiers d'une exécution sont lus une fois juste avant elle, sans la chronométrer, "
        "pour qu'elle parte du cache de pages comme les autres (impossible de vider le cache sans être root) ; "
        "la colonne « en cache » donne la part de ces fichiers effectivement en mémoire au départ (`fincore`). "
        "« durée / essor » : rapport à essor sur les mêmes stocks (CSV ou Parquet) ; « durée / `cat` » : rapport à "
        "la lecture des fichiers que l'outil lit.",
        "",
    ]
    for n in args.sizes:
        s += size_section(out, n, args.tools)
    s.append(END)
    write_section(args.report, BEGIN, END, "\n".join(s))


if __name__ == "__main__":
    main()
