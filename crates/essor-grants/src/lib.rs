//! Where public money goes: grant files in the SCDL « subventions » spirit (issue 16,
//! point 7), read whatever their age and writer, written as the official SCDL 2.1.1 format.
//!
//! Real files are messy: legacy column names (`COLL_SIRET`, `ATTRIB_NOM`, `SUB_MONTANT`),
//! `;` or `,`, UTF-8 or CP1252, amounts written `137 825,00`, SIRET written as floats
//! (`21860194600000.0`, their NIC lost), periods written `2017-01-01_2017-12-31`. The import
//! reads each record, normalises what can be read without guessing, and says what it did:
//! every corrected value and every rejected record goes to the report with its line and field.
//! Amounts are parsed, never changed; a value the file does not hold is never made up (only
//! a `--default` given by the user supplies one, and the report says so).
//!
//! - [`schema`]: the 16 fields of SCDL 2.1.1, their constraints, the legacy column names.
//! - [`source`]: the file's encoding and delimiter, sniffed from its first bytes.
//! - [`value`]: one cell read: identifiers, dates, periods, amounts, closed vocabularies.
//! - [`import`]: the streaming import, record by record, with its [`Issue`]s and [`Summary`].
//! - [`error`]: what stops an import (unreadable file, missing column, bad default).

/// What stops an import, in French, naming file, line and field.
pub mod error;
/// The streaming import: records in, SCDL 2.1.1 rows and issues out.
pub mod import;
/// The SCDL 2.1.1 fields, their constraints and the column names of legacy layouts.
pub mod schema;
/// Encoding and delimiter of a grant file.
pub mod source;
/// Reading one cell: identifiers, dates, periods, amounts, closed vocabularies.
pub mod value;

pub use error::GrantsError;
pub use import::{Action, Defaults, Import, Issue, Summary};
pub use schema::Field;
