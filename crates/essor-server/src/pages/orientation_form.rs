//! The guided orientation form: the profile travels in the query string (so a result can be
//! shared and printed), is read field by field with French errors tied to the field, and
//! decides which questions are asked.
//!
//! Input names are the JSON names of the profile (`holder`, `employees`…), so a question,
//! its error and the `missing` items of the matcher all point to the same anchor. Yes/no
//! questions have a third answer, « je ne sais pas », which leaves the fact unknown: the
//! matcher then says `to_check` rather than guessing "no".
//!
//! **Which questions are asked.** The first screen asks only who carries the project, its
//! stage, its needs and where it is. After that, a further question is shown only when the
//! matcher lists its field among the `missing` information of a scheme to check (or when it
//! already has an answer): the catalogue itself decides what is worth asking.

use essor_model::CommuneCode;
use essor_orientation::profile::PROFILE_FIELDS;
use essor_orientation::vocab::{LegalFamily, Need, Public};
use essor_orientation::{Profile, ProfileError};
use essor_refdata::cog::{cog, name_key};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Yes/no questions (`true`, `false`, or nothing for « je ne sais pas »).
const YES_NO: &[&str] = &[
    "ess",
    "resident_in_qpv",
    "located_in_qpv",
    "acts_in_qpv",
    "informal",
    "bank_access",
];
const LISTS: &[&str] = &["needs", "public", "themes"];
const INTEGERS: &[&str] = &["employees", "founded_year", "age"];

/// The value of a list question meaning "none of these" (an answer, unlike no box ticked).
pub const NONE_OF_THESE: &str = "aucun";

/// A problem with one field, in French.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    /// The input's name (a profile field), or `""` for the form as a whole.
    pub field: &'static str,
    pub message: String,
}

/// The profile part of a query string, read.
#[derive(Debug, Clone, Default)]
pub struct ProfileForm {
    /// The non-empty profile pairs as submitted, in order (for links and hidden inputs).
    pub pairs: Vec<(String, String)>,
    /// What could be read; fields with an issue are left out.
    pub profile: Profile,
    pub issues: Vec<FieldIssue>,
    /// The commune found for the `commune` input: code and name.
    pub commune: Option<(String, String)>,
}

fn field_name(key: &str) -> Option<&'static str> {
    PROFILE_FIELDS.iter().copied().find(|f| *f == key)
}

impl ProfileForm {
    /// Reads the profile pairs among `pairs` (other keys are ignored).
    pub fn parse(pairs: &[(String, String)]) -> Self {
        let mut form = Self {
            pairs: pairs
                .iter()
                .filter(|(k, v)| field_name(k).is_some() && !v.trim().is_empty())
                .cloned()
                .collect(),
            ..Self::default()
        };
        let mut values: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        for (k, v) in &form.pairs {
            let field = field_name(k).expect("filtered above");
            values.entry(field).or_default().push(v.trim().to_owned());
        }
        let mut object = Map::new();
        for (&field, vals) in &values {
            let first = vals[0].as_str();
            let value = if LISTS.contains(&field) {
                let chosen: Vec<Value> = vals
                    .iter()
                    .filter(|v| *v != NONE_OF_THESE)
                    .map(|v| Value::String(v.clone()))
                    .collect();
                Ok(Value::Array(chosen))
            } else if YES_NO.contains(&field) {
                match first {
                    "true" => Ok(Value::Bool(true)),
                    "false" => Ok(Value::Bool(false)),
                    other => Err(format!("« {other} » : oui (true) ou non (false) attendu")),
                }
            } else if INTEGERS.contains(&field) {
                first
                    .replace([' ', '\u{a0}', '\u{202f}'], "")
                    .parse::<i64>()
                    .map(Value::from)
                    .map_err(|_| format!("« {first} » n'est pas un nombre entier"))
            } else if field == "lon" || field == "lat" {
                first
                    .replace(',', ".")
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .map(Value::from)
                    .ok_or_else(|| {
                        format!("« {first} » n'est pas un nombre (degrés décimaux, ex. 2.3815)")
                    })
            } else if field == "commune" {
                resolve_commune(first).map(|(code, name)| {
                    form.commune = Some((code.clone(), name));
                    Value::String(code)
                })
            } else {
                Ok(Value::String(first.to_owned()))
            };
            match value {
                Ok(v) => {
                    object.insert(field.to_owned(), v);
                }
                Err(message) => form.issues.push(FieldIssue { field, message }),
            }
        }
        // One coordinate without the other: the issue goes to the missing one.
        match (object.contains_key("lon"), object.contains_key("lat")) {
            (true, false) | (false, true)
                if !form
                    .issues
                    .iter()
                    .any(|i| i.field == "lon" || i.field == "lat") =>
            {
                let missing = if object.contains_key("lon") {
                    "lat"
                } else {
                    "lon"
                };
                form.issues.push(FieldIssue {
                    field: missing,
                    message: "donner la longitude et la latitude, ou aucune des deux".into(),
                });
                object.remove("lon");
                object.remove("lat");
            }
            (true, false) | (false, true) => {
                object.remove("lon");
                object.remove("lat");
            }
            _ => {}
        }
        // The library checks the rest (vocabularies, ranges); each refused field is named,
        // set aside, and the others read again.
        form.profile = loop {
            match Profile::from_value(Value::Object(object.clone())) {
                Ok(p) => break p,
                Err(ProfileError::Field { field, message }) if object.remove(field).is_some() => {
                    form.issues.push(FieldIssue { field, message });
                }
                Err(e) => {
                    form.issues.push(FieldIssue {
                        field: "",
                        message: e.to_string(),
                    });
                    break Profile::default();
                }
            }
        };
        form
    }

