//! The field registry: every scenario input, once.
//!
//! One line per field says its path pattern (`local[].power.price_per_kwh`,
//! `[]` standing for any list index), the label a person reads ("electricity
//! price"), its unit, the values the scenario reader accepts (`min`, `max`
//! and the `allowed` text its error messages print), whether it may be
//! written as a distribution, and how the calculators' `+`/`−` move it.
//!
//! Everything that needs one of these facts reads it from [`FIELDS`]: the
//! scenario reader's range checks ([`crate::input::scenario`]), the bounds a
//! simulation clamps draws to ([`crate::model::uncertain::Param::bounds`]),
//! the terminal calculator's field list, the page's form (through tco-wasm's
//! `fieldSpecs`) and the labels of the sensitivity tornado
//! ([`label`]: "electricity price (local 1)").
//!
//! Adding a field is one line in [`FIELDS`] (and the reader's code that
//! builds the value); `every_reader_key_has_a_spec` fails until both exist.

use rust_decimal::Decimal;
use serde::Serialize;

/// What a field holds, which decides how faces show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A token volume (`100M`, `1.5B` accepted).
    Tokens,
    /// An amount of money, to the cent.
    Money,
    /// A unit price (per MTok, per kWh, per GPU-hour): to the cent, four places below ten cents.
    Price,
    /// A share in [0, 1].
    Share,
    /// A whole number.
    Integer,
    /// Any other number.
    Number,
    /// Text: a name, an id, a choice.
    Text,
}

/// How `+`/`−` move a value in the calculators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    /// Token volume: × or ÷ 1.25, whole tokens.
    Volume,
    /// A share: ± 0.05 within [0, 1].
    Share,
    /// Money or another positive quantity: × or ÷ 1.05, to `dp` places.
    Percent5 { dp: u32 },
    /// ± `by`, not below the field's minimum.
    Add { by: Decimal },
    /// Not stepped (text).
    None,
}

impl Step {
    /// The smallest change a number box offers (HTML `step`), or None for any.
    pub fn input_step(self) -> Option<Decimal> {
        match self {
            Step::Volume | Step::None => None,
            Step::Share => Some(Decimal::new(1, 2)),
            Step::Percent5 { dp } => Some(Decimal::new(1, dp.min(28))),
            Step::Add { by } => Some(by),
        }
    }
}

/// One scenario input.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FieldSpec {
    /// Path pattern: `workload.input_share`, `local[].power.price_per_kwh`.
    pub path: &'static str,
    /// What a person calls it: "electricity price".
    pub label: &'static str,
    /// Unit text; `{cur}` stands for the scenario's currency ([`FieldSpec::unit_in`]).
    pub unit: &'static str,
    pub kind: Kind,
    /// Smallest value accepted (numbers only).
    #[serde(with = "rust_decimal::serde::str")]
    pub min: Decimal,
    /// Largest value accepted (numbers only).
    #[serde(with = "rust_decimal::serde::str")]
    pub max: Decimal,
    /// What is allowed, as the reader's error messages say it.
    pub allowed: &'static str,
    /// Whether a `{dist: …}` may stand here.
    pub dist: bool,
    pub step: Step,
}

impl FieldSpec {
    /// The unit with the currency filled in: `USD/kWh`.
    pub fn unit_in(&self, currency: &str) -> String {
        self.unit.replace("{cur}", currency)
    }

    /// The bounds as floats, for draws and swings.
    pub fn bounds_f64(&self) -> (f64, f64) {
        use rust_decimal::prelude::ToPrimitive;
        (
            self.min.to_f64().unwrap_or(0.0),
            self.max.to_f64().unwrap_or(f64::MAX),
        )
    }
}

/// A decimal constant `n × 10^-scale`.
const fn d(n: i64, scale: u32) -> Decimal {
    let neg = n < 0;
    let m = n.unsigned_abs();
    Decimal::from_parts(m as u32, (m >> 32) as u32, 0, neg, scale)
}

const Z: Decimal = d(0, 0);
const ONE: Decimal = d(1, 0);
const E12: Decimal = d(1_000_000_000_000, 0);
const E15: Decimal = d(1_000_000_000_000_000, 0);

