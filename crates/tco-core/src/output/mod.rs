//! Stage 4: results as text every face shares: [`csv`] for downloads and
//! `--format csv`, [`emit`] to write an edited scenario back to YAML.

pub mod csv;
pub mod emit;
