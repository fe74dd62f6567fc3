//! The worked example of tests/model/EXPECTED.md, "Worked examples: cloud
//! billing, the busiest hour, carbon" (tests/data/cloud-billing.yaml): on
//! demand, reserved, spot and autoscaled rented GPUs and an owned server under
//! an hourly profile, with energy and carbon figures.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use std::str::FromStr;
use tco_core::analysis::report::Report;
use tco_core::input::bundled;
use tco_core::input::scenario::NoFiles;
use tco_core::model::breakeven::{Range, Status};
use tco_core::Scenario;

fn example(sets: &[&str]) -> Scenario {
    let tables = bundled::tables().expect("bundled tables parse");
    let text = include_str!("../data/cloud-billing.yaml");
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    Scenario::parse_with_overrides(text, "cloud-billing.yaml", &sets, tables.as_ref(), &NoFiles)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn line<'a>(r: &'a Report, name: &str) -> &'a tco_core::analysis::report::LocalLine {
    r.local.iter().find(|l| l.name == name).unwrap()
}

fn wins(r: &Report, name: &str) -> (Status, Option<u64>, Vec<Range>) {
    let b = r.break_even.iter().find(|b| b.local == name).unwrap();
    (b.status, b.tokens_per_month, b.local_wins.clone())
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn r(from: u64, to: Option<u64>) -> Range {
    Range { from, to }
}

#[test]
fn busiest_hour_sizes_the_nodes() {
    let s = example(&[]);
    let rep = s.evaluate();
    let od = line(&rep, "GPU on demand");
    // C_peak = 3600·720·1000 · 52/(24·3) = 1,872,000,000; ceil(2B / C_peak) = 2.
    assert_eq!(od.capacity_tokens_per_month, 1_872_000_000);
    assert_eq!(od.nodes, 2);
    assert_eq!(od.monthly_cost.amount(), dec!(3600));
    assert_eq!(od.utilization, d("0.385802"));
    assert_eq!(
        wins(&rep, "GPU on demand"),
        (
            Status::Crosses,
            Some(1_125_000_000),
            vec![
                r(1_125_000_000, Some(1_872_000_000)),
                r(2_250_000_000, None)
            ]
        )
    );
    // Flat: one node serves 2,592,000,000 tokens and 2B needs one.
    let flat = example(&["workload.hourly_profile=flat"]).evaluate();
    assert_eq!(line(&flat, "GPU on demand").nodes, 1);
    assert_eq!(
        line(&flat, "GPU on demand").monthly_cost.amount(),
        dec!(1800)
    );
}

#[test]
fn reserved_and_spot() {
    let rep = example(&[]).evaluate();
    let res = line(&rep, "GPU reserved");
    assert_eq!(res.monthly_cost.amount(), dec!(2592));
    assert_eq!(
        wins(&rep, "GPU reserved"),
        (
            Status::Crosses,
            Some(810_000_000),
            vec![r(810_000_000, None)]
        )
    );
    let spot = line(&rep, "GPU spot");
    // 1,872,000,000 · (1 − 0.1); $2.50 · (1 − 0.6) · 720 h · 2 nodes.
    assert_eq!(spot.capacity_tokens_per_month, 1_684_800_000);
    assert_eq!(spot.nodes, 2);
    assert_eq!(spot.monthly_cost.amount(), dec!(1440));
    assert_eq!(
        wins(&rep, "GPU spot"),
        (
            Status::Crosses,
            Some(450_000_000),
            vec![r(450_000_000, None)]
        )
    );
}

#[test]
fn autoscaled_pays_the_hours_it_runs() {
    let rep = example(&[]).evaluate();
    let a = line(&rep, "GPU autoscaled");
    // 8·1 + 12·2 + 4·1 = 36 node-hours a day, 30 days, $2.50.
    assert_eq!(a.monthly_cost.amount(), dec!(2700));
    assert_eq!(a.nodes, 2);
    assert_eq!(a.utilization, d("0.514403"));
    assert_eq!(
        wins(&rep, "GPU autoscaled"),
        (
            Status::Crosses,
            Some(1_125_000_000),
            vec![r(1_125_000_000, None)]
        )
    );
    // Settled to the token: one below the first win, local costs more.
    let s = example(&["workload.tokens_per_month=1124999999"]).evaluate();
    assert!(s.local[3].monthly_cost > s.api[0].monthly_cost);
    let s = example(&["workload.tokens_per_month=1125000000"]).evaluate();
    assert!(s.local[3].monthly_cost <= s.api[0].monthly_cost);
    // min_nodes 3 keeps three nodes in every hour: 3·24·30·2.5 = 5,400.
    let s = example(&["local[3].rented.min_nodes=3"]).evaluate();
    assert_eq!(s.local[3].monthly_cost.amount(), dec!(5400));
    // Flat and min_nodes 0: autoscaled costs what on demand costs.
    let flat = example(&[
        "workload.hourly_profile=flat",
        "local[3].rented.min_nodes=0",
    ])
    .evaluate();
    assert_eq!(flat.local[3].monthly_cost, flat.local[0].monthly_cost);
    assert_eq!(flat.break_even[3].local_wins, flat.break_even[0].local_wins);
}

#[test]
fn on_demand_is_always_on() {
    let a = example(&["local[0].rented.billing=always_on"]).evaluate();
    let b = example(&[]).evaluate();
    assert_eq!(a, b);
}

#[test]
fn energy_and_carbon() {
    let rep = example(&[]).evaluate();
    let od = line(&rep, "GPU on demand").energy.clone().unwrap();
    // (2·720·100 + 600 · 5000/9) / 1000 = 1432/3 kWh; · 0.35 = 2506/15 kg.
    assert_eq!(od.kwh_per_month, d("477.333333"));
    assert_eq!(od.kwh_per_mtok, Some(d("0.238667")));
    assert_eq!(od.kg_co2e_per_month, Some(d("167.066667")));
    assert_eq!(od.kg_co2e_per_mtok, Some(d("0.083533")));
    // No power block: no energy figure at all, never an invented one.
    assert!(line(&rep, "GPU reserved").energy.is_none());
    let auto = line(&rep, "GPU autoscaled").energy.clone().unwrap();
    assert_eq!(auto.kwh_per_month, d("441.333333"));
    let owned = line(&rep, "Owned GPU server");
    assert_eq!(owned.monthly_cost.amount(), dec!(2071.6));
    let e = owned.energy.clone().unwrap();
    // 2 nodes · 1800 kg / 36 months = 100 kg; + 2506/15 from the grid.
    assert_eq!(e.embodied_kg_co2e_per_month, Some(dec!(100)));
    assert_eq!(e.kg_co2e_per_month, Some(d("267.066667")));
    assert_eq!(e.kg_co2e_per_mtok, Some(d("0.133533")));
    assert_eq!(rep.api[0].kg_co2e_per_month, Some(dec!(100)));
    // The notes every face lists, rounded half away from zero once.
    let notes = rep.notes();
    assert!(notes.contains(&"GPU on demand: energy 477.3 kWh a month (0.239 kWh per MTok); 167.1 kg CO2e a month (0.084 kg per MTok)".to_string()), "{notes:#?}");
    assert!(notes.contains(&"Owned GPU server: energy 477.3 kWh a month (0.239 kWh per MTok); 267.1 kg CO2e a month (0.134 kg per MTok), 100 of it embodied".to_string()), "{notes:#?}");
    assert!(
        !notes.iter().any(|n| n.starts_with("GPU reserved: energy")),
        "{notes:#?}"
    );
    let api = &rep.api[0].name;
    assert!(
        notes.contains(&format!(
            "{api}: 100 kg CO2e a month, as the scenario declares"
        )),
        "{notes:#?}"
    );
    // Without a grid factor, kWh but no CO2e.
    let s = example(&["local[4].power.grid_kg_co2e_per_kwh=null"]).evaluate();
    let e = s.local[4].energy.clone().unwrap();
    assert_eq!(e.kwh_per_month, d("477.333333"));
    assert_eq!(e.kg_co2e_per_month, None);
    assert!(s
        .notes()
        .contains(&"Owned GPU server: energy 477.3 kWh a month (0.239 kWh per MTok)".to_string()));
    let b = rep
        .break_even
        .iter()
        .find(|b| b.local == "Owned GPU server")
        .unwrap();
    assert_eq!(b.tokens_per_month, Some(641_777_778));
    assert_eq!(b.payback_months, Some(d("23.01")));
}

#[test]
fn simulate_without_spread_equals_the_report() {
    let s = example(&[]);
    let rep = s.evaluate();
    let sim = tco_core::analysis::sim::simulate(
        &s,
        tco_core::analysis::sim::SimOptions {
            samples: 3,
            seed: 1,
        },
    )
    .unwrap();
    let v = serde_json::to_value(&sim).unwrap();
    for (i, l) in rep.local.iter().enumerate() {
        let p50 = &v["local"][i]["monthly_cost_percentiles"]["p50"];
        assert_eq!(
            d(p50.as_str().unwrap()),
            l.monthly_cost.round_cents().amount(),
            "{}",
            l.name
        );
        let be = v["break_even"][i]["break_even_percentiles"]["p50"].as_u64();
        assert_eq!(be, rep.break_even[i].tokens_per_month, "{}", l.name);
    }
}
