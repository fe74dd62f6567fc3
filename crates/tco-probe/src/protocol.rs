//! What the parent and the worker process say to each other: one JSON
//! request on the worker's stdin, one JSON event per line on its stdout.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::calibration::{Sample, Settings};

/// The environment variable that turns a re-executed binary into a worker.
pub const WORKER_ENV: &str = "TCO_PROBE_WORKER";

/// The probe a worker runs. Settings arrive resolved (threads, context).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkerRequest {
    pub model: PathBuf,
    pub settings: Settings,
    pub verbose: bool,
    /// Seed of the random prompt tokens.
    pub seed: u64,
}

/// One line of the worker's output. Externally tagged on purpose: serde's
/// internally tagged enums buffer numbers, which breaks with serde_json's
/// `arbitrary_precision` (enabled in this workspace).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkerEvent {
    /// The model is loaded and a context made.
    Loaded {
        backend: String,
        gpu: Option<String>,
        n_params: u64,
        model_bytes: u64,
        n_ctx: u32,
    },
    /// Work done so far, in units of roughly equal cost.
    Progress {
        done: u64,
        total: u64,
        phase: String,
    },
    /// One timed repetition.
    Sample { sample: Sample },
    /// All done.
    Done,
    /// llama.cpp refused something; the worker exits 1 after this.
    Error { message: String },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibration::TestKind;

    #[test]
    fn events_round_trip_as_json_lines() {
        let events = [
            WorkerEvent::Sample {
                sample: Sample {
                    test: TestKind::Decode,
                    concurrency: 4,
                    rep: 1,
                    tokens: 64,
                    seconds: 0.125,
                },
            },
            WorkerEvent::Progress {
                done: 1,
                total: 2,
                phase: "x".into(),
            },
            WorkerEvent::Done,
        ];
        for e in events {
            let line = serde_json::to_string(&e).unwrap();
            assert_eq!(serde_json::from_str::<WorkerEvent>(&line).unwrap(), e);
        }
    }
}
