//! Issue 3's speed target: Monte Carlo of 100,000 samples of a realistic
//! scenario (two local options, three API options) in ≤ 100 ms on one core,
//! and faster than the same computation in numpy (benches/simulate_numpy.py).
//!
//! The scenario is the bundled flagship: 2 local × 3 API options with four
//! uncertain inputs (triangular electricity and rental prices, a PERT
//! throughput, a triangular API price trend) and a 36-month finance block,
//! so every sample also computes six NPVs.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use tco_core::analysis::sim::{draw, simulate, SimOptions};
use tco_core::input::bundled;
use tco_core::input::scenario::NoFiles;
use tco_core::Scenario;

fn benches(c: &mut Criterion) {
    let tables = bundled::tables().expect("bundled tables");
    let flagship = Scenario::parse(
        bundled::FLAGSHIP.1,
        bundled::FLAGSHIP.0,
        tables.as_ref(),
        &NoFiles,
    )
    .expect("flagship");
    assert_eq!((flagship.local.len(), flagship.api.len()), (2, 3));
    assert!(flagship.has_uncertainty());
    let opts = SimOptions {
        samples: 100_000,
        seed: 42,
    };
    let mut no_finance = flagship.clone();
    no_finance.finance = None;
    no_finance
        .uncertain
        .retain(|i| !i.path.starts_with("finance."));

    let mut g = c.benchmark_group("simulate");
    g.sample_size(20);
    g.bench_function(
        "100,000 samples, flagship with finance (draws + summary)",
        |b| b.iter(|| simulate(black_box(&flagship), opts)),
    );
    g.bench_function("100,000 samples, flagship with finance (draws only)", |b| {
        b.iter(|| draw(black_box(&flagship), opts))
    });
    g.bench_function(
        "100,000 samples, flagship without finance (draws + summary)",
        |b| b.iter(|| simulate(black_box(&no_finance), opts)),
    );
    g.bench_function(
        "10,000 samples, flagship with finance (the CLI default)",
        |b| {
            b.iter(|| {
                simulate(
                    black_box(&flagship),
                    SimOptions {
                        samples: 10_000,
                        seed: 42,
                    },
                )
            })
        },
    );
    g.finish();
}

criterion_group!(simulate_benches, benches);
criterion_main!(simulate_benches);
