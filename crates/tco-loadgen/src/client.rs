//! One streamed chat request, timed: when the first text arrived, the gap
//! before each later chunk, when the stream ended, and the token counts the
//! server reported.

use std::time::{Duration, Instant};

use crate::stream::{Decoder, Event, Protocol};

/// Which API the requests use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// `POST /v1/chat/completions`, streamed as server-sent events.
    OpenAi,
    /// Ollama's `POST /api/chat`, streamed as NDJSON.
    Ollama,
}

impl Api {
    pub fn name(self) -> &'static str {
        match self {
            Api::OpenAi => "openai",
            Api::Ollama => "ollama",
        }
    }

    fn protocol(self) -> Protocol {
        match self {
            Api::OpenAi => Protocol::OpenAi,
            Api::Ollama => Protocol::Ollama,
        }
    }
}

/// Where and how to send requests.
#[derive(Debug, Clone)]
pub struct Target {
    /// Base URL without a trailing slash (`http://127.0.0.1:8080`).
    pub base: String,
    pub api: Api,
    pub model: String,
    /// Sent as `Authorization: Bearer …`; never written anywhere.
    pub api_key: Option<String>,
    /// Ask for exactly `max_tokens` (`ignore_eos`, and `min_tokens` where
    /// the server takes it).
    pub ignore_eos: bool,
    /// Also send `min_tokens` (vLLM, SGLang).
    pub min_tokens: bool,
    /// Longest accepted line of the response stream.
    pub max_line: usize,
}

/// One request's outcome.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Time to the first chunk with text.
    pub ttft: Option<Duration>,
    /// Time to the end of the stream (or to the failure).
    pub e2e: Duration,
    /// Chunks that carried text.
    pub chunks: u32,
    /// Gaps between text chunks.
    pub gaps: Vec<Duration>,
    pub prompt_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    /// `usage`, `ollama`, `timings` or `chunks`.
    pub token_source: &'static str,
    /// llama-server's own decode rate for the request.
    pub server_decode_tps: Option<f64>,
    /// The server's counts disagree with each other or with what arrived.
    pub count_mismatch: Option<String>,
    /// Failure kind and message.
    pub error: Option<(String, String)>,
}

impl Outcome {
    fn fail(mut self, kind: impl Into<String>, message: impl Into<String>, t0: Instant) -> Outcome {
        self.e2e = t0.elapsed();
        self.error = Some((kind.into(), message.into()));
        self
    }
}

/// The JSON body of one request.
pub fn request_body(target: &Target, prompt: &str, max_tokens: u32, seed: u64) -> String {
    let messages = serde_json::json!([{"role": "user", "content": prompt}]);
    let body = match target.api {
        Api::OpenAi => {
            let mut b = serde_json::json!({
                "model": target.model,
                "messages": messages,
                "max_tokens": max_tokens,
                "stream": true,
                "stream_options": {"include_usage": true},
                "temperature": 0.8,
                "seed": seed,
            });
            if target.ignore_eos {
                b["ignore_eos"] = serde_json::Value::Bool(true);
                if target.min_tokens {
                    b["min_tokens"] = serde_json::json!(max_tokens);
                }
            }
            b
        }
        Api::Ollama => serde_json::json!({
            "model": target.model,
            "messages": messages,
            "stream": true,
            "options": {"num_predict": max_tokens, "temperature": 0.8, "seed": seed},
        }),
    };
    body.to_string()
}

/// The request's URL.
pub fn endpoint(target: &Target) -> String {
    match target.api {
        Api::OpenAi => format!("{}/v1/chat/completions", target.base),
        Api::Ollama => format!("{}/api/chat", target.base),
    }
}

/// What a transport error was: `connect`, `timeout` or `disconnect`, with
/// the innermost cause.
pub fn classify(e: &reqwest::Error) -> (&'static str, String) {
    let mut msg = e.to_string();
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = src {
        msg = format!("{msg}: {s}");
        src = s.source();
    }
    let kind = if e.is_connect() {
        "connect"
    } else if e.is_timeout() {
        "timeout"
    } else {
        "disconnect"
    };
    (kind, msg)
}

