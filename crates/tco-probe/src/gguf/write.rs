//! Writing GGUF: metadata and tensor infos held in memory, tensor data
//! streamed in block-aligned chunks so a multi-gigabyte model never sits in
//! memory whole.

use std::io::{self, Write};

use super::{vtype, TensorType, DEFAULT_ALIGNMENT, MAGIC, VERSION};

/// A metadata value.
#[derive(Debug, Clone, PartialEq)]
pub enum MetaValue {
    U32(u32),
    I32(i32),
    U64(u64),
    F32(f32),
    Bool(bool),
    String(String),
    Strings(Vec<String>),
    F32s(Vec<f32>),
    I32s(Vec<i32>),
}

/// One tensor's name, shape (ggml order: innermost dimension first) and type.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorSpec {
    pub name: String,
    pub dims: Vec<u64>,
    pub ttype: TensorType,
}

impl TensorSpec {
    /// Number of elements.
    pub fn elements(&self) -> u64 {
        self.dims.iter().product()
    }

    /// Bytes of data; row lengths are checked against the block size when
    /// the tensor is added.
    pub fn bytes(&self) -> u64 {
        self.ttype.bytes_for(self.elements()).unwrap_or(0)
    }
}

/// Builds a GGUF file.
///
/// ```
/// use tco_probe::gguf::{GgufWriter, MetaValue, TensorType};
/// let mut w = GgufWriter::new();
/// w.meta("general.architecture", MetaValue::String("llama".into()));
/// w.tensor("output_norm.weight", &[64], TensorType::F32).unwrap();
/// let mut bytes = Vec::new();
/// w.write_to(&mut bytes, |_, chunk| chunk.fill(0)).unwrap();
/// assert_eq!(&bytes[..4], b"GGUF");
/// ```
#[derive(Debug, Default)]
pub struct GgufWriter {
    meta: Vec<(String, MetaValue)>,
    tensors: Vec<TensorSpec>,
}

/// Largest chunk of tensor data handed to the fill callback at once.
const CHUNK_BYTES: u64 = 8 << 20;

impl GgufWriter {
    pub fn new() -> GgufWriter {
        GgufWriter::default()
    }

    /// Adds a metadata key/value (written in insertion order).
    pub fn meta(&mut self, key: &str, value: MetaValue) {
        self.meta.push((key.to_string(), value));
    }

    /// Replaces a metadata value (or adds it when absent).
    pub fn set_meta(&mut self, key: &str, value: MetaValue) {
        match self.meta.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value,
            None => self.meta(key, value),
        }
    }

    /// Adds a tensor. Fails when the innermost dimension is not a whole
    /// number of the type's blocks.
    pub fn tensor(&mut self, name: &str, dims: &[u64], ttype: TensorType) -> Result<(), String> {
        let (per_block, _) = ttype
            .block()
            .ok_or_else(|| format!("tensor type {} has no known block size", ttype.code()))?;
        let row = dims.first().copied().unwrap_or(0);
        if row == 0 || row % per_block != 0 {
            return Err(format!(
                "tensor {name}: row length {row} is not a multiple of {per_block} ({})",
                ttype.name()
            ));
        }
        self.tensors.push(TensorSpec {
            name: name.to_string(),
            dims: dims.to_vec(),
            ttype,
        });
        Ok(())
    }

    /// The tensors added so far.
    pub fn tensors(&self) -> &[TensorSpec] {
        &self.tensors
    }

    /// Total bytes the file will have.
    pub fn file_size(&self) -> u64 {
        let mut header = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = self.write_header(&mut header);
        let start = align(header.len() as u64, DEFAULT_ALIGNMENT);
        start + self.data_size()
    }

    fn data_size(&self) -> u64 {
        let mut offset = 0;
        for t in &self.tensors {
            offset = align(offset, DEFAULT_ALIGNMENT) + t.bytes();
        }
        offset
    }

    fn write_header(&self, w: &mut impl Write) -> io::Result<u64> {
        let mut n = 0u64;
        n += put(w, MAGIC)?;
        n += put(w, &VERSION.to_le_bytes())?;
        n += put(w, &(self.tensors.len() as u64).to_le_bytes())?;
        n += put(w, &(self.meta.len() as u64).to_le_bytes())?;
        for (key, value) in &self.meta {
            n += put_str(w, key)?;
            n += put_value(w, value)?;
        }
        let mut offset = 0u64;
        for t in &self.tensors {
            offset = align(offset, DEFAULT_ALIGNMENT);
            n += put_str(w, &t.name)?;
            n += put(w, &(t.dims.len() as u32).to_le_bytes())?;
            for d in &t.dims {
                n += put(w, &d.to_le_bytes())?;
            }
            n += put(w, &t.ttype.code().to_le_bytes())?;
            n += put(w, &offset.to_le_bytes())?;
            offset += t.bytes();
        }
        Ok(n)
    }

    /// Writes only the header and the padding before the data; returns the
    /// bytes written. With `File::set_len(self.file_size())` after it, this
    /// makes a sparse file of the full size without writing the data.
    pub fn write_header_only(&self, w: &mut impl Write) -> io::Result<u64> {
        let n = self.write_header(w)?;
        Ok(n + pad(w, n)?)
    }

    /// Writes the file. `fill` is called for every chunk of every tensor's
    /// data, in order, with a buffer holding a whole number of blocks.
    pub fn write_to(
        &self,
        w: &mut impl Write,
        mut fill: impl FnMut(&TensorSpec, &mut [u8]),
    ) -> io::Result<u64> {
        let mut n = self.write_header(w)?;
        n += pad(w, n)?;
        let mut buf = Vec::new();
        let mut data = 0u64;
        for t in &self.tensors {
            let p = pad(w, data)?;
            n += p;
            data += p;
            let (per_block, block_bytes) = t.ttype.block().unwrap_or((1, 1));
            let _ = per_block;
            let chunk = (CHUNK_BYTES / block_bytes).max(1) * block_bytes;
            let mut left = t.bytes();
            while left > 0 {
                let len = left.min(chunk);
                buf.resize(len as usize, 0);
                fill(t, &mut buf);
                w.write_all(&buf)?;
                left -= len;
                n += len;
                data += len;
            }
        }
        w.flush()?;
        Ok(n)
    }
}

