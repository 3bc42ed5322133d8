//! `StockUniteLegale`: one row per legal unit (SIREN). Carries what the observatory needs
//! from the legal unit: the ESS flag, the catégorie juridique, the diffusion status, the RNA
//! number and a name.

use crate::columns::{AdminState, Resolver, Row, RowCtx, SireneDate};
use crate::reject::RejectReason;
use crate::{FileKind, ReadOptions, SireneRecord};
use essor_model::diffusion::Diffusion;
use essor_model::headcount::HeadcountBracket;
use essor_model::ids::{Rna, Siren};
use essor_model::legal::{LegalCategory, LegalFamily, Perimeter, UnitEss};
use essor_model::sector::NafCode;

/// The columns essor reads from `StockUniteLegale` (positions in the file or batch).
#[derive(Debug, Clone)]
pub struct LegalUnitColumns {
    pub siren: usize,
    pub statut_diffusion: usize,
    pub etat_administratif: usize,
    pub categorie_juridique: usize,
    pub economie_sociale_solidaire: usize,
    pub activite_principale: usize,
    pub nomenclature_activite: Option<usize>,
    pub tranche_effectifs: usize,
    pub denomination: usize,
    pub sigle: usize,
    pub nom: usize,
    pub nom_usage: Option<usize>,
    pub prenom_usuel: Option<usize>,
    pub prenom1: Option<usize>,
    pub identifiant_association: usize,
    pub date_creation: usize,
    pub caractere_employeur: usize,
    /// Since 2023.
    pub societe_mission: Option<usize>,
    /// Since December 2025.
    pub activite_principale_naf25: Option<usize>,
}

impl LegalUnitColumns {
    pub fn resolve(r: &mut Resolver<'_>) -> Self {
        Self {
            siren: r.required("siren"),
            statut_diffusion: r.required("statutDiffusionUniteLegale"),
            etat_administratif: r.required("etatAdministratifUniteLegale"),
            categorie_juridique: r.required("categorieJuridiqueUniteLegale"),
            economie_sociale_solidaire: r.required("economieSocialeSolidaireUniteLegale"),
            activite_principale: r.required("activitePrincipaleUniteLegale"),
            nomenclature_activite: r.optional("nomenclatureActivitePrincipaleUniteLegale"),
            tranche_effectifs: r.required("trancheEffectifsUniteLegale"),
            denomination: r.required("denominationUniteLegale"),
            sigle: r.required("sigleUniteLegale"),
            nom: r.required("nomUniteLegale"),
            nom_usage: r.optional("nomUsageUniteLegale"),
            prenom_usuel: r.optional("prenomUsuelUniteLegale"),
            prenom1: r.optional("prenom1UniteLegale"),
            identifiant_association: r.required("identifiantAssociationUniteLegale"),
            date_creation: r.required("dateCreationUniteLegale"),
            caractere_employeur: r.required("caractereEmployeurUniteLegale"),
            societe_mission: r.optional("societeMissionUniteLegale"),
            activite_principale_naf25: r.optional("activitePrincipaleNAF25UniteLegale"),
        }
    }
}

/// The names of a legal unit, kept only when asked ([`crate::TextPolicy`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LegalUnitText {
    /// `denominationUniteLegale` (legal persons).
    pub denomination: Option<Box<str>>,
    pub sigle: Option<Box<str>>,
    /// `nomUsageUniteLegale`, else `nomUniteLegale` (natural persons).
    pub nom: Option<Box<str>>,
    /// `prenomUsuelUniteLegale`, else `prenom1UniteLegale`.
    pub prenom: Option<Box<str>>,
}

impl LegalUnitText {
    /// The name to show: the denomination, else "Prénom NOM".
    pub fn display_name(&self) -> Option<String> {
        if let Some(d) = &self.denomination {
            return Some(d.to_string());
        }
        match (&self.prenom, &self.nom) {
            (Some(p), Some(n)) => Some(format!("{p} {n}")),
            (None, Some(n)) => Some(n.to_string()),
            _ => None,
        }
    }
}

/// One row of `StockUniteLegale`, typed.
#[derive(Debug, Clone, PartialEq)]
pub struct LegalUnitRecord {
    pub siren: Siren,
    /// `statutDiffusionUniteLegale`: `P` units are never shown individually.
    pub diffusion: Diffusion,
    /// `etatAdministratifUniteLegale`: A active, C cessée.
    pub state: AdminState,
    pub legal_category: Option<LegalCategory>,
    /// `economieSocialeSolidaireUniteLegale`: `Some(true)` for `O`.
    pub ess: Option<bool>,
    pub societe_mission: Option<bool>,
    /// An ESS unit of a company form whose denomination or sigle names it a cooperative
    /// (`essor_model::legal::cooperative_name`): SIRENE's only marker of a cooperative SAS.
    pub cooperative_name: bool,
    /// `activitePrincipaleUniteLegale`, only when its nomenclature is NAF rév. 2.
    pub naf: Option<NafCode>,
    pub naf25: Option<NafCode>,
    pub headcount: Option<HeadcountBracket>,
    /// `caractereEmployeurUniteLegale`.
    pub employer: Option<bool>,
    pub creation_date: Option<SireneDate>,
    /// `identifiantAssociationUniteLegale`.
    pub rna: Option<Rna>,
    pub text: Option<Box<LegalUnitText>>,
}

impl LegalUnitRecord {
    /// ESS flag `O` (issue 3, rule "ESS").
    pub fn is_ess(&self) -> bool {
        self.ess == Some(true)
    }

    /// The legal family (essor_model::legal), cooperatives in SAS form included.
    pub fn family(&self) -> LegalFamily {
        LegalFamily::classify_named(self.legal_category, self.is_ess(), self.cooperative_name)
    }

