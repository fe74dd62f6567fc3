//! A loopback inference server for tests and benchmarks: it speaks enough
//! HTTP/1.1 (keep-alive, chunked responses) to answer the discovery
//! requests and stream chat completions the way llama-server, vLLM or
//! Ollama do (their documented response shapes), with real delays, or to
//! misbehave on purpose (error statuses, a stream without its end marker,
//! garbage, a 10 MB line, silence, dying mid-sweep).
//!
//! It is a stand-in, and says so: the real-server test runs llama-server.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Which server to imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `/props`, `/v1/models` owned by `llamacpp`, `timings` and `usage` in
    /// the last chunk.
    LlamaServer,
    /// `/version`, `/v1/models` owned by `vllm`, `usage` in a last chunk
    /// with no choices.
    Vllm,
    /// `/api/version`, `/api/tags`, NDJSON `/api/chat` with the final counts.
    Ollama,
}

/// How to misbehave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Answer every chat request with this status and a JSON error.
    Status(u16),
    /// Answer this status to every `n`-th chat request only.
    StatusEvery(u16, u32),
    /// End the stream without `[DONE]` (or Ollama's `done: true`).
    NoDone,
    /// Send a line that is neither an SSE field nor JSON.
    Garbage,
    /// Send one line of this many bytes in the middle of the stream.
    HugeLine(usize),
    /// Accept the request and never answer.
    NeverAnswer,
    /// Close the connection after this many tokens.
    CloseAfterTokens(u32),
    /// Send this many tokens, then stay silent with the connection open (a
    /// server that hangs mid-answer).
    StallAfterTokens(u32),
    /// Count 3 tokens a prompt word (a tokenizer that splits words into
    /// bytes, like the generated test models'), and refuse a prompt of more
    /// than this many tokens with llama-server's HTTP 400
    /// `exceed_context_size_error` (which says how many it was).
    ContextSize(u64),
    /// Close a connection when a second request arrives on it after a
    /// streamed chat answer, unanswered, though the answer offered
    /// keep-alive (llama-server's HTTP layer closes the connection after
    /// every streamed answer: a client that reuses it loses the request).
    OneAnswerPerConnection,
    /// Serve this many chat requests, then stop listening and drop every
    /// connection (a server killed mid-sweep).
    DieAfter(u32),
}

/// The mock's behaviour.
#[derive(Debug, Clone, Copy)]
pub struct MockOptions {
    pub flavor: Flavor,
    /// Delay before the first token.
    pub ttft: Duration,
    /// Delay between tokens (zero: as fast as the socket takes them).
    pub token_delay: Duration,
    /// Tokens when the request does not say.
    pub default_tokens: u32,
    pub fault: Fault,
    /// Streams served at once; more wait (a server's slots). 0 = unlimited.
    pub slots: u32,
}

impl Default for MockOptions {
    fn default() -> MockOptions {
        MockOptions {
            flavor: Flavor::LlamaServer,
            ttft: Duration::from_millis(5),
            token_delay: Duration::from_millis(1),
            default_tokens: 16,
            fault: Fault::None,
            slots: 0,
        }
    }
}

/// A running mock; stops when dropped.
#[derive(Debug)]
pub struct MockServer {
    pub addr: std::net::SocketAddr,
    stop: watch::Sender<bool>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Chat requests received so far.
    pub chats: Arc<AtomicU32>,
}

