//! The Parquet twins of the stocks, typed as INSEE types its Parquet edition (and as
//! `tools/fixtures/make_sirene_fixtures.py` writes the fixtures): integers for the catégorie
//! juridique and the years and counts, a boolean `etablissementSiege`, dates as `date32`,
//! Lambert coordinates as doubles (`[ND]` → null), text elsewhere, empty cells as nulls.

use crate::date::Date;
use crate::rows::Fields;
use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Int,
    Bool,
    Date,
    Double,
}

fn kind(column: &str) -> Kind {
    match column {
        "categorieJuridiqueUniteLegale"
        | "anneeEffectifsUniteLegale"
        | "nombrePeriodesUniteLegale"
        | "anneeCategorieEntreprise"
        | "anneeEffectifsEtablissement"
        | "nombrePeriodesEtablissement" => Kind::Int,
        "etablissementSiege" => Kind::Bool,
        "dateCreationUniteLegale" | "dateCreationEtablissement" | "dateDebut" => Kind::Date,
        "coordonneeLambertAbscisseEtablissement" | "coordonneeLambertOrdonneeEtablissement" => {
            Kind::Double
        }
        _ => Kind::Text,
    }
}

/// The Arrow schema of a stock with these columns.
pub(crate) fn schema(columns: &[&str]) -> SchemaRef {
    Arc::new(Schema::new(
        columns
            .iter()
            .map(|c| {
                let t = match kind(c) {
                    Kind::Text => DataType::Utf8,
                    Kind::Int => DataType::Int64,
                    Kind::Bool => DataType::Boolean,
                    Kind::Date => DataType::Date32,
                    Kind::Double => DataType::Float64,
                };
                Field::new(*c, t, true)
            })
            .collect::<Vec<_>>(),
    ))
}

enum Column {
    Text(StringBuilder),
    Int(Int64Builder),
    Bool(BooleanBuilder),
    Date(Date32Builder),
    Double(Float64Builder),
}

/// Builds one record batch from rows of fields.
pub(crate) struct BatchBuilder {
    schema: SchemaRef,
    columns: Vec<Column>,
}

impl std::fmt::Debug for BatchBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchBuilder")
            .field("columns", &self.columns.len())
            .finish_non_exhaustive()
    }
}

fn text(v: &[u8]) -> &str {
    std::str::from_utf8(v).expect("rows are UTF-8")
}

fn date(v: &[u8]) -> Option<i32> {
    let s = text(v);
    let (y, rest) = s.split_once('-')?;
    let (m, d) = rest.split_once('-')?;
    Some(Date::ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).0)
}

impl BatchBuilder {
    pub(crate) fn new(schema: SchemaRef, capacity: usize) -> Self {
        let columns = schema
            .fields()
            .iter()
            .map(|f| match kind(f.name()) {
                Kind::Text => Column::Text(StringBuilder::with_capacity(capacity, capacity * 8)),
                Kind::Int => Column::Int(Int64Builder::with_capacity(capacity)),
                Kind::Bool => Column::Bool(BooleanBuilder::with_capacity(capacity)),
                Kind::Date => Column::Date(Date32Builder::with_capacity(capacity)),
                Kind::Double => Column::Double(Float64Builder::with_capacity(capacity)),
            })
            .collect();
        Self { schema, columns }
    }

    pub(crate) fn push(&mut self, f: &Fields) {
        for (i, column) in self.columns.iter_mut().enumerate() {
            let v = f.get(i);
            match column {
                Column::Text(b) if v.is_empty() => b.append_null(),
                Column::Text(b) => b.append_value(text(v)),
                Column::Int(b) => b.append_option(text(v).parse::<i64>().ok()),
                Column::Bool(b) => b.append_option(match v {
                    b"true" => Some(true),
                    b"false" => Some(false),
                    _ => None,
                }),
                Column::Date(b) => b.append_option(date(v)),
                Column::Double(b) => b.append_option(text(v).parse::<f64>().ok()),
            }
        }
    }

    pub(crate) fn finish(mut self) -> RecordBatch {
        let arrays: Vec<ArrayRef> = self
            .columns
            .iter_mut()
            .map(|c| match c {
                Column::Text(b) => ArrayBuilder::finish(b),
                Column::Int(b) => ArrayBuilder::finish(b),
                Column::Bool(b) => ArrayBuilder::finish(b),
                Column::Date(b) => ArrayBuilder::finish(b),
                Column::Double(b) => ArrayBuilder::finish(b),
            })
            .collect();
        RecordBatch::try_new(self.schema, arrays).expect("columns match the schema")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_typed_as_insee_types_them() {
        let s = schema(&essor_sirene::layout::STOCK_ETABLISSEMENT);
        let t = |name: &str| s.field_with_name(name).unwrap().data_type().clone();
        assert_eq!(t("etablissementSiege"), DataType::Boolean);
        assert_eq!(t("dateDebut"), DataType::Date32);
        assert_eq!(
            t("coordonneeLambertAbscisseEtablissement"),
            DataType::Float64
        );
        assert_eq!(t("siret"), DataType::Utf8);
        let s = schema(&essor_sirene::layout::STOCK_UNITE_LEGALE);
        assert_eq!(
            s.field_with_name("categorieJuridiqueUniteLegale")
                .unwrap()
                .data_type(),
            &DataType::Int64
        );
        assert_eq!(date(b"2010-03-15"), Some(Date::ymd(2010, 3, 15).0));
    }
}
