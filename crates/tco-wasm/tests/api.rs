//! The bindings as the page calls them, run in headless Chromium:
//! `bash web/test-wasm.sh` (or `cargo test -p tco-wasm --target
//! wasm32-unknown-unknown` with wasm-bindgen-test-runner as the runner and
//! CHROMEDRIVER set). Figures are the hand-checked ones of
//! tests/model/EXPECTED.md.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::panic)]

use serde_json::Value;
use tco_wasm::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn bundled(id: &str) -> (String, String) {
    let list: Value = serde_json::from_str(&bundled_scenarios().unwrap()).unwrap();
    let s = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no bundled scenario {id}"));
    (
        s["text"].as_str().unwrap().to_string(),
        s["path"].as_str().unwrap().to_string(),
    )
}

fn prop(e: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(e, &JsValue::from_str(key)).unwrap()
}

fn prop_str(e: &JsValue, key: &str) -> String {
    prop(e, key).as_string().unwrap_or_default()
}

fn prop_num(e: &JsValue, key: &str) -> f64 {
    prop(e, key).as_f64().unwrap_or(f64::NAN)
}

const SMALL: &str = "\
name: small
workload:
  tokens_per_month: 100M
api:
  - model: anthropic/claude-sonnet-4.6
local:
  - name: box
    owned: {price: 80000, amortization_months: 36}
    throughput: {tokens_per_second: 1200}
";

#[wasm_bindgen_test]
fn report_is_the_cli_json_with_hand_checked_figures() {
    let tco = Tco::new().unwrap();
    let (text, path) = bundled("lit-4xa100-vs-sonnet");
    let json = tco.report(&text, &path).unwrap();
    // The CLI prints serde_json's pretty form with one final newline.
    assert!(json.starts_with("{\n  \"scenario\": "));
    assert!(json.ends_with("}\n"));
    let r: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(r["tokens_per_month"], 100_000_000);
    assert_eq!(r["api"][0]["blended_per_mtok"], "5.4");
    assert_eq!(r["api"][0]["monthly_cost"], "540");
    let l = &r["local"][0];
    assert_eq!(l["monthly_cost"], "5337.4222222222222222222222222");
    assert_eq!(l["breakdown"]["hardware"], "2222.2222222222222222222222222");
    assert_eq!(l["breakdown"]["power"], "115.2");
    assert_eq!(l["breakdown"]["staff"], "3000");
    assert_eq!(l["capacity_tokens_per_month"], 3_110_400_000u64);
    let b = &r["break_even"][0];
    assert_eq!(b["status"], "crosses");
    assert_eq!(b["tokens_per_month"], 988_411_523);
    assert_eq!(b["local_wins"], serde_json::json!([[988_411_523, null]]));
}

#[wasm_bindgen_test]
fn every_bundled_scenario_reports() {
    let tco = Tco::new().unwrap();
    let list: Value = serde_json::from_str(&bundled_scenarios().unwrap()).unwrap();
    let list = list.as_array().unwrap();
    assert!(list.len() >= 10);
    assert!(list.iter().any(|s| s["id"] == flagship_id().as_str()));
    for s in list {
        let (text, path) = (s["text"].as_str().unwrap(), s["path"].as_str().unwrap());
        let r: Value = serde_json::from_str(&tco.report(text, path).unwrap()).unwrap();
        let v: Value = serde_json::from_str(&tco.validate(text, path).unwrap()).unwrap();
        assert_eq!(r["scenario"], v["name"], "{path}");
        assert_eq!(
            r["break_even"].as_array().unwrap().len() as u64,
            v["api_options"].as_u64().unwrap() * v["local_options"].as_u64().unwrap(),
            "{path}"
        );
    }
}

