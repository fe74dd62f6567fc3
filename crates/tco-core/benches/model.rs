//! Speed targets of issue 2, measured on the machine the tests run on:
//! one `evaluate` ≤ 10 µs, one break-even solve across 100 node steps
//! ≤ 100 µs, a 1,000-point sweep ≤ 5 ms.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use tco_core::analysis::sweep::{volumes, Spacing};
use tco_core::input::bundled;
use tco_core::input::scenario::NoFiles;
use tco_core::model::breakeven;
use tco_core::model::units::Tokens;
use tco_core::Scenario;

/// One owned node of 2,592,000 tokens/month whose fixed cost is 99 % of what
/// a full node saves against the API: local wins only near the top of each of
/// the first 99 steps and whole from step 100, so the solver walks 100 steps.
const HUNDRED_STEPS: &str = "name: hundred steps
hours_per_month: 720
workload:
  tokens_per_month: 100M
api:
  - name: api
    input_per_mtok: 1
    output_per_mtok: 1
local:
  - name: box
    owned:
      price: 30.79296
      amortization_months: 12
    throughput:
      tokens_per_second: 1
";

fn benches(c: &mut Criterion) {
    let tables = bundled::tables().expect("bundled tables");
    let flagship = Scenario::parse(
        bundled::FLAGSHIP.1,
        bundled::FLAGSHIP.0,
        tables.as_ref(),
        &NoFiles,
    )
    .expect("flagship");
    // A single (local, API) pair: the unit `evaluate` repeats for each pair.
    let mut single = flagship.clone();
    single.local.truncate(1);
    single.api.truncate(1);
    c.bench_function("evaluate one local and one API option (flagship)", |b| {
        b.iter(|| black_box(&single).evaluate())
    });
    c.bench_function("evaluate flagship (2 local x 3 API)", |b| {
        b.iter(|| black_box(&flagship).evaluate())
    });

    let steps =
        Scenario::parse(HUNDRED_STEPS, "bench", tables.as_ref(), &NoFiles).expect("bench scenario");
    let solved = breakeven::solve(&steps, &steps.local[0], &steps.api[0]);
    // 99 partial steps, then step 100 wins whole and joins the 99th range.
    assert_eq!(
        solved.local_wins.len(),
        99,
        "the bench scenario must walk 100 node steps: {:?}",
        solved.local_wins
    );
    c.bench_function("break-even across 100 node steps", |b| {
        b.iter(|| breakeven::solve(black_box(&steps), &steps.local[0], &steps.api[0]))
    });

    let vols = volumes(
        Tokens(1_000_000),
        Tokens(100_000_000_000),
        1000,
        Spacing::Log,
    )
    .expect("volumes");
    c.bench_function("sweep 1,000 volumes (flagship, 5 options)", |b| {
        b.iter(|| black_box(&flagship).sweep(black_box(&vols)))
    });

    // What the page and the TUI do after every edit before pricing: read the
    // scenario text (YAML, every range check of the field registry).
    c.bench_function("parse the flagship scenario", |b| {
        b.iter(|| {
            Scenario::parse(
                black_box(bundled::FLAGSHIP.1),
                bundled::FLAGSHIP.0,
                tables.as_ref(),
                &NoFiles,
            )
        })
    });
}

criterion_group!(model, benches);
criterion_main!(model);
