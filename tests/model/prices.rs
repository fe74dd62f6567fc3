//! How vendors price, against the hand-checked examples of EXPECTED.md's
//! section "Vendor price rules": a long-context tier, cache writes, off-peak
//! hours with an uplift, a currency conversion, a dated price change inside a
//! finance horizon, and staleness notes. The price table is written here, so
//! the figures do not move when pricing/api.yaml is updated.

use rust_decimal_macros::dec;
use tco_core::input::bundled;
use tco_core::input::scenario::{NoFiles, Tables};
use tco_core::model::date::Date;
use tco_core::model::prices::PriceTable;
use tco_core::Error;
use tco_core::Scenario;

const TABLE: &str = r#"
models:
  - id: test/long-context
    input_per_mtok: 3
    output_per_mtok: 15
    cached_input_per_mtok: 0.3
    cache_write_per_mtok: 3.75
    tiers:
      - above_prompt_tokens: 200000
        input_per_mtok: 6
        output_per_mtok: 22.5
        cached_input_per_mtok: 0.6
    as_of: 2026-08-21
  - id: test/off-peak
    input_per_mtok: 0.27
    output_per_mtok: 1.1
    cached_input_per_mtok: 0.07
    off_peak:
      hours_utc: "16:30-00:30"
      input_per_mtok: 0.135
      output_per_mtok: 0.55
      cached_input_per_mtok: 0.035
    as_of: 2026-08-21
  - id: test/introductory
    input_per_mtok: 2
    output_per_mtok: 10
    schedule:
      - from: 2026-09-01
        input_per_mtok: 3
        output_per_mtok: 15
    as_of: 2026-03-01
"#;

fn scenario(
    api: &str,
    workload_extra: &str,
    top_extra: &str,
    date: Option<&str>,
) -> Result<Scenario, Error> {
    let prices = PriceTable::parse(TABLE, "test-prices.yaml").unwrap();
    let hardware = bundled::tables().unwrap().hardware;
    let text = format!(
        "name: vendor price rules
hours_per_month: 100
{top_extra}
workload:
  tokens_per_month: 100M
  input_share: 0.8
{workload_extra}
api:
{api}
local:
  - name: rented box
    rented: {{price_per_gpu_hour: 1, gpus: 1}}
    throughput: {{tokens_per_second: 1000000}}
"
    );
    let tables = Tables {
        prices: &prices,
        hardware: &hardware,
        date: date.map(|d| Date::parse(d).unwrap()),
    };
    Scenario::parse(&text, "rules.yaml", tables, &NoFiles)
}

fn blended(s: &Scenario) -> rust_decimal::Decimal {
    s.evaluate().api[0].blended_per_mtok.amount()
}

#[test]
fn a_long_prompt_pays_the_tier_price() {
    let w = "  cached_input_share: 0.5\n  prompt_tokens_per_request: 250000";
    let s = scenario("  - model: test/long-context", w, "", None).unwrap();
    assert_eq!(blended(&s), dec!(7.14));
    let r = s.evaluate();
    assert_eq!(r.api[0].monthly_cost.amount(), dec!(714));
    assert!(
        r.notes.iter().any(|n| n.contains("above 200000 tokens")),
        "{:?}",
        r.notes
    );
    // 200,000 is not above the threshold: the standard prices.
    let w = "  cached_input_share: 0.5\n  prompt_tokens_per_request: 200000";
    let s = scenario("  - model: test/long-context", w, "", None).unwrap();
    assert_eq!(blended(&s), dec!(4.32));
}

#[test]
fn cache_writes_are_billed_apart() {
    let w = "  cached_input_share: 0.3\n  cache_write_share: 0.05";
    let s = scenario("  - model: test/long-context", w, "", None).unwrap();
    assert_eq!(blended(&s), dec!(4.782));
    assert_eq!(s.evaluate().api[0].monthly_cost.amount(), dec!(478.2));
    // A vendor without a cache-write price bills writes as input.
    let s = scenario(
        "  - model: test/off-peak",
        "  cache_write_share: 0.5",
        "",
        None,
    )
    .unwrap();
    assert_eq!(blended(&s), dec!(0.436));
}

