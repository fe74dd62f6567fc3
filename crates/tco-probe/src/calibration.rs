//! The calibration file `tco probe --out` writes and a scenario's
//! `throughput: {calibration: FILE}` reads (tco-core parses it; the schema
//! here is the writer's side, checked against the reader in tco-cli's tests).
//!
//! ```yaml
//! format: tco-calibration/1
//! tco_version: 0.1.0
//! date: 2026-11-20T21:00:00Z
//! source: tco probe            # or: llama-bench import
//! machine: {cpu, cores, threads, backend, gpu, memory_bytes, os, hardware_id, bandwidth_gbs}
//! model: {file, bytes, params, quantization, sha256, architecture, synthetic}
//! settings: {prompt_tokens, gen_tokens, reps, warmup, ctx, batch, gpu_layers, threads,
//!            concurrency: [1, 4, 8], pp_tokens, tg_tokens}
//! samples: [{test: prefill|decode|ttft|pp|tg, concurrency, rep, tokens, seconds}]
//! summary: {prefill_tps, decode_tps, ttft_s, concurrency: [{concurrency, decode_tps}],
//!           pp: {tokens, tps}, tg: {tokens, tps}, decode_ceiling_tps, efficiency}
//! warnings: [..]
//! ```
//! Every rate is tokens per second; a Summary is `{mean, sd, ci95: [lo, hi], n}`.

use serde::{Deserialize, Serialize};

use crate::stats::Summary;

/// The value of the `format` field.
pub const FORMAT: &str = "tco-calibration/1";

/// A whole calibration file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrationFile {
    pub format: String,
    pub tco_version: String,
    /// When measured, RFC 3339 UTC.
    pub date: String,
    /// `tco probe` or `llama-bench import`.
    pub source: String,
    pub machine: MachineInfo,
    pub model: ModelInfo,
    pub settings: Settings,
    pub samples: Vec<Sample>,
    pub summary: ResultSummary,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The machine measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MachineInfo {
    pub cpu: String,
    /// Physical cores.
    pub cores: u32,
    /// Threads the probe used.
    pub threads: u32,
    /// llama.cpp backend (CPU, CUDA, Metal, Vulkan).
    pub backend: String,
    #[serde(default)]
    pub gpu: Option<String>,
    #[serde(default)]
    pub memory_bytes: Option<u64>,
    #[serde(default)]
    pub os: Option<String>,
    /// Id in pricing/hardware.yaml, when the user named it.
    #[serde(default)]
    pub hardware_id: Option<String>,
    /// Memory bandwidth in GB/s, when known.
    #[serde(default)]
    pub bandwidth_gbs: Option<f64>,
}

/// The model measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelInfo {
    /// File name (no directory).
    pub file: String,
    /// Bytes of weights (tensor data).
    pub bytes: u64,
    #[serde(default)]
    pub params: Option<u64>,
    pub quantization: String,
    #[serde(default)]
    pub sha256: Option<String>,
    #[serde(default)]
    pub architecture: Option<String>,
    /// Shape name when the model was a random-weight synthetic one.
    #[serde(default)]
    pub synthetic: Option<String>,
}

/// What the probe was asked to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub prompt_tokens: u32,
    pub gen_tokens: u32,
    pub reps: u32,
    pub warmup: u32,
    pub ctx: u32,
    pub batch: u32,
    pub gpu_layers: i32,
    pub threads: u32,
    pub concurrency: Vec<u32>,
    /// llama-bench-style prompt test size (0 = skipped).
    pub pp_tokens: u32,
    /// llama-bench-style generation test size (0 = skipped).
    pub tg_tokens: u32,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            prompt_tokens: 200,
            gen_tokens: 500,
            reps: 5,
            warmup: 1,
            ctx: 0,
            batch: 512,
            gpu_layers: 0,
            threads: 0,
            concurrency: vec![1, 4, 8],
            pp_tokens: 512,
            tg_tokens: 128,
        }
    }
}

/// What one sample measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestKind {
    /// Prompt processing of `prompt_tokens` (one sequence).
    Prefill,
    /// Generation after the prompt, summed over `concurrency` sequences.
    Decode,
    /// Time from submitting the prompt to having the first token.
    Ttft,
    /// llama-bench's pp test.
    Pp,
    /// llama-bench's tg test.
    Tg,
}

/// One timed repetition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    pub test: TestKind,
    pub concurrency: u32,
    pub rep: u32,
    /// Tokens processed (over all sequences).
    pub tokens: u64,
    pub seconds: f64,
}

impl Sample {
    pub fn tokens_per_second(&self) -> f64 {
        self.tokens as f64 / self.seconds
    }
}

/// Aggregate decode at one concurrency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConcurrencyRow {
    pub concurrency: u32,
    /// Tokens/s summed over the parallel sequences.
    pub decode_tps: Summary,
}

/// A llama-bench-style row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenchRow {
    pub tokens: u32,
    pub tps: Summary,
}

/// The results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultSummary {
    pub prefill_tps: Summary,
    /// Single-sequence decode.
    pub decode_tps: Summary,
    #[serde(default)]
    pub ttft_s: Option<Summary>,
    pub concurrency: Vec<ConcurrencyRow>,
    #[serde(default)]
    pub pp: Option<BenchRow>,
    #[serde(default)]
    pub tg: Option<BenchRow>,
    /// Bandwidth ceiling of single-sequence decode, when bandwidth is known.
    #[serde(default)]
    pub decode_ceiling_tps: Option<f64>,
    /// Measured single-sequence decode / ceiling.
    #[serde(default)]
    pub efficiency: Option<f64>,
}

