//! Scenarios: the workload, the API options and the local options, checked.
//!
//! [`Scenario::parse`] reads the scenario format (docs/formats.md) into the
//! model's types ([`crate::model::scenario`]) in one place; everything after works on values that are known to be in range.

use crate::error::{Diagnostic, Error};
use crate::input::calibration::Calibration;
use crate::input::limits;
use crate::input::read::{Field, Obj};
use crate::input::yaml::{self, Node};
use crate::model::date::Date;
use crate::model::fields::known as spec;
use crate::model::fit::{ModelShape, Quant};
use crate::model::load_curve::SloError;
use crate::model::prices::{Hardware, HardwareTable, PriceTable};
use crate::model::scenario::{
    ApiOption, Billing, ExchangeRates, Finance, HardwareCost, LocalOption, Power, PriceContext,
    Scenario, Staff, Workload, TABLE_CURRENCY,
};
use crate::model::throughput::{Rate, Throughput, ThroughputSource};
use crate::model::units::{Money, PerMTok, PricePerGpuHour, PricePerKwh, Share, Watts};
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
    "hourly_profile",
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
    "kg_co2e_per_mtok",
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
    "embodied_kg_co2e",
    "embodied_months",
];
const OWNED_KEYS: &[&str] = &[
    "price",
    "residual_value",
    "amortization_months",
    "cost_of_capital",
];
const RENTED_KEYS: &[&str] = &[
    "price_per_gpu_hour",
    "gpus",
    "billing",
    "term_months",
    "upfront",
    "discount",
    "interruption_overhead",
    "min_nodes",
];
/// `rented.billing` choices; `always_on` is the older name of `on_demand`.
const BILLINGS: &[&str] = &[
    "on_demand",
    "always_on",
    "reserved",
    "spot",
    "busy_hours",
    "autoscaled",
];
const POWER_KEYS: &[&str] = &[
    "load_watts",
    "idle_watts",
    "price_per_kwh",
    "pue",
    "grid_kg_co2e_per_kwh",
];
const STAFF_KEYS: &[&str] = &["fte", "annual_cost"];
const THROUGHPUT_KEYS: &[&str] = &[
    "tokens_per_second",
    "tokens_per_hour",
    "prefill_tokens_per_second",
    "decode_tokens_per_second",
    "calibration",
    "concurrency",
    "levels",
    "slo",
    "estimate",
    "efficiency",
];
const EFFICIENCY_KEYS: &[&str] = &["memory", "compute"];
const MODEL_KEYS: &[&str] = &[
    "id",
    "params_b",
    "active_params_b",
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
    f.within(spec("local[].owned.price")).map(Money::new)
}

