//! The counters of one territory, added establishment by establishment and merged across
//! threads. Shares are computed only when rows are written ([`crate::indicators`]).

use crate::facts::Facts;
use essor_model::legal::LegalFamily;
use essor_model::sector::EssSector;

/// The ESS legal families in report order (without `Autre`, which is not ESS).
pub const FAMILIES: [LegalFamily; 5] = LegalFamily::ESS;

fn family_index(f: LegalFamily) -> Option<usize> {
    FAMILIES.iter().position(|x| *x == f)
}

/// NAF sections A…U.
pub const SECTIONS: usize = 21;

/// The vintages of the headcount brackets behind the job estimates
/// (`anneeEffectifsEtablissement`, issue 14): their keys in `indicators.csv` and French labels.
/// Index 0 is an employer without a year, 1 a year before 2018, then one per year, the last
/// one 2026 and after.
pub const VINTAGES: [(&str, &str); 11] = [
    ("inconnue", "année inconnue"),
    ("avant_2018", "avant 2018"),
    ("2018", "2018"),
    ("2019", "2019"),
    ("2020", "2020"),
    ("2021", "2021"),
    ("2022", "2022"),
    ("2023", "2023"),
    ("2024", "2024"),
    ("2025", "2025"),
    ("2026_et_apres", "2026 et après"),
];

