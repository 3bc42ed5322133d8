//! End-to-end tests: the real `essor` binary on real and faithful files, named as sentences.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod grants;
mod mail;
mod oidc;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn essor(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_essor"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("essor runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn locate_answers_as_geos_on_the_known_points() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("located.csv");
    let o = essor(
        &[
            "locate",
            "--input",
            repo("tests/fixtures/qpv_known/points.csv")
                .to_str()
                .unwrap(),
            "--output",
            "located.csv",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let header = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(header, "id,qpv_code,nearest_qpv_code,distance_m,band");
    let expected = read_csv(&repo("tests/fixtures/qpv_known/points.csv"));
    let got = read_csv(&out);
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g[0], e[0]);
        assert_eq!(g[1], e[3], "{}", e[0]);
        assert_eq!(g[2], e[4], "{}", e[0]);
        let d: f64 = g[3].parse().unwrap();
        assert!(
            (d - e[5].parse::<f64>().unwrap()).abs() <= 0.051,
            "{}: {d}",
            e[0]
        );
        assert_eq!(g[3].split('.').nth(1).map(str::len), Some(1), "one decimal");
        let band = match d {
            _ if !g[1].is_empty() => "in",
            d if d <= 300.0 => "300",
            d if d <= 500.0 => "500",
            d if d <= 1000.0 => "1000",
            _ => "out",
        };
        assert_eq!(g[4], band, "{}", e[0]);
    }
    let summary = stderr(&o);
    assert!(
        summary.starts_with("essor locate : 60 points lus, "),
        "{summary}"
    );
    assert!(summary.contains("aucune ligne rejetée"));
}

#[test]
fn locate_reads_lambert93_with_crs_and_custom_bands() {
    let dir = tempfile::tempdir().unwrap();
    // The fixture points QP035004-inside (Maurepas, Rennes) and QP033017-out2600 (1,195.6 m
    // from QP033012, by GEOS), converted to Lambert-93 by PROJ, written `;`-separated with
    // decimal commas as a French spreadsheet does.
    let input = "id;nom;x;y\nmaurepas;Maurepas;353619,8826;6791065,2261\nlormont;Lormont;424403,8870;6422997,1976\n";
    std::fs::write(dir.path().join("lb93.csv"), input).unwrap();
    let o = essor(
        &[
            "locate",
            "--input",
            "lb93.csv",
            "--output",
            "out.csv",
            "--crs",
            "EPSG:2154",
            "--bands",
            "100,5000",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.csv")).unwrap(),
        "id,qpv_code,nearest_qpv_code,distance_m,band\nmaurepas,QP035004,QP035004,0.0,in\nlormont,,QP033012,1195.6,5000\n"
    );
    assert!(
        stderr(&o).contains("entre 100 et 5\u{202F}000 m"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_2024_layout_file_replaces_the_embedded_geography() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.csv"),
        "id,lon,lat\na,2.381534449,48.917712167\n",
    )
    .unwrap();
    let qpv = repo("tests/fixtures/qpv_2024/qpv_2024_synthetique.geojson");
    let o = essor(
        &[
            "locate",
            "--input",
            "p.csv",
            "--output",
            "o.csv",
            "--qpv",
            qpv.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("o.csv")).unwrap(),
        "id,qpv_code,nearest_qpv_code,distance_m,band\na,QN09301M,QN09301M,0.0,in\n"
    );
}

/// Every bad input gives a French message naming the line and field, exit code 2, and no
/// output file.
#[test]
fn bad_input_is_named_and_leaves_no_output() {
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "id,longitude,lat\n1,2.38,48.9\n",
            &[],
            "ligne 1 : colonne « lon » absente ; colonnes présentes : id, longitude, lat",
        ),
        (
            "ident,lon,lat\n1,2.38,48.9\n",
            &[],
            "colonne « id » absente",
        ),
        (
            "id,lon,lat\n1,2.38,48.9\n2,abc,48.9\n",
            &[],
            "ligne 3, champ « lon » : « abc » n'est pas un nombre",
        ),
        (
            "id,lon,lat\n1,2.38,\n",
            &[],
            "ligne 2, champ « lat » : valeur absente",
        ),
        (
            "id,lon,lat\n1,2.38,48.9\n2,13.4,52.5\n",
            &[],
            "ligne 3, champ « lon,lat » : point (13.400000, 52.500000) hors des territoires pris en charge",
        ),
        (
            "id,x,y\n1,650000,6860000\n",
            &[],
            "colonnes x,y sans système de coordonnées ; précisez --crs",
        ),
        (
            "id,x,y\n1,650000,6860000\n",
            &["--crs", "9999"],
            "système de coordonnées inconnu : EPSG:9999",
        ),
        (
            "id,lon,lat\n1,2.38,48.9\n",
            &["--bands", "300,abc"],
            "option --bands",
        ),
    ];
    for (input, extra, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("in.csv"), input).unwrap();
        let mut args = vec!["locate", "--input", "in.csv", "--output", "out.csv"];
        args.extend_from_slice(extra);
        let o = essor(&args, dir.path());
        assert_eq!(o.status.code(), Some(2), "{input}");
        assert!(
            stderr(&o).contains(message),
            "expected « {message} », got: {}",
            stderr(&o)
        );
        assert!(stderr(&o).starts_with("essor : erreur : "));
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(left, ["in.csv"], "nothing but the input may remain");
    }
}

