//! A whole server probe, shared by `tco probe --server` and the TUI's probe
//! screen: the URL check, the detection and the model choice
//! ([`prepare`]), the sweep, and the calibration file the result becomes
//! ([`calibration`]); [`run_blocking`] does all of it on the calling thread.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tco_core::input::calibration_schema::{
    CalibrationFile, LoadMode, LoadSettings, ServerInfo, FORMAT,
};

use crate::{ApiChoice, Detected, Progress, SweepConfig, SweepResult, Target};

/// Concurrencies when none are given.
pub const DEFAULT_CONCURRENCY: [u32; 6] = [1, 2, 4, 8, 16, 32];
/// Prompt tokens per request when none are given.
pub const DEFAULT_PROMPT_TOKENS: u32 = 200;
/// Output tokens per request when none are given.
pub const DEFAULT_OUTPUT_TOKENS: u32 = 500;
/// A request's timeout when none is given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// The prompts' seed when none is given.
pub const DEFAULT_SEED: u64 = 42;

/// What to measure and how.
#[derive(Debug, Clone)]
pub struct ProbeRequest {
    /// `http://HOST:PORT` (or `HOST:PORT`); see [`base_url`].
    pub url: String,
    pub api: ApiChoice,
    /// None: the first model the server lists.
    pub model: Option<String>,
    pub api_key: Option<String>,
    pub mode: LoadMode,
    /// Concurrencies (closed loop) or requests per second (open loop).
    pub levels: Vec<f64>,
    pub prompt_tokens: u32,
    pub output_tokens: u32,
    /// Timed requests per level (None: [`SweepConfig::default_requests`],
    /// or `duration`).
    pub requests: Option<u32>,
    pub duration: Option<Duration>,
    pub timeout: Duration,
    pub seed: u64,
    pub early_stop: bool,
}

impl ProbeRequest {
    /// The CLI's defaults: closed loop at 1…32, 200 + 500 tokens.
    pub fn new(url: &str) -> ProbeRequest {
        ProbeRequest {
            url: url.to_string(),
            api: ApiChoice::Auto,
            model: None,
            api_key: None,
            mode: LoadMode::Closed,
            levels: DEFAULT_CONCURRENCY.iter().map(|c| f64::from(*c)).collect(),
            prompt_tokens: DEFAULT_PROMPT_TOKENS,
            output_tokens: DEFAULT_OUTPUT_TOKENS,
            requests: None,
            duration: None,
            timeout: DEFAULT_TIMEOUT,
            seed: DEFAULT_SEED,
            early_stop: true,
        }
    }

    /// Checks the numbers (the URL is checked by [`base_url`]).
    pub fn check(&self) -> Result<(), String> {
        if self.levels.is_empty() {
            return Err("no load levels\n  allowed: at least one concurrency or rate".into());
        }
        match self.mode {
            LoadMode::Closed => {
                if let Some(x) = self
                    .levels
                    .iter()
                    .find(|c| !(c.fract() == 0.0 && **c >= 1.0 && **c <= 4096.0))
                {
                    return Err(format!(
                        "--concurrency {x}: out of range\n  allowed: 1 to 4096 requests in flight"
                    ));
                }
            }
            LoadMode::Open => {
                if let Some(r) = self
                    .levels
                    .iter()
                    .find(|r| !(r.is_finite() && **r > 0.0 && **r <= 100_000.0))
                {
                    return Err(format!("--rate {r}: not a request rate\n  allowed: requests per second above 0, at most 100000"));
                }
            }
        }
        if self.requests == Some(0) {
            return Err(
                "--requests 0: a level needs at least one request\n  allowed: 1 or more".into(),
            );
        }
        if self.output_tokens == 0 || self.prompt_tokens == 0 {
            return Err("--prompt-tokens and --output-tokens must be at least 1".into());
        }
        Ok(())
    }
}

