//! `tco simulate` and `tco sensitivity` end to end.

use crate::{dec, tco};
use serde_json::Value;

const APPLE: &str = "scenarios/apple-64gb-workstation.yaml";

fn pct(v: &Value) -> Vec<Option<u64>> {
    ["p5", "p10", "p50", "p90", "p95"]
        .iter()
        .map(|k| v[*k].as_u64())
        .collect()
}

#[test]
fn simulate_json_has_the_design_names_and_is_reproducible() {
    let run = |seed: &str| {
        tco(&[
            "simulate",
            APPLE,
            "--samples",
            "5000",
            "--seed",
            seed,
            "-f",
            "json",
        ])
    };
    let (a, b, c) = (run("7"), run("7"), run("8"));
    assert_eq!(a.ok(), b.ok(), "same seed, same output");
    assert_ne!(a.ok(), c.ok(), "another seed, other draws");
    let j = a.json();
    assert_eq!(j["samples"], 5000);
    assert_eq!(j["seed"], 7);
    assert_eq!(j["inputs"].as_array().map(Vec::len), Some(6));
    for l in j["local"].as_array().unwrap() {
        let p = &l["monthly_cost_percentiles"];
        let xs: Vec<_> = ["p5", "p10", "p50", "p90", "p95"]
            .iter()
            .map(|k| dec(&p[*k]))
            .collect();
        assert!(xs.windows(2).all(|w| w[0] <= w[1]), "{p}");
        assert!(xs[0] < xs[4], "costs vary: {p}");
    }
    for b in j["break_even"].as_array().unwrap() {
        let p: Vec<_> = pct(&b["break_even_percentiles"]);
        let finite: Vec<u64> = p.iter().map_while(|x| *x).collect();
        assert!(finite.windows(2).all(|w| w[0] <= w[1]), "{b}");
        let prob = b["prob_local_cheaper"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&prob));
        assert!(b["never_share"].as_f64().is_some());
        assert!(b["histogram"].is_array());
    }
    // The 70B option never beats GPT-4o mini: every percentile is null.
    let never = &j["break_even"][3];
    assert_eq!(never["api"], "GPT-4o mini");
    assert_eq!(pct(&never["break_even_percentiles"]), vec![None; 5]);
    assert_eq!(never["never_share"], 1.0);
}

#[test]
fn simulate_table_markdown_and_csv() {
    let t = tco(&["simulate", APPLE, "--samples", "2000"]);
    let t = t.ok();
    assert!(
        t.contains(
            "Break-even histogram: Apple 64GB workstation, Phi-4 mini Q5_K_M vs Claude Sonnet 4.6"
        ),
        "{t}"
    );
    assert!(t.contains('█'), "a text histogram: {t}");
    assert!(t.contains("P(local cheaper)"));
    assert!(t.contains("triangular 0.10/0.15/0.35"));
    let md = tco(&["simulate", APPLE, "--samples", "2000", "-f", "markdown"]);
    assert!(md.ok().contains("| option | P5 |"), "{}", md.stdout);
    let csv = tco(&["simulate", APPLE, "--samples", "2000", "-f", "csv"]);
    let rows = crate::csv(csv.ok());
    assert_eq!(rows[0][..4], ["kind", "local", "api", "metric"]);
    // 2 local + 2 API monthly rows, 4 pairs × (break-even, probability).
    assert_eq!(rows.len(), 1 + 2 + 2 + 8);
}

#[test]
fn simulate_with_finance_reports_npv_percentiles() {
    let j = tco(&["simulate", "--samples", "3000", "-f", "json"]).json();
    let b = &j["break_even"][0];
    assert!(b["npv_percentiles"]["p50"].is_string(), "{b}");
    assert!(b["prob_npv_positive"].as_f64().is_some());
    // Without a finance block the keys are absent.
    let j = tco(&["simulate", APPLE, "--samples", "100", "-f", "json"]).json();
    assert!(j["break_even"][0].get("npv_percentiles").is_none());
}

