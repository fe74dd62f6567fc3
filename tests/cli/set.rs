//! `--set PATH=VALUE` overrides.

use crate::{dec, tco, usd};
use rust_decimal::Decimal;

const LIT: &str = "scenarios/lit-4xa100-vs-sonnet.yaml";

#[test]
fn set_volume_changes_the_report() {
    let base = tco(&["report", LIT, "--format", "json"]).json();
    let r = tco(&[
        "report",
        LIT,
        "--set",
        "workload.tokens_per_month=2B",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(base["tokens_per_month"], 100_000_000u64);
    assert_eq!(r["tokens_per_month"], 2_000_000_000u64);
    assert_eq!(dec(&r["api"][0]["monthly_cost"]), Decimal::from(10_800));
    // At 2B the one node is busier; the break-even volume does not depend on the volume.
    assert!(dec(&r["local"][0]["utilization"]) > dec(&base["local"][0]["utilization"]));
    assert_eq!(r["break_even"][0]["tokens_per_month"], 988_411_523u64);
    assert_eq!(
        r["break_even"][0]["local_wins"],
        base["break_even"][0]["local_wins"]
    );
    // Above break-even, owning pays back: it did not at 100M.
    assert!(base["break_even"][0]["payback_months"].is_null());
    assert!(dec(&r["break_even"][0]["payback_months"]) > Decimal::ZERO);
    // The table says so too.
    let t = tco(&["report", LIT, "--set", "workload.tokens_per_month=2B"]);
    assert!(t.ok().contains("2,000,000,000") && t.stdout.contains("$10,800.00"));
}

#[test]
fn set_indexed_path_changes_the_hardware_line() {
    let r = tco(&[
        "report",
        LIT,
        "--set",
        "local[0].owned.price=90000",
        "--format",
        "json",
    ])
    .json();
    // 90,000 / 36 = 2,500.
    assert_eq!(
        dec(&r["local"][0]["breakdown"]["hardware"]),
        Decimal::from(2500)
    );
    assert_eq!(usd(dec(&r["local"][0]["monthly_cost"])), "$5,615.20");
    // Several --set in one run, on other commands too.
    let r = tco(&[
        "breakeven",
        LIT,
        "--set",
        "local[0].owned.price=90000",
        "--set",
        "local[0].staff.fte=0",
        "--format",
        "json",
    ])
    .json();
    // (2,500 + 115.20) / 5.40 per MTok = 484,296,296.3 → 484,296,297.
    assert_eq!(r["break_even"][0]["tokens_per_month"], 484_296_297u64);
    let c = tco(&[
        "compare",
        LIT,
        "--set",
        "workload.input_share=1",
        "--vendor",
        "anthropic/claude-sonnet-4.6",
        "--format",
        "json",
    ])
    .json();
    let sonnet = c["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "anthropic/claude-sonnet-4.6")
        .unwrap()
        .clone();
    // All input at $3/MTok × 100M = $300.
    assert_eq!(dec(&sonnet["monthly_cost"]), Decimal::from(300));
}

#[track_caller]
fn set_error(set: &str, path: &str) -> String {
    let e = tco(&["report", LIT, "--set", set]);
    let msg = e.user_error().to_string();
    assert!(
        msg.contains("--set"),
        "`--set {set}`: the message names --set:\n{msg}"
    );
    assert!(
        msg.contains(path),
        "`--set {set}`: the message names `{path}`:\n{msg}"
    );
    msg
}

#[test]
fn bad_set_paths_are_user_errors_naming_set_and_the_path() {
    let m = set_error("local[9].name=x", "local[9]");
    assert!(m.contains("no [9]") || m.contains("index"), "{m}");
    let m = set_error("nothing", "nothing");
    assert!(m.contains("PATH=VALUE"), "{m}");
    set_error("local[x].name=y", "local[x]");
}

#[test]
fn bad_set_values_name_set() {
    set_error("workload.tokens_per_month=abc", "workload.tokens_per_month");
    set_error("workload.tokens_per_mont=1M", "workload.tokens_per_mont");
    set_error("local[0].owned.price=-1", "local[0].owned.price");
}

#[test]
fn bad_set_values_are_user_errors_naming_the_path() {
    for (set, path) in [
        ("workload.tokens_per_month=abc", "workload.tokens_per_month"),
        ("workload.tokens_per_mont=1M", "workload.tokens_per_mont"),
        ("local[0].owned.price=-1", "local[0].owned.price"),
        ("workload.input_share=2", "workload.input_share"),
        ("api[0].model=nope/x", "api[0].model"),
    ] {
        let e = tco(&["report", LIT, "--set", set]);
        let msg = e.user_error();
        assert!(msg.contains(path), "`--set {set}` names `{path}`:\n{msg}");
    }
}
