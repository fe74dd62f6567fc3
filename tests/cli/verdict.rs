//! A verdict a CFO can sign: an option that cannot hold its model never wins,
//! payback is shown only where local saves and is flagged past the hardware's
//! life or the finance horizon.

use crate::{dec, tco};
use rust_decimal::Decimal;

const BOX: &str = "tests/data/verdict/coder-2x4090.yaml";

#[test]
fn a_box_that_cannot_hold_the_model_never_wins() {
    let r = tco(&["report", BOX, "--format", "json"]).json();
    let l = &r["local"][0];
    assert_eq!(l["can_serve"], false);
    let why = l["infeasible"][0].as_str().unwrap();
    assert!(
        why.contains("cannot hold the model") && why.contains("48 GB"),
        "{why}"
    );
    assert_eq!(r["verdict"]["kind"], "api");
    assert_eq!(r["verdict"]["cheapest"], "Claude Haiku 4.5");
    assert_eq!(r["verdict"]["cheapest_local"], serde_json::Value::Null);
    assert_eq!(r["verdict"]["excluded"][0]["name"], "2x RTX 4090 box");
    assert_eq!(r["verdict"]["excluded"][0]["reason"].as_str(), Some(why));
    let b = &r["break_even"][0];
    assert_eq!(b["status"], "infeasible");
    assert_eq!(b["tokens_per_month"], serde_json::Value::Null);
    assert_eq!(b["local_wins"], serde_json::json!([]));
    assert_eq!(b["payback_months"], serde_json::Value::Null);
    // It is cheaper than the API on paper: only the memory keeps it out.
    assert!(dec(&l["monthly_cost"]) < dec(&r["api"][0]["monthly_cost"]));

    // The same box with a model that fits wins: the test can tell the two apart.
    let fits = tco(&[
        "report",
        BOX,
        "--format",
        "json",
        "--set",
        "local[0].model.quant=Q4_K_M",
    ])
    .json();
    assert_eq!(fits["local"][0]["can_serve"], true);
    assert!(fits["local"][0].get("infeasible").is_none());
    assert_eq!(fits["verdict"]["kind"], "local");
    assert_eq!(fits["verdict"]["cheapest"], "2x RTX 4090 box");
    assert_ne!(fits["break_even"][0]["status"], "infeasible");
    assert!(fits["break_even"][0]["payback_months"].is_string());
}

#[test]
fn the_table_says_why_once_and_the_verdict_leaves_the_box_out() {
    let out = tco(&["report", BOX]);
    let text = out.ok();
    assert_eq!(text.matches("needs 76.34 GB").count(), 1, "{text}");
    assert!(text.contains("— (infeasible)"), "{text}");
    let verdict = text.lines().find(|l| l.starts_with("Verdict:")).unwrap();
    assert!(verdict.contains("no local option can serve"), "{verdict}");
    assert!(
        verdict.contains("Left out, cannot serve: 2x RTX 4090 box"),
        "{verdict}"
    );
}

#[test]
fn no_fit_options_are_left_out_of_every_answer() {
    // The simulation never counts the box as cheaper, and npv has no figure for it.
    let sim = tco(&["simulate", BOX, "--format", "json", "--samples", "200"]).json();
    assert_eq!(sim["local"][0]["can_serve_share"], 0.0);
    assert_eq!(sim["break_even"][0]["prob_local_cheaper"], 0.0);
}

fn pair(set: &[&str]) -> serde_json::Value {
    let mut args = vec!["report", "lit-memory-q4", "--format", "json"];
    for s in set {
        args.push("--set");
        args.push(s);
    }
    let r = tco(&args).json();
    r["break_even"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["local"] == "7B Q4_K_M on RTX 4060 Ti 16GB" && b["api"] == "Claude Haiku 4.5")
        .unwrap()
        .clone()
}

