"""Peer of `essor diagnose` for bench/run.sh diagnose: pandas and GeoPandas doing the whole
job as an analyst would script it — read, join, classify, locate every establishment from
SIRENE's Lambert columns, group by territory.

    diagnose_pandas.py --etablissements E --unites-legales U --qpv QPV.shp --cog data/cog --out F

The legal units are read whole (three columns); the establishments are streamed in batches
of --batch rows (pyarrow's CSV reader with only the needed columns and explicit types, or
the Parquet file's batches), each batch classified, located and grouped, and the partial
sums added up at the end: at 35 M establishments a whole-file DataFrame does not fit beside
the other tools on the benchmark machine. Writes F, a CSV with one row per territory for the
levels france, qpv_total, region, departement, epci, commune and qpv and the contract
columns of issue 3 (shares unrounded), like diagnose_duckdb.py.

Classification: the rules of essor's méthodologie, as in diagnose_duckdb.py (the legal unit
of an establishment found with `Index.get_indexer` on the SIRET's first 9 digits). Location:
the active establishments with Lambert coordinates are grouped by their territory's system,
from the commune's département (EPSG 2154 mainland and Corsica; 5490 for 971, 972, 977, 978;
2972 for 973; 2975 for 974; 4471 for 976); the QPV 2015 polygons of that zone are projected
into it with pyproj (GeoPandas `to_crs`), and `sjoin(predicate="intersects")` finds the QPV
holding each point (a point on a boundary is in; where two QPV overlap, the first in the
layer's order, as essor). Not computed: the "near QPV" figures (300 m / 500 m), the sector
and density columns.
"""

import argparse
import unicodedata
import functools
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from territories import ZONES
from diagnose_rules import (COOP_NAME_REGEX, COOPERATIVE_CODES, EXCLUDED_NAF, EXCLUDED_NAF_DIVISIONS,
                            FAMILIES, JOBS)

# Territory system of a département (SIRENE's Lambert columns); others: metropolitan 2154.
EPSG_OF_DEP = {"971": 5490, "972": 5490, "977": 5490, "978": 5490, "973": 2972, "974": 2975,
               "976": 4471, "975": 4467}
TEXT = "string[pyarrow]"
LEVELS = ["france", "qpv_total", "region", "departement", "epci", "commune", "qpv"]


ARROW = {"int64": pa.int64(), "float64": pa.float64(), TEXT: pa.string()}


def batches(path, columns, dtypes, rows):
    """DataFrames of `columns` of a CSV or Parquet file, `rows` at a time (CSV: about as many);
    `[ND]` (masked) and empty read as missing."""
    path = Path(path)
    if path.suffix == ".parquet":
        for b in pq.ParquetFile(path).iter_batches(batch_size=rows, columns=columns):
            df = b.to_pandas()
            for c, t in dtypes.items():
                if t == TEXT:
                    df[c] = df[c].astype(TEXT)
                elif df[c].dtype != t:
                    df[c] = pd.to_numeric(df[c], errors="coerce").astype(t)
            yield df
        return
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=64 << 20),
        convert_options=pacsv.ConvertOptions(
            include_columns=columns, column_types={c: ARROW[t] for c, t in dtypes.items()},
            null_values=["", "[ND]"], strings_can_be_null=True))
    pending, n = [], 0
    for b in reader:
        pending.append(b)
        n += b.num_rows
        if n >= rows:
            yield pa.Table.from_batches(pending).to_pandas(types_mapper={pa.string(): pd.ArrowDtype(pa.string())}.get)
            pending, n = [], 0
    if pending:
        yield pa.Table.from_batches(pending).to_pandas(types_mapper={pa.string(): pd.ArrowDtype(pa.string())}.get)


