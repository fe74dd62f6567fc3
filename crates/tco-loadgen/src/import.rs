//! `tco probe import` for server benchmarks: the JSON that `vllm bench
//! serve --save-result` writes (one file per load level; several files make
//! several levels) and guidellm's `--output-path *.json` report (one
//! benchmark per level), turned into calibration levels.
//!
//! Both tools' schemas grow between releases, so unknown fields are
//! ignored and only the fields used are read. Nothing is invented: a
//! percentile the tool did not save stays absent.

use std::collections::BTreeMap;

use serde_json::Value;
use tco_core::input::calibration_schema::{
    CalibrationFile, Dist, LevelStatus, LevelSummary, LoadMode, LoadSettings, RequestError,
    RequestRecord, ServerInfo, FORMAT,
};

use crate::sweep::summarize_level;

/// Which tool wrote a JSON text, by its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    LlamaBench,
    VllmBenchServe,
    Guidellm,
}

/// Recognises llama-bench (an array of results), guidellm (an object with
/// `benchmarks`) and `vllm bench serve` (an object with `completed` and
/// `ttfts` or `mean_ttft_ms`).
pub fn sniff(text: &str) -> Result<(Kind, Value), String> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        format!("not JSON ({e}); tco probe import reads llama-bench -o json, vllm bench serve --save-result and guidellm --output-path *.json")
    })?;
    let kind = match &v {
        Value::Array(_) => Kind::LlamaBench,
        Value::Object(o) if o.contains_key("benchmarks") => Kind::Guidellm,
        Value::Object(o)
            if o.contains_key("completed")
                && (o.contains_key("ttfts") || o.contains_key("mean_ttft_ms")) =>
        {
            Kind::VllmBenchServe
        }
        _ => return Err("not a result this tco reads: expected llama-bench's JSON array, a `vllm bench serve --save-result` file (with `completed` and `mean_ttft_ms`) or a guidellm report (with `benchmarks`)".into()),
    };
    Ok((kind, v))
}

fn f(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64).filter(|x| x.is_finite())
}

