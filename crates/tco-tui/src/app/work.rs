//! Work off the key loop: the uncertainty thread's requests and answers,
//! and the probe jobs (start, progress, apply the result).

use super::{App, Message};
use crate::probe::{ProbeJob, ProbeState, Target};
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
        while let Some(out) = self.worker.as_ref().and_then(|w| w.try_recv().ok()) {
            self.receive(out);
        }
    }

    /// True while work is out whose answer the screen waits for: the key
    /// loop then wakes up more often.
    pub fn busy(&self) -> bool {
        self.unc.pending || self.probe_job.is_some()
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

    pub(super) fn apply_probe(&mut self) {
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
