//! Names and addresses: plausible French, always visibly fictitious. Every organisation name
//! (dénomination, enseigne, dénomination usuelle) carries the word `FICTIF` or `FICTIVE`, so
//! nobody mistakes a synthetic unit for a real one; persons get invented surnames. Upper case
//! without accents, as SIRENE writes them. The word lists are small, their combinations many
//! (tens of thousands of distinct association names before the commune is even added), and
//! they hold the words the directory's search and stemming are tested on ("jardins",
//! "solidaire", "quartier", "insertion", "culture", "sport", "mécanique"…).

use crate::calibration::Family;
use crate::rng::BlockRng;

/// A word with its grammatical gender, for the agreement of `FICTIF`/`FICTIVE`.
type Head = (&'static str, Gender);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    M,
    F,
}
use Gender::{F, M};

fn fictif(g: Gender) -> &'static str {
    match g {
        M => "FICTIF",
        F => "FICTIVE",
    }
}

/// A `MASC|FEM` adjective agreed with `g`, or the text as it is.
fn agree(text: &'static str, g: Gender) -> &'static str {
    match text.split_once('|') {
        Some((m, f)) => match g {
            M => m,
            F => f,
        },
        None => text,
    }
}

const ASSOCIATION_HEADS: &[(Head, u32)] = &[
    (("ASSOCIATION", F), 400),
    (("COMITE", M), 30),
    (("CLUB", M), 60),
    (("AMICALE", F), 30),
    (("UNION", F), 15),
    (("COLLECTIF", M), 25),
    (("FEDERATION", F), 8),
    (("CENTRE SOCIAL", M), 10),
    (("MAISON DE QUARTIER", F), 8),
    (("REGIE DE QUARTIER", F), 4),
    (("ATELIER", M), 12),
    (("CERCLE", M), 8),
    (("LIGUE", F), 4),
    (("OFFICE", M), 4),
    (("FOYER", M), 8),
    (("COMPAGNIE", F), 10),
    (("ECOLE", F), 8),
    (("UNIVERSITE POPULAIRE", F), 2),
    (("BANQUE ALIMENTAIRE", F), 2),
    (("RESSOURCERIE", F), 3),
    (("EPICERIE SOLIDAIRE", F), 4),
    (("JARDIN PARTAGE", M), 5),
    (("CHANTIER D'INSERTION", M), 4),
    (("GROUPEMENT", M), 6),
    (("SECTION", F), 5),
];

/// Themes of association and cooperative names, chosen from the NAF division.
const SPORT: &[&str] = &[
    "SPORTIF|SPORTIVE",
    "DE FOOTBALL",
    "DE BASKET",
    "DE BOXE",
    "DE JUDO",
    "DE RANDONNEE",
    "DE NATATION",
    "D'ATHLETISME",
    "DE TENNIS DE TABLE",
    "DE DANSE",
    "DE CYCLISME",
    "DE GYMNASTIQUE VOLONTAIRE",
    "OMNISPORTS",
    "DE PETANQUE",
    "DE HANDBALL",
    "DE KARATE",
    "D'ESCALADE",
    "DE RUGBY",
    "DE SPORT ADAPTE",
    "DE SPORT ET LOISIRS",
    "DE SPORT POUR TOUS",
];
const CULTURE: &[&str] = &[
    "CULTUREL|CULTURELLE",
    "DE THEATRE",
    "DE MUSIQUE",
    "DES ARTS DE LA RUE",
    "DE CHANT CHORAL",
    "DU PATRIMOINE",
    "DE CINEMA",
    "DE HIP HOP",
    "DE LECTURE",
    "DES CULTURES URBAINES",
    "D'ARTS PLASTIQUES",
    "DE PHOTOGRAPHIE",
    "DU CONTE",
    "DES MUSIQUES ACTUELLES",
    "DE CIRQUE",
    "POUR LA CULTURE",
    "D'ACTION CULTURELLE",
];
const SOCIAL: &[&str] = &[
    "D'ENTRAIDE",
    "D'AIDE A DOMICILE",
    "DE SOUTIEN AUX FAMILLES",
    "DES SENIORS",
    "D'ACCUEIL DE JOUR",
    "DE SOLIDARITE",
    "POUR L'HEBERGEMENT",
    "DE PREVENTION SPECIALISEE",
    "POUR L'ACCES AUX DROITS",
    "DE MEDIATION SOCIALE",
    "DES AIDANTS",
    "POUR L'ENFANCE",
    "DE LA PETITE ENFANCE",
    "DE LUTTE CONTRE L'ISOLEMENT",
    "D'ACCOMPAGNEMENT SOCIAL",
    "SOLIDAIRE",
];
const EDUCATION: &[&str] = &[
    "DE SOUTIEN SCOLAIRE",
    "D'EDUCATION POPULAIRE",
    "DE FORMATION",
    "D'ALPHABETISATION",
    "DES PARENTS D'ELEVES",
    "D'APPRENTISSAGE DU FRANCAIS",
    "DU NUMERIQUE POUR TOUS",
    "DE LANGUES",
    "D'ACCOMPAGNEMENT A LA SCOLARITE",
    "DES SAVOIRS PARTAGES",
];
const ENVIRONMENT: &[&str] = &[
    "DES JARDINS PARTAGES",
    "DES JARDINS FAMILIAUX",
    "DE COMPOSTAGE",
    "DE RECYCLAGE",
    "DE PROTECTION DE LA NATURE",
    "DU VELO",
    "DE REPARATION",
    "DE L'ECONOMIE CIRCULAIRE",
    "DE MECANIQUE SOLIDAIRE",
    "DU REEMPLOI",
    "DE L'AGRICULTURE URBAINE",
    "ECOLOGIQUE",
];
const INSERTION: &[&str] = &[
    "POUR L'INSERTION",
    "D'INSERTION PAR L'ACTIVITE ECONOMIQUE",
    "POUR L'EMPLOI",
    "DE MECANIQUE SOLIDAIRE",
    "DE RETOUR A L'EMPLOI",
    "DES CHANTIERS SOLIDAIRES",
    "DE COUTURE SOLIDAIRE",
    "DE RESTAURATION SOLIDAIRE",
    "POUR LA MOBILITE",
    "D'INSERTION DU QUARTIER",
];
const HEALTH: &[&str] = &[
    "DE SANTE",
    "DE PREVENTION SANTE",
    "DES MALADES",
    "DE SOINS A DOMICILE",
    "DU HANDICAP",
    "DE SANTE MENTALE",
    "DES AIDANTS FAMILIAUX",
];
const CIVIC: &[&str] = &[
    "DES HABITANTS",
    "DES LOCATAIRES",
    "DE QUARTIER",
    "DES COMMERCANTS",
    "DE JUMELAGE",
    "DES ANCIENS COMBATTANTS",
    "DE CHASSE",
    "DE PECHE",
    "DES FETES",
    "DE DEFENSE DES CONSOMMATEURS",
    "DES AMIS DU PATRIMOINE",
    "DE LA VIE LOCALE",
    "INTERCULTUREL|INTERCULTURELLE",
    "DES JEUNES",
    "DES FEMMES",
    "CITOYEN|CITOYENNE",
    "SOLIDAIRE",
    "DES ECHANGES",
    "DE LOISIRS",
];

/// Places in names: neighbourhood-like words (real street and district words, no real place).
const PLACES: &[&str] = &[
    "DES TILLEULS",
    "DES LILAS",
    "DU MOULIN",
    "DES BOSQUETS",
    "DU VAL FLEURI",
    "DE LA GARE",
    "DU CENTRE",
    "DES HAUTS",
    "DU PLATEAU",
    "DE LA CITE",
    "DES PEUPLIERS",
    "DU PARC",
    "DES MARRONNIERS",
    "DES CHENES",
    "DE LA SOURCE",
    "DU CANAL",
    "DES COTEAUX",
    "DU BOURG",
    "DES FLEURS",
    "DES PINS",
    "DU STADE",
    "DE BELLEVUE",
    "DU SOLEIL",
    "DES GRANDS CHAMPS",
    "DE LA BUTTE",
    "DES TOURELLES",
    "DU LAC",
    "DES AUBEPINES",
    "DU PRE",
    "DES SABLONS",
    "DU CLOS",
    "DES ACACIAS",
    "DU MAIL",
    "DE LA PLAINE",
    "DES ROSIERS",
    "DES CERISIERS",
    "DE LA COLLINE",
    "DU BOIS",
    "DU PONT",
    "DES VIGNES",
];

/// Nouns of commercial names by NAF section.
fn trade_nouns(section: u8) -> &'static [Head] {
    match section {
        b'A' => &[
            ("EXPLOITATION", F),
            ("FERME", F),
            ("DOMAINE", M),
            ("PEPINIERE", F),
        ],
        b'C' => &[
            ("ATELIER", M),
            ("MENUISERIE", F),
            ("BOULANGERIE", F),
            ("FABRIQUE", F),
            ("IMPRIMERIE", F),
            ("METALLERIE", F),
            ("MECANIQUE", F),
        ],
        b'F' => &[
            ("ENTREPRISE GENERALE", F),
            ("MACONNERIE", F),
            ("PLOMBERIE", F),
            ("ELECTRICITE", F),
            ("RENOVATION", F),
            ("PEINTURE", F),
            ("TOITURE", F),
            ("CHARPENTE", F),
        ],
        b'G' => &[
            ("COMMERCE", M),
            ("EPICERIE", F),
            ("BOUTIQUE", F),
            ("GARAGE", M),
            ("DISTRIBUTION", F),
            ("MAGASIN", M),
            ("BAZAR", M),
            ("SUPERETTE", F),
        ],
        b'H' => &[
            ("TRANSPORTS", M),
            ("TAXI", M),
            ("LIVRAISONS", F),
            ("DEMENAGEMENTS", M),
            ("LOGISTIQUE", F),
        ],
        b'I' => &[
            ("RESTAURANT", M),
            ("BRASSERIE", F),
            ("CAFE", M),
            ("HOTEL", M),
            ("SNACK", M),
            ("PIZZERIA", F),
            ("TRAITEUR", M),
        ],
        b'J' => &[
            ("INFORMATIQUE", F),
            ("EDITIONS", F),
            ("STUDIO", M),
            ("NUMERIQUE", M),
            ("SOLUTIONS", F),
            ("PRODUCTIONS", F),
        ],
        b'K' => &[
            ("FINANCE", F),
            ("HOLDING", F),
            ("CAPITAL", M),
            ("PARTICIPATIONS", F),
        ],
        b'L' => &[
            ("IMMOBILIERE", F),
            ("PATRIMOINE", M),
            ("RESIDENCE", F),
            ("FONCIERE", F),
        ],
        b'M' => &[
            ("CONSEIL", M),
            ("CABINET", M),
            ("BUREAU D'ETUDES", M),
            ("AGENCE", F),
            ("ARCHITECTURE", F),
            ("EXPERTISE", F),
        ],
        b'N' => &[
            ("SERVICES", M),
            ("NETTOYAGE", M),
            ("PROPRETE", F),
            ("SECURITE", F),
            ("INTERIM", M),
            ("LOCATION", F),
        ],
        b'P' => &[
            ("ECOLE", F),
            ("FORMATION", F),
            ("AUTO-ECOLE", F),
            ("INSTITUT", M),
        ],
        b'Q' => &[
            ("CABINET MEDICAL", M),
            ("CENTRE DE SANTE", M),
            ("AMBULANCES", F),
            ("SOINS", M),
        ],
        b'R' => &[
            ("LOISIRS", M),
            ("SALLE", F),
            ("STUDIO DE DANSE", M),
            ("SPECTACLES", M),
        ],
        b'S' => &[
            ("SALON DE COIFFURE", M),
            ("INSTITUT DE BEAUTE", M),
            ("PRESSING", M),
            ("REPARATION", F),
        ],
        _ => &[
            ("SOCIETE", F),
            ("ENTREPRISE", F),
            ("GROUPE", M),
            ("COMPAGNIE", F),
        ],
    }
}

