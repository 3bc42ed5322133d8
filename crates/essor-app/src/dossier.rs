//! The diagnostic of one territory, assembled from store seam calls only:
//! [`territories`](crate::store::ActorStore::territories) for the rows it compares (the
//! territory, the one it is best compared with, France, all QPV, each of its QPV and their
//! 500 m) and [`export`](crate::store::ActorStore::export) for the actors of its pack. Every
//! backend — the memory store, the SQLite store of `essor ingest`, later PostgreSQL — thus
//! serves the same territory pages and the same diagnostic packs with no code of its own.
//!
//! The pack is the observatory's ([`essor_observatory::pack`]): given the same data, the
//! server's `dossier` is byte for byte the `diagnostic.html` of `essor diagnose --territory`
//! (tested in `tests/it/api.rs`).

use crate::App;
use crate::store::observatory::observatory_actor;
use crate::store::{ActorQuery, Indicator, StoreError, TerritoryLevel, TerritoryRef};
use crate::territories::{self, Territory};
use essor_geo::{Band, Crs, QpvId};
use essor_observatory::indicators::MissingValue;
use essor_observatory::pack::{PackData, PackQpv};
use essor_observatory::{IndicatorRow, methodology};
use futures_util::StreamExt;
use std::collections::{BTreeMap, HashMap};

/// The published values of one territory, by indicator name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    values: HashMap<String, Option<f64>>,
}

impl Figures {
    pub fn new(indicators: Vec<Indicator>) -> Self {
        Self {
            values: indicators.into_iter().map(|i| (i.name, i.value)).collect(),
        }
    }

    /// The figures of a row computed here (a sum of QPV, a difference).
    pub fn of_row(row: &IndicatorRow) -> Self {
        Self {
            values: row.values().into_iter().collect(),
        }
    }

    /// A value; `None` when absent or not published.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.values.get(name).copied().flatten()
    }

    /// The observatory row back from these figures.
    pub fn row(&self, t: &TerritoryRef, name: &str) -> Result<IndicatorRow, MissingValue> {
        IndicatorRow::from_values(t.level, &t.code, name, |n| self.get(n))
    }
}

/// A territory named by the reference data, with its figures when the store has them.
#[derive(Debug, Clone)]
pub struct Figured {
    pub territory: TerritoryRef,
    pub name: String,
    pub figures: Option<Figures>,
}

/// One QPV of the territory.
#[derive(Debug, Clone)]
pub struct QpvFigures {
    pub id: QpvId,
    pub code: String,
    pub name: String,
    pub communes: Vec<String>,
    pub population: Option<u64>,
    /// The QPV itself.
    pub figures: Option<Figures>,
    /// The QPV and the 500 m around it.
    pub near: Option<Figures>,
}

/// What a territory page and a pack compare.
#[derive(Debug, Clone)]
pub struct Dossier {
    pub territory: Territory,
    pub own: Option<Figures>,
    pub comparison: Option<Figured>,
    pub france: Option<Figures>,
    pub all_qpv: Option<Figures>,
    /// For France: the QPV with their 500 m, and outside the QPV (`qpv_500m_total`,
    /// `hors_qpv`), with their names.
    pub groupings: Vec<Figured>,
    /// Its QPV (none for France and the groupings: they would be all of them).
    pub qpv: Vec<QpvFigures>,
}

impl Dossier {
    /// Reads the figures of `territory` and of what it is compared with, in one seam call.
    pub async fn gather(app: &App, territory: Territory) -> Result<Self, StoreError> {
        Self::read(app, territory, false).await
    }

