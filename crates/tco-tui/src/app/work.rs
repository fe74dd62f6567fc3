//! Work off the key loop: the uncertainty thread's requests and answers,
//! and the probe jobs (start, progress, apply the result).

use super::{App, Message, Mode};
use crate::probe::{ProbeJob, ProbeState, Target};
use crate::server::{ServerJob, ServerState, FORM, FORM_START};
use crate::uncertainty::{analyse, Outcome, Request};
use std::path::PathBuf;
use std::time::{Duration, Instant};

impl App {
    /// Checks on a running probe and the uncertainty thread; called by the
    /// key loop between keys.
    pub fn tick(&mut self) {
        if let Some(job) = &self.probe_job {
            if job.drain(&mut self.probe) {
                self.probe_job = None;
            }
        }
        if let Some(job) = &self.server_job {
            if job.drain(&mut self.server_state) {
                self.server_job = None;
                self.server_pick = None;
            }
        }
        while let Some(out) = self.worker.as_ref().and_then(|w| w.try_recv().ok()) {
            self.receive(out);
        }
    }

    /// True while work is out whose answer the screen waits for: the key
    /// loop then wakes up more often.
    pub fn busy(&self) -> bool {
        self.unc.pending || self.probe_job.is_some() || self.server_job.is_some()
    }

    /// Asks for the figures of the current tree (nothing when no input is uncertain).
    pub(super) fn request_uncertainty(&mut self) {
        self.unc.generation += 1;
        self.unc.error = None;
        if !self.now.scenario.has_uncertainty() {
            self.unc.pending = false;
            self.unc.result = None;
            return;
        }
        let req = Request {
            generation: self.unc.generation,
            scenario: self.now.scenario.clone(),
            tree: self.tree.clone(),
            origin: self.origin.clone(),
        };
        self.unc.pending = true;
        self.unc.requested_at = Some(Instant::now());
        let sent = self.worker.as_ref().is_some_and(|w| w.request(req.clone()));
        if !sent {
            // No thread: compute here (a few milliseconds in a release build).
            self.worker = None;
            let result = analyse(
                &req.scenario,
                &req.tree,
                &req.origin,
                self.tables.as_ref(),
                self.files.as_ref(),
            )
            .map_err(|e| e.to_string());
            self.receive(Outcome {
                generation: req.generation,
                result,
            });
        }
    }

    /// Takes an answer from the uncertainty thread; one for an older tree is dropped.
    pub fn receive(&mut self, out: Outcome) {
        if out.generation != self.unc.generation {
            self.unc.dropped += 1;
            return;
        }
        self.unc.pending = false;
        match out.result {
            Ok(u) => {
                self.unc.result = Some(Box::new(u));
                self.unc.result_generation = out.generation;
                self.unc.error = None;
            }
            Err(e) => {
                self.unc.result = None;
                self.unc.error = Some(e);
            }
        }
    }

    /// Waits (up to `timeout`) until the current tree's figures are in: for
    /// tests and benchmarks, never called by the key loop.
    pub fn settle(&mut self, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        while self.unc.pending {
            let left = end.saturating_duration_since(Instant::now());
            let Some(w) = &self.worker else { return false };
            match w.recv_timeout(left) {
                Ok(out) => self.receive(out),
                Err(_) => return false,
            }
        }
        true
    }

