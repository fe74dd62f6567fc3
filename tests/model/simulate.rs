//! `simulate`: the f64 Monte Carlo against the exact point model, closed-form
//! answers, located errors in distributions, and seeded golden output.

use crate::scenario;
use tco_core::analysis::sim::{simulate, SimOptions};
use tco_core::input::bundled;
use tco_core::input::scenario::NoFiles;
use tco_core::Scenario;

fn parse(text: &str) -> Result<Scenario, tco_core::Error> {
    let tables = bundled::tables().expect("bundled tables parse");
    Scenario::parse(text, "test.yaml", tables.as_ref(), &NoFiles)
}

/// With no spread every sample is the point scenario, so the sampled figures
/// are the exact report's: monthly costs to the cent, break-even volumes to
/// the token, statuses and the verdict at the workload volume.
#[test]
fn a_point_scenario_reproduces_the_report() {
    assert!(!bundled::SCENARIOS.is_empty(), "no bundled scenarios");
    let mut with_finance = 0;
    for (path, _) in bundled::SCENARIOS {
        let stem = path
            .trim_start_matches("scenarios/")
            .trim_end_matches(".yaml");
        let s = scenario(stem);
        let mut point = s.clone();
        point.uncertain.clear();
        let r = point.evaluate();
        let sim = simulate(
            &point,
            SimOptions {
                samples: 3,
                seed: 1,
            },
        )
        .expect("simulates");
        // zip would stop at the shorter list: every option and pair is compared.
        assert_eq!(sim.local.len(), r.local.len(), "{stem}");
        assert_eq!(sim.api.len(), r.api.len(), "{stem}");
        assert_eq!(sim.break_even.len(), r.break_even.len(), "{stem}");
        for (l, rl) in sim.local.iter().zip(&r.local) {
            let p = &l.monthly_cost_percentiles;
            assert_eq!(
                p.p5.amount(),
                rl.monthly_cost.round_cents().amount(),
                "{stem}: {}",
                l.name
            );
            assert_eq!(p.p95, p.p5, "{stem}");
            assert_eq!(l.can_serve_share == 1.0, rl.can_serve, "{stem}: {}", l.name);
        }
        for (a, ra) in sim.api.iter().zip(&r.api) {
            assert_eq!(
                a.monthly_cost_percentiles.p50.amount(),
                ra.monthly_cost.round_cents().amount(),
                "{stem}"
            );
        }
        if let Some(cash) = point.cash_flows() {
            assert_eq!(cash.pairs.len(), sim.break_even.len(), "{stem}");
            with_finance += 1;
            for (b, pf) in sim.break_even.iter().zip(&cash.pairs) {
                let npv = b
                    .npv_percentiles
                    .as_ref()
                    .expect("finance block gives NPV percentiles");
                assert_eq!(
                    npv.p50.map(|m| m.amount()),
                    pf.npv.map(|m| m.round_cents().amount()),
                    "{stem}: NPV {} vs {}",
                    b.local,
                    b.api
                );
            }
        }
        for (b, rb) in sim.break_even.iter().zip(&r.break_even) {
            assert_eq!(
                b.break_even_percentiles.p50, rb.tokens_per_month,
                "{stem}: {} vs {}",
                b.local, b.api
            );
            assert_eq!(
                b.never_share == 1.0,
                rb.tokens_per_month.is_none(),
                "{stem}"
            );
        }
    }
    // The NPV comparison above ran for at least one scenario (the flagship has finance).
    assert!(with_finance > 0, "no bundled scenario has a finance block");
}

fn flagship_with(sets: &[&str]) -> Scenario {
    let tables = bundled::tables().expect("bundled tables parse");
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    Scenario::parse_with_overrides(
        bundled::FLAGSHIP.1,
        bundled::FLAGSHIP.0,
        &sets,
        tables.as_ref(),
        &NoFiles,
    )
    .expect("flagship parses")
}