/// The [`VINTAGES`] index of a bracket's year.
pub fn vintage_index(year: Option<u16>) -> usize {
    match year {
        None => 0,
        Some(y) if y < 2018 => 1,
        Some(y) => (usize::from(y) - 2016).min(VINTAGES.len() - 1),
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub establishments: u64,
    pub employer_establishments: u64,
    pub jobs: f64,
    pub jobs_low: f64,
    pub jobs_high: f64,
    pub private_jobs: f64,
    pub ess_establishments: u64,
    pub ess_employer_establishments: u64,
    pub ess_jobs: f64,
    pub ess_jobs_low: f64,
    pub ess_jobs_high: f64,
    pub ess_employer_by_family: [u64; 5],
    pub ess_jobs_by_family: [f64; 5],
    pub jobs_by_sector: [f64; 7],
    pub ess_jobs_by_sector: [f64; 7],
    pub ess_employer_by_sector: [u64; 7],
    pub ess_establishments_by_section: [u64; SECTIONS],
    /// Employers (`caractereEmployeurEtablissement = O`) without a bracket 01…53: their jobs
    /// are unknown, not zero (issue 14).
    pub employer_unknown_bracket: u64,
    pub ess_employer_unknown_bracket: u64,
    /// ESS employer establishments and their estimated jobs by the year of their bracket
    /// ([`VINTAGES`]).
    pub ess_employer_by_vintage: [u64; VINTAGES.len()],
    pub ess_jobs_by_vintage: [f64; VINTAGES.len()],
}

fn sector_index(s: EssSector) -> usize {
    EssSector::ALL
        .iter()
        .position(|x| *x == s)
        .expect("every sector is listed")
}

impl Tally {
    pub fn add(&mut self, f: &Facts) {
        let sector = sector_index(f.sector);
        self.establishments += 1;
        self.jobs += f.jobs;
        self.jobs_low += f.jobs_low;
        self.jobs_high += f.jobs_high;
        self.jobs_by_sector[sector] += f.jobs;
        if f.private {
            self.private_jobs += f.jobs;
        }
        if f.employer {
            self.employer_establishments += 1;
        }
        if f.employer_unknown_bracket {
            self.employer_unknown_bracket += 1;
        }
        if !f.ess {
            return;
        }
        if f.employer_unknown_bracket {
            self.ess_employer_unknown_bracket += 1;
        }
        self.ess_establishments += 1;
        self.ess_jobs += f.jobs;
        self.ess_jobs_low += f.jobs_low;
        self.ess_jobs_high += f.jobs_high;
        self.ess_jobs_by_sector[sector] += f.jobs;
        if let Some(s) = f.section {
            self.ess_establishments_by_section[s as usize] += 1;
        }
        let family = family_index(f.family);
        if let Some(i) = family {
            self.ess_jobs_by_family[i] += f.jobs;
        }
        if f.employer {
            let v = vintage_index(f.headcount_year);
            self.ess_employer_by_vintage[v] += 1;
            self.ess_jobs_by_vintage[v] += f.jobs;
            self.ess_employer_establishments += 1;
            self.ess_employer_by_sector[sector] += 1;
            if let Some(i) = family {
                self.ess_employer_by_family[i] += 1;
            }
        }
    }

    pub fn merge(&mut self, o: &Tally) {
        fn add<const N: usize, T: Copy + std::ops::AddAssign>(a: &mut [T; N], b: &[T; N]) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += *y;
            }
        }
        self.establishments += o.establishments;
        self.employer_establishments += o.employer_establishments;
        self.jobs += o.jobs;
        self.jobs_low += o.jobs_low;
        self.jobs_high += o.jobs_high;
        self.private_jobs += o.private_jobs;
        self.ess_establishments += o.ess_establishments;
        self.ess_employer_establishments += o.ess_employer_establishments;
        self.ess_jobs += o.ess_jobs;
        self.ess_jobs_low += o.ess_jobs_low;
        self.ess_jobs_high += o.ess_jobs_high;
        add(&mut self.ess_employer_by_family, &o.ess_employer_by_family);
        add(&mut self.ess_jobs_by_family, &o.ess_jobs_by_family);
        add(&mut self.jobs_by_sector, &o.jobs_by_sector);
        add(&mut self.ess_jobs_by_sector, &o.ess_jobs_by_sector);
        add(&mut self.ess_employer_by_sector, &o.ess_employer_by_sector);
        add(
            &mut self.ess_establishments_by_section,
            &o.ess_establishments_by_section,
        );
        self.employer_unknown_bracket += o.employer_unknown_bracket;
        self.ess_employer_unknown_bracket += o.ess_employer_unknown_bracket;
        add(
            &mut self.ess_employer_by_vintage,
            &o.ess_employer_by_vintage,
        );
        add(&mut self.ess_jobs_by_vintage, &o.ess_jobs_by_vintage);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use essor_model::sector::NafSection;

    fn facts(ess: bool, family: LegalFamily, jobs: f64, private: bool) -> Facts {
        Facts {
            ess,
            family,
            employer: jobs > 0.0,
            employer_unknown_bracket: false,
            headcount_year: (jobs > 0.0).then_some(2023),
            jobs,
            jobs_low: jobs.floor(),
            jobs_high: jobs.ceil(),
            private,
            section: Some(NafSection::Q),
            sector: EssSector::ActionSociale,
        }
    }

    #[test]
    fn ess_employers_count_by_family_and_non_employers_only_as_establishments() {
        let mut t = Tally::default();
        t.add(&facts(true, LegalFamily::Association, 34.5, true));
        t.add(&facts(true, LegalFamily::Cooperative, 0.0, true));
        t.add(&facts(false, LegalFamily::Autre, 4.0, false)); // a public employer
        assert_eq!((t.establishments, t.employer_establishments), (3, 2));
        assert_eq!((t.jobs, t.private_jobs, t.ess_jobs), (38.5, 34.5, 34.5));
        assert_eq!(
            (t.ess_establishments, t.ess_employer_establishments),
            (2, 1)
        );
        assert_eq!(t.ess_employer_by_family, [1, 0, 0, 0, 0]);
        assert_eq!(t.ess_establishments_by_section[NafSection::Q as usize], 2);
        assert_eq!(t.ess_employer_by_vintage[vintage_index(Some(2023))], 1);
        assert_eq!(t.ess_jobs_by_vintage[vintage_index(Some(2023))], 34.5);
        let mut u = t.clone();
        u.merge(&t);
        assert_eq!((u.establishments, u.ess_jobs), (6, 69.0));
    }

    #[test]
    fn employers_without_a_bracket_are_counted_apart_never_as_zero_jobs() {
        // Issue 14, point 2: `caractereEmployeurEtablissement = O` with bracket NN.
        let mut t = Tally::default();
        let mut f = facts(true, LegalFamily::Association, 0.0, true);
        f.employer_unknown_bracket = true;
        t.add(&f);
        t.add(&Facts { ess: false, ..f });
        assert_eq!(
            (t.employer_unknown_bracket, t.ess_employer_unknown_bracket),
            (2, 1)
        );
        assert_eq!((t.employer_establishments, t.ess_jobs), (0, 0.0));
    }

    #[test]
    fn vintages_are_unknown_before_2018_each_year_then_2026_and_after() {
        assert_eq!(vintage_index(None), 0);
        assert_eq!(vintage_index(Some(2009)), 1);
        assert_eq!(VINTAGES[vintage_index(Some(2018))].0, "2018");
        assert_eq!(VINTAGES[vintage_index(Some(2025))].0, "2025");
        assert_eq!(VINTAGES[vintage_index(Some(2031))].0, "2026_et_apres");
    }
}
