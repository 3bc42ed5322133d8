"""GeoPandas peer of `essor locate`: CSV in, CSV out, same contract.

    peer_geopandas.py --input points.csv --output geopandas.csv --qpv QP_….shp

Written as a GeoPandas user would, per zone (territories.ZONES): points from lon/lat in
EPSG:4326 projected to the zone's metric system, `sjoin(predicate="intersects")` for the
containing QPV (a point on a boundary is in, as in essor; first QPV in file order if two
touch there), then `sjoin_nearest` for the nearest QPV and its distance. The contract wants
a nearest QPV and a distance for every point, so `sjoin_nearest` runs with no
`max_distance`: the full, honest version. Points already inside skip it (their nearest QPV
is their own, at 0 m). Single-threaded, as GeoPandas is.
"""

import argparse
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territories import ZONES, zone_of

BANDS = (300, 500, 1000)


def band_of(inside, distance_1dp):
    """`in`, then the smallest threshold the printed distance does not exceed, else `out`."""
    band = np.full(distance_1dp.size, "out", dtype=object)
    for t in reversed(BANDS):
        band[distance_1dp <= t] = str(t)
    band[inside] = "in"
    return band


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--qpv", required=True)
    args = ap.parse_args()

    points = pd.read_csv(args.input, usecols=["id", "lon", "lat"])
    qpv = gpd.read_file(args.qpv, encoding="cp1252", columns=["CODE_QP"])
    lon, lat = points["lon"].to_numpy(), points["lat"].to_numpy()
    point_zone = zone_of(lon, lat)
    if (point_zone < 0).any():
        bad = points[point_zone < 0].iloc[0]
        sys.exit(f"point outside every territory: id {bad['id']}")
    rp = qpv.geometry.representative_point()
    qpv_zone = zone_of(rp.x.to_numpy(), rp.y.to_numpy())

    n = len(points)
    qpv_code = np.full(n, None, dtype=object)
    nearest = np.full(n, None, dtype=object)
    distance = np.full(n, np.nan)
    for z, (_name, epsg, _boxes) in enumerate(ZONES):
        rows = np.flatnonzero(point_zone == z)
        if rows.size == 0:
            continue
        pts = gpd.GeoDataFrame(
            {"row": rows}, geometry=gpd.points_from_xy(lon[rows], lat[rows], crs=4326)
        ).to_crs(epsg)
        polys = qpv[qpv_zone == z].to_crs(epsg)

        inside = gpd.sjoin(pts, polys, how="inner", predicate="intersects")
        inside = inside.sort_values(["row", "index_right"]).drop_duplicates("row")
        qpv_code[inside["row"].to_numpy()] = inside["CODE_QP"].to_numpy()
        nearest[inside["row"].to_numpy()] = inside["CODE_QP"].to_numpy()
        distance[inside["row"].to_numpy()] = 0.0

        outside = pts[~pts["row"].isin(inside["row"])]
        near = gpd.sjoin_nearest(outside, polys, how="inner", distance_col="distance_m")
        near = near.sort_values(["row", "index_right"]).drop_duplicates("row")
        nearest[near["row"].to_numpy()] = near["CODE_QP"].to_numpy()
        distance[near["row"].to_numpy()] = near["distance_m"].to_numpy()

    distance_1dp = np.round(distance, 1)
    out = pd.DataFrame({
        "id": points["id"],
        "qpv_code": qpv_code,
        "nearest_qpv_code": nearest,
        "distance_m": distance_1dp,
        "band": band_of(qpv_code != None, distance_1dp),  # noqa: E711 (elementwise)
    })
    out.to_csv(args.output, index=False, float_format="%.1f")


if __name__ == "__main__":
    main()
