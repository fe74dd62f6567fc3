//! Scenarios: the workload, the API options and the local options, checked.
//!
//! [`Scenario::parse`] reads the scenario format (docs/formats.md) into the
//! model's types ([`crate::model::scenario`]) in one place; everything after works on values that are known to be in range.

use crate::error::{Diagnostic, Error};
use crate::input::calibration::Calibration;
use crate::input::pricing::{max_money, price};
use crate::input::read::{Field, Obj};
use crate::input::yaml::{self, Node};
use crate::model::date::Date;
use crate::model::fit::{ModelShape, Quant};
use crate::model::prices::{Hardware, HardwareTable, PriceTable};
use crate::model::scenario::{
    ApiOption, Billing, ExchangeRates, Finance, HardwareCost, LocalOption, Power, PriceContext,
    Scenario, Staff, Workload, TABLE_CURRENCY,
};
use crate::model::throughput::{Rate, Throughput, ThroughputSource};
use crate::model::units::Money;
use rust_decimal::Decimal;

/// Where a scenario's files and tables come from. The CLI reads files; the
/// page has none and answers calibration requests with an error.
pub trait Resolve {
    /// The text of a calibration file named in a scenario (path as written).
    fn calibration(&self, path: &str) -> Result<String, String>;
}

/// A resolver for contexts without files.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFiles;

impl Resolve for NoFiles {
    fn calibration(&self, path: &str) -> Result<String, String> {
        Err(format!(
            "cannot read calibration file `{path}` here: no file access"
        ))
    }
}

/// The tables a scenario's `model:` and `machine:` ids refer to, and the
/// date whose prices apply.
#[derive(Debug, Clone, Copy)]
pub struct Tables<'a> {
    pub prices: &'a PriceTable,
    pub hardware: &'a HardwareTable,
    /// The day whose prices are in force (`--date`): a price entry's dated
    /// schedule picks the set in force that day, and prices dated more than
    /// [`STALE_AFTER_DAYS`] before it get a note. `None`: each entry's own
    /// (first) prices, and no staleness notes.
    pub date: Option<Date>,
}

impl<'a> Tables<'a> {
    /// The same tables with prices in force on `date`.
    #[must_use]
    pub fn on(self, date: Option<Date>) -> Tables<'a> {
        Tables { date, ..self }
    }
}

/// A calibrated throughput's measured spread as normal distributions of the
/// prefill and decode rates (mean and run-to-run standard deviation of the
/// probe's samples, scaled like the mean when the machine differs).
fn calibration_inputs(local: &[LocalOption]) -> Vec<crate::model::uncertain::Input> {
    use crate::model::uncertain::{Dist, Input, InputSource, Param};
    let mut out = Vec::new();
    for (i, l) in local.iter().enumerate() {
        let ThroughputSource::Calibration {
            measured,
            bandwidth_scale,
            file,
            ..
        } = &l.throughput.source
        else {
            continue;
        };
        let k = bandwidth_scale.unwrap_or(Decimal::ONE);
        for (what, m, param, rate) in [
            (
                "prefill",
                &measured.prefill,
                Param::PrefillTokensPerSecond(i),
                l.throughput.prefill,
            ),
            (
                "decode",
                &measured.decode,
                Param::DecodeTokensPerSecond(i),
                l.throughput.decode,
            ),
        ] {
            if m.sd.is_zero() {
                continue;
            }
            let mean = rate.per_second();
            out.push(Input {
                path: format!("local[{i}].throughput.calibration ({what})"),
                dist: Dist::Normal { mean, sd: m.sd * k },
                point: mean,
                param,
                followers: Vec::new(),
                source: InputSource::Calibration,
                origin: file.clone(),
                line: 0,
                col: 0,
            });
        }
    }
    out
}

