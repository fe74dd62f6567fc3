//! Capacity under latency targets: from levels written in a scenario and
//! from a server measurement's calibration file (a guidellm report imported
//! with `tco probe import`), end to end through the binary.

use crate::{dec, root, tco, tco_in};
use rust_decimal::Decimal;

#[test]
fn inline_levels_under_an_slo() {
    let out = tco(&["report", "tests/data/slo-levels.yaml", "--format", "json"]).json();
    let l = &out["local"][0];
    // Between concurrency 8 (1,400 tok/s, p95 TPOT 80 ms) and 16 (1,800, 120 ms):
    // TPOT reaches 90 ms a quarter of the way, TTFT (1,200 → 2,800, target 2,000)
    // only half-way: 1,400 + 0.25 · 400 = 1,500 tokens/s.
    assert_eq!(
        dec(&l["throughput"]["decode_tokens_per_second"]),
        Decimal::from(1500)
    );
    // 3600 · 720 · 1500 tokens a month.
    assert_eq!(l["capacity_tokens_per_month"], 3_888_000_000u64);
    let source = l["throughput"]["source"].as_str().unwrap();
    assert!(
        source.contains("p95 TPOT 90 ms ≤ 90 ms") && source.ends_with(": 1,500 tokens/s"),
        "{source}"
    );
    // Targets no measured level meets: the option cannot serve. It is left
    // out of the verdict with the lowest level's figures as the reason, has
    // no break-even volume and no payback, and the report still runs.
    let unmet = tco(&[
        "report",
        "tests/data/slo-levels.yaml",
        "--set",
        "local[0].throughput.slo.ttft_p95_ms=100",
        "--format",
        "json",
    ])
    .json();
    let why = "no load level meets the latency targets; the lowest, concurrency 1, measured p95 TTFT 150 ms (target 100 ms), p95 TPOT 20 ms (target 90 ms)";
    let l = &unmet["local"][0];
    assert_eq!(l["can_serve"], false);
    assert_eq!(l["infeasible"][0], why);
    assert_eq!(
        l["throughput"]["source"],
        "the lowest measured load, concurrency 1, which misses the latency targets"
    );
    let v = &unmet["verdict"];
    assert_eq!(v["kind"], "api");
    assert_eq!(v["cheapest"], "Hosted model");
    assert!(v["cheapest_local"].is_null(), "{v}");
    assert_eq!(v["excluded"][0]["name"], "Server under an SLO");
    assert_eq!(v["excluded"][0]["reason"], why);
    let pair = &unmet["break_even"][0];
    assert_eq!(pair["status"], "infeasible", "{pair}");
    assert!(pair["tokens_per_month"].is_null(), "{pair}");
    assert!(pair["payback_months"].is_null(), "{pair}");
    // Far cheaper than the API ($0.10 an hour), it still wins nothing it
    // cannot serve.
    let table = tco(&[
        "report",
        "tests/data/slo-levels.yaml",
        "--set",
        "local[0].throughput.slo.ttft_p95_ms=100",
        "--set",
        "local[0].rented.price_per_gpu_hour=0.10",
    ])
    .ok()
    .to_string();
    assert!(
        table.contains("— (infeasible)")
            && table.contains("Left out, cannot serve: Server under an SLO")
            && !table.contains("Verdict: At 2B tokens/month Server under an SLO"),
        "{table}"
    );
    let shape = tco(&[
        "report",
        "tests/data/slo-levels.yaml",
        "--set",
        "workload.input_share=0.5",
        "--format",
        "json",
    ])
    .json();
    let w = shape["local"][0]["warnings"].to_string();
    assert!(
        w.contains("measured with 80 % prompt tokens, the workload has 50 %"),
        "{w}"
    );
    // Without slo, concurrency picks a level.
    let at4 = tco(&[
        "report",
        "tests/data/slo-levels.yaml",
        "--set",
        "local[0].throughput.slo=null",
        "--set",
        "local[0].throughput.concurrency=4",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(
        dec(&at4["local"][0]["throughput"]["decode_tokens_per_second"]),
        Decimal::from(1000)
    );
}

#[test]
fn server_calibration_under_an_slo() {
    let dir = tempfile::tempdir().unwrap();
    let report = root().join("tests/data/server/guidellm-report.json");
    tco_in(
        dir.path(),
        &[
            "probe",
            "import",
            report.to_str().unwrap(),
            "--out",
            "server.yaml",
        ],
    )
    .ok();
    let scenario = "name: guidellm SLO\nworkload: {tokens_per_month: 1B}\napi:\n  - {name: API, input_per_mtok: 1, output_per_mtok: 4}\nlocal:\n  - name: server\n    rented: {price_per_gpu_hour: 2, gpus: 1}\n    throughput: {calibration: server.yaml, slo: {ttft_p95_ms: 60, tpot_p95_ms: 100}}\n";
    std::fs::write(dir.path().join("s.yaml"), scenario).unwrap();
    let out = tco_in(dir.path(), &["report", "s.yaml", "--format", "json"]).json();
    let t = &out["local"][0]["throughput"];
    // Levels: concurrency 1 at 384 tok/s (p95 TTFT 30 ms), 8 at 2,560 (90 ms):
    // 60 ms is half-way, 384 + 0.5 · 2,176 = 1,472 tokens/s.
    assert_eq!(dec(&t["decode_tokens_per_second"]), Decimal::from(1472));
    let source = t["source"].as_str().unwrap();
    assert!(
        source.starts_with("measured on ") && source.contains("between concurrency 1 and 8"),
        "{source}"
    );
    // Targets no level meets: the option cannot serve, with the lowest
    // level's figures as the reason; the file is named in the source.
    let bad = scenario.replace("ttft_p95_ms: 60", "ttft_p95_ms: 10");
    std::fs::write(dir.path().join("bad.yaml"), bad).unwrap();
    let out = tco_in(dir.path(), &["report", "bad.yaml", "--format", "json"]).json();
    let l = &out["local"][0];
    assert_eq!(l["can_serve"], false);
    let why = l["infeasible"][0].as_str().unwrap();
    assert!(
        why.contains("the lowest, concurrency 1, measured p95 TTFT 30 ms (target 10 ms)"),
        "{why}"
    );
    assert_eq!(
        l["throughput"]["source"],
        "the lowest measured load, concurrency 1, which misses the latency targets (calibration server.yaml)"
    );
    assert_eq!(out["verdict"]["kind"], "api");
}
