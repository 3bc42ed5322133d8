"""Peer of `essor diagnose` for bench/run.sh diagnose: pandas and GeoPandas doing the whole
job as an analyst would script it — read, join, classify, locate every establishment from
SIRENE's Lambert columns, group by territory.

    diagnose_pandas.py --etablissements E --unites-legales U --qpv QPV.shp --cog data/cog --out F

Files are CSV (read by pandas' `pyarrow` engine, only the needed columns, explicit types) or
Parquet (`read_parquet`, only the needed columns) by their extension. Writes F, a CSV with one
row per territory for the levels france, qpv_total, region, departement, epci, commune and
qpv and the contract columns of issue 3 (shares unrounded), like diagnose_duckdb.py.

Classification: the rules of essor's méthodologie, as in diagnose_duckdb.py. Location:
the active establishments with Lambert coordinates are grouped by their territory's system,
from the commune's département (EPSG 2154 mainland and Corsica; 5490 for 971, 972, 977, 978;
2972 for 973; 2975 for 974; 4471 for 976); the QPV 2015 polygons of that zone are projected
into it with pyproj (GeoPandas `to_crs`), and `sjoin(predicate="intersects")` finds the QPV
holding each point (a point on a boundary is in; where two QPV overlap, the first in the
layer's order, as essor). Points are joined in chunks of --chunk rows to bound memory.
Not computed: the "near QPV" figures (300 m / 500 m), the sector and density columns.
"""

import argparse
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from territories import ZONES

FAMILIES = ["associations", "cooperatives", "mutuelles", "fondations", "societes_commerciales"]
JOBS = {"01": 1.5, "02": 4, "03": 7.5, "11": 14.5, "12": 34.5, "21": 74.5, "22": 149.5,
        "31": 224.5, "32": 374.5, "41": 749.5, "42": 1499.5, "51": 3499.5, "52": 7499.5,
        "53": 10000}
COOPERATIVE_CODES = [(5203, 5203), (5307, 5307), (5309, 5309), (5443, 5443), (5451, 5451),
                     (5453, 5455), (5458, 5460), (5543, 5543), (5547, 5547), (5551, 5555),
                     (5558, 5560), (5643, 5643), (5647, 5647), (5651, 5655), (5658, 5660),
                     (6543, 6543), (6551, 6551), (6554, 6554), (6558, 6558), (6560, 6560),
                     (6595, 6596)]
# Territory system of a département (SIRENE's Lambert columns); others: metropolitan 2154.
EPSG_OF_DEP = {"971": 5490, "972": 5490, "977": 5490, "978": 5490, "973": 2972, "974": 2975,
               "976": 4471, "975": 4467}
TEXT = "string[pyarrow]"
LEVELS = ["france", "qpv_total", "region", "departement", "epci", "commune", "qpv"]


def read(path, columns, dtypes):
    """Only `columns` of a CSV or Parquet file; `[ND]` (masked) reads as missing."""
    path = Path(path)
    if path.suffix == ".parquet":
        df = pd.read_parquet(path, columns=columns)
        for c, t in dtypes.items():
            if t == TEXT:
                df[c] = df[c].astype(TEXT)
            elif df[c].dtype != t:
                df[c] = pd.to_numeric(df[c], errors="coerce").astype(t)
        return df
    return pd.read_csv(path, engine="pyarrow", usecols=columns, dtype=dtypes,
                       na_values=["", "[ND]"], keep_default_na=False)