/// An API price per million tokens (every such field has the same range).
fn price(f: &Field<'_>) -> Result<PerMTok, Diagnostic> {
    f.within(spec("api[].input_per_mtok")).map(PerMTok::new)
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
// month, 0.01 tokens/s and 1 % utilization still need fewer than 10^16 nodes
// (the registry's ranges for throughput and max_utilization).
fn min_tps() -> Decimal {
    spec("local[].throughput.tokens_per_second").min
}

fn max_tps() -> Decimal {
    spec("local[].throughput.tokens_per_second").max
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
            f.within(spec("hours_per_month"))
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
            input_share: opt(
                &w,
                "input_share",
                Share::new(Decimal::new(8, 1)).unwrap_or(Share::ONE),
                |f| f.share_in(spec("workload.input_share")),
            )?,
            cached_input_share: opt(&w, "cached_input_share", Share::ZERO, |f| {
                f.share_in(spec("workload.cached_input_share"))
            })?,
            batch_share: opt(&w, "batch_share", Share::ZERO, |f| {
                f.share_in(spec("workload.batch_share"))
            })?,
            hourly_profile: match w.get("hourly_profile") {
                None => None,
                Some(f) => read_profile(&f)?,
            },
            prompt_tokens_per_request: w
                .get("prompt_tokens_per_request")
                .map(|f| f.whole(spec("workload.prompt_tokens_per_request")))
                .transpose()?,
            cache_write_share: opt(&w, "cache_write_share", Share::ZERO, |f| {
                f.share_in(spec("workload.cache_write_share"))
            })?,
            off_peak_share: opt(&w, "off_peak_share", Share::ZERO, |f| {
                f.share_in(spec("workload.off_peak_share"))
            })?,
        };
        if workload.cached_input_share.get() + workload.cache_write_share.get() > Decimal::ONE {
            let f = w
                .get("cache_write_share")
                .unwrap_or_else(|| w.field.clone());
            return Err(f
                .error(format!(
                    "cached_input_share {} plus cache_write_share {} is above 1",
                    workload.cached_input_share.get(),
                    workload.cache_write_share.get()
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
            input_share: workload.input_share.get(),
        };

        let api_field = top.req("api", "a list of API options")?;
        let api_items = api_field.seq()?;
        if api_items.len() > limits::MAX_API_OPTIONS {
            let (m, a) = limits::too_many("API options", api_items.len(), limits::MAX_API_OPTIONS);
            return Err(api_field.error(m).allowed(a).into());
        }
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
        if local_items.len() > limits::MAX_LOCAL_OPTIONS {
            let (m, a) = limits::too_many(
                "local options",
                local_items.len(),
                limits::MAX_LOCAL_OPTIONS,
            );
            return Err(local_field.error(m).allowed(a).into());
        }
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
                    horizon_months: o
                        .req("horizon_months", "months to look ahead")?
                        .whole(spec("finance.horizon_months"))?
                        as u32,
                    discount_rate: opt(&o, "discount_rate", Decimal::ZERO, |f| {
                        f.within(spec("finance.discount_rate"))
                    })?,
                    volume_growth_per_month: opt(
                        &o,
                        "volume_growth_per_month",
                        Decimal::ZERO,
                        |f| f.within(spec("finance.volume_growth_per_month")),
                    )?,
                    api_price_change_per_year: opt(
                        &o,
                        "api_price_change_per_year",
                        Decimal::ZERO,
                        |f| f.within(spec("finance.api_price_change_per_year")),
                    )?,
                })
            }
        };

        let mut local = local;
        for l in &mut local {
            if let Some(share) = l.throughput.curve_input_share {
                let gap = (share - workload.input_share.get()).abs();
                if gap > Decimal::new(5, 2) {
                    l.notes.push(format!(
                        "the load levels were measured with {} % prompt tokens, the workload has {} %: the capacity may differ at this mix",
                        (share * Decimal::from(100)).round_dp(1).normalize(),
                        (workload.input_share.get() * Decimal::from(100)).round_dp(1).normalize()
                    ));
                }
            }
        }
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
        let rs = spec("exchange_rates.*");
        let r = rf.positive(rs.max, rs.allowed)?;
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
        (Some(p), _) => p.within(spec("api[].batch_discount"))?,
        (None, Some(b)) => b.batch_discount,
        (None, None) => Decimal::ZERO,
    };
    let kg_co2e_per_mtok = o
        .get("kg_co2e_per_mtok")
        .map(|f| f.within(spec("api[].kg_co2e_per_mtok")))
        .transpose()?;
    let uplift = opt(&o, "uplift", Decimal::ONE, |f| {
        f.within(spec("api[].uplift"))
    })?;
    // Inline prices replace the table's: its later changes and off-peak
    // prices no longer describe them.
    let inline = inline_input || o.has("output_per_mtok");
    let (changes, off_peak, notes) = match base {
        Some(b) if !inline => (b.changes, b.off_peak, b.notes),
        _ => (Vec::new(), None, Vec::new()),
    };
    Ok(ApiOption {
        kg_co2e_per_mtok,
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
                    .whole(spec("local[].owned.amortization_months"))?
                    as u32,
                cost_of_capital: opt(&ow, "cost_of_capital", Decimal::ZERO, |f| {
                    f.within(spec("local[].owned.cost_of_capital"))
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
                    .within(spec("local[].rented.price_per_gpu_hour"))
                    .map(PricePerGpuHour::new)?,
                gpus: opt(&r, "gpus", 1, |f| f.whole(spec("local[].rented.gpus")))? as u32,
                billing: read_billing(&r)?,
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
    let watts = |f: &Field<'_>| f.within(spec("local[].power.load_watts")).map(Watts::new);
    let power = match o.get("power") {
        None => None,
        Some(p) => {
            let p = p.map(POWER_KEYS)?;
            let load = match (p.get("load_watts"), &machine) {
                (Some(w), _) => watts(&w)?,
                (None, Some(m)) => Watts::new(m.load_watts),
                (None, None) => {
                    return Err(p.field.error("missing field `load_watts`").allowed(
                        "`load_watts`: power draw under load, W (or `machine:` to take it)",
                    ))
                }
            };
            let idle = match (p.get("idle_watts"), &machine) {
                (Some(w), _) => watts(&w)?,
                (None, Some(m)) if !p.has("load_watts") => Watts::new(m.idle_watts),
                _ => load,
            };
            Some(Power {
                load_watts: load,
                idle_watts: idle,
                price_per_kwh: p
                    .req("price_per_kwh", "electricity price per kWh")?
                    .within(spec("local[].power.price_per_kwh"))
                    .map(PricePerKwh::new)?,
                grid_kg_co2e_per_kwh: p
                    .get("grid_kg_co2e_per_kwh")
                    .map(|f| f.within(spec("local[].power.grid_kg_co2e_per_kwh")))
                    .transpose()?,
                pue: opt(&p, "pue", Decimal::ONE, |f| {
                    f.within(spec("local[].power.pue"))
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
                    .within(spec("local[].staff.fte"))?,
                annual_cost: money(&s.req("annual_cost", "fully loaded annual cost of one FTE")?)?,
            })
        }
    };
    let model = match o.get("model") {
        None => None,
        Some(m) => Some(read_model(&m)?),
    };
    let (throughput, estimate_infeasible) = read_throughput(
        &o.req("throughput", "tokens per second one node sustains")?,
        machine.as_ref(),
        model.as_ref(),
        ctx,
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
    let mut infeasible = crate::model::fit::infeasible(model.as_ref(), machine.as_ref());
    if infeasible.is_empty() {
        infeasible = estimate_infeasible;
    }
    if let ThroughputSource::SloUnmet { reason, .. } = &throughput.source {
        infeasible.push(reason.clone());
    }
    notes.extend(plausibility_notes(
        &hw,
        &throughput,
        model.as_ref(),
        machine.as_ref(),
    ));
    let embodied = read_embodied(&o, &hw)?;
    Ok(LocalOption {
        name,
        hardware: hw,
        power,
        staff,
        other_monthly: opt(&o, "other_monthly", Money::ZERO, money)?,
        overhead_share: opt(&o, "overhead_share", Share::ZERO, |f| {
            f.share_in(spec("local[].overhead_share"))
        })?,
        throughput,
        max_utilization: opt(&o, "max_utilization", Share::ONE, |f| {
            f.share_in(spec("local[].max_utilization"))
        })?,
        max_nodes: o
            .get("max_nodes")
            .map(|f| f.whole(spec("local[].max_nodes")))
            .transpose()?,
        embodied,
        model,
        machine,
        notes,
        infeasible,
    })
}

/// Warnings for inputs that read as numbers but are probably not what was
/// meant: an owned price far from the machine's table entry (`3.220` typed
/// for 3,220 with a German thousands separator), and a single throughput rate
/// that looks like a decode figure, applied to prompt tokens too.
fn plausibility_notes(
    hw: &HardwareCost,
    throughput: &Throughput,
    model: Option<&crate::model::fit::ModelShape>,
    machine: Option<&Hardware>,
) -> Vec<String> {
    let mut notes = Vec::new();
    if let (HardwareCost::Owned { price, .. }, Some(m)) = (hw, machine) {
        let p = price.amount();
        let table = m.price;
        let ten = Decimal::from(10);
        if table > Decimal::ZERO && (p * ten < table || p > table * ten) {
            notes.push(format!(
                "owned.price {} is far from the {} the price table gives for {} ({}): a thousands separator read as a decimal point (3.220 for 3,220)? Write the price as digits only, e.g. {}",
                p.normalize(),
                table.normalize(),
                m.id,
                m.name,
                table.normalize()
            ));
        }
    }
    let single = throughput.prefill == throughput.decode
        && matches!(throughput.source, ThroughputSource::Declared);
    if single {
        let rate = throughput.decode.per_second();
        // One decode stream reads every weight per token; prefill processes a
        // whole prompt per read of the weights and runs 10-100x faster. A
        // single rate under ten times one stream's bandwidth ceiling (or
        // under 200 tokens/s when the machine is unknown) is below what
        // prefill plausibly runs at: a decode figure.
        let ceiling = match (model, machine) {
            (Some(md), Some(m)) => md.fit(Some(m)).decode_ceiling_tps,
            _ => None,
        };
        let looks_like_decode = match ceiling {
            Some(c) => rate < c * Decimal::from(10),
            None => rate < Decimal::from(200),
        };
        if looks_like_decode {
            notes.push(format!(
                "one throughput rate, {} tokens/s, is applied to prompt (prefill) tokens too, which usually run 10-100x faster than decode: give `prefill_tokens_per_second` and `decode_tokens_per_second` (tco probe measures both)",
                rate.round_dp(2).normalize()
            ));
        }
    }
    notes
}

/// `workload.hourly_profile`: `flat`, or 24 non-negative weights.
fn read_profile(f: &Field<'_>) -> Result<Option<Vec<Decimal>>, Diagnostic> {
    let allowed =
        "`flat`, or a list of 24 non-negative numbers: traffic in each hour of the day (any scale)";
    if let Ok(t) = f.text() {
        if t == "flat" {
            return Ok(None);
        }
        return Err(f
            .error(format!("`{t}` is not an hourly profile"))
            .allowed(allowed));
    }
    let items = f.seq().map_err(|d| d.allowed(allowed))?;
    if items.len() != 24 {
        return Err(f
            .error(format!(
                "{} weights given, one per hour of the day needs 24",
                items.len()
            ))
            .allowed(allowed));
    }
    let w = items
        .iter()
        .map(|i| {
            i.decimal_in(
                Decimal::ZERO,
                Decimal::from(1_000_000_000u32),
                "a weight from 0 to 10^9",
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    if w.iter().all(|x| x.is_zero()) {
        return Err(f
            .error("every weight is 0: no hour carries traffic")
            .allowed(allowed));
    }
    Ok(Some(w))
}

/// `rented.billing` and the fields that go with it.
fn read_billing(r: &Obj<'_>) -> Result<Billing, Diagnostic> {
    let kind = match r.get("billing") {
        None => "on_demand",
        Some(b) => b.choice(BILLINGS)?,
    };
    let own: Vec<&str> = crate::model::fields::billing_keys(kind).collect();
    for (needs, keys) in crate::model::fields::BILLING_KINDS {
        for &(k, _) in keys.iter() {
            let Some(f) = r.get(k) else { continue };
            if !own.contains(&k) {
                return Err(f
                    .error(format!("`{k}` applies to `billing: {needs}`, not `{kind}`"))
                    .allowed(format!(
                        "with billing `{kind}`: {}",
                        if own.is_empty() {
                            "no further fields".to_string()
                        } else {
                            own.join(", ")
                        }
                    )));
            }
        }
    }
    Ok(match kind {
        "busy_hours" => Billing::BusyHours,
        "reserved" => Billing::Reserved {
            term_months: r
                .req("term_months", "the length of the commitment in months")?
                .whole(spec("local[].rented.term_months"))? as u32,
            upfront: opt(r, "upfront", Share::ZERO, |f| {
                f.share_in(spec("local[].rented.upfront"))
            })?,
        },
        "spot" => Billing::Spot {
            discount: r
                .req(
                    "discount",
                    "the spot discount on the hourly price, e.g. 0.6",
                )?
                .share_in(spec("local[].rented.discount"))?,
            interruption_overhead: opt(r, "interruption_overhead", Share::ZERO, |f| {
                f.share_in(spec("local[].rented.interruption_overhead"))
            })?,
        },
        "autoscaled" => Billing::Autoscaled {
            min_nodes: opt(r, "min_nodes", 0, |f| {
                f.whole(spec("local[].rented.min_nodes"))
            })?,
        },
        _ => Billing::AlwaysOn,
    })
}

/// `embodied_kg_co2e` per node, spread over the owned hardware's
/// amortization months or a rented option's `embodied_months`.
fn read_embodied(
    o: &Obj<'_>,
    hw: &HardwareCost,
) -> Result<Option<crate::model::scenario::Embodied>, Diagnostic> {
    let months_field = o.get("embodied_months");
    let Some(f) = o.get("embodied_kg_co2e") else {
        if let Some(m) = months_field {
            return Err(m
                .error("`embodied_months` without `embodied_kg_co2e`")
                .allowed("`embodied_kg_co2e` (kg CO2e to make one node) with it, or neither"));
        }
        return Ok(None);
    };
    let kg = f.within(spec("local[].embodied_kg_co2e"))?;
    let months =
        match (hw, months_field) {
            (_, Some(m)) => m.whole(spec("local[].embodied_months"))? as u32,
            (
                HardwareCost::Owned {
                    amortization_months,
                    ..
                },
                None,
            ) => *amortization_months,
            (HardwareCost::Rented { .. }, None) => return Err(f
                .error("a rented option's embodied carbon needs the months to spread it over")
                .allowed(
                    "`embodied_months`: the months of the hardware's life the rent covers, e.g. 48",
                )),
        };
    Ok(Some(crate::model::scenario::Embodied {
        kg_co2e: kg,
        months,
    }))
}

/// A curve none of whose levels meets the latency targets: the option is
/// infeasible (see [`read_local`]); the lowest level's rate is kept so its
/// costs can still be shown.
fn slo_unmet(
    curve: &crate::model::load_curve::LoadCurve,
    file: Option<String>,
    reason: String,
    per_second: &dyn Fn(Decimal) -> Throughput,
) -> Throughput {
    let (concurrency, rate) = curve
        .levels
        .iter()
        .min_by_key(|l| l.concurrency)
        .map_or((1, Decimal::ONE), |l| {
            (l.concurrency, l.total_tokens_per_second)
        });
    let mut t = per_second(rate.max(min_tps()));
    t.source = ThroughputSource::SloUnmet {
        file,
        concurrency,
        reason,
    };
    t
}

/// A local option's throughput, and why the option cannot run at all when
/// a roofline estimate finds the model does not fit.
fn read_throughput(
    f: &Field<'_>,
    machine: Option<&Hardware>,
    model: Option<&ModelShape>,
    ctx: &PriceContext<'_>,
    files: &dyn Resolve,
) -> Result<(Throughput, Vec<String>), Diagnostic> {
    let o = f.clone().map(THROUGHPUT_KEYS)?;
    if o.has("estimate") {
        return read_estimate(f, &o, machine, model, ctx);
    }
    if let Some(e) = o.get("efficiency") {
        return Err(e
            .error("`efficiency` applies to an estimate")
            .allowed("`efficiency` with `estimate: roofline`"));
    }
    read_measured(f, &o, machine, files).map(|t| (t, Vec::new()))
}

fn read_measured(
    f: &Field<'_>,
    o: &Obj<'_>,
    machine: Option<&Hardware>,
    files: &dyn Resolve,
) -> Result<Throughput, Diagnostic> {
    let o = o.clone();
    let tps = |f: &Field<'_>| f.within(spec("local[].throughput.tokens_per_second"));
    let given: Vec<&str> = THROUGHPUT_KEYS
        .iter()
        .copied()
        .filter(|k| *k != "concurrency" && *k != "slo" && o.has(k))
        .collect();
    let one_of = "one of: tokens_per_second, tokens_per_hour, prefill_tokens_per_second with decode_tokens_per_second, calibration, or levels (with slo or concurrency)";
    let slo = o
        .get("slo")
        .map(|f| crate::input::load_curve::read_slo(&f))
        .transpose()?;
    if slo.is_some() && o.has("concurrency") {
        let c = o.req("concurrency", "")?;
        return Err(c
            .error("`concurrency` and `slo` both choose the load level")
            .allowed("one of them: `slo` finds the highest load that meets the targets"));
    }
    if slo.is_some() && !matches!(given.as_slice(), ["calibration"] | ["levels"]) {
        let s = o.req("slo", "")?;
        return Err(s
            .error("latency targets need measured load levels")
            .allowed("`slo` with `levels: [...]` or with a server probe's `calibration: FILE`"));
    }
    let per_second = |tps: Decimal| Throughput {
        prefill: Rate {
            tokens: tps,
            per_seconds: Decimal::ONE,
        },
        decode: Rate {
            tokens: tps,
            per_seconds: Decimal::ONE,
        },
        source: ThroughputSource::Declared,
        curve_input_share: None,
    };
    let declared = |rate: Rate| Throughput {
        prefill: rate,
        decode: rate,
        source: ThroughputSource::Declared,
        curve_input_share: None,
    };
    match given.as_slice() {
        ["tokens_per_second"] => Ok(declared(Rate {
            tokens: tps(&o.req("tokens_per_second", "")?)?,
            per_seconds: Decimal::ONE,
        })),
        ["tokens_per_hour"] => {
            let t = o.req("tokens_per_hour", "")?;
            let v = t.tokens()?;
            let per_hour = spec("local[].throughput.tokens_per_hour");
            if v.as_decimal() < per_hour.min || v.as_decimal() > per_hour.max {
                return Err(t
                    .error(format!("{} tokens per hour is out of range", v.0))
                    .allowed(per_hour.allowed));
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
            curve_input_share: None,
        }),
        ["levels"] => {
            let lf = o.req("levels", "")?;
            let curve = crate::input::load_curve::read_levels(&lf)?;
            match slo {
                Some(slo) => {
                    let mut t = match curve.capacity(&slo) {
                        Ok(capacity) => {
                            let mut t = per_second(capacity.total_tokens_per_second);
                            t.source = ThroughputSource::Slo {
                                file: None,
                                capacity,
                            };
                            t
                        }
                        Err(SloError::NoLevelMeets(reason)) => {
                            slo_unmet(&curve, None, reason, &per_second)
                        }
                        Err(e) => {
                            return Err(lf.error(e.to_string()).allowed(
                                "latency targets on figures every level has (ttft, tpot, itl or e2e at p50/p90/p95/p99)",
                            ))
                        }
                    };
                    t.curve_input_share = curve.input_share();
                    Ok(t)
                }
                None => {
                    let Some(cf) = o.get("concurrency") else {
                        return Err(f
                            .error("measured levels need `slo` or `concurrency`")
                            .allowed("`slo: {ttft_p95_ms: 2000, …}` (the highest load meeting the targets) or `concurrency: N` (that level)"));
                    };
                    let c = cf.integer(1, 100_000, "a concurrency measured in `levels`")? as u32;
                    let level = curve
                        .levels
                        .iter()
                        .find(|l| l.concurrency == c)
                        .ok_or_else(|| {
                            let have: Vec<String> = curve
                                .levels
                                .iter()
                                .map(|l| l.concurrency.to_string())
                                .collect();
                            cf.error(format!("no level at concurrency {c}"))
                                .allowed(format!("a concurrency of `levels`: {}", have.join(", ")))
                        })?;
                    let mut t = per_second(level.total_tokens_per_second);
                    t.source = ThroughputSource::Level { concurrency: c };
                    t.curve_input_share = curve.input_share();
                    Ok(t)
                }
            }
        }
        ["calibration"] if slo.is_some() => {
            let c = o.req("calibration", "")?;
            let file = c.name()?;
            let text = files.calibration(&file).map_err(|m| c.error(m).allowed("a calibration file written by `tco probe --server --out`, path relative to the scenario"))?;
            let cal = crate::input::calibration_schema::CalibrationFile::from_text(&text)
                .map_err(|m| c.error(format!("calibration `{file}`: {m}")))?;
            let curve = crate::input::load_curve::load_curve_from_calibration(&cal)
                .map_err(|m| c.error(format!("calibration `{file}`: {m}")))?;
            let slo = slo.unwrap_or(crate::model::load_curve::Slo {
                targets: Vec::new(),
            });
            let mut t = match curve.capacity(&slo) {
                Ok(capacity) => {
                    let mut t = per_second(capacity.total_tokens_per_second);
                    t.source = ThroughputSource::Slo {
                        file: Some(file),
                        capacity,
                    };
                    t
                }
                Err(SloError::NoLevelMeets(reason)) => {
                    slo_unmet(&curve, Some(file), reason, &per_second)
                }
                Err(e) => {
                    return Err(c.error(format!("calibration `{file}`: {e}")).allowed(
                        "latency targets on figures every level has (ttft, tpot, itl or e2e at p50/p90/p95/p99)",
                    ))
                }
            };
            t.curve_input_share = curve.input_share();
            Ok(t)
        }
        ["calibration"] => {
            let c = o.req("calibration", "")?;
            let file = c.name()?;
            let concurrency = opt(&o, "concurrency", 1, |f| {
                f.whole(spec("local[].throughput.concurrency"))
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
                curve_input_share: None,
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

/// `throughput: {estimate: roofline}`: the load curve modelled from the
/// machine's specs ([`crate::model::estimate::roofline`]) for the model and
/// the workload's requests, and the capacity picked from it exactly as from
/// a measured curve: the highest load meeting `slo`, or without targets the
/// highest total tokens/s (the largest batch that fits).
fn read_estimate(
    f: &Field<'_>,
    o: &Obj<'_>,
    machine: Option<&Hardware>,
    model: Option<&ModelShape>,
    ctx: &PriceContext<'_>,
) -> Result<(Throughput, Vec<String>), Diagnostic> {
    use crate::model::estimate::{
        default_efficiency, efficiency_range, request_shape, roofline, Efficiency,
        EfficiencySource, EstimateError, MachineSpecs, ModelLoad,
    };
    let ef = o.req("estimate", "")?;
    ef.choice(&["roofline"])?;
    let others: Vec<&str> = THROUGHPUT_KEYS
        .iter()
        .copied()
        .filter(|k| !matches!(*k, "estimate" | "efficiency" | "slo") && o.has(k))
        .collect();
    if let Some(k) = others.first() {
        let at = o.req(k, "")?;
        return Err(at
            .error(format!("`{k}` and `estimate` both give the throughput"))
            .allowed("`estimate: roofline` with optional `efficiency` and `slo`, or measured figures without `estimate`"));
    }
    let Some(m) = machine else {
        return Err(ef
            .error("the roofline estimate needs the machine's specs")
            .allowed(
                "`machine: ID` on this option, an id from the hardware table (tco hardware list)",
            ));
    };
    let Some(model) = model else {
        return Err(ef
            .error("the roofline estimate needs the model served")
            .allowed("`model: {params_b: 70, quant: Q4_K_M}` on this option"));
    };
    let Some(tflops) = m.fp16_tflops else {
        return Err(ef
            .error(format!(
                "the roofline estimate needs the machine's peak FP16 TFLOPS; `{}` has no `fp16_tflops` in the hardware table",
                m.id
            ))
            .allowed("a machine with `fp16_tflops` and `memory_bandwidth_gbs` (tco hardware show ID), or measured `levels` or `calibration`"));
    };
    if let Some(a) = model.active_params_b {
        if a > model.params_b {
            return Err(f
                .error(format!(
                    "active_params_b {} is above params_b {}",
                    a.normalize(),
                    model.params_b.normalize()
                ))
                .allowed("active parameters at most the model's parameters"));
        }
    }
    let default = default_efficiency(&m.platform);
    let (eff, source) = match o.get("efficiency") {
        None => (
            default,
            EfficiencySource::Default {
                kind: m.platform.clone(),
            },
        ),
        Some(e) => {
            let e = e.map(&["memory", "compute"])?;
            let memory = opt(&e, "memory", default.memory, |f| {
                f.within(spec("local[].throughput.efficiency.memory"))
            })?;
            let compute = opt(&e, "compute", default.compute, |f| {
                f.within(spec("local[].throughput.efficiency.compute"))
            })?;
            (Efficiency { memory, compute }, EfficiencySource::Scenario)
        }
    };
    let slo = o
        .get("slo")
        .map(|f| crate::input::load_curve::read_slo(&f))
        .transpose()?;
    let (prompt, output) = request_shape(ctx.prompt_tokens, ctx.input_share, model.context);
    let load = ModelLoad {
        weight_bytes: model.weight_bytes(),
        active_params_b: model.active_params_b.unwrap_or(model.params_b),
        kv_bytes_per_token: model.kv_bytes_per_token(),
        prompt_tokens: prompt,
        output_tokens: output,
    };
    let specs = MachineSpecs {
        memory_gb: m.memory_gb,
        memory_bandwidth_gbs: m.memory_bandwidth_gbs,
        fp16_tflops: tflops,
    };
    let source_text = format!(
        "estimated (roofline) for {}, {}B {} at {prompt} prompt + {output} output tokens",
        m.name,
        model.params_b.normalize(),
        model.quant.name()
    );
    let targets = slo.clone().unwrap_or(crate::model::load_curve::Slo {
        targets: Vec::new(),
    });
    let eta = |e: Efficiency| {
        format!(
            "η memory {}, compute {}",
            e.memory.normalize(),
            e.compute.normalize()
        )
    };
    let from = match &source {
        EfficiencySource::Default { kind } => format!("the default for {kind} machines"),
        EfficiencySource::Scenario => "from the scenario".to_string(),
        EfficiencySource::Fitted { calibration } => format!("fitted to {calibration}"),
    };
    // Capacity on the curve at one efficiency (None: no fit or no level meets).
    let at = |e: Efficiency| -> Option<Decimal> {
        let est = roofline(specs, load, e).ok()?;
        est.load_curve(&load, String::new())
            .capacity(&targets)
            .ok()
            .map(|c| c.total_tokens_per_second)
    };
    let (lo, hi) = efficiency_range(eff);
    let range = (at(lo), at(hi));
    let est = match roofline(specs, load, eff) {
        Ok(est) => est,
        Err(EstimateError::DoesNotFit { needed_gb, .. }) => {
            // The option cannot run; keep a nominal rate (the single-stream
            // bandwidth ceiling) so that its costs still read sensibly.
            let ceiling = (m.memory_bandwidth_gbs * eff.memory * Decimal::from(1_000_000_000u64)
                / load.weight_bytes.max(Decimal::ONE))
            .round_dp(4)
            .clamp(min_tps(), max_tps());
            let why = format!(
                "cannot hold the model: {}B at {} needs {needed_gb} GB for its weights and one request's KV cache ({prompt} + {output} tokens), more than the machine's {} GB",
                model.params_b.normalize(),
                model.quant.name(),
                m.memory_gb.normalize()
            );
            let rate = Rate {
                tokens: ceiling,
                per_seconds: Decimal::ONE,
            };
            return Ok((
                Throughput {
                    prefill: rate,
                    decode: rate,
                    source: ThroughputSource::Estimate {
                        capacity: None,
                        efficiency: eff,
                        efficiency_source: source,
                        range_tokens_per_second: (None, None),
                        description: format!("{source_text}: does not fit"),
                    },
                    curve_input_share: None,
                },
                vec![why],
            ));
        }
        Err(e @ EstimateError::MissingSpec(_)) => {
            return Err(ef
                .error(format!("{}: {e}", m.id))
                .allowed("a machine with `fp16_tflops` and `memory_bandwidth_gbs` above 0"))
        }
    };
    let curve = est.load_curve(&load, source_text.clone());
    let capacity = match curve.capacity(&targets) {
        Ok(c) => c,
        // No batch size meets the targets: the option cannot serve (issue
        // 14), as for a measured curve; the batch-1 rate is kept for the record.
        Err(SloError::NoLevelMeets(reason)) => {
            let rate = Rate {
                tokens: curve
                    .levels
                    .iter()
                    .min_by_key(|l| l.concurrency)
                    .map_or(min_tps(), |l| l.total_tokens_per_second)
                    .clamp(min_tps(), max_tps()),
                per_seconds: Decimal::ONE,
            };
            return Ok((
                Throughput {
                    prefill: rate,
                    decode: rate,
                    source: ThroughputSource::Estimate {
                        capacity: None,
                        efficiency: eff,
                        efficiency_source: source,
                        range_tokens_per_second: range,
                        description: format!(
                            "{source_text}: misses the latency targets at every batch size; {} ({from})",
                            eta(eff)
                        ),
                    },
                    curve_input_share: None,
                },
                vec![reason.replace(", measured ", ", estimated ")],
            ));
        }
        Err(e) => {
            let at = o.get("slo").unwrap_or_else(|| ef.clone());
            return Err(at
                .error(e.to_string())
                .allowed("latency targets on ttft, tpot, itl or e2e at p50/p90/p95/p99"));
        }
    };
    let tps = capacity.total_tokens_per_second.clamp(min_tps(), max_tps());
    let fmt_range = |v: Option<Decimal>, e: Efficiency| {
        let what = v.map_or("targets missed".to_string(), |v| {
            format!(
                "{} tokens/s",
                crate::model::format::decimal_grouped(v.round_dp(0))
            )
        });
        format!("{what} ({})", eta(e))
    };
    let description = format!(
        "{}; {} ({from}); range {} to {}",
        capacity.description,
        eta(eff),
        fmt_range(range.0, lo),
        fmt_range(range.1, hi),
    );
    let rate = Rate {
        tokens: tps,
        per_seconds: Decimal::ONE,
    };
    Ok((
        Throughput {
            prefill: rate,
            decode: rate,
            source: ThroughputSource::Estimate {
                capacity: Some(capacity),
                efficiency: eff,
                efficiency_source: source,
                range_tokens_per_second: range,
                description,
            },
            curve_input_share: None,
        },
        Vec::new(),
    ))
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
    let shape = |k: &str| {
        o.get(k)
            .map(|f| f.whole(spec(&format!("local[].model.{k}"))))
            .transpose()
    };
    Ok(ModelShape {
        id: o.get("id").map(|f| f.name()).transpose()?,
        params_b: o
            .req("params_b", "parameters in billions, e.g. 70")?
            .within(spec("local[].model.params_b"))?,
        active_params_b: o
            .get("active_params_b")
            .map(|f| f.within(spec("local[].model.active_params_b")))
            .transpose()?,
        quant,
        context: opt(&o, "context", 4096, |f| {
            f.whole(spec("local[].model.context"))
        })?,
        concurrency: opt(&o, "concurrency", 1, |f| {
            f.whole(spec("local[].model.concurrency"))
        })?,
        layers: shape("layers")?,
        kv_heads: shape("kv_heads")?,
        head_dim: shape("head_dim")?,
    })
}

/// Every leaf path pattern the reader accepts (`local[].power.pue`).
pub fn accepted_paths() -> Vec<String> {
    let sections = [
        "workload",
        "api",
        "local",
        "finance",
        "owned",
        "rented",
        "power",
        "staff",
        "throughput",
        "model",
        "efficiency",
    ];
    let leaves = |prefix: &str, keys: &[&str]| -> Vec<String> {
        keys.iter()
            .filter(|k| !sections.contains(k) || (prefix.starts_with("api") && **k == "model"))
            .map(|k| format!("{prefix}{k}"))
            .collect()
    };
    let mut out = leaves("", TOP_KEYS);
    // `exchange_rates`: its date and a rate for any currency code.
    out.extend(["exchange_rates.as_of".into(), "exchange_rates.*".into()]);
    for (prefix, keys) in [
        ("workload.", WORKLOAD_KEYS),
        ("api[].", API_KEYS),
        ("local[].", LOCAL_KEYS),
        ("local[].owned.", OWNED_KEYS),
        ("local[].rented.", RENTED_KEYS),
        ("local[].power.", POWER_KEYS),
        ("local[].staff.", STAFF_KEYS),
        ("local[].throughput.", THROUGHPUT_KEYS),
        ("local[].throughput.efficiency.", EFFICIENCY_KEYS),
        ("local[].model.", MODEL_KEYS),
        ("finance.", FINANCE_KEYS),
    ] {
        out.extend(leaves(prefix, keys));
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod registry_tests {
    use super::*;
    use crate::model::fields::{spec, FIELDS};

    #[test]
    fn every_reader_key_has_a_spec_and_back() {
        let accepted = accepted_paths();
        for p in &accepted {
            assert!(
                spec(p).is_some(),
                "the reader accepts `{p}` but FIELDS has no line for it"
            );
        }
        for f in FIELDS {
            assert!(
                accepted.iter().any(|p| p == f.path),
                "FIELDS has `{}` but the reader does not accept it",
                f.path
            );
        }
    }

    #[test]
    fn the_reader_refuses_what_the_registry_refuses() {
        use crate::input::bundled;
        let tables = bundled::tables().unwrap();
        // Every numeric field of the flagship: its max is accepted and just
        // above its max is refused with the registry's allowed text.
        let cases = [
            "hours_per_month",
            "workload.input_share",
            "local[0].power.price_per_kwh",
            "local[0].power.pue",
            "local[0].owned.cost_of_capital",
            "local[0].owned.amortization_months",
            "local[0].max_utilization",
            "local[0].staff.fte",
        ];
        for path in cases {
            let s = crate::model::fields::spec_of(path).unwrap();
            let ok = Scenario::parse_with_overrides(
                bundled::FLAGSHIP.1,
                "f.yaml",
                &[format!("{path}={}", s.max)],
                tables.as_ref(),
                &NoFiles,
            );
            assert!(ok.is_ok(), "{path}={}: {ok:?}", s.max);
            let above = s.max + Decimal::ONE;
            let e = Scenario::parse_with_overrides(
                bundled::FLAGSHIP.1,
                "f.yaml",
                &[format!("{path}={above}")],
                tables.as_ref(),
                &NoFiles,
            )
            .unwrap_err();
            let Error::Input(d) = e else { panic!("{e:?}") };
            assert_eq!(d.allowed.as_deref(), Some(s.allowed), "{path}");
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod estimate_tests {
    use super::*;
    use crate::input::bundled;
    use crate::model::estimate::EfficiencySource;

    fn scenario(machine: &str, model: &str, throughput: &str) -> String {
        format!(
            "name: t\nworkload: {{tokens_per_month: 100M, input_share: 0.8, prompt_tokens_per_request: 200}}\napi:\n  - {{name: a, input_per_mtok: 1, output_per_mtok: 2}}\nlocal:\n  - name: l\n{machine}    owned: {{price: 1000, amortization_months: 12}}\n    throughput: {throughput}\n{model}"
        )
    }

    fn parse(text: &str) -> Result<Scenario, Error> {
        let t = bundled::tables().unwrap();
        Scenario::parse(text, "s.yaml", t.as_ref(), &NoFiles)
    }

    fn err(text: &str) -> crate::error::Diagnostic {
        match parse(text) {
            Err(Error::Input(d)) => *d,
            other => panic!("{other:?}"),
        }
    }

    const H200: &str = "    machine: nvidia/h200-141gb-sxm\n";
    const L70: &str = "    model: {params_b: 70, quant: Q4_K_M}\n";

    #[test]
    fn the_estimate_goes_through_the_capacity_path() {
        let s = parse(&scenario(H200, L70, "{estimate: roofline}")).unwrap();
        let ThroughputSource::Estimate {
            capacity,
            efficiency,
            efficiency_source,
            range_tokens_per_second,
            ..
        } = &s.local[0].throughput.source
        else {
            panic!("{:?}", s.local[0].throughput.source)
        };
        // No targets: the highest total tokens/s, the largest batch that fits.
        let c = capacity.as_ref().unwrap();
        let est = crate::model::estimate::roofline(
            crate::model::estimate::MachineSpecs {
                memory_gb: Decimal::from(141),
                memory_bandwidth_gbs: Decimal::from(4800),
                fp16_tflops: Decimal::from(989),
            },
            crate::model::estimate::ModelLoad {
                weight_bytes: Decimal::from(42_437_500_000u64),
                active_params_b: Decimal::from(70),
                kv_bytes_per_token: Decimal::from(327_680),
                prompt_tokens: 200,
                output_tokens: 50,
            },
            *efficiency,
        )
        .unwrap();
        let top = est.levels.last().unwrap();
        assert_eq!(u64::from(c.concurrency), top.batch);
        assert_eq!(c.total_tokens_per_second, top.total_tps);
        assert_eq!(
            *efficiency_source,
            EfficiencySource::Default { kind: "gpu".into() }
        );
        let (lo, hi) = range_tokens_per_second;
        assert!(lo.unwrap() < c.total_tokens_per_second);
        assert!(hi.unwrap() > c.total_tokens_per_second);
        // With a TPOT target the capacity is lower, and written efficiencies are used.
        let s = parse(&scenario(
            H200,
            L70,
            "{estimate: roofline, efficiency: {memory: 0.6, compute: 0.4}, slo: {tpot_p95_ms: 30}}",
        ))
        .unwrap();
        let ThroughputSource::Estimate {
            capacity,
            efficiency_source,
            ..
        } = &s.local[0].throughput.source
        else {
            panic!()
        };
        assert_eq!(*efficiency_source, EfficiencySource::Scenario);
        assert!(capacity.as_ref().unwrap().total_tokens_per_second < c.total_tokens_per_second);
        let r = s.evaluate();
        assert!(r.local[0]
            .throughput
            .source
            .contains("η memory 0.6, compute 0.4 (from the scenario)"));
    }

    #[test]
    fn what_the_estimate_needs_is_a_located_error() {
        let d = err(&scenario("", L70, "{estimate: roofline}"));
        assert_eq!(d.path, "local[0].throughput.estimate");
        assert!(d.allowed.unwrap().contains("machine:"));
        let d = err(&scenario(H200, "", "{estimate: roofline}"));
        assert!(d.message.contains("needs the model"), "{}", d.message);
        let d = err(&scenario(
            "    machine: apple/m5-max-128gb\n",
            L70,
            "{estimate: roofline}",
        ));
        assert!(d.message.contains("no `fp16_tflops`"), "{}", d.message);
        let d = err(&scenario(H200, L70, "{estimate: guess}"));
        assert_eq!(d.path, "local[0].throughput.estimate");
        let d = err(&scenario(
            H200,
            L70,
            "{estimate: roofline, efficiency: {memory: 1.5}}",
        ));
        assert_eq!(d.path, "local[0].throughput.efficiency.memory");
        let d = err(&scenario(
            H200,
            L70,
            "{estimate: roofline, tokens_per_second: 10}",
        ));
        assert!(d.message.contains("both give"), "{}", d.message);
        let d = err(&scenario(
            H200,
            L70,
            "{tokens_per_second: 10, efficiency: {memory: 0.5}}",
        ));
        assert!(
            d.message.contains("applies to an estimate"),
            "{}",
            d.message
        );
        // Targets no batch size meets: the option cannot serve (not an
        // error), as for a measured curve.
        let s = parse(&scenario(
            H200,
            L70,
            "{estimate: roofline, slo: {tpot_p95_ms: 1}}",
        ))
        .unwrap();
        let l = &s.local[0];
        assert!(!l.feasible());
        assert!(
            l.infeasible[0].contains("no load level meets"),
            "{:?}",
            l.infeasible
        );
        assert!(
            l.infeasible[0].contains("estimated p95 TPOT"),
            "{:?}",
            l.infeasible
        );
        assert!(matches!(
            &l.throughput.source,
            ThroughputSource::Estimate { capacity: None, .. }
        ));
        let d = err(&scenario(
            H200,
            "    model: {params_b: 70, active_params_b: 80, quant: Q4_K_M}\n",
            "{estimate: roofline}",
        ));
        assert!(d.message.contains("active_params_b"), "{}", d.message);
    }

    #[test]
    fn a_model_that_does_not_fit_makes_the_option_infeasible() {
        let s = parse(&scenario(
            "    machine: nvidia/rtx-4090\n",
            L70,
            "{estimate: roofline}",
        ))
        .unwrap();
        assert!(!s.local[0].feasible());
        assert!(
            s.local[0].infeasible[0].contains("cannot hold the model"),
            "{:?}",
            s.local[0].infeasible
        );
        let r = s.evaluate();
        assert!(!r.local[0].can_serve);
    }

    #[test]
    fn mixture_of_experts_uses_the_active_parameters_for_compute() {
        let dense = parse(&scenario(
            H200,
            "    model: {params_b: 100, quant: Q4_K_M}\n",
            "{estimate: roofline}",
        ))
        .unwrap();
        let moe = parse(&scenario(
            H200,
            "    model: {params_b: 100, active_params_b: 10, quant: Q4_K_M}\n",
            "{estimate: roofline}",
        ))
        .unwrap();
        assert!(
            moe.local[0].throughput.decode.per_second()
                > dense.local[0].throughput.decode.per_second()
        );
    }
}
