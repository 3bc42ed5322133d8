//! The méthodologie written next to every figure: sources, rules, what is approximate.
//! French: it reaches users. Other tools check these numbers: the rules here are exactly the
//! code's (issue 3, point 3).

use crate::diagnose::RunReport;
use essor_geo::QpvLayer;
use std::fmt::Write as _;

/// The rules, as Markdown (also embedded in the HTML report).
pub fn rules() -> &'static str {
    r#"## Méthodologie

**Source.** Base Sirene des entreprises et de leurs établissements (INSEE, stocks
`StockUniteLegale` et `StockEtablissement`, Licence Ouverte 2.0) ; géographie prioritaire
(ANCT) ; Code officiel géographique 2026 (INSEE) ; populations municipales (INSEE).

**Règles de calcul** (identiques pour tous les territoires) :

- *Établissement actif* : `etatAdministratifEtablissement = A`. Toutes les données portent sur
  les établissements actifs.
- *Périmètre* : chaque calcul dit lequel de ses deux périmètres de l'ESS il utilise (ligne
  « Périmètre » des données du calcul ; option `--perimeter` de `essor diagnose` et
  `essor ingest`). **observatoire** (par défaut) : le périmètre statistique de l'INSEE et des
  observatoires de l'ESS (ESS France, CRESS), celui des « chiffres clés » publiés — une liste
  de catégories juridiques (associations, coopératives, mutuelles, fondations ; voir *Famille
  juridique*), quel que soit l'indicateur ESS de Sirene, **moins les activités exclues** :
  administration publique (division NAF 84), organisations patronales et consulaires (94.11Z),
  organisations professionnelles (94.12Z), syndicats de salariés (94.20Z), organisations
  religieuses (94.91Z), organisations politiques (94.92Z). L'INSEE lit l'activité principale
  de l'unité légale ; essor aussi (`activitePrincipaleUniteLegale`, en NAF rév. 2) : tous les
  établissements d'une unité sont dans le périmètre ou en dehors ensemble. Les sociétés
  commerciales de l'ESS n'y sont pas comptées. Depuis 2023 l'INSEE y ajoute une cinquième
  famille, les « autres organismes privés à but non lucratif », dont la liste de catégories
  juridiques n'est pas publiée sous une forme que nous ayons pu vérifier : essor ne la compte
  pas (ses chiffres sont donc un peu en deçà de ceux de l'INSEE). **sirene** : l'unité légale
  porte `economieSocialeSolidaireUniteLegale = O` (déclaration au répertoire), sociétés
  commerciales de l'ESS comprises, aucune activité exclue ; les associations sans cet
  indicateur n'y sont pas. Les deux diffèrent donc : le périmètre sirene compte des lieux de
  culte, syndicats et partis, et des sociétés commerciales de l'ESS ; le périmètre
  observatoire compte des associations que Sirene ne signale pas. Sources (consultées le
  8 décembre 2026) : INSEE, « L'économie sociale », méthodologie
  (https://www.insee.fr/fr/statistiques/7636531?sommaire=7636553) ; INSEE, « Économie
  sociale » (http://www.insee.fr/fr/themes/detail.asp?ref_id=eco-sociale&reg_id=99) :
  « le champ de l'économie sociale est construit à partir d'une liste de catégories
  juridiques, puis de l'exclusion de certaines activités (codes NAF) réputées hors champ ».
- *ESS* : l'unité légale est dans le périmètre du calcul (jointure sur le SIREN). Un
  établissement dont l'unité légale est absente du stock est compté hors ESS et privé.
- *Famille juridique* (catégorie juridique de l'unité légale) : **association** 9210 à 9260
  (niveau II 92) ; **fondation** 9300 ; **mutuelle** 8210, 8250, 8290, 6411 ; **coopérative**
  niveaux II 51 et 63 et codes 5203, 5307, 5309, 5443, 5451, 5453–5455, 5458–5460, 5543, 5547,
  5551–5555, 5558–5560, 5643, 5647, 5651–5655, 5658–5660, 6543, 6551, 6554, 6558, 6560, 6595,
  6596 ; **société commerciale de l'ESS** (périmètre sirene seulement) : tout autre code d'une
  unité ESS. *Coopératives sous forme de SAS* : la nomenclature n'a aucun code de SAS
  coopérative (une SCOP ou une SCIC en SAS est codée 5710 comme toute SAS ; une SCIC en SARL
  ou en SA est souvent codée 5499, 5599 ou 5699) et Sirene n'a aucune colonne « coopérative »
  (`societeMissionUniteLegale` désigne la société à mission, pas une coopérative). Seul le nom
  peut le dire : une unité ESS de forme SARL, SA ou SAS (niveaux II 54 à 57) dont la
  dénomination ou le sigle contient le mot SCOP, SCIC, COOP, coopérative ou coopératif est
  comptée comme **coopérative**, dans les deux périmètres. Une coopérative dont le nom ne le
  dit pas reste une société commerciale de l'ESS (périmètre sirene) ou hors périmètre
  (observatoire) : on ne peut pas la distinguer avec Sirene seul.
- *Employeur* : `trancheEffectifsEtablissement` de 01 à 53. *Employeur sans tranche* :
  `caractereEmployeurEtablissement = O` sans tranche de 01 à 53 (NN, 00 ou vide) ; ses emplois
  sont inconnus : il est compté à part (`employer_unknown_bracket`,
  `ess_employer_unknown_bracket`), jamais comme zéro emploi, et n'entre pas dans les
  établissements employeurs.
- *Emplois estimés* : centre de la tranche (01 → 1,5 ; 02 → 4 ; 03 → 7,5 ; 11 → 14,5 ;
  12 → 34,5 ; 21 → 74,5 ; 22 → 149,5 ; 31 → 224,5 ; 32 → 374,5 ; 41 → 749,5 ; 42 → 1 499,5 ;
  51 → 3 499,5 ; 52 → 7 499,5 ; 53 → 10 000), 0 sinon ; les bornes basse et haute des tranches
  donnent la fourchette (`jobs_low`, `jobs_high`). Ce sont des **estimations**, et toute part
  calculée sur les emplois (dont la part de l'ESS dans l'emploi) en est une : la source ne
  donne que des tranches d'effectifs, datées par `anneeEffectifsEtablissement`, souvent de
  deux ou trois ans avant le stock. La répartition des établissements employeurs de l'ESS et
  de leurs emplois estimés par année de tranche est publiée avec chaque chiffre
  (`ess_employer_vintage_<année>`, `ess_jobs_vintage_<année>`). Les chiffres officiels (INSEE
  Flores, DSN) sont des postes salariés au 31 décembre : ils ne se comparent à ceux-ci qu'en
  ordre de grandeur.
- *Privé* : catégorie juridique de niveau I ni 4 (personnes morales de droit public soumises
  au droit commercial) ni 7 (administrations).
- *Secteurs* : section NAF rév. 2 de l'activité principale de l'établissement ; groupes ESS :
  action sociale (divisions 87–88), enseignement (85), santé (86), sport et loisirs (93), arts
  et spectacles (90–91), activités financières et d'assurance (64–66), autres.
- *Commune* : `codeCommuneEtablissement`, arrondissements de Paris, Lyon et Marseille ramenés à
  75056, 69123 et 13055 ; EPCI, département et région d'après le COG 2026. Un code absent du
  COG est compté sous son propre code et signalé.
- *Géographie prioritaire* : la géographie de 2015 (codes `QP…`, 1 514 QPV), intégrée à
  essor, a été **remplacée le 1er janvier 2024 en métropole et le 1er janvier 2025 outre-mer**
  par la géographie de 2024 (codes `QN…`, 1 493 QPV dans la liste intégrée). Les chiffres
  calculés sur la géographie de 2015 le disent. Pour la géographie en vigueur, donner à essor
  les contours officiels de 2024 (`--qpv FICHIER`), à télécharger sur data.gouv.fr, jeu
  « Quartiers prioritaires de la politique de la ville (QPV) » de l'ANCT
  (https://www.data.gouv.fr/fr/datasets/quartier-prioritaire-de-la-politique-de-la-ville-qpv-2024/,
  GeoJSON ou shapefile), ou le fichier de géolocalisation de l'INSEE (`--geoloc`), dont la
  colonne `plg_qp24` donne le QPV 2024 de chaque établissement : l'appartenance à un QPV 2024
  est alors exacte même sans contours, mais les distances et les abords demandent les
  contours. Vérifier une adresse : simulateur officiel « Votre adresse est-elle en QPV ? » du ministère chargé de la ville, https://sig.ville.gouv.fr (présenté sur https://www.service-public.fr/particuliers/vosdroits/R46124).
- *QPV* : fichier de géolocalisation INSEE quand il est fourni (`plg_qp15` ou `plg_qp24` selon
  la géographie ; `CSZ`, `HZ` ou vide : hors QPV) ; sinon coordonnées Lambert de Sirene,
  projetées dans le système de leur territoire (EPSG 2154 en métropole ; 5490 pour 971, 972,
  977, 978 ; 2972 pour 973 ; 2975 pour 974 ; 4471 pour 976) et situées par rapport aux
  polygones officiels (un point sur la limite est dans le QPV).
- *Abords* : distance au QPV le plus proche mesurée dans la projection du territoire ;
  `qpv_300m_total` et `qpv_500m_total` regroupent les établissements dans un QPV ou à moins de
  300 m / 500 m d'un QPV ; `qpv_500m` : un QPV et ses 500 m alentour.
- *Parts* : `ess_jobs_share = ess_jobs / jobs` ; `ess_private_jobs_share = ess_jobs /
  private_jobs` ; parts des familles parmi les établissements employeurs de l'ESS ;
  `ess_jobs_share_<secteur>` : part de l'ESS dans les emplois du secteur ;
  `ess_jobs_part_<secteur>` : part du secteur dans les emplois de l'ESS.
- *Densités* : pour 10 000 habitants (population municipale 2026 ; population 2013 des QPV de
  la géographie 2015).
- *Diffusion* : les unités et établissements en diffusion partielle (`statutDiffusion = P`)
  sont comptés dans les agrégats mais jamais montrés ni exportés individuellement.
"#
}

/// The run's own facts: inputs, geography, what could not be used.
pub fn run_facts(report: &RunReport, layer: &QpvLayer, inputs: &str) -> String {
    let mut s = format!(
        "## Données de ce calcul\n\n- Fichiers : {inputs}\n- Périmètre de l'ESS : {} — {}\n- Géographie prioritaire : {} ({} QPV ; {}){}\n- Unités légales lues : {}\n- Établissements lus : {} dont {} actifs\n- Établissements actifs localisés : {} (dont {} par le fichier de géolocalisation) ; non localisés : {} ; hors des territoires pris en charge : {}\n- Établissements actifs sans unité légale dans le stock : {}\n- Établissements actifs sans code commune : {}\n",
        report.perimeter,
        report.perimeter.label(),
        layer.geography,
        layer.len(),
        layer.source,
        geography_warning(layer.geography),
        report.legal_units,
        report.establishments,
        report.active_establishments,
        report.located,
        report.located_by_geoloc,
        report.unlocated,
        report.outside_territories,
        report.without_legal_unit,
        report.without_commune,
    );
    let t = &report.jobs;
    if t.ess_employers > 0 || t.ess_employers_unknown_bracket > 0 {
        let years: Vec<String> = crate::tally::VINTAGES
            .iter()
            .zip(&t.ess_employers_by_vintage)
            .filter(|(_, n)| **n > 0)
            .map(|((_, label), n)| format!("{label} : {n}"))
            .collect();
        s.push_str(&format!(
            "- Emplois (estimations) : tranches d'effectifs de {} établissements employeurs de l'ESS, par année de la tranche (`anneeEffectifsEtablissement`) : {} ; employeurs de l'ESS sans tranche connue (`caractereEmployeurEtablissement = O`), comptés à part : {}\n",
            t.ess_employers,
            if years.is_empty() { "aucune".to_owned() } else { years.join(" ; ") },
            t.ess_employers_unknown_bracket,
        ));
    }
    if let Some(rows) = report.qpv_2024_rows {
        s.push_str(&format!(
            "- QPV 2024 (géographie en vigueur) d'après la colonne `plg_qp24` du fichier de géolocalisation : {rows} lignes situées dans un QPV 2024 de la liste intégrée ; chiffres par QPV 2024 (codes `QN…`) exacts pour l'appartenance, sans contours : ni distances, ni abords (300 m, 500 m), ni carte pour cette géographie tant que ses contours officiels ne sont pas chargés (`--qpv`)\n"
        ));
    }
    if !report.unknown_communes.is_empty() {
        let list: Vec<String> = report
            .unknown_communes
            .iter()
            .map(|(c, n)| format!("{c} ({n})"))
            .collect();
        s.push_str(&format!(
            "- Codes commune absents du COG 2026, comptés sous leur propre code : {}\n",
            list.join(", ")
        ));
    }
    if !report.unknown_qpv_codes.is_empty() {
        let list: Vec<String> = report
            .unknown_qpv_codes
            .iter()
            .map(|(c, n)| format!("{c} ({n})"))
            .collect();
        s.push_str(&format!(
            "- Codes QPV du fichier de géolocalisation absents de la géographie utilisée : {}\n",
            list.join(", ")
        ));
    }
    if report.anomaly_count > 0 {
        s.push_str(&format!(
            "- Anomalies dans les fichiers : {} (premières ci-dessous)\n",
            report.anomaly_count
        ));
        for a in report.anomalies.iter().take(20) {
            s.push_str(&format!("  - {a}\n"));
        }
    }
    if !report.missing_optional_columns.is_empty() {
        s.push_str(&format!(
            "- Colonnes facultatives absentes (ancien format) : {}\n",
            report.missing_optional_columns.join(" ; ")
        ));
    }
    s
}

/// What a figure on the embedded 2015 geography must say, and how to load the current one
/// (issue 14): « — géographie 2015, remplacée… ; pour la géographie en vigueur… »; empty for
/// 2024.
pub fn geography_warning(g: essor_model::QpvGeography) -> String {
    g.replaced().map_or_else(String::new, |r| {
        format!(
            " — {r} ; pour la géographie en vigueur, charger les contours officiels de 2024 (`--qpv`, data.gouv.fr « Quartiers prioritaires de la politique de la ville (QPV) ») ou donner le fichier de géolocalisation de l'INSEE (`--geoloc`, colonne `plg_qp24`)"
        )
    })
}

/// The méthodologie's Markdown as HTML, for the diagnostic pack: headings, paragraphs,
/// lists, `**bold**` and `` `code` ``.
pub fn html(md: &str) -> String {
    render(md, false)
}

/// The same for the web page: headings, rules (list items opening with an `*emphasised*`
/// term) and `**Lead.**` paragraphs get an `id` made from their words (`#emplois-estimes`,
/// `#parts`), so that every figure can link to the rule it follows; `*term*` is emphasised.
pub fn html_with_anchors(md: &str) -> String {
    render(md, true)
}

/// An anchor from French words: lower case, no accents, words joined by `-`.
pub fn anchor(words: &str) -> String {
    let folded: String = words
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match essor_model::french::strip_accent(c) {
            c if c.is_ascii_alphanumeric() => c,
            _ => ' ',
        })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join("-")
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The text between the first pair of `mark`s at the start of `s` (`*ESS* : …` → `ESS`).
fn lead<'a>(s: &'a str, mark: &str) -> Option<&'a str> {
    let rest = s.strip_prefix(mark)?;
    let end = rest.find(mark)?;
    Some(rest[..end].trim_end_matches('.'))
}

fn render(md: &str, web: bool) -> String {
    let inline = |s: &str| -> String {
        let mut out = String::new();
        let e = esc(s);
        let mut bold = false;
        let mut em = false;
        let mut code = false;
        let mut chars = e.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' if chars.peek() == Some(&'*') => {
                    chars.next();
                    out.push_str(if bold { "</strong>" } else { "<strong>" });
                    bold = !bold;
                }
                '*' if web => {
                    out.push_str(if em { "</em>" } else { "<em>" });
                    em = !em;
                }
                '*' => {}
                '`' => {
                    out.push_str(if code { "</code>" } else { "<code>" });
                    code = !code;
                }
                c => out.push(c),
            }
        }
        out
    };
    let id = |text: Option<&str>| match text {
        Some(t) if web => format!(" id=\"{}\"", anchor(t)),
        _ => String::new(),
    };
    // Paragraphs and list items are gathered whole before their inline marks are read, so
    // that a `code` or **bold** span may run over a line break.
    let mut html = String::new();
    let mut para = String::new();
    let mut item: Option<String> = None;
    let mut in_list = false;
    let flush = |html: &mut String, para: &mut String, item: &mut Option<String>| {
        let p = para.trim();
        if !p.is_empty() {
            let _ = write!(html, "<p{}>{}</p>", id(lead(p, "**")), inline(p));
        }
        para.clear();
        if let Some(it) = item.take() {
            let rule = lead(&it, "*").filter(|_| !it.starts_with("**"));
            let _ = write!(html, "<li{}>{}</li>", id(rule), inline(&it));
        }
    };
    for line in md.lines() {
        let t = line.trim_end();
        let end_list = |html: &mut String, in_list: &mut bool| {
            if *in_list {
                html.push_str("</ul>");
                *in_list = false;
            }
        };
        if let Some(h2) = t.strip_prefix("## ") {
            flush(&mut html, &mut para, &mut item);
            end_list(&mut html, &mut in_list);
            let _ = write!(html, "<h2{}>{}</h2>", id(Some(h2)), inline(h2));
        } else if let Some(it) = t.trim_start().strip_prefix("- ") {
            flush(&mut html, &mut para, &mut item);
            if !in_list {
                html.push_str("<ul>");
                in_list = true;
            }
            item = Some(it.to_owned());
        } else if t.is_empty() {
            flush(&mut html, &mut para, &mut item);
            end_list(&mut html, &mut in_list);
        } else if let Some(it) = item.as_mut() {
            it.push(' ');
            it.push_str(t.trim());
        } else {
            para.push(' ');
            para.push_str(t);
        }
    }
    flush(&mut html, &mut para, &mut item);
    if in_list {
        html.push_str("</ul>");
    }
    html
}

