//! Every command in every format, with real figures (docs/formats.md's names).

use crate::{bundled_scenarios, csv, csv_records, dec, tco, usd};
use rust_decimal::Decimal;
use serde_json::Value;
use std::str::FromStr;

const LIT: &str = "scenarios/lit-4xa100-vs-sonnet.yaml";

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Asserts that `obj` has every key in `keys`.
#[track_caller]
fn has_keys(obj: &Value, keys: &[&str]) {
    let map = obj
        .as_object()
        .unwrap_or_else(|| panic!("expected an object, found {obj}"));
    for k in keys {
        assert!(map.contains_key(*k), "missing `{k}` in {obj}");
    }
}

/// The report JSON fields of docs/formats.md ("The report (JSON)").
#[track_caller]
fn assert_report_shape(r: &Value) {
    has_keys(
        r,
        &[
            "scenario",
            "currency",
            "hours_per_month",
            "tokens_per_month",
            "api",
            "local",
            "break_even",
        ],
    );
    assert!(r["scenario"].is_string());
    assert!(r["currency"].is_string());
    assert!(dec(&r["hours_per_month"]) > Decimal::ZERO);
    assert!(
        r["tokens_per_month"].is_u64(),
        "tokens_per_month is an integer"
    );
    let api = r["api"].as_array().expect("api is a list");
    assert!(!api.is_empty());
    for a in api {
        has_keys(a, &["name", "blended_per_mtok", "monthly_cost"]);
        dec(&a["blended_per_mtok"]);
        dec(&a["monthly_cost"]);
    }
    let local = r["local"].as_array().expect("local is a list");
    assert!(!local.is_empty());
    for l in local {
        has_keys(
            l,
            &[
                "name",
                "monthly_cost",
                "breakdown",
                "capacity_tokens_per_month",
                "nodes",
                "utilization",
                "cost_per_mtok",
                "can_serve",
                "warnings",
            ],
        );
        has_keys(
            &l["breakdown"],
            &["hardware", "power", "staff", "other", "overhead"],
        );
        // The breakdown adds up to the monthly cost, at full precision.
        let b = &l["breakdown"];
        let sum: Decimal = ["hardware", "power", "staff", "other", "overhead"]
            .iter()
            .map(|k| dec(&b[*k]))
            .sum();
        let total = dec(&l["monthly_cost"]);
        assert!(
            (sum - total).abs() < d("0.000001"),
            "breakdown {sum} != monthly {total} in {l}"
        );
        assert!(l["can_serve"].is_boolean());
        assert!(l["nodes"].is_u64());
        assert!(
            l["capacity_tokens_per_month"].is_u64() || l["capacity_tokens_per_month"].is_number()
        );
        assert!(l["warnings"]
            .as_array()
            .is_some_and(|w| w.iter().all(Value::is_string)));
        dec(&l["utilization"]);
    }
    let be = r["break_even"].as_array().expect("break_even is a list");
    assert_eq!(
        be.len(),
        api.len() * local.len(),
        "one pair per (local, api)"
    );
    for b in be {
        has_keys(
            b,
            &[
                "local",
                "api",
                "status",
                "tokens_per_month",
                "local_wins",
                "reason",
                "payback_months",
            ],
        );
        let status = b["status"].as_str().expect("status is text");
        assert!(
            ["crosses", "never", "always", "infeasible"].contains(&status),
            "status {status}"
        );
        assert!(b["tokens_per_month"].is_u64() || b["tokens_per_month"].is_null());
        assert!(b["reason"].is_string() || b["reason"].is_null());
        for range in b["local_wins"].as_array().expect("local_wins is a list") {
            let r = range.as_array().expect("a range is [from, to]");
            assert_eq!(r.len(), 2);
            assert!(r[0].is_u64());
            assert!(r[1].is_u64() || r[1].is_null());
        }
        if status == "never" || status == "infeasible" {
            assert!(b["tokens_per_month"].is_null());
            assert!(b["reason"].is_string(), "`{status}` says why: {b}");
        }
        if status == "infeasible" {
            assert_eq!(b["local_wins"], serde_json::json!([]));
            assert!(b["payback_months"].is_null());
        }
        if status == "crosses" {
            assert_eq!(
                b["tokens_per_month"], b["local_wins"][0][0],
                "the first winning volume opens the first range"
            );
        }
    }
}