    /// The folder a scenario's relative calibration paths are read from.
    fn base_dir(&self) -> PathBuf {
        match self.path.as_ref().and_then(|p| p.parent()) {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    pub(super) fn start_probe(&mut self, target: Target) {
        if self.probe_job.is_some() {
            self.message = Some(Message::Info("a probe is already running".into()));
            return;
        }
        let what = match &target {
            Target::SyntheticTiny => "synthetic tiny Q4_K model".to_string(),
            Target::Gguf(p) => p.display().to_string(),
        };
        match ProbeJob::start(target, &self.base_dir()) {
            Ok(job) => {
                self.probe_job = Some(job);
                self.probe = ProbeState::Running {
                    what,
                    phase: "starting".into(),
                    done: 0,
                    total: 0,
                };
            }
            Err(e) => self.probe = ProbeState::Failed(e),
        }
    }

    /// The local option the selection is in, else the first.
    fn selected_local(&self) -> usize {
        self.field()
            .and_then(|f| f.path.strip_prefix("local["))
            .and_then(|r| r.split(']').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }

    /// Stops any probe running (on quit): its thread ends on its own.
    pub fn cancel_jobs(&self) {
        if let Some(j) = &self.probe_job {
            j.cancel();
        }
        if let Some(j) = &self.server_job {
            j.cancel();
        }
    }

    /// Enter in the server form: keep the field, then the next one, or
    /// start the probe after the last setting, or stop after the targets.
    pub(super) fn server_form_next(&mut self, i: usize, text: String) {
        let Some(slot) = self.server.fields.get_mut(i) else {
            self.mode = Mode::Normal;
            return;
        };
        *slot = text.trim().to_string();
        self.mode = Mode::Normal;
        if i == FORM_START {
            self.start_server();
        } else if i + 1 == FORM.len() {
            match self.server.targets() {
                Ok((ttft, tpot)) => {
                    self.message = Some(Message::Info(format!(
                        "targets: TTFT p95 {ttft} ms, TPOT p95 {tpot} ms"
                    )))
                }
                Err(e) => self.message = Some(Message::Error(e)),
            }
        } else if let Some(next) = self.server.fields.get(i + 1) {
            self.mode = Mode::ServerForm(i + 1, next.clone());
        }
    }

    pub(super) fn start_server(&mut self) {
        if self.server_job.is_some() || self.probe_job.is_some() {
            self.message = Some(Message::Info("a probe is already running".into()));
            return;
        }
        match self.server.request() {
            Ok(req) => {
                let job = ServerJob::start(req);
                self.server_state = ServerState::Running {
                    server: String::new(),
                    level: 0,
                    levels: job.levels,
                    label: "detecting the server".into(),
                    done: 0,
                    failed: 0,
                    total: None,
                    finished: Vec::new(),
                };
                self.server_pick = None;
                self.server_job = Some(job);
            }
            Err(e) => self.server_state = ServerState::Failed(e),
        }
    }

    /// `c`: the next measured level to apply at, then back to the targets.
    pub(super) fn cycle_server_pick(&mut self) {
        let ServerState::Done { cal, .. } = &self.server_state else {
            self.message = Some(Message::Info("no server probe result yet".into()));
            return;
        };
        let ok: Vec<usize> = (0..cal.levels.len())
            .filter(|i| cal.levels[*i].completed > 0 && cal.levels[*i].concurrency.is_some())
            .collect();
        self.server_pick = match self.server_pick {
            None => ok.first().copied(),
            Some(p) => ok.iter().copied().find(|i| *i > p),
        };
    }

    /// Writes the server calibration next to the scenario (a new file, never
    /// over another) and points the selected local option at it, with the
    /// latency targets or the picked level.
    pub(super) fn apply_server(&mut self) {
        if self.now.scenario.local.is_empty() {
            self.message = Some(Message::Error("the scenario has no local option".into()));
            return;
        }
        let throughput_of = |name: &str, app: &App| -> Result<String, String> {
            let ServerState::Done { cal, .. } = &app.server_state else {
                return Err("no server probe result".into());
            };
            match app
                .server_pick
                .and_then(|i| cal.levels.get(i))
                .and_then(|l| l.concurrency)
            {
                Some(c) => Ok(format!("{{calibration: {name}, concurrency: {c}}}")),
                None => {
                    let (ttft, tpot) = app.server.targets()?;
                    Ok(format!(
                        "{{calibration: {name}, slo: {{ttft_p95_ms: {ttft}, tpot_p95_ms: {tpot}}}}}"
                    ))
                }
            }
        };
        let dir = self.base_dir();
        let ServerState::Done { cal, written } = &self.server_state else {
            self.message = Some(Message::Info("no probe result to apply yet".into()));
            return;
        };
        let name = match written {
            Some(n) => n.clone(),
            None => {
                let stem = crate::server::file_stem(cal);
                let mut name = format!("{stem}.yaml");
                let mut n = 1;
                while dir.join(&name).exists() {
                    n += 1;
                    name = format!("{stem}-{n}.yaml");
                }
                let written = cal.to_text(&name).and_then(|text| {
                    tco_fs::write_atomic(
                        &dir.join(&name),
                        text.as_bytes(),
                        tco_fs::Overwrite::Refuse,
                    )
                    .map_err(|e| e.to_string())
                });
                if let Err(e) = written {
                    self.message = Some(Message::Error(format!(
                        "calibration not written to {}: {e}",
                        dir.join(&name).display()
                    )));
                    return;
                }
                name
            }
        };
        if let ServerState::Done { written, .. } = &mut self.server_state {
            *written = Some(name.clone());
        }
        let value = match throughput_of(&name, self) {
            Ok(v) => v,
            Err(e) => {
                self.message = Some(Message::Error(e));
                return;
            }
        };
        let i = self.selected_local();
        self.set(&format!("local[{i}].throughput"), &value);
    }

    pub(super) fn apply_probe(&mut self) {
        if matches!(self.server_state, ServerState::Done { .. }) {
            self.apply_server();
            return;
        }
        let ProbeState::Done { path, .. } = &self.probe else {
            self.message = Some(Message::Info("no probe result to apply yet".into()));
            return;
        };
        if self.now.scenario.local.is_empty() {
            self.message = Some(Message::Error("the scenario has no local option".into()));
            return;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let i = self.selected_local();
        self.set(
            &format!("local[{i}].throughput"),
            &format!("{{calibration: {name}}}"),
        );
    }
}
