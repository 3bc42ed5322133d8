//! The distributions the generator draws from, as commented data. These are **calibrations**,
//! not data: orders of magnitude from public sources (INSEE, *Sirene* stock descriptions and
//! monthly counts; ESS France / Observatoire national de l'ESS, *Atlas commenté de l'ESS*;
//! ANCT / RTES for the QPV), tuned so that a synthetic national stock gives the figures the
//! crate doc lists. Change a number here and the bytes of every synthetic file change.

/// The legal families the generator draws a unit from (finer than the observatory's: public
/// bodies and the rest are drawn apart because they differ in size and activity).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// Entrepreneurs individuels (1000): the bulk of SIRENE, mostly one establishment.
    Individual,
    /// Sociétés commerciales and civiles (SARL, SAS, SASU, EURL, SA, SNC, SCI…).
    Company,
    Association,
    Cooperative,
    Mutuelle,
    Fondation,
    /// Personnes morales de droit public (niveau I 7) and EPIC (niveau I 4).
    Public,
    /// Indivisions, GAEC, EARL, syndicats de copropriété, GIE, ordres…
    Other,
}

/// A catégorie juridique with its weight inside its family and its NAF rév. 2 codes.
#[derive(Debug)]
pub(crate) struct Category {
    pub code: u16,
    pub weight: u32,
    pub naf: &'static [(&'static str, u32)],
}

/// Everything drawn per family.
#[derive(Debug)]
pub(crate) struct FamilyDef {
    pub family: Family,
    /// Legal units per 100,000.
    pub weight: u32,
    /// P(`etatAdministratifUniteLegale = A`); a ceased unit's establishments are all closed.
    pub active: f64,
    /// P(a secondary establishment of an active unit is open); the siège always is.
    pub secondary_active: f64,
    /// P(`economieSocialeSolidaireUniteLegale = O`).
    pub ess: f64,
    /// P(`statutDiffusionUniteLegale = P`).
    pub non_diffusible: f64,
    /// Secondary establishments: (inclusive range, weight).
    pub extra: &'static [((u32, u32), u32)],
    /// P(an open establishment is an employer, bracket 01…53).
    pub employer: f64,
    /// Brackets of employer establishments.
    pub brackets: &'static [(&'static str, u32)],
    /// P(a secondary establishment has another NAF code of its category than the siège).
    pub other_naf: f64,
    /// Creation years: from `first_year` to 2025, `recent` > 1 piles them up near 2025.
    pub first_year: u32,
    pub recent: f64,
    pub categories: &'static [Category],
}

// Brackets among employer establishments (INSEE's tranches 01…53). Small firms: most have 1–5
// employees; associations a little larger; public bodies, mutuelles and fondations run
// schools, hospitals and care homes.
const BRACKETS_MICRO: &[(&str, u32)] = &[("01", 700), ("02", 200), ("03", 70), ("11", 30)];
const BRACKETS_FIRM: &[(&str, u32)] = &[
    ("01", 4000),
    ("02", 2500),
    ("03", 1300),
    ("11", 1000),
    ("12", 700),
    ("21", 250),
    ("22", 130),
    ("31", 40),
    ("32", 40),
    ("41", 20),
    ("42", 8),
    ("51", 3),
    ("52", 1),
];
const BRACKETS_ASSOCIATION: &[(&str, u32)] = &[
    ("01", 3800),
    ("02", 2200),
    ("03", 1200),
    ("11", 1100),
    ("12", 1000),
    ("21", 400),
    ("22", 200),
    ("31", 40),
    ("32", 40),
    ("41", 15),
    ("42", 5),
];
const BRACKETS_LARGE: &[(&str, u32)] = &[
    ("01", 1500),
    ("02", 1500),
    ("03", 1400),
    ("11", 1600),
    ("12", 1800),
    ("21", 900),
    ("22", 600),
    ("31", 200),
    ("32", 250),
    ("41", 150),
    ("42", 70),
    ("51", 30),
    ("52", 5),
    ("53", 2),
];

