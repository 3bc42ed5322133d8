//! INSEE's geolocation file of SIRENE establishments ("Géolocalisation des établissements du
//! répertoire Sirene pour les études statistiques"): per SIRET, coordinates and the QPV the
//! establishment falls in, computed by INSEE.
//!
//! When the user gives this file, its QPV codes and coordinates are used rather than our own
//! point-in-polygon. `plg_qp15` / `plg_qp24` hold a QPV code (`QP…` 2015 geography, `QN…`
//! 2024 geography) or a marker meaning *not in a QPV*: `CSZ` (commune sans zonage: the
//! commune has no QPV), `HZ` (hors zonage: outside the commune's QPV), or blank. Coordinates
//! come as `x_longitude`/`y_latitude` (WGS 84) in recent editions, and always as `x`/`y` in
//! metres in the `epsg` given on the row.

use crate::columns::{Resolver, Row, RowCtx};
use crate::reject::RejectReason;
use crate::{FileKind, ReadOptions, SireneRecord};
use essor_model::ids::{CommuneCode, QpvCode, Siret};

/// The columns essor reads from the geolocation file. Only `siret` is required, but a file
/// with neither coordinates nor QPV columns is refused.
#[derive(Debug, Clone)]
pub struct GeolocColumns {
    pub siret: usize,
    pub x: Option<usize>,
    pub y: Option<usize>,
    pub epsg: Option<usize>,
    pub x_longitude: Option<usize>,
    pub y_latitude: Option<usize>,
    pub qualite_xy: Option<usize>,
    pub plg_qp15: Option<usize>,
    pub plg_qp24: Option<usize>,
    pub plg_code_commune: Option<usize>,
}

impl GeolocColumns {
    pub fn resolve(r: &mut Resolver<'_>) -> Self {
        let c = Self {
            siret: r.required("siret"),
            x: r.optional("x"),
            y: r.optional("y"),
            epsg: r.optional("epsg"),
            x_longitude: r.optional("x_longitude"),
            y_latitude: r.optional("y_latitude"),
            qualite_xy: r.optional("qualite_xy"),
            // Editions before the 2024 geography named the 2015 column `plg_qp`.
            plg_qp15: r.optional_any(&["plg_qp15", "plg_qp"]),
            plg_qp24: r.optional("plg_qp24"),
            plg_code_commune: r.optional("plg_code_commune"),
        };
        let has_coordinates = (c.x.is_some() && c.y.is_some() && c.epsg.is_some())
            || (c.x_longitude.is_some() && c.y_latitude.is_some());
        r.require_one_of(
            has_coordinates || c.plg_qp15.is_some() || c.plg_qp24.is_some(),
            "x_longitude/y_latitude, x/y/epsg ou plg_qp15/plg_qp24",
        );
        c
    }
}

/// One row of the geolocation file, typed.
#[derive(Debug, Clone, PartialEq)]
pub struct GeolocRecord {
    pub siret: Siret,
    /// (longitude, latitude), WGS 84, when the file has them.
    pub lon_lat: Option<(f64, f64)>,
    /// (x, y) in metres, in [`GeolocRecord::epsg`].
    pub xy: Option<(f64, f64)>,
    pub epsg: Option<u32>,
    /// INSEE's geocoding quality code (`qualite_xy`).
    pub quality_xy: Option<u8>,
    /// 2015-geography QPV; `None` means not in a QPV (`CSZ`, `HZ`, blank).
    pub qpv_2015: Option<QpvCode>,
    /// 2024-geography QPV; `None` means not in a QPV (`CSZ`, `HZ`, blank).
    pub qpv_2024: Option<QpvCode>,
    pub commune: Option<CommuneCode>,
}

/// Reads a `plg_qp*` value: a QPV code, or `None` for the "not in a QPV" markers.
pub fn parse_qpv_field(value: &str) -> Result<Option<QpvCode>, essor_model::ids::IdError> {
    match value.trim() {
        "" | "CSZ" | "HZ" => Ok(None),
        code => QpvCode::parse(code).map(Some),
    }
}

fn number<T: std::str::FromStr>(
    ctx: &mut RowCtx<'_>,
    row: &impl Row,
    col: Option<usize>,
    name: &'static str,
) -> Option<T> {
    ctx.parsed(row, col, name, RejectReason::InvalidNumber, |s| {
        s.parse::<T>()
    })
}

fn qpv(
    ctx: &mut RowCtx<'_>,
    row: &impl Row,
    col: Option<usize>,
    name: &'static str,
) -> Option<QpvCode> {
    ctx.parsed(
        row,
        col,
        name,
        RejectReason::InvalidIdentifier,
        parse_qpv_field,
    )
    .flatten()
}

impl SireneRecord for GeolocRecord {
    type Columns = GeolocColumns;
    const KIND: FileKind = FileKind::Geolocalisation;

    fn resolve(r: &mut Resolver<'_>) -> Self::Columns {
        GeolocColumns::resolve(r)
    }

    fn parse(
        row: &impl Row,
        c: &GeolocColumns,
        ctx: &mut RowCtx<'_>,
        _opts: &ReadOptions,
    ) -> Option<Self> {
        let raw = crate::columns::trim(row.field(c.siret));
        let Ok(siret) = std::str::from_utf8(raw)
            .map_err(drop)
            .and_then(|s| Siret::parse(s).map_err(drop))
        else {
            ctx.reject("siret", raw, RejectReason::InvalidIdentifier, true);
            return None;
        };
        let lon = number::<f64>(ctx, row, c.x_longitude, "x_longitude");
        let lat = number::<f64>(ctx, row, c.y_latitude, "y_latitude");
        let x = number::<f64>(ctx, row, c.x, "x");
        let y = number::<f64>(ctx, row, c.y, "y");
        // Parquet editions may store the EPSG as a float ("2154.0").
        let epsg = ctx.parsed(row, c.epsg, "epsg", RejectReason::InvalidNumber, |s| {
            s.strip_suffix(".0").unwrap_or(s).parse::<u32>()
        });
        let quality_xy = ctx.parsed(
            row,
            c.qualite_xy,
            "qualite_xy",
            RejectReason::InvalidCode,
            |s| s.strip_suffix(".0").unwrap_or(s).parse::<u8>(),
        );
        Some(Self {
            siret,
            lon_lat: lon.zip(lat),
            xy: x.zip(y),
            epsg,
            quality_xy,
            qpv_2015: qpv(ctx, row, c.plg_qp15, "plg_qp15"),
            qpv_2024: qpv(ctx, row, c.plg_qp24, "plg_qp24"),
            commune: ctx.parsed(
                row,
                c.plg_code_commune,
                "plg_code_commune",
                RejectReason::InvalidIdentifier,
                CommuneCode::parse,
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csz_hz_and_blank_mean_not_in_a_qpv() {
        // Issue 3, point 2: "CSZ, HZ or blank = not in a QPV".
        for marker in ["CSZ", "HZ", "", "  "] {
            assert_eq!(parse_qpv_field(marker).unwrap(), None, "{marker:?}");
        }
        assert_eq!(
            parse_qpv_field("QP093028").unwrap().unwrap().as_str(),
            "QP093028"
        );
        assert_eq!(
            parse_qpv_field("QN09301M").unwrap().unwrap().as_str(),
            "QN09301M"
        );
        assert!(parse_qpv_field("ZZ").is_err());
    }
}
