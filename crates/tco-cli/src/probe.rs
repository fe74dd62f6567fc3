//! `tco probe`: measure the tokens per second this machine delivers with
//! llama.cpp, or import llama-bench's output, and write a calibration file.
//!
//! The measuring is tco-probe's; this module reads the flags, draws the
//! progress bar, prints the results and writes `--out` atomically.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use clap::{Args, Subcommand, ValueEnum};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tco_probe::calibration::{CalibrationFile, Settings};
use tco_probe::stats::Summary;
use tco_probe::synth::{Quant, Shape, SHAPES};
use tco_probe::{ProbeError, ProbeOptions, ProgressUpdate};

/// Measure the tokens per second this machine delivers (llama.cpp), or a
/// running inference server under load (`--server URL`).
///
/// Loads a GGUF model (`--model`) or a random-weight one of a named shape
/// (`--synthetic`) and measures prefill and decode tokens/s, time to first
/// token and aggregate decode at several concurrencies, each with mean,
/// standard deviation and 95 % interval. With `--server URL` it streams chat
/// completions from a server (vLLM, llama-server, Ollama, LM Studio, MLX,
/// SGLang, TGI) at each `--concurrency` (or `--rate`) and reports TTFT,
/// TPOT, ITL and end-to-end latency percentiles and tokens/s per level.
/// `--out` writes a calibration file a scenario reads with
/// `throughput: {calibration: FILE, concurrency: N}`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ProbeArgs {
    #[command(subcommand)]
    pub command: Option<ProbeCommand>,

    /// The GGUF model file to measure (with --server: the model name the
    /// server serves; default the first it lists).
    #[arg(long, value_name = "FILE.gguf|NAME", conflicts_with = "synthetic")]
    pub model: Option<PathBuf>,
    /// Measure the inference server at this URL (http://HOST:PORT) instead
    /// of running llama.cpp here; needs no `llama` feature.
    #[arg(long, value_name = "URL", conflicts_with = "synthetic")]
    pub server: Option<String>,
    /// With --server: the API to use; `auto` asks the server (/v1/models,
    /// /api/version, /props).
    #[arg(long, value_enum, default_value_t = ApiArg::Auto)]
    pub api: ApiArg,
    /// With --server: the name of an environment variable holding the API
    /// key (sent as a bearer token; never printed or written).
    #[arg(long, value_name = "VAR")]
    pub api_key_env: Option<String>,
    /// With --server: open-loop levels instead of concurrencies, requests
    /// per second with Poisson arrivals (comma-separated).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "REQ/S",
        conflicts_with = "concurrency",
        allow_negative_numbers = true
    )]
    pub rate: Vec<f64>,
    /// With --server: timed requests per level after the warm-up
    /// (default: 4 per stream, at least 16).
    #[arg(long, value_name = "N", conflicts_with = "duration")]
    pub requests: Option<u32>,
    /// With --server: seconds per level instead of a number of requests
    /// (`30`, `30s`, `2m`).
    #[arg(long, value_name = "TIME")]
    pub duration: Option<String>,
    /// With --server: seconds a request may take before it counts as a
    /// timeout (`120`, `2m`).
    #[arg(long, value_name = "TIME", default_value = "120")]
    pub timeout: String,
    /// With --server: seed of the prompts and of open-loop arrivals.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// With --server: run every level even when one is failing or saturated.
    #[arg(long)]
    pub no_early_stop: bool,
    /// Measure a random-weight model of this shape instead (tiny, 125m, 1b, 3b, 8b);
    /// written to a temporary file and deleted afterwards. Only its speed means anything.
    #[arg(long, value_name = "SHAPE")]
    pub synthetic: Option<String>,
    /// Weight type of the synthetic model: f16, q8_0 or q4_k.
    #[arg(long, default_value = "q4_k", requires = "synthetic")]
    pub quant: String,
    /// Prompt tokens per request.
    #[arg(long, default_value_t = 200)]
    pub prompt_tokens: u32,
    /// Tokens generated per request.
    #[arg(long, visible_alias = "output-tokens", default_value_t = 500)]
    pub gen_tokens: u32,
    /// Timed repetitions of each test (after one warm-up).
    #[arg(long, default_value_t = 5)]
    pub reps: u32,
    /// CPU threads (default: the physical cores).
    #[arg(long)]
    pub threads: Option<u32>,
    /// Context size in tokens (default: just enough for the tests).
    #[arg(long)]
    pub ctx: Option<u32>,
    /// Layers offloaded to the GPU (default: all in a GPU build, else 0).
    #[arg(long, allow_negative_numbers = true)]
    pub gpu_layers: Option<i32>,
    /// Parallel sequences decoded together, comma-separated (default 1,4,8;
    /// with --server: requests in flight per level, default 1,2,4,8,16,32).
    #[arg(long, value_delimiter = ',')]
    pub concurrency: Vec<u32>,
    /// Prompt size of the llama-bench-style pp test (0 skips it).
    #[arg(long, default_value_t = 512)]
    pub pp: u32,
    /// Generation size of the llama-bench-style tg test (0 skips it).
    #[arg(long, default_value_t = 128)]
    pub tg: u32,
    /// This machine's memory bandwidth in GB/s: enables the plausibility
    /// ceiling (decode tok/s ≤ bandwidth / model bytes) and the efficiency figure.
    #[arg(long, value_name = "GB/s")]
    pub bandwidth_gbs: Option<f64>,
    /// This machine's id in pricing/hardware.yaml, recorded in the calibration.
    #[arg(long, value_name = "ID")]
    pub machine: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Measure this machine's memory bandwidth instead (all threads stream a
    /// large buffer; the median of --reps rounds), the figure the roofline
    /// estimate divides by.
    #[arg(long, conflicts_with_all = ["model", "server", "synthetic"])]
    pub bandwidth: bool,
    /// With --bandwidth: the buffer streamed, MiB (far larger than the caches).
    #[arg(
        long,
        value_name = "MIB",
        default_value_t = 1024,
        requires = "bandwidth"
    )]
    pub buffer_mib: usize,
    /// Show llama.cpp's own log.
    #[arg(long, short)]
    pub verbose: bool,
    /// Skip the file checks before loading (to test crash handling).
    #[arg(long, hide = true)]
    pub no_precheck: bool,
}

