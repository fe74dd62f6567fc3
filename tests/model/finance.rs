//! Finance (NPV, discounted payback) and hybrid routing, against figures
//! computed by hand: the flagship's table in EXPECTED.md ("### Finance") and
//! small scenarios whose arithmetic fits in a comment.

// A failing assertion is how a test reports; unwrap and panic are its tools here.
#![allow(clippy::unwrap_used, clippy::panic)]

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use tco_core::analysis::finance::{FinanceResult, PairFinance};
use tco_core::analysis::hybrid::{self, HybridPair};
use tco_core::input::bundled;
use tco_core::input::scenario::NoFiles;
use tco_core::model::units::{Money, Tokens};
use tco_core::Scenario;

fn parse(yaml: &str) -> Scenario {
    let tables = bundled::tables().expect("bundled tables parse");
    Scenario::parse(yaml, "test.yaml", tables.as_ref(), &NoFiles)
        .unwrap_or_else(|e| panic!("{e}\n{yaml}"))
}

fn cents(m: Money) -> Decimal {
    m.round_cents().amount()
}

fn flows(s: &Scenario) -> FinanceResult {
    s.cash_flows().expect("the scenario has a finance block")
}

fn only(f: &FinanceResult) -> &PairFinance {
    assert_eq!(f.pairs.len(), 1);
    &f.pairs[0]
}

/// A toy world where every figure is a round number: a node serves 1 M
/// tokens an hour over a 100-hour month = 100 M tokens/month; the API costs
/// $10/MTok whatever the mix, so 100 M tokens cost $1,000.
fn toy(local: &str, finance: &str, tokens: &str) -> Scenario {
    parse(&format!(
        "name: toy
hours_per_month: 100
workload:
  tokens_per_month: {tokens}
api:
  - name: flat api
    input_per_mtok: 10
    output_per_mtok: 10
local:
{local}
finance:
{finance}
"
    ))
}

const OWNED_BOX: &str = "  - name: box
    owned:
      price: 1200
      amortization_months: 12
    other_monthly: 100
    throughput:
      tokens_per_hour: 1M";

