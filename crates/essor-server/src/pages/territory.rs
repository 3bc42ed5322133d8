//! A territory page: the diagnostic of the ESS in a territory for a meeting — key figures
//! compared with its QPV, the territory it belongs to, all QPV and France; legal families,
//! sectors and activities; its QPV one by one; a map of its QPV and its actors; where every
//! number comes from. Everything is read through the store seam ([`Dossier`]), so every
//! backend serves the same page.

use super::charts::{self, Series, colour};
use super::format::{self, NOT_APPLICABLE, NOT_PUBLISHED};
use super::{Layout, ProvenanceView, errors, render};
use crate::AppState;
use crate::dossier::{Dossier, Figures};
use crate::store::{ActorQuery, TerritoryLevel, TerritoryRef};
use crate::territories::{self, Territory};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use essor_model::sector::EssSector;
use essor_observatory::IndicatorRow;
use essor_observatory::pack::difference;

/// A column of the comparison: a territory or a grouping, and its figures.
#[derive(Debug, Clone)]
pub struct Column {
    pub label: String,
    /// The label of table headers and chart legends (« Ce quartier », « Ses QPV »).
    pub short: String,
    /// Its page, when it has one.
    pub href: Option<String>,
    pub colour: &'static str,
    pub figures: Option<Figures>,
}

/// A cell: the value, and a second line (a range) when there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub main: String,
    pub detail: String,
    /// True when the value is missing ("non publié", "sans objet").
    pub missing: bool,
}

impl Cell {
    fn value(main: String) -> Self {
        Self {
            main,
            detail: String::new(),
            missing: false,
        }
    }
    fn missing(why: &str) -> Self {
        Self {
            main: why.to_owned(),
            detail: String::new(),
            missing: true,
        }
    }
}

