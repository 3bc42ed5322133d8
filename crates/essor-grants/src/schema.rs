//! The SCDL « subventions » schema, version 2.1.1 (schema.data.gouv.fr, 2023-09-28): 16
//! fields in this order, 11 required, and the custom check `one-of-required` (a beneficiary
//! is identified by `idBeneficiaire` or `rnaBeneficiaire`). Legacy files name the same
//! things otherwise: the SCDL 1.x names differ only in case, the pre-SCDL layout of 2017
//! (Poitiers: `COLL_NOM`, `ATTRIB_SIRET`, `SUB_MONTANT`…) has names of its own. Columns are
//! matched by name, folded (case, accents, spaces and punctuation ignored).

/// One field of SCDL 2.1.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    NomAttribuant,
    IdAttribuant,
    DateConvention,
    ReferenceDecision,
    NomBeneficiaire,
    IdBeneficiaire,
    RnaBeneficiaire,
    Objet,
    Montant,
    Nature,
    ConditionsVersement,
    DatesPeriodeVersement,
    IdRae,
    NotificationUe,
    PourcentageSubvention,
    DispositifAide,
}

/// Every field, in the order of the schema (the order of the written file).
pub const FIELDS: [Field; 16] = [
    Field::NomAttribuant,
    Field::IdAttribuant,
    Field::DateConvention,
    Field::ReferenceDecision,
    Field::NomBeneficiaire,
    Field::IdBeneficiaire,
    Field::RnaBeneficiaire,
    Field::Objet,
    Field::Montant,
    Field::Nature,
    Field::ConditionsVersement,
    Field::DatesPeriodeVersement,
    Field::IdRae,
    Field::NotificationUe,
    Field::PourcentageSubvention,
    Field::DispositifAide,
];

/// The schema's `maxLength` of `objet` and `conditionsVersement`, in characters.
pub const MAX_TEXT: usize = 256;
/// The schema's `maxLength` of `idRAE`.
pub const MAX_ID_RAE: usize = 5;

impl Field {
    /// The field's name in the schema (the header of the written file).
    pub fn name(self) -> &'static str {
        match self {
            Field::NomAttribuant => "nomAttribuant",
            Field::IdAttribuant => "idAttribuant",
            Field::DateConvention => "dateConvention",
            Field::ReferenceDecision => "referenceDecision",
            Field::NomBeneficiaire => "nomBeneficiaire",
            Field::IdBeneficiaire => "idBeneficiaire",
            Field::RnaBeneficiaire => "rnaBeneficiaire",
            Field::Objet => "objet",
            Field::Montant => "montant",
            Field::Nature => "nature",
            Field::ConditionsVersement => "conditionsVersement",
            Field::DatesPeriodeVersement => "datesPeriodeVersement",
            Field::IdRae => "idRAE",
            Field::NotificationUe => "notificationUE",
            Field::PourcentageSubvention => "pourcentageSubvention",
            Field::DispositifAide => "dispositifAide",
        }
    }

    /// Does the schema require a value (`constraints.required`)?
    pub fn required(self) -> bool {
        !matches!(
            self,
            Field::ReferenceDecision
                | Field::IdBeneficiaire
                | Field::RnaBeneficiaire
                | Field::IdRae
                | Field::DispositifAide
        )
    }

    /// The field of this exact schema name (case ignored), as `--default` names it.
    pub fn from_name(name: &str) -> Option<Field> {
        FIELDS
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name.trim()))
    }

    /// The field a column of a grant file holds, by its header: the schema's names and
    /// those of the legacy layouts, compared folded.
    pub fn from_header(header: &str) -> Option<Field> {
        let key = fold(header);
        if let Some(f) = FIELDS.into_iter().find(|f| fold(f.name()) == key) {
            return Some(f);
        }
        LEGACY
            .iter()
            .find(|(names, _)| names.contains(&key.as_str()))
            .map(|&(_, f)| f)
    }
}

/// Column names of legacy layouts, folded. The pre-SCDL layout of 2017 (`ANNEE;COLL_NOM;
/// COLL_SIRET;COLL_TYPE;ACTE_DATE;ACTE_REF;ATTRIB_NOM;ATTRIB_SIRET;SUB_OBJ;SUB_MONTANT`,
/// Poitiers), and plain French spellings of the SCDL names (`siretBeneficiaire`,
/// `montantSubvention`); a column of another name is listed as ignored, never guessed.
const LEGACY: &[(&[&str], Field)] = &[
    (&["collnom", "nomcollectivite"], Field::NomAttribuant),
    (
        &["collsiret", "siretattribuant", "siretcollectivite"],
        Field::IdAttribuant,
    ),
    (&["actedate", "datedeconvention"], Field::DateConvention),
    (
        &["acteref", "referencedeladecision"],
        Field::ReferenceDecision,
    ),
    (
        &["attribnom", "beneficiairenom", "nomdubeneficiaire"],
        Field::NomBeneficiaire,
    ),
    (
        &["attribsiret", "siretbeneficiaire", "beneficiairesiret"],
        Field::IdBeneficiaire,
    ),
    (
        &["attribrna", "rnabenef", "beneficiairerna"],
        Field::RnaBeneficiaire,
    ),
    (
        &["subobj", "objetsubvention", "objetdelasubvention"],
        Field::Objet,
    ),
    (
        &["submontant", "montantsubvention", "montantaccorde"],
        Field::Montant,
    ),
    (&["subnature", "naturesubvention"], Field::Nature),
    (
        &["conditionversement", "subconditions"],
        Field::ConditionsVersement,
    ),
    (
        &["datesversement", "periodeversement", "dateversement"],
        Field::DatesPeriodeVersement,
    ),
    (
        &[
            "notificationalacommissioneuropeenne",
            "notificationcommissioneuropeenne",
        ],
        Field::NotificationUe,
    ),
    (&["pourcentage"], Field::PourcentageSubvention),
];

/// Lower case, accents taken off, only letters and digits kept: `Notification à la
/// commission Européenne` → `notificationalacommissioneuropeenne`.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(essor_model::french::strip_accent)
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_and_current_headers_name_the_same_fields() {
        // Issue 16, point 7: Poitiers 2017 and Haute-Garonne 2017 headers.
        for (header, field) in [
            ("COLL_NOM", Field::NomAttribuant),
            ("COLL_SIRET", Field::IdAttribuant),
            ("ACTE_DATE", Field::DateConvention),
            ("ATTRIB_SIRET", Field::IdBeneficiaire),
            ("SUB_MONTANT", Field::Montant),
            (
                "Notification à la commission Européenne",
                Field::NotificationUe,
            ),
            ("idRAE", Field::IdRae),
            ("IDRAE", Field::IdRae),
            ("NOM_Beneficiaire", Field::NomBeneficiaire),
            ("datesPeriodeVersement", Field::DatesPeriodeVersement),
        ] {
            assert_eq!(Field::from_header(header), Some(field), "{header}");
        }
        for header in ["ANNEE", "COLL_TYPE", ""] {
            assert_eq!(Field::from_header(header), None, "{header}");
        }
        assert_eq!(FIELDS.iter().filter(|f| f.required()).count(), 11);
        // Rows and column maps are indexed by `field as usize`: the schema's order.
        for (i, f) in FIELDS.into_iter().enumerate() {
            assert_eq!(f as usize, i, "{}", f.name());
        }
    }
}