fn u(v: &Value, key: &str) -> Option<u64> {
    v.get(key).and_then(|x| {
        x.as_u64()
            .or_else(|| x.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
    })
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// A summary-only distribution from `mean_X_ms`, `median_X_ms`, `std_X_ms`,
/// `pNN_X_ms`.
fn vllm_dist(v: &Value, metric: &str, n: usize) -> Option<Dist> {
    let mean = f(v, &format!("mean_{metric}_ms"))?;
    let p50 = f(v, &format!("median_{metric}_ms")).or_else(|| f(v, &format!("p50_{metric}_ms")))?;
    Some(Dist {
        mean,
        sd: f(v, &format!("std_{metric}_ms")).unwrap_or(0.0),
        p50,
        p90: f(v, &format!("p90_{metric}_ms")),
        p95: f(v, &format!("p95_{metric}_ms")),
        p99: f(v, &format!("p99_{metric}_ms")),
        max: None,
        n,
    })
}

/// One `vllm bench serve --save-result` file as a level (index `level`).
pub fn vllm_level(
    v: &Value,
    level: u32,
) -> Result<(LevelSummary, Vec<RequestRecord>, ServerInfo), String> {
    let completed = u(v, "completed").ok_or("`completed` is missing")? as u32;
    let failed = u(v, "failed").unwrap_or(0) as u32;
    let duration = f(v, "duration").ok_or("`duration` is missing")?;
    let concurrency = u(v, "max_concurrency").map(|c| c as u32);
    let rate = match v.get("request_rate") {
        Some(Value::Number(n)) => n.as_f64().filter(|r| r.is_finite()),
        _ => None, // "inf": all at once
    };
    let (mode, load) = match (concurrency, rate) {
        (None, Some(r)) => (LoadMode::Open, r),
        (Some(c), _) => (LoadMode::Closed, f64::from(c)),
        (None, None) => {
            return Err("the run has neither `max_concurrency` nor a finite `request_rate`: all requests were sent at once, which is no load level".into())
        }
    };
    let server = ServerInfo {
        kind: match text(v, "backend").as_deref() {
            Some("vllm") | None => "vllm".into(),
            Some(b) => b.to_string(),
        },
        version: None,
        endpoint: text(v, "endpoint_type").unwrap_or_default(),
        api: "openai".into(),
        model: text(v, "model_id").unwrap_or_default(),
        details: BTreeMap::new(),
    };
    // Per-request arrays (saved with --save-detailed): recompute everything
    // from them, so p90/p95 exist too.
    let ttfts = v.get("ttfts").and_then(Value::as_array);
    let itls = v.get("itls").and_then(Value::as_array);
    let outs = v.get("output_lens").and_then(Value::as_array);
    let ins = v.get("input_lens").and_then(Value::as_array);
    let errors = v.get("errors").and_then(Value::as_array);
    if let (Some(ttfts), Some(itls), Some(outs)) = (ttfts, itls, outs) {
        let mut recs = Vec::new();
        for (i, t) in ttfts.iter().enumerate() {
            let err = errors
                .and_then(|e| e.get(i))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty());
            let gaps: Vec<f64> = itls
                .get(i)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_f64)
                        .map(|s| s * 1e3)
                        .collect()
                })
                .unwrap_or_default();
            let ttft_ms = t.as_f64().filter(|x| *x > 0.0).map(|s| s * 1e3);
            let out = outs.get(i).and_then(Value::as_u64);
            recs.push(RequestRecord {
                level,
                index: i as u32,
                warmup: false,
                start_s: 0.0,
                ttft_ms: if err.is_some() { None } else { ttft_ms },
                // vLLM keeps no per-request latency: the last token's time.
                e2e_ms: ttft_ms.unwrap_or(0.0) + gaps.iter().sum::<f64>(),
                prompt_tokens: ins.and_then(|a| a.get(i)).and_then(Value::as_u64),
                output_tokens: out,
                chunks: gaps.len() as u32 + u32::from(ttft_ms.is_some()),
                token_source: "usage".into(),
                itl_ms: gaps,
                server_decode_tps: None,
                error: err.map(|m| RequestError {
                    kind: "error".into(),
                    message: m.to_string(),
                }),
            });
        }
        let mut s = summarize_level(&recs, mode, load, duration);
        // vLLM's own totals over the run are authoritative for throughput.
        if let Some(x) = f(v, "output_throughput") {
            s.output_tps = x;
        }
        if let Some(x) = f(v, "total_token_throughput") {
            s.total_tps = x;
        }
        return Ok((s, recs, server));
    }
    let n = completed as usize;
    let ttft = vllm_dist(v, "ttft", n);
    let tpot = vllm_dist(v, "tpot", n);
    let mut failures = BTreeMap::new();
    if failed > 0 {
        failures.insert("error".to_string(), failed);
    }
    let summary = LevelSummary {
        concurrency: (mode == LoadMode::Closed).then_some(load as u32),
        rate: (mode == LoadMode::Open).then_some(load),
        status: LevelStatus::Ok,
        completed,
        failed,
        failures,
        duration_s: duration,
        achieved_concurrency: 0.0,
        request_rate: f(v, "request_throughput").unwrap_or(completed as f64 / duration),
        prompt_tokens: u(v, "total_input_tokens").unwrap_or(0),
        output_tokens: u(v, "total_output_tokens").unwrap_or(0),
        output_tps: f(v, "output_throughput").ok_or("`output_throughput` is missing")?,
        total_tps: f(v, "total_token_throughput").ok_or("`total_token_throughput` is missing")?,
        decode_tps_per_stream: tpot.as_ref().and_then(per_stream_decode),
        ttft_ms: ttft,
        tpot_ms: tpot,
        itl_ms: vllm_dist(v, "itl", n),
        e2e_ms: vllm_dist(v, "e2el", n),
    };
    let mut summary = summary;
    // vLLM does not save the mean number in flight: Little's law (rate ×
    // mean latency), with the mean E2E when saved, else TTFT + TPOT × the
    // mean output tokens after the first.
    let mean_out = summary.output_tokens as f64 / f64::from(completed.max(1));
    let mean_e2e_ms = summary.e2e_ms.as_ref().map(|e| e.mean).or_else(|| {
        Some(
            summary.ttft_ms.as_ref()?.mean
                + summary.tpot_ms.as_ref()?.mean * (mean_out - 1.0).max(0.0),
        )
    });
    summary.achieved_concurrency = mean_e2e_ms.map_or(0.0, |e| summary.request_rate * e / 1e3);
    Ok((summary, Vec::new(), server))
}

