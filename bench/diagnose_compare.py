"""Do the tools give the same figures? Compares the indicator tables of one size of
bench/run.sh diagnose, level by level.

    diagnose_compare.py --dir bench/out/diagnose/1000000 --tools essor-csv … --rows 1000000

Reads DIR/<essor-…>/indicators.csv and run.json (essor) and DIR/<peer>.csv (diagnose_duckdb.py,
diagnose_pandas.py) and compares, for the levels france, qpv_total, region, departement,
epci, commune and qpv, the contract columns of issue 3:
- counts exactly; jobs exactly (sums of half-integers: every tool's sum is exact, and
  essor's one decimal prints them exactly);
- `ess_jobs_share`, `ess_private_jobs_share` to 1e-9 against the ratio of essor's own exact
  jobs columns; essor prints shares with 6 decimals, so its printed share is checked apart,
  to half a unit of the 6th decimal, against that same ratio;
- a territory one tool omits counts as all zeros (essor leaves out EPCI and communes
  without any active establishment; the peers every empty group).

Pairs, each tool against the essor run that reads the same files the same way:
- essor-parquet against essor-csv: the same stocks in two formats, everything equal;
- pandas-<fmt> against essor-<fmt>: QPV by point in polygon from the Lambert columns;
- duckdb-<fmt> against essor-geoloc: QPV from the geolocation file's `plg_qp15`;
- essor-geoloc against essor-csv, for information only (never fails the run): INSEE's
  codes against essor's own point in polygon.

Disagreements explained, counted apart and listed:
- `polygone auto-intersecté`: a QPV row of one of the self-intersecting polygons of the
  official layer (where point in polygon depends on how a ring crossing itself is read);
- `établissement placé autrement` (DuckDB pairs): essor places an establishment absent from
  the geolocation file (or whose geolocation row has no coordinates) from its Lambert
  columns, and ignores the QPV code of a row whose coordinates fall outside every territory;
  DuckDB takes `plg_qp15` as it is. Explained while the QPV rows' differences add up to no
  more establishments than essor's run.json says it placed that way;
- `code QPV inconnu` (DuckDB pairs): a `plg_qp15` code absent from the QPV layer (essor lists
  them in run.json and ignores them);
- `somme des QPV`: a `qpv_total` difference equal to the sum of the QPV rows' differences,
  all of them explained.

Anything else is unexplained. Exit status 1 when a pair has more unexplained rows than its
budget: 0 below 1 million establishments, then 1 per million; or when a tool's output is
missing. Writes DIR/compare.json.
"""

import argparse
import json
import math
import sys
from pathlib import Path

import pandas as pd

LEVELS = ["france", "qpv_total", "region", "departement", "epci", "commune", "qpv"]
FAMILIES = ["associations", "cooperatives", "mutuelles", "fondations", "societes_commerciales"]
COUNTS = ["establishments", "employer_establishments", "ess_establishments", "ess_employer_establishments",
          *[f"ess_employer_{f}" for f in FAMILIES]]
JOBS = ["jobs", "private_jobs", "ess_jobs"]
SHARES = {"ess_jobs_share": ("ess_jobs", "jobs"), "ess_private_jobs_share": ("ess_jobs", "private_jobs")}
SHARE_TOL = 1e-9
PRINTED_TOL = 0.5e-6 + 1e-12
EXAMPLES = 5
QPV_LAYER = Path(__file__).resolve().parent.parent / "data/qpv_2015/QP_METROPOLEOUTREMER_WGS84_EPSG4326.shp"


