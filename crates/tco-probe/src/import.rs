//! `tco probe import`: llama-bench's JSON output (`llama-bench -o json`) as
//! a calibration file. llama-bench's schema grows with every release, so
//! unknown fields are ignored here, and only the fields used are required.

use serde::Deserialize;

use crate::calibration::{
    summarize, CalibrationFile, MachineInfo, ModelInfo, Sample, Settings, TestKind, FORMAT,
};

/// One llama-bench result row.
#[derive(Debug, Clone, Deserialize)]
pub struct BenchRecord {
    #[serde(default)]
    pub cpu_info: String,
    #[serde(default)]
    pub gpu_info: String,
    #[serde(default)]
    pub backends: String,
    #[serde(default)]
    pub model_filename: String,
    #[serde(default)]
    pub model_type: String,
    #[serde(default)]
    pub model_size: u64,
    #[serde(default)]
    pub model_n_params: Option<u64>,
    #[serde(default)]
    pub n_batch: u32,
    #[serde(default)]
    pub n_threads: u32,
    #[serde(default)]
    pub n_gpu_layers: i32,
    pub n_prompt: u32,
    pub n_gen: u32,
    #[serde(default)]
    pub n_depth: u32,
    #[serde(default)]
    pub test_time: String,
    pub samples_ns: Vec<u64>,
}

/// Turns llama-bench's JSON text into a calibration file. `pp` rows give
/// prefill, `tg` rows decode at concurrency 1; every sample is kept.
pub fn from_llama_bench(text: &str) -> Result<CalibrationFile, String> {
    let records: Vec<BenchRecord> = serde_json::from_str(text).map_err(|e| {
        format!("not llama-bench JSON output (expected an array of results from `llama-bench -o json`): {e}")
    })?;
    let first = records
        .first()
        .ok_or("the llama-bench output holds no results")?;
    let pp = records
        .iter()
        .find(|r| r.n_prompt > 0 && r.n_gen == 0)
        .ok_or(
        "the llama-bench output has no prompt-processing (pp) result; run llama-bench with -p 512",
    )?;
    let tg = records
        .iter()
        .find(|r| r.n_gen > 0 && r.n_prompt == 0)
        .ok_or(
            "the llama-bench output has no generation (tg) result; run llama-bench with -n 128",
        )?;
    let mut warnings = Vec::new();
    if records
        .iter()
        .any(|r| r.model_filename != first.model_filename)
    {
        warnings.push(format!(
            "the llama-bench output measures several models; only {} is used",
            first.model_filename
        ));
    }
    let mut samples = Vec::new();
    for (kind, tokens_of, rec) in [
        (TestKind::Pp, pp.n_prompt, pp),
        (TestKind::Tg, tg.n_gen, tg),
    ] {
        for (i, ns) in rec.samples_ns.iter().enumerate() {
            if *ns == 0 {
                return Err(format!(
                    "a llama-bench sample of {} ns cannot be a rate",
                    ns
                ));
            }
            let s = Sample {
                test: kind,
                concurrency: 1,
                rep: i as u32,
                tokens: u64::from(tokens_of),
                seconds: *ns as f64 / 1e9,
            };
            // The same timings stand for the probe's prefill and decode rows.
            samples.push(Sample {
                test: if kind == TestKind::Pp {
                    TestKind::Prefill
                } else {
                    TestKind::Decode
                },
                ..s.clone()
            });
            samples.push(s);
        }
    }
    let settings = Settings {
        prompt_tokens: pp.n_prompt,
        gen_tokens: tg.n_gen,
        reps: pp.samples_ns.len() as u32,
        warmup: 1,
        ctx: pp.n_prompt + tg.n_gen,
        batch: pp.n_batch,
        gpu_layers: pp.n_gpu_layers,
        threads: pp.n_threads,
        concurrency: vec![1],
        pp_tokens: pp.n_prompt,
        tg_tokens: tg.n_gen,
    };
    let summary = summarize(&samples, &settings, first.model_size, None, &mut warnings)?;
    let file = first
        .model_filename
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(&first.model_filename)
        .to_string();
    let quantization = first
        .model_type
        .split_whitespace()
        .last()
        .unwrap_or("unknown")
        .to_string();
    Ok(CalibrationFile::in_process(
        FORMAT,
        "llama-bench import",
        if first.test_time.is_empty() {
            crate::calibration::now_rfc3339()
        } else {
            first.test_time.clone()
        },
        MachineInfo {
            cpu: first.cpu_info.clone(),
            cores: 0,
            threads: first.n_threads,
            backend: if first.backends.is_empty() {
                "CPU".to_string()
            } else {
                first.backends.clone()
            },
            gpu: Some(first.gpu_info.clone()).filter(|g| !g.is_empty()),
            memory_bytes: None,
            os: None,
            hardware_id: None,
            bandwidth_gbs: None,
        },
        ModelInfo {
            file,
            bytes: first.model_size,
            params: first.model_n_params,
            quantization,
            sha256: None,
            architecture: first
                .model_type
                .split_whitespace()
                .next()
                .map(str::to_string),
            synthetic: None,
        },
        settings,
        samples,
        summary,
        warnings,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_tolerated_and_missing_tests_explained() {
        let text = r#"[{"n_prompt": 512, "n_gen": 0, "samples_ns": [1000000000, 500000000],
                        "brand_new_field": {"x": 1}, "model_filename": "m/a.gguf",
                        "model_type": "llama 1B Q8_0", "model_size": 100}]"#;
        let err = from_llama_bench(text).unwrap_err();
        assert!(err.contains("no generation (tg)"), "{err}");
        let text = text.replace(
            "}]",
            r#"}, {"n_prompt": 0, "n_gen": 128, "samples_ns": [1000000000, 1000000000]}]"#,
        );
        let c = from_llama_bench(&text).unwrap();
        // pp: 512 tokens in 1 s and 0.5 s → 512 and 1024 tok/s.
        let summary = c.summary.as_ref().unwrap();
        assert_eq!(summary.prefill_tps.mean, 768.0);
        assert_eq!(summary.decode_tps.mean, 128.0);
        let model = c.model.as_ref().unwrap();
        assert_eq!(model.file, "a.gguf");
        assert_eq!(model.quantization, "Q8_0");
    }

    #[test]
    fn garbage_is_explained() {
        let err = from_llama_bench("{\"not\": \"an array\"}").unwrap_err();
        assert!(err.contains("llama-bench"), "{err}");
    }
}
