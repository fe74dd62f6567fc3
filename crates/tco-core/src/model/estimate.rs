//! Throughput estimated from a machine's specs (the roofline rule), for
//! hardware the user does not own yet.
//!
//! One decode step of a batch of `B` streams reads every weight once and each
//! stream's KV cache, and does `2 · active params` FLOPs per stream:
//!
//! ```text
//! t(B) = max[ (W + B · ctx · kv) / (η_mem · BW),  2 · P_active · B / (η_flops · F) ] + overhead
//! ```
//!
//! with `W` the weight bytes, `ctx` the mean context a stream holds while it
//! decodes (prompt + half the output), `kv` the KV-cache bytes per token,
//! `BW` the memory bandwidth and `F` the peak dense FLOPS. The decode step's
//! `η_flops` is [`Efficiency::decode_compute`] where set (a CPU's batched
//! decode reaches well under prefill's share of the peak), else prefill's
//! [`Efficiency::compute`]. Per-stream decode
//! is `1 / t(B)`, the aggregate `B / t(B)`. Prefill of a prompt of `p`
//! tokens takes `max[W / (η_mem · BW), 2 · P_active · p / (η_flops · F)]`.
//!
//! Requests are modelled in a closed loop, as a server probe measures them:
//! each of the `B` streams sends a prompt, reads the answer, and sends the
//! next. Prefill and decode take turns (llama.cpp and most servers without
//! chunked prefill), so in one cycle the machine prefills `B` prompts and runs
//! `O` decode steps: `E2E(B) = B · prefill(p) + O · t(B)`; TTFT is the
//! stream's own prefill plus, on average, half the other streams' prefills
//! queued before it; TPOT = (E2E − TTFT) / (O − 1). Total tokens/s =
//! `B · (p + O) / E2E(B)`. The batch grows 1, 2, 4, … while the weights and
//! `B` full contexts fit in memory.
//!
//! Figures are f64 (rates, not money) rounded to what a report shows; the
//! same inputs give the same figures on every platform, wasm32 included.

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::load_curve::{LoadCurve, LoadLevel, Metric, Stat, PERCENTILES};
use crate::model::prices::Hardware;

/// How much of the peak a real server reaches.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Efficiency {
    /// Share of the memory bandwidth decode reaches.
    pub memory: Decimal,
    /// Share of the peak dense FLOPS prefill reaches.
    pub compute: Decimal,
    /// Share of the peak dense FLOPS a batched decode step reaches, where it
    /// differs from prefill's `compute`: set by default on CPUs
    /// ([`CPU_DECODE_COMPUTE_SHARE`]), absent (the same as `compute`) on
    /// accelerators.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decode_compute: Option<Decimal>,
}

impl Efficiency {
    /// The compute efficiency a decode step uses.
    pub fn decode(&self) -> Decimal {
        self.decode_compute.unwrap_or(self.compute)
    }
}

/// On a CPU, the share of prefill's compute efficiency that batched decode
/// reaches. Decode multiplies a few rows of activations by each weight
/// matrix, where prefill multiplies hundreds: llama.cpp's CPU matrix kernels
/// reach far less of the peak on the thin product (its threads split and
/// sync per matrix, and each weight block is dequantized for few rows).
/// Measured on this project's test machine with six generated models
/// (125M and 1B; F16, Q8_0, Q4_K): batched decode at 8 sequences ran at
/// 0.34–0.53 of the FLOPS rate of a 512-token prefill, 0.4 in the middle
/// (tests/model/EXPECTED.md, "The estimate against this machine").
/// Accelerators have no such default: their measured decode stays
/// memory-bound to large batches, and no measurement here says otherwise.
pub const CPU_DECODE_COMPUTE_SHARE: Decimal = Decimal::from_parts(4, 0, 0, false, 1);

/// The decode compute efficiency a machine of `platform` gets with a prefill
/// compute efficiency `compute`, where none is written.
pub fn default_decode_compute(platform: &str, compute: Decimal) -> Option<Decimal> {
    (platform == "cpu").then(|| (compute * CPU_DECODE_COMPUTE_SHARE).round_dp(4))
}

/// Where an efficiency came from, for the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum EfficiencySource {
    /// The defaults for the machine's kind (see [`default_efficiency`]).
    Default { kind: String },
    /// Written in the scenario.
    Scenario,
    /// Written in the scenario with where the figures came from
    /// (`efficiency: {…, source: "fitted to cal.yaml (tco probe fit, …)"}`),
    /// which the report quotes.
    Written { source: String },
    /// Fitted to a measurement of the same machine.
    Fitted { calibration: String },
}

