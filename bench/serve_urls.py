"""The URL lists of the serve suite, one file per scenario, drawn with a fixed seed from the
store that `essor ingest` built (SIRETs, territories with figures, actors near a QPV) and from
the committed reference data (communes with their population and inside point).

Each list holds many different URLs, shuffled, so that the load does not measure one cached
answer; `serve_wrk.lua` cycles through a list. Standard library only.

    python3 serve_urls.py --store DIR/essor.sqlite --data ../data --out DIR/urls --n 20000 --seed 2015
    python3 serve_urls.py --probe http://127.0.0.1:PORT --out DIR/urls

Writes DIR/urls/<scenario>.txt and DIR/urls/scenarios.json (name, group, description, URL
count, distinct URLs), in the order the suite runs them. `--probe` asks the running server,
once each and with nothing else running, how many actors each search word matches and how
long that one request takes (DIR/urls/words.json): the search's cost depends on it.
"""

import argparse
import csv
import json
import math
import random
import sqlite3
import time
import urllib.parse
import urllib.request
from pathlib import Path

# Territory boxes (lon/lat) that the France-zoom tiles must cover: the mainland with Corsica
# and the overseas départements of the 2015 QPV layer.
FRANCE_BOXES = {
    "métropole": (-5.2, 41.3, 9.6, 51.1),
    "Guadeloupe": (-61.85, 15.8, -61.0, 16.55),
    "Martinique": (-61.25, 14.38, -60.8, 14.9),
    "Guyane": (-54.6, 2.1, -51.6, 5.8),
    "La Réunion": (55.2, -21.4, 55.85, -20.85),
    "Mayotte": (45.0, -13.0, 45.3, -12.6),
}

# Filters of the actors layer and the directory, as the map's checkboxes send them.
TILE_FILTERS = [
    "family=association",
    "family=cooperative",
    "family=mutuelle,fondation",
    "family=societe_commerciale",
    "band=in",
    "band=in,300",
    "band=in,300,500",
    "employer=true",
    "sector=action_sociale",
    "family=association&band=in,300",
]

# Words of the synthetic names (crates/essor-synth/src/names.rs) and of the NAF labels and
# commune names the index also holds: very common ones, middling ones, rare ones, two-word
# searches, and a word being typed (the last word is searched as a prefix).
SEARCH_WORDS = [
    "association", "club", "sport", "sportive", "culture", "culturel", "solidaire",
    "solidarite", "quartier", "jardins", "jardin partage", "insertion", "chantier insertion",
    "mecanique", "epicerie solidaire", "ressourcerie", "regie de quartier", "football",
    "danse", "judo", "randonnee", "theatre", "musique", "aide a domicile", "cooperative",
    "mutuelle", "fondation", "amicale", "comite", "collectif", "federation",
    "centre social", "maison de quartier", "banque alimentaire", "universite populaire",
    "ecole", "foyer", "atelier", "compagnie", "marseille", "lyon", "lille", "roubaix",
    "saint denis", "toulouse", "nantes", "rennes", "bordeaux", "montpellier", "strasbourg",
    "jard", "solid", "quart", "insert", "assoc", "mecan",
]


def tile_of(lon, lat, z):
    """XYZ tile of a WGS84 point (Web Mercator)."""
    lat = max(min(lat, 85.0511), -85.0511)
    n = 1 << z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def box_tiles(z):
    tiles = set()
    for lon0, lat0, lon1, lat1 in FRANCE_BOXES.values():
        x0, y0 = tile_of(lon0, lat1, z)
        x1, y1 = tile_of(lon1, lat0, z)
        tiles.update((z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1))
    return sorted(tiles)


def communes(data):
    """(code, lon, lat, population, departement) of every commune with an inside point."""
    points = {}
    with open(data / "contours" / "communes_centroids_2018.csv", newline="") as f:
        for r in csv.DictReader(f):
            points[r["code_insee"]] = (float(r["lon"]), float(r["lat"]))
    out = []
    with open(data / "cog" / "communes_2026.csv", newline="") as f:
        for r in csv.DictReader(f):
            p = points.get(r["code_insee"])
            if p and r["type"] == "commune-actuelle":
                pop = int(r["population_municipale"] or 0)
                out.append((r["code_insee"], p[0], p[1], pop, r["departement"]))
    return out


def weighted(rng, items, weights, k):
    return rng.choices(items, weights=weights, k=k)


