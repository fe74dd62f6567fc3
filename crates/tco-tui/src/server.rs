//! The probe screen's server probe: tco-loadgen's whole probe
//! ([`tco_loadgen::server_probe::run_blocking`], the one `tco probe --server`
//! runs) on a thread with its own tokio runtime, its progress and result
//! sent back over a channel that the key loop drains. Works in every build.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, TryRecvError};
use std::sync::Arc;
use std::time::Instant;
use tco_core::input::calibration_schema::{CalibrationFile, LevelSummary, LoadMode};
use tco_loadgen::server_probe::{
    ProbeRequest, Stage, DEFAULT_OUTPUT_TOKENS, DEFAULT_PROMPT_TOKENS,
};
use tco_loadgen::Progress;

/// The server form's fields, in the order it asks them.
pub const FORM: [&str; 8] = [
    "server URL",
    "model (empty: the first the server lists)",
    "concurrency levels",
    "prompt tokens per request",
    "output tokens per request",
    "requests per level (empty: 4 per stream, at least 16)",
    "TTFT p95 target, ms",
    "TPOT p95 target, ms",
];
/// The form field after which the probe starts.
pub const FORM_START: usize = 5;
/// The first latency-target field.
pub const FORM_TARGETS: usize = 6;

/// What the user typed, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSettings {
    pub fields: [String; 8],
}

impl Default for ServerSettings {
    fn default() -> ServerSettings {
        ServerSettings {
            fields: [
                "http://127.0.0.1:8080".into(),
                String::new(),
                "1,2,4,8".into(),
                DEFAULT_PROMPT_TOKENS.to_string(),
                DEFAULT_OUTPUT_TOKENS.to_string(),
                String::new(),
                "2000".into(),
                "100".into(),
            ],
        }
    }
}

fn count(text: &str, what: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "{what} `{}`: not a whole number of at least 1",
            text.trim()
        )),
    }
}

impl ServerSettings {
    /// The probe the settings describe (the CLI's defaults elsewhere).
    pub fn request(&self) -> Result<ProbeRequest, String> {
        let f = &self.fields;
        tco_loadgen::server_probe::base_url(&f[0])?;
        let mut req = ProbeRequest::new(f[0].trim());
        req.model = Some(f[1].trim().to_string()).filter(|m| !m.is_empty());
        req.mode = LoadMode::Closed;
        req.levels = f[2]
            .split([',', ' '])
            .filter(|s| !s.trim().is_empty())
            .map(|s| count(s, "concurrency").map(f64::from))
            .collect::<Result<_, _>>()?;
        req.prompt_tokens = count(&f[3], "prompt tokens")?;
        req.output_tokens = count(&f[4], "output tokens")?;
        req.requests = if f[5].trim().is_empty() {
            None
        } else {
            Some(count(&f[5], "requests per level")?)
        };
        req.check()?;
        Ok(req)
    }

    /// The latency targets in ms.
    pub fn targets(&self) -> Result<(f64, f64), String> {
        let ms = |t: &str, what: &str| match t.trim().parse::<f64>() {
            Ok(x) if x.is_finite() && x > 0.0 && x <= 3_600_000.0 => Ok(x),
            _ => Err(format!("{what} `{}`: not a time in ms above 0", t.trim())),
        };
        Ok((
            ms(&self.fields[6], "TTFT p95 target")?,
            ms(&self.fields[7], "TPOT p95 target")?,
        ))
    }
}

/// What the server part of the probe screen shows.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerState {
    Idle,
    Running {
        /// What the server said it is; empty while detecting.
        server: String,
        /// 0-based level, of `levels`.
        level: usize,
        levels: usize,
        label: String,
        done: u32,
        failed: u32,
        /// Timed requests planned at this level.
        total: Option<u32>,
        finished: Vec<LevelSummary>,
    },
    /// The measured calibration; `written` once applied.
    Done {
        cal: Box<CalibrationFile>,
        written: Option<String>,
    },
    Failed(String),
}