// NAF rév. 2 sous-classes by kind of unit (all checked against the embedded nomenclature).
const NAF_INDIVIDUAL: &[(&str, u32)] = &[
    ("68.20A", 120),
    ("47.91B", 40),
    ("49.32Z", 30),
    ("53.20Z", 40),
    ("62.02A", 40),
    ("70.22Z", 60),
    ("74.10Z", 30),
    ("74.90B", 40),
    ("85.59B", 30),
    ("90.01Z", 25),
    ("96.02A", 35),
    ("96.09Z", 40),
    ("43.31Z", 20),
    ("43.99C", 25),
    ("01.11Z", 30),
    ("01.21Z", 10),
    ("56.10C", 15),
    ("47.81Z", 20),
    ("86.90D", 30),
    ("86.21Z", 20),
    ("69.10Z", 15),
    ("81.21Z", 25),
    ("73.11Z", 10),
    ("93.13Z", 10),
    ("88.91A", 15),
    ("45.20A", 10),
    ("95.29Z", 10),
];
const NAF_COMPANY: &[(&str, u32)] = &[
    ("70.10Z", 60),
    ("64.20Z", 50),
    ("47.11F", 15),
    ("47.71Z", 20),
    ("47.73Z", 8),
    ("56.10A", 40),
    ("56.10C", 30),
    ("56.30Z", 15),
    ("41.20A", 20),
    ("43.21A", 25),
    ("43.22A", 20),
    ("43.99C", 25),
    ("45.20A", 15),
    ("46.90Z", 20),
    ("62.01Z", 30),
    ("62.02A", 25),
    ("70.22Z", 45),
    ("71.12B", 15),
    ("49.41A", 15),
    ("10.71C", 10),
    ("55.10Z", 8),
    ("86.23Z", 8),
    ("96.02A", 12),
    ("25.62B", 6),
    ("33.12Z", 6),
    ("68.31Z", 10),
    ("73.11Z", 10),
    ("78.20Z", 4),
    ("80.10Z", 6),
    ("81.21Z", 12),
];
const NAF_SCI: &[(&str, u32)] = &[
    ("68.20B", 70),
    ("68.10Z", 15),
    ("68.32A", 10),
    ("41.10A", 5),
];
const NAF_ASSOCIATION: &[(&str, u32)] = &[
    ("94.99Z", 400),
    ("93.12Z", 120),
    ("88.99B", 70),
    ("85.59A", 40),
    ("85.59B", 40),
    ("93.19Z", 30),
    ("93.29Z", 40),
    ("90.01Z", 30),
    ("90.04Z", 15),
    ("94.91Z", 20),
    ("88.10A", 20),
    ("88.10B", 10),
    ("88.91A", 12),
    ("88.91B", 8),
    ("87.30A", 8),
    ("87.20A", 6),
    ("55.20Z", 8),
    ("81.30Z", 6),
    ("94.12Z", 10),
    ("94.20Z", 8),
    ("85.51Z", 10),
    ("85.52Z", 10),
    ("91.02Z", 5),
    ("88.99A", 10),
    ("78.30Z", 4),
    ("86.90F", 5),
];
const NAF_INSERTION: &[(&str, u32)] = &[
    ("88.99B", 40),
    ("81.30Z", 20),
    ("38.32Z", 10),
    ("78.20Z", 15),
    ("96.01B", 5),
    ("81.21Z", 10),
];
const NAF_COOPERATIVE: &[(&str, u32)] = &[
    ("43.22A", 20),
    ("43.99C", 15),
    ("41.20A", 10),
    ("62.01Z", 15),
    ("70.22Z", 20),
    ("85.59A", 15),
    ("56.10A", 10),
    ("74.90B", 15),
    ("90.01Z", 10),
    ("88.99B", 10),
    ("71.12B", 10),
    ("47.11F", 5),
    ("58.11Z", 5),
    ("49.41A", 5),
];
const NAF_AGRI_COOP: &[(&str, u32)] = &[
    ("01.61Z", 40),
    ("46.21Z", 25),
    ("10.51A", 10),
    ("11.02B", 15),
    ("46.11Z", 10),
];
const NAF_COOP_BANK: &[(&str, u32)] = &[("64.19Z", 95), ("66.19B", 5)];
const NAF_COOP_HOUSING: &[(&str, u32)] = &[("41.10A", 50), ("68.20A", 50)];
const NAF_MUTUELLE: &[(&str, u32)] = &[
    ("65.12Z", 45),
    ("65.11Z", 20),
    ("86.10Z", 8),
    ("86.23Z", 5),
    ("47.78A", 5),
    ("88.10A", 5),
    ("87.10A", 5),
    ("66.22Z", 7),
];
const NAF_FONDATION: &[(&str, u32)] = &[
    ("88.99B", 20),
    ("88.10A", 15),
    ("87.10A", 12),
    ("87.30A", 8),
    ("86.10Z", 8),
    ("72.19Z", 10),
    ("72.11Z", 5),
    ("94.99Z", 10),
    ("85.59A", 5),
    ("91.02Z", 4),
    ("88.91A", 3),
];
const NAF_COMMUNE: &[(&str, u32)] = &[
    ("84.11Z", 60),
    ("85.20Z", 15),
    ("91.01Z", 5),
    ("93.11Z", 5),
    ("88.91A", 5),
    ("84.13Z", 5),
    ("38.11Z", 5),
];
const NAF_PUBLIC: &[(&str, u32)] = &[
    ("84.11Z", 40),
    ("84.12Z", 15),
    ("84.13Z", 15),
    ("84.24Z", 5),
    ("36.00Z", 5),
    ("49.31Z", 5),
    ("91.01Z", 5),
];
const NAF_OTHER: &[(&str, u32)] = &[
    ("68.20B", 40),
    ("68.32A", 20),
    ("81.10Z", 15),
    ("94.99Z", 10),
    ("82.99Z", 10),
    ("70.10Z", 5),
];
const NAF_FARM: &[(&str, u32)] = &[
    ("01.11Z", 30),
    ("01.41Z", 25),
    ("01.50Z", 20),
    ("01.21Z", 15),
    ("01.47Z", 10),
];

