//! Units and establishments as the text of their fields, in INSEE's formats and in the exact
//! order of `essor_sirene::layout`: the single source of the values that the CSV and the
//! Parquet writers both encode, so the twins always agree.
//!
//! Formats: dates `AAAA-MM-JJ`, processing times `AAAA-MM-JJTHH:MM:SS`, `etablissementSiege`
//! `true`/`false`, Lambert coordinates in metres with one decimal, `[ND]` in the masked texts
//! of non-diffusible units (as `tests/fixtures/sirene`), empty cells for unknown values.

use crate::block::{Establishment, Unit};
use crate::date::Date;
use crate::geography::Geography;
use crate::names::COUNTRIES;
use crate::rng::splitmix64;
use essor_geo::{Converter, Crs, Locator, QpvIndex, Territory};
use std::collections::HashMap;
use std::io::Write as _;

const ND: &[u8] = b"[ND]";

/// The fields of one row: their bytes end to end and where each ends.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    buf: Vec<u8>,
    ends: Vec<usize>,
}

impl Fields {
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
        self.ends.clear();
    }
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }
    pub(crate) fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[start..self.ends[i]]
    }
    fn end(&mut self) {
        self.ends.push(self.buf.len());
    }
    fn text(&mut self, s: impl AsRef<[u8]>) {
        self.buf.extend_from_slice(s.as_ref());
        self.end();
    }
    fn opt(&mut self, s: Option<&str>) {
        self.text(s.unwrap_or(""));
    }
    fn empty(&mut self, n: usize) {
        for _ in 0..n {
            self.end();
        }
    }
    fn digits(&mut self, v: u64, width: usize) {
        let start = self.buf.len();
        let mut v = v;
        loop {
            self.buf.push(b'0' + (v % 10) as u8);
            v /= 10;
            if v == 0 {
                break;
            }
        }
        while self.buf.len() - start < width {
            self.buf.push(b'0');
        }
        self.buf[start..].reverse();
        self.end();
    }
    fn date(&mut self, d: Date) {
        d.write(&mut self.buf);
        self.end();
    }
    fn timestamp(&mut self, (d, seconds): (Date, u32)) {
        d.write(&mut self.buf);
        let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        let _ = write!(self.buf, "T{h:02}:{m:02}:{s:02}");
        self.end();
    }
    /// A value already rounded to 0.1, printed with one decimal, exactly.
    fn decimetres(&mut self, v: f64) {
        let k = (v * 10.0).round() as i64;
        let _ = write!(
            self.buf,
            "{}{}.{}",
            if k < 0 { "-" } else { "" },
            k.abs() / 10,
            k.abs() % 10
        );
        self.end();
    }
    fn flag(&mut self, v: Option<bool>) {
        self.text(match v {
            Some(true) => "O",
            Some(false) => "N",
            None => "",
        });
    }
}

/// A bracket's estimated jobs (issue 3's midpoints), 0 for `NN`, `00` and blank.
fn jobs(bracket: &str) -> f64 {
    essor_model::headcount::HeadcountBracket::parse(bracket).map_or(0.0, |b| {
        if b.is_employer() {
            b.estimated_jobs()
        } else {
            0.0
        }
    })
}

/// The legal unit's bracket from the jobs of its open establishments.
fn unit_bracket(u: &Unit) -> &'static str {
    if !u.active {
        return "NN";
    }
    let total: f64 = u
        .establishments
        .iter()
        .filter(|e| e.active)
        .map(|e| jobs(e.bracket))
        .sum();
    const BOUNDS: &[(f64, &str)] = &[
        (3.0, "01"),
        (6.0, "02"),
        (10.0, "03"),
        (20.0, "11"),
        (50.0, "12"),
        (100.0, "21"),
        (200.0, "22"),
        (250.0, "31"),
        (500.0, "32"),
        (1000.0, "41"),
        (2000.0, "42"),
        (5000.0, "51"),
        (10000.0, "52"),
    ];
    if total > 0.0 {
        return BOUNDS
            .iter()
            .find(|(b, _)| total < *b)
            .map_or("53", |(_, code)| code);
    }
    if u.establishments
        .iter()
        .any(|e| e.active && e.bracket == "00")
    {
        "00"
    } else {
        "NN"
    }
}

fn employer(bracket: &str) -> Option<bool> {
    match bracket {
        "" => None,
        "NN" | "00" => Some(false),
        _ => Some(true),
    }
}