/// Invented surnames: two syllable groups that sound French and name nobody in particular.
const SURNAME_A: &[&str] = &[
    "BEL", "MOR", "TRES", "VAL", "LAN", "DUR", "MAR", "BER", "CHAM", "GRAN", "LEF", "ROCH", "VIL",
    "MONT", "SAIN", "BRI", "FON", "GAR", "LOU", "PEL", "DEL", "CAR", "BOU", "RIV", "COR", "MAL",
    "GUER", "JOU", "LAB", "NOR", "QUIN", "TAR",
];
const SURNAME_B: &[&str] = &[
    "VILLAC", "SANDIER", "DRIEUX", "LANDRE", "TELLIER", "GANNE", "CHERAUD", "MOUTIER", "BASSET",
    "NIERE", "VERGNE", "COURTOIS", "LEBRAND", "MARTEZ", "DOUVIN", "FAYOL", "RAGUET", "SELIN",
    "TOUZAC", "GERAUD", "BLANDIN", "ONNET", "AUDIN", "ILLARD", "ESQUIN", "ARDIOT", "OSSEL",
    "ERVILLE", "ANDRIN", "ETTIER",
];
const FIRST_NAMES_M: &[&str] = &[
    "JEAN",
    "PIERRE",
    "MICHEL",
    "ALAIN",
    "PHILIPPE",
    "NICOLAS",
    "THOMAS",
    "KARIM",
    "MOHAMED",
    "DAVID",
    "JULIEN",
    "SEBASTIEN",
    "LUCAS",
    "HUGO",
    "YANN",
    "MEHDI",
    "ANTOINE",
    "OLIVIER",
    "LAURENT",
    "PASCAL",
    "SAMIR",
    "MAXIME",
    "ROMAIN",
    "BRUNO",
    "ERIC",
    "FRANCOIS",
    "KEVIN",
    "MAMADOU",
    "LOUIS",
    "PAUL",
];
const FIRST_NAMES_F: &[&str] = &[
    "MARIE",
    "NATHALIE",
    "ISABELLE",
    "SYLVIE",
    "CATHERINE",
    "SANDRINE",
    "JULIE",
    "CAMILLE",
    "LEA",
    "SARAH",
    "FATIMA",
    "AMINA",
    "SOPHIE",
    "CELINE",
    "EMILIE",
    "LAURA",
    "CHLOE",
    "INES",
    "MANON",
    "NADIA",
    "AURELIE",
    "CLAIRE",
    "AICHA",
    "ELODIE",
    "VALERIE",
    "MARTINE",
    "YASMINE",
    "LUCIE",
    "EMMA",
    "ANNE",
];

