//! The load sweep: for each level, one warm-up request, then a number of
//! requests (or a time) at a fixed concurrency (closed loop) or at Poisson
//! arrivals of a fixed rate (open loop); summaries per level; an early end
//! when a level is failing or the server is saturated.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand_core::{RngCore, SeedableRng};
use rand_pcg::Pcg64;
use tco_core::input::calibration_schema::{
    Dist, LevelStatus, LevelSummary, LoadMode, RequestError, RequestRecord,
};
use tokio::sync::{mpsc, watch};

use crate::client::{request_body, run_one, Outcome, Target};

/// A level with more than this share of failed requests is failing.
pub const FAILING_SHARE: f64 = 0.10;
/// Saturated: output tokens/s below this multiple of the best earlier level…
pub const SATURATION_GAIN: f64 = 1.05;
/// …while the median TTFT grew by more than this factor over that level's.
pub const SATURATION_TTFT: f64 = 1.5;
/// Open-loop requests in flight at most (beyond, arrivals are failures of
/// kind `overload`: the client would otherwise grow without bound).
pub const MAX_IN_FLIGHT: usize = 4096;

/// What to run.
#[derive(Debug, Clone)]
pub struct SweepConfig {
    pub target: Target,
    pub mode: LoadMode,
    /// Concurrencies (closed) or requests per second (open).
    pub levels: Vec<f64>,
    pub prompt_tokens: u32,
    pub output_tokens: u32,
    /// Timed requests per level; when None, `duration` bounds the level.
    pub requests: Option<u32>,
    pub duration: Option<Duration>,
    pub timeout: Duration,
    pub seed: u64,
    pub early_stop: bool,
    /// Warm-up requests per level (excluded from the summaries).
    pub warmup: u32,
}

impl SweepConfig {
    /// Timed requests at a level when the user gave neither a count nor a
    /// time: 4 per stream, at least 16.
    pub fn default_requests(level: f64) -> u32 {
        ((level * 4.0).ceil() as u32).max(16)
    }

    fn planned(&self, level: f64) -> Option<u32> {
        match (self.requests, self.duration) {
            (Some(n), _) => Some(n),
            (None, Some(_)) => None,
            (None, None) => Some(Self::default_requests(level)),
        }
    }
}

/// What the sweep is doing, for a progress display.
#[derive(Debug)]
pub enum Progress<'a> {
    /// A level's timed part starts.
    Level {
        index: usize,
        label: String,
        total: Option<u32>,
        duration: Option<Duration>,
    },
    /// A warm-up request is running.
    Warmup { index: usize },
    /// A timed request finished.
    Request {
        index: usize,
        completed: u32,
        failed: u32,
        output_tokens: u64,
        elapsed: Duration,
    },
    /// A level's summary.
    LevelDone {
        index: usize,
        summary: &'a LevelSummary,
    },
}

/// Everything measured.
#[derive(Debug, Clone, Default)]
pub struct SweepResult {
    pub levels: Vec<LevelSummary>,
    pub requests: Vec<RequestRecord>,
    pub partial: bool,
    pub stop_reason: Option<String>,
    pub warnings: Vec<String>,
}

/// Common short words: a prompt of N of them is about N tokens in every
/// tokenizer in use (the server's count is what gets recorded).
const WORDS: &[&str] = &[
    "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by",
    "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an",
    "had", "they", "you", "were", "their", "one", "all", "we", "can", "her", "has", "there",
    "been", "if", "more", "when", "will", "would", "who", "so", "no", "time", "out", "up", "into",
    "new", "year", "day", "world", "work", "part", "city", "water", "house", "light", "road",
    "tree", "stone", "river", "green", "blue", "small", "large", "old", "long", "high", "good",
];

