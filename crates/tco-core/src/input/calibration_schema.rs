//! The calibration file's schema: one set of serde types that the writers
//! (`tco probe --model`, `tco probe --server`, `tco probe import`) serialize
//! and the reader ([`crate::calibration`]) deserializes, so the two cannot
//! drift apart.
//!
//! Version 2 (`format: tco-calibration/2`) holds either or both of:
//!
//! - an **in-process measurement** (llama.cpp in a child process, or an
//!   imported llama-bench run): `machine`, `model`, `settings`, `samples`,
//!   `summary` — exactly version 1's fields, so a version 1 file reads as a
//!   version 2 file with those fields present;
//! - a **server measurement** (`tco probe --server`, or an imported
//!   `vllm bench serve` / guidellm result): `server` (what the server says it
//!   is), `load` (what was asked of it), `levels` (one summary per load level:
//!   what a latency target needs) and `requests` (every request's timings).
//!
//! ```yaml
//! format: tco-calibration/2
//! tco_version: 0.1.0
//! date: 2026-12-03T17:00:00Z
//! source: tco probe --server          # tco probe | llama-bench import | vllm bench serve import | guidellm import
//! server: {kind: llama-server, version: b6000-abc, endpoint: http://127.0.0.1:8080, api: openai, model: tiny.gguf}
//! load: {mode: closed, levels: [1, 2, 4], prompt_tokens: 200, output_tokens: 500, requests_per_level: 20, ...}
//! levels:
//!   - {concurrency: 1, completed: 20, failed: 0, output_tps: 31.2, total_tps: 43.7,
//!      ttft_ms: {mean, sd, p50, p90, p95, p99, max, n}, tpot_ms: {...}, itl_ms: {...}, e2e_ms: {...}, ...}
//! requests:
//!   - {level: 0, index: 0, warmup: true, start_s: 0.0, ttft_ms: 41.2, e2e_ms: 980.1, output_tokens: 32, itl_ms: [..]}
//! ```
//!
//! Times in `levels` and `requests` are milliseconds; rates are tokens per
//! second. The schema is pure data: the probe computes, tco-core reads.

use serde::{Deserialize, Serialize};

mod server;
pub use server::*;

/// The version 1 `format` value (in-process measurements only).
pub const FORMAT_V1: &str = "tco-calibration/1";
/// The `format` value written now.
pub const FORMAT: &str = "tco-calibration/2";

/// A whole calibration file, either version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrationFile {
    pub format: String,
    pub tco_version: String,
    /// When measured, RFC 3339 UTC.
    pub date: String,
    /// Who measured: `tco probe`, `tco probe --server`, `llama-bench import`,
    /// `vllm bench serve import`, `guidellm import`.
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<MachineInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Settings>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<Sample>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<ResultSummary>,
    /// The server measured (server measurements only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<ServerInfo>,
    /// What load was offered (server measurements only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load: Option<LoadSettings>,
    /// One summary per load level, in the order run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<LevelSummary>,
    /// Every request's timings, warm-ups included (marked).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<RequestRecord>,
    /// The run ended before every level was measured (failures, a lost
    /// server, an interrupt); `stop_reason` says why.
    #[serde(default, skip_serializing_if = "is_false")]
    pub partial: bool,
    /// Why the sweep ended before its last level, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
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

/// What the in-process probe was asked to do. Missing fields take the
/// defaults (version 1 files written by hand often leave some out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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

/// What one in-process sample measured.
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

/// One timed repetition of the in-process probe.
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

/// Mean, spread and 95 % interval of repeated measurements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub mean: f64,
    /// Sample standard deviation (n − 1 in the denominator); 0 for one sample.
    pub sd: f64,
    /// 95 % confidence interval of the mean; absent with fewer than two samples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci95: Option<[f64; 2]>,
    pub n: usize,
}

impl Summary {
    /// Summarises `samples`; None when there are none or one is not finite.
    ///
    /// ```
    /// let s = tco_core::input::calibration_schema::Summary::of(&[10.0, 12.0, 14.0]).unwrap();
    /// assert_eq!((s.mean, s.sd), (12.0, 2.0));
    /// ```
    pub fn of(samples: &[f64]) -> Option<Summary> {
        if samples.is_empty() || samples.iter().any(|x| !x.is_finite()) {
            return None;
        }
        let n = samples.len();
        let mean = samples.iter().sum::<f64>() / n as f64;
        if n == 1 {
            return Some(Summary {
                mean,
                sd: 0.0,
                ci95: None,
                n,
            });
        }
        let var = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let sd = var.sqrt();
        let half = t_975(n - 1) * sd / (n as f64).sqrt();
        Some(Summary {
            mean,
            sd,
            ci95: Some([mean - half, mean + half]),
            n,
        })
    }
}

