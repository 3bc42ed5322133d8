//! The legal-unit side reduced to what establishments need, for the whole country in memory.
//!
//! Establishments carry neither the ESS flag nor the legal category: both live on the legal
//! unit, and the national `StockUniteLegale` has about 30 million rows. [`LegalUnitIndex`](crate::LegalUnitIndex)
//! keeps, per SIREN, the facts the observatory needs packed in one `u32` next to the `u32`
//! SIREN (8 bytes per unit), sorted, with a bucket table on the SIREN's high bits so that a
//! lookup is one table read and a short binary search. Names, sigle, RNA number, NAF code and
//! creation date are kept only for the units whose text the [`crate::TextPolicy`] keeps
//! (typically the ESS units, about 1.5 million).
//!
//! Memory, measured by `index_memory_is_about_eight_bytes_per_unit` below: 8 bytes per unit
//! plus a fixed 3.9 MB bucket table, so about 244 MB for 30 million units; each unit with
//! details adds about 70 bytes plus its name.

use crate::columns::{AdminState, SireneDate};
use crate::legal_unit::LegalUnitRecord;
use crate::reject::{Reject, RejectReason};
use crate::{ReadOptions, ReadSummary, SireneError};
use essor_model::diffusion::Diffusion;
use essor_model::headcount::HeadcountBracket;
use essor_model::ids::{Rna, Siren};
use essor_model::legal::{LegalCategory, LegalFamily, Perimeter, UnitEss};
use essor_model::sector::NafCode;
use rayon::slice::ParallelSliceMut;
use std::path::Path;
use std::sync::Arc;

/// What an establishment needs to know about its legal unit. Unpacked from 28 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegalUnitFacts {
    pub diffusion: Diffusion,
    pub state: AdminState,
    pub legal_category: Option<LegalCategory>,
    /// `economieSocialeSolidaireUniteLegale`.
    pub ess: Option<bool>,
    pub societe_mission: Option<bool>,
    /// `caractereEmployeurUniteLegale`.
    pub employer: Option<bool>,
    pub headcount: Option<HeadcountBracket>,
    /// The unit's `activitePrincipaleUniteLegale` is one the observatoire perimeter excludes
    /// (`essor_model::legal::EXCLUDED_ACTIVITIES`).
    pub excluded_activity: bool,
    /// An ESS company-form unit named as a cooperative (`LegalUnitRecord::cooperative_name`).
    pub cooperative_name: bool,
}

fn pack_flag(v: Option<bool>) -> u32 {
    match v {
        None => 0,
        Some(true) => 1,
        Some(false) => 2,
    }
}

fn unpack_flag(bits: u32) -> Option<bool> {
    match bits & 0b11 {
        1 => Some(true),
        2 => Some(false),
        _ => None,
    }
}

impl LegalUnitFacts {
    /// ESS: flag `O` (issue 3, rule "ESS").
    pub fn is_ess(&self) -> bool {
        self.ess == Some(true)
    }

    /// Legal family (issue 3, rule "legal family"; cooperatives in SAS form, issue 14).
    pub fn family(&self) -> LegalFamily {
        LegalFamily::classify_named(self.legal_category, self.is_ess(), self.cooperative_name)
    }

    /// What the ESS perimeters need of this unit (issue 14).
    pub fn unit_ess(&self) -> UnitEss {
        UnitEss {
            category: self.legal_category,
            sirene_flag: self.is_ess(),
            excluded_activity: self.excluded_activity,
            cooperative_name: self.cooperative_name,
        }
    }

    /// The unit's ESS family in `perimeter`, `None` when it is not ESS there.
    pub fn ess_family(&self, perimeter: Perimeter) -> Option<LegalFamily> {
        perimeter.family(&self.unit_ess())
    }

    /// Private economy: catégorie juridique niveau I neither 4 nor 7 (issue 3). A unit without
    /// a category is counted as private: SIRENE gives every public body its category.
    pub fn is_private(&self) -> bool {
        self.legal_category.is_none_or(LegalCategory::is_private)
    }

