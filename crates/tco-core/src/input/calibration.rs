//! Calibration files: what `tco probe` measured on a machine, read back by a
//! scenario's `throughput: {calibration: FILE, concurrency: N}`.
//!
//! The file is written by tco-probe (`tco probe --out`, `tco probe import`);
//! this is the reading side, pure so the page can use it too. Unknown fields
//! are errors: a calibration is tco's own format (llama-bench's output is
//! turned into one by `tco probe import`, which tolerates llama-bench's
//! growing schema).

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::model::throughput::{Measured, MeasuredThroughput};

/// The `format` value of the files this version reads.
pub const FORMAT: &str = "tco-calibration/1";

/// A parsed calibration file.
#[derive(Debug, Clone)]
pub struct Calibration {
    raw: RawFile,
}

// Every field is parsed so a file is checked whole; not all are used yet.
#[allow(dead_code)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    format: String,
    tco_version: String,
    date: String,
    source: String,
    machine: RawMachine,
    model: RawModel,
    settings: serde_yaml::Value,
    samples: Vec<RawSample>,
    summary: RawSummary,
    #[serde(default)]
    warnings: Vec<String>,
}

// Every field is parsed so a file is checked whole; not all are used yet.
#[allow(dead_code)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMachine {
    cpu: String,
    cores: u32,
    threads: u32,
    backend: String,
    #[serde(default)]
    gpu: Option<String>,
    #[serde(default)]
    memory_bytes: Option<u64>,
    #[serde(default)]
    os: Option<String>,
    #[serde(default)]
    hardware_id: Option<String>,
    #[serde(default)]
    bandwidth_gbs: Option<f64>,
}

// Every field is parsed so a file is checked whole; not all are used yet.
#[allow(dead_code)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    file: String,
    bytes: u64,
    #[serde(default)]
    params: Option<u64>,
    quantization: String,
    #[serde(default)]
    sha256: Option<String>,
    #[serde(default)]
    architecture: Option<String>,
    #[serde(default)]
    synthetic: Option<String>,
}

// Every field is parsed so a file is checked whole; not all are used yet.
#[allow(dead_code)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSample {
    test: String,
    concurrency: u32,
    rep: u32,
    tokens: u64,
    seconds: f64,
}

// Every field is parsed so a file is checked whole; not all are used yet.
#[allow(dead_code)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStat {
    mean: f64,
    sd: f64,
    #[serde(default)]
    ci95: Option<[f64; 2]>,
    n: usize,
}

// Every field is parsed so a file is checked whole; not all are used yet.
#[allow(dead_code)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRow {
    concurrency: u32,
    decode_tps: RawStat,
}

// Every field is parsed so a file is checked whole; not all are used yet.
#[allow(dead_code)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBench {
    tokens: u32,
    tps: RawStat,
}

// Every field is parsed so a file is checked whole; not all are used yet.
#[allow(dead_code)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSummary {
    prefill_tps: RawStat,
    decode_tps: RawStat,
    #[serde(default)]
    ttft_s: Option<RawStat>,
    concurrency: Vec<RawRow>,
    #[serde(default)]
    pp: Option<RawBench>,
    #[serde(default)]
    tg: Option<RawBench>,
    #[serde(default)]
    decode_ceiling_tps: Option<f64>,
    #[serde(default)]
    efficiency: Option<f64>,
}

fn dec(x: f64, what: &str) -> Result<Decimal, String> {
    Decimal::from_f64_retain(x)
        .map(|d| d.round_dp(6).normalize())
        .ok_or_else(|| format!("{what} is not a finite number: {x}"))
}

fn measured(s: &RawStat, what: &str) -> Result<Measured, String> {
    if !(s.mean.is_finite() && s.mean > 0.0) {
        return Err(format!(
            "{what}: mean must be a positive number, not {}",
            s.mean
        ));
    }
    if !(s.sd.is_finite() && s.sd >= 0.0) {
        return Err(format!("{what}: sd must be zero or positive, not {}", s.sd));
    }
    let mean = dec(s.mean, what)?;
    let ci95 = match s.ci95 {
        Some([lo, hi]) if lo <= hi => (dec(lo, what)?, dec(hi, what)?),
        Some([lo, hi]) => return Err(format!("{what}: ci95 [{lo}, {hi}] is upside down")),
        None => (mean, mean),
    };
    Ok(Measured {
        mean,
        sd: dec(s.sd, what)?,
        ci95,
        samples: s.n,
    })
}

impl Calibration {
    /// Parses a calibration file's text (YAML or JSON).
    pub fn parse(text: &str) -> Result<Calibration, String> {
        let raw: RawFile = serde_yaml::from_str(text).map_err(|e| {
            let msg = e.to_string();
            match e.location() {
                Some(l) => format!(
                    "not a tco calibration file (line {}, column {}): {msg}",
                    l.line(),
                    l.column()
                ),
                None => format!("not a tco calibration file: {msg}"),
            }
        })?;
        if raw.format != FORMAT {
            return Err(format!(
                "calibration format `{}` is not supported (this tco reads `{FORMAT}`; re-run `tco probe --out` or `tco probe import`)",
                raw.format
            ));
        }
        let cal = Calibration { raw };
        // Refuse bad figures now, not when a scenario asks for them.
        cal.throughput(1)?;
        Ok(cal)
    }

    /// The concurrencies the file has decode figures for.
    pub fn concurrencies(&self) -> Vec<u32> {
        let mut c: Vec<u32> = self
            .raw
            .summary
            .concurrency
            .iter()
            .map(|r| r.concurrency)
            .collect();
        if !c.contains(&1) {
            c.insert(0, 1);
        }
        c.sort_unstable();
        c
    }

