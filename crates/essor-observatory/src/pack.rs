//! The diagnostic pack of one territory: a self-contained French HTML report (key figures
//! compared with the territory outside its QPV, all QPV and France; charts and a map drawn
//! as inline SVG; tables by QPV and by sector; the diffusible ESS actors in and near each
//! QPV; méthodologie and sources), `actors.geojson` (diffusible establishments only) and
//! `qpv.geojson`. No external resource: the file opens offline.

use crate::diagnose::{Actor, Diagnosis};
use crate::indicators::IndicatorRow;
use crate::tally::{FAMILIES, Tally};
use crate::territories::{Territories, TerritoryLevel};
use essor_geo::{Crs, QpvId, QpvLayer};
use essor_model::sector::EssSector;
use serde_json::{Value, json};
use std::fmt::Write as _;

/// The files of a pack, as text, for the caller to write atomically.
#[derive(Debug)]
pub struct Pack {
    pub html: String,
    pub actors_geojson: String,
    pub qpv_geojson: String,
}

/// Why no pack can be made. French: it reaches users.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    #[error(
        "territoire « {0} » inconnu : attendu NIVEAU:CODE avec NIVEAU parmi region, departement, epci, commune, qpv, france (ex. epci:200054781, qpv:QP093028)"
    )]
    BadSpec(String),
    #[error(
        "territoire {level}:{code} absent des indicateurs (code inconnu du COG 2026 ou de la géographie QPV utilisée)"
    )]
    Unknown { level: String, code: String },
}

/// Parses `epci:200054781`.
pub fn parse_territory(spec: &str) -> Result<(TerritoryLevel, String), PackError> {
    let (level, code) = spec
        .split_once(':')
        .ok_or_else(|| PackError::BadSpec(spec.to_owned()))?;
    let level = TerritoryLevel::from_code(level.trim())
        .ok_or_else(|| PackError::BadSpec(spec.to_owned()))?;
    let code = if level == TerritoryLevel::France {
        "FR".to_owned()
    } else {
        code.trim().to_owned()
    };
    Ok((level, code))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn pct(num: f64, den: f64) -> String {
    if den > 0.0 {
        format!("{:.1}\u{a0}%", num / den * 100.0).replace('.', ",")
    } else {
        "—".into()
    }
}

/// The table of the years of the headcount brackets behind a territory's ESS job estimates,
/// and its ESS employers without a bracket (issue 14).
fn vintage_table(name: &str, t: &Tally) -> String {
    let mut h = format!(
        "<h2>Sur quoi reposent les emplois estimés</h2><p>Les emplois sont estimés au centre de la tranche d'effectifs de chaque établissement, tranche datée par l'INSEE (<code>anneeEffectifsEtablissement</code>), souvent de deux ou trois ans avant le stock. Employeurs de l'ESS sans tranche connue (<code>caractereEmployeurEtablissement = O</code>), comptés à part et non comme zéro emploi : {}.</p><table><caption>{} : établissements employeurs de l'ESS et emplois estimés, par année de la tranche d'effectifs</caption><thead><tr><th scope=\"col\">Année de la tranche</th><th scope=\"col\">Établissements employeurs de l'ESS</th><th scope=\"col\">Emplois estimés</th></tr></thead><tbody>",
        int(t.ess_employer_unknown_bracket as f64),
        esc(name)
    );
    for (i, (_, label)) in crate::tally::VINTAGES.iter().enumerate() {
        if t.ess_employer_by_vintage[i] == 0 {
            continue;
        }
        let _ = write!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
            esc(label),
            int(t.ess_employer_by_vintage[i] as f64),
            int(t.ess_jobs_by_vintage[i])
        );
    }
    h.push_str("</tbody></table>");
    h
}