    /// The same with every QPV of the layer for France (its pack lists them all).
    async fn read(
        app: &App,
        territory: Territory,
        all_qpv_of_france: bool,
    ) -> Result<Self, StoreError> {
        let layer = app.index.layer();
        let comparison = territory.comparison();
        let qpv: Vec<QpvId> = if territory.level == TerritoryLevel::France && all_qpv_of_france {
            (0..layer.len() as QpvId).collect()
        } else if territory.level.is_place() && territory.level != TerritoryLevel::France {
            territory.qpv.clone()
        } else {
            Vec::new()
        };
        let mut refs = vec![
            territory.reference(),
            TerritoryRef::france(),
            all_qpv_of(&territory, layer).0,
        ];
        refs.extend(comparison.clone());
        let groupings: Vec<(TerritoryRef, &str)> = if territory.level == TerritoryLevel::France {
            vec![
                (
                    TerritoryRef::new(TerritoryLevel::Qpv500mTotal, "QPV_500M"),
                    "QPV et abords (500 m)",
                ),
                (
                    TerritoryRef::new(TerritoryLevel::HorsQpv, "HORS_QPV"),
                    "Hors QPV",
                ),
            ]
        } else {
            Vec::new()
        };
        refs.extend(groupings.iter().map(|(t, _)| t.clone()));
        for &q in &qpv {
            let code = layer.get(q).code.as_str();
            refs.push(TerritoryRef::new(TerritoryLevel::Qpv, code));
            refs.push(TerritoryRef::new(TerritoryLevel::Qpv500m, code));
        }
        let mut answers = app
            .store
            .territories(&refs)
            .await?
            .into_iter()
            .map(|a| a.map(Figures::new));
        let own = answers.next().flatten();
        let france = answers.next().flatten();
        let all_qpv = answers.next().flatten();
        let comparison = match comparison {
            None => None,
            Some(t) => {
                let figures = answers.next().flatten();
                territories::resolve(app, t.level, &t.code).map(|c| Figured {
                    territory: t,
                    name: c.name,
                    figures,
                })
            }
        };
        let groupings = groupings
            .into_iter()
            .map(|(territory, name)| Figured {
                territory,
                name: name.to_owned(),
                figures: answers.next().flatten(),
            })
            .collect();
        let qpv = qpv
            .into_iter()
            .map(|id| {
                let f = layer.get(id);
                let figures = answers.next().flatten();
                let near = answers.next().flatten();
                QpvFigures {
                    id,
                    code: f.code.to_string(),
                    name: f.name.clone(),
                    communes: f.commune_names.clone(),
                    population: figures
                        .as_ref()
                        .and_then(|x| x.get("population"))
                        .map(|p| p as u64),
                    figures,
                    near,
                }
            })
            .collect();
        Ok(Self {
            territory,
            own,
            comparison,
            france,
            all_qpv,
            groupings,
            qpv,
        })
    }

    /// The sum of its QPV (each counted whole, as the pack does), when every one is known.
    pub fn its_qpv(&self) -> Option<IndicatorRow> {
        let mut sum = essor_observatory::tally::Tally::default();
        for q in &self.qpv {
            let t = TerritoryRef::new(TerritoryLevel::Qpv, q.code.clone());
            sum.merge(&q.figures.as_ref()?.row(&t, &q.name).ok()?.tally);
        }
        Some(IndicatorRow {
            level: essor_model::TerritoryLevel::QpvTotal,
            code: "QPV".into(),
            name: "Ses QPV".into(),
            population: self.qpv.iter().map(|q| q.population).sum(),
            tally: sum,
        })
    }
}