/// A civil date (UTC), `AAAA-MM-JJ`, for reports and provenance lines.
pub fn date(t: std::time::SystemTime) -> String {
    let days = t
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    i32::try_from(days)
        .ok()
        .and_then(essor_sirene::SireneDate::from_unix_days)
        .map_or_else(|| "9999-12-31".to_owned(), |d| d.to_string())
}

/// Today's date (UTC), `AAAA-MM-JJ`.
pub fn today() -> String {
    date(std::time::SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_is_its_civil_date_in_utc() {
        let day =
            |d: u64| std::time::UNIX_EPOCH + std::time::Duration::from_secs(d * 86_400 + 86_399);
        assert_eq!(date(day(0)), "1970-01-01");
        assert_eq!(date(day(11_016)), "2000-02-29");
        assert_eq!(date(day(20_793)), "2026-12-06");
    }

    #[test]
    fn the_methodology_markdown_becomes_html() {
        let html = html("## Titre\n\n**Source.** Sirene `x`.\n\n- un\n  suite\n- deux\n");
        assert_eq!(
            html,
            "<h2>Titre</h2><p><strong>Source.</strong> Sirene <code>x</code>.</p><ul><li>un suite</li><li>deux</li></ul>"
        );
    }

    #[test]
    fn a_code_span_may_run_over_a_line_break() {
        let html = html("- *Parts* : `a =\n  b` ; `c`.\n");
        assert_eq!(
            html,
            "<ul><li>*Parts* : <code>a = b</code> ; <code>c</code>.</li></ul>"
                .replace("*Parts*", "Parts")
        );
        let all = html_with_anchors(rules());
        assert_eq!(
            all.matches("<code>").count(),
            all.matches("</code>").count()
        );
        assert_eq!(all.matches("<em>").count(), all.matches("</em>").count());
        assert_eq!(
            all.matches("<strong>").count(),
            all.matches("</strong>").count()
        );
    }

    #[test]
    fn on_the_web_every_rule_has_an_anchor() {
        let html = html_with_anchors(
            "## Méthodologie\n\n**Source.** Sirene.\n\n- *Emplois estimés* : centre.\n- *ESS* : flag.\n",
        );
        assert_eq!(
            html,
            "<h2 id=\"methodologie\">Méthodologie</h2><p id=\"source\"><strong>Source.</strong> Sirene.</p><ul><li id=\"emplois-estimes\"><em>Emplois estimés</em> : centre.</li><li id=\"ess\"><em>ESS</em> : flag.</li></ul>"
        );
        // Every rule of the real text gets one.
        let real = html_with_anchors(rules());
        for id in [
            "etablissement-actif",
            "ess",
            "famille-juridique",
            "emplois-estimes",
            "parts",
            "densites",
            "abords",
            "qpv",
            "diffusion",
        ] {
            assert!(real.contains(&format!("id=\"{id}\"")), "{id}");
        }
    }

    #[test]
    fn dates_are_civil_utc_days() {
        let at = |secs: u64| date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs));
        assert_eq!(at(0), "1970-01-01");
        assert_eq!(at(951_782_400), "2000-02-29");
        assert_eq!(at(1_767_225_599), "2025-12-31");
    }
}
