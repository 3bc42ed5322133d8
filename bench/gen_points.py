"""Random points for the `essor locate` benchmark, the same file for every tool.

    gen_points.py --n 1000000 --seed 2015 --qpv data/qpv_2015/….shp --out points.csv

Writes a CSV `id,lon,lat` (WGS84, 7 decimals, about 1 cm) and, beside it, `<out>.kind.npy`
(one byte per point, in id order: 0 inside, 1 near, 2 far) so that disagreements can be told
by kind. The mix, over mainland and overseas alike:

- 20 % inside: a QPV drawn uniformly among the 1,514 (so about 14 % overseas), then a point
  drawn uniformly in its lon/lat bounding box until it falls inside the polygon;
- 30 % near: a point drawn uniformly along a QPV's boundary, measured in the zone's metric
  system, moved 0–1.5 km in a random direction (some land inside, most outside);
- 50 % far: a territory drawn with the shares of territories.GEN_BOXES (80 % mainland), a
  point drawn uniformly in its box, kept only if it lies more than 1.5 km from every QPV's
  bounding box (so more than 1.5 km from every QPV; many are at sea or abroad, as geocoding
  errors are).

Every point lies in one of essor's territory boxes. The same seed gives the same file.
Vectorised with numpy and shapely: 10 M points take under 20 s on 2 cores (about 300 MB).
"""

import argparse
import sys
import time

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from territories import GEN_BOXES, ZONES, in_gen_boxes, zone_of

SHARE_INSIDE, SHARE_NEAR = 0.20, 0.30
NEAR_MAX_M = 1500.0
KIND_INSIDE, KIND_NEAR, KIND_FAR = 0, 1, 2


def load_qpv(path):
    qpv = gpd.read_file(path, encoding="cp1252", columns=["CODE_QP"])
    geoms = np.asarray(qpv.geometry.values)
    rp = shapely.point_on_surface(geoms)
    zone = zone_of(shapely.get_x(rp), shapely.get_y(rp))
    if (zone < 0).any():
        sys.exit(f"QPV outside every zone: {list(qpv.CODE_QP[zone < 0])}")
    return geoms, zone


def metric_by_zone(geoms, qzone):
    """Per zone: (WGS84 -> metric transformer, the zone's QPV in metres, their indices)."""
    out = {}
    for z, (_name, epsg, _boxes) in enumerate(ZONES):
        fwd = pyproj.Transformer.from_crs(4326, epsg, always_xy=True)
        members = np.flatnonzero(qzone == z)
        metric = shapely.transform(geoms[members], lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1])))
        out[z] = (fwd, metric, members)
    return out


def sample_inside(rng, geoms, n):
    """n points, each inside a QPV drawn uniformly (rejection in the QPV's bounding box)."""
    shapely.prepare(geoms)
    bounds = shapely.bounds(geoms)
    which = rng.integers(0, len(geoms), n)
    lon, lat = np.empty(n), np.empty(n)
    pending = np.arange(n)
    while pending.size:
        b = bounds[which[pending]]
        x = rng.uniform(b[:, 0], b[:, 2])
        y = rng.uniform(b[:, 1], b[:, 3])
        ok = shapely.contains_xy(geoms[which[pending]], x, y)
        lon[pending[ok]], lat[pending[ok]] = x[ok], y[ok]
        pending = pending[~ok]
    return lon, lat


