//! The catalogue of support and funding schemes: a versioned TOML file, validated at load.
//!
//! The file is `data/dispositifs/catalogue.toml`, written to be edited by hand by the people
//! who know the schemes; its keys are French (`nom`, `operateurs`, `etapes`…) and
//! `data/dispositifs/README.md` documents them. It is embedded in the binary
//! ([`Catalogue::embedded`]); a user may load another copy with [`Catalogue::from_toml_str`].
//!
//! Loading checks everything it can and reports **all** problems at once, each naming the
//! entry (its `id`, or its position when the id itself is wrong), the line of its `id` and
//! the field: unknown key, missing field, word outside a vocabulary, rule that does not parse
//! or names an unknown fact, duplicate id, missing or malformed source.

use crate::freshness::{self, Status};
use crate::rule::{self, Expr};
use crate::vocab::{Holder, Kind, Need, Stage};
use serde::Serialize;
use std::collections::BTreeSet;
use toml::{Table, Value};

/// The catalogue file shipped with essor.
pub const EMBEDDED_TOML: &str = include_str!("../../../data/dispositifs/catalogue.toml");

/// A loaded, validated catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct Catalogue {
    /// Version of the catalogue's content (not of essor), e.g. `2025.1`.
    pub version: String,
    /// Date of that version, `YYYY-MM-DD`.
    pub date: String,
    pub licence: Option<String>,
    pub schemes: Vec<Scheme>,
}

/// One support or funding scheme.
#[derive(Debug, Clone, Serialize)]
pub struct Scheme {
    /// Stable identifier (`dla`, `france-active`…): lowercase letters, digits and `-`.
    pub id: String,
    pub name: String,
    pub description: String,
    /// Who runs it, in the order a holder should contact them. Referrals point to one.
    pub operators: Vec<Operator>,
    pub kinds: Vec<Kind>,
    /// Project stages it serves; a profile at another stage is not eligible.
    pub stages: Vec<Stage>,
    /// Holders it serves; another holder is not eligible.
    pub holders: Vec<Holder>,
    /// Needs it answers besides those its kinds imply ([`Kind::needs`]).
    pub extra_needs: Vec<Need>,
    /// Themes (normalized words) it is especially relevant to.
    pub themes: Vec<String>,
    /// Eligibility conditions: all must hold.
    pub conditions: Vec<Condition>,
    /// Assets: conditions that are not required but make the scheme a better fit.
    pub assets: Vec<Condition>,
    pub perimeter: Perimeter,
    pub amount: Option<String>,
    pub duration: Option<String>,
    /// Where to go: generic, official, no personal data.
    pub contact: String,
    pub link: Option<String>,
    /// What only the operator can check (shown with the result, never decides eligibility).
    pub to_verify: Vec<String>,
    /// The main citation: a seed document's passage when the entry comes from the seeds,
    /// else the first official source.
    pub source: Source,
    /// Official sources the facts were checked against (`sources`), official first.
    pub sources: Vec<Reference>,
    /// Date of the last check of the facts (`verifie_le`), `YYYY-MM-DD`.
    pub checked_on: String,
    /// Open, periodic call, closed or to verify (`statut`).
    pub status: Status,
    /// Next known window of a periodic call (`prochaine_fenetre`), in French.
    pub next_window: Option<String>,
}

/// An official page or text a scheme's facts were checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// Title, in French, with its publisher (« Code du travail, art. L5134-102 (Légifrance) »).
    pub title: String,
    /// Web address (`https://…`).
    pub link: String,
}

/// An organisation that runs a scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operator {
    /// Stable within the scheme; with the scheme id it identifies a referral target.
    pub id: String,
    pub name: String,
    pub role: Option<String>,
}

/// One rule of a scheme, as written and parsed.
#[derive(Debug, Clone, Serialize)]
pub struct Condition {
    /// The rule as written in the catalogue.
    pub rule: String,
    /// French wording: the catalogue's `libelle`, else generated from the rule.
    pub label: String,
    /// Points added to the score when the rule holds (assets only).
    pub points: u32,
    #[serde(skip)]
    pub expr: Expr,
}

/// Where a scheme applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Perimeter {
    National,
    Regions(Vec<String>),
    Departements(Vec<String>),
}

/// Where an entry's content comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A seed document of the project (`shared/seeds/NNN_xxxxxxxxxxxxxxxx.txt`) and a passage
    /// quoted from it.
    Seed { file: String, passage: String },
    /// An official text (law, decree, operator's official page).
    Official {
        title: String,
        link: Option<String>,
        passage: Option<String>,
    },
}

/// Where a referral can go: a scheme and one of its operators.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ReferralTarget {
    pub scheme: String,
    pub operator: String,
}

