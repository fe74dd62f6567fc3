//! Inputs from strangers: every count limit of `tco_core::input::limits` and the
//! YAML reader's budget is a located error naming the limit, reached in
//! bounded time, and ordinary inputs near the limits still work.

use std::time::{Duration, Instant};
use tco_core::input::bundled;
use tco_core::input::calibration::Calibration;
use tco_core::input::limits::*;
use tco_core::input::scenario::NoFiles;
use tco_core::input::yaml::MAX_NODES;
use tco_core::model::prices::{HardwareTable, PriceTable};
use tco_core::Scenario;

/// A scenario with `n_api` inline API options and `n_local` local ones.
fn scenario_with(n_api: usize, n_local: usize, dists: usize) -> String {
    let mut t = String::from("name: many\nworkload: {tokens_per_month: 100M}\napi:\n");
    for i in 0..n_api {
        t.push_str(&format!(
            "  - {{name: api{i}, input_per_mtok: {}, output_per_mtok: 4}}\n",
            i + 1
        ));
    }
    t.push_str("local:\n");
    for i in 0..n_local {
        // The first `dists` local options get their electricity price as a distribution.
        let kwh = if i < dists {
            "{dist: uniform, min: 0.1, max: 0.2}".to_string()
        } else {
            "0.15".to_string()
        };
        t.push_str(&format!(
            "  - name: box{i}\n    owned: {{price: {}, amortization_months: 36}}\n    power: {{load_watts: 500, idle_watts: 50, price_per_kwh: {kwh}}}\n    throughput: {{tokens_per_second: 100}}\n",
            1000 + i
        ));
    }
    t
}

fn parse(text: &str) -> Result<Scenario, String> {
    let tables = bundled::tables().unwrap();
    Scenario::parse(text, "many.yaml", tables.as_ref(), &NoFiles).map_err(|e| e.to_string())
}

#[test]
fn option_counts_at_and_over_the_limit() {
    let s = parse(&scenario_with(MAX_API_OPTIONS, MAX_LOCAL_OPTIONS, 0)).unwrap();
    let t0 = Instant::now();
    let r = s.evaluate();
    assert_eq!(r.break_even.len(), MAX_API_OPTIONS * MAX_LOCAL_OPTIONS);
    // Debug build on a loaded 2-core machine: still well under a minute.
    eprintln!("50 × 50 options: evaluate {:?}", t0.elapsed());
    assert!(t0.elapsed() < Duration::from_secs(60), "{:?}", t0.elapsed());

    let e = parse(&scenario_with(MAX_API_OPTIONS + 1, 1, 0)).unwrap_err();
    assert!(e.starts_with("many.yaml:4:3: api:"), "{e}");
    assert!(e.contains("has 51 API options"), "{e}");
    assert!(e.contains("at most 50 API options"), "{e}");

    let e = parse(&scenario_with(1, MAX_LOCAL_OPTIONS + 1, 0)).unwrap_err();
    assert!(e.starts_with("many.yaml:6:3: local:"), "{e}");
    assert!(e.contains("at most 50 local options"), "{e}");
}

#[test]
fn distribution_count_limit() {
    // 50 local options with four distributions each (electricity price,
    // staff FTE and cost, utilization) reach the limit exactly.
    let mut t = scenario_with(1, MAX_LOCAL_OPTIONS, MAX_LOCAL_OPTIONS);
    t = t.replace(
        "owned: {price: ",
        "staff: {fte: {dist: uniform, min: 0.1, max: 0.2}, annual_cost: {dist: uniform, min: 1000, max: 2000}}\n    max_utilization: {dist: uniform, min: 0.5, max: 0.9}\n    owned: {price: ",
    );
    // 50 × 4 = 200 distributions: allowed.
    let s = parse(&t).unwrap();
    assert_eq!(s.uncertain.len(), MAX_DISTRIBUTIONS);
    let t = t.replace(
        "workload: {tokens_per_month: 100M}",
        "workload: {tokens_per_month: {dist: uniform, min: 1M, max: 2M}}",
    );
    let e = parse(&t).unwrap_err();
    assert!(e.contains("is distribution number 201"), "{e}");
    assert!(
        e.contains("at most 200 inputs written as distributions"),
        "{e}"
    );
}