class Boundaries:
    """The boundary segments of a zone's QPV (metres), to draw points along them uniformly
    with numpy alone (GEOS's line_interpolate_point walks each line per point: 3x slower)."""

    def __init__(self, metric):
        parts, part_qpv = shapely.get_parts(shapely.boundary(metric), return_index=True)
        coords, coord_part = shapely.get_coordinates(parts, return_index=True)
        same = coord_part[1:] == coord_part[:-1]
        self.a = coords[:-1][same]
        self.b = coords[1:][same]
        seg_qpv = part_qpv[coord_part[:-1][same]]
        self.length = np.hypot(*(self.b - self.a).T)
        self.cum = np.cumsum(self.length)
        # Segments of QPV q are seg_start[q]..seg_start[q + 1]; parts come in QPV order.
        self.seg_start = np.searchsorted(seg_qpv, np.arange(len(metric) + 1))
        before = np.concatenate([[0.0], self.cum])
        self.offset = before[self.seg_start[:-1]]
        self.total = before[self.seg_start[1:]] - self.offset

    def point_along(self, qpv, frac):
        """The point at `frac` (0..1) of the boundary length of each QPV (local indices)."""
        target = self.offset[qpv] + frac * self.total[qpv]
        seg = np.searchsorted(self.cum, target, side="right")
        seg = np.clip(seg, self.seg_start[qpv], self.seg_start[qpv + 1] - 1)
        t = np.clip((target - (self.cum[seg] - self.length[seg])) / self.length[seg], 0.0, 1.0)
        return self.a[seg] + t[:, None] * (self.b[seg] - self.a[seg])


def sample_near(rng, geoms, qzone, zones, n):
    """n points within NEAR_MAX_M metres of a QPV boundary, in essor's boxes."""
    boundaries = {z: Boundaries(metric) for z, (_f, metric, _m) in zones.items()}
    lon, lat = np.empty(n), np.empty(n)
    pending = np.arange(n)
    while pending.size:
        which = rng.integers(0, len(geoms), pending.size)
        frac = rng.random(pending.size)
        dist = rng.uniform(0.0, NEAR_MAX_M, pending.size)
        angle = rng.uniform(0.0, 2 * np.pi, pending.size)
        x, y = np.empty(pending.size), np.empty(pending.size)
        for z, (fwd, _metric, members) in zones.items():
            sel = qzone[which] == z
            if not sel.any():
                continue
            on = boundaries[z].point_along(np.searchsorted(members, which[sel]), frac[sel])
            mx = on[:, 0] + dist[sel] * np.cos(angle[sel])
            my = on[:, 1] + dist[sel] * np.sin(angle[sel])
            x[sel], y[sel] = fwd.transform(mx, my, direction="INVERSE")
        ok = in_gen_boxes(x, y)
        lon[pending[ok]], lat[pending[ok]] = x[ok], y[ok]
        pending = pending[~ok]
    return lon, lat