#[test]
fn off_peak_hours_with_an_uplift() {
    let s = scenario(
        "  - model: test/off-peak\n    uplift: 1.1",
        "  off_peak_share: 0.3",
        "",
        None,
    )
    .unwrap();
    assert_eq!(blended(&s), dec!(0.40766));
    assert_eq!(
        tco_core::model::format::money(s.evaluate().api[0].monthly_cost, "USD"),
        "$40.77"
    );
    // A model without off-peak prices pays its standard price at any hour.
    let s = scenario(
        "  - model: test/long-context",
        "  off_peak_share: 0.3",
        "",
        None,
    )
    .unwrap();
    assert_eq!(blended(&s), dec!(5.4));
}

#[test]
fn a_scenario_in_euros_converts_table_prices_at_its_rate() {
    let top = "currency: EUR\nexchange_rates: {as_of: 2026-11-30, USD: 0.92}";
    let s = scenario("  - model: test/long-context", "", top, None).unwrap();
    assert_eq!(blended(&s), dec!(4.968));
    let r = s.evaluate();
    assert_eq!(
        tco_core::model::format::money(r.api[0].monthly_cost, "EUR"),
        "€496.80"
    );
    assert!(
        r.notes
            .iter()
            .any(|n| n == "exchange rates as of 2026-11-30: 1 USD = 0.92 EUR"),
        "{:?}",
        r.notes
    );
    // Inline prices are the scenario's own currency: not converted.
    let s = scenario(
        "  - name: inline\n    input_per_mtok: 3\n    output_per_mtok: 15",
        "",
        top,
        None,
    )
    .unwrap();
    assert_eq!(blended(&s), dec!(5.4));
    // No rate for a table price: a located error at the model id.
    let Err(Error::Input(d)) = scenario("  - model: test/long-context", "", "currency: EUR", None)
    else {
        panic!("a EUR scenario using a USD table price without a rate must fail")
    };
    assert_eq!((d.path.as_str(), d.line), ("api[0].model", 9));
    assert!(d.message.contains("no USD rate"), "{}", d.message);
    assert!(
        d.allowed
            .as_deref()
            .unwrap_or_default()
            .contains("exchange_rates"),
        "{:?}",
        d.allowed
    );
}

#[test]
fn the_date_picks_the_price_in_force() {
    let api = "  - model: test/introductory";
    let before = scenario(api, "", "", Some("2026-08-31")).unwrap();
    assert_eq!(blended(&before), dec!(3.6));
    let after = scenario(api, "", "", Some("2026-09-01")).unwrap();
    assert_eq!(blended(&after), dec!(5.4));
    // Undated: the entry's own (first) prices.
    assert_eq!(blended(&scenario(api, "", "", None).unwrap()), dec!(3.6));
}

#[test]
fn a_dated_change_inside_the_finance_horizon() {
    let top = "finance: {horizon_months: 4, discount_rate: 0}";
    let s = scenario("  - model: test/introductory", "", top, Some("2026-07-15")).unwrap();
    let f = s.cash_flows().unwrap();
    let p = &f.pairs[0];
    let api: Vec<_> = p.monthly.iter().map(|m| m.api_cost.amount()).collect();
    assert_eq!(
        api,
        vec![dec!(0), dec!(360), dec!(360), dec!(540), dec!(540)]
    );
    let local: Vec<_> = p.monthly.iter().map(|m| m.local_cost.amount()).collect();
    assert_eq!(
        local,
        vec![dec!(0), dec!(100), dec!(100), dec!(100), dec!(100)]
    );
    assert_eq!(p.npv.unwrap().amount(), dec!(1400));
    // With a price trend on top: month 1 pays 1×, month 3 and 4 the new price × (1.2)^(2/12), (3/12).
    let top = "finance: {horizon_months: 1, discount_rate: 0, api_price_change_per_year: 0.2}";
    let s = scenario("  - model: test/introductory", "", top, Some("2026-09-01")).unwrap();
    assert_eq!(
        s.cash_flows().unwrap().pairs[0].monthly[1]
            .api_cost
            .amount(),
        dec!(540)
    );
}