const TOP_KEYS: &[&str] = &[
    "name",
    "currency",
    "hours_per_month",
    "source",
    "description",
    "workload",
    "api",
    "local",
    "finance",
    "exchange_rates",
];
const WORKLOAD_KEYS: &[&str] = &[
    "tokens_per_month",
    "input_share",
    "cached_input_share",
    "batch_share",
    "prompt_tokens_per_request",
    "cache_write_share",
    "off_peak_share",
];
const API_KEYS: &[&str] = &[
    "model",
    "name",
    "input_per_mtok",
    "output_per_mtok",
    "cached_input_per_mtok",
    "cache_write_per_mtok",
    "batch_discount",
    "uplift",
];
const LOCAL_KEYS: &[&str] = &[
    "name",
    "owned",
    "rented",
    "power",
    "staff",
    "other_monthly",
    "overhead_share",
    "throughput",
    "max_utilization",
    "max_nodes",
    "model",
    "machine",
];
const OWNED_KEYS: &[&str] = &[
    "price",
    "residual_value",
    "amortization_months",
    "cost_of_capital",
];
const RENTED_KEYS: &[&str] = &["price_per_gpu_hour", "gpus", "billing"];
const POWER_KEYS: &[&str] = &["load_watts", "idle_watts", "price_per_kwh", "pue"];
const STAFF_KEYS: &[&str] = &["fte", "annual_cost"];
const THROUGHPUT_KEYS: &[&str] = &[
    "tokens_per_second",
    "tokens_per_hour",
    "prefill_tokens_per_second",
    "decode_tokens_per_second",
    "calibration",
    "concurrency",
];
const MODEL_KEYS: &[&str] = &[
    "params_b",
    "quant",
    "context",
    "concurrency",
    "layers",
    "kv_heads",
    "head_dim",
];
const FINANCE_KEYS: &[&str] = &[
    "horizon_months",
    "discount_rate",
    "volume_growth_per_month",
    "api_price_change_per_year",
];

fn money(f: &Field<'_>) -> Result<Money, Diagnostic> {
    f.decimal_in(
        Decimal::ZERO,
        max_money(),
        "an amount of money from 0 to 10^12",
    )
    .map(Money::new)
}

