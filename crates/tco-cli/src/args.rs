//! Command-line arguments. The doc comments here are the `--help` text.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// tco: should you run LLM inference on your own hardware or buy it from an API?
///
/// tco prices each option in a scenario — API models by the token, machines you
/// own or rent by the month (hardware, power, staff, other costs) — and tells you
/// which is cheaper at your volume, where the break-even lies, and why.
#[derive(Debug, Parser)]
#[command(name = "tco", version, propagate_version = true, max_term_width = 100)]
#[command(after_help = "Examples:
  tco report                                  the bundled flagship scenario
  tco report scenarios/rtx4090-box.yaml       your own scenario file
  tco report --set workload.tokens_per_month=500M
  tco compare --volume 1B                     every API model vs your machines
  tco breakeven scenarios/lit-4xa100-vs-sonnet.yaml
  tco sweep --from 1M --to 10B --format csv > costs.csv
  tco npv                                     NPV and discounted payback of each pair
  tco hybrid --volume 5B                      the cheapest split between local and API
  tco prices import model_prices_and_context_window.json -o pricing/litellm.yaml

Exit codes: 0 success, 1 a problem with your input, 2 a mistake in the command line.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Tables as wide as their content (one line per row), whatever the
    /// terminal's width. Without it tables fit the terminal (or $COLUMNS),
    /// wrapping long cells.
    #[arg(long, global = true)]
    pub wide: bool,
}

// Parsed once per run; the probe's many flags make its variant the largest.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Monthly cost of every option, its breakdown, break-even volumes and the verdict.
    ///
    /// With no SCENARIO, runs the bundled flagship (scenarios/flagship.yaml).
    #[command(after_help = "Examples:
  tco report
  tco report my-team.yaml --format markdown
  tco report --set workload.tokens_per_month=2B --set 'local[0].staff.fte=0.5'
  tco report --plot costs.svg                 also draw cost against volume, break-evens marked")]
    Report(ReportArgs),
    /// Every model of the API price table against your local options at one volume, cheapest first.
    #[command(after_help = "Examples:
  tco compare                       at the flagship's workload volume
  tco compare my-team.yaml --volume 250M --vendor anthropic")]
    Compare(CompareArgs),
    /// Break-even token volume for each (local, API) pair: where owning starts to pay.
    #[command(
        after_help = "Statuses: `crosses` (local wins from a volume on, or within ranges), `never` (with the reason),
`always` (local wins at every volume it can serve). Volumes are tokens per month."
    )]
    Breakeven(ScenarioArgs),
    /// Each option's monthly cost over a range of volumes (for charts and spreadsheets).
    #[command(after_help = "Examples:
  tco sweep --from 1M --to 10B --points 50
  tco sweep --from 0 --to 2B --points 21 --spacing linear --format csv
  tco sweep --from 1M --to 100B --points 200 --plot sweep.svg")]
    Sweep(SweepArgs),
    /// Monte Carlo over the scenario's distributions: ranges of cost and break-even.
    ///
    /// Every input written as {dist: normal|lognormal|uniform|triangular|pert, …}
    /// (and a calibrated throughput's measured spread) is drawn per sample.
    #[command(after_help = "Examples:
  tco simulate scenarios/apple-64gb-workstation.yaml
  tco simulate --samples 100000 --seed 7 --format json
  tco simulate --set 'local[0].power.price_per_kwh={dist: uniform, min: 0.08, max: 0.20}'
  tco simulate --plot histogram.svg --local 'Owned 4x A100 80GB server(s)' --api 'Claude Sonnet 4.6'

