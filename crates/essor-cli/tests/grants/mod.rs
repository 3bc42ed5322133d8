//! `essor grants import` on the real SCDL files (issue 16, points 7 and 8): counts and
//! amount totals checked by hand (a separate Python `csv` pass over the original files,
//! see `tests/fixtures/README.md`), the output validated by the reference validator
//! frictionless (PyPI) against the official schema, and the schema's custom checks
//! (`french-siret-value`, `one-of-required`), which frictionless does not run, checked here.
//!
//! frictionless comes from `ESSOR_FRICTIONLESS` (the `frictionless` executable), else
//! `tests/.venv/bin/frictionless` as `.ci/run` installs it (`tests/requirements.txt`).
//! Without it, on a developer's machine, the validation is skipped with the reason on stderr;
//! in CI (`CI` set) a missing validator fails the test, as the browser tests do.

use super::{essor, repo, stderr};
use std::path::PathBuf;
use std::process::Command;

const SCDL: &str = "tests/fixtures/scdl";

/// The Poitiers 2017 file lacks these fields; the values are the user's, said explicitly.
const POITIERS_DEFAULTS: [&str; 10] = [
    "--default",
    "idAttribuant=21860194600013",
    "--default",
    "nature=aide en numéraire",
    "--default",
    "conditionsVersement=unique",
    "--default",
    "datesPeriodeVersement=2017-01-01/2017-12-31",
    "--default",
    "pourcentageSubvention=1",
];

struct Run {
    status: Option<i32>,
    stderr: String,
    rows: Vec<Vec<String>>,
    header: Vec<String>,
    report: serde_json::Value,
    dir: tempfile::TempDir,
}

fn import(input: &str, extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let input = repo(&format!("{SCDL}/{input}"));
    let mut args = vec![
        "grants",
        "import",
        "--input",
        input.to_str().unwrap(),
        "--output",
        "scdl.csv",
        "--report",
        "report.json",
    ];
    args.extend_from_slice(extra);
    let o = essor(&args, dir.path());
    let (mut header, mut rows) = (Vec::new(), Vec::new());
    let mut report = serde_json::Value::Null;
    if dir.path().join("scdl.csv").exists() {
        let mut r = csv::Reader::from_path(dir.path().join("scdl.csv")).unwrap();
        header = r.headers().unwrap().iter().map(str::to_owned).collect();
        rows = r
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        let text = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
        report = serde_json::from_str(&text).unwrap();
    }
    Run {
        status: o.status.code(),
        stderr: stderr(&o),
        rows,
        header,
        report,
        dir,
    }
}

/// Sum of a decimal column, in cents (the files have at most two decimals).
fn cents(rows: &[Vec<String>], column: usize) -> i64 {
    rows.iter()
        .map(|r| {
            let (int, frac) = r[column].split_once('.').unwrap_or((&r[column], ""));
            assert!(frac.len() <= 2, "{}", r[column]);
            int.parse::<i64>().unwrap() * 100 + format!("{frac:0<2}").parse::<i64>().unwrap()
        })
        .sum()
}

fn counts(report: &serde_json::Value) -> (u64, u64, u64) {
    let n = |k: &str| report[k].as_u64().unwrap();
    (n("rows_read"), n("rows_written"), n("rows_rejected"))
}

fn rejected_lines(report: &serde_json::Value) -> Vec<u64> {
    let mut lines: Vec<u64> = report["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["action"] == "rejected")
        .map(|i| i["line"].as_u64().unwrap())
        .collect();
    lines.dedup();
    lines
}

/// python-stdnum's `fr.siret.is_valid`, the check `french-siret-value` of the schema runs:
/// 14 digits, Luhn on them and on the SIREN, La Poste's establishments by their digit sum.
fn french_siret_value(s: &str) -> bool {
    fn luhn(s: &str) -> bool {
        let sum: u32 = s
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let d = u32::from(b - b'0');
                if i % 2 == 1 {
                    if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
                } else {
                    d
                }
            })
            .sum();
        sum.is_multiple_of(10)
    }
    if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if s.starts_with("356000000") && s != "35600000000048" {
        return s
            .bytes()
            .map(|b| u32::from(b - b'0'))
            .sum::<u32>()
            .is_multiple_of(5);
    }
    luhn(s) && luhn(&s[..9])
}

/// The schema's custom checks on every written row.
fn custom_checks(run: &Run) {
    let col = |name: &str| run.header.iter().position(|h| h == name).unwrap();
    let (attribuant, siret, rna) = (
        col("idAttribuant"),
        col("idBeneficiaire"),
        col("rnaBeneficiaire"),
    );
    for row in &run.rows {
        assert!(french_siret_value(&row[attribuant]), "{row:?}");
        assert!(
            row[siret].is_empty() || french_siret_value(&row[siret]),
            "{row:?}"
        );
        assert!(
            !row[siret].is_empty() || !row[rna].is_empty(),
            "one-of-required: {row:?}"
        );
    }
}

