//! Reading and checking GGUF headers before llama.cpp sees the file.
//!
//! Every length and count read from the file is checked against what is left
//! of it, so a corrupt or hostile file is an error here, never an allocation
//! of terabytes or an abort in C++.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use super::{vtype, TensorType, DEFAULT_ALIGNMENT, KNOWN_ARCHITECTURES, MAGIC};
use crate::error::GgufError;

/// What the header of a GGUF file says.
#[derive(Debug, Clone, PartialEq)]
pub struct GgufInfo {
    pub version: u32,
    pub file_size: u64,
    pub architecture: String,
    pub name: Option<String>,
    /// `general.file_type`, llama.cpp's quantization label code.
    pub file_type: Option<u32>,
    pub block_count: u64,
    pub embedding_length: Option<u64>,
    pub head_count: Option<u64>,
    pub head_count_kv: Option<u64>,
    pub context_length: Option<u64>,
    /// Number of tokens in the vocabulary, when the file has one.
    pub vocab_size: Option<u64>,
    pub tensor_count: u64,
    /// Total elements over all tensors.
    pub n_params: u64,
    /// Total bytes of tensor data.
    pub tensor_bytes: u64,
    /// Tensor type holding the most bytes (the weights' quantization).
    pub main_type: Option<TensorType>,
}

impl GgufInfo {
    /// The quantization label: llama.cpp's file type name when the file
    /// declares one, else the type holding most bytes.
    pub fn quantization(&self) -> String {
        match (self.file_type, self.main_type) {
            (Some(ft), _) if super::file_type_name(ft) != "unknown" => {
                super::file_type_name(ft).to_string()
            }
            (_, Some(t)) => t.name(),
            _ => "unknown".to_string(),
        }
    }

    /// Bytes of KV cache (f16 keys and values) for `cells` token positions,
    /// when the shape is known.
    pub fn kv_cache_bytes(&self, cells: u64) -> Option<u64> {
        let embd = self.embedding_length?;
        let heads = self.head_count.filter(|h| *h > 0)?;
        let kv = self.head_count_kv.unwrap_or(heads);
        let head_dim = embd / heads;
        Some(2 * self.block_count * kv * head_dim * 2 * cells)
    }
}

/// What [`validate`] checks beyond the file's own consistency.
#[derive(Debug, Clone, Default)]
pub struct ValidateOptions {
    /// Memory the model must fit in (bytes); None skips the check.
    pub memory_bytes: Option<u64>,
    /// Token positions of KV cache the probe will allocate.
    pub kv_cells: u64,
}

/// Reads a GGUF file's header and refuses what llama.cpp would fail or abort
/// on: see [`GgufError`] for the list.
pub fn validate(path: &Path, opts: &ValidateOptions) -> Result<GgufInfo, GgufError> {
    let info = inspect(path)?;
    if let Some(available) = opts.memory_bytes {
        let needed = info.tensor_bytes + info.kv_cache_bytes(opts.kv_cells).unwrap_or(0);
        if needed > available {
            return Err(GgufError::TooBig { needed, available });
        }
    }
    Ok(info)
}

/// Reads and checks a GGUF file's header, metadata and tensor infos.
pub fn inspect(path: &Path) -> Result<GgufInfo, GgufError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(GgufError::Missing),
        Err(e) => return Err(GgufError::Io(e.to_string())),
    };
    let meta = file.metadata().map_err(|e| GgufError::Io(e.to_string()))?;
    if meta.is_dir() {
        return Err(GgufError::Io("it is a directory, not a file".into()));
    }
    let file_size = meta.len();
    if file_size == 0 {
        return Err(GgufError::Empty);
    }
    let mut r = Reader {
        inner: BufReader::with_capacity(1 << 16, file),
        pos: 0,
        size: file_size,
    };
    parse(&mut r)
}

struct Reader<R> {
    inner: R,
    pos: u64,
    size: u64,
}

/// A metadata value, kept only as far as the checks need it.
#[derive(Debug)]
enum Value {
    Int(i128),
    Float,
    Bool,
    Str(String),
    Strings(Vec<String>),
    OtherArray,
}

impl<R: Read> Reader<R> {
    fn left(&self) -> u64 {
        self.size.saturating_sub(self.pos)
    }

    fn bytes(&mut self, n: u64, what: &str) -> Result<Vec<u8>, GgufError> {
        if n > self.left() {
            return Err(GgufError::Truncated(format!(
                "{what} needs {n} bytes at offset {} but the file ends at {}",
                self.pos, self.size
            )));
        }
        let mut buf = vec![0u8; n as usize];
        self.inner
            .read_exact(&mut buf)
            .map_err(|e| GgufError::Truncated(format!("{what} at offset {}: {e}", self.pos)))?;
        self.pos += n;
        Ok(buf)
    }