    /// Layout: bits 0–13 category + 1 (0 = none), 14–15 ESS, 16 diffusion P, 17–18 state,
    /// 19–20 société à mission, 21–22 employer, 23–27 bracket + 1 (0 = none), 28 excluded
    /// activity, 29 cooperative name.
    fn pack(&self) -> u32 {
        let category = self.legal_category.map_or(0, |c| u32::from(c.code()) + 1);
        let state = match self.state {
            AdminState::Unknown => 0,
            AdminState::Active => 1,
            AdminState::Closed => 2,
        };
        let bracket = self.headcount.map_or(0, |b| b as u32 + 1);
        category
            | pack_flag(self.ess) << 14
            | u32::from(self.diffusion == Diffusion::Partielle) << 16
            | state << 17
            | pack_flag(self.societe_mission) << 19
            | pack_flag(self.employer) << 21
            | bracket << 23
            | u32::from(self.excluded_activity) << 28
            | u32::from(self.cooperative_name) << 29
    }

    fn unpack(bits: u32) -> Self {
        let category = bits & 0x3FFF;
        let bracket = (bits >> 23) & 0x1F;
        Self {
            legal_category: category
                .checked_sub(1)
                .and_then(|c| LegalCategory::from_code(c as u16)),
            ess: unpack_flag(bits >> 14),
            diffusion: if bits >> 16 & 1 == 1 {
                Diffusion::Partielle
            } else {
                Diffusion::Diffusible
            },
            state: match (bits >> 17) & 0b11 {
                1 => AdminState::Active,
                2 => AdminState::Closed,
                _ => AdminState::Unknown,
            },
            societe_mission: unpack_flag(bits >> 19),
            employer: unpack_flag(bits >> 21),
            headcount: bracket
                .checked_sub(1)
                .map(|b| HeadcountBracket::ALL[b as usize]),
            excluded_activity: bits >> 28 & 1 == 1,
            cooperative_name: bits >> 29 & 1 == 1,
        }
    }
}

impl From<&LegalUnitRecord> for LegalUnitFacts {
    fn from(r: &LegalUnitRecord) -> Self {
        Self {
            diffusion: r.diffusion,
            state: r.state,
            legal_category: r.legal_category,
            ess: r.ess,
            societe_mission: r.societe_mission,
            employer: r.employer,
            headcount: r.headcount,
            excluded_activity: r.unit_ess().excluded_activity,
            cooperative_name: r.cooperative_name,
        }
    }
}

/// What is kept beyond the facts for the units the text policy keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct LegalUnitDetails {
    /// Denomination, else "Prénom NOM"; `None` when masked (`[ND]`).
    pub name: Option<Box<str>>,
    pub sigle: Option<Box<str>>,
    pub rna: Option<Rna>,
    pub naf: Option<NafCode>,
    pub creation_date: Option<SireneDate>,
}

const BUCKET_SHIFT: u32 = 10;
const BUCKETS: usize = (999_999_999 >> BUCKET_SHIFT) + 2;

/// SIREN → [`LegalUnitFacts`] for a whole stock (module doc).
#[derive(Debug, Clone, Default)]
pub struct LegalUnitIndex {
    /// `siren << 32 | packed facts`, sorted by SIREN, one per SIREN.
    entries: Vec<u64>,
    /// `entries[buckets[b]..buckets[b + 1]]` holds the SIRENs whose high bits are `b`.
    buckets: Vec<u32>,
    /// Sorted by SIREN.
    details: Vec<(u32, LegalUnitDetails)>,
}

/// Accumulates records in any order; duplicates keep the last row.
#[derive(Debug, Default)]
pub struct LegalUnitIndexBuilder {
    entries: Vec<u64>,
    details: Vec<(u32, LegalUnitDetails)>,
}

impl LegalUnitIndexBuilder {
    pub fn push(&mut self, record: &LegalUnitRecord) {
        let siren = record.siren.get();
        self.entries
            .push(u64::from(siren) << 32 | u64::from(LegalUnitFacts::from(record).pack()));
        if let Some(text) = &record.text {
            self.details.push((
                siren,
                LegalUnitDetails {
                    name: text.display_name().map(Box::from),
                    sigle: text.sigle.clone(),
                    rna: record.rna.clone(),
                    naf: record.naf,
                    creation_date: record.creation_date,
                },
            ));
        }
    }