const MONEY: &str = "an amount of money from 0 to 10^12";
const SHARE: &str = "a share between 0 and 1 (0.8 = 80 %)";
const PER_MTOK: &str = "a price per million tokens from 0 to 1,000,000";
const WATTS: &str = "watts from 0 to 10,000,000";
const TPS: &str = "tokens per second from 0.01 to 10^8";
const RATE: &str = "an annual rate from 0 to 1 (0.08 = 8 %)";
const TEXT: &str = "text";
const SLO_MS: &str = "a latency target in milliseconds from 0.001 to 86,400,000";

use Kind::{Integer as I, Money as M, Number as N, Price as P, Share as S, Text as T, Tokens as V};

// One row of the registry table: a positional constructor keeps each row on one line.
#[allow(clippy::too_many_arguments)]
const fn f(
    path: &'static str,
    label: &'static str,
    unit: &'static str,
    kind: Kind,
    min: Decimal,
    max: Decimal,
    allowed: &'static str,
    dist: bool,
    step: Step,
) -> FieldSpec {
    FieldSpec {
        path,
        label,
        unit,
        kind,
        min,
        max,
        allowed,
        dist,
        step,
    }
}

const PCT2: Step = Step::Percent5 { dp: 2 };
const PCT4: Step = Step::Percent5 { dp: 4 };
const PCT1: Step = Step::Percent5 { dp: 1 };
const PCT3: Step = Step::Percent5 { dp: 3 };
const NO: Step = Step::None;
const fn add(n: i64, scale: u32) -> Step {
    Step::Add { by: d(n, scale) }
}