#[wasm_bindgen_test]
fn a_yaml_mistake_is_a_js_error_with_its_location() {
    let tco = Tco::new().unwrap();
    let bad = SMALL.replace("tokens_per_month: 100M", "tokens_per_month: 100m");
    let e = tco.report(&bad, "pasted").unwrap_err();
    assert!(e.is_instance_of::<js_sys::Error>());
    assert_eq!(prop_str(&e, "name"), "TcoError");
    assert_eq!(prop_str(&e, "kind"), "input");
    assert_eq!(prop_str(&e, "origin"), "pasted");
    assert_eq!(prop_num(&e, "line"), 3.0);
    assert_eq!(prop_num(&e, "col"), 21.0);
    assert_eq!(prop_str(&e, "path"), "workload.tokens_per_month");
    assert!(prop_str(&e, "problem").contains("lower-case m"));
    let message = prop_str(&e, "message");
    assert!(
        message.starts_with("pasted:3:21: workload.tokens_per_month: "),
        "{message}"
    );

    // Broken YAML syntax: located at the parser's mark, no field path.
    let e = tco.report("name: [x\n", "pasted").unwrap_err();
    assert_eq!(prop_num(&e, "line"), 2.0);
    assert_eq!(prop_str(&e, "path"), "");
    assert!(prop_str(&e, "problem").contains("not valid YAML"));

    // Unknown key: the suggestion and the allowed keys travel with it.
    let e = tco
        .validate(&SMALL.replace("name: small", "nmae: small"), "pasted")
        .unwrap_err();
    assert_eq!(prop_num(&e, "line"), 1.0);
    assert!(prop_str(&e, "problem").contains("did you mean `name`"));
    assert!(prop_str(&e, "allowed").contains("workload"));
}

/// The nine-line "billion laughs": 9^9 values if expanded.
fn billion_laughs() -> String {
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    let mut t = String::from("a: &a [lol]\n");
    for w in names.windows(2) {
        let items = vec![format!("*{}", w[0]); 9].join(",");
        t.push_str(&format!("{}: &{} [{items}]\n", w[1], w[1]));
    }
    t
}

#[wasm_bindgen_test]
fn hostile_text_is_a_located_error_naming_the_limit() {
    let tco = Tco::new().unwrap();
    let laughs = billion_laughs();
    for e in [
        tco.report(&laughs, "shared.yaml").unwrap_err(),
        tco.validate(&laughs, "shared.yaml").unwrap_err(),
        tco.edit(SMALL, "pasted", vec![format!("api={laughs}")])
            .unwrap_err(),
    ] {
        assert_eq!(prop_str(&e, "kind"), "input");
        assert!(prop_num(&e, "line") >= 1.0);
        assert!(
            prop_str(&e, "problem").contains("larger than 500000 values"),
            "{}",
            prop_str(&e, "message")
        );
        assert!(prop_str(&e, "allowed").contains("at most 500000"));
    }
    let e = tco.report(&"[".repeat(100_000), "deep.yaml").unwrap_err();
    assert!(prop_str(&e, "problem").contains("recursion limit exceeded"));
    let nested: Vec<String> = (0..100)
        .map(|i| format!("{}k:", " ".repeat(2 * i)))
        .collect();
    let e = tco
        .report(&(nested.join("\n") + " 1\n"), "deep.yaml")
        .unwrap_err();
    assert!(prop_str(&e, "problem").contains("deeper than 64"));
}

#[wasm_bindgen_test]
fn edit_sets_a_path_and_returns_checked_yaml() {
    let tco = Tco::new().unwrap();
    let out = tco
        .edit(
            SMALL,
            "pasted",
            vec!["workload.tokens_per_month=500M".into()],
        )
        .unwrap();
    assert!(out.contains("tokens_per_month: 500M\n"), "{out}");
    let r: Value = serde_json::from_str(&tco.report(&out, "pasted").unwrap()).unwrap();
    assert_eq!(r["tokens_per_month"], 500_000_000);
    // 500 M at $5.40 = $2,700.
    assert_eq!(r["api"][0]["monthly_cost"], "2700");

    // A bad value is the located error of the edited field.
    let e = tco
        .edit(SMALL, "pasted", vec!["workload.input_share=1.5".into()])
        .unwrap_err();
    assert_eq!(prop_str(&e, "path"), "workload.input_share");
    assert_eq!(prop_str(&e, "origin"), "--set workload.input_share");
    assert!(prop_str(&e, "allowed").contains('1'));
}

