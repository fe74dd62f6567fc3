//! The tco throughput probe: how many tokens per second this machine really
//! delivers, measured with llama.cpp, written as a calibration file that a
//! scenario's `throughput: {calibration: FILE}` reads.
//!
//! What always builds (no llama.cpp needed): a GGUF writer for random-weight
//! llama models ([`synth`]), a GGUF pre-validator ([`gguf::validate`]), the
//! statistics ([`stats`]), the calibration schema ([`calibration`]) and the
//! llama-bench import ([`import`]). With the `llama` feature, the measurements
//! themselves run on llama-cpp-2, always in a child process ([`run_probe`]):
//! llama.cpp aborts the process on some malformed files, and a probe must
//! never take its caller down.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod bandwidth;
pub mod calibration;
#[cfg(feature = "llama")]
mod engine;
pub mod error;
pub mod gguf;
pub mod import;
pub mod machine;
pub mod protocol;
mod runner;
pub mod stats;
pub mod synth;

use std::io::Read;

pub use calibration::CalibrationFile;
pub use error::{GgufError, ProbeError};
pub use runner::{resolve, run_probe, run_synthetic, ProbeOptions, ProgressUpdate};

/// Whether this build can run models (the `llama` feature).
pub const HAS_ENGINE: bool = cfg!(feature = "llama");

/// Whether this build offloads to a GPU backend (so layers default to the GPU).
pub const GPU_BUILD: bool = cfg!(any(feature = "cuda", feature = "metal", feature = "vulkan"));

/// How to get a build that can run models, for messages.
pub const HOW_TO_ENABLE: &str = "this tco was built without llama.cpp. To measure a machine, build tco with the `llama` feature:\n\
    \x20   sudo apt-get install cmake clang libclang-dev    (Debian/Ubuntu; needs a C++ compiler)\n\
    \x20   cargo install --path crates/tco-cli --features llama\n\
    or, in a checkout: cargo build --release --features llama\n\
    (add `cuda`, `metal` or `vulkan` next to `llama` for a GPU backend).\n\
    `tco probe import FILE.json` works without it: it reads llama-bench's JSON output.";

/// Call first thing in `main` of any binary given to [`run_probe`]: in a
/// worker process (started with [`protocol::WORKER_ENV`] set) it runs the
/// probe and returns the exit code; otherwise None.
pub fn maybe_worker() -> Option<i32> {
    std::env::var_os(protocol::WORKER_ENV)?;
    Some(worker_main())
}

fn emit(event: protocol::WorkerEvent) {
    if let Ok(line) = serde_json::to_string(&event) {
        println!("{line}");
    }
}

/// The worker: reads a [`protocol::WorkerRequest`] on stdin, writes
/// [`protocol::WorkerEvent`] lines on stdout.
pub fn worker_main() -> i32 {
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        emit(protocol::WorkerEvent::Error {
            message: format!("cannot read the request: {e}"),
        });
        return 1;
    }
    let req: protocol::WorkerRequest = match serde_json::from_str(&input) {
        Ok(r) => r,
        Err(e) => {
            emit(protocol::WorkerEvent::Error {
                message: format!("bad worker request: {e}"),
            });
            return 1;
        }
    };
    run_request(&req)
}

#[cfg(feature = "llama")]
fn run_request(req: &protocol::WorkerRequest) -> i32 {
    match engine::run(req, &mut emit) {
        Ok(()) => {
            emit(protocol::WorkerEvent::Done);
            0
        }
        Err(message) => {
            emit(protocol::WorkerEvent::Error { message });
            1
        }
    }
}

#[cfg(not(feature = "llama"))]
fn run_request(_req: &protocol::WorkerRequest) -> i32 {
    emit(protocol::WorkerEvent::Error {
        message: HOW_TO_ENABLE.to_string(),
    });
    1
}

/// Bytes as KiB/MiB/GiB with one decimal.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}
