//! Prices as of a date: `tco prices import` of genai-prices' data.json (the
//! real 2026-08-21 snapshot in tests/data), `--date`, `tco prices list`'s
//! date, `tco hardware list|show`, and the bundled tables' dates and sources.

use crate::{dec, root, tco, tco_in};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn genai() -> std::path::PathBuf {
    let p = root().join("tests/data/genai-prices-2026-08-21/data.json");
    assert!(
        p.is_file(),
        "{} is missing: the import test needs it",
        p.display()
    );
    p
}

#[test]
fn genai_prices_import_keeps_schedules_tiers_writes_and_off_peak() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("api.yaml");
    let src = genai();
    let o = tco(&[
        "prices",
        "import",
        src.to_str().unwrap(),
        "--provider",
        "anthropic,openai,deepseek",
        "--batch",
        "anthropic=0.5",
        "-o",
        out.to_str().unwrap(),
    ]);
    o.ok();
    // The date comes from the folder's name.
    assert!(o.stderr.contains("from 3 providers"), "{}", o.stderr);
    let table = out.to_str().unwrap();
    let show =
        |id: &str| tco(&["prices", "show", id, "--pricing", table, "--format", "json"]).json();
    let s5 = show("anthropic/claude-sonnet-5");
    assert_eq!(dec(&s5["input_per_mtok"]), d("2"));
    assert_eq!(dec(&s5["cache_write_per_mtok"]), d("2.5"));
    assert_eq!(s5["schedule"][0]["from"], "2026-09-01");
    assert_eq!(dec(&s5["schedule"][0]["output_per_mtok"]), d("15"));
    assert_eq!(s5["as_of"], "2026-08-21");
    assert_eq!(dec(&s5["batch_discount"]), d("0.5"));
    let g = show("openai/gpt-5.4");
    assert_eq!(g["tiers"][0]["above_prompt_tokens"], 272000);
    assert_eq!(dec(&g["tiers"][0]["input_per_mtok"]), d("5"));
    assert_eq!(dec(&g["batch_discount"]), d("0"));
    let ds = show("deepseek/deepseek-chat");
    assert_eq!(ds["off_peak"]["hours_utc"], "16:30-00:30");
    assert_eq!(dec(&ds["off_peak"]["input_per_mtok"]), d("0.135"));
    // Exact decimals from the JSON text (0.003625 stays 0.003625).
    assert_eq!(
        dec(&show("deepseek/deepseek-v4-pro")["cached_input_per_mtok"]),
        d("0.003625")
    );
    // Other providers were left out.
    tco(&[
        "prices",
        "show",
        "google/gemini-3.5-flash",
        "--pricing",
        table,
    ])
    .user_error();
}

#[test]
fn an_unknown_provider_or_bad_batch_term_is_refused() {
    let src = genai();
    let e = tco(&[
        "prices",
        "import",
        src.to_str().unwrap(),
        "--provider",
        "openai,nosuch",
    ]);
    assert!(e.user_error().contains("not in"), "{}", e.stderr);
    let e = tco(&[
        "prices",
        "import",
        src.to_str().unwrap(),
        "--batch",
        "openai=2",
    ]);
    assert!(e.user_error().contains("VENDOR=SHARE"), "{}", e.stderr);
}

#[test]
fn the_bundled_table_reproduces_from_the_snapshot() {
    // pricing/update-api.sh's command, into a temporary file: the committed
    // pricing/api.yaml is exactly what it writes.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("api.yaml");
    let src = genai();
    tco(&[
        "prices",
        "import",
        src.to_str().unwrap(),
        "--provider",
        "anthropic,openai,google,x-ai,mistral,deepseek,together,fireworks,groq",
        "--batch",
        "anthropic=0.5",
        "--batch",
        "openai=0.5",
        "--batch",
        "google=0.5",
        "--batch",
        "mistral=0.5",
        "--keep",
        "pricing/api-kept.yaml",
        "-o",
        out.to_str().unwrap(),
    ])
    .ok();
    let made = std::fs::read_to_string(&out).unwrap();
    let bundled = std::fs::read_to_string(root().join("pricing/api.yaml")).unwrap();
    assert!(
        made == bundled,
        "pricing/api.yaml differs from what pricing/update-api.sh writes"
    );
}