pub(crate) fn surname(rng: &mut BlockRng) -> String {
    let mut s = String::with_capacity(16);
    s.push_str(rng.word(SURNAME_A));
    s.push_str(rng.word(SURNAME_B));
    s
}

/// A person: (sex `M`/`F`, first name, second first name if any).
pub(crate) fn person(rng: &mut BlockRng) -> (&'static str, &'static str, Option<&'static str>) {
    let (sex, list) = if rng.chance(0.5) {
        ("M", FIRST_NAMES_M)
    } else {
        ("F", FIRST_NAMES_F)
    };
    let first = rng.word(list);
    let second = rng
        .chance(0.4)
        .then(|| rng.word(list))
        .filter(|s| *s != first);
    (sex, first, second)
}

/// The theme list for a NAF code (`88.99B` → social).
fn theme(naf: &str) -> &'static [&'static str] {
    if naf.starts_with("85.51") {
        return SPORT;
    }
    match &naf[..2] {
        "93" => SPORT,
        "90" | "91" | "59" => CULTURE,
        "87" | "88" => SOCIAL,
        "85" => EDUCATION,
        "86" => HEALTH,
        "81" | "38" | "01" | "02" => ENVIRONMENT,
        "78" | "96" => INSERTION,
        _ => CIVIC,
    }
}