    /// True when at least one profile field was given.
    pub fn submitted(&self) -> bool {
        !self.pairs.is_empty()
    }

    /// Every submitted value of a field.
    pub fn values(&self, field: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == field)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first submitted value of a field, or `""`.
    pub fn value(&self, field: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == field)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The issue of a field, if any.
    pub fn issue(&self, field: &str) -> Option<&str> {
        self.issues
            .iter()
            .find(|i| i.field == field)
            .map(|i| i.message.as_str())
    }

    /// The profile pairs as a query string (`holder=person&needs=locaux`).
    pub fn query(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.pairs {
            s.append_pair(k, v);
        }
        s.finish()
    }
}

/// A commune from its INSEE code, its exact name, or `Name (code)`: code and name, or a
/// French message that helps (homonyms are listed with their département).
pub fn resolve_commune(text: &str) -> Result<(String, String), String> {
    let text = text.trim();
    let code_part = text
        .rsplit_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .map(str::trim)
        .unwrap_or(text);
    let cog = cog();
    if let Ok(code) = CommuneCode::parse(code_part) {
        let base = code.without_arrondissement();
        return match cog
            .commune(code.as_str())
            .or_else(|| cog.commune(base.as_str()))
        {
            Some(c) => Ok((code.as_str().to_owned(), c.nom.clone())),
            None => Err(format!(
                "code commune « {code_part} » inconnu du Code officiel géographique 2026"
            )),
        };
    }
    let key = name_key(text);
    let found: Vec<_> = cog
        .communes
        .iter()
        .filter(|c| name_key(&c.nom) == key)
        .collect();
    match found.as_slice() {
        [one] => Ok((one.code.clone(), one.nom.clone())),
        [] => Err(format!(
            "commune « {text} » introuvable : donnez son nom exact ou son code INSEE (ex. Rennes ou 35238)"
        )),
        many => {
            let list: Vec<String> = many
                .iter()
                .take(8)
                .map(|c| {
                    let dep = cog
                        .departement(&c.departement)
                        .map_or(c.departement.clone(), |d| d.nom.clone());
                    format!("{} ({dep})", c.code)
                })
                .collect();
            Err(format!(
                "plusieurs communes s'appellent « {text} » : {} ; indiquez le code INSEE",
                list.join(", ")
            ))
        }
    }
}

