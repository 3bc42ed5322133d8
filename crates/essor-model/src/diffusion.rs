//! SIRENE's diffusion status (`statutDiffusionUniteLegale`, `statutDiffusionEtablissement`)
//! and the one rule essor draws from it.
//!
//! Since 2023, a natural person may refuse that their unit be shown: INSEE then publishes it
//! with status `P` ("diffusion partielle"), with names, addresses and coordinates replaced by
//! `[ND]` in the stocks. **essor never shows or exports a `P` unit or establishment
//! individually** (directory, map, actor lists, GeoJSON, API), but counts it in aggregate
//! figures, as INSEE's own statistics do. A unit is individually showable only when both the
//! legal unit and the establishment are `O`. Older stocks also carried `N` (non diffusible);
//! it is treated like `P`. Anything unreadable is treated like `P`: when in doubt, hide.

use serde::{Deserialize, Serialize};

/// The diffusion status of a legal unit or establishment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Diffusion {
    /// `O`: fully diffusible; may be shown individually.
    #[serde(rename = "O")]
    Diffusible,
    /// `P` (or legacy `N`, or unreadable): counted in aggregates, never shown individually.
    #[serde(rename = "P")]
    Partielle,
}

impl Diffusion {
    /// `O` is diffusible; everything else (`P`, `N`, blank, garbage) is not.
    pub fn parse(code: &str) -> Self {
        if code.trim() == "O" {
            Self::Diffusible
        } else {
            Self::Partielle
        }
    }

    /// May this unit appear on its own in a list, a map, an export? (module doc)
    pub fn may_show_individually(self) -> bool {
        self == Self::Diffusible
    }

    /// The status of an establishment as shown: the stricter of its own and its legal unit's.
    pub fn combine(self, other: Self) -> Self {
        self.max(other)
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Diffusible => "O",
            Self::Partielle => "P",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_o_may_be_shown_and_doubt_hides() {
        // Issue 3 / PRODUCT.md: "Units with statutDiffusion* = P are never shown or exported
        // individually".
        assert!(Diffusion::parse("O").may_show_individually());
        for code in ["P", "N", "", "o", "[ND]"] {
            assert!(!Diffusion::parse(code).may_show_individually(), "{code:?}");
        }
    }

    #[test]
    fn an_establishment_is_hidden_when_its_legal_unit_is() {
        let (o, p) = (Diffusion::Diffusible, Diffusion::Partielle);
        assert_eq!(o.combine(o), o);
        assert_eq!(o.combine(p), p);
        assert_eq!(p.combine(o), p);
    }
}
