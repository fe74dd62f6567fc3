//! Helpers shared by the test modules.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use tco_probe::synth::{self, Quant, Shape};

pub fn tiny() -> Shape {
    Shape::named("tiny").expect("tiny shape")
}

/// Writes the tiny model with `edit` applied to its writer first.
pub fn tiny_model(
    dir: &Path,
    name: &str,
    quant: Quant,
    edit: impl FnOnce(&mut tco_probe::gguf::GgufWriter),
) -> PathBuf {
    let mut w = synth::model_writer(&tiny(), quant).expect("writer");
    edit(&mut w);
    let path = dir.join(name);
    synth::write_with(&w, &path, 1).expect("write");
    path
}

pub fn worker() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tco-probe-worker"))
}

pub fn sample_bench_json() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/llama-bench-sample.json");
    std::fs::read_to_string(path).expect("sample file")
}
