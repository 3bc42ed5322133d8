"""Peer of `essor diagnose` for bench/run.sh diagnose: DuckDB doing the non-spatial part in
SQL — read, join establishments to legal units, filter, classify, group by territory — with
the QPV of each establishment taken from INSEE's geolocation file (`plg_qp15`), no spatial
extension.

    diagnose_duckdb.py --etablissements E --unites-legales U --geoloc G --cog data/cog --out F

Files are CSV or Parquet by their extension. CSV is read with `read_csv` and explicit column
types, built from the header by name (the needed columns typed, the others VARCHAR and never
converted: DuckDB reads only the columns a query uses); Parquet with `read_parquet`. Writes F,
a CSV with one row per territory for the levels france, qpv_total, region, departement,
epci, commune and qpv and the contract columns of issue 3 (shares unrounded).

The rules are essor's méthodologie (crates/essor-observatory/src/methodology.rs):
active = `etatAdministratifEtablissement = A`; ESS = the legal unit's flag `O` (join on the
SIRET's first 9 digits; no legal unit = not ESS, private); legal family from the catégorie
juridique; employer = bracket 01…53, jobs = the bracket's midpoint; private = catégorie
niveau I neither 4 nor 7; commune = `codeCommuneEtablissement` (5 characters, `2A`/`2B`),
arrondissements of Paris, Lyon, Marseille to their commune, EPCI/département/région from the
COG 2026, a code the COG lacks counted under its own code with the département its code
gives; QPV = `plg_qp15` when it holds a code (`CSZ`, `HZ`, blank: none). Differences with
essor, by design: an establishment absent from the geolocation file is in no QPV here
(essor places it from its Lambert coordinates), and values are not trimmed.
"""

import argparse
import csv
import time
from pathlib import Path

import duckdb

from diagnose_rules import (COOP_NAME_REGEX, COOPERATIVE_CODES, EXCLUDED_NAF, EXCLUDED_NAF_DIVISIONS,
                            FAMILIES, JOBS)

COLUMNS = [
    "level", "code", "establishments", "employer_establishments", "jobs", "private_jobs",
    "ess_establishments", "ess_employer_establishments", "ess_jobs", "ess_jobs_share",
    "ess_private_jobs_share", *[f"ess_employer_{f}" for f in FAMILIES],
]


def header(path, delim):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return next(csv.reader(f, delimiter=delim))