/// Short French names of the profile fields, for "information missing: …".
pub fn field_label(field: &str) -> &'static str {
    match field {
        "holder" => "qui porte le projet",
        "legal_category" | "legal_family" => "la forme juridique",
        "ess" => "l'appartenance à l'ESS",
        "employees" => "le nombre de salariés",
        "founded_year" => "l'année de création",
        "stage" => "l'étape du projet",
        "needs" => "les besoins",
        "themes" => "les domaines du projet",
        "commune" => "la commune",
        "lon" | "lat" | "lon/lat" => "l'emplacement précis (coordonnées)",
        "resident_in_qpv" => "si le porteur habite un QPV",
        "located_in_qpv" => "si le projet est installé en QPV",
        "acts_in_qpv" => "si le projet agit pour un QPV",
        "public" => "les publics concernés",
        "informal" => "si l'activité est informelle",
        "bank_access" => "l'accès au crédit bancaire",
        "age" => "l'âge du porteur",
        _ => "une information du profil",
    }
}

/// The input a `missing` item points to (`lon/lat` → `lon`, `legal_category` → the family).
pub fn question_of(missing: &str) -> &'static str {
    match missing {
        "lon/lat" | "lat" => "lon",
        "legal_category" => "legal_family",
        other => field_name(other).unwrap_or("holder"),
    }
}

/// One choice of a radio or checkbox question, or one option of a select.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub hint: Option<String>,
    pub checked: bool,
    /// Element id, unique in the page.
    pub id: String,
}

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Radio,
    Checkbox,
    Select,
    Number,
    Text,
    /// Longitude and latitude, two inputs in one group.
    Point,
    TextArea,
}

/// A question as the template draws it.
#[derive(Debug, Clone)]
pub struct Question {
    /// The input's name (profile field).
    pub field: &'static str,
    pub kind: Kind,
    pub legend: &'static str,
    pub hint: Option<&'static str>,
    pub choices: Vec<Choice>,
    /// Current text of a single-input question.
    pub value: String,
    /// Second input of a [`Kind::Point`] (latitude).
    pub value2: String,
    pub issue: Option<String>,
    /// Schemes to check that an answer here could settle.
    pub settles: usize,
    /// Drawn visible (the others are present but `hidden`, for the script to reveal).
    pub visible: bool,
    /// Attributes of a number input.
    pub min: &'static str,
    pub max: &'static str,
}

impl Question {
    /// `fr-fieldset` questions are anchored on their fieldset, single inputs on the input.
    pub fn anchor(&self) -> String {
        match self.kind {
            Kind::Radio | Kind::Checkbox | Kind::Point => format!("q-{}", self.field),
            _ => self.field.to_owned(),
        }
    }

    pub fn is(&self, kind: &str) -> bool {
        let k = match self.kind {
            Kind::Radio => "radio",
            Kind::Checkbox => "checkbox",
            Kind::Select => "select",
            Kind::Number => "number",
            Kind::Text => "text",
            Kind::Point => "point",
            Kind::TextArea => "textarea",
        };
        k == kind
    }
}

/// A titled group of questions.
#[derive(Debug, Clone)]
pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    pub intro: Option<&'static str>,
    pub questions: Vec<Question>,
}

impl Section {
    pub fn any_visible(&self) -> bool {
        self.questions.iter().any(|q| q.visible)
    }
}

/// What the matcher says about the current answers: for each field, how many schemes to
/// check it would help settle.
pub type Settles = BTreeMap<&'static str, usize>;

/// `prêt` → `Prêt`.
pub fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn choices(
    form: &ProfileForm,
    field: &'static str,
    items: &[(&str, &str, Option<&str>)],
) -> Vec<Choice> {
    let chosen = form.values(field);
    items
        .iter()
        .map(|(value, label, hint)| Choice {
            value: (*value).to_owned(),
            label: capitalised(label),
            hint: hint.map(str::to_owned),
            checked: chosen.contains(value),
            id: format!("{field}-{}", if value.is_empty() { "nsp" } else { value }),
        })
        .collect()
}

fn yes_no(form: &ProfileForm, field: &'static str) -> Vec<Choice> {
    let mut c = choices(
        form,
        field,
        &[
            ("true", "Oui", None),
            ("false", "Non", None),
            ("", "Je ne sais pas", None),
        ],
    );
    if form.value(field).is_empty() {
        c[2].checked = true;
    }
    c
}

