//! The scenario as the model sees it: the workload, the API options and the
//! local options, every value already checked and in range.
//!
//! [`crate::input::scenario`] builds these from YAML; the cost formulas on
//! them are in [`crate::model::cost`].

use crate::model::date::Date;
use crate::model::fit::ModelShape;
use crate::model::prices::{ApiModel, Hardware};
use crate::model::tariff::Rates;
use crate::model::throughput::Throughput;
use crate::model::units::{Money, PerMTok, PricePerGpuHour, PricePerKwh, Share, Tokens, Watts};
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workload {
    pub tokens_per_month: Tokens,
    pub input_share: Share,
    pub cached_input_share: Share,
    pub batch_share: Share,
    /// Prompt tokens per request: selects a long-context price tier.
    pub prompt_tokens_per_request: Option<u64>,
    /// Share of INPUT tokens billed at the cache-write price.
    pub cache_write_share: Share,
    /// Share of tokens sent in a vendor's off-peak hours.
    pub off_peak_share: Share,
    /// Traffic per hour of day (24 non-negative weights, not all zero);
    /// `None` is `flat`, every hour alike.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hourly_profile: Option<Vec<Decimal>>,
}

impl Workload {
    /// The busiest hour's share of a day's traffic, as `(24·w_max, Σw)`:
    /// a node count sized for the month is scaled by `24·w_max / Σw` so that
    /// the busiest hour fits. `None` for a flat profile (the factor is 1).
    pub fn peak(&self) -> Option<(Decimal, Decimal)> {
        let w = self.hourly_profile.as_ref()?;
        let max = w.iter().copied().max()?;
        let sum: Decimal = w.iter().copied().sum();
        Some((max * Decimal::from(24), sum))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiOption {
    pub name: String,
    /// Id in the price table when the option refers to one.
    pub model_id: Option<String>,
    pub input_per_mtok: PerMTok,
    pub output_per_mtok: PerMTok,
    pub cached_input_per_mtok: PerMTok,
    pub batch_discount: Decimal,
    /// Price of a prompt token written to the cache (the input price when the
    /// vendor does not price writes apart).
    pub cache_write_per_mtok: PerMTok,
    /// Prices in the vendor's off-peak hours, when it has them.
    pub off_peak: Option<Rates>,
    /// Multiplier on every price (regional processing, priority tiers); 1 = none.
    pub uplift: Decimal,
    /// Later price changes of a table entry, in the scenario's currency and
    /// prompt tier: (date, prices, off-peak prices). Finance uses them month by month.
    pub changes: Vec<(Date, Rates, Option<Rates>)>,
    /// Notes on the prices used (staleness, tier, deprecation).
    pub notes: Vec<String>,
    /// kg CO2e per million tokens, only when the scenario declares one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kg_co2e_per_mtok: Option<Decimal>,
}

/// How rented GPUs are billed (docs/billing.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Billing {
    /// `on_demand` (alias `always_on`): every hour of every node in use.
    AlwaysOn,
    /// Only the busy hours.
    BusyHours,
    /// A term commitment: every hour of every node, `upfront` share of the
    /// term's total paid at signing; per month the same hourly price.
    Reserved { term_months: u32, upfront: Share },
    /// Preemptible: the price less `discount`; `interruption_overhead` of
    /// each node's capacity lost to preemption and restarts.
    Spot {
        discount: Share,
        interruption_overhead: Share,
    },
    /// Nodes follow the hourly traffic: hour h pays max(n_h, min_nodes).
    Autoscaled { min_nodes: u64 },
}

/// How a node's hardware is paid for.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HardwareCost {
    Owned {
        price: Money,
        residual_value: Money,
        amortization_months: u32,
        cost_of_capital: Decimal,
        /// The monthly charge per node these give (straight line or annuity).
        monthly: Money,
    },
    Rented {
        price_per_gpu_hour: PricePerGpuHour,
        gpus: u32,
        billing: Billing,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Power {
    pub load_watts: Watts,
    pub idle_watts: Watts,
    pub price_per_kwh: PricePerKwh,
    pub pue: Decimal,
    /// kg CO2e per kWh of the grid; carbon figures only when given.
    pub grid_kg_co2e_per_kwh: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Embodied {
    pub kg_co2e: Decimal,
    pub months: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Staff {
    pub fte: Decimal,
    pub annual_cost: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocalOption {
    pub name: String,
    pub hardware: HardwareCost,
    pub power: Option<Power>,
    pub staff: Option<Staff>,
    pub other_monthly: Money,
    pub overhead_share: Share,
    pub throughput: Throughput,
    pub max_utilization: Share,
    pub max_nodes: Option<u64>,
    /// kg CO2e to make one node, and the months it is spread over.
    pub embodied: Option<Embodied>,
    pub model: Option<ModelShape>,
    pub machine: Option<Hardware>,
    /// Notes found while reading (e.g. a calibration scaled to another machine).
    pub notes: Vec<String>,
    /// Why the option cannot serve any volume (e.g. the model does not fit
    /// in the machine's memory); empty when it can. An infeasible option
    /// has `can_serve: false` at every volume, so it never wins.
    pub infeasible: Vec<String>,
}

impl LocalOption {
    /// True when nothing makes the option unable to serve at any volume.
    pub fn feasible(&self) -> bool {
        self.infeasible.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finance {
    pub horizon_months: u32,
    pub discount_rate: Decimal,
    pub volume_growth_per_month: Decimal,
    pub api_price_change_per_year: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    pub name: String,
    pub currency: String,
    pub hours_per_month: Decimal,
    pub source: Option<String>,
    pub description: Option<String>,
    pub workload: Workload,
    pub api: Vec<ApiOption>,
    pub local: Vec<LocalOption>,
    pub finance: Option<Finance>,
    /// The exchange rates given (scenarios in another currency than USD).
    pub exchange_rates: Option<ExchangeRates>,
    /// The date whose prices are used, if one was given.
    pub date: Option<Date>,
    /// Inputs written as distributions, and measured throughputs with their
    /// spread; `simulate` samples them, `sensitivity` swings them.
    pub uncertain: Vec<crate::model::uncertain::Input>,
}

impl Scenario {
    /// True when some input is uncertain (a distribution or a measured spread).
    pub fn has_uncertainty(&self) -> bool {
        self.uncertain.iter().any(|i| !i.dist.is_degenerate())
    }
}

/// A table price older than this many days before the date gets a note.
pub const STALE_AFTER_DAYS: i64 = 90;

/// The exchange rates a scenario in another currency than the tables' (USD)
/// gives: one unit of `currency` costs `rate` of the scenario's currency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExchangeRates {
    pub as_of: Date,
    /// (currency code, rate), as written.
    pub rates: Vec<(String, Decimal)>,
}

impl ExchangeRates {
    pub fn rate(&self, currency: &str) -> Option<Decimal> {
        self.rates
            .iter()
            .find(|(c, _)| c == currency)
            .map(|(_, r)| *r)
    }
}

/// What turns a table's USD list prices into a scenario's prices: the date
/// in force, the currency and its rate, the prompt length for tiers.
#[derive(Debug, Clone, Copy)]
pub struct PriceContext<'a> {
    pub date: Option<Date>,
    pub currency: &'a str,
    pub rates: Option<&'a ExchangeRates>,
    pub prompt_tokens: Option<u64>,
    /// The workload's prompt share of all tokens (the estimate's request shape).
    pub input_share: Decimal,
}

/// The currency every price table is written in.
pub const TABLE_CURRENCY: &str = "USD";

impl ApiOption {
    /// A price-table entry as an API option: prices in force on the
    /// context's date, at the prompt's tier, in the scenario's currency.
    /// `factor` converts table amounts (see [`PriceContext::table_factor`]).
    pub fn from_model(m: &ApiModel, ctx: &PriceContext<'_>, factor: Decimal) -> ApiOption {
        let set = m.prices_on(ctx.date);
        let conv = |r: Rates| {
            if factor == Decimal::ONE {
                r
            } else {
                r.times(factor)
            }
        };
        let rates = conv(set.rates_for_prompt(ctx.prompt_tokens));
        let mut notes = Vec::new();
        if let Some(t) = set.tier_for_prompt(ctx.prompt_tokens) {
            notes.push(format!(
                "{}: prompts of {} tokens pay the long-context prices above {} tokens",
                m.name,
                ctx.prompt_tokens.unwrap_or_default(),
                t
            ));
        }
        if let (Some(d), Some(asof)) = (ctx.date, m.as_of_date()) {
            let age = d.days_since(asof);
            if age > STALE_AFTER_DAYS {
                notes.push(format!(
                    "{}: its table price was listed on {asof}, {age} days before {d}; prices may have changed (tco prices show {})",
                    m.name, m.id
                ));
            }
        }
        if let (Some(d), Some(dep)) = (ctx.date, m.deprecated) {
            if dep <= d {
                notes.push(format!("{}: deprecated by its vendor on {dep}", m.name));
            }
        }
        let changes = m
            .schedule
            .iter()
            .filter(|s| ctx.date.is_none_or(|d| s.from > d))
            .map(|s| {
                (
                    s.from,
                    conv(s.prices.rates_for_prompt(ctx.prompt_tokens)),
                    s.prices.off_peak.as_ref().map(|o| conv(o.rates)),
                )
            })
            .collect();
        ApiOption {
            name: m.name.clone(),
            model_id: Some(m.id.clone()),
            input_per_mtok: rates.input_per_mtok,
            output_per_mtok: rates.output_per_mtok,
            cached_input_per_mtok: rates.cached_input_per_mtok,
            batch_discount: m.batch_discount,
            cache_write_per_mtok: rates.cache_write(),
            off_peak: set.off_peak.as_ref().map(|o| conv(o.rates)),
            uplift: Decimal::ONE,
            changes,
            notes,
            kg_co2e_per_mtok: None,
        }
    }
}