def load(d, tool):
    """(table indexed by (level, code), essor's run.json or None, essor's printed shares that
    are off their exact ratio). An essor table's shares are replaced by the exact ratio of its
    jobs columns once its printed shares are checked against them."""
    import numpy as np

    if tool.startswith("essor"):
        path, run = d / tool / "indicators.csv", json.loads((d / tool / "run.json").read_text())
    else:
        path, run = d / f"{tool}.csv", None
    wanted = ["level", "code", *COUNTS, *JOBS, *SHARES]
    header = pd.read_csv(path, nrows=0).columns
    missing = [c for c in wanted if c not in header]
    if missing:
        raise SystemExit(f"{path}: missing columns {missing}")
    df = pd.read_csv(path, usecols=wanted, dtype={"level": str, "code": str}, keep_default_na=False,
                     na_values={c: [""] for c in [*COUNTS, *JOBS, *SHARES]})
    df = df[df["level"].isin(LEVELS)].set_index(["level", "code"])[[*COUNTS, *JOBS, *SHARES]]
    if df.index.duplicated().any():
        raise SystemExit(f"{path}: duplicated territories {df.index[df.index.duplicated()][:5].tolist()}")
    off = []
    if run is not None:
        for c, (num, den) in SHARES.items():
            with np.errstate(divide="ignore", invalid="ignore"):
                exact = np.where(df[den] > 0, df[num] / df[den], np.nan)
            shown = df[c].to_numpy(dtype=float)
            bad = (np.isnan(exact) != np.isnan(shown)) | (np.abs(exact - shown) > PRINTED_TOL)
            off += [{"territory": list(df.index[i]), "column": c, "printed": _num(shown[i]),
                     "exact": _num(exact[i])} for i in np.flatnonzero(bad)]
            df[c] = exact
    return df, run, off


def invalid_qpv():
    try:
        import geopandas as gpd

        layer = gpd.read_file(QPV_LAYER, encoding="cp1252", columns=["CODE_QP"])
        return set(layer.loc[~layer.geometry.is_valid, "CODE_QP"])
    except Exception as err:  # the comparison still runs, without this explanation
        print(f"diagnose_compare: QPV layer not read ({err})", file=sys.stderr)
        return set()


def differences(ref, peer):
    """Per (level, code) present in either: the columns that differ, with both values; and the
    number of territories."""
    import numpy as np

    keys = ref.index.union(peer.index)
    a = ref.reindex(keys)
    b = peer.reindex(keys)
    a[[*COUNTS, *JOBS]] = a[[*COUNTS, *JOBS]].fillna(0)
    b[[*COUNTS, *JOBS]] = b[[*COUNTS, *JOBS]].fillna(0)
    bad = {c: (a[c] != b[c]).to_numpy() for c in [*COUNTS, *JOBS]}
    for c in SHARES:
        x, y = a[c].to_numpy(dtype=float), b[c].to_numpy(dtype=float)
        bad[c] = (np.isnan(x) != np.isnan(y)) | (np.abs(x - y) > SHARE_TOL)
    any_bad = np.zeros(len(keys), dtype=bool)
    for m in bad.values():
        any_bad |= m
    out = {}
    for i in np.flatnonzero(any_bad):
        out[keys[i]] = {c: (a[c].iat[i], b[c].iat[i]) for c in bad if bad[c][i]}
    return out, len(keys)


def explain(diffs, ref_run, peer_kind, invalid):
    """Category (or None) of each differing row."""
    why = {}
    qpv_rows = {k: v for k, v in diffs.items() if k[0] == "qpv"}
    if peer_kind == "duckdb" and ref_run:
        unknown = set(ref_run.get("unknown_qpv_codes", {}))
        placed_otherwise = (ref_run["located"] - ref_run["located_by_geoloc"]) + ref_run["outside_territories"]
        moved = 0
        for k, v in qpv_rows.items():
            if k[1] in unknown:
                why[k] = "code QPV inconnu"
                continue
            e = v.get("establishments", (0, 0))
            moved += abs(e[0] - e[1])
        if moved and moved <= placed_otherwise:
            for k in qpv_rows:
                why.setdefault(k, "établissement placé autrement")
    if peer_kind in ("pandas", "essor-geoloc"):
        for k in qpv_rows:
            if k[1] in invalid:
                why[k] = "polygone auto-intersecté"
    total = ("qpv_total", "QPV")
    if total in diffs and all(k in why for k in qpv_rows):
        sums = {}
        for v in qpv_rows.values():
            for c, (x, y) in v.items():
                if c in SHARES:
                    continue
                sums[c] = sums.get(c, 0) + (x - y)
        if all(c in SHARES or sums.get(c, 0) == x - y for c, (x, y) in diffs[total].items()):
            why[total] = "somme des QPV"
    return {k: why.get(k) for k in diffs}