/// guidellm's `{mean, median, std_dev, max, count, percentiles: {p50, …}}`
/// of successful requests, scaled by `scale` (1 for ms, 1000 for seconds).
/// The per-stream decode rate from TPOT's mean and median only (1000 / TPOT
/// ms); None unless both are positive and the rates finite (a TPOT of 0, or
/// one so small its inverse overflows, says nothing about decode).
fn per_stream_decode(t: &Dist) -> Option<Dist> {
    let (mean, p50) = (1e3 / t.mean, 1e3 / t.p50);
    (t.mean > 0.0 && t.p50 > 0.0 && mean.is_finite() && p50.is_finite()).then_some(Dist {
        mean,
        sd: 0.0,
        p50,
        p90: None,
        p95: None,
        p99: None,
        max: None,
        n: t.n,
    })
}

fn guidellm_dist(m: &Value, key: &str, scale: f64) -> Option<Dist> {
    let d = m.get(key)?.get("successful")?;
    let p = d.get("percentiles");
    let pct = |k: &str| p.and_then(|p| f(p, k)).map(|x| x * scale);
    Some(Dist {
        mean: f(d, "mean")? * scale,
        sd: f(d, "std_dev").unwrap_or(0.0) * scale,
        p50: pct("p50").or_else(|| f(d, "median").map(|x| x * scale))?,
        p90: pct("p90"),
        p95: pct("p95"),
        p99: pct("p99"),
        max: f(d, "max").map(|x| x * scale),
        n: u(d, "count").unwrap_or(0) as usize,
    })
}

fn guidellm_strategy(b: &Value) -> Option<&Value> {
    b.get("config")
        .and_then(|c| c.get("strategy"))
        .or_else(|| b.get("args").and_then(|a| a.get("strategy")))
        .or_else(|| b.get("strategy"))
}