#[test]
fn a_distribution_can_be_set_on_the_command_line() {
    let out = tco(&[
        "simulate",
        "scenarios/lit-4xa100-vs-sonnet.yaml",
        "--samples",
        "4000",
        "--set",
        "local[0].power.price_per_kwh={dist: uniform, min: 0.05, max: 0.15}",
        "-f",
        "json",
    ]);
    let j = out.json();
    assert_eq!(j["inputs"][0]["path"], "local[0].power.price_per_kwh");
    assert_eq!(j["inputs"][0]["dist"], "uniform");
    // The point value (the mean, 0.10) is the scenario's own: the report is unchanged.
    let r = tco(&[
        "report",
        "scenarios/lit-4xa100-vs-sonnet.yaml",
        "--set",
        "local[0].power.price_per_kwh={dist: uniform, min: 0.05, max: 0.15}",
        "-f",
        "json",
    ])
    .json();
    let plain = tco(&[
        "report",
        "scenarios/lit-4xa100-vs-sonnet.yaml",
        "-f",
        "json",
    ])
    .json();
    assert_eq!(r["local"], plain["local"]);
}

#[test]
fn simulate_refuses_bad_samples_and_bad_distributions() {
    let o = tco(&["simulate", APPLE, "--samples", "0"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    let o = tco(&[
        "simulate",
        APPLE,
        "--set",
        "local[0].power.price_per_kwh={dist: uniform, min: 0.3, max: 0.1}",
    ]);
    let e = o.user_error();
    assert!(
        e.contains("local[0].power.price_per_kwh.max: max 0.1 is below min 0.3"),
        "{e}"
    );
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.yaml");
    std::fs::write(
        &f,
        "name: x\nworkload: {tokens_per_month: 1M}\napi: [{name: a, input_per_mtok: 1, output_per_mtok: 1}]\nlocal:\n  - name: b\n    owned: {price: 100, amortization_months: 12}\n    throughput:\n      tokens_per_second: {dist: pert, min: 10, mode: 50, max: 20}\n",
    )
    .unwrap();
    let o = tco(&["simulate", f.to_str().unwrap()]);
    let e = o.user_error();
    assert!(e.contains("bad.yaml:8:"), "located at the line: {e}");
    assert!(
        e.contains("local[0].throughput.tokens_per_second.mode"),
        "{e}"
    );
    assert!(e.contains("min ≤ mode ≤ max"), "{e}");
}

#[test]
fn simulate_without_distributions_says_so() {
    let o = tco(&[
        "simulate",
        "scenarios/lit-4xa100-vs-sonnet.yaml",
        "--samples",
        "10",
    ]);
    assert!(o.ok().contains("no input is uncertain"), "{}", o.stdout);
}

/// Each tornado bar is an exact report with one input moved: the same
/// figures `tco breakeven --set` prints for that value.
#[test]
fn sensitivity_bars_equal_reports_with_the_input_set() {
    let j = tco(&["sensitivity", APPLE, "-f", "json"]).json();
    let pair = &j["pairs"][0];
    assert_eq!(pair["local"], "Apple 64GB workstation, Phi-4 mini Q5_K_M");
    assert_eq!(pair["api"], "Claude Sonnet 4.6");
    let bars = pair["break_even"].as_array().unwrap();
    // Ranked by swing, largest first.
    let swings: Vec<u64> = bars
        .iter()
        .map(|b| b["swing"].as_u64().unwrap_or(u64::MAX))
        .collect();
    assert!(swings.windows(2).all(|w| w[0] >= w[1]), "{swings:?}");
    let top = &bars[0];
    assert_eq!(top["path"], "local[0].staff.fte");
    // The JSON keeps the path and names the input as a person reads it.
    assert_eq!(top["label"], "staff time (local 1)");
    for (end, at) in [("low", "at_low"), ("high", "at_high")] {
        let v = top[end].as_str().unwrap();
        let r = tco(&[
            "breakeven",
            APPLE,
            "--set",
            &format!("local[0].staff.fte={v}"),
            "-f",
            "json",
        ])
        .json();
        assert_eq!(r["break_even"][0]["tokens_per_month"], top[at], "fte = {v}");
    }
    // The saving tornado: API monthly − local monthly at 100M tokens, exact.
    let s = &pair["saving"][0];
    assert_eq!(s["path"], "local[0].staff.fte");
    let v = s["high"].as_str().unwrap();
    let r = tco(&[
        "report",
        APPLE,
        "--set",
        &format!("local[0].staff.fte={v}"),
        "-f",
        "json",
    ])
    .json();
    let want = dec(&r["api"][0]["monthly_cost"]) - dec(&r["local"][0]["monthly_cost"]);
    assert_eq!(dec(&s["at_high"]), want);
}

#[test]
fn sensitivity_all_swings_plain_inputs_and_table_formats() {
    let j = tco(&["sensitivity", "--all", "-f", "json"]).json();
    let inputs: Vec<&str> = j["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert!(
        inputs.contains(&"api[0].input_per_mtok"),
        "API prices from the table are swung: {inputs:?}"
    );
    assert!(inputs.contains(&"local[0].owned.price"));
    assert!(
        !inputs.contains(&"hours_per_month"),
        "a convention, not an uncertain cost"
    );
    let price = j["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == "local[0].owned.price")
        .unwrap();
    assert_eq!(
        (price["low"].as_str(), price["high"].as_str()),
        (Some("64000"), Some("96000"))
    );
    let t = tco(&["sensitivity", "--all", "--top", "3"]);
    let t = t.ok();
    assert!(t.contains("break-even volume (base"), "{t}");
    assert!(t.contains("largest 3 of"), "{t}");
    // The tables name inputs by label, not by path.
    assert!(t.contains("price per node (local 1)"), "{t}");
    assert!(!t.contains("local[0].owned.price"), "{t}");
    let md = tco(&["sensitivity", APPLE, "-f", "markdown"]);
    assert!(md.ok().contains("| input |"));
    let csv = tco(&["sensitivity", APPLE, "-f", "csv"]);
    let rows = crate::csv(csv.ok());
    // 4 pairs × 6 inputs × 2 tornados.
    assert_eq!(rows.len(), 1 + 4 * 6 * 2);
    let none = tco(&["sensitivity", "scenarios/lit-4xa100-vs-sonnet.yaml"]);
    assert!(
        none.ok().contains("--all"),
        "says how to get a tornado: {}",
        none.stdout
    );
}

/// An estimated throughput's η range is drawn by `simulate` and swung by
/// `sensitivity`, named by where it comes from; each bar is the report with
/// the node's rate set to that end.
#[test]
fn the_estimates_eta_range_is_simulated_and_swung() {
    const EST: &str = "scenarios/estimate-before-you-buy.yaml";
    let run = tco(&["simulate", EST, "--samples", "2000"]);
    let out = run.ok();
    assert!(
        out.contains("throughput, from the estimate's η range (local 1)"),
        "{out}"
    );
    assert!(
        out.contains("triangular 2105.6331/2999.1918/4034.3792"),
        "{out}"
    );
    let j = tco(&["simulate", EST, "--samples", "2000", "-f", "json"]).json();
    assert_eq!(j["inputs"][0]["source"], "estimate");
    assert_eq!(j["inputs"][0]["dist"], "triangular");
    let be = pct(&j["break_even"][1]["break_even_percentiles"]);
    assert!(be[1].unwrap() < be[3].unwrap(), "{be:?}");

    let j = tco(&["sensitivity", EST, "-f", "json"]).json();
    let pair = &j["pairs"][1];
    assert_eq!(pair["api"], "Llama-3.3-70B-Instruct-Turbo on Together AI");
    let top = &pair["break_even"][0];
    assert_eq!(
        top["label"],
        "throughput, from the estimate's η range (local 1)"
    );
    for (end, at) in [("low", "at_low"), ("high", "at_high")] {
        let v = top[end].as_str().unwrap();
        let r = tco(&[
            "breakeven",
            EST,
            "--set",
            &format!("local[0].throughput={{tokens_per_second: {v}}}"),
            "-f",
            "json",
        ])
        .json();
        assert_eq!(
            r["break_even"][1]["tokens_per_month"], top[at],
            "rate = {v}"
        );
    }
    assert_ne!(top["at_low"], top["at_high"]);
}