fn opt<T>(
    o: &Obj<'_>,
    key: &str,
    default: T,
    read: impl Fn(&Field<'_>) -> Result<T, Diagnostic>,
) -> Result<T, Diagnostic> {
    match o.get(key) {
        Some(f) => read(&f),
        None => Ok(default),
    }
}

// Lower bounds keep every cost within what `Decimal` holds: at 10^15 tokens a
// month, 0.01 tokens/s and 1 % utilization still need fewer than 10^16 nodes.
fn min_tps() -> Decimal {
    Decimal::new(1, 2)
}

fn min_utilization() -> Decimal {
    Decimal::new(1, 2)
}

fn max_tps() -> Decimal {
    Decimal::from(100_000_000u32)
}

impl Scenario {
    /// Reads a scenario from YAML text. `origin` names the text in errors.
    pub fn parse(
        text: &str,
        origin: &str,
        tables: Tables<'_>,
        files: &dyn Resolve,
    ) -> Result<Scenario, Error> {
        let root = yaml::parse(text, origin)?;
        Self::from_tree(&root, origin, tables, files)
    }

    /// Reads a scenario from YAML text after applying `--set PATH=VALUE` overrides.
    pub fn parse_with_overrides(
        text: &str,
        origin: &str,
        sets: &[String],
        tables: Tables<'_>,
        files: &dyn Resolve,
    ) -> Result<Scenario, Error> {
        let mut root = yaml::parse(text, origin)?;
        for s in sets {
            yaml::set_path(&mut root, s)?;
        }
        Self::from_tree(&root, origin, tables, files)
    }

    /// Reads a scenario from an already parsed tree.
    pub fn from_tree(
        root: &Node,
        origin: &str,
        tables: Tables<'_>,
        files: &dyn Resolve,
    ) -> Result<Scenario, Error> {
        // Distributions are checked where written and replaced by their point values.
        let (point_tree, mut uncertain) = crate::input::distributions::extract(root, origin)?;
        let root = &point_tree;
        let top = Field::root(root, origin).map(TOP_KEYS)?;
        let name = top.req("name", "a short title for the scenario")?.name()?;
        let currency = match top.get("currency") {
            Some(c) => {
                let t = c.text()?;
                if t.len() != 3 || !t.chars().all(|ch| ch.is_ascii_uppercase()) {
                    return Err(c
                        .error(format!("`{t}` is not an ISO currency code"))
                        .allowed("three capital letters, e.g. USD, EUR, GBP")
                        .into());
                }
                t
            }
            None => "USD".to_string(),
        };
        let hours_per_month = opt(&top, "hours_per_month", Decimal::from(730), |f| {
            f.decimal_in(
                Decimal::ONE,
                Decimal::from(744),
                "hours in a month from 1 to 744 (31 × 24); 730 = 365 × 24 / 12",
            )
        })?;
        let source = top.get("source").map(|f| f.text()).transpose()?;
        let description = top.get("description").map(|f| f.text()).transpose()?;

        let w = top
            .req("workload", "the token volume and its mix")?
            .map(WORKLOAD_KEYS)?;
        let workload = Workload {
            tokens_per_month: w
                .req("tokens_per_month", "tokens per month, e.g. 100M")?
                .tokens()?,
            input_share: opt(&w, "input_share", Decimal::new(8, 1), |f| f.share())?,
            cached_input_share: opt(&w, "cached_input_share", Decimal::ZERO, |f| f.share())?,
            batch_share: opt(&w, "batch_share", Decimal::ZERO, |f| f.share())?,
            prompt_tokens_per_request: w
                .get("prompt_tokens_per_request")
                .map(|f| {
                    f.integer(
                        1,
                        100_000_000,
                        "a whole number of prompt tokens from 1 to 100,000,000",
                    )
                })
                .transpose()?,
            cache_write_share: opt(&w, "cache_write_share", Decimal::ZERO, |f| f.share())?,
            off_peak_share: opt(&w, "off_peak_share", Decimal::ZERO, |f| f.share())?,
        };
        if workload.cached_input_share + workload.cache_write_share > Decimal::ONE {
            let f = w
                .get("cache_write_share")
                .unwrap_or_else(|| w.field.clone());
            return Err(f
                .error(format!(
                    "cached_input_share {} plus cache_write_share {} is above 1",
                    workload.cached_input_share, workload.cache_write_share
                ))
                .allowed("shares of the input tokens that add up to at most 1")
                .into());
        }
        let exchange_rates = match top.get("exchange_rates") {
            None => None,
            Some(f) => Some(read_rates(&f, &currency)?),
        };
        let ctx = PriceContext {
            date: tables.date,
            currency: &currency,
            rates: exchange_rates.as_ref(),
            prompt_tokens: workload.prompt_tokens_per_request,
        };

        let api_field = top.req("api", "a list of API options")?;
        let api_items = api_field.seq()?;
        if api_items.is_empty() {
            return Err(api_field
                .error("the list is empty")
                .allowed("at least one API option")
                .into());
        }
        let api = api_items
            .iter()
            .map(|f| read_api(f, tables.prices, &ctx))
            .collect::<Result<Vec<_>, _>>()?;

        let local_field = top.req("local", "a list of machines that could serve the load")?;
        let local_items = local_field.seq()?;
        if local_items.is_empty() {
            return Err(local_field
                .error("the list is empty")
                .allowed("at least one local option")
                .into());
        }
        let local = local_items
            .iter()
            .map(|f| read_local(f, tables.hardware, files, &ctx))
            .collect::<Result<Vec<_>, _>>()?;

        for (names, what) in [
            (api.iter().map(|a| &a.name).collect::<Vec<_>>(), "api"),
            (local.iter().map(|l| &l.name).collect(), "local"),
        ] {
            for (i, n) in names.iter().enumerate() {
                if names[..i].contains(n) {
                    let f = if what == "api" {
                        &api_items[i]
                    } else {
                        &local_items[i]
                    };
                    return Err(f
                        .error(format!("two {what} options are named `{n}`"))
                        .allowed("distinct names (add `name:`)")
                        .into());
                }
            }
        }

        let finance = match top.get("finance") {
            None => None,
            Some(f) => {
                let o = f.map(FINANCE_KEYS)?;
                Some(Finance {
                    horizon_months: o.req("horizon_months", "months to look ahead")?.integer(
                        1,
                        600,
                        "whole months from 1 to 600",
                    )? as u32,
                    discount_rate: opt(&o, "discount_rate", Decimal::ZERO, |f| {
                        f.decimal_in(
                            Decimal::ZERO,
                            Decimal::ONE,
                            "an annual rate from 0 to 1 (0.08 = 8 %)",
                        )
                    })?,
                    volume_growth_per_month: opt(
                        &o,
                        "volume_growth_per_month",
                        Decimal::ZERO,
                        |f| {
                            f.decimal_in(
                                Decimal::new(-1, 0),
                                Decimal::ONE,
                                "a monthly growth rate from -1 to 1 (0.02 = 2 % a month)",
                            )
                        },
                    )?,
                    api_price_change_per_year: opt(
                        &o,
                        "api_price_change_per_year",
                        Decimal::ZERO,
                        |f| {
                            f.decimal_in(
                                Decimal::new(-1, 0),
                                Decimal::from(10),
                                "an annual change from -1 to 10 (-0.3 = prices fall 30 % a year)",
                            )
                        },
                    )?,
                })
            }
        };

        uncertain.extend(calibration_inputs(&local));
        Ok(Scenario {
            name,
            currency,
            hours_per_month,
            source,
            description,
            workload,
            api,
            local,
            finance,
            exchange_rates,
            date: tables.date,
            uncertain,
        })
    }
}

/// The factor from table (USD) amounts to the scenario's currency, or a
/// located error at `at` when no rate is given.
fn table_factor(ctx: &PriceContext<'_>, at: &Field<'_>, what: &str) -> Result<Decimal, Diagnostic> {
    if ctx.currency == TABLE_CURRENCY {
        return Ok(Decimal::ONE);
    }
    ctx.rates
            .and_then(|r| r.rate(TABLE_CURRENCY))
            .ok_or_else(|| {
                at.error(format!(
                    "{what} is in {TABLE_CURRENCY} and the scenario is in {}, with no {TABLE_CURRENCY} rate",
                    ctx.currency
                ))
                .allowed(format!(
                    "`exchange_rates: {{as_of: YYYY-MM-DD, {TABLE_CURRENCY}: RATE}}` at the top (RATE = the price of one {TABLE_CURRENCY} in {}), or inline prices in {}",
                    ctx.currency, ctx.currency
                ))
            })
}

fn read_rates(f: &Field<'_>, currency: &str) -> Result<ExchangeRates, Diagnostic> {
    let node = f.node;
    let crate::input::yaml::Value::Map(entries) = &node.value else {
        return Err(f
            .error(format!("expected a mapping, found {}", node.kind()))
            .allowed("{as_of: YYYY-MM-DD, USD: 0.92}: one unit of each currency, in the scenario's currency"));
    };
    let mut keys: Vec<&str> = vec!["as_of"];
    let codes: Vec<String> = entries
        .iter()
        .filter_map(|(k, _)| k.scalar_text().map(str::to_string))
        .filter(|k| k != "as_of")
        .collect();
    for c in &codes {
        if c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_uppercase()) {
            let o = f.clone().map(&["as_of"]);
            return Err(o.err().unwrap_or_else(|| f.error("bad key")).allowed(
                "`as_of` and ISO currency codes (three capital letters, e.g. USD) with their rates",
            ));
        }
        keys.push(c.as_str());
    }
    let o = f.clone().map(&keys)?;
    let as_of =
        crate::input::tariff::read_date(&o.req("as_of", "the date of the rates, YYYY-MM-DD")?)?;
    let mut rates = Vec::new();
    for c in &codes {
        let Some(rf) = o.get(c) else { continue };
        if c == currency {
            return Err(rf
                .error(format!("{c} is the scenario's own currency"))
                .allowed("rates of other currencies only"));
        }
        let r = rf.positive(
            Decimal::from(1_000_000u32),
            "a rate above 0: the price of one unit of that currency in the scenario's currency",
        )?;
        rates.push((c.clone(), r));
    }
    if rates.is_empty() {
        return Err(f
            .error("no rate is given")
            .allowed("at least one currency with its rate, e.g. USD: 0.92"));
    }
    Ok(ExchangeRates { as_of, rates })
}