/// The longest `efficiency.source` text, in characters.
pub const MAX_EFFICIENCY_SOURCE_CHARS: usize = 200;

/// Default efficiencies by machine kind, with the reasoning a report can cite.
///
/// Memory: decode on GPUs reaches 60–80 % of the bandwidth on vendors'
/// kernels (the "memory bandwidth utilization" that inference engineering
/// write-ups report for batch-1 decode); unified-memory and CPU machines reach
/// less of their quoted figure. Compute: prefill on GPUs reaches roughly half
/// of the dense peak; CPUs much less of their INT8 peak (the one they are
/// estimated at, [`MachineSpecs::of_machine`]): 0.26–0.39 for the generated
/// F16, Q8_0 and Q4_K models on this project's 2-core test machine, so 0.3
/// (tests/model/EXPECTED.md, "The estimate against this machine"). Each
/// default is the middle of the range and [`efficiency_range`] gives the ends
/// for `simulate`.
pub fn default_efficiency(kind: &str) -> Efficiency {
    let (m, c) = match kind {
        "gpu" | "server" => (Decimal::new(75, 2), Decimal::new(50, 2)),
        "apple" | "unified" | "workstation" => (Decimal::new(65, 2), Decimal::new(40, 2)),
        _ => (Decimal::new(50, 2), Decimal::new(30, 2)),
    };
    Efficiency {
        memory: m,
        compute: c,
        decode_compute: default_decode_compute(kind, c),
    }
}

/// The low and high ends around an efficiency: ±20 % of it, capped at 0.95.
pub fn efficiency_range(e: Efficiency) -> (Efficiency, Efficiency) {
    let lo = |x: Decimal| (x * Decimal::new(8, 1)).round_dp(4);
    let hi = |x: Decimal| {
        (x * Decimal::new(12, 1))
            .min(Decimal::new(95, 2))
            .round_dp(4)
    };
    (
        Efficiency {
            memory: lo(e.memory),
            compute: lo(e.compute),
            decode_compute: e.decode_compute.map(lo),
        },
        Efficiency {
            memory: hi(e.memory),
            compute: hi(e.compute),
            decode_compute: e.decode_compute.map(hi),
        },
    )
}

/// What the estimate needs to know of the machine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MachineSpecs {
    pub memory_gb: Decimal,
    pub memory_bandwidth_gbs: Decimal,
    /// Peak dense rate of the whole unit in the precision the kernels
    /// compute in, trillions of operations a second: FP16/BF16 TFLOPS, or
    /// INT8 TOPS where [`MachineSpecs::of_machine`] picks it.
    pub peak_tflops: Decimal,
    /// Fixed cost of one decode step, seconds: [`STEP_OVERHEAD_SECONDS`],
    /// or [`CPU_STEP_OVERHEAD_SECONDS`] on a CPU.
    pub step_overhead_s: f64,
}

/// Which of the machine's peaks the compute term uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComputePeak {
    /// `fp16_tflops`: GPUs and unified-memory machines, and CPUs that
    /// publish no INT8 figure.
    Fp16,
    /// `int8_tops`: every weight format on a CPU.
    Int8,
}