impl Scheme {
    /// Every need the scheme answers: those of its kinds plus its explicit ones.
    pub fn needs(&self) -> BTreeSet<Need> {
        self.kinds
            .iter()
            .flat_map(|k| k.needs().iter().copied())
            .chain(self.extra_needs.iter().copied())
            .collect()
    }

    /// The (scheme, operator) pairs a referral may target.
    pub fn referral_targets(&self) -> Vec<ReferralTarget> {
        self.operators
            .iter()
            .map(|o| ReferralTarget {
                scheme: self.id.clone(),
                operator: o.id.clone(),
            })
            .collect()
    }
}

impl Source {
    /// The title of a seed document, as `data/dispositifs/README.md` lists them.
    pub fn seed_title(file: &str) -> Option<&'static str> {
        SEED_TITLES
            .iter()
            .find(|(f, _)| *f == file)
            .map(|(_, t)| *t)
    }
}

/// The project's seed documents cited by the catalogue, with their titles.
const SEED_TITLES: &[(&str, &str)] = &[
    (
        "000_fee44f26fe3cd526.txt",
        "RTES / CGET, séminaire « Politique de la ville & ESS », Pierrefitte-sur-Seine, 18 septembre 2018",
    ),
    (
        "001_6896deeae8272fff.txt",
        "CGET / RTES, guide « ESS et politique de la ville », 2016",
    ),
    (
        "002_2fc3a0adfbd5bc8f.txt",
        "RTES, compte rendu de la journée « Politique de la ville & ESS », Plaine Commune, 15 décembre 2015",
    ),
    (
        "003_8afe828ae2ee94a5.txt",
        "RTES / ANCT, « Comment renforcer la place de l'ESS dans les quartiers politique de la ville ? »",
    ),
    (
        "004_aec176e962352d18.txt",
        "ANCT / RTES, « L'ESS, un atout pour la politique de la ville », coll. Comprendre, février 2025",
    ),
];

impl Catalogue {
    /// The catalogue embedded in essor (`data/dispositifs/catalogue.toml`).
    pub fn embedded() -> Result<Self, CatalogueError> {
        Self::from_toml_str(EMBEDDED_TOML, "data/dispositifs/catalogue.toml")
    }

    /// Parses and validates a catalogue; `origin` names it in errors (usually its path).
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Self, CatalogueError> {
        let table: Table = text
            .parse()
            .map_err(|e: toml::de::Error| CatalogueError::Toml {
                origin: origin.to_owned(),
                line: e.span().map_or(0, |s| line_of_offset(text, s.start)),
                message: e.message().trim().to_owned(),
            })?;
        let mut errors = Vec::new();
        let catalogue = load(&table, text, &mut errors);
        if errors.is_empty() {
            Ok(catalogue)
        } else {
            Err(CatalogueError::Invalid {
                origin: origin.to_owned(),
                errors,
            })
        }
    }

    /// Entries whose facts were checked more than `max_age_days` before `today`
    /// (`AAAA-MM-JJ`), as French warnings naming the entry and the field `verifie_le`: what the
    /// CLI prints and the pages show. An empty list means every entry is fresh.
    pub fn stale_warnings(&self, today: &str, max_age_days: u32) -> Vec<EntryError> {
        let Some(now) = freshness::days_since_epoch(today) else {
            return vec![];
        };
        self.schemes
            .iter()
            .filter_map(|s| {
                let checked = freshness::days_since_epoch(&s.checked_on)?;
                let age = now - checked;
                (age > i64::from(max_age_days)).then(|| EntryError {
                    entry: Some(s.id.clone()),
                    line: None,
                    field: "verifie_le".into(),
                    message: format!(
                        "information vérifiée le {}, il y a {age} jours (plus de {max_age_days}) : à revérifier auprès des sources",
                        freshness::french_date(&s.checked_on)
                    ),
                })
            })
            .collect()
    }

    /// The scheme with this id.
    pub fn get(&self, id: &str) -> Option<&Scheme> {
        self.schemes.iter().find(|s| s.id == id)
    }

    /// The theme words that eligibility conditions test (`tiers_lieu`, `alimentation`…),
    /// sorted: the themes a form should offer, since they can change an answer.
    pub fn condition_themes(&self) -> Vec<String> {
        fn walk(e: &Expr, out: &mut BTreeSet<String>) {
            match e {
                Expr::Test { fact, values, .. } if fact.name == "themes" => {
                    out.extend(values.iter().map(ToString::to_string));
                }
                Expr::Test { .. } => {}
                Expr::Not(inner) => walk(inner, out),
                Expr::And(parts) | Expr::Or(parts) => parts.iter().for_each(|p| walk(p, out)),
            }
        }
        let mut out = BTreeSet::new();
        for s in &self.schemes {
            for c in &s.conditions {
                walk(&c.expr, &mut out);
            }
        }
        out.into_iter().collect()
    }
}