enum Msg {
    Detected(String),
    Level {
        index: usize,
        label: String,
        total: Option<u32>,
    },
    Request {
        index: usize,
        done: u32,
        failed: u32,
    },
    LevelDone(Box<LevelSummary>),
    Finished(Result<Box<CalibrationFile>, String>),
}

/// A server probe running on a thread.
pub struct ServerJob {
    rx: Receiver<Msg>,
    cancel: Arc<AtomicBool>,
    pub started: Instant,
    pub levels: usize,
}

impl std::fmt::Debug for ServerJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerJob").finish_non_exhaustive()
    }
}

impl ServerJob {
    /// Starts the probe on a thread.
    pub fn start(req: ProbeRequest) -> ServerJob {
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&cancel);
        let levels = req.levels.len();
        std::thread::spawn(move || {
            let mut on_stage = |s: Stage<'_>| {
                let m = match s {
                    Stage::Detected(p) => Msg::Detected(p.describe()),
                    Stage::Sweep(Progress::Level {
                        index,
                        label,
                        total,
                        ..
                    }) => Msg::Level {
                        index: *index,
                        label: label.clone(),
                        total: *total,
                    },
                    Stage::Sweep(Progress::Warmup { index }) => Msg::Level {
                        index: *index,
                        label: "warm-up".into(),
                        total: None,
                    },
                    Stage::Sweep(Progress::Request {
                        index,
                        completed,
                        failed,
                        ..
                    }) => Msg::Request {
                        index: *index,
                        done: *completed,
                        failed: *failed,
                    },
                    Stage::Sweep(Progress::LevelDone { summary, .. }) => {
                        Msg::LevelDone(Box::new((*summary).clone()))
                    }
                };
                let _ = tx.send(m);
            };
            let r = tco_loadgen::server_probe::run_blocking(
                &req,
                "tco tui (server probe)",
                env!("CARGO_PKG_VERSION"),
                &tco_probe::calibration::now_rfc3339(),
                &mut on_stage,
                &stop,
            );
            let _ = tx.send(Msg::Finished(r.map(Box::new)));
        });
        ServerJob {
            rx,
            cancel,
            started: Instant::now(),
            levels,
        }
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Applies every message that has arrived to `state`; true once finished.
    pub fn drain(&self, state: &mut ServerState) -> bool {
        loop {
            let m = match self.rx.try_recv() {
                Ok(m) => m,
                Err(TryRecvError::Empty) => return false,
                Err(TryRecvError::Disconnected) => {
                    *state =
                        ServerState::Failed("the probe thread stopped without a result".into());
                    return true;
                }
            };
            if let Msg::Finished(r) = m {
                *state = match r {
                    Ok(cal) => ServerState::Done { cal, written: None },
                    Err(e) => ServerState::Failed(e),
                };
                return true;
            }
            let ServerState::Running {
                server,
                level,
                label: l,
                done: d,
                failed: f,
                total: t,
                finished,
                ..
            } = state
            else {
                continue;
            };
            match m {
                Msg::Detected(s) => *server = s,
                Msg::Level {
                    index,
                    label,
                    total,
                } => {
                    *level = index;
                    *l = label;
                    *t = total;
                    *d = 0;
                    *f = 0;
                }
                Msg::Request {
                    index,
                    done,
                    failed,
                } => {
                    *level = index;
                    *d = done;
                    *f = failed;
                }
                Msg::LevelDone(s) => finished.push(*s),
                Msg::Finished(_) => {}
            }
        }
    }
}

/// The file name a server calibration gets: `calibration-server-MODEL.yaml`.
pub fn file_stem(cal: &CalibrationFile) -> String {
    let model = cal
        .server
        .as_ref()
        .map_or("server", |s| s.model.trim_end_matches(".gguf"));
    let clean: String = model
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .take(60)
        .collect();
    format!("calibration-server-{}", clean.trim_matches(['-', '.']))
}