/// The URL without credentials, query or trailing slash; only http.
pub fn base_url(url: &str) -> Result<String, String> {
    let u = url.trim();
    let rest = if let Some(r) = u.strip_prefix("http://") {
        r
    } else if u.starts_with("https://") {
        return Err(format!("--server {u}: https is not supported by this build (plain HTTP to a server on your machine or network)\n  allowed: http://HOST:PORT"));
    } else if u.contains("://") {
        return Err(format!(
            "--server {u}: not an http URL\n  allowed: http://HOST:PORT"
        ));
    } else {
        u // host:port without a scheme
    };
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let rest = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let rest = rest.trim_end_matches('/');
    let rest = rest.strip_suffix("/v1").unwrap_or(rest);
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!(
            "--server {u}: no host\n  allowed: http://HOST:PORT"
        ));
    }
    Ok(format!("http://{rest}"))
}

/// A detected server and the sweep to run on it.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub base: String,
    pub detected: Detected,
    pub model: String,
    pub config: SweepConfig,
    /// Said before the sweep (a model the server does not list, no ignore_eos).
    pub warnings: Vec<String>,
}

impl Prepared {
    /// `llama-server b1234 at http://… (OpenAI API), model m`.
    pub fn describe(&self) -> String {
        format!(
            "{}{} at {} ({} API), model {}",
            self.detected.kind,
            self.detected
                .version
                .as_deref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default(),
            self.base,
            self.detected.api.name(),
            self.model
        )
    }
}

/// Checks the request, asks the server what it is and picks the model.
pub async fn prepare(client: &reqwest::Client, req: &ProbeRequest) -> Result<Prepared, String> {
    let base = base_url(&req.url)?;
    req.check()?;
    let detected = crate::detect(
        client,
        &base,
        req.api,
        req.api_key.as_deref(),
        Duration::from_secs(10).min(req.timeout),
    )
    .await
    .map_err(|e| e.to_string())?;
    let model = match req.model.as_deref().map(str::trim) {
        Some(m) if !m.is_empty() => m.to_string(),
        _ => match detected.models.first() {
            Some(m) => m.clone(),
            None => return Err(format!("{base} lists no models; pass --model NAME")),
        },
    };
    let mut warnings = Vec::new();
    if !detected.models.is_empty() && !detected.models.contains(&model) {
        warnings.push(format!(
            "the server does not list model `{model}` (it lists {}); requests name it anyway",
            detected.models.join(", ")
        ));
    }
    if !detected.takes_ignore_eos() {
        warnings.push(format!(
            "{} takes no ignore_eos: an answer may end before {} tokens; output tokens/s stay right",
            detected.kind, req.output_tokens
        ));
    }
    let config = SweepConfig {
        target: Target {
            base: base.clone(),
            api: detected.api,
            model: model.clone(),
            api_key: req.api_key.clone(),
            ignore_eos: detected.takes_ignore_eos(),
            min_tokens: detected.takes_min_tokens(),
            max_line: crate::stream::DEFAULT_MAX_LINE,
        },
        mode: req.mode,
        levels: req.levels.clone(),
        prompt_tokens: req.prompt_tokens,
        output_tokens: req.output_tokens,
        requests: req.requests,
        duration: req.duration,
        timeout: req.timeout,
        seed: req.seed,
        early_stop: req.early_stop,
        warmup: 1,
    };
    Ok(Prepared {
        base,
        detected,
        model,
        config,
        warnings,
    })
}