fn read_api(
    f: &Field<'_>,
    prices: &PriceTable,
    ctx: &PriceContext<'_>,
) -> Result<ApiOption, Diagnostic> {
    let o = f.clone().map(API_KEYS)?;
    let base = match o.get("model") {
        Some(m) => {
            let id = m.name()?;
            let entry = prices.lookup(&id, &m)?;
            let factor = table_factor(ctx, &m, &format!("`{id}`'s table price"))?;
            let opt = ApiOption::from_model(entry, ctx, factor);
            Some(opt)
        }
        None => None,
    };
    let name = match (o.get("name"), &base) {
        (Some(n), _) => n.name()?,
        (None, Some(b)) => b.name.clone(),
        (None, None) => {
            return Err(f
                .error("missing field `name`")
                .allowed("`model: ID` from the price table, or `name:` with inline prices"))
        }
    };
    let input = match (o.get("input_per_mtok"), &base) {
        (Some(p), _) => price(&p)?,
        (None, Some(b)) => b.input_per_mtok,
        (None, None) => {
            return Err(f
                .error("missing field `input_per_mtok`")
                .allowed("`input_per_mtok`: price per million input tokens"))
        }
    };
    let output = match (o.get("output_per_mtok"), &base) {
        (Some(p), _) => price(&p)?,
        (None, Some(b)) => b.output_per_mtok,
        (None, None) => {
            return Err(f
                .error("missing field `output_per_mtok`")
                .allowed("`output_per_mtok`: price per million output tokens"))
        }
    };
    let inline_input = o.has("input_per_mtok");
    let cached = match (o.get("cached_input_per_mtok"), &base) {
        (Some(p), _) => price(&p)?,
        (None, Some(b)) if !inline_input => b.cached_input_per_mtok,
        _ => input,
    };
    let cache_write = match (o.get("cache_write_per_mtok"), &base) {
        (Some(p), _) => price(&p)?,
        (None, Some(b)) if !inline_input => b.cache_write_per_mtok,
        _ => input,
    };
    let batch_discount = match (o.get("batch_discount"), &base) {
        (Some(p), _) => p.share()?,
        (None, Some(b)) => b.batch_discount,
        (None, None) => Decimal::ZERO,
    };
    let uplift = opt(&o, "uplift", Decimal::ONE, |f| {
        f.decimal_in(
            Decimal::ONE,
            Decimal::from(10),
            "a multiplier from 1 to 10 on every price (1.1 = 10 % regional or priority uplift)",
        )
    })?;
    // Inline prices replace the table's: its later changes and off-peak
    // prices no longer describe them.
    let inline = inline_input || o.has("output_per_mtok");
    let (changes, off_peak, notes) = match base {
        Some(b) if !inline => (b.changes, b.off_peak, b.notes),
        _ => (Vec::new(), None, Vec::new()),
    };
    Ok(ApiOption {
        model_id: o.get("model").map(|m| m.name()).transpose()?,
        name,
        input_per_mtok: input,
        output_per_mtok: output,
        cached_input_per_mtok: cached,
        batch_discount,
        cache_write_per_mtok: cache_write,
        off_peak,
        uplift,
        changes,
        notes,
    })
}