/// Readable labels of the theme words the catalogue's conditions test.
fn theme_label(word: &str) -> String {
    match word {
        "tier_lieu" => "tiers-lieu".into(),
        "reemploi" => "réemploi".into(),
        "reparation" => "réparation".into(),
        "mecanique" => "mécanique".into(),
        other => other.replace('_', " "),
    }
}

/// The theme value sent for a rule word (`tier_lieu` reads better as `tiers_lieu`; both
/// normalise the same).
fn theme_value(word: &str) -> String {
    if word == "tier_lieu" {
        "tiers_lieu".into()
    } else {
        word.to_owned()
    }
}

/// The questions of the form, in three sections, with their answers, issues, and whether
/// they are asked now.
pub fn sections(form: &ProfileForm, settles: &Settles, themes: &[String]) -> Vec<Section> {
    let submitted = form.submitted();
    let q = |field: &'static str, kind: Kind, legend, hint, choices: Vec<Choice>, core: bool| {
        let value = form.value(field).to_owned();
        let answered = !form.values(field).is_empty();
        Question {
            field,
            kind,
            legend,
            hint,
            choices,
            value,
            value2: String::new(),
            issue: form.issue(field).map(str::to_owned),
            settles: settles.get(field).copied().unwrap_or(0),
            visible: core || answered || (submitted && settles.contains_key(field)),
            min: "",
            max: "",
        }
    };
    let holder = q(
        "holder",
        Kind::Radio,
        "Qui porte le projet ?",
        None,
        choices(
            form,
            "holder",
            &[
                (
                    "person",
                    "Une personne",
                    Some("habitante ou habitant, porteuse ou porteur d'une idée ou d'une activité"),
                ),
                (
                    "collective",
                    "Un collectif d'habitants ou un groupe informel",
                    Some("sans structure juridique, ou pas encore"),
                ),
                (
                    "structure",
                    "Une structure constituée",
                    Some("association, coopérative, entreprise de l'ESS…"),
                ),
                (
                    "collectivite",
                    "Une collectivité territoriale",
                    Some("commune, EPCI, département… qui repère un besoin"),
                ),
            ],
        ),
        true,
    );
    let stage = q(
        "stage",
        Kind::Radio,
        "Où en est le projet ?",
        None,
        choices(
            form,
            "stage",
            &[
                ("besoin", "Un besoin repéré, sans porteur de projet", None),
                ("idee", "Une idée", None),
                (
                    "emergence",
                    "Le projet prend forme",
                    Some("étude, premiers partenaires, test"),
                ),
                ("creation", "Création ou lancement", None),
                (
                    "developpement",
                    "Développement",
                    Some("l'activité existe et grandit"),
                ),
                (
                    "consolidation",
                    "Consolidation",
                    Some("pérenniser l'activité, les emplois, le modèle économique"),
                ),
                (
                    "changement_echelle",
                    "Changement d'échelle",
                    Some("essaimer, dupliquer, changer de dimension"),
                ),
            ],
        ),
        true,
    );
    let need_items: Vec<(&str, &str, Option<&str>)> = Need::ALL
        .iter()
        .map(|n| (n.word(), n.label(), None))
        .collect();
    let needs = q(
        "needs",
        Kind::Checkbox,
        "De quoi le projet a-t-il besoin ?",
        Some(
            "plusieurs réponses possibles ; les besoins classent les dispositifs, ils n'en excluent aucun",
        ),
        choices(form, "needs", &need_items),
        true,
    );
    let commune = q(
        "commune",
        Kind::Text,
        "Commune du projet",
        Some(
            "nom ou code INSEE, ex. Rennes ou 35238 ; essor en déduit le département, la région et la présence de quartiers prioritaires",
        ),
        vec![],
        true,
    );
    let located = q(
        "located_in_qpv",
        Kind::Radio,
        "Le projet est-il installé dans un quartier prioritaire (QPV) ?",
        None,
        yes_no(form, "located_in_qpv"),
        true,
    );
    let acts = q(
        "acts_in_qpv",
        Kind::Radio,
        "Le projet agit-il au bénéfice des habitants d'un quartier prioritaire ?",
        None,
        yes_no(form, "acts_in_qpv"),
        true,
    );
    let resident = q(
        "resident_in_qpv",
        Kind::Radio,
        "La personne ou le collectif qui porte le projet habite-t-il un quartier prioritaire ?",
        None,
        yes_no(form, "resident_in_qpv"),
        false,
    );
    let mut point = q(
        "lon",
        Kind::Point,
        "Emplacement précis (facultatif)",
        Some(
            "longitude et latitude WGS84 en degrés décimaux : essor situe le point par rapport aux QPV (dedans, à moins d'1 km)",
        ),
        vec![],
        false,
    );
    point.value2 = form.value("lat").to_owned();
    point.visible |= !point.value2.is_empty() || form.issue("lat").is_some();
    if point.issue.is_none() {
        point.issue = form.issue("lat").map(str::to_owned);
    }
    let mut family_items: Vec<(&str, &str, Option<&str>)> = vec![("", "Je ne sais pas", None)];
    family_items.extend(LegalFamily::ALL.iter().map(|f| (f.word(), f.label(), None)));
    let family = q(
        "legal_family",
        Kind::Select,
        "Forme juridique de la structure",
        None,
        choices(form, "legal_family", &family_items),
        false,
    );
    let ess = q(
        "ess",
        Kind::Radio,
        "La structure fait-elle partie de l'économie sociale et solidaire (ESS) ?",
        Some(
            "association, coopérative, mutuelle, fondation, ou entreprise de l'ESS au sens de la loi du 31 juillet 2014",
        ),
        yes_no(form, "ess"),
        false,
    );
    let mut employees = q(
        "employees",
        Kind::Number,
        "Nombre de salariés",
        Some("0 si la structure n'emploie personne"),
        vec![],
        false,
    );
    employees.min = "0";
    employees.max = "100000";
    let mut founded = q(
        "founded_year",
        Kind::Number,
        "Année de création de la structure",
        Some("ex. 2013"),
        vec![],
        false,
    );
    founded.min = "1800";
    founded.max = "2100";
    let mut age = q(
        "age",
        Kind::Number,
        "Âge de la personne qui porte le projet",
        Some("en années ; certains dispositifs sont réservés aux 16–18 ans ou aux 18–30 ans"),
        vec![],
        false,
    );
    age.min = "0";
    age.max = "120";
    let mut public_items: Vec<(&str, &str, Option<&str>)> = Public::ALL
        .iter()
        .map(|p| (p.word(), p.label(), None))
        .collect();
    public_items.push((NONE_OF_THESE, "Aucun de ces publics en particulier", None));
    let public = q(
        "public",
        Kind::Checkbox,
        "Avec qui le projet travaille-t-il ?",
        Some("publics concernés (pour une personne : qui elle est) ; plusieurs réponses possibles"),
        choices(form, "public", &public_items),
        false,
    );
    let informal = q(
        "informal",
        Kind::Radio,
        "L'activité existe-t-elle déjà de manière informelle (non déclarée) ?",
        None,
        yes_no(form, "informal"),
        false,
    );
    let bank = q(
        "bank_access",
        Kind::Radio,
        "La personne ou la structure a-t-elle accès au crédit bancaire ?",
        None,
        yes_no(form, "bank_access"),
        false,
    );
    let theme_items: Vec<(String, String)> = themes
        .iter()
        .map(|t| (theme_value(t), theme_label(t)))
        .chain([(NONE_OF_THESE.to_owned(), "Aucun de ces domaines".to_owned())])
        .collect();
    let theme_refs: Vec<(&str, &str, Option<&str>)> = theme_items
        .iter()
        .map(|(v, l)| (v.as_str(), l.as_str(), None))
        .collect();
    let themes_q = q(
        "themes",
        Kind::Checkbox,
        "Le projet concerne-t-il l'un de ces domaines ?",
        Some("certains dispositifs sont réservés à ces domaines ; plusieurs réponses possibles"),
        choices(form, "themes", &theme_refs),
        false,
    );
    let description = q(
        "description",
        Kind::TextArea,
        "Décrire le projet en quelques mots (facultatif)",
        Some(
            "sert seulement à mieux classer les dispositifs ; n'y mettez pas de données personnelles",
        ),
        vec![],
        true,
    );
    vec![
        Section {
            id: "section-projet",
            title: "Le projet",
            intro: None,
            questions: vec![holder, stage, needs],
        },
        Section {
            id: "section-lieu",
            title: "Le lieu",
            intro: None,
            questions: vec![commune, located, acts, resident, point],
        },
        Section {
            id: "section-precisions",
            title: "Pour préciser",
            intro: Some(
                "Seules les questions qui peuvent encore changer le résultat sont posées ici.",
            ),
            questions: vec![
                family,
                ess,
                employees,
                founded,
                age,
                public,
                informal,
                bank,
                themes_q,
                description,
            ],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(q.as_bytes()).into_owned().collect()
    }

    #[test]
    fn a_query_string_becomes_a_profile() {
        let f = ProfileForm::parse(&pairs(
            "holder=collective&stage=emergence&needs=accompagnement&needs=cooperation&public=jeunes_16_18&commune=Rennes&acts_in_qpv=true&located_in_qpv=&utm=x",
        ));
        assert!(f.issues.is_empty(), "{:?}", f.issues);
        let p = &f.profile;
        assert_eq!(p.needs.as_ref().unwrap().len(), 2);
        assert_eq!(p.commune.unwrap().as_str(), "35238");
        assert_eq!(p.acts_in_qpv, Some(true));
        assert_eq!(p.located_in_qpv, None, "« je ne sais pas » stays unknown");
        assert_eq!(f.commune, Some(("35238".into(), "Rennes".into())));
        assert!(!f.query().contains("utm"));
    }

    #[test]
    fn none_of_these_is_an_answer_and_no_box_is_not() {
        let f = ProfileForm::parse(&pairs("public=aucun"));
        assert_eq!(f.profile.public, Some(vec![]));
        assert_eq!(
            ProfileForm::parse(&pairs("holder=person")).profile.public,
            None
        );
    }

    #[test]
    fn issues_are_tied_to_their_field_and_the_rest_is_read() {
        let f = ProfileForm::parse(&pairs(
            "holder=person&employees=douze&stage=lancement&commune=Saint-Denis&lon=2.3",
        ));
        assert_eq!(
            f.profile.holder,
            Some(essor_orientation::vocab::Holder::Person)
        );
        assert_eq!(
            f.issue("employees"),
            Some("« douze » n'est pas un nombre entier")
        );
        assert!(
            f.issue("stage")
                .unwrap()
                .starts_with("valeur « lancement » invalide")
        );
        let homonyms = f.issue("commune").unwrap();
        assert!(
            homonyms.starts_with("plusieurs communes s'appellent « Saint-Denis » : "),
            "{homonyms}"
        );
        assert!(homonyms.contains("93066 (Seine-Saint-Denis)"), "{homonyms}");
        assert_eq!(
            f.issue("lat"),
            Some("donner la longitude et la latitude, ou aucune des deux")
        );
        assert_eq!(
            resolve_commune("Saint-Denis (93066)").unwrap().1,
            "Saint-Denis"
        );
        assert!(
            resolve_commune("Atlantide")
                .unwrap_err()
                .contains("introuvable")
        );
    }

    #[test]
    fn further_questions_wait_for_the_matcher() {
        let empty = ProfileForm::parse(&[]);
        let settles = Settles::from([("employees", 3)]);
        let s = sections(&empty, &settles, &[]);
        let visible = |s: &[Section], f: &str| {
            s.iter()
                .flat_map(|x| &x.questions)
                .find(|q| q.field == f)
                .unwrap()
                .visible
        };
        assert!(
            visible(&s, "holder") && !visible(&s, "employees"),
            "first screen is short"
        );
        let submitted = ProfileForm::parse(&pairs("holder=structure"));
        let s = sections(&submitted, &settles, &[]);
        assert!(visible(&s, "employees") && !visible(&s, "age"));
    }
}