def sample_far(rng, zones, n):
    """n points more than NEAR_MAX_M metres from every QPV's bounding box."""
    zone_index = {name: z for z, (name, _e, _b) in enumerate(ZONES)}
    trees = {}
    for z, (fwd, metric, _members) in zones.items():
        b = shapely.bounds(metric)
        trees[z] = (fwd, shapely.STRtree(shapely.box(b[:, 0] - NEAR_MAX_M, b[:, 1] - NEAR_MAX_M,
                                                      b[:, 2] + NEAR_MAX_M, b[:, 3] + NEAR_MAX_M)))
    # Every (territory, box) with its probability: territory share, then box area within it.
    boxes, probs, zones = [], [], []
    for _t, zname, share, tboxes in GEN_BOXES:
        areas = np.array([(x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in tboxes])
        for box, a in zip(tboxes, areas):
            boxes.append(box)
            probs.append(share * a / areas.sum())
            zones.append(zone_index[zname])
    boxes, probs, zones = np.array(boxes), np.array(probs), np.array(zones)
    lon, lat = np.empty(n), np.empty(n)
    pending = np.arange(n)
    while pending.size:
        k = rng.choice(len(boxes), pending.size, p=probs / probs.sum())
        x = rng.uniform(boxes[k, 0], boxes[k, 2])
        y = rng.uniform(boxes[k, 1], boxes[k, 3])
        ok = np.ones(pending.size, dtype=bool)
        for z, (fwd, tree) in trees.items():
            sel = np.flatnonzero(zones[k] == z)
            if sel.size:
                mx, my = fwd.transform(x[sel], y[sel])
                hit = tree.query(shapely.points(mx, my))[0]
                ok[sel[hit]] = False
        lon[pending[ok]], lat[pending[ok]] = x[ok], y[ok]
        pending = pending[~ok]
    return lon, lat


def _digits(a, width, keep_leading_zeros=False):
    """ASCII digits of non-negative int64 `a`, right-aligned in `width` columns; leading
    zeros become NUL bytes (dropped when the file is written) unless kept."""
    out = np.empty((a.size, width), dtype=np.uint8)
    x = a.copy()
    for col in range(width - 1, -1, -1):
        x, d = np.divmod(x, 10)
        out[:, col] = d + 48
    if x.any():
        raise ValueError("number too wide")
    if not keep_leading_zeros:
        ndigits = np.ones(a.size, dtype=np.int64)
        for k in range(1, width):
            ndigits += a >= 10**k
        out[np.arange(width)[None, :] < (width - ndigits)[:, None]] = 0
    return out


def _fixed(v, decimals=7, int_width=3):
    """Columns for a signed fixed-point decimal: sign, integer part, '.', fraction."""
    scaled = np.rint(np.abs(v) * 10**decimals).astype(np.int64)
    ip, fp = np.divmod(scaled, 10**decimals)
    sign = np.where((v < 0) & (scaled > 0), ord("-"), 0).astype(np.uint8)[:, None]
    dot = np.full((v.size, 1), ord("."), dtype=np.uint8)
    return [sign, _digits(ip, int_width), dot, _digits(fp, decimals, keep_leading_zeros=True)]


def write_csv(path, lon, lat, chunk=1_000_000):
    """`id,lon,lat` with ids 1..n, built as bytes with numpy (10 M rows in a few seconds)."""
    n = lon.size
    with open(path, "wb") as f:
        f.write(b"id,lon,lat\n")
        for start in range(0, n, chunk):
            stop = min(start + chunk, n)
            m = stop - start
            comma = np.full((m, 1), ord(","), dtype=np.uint8)
            newline = np.full((m, 1), ord("\n"), dtype=np.uint8)
            ids = np.arange(start + 1, stop + 1, dtype=np.int64)
            row = np.hstack([_digits(ids, 12), comma, *_fixed(lon[start:stop]), comma,
                             *_fixed(lat[start:stop]), newline])
            flat = row.ravel()
            f.write(flat[flat != 0].tobytes())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--seed", type=int, default=2015)
    ap.add_argument("--qpv", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    t0 = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    geoms, qzone = load_qpv(args.qpv)
    n_in = round(args.n * SHARE_INSIDE)
    n_near = round(args.n * SHARE_NEAR)
    n_far = args.n - n_in - n_near
    zones = metric_by_zone(geoms, qzone)
    parts = [sample_inside(rng, geoms, n_in), sample_near(rng, geoms, qzone, zones, n_near),
             sample_far(rng, zones, n_far)]
    lon = np.concatenate([p[0] for p in parts])
    lat = np.concatenate([p[1] for p in parts])
    kind = np.repeat(np.array([KIND_INSIDE, KIND_NEAR, KIND_FAR], dtype=np.uint8), [n_in, n_near, n_far])
    order = rng.permutation(args.n)
    lon, lat, kind = lon[order], lat[order], kind[order]
    assert in_gen_boxes(lon, lat).all()
    write_csv(args.out, lon, lat)
    np.save(args.out + ".kind.npy", kind)
    zone = zone_of(lon, lat)
    per_zone = ", ".join(f"{name} {np.count_nonzero(zone == z):,}" for z, (name, _e, _b) in enumerate(ZONES))
    print(f"gen_points: {args.n:,} points (inside {n_in:,}, near {n_near:,}, far {n_far:,}; {per_zone}) "
          f"seed {args.seed} -> {args.out} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
