//! The geodata engine against its reference implementations: PROJ for projections, GEOS
//! (shapely) for containment, nearest QPV and distances. The fixtures and the script that
//! made them are in `tests/fixtures/` and `tools/fixtures/make_geo_fixtures.py`.

use essor_geo::{
    Crs, LoadError, LoadOptions, QpvIndex, QpvLayer, Territory, load_file, load_files,
};
use essor_model::QpvGeography;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

static NATIONAL: LazyLock<QpvIndex> = LazyLock::new(|| {
    let layer = load_file(
        &repo("data/qpv_2015/QP_METROPOLEOUTREMER_WGS84_EPSG4326.shp"),
        &LoadOptions::default(),
    )
    .unwrap();
    QpvIndex::new(layer)
});

fn rows(path: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(repo(path))
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect()
}

fn code(index: &QpvIndex, id: Option<u32>) -> String {
    id.map(|i| index.layer().get(i).code.to_string())
        .unwrap_or_default()
}

#[test]
fn projections_match_proj_within_a_millimetre() {
    let wgs84 = Crs::wgs84();
    for r in rows("tests/fixtures/projections/reference.csv") {
        let epsg: u32 = r[0].parse().unwrap();
        let (lon, lat, x, y): (f64, f64, f64, f64) = (
            r[1].parse().unwrap(),
            r[2].parse().unwrap(),
            r[3].parse().unwrap(),
            r[4].parse().unwrap(),
        );
        let crs = Crs::from_epsg(epsg).unwrap();
        let (px, py) = crs.converter_from(&wgs84).convert(lon, lat).unwrap();
        assert!(
            (px - x).abs() < 1e-3 && (py - y).abs() < 1e-3,
            "EPSG:{epsg} ({lon}, {lat}): essor ({px}, {py}), PROJ ({x}, {y})"
        );
        let (blon, blat) = crs.to_lonlat(x, y).unwrap();
        // 1e-8 degree is about 1 mm.
        assert!(
            (blon - lon).abs() < 1e-8 && (blat - lat).abs() < 1e-8,
            "EPSG:{epsg} inverse ({blon}, {blat})"
        );
    }
}

#[test]
fn the_national_layer_has_every_qpv_in_its_territory() {
    let layer = NATIONAL.layer();
    assert_eq!(layer.len(), 1514);
    assert_eq!(layer.geography, QpvGeography::Qpv2015);
    let count = |t: Territory| layer.features.iter().filter(|f| f.territory == t).count();
    assert_eq!(count(Territory::Metropole), 1296);
    assert_eq!(count(Territory::Guadeloupe), 16);
    assert_eq!(count(Territory::Martinique), 7);
    assert_eq!(count(Territory::Guyane), 32);
    assert_eq!(count(Territory::Reunion), 49);
    assert_eq!(count(Territory::Mayotte), 36);
    assert_eq!(count(Territory::SaintMartin), 2);
    assert_eq!(count(Territory::Polynesie), 76);
}

#[test]
fn named_qpv_contain_their_points_and_distances_match_geos() {
    let locator = NATIONAL.locator(&Crs::wgs84());
    for r in rows("tests/fixtures/qpv_known/points.csv") {
        let (lon, lat): (f64, f64) = (r[1].parse().unwrap(), r[2].parse().unwrap());
        let loc = locator.locate(lon, lat).unwrap();
        assert_eq!(code(&NATIONAL, loc.qpv), &r[3], "{}: containing QPV", &r[0]);
        assert_eq!(
            code(&NATIONAL, loc.nearest),
            &r[4],
            "{}: nearest QPV",
            &r[0]
        );
        let expected: f64 = r[5].parse().unwrap();
        let d = loc.distance_m.unwrap();
        assert!(
            (d - expected).abs() < 0.01,
            "{}: distance {d} m, GEOS {expected} m",
            &r[0]
        );
    }
}