/// Where and how results go.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// How to print the results.
    #[arg(long, value_enum, default_value_t = ProbeFormat::Table)]
    pub format: ProbeFormat,
    /// Write the calibration file here (.yaml/.yml or .json by extension).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite --out if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum ProbeCommand {
    /// Turn another tool's results into a calibration file: llama-bench's
    /// JSON (`llama-bench -o json`), `vllm bench serve --save-result` files
    /// (one per load level; give several) or a guidellm report
    /// (`--output-path FILE.json`).
    Import {
        /// The result files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Fit the roofline estimate's efficiencies to a measurement: the share of
    /// the machine's bandwidth and FLOPS that the calibration's single-stream
    /// decode and prefill reached. Prints the `efficiency:` block a scenario's
    /// `throughput: {estimate: roofline}` takes.
    Fit {
        /// A calibration file (`tco probe --out`, `tco probe import`).
        calibration: PathBuf,
        /// The machine measured: an id of the hardware table.
        #[arg(long, value_name = "ID")]
        machine: String,
        /// The model measured: an open model tco knows (see `tco machines --help`).
        #[arg(long, value_name = "ID", conflicts_with = "params_b")]
        model: Option<String>,
        /// Or its size: parameters in billions.
        #[arg(long, value_name = "N")]
        params_b: Option<rust_decimal::Decimal>,
        /// Parameters used per token, billions (mixture of experts).
        #[arg(long, value_name = "N")]
        active_params_b: Option<rust_decimal::Decimal>,
        /// Its weight format (for the weight bytes when the calibration does not record the file size).
        #[arg(long, default_value = "Q4_K_M")]
        quant: String,
        /// How to print the result.
        #[arg(long, value_enum, default_value_t = ProbeFormat::Table)]
        format: ProbeFormat,
        #[command(flatten)]
        tables: crate::args::TableArgs,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApiArg {
    Auto,
    Openai,
    Ollama,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProbeFormat {
    Table,
    Json,
}

/// Runs `tco probe`; returns the exit code (errors are exit 1 in main).
pub fn run(args: &ProbeArgs) -> anyhow::Result<i32> {
    if let Some(ProbeCommand::Import { files, output }) = &args.command {
        let mut texts = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("{}: cannot read", file.display()))?;
            texts.push((file.display().to_string(), text));
        }
        if let [(name, text)] = texts.as_slice() {
            if text.trim_start().starts_with('[') {
                let cal = tco_probe::import::from_llama_bench(text)
                    .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
                return finish(&cal, output);
            }
        }
        return crate::server_probe::import(&texts, output);
    }
    if let Some(ProbeCommand::Fit { .. }) = &args.command {
        return crate::probe_fit::run(args);
    }
    if args.bandwidth {
        return crate::probe_fit::bandwidth(args);
    }
    if args.server.is_some() {
        return crate::server_probe::run(args);
    }
    let server_only = [
        ("--rate", !args.rate.is_empty()),
        ("--requests", args.requests.is_some()),
        ("--duration", args.duration.is_some()),
        ("--api-key-env", args.api_key_env.is_some()),
        ("--no-early-stop", args.no_early_stop),
        ("--api", args.api != ApiArg::Auto),
    ];
    if let Some((flag, _)) = server_only.iter().find(|(_, set)| *set) {
        eprintln!("error: {flag} measures a server: it needs --server URL\n\nFor more information, try 'tco probe --help'.");
        return Ok(2);
    }
    let settings = Settings {
        prompt_tokens: args.prompt_tokens,
        gen_tokens: args.gen_tokens,
        reps: args.reps,
        warmup: 1,
        ctx: args.ctx.unwrap_or(0),
        batch: 512,
        gpu_layers: args
            .gpu_layers
            .unwrap_or(if tco_probe::GPU_BUILD { -1 } else { 0 }),
        threads: args.threads.unwrap_or(0),
        concurrency: if args.concurrency.is_empty() {
            vec![1, 4, 8]
        } else {
            args.concurrency.clone()
        },
        pp_tokens: args.pp,
        tg_tokens: args.tg,
    };
    if let Some(bw) = args.bandwidth_gbs {
        if !(bw.is_finite() && bw > 0.0) {
            bail!("--bandwidth-gbs must be a positive number of GB/s, not {bw}");
        }
    }
    let mut opts = ProbeOptions::new(args.model.clone().unwrap_or_default());
    opts.settings = settings;
    opts.verbose = args.verbose;
    opts.precheck = !args.no_precheck;
    opts.hardware_id = args.machine.clone();
    opts.bandwidth_gbs = args.bandwidth_gbs;
    if let Some(out) = &args.output.out {
        crate::files::check_destination(out, args.output.force)?;
    }

    let synthetic = match &args.synthetic {
        Some(name) => {
            let shape = Shape::named(name).ok_or_else(|| {
                let names: Vec<&str> = SHAPES.iter().map(|s| s.name).collect();
                anyhow::anyhow!(
                    "unknown synthetic shape `{name}` (allowed: {})",
                    names.join(", ")
                )
            })?;
            let quant: Quant = args.quant.parse().map_err(|e: String| anyhow::anyhow!(e))?;
            Some((shape, quant))
        }
        None => None,
    };
    if synthetic.is_none() && args.model.is_none() {
        eprintln!(
            "error: tco probe needs --model FILE.gguf, --synthetic SHAPE or --server URL (or `tco probe import FILE.json`)\n\nFor more information, try 'tco probe --help'."
        );
        return Ok(2);
    }
    if let Some(model) = &args.model {
        // Check the file even in a build that cannot run it: a broken file is
        // worth knowing about before building llama.cpp.
        if opts.precheck {
            let memory_bytes = if opts.settings.gpu_layers == 0 {
                tco_probe::machine::detect().memory_bytes
            } else {
                None
            };
            let check = tco_probe::gguf::ValidateOptions {
                memory_bytes,
                kv_cells: 0,
            };
            tco_probe::gguf::validate(model, &check)
                .map_err(|e| anyhow::anyhow!("{}: {e}", model.display()))?;
        }
    }
    if !tco_probe::HAS_ENGINE {
        bail!("{}", tco_probe::HOW_TO_ENABLE);
    }
    let exe = std::env::current_exe()
        .context("cannot find the tco executable to run the probe worker")?;
    let bar = progress_bar();
    let mut on_progress = |u: &ProgressUpdate| {
        if u.total > 0 {
            if bar.length() != Some(u.total) {
                bar.set_length(u.total);
                bar.reset_eta();
            }
            bar.set_position(u.done);
        }
        bar.set_message(u.phase.clone());
        true
    };
    let result = match &synthetic {
        Some((shape, quant)) => {
            tco_probe::run_synthetic(&exe, shape, *quant, &opts, &mut on_progress)
        }
        None => tco_probe::run_probe(&exe, &opts, &mut on_progress),
    };
    bar.finish_and_clear();
    let cal = result.map_err(|e| match e {
        ProbeError::Model { .. } => anyhow::anyhow!("{e}"),
        e => anyhow::anyhow!("{}: {e}", opts.model.display()),
    })?;
    finish(&cal, &args.output)
}

pub(crate) fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {percent:>3}% ETA {eta} {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Prints the results and writes --out.
fn finish(cal: &CalibrationFile, output: &OutputArgs) -> anyhow::Result<i32> {
    for w in &cal.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(out) = &output.out {
        write_atomically(out, cal, output.force)?;
        eprintln!("wrote the calibration to {}", out.display());
    }
    let text = match output.format {
        ProbeFormat::Json => serde_json::to_string_pretty(cal)? + "\n",
        ProbeFormat::Table => table(cal),
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        r => r.map(|()| 0).context("cannot write the output"),
    }
}

fn write_atomically(out: &Path, cal: &CalibrationFile, force: bool) -> anyhow::Result<()> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = cal.to_text(&name).map_err(|e| anyhow::anyhow!(e))?;
    crate::files::write_atomic(out, text.as_bytes(), force)
}

fn fmt_rate(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn row(table: &mut Table, what: &str, s: &Summary, unit: &str, scale: f64) {
    let f = |x: f64| fmt_rate(x * scale);
    let ci = s
        .ci95
        .map(|[lo, hi]| format!("{} – {}", f(lo), f(hi)))
        .unwrap_or_else(|| "–".to_string());
    table.add_row(vec![
        what.to_string(),
        format!("{} {unit}", f(s.mean)),
        f(s.sd),
        ci,
        s.n.to_string(),
    ]);
}

/// The results as a table with a few header lines.
fn table(cal: &CalibrationFile) -> String {
    let (Some(m), Some(md), Some(s), Some(r)) =
        (&cal.machine, &cal.model, &cal.settings, &cal.summary)
    else {
        return crate::server_probe::table(cal);
    };
    let mut out = String::new();
    out.push_str(&format!(
        "model:   {} ({}, {}{}){}\n",
        md.file,
        md.quantization,
        tco_probe::human_bytes(md.bytes),
        md.params
            .map(|p| if p >= 1_000_000_000 {
                format!(", {:.2} B parameters", p as f64 / 1e9)
            } else {
                format!(", {:.1} M parameters", p as f64 / 1e6)
            })
            .unwrap_or_default(),
        if md.synthetic.is_some() {
            " — synthetic, speed only"
        } else {
            ""
        }
    ));
    out.push_str(&format!(
        "machine: {} ({}{}, {} threads)\n",
        m.cpu,
        m.backend,
        m.gpu
            .as_deref()
            .map(|g| format!(", {g}"))
            .unwrap_or_default(),
        m.threads
    ));
    out.push_str(&format!(
        "source:  {}, {}; {} prompt + {} generated tokens, {} reps\n",
        cal.source, cal.date, s.prompt_tokens, s.gen_tokens, s.reps
    ));
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(vec!["measure", "mean", "sd", "95 % interval", "n"]);
    row(&mut t, "prefill", &r.prefill_tps, "tok/s", 1.0);
    row(&mut t, "decode", &r.decode_tps, "tok/s", 1.0);
    if let Some(ttft) = &r.ttft_s {
        row(&mut t, "time to first token", ttft, "ms", 1000.0);
    }
    for c in r.concurrency.iter().filter(|c| c.concurrency > 1) {
        row(
            &mut t,
            &format!("decode, {} parallel (sum)", c.concurrency),
            &c.decode_tps,
            "tok/s",
            1.0,
        );
    }
    if let Some(pp) = &r.pp {
        row(&mut t, &format!("pp{}", pp.tokens), &pp.tps, "tok/s", 1.0);
    }
    if let Some(tg) = &r.tg {
        row(&mut t, &format!("tg{}", tg.tokens), &tg.tps, "tok/s", 1.0);
    }
    out.push_str(&t.to_string());
    out.push('\n');
    if let (Some(ceiling), Some(eff)) = (r.decode_ceiling_tps, r.efficiency) {
        out.push_str(&format!(
            "bandwidth ceiling: {} tok/s decode ({} GB/s / {}); efficiency {:.0} %\n",
            fmt_rate(ceiling),
            m.bandwidth_gbs.unwrap_or(0.0),
            tco_probe::human_bytes(md.bytes),
            eff * 100.0
        ));
    }
    out
}

/// The probe's worker entry point: `main` calls this first; in the worker
/// process (re-run of tco by the probe) it runs the measurement and returns
/// the exit code.
pub fn maybe_worker() -> Option<i32> {
    tco_probe::maybe_worker()
}