#[test]
fn report_lit_example_json_has_the_worked_figures() {
    let r = tco(&["report", LIT, "--format", "json"]).json();
    assert_report_shape(&r);
    assert_eq!(r["currency"], "USD");
    assert_eq!(dec(&r["hours_per_month"]), d("720"));
    assert_eq!(r["tokens_per_month"], 100_000_000u64);

    let api = &r["api"][0];
    assert_eq!(api["name"], "Claude Sonnet 4.6");
    assert_eq!(dec(&api["blended_per_mtok"]), d("5.40"));
    assert_eq!(dec(&api["monthly_cost"]), d("540"));

    let l = &r["local"][0];
    assert_eq!(usd(dec(&l["monthly_cost"])), "$5,337.42");
    // Full precision in JSON: not rounded to cents.
    assert!(
        dec(&l["monthly_cost"]).to_string().starts_with("5337.4222"),
        "JSON money keeps full precision: {}",
        l["monthly_cost"]
    );
    let b = &l["breakdown"];
    assert_eq!(usd(dec(&b["hardware"])), "$2,222.22");
    assert_eq!(dec(&b["power"]), d("115.2"));
    assert_eq!(usd(dec(&b["staff"])), "$3,000.00");
    assert_eq!(dec(&b["other"]), Decimal::ZERO);
    assert_eq!(dec(&b["overhead"]), Decimal::ZERO);
    assert_eq!(l["capacity_tokens_per_month"], 3_110_400_000u64);
    assert_eq!(l["nodes"], 1);
    assert_eq!(l["can_serve"], true);
    assert_eq!(usd(dec(&l["cost_per_mtok"])), "$53.37");

    let be = &r["break_even"][0];
    assert_eq!(be["local"], "4x A100 80GB server, owned");
    assert_eq!(be["api"], "Claude Sonnet 4.6");
    assert_eq!(be["status"], "crosses");
    assert_eq!(be["tokens_per_month"], 988_411_523u64);
    assert_eq!(
        be["local_wins"],
        serde_json::json!([[988_411_523u64, null]])
    );
    assert!(be["reason"].is_null());
}

/// 0.2 FTE × $180,000 / 12 is exactly $3,000 (money is Decimal, multiply before dividing).
#[test]
fn staff_money_is_exact() {
    let r = tco(&["report", LIT, "--format", "json"]).json();
    assert_eq!(dec(&r["local"][0]["breakdown"]["staff"]), d("3000"));
}

#[test]
fn report_without_argument_is_the_flagship_and_names_resolve() {
    let default = tco(&["report", "--format", "json"]);
    let by_name = tco(&["report", "flagship", "--format", "json"]);
    let by_path = tco(&["report", "scenarios/flagship.yaml", "--format", "json"]);
    let r = default.json();
    assert!(
        r["scenario"].as_str().unwrap().starts_with("Flagship"),
        "{}",
        r["scenario"]
    );
    assert_report_shape(&r);
    assert_eq!(default.stdout, by_name.ok());
    assert_eq!(default.stdout, by_path.ok());

    let lit_name = tco(&["report", "lit-4xa100-vs-sonnet", "--format", "json"]);
    let lit_path = tco(&["report", LIT, "--format", "json"]);
    assert_eq!(lit_name.ok(), lit_path.ok());
}