    /// The index, and the SIRENs that appeared more than once (earlier rows were dropped).
    pub fn finish(mut self) -> (LegalUnitIndex, Vec<Siren>) {
        // Stable sorts keep file order among duplicates, so "last wins" is well defined.
        // On every core: 30 million units take seconds to sort on one.
        if !self.entries.is_sorted_by_key(|e| e >> 32) {
            self.entries.par_sort_by_key(|e| e >> 32);
        }
        if !self.details.is_sorted_by_key(|d| d.0) {
            self.details.par_sort_by_key(|d| d.0);
        }
        let mut duplicates = Vec::new();
        let mut entries: Vec<u64> = Vec::with_capacity(self.entries.len());
        for e in self.entries {
            match entries.last_mut() {
                Some(last) if *last >> 32 == e >> 32 => {
                    duplicates.push(Siren::parse(&format!("{:09}", e >> 32)).expect("9 digits"));
                    *last = e;
                }
                _ => entries.push(e),
            }
        }
        let mut details: Vec<(u32, LegalUnitDetails)> = Vec::with_capacity(self.details.len());
        for d in self.details {
            match details.last_mut() {
                Some(last) if last.0 == d.0 => *last = d,
                _ => details.push(d),
            }
        }
        details.shrink_to_fit();
        let mut buckets = vec![0u32; BUCKETS];
        let mut next = 0usize;
        for (b, slot) in buckets.iter_mut().enumerate() {
            while next < entries.len() && ((entries[next] >> 32) >> BUCKET_SHIFT) < b as u64 {
                next += 1;
            }
            *slot = next as u32;
        }
        (
            LegalUnitIndex {
                entries,
                buckets,
                details,
            },
            duplicates,
        )
    }
}

impl LegalUnitIndex {
    /// Reads a `StockUniteLegale` (CSV or Parquet) into an index. Use
    /// [`crate::TextPolicy::Ess`] in `opts` to keep names and RNA numbers of ESS units.
    pub fn build(
        path: &Path,
        opts: &ReadOptions,
        progress: &dyn crate::Progress,
    ) -> Result<(Self, ReadSummary), SireneError> {
        let mut builder = LegalUnitIndexBuilder::default();
        builder.entries.reserve(1 << 16);
        let mut summary = crate::read_legal_units(path, opts, progress, |batch| {
            for record in &batch {
                builder.push(record);
            }
        })?;
        let (index, duplicates) = builder.finish();
        let file: Arc<Path> = Arc::from(path);
        for siren in duplicates {
            summary.rejects.push(Reject {
                file: file.clone(),
                line: None,
                field: "siren",
                value: siren.to_string(),
                reason: RejectReason::Duplicate,
                row_dropped: true,
            });
        }
        summary.records = index.len() as u64;
        Ok((index, summary))
    }