def legal_units(path, perimeter="observatoire"):
    """The legal units: a unique index of SIRENs and, in its order, ESS (in the perimeter of
    issue 14), private, family."""
    text = ["economieSocialeSolidaireUniteLegale", "activitePrincipaleUniteLegale",
            "nomenclatureActivitePrincipaleUniteLegale", "denominationUniteLegale", "sigleUniteLegale"]
    u = pd.concat(batches(path, ["siren", "categorieJuridiqueUniteLegale", *text],
                          {"siren": "int64", "categorieJuridiqueUniteLegale": "float64", **{c: TEXT for c in text}},
                          5_000_000), ignore_index=True)
    u = u.drop_duplicates("siren", keep="last")  # as essor: the last row of a SIREN wins
    cj = u["categorieJuridiqueUniteLegale"]
    flag = u["economieSocialeSolidaireUniteLegale"].eq("O").fillna(False).to_numpy(dtype=bool)
    coop = (cj // 100).isin([51, 63]).to_numpy().copy()
    for lo, hi in COOPERATIVE_CODES:
        coop |= cj.between(lo, hi).to_numpy()
    # Issue 14: a flagged unit of a company form named as a cooperative is a cooperative.
    def named(col):
        folded = u[col].astype(object).fillna("").map(
            lambda s: unicodedata.normalize("NFKD", s.upper()).encode("ascii", "ignore").decode())
        return folded.str.contains(COOP_NAME_REGEX, regex=True).to_numpy(dtype=bool)
    company = (cj // 100).between(54, 57).fillna(False).to_numpy(dtype=bool)
    coop_name = flag & company & (named("denominationUniteLegale") | named("sigleUniteLegale"))
    form = np.select(
        [(cj // 100 == 92).to_numpy(), (cj == 9300).to_numpy(), cj.isin([8210, 8250, 8290, 6411]).to_numpy(),
         coop | coop_name],
        [0, 3, 2, 1], 5).astype(np.int8)  # index into FAMILIES, 5 = none
    if perimeter == "sirene":
        ess = flag
    else:
        naf = u["activitePrincipaleUniteLegale"].astype(object).fillna("").str.replace(".", "", regex=False)
        rev2 = u["nomenclatureActivitePrincipaleUniteLegale"].astype(object).fillna("NAFRev2").eq("NAFRev2")
        excluded = (rev2 & (naf.str[:2].isin(EXCLUDED_NAF_DIVISIONS) | naf.isin(EXCLUDED_NAF))).to_numpy(dtype=bool)
        ess = ~excluded & (form != 5)
    family = np.where(form != 5, form, np.where(ess, 4, 5)).astype(np.int8)
    return (pd.Index(u["siren"].to_numpy()), ess,
            (cj.isna() | ~(cj // 1000).isin([4, 7])).to_numpy(dtype=bool), family)


ESTABLISHMENT_COLUMNS = {
    "siret": "int64", "etatAdministratifEtablissement": TEXT, "trancheEffectifsEtablissement": TEXT,
    "codeCommuneEtablissement": TEXT, "coordonneeLambertAbscisseEtablissement": "float64",
    "coordonneeLambertOrdonneeEtablissement": "float64"}


def dep_of(code):
    """The département of commune codes: 3 characters overseas (97x, 98x), else 2."""
    overseas = code.str[:2].isin(["97", "98"])
    return code.str[:3].where(overseas, code.str[:2])


@functools.cache
def cog_tables(cog):
    return (pd.read_csv(cog / "communes_2026.csv", dtype=str, keep_default_na=False).set_index("code_insee"),
            pd.read_csv(cog / "departements_2026.csv", dtype=str, keep_default_na=False).set_index("code"))


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
    communes, deps = cog_tables(cog)
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


class Projected(dict):
    """EPSG -> the QPV polygons of that zone projected into it, each zone projected once, when
    the first point in it comes."""

    def __init__(self, qpv):
        super().__init__()
        self.qpv = qpv

    def __missing__(self, epsg):
        polys = self.qpv.loc[self.qpv["zone_epsg"] == epsg, ["geometry"]]
        self[epsg] = polys.to_crs(epsg=epsg) if len(polys) else None
        return self[epsg]


def locate(x, y, epsg, projected):
    """Index (in the layer) of the QPV holding each point, -1 outside every QPV or unlocated."""
    out = np.full(len(x), -1, dtype=np.int64)
    has_xy = ~(np.isnan(x) | np.isnan(y)) & ~np.isnan(epsg)
    for code in np.unique(epsg[has_xy]):
        polys = projected[int(code)]
        rows = np.flatnonzero(has_xy & (epsg == code))
        if polys is None or len(rows) == 0:
            continue
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x[rows], y[rows]), crs=int(code))
        hit = gpd.sjoin(pts, polys, how="inner", predicate="intersects")
        first = hit.groupby(level=0)["index_right"].min()  # overlapping QPV: the first
        out[rows[first.index.to_numpy()]] = first.to_numpy()
    return out


def tally(df, key):
    g = df.groupby(key, observed=True, sort=False)
    return g.agg(establishments=("jobs", "size"), employer_establishments=("employer", "sum"),
                 jobs=("jobs", "sum"), private_jobs=("private_jobs", "sum"), ess_establishments=("ess", "sum"),
                 ess_employer_establishments=("ess_employer", "sum"), ess_jobs=("ess_jobs", "sum"),
                 **{f"ess_employer_{f}": (f"ess_employer_{f}", "sum") for f in FAMILIES})


def qpv_layer(path):
    """The QPV layer in file order, each polygon with the EPSG of its zone (territories.py)."""
    from territories import zone_of

    qpv = gpd.read_file(path, encoding="cp1252", columns=["CODE_QP"])
    rep = qpv.geometry.representative_point()
    zone = zone_of(rep.x.to_numpy(), rep.y.to_numpy())
    qpv["zone_epsg"] = np.where(zone >= 0, np.array([z[1] for z in ZONES])[zone], -1)
    return qpv


def batch_tallies(e, units, cog, qpv, projected):
    """The partial tallies of one batch of establishments, every level."""
    e = e[e["etatAdministratifEtablissement"].eq("A").fillna(False).to_numpy(dtype=bool)]
    index, ess_u, private_u, family_u = units
    pos = index.get_indexer((e["siret"] // 100_000).to_numpy())
    found = pos >= 0
    pos = np.where(found, pos, 0)
    jobs = e["trancheEffectifsEtablissement"].map(JOBS).astype("float64").fillna(0.0).to_numpy()
    ess = found & ess_u[pos]
    private = ~found | private_u[pos]  # no legal unit: private
    family = np.where(found, family_u[pos], 5)
    df = pd.DataFrame({"jobs": jobs, "employer": jobs > 0, "ess": ess})
    df["ess_employer"] = df["ess"] & df["employer"]
    df["private_jobs"] = np.where(private, jobs, 0.0)
    df["ess_jobs"] = np.where(ess, jobs, 0.0)
    for i, f in enumerate(FAMILIES):
        df[f"ess_employer_{f}"] = df["ess_employer"].to_numpy() & (family == i)

    p = places(e["codeCommuneEtablissement"].astype("category").array, cog)
    for c in ("commune", "epci", "departement", "region"):
        df[c] = p[c].to_numpy()
    hit = locate(e["coordonneeLambertAbscisseEtablissement"].to_numpy(dtype="float64", na_value=np.nan),
                 e["coordonneeLambertOrdonneeEtablissement"].to_numpy(dtype="float64", na_value=np.nan),
                 p["epsg"].to_numpy(dtype="float64"), projected)
    df["qpv"] = pd.Categorical.from_codes(hit, categories=qpv["CODE_QP"].to_numpy())
    in_qpv = hit >= 0
    parts = [tally(df.assign(k="FR"), "k").assign(level="france")]
    if in_qpv.any():
        parts.append(tally(df[in_qpv].assign(k="QPV"), "k").assign(level="qpv_total"))
    for level in ("region", "departement", "epci", "commune", "qpv"):
        parts.append(tally(df, level).assign(level=level))
    out = pd.concat(parts)
    out.index.name = "code"
    return out.reset_index(), int(in_qpv.sum())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--etablissements", required=True)
    ap.add_argument("--unites-legales", required=True)
    ap.add_argument("--qpv", required=True, help="the 2015 QPV layer (shapefile, WGS84)")
    ap.add_argument("--cog", required=True, help="folder of communes_2026.csv, departements_2026.csv")
    ap.add_argument("--out", required=True)
    ap.add_argument("--batch", type=int, default=2_000_000, help="establishments per batch")
    ap.add_argument("--perimeter", choices=["observatoire", "sirene"], default="observatoire",
                    help="ESS perimeter (issue 14), as essor's --perimeter")
    args = ap.parse_args()
    started = time.monotonic()

    units = legal_units(args.unites_legales, args.perimeter)
    qpv = qpv_layer(args.qpv)
    projected = Projected(qpv)
    cog = Path(args.cog)
    parts, rows, in_qpv = [], 0, 0
    for e in batches(args.etablissements, list(ESTABLISHMENT_COLUMNS), ESTABLISHMENT_COLUMNS, args.batch):
        rows += len(e)
        part, n = batch_tallies(e, units, cog, qpv, projected)
        parts.append(part)
        in_qpv += n
    out = pd.concat(parts).groupby(["level", "code"], observed=True, sort=False).sum().reset_index()
    out["ess_jobs_share"] = (out["ess_jobs"] / out["jobs"]).where(out["jobs"] > 0)
    out["ess_private_jobs_share"] = (out["ess_jobs"] / out["private_jobs"]).where(out["private_jobs"] > 0)
    cols = ["level", "code", "establishments", "employer_establishments", "jobs", "private_jobs",
            "ess_establishments", "ess_employer_establishments", "ess_jobs", "ess_jobs_share",
            "ess_private_jobs_share", *[f"ess_employer_{f}" for f in FAMILIES]]
    out["level"] = pd.Categorical(out["level"], categories=LEVELS, ordered=True)
    out = out.sort_values(["level", "code"])[cols]
    out.to_csv(args.out, index=False, float_format="%.17g")
    print(f"pandas {pd.__version__}, geopandas {gpd.__version__}: {rows} establishments, "
          f"{in_qpv} active ones in a QPV, {len(out)} territories in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
