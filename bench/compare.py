"""Do the tools give the same answers? Compares the contract CSVs of one benchmark size.

    compare.py --dir bench/out/1000000 --tools essor geopandas postgis

Reads DIR/<tool>.csv (`id,qpv_code,nearest_qpv_code,distance_m,band`), DIR/points.csv and
DIR/points.csv.kind.npy (inside / near / far, from gen_points.py), compares every pair of
tools (the first tool, essor, against each peer, then the peers together) and writes
DIR/compare.json plus a summary on stdout.

Per pair, over all points:
- every id once in each file (rows may come in any order);
- same `qpv_code` (containing QPV, empty outside). Disagreements that involve one of the
  self-intersecting polygons of the official layer are counted apart: there the answer
  depends on how a tool reads a ring that crosses itself;
- same `nearest_qpv_code`; when the two distances agree within the tolerance it is a tie
  (two QPV at the same distance) and counted apart;
- `distance_m` within 0.1 m. The files carry one decimal, so two answers 0.05 m apart can
  print 0.1 apart (300.04 -> 300.0, 300.09 -> 300.1): 0.1 m on the printed values accepts every
  underlying difference up to 0.05 m, none beyond 0.15 m;
- same `band`; a band differing only because the two distances straddle a threshold within
  the tolerance (300.0 vs 300.1) is counted apart.

Disagreements not explained this way are "unexplained". The exit status is 1 if an id is
missing or duplicated, or if a pair has more than 1 unexplained disagreement per 10,000
points (0 at the smoke size): a few are expected exactly on boundaries, and they are listed
with examples, never hidden.
"""

import argparse
import itertools
import json
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from territories import ZONES, zone_of

QPV = Path(__file__).resolve().parent.parent / "data/qpv_2015/QP_METROPOLEOUTREMER_WGS84_EPSG4326.shp"
TOL_M = 0.1 + 1e-9
KINDS = {0: "inside", 1: "near", 2: "far"}
EXAMPLES = 5
UNEXPLAINED_PER_10K = 1.0


def read_answers(path, codes):
    df = pd.read_csv(
        path,
        dtype={"id": "int64", "qpv_code": "category", "nearest_qpv_code": "category",
               "distance_m": "float64", "band": "category"},
        keep_default_na=False, na_values={"qpv_code": [""], "nearest_qpv_code": [""], "distance_m": [""]},
    )
    expected = ["id", "qpv_code", "nearest_qpv_code", "distance_m", "band"]
    if list(df.columns) != expected:
        raise SystemExit(f"{path}: columns {list(df.columns)}, expected {expected}")
    for col in ("qpv_code", "nearest_qpv_code"):
        unknown = set(df[col].cat.categories) - set(codes)
        if unknown:
            raise SystemExit(f"{path}: unknown QPV codes in {col}: {sorted(unknown)[:5]}")
        df[col] = df[col].astype(pd.CategoricalDtype(codes))
    df["band"] = df["band"].astype(str)
    return df.sort_values("id", kind="stable").reset_index(drop=True)


class Qpv:
    """The official layer, for annotating examples: defects, distance to a boundary."""

    def __init__(self):
        layer = gpd.read_file(QPV, encoding="cp1252", columns=["CODE_QP"])
        self.geoms = dict(zip(layer["CODE_QP"], layer.geometry))
        self.codes = sorted(self.geoms)
        self.invalid = sorted(c for c, g in self.geoms.items() if not g.is_valid)

    def boundary_distance_m(self, code, lon, lat):
        """Metres from the point to the QPV's boundary, in the point's zone system."""
        if not isinstance(code, str):
            return None
        epsg = ZONES[zone_of(np.array([lon]), np.array([lat]))[0]][1]
        fwd = pyproj.Transformer.from_crs(4326, epsg, always_xy=True)
        poly = shapely.transform(self.geoms[code], lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1])))
        return round(float(shapely.distance(shapely.boundary(poly), shapely.Point(*fwd.transform(lon, lat)))), 4)


def answer(df, i):
    row = df.iloc[i]
    code = lambda v: v if isinstance(v, str) else ""  # noqa: E731
    return f"{code(row.qpv_code)},{code(row.nearest_qpv_code)},{row.distance_m:.1f},{row.band}"


