//! The reference data essor carries in its binary, so that every command works offline on a
//! fresh machine. The files live in the repository's `data/` folder; `data/README.md` gives
//! the source, licence and date of each. Tables are parsed on first use and kept.
//!
//! - [`qpv`]: the 1,514 QPV of the 2015 geography (official shapefile) and their 2013 population.
//! - [`cog`]: communes, EPCI, départements and régions of the 2026 Code officiel géographique.
//! - [`contours`]: commune inside points (2018) and simplified outlines for base maps.
//! - [`nomenclatures`]: NAF rév. 2, NAF 2025, catégories juridiques, tranches d'effectifs.

/// The 2026 administrative geography.
pub mod cog;
/// Points and outlines for maps.
pub mod contours;
/// INSEE nomenclatures.
pub mod nomenclatures;
/// The embedded QPV layer and populations.
pub mod qpv;

/// Parses an embedded CSV table; a failure is a build defect, caught by this crate's tests.
fn parse_csv<T: serde::de::DeserializeOwned>(name: &str, bytes: &[u8], delimiter: u8) -> Vec<T> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(bytes)
        .deserialize()
        .enumerate()
        .map(|(i, row)| {
            row.unwrap_or_else(|e| panic!("embedded table {name}, line {}: {e}", i + 2))
        })
        .collect()
}