#[test]
fn report_every_bundled_scenario_agrees_across_formats() {
    for name in bundled_scenarios() {
        let json = tco(&["report", &name, "--format", "json"]).json();
        assert_report_shape(&json);
        let table = tco(&["report", &name]);
        let table = table.ok();
        let md_out = tco(&["report", &name, "--format", "markdown"]);
        let md = md_out.ok();
        let csv_out = tco(&["report", &name, "--format", "csv"]);
        let recs = csv_records(csv_out.ok());
        let api = json["api"].as_array().unwrap();
        let local = json["local"].as_array().unwrap();
        assert_eq!(
            recs.len(),
            api.len() + local.len(),
            "{name}: one CSV row per option"
        );
        for (i, a) in api.iter().enumerate() {
            let money = usd(dec(&a["monthly_cost"]));
            assert!(
                table.contains(&money),
                "{name}: table lacks {money}\n{table}"
            );
            assert!(md.contains(&money), "{name}: markdown lacks {money}");
            let rec = &recs[i];
            assert_eq!(rec["kind"], "api");
            assert_eq!(rec["name"], a["name"].as_str().unwrap());
            assert_eq!(
                dec(&Value::String(rec["monthly_cost"].clone())),
                dec(&a["monthly_cost"])
            );
        }
        for (i, l) in local.iter().enumerate() {
            let rec = &recs[api.len() + i];
            assert_eq!(rec["kind"], "local");
            assert_eq!(rec["name"], l["name"].as_str().unwrap());
            // CSV keeps the same full precision as JSON.
            assert_eq!(
                dec(&Value::String(rec["monthly_cost"].clone())),
                dec(&l["monthly_cost"]),
                "{name}: CSV and JSON monthly cost of {}",
                l["name"]
            );
            for k in ["hardware", "power", "staff", "other", "overhead"] {
                let v = dec(&l["breakdown"][k]);
                assert_eq!(dec(&Value::String(rec[k].clone())), v, "{name}: CSV {k}");
                let money = usd(v);
                assert!(
                    table.contains(&money),
                    "{name}: table lacks {k} {money}\n{table}"
                );
                assert!(md.contains(&money), "{name}: markdown lacks {k} {money}");
            }
            let money = usd(dec(&l["monthly_cost"]));
            assert!(table.contains(&money), "{name}: table lacks {money}");
            assert!(md.contains(&money), "{name}: markdown lacks {money}");
            assert_eq!(rec["nodes"], l["nodes"].to_string());
            assert_eq!(rec["can_serve"], l["can_serve"].to_string());
        }
        // The table names every break-even first volume with thousands separators.
        for b in json["break_even"].as_array().unwrap() {
            if let Some(v) = b["tokens_per_month"].as_u64() {
                let grouped = group(v);
                assert!(table.contains(&grouped), "{name}: table lacks {grouped}");
                assert!(md.contains(&grouped), "{name}: markdown lacks {grouped}");
            }
        }
    }
}