def compare_pair(a, b, name_a, name_b, points, kind, qpv):
    n = len(a)
    qa, qb = a["qpv_code"], b["qpv_code"]
    da, db = a["distance_m"].to_numpy(), b["distance_m"].to_numpy()
    close = np.abs(da - db) <= TOL_M
    invalid = qa.isin(qpv.invalid).to_numpy() | qb.isin(qpv.invalid).to_numpy()

    qpv_diff = ~((qa == qb).to_numpy() | (qa.isna() & qb.isna()).to_numpy())
    near_diff = (a["nearest_qpv_code"] != b["nearest_qpv_code"]).to_numpy() & ~qpv_diff
    dist_diff = ~close & ~qpv_diff & ~near_diff
    band_diff = (a["band"] != b["band"]).to_numpy() & ~qpv_diff
    cats = {
        "qpv_code, self-intersecting QPV": qpv_diff & invalid,
        "qpv_code": qpv_diff & ~invalid,
        "nearest_qpv_code, tie within 0.1 m": near_diff & close,
        "nearest_qpv_code": near_diff & ~close,
        "distance_m beyond 0.1 m": dist_diff,
        "band, distances straddle a threshold within 0.1 m": band_diff & close,
        "band": band_diff & ~close,
    }
    explained = {"qpv_code, self-intersecting QPV", "nearest_qpv_code, tie within 0.1 m",
                 "band, distances straddle a threshold within 0.1 m"}
    same = ~qpv_diff & ~near_diff
    printed = np.abs(da - db)[same]
    result = {
        "pair": [name_a, name_b],
        "points": n,
        "all_equal": int(np.count_nonzero(~(qpv_diff | near_diff | ~close | band_diff))),
        "distance_printed_equal": int(np.count_nonzero(printed < 1e-9)),
        "distance_printed_0_1": int(np.count_nonzero((printed >= 1e-9) & (printed <= TOL_M))),
        "distance_max_abs_diff_m": float(printed.max()) if printed.size else 0.0,
        "categories": {},
    }
    unexplained = 0
    for cat, mask in cats.items():
        idx = np.flatnonzero(mask)
        if cat not in explained:
            unexplained += idx.size
        by_kind = {KINDS[k]: int(np.count_nonzero(kind[idx] == k)) for k in KINDS}
        examples = []
        for i in idx[:EXAMPLES]:
            lon, lat = float(points["lon"].iat[i]), float(points["lat"].iat[i])
            ex = {"id": int(a["id"].iat[i]), "kind": KINDS[int(kind[i])], "lon": lon, "lat": lat,
                  name_a: answer(a, i), name_b: answer(b, i)}
            if cat.startswith("qpv_code"):
                code = qa.iat[i] if isinstance(qa.iat[i], str) else qb.iat[i]
                ex["qpv"] = code
                ex["metres_to_its_boundary"] = qpv.boundary_distance_m(code, lon, lat)
            examples.append(ex)
        result["categories"][cat] = {"count": int(idx.size), "by_kind": by_kind, "examples": examples}
    result["unexplained"] = unexplained
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--tools", nargs="+", required=True)
    args = ap.parse_args()
    d = Path(args.dir)

    qpv = Qpv()
    points = pd.read_csv(d / "points.csv").sort_values("id", kind="stable").reset_index(drop=True)
    kind = np.load(d / "points.csv.kind.npy")
    n = len(points)
    answers, problems = {}, []
    for tool in args.tools:
        path = d / f"{tool}.csv"
        status = d / f"{tool}.status"
        if not status.exists() or status.read_text().strip() != "ok":
            problems.append(f"{tool}: no output (run failed)")
            continue
        df = read_answers(path, qpv.codes)
        if len(df) != n or not np.array_equal(df["id"].to_numpy(), points["id"].to_numpy()):
            problems.append(f"{tool}: {len(df):,} rows, ids not exactly those of the {n:,} points")
            continue
        answers[tool] = df

    pairs = [compare_pair(answers[x], answers[y], x, y, points, kind, qpv)
             for x, y in itertools.combinations([t for t in args.tools if t in answers], 2)]
    limit = 0 if n <= 100_000 else n * UNEXPLAINED_PER_10K / 10_000
    for p in pairs:
        p["unexplained_limit"] = limit
        if p["unexplained"] > limit:
            problems.append(f"{p['pair'][0]} vs {p['pair'][1]}: {p['unexplained']} unexplained disagreements")
    summary = {"points": n, "invalid_qpv": qpv.invalid, "tolerance_m": 0.1, "pairs": pairs, "problems": problems}
    (d / "compare.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False))

    for p in pairs:
        print(f"{p['pair'][0]} vs {p['pair'][1]}: {p['all_equal']:,} / {n:,} rows agree on every field; "
              f"distances printed equal {p['distance_printed_equal']:,}, 0.1 m apart {p['distance_printed_0_1']:,}")
        for cat, c in p["categories"].items():
            if c["count"]:
                print(f"  {cat}: {c['count']:,} {c['by_kind']}")
                for ex in c["examples"][:2]:
                    print(f"    {json.dumps(ex, ensure_ascii=False)}")
    for problem in problems:
        print(f"PROBLEM {problem}", file=sys.stderr)
    checks = len(args.tools) + len(pairs)
    print(f"bench compare: {checks - len(problems)} passed, {len(problems)} failed")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