/// Every scenario input, one line each.
#[rustfmt::skip]
pub static FIELDS: &[FieldSpec] = &[
    f("name", "scenario name", "", T, Z, Z, "a short title for the scenario", false, NO),
    f("currency", "currency", "", T, Z, Z, "three capital letters, e.g. USD, EUR, GBP", false, NO),
    f("hours_per_month", "hours per month", "hours", N, ONE, d(744, 0), "hours in a month from 1 to 744 (31 × 24); 730 = 365 × 24 / 12", true, add(10, 0)),
    f("source", "source", "", T, Z, Z, TEXT, false, NO),
    f("description", "description", "", T, Z, Z, TEXT, false, NO),
    f("exchange_rates", "exchange rates", "", T, Z, Z, "{as_of: YYYY-MM-DD, USD: 0.92}: one unit of each currency, in the scenario's currency", false, NO),
    f("exchange_rates.as_of", "rates as of", "", T, Z, Z, "the date of the rates, YYYY-MM-DD", false, NO),
    // One line for every currency code (`exchange_rates.USD`): see [`spec_of`].
    f("exchange_rates.*", "exchange rate", "{cur} per unit", N, Z, d(1_000_000, 0), "a rate above 0 up to 1,000,000: the price of one unit of that currency in the scenario's currency", false, PCT4),
    f("workload.tokens_per_month", "volume", "tokens/month", V, Z, E15, "a whole number of tokens from 0 to 10^15, or 250k, 100M, 1.5B, 2T", true, Step::Volume),
    f("workload.input_share", "input share", "share of tokens", S, Z, ONE, SHARE, true, Step::Share),
    f("workload.cached_input_share", "cached input share", "share of input tokens", S, Z, ONE, SHARE, true, Step::Share),
    f("workload.batch_share", "batch share", "share of tokens", S, Z, ONE, SHARE, true, Step::Share),
    f("workload.hourly_profile", "hourly profile", "", T, Z, Z, "`flat`, or a list of 24 non-negative numbers: traffic in each hour of the day (any scale)", false, NO),
    f("workload.prompt_tokens_per_request", "prompt length", "prompt tokens per request", I, ONE, d(100_000_000, 0), "a whole number of prompt tokens from 1 to 100,000,000", false, add(10_000, 0)),
    f("workload.cache_write_share", "cache-write share", "share of input tokens", S, Z, ONE, SHARE, false, Step::Share),
    f("workload.off_peak_share", "off-peak share", "share of tokens", S, Z, ONE, SHARE, false, Step::Share),
    f("api[].model", "API model", "", T, Z, Z, "an id from the price table (tco prices list)", false, NO),
    f("api[].name", "API name", "", T, Z, Z, TEXT, false, NO),
    f("api[].input_per_mtok", "input price", "{cur}/MTok", P, Z, d(1_000_000, 0), PER_MTOK, true, PCT4),
    f("api[].output_per_mtok", "output price", "{cur}/MTok", P, Z, d(1_000_000, 0), PER_MTOK, true, PCT4),
    f("api[].cached_input_per_mtok", "cached input price", "{cur}/MTok", P, Z, d(1_000_000, 0), PER_MTOK, true, PCT4),
    f("api[].cache_write_per_mtok", "cache-write price", "{cur}/MTok", P, Z, d(1_000_000, 0), PER_MTOK, false, PCT4),
    f("api[].batch_discount", "batch discount", "share of the price", S, Z, ONE, SHARE, true, Step::Share),
    f("api[].kg_co2e_per_mtok", "carbon per MTok", "kg CO2e/MTok", N, Z, d(1_000_000, 0), "kg CO2e per million tokens from 0 to 1,000,000, as the provider declares it", false, PCT4),
    f("api[].uplift", "uplift", "× every price", N, ONE, d(10, 0), "a multiplier from 1 to 10 on every price (1.1 = 10 % regional or priority uplift)", false, add(5, 2)),
    f("local[].name", "name", "", T, Z, Z, "a name for this machine option", false, NO),
    f("local[].machine", "hardware", "", T, Z, Z, "an id from the hardware table", false, NO),
    f("local[].owned.price", "price per node", "{cur} per node", M, Z, E12, MONEY, true, PCT2),
    f("local[].owned.residual_value", "residual value", "{cur} per node", M, Z, E12, MONEY, true, PCT2),
    f("local[].owned.amortization_months", "amortization", "months", I, ONE, d(600, 0), "whole months from 1 to 600", true, add(1, 0)),
    f("local[].owned.cost_of_capital", "cost of capital", "a year (monthly = annual / 12)", N, Z, ONE, "an annual rate from 0 to 1 (0.08 = 8 %); 0 = straight line", true, add(1, 2)),
    f("local[].rented.price_per_gpu_hour", "rent per GPU-hour", "{cur}/GPU-hour", P, Z, d(100_000, 0), "an hourly price from 0 to 100,000", true, PCT4),
    f("local[].rented.gpus", "GPUs per node", "GPUs", I, ONE, d(10_000, 0), "a whole number of GPUs from 1 to 10,000", true, add(1, 0)),
    f("local[].rented.billing", "billing", "", T, Z, Z, "on_demand, always_on, reserved, spot, busy_hours, autoscaled", false, NO),
    f("local[].rented.term_months", "reserved term", "months", I, ONE, d(120, 0), "whole months from 1 to 120", false, add(1, 0)),
    f("local[].rented.upfront", "paid upfront", "share of the term", S, Z, ONE, SHARE, false, Step::Share),
    f("local[].rented.discount", "spot discount", "share of the price", S, Z, ONE, "a share of the price from 0 to 1 (0.6 = 60 % off)", false, Step::Share),
    f("local[].rented.interruption_overhead", "preemption loss", "share of capacity", S, Z, d(9, 1), "a share of capacity lost to preemption from 0 to 0.9", false, Step::Share),
    f("local[].rented.min_nodes", "minimum nodes", "nodes", I, Z, d(1_000_000, 0), "a whole number of nodes from 0 to 1,000,000", false, add(1, 0)),
    f("local[].power.load_watts", "load power", "W per node", N, Z, d(10_000_000, 0), WATTS, true, Step::Percent5 { dp: 0 }),
    f("local[].power.idle_watts", "idle power", "W per node", N, Z, d(10_000_000, 0), WATTS, true, Step::Percent5 { dp: 0 }),
    f("local[].power.price_per_kwh", "electricity price", "{cur}/kWh", P, Z, d(1000, 0), "a price per kWh from 0 to 1,000", true, PCT4),
    f("local[].power.grid_kg_co2e_per_kwh", "grid carbon", "kg CO2e/kWh", N, Z, d(10, 0), "kg CO2e per kWh of the grid from 0 to 10, e.g. 0.35", false, PCT4),
    f("local[].embodied_kg_co2e", "embodied carbon", "kg CO2e per node", N, Z, d(100_000_000, 0), "kg CO2e per node from 0 to 10^8", false, PCT1),
    f("local[].embodied_months", "embodied carbon spread", "months", I, ONE, d(600, 0), "whole months from 1 to 600", false, add(1, 0)),
    f("local[].power.pue", "PUE", "facility / IT power", N, ONE, d(5, 0), "a power usage effectiveness from 1 to 5 (1.0 = no cooling overhead)", true, add(5, 2)),
    f("local[].staff.fte", "staff time", "FTE", N, Z, d(10_000, 0), "full-time equivalents from 0 to 10,000", true, add(5, 2)),
    f("local[].staff.annual_cost", "cost of one FTE", "{cur}/year", M, Z, E12, MONEY, true, PCT2),
    f("local[].other_monthly", "other costs", "{cur} per node per month", M, Z, E12, MONEY, true, PCT2),
    f("local[].overhead_share", "overhead share", "share of hardware", S, Z, ONE, SHARE, true, Step::Share),
    f("local[].throughput.tokens_per_second", "throughput", "tokens/s per node", N, d(1, 2), d(100_000_000, 0), TPS, true, PCT1),
    f("local[].throughput.tokens_per_hour", "throughput", "tokens/hour per node", V, d(36, 0), d(360_000_000_000, 0), "tokens per hour from 36 to 360,000,000,000", true, Step::Volume),
    f("local[].throughput.prefill_tokens_per_second", "prefill rate", "input tokens/s per node", N, d(1, 2), d(100_000_000, 0), TPS, true, PCT1),
    f("local[].throughput.decode_tokens_per_second", "decode rate", "output tokens/s per node", N, d(1, 2), d(100_000_000, 0), TPS, true, PCT1),
    f("local[].throughput.calibration", "calibration file", "", T, Z, Z, "a calibration file written by `tco probe --out`, path relative to the scenario", false, NO),
    f("local[].throughput.levels", "load levels", "", T, Z, Z, "a list of {concurrency, total_tokens_per_second, ttft_p95_ms, …}", false, NO),
    f("local[].throughput.slo", "latency targets", "", T, Z, Z, "ttft_, tpot_, itl_, e2e_ × p50|p90|p95|p99 × _ms", false, NO),
    // One line per latency target (`Stat::all_keys`): the faces edit each on its own.
    f("local[].throughput.slo.ttft_p50_ms", "p50 TTFT target", "ms", N, d(1, 3), d(86_400_000, 0), SLO_MS, false, PCT3),
    f("local[].throughput.slo.ttft_p90_ms", "p90 TTFT target", "ms", N, d(1, 3), d(86_400_000, 0), SLO_MS, false, PCT3),
    f("local[].throughput.slo.ttft_p95_ms", "p95 TTFT target", "ms", N, d(1, 3), d(86_400_000, 0), SLO_MS, false, PCT3),
    f("local[].throughput.slo.ttft_p99_ms", "p99 TTFT target", "ms", N, d(1, 3), d(86_400_000, 0), SLO_MS, false, PCT3),
    f("local[].throughput.slo.tpot_p50_ms", "p50 TPOT target", "ms", N, d(1, 3), d(86_400_000, 0), SLO_MS, false, PCT3),
    f("local[].throughput.slo.tpot_p90_ms", "p90 TPOT target", "ms", N, d(1, 3), d(86_400_000, 0), SLO_MS, false, PCT3),
    f("local[].throughput.slo.tpot_p95_ms", "p95 TPOT target", "ms", N, d(1, 3), d(86_400_000, 0), SLO_MS, false, PCT3),
    f("local[].throughput.slo.tpot_p99_ms", "p99 TPOT target", "ms", N, d(1, 3), d(86_400_000, 0), SLO_MS, false, PCT3),
    f("local[].throughput.slo.itl_p50_ms", "p50 ITL target", "ms", N, d(1, 3), d(86_400_000, 0), SLO_MS, false, PCT3),
    f("local[].throughput.slo.itl_p90_ms", "p90 ITL target", "ms", N, d(1, 3), d(86_400_000, 0), SLO_MS, false, PCT3),
    f("local[].throughput.slo.itl_p95_ms", "p95 ITL target", "ms", N, d(1, 3), d(86_400_000, 0), SLO_MS, false, PCT3),
    f("local[].throughput.slo.itl_p99_ms", "p99 ITL target", "ms", N, d(1, 3), d(86_400_000, 0), SLO_MS, false, PCT3),
    f("local[].throughput.slo.e2e_p50_ms", "p50 E2E target", "ms", N, d(1, 3), d(86_400_000, 0), SLO_MS, false, PCT3),
    f("local[].throughput.slo.e2e_p90_ms", "p90 E2E target", "ms", N, d(1, 3), d(86_400_000, 0), SLO_MS, false, PCT3),
    f("local[].throughput.slo.e2e_p95_ms", "p95 E2E target", "ms", N, d(1, 3), d(86_400_000, 0), SLO_MS, false, PCT3),
    f("local[].throughput.slo.e2e_p99_ms", "p99 E2E target", "ms", N, d(1, 3), d(86_400_000, 0), SLO_MS, false, PCT3),
    f("local[].throughput.estimate", "throughput estimate", "", T, Z, Z, "`roofline`: modelled from the machine's bandwidth and FLOPS (needs `machine:` and `model:`)", false, NO),
    f("local[].throughput.efficiency.memory", "memory efficiency", "share of the bandwidth", S, d(1, 2), ONE, "a share of the peak from 0.01 to 1 (0.75 = 75 %)", false, Step::Share),
    f("local[].throughput.efficiency.compute", "compute efficiency", "share of the FLOPS", S, d(1, 2), ONE, "a share of the peak from 0.01 to 1 (0.5 = 50 %)", false, Step::Share),
    f("local[].throughput.efficiency.decode_compute", "batched decode efficiency", "share of the FLOPS", S, d(1, 2), ONE, "a share of the peak from 0.01 to 1 (CPUs: 0.4 × compute unless written)", false, Step::Share),
    f("local[].throughput.efficiency.source", "efficiency source", "", T, Z, Z, "one line of at most 200 characters, e.g. \"fitted to cal.yaml (tco probe fit, 2026-12-04)\"", false, NO),
    f("local[].throughput.concurrency", "calibrated concurrency", "sequences", I, ONE, d(4096, 0), "parallel sequences from 1 to 4,096", false, add(1, 0)),
    f("local[].max_utilization", "max utilization", "share of the month", S, d(1, 2), ONE, "a share from 0.01 to 1", true, Step::Share),
    f("local[].max_nodes", "max nodes", "nodes", I, ONE, d(1_000_000, 0), "a whole number of nodes from 1 to 1,000,000", false, add(1, 0)),
    f("local[].model.id", "model served", "", T, Z, Z, "the open weights' name, e.g. qwen2.5-coder-32b", false, NO),
    f("local[].model.params_b", "model size", "billion parameters", N, d(1, 3), d(100_000, 0), "billions of parameters from 0.001 to 100,000", false, PCT1),
    f("local[].model.active_params_b", "active parameters", "billion parameters per token", N, d(1, 3), d(100_000, 0), "billions of parameters used per token (mixture of experts) from 0.001 to 100,000, at most params_b", false, PCT1),
    f("local[].model.quant", "quantization", "", T, Z, Z, "a quantization name, e.g. Q4_K_M", false, NO),
    f("local[].model.context", "context length", "tokens", I, ONE, d(10_000_000, 0), "a context length in tokens from 1 to 10,000,000", false, add(1024, 0)),
    f("local[].model.concurrency", "concurrent sequences", "sequences", I, ONE, d(100_000, 0), "parallel sequences from 1 to 100,000", false, add(1, 0)),
    f("local[].model.layers", "layers", "", I, ONE, d(10_000, 0), "a whole number above 0", false, add(1, 0)),
    f("local[].model.kv_heads", "KV heads", "", I, ONE, d(10_000, 0), "a whole number above 0", false, add(1, 0)),
    f("local[].model.head_dim", "head dimension", "", I, ONE, d(100_000, 0), "a whole number above 0", false, add(1, 0)),
    f("finance.horizon_months", "horizon", "months", I, ONE, d(600, 0), "whole months from 1 to 600", false, add(1, 0)),
    f("finance.discount_rate", "discount rate", "a year", N, Z, ONE, RATE, true, add(1, 2)),
    f("finance.volume_growth_per_month", "volume growth", "a month", N, d(-1, 0), ONE, "a monthly growth rate from -1 to 1 (0.02 = 2 % a month)", true, add(1, 2)),
    f("finance.api_price_change_per_year", "API price change", "a year", N, d(-1, 0), d(10, 0), "an annual change from -1 to 10 (-0.3 = prices fall 30 % a year)", true, add(5, 2)),
];

