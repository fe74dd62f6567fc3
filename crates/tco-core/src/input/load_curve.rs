//! Load curves from their sources: levels written in a scenario
//! (`throughput: {levels: [...]}`) and a server probe's calibration file
//! (`format: tco-calibration/2` with `levels`).

use crate::error::Diagnostic;
use crate::input::calibration_schema::{CalibrationFile, Dist};
use crate::input::read::Field;
use crate::model::load_curve::{LoadCurve, LoadLevel, Metric, Slo, Stat, PERCENTILES};
use rust_decimal::Decimal;

fn dec(x: f64) -> Option<Decimal> {
    Decimal::try_from(x).ok().map(|d| d.round_dp(6).normalize())
}

/// A server measurement's closed-loop levels (those that completed requests
/// and were not failing) as a load curve. Latency percentiles the file did
/// not record are absent, never guessed.
pub fn load_curve_from_calibration(file: &CalibrationFile) -> Result<LoadCurve, String> {
    let mut levels = Vec::new();
    for l in file.usable_levels() {
        let Some(concurrency) = l.concurrency else {
            continue;
        };
        let mut latency_ms = Vec::new();
        for (metric, dist) in [
            (Metric::Ttft, &l.ttft_ms),
            (Metric::Tpot, &l.tpot_ms),
            (Metric::Itl, &l.itl_ms),
            (Metric::E2e, &l.e2e_ms),
        ] {
            let Some(d) = dist.as_ref() else { continue };
            for p in PERCENTILES {
                if let Some(v) = Dist::percentile(d, u32::from(p)).and_then(dec) {
                    latency_ms.push((
                        Stat {
                            metric,
                            percentile: p,
                        },
                        v,
                    ));
                }
            }
        }
        let per_request = |tokens: u64| {
            (l.completed > 0).then(|| Decimal::from(tokens) / Decimal::from(l.completed))
        };
        levels.push(LoadLevel {
            concurrency,
            total_tokens_per_second: dec(l.total_tps).filter(|d| *d > Decimal::ZERO).ok_or_else(
                || format!("the level at concurrency {concurrency} served no tokens per second"),
            )?,
            output_tokens_per_second: dec(l.output_tps),
            latency_ms,
            prompt_tokens_per_request: per_request(l.prompt_tokens),
            output_tokens_per_request: per_request(l.output_tokens),
        });
    }
    if levels.is_empty() {
        return Err(
            "the calibration has no closed-loop server level that completed requests (run `tco probe --server URL --concurrency 1,2,4,8`)"
                .to_string(),
        );
    }
    levels.sort_by_key(|l| l.concurrency);
    let server = file
        .server
        .as_ref()
        .map_or("the server".to_string(), |s| s.kind.clone());
    Ok(LoadCurve {
        levels,
        source: format!("measured on {server}"),
    })
}

/// Keys of one inline level.
fn level_keys() -> Vec<String> {
    let mut k: Vec<String> = [
        "concurrency",
        "total_tokens_per_second",
        "output_tokens_per_second",
        "prompt_tokens_per_request",
        "output_tokens_per_request",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    k.extend(Stat::all_keys());
    k
}

/// `throughput.levels`: a list of measured levels written in the scenario.
pub fn read_levels(f: &Field<'_>) -> Result<LoadCurve, Diagnostic> {
    let items = f.seq()?;
    if items.is_empty() {
        return Err(f.error("the list is empty").allowed(
            "at least one level: {concurrency, total_tokens_per_second, ttft_p95_ms, …}",
        ));
    }
    let keys = level_keys();
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let mut levels: Vec<LoadLevel> = Vec::new();
    for item in &items {
        let o = item.clone().map(&key_refs)?;
        let concurrency =
            o.req("concurrency", "requests in flight at this level")?
                .integer(1, 100_000, "requests in flight from 1 to 100,000")? as u32;
        if let Some(prev) = levels.last() {
            if prev.concurrency >= concurrency {
                return Err(o
                    .req("concurrency", "")?
                    .error(format!(
                        "concurrency {concurrency} does not rise above the previous level's {}",
                        prev.concurrency
                    ))
                    .allowed("levels in increasing order of concurrency"));
            }
        }
        let tps = |k: &str| {
            o.get(k)
                .map(|f| {
                    f.decimal_in(
                        Decimal::new(1, 2),
                        Decimal::from(100_000_000u32),
                        "tokens per second from 0.01 to 10^8",
                    )
                })
                .transpose()
        };
        let total = o.req(
            "total_tokens_per_second",
            "prompt + output tokens per second at this level",
        )?;
        let total = total.decimal_in(
            Decimal::new(1, 2),
            Decimal::from(100_000_000u32),
            "tokens per second from 0.01 to 10^8",
        )?;
        let per_request = |k: &str| {
            o.get(k)
                .map(|f| {
                    f.decimal_in(
                        Decimal::ZERO,
                        Decimal::from(10_000_000u32),
                        "tokens per request from 0 to 10,000,000",
                    )
                })
                .transpose()
        };
        let mut latency_ms = Vec::new();
        for k in Stat::all_keys() {
            if let Some(v) = o.get(&k) {
                let ms = v.decimal_in(
                    Decimal::ZERO,
                    Decimal::from(86_400_000u32),
                    "milliseconds from 0 to 86,400,000 (a day)",
                )?;
                latency_ms.push((
                    Stat::parse(&k).unwrap_or(Stat {
                        metric: Metric::Ttft,
                        percentile: 50,
                    }),
                    ms,
                ));
            }
        }
        levels.push(LoadLevel {
            concurrency,
            total_tokens_per_second: total,
            output_tokens_per_second: tps("output_tokens_per_second")?,
            latency_ms,
            prompt_tokens_per_request: per_request("prompt_tokens_per_request")?,
            output_tokens_per_request: per_request("output_tokens_per_request")?,
        });
    }
    Ok(LoadCurve {
        levels,
        source: "measured (levels in the scenario)".to_string(),
    })
}

/// `throughput.slo`: latency targets, any subset of `ttft_|tpot_|itl_|e2e_` ×
/// `p50|p90|p95|p99` × `_ms`.
pub fn read_slo(f: &Field<'_>) -> Result<Slo, Diagnostic> {
    let keys = Stat::all_keys();
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let o = f.clone().map(&key_refs)?;
    let mut targets = Vec::new();
    for k in &keys {
        if let Some(v) = o.get(k) {
            // The bounds and their wording are the field registry's.
            let spec = crate::model::fields::known(&format!("local[].throughput.slo.{k}"));
            let ms = v.decimal_in(spec.min, spec.max, spec.allowed)?;
            if let Some(s) = Stat::parse(k) {
                targets.push((s, ms));
            }
        }
    }
    if targets.is_empty() {
        return Err(f
            .error("no latency target given")
            .allowed(format!("one or more of: {}", keys.join(", "))));
    }
    Ok(Slo { targets })
}