/// Why a catalogue does not load. Messages are French.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogueError {
    #[error("{origin} : TOML invalide ligne {line} : {message}")]
    Toml {
        origin: String,
        line: usize,
        message: String,
    },
    #[error("{origin} : {} erreur(s) dans le catalogue :\n{}", errors.len(), render(errors))]
    Invalid {
        origin: String,
        errors: Vec<EntryError>,
    },
}

fn render(errors: &[EntryError]) -> String {
    errors
        .iter()
        .map(|e| format!("  - {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One problem in the catalogue, located by entry and field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}, champ « {field} » : {message}", entry_name(.entry), line_suffix(*.line))]
pub struct EntryError {
    /// The entry's id, or `None` for the header (`version`, `date`…).
    pub entry: Option<String>,
    /// Line of the entry's `id` (1-based), when it could be found.
    pub line: Option<usize>,
    pub field: String,
    pub message: String,
}

fn entry_name(entry: &Option<String>) -> String {
    match entry {
        Some(id) => format!("dispositif « {id} »"),
        None => "en-tête du catalogue".to_owned(),
    }
}

fn line_suffix(line: Option<usize>) -> String {
    line.map_or_else(String::new, |l| format!(" (ligne {l})"))
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Line of `id = "<id>"` in the source, for error messages.
fn line_of_id(text: &str, id: &str) -> Option<usize> {
    let quoted = format!("\"{id}\"");
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            t.starts_with("id") && t[2..].trim_start().starts_with('=') && t.contains(&quoted)
        })
        .map(|i| i + 1)
}

const HEADER_KEYS: &[&str] = &["version", "date", "licence", "description", "dispositif"];
const ENTRY_KEYS: &[&str] = &[
    "id",
    "nom",
    "description",
    "operateurs",
    "types",
    "etapes",
    "porteurs",
    "besoins",
    "themes",
    "conditions",
    "atouts",
    "perimetre",
    "montant",
    "duree",
    "contact",
    "lien",
    "a_verifier",
    "source",
    "sources",
    "verifie_le",
    "statut",
    "prochaine_fenetre",
];

/// Collects errors for one entry.
struct Ctx<'a> {
    entry: Option<String>,
    line: Option<usize>,
    errors: &'a mut Vec<EntryError>,
}

impl Ctx<'_> {
    fn err(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(EntryError {
            entry: self.entry.clone(),
            line: self.line,
            field: field.to_owned(),
            message: message.into(),
        });
    }

    fn string(&mut self, t: &Table, key: &str, required: bool) -> Option<String> {
        match t.get(key) {
            None if required => {
                self.err(key, "champ obligatoire absent");
                None
            }
            None => None,
            Some(Value::String(s)) if s.trim().is_empty() => {
                self.err(key, "texte vide");
                None
            }
            Some(Value::String(s)) => Some(s.trim().to_owned()),
            Some(_) => {
                self.err(key, "texte attendu");
                None
            }
        }
    }

    fn strings(&mut self, t: &Table, key: &str, required: bool) -> Vec<String> {
        match t.get(key) {
            None if required => {
                self.err(key, "champ obligatoire absent");
                vec![]
            }
            None => vec![],
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_owned()),
                        _ => self.err(
                            key,
                            format!("liste de textes attendue, élément invalide : {item}"),
                        ),
                    }
                }
                if required && out.is_empty() && items.is_empty() {
                    self.err(key, "liste vide : au moins une valeur attendue");
                }
                out
            }
            Some(_) => {
                self.err(key, "liste attendue, ex. [\"a\", \"b\"]");
                vec![]
            }
        }
    }

    fn words<T: Copy + Ord>(
        &mut self,
        t: &Table,
        key: &str,
        required: bool,
        what: &str,
        parse: fn(&str) -> Option<T>,
        all: &[&str],
    ) -> Vec<T> {
        let mut out = Vec::new();
        for w in self.strings(t, key, required) {
            match parse(&w) {
                Some(v) if out.contains(&v) => self.err(key, format!("{what} « {w} » en double")),
                Some(v) => out.push(v),
                None => self.err(
                    key,
                    format!(
                        "{what} inconnu « {w} » (valeurs possibles : {})",
                        all.join(", ")
                    ),
                ),
            }
        }
        out
    }

    fn conditions(&mut self, t: &Table, key: &str, with_points: bool) -> Vec<Condition> {
        let items = match t.get(key) {
            None => return vec![],
            Some(Value::Array(items)) => items,
            Some(_) => {
                self.err(key, "liste de règles attendue");
                return vec![];
            }
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let field = format!("{key}[{i}]");
            let (rule, label, points) = match item {
                Value::String(s) => (s.clone(), None, 10),
                Value::Table(c) => {
                    for k in c
                        .keys()
                        .filter(|k| !["regle", "libelle", "points"].contains(&k.as_str()))
                    {
                        self.err(
                            &field,
                            format!(
                                "clé inconnue « {k} » (clés possibles : regle, libelle, points)"
                            ),
                        );
                    }
                    let Some(Value::String(rule)) = c.get("regle") else {
                        self.err(&field, "« regle » (texte) obligatoire");
                        continue;
                    };
                    let label = match c.get("libelle") {
                        Some(Value::String(l)) => Some(l.clone()),
                        None => None,
                        Some(_) => {
                            self.err(&field, "« libelle » doit être un texte");
                            None
                        }
                    };
                    let points = match c.get("points") {
                        None => 10,
                        Some(Value::Integer(p)) if with_points && (0..=50).contains(p) => *p as u32,
                        Some(_) if !with_points => {
                            self.err(&field, "« points » n'a de sens que pour un atout");
                            10
                        }
                        Some(_) => {
                            self.err(&field, "« points » : entier de 0 à 50 attendu");
                            10
                        }
                    };
                    (rule.clone(), label, points)
                }
                _ => {
                    self.err(&field, "règle (texte) ou table { regle, libelle } attendue");
                    continue;
                }
            };
            match rule::parse(&rule) {
                Ok(expr) => {
                    let label = label.unwrap_or_else(|| expr.describe());
                    out.push(Condition {
                        rule: rule.trim().to_owned(),
                        label,
                        points,
                        expr,
                    });
                }
                Err(e) => self.err(&field, format!("règle « {} » : {e}", rule.trim())),
            }
        }
        out
    }
}