/// The prompt of request `n` (unique from its first words, so no server
/// reuses a cached prefix between requests).
pub fn prompt(seed: u64, n: u64, words: usize) -> String {
    let mut rng = Pcg64::seed_from_u64(seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut s = format!("Request {n}. Continue this text:");
    for _ in 0..words {
        s.push(' ');
        s.push_str(WORDS[(rng.next_u64() % WORDS.len() as u64) as usize]);
    }
    s
}

/// Arrival offsets (seconds from the level start) of a Poisson process of
/// `rate` per second: exponential gaps, seeded.
pub fn poisson_arrivals(rate: f64, count: usize, seed: u64) -> Vec<f64> {
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut t = 0.0;
    (0..count)
        .map(|_| {
            // u in (0, 1]: 53 random bits, never zero.
            let u = ((rng.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64;
            t += -u.ln() / rate;
            t
        })
        .collect()
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// One finished request, before it becomes a record.
#[derive(Debug)]
struct Done {
    index: u32,
    start: Instant,
    outcome: Outcome,
}

fn record(level: u32, warmup: bool, t_level: Instant, d: &Done) -> RequestRecord {
    let o = &d.outcome;
    let start_s = if d.start >= t_level {
        (d.start - t_level).as_secs_f64()
    } else {
        -(t_level - d.start).as_secs_f64()
    };
    RequestRecord {
        level,
        index: d.index,
        warmup,
        start_s: (start_s * 1e6).round() / 1e6,
        ttft_ms: o.ttft.map(ms),
        e2e_ms: ms(o.e2e),
        prompt_tokens: o.prompt_tokens,
        output_tokens: o.output_tokens,
        chunks: o.chunks,
        token_source: o.token_source.to_string(),
        itl_ms: o.gaps.iter().copied().map(ms).collect(),
        server_decode_tps: o.server_decode_tps,
        error: o.error.as_ref().map(|(kind, message)| RequestError {
            kind: kind.clone(),
            message: message.clone(),
        }),
    }
}

/// Summarises one level's timed requests (warm-ups are skipped).
pub fn summarize_level(
    records: &[RequestRecord],
    mode: LoadMode,
    load: f64,
    duration_s: f64,
) -> LevelSummary {
    let timed: Vec<&RequestRecord> = records.iter().filter(|r| !r.warmup).collect();
    let ok: Vec<&&RequestRecord> = timed.iter().filter(|r| r.error.is_none()).collect();
    let mut failures = BTreeMap::new();
    for r in &timed {
        if let Some(e) = &r.error {
            *failures.entry(e.kind.clone()).or_insert(0u32) += 1;
        }
    }
    let prompt_tokens: u64 = ok.iter().filter_map(|r| r.prompt_tokens).sum();
    let output_tokens: u64 = ok.iter().filter_map(|r| r.output_tokens).sum();
    let busy_s: f64 = timed.iter().map(|r| r.e2e_ms / 1e3).sum();
    let per = |x: f64| {
        if duration_s > 0.0 {
            x / duration_s
        } else {
            0.0
        }
    };
    let ttft: Vec<f64> = ok.iter().filter_map(|r| r.ttft_ms).collect();
    let e2e: Vec<f64> = ok.iter().map(|r| r.e2e_ms).collect();
    let mut tpot = Vec::new();
    let mut decode = Vec::new();
    for r in &ok {
        if let (Some(t), Some(n)) = (r.ttft_ms, r.output_tokens) {
            if n > 1 && r.e2e_ms > t {
                let per_token = (r.e2e_ms - t) / (n - 1) as f64;
                tpot.push(per_token);
                decode.push(1e3 / per_token);
            }
        }
    }
    let itl: Vec<f64> = ok.iter().flat_map(|r| r.itl_ms.iter().copied()).collect();
    LevelSummary {
        concurrency: (mode == LoadMode::Closed).then_some(load as u32),
        rate: (mode == LoadMode::Open).then_some(load),
        status: LevelStatus::Ok,
        completed: ok.len() as u32,
        failed: (timed.len() - ok.len()) as u32,
        failures,
        duration_s: (duration_s * 1e6).round() / 1e6,
        achieved_concurrency: per(busy_s),
        request_rate: per(ok.len() as f64),
        prompt_tokens,
        output_tokens,
        output_tps: per(output_tokens as f64),
        total_tps: per((prompt_tokens + output_tokens) as f64),
        decode_tps_per_stream: Dist::of(&decode),
        ttft_ms: Dist::of(&ttft),
        tpot_ms: Dist::of(&tpot),
        itl_ms: Dist::of(&itl),
        e2e_ms: Dist::of(&e2e),
    }
}

/// Whether the last level is failing or saturated against the earlier
/// ones; sets its status and returns the reason.
pub fn judge(levels: &mut [LevelSummary]) -> Option<String> {
    let (last, earlier) = levels.split_last_mut()?;
    let total = last.completed + last.failed;
    if total > 0 && f64::from(last.failed) > FAILING_SHARE * f64::from(total) {
        last.status = LevelStatus::Failing;
        let kinds: Vec<String> = last
            .failures
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect();
        return Some(format!(
            "level {} is failing: {} of {total} requests failed ({}), over the {:.0} % limit",
            level_label(last),
            last.failed,
            kinds.join(", "),
            FAILING_SHARE * 100.0
        ));
    }
    let best = earlier
        .iter()
        .filter(|l| l.status == LevelStatus::Ok)
        .max_by(|a, b| a.output_tps.total_cmp(&b.output_tps))?;
    let (Some(t_best), Some(t_last)) = (&best.ttft_ms, &last.ttft_ms) else {
        return None;
    };
    if last.output_tps < SATURATION_GAIN * best.output_tps
        && t_last.p50 > SATURATION_TTFT * t_best.p50
    {
        last.status = LevelStatus::Saturated;
        return Some(format!(
            "saturated at level {}: {:.1} output tok/s against {:.1} at level {} while the median TTFT rose from {:.0} ms to {:.0} ms",
            level_label(last),
            last.output_tps,
            best.output_tps,
            level_label(best),
            t_best.p50,
            t_last.p50
        ));
    }
    None
}

/// `concurrency 8` or `rate 2/s`.
pub fn level_label(l: &LevelSummary) -> String {
    match (l.concurrency, l.rate) {
        (Some(c), _) => format!("concurrency {c}"),
        (None, Some(r)) => format!("rate {r}/s"),
        _ => "?".to_string(),
    }
}

/// Runs the sweep. `cancel` turning true (Ctrl-C) stops it, keeping what
/// was measured (marked partial).
pub async fn run_sweep(
    client: &reqwest::Client,
    cfg: &SweepConfig,
    progress: &mut dyn FnMut(Progress),
    mut cancel: watch::Receiver<bool>,
) -> SweepResult {
    let target = Arc::new(cfg.target.clone());
    let mut result = SweepResult::default();
    // Prompt length in words, tuned by each warm-up's server count.
    let mut words = cfg.prompt_tokens.saturating_sub(12).max(1) as usize;
    // The last warm-up's (words, server's prompt tokens).
    let mut seen: Option<(usize, u64)> = None;
    let mut serial: u64 = 0;
    let mut short = 0u32;
    let mut mismatch: Option<String> = None;
    let mut mismatches = 0u32;
    for (li, &load) in cfg.levels.iter().enumerate() {
        if *cancel.borrow() {
            break;
        }
        let level = li as u32;
        let mut records = Vec::new();
        // Warm-up. A warm-up refused because its prompt did not fit the
        // context (the server said how many tokens it was, so the prompt is
        // resized) is tried again, twice at most: the first guess of words
        // per token can be far off with an unusual tokenizer.
        let mut retries = 2u32;
        let mut w = 0;
        while w < cfg.warmup {
            progress(Progress::Warmup { index: li });
            let start = Instant::now();
            serial += 1;
            let body = request_body(
                &target,
                &prompt(cfg.seed, serial, words),
                cfg.output_tokens,
                cfg.seed + serial,
            );
            let fut = tokio::time::timeout(cfg.timeout, run_one(client, &target, body));
            let outcome = tokio::select! {
                r = fut => r.unwrap_or_else(|_| timeout_outcome(cfg.timeout)),
                _ = cancel.changed() => break,
            };
            let words_before = words;
            if let Some(p) = outcome.prompt_tokens.filter(|p| *p > 0) {
                words = resize_prompt(words, p, seen, cfg.prompt_tokens);
                seen = Some((words_before, p));
            }
            let retry = outcome.error.is_some() && words < words_before && retries > 0;
            let done = Done {
                index: records.len() as u32,
                start,
                outcome,
            };
            records.push((true, done));
            if retry {
                retries -= 1;
            } else {
                w += 1;
            }
        }
        if *cancel.borrow() {
            result.partial = true;
            result.stop_reason = Some("interrupted".into());
            break;
        }
        let planned = cfg.planned(load);
        progress(Progress::Level {
            index: li,
            label: match cfg.mode {
                LoadMode::Closed => format!("concurrency {load}"),
                LoadMode::Open => format!("rate {load}/s"),
            },
            total: planned,
            duration: if planned.is_none() {
                cfg.duration
            } else {
                None
            },
        });
        let t_level = Instant::now();
        let deadline = cfg.duration.map(|d| t_level + d);
        let (tx, mut rx) = mpsc::unbounded_channel::<Done>();
        let mut handles = Vec::new();
        let base_serial = serial;
        let words_now = words;
        match cfg.mode {
            LoadMode::Closed => {
                let next = Arc::new(AtomicU32::new(0));
                for _ in 0..(load.max(1.0) as usize) {
                    let client = client.clone();
                    let target = Arc::clone(&target);
                    let tx = tx.clone();
                    let next = Arc::clone(&next);
                    let cfg = cfg.clone();
                    handles.push(tokio::spawn(async move {
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            if planned.is_some_and(|n| i >= n) {
                                break;
                            }
                            if deadline.is_some_and(|d| Instant::now() >= d) {
                                break;
                            }
                            let n = base_serial + 1 + u64::from(i);
                            let body = request_body(
                                &target,
                                &prompt(cfg.seed, n, words_now),
                                cfg.output_tokens,
                                cfg.seed + n,
                            );
                            let start = Instant::now();
                            let outcome =
                                tokio::time::timeout(cfg.timeout, run_one(&client, &target, body))
                                    .await
                                    .unwrap_or_else(|_| timeout_outcome(cfg.timeout));
                            if tx
                                .send(Done {
                                    index: i,
                                    start,
                                    outcome,
                                })
                                .is_err()
                            {
                                break;
                            }
                        }
                    }));
                }
            }
            LoadMode::Open => {
                let client = client.clone();
                let target = Arc::clone(&target);
                let tx = tx.clone();
                let cfg2 = cfg.clone();
                let count = match (planned, cfg.duration) {
                    (Some(n), _) => n as usize,
                    (None, Some(d)) => (load * d.as_secs_f64() * 1.5).ceil() as usize + 64,
                    (None, None) => 0,
                };
                let arrivals = poisson_arrivals(load, count, cfg.seed ^ (u64::from(level) << 32));
                handles.push(tokio::spawn(async move {
                    let mut inflight: Vec<tokio::task::JoinHandle<()>> = Vec::new();
                    for (k, offset) in arrivals.into_iter().enumerate() {
                        let at = t_level + Duration::from_secs_f64(offset);
                        if deadline.is_some_and(|d| at >= d) {
                            break;
                        }
                        tokio::time::sleep_until(at.into()).await;
                        inflight.retain(|h| !h.is_finished());
                        let i = k as u32;
                        let n = base_serial + 1 + i as u64;
                        if inflight.len() >= MAX_IN_FLIGHT {
                            let _ = tx.send(Done {
                                index: i,
                                start: Instant::now(),
                                outcome: Outcome {
                                    token_source: "chunks",
                                    error: Some((
                                        "overload".into(),
                                        format!("more than {MAX_IN_FLIGHT} requests in flight; the server is far behind the arrival rate"),
                                    )),
                                    ..Outcome::default()
                                },
                            });
                            continue;
                        }
                        let client = client.clone();
                        let target = Arc::clone(&target);
                        let tx = tx.clone();
                        let body = request_body(
                            &target,
                            &prompt(cfg2.seed, n, words_now),
                            cfg2.output_tokens,
                            cfg2.seed + n,
                        );
                        let timeout = cfg2.timeout;
                        inflight.push(tokio::spawn(async move {
                            let start = Instant::now();
                            let outcome = tokio::time::timeout(timeout, run_one(&client, &target, body))
                                .await
                                .unwrap_or_else(|_| timeout_outcome(timeout));
                            let _ = tx.send(Done { index: i, start, outcome });
                        }));
                    }
                    for h in inflight {
                        let _ = h.await;
                    }
                }));
            }
        }
        drop(tx);
        let (mut completed, mut failed, mut out_tokens) = (0u32, 0u32, 0u64);
        let mut interrupted = false;
        let mut cut_short = false;
        loop {
            tokio::select! {
                msg = rx.recv() => {
                    let Some(done) = msg else { break };
                    if done.outcome.error.is_some() { failed += 1 } else {
                        completed += 1;
                        out_tokens += done.outcome.output_tokens.unwrap_or(0);
                        if done.outcome.output_tokens.is_some_and(|n| n < u64::from(cfg.output_tokens)) {
                            short += 1;
                        }
                        if let Some(m) = &done.outcome.count_mismatch {
                            mismatches += 1;
                            mismatch.get_or_insert_with(|| m.clone());
                        }
                    }
                    records.push((false, done));
                    progress(Progress::Request {
                        index: li,
                        completed,
                        failed,
                        output_tokens: out_tokens,
                        elapsed: t_level.elapsed(),
                    });
                    // A level already past the failure limit ends now.
                    if cfg.early_stop {
                        if let Some(n) = planned {
                            if f64::from(failed) > FAILING_SHARE * f64::from(n) && failed >= 2 {
                                cut_short = true;
                                break;
                            }
                        }
                    }
                }
                _ = cancel.changed() => {
                    interrupted = true;
                    break;
                }
            }
        }
        for h in &handles {
            h.abort();
        }
        let duration_s = records
            .iter()
            .filter(|(w, _)| !*w)
            .map(|(_, d)| (d.start + d.outcome.e2e).saturating_duration_since(t_level))
            .max()
            .unwrap_or_default()
            .as_secs_f64();
        let recs: Vec<RequestRecord> = records
            .iter()
            .map(|(w, d)| record(level, *w, t_level, d))
            .collect();
        let mut summary = summarize_level(&recs, cfg.mode, load, duration_s);
        result.requests.extend(recs);
        if interrupted {
            summary.status = LevelStatus::Partial;
            result.levels.push(summary);
            result.partial = true;
            result.stop_reason = Some(format!(
                "interrupted during level {}",
                level_label(result.levels.last().expect("pushed"))
            ));
            break;
        }
        result.levels.push(summary);
        let verdict = judge(&mut result.levels);
        if cut_short && verdict.is_none() {
            // Cannot happen (more than 10 % of the planned requests failed),
            // but a level cut short is never reported as fine.
            if let Some(l) = result.levels.last_mut() {
                l.status = LevelStatus::Failing;
            }
        }
        if let Some(l) = result.levels.last() {
            progress(Progress::LevelDone {
                index: li,
                summary: l,
            });
        }
        if let Some(reason) = verdict {
            let failing = result
                .levels
                .last()
                .is_some_and(|l| l.status == LevelStatus::Failing);
            if cfg.early_stop && li + 1 < cfg.levels.len() {
                result.stop_reason = Some(format!("{reason}; the sweep stopped there"));
                result.partial = failing;
                break;
            }
            result.warnings.push(reason);
        }
        serial = base_serial + u64::from(completed + failed) + 1;
    }
    if short > 0 {
        result.warnings.push(format!(
            "{short} requests ended before {} output tokens (the server stopped at end-of-sequence; it may not honour ignore_eos): output tokens/s are still right, per-request figures cover shorter answers",
            cfg.output_tokens
        ));
    }
    if let Some(m) = mismatch {
        result.warnings.push(format!(
            "{mismatches} requests' token counts disagree ({m}); the server's count is used"
        ));
    }
    result
}

/// The words for a prompt of `target` tokens, after a prompt of `words`
/// words counted `tokens` by the server (and an earlier one `seen`). A
/// prompt is a fixed part (chat template, the request's number) plus so
/// many tokens a word: with two counts of different lengths both are known
/// and the next prompt is on target; with one, the words scale with the
/// tokens (the fixed part makes that overshoot a little).
pub fn resize_prompt(words: usize, tokens: u64, seen: Option<(usize, u64)>, target: u32) -> usize {
    let target = f64::from(target);
    let (w1, p1) = (words as f64, tokens as f64);
    let mut next = w1 * target / p1;
    if let Some((w0, p0)) = seen.filter(|(w0, p0)| *w0 != words && *p0 != tokens) {
        let per_word = (p1 - p0 as f64) / (w1 - w0 as f64);
        if per_word > 0.0 && per_word.is_finite() {
            next = (target - (p1 - per_word * w1)) / per_word;
        }
    }
    if next.is_finite() {
        (next.round().max(1.0) as usize).min(1 << 20)
    } else {
        words
    }
}

fn timeout_outcome(t: Duration) -> Outcome {
    Outcome {
        e2e: t,
        token_source: "chunks",
        error: Some((
            "timeout".into(),
            format!("no complete answer within {} s", t.as_secs_f64()),
        )),
        ..Outcome::default()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn rec(ttft: f64, e2e: f64, out: u64, itl: &[f64]) -> RequestRecord {
        RequestRecord {
            level: 0,
            index: 0,
            warmup: false,
            start_s: 0.0,
            ttft_ms: Some(ttft),
            e2e_ms: e2e,
            prompt_tokens: Some(100),
            output_tokens: Some(out),
            chunks: out as u32,
            token_source: "usage".into(),
            itl_ms: itl.to_vec(),
            server_decode_tps: None,
            error: None,
        }
    }

    #[test]
    fn level_figures_by_hand() {
        // Two requests over 2 s: TTFT 100 and 300 ms, E2E 1100 and 2300 ms,
        // 11 and 21 output tokens: TPOT (1100-100)/10 = 100 ms and
        // (2300-300)/20 = 100 ms; decode 10 tok/s each.
        let mut failed = rec(0.0, 500.0, 0, &[]);
        failed.error = Some(RequestError {
            kind: "http_500".into(),
            message: "x".into(),
        });
        failed.ttft_ms = None;
        let mut warm = rec(1.0, 1.0, 1, &[]);
        warm.warmup = true;
        let recs = vec![
            rec(100.0, 1100.0, 11, &[100.0; 10]),
            rec(300.0, 2300.0, 21, &[100.0; 20]),
            failed,
            warm,
        ];
        let s = summarize_level(&recs, LoadMode::Closed, 2.0, 2.0);
        assert_eq!((s.completed, s.failed), (2, 1));
        assert_eq!(s.failures.get("http_500"), Some(&1));
        assert_eq!(s.output_tokens, 32);
        assert_eq!(s.output_tps, 16.0);
        assert_eq!(s.total_tps, (200.0 + 32.0) / 2.0);
        // (1.1 + 2.3 + 0.5) s busy over 2 s.
        assert!((s.achieved_concurrency - 1.95).abs() < 1e-12);
        let tpot = s.tpot_ms.unwrap();
        assert_eq!((tpot.mean, tpot.p99), (100.0, Some(100.0)));
        assert_eq!(s.decode_tps_per_stream.unwrap().mean, 10.0);
        assert_eq!(s.ttft_ms.unwrap().p50, 200.0);
        assert_eq!(s.itl_ms.unwrap().n, 30);
        assert_eq!(s.concurrency, Some(2));
    }

    #[test]
    fn failing_and_saturated_levels() {
        let lvl = |c: u32, tps: f64, ttft: f64| {
            let mut s = summarize_level(
                &[rec(ttft, 1000.0, 11, &[])],
                LoadMode::Closed,
                f64::from(c),
                1.0,
            );
            s.output_tps = tps;
            s
        };
        let mut levels = vec![lvl(1, 10.0, 50.0), lvl(2, 19.0, 55.0)];
        assert_eq!(judge(&mut levels), None);
        levels.push(lvl(4, 19.5, 120.0));
        let why = judge(&mut levels).unwrap();
        assert!(why.contains("saturated at level concurrency 4"), "{why}");
        assert_eq!(levels[2].status, LevelStatus::Saturated);
        // Throughput still rising: not saturated even with TTFT up.
        let mut levels = vec![lvl(1, 10.0, 50.0), lvl(2, 19.0, 200.0)];
        assert_eq!(judge(&mut levels), None);
        let mut l = lvl(8, 30.0, 50.0);
        l.completed = 9;
        l.failed = 2;
        l.failures.insert("http_429".into(), 2);
        let mut levels = vec![l];
        let why = judge(&mut levels).unwrap();
        assert!(
            why.contains("2 of 11 requests failed (2 http_429)"),
            "{why}"
        );
        // Exactly 10 % is not failing.
        levels[0].completed = 18;
        levels[0].status = LevelStatus::Ok;
        assert_eq!(judge(&mut levels), None);
    }

    #[test]
    fn poisson_gaps_have_the_rate_and_the_seed_decides() {
        let a = poisson_arrivals(4.0, 20_000, 7);
        let mean_gap = a.last().unwrap() / a.len() as f64;
        assert!((mean_gap - 0.25).abs() < 0.01, "{mean_gap}");
        assert_eq!(a, poisson_arrivals(4.0, 20_000, 7));
        assert_ne!(a[..10], poisson_arrivals(4.0, 10, 8)[..]);
        assert!(a.windows(2).all(|w| w[1] > w[0]));
    }

    #[test]
    fn prompts_are_resized_towards_the_target() {
        // 13 fixed tokens and 3 a word; 40 asked for.
        let count = |w: usize| 13 + 3 * w as u64;
        let w1 = resize_prompt(28, count(28), None, 40);
        assert_eq!(w1, 12, "proportional: 28 · 40 / 97, rounded");
        let w2 = resize_prompt(w1, count(w1), Some((28, count(28))), 40);
        assert_eq!(w2, 9, "(40 − 13) / 3");
        assert_eq!(count(w2), 40);
        // Never below one word, whatever the counts say.
        assert_eq!(resize_prompt(5, 500, Some((4, 499)), 10), 1);
        assert_eq!(resize_prompt(5, 500, Some((6, 400)), 10), 1);
        assert_eq!(resize_prompt(5, u64::MAX, Some((5, 1)), u32::MAX), 1);
        assert!(resize_prompt(1, 1, None, u32::MAX) <= 1 << 20);
    }

    #[test]
    fn prompts_are_unique_from_the_start() {
        let a = prompt(42, 1, 50);
        let b = prompt(42, 2, 50);
        assert_ne!(
            a.split(' ').take(2).collect::<Vec<_>>(),
            b.split(' ').take(2).collect::<Vec<_>>()
        );
        assert_eq!(a, prompt(42, 1, 50));
        assert_eq!(a.split(' ').count(), 5 + 50);
    }
}
