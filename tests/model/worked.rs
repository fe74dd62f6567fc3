//! The worked examples of the field literature (docs/sources.md), asserted
//! directly (EXPECTED.md covers every figure; these are the headline ones).

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use tco_core::model::breakeven::Status;
use tco_core::model::format::money;

fn cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

#[test]
fn four_a100_server_against_sonnet() {
    let r = super::scenario("lit-4xa100-vs-sonnet").evaluate();
    let l = &r.local[0];
    assert_eq!(cents(l.breakdown.hardware.amount()), dec!(2222.22));
    assert_eq!(l.breakdown.power.amount(), dec!(115.2));
    assert_eq!(l.breakdown.staff.amount(), dec!(3000));
    assert_eq!(l.capacity_tokens_per_month, 3_110_400_000);
    assert_eq!(r.api[0].blended_per_mtok.amount(), dec!(5.4));
    let b = &r.break_even[0];
    assert_eq!(b.status, Status::Crosses);
    // ≈ 988 M, not the source's 982 M (it rounded the cost to $5,300).
    assert_eq!(b.tokens_per_month, Some(988_411_523));
    assert_eq!(money(l.monthly_cost, "USD"), "$5,337.42");
}

#[test]
fn the_calculator_at_five_billion_tokens() {
    let r = super::scenario("lit-calculator-5000m").evaluate();
    let json = serde_json::to_value(&r).unwrap();
    let local = &json["local"][0];
    let int = |v: &serde_json::Value| Decimal::from(v.as_u64().unwrap());
    let money = |v: &serde_json::Value| v.as_str().unwrap().parse::<Decimal>().unwrap();
    // Whole nodes: two servers at $5,300 each.
    assert_eq!(int(&local["nodes"]), dec!(2));
    assert_eq!(money(&local["monthly_cost"]), dec!(10600));
    assert_eq!(money(&json["api"][0]["monthly_cost"]), dec!(27000));
    // The source's own formula, $5,300 × max(1, V / 3,100 M), fed with the
    // figures the report printed (cost per node, node capacity, volume), gives
    // the hand-computed $8,548.39; the source printed $8,065.
    let per_node = money(&local["monthly_cost"]) / int(&local["nodes"]);
    let capacity = int(&local["capacity_tokens_per_month"]);
    let volume = int(&json["tokens_per_month"]);
    let formula = per_node * (volume / capacity).max(Decimal::ONE);
    assert_eq!(cents(formula), dec!(8548.39));
}

#[test]
fn blended_prices_at_eighty_twenty() {
    let r = super::scenario("lit-blended-prices").evaluate();
    let blended = |id: &str| {
        r.api
            .iter()
            .find(|a| a.model_id.as_deref() == Some(id))
            .unwrap()
            .blended_per_mtok
            .amount()
    };
    assert_eq!(blended("openai/gpt-5"), dec!(8));
    assert_eq!(blended("openai/gpt-4o-mini"), dec!(0.24));
    assert_eq!(blended("google/gemini-1.5-flash"), dec!(0.12));
}

#[test]
fn the_document_pipeline() {
    let r = super::scenario("lit-document-pipeline").evaluate();
    assert_eq!(r.tokens_per_month, 600_000_000);
    assert_eq!(r.api[0].monthly_cost.amount(), dec!(90));
    let cloud = &r.local[0];
    // $3/hour × 1,200 busy hours = $3,600, not the "~$108" the source prints.
    assert_eq!(cloud.breakdown.hardware.amount(), dec!(3600));
    assert_eq!(cloud.nodes, 2);
    let owned = r
        .break_even
        .iter()
        .find(|b| b.local == r.local[1].name)
        .unwrap();
    assert_eq!(owned.status, Status::Never);
    let reason = owned.reason.as_deref().unwrap();
    assert!(
        reason.contains("$0.77/MTok") && reason.contains("$0.15"),
        "{reason}"
    );
}

#[test]
fn the_apple_workstation() {
    let r = super::scenario("lit-apple-64gb").evaluate();
    let l = &r.local[0];
    assert_eq!(cents(l.breakdown.hardware.amount()), dec!(66.67));
    assert_eq!(cents(l.breakdown.power.amount()), dec!(4.09));
}

#[test]
fn memory_at_q4_k_m() {
    let r = super::scenario("lit-memory-q4").evaluate();
    let weights: Vec<Decimal> = r
        .local
        .iter()
        .map(|l| l.memory.as_ref().unwrap().weights_gb)
        .collect();
    assert!(
        weights.contains(&dec!(4.24))
            && weights.contains(&dec!(7.88))
            && weights.contains(&dec!(42.44)),
        "{weights:?}"
    );
    let no_fit = r
        .local
        .iter()
        .find(|l| l.name.contains("does not fit"))
        .unwrap();
    assert!(
        no_fit
            .warnings
            .iter()
            .any(|w| w.contains("more than the machine's")),
        "{:?}",
        no_fit.warnings
    );
}

