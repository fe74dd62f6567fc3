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
  tco prices import model_prices_and_context_window.json -o pricing/litellm.yaml

Exit codes: 0 success, 1 a problem with your input, 2 a mistake in the command line.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Monthly cost of every option, its breakdown, break-even volumes and the verdict.
    ///
    /// With no SCENARIO, runs the bundled flagship (scenarios/flagship.yaml).
    #[command(after_help = "Examples:
  tco report
  tco report my-team.yaml --format markdown
  tco report --set workload.tokens_per_month=2B --set 'local[0].staff.fte=0.5'")]
    Report(ScenarioArgs),
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
  tco sweep --from 0 --to 2B --points 21 --spacing linear --format csv")]
    Sweep(SweepArgs),
    /// Check scenario files and price tables without computing anything; exit 1 on the first problem.
    Validate(ValidateArgs),
    /// List, show or import API price tables.
    #[command(subcommand)]
    Prices(PricesCommand),
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
    /// One JSON object, full precision (DESIGN.md names).
    Json,
    /// Comma-separated values for spreadsheets, full precision.
    Csv,
    /// GitHub-flavoured Markdown tables.
    Markdown,
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
    /// Convert LiteLLM's model_prices_and_context_window.json into tco's price-table format.
    #[command(
        after_help = "Per-token prices become exact prices per million tokens; batch prices become a batch
discount; cache-read prices become the cached-input price. Entries that are not chat
models are skipped and counted. Without --out the table is printed.

Example:
  tco prices import model_prices_and_context_window.json -o pricing/litellm.yaml"
    )]
    Import {
        /// LiteLLM's JSON price list.
        file: PathBuf,
        /// Where to write the price table (written atomically; never over an existing file without --force).
        #[arg(long, short = 'o', value_name = "FILE")]
        out: Option<PathBuf>,
        /// Replace --out if it exists.
        #[arg(long)]
        force: bool,
        /// The date the prices were taken (default: a date in the file name, else the file's modification date).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
    },
}
