//! The roofline estimate that `throughput: {estimate: roofline}` makes,
//! for one of the generated models on a machine given by its measured
//! bandwidth and peak FLOPS: what tests/tools/estimate-check.sh compares
//! with the probe's measurements. Prints tco-core's `Estimate` as JSON
//! (prefill tokens/s, and per batch size the per-stream and aggregate decode
//! tokens/s), at the CPU default efficiencies unless given.
//!
//!   roofline_here SHAPE QUANT BANDWIDTH_GBS GFLOPS MEMORY_GB PROMPT OUTPUT WEIGHT_BYTES [ETA_MEM ETA_CMP [ETA_DEC]]
//!
//! SHAPE is a generated shape (tiny, 125m, 1b, …), QUANT f16, q8_0 or q4_k
//! (tco's F16, Q8_0 and Q4_K_M), GFLOPS the compute peak the estimate uses
//! (a CPU's INT8 peak, as `MachineSpecs::of_machine` picks for a table
//! entry), WEIGHT_BYTES the model file's size (what `tco probe fit`
//! uses too). Without ETA_DEC, batched decode computes at the CPU share of
//! ETA_CMP, as a scenario that writes no `decode_compute` does.
//!
//!   roofline_here --params SHAPE      prints the shape's parameters, billions

use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use std::process::exit;
use tco_core::model::estimate::{
    default_efficiency, roofline, Efficiency, MachineSpecs, ModelLoad,
};
use tco_core::model::fit::{ModelShape, Quant};

fn number(what: &str, text: &str) -> Decimal {
    match text.parse::<Decimal>() {
        Ok(d) if d > Decimal::ZERO => d,
        _ => {
            eprintln!("{what}: {text:?} is not a positive number");
            exit(2)
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() == 2 && args[0] == "--params" {
        let Some(shape) = tco_probe::synth::Shape::named(&args[1]) else {
            eprintln!("unknown shape {}", args[1]);
            exit(2)
        };
        let b =
            Decimal::from_u64(shape.params()).unwrap_or_default() / Decimal::from(1_000_000_000u64);
        println!("{}", b.normalize());
        return;
    }
    if !matches!(args.len(), 8 | 10 | 11) {
        eprintln!("usage: roofline_here SHAPE QUANT BANDWIDTH_GBS GFLOPS MEMORY_GB PROMPT OUTPUT WEIGHT_BYTES [ETA_MEM ETA_CMP [ETA_DEC]]");
        exit(2);
    }
    let Some(shape) = tco_probe::synth::Shape::named(&args[0]) else {
        eprintln!("unknown shape {}", args[0]);
        exit(2)
    };
    let quant = match args[1].as_str() {
        "f16" => Quant::F16,
        "q8_0" => Quant::Q8_0,
        "q4_k" => Quant::Q4KM,
        other => Quant::parse(other).unwrap_or_else(|| {
            eprintln!("unknown quant {other}");
            exit(2)
        }),
    };
    let whole = |what: &str, text: &str| -> u64 {
        text.parse().unwrap_or_else(|_| {
            eprintln!("{what}: {text:?} is not a whole number");
            exit(2)
        })
    };
    let (prompt, output) = (whole("PROMPT", &args[5]), whole("OUTPUT", &args[6]));
    let params_b =
        Decimal::from_u64(shape.params()).unwrap_or_default() / Decimal::from(1_000_000_000u64);
    let model = ModelShape {
        id: None,
        params_b,
        active_params_b: None,
        quant,
        context: prompt + output,
        concurrency: 1,
        layers: Some(shape.n_layer),
        kv_heads: Some(shape.n_head_kv),
        head_dim: Some(shape.n_embd / shape.n_head.max(1)),
    };
    let machine = MachineSpecs {
        memory_gb: number("MEMORY_GB", &args[4]),
        memory_bandwidth_gbs: number("BANDWIDTH_GBS", &args[2]),
        peak_tflops: number("GFLOPS", &args[3]) / Decimal::from(1000),
        step_overhead_s: tco_core::model::estimate::step_overhead("cpu"),
    };
    let eff = if args.len() >= 10 {
        let compute = number("ETA_CMP", &args[9]);
        Efficiency {
            memory: number("ETA_MEM", &args[8]),
            compute,
            decode_compute: match args.get(10) {
                Some(d) => Some(number("ETA_DEC", d)),
                None => tco_core::model::estimate::default_decode_compute("cpu", compute),
            },
        }
    } else {
        default_efficiency("cpu")
    };
    let load = ModelLoad {
        weight_bytes: number("WEIGHT_BYTES", &args[7]),
        active_params_b: params_b,
        kv_bytes_per_token: model.kv_bytes_per_token(),
        prompt_tokens: prompt,
        output_tokens: output,
    };
    match roofline(machine, load, eff) {
        Ok(e) => match serde_json::to_string_pretty(&e) {
            Ok(json) => println!("{json}"),
            Err(err) => {
                eprintln!("{err}");
                exit(1)
            }
        },
        Err(err) => {
            eprintln!("{err}");
            exit(1)
        }
    }
}