fn load(table: &Table, text: &str, errors: &mut Vec<EntryError>) -> Catalogue {
    let mut header = Ctx {
        entry: None,
        line: None,
        errors,
    };
    for k in table.keys().filter(|k| !HEADER_KEYS.contains(&k.as_str())) {
        header.err(
            k,
            format!("clé inconnue (clés possibles : {})", HEADER_KEYS.join(", ")),
        );
    }
    let version = header.string(table, "version", true).unwrap_or_default();
    let date = header.string(table, "date", true).unwrap_or_default();
    if !date.is_empty() && !is_iso_date(&date) {
        header.err(
            "date",
            format!("date AAAA-MM-JJ attendue, trouvé « {date} »"),
        );
    }
    let licence = header.string(table, "licence", false);
    let entries = match table.get("dispositif") {
        Some(Value::Array(items)) => items.as_slice(),
        Some(_) => {
            header.err("dispositif", "liste de tables [[dispositif]] attendue");
            &[]
        }
        None => {
            header.err(
                "dispositif",
                "aucun dispositif : au moins une table [[dispositif]] attendue",
            );
            &[]
        }
    };
    let mut schemes = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, entry) in entries.iter().enumerate() {
        let Value::Table(t) = entry else {
            errors.push(EntryError {
                entry: Some(format!("n°{}", i + 1)),
                line: None,
                field: "dispositif".into(),
                message: "table attendue".into(),
            });
            continue;
        };
        if let Some(s) = load_entry(t, i, text, errors, &mut seen) {
            schemes.push(s);
        }
    }
    Catalogue {
        version,
        date,
        licence,
        schemes,
    }
}

