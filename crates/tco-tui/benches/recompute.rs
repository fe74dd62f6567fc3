//! Recomputing after a change: `set_path`, re-parse, evaluate and the chart
//! series, as one keypress does. Target: at most 16 ms (one frame).

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use tco_core::bundled;
use tco_core::scenario::NoFiles;
use tco_core::yaml::{parse, set_path};
use tco_tui::compute::compute;

fn recompute(c: &mut Criterion) {
    let tables = bundled::tables().expect("bundled tables");
    for path in [
        "scenarios/lit-4xa100-vs-sonnet.yaml",
        "scenarios/flagship.yaml",
    ] {
        let (origin, text) = bundled::find(path).expect("bundled scenario");
        let tree = parse(text, origin).expect("scenario parses");
        let mut i = 0u64;
        c.bench_function(&format!("recompute after a change: {path}"), |b| {
            b.iter(|| {
                i = i % 1000 + 1;
                let mut t = tree.clone();
                set_path(&mut t, &format!("workload.tokens_per_month={i}00M"))
                    .expect("volume sets");
                black_box(compute(&t, origin, tables.as_ref(), &NoFiles).expect("computes"))
            })
        });
    }
}

criterion_group!(benches, recompute);
criterion_main!(benches);