/// The QPV 2015 code the engine gives an establishment's Lambert point, as the geolocation
/// file spells it: the code inside, `HZ` outside in a commune with a QPV, `CSZ` in a commune
/// without one.
#[derive(Debug)]
pub(crate) struct GeolocEngine<'a> {
    index: &'a QpvIndex,
    /// One locator per territory system: `essor diagnose`'s own path from the Lambert columns.
    locators: HashMap<u32, Locator<'a>>,
    to_lonlat: HashMap<u32, Converter>,
}

impl<'a> GeolocEngine<'a> {
    pub(crate) fn new(index: &'a QpvIndex) -> Self {
        let wgs84 = Crs::wgs84();
        let mut locators = HashMap::new();
        let mut to_lonlat = HashMap::new();
        for t in Territory::all() {
            let crs = t.crs();
            locators.insert(t.epsg(), index.locator(&crs));
            to_lonlat.insert(t.epsg(), wgs84.converter_from(&crs));
        }
        Self {
            index,
            locators,
            to_lonlat,
        }
    }
}

/// Turns units into rows.
#[derive(Debug)]
pub(crate) struct RowWriter<'a> {
    geography: &'a Geography,
    naf25: HashMap<&'static str, &'static str>,
    pub geoloc: Option<GeolocEngine<'a>>,
}

/// NAF 2025 where the correspondence is obvious: the NAF rév. 2 class (`94.99`) is a class of
/// NAF 2025 with a single sous-classe (`94.99Y`). Elsewhere (a class split or renumbered) the
/// column stays blank, as INSEE leaves it until a unit is recoded. A proxy, not INSEE's table.
pub(crate) fn naf25_table() -> HashMap<&'static str, &'static str> {
    let mut by_class: HashMap<&str, Vec<&'static str>> = HashMap::new();
    for n in &essor_refdata::nomenclatures::naf_2025().entries {
        by_class.entry(&n.code[..5]).or_default().push(&n.code);
    }
    essor_refdata::nomenclatures::naf_rev2()
        .entries
        .iter()
        .filter_map(|n| match by_class.get(&n.code_sous_classe[..5]) {
            Some(v) if v.len() == 1 => Some((n.code_sous_classe.as_str(), v[0])),
            _ => None,
        })
        .collect()
}

impl<'a> RowWriter<'a> {
    pub(crate) fn new(geography: &'a Geography, geoloc: Option<GeolocEngine<'a>>) -> Self {
        Self {
            geography,
            naf25: naf25_table(),
            geoloc,
        }
    }