fn int(n: f64) -> String {
    let s = format!("{:.0}", n.round());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) && c != '-' {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// `a` minus `b`, floored at 0 (for "the territory outside its QPV").
pub fn difference(a: &Tally, b: &Tally) -> Tally {
    let sub_u = |x: u64, y: u64| x.saturating_sub(y);
    let mut t = a.clone();
    t.establishments = sub_u(a.establishments, b.establishments);
    t.employer_establishments = sub_u(a.employer_establishments, b.employer_establishments);
    t.jobs = (a.jobs - b.jobs).max(0.0);
    t.jobs_low = (a.jobs_low - b.jobs_low).max(0.0);
    t.jobs_high = (a.jobs_high - b.jobs_high).max(0.0);
    t.private_jobs = (a.private_jobs - b.private_jobs).max(0.0);
    t.ess_establishments = sub_u(a.ess_establishments, b.ess_establishments);
    t.ess_employer_establishments =
        sub_u(a.ess_employer_establishments, b.ess_employer_establishments);
    t.ess_jobs = (a.ess_jobs - b.ess_jobs).max(0.0);
    t.ess_jobs_low = (a.ess_jobs_low - b.ess_jobs_low).max(0.0);
    t.ess_jobs_high = (a.ess_jobs_high - b.ess_jobs_high).max(0.0);
    for i in 0..5 {
        t.ess_employer_by_family[i] =
            sub_u(a.ess_employer_by_family[i], b.ess_employer_by_family[i]);
        t.ess_jobs_by_family[i] = (a.ess_jobs_by_family[i] - b.ess_jobs_by_family[i]).max(0.0);
    }
    for i in 0..7 {
        t.jobs_by_sector[i] = (a.jobs_by_sector[i] - b.jobs_by_sector[i]).max(0.0);
        t.ess_jobs_by_sector[i] = (a.ess_jobs_by_sector[i] - b.ess_jobs_by_sector[i]).max(0.0);
        t.ess_employer_by_sector[i] =
            sub_u(a.ess_employer_by_sector[i], b.ess_employer_by_sector[i]);
    }
    for i in 0..t.ess_establishments_by_section.len() {
        t.ess_establishments_by_section[i] = sub_u(
            a.ess_establishments_by_section[i],
            b.ess_establishments_by_section[i],
        );
    }
    t
}

/// One QPV of a pack's territory, with its figures.
#[derive(Debug, Clone)]
pub struct PackQpv {
    pub id: QpvId,
    /// Its row of level `qpv`.
    pub row: IndicatorRow,
    /// Its row of level `qpv_500m` (the QPV and the 500 m around it).
    pub near: IndicatorRow,
}

/// Everything a pack shows, however it was obtained: from a run of `essor diagnose`
/// ([`PackData::from_diagnosis`]) or from what a store holds (the server reads the same rows
/// and actors back through its store seam). Two equal `PackData` give the same pack.
#[derive(Debug, Clone)]
pub struct PackData {
    pub territory: IndicatorRow,
    pub france: IndicatorRow,
    /// The `qpv_total` row: every establishment located in any QPV.
    pub all_qpv: IndicatorRow,
    /// The QPV lying wholly or partly in the territory ([`qpv_of`]), in layer order.
    pub qpv: Vec<PackQpv>,
    /// The diffusible ESS actors of the territory and those within 500 m of one of its QPV,
    /// in SIRET order (as [`ActorScope::Territory`](crate::ActorScope::Territory) keeps them).
    pub actors: Vec<Actor>,
    /// A warning written under the title, in French: that the data are synthetic, for a pack
    /// made from a demonstration store (issue 12: the report never said so).
    pub notice: Option<String>,
    /// The ESS perimeter of every figure of the pack (issue 14).
    pub perimeter: essor_model::legal::Perimeter,
}

/// The QPV of `level:code`, in layer order: those lying wholly or partly in the territory
/// (for a QPV level, that QPV).
pub fn qpv_of(
    territories: &Territories,
    layer: &QpvLayer,
    level: TerritoryLevel,
    code: &str,
) -> Vec<QpvId> {
    (0..layer.len() as QpvId)
        .filter(|&q| territories.qpv_in(q, layer, level, code))
        .collect()
}

impl PackData {
    /// The pack data of `level:code` from a run (its actors must have been kept with
    /// `ActorScope::Territory(level, code)`).
    pub fn from_diagnosis(
        d: &Diagnosis,
        rows: &[IndicatorRow],
        layer: &QpvLayer,
        level: TerritoryLevel,
        code: &str,
    ) -> Result<Self, PackError> {
        let find = |l: TerritoryLevel, c: &str| rows.iter().find(|r| r.level == l && r.code == c);
        let territory = find(level, code).ok_or_else(|| PackError::Unknown {
            level: level.code().to_owned(),
            code: code.to_owned(),
        })?;
        let qpv = qpv_of(&d.territories, layer, level, code)
            .into_iter()
            .map(|id| {
                let code = layer.get(id).code.as_str();
                PackQpv {
                    id,
                    row: find(TerritoryLevel::Qpv, code)
                        .expect("every QPV has a row")
                        .clone(),
                    near: find(TerritoryLevel::Qpv500m, code)
                        .expect("every QPV has a 500 m row")
                        .clone(),
                }
            })
            .collect();
        Ok(Self {
            territory: territory.clone(),
            france: find(TerritoryLevel::France, "FR")
                .expect("france row")
                .clone(),
            all_qpv: find(TerritoryLevel::QpvTotal, "QPV")
                .expect("qpv_total row")
                .clone(),
            qpv,
            actors: d.actors.clone(),
            notice: None,
            perimeter: d.report.perimeter,
        })
    }

    /// The rows the pack compares, for its `indicators.csv`: the territory, France, all QPV,
    /// then each QPV and each QPV with its 500 m.
    pub fn rows(&self) -> Vec<&IndicatorRow> {
        [&self.territory, &self.france, &self.all_qpv]
            .into_iter()
            .chain(self.qpv.iter().map(|q| &q.row))
            .chain(self.qpv.iter().map(|q| &q.near))
            .collect()
    }
}

/// Builds the pack of `level:code` from a run: [`PackData::from_diagnosis`], then [`render`].
pub fn build(
    d: &Diagnosis,
    rows: &[IndicatorRow],
    layer: &QpvLayer,
    level: TerritoryLevel,
    code: &str,
    methodology: &str,
    generated: &str,
) -> Result<Pack, PackError> {
    let data = PackData::from_diagnosis(d, rows, layer, level, code)?;
    Ok(render(&data, layer, methodology, generated))
}

/// The pack's files from its data. `methodology` is Markdown (the rules and the facts of
/// the run), `generated` the date printed in the header.
pub fn render(data: &PackData, layer: &QpvLayer, methodology: &str, generated: &str) -> Pack {
    let territory = &data.territory;
    let level = territory.level;
    let france = &data.france;
    let all_qpv = &data.all_qpv;
    let qpv_ids: Vec<QpvId> = data.qpv.iter().map(|q| q.id).collect();
    let mut its_qpv = Tally::default();
    for q in &data.qpv {
        its_qpv.merge(&q.row.tally);
    }
    let outside = difference(&territory.tally, &its_qpv);

    let mut h = String::new();
    let title = format!(
        "Diagnostic de l'ESS — {} ({})",
        territory.name,
        level.short_label()
    );
    let _ = write!(
        h,
        r#"<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{t}</title><style>{css}</style></head><body><main>
<p class="meta">essor · rapport généré le {generated} · géographie {geo}</p>
<h1>{t}</h1>
"#,
        t = esc(&title),
        css = CSS,
        geo = esc(&layer.geography.to_string()),
        generated = esc(generated),
    );
    let _ = writeln!(
        h,
        r#"<p class="meta">Périmètre de l'ESS de tous les chiffres : {} (voir la méthodologie). Emplois : estimations d'après les tranches d'effectifs.</p>"#,
        esc(data.perimeter.label())
    );
    let warning = crate::methodology::geography_warning(layer.geography);
    if !warning.is_empty() {
        let _ = write!(
            h,
            r#"<p class="avertissement" role="note">{}{}.</p>"#,
            esc(&layer.geography.to_string()),
            esc(&warning).replace('`', "")
        );
    }
    if let Some(notice) = &data.notice {
        let _ = write!(
            h,
            r#"<p class="avertissement" role="note">{}</p>"#,
            esc(notice)
        );
    }

    // Key figures.
    let cols: [(&str, &Tally); 5] = [
        (&territory.name, &territory.tally),
        ("QPV du territoire", &its_qpv),
        ("Territoire hors QPV", &outside),
        ("Ensemble des QPV", &all_qpv.tally),
        ("France", &france.tally),
    ];
    h.push_str("<h2>Chiffres clés</h2><table><caption>Économie sociale et solidaire, établissements actifs (emplois estimés d'après les tranches d'effectifs)</caption><thead><tr><th scope=\"col\">Indicateur</th>");
    for (name, _) in &cols {
        let _ = write!(h, "<th scope=\"col\">{}</th>", esc(name));
    }
    h.push_str("</tr></thead><tbody>");
    type Line = (&'static str, fn(&Tally) -> String);
    let lines: [Line; 10] = [
        ("Établissements employeurs de l'ESS", |t| {
            int(t.ess_employer_establishments as f64)
        }),
        ("Emplois de l'ESS (estimation)", |t| int(t.ess_jobs)),
        ("Fourchette des emplois de l'ESS", |t| {
            format!("{} – {}", int(t.ess_jobs_low), int(t.ess_jobs_high))
        }),
        ("Part de l'ESS dans l'emploi (estimation)", |t| {
            pct(t.ess_jobs, t.jobs)
        }),
        ("Part de l'ESS dans l'emploi privé (estimation)", |t| {
            pct(t.ess_jobs, t.private_jobs)
        }),
        ("Part des établissements employeurs dans l'ESS", |t| {
            pct(
                t.ess_employer_establishments as f64,
                t.employer_establishments as f64,
            )
        }),
        ("dont associations", |t| {
            pct(
                t.ess_employer_by_family[0] as f64,
                t.ess_employer_establishments as f64,
            )
        }),
        ("dont coopératives", |t| {
            pct(
                t.ess_employer_by_family[1] as f64,
                t.ess_employer_establishments as f64,
            )
        }),
        ("dont mutuelles", |t| {
            pct(
                t.ess_employer_by_family[2] as f64,
                t.ess_employer_establishments as f64,
            )
        }),
        ("dont fondations", |t| {
            pct(
                t.ess_employer_by_family[3] as f64,
                t.ess_employer_establishments as f64,
            )
        }),
    ];
    for (label, f) in lines {
        let _ = write!(h, "<tr><th scope=\"row\">{label}</th>");
        for (_, t) in &cols {
            let _ = write!(h, "<td>{}</td>", f(t));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");

    // Charts.
    h.push_str("<h2>Poids de l'ESS dans l'emploi (estimation)</h2>");
    let bars: Vec<(String, f64)> = cols
        .iter()
        .map(|(n, t)| {
            (
                n.to_string(),
                if t.jobs > 0.0 {
                    t.ess_jobs / t.jobs
                } else {
                    0.0
                },
            )
        })
        .collect();
    h.push_str(&bar_chart(
        "Part de l'ESS dans l'emploi (estimation)",
        &bars,
    ));
    h.push_str("<h2>Familles de l'ESS dans les QPV du territoire</h2>");
    let fam: Vec<(String, f64)> = FAMILIES
        .iter()
        .enumerate()
        .map(|(i, f)| {
            (
                f.singular_label().to_owned(),
                if its_qpv.ess_employer_establishments > 0 {
                    its_qpv.ess_employer_by_family[i] as f64
                        / its_qpv.ess_employer_establishments as f64
                } else {
                    0.0
                },
            )
        })
        .collect();
    h.push_str(&bar_chart(
        "Répartition des établissements employeurs de l'ESS en QPV",
        &fam,
    ));

    // What the job estimates rest on (issue 14): the year of the brackets, the employers
    // without one.
    h.push_str(&vintage_table(&territory.name, &territory.tally));

    // Sectors.
    h.push_str("<h2>Secteurs</h2><table><caption>Emplois de l'ESS par secteur (estimation)</caption><thead><tr><th scope=\"col\">Secteur</th><th scope=\"col\">Emplois ESS en QPV (estimation)</th><th scope=\"col\">Part de l'ESS dans le secteur, en QPV</th><th scope=\"col\">Emplois ESS du territoire</th><th scope=\"col\">Part de l'ESS dans le secteur, France</th></tr></thead><tbody>");
    for (i, s) in EssSector::ALL.iter().enumerate() {
        let _ = write!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(s.label()),
            int(its_qpv.ess_jobs_by_sector[i]),
            pct(its_qpv.ess_jobs_by_sector[i], its_qpv.jobs_by_sector[i]),
            int(territory.tally.ess_jobs_by_sector[i]),
            pct(
                france.tally.ess_jobs_by_sector[i],
                france.tally.jobs_by_sector[i]
            ),
        );
    }
    h.push_str("</tbody></table>");

    // Map.
    let in_scope: Vec<&Actor> = data.actors.iter().filter(|a| a.lon.is_some()).collect();
    h.push_str("<h2>Carte</h2>");
    h.push_str(&map_svg(layer, &qpv_ids, &in_scope));

    // QPV table.
    let _ = write!(
        h,
        "<h2>Quartiers prioritaires du territoire ({})</h2>",
        qpv_ids.len()
    );
    h.push_str("<table><caption>Par QPV : dans le quartier, puis avec ses 500 m alentour</caption><thead><tr><th scope=\"col\">QPV</th><th scope=\"col\">Population</th><th scope=\"col\">Établissements employeurs ESS</th><th scope=\"col\">Emplois ESS (estimation)</th><th scope=\"col\">Part ESS de l'emploi (estimation)</th><th scope=\"col\">Employeurs ESS à 500 m</th><th scope=\"col\">Emplois ESS à 500 m (estimation)</th></tr></thead><tbody>");
    for q in &data.qpv {
        let f = layer.get(q.id);
        let t = &q.row.tally;
        let n = &q.near.tally;
        let pop = q.row.population;
        let _ = write!(
            h,
            "<tr><th scope=\"row\">{} <span class=\"code\">{}</span></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&f.name),
            f.code,
            pop.map_or("—".into(), |p| int(p as f64)),
            int(t.ess_employer_establishments as f64),
            int(t.ess_jobs),
            pct(t.ess_jobs, t.jobs),
            int(n.ess_employer_establishments as f64),
            int(n.ess_jobs),
        );
    }
    h.push_str("</tbody></table>");

    // Actors per QPV.
    h.push_str("<h2>Acteurs de l'ESS dans les QPV et à leurs abords</h2><p>Établissements actifs de l'ESS, diffusibles, situés dans un QPV du territoire ou à moins de 500 m. Les unités en diffusion partielle n'apparaissent jamais individuellement.</p>");
    for &q in &qpv_ids {
        let f = layer.get(q);
        let near: Vec<&&Actor> = in_scope
            .iter()
            .filter(|a| {
                a.nearest_qpv.as_deref() == Some(f.code.as_str())
                    && a.distance_m.is_some_and(|d| d <= 500.0)
            })
            .collect();
        if near.is_empty() {
            continue;
        }
        let _ = write!(
            h,
            "<h3>{} <span class=\"code\">{}</span> — {} acteur{}</h3><table class=\"texte\"><thead><tr><th scope=\"col\">Nom</th><th scope=\"col\">SIRET</th><th scope=\"col\">Famille</th><th scope=\"col\">Activité (NAF)</th><th scope=\"col\">Tranche d'effectifs</th><th scope=\"col\">Situation</th></tr></thead><tbody>",
            esc(&f.name),
            f.code,
            near.len(),
            // Issue 12, point 6: « — 1 acteurs ».
            if near.len() > 1 { "s" } else { "" }
        );
        for a in near {
            let naf = a.naf.as_deref().map(|n| {
                let label = essor_refdata::nomenclatures::naf_rev2()
                    .get(n)
                    .map(|x| x.libelle_sous_classe.as_str())
                    .unwrap_or("");
                format!("{n} {label}")
            });
            let tranche = a
                .headcount
                .as_deref()
                .and_then(|c| essor_refdata::nomenclatures::tranches_effectifs().get(c))
                .map(|t| t.libelle.clone());
            let situation = match a.distance_m {
                Some(d) if a.qpv.is_some() || d == 0.0 => "dans le QPV".to_owned(),
                Some(d) => format!("à {} m", int(d)),
                None => "—".into(),
            };
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&a.name),
                a.siret,
                a.family.singular_label(),
                esc(&naf.unwrap_or_default()),
                esc(&tranche.unwrap_or_default()),
                situation
            );
        }
        h.push_str("</tbody></table>");
    }

    h.push_str(&crate::methodology::html(methodology));
    h.push_str("<h2>Sources</h2><ul><li>INSEE, base Sirene des entreprises et de leurs établissements (Licence Ouverte 2.0).</li><li>ANCT (ex-CGET), quartiers prioritaires de la politique de la ville (Licence Ouverte 2.0).</li><li>INSEE, Code officiel géographique 2026 et populations municipales.</li></ul>");
    h.push_str("</main></body></html>\n");

    Pack {
        html: h,
        actors_geojson: actors_geojson(&in_scope),
        qpv_geojson: qpv_geojson(layer, &data.qpv),
    }
}

const CSS: &str = "body{font-family:Marianne,Arial,sans-serif;color:#161616;margin:0;background:#fff}main{max-width:72rem;margin:0 auto;padding:1.5rem}h1{color:#000091;font-size:1.8rem}h2{color:#000091;border-bottom:2px solid #000091;padding-bottom:.25rem;margin-top:2rem}table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.9rem}caption{text-align:left;font-weight:bold;margin-bottom:.5rem}th,td{border:1px solid #ddd;padding:.35rem .5rem;text-align:right}th[scope=row],td:first-child{text-align:left}table.texte th,table.texte td{text-align:left}thead th{background:#f5f5fe}.code{color:#666;font-size:.8em}.meta{color:#666;font-size:.85rem}svg{max-width:100%;height:auto}code{background:#f6f6f6;padding:0 .2em}.avertissement{border-left:4px solid #b34000;background:#fff4f3;padding:.75rem 1rem;font-weight:bold}";

/// Horizontal bars of shares (0–1), labelled.
fn bar_chart(title: &str, bars: &[(String, f64)]) -> String {
    let max = bars.iter().map(|b| b.1).fold(0.0f64, f64::max).max(1e-9);
    let row_h = 28.0;
    let height = row_h * bars.len() as f64 + 10.0;
    let mut s = format!(
        "<figure><svg role=\"img\" aria-label=\"{}\" viewBox=\"0 0 720 {height}\" xmlns=\"http://www.w3.org/2000/svg\">",
        esc(title)
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = 5.0 + i as f64 * row_h;
        let w = 380.0 * v / max;
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{:.1}\" font-size=\"13\">{}</text><rect x=\"250\" y=\"{:.1}\" width=\"{w:.1}\" height=\"18\" fill=\"#000091\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\">{}</text>",
            y + 14.0,
            esc(label),
            y,
            255.0 + w,
            y + 14.0,
            pct(*v, 1.0)
        );
    }
    let _ = write!(s, "</svg><figcaption>{}</figcaption></figure>", esc(title));
    s
}

