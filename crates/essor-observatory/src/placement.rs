//! Where an establishment is: its QPV, its distance to the nearest QPV and its WGS84 point.
//!
//! Two sources, in this order:
//! 1. INSEE's geolocation file, when given: its coordinates, and its QPV code of the layer's
//!    geography (`plg_qp15` for the 2015 geography, `plg_qp24` for 2024; `CSZ`, `HZ` or blank
//!    mean "not in a QPV"). The QPV membership is INSEE's; the distance to the nearest QPV is
//!    measured by the engine from the file's coordinates.
//! 2. Otherwise SIRENE's `coordonneeLambert*` columns, in the projection of the establishment's
//!    territory (EPSG 2154 mainland; 5490 for 971, 972, 977, 978; 2972 for 973; 2975 for 974;
//!    4471 for 976), located by the engine.
//!
//! An establishment with neither is "non localisé": it counts in its commune, EPCI,
//! département, région and France, but in no QPV figure.

use essor_geo::{Crs, Locator, Near, QpvId, QpvIndex, Territory};
use essor_model::{CommuneCode, QpvGeography, Siret};
use essor_sirene::GeolocRecord;
use rayon::slice::ParallelSliceMut;
use std::collections::HashMap;

/// The radius of the per-QPV "QPV and surroundings" figures, in metres.
pub const NEAR_M: f64 = 500.0;

/// Where one establishment is.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub qpv: Option<QpvId>,
    pub nearest: Option<QpvId>,
    /// Metres to the nearest QPV (0 inside).
    pub distance_m: Option<f64>,
    pub lonlat: Option<(f64, f64)>,
    /// Placed by INSEE's geolocation file (else by the Lambert columns).
    pub from_geoloc: bool,
    /// Every QPV within [`NEAR_M`] (the covering one included), for the "QPV and 500 m"
    /// figures.
    pub near: Vec<QpvId>,
    /// The 2024 QPV INSEE's geolocation file gives (`plg_qp24`), as an index into
    /// `essor_refdata::qpv::qpv_2024_codes()`, when the layer in use is the 2015 one (issue 14:
    /// figures by 2024 QPV, exact for membership, without polygons).
    pub qpv_2024: Option<u16>,
}

/// Why an establishment could not be placed although it had coordinates.
#[derive(Debug, Clone, PartialEq)]
pub enum PlacementIssue {
    /// Coordinates outside every supported territory, or unprojectable.
    OutsideTerritories,
    /// A `plg_qp*` code absent from the QPV layer in use.
    UnknownQpvCode(String),
}

/// The geolocation file in memory, for one lookup per establishment (35 million at national
/// scale, in the order of the establishment file, which need not be this file's): rows sorted
/// by SIRET, with a table of where each block of 1,024 SIRENs starts, so that a lookup is one
/// read in that table and a binary search among a few dozen neighbouring rows, rather than
/// 25 cache misses down a 280 MB array. 32 bytes per row, plus a fixed 3.9 MB.
#[derive(Debug, Default)]
pub struct GeolocTable {
    rows: Vec<GeolocRow>,
    /// `rows[buckets[b]..buckets[b + 1]]` holds the SIRETs whose SIREN's high bits are `b`.
    buckets: Vec<u32>,
    pub unknown_codes: HashMap<String, u64>,
    /// On a 2015 layer, rows whose `plg_qp24` names a 2024 QPV of the embedded list.
    pub qpv24_rows: u64,
}

/// One row of the file as the placement needs it: a lookup reads one cache line.
#[derive(Debug, Clone, Copy)]
struct GeolocRow {
    siret: u64,
    lonlat: (f64, f64),
    /// The QPV code of the layer's geography, as an id of the layer; `u32::MAX` = none.
    qpv: u32,
    /// On a 2015 layer, the `plg_qp24` code as an index of the embedded 2024 list;
    /// `u16::MAX` = none.
    qpv24: u16,
}