fn load_entry(
    t: &Table,
    index: usize,
    text: &str,
    errors: &mut Vec<EntryError>,
    seen: &mut BTreeSet<String>,
) -> Option<Scheme> {
    let raw_id = t.get("id").and_then(Value::as_str).map(str::to_owned);
    let mut cx = Ctx {
        entry: Some(raw_id.clone().unwrap_or_else(|| format!("n°{}", index + 1))),
        line: raw_id.as_deref().and_then(|id| line_of_id(text, id)),
        errors,
    };
    let before = cx.errors.len();
    let id = cx.string(t, "id", true).unwrap_or_default();
    if !id.is_empty() && !is_slug(&id) {
        cx.err(
            "id",
            "identifiant attendu en minuscules, chiffres et tirets (ex. france-active)",
        );
    }
    if !id.is_empty() && !seen.insert(id.clone()) {
        cx.err(
            "id",
            "identifiant en double : un autre dispositif porte déjà cet id",
        );
    }
    for k in t.keys().filter(|k| !ENTRY_KEYS.contains(&k.as_str())) {
        cx.err(
            k,
            format!("clé inconnue (clés possibles : {})", ENTRY_KEYS.join(", ")),
        );
    }
    let name = cx.string(t, "nom", true).unwrap_or_default();
    let description = cx.string(t, "description", true).unwrap_or_default();
    let operators = operators(&mut cx, t);
    let kinds = cx.words(t, "types", true, "type", Kind::from_word, Kind::WORDS);
    let stages = cx.words(t, "etapes", true, "étape", Stage::from_word, Stage::WORDS);
    let holders = cx.words(
        t,
        "porteurs",
        true,
        "porteur",
        Holder::from_word,
        Holder::WORDS,
    );
    let extra_needs = cx.words(t, "besoins", false, "besoin", Need::from_word, Need::WORDS);
    let themes = cx
        .strings(t, "themes", false)
        .iter()
        .map(|s| crate::text::normalize_theme(s))
        .collect();
    let conditions = cx.conditions(t, "conditions", false);
    let assets = cx.conditions(t, "atouts", true);
    let perimeter = perimeter(&mut cx, t);
    let amount = cx.string(t, "montant", false);
    if let Some(a) = &amount
        && !mentions_a_year(a)
    {
        cx.err(
            "montant",
            "préciser l'année du montant (ex. « 7 164 € par an et par poste (2026) »)",
        );
    }
    let duration = cx.string(t, "duree", false);
    let contact = cx.string(t, "contact", true).unwrap_or_default();
    let link = cx.string(t, "lien", false);
    if let Some(l) = &link
        && !l.starts_with("https://")
        && !l.starts_with("http://")
    {
        cx.err("lien", "adresse web attendue (https://…)");
    }
    let to_verify = cx.strings(t, "a_verifier", false);
    let seed = if t.contains_key("source") {
        source(&mut cx, t)
    } else {
        None
    };
    let sources = references(&mut cx, t);
    let checked_on = cx.string(t, "verifie_le", true).unwrap_or_default();
    if !checked_on.is_empty() && freshness::days_since_epoch(&checked_on).is_none() {
        cx.err(
            "verifie_le",
            format!("date AAAA-MM-JJ attendue, trouvé « {checked_on} »"),
        );
    }
    let status = match cx.string(t, "statut", true) {
        Some(w) => Status::from_word(&w).or_else(|| {
            cx.err(
                "statut",
                format!(
                    "statut inconnu « {w} » (valeurs possibles : {})",
                    Status::WORDS.join(", ")
                ),
            );
            None
        }),
        None => None,
    };
    let next_window = cx.string(t, "prochaine_fenetre", false);
    if next_window.is_some() && status.is_some_and(|s| s != Status::Periodic) {
        cx.err(
            "prochaine_fenetre",
            "n'a de sens que pour un statut « appel periodique »",
        );
    }
    if cx.errors.len() > before {
        return None;
    }
    let source = seed.or_else(|| {
        sources.first().map(|r| Source::Official {
            title: r.title.clone(),
            link: Some(r.link.clone()),
            passage: None,
        })
    });
    Some(Scheme {
        id,
        name,
        description,
        operators,
        kinds,
        stages,
        holders,
        extra_needs,
        themes,
        conditions,
        assets,
        perimeter,
        amount,
        duration,
        contact,
        link,
        to_verify,
        source: source?,
        sources,
        checked_on,
        status: status?,
        next_window,
    })
}

/// `sources = [{ titre, lien }, …]`: required, official first.
fn references(cx: &mut Ctx<'_>, t: &Table) -> Vec<Reference> {
    let items = match t.get("sources") {
        None => {
            cx.err(
                "sources",
                "sources officielles obligatoires : liste de { titre, lien } (Légifrance, service-public.fr, site de l'opérateur, ministère)",
            );
            return vec![];
        }
        Some(Value::Array(items)) if items.is_empty() => {
            cx.err(
                "sources",
                "liste vide : au moins une source officielle attendue",
            );
            return vec![];
        }
        Some(Value::Array(items)) => items,
        Some(_) => {
            cx.err("sources", "liste de tables { titre, lien } attendue");
            return vec![];
        }
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let field = format!("sources[{i}]");
        let Value::Table(r) = item else {
            cx.err(&field, "table { titre, lien } attendue");
            continue;
        };
        for k in r
            .keys()
            .filter(|k| !["titre", "lien"].contains(&k.as_str()))
        {
            cx.err(
                &field,
                format!("clé inconnue « {k} » (clés possibles : titre, lien)"),
            );
        }
        let get = |k: &str| {
            r.get(k)
                .and_then(Value::as_str)
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        };
        match (get("titre"), get("lien")) {
            (Some(title), Some(link))
                if link.starts_with("https://") || link.starts_with("http://") =>
            {
                out.push(Reference { title, link });
            }
            (Some(_), Some(link)) => {
                cx.err(
                    &field,
                    format!("« lien » : adresse web attendue (https://…), trouvé « {link} »"),
                );
            }
            _ => cx.err(&field, "« titre » et « lien » (textes) obligatoires"),
        }
    }
    out
}

/// True when a text names a year (`2024`, `2026`…): amounts must say when they held.
fn mentions_a_year(text: &str) -> bool {
    text.as_bytes().windows(4).enumerate().any(|(i, w)| {
        (w.starts_with(b"19") || w.starts_with(b"20"))
            && w.iter().all(u8::is_ascii_digit)
            && !text.as_bytes().get(i + 4).is_some_and(u8::is_ascii_digit)
            && !(i > 0 && text.as_bytes()[i - 1].is_ascii_digit())
    })
}