fn group(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Cells of a comfy-table line (between the vertical borders).
fn cells(line: &str) -> Vec<&str> {
    line.split(['│', '┆'])
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
}

#[test]
fn report_table_right_aligns_money_with_separators_and_currency() {
    let out = tco(&["report", LIT]);
    let t = out.ok();
    for needle in [
        "$5,337.42",
        "$2,222.22",
        "$115.20",
        "$3,000.00",
        "$540.00",
        "$5.40",
        "$80,000.00",
        "988,411,523",
        "3,110,400,000",
        "Hardware",
        "Power",
        "Staff",
        "Other",
        "Overhead",
        "crosses",
        "Verdict",
    ] {
        assert!(t.contains(needle), "table lacks `{needle}`:\n{t}");
    }
    let mut money_cells = 0;
    for line in t.lines().filter(|l| l.starts_with('│')) {
        for cell in cells(line) {
            let v = cell.trim();
            if v.starts_with('$')
                && v[1..]
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
            {
                money_cells += 1;
                // Right-aligned: padding on the left, exactly one space of margin on the right.
                assert!(
                    cell.ends_with(&format!("{v} ")) && !cell.ends_with("  "),
                    "money cell `{cell}` is not right-aligned in:\n{line}"
                );
            }
        }
    }
    assert!(money_cells >= 8, "found {money_cells} money cells:\n{t}");
    // A money cell narrower than its column is padded on the left.
    assert!(t.contains("      $540.00 │"), "{t}");
}

#[test]
fn report_markdown_and_csv_shapes() {
    let md_out = tco(&["report", LIT, "--format", "markdown"]);
    let md = md_out.ok();
    assert!(md.starts_with("## "), "{md}");
    assert!(
        md.contains("| API option | Blended /MTok | Monthly cost |"),
        "{md}"
    );
    assert!(md.contains("| --- | ---: | ---: |"), "{md}");
    assert!(
        md.contains("| Claude Sonnet 4.6 | $5.40 | $540.00 |"),
        "{md}"
    );
    assert!(md.contains("$5,337.42"));
    assert!(!md.contains('│'), "markdown has no box drawing");

    let csv_out = tco(&["report", LIT, "--format", "csv"]);
    let rows = csv(csv_out.ok());
    assert_eq!(
        rows.len(),
        3,
        "header + 1 API + 1 local:\n{}",
        csv_out.stdout
    );
    for col in [
        "kind",
        "name",
        "monthly_cost",
        "hardware",
        "power",
        "staff",
        "other",
        "overhead",
    ] {
        assert!(
            rows[0].iter().any(|h| h == col),
            "CSV header lacks {col}: {:?}",
            rows[0]
        );
    }
    let recs = csv_records(&csv_out.stdout);
    assert_eq!(recs[0]["name"], "Claude Sonnet 4.6");
    assert_eq!(d(&recs[0]["monthly_cost"]), d("540"));
    assert_eq!(
        recs[1]["name"], "4x A100 80GB server, owned",
        "a comma is quoted"
    );
    let local_monthly = &recs[1]["monthly_cost"];
    assert!(
        local_monthly.starts_with("5337.422222"),
        "CSV money at full precision: {local_monthly}"
    );
}

#[test]
fn compare_sorts_every_price_table_model_and_local_option() {
    let prices = tco(&["prices", "list", "--format", "json"]).json();
    let n_models = prices.as_array().unwrap().len();
    // --all: every table model (the scenario's own Sonnet standing for the
    // table's entry) plus the local option.
    let r = tco(&[
        "compare", LIT, "--volume", "1B", "--all", "--format", "json",
    ])
    .json();
    assert_eq!(r["tokens_per_month"], 1_000_000_000u64);
    assert_eq!(r["rows"].as_array().unwrap().len(), n_models + 1);
    // By default deprecated and literature-only entries are left out.
    let hidden: Vec<&str> = prices
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| {
            !m["deprecated"].is_null()
                || (m["source"].as_str().unwrap().starts_with("literature")
                    && !m["source"].as_str().unwrap().contains("genai-prices"))
        })
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert!(hidden.contains(&"openai/gpt-5"), "{hidden:?}");
    assert!(hidden.contains(&"google/gemini-1.5-flash"), "{hidden:?}");
    let r = tco(&["compare", LIT, "--volume", "1B", "--format", "json"]).json();
    let rows = r["rows"].as_array().unwrap();
    assert_eq!(rows.len(), n_models + 1 - hidden.len());
    assert!(rows
        .iter()
        .all(|x| !hidden.contains(&x["id"].as_str().unwrap_or(""))));
    let costs: Vec<Decimal> = rows.iter().map(|x| dec(&x["monthly_cost"])).collect();
    assert!(
        costs.windows(2).all(|w| w[0] <= w[1]),
        "sorted by monthly cost, cheapest first: {costs:?}"
    );
    let sonnet = rows
        .iter()
        .find(|x| x["id"] == "anthropic/claude-sonnet-4.6")
        .expect("sonnet row");
    assert_eq!(dec(&sonnet["monthly_cost"]), d("5400"));
    let local = rows
        .iter()
        .find(|x| x["kind"] == "local")
        .expect("local row");
    assert_eq!(usd(dec(&local["monthly_cost"])), "$5,337.42");
    assert_eq!(local["nodes"], 1);

    // --vendor keeps only that vendor's API models.
    let r = tco(&[
        "compare",
        LIT,
        "--volume",
        "1B",
        "--vendor",
        "anthropic",
        "--format",
        "json",
    ])
    .json();
    let rows = r["rows"].as_array().unwrap();
    let api: Vec<&Value> = rows.iter().filter(|x| x["kind"] == "api").collect();
    assert!(api.len() >= 2);
    assert!(api.len() < n_models);
    assert!(api
        .iter()
        .all(|x| x["id"].as_str().unwrap().starts_with("anthropic/")));

    // Other formats carry the same figures.
    let t = tco(&["compare", LIT, "--volume", "1B", "--vendor", "anthropic"]);
    let t = t.ok();
    assert!(t.contains("cheapest first"), "{t}");
    assert!(t.contains("$5,400.00") && t.contains("$5,337.42"), "{t}");
    let md = tco(&[
        "compare",
        LIT,
        "--volume",
        "1B",
        "--vendor",
        "anthropic",
        "--format",
        "markdown",
    ]);
    assert!(md.ok().contains("| ---: |") && md.stdout.contains("$5,400.00"));
    let c = tco(&[
        "compare",
        LIT,
        "--volume",
        "1B",
        "--vendor",
        "anthropic",
        "--format",
        "csv",
    ]);
    let recs = csv_records(c.ok());
    assert_eq!(recs.len(), api.len() + 1);
    for (i, rec) in recs.iter().enumerate() {
        assert_eq!(rec["rank"], (i + 1).to_string());
    }
    let sonnet = recs
        .iter()
        .find(|x| x["id"] == "anthropic/claude-sonnet-4.6")
        .unwrap();
    assert_eq!(d(&sonnet["monthly_cost"]), d("5400"));

    // Without --volume: the scenario's own volume.
    let r = tco(&["compare", LIT, "--format", "json"]).json();
    assert_eq!(r["tokens_per_month"], 100_000_000u64);

    // Bad options are user errors naming the option.
    let e = tco(&["compare", LIT, "--volume", "12X"]);
    assert!(e.user_error().contains("--volume"), "{}", e.stderr);
    let e = tco(&["compare", LIT, "--vendor", "no-such-vendor-zzz"]);
    assert!(e.user_error().contains("--vendor"), "{}", e.stderr);
}