    /// Warnings recorded when the calibration was made.
    pub fn warnings(&self) -> &[String] {
        &self.raw.warnings
    }

    /// The throughput a scenario uses at `concurrency` parallel sequences.
    pub fn throughput(&self, concurrency: u32) -> Result<MeasuredThroughput, String> {
        let s = &self.raw.summary;
        let decode = if concurrency == 1 {
            measured(&s.decode_tps, "summary.decode_tps")?
        } else {
            let row = s
                .concurrency
                .iter()
                .find(|r| r.concurrency == concurrency)
                .ok_or_else(|| {
                    let have: Vec<String> =
                        self.concurrencies().iter().map(u32::to_string).collect();
                    format!(
                        "the calibration has no figure for concurrency {concurrency} (it was measured at {}; re-run `tco probe --concurrency {concurrency}`)",
                        have.join(", ")
                    )
                })?;
            measured(&row.decode_tps, "summary.concurrency.decode_tps")?
        };
        let prefill = measured(&s.prefill_tps, "summary.prefill_tps")?;
        let ttft_seconds = s
            .ttft_s
            .as_ref()
            .map(|t| measured(t, "summary.ttft_s"))
            .transpose()?;
        let m = &self.raw.machine;
        let machine_bandwidth_gbs = m
            .bandwidth_gbs
            .map(|b| dec(b, "machine.bandwidth_gbs"))
            .transpose()?;
        let model = &self.raw.model;
        let synthetic = model.synthetic.is_some();
        let gpu = m
            .gpu
            .as_deref()
            .map(|g| format!(", {g}"))
            .unwrap_or_default();
        let description = format!(
            "{} on {} ({}{gpu}, {} threads): {} {}{}, concurrency {concurrency}, {}",
            self.raw.source,
            m.cpu,
            m.backend,
            m.threads,
            model.file,
            model.quantization,
            if synthetic {
                " (synthetic weights)"
            } else {
                ""
            },
            self.raw.date
        );
        Ok(MeasuredThroughput {
            prefill,
            decode,
            machine_id: m.hardware_id.clone(),
            machine_bandwidth_gbs,
            model_bytes: Some(model.bytes).filter(|b| *b > 0),
            description,
            ttft_seconds,
            synthetic,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const FILE: &str = r#"
format: tco-calibration/1
tco_version: 0.1.0
date: 2026-11-20T21:00:00Z
source: tco probe
machine: {cpu: AMD EPYC, cores: 2, threads: 2, backend: CPU, gpu: null, memory_bytes: 25000000000,
          os: linux x86_64, hardware_id: null, bandwidth_gbs: 20.0}
model: {file: m.gguf, bytes: 1000000000, params: 1200000000, quantization: Q8_0,
        sha256: null, architecture: llama, synthetic: null}
settings: {prompt_tokens: 200, gen_tokens: 500, reps: 3}
samples:
  - {test: prefill, concurrency: 1, rep: 0, tokens: 200, seconds: 0.5}
summary:
  prefill_tps: {mean: 400.0, sd: 20.0, ci95: [350.3, 449.7], n: 3}
  decode_tps: {mean: 15.5, sd: 0.5, ci95: [14.26, 16.74], n: 3}
  ttft_s: {mean: 0.5, sd: 0.01, ci95: [0.48, 0.52], n: 3}
  concurrency:
    - {concurrency: 1, decode_tps: {mean: 15.5, sd: 0.5, ci95: [14.26, 16.74], n: 3}}
    - {concurrency: 4, decode_tps: {mean: 50.0, sd: 2.0, ci95: [45.03, 54.97], n: 3}}
  pp: null
  tg: null
  decode_ceiling_tps: 20.0
  efficiency: 0.775
"#;

    #[test]
    fn reads_rates_at_each_concurrency() {
        let cal = Calibration::parse(FILE).unwrap();
        let t1 = cal.throughput(1).unwrap();
        assert_eq!(t1.prefill.mean, Decimal::new(400, 0));
        assert_eq!(t1.decode.mean, Decimal::new(155, 1));
        assert_eq!(
            t1.decode.ci95,
            (Decimal::new(1426, 2), Decimal::new(1674, 2))
        );
        assert_eq!(t1.decode.samples, 3);
        assert_eq!(t1.machine_bandwidth_gbs, Some(Decimal::new(20, 0)));
        assert_eq!(t1.model_bytes, Some(1_000_000_000));
        assert!(t1.description.contains("AMD EPYC"), "{}", t1.description);
        let t4 = cal.throughput(4).unwrap();
        assert_eq!(t4.decode.mean, Decimal::new(50, 0));
        let err = cal.throughput(8).unwrap_err();
        assert!(err.contains("measured at 1, 4"), "{err}");
    }

    #[test]
    fn refuses_unknown_fields_other_formats_and_bad_figures() {
        let err = Calibration::parse(&FILE.replace("source:", "sauce: 1\nsource:")).unwrap_err();
        assert!(err.contains("sauce"), "{err}");
        let err = Calibration::parse(&FILE.replace("tco-calibration/1", "tco-calibration/9"))
            .unwrap_err();
        assert!(err.contains("not supported"), "{err}");
        let err = Calibration::parse(&FILE.replace("mean: 400.0", "mean: -4")).unwrap_err();
        assert!(err.contains("positive"), "{err}");
        assert!(Calibration::parse("[1, 2]").is_err());
    }
}