/// Sends one streamed request and times it. Never panics; every way a
/// request can go wrong is an [`Outcome::error`].
pub async fn run_one(client: &reqwest::Client, target: &Target, body: String) -> Outcome {
    let mut out = Outcome {
        token_source: "chunks",
        ..Outcome::default()
    };
    let t0 = Instant::now();
    let mut req = client
        .post(endpoint(target))
        .header("content-type", "application/json")
        .header("accept", "text/event-stream, application/x-ndjson")
        .body(body);
    if let Some(key) = &target.api_key {
        req = req.bearer_auth(key);
    }
    let mut resp = match req.send().await {
        Ok(r) => r,
        Err(e) => {
            let (kind, msg) = classify(&e);
            return out.fail(kind, msg, t0);
        }
    };
    let status = resp.status();
    if !status.is_success() {
        // Read a little of the body for the message, no more.
        let mut text = Vec::new();
        while let Ok(Some(c)) = resp.chunk().await {
            text.extend_from_slice(&c[..c.len().min(4096 - text.len().min(4096))]);
            if text.len() >= 4096 {
                break;
            }
        }
        // llama-server says how long the prompt was when it does not fit
        // the context (`exceed_context_size_error`): the sweep sizes the
        // next warm-up's prompt from it.
        out.prompt_tokens = serde_json::from_slice::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("error")?.get("n_prompt_tokens")?.as_u64());
        let snippet: String = String::from_utf8_lossy(&text)
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        return out.fail(
            format!("http_{}", status.as_u16()),
            format!("HTTP {status}: {snippet}"),
            t0,
        );
    }
    let mut decoder = Decoder::new(target.api.protocol(), target.max_line);
    let mut events = Vec::with_capacity(16);
    let mut last: Option<Instant> = None;
    let mut usage_out = None;
    let mut usage_in = None;
    let mut timings_out = None;
    let mut timings_in = None;
    let mut ollama = None;
    let mut server_error = None;
    loop {
        let chunk = match resp.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => {
                let (kind, msg) = classify(&e);
                let kind = if kind == "timeout" {
                    "timeout"
                } else {
                    "disconnect"
                };
                return out.fail(kind, format!("the stream broke off: {msg}"), t0);
            }
        };
        let now = Instant::now();
        events.clear();
        if let Err(e) = decoder.feed(&chunk, &mut events) {
            return out.fail(e.kind(), e.to_string(), t0);
        }
        for ev in events.drain(..) {
            match ev {
                Event::Text { .. } => {
                    out.chunks += 1;
                    match last {
                        None => out.ttft = Some(now - t0),
                        Some(prev) => out.gaps.push(now - prev),
                    }
                    last = Some(now);
                }
                Event::Usage {
                    prompt_tokens,
                    completion_tokens,
                } => {
                    usage_in = prompt_tokens;
                    usage_out = completion_tokens;
                }
                Event::Timings {
                    prompt_n,
                    predicted_n,
                    predicted_per_second,
                } => {
                    timings_in = prompt_n;
                    timings_out = predicted_n;
                    out.server_decode_tps = predicted_per_second;
                }
                Event::OllamaCounts {
                    prompt_eval_count,
                    eval_count,
                    eval_duration_ns,
                } => {
                    ollama = Some((prompt_eval_count, eval_count));
                    if let (Some(n), Some(ns)) = (eval_count, eval_duration_ns) {
                        if ns > 0 {
                            out.server_decode_tps = Some(n as f64 / (ns as f64 / 1e9));
                        }
                    }
                }
                Event::Done => {}
                Event::ServerError(m) => server_error = Some(m),
            }
        }
        if decoder.is_done() {
            break;
        }
    }
    out.e2e = t0.elapsed();
    events.clear();
    if let Err(e) = decoder.finish(&mut events) {
        return out.fail(e.kind(), e.to_string(), t0);
    }
    if events.iter().any(|e| matches!(e, Event::Text { .. })) {
        out.chunks += 1;
    }
    if let Some(m) = server_error {
        return out.fail("server_error", format!("the server reported: {m}"), t0);
    }
    if !decoder.is_done() && !events.contains(&Event::Done) {
        let marker = match target.api {
            Api::OpenAi => "`data: [DONE]`",
            Api::Ollama => "a line with `done: true`",
        };
        let message = format!(
            "the stream ended without {marker} after {} chunks",
            out.chunks
        );
        return out.fail("disconnect", message, t0);
    }
    // Token counts: the server's, checked against each other and against
    // what arrived.
    let (prompt, output, source) = if let Some((p, o)) = ollama {
        (p, o, "ollama")
    } else if usage_out.is_some() {
        (usage_in.or(timings_in), usage_out, "usage")
    } else if timings_out.is_some() {
        (timings_in, timings_out, "timings")
    } else {
        (None, Some(u64::from(out.chunks)), "chunks")
    };
    out.prompt_tokens = prompt;
    out.output_tokens = output;
    out.token_source = source;
    if let (Some(u), Some(t)) = (usage_out, timings_out) {
        if u != t {
            out.count_mismatch = Some(format!("usage says {u} output tokens, timings {t}"));
        }
    }
    if let Some(n) = output {
        if u64::from(out.chunks) > n {
            out.count_mismatch = Some(format!(
                "{} text chunks arrived but the server counted {n} output tokens",
                out.chunks
            ));
        } else if n > 0 && out.chunks == 0 {
            out.count_mismatch = Some(format!(
                "the server counted {n} output tokens but no text arrived"
            ));
        }
    }
    if out.chunks == 0 {
        return out.fail("no_output", "the stream carried no text".to_string(), t0);
    }
    out
}
