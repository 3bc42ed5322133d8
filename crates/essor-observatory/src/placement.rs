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

use essor_geo::{Crs, Locator, QpvId, QpvIndex, Territory};
use essor_model::{CommuneCode, QpvGeography, Siret};
use essor_sirene::GeolocRecord;
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
}

/// Why an establishment could not be placed although it had coordinates.
#[derive(Debug, Clone, PartialEq)]
pub enum PlacementIssue {
    /// Coordinates outside every supported territory, or unprojectable.
    OutsideTerritories,
    /// A `plg_qp*` code absent from the QPV layer in use.
    UnknownQpvCode(String),
}

/// The geolocation file in memory: SIRET-sorted arrays (about 40 bytes per row).
#[derive(Debug, Default)]
pub struct GeolocTable {
    sirets: Vec<u64>,
    lonlat: Vec<(f64, f64)>,
    /// The QPV code of the layer's geography, as an id of the layer; `u32::MAX` = none.
    qpv: Vec<u32>,
    pub unknown_codes: HashMap<String, u64>,
}

/// Accumulates geolocation records as they stream in.
#[derive(Debug)]
pub struct GeolocBuilder<'a> {
    layer: &'a essor_geo::QpvLayer,
    ids: HashMap<String, QpvId>,
    rows: Vec<(u64, (f64, f64), u32)>,
    unknown_codes: HashMap<String, u64>,
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
                    *self.unknown_codes.entry(c.to_string()).or_insert(0) += 1;
                    u32::MAX
                }
            },
        };
        self.rows.push((r.siret.get(), lonlat, qpv));
    }

    pub fn finish(mut self) -> GeolocTable {
        self.rows.sort_unstable_by_key(|r| r.0);
        self.rows.dedup_by_key(|r| r.0);
        GeolocTable {
            sirets: self.rows.iter().map(|r| r.0).collect(),
            lonlat: self.rows.iter().map(|r| r.1).collect(),
            qpv: self.rows.iter().map(|r| r.2).collect(),
            unknown_codes: self.unknown_codes,
        }
    }
}

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
        GeolocBuilder {
            layer,
            ids,
            rows: Vec::new(),
            unknown_codes: HashMap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.sirets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sirets.is_empty()
    }

    fn get(&self, siret: Siret) -> Option<((f64, f64), Option<QpvId>)> {
        let i = self.sirets.binary_search(&siret.get()).ok()?;
        Some((
            self.lonlat[i],
            (self.qpv[i] != u32::MAX).then_some(self.qpv[i]),
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
    pub fn place(
        &self,
        siret: Siret,
        commune: Option<&CommuneCode>,
        lambert: Option<(f64, f64)>,
        want_lonlat: bool,
    ) -> Result<Option<Placement>, PlacementIssue> {
        if let Some((lonlat, qpv)) = self.geoloc.and_then(|g| g.get(siret)) {
            let loc = self
                .wgs84
                .locate(lonlat.0, lonlat.1)
                .map_err(|_| PlacementIssue::OutsideTerritories)?;
            // INSEE says whether it is in a QPV; the engine measures how far the rest are.
            let (distance_m, nearest) = match qpv {
                Some(id) => (Some(0.0), Some(id)),
                None => (loc.distance_m, loc.nearest),
            };
            return Ok(Some(Placement {
                qpv,
                nearest,
                distance_m,
                lonlat: Some(lonlat),
                from_geoloc: true,
            }));
        }
        let (Some((x, y)), Some(commune)) = (lambert, commune) else {
            return Ok(None);
        };
        let territory = Territory::of_departement(commune.departement())
            .ok_or(PlacementIssue::OutsideTerritories)?;
        let (crs, locator) = &self.by_epsg[&territory.epsg()];
        let loc = locator
            .locate(x, y)
            .map_err(|_| PlacementIssue::OutsideTerritories)?;
        // The point itself is needed for maps and for the "QPV and 500 m" figures.
        let near = loc.distance_m.is_some_and(|d| d <= NEAR_M);
        let lonlat = if want_lonlat || near {
            crs.to_lonlat(x, y).ok()
        } else {
            None
        };
        Ok(Some(Placement {
            qpv: loc.qpv,
            nearest: loc.nearest,
            distance_m: loc.distance_m,
            lonlat,
            from_geoloc: false,
        }))
    }

    /// Every QPV within `max_m` of a placed establishment (for the "QPV and 500 m" figures).
    pub fn within(&self, p: &Placement, max_m: f64) -> Vec<QpvId> {
        let Some((lon, lat)) = p.lonlat else {
            return p.qpv.into_iter().collect();
        };
        let mut ids: Vec<QpvId> = self
            .wgs84
            .within(lon, lat, max_m)
            .map(|v| v.into_iter().map(|(id, _)| id).collect())
            .unwrap_or_default();
        if let Some(q) = p.qpv
            && !ids.contains(&q)
        {
            ids.push(q);
        }
        ids
    }
}