#[test]
fn self_intersecting_polygons_answer_as_make_valid_does() {
    let locator = NATIONAL.locator(&Crs::wgs84());
    let fixture = rows("tests/fixtures/qpv_defects/points.csv");
    assert_eq!(
        fixture
            .iter()
            .map(|r| r[0].to_owned())
            .collect::<std::collections::HashSet<_>>()
            .len(),
        34
    );
    let mut disagreements = Vec::new();
    for r in &fixture {
        let (lon, lat): (f64, f64) = (r[1].parse().unwrap(), r[2].parse().unwrap());
        let loc = locator.locate(lon, lat).unwrap();
        let inside = code(&NATIONAL, loc.qpv) == r[0];
        if inside != (&r[3] == "1") {
            disagreements.push(format!(
                "{} ({lon}, {lat}): essor {inside}, make_valid {}",
                &r[0], &r[3]
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} points disagree:\n{}",
        disagreements.len(),
        fixture.len(),
        disagreements.join("\n")
    );
}

#[test]
fn a_2024_layout_geojson_loads_with_its_fields() {
    let layer = load_file(
        &repo("tests/fixtures/qpv_2024/qpv_2024_synthetique.geojson"),
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(layer.geography, QpvGeography::Qpv2024);
    assert_eq!(layer.len(), 4);
    let genicart = layer.get(layer.find("QN03305M").unwrap());
    assert_eq!(genicart.name, "Génicart Est");
    assert_eq!(genicart.commune_codes, ["33249"]);
    assert_eq!(genicart.epci_siren.as_deref(), Some("243300316"));
    assert_eq!(genicart.departement.as_deref(), Some("33"));
    let reunion = layer.get(layer.find("QN97401M").unwrap());
    assert_eq!(reunion.territory, Territory::Reunion);
}

/// The same 2024 QPV read from three encodings of the same data must answer identically.
#[test]
fn legacy_crs_geojson_and_utf8_shapefile_agree_with_the_rfc7946_file() {
    let base = QpvIndex::new(
        load_file(
            &repo("tests/fixtures/qpv_2024/qpv_2024_synthetique.geojson"),
            &LoadOptions::default(),
        )
        .unwrap(),
    );
    let legacy = load_file(
        &repo("tests/fixtures/qpv_2024/qpv_2024_synthetique_lb93_crs.geojson"),
        &LoadOptions::default(),
    )
    .unwrap();
    let shp = load_file(
        &repo("tests/fixtures/qpv_2024/qpv_2024_synthetique_lb93.shp"),
        &LoadOptions::default(),
    )
    .unwrap();
    // .cpg says UTF-8: accents decode.
    assert_eq!(shp.get(shp.find("QN03305M").unwrap()).name, "Génicart Est");
    assert_eq!(
        shp.get(shp.find("QN09301M").unwrap()).epci_name.as_deref(),
        Some("Métropole du Grand Paris")
    );
    for other in [QpvIndex::new(legacy), QpvIndex::new(shp)] {
        assert_eq!(other.layer().len(), 3);
        for r in rows("tests/fixtures/qpv_known/points.csv")
            .iter()
            .filter(|r| {
                ["QP093028", "QP035004", "QP033017"]
                    .iter()
                    .any(|c| r[0].starts_with(c))
            })
        {
            let (lon, lat): (f64, f64) = (r[1].parse().unwrap(), r[2].parse().unwrap());
            let a = base.locate_lonlat(lon, lat).unwrap();
            let b = other.locate_lonlat(lon, lat).unwrap();
            assert_eq!(code(&base, a.qpv), code(&other, b.qpv), "{}", &r[0]);
            assert!(
                (a.distance_m.unwrap() - b.distance_m.unwrap()).abs() < 0.01,
                "{}",
                &r[0]
            );
        }
    }
}

fn overseas_files() -> Vec<PathBuf> {
    [
        "GUADELOUPE_WGS84_UTM20N",
        "MARTINIQUE_WGS84_UTM20N",
        "GUYANE_RGF95_UTM22N",
        "LAREUNION_RGR92_UTM40S",
        "MAYOTTE_RGM04_UTM38S",
        "STMARTIN_WGS84_UTM20N",
        "POLYNESIEFRANCAISE_WGS84_EPSG4326",
    ]
    .iter()
    .map(|n| repo(&format!("tests/fixtures/qpv_2015_overseas/QP_{n}.shp")))
    .collect()
}

#[test]
fn overseas_layers_in_their_own_projections_locate_as_the_national_layer() {
    let overseas: QpvLayer = load_files(&overseas_files(), &LoadOptions::default()).unwrap();
    assert_eq!(overseas.len(), 16 + 7 + 32 + 49 + 36 + 2 + 76);
    let index = QpvIndex::new(overseas);
    let mut checked = 0;
    for r in rows("tests/fixtures/qpv_known/points.csv") {
        let (lon, lat): (f64, f64) = (r[1].parse().unwrap(), r[2].parse().unwrap());
        if Territory::of_lonlat(lon, lat) == Some(Territory::Metropole) {
            continue;
        }
        let loc = index.locate_lonlat(lon, lat).unwrap();
        assert_eq!(code(&index, loc.qpv), &r[3], "{}", &r[0]);
        assert_eq!(code(&index, loc.nearest), &r[4], "{}", &r[0]);
        // The overseas layers are the source of the national one, to a few centimetres.
        assert!(
            (loc.distance_m.unwrap() - r[5].parse::<f64>().unwrap()).abs() < 0.5,
            "{}",
            &r[0]
        );
        checked += 1;
    }
    assert_eq!(checked, 7 * 5);
}

#[test]
fn points_given_in_lambert93_locate_as_in_wgs84() {
    let lb93 = Crs::from_epsg(2154).unwrap();
    let to_lb93 = lb93.converter_from(&Crs::wgs84());
    let locator = NATIONAL.locator(&lb93);
    for r in rows("tests/fixtures/qpv_known/points.csv")
        .iter()
        .filter(|r| r[0].starts_with("QP0"))
    {
        let (lon, lat): (f64, f64) = (r[1].parse().unwrap(), r[2].parse().unwrap());
        let (x, y) = to_lb93.convert(lon, lat).unwrap();
        let loc = locator.locate(x, y).unwrap();
        assert_eq!(code(&NATIONAL, loc.qpv), &r[3]);
        assert!((loc.distance_m.unwrap() - r[5].parse::<f64>().unwrap()).abs() < 0.01);
    }
}

#[test]
fn within_distance_lists_every_qpv_close_enough() {
    // 119 m from QP093037 and 0.9 m from it at the fixture's neighbouring point: within 1 km
    // of this point lie QP093028 (which covers it) and other QPV of Saint-Denis.
    let locator = NATIONAL.locator(&Crs::wgs84());
    let inside = locator.within(2.381534449, 48.917712167, 1000.0).unwrap();
    assert_eq!(code(&NATIONAL, Some(inside[0].0)), "QP093028");
    assert_eq!(inside[0].1, 0.0);
    let near = locator.within(2.353205354, 48.915198305, 1000.0).unwrap(); // QP093028-out850
    assert_eq!(code(&NATIONAL, Some(near[0].0)), "QP093037");
    assert!((near[0].1 - 119.107).abs() < 0.01);
    assert!(near.len() > 1 && near.windows(2).all(|w| w[0].1 <= w[1].1));
    assert!(near.iter().all(|&(_, d)| d <= 1000.0));
    // The nearest QPV of `locate` is the first of `within`.
    let loc = locator.locate(2.353205354, 48.915198305).unwrap();
    assert_eq!(loc.nearest, Some(near[0].0));
}

#[test]
fn points_outside_every_territory_are_refused() {
    let err = NATIONAL.locate_lonlat(13.4, 52.5).unwrap_err(); // Berlin
    assert!(
        err.to_string()
            .starts_with("point (13.400000, 52.500000) hors des territoires pris en charge")
    );
    // Saint-Pierre-et-Miquelon is supported but has no QPV: no nearest, band out.
    let spm = NATIONAL.locate_lonlat(-56.1773, 46.7811).unwrap();
    assert_eq!((spm.qpv, spm.nearest, spm.distance_m), (None, None, None));
}

fn load_err(path: &Path, options: &LoadOptions) -> LoadError {
    load_file(path, options).unwrap_err()
}

#[test]
fn broken_files_are_refused_with_the_file_feature_and_field() {
    let dir = tempfile::tempdir().unwrap();
    // A shapefile without its .prj.
    for ext in ["shp", "shx", "dbf"] {
        std::fs::copy(
            repo(&format!(
                "tests/fixtures/qpv_2015_overseas/QP_STMARTIN_WGS84_UTM20N.{ext}"
            )),
            dir.path().join(format!("sm.{ext}")),
        )
        .unwrap();
    }
    let e = load_err(&dir.path().join("sm.shp"), &LoadOptions::default());
    assert!(matches!(e, LoadError::MissingPrj { .. }), "{e}");
    assert!(e.to_string().contains("--qpv-crs"));
    // …which --qpv-crs settles.
    let ok = load_file(
        &dir.path().join("sm.shp"),
        &LoadOptions {
            crs: Some(Crs::from_epsg(32620).unwrap()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(ok.len(), 2);
    // Without its .dbf.
    std::fs::remove_file(dir.path().join("sm.dbf")).unwrap();
    assert!(matches!(
        load_err(&dir.path().join("sm.shp"), &LoadOptions::default()),
        LoadError::MissingCompanion {
            missing: ".dbf",
            ..
        }
    ));

    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let square = r#"{"type":"Polygon","coordinates":[[[2.38,48.91],[2.39,48.91],[2.39,48.92],[2.38,48.92],[2.38,48.91]]]}"#;
    let fc = |props: &[&str]| {
        let feats: Vec<String> = props
            .iter()
            .map(|p| format!(r#"{{"type":"Feature","properties":{p},"geometry":{square}}}"#))
            .collect();
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            feats.join(",")
        )
    };
    let e = load_err(
        &write("a.geojson", &fc(&[r#"{"code":"QP093028","nom":"x"}"#])),
        &LoadOptions::default(),
    );
    assert!(
        e.to_string().contains("champs disponibles : code, nom"),
        "{e}"
    );
    let e = load_err(
        &write(
            "b.geojson",
            &fc(&[
                r#"{"code_qp":"QP093028","lib_qp":"A"}"#,
                r#"{"code_qp":"X1","lib_qp":"B"}"#,
            ]),
        ),
        &LoadOptions::default(),
    );
    assert_eq!(
        e.to_string(),
        format!(
            "{}, entité 2, champ « code_qp » : « X1 » n'est pas un code QPV valide : QP ou QN suivi de 6 caractères attendu (ex. QP093028)",
            dir.path().join("b.geojson").display()
        )
    );
    let e = load_err(
        &write(
            "c.geojson",
            &fc(&[
                r#"{"code_qp":"QP093028","lib_qp":"A"}"#,
                r#"{"code_qp":"QN093028","lib_qp":"B"}"#,
            ]),
        ),
        &LoadOptions::default(),
    );
    assert!(matches!(e, LoadError::MixedGeographies { .. }), "{e}");
    let e = load_err(
        &write(
            "d.geojson",
            &fc(&[
                r#"{"code_qp":"QP093028","lib_qp":"A"}"#,
                r#"{"code_qp":"QP093028","lib_qp":"B"}"#,
            ]),
        ),
        &LoadOptions::default(),
    );
    assert!(
        e.to_string()
            .contains("entité 2 : le code QP093028 figure déjà"),
        "{e}"
    );
    let e = load_err(
        &write(
            "e.geojson",
            &fc(&[r#"{"code_qp":"QP093028","lib_qp":"A"}"#]).replace("48.91", "-70.0"),
        ),
        &LoadOptions::default(),
    );
    assert!(
        matches!(e, LoadError::OutsideTerritories { feature: 1, .. }),
        "{e}"
    );
    let e = load_err(&write("f.geojson", &fc(&[r#"{"code_qp":"QP093028","lib_qp":"A"}"#]).replace(r#"{"type":"FeatureCollection""#, r#"{"crs":{"type":"name","properties":{"name":"EPSG:9999"}},"type":"FeatureCollection""#)), &LoadOptions::default());
    assert!(
        e.to_string()
            .contains("système de coordonnées inconnu : EPSG:9999"),
        "{e}"
    );
    let e = load_err(&write("g.txt", "x"), &LoadOptions::default());
    assert!(matches!(e, LoadError::UnknownFormat { .. }));
}

/// A deterministic spread of points over every territory's boxes (a Weyl sequence), with
/// their territory's system.
fn spread(n: usize) -> Vec<(Territory, f64, f64)> {
    let mut out = Vec::new();
    for t in Territory::all() {
        for &(x0, y0, x1, y1) in t.boxes() {
            for i in 1..=n {
                // Strictly inside: a corner would round-trip a hair outside its box.
                let u = 0.001 + 0.998 * (i as f64 * 0.618_033_988_75).fract();
                let v = 0.001 + 0.998 * (i as f64 * 0.754_877_666_2).fract();
                out.push((t, x0 + u * (x1 - x0), y0 + v * (y1 - y0)));
            }
        }
    }
    out
}

#[test]
fn points_in_their_territory_system_find_their_territory_without_projection_as_with_it() {
    // Issue 3 (speed of the national diagnose): a point given in its zone's system is tested
    // against rectangles inside the territory boxes instead of being projected to lon/lat.
    let wgs84 = NATIONAL.locator(&Crs::wgs84());
    for t in Territory::all() {
        let crs = t.crs();
        let native = NATIONAL.locator(&crs);
        let to = crs.converter_from(&Crs::wgs84());
        for (_, lon, lat) in spread(400).into_iter().filter(|p| p.0 == t) {
            let (x, y) = to.convert(lon, lat).unwrap();
            let by_lonlat = wgs84.locate(lon, lat).unwrap();
            let by_xy = native.locate(x, y).unwrap();
            assert_eq!(by_xy.territory, by_lonlat.territory, "{t:?} ({lon}, {lat})");
            assert_eq!(by_xy.qpv, by_lonlat.qpv, "{t:?} ({lon}, {lat})");
            assert_eq!(by_xy.nearest, by_lonlat.nearest, "{t:?} ({lon}, {lat})");
        }
    }
}

#[test]
fn near_answers_as_locate_and_within_up_to_its_distance() {
    let lambert = NATIONAL.locator(&Crs::from_epsg(2154).unwrap());
    let to = Crs::from_epsg(2154).unwrap().converter_from(&Crs::wgs84());
    // Around the QPV of Saint-Denis, Rennes and Lormont, and the whole mainland.
    let mut points: Vec<(f64, f64)> = spread(2000)
        .into_iter()
        .filter(|p| p.0 == Territory::Metropole)
        .map(|p| (p.1, p.2))
        .collect();
    for (lon, lat) in [(2.3815, 48.9177), (-1.6584, 48.1280), (-0.5170, 44.8650)] {
        for i in 0..400 {
            let a = i as f64 * 0.1;
            let r = 0.0002 * i as f64;
            points.push((lon + r * a.cos(), lat + r * a.sin()));
        }
    }
    let mut close = 0;
    for (lon, lat) in points {
        let (x, y) = to.convert(lon, lat).unwrap();
        let full = lambert.locate(x, y).unwrap();
        let near = lambert.near(x, y, 500.0).unwrap();
        assert_eq!(near.qpv, full.qpv, "({lon}, {lat})");
        assert_eq!(near.within, lambert.within(x, y, 500.0).unwrap());
        match full.distance_m {
            Some(d) if d <= 500.0 => {
                close += 1;
                assert_eq!(near.within[0].0, full.nearest.unwrap(), "({lon}, {lat})");
                assert!((near.within[0].1 - d).abs() < 1e-9);
            }
            _ => assert!(near.within.is_empty(), "({lon}, {lat})"),
        }
    }
    assert!(close > 300, "{close} points within 500 m");
}