fn operators(cx: &mut Ctx<'_>, t: &Table) -> Vec<Operator> {
    let items = match t.get("operateurs") {
        None => {
            cx.err("operateurs", "champ obligatoire absent");
            return vec![];
        }
        Some(Value::Array(items)) if items.is_empty() => {
            cx.err("operateurs", "liste vide : au moins un opérateur attendu");
            return vec![];
        }
        Some(Value::Array(items)) => items,
        Some(_) => {
            cx.err("operateurs", "liste de tables { id, nom, role } attendue");
            return vec![];
        }
    };
    let mut out: Vec<Operator> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let field = format!("operateurs[{i}]");
        let Value::Table(o) = item else {
            cx.err(&field, "table { id, nom, role } attendue");
            continue;
        };
        for k in o
            .keys()
            .filter(|k| !["id", "nom", "role"].contains(&k.as_str()))
        {
            cx.err(
                &field,
                format!("clé inconnue « {k} » (clés possibles : id, nom, role)"),
            );
        }
        let get = |k: &str| {
            o.get(k)
                .and_then(Value::as_str)
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        };
        let (Some(id), Some(name)) = (get("id"), get("nom")) else {
            cx.err(&field, "« id » et « nom » (textes) obligatoires");
            continue;
        };
        if !is_slug(&id) {
            cx.err(
                &field,
                format!("id « {id} » : minuscules, chiffres et tirets attendus"),
            );
        } else if out.iter().any(|x| x.id == id) {
            cx.err(&field, format!("id « {id} » en double"));
        }
        out.push(Operator {
            id,
            name,
            role: get("role"),
        });
    }
    out
}

fn perimeter(cx: &mut Ctx<'_>, t: &Table) -> Perimeter {
    match t.get("perimetre") {
        None => {
            cx.err("perimetre", "champ obligatoire absent (\"national\" ou { regions = [..] } ou { departements = [..] })");
            Perimeter::National
        }
        Some(Value::String(s)) if s == "national" => Perimeter::National,
        Some(Value::Table(p))
            if p.len() == 1 && (p.contains_key("regions") || p.contains_key("departements")) =>
        {
            let regions = p.contains_key("regions");
            let key = if regions { "regions" } else { "departements" };
            let codes: Vec<String> = match p.get(key) {
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                _ => vec![],
            };
            if codes.is_empty() {
                cx.err(
                    "perimetre",
                    format!("« {key} » : liste de codes (textes) non vide attendue"),
                );
            }
            for c in &codes {
                let known = if regions {
                    crate::location::is_region_code(c)
                } else {
                    crate::location::region_of_departement(c).is_some()
                };
                if !known {
                    let what = if regions { "région" } else { "département" };
                    cx.err(
                        "perimetre",
                        format!("code {what} inconnu « {c} » (COG 2026)"),
                    );
                }
            }
            if regions {
                Perimeter::Regions(codes)
            } else {
                Perimeter::Departements(codes)
            }
        }
        Some(_) => {
            cx.err(
                "perimetre",
                "\"national\", { regions = [\"53\"] } ou { departements = [\"93\"] } attendu",
            );
            Perimeter::National
        }
    }
}