    fn skip(&mut self, n: u64, what: &str) -> Result<(), GgufError> {
        if n > self.left() {
            return Err(GgufError::Truncated(format!(
                "{what} needs {n} bytes at offset {} but the file ends at {}",
                self.pos, self.size
            )));
        }
        let copied = std::io::copy(&mut (&mut self.inner).take(n), &mut std::io::sink())
            .map_err(|e| GgufError::Io(e.to_string()))?;
        if copied != n {
            return Err(GgufError::Truncated(format!(
                "{what} at offset {}",
                self.pos
            )));
        }
        self.pos += n;
        Ok(())
    }

    fn u32(&mut self, what: &str) -> Result<u32, GgufError> {
        let b = self.bytes(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self, what: &str) -> Result<u64, GgufError> {
        let b = self.bytes(8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(&b);
        Ok(u64::from_le_bytes(a))
    }

    fn string(&mut self, what: &str) -> Result<String, GgufError> {
        let len = self.u64(what)?;
        let b = self.bytes(len, what)?;
        String::from_utf8(b).map_err(|_| GgufError::Malformed(format!("{what} is not UTF-8")))
    }

    fn scalar_size(t: u32) -> Option<u64> {
        Some(match t {
            vtype::U8 | vtype::I8 | vtype::BOOL => 1,
            vtype::U16 | vtype::I16 => 2,
            vtype::U32 | vtype::I32 | vtype::F32 => 4,
            vtype::U64 | vtype::I64 | vtype::F64 => 8,
            _ => return None,
        })
    }

    fn scalar(&mut self, t: u32, what: &str) -> Result<Value, GgufError> {
        let size = Self::scalar_size(t)
            .ok_or_else(|| GgufError::Malformed(format!("{what} has unknown value type {t}")))?;
        let b = self.bytes(size, what)?;
        let mut a = [0u8; 8];
        a[..b.len()].copy_from_slice(&b);
        let raw = u64::from_le_bytes(a);
        Ok(match t {
            vtype::U8 | vtype::U16 | vtype::U32 | vtype::U64 => Value::Int(raw as i128),
            vtype::I8 => Value::Int(b[0] as i8 as i128),
            vtype::I16 => Value::Int(i16::from_le_bytes([b[0], b[1]]) as i128),
            vtype::I32 => Value::Int(i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i128),
            vtype::I64 => Value::Int(raw as i64 as i128),
            vtype::BOOL => Value::Bool,
            _ => Value::Float,
        })
    }

    fn value(&mut self, key: &str) -> Result<Value, GgufError> {
        let t = self.u32(key)?;
        match t {
            vtype::STRING => Ok(Value::Str(self.string(key)?)),
            vtype::ARRAY => {
                let et = self.u32(key)?;
                let count = self.u64(key)?;
                if et == vtype::STRING {
                    // Each string takes at least its 8-byte length.
                    if count.saturating_mul(8) > self.left() {
                        return Err(GgufError::Truncated(format!(
                            "{key} claims {count} strings, more than the file holds"
                        )));
                    }
                    let mut out = Vec::with_capacity(count as usize);
                    for _ in 0..count {
                        out.push(self.string(key)?);
                    }
                    Ok(Value::Strings(out))
                } else if let Some(size) = Self::scalar_size(et) {
                    self.skip(count.saturating_mul(size), key)?;
                    Ok(Value::OtherArray)
                } else {
                    Err(GgufError::Malformed(format!(
                        "{key} is an array of unsupported type {et}"
                    )))
                }
            }
            t => self.scalar(t, key),
        }
    }
}

fn parse<R: Read>(r: &mut Reader<R>) -> Result<GgufInfo, GgufError> {
    if r.size < 4 {
        return Err(GgufError::NotGguf);
    }
    let magic = r.bytes(4, "magic")?;
    if magic != MAGIC {
        return Err(GgufError::NotGguf);
    }
    let version = r.u32("version")?;
    if !(2..=3).contains(&version) {
        return Err(GgufError::Malformed(format!(
            "GGUF version {version} (llama.cpp reads versions 2 and 3)"
        )));
    }
    let tensor_count = r.u64("tensor count")?;
    let kv_count = r.u64("metadata count")?;
    // Each key/value takes at least 8 + 4 bytes, each tensor info 8 + 4 + 4 + 8.
    if kv_count.saturating_mul(12) > r.left() || tensor_count.saturating_mul(24) > r.left() {
        return Err(GgufError::Truncated(format!(
            "the header claims {kv_count} metadata entries and {tensor_count} tensors, more than the file holds"
        )));
    }
    let mut kv: HashMap<String, Value> = HashMap::new();
    for _ in 0..kv_count {
        let key = r.string("metadata key")?;
        let value = r.value(&key)?;
        if kv.contains_key(&key) {
            return Err(GgufError::Malformed(format!(
                "metadata key {key} appears twice"
            )));
        }
        kv.insert(key, value);
    }

    let architecture = match kv.get("general.architecture") {
        Some(Value::Str(s)) => s.clone(),
        _ => return Err(GgufError::NoArchitecture),
    };
    if !KNOWN_ARCHITECTURES.contains(&architecture.as_str()) {
        return Err(GgufError::UnknownArchitecture(architecture));
    }
    let int = |key: &str| -> Option<u64> {
        match kv.get(key) {
            Some(Value::Int(i)) if *i >= 0 => u64::try_from(*i).ok(),
            _ => None,
        }
    };
    let arch_int = |suffix: &str| int(&format!("{architecture}.{suffix}"));
    let block_count = arch_int("block_count")
        .ok_or_else(|| GgufError::Malformed(format!("{architecture}.block_count is missing")))?;
    if block_count == 0 {
        return Err(GgufError::ZeroBlocks);
    }
    let vocab_size = match kv.get("tokenizer.ggml.tokens") {
        Some(Value::Strings(tokens)) => {
            let mut seen: HashMap<&str, usize> = HashMap::with_capacity(tokens.len());
            for (i, t) in tokens.iter().enumerate() {
                if let Some(first) = seen.insert(t.as_str(), i) {
                    return Err(GgufError::DuplicateToken {
                        token: t.clone(),
                        first,
                        second: i,
                    });
                }
            }
            Some(tokens.len() as u64)
        }
        Some(_) => {
            return Err(GgufError::Malformed(
                "tokenizer.ggml.tokens is not an array of strings".into(),
            ))
        }
        None => None,
    };
    let alignment = int("general.alignment").unwrap_or(DEFAULT_ALIGNMENT);
    if alignment == 0 || !alignment.is_power_of_two() {
        return Err(GgufError::Malformed(format!(
            "general.alignment is {alignment}, not a power of two"
        )));
    }

    struct Info {
        name: String,
        offset: u64,
        bytes: u64,
        ttype: TensorType,
    }
    let mut infos = Vec::with_capacity(tensor_count.min(1 << 20) as usize);
    let mut n_params = 0u64;
    for _ in 0..tensor_count {
        let name = r.string("tensor name")?;
        let n_dims = r.u32(&name)?;
        if n_dims == 0 || n_dims > 4 {
            return Err(GgufError::Malformed(format!(
                "tensor {name} has {n_dims} dimensions (1 to 4 allowed)"
            )));
        }
        let mut elements = 1u64;
        for _ in 0..n_dims {
            let d = r.u64(&name)?;
            elements = elements.checked_mul(d).ok_or_else(|| {
                GgufError::Malformed(format!("tensor {name} is impossibly large"))
            })?;
        }
        let ttype = TensorType::from_code(r.u32(&name)?);
        let offset = r.u64(&name)?;
        let bytes = ttype.bytes_for(elements).ok_or_else(|| {
            GgufError::Malformed(format!(
                "tensor {name} has type {} and {elements} elements, not a whole number of blocks",
                ttype.name()
            ))
        })?;
        if offset % alignment != 0 {
            return Err(GgufError::Malformed(format!(
                "tensor {name} starts at offset {offset}, not a multiple of the alignment {alignment}"
            )));
        }
        n_params = n_params.saturating_add(elements);
        infos.push(Info {
            name,
            offset,
            bytes,
            ttype,
        });
    }
    if infos.is_empty() {
        return Err(GgufError::Malformed("the file holds no tensors".into()));
    }
    let data_start = r.pos.div_ceil(alignment) * alignment;
    let mut tensor_bytes = 0u64;
    let mut by_type: HashMap<u32, u64> = HashMap::new();
    let mut seen_names = std::collections::HashSet::new();
    for t in &infos {
        if !seen_names.insert(t.name.as_str()) {
            return Err(GgufError::Malformed(format!(
                "tensor {} appears twice",
                t.name
            )));
        }
        let end = data_start.saturating_add(t.offset).saturating_add(t.bytes);
        if end > r.size {
            return Err(GgufError::TensorOutOfRange {
                name: t.name.clone(),
                end,
                file_size: r.size,
            });
        }
        tensor_bytes += t.bytes;
        *by_type.entry(t.ttype.code()).or_default() += t.bytes;
    }
    let main_type = by_type
        .iter()
        .max_by_key(|(code, bytes)| (**bytes, **code))
        .map(|(code, _)| TensorType::from_code(*code));

    Ok(GgufInfo {
        version,
        file_size: r.size,
        name: match kv.get("general.name") {
            Some(Value::Str(s)) => Some(s.clone()),
            _ => None,
        },
        file_type: int("general.file_type").and_then(|v| u32::try_from(v).ok()),
        block_count,
        embedding_length: arch_int("embedding_length"),
        head_count: arch_int("attention.head_count"),
        head_count_kv: arch_int("attention.head_count_kv"),
        context_length: arch_int("context_length"),
        vocab_size,
        tensor_count,
        n_params,
        tensor_bytes,
        main_type,
        architecture,
    })
}