impl MachineSpecs {
    /// The specs the roofline uses on the machine `h`, whatever the weight
    /// format, and the peak it picked; None when `h` publishes no FP16
    /// figure.
    ///
    /// On a CPU (`platform: cpu`) the compute term uses `int8_tops`, where
    /// the table gives it, for every weight format: the CPU's one compute
    /// ceiling, of which `η_flops` is the share llama.cpp reaches. Its
    /// integer formats (Q8_0, the K-quants, Q4_0) multiply by activations
    /// quantized to 8 bits with 8-bit dot products (AVX2's `vpmaddubsw`,
    /// AVX-512 VNNI, Arm's `sdot`) and spend much of that rate unpacking
    /// blocks and applying scales; F16 runs FP32 FMAs at the cores' boost
    /// clock. Measured on this project's test machine, the two end at the
    /// same rate: prefill of F16, Q8_0 and Q4_K models reached 160–242
    /// GFLOP/s (0.26–0.39 of its INT8 peak) in no order of format, so an
    /// efficiency fitted on one format carries over to the others, where a
    /// peak per format made a fit on Q4_K miss F16 by 3×
    /// (tests/model/EXPECTED.md, "The estimate against this machine").
    /// On GPUs the serving kernels (vLLM's Marlin, most of llama.cpp's CUDA
    /// paths for large batches) dequantize to FP16 and run FP16 tensor cores:
    /// the FP16 peak stays, whatever the format.
    pub fn of_machine(h: &Hardware) -> Option<(MachineSpecs, ComputePeak)> {
        let fp16 = h.fp16_tflops?;
        let (peak, which) = match h.int8_tops {
            Some(int8) if h.platform == "cpu" => (int8, ComputePeak::Int8),
            _ => (fp16, ComputePeak::Fp16),
        };
        Some((
            MachineSpecs {
                memory_gb: h.memory_gb,
                memory_bandwidth_gbs: h.memory_bandwidth_gbs,
                peak_tflops: peak,
                step_overhead_s: step_overhead(&h.platform),
            },
            which,
        ))
    }
}

/// What the estimate needs to know of the model and the requests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelLoad {
    /// Bytes of all weights (every expert of a mixture-of-experts model).
    pub weight_bytes: Decimal,
    /// Parameters used per token (the active ones for mixture-of-experts), billions.
    pub active_params_b: Decimal,
    /// KV-cache bytes per token of context.
    pub kv_bytes_per_token: Decimal,
    /// Prompt tokens per request.
    pub prompt_tokens: u64,
    /// Output tokens per request.
    pub output_tokens: u64,
}

impl ModelLoad {
    /// Bytes one decode step of `batch` streams reads: every weight once and
    /// each stream's KV cache at its mean context (prompt + half the output).
    fn decode_step_bytes(&self, batch: f64) -> f64 {
        let ctx_mean = self.prompt_tokens.max(1) as f64 + self.output_tokens.max(1) as f64 / 2.0;
        f(self.weight_bytes) + batch * ctx_mean * f(self.kv_bytes_per_token)
    }
}

/// Fixed cost of one decode step on an accelerator (kernel launches,
/// sampling, a server's scheduling), s.
pub const STEP_OVERHEAD_SECONDS: f64 = 0.002;

/// Fixed cost of one decode step on a CPU, s. There are no kernel launches:
/// llama.cpp's per-token cost beyond the weights is building the graph and
/// syncing the threads. Measured on the test machine, a generated model of
/// 0.3 MB decodes at about 9,900 tokens/s on 2 threads (0.1 ms a token,
/// everything included), and with the accelerator's 2 ms the 125M models'
/// measured decode was faster than any bandwidth allows
/// (tests/model/EXPECTED.md, "The estimate against this machine").
pub const CPU_STEP_OVERHEAD_SECONDS: f64 = 0.0001;

/// The step overhead for a machine's `platform`.
pub fn step_overhead(platform: &str) -> f64 {
    if platform == "cpu" {
        CPU_STEP_OVERHEAD_SECONDS
    } else {
        STEP_OVERHEAD_SECONDS
    }
}

/// The largest batch considered.
pub const MAX_BATCH: u64 = 1024;

/// What bounds a decode step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    Memory,
    Compute,
}

/// One modelled load level: `batch` concurrent streams.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EstimatedLevel {
    pub batch: u64,
    pub bound: Bound,
    /// Decode tokens/s of one stream.
    pub per_stream_decode_tps: Decimal,
    /// Decode tokens/s of all streams together, without prefill.
    pub aggregate_decode_tps: Decimal,
    /// Prompt and output tokens/s of the whole node in the closed loop.
    pub total_tps: Decimal,
    /// Output tokens/s of the whole node in the closed loop.
    pub output_tps: Decimal,
    pub ttft_ms: Decimal,
    pub tpot_ms: Decimal,
    pub e2e_ms: Decimal,
}

/// The modelled curve and the single-figure rates a scenario uses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub efficiency: Efficiency,
    /// Prefill tokens/s of one prompt of the workload's length.
    pub prefill_tps: Decimal,
    pub levels: Vec<EstimatedLevel>,
    /// Why the batch stopped growing where it did.
    pub batch_limit: BatchLimit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchLimit {
    /// The next doubling would not fit weights + KV caches in memory.
    Memory,
    /// [`MAX_BATCH`] reached.
    MaxBatch,
}