#[test]
fn flagship_npv_and_discounted_payback_match_expected_md() {
    // EXPECTED.md, flagship, "### Finance": r = 0.08/12, 36 months, flat
    // volume and prices; NPV = −capital + flow · 31.9118055101… (its "exact"
    // figures are rounded to 6 places: 61405.3831016… → 61405.383102).
    let s = super::scenario("flagship");
    let f = flows(&s);
    assert_eq!(f.horizon_months, 36);
    assert_eq!(f.monthly_rate, dec!(0.08) / dec!(12));
    let want: [(&str, &str, Decimal, Decimal, Option<u32>); 6] = [
        (
            "Owned 4x A100 80GB server(s)",
            "Claude Sonnet 4.6",
            dec!(160000),
            dec!(61405.38),
            Some(26),
        ),
        (
            "Owned 4x A100 80GB server(s)",
            "GPT-5 (OpenAI list price)",
            dec!(160000),
            dec!(-114352.87),
            None,
        ),
        (
            "Owned 4x A100 80GB server(s)",
            "GPT-4o mini",
            dec!(160000),
            dec!(-313219.27),
            None,
        ),
        (
            "Rented 2x H100 80GB, always on",
            "Claude Sonnet 4.6",
            dec!(0),
            dec!(103739.85),
            Some(1),
        ),
        (
            "Rented 2x H100 80GB, always on",
            "GPT-5 (OpenAI list price)",
            dec!(0),
            dec!(-72018.40),
            None,
        ),
        (
            "Rented 2x H100 80GB, always on",
            "GPT-4o mini",
            dec!(0),
            dec!(-270884.80),
            None,
        ),
    ];
    let exact = [
        dec!(61405.383102),
        dec!(-114352.874721),
        dec!(-313219.268709),
        dec!(103739.854707),
        dec!(-72018.403116),
        dec!(-270884.797104),
    ];
    assert_eq!(f.pairs.len(), 6);
    for ((local, api, capital, npv, payback), exact) in want.iter().zip(exact) {
        let p = f
            .pair(local, api)
            .unwrap_or_else(|| panic!("no pair {local} / {api}"));
        assert_eq!(
            p.capital.map(|c| c.amount()),
            Some(*capital),
            "{local} / {api}"
        );
        let got = p.npv.expect("an NPV");
        assert_eq!(cents(got), *npv, "{local} / {api}: NPV");
        assert_eq!(
            got.amount().round_dp(6),
            exact,
            "{local} / {api}: NPV digits"
        );
        assert_eq!(p.discounted_payback_months, *payback, "{local} / {api}");
        // Month 0 and the 36 month ends; the flow is the same every month.
        assert_eq!(p.monthly.len(), 37);
        assert_eq!(p.monthly[0].capital.amount(), *capital);
        assert_eq!(
            p.monthly[36].capital,
            Money::ZERO,
            "residual 0 at the end of life"
        );
        assert_eq!(p.monthly[1].flow, p.monthly[36].flow);
    }
    // The monthly flows of EXPECTED.md's table.
    let flow = |l: &str, a: &str| f.pair(l, a).unwrap().monthly[1].flow.amount();
    assert_eq!(
        flow("Owned 4x A100 80GB server(s)", "Claude Sonnet 4.6"),
        dec!(6938.04)
    );
    assert_eq!(
        flow("Rented 2x H100 80GB, always on", "GPT-4o mini"),
        dec!(-8488.545)
    );
    // The best pair is renting instead of Sonnet.
    assert_eq!(f.best().unwrap().local, "Rented 2x H100 80GB, always on");
    assert_eq!(
        f.conventions(),
        "discount rate 8 % a year = 0.667 % a month, capital at month 0, flows at month ends"
    );

    // The report carries the same figures on each break-even pair.
    let r = s.evaluate();
    for (b, p) in r.break_even.iter().zip(&f.pairs) {
        assert_eq!((&b.local, &b.api), (&p.local, &p.api));
        let fig = b.finance.expect("finance figures on the report");
        assert_eq!(fig.npv, p.npv);
        assert_eq!(fig.discounted_payback_months, p.discounted_payback_months);
    }
    let json = serde_json::to_value(&r.break_even[0]).unwrap();
    assert_eq!(json["npv"].as_str().unwrap().get(..11), Some("61405.38310"));
    assert_eq!(json["discounted_payback_months"], 26);
    assert_eq!(
        serde_json::to_value(&r.break_even[1]).unwrap()["discounted_payback_months"],
        serde_json::Value::Null
    );
}

#[test]
fn without_a_finance_block_the_report_has_no_npv_keys() {
    let r = super::scenario("lit-4xa100-vs-sonnet").evaluate();
    assert!(super::scenario("lit-4xa100-vs-sonnet")
        .cash_flows()
        .is_none());
    let json = serde_json::to_value(&r.break_even[0]).unwrap();
    let keys = json.as_object().unwrap();
    assert!(!keys.contains_key("npv"));
    assert!(!keys.contains_key("discounted_payback_months"));
    assert!(!keys.contains_key("finance"));
}