    fn naf25(&self, naf: &str, active: bool) -> &'static str {
        if !active {
            return "";
        }
        self.naf25.get(naf).copied().unwrap_or("")
    }

    /// `StockUniteLegale`, 35 fields.
    pub(crate) fn unit(&self, u: &Unit, f: &mut Fields) {
        f.clear();
        let nd = !u.diffusible;
        let person = u.person.as_ref();
        let masked = |f: &mut Fields, v: Option<&str>| match (person, nd) {
            (Some(_), true) => f.text(ND),
            _ => f.opt(v),
        };
        let bracket = unit_bracket(u);
        f.digits(u64::from(u.siren), 9);
        f.text(if nd { "P" } else { "O" });
        f.empty(1); // unitePurgeeUniteLegale
        f.date(u.created);
        f.opt(u.sigle.as_deref());
        masked(f, person.map(|p| p.sex));
        masked(f, person.map(|p| p.first));
        f.opt(person.and_then(|p| p.second).filter(|_| !nd));
        f.empty(2); // prenom3, prenom4
        masked(f, person.map(|p| p.first)); // prenomUsuelUniteLegale
        f.empty(1); // pseudonymeUniteLegale
        f.opt(u.rna.as_deref());
        f.text(bracket);
        f.text(if matches!(bracket, "" | "NN") {
            ""
        } else {
            "2023"
        });
        f.timestamp(u.processed);
        f.digits(u64::from(u.periods), 1);
        let jobs: f64 = u
            .establishments
            .iter()
            .filter(|e| e.active)
            .map(|e| jobs(e.bracket))
            .sum();
        let category = match (u.active, jobs) {
            (false, _) => "",
            (true, j) if j >= 5000.0 => "GE",
            (true, j) if j >= 250.0 => "ETI",
            _ => "PME",
        };
        f.text(category);
        f.text(if category.is_empty() { "" } else { "2022" });
        f.date(u.debut);
        f.text(if u.active { "A" } else { "C" });
        masked(f, person.map(|p| p.last.as_str()));
        f.opt(person.and_then(|p| p.usage.as_deref()).filter(|_| !nd));
        f.opt(u.name.as_deref());
        f.opt(u.usual_name.as_deref());
        f.empty(2); // denominationUsuelle2, 3
        f.digits(u64::from(u.category), 4);
        f.text(u.naf);
        f.text("NAFRev2");
        f.digits(u64::from(u.establishments[0].nic), 5);
        f.flag(u.ess);
        f.flag(u.mission);
        f.flag(if u.active { Some(jobs > 0.0) } else { None });
        f.text(self.naf25(u.naf, u.active));
        debug_assert_eq!(f.len(), 35);
    }

    /// `StockEtablissement`, 54 fields.
    pub(crate) fn establishment(&self, u: &Unit, e: &Establishment, f: &mut Fields) {
        f.clear();
        let nd = !u.diffusible;
        let masked = |f: &mut Fields, v: &[u8]| f.text(if nd { ND } else { v });
        let commune = e.commune.map(|c| &self.geography.communes[c as usize]);
        let a = &e.address;
        f.digits(u64::from(u.siren), 9);
        f.digits(u64::from(e.nic), 5);
        f.digits(u64::from(u.siren) * 100_000 + u64::from(e.nic), 14);
        f.text(if nd { "P" } else { "O" });
        f.date(e.created);
        f.text(e.bracket);
        f.text(if matches!(e.bracket, "" | "NN") {
            ""
        } else {
            "2023"
        });
        f.empty(1); // activitePrincipaleRegistreMetiersEtablissement
        f.timestamp(e.processed);
        f.text(if e.siege { "true" } else { "false" });
        f.digits(u64::from(e.periods), 1);
        f.opt(a.complement.filter(|_| !nd));
        if a.number > 0 {
            masked(f, a.number.to_string().as_bytes());
        } else {
            masked(f, b"");
        }
        f.text(if nd || a.number == 0 {
            ""
        } else {
            a.repetition
        });
        f.empty(2); // dernierNumeroVoie, indiceRepetitionDernierNumeroVoie
        masked(f, a.street_type.as_bytes());
        masked(f, a.street.as_bytes());
        match commune {
            Some(c) => {
                f.text(c.postcodes.get(e.postcode).map_or("", String::as_str));
                f.text(&c.label);
                f.empty(1); // libelleCommuneEtrangerEtablissement
            }
            None => {
                f.empty(1);
                f.empty(1);
                f.text(COUNTRIES[e.country].2);
            }
        }
        f.opt(a.special.as_deref().filter(|_| !nd));
        f.opt(commune.map(|c| c.code.as_str()));
        f.empty(2); // codeCedex, libelleCedex
        if commune.is_none() {
            f.text(COUNTRIES[e.country].0);
            f.text(COUNTRIES[e.country].1);
        } else {
            f.empty(2);
        }
        let ban = match (commune, a.ban) {
            (Some(c), Some(street)) if a.number > 0 => {
                format!("{}_{street:04}_{:05}", c.code, a.number)
            }
            _ => String::new(),
        };
        masked(f, ban.as_bytes());
        match (nd, e.xy) {
            (true, _) => {
                f.text(ND);
                f.text(ND);
            }
            (false, Some((x, y))) => {
                f.decimetres(x);
                f.decimetres(y);
            }
            (false, None) => f.empty(2),
        }
        f.empty(14); // the second address
        f.date(e.debut);
        f.text(if e.active { "A" } else { "F" });
        match (nd, &e.enseigne) {
            (true, _) => f.text(ND),
            (false, v) => f.opt(v.as_deref()),
        }
        f.empty(2); // enseigne2, enseigne3
        f.opt(e.usual_name.as_deref().filter(|_| !nd));
        f.text(e.naf);
        f.text("NAFRev2");
        f.flag(employer(e.bracket));
        f.text(self.naf25(e.naf, e.active));
        debug_assert_eq!(f.len(), 54);
    }

    /// INSEE's geolocation file, 19 fields; `None` for non-diffusible establishments, which
    /// that file leaves out. Also returns whether the point is in a QPV.
    pub(crate) fn geoloc(&self, u: &Unit, e: &Establishment, f: &mut Fields) -> Option<bool> {
        let engine = self.geoloc.as_ref()?;
        if !u.diffusible {
            return None;
        }
        f.clear();
        let siret = u64::from(u.siren) * 100_000 + u64::from(e.nic);
        f.digits(siret, 14);
        let (Some((x, y)), Some(c)) = (e.xy, e.commune) else {
            f.empty(18);
            return Some(false);
        };
        let commune = &self.geography.communes[c as usize];
        let location = engine.locators[&commune.epsg].locate(x, y);
        let lonlat = engine.to_lonlat[&commune.epsg].convert(x, y);
        let h = splitmix64(siret);
        f.decimetres(x);
        f.decimetres(y);
        f.text(match h % 100 {
            0..=74 => "11",
            75..=84 => "12",
            85..=92 => "21",
            93..=97 => "22",
            _ => "33",
        });
        f.digits(u64::from(commune.epsg), 4);
        f.empty(3); // plg_qp24 (no 2024 polygons), plg_iris, plg_zus
        let in_qpv = match &location {
            Ok(l) => match l.qpv {
                Some(id) => {
                    f.text(engine.index.layer().get(id).code.as_str());
                    true
                }
                None => {
                    f.text(if commune.has_qpv { "HZ" } else { "CSZ" });
                    false
                }
            },
            Err(_) => {
                f.empty(1);
                false
            }
        };
        f.empty(1); // plg_qva
        f.text(&commune.code);
        f.digits((h >> 8) % 25, 1); // distance_precision
        f.empty(5); // qualite_qp24, _iris, _zus, _qp15, _qva
        match lonlat {
            Ok((lon, lat)) => {
                let _ = write!(f.buf, "{lat:.6}");
                f.end();
                let _ = write!(f.buf, "{lon:.6}");
                f.end();
            }
            Err(_) => f.empty(2),
        }
        debug_assert_eq!(f.len(), 19);
        Some(in_qpv)
    }
}