#[test]
fn skip_invalid_counts_rows_and_writes_them_to_a_rejects_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("in.csv"),
        "id,lon,lat\n1,2.3815,48.9177\n2,abc,48.9\n3,13.4,52.5\n4,-1.66,48.13\n",
    )
    .unwrap();
    let o = essor(
        &[
            "locate",
            "--input",
            "in.csv",
            "--output",
            "out.csv",
            "--skip-invalid",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = read_csv(&dir.path().join("out.csv"));
    assert_eq!(
        rows.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(),
        ["1", "4"]
    );
    let rejects = read_csv(&dir.path().join("out.rejets.csv"));
    assert_eq!(rejects.len(), 2);
    assert_eq!(
        (rejects[0][0].as_str(), rejects[0][1].as_str()),
        ("3", "lon")
    );
    assert_eq!(rejects[0][3], "2,abc,48.9");
    assert_eq!(
        (rejects[1][0].as_str(), rejects[1][1].as_str()),
        ("4", "lon,lat")
    );
    assert!(stderr(&o).contains("4 points lus"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2 lignes rejetées (voir out.rejets.csv)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_unreadable_qpv_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.csv"), "id,lon,lat\n1,2.38,48.9\n").unwrap();
    std::fs::write(
        dir.path().join("qpv.geojson"),
        "{\"type\":\"FeatureCollection\"",
    )
    .unwrap();
    let o = essor(
        &[
            "locate",
            "--input",
            "in.csv",
            "--output",
            "out.csv",
            "--qpv",
            "qpv.geojson",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("qpv.geojson : GeoJSON illisible"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("out.csv").exists());
}

#[test]
fn coverage_counts_points_inside_and_near_each_qpv() {
    let dir = tempfile::tempdir().unwrap();
    let o = essor(
        &[
            "coverage",
            "--input",
            repo("tests/fixtures/qpv_known/points.csv")
                .to_str()
                .unwrap(),
            "--distance",
            "1000",
            "--output",
            "cov.csv",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = read_csv(&dir.path().join("cov.csv"));
    assert_eq!(rows.len(), 1514);
    let row = |code: &str| rows.iter().find(|r| r[0] == code).unwrap().clone();
    let franc_moisin = row("QP093028");
    assert_eq!(
        franc_moisin[1],
        "Franc Moisin - Cosmonautes - Cristino Garcia - Landy"
    );
    // The fixture's answers: points whose covering QPV is QP093028.
    let fixture = read_csv(&repo("tests/fixtures/qpv_known/points.csv"));
    let inside = fixture.iter().filter(|r| r[3] == "QP093028").count();
    assert_eq!(franc_moisin[2], inside.to_string());
    assert!(franc_moisin[3].parse::<usize>().unwrap() >= inside);
    let near = fixture
        .iter()
        .filter(|r| r[5].parse::<f64>().unwrap() <= 1000.0)
        .count();
    let sentence = stderr(&o);
    assert!(
        sentence.contains(&format!(
            "des points ({near} sur 60) sont dans un QPV ou à moins de 1\u{202F}000 m"
        )),
        "{sentence}"
    );
    assert!(
        sentence.contains("sur 1\u{202F}514) ont au moins un point"),
        "{sentence}"
    );
}

/// A GET on loopback with a plain HTTP/1.0 request: the status line and the body.
fn http_get(addr: &str, path: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_owned(), body.to_owned())
}

/// Runs `essor demo` until it prints its URL; the child, its address and what it printed.
fn start_demo(dir: &Path, establishments: &str) -> (std::process::Child, String, String) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_essor"))
        .args([
            "demo",
            "--dir",
            "demo",
            "--establishments",
            establishments,
            "--addr",
            "127.0.0.1:0",
        ])
        .current_dir(dir)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut printed = String::new();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("essor demo prints its URL").unwrap();
        printed.push_str(&line);
        printed.push('\n');
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().to_owned();
        }
    };
    // Keep reading so that the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, addr, printed)
}

#[test]
fn demo_generates_ingests_and_serves_a_synthetic_observatory() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, addr, printed) = start_demo(dir.path(), "6000");
    assert!(
        printed.contains("génération d'un stock Sirene synthétique"),
        "{printed}"
    );
    assert!(printed.contains("DÉMONSTRATION"), "{printed}");
    let (status, body) = http_get(&addr, "/api/v1/status");
    assert!(status.contains("200"), "{status}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["data"]["synthetic"], true);
    assert!(v["data"]["actors"].as_u64().unwrap() > 100, "{v}");
    // Every page says it is a demonstration; the directory finds synthetic actors.
    for path in ["/", "/annuaire?q=fictive", "/territoires/france/FR"] {
        let (status, page) = http_get(&addr, path);
        assert!(status.contains("200"), "{path}: {status}");
        assert!(page.contains("Démonstration"), "{path}");
    }
    let (_, list) = http_get(&addr, "/api/v1/actors?q=fictive&per_page=1");
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert!(list["total"].as_u64().unwrap() > 0, "{list}");
    let (_, france) = http_get(&addr, "/api/v1/territories/france/FR");
    let france: serde_json::Value = serde_json::from_str(&france).unwrap();
    assert!(
        france["indicators"]["ess_employer_establishments"]
            .as_u64()
            .unwrap()
            > 0
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(dir.path().join("demo/magasin/essor.sqlite").is_file());
    assert!(dir.path().join("demo/magasin/registre.sqlite").is_file());

    // A second run reuses the stock and the store.
    let (mut again, _, printed) = start_demo(dir.path(), "6000");
    again.kill().unwrap();
    again.wait().unwrap();
    assert!(
        printed.contains("stock synthétique déjà présent"),
        "{printed}"
    );
    assert!(printed.contains("magasin déjà construit"), "{printed}");
}

#[test]
fn orient_points_a_summer_youth_cooperative_in_maurepas_to_the_cjs() {
    // Seed 001 (CGET/RTES guide): "des jeunes de 16 à 18 ans qui créent et pilotent une
    // entreprise coopérative le temps d'un été". The point is inside QP035004 (Maurepas).
    let dir = tempfile::tempdir().unwrap();
    let profile = r#"{"holder": "collective", "stage": "emergence", "public": ["jeunes_16_18", "habitants_qpv"],
        "lon": -1.658380503, "lat": 48.127973248, "needs": ["accompagnement", "cooperation"], "themes": ["jeunesse", "cooperative"]}"#;
    std::fs::write(dir.path().join("profile.json"), profile).unwrap();
    let o = essor(&["orient", "--profile", "profile.json"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let results = report["results"].as_array().unwrap();
    assert!(results.len() >= 23);
    let cjs = results.iter().position(|r| r["id"] == "cjs").unwrap();
    assert_eq!(results[cjs]["eligibility"], "eligible");
    assert!(cjs < 5, "cjs ranked {cjs}");
    let cjm = results.iter().find(|r| r["id"] == "cjm").unwrap();
    assert_eq!(cjm["eligibility"], "not_eligible");
    assert!(!cjm["reasons"].as_array().unwrap().is_empty());
    for r in results {
        for key in ["id", "name", "eligibility", "score", "reasons", "missing"] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
    }
    let text = essor(
        &["orient", "--profile", "profile.json", "--format", "text"],
        dir.path(),
    );
    assert!(String::from_utf8_lossy(&text.stdout).contains("Coopérative jeunesse de services"));
}

#[test]
fn orient_names_the_unknown_profile_field() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("profile.json"),
        r#"{"holder": "person", "budget": 12}"#,
    )
    .unwrap();
    let o = essor(&["orient", "--profile", "profile.json"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("profile.json"), "{}", stderr(&o));
    assert!(stderr(&o).contains("budget"), "{}", stderr(&o));
}

fn sirene(name: &str) -> String {
    repo(&format!("tests/fixtures/sirene/{name}"))
        .to_str()
        .unwrap()
        .to_owned()
}

#[test]
fn diagnose_writes_indicators_and_the_pack_of_a_territory() {
    let dir = tempfile::tempdir().unwrap();
    let o = essor(
        &[
            "diagnose",
            "--etablissements",
            &sirene("StockEtablissement_utf8.csv"),
            "--unites-legales",
            &sirene("StockUniteLegale_utf8.csv"),
            "--out",
            "out",
            "--territory",
            "epci:200054781",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("out");
    let rows = read_csv(&out.join("indicators.csv"));
    let header = std::fs::read_to_string(out.join("indicators.csv"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    for col in [
        "level",
        "code",
        "name",
        "establishments",
        "employer_establishments",
        "jobs",
        "private_jobs",
        "ess_establishments",
        "ess_employer_establishments",
        "ess_jobs",
        "ess_jobs_share",
        "ess_private_jobs_share",
        "ess_employer_associations",
        "ess_employer_cooperatives",
        "ess_employer_mutuelles",
        "ess_employer_fondations",
        "ess_employer_societes_commerciales",
    ] {
        assert!(header.split(',').any(|c| c == col), "missing column {col}");
    }
    let france = &rows[0];
    assert_eq!(
        (
            france[0].as_str(),
            france[4].as_str(),
            france[10].as_str(),
            france[11].as_str()
        ),
        // The observatoire perimeter (default, issue 14): the association without the SIRENE
        // flag (4 jobs) is in; the ESUS company in SAS form (1.5) and the flagged unit without
        // a legal category (4) are out: 21,811.5 − 5.5 + 4 under the SIRENE flag.
        ("france", "127", "21810.0", "0.886423")
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("indicators.json")).unwrap()).unwrap();
    assert_eq!(json.as_array().unwrap().len(), rows.len());
    assert_eq!(json[0]["ess_jobs"], 21810.0);
    let html = std::fs::read_to_string(out.join("diagnostic.html")).unwrap();
    assert!(html.contains("Diagnostic de l'ESS — Métropole du Grand Paris (EPCI)"));
    assert!(html.contains("<h2>Méthodologie</h2>") && html.contains("<svg"));
    // Self-contained: no stylesheet, script or image fetched from anywhere.
    assert!(!html.contains("<link") && !html.contains("<script") && !html.contains("src="));
    let actors: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("actors.geojson")).unwrap()).unwrap();
    assert!(!actors["features"].as_array().unwrap().is_empty());
    let qpv: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("qpv.geojson")).unwrap()).unwrap();
    assert!(
        qpv["features"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["properties"]["code"] == "QP093028")
    );
    assert!(
        std::fs::read_to_string(out.join("methodologie.md"))
            .unwrap()
            .contains("etatAdministratifEtablissement = A")
    );
    let err = stderr(&o);
    assert!(err.contains("127 établissements actifs"), "{err}");
    assert!(err.contains("(périmètre observatoire"), "{err}");
    assert!(
        err.contains("environ") && err.contains("estimation"),
        "{err}"
    );
    assert!(
        err.contains(
            "Attention : QPV 2015 — géographie 2015, remplacée depuis le 1er janvier 2024"
        ),
        "{err}"
    );
    let methodo = std::fs::read_to_string(out.join("methodologie.md")).unwrap();
    assert!(
        methodo.contains("- Périmètre de l'ESS : observatoire"),
        "{methodo}"
    );
    assert!(methodo.contains("remplacée depuis le 1er janvier 2024"));
}

#[test]
fn the_same_stock_gives_both_perimeters_side_by_side() {
    // Issue 14, point 1: `--perimeter sirene` is the SIRENE flag, as before.
    let dir = tempfile::tempdir().unwrap();
    for perimeter in ["observatoire", "sirene"] {
        let o = essor(
            &[
                "diagnose",
                "--etablissements",
                &sirene("StockEtablissement_utf8.csv"),
                "--unites-legales",
                &sirene("StockUniteLegale_utf8.csv"),
                "--out",
                perimeter,
                "--perimeter",
                perimeter,
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            stderr(&o)
                .to_lowercase()
                .contains(&format!("(périmètre {perimeter} (")),
            "{}",
            stderr(&o)
        );
    }
    let france = |p: &str| read_csv(&dir.path().join(p).join("indicators.csv"))[0].clone();
    let (obs, sir) = (france("observatoire"), france("sirene"));
    assert_eq!((obs[8].as_str(), obs[10].as_str()), ("77", "21810.0"));
    assert_eq!((sir[8].as_str(), sir[10].as_str()), ("78", "21811.5"));
    let o = essor(
        &[
            "diagnose",
            "--etablissements",
            "x.csv",
            "--unites-legales",
            "y.csv",
            "--out",
            "out",
            "--perimeter",
            "insee",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("observatoire"), "{}", stderr(&o));
}

#[test]
fn diagnose_names_a_missing_required_column_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let o = essor(
        &[
            "diagnose",
            "--etablissements",
            &sirene("StockEtablissement_sans_commune.csv"),
            "--unites-legales",
            &sirene("StockUniteLegale_utf8.csv"),
            "--out",
            "out",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("codeCommuneEtablissement"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("StockEtablissement_sans_commune.csv"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("out").exists());
    let o = essor(
        &[
            "diagnose",
            "--etablissements",
            "nope.csv",
            "--unites-legales",
            "nope.csv",
            "--out",
            "out",
            "--territory",
            "ville:X",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("option --territory"), "{}", stderr(&o));
}

#[test]
fn diagnose_counts_bad_rows_and_exits_with_one() {
    let dir = tempfile::tempdir().unwrap();
    let o = essor(
        &[
            "diagnose",
            "--etablissements",
            &sirene("StockEtablissement_lignes_invalides.csv"),
            "--unites-legales",
            &sirene("StockUniteLegale_utf8.csv"),
            "--out",
            "out",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let methodo = std::fs::read_to_string(dir.path().join("out/methodologie.md")).unwrap();
    assert!(
        methodo.contains("Anomalies dans les fichiers : 7"),
        "{methodo}"
    );
    assert!(methodo.contains("ligne 3"), "{methodo}");
}

/// One HTTP/1.1 exchange on loopback; the status code and the body.
fn http(addr: &str, request: &str) -> (u16, String) {
    let (status, _, body) = http_with_headers(addr, request);
    (status, body)
}

/// One HTTP/1.1 exchange on loopback; the status code, the headers and the body.
fn http_with_headers(addr: &str, request: &str) -> (u16, String, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("the server listens");
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    (status, head.to_owned(), body.to_owned())
}

/// A form posted on loopback, with a cookie when given: status, headers, body.
fn post_form(addr: &str, path: &str, body: &str, cookie: &str) -> (u16, String, String) {
    http_with_headers(
        addr,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

/// A page read on loopback with a cookie: status and body.
fn get_with_cookie(addr: &str, path: &str, cookie: &str) -> (u16, String) {
    http(
        addr,
        &format!(
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
        ),
    )
}

/// `essor serve` with `args` on a free port of loopback; returns it with its address.
fn spawn_serve(args: &[&std::ffi::OsStr]) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_essor"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("essor serve starts");
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("essor serve prints its address")
            .unwrap();
        if let Some(rest) = line.split_once("carte et API sur http://") {
            break rest.1.split('/').next().unwrap().to_owned();
        }
    };
    // Keep reading its log so that it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, addr)
}

const MAUREPAS: &str = r#"{"scheme":"cjs","operator":"pole-ess","person":"Collectif jeunesse","contact":"06 00 00 00 00","consent":true,"referrer":"Réso solidaire","profile":{"holder":"collective","stage":"emergence","public":["jeunes_16_18"]}}"#;

fn post_referral(addr: &str) -> (u16, String) {
    http(
        addr,
        &format!(
            "POST /api/v1/referrals HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{MAUREPAS}",
            MAUREPAS.len()
        ),
    )
}

#[test]
fn serve_with_a_store_folder_keeps_referrals_in_its_registre_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("magasin");
    let (mut child, addr) = spawn_serve(&["--store".as_ref(), store.as_os_str()]);
    assert!(
        store.join("registre.sqlite").is_file(),
        "created when absent"
    );
    let (status, answer) = post_referral(&addr);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, 201, "{answer}");
    assert!(answer.contains("\"status\":\"proposee\""), "{answer}");
}

#[test]
fn two_servers_share_one_postgresql_registry() {
    // Issue 10, part 4, and issue 15: the deployment of a département or a région, several
    // `essor serve` behind one PostgreSQL. A referral made on one is moved on through the
    // other; `essor admin purge` reaches the same database.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = runtime.block_on(essor_store::registry::testing::TestRegistry::postgres())
    else {
        return;
    };
    runtime.block_on(async {
        use essor_store::registry::{Channel, NewAccount, Principal};
        db.registry
            .create_account(
                NewAccount {
                    email: "camille@exemple.fr".into(),
                    display_name: "Camille Dupont".into(),
                    password: "marée basse sur le canal 1907".into(),
                },
                &Principal::system("test"),
                Channel::Task,
            )
            .await
            .unwrap();
        db.registry.close().await
    });
    let url = std::ffi::OsString::from(&db.url);
    let (mut a, addr_a) = spawn_serve(&["--registre".as_ref(), url.as_os_str()]);
    let (mut b, addr_b) = spawn_serve(&["--registre".as_ref(), url.as_os_str()]);

    // A session opened through one server works through the other, and closing it through
    // the other closes it for both.
    let (status, head, _) = post_form(
        &addr_a,
        "/connexion",
        "email=camille%40exemple.fr&password=mar%C3%A9e+basse+sur+le+canal+1907",
        "",
    );
    assert_eq!(status, 303, "{head}");
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let (status, page) = get_with_cookie(&addr_b, "/compte", &cookie);
    assert_eq!(status, 200, "the session opened on A is open on B");
    assert!(page.contains("Camille Dupont"));
    let at = page.find(r#"name="csrf" value=""#).unwrap() + 19;
    let csrf = &page[at..at + 64];
    let (status, _, _) = post_form(&addr_b, "/deconnexion", &format!("csrf={csrf}"), &cookie);
    assert_eq!(status, 303);
    assert_eq!(
        get_with_cookie(&addr_a, "/compte", &cookie).0,
        303,
        "closed on B, closed on A"
    );
    // Failed sign-ins are counted in the database: five on A, and B refuses the sixth.
    for _ in 0..5 {
        let (status, _, _) = post_form(
            &addr_a,
            "/connexion",
            "email=camille%40exemple.fr&password=pas+le+bon+mot+de+passe",
            "",
        );
        assert_eq!(status, 400);
    }
    let (status, _, _) = post_form(
        &addr_b,
        "/connexion",
        "email=camille%40exemple.fr&password=mar%C3%A9e+basse+sur+le+canal+1907",
        "",
    );
    assert_eq!(status, 429, "the throttling holds across servers");

    let (status, answer) = post_referral(&addr_a);
    assert_eq!(status, 201, "{answer}");
    let created: serde_json::Value = serde_json::from_str(&answer).unwrap();
    let token = created["token"].as_str().unwrap();
    let body = r#"{"status":"acceptee"}"#;
    let (status, moved) = http(
        &addr_b,
        &format!(
            "PATCH /api/v1/referrals/{token} HTTP/1.1\r\nHost: {addr_b}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert_eq!(status, 200, "{moved}");
    let (status, read) = http(
        &addr_a,
        &format!(
            "GET /api/v1/referrals/{token} HTTP/1.1\r\nHost: {addr_a}\r\nConnection: close\r\n\r\n"
        ),
    );
    for child in [&mut a, &mut b] {
        let _ = child.kill();
        let _ = child.wait();
    }
    assert_eq!(status, 200, "{read}");
    let read: serde_json::Value = serde_json::from_str(&read).unwrap();
    assert_eq!(read["status"], "acceptee");
    assert_eq!(read["history"].as_array().unwrap().len(), 2);

    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_essor"))
        .args(["admin", "purge"])
        .env("ESSOR_REGISTRE", &db.url)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("noms et contacts de 0 mises en relation effacés"),
        "{}",
        stderr(&o)
    );
    runtime.block_on(db.finish());
}

#[test]
fn synth_writes_a_faithful_stock_that_diagnose_reads_without_anomalies() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "synth",
        "--establishments",
        "3000",
        "--seed",
        "3",
        "--out",
        "stock",
        "--parquet",
        "--geoloc",
    ];
    let o = essor(&args, dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("3\u{202F}000 établissements"),
        "{}",
        stderr(&o)
    );
    let stock = dir.path().join("stock");
    for name in [
        "StockUniteLegale_utf8.csv",
        "StockEtablissement_utf8.csv",
        "StockUniteLegale_utf8.parquet",
        "StockEtablissement_utf8.parquet",
        "GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.csv",
    ] {
        assert!(stock.join(name).is_file(), "{name}");
    }
    let rows = read_csv(&stock.join("StockEtablissement_utf8.csv"));
    assert_eq!(rows.len(), 3000);
    // Same arguments, same bytes.
    let first = std::fs::read(stock.join("StockEtablissement_utf8.csv")).unwrap();
    let o = essor(&args, dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        first,
        std::fs::read(stock.join("StockEtablissement_utf8.csv")).unwrap()
    );

    let o = essor(
        &[
            "diagnose",
            "--etablissements",
            "stock/StockEtablissement_utf8.parquet",
            "--unites-legales",
            "stock/StockUniteLegale_utf8.parquet",
            "--geoloc",
            "stock/GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.csv",
            "--out",
            "diag",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.path().join("diag/indicators.csv").is_file());
}

#[test]
fn synth_refuses_zero_establishments_in_french_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let o = essor(
        &["synth", "--establishments", "0", "--out", "stock"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("nombre d'établissements invalide"),
        "{}",
        stderr(&o)
    );
    assert!(
        !dir.path()
            .join("stock/StockEtablissement_utf8.csv")
            .exists()
    );
}

#[test]
fn admin_purge_erases_what_is_past_its_retention_and_names_a_missing_registry() {
    // Issue 11, point 3: contact details are purged after a configurable retention.
    let dir = tempfile::tempdir().unwrap();
    let o = essor(&["admin", "purge", "--store", "magasin"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("aucun registre"), "{}", stderr(&o));

    let store = dir.path().join("magasin");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        essor_store::registry::Registry::open_in(&store)
            .await
            .unwrap()
            .close()
            .await
    });
    let o = essor(
        &[
            "admin",
            "purge",
            "--store",
            "magasin",
            "--conservation-contacts",
            "12",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("noms et contacts de 0 mises en relation effacés (sans changement depuis plus de 12 mois)"),
        "{}",
        stderr(&o)
    );
    let o = essor(
        &[
            "admin",
            "purge",
            "--store",
            "magasin",
            "--conservation-contacts",
            "0",
        ],
        dir.path(),
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "a retention of 0 months is refused"
    );
}

// --- Issue 11: the CLI fed careless commands ----------------------------------------------

#[test]
fn locate_refuses_to_write_over_its_input_even_through_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("points.csv");
    let original = "id,lon,lat\na,2.3815,48.9177\n";
    std::fs::write(&input, original).unwrap();
    std::os::unix::fs::symlink(&input, dir.path().join("lien.csv")).unwrap();
    for output in ["points.csv", "./points.csv", "lien.csv"] {
        let o = essor(
            &["locate", "--input", "points.csv", "--output", output],
            dir.path(),
        );
        assert_eq!(o.status.code(), Some(2), "{output}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("est aussi un fichier d'entrée"),
            "{output}: {}",
            stderr(&o)
        );
        assert_eq!(std::fs::read_to_string(&input).unwrap(), original);
    }
    // The rejects file is an output too.
    let o = essor(
        &[
            "locate",
            "--input",
            "points.csv",
            "--output",
            "sortie.csv",
            "--skip-invalid",
            "--rejects",
            "points.csv",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--rejects"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&input).unwrap(), original);
    assert!(!dir.path().join("sortie.csv").exists());
}

#[test]
fn a_duplicated_header_column_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("points.csv"),
        "id,lon,lat,LON\na,2.3815,48.9177,0\n",
    )
    .unwrap();
    let o = essor(
        &["locate", "--input", "points.csv", "--output", "sortie.csv"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("colonne « lon » en double (colonnes 2 et 4)"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("sortie.csv").exists());
}

#[test]
fn orient_into_a_closed_pipe_ends_quietly_with_zero() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("profile.json"), r#"{"holder": "person"}"#).unwrap();
    // `essor orient … | head -c 0`: the reader is gone before essor writes.
    let mut child = Command::new(env!("CARGO_BIN_EXE_essor"))
        .args(["orient", "--profile", "profile.json", "--format", "text"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    // Nothing but possible warnings: no error message for a reader that left.
    assert!(!stderr(&o).contains("erreur"), "{}", stderr(&o));
}

#[test]
fn a_port_in_use_is_said_before_any_invitation_to_open_the_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let o = essor(
        &[
            "demo",
            "--dir",
            "demo",
            "--establishments",
            "2000",
            "--addr",
            &addr,
        ],
        dir.path(),
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("port déjà pris"), "{err}");
    assert!(!err.contains("ouvrez l'adresse"), "{err}");
    drop(taken);
}

#[test]
fn serve_stops_on_sigterm_after_draining_and_exits_zero() {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_essor"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("essor serve starts");
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("essor serve prints its address")
            .unwrap();
        if let Some(rest) = line.split_once("carte et API sur http://") {
            break rest.1.split('/').next().unwrap().to_owned();
        }
    };
    let (status, _) = http(
        &addr,
        &format!("GET /api/v1/status HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status, 200);
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let code = child.wait().unwrap();
    assert_eq!(code.code(), Some(0), "{rest:?}");
    assert!(rest.iter().any(|l| l.contains("arrêté")), "{rest:?}");
}

#[test]
fn diagnose_refuses_a_sirene_header_naming_a_column_twice() {
    let dir = tempfile::tempdir().unwrap();
    // The committed legal units with their `siren` column named a second time at the end.
    let original = std::fs::read_to_string(sirene("StockUniteLegale_utf8.csv")).unwrap();
    let doubled: String = original
        .lines()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                format!("{line},siren\n")
            } else {
                format!("{line},\n")
            }
        })
        .collect();
    std::fs::write(dir.path().join("ul.csv"), doubled).unwrap();
    let o = essor(
        &[
            "diagnose",
            "--etablissements",
            &sirene("StockEtablissement_utf8.csv"),
            "--unites-legales",
            "ul.csv",
            "--out",
            "out",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("colonne « siren » en double"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("ul.csv"), "{}", stderr(&o));
    assert!(!dir.path().join("out").exists());
}

#[test]
fn admin_sets_up_an_organisation_an_account_and_its_role_and_refuses_a_weak_password() {
    // Issue 15: an instance is set up from the command line, every change audited.
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("magasin");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        essor_store::registry::Registry::open_in(&store)
            .await
            .unwrap()
            .close()
            .await
    });
    let admin = |args: &[&str], password: Option<&str>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_essor"));
        c.arg("admin").args(args).args(["--store", "magasin"]);
        c.current_dir(dir.path()).env_remove("ESSOR_MOT_DE_PASSE");
        if let Some(p) = password {
            c.env("ESSOR_MOT_DE_PASSE", p);
        }
        c.output().unwrap()
    };
    let o = admin(
        &[
            "creer-organisation",
            "--type",
            "service_etat",
            "--nom",
            "Préfecture d'Ille-et-Vilaine — délégués du préfet",
            "--territoire",
            "departement:35",
            "--territoire",
            "commune:35238",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "1");
    assert!(stderr(&o).contains("organisation n° 1"), "{}", stderr(&o));

    let o = admin(
        &[
            "creer-compte",
            "--email",
            "delegue@ille-et-vilaine.gouv.fr",
            "--nom",
            "Dominique Martin",
        ],
        Some("azertyuiop123"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("champ « password » : trop facile à deviner"),
        "{}",
        stderr(&o)
    );
    let o = admin(
        &[
            "creer-compte",
            "--email",
            "delegue@ille-et-vilaine.gouv.fr",
            "--nom",
            "Dominique Martin",
        ],
        Some("marée basse sur le canal 1907"),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = admin(
        &[
            "donner-role",
            "--email",
            "Delegue@ille-et-vilaine.gouv.fr",
            "--organisation",
            "1",
            "--role",
            "reviewer",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = admin(
        &[
            "donner-role",
            "--email",
            "x@y.fr",
            "--organisation",
            "1",
            "--role",
            "chef",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--role « chef » inconnu ; rôles : admin, agent"),
        "{}",
        stderr(&o)
    );

    let o = admin(&["lister-comptes"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "id,email,name,instance_admin,disabled,roles\n1,delegue@ille-et-vilaine.gouv.fr,Dominique Martin,non,non,Préfecture d'Ille-et-Vilaine — délégués du préfet (1) : reviewer\n"
    );
    // The audit log, as CSV and JSON, from the command line.
    let o = admin(&["audit"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "id,at,action,entity_type,entity_id,channel,principal,user_id,organisation_id,task,detail,before,after"
    );
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(
        lines[1].contains(",organisation.create,organisation,1,task,system,,,admin,"),
        "{csv}"
    );
    let o = admin(
        &["audit", "--format", "json", "--depuis", "2999-01-01"],
        None,
    );
    assert_eq!(String::from_utf8(o.stdout).unwrap(), "[]\n");
    let o = admin(&["audit", "--depuis", "1er décembre"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--depuis « 1er décembre » : date AAAA-MM-JJ attendue"),
        "{}",
        stderr(&o)
    );

    runtime.block_on(async {
        let registry = essor_store::registry::Registry::open_in(&store)
            .await
            .unwrap();
        let (signed_in, _) = registry
            .sign_in(
                "delegue@ille-et-vilaine.gouv.fr",
                "marée basse sur le canal 1907",
                "127.0.0.1",
                essor_store::registry::Channel::Page,
            )
            .await
            .unwrap();
        assert!(signed_in.has_role(1, essor_model::Role::Reviewer));
        let actions: Vec<String> = registry
            .audit_log(None)
            .await
            .unwrap()
            .into_iter()
            .map(|a| format!("{} {}", a.action, a.principal_detail.unwrap_or_default()))
            .collect();
        assert_eq!(
            actions,
            [
                "organisation.create admin",
                "account.create admin",
                "membership.grant admin",
                "session.open "
            ]
        );
        registry.close().await;
    });
}

#[test]
fn help_is_french_at_every_level() {
    // Issue 11: clap's own words (« Usage: », « Commands: », « Print help ») reached users.
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["admin", "--help"],
        &["admin", "creer-compte", "--help"],
        &["locate", "-h"],
    ] {
        let o = essor(args, dir.path());
        assert!(o.status.success(), "{args:?}");
        let help = String::from_utf8(o.stdout).unwrap();
        assert!(help.contains("Utilisation : essor"), "{args:?}: {help}");
        assert!(help.contains("Affiche l'aide"), "{args:?}: {help}");
        for english in ["Usage:", "Commands:", "Print help", "Print version"] {
            assert!(!help.contains(english), "{args:?}: « {english} » in {help}");
        }
    }
    let o = essor(&["--help"], dir.path());
    let help = String::from_utf8(o.stdout).unwrap();
    assert!(help.contains("\nCommandes:\n  admin"), "{help}");
}

/// A PostgreSQL client program (`pg_dump`, `pg_restore`) of the machine's server packages.
fn pg_tool(name: &str) -> Option<std::path::PathBuf> {
    let mut found: Vec<std::path::PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin").join(name))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found.pop()
}

#[test]
fn the_restore_drill_of_docs_deploy_gives_back_the_same_registry_on_both_backends() {
    // Issue 15, point 10: back up, destroy, restore, same data — the drill of docs/DEPLOY.md,
    // with essor admin sauvegarder / restaurer on SQLite and pg_dump / pg_restore on
    // PostgreSQL.
    use essor_store::registry::testing::TestRegistry;
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let postgres = runtime.block_on(TestRegistry::postgres());
    let mut targets = vec![vec!["--store".to_owned(), "magasin".to_owned()]];
    if let Some(pg) = &postgres {
        targets.push(vec!["--registre".to_owned(), pg.url.clone()]);
    }
    for target in targets {
        let on_pg = target[0] == "--registre";
        let admin = |args: &[&str]| {
            let mut c = Command::new(env!("CARGO_BIN_EXE_essor"));
            c.arg("admin").args(args).args(&target);
            c.current_dir(dir.path())
                .env("ESSOR_MOT_DE_PASSE", "marée basse sur le canal 1907");
            let o = c.output().unwrap();
            assert!(o.status.success(), "{args:?}: {}", stderr(&o));
            String::from_utf8(o.stdout).unwrap()
        };
        admin(&["migrer"]);
        admin(&[
            "creer-organisation",
            "--type",
            "structure_accompagnement",
            "--nom",
            "Pôle ESS du pays de Rennes",
        ]);
        admin(&[
            "creer-compte",
            "--email",
            "camille@pole-ess.fr",
            "--nom",
            "Camille",
        ]);
        admin(&[
            "donner-role",
            "--email",
            "camille@pole-ess.fr",
            "--org",
            "1",
            "--role",
            "operator",
        ]);
        admin(&[
            "rattacher-operateur",
            "--org",
            "1",
            "--operateur",
            "fabrique-cooperative",
        ]);
        let before = (
            admin(&["lister-comptes"]),
            admin(&["audit", "--format", "json"]),
        );
        assert!(before.1.contains("organisation.operator"), "{}", before.1);

        if on_pg {
            let (Some(dump), Some(restore)) = (pg_tool("pg_dump"), pg_tool("pg_restore")) else {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "pg_dump and pg_restore are needed in CI"
                );
                continue;
            };
            let url = &target[1];
            let file = dir.path().join("registre.dump");
            let o = Command::new(dump)
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(&file)
                .arg(url)
                .output()
                .unwrap();
            assert!(o.status.success(), "pg_dump: {}", stderr(&o));
            // Destroy.
            let o = Command::new(pg_tool("psql").expect("psql beside pg_dump"))
                .args(["--quiet", "--set", "ON_ERROR_STOP=1", "--command"])
                .arg("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
                .arg(url)
                .output()
                .unwrap();
            assert!(o.status.success(), "psql: {}", stderr(&o));
            let o = Command::new(restore)
                .args(["--no-owner", "--dbname"])
                .arg(url)
                .arg(&file)
                .output()
                .unwrap();
            assert!(o.status.success(), "pg_restore: {}", stderr(&o));
        } else {
            admin(&["sauvegarder", "--vers", "registre.sauvegarde"]);
            let backup = dir.path().join("registre.sauvegarde");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&backup).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600, "personal data: 0600");
            }
            // A second backup never overwrites the first.
            let o = essor(
                &[
                    "admin",
                    "sauvegarder",
                    "--store",
                    "magasin",
                    "--vers",
                    "registre.sauvegarde",
                ],
                dir.path(),
            );
            assert!(!o.status.success());
            // A file that is not a registry is refused, and the registry stays as it was.
            std::fs::write(dir.path().join("pas-un-registre"), "bonjour").unwrap();
            let o = essor(
                &[
                    "admin",
                    "restaurer",
                    "--store",
                    "magasin",
                    "--depuis",
                    "pas-un-registre",
                ],
                dir.path(),
            );
            assert!(!o.status.success());
            assert!(
                stderr(&o).contains("pas une sauvegarde lisible d'un registre essor"),
                "{}",
                stderr(&o)
            );
            assert_eq!(admin(&["lister-comptes"]), before.0);
            // Destroy, then restore.
            for f in [
                "registre.sqlite",
                "registre.sqlite-wal",
                "registre.sqlite-shm",
            ] {
                let _ = std::fs::remove_file(dir.path().join("magasin").join(f));
            }
            let o = essor(
                &[
                    "admin",
                    "restaurer",
                    "--store",
                    "magasin",
                    "--depuis",
                    "registre.sauvegarde",
                ],
                dir.path(),
            );
            assert!(o.status.success(), "{}", stderr(&o));
        }
        let after = (
            admin(&["lister-comptes"]),
            admin(&["audit", "--format", "json"]),
        );
        assert_eq!(after, before, "same data after the restore ({target:?})");
    }
    if let Some(pg) = postgres {
        runtime.block_on(pg.finish());
    }
}

#[test]
fn a_refused_command_line_is_explained_in_french() {
    // Issue 11: clap's own errors (« error: unexpected argument », « Usage: ») were English.
    let dir = tempfile::tempdir().unwrap();
    for (args, expected) in [
        (
            vec!["locate", "--bogus"],
            "essor : erreur : argument inattendu « --bogus »",
        ),
        (vec!["localiser"], "commande inconnue « localiser »"),
        (
            vec!["locate", "--input", "a.csv"],
            "argument obligatoire manquant : --output <FICHIER>",
        ),
        (
            vec!["serve", "--write-rate", "beaucoup"],
            "valeur « beaucoup » refusée pour --write-rate <N> : nombre entier attendu",
        ),
        (
            vec!["serve", "--log-format", "xml"],
            "valeur « xml » refusée pour --log-format <text|json> ; valeurs possibles : text, json",
        ),
    ] {
        let o = essor(&args, dir.path());
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(err.contains("Utilisation : essor"), "{args:?}: {err}");
        assert!(
            !err.contains("error:") && !err.contains("Usage:") && !err.contains("For more"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn diagnose_with_a_geolocation_file_gives_the_figures_of_2024_qpv_without_polygons() {
    // Issue 14, point 3.
    let dir = tempfile::tempdir().unwrap();
    let o = essor(
        &[
            "diagnose",
            "--etablissements",
            &sirene("StockEtablissement_utf8.csv"),
            "--unites-legales",
            &sirene("StockUniteLegale_utf8.csv"),
            "--geoloc",
            &sirene("GeolocalisationEtablissement_qp24_synthetique.csv"),
            "--out",
            "out",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("QPV 2024 (géographie en vigueur) d'après plg_qp24 : 5 employeurs"),
        "{err}"
    );
    assert!(
        err.contains("distances et abords demandent les contours"),
        "{err}"
    );
    let rows = read_csv(&dir.path().join("out/indicators.csv"));
    let q = rows
        .iter()
        .find(|r| r[1] == "QN09328M")
        .expect("a 2024 QPV row");
    assert_eq!((q[0].as_str(), q[10].as_str()), ("qpv", "259.0"));
}