#[test]
fn payback_only_where_local_saves_and_flagged_past_the_life() {
    // At 10M tokens the 7B box ($13.50) saves $4.50 against Haiku ($18.00):
    // 400 / (18 − 2.386667 power) = 25.62 months, within its 36-month life.
    let b = pair(&[]);
    assert_eq!(dec(&b["payback_months"]), Decimal::new(2562, 2));
    assert!(b.get("payback_exceeds").is_none(), "{b}");

    // A 12-month life with a $300 residual: hardware (400 − 300) / 12 = 8.33
    // a month, so local still saves ($10.72 against $18.00), but the same
    // 25.62 months of payback now run past the 12-month life.
    let b = pair(&[
        "local[0].owned.amortization_months=12",
        "local[0].owned.residual_value=300",
    ]);
    assert_eq!(dec(&b["payback_months"]), Decimal::new(2562, 2));
    assert_eq!(
        b["payback_exceeds"],
        serde_json::json!([{"limit": "amortization_months", "months": 12}])
    );
    let text = tco(&[
        "report",
        "lit-memory-q4",
        "--set",
        "local[0].owned.amortization_months=12",
        "--set",
        "local[0].owned.residual_value=300",
    ]);
    assert!(
        text.ok().contains("25.6 months (past the 12-month life)"),
        "{}",
        text.stdout
    );

    // Where local costs more than the API at the volume there is no payback,
    // even though the running costs alone are below the API's bill.
    let b = pair(&["workload.tokens_per_month=5M"]);
    assert_eq!(b["payback_months"], serde_json::Value::Null);
}

#[test]
fn number_forms_given_with_set_are_refused_with_what_was_meant() {
    let cases = [
        (
            "local[0].power.price_per_kwh=0,30",
            "decimal comma",
            "0.30",
            "a price per kWh",
        ),
        (
            "workload.input_share=75%",
            "percent sign",
            "0.75",
            "a share between 0 and 1",
        ),
        (
            "local[0].power.price_per_kwh=$0.368",
            "currency",
            "0.368",
            "a price per kWh",
        ),
        ("local[0].power.load_watts=1 kW", "unit", "1000", "watts"),
        (
            "local[0].owned.amortization_months=3 years",
            "unit",
            "36",
            "whole months",
        ),
        (
            "local[0].owned.price=3,220",
            "thousands separator",
            "3220",
            "money",
        ),
    ];
    for (set, problem, meant, hint) in cases {
        let out = tco(&["report", BOX, "--set", set]);
        let err = out.user_error();
        let path = set.split('=').next().unwrap();
        assert!(
            err.starts_with(&format!("error: --set {path}:1:1: {path}: ")),
            "{set}: {err}"
        );
        assert!(err.contains(problem), "{set}: {err}");
        assert!(
            err.contains(&format!("(did you mean `{meant}`?)")),
            "{set}: {err}"
        );
        let allowed = err.lines().find(|l| l.starts_with("  allowed: ")).unwrap();
        assert!(allowed.contains(hint), "{set}: {err}");
    }
}

fn warnings(set: &[&str]) -> Vec<String> {
    let mut args = vec!["report", BOX, "--format", "json"];
    for s in set {
        args.push("--set");
        args.push(s);
    }
    let r = tco(&args).json();
    r["local"][0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_price_out_of_line_with_the_machine_and_a_decode_only_rate_warn() {
    let far = |w: &Vec<String>| w.iter().any(|w| w.contains("far from the 3200"));
    let single = |w: &Vec<String>| w.iter().any(|w| w.contains("one throughput rate"));
    // `3.220` typed for 3,220: a valid number, a thousand times too small.
    assert!(far(&warnings(&["local[0].owned.price=3.220"])));
    assert!(!far(&warnings(&["local[0].owned.price=3220"])));
    // 40 tokens/s as the only rate: a decode figure applied to prompts too.
    let w = warnings(&["local[0].throughput={tokens_per_second: 40}"]);
    assert!(single(&w), "{w:?}");
    assert!(!single(&warnings(&[])));
    // A single rate well above one stream's bandwidth ceiling is not a decode figure.
    assert!(!single(&warnings(&[
        "local[0].throughput={tokens_per_second: 5000}"
    ])));
}