/// A local option that names its weights (`model: {id: mistral-nemo}`) gets
/// the APIs serving the same weights marked and listed first, the scenario's
/// own APIs are in the list, and `--same-model` and `--models` narrow it.
#[test]
fn compare_puts_the_same_open_weights_first() {
    const BOX: &str = "scenarios/rtx4090-box.yaml";
    let r = tco(&["compare", BOX, "--format", "json"]).json();
    let rows = r["rows"].as_array().unwrap();
    let same: Vec<&Value> = rows.iter().filter(|x| x["same_weights"] == true).collect();
    assert!(!same.is_empty());
    let nemo = rows
        .iter()
        .find(|x| x["id"] == "mistral/mistral-nemo")
        .expect("the scenario's Mistral Nemo API");
    assert_eq!(nemo["from"], "scenario", "{nemo}");
    assert_eq!(nemo["same_weights"], true, "{nemo}");
    assert_eq!(
        rows.iter()
            .filter(|x| x["id"] == "mistral/mistral-nemo")
            .count(),
        1,
        "the scenario's option stands for the table entry"
    );
    // The scenario's four APIs are all there.
    assert_eq!(
        rows.iter()
            .filter(|x| x["from"] == "scenario" && x["kind"] == "api")
            .count(),
        4
    );
    // The like-for-like group (the box and the same weights) first, cheapest
    // first within each group.
    let first = rows
        .iter()
        .take_while(|x| x["same_weights"] == true || x["kind"] == "local")
        .count();
    assert_eq!(first, same.len() + 1, "{rows:#?}");
    for group in [&rows[..first], &rows[first..]] {
        let c: Vec<Decimal> = group.iter().map(|x| dec(&x["monthly_cost"])).collect();
        assert!(c.windows(2).all(|w| w[0] <= w[1]), "{c:?}");
    }
    // Every row marked serves Mistral Nemo; none unmarked does.
    for x in rows.iter().filter(|x| x["kind"] == "api") {
        let text = format!("{} {}", x["id"], x["name"])
            .to_lowercase()
            .replace(['-', ' ', '_'], "");
        assert_eq!(
            x["same_weights"] == true,
            text.contains("mistralnemo"),
            "{x}"
        );
    }
    let t = tco(&["compare", BOX]);
    let t = t.ok();
    assert!(t.contains("same weights first"), "{t}");
    assert!(t.contains("api, in the scenario, same weights"), "{t}");

    // --same-model: only those and the local option.
    let r = tco(&["compare", BOX, "--same-model", "--format", "json"]).json();
    let only = r["rows"].as_array().unwrap();
    assert_eq!(only.len(), same.len() + 1);
    assert!(only
        .iter()
        .all(|x| x["same_weights"] == true || x["kind"] == "local"));
    // A scenario whose local options name no weights: --same-model says how.
    let e = tco(&["compare", LIT, "--same-model"]);
    assert!(
        e.user_error().contains("local[].model has an id"),
        "{}",
        e.stderr
    );

    // --models: those table ids (a literature-only one too) besides the
    // scenario's options; an unknown id is an error with a suggestion.
    let r = tco(&[
        "compare",
        LIT,
        "--models",
        "openai/gpt-5,openai/gpt-4.1",
        "--format",
        "json",
    ])
    .json();
    let ids: Vec<&str> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(
        ids.contains(&"openai/gpt-5") && ids.contains(&"openai/gpt-4.1"),
        "{ids:?}"
    );
    let e = tco(&["compare", LIT, "--models", "openai/gpt-4.2"]);
    let msg = e.user_error();
    assert!(
        msg.contains("`openai/gpt-4.2` is not in the price table") && msg.contains("did you mean"),
        "{msg}"
    );
}