#[test]
fn volume_growth_buys_nodes_a_month_ahead_and_counts_book_value() {
    // 50 % growth a month from 100 M: 100 M, 150 M, 225 M tokens → 1, 2, 3 nodes.
    // API: $1,000, $1,500, $2,250. Running cost (owned: no hardware line):
    // $100 other per node → $100, $200, $300.
    // Capital: 1 node at month 0 ($1,200); the 2nd at the end of month 1, the
    // 3rd at the end of month 2. At the horizon (month 3) each node's book
    // value is 1,200·remaining/12: bought at 0 → 9 months left → $900; at 1 → $1,000;
    // at 2 → $1,100; $3,000 comes back.
    // Flows: m0 −1,200; m1 1,000 − 100 − 1,200 = −300; m2 1,500 − 200 − 1,200 = 100;
    // m3 2,250 − 300 + 3,000 = 4,950.
    // At 12 % a year, r = 1 %: NPV = −1,200 − 300/1.01 + 100/1.01² + 4,950/1.01³
    //   = 3,508,608,800 / 1,030,301 = 3,405.4211342122…
    let s = toy(
        OWNED_BOX,
        "  horizon_months: 3\n  discount_rate: 0.12\n  volume_growth_per_month: 0.5",
        "100M",
    );
    let f = flows(&s);
    assert_eq!(f.monthly_rate, dec!(0.01));
    let p = only(&f);
    let col = |g: fn(&tco_core::analysis::finance::MonthFlow) -> Decimal| -> Vec<Decimal> {
        p.monthly.iter().map(g).collect()
    };
    assert_eq!(
        p.monthly.iter().map(|m| m.tokens).collect::<Vec<_>>(),
        [0, 100_000_000, 150_000_000, 225_000_000]
    );
    assert_eq!(
        p.monthly.iter().map(|m| m.nodes).collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );
    assert_eq!(
        col(|m| m.api_cost.amount()),
        [dec!(0), dec!(1000), dec!(1500), dec!(2250)]
    );
    assert_eq!(
        col(|m| m.local_cost.amount()),
        [dec!(0), dec!(100), dec!(200), dec!(300)]
    );
    assert_eq!(
        col(|m| m.capital.amount()),
        [dec!(1200), dec!(1200), dec!(1200), dec!(-3000)]
    );
    assert_eq!(
        col(|m| m.flow.amount()),
        [dec!(-1200), dec!(-300), dec!(100), dec!(4950)]
    );
    assert_eq!(p.capital, Some(Money::new(dec!(1200))));
    let npv = p.npv.unwrap().amount();
    assert_eq!(npv.round_dp(10), dec!(3405.4211342122));
    assert_eq!(
        p.monthly[1].discounted.amount().round_dp(10),
        dec!(-297.0297029703)
    );
    assert_eq!(p.monthly[3].cumulative_discounted.amount(), npv);
    // Cumulative: −1,200, −1,497.03, −1,399.00, 3,405.42 → pays back in month 3.
    assert_eq!(p.discounted_payback_months, Some(3));
    assert!(f.conventions().ends_with(", volume +50 % a month"));

    // Volumes are rounded half away from zero: 3 tokens growing 50 % a month
    // are 3, 4.5 → 5, 6.75 → 7.
    let s = toy(
        OWNED_BOX,
        "  horizon_months: 3\n  volume_growth_per_month: 0.5",
        "3",
    );
    let tokens: Vec<u64> = only(&flows(&s)).monthly.iter().map(|m| m.tokens).collect();
    assert_eq!(tokens, [0, 3, 5, 7]);

    // Shrinking volume: nodes are never sold early, and no more are bought.
    // 300 M, 150 M, 75 M → 3, 2, 1 nodes serving; capital only at month 0
    // (3 × $1,200), and all 3 come back at book value 1,200·9/12 = $900 each.
    let s = toy(
        OWNED_BOX,
        "  horizon_months: 3\n  volume_growth_per_month: -0.5",
        "300M",
    );
    let f = flows(&s);
    let p = only(&f);
    assert_eq!(
        p.monthly.iter().map(|m| m.nodes).collect::<Vec<_>>(),
        [0, 3, 2, 1]
    );
    assert_eq!(
        p.monthly
            .iter()
            .map(|m| m.capital.amount())
            .collect::<Vec<_>>(),
        [dec!(3600), dec!(0), dec!(0), dec!(-2700)]
    );
}

