//! The `--qpv*` flags, shared by every command that locates points.

use crate::args::QpvArgs;
use anyhow::{Context, Result};
use essor_geo::{Crs, LoadOptions, QpvIndex, QpvLayer};

pub fn layer(args: &QpvArgs) -> Result<QpvLayer> {
    if args.qpv_files.is_empty() {
        return Ok(essor_refdata::qpv::qpv_2015());
    }
    let options = LoadOptions {
        layout: args
            .qpv_layout
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(anyhow::Error::msg)
            .context("option --qpv-layout")?,
        code_field: args.qpv_code_field.clone(),
        name_field: args.qpv_name_field.clone(),
        crs: args
            .qpv_crs
            .as_deref()
            .map(Crs::parse)
            .transpose()
            .context("option --qpv-crs")?,
        encoding: args.qpv_encoding.clone(),
    };
    Ok(essor_geo::load_files(&args.qpv_files, &options)?)
}

pub fn index(args: &QpvArgs) -> Result<QpvIndex> {
    Ok(QpvIndex::new(layer(args)?))
}
