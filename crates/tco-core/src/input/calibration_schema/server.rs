//! The server measurement's part of the calibration schema (version 2):
//! what the server says it is, the load asked of it, one summary per load
//! level and every request's timings, and the rates a scenario takes from
//! them (see the parent module for the whole file).

use super::{is_false, CalibrationFile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