fn join(parts: &[&str]) -> String {
    let mut s = String::with_capacity(64);
    for p in parts.iter().filter(|p| !p.is_empty()) {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(p);
    }
    s
}

/// The place part of a name: a neighbourhood word, the commune, or nothing.
fn place<'a>(rng: &mut BlockRng, commune: &'a str) -> std::borrow::Cow<'a, str> {
    let r = rng.unit();
    if r < 0.35 {
        std::borrow::Cow::Borrowed(rng.word(PLACES))
    } else if r < 0.55 && !commune.is_empty() {
        std::borrow::Cow::Owned(format!("{} {commune}", de(commune)))
    } else {
        std::borrow::Cow::Borrowed("")
    }
}

/// `DE`, `D'` before a vowel (ASCII upper case names).
fn de(word: &str) -> &'static str {
    if word.starts_with(['A', 'E', 'I', 'O', 'U', 'Y']) {
        "D'"
    } else {
        "DE"
    }
}

/// The dénomination of a legal person, from its family, catégorie juridique, NAF and the
/// name of its siège's commune.
pub(crate) fn denomination(
    rng: &mut BlockRng,
    family: Family,
    category: u16,
    naf: &str,
    commune: &str,
) -> String {
    let mut name = match family {
        Family::Association => {
            let (head, g) = *rng.weighted(ASSOCIATION_HEADS);
            let topic = agree(rng.word(theme(naf)), g);
            let place = place(rng, commune);
            join(&[head, fictif(g), topic, &place]).replace(" D' ", " D'")
        }
        Family::Cooperative => {
            let (head, g) = cooperative_head(rng, category);
            let words = if rng.chance(0.5) {
                agree(rng.word(theme(naf)), g).to_owned()
            } else {
                let (noun, _) = rng.pick(trade_nouns(section(naf)));
                format!("{} {noun}", if g == F { "DE LA" } else { "DU" })
            };
            let place = place(rng, commune);
            join(&[head, fictif(g), &words, &place]).replace(" D' ", " D'")
        }
        Family::Mutuelle => {
            let (head, g) = match category {
                6411 => ("ASSURANCE MUTUELLE", F),
                8250 => ("MUTUELLE AGRICOLE", F),
                8290 => ("UNION MUTUALISTE", F),
                _ => ("MUTUELLE", F),
            };
            let what = rng.word(&[
                "DE SANTE",
                "DES TRAVAILLEURS",
                "NATIONALE",
                "GENERALE",
                "INTERPROFESSIONNELLE",
                "DES AGENTS TERRITORIAUX",
                "DES ENSEIGNANTS",
                "DE PREVOYANCE",
                "FAMILIALE",
                "DU QUARTIER",
            ]);
            let place = place(rng, commune);
            join(&[head, fictif(g), what, &place]).replace(" D' ", " D'")
        }
        Family::Fondation => {
            let cause = rng.word(&[
                "POUR LA RECHERCHE",
                "POUR L'ENFANCE",
                "POUR LE LOGEMENT",
                "POUR L'INSERTION",
                "DE LA SOLIDARITE",
                "POUR LA CULTURE",
                "DES HOPITAUX",
                "POUR LA NATURE",
                "POUR LES QUARTIERS",
                "DU HANDICAP",
            ]);
            join(&["FONDATION", "FICTIVE", &surname(rng), cause])
        }
        Family::Public => {
            let (head, g) = public_head(category);
            let place = if commune.is_empty() {
                String::new()
            } else {
                format!("{} {commune}", de(commune))
            };
            join(&[head, fictif(g), &place]).replace(" D' ", " D'")
        }
        Family::Other => {
            let (head, g) = other_head(category);
            let tail = if rng.chance(0.5) {
                surname(rng)
            } else {
                rng.word(PLACES).to_string()
            };
            join(&[head, fictif(g), &tail])
        }
        Family::Company | Family::Individual => company_name(rng, category, naf),
    };
    // A few names hold a comma or quotes, as real ones do: the CSV quoting is exercised.
    let r = rng.unit();
    if r < 0.003 {
        name.push_str(", ET ASSOCIES");
    } else if r < 0.005 {
        name = format!("{name} \"{}\"", rng.word(PLACES));
    }
    name
}

