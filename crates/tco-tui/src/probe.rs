//! Running a throughput probe in the background: tco-probe's runner on a
//! thread (which itself loads the model in a worker process), progress and
//! the result sent back over a channel that the key loop drains, so the
//! calculator never waits on llama.cpp.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, TryRecvError};
use std::sync::Arc;
use std::time::Instant;
use tco_probe::synth::{Quant, SHAPES};
use tco_probe::{ProbeOptions, ProgressUpdate};

/// What the probe screen shows.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeState {
    Idle,
    Running {
        what: String,
        phase: String,
        done: u64,
        total: u64,
    },
    /// The calibration was written to `path`; `lines` summarise it.
    Done {
        path: PathBuf,
        lines: Vec<String>,
    },
    Failed(String),
}

enum Msg {
    Progress(ProgressUpdate),
    Finished(Result<(PathBuf, Vec<String>), String>),
}

/// A probe running on a thread.
#[derive(Debug)]
pub struct ProbeJob {
    rx: Receiver<Msg>,
    cancel: Arc<AtomicBool>,
    pub started: Instant,
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Msg")
    }
}

/// What to measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A random-weight model of tco-probe's `tiny` shape: only its speed counts.
    SyntheticTiny,
    Gguf(PathBuf),
}

impl ProbeJob {
    /// Starts the probe; the calibration is written into `dir`.
    pub fn start(target: Target, dir: &Path) -> Result<ProbeJob, String> {
        if !tco_probe::HAS_ENGINE {
            return Err("this tco was built without llama.cpp; rebuild with \
                        `cargo build --release --features llama` to probe"
                .into());
        }
        let exe = std::env::current_exe()
            .map_err(|e| format!("cannot find the tco executable for the probe worker: {e}"))?;
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&cancel);
        let dir = dir.to_path_buf();
        std::thread::spawn(move || {
            let mut on_progress = |u: &ProgressUpdate| {
                let _ = tx.send(Msg::Progress(u.clone()));
                !stop.load(Ordering::Relaxed)
            };
            let result = match &target {
                Target::SyntheticTiny => {
                    let opts = ProbeOptions::new("synthetic-tiny.gguf");
                    match SHAPES.first() {
                        Some(shape) => tco_probe::run_synthetic(
                            &exe,
                            shape,
                            Quant::Q4K,
                            &opts,
                            &mut on_progress,
                        ),
                        None => Err(tco_probe::ProbeError::Settings(
                            "no synthetic shapes".into(),
                        )),
                    }
                }
                Target::Gguf(p) => {
                    tco_probe::run_probe(&exe, &ProbeOptions::new(p), &mut on_progress)
                }
            };
            let done = result.map_err(|e| e.to_string()).and_then(|cal| {
                let (Some(model), Some(machine), Some(s)) = (&cal.model, &cal.machine, &cal.summary)
                else {
                    return Err("the probe returned no results".to_string());
                };
                let stem = model.file.trim_end_matches(".gguf").to_string();
                let mut path = dir.join(format!("calibration-{stem}.yaml"));
                let mut n = 1;
                while path.exists() {
                    n += 1;
                    path = dir.join(format!("calibration-{stem}-{n}.yaml"));
                }
                let text = cal.to_text(&path.display().to_string())?;
                tco_fs::write_atomic(&path, text.as_bytes(), tco_fs::Overwrite::Refuse)
                    .map_err(|e| e.to_string())?;
                let mut lines = vec![
                    format!(
                        "model {} ({}), {} on {}",
                        model.file, model.quantization, machine.backend, machine.cpu
                    ),
                    format!(
                        "prefill {:.1} tokens/s (sd {:.1}), decode {:.1} tokens/s (sd {:.1}), n = {}",
                        s.prefill_tps.mean, s.prefill_tps.sd, s.decode_tps.mean, s.decode_tps.sd, s.decode_tps.n
                    ),
                ];
                lines.extend(cal.warnings.iter().map(|w| format!("! {w}")));
                Ok((path, lines))
            });
            let _ = tx.send(Msg::Finished(done));
        });
        Ok(ProbeJob {
            rx,
            cancel,
            started: Instant::now(),
        })
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Applies every message that has arrived to `state`; true once finished.
    pub fn drain(&self, state: &mut ProbeState) -> bool {
        loop {
            match self.rx.try_recv() {
                Ok(Msg::Progress(u)) => {
                    if let ProbeState::Running {
                        phase, done, total, ..
                    } = state
                    {
                        *phase = u.phase;
                        *done = u.done;
                        *total = u.total;
                    }
                }
                Ok(Msg::Finished(r)) => {
                    *state = match r {
                        Ok((path, lines)) => ProbeState::Done { path, lines },
                        Err(e) => ProbeState::Failed(e),
                    };
                    return true;
                }
                Err(TryRecvError::Empty) => return false,
                Err(TryRecvError::Disconnected) => {
                    *state = ProbeState::Failed("the probe thread stopped without a result".into());
                    return true;
                }
            }
        }
    }
}
