//! `StockEtablissement`: one row per establishment (SIRET). Where the establishment is
//! (commune, Lambert coordinates in its territory's EPSG), whether it is active and employs,
//! its activity, and — on request — its names and address.

use crate::columns::{AdminState, Resolver, Row, RowCtx, SireneDate};
use crate::legal_unit::is_naf_rev2;
use crate::reject::RejectReason;
use crate::{FileKind, ReadOptions, SireneRecord};
use essor_model::diffusion::Diffusion;
use essor_model::headcount::HeadcountBracket;
use essor_model::ids::{CommuneCode, Siren, Siret};
use essor_model::sector::NafCode;

/// The columns essor reads from `StockEtablissement` (positions in the file or batch).
#[derive(Debug, Clone)]
pub struct EstablishmentColumns {
    pub siret: usize,
    pub siren: usize,
    pub statut_diffusion: usize,
    pub etat_administratif: usize,
    pub tranche_effectifs: usize,
    /// The year the bracket describes (optional: read when the layout has it).
    pub annee_effectifs: Option<usize>,
    pub activite_principale: usize,
    pub nomenclature_activite: Option<usize>,
    pub code_commune: usize,
    pub code_postal: usize,
    pub numero_voie: usize,
    pub type_voie: usize,
    pub libelle_voie: usize,
    pub libelle_commune: usize,
    pub enseigne1: usize,
    pub denomination_usuelle: usize,
    pub etablissement_siege: usize,
    pub date_creation: usize,
    pub caractere_employeur: usize,
    /// Since December 2025.
    pub activite_principale_naf25: Option<usize>,
    /// Since 2023: metres, in the EPSG of the establishment's territory.
    pub lambert_x: Option<usize>,
    pub lambert_y: Option<usize>,
}

impl EstablishmentColumns {
    pub fn resolve(r: &mut Resolver<'_>) -> Self {
        Self {
            siret: r.required("siret"),
            siren: r.required("siren"),
            statut_diffusion: r.required("statutDiffusionEtablissement"),
            etat_administratif: r.required("etatAdministratifEtablissement"),
            tranche_effectifs: r.required("trancheEffectifsEtablissement"),
            annee_effectifs: r.optional("anneeEffectifsEtablissement"),
            activite_principale: r.required("activitePrincipaleEtablissement"),
            nomenclature_activite: r.optional("nomenclatureActivitePrincipaleEtablissement"),
            code_commune: r.required("codeCommuneEtablissement"),
            code_postal: r.required("codePostalEtablissement"),
            numero_voie: r.required("numeroVoieEtablissement"),
            type_voie: r.required("typeVoieEtablissement"),
            libelle_voie: r.required("libelleVoieEtablissement"),
            libelle_commune: r.required("libelleCommuneEtablissement"),
            enseigne1: r.required("enseigne1Etablissement"),
            denomination_usuelle: r.required("denominationUsuelleEtablissement"),
            etablissement_siege: r.required("etablissementSiege"),
            date_creation: r.required("dateCreationEtablissement"),
            caractere_employeur: r.required("caractereEmployeurEtablissement"),
            activite_principale_naf25: r.optional("activitePrincipaleNAF25Etablissement"),
            lambert_x: r.optional("coordonneeLambertAbscisseEtablissement"),
            lambert_y: r.optional("coordonneeLambertOrdonneeEtablissement"),
        }
    }
}

/// Names and address of an establishment, kept only when asked ([`crate::TextPolicy`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EstablishmentText {
    pub enseigne: Option<Box<str>>,
    pub denomination_usuelle: Option<Box<str>>,
    pub numero_voie: Option<Box<str>>,
    pub type_voie: Option<Box<str>>,
    pub libelle_voie: Option<Box<str>>,
    pub code_postal: Option<Box<str>>,
    pub libelle_commune: Option<Box<str>>,
}