/// frictionless, or `None` (skipped, reason on stderr) on a developer's machine without it.
fn frictionless() -> Option<PathBuf> {
    let path = std::env::var_os("ESSOR_FRICTIONLESS")
        .map_or_else(|| repo("tests/.venv/bin/frictionless"), PathBuf::from);
    if path.exists() {
        return Some(path);
    }
    let why = format!(
        "{} not found: the SCDL validation needs frictionless; install it with `python3 -m venv tests/.venv && tests/.venv/bin/pip install -r tests/requirements.txt` (or set ESSOR_FRICTIONLESS)",
        path.display()
    );
    assert!(std::env::var_os("CI").is_none(), "{why}");
    eprintln!("frictionless validation skipped: {why}");
    None
}

/// The written file against the official schema, by frictionless (relative paths: it
/// refuses absolute ones as unsafe).
fn validate(run: &Run) {
    let Some(tool) = frictionless() else { return };
    let dir = run.dir.path();
    std::fs::copy(
        repo(&format!("{SCDL}/schema-subventions-2.1.1.json")),
        dir.join("schema.json"),
    )
    .unwrap();
    let o = Command::new(tool)
        .args(["validate", "--json", "--schema", "schema.json", "scdl.csv"])
        .current_dir(dir)
        .output()
        .expect("frictionless runs");
    let answer: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("frictionless answer: {e}: {}", stderr(&o)));
    let task = &answer["tasks"][0];
    assert_eq!(answer["valid"], true, "{:#}", task["errors"]);
    assert_eq!(task["stats"]["rows"].as_u64(), Some(run.rows.len() as u64));
}

#[test]
fn grants_import_writes_haute_garonne_2017_as_valid_scdl_and_rejects_the_incomplete_grants() {
    let run = import("haute-garonne_2017.csv", &[]);
    assert_eq!(
        run.status,
        Some(1),
        "records rejected: exit 1; {}",
        run.stderr
    );
    // Hand-checked: 69 grants; 29 without payment period, 4 without payment conditions, one
    // without beneficiary name nor SIRET; 32 distinct records.
    assert_eq!(counts(&run.report), (69, 37, 32));
    assert_eq!(run.rows.len(), 37);
    let mut lines = rejected_lines(&run.report);
    lines.sort_unstable();
    assert_eq!(
        lines,
        [
            11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22, 29, 31, 32, 33, 34, 35, 36, 37, 44, 45, 46,
            50, 56, 57, 58, 59, 64, 65, 68, 69, 70
        ]
    );
    // 131,433.50 € of the file's 357,558.85 € (hand-checked).
    assert_eq!(cents(&run.rows, 8), 13_143_350);
    // The period `2017-01-01_2017-12-31` written with a slash, the nature as enumerated.
    assert_eq!(run.rows[0][11], "2017-01-01/2017-12-31");
    assert_eq!(run.rows[0][9], "aide en numéraire");
    assert!(
        run.stderr.starts_with(
            "essor grants import : 69 lignes lues (UTF-8, séparateur « ; »), 37 écrites"
        ),
        "{}",
        run.stderr
    );
    custom_checks(&run);
    validate(&run);
}

#[test]
fn grants_import_needs_the_fields_poitiers_2017_lacks_and_names_them() {
    let run = import("poitiers_2017.csv", &[]);
    assert_eq!(run.status, Some(2));
    assert!(
        run.stderr.contains(
            "poitiers_2017.csv, ligne 1 : aucune colonne pour le champ obligatoire nature"
        ) && run.stderr.contains("« SUB_MONTANT »")
            && run.stderr.contains("--default nature=VALEUR"),
        "{}",
        run.stderr
    );
    assert!(!run.dir.path().join("scdl.csv").exists());
    let leftovers = std::fs::read_dir(run.dir.path()).unwrap().count();
    assert_eq!(leftovers, 0, "no temporary file left");
}