/// The f64 finance (volume growth, a falling API price, a horizon past the
/// hardware's life so servers are replaced and their book value counted)
/// agrees with the exact finance module to the cent.
#[test]
fn sampled_npv_matches_the_exact_cash_flows() {
    for sets in [
        &[
            "finance.volume_growth_per_month=0.03",
            "finance.horizon_months=60",
        ][..],
        &[
            "finance.api_price_change_per_year=-0.3",
            "finance.horizon_months=50",
        ][..],
        &[
            "finance.volume_growth_per_month=0.05",
            "finance.api_price_change_per_year=-0.2",
            "local[0].owned.residual_value=20000",
            "local[0].owned.amortization_months=24",
            "finance.horizon_months=40",
        ][..],
        &[
            "finance.volume_growth_per_month=0.1",
            "local[1].max_nodes=3",
        ][..],
    ] {
        let mut s = flagship_with(sets);
        s.uncertain.clear();
        let exact = s.cash_flows().expect("finance block");
        let sim = simulate(
            &s,
            SimOptions {
                samples: 2,
                seed: 3,
            },
        )
        .expect("simulates");
        assert_eq!(sim.break_even.len(), exact.pairs.len(), "{sets:?}");
        for (b, pf) in sim.break_even.iter().zip(&exact.pairs) {
            let got = b
                .npv_percentiles
                .as_ref()
                .and_then(|p| p.p50)
                .map(|m| m.amount());
            let want = pf.npv.map(|m| m.round_cents().amount());
            match (got, want) {
                (Some(g), Some(w)) => assert!(
                    (g - w).abs() <= rust_decimal::Decimal::new(1, 2),
                    "{sets:?} {} vs {}: sampled {g}, exact {w}",
                    b.local,
                    b.api
                ),
                (None, None) => {}
                other => panic!(
                    "{sets:?} {} vs {}: {other:?} ({:?})",
                    b.local, b.api, pf.reason
                ),
            }
        }
    }
}

/// Break-even against an API whose blended price p is uniform on [a, b],
/// for a local option with only a fixed monthly cost C and ample capacity:
/// V = C/p·1e6, so the q-quantile of V is C·1e6 / (a + (1−q)(b−a)).
#[test]
fn a_uniform_api_price_gives_break_even_percentiles_c_over_p() {
    let text = r#"
name: uniform price
workload: {tokens_per_month: 100M, input_share: 1}
api:
  - name: api
    input_per_mtok: {dist: uniform, min: 2, max: 6}
    output_per_mtok: 0
local:
  - name: box
    owned: {price: 36000, amortization_months: 36}
    throughput: {tokens_per_second: 1000000}
"#;
    let s = parse(text).expect("parses");
    // C = 1000/month. P10 of V uses p's P90 = 5.6: 1000/5.6 = 178.571428…M.
    let sim = simulate(
        &s,
        SimOptions {
            samples: 200_000,
            seed: 11,
        },
    )
    .expect("simulates");
    let p = &sim.break_even[0].break_even_percentiles;
    let c = 1000.0 * 1e6;
    for (q, got) in [
        (0.05, p.p5),
        (0.1, p.p10),
        (0.5, p.p50),
        (0.9, p.p90),
        (0.95, p.p95),
    ] {
        let want = c / (2.0 + (1.0 - q) * 4.0);
        let got = got.expect("always breaks even") as f64;
        assert!((got / want - 1.0).abs() < 0.005, "q {q}: {got} vs {want}");
    }
    // At 100M tokens the API costs 100·p, local 1000: local is cheaper when p ≥ 10 — never here.
    assert_eq!(sim.break_even[0].prob_local_cheaper, 0.0);
    // The point value is the mean, 4: the report's break-even is 250M.
    assert_eq!(
        s.evaluate().break_even[0].tokens_per_month,
        Some(250_000_000)
    );
}

