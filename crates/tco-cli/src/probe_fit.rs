//! `tco probe --bandwidth` (this machine's memory bandwidth) and `tco probe
//! fit` (the roofline's efficiencies fitted to a calibration).

use crate::probe::{ProbeArgs, ProbeCommand, ProbeFormat};
use anyhow::{bail, Context};
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use std::io::Write;
use tco_core::input::calibration::Calibration;
use tco_core::model::estimate::{
    fit_compute_efficiency, fit_decode_compute_efficiency, fit_memory_efficiency, ComputePeak,
    MachineSpecs, ModelLoad,
};
use tco_core::model::fit::Quant;

fn print(text: &str) -> anyhow::Result<i32> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        r => r.map(|()| 0).context("cannot write the output"),
    }
}

/// `tco probe --bandwidth`.
pub fn bandwidth(args: &ProbeArgs) -> anyhow::Result<i32> {
    if args.buffer_mib == 0 || args.buffer_mib > 65_536 {
        bail!(
            "--buffer-mib {}: out of range\n  allowed: 1 to 65,536 MiB",
            args.buffer_mib
        );
    }
    let threads = match args.threads {
        Some(0) | None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        Some(t) => t as usize,
    };
    let rounds = args.reps.clamp(1, 1000) as usize;
    let b = tco_probe::bandwidth::measure(args.buffer_mib, threads, rounds);
    let gbs = |x: f64| Decimal::from_f64(x).map_or(Decimal::ZERO, |d| d.round_dp(2));
    let text = match args.output.format {
        ProbeFormat::Json => {
            serde_json::to_string_pretty(&serde_json::json!({
                "memory_bandwidth_gbs": gbs(b.median_gbs),
                "rounds_gbs": b.rounds_gbs.iter().map(|x| gbs(*x)).collect::<Vec<_>>(),
                "threads": b.threads,
                "buffer_bytes": b.buffer_bytes,
            }))? + "\n"
        }
        ProbeFormat::Table => format!(
            "memory bandwidth: {} GB/s (median of {} rounds; {} threads streaming {} MiB)\nrounds: {}\nA CPU's figure: a GPU's memory is not measured here. Compare with `memory_bandwidth_gbs` in the hardware table (tco hardware show ID).\n",
            gbs(b.median_gbs),
            b.rounds_gbs.len(),
            b.threads,
            b.buffer_bytes >> 20,
            b.rounds_gbs
                .iter()
                .map(|x| format!("{} GB/s", gbs(*x)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    print(&text)
}

/// `tco probe fit CALIBRATION --machine ID --model …`.
pub fn run(args: &ProbeArgs) -> anyhow::Result<i32> {
    let Some(ProbeCommand::Fit {
        calibration,
        machine,
        model,
        params_b,
        active_params_b,
        quant,
        format,
        tables,
    }) = &args.command
    else {
        bail!("tco probe fit: no calibration given");
    };
    let t = crate::load::tables(tables)?;
    let Some(h) = t.hardware.get(machine) else {
        let hint = tco_core::error::did_you_mean(
            machine,
            t.hardware.hardware.iter().map(|m| m.id.as_str()),
        )
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
        bail!("--machine {machine}: not in the hardware table{hint}\n  allowed: an id listed by `tco hardware list`");
    };
    let Some(q) = Quant::parse(quant) else {
        let names: Vec<&str> = Quant::ALL.iter().map(|q| q.name()).collect();
        bail!(
            "--quant {quant}: not a known quantization\n  allowed: {}",
            names.join(", ")
        );
    };
    let (params, active) = match (model, params_b) {
        (Some(id), _) => {
            let Some(m) = crate::cmd::machines::MODELS
                .iter()
                .find(|m| m.0 == id.to_lowercase())
            else {
                bail!(
                    "--model {id}: not a model tco knows\n  allowed: one of: {}, or --params-b N",
                    crate::cmd::machines::MODELS
                        .iter()
                        .map(|m| m.0)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            };
            let p: Decimal = m.1.parse().unwrap_or(Decimal::ZERO);
            let a = m.2.and_then(|a| a.parse().ok());
            (p, a)
        }
        (None, Some(p)) => (*p, None),
        (None, None) => {
            bail!("no model given\n  allowed: --model ID or --params-b N (the model the calibration measured)")
        }
    };
    if params <= Decimal::ZERO {
        bail!("--params-b {params}: not above zero\n  allowed: billions of parameters above 0");
    }
    let active = active_params_b.or(active).unwrap_or(params);
    if active <= Decimal::ZERO || active > params {
        bail!("--active-params-b {active}: out of range\n  allowed: above 0, at most the model's {params} B parameters");
    }
    let text = crate::load::read_text(calibration)?;
    let name = calibration.display().to_string();
    let cal = Calibration::parse(&text).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let m = cal
        .throughput(1)
        .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let (prompt, output) = cal.file().settings.as_ref().map_or((200, 500), |s| {
        (u64::from(s.prompt_tokens), u64::from(s.gen_tokens))
    });
    // The file's size is the best weight figure; else params × bits.
    let weight_bytes = match m.model_bytes {
        Some(b) if b > 0 => Decimal::from(b),
        _ => params * Decimal::from(1_000_000_000u64) * q.bits_per_weight() / Decimal::from(8),
    };
    let shape = tco_core::model::fit::ModelShape {
        id: None,
        params_b: params,
        active_params_b: Some(active),
        quant: q,
        context: 4096,
        concurrency: 1,
        layers: None,
        kv_heads: None,
        head_dim: None,
    };
    let load = ModelLoad {
        weight_bytes,
        active_params_b: active,
        kv_bytes_per_token: shape.kv_bytes_per_token(),
        prompt_tokens: prompt.max(1),
        output_tokens: output.max(1),
    };
    // The same peak the estimate will use on this machine, so the fitted
    // compute η means the same thing there.
    let picked = MachineSpecs::of_machine(h);
    let specs = picked.map(|(s, _)| s);
    let peak_text = match picked {
        None => "no FP16 TFLOPS".to_string(),
        Some((s, ComputePeak::Fp16)) => format!("{} FP16 TFLOPS", s.peak_tflops.normalize()),
        Some((s, ComputePeak::Int8)) => format!("{} INT8 TOPS", s.peak_tflops.normalize()),
    };
    let specs_for_memory = specs.unwrap_or(MachineSpecs {
        memory_gb: h.memory_gb,
        memory_bandwidth_gbs: h.memory_bandwidth_gbs,
        peak_tflops: Decimal::ZERO,
        step_overhead_s: tco_core::model::estimate::step_overhead(&h.platform),
    });
    let mem = fit_memory_efficiency(specs_for_memory, load, m.decode.mean);
    let cmp = specs.and_then(|s| fit_compute_efficiency(s, load, m.prefill.mean));
    let Some(mem) = mem else {
        bail!(
            "{name}: cannot fit the memory efficiency: a single-stream decode of {} tokens/s is faster than the roofline's fixed {} ms a step allows (or the machine has no bandwidth); is the model or machine right?",
            m.decode.mean.normalize(),
            specs_for_memory.step_overhead_s * 1e3
        );
    };
    // Batched decode's own compute efficiency, from the largest concurrency
    // measured, where that level was compute-bound (a CPU's usually is).
    let batched = cal
        .concurrencies()
        .into_iter()
        .filter(|&c| c > 1)
        .max()
        .and_then(|c| cal.throughput(c).ok().map(|t| (c, t.decode.mean)));
    let dec = match (specs, batched) {
        (Some(s), Some((c, agg))) => {
            fit_decode_compute_efficiency(s, load, mem, u64::from(c), agg).map(|d| (c, agg, d))
        }
        _ => None,
    };
    let dec_yaml = dec.map_or(String::new(), |(_, _, d)| {
        format!(", decode_compute: {}", d.normalize())
    });
    let dec_line = match (dec, batched) {
        _ if specs.is_none() => "\n  batched decode efficiency not fitted: the machine has no fp16_tflops in the hardware table".to_string(),
        (Some((c, agg, d)), _) => format!(
            "\n  batched decode efficiency {}: {} tokens/s at concurrency {c}",
            d.normalize(),
            agg.normalize()
        ),
        (None, Some((c, agg))) => format!(
            "\n  batched decode efficiency not fitted: {} tokens/s at concurrency {c} is within 1.2× of what the bandwidth allows, so it says nothing about compute",
            agg.normalize()
        ),
        (None, None) => "\n  batched decode efficiency not fitted: no concurrency above 1 measured (tco probe --concurrency 1,4,8)".to_string(),
    };
    // The `source` the scenario keeps and the report quotes: the file's
    // name (not its folder), the machine and the day of the fit, within the
    // reader's length limit.
    let file = calibration
        .file_name()
        .map_or(name.clone(), |f| f.to_string_lossy().into_owned());
    let today = crate::load::date(None)?;
    let tail = format!(" on {} (tco probe fit, {today})", h.id);
    let room = tco_core::model::estimate::MAX_EFFICIENCY_SOURCE_CHARS
        .saturating_sub("fitted to ".chars().count() + tail.chars().count());
    let file = if file.chars().count() > room {
        let keep: String = file.chars().take(room.saturating_sub(1)).collect();
        format!("{keep}…")
    } else {
        file
    };
    let source = format!("fitted to {file}{tail}");
    // JSON's string syntax is YAML's double-quoted one.
    let quoted = serde_json::to_string(&source)?;
    let snippet = match cmp {
        Some(c) => format!(
            "efficiency: {{memory: {}, compute: {}{dec_yaml}, source: {quoted}}}\n",
            mem.normalize(),
            c.normalize()
        ),
        None => format!(
            "efficiency: {{memory: {}, source: {quoted}}}   # compute not fitted: {}\n",
            mem.normalize(),
            if h.fp16_tflops.is_none() {
                "the machine has no fp16_tflops in the hardware table"
            } else {
                "no prefill rate measured"
            }
        ),
    };
    let out = match format {
        ProbeFormat::Json => {
            serde_json::to_string_pretty(&serde_json::json!({
                "machine": h.id,
                "calibration": name,
                "efficiency": {"memory": mem, "compute": cmp, "decode_compute": dec.map(|d| d.2)},
                "source": {"from": "fitted", "calibration": name},
                "measured": {
                    "decode_tokens_per_second": m.decode.mean,
                    "prefill_tokens_per_second": m.prefill.mean,
                    "batched_decode": batched.map(|(c, agg)| serde_json::json!({
                        "concurrency": c,
                        "aggregate_tokens_per_second": agg,
                    })),
                    "prompt_tokens": prompt,
                    "output_tokens": output,
                },
                "weight_bytes": weight_bytes,
                "yaml": snippet.trim_end(),
            }))? + "\n"
        }
        ProbeFormat::Table => format!(
            "Fitted to {name} on {} ({} GB/s, {peak_text}):\n  memory efficiency {}: single-stream decode {} tokens/s with {} GB of weights and {prompt} + {output} tokens of context\n  compute efficiency {}: prefill {} tokens/s of {} B active parameters{dec_line}\n\nFor a scenario's `throughput: {{estimate: roofline, …}}`:\n  {snippet}",
            h.name,
            h.memory_bandwidth_gbs.normalize(),
            mem.normalize(),
            m.decode.mean.normalize(),
            (weight_bytes / Decimal::from(1_000_000_000u64)).round_dp(2),
            cmp.map_or("—".to_string(), |c| c.normalize().to_string()),
            m.prefill.mean.normalize(),
            active.normalize(),
        ),
    };
    print(&out)
}
