//! What is listening at a URL: asks the server (`/api/version` for Ollama,
//! `/props` for llama-server, `/v1/models` for any OpenAI-compatible server,
//! `/version` for vLLM, `/info` for TGI) and records what it says about
//! itself.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::client::{classify, Api};

/// Which API the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiChoice {
    Auto,
    OpenAi,
    Ollama,
}

/// What the server said.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    /// `llama-server`, `ollama`, `vllm`, `lm-studio`, `mlx`, `sglang`, `tgi`,
    /// `openai-compatible`.
    pub kind: String,
    pub version: Option<String>,
    pub api: Api,
    /// Model ids the server lists, in its order.
    pub models: Vec<String>,
    pub details: BTreeMap<String, String>,
}

impl Detected {
    /// Whether requests may carry `ignore_eos` (the server documents it).
    pub fn takes_ignore_eos(&self) -> bool {
        matches!(self.kind.as_str(), "llama-server" | "vllm" | "sglang")
    }

    /// Whether requests may carry `min_tokens`.
    pub fn takes_min_tokens(&self) -> bool {
        matches!(self.kind.as_str(), "vllm" | "sglang")
    }
}

/// Why the server could not be asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetectError(pub String);

impl std::fmt::Display for DetectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DetectError {}

enum Got {
    Json(Value),
    /// Answered, but not 200 with JSON.
    No,
}

async fn get_json(
    client: &reqwest::Client,
    url: &str,
    api_key: Option<&str>,
    timeout: Duration,
) -> Result<Got, DetectError> {
    let mut req = client.get(url).timeout(timeout);
    if let Some(k) = api_key {
        req = req.bearer_auth(k);
    }
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) => {
            let (kind, msg) = classify(&e);
            return Err(DetectError(match kind {
                "connect" => format!("cannot connect to {url}: {msg} (is the server running, and is the port right?)"),
                "timeout" => format!("{url} did not answer within {} s", timeout.as_secs_f64()),
                _ => format!("{url}: {msg}"),
            }));
        }
    };
    let status = resp.status();
    if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
        return Err(DetectError(format!(
            "{url} answered HTTP {status}: the server wants an API key (pass --api-key-env VAR naming an environment variable that holds it)"
        )));
    }
    if !status.is_success() {
        return Ok(Got::No);
    }
    // Bounded read: a discovery answer is small.
    let mut resp = resp;
    let mut body = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(c)) => {
                if body.len() + c.len() > (4 << 20) {
                    return Ok(Got::No);
                }
                body.extend_from_slice(&c);
            }
            Ok(None) => break,
            Err(_) => return Ok(Got::No),
        }
    }
    Ok(serde_json::from_slice(&body).map_or(Got::No, Got::Json))
}

fn s(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Asks the server at `base` what it is. The first request that cannot
/// connect is an error (nothing else would work either).
pub async fn detect(
    client: &reqwest::Client,
    base: &str,
    choice: ApiChoice,
    api_key: Option<&str>,
    timeout: Duration,
) -> Result<Detected, DetectError> {
    let mut details = BTreeMap::new();
    let mut kind: Option<String> = None;
    let mut version = None;
    let mut models = Vec::new();

    // Ollama: /api/version → {"version": "0.5.7"}.
    let mut ollama = false;
    if choice != ApiChoice::OpenAi {
        if let Got::Json(v) =
            get_json(client, &format!("{base}/api/version"), api_key, timeout).await?
        {
            if let Some(ver) = v.get("version").and_then(s) {
                ollama = true;
                kind = Some("ollama".into());
                version = Some(ver);
            }
        }
    }
    // llama-server: /props → {"build_info": "b6000-…", "total_slots": 4, "model_path": …}.
    if !ollama {
        if let Got::Json(v) = get_json(client, &format!("{base}/props"), api_key, timeout).await? {
            if v.get("build_info").is_some() || v.get("default_generation_settings").is_some() {
                kind = Some("llama-server".into());
                version = v.get("build_info").and_then(s);
                for key in ["total_slots", "model_path", "n_ctx"] {
                    if let Some(x) = v.get(key).and_then(s) {
                        details.insert(key.to_string(), x);
                    }
                }
                if let Some(n) = v
                    .get("default_generation_settings")
                    .and_then(|g| g.get("n_ctx"))
                    .and_then(s)
                {
                    details.insert("n_ctx".into(), n);
                }
            }
        }
    }
    // OpenAI: /v1/models → {"data": [{"id": …, "owned_by": …}]}.
    let mut openai = false;
    if choice != ApiChoice::Ollama || !ollama {
        if let Got::Json(v) =
            get_json(client, &format!("{base}/v1/models"), api_key, timeout).await?
        {
            if let Some(data) = v.get("data").and_then(Value::as_array) {
                openai = true;
                let mut owners = Vec::new();
                for m in data {
                    if let Some(id) = m.get("id").and_then(s) {
                        models.push(id);
                    }
                    if let Some(o) = m.get("owned_by").and_then(s) {
                        owners.push(o);
                    }
                }
                if kind.is_none() {
                    kind = match owners.first().map(String::as_str) {
                        Some("vllm") => Some("vllm".into()),
                        Some("llamacpp") => Some("llama-server".into()),
                        Some("sglang") => Some("sglang".into()),
                        Some("organization_owner") => Some("lm-studio".into()),
                        _ => None,
                    };
                }
            }
        }
    }
    if ollama && models.is_empty() {
        if let Got::Json(v) =
            get_json(client, &format!("{base}/api/tags"), api_key, timeout).await?
        {
            if let Some(list) = v.get("models").and_then(Value::as_array) {
                models = list
                    .iter()
                    .filter_map(|m| m.get("name").or_else(|| m.get("model")).and_then(s))
                    .collect();
            }
        }
    }
    // vLLM's /version, TGI's /info (only to learn a version).
    if version.is_none() && !ollama {
        if let Got::Json(v) = get_json(client, &format!("{base}/version"), api_key, timeout).await?
        {
            if let Some(ver) = v.get("version").and_then(s) {
                version = Some(ver);
                kind.get_or_insert_with(|| "vllm".into());
            }
        }
    }
    if version.is_none() && !ollama && kind.is_none() {
        if let Got::Json(v) = get_json(client, &format!("{base}/info"), api_key, timeout).await? {
            if let Some(ver) = v.get("version").and_then(s) {
                version = Some(ver);
                if v.get("model_id").is_some() {
                    kind = Some("tgi".into());
                }
            }
        }
    }
    let api = match choice {
        ApiChoice::OpenAi => Api::OpenAi,
        ApiChoice::Ollama => Api::Ollama,
        ApiChoice::Auto if ollama => Api::Ollama,
        ApiChoice::Auto if openai || kind.is_some() => Api::OpenAi,
        ApiChoice::Auto => {
            return Err(DetectError(format!(
                "{base} answers, but neither as an OpenAI-compatible server (GET /v1/models) nor as Ollama (GET /api/version); pass --api openai or --api ollama to send requests anyway"
            )))
        }
    };
    if choice == ApiChoice::Ollama && !ollama {
        kind.get_or_insert_with(|| "ollama".into());
    }
    Ok(Detected {
        kind: kind.unwrap_or_else(|| "openai-compatible".into()),
        version,
        api,
        models,
        details,
    })
}