#[test]
fn api_price_trend_compounds_by_the_year() {
    // Prices fall 30 % a year: month m pays 0.7^((m−1)/12) of month 1's price.
    // Month 13 pays exactly 0.7 × $1,000 = $700, month 25 0.49 × = $490;
    // month 7 pays √0.7 = 0.836660026534 (to 12 places).
    // Rented always on: $5 × 100 h = $500 a month, no capital.
    // At a 0 % discount rate NPV = 1,000 · Σ_{m=1..25} 0.7^((m−1)/12) − 25 · 500
    //   = 1,000 · (0.3 / (1 − 0.7^(1/12)) · 1.7 + 0.49) − 12,500
    //   = 1,000 · 17.9047435077498… − 12,500 = 5,404.74.
    let rented = "  - name: rent
    rented:
      price_per_gpu_hour: 5
    throughput:
      tokens_per_hour: 1M";
    let s = toy(
        rented,
        "  horizon_months: 25\n  api_price_change_per_year: -0.3",
        "100M",
    );
    let f = flows(&s);
    let p = only(&f);
    assert_eq!(p.kind, "rented");
    assert_eq!(p.capital, Some(Money::ZERO));
    assert!(p.monthly.iter().all(|m| m.capital == Money::ZERO));
    assert_eq!(p.monthly[1].api_cost.amount(), dec!(1000));
    assert_eq!(p.monthly[7].api_price_factor, dec!(0.836660026534));
    assert_eq!(p.monthly[13].api_cost.amount(), dec!(700));
    assert_eq!(p.monthly[13].flow.amount(), dec!(200));
    assert_eq!(p.monthly[25].api_cost.amount(), dec!(490));
    assert_eq!(p.monthly[25].flow.amount(), dec!(-10));
    assert_eq!(p.monthly[25].local_cost.amount(), dec!(500));
    assert_eq!(cents(p.npv.unwrap()), dec!(5404.74));
    // Rented flows start positive: paid back in month 1.
    assert_eq!(p.discounted_payback_months, Some(1));
    assert!(f.conventions().ends_with(", API prices -30 % a year"));
}

#[test]
fn owned_nodes_are_replaced_at_the_end_of_their_life() {
    // $1,200 node, $300 residual, 12-month life, 30-month horizon, flat 100 M:
    // capital m0 $1,200; m12 and m24: −300 residual + 1,200 new = $900;
    // m30: the node bought at m24 has 6 of 12 months left:
    //   book = 300 + (1,200 − 300)·6/12 = $750, an inflow.
    // Monthly flow 1,000 − 100 = $900. At 0 %:
    // NPV = −1,200 + 30·900 − 900 − 900 + 750 = $24,750; cumulative −1,200, −300, 600 → month 2.
    let owned = "  - name: box
    owned:
      price: 1200
      residual_value: 300
      amortization_months: 12
    other_monthly: 100
    throughput:
      tokens_per_hour: 1M";
    let s = toy(owned, "  horizon_months: 30", "100M");
    let f = flows(&s);
    let p = only(&f);
    let capital: Vec<(u32, Decimal)> = p
        .monthly
        .iter()
        .filter(|m| !m.capital.amount().is_zero())
        .map(|m| (m.month, m.capital.amount()))
        .collect();
    assert_eq!(
        capital,
        [
            (0, dec!(1200)),
            (12, dec!(900)),
            (24, dec!(900)),
            (30, dec!(-750))
        ]
    );
    assert_eq!(p.npv, Some(Money::new(dec!(24750))));
    assert_eq!(p.discounted_payback_months, Some(2));

    // Horizon = life: the book value at the end is exactly the residual.
    let s = toy(owned, "  horizon_months: 12", "100M");
    let f = flows(&s);
    let p = only(&f);
    assert_eq!(p.monthly[12].capital.amount(), dec!(-300));
    // −1,200 + 12·900 + 300 = 9,900
    assert_eq!(p.npv, Some(Money::new(dec!(9900))));
}

#[test]
fn a_month_the_local_option_cannot_serve_voids_its_npv() {
    // max_nodes 2, but month 3's 225 M tokens need 3 nodes.
    let capped = format!("{OWNED_BOX}\n    max_nodes: 2");
    let s = toy(
        &capped,
        "  horizon_months: 3\n  volume_growth_per_month: 0.5",
        "100M",
    );
    let f = flows(&s);
    let p = only(&f);
    assert_eq!(p.npv, None);
    assert_eq!(p.capital, None);
    assert_eq!(p.discounted_payback_months, None);
    assert!(p.monthly.is_empty());
    assert_eq!(
        p.reason.as_deref(),
        Some("cannot serve 225M tokens in month 3: needs 3 nodes, max_nodes 2")
    );
    // The report says null for the pair, with the keys present.
    let r = s.evaluate();
    let json = serde_json::to_value(&r.break_even[0]).unwrap();
    assert_eq!(json["npv"], serde_json::Value::Null);
    assert_eq!(json["discounted_payback_months"], serde_json::Value::Null);

    // Growth past 10^15 tokens is a reason too, not a panic.
    let s = toy(
        OWNED_BOX,
        "  horizon_months: 600\n  volume_growth_per_month: 1",
        "1T",
    );
    let f = flows(&s);
    let p = only(&f);
    assert_eq!(p.npv, None);
    assert!(
        p.reason.as_deref().unwrap().contains("in month 11"),
        "{:?}",
        p.reason
    );
    // Steep API price rises are handled the same way.
    let s = toy(
        OWNED_BOX,
        "  horizon_months: 600\n  api_price_change_per_year: 10",
        "1M",
    );
    assert!(only(&flows(&s)).reason.is_some());
}