fn read_local(
    f: &Field<'_>,
    hardware: &HardwareTable,
    files: &dyn Resolve,
    ctx: &PriceContext<'_>,
) -> Result<LocalOption, Diagnostic> {
    let o = f.clone().map(LOCAL_KEYS)?;
    let name = o.req("name", "a name for this machine option")?.name()?;
    let machine = match o.get("machine") {
        Some(m) => Some(hardware.lookup(&m.name()?, &m)?.clone()),
        None => None,
    };
    // A machine's table price is in USD; only needed when the option takes it.
    let machine_factor = |at: &Field<'_>| -> Result<Decimal, Diagnostic> {
        table_factor(ctx, at, "the machine's table price")
    };
    let hw = match (o.get("owned"), o.get("rented")) {
        (Some(_), Some(r)) => {
            return Err(r
                .error("both `owned` and `rented` are given")
                .allowed("one of `owned` or `rented`"))
        }
        (None, None) => {
            return Err(f.error("missing `owned` or `rented`").allowed(
                "`owned: {price, amortization_months}` or `rented: {price_per_gpu_hour, gpus}`",
            ))
        }
        (Some(ow), None) => {
            let ow = ow.map(OWNED_KEYS)?;
            let price = match (ow.get("price"), &machine) {
                (Some(p), _) => money(&p)?,
                (None, Some(m)) => {
                    let at = o.get("machine").unwrap_or_else(|| ow.field.clone());
                    Money::new(m.price * machine_factor(&at)?)
                }
                (None, None) => {
                    return Err(ow.field.error("missing field `price`").allowed(
                        "`price`: capital cost of one node (or `machine:` to take its price)",
                    ))
                }
            };
            let residual = opt(&ow, "residual_value", Money::ZERO, money)?;
            if residual > price {
                let r = ow.get("residual_value").unwrap_or_else(|| ow.field.clone());
                return Err(r
                    .error(format!(
                        "residual value {} is above the price {}",
                        residual.amount(),
                        price.amount()
                    ))
                    .allowed("a resale value from 0 to the price"));
            }
            HardwareCost::Owned {
                monthly: Money::ZERO,
                price,
                residual_value: residual,
                amortization_months: ow
                    .req(
                        "amortization_months",
                        "months over which the price is spread",
                    )?
                    .integer(1, 600, "whole months from 1 to 600")?
                    as u32,
                cost_of_capital: opt(&ow, "cost_of_capital", Decimal::ZERO, |f| {
                    f.decimal_in(
                        Decimal::ZERO,
                        Decimal::ONE,
                        "an annual rate from 0 to 1 (0.08 = 8 %); 0 = straight line",
                    )
                })?,
            }
        }
        (None, Some(r)) => {
            let r = r.map(RENTED_KEYS)?;
            HardwareCost::Rented {
                price_per_gpu_hour: r
                    .req(
                        "price_per_gpu_hour",
                        "the rental price of one GPU for one hour",
                    )?
                    .decimal_in(
                        Decimal::ZERO,
                        Decimal::from(100_000u32),
                        "an hourly price from 0 to 100,000",
                    )
                    .map(Money::new)?,
                gpus: opt(&r, "gpus", 1, |f| {
                    f.integer(1, 10_000, "a whole number of GPUs from 1 to 10,000")
                })? as u32,
                billing: match r.get("billing") {
                    None => Billing::AlwaysOn,
                    Some(b) => match b.choice(&["always_on", "busy_hours"])? {
                        "busy_hours" => Billing::BusyHours,
                        _ => Billing::AlwaysOn,
                    },
                },
            }
        }
    };
    let hw = match hw {
        HardwareCost::Owned {
            price,
            residual_value,
            amortization_months,
            cost_of_capital,
            ..
        } => HardwareCost::Owned {
            monthly: crate::model::cost::owned_monthly(
                price,
                residual_value,
                amortization_months,
                cost_of_capital,
            ),
            price,
            residual_value,
            amortization_months,
            cost_of_capital,
        },
        rented => rented,
    };
    let watts = |f: &Field<'_>| {
        f.decimal_in(
            Decimal::ZERO,
            Decimal::from(10_000_000u32),
            "watts from 0 to 10,000,000",
        )
    };
    let power = match o.get("power") {
        None => None,
        Some(p) => {
            let p = p.map(POWER_KEYS)?;
            let load = match (p.get("load_watts"), &machine) {
                (Some(w), _) => watts(&w)?,
                (None, Some(m)) => m.load_watts,
                (None, None) => {
                    return Err(p.field.error("missing field `load_watts`").allowed(
                        "`load_watts`: power draw under load, W (or `machine:` to take it)",
                    ))
                }
            };
            let idle = match (p.get("idle_watts"), &machine) {
                (Some(w), _) => watts(&w)?,
                (None, Some(m)) if !p.has("load_watts") => m.idle_watts,
                _ => load,
            };
            Some(Power {
                load_watts: load,
                idle_watts: idle,
                price_per_kwh: p
                    .req("price_per_kwh", "electricity price per kWh")?
                    .decimal_in(
                        Decimal::ZERO,
                        Decimal::from(1000),
                        "a price per kWh from 0 to 1,000",
                    )
                    .map(Money::new)?,
                pue: opt(&p, "pue", Decimal::ONE, |f| {
                    f.decimal_in(
                        Decimal::ONE,
                        Decimal::from(5),
                        "a power usage effectiveness from 1 to 5 (1.0 = no cooling overhead)",
                    )
                })?,
            })
        }
    };
    let staff = match o.get("staff") {
        None => None,
        Some(s) => {
            let s = s.map(STAFF_KEYS)?;
            Some(Staff {
                fte: s
                    .req("fte", "full-time equivalents spent on this option")?
                    .decimal_in(
                        Decimal::ZERO,
                        Decimal::from(10_000),
                        "full-time equivalents from 0 to 10,000",
                    )?,
                annual_cost: money(&s.req("annual_cost", "fully loaded annual cost of one FTE")?)?,
            })
        }
    };
    let throughput = read_throughput(
        &o.req("throughput", "tokens per second one node sustains")?,
        machine.as_ref(),
        files,
    )?;
    let mut notes = Vec::new();
    if let ThroughputSource::Calibration {
        bandwidth_scale: Some(s),
        measured,
        ..
    } = &throughput.source
    {
        notes.push(format!(
            "throughput scaled by {} from the calibrated machine to {} by memory bandwidth",
            s.round_dp(3),
            machine.as_ref().map_or("this machine", |m| m.name.as_str())
        ));
        let _ = measured;
    }
    let model = match o.get("model") {
        None => None,
        Some(m) => Some(read_model(&m)?),
    };
    Ok(LocalOption {
        name,
        hardware: hw,
        power,
        staff,
        other_monthly: opt(&o, "other_monthly", Money::ZERO, money)?,
        overhead_share: opt(&o, "overhead_share", Decimal::ZERO, |f| f.share())?,
        throughput,
        max_utilization: opt(&o, "max_utilization", Decimal::ONE, |f| {
            f.decimal_in(min_utilization(), Decimal::ONE, "a share from 0.01 to 1")
        })?,
        max_nodes: o
            .get("max_nodes")
            .map(|f| f.integer(1, 1_000_000, "a whole number of nodes from 1 to 1,000,000"))
            .transpose()?,
        model,
        machine,
        notes,
    })
}