fn align(x: u64, a: u64) -> u64 {
    x.div_ceil(a) * a
}

fn pad(w: &mut impl Write, at: u64) -> io::Result<u64> {
    let p = align(at, DEFAULT_ALIGNMENT) - at;
    w.write_all(&vec![0u8; p as usize])?;
    Ok(p)
}

fn put(w: &mut impl Write, bytes: &[u8]) -> io::Result<u64> {
    w.write_all(bytes)?;
    Ok(bytes.len() as u64)
}

fn put_str(w: &mut impl Write, s: &str) -> io::Result<u64> {
    Ok(put(w, &(s.len() as u64).to_le_bytes())? + put(w, s.as_bytes())?)
}

fn put_value(w: &mut impl Write, v: &MetaValue) -> io::Result<u64> {
    let mut n = 0;
    match v {
        MetaValue::U32(x) => {
            n += put(w, &vtype::U32.to_le_bytes())?;
            n += put(w, &x.to_le_bytes())?;
        }
        MetaValue::I32(x) => {
            n += put(w, &vtype::I32.to_le_bytes())?;
            n += put(w, &x.to_le_bytes())?;
        }
        MetaValue::U64(x) => {
            n += put(w, &vtype::U64.to_le_bytes())?;
            n += put(w, &x.to_le_bytes())?;
        }
        MetaValue::F32(x) => {
            n += put(w, &vtype::F32.to_le_bytes())?;
            n += put(w, &x.to_le_bytes())?;
        }
        MetaValue::Bool(x) => {
            n += put(w, &vtype::BOOL.to_le_bytes())?;
            n += put(w, &[u8::from(*x)])?;
        }
        MetaValue::String(s) => {
            n += put(w, &vtype::STRING.to_le_bytes())?;
            n += put_str(w, s)?;
        }
        MetaValue::Strings(xs) => {
            n += put(w, &vtype::ARRAY.to_le_bytes())?;
            n += put(w, &vtype::STRING.to_le_bytes())?;
            n += put(w, &(xs.len() as u64).to_le_bytes())?;
            for s in xs {
                n += put_str(w, s)?;
            }
        }
        MetaValue::F32s(xs) => {
            n += put(w, &vtype::ARRAY.to_le_bytes())?;
            n += put(w, &vtype::F32.to_le_bytes())?;
            n += put(w, &(xs.len() as u64).to_le_bytes())?;
            for x in xs {
                n += put(w, &x.to_le_bytes())?;
            }
        }
        MetaValue::I32s(xs) => {
            n += put(w, &vtype::ARRAY.to_le_bytes())?;
            n += put(w, &vtype::I32.to_le_bytes())?;
            n += put(w, &(xs.len() as u64).to_le_bytes())?;
            for x in xs {
                n += put(w, &x.to_le_bytes())?;
            }
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_size_matches_bytes_written() {
        let mut w = GgufWriter::new();
        w.meta("general.architecture", MetaValue::String("llama".into()));
        w.meta("x", MetaValue::Strings(vec!["a".into(), "bc".into()]));
        w.tensor("a", &[3], TensorType::F32).unwrap();
        w.tensor("b", &[64, 2], TensorType::Q8_0).unwrap();
        let mut out = Vec::new();
        let n = w.write_to(&mut out, |_, c| c.fill(1)).unwrap();
        assert_eq!(n, out.len() as u64);
        assert_eq!(w.file_size(), n);
    }

    #[test]
    fn rejects_rows_not_a_whole_number_of_blocks() {
        let mut w = GgufWriter::new();
        assert!(w.tensor("a", &[100, 2], TensorType::Q4K).is_err());
    }
}
