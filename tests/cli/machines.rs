//! `tco machines`: every machine estimated for one model, ranked by cost per MTok.

use super::{csv_records, dec, tco};

#[test]
fn machines_are_ranked_cheapest_first_with_no_fit_marked() {
    let j = tco(&[
        "machines",
        "--model",
        "llama-3.3-70b",
        "--slo",
        "tpot_p95_ms=50",
        "--scenario",
        "estimate-before-you-buy",
        "--format",
        "json",
    ])
    .json();
    let rows = j["machines"].as_array().unwrap();
    // One row per machine of the table.
    let table = tco(&["hardware", "list", "--format", "json"]).json();
    assert_eq!(rows.len(), table.as_array().unwrap().len());
    let ranked: Vec<&serde_json::Value> = rows.iter().filter(|r| !r["rank"].is_null()).collect();
    assert!(ranked.len() >= 5, "{j}");
    for (i, pair) in ranked.windows(2).enumerate() {
        assert!(
            dec(&pair[0]["cost_per_mtok"]) <= dec(&pair[1]["cost_per_mtok"]),
            "rank {i}"
        );
        assert_eq!(pair[0]["rank"].as_u64(), Some(i as u64 + 1));
    }
    let by_id = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap();
    // 42 GB of weights do not fit a 24 GB card.
    assert_eq!(by_id("nvidia/rtx-4090")["status"], "no fit");
    assert!(by_id("nvidia/rtx-4090")["rank"].is_null());
    // No FP16 figure in the table for the M5 Max estimate.
    assert_eq!(by_id("apple/m5-max-128gb")["status"], "no specs");
    // A 50 ms TPOT is beyond any Apple machine for a 70B model (~12 tok/s a stream).
    assert_eq!(by_id("apple/m3-ultra-96gb")["status"], "slo missed");
    let h200 = by_id("nvidia/h200-141gb-sxm-x2");
    assert_eq!(h200["status"], "ok");
    assert!(h200["batch"].as_u64().unwrap() >= 1);
    // The costs are the report's: the same option written in a scenario gives the same figures.
    let r = tco(&[
        "report",
        "estimate-before-you-buy",
        "--set",
        r#"local=[{name: x, machine: nvidia/h200-141gb-sxm-x2, owned: {amortization_months: 36}, power: {price_per_kwh: 0.15}, throughput: {estimate: roofline, slo: {tpot_p95_ms: 50}}, model: {id: llama-3.3-70b, params_b: 70.6, layers: 80, kv_heads: 8, head_dim: 128, quant: Q4_K_M}}]"#,
        "--format",
        "json",
    ])
    .json();
    assert_eq!(
        dec(&r["local"][0]["cost_per_mtok"]),
        dec(&h200["cost_per_mtok"])
    );
    assert_eq!(
        dec(&r["local"][0]["throughput"]["decode_tokens_per_second"]),
        dec(&h200["tokens_per_second"])
    );
}

#[test]
fn machines_table_csv_and_markdown() {
    let t = tco(&["machines", "--params-b", "8", "--quant", "Q8_0"]);
    let text = t.ok();
    assert!(text.contains("Machines for 8B Q8_0"), "{text}");
    assert!(text.contains("no specs"), "{text}");
    assert!(text.contains("roofline estimate"), "{text}");
    let c = tco(&["machines", "--model", "phi-4-mini", "--format", "csv"]);
    let recs = csv_records(c.ok());
    assert!(recs.iter().any(|r| r["rank"] == "1"));
    assert!(recs.iter().all(|r| !r["status"].is_empty()));
    let m = tco(&[
        "machines",
        "--model",
        "mixtral-8x7b",
        "--format",
        "markdown",
    ]);
    assert!(m.ok().contains("| # |"), "{}", m.stdout);
}

#[test]
fn machines_errors_are_clear() {
    let e = tco(&["machines"]);
    assert!(e.user_error().contains("no model given"), "{}", e.stderr);
    let e = tco(&["machines", "--model", "llama-3.3-70"]);
    assert!(
        e.user_error().contains("did you mean `llama-3.3-70b`"),
        "{}",
        e.stderr
    );
    let e = tco(&["machines", "--params-b", "7", "--slo", "tpot_p97_ms=50"]);
    assert!(
        e.user_error().contains("not a latency statistic"),
        "{}",
        e.stderr
    );
    let e = tco(&["machines", "--params-b", "7", "--slo", "tpot_p95_ms=-5"]);
    assert!(e.user_error().contains("not above zero"), "{}", e.stderr);
    let e = tco(&["machines", "--params-b", "7", "--quant", "Q9"]);
    assert!(
        e.user_error().contains("not a known quantization"),
        "{}",
        e.stderr
    );
    let e = tco(&["machines", "--model", "phi-4-mini", "--format", "html"]);
    assert_eq!(e.code, 2, "{}", e.stderr);
}
