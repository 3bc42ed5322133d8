//! Query-string parsing. Parameters arrive as text and are parsed here, so that every
//! mistake gets a French message naming the parameter and the expected form, instead of
//! the extractor's English rejection.
//!
//! Parsing runs on the async workers, so it must cost time linear in the query's size: the
//! repeated keys are merged through a hash index (a scan per key made 11,500 keys cost 0.4 s
//! of CPU, issue 11), and the caps of [`crate::security`] (length, parameter count) are
//! checked first.

use crate::error::ApiError;
use crate::store::BBox;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// Like `Query<T>`, with a French 400 on a malformed query string. A parameter given more
/// than once (`family=association&family=cooperative`, what a form of checkboxes sends) is
/// read as its values joined by commas (`family=association,cooperative`).
#[derive(Debug)]
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let raw = parts.uri.query().unwrap_or_default();
        if let Some(error) = crate::security::guard::query_error(raw) {
            return Err(error);
        }
        let merged = merge_repeated(raw);
        let uri: axum::http::Uri = format!("/?{merged}")
            .parse()
            .map_err(|_| ApiError::bad_parameter("requête", "chaîne de requête illisible"))?;
        Query::<T>::try_from_uri(&uri)
            .map(|Query(t)| Params(t))
            .map_err(|e| {
                ApiError::bad_parameter(
                    "requête",
                    format!("chaîne de requête illisible ({})", e.body_text()),
                )
            })
    }
}

/// The query string with repeated keys merged, values joined by commas, in first-seen order.
/// Linear in the query's length.
fn merge_repeated(raw: &str) -> String {
    let mut merged: Vec<(String, String)> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (k, v) in form_urlencoded::parse(raw.as_bytes()) {
        match seen.get(k.as_ref()) {
            Some(_) if v.is_empty() => {}
            Some(&i) if merged[i].1.is_empty() => merged[i].1 = v.into_owned(),
            Some(&i) => {
                merged[i].1.push(',');
                merged[i].1.push_str(&v);
            }
            None => {
                seen.insert(k.clone().into_owned(), merged.len());
                merged.push((k.into_owned(), v.into_owned()));
            }
        }
    }
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(merged)
        .finish()
}

/// A required number.
pub fn number(name: &str, value: Option<&str>, expected: &str) -> Result<f64, ApiError> {
    let value = value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::missing_parameter(name, expected))?;
    value
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            ApiError::bad_parameter(
                name,
                format!("« {value} » n'est pas un nombre ; {expected}"),
            )
        })
}

/// A longitude and latitude in range.
pub fn lon_lat(lon: Option<&str>, lat: Option<&str>) -> Result<(f64, f64), ApiError> {
    let lon = number(
        "lon",
        lon,
        "longitude WGS84 en degrés décimaux attendue, ex. lon=2.3815",
    )?;
    let lat = number(
        "lat",
        lat,
        "latitude WGS84 en degrés décimaux attendue, ex. lat=48.9177",
    )?;
    if !(-180.0..=180.0).contains(&lon) {
        return Err(ApiError::bad_parameter(
            "lon",
            format!("{lon} hors de [-180, 180]"),
        ));
    }
    if !(-90.0..=90.0).contains(&lat) {
        return Err(ApiError::bad_parameter(
            "lat",
            format!("{lat} hors de [-90, 90]"),
        ));
    }
    Ok((lon, lat))
}

const BBOX_FORM: &str = "quatre nombres minLon,minLat,maxLon,maxLat en degrés WGS84 attendus, ex. bbox=2.33,48.90,2.40,48.94";

/// A WGS84 box `minLon,minLat,maxLon,maxLat`.
pub fn bbox(value: Option<&str>) -> Result<BBox, ApiError> {
    let value = value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::missing_parameter("bbox", BBOX_FORM))?;
    let parts: Vec<f64> = value
        .split(',')
        .map(|p| p.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect::<Option<_>>()
        .filter(|v: &Vec<f64>| v.len() == 4)
        .ok_or_else(|| ApiError::bad_parameter("bbox", format!("« {value} » : {BBOX_FORM}")))?;
    let b = BBox {
        min_lon: parts[0],
        min_lat: parts[1],
        max_lon: parts[2],
        max_lat: parts[3],
    };
    let lon_ok = |v: f64| (-180.0..=180.0).contains(&v);
    let lat_ok = |v: f64| (-90.0..=90.0).contains(&v);
    if !(lon_ok(b.min_lon) && lon_ok(b.max_lon) && lat_ok(b.min_lat) && lat_ok(b.max_lat)) {
        return Err(ApiError::bad_parameter(
            "bbox",
            format!(
                "« {value} » : longitudes dans [-180, 180] et latitudes dans [-90, 90] attendues"
            ),
        ));
    }
    if b.min_lon >= b.max_lon || b.min_lat >= b.max_lat {
        return Err(ApiError::bad_parameter(
            "bbox",
            format!(
                "« {value} » : le minimum doit précéder le maximum (minLon < maxLon, minLat < maxLat)"
            ),
        ));
    }
    Ok(b)
}

/// An optional integer in `range`.
pub fn integer(
    name: &str,
    value: Option<&str>,
    range: std::ops::RangeInclusive<u32>,
) -> Result<Option<u32>, ApiError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    value
        .parse::<u32>()
        .ok()
        .filter(|v| range.contains(v))
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_parameter(
                name,
                format!(
                    "« {value} » : entier entre {} et {} attendu",
                    range.start(),
                    range.end()
                ),
            )
        })
}

#[cfg(test)]
mod merge_tests {
    #[test]
    fn repeated_parameters_become_one_list() {
        assert_eq!(
            super::merge_repeated("family=association&q=r%C3%A9gie&family=cooperative&band="),
            "family=association%2Ccooperative&q=r%C3%A9gie&band="
        );
        assert_eq!(super::merge_repeated("band=&band=in"), "band=in");
    }

    /// Issue 11: 11,500 distinct keys took 0.4 s with a scan per key; linear now.
    #[test]
    fn merging_many_distinct_keys_is_linear() {
        let query: String = (0..11_500)
            .map(|i| format!("k{i}=v"))
            .collect::<Vec<_>>()
            .join("&");
        let started = std::time::Instant::now();
        let merged = super::merge_repeated(&query);
        let took = started.elapsed();
        assert_eq!(merged.len(), query.len());
        assert!(took.as_millis() < 200, "{took:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bbox_reads_and_its_mistakes_are_named() {
        let b = bbox(Some("2.33,48.90,2.40,48.94")).unwrap();
        assert_eq!(b.max_lat, 48.94);
        for (input, fragment) in [
            (None, "manquant"),
            (Some("1,2,3"), "quatre nombres"),
            (Some("a,b,c,d"), "quatre nombres"),
            (Some("2.4,48.9,2.3,48.94"), "le minimum doit précéder"),
            (Some("2,48,200,49"), "[-180, 180]"),
        ] {
            let e = bbox(input).unwrap_err();
            assert!(e.detail.contains(fragment), "{input:?}: {}", e.detail);
            assert_eq!(e.status, axum::http::StatusCode::BAD_REQUEST);
        }
    }
}
