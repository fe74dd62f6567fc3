//! llama-bench's JSON output imported as a calibration file.

use tco_probe::calibration::{CalibrationFile, TestKind};
use tco_probe::import::from_llama_bench;

use crate::support::sample_bench_json;

#[test]
fn the_sample_file_imports_with_llama_bench_figures() {
    let cal = from_llama_bench(&sample_bench_json()).unwrap();
    // llama-bench's avg_ts is the mean of its per-sample rates: 12014.16 (pp512)
    // and 3924.94 (tg128); our rates come from samples_ns and agree to 0.01 %.
    let pp = cal.summary.as_ref().unwrap().pp.as_ref().unwrap();
    assert_eq!(pp.tokens, 512);
    assert!(
        (pp.tps.mean / 12014.155887 - 1.0).abs() < 1e-4,
        "{}",
        pp.tps.mean
    );
    assert!(
        (pp.tps.sd / 13680.054362 - 1.0).abs() < 1e-3,
        "{}",
        pp.tps.sd
    );
    let tg = cal.summary.as_ref().unwrap().tg.as_ref().unwrap();
    assert!(
        (tg.tps.mean / 3924.942993 - 1.0).abs() < 1e-4,
        "{}",
        tg.tps.mean
    );
    assert_eq!(cal.summary.as_ref().unwrap().prefill_tps, pp.tps);
    assert_eq!(cal.summary.as_ref().unwrap().decode_tps, tg.tps);
    assert_eq!(
        cal.samples
            .iter()
            .filter(|s| s.test == TestKind::Pp)
            .count(),
        5
    );
    assert_eq!(cal.machine.as_ref().unwrap().cpu, "AMD EPYC");
    assert_eq!(cal.machine.as_ref().unwrap().threads, 2);
    assert_eq!(cal.model.as_ref().unwrap().file, "tiny-f32.gguf");
    assert_eq!(cal.model.as_ref().unwrap().bytes, 2_132_480);
    assert_eq!(cal.model.as_ref().unwrap().params, Some(533_120));
    assert_eq!(cal.model.as_ref().unwrap().quantization, "F32");
    assert_eq!(cal.date, "2026-11-20T19:27:11Z");
    assert_eq!(cal.source, "llama-bench import");
    // Hand check of the interval: 5 samples, t(0.975, 4) = 2.776445.
    let [lo, hi] = pp.tps.ci95.unwrap();
    let half = 2.776445 * pp.tps.sd / 5f64.sqrt();
    assert!((hi - lo - 2.0 * half).abs() < 1e-3 * half);
}

#[test]
fn calibration_round_trips_through_yaml_and_json() {
    let cal = from_llama_bench(&sample_bench_json()).unwrap();
    for name in ["c.yaml", "c.json"] {
        let text = cal.to_text(name).unwrap();
        assert_eq!(text.trim_start().starts_with('{'), name.ends_with(".json"));
        assert_eq!(CalibrationFile::from_text(&text).unwrap(), cal);
    }
}

#[test]
fn unknown_fields_in_a_calibration_file_are_refused() {
    let cal = from_llama_bench(&sample_bench_json()).unwrap();
    let text = cal
        .to_text("c.yaml")
        .unwrap()
        .replace("source:", "sauce: x\nsource:");
    let err = CalibrationFile::from_text(&text).unwrap_err();
    assert!(err.contains("sauce"), "{err}");
}
