//! `simulate`: the f64 Monte Carlo against the exact point model, closed-form
//! answers, located errors in distributions, and seeded golden output.

use crate::scenario;
use rust_decimal::prelude::ToPrimitive;
use tco_core::bundled;
use tco_core::scenario::{NoFiles, Scenario};
use tco_core::sim::{simulate, SimOptions};

fn parse(text: &str) -> Result<Scenario, tco_core::Error> {
    let tables = bundled::tables().expect("bundled tables parse");
    Scenario::parse(text, "test.yaml", tables.as_ref(), &NoFiles)
}

const STEMS: &[&str] = &[
    "lit-4xa100-vs-sonnet",
    "lit-calculator-5000m",
    "lit-blended-prices",
    "lit-document-pipeline",
    "lit-apple-64gb",
    "lit-memory-q4",
    "apple-64gb-workstation",
    "rtx4090-box",
    "h100-rented-llama70b",
    "document-extraction",
    "flagship",
];

/// With no spread every sample is the point scenario, so the sampled figures
/// are the exact report's: monthly costs to the cent, break-even volumes to
/// the token, statuses and the verdict at the workload volume.
#[test]
fn a_point_scenario_reproduces_the_report() {
    for stem in STEMS {
        let s = scenario(stem);
        let mut point = s.clone();
        point.uncertain.clear();
        let r = point.evaluate();
        let sim = simulate(&point, SimOptions { samples: 3, seed: 1 }).expect("simulates");
        for (l, rl) in sim.local.iter().zip(&r.local) {
            let p = &l.monthly_cost_percentiles;
            assert_eq!(p.p5.amount(), rl.monthly_cost.round_cents().amount(), "{stem}: {}", l.name);
            assert_eq!(p.p95, p.p5, "{stem}");
            assert_eq!(l.can_serve_share == 1.0, rl.can_serve, "{stem}: {}", l.name);
        }
        for (a, ra) in sim.api.iter().zip(&r.api) {
            assert_eq!(a.monthly_cost_percentiles.p50.amount(), ra.monthly_cost.round_cents().amount(), "{stem}");
        }
        for (b, rb) in sim.break_even.iter().zip(&r.break_even) {
            assert_eq!(b.break_even_percentiles.p50, rb.tokens_per_month, "{stem}: {} vs {}", b.local, b.api);
            assert_eq!(b.never_share == 1.0, rb.tokens_per_month.is_none(), "{stem}");
        }
    }
}
