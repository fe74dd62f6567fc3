//! `tco probe --server URL`: measures a running inference server under load
//! with tco-loadgen, draws the live progress, prints the per-level table and
//! writes the calibration file; `tco probe import` of vLLM and guidellm
//! results.

use std::io::Write;
use std::time::Duration;

use anyhow::{bail, Context};
use comfy_table::{presets::UTF8_FULL_CONDENSED, CellAlignment, Table};
use tco_core::input::calibration_schema::{
    CalibrationFile, Dist, LevelStatus, LevelSummary, LoadMode,
};
use tco_loadgen::server_probe::{ProbeRequest, DEFAULT_CONCURRENCY};
use tco_loadgen::{ApiChoice, Progress};

use crate::probe::{ApiArg, OutputArgs, ProbeArgs, ProbeFormat};

/// `30`, `30s`, `2m`, `1.5h` → a duration.
pub fn parse_time(text: &str, flag: &str) -> anyhow::Result<Duration> {
    let t = text.trim();
    let (num, scale) = match t.char_indices().last() {
        Some((i, 's')) => (&t[..i], 1.0),
        Some((i, 'm')) => (&t[..i], 60.0),
        Some((i, 'h')) => (&t[..i], 3600.0),
        _ => (t, 1.0),
    };
    match num.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 && x * scale <= 7.0 * 86_400.0 => {
            Ok(Duration::from_secs_f64(x * scale))
        }
        _ => bail!("{flag} `{text}` is not a time\n  allowed: seconds (30, 30s), minutes (2m) or hours (1h), more than 0 and at most a week"),
    }
}

fn check_levels(args: &ProbeArgs) -> (LoadMode, Vec<f64>) {
    if !args.rate.is_empty() {
        return (LoadMode::Open, args.rate.clone());
    }
    if args.concurrency.is_empty() {
        return (
            LoadMode::Closed,
            DEFAULT_CONCURRENCY.iter().map(|c| f64::from(*c)).collect(),
        );
    }
    (
        LoadMode::Closed,
        args.concurrency.iter().map(|c| f64::from(*c)).collect(),
    )
}