/// Rings of one QPV, in metres.
type Rings = Vec<Vec<(f64, f64)>>;

/// The territory's QPV and its actors, in the first QPV's metric system, as SVG.
fn map_svg(layer: &QpvLayer, qpv: &[QpvId], actors: &[&Actor]) -> String {
    let Some(&first) = qpv.first() else {
        return "<p>Aucun QPV dans ce territoire.</p>".into();
    };
    let zone = layer.get(first).territory;
    let crs = zone.crs();
    let to_zone = crs.converter_from(&Crs::wgs84());
    let polys: Vec<(&str, Rings)> = qpv
        .iter()
        .map(|&q| layer.get(q))
        .filter(|f| f.territory.epsg() == zone.epsg())
        .map(|f| {
            let rings = f
                .geometry
                .0
                .iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .map(|r| r.0.iter().map(|c| (c.x, c.y)).collect())
                .collect();
            (f.code.as_str(), rings)
        })
        .collect();
    let points: Vec<(f64, f64, &str)> = actors
        .iter()
        .filter_map(|a| {
            let (x, y) = to_zone.convert(a.lon?, a.lat?).ok()?;
            Some((x, y, a.name.as_str()))
        })
        .collect();
    let all = polys.iter().flat_map(|(_, r)| r.iter().flatten().copied());
    let (mut x0, mut y0, mut x1, mut y1) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for (x, y) in all {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    let pad = ((x1 - x0).max(y1 - y0) * 0.08).max(300.0);
    let (x0, y0, x1, y1) = (x0 - pad, y0 - pad, x1 + pad, y1 + pad);
    let w = 720.0;
    let scale = w / (x1 - x0);
    let hgt = (y1 - y0) * scale;
    let px = |x: f64, y: f64| ((x - x0) * scale, (y1 - y) * scale);
    let mut s = format!(
        "<figure><svg role=\"img\" aria-label=\"Carte des QPV du territoire et des acteurs de l'ESS\" viewBox=\"0 0 {w} {hgt:.0}\" xmlns=\"http://www.w3.org/2000/svg\" style=\"background:#f6f6f6\">"
    );
    for (code, rings) in &polys {
        let mut d = String::new();
        for r in rings {
            for (i, &(x, y)) in r.iter().enumerate() {
                let (a, b) = px(x, y);
                let _ = write!(d, "{}{a:.1},{b:.1}", if i == 0 { "M" } else { "L" });
            }
            d.push('Z');
        }
        let _ = write!(
            s,
            "<path d=\"{d}\" fill=\"#e1000f\" fill-opacity=\"0.25\" stroke=\"#e1000f\" stroke-width=\"1\" fill-rule=\"evenodd\"><title>{code}</title></path>"
        );
    }
    for (x, y, name) in points
        .iter()
        .filter(|(x, y, _)| *x >= x0 && *x <= x1 && *y >= y0 && *y <= y1)
    {
        let (a, b) = px(*x, *y);
        let _ = write!(
            s,
            "<circle cx=\"{a:.1}\" cy=\"{b:.1}\" r=\"3\" fill=\"#000091\"><title>{}</title></circle>",
            esc(name)
        );
    }
    let _ = write!(
        s,
        "</svg><figcaption>QPV ({} ; rouge) et acteurs de l'ESS diffusibles (bleu), projection {} ; échelle : {} m pour 100 px.</figcaption></figure>",
        polys.len(),
        esc(&crs.to_string()),
        int(100.0 / scale)
    );
    s
}

/// The actors with a position, as a GeoJSON FeatureCollection (diffusible actors only: an
/// [`Actor`] never holds any other).
pub fn actors_geojson(actors: &[&Actor]) -> String {
    let features: Vec<Value> = actors
        .iter()
        .filter_map(|a| {
            Some(json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [(a.lon? * 1e6).round() / 1e6, (a.lat? * 1e6).round() / 1e6]},
                "properties": {
                    "siret": a.siret, "nom": a.name, "enseigne": a.enseigne, "famille": a.family.column_key(),
                    "categorie_juridique": a.legal_category, "naf": a.naf, "tranche_effectifs": a.headcount,
                    "employeur": a.employer, "commune": a.commune, "adresse": a.address, "rna": a.rna,
                    "qpv": a.qpv, "qpv_le_plus_proche": a.nearest_qpv,
                    "distance_m": a.distance_m.map(|d| (d * 10.0).round() / 10.0),
                }
            }))
        })
        .collect();
    serde_json::to_string(&json!({"type": "FeatureCollection", "features": features}))
        .expect("JSON")
}

