//! Streaming response parsers: OpenAI-style server-sent events (`data:`
//! lines, `[DONE]` at the end) and Ollama's newline-delimited JSON.
//!
//! Both are pure functions over byte chunks as they arrive from the socket
//! (a chunk may end anywhere, in a line or in a UTF-8 sequence), with a
//! bounded line length: a line longer than the limit is an error as soon as
//! the limit is passed, so a server sending a 10 MB line costs at most the
//! limit in memory, never the line.
//!
//! ```
//! use tco_loadgen::stream::{parse_chunks, Event, Protocol, DEFAULT_MAX_LINE};
//! let body: [&[u8]; 3] = [
//!     b"data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\nda",
//!     b"ta: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1}}\n\n",
//!     b"data: [DONE]\n\n",
//! ];
//! let events = parse_chunks(Protocol::OpenAi, &body, DEFAULT_MAX_LINE).unwrap();
//! assert_eq!(events[0], Event::Text { bytes: 3 });
//! assert_eq!(events.last(), Some(&Event::Done));
//! ```

use serde::Deserialize;

/// The longest line accepted (1 MiB): far above any real chunk of a chat
/// stream (a few hundred bytes), far below what would hurt with hundreds of
/// streams open.
pub const DEFAULT_MAX_LINE: usize = 1 << 20;

/// Which wire format the body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `text/event-stream` of chat-completion chunks (OpenAI, vLLM,
    /// llama-server, LM Studio, MLX, SGLang, TGI).
    OpenAi,
    /// Ollama's `/api/chat` (and `/api/generate`) NDJSON.
    Ollama,
}

/// What a stream said, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A chunk that carried generated text (`bytes` > 0) — one token on most
    /// servers, several when the server batches.
    Text { bytes: usize },
    /// OpenAI `usage` (sent last with `stream_options.include_usage`).
    Usage {
        prompt_tokens: Option<u64>,
        completion_tokens: Option<u64>,
    },
    /// llama-server's `timings` object.
    Timings {
        prompt_n: Option<u64>,
        predicted_n: Option<u64>,
        predicted_per_second: Option<f64>,
    },
    /// Ollama's final counts (`done: true`).
    OllamaCounts {
        prompt_eval_count: Option<u64>,
        eval_count: Option<u64>,
        /// Nanoseconds spent generating, as Ollama reports.
        eval_duration_ns: Option<u64>,
    },
    /// The server said the stream is complete (`data: [DONE]`, Ollama's
    /// `done: true`).
    Done,
    /// The server reported an error inside the stream.
    ServerError(String),
}

/// Why a stream could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamError {
    /// A line passed the limit before its end.
    LineTooLong { limit: usize },
    /// A line that is not what the protocol allows (bad JSON, an unknown
    /// event-stream line, text that is not UTF-8).
    Malformed(String),
}

impl std::fmt::Display for StreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamError::LineTooLong { limit } => write!(
                f,
                "a line of the response stream is longer than {limit} bytes"
            ),
            StreamError::Malformed(m) => write!(f, "malformed response stream: {m}"),
        }
    }
}

impl std::error::Error for StreamError {}

impl StreamError {
    /// The failure kind recorded for a request.
    pub fn kind(&self) -> &'static str {
        match self {
            StreamError::LineTooLong { .. } => "too_long",
            StreamError::Malformed(_) => "malformed",
        }
    }
}

/// An incremental decoder: feed it chunks as they arrive.
#[derive(Debug)]
pub struct Decoder {
    protocol: Protocol,
    max_line: usize,
    line: Vec<u8>,
    /// SSE: the data lines of the event being read.
    data: Vec<u8>,
    has_data: bool,
    done: bool,
}

impl Decoder {
    pub fn new(protocol: Protocol, max_line: usize) -> Decoder {
        Decoder {
            protocol,
            max_line: max_line.max(64),
            line: Vec::new(),
            data: Vec::new(),
            has_data: false,
            done: false,
        }
    }