impl CalibrationFile {
    /// YAML or JSON by the file name's extension (`.json` → JSON).
    pub fn to_text(&self, file_name: &str) -> Result<String, String> {
        if file_name.to_ascii_lowercase().ends_with(".json") {
            serde_json::to_string_pretty(self)
                .map(|s| s + "\n")
                .map_err(|e| e.to_string())
        } else {
            serde_yaml::to_string(self).map_err(|e| e.to_string())
        }
    }

    /// Reads one back (YAML is a superset of JSON).
    pub fn from_text(text: &str) -> Result<CalibrationFile, String> {
        serde_yaml::from_str(text).map_err(|e| e.to_string())
    }
}

/// Summarises samples into the results, applying the bandwidth ceiling.
pub fn summarize(
    samples: &[Sample],
    settings: &Settings,
    model_bytes: u64,
    bandwidth_gbs: Option<f64>,
    warnings: &mut Vec<String>,
) -> Result<ResultSummary, String> {
    let rates = |kind: TestKind, c: u32| -> Vec<f64> {
        samples
            .iter()
            .filter(|s| s.test == kind && s.concurrency == c)
            .map(Sample::tokens_per_second)
            .collect()
    };
    let need = |kind: TestKind, c: u32, what: &str| {
        Summary::of(&rates(kind, c)).ok_or_else(|| format!("no valid {what} samples"))
    };
    let prefill_tps = need(TestKind::Prefill, 1, "prefill")?;
    let decode_tps = need(TestKind::Decode, 1, "decode")?;
    let ttft: Vec<f64> = samples
        .iter()
        .filter(|s| s.test == TestKind::Ttft)
        .map(|s| s.seconds)
        .collect();
    let mut concurrency = Vec::new();
    for &c in &settings.concurrency {
        if let Some(s) = Summary::of(&rates(TestKind::Decode, c)) {
            concurrency.push(ConcurrencyRow {
                concurrency: c,
                decode_tps: s,
            });
        }
    }
    let bench = |kind: TestKind, tokens: u32| {
        Summary::of(&rates(kind, 1)).map(|tps| BenchRow { tokens, tps })
    };
    let (decode_ceiling_tps, efficiency) = match bandwidth_gbs {
        Some(bw) if bw > 0.0 && model_bytes > 0 => {
            let ceiling = bw * 1e9 / model_bytes as f64;
            let eff = decode_tps.mean / ceiling;
            if eff > 1.05 {
                warnings.push(format!(
                    "implausible: decode of {:.1} tok/s exceeds the bandwidth ceiling of {:.1} tok/s ({bw} GB/s / {}); is --bandwidth-gbs right?",
                    decode_tps.mean,
                    ceiling,
                    crate::human_bytes(model_bytes)
                ));
            }
            (Some(ceiling), Some(eff))
        }
        _ => (None, None),
    };
    Ok(ResultSummary {
        prefill_tps,
        decode_tps,
        ttft_s: Summary::of(&ttft),
        concurrency,
        pp: bench(TestKind::Pp, settings.pp_tokens),
        tg: bench(TestKind::Tg, settings.tg_tokens),
        decode_ceiling_tps,
        efficiency,
    })
}

/// The current time as RFC 3339 UTC, without a date library.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let rem = secs % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        tco_core::model::format::civil_date(secs / 86_400),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(test: TestKind, concurrency: u32, tokens: u64, seconds: f64) -> Sample {
        Sample {
            test,
            concurrency,
            rep: 0,
            tokens,
            seconds,
        }
    }

    #[test]
    fn summary_and_ceiling() {
        let samples = vec![
            sample(TestKind::Prefill, 1, 200, 0.5),
            sample(TestKind::Prefill, 1, 200, 0.25),
            sample(TestKind::Decode, 1, 100, 1.0),
            sample(TestKind::Decode, 1, 100, 0.5),
            sample(TestKind::Decode, 4, 400, 1.0),
            sample(TestKind::Ttft, 1, 200, 0.3),
        ];
        let settings = Settings {
            concurrency: vec![1, 4],
            ..Settings::default()
        };
        let mut warnings = Vec::new();
        // 1 GB model at 200 GB/s: ceiling 200 tok/s; measured mean 150.
        let s = summarize(
            &samples,
            &settings,
            1_000_000_000,
            Some(200.0),
            &mut warnings,
        )
        .unwrap();
        assert_eq!(s.prefill_tps.mean, 600.0);
        assert_eq!(s.decode_tps.mean, 150.0);
        assert_eq!(s.concurrency[1].decode_tps.mean, 400.0);
        assert_eq!(s.decode_ceiling_tps, Some(200.0));
        assert_eq!(s.efficiency, Some(0.75));
        assert!(warnings.is_empty());
        // At 100 GB/s the measurement is implausible.
        summarize(
            &samples,
            &settings,
            1_000_000_000,
            Some(100.0),
            &mut warnings,
        )
        .unwrap();
        assert!(warnings[0].contains("implausible"), "{warnings:?}");
    }

    #[test]
    fn dates_look_like_rfc3339() {
        let d = now_rfc3339();
        assert_eq!(d.len(), 20);
        assert!(d.starts_with("20") && d.ends_with('Z'));
    }
}
