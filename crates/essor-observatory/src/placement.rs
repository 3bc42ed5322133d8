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
        if let Some((lonlat, insee_qpv)) = self.geoloc.and_then(|g| g.get(siret)) {
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