    /// Whether the stream's end marker has been seen.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Decodes one chunk, appending what it completes to `out`.
    pub fn feed(&mut self, mut chunk: &[u8], out: &mut Vec<Event>) -> Result<(), StreamError> {
        while !chunk.is_empty() {
            match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    if self.line.len() + i > self.max_line {
                        return Err(StreamError::LineTooLong {
                            limit: self.max_line,
                        });
                    }
                    let line = if self.line.is_empty() {
                        self.line_event(&chunk[..i], out)
                    } else {
                        self.line.extend_from_slice(&chunk[..i]);
                        let line = std::mem::take(&mut self.line);
                        let r = self.line_event(&line, out);
                        self.line = line;
                        self.line.clear();
                        r
                    };
                    line?;
                    chunk = &chunk[i + 1..];
                }
                None => {
                    if self.line.len() + chunk.len() > self.max_line {
                        return Err(StreamError::LineTooLong {
                            limit: self.max_line,
                        });
                    }
                    self.line.extend_from_slice(chunk);
                    chunk = &[];
                }
            }
        }
        Ok(())
    }

    /// The body ended: decodes a last line without its newline and a last
    /// event without its blank line.
    pub fn finish(&mut self, out: &mut Vec<Event>) -> Result<(), StreamError> {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.line_event(&line, out)?;
        }
        if self.protocol == Protocol::OpenAi && self.has_data {
            self.dispatch(out)?;
        }
        Ok(())
    }

    fn line_event(&mut self, line: &[u8], out: &mut Vec<Event>) -> Result<(), StreamError> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        match self.protocol {
            Protocol::OpenAi => self.sse_line(line, out),
            Protocol::Ollama => {
                if line.iter().all(u8::is_ascii_whitespace) {
                    return Ok(());
                }
                ollama_line(line, out, &mut self.done)
            }
        }
    }

    fn sse_line(&mut self, line: &[u8], out: &mut Vec<Event>) -> Result<(), StreamError> {
        if line.is_empty() {
            return if self.has_data {
                self.dispatch(out)
            } else {
                Ok(())
            };
        }
        if line[0] == b':' {
            return Ok(()); // comment / keep-alive
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"data" => {
                if self.has_data {
                    if self.data.len() + 1 + value.len() > self.max_line {
                        return Err(StreamError::LineTooLong {
                            limit: self.max_line,
                        });
                    }
                    self.data.push(b'\n');
                }
                self.data.extend_from_slice(value);
                self.has_data = true;
                Ok(())
            }
            b"event" | b"id" | b"retry" => Ok(()),
            _ => Err(StreamError::Malformed(format!(
                "unexpected line in the event stream: `{}`",
                preview(line)
            ))),
        }
    }

    fn dispatch(&mut self, out: &mut Vec<Event>) -> Result<(), StreamError> {
        self.has_data = false;
        let data = std::mem::take(&mut self.data);
        let r = openai_data(&data, out, &mut self.done);
        self.data = data;
        self.data.clear();
        r
    }
}

/// Decodes a whole body given as chunks (for tests and fuzzing): every
/// event, or the first error.
pub fn parse_chunks(
    protocol: Protocol,
    chunks: &[&[u8]],
    max_line: usize,
) -> Result<Vec<Event>, StreamError> {
    let mut d = Decoder::new(protocol, max_line);
    let mut out = Vec::new();
    for c in chunks {
        d.feed(c, &mut out)?;
    }
    d.finish(&mut out)?;
    Ok(out)
}

fn preview(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(&bytes[..bytes.len().min(80)]);
    let s: String = s.chars().filter(|c| !c.is_control()).collect();
    if bytes.len() > 80 {
        format!("{s}…")
    } else {
        s
    }
}

#[derive(Deserialize)]
struct OaChunk<'a> {
    #[serde(default, borrow)]
    choices: Vec<OaChoice<'a>>,
    #[serde(default)]
    usage: Option<OaUsage>,
    #[serde(default)]
    timings: Option<LlamaTimings>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct OaChoice<'a> {
    #[serde(default, borrow)]
    delta: Option<OaDelta<'a>>,
    /// The completions API (`/v1/completions`) streams `text`.
    #[serde(default, borrow)]
    text: Option<std::borrow::Cow<'a, str>>,
}

#[derive(Deserialize)]
struct OaDelta<'a> {
    #[serde(default, borrow)]
    content: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, borrow)]
    reasoning_content: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, borrow)]
    reasoning: Option<std::borrow::Cow<'a, str>>,
}

#[derive(Deserialize)]
struct OaUsage {
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct LlamaTimings {
    #[serde(default)]
    prompt_n: Option<u64>,
    #[serde(default)]
    predicted_n: Option<u64>,
    #[serde(default)]
    predicted_per_second: Option<f64>,
}

fn error_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Object(o) => o
            .get("message")
            .and_then(|m| m.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| v.to_string()),
        other => other.to_string(),
    }
}