/// The families, their weights (per 100,000 legal units) and their rules. Sources, as orders
/// of magnitude: INSEE counts about half of the units as entrepreneurs individuels and a third
/// as sociétés; ESS France counts about 1.3 M active associations with a SIRET of which 11 %
/// employ, 25,000 coopératives, 400 mutuelles (with many agencies) and 2,500 fondations;
/// about 1 in 2 legal units of the stock has ceased.
pub(crate) const FAMILIES: &[FamilyDef] = &[
    FamilyDef {
        family: Family::Individual,
        weight: 51_000,
        active: 0.46,
        secondary_active: 0.45,
        ess: 0.0,
        non_diffusible: 0.046,
        extra: &[((0, 0), 930), ((1, 1), 55), ((2, 3), 15)],
        employer: 0.045,
        brackets: BRACKETS_MICRO,
        other_naf: 0.05,
        first_year: 1975,
        recent: 2.2,
        categories: &[Category {
            code: 1000,
            weight: 1,
            naf: NAF_INDIVIDUAL,
        }],
    },
    FamilyDef {
        family: Family::Company,
        weight: 35_000,
        active: 0.55,
        secondary_active: 0.55,
        ess: 0.0,
        non_diffusible: 0.001,
        extra: &[
            ((0, 0), 8900),
            ((1, 1), 750),
            ((2, 4), 280),
            ((5, 12), 55),
            ((13, 80), 8),
        ],
        employer: 0.26,
        brackets: BRACKETS_FIRM,
        other_naf: 0.1,
        first_year: 1955,
        recent: 1.7,
        categories: &[
            Category {
                code: 5499,
                weight: 330,
                naf: NAF_COMPANY,
            },
            // SASU are coded 5710 like other SAS in the embedded nomenclature.
            Category {
                code: 5710,
                weight: 370,
                naf: NAF_COMPANY,
            },
            Category {
                code: 5785,
                weight: 10,
                naf: NAF_COMPANY,
            },
            Category {
                code: 5599,
                weight: 15,
                naf: NAF_COMPANY,
            },
            Category {
                code: 5202,
                weight: 15,
                naf: NAF_COMPANY,
            },
            Category {
                code: 5485,
                weight: 20,
                naf: NAF_COMPANY,
            },
            Category {
                code: 5306,
                weight: 3,
                naf: NAF_COMPANY,
            },
            Category {
                code: 6540,
                weight: 220,
                naf: NAF_SCI,
            },
            Category {
                code: 6599,
                weight: 20,
                naf: NAF_SCI,
            },
            Category {
                code: 6585,
                weight: 7,
                naf: NAF_COMPANY,
            },
        ],
    },
    FamilyDef {
        family: Family::Association,
        weight: 5_500,
        active: 0.70,
        secondary_active: 0.60,
        ess: 0.96,
        non_diffusible: 0.001,
        extra: &[
            ((0, 0), 8700),
            ((1, 1), 800),
            ((2, 4), 380),
            ((5, 12), 90),
            ((13, 60), 30),
        ],
        employer: 0.13,
        brackets: BRACKETS_ASSOCIATION,
        other_naf: 0.15,
        first_year: 1960,
        recent: 1.3,
        categories: &[
            Category {
                code: 9220,
                weight: 900,
                naf: NAF_ASSOCIATION,
            },
            Category {
                code: 9221,
                weight: 12,
                naf: NAF_INSERTION,
            },
            Category {
                code: 9222,
                weight: 8,
                naf: NAF_INSERTION,
            },
            Category {
                code: 9210,
                weight: 20,
                naf: NAF_ASSOCIATION,
            },
            Category {
                code: 9230,
                weight: 30,
                naf: NAF_ASSOCIATION,
            },
            Category {
                code: 9240,
                weight: 5,
                naf: &[("94.91Z", 1)],
            },
            Category {
                code: 9260,
                weight: 25,
                naf: NAF_ASSOCIATION,
            },
        ],
    },
    FamilyDef {
        family: Family::Cooperative,
        weight: 200,
        active: 0.65,
        secondary_active: 0.65,
        ess: 0.97,
        non_diffusible: 0.0,
        extra: &[
            ((0, 0), 7800),
            ((1, 2), 1500),
            ((3, 9), 550),
            ((10, 80), 150),
        ],
        employer: 0.40,
        brackets: BRACKETS_FIRM,
        other_naf: 0.1,
        first_year: 1950,
        recent: 1.2,
        categories: &[
            Category {
                code: 5458,
                weight: 150,
                naf: NAF_COOPERATIVE,
            },
            Category {
                code: 5558,
                weight: 30,
                naf: NAF_COOPERATIVE,
            },
            Category {
                code: 5658,
                weight: 10,
                naf: NAF_COOPERATIVE,
            },
            Category {
                code: 5460,
                weight: 60,
                naf: NAF_COOPERATIVE,
            },
            Category {
                code: 5560,
                weight: 80,
                naf: NAF_COOPERATIVE,
            },
            Category {
                code: 6316,
                weight: 120,
                naf: NAF_AGRI_COOP,
            },
            Category {
                code: 6317,
                weight: 100,
                naf: NAF_AGRI_COOP,
            },
            Category {
                code: 6318,
                weight: 10,
                naf: NAF_AGRI_COOP,
            },
            Category {
                code: 5196,
                weight: 5,
                naf: NAF_COOP_BANK,
            },
            Category {
                code: 5191,
                weight: 5,
                naf: NAF_COOP_BANK,
            },
            Category {
                code: 5547,
                weight: 8,
                naf: NAF_COOP_HOUSING,
            },
            Category {
                code: 5443,
                weight: 5,
                naf: NAF_COOP_HOUSING,
            },
            Category {
                code: 5551,
                weight: 5,
                naf: &[("47.11F", 1)],
            },
        ],
    },
    FamilyDef {
        family: Family::Mutuelle,
        weight: 12,
        active: 0.55,
        secondary_active: 0.70,
        ess: 1.0,
        non_diffusible: 0.0,
        extra: &[((0, 0), 35), ((1, 9), 45), ((10, 60), 20)],
        employer: 0.55,
        brackets: BRACKETS_LARGE,
        other_naf: 0.2,
        first_year: 1945,
        recent: 1.0,
        categories: &[
            Category {
                code: 8210,
                weight: 70,
                naf: NAF_MUTUELLE,
            },
            Category {
                code: 6411,
                weight: 15,
                naf: NAF_MUTUELLE,
            },
            Category {
                code: 8250,
                weight: 5,
                naf: NAF_MUTUELLE,
            },
            Category {
                code: 8290,
                weight: 10,
                naf: NAF_MUTUELLE,
            },
        ],
    },
    FamilyDef {
        family: Family::Fondation,
        weight: 25,
        active: 0.80,
        secondary_active: 0.75,
        ess: 0.95,
        non_diffusible: 0.0,
        extra: &[((0, 0), 55), ((1, 5), 35), ((6, 30), 10)],
        employer: 0.50,
        brackets: BRACKETS_LARGE,
        other_naf: 0.3,
        first_year: 1950,
        recent: 1.3,
        categories: &[Category {
            code: 9300,
            weight: 1,
            naf: NAF_FONDATION,
        }],
    },
    FamilyDef {
        family: Family::Public,
        weight: 300,
        active: 0.85,
        secondary_active: 0.75,
        ess: 0.0,
        non_diffusible: 0.0,
        extra: &[((0, 0), 40), ((1, 5), 40), ((6, 30), 20)],
        employer: 0.50,
        brackets: BRACKETS_LARGE,
        other_naf: 0.5,
        first_year: 1970,
        recent: 1.0,
        categories: &[
            Category {
                code: 7210,
                weight: 300,
                naf: NAF_COMMUNE,
            },
            Category {
                code: 7312,
                weight: 20,
                naf: NAF_COMMUNE,
            },
            Category {
                code: 7220,
                weight: 2,
                naf: &[("84.11Z", 1)],
            },
            Category {
                code: 7230,
                weight: 1,
                naf: &[("84.11Z", 1)],
            },
            Category {
                code: 7346,
                weight: 10,
                naf: &[("84.11Z", 1)],
            },
            Category {
                code: 7348,
                weight: 3,
                naf: &[("84.11Z", 1)],
            },
            Category {
                code: 7344,
                weight: 1,
                naf: &[("84.11Z", 1)],
            },
            Category {
                code: 7361,
                weight: 60,
                naf: &[("88.99B", 3), ("88.10A", 1)],
            },
            Category {
                code: 7331,
                weight: 70,
                naf: &[("85.31Z", 3), ("85.32Z", 1)],
            },
            Category {
                code: 7364,
                weight: 10,
                naf: &[("86.10Z", 1)],
            },
            Category {
                code: 7366,
                weight: 15,
                naf: &[("87.10A", 2), ("88.10C", 1)],
            },
            Category {
                code: 7372,
                weight: 1,
                naf: &[("84.25Z", 1)],
            },
            Category {
                code: 7373,
                weight: 5,
                naf: &[("90.04Z", 1), ("85.52Z", 1)],
            },
            Category {
                code: 7383,
                weight: 3,
                naf: &[("85.42Z", 3), ("72.19Z", 1)],
            },
            Category {
                code: 7389,
                weight: 10,
                naf: NAF_PUBLIC,
            },
            Category {
                code: 7490,
                weight: 20,
                naf: NAF_PUBLIC,
            },
            Category {
                code: 7321,
                weight: 20,
                naf: &[("84.13Z", 1)],
            },
            Category {
                code: 7120,
                weight: 2,
                naf: &[("84.11Z", 1)],
            },
            Category {
                code: 7171,
                weight: 3,
                naf: &[("84.12Z", 1)],
            },
            Category {
                code: 4110,
                weight: 2,
                naf: NAF_PUBLIC,
            },
            Category {
                code: 4140,
                weight: 5,
                naf: &[("36.00Z", 1), ("49.31Z", 1)],
            },
        ],
    },
    FamilyDef {
        family: Family::Other,
        weight: 7_963,
        active: 0.60,
        secondary_active: 0.5,
        ess: 0.0,
        non_diffusible: 0.002,
        extra: &[((0, 0), 96), ((1, 1), 4)],
        employer: 0.05,
        brackets: BRACKETS_FIRM,
        other_naf: 0.05,
        first_year: 1960,
        recent: 1.3,
        categories: &[
            Category {
                code: 9110,
                weight: 300,
                naf: NAF_OTHER,
            },
            Category {
                code: 9150,
                weight: 30,
                naf: &[("68.32A", 1)],
            },
            Category {
                code: 2110,
                weight: 150,
                naf: NAF_OTHER,
            },
            Category {
                code: 6533,
                weight: 80,
                naf: NAF_FARM,
            },
            Category {
                code: 6598,
                weight: 120,
                naf: NAF_FARM,
            },
            Category {
                code: 6534,
                weight: 20,
                naf: &[("68.20B", 1)],
            },
            Category {
                code: 6536,
                weight: 10,
                naf: &[("02.10Z", 1)],
            },
            Category {
                code: 6220,
                weight: 25,
                naf: NAF_OTHER,
            },
            Category {
                code: 8450,
                weight: 5,
                naf: &[("94.12Z", 1)],
            },
            Category {
                code: 9900,
                weight: 30,
                naf: NAF_OTHER,
            },
            Category {
                code: 2310,
                weight: 10,
                naf: NAF_OTHER,
            },
        ],
    },
];

