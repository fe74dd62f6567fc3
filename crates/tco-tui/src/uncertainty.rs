//! The uncertainty screen's figures, computed off the key loop.
//!
//! After every accepted change of a scenario that holds `{dist: …}` inputs the
//! app asks a background thread for a 2,000-sample `tco_core::analysis::sim::simulate`
//! and the one-at-a-time `tco_core::analysis::sensitivity::sensitivity` of the new tree.
//! Each request carries the app's generation number; the thread only works on
//! the newest request waiting, and the app drops any answer whose generation
//! is no longer current, so a burst of keys never queues stale work and the
//! screen never shows figures of a tree that has since changed. A panic inside
//! the computation is caught here and becomes an error message on the screen.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tco_core::analysis::sensitivity::{sensitivity, SensOptions, Sensitivity};
use tco_core::analysis::sim::{simulate, SimOptions, Simulation};
use tco_core::input::bundled::OwnedTables;
use tco_core::input::scenario::{Resolve, Tables};
use tco_core::input::yaml::Node;
use tco_core::Error;
use tco_core::Scenario;

/// Samples per simulation: `tco simulate`'s default (and the page's), so the
/// same scenario shows the same percentiles on every face. It runs on a
/// background thread, so typing never waits for it.
pub const SAMPLES: usize = tco_core::analysis::sim::DEFAULT_SAMPLES;
/// The seed, `tco simulate`'s default, so the screen matches `tco simulate FILE`.
pub const SEED: u64 = tco_core::analysis::sim::DEFAULT_SEED;
/// The background thread's name; the panic hook leaves the terminal alone
/// for panics on any thread but the key loop's.
pub const THREAD_NAME: &str = "tco-uncertainty";

/// The simulation and the tornados of one tree.
#[derive(Debug, Clone)]
pub struct Uncertainty {
    pub sim: Simulation,
    pub sens: Sensitivity,
    /// How long the two took.
    pub took: Duration,
}

/// Simulates `scenario` and swings the inputs of `tree` (the same scenario,
/// before its distributions were replaced by their point values).
pub fn analyse(
    scenario: &Scenario,
    tree: &Node,
    origin: &str,
    tables: Tables<'_>,
    files: &dyn Resolve,
) -> Result<Uncertainty, Error> {
    let start = Instant::now();
    let sim = simulate(
        scenario,
        SimOptions {
            samples: SAMPLES,
            seed: SEED,
        },
    )?;
    let sens = sensitivity(tree, origin, tables, files, SensOptions::default())?;
    Ok(Uncertainty {
        sim,
        sens,
        took: start.elapsed(),
    })
}

/// Work for the background thread.
#[derive(Debug, Clone)]
pub struct Request {
    pub generation: u64,
    pub scenario: Scenario,
    pub tree: Node,
    pub origin: String,
}

/// The answer to one request.
#[derive(Debug)]
pub struct Outcome {
    pub generation: u64,
    pub result: Result<Uncertainty, String>,
}

/// What the thread runs per request (a parameter so tests can make it slow or panic).
pub type Job = fn(&Request, Tables<'_>, &dyn Resolve) -> Result<Uncertainty, String>;

fn run_request(
    r: &Request,
    tables: Tables<'_>,
    files: &dyn Resolve,
) -> Result<Uncertainty, String> {
    analyse(&r.scenario, &r.tree, &r.origin, tables, files).map_err(|e| e.to_string())
}

/// The background thread and its two channels. Dropping it ends the thread
/// once the request in hand is done.
#[derive(Debug)]
pub struct Worker {
    tx: Sender<Request>,
    rx: Receiver<Outcome>,
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into())
}

impl Worker {
    /// Starts the thread that simulates and swings.
    pub fn spawn(
        tables: OwnedTables,
        files: Arc<dyn Resolve + Send + Sync>,
    ) -> std::io::Result<Worker> {
        Worker::spawn_with(tables, files, run_request)
    }

    /// Starts the thread with another job (tests).
    pub fn spawn_with(
        tables: OwnedTables,
        files: Arc<dyn Resolve + Send + Sync>,
        job: Job,
    ) -> std::io::Result<Worker> {
        let (tx, requests) = channel::<Request>();
        let (answers, rx) = channel::<Outcome>();
        std::thread::Builder::new()
            .name(THREAD_NAME.into())
            .spawn(move || {
                while let Ok(mut req) = requests.recv() {
                    // Only the newest waiting request matters: the others are stale.
                    loop {
                        match requests.try_recv() {
                            Ok(newer) => req = newer,
                            Err(TryRecvError::Empty) => break,
                            Err(TryRecvError::Disconnected) => return,
                        }
                    }
                    let result =
                        catch_unwind(AssertUnwindSafe(|| job(&req, tables.as_ref(), &*files)))
                            .unwrap_or_else(|p| {
                                Err(format!(
                                    "the uncertainty computation stopped with an internal error \
                                     (a bug in tco, please report it): {}",
                                    panic_text(&*p)
                                ))
                            });
                    let out = Outcome {
                        generation: req.generation,
                        result,
                    };
                    if answers.send(out).is_err() {
                        return;
                    }
                }
            })?;
        Ok(Worker { tx, rx })
    }

    /// Queues a request; false when the thread is gone.
    pub fn request(&self, r: Request) -> bool {
        self.tx.send(r).is_ok()
    }

    /// An answer that has arrived, without waiting.
    pub fn try_recv(&self) -> Result<Outcome, TryRecvError> {
        self.rx.try_recv()
    }

    /// Waits up to `d` for an answer.
    pub fn recv_timeout(&self, d: Duration) -> Result<Outcome, RecvTimeoutError> {
        self.rx.recv_timeout(d)
    }
}