impl EstablishmentText {
    /// "12 RUE DE LA PAIX 75002 PARIS", from the parts present.
    pub fn address(&self) -> String {
        let parts = [
            &self.numero_voie,
            &self.type_voie,
            &self.libelle_voie,
            &self.code_postal,
            &self.libelle_commune,
        ];
        parts
            .iter()
            .filter_map(|p| p.as_deref())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// One row of `StockEtablissement`, typed.
#[derive(Debug, Clone, PartialEq)]
pub struct EstablishmentRecord {
    pub siret: Siret,
    /// `statutDiffusionEtablissement`: `P` establishments are never shown individually.
    pub diffusion: Diffusion,
    /// `etatAdministratifEtablissement`: A actif, F fermé.
    pub state: AdminState,
    pub headcount: Option<HeadcountBracket>,
    /// `anneeEffectifsEtablissement`: the year the bracket describes (often two or three years
    /// before the stock).
    pub headcount_year: Option<u16>,
    /// `caractereEmployeurEtablissement`.
    pub employer: Option<bool>,
    /// `activitePrincipaleEtablissement`, only when its nomenclature is NAF rév. 2.
    pub naf: Option<NafCode>,
    pub naf25: Option<NafCode>,
    /// `codeCommuneEtablissement` as published: Paris, Lyon and Marseille by arrondissement
    /// (use `CommuneCode::without_arrondissement` for the commune). `None` abroad.
    pub commune: Option<CommuneCode>,
    /// `etablissementSiege`.
    pub headquarters: bool,
    pub creation_date: Option<SireneDate>,
    /// (x, y) in metres, in the EPSG of the commune's territory (2154 mainland, 5490 Antilles,
    /// 2972 Guyane, 2975 Réunion, 4471 Mayotte). `None` when absent or `[ND]`. Not checked
    /// here: the geodata engine (`essor_geo::Territory`) projects and box-checks every point.
    pub lambert: Option<(f64, f64)>,
    pub text: Option<Box<EstablishmentText>>,
}

impl EstablishmentRecord {
    pub fn siren(&self) -> Siren {
        self.siret.siren()
    }

    /// Active: `etatAdministratifEtablissement = A` (issue 3, rule "active").
    pub fn is_active(&self) -> bool {
        self.state.is_active()
    }

    /// Employer: bracket 01…53 (issue 3, rule "employer").
    pub fn is_employer(&self) -> bool {
        self.headcount.is_some_and(HeadcountBracket::is_employer)
    }

    /// Estimated jobs from the bracket midpoint (issue 3, rule "estimated jobs").
    pub fn estimated_jobs(&self) -> f64 {
        essor_model::headcount::estimated_jobs(self.headcount)
    }
}

/// Whether the `siren` column holds `siren` (no allocation: this runs 35 million times).
fn same_siren(raw: &[u8], siren: Siren) -> bool {
    raw.len() == 9
        && raw.iter().all(u8::is_ascii_digit)
        && raw.iter().fold(0u32, |n, b| n * 10 + u32::from(b - b'0')) == siren.get()
}

impl SireneRecord for EstablishmentRecord {
    type Columns = EstablishmentColumns;
    const KIND: FileKind = FileKind::Etablissement;

    fn resolve(r: &mut Resolver<'_>) -> Self::Columns {
        EstablishmentColumns::resolve(r)
    }

    fn parse(
        row: &impl Row,
        c: &EstablishmentColumns,
        ctx: &mut RowCtx<'_>,
        opts: &ReadOptions,
    ) -> Option<Self> {
        let raw = crate::columns::trim(row.field(c.siret));
        let Ok(siret) = std::str::from_utf8(raw)
            .map_err(drop)
            .and_then(|s| Siret::parse(s).map_err(drop))
        else {
            ctx.reject("siret", raw, RejectReason::InvalidIdentifier, true);
            return None;
        };
        let siren_raw = crate::columns::trim(row.field(c.siren));
        if !same_siren(siren_raw, siret.siren()) {
            ctx.reject("siren", siren_raw, RejectReason::SirenMismatch, false);
        }
        let diffusion = ctx.diffusion(row, c.statut_diffusion, "statutDiffusionEtablissement");
        let state = AdminState::read(
            ctx,
            row,
            c.etat_administratif,
            "etatAdministratifEtablissement",
        );
        let headcount = ctx.parsed(
            row,
            Some(c.tranche_effectifs),
            "trancheEffectifsEtablissement",
            RejectReason::InvalidCode,
            |s| HeadcountBracket::parse(s).ok_or(()),
        );
        let headcount_year = ctx.parsed(
            row,
            c.annee_effectifs,
            "anneeEffectifsEtablissement",
            RejectReason::InvalidNumber,
            // Parquet may store the year as a float ("2023.0").
            |s| s.strip_suffix(".0").unwrap_or(s).parse::<u16>(),
        );
        let employer = ctx.flag(
            row,
            Some(c.caractere_employeur),
            "caractereEmployeurEtablissement",
        );
        let naf = if is_naf_rev2(
            ctx,
            row,
            c.nomenclature_activite,
            "nomenclatureActivitePrincipaleEtablissement",
        ) {
            ctx.parsed(
                row,
                Some(c.activite_principale),
                "activitePrincipaleEtablissement",
                RejectReason::InvalidCode,
                NafCode::parse,
            )
        } else {
            None
        };
        let naf25 = ctx.parsed(
            row,
            c.activite_principale_naf25,
            "activitePrincipaleNAF25Etablissement",
            RejectReason::InvalidCode,
            NafCode::parse,
        );
        let commune = ctx.parsed(
            row,
            Some(c.code_commune),
            "codeCommuneEtablissement",
            RejectReason::InvalidIdentifier,
            CommuneCode::parse,
        );
        let headquarters = ctx
            .flag(row, Some(c.etablissement_siege), "etablissementSiege")
            .unwrap_or(false);
        let creation_date = ctx.date(row, Some(c.date_creation), "dateCreationEtablissement");
        let x = ctx.float(row, c.lambert_x, "coordonneeLambertAbscisseEtablissement");
        let y = ctx.float(row, c.lambert_y, "coordonneeLambertOrdonneeEtablissement");
        let lambert = x.zip(y);
        let keep = opts.text.keeps(siret.siren(), false);
        let text = keep.then(|| {
            Box::new(EstablishmentText {
                enseigne: ctx.boxed(true, row, Some(c.enseigne1), "enseigne1Etablissement"),
                denomination_usuelle: ctx.boxed(
                    true,
                    row,
                    Some(c.denomination_usuelle),
                    "denominationUsuelleEtablissement",
                ),
                numero_voie: ctx.boxed(true, row, Some(c.numero_voie), "numeroVoieEtablissement"),
                type_voie: ctx.boxed(true, row, Some(c.type_voie), "typeVoieEtablissement"),
                libelle_voie: ctx.boxed(
                    true,
                    row,
                    Some(c.libelle_voie),
                    "libelleVoieEtablissement",
                ),
                code_postal: ctx.boxed(true, row, Some(c.code_postal), "codePostalEtablissement"),
                libelle_commune: ctx.boxed(
                    true,
                    row,
                    Some(c.libelle_commune),
                    "libelleCommuneEtablissement",
                ),
            })
        });
        Some(Self {
            siret,
            diffusion,
            state,
            headcount,
            headcount_year,
            employer,
            naf,
            naf25,
            commune,
            headquarters,
            creation_date,
            lambert,
            text,
        })
    }
}