/// P(an ESS unit flagged O among commercial companies: SARL, SAS, SASU). ESS France counts a
/// few tens of thousands of sociétés commerciales de l'ESS (ESUS, 2014 law) among millions.
pub(crate) const ESS_COMPANY: f64 = 0.004;
/// Categories an ESS commercial company is drawn from.
pub(crate) const ESS_COMPANY_CATEGORIES: &[u16] = &[5499, 5710];
/// P(`economieSocialeSolidaireUniteLegale` blank) for a non-ESS unit (the rest are `N`).
pub(crate) const ESS_BLANK: f64 = 0.12;

/// Where establishments go. Issue 3's seed figure: ESS weighs 17 % of the jobs in QPV against
/// 10.4 % nationwide; QPV hold about 8 % of the population. Establishments are placed inside
/// a QPV (point in polygon) or within a few hundred metres of one with these probabilities,
/// the rest around a commune drawn by population (which also lands in a QPV now and then).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placement {
    pub in_qpv: f64,
    pub near_qpv: f64,
}
pub(crate) const PLACEMENT_ESS: Placement = Placement {
    in_qpv: 0.105,
    near_qpv: 0.09,
};
pub(crate) const PLACEMENT_OTHER: Placement = Placement {
    in_qpv: 0.045,
    near_qpv: 0.06,
};
/// Farthest a "near a QPV" establishment is from the QPV's outline, in metres.
pub(crate) const NEAR_QPV_MAX_M: f64 = 450.0;
/// P(no coordinates): INSEE geocodes nearly every address, not all.
pub(crate) const NOT_GEOCODED: f64 = 0.015;
/// P(abroad): a handful of establishments have a foreign address and no commune.
pub(crate) const ABROAD: f64 = 0.0008;
/// Secondary establishments: P(same commune as the siège), P(same département); the rest
/// anywhere.
pub(crate) const SECONDARY_SAME_COMMUNE: f64 = 0.55;
pub(crate) const SECONDARY_SAME_DEPARTEMENT: f64 = 0.30;