/// `local[3].power.pue` → `local[].power.pue` (indexes dropped).
pub fn pattern(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut skip = false;
    for c in path.chars() {
        match c {
            '[' => {
                out.push('[');
                skip = true;
            }
            ']' => {
                out.push(']');
                skip = false;
            }
            _ if skip => {}
            _ => out.push(c),
        }
    }
    out
}

/// The spec of a path pattern (`local[].power.pue`), if it is a field.
pub fn spec(pattern: &str) -> Option<&'static FieldSpec> {
    FIELDS.iter().find(|s| s.path == pattern)
}

/// The spec of a concrete path (`local[3].power.pue`); a rate of the
/// exchange rates (`exchange_rates.USD`) is the line `exchange_rates.*`.
pub fn spec_of(path: &str) -> Option<&'static FieldSpec> {
    let p = pattern(path);
    spec(&p).or_else(|| {
        let code = p.strip_prefix("exchange_rates.")?;
        (code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()))
            .then(|| spec("exchange_rates.*"))
            .flatten()
    })
}

/// A billing kind: its name, and its keys with the value a face writes for each.
pub type BillingKind = (
    &'static str,
    &'static [(&'static str, Option<&'static str>)],
);

/// The billing kinds of a rented option (`local[].rented.billing`) that the
/// faces offer, each with the keys that belong to it and the value a face
/// writes for a required one when the kind is chosen (None: optional, left
/// out). `on_demand` is read as `always_on`, the name the report uses. Keys
/// of another kind are an error, so a switch removes them ([`billing_switch`]).
pub static BILLING_KINDS: &[BillingKind] = &[
    ("always_on", &[]),
    ("busy_hours", &[]),
    (
        "reserved",
        &[("term_months", Some("12")), ("upfront", None)],
    ),
    (
        "spot",
        &[("discount", Some("0.6")), ("interruption_overhead", None)],
    ),
    ("autoscaled", &[("min_nodes", None)]),
];

