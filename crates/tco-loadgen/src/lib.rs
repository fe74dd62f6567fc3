//! tco-loadgen: measures a running inference server under load.
//!
//! It streams chat completions from any server that speaks the OpenAI
//! chat-completions API (vLLM, llama-server, LM Studio, MLX, SGLang, TGI) or
//! Ollama's `/api/chat`, at a set of concurrencies (closed loop) or request
//! rates (open loop, Poisson arrivals), and times every request: time to
//! first token, every gap between chunks, end-to-end latency, with the token
//! counts the server reports. [`sweep::run_sweep`] turns that into one
//! [`tco_core::input::calibration_schema::LevelSummary`] per level, the figures a
//! latency target needs.
//!
//! - [`stream`]: pure parsers of the response streams (SSE and NDJSON) over
//!   byte chunks, with a bounded line length;
//! - [`client`]: one timed request;
//! - [`detect`]: what the server says it is;
//! - [`sweep`]: the levels, the summaries, the early stop;
//! - [`server_probe`]: a whole probe (detect, sweep, calibration), shared by
//!   the CLI and the TUI;
//! - [`mock`]: a loopback server for tests and benchmarks.
//!
//! The HTTP stack (tokio, reqwest) lives here and in the CLI only: tco-core
//! stays free of I/O.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod client;
pub mod detect;
pub mod import;
pub mod mock;
pub mod server_probe;
pub mod stream;
pub mod sweep;

pub use client::{Api, Target};
pub use detect::{detect, ApiChoice, Detected};
pub use sweep::{run_sweep, Progress, SweepConfig, SweepResult};

/// A reqwest client for probing: no proxies from the environment (a probe
/// of a local server must not be sent elsewhere), and a new connection for
/// every request, as `vllm bench serve` does (one aiohttp session a
/// request). No pool: llama-server answers a stream with `Keep-Alive:
/// timeout=5, max=100` but closes the connection once the stream ends
/// (cpp-httplib ends the response when the content provider says it has
/// nothing more), so a pooled connection is often dead when reused and the
/// request fails with "connection closed before message completed". The
/// connect time on a server's network is part of what a client waits for.
pub fn http_client(connect_timeout: std::time::Duration) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .no_proxy()
        .connect_timeout(connect_timeout)
        .pool_max_idle_per_host(0)
        .tcp_nodelay(true)
        .build()
        .map_err(|e| format!("cannot set up the HTTP client: {e}"))
}
