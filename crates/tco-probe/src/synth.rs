//! Synthetic llama-architecture models: random weights in a real GGUF, so a
//! machine can be measured for a model size before anyone downloads the
//! model. The output is meaningless text; only the speed counts.

use std::fmt;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::str::FromStr;

use crate::gguf::{GgufWriter, MetaValue, TensorType};

/// A llama-architecture shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub name: &'static str,
    pub n_embd: u64,
    pub n_layer: u64,
    pub n_head: u64,
    pub n_head_kv: u64,
    pub n_ff: u64,
    pub n_vocab: u64,
    /// Whether the output projection shares the token embedding.
    pub tied_output: bool,
    pub what: &'static str,
}

/// The named shapes `tco probe --synthetic` knows.
pub const SHAPES: &[Shape] = &[
    Shape {
        name: "tiny",
        n_embd: 256,
        n_layer: 2,
        n_head: 4,
        n_head_kv: 2,
        n_ff: 512,
        n_vocab: 512,
        tied_output: false,
        what: "about 1.4 M parameters, for tests",
    },
    Shape {
        name: "125m",
        n_embd: 768,
        n_layer: 12,
        n_head: 12,
        n_head_kv: 4,
        n_ff: 2048,
        n_vocab: 32000,
        tied_output: false,
        what: "about 125 M parameters, memory-bound on a CPU",
    },
    Shape {
        name: "1b",
        n_embd: 2048,
        n_layer: 16,
        n_head: 32,
        n_head_kv: 8,
        n_ff: 8192,
        n_vocab: 128256,
        tied_output: true,
        what: "the shape of Llama 3.2 1B (1.24 B parameters)",
    },
    Shape {
        name: "3b",
        n_embd: 3072,
        n_layer: 28,
        n_head: 24,
        n_head_kv: 8,
        n_ff: 8192,
        n_vocab: 128256,
        tied_output: true,
        what: "the shape of Llama 3.2 3B (3.2 B parameters)",
    },
    Shape {
        name: "8b",
        n_embd: 4096,
        n_layer: 32,
        n_head: 32,
        n_head_kv: 8,
        n_ff: 14336,
        n_vocab: 128256,
        tied_output: false,
        what: "the shape of Llama 3.1 8B (8.0 B parameters)",
    },
];

impl Shape {
    /// Looks a shape up by name (case-insensitive).
    pub fn named(name: &str) -> Option<Shape> {
        SHAPES
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
            .copied()
    }

    fn head_dim(&self) -> u64 {
        self.n_embd / self.n_head
    }

    /// Number of parameters.
    pub fn params(&self) -> u64 {
        let kv = self.n_head_kv * self.head_dim();
        let per_layer = 2 * self.n_embd * self.n_embd
            + 2 * self.n_embd * kv
            + 3 * self.n_embd * self.n_ff
            + 2 * self.n_embd;
        let embed = self.n_embd * self.n_vocab;
        let output = if self.tied_output { 0 } else { embed };
        embed + output + self.n_embd + self.n_layer * per_layer
    }
}

/// Weight type of a synthetic model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quant {
    F16,
    Q8_0,
    Q4K,
}

impl Quant {
    fn tensor_type(self) -> TensorType {
        match self {
            Quant::F16 => TensorType::F16,
            Quant::Q8_0 => TensorType::Q8_0,
            Quant::Q4K => TensorType::Q4K,
        }
    }

    /// `general.file_type` code (Q4_K maps to Q4_K_S: every weight is Q4_K).
    fn file_type(self) -> u32 {
        match self {
            Quant::F16 => 1,
            Quant::Q8_0 => 7,
            Quant::Q4K => 14,
        }
    }
}

impl fmt::Display for Quant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Quant::F16 => "F16",
            Quant::Q8_0 => "Q8_0",
            Quant::Q4K => "Q4_K",
        })
    }
}

impl FromStr for Quant {
    type Err = String;
    fn from_str(s: &str) -> Result<Quant, String> {
        match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "f16" => Ok(Quant::F16),
            "q8_0" | "q8" => Ok(Quant::Q8_0),
            "q4_k" | "q4k" | "q4_k_s" | "q4" => Ok(Quant::Q4K),
            _ => Err(format!(
                "unknown quantization `{s}` (allowed: f16, q8_0, q4_k)"
            )),
        }
    }
}