#[wasm_bindgen_test]
fn an_empty_value_removes_the_field_so_the_machine_figure_applies() {
    let tco = Tco::new().unwrap();
    let (text, path) = bundled("lit-4xa100-vs-sonnet");
    let out = tco
        .edit(
            &text,
            &path,
            vec![
                "local[0].owned.price=".into(),
                "local[0].power.load_watts=".into(),
                "local[0].power.idle_watts=".into(),
                // Not in the file: setting it to nothing must not leave `{}` or `~` behind.
                "local[0].rented.gpus=".into(),
            ],
        )
        .unwrap();
    assert!(!out.contains("price: 80000"), "{out}");
    assert!(!out.contains("rented"), "{out}");
    // (The file's comments stay, and one of them says `~$2,222/month`.)
    assert!(
        !out.lines().any(|l| {
            let v = l.split(" #").next().unwrap_or("").trim_end();
            v.ends_with(": ~") || v.ends_with(':') && v.trim_start().starts_with("rented")
        }),
        "{out}"
    );
    let s: Value = serde_json::from_str(&tco.scenario(&out, &path).unwrap()).unwrap();
    let hw: Value = serde_json::from_str(&tco.hardware().unwrap()).unwrap();
    let machine = hw["hardware"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "nvidia/a100-80gb-x4")
        .unwrap();
    assert_eq!(
        s["local"][0]["hardware"]["owned"]["price"],
        machine["price"].as_str().unwrap()
    );
    assert_eq!(
        s["local"][0]["power"]["load_watts"],
        machine["load_watts"].as_str().unwrap()
    );
}