/// The months a face writes beside a rented option's first embodied carbon
/// (`local[].embodied_months`, which a rented option needs with it): a
/// typical four-year hardware life.
pub const RENTED_EMBODIED_MONTHS: &str = "48";

/// The keys that belong to billing `kind` (none for an unknown kind).
pub fn billing_keys(kind: &str) -> impl Iterator<Item = &'static str> + '_ {
    BILLING_KINDS
        .iter()
        .filter(move |(k, _)| *k == kind)
        .flat_map(|(_, keys)| keys.iter().map(|(key, _)| *key))
}

/// The `PATH=VALUE` edits (the CLI's `--set`; an empty VALUE removes the
/// key) that switch the rented option at `rented` (`local[1].rented`) from
/// billing `from` to `to`: the new kind, the old kind's keys removed, the
/// new kind's required keys at their defaults when `to` differs from `from`.
pub fn billing_switch(rented: &str, from: &str, to: &str) -> Vec<String> {
    let mut sets = vec![format!("{rented}.billing={to}")];
    if from == to {
        return sets;
    }
    for (kind, keys) in BILLING_KINDS {
        for (key, default) in keys.iter() {
            if *kind == to {
                if let Some(d) = default {
                    sets.push(format!("{rented}.{key}={d}"));
                }
            } else if !billing_keys(to).any(|k| k == *key) {
                sets.push(format!("{rented}.{key}="));
            }
        }
    }
    sets
}