Percentiles interpolate linearly (numpy's default). A break-even percentile reads `never`
when that share of samples never breaks even. The same seed gives the same numbers on
every platform.")]
    Simulate(SimulateArgs),
    /// Tornado: which inputs move the break-even volume and the monthly saving most.
    ///
    /// Each uncertain input is set to its P10 and its P90 with the others at their point
    /// values; --all also swings every plain numeric input ±20 %. Figures are exact reports.
    #[command(after_help = "Examples:
  tco sensitivity scenarios/apple-64gb-workstation.yaml
  tco sensitivity --all --top 5
  tco sensitivity --plot tornado.svg --tornado saving")]
    Sensitivity(SensitivityArgs),
    /// Net present value of going local instead of each API, month by month (needs a `finance:` block).
    ///
    /// Capital at month 0, flows at month ends, discounted at the annual rate / 12; volume
    /// growth, API price trend, hardware replacement and book value as README describes.
    #[command(after_help = "Examples:
  tco npv                                     the flagship: 36 months at 8 %
  tco npv --local 'Owned 4x A100 80GB server(s)' --api 'Claude Sonnet 4.6'
  tco npv --set finance.api_price_change_per_year=-0.3 --format csv > flows.csv
  tco npv my-team.yaml --set finance.horizon_months=48")]
    Npv(NpvArgs),
    /// Split the workload between a local option and an API: the cheapest local share.
    ///
    /// Shares 0, step, …, 1 of the volume go to the local option (with the workload's mix),
    /// the rest to the API; the points where local nodes are exactly full are checked too.
    #[command(after_help = "Examples:
  tco hybrid                                  the flagship at its volume
  tco hybrid --volume 5B --step 0.1
  tco hybrid --local 'Owned 4x A100 80GB server(s)' --api 'GPT-5 (OpenAI list price)'")]
    Hybrid(HybridArgs),
    /// Check scenario files and price tables without computing anything; exit 1 on the first problem.
    Validate(ValidateArgs),
    /// List, show or import API price tables.
    #[command(subcommand)]
    Prices(PricesCommand),
    /// List or show the machines and accelerators: price, memory, bandwidth, watts, rental prices.
    #[command(subcommand)]
    Hardware(HardwareCommand),
    /// Every machine of the hardware table, its throughput estimated for one model, ranked by cost per MTok.
    ///
    /// The throughput is the roofline estimate (docs/model.md) from each machine's memory
    /// bandwidth and FP16 FLOPS, under the latency targets; the costs are the report's for the
    /// scenario's workload with the machine owned at its table price.
    #[command(after_help = "Examples:
  tco machines --model llama-3.3-70b
  tco machines --params-b 32 --quant Q5_K_M --slo tpot_p95_ms=50
  tco machines --model gpt-oss-120b --slo tpot_p95_ms=50 --slo ttft_p95_ms=2000 --scenario my-team.yaml
  tco machines --model llama-3.1-8b --format json")]
    Machines(MachinesArgs),
    /// Measure the tokens per second this machine delivers (llama.cpp).
    Probe(crate::probe::ProbeArgs),
    /// The terminal calculator: change an input, watch the costs, break-even and verdict move.
    ///
    /// With no SCENARIO, opens the bundled flagship. Saving writes a new file
    /// (SCENARIO-edited.yaml by default); an existing file is replaced only after a yes.
    #[command(
        after_help = "Keys: ↑↓ select, +/− step, Enter type a value, u undo, s save, ? help, q quit.

Examples:
  tco tui
  tco tui scenarios/lit-4xa100-vs-sonnet.yaml"
    )]
    Tui(TuiArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = "Example:  tco completions bash > /etc/bash_completion.d/tco")]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned tables for reading.
    Table,
    /// One JSON object, full precision (field names in docs/formats.md).
    Json,
    /// Comma-separated values for spreadsheets, full precision.
    Csv,
    /// GitHub-flavoured Markdown tables.
    Markdown,
    /// One self-contained HTML page to print or hand on (`tco report` only).
    Html,
}

