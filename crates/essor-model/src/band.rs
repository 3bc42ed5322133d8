//! Proximity bands: `in` a QPV, then the smallest listed threshold (metres) the distance does
//! not exceed, else `out`. The thresholds observatories use are 300 m, 500 m and 1 km.

use std::fmt;

/// Sorted, distinct thresholds in metres.
#[derive(Debug, Clone, PartialEq)]
pub struct Bands(Vec<u32>);

/// Where a point stands relative to the QPV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Band {
    In,
    Within(u32),
    Out,
}

impl Default for Bands {
    fn default() -> Self {
        Self(vec![300, 500, 1000])
    }
}

impl Bands {
    /// Thresholds in metres, in any order; at least one, none zero.
    pub fn new(mut thresholds: Vec<u32>) -> Result<Self, String> {
        if thresholds.is_empty() || thresholds.contains(&0) {
            return Err(
                "seuils de distance attendus : entiers positifs en mètres, ex. 300,500,1000".into(),
            );
        }
        thresholds.sort_unstable();
        thresholds.dedup();
        Ok(Self(thresholds))
    }

    pub fn thresholds(&self) -> &[u32] {
        &self.0
    }

    /// The band of a point: `inside` wins; otherwise the distance (metres) to the nearest QPV,
    /// `None` when its territory has no QPV. The distance is compared as published, rounded to
    /// the decimetre, so a row printed `300.0` is always in band `300`.
    pub fn classify(&self, inside: bool, distance_m: Option<f64>) -> Band {
        if inside {
            return Band::In;
        }
        match distance_m {
            Some(d) => {
                let d = (d * 10.0).round() / 10.0;
                self.0
                    .iter()
                    .find(|&&t| d <= f64::from(t))
                    .map_or(Band::Out, |&t| Band::Within(t))
            }
            None => Band::Out,
        }
    }

    /// Every band, in order, for summaries.
    pub fn all(&self) -> Vec<Band> {
        std::iter::once(Band::In)
            .chain(self.0.iter().map(|&t| Band::Within(t)))
            .chain([Band::Out])
            .collect()
    }
}

impl std::str::FromStr for Bands {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let parsed: Result<Vec<u32>, _> = s.split(',').map(|t| t.trim().parse::<u32>()).collect();
        Self::new(parsed.map_err(|_| {
            format!("« {s} » : seuils de distance attendus en mètres, ex. 300,500,1000")
        })?)
    }
}

impl Band {
    /// A band from its code, as `essor locate`, `indicators.csv`, the store and the API write
    /// it (`in`, a threshold in metres such as `300`, `out`); `None` for anything else.
    pub fn parse(code: &str) -> Option<Band> {
        match code {
            "in" => Some(Band::In),
            "out" => Some(Band::Out),
            n => n.parse().ok().filter(|&t| t > 0).map(Band::Within),
        }
    }
}

impl std::str::FromStr for Band {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Band::parse(s).ok_or_else(|| {
            format!(
                "« {s} » : tranche de proximité attendue : in, un seuil en mètres (ex. 300) ou out"
            )
        })
    }
}

/// The band's code (`in`, `300`, `out`): one spelling for CSV, JSON and the store.
impl serde::Serialize for Band {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Band {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Band::In => f.write_str("in"),
            Band::Within(t) => write!(f, "{t}"),
            Band::Out => f.write_str("out"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_inclusive_and_the_smallest_wins() {
        let b = Bands::default();
        assert_eq!(b.classify(true, Some(0.0)), Band::In);
        assert_eq!(b.classify(false, Some(0.0)), Band::Within(300));
        assert_eq!(b.classify(false, Some(300.0)), Band::Within(300));
        assert_eq!(b.classify(false, Some(300.04)), Band::Within(300)); // printed 300.0
        assert_eq!(b.classify(false, Some(300.06)), Band::Within(500)); // printed 300.1
        assert_eq!(b.classify(false, Some(1000.0)), Band::Within(1000));
        assert_eq!(b.classify(false, Some(1000.1)), Band::Out);
        assert_eq!(b.classify(false, None), Band::Out);
        assert_eq!(Band::Within(500).to_string(), "500");
    }

    #[test]
    fn band_codes_round_trip_and_nothing_else_parses() {
        for b in [Band::In, Band::Within(300), Band::Within(1000), Band::Out] {
            assert_eq!(Band::parse(&b.to_string()), Some(b));
        }
        for bad in ["", "0", "IN", "300m", "-300", " 300", "1e3"] {
            assert_eq!(Band::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn bands_parse_from_the_command_line() {
        assert_eq!(
            "1000, 300,500".parse::<Bands>().unwrap().thresholds(),
            &[300, 500, 1000]
        );
        assert!("300,abc".parse::<Bands>().is_err());
        assert!("0".parse::<Bands>().is_err());
    }
}
