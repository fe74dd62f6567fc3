//! How fast synthetic weights are generated and headers validated.

use criterion::{criterion_group, criterion_main, Criterion};
use tco_probe::synth::{self, Quant, Shape};

fn benches(c: &mut Criterion) {
    let tiny = Shape::named("tiny").expect("tiny");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("tiny.gguf");
    c.bench_function("write tiny Q8_0", |b| {
        b.iter(|| synth::write_model(&tiny, Quant::Q8_0, &path, 1).expect("write"))
    });
    c.bench_function("validate tiny", |b| {
        b.iter(|| tco_probe::gguf::inspect(&path).expect("valid"))
    });
}

criterion_group!(gguf, benches);
criterion_main!(gguf);