#[test]
fn old_prices_are_flagged() {
    let api = "  - model: test/introductory\n  - model: test/off-peak";
    let r = scenario(api, "", "", Some("2026-07-15"))
        .unwrap()
        .evaluate();
    // 2026-03-01 is 136 days before 2026-07-15; 2026-08-21 is after it.
    assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
    assert!(r.notes[0].contains("listed on 2026-03-01, 136 days before 2026-07-15"));
    let r = scenario(api, "", "", Some("2026-05-30"))
        .unwrap()
        .evaluate();
    assert!(r.notes.is_empty(), "90 days is not stale: {:?}", r.notes);
    let r = scenario(api, "", "", Some("2026-05-31"))
        .unwrap()
        .evaluate();
    assert_eq!(r.notes.len(), 1, "91 days is: {:?}", r.notes);
}

#[test]
fn new_fields_are_checked_where_written() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "  - model: test/off-peak\n    uplift: 0.9",
            "",
            "api[0].uplift",
            "below 1",
        ),
        (
            "  - model: test/off-peak",
            "  cache_write_share: 1.5",
            "workload.cache_write_share",
            "above 1",
        ),
        (
            "  - model: test/off-peak",
            "  cached_input_share: 0.6\n  cache_write_share: 0.5",
            "workload.cache_write_share",
            "plus cache_write_share",
        ),
        (
            "  - model: test/off-peak",
            "  off_peak_share: -0.1",
            "workload.off_peak_share",
            "below 0",
        ),
        (
            "  - model: test/off-peak",
            "  prompt_tokens_per_request: 0",
            "workload.prompt_tokens_per_request",
            "below 1",
        ),
    ];
    for (api, w, path, msg) in cases {
        let Err(Error::Input(d)) = scenario(api, w, "", None) else {
            panic!("{path} must be refused")
        };
        assert_eq!(d.path, *path);
        assert!(d.message.contains(msg), "{path}: {}", d.message);
        assert!(d.line > 0 && d.allowed.is_some());
    }
    for (top, path, msg) in [
        (
            "currency: EUR\nexchange_rates: {USD: 0.92}",
            "exchange_rates",
            "missing",
        ),
        (
            "currency: EUR\nexchange_rates: {as_of: 2026-13-01, USD: 0.92}",
            "exchange_rates.as_of",
            "not a date",
        ),
        (
            "currency: EUR\nexchange_rates: {as_of: 2026-11-30, USD: 0}",
            "exchange_rates.USD",
            "not above zero",
        ),
        (
            "currency: EUR\nexchange_rates: {as_of: 2026-11-30, EUR: 1}",
            "exchange_rates.EUR",
            "own currency",
        ),
    ] {
        let Err(Error::Input(d)) = scenario("  - model: test/off-peak", "", top, None) else {
            panic!("{path} must be refused")
        };
        assert_eq!(d.path, path, "{}", d.message);
        assert!(d.message.contains(msg), "{path}: {}", d.message);
    }
}

#[test]
fn price_table_fields_are_checked_where_written() {
    let entry = "models:\n  - id: a/b\n    input_per_mtok: 1\n    output_per_mtok: 2\n";
    for (extra, path, msg) in [
        ("    schedule:\n      - from: 2026-02-30\n        input_per_mtok: 1\n        output_per_mtok: 2\n", "models[0].schedule[0].from", "not a date"),
        ("    schedule:\n      - from: 2026-09-01\n        input_per_mtok: 1\n        output_per_mtok: 2\n      - from: 2026-08-01\n        input_per_mtok: 1\n        output_per_mtok: 2\n", "models[0].schedule[1].from", "does not come after"),
        ("    tiers:\n      - above_prompt_tokens: 1000\n", "models[0].tiers[0]", "lists no price"),
        ("    tiers:\n      - above_prompt_tokens: 1000\n        input_per_mtok: 2\n      - above_prompt_tokens: 500\n        input_per_mtok: 3\n", "models[0].tiers[1].above_prompt_tokens", "does not come after"),
        ("    off_peak:\n      hours_utc: \"25:00-01:00\"\n      input_per_mtok: 1\n      output_per_mtok: 1\n", "models[0].off_peak.hours_utc", "not a window"),
        ("    cache_write_per_mtok: -1\n", "models[0].cache_write_per_mtok", "below 0"),
        ("    deprecated: soon\n", "models[0].deprecated", "not a date"),
    ] {
        let Err(Error::Input(d)) = PriceTable::parse(&format!("{entry}{extra}"), "api.yaml") else {
            panic!("{path} must be refused")
        };
        assert_eq!(d.path, path, "{}", d.message);
        assert!(d.message.contains(msg), "{path}: {}", d.message);
    }
}
