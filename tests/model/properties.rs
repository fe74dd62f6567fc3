//! Invariants of the model, over generated scenarios (proptest).

use proptest::prelude::*;
use rust_decimal::Decimal;
use tco_core::input::bundled;
use tco_core::input::scenario::NoFiles;
use tco_core::model::breakeven::{self, Status};
use tco_core::model::units::{Money, Tokens};
use tco_core::Scenario;

/// A scenario with one owned option and one API option, from generated numbers.
fn build(
    price: u32,
    months: u32,
    fte_tenths: u32,
    tps: u32,
    p_in_cents: u32,
    p_out_cents: u32,
    watts: u32,
    max_nodes: Option<u32>,
    scale: u32,
) -> Scenario {
    let k = Decimal::from(scale);
    let money = |cents: u32| (Decimal::new(cents as i64, 2) * k).normalize();
    let max_nodes = max_nodes.map_or(String::new(), |n| format!("    max_nodes: {n}\n"));
    let yaml = format!(
        "name: generated\nhours_per_month: 730\nworkload:\n  tokens_per_month: 100M\n  input_share: 0.75\napi:\n  - name: api\n    input_per_mtok: {}\n    output_per_mtok: {}\nlocal:\n  - name: box\n    owned:\n      price: {}\n      amortization_months: {months}\n    power:\n      load_watts: {watts}\n      idle_watts: {}\n      price_per_kwh: {}\n    staff:\n      fte: {}\n      annual_cost: {}\n    throughput:\n      tokens_per_second: {tps}\n{max_nodes}",
        money(p_in_cents),
        money(p_out_cents),
        money(price * 100),
        watts / 3,
        money(12),
        Decimal::new(fte_tenths as i64, 1),
        money(15_000_000),
    );
    let tables = bundled::tables().expect("tables");
    Scenario::parse(&yaml, "generated", tables.as_ref(), &NoFiles)
        .unwrap_or_else(|e| panic!("{e}\n{yaml}"))
}

fn arb() -> impl Strategy<Value = Scenario> {
    (
        1_000u32..200_000,
        6u32..60,
        0u32..10,
        20u32..5_000,
        1u32..2_000,
        1u32..8_000,
        50u32..3_000,
        prop::option::of(1u32..50),
    )
        .prop_map(|(p, m, f, t, pi, po, w, mx)| build(p, m, f, t, pi, po, w, mx, 1))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn api_cost_is_linear_in_volume(s in arb(), a in 0u64..1_000_000_000_000, b in 0u64..1_000_000_000_000) {
        let api = &s.api[0];
        let w = &s.workload;
        prop_assert_eq!(api.monthly(w, Tokens(a)) + api.monthly(w, Tokens(b)), api.monthly(w, Tokens(a + b)));
    }

    #[test]
    fn local_cost_never_falls_as_volume_rises(s in arb(), a in 0u64..50_000_000_000, d in 0u64..5_000_000_000) {
        let l = &s.local[0];
        let (w, h) = (&s.workload, s.hours_per_month);
        let lo = l.cost_at(w, h, Tokens(a)).monthly;
        let hi = l.cost_at(w, h, Tokens(a + d)).monthly;
        prop_assert!(hi >= lo, "{} tokens: {:?} then {} more: {:?}", a, lo, d, hi);
    }

    #[test]
    fn break_even_is_unchanged_when_all_money_scales(
        p in 1_000u32..200_000, m in 6u32..60, f in 0u32..10, t in 20u32..5_000,
        pi in 1u32..2_000, po in 1u32..8_000, w in 50u32..3_000, k in 2u32..50,
    ) {
        let one = build(p, m, f, t, pi, po, w, None, 1);
        let many = build(p, m, f, t, pi, po, w, None, k);
        let a = breakeven::solve(&one, &one.local[0], &one.api[0]);
        let b = breakeven::solve(&many, &many.local[0], &many.api[0]);
        prop_assert_eq!(a.status, b.status);
        prop_assert_eq!(a.tokens_per_month, b.tokens_per_month);
        prop_assert_eq!(a.local_wins, b.local_wins);
    }

    #[test]
    fn break_even_falls_when_the_api_price_rises(
        p in 1_000u32..200_000, m in 6u32..60, f in 0u32..10, t in 20u32..5_000,
        pi in 1u32..2_000, po in 1u32..8_000, w in 50u32..3_000, extra in 1u32..2_000,
    ) {
        let cheap = build(p, m, f, t, pi, po, w, None, 1);
        let dear = build(p, m, f, t, pi + extra, po + extra, w, None, 1);
        let a = breakeven::solve(&cheap, &cheap.local[0], &cheap.api[0]);
        let b = breakeven::solve(&dear, &dear.local[0], &dear.api[0]);
        if let Some(first) = a.tokens_per_month {
            let later = b.tokens_per_month.expect("a dearer API cannot stop local from winning");
            prop_assert!(later <= first, "{} then {}", first, later);
        }
    }

    #[test]
    fn the_first_winning_volume_is_exact(s in arb()) {
        let b = breakeven::solve(&s, &s.local[0], &s.api[0]);
        let l = &s.local[0];
        let api = &s.api[0];
        let (w, h) = (&s.workload, s.hours_per_month);
        let gap = |v: u64| l.cost_at(w, h, Tokens(v)).monthly - api.monthly(w, Tokens(v));
        for r in &b.local_wins {
            prop_assert!(gap(r.from) <= Money::ZERO, "local should win at {}", r.from);
            prop_assert!(l.cost_at(w, h, Tokens(r.from)).can_serve);
            if r.from > 1 {
                prop_assert!(gap(r.from - 1) > Money::ZERO || !l.cost_at(w, h, Tokens(r.from - 1)).can_serve, "local already wins at {}", r.from - 1);
            }
            if let Some(to) = r.to {
                prop_assert!(gap(to) <= Money::ZERO, "local should still win at {}", to);
                let next = l.cost_at(w, h, Tokens(to + 1));
                prop_assert!(gap(to + 1) > Money::ZERO || !next.can_serve, "local still wins at {}", to + 1);
            }
        }
        if b.status == Status::Never {
            prop_assert!(b.reason.is_some());
        }
    }
}