def legal_units(path):
    u = read(path, ["siren", "categorieJuridiqueUniteLegale", "economieSocialeSolidaireUniteLegale"],
             {"siren": "int64", "categorieJuridiqueUniteLegale": "float64",
              "economieSocialeSolidaireUniteLegale": TEXT})
    u = u.drop_duplicates("siren", keep="last")  # as essor: the last row of a SIREN wins
    cj = u["categorieJuridiqueUniteLegale"]
    ess = u["economieSocialeSolidaireUniteLegale"].eq("O").fillna(False).to_numpy(dtype=bool)
    coop = (cj // 100).isin([51, 63]).to_numpy().copy()
    for lo, hi in COOPERATIVE_CODES:
        coop |= cj.between(lo, hi).to_numpy()
    family = np.select(
        [(cj // 100 == 92).to_numpy(), (cj == 9300).to_numpy(), cj.isin([8210, 8250, 8290, 6411]).to_numpy(),
         coop, ess],
        ["associations", "fondations", "mutuelles", "cooperatives", "societes_commerciales"], "autres")
    return pd.DataFrame({
        "siren": u["siren"].to_numpy(),
        "ess": ess,
        "private": (cj.isna() | ~(cj // 1000).isin([4, 7])).to_numpy(),
        "family": pd.Categorical(family, categories=FAMILIES + ["autres"]),
    })


def establishments(path):
    e = read(path, ["siret", "etatAdministratifEtablissement", "trancheEffectifsEtablissement",
                    "codeCommuneEtablissement", "coordonneeLambertAbscisseEtablissement",
                    "coordonneeLambertOrdonneeEtablissement"],
             {"siret": "int64", "etatAdministratifEtablissement": TEXT,
              "trancheEffectifsEtablissement": TEXT, "codeCommuneEtablissement": TEXT,
              "coordonneeLambertAbscisseEtablissement": "float64",
              "coordonneeLambertOrdonneeEtablissement": "float64"})
    rows = len(e)
    e = e[e["etatAdministratifEtablissement"].eq("A").fillna(False).to_numpy(dtype=bool)]
    jobs = e["trancheEffectifsEtablissement"].map(JOBS).astype("float64").fillna(0.0)
    return pd.DataFrame({
        "siren": (e["siret"] // 100_000).to_numpy(),
        "jobs": jobs.to_numpy(),
        "commune": e["codeCommuneEtablissement"].astype("category").array,
        "x": e["coordonneeLambertAbscisseEtablissement"].to_numpy(),
        "y": e["coordonneeLambertOrdonneeEtablissement"].to_numpy(),
    }), rows


def dep_of(code):
    """The département of commune codes: 3 characters overseas (97x, 98x), else 2."""
    overseas = code.str[:2].isin(["97", "98"])
    return code.str[:3].where(overseas, code.str[:2])


def places(commune, cog):
    """Per row of `commune` (a Categorical of raw codes): commune (arrondissements mapped),
    EPCI, département, région and the EPSG of its Lambert coordinates. Worked out once per
    distinct code, then spread over the rows."""
    codes = pd.Series(commune.categories.astype(str))
    code = codes.where(codes.str.fullmatch(r"(\d\d|2[AaBb])\d{3}")).str.upper()
    raw_dep = dep_of(code)
    num = pd.to_numeric(code, errors="coerce")
    code = code.mask(num.between(75101, 75120), "75056").mask(num.between(69381, 69389), "69123") \
               .mask(num.between(13201, 13216), "13055")
    communes = pd.read_csv(cog / "communes_2026.csv", dtype=str, keep_default_na=False).set_index("code_insee")
    deps = pd.read_csv(cog / "departements_2026.csv", dtype=str, keep_default_na=False).set_index("code")
    known = code.isin(communes.index)
    # A code the COG lacks: its own code, and the département its code gives (if any).
    own_dep = dep_of(code).where(lambda d: d.isin(deps.index))
    of_commune = communes.reindex(code)
    dep = pd.Series(of_commune["departement"].to_numpy()).where(known, own_dep)
    region = pd.Series(of_commune["region"].to_numpy()).where(
        known, pd.Series(deps["region"].reindex(own_dep).to_numpy()))
    epci = pd.Series(of_commune["code_epci"].to_numpy()).where(known).replace("", None)
    metro = raw_dep.isin(["2A", "2B"]) | (pd.to_numeric(raw_dep, errors="coerce").between(1, 95)
                                          & raw_dep.str.fullmatch(r"\d\d").fillna(False) & (raw_dep != "20"))
    epsg = raw_dep.map(EPSG_OF_DEP).where(~metro, 2154)
    table = pd.DataFrame({"commune": code, "epci": epci, "departement": dep, "region": region,
                          "epsg": epsg.astype("float64")})
    idx = np.asarray(commune.codes, dtype=np.int64)
    return table.reindex(idx).reset_index(drop=True)  # code -1 (no code): a row of NaN


def locate(x, y, epsg, qpv, chunk):
    """Index (in the layer) of the QPV holding each point, -1 outside every QPV or unlocated."""
    out = np.full(len(x), -1, dtype=np.int64)
    has_xy = ~(np.isnan(x) | np.isnan(y)) & ~np.isnan(epsg)
    zone_of_qpv = qpv["zone_epsg"].to_numpy()
    for code in np.unique(epsg[has_xy]):
        code = int(code)
        polys = qpv[zone_of_qpv == code]
        rows = np.flatnonzero(has_xy & (epsg == code))
        if polys.empty or len(rows) == 0:
            continue
        polys = polys[["geometry"]].to_crs(epsg=code)
        for start in range(0, len(rows), chunk):
            part = rows[start:start + chunk]
            pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x[part], y[part]), crs=code)
            hit = gpd.sjoin(pts, polys, how="inner", predicate="intersects")
            first = hit.groupby(level=0)["index_right"].min()  # overlapping QPV: the first
            out[part[first.index.to_numpy()]] = first.to_numpy()
    return out


def tally(df, key):
    g = df.groupby(key, observed=True, sort=True)
    t = g.agg(establishments=("jobs", "size"), employer_establishments=("employer", "sum"),
              jobs=("jobs", "sum"), private_jobs=("private_jobs", "sum"), ess_establishments=("ess", "sum"),
              ess_employer_establishments=("ess_employer", "sum"), ess_jobs=("ess_jobs", "sum"),
              **{f"ess_employer_{f}": (f"ess_employer_{f}", "sum") for f in FAMILIES})
    return t


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--etablissements", required=True)
    ap.add_argument("--unites-legales", required=True)
    ap.add_argument("--qpv", required=True, help="the 2015 QPV layer (shapefile, WGS84)")
    ap.add_argument("--cog", required=True, help="folder of communes_2026.csv, departements_2026.csv")
    ap.add_argument("--out", required=True)
    ap.add_argument("--chunk", type=int, default=2_000_000, help="points per spatial join")
    args = ap.parse_args()
    started = time.monotonic()

    units = legal_units(args.unites_legales)
    e, rows = establishments(args.etablissements)
    df = e.merge(units, on="siren", how="left", sort=False)
    del e, units
    df["ess"] = df["ess"].fillna(False).astype(bool)
    df["private"] = df["private"].fillna(True).astype(bool)  # no legal unit: private
    df["employer"] = df["jobs"] > 0
    df["ess_employer"] = df["ess"] & df["employer"]
    df["private_jobs"] = df["jobs"].where(df["private"], 0.0)
    df["ess_jobs"] = df["jobs"].where(df["ess"], 0.0)
    for f in FAMILIES:
        df[f"ess_employer_{f}"] = df["ess_employer"] & (df["family"] == f).to_numpy()

    p = places(df["commune"].array, Path(args.cog))
    for c in ("commune", "epci", "departement", "region"):
        df[c] = pd.Categorical(p[c].to_numpy())

    qpv = gpd.read_file(args.qpv, encoding="cp1252", columns=["CODE_QP"])
    rep = qpv.geometry.representative_point()
    from territories import zone_of
    zone = zone_of(rep.x.to_numpy(), rep.y.to_numpy())
    qpv["zone_epsg"] = np.where(zone >= 0, np.array([z[1] for z in ZONES])[zone], -1)
    hit = locate(df["x"].to_numpy(), df["y"].to_numpy(), p["epsg"].to_numpy(dtype="float64"), qpv, args.chunk)
    df["qpv"] = pd.Categorical.from_codes(hit, categories=qpv["CODE_QP"].to_numpy()) if len(qpv) else None
    df["in_qpv"] = hit >= 0

    parts = []
    france = tally(df.assign(k="FR"), "k")
    parts.append(france.assign(level="france"))
    parts.append(tally(df[df["in_qpv"]].assign(k="QPV"), "k").assign(level="qpv_total"))
    for level in ("region", "departement", "epci", "commune", "qpv"):
        parts.append(tally(df, level).assign(level=level))
    out = pd.concat(parts)
    out.index.name = "code"
    out = out.reset_index()
    out["ess_jobs_share"] = (out["ess_jobs"] / out["jobs"]).where(out["jobs"] > 0)
    out["ess_private_jobs_share"] = (out["ess_jobs"] / out["private_jobs"]).where(out["private_jobs"] > 0)
    cols = ["level", "code", "establishments", "employer_establishments", "jobs", "private_jobs",
            "ess_establishments", "ess_employer_establishments", "ess_jobs", "ess_jobs_share",
            "ess_private_jobs_share", *[f"ess_employer_{f}" for f in FAMILIES]]
    out["level"] = pd.Categorical(out["level"], categories=LEVELS, ordered=True)
    out = out.sort_values(["level", "code"])[cols]
    out.to_csv(args.out, index=False, float_format="%.17g")
    print(f"pandas {pd.__version__}, geopandas {gpd.__version__}: {rows} establishments, "
          f"{int(df['in_qpv'].sum())} in a QPV, {len(out)} territories in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