/// The vocabulary: llama.cpp's SPM layout (unknown, BOS, EOS, the 256 byte
/// tokens) padded with unique filler strings.
pub fn vocabulary(n_vocab: u64) -> Vec<String> {
    let mut v = vec!["<unk>".to_string(), "<s>".to_string(), "</s>".to_string()];
    v.extend((0..=255u8).map(|b| format!("<0x{b:02X}>")));
    let mut i = 0u64;
    while (v.len() as u64) < n_vocab {
        v.push(format!("\u{2581}t{i}"));
        i += 1;
    }
    v.truncate(n_vocab as usize);
    v
}

/// The GGUF writer of a synthetic model, before its data is written; tests
/// change its metadata to make corrupt files.
pub fn model_writer(shape: &Shape, quant: Quant) -> Result<GgufWriter, String> {
    let mut w = GgufWriter::new();
    let u32v = |x: u64| MetaValue::U32(x as u32);
    w.meta("general.architecture", MetaValue::String("llama".into()));
    w.meta(
        "general.name",
        MetaValue::String(format!("tco synthetic {} {quant}", shape.name)),
    );
    w.meta("general.file_type", MetaValue::U32(quant.file_type()));
    w.meta("tco.synthetic", MetaValue::String(shape.name.into()));
    w.meta("llama.context_length", u32v(8192));
    w.meta("llama.embedding_length", u32v(shape.n_embd));
    w.meta("llama.block_count", u32v(shape.n_layer));
    w.meta("llama.feed_forward_length", u32v(shape.n_ff));
    w.meta("llama.attention.head_count", u32v(shape.n_head));
    w.meta("llama.attention.head_count_kv", u32v(shape.n_head_kv));
    w.meta(
        "llama.attention.layer_norm_rms_epsilon",
        MetaValue::F32(1e-5),
    );
    w.meta("llama.rope.freq_base", MetaValue::F32(500_000.0));
    w.meta("llama.rope.dimension_count", u32v(shape.head_dim()));
    w.meta("llama.vocab_size", u32v(shape.n_vocab));
    let tokens = vocabulary(shape.n_vocab);
    let types: Vec<i32> = (0..tokens.len())
        .map(|i| match i {
            0 => 2,
            1 | 2 => 3,
            3..=258 => 6,
            _ => 1,
        })
        .collect();
    let scores: Vec<f32> = (0..tokens.len()).map(|i| -(i as f32)).collect();
    w.meta("tokenizer.ggml.model", MetaValue::String("llama".into()));
    w.meta("tokenizer.ggml.tokens", MetaValue::Strings(tokens));
    w.meta("tokenizer.ggml.scores", MetaValue::F32s(scores));
    w.meta("tokenizer.ggml.token_type", MetaValue::I32s(types));
    w.meta("tokenizer.ggml.unknown_token_id", MetaValue::U32(0));
    w.meta("tokenizer.ggml.bos_token_id", MetaValue::U32(1));
    w.meta("tokenizer.ggml.eos_token_id", MetaValue::U32(2));
    w.meta("tokenizer.ggml.add_bos_token", MetaValue::Bool(true));

    let q = quant.tensor_type();
    let (e, ff, v) = (shape.n_embd, shape.n_ff, shape.n_vocab);
    let kv = shape.n_head_kv * shape.head_dim();
    // The embedding's rows are looked up, not multiplied, but llama.cpp
    // quantizes it like the rest.
    w.tensor("token_embd.weight", &[e, v], q)?;
    for l in 0..shape.n_layer {
        let b = format!("blk.{l}");
        w.tensor(&format!("{b}.attn_norm.weight"), &[e], TensorType::F32)?;
        w.tensor(&format!("{b}.attn_q.weight"), &[e, e], q)?;
        w.tensor(&format!("{b}.attn_k.weight"), &[e, kv], q)?;
        w.tensor(&format!("{b}.attn_v.weight"), &[e, kv], q)?;
        w.tensor(&format!("{b}.attn_output.weight"), &[e, e], q)?;
        w.tensor(&format!("{b}.ffn_norm.weight"), &[e], TensorType::F32)?;
        w.tensor(&format!("{b}.ffn_gate.weight"), &[e, ff], q)?;
        w.tensor(&format!("{b}.ffn_up.weight"), &[e, ff], q)?;
        w.tensor(&format!("{b}.ffn_down.weight"), &[ff, e], q)?;
    }
    w.tensor("output_norm.weight", &[e], TensorType::F32)?;
    if !shape.tied_output {
        w.tensor("output.weight", &[e, v], q)?;
    }
    Ok(w)
}

