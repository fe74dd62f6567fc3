//! The fuzz targets' logic, one function per target.
//!
//! Each function takes arbitrary bytes and runs them through the same code a
//! user's input goes through: the parser, the checks, the model, the
//! simulation and every renderer. A function returns normally for any input
//! (an error is a fine answer); a panic, an abort, a hang or unbounded memory
//! is the bug the fuzzer looks for. The checks below turn quiet wrong output
//! (a `NaN` in JSON, a report that does not print) into panics too.
//!
//! `fuzz/fuzz_targets/*.rs` wrap these for libFuzzer (nightly, `fuzz/run.sh`);
//! `tests/replay.rs` feeds them the committed corpus and regression inputs on
//! stable, in CI.

// A panic is how a fuzz target reports a broken invariant to the fuzzer.
#![allow(clippy::panic)]

use tco_core::analysis::sim::{simulate, SimOptions};
use tco_core::input::bundled;
use tco_core::input::scenario::{NoFiles, Resolve};
use tco_core::Scenario;

/// A target's logic: any bytes in, nothing out; a panic is a finding.
pub type Target = fn(&[u8]);

/// Every target by name, for the replay test and the campaign script.
pub const TARGETS: &[(&str, Target)] = &[
    ("scenario", scenario),
    ("set", set),
    ("prices_yaml", prices_yaml),
    ("hardware_yaml", hardware_yaml),
    ("litellm_json", litellm_json),
    ("genai_json", genai_json),
    ("calibration", calibration),
    ("llama_bench", llama_bench),
    ("gguf", gguf),
    ("stream", stream),
    ("server_import", server_import),
];

/// The bundled price and hardware tables, parsed once per process: parsing
/// them on every input spent most of the scenario targets' time on the same
/// two files (they have their own targets).
fn bundled_tables() -> &'static bundled::OwnedTables {
    static TABLES: std::sync::OnceLock<bundled::OwnedTables> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| match bundled::tables() {
        Ok(t) => t,
        Err(e) => panic!("the bundled tables parse: {e}"),
    })
}

/// Text of the input: invalid UTF-8 never reaches the parsers (the CLI and
/// the page refuse it before, with its own message).
fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Calibration files named by a fuzzed scenario: one fixed valid file, so the
/// calibrated-throughput path runs too, and errors for everything else.
struct OneCalibration;

const CALIBRATION: &str = include_str!("../../../fuzz/corpus/calibration/probe.yaml");

impl Resolve for OneCalibration {
    fn calibration(&self, path: &str) -> Result<String, String> {
        match path {
            "box.yaml" => Ok(CALIBRATION.to_string()),
            _ => NoFiles.calibration(path),
        }
    }
}

/// Asserts what every rendered output must be: non-empty, without `NaN`,
/// `inf` or `undefined` where a figure belongs.
fn check_output(what: &str, out: &str) {
    assert!(!out.is_empty(), "{what}: empty output");
    for bad in ["NaN", "inf\"", "undefined"] {
        assert!(!out.contains(bad), "{what}: `{bad}` in the output:\n{out}");
    }
}

fn check_json(what: &str, out: &str) {
    check_output(what, out);
    if let Err(e) = serde_json::from_str::<serde_json::Value>(out) {
        panic!("{what}: not JSON ({e}):\n{out}");
    }
}

/// Everything `tco report`, `breakeven`, `simulate` and `--plot` do with a
/// scenario that parsed.
fn exercise(s: &Scenario) {
    let r = s.evaluate();
    let md = tco_cli::render::report(s, &r, true);
    let table = tco_cli::render::report(s, &r, false);
    check_output("report table", &table);
    check_output("report markdown", &md);
    check_json(
        "report json",
        &tco_cli::render::json(&r).unwrap_or_default(),
    );
    check_output("report csv", &r.to_csv());
    check_output("break-even csv", &r.break_even_csv());
    if let Ok(svg) = tco_chart::CostChart::for_scenario(s, &r).to_svg() {
        check_output("cost chart", &svg);
    }
    // A small simulation: the same code as `tco simulate`, 64 samples.
    if let Ok(sim) = simulate(
        s,
        SimOptions {
            samples: 64,
            seed: 42,
        },
    ) {
        check_output("simulate table", &tco_cli::render::simulate(&sim, false));
        check_output("simulate markdown", &tco_cli::render::simulate(&sim, true));
        check_output("simulate csv", &tco_cli::render::simulate_csv(&sim));
        check_json(
            "simulate json",
            &tco_cli::render::json(&sim).unwrap_or_default(),
        );
        if let Some(pair) = sim.break_even.first() {
            if let Ok(svg) = tco_chart::Histogram::from_simulation(&sim, pair).to_svg() {
                check_output("histogram", &svg);
            }
        }
    }
}