fn company_name(rng: &mut BlockRng, category: u16, naf: &str) -> String {
    if matches!(category, 6540 | 6599) {
        let tail = if rng.chance(0.6) {
            surname(rng)
        } else {
            rng.word(PLACES).to_string()
        };
        let head = if category == 6540 {
            "SCI"
        } else {
            "SOCIETE CIVILE"
        };
        return join(&[head, "FICTIVE", &tail]);
    }
    let (noun, g) = *rng.pick(trade_nouns(section(naf)));
    match rng.below(3) {
        0 => join(&[noun, fictif(g), &surname(rng)]),
        1 => join(&[noun, fictif(g), rng.word(PLACES)]),
        _ => {
            let form = match category {
                5499 | 5485 => "SARL",
                5710 | 5785 => "SAS",
                5599 => "SA",
                5202 => "SNC",
                _ => "SOCIETE",
            };
            join(&[
                form,
                "FICTIVE",
                &surname(rng),
                if rng.chance(0.2) { "ET FILS" } else { "" },
            ])
        }
    }
}

fn cooperative_head(rng: &mut BlockRng, category: u16) -> Head {
    match category {
        5458 | 5558 | 5658 => ("SCOP", F),
        5560 if rng.chance(0.5) => ("SCIC", F),
        6316 => ("CUMA", F),
        6317 | 6318 => ("COOPERATIVE AGRICOLE", F),
        5196 => ("CAISSE D'EPARGNE", F),
        5191 => ("SOCIETE DE CAUTION MUTUELLE", F),
        5547 | 5443 => ("COOPERATIVE HLM", F),
        5551 => ("COOPERATIVE DE CONSOMMATEURS", F),
        _ if rng.chance(0.2) => ("CAE", F),
        _ => ("COOPERATIVE", F),
    }
}