/// Runs the sweep; returns the exit code.
pub fn run(args: &ProbeArgs) -> anyhow::Result<i32> {
    let url = args.server.as_deref().unwrap_or_default();
    tco_loadgen::server_probe::base_url(url).map_err(anyhow::Error::msg)?;
    let (mode, levels) = check_levels(args);
    let timeout = parse_time(&args.timeout, "--timeout")?;
    let duration = args
        .duration
        .as_deref()
        .map(|d| parse_time(d, "--duration"))
        .transpose()?;
    let api_key = match &args.api_key_env {
        Some(var) => match std::env::var(var) {
            Ok(k) if !k.trim().is_empty() => Some(k.trim().to_string()),
            _ => bail!("--api-key-env {var}: the environment variable {var} is not set (or empty)\n  allowed: the name of a variable that holds the key, e.g. export {var}=…"),
        },
        None => None,
    };
    let req = ProbeRequest {
        url: url.to_string(),
        api: match args.api {
            ApiArg::Auto => ApiChoice::Auto,
            ApiArg::Openai => ApiChoice::OpenAi,
            ApiArg::Ollama => ApiChoice::Ollama,
        },
        model: args
            .model
            .as_ref()
            .map(|m| m.to_string_lossy().into_owned()),
        api_key,
        mode,
        levels: levels.clone(),
        prompt_tokens: args.prompt_tokens,
        output_tokens: args.gen_tokens,
        requests: args.requests,
        duration,
        timeout,
        seed: args.seed,
        early_stop: !args.no_early_stop,
    };
    req.check().map_err(anyhow::Error::msg)?;
    if let Some(out) = &args.output.out {
        crate::files::check_destination(out, args.output.force)?;
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let client = tco_loadgen::http_client(Duration::from_secs(10)).map_err(anyhow::Error::msg)?;
    let prepared = rt
        .block_on(tco_loadgen::server_probe::prepare(&client, &req))
        .map_err(anyhow::Error::msg)?;
    let cfg = &prepared.config;
    eprintln!("server: {}", prepared.describe());
    let bar = crate::probe::progress_bar();
    let (cancel_tx, cancel_rx) = tokio::sync::watch::channel(false);
    let result = rt.block_on(async {
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                let _ = cancel_tx.send(true);
            }
        });
        let mut on_progress = |p: Progress| match p {
            Progress::Warmup { index } => {
                bar.set_length(0);
                bar.set_position(0);
                bar.set_message(format!("level {}/{}: warm-up", index + 1, levels.len()));
            }
            Progress::Level {
                index,
                label,
                total,
                duration,
            } => {
                bar.reset();
                bar.set_length(
                    total.map_or_else(|| duration.map_or(0, |d| d.as_secs()), u64::from),
                );
                bar.set_message(format!("level {}/{}: {label}", index + 1, levels.len()));
            }
            Progress::Request {
                completed,
                failed,
                output_tokens,
                elapsed,
                index,
            } => {
                if cfg.requests.is_some() || cfg.duration.is_none() {
                    bar.set_position(u64::from(completed + failed));
                } else {
                    bar.set_position(elapsed.as_secs());
                }
                let secs = elapsed.as_secs_f64().max(1e-3);
                bar.set_message(format!(
                    "level {}/{}: {completed} done, {failed} failed, {:.0} output tok/s",
                    index + 1,
                    levels.len(),
                    output_tokens as f64 / secs
                ));
            }
            Progress::LevelDone { summary, .. } => {
                let line = level_line(summary);
                bar.suspend(|| eprintln!("{line}"));
            }
        };
        tco_loadgen::run_sweep(&client, cfg, &mut on_progress, cancel_rx).await
    });
    bar.finish_and_clear();
    let cal = tco_loadgen::server_probe::calibration(
        &prepared,
        result,
        "tco probe --server",
        env!("CARGO_PKG_VERSION"),
        &tco_probe::calibration::now_rfc3339(),
    )
    .map_err(anyhow::Error::msg)?;
    finish(&cal, &args.output)
}

/// `tco probe import` of vLLM and guidellm results.
pub fn import(files: &[(String, String)], output: &OutputArgs) -> anyhow::Result<i32> {
    if let Some(out) = &output.out {
        crate::files::check_destination(out, output.force)?;
    }
    let cal = tco_loadgen::import::server_calibration(
        files,
        env!("CARGO_PKG_VERSION"),
        &tco_probe::calibration::now_rfc3339(),
    )
    .map_err(anyhow::Error::msg)?;
    finish(&cal, output)
}

fn finish(cal: &CalibrationFile, output: &OutputArgs) -> anyhow::Result<i32> {
    for w in &cal.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(reason) = &cal.stop_reason {
        eprintln!(
            "{}: {reason}",
            if cal.partial {
                "partial result"
            } else {
                "note"
            }
        );
    }
    if let Some(out) = &output.out {
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = cal.to_text(&name).map_err(anyhow::Error::msg)?;
        crate::files::write_atomic(out, text.as_bytes(), output.force)?;
        eprintln!(
            "wrote the calibration to {}{}",
            out.display(),
            if cal.partial { " (marked partial)" } else { "" }
        );
    }
    let text = match output.format {
        ProbeFormat::Json => serde_json::to_string_pretty(cal)? + "\n",
        ProbeFormat::Table => table(cal),
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        r => r.map(|()| 0).context("cannot write the output"),
    }
}