/// The QPV with their outlines (WGS84) and key figures, as a GeoJSON FeatureCollection.
pub fn qpv_geojson(layer: &QpvLayer, qpv: &[PackQpv]) -> String {
    let features: Vec<Value> = qpv
        .iter()
        .map(|q| {
            let f = layer.get(q.id);
            let crs = f.territory.crs();
            let polys: Vec<Value> = f
                .geometry
                .0
                .iter()
                .map(|p| {
                    let ring = |r: &essor_geo::geo_types::LineString<f64>| -> Value {
                        Value::Array(
                            r.0.iter()
                                .filter_map(|c| crs.to_lonlat(c.x, c.y).ok())
                                .map(|(lon, lat)| json!([(lon * 1e7).round() / 1e7, (lat * 1e7).round() / 1e7]))
                                .collect(),
                        )
                    };
                    Value::Array(std::iter::once(ring(p.exterior())).chain(p.interiors().iter().map(ring)).collect())
                })
                .collect();
            let t = &q.row.tally;
            json!({
                "type": "Feature",
                "geometry": {"type": "MultiPolygon", "coordinates": polys},
                "properties": {
                    "code": f.code.as_str(), "nom": f.name, "communes": f.commune_names,
                    "ess_employer_establishments": t.ess_employer_establishments, "ess_jobs": t.ess_jobs,
                    "ess_jobs_share": if t.jobs > 0.0 { Some(t.ess_jobs / t.jobs) } else { None },
                }
            })
        })
        .collect();
    serde_json::to_string(&json!({"type": "FeatureCollection", "features": features}))
        .expect("JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn territory_specs_parse_or_say_what_is_expected() {
        assert_eq!(
            parse_territory("epci:200054781").unwrap(),
            (TerritoryLevel::Epci, "200054781".into())
        );
        assert_eq!(
            parse_territory("qpv:QP093028").unwrap().0,
            TerritoryLevel::Qpv
        );
        assert!(
            parse_territory("ville:Rennes")
                .unwrap_err()
                .to_string()
                .contains("attendu NIVEAU:CODE")
        );
    }
}