impl GeolocRow {
    /// By SIRET, then by content: rows with the same SIRET always sort the same way.
    fn order(&self, o: &Self) -> std::cmp::Ordering {
        self.siret
            .cmp(&o.siret)
            .then(self.lonlat.0.total_cmp(&o.lonlat.0))
            .then(self.lonlat.1.total_cmp(&o.lonlat.1))
            .then(self.qpv.cmp(&o.qpv))
            .then(self.qpv24.cmp(&o.qpv24))
    }
}

const BUCKET_SHIFT: u32 = 10;
const BUCKETS: usize = (999_999_999 >> BUCKET_SHIFT) + 2;

fn bucket(siret: u64) -> usize {
    ((siret / 100_000) >> BUCKET_SHIFT) as usize
}

/// Accumulates geolocation records as they stream in, straight into the table's rows: sorted
/// in place at the end, never copied (a copy sorted then split into columns, both held at
/// once, cost 2.5 GB at national scale).
#[derive(Debug)]
pub struct GeolocBuilder<'a> {
    layer: &'a essor_geo::QpvLayer,
    ids: HashMap<String, QpvId>,
    /// On a 2015 layer, the embedded 2024 codes and their index (empty on a 2024 layer).
    ids24: HashMap<&'static str, u16>,
    table: GeolocTable,
}

impl GeolocBuilder<'_> {
    pub fn push(&mut self, r: &GeolocRecord) {
        let lonlat = r.lon_lat.or_else(|| {
            let (x, y) = r.xy?;
            Crs::from_epsg(r.epsg?).ok()?.to_lonlat(x, y).ok()
        });
        let Some(lonlat) = lonlat else { return };
        let code = match self.layer.geography {
            QpvGeography::Qpv2015 => r.qpv_2015,
            QpvGeography::Qpv2024 => r.qpv_2024,
        };
        let qpv = match code {
            None => u32::MAX,
            Some(c) => match self.ids.get(c.as_str()) {
                Some(&id) => id,
                None => {
                    *self.table.unknown_codes.entry(c.to_string()).or_insert(0) += 1;
                    u32::MAX
                }
            },
        };
        let qpv24 = match r.qpv_2024 {
            Some(c) if !self.ids24.is_empty() => match self.ids24.get(c.as_str()) {
                Some(&i) => {
                    self.table.qpv24_rows += 1;
                    i
                }
                None => {
                    *self.table.unknown_codes.entry(c.to_string()).or_insert(0) += 1;
                    u16::MAX
                }
            },
            _ => u16::MAX,
        };
        self.table.rows.push(GeolocRow {
            siret: r.siret.get(),
            lonlat,
            qpv,
            qpv24,
        });
    }

    /// The table sorted by SIRET. Of several rows with one SIRET (INSEE's file has none),
    /// one is kept, the same whatever the order of the file. A file already sorted by SIRET
    /// is not moved.
    pub fn finish(self) -> GeolocTable {
        let mut t = self.table;
        if !t.rows.is_sorted_by(|a, b| a.siret < b.siret) {
            t.rows.par_sort_unstable_by(GeolocRow::order);
            t.rows.dedup_by_key(|r| r.siret);
        }
        t.rows.shrink_to_fit();
        let mut next = 0usize;
        t.buckets = (0..BUCKETS)
            .map(|b| {
                while next < t.rows.len() && bucket(t.rows[next].siret) < b {
                    next += 1;
                }
                next as u32
            })
            .collect();
        t
    }
}

/// What the file says of one SIRET: (lon, lat), its QPV of the layer, its 2024 QPV of the
/// embedded list (on a 2015 layer).
type GeolocHit = ((f64, f64), Option<QpvId>, Option<u16>);

