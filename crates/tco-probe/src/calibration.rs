//! The calibration file `tco probe --out` writes and a scenario's
//! `throughput: {calibration: FILE}` reads. The schema is tco-core's
//! (`tco_core::calibration_schema`): one set of types for the writers and the
//! reader. This module adds the probe's summary of its samples.
//!
//! ```yaml
//! format: tco-calibration/2   (version 1 files, the same fields, still read)
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

pub use tco_core::input::calibration_schema::{
    BenchRow, CalibrationFile, ConcurrencyRow, MachineInfo, ModelInfo, ResultSummary, Sample,
    Settings, Summary, TestKind,
};

/// The `format` the probe writes (the schema, the types above, is tco-core's,
/// shared with the reader).
pub const FORMAT: &str = tco_core::input::calibration_schema::FORMAT;

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
