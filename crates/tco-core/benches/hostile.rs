//! Inputs from strangers (issue 12): how fast the readers refuse what is over
//! their limits, and how long the largest input they accept takes.
//!
//! - the nine-line billion laughs (9^9 values if expanded): refused;
//! - 16 MiB of one flat list (the largest text read, over 500,000 values): refused;
//! - a price table of 20,000 models (the most a table may hold): parsed;
//! - a scenario of 50 API and 50 local options (the most it may hold):
//!   parsed and evaluated (2,500 break-even pairs).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::time::Duration;
use tco_core::input::bundled;
use tco_core::input::limits::{MAX_API_OPTIONS, MAX_LOCAL_OPTIONS, MAX_PRICE_ENTRIES};
use tco_core::input::scenario::NoFiles;
use tco_core::input::yaml::{self, MAX_INPUT_BYTES};
use tco_core::model::prices::PriceTable;
use tco_core::Scenario;

fn billion_laughs() -> String {
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    let mut t = String::from("a: &a [lol]\n");
    for w in names.windows(2) {
        let items = vec![format!("*{}", w[0]); 9].join(",");
        t.push_str(&format!("{}: &{} [{items}]\n", w[1], w[1]));
    }
    t
}

fn biggest_price_table() -> String {
    let mut t = String::from("models:\n");
    for i in 0..MAX_PRICE_ENTRIES {
        t.push_str(&format!(
            "  - {{id: v{}/model-{i}, name: Model {i}, vendor: v{}, input_per_mtok: {}.25, output_per_mtok: {}.5, as_of: 2026-01-01, source: bench}}\n",
            i % 50,
            i % 50,
            i % 30,
            i % 60
        ));
    }
    t
}

fn biggest_scenario() -> String {
    let mut t = String::from("name: biggest\nworkload: {tokens_per_month: 100M}\napi:\n");
    for i in 0..MAX_API_OPTIONS {
        t.push_str(&format!(
            "  - {{name: api{i}, input_per_mtok: {}, output_per_mtok: {}}}\n",
            i + 1,
            4 * (i + 1)
        ));
    }
    t.push_str("local:\n");
    for i in 0..MAX_LOCAL_OPTIONS {
        t.push_str(&format!(
            "  - name: box{i}\n    owned: {{price: {}, amortization_months: 36}}\n    power: {{load_watts: 500, idle_watts: 50, price_per_kwh: 0.15}}\n    staff: {{fte: 0.1, annual_cost: 120000}}\n    throughput: {{tokens_per_second: {}}}\n",
            1000 * (i + 1),
            100 * (i + 1)
        ));
    }
    t
}

fn hostile(c: &mut Criterion) {
    let laughs = billion_laughs();
    c.bench_function("billion laughs refused", |b| {
        b.iter(|| assert!(yaml::parse(black_box(&laughs), "laughs.yaml").is_err()))
    });

    // "[1,1,1,…]" to just under the 16 MiB input limit.
    let flat = format!("[{}1]", "1,".repeat(MAX_INPUT_BYTES / 2 - 2));
    assert!(flat.len() <= MAX_INPUT_BYTES);
    let mut g = c.benchmark_group("largest inputs");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("16 MiB flat list refused", |b| {
        b.iter(|| assert!(yaml::parse(black_box(&flat), "flat.yaml").is_err()))
    });

    let table = biggest_price_table();
    g.bench_function("price table of 20,000 models parsed", |b| {
        b.iter(|| PriceTable::parse(black_box(&table), "api.yaml").map(|t| t.models.len()))
    });

    let scenario = biggest_scenario();
    let tables = bundled::tables().expect("bundled tables");
    g.bench_function("scenario of 50 + 50 options parsed and evaluated", |b| {
        b.iter(|| {
            let s = Scenario::parse(black_box(&scenario), "big.yaml", tables.as_ref(), &NoFiles)
                .expect("parses");
            s.evaluate().break_even.len()
        })
    });
    g.finish();
}

criterion_group!(benches, hostile);
criterion_main!(benches);