fn openai_data(data: &[u8], out: &mut Vec<Event>, done: &mut bool) -> Result<(), StreamError> {
    let trimmed = data.trim_ascii();
    if trimmed == b"[DONE]" {
        *done = true;
        out.push(Event::Done);
        return Ok(());
    }
    let chunk: OaChunk = serde_json::from_slice(trimmed).map_err(|e| {
        StreamError::Malformed(format!(
            "`data: {}` is not a JSON chunk ({e})",
            preview(trimmed)
        ))
    })?;
    if let Some(err) = &chunk.error {
        out.push(Event::ServerError(error_text(err)));
        return Ok(());
    }
    for c in &chunk.choices {
        let mut bytes = c.text.as_ref().map_or(0, |t| t.len());
        if let Some(d) = &c.delta {
            bytes += d.content.as_ref().map_or(0, |t| t.len());
            bytes += d.reasoning_content.as_ref().map_or(0, |t| t.len());
            bytes += d.reasoning.as_ref().map_or(0, |t| t.len());
        }
        if bytes > 0 {
            out.push(Event::Text { bytes });
        }
    }
    if let Some(t) = chunk.timings {
        out.push(Event::Timings {
            prompt_n: t.prompt_n,
            predicted_n: t.predicted_n,
            predicted_per_second: t.predicted_per_second,
        });
    }
    if let Some(u) = chunk.usage {
        out.push(Event::Usage {
            prompt_tokens: u.prompt_tokens,
            completion_tokens: u.completion_tokens,
        });
    }
    Ok(())
}

#[derive(Deserialize)]
struct OlLine<'a> {
    #[serde(default, borrow)]
    message: Option<OlMessage<'a>>,
    /// `/api/generate` streams `response`.
    #[serde(default, borrow)]
    response: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    done: bool,
    #[serde(default)]
    prompt_eval_count: Option<u64>,
    #[serde(default)]
    eval_count: Option<u64>,
    #[serde(default)]
    eval_duration: Option<u64>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct OlMessage<'a> {
    #[serde(default, borrow)]
    content: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, borrow)]
    thinking: Option<std::borrow::Cow<'a, str>>,
}