fn source(cx: &mut Ctx<'_>, t: &Table) -> Option<Source> {
    let Some(value) = t.get("source") else {
        cx.err("source", "source obligatoire : { fichier, passage } d'un document de seeds/ ou { texte, lien } officiel");
        return None;
    };
    let Value::Table(s) = value else {
        cx.err(
            "source",
            "table { fichier, passage } ou { texte, lien, passage } attendue",
        );
        return None;
    };
    for k in s
        .keys()
        .filter(|k| !["fichier", "passage", "texte", "lien"].contains(&k.as_str()))
    {
        cx.err(
            "source",
            format!("clé inconnue « {k} » (clés possibles : fichier, passage, texte, lien)"),
        );
    }
    let get = |k: &str| {
        s.get(k)
            .and_then(Value::as_str)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let passage = get("passage");
    if let Some(p) = &passage
        && p.chars().count() > 600
    {
        cx.err("source", "passage trop long : citer au plus 600 caractères");
    }
    match (get("fichier"), get("texte")) {
        (Some(file), None) => {
            if !is_seed_file_name(&file) {
                cx.err("source", format!("fichier « {file} » : nom de document de seeds attendu (ex. 004_aec176e962352d18.txt)"));
            }
            match passage {
                Some(passage) => Some(Source::Seed { file, passage }),
                None => {
                    cx.err("source", "« passage » cité obligatoire avec « fichier »");
                    None
                }
            }
        }
        (None, Some(title)) => Some(Source::Official {
            title,
            link: get("lien"),
            passage,
        }),
        (Some(_), Some(_)) => {
            cx.err("source", "« fichier » ou « texte », pas les deux");
            None
        }
        (None, None) => {
            cx.err(
                "source",
                "« fichier » (document de seeds) ou « texte » (texte officiel) obligatoire",
            );
            None
        }
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// `NNN_` + 16 hex digits + `.txt`, the naming of the project's seed documents.
fn is_seed_file_name(s: &str) -> bool {
    let Some(stem) = s.strip_suffix(".txt") else {
        return false;
    };
    let b = stem.as_bytes();
    b.len() == 20
        && b[..3].iter().all(u8::is_ascii_digit)
        && b[3] == b'_'
        && b[4..]
            .iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
version = "test"
date = "2025-01-01"

[[dispositif]]
id = "dla"
nom = "Dispositif local d'accompagnement"
description = "Accompagnement des structures employeuses de l'ESS."
operateurs = [{ id = "dla-departemental", nom = "DLA départemental" }]
types = ["accompagnement"]
etapes = ["developpement", "consolidation"]
porteurs = ["structure"]
conditions = ["employeur = oui", { regle = "ess = oui", libelle = "être une structure de l'ESS" }]
perimetre = "national"
contact = "Le DLA de votre département."
source = { fichier = "001_6896deeae8272fff.txt", passage = "Le D.L.A (dispositif local d'accompagnement)" }
sources = [{ titre = "Décret n° 2015-1103 du 1er septembre 2015 (Légifrance)", lien = "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000031123279" }]
verifie_le = "2026-12-07"
statut = "ouvert"
"#;

    fn errors(text: &str) -> Vec<String> {
        match Catalogue::from_toml_str(text, "test.toml") {
            Ok(_) => vec![],
            Err(CatalogueError::Invalid { errors, .. }) => {
                errors.iter().map(ToString::to_string).collect()
            }
            Err(e) => vec![e.to_string()],
        }
    }

    #[test]
    fn a_good_catalogue_loads() {
        let c = Catalogue::from_toml_str(GOOD, "test.toml").unwrap();
        let dla = c.get("dla").unwrap();
        assert_eq!(dla.conditions.len(), 2);
        assert_eq!(dla.conditions[0].label, "structure employeuse : oui");
        assert_eq!(dla.conditions[1].label, "être une structure de l'ESS");
        assert_eq!(
            dla.referral_targets(),
            vec![ReferralTarget {
                scheme: "dla".into(),
                operator: "dla-departemental".into()
            }]
        );
    }

    #[test]
    fn a_rule_on_an_unknown_fact_names_entry_line_and_field() {
        let text = GOOD.replace("\"employeur = oui\"", "\"employeurs = oui\"");
        let errs = errors(&text);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with(
                "dispositif « dla » (ligne 6), champ « conditions[0] » : règle « employeurs = oui » : fait inconnu « employeurs »"
            ),
            "{}",
            errs[0]
        );
    }

    #[test]
    fn unknown_kind_and_bad_stage_are_named() {
        let text = GOOD
            .replace("types = [\"accompagnement\"]", "types = [\"financemnt\"]")
            .replace("\"consolidation\"]", "\"pérennisation\"]");
        let errs = errors(&text);
        assert!(
            errs.iter()
                .any(|e| e.contains("champ « types » : type inconnu « financemnt »")),
            "{errs:?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.contains("champ « etapes » : étape inconnu « pérennisation »")),
            "{errs:?}"
        );
    }

    #[test]
    fn duplicate_ids_missing_sources_and_unknown_keys_are_reported_together() {
        let second = GOOD
            .split("[[dispositif]]")
            .nth(1)
            .unwrap()
            .replace("source = {", "sourc = {")
            .lines()
            .filter(|l| !l.starts_with("sources = "))
            .collect::<Vec<_>>()
            .join("\n");
        let text = format!("{GOOD}\n[[dispositif]]{second}");
        let errs = errors(&text);
        assert!(
            errs.iter()
                .any(|e| e.contains("champ « id » : identifiant en double")),
            "{errs:?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.contains("champ « sourc » : clé inconnue")),
            "{errs:?}"
        );
        assert!(
            errs.iter().any(|e| e.starts_with(
                "dispositif « dla » (ligne 6), champ « sources » : sources officielles obligatoires"
            )),
            "{errs:?}"
        );
    }

    /// Issue 13, point 1: every entry is dated, has a status and official sources; amounts
    /// say their year. Each refusal names the entry and the field, in French.
    #[test]
    fn freshness_fields_are_required_and_checked_in_french() {
        let errs = errors(&GOOD.replace("verifie_le = \"2026-12-07\"\n", ""));
        assert_eq!(
            errs,
            vec!["dispositif « dla » (ligne 6), champ « verifie_le » : champ obligatoire absent"]
        );
        let errs = errors(&GOOD.replace("2026-12-07", "07/12/2026"));
        assert_eq!(
            errs,
            vec![
                "dispositif « dla » (ligne 6), champ « verifie_le » : date AAAA-MM-JJ attendue, trouvé « 07/12/2026 »"
            ]
        );
        let errs = errors(&GOOD.replace("statut = \"ouvert\"", "statut = \"clos\""));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("dispositif « dla » (ligne 6), champ « statut » : statut inconnu « clos » (valeurs possibles : ouvert, appel periodique, ferme, a verifier)"),
            "{}",
            errs[0]
        );
        let errs = errors(&GOOD.replace(
            "statut = \"ouvert\"",
            "statut = \"ouvert\"\nmontant = \"7 164 € par an\"",
        ));
        assert_eq!(
            errs,
            vec![
                "dispositif « dla » (ligne 6), champ « montant » : préciser l'année du montant (ex. « 7 164 € par an et par poste (2026) »)"
            ]
        );
        assert!(
            errors(&GOOD.replace(
                "statut = \"ouvert\"",
                "statut = \"ouvert\"\nmontant = \"7 164 € par an (2026)\""
            ))
            .is_empty()
        );
        let errs =
            errors(&GOOD.replace("lien = \"https://www.legifrance", "lien = \"www.legifrance"));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].contains("champ « sources[0] » : « lien » : adresse web attendue"),
            "{}",
            errs[0]
        );
        let errs = errors(&GOOD.replace(
            "statut = \"ouvert\"",
            "statut = \"ouvert\"\nprochaine_fenetre = \"janvier\"",
        ));
        assert!(
            errs[0].contains(
                "champ « prochaine_fenetre » : n'a de sens que pour un statut « appel periodique »"
            ),
            "{errs:?}"
        );
    }

    #[test]
    fn without_a_seed_citation_the_first_official_source_is_the_main_one() {
        let text = GOOD.replace(
            "source = { fichier = \"001_6896deeae8272fff.txt\", passage = \"Le D.L.A (dispositif local d'accompagnement)\" }\n",
            "",
        );
        let c = Catalogue::from_toml_str(&text, "test.toml").unwrap();
        assert!(matches!(
            &c.get("dla").unwrap().source,
            Source::Official { title, link: Some(l), .. } if title.starts_with("Décret n° 2015-1103") && l.contains("legifrance")
        ));
    }

    #[test]
    fn stale_checks_are_warned_with_entry_field_and_french_date() {
        let c = Catalogue::from_toml_str(GOOD, "test.toml").unwrap();
        assert!(c.stale_warnings("2027-06-01", 365).is_empty());
        let w = c.stale_warnings("2028-01-15", 365);
        assert_eq!(w.len(), 1);
        assert_eq!(
            w[0].to_string(),
            "dispositif « dla », champ « verifie_le » : information vérifiée le 7 décembre 2026, il y a 404 jours (plus de 365) : à revérifier auprès des sources"
        );
        // The age is configurable.
        assert_eq!(c.stale_warnings("2027-06-01", 90).len(), 1);
    }

    #[test]
    fn sources_must_name_a_seed_file_and_quote_it() {
        let text = GOOD.replace("001_6896deeae8272fff.txt", "guide.pdf");
        assert!(errors(&text)[0].contains("champ « source » : fichier « guide.pdf »"));
        let text = GOOD.replace(
            ", passage = \"Le D.L.A (dispositif local d'accompagnement)\"",
            "",
        );
        assert!(errors(&text)[0].contains("« passage » cité obligatoire"));
    }

    #[test]
    fn header_and_syntax_errors_are_named() {
        let errs = errors(&GOOD.replace("date = \"2025-01-01\"", "date = \"janvier\""));
        assert_eq!(
            errs,
            vec![
                "en-tête du catalogue, champ « date » : date AAAA-MM-JJ attendue, trouvé « janvier »"
            ]
        );
        let e = Catalogue::from_toml_str("version = \n", "x.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("x.toml : TOML invalide ligne 1"), "{e}");
    }

    #[test]
    fn the_embedded_catalogue_loads() {
        let c = Catalogue::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert!(c.schemes.len() >= 60, "{}", c.schemes.len());
        let themes = c.condition_themes();
        // Rule words are normalised like profile themes: `tiers_lieu` → `tier_lieu`.
        assert!(themes.contains(&"tier_lieu".to_owned()), "{themes:?}");
        assert!(themes.contains(&"alimentation".to_owned()), "{themes:?}");
    }

    #[test]
    fn every_seed_file_cited_has_a_title() {
        let c = Catalogue::embedded().unwrap();
        for s in &c.schemes {
            if let Source::Seed { file, .. } = &s.source {
                assert!(Source::seed_title(file).is_some(), "{}: {file}", s.id);
            }
        }
    }
}
