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

#[test]
fn probe_bandwidth_prints_gb_per_second() {
    let t = tco(&["probe", "--bandwidth", "--buffer-mib", "8", "--reps", "1"]);
    assert!(t.ok().starts_with("memory bandwidth: "), "{}", t.stdout);
    let j = tco(&[
        "probe",
        "--bandwidth",
        "--buffer-mib",
        "8",
        "--reps",
        "2",
        "--format",
        "json",
    ])
    .json();
    assert!(dec(&j["memory_bandwidth_gbs"]) > rust_decimal::Decimal::ZERO);
    assert_eq!(j["rounds_gbs"].as_array().unwrap().len(), 2);
    assert_eq!(j["buffer_bytes"].as_u64(), Some(8 << 20));
    let e = tco(&["probe", "--bandwidth", "--buffer-mib", "0"]);
    assert!(e.user_error().contains("--buffer-mib"), "{}", e.stderr);
}

#[test]
fn probe_fit_derives_the_efficiencies_from_a_calibration() {
    // llama-bench's sample with the rates of a 70B Q4_K_M model on an M2
    // Ultra: 95 tokens/s prefill (512 tokens), 11.5 tokens/s decode (128).
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(super::root().join("tests/data/llama-bench-sample.json")).unwrap();
    let mut runs: serde_json::Value = serde_json::from_str(&text).unwrap();
    for (r, v) in runs.as_array_mut().unwrap().iter_mut().zip([95.0f64, 11.5]) {
        let n = r["n_prompt"].as_f64().unwrap() + r["n_gen"].as_f64().unwrap();
        let ns = (1e9 * n / v) as u64;
        r["avg_ts"] = v.into();
        r["stddev_ts"] = 0.0.into();
        let k = r["samples_ts"].as_array().unwrap().len();
        r["samples_ts"] = vec![v; k].into();
        r["samples_ns"] = vec![ns; k].into();
        r["avg_ns"] = ns.into();
        r["model_size"] = 42_437_500_000u64.into();
        r["model_n_params"] = 70_000_000_000u64.into();
    }
    std::fs::write(dir.path().join("lb.json"), runs.to_string()).unwrap();
    super::tco_in(
        dir.path(),
        &["probe", "import", "lb.json", "--out", "cal.yaml"],
    )
    .ok();
    let j = super::tco_in(
        dir.path(),
        &[
            "probe",
            "fit",
            "cal.yaml",
            "--machine",
            "apple/m2-ultra-64gb",
            "--params-b",
            "70.6",
            "--format",
            "json",
        ],
    )
    .json();
    // memory: (42.4375e9 + (512 + 64) · 327,680) B / (1/11.5 − 0.002) s / 800e9 B/s = 0.6272
    // compute: 2 · 70.6e9 · 95 / 21.5e12 = 0.6239
    assert_eq!(dec(&j["efficiency"]["memory"]), dec(&"0.6272".into()));
    assert_eq!(dec(&j["efficiency"]["compute"]), dec(&"0.6239".into()));
    assert_eq!(j["source"]["from"], "fitted");
    let t = super::tco_in(
        dir.path(),
        &[
            "probe",
            "fit",
            "cal.yaml",
            "--machine",
            "apple/m2-ultra-64gb",
            "--model",
            "llama-3.3-70b",
        ],
    );
    // The block records where the figures came from: the file, the machine
    // and the day of the fit.
    let out = t.ok();
    let want = "efficiency: {memory: 0.6272, compute: 0.6239, source: \"fitted to cal.yaml on apple/m2-ultra-64gb (tco probe fit, ";
    let at = out.find(want).unwrap_or_else(|| panic!("{out}"));
    let rest = &out[at + want.len()..];
    let (day, after) = rest.split_at(10);
    assert!(
        day.len() == 10
            && day.chars().enumerate().all(|(i, c)| if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }),
        "{out}"
    );
    assert!(after.starts_with(")\"}\n"), "{out}");
    // Pasted into a scenario, the report quotes it.
    let block = out[at..].lines().next().unwrap();
    let scenario = format!(
        "name: t\nworkload: {{tokens_per_month: 100M, input_share: 0.8, prompt_tokens_per_request: 200}}\napi:\n  - {{name: a, input_per_mtok: 1, output_per_mtok: 2}}\nlocal:\n  - name: l\n    machine: apple/m2-ultra-64gb\n    owned: {{price: 1000, amortization_months: 12}}\n    model: {{params_b: 70.6, quant: Q4_K_M}}\n    throughput:\n      estimate: roofline\n      {block}\n"
    );
    std::fs::write(dir.path().join("s.yaml"), scenario).unwrap();
    let r = super::tco_in(dir.path(), &["report", "s.yaml", "--format", "json"]).json();
    let note = r["local"][0]["throughput"]["source"].as_str().unwrap();
    assert!(
        note.contains(&format!(
            "η memory 0.6272, compute 0.6239 (“fitted to cal.yaml on apple/m2-ultra-64gb (tco probe fit, {day})”)"
        )),
        "{note}"
    );
    let e = super::tco_in(
        dir.path(),
        &["probe", "fit", "cal.yaml", "--machine", "apple/m2-ultra"],
    );
    assert!(e.user_error().contains("did you mean"), "{}", e.stderr);
    let e = super::tco_in(
        dir.path(),
        &[
            "probe",
            "fit",
            "cal.yaml",
            "--machine",
            "apple/m2-ultra-64gb",
        ],
    );
    assert!(e.user_error().contains("no model given"), "{}", e.stderr);
}