/// Where the price tables come from.
#[derive(Debug, Args, Clone)]
pub struct TableArgs {
    /// API price table to use instead of the bundled pricing/api.yaml.
    #[arg(long, value_name = "FILE", global = true)]
    pub pricing: Option<PathBuf>,
    /// Hardware table to use instead of the bundled pricing/hardware.yaml.
    #[arg(long, value_name = "FILE", global = true)]
    pub hardware: Option<PathBuf>,
    /// Use the prices in force on this day (default: today, UTC): a price entry's dated
    /// schedule picks its prices, and prices listed over 90 days before get a note.
    #[arg(long, value_name = "YYYY-MM-DD", global = true)]
    pub date: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct ScenarioArgs {
    /// Scenario file (YAML), or the name of a bundled scenario. Default: the flagship.
    #[arg(value_name = "SCENARIO")]
    pub scenario: Option<String>,
    /// Override one field for this run, e.g. workload.tokens_per_month=500M or local[0].owned.price=90000.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub tables: TableArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    // --plot draws cost against volume from workload/100 to workload×100, break-evens marked.
    #[command(flatten)]
    pub plot: crate::plot::PlotArgs,
}

#[derive(Debug, Args)]
pub struct TuiArgs {
    /// Scenario file (YAML), or the name of a bundled scenario. Default: the flagship.
    #[arg(value_name = "SCENARIO")]
    pub scenario: Option<String>,
    #[command(flatten)]
    pub tables: TableArgs,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Token volume per month to compare at (250k, 100M, 1.5B); default: the scenario's.
    #[arg(long, value_name = "TOKENS")]
    pub volume: Option<String>,
    /// Only API models whose vendor or id contains this text.
    #[arg(long)]
    pub vendor: Option<String>,
    /// Only the API entries serving the open weights a local option names
    /// (`local[].model.id`), besides the local options.
    #[arg(long)]
    pub same_model: bool,
    /// Only these price-table ids, comma-separated (shown even when deprecated).
    #[arg(long, value_name = "ID,ID", value_delimiter = ',')]
    pub models: Option<Vec<String>>,
    /// Also deprecated and literature-only price-table entries.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SpacingArg {
    /// Evenly spaced on a log scale (default): good for 1M to 10B.
    Log,
    /// Evenly spaced.
    Linear,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// First volume (tokens per month).
    #[arg(long, value_name = "TOKENS", default_value = "1M")]
    pub from: String,
    /// Last volume (tokens per month).
    #[arg(long, value_name = "TOKENS", default_value = "10B")]
    pub to: String,
    /// Number of volumes, 2 to 100,000.
    #[arg(long, default_value_t = 25, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub points: u32,
    /// How the volumes are spaced.
    #[arg(long, value_enum, default_value_t = SpacingArg::Log)]
    pub spacing: SpacingArg,
    // --plot draws the swept costs (log axes with log spacing), break-evens marked.
    #[command(flatten)]
    pub plot: crate::plot::PlotArgs,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Number of samples, 1 to 10,000,000.
    #[arg(long, default_value_t = tco_core::analysis::sim::DEFAULT_SAMPLES,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=10_000_000))]
    pub samples: usize,
    /// Seed of the random draws (the same seed gives the same numbers).
    #[arg(long, default_value_t = tco_core::analysis::sim::DEFAULT_SEED)]
    pub seed: u64,
    // --plot draws the break-even histogram of one pair (--local/--api; default the first
    // pair that breaks even in some sample), percentiles and the workload volume marked.
    #[command(flatten)]
    pub pair: PairArgs,
    #[command(flatten)]
    pub plot: crate::plot::PlotArgs,
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Also swing every plain numeric cost input ±20 %.
    #[arg(long)]
    pub all: bool,
    /// Rows shown per tornado in the table (JSON and CSV hold all).
    #[arg(long, default_value_t = 10, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1000))]
    pub top: usize,
    /// Which tornado --plot draws.
    #[arg(long, value_enum, default_value_t = TornadoArg::BreakEven)]
    pub tornado: TornadoArg,
    // --plot draws one pair's tornado (--local/--api; default the first pair).
    #[command(flatten)]
    pub pair: PairArgs,
    #[command(flatten)]
    pub plot: crate::plot::PlotArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TornadoArg {
    /// The first break-even volume (tokens/month).
    BreakEven,
    /// The monthly saving of going local at the workload volume.
    Saving,
}

/// One (local, API) pair, by name, to show in detail.
#[derive(Debug, Args, Clone)]
pub struct PairArgs {
    /// Local option to show in detail (its name in the scenario); npv shows the best NPV's pair by default.
    #[arg(long, value_name = "NAME")]
    pub local: Option<String>,
    /// API option to show in detail (its name in the scenario).
    #[arg(long, value_name = "NAME")]
    pub api: Option<String>,
}

#[derive(Debug, Args)]
pub struct NpvArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    // The table shows this pair month by month (default: the pair with the best NPV).
    #[command(flatten)]
    pub pair: PairArgs,
    // --plot draws the cumulative discounted saving over the horizon, one line per pair
    // (the pairs --local/--api pick), discounted payback marked.
    #[command(flatten)]
    pub plot: crate::plot::PlotArgs,
}

/// A hybrid grid step: a share from 0.001 to 0.5.
fn hybrid_step(text: &str) -> Result<rust_decimal::Decimal, String> {
    use tco_core::analysis::hybrid::{max_step, min_step};
    let step: rust_decimal::Decimal = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number; allowed: a share from 0.001 to 0.5"))?;
    if step < min_step() || step > max_step() {
        return Err(format!(
            "{step} is outside {} to {} (0.05 = every 5 % of the volume)",
            min_step(),
            max_step()
        ));
    }
    Ok(step)
}

#[derive(Debug, Args)]
pub struct HybridArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    // With --local and/or --api, the table shows those pairs share by share.
    #[command(flatten)]
    pub pair: PairArgs,
    /// Grid step of the local share, 0.001 to 0.5.
    #[arg(long, value_name = "SHARE", default_value = "0.05", value_parser = hybrid_step)]
    pub step: rust_decimal::Decimal,
    /// Token volume per month to split (250k, 100M, 1.5B); default: the scenario's.
    #[arg(long, value_name = "TOKENS")]
    pub volume: Option<String>,
    // --plot draws monthly cost against the local share, one line per pair (the pairs
    // --local/--api pick), the cheapest split marked.
    #[command(flatten)]
    pub plot: crate::plot::PlotArgs,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files to check; with none, every bundled scenario.
    #[arg(value_name = "SCENARIO")]
    pub scenarios: Vec<String>,
    #[command(flatten)]
    pub tables: TableArgs,
}

