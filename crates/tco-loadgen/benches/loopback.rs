//! The load generator must never be the bottleneck. Against the loopback
//! mock streaming as fast as it can (no delays), one client thread (a
//! current-thread tokio runtime: one core) runs 256 concurrent streams of
//! 200 tokens each; criterion reports the streamed tokens per second.
//! `per_token` is the client's own cost per streamed token: decoding one
//! SSE chunk and taking its timestamp.
//!
//! Wall time on a shared machine counts other processes' time too, so the
//! benchmark also reads the client thread's own CPU time
//! (/proc/thread-self/schedstat) over a few rounds and prints the streamed
//! tokens per client-CPU-second: what one dedicated core sustains.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tco_loadgen::client::{request_body, run_one, Api, Target};
use tco_loadgen::mock::{Flavor, MockOptions, MockServer};
use tco_loadgen::stream::{Decoder, Event, Protocol, DEFAULT_MAX_LINE};

const STREAMS: usize = 256;
const TOKENS: u32 = 200;

fn loopback(c: &mut Criterion) {
    let server = MockServer::start(MockOptions {
        flavor: Flavor::Vllm,
        ttft: Duration::ZERO,
        token_delay: Duration::ZERO,
        ..MockOptions::default()
    })
    .unwrap();
    let target = Target {
        base: server.url(),
        api: Api::OpenAi,
        model: "mock/model".into(),
        api_key: None,
        ignore_eos: true,
        min_tokens: true,
        max_line: DEFAULT_MAX_LINE,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = tco_loadgen::http_client(Duration::from_secs(5)).unwrap();
    let round = || {
        rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for i in 0..STREAMS {
                let client = client.clone();
                let target = target.clone();
                set.spawn(async move {
                    let body = request_body(&target, &format!("p{i}"), TOKENS, i as u64);
                    run_one(&client, &target, body).await
                });
            }
            let mut tokens = 0u64;
            while let Some(r) = set.join_next().await {
                let o = r.unwrap();
                assert!(o.error.is_none(), "{:?}", o.error);
                tokens += o.output_tokens.unwrap();
            }
            assert_eq!(tokens, STREAMS as u64 * u64::from(TOKENS));
            tokens
        })
    };
    if let Some(cpu0) = thread_cpu_ns() {
        let t0 = Instant::now();
        let tokens: u64 = (0..5).map(|_| round()).sum();
        let wall = t0.elapsed().as_secs_f64();
        let cpu = (thread_cpu_ns().unwrap_or(cpu0) - cpu0) as f64 / 1e9;
        eprintln!(
            "loopback: {tokens} tokens over {STREAMS} concurrent streams: client thread CPU {cpu:.3} s ({:.0} tokens per client-CPU-second, {:.2} µs per token), wall {wall:.3} s ({:.0} tokens/s)",
            tokens as f64 / cpu,
            cpu * 1e6 / tokens as f64,
            tokens as f64 / wall
        );
    }
    let mut g = c.benchmark_group("loopback");
    g.throughput(Throughput::Elements(STREAMS as u64 * u64::from(TOKENS)));
    g.sample_size(10);
    g.bench_function("256_streams_x_200_tokens_one_core", |b| b.iter(round));
    g.finish();
}

/// This thread's CPU time in ns (the first field of schedstat), when the
/// kernel reports it.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn per_token(c: &mut Criterion) {
    let one = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word\"},\"finish_reason\":null}]}\n\n";
    let chunks: Vec<Vec<u8>> = (0..1000).map(|_| one.as_bytes().to_vec()).collect();
    let mut g = c.benchmark_group("client");
    g.throughput(Throughput::Elements(chunks.len() as u64));
    g.bench_function("per_token_decode_and_timestamp", |b| {
        b.iter(|| {
            let mut d = Decoder::new(Protocol::OpenAi, DEFAULT_MAX_LINE);
            let mut ev = Vec::new();
            let mut last = Instant::now();
            let mut gaps = Vec::with_capacity(chunks.len());
            for c in &chunks {
                let now = Instant::now();
                ev.clear();
                d.feed(c, &mut ev).unwrap();
                for e in &ev {
                    if matches!(e, Event::Text { .. }) {
                        gaps.push(now - last);
                        last = now;
                    }
                }
            }
            gaps
        })
    });
    g.finish();
}

criterion_group!(benches, loopback, per_token);
criterion_main!(benches);