#[test]
fn price_and_hardware_tables_over_the_limit() {
    let mut t = String::from("models:\n");
    for i in 0..=MAX_PRICE_ENTRIES {
        t.push_str(&format!(
            "  - {{id: v/m{i}, name: m{i}, vendor: v, input_per_mtok: 1, output_per_mtok: 2, as_of: 2026-01-01, source: test}}\n"
        ));
    }
    let t0 = Instant::now();
    let e = PriceTable::parse(&t, "api.yaml").unwrap_err().to_string();
    assert!(t0.elapsed() < Duration::from_secs(60));
    assert!(e.starts_with("api.yaml:2:"), "{e}");
    assert!(e.contains("at most 20000 models"), "{e}");

    let mut t = String::from("hardware:\n");
    for i in 0..=MAX_HARDWARE_ENTRIES {
        t.push_str(&format!("  - {{id: m{i}}}\n"));
    }
    let e = HardwareTable::parse(&t, "hw.yaml").unwrap_err().to_string();
    assert!(e.contains("at most 10000 machines"), "{e}");
}

#[test]
fn litellm_import_over_the_limit() {
    let mut t = String::from("{");
    for i in 0..=MAX_IMPORT_ENTRIES {
        t.push_str(&format!("\"m{i}\": {{\"mode\": \"embedding\"}},"));
    }
    t.pop();
    t.push('}');
    let e = tco_core::input::pricing::import_litellm(&t, "prices.json", "s", "2026-01-01")
        .unwrap_err()
        .to_string();
    assert!(e.contains("at most 50000 entries"), "{e}");
}

#[test]
fn calibration_levels_over_the_limit() {
    let cal = include_str!("../data/limits/calibration.yaml");
    Calibration::parse(cal).unwrap();
    let row = "    - concurrency: 4\n      decode_tps: {mean: 100, sd: 1, n: 3}\n";
    let many = row.repeat(MAX_CALIBRATION_LEVELS); // and the file's own row
    let text = cal.replace("  concurrency:\n", &format!("  concurrency:\n{many}"));
    let e = Calibration::parse(&text).unwrap_err();
    assert!(e.contains("concurrency levels: 257"), "{e}");
    assert!(e.contains("at most 256"), "{e}");
}

#[test]
fn billion_laughs_everywhere() {
    let mut laughs = String::from("a: &a [lol]\n");
    for w in ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"].windows(2) {
        laughs.push_str(&format!(
            "{}: &{} [{}]\n",
            w[1],
            w[1],
            vec![format!("*{}", w[0]); 9].join(",")
        ));
    }
    let t0 = Instant::now();
    for e in [
        parse(&laughs).unwrap_err(),
        PriceTable::parse(&laughs, "many.yaml")
            .unwrap_err()
            .to_string(),
        HardwareTable::parse(&laughs, "many.yaml")
            .unwrap_err()
            .to_string(),
    ] {
        assert!(e.starts_with("many.yaml:7:"), "{e}");
        assert!(
            e.contains(&format!("larger than {MAX_NODES} values")),
            "{e}"
        );
    }
    // serde_yaml (calibration files) has its own repetition limit.
    assert!(Calibration::parse(&laughs).is_err());
    assert!(t0.elapsed() < Duration::from_secs(10), "{:?}", t0.elapsed());
}

#[test]
fn hundreds_of_thousands_of_options_are_refused_fast() {
    let one = "  - {name: x, input_per_mtok: 1, output_per_mtok: 2}\n";
    let text = format!(
        "name: big\nworkload: {{tokens_per_month: 1M}}\napi:\n{}",
        one.repeat(300_000)
    );
    assert!(text.len() < 16 * 1024 * 1024);
    let t0 = Instant::now();
    let e = parse(&text).unwrap_err();
    assert!(t0.elapsed() < Duration::from_secs(30), "{:?}", t0.elapsed());
    assert!(e.contains("larger than 500000 values"), "{e}");
}

#[test]
fn ordinary_anchor_reuse_in_a_scenario() {
    let text = "name: anchors\nworkload: {tokens_per_month: 100M}\napi:\n  - {name: a, input_per_mtok: 1, output_per_mtok: 4}\nlocal:\n  - name: one\n    owned: {price: 1000, amortization_months: 36}\n    staff: &staff {fte: 0.1, annual_cost: 120000}\n    throughput: {tokens_per_second: 100}\n  - name: two\n    owned: {price: 2000, amortization_months: 36}\n    staff: *staff\n    throughput: {tokens_per_second: 200}\n";
    let s = parse(text).unwrap();
    let r = s.evaluate();
    // Both options pay the same staff line: 0.1 × 120,000 / 12 = 1,000.
    let json = serde_json::to_value(&r).unwrap();
    let staff: Vec<String> = json["local"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["breakdown"]["staff"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(staff, ["1000", "1000"], "{json}");
}