#[derive(Debug, Subcommand)]
pub enum PricesCommand {
    /// The API models in the price table with their prices per million tokens.
    List {
        /// Only models whose vendor or id contains this text.
        #[arg(long)]
        vendor: Option<String>,
        #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
        format: Format,
        #[command(flatten)]
        tables: TableArgs,
    },
    /// One model's prices, source and date.
    Show {
        /// Model id, e.g. anthropic/claude-sonnet-4.6.
        id: String,
        #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
        format: Format,
        #[command(flatten)]
        tables: TableArgs,
    },
    /// Convert a public price list into tco's price-table format: genai-prices' data.json or LiteLLM's JSON.
    #[command(
        after_help = "The two formats are told apart by content: genai-prices' data.json is a list of providers,
LiteLLM's model_prices_and_context_window.json an object keyed by model.

genai-prices (pydantic/genai-prices): every text model of the chosen providers, with dated
price changes (schedule:), long-context tiers (tiers:), cache-write prices and off-peak
windows (off_peak:). It does not record batch APIs: give them with --batch VENDOR=SHARE.
LiteLLM: per-token prices become exact prices per million tokens; batch prices become a
batch discount; cache-read prices become the cached-input price; entries that are not
chat models are skipped and counted.

Without --out the table is printed.

Examples:
  tco prices import data.json --provider openai,anthropic --batch openai=0.5 -o my-prices.yaml
  tco prices import data.json --keep pricing/api-kept.yaml -o pricing/api.yaml --force
  tco prices import model_prices_and_context_window.json -o pricing/litellm.yaml"
    )]
    Import {
        /// genai-prices' data.json or LiteLLM's JSON price list.
        file: PathBuf,
        /// Where to write the price table (written atomically; never over an existing file without --force).
        #[arg(long, short = 'o', value_name = "FILE")]
        out: Option<PathBuf>,
        /// Replace --out if it exists.
        #[arg(long)]
        force: bool,
        /// The date the prices were taken (default: a date in the file's or its folder's name, else the file's modification date).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// genai-prices only: the providers to import, by genai-prices id (openai, anthropic, google, x-ai, …); default all.
        #[arg(long, value_delimiter = ',', value_name = "ID,…")]
        provider: Vec<String>,
        /// genai-prices only: a vendor's batch discount, e.g. openai=0.5 (repeatable).
        #[arg(long, value_name = "VENDOR=SHARE")]
        batch: Vec<String>,
        /// genai-prices only: a price table whose entries come first and win over imported ones with the same id (hand-kept entries).
        #[arg(long, value_name = "FILE")]
        keep: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum HardwareCommand {
    /// The machines and accelerators in the hardware table.
    List {
        /// Only entries whose id or name contains this text (nvidia, apple, h100, …).
        #[arg(long)]
        vendor: Option<String>,
        #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
        format: Format,
        #[command(flatten)]
        tables: TableArgs,
    },
    /// One machine's figures, with their date and source.
    Show {
        /// Machine id, e.g. nvidia/h200-141gb-sxm.
        id: String,
        #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
        format: Format,
        #[command(flatten)]
        tables: TableArgs,
    },
}

#[derive(Debug, Args)]
pub struct MachinesArgs {
    /// An open model tco knows: llama-3.3-70b, llama-3.1-8b, qwen2.5-coder-32b, phi-4-mini, mixtral-8x7b, gpt-oss-120b.
    #[arg(long, value_name = "ID")]
    pub model: Option<String>,
    /// Or the model's size: parameters in billions (all experts of a mixture of experts).
    #[arg(long, value_name = "N")]
    pub params_b: Option<rust_decimal::Decimal>,
    /// Parameters used per token, billions (mixture of experts; with --params-b).
    #[arg(long, value_name = "N")]
    pub active_params_b: Option<rust_decimal::Decimal>,
    /// Weight format.
    #[arg(long, default_value = "Q4_K_M")]
    pub quant: String,
    /// Context length the model is served with (tokens); the request fills it when the workload gives no prompt length.
    #[arg(long, value_name = "TOKENS")]
    pub context: Option<u64>,
    /// A latency target, e.g. tpot_p95_ms=50 (repeat for more). Without one, each machine's largest batch.
    #[arg(long, value_name = "KEY=MS")]
    pub slo: Vec<String>,
    /// The scenario whose workload, API options and first local option's amortization and
    /// electricity price are used (a file or a bundled name). Default: the flagship.
    #[arg(long, value_name = "SCENARIO")]
    pub scenario: Option<String>,
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub tables: TableArgs,
}
