//! tco-probe's integration tests, one binary: GGUF files written and read
//! back, corrupt files refused, and (with the `llama` feature) real
//! inference on a generated tiny model in a worker process.

#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

mod gguf_files;
#[cfg(feature = "llama")]
mod inference;
mod llama_bench;