/// Every benchmark of a guidellm report as levels.
pub fn guidellm_levels(v: &Value) -> Result<(Vec<LevelSummary>, ServerInfo, Vec<String>), String> {
    let benches = v
        .get("benchmarks")
        .and_then(Value::as_array)
        .ok_or("`benchmarks` is not a list")?;
    if benches.is_empty() {
        return Err("the guidellm report holds no benchmarks".into());
    }
    let mut levels = Vec::new();
    let mut warnings = Vec::new();
    let mut model = String::new();
    let mut endpoint = String::new();
    for (i, b) in benches.iter().enumerate() {
        let m = b
            .get("metrics")
            .ok_or_else(|| format!("benchmarks[{i}] has no `metrics`"))?;
        let strategy = guidellm_strategy(b);
        let stype = strategy
            .and_then(|s| s.get("type_").or_else(|| s.get("type")))
            .and_then(Value::as_str)
            .unwrap_or("");
        let mean_conc = m
            .get("request_concurrency")
            .and_then(|c| c.get("successful"))
            .and_then(|c| f(c, "mean"));
        let (conc, rate) = match stype {
            "synchronous" => (Some(1), None),
            "concurrent" => (
                strategy.and_then(|s| u(s, "streams")).map(|s| s as u32),
                None,
            ),
            "constant" | "poisson" | "async" => (None, strategy.and_then(|s| f(s, "rate"))),
            other => {
                warnings.push(format!(
                    "guidellm benchmark {i} ({}) has no fixed load; skipped",
                    if other.is_empty() {
                        "strategy unknown"
                    } else {
                        other
                    }
                ));
                continue;
            }
        };
        if conc.is_none() && rate.is_none() {
            warnings.push(format!(
                "guidellm benchmark {i} ({stype}) names no load; skipped"
            ));
            continue;
        }
        let totals = m.get("request_totals");
        let count = |k: &str| totals.and_then(|t| u(t, k)).unwrap_or(0) as u32;
        let failed = count("errored") + count("incomplete");
        let mut failures = BTreeMap::new();
        if count("errored") > 0 {
            failures.insert("error".to_string(), count("errored"));
        }
        if count("incomplete") > 0 {
            failures.insert("incomplete".to_string(), count("incomplete"));
        }
        let sum = |k: &str| {
            m.get(k)
                .and_then(|x| x.get("successful"))
                .and_then(|x| f(x, "total_sum"))
                .unwrap_or(0.0) as u64
        };
        let rate_of = |k: &str| {
            m.get(k)
                .and_then(|x| x.get("successful"))
                .and_then(|x| f(x, "mean"))
        };
        let duration = b
            .get("scheduler_metrics")
            .and_then(|s| Some(f(s, "measure_end_time")? - f(s, "measure_start_time")?))
            .or_else(|| f(b, "duration"))
            .unwrap_or(0.0);
        let tpot = guidellm_dist(m, "time_per_output_token_ms", 1.0);
        levels.push(LevelSummary {
            concurrency: conc,
            rate,
            status: LevelStatus::Ok,
            completed: count("successful"),
            failed,
            failures,
            duration_s: duration,
            achieved_concurrency: mean_conc.unwrap_or(0.0),
            request_rate: rate_of("requests_per_second").unwrap_or(0.0),
            prompt_tokens: sum("prompt_token_count"),
            output_tokens: sum("output_token_count"),
            output_tps: rate_of("output_tokens_per_second").ok_or_else(|| {
                format!("benchmarks[{i}].metrics.output_tokens_per_second is missing")
            })?,
            total_tps: rate_of("tokens_per_second").unwrap_or(0.0),
            decode_tps_per_stream: tpot.as_ref().and_then(per_stream_decode),
            ttft_ms: guidellm_dist(m, "time_to_first_token_ms", 1.0),
            tpot_ms: tpot,
            itl_ms: guidellm_dist(m, "inter_token_latency_ms", 1.0),
            e2e_ms: guidellm_dist(m, "request_latency", 1e3),
        });
        if model.is_empty() {
            let args = v.get("args").or_else(|| b.get("args"));
            model = args
                .and_then(|a| text(a, "model"))
                .or_else(|| b.get("config").and_then(|c| text(c, "model")))
                .unwrap_or_default();
            endpoint = args.and_then(|a| text(a, "target")).unwrap_or_default();
        }
    }
    if levels.is_empty() {
        return Err("no guidellm benchmark ran at a fixed concurrency or rate (synchronous, concurrent, constant or poisson)".into());
    }
    Ok((
        levels,
        ServerInfo {
            kind: "openai-compatible".into(),
            version: None,
            endpoint,
            api: "openai".into(),
            model,
            details: BTreeMap::new(),
        },
        warnings,
    ))
}

