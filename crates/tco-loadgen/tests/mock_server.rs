//! The load generator against the loopback mock server (`tco_loadgen::mock`),
//! which replays the documented streaming responses of llama-server, vLLM
//! and Ollama with real delays, and misbehaves on purpose. These are
//! stand-ins for the real servers; the real llama-server test is in
//! tests/cli/server.rs.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use tco_core::input::calibration_schema::{LevelStatus, LoadMode};
use tco_loadgen::mock::{Fault, Flavor, MockOptions, MockServer};
use tco_loadgen::stream::DEFAULT_MAX_LINE;
use tco_loadgen::{
    detect, http_client, run_sweep, Api, ApiChoice, SweepConfig, SweepResult, Target,
};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn config(server: &MockServer, api: Api, levels: &[f64], requests: u32) -> SweepConfig {
    SweepConfig {
        target: Target {
            base: server.url(),
            api,
            model: "mock".into(),
            api_key: None,
            ignore_eos: true,
            min_tokens: false,
            max_line: DEFAULT_MAX_LINE,
        },
        mode: LoadMode::Closed,
        levels: levels.to_vec(),
        prompt_tokens: 40,
        output_tokens: 12,
        requests: Some(requests),
        duration: None,
        timeout: Duration::from_secs(10),
        seed: 42,
        early_stop: true,
        warmup: 1,
    }
}

fn sweep(cfg: &SweepConfig) -> SweepResult {
    let client = http_client(Duration::from_secs(2)).unwrap();
    let (_tx, rx) = tokio::sync::watch::channel(false);
    rt().block_on(run_sweep(&client, cfg, &mut |_| {}, rx))
}

fn mock(flavor: Flavor, fault: Fault) -> MockServer {
    MockServer::start(MockOptions {
        flavor,
        fault,
        ttft: Duration::from_millis(20),
        token_delay: Duration::from_millis(2),
        slots: 2,
        ..MockOptions::default()
    })
    .unwrap()
}

#[test]
fn a_closed_loop_sweep_measures_every_level_and_queueing_shows_in_ttft() {
    let server = mock(Flavor::LlamaServer, Fault::None);
    let mut cfg = config(&server, Api::OpenAi, &[1.0, 2.0, 8.0], 16);
    cfg.early_stop = false;
    let r = sweep(&cfg);
    assert!(!r.partial, "{:?}", r.stop_reason);
    assert_eq!(r.levels.len(), 3);
    for l in &r.levels {
        assert_eq!((l.completed, l.failed), (16, 0), "{l:?}");
        assert_eq!(l.output_tokens, 16 * 12);
        let e2e = l.e2e_ms.as_ref().unwrap();
        assert!(e2e.p50 >= 20.0 + 11.0 * 2.0, "{e2e:?}");
    }
    // Warm-ups are recorded and marked; every timed request has 12 tokens
    // counted by the server (usage agrees with timings and with the chunks).
    assert_eq!(r.requests.iter().filter(|q| q.warmup).count(), 3);
    assert!(r
        .requests
        .iter()
        .all(|q| q.output_tokens == Some(12) && q.chunks == 12 && q.token_source == "usage"));
    // The mock serves two streams at once, so from 2 on its throughput is
    // flat: whether the sweep calls 8 saturated depends on timing noise. Any
    // other warning is a defect.
    assert!(
        r.warnings.iter().all(|w| w.starts_with("saturated")),
        "{:?}",
        r.warnings
    );
    // The mock serves two streams at once: at 8, requests queue, so the
    // median TTFT is several times the TTFT at 1, and throughput is capped.
    let t1 = r.levels[0].ttft_ms.as_ref().unwrap().p50;
    let t8 = r.levels[2].ttft_ms.as_ref().unwrap().p50;
    assert!(t8 > 2.5 * t1, "TTFT p50 at 1: {t1} ms, at 8: {t8} ms");
    assert!(
        r.levels[2].achieved_concurrency > 4.0,
        "{}",
        r.levels[2].achieved_concurrency
    );
    // The server's decode rate is recorded per request.
    assert!(r.requests.iter().all(|q| q.server_decode_tps.is_some()));
}

#[test]
fn ollama_native_protocol_is_detected_and_counted() {
    let server = mock(Flavor::Ollama, Fault::None);
    let client = http_client(Duration::from_secs(2)).unwrap();
    let d = rt()
        .block_on(detect(
            &client,
            &server.url(),
            ApiChoice::Auto,
            None,
            Duration::from_secs(2),
        ))
        .unwrap();
    assert_eq!((d.kind.as_str(), d.api), ("ollama", Api::Ollama));
    assert_eq!(d.version.as_deref(), Some("0.0.0-mock"));
    assert_eq!(d.models, vec!["mock:1b".to_string()]);
    let r = sweep(&config(&server, Api::Ollama, &[1.0, 2.0], 6));
    assert_eq!(r.levels.len(), 2);
    assert!(r
        .requests
        .iter()
        .all(|q| q.token_source == "ollama" && q.output_tokens == Some(12)));
    // prompt_eval_count comes back: the mock counts words + 8.
    assert!(r.requests.iter().all(|q| q.prompt_tokens.is_some()));
}