/// A scenario file: parse (which validates), evaluate, break-even, simulate,
/// every renderer.
pub fn scenario(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let tables = bundled_tables();
    if let Ok(s) = Scenario::parse(t, "fuzz.yaml", tables.as_ref(), &OneCalibration) {
        exercise(&s);
    }
}

/// `--set PATH=VALUE` text applied to a bundled scenario. The first line of
/// the input picks the scenario by its index, each further line is one
/// `--set`.
pub fn set(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let mut lines = t.lines();
    let which = lines
        .next()
        .and_then(|l| l.trim().parse::<usize>().ok())
        .unwrap_or(0)
        % bundled::SCENARIOS.len();
    let (origin, base) = bundled::SCENARIOS[which];
    let sets: Vec<String> = lines.map(str::to_string).collect();
    let tables = bundled_tables();
    if let Ok(s) =
        Scenario::parse_with_overrides(base, origin, &sets, tables.as_ref(), &OneCalibration)
    {
        exercise(&s);
    }
}

/// An API price table (`pricing/api.yaml`, `--pricing`); when it parses, the
/// flagship is priced against it.
pub fn prices_yaml(data: &[u8]) {
    let Some(t) = text(data) else { return };
    if let Ok(prices) = tco_core::model::prices::PriceTable::parse(t, "api.yaml") {
        let _ = prices.to_yaml("");
        let mut tables = bundled_tables().clone();
        tables.prices = prices;
        if let Ok(s) = Scenario::parse(
            bundled::FLAGSHIP.1,
            bundled::FLAGSHIP.0,
            tables.as_ref(),
            &NoFiles,
        ) {
            exercise(&s);
        }
    }
}

/// A hardware table (`pricing/hardware.yaml`, `--hardware`).
pub fn hardware_yaml(data: &[u8]) {
    let Some(t) = text(data) else { return };
    if let Ok(hw) = tco_core::model::prices::HardwareTable::parse(t, "hardware.yaml") {
        let mut tables = bundled_tables().clone();
        tables.hardware = hw;
        if let Ok(s) = Scenario::parse(
            bundled::FLAGSHIP.1,
            bundled::FLAGSHIP.0,
            tables.as_ref(),
            &NoFiles,
        ) {
            exercise(&s);
        }
    }
}

/// LiteLLM's price list (`tco prices import`): the table it makes must read
/// back as a price table.
pub fn litellm_json(data: &[u8]) {
    let Some(t) = text(data) else { return };
    if let Ok((table, _)) =
        tco_core::input::pricing::import_litellm(t, "prices.json", "fuzz", "2026-01-01")
    {
        let yaml = table.to_yaml("");
        if let Err(e) = tco_core::model::prices::PriceTable::parse(&yaml, "imported.yaml") {
            panic!("an imported table does not read back: {e}\n{yaml}");
        }
    }
}

/// genai-prices' `data.json` (`tco prices import`, with a batch discount for
/// one vendor as `--batch openai=0.5` gives): the table it makes must read
/// back as a price table.
pub fn genai_json(data: &[u8]) {
    use tco_core::input::genai::{import_genai, GenaiOptions};
    use tco_core::model::prices::PriceTable;
    let Some(t) = text(data) else { return };
    let opts = GenaiOptions {
        providers: Vec::new(),
        batch: vec![("openai".to_string(), rust_decimal::Decimal::new(5, 1))],
        as_of: "2026-08-21".to_string(),
        snapshot: "genai-prices 2026-08-21".to_string(),
    };
    if let Ok((table, _)) = import_genai(t, "data.json", &opts, &PriceTable::default()) {
        let yaml = table.to_yaml("");
        if let Err(e) = PriceTable::parse(&yaml, "imported.yaml") {
            panic!("an imported table does not read back: {e}\n{yaml}");
        }
    }
}

