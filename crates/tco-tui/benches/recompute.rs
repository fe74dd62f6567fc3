//! Recomputing after a change, as one keypress does. Target: at most 16 ms
//! (one frame) for what the key loop waits on.
//!
//! - `recompute`: `set_path`, re-parse, evaluate and the chart series; this
//!   runs on the key loop.
//! - `uncertainty`: the same plus the 2,000-sample simulation and the
//!   one-at-a-time sensitivity, for the scenarios with distributions; the
//!   calculator runs these two on a background thread, so they never hold a
//!   key up, but they are measured against the same 16 ms so the uncertainty
//!   screen follows the keys too. `simulate` and `sensitivity` alone show
//!   where the time goes.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::Duration;
use tco_core::analysis::sensitivity::{sensitivity, SensOptions};
use tco_core::analysis::sim::{simulate, SimOptions};
use tco_core::input::bundled;
use tco_core::input::scenario::NoFiles;
use tco_core::input::yaml::{parse, set_path, Node};
use tco_tui::compute::compute;
use tco_tui::uncertainty::{analyse, SAMPLES, SEED};

fn changed(tree: &Node, i: &mut u64) -> Node {
    *i = *i % 1000 + 1;
    let mut t = tree.clone();
    set_path(&mut t, &format!("workload.tokens_per_month={i}00M")).expect("volume sets");
    t
}

fn recompute(c: &mut Criterion) {
    let tables = bundled::tables().expect("bundled tables");
    let tables = tables.as_ref();
    for path in [
        "scenarios/lit-4xa100-vs-sonnet.yaml",
        "scenarios/flagship.yaml",
    ] {
        let (origin, text) = bundled::find(path).expect("bundled scenario");
        let tree = parse(text, origin).expect("scenario parses");
        let mut i = 0u64;
        c.bench_function(&format!("recompute after a change: {path}"), |b| {
            b.iter(|| {
                let t = changed(&tree, &mut i);
                black_box(compute(&t, origin, tables, &NoFiles).expect("computes"))
            })
        });
    }
}

fn uncertainty(c: &mut Criterion) {
    let tables = bundled::tables().expect("bundled tables");
    let tables = tables.as_ref();
    let opts = SimOptions {
        samples: SAMPLES,
        seed: SEED,
    };
    for path in [
        "scenarios/flagship.yaml",
        "scenarios/apple-64gb-workstation.yaml",
    ] {
        let (origin, text) = bundled::find(path).expect("bundled scenario");
        let tree = parse(text, origin).expect("scenario parses");
        let mut i = 0u64;
        c.bench_function(
            &format!("recompute + 2,000-sample simulation + sensitivity: {path}"),
            |b| {
                b.iter(|| {
                    let t = changed(&tree, &mut i);
                    let now = compute(&t, origin, tables, &NoFiles).expect("computes");
                    black_box(
                        analyse(&now.scenario, &t, origin, tables, &NoFiles).expect("analyses"),
                    )
                })
            },
        );
        let scenario = compute(&tree, origin, tables, &NoFiles)
            .expect("computes")
            .scenario;
        c.bench_function(&format!("simulate 2,000 samples: {path}"), |b| {
            b.iter(|| black_box(simulate(&scenario, opts).expect("simulates")))
        });
        c.bench_function(&format!("sensitivity: {path}"), |b| {
            b.iter(|| {
                black_box(
                    sensitivity(&tree, origin, tables, &NoFiles, SensOptions::default())
                        .expect("swings"),
                )
            })
        });
    }
}

criterion_group! {
    name = benches;
    // A shared two-core machine: enough samples for a stable median, not minutes per case.
    config = Criterion::default()
        .sample_size(30)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    targets = recompute, uncertainty
}
criterion_main!(benches);