def tile_url(layer, z, x, y, query=""):
    return f"/tiles/{layer}/{z}/{x}/{y}.mvt" + (f"?{query}" if query else "")


def probe(base, out):
    words = []
    for w in SEARCH_WORDS:
        url = f"{base}/api/v1/actors?q={urllib.parse.quote_plus(w)}&per_page=20"
        t0 = time.perf_counter()
        with urllib.request.urlopen(url, timeout=60) as r:
            total = json.load(r)["total"]
        words.append({"q": w, "total": total, "ms": round((time.perf_counter() - t0) * 1000, 1)})
    (out / "words.json").write_text(json.dumps(words, ensure_ascii=False, indent=1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", help="essor.sqlite")
    ap.add_argument("--data", help="the repository's data/ folder")
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=20000, help="URLs per list (before duplicates)")
    ap.add_argument("--seed", type=int, default=2015)
    ap.add_argument("--probe", metavar="BASE_URL", help="time one search per word on this server")
    a = ap.parse_args()
    out = Path(a.out)
    if a.probe:
        return probe(a.probe, out)
    if not (a.store and a.data):
        ap.error("--store and --data are needed to draw the URLs")
    out.mkdir(parents=True, exist_ok=True)
    data = Path(a.data)
    rng = random.Random(a.seed)
    n = a.n

    db = sqlite3.connect(f"file:{a.store}?mode=ro", uri=True)
    actors = db.execute("SELECT count(*) FROM actors").fetchone()[0]
    figures = {}
    for level, code in db.execute("SELECT level, code FROM figures"):
        figures.setdefault(level, set()).add(code)

    all_communes = communes(data)
    # Communes the store has figures for (a territory page answers 404 otherwise).
    served = [c for c in all_communes if c[0] in figures.get("commune", ())]
    pops = [max(c[3], 1) for c in served]

    # City zoom: around communes drawn by population, up to ~1.5 km from their inside point.
    def city_tiles(k, zooms):
        picks = weighted(rng, served, pops, k)
        urls = []
        for code, lon, lat, _, _ in picks:
            z = rng.choice(zooms)
            dx = rng.uniform(-0.02, 0.02)
            dy = rng.uniform(-0.013, 0.013)
            urls.append((z,) + tile_of(lon + dx, lat + dy, z))
        return urls

    # Département zoom: around communes drawn by the square root of their population (the
    # whole country, its cities more often), up to ~20 km away.
    sqrt_pops = [math.sqrt(p) for p in pops]

    def dept_tiles(k, zooms):
        picks = weighted(rng, served, sqrt_pops, k)
        urls = []
        for code, lon, lat, _, _ in picks:
            z = rng.choice(zooms)
            urls.append((z,) + tile_of(lon + rng.uniform(-0.25, 0.25), lat + rng.uniform(-0.18, 0.18), z))
        return urls

    france = box_tiles(5) + box_tiles(6)
    scenarios = []

    def write(name, group, description, urls):
        rng.shuffle(urls)
        (out / f"{name}.txt").write_text("".join(u + "\n" for u in urls))
        scenarios.append({"name": name, "group": group, "description": description,
                          "urls": len(urls), "distinct": len(set(urls))})

    # --- Map tiles ---------------------------------------------------------------------
    write("tuiles-acteurs-france", "carte", "tuiles des acteurs, z 5–6 (métropole et outre-mer)",
          [tile_url("actors", *t) for t in france] * max(1, n // (4 * len(france))))
    write("tuiles-acteurs-france-filtre", "carte", "tuiles des acteurs, z 5–6, avec un filtre",
          [tile_url("actors", *t, q) for t in france for q in TILE_FILTERS])
    write("tuiles-acteurs-departement", "carte", "tuiles des acteurs, z 9–10",
          [tile_url("actors", *t) for t in dept_tiles(n, (9, 10))])
    write("tuiles-acteurs-departement-filtre", "carte", "tuiles des acteurs, z 9–10, avec un filtre",
          [tile_url("actors", *t, rng.choice(TILE_FILTERS)) for t in dept_tiles(n, (9, 10))])
    write("tuiles-acteurs-ville", "carte", "tuiles des acteurs, z 13–14 (autour des communes, selon leur population)",
          [tile_url("actors", *t) for t in city_tiles(n, (13, 14))])
    write("tuiles-acteurs-ville-filtre", "carte", "tuiles des acteurs, z 13–14, avec un filtre",
          [tile_url("actors", *t, rng.choice(TILE_FILTERS)) for t in city_tiles(n, (13, 14))])
    base = [tile_url("qpv", *t) for t in france]
    base += [tile_url(rng.choice(("qpv", "communes")), *t) for t in dept_tiles(n // 2, (9, 10))]
    base += [tile_url(rng.choice(("qpv", "communes")), *t) for t in city_tiles(n // 2, (13, 14))]
    write("tuiles-fond", "carte", "fond de carte : tuiles QPV (z 5–6, 9–10, 13–14) et communes (z 9–10, 13–14), mises en cache par le serveur",
          base)

    # --- Directory -----------------------------------------------------------------------
    def query(word):
        return word.replace(" ", "+")

    api = []
    html = []
    for _ in range(n):
        w = rng.choice(SEARCH_WORDS)
        page = rng.choice((1, 1, 1, 2, 3))
        extra = rng.choice(("", "", "", "&family=association", "&band=in,300", "&employer=true"))
        api.append(f"/api/v1/actors?q={query(w)}&page={page}{extra}")
        html.append(f"/annuaire?q={query(w)}&page={page}{extra}")
    write("recherche-api", "annuaire", "recherche `/api/v1/actors?q=…` (mots des noms synthétiques, page 1 à 3, parfois un filtre)", api)
    write("recherche-annuaire", "annuaire", "page HTML `/annuaire?q=…` (mêmes recherches, facettes comprises)", html)

    # --- Territory pages -----------------------------------------------------------------
    big = sorted(served, key=lambda c: -c[3])[:200]
    small = [c for c in served if c[3] < 2000]
    communes_urls = [f"/territoires/commune/{c[0]}" for c in rng.choices(big, k=n // 2)]
    communes_urls += [f"/territoires/commune/{c[0]}" for c in rng.choices(small, k=n // 2)]
    write("territoire-commune", "territoires", "page d'une commune (moitié parmi les 200 plus peuplées, moitié de moins de 2 000 habitants)",
          communes_urls)
    qpv = sorted(figures.get("qpv", ()))
    write("territoire-qpv", "territoires", "page d'un QPV",
          [f"/territoires/qpv/{c}" for c in rng.choices(qpv, k=n)])
    deps = sorted(figures.get("departement", ()))
    write("territoire-departement", "territoires", "page d'un département",
          [f"/territoires/departement/{c}" for c in rng.choices(deps, k=n)])
    levels = [lv for lv in ("commune", "qpv", "departement", "epci", "region") if figures.get(lv)]
    api_t = []
    for _ in range(n):
        lv = rng.choice(levels)
        api_t.append(f"/api/v1/territories/{lv}/{rng.choice(sorted(figures[lv]))}")
    write("territoire-api", "territoires", "`/api/v1/territories/{niveau}/{code}` (commune, QPV, département, EPCI, région)",
          api_t)

    # --- Locate --------------------------------------------------------------------------
    near = db.execute(
        "SELECT lon, lat FROM actors WHERE band IN ('in', '300', '500') AND lon IS NOT NULL "
        "AND id % ?1 = 0 LIMIT ?2", (max(1, actors // (4 * n)), n)).fetchall()
    loc = []
    for _ in range(n):
        lon, lat = rng.choice(near)
        loc.append(f"/api/v1/locate?lon={lon + rng.uniform(-0.005, 0.005):.6f}&lat={lat + rng.uniform(-0.004, 0.004):.6f}")
    write("localisation", "api", "`/api/v1/locate?lon=…&lat=…`, points tirés à moins de 500 m d'un acteur situé près d'un QPV", loc)

    # --- Actor pages ---------------------------------------------------------------------
    ids = rng.sample(range(1, actors + 1), min(n, actors))
    sirets = [s for (s,) in db.execute(
        f"SELECT siret FROM actors WHERE id IN ({','.join(map(str, ids))})")]
    write("acteur", "annuaire", "page d'un acteur `/acteurs/{siret}` (SIRET tirés du magasin)",
          [f"/acteurs/{s}" for s in sirets])

    (out / "scenarios.json").write_text(json.dumps(
        {"seed": a.seed, "actors": actors, "search_words": SEARCH_WORDS,
         "tile_filters": TILE_FILTERS, "scenarios": scenarios}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