fn ollama_line(line: &[u8], out: &mut Vec<Event>, done: &mut bool) -> Result<(), StreamError> {
    let l: OlLine = serde_json::from_slice(line).map_err(|e| {
        StreamError::Malformed(format!("`{}` is not a JSON line ({e})", preview(line)))
    })?;
    if let Some(err) = &l.error {
        out.push(Event::ServerError(error_text(err)));
        return Ok(());
    }
    let mut bytes = l.response.as_ref().map_or(0, |t| t.len());
    if let Some(m) = &l.message {
        bytes += m.content.as_ref().map_or(0, |t| t.len());
        bytes += m.thinking.as_ref().map_or(0, |t| t.len());
    }
    if bytes > 0 {
        out.push(Event::Text { bytes });
    }
    if l.done {
        out.push(Event::OllamaCounts {
            prompt_eval_count: l.prompt_eval_count,
            eval_count: l.eval_count,
            eval_duration_ns: l.eval_duration,
        });
        *done = true;
        out.push(Event::Done);
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const SSE: &str = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n\
        data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n\
        : keep-alive\n\n\
        data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"}}]}\r\n\r\n\
        data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2},\"timings\":{\"prompt_n\":12,\"predicted_n\":2,\"predicted_per_second\":41.5}}\n\n\
        data: [DONE]\n\n";

    fn expected() -> Vec<Event> {
        vec![
            Event::Text { bytes: 2 },
            Event::Text { bytes: 6 },
            Event::Timings {
                prompt_n: Some(12),
                predicted_n: Some(2),
                predicted_per_second: Some(41.5),
            },
            Event::Usage {
                prompt_tokens: Some(12),
                completion_tokens: Some(2),
            },
            Event::Done,
        ]
    }

    #[test]
    fn sse_split_anywhere_gives_the_same_events() {
        let body = SSE.as_bytes();
        let whole = parse_chunks(Protocol::OpenAi, &[body], 1024).unwrap();
        assert_eq!(whole, expected());
        for cut in 0..body.len() {
            let (a, b) = body.split_at(cut);
            assert_eq!(
                parse_chunks(Protocol::OpenAi, &[a, b], 1024).unwrap(),
                expected(),
                "cut at {cut}"
            );
        }
        // One byte at a time.
        let bytes: Vec<&[u8]> = body.chunks(1).collect();
        assert_eq!(
            parse_chunks(Protocol::OpenAi, &bytes, 1024).unwrap(),
            expected()
        );
    }

    #[test]
    fn ollama_ndjson() {
        let body = "{\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T08:52:19.385406455-07:00\",\"message\":{\"role\":\"assistant\",\"content\":\"The\"},\"done\":false}\n\
            {\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T08:52:19.385406455-07:00\",\"message\":{\"role\":\"assistant\",\"content\":\" sky\"},\"done\":false}\n\
            {\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T19:22:45.499127Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"length\",\"total_duration\":4883583458,\"load_duration\":1334875,\"prompt_eval_count\":26,\"prompt_eval_duration\":342546000,\"eval_count\":2,\"eval_duration\":4535599000}\n";
        let ev = parse_chunks(Protocol::Ollama, &[body.as_bytes()], 4096).unwrap();
        assert_eq!(
            ev,
            vec![
                Event::Text { bytes: 3 },
                Event::Text { bytes: 4 },
                Event::OllamaCounts {
                    prompt_eval_count: Some(26),
                    eval_count: Some(2),
                    eval_duration_ns: Some(4_535_599_000)
                },
                Event::Done
            ]
        );
    }

    #[test]
    fn a_long_line_is_an_error_without_buffering_it() {
        let mut d = Decoder::new(Protocol::OpenAi, 1024);
        let mut out = Vec::new();
        d.feed(b"data: {\"choices\":[", &mut out).unwrap();
        let big = vec![b'x'; 600];
        d.feed(&big, &mut out).unwrap_or(());
        let err = d.feed(&big, &mut out).unwrap_err();
        assert_eq!(err, StreamError::LineTooLong { limit: 1024 });
        assert!(d.line.capacity() < 4096, "{}", d.line.capacity());
        // Ten megabytes in one chunk: refused at once, nothing copied.
        let ten_mb = vec![b'y'; 10 << 20];
        let mut d = Decoder::new(Protocol::Ollama, DEFAULT_MAX_LINE);
        assert!(matches!(
            d.feed(&ten_mb, &mut out),
            Err(StreamError::LineTooLong { .. })
        ));
        assert_eq!(d.line.capacity(), 0);
    }

    #[test]
    fn garbage_errors_and_in_stream_errors() {
        let e = parse_chunks(Protocol::OpenAi, &[b"hello world\n\n"], 1024).unwrap_err();
        assert!(
            matches!(e, StreamError::Malformed(ref m) if m.contains("unexpected line")),
            "{e}"
        );
        let e = parse_chunks(Protocol::OpenAi, &[b"data: {not json\n\n"], 1024).unwrap_err();
        assert!(
            matches!(e, StreamError::Malformed(ref m) if m.contains("not a JSON chunk")),
            "{e}"
        );
        let e = parse_chunks(Protocol::OpenAi, &[b"data: \xff\xfe\n\n"], 1024).unwrap_err();
        assert!(matches!(e, StreamError::Malformed(_)), "{e}");
        let ev = parse_chunks(
            Protocol::OpenAi,
            &[b"data: {\"error\":{\"message\":\"context full\",\"code\":400}}\n\n"],
            1024,
        )
        .unwrap();
        assert_eq!(ev, vec![Event::ServerError("context full".into())]);
        let ev = parse_chunks(
            Protocol::Ollama,
            &[b"{\"error\":\"model not found\"}\n"],
            1024,
        )
        .unwrap();
        assert_eq!(ev, vec![Event::ServerError("model not found".into())]);
    }

    #[test]
    fn a_stream_without_end_marker_is_not_done() {
        let mut d = Decoder::new(Protocol::OpenAi, 1024);
        let mut out = Vec::new();
        d.feed(
            b"data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n",
            &mut out,
        )
        .unwrap();
        d.finish(&mut out).unwrap();
        assert!(!d.is_done());
        assert_eq!(out, vec![Event::Text { bytes: 1 }]);
        // A last event without its blank line still counts.
        let ev = parse_chunks(Protocol::OpenAi, &[b"data: [DONE]"], 1024).unwrap();
        assert_eq!(ev, vec![Event::Done]);
    }
}