/// One calibration from one or more server benchmark files (`named`: file
/// name and text).
pub fn server_calibration(
    files: &[(String, String)],
    tco_version: &str,
    date: &str,
) -> Result<CalibrationFile, String> {
    let mut levels = Vec::new();
    let mut requests = Vec::new();
    let mut server: Option<ServerInfo> = None;
    let mut warnings = Vec::new();
    let mut source = None;
    let mut modes = Vec::new();
    for (name, body) in files {
        let (kind, v) = sniff(body).map_err(|e| format!("{name}: {e}"))?;
        match kind {
            Kind::LlamaBench => {
                return Err(format!(
                    "{name}: llama-bench output measures a model in-process; import it on its own"
                ))
            }
            Kind::VllmBenchServe => {
                let (l, r, s) =
                    vllm_level(&v, levels.len() as u32).map_err(|e| format!("{name}: {e}"))?;
                modes.push(if l.concurrency.is_some() {
                    LoadMode::Closed
                } else {
                    LoadMode::Open
                });
                levels.push(l);
                requests.extend(r);
                if server.as_ref().is_some_and(|x| x.model != s.model) {
                    warnings.push(format!(
                        "{name} measured model `{}`, the first file `{}`",
                        s.model,
                        server.as_ref().map_or("", |x| x.model.as_str())
                    ));
                }
                server.get_or_insert(s);
                source.get_or_insert("vllm bench serve import");
            }
            Kind::Guidellm => {
                let (l, s, w) = guidellm_levels(&v).map_err(|e| format!("{name}: {e}"))?;
                for x in &l {
                    modes.push(if x.concurrency.is_some() {
                        LoadMode::Closed
                    } else {
                        LoadMode::Open
                    });
                }
                levels.extend(l);
                warnings.extend(w);
                server.get_or_insert(s);
                source.get_or_insert("guidellm import");
            }
        }
    }
    let server = server.ok_or("no files to import")?;
    if modes.windows(2).any(|w| w[0] != w[1]) {
        return Err("the files mix fixed-concurrency and fixed-rate levels; import each kind into its own calibration".into());
    }
    let mode = modes.first().copied().unwrap_or(LoadMode::Closed);
    levels.sort_by(|a, b| a.load().total_cmp(&b.load()));
    let cal = CalibrationFile {
        format: FORMAT.to_string(),
        tco_version: tco_version.to_string(),
        date: date.to_string(),
        source: source.unwrap_or("import").to_string(),
        machine: None,
        model: None,
        settings: None,
        samples: Vec::new(),
        summary: None,
        server: Some(server),
        load: Some(LoadSettings {
            mode,
            levels: levels.iter().map(LevelSummary::load).collect(),
            prompt_tokens: 0,
            output_tokens: 0,
            requests_per_level: None,
            duration_s: None,
            warmup_per_level: 0,
            timeout_s: 0.0,
            seed: 0,
            ignore_eos: false,
            early_stop: false,
        }),
        levels,
        requests,
        partial: false,
        stop_reason: None,
        warnings,
    };
    // A figure scaled out of range (seconds × 1000 past f64's largest) would
    // be written as `null` and the file would not read back: refuse it here,
    // naming the field, rather than write a calibration no reader takes.
    let text = cal.to_text("import.json")?;
    CalibrationFile::from_text(&text).map_err(|e| {
        format!("a figure imported is out of range, so the calibration would not read back: {e}")
    })?;
    Ok(cal)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn tpot(mean: f64, p50: f64) -> Dist {
        Dist {
            mean,
            sd: 0.0,
            p50,
            p90: None,
            p95: None,
            p99: None,
            max: None,
            n: 3,
        }
    }

    /// Found by the fuzzer (fuzz/regressions/server_import/): a TPOT mean of
    /// 0 beside a positive median made an infinite decode rate, written as
    /// `null`, and a calibration that did not read back.
    #[test]
    fn decode_rate_needs_a_positive_finite_tpot() {
        let d = per_stream_decode(&tpot(8.0, 10.0)).unwrap();
        assert_eq!((d.mean, d.p50, d.n), (125.0, 100.0, 3));
        assert!(per_stream_decode(&tpot(0.0, 10.0)).is_none());
        assert!(per_stream_decode(&tpot(10.0, 0.0)).is_none());
        assert!(per_stream_decode(&tpot(1e-320, 10.0)).is_none());
    }

    #[test]
    fn an_out_of_range_figure_is_refused_not_written() {
        let body = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/data/server/guidellm-report.json"
        ))
        .unwrap();
        let ok = server_calibration(
            &[("g.json".into(), body.clone())],
            "0.1.0",
            "2026-01-01T00:00:00Z",
        );
        assert!(ok.is_ok(), "{ok:?}");
        // Request latency in seconds, scaled to ms, past f64's largest.
        let huge = body.replacen(
            "\"request_latency\": {\"successful\": {\"mean\": ",
            "\"request_latency\": {\"successful\": {\"mean\": 1e307, \"was\": ",
            1,
        );
        assert_ne!(huge, body, "the fixture changed shape");
        let e = server_calibration(&[("g.json".into(), huge)], "0.1.0", "2026-01-01T00:00:00Z")
            .unwrap_err();
        assert!(e.contains("a figure imported is out of range"), "{e}");
    }
}