fn read_throughput(
    f: &Field<'_>,
    machine: Option<&Hardware>,
    files: &dyn Resolve,
) -> Result<Throughput, Diagnostic> {
    let o = f.clone().map(THROUGHPUT_KEYS)?;
    let tps =
        |f: &Field<'_>| f.decimal_in(min_tps(), max_tps(), "tokens per second from 0.01 to 10^8");
    let given: Vec<&str> = THROUGHPUT_KEYS
        .iter()
        .copied()
        .filter(|k| *k != "concurrency" && o.has(k))
        .collect();
    let one_of = "one of: tokens_per_second, tokens_per_hour, prefill_tokens_per_second with decode_tokens_per_second, or calibration";
    let declared = |rate: Rate| Throughput {
        prefill: rate,
        decode: rate,
        source: ThroughputSource::Declared,
    };
    match given.as_slice() {
        ["tokens_per_second"] => Ok(declared(Rate {
            tokens: tps(&o.req("tokens_per_second", "")?)?,
            per_seconds: Decimal::ONE,
        })),
        ["tokens_per_hour"] => {
            let t = o.req("tokens_per_hour", "")?;
            let v = t.tokens()?;
            let per_hour = Decimal::from(3600);
            if v.as_decimal() < min_tps() * per_hour || v.as_decimal() > max_tps() * per_hour {
                return Err(t
                    .error(format!("{} tokens per hour is out of range", v.0))
                    .allowed("tokens per hour from 36 to 360,000,000,000"));
            }
            Ok(declared(Rate {
                tokens: v.as_decimal(),
                per_seconds: Decimal::from(3600),
            }))
        }
        ["prefill_tokens_per_second", "decode_tokens_per_second"] => Ok(Throughput {
            prefill: Rate {
                tokens: tps(&o.req("prefill_tokens_per_second", "")?)?,
                per_seconds: Decimal::ONE,
            },
            decode: Rate {
                tokens: tps(&o.req("decode_tokens_per_second", "")?)?,
                per_seconds: Decimal::ONE,
            },
            source: ThroughputSource::Declared,
        }),
        ["calibration"] => {
            let c = o.req("calibration", "")?;
            let file = c.name()?;
            let concurrency = opt(&o, "concurrency", 1, |f| {
                f.integer(1, 4096, "parallel sequences from 1 to 4,096")
            })? as u32;
            let text = files.calibration(&file).map_err(|m| c.error(m).allowed("a calibration file written by `tco probe --out`, path relative to the scenario"))?;
            let cal = Calibration::parse(&text)
                .map_err(|m| c.error(format!("calibration `{file}`: {m}")))?;
            let measured = cal
                .throughput(concurrency)
                .map_err(|m| c.error(format!("calibration `{file}`: {m}")))?;
            let mut scale = None;
            if let (Some(target), Some(from_bw)) = (machine, measured.machine_bandwidth_gbs) {
                let same = measured.machine_id.as_deref() == Some(target.id.as_str());
                if !same && !from_bw.is_zero() {
                    scale = Some(target.memory_bandwidth_gbs / from_bw);
                }
            }
            let k = scale.unwrap_or(Decimal::ONE);
            let rate = |m: &crate::model::throughput::Measured| -> Result<Rate, Diagnostic> {
                let v = m.mean * k;
                if v < min_tps() {
                    return Err(c
                        .error(format!(
                            "calibration `{file}` measured a rate of {v} tokens/s"
                        ))
                        .allowed("a measured rate of at least 0.01 tokens/s"));
                }
                Ok(Rate {
                    tokens: v.min(max_tps()),
                    per_seconds: Decimal::ONE,
                })
            };
            Ok(Throughput {
                prefill: rate(&measured.prefill)?,
                decode: rate(&measured.decode)?,
                source: ThroughputSource::Calibration {
                    file,
                    concurrency,
                    measured: Box::new(measured),
                    bandwidth_scale: scale,
                },
            })
        }
        [] => Err(f.error("no throughput given").allowed(one_of)),
        ["decode_tokens_per_second"] | ["prefill_tokens_per_second"] => Err(f
            .error("split rates need both prefill_tokens_per_second and decode_tokens_per_second")
            .allowed(one_of)),
        more => Err(f
            .error(format!(
                "more than one throughput given ({})",
                more.join(", ")
            ))
            .allowed(one_of)),
    }
}