/// The modelled curve at the efficiency in use and at the ends of its range
/// ([`efficiency_range`]), with the capacity picked from it: what a chart of
/// the estimate draws (tco-chart's `CurveChart`).
#[derive(Debug, Clone, PartialEq)]
pub struct EstimateCurves {
    /// The curve at the efficiency the report uses.
    pub point: Estimate,
    /// The curve at the low end of the range (0.8 × η).
    pub low: Estimate,
    /// The curve at the high end of the range (1.2 × η, at most 0.95).
    pub high: Estimate,
    /// The capacity the report uses, picked from `point`; None when no
    /// batch size meets the latency targets.
    pub capacity: Option<crate::model::load_curve::SloCapacity>,
}

/// Why no estimate can be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EstimateError {
    /// The weights and one stream's context do not fit in memory.
    DoesNotFit {
        needed_gb: String,
        memory_gb: String,
    },
    /// A spec is zero or missing.
    MissingSpec(&'static str),
}

impl std::fmt::Display for EstimateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EstimateError::DoesNotFit {
                needed_gb,
                memory_gb,
            } => write!(
                f,
                "the model needs {needed_gb} GB for its weights and one stream's context, the machine has {memory_gb} GB"
            ),
            EstimateError::MissingSpec(what) => {
                write!(f, "the machine has no {what} to estimate from")
            }
        }
    }
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// A rate or time to 4 significant digits, as a decimal.
fn d4(x: f64) -> Decimal {
    Decimal::from_f64(x)
        .map(|d| d.round_sf(4).unwrap_or(d).normalize())
        .unwrap_or(Decimal::ZERO)
}

/// The roofline estimate of a node's load curve.
pub fn roofline(
    machine: MachineSpecs,
    load: ModelLoad,
    eff: Efficiency,
) -> Result<Estimate, EstimateError> {
    let bw = f(machine.memory_bandwidth_gbs) * 1e9 * f(eff.memory);
    let flops = f(machine.peak_tflops) * 1e12 * f(eff.compute);
    let decode_flops = f(machine.peak_tflops) * 1e12 * f(eff.decode());
    if bw <= 0.0 {
        return Err(EstimateError::MissingSpec("memory bandwidth"));
    }
    if flops <= 0.0 || decode_flops <= 0.0 {
        return Err(EstimateError::MissingSpec("peak TFLOPS"));
    }
    let w = f(load.weight_bytes);
    let kv = f(load.kv_bytes_per_token);
    let p_active = f(load.active_params_b) * 1e9;
    let prompt = load.prompt_tokens.max(1) as f64;
    let out = load.output_tokens.max(1) as f64;
    let ctx_full = prompt + out;
    let mem = f(machine.memory_gb) * 1e9;
    let fits = |b: u64| w + b as f64 * ctx_full * kv <= mem;
    if !fits(1) {
        return Err(EstimateError::DoesNotFit {
            needed_gb: format!("{:.2}", (w + ctx_full * kv) / 1e9),
            memory_gb: machine.memory_gb.normalize().to_string(),
        });
    }
    let prefill_s = (w / bw).max(2.0 * p_active * prompt / flops);
    let mut levels = Vec::new();
    let mut b = 1u64;
    let batch_limit = loop {
        let mem_s = load.decode_step_bytes(b as f64) / bw;
        let cmp_s = 2.0 * p_active * b as f64 / decode_flops;
        let (step, bound) = if cmp_s > mem_s {
            (cmp_s, Bound::Compute)
        } else {
            (mem_s, Bound::Memory)
        };
        let t = step + machine.step_overhead_s;
        let bf = b as f64;
        let e2e = bf * prefill_s + out * t;
        let ttft = prefill_s * (1.0 + (bf - 1.0) / 2.0);
        let tpot = if out > 1.0 {
            (e2e - ttft) / (out - 1.0)
        } else {
            t
        };
        levels.push(EstimatedLevel {
            batch: b,
            bound,
            per_stream_decode_tps: d4(1.0 / t),
            aggregate_decode_tps: d4(bf / t),
            total_tps: d4(bf * (prompt + out) / e2e),
            output_tps: d4(bf * out / e2e),
            ttft_ms: d4(ttft * 1e3),
            tpot_ms: d4(tpot * 1e3),
            e2e_ms: d4(e2e * 1e3),
        });
        if b >= MAX_BATCH {
            break BatchLimit::MaxBatch;
        }
        if !fits(b * 2) {
            break BatchLimit::Memory;
        }
        b *= 2;
    };
    Ok(Estimate {
        efficiency: eff,
        prefill_tps: d4(prompt / prefill_s),
        levels,
        batch_limit,
    })
}