fn level_line(l: &LevelSummary) -> String {
    let p50 = |d: &Option<Dist>| d.as_ref().map_or("–".into(), |d| fmt_ms(d.p50));
    format!(
        "{:<16} {:>4} ok {:>3} failed  {:>8} out tok/s  TTFT p50 {} ms  TPOT p50 {} ms  {}",
        tco_loadgen::sweep::level_label(l),
        l.completed,
        l.failed,
        fmt_rate(l.output_tps),
        p50(&l.ttft_ms),
        p50(&l.tpot_ms),
        status(l.status)
    )
}

fn status(s: LevelStatus) -> &'static str {
    match s {
        LevelStatus::Ok => "ok",
        LevelStatus::Failing => "failing",
        LevelStatus::Saturated => "saturated",
        LevelStatus::Partial => "partial",
    }
}

fn fmt_rate(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn fmt_ms(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn pair(d: &Option<Dist>) -> String {
    match d {
        Some(d) => format!("{} / {}", fmt_ms(d.p50), d.p99.map_or("–".into(), fmt_ms)),
        None => "–".into(),
    }
}

/// The per-level table with a few header lines.
pub fn table(cal: &CalibrationFile) -> String {
    let mut out = String::new();
    if let Some(s) = &cal.server {
        out.push_str(&format!(
            "server:  {}{} at {} ({} API), model {}\n",
            s.kind,
            s.version
                .as_deref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default(),
            if s.endpoint.is_empty() {
                "?"
            } else {
                &s.endpoint
            },
            s.api,
            s.model
        ));
    }
    if let Some(l) = &cal.load {
        let per = match (l.requests_per_level, l.duration_s) {
            (Some(n), _) => format!("{n} requests per level"),
            (None, Some(d)) => format!("{d} s per level"),
            (None, None) => "4 requests per stream per level (at least 16)".into(),
        };
        if l.prompt_tokens > 0 {
            out.push_str(&format!(
                "load:    {} + {} tokens per request, {per}, 1 warm-up each, {}\n",
                l.prompt_tokens,
                l.output_tokens,
                match l.mode {
                    LoadMode::Closed => "closed loop".to_string(),
                    LoadMode::Open => format!("Poisson arrivals (seed {})", l.seed),
                }
            ));
        }
    }
    out.push_str(&format!("source:  {}, {}\n", cal.source, cal.date));
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    let open = cal.levels.iter().any(|l| l.rate.is_some());
    t.set_header(vec![
        if open { "rate/s" } else { "concurrency" },
        "ok",
        "failed",
        "output tok/s",
        "total tok/s",
        "tok/s per stream p50",
        "TTFT ms p50 / p99",
        "TPOT ms p50 / p99",
        "ITL ms p50 / p99",
        "E2E ms p50 / p99",
        "in flight",
        "status",
    ]);
    for l in &cal.levels {
        let failed = if l.failures.is_empty() {
            l.failed.to_string()
        } else {
            let kinds: Vec<String> = l.failures.iter().map(|(k, n)| format!("{n} {k}")).collect();
            format!("{} ({})", l.failed, kinds.join(", "))
        };
        t.add_row(vec![
            l.rate
                .map(|r| format!("{r}"))
                .or(l.concurrency.map(|c| c.to_string()))
                .unwrap_or_default(),
            l.completed.to_string(),
            failed,
            fmt_rate(l.output_tps),
            fmt_rate(l.total_tps),
            l.decode_tps_per_stream
                .as_ref()
                .map_or("–".into(), |d| fmt_rate(d.p50)),
            pair(&l.ttft_ms),
            pair(&l.tpot_ms),
            pair(&l.itl_ms),
            pair(&l.e2e_ms),
            format!("{:.1}", l.achieved_concurrency),
            status(l.status).to_string(),
        ]);
    }
    for i in [1, 2, 3, 4, 5, 6, 9, 10] {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    out.push_str(&t.to_string());
    out.push('\n');
    if let Some(reason) = &cal.stop_reason {
        out.push_str(&format!(
            "{}: {reason}\n",
            if cal.partial {
                "Partial result"
            } else {
                "Stopped early"
            }
        ));
    }
    out
}