/// The roofline estimate's figures in EXPECTED.md, section
/// estimate-before-you-buy: the modelled levels, the capacity under the
/// latency targets, and the range at the ends of the efficiency range.
#[test]
fn the_estimate_before_you_buy() {
    use tco_core::model::estimate::EfficiencySource;
    let r = super::scenario("estimate-before-you-buy").evaluate();
    let l = &r.local[0];
    assert_eq!(l.throughput.decode_tokens_per_second, dec!(2999.1918));
    assert_eq!(l.capacity_tokens_per_month, 7_881_876_050);
    let e = l.throughput.estimate.as_ref().unwrap();
    assert_eq!(e.batch, Some(8));
    assert_eq!(e.efficiency.memory, dec!(0.75));
    assert_eq!(e.efficiency.compute, dec!(0.5));
    assert_eq!(
        e.efficiency_source,
        EfficiencySource::Default { kind: "gpu".into() }
    );
    assert_eq!(
        e.range_tokens_per_second,
        (Some(dec!(2105.6331)), Some(dec!(4034.3792)))
    );
    assert!(
        l.throughput.source.starts_with("estimated (roofline)"),
        "{}",
        l.throughput.source
    );
    assert!(l
        .throughput
        .source
        .contains("η memory 0.75, compute 0.5 (the default for gpu machines)"));
    // The level table.
    let s = super::scenario("estimate-before-you-buy");
    let hw = bundled_machine("nvidia/h200-141gb-sxm-x2");
    let m = s.local[0].model.as_ref().unwrap();
    let load = tco_core::model::estimate::ModelLoad {
        weight_bytes: m.weight_bytes(),
        active_params_b: m.params_b,
        kv_bytes_per_token: m.kv_bytes_per_token(),
        prompt_tokens: 2000,
        output_tokens: 500,
    };
    let est = tco_core::model::estimate::roofline(spec(&hw), load, e.efficiency).unwrap();
    let got: Vec<(u64, Decimal, Decimal, Decimal)> = est
        .levels
        .iter()
        .map(|l| (l.batch, l.ttft_ms, l.tpot_ms, l.total_tps))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, dec!(285.5), dec!(12.55), dec!(381.9)),
            (2, dec!(428.3), dec!(12.93), dec!(726.5)),
            (4, dec!(713.9), dec!(13.71), dec!(1323)),
            (8, dec!(1285), dec!(15.27), dec!(2246)),
            (16, dec!(2427), dec!(18.38), dec!(3449)),
            (32, dec!(4711), dec!(24.60), dec!(4710)),
            (64, dec!(9280), dec!(37.04), dec!(5764)),
            (128, dec!(18420), dec!(61.91), dec!(6489)),
        ]
    );
    assert_eq!(
        est.batch_limit,
        tco_core::model::estimate::BatchLimit::Memory
    );
}

fn bundled_machine(id: &str) -> tco_core::model::prices::Hardware {
    let t = tco_core::input::bundled::tables().unwrap();
    t.hardware.get(id).unwrap().clone()
}

fn spec(h: &tco_core::model::prices::Hardware) -> tco_core::model::estimate::MachineSpecs {
    tco_core::model::estimate::MachineSpecs {
        memory_gb: h.memory_gb,
        memory_bandwidth_gbs: h.memory_bandwidth_gbs,
        peak_tflops: h.fp16_tflops.unwrap(),
        step_overhead_s: tco_core::model::estimate::step_overhead(&h.platform),
    }
}

/// The estimate beside the literature's throughput figures (EXPECTED.md,
/// "The estimate beside the field literature").
#[test]
fn the_estimate_beside_the_literature() {
    use tco_core::model::estimate::{default_efficiency, roofline, Efficiency, ModelLoad};
    // Llama 3.3 70B Q4_K_M, literature [A0]'s request: 200 prompt, 500 output tokens.
    let q4 = ModelLoad {
        weight_bytes: dec!(42437500000),
        active_params_b: dec!(70),
        kv_bytes_per_token: dec!(327680),
        prompt_tokens: 200,
        output_tokens: 500,
    };
    let batch1 = |id: &str, eff: Efficiency| {
        let h = bundled_machine(id);
        roofline(spec(&h), q4, eff).unwrap().levels[0].per_stream_decode_tps
    };
    let apple = default_efficiency("apple");
    let hi = Efficiency {
        memory: dec!(0.78),
        compute: dec!(0.48),
        decode_compute: None,
    };
    let lo = Efficiency {
        memory: dec!(0.52),
        compute: dec!(0.32),
        decode_compute: None,
    };
    // [A0]: 18.2 tok/s on the 64 GB workstation: the estimate is far below.
    assert_eq!(batch1("apple/workstation-64gb", apple), dec!(8.197));
    assert_eq!(batch1("apple/workstation-64gb", hi), dec!(9.805));
    assert_eq!(batch1("apple/m3-max-48gb", apple), dec!(6.032));
    // [A1]: ~15 tok/s on an M2 Ultra: just above the range.
    assert_eq!(batch1("apple/m2-ultra-64gb", apple), dec!(11.92));
    assert_eq!(batch1("apple/m2-ultra-64gb", lo), dec!(9.582));
    assert_eq!(batch1("apple/m2-ultra-64gb", hi), dec!(14.24));
    // [A1]: 4x A100, Llama 3.3 70B FP16, ~1,100-1,200 tok/s.
    let h = bundled_machine("nvidia/a100-80gb-x4");
    let fp16 = ModelLoad {
        weight_bytes: dec!(141200000000),
        active_params_b: dec!(70.6),
        ..q4
    };
    let est = roofline(spec(&h), fp16, default_efficiency("gpu")).unwrap();
    let at = |b: u64| est.levels.iter().find(|l| l.batch == b).unwrap();
    assert_eq!(at(32).output_tps, dec!(1113));
    assert_eq!(at(32).aggregate_decode_tps, dec!(1238));
    assert_eq!(at(16).output_tps, dec!(594.4));
    assert_eq!(at(64).output_tps, dec!(1974));
    assert_eq!(est.levels.last().unwrap().batch, 512);
    assert_eq!(est.levels.last().unwrap().output_tps, dec!(3118));
}