/// A small, fast generator (SplitMix64): the weights need to be cheap and
/// reproducible, not good.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn fill_bytes(&mut self, out: &mut [u8]) {
        for c in out.chunks_mut(8) {
            let r = self.next_u64().to_le_bytes();
            c.copy_from_slice(&r[..c.len()]);
        }
    }
}

/// Random half-precision value of magnitude 2^-8 .. 2^-4, either sign.
fn random_f16_bits(r: u64) -> u16 {
    let sign = ((r >> 20) & 1) as u16;
    let exp = 7 + ((r >> 10) & 3) as u16;
    let mant = (r & 0x3FF) as u16;
    (sign << 15) | (exp << 10) | mant
}

/// Fills one chunk of tensor data with random weights of its type.
pub fn fill_random(ttype: TensorType, is_norm: bool, rng: &mut Rng, out: &mut [u8]) {
    match ttype {
        TensorType::F32 => {
            let one = if is_norm { 1.0f32 } else { 0.01 };
            for c in out.chunks_exact_mut(4) {
                c.copy_from_slice(&one.to_le_bytes());
            }
        }
        TensorType::F16 => {
            for c in out.chunks_exact_mut(8) {
                let r = rng.next_u64();
                for (i, h) in c.chunks_exact_mut(2).enumerate() {
                    h.copy_from_slice(&random_f16_bits(r >> (i * 16)).to_le_bytes());
                }
            }
        }
        TensorType::Q8_0 => {
            let d = half::f16::from_f32(0.03 / 127.0).to_bits().to_le_bytes();
            rng.fill_bytes(out);
            for block in out.chunks_exact_mut(34) {
                block[..2].copy_from_slice(&d);
            }
        }
        TensorType::Q4K => {
            let d = half::f16::from_f32(0.03 / (63.0 * 15.0))
                .to_bits()
                .to_le_bytes();
            let dmin = half::f16::from_f32(0.015 / (63.0 * 15.0))
                .to_bits()
                .to_le_bytes();
            rng.fill_bytes(out);
            for block in out.chunks_exact_mut(144) {
                block[..2].copy_from_slice(&d);
                block[2..4].copy_from_slice(&dmin);
            }
        }
        TensorType::Other(_) => out.fill(0),
    }
}

/// Writes a synthetic model to `path`; returns its size in bytes.
pub fn write_model(shape: &Shape, quant: Quant, path: &Path, seed: u64) -> Result<u64, String> {
    let w = model_writer(shape, quant)?;
    write_with(&w, path, seed)
}

/// Writes a prepared writer's file with random weights.
pub fn write_with(w: &GgufWriter, path: &Path, seed: u64) -> Result<u64, String> {
    let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut rng = Rng::new(seed);
    w.write_to(&mut out, |t, chunk| {
        fill_random(t.ttype, t.name.ends_with("norm.weight"), &mut rng, chunk)
    })
    .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_have_the_parameter_counts_they_stand_for() {
        let p = |n: &str| Shape::named(n).unwrap().params() as f64 / 1e9;
        assert!((p("1b") - 1.24).abs() < 0.01, "{}", p("1b"));
        assert!((p("3b") - 3.21).abs() < 0.02, "{}", p("3b"));
        assert!((p("8b") - 8.03).abs() < 0.02, "{}", p("8b"));
        assert!(p("tiny") < 0.002);
    }

    #[test]
    fn vocabulary_strings_are_unique_and_hold_the_byte_tokens() {
        let v = vocabulary(512);
        let set: std::collections::HashSet<_> = v.iter().collect();
        assert_eq!(set.len(), 512);
        assert_eq!(v[3 + 0x0A], "<0x0A>");
    }

    #[test]
    fn quant_names_parse() {
        assert_eq!("Q4_K".parse::<Quant>().unwrap(), Quant::Q4K);
        assert_eq!("q8_0".parse::<Quant>().unwrap(), Quant::Q8_0);
        assert!("q3".parse::<Quant>().is_err());
    }
}
