"""Territory table shared by the benchmark's generator and peers, as commented data.

A point's territory is found from its WGS84 lon/lat with the boxes below; distances are
Euclidean in the zone's projected system, in metres, and a point's nearest QPV is searched
among the QPV of its own zone only (the Antilles and Saint-Martin/Saint-Barthélemy form one
zone in UTM 20N). These are the same systems essor uses (crates/essor-geo/src/territory.rs).

Two sets of boxes:
- ZONES: what the peers (GeoPandas, PostGIS) use to route a point; generous.
- GEN_BOXES: where the generator puts points; essor's own boxes, each inside a ZONES box,
  so every generated point is accepted by every tool and routed to the same zone.
"""

# (name, EPSG of the metric system, boxes (lon_min, lat_min, lon_max, lat_max))
ZONES = [
    # Mainland and Corsica: Lambert-93.
    ("metropole", 2154, [(-5.5, 41.0, 10.0, 51.5)]),
    # Guadeloupe, Martinique, Saint-Martin and Saint-Barthélemy: RGAF09 / UTM 20N.
    ("antilles", 5490, [(-61.9, 15.8, -60.9, 16.6),
                        (-61.3, 14.3, -60.7, 14.95),
                        (-63.2, 17.8, -62.7, 18.2)]),
    # Guyane: RGFG95 / UTM 22N.
    ("guyane", 2972, [(-54.7, 2.0, -51.5, 6.0)]),
    # La Réunion: RGR92 / UTM 40S.
    ("reunion", 2975, [(55.1, -21.5, 56.0, -20.8)]),
    # Mayotte: RGM04 / UTM 38S.
    ("mayotte", 4471, [(44.9, -13.1, 45.4, -12.5)]),
    # Polynésie française: RGPF / UTM 6S.
    ("polynesie", 3297, [(-155.0, -28.0, -134.0, -7.0)]),
]

# (territory, zone, share of the "far" points, essor's boxes)
GEN_BOXES = [
    ("France métropolitaine", "metropole", 0.80, [(-5.5, 42.25, 8.3, 51.2), (8.5, 41.3, 9.6, 43.1)]),
    ("Guadeloupe", "antilles", 0.03, [(-61.9, 15.8, -60.95, 16.55)]),
    ("Martinique", "antilles", 0.03, [(-61.25, 14.35, -60.75, 14.9)]),
    ("Saint-Martin", "antilles", 0.01, [(-63.16, 18.0, -62.96, 18.13)]),
    ("Saint-Barthélemy", "antilles", 0.01, [(-62.96, 17.86, -62.77, 17.98)]),
    ("Guyane", "guyane", 0.04, [(-54.65, 2.1, -51.5, 5.85)]),
    ("La Réunion", "reunion", 0.04, [(55.2, -21.42, 55.87, -20.85)]),
    ("Mayotte", "mayotte", 0.02, [(44.95, -13.05, 45.35, -12.6)]),
    ("Polynésie française", "polynesie", 0.02, [(-155.0, -28.0, -134.0, -7.0)]),
]


def zone_of(lon, lat):
    """Index into ZONES of each point (numpy arrays), -1 outside every box."""
    import numpy as np

    zone = np.full(len(lon), -1, dtype=np.int8)
    for z, (_name, _epsg, boxes) in enumerate(ZONES):
        for x0, y0, x1, y1 in boxes:
            zone[(zone < 0) & (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)] = z
    return zone


def in_gen_boxes(lon, lat):
    """True where a point lies in one of essor's boxes (GEN_BOXES)."""
    import numpy as np

    ok = np.zeros(len(lon), dtype=bool)
    for _t, _z, _share, boxes in GEN_BOXES:
        for x0, y0, x1, y1 in boxes:
            ok |= (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
    return ok


def sql_zone_case(lon="lon", lat="lat"):
    """The same routing as zone_of, as an SQL CASE giving the zone's EPSG."""
    arms = []
    for _name, epsg, boxes in ZONES:
        cond = " OR ".join(
            f"({lon} BETWEEN {x0} AND {x1} AND {lat} BETWEEN {y0} AND {y1})"
            for x0, y0, x1, y1 in boxes
        )
        arms.append(f"WHEN {cond} THEN {epsg}")
    return "CASE " + " ".join(arms) + " END"
