//! `tco npv`, `tco hybrid` and the report's NPV section, in every format,
//! against the flagship's hand-computed finance table (tests/model/EXPECTED.md)
//! and a small hybrid scenario worked out in the comments.

use crate::{csv_records, dec, tco, tco_in, usd};
use rust_decimal::Decimal;
use serde_json::Value;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

const OWNED: &str = "Owned 4x A100 80GB server(s)";
const RENTED: &str = "Rented 2x H100 80GB, always on";
const SONNET: &str = "Claude Sonnet 4.6";

/// EXPECTED.md, flagship, "### Finance": (local, api, capital, NPV to the cent, discounted payback).
const FLAGSHIP: [(&str, &str, &str, &str, Option<u64>); 6] = [
    (OWNED, SONNET, "160000", "61405.38", Some(26)),
    (
        OWNED,
        "GPT-5 (OpenAI list price)",
        "160000",
        "-114352.87",
        None,
    ),
    (OWNED, "GPT-4o mini", "160000", "-313219.27", None),
    (RENTED, SONNET, "0", "103739.85", Some(1)),
    (RENTED, "GPT-5 (OpenAI list price)", "0", "-72018.40", None),
    (RENTED, "GPT-4o mini", "0", "-270884.80", None),
];

fn cents(v: &Value) -> Decimal {
    dec(v).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

#[test]
fn npv_json_has_every_pair_month_by_month() {
    let j = tco(&["npv", "--format", "json"]).json();
    assert_eq!(j["horizon_months"], 36);
    assert_eq!(dec(&j["discount_rate"]), d("0.08"));
    assert_eq!(dec(&j["monthly_rate"]), d("0.08") / d("12"));
    assert_eq!(dec(&j["volume_growth_per_month"]), Decimal::ZERO);
    assert_eq!(dec(&j["api_price_change_per_year"]), Decimal::ZERO);
    let pairs = j["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 6);
    for (p, (local, api, capital, npv, payback)) in pairs.iter().zip(FLAGSHIP) {
        assert_eq!(
            (p["local"].as_str(), p["api"].as_str()),
            (Some(local), Some(api))
        );
        assert_eq!(dec(&p["capital"]), d(capital), "{local} / {api}");
        assert_eq!(cents(&p["npv"]), d(npv), "{local} / {api}");
        assert_eq!(
            p["discounted_payback_months"].as_u64(),
            payback,
            "{local} / {api}"
        );
        assert!(p["reason"].is_null());
        let months = p["monthly"].as_array().unwrap();
        assert_eq!(months.len(), 37, "months 0..=36");
        let mut sum = Decimal::ZERO;
        for (i, m) in months.iter().enumerate() {
            assert_eq!(m["month"], i as u64);
            // flow = api − local − capital; cumulative is the running sum of discounted.
            assert_eq!(
                dec(&m["flow"]),
                dec(&m["api_cost"]) - dec(&m["local_cost"]) - dec(&m["capital"])
            );
            sum += dec(&m["discounted"]);
            assert_eq!(dec(&m["cumulative_discounted"]), sum);
        }
        assert_eq!(sum, dec(&p["npv"]));
        // Month 1 serves the workload's 3 B tokens; the capital falls at month 0.
        assert_eq!(months[1]["tokens"], 3_000_000_000u64);
        assert_eq!(dec(&months[0]["capital"]), d(capital));
    }
    // The owned pair's monthly flow is the API less the running cost without
    // the hardware line: 12,334.50 − 5,396.46 = 6,938.04 (EXPECTED.md).
    assert_eq!(dec(&pairs[0]["monthly"][1]["flow"]), d("6938.04"));
}

#[test]
fn npv_table_shows_the_summary_and_the_best_pair_month_by_month() {
    let out = tco(&["npv"]);
    let t = out.ok();
    for (_, _, _, npv, _) in FLAGSHIP {
        assert!(t.contains(&usd(d(npv))), "{} missing:\n{t}", usd(d(npv)));
    }
    assert!(t.contains("month 26"));
    assert!(t.contains("not within 36 months"));
    assert!(t.contains(
        "discount rate 8 % a year = 0.667 % a month, capital at month 0, flows at month ends"
    ));
    // Default detail: the best NPV, renting instead of Sonnet.
    assert!(
        t.contains(&format!("Month by month: {RENTED} instead of {SONNET}")),
        "{t}"
    );

    // The owned pair, chosen: its cumulative turns positive in month 26.
    let out = tco(&["npv", "--local", OWNED, "--api", SONNET]);
    let t = out.ok();
    assert!(t.contains(&format!("Month by month: {OWNED} instead of {SONNET}")));
    let row = |m: &str| -> Vec<String> {
        t.lines()
            .find(|l| {
                l.trim_start_matches('│')
                    .trim_start()
                    .starts_with(&format!("{m} "))
            })
            .unwrap_or_else(|| panic!("no month {m} row:\n{t}"))
            .split(['│', '┆'])
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect()
    };
    let m0 = row("0");
    assert!(m0.contains(&"$160,000.00".to_string()), "{m0:?}");
    assert!(row("25").last().unwrap().starts_with("-$"));
    assert!(row("26").last().unwrap().starts_with('$'));
    assert_eq!(row("36").last().unwrap(), "$61,405.38");
    assert!(t.contains("capital replaces"));
}

#[test]
fn npv_csv_has_one_row_per_pair_and_month() {
    let out = tco(&["npv", "--format", "csv"]);
    let rows = csv_records(out.ok());
    assert_eq!(rows.len(), 6 * 37);
    for (local, api, _, npv, payback) in FLAGSHIP {
        let mine: Vec<_> = rows
            .iter()
            .filter(|r| r["local"] == local && r["api"] == api)
            .collect();
        assert_eq!(mine.len(), 37);
        let sum: Decimal = mine.iter().map(|r| d(&r["discounted"])).sum();
        assert_eq!(
            sum.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
            d(npv)
        );
        assert_eq!(d(&mine[36]["cumulative_discounted"]), d(&mine[0]["npv"]));
        assert_eq!(
            mine[0]["discounted_payback_months"],
            payback.map_or(String::new(), |m| m.to_string())
        );
    }
}

#[test]
fn npv_markdown_and_the_price_trend() {
    let out = tco(&["npv", "--format", "markdown"]);
    let md = out.ok();
    assert!(md.starts_with("## Flagship"));
    assert!(md.contains("### Net present value of going local instead of the API, over 36 months"));
    assert!(md.contains("| Local | API | Capital (month 0) | NPV | Discounted payback |"));
    assert!(md.contains("Discount rate 8 % a year = 0.667 % a month"));
    assert!(md.contains("| Month | Tokens | Nodes |"));

    // API prices falling 30 % a year: month 13 pays exactly 0.7 × $12,334.50 = $8,634.15.
    let j = tco(&[
        "npv",
        "--set",
        "finance.api_price_change_per_year=-0.3",
        "--format",
        "json",
    ])
    .json();
    let m = &j["pairs"][0]["monthly"];
    assert_eq!(dec(&m[13]["api_price_factor"]), d("0.7"));
    assert_eq!(dec(&m[13]["api_cost"]), d("8634.15"));
    assert_eq!(dec(&m[25]["api_cost"]), d("6043.905")); // 0.49 × 12,334.50
    let t = tco(&["npv", "--set", "finance.api_price_change_per_year=-0.3"]);
    assert!(t.ok().contains("API prices -30 % a year"));
    assert!(t.ok().contains("API price ×"));
}

#[test]
fn npv_without_a_finance_block_says_how_to_add_one() {
    let out = tco(&["npv", "lit-4xa100-vs-sonnet"]);
    let e = out.user_error();
    assert!(e.contains("no `finance:` block"), "{e}");
    for field in [
        "horizon_months: 36",
        "discount_rate: 0.08",
        "volume_growth_per_month",
        "api_price_change_per_year",
        "--set finance.horizon_months=36",
    ] {
        assert!(e.contains(field), "`{field}` missing:\n{e}");
    }
    // The suggested --set works: at the scenario's 100 M tokens, a 0 % rate and
    // 36 months the NPV is −80,000 + 36 × (540 − 3,115.20) = −$172,707.20 (the
    // API costs 100 × $5.40; the owned server runs on power $115.20 + staff
    // $3,000 a month, its $80,000 paid at month 0, residual 0).
    let j = tco(&[
        "npv",
        "lit-4xa100-vs-sonnet",
        "--set",
        "finance.horizon_months=36",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(dec(&j["pairs"][0]["npv"]), d("-172707.2"));

    // Unknown pair names list the scenario's.
    let out = tco(&["npv", "--local", "Owned 4x A100"]);
    let e = out.user_error();
    assert!(e.contains("--local `Owned 4x A100`"), "{e}");
    assert!(e.contains(OWNED) && e.contains(RENTED), "{e}");
}

/// One node of 100 M tokens/month ($36,000 over 36 months = $1,000 a month),
/// the API at $15/MTok, 240 M tokens a month.
const HYBRID_TOY: &str = "name: hybrid toy
hours_per_month: 100
workload:
  tokens_per_month: 240M
api:
  - name: api
    input_per_mtok: 15
    output_per_mtok: 15
local:
  - name: box
    owned:
      price: 36000
      amortization_months: 36
    throughput:
      tokens_per_hour: 1M
";

#[test]
fn hybrid_finds_the_interior_node_fill_point() {
    // all API 240 × 15 = $3,600; 1 node full: 1,000 + 140 × 15 = $3,100;
    // 2 nodes full (200 M, share 83.3 %): 2,000 + 40 × 15 = $2,600 (best);
    // all local: 3 nodes = $3,000. Saving vs the best single option: $400.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("toy.yaml"), HYBRID_TOY).unwrap();
    let run = |args: &[&str]| tco_in(dir.path(), args);

    let j = run(&["hybrid", "toy.yaml", "--format", "json"]).json();
    assert_eq!(dec(&j["step"]), d("0.05"));
    assert_eq!(j["tokens_per_month"], 240_000_000u64);
    let p = &j["pairs"][0];
    assert_eq!(p["shares"].as_array().unwrap().len(), 21);
    for s in p["shares"].as_array().unwrap() {
        for k in [
            "local_share",
            "local_tokens",
            "nodes",
            "local_cost",
            "api_cost",
            "monthly_cost",
            "can_serve",
        ] {
            assert!(s.get(k).is_some(), "share row lacks {k}: {s}");
        }
    }
    assert_eq!(p["best"]["local_tokens"], 200_000_000u64);
    assert_eq!(p["best"]["nodes"], 2);
    assert_eq!(dec(&p["best"]["monthly_cost"]), d("2600"));
    assert_eq!(dec(&p["best"]["local_share"]).round_dp(4), d("0.8333"));
    assert_eq!(dec(&p["all_api_cost"]), d("3600"));
    assert_eq!(dec(&p["all_local_cost"]), d("3000"));
    assert_eq!(dec(&p["saving_vs_best_single"]), d("400"));

    let out = run(&["hybrid", "toy.yaml"]);
    let t = out.ok();
    assert!(
        t.contains("83.3%") && t.contains("$2,600.00") && t.contains("$400.00"),
        "{t}"
    );
    assert!(t.contains("Share by share: --local NAME --api NAME."));

    let out = run(&[
        "hybrid", "toy.yaml", "--local", "box", "--api", "api", "--step", "0.25",
    ]);
    let t = out.ok();
    assert!(t.contains("box with api, share by share"), "{t}");
    // 0, 25 %, 50 %, 75 %, the best 83.3 % between them, 100 %.
    let best = t.lines().find(|l| l.contains("← cheapest")).unwrap();
    assert!(
        best.contains("83.3%") && best.contains("200M") && best.contains("$2,600.00"),
        "{best}"
    );
    let order: Vec<&str> = t
        .lines()
        .filter_map(|l| l.split(['│', '┆']).nth(1).map(str::trim))
        .filter(|c| c.ends_with('%'))
        .collect();
    assert_eq!(
        order,
        ["0.0%", "25.0%", "50.0%", "75.0%", "83.3%", "100.0%"]
    );

    let out = run(&["hybrid", "toy.yaml", "--format", "csv", "--step", "0.5"]);
    let rows = csv_records(out.ok());
    // 0, 0.5, the best (off the grid), 1.
    assert_eq!(rows.len(), 4);
    let best: Vec<_> = rows.iter().filter(|r| r["best"] == "true").collect();
    assert_eq!(best.len(), 1);
    assert_eq!(best[0]["local_tokens"], "200000000");
    assert_eq!(d(&best[0]["monthly_cost"]), d("2600"));
    assert_eq!(rows[1]["local_share"], "0.5");
    assert_eq!(d(&rows[1]["monthly_cost"]), d("3800")); // 120 M: 2 nodes + 120 × 15

    let out = run(&["hybrid", "toy.yaml", "--format", "markdown"]);
    let md = out.ok();
    assert!(md.contains("### Cheapest split per pair"));
    assert!(
        md.contains(
            "| box | api | 83.3% | 200M | 2 | $2,600.00 | $3,600.00 | $3,000.00 | $400.00 |"
        ),
        "{md}"
    );

    // --volume: at 300 M, 3 full nodes ($3,000) beat 2 + 100 M on the API ($3,500).
    let j = run(&["hybrid", "toy.yaml", "--volume", "300M", "--format", "json"]).json();
    assert_eq!(dec(&j["pairs"][0]["best"]["local_share"]), Decimal::ONE);
    assert_eq!(dec(&j["pairs"][0]["best"]["monthly_cost"]), d("3000"));
}

#[test]
fn hybrid_on_the_flagship_and_bad_arguments() {
    let j = tco(&["hybrid", "--format", "json"]).json();
    let pairs = j["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 6);
    // Against Sonnet both local options serve everything (the report's figures);
    // against GPT-4o mini nothing goes local.
    assert_eq!(dec(&pairs[0]["best"]["local_share"]), Decimal::ONE);
    assert_eq!(cents(&pairs[0]["best"]["monthly_cost"]), d("10410.28"));
    assert_eq!(dec(&pairs[2]["best"]["local_share"]), Decimal::ZERO);
    assert_eq!(cents(&pairs[2]["best"]["monthly_cost"]), d("595.13"));
    assert_eq!(cents(&pairs[3]["all_local_cost"]), d("9083.67"));

    // Steps outside 0.001..0.5 are a command-line mistake (exit 2).
    for bad in ["0.7", "0", "x"] {
        let out = tco(&["hybrid", "--step", bad]);
        assert_eq!(out.code, 2, "--step {bad}: {}", out.stderr);
        assert!(out.stderr.contains("--step"), "{}", out.stderr);
    }
    let out = tco(&["hybrid", "--volume", "lots"]);
    assert!(out.user_error().contains("--volume"));
    let out = tco(&["hybrid", "--api", "Claude"]);
    assert!(out.user_error().contains(SONNET));
}

#[test]
fn report_on_the_flagship_shows_npv() {
    let out = tco(&["report"]);
    let t = out.ok();
    assert!(t.contains("Net present value of going local instead of the API, over 36 months"));
    assert!(t.contains(
        "discount rate 8 % a year = 0.667 % a month, capital at month 0, flows at month ends"
    ));
    assert!(t.contains("$61,405.38") && t.contains("month 26"));

    let md = tco(&["report", "--format", "markdown"]);
    assert!(md.ok().contains("### Net present value"));

    let j = tco(&["report", "--format", "json"]).json();
    for (b, (local, api, _, npv, payback)) in
        j["break_even"].as_array().unwrap().iter().zip(FLAGSHIP)
    {
        assert_eq!(
            (b["local"].as_str(), b["api"].as_str()),
            (Some(local), Some(api))
        );
        assert_eq!(cents(&b["npv"]), d(npv));
        assert_eq!(b["discounted_payback_months"].as_u64(), payback);
        assert!(b
            .as_object()
            .unwrap()
            .contains_key("discounted_payback_months"));
    }
    // Without a finance block: no keys, no section.
    let j = tco(&["report", "lit-4xa100-vs-sonnet", "--format", "json"]).json();
    let b = j["break_even"][0].as_object().unwrap();
    assert!(!b.contains_key("npv") && !b.contains_key("discounted_payback_months"));
    let out = tco(&["report", "lit-4xa100-vs-sonnet"]);
    assert!(!out.ok().contains("Net present value"));
}