impl GeolocTable {
    /// A builder keeping the QPV codes of `index`'s geography.
    pub fn builder(index: &QpvIndex) -> GeolocBuilder<'_> {
        let layer = index.layer();
        let ids = layer
            .features
            .iter()
            .enumerate()
            .map(|(i, f)| (f.code.to_string(), i as QpvId))
            .collect();
        let ids24 = match layer.geography {
            QpvGeography::Qpv2015 => essor_refdata::qpv::qpv_2024_codes()
                .iter()
                .enumerate()
                .map(|(i, q)| (q.code.as_str(), i as u16))
                .collect(),
            QpvGeography::Qpv2024 => HashMap::new(),
        };
        GeolocBuilder {
            layer,
            ids,
            ids24,
            table: GeolocTable::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn get(&self, siret: Siret) -> Option<GeolocHit> {
        let s = siret.get();
        let b = bucket(s);
        let (lo, hi) = (
            *self.buckets.get(b)? as usize,
            *self.buckets.get(b + 1)? as usize,
        );
        let i = lo
            + self.rows[lo..hi]
                .binary_search_by_key(&s, |r| r.siret)
                .ok()?;
        let r = self.rows[i];
        Some((
            r.lonlat,
            (r.qpv != u32::MAX).then_some(r.qpv),
            (r.qpv24 != u16::MAX).then_some(r.qpv24),
        ))
    }
}

/// Places establishments; one per run, shared by every thread.
pub struct Placer<'a> {
    index: &'a QpvIndex,
    geoloc: Option<&'a GeolocTable>,
    wgs84: Locator<'a>,
    /// A locator per territory system, for the Lambert columns.
    by_epsg: HashMap<u32, (Crs, Locator<'a>)>,
}

impl std::fmt::Debug for Placer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Placer")
            .field("geoloc", &self.geoloc.map(GeolocTable::len))
            .finish_non_exhaustive()
    }
}

impl<'a> Placer<'a> {
    pub fn new(index: &'a QpvIndex, geoloc: Option<&'a GeolocTable>) -> Self {
        let by_epsg = Territory::all()
            .map(Territory::epsg)
            .map(|epsg| {
                let crs = Crs::from_epsg(epsg).expect("territory systems are known");
                let locator = index.locator(&crs);
                (epsg, (crs, locator))
            })
            .collect();
        Self {
            index,
            geoloc,
            wgs84: index.locator(&Crs::wgs84()),
            by_epsg,
        }
    }