/// P(local cheaper) against a closed form: local costs C = 1000, the API
/// 100M·p with p uniform on [5, 15]: P(100·p ≥ 1000) = P(p ≥ 10) = 1/2.
#[test]
fn probability_local_cheaper_matches_the_closed_form() {
    let text = r#"
name: half
workload: {tokens_per_month: 100M, input_share: 1}
api:
  - {name: api, input_per_mtok: {dist: uniform, min: 5, max: 15}, output_per_mtok: 0}
local:
  - {name: box, owned: {price: 36000, amortization_months: 36}, throughput: {tokens_per_second: 1000000}}
"#;
    let s = parse(text).expect("parses");
    let sim = simulate(
        &s,
        SimOptions {
            samples: 100_000,
            seed: 5,
        },
    )
    .expect("simulates");
    let b = &sim.break_even[0];
    assert!(
        (b.prob_local_cheaper - 0.5).abs() < 0.01,
        "{}",
        b.prob_local_cheaper
    );
    let (lo, hi) = b.prob_local_cheaper_ci95;
    assert!(
        lo < 0.5 && 0.5 < hi,
        "the 95 % interval ({lo}, {hi}) holds the true 0.5"
    );
}

#[test]
fn the_same_seed_gives_the_same_numbers_and_another_seed_others() {
    let s = scenario("apple-64gb-workstation");
    let a = simulate(
        &s,
        SimOptions {
            samples: 2000,
            seed: 9,
        },
    )
    .expect("simulates");
    let b = simulate(
        &s,
        SimOptions {
            samples: 2000,
            seed: 9,
        },
    )
    .expect("simulates");
    let c = simulate(
        &s,
        SimOptions {
            samples: 2000,
            seed: 10,
        },
    )
    .expect("simulates");
    assert_eq!(a, b);
    assert_ne!(
        a.local[0].monthly_cost_percentiles,
        c.local[0].monthly_cost_percentiles
    );
}

/// Seeded golden output of every bundled scenario with distributions: any
/// change to the draws, the model or the summaries shows up here (review
/// with `cargo insta review`); a new uncertain scenario needs its snapshot.
#[test]
fn seeded_results_of_the_bundled_uncertain_scenarios() {
    let mut uncertain = Vec::new();
    for (path, _) in bundled::SCENARIOS {
        let stem = path
            .trim_start_matches("scenarios/")
            .trim_end_matches(".yaml");
        let s = scenario(stem);
        if !s.has_uncertainty() {
            continue;
        }
        uncertain.push(stem);
        let sim = simulate(
            &s,
            SimOptions {
                samples: 10_000,
                seed: 42,
            },
        )
        .expect("simulates");
        insta::assert_json_snapshot!(format!("simulate-{stem}"), sim);
    }
    // The flagship is the one every face opens with; it must stay uncertain.
    assert!(uncertain.contains(&"flagship"), "{uncertain:?}");
}

fn err(text: &str) -> tco_core::Diagnostic {
    match parse(text) {
        Err(tco_core::Error::Input(d)) => *d,
        other => panic!("expected a located error, got {other:?}"),
    }
}

const BASE: &str = "name: t
workload: {tokens_per_month: 100M}
api: [{name: a, input_per_mtok: 1, output_per_mtok: 2}]
local:
  - name: box
    owned: {price: 3000, amortization_months: 36}
    throughput: {tokens_per_second: 100}
    power:
      load_watts: 300
      price_per_kwh: ";