#[test]
fn servers_are_told_apart() {
    let client = http_client(Duration::from_secs(2)).unwrap();
    let rt = rt();
    for (flavor, kind, version) in [
        (Flavor::LlamaServer, "llama-server", "b0000-mock"),
        (Flavor::Vllm, "vllm", "0.0.0-mock"),
    ] {
        let server = mock(flavor, Fault::None);
        let d = rt
            .block_on(detect(
                &client,
                &server.url(),
                ApiChoice::Auto,
                None,
                Duration::from_secs(2),
            ))
            .unwrap();
        assert_eq!((d.kind.as_str(), d.api), (kind, Api::OpenAi));
        assert_eq!(d.version.as_deref(), Some(version));
    }
}

#[test]
fn connection_refused_is_a_clear_error() {
    // Bind and drop: the port is free, nothing listens.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = http_client(Duration::from_secs(2)).unwrap();
    let t = Instant::now();
    let e = rt()
        .block_on(detect(
            &client,
            &format!("http://127.0.0.1:{port}"),
            ApiChoice::Auto,
            None,
            Duration::from_secs(2),
        ))
        .unwrap_err();
    assert!(
        e.0.contains("cannot connect") && e.0.contains("is the server running"),
        "{e}"
    );
    assert!(t.elapsed() < Duration::from_secs(3));
}

fn one_fault(fault: Fault, kind: &str) {
    let server = mock(Flavor::LlamaServer, fault);
    let mut cfg = config(&server, Api::OpenAi, &[1.0, 2.0], 6);
    // Only the silent server needs a short timeout; the others must fail
    // for their own reason, even on a loaded machine.
    cfg.timeout = if matches!(fault, Fault::NeverAnswer | Fault::StallAfterTokens(_)) {
        Duration::from_millis(500)
    } else {
        Duration::from_secs(20)
    };
    let t = Instant::now();
    let r = sweep(&cfg);
    assert!(
        t.elapsed() < Duration::from_secs(40),
        "{fault:?} took {:?}",
        t.elapsed()
    );
    assert_eq!(
        r.levels.len(),
        1,
        "{fault:?}: the sweep stops at the failing level"
    );
    let l = &r.levels[0];
    assert_eq!(l.status, LevelStatus::Failing, "{fault:?}");
    assert!(
        l.failures.get(kind).copied().unwrap_or(0) >= 2,
        "{fault:?}: {:?} {:?}",
        l.failures,
        r.requests
            .iter()
            .filter_map(|q| q.error.as_ref())
            .collect::<Vec<_>>()
    );
    assert!(r.partial, "{fault:?}");
    assert!(
        r.stop_reason.as_deref().unwrap().contains("failing"),
        "{:?}",
        r.stop_reason
    );
    let msg = &r
        .requests
        .iter()
        .find_map(|q| q.error.clone())
        .unwrap()
        .message;
    assert!(!msg.is_empty());
}

#[test]
fn faults_are_counted_failures_never_hangs() {
    one_fault(Fault::Status(429), "http_429");
    one_fault(Fault::Status(500), "http_500");
    one_fault(Fault::NoDone, "disconnect");
    one_fault(Fault::Garbage, "malformed");
    one_fault(Fault::HugeLine(10 << 20), "too_long");
    one_fault(Fault::NeverAnswer, "timeout");
    one_fault(Fault::CloseAfterTokens(3), "disconnect");
    one_fault(Fault::StallAfterTokens(3), "timeout");
}

#[test]
fn a_server_that_closes_the_connection_after_each_stream_loses_no_request() {
    // llama-server's behaviour: keep-alive offered, the connection closed
    // after the stream. A request sent on such a connection is lost; the
    // probe uses a new connection for every request.
    let server = mock(Flavor::LlamaServer, Fault::OneAnswerPerConnection);
    let mut cfg = config(&server, Api::OpenAi, &[1.0, 2.0], 8);
    cfg.early_stop = false;
    let r = sweep(&cfg);
    for l in &r.levels {
        assert_eq!((l.completed, l.failed), (8, 0), "{:?}", l.failures);
    }
    assert_eq!(
        server.chats.load(std::sync::atomic::Ordering::SeqCst),
        2 * 9
    );
}