    /// What the ESS perimeters need of this unit (issue 14).
    pub fn unit_ess(&self) -> UnitEss {
        UnitEss {
            category: self.legal_category,
            sirene_flag: self.is_ess(),
            excluded_activity: self
                .naf
                .as_ref()
                .is_some_and(|n| essor_model::legal::excluded_activity(n).is_some()),
            cooperative_name: self.cooperative_name,
        }
    }

    /// The unit's ESS family in `perimeter`, `None` when it is not ESS there.
    pub fn ess_family(&self, perimeter: Perimeter) -> Option<LegalFamily> {
        perimeter.family(&self.unit_ess())
    }
}

/// `true` when a nomenclature column says the code is NAF rév. 2 (or there is no such column).
pub(crate) fn is_naf_rev2(
    ctx: &mut RowCtx<'_>,
    row: &impl Row,
    col: Option<usize>,
    name: &'static str,
) -> bool {
    match col {
        None => true,
        Some(_) => matches!(ctx.text(row, col, name), None | Some("NAFRev2")),
    }
}

impl SireneRecord for LegalUnitRecord {
    type Columns = LegalUnitColumns;
    const KIND: FileKind = FileKind::UniteLegale;

    fn resolve(r: &mut Resolver<'_>) -> Self::Columns {
        LegalUnitColumns::resolve(r)
    }

    fn parse(
        row: &impl Row,
        c: &LegalUnitColumns,
        ctx: &mut RowCtx<'_>,
        opts: &ReadOptions,
    ) -> Option<Self> {
        let raw = crate::columns::trim(row.field(c.siren));
        let Ok(siren) = std::str::from_utf8(raw)
            .map_err(drop)
            .and_then(|s| Siren::parse(s).map_err(drop))
        else {
            ctx.reject("siren", raw, RejectReason::InvalidIdentifier, true);
            return None;
        };
        let diffusion = ctx.diffusion(row, c.statut_diffusion, "statutDiffusionUniteLegale");
        let state = AdminState::read(
            ctx,
            row,
            c.etat_administratif,
            "etatAdministratifUniteLegale",
        );
        let legal_category = ctx.parsed(
            row,
            Some(c.categorie_juridique),
            "categorieJuridiqueUniteLegale",
            RejectReason::InvalidCode,
            LegalCategory::parse,
        );
        let ess = ctx.flag(
            row,
            Some(c.economie_sociale_solidaire),
            "economieSocialeSolidaireUniteLegale",
        );
        let societe_mission = ctx.flag(row, c.societe_mission, "societeMissionUniteLegale");
        let naf = if is_naf_rev2(
            ctx,
            row,
            c.nomenclature_activite,
            "nomenclatureActivitePrincipaleUniteLegale",
        ) {
            ctx.parsed(
                row,
                Some(c.activite_principale),
                "activitePrincipaleUniteLegale",
                RejectReason::InvalidCode,
                NafCode::parse,
            )
        } else {
            None
        };
        let naf25 = ctx.parsed(
            row,
            c.activite_principale_naf25,
            "activitePrincipaleNAF25UniteLegale",
            RejectReason::InvalidCode,
            NafCode::parse,
        );
        let headcount = ctx.parsed(
            row,
            Some(c.tranche_effectifs),
            "trancheEffectifsUniteLegale",
            RejectReason::InvalidCode,
            |s| HeadcountBracket::parse(s).ok_or(()),
        );
        let employer = ctx.flag(
            row,
            Some(c.caractere_employeur),
            "caractereEmployeurUniteLegale",
        );
        let creation_date = ctx.date(row, Some(c.date_creation), "dateCreationUniteLegale");
        let rna = ctx.parsed(
            row,
            Some(c.identifiant_association),
            "identifiantAssociationUniteLegale",
            RejectReason::InvalidIdentifier,
            Rna::parse,
        );
        // Only the name can mark a cooperative of a company form (SAS above all): read it for
        // the ESS units of those forms, whatever the text policy.
        let cooperative_name = ess == Some(true)
            && legal_category.is_some_and(|c| (54..=57).contains(&c.niveau2()))
            && [
                (c.denomination, "denominationUniteLegale"),
                (c.sigle, "sigleUniteLegale"),
            ]
            .into_iter()
            .any(|(col, name)| {
                ctx.text(row, Some(col), name)
                    .is_some_and(essor_model::legal::cooperative_name)
            });
        let keep = match &opts.text {
            crate::TextPolicy::EssIn(perimeter) => perimeter
                .family(&UnitEss {
                    category: legal_category,
                    sirene_flag: ess == Some(true),
                    excluded_activity: naf
                        .as_ref()
                        .is_some_and(|n| essor_model::legal::excluded_activity(n).is_some()),
                    cooperative_name,
                })
                .is_some(),
            policy => policy.keeps(siren, ess == Some(true)),
        };
        let text = keep.then(|| {
            Box::new(LegalUnitText {
                denomination: ctx.boxed(true, row, Some(c.denomination), "denominationUniteLegale"),
                sigle: ctx.boxed(true, row, Some(c.sigle), "sigleUniteLegale"),
                nom: ctx
                    .boxed(true, row, c.nom_usage, "nomUsageUniteLegale")
                    .or_else(|| ctx.boxed(true, row, Some(c.nom), "nomUniteLegale")),
                prenom: ctx
                    .boxed(true, row, c.prenom_usuel, "prenomUsuelUniteLegale")
                    .or_else(|| ctx.boxed(true, row, c.prenom1, "prenom1UniteLegale")),
            })
        });
        Some(Self {
            siren,
            diffusion,
            state,
            legal_category,
            ess,
            societe_mission,
            cooperative_name,
            naf,
            naf25,
            headcount,
            employer,
            creation_date,
            rna,
            text,
        })
    }
}