/// The 97.5th percentile of Student's t with `df` degrees of freedom.
pub fn t_975(df: usize) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    match StudentsT::new(0.0, 1.0, df as f64) {
        Ok(t) => t.inverse_cdf(0.975),
        // df ≥ 1 always here; fall back to the normal quantile regardless.
        Err(_) => 1.959_963_984_540_054,
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

/// The in-process results.
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
    /// An in-process measurement (the probe, a llama-bench import).
    #[allow(clippy::too_many_arguments)]
    pub fn in_process(
        format: &str,
        source: &str,
        date: String,
        machine: MachineInfo,
        model: ModelInfo,
        settings: Settings,
        samples: Vec<Sample>,
        summary: ResultSummary,
        warnings: Vec<String>,
    ) -> CalibrationFile {
        CalibrationFile {
            format: format.to_string(),
            tco_version: env!("CARGO_PKG_VERSION").to_string(),
            date,
            source: source.to_string(),
            machine: Some(machine),
            model: Some(model),
            settings: Some(settings),
            samples,
            summary: Some(summary),
            server: None,
            load: None,
            levels: Vec::new(),
            requests: Vec::new(),
            partial: false,
            stop_reason: None,
            warnings,
        }
    }

    /// YAML or JSON by the file name's extension (`.json` → JSON).
    pub fn to_text(&self, file_name: &str) -> Result<String, String> {
        #[cfg(feature = "calibration-yaml")]
        if !file_name.to_ascii_lowercase().ends_with(".json") {
            return serde_yaml::to_string(self).map_err(|e| e.to_string());
        }
        // JSON by name, or always in the page's build (no YAML writer).
        let _ = file_name;
        serde_json::to_string_pretty(self)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string())
    }

    /// Reads one (YAML or JSON; YAML is a superset), either version, with
    /// the location of a schema error.
    pub fn from_text(text: &str) -> Result<CalibrationFile, String> {
        if text.len() > crate::input::yaml::MAX_INPUT_BYTES {
            return Err(format!(
                "the file is {} bytes, more than tco reads (at most {})",
                text.len(),
                crate::input::yaml::MAX_INPUT_BYTES
            ));
        }
        #[cfg(feature = "calibration-yaml")]
        let file: CalibrationFile = serde_yaml::from_str(text).map_err(|e| {
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
        // The page's build: JSON only (the page reads no calibration file).
        #[cfg(not(feature = "calibration-yaml"))]
        let file: CalibrationFile = serde_json::from_str(text).map_err(|e| {
            format!(
                "not a tco calibration file in JSON (line {}, column {}; this build reads no YAML calibration): {e}",
                e.line(),
                e.column()
            )
        })?;
        use crate::input::limits::{MAX_CALIBRATION_LEVELS, MAX_CALIBRATION_SAMPLES};
        for (n, max, what) in [
            (
                file.levels.len(),
                MAX_CALIBRATION_LEVELS,
                "levels: load levels",
            ),
            (
                file.summary.as_ref().map_or(0, |s| s.concurrency.len()),
                MAX_CALIBRATION_LEVELS,
                "summary.concurrency: concurrency levels",
            ),
            (
                file.requests.len(),
                MAX_CALIBRATION_SAMPLES,
                "requests: timed requests",
            ),
            (
                file.samples.len(),
                MAX_CALIBRATION_SAMPLES,
                "samples: timed requests",
            ),
        ] {
            if n > max {
                return Err(format!("{what}: {n}, more than tco reads (at most {max})"));
            }
        }
        match file.format.as_str() {
            FORMAT => {}
            FORMAT_V1 => {
                let missing: Vec<&str> = [
                    ("machine", file.machine.is_none()),
                    ("model", file.model.is_none()),
                    ("settings", file.settings.is_none()),
                    ("summary", file.summary.is_none()),
                ]
                .iter()
                .filter(|(_, m)| *m)
                .map(|(n, _)| *n)
                .collect();
                if !missing.is_empty() {
                    return Err(format!(
                        "a {FORMAT_V1} file needs {} (missing)",
                        missing.join(", ")
                    ));
                }
                if file.server.is_some() || !file.levels.is_empty() {
                    return Err(format!(
                        "server measurements (`server`, `levels`) need format {FORMAT}"
                    ));
                }
            }
            other => {
                return Err(format!(
                    "calibration format `{other}` is not supported (this tco reads `{FORMAT}` and `{FORMAT_V1}`; re-run `tco probe --out` or `tco probe import`)"
                ))
            }
        }
        if file.summary.is_none() && file.levels.is_empty() {
            return Err(
                "the calibration holds no results (neither `summary` nor `levels`)".to_string(),
            );
        }
        Ok(file)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_match_numpy_linear() {
        // numpy.percentile([1..=10], [50, 90, 95, 99]) = 5.5, 9.1, 9.55, 9.91
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        let d = Dist::of(&v).unwrap();
        assert_eq!(d.p50, 5.5);
        assert!((d.p90.unwrap() - 9.1).abs() < 1e-12);
        assert!((d.p95.unwrap() - 9.55).abs() < 1e-12);
        assert!((d.p99.unwrap() - 9.91).abs() < 1e-12);
        assert_eq!((d.max, d.n), (Some(10.0), 10));
        assert_eq!(d.mean, 5.5);
        // numpy.std(range(1, 11)) = sqrt(8.25)
        assert!((d.sd - 8.25f64.sqrt()).abs() < 1e-12);
        let one = Dist::of(&[3.0]).unwrap();
        assert_eq!(one.percentile(95), Some(3.0));
        assert_eq!((one.p50, one.p99, one.sd), (3.0, Some(3.0), 0.0));
        assert!(Dist::of(&[]).is_none());
        assert!(Dist::of(&[1.0, f64::INFINITY]).is_none());
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod server_tests {
    use super::*;
    use std::collections::BTreeMap;

    fn level(c: u32, prompt: u64, out_tps: f64, total_tps: f64, ttft: f64) -> LevelSummary {
        LevelSummary {
            concurrency: Some(c),
            rate: None,
            status: LevelStatus::Ok,
            completed: 10,
            failed: 0,
            failures: BTreeMap::new(),
            duration_s: 10.0,
            achieved_concurrency: f64::from(c),
            request_rate: 1.0,
            prompt_tokens: prompt,
            output_tokens: 1000,
            output_tps: out_tps,
            total_tps,
            decode_tps_per_stream: None,
            ttft_ms: Dist::of(&[ttft]),
            tpot_ms: None,
            itl_ms: None,
            e2e_ms: None,
        }
    }

    fn file(levels: Vec<LevelSummary>) -> CalibrationFile {
        CalibrationFile {
            format: FORMAT.into(),
            tco_version: "0".into(),
            date: "2026-12-03T00:00:00Z".into(),
            source: "tco probe --server".into(),
            machine: None,
            model: None,
            settings: None,
            samples: vec![],
            summary: None,
            server: None,
            load: None,
            levels,
            requests: vec![],
            partial: false,
            stop_reason: None,
            warnings: vec![],
        }
    }

    #[test]
    fn rates_by_hand() {
        // Level 1: 10 requests of 200 prompt tokens, TTFT 100 ms: prefill
        // 2000 tok/s. Level 4: 400 input + 100 output tok/s; prefilling takes
        // 400/2000 = 0.2 of each second, so decode = 100 / 0.8 = 125 tok/s.
        let f = file(vec![
            level(1, 2000, 30.0, 90.0, 100.0),
            level(4, 8000, 100.0, 500.0, 400.0),
        ]);
        let r = f.server_rates(4).unwrap();
        assert_eq!(r.prefill_tps, 2000.0);
        assert!((r.decode_tps - 125.0).abs() < 1e-9, "{}", r.decode_tps);
        // Check: busy seconds for one second's tokens is exactly 1.
        assert!((400.0 / r.prefill_tps + 100.0 / r.decode_tps - 1.0).abs() < 1e-12);
        let e = f.server_rates(8).unwrap_err();
        assert!(e.contains("measured at 1, 4"), "{e}");
        let mut failing = f.clone();
        failing.levels[1].status = LevelStatus::Failing;
        assert!(failing.server_rates(4).is_err());
    }

    #[test]
    fn round_trip_through_yaml_and_json() {
        let mut f = file(vec![level(1, 2000, 30.0, 90.0, 100.0)]);
        f.server = Some(ServerInfo {
            kind: "llama-server".into(),
            version: Some("b1".into()),
            endpoint: "http://127.0.0.1:8080".into(),
            api: "openai".into(),
            model: "m".into(),
            details: BTreeMap::from([("total_slots".to_string(), "4".to_string())]),
        });
        f.requests.push(RequestRecord {
            level: 0,
            index: 0,
            warmup: true,
            start_s: -0.5,
            ttft_ms: Some(12.5),
            e2e_ms: 100.25,
            prompt_tokens: Some(200),
            output_tokens: Some(8),
            chunks: 8,
            token_source: "usage".into(),
            itl_ms: vec![1.5, 2.25],
            server_decode_tps: Some(80.0),
            error: None,
        });
        for name in ["a.yaml", "a.json"] {
            let text = f.to_text(name).unwrap();
            assert_eq!(CalibrationFile::from_text(&text).unwrap(), f, "{name}");
        }
        // Neither results nor a known format: refused, saying why.
        let mut empty = f.clone();
        empty.levels.clear();
        let e = CalibrationFile::from_text(&empty.to_text("x.yaml").unwrap()).unwrap_err();
        assert!(e.contains("no results"), "{e}");
        let e = CalibrationFile::from_text(&f.to_text("x.yaml").unwrap().replace("/2", "/7"))
            .unwrap_err();
        assert!(e.contains("not supported"), "{e}");
        let e = CalibrationFile::from_text(
            &f.to_text("x.yaml")
                .unwrap()
                .replace("tco-calibration/2", "tco-calibration/1"),
        )
        .unwrap_err();
        assert!(e.contains("needs machine, model, settings, summary"), "{e}");
    }
}