#[test]
fn breakeven_in_every_format() {
    let r = tco(&["breakeven", LIT, "--format", "json"]).json();
    let be = &r["break_even"][0];
    assert_eq!(be["status"], "crosses");
    assert_eq!(be["tokens_per_month"], 988_411_523u64);
    assert_eq!(be["local_wins"][0][1], Value::Null);

    let c = tco(&["breakeven", LIT, "--format", "csv"]);
    let recs = csv_records(c.ok());
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["status"], "crosses");
    assert_eq!(recs[0]["tokens_per_month"], "988411523");
    assert_eq!(recs[0]["local"], "4x A100 80GB server, owned");

    let t = tco(&["breakeven", LIT]);
    assert!(
        t.ok().contains("988,411,523") && t.stdout.contains("crosses"),
        "{}",
        t.stdout
    );
    let md = tco(&["breakeven", LIT, "--format", "markdown"]);
    assert!(md.ok().contains("| crosses |") && md.stdout.contains("| --- |"));

    // The flagship: the pairs agree with the report's.
    let rep = tco(&["report", "--format", "json"]).json();
    let be = tco(&["breakeven", "--format", "json"]).json();
    assert_eq!(rep["break_even"], be["break_even"]);
}

#[test]
fn sweep_log_and_linear_in_every_format() {
    let r = tco(&[
        "sweep", LIT, "--from", "1M", "--to", "10B", "--points", "5", "--format", "json",
    ])
    .json();
    let pts = r["points"].as_array().unwrap();
    let vols: Vec<u64> = pts
        .iter()
        .map(|p| p["tokens_per_month"].as_u64().unwrap())
        .collect();
    assert_eq!(
        vols,
        [
            1_000_000,
            10_000_000,
            100_000_000,
            1_000_000_000,
            10_000_000_000
        ]
    );
    let api: Vec<Decimal> = pts.iter().map(|p| dec(&p["api"][0])).collect();
    assert_eq!(api, [d("5.4"), d("54"), d("540"), d("5400"), d("54000")]);
    assert_eq!(pts[0]["local"][0]["nodes"], 1);
    assert_eq!(usd(dec(&pts[0]["local"][0]["monthly"])), "$5,337.42");
    // 10B / 3.1104B per node = 3.2 → 4 nodes.
    assert_eq!(pts[4]["local"][0]["nodes"], 4);

    let args = [
        "sweep",
        LIT,
        "--from",
        "0",
        "--to",
        "2B",
        "--points",
        "3",
        "--spacing",
        "linear",
    ];
    let j = tco(&[&args[..], &["--format", "json"]].concat()).json();
    let vols: Vec<u64> = j["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["tokens_per_month"].as_u64().unwrap())
        .collect();
    assert_eq!(vols, [0, 1_000_000_000, 2_000_000_000]);

    let c = tco(&[&args[..], &["--format", "csv"]].concat());
    let rows = csv(c.ok());
    assert_eq!(rows.len(), 4, "header + 3 points:\n{}", c.stdout);
    assert_eq!(rows[0][0], "tokens_per_month");
    assert_eq!(rows[2][0], "1000000000");
    assert_eq!(d(&rows[2][1]), d("5400"));
    assert!(
        rows[2][2].starts_with("5337.422222"),
        "full precision: {:?}",
        rows[2]
    );

    let t = tco(&args);
    assert!(
        t.ok().contains("$10,800.00") && t.stdout.contains("$5,337.42"),
        "{}",
        t.stdout
    );
    let md = tco(&[&args[..], &["--format", "markdown"]].concat());
    assert!(
        md.ok().contains("| $10,800.00 |") && md.stdout.contains("| ---: |"),
        "{}",
        md.stdout
    );

    // Default (log) spacing with defaults runs too.
    let t = tco(&["sweep", LIT, "--points", "3", "--format", "csv"]);
    assert_eq!(csv(t.ok()).len(), 4);

    // Bad ranges are user errors.
    // --points outside 2..=100000 is refused by the argument parser: a usage error.
    assert_eq!(tco(&["sweep", LIT, "--points", "1"]).code, 2);
    tco(&["sweep", LIT, "--from", "10B", "--to", "1M"]).user_error();
    tco(&["sweep", LIT, "--from", "0", "--spacing", "log"]).user_error();
    let e = tco(&["sweep", LIT, "--from", "5X"]);
    assert!(e.user_error().contains("--from"), "{}", e.stderr);
}

#[test]
fn validate_all_one_and_bad() {
    let out = tco(&["validate"]);
    let text = out.ok();
    for name in bundled_scenarios() {
        assert!(
            text.contains(&format!("ok  scenarios/{name}.yaml")),
            "validate lists {name}:\n{text}"
        );
    }
    assert!(text.contains("price tables"), "{text}");

    let one = tco(&["validate", LIT]);
    assert!(one.ok().contains(&format!("ok  {LIT}")), "{}", one.stdout);
    assert!(!one.stdout.contains("flagship"));

    let bad = tco(&["validate", "tests/invalid/negative-price.yaml"]);
    assert!(
        bad.user_error().contains("negative-price.yaml:"),
        "{}",
        bad.stderr
    );
    // A good file before a bad one: still exit 1.
    tco(&["validate", LIT, "tests/invalid/negative-price.yaml"]).user_error();
}

#[test]
fn prices_list_and_show_in_every_format() {
    let list = tco(&["prices", "list", "--format", "json"]).json();
    let models = list.as_array().unwrap();
    assert!(models.len() >= 6);
    let mini = models
        .iter()
        .find(|m| m["id"] == "openai/gpt-4o-mini")
        .expect("gpt-4o-mini is priced");
    assert_eq!(dec(&mini["input_per_mtok"]), d("0.15"));
    assert_eq!(dec(&mini["output_per_mtok"]), d("0.60"));
    let sonnet = models
        .iter()
        .find(|m| m["id"] == "anthropic/claude-sonnet-4.6")
        .expect("sonnet 4.6 is priced");
    assert_eq!(dec(&sonnet["input_per_mtok"]), d("3"));
    assert_eq!(dec(&sonnet["output_per_mtok"]), d("15"));

    let c = tco(&["prices", "list", "--format", "csv"]);
    let recs = csv_records(c.ok());
    assert_eq!(recs.len(), models.len());
    let row = recs
        .iter()
        .find(|r| r["id"] == "openai/gpt-4o-mini")
        .unwrap();
    assert_eq!(d(&row["input_per_mtok"]), d("0.15"));

    let t = tco(&["prices", "list"]);
    assert!(t.ok().contains("openai/gpt-4o-mini") && t.stdout.contains("$0.15"));
    let md = tco(&["prices", "list", "--format", "markdown"]);
    assert!(md.ok().contains("| --- |") && md.stdout.contains("openai/gpt-4o-mini"));

    let v = tco(&[
        "prices",
        "list",
        "--vendor",
        "anthropic",
        "--format",
        "json",
    ])
    .json();
    let v = v.as_array().unwrap();
    assert!(!v.is_empty() && v.len() < models.len());
    assert!(v
        .iter()
        .all(|m| m["id"].as_str().unwrap().starts_with("anthropic/")));
    tco(&["prices", "list", "--vendor", "no-such-vendor-zzz"]).user_error();

    let s = tco(&["prices", "show", "openai/gpt-4o-mini", "--format", "json"]).json();
    assert_eq!(s["id"], "openai/gpt-4o-mini");
    assert_eq!(dec(&s["cached_input_per_mtok"]), d("0.075"));
    assert_eq!(dec(&s["batch_discount"]), d("0.5"));
    let t = tco(&["prices", "show", "openai/gpt-4o-mini"]);
    assert!(
        t.ok().contains("$0.15") && t.stdout.contains("$0.60"),
        "{}",
        t.stdout
    );
    let md = tco(&[
        "prices",
        "show",
        "openai/gpt-4o-mini",
        "--format",
        "markdown",
    ]);
    assert!(md.ok().contains("| --- |"));
    let c = tco(&["prices", "show", "openai/gpt-4o-mini", "--format", "csv"]);
    assert!(csv(c.ok()).len() > 4);

    let e = tco(&["prices", "show", "openai/gpt-4o-mni"]);
    assert!(
        e.user_error().contains("did you mean `openai/gpt-4o-mini`"),
        "{}",
        e.stderr
    );
}

#[test]
fn completions_for_shells() {
    let b = tco(&["completions", "bash"]);
    let text = b.ok();
    assert!(
        text.contains("_tco()") && text.contains("complete "),
        "{text}"
    );
    for sub in [
        "report",
        "compare",
        "breakeven",
        "sweep",
        "validate",
        "prices",
    ] {
        assert!(text.contains(sub), "bash completion lacks {sub}");
    }
    assert!(text.contains("--format"));
    for shell in ["zsh", "fish"] {
        assert!(!tco(&["completions", shell]).ok().is_empty());
    }
}