fn public_head(category: u16) -> Head {
    match category {
        7210 => ("COMMUNE", F),
        7312 => ("COMMUNE DELEGUEE", F),
        7220 => ("DEPARTEMENT", M),
        7230 => ("REGION", F),
        7346 => ("COMMUNAUTE DE COMMUNES", F),
        7348 => ("COMMUNAUTE D'AGGLOMERATION", F),
        7344 => ("METROPOLE", F),
        7361 => ("CENTRE COMMUNAL D'ACTION SOCIALE", M),
        7331 => ("COLLEGE", M),
        7364 => ("CENTRE HOSPITALIER", M),
        7366 => ("EHPAD PUBLIC", M),
        7372 => ("SERVICE D'INCENDIE ET DE SECOURS", M),
        7373 => ("CONSERVATOIRE", M),
        7383 => ("UNIVERSITE", F),
        7389 => ("AGENCE NATIONALE", F),
        7321 => ("ASSOCIATION SYNDICALE AUTORISEE", F),
        7120 | 7171 => ("DIRECTION", F),
        4140 => ("REGIE DES EAUX", F),
        4110 => ("ETABLISSEMENT PUBLIC", M),
        _ => ("SYNDICAT MIXTE", M),
    }
}

fn other_head(category: u16) -> Head {
    match category {
        9110 => ("SYNDICAT DES COPROPRIETAIRES", M),
        9150 => ("ASSOCIATION SYNDICALE LIBRE", F),
        2110 => ("INDIVISION", F),
        6533 => ("GAEC", M),
        6598 => ("EARL", F),
        6534 => ("GROUPEMENT FONCIER AGRICOLE", M),
        6536 => ("GROUPEMENT FORESTIER", M),
        6220 => ("GIE", M),
        8450 => ("ORDRE", M),
        2310 => ("SOCIETE EN PARTICIPATION", F),
        _ => ("GROUPEMENT", M),
    }
}