    /// Builds an index from records (tests, synthetic data).
    pub fn from_records<'a>(records: impl IntoIterator<Item = &'a LegalUnitRecord>) -> Self {
        let mut builder = LegalUnitIndexBuilder::default();
        records.into_iter().for_each(|r| builder.push(r));
        builder.finish().0
    }

    fn position(&self, siren: Siren) -> Option<usize> {
        let s = siren.get();
        let b = (s >> BUCKET_SHIFT) as usize;
        let (lo, hi) = (
            *self.buckets.get(b)? as usize,
            *self.buckets.get(b + 1)? as usize,
        );
        let found = self.entries[lo..hi]
            .binary_search_by_key(&s, |e| (e >> 32) as u32)
            .ok()?;
        Some(lo + found)
    }

    /// The facts of a legal unit, `None` when the stock does not have it.
    pub fn get(&self, siren: Siren) -> Option<LegalUnitFacts> {
        self.position(siren)
            .map(|i| LegalUnitFacts::unpack(self.entries[i] as u32))
    }

    /// Name, sigle, RNA… of the units the text policy kept.
    pub fn details(&self, siren: Siren) -> Option<&LegalUnitDetails> {
        let s = siren.get();
        let i = self.details.binary_search_by_key(&s, |d| d.0).ok()?;
        Some(&self.details[i].1)
    }

    /// Number of legal units.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of units with details.
    pub fn details_len(&self) -> usize {
        self.details.len()
    }

    /// Heap bytes held by the index (entries, buckets, details and their strings).
    pub fn memory_bytes(&self) -> usize {
        let boxed = |s: &Option<Box<str>>| s.as_ref().map_or(0, |s| s.len());
        let strings: usize = self
            .details
            .iter()
            .map(|(_, d)| {
                boxed(&d.name) + boxed(&d.sigle) + d.rna.as_ref().map_or(0, |r| r.as_str().len())
            })
            .sum();
        self.entries.capacity() * size_of::<u64>()
            + self.buckets.capacity() * size_of::<u32>()
            + self.details.capacity() * size_of::<(u32, LegalUnitDetails)>()
            + strings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(siren: u32, category: &str, ess: bool) -> LegalUnitRecord {
        LegalUnitRecord {
            siren: Siren::parse(&format!("{siren:09}")).unwrap(),
            diffusion: if siren.is_multiple_of(7) {
                Diffusion::Partielle
            } else {
                Diffusion::Diffusible
            },
            state: AdminState::Active,
            legal_category: LegalCategory::parse(category).ok(),
            ess: Some(ess),
            societe_mission: None,
            cooperative_name: false,
            naf: None,
            naf25: None,
            headcount: HeadcountBracket::parse("12"),
            employer: Some(true),
            creation_date: None,
            rna: None,
            text: None,
        }
    }

    #[test]
    fn facts_survive_packing() {
        let all = LegalUnitFacts {
            diffusion: Diffusion::Partielle,
            state: AdminState::Closed,
            legal_category: LegalCategory::parse("9999").ok(),
            ess: Some(false),
            societe_mission: Some(true),
            employer: None,
            headcount: HeadcountBracket::parse("53"),
            excluded_activity: true,
            cooperative_name: true,
        };
        assert_eq!(LegalUnitFacts::unpack(all.pack()), all);
        assert!(all.pack() < 1 << 30);
        let none = LegalUnitFacts {
            diffusion: Diffusion::Diffusible,
            state: AdminState::Unknown,
            legal_category: LegalCategory::parse("0000").ok(),
            ess: None,
            societe_mission: None,
            employer: None,
            headcount: None,
            excluded_activity: false,
            cooperative_name: false,
        };
        assert_eq!(LegalUnitFacts::unpack(none.pack()), none);
    }

    #[test]
    fn lookups_find_every_unit_in_any_input_order_and_last_duplicate_wins() {
        let mut records: Vec<_> = (0..5000u32)
            .map(|i| record(999_999_999 - i * 199_999, "9220", i % 3 == 0))
            .collect();
        records.push(record(5, "5710", false));
        records.push(record(5, "5499", true));
        let index = LegalUnitIndex::from_records(&records);
        assert_eq!(index.len(), 5001);
        for r in &records[..5000] {
            let facts = index.get(r.siren).unwrap();
            assert_eq!(facts.ess, r.ess);
            assert_eq!(facts.diffusion, r.diffusion);
            assert_eq!(facts.family(), LegalFamily::Association);
        }
        let five = index.get(Siren::parse("000000005").unwrap()).unwrap();
        assert_eq!(
            five.family(),
            LegalFamily::SocieteCommercialeEss,
            "the later row wins"
        );
        assert_eq!(index.get(Siren::parse("000000006").unwrap()), None);
    }

    #[test]
    fn index_memory_is_about_eight_bytes_per_unit() {
        // Module doc: 8 bytes per unit plus the bucket table.
        let n = 1_000_000u32;
        let records: Vec<_> = (0..n)
            .map(|i| record(300_000_000 + i * 617, "5710", false))
            .collect();
        let index = LegalUnitIndex::from_records(&records);
        let table = BUCKETS * 4;
        let per_unit = (index.memory_bytes() - table) as f64 / f64::from(n);
        assert!(per_unit <= 8.0, "{per_unit} bytes per unit");
        assert!(table < 4_000_000);
    }
}
