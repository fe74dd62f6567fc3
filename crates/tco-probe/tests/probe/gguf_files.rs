//! Synthetic models written and read back; every corrupt file refused with
//! a message that says what is wrong.

use std::io::Write;

use tco_probe::gguf::{inspect, validate, MetaValue, ValidateOptions};
use tco_probe::synth::{self, Quant};
use tco_probe::GgufError;

use crate::support::{tiny, tiny_model};

#[test]
fn synthetic_models_read_back_with_their_shape() {
    let dir = tempfile::tempdir().unwrap();
    for (quant, label) in [
        (Quant::F16, "F16"),
        (Quant::Q8_0, "Q8_0"),
        (Quant::Q4K, "Q4_K_S"),
    ] {
        let path = dir.path().join(format!("tiny-{quant}.gguf"));
        let size = synth::write_model(&tiny(), quant, &path, 3).unwrap();
        assert_eq!(size, std::fs::metadata(&path).unwrap().len());
        let info = inspect(&path).unwrap();
        assert_eq!(info.architecture, "llama");
        assert_eq!(info.block_count, 2);
        assert_eq!(info.vocab_size, Some(512));
        assert_eq!(info.n_params, tiny().params());
        assert_eq!(info.quantization(), label);
        assert!(info.tensor_bytes < size);
    }
}

fn refused(path: &std::path::Path) -> GgufError {
    inspect(path).expect_err("should be refused")
}

#[test]
fn missing_empty_and_foreign_files() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(refused(&dir.path().join("nope.gguf")), GgufError::Missing);
    let empty = dir.path().join("empty.gguf");
    std::fs::write(&empty, b"").unwrap();
    assert_eq!(refused(&empty), GgufError::Empty);
    let text = dir.path().join("model.gguf");
    std::fs::write(&text, b"<html>404 Not Found</html>").unwrap();
    assert_eq!(refused(&text), GgufError::NotGguf);
    assert!(refused(&text).to_string().contains("not a GGUF file"));
    let short = dir.path().join("short.gguf");
    std::fs::write(&short, b"GG").unwrap();
    assert_eq!(refused(&short), GgufError::NotGguf);
}

#[test]
fn truncated_files() {
    let dir = tempfile::tempdir().unwrap();
    let good = tiny_model(dir.path(), "good.gguf", Quant::Q8_0, |_| {});
    let bytes = std::fs::read(&good).unwrap();
    // Cut inside the metadata, and inside the tensor data.
    for (name, keep) in [("head.gguf", 40), ("data.gguf", bytes.len() - 1000)] {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes[..keep]).unwrap();
        let err = refused(&path);
        assert!(
            matches!(
                err,
                GgufError::Truncated(_) | GgufError::TensorOutOfRange { .. }
            ),
            "{name}: {err:?}"
        );
        assert!(err.to_string().contains("truncated"), "{err}");
    }
}

#[test]
fn block_count_zero() {
    let dir = tempfile::tempdir().unwrap();
    let path = tiny_model(dir.path(), "zero.gguf", Quant::Q8_0, |w| {
        w.set_meta("llama.block_count", MetaValue::U32(0))
    });
    assert_eq!(refused(&path), GgufError::ZeroBlocks);
}

#[test]
fn duplicate_token_strings() {
    let dir = tempfile::tempdir().unwrap();
    let path = tiny_model(dir.path(), "dup.gguf", Quant::Q8_0, |w| {
        let mut tokens = synth::vocabulary(512);
        tokens[400] = tokens[300].clone();
        w.set_meta("tokenizer.ggml.tokens", MetaValue::Strings(tokens));
    });
    let err = refused(&path);
    assert!(
        matches!(
            err,
            GgufError::DuplicateToken {
                first: 300,
                second: 400,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("twice"));
}

#[test]
fn unknown_architecture() {
    let dir = tempfile::tempdir().unwrap();
    let path = tiny_model(dir.path(), "arch.gguf", Quant::Q8_0, |w| {
        w.set_meta(
            "general.architecture",
            MetaValue::String("llama9000".into()),
        )
    });
    assert_eq!(
        refused(&path),
        GgufError::UnknownArchitecture("llama9000".into())
    );
}

#[test]
fn too_big_for_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = tiny_model(dir.path(), "big.gguf", Quant::Q8_0, |_| {});
    let opts = ValidateOptions {
        memory_bytes: Some(100_000),
        kv_cells: 512,
    };
    let err = validate(&path, &opts).unwrap_err();
    assert!(
        matches!(
            err,
            GgufError::TooBig {
                available: 100_000,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("does not fit in memory"));
    // With room, it passes.
    let opts = ValidateOptions {
        memory_bytes: Some(1 << 30),
        kv_cells: 512,
    };
    validate(&path, &opts).unwrap();
}

#[test]
fn absurd_counts_are_refused_without_allocating() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absurd.gguf");
    let mut f = std::fs::File::create(&path).unwrap();
    f.write_all(b"GGUF").unwrap();
    f.write_all(&3u32.to_le_bytes()).unwrap();
    f.write_all(&u64::MAX.to_le_bytes()).unwrap();
    f.write_all(&u64::MAX.to_le_bytes()).unwrap();
    drop(f);
    assert!(matches!(refused(&path), GgufError::Truncated(_)));
}