def compare(d, ref, peer, tables, runs, invalid, budget, informative=False):
    diffs, n_keys = differences(tables[ref], tables[peer])
    kind = "essor-geoloc" if peer == "essor-geoloc" else peer.split("-")[0]
    why = explain(diffs, runs.get(ref), kind, invalid)
    levels = {}
    for level in LEVELS:
        a = tables[ref].loc[tables[ref].index.get_level_values(0) == level]
        b = tables[peer].loc[tables[peer].index.get_level_values(0) == level]
        keys = a.index.union(b.index)
        rows = [k for k in diffs if k[0] == level]
        levels[level] = {
            "territories": len(keys),
            "equal": len(keys) - len(rows),
            "explained": {},
            "unexplained": sum(1 for k in rows if why[k] is None),
        }
        for k in rows:
            if why[k]:
                levels[level]["explained"][why[k]] = levels[level]["explained"].get(why[k], 0) + 1
    examples = {}
    for k, v in diffs.items():
        cat = why[k] or "non expliqué"
        ex = examples.setdefault(cat, [])
        if len(ex) < EXAMPLES:
            ex.append({"territory": list(k), **{c: [_num(x), _num(y)] for c, (x, y) in v.items()}})
    unexplained = sum(1 for k in diffs if why[k] is None)
    return {
        "pair": [ref, peer],
        "informative": informative,
        "territories": n_keys,
        "differing": len(diffs),
        "unexplained": unexplained,
        "budget": budget,
        "ok": informative or unexplained <= budget,
        "levels": levels,
        "examples": examples,
    }


def _num(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return int(x) if float(x).is_integer() and abs(x) < 1e15 else float(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--tools", nargs="+", required=True)
    ap.add_argument("--rows", type=int, required=True, help="establishment rows of the stock")
    args = ap.parse_args()
    d = Path(args.dir)

    tables, runs, printed_off, problems = {}, {}, {}, []
    for tool in args.tools:
        status = d / f"{tool}.status"
        if not status.exists() or status.read_text().strip() != "ok":
            problems.append(f"{tool}: no output (run failed)")
            continue
        tables[tool], run, off = load(d, tool)
        if run is not None:
            runs[tool] = run
        if off:
            printed_off[tool] = off
            problems.append(f"{tool}: {len(off)} printed shares off the ratio of its jobs columns, "
                            f"e.g. {json.dumps(off[0], ensure_ascii=False)}")
    budget = args.rows // 1_000_000
    pairs = []
    plan = [("essor-csv", "essor-parquet", False),
            ("essor-csv", "pandas-csv", False), ("essor-parquet", "pandas-parquet", False),
            ("essor-geoloc", "duckdb-csv", False), ("essor-geoloc", "duckdb-parquet", False),
            ("essor-csv", "essor-geoloc", True)]
    invalid = invalid_qpv()
    for ref, peer, informative in plan:
        if ref in tables and peer in tables:
            pairs.append(compare(d, ref, peer, tables, runs, invalid, budget, informative))
        elif peer in args.tools and ref not in args.tools and not informative:
            problems.append(f"{peer}: its reference {ref} was not run")
    for p in pairs:
        if not p["ok"]:
            problems.append(f"{p['pair'][0]} vs {p['pair'][1]}: {p['unexplained']} unexplained "
                            f"(budget {p['budget']})")
    summary = {"rows": args.rows, "invalid_qpv": sorted(invalid), "pairs": pairs,
               "essor_printed_shares_off": {t: v[:EXAMPLES] for t, v in printed_off.items()}, "problems": problems}
    (d / "compare.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False))

    for p in pairs:
        tag = " (information)" if p["informative"] else ""
        print(f"{p['pair'][0]} vs {p['pair'][1]}{tag}: {p['territories'] - p['differing']:,} / "
              f"{p['territories']:,} territories equal; unexplained {p['unexplained']} (budget {p['budget']})")
        for level, v in p["levels"].items():
            if v["equal"] != v["territories"]:
                print(f"  {level}: {v['equal']:,} / {v['territories']:,} equal, explained {v['explained']}, "
                      f"unexplained {v['unexplained']}")
        for cat, ex in p["examples"].items():
            for e in ex[:2]:
                print(f"    {cat}: {json.dumps(e, ensure_ascii=False)}")
    for problem in problems:
        print(f"PROBLEM {problem}", file=sys.stderr)
    checks = len(args.tools) + len([p for p in pairs if not p["informative"]])
    print(f"bench compare: {checks - len(problems)} passed, {len(problems)} failed")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