/// The request a workload sends, for the estimate: `prompt` tokens from
/// `workload.prompt_tokens_per_request` and output tokens in the workload's
/// mix (`prompt × (1 − input_share) / input_share`, at least 1). Without a
/// prompt length, one request fills the model's `context` in that mix.
pub fn request_shape(prompt: Option<u64>, input_share: Decimal, context: u64) -> (u64, u64) {
    let share = input_share.clamp(Decimal::new(1, 4), Decimal::ONE);
    match prompt {
        Some(p) => {
            let out = (Decimal::from(p) * (Decimal::ONE - share) / share)
                .round()
                .to_u64()
                .unwrap_or(u64::MAX);
            (p.max(1), out.max(1))
        }
        None => {
            let c = Decimal::from(context.max(2));
            let p = (c * share).round().to_u64().unwrap_or(1).max(1);
            let out = context.max(2).saturating_sub(p).max(1);
            (p, out)
        }
    }
}

impl Estimate {
    /// The modelled curve as a [`LoadCurve`], one level per batch size, so
    /// that [`LoadCurve::capacity`] picks from it as from a measured one. The
    /// model has no spread: every percentile is the modelled figure, and ITL
    /// is TPOT.
    pub fn load_curve(&self, load: &ModelLoad, source: String) -> LoadCurve {
        let levels = self
            .levels
            .iter()
            .map(|l| {
                let mut latency_ms = Vec::new();
                for p in PERCENTILES {
                    for (metric, v) in [
                        (Metric::Ttft, l.ttft_ms),
                        (Metric::Tpot, l.tpot_ms),
                        (Metric::Itl, l.tpot_ms),
                        (Metric::E2e, l.e2e_ms),
                    ] {
                        latency_ms.push((
                            Stat {
                                metric,
                                percentile: p,
                            },
                            v,
                        ));
                    }
                }
                LoadLevel {
                    concurrency: u32::try_from(l.batch).unwrap_or(u32::MAX),
                    total_tokens_per_second: l.total_tps,
                    output_tokens_per_second: Some(l.output_tps),
                    latency_ms,
                    prompt_tokens_per_request: Some(Decimal::from(load.prompt_tokens.max(1))),
                    output_tokens_per_request: Some(Decimal::from(load.output_tokens.max(1))),
                }
            })
            .collect();
        LoadCurve { levels, source }
    }
}

/// The memory efficiency that makes the roofline's batch-1 decode equal a
/// measured single-stream decode rate on the same machine (capped at 1).
pub fn fit_memory_efficiency(
    machine: MachineSpecs,
    load: ModelLoad,
    measured_decode_tps: Decimal,
) -> Option<Decimal> {
    let m = f(measured_decode_tps);
    if m <= 0.0 {
        return None;
    }
    let t = 1.0 / m - machine.step_overhead_s;
    if t <= 0.0 {
        return None;
    }
    let bytes = load.decode_step_bytes(1.0);
    let bw = f(machine.memory_bandwidth_gbs) * 1e9;
    if bw <= 0.0 {
        return None;
    }
    Some(d4((bytes / t / bw).min(1.0)))
}

/// The compute efficiency that makes the roofline's prefill equal a measured
/// prefill rate (prompt tokens/s) on the same machine (capped at 1).
pub fn fit_compute_efficiency(
    machine: MachineSpecs,
    load: ModelLoad,
    measured_prefill_tps: Decimal,
) -> Option<Decimal> {
    let m = f(measured_prefill_tps);
    let flops = f(machine.peak_tflops) * 1e12;
    let p_active = f(load.active_params_b) * 1e9;
    if m <= 0.0 || flops <= 0.0 || p_active <= 0.0 {
        return None;
    }
    Some(d4((2.0 * p_active * m / flops).min(1.0)))
}