/// Why a pack cannot be made. French: it reaches users.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DossierError {
    #[error(
        "le dossier de diagnostic est proposé pour la France, les régions, les départements, les EPCI, les communes et les QPV"
    )]
    NotAPlace,
    #[error("aucun chiffre pour {0} dans les données chargées")]
    NoFigures(String),
    #[error("chiffres incomplets : {0}")]
    Missing(#[from] MissingValue),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The « all QPV » a territory is compared with, and its name: those of the served layer, but
/// for a 2024 QPV counted from `plg_qp24` on the 2015 layer, all the 2024 QPV (issue 14).
fn all_qpv_of(t: &Territory, layer: &essor_geo::QpvLayer) -> (TerritoryRef, String) {
    if t.level == TerritoryLevel::Qpv
        && layer.geography == essor_model::QpvGeography::Qpv2015
        && essor_model::QpvGeography::of_code(&t.code) == Some(essor_model::QpvGeography::Qpv2024)
    {
        (
            TerritoryRef::new(
                TerritoryLevel::QpvTotal,
                essor_observatory::indicators::QPV_2024_TOTAL,
            ),
            "Ensemble des QPV (QPV 2024, d'après plg_qp24)".to_owned(),
        )
    } else {
        (
            TerritoryRef::all_qpv(),
            format!("Ensemble des QPV ({})", layer.geography),
        )
    }
}

/// The pack's data for a territory, from the store.
pub async fn pack_data(app: &App, territory: Territory) -> Result<PackData, DossierError> {
    if !territory.level.is_place() {
        return Err(DossierError::NotAPlace);
    }
    let name = territory.name.clone();
    let d = Dossier::read(app, territory, true).await?;
    let row =
        |f: &Option<Figures>, t: TerritoryRef, name: &str| -> Result<IndicatorRow, DossierError> {
            f.as_ref()
                .ok_or_else(|| DossierError::NoFigures(name.to_owned()))?
                .row(&t, name)
                .map_err(Into::into)
        };
    let layer = app.index.layer();
    let reference = d.territory.reference();
    let territory_row = row(&d.own, reference.clone(), &name)?;
    let france = row(&d.france, TerritoryRef::france(), "France")?;
    let (all_ref, all_name) = all_qpv_of(&d.territory, layer);
    let all_qpv = row(&d.all_qpv, all_ref, &all_name)?;
    let qpv = d
        .qpv
        .iter()
        .map(|q| {
            Ok(PackQpv {
                id: q.id,
                row: row(
                    &q.figures,
                    TerritoryRef::new(TerritoryLevel::Qpv, q.code.clone()),
                    &q.name,
                )?,
                near: row(
                    &q.near,
                    TerritoryRef::new(TerritoryLevel::Qpv500m, q.code.clone()),
                    &format!("{} et abords (500 m)", q.name),
                )?,
            })
        })
        .collect::<Result<Vec<_>, DossierError>>()?;
    let ids: Vec<QpvId> = qpv.iter().map(|q: &PackQpv| q.id).collect();
    let actors = pack_actors(app, &reference, &ids).await?;
    let status = app.store.status();
    // Stores written before issue 14 counted the SIRENE flag.
    let perimeter = app
        .store
        .provenance()
        .map_or(essor_model::legal::Perimeter::Sirene, |p| p.perimeter);
    Ok(PackData {
        perimeter,
        territory: territory_row,
        france,
        all_qpv,
        qpv,
        actors,
        notice: status.synthetic.then(|| {
            format!(
                "Démonstration : les acteurs et les chiffres de ce dossier sont synthétiques ({}). Ils ne décrivent aucun établissement réel.",
                status.description
            )
        }),
    })
}

/// Within this distance of one of its QPV an actor belongs to a territory's pack (metres).
const NEAR_M: f64 = essor_observatory::placement::NEAR_M;

/// The diffusible actors of a territory and those within 500 m of one of its QPV, in SIRET
/// order: what `essor diagnose --territory` keeps ([`essor_observatory::ActorScope`]).
async fn pack_actors(
    app: &App,
    territory: &TerritoryRef,
    qpv: &[QpvId],
) -> Result<Vec<essor_observatory::Actor>, StoreError> {
    let mut kept = BTreeMap::new();
    let mut keep = |a: &crate::store::Actor| {
        kept.entry(a.siret.to_string())
            .or_insert_with(|| observatory_actor(a));
    };
    // A QPV's own actors are those near it, inside included (the observatory's rule).
    if territory.level != TerritoryLevel::Qpv {
        let query = ActorQuery {
            territory: Some(territory.clone()),
            ..ActorQuery::default()
        };
        let mut all = app.store.export(&query).await?;
        while let Some(a) = all.next().await {
            keep(&a?);
        }
    }
    if territory.level != TerritoryLevel::France {
        let layer = app.index.layer();
        let wgs84 = app.index.locator(&Crs::wgs84());
        for &q in qpv {
            let code = layer.get(q).code.as_str();
            let Some(bbox) = app.shapes.get(code).and_then(|s| around(s, NEAR_M)) else {
                continue;
            };
            // Within 500 m of this QPV means within 500 m of the nearest one.
            let query = ActorQuery {
                bbox: Some(bbox),
                bands: vec![Band::In, Band::Within(300), Band::Within(500)],
                ..ActorQuery::default()
            };
            let mut near = app.store.export(&query).await?;
            while let Some(a) = near.next().await {
                let a = a?;
                let Some((lon, lat)) = a.lon_lat else {
                    continue;
                };
                let inside = a.qpv_code.as_deref() == Some(code);
                let close = || {
                    wgs84
                        .within(lon, lat, NEAR_M)
                        .is_ok_and(|v| v.iter().any(|(id, _)| *id == q))
                };
                if inside || close() {
                    keep(&a);
                }
            }
        }
    }
    Ok(kept.into_values().collect())
}

/// The WGS84 box of a QPV widened by `m` metres (and a little more, for the curvature).
fn around(shape: &crate::qpv_shapes::QpvShape, m: f64) -> Option<crate::store::BBox> {
    use geo::BoundingRect;
    let r = shape.geometry.bounding_rect()?;
    let dlat = m * 1.05 / 111_000.0;
    let dlon = dlat
        / r.max()
            .y
            .abs()
            .max(r.min().y.abs())
            .to_radians()
            .cos()
            .max(0.1);
    Some(crate::store::BBox {
        min_lon: r.min().x - dlon,
        min_lat: r.min().y - dlat,
        max_lon: r.max().x + dlon,
        max_lat: r.max().y + dlat,
    })
}

/// The méthodologie of a pack: the rules, then the facts of the run that built the store.
pub fn methodology_text(app: &App) -> String {
    match app.store.provenance() {
        Some(p) => format!("{}\n{}", methodology::rules(), p.run_facts),
        None => format!(
            "{}\n## Données de ce calcul\n\n- {}\n",
            methodology::rules(),
            app.store.status().description
        ),
    }
}