/// The calibration file of a finished sweep; an error when no request
/// succeeded (nothing was measured).
pub fn calibration(
    prepared: &Prepared,
    result: SweepResult,
    source: &str,
    tco_version: &str,
    date: &str,
) -> Result<CalibrationFile, String> {
    let cfg = &prepared.config;
    if !result.levels.iter().any(|l| l.completed > 0) {
        let first = result
            .requests
            .iter()
            .find_map(|r| r.error.as_ref())
            .map(|e| format!("{} ({})", e.message, e.kind))
            .unwrap_or_else(|| "no request finished".into());
        return Err(format!(
            "{}: no request succeeded, so nothing was measured and nothing written: {first}",
            prepared.base
        ));
    }
    let mut warnings = prepared.warnings.clone();
    warnings.extend(result.warnings.iter().cloned());
    let d = &prepared.detected;
    Ok(CalibrationFile {
        format: FORMAT.to_string(),
        tco_version: tco_version.to_string(),
        date: date.to_string(),
        source: source.to_string(),
        machine: None,
        model: None,
        settings: None,
        samples: Vec::new(),
        summary: None,
        server: Some(ServerInfo {
            kind: d.kind.clone(),
            version: d.version.clone(),
            endpoint: prepared.base.clone(),
            api: d.api.name().to_string(),
            model: prepared.model.clone(),
            details: d.details.clone(),
        }),
        load: Some(LoadSettings {
            mode: cfg.mode,
            levels: cfg.levels.clone(),
            prompt_tokens: cfg.prompt_tokens,
            output_tokens: cfg.output_tokens,
            requests_per_level: if cfg.duration.is_some() {
                None
            } else {
                cfg.requests
            },
            duration_s: cfg.duration.map(|d| d.as_secs_f64()),
            warmup_per_level: cfg.warmup,
            timeout_s: cfg.timeout.as_secs_f64(),
            seed: cfg.seed,
            ignore_eos: cfg.target.ignore_eos,
            early_stop: cfg.early_stop,
        }),
        levels: result.levels,
        requests: result.requests,
        partial: result.partial,
        stop_reason: result.stop_reason,
        warnings,
    })
}

/// What [`run_blocking`] reports as it goes.
#[derive(Debug)]
pub enum Stage<'a> {
    /// The server answered; `describe` says what it is.
    Detected(&'a Prepared),
    /// A sweep step.
    Sweep(&'a Progress<'a>),
}

/// The whole probe on the calling thread (its own tokio runtime):
/// prepare, sweep, calibration. `cancel` stops it at the next check (a
/// few tens of milliseconds): during detection that is an error, during
/// the sweep the levels so far are kept (marked partial).
pub fn run_blocking(
    req: &ProbeRequest,
    source: &str,
    tco_version: &str,
    date: &str,
    on_stage: &mut dyn FnMut(Stage<'_>),
    cancel: &AtomicBool,
) -> Result<CalibrationFile, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let client = crate::http_client(Duration::from_secs(10))?;
    rt.block_on(async {
        let (cancel_tx, cancel_rx) = tokio::sync::watch::channel(false);
        let watch_cancel = async {
            while !cancel.load(Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            let _ = cancel_tx.send(true);
            // Give the sweep a moment to end on its own with its levels;
            // detection, which has no cancel inside, is not waited for.
            tokio::time::sleep(Duration::from_secs(5)).await;
        };
        let work = async {
            let prepared = prepare(&client, req).await?;
            on_stage(Stage::Detected(&prepared));
            let mut on_progress = |p: Progress| on_stage(Stage::Sweep(&p));
            let result =
                crate::run_sweep(&client, &prepared.config, &mut on_progress, cancel_rx).await;
            if cancel.load(Ordering::Relaxed) && !result.levels.iter().any(|l| l.completed > 0) {
                return Err("cancelled".to_string());
            }
            calibration(&prepared, result, source, tco_version, date)
        };
        tokio::select! {
            r = work => r,
            () = watch_cancel => Err("cancelled".to_string()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::{MockOptions, MockServer};

    #[test]
    fn base_urls() {
        assert_eq!(
            base_url("127.0.0.1:8080/v1/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(base_url("https://x").is_err());
        assert!(base_url("http://").is_err());
    }

    #[test]
    fn blocking_probe_of_the_mock() {
        let m = MockServer::start(MockOptions::default()).unwrap();
        let mut req = ProbeRequest::new(&m.url());
        req.levels = vec![1.0, 2.0];
        req.requests = Some(3);
        req.output_tokens = 8;
        req.prompt_tokens = 8;
        let stop = AtomicBool::new(false);
        let mut stages = 0;
        let cal =
            run_blocking(&req, "test", "0", "2026-01-01", &mut |_| stages += 1, &stop).unwrap();
        assert_eq!(cal.levels.len(), 2);
        assert!(stages > 3);
        assert_eq!(cal.levels[1].completed, 3);
    }

    #[test]
    fn down_server_is_an_error() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", l.local_addr().unwrap());
        drop(l);
        let stop = AtomicBool::new(false);
        let e =
            run_blocking(&ProbeRequest::new(&url), "t", "0", "d", &mut |_| {}, &stop).unwrap_err();
        assert!(!e.is_empty());
    }
}