// ---- hybrid ----

/// One $1,000-a-month node ($36,000 over 36 months) of 100 M tokens/month,
/// no power or staff; the API at `price`/MTok.
fn hybrid_toy(price: &str, tokens: &str, extra: &str) -> Scenario {
    parse(&format!(
        "name: hybrid toy
hours_per_month: 100
workload:
  tokens_per_month: {tokens}
api:
  - name: api
    input_per_mtok: {price}
    output_per_mtok: {price}
local:
  - name: box
    owned:
      price: 36000
      amortization_months: 36
    throughput:
      tokens_per_hour: 1M
{extra}"
    ))
}

fn hybrid_pair(s: &Scenario, step: Decimal) -> HybridPair {
    let h = s.hybrid(s.workload.tokens_per_month, step).unwrap();
    assert_eq!(h.pairs.len(), 1);
    h.pairs[0].clone()
}

#[test]
fn hybrid_best_share_fills_two_of_three_nodes() {
    // V = 240 M at $15/MTok:
    //   all API:                         240 × 15            = $3,600
    //   1 node full (100 M local):       1,000 + 140 × 15    = $3,100
    //   2 nodes full (200 M local):      2,000 +  40 × 15    = $2,600  ← best
    //   all local (240 M, 3 nodes):      3,000               = $3,000
    // 200/240 = 0.8333… lies between grid points 0.80 (192 M: 2,000 + 48 × 15 =
    // $2,720) and 0.85 (204 M needs 3 nodes: 3,000 + 36 × 15 = $3,540).
    let s = hybrid_toy("15", "240M", "");
    let p = hybrid_pair(&s, hybrid::default_step());
    assert_eq!(p.shares.len(), 21);
    assert_eq!(p.best.local_tokens, 200_000_000);
    assert_eq!(p.best.nodes, 2);
    assert_eq!(p.best.local_share, dec!(200) / dec!(240));
    assert_eq!(p.best.local_cost.amount(), dec!(2000));
    assert_eq!(p.best.api_cost.amount(), dec!(600));
    assert_eq!(p.best.monthly_cost.amount(), dec!(2600));
    assert_eq!(p.all_api_cost.amount(), dec!(3600));
    assert_eq!(p.all_local_cost.map(|c| c.amount()), Some(dec!(3000)));
    assert_eq!(p.saving_vs_best_single.amount(), dec!(400));
    let at = |x: Decimal| p.shares.iter().find(|r| r.local_share == x).unwrap();
    assert_eq!(at(dec!(0.8)).local_tokens, 192_000_000);
    assert_eq!(at(dec!(0.8)).monthly_cost.amount(), dec!(2720));
    assert_eq!(at(dec!(0.85)).nodes, 3);
    assert_eq!(at(dec!(0.85)).monthly_cost.amount(), dec!(3540));
    // Share 0 buys nothing: no nodes, no local cost.
    assert_eq!(
        (at(dec!(0)).nodes, at(dec!(0)).local_cost),
        (0, Money::ZERO)
    );
    assert!(p.shares.iter().all(|r| r.can_serve));
}

#[test]
fn hybrid_ties_go_to_the_smaller_local_share() {
    // V = 250 M at $20/MTok: 2 nodes full (200 M) cost 2,000 + 50 × 20 = $3,000,
    // all local (3 nodes) $3,000 too; 0.8 wins the tie over 1.
    let s = hybrid_toy("20", "250M", "");
    let p = hybrid_pair(&s, hybrid::default_step());
    assert_eq!(p.best.local_share, dec!(0.8));
    assert_eq!(p.best.monthly_cost.amount(), dec!(3000));
    assert_eq!(p.all_local_cost.map(|c| c.amount()), Some(dec!(3000)));
    assert_eq!(p.saving_vs_best_single, Money::ZERO);
}

