//! Real inference through llama.cpp on generated tiny models, in a worker
//! process. Kept small: the whole module runs in seconds on 2 cores.

use tco_probe::calibration::{Settings, TestKind};
use tco_probe::gguf::MetaValue;
use tco_probe::synth::Quant;
use tco_probe::{run_probe, run_synthetic, ProbeError, ProbeOptions};

use crate::support::{tiny, tiny_model, worker};

fn quick() -> Settings {
    Settings {
        prompt_tokens: 32,
        gen_tokens: 16,
        reps: 3,
        warmup: 1,
        threads: 2,
        concurrency: vec![1, 4],
        pp_tokens: 64,
        tg_tokens: 16,
        ..Settings::default()
    }
}

#[test]
fn probes_a_tiny_model_of_each_quantization() {
    let dir = tempfile::tempdir().unwrap();
    for quant in [Quant::F16, Quant::Q8_0, Quant::Q4K] {
        let path = tiny_model(dir.path(), &format!("tiny-{quant}.gguf"), quant, |_| {});
        let mut opts = ProbeOptions::new(&path);
        opts.settings = quick();
        opts.bandwidth_gbs = Some(10_000.0);
        let mut updates = 0;
        let cal = run_probe(&worker(), &opts, &mut |_| {
            updates += 1;
            true
        })
        .unwrap_or_else(|e| panic!("{quant}: {e}"));
        assert!(updates > 0);
        let s = cal.summary.as_ref().unwrap();
        assert_eq!(s.prefill_tps.n, 3);
        assert!(s.prefill_tps.mean > 0.0 && s.decode_tps.mean > 0.0);
        assert!(s.ttft_s.as_ref().unwrap().mean > 0.0);
        assert_eq!(s.concurrency.len(), 2);
        assert_eq!(s.concurrency[1].concurrency, 4);
        assert!(s.pp.is_some() && s.tg.is_some());
        assert!(s.efficiency.unwrap() > 0.0);
        assert_eq!(cal.model.as_ref().unwrap().params, Some(tiny().params()));
        assert_eq!(
            cal.model.as_ref().unwrap().sha256.as_ref().map(String::len),
            Some(64)
        );
        // 3 reps each of prefill, ttft, decode, decode×4, pp, tg.
        assert_eq!(cal.samples.len(), 18);
        assert!(cal
            .samples
            .iter()
            .any(|x| x.test == TestKind::Decode && x.concurrency == 4 && x.tokens == 64));
    }
}

#[test]
fn synthetic_probe_deletes_its_model() {
    let mut opts = ProbeOptions::new("unused");
    opts.settings = Settings {
        reps: 2,
        concurrency: vec![1],
        pp_tokens: 0,
        tg_tokens: 0,
        ..quick()
    };
    let before = count_synthetic_temp_files();
    let cal = run_synthetic(&worker(), &tiny(), Quant::Q4K, &opts, &mut |_| true).unwrap();
    assert_eq!(
        cal.model.as_ref().unwrap().synthetic.as_deref(),
        Some("tiny")
    );
    assert!(cal.warnings[0].contains("meaningless"));
    assert_eq!(count_synthetic_temp_files(), before);
}

fn count_synthetic_temp_files() -> usize {
    std::fs::read_dir(std::env::temp_dir())
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with("tco-synthetic-tiny-Q4_K")
                })
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn an_abort_in_llama_cpp_is_an_error_not_a_crash() {
    // Skip the pre-check so the malformed file reaches llama.cpp, which
    // aborts on block_count = 0; only the worker dies.
    let dir = tempfile::tempdir().unwrap();
    let path = tiny_model(dir.path(), "zero.gguf", Quant::Q8_0, |w| {
        w.set_meta("llama.block_count", MetaValue::U32(0))
    });
    let mut opts = ProbeOptions::new(&path);
    opts.settings = quick();
    opts.precheck = false;
    let err = run_probe(&worker(), &opts, &mut |_| true).unwrap_err();
    assert!(
        matches!(err, ProbeError::Crashed { .. } | ProbeError::Engine(_)),
        "{err:?}"
    );
    eprintln!("reported as: {err}");
}

#[test]
fn cancelling_stops_the_worker() {
    let dir = tempfile::tempdir().unwrap();
    let path = tiny_model(dir.path(), "c.gguf", Quant::Q8_0, |_| {});
    let mut opts = ProbeOptions::new(&path);
    opts.settings = Settings {
        gen_tokens: 100_000,
        ..quick()
    };
    opts.settings.ctx = 0;
    let mut seen = 0;
    let err = run_probe(&worker(), &opts, &mut |u| {
        if u.total > 0 {
            seen += 1;
        }
        seen < 3
    })
    .unwrap_err();
    assert!(matches!(err, ProbeError::Cancelled), "{err:?}");
}