/// A busiest-hour profile (`workload.hourly_profile`) as the faces show it:
/// `flat`, or the 24 weights separated by spaces (`1 1 1 2 4 …`), the form
/// [`profile_value`] reads back.
pub fn profile_text(weights: Option<&[Decimal]>) -> String {
    match weights {
        None => "flat".to_string(),
        Some(w) => w
            .iter()
            .map(|x| x.normalize().to_string())
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// The `--set workload.hourly_profile=VALUE` value for what a person typed in
/// a face: `flat`, a YAML list, or numbers separated by commas or spaces
/// (`1, 1, 2` or `1 1 2` become `[1, 1, 2]`). Nothing is checked here: the
/// scenario reader judges the result (24 non-negative weights) with its
/// located error. Empty stays empty (the key removed: flat).
pub fn profile_value(typed: &str) -> String {
    let t = typed.trim();
    if t.starts_with('[') {
        return t.to_string();
    }
    let parts: Vec<&str> = t
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 2 {
        return t.to_string();
    }
    format!("[{}]", parts.join(", "))
}

/// The `PATH=VALUE` edits that add the latency target a person typed as
/// `KEY=MS` (`tpot_p95_ms=90`; `:` or a space also separate) to the
/// throughput at `throughput` (`local[0].throughput`). A curve read at a
/// fixed `concurrency` loses it (targets and a fixed level both choose the
/// load, which the reader refuses), so `had_concurrency` removes it. The key
/// and the value are the reader's to judge; text with no value is refused here.
pub fn slo_add(
    throughput: &str,
    typed: &str,
    had_concurrency: bool,
) -> Result<Vec<String>, String> {
    let t = typed.trim();
    let (key, value) = t
        .split_once(['=', ':', ' '])
        .map(|(k, v)| (k.trim(), v.trim()))
        .filter(|(k, v)| !k.is_empty() && !v.is_empty())
        .ok_or_else(|| {
            format!("`{t}` is not a latency target: write KEY=MS, e.g. tpot_p95_ms=90 (keys: ttft_, tpot_, itl_, e2e_ × p50|p90|p95|p99 × _ms)")
        })?;
    let mut sets = vec![format!("{throughput}.slo.{key}={value}")];
    if had_concurrency {
        sets.push(format!("{throughput}.concurrency="));
    }
    Ok(sets)
}

/// The spec a reader's constant names; a path missing from [`FIELDS`] is a
/// programming error that the registry's tests catch, so this falls back to
/// an unbounded number rather than panicking.
pub fn known(pattern: &str) -> &'static FieldSpec {
    static FALLBACK: FieldSpec = f(
        "?",
        "?",
        "",
        N,
        d(i64::MIN + 1, 0),
        d(i64::MAX, 0),
        "a number",
        false,
        NO,
    );
    spec(pattern).unwrap_or(&FALLBACK)
}

/// What a person reads for a concrete path: `local[0].power.price_per_kwh` →
/// "electricity price (local 1)", `api[1].input_per_mtok` → "input price
/// (API 2)", `workload.input_share` → "input share". A path that is not a
/// field (a calibration's spread, `local[0].throughput.calibration
/// (decode)`) keeps its text with the option named the same way.
pub fn label(path: &str) -> String {
    // A trailing note in parentheses (the calibration's "(prefill)") stays.
    let (base, note) = match path.split_once(" (") {
        Some((b, n)) => (b, Some(n.trim_end_matches(')'))),
        None => (path, None),
    };
    let option = option_of(base);
    let what = match spec_of(base) {
        Some(s) => s.label.to_string(),
        None => {
            let last = base.rsplit('.').next().unwrap_or(base);
            last.replace('_', " ")
        }
    };
    let what = match note {
        // A calibration's measured spread: "decode rate, measured".
        Some(n @ ("prefill" | "decode")) => format!("{n} rate, measured"),
        // An estimate's η range: "throughput, from the estimate's η range".
        Some("η range") => "throughput, from the estimate's η range".to_string(),
        Some(n) => format!("{what} {n}"),
        None => what,
    };
    match option {
        Some(o) => format!("{what} ({o})"),
        None => what,
    }
}

/// "local 1", "API 2" for paths inside those lists.
fn option_of(path: &str) -> Option<String> {
    let (list, rest) = path.split_once('[')?;
    let (idx, _) = rest.split_once(']')?;
    let i: usize = idx.parse().ok()?;
    let name = match list {
        "local" => "local",
        "api" => "API",
        other => other,
    };
    Some(format!("{name} {}", i + 1))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_unique_and_numbers_have_a_range() {
        for (i, s) in FIELDS.iter().enumerate() {
            assert!(
                FIELDS[..i].iter().all(|o| o.path != s.path),
                "{} twice",
                s.path
            );
            if s.kind != Kind::Text {
                assert!(s.min < s.max, "{}: {} !< {}", s.path, s.min, s.max);
            }
            assert!(!s.label.is_empty() && !s.allowed.is_empty(), "{}", s.path);
        }
    }

    #[test]
    fn labels_name_the_option() {
        assert_eq!(
            label("local[0].power.price_per_kwh"),
            "electricity price (local 1)"
        );
        assert_eq!(label("api[1].input_per_mtok"), "input price (API 2)");
        assert_eq!(label("workload.input_share"), "input share");
        assert_eq!(
            label("local[2].throughput.calibration (decode)"),
            "decode rate, measured (local 3)"
        );
        assert_eq!(pattern("local[12].owned.price"), "local[].owned.price");
        assert_eq!(label("exchange_rates.USD"), "exchange rate");
        assert_eq!(spec_of("exchange_rates.usd"), None);
    }

    #[test]
    fn a_billing_switch_drops_the_other_kinds_keys() {
        assert_eq!(
            billing_switch("local[1].rented", "reserved", "spot"),
            [
                "local[1].rented.billing=spot",
                "local[1].rented.term_months=",
                "local[1].rented.upfront=",
                "local[1].rented.discount=0.6",
                "local[1].rented.min_nodes=",
            ]
        );
        assert_eq!(
            billing_switch("local[0].rented", "spot", "spot"),
            ["local[0].rented.billing=spot"]
        );
        for (kind, keys) in BILLING_KINDS {
            assert_eq!(billing_keys(kind).count(), keys.len());
            for (key, _) in keys.iter() {
                assert!(spec(&format!("local[].rented.{key}")).is_some(), "{key}");
            }
        }
    }

    #[test]
    fn profiles_read_back_what_they_show() {
        assert_eq!(profile_text(None), "flat");
        let w = [Decimal::new(10, 1), Decimal::new(25, 1), Decimal::ZERO];
        assert_eq!(profile_text(Some(&w)), "1 2.5 0");
        assert_eq!(profile_value("1 2.5 0"), "[1, 2.5, 0]");
        assert_eq!(profile_value(" 1, 2,3 ,\t4 "), "[1, 2, 3, 4]");
        assert_eq!(profile_value("flat"), "flat");
        assert_eq!(profile_value("[1, 2]"), "[1, 2]");
        assert_eq!(profile_value("busy"), "busy");
        assert_eq!(profile_value(""), "");
    }

    #[test]
    fn a_latency_target_is_added_by_key() {
        assert_eq!(
            slo_add("local[1].throughput", "tpot_p95_ms=90", false).unwrap(),
            ["local[1].throughput.slo.tpot_p95_ms=90"]
        );
        assert_eq!(
            slo_add("local[0].throughput", " e2e_p99_ms: 8000", true).unwrap(),
            [
                "local[0].throughput.slo.e2e_p99_ms=8000",
                "local[0].throughput.concurrency="
            ]
        );
        assert!(slo_add("local[0].throughput", "tpot_p95_ms", false).is_err());
        assert!(slo_add("local[0].throughput", "=5", false).is_err());
        for k in crate::model::load_curve::Stat::all_keys() {
            let s = spec(&format!("local[].throughput.slo.{k}")).unwrap();
            assert_eq!(s.unit, "ms", "{k}");
            assert!(s.min > Z, "{k}");
        }
    }

    #[test]
    fn decimal_constants_are_what_they_say() {
        assert_eq!(d(1, 2).to_string(), "0.01");
        assert_eq!(d(-1, 0).to_string(), "-1");
        assert_eq!(E15.to_string(), "1000000000000000");
        assert_eq!(d(360_000_000_000, 0).to_string(), "360000000000");
    }
}