    pub fn index(&self) -> &'a QpvIndex {
        self.index
    }

    /// Places one establishment; `Ok(None)` when it has no coordinates at all.
    ///
    /// The figures need only what lies within [`NEAR_M`]: the covering QPV and the QPV
    /// around. Beyond that, `nearest` and `distance_m` are left `None`, unless `full` asks for
    /// them (an actor shown on a map or in a list, with its distance band and lon/lat): the
    /// search for a far nearest QPV is most of the cost of placing a point, and most points
    /// are far from every QPV.
    pub fn place(
        &self,
        siret: Siret,
        commune: Option<&CommuneCode>,
        lambert: Option<(f64, f64)>,
        full: bool,
    ) -> Result<Option<Placement>, PlacementIssue> {
        if let Some((lonlat, insee_qpv, qpv_2024)) = self.geoloc.and_then(|g| g.get(siret)) {
            let (x, y) = lonlat;
            let near = self
                .wgs84
                .near(x, y, NEAR_M)
                .map_err(|_| PlacementIssue::OutsideTerritories)?;
            // INSEE says whether it is in a QPV; the engine measures how far the rest are.
            let (nearest, distance_m) = match insee_qpv {
                Some(id) => (Some(id), Some(0.0)),
                None => self.beyond(&self.wgs84, &near, x, y, full)?,
            };
            let mut ids: Vec<QpvId> = near.within.iter().map(|(id, _)| *id).collect();
            if let Some(q) = insee_qpv
                && !ids.contains(&q)
            {
                ids.push(q);
            }
            return Ok(Some(Placement {
                qpv: insee_qpv,
                nearest,
                distance_m,
                lonlat: Some(lonlat),
                from_geoloc: true,
                near: ids,
                qpv_2024,
            }));
        }
        let (Some((x, y)), Some(commune)) = (lambert, commune) else {
            return Ok(None);
        };
        let territory = Territory::of_departement(commune.departement())
            .ok_or(PlacementIssue::OutsideTerritories)?;
        let (crs, locator) = &self.by_epsg[&territory.epsg()];
        let near = locator
            .near(x, y, NEAR_M)
            .map_err(|_| PlacementIssue::OutsideTerritories)?;
        let (nearest, distance_m) = self.beyond(locator, &near, x, y, full)?;
        Ok(Some(Placement {
            qpv: near.qpv,
            nearest,
            distance_m,
            lonlat: if full { crs.to_lonlat(x, y).ok() } else { None },
            from_geoloc: false,
            near: near.within.iter().map(|(id, _)| *id).collect(),
            qpv_2024: None,
        }))
    }

    /// The nearest QPV and its distance: from `near` when one is within [`NEAR_M`], else by a
    /// full search when `full`, else unknown.
    fn beyond(
        &self,
        locator: &Locator<'_>,
        near: &Near,
        x: f64,
        y: f64,
        full: bool,
    ) -> Result<(Option<QpvId>, Option<f64>), PlacementIssue> {
        if let Some(&(id, d)) = near.within.first() {
            return Ok((Some(id), Some(d)));
        }
        if !full {
            return Ok((None, None));
        }
        let loc = locator
            .locate(x, y)
            .map_err(|_| PlacementIssue::OutsideTerritories)?;
        Ok((loc.nearest, loc.distance_m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    static INDEX: LazyLock<QpvIndex> =
        LazyLock::new(|| QpvIndex::new(essor_refdata::qpv::qpv_2015()));

    fn row(siret: u64, lon: f64, qpv: Option<&str>) -> GeolocRecord {
        GeolocRecord {
            siret: Siret::parse(&format!("{siret:014}")).unwrap(),
            lon_lat: Some((lon, 48.0)),
            xy: None,
            epsg: None,
            quality_xy: None,
            qpv_2015: qpv.map(|c| essor_model::QpvCode::parse(c).unwrap()),
            qpv_2024: None,
            commune: None,
        }
    }

    #[test]
    fn geoloc_lookups_find_every_siret_in_any_file_order() {
        // Issue 3: the national geolocation join, one lookup per establishment.
        let known = INDEX.layer().features[0].code.to_string();
        let sirets: Vec<u64> = (0..20_000u64)
            .map(|i| (i * 7_919 % 20_000) * 4_999_999_937 + i % 3)
            .collect();
        let mut builder = GeolocTable::builder(&INDEX);
        for (i, &s) in sirets.iter().enumerate() {
            builder.push(&row(s, i as f64, (i % 5 == 0).then_some(known.as_str())));
        }
        // A duplicate with the smaller coordinates: kept, whatever its place in the file.
        builder.push(&row(sirets[10], -1.0, None));
        builder.push(&row(99_999_999_999_999, 2.0, Some("QP999999")));
        let table = builder.finish();
        assert_eq!(table.len(), sirets.len() + 1);
        for (i, &s) in sirets.iter().enumerate().filter(|(i, _)| *i != 10) {
            let (lonlat, qpv, _) = table
                .get(Siret::parse(&format!("{s:014}")).unwrap())
                .unwrap();
            assert_eq!(lonlat, (i as f64, 48.0), "{s}");
            assert_eq!(qpv, (i % 5 == 0).then_some(0), "{s}");
        }
        let ten = Siret::parse(&format!("{:014}", sirets[10])).unwrap();
        assert_eq!(table.get(ten), Some(((-1.0, 48.0), None, None)));
        let last = table.get(Siret::parse("99999999999999").unwrap()).unwrap();
        assert_eq!(last, ((2.0, 48.0), None, None), "an unknown code is no QPV");
        assert_eq!(table.unknown_codes["QP999999"], 1);
        assert_eq!(table.get(Siret::parse("00000000000005").unwrap()), None);
        assert_eq!(
            GeolocTable::default().get(Siret::parse("00000000000005").unwrap()),
            None
        );
    }
}
