//! `tco probe` through the real binary: every corrupt model file is a clear
//! error and exit 1; import and (with the `llama` feature) real probes write
//! calibration files that tco-core reads back.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tco_probe::gguf::{GgufWriter, MetaValue, TensorType};
use tco_probe::synth::{self, Quant, Shape};

fn tco(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tco"))
        .args(args)
        .output()
        .expect("run tco")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tiny() -> Shape {
    Shape::named("tiny").expect("tiny")
}

fn write(dir: &Path, name: &str, edit: impl FnOnce(&mut GgufWriter)) -> PathBuf {
    let mut w = synth::model_writer(&tiny(), Quant::Q8_0).expect("writer");
    edit(&mut w);
    let path = dir.join(name);
    synth::write_with(&w, &path, 1).expect("write");
    path
}

/// Runs `tco probe --model FILE` and expects exit 1 with `needle` in stderr.
fn refused(path: &Path, needle: &str) {
    let o = tco(&[
        "probe",
        "--model",
        path.to_str().expect("utf-8 path"),
        "--reps",
        "1",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{}: {err}", path.display());
    assert!(
        err.contains(needle),
        "{}: expected {needle:?} in {err}",
        path.display()
    );
    assert!(
        err.contains(&path.display().to_string()),
        "names the file: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn corrupt_model_files_are_clear_errors_with_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    refused(&d.join("missing.gguf"), "does not exist");
    let empty = d.join("empty.gguf");
    std::fs::write(&empty, b"").expect("write");
    refused(&empty, "empty");
    let html = d.join("download.gguf");
    std::fs::write(&html, b"<!DOCTYPE html><title>Sign in</title>").expect("write");
    refused(&html, "not a GGUF file");
    let good = write(d, "good.gguf", |_| {});
    let bytes = std::fs::read(&good).expect("read");
    let cut = d.join("truncated.gguf");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    refused(&cut, "truncated");
    let zero = write(d, "zero.gguf", |w| {
        w.set_meta("llama.block_count", MetaValue::U32(0))
    });
    refused(&zero, "block_count is 0");
    let dup = write(d, "dup.gguf", |w| {
        let mut tokens = synth::vocabulary(512);
        tokens[500] = tokens[10].clone();
        w.set_meta("tokenizer.ggml.tokens", MetaValue::Strings(tokens));
    });
    refused(&dup, "twice");
    let arch = write(d, "arch.gguf", |w| {
        w.set_meta("general.architecture", MetaValue::String("gpt-9".into()))
    });
    refused(&arch, "unknown model architecture `gpt-9`");
}

#[test]
fn a_model_too_big_for_memory_is_refused() {
    // A sparse 1 TiB file: the header is real, the data never written.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut w = synth::model_writer(&tiny(), Quant::Q8_0).expect("writer");
    w.tensor("blk.0.huge.weight", &[1 << 20, 1 << 18], TensorType::F32)
        .expect("tensor");
    let path = dir.path().join("huge.gguf");
    let mut f = File::create(&path).expect("create");
    w.write_header_only(&mut f).expect("header");
    f.set_len(w.file_size()).expect("sparse");
    drop(f);
    refused(&path, "does not fit in memory");
}

#[test]
fn llama_bench_output_imports_to_a_calibration_core_reads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sample =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/llama-bench-sample.json");
    let out = dir.path().join("bench.yaml");
    let o = tco(&[
        "probe",
        "import",
        sample.to_str().expect("path"),
        "--out",
        out.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).expect("written");
    let cal = tco_core::input::calibration::Calibration::parse(&text).expect("core reads it");
    let t = cal.throughput(1).expect("concurrency 1");
    assert_eq!(t.prefill.samples, 5);
    assert!((t.decode.mean.to_string().parse::<f64>().expect("num") / 3924.943 - 1.0).abs() < 1e-4);
    // Never over an existing file without --force.
    let again = tco(&[
        "probe",
        "import",
        sample.to_str().expect("path"),
        "--out",
        out.to_str().expect("path"),
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("--force"));
    let forced = tco(&[
        "probe",
        "import",
        sample.to_str().expect("path"),
        "--out",
        out.to_str().expect("path"),
        "--force",
    ]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    // Not llama-bench output: exit 1 with a reason.
    let o = tco(&["probe", "import", out.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("llama-bench"), "{}", stderr(&o));
}

#[test]
fn usage_mistakes_exit_2() {
    assert_eq!(tco(&["probe"]).status.code(), Some(2));
    assert_eq!(tco(&["probe", "--reps", "many"]).status.code(), Some(2));
    assert_eq!(
        tco(&["probe", "--model", "a.gguf", "--synthetic", "tiny"])
            .status
            .code(),
        Some(2)
    );
}

#[cfg(not(feature = "llama"))]
#[test]
fn without_llama_the_probe_says_how_to_get_it() {
    let o = tco(&["probe", "--synthetic", "tiny"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("--features llama"), "{err}");
    assert!(err.contains("libclang-dev"), "{err}");
}

#[cfg(feature = "llama")]
mod llama {
    use super::*;

    const QUICK: &[&str] = &[
        "--prompt-tokens",
        "32",
        "--gen-tokens",
        "16",
        "--reps",
        "2",
        "--concurrency",
        "1,4",
        "--pp",
        "64",
        "--tg",
        "16",
        "--threads",
        "2",
    ];

    #[test]
    fn synthetic_probe_writes_a_calibration_core_reads() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("cal.json");
        let mut args = vec![
            "probe",
            "--synthetic",
            "tiny",
            "--quant",
            "q8_0",
            "--format",
            "json",
        ];
        args.extend_from_slice(QUICK);
        args.extend_from_slice(&[
            "--out",
            out.to_str().expect("path"),
            "--bandwidth-gbs",
            "50",
        ]);
        let o = tco(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(stderr(&o).contains("meaningless"));
        let printed: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json on stdout");
        assert_eq!(printed["format"], "tco-calibration/2");
        let text = std::fs::read_to_string(&out).expect("written");
        let cal = tco_core::input::calibration::Calibration::parse(&text).expect("core reads it");
        let t4 = cal.throughput(4).expect("concurrency 4");
        assert_eq!(t4.decode.samples, 2);
        assert!(t4.synthetic);
        assert!(cal.throughput(8).is_err());
    }

    #[test]
    fn an_abort_inside_llama_cpp_is_exit_1_with_a_message() {
        let dir = tempfile::tempdir().expect("tempdir");
        let zero = write(dir.path(), "zero.gguf", |w| {
            w.set_meta("llama.block_count", MetaValue::U32(0))
        });
        let mut args = vec![
            "probe",
            "--model",
            zero.to_str().expect("path"),
            "--no-precheck",
        ];
        args.extend_from_slice(QUICK);
        let o = tco(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains("llama.cpp"), "{err}");
        assert!(
            String::from_utf8_lossy(&o.stdout).trim().is_empty(),
            "no backtrace on stdout"
        );
    }
}

/// Imports the real llama-bench sample into `dir/bench.yaml` and writes a
/// scenario `dir/s.yaml` whose one local option reads it.
fn calibrated_scenario(dir: &Path) -> (PathBuf, PathBuf) {
    let sample =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/llama-bench-sample.json");
    let cal = dir.join("bench.yaml");
    let o = tco(&[
        "probe",
        "import",
        sample.to_str().expect("path"),
        "--out",
        cal.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let scenario = dir.join("s.yaml");
    std::fs::write(
        &scenario,
        "name: calibrated box vs API\ncurrency: USD\nworkload:\n  tokens_per_month: 10M\n\
         api:\n  - name: some api\n    input_per_mtok: 1.00\n    output_per_mtok: 4.00\n\
         local:\n  - name: measured box\n    owned: {price: 2000, amortization_months: 36}\n    \
         throughput: {calibration: bench.yaml, concurrency: 1}\n",
    )
    .expect("write");
    (cal, scenario)
}

#[test]
fn a_scenario_reads_its_throughput_from_a_calibration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, scenario) = calibrated_scenario(dir.path());
    // Run from elsewhere: the calibration path is relative to the scenario.
    let o = Command::new(env!("CARGO_BIN_EXE_tco"))
        .args([
            "report",
            scenario.to_str().expect("path"),
            "--format",
            "json",
        ])
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run tco");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let t = &report["local"][0]["throughput"];
    assert_eq!(
        t["decode_tokens_per_second"].as_str().map(|s| &s[..8]),
        Some("3924.943")
    );
    assert!(
        t["source"]
            .as_str()
            .unwrap_or("")
            .contains("llama-bench import"),
        "{t}"
    );
}

/// `simulate` takes a calibrated throughput's measured spread as its
/// distribution: normal, the measured mean and run-to-run sd.
#[test]
fn simulate_uses_a_calibrations_measured_spread() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (cal, scenario) = calibrated_scenario(dir.path());
    let measured = tco_core::input::calibration::Calibration::parse(
        &std::fs::read_to_string(&cal).expect("written"),
    )
    .expect("core reads it")
    .throughput(1)
    .expect("concurrency 1");
    let o = tco(&[
        "simulate",
        scenario.to_str().expect("path"),
        "--samples",
        "500",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let sim: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let inputs = sim["inputs"].as_array().expect("inputs");
    let decode = inputs
        .iter()
        .find(|i| i["path"] == "local[0].throughput.calibration (decode)")
        .expect("the decode rate is uncertain");
    assert_eq!(decode["source"], "calibration");
    assert_eq!(decode["dist"], "normal");
    assert_eq!(
        decode["sd"].as_str(),
        Some(measured.decode.sd.to_string().as_str())
    );
    assert_eq!(
        decode["mean"].as_str(),
        Some(measured.decode.mean.to_string().as_str())
    );
}