/// A calibration file, as a scenario reads it (tco-core, both versions of the
/// format) and as the probe and the terminal calculator read it (tco-probe).
pub fn calibration(data: &[u8]) {
    let Some(t) = text(data) else { return };
    if let Ok(c) = tco_core::input::calibration::Calibration::parse(t) {
        for n in c.concurrencies() {
            let _ = c.throughput(n);
        }
    }
    if let Ok(c) = tco_core::input::calibration_schema::CalibrationFile::from_text(t) {
        let _ = c.to_text("x.yaml");
        for n in [1, 4, 8] {
            let _ = c.server_rates(n);
        }
    }
    if let Ok(c) = tco_probe::CalibrationFile::from_text(t) {
        let _ = c.to_text("x.yaml");
        let _ = c.to_text("x.json");
    }
}

/// llama-bench's JSON output (`tco probe import`): the calibration it makes
/// must read back in a scenario.
pub fn llama_bench(data: &[u8]) {
    let Some(t) = text(data) else { return };
    if let Ok(cal) = tco_probe::import::from_llama_bench(t) {
        if let Ok(text) = cal.to_text("box.yaml") {
            let _ = tco_core::input::calibration::Calibration::parse(&text);
        }
    }
}

/// The GGUF pre-validator (`tco probe --model`), which reads a model file's
/// header before llama.cpp is given it.
pub fn gguf(data: &[u8]) {
    use std::io::Write;
    thread_local! {
        static FILE: std::path::PathBuf = std::env::temp_dir()
            .join(format!("tco-fuzz-{}.gguf", std::process::id()));
    }
    FILE.with(|p| {
        let written = std::fs::File::create(p).and_then(|mut f| f.write_all(data));
        if written.is_ok() {
            let _ = tco_probe::gguf::validate(
                p,
                &tco_probe::gguf::ValidateOptions {
                    memory_bytes: Some(1 << 30),
                    kv_cells: 4096,
                },
            );
        }
    });
}

/// The server probe's stream decoder (`tco probe --server`). The first byte
/// picks the protocol (even: OpenAI server-sent events, odd: Ollama NDJSON),
/// the second the chunk size the body arrives in; the body is decoded whole
/// and in chunks, which must give the same events.
pub fn stream(data: &[u8]) {
    use tco_loadgen::stream::{parse_chunks, Protocol};
    let [p, c, body @ ..] = data else { return };
    let protocol = if p % 2 == 0 {
        Protocol::OpenAi
    } else {
        Protocol::Ollama
    };
    let max_line = 4096;
    let whole = parse_chunks(protocol, &[body], max_line);
    let chunks: Vec<&[u8]> = body.chunks(1 + usize::from(*c)).collect();
    let split = parse_chunks(protocol, &chunks, max_line);
    if let (Ok(a), Ok(b)) = (&whole, &split) {
        assert_eq!(a, b, "the chunking changed the events");
    }
    assert_eq!(whole.is_ok(), split.is_ok(), "{whole:?} / {split:?}");
}

/// Server benchmark files (`tco probe import` of `vllm bench serve` and
/// guidellm JSON): the calibration made must write out and read back.
pub fn server_import(data: &[u8]) {
    let Some(t) = text(data) else { return };
    let files = [("bench.json".to_string(), t.to_string())];
    if let Ok(cal) =
        tco_loadgen::import::server_calibration(&files, "0.1.0", "2026-01-01T00:00:00Z")
    {
        for name in ["box.yaml", "box.json"] {
            if let Ok(text) = cal.to_text(name) {
                if let Err(e) =
                    tco_core::input::calibration_schema::CalibrationFile::from_text(&text)
                {
                    panic!("an imported calibration does not read back: {e}\n{text}");
                }
            }
        }
    }
}
