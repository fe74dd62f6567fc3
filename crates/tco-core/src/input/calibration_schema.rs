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

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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

/// The server measured, as it describes itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerInfo {
    /// `llama-server`, `ollama`, `vllm`, `lm-studio`, `mlx`, `sglang`, `tgi`
    /// or `openai-compatible` when the server did not say.
    pub kind: String,
    /// The version or build the server reports, when it reports one.
    #[serde(default)]
    pub version: Option<String>,
    /// Base URL (no credentials, no query).
    pub endpoint: String,
    /// `openai` (chat completions) or `ollama` (`/api/chat`).
    pub api: String,
    /// The model id the requests named.
    pub model: String,
    /// Other facts the server reported (llama-server's `total_slots`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<String, String>,
}

/// The load offered to a server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadSettings {
    /// `closed` (a fixed number of requests in flight) or `open` (Poisson
    /// arrivals at a fixed rate).
    pub mode: LoadMode,
    /// Concurrencies (closed) or request rates per second (open), in order.
    pub levels: Vec<f64>,
    /// Prompt tokens asked for per request (the server's count is in
    /// `requests`; the prompt is words, so it is near, not exact).
    pub prompt_tokens: u32,
    /// Output tokens asked for per request.
    pub output_tokens: u32,
    /// Timed requests per level (after the warm-up), when the level is a count.
    #[serde(default)]
    pub requests_per_level: Option<u32>,
    /// Seconds per level, when the level is timed instead.
    #[serde(default)]
    pub duration_s: Option<f64>,
    /// Warm-up requests per level, excluded from the summaries.
    pub warmup_per_level: u32,
    /// Per-request timeout in seconds.
    pub timeout_s: f64,
    /// Seed of the prompts and of open-loop arrivals.
    pub seed: u64,
    /// Whether the request asked the server to ignore end-of-sequence.
    pub ignore_eos: bool,
    /// Whether failing or saturated levels end the sweep.
    pub early_stop: bool,
}

/// Closed or open loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadMode {
    Closed,
    Open,
}

/// Mean, spread and percentiles of one latency (ms) or rate. tco's own
/// measurements have every field; an imported summary has what its tool
/// saved (`vllm bench serve` keeps p99 unless asked for more), never a
/// guess.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dist {
    pub mean: f64,
    /// Population standard deviation (numpy's default, as vLLM reports).
    pub sd: f64,
    pub p50: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p90: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p95: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p99: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    pub n: usize,
}

impl Dist {
    /// Summarises `values`; None when empty or one is not finite.
    /// Percentiles interpolate linearly between order statistics (numpy's
    /// default, and vLLM's and guidellm's).
    ///
    /// ```
    /// let d = tco_core::input::calibration_schema::Dist::of(&[1.0, 2.0, 3.0, 4.0]).unwrap();
    /// assert_eq!((d.p50, d.p90, d.max), (2.5, Some(3.7), Some(4.0)));
    /// ```
    pub fn of(values: &[f64]) -> Option<Dist> {
        if values.is_empty() || values.iter().any(|x| !x.is_finite()) {
            return None;
        }
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let mean = v.iter().sum::<f64>() / n as f64;
        let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        let q = |p: f64| {
            let h = (n - 1) as f64 * p;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            v[lo] + (h - lo as f64) * (v[hi] - v[lo])
        };
        Some(Dist {
            mean,
            sd: var.sqrt(),
            p50: q(0.50),
            p90: Some(q(0.90)),
            p95: Some(q(0.95)),
            p99: Some(q(0.99)),
            max: Some(v[n - 1]),
            n,
        })
    }

    /// The named percentile (50, 90, 95, 99; 100 = max), when recorded.
    pub fn percentile(&self, p: u32) -> Option<f64> {
        match p {
            50 => Some(self.p50),
            90 => self.p90,
            95 => self.p95,
            99 => self.p99,
            100 => self.max,
            _ => None,
        }
    }
}

/// How a level ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelStatus {
    /// Measured; the sweep went on.
    Ok,
    /// More than 10 % of its requests failed; the sweep stopped here.
    Failing,
    /// Output throughput no longer rose while TTFT climbed; the sweep
    /// stopped here.
    Saturated,
    /// Cut short (interrupted, or the server went away).
    Partial,
}

/// One load level's results: everything a latency target needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelSummary {
    /// Requests kept in flight (closed loop).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
    /// Requests started per second (open loop).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    pub status: LevelStatus,
    /// Timed requests completed and failed (warm-ups excluded).
    pub completed: u32,
    pub failed: u32,
    /// Failures by kind: `http_429`, `http_500`, `timeout`, `connect`,
    /// `disconnect`, `malformed`, `server_error`, `too_long`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub failures: BTreeMap<String, u32>,
    /// Wall time of the timed part of the level.
    pub duration_s: f64,
    /// Mean requests in flight (Σ request time / duration).
    pub achieved_concurrency: f64,
    /// Completed requests per second.
    pub request_rate: f64,
    /// Prompt and output tokens of the completed requests, as the server
    /// counted them.
    pub prompt_tokens: u64,
    pub output_tokens: u64,
    /// Output tokens per second over the level (aggregate).
    pub output_tps: f64,
    /// Prompt + output tokens per second over the level (aggregate).
    pub total_tps: f64,
    /// Each stream's decode rate, (output tokens − 1) / (E2E − TTFT).
    #[serde(default)]
    pub decode_tps_per_stream: Option<Dist>,
    /// Time to first token.
    #[serde(default)]
    pub ttft_ms: Option<Dist>,
    /// Time per output token after the first, (E2E − TTFT) / (tokens − 1).
    #[serde(default)]
    pub tpot_ms: Option<Dist>,
    /// Gaps between streamed chunks, over every request of the level.
    #[serde(default)]
    pub itl_ms: Option<Dist>,
    /// End-to-end latency.
    #[serde(default)]
    pub e2e_ms: Option<Dist>,
}