/// Appends one CSV record: fields quoted only when they must be (the separator, a quote or a
/// line break inside), quotes doubled, `\n` at the end — as INSEE writes its stocks.
pub(crate) fn write_csv(f: &Fields, separator: u8, out: &mut Vec<u8>) {
    for i in 0..f.len() {
        if i > 0 {
            out.push(separator);
        }
        let v = f.get(i);
        if v.iter()
            .any(|&b| b == separator || b == b'"' || b == b'\n' || b == b'\r')
        {
            out.push(b'"');
            for &b in v {
                if b == b'"' {
                    out.push(b'"');
                }
                out.push(b);
            }
            out.push(b'"');
        } else {
            out.extend_from_slice(v);
        }
    }
    out.push(b'\n');
}

/// A header line.
pub(crate) fn write_header(columns: &[&str], separator: u8, out: &mut Vec<u8>) {
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            out.push(separator);
        }
        out.extend_from_slice(c.as_bytes());
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_when_needed() {
        let mut f = Fields::default();
        f.text("SAS FICTIVE, ET ASSOCIES");
        f.text("A \"B\"");
        f.text("PLAIN");
        f.empty(1);
        let mut out = Vec::new();
        write_csv(&f, b',', &mut out);
        assert_eq!(
            out,
            b"\"SAS FICTIVE, ET ASSOCIES\",\"A \"\"B\"\"\",PLAIN,\n"
        );
    }

    #[test]
    fn numbers_print_as_sirene_does() {
        let mut f = Fields::default();
        f.digits(42, 5);
        f.decimetres(652_345.1);
        f.decimetres(6_862_000.0);
        f.timestamp((Date::ymd(2025, 12, 1), 3 * 3600 + 12 * 60 + 45));
        assert_eq!(f.get(0), b"00042");
        assert_eq!(f.get(1), b"652345.1");
        assert_eq!(f.get(2), b"6862000.0");
        assert_eq!(f.get(3), b"2025-12-01T03:12:45");
    }

    #[test]
    fn naf_2025_is_filled_only_where_the_class_is_unchanged() {
        let t = naf25_table();
        assert_eq!(t.get("94.99Z"), Some(&"94.99Y"));
        assert_eq!(t.get("93.12Z"), Some(&"93.12Y"));
        assert_eq!(t.get("88.99B"), None, "88.99 splits into G and H");
    }
}