#[test]
fn grants_import_keeps_only_the_poitiers_2017_grants_whose_siret_survived_the_float() {
    let run = import("poitiers_2017.csv", &POITIERS_DEFAULTS);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    // Hand-checked: 562 grants; 501 beneficiary SIRET fail the Luhn check (NIC lost by the
    // float), no RNA to fall back on.
    assert_eq!(counts(&run.report), (562, 61, 501));
    let lines = rejected_lines(&run.report);
    assert_eq!(lines.len(), 501);
    // Values hold line breaks: the last of the 562 records starts on line 946.
    assert_eq!(&lines[..3], [2, 3, 4]);
    assert_eq!(&lines[498..], [944, 945, 946]);
    // 322,885.29 € written of the file's 11,548,359.23 € (hand-checked).
    assert_eq!(cents(&run.rows, 8), 32_288_529);
    let issues = run.report["issues"].as_array().unwrap();
    let first = &issues[0];
    assert_eq!(first["field"], "idBeneficiaire");
    assert_eq!(first["value"], "45032466000000.0");
    assert!(
        first["reason"]
            .as_str()
            .unwrap()
            .contains("seul son SIREN 450324660 est valide"),
        "{first}"
    );
    // Every default used is in the report, on each written record.
    let defaulted = issues
        .iter()
        .filter(|i| {
            i["reason"]
                .as_str()
                .unwrap()
                .contains("valeur donnée par --default")
        })
        .count();
    assert_eq!(defaulted, 5 * 61);
    let ignored = run
        .stderr
        .contains("colonnes hors schéma SCDL, non reprises : ANNEE, COLL_TYPE");
    assert!(ignored, "{}", run.stderr);
    custom_checks(&run);
    validate(&run);
}

#[test]
fn grants_import_reads_a_cp1252_file_with_french_amounts_as_its_utf8_original() {
    // Haute-Garonne rewritten as a Windows spreadsheet would: CP1252, `137 825,00`.
    let original =
        std::fs::read_to_string(repo(&format!("{SCDL}/haute-garonne_2017.csv"))).unwrap();
    let mut text = String::new();
    for (i, line) in original.split_inclusive('\n').enumerate() {
        if i == 0 {
            text.push_str(line);
            continue;
        }
        let mut fields: Vec<String> = line.split(';').map(str::to_owned).collect();
        let (int, frac) = fields[7].split_once('.').unwrap();
        let grouped = if int.len() > 3 {
            format!("{}\u{a0}{}", &int[..int.len() - 3], &int[int.len() - 3..])
        } else {
            int.to_owned()
        };
        fields[7] = format!("{grouped},{frac:0<2}");
        text.push_str(&fields.join(";"));
    }
    let (bytes, _, lossy) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!lossy);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cp1252.csv"), &bytes).unwrap();
    let o = essor(
        &[
            "grants",
            "import",
            "--input",
            "cp1252.csv",
            "--output",
            "out.csv",
        ],
        dir.path(),
    );
    assert!(
        stderr(&o).contains("CP1252 (Windows-1252), séparateur « ; »"),
        "{}",
        stderr(&o)
    );
    let utf8 = import("haute-garonne_2017.csv", &[]);
    let mut r = csv::Reader::from_path(dir.path().join("out.csv")).unwrap();
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), utf8.rows.len());
    assert_eq!(cents(&rows, 8), cents(&utf8.rows, 8));
    for (a, b) in rows.iter().zip(&utf8.rows) {
        assert_eq!(a[..8], b[..8]);
        assert_eq!(a[9..], b[9..]);
    }
}

#[test]
fn grants_import_keeps_the_official_valid_example_but_its_impossible_date() {
    let run = import("exemple_valide.csv", &[]);
    assert_eq!(counts(&run.report), (29, 28, 1));
    let issue = &run.report["issues"][0];
    assert_eq!(issue["line"], 27);
    assert_eq!(issue["field"], "datesPeriodeVersement");
    assert_eq!(issue["value"], "2017-03-02/2017-30-05");
    custom_checks(&run);
    validate(&run);
}

#[test]
fn grants_import_rejects_every_record_of_the_official_invalid_example_with_its_reasons() {
    let run = import("exemple_invalide_erreurs_cellules.csv", &[]);
    assert_eq!(counts(&run.report), (29, 0, 29));
    let reasons: Vec<(u64, String)> = run.report["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["line"] == 10)
        .map(|i| {
            (
                i["line"].as_u64().unwrap(),
                i["field"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // Line 10: the SIRET of the grantor lost its NIC, the amount is missing.
    assert!(
        reasons.contains(&(10, "idAttribuant".to_owned())),
        "{reasons:?}"
    );
    assert!(reasons.contains(&(10, "montant".to_owned())), "{reasons:?}");
}

#[test]
fn grants_import_refuses_to_write_over_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::copy(repo(&format!("{SCDL}/exemple_valide.csv")), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    for args in [
        ["--output", "in.csv", "--report", "r.json"],
        ["--output", "out.csv", "--report", "in.csv"],
        ["--output", "out.csv", "--report", "out.csv"],
    ] {
        let mut all = vec!["grants", "import", "--input", "in.csv"];
        all.extend_from_slice(&args);
        let o = essor(&all, dir.path());
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("choisissez"), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read(&input).unwrap(), before);
    let o = essor(
        &[
            "grants",
            "import",
            "--input",
            "in.csv",
            "--output",
            "o.csv",
            "--default",
            "montant=beaucoup",
        ],
        dir.path(),
    );
    assert!(
        stderr(&o).contains("option --default montant=beaucoup : montant « beaucoup » illisible"),
        "{}",
        stderr(&o)
    );
}