#[test]
fn invalid_distributions_are_located_errors() {
    let d = err(&format!("{BASE}{{dist: normal, mean: 0.1, sd: -0.02}}\n"));
    assert_eq!(
        (d.line, d.path.as_str()),
        (10, "local[0].power.price_per_kwh.sd")
    );
    assert!(d.message.contains("sd -0.02 is below 0"), "{d}");

    let d = err(&format!("{BASE}{{dist: uniform, min: 0.3, max: 0.1}}\n"));
    assert_eq!(d.path, "local[0].power.price_per_kwh.max");
    assert!(d.message.contains("max 0.1 is below min 0.3"), "{d}");

    let d = err(&format!(
        "{BASE}{{dist: triangular, min: 0.1, mode: 0.5, max: 0.3}}\n"
    ));
    assert_eq!(d.path, "local[0].power.price_per_kwh.mode");
    assert!(d.message.contains("outside [0.1, 0.3]"), "{d}");

    let d = err(&format!("{BASE}{{dist: gamma, mean: 1}}\n"));
    assert_eq!(d.path, "local[0].power.price_per_kwh.dist");
    assert!(d.allowed.as_deref().unwrap_or("").contains("pert"), "{d}");

    let d = err(&format!("{BASE}{{dist: uniform, min: 0.1, mx: 0.3}}\n"));
    assert!(d.message.contains("unknown field `mx`"), "{d}");

    let d = err(&format!("{BASE}{{dist: uniform, min: -0.1, max: 0.3}}\n"));
    assert!(d.message.contains("outside what this field accepts"), "{d}");

    let d = err(&format!("{BASE}{{dist: lognormal, mean: 0, sd: 1}}\n"));
    assert!(d.message.contains("must be above 0"), "{d}");

    // A distribution on a field that changes no cost.
    let text = BASE.replace(
        "    throughput: {tokens_per_second: 100}",
        "    throughput: {tokens_per_second: 100}\n    model: {params_b: {dist: uniform, min: 7, max: 8}, quant: Q4_K_M}",
    );
    let d = err(&format!("{text}0.1\n"));
    assert_eq!(d.path, "local[0].model.params_b");
    assert!(d.message.contains("not allowed here"), "{d}");
}

#[test]
fn a_point_value_out_of_range_is_refused_where_the_distribution_is() {
    // The mean of a normal share above 1 is refused like a written 1.2.
    let text = BASE.replace(
        "workload: {tokens_per_month: 100M}",
        "workload:\n  tokens_per_month: 100M\n  input_share: {dist: normal, mean: 1.2, sd: 0.1}",
    );
    let d = err(&format!("{text}0.1\n"));
    assert_eq!(d.path, "workload.input_share");
    assert_eq!(d.line, 4);
}

#[test]
fn volumes_in_distributions_take_suffixes_and_draws_are_clamped() {
    let text = BASE.replace(
        "workload: {tokens_per_month: 100M}",
        "workload:\n  tokens_per_month: {dist: normal, mean: 100M, sd: 80M}",
    );
    let s = parse(&format!("{text}0.1\n")).expect("parses");
    assert_eq!(s.workload.tokens_per_month.0, 100_000_000);
    let sim = simulate(
        &s,
        SimOptions {
            samples: 10_000,
            seed: 1,
        },
    )
    .expect("simulates");
    // P(normal(100M, 80M) < 0) = Φ(−1.25) ≈ 10.6 %: those draws become 0 tokens.
    let c = sim.inputs[0].clamped_share;
    assert!((c - 0.1056).abs() < 0.01, "{c}");
    assert!(sim
        .warnings
        .iter()
        .any(|w| w.contains("set to the nearest bound")));
}

/// More samples narrow the Monte Carlo interval: the Wilson interval of
/// P(local cheaper) shrinks about as 1/√n, and medians from different seeds
/// draw together.
#[test]
fn more_samples_narrow_the_interval() {
    let s = scenario("apple-64gb-workstation");
    let width = |n: usize| {
        let sim = simulate(
            &s,
            SimOptions {
                samples: n,
                seed: 3,
            },
        )
        .expect("simulates");
        let (lo, hi) = sim.break_even[0].prob_local_cheaper_ci95;
        hi - lo
    };
    let (w1, w16) = (width(1_000), width(16_000));
    // √16 = 4: a quarter of the width, give or take the estimate's own wobble.
    assert!(w16 < w1 / 3.0 && w16 > w1 / 5.0, "{w1} → {w16}");
    let spread = |n: usize| {
        let p50s: Vec<f64> = (0..8)
            .map(|seed| {
                let sim = simulate(&s, SimOptions { samples: n, seed }).expect("simulates");
                sim.break_even[0]
                    .break_even_percentiles
                    .p50
                    .expect("crosses") as f64
            })
            .collect();
        let max = p50s.iter().copied().fold(f64::MIN, f64::max);
        let min = p50s.iter().copied().fold(f64::MAX, f64::min);
        max - min
    };
    assert!(
        spread(20_000) < spread(500),
        "seeds agree more with more samples"
    );
}