impl MockServer {
    /// Starts the mock on 127.0.0.1 (a free port) on its own thread and
    /// tokio runtime.
    pub fn start(opts: MockOptions) -> std::io::Result<MockServer> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (stop, stop_rx) = watch::channel(false);
        let chats = Arc::new(AtomicU32::new(0));
        let chats2 = Arc::clone(&chats);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let thread = std::thread::spawn(move || {
            rt.block_on(async move {
                if let Ok(l) = TcpListener::from_std(listener) {
                    serve(l, opts, stop_rx, chats2).await;
                }
            });
        });
        Ok(MockServer {
            addr,
            stop,
            thread: Some(thread),
            chats,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Shared {
    opts: MockOptions,
    chats: Arc<AtomicU32>,
    dead: AtomicBool,
    slots: tokio::sync::Semaphore,
    kill: watch::Sender<bool>,
}

async fn serve(
    listener: TcpListener,
    opts: MockOptions,
    mut stop: watch::Receiver<bool>,
    chats: Arc<AtomicU32>,
) {
    let (kill, _) = watch::channel(false);
    let shared = Arc::new(Shared {
        opts,
        chats,
        dead: AtomicBool::new(false),
        slots: tokio::sync::Semaphore::new(if opts.slots == 0 {
            tokio::sync::Semaphore::MAX_PERMITS
        } else {
            opts.slots as usize
        }),
        kill,
    });
    let mut killed = shared.kill.subscribe();
    loop {
        tokio::select! {
            r = listener.accept() => {
                let Ok((sock, _)) = r else { continue };
                let _ = sock.set_nodelay(true);
                let shared = Arc::clone(&shared);
                let mut stop = stop.clone();
                let mut kill = shared.kill.subscribe();
                tokio::spawn(async move {
                    tokio::select! {
                        _ = connection(sock, &shared) => {}
                        _ = stop.changed() => {}
                        _ = kill.changed() => {}
                    }
                });
            }
            _ = stop.changed() => break,
            _ = killed.changed() => {
                // Stop listening: later connections are refused.
                drop(listener);
                let _ = stop.changed().await;
                break;
            }
        }
    }
}

/// One parsed request.
struct Request {
    method: String,
    path: String,
    body: Vec<u8>,
}

const MAX_HEAD: usize = 64 << 10;
const MAX_BODY: usize = 16 << 20;

async fn read_request(sock: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Request> {
    loop {
        if let Some(end) = find(buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let mut lines = head.split("\r\n");
            let mut first = lines.next()?.split(' ');
            let method = first.next()?.to_string();
            let path = first.next()?.to_string();
            let len = lines
                .filter_map(|l| l.split_once(':'))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if len > MAX_BODY {
                return None;
            }
            let start = end + 4;
            while buf.len() < start + len {
                let mut tmp = [0u8; 8192];
                let n = sock.read(&mut tmp).await.ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&tmp[..n]);
            }
            let body = buf[start..start + len].to_vec();
            buf.drain(..start + len);
            return Some(Request { method, path, body });
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        let mut tmp = [0u8; 8192];
        let n = sock.read(&mut tmp).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&tmp[..n]);
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

async fn connection(mut sock: TcpStream, shared: &Shared) {
    let mut buf = Vec::new();
    let mut streamed = false;
    while let Some(req) = read_request(&mut sock, &mut buf).await {
        if shared.dead.load(Ordering::SeqCst) {
            return;
        }
        if streamed && shared.opts.fault == Fault::OneAnswerPerConnection {
            return;
        }
        streamed |= req.path.ends_with("/chat/completions") || req.path == "/api/chat";
        let ok = route(&mut sock, &req, shared).await;
        if !ok {
            return;
        }
    }
}

async fn respond_json(sock: &mut TcpStream, status: u16, body: &str) -> bool {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    sock.write_all(head.as_bytes()).await.is_ok() && sock.write_all(body.as_bytes()).await.is_ok()
}

async fn route(sock: &mut TcpStream, req: &Request, shared: &Shared) -> bool {
    let flavor = shared.opts.flavor;
    match (req.method.as_str(), req.path.as_str(), flavor) {
        ("GET", "/props", Flavor::LlamaServer) => {
            respond_json(sock, 200, r#"{"default_generation_settings":{"n_ctx":4096},"total_slots":4,"model_path":"/models/mock.gguf","build_info":"b0000-mock"}"#).await
        }
        ("GET", "/v1/models", Flavor::LlamaServer) => {
            respond_json(sock, 200, r#"{"object":"list","data":[{"id":"mock.gguf","object":"model","created":1700000000,"owned_by":"llamacpp"}]}"#).await
        }
        ("GET", "/v1/models", Flavor::Vllm) => {
            respond_json(sock, 200, r#"{"object":"list","data":[{"id":"mock/model","object":"model","created":1700000000,"owned_by":"vllm","max_model_len":4096}]}"#).await
        }
        ("GET", "/version", Flavor::Vllm) => respond_json(sock, 200, r#"{"version":"0.0.0-mock"}"#).await,
        ("GET", "/api/version", Flavor::Ollama) => respond_json(sock, 200, r#"{"version":"0.0.0-mock"}"#).await,
        ("GET", "/api/tags", Flavor::Ollama) => {
            respond_json(sock, 200, r#"{"models":[{"name":"mock:1b","model":"mock:1b","size":1000}]}"#).await
        }
        ("POST", "/v1/chat/completions", Flavor::LlamaServer | Flavor::Vllm)
        | ("POST", "/api/chat", Flavor::Ollama) => chat(sock, req, shared).await,
        _ => respond_json(sock, 404, r#"{"error":{"message":"not found","code":404}}"#).await,
    }
}

fn requested(body: &[u8], default: u32) -> (u32, u64) {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let n = v
        .get("max_tokens")
        .or_else(|| v.get("options").and_then(|o| o.get("num_predict")))
        .and_then(serde_json::Value::as_u64)
        .map_or(default, |n| n.min(1 << 20) as u32);
    let words = v
        .get("messages")
        .and_then(|m| m.get(0))
        .and_then(|m| m.get("content"))
        .and_then(serde_json::Value::as_str)
        .map_or(0, |s| s.split(' ').count() as u64);
    (n, words + 8)
}

async fn chunk(w: &mut BufWriter<&mut TcpStream>, data: &[u8]) -> std::io::Result<()> {
    w.write_all(format!("{:x}\r\n", data.len()).as_bytes())
        .await?;
    w.write_all(data).await?;
    w.write_all(b"\r\n").await
}

async fn chat(sock: &mut TcpStream, req: &Request, shared: &Shared) -> bool {
    let opts = &shared.opts;
    let nth = shared.chats.fetch_add(1, Ordering::SeqCst) + 1;
    match opts.fault {
        Fault::Status(code) => {
            return respond_json(
                sock,
                code,
                r#"{"error":{"message":"mock refuses","type":"server_error"}}"#,
            )
            .await;
        }
        Fault::StatusEvery(code, every) if every > 0 && nth % every == 0 => {
            return respond_json(
                sock,
                code,
                r#"{"error":{"message":"slow down","type":"rate_limit"}}"#,
            )
            .await;
        }
        Fault::NeverAnswer => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return false;
        }
        Fault::DieAfter(n) if nth > n => {
            shared.dead.store(true, Ordering::SeqCst);
            let _ = shared.kill.send(true);
            return false;
        }
        _ => {}
    }
    let (tokens, mut prompt_tokens) = requested(&req.body, opts.default_tokens);
    if let Fault::ContextSize(n_ctx) = opts.fault {
        prompt_tokens = 3 * (prompt_tokens - 8) + 8;
        if prompt_tokens > n_ctx {
            let body = format!(
                r#"{{"error":{{"code":400,"message":"request ({prompt_tokens} tokens) exceeds the available context size ({n_ctx} tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":{prompt_tokens},"n_ctx":{n_ctx}}}}}"#
            );
            return respond_json(sock, 400, &body).await;
        }
    }
    let Ok(_permit) = shared.slots.acquire().await else {
        return false;
    };
    let ollama = opts.flavor == Flavor::Ollama;
    let ctype = if ollama {
        "application/x-ndjson"
    } else {
        "text/event-stream"
    };
    let mut w = BufWriter::with_capacity(64 << 10, sock);
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {ctype}\r\ntransfer-encoding: chunked\r\ncache-control: no-cache\r\n\r\n"
    );
    if w.write_all(head.as_bytes()).await.is_err() {
        return false;
    }
    if !opts.ttft.is_zero() {
        let _ = w.flush().await;
        tokio::time::sleep(opts.ttft).await;
    }
    let start = std::time::Instant::now();
    for i in 0..tokens {
        if i > 0 && !opts.token_delay.is_zero() {
            tokio::time::sleep(opts.token_delay).await;
        }
        if let Fault::CloseAfterTokens(n) = opts.fault {
            if i == n {
                let _ = w.flush().await;
                return false;
            }
        }
        if let Fault::StallAfterTokens(n) = opts.fault {
            if i == n {
                let _ = w.flush().await;
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return false;
            }
        }
        if i == tokens / 2 {
            match opts.fault {
                Fault::Garbage
                    if chunk(&mut w, b"this is not an event stream line\n\n")
                        .await
                        .is_err() =>
                {
                    return false;
                }
                Fault::HugeLine(n) => {
                    let mut line = b"data: {\"choices\":[{\"delta\":{\"content\":\"".to_vec();
                    line.resize(n, b'a');
                    if chunk(&mut w, &line).await.is_err() {
                        return false;
                    }
                }
                _ => {}
            }
        }
        let word = WORDS[i as usize % WORDS.len()];
        let line = if ollama {
            format!(
                "{{\"model\":\"mock:1b\",\"created_at\":\"2023-08-04T08:52:19.385406455-07:00\",\"message\":{{\"role\":\"assistant\",\"content\":\"{word}\"}},\"done\":false}}\n"
            )
        } else {
            format!(
                "data: {{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"mock\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{word}\"}},\"finish_reason\":null}}]}}\n\n"
            )
        };
        if chunk(&mut w, line.as_bytes()).await.is_err() {
            return false;
        }
        if !opts.token_delay.is_zero() && w.flush().await.is_err() {
            return false;
        }
    }
    let secs = start.elapsed().as_secs_f64().max(1e-9);
    let tps = f64::from(tokens.saturating_sub(1)) / secs;
    let tail = if opts.fault == Fault::NoDone {
        String::new()
    } else if ollama {
        format!(
            "{{\"model\":\"mock:1b\",\"created_at\":\"2023-08-04T19:22:45.499127Z\",\"message\":{{\"role\":\"assistant\",\"content\":\"\"}},\"done\":true,\"done_reason\":\"length\",\"total_duration\":{},\"load_duration\":1000,\"prompt_eval_count\":{prompt_tokens},\"prompt_eval_duration\":1000,\"eval_count\":{tokens},\"eval_duration\":{}}}\n",
            (secs * 1e9) as u64,
            (secs * 1e9) as u64
        )
    } else if opts.flavor == Flavor::LlamaServer {
        format!(
            "data: {{\"choices\":[{{\"finish_reason\":\"length\",\"index\":0,\"delta\":{{}}}}],\"created\":1700000000,\"id\":\"chatcmpl-mock\",\"model\":\"mock\",\"object\":\"chat.completion.chunk\",\"usage\":{{\"completion_tokens\":{tokens},\"prompt_tokens\":{prompt_tokens},\"total_tokens\":{}}},\"timings\":{{\"prompt_n\":{prompt_tokens},\"prompt_ms\":1.0,\"predicted_n\":{tokens},\"predicted_ms\":{},\"predicted_per_second\":{tps}}}}}\n\ndata: [DONE]\n\n",
            tokens as u64 + prompt_tokens,
            secs * 1e3
        )
    } else {
        format!(
            "data: {{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"mock\",\"choices\":[{{\"index\":0,\"delta\":{{}},\"finish_reason\":\"length\"}}]}}\n\ndata: {{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"mock\",\"choices\":[],\"usage\":{{\"prompt_tokens\":{prompt_tokens},\"total_tokens\":{},\"completion_tokens\":{tokens}}}}}\n\ndata: [DONE]\n\n",
            tokens as u64 + prompt_tokens
        )
    };
    if !tail.is_empty() && chunk(&mut w, tail.as_bytes()).await.is_err() {
        return false;
    }
    if w.write_all(b"0\r\n\r\n").await.is_err() || w.flush().await.is_err() {
        return false;
    }
    true
}

const WORDS: &[&str] = &[
    " the", " sky", " is", " blue", " because", " of", " light", ".",
];