/// The decode compute efficiency that makes the roofline's decode of `batch`
/// streams equal a measured aggregate decode rate on the same machine, given
/// the memory efficiency fitted at batch 1 (capped at 1). None where that
/// measurement is (near) memory-bound — the step takes less than 1.2× the
/// time the bandwidth alone needs, so it says nothing about compute — or
/// the inputs are not usable.
pub fn fit_decode_compute_efficiency(
    machine: MachineSpecs,
    load: ModelLoad,
    memory: Decimal,
    batch: u64,
    measured_aggregate_tps: Decimal,
) -> Option<Decimal> {
    let m = f(measured_aggregate_tps);
    let flops = f(machine.peak_tflops) * 1e12;
    let bw = f(machine.memory_bandwidth_gbs) * 1e9 * f(memory);
    let p_active = f(load.active_params_b) * 1e9;
    if batch < 2 || m <= 0.0 || flops <= 0.0 || bw <= 0.0 || p_active <= 0.0 {
        return None;
    }
    let b = batch as f64;
    let t = b / m - machine.step_overhead_s;
    let mem_s = load.decode_step_bytes(b) / bw;
    if t <= 1.2 * mem_s {
        return None;
    }
    Some(d4((2.0 * p_active * b / (flops * t)).min(1.0)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// Llama 3.3 70B at Q4_K_M (4.85 bits): 42.4375 GB of weights, 80 layers ×
    /// 8 KV heads × 128 dims × 2 (K and V) × 2 bytes = 327,680 bytes a token.
    fn llama70b_q4() -> ModelLoad {
        ModelLoad {
            weight_bytes: dec("42437500000"),
            active_params_b: dec("70"),
            kv_bytes_per_token: dec("327680"),
            prompt_tokens: 200,
            output_tokens: 500,
        }
    }

    #[test]
    fn batch_one_decode_is_bandwidth_over_bytes_plus_overhead() {
        // 800 GB/s at η 0.75 = 600 GB/s; bytes = 42.4375e9 + 450 · 327,680
        // = 42,584,956,000; t = 0.07097492667 + 0.002 = 0.07297492667 s
        // → 13.70 tok/s per stream.
        let m = MachineSpecs {
            memory_gb: dec("128"),
            memory_bandwidth_gbs: dec("800"),
            peak_tflops: dec("30"),
            step_overhead_s: STEP_OVERHEAD_SECONDS,
        };
        let e = roofline(m, llama70b_q4(), default_efficiency("apple")).unwrap();
        let eff = default_efficiency("apple");
        assert_eq!(eff.memory, dec("0.65"));
        // at 0.65: 520 GB/s → t = 42,584,956,000 / 520e9 + 0.002 = 0.0838941462 s → 11.92
        assert_eq!(e.levels[0].per_stream_decode_tps, dec("11.92"));
        assert_eq!(e.levels[0].bound, Bound::Memory);
        let e = roofline(
            m,
            llama70b_q4(),
            Efficiency {
                memory: dec("0.75"),
                compute: dec("0.4"),
                decode_compute: None,
            },
        )
        .unwrap();
        assert_eq!(e.levels[0].per_stream_decode_tps, dec("13.70"));
    }

    #[test]
    fn batch_grows_while_it_fits_and_aggregate_rises() {
        // 4 × A100 80 GB: 320 GB, 8,156 GB/s, 1,248 TFLOPS dense FP16.
        let m = MachineSpecs {
            memory_gb: dec("320"),
            memory_bandwidth_gbs: dec("8156"),
            peak_tflops: dec("1248"),
            step_overhead_s: STEP_OVERHEAD_SECONDS,
        };
        let e = roofline(m, llama70b_q4(), default_efficiency("gpu")).unwrap();
        // KV per full stream = 700 · 327,680 = 229,376,000 B; (320e9 − 42.4375e9)
        // / 229,376,000 = 1,210.1 streams: batches 1..1024 all fit.
        assert_eq!(e.batch_limit, BatchLimit::MaxBatch);
        assert_eq!(e.levels.len(), 11);
        for pair in e.levels.windows(2) {
            assert!(pair[1].aggregate_decode_tps > pair[0].aggregate_decode_tps);
            assert!(pair[1].per_stream_decode_tps <= pair[0].per_stream_decode_tps);
            assert!(pair[1].ttft_ms >= pair[0].ttft_ms);
        }
    }

    #[test]
    fn a_model_that_does_not_fit_is_an_error() {
        let m = MachineSpecs {
            memory_gb: dec("24"),
            memory_bandwidth_gbs: dec("1008"),
            peak_tflops: dec("165"),
            step_overhead_s: STEP_OVERHEAD_SECONDS,
        };
        let err = roofline(m, llama70b_q4(), default_efficiency("gpu")).unwrap_err();
        assert!(err.to_string().contains("42.67 GB"), "{err}");
    }

    #[test]
    fn fitted_efficiency_reproduces_the_measurement() {
        let m = MachineSpecs {
            memory_gb: dec("64"),
            memory_bandwidth_gbs: dec("400"),
            peak_tflops: dec("27"),
            step_overhead_s: STEP_OVERHEAD_SECONDS,
        };
        let eta = fit_memory_efficiency(m, llama70b_q4(), dec("5")).unwrap();
        let e = roofline(
            m,
            llama70b_q4(),
            Efficiency {
                memory: eta,
                compute: dec("0.4"),
                decode_compute: None,
            },
        )
        .unwrap();
        let got = e.levels[0].per_stream_decode_tps;
        assert!((got - dec("5")).abs() <= dec("0.01"), "{got}");
        let etc = fit_compute_efficiency(m, llama70b_q4(), dec("100")).unwrap();
        // 2 · 70e9 · 100 / 27e12 = 0.5185
        assert_eq!(etc, dec("0.5185"));
    }

    /// A machine entry read as the hardware table reads it, with `compute`
    /// its peak lines (`fp16_tflops`, `int8_tops`) or none.
    fn machine(platform: &str, compute: &str) -> Hardware {
        let yaml = format!(
            "hardware:\n  - id: x/y\n    price: 1\n    memory_gb: 64\n    memory_bandwidth_gbs: 100\n    load_watts: 10\n    compute_source: \"sheet\"\n    platform: {platform}\n{compute}"
        );
        crate::model::prices::HardwareTable::parse(&yaml, "hw.yaml")
            .unwrap()
            .hardware
            .remove(0)
    }

    #[test]
    fn a_cpu_computes_at_its_int8_peak_in_every_format() {
        let cpu = machine("cpu", "    fp16_tflops: 2\n    int8_tops: 8\n");
        let (s, peak) = MachineSpecs::of_machine(&cpu).unwrap();
        assert_eq!((s.peak_tflops, peak), (dec("8"), ComputePeak::Int8));
        assert_eq!(
            (s.memory_gb, s.memory_bandwidth_gbs),
            (dec("64"), dec("100"))
        );
        // No kernel launches on a CPU: the small step overhead.
        assert_eq!(s.step_overhead_s, CPU_STEP_OVERHEAD_SECONDS);
        // No published INT8 figure: the FP16 one.
        let bare = machine("cpu", "    fp16_tflops: 2\n");
        let (s, peak) = MachineSpecs::of_machine(&bare).unwrap();
        assert_eq!((s.peak_tflops, peak), (dec("2"), ComputePeak::Fp16));
        // GPUs keep FP16 (dequantizing kernels), INT8 figure or not.
        let gpu = machine("gpu", "    fp16_tflops: 2\n    int8_tops: 8\n");
        let (s, peak) = MachineSpecs::of_machine(&gpu).unwrap();
        assert_eq!((s.peak_tflops, peak), (dec("2"), ComputePeak::Fp16));
        assert_eq!(s.step_overhead_s, STEP_OVERHEAD_SECONDS);
        // No FP16 figure at all: no specs to estimate from.
        assert_eq!(MachineSpecs::of_machine(&machine("cpu", "")), None);
        // Prefill of a compute-bound prompt is 4x faster at a 4x peak.
        let load = ModelLoad {
            weight_bytes: dec("70000000"),
            active_params_b: dec("0.125"),
            kv_bytes_per_token: dec("18432"),
            prompt_tokens: 512,
            output_tokens: 1,
        };
        let eff = default_efficiency("cpu");
        let fp = roofline(MachineSpecs::of_machine(&bare).unwrap().0, load, eff).unwrap();
        let int = roofline(MachineSpecs::of_machine(&cpu).unwrap().0, load, eff).unwrap();
        assert_eq!(int.prefill_tps, fp.prefill_tps * dec("4"));
    }

    #[test]
    fn range_brackets_the_point() {
        let (lo, hi) = efficiency_range(default_efficiency("gpu"));
        assert_eq!(lo.memory, dec("0.6"));
        assert_eq!(hi.memory, dec("0.9"));
        assert_eq!(lo.compute, dec("0.4"));
        assert_eq!(hi.compute, dec("0.6"));
        assert_eq!((lo.decode_compute, hi.decode_compute), (None, None));
        // A CPU's decode efficiency: 0.4 × 0.3, and its range 0.096–0.144.
        let cpu = default_efficiency("cpu");
        assert_eq!((cpu.memory, cpu.compute), (dec("0.5"), dec("0.3")));
        assert_eq!(cpu.decode_compute, Some(dec("0.12")));
        assert_eq!(cpu.decode(), dec("0.12"));
        let (lo, hi) = efficiency_range(cpu);
        assert_eq!(lo.decode_compute, Some(dec("0.096")));
        assert_eq!(hi.decode_compute, Some(dec("0.144")));
        // Accelerators decode at prefill's efficiency.
        for kind in ["gpu", "server", "apple", "unified", "workstation"] {
            let e = default_efficiency(kind);
            assert_eq!((e.decode_compute, e.decode()), (None, e.compute), "{kind}");
        }
    }

    /// A 2-core CPU as measured for tests/model/EXPECTED.md: 22.93 GB/s,
    /// 0.626 INT8 TOPS; a 125M model of 80 MB without KV cache (so the
    /// arithmetic stays by hand).
    fn small_cpu() -> (MachineSpecs, ModelLoad) {
        (
            MachineSpecs {
                memory_gb: dec("25"),
                memory_bandwidth_gbs: dec("22.93"),
                peak_tflops: dec("0.626"),
                step_overhead_s: CPU_STEP_OVERHEAD_SECONDS,
            },
            ModelLoad {
                weight_bytes: dec("80000000"),
                active_params_b: dec("0.125"),
                kv_bytes_per_token: Decimal::ZERO,
                prompt_tokens: 64,
                output_tokens: 128,
            },
        )
    }

    #[test]
    fn batched_decode_computes_at_the_decode_efficiency() {
        let (m, load) = small_cpu();
        let eff = |d: Option<&str>| Efficiency {
            memory: Decimal::ONE,
            compute: dec("0.4"),
            decode_compute: d.map(dec),
        };
        // B = 8 at η_decode 0.16: 2 · 0.125e9 · 8 / (0.626e12 · 0.16)
        // = 0.019968051 s, above the 8e7 / 22.93e9 = 0.003488879 s the
        // weights take; + 0.1 ms → 8 / 0.020068051 = 398.6 tokens/s.
        let e = roofline(m, load, eff(Some("0.16"))).unwrap();
        let b8 = e.levels.iter().find(|l| l.batch == 8).unwrap();
        assert_eq!(
            (b8.aggregate_decode_tps, b8.bound),
            (dec("398.6"), Bound::Compute)
        );
        // Batch 1 stays memory-bound (0.002496 s of compute < 0.003489 s):
        // 1 / 0.003588879 = 278.6 tokens/s.
        assert_eq!(e.levels[0].per_stream_decode_tps, dec("278.6"));
        assert_eq!(e.levels[0].bound, Bound::Memory);
        // Without a decode efficiency, decode computes at prefill's 0.4:
        // 0.007987220 + 0.0001 s → 989.2 tokens/s; prefill is the same.
        let same = roofline(m, load, eff(None)).unwrap();
        let b8 = same.levels.iter().find(|l| l.batch == 8).unwrap();
        assert_eq!(b8.aggregate_decode_tps, dec("989.2"));
        assert_eq!(same.prefill_tps, e.prefill_tps);
    }

    #[test]
    fn fitted_decode_efficiency_reproduces_the_batched_measurement() {
        let (m, load) = small_cpu();
        let measured = dec("398.64359288682283");
        assert_eq!(
            fit_decode_compute_efficiency(m, load, Decimal::ONE, 8, measured),
            Some(dec("0.16"))
        );
        // A measurement at the bandwidth's pace says nothing about compute.
        let memory_bound = Decimal::from_f64(8.0 / (0.003488879 + 0.0001)).unwrap();
        assert_eq!(
            fit_decode_compute_efficiency(m, load, Decimal::ONE, 8, memory_bound),
            None
        );
        // Batch 1 is prefill's and memory's business; nothing is fitted.
        assert_eq!(
            fit_decode_compute_efficiency(m, load, Decimal::ONE, 1, measured),
            None
        );
        assert_eq!(
            fit_decode_compute_efficiency(m, load, Decimal::ONE, 8, Decimal::ZERO),
            None
        );
    }
}