#[test]
fn a_prompt_too_long_for_the_context_is_resized_from_the_servers_count() {
    // The mock counts 3 tokens a word and takes 100: the first guess (28
    // words, 40 tokens asked) is 107 tokens and refused with llama-server's
    // exceed_context_size_error; the warm-up is tried again with the prompt
    // resized from that count (10 words, 53 tokens) and every timed request
    // fits.
    let server = mock(Flavor::LlamaServer, Fault::ContextSize(100));
    let mut cfg = config(&server, Api::OpenAi, &[1.0, 2.0], 4);
    cfg.early_stop = false;
    let r = sweep(&cfg);
    assert!(!r.partial, "{:?}", r.stop_reason);
    for l in &r.levels {
        assert_eq!((l.completed, l.failed), (4, 0), "{l:?}");
    }
    let warm: Vec<_> = r
        .requests
        .iter()
        .filter(|q| q.warmup && q.level == 0)
        .collect();
    assert_eq!(warm.len(), 2, "{warm:?}");
    let refused = warm[0].error.as_ref().unwrap();
    assert_eq!(refused.kind, "http_400");
    assert!(refused.message.contains("exceed_context_size_error"));
    assert_eq!(warm[0].prompt_tokens, Some(107));
    assert_eq!(
        (warm[1].error.as_ref(), warm[1].prompt_tokens),
        (None, Some(53))
    );
    assert!(r
        .requests
        .iter()
        .filter(|q| !q.warmup)
        .all(|q| q.prompt_tokens.is_some_and(|p| p <= 100)));
    // Two counts of different lengths give the fixed part (23 tokens) and
    // the tokens a word (3): the second level's prompts are on target, 6
    // words, 41 tokens.
    assert!(
        r.requests
            .iter()
            .filter(|q| q.level == 1 && !q.warmup)
            .all(|q| q.prompt_tokens == Some(41)),
        "{:?}",
        r.requests
            .iter()
            .map(|q| (q.level, q.prompt_tokens))
            .collect::<Vec<_>>()
    );

    // A prompt that cannot fit however it is cut is tried three times at
    // most, then the level's requests fail with the server's reason (the
    // level ends at the second failure).
    let server = mock(Flavor::LlamaServer, Fault::ContextSize(20));
    let r = sweep(&config(&server, Api::OpenAi, &[1.0], 4));
    assert_eq!(r.levels[0].status, LevelStatus::Failing);
    assert!(r.requests.iter().filter(|q| q.warmup).count() <= 3);
    assert!(
        r.levels[0].failures.get("http_400") >= Some(&2),
        "{:?}",
        r.levels[0]
    );
    assert_eq!(r.levels[0].completed, 0);
}

#[test]
fn some_failures_over_ten_percent_end_the_sweep_with_counts() {
    // Every 4th chat request is a 503: 25 % of the timed ones at most.
    let server = mock(Flavor::Vllm, Fault::StatusEvery(503, 4));
    let mut cfg = config(&server, Api::OpenAi, &[2.0, 4.0], 12);
    cfg.early_stop = true;
    let r = sweep(&cfg);
    let l = &r.levels[0];
    assert_eq!(l.status, LevelStatus::Failing);
    assert!(l.failures["http_503"] >= 2, "{:?}", l.failures);
    assert!(l.completed > 0);
}

#[test]
fn a_server_that_dies_mid_sweep_leaves_a_partial_result() {
    let server = mock(Flavor::LlamaServer, Fault::DieAfter(10));
    let cfg = config(&server, Api::OpenAi, &[1.0, 2.0, 4.0], 8);
    let r = sweep(&cfg);
    assert!(r.partial);
    // Level 1 (warm-up + 8) finished before the 10th chat; level 2 broke.
    assert_eq!(r.levels[0].status, LevelStatus::Ok);
    assert_eq!(r.levels[0].completed, 8);
    let last = r.levels.last().unwrap();
    assert_eq!(last.status, LevelStatus::Failing);
    assert!(
        last.failures
            .keys()
            .any(|k| k == "connect" || k == "disconnect"),
        "{:?}",
        last.failures
    );
}

#[test]
fn open_loop_poisson_arrivals() {
    let server = mock(Flavor::Vllm, Fault::None);
    let mut cfg = config(&server, Api::OpenAi, &[20.0], 20);
    cfg.mode = LoadMode::Open;
    let r = sweep(&cfg);
    let l = &r.levels[0];
    assert_eq!((l.rate, l.completed), (Some(20.0), 20));
    // 20 arrivals at 20/s take about a second (seeded: the same every run).
    assert!(l.duration_s > 0.3 && l.duration_s < 3.0, "{}", l.duration_s);
    let starts: Vec<f64> = r
        .requests
        .iter()
        .filter(|q| !q.warmup)
        .map(|q| q.start_s)
        .collect();
    assert!(starts.windows(2).any(|w| (w[1] - w[0]).abs() > 0.001));
}