/// The NAF section letter of a sous-classe, from its division.
pub(crate) fn section(naf: &str) -> u8 {
    let division: u8 = naf[..2].parse().unwrap_or(0);
    match division {
        1..=3 => b'A',
        5..=9 => b'B',
        10..=33 => b'C',
        35 => b'D',
        36..=39 => b'E',
        41..=43 => b'F',
        45..=47 => b'G',
        49..=53 => b'H',
        55..=56 => b'I',
        58..=63 => b'J',
        64..=66 => b'K',
        68 => b'L',
        69..=75 => b'M',
        77..=82 => b'N',
        84 => b'O',
        85 => b'P',
        86..=88 => b'Q',
        90..=93 => b'R',
        94..=96 => b'S',
        _ => b'U',
    }
}

/// An enseigne or dénomination usuelle of an establishment.
pub(crate) fn sign(rng: &mut BlockRng, naf: &str) -> String {
    let (noun, g) = *rng.pick(trade_nouns(section(naf)));
    if rng.chance(0.5) {
        join(&[noun, fictif(g), rng.word(PLACES)])
    } else {
        join(&[noun, fictif(g), &surname(rng)])
    }
}

/// A sigle from the initials of the significant words of a name (`AFJP`).
pub(crate) fn sigle(name: &str) -> String {
    name.split([' ', '\''])
        .filter(|w| w.len() > 3 && !matches!(*w, "FICTIF" | "FICTIVE" | "POUR" | "DANS"))
        .take(5)
        .filter_map(|w| w.chars().next())
        .collect()
}

/// Street types as INSEE codes them, weighted.
pub(crate) const STREET_TYPES: &[(&str, u32)] = &[
    ("RUE", 600),
    ("AV", 150),
    ("BD", 60),
    ("PL", 40),
    ("CHE", 50),
    ("ALL", 30),
    ("IMP", 25),
    ("RTE", 40),
    ("QUAI", 8),
    ("CRS", 6),
    ("SQ", 5),
    ("PAS", 5),
    ("LD", 20),
    ("RES", 10),
];
pub(crate) const STREET_NAMES: &[&str] = &[
    "DE LA REPUBLIQUE",
    "JEAN JAURES",
    "VICTOR HUGO",
    "DU GENERAL DE GAULLE",
    "PASTEUR",
    "DES ECOLES",
    "DE LA GARE",
    "DE L'EGLISE",
    "DU MOULIN",
    "DES LILAS",
    "DE LA MAIRIE",
    "DE PARIS",
    "DU STADE",
    "DES ACACIAS",
    "GAMBETTA",
    "DE LA LIBERATION",
    "DU 8 MAI 1945",
    "DU 11 NOVEMBRE",
    "JULES FERRY",
    "DE LA PAIX",
    "DES PRES",
    "DU CHATEAU",
    "DE LA FONTAINE",
    "DES JARDINS",
    "DU PORT",
    "CARNOT",
    "DES TILLEULS",
    "DU COMMERCE",
    "DE LA LIBERTE",
    "ANATOLE FRANCE",
    "ALBERT CAMUS",
    "LOUISE MICHEL",
    "SIMONE VEIL",
    "JEAN MOULIN",
    "DES CHAMPS",
    "DU CENTRE",
    "DE LA POSTE",
    "DU MARECHAL LECLERC",
    "EMILE ZOLA",
    "PIERRE ET MARIE CURIE",
    "DES PEUPLIERS",
    "DE BELLEVUE",
    "DES ROSES",
    "DES VIGNES",
    "DU PARC",
    "MOLIERE",
    "VOLTAIRE",
    "DE VERDUN",
    "DES ALOUETTES",
    "DU BOIS",
    "GEORGES BRASSENS",
    "DES MARTYRS",
    "AIME CESAIRE",
    "DU ONZE NOVEMBRE",
];
pub(crate) const ADDRESS_COMPLEMENTS: &[&str] = &[
    "BATIMENT A",
    "BATIMENT B",
    "RESIDENCE LES TILLEULS",
    "RESIDENCE DU PARC",
    "ZI DES GRANDS CHAMPS",
    "ZA DU MOULIN",
    "CENTRE COMMERCIAL DU MAIL",
    "ESCALIER 2",
    "LOCAL COMMERCIAL",
    "REZ DE CHAUSSEE",
];

