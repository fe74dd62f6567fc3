//! Errors of the probe, one enum per concern.

use thiserror::Error;

/// Why a model file was refused before llama.cpp saw it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum GgufError {
    /// The file does not exist.
    #[error("the file does not exist")]
    Missing,
    /// It could not be read.
    #[error("cannot read the file: {0}")]
    Io(String),
    /// It has no bytes at all.
    #[error("the file is empty (0 bytes); a GGUF model starts with the bytes `GGUF`")]
    Empty,
    /// It does not start with the GGUF magic.
    #[error("not a GGUF file: it does not start with the bytes `GGUF` (convert the model with llama.cpp's convert_hf_to_gguf.py)")]
    NotGguf,
    /// It ends before its header says it should.
    #[error("the file is truncated: {0} (an interrupted download?)")]
    Truncated(String),
    /// Its header is inconsistent.
    #[error("malformed GGUF: {0}")]
    Malformed(String),
    /// `general.architecture` is missing.
    #[error("malformed GGUF: general.architecture is missing")]
    NoArchitecture,
    /// An architecture this build's llama.cpp does not know.
    #[error("unknown model architecture `{0}`: this build's llama.cpp cannot run it (known include llama, qwen2, qwen3, gemma3, phi3, mistral3)")]
    UnknownArchitecture(String),
    /// `block_count = 0`: llama.cpp aborts on it.
    #[error("malformed GGUF: block_count is 0 (a model needs at least one layer)")]
    ZeroBlocks,
    /// Two vocabulary entries with the same text: llama.cpp aborts on it.
    #[error("malformed GGUF: the vocabulary has the token {token:?} twice (ids {first} and {second}); token strings must be unique")]
    DuplicateToken {
        token: String,
        first: usize,
        second: usize,
    },
    /// A tensor's data lies past the end of the file.
    #[error("the file is truncated: tensor {name} ends at byte {end} but the file has {file_size} bytes")]
    TensorOutOfRange {
        name: String,
        end: u64,
        file_size: u64,
    },
    /// The model and its KV cache do not fit in memory.
    #[error("the model does not fit in memory: it needs {} (weights and KV cache) and this machine has {}", crate::human_bytes(*needed), crate::human_bytes(*available))]
    TooBig { needed: u64, available: u64 },
}

/// Why a probe failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ProbeError {
    /// The model file was refused before loading.
    #[error("{path}: {source}")]
    Model {
        path: String,
        #[source]
        source: GgufError,
    },
    /// A user setting is out of range.
    #[error("{0}")]
    Settings(String),
    /// llama.cpp reported an error (the worker exited cleanly with it).
    #[error("llama.cpp: {0}")]
    Engine(String),
    /// The worker process died (an abort in llama.cpp, a signal, out of memory).
    #[error("the probe worker {how}{}", if .detail.is_empty() { String::new() } else { format!(": {}", .detail) })]
    Crashed { how: String, detail: String },
    /// This build has no llama.cpp.
    #[error("{0}")]
    NoEngine(String),
    /// The progress callback asked to stop.
    #[error("the probe was cancelled")]
    Cancelled,
    /// Starting the worker or writing a temporary file failed.
    #[error("{0}")]
    Io(String),
}