/// How a figure is read and written.
#[derive(Debug, Clone, Copy)]
pub enum Kind<'a> {
    /// A count of establishments or inhabitants.
    Count(&'a str),
    /// Estimated jobs, with the columns of their low and high bounds.
    Jobs(&'a str, &'a str, &'a str),
    /// A share, with the column of its denominator ("sans objet" when it is zero).
    Share(&'a str, &'a str),
    /// A density per inhabitants.
    Density(&'a str),
    /// The population (« inconnue » when missing).
    Population,
}

impl Kind<'_> {
    /// The cell of this figure in a column.
    pub fn cell(self, f: Option<&Figures>) -> Cell {
        let Some(f) = f else {
            return Cell::missing(NOT_PUBLISHED);
        };
        match self {
            Kind::Count(n) => f.get(n).map_or(Cell::missing(NOT_PUBLISHED), |v| {
                Cell::value(format::whole(v))
            }),
            Kind::Jobs(n, low, high) => match f.get(n) {
                None => Cell::missing(NOT_PUBLISHED),
                Some(v) => Cell {
                    main: format::whole(v),
                    detail: match (f.get(low), f.get(high)) {
                        (Some(l), Some(h)) => format::range(l, h),
                        _ => String::new(),
                    },
                    missing: false,
                },
            },
            Kind::Share(n, den) => match (f.get(n), f.get(den)) {
                (Some(v), _) => Cell::value(format::percent(v)),
                (None, Some(0.0)) => Cell::missing(NOT_APPLICABLE),
                _ => Cell::missing(NOT_PUBLISHED),
            },
            Kind::Population => f
                .get("population")
                .map_or(Cell::missing("inconnue"), |v| Cell::value(format::whole(v))),
            Kind::Density(n) => match (f.get(n), f.get("population")) {
                (Some(v), _) => Cell::value(format::decimal(v, 1)),
                (None, None) => Cell::missing("population inconnue"),
                (None, Some(_)) => Cell::missing(NOT_PUBLISHED),
            },
        }
    }

    /// The value itself (for comparisons in sentences and charts).
    pub fn value(self, f: Option<&Figures>) -> Option<f64> {
        let name = match self {
            Kind::Count(n) | Kind::Jobs(n, _, _) | Kind::Share(n, _) | Kind::Density(n) => n,
            Kind::Population => "population",
        };
        f?.get(name)
    }
}

/// One line of a table of figures.
#[derive(Debug, Clone)]
pub struct FigureRow {
    pub label: String,
    /// Anchor of its rule on `/methodologie`.
    pub method: &'static str,
    pub cells: Vec<Cell>,
}

/// The key figures of the comparison table: (label, rule, kind).
const KEY_FIGURES: [(&str, &str, Kind<'static>); 11] = [
    (
        "Établissements actifs de l'ESS",
        "ess",
        Kind::Count("ess_establishments"),
    ),
    (
        "dont établissements employeurs",
        "employeur",
        Kind::Count("ess_employer_establishments"),
    ),
    (
        "Emplois de l'ESS (estimation, fourchette)",
        "emplois-estimes",
        Kind::Jobs("ess_jobs", "ess_jobs_low", "ess_jobs_high"),
    ),
    (
        "Part de l'ESS dans l'emploi (estimation)",
        "parts",
        Kind::Share("ess_jobs_share", "jobs"),
    ),
    (
        "Part de l'ESS dans l'emploi privé (estimation)",
        "parts",
        Kind::Share("ess_private_jobs_share", "private_jobs"),
    ),
    (
        "Part de l'ESS parmi les établissements employeurs",
        "parts",
        Kind::Share("ess_employer_share", "employer_establishments"),
    ),
    (
        "Établissements de l'ESS pour 10 000 habitants",
        "densites",
        Kind::Density("ess_establishments_per_10k_inhabitants"),
    ),
    (
        "Emplois de l'ESS pour 1 000 habitants (estimation)",
        "densites",
        Kind::Density("ess_jobs_per_1k_inhabitants"),
    ),
    (
        "Établissements actifs, ESS ou non",
        "etablissement-actif",
        Kind::Count("establishments"),
    ),
    (
        "Emplois estimés, ESS ou non",
        "emplois-estimes",
        Kind::Jobs("jobs", "jobs_low", "jobs_high"),
    ),
    ("Population municipale", "densites", Kind::Population),
];

/// A key figure shown large, with its comparison in words.
#[derive(Debug, Clone)]
pub struct Headline {
    pub label: &'static str,
    pub value: String,
    pub detail: String,
    pub method: &'static str,
}

/// A QPV of the territory, one line of the QPV table.
#[derive(Debug, Clone)]
pub struct QpvRow {
    pub code: String,
    pub name: String,
    pub communes: String,
    pub cells: Vec<Cell>,
}

/// What the map script needs (`web/static/territory.js`).
#[derive(Debug, Clone)]
pub struct MapView {
    /// `[minLon, minLat, maxLon, maxLat]`, JSON.
    pub bbox: String,
    /// The outline layer drawn for the territory (`communes`, `departements`, `regions`,
    /// `qpv`) and the codes to draw, JSON; empty for France.
    pub outline_layer: &'static str,
    pub outline_codes: String,
    /// Codes of its QPV, JSON.
    pub qpv: String,
    /// `NIVEAU:CODE` for the actors layer.
    pub filter: String,
    pub description: String,
    /// The main map's view of the territory (`carte=zoom/lat/lon`).
    pub hash: String,
}

/// A file to download.
#[derive(Debug, Clone)]
pub struct Download {
    pub label: &'static str,
    pub href: String,
    pub file: String,
    pub format: &'static str,
}

/// A table with a chart.
#[derive(Debug, Clone)]
pub struct Chart {
    pub svg: String,
    pub caption: String,
    /// What the rows are (« Famille »).
    pub rows_label: &'static str,
    /// Groups of columns: (header, number of columns).
    pub groups: Vec<(String, usize)>,
    /// Column headers of the table, under their groups.
    pub head: Vec<String>,
    pub rows: Vec<FigureRow>,
    /// Anchor of the rule on `/methodologie`.
    pub method: &'static str,
}

#[derive(Debug, Template)]
#[template(path = "territory.html")]
pub struct TerritoryPage {
    pub layout: Layout,
    pub territory: Territory,
    pub level_label: &'static str,
    /// (href, name), France first.
    pub breadcrumb: Vec<(String, String)>,
    pub has_figures: bool,
    pub headlines: Vec<Headline>,
    /// A sentence on its QPV (or, for a QPV, on its surroundings).
    pub qpv_summary: Option<String>,
    pub columns: Vec<Column>,
    pub key_rows: Vec<FigureRow>,
    pub column_notes: Vec<String>,
    pub share_chart: Option<String>,
    pub families: Option<Chart>,
    pub sectors: Option<Chart>,
    pub sections: Option<Chart>,
    pub qpv_head: Vec<&'static str>,
    pub qpv_rows: Vec<QpvRow>,
    pub map: Option<MapView>,
    /// (href, count) of the directory filtered on the territory.
    pub directory: Option<(String, String)>,
    pub downloads: Vec<Download>,
    pub provenance: Option<ProvenanceView>,
    /// The ESS perimeter of the figures, in words (issue 14).
    pub perimeter: Option<&'static str>,
    /// The years of the headcount brackets behind the territory's ESS job estimates:
    /// (year, ESS employers, estimated jobs), the years present only (issue 14).
    pub vintages: Vec<(&'static str, String, String)>,
    /// ESS employers without a headcount bracket, counted apart (issue 14).
    pub unknown_bracket: String,
    pub api: String,
    /// The territories one level down, linked (a commune's QPV only when the QPV table does
    /// not already list them).
    pub children: Vec<essor_app::territories::Named>,
    /// « Ses 43 communes ».
    pub children_title: String,
    /// « Les autres communes de Rennes Métropole ».
    pub neighbours_title: String,
}

/// The headings of a territory's lists: (children, neighbours).
fn list_titles(t: &Territory) -> (String, String) {
    let n = t.children.len();
    let plural = |one: &str, many: &str| {
        if n > 1 {
            many.to_owned()
        } else {
            one.to_owned()
        }
    };
    let children = match t.level {
        TerritoryLevel::France => format!("Ses {n} régions"),
        TerritoryLevel::Region => format!("Ses {n} {}", plural("département", "départements")),
        TerritoryLevel::Departement => format!(
            "Ses {n} {}",
            plural(
                "intercommunalité (EPCI)",
                "intercommunalités (EPCI) et communes isolées"
            )
        ),
        TerritoryLevel::Epci => format!("Ses {n} {}", plural("commune", "communes")),
        TerritoryLevel::Commune => format!(
            "Ses {n} {}",
            plural("quartier prioritaire", "quartiers prioritaires")
        ),
        _ => String::new(),
    };
    let parent_name = |level: TerritoryLevel| {
        t.parents
            .iter()
            .find(|p| p.0 == level)
            .map(|p| p.2.clone())
            .unwrap_or_default()
    };
    let neighbours = match t.level {
        TerritoryLevel::Region => "Les autres régions, pour comparer".to_owned(),
        TerritoryLevel::Departement => format!(
            "Les autres départements de {}, pour comparer",
            parent_name(TerritoryLevel::Region)
        ),
        TerritoryLevel::Epci => format!(
            "Les autres EPCI de {}, pour comparer",
            parent_name(TerritoryLevel::Departement)
        ),
        TerritoryLevel::Commune => format!(
            "Les autres communes de {}, pour comparer",
            parent_name(TerritoryLevel::Epci)
        ),
        TerritoryLevel::Qpv => {
            let parent = t
                .parents
                .iter()
                .rev()
                .find(|p| matches!(p.0, TerritoryLevel::Commune | TerritoryLevel::Epci))
                .map(|p| p.2.clone())
                .unwrap_or_default();
            format!("Les autres quartiers prioritaires de {parent}, pour comparer")
        }
        _ => String::new(),
    };
    (children, neighbours)
}

fn page_of(t: &TerritoryRef) -> String {
    format!("/territoires/{}/{}", t.level.code(), t.code)
}

/// The comparison columns: the territory, its QPV (or its 500 m), outside them, the
/// territory it is compared with, all QPV, France.
fn columns(d: &Dossier) -> (Vec<Column>, Vec<String>) {
    let t = &d.territory;
    let this = match t.level {
        TerritoryLevel::Qpv => "Ce quartier".to_owned(),
        TerritoryLevel::Commune => "Cette commune".to_owned(),
        TerritoryLevel::Epci => "Cet EPCI".to_owned(),
        TerritoryLevel::Departement => "Ce département".to_owned(),
        TerritoryLevel::Region => "Cette région".to_owned(),
        _ => t.name.clone(),
    };
    let mut cols = vec![Column {
        label: t.name.clone(),
        short: this,
        href: None,
        colour: colour::TERRITORY,
        figures: d.own.clone(),
    }];
    let mut notes = Vec::new();
    if t.level == TerritoryLevel::Qpv {
        cols.push(Column {
            label: "Le quartier et ses abords (500 m)".into(),
            short: "Quartier et abords (500 m)".into(),
            href: Some(page_of(&TerritoryRef::new(
                TerritoryLevel::Qpv500m,
                t.code.clone(),
            ))),
            colour: colour::ITS_QPV,
            figures: d.qpv.first().and_then(|q| q.near.clone()),
        });
        notes.push(
            "Abords : le quartier et les établissements situés à moins de 500 m de ses limites."
                .into(),
        );
    } else if !d.qpv.is_empty() {
        let its = d.its_qpv();
        let own = d
            .own
            .as_ref()
            .and_then(|f| f.row(&t.reference(), &t.name).ok());
        let outside = own.zip(its.as_ref()).map(|(own, its)| IndicatorRow {
            population: None,
            tally: difference(&own.tally, &its.tally),
            ..own
        });
        cols.push(Column {
            label: format!("Ses QPV ({})", d.qpv.len()),
            short: format!("Ses QPV ({})", d.qpv.len()),
            href: None,
            colour: colour::ITS_QPV,
            figures: its.as_ref().map(Figures::of_row),
        });
        cols.push(Column {
            label: "Hors de ses QPV".into(),
            short: "Hors de ses QPV".into(),
            href: None,
            colour: colour::OUTSIDE,
            figures: outside.as_ref().map(Figures::of_row),
        });
        notes.push(format!(
            "Ses QPV : les {} quartiers prioritaires situés en tout ou partie dans le territoire, chacun compté en entier ; hors de ses QPV : le territoire moins ces quartiers.",
            d.qpv.len()
        ));
    }
    if let Some(c) = &d.comparison {
        cols.push(Column {
            label: c.name.clone(),
            short: c.name.clone(),
            href: Some(page_of(&c.territory)),
            colour: colour::COMPARISON,
            figures: c.figures.clone(),
        });
    }
    // Issue 14: a 2024 QPV counted from `plg_qp24` is compared with all the 2024 QPV.
    let qpv_2024 = t.level == TerritoryLevel::Qpv
        && essor_model::QpvGeography::of_code(&t.code) == Some(essor_model::QpvGeography::Qpv2024)
        && t.qpv.is_empty();
    if t.level != TerritoryLevel::QpvTotal {
        let label = if qpv_2024 {
            "Ensemble des QPV 2024"
        } else {
            "Ensemble des QPV"
        };
        cols.push(Column {
            label: label.into(),
            short: label.into(),
            href: (!qpv_2024).then(|| page_of(&TerritoryRef::all_qpv())),
            colour: colour::ALL_QPV,
            figures: d.all_qpv.clone(),
        });
    }
    for g in &d.groupings {
        cols.push(Column {
            label: g.name.clone(),
            short: g.name.clone(),
            href: Some(page_of(&g.territory)),
            colour: if g.territory.level == TerritoryLevel::HorsQpv {
                colour::OUTSIDE
            } else {
                colour::ITS_QPV
            },
            figures: g.figures.clone(),
        });
    }
    if t.level != TerritoryLevel::France {
        cols.push(Column {
            label: "France".into(),
            short: "France".into(),
            href: Some(page_of(&TerritoryRef::france())),
            colour: colour::FRANCE,
            figures: d.france.clone(),
        });
    }
    (cols, notes)
}

fn figure_rows(columns: &[Column], figures: &[(&str, &'static str, Kind)]) -> Vec<FigureRow> {
    figures
        .iter()
        .map(|(label, method, kind)| FigureRow {
            label: (*label).to_owned(),
            method,
            cells: columns
                .iter()
                .map(|c| kind.cell(c.figures.as_ref()))
                .collect(),
        })
        .collect()
}

/// The large figures, with their comparisons in words.
fn headlines(columns: &[Column], level: TerritoryLevel) -> Vec<Headline> {
    let own = columns[0].figures.as_ref();
    let france = columns
        .iter()
        .find(|c| c.label == "France")
        .and_then(|c| c.figures.as_ref());
    let others = |kind: Kind| -> String {
        let parts: Vec<String> = columns[1..]
            .iter()
            .filter(|c| c.colour != colour::OUTSIDE)
            .map(|c| (c, kind.cell(c.figures.as_ref())))
            .filter(|(_, cell)| !cell.missing)
            .map(|(c, cell)| format!("{} : {}", c.label, cell.main))
            .collect();
        parts.join(" · ")
    };
    let text = |kind: Kind| kind.cell(own).main;
    let share = Kind::Share("ess_jobs_share", "jobs");
    let mut share_detail = others(share);
    if let (Some(v), Some(f)) = (share.value(own), share.value(france))
        && level != TerritoryLevel::France
    {
        share_detail = format!(
            "{} par rapport à la France · {share_detail}",
            format::points(v - f)
        );
    }
    let density = Kind::Density("ess_establishments_per_10k_inhabitants");
    let jobs = Kind::Jobs("ess_jobs", "ess_jobs_low", "ess_jobs_high");
    vec![
        Headline {
            label: "Établissements employeurs de l'ESS",
            value: text(Kind::Count("ess_employer_establishments")),
            detail: format!(
                "parmi {} établissements actifs de l'ESS",
                text(Kind::Count("ess_establishments"))
            ),
            method: "employeur",
        },
        Headline {
            label: "Emplois de l'ESS (estimation)",
            value: text(jobs),
            detail: {
                let c = jobs.cell(own);
                if c.detail.is_empty() {
                    String::new()
                } else {
                    format!("fourchette {}", c.detail)
                }
            },
            method: "emplois-estimes",
        },
        Headline {
            label: "Part de l'ESS dans l'emploi (estimation)",
            value: text(share),
            detail: share_detail,
            method: "parts",
        },
        Headline {
            label: "Établissements de l'ESS pour 10 000 habitants",
            value: text(density),
            detail: others(density),
            method: "densites",
        },
    ]
}

/// A sentence on the territory's QPV, or for a QPV on its surroundings.
fn qpv_summary(d: &Dossier) -> Option<String> {
    let t = &d.territory;
    if t.level == TerritoryLevel::Qpv {
        let near = d.qpv.first()?.near.as_ref()?;
        return Some(format!(
            "Avec ses abords (500 m), le quartier compte {} établissements employeurs de l'ESS et {} emplois estimés de l'ESS.",
            format::whole(near.get("ess_employer_establishments")?),
            format::whole(near.get("ess_jobs")?)
        ));
    }
    if d.qpv.is_empty() {
        return (t.level.is_place() && t.level != TerritoryLevel::France).then(|| {
            "Aucun quartier prioritaire de la géographie servie n'est situé dans ce territoire."
                .to_owned()
        });
    }
    let its = d.its_qpv()?;
    let own = d.own.as_ref()?;
    let mut s = format!(
        "Ses {} quartiers prioritaires comptent {} établissements employeurs de l'ESS et {} emplois estimés de l'ESS",
        d.qpv.len(),
        format::count(its.tally.ess_employer_establishments),
        format::whole(its.tally.ess_jobs),
    );
    if let Some(all) = own
        .get("ess_jobs")
        .filter(|j| *j > 0.0 && its.tally.ess_jobs <= *j)
    {
        s.push_str(&format!(
            ", soit {} des emplois de l'ESS du territoire",
            format::percent(its.tally.ess_jobs / all)
        ));
    }
    s.push('.');
    Some(s)
}

/// The columns a detail chart compares: the territory, its QPV, all QPV and France.
fn chart_columns(columns: &[Column]) -> Vec<&Column> {
    columns
        .iter()
        .filter(|c| c.colour != colour::OUTSIDE && c.colour != colour::COMPARISON)
        .collect()
}

/// One series per column of the shares `name(i)` of `denominator`; a missing share is named
/// as its table cell names it (« sans objet » when the denominator is zero).
fn series(
    columns: &[&Column],
    name: impl Fn(usize) -> String,
    n: usize,
    denominator: &str,
) -> Vec<Series> {
    columns
        .iter()
        .map(|c| Series {
            label: c.short.clone(),
            colour: c.colour,
            colours: Vec::new(),
            values: (0..n)
                .map(|i| c.figures.as_ref().and_then(|f| f.get(&name(i))))
                .collect(),
            missing: (0..n)
                .map(|i| {
                    Kind::Share(&name(i), denominator)
                        .cell(c.figures.as_ref())
                        .main
                })
                .collect(),
        })
        .collect()
}

fn families(columns: &[Column]) -> Chart {
    use crate::store::LegalFamily;
    let cols = chart_columns(columns);
    let keys: Vec<&str> = LegalFamily::ESS.iter().map(|f| f.column_key()).collect();
    let labels: Vec<String> = LegalFamily::ESS
        .iter()
        .map(|f| f.singular_label().to_owned())
        .collect();
    let svg = charts::bars(
        "graphique-familles",
        "Répartition des établissements employeurs de l'ESS par famille juridique",
        &labels,
        &series(
            &cols,
            |i| format!("ess_employer_{}_share", keys[i]),
            keys.len(),
            "ess_employer_establishments",
        ),
        format::percent,
    );
    let mut head = vec![columns[0].short.clone()];
    head.extend(cols.iter().map(|c| c.short.clone()));
    let groups = vec![
        ("Établissements employeurs de l'ESS".to_owned(), 1),
        (
            "Part parmi les établissements employeurs de l'ESS".to_owned(),
            cols.len(),
        ),
    ];
    let rows = LegalFamily::ESS
        .iter()
        .map(|f| {
            let k = f.column_key();
            let (count, share) = (
                format!("ess_employer_{k}"),
                format!("ess_employer_{k}_share"),
            );
            let mut cells = vec![Kind::Count(&count).cell(columns[0].figures.as_ref())];
            cells.extend(cols.iter().map(|c| {
                Kind::Share(&share, "ess_employer_establishments").cell(c.figures.as_ref())
            }));
            FigureRow {
                label: f.singular_label().to_owned(),
                method: "famille-juridique",
                cells,
            }
        })
        .collect();
    Chart {
        svg,
        caption: "Établissements employeurs de l'ESS par famille juridique".into(),
        rows_label: "Famille",
        groups,
        head,
        rows,
        method: "famille-juridique",
    }
}

fn sectors(columns: &[Column]) -> Chart {
    let cols = chart_columns(columns);
    let labels: Vec<String> = EssSector::ALL
        .iter()
        .map(|s| s.label().to_owned())
        .collect();
    let svg = charts::bars(
        "graphique-secteurs",
        "Part de chaque secteur dans les emplois de l'ESS",
        &labels,
        &series(
            &cols,
            |i| format!("ess_jobs_part_{}", EssSector::ALL[i].as_str()),
            labels.len(),
            "ess_jobs",
        ),
        format::percent,
    );
    let own = columns[0].figures.as_ref();
    let mut head = vec![columns[0].short.clone()];
    head.extend(cols.iter().map(|c| c.short.clone()));
    head.extend(cols.iter().map(|c| c.short.clone()));
    let groups = vec![
        ("Emplois de l'ESS (estimation)".to_owned(), 1),
        (
            "Part du secteur dans les emplois de l'ESS".to_owned(),
            cols.len(),
        ),
        (
            "Part de l'ESS dans les emplois du secteur (estimation)".to_owned(),
            cols.len(),
        ),
    ];
    let rows = EssSector::ALL
        .iter()
        .map(|s| {
            let k = s.as_str();
            let (jobs, ess_jobs, part, share) = (
                format!("jobs_{k}"),
                format!("ess_jobs_{k}"),
                format!("ess_jobs_part_{k}"),
                format!("ess_jobs_share_{k}"),
            );
            let mut cells = vec![Kind::Count(&ess_jobs).cell(own)];
            cells.extend(
                cols.iter()
                    .map(|c| Kind::Share(&part, "ess_jobs").cell(c.figures.as_ref())),
            );
            cells.extend(
                cols.iter()
                    .map(|c| Kind::Share(&share, &jobs).cell(c.figures.as_ref())),
            );
            FigureRow {
                label: s.label().to_owned(),
                method: "secteurs",
                cells,
            }
        })
        .collect();
    Chart {
        svg,
        caption: "Emplois de l'ESS par secteur (estimation)".into(),
        rows_label: "Secteur",
        groups,
        head,
        rows,
        method: "secteurs",
    }
}

/// Sections of NAF rév. 2 with their labels, in order.
fn naf_sections() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for n in &essor_refdata::nomenclatures::naf_rev2().entries {
        if !out.iter().any(|(c, _)| *c == n.code_section) {
            out.push((n.code_section.clone(), n.libelle_section.clone()));
        }
    }
    out.sort();
    out
}

/// ESS establishments by NAF section (the sections the territory has, or all of them).
fn sections(columns: &[Column]) -> Option<Chart> {
    let own = columns[0].figures.as_ref()?;
    own.get("ess_establishments").filter(|t| *t > 0.0)?;
    let cols = chart_columns(columns);
    let mut head = vec![columns[0].short.clone()];
    head.extend(cols.iter().map(|c| c.short.clone()));
    let groups = vec![
        ("Établissements actifs de l'ESS".to_owned(), 1),
        (
            "Part parmi les établissements actifs de l'ESS".to_owned(),
            cols.len(),
        ),
    ];
    let rows: Vec<FigureRow> = naf_sections()
        .into_iter()
        .filter_map(|(letter, label)| {
            let name = format!("ess_establishments_naf_{letter}");
            let n = own.get(&name)?;
            (n > 0.0).then(|| {
                let mut cells = vec![Cell::value(format::whole(n))];
                cells.extend(cols.iter().map(|c| {
                    let f = c.figures.as_ref();
                    match (
                        f.and_then(|f| f.get(&name)),
                        f.and_then(|f| f.get("ess_establishments")),
                    ) {
                        (Some(v), Some(t)) if t > 0.0 => Cell::value(format::percent(v / t)),
                        (Some(_), Some(_)) => Cell::missing(NOT_APPLICABLE),
                        _ => Cell::missing(NOT_PUBLISHED),
                    }
                }));
                FigureRow {
                    label: format!("{letter} — {label}"),
                    method: "secteurs",
                    cells,
                }
            })
        })
        .collect();
    Some(Chart {
        svg: String::new(),
        caption: "Établissements actifs de l'ESS par section d'activité (NAF rév. 2)".into(),
        rows_label: "Section",
        groups,
        head,
        rows,
        method: "secteurs",
    })
}

/// The territory's ESS employers and estimated jobs by the year of their bracket (issue 14).
fn vintages(d: &Dossier) -> Vec<(&'static str, String, String)> {
    let Some(own) = d.own.as_ref() else {
        return Vec::new();
    };
    essor_observatory::tally::VINTAGES
        .iter()
        .filter_map(|(key, label)| {
            let n = own.get(&format!("ess_employer_vintage_{key}"))?;
            let jobs = own.get(&format!("ess_jobs_vintage_{key}"))?;
            (n > 0.0).then(|| (*label, format::whole(n), format::whole(jobs)))
        })
        .collect()
}

const QPV_HEAD: [&str; 7] = [
    "Population",
    "Établissements de l'ESS",
    "dont employeurs",
    "Emplois de l'ESS (estimation)",
    "Part de l'ESS dans l'emploi (estimation)",
    "Employeurs de l'ESS à 500 m",
    "Emplois de l'ESS à 500 m (estimation)",
];

fn qpv_rows(d: &Dossier) -> Vec<QpvRow> {
    let mut qpv: Vec<&crate::dossier::QpvFigures> = d.qpv.iter().collect();
    let ess = |q: &crate::dossier::QpvFigures| {
        q.figures
            .as_ref()
            .and_then(|f| f.get("ess_establishments"))
            .unwrap_or(-1.0)
    };
    qpv.sort_by(|a, b| ess(b).total_cmp(&ess(a)).then_with(|| a.name.cmp(&b.name)));
    qpv.into_iter()
        .map(|q| {
            let f = q.figures.as_ref();
            let n = q.near.as_ref();
            QpvRow {
                code: q.code.clone(),
                name: q.name.clone(),
                communes: q.communes.join(", "),
                cells: vec![
                    q.population
                        .map_or(Cell::missing("inconnue"), |p| Cell::value(format::count(p))),
                    Kind::Count("ess_establishments").cell(f),
                    Kind::Count("ess_employer_establishments").cell(f),
                    Kind::Count("ess_jobs").cell(f),
                    Kind::Share("ess_jobs_share", "jobs").cell(f),
                    Kind::Count("ess_employer_establishments").cell(n),
                    Kind::Count("ess_jobs").cell(n),
                ],
            }
        })
        .collect()
}

/// The WGS84 box of the territory, for the map: its outline in the embedded layers, else
/// its QPV. Reads the outline layers (blocking the first time).
fn bbox(state: &AppState, t: &Territory) -> Option<[f64; 4]> {
    let communes: Vec<&str> = t.communes.iter().map(String::as_str).collect();
    bounds(state, t.level, &t.code, &communes, &t.qpv)
}

/// The WGS84 box `[minLon, minLat, maxLon, maxLat]` of a territory known by its level and
/// code, for framing a map on it (the territory search). Blocking the first time, as
/// [`bbox`].
pub fn bbox_of(state: &AppState, level: TerritoryLevel, code: &str) -> Option<[f64; 4]> {
    let cog = essor_refdata::cog::cog();
    let communes: Vec<&str> = match level {
        TerritoryLevel::Epci => cog
            .communes_of_epci(code)
            .map(|c| c.code.as_str())
            .collect(),
        TerritoryLevel::Commune => vec![code],
        _ => Vec::new(),
    };
    let qpv: Vec<essor_geo::QpvId> = match level {
        TerritoryLevel::Qpv => state.index.layer().find(code).into_iter().collect(),
        _ => Vec::new(),
    };
    bounds(state, level, code, &communes, &qpv)
}

fn bounds(
    state: &AppState,
    level: TerritoryLevel,
    code: &str,
    communes: &[&str],
    qpv: &[essor_geo::QpvId],
) -> Option<[f64; 4]> {
    let tiles = &state.tiles;
    let outline = match level {
        TerritoryLevel::France => return Some([-5.2, 41.3, 9.6, 51.1]),
        TerritoryLevel::Region => tiles.polygon("regions")?.bounds(&[code]),
        TerritoryLevel::Departement => tiles.polygon("departements")?.bounds(&[code]),
        TerritoryLevel::Epci | TerritoryLevel::Commune => {
            tiles.polygon("communes")?.bounds(communes)
        }
        _ => None,
    };
    outline.or_else(|| {
        use geo::BoundingRect;
        let layer = state.index.layer();
        qpv.iter()
            .filter_map(|&q| state.shapes.get(layer.get(q).code.as_str()))
            .filter_map(|s| s.geometry.bounding_rect())
            .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
            .reduce(|a, b| {
                [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ]
            })
    })
}

fn map_view(state: &AppState, t: &Territory, bbox: Option<[f64; 4]>) -> Option<MapView> {
    let bbox = bbox?;
    let layer = state.index.layer();
    let json = |v: Vec<String>| serde_json::to_string(&v).unwrap_or_else(|_| "[]".into());
    let (outline_layer, codes) = match t.level {
        TerritoryLevel::Region => ("regions", vec![t.code.clone()]),
        TerritoryLevel::Departement => ("departements", vec![t.code.clone()]),
        TerritoryLevel::Epci | TerritoryLevel::Commune => ("communes", t.communes.clone()),
        TerritoryLevel::Qpv => ("qpv", vec![t.code.clone()]),
        _ => ("", Vec::new()),
    };
    let qpv: Vec<String> = t
        .qpv
        .iter()
        .map(|&q| layer.get(q).code.to_string())
        .collect();
    let description = match t.level {
        TerritoryLevel::Qpv => format!(
            "Carte du quartier {} : son contour en bleu, les acteurs de l'ESS diffusibles situés dans le quartier en vert.",
            t.name
        ),
        // France holds every QPV, not listed as its own (issue 12: « ses 0 quartiers »).
        TerritoryLevel::France => format!(
            "Carte de France : les {} quartiers prioritaires en rouge, les acteurs de l'ESS diffusibles en vert (groupés en bleu quand ils sont proches).",
            format::count(layer.len() as u64)
        ),
        _ => format!(
            "Carte de {} : son contour en bleu, ses {} quartiers prioritaires en rouge, ses acteurs de l'ESS diffusibles en vert (groupés en bleu quand ils sont proches).",
            t.name,
            qpv.len()
        ),
    };
    // The zoom at which the box fills about 900 pixels (512-pixel tiles).
    let span = (bbox[2] - bbox[0]).max((bbox[3] - bbox[1]) * 1.5).max(1e-4);
    let zoom = (360.0 * 900.0 / 512.0 / span).log2().clamp(3.0, 16.0);
    Some(MapView {
        hash: format!(
            "carte={zoom:.1}/{:.5}/{:.5}",
            (bbox[1] + bbox[3]) / 2.0,
            (bbox[0] + bbox[2]) / 2.0
        ),
        bbox: format!(
            "[{:.5},{:.5},{:.5},{:.5}]",
            bbox[0], bbox[1], bbox[2], bbox[3]
        ),
        outline_layer,
        outline_codes: json(codes),
        qpv: json(qpv),
        filter: format!("{}:{}", t.level.code(), t.code),
        description,
    })
}

fn downloads(t: &Territory) -> Vec<Download> {
    let (l, c) = (t.level.code(), t.code.as_str());
    let base = format!("/api/v1/territories/{l}/{c}");
    let stem = format!("{l}-{c}");
    vec![
        Download {
            label: "Dossier de diagnostic (rapport autonome, s'ouvre hors ligne)",
            href: format!("/territoires/{l}/{c}/dossier"),
            file: format!("diagnostic-{stem}.html"),
            format: "HTML",
        },
        Download {
            label: "Indicateurs du territoire, de ses QPV, de l'ensemble des QPV et de la France",
            href: format!("{base}/indicators.csv"),
            file: format!("indicateurs-{stem}.csv"),
            format: "CSV",
        },
        Download {
            label: "Acteurs de l'ESS diffusibles du territoire et des abords de ses QPV",
            href: format!("{base}/actors.geojson"),
            file: format!("acteurs-{stem}.geojson"),
            format: "GeoJSON",
        },
        Download {
            label: "Contours et chiffres clés de ses QPV",
            href: format!("{base}/qpv.geojson"),
            file: format!("qpv-{stem}.geojson"),
            format: "GeoJSON",
        },
    ]
}

/// `GET /territoires/{level}/{code}`.
pub async fn show(
    State(state): State<AppState>,
    Path((level, code)): Path<(String, String)>,
) -> Response {
    let Some(level) = TerritoryLevel::from_code(&level) else {
        return errors::not_found(
            &state,
            format!(
                "Niveau de territoire « {level} » inconnu : france, region, departement, epci, commune ou qpv."
            ),
        );
    };
    // The page depends on the store's data only: kept for as long as they stay the same.
    let generation = state.store.generation();
    if let Some(html) = state.pages.get(generation, level, &code) {
        return Html(html).into_response();
    }
    let Some(territory) = territories::resolve(&state, level, &code) else {
        // A name instead of a code (`/territoires/commune/Rennes`), issue 12.
        if level.is_place()
            && level != TerritoryLevel::France
            && let Some(answer) = super::territories::by_name(&state, Some(level), &code)
        {
            return answer;
        }
        return errors::not_found(
            &state,
            format!(
                "Aucun territoire « {code} » au niveau {}.",
                level.label().to_lowercase()
            ),
        );
    };
    let dossier = match Dossier::gather(&state, territory.clone()).await {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error = %e, "request failed");
            return errors::unavailable(&state);
        }
    };
    let directory = if level.is_place() && state.store.status().loaded {
        let query = ActorQuery {
            territory: Some(territory.reference()),
            per_page: 1,
            ..ActorQuery::default()
        };
        match state.store.actors(&query).await {
            Ok(page) => Some((
                format!("/annuaire?territory={}:{}", level.code(), territory.code),
                format::count(page.total),
            )),
            Err(e) => {
                tracing::error!(error = %e, "request failed");
                None
            }
        }
    } else {
        None
    };
    let bbox = if level.is_place() {
        let (s, t) = (state.clone(), territory.clone());
        tokio::task::spawn_blocking(move || bbox(&s, &t))
            .await
            .ok()
            .flatten()
    } else {
        None
    };
    let (columns, column_notes) = columns(&dossier);
    let has_figures = dossier.own.is_some();
    let mut breadcrumb: Vec<(String, String)> = territory
        .parents
        .iter()
        .map(|(l, c, n)| (format!("/territoires/{}/{c}", l.code()), n.clone()))
        .collect();
    if level != TerritoryLevel::France && breadcrumb.is_empty() {
        breadcrumb.push(("/territoires/france/FR".into(), "France".into()));
    }
    let page = TerritoryPage {
        layout: Layout::new(
            &state,
            format!("{} — {}", territory.name, level.label()),
            if level == TerritoryLevel::France {
                "france"
            } else {
                ""
            },
        ),
        level_label: level.label(),
        breadcrumb,
        has_figures,
        headlines: if has_figures {
            headlines(&columns, level)
        } else {
            Vec::new()
        },
        qpv_summary: if has_figures {
            qpv_summary(&dossier)
        } else {
            None
        },
        key_rows: figure_rows(&columns, &KEY_FIGURES),
        share_chart: has_figures.then(|| {
            let kind = Kind::Share("ess_jobs_share", "jobs");
            charts::bars(
                "graphique-part-emploi",
                "Part de l'ESS dans l'emploi (estimation)",
                &columns.iter().map(|c| c.short.clone()).collect::<Vec<_>>(),
                &[Series {
                    label: "Part de l'ESS dans l'emploi (estimation)".into(),
                    colour: colour::TERRITORY,
                    colours: columns.iter().map(|c| c.colour).collect(),
                    values: columns
                        .iter()
                        .map(|c| kind.value(c.figures.as_ref()))
                        .collect(),
                    missing: columns
                        .iter()
                        .map(|c| kind.cell(c.figures.as_ref()).main)
                        .collect(),
                }],
                format::percent,
            )
        }),
        families: has_figures.then(|| families(&columns)),
        sectors: has_figures.then(|| sectors(&columns)),
        sections: if has_figures {
            sections(&columns)
        } else {
            None
        },
        qpv_head: QPV_HEAD.to_vec(),
        qpv_rows: if level == TerritoryLevel::Qpv {
            Vec::new()
        } else {
            qpv_rows(&dossier)
        },
        map: map_view(&state, &territory, bbox),
        directory,
        downloads: if has_figures && level.is_place() {
            downloads(&territory)
        } else {
            Vec::new()
        },
        provenance: state.store.provenance().map(ProvenanceView::new),
        perimeter: state.store.provenance().map(|p| p.perimeter.label()),
        vintages: vintages(&dossier),
        unknown_bracket: dossier
            .own
            .as_ref()
            .and_then(|f| f.get("ess_employer_unknown_bracket"))
            .map(format::whole)
            .unwrap_or_default(),
        api: format!("/api/v1/territories/{}/{}", level.code(), territory.code),
        children: if level == TerritoryLevel::Commune && !dossier.qpv.is_empty() {
            Vec::new()
        } else {
            territory.children.clone()
        },
        children_title: list_titles(&territory).0,
        neighbours_title: list_titles(&territory).1,
        column_notes,
        columns,
        territory,
    };
    match page.render() {
        Ok(html) => {
            let html = axum::body::Bytes::from(html);
            // Kept only if the data did not change while the page was being made.
            if state.store.generation() == generation {
                state.pages.put(generation, level, &code, html.clone());
            }
            Html(html).into_response()
        }
        Err(_) => render(StatusCode::OK, &page),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Indicator;

    fn figures(values: &[(&str, Option<f64>)]) -> Figures {
        Figures::new(
            values
                .iter()
                .map(|(n, v)| Indicator {
                    name: (*n).to_owned(),
                    value: *v,
                })
                .collect(),
        )
    }

    #[test]
    fn a_missing_value_says_whether_it_is_unpublished_or_a_share_of_nothing() {
        let f = figures(&[
            ("ess_jobs", Some(10_034.5)),
            ("ess_jobs_low", Some(10_020.0)),
            ("ess_jobs_high", Some(10_049.0)),
            ("ess_jobs_share", None),
            ("jobs", Some(0.0)),
            ("ess_private_jobs_share", None),
            ("ess_establishments_per_10k_inhabitants", None),
        ]);
        let jobs = Kind::Jobs("ess_jobs", "ess_jobs_low", "ess_jobs_high").cell(Some(&f));
        assert_eq!(jobs.main, "10\u{202f}035");
        assert_eq!(jobs.detail, "10\u{202f}020\u{a0}–\u{a0}10\u{202f}049");
        let share = Kind::Share("ess_jobs_share", "jobs").cell(Some(&f));
        assert_eq!((share.main.as_str(), share.missing), (NOT_APPLICABLE, true));
        let private = Kind::Share("ess_private_jobs_share", "private_jobs").cell(Some(&f));
        assert_eq!(
            private.main, NOT_PUBLISHED,
            "its denominator is not known either"
        );
        let density = Kind::Density("ess_establishments_per_10k_inhabitants").cell(Some(&f));
        assert_eq!(density.main, "population inconnue");
        assert_eq!(
            Kind::Count("ess_establishments").cell(None).main,
            NOT_PUBLISHED
        );
        assert_eq!(Kind::Population.cell(Some(&f)).main, "inconnue");
    }

    #[test]
    fn headlines_compare_the_share_of_jobs_with_france_in_points() {
        let col = |label: &str, colour, share| Column {
            label: label.into(),
            short: label.into(),
            href: None,
            colour,
            figures: Some(figures(&[
                ("ess_jobs_share", Some(share)),
                ("jobs", Some(100.0)),
                ("ess_employer_establishments", Some(2.0)),
                ("ess_establishments", Some(3.0)),
            ])),
        };
        let columns = vec![
            col("Franc Moisin", colour::TERRITORY, 0.25),
            col("Ensemble des QPV", colour::ALL_QPV, 0.10),
            col("France", colour::FRANCE, 0.105),
        ];
        let h = headlines(&columns, TerritoryLevel::Qpv);
        assert_eq!(h[0].value, "2");
        assert_eq!(h[0].detail, "parmi 3 établissements actifs de l'ESS");
        assert_eq!(h[2].value, "25,0\u{a0}%");
        assert_eq!(
            h[2].detail,
            "+14,5\u{a0}points par rapport à la France · Ensemble des QPV : 10,0\u{a0}% · France : 10,5\u{a0}%"
        );
    }
}