#[wasm_bindgen_test]
fn sweep_prices_each_volume_like_the_report() {
    let tco = Tco::new().unwrap();
    let sw: Value =
        serde_json::from_str(&tco.sweep(SMALL, "pasted", "1M", "100M", 3, "log").unwrap()).unwrap();
    let pts = sw["points"].as_array().unwrap();
    assert_eq!(
        pts.iter()
            .map(|p| p["tokens_per_month"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![1_000_000, 10_000_000, 100_000_000]
    );
    // The last point is the workload volume: the same figures as the report.
    let r: Value = serde_json::from_str(&tco.report(SMALL, "pasted").unwrap()).unwrap();
    assert_eq!(pts[2]["api"][0], r["api"][0]["monthly_cost"]);
    assert_eq!(pts[2]["local"][0]["monthly"], r["local"][0]["monthly_cost"]);
    let csv = tco
        .sweep_csv(SMALL, "pasted", "1M", "100M", 3, "log")
        .unwrap();
    assert!(csv.starts_with("tokens_per_month,api: Claude Sonnet 4.6,local: box\r\n"));

    let e = tco
        .sweep(SMALL, "pasted", "1M", "100M", 1, "log")
        .unwrap_err();
    assert_eq!(prop_str(&e, "kind"), "invalid");
    assert!(prop_str(&e, "message").contains("2 to"));
    let e = tco
        .sweep(SMALL, "pasted", "1M", "100M", 3, "cubic")
        .unwrap_err();
    assert!(prop_str(&e, "message").contains("log"));
}

#[wasm_bindgen_test]
fn cost_chart_is_tco_charts_svg_around_the_break_even() {
    let tco = Tco::new().unwrap();
    let (text, path) = bundled("lit-4xa100-vs-sonnet");
    let svg = tco.cost_chart(&text, &path).unwrap();
    assert!(svg.starts_with("<svg"), "{svg}");
    // A decade below the volume (100M) to a decade above the break-even (988M).
    assert!(svg.contains(r#"data-x-min="10000000" data-x-max="10000000000""#));
    assert!(svg.contains(r#"<g class="series" data-name="Claude Sonnet 4.6" data-kind="api">"#));
    assert!(svg.contains(
        r#"<g class="series" data-name="4x A100 80GB server, owned" data-kind="local">"#
    ));
    assert!(svg.contains(r#"data-label="988M" data-x="988411523""#));
    assert!(svg.contains(r#"<g class="workload" data-x="100000000">"#));
    let e = tco.cost_chart("name: x\n", "pasted").unwrap_err();
    assert_eq!(prop_str(&e, "kind"), "input");
    assert!(prop_str(&e, "problem").contains("workload"));
}

#[wasm_bindgen_test]
fn csv_is_the_cli_csv() {
    let tco = Tco::new().unwrap();
    let csv = tco.report_csv(SMALL, "pasted").unwrap();
    let mut lines = csv.split("\r\n");
    assert_eq!(lines.next().unwrap(), "kind,name,monthly_cost,cost_per_mtok,hardware,power,staff,other,overhead,nodes,utilization,capacity_tokens_per_month,can_serve,currency,tokens_per_month");
    assert!(lines
        .next()
        .unwrap()
        .starts_with("api,Claude Sonnet 4.6,540,5.4,"));
    let be = tco.break_even_csv(SMALL, "pasted").unwrap();
    assert!(be.starts_with("local,api,status,tokens_per_month,"));
    // Hardware 80000/36 = 2222.22…, no staff or power: crosses at 2222.22…/5.4 MTok.
    assert!(
        be.contains("box,Claude Sonnet 4.6,crosses,411522634,"),
        "{be}"
    );
}

#[wasm_bindgen_test]
fn tables_cross_as_json_and_can_be_replaced() {
    let tco = Tco::new().unwrap();
    let p: Value = serde_json::from_str(&tco.prices().unwrap()).unwrap();
    let sonnet = p["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "anthropic/claude-sonnet-4.6")
        .unwrap();
    assert_eq!(sonnet["input_per_mtok"], "3");
    assert_eq!(sonnet["output_per_mtok"], "15");

    let own = "models:\n  - id: me/cheap\n    name: Cheap\n    vendor: me\n    input_per_mtok: 1\n    output_per_mtok: 2\n    as_of: 2026-01-01\n    source: test\n";
    let custom = Tco::with_tables(Some(own.into()), None).unwrap();
    let text = SMALL.replace("anthropic/claude-sonnet-4.6", "me/cheap");
    let r: Value = serde_json::from_str(&custom.report(&text, "pasted").unwrap()).unwrap();
    // 0.8 × 1 + 0.2 × 2 = 1.2 per MTok; 100 MTok = 120.
    assert_eq!(r["api"][0]["blended_per_mtok"], "1.2");
    assert_eq!(r["api"][0]["monthly_cost"], "120");
    // The bundled table does not know the id: located error with a hint.
    let e = tco.report(&text, "pasted").unwrap_err();
    assert_eq!(prop_str(&e, "path"), "api[0].model");

    let e = Tco::with_tables(Some("models: 3\n".into()), None).unwrap_err();
    assert_eq!(prop_str(&e, "origin"), "pricing");
    assert_eq!(prop_str(&e, "path"), "models");
}

#[wasm_bindgen_test]
fn display_rounding_is_the_cli_rounding() {
    assert_eq!(
        format_money("5337.4222222222222222222222222", "USD").unwrap(),
        "$5,337.42"
    );
    assert_eq!(format_money("2.345", "EUR").unwrap(), "€2.35");
    assert_eq!(format_money("-15", "CHF").unwrap(), "-CHF 15.00");
    assert_eq!(format_per_mtok("0.075", "USD").unwrap(), "$0.0750");
    assert_eq!(format_tokens("988411523").unwrap(), "988,411,523");
    assert_eq!(format_tokens_short("3110400000").unwrap(), "3.11B");
    assert_eq!(format_percent("0.032150").unwrap(), "3.2%");
    let e = format_money("lots", "USD").unwrap_err();
    assert!(prop_str(&e, "message").contains("not a decimal"));
}

#[wasm_bindgen_test]
fn simulate_is_the_cli_json_and_repeats_with_the_seed() {
    let tco = Tco::new().unwrap();
    let (text, path) = bundled("flagship");
    let a = tco.simulate(&text, &path, 2000, 42.0).unwrap();
    // The same seed gives the same text; another seed does not.
    assert_eq!(a, tco.simulate(&text, &path, 2000, 42.0).unwrap());
    assert_ne!(a, tco.simulate(&text, &path, 2000, 7.0).unwrap());
    assert!(a.ends_with("}\n") && a.starts_with("{\n  \"scenario\""));
    let d: Value = serde_json::from_str(&a).unwrap();
    assert_eq!(d["samples"], 2000);
    assert_eq!(d["seed"], 42);
    assert_eq!(d["inputs"].as_array().unwrap().len(), 4);
    // 2 local options × 3 APIs.
    let be = d["break_even"].as_array().unwrap();
    assert_eq!(be.len(), 6);
    // `tco simulate flagship --samples 2000 --seed 42 --format json` (native x86-64):
    // the draws are integer arithmetic, so wasm gives the same numbers.
    assert_eq!(be[0]["break_even_percentiles"]["p50"], 1824096778u64);
    assert_eq!(be[1]["break_even_percentiles"]["p50"], 5940517959u64);
    assert_eq!(be[3]["break_even_percentiles"]["p50"], 2159572880u64);
    assert_eq!(be[0]["prob_local_cheaper"], 1.0);
    assert_eq!(be[2]["never_share"], 1.0);

    let e = tco.simulate(&text, &path, 0, 42.0).unwrap_err();
    assert!(prop_str(&e, "message").contains("allowed from 1"));
    let e = tco.simulate(&text, &path, 10, -1.0).unwrap_err();
    assert!(prop_str(&e, "message").contains("seed -1"));
}

#[wasm_bindgen_test]
fn charts_of_the_simulation_and_the_sensitivity() {
    let tco = Tco::new().unwrap();
    let (text, path) = bundled("flagship");
    let h = tco.histogram_chart(&text, &path, 2000, 42.0, 0).unwrap();
    assert!(h.starts_with("<svg") && h.contains("</svg>"));
    let e = tco
        .histogram_chart(&text, &path, 2000, 42.0, 6)
        .unwrap_err();
    assert!(prop_str(&e, "message").contains("pair 6: allowed 0 to 5"));

    let s: Value = serde_json::from_str(&tco.sensitivity(&text, &path, false).unwrap()).unwrap();
    assert_eq!(s["pairs"].as_array().unwrap().len(), 6);
    let t = tco
        .tornado_chart(&text, &path, false, 0, "break-even", 10)
        .unwrap()
        .unwrap();
    assert!(t.starts_with("<svg"));
    assert!(tco
        .tornado_chart(&text, &path, false, 0, "saving", 10)
        .unwrap()
        .unwrap()
        .starts_with("<svg"));
    let e = tco
        .tornado_chart(&text, &path, false, 0, "sideways", 10)
        .unwrap_err();
    assert!(prop_str(&e, "message").contains("allowed `break-even` or `saving`"));
}

#[wasm_bindgen_test]
fn hybrid_and_npv_are_the_cli_json() {
    let tco = Tco::new().unwrap();
    let (text, path) = bundled("flagship");
    let h: Value = serde_json::from_str(&tco.hybrid(&text, &path, "0.05").unwrap()).unwrap();
    assert_eq!(h["pairs"].as_array().unwrap().len(), 6);
    let e = tco.hybrid(&text, &path, "0.9").unwrap_err();
    assert!(
        prop_str(&e, "message").contains("0.9 is outside")
            || prop_str(&e, "message").contains("step of 0.9")
    );
    let n: Value = serde_json::from_str(&tco.npv(&text, &path).unwrap().unwrap()).unwrap();
    assert_eq!(n["pairs"].as_array().unwrap().len(), 6);
    // No finance block: nothing to discount.
    assert!(tco.npv(SMALL, "pasted").unwrap().is_none());
}

#[wasm_bindgen_test]
fn one_update_call_gives_what_the_separate_calls_give() {
    let tco = Tco::new().unwrap();
    let (text, path) = bundled("lit-4xa100-vs-sonnet");
    // No edits: the text as given, the report and chart of the separate calls.
    let u: Value = serde_json::from_str(&tco.update(&text, &path, vec![]).unwrap()).unwrap();
    assert_eq!(u["text"].as_str().unwrap(), text);
    assert_eq!(
        u["report"].as_str().unwrap(),
        tco.report(&text, &path).unwrap()
    );
    assert_eq!(
        u["chart"]["Ok"].as_str().unwrap(),
        tco.cost_chart(&text, &path).unwrap()
    );
    let scenario: Value = serde_json::from_str(&tco.scenario(&text, &path).unwrap()).unwrap();
    assert_eq!(u["scenario"], scenario);
    // The display texts are the CLI's (README: "988M and up", the memory note).
    assert_eq!(u["wins"][0], "988M and up");
    assert_eq!(u["payback"][0], "—");
    // The notes: the table price's age (the page prices at today's date, as
    // the CLI does) and the memory fit.
    let notes: Vec<&str> = u["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        notes.contains(&"4x A100 80GB server, owned: model needs 225.90 GB (140 GB weights + 85.90 GB KV cache, estimated from the nearest Llama shape) of 320 GB: fit"),
        "{notes:?}"
    );
    // With an edit: the text `edit` writes, priced.
    let sets = vec!["workload.tokens_per_month=2B".to_string()];
    let u: Value = serde_json::from_str(&tco.update(&text, &path, sets.clone()).unwrap()).unwrap();
    let edited = tco.edit(&text, &path, sets).unwrap();
    assert_eq!(u["text"].as_str().unwrap(), edited);
    assert_eq!(
        u["report"].as_str().unwrap(),
        tco.report(&edited, &path).unwrap()
    );
    // A refused edit is the located error, as from `edit`.
    let e = tco
        .update(&text, &path, vec!["workload.input_share=1.5".into()])
        .unwrap_err();
    assert_eq!(prop_str(&e, "path"), "workload.input_share");
    assert_eq!(
        prop_str(&e, "allowed"),
        "a share between 0 and 1 (0.8 = 80 %)"
    );
}

#[wasm_bindgen_test]
fn field_specs_are_the_readers_ranges() {
    let specs: Value = serde_json::from_str(&field_specs().unwrap()).unwrap();
    let kwh = specs
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"] == "local[].power.price_per_kwh")
        .unwrap();
    assert_eq!(kwh["label"], "electricity price");
    assert_eq!(
        (kwh["min"].as_str(), kwh["max"].as_str()),
        (Some("0"), Some("1000"))
    );
    assert_eq!(kwh["allowed"], "a price per kWh from 0 to 1,000");
    assert_eq!(
        field_label("local[0].power.price_per_kwh"),
        "electricity price (local 1)"
    );
}

/// The page switches billing kinds with the registry's `kinds` (on the
/// billing line of fieldSpecs) through `update`: the other kinds' keys go,
/// the new kind's required ones come at their defaults, as
/// `fields::billing_switch` writes them for the terminal calculator.
#[wasm_bindgen_test]
fn billing_kinds_cross_in_field_specs_and_a_switch_goes_through_update() {
    let specs: Value = serde_json::from_str(&field_specs().unwrap()).unwrap();
    let billing = specs
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"] == "local[].rented.billing")
        .unwrap();
    let kinds: Vec<&str> = billing["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k[0].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["always_on", "busy_hours", "reserved", "spot", "autoscaled"]
    );
    assert_eq!(
        billing["kinds"][2][1][0],
        serde_json::json!(["term_months", "12"])
    );
    assert!(specs
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["path"] != "local[].rented.billing")
        .all(|s| s.get("kinds").is_none()));
    let tco = Tco::new().unwrap();
    let (text, path) = bundled("h100-rented-llama70b");
    let u = |text: &str, sets: Vec<String>| -> Value {
        serde_json::from_str(&tco.update(text, &path, sets).unwrap()).unwrap()
    };
    let reserved = u(
        &text,
        tco_core::model::fields::billing_switch("local[0].rented", "always_on", "reserved"),
    );
    let r = &reserved["scenario"]["local"][0]["hardware"]["rented"]["billing"]["reserved"];
    assert_eq!(r["term_months"], 12);
    let spot = u(
        reserved["text"].as_str().unwrap(),
        tco_core::model::fields::billing_switch("local[0].rented", "reserved", "spot"),
    );
    let t = spot["text"].as_str().unwrap();
    assert!(
        !t.contains("term_months") && t.contains("discount: 0.6"),
        "{t}"
    );
    assert_eq!(
        spot["scenario"]["local"][0]["hardware"]["rented"]["billing"]["spot"]["discount"],
        "0.6"
    );
}

#[wasm_bindgen_test]
fn the_histogram_reuses_the_simulation_just_run() {
    let tco = Tco::new().unwrap();
    let (text, path) = bundled("flagship");
    // A fresh calculator draws the histogram from its own run; one that has
    // just simulated reuses that run: the same picture either way.
    let fresh = Tco::new()
        .unwrap()
        .histogram_chart(&text, &path, 2000, 7.0, 0)
        .unwrap();
    tco.simulate(&text, &path, 2000, 7.0).unwrap();
    assert_eq!(
        tco.histogram_chart(&text, &path, 2000, 7.0, 0).unwrap(),
        fresh
    );
    // Another seed is another run, not the kept one.
    assert_ne!(
        tco.histogram_chart(&text, &path, 2000, 8.0, 0).unwrap(),
        fresh
    );
}

/// Issue 14: on the page, as in the CLI, a box that cannot hold its model is
/// left out of the verdict with its reason, and its break-even is infeasible.
#[wasm_bindgen_test]
fn a_box_that_cannot_hold_the_model_never_wins_on_the_page() {
    let tco = Tco::new().unwrap();
    let text = include_str!("../../../tests/data/verdict/coder-2x4090.yaml");
    let u: Value =
        serde_json::from_str(&tco.update(text, "coder-2x4090.yaml", vec![]).unwrap()).unwrap();
    let r: Value = serde_json::from_str(u["report"].as_str().unwrap()).unwrap();
    assert_eq!(r["local"][0]["can_serve"], false);
    assert_eq!(r["verdict"]["kind"], "api");
    assert_eq!(r["verdict"]["excluded"][0]["name"], "2x RTX 4090 box");
    assert_eq!(r["break_even"][0]["status"], "infeasible");
    assert_eq!(u["wins"][0], "— cannot serve (see Notes)");
    assert_eq!(u["payback"][0], "—");
    // A model that fits: the box wins again.
    let u: Value = serde_json::from_str(
        &tco.update(
            text,
            "coder-2x4090.yaml",
            vec!["local[0].model.quant=Q4_K_M".into()],
        )
        .unwrap(),
    )
    .unwrap();
    let r: Value = serde_json::from_str(u["report"].as_str().unwrap()).unwrap();
    assert_eq!(r["verdict"]["kind"], "local");
}

/// Issue 14: a latency target no measured load meets makes the option
/// infeasible on the page too (not an error): left out of the verdict with
/// the lowest load's figures as the reason; a looser target restores it.
#[wasm_bindgen_test]
fn an_unmet_latency_target_never_wins_on_the_page() {
    let tco = Tco::new().unwrap();
    let text = include_str!("../../../tests/data/slo-levels.yaml");
    let cheap = "local[0].rented.price_per_gpu_hour=0.10".to_string();
    let run = |sets: Vec<String>| -> (Value, Value) {
        let u: Value =
            serde_json::from_str(&tco.update(text, "slo-levels.yaml", sets).unwrap()).unwrap();
        let r: Value = serde_json::from_str(u["report"].as_str().unwrap()).unwrap();
        (u, r)
    };
    let (_, r) = run(vec![cheap.clone()]);
    assert_eq!(r["verdict"]["kind"], "local");
    let (u, r) = run(vec![
        cheap,
        "local[0].throughput.slo.ttft_p95_ms=100".into(),
    ]);
    assert_eq!(r["local"][0]["can_serve"], false);
    assert_eq!(r["verdict"]["kind"], "api");
    assert_eq!(r["verdict"]["excluded"][0]["name"], "Server under an SLO");
    assert!(r["verdict"]["excluded"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("the lowest, concurrency 1, measured p95 TTFT 150 ms (target 100 ms)"));
    assert_eq!(r["break_even"][0]["status"], "infeasible");
    assert_eq!(u["wins"][0], "— cannot serve (see Notes)");
    assert_eq!(u["payback"][0], "—");
}

#[wasm_bindgen_test]
fn the_profile_and_the_latency_targets_go_through_update() {
    let tco = Tco::new().unwrap();
    let (text, path) = bundled("estimate-before-you-buy");
    let u: Value = serde_json::from_str(&tco.update(&text, &path, vec![]).unwrap()).unwrap();
    assert_eq!(u["profile"], "flat");
    // Typed numbers become the list --set reads; the form shows them back.
    let typed = "1 1 1 1 1 1 1 1 4 4 8 8 8 8 8 8 4 4 1 1 1 1 1 1";
    let set = format!("workload.hourly_profile={}", profile_value(typed));
    let u: Value = serde_json::from_str(&tco.update(&text, &path, vec![set]).unwrap()).unwrap();
    assert_eq!(u["profile"], typed);
    // 23 numbers: the reader's located error.
    let set = format!("workload.hourly_profile={}", profile_value(&typed[2..]));
    let e = tco.update(&text, &path, vec![set]).unwrap_err();
    assert_eq!(prop_str(&e, "path"), "workload.hourly_profile");
    assert!(prop_str(&e, "problem").contains("23 weights given"));
    // Each local option's targets as written; adding one is the core's edit.
    let slo = u["slo"].as_array().unwrap();
    assert!(slo.iter().any(|w| w["curve"] == true), "{slo:?}");
    assert_eq!(
        slo_add("local[0].throughput", "tpot_p95_ms=90", true).unwrap(),
        [
            "local[0].throughput.slo.tpot_p95_ms=90",
            "local[0].throughput.concurrency="
        ]
    );
    assert!(slo_add("local[0].throughput", "tpot_p95_ms", false).is_err());
}

/// `update` draws the modelled curve of each estimated option (null for
/// the others), the report's capacity marked; `fieldSpecs` lists the
/// quantizations the page's select offers.
#[wasm_bindgen_test]
fn update_draws_the_estimates_curve_and_field_specs_list_the_quants() {
    let tco = Tco::new().unwrap();
    let (text, path) = bundled("estimate-before-you-buy");
    let u: Value = serde_json::from_str(&tco.update(&text, &path, vec![]).unwrap()).unwrap();
    let curves = u["curves"].as_array().unwrap();
    assert_eq!(curves.len(), 1);
    let svg = curves[0]["Ok"].as_str().unwrap();
    assert!(svg.starts_with("<svg"));
    // EXPECTED.md: 2,999.1918 tokens/s, between batch 8 and 16.
    assert!(svg.contains("data-y=\"2999.1918\""), "{svg}");
    assert!(svg.contains("2,999 tokens/s (batch 8–16)"));
    let (text, path) = bundled("h100-rented-llama70b");
    let u: Value = serde_json::from_str(&tco.update(&text, &path, vec![]).unwrap()).unwrap();
    assert_eq!(u["curves"], serde_json::json!([null, null]));
    let specs: Value = serde_json::from_str(&field_specs().unwrap()).unwrap();
    let quant = specs
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"] == "local[].model.quant")
        .unwrap();
    let choices = quant["choices"].as_array().unwrap();
    assert_eq!(choices.len(), 12);
    assert!(choices.contains(&serde_json::json!(["Q4KM", "Q4_K_M"])));
}