/// Countries of the establishments abroad: (INSEE code, label, a city).
pub(crate) const COUNTRIES: &[(&str, &str, &str)] = &[
    ("99131", "BELGIQUE", "BRUXELLES"),
    ("99109", "ALLEMAGNE", "BERLIN"),
    ("99134", "ESPAGNE", "MADRID"),
    ("99127", "ITALIE", "MILAN"),
    ("99132", "ROYAUME-UNI", "LONDRES"),
    ("99140", "SUISSE", "GENEVE"),
    ("99137", "LUXEMBOURG", "LUXEMBOURG"),
    ("99401", "CANADA", "MONTREAL"),
    ("99350", "MAROC", "CASABLANCA"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_organisation_name_says_it_is_fictitious() {
        let mut rng = BlockRng::for_block(3, 0);
        let families = [
            (Family::Association, 9220, "94.99Z"),
            (Family::Association, 9220, "93.12Z"),
            (Family::Cooperative, 5458, "43.22A"),
            (Family::Cooperative, 6317, "01.61Z"),
            (Family::Mutuelle, 8210, "65.12Z"),
            (Family::Fondation, 9300, "88.99B"),
            (Family::Public, 7210, "84.11Z"),
            (Family::Other, 9110, "81.10Z"),
            (Family::Company, 5710, "62.01Z"),
            (Family::Company, 6540, "68.20B"),
        ];
        for _ in 0..2000 {
            for (family, category, naf) in families {
                let name = denomination(&mut rng, family, category, naf, "SAINT-DENIS");
                assert!(
                    name.split([' ', ',', '"'])
                        .any(|w| w == "FICTIF" || w == "FICTIVE"),
                    "{name}"
                );
                assert!(!name.contains("  ") && !name.contains("D' "), "{name}");
            }
            assert!(sign(&mut rng, "56.10A").contains("FICTI"));
        }
    }

    #[test]
    fn association_names_are_varied_and_agree_in_gender() {
        let mut rng = BlockRng::for_block(4, 0);
        let names: HashSet<String> = (0..20_000)
            .map(|_| denomination(&mut rng, Family::Association, 9220, "93.12Z", "LILLE"))
            .collect();
        assert!(names.len() > 3_000, "{}", names.len());
        assert!(names.contains("ASSOCIATION FICTIVE SPORTIVE"));
        assert!(
            !names
                .iter()
                .any(|n| n.contains("ASSOCIATION FICTIVE SPORTIF "))
        );
        assert_eq!(sigle("ASSOCIATION FICTIVE DES JARDINS PARTAGES"), "AJP");
    }
}