#[test]
fn every_bundled_price_and_machine_is_dated_and_sourced() {
    let api = tco(&["prices", "list", "--format", "json"]).json();
    for m in api.as_array().unwrap() {
        assert!(
            m["as_of"].as_str().is_some_and(|d| d.len() == 10)
                && m["source"].as_str().is_some_and(|s| !s.is_empty()),
            "{m}"
        );
    }
    let hw = tco(&["hardware", "list", "--format", "json"]).json();
    for h in hw.as_array().unwrap() {
        assert!(
            h["as_of"].as_str().is_some_and(|d| d.len() == 10)
                && h["source"].as_str().is_some_and(|s| !s.is_empty()),
            "{h}"
        );
    }
    let ids: Vec<&str> = hw
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["id"].as_str())
        .collect();
    for want in [
        "nvidia/h200-141gb-sxm",
        "nvidia/b200-180gb",
        "amd/mi300x-192gb",
        "nvidia/rtx-5090",
        "apple/m4-max-128gb",
        "apple/m3-ultra-512gb",
        "apple/m5-max-128gb",
        "nvidia/dgx-spark",
        "amd/ryzen-ai-max-395-128gb",
    ] {
        assert!(ids.contains(&want), "{want} is missing");
    }
}

#[test]
fn prices_list_says_the_tables_date() {
    let t = tco(&[
        "prices",
        "list",
        "--vendor",
        "anthropic",
        "--date",
        "2026-08-01",
    ]);
    let out = t.ok();
    assert!(
        out.starts_with(
            "API prices as of 2026-08-21 (USD per million tokens), in force on 2026-08-01"
        ),
        "{out}"
    );
    // Claude Sonnet 5's introductory price on 2026-08-01, the standard one later.
    let row = |out: &str| {
        out.lines()
            .find(|l| l.contains("anthropic/claude-sonnet-5 "))
            .unwrap()
            .to_string()
    };
    assert!(
        row(out).contains("$2.00") && row(out).contains("new price from 2026-09-01"),
        "{}",
        row(out)
    );
    let later = tco(&[
        "prices",
        "list",
        "--vendor",
        "anthropic",
        "--date",
        "2026-09-01",
    ]);
    assert!(row(later.ok()).contains("$3.00"), "{}", row(later.ok()));
}

#[test]
fn hardware_show_names_date_source_and_rent() {
    let h = tco(&[
        "hardware",
        "show",
        "nvidia/h200-141gb-sxm",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(dec(&h["memory_gb"]), d("141"));
    assert_eq!(dec(&h["memory_bandwidth_gbs"]), d("4800"));
    assert!(
        h["rent_per_gpu_hour"]["on_demand"].is_string()
            || h["rent_per_gpu_hour"]["on_demand"].is_number()
    );
    assert_eq!(dec(&h["fp16_tflops"]), d("989"));
    assert_eq!(dec(&h["int8_tops"]), d("1979"));
    assert!(h["compute_source"].as_str().unwrap().contains("H200"));
    let t = tco(&["hardware", "show", "nvidia/h200-141gb-sxm"]);
    assert!(
        t.ok().contains("rent on demand per GPU-hour"),
        "{}",
        t.stdout
    );
    assert!(t.stdout.contains("989 TFLOPS"), "{}", t.stdout);
    assert!(t.stdout.contains("1979 TOPS"), "{}", t.stdout);
    // No figure is published for the M5 Max: shown as absent, not zero.
    let t = tco(&["hardware", "show", "apple/m5-max-128gb"]);
    assert!(t.ok().contains("FP16 dense"), "{}", t.stdout);
    assert!(!t.stdout.contains("TFLOPS"), "{}", t.stdout);
    let e = tco(&["hardware", "show", "nvidia/h200"]);
    assert!(
        e.user_error()
            .contains("did you mean `nvidia/h200-141gb-sxm`"),
        "{}",
        e.stderr
    );
}

#[test]
fn the_date_picks_prices_and_flags_old_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.yaml"),
        "name: intro price
workload: {tokens_per_month: 100M, input_share: 0.8}
api:
  - model: anthropic/claude-sonnet-5
local:
  - name: box
    rented: {price_per_gpu_hour: 1, gpus: 1}
    throughput: {tokens_per_second: 1000}
",
    )
    .unwrap();
    let at = |d: &str| {
        tco_in(
            dir.path(),
            &["report", "s.yaml", "--date", d, "--format", "json"],
        )
        .json()
    };
    let before = at("2026-08-31");
    assert_eq!(dec(&before["api"][0]["blended_per_mtok"]), d("3.6"));
    assert!(before.get("notes").is_none(), "{before}");
    let after = at("2026-12-03");
    assert_eq!(dec(&after["api"][0]["blended_per_mtok"]), d("5.4"));
    let notes = after["notes"].as_array().unwrap();
    assert!(
        notes[0]
            .as_str()
            .unwrap()
            .contains("listed on 2026-08-21, 104 days before 2026-12-03"),
        "{notes:?}"
    );
    let e = tco_in(dir.path(), &["report", "s.yaml", "--date", "2026-02-30"]);
    assert!(
        e.user_error().contains("not a calendar date"),
        "{}",
        e.stderr
    );
}