impl LevelSummary {
    /// The level's x-value: concurrency, else rate.
    pub fn load(&self) -> f64 {
        self.concurrency.map(f64::from).or(self.rate).unwrap_or(0.0)
    }
}

/// One request's timings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestRecord {
    /// Index into `levels` (or the level run, when the sweep stopped first).
    pub level: u32,
    /// Order within the level.
    pub index: u32,
    #[serde(default, skip_serializing_if = "is_false")]
    pub warmup: bool,
    /// Start, seconds after the level's timed part began (warm-ups: before, negative).
    pub start_s: f64,
    #[serde(default)]
    pub ttft_ms: Option<f64>,
    pub e2e_ms: f64,
    #[serde(default)]
    pub prompt_tokens: Option<u64>,
    #[serde(default)]
    pub output_tokens: Option<u64>,
    /// Streamed chunks that carried text.
    pub chunks: u32,
    /// Where the token counts came from: `usage`, `ollama`, `timings` or
    /// `chunks` (the server sent no count).
    pub token_source: String,
    /// Gaps between chunks, ms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub itl_ms: Vec<f64>,
    /// The server's own decode rate for this request (llama-server's
    /// `timings.predicted_per_second`), when it reports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_decode_tps: Option<f64>,
    /// Failure kind (see [`LevelSummary::failures`]) and message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RequestError>,
}

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestError {
    pub kind: String,
    pub message: String,
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
        if file_name.to_ascii_lowercase().ends_with(".json") {
            serde_json::to_string_pretty(self)
                .map(|s| s + "\n")
                .map_err(|e| e.to_string())
        } else {
            serde_yaml::to_string(self).map_err(|e| e.to_string())
        }
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

/// What a scenario can take from a server measurement at one concurrency.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerRates {
    /// Prompt tokens per second of one stream: the mean prompt of the
    /// lowest-concurrency level over its mean TTFT.
    pub prefill_tps: f64,
    /// Aggregate decode tokens per second at the concurrency, net of the
    /// prefill work the level also did (see [`CalibrationFile::server_rates`]).
    pub decode_tps: f64,
    /// The level it came from.
    pub level: LevelSummary,
}

impl CalibrationFile {
    /// The closed-loop levels that measured something (requests completed,
    /// not failing), in the order run.
    pub fn usable_levels(&self) -> impl Iterator<Item = &LevelSummary> {
        self.levels.iter().filter(|l| {
            l.concurrency.is_some() && l.completed > 0 && l.status != LevelStatus::Failing
        })
    }

    /// Prefill and decode rates at `concurrency` from a server measurement.
    ///
    /// The level served `input_tps` prompt and `output_tps` output tokens per
    /// second. With the prefill rate p from the lowest level (mean prompt /
    /// mean TTFT), a second of the node's time is `input_tps / p` prefilling
    /// and the rest decoding, so decode = output_tps / (1 − input_tps / p):
    /// the model's busy time, in/prefill + out/decode, then reproduces the
    /// measured level exactly. When prefill would take the whole second (a
    /// TTFT dominated by queueing), decode is the plain output rate.
    pub fn server_rates(&self, concurrency: u32) -> Result<ServerRates, String> {
        let level = self
            .usable_levels()
            .find(|l| l.concurrency == Some(concurrency))
            .ok_or_else(|| {
                let have: Vec<String> = self
                    .usable_levels()
                    .filter_map(|l| l.concurrency.map(|c| c.to_string()))
                    .collect();
                if have.is_empty() {
                    "the calibration has no closed-loop level that completed requests".to_string()
                } else {
                    format!(
                        "the calibration has no figure for concurrency {concurrency} (it was measured at {}; re-run `tco probe --server URL --concurrency {concurrency}`)",
                        have.join(", ")
                    )
                }
            })?;
        let base = self
            .usable_levels()
            .min_by_key(|l| l.concurrency)
            .ok_or("the calibration has no usable level")?;
        let ttft = base
            .ttft_ms
            .as_ref()
            .map(|d| d.mean)
            .filter(|t| *t > 0.0 && t.is_finite())
            .ok_or("the lowest level has no TTFT, so prefill cannot be told from decode")?;
        let mean_prompt = base.prompt_tokens as f64 / f64::from(base.completed.max(1));
        if mean_prompt.is_nan() || mean_prompt <= 0.0 {
            return Err("the lowest level counted no prompt tokens".to_string());
        }
        let prefill_tps = mean_prompt / (ttft / 1e3);
        if !(level.output_tps > 0.0 && level.output_tps.is_finite()) {
            return Err(format!(
                "level concurrency {concurrency} produced no output tokens per second"
            ));
        }
        let input_tps = (level.total_tps - level.output_tps).max(0.0);
        let busy = 1.0 - input_tps / prefill_tps;
        let decode_tps = if busy > 0.05 {
            level.output_tps / busy
        } else {
            level.output_tps
        };
        Ok(ServerRates {
            prefill_tps,
            decode_tps,
            level: level.clone(),
        })
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