/// Brackets of closed establishments: INSEE mostly leaves them `NN` or blank.
pub(crate) const CLOSED_BRACKETS: &[(&str, u32)] = &[("NN", 50), ("", 40), ("01", 6), ("02", 4)];
/// Open non-employer establishments: `NN`, or `00` (employees during the year, none at 31/12),
/// or blank (unknown).
pub(crate) const NON_EMPLOYER_BRACKETS: &[(&str, u32)] = &[("NN", 86), ("00", 6), ("", 8)];

/// P(an association has an RNA number): most declared associations since 2009.
pub(crate) const RNA: f64 = 0.85;

#[cfg(test)]
mod tests {
    use super::*;
    use essor_refdata::nomenclatures::{categories_juridiques, naf_rev2};

    #[test]
    fn every_code_is_in_the_embedded_nomenclatures() {
        for f in FAMILIES {
            for c in f.categories {
                assert!(
                    categories_juridiques()
                        .get(&format!("{:04}", c.code))
                        .is_some(),
                    "{}",
                    c.code
                );
                for (naf, _) in c.naf {
                    assert!(naf_rev2().get(naf).is_some(), "{naf}");
                }
            }
            for (b, _) in f.brackets {
                assert!(essor_model::headcount::HeadcountBracket::parse(b).is_some());
            }
        }
        assert_eq!(FAMILIES.iter().map(|f| f.weight).sum::<u32>(), 100_000);
    }

    #[test]
    fn families_match_the_observatory_rules() {
        use essor_model::legal::{LegalCategory, LegalFamily};
        for f in FAMILIES {
            for c in f.categories {
                let observed = LegalCategory::from_code(c.code).unwrap().family(false);
                let expected = match f.family {
                    Family::Association => LegalFamily::Association,
                    Family::Cooperative => LegalFamily::Cooperative,
                    Family::Mutuelle => LegalFamily::Mutuelle,
                    Family::Fondation => LegalFamily::Fondation,
                    _ => LegalFamily::Autre,
                };
                assert_eq!(observed, expected, "{}", c.code);
                let public = matches!(c.code / 1000, 4 | 7);
                assert_eq!(public, f.family == Family::Public, "{}", c.code);
            }
        }
    }
}