/// A real probe of this project's test machine (2 cores; 125M Q4_K at 1, 4
/// and 8 sequences) fits all three efficiencies, batched decode's included,
/// and the block it prints reproduces the batched measurement in a report.
#[test]
fn probe_fit_on_a_cpu_fits_the_batched_decode_efficiency() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        super::root().join("tests/data/probe-125m-q4_k-2026-12-04.yaml"),
        dir.path().join("cal.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("here.yaml"),
        "hardware:\n  - id: local/this-machine\n    name: this machine\n    kind: machine\n    platform: cpu\n    price: 1\n    memory_gb: 25.3\n    memory_bandwidth_gbs: 22.93\n    fp16_tflops: 0.1565\n    int8_tops: 0.626\n    compute_source: \"estimate: 2 cores x 32 FLOP/cycle x 2445 MHz; INT8 4x that\"\n    load_watts: 100\n    source: \"measured\"\n",
    )
    .unwrap();
    let fit = |format: &str| {
        super::tco_in(
            dir.path(),
            &[
                "probe",
                "fit",
                "cal.yaml",
                "--hardware",
                "here.yaml",
                "--machine",
                "local/this-machine",
                "--params-b",
                "0.124668672",
                "--quant",
                "Q4_K_M",
                "--format",
                format,
            ],
        )
    };
    let j = fit("json").json();
    // compute: 2 · 0.124668672e9 · 1071.92 (prefill of 64 tokens) / 0.626e12 = 0.4269
    assert_eq!(dec(&j["efficiency"]["compute"]), dec(&"0.4269".into()));
    // batched decode: 8 sequences at 346.739 tokens/s → t = 8 / 346.739 − 0.0001
    // = 0.0229721 s a step, far above the 0.003 s the 70 MB of weights take;
    // 2 · 0.124668672e9 · 8 / (0.626e12 · 0.0229721) = 0.1387.
    assert_eq!(
        dec(&j["efficiency"]["decode_compute"]),
        dec(&"0.1387".into())
    );
    assert_eq!(j["measured"]["batched_decode"]["concurrency"], 8);
    let table = fit("table");
    let out = table.ok();
    assert!(out.contains("batched decode efficiency 0.1387: "), "{out}");
    let at = out
        .find("efficiency: {memory: ")
        .unwrap_or_else(|| panic!("{out}"));
    let block = out[at..].lines().next().unwrap();
    assert!(
        block.contains(", compute: 0.4269, decode_compute: 0.1387, source: "),
        "{block}"
    );
    // In a scenario with the probe's request shape (64 + 128 tokens), the
    // estimate at 8 streams is the measured 346.7 tokens/s of decode.
    let scenario = format!(
        "name: t\nworkload: {{tokens_per_month: 100M, input_share: 0.3333333333, prompt_tokens_per_request: 64}}\napi:\n  - {{name: a, input_per_mtok: 1, output_per_mtok: 2}}\nlocal:\n  - name: l\n    machine: local/this-machine\n    owned: {{price: 1000, amortization_months: 12}}\n    model: {{params_b: 0.124668672, quant: Q4_K_M}}\n    throughput:\n      estimate: roofline\n      {block}\n"
    );
    std::fs::write(dir.path().join("s.yaml"), scenario).unwrap();
    let r = super::tco_in(
        dir.path(),
        &[
            "report",
            "s.yaml",
            "--hardware",
            "here.yaml",
            "--format",
            "json",
        ],
    )
    .json();
    let note = r["local"][0]["throughput"]["source"].as_str().unwrap();
    assert!(
        note.contains("compute 0.4269, batched decode 0.1387"),
        "{note}"
    );
}

#[test]
fn machines_model_figures_are_checked_once() {
    for (args, want) in [
        (vec!["--params-b", "0"], "--params-b 0: out of range"),
        (
            vec!["--params-b", "7", "--context", "0"],
            "--context 0: out of range",
        ),
        (
            vec!["--params-b", "70", "--active-params-b", "80"],
            "above --params-b 70",
        ),
        (
            vec!["--model", "phi-4-mini", "--params-b", "3"],
            "both name the model",
        ),
    ] {
        let mut all = vec!["machines"];
        all.extend(args);
        let e = tco(&all);
        assert!(e.user_error().contains(want), "{all:?}: {}", e.stderr);
    }
}