def source(path, delim, wanted):
    """A table expression reading `path` with the columns `wanted` ({name: (alias, type)},
    names matched case-insensitively) renamed to their alias and of that type."""
    path = Path(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        names = pq.read_schema(path).names
        rel = f"read_parquet('{path}')"
    else:
        names = header(path, delim)
        types = {n: "VARCHAR" for n in names}
        lower = {n.lower(): n for n in names}
        for name, (_alias, typ) in wanted.items():
            if name.lower() in lower:
                types[lower[name.lower()]] = typ
        spec = ", ".join(f"'{n}': '{t}'" for n, t in types.items())
        rel = (f"read_csv('{path}', header = true, delim = '{delim}', quote = '\"', escape = '\"', "
               f"auto_detect = false, columns = {{{spec}}})")
    lower = {n.lower(): n for n in names}
    missing = [n for n in wanted if n.lower() not in lower]
    if missing:
        raise SystemExit(f"{path}: missing columns {missing}; present: {names}")
    # Parquet columns keep the file's types (INSEE's: SIRET as text…): cast to the same types.
    cols = ", ".join(f'CAST("{lower[n.lower()]}" AS {typ}) AS {alias}' for n, (alias, typ) in wanted.items())
    return f"(SELECT {cols} FROM {rel})"


def query(etab, units, geoloc, cog, perimeter="observatoire"):
    jobs = " ".join(f"WHEN '{k}' THEN {v}" for k, v in JOBS.items())
    coop = " OR ".join(f"cj = {lo}" if lo == hi else f"cj BETWEEN {lo} AND {hi}" for lo, hi in COOPERATIVE_CODES)
    e = source(etab, ",", {
        "siret": ("siret", "BIGINT"),
        "etatAdministratifEtablissement": ("etat", "VARCHAR"),
        "trancheEffectifsEtablissement": ("tranche", "VARCHAR"),
        "codeCommuneEtablissement": ("commune", "VARCHAR"),
    })
    u = source(units, ",", {
        "siren": ("siren", "INTEGER"),
        "categorieJuridiqueUniteLegale": ("cj", "SMALLINT"),
        "economieSocialeSolidaireUniteLegale": ("ess", "VARCHAR"),
        "activitePrincipaleUniteLegale": ("naf", "VARCHAR"),
        "nomenclatureActivitePrincipaleUniteLegale": ("nomenclature", "VARCHAR"),
        "denominationUniteLegale": ("denomination", "VARCHAR"),
        "sigleUniteLegale": ("sigle", "VARCHAR"),
    })
    excluded_naf = ", ".join(f"'{n}'" for n in EXCLUDED_NAF)
    excluded_div = ", ".join(f"'{d}'" for d in EXCLUDED_NAF_DIVISIONS)
    g = source(geoloc, ";", {"siret": ("siret", "BIGINT"), "plg_qp15": ("qp15", "VARCHAR")})
    fam = "ess_employer_"
    families = ",\n        ".join(
        f"count(*) FILTER (WHERE ess AND jobs > 0 AND family = '{f}') AS {fam}{f}" for f in FAMILIES)
    return f"""
WITH
communes AS (
    SELECT code_insee AS code, departement AS dep, region, nullif(code_epci, '') AS epci
    FROM read_csv('{cog}/communes_2026.csv', header = true, all_varchar = true)),
deps AS (
    SELECT code AS dep, region FROM read_csv('{cog}/departements_2026.csv', header = true, all_varchar = true)),
units0 AS (
    SELECT siren, CAST(cj AS INTEGER) AS cj, coalesce(ess = 'O', false) AS flag,
           coalesce(nomenclature IS NULL OR nomenclature = 'NAFRev2', true)
               AND (substr(replace(naf, '.', ''), 1, 2) IN ({excluded_div})
                    OR replace(naf, '.', '') IN ({excluded_naf})) AS excluded,
           coalesce(ess = 'O', false) AND cj // 100 BETWEEN 54 AND 57
               AND regexp_matches(strip_accents(upper(coalesce(denomination, ''))), '{COOP_NAME_REGEX}')
               OR coalesce(ess = 'O', false) AND cj // 100 BETWEEN 54 AND 57
               AND regexp_matches(strip_accents(upper(coalesce(sigle, ''))), '{COOP_NAME_REGEX}') AS coop_name,
           CASE WHEN cj // 100 = 92 THEN 'associations'
                WHEN cj = 9300 THEN 'fondations'
                WHEN cj IN (8210, 8250, 8290, 6411) THEN 'mutuelles'
                WHEN cj // 100 IN (51, 63) OR {coop} THEN 'cooperatives' END AS form
    FROM {u}),
units AS (
    -- Issue 14: the observatoire perimeter (the default) or the SIRENE flag.
    SELECT siren, cj,
           CASE '{perimeter}'
               WHEN 'sirene' THEN flag
               ELSE NOT coalesce(excluded, false) AND (form IS NOT NULL OR coalesce(coop_name, false)) END AS ess,
           coalesce(form, CASE WHEN coop_name THEN 'cooperatives' END) AS form
    FROM units0),
geoloc AS (
    SELECT siret, CASE WHEN qp15 LIKE 'QP%' THEN qp15 END AS qpv FROM {g}),
active AS (
    SELECT siret,
           CASE tranche {jobs} ELSE 0 END AS jobs,
           CASE WHEN regexp_full_match(commune, '(\\d\\d|2[AaBb])\\d{{3}}') THEN upper(commune) END AS code0
    FROM {e}
    WHERE etat = 'A'),
facts AS (
    SELECT a.jobs,
           coalesce(u.ess, false) AS ess,
           u.cj IS NULL OR u.cj // 1000 NOT IN (4, 7) AS private,
           CASE WHEN u.form IS NOT NULL THEN u.form
                WHEN u.ess THEN 'societes_commerciales'
                ELSE 'autres' END AS family,
           CASE WHEN a.code0 BETWEEN '75101' AND '75120' THEN '75056'
                WHEN a.code0 BETWEEN '69381' AND '69389' THEN '69123'
                WHEN a.code0 BETWEEN '13201' AND '13216' THEN '13055'
                ELSE a.code0 END AS commune,
           g.qpv
    FROM active a
    LEFT JOIN units u ON u.siren = a.siret // 100000
    LEFT JOIN geoloc g ON g.siret = a.siret),
placed AS (
    SELECT f.*, c.epci,
           coalesce(c.dep, d.dep) AS departement,
           coalesce(c.region, d.region) AS region,
           f.qpv IS NOT NULL AS in_qpv
    FROM facts f
    LEFT JOIN communes c ON c.code = f.commune
    LEFT JOIN deps d ON c.code IS NULL
         AND d.dep = CASE WHEN f.commune LIKE '97%' OR f.commune LIKE '98%' THEN left(f.commune, 3)
                          ELSE left(f.commune, 2) END)
SELECT CASE WHEN grouping(region) = 0 THEN 'region'
            WHEN grouping(departement) = 0 THEN 'departement'
            WHEN grouping(epci) = 0 THEN 'epci'
            WHEN grouping(commune) = 0 THEN 'commune'
            WHEN grouping(qpv) = 0 THEN 'qpv'
            WHEN grouping(in_qpv) = 0 THEN 'qpv_total'
            ELSE 'france' END AS level,
       CASE WHEN grouping(region) = 0 THEN region
            WHEN grouping(departement) = 0 THEN departement
            WHEN grouping(epci) = 0 THEN epci
            WHEN grouping(commune) = 0 THEN commune
            WHEN grouping(qpv) = 0 THEN qpv
            WHEN grouping(in_qpv) = 0 THEN CASE WHEN in_qpv THEN 'QPV' END
            ELSE 'FR' END AS code,
       count(*) AS establishments,
       count(*) FILTER (WHERE jobs > 0) AS employer_establishments,
       sum(jobs) AS jobs,
       coalesce(sum(jobs) FILTER (WHERE private), 0) AS private_jobs,
       count(*) FILTER (WHERE ess) AS ess_establishments,
       count(*) FILTER (WHERE ess AND jobs > 0) AS ess_employer_establishments,
       coalesce(sum(jobs) FILTER (WHERE ess), 0) AS ess_jobs,
       coalesce(sum(jobs) FILTER (WHERE ess), 0) / nullif(sum(jobs), 0) AS ess_jobs_share,
       coalesce(sum(jobs) FILTER (WHERE ess), 0) / nullif(sum(jobs) FILTER (WHERE private), 0) AS ess_private_jobs_share,
       {families}
FROM placed
GROUP BY GROUPING SETS ((), (region), (departement), (epci), (commune), (qpv), (in_qpv))
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--etablissements", required=True)
    ap.add_argument("--unites-legales", required=True)
    ap.add_argument("--geoloc", required=True)
    ap.add_argument("--cog", required=True, help="folder of communes_2026.csv, departements_2026.csv")
    ap.add_argument("--out", required=True)
    ap.add_argument("--temp", help="DuckDB's spill folder (default: beside --out)")
    ap.add_argument("--sql", help="also write the query there")
    ap.add_argument("--perimeter", choices=["observatoire", "sirene"], default="observatoire",
                    help="ESS perimeter (issue 14), as essor's --perimeter")
    args = ap.parse_args()

    started = time.monotonic()
    sql = query(args.etablissements, args.unites_legales, args.geoloc, Path(args.cog).resolve(), args.perimeter)
    if args.sql:
        Path(args.sql).write_text(sql)
    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{args.temp or str(Path(args.out).parent / 'duckdb.tmp')}'")
    con.execute("SET preserve_insertion_order = false")
    rows = con.execute(sql).fetchall()
    # Keys that are NULL in their own grouping set (no région, no EPCI, not in a QPV…) are not
    # territories: essor has no such rows either.
    rows = [r for r in rows if r[1] is not None]
    order = {l: i for i, l in enumerate(["france", "qpv_total", "region", "departement", "epci", "commune", "qpv"])}
    rows.sort(key=lambda r: (order[r[0]], r[1]))
    with open(args.out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow(["" if v is None else repr(v) if isinstance(v, float) else v for v in r])
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    print(f"duckdb {duckdb.__version__}: {len(rows)} territories in {time.monotonic() - started:.1f} s "
          f"({threads} threads)")


if __name__ == "__main__":
    main()