fn read_model(f: &Field<'_>) -> Result<ModelShape, Diagnostic> {
    let o = f.clone().map(MODEL_KEYS)?;
    let quant_field = o.req("quant", "the weight format, e.g. Q4_K_M")?;
    let quant_text = quant_field.text()?;
    let quant = Quant::parse(&quant_text).ok_or_else(|| {
        let names: Vec<&str> = Quant::ALL.iter().map(|q| q.name()).collect();
        let mut msg = format!("`{quant_text}` is not a known quantization");
        if let Some(s) = crate::error::did_you_mean(&quant_text, names.iter().copied()) {
            msg.push_str(&format!(" (did you mean `{s}`?)"));
        }
        quant_field.error(msg).allowed(names.join(", "))
    })?;
    let shape = |k: &str, hi: u64| {
        o.get(k)
            .map(|f| f.integer(1, hi, "a whole number above 0"))
            .transpose()
    };
    Ok(ModelShape {
        params_b: o
            .req("params_b", "parameters in billions, e.g. 70")?
            .decimal_in(
                Decimal::new(1, 3),
                Decimal::from(100_000u32),
                "billions of parameters from 0.001 to 100,000",
            )?,
        quant,
        context: opt(&o, "context", 4096, |f| {
            f.integer(
                1,
                10_000_000,
                "a context length in tokens from 1 to 10,000,000",
            )
        })?,
        concurrency: opt(&o, "concurrency", 1, |f| {
            f.integer(1, 100_000, "parallel sequences from 1 to 100,000")
        })?,
        layers: shape("layers", 10_000)?,
        kv_heads: shape("kv_heads", 10_000)?,
        head_dim: shape("head_dim", 100_000)?,
    })
}