#[test]
fn hybrid_edges() {
    // Local never pays: at $1/MTok a full node saves $100 but costs $1,000 → all API.
    let p = hybrid_pair(&hybrid_toy("1", "240M", ""), hybrid::default_step());
    assert_eq!(p.best.local_share, Decimal::ZERO);
    assert_eq!(p.best.monthly_cost.amount(), dec!(240));
    assert_eq!(p.saving_vs_best_single, Money::ZERO);
    // Every share above 0 costs more than all-API (costs fall within a node
    // count, by $1/MTok, but never below the first node's $1,000).
    assert!(p.shares[1..]
        .iter()
        .all(|r| r.monthly_cost > p.shares[0].monthly_cost));

    // Local always pays and V fills 2 nodes exactly: all local, $2,000.
    let p = hybrid_pair(&hybrid_toy("100", "200M", ""), hybrid::default_step());
    assert_eq!(p.best.local_share, Decimal::ONE);
    assert_eq!(p.best.monthly_cost.amount(), dec!(2000));
    assert_eq!(p.saving_vs_best_single, Money::ZERO);

    // max_nodes 1: shares above 100/240 cannot be served and are not best;
    // the one full node is: 1,000 + 140 × 15 = $3,100, saving $500 on all-API.
    let p = hybrid_pair(&hybrid_toy("15", "240M", "    max_nodes: 1\n"), dec!(0.25));
    let serve: Vec<(Decimal, bool)> = p
        .shares
        .iter()
        .map(|r| (r.local_share, r.can_serve))
        .collect();
    assert_eq!(
        serve,
        [
            (dec!(0), true),
            (dec!(0.25), true),
            (dec!(0.5), false),
            (dec!(0.75), false),
            (dec!(1), false)
        ]
    );
    assert_eq!(p.all_local_cost, None);
    assert_eq!(p.best.local_tokens, 100_000_000);
    assert_eq!(p.best.monthly_cost.amount(), dec!(3100));
    assert_eq!(p.saving_vs_best_single.amount(), dec!(500));

    // Staff ($1,200 a month) is paid only when some tokens go local: share 0
    // costs 240 × 15 = $3,600, 2 full nodes 2,000 + 1,200 + 600 = $3,800.
    let p = hybrid_pair(
        &hybrid_toy(
            "15",
            "240M",
            "    staff:\n      fte: 0.1\n      annual_cost: 144000\n",
        ),
        hybrid::default_step(),
    );
    assert_eq!(p.best.local_share, Decimal::ZERO);
    assert_eq!(p.shares[1].local_cost.amount(), dec!(2200)); // 12 M on one node + staff

    // Nothing to split.
    let s = hybrid_toy("15", "0", "");
    let h = s.hybrid(Tokens(0), hybrid::default_step()).unwrap();
    assert_eq!(h.pairs[0].best.monthly_cost, Money::ZERO);
    assert_eq!(h.pairs[0].best.local_share, Decimal::ZERO);

    // Steps outside 0.001..0.5 are refused.
    assert!(s.hybrid(Tokens(1), dec!(0.0005)).is_err());
    assert!(s.hybrid(Tokens(1), dec!(0.6)).is_err());
}

#[test]
fn hybrid_best_is_never_worse_than_any_grid_share_on_bundled_scenarios() {
    for (path, _) in bundled::SCENARIOS {
        let stem = path
            .trim_start_matches("scenarios/")
            .trim_end_matches(".yaml");
        let s = super::scenario(stem);
        let h = s.hybrid(s.workload.tokens_per_month, dec!(0.01)).unwrap();
        for p in &h.pairs {
            assert!(p.best.can_serve, "{stem}");
            for r in p.shares.iter().filter(|r| r.can_serve) {
                assert!(
                    p.best.monthly_cost <= r.monthly_cost,
                    "{stem} {} / {}",
                    p.local,
                    p.api
                );
                assert_eq!(r.monthly_cost, r.local_cost + r.api_cost);
            }
            assert!(p.saving_vs_best_single >= Money::ZERO);
        }
    }
}
