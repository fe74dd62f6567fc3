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

mod api;
use api::{read_api, read_rates};
mod local;
use local::{read_local, read_profile};
mod throughput;
pub use throughput::{written_targets, WrittenTargets};

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

/// An estimated throughput's η range as a triangular distribution of the
/// node's rate: low = the capacity at 0.8× the efficiencies, mode = the point
/// estimate, high = the capacity at 1.2× (see
/// [`crate::model::estimate::efficiency_range`]). The estimate gives one rate
/// (prefill and decode alike), so the input is `tokens_per_second`, which
/// moves both. None is built where `written` already holds a distribution of
/// the option's rate, where the model does not fit the machine, or where an
/// end of the range misses the latency targets (the capacity there is not a
/// rate the option can run at).
fn estimate_inputs(
    local: &[LocalOption],
    written: &[crate::model::uncertain::Input],
    origin: &str,
) -> Vec<crate::model::uncertain::Input> {
    use crate::model::uncertain::{Dist, Input, InputSource, Param};
    let mut out = Vec::new();
    for (i, l) in local.iter().enumerate() {
        let ThroughputSource::Estimate {
            capacity: Some(_),
            range_tokens_per_second: (Some(low), Some(high)),
            ..
        } = &l.throughput.source
        else {
            continue;
        };
        let rate_written = written.iter().any(|u| {
            matches!(
                u.param,
                Param::TokensPerSecond(k)
                    | Param::TokensPerHour(k)
                    | Param::PrefillTokensPerSecond(k)
                    | Param::DecodeTokensPerSecond(k)
                    if k == i
            )
        });
        let mode = l.throughput.decode.per_second();
        if rate_written || !(*low <= mode && mode <= *high) || low == high {
            continue;
        }
        out.push(Input {
            path: format!("local[{i}].throughput.estimate (η range)"),
            dist: Dist::Triangular {
                min: *low,
                mode,
                max: *high,
            },
            point: mode,
            param: Param::TokensPerSecond(i),
            followers: Vec::new(),
            source: InputSource::Estimate,
            origin: origin.to_string(),
            line: 0,
            col: 0,
        });
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
const EFFICIENCY_KEYS: &[&str] = &["memory", "compute", "decode_compute", "source"];
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
        let estimated = estimate_inputs(&local, &uncertain, origin);
        uncertain.extend(estimated);
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
    // `throughput.slo`: each latency target on its own line.
    out.extend(
        crate::model::load_curve::Stat::all_keys()
            .into_iter()
            .map(|k| format!("local[].throughput.slo.{k}")),
    );
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

    /// The bundled tables with one machine, `x/box`, of this platform (and
    /// `int8`, an `int8_tops` line or nothing).
    fn box_tables(platform: &str, int8: &str) -> bundled::OwnedTables {
        let mut t = bundled::tables().unwrap();
        t.hardware = crate::model::prices::HardwareTable::parse(
            &format!("hardware:\n  - id: x/box\n    price: 1\n    memory_gb: 64\n    memory_bandwidth_gbs: 100\n    load_watts: 10\n    fp16_tflops: 2\n{int8}    compute_source: \"sheet\"\n    platform: {platform}\n"),
            "hw.yaml",
        )
        .unwrap();
        t
    }

    /// On a CPU the compute term runs at `int8_tops` in every weight
    /// format, and the report says so; the same entry on a GPU platform
    /// keeps FP16.
    #[test]
    fn a_cpu_is_estimated_at_its_int8_peak_in_every_format() {
        let estimate = |platform: &str, quant: &str| {
            let t = box_tables(platform, "    int8_tops: 8\n");
            let text = scenario(
                "    machine: x/box\n",
                &format!("    model: {{params_b: 8, quant: {quant}}}\n"),
                "{estimate: roofline, efficiency: {memory: 0.5, compute: 0.25}}",
            );
            let s = Scenario::parse(&text, "s.yaml", t.as_ref(), &NoFiles).unwrap();
            let src = s.local[0].throughput.source.clone();
            let ThroughputSource::Estimate { description, .. } = &src else {
                panic!("{src:?}")
            };
            let prefill = src.estimate_curves().unwrap().point.prefill_tps;
            (description.clone(), prefill)
        };
        let named = "compute at the INT8 peak (8 TOPS: a CPU's ceiling, every weight format)";
        // 2 · 8e9 · 200 tokens / (2e12 · 0.25) = 6.4 s: 31.25 tokens/s; at
        // 8 TOPS 1.6 s: 125 tokens/s.
        for quant in ["Q4_K_M", "Q8_0", "F16", "BF16"] {
            let (cpu_text, cpu_prefill) = estimate("cpu", quant);
            assert!(cpu_text.contains(named), "{quant}: {cpu_text}");
            assert_eq!(cpu_prefill, Decimal::from(125), "{quant}");
            let (gpu_text, gpu_prefill) = estimate("gpu", quant);
            assert!(!gpu_text.contains("INT8"), "{quant}: {gpu_text}");
            assert_eq!(gpu_prefill, Decimal::new(3125, 2), "{quant}");
        }
    }

    #[test]
    fn a_cpus_batched_decode_has_its_own_efficiency() {
        let efficiency = |platform: &str, written: &str| {
            let t = box_tables(platform, "    int8_tops: 8\n");
            let text = scenario(
                "    machine: x/box\n",
                "    model: {params_b: 8, quant: Q4_K_M}\n",
                &format!("{{estimate: roofline{written}}}"),
            );
            let s = Scenario::parse(&text, "s.yaml", t.as_ref(), &NoFiles).unwrap();
            let ThroughputSource::Estimate {
                efficiency,
                description,
                ..
            } = &s.local[0].throughput.source
            else {
                panic!("{:?}", s.local[0].throughput.source)
            };
            (efficiency.decode_compute, description.clone())
        };
        let d = |s: &str| Some(s.parse::<Decimal>().unwrap());
        // The CPU default: 0.4 × the default compute 0.3, named in the report.
        let (cpu, text) = efficiency("cpu", "");
        assert_eq!(cpu, d("0.12"));
        assert!(
            text.contains("η memory 0.5, compute 0.3, batched decode 0.12"),
            "{text}"
        );
        // A written compute efficiency carries over at the same share.
        assert_eq!(
            efficiency("cpu", ", efficiency: {memory: 0.9, compute: 0.43}").0,
            d("0.172")
        );
        // Written, it is used as written, on any machine.
        assert_eq!(
            efficiency(
                "cpu",
                ", efficiency: {memory: 0.9, compute: 0.43, decode_compute: 0.15}"
            )
            .0,
            d("0.15")
        );
        assert_eq!(
            efficiency(
                "gpu",
                ", efficiency: {memory: 0.75, compute: 0.5, decode_compute: 0.3}"
            )
            .0,
            d("0.3")
        );
        // Accelerators decode at prefill's efficiency unless told otherwise.
        let (gpu, text) = efficiency("gpu", "");
        assert_eq!(gpu, None);
        assert!(!text.contains("batched decode"), "{text}");
        // Out of range: located, with what is allowed.
        let t = box_tables("cpu", "");
        let text = scenario(
            "    machine: x/box\n",
            "    model: {params_b: 8, quant: Q4_K_M}\n",
            "{estimate: roofline, efficiency: {decode_compute: 1.5}}",
        );
        let err = Scenario::parse(&text, "s.yaml", t.as_ref(), &NoFiles)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("decode_compute") && err.contains("0.01 to 1"),
            "{err}"
        );
    }

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
                peak_tflops: Decimal::from(989),
                step_overhead_s: crate::model::estimate::STEP_OVERHEAD_SECONDS,
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

    /// The curves a chart draws are the roofline's own figures at the
    /// efficiency in use and at the ends of its range, and the capacity kept
    /// with them is the rate the report uses.
    #[test]
    fn the_estimate_keeps_its_curves_for_charts() {
        use crate::model::estimate::{efficiency_range, roofline, MachineSpecs, ModelLoad};
        let s = parse(&scenario(
            H200,
            L70,
            "{estimate: roofline, slo: {tpot_p95_ms: 30}}",
        ))
        .unwrap();
        let src = &s.local[0].throughput.source;
        let ThroughputSource::Estimate {
            capacity,
            efficiency,
            ..
        } = src
        else {
            panic!("{src:?}")
        };
        let c = src.estimate_curves().unwrap();
        let specs = MachineSpecs {
            memory_gb: Decimal::from(141),
            memory_bandwidth_gbs: Decimal::from(4800),
            peak_tflops: Decimal::from(989),
            step_overhead_s: crate::model::estimate::STEP_OVERHEAD_SECONDS,
        };
        let load = ModelLoad {
            weight_bytes: Decimal::from(42_437_500_000u64),
            active_params_b: Decimal::from(70),
            kv_bytes_per_token: Decimal::from(327_680),
            prompt_tokens: 200,
            output_tokens: 50,
        };
        let (lo, hi) = efficiency_range(*efficiency);
        assert_eq!(c.point, roofline(specs, load, *efficiency).unwrap());
        assert_eq!(c.low, roofline(specs, load, lo).unwrap());
        assert_eq!(c.high, roofline(specs, load, hi).unwrap());
        assert_eq!(c.capacity, *capacity);
        let cap = c.capacity.as_ref().unwrap();
        assert_eq!(
            s.local[0].throughput.decode.per_second(),
            cap.total_tokens_per_second
        );
        // The TPOT target binds below the largest batch, so the point lies
        // between two modelled levels.
        assert!(cap.interpolated_to.is_some(), "{cap:?}");
        assert!(u64::from(cap.concurrency) < c.point.levels.last().unwrap().batch);
        // Targets no batch meets: the curves stay (for the chart), with no capacity.
        let s = parse(&scenario(
            H200,
            L70,
            "{estimate: roofline, slo: {tpot_p95_ms: 1}}",
        ))
        .unwrap();
        let c = s.local[0].throughput.source.estimate_curves().unwrap();
        assert_eq!(c.capacity, None);
        assert!(!c.point.levels.is_empty());
        // A model that does not fit has none; neither has a typed rate.
        let s = parse(&scenario(
            "    machine: nvidia/rtx-4090\n",
            L70,
            "{estimate: roofline}",
        ))
        .unwrap();
        assert_eq!(s.local[0].throughput.source.estimate_curves(), None);
        let s = parse(&scenario(H200, L70, "{tokens_per_second: 100}")).unwrap();
        assert_eq!(s.local[0].throughput.source.estimate_curves(), None);
    }

    /// `efficiency.source` records where written efficiencies came from; the
    /// report quotes it instead of "from the scenario".
    #[test]
    fn a_written_efficiency_keeps_its_source() {
        let note = |s: &Scenario| s.evaluate().local[0].throughput.source.clone();
        let plain = parse(&scenario(
            H200,
            L70,
            "{estimate: roofline, efficiency: {memory: 0.71, compute: 0.4}}",
        ))
        .unwrap();
        let ThroughputSource::Estimate {
            efficiency_source, ..
        } = &plain.local[0].throughput.source
        else {
            panic!()
        };
        assert_eq!(*efficiency_source, EfficiencySource::Scenario);
        assert!(
            note(&plain).contains("η memory 0.71, compute 0.4 (from the scenario)"),
            "{}",
            note(&plain)
        );
        let fitted = parse(&scenario(
            H200,
            L70,
            "{estimate: roofline, efficiency: {memory: 0.71, compute: 0.4, source: \"fitted to cal.json (tco probe fit, 2026-12-04)\"}}",
        ))
        .unwrap();
        let ThroughputSource::Estimate {
            efficiency_source, ..
        } = &fitted.local[0].throughput.source
        else {
            panic!()
        };
        assert_eq!(
            *efficiency_source,
            EfficiencySource::Written {
                source: "fitted to cal.json (tco probe fit, 2026-12-04)".into()
            }
        );
        let n = note(&fitted);
        assert!(
            n.contains(
                "η memory 0.71, compute 0.4 (“fitted to cal.json (tco probe fit, 2026-12-04)”)"
            ),
            "{n}"
        );
        assert!(!n.contains("from the scenario"), "{n}");
        // The same figures either way: the source is a record, not an input.
        assert_eq!(
            plain.local[0].throughput.decode,
            fitted.local[0].throughput.decode
        );
        // 200 characters are read; 201 are a located error, as is an empty one.
        let with = |text: &str| {
            scenario(
                H200,
                L70,
                &format!("{{estimate: roofline, efficiency: {{memory: 0.7, source: \"{text}\"}}}}"),
            )
        };
        assert!(parse(&with(&"é".repeat(200))).is_ok());
        let d = err(&with(&"é".repeat(201)));
        assert_eq!(d.path, "local[0].throughput.efficiency.source");
        assert!(d.message.contains("201 characters"), "{}", d.message);
        assert!(d.allowed.as_deref().unwrap().contains("at most 200"));
        assert!(d.line > 0 && d.col > 0, "{d:?}");
        let d = err(&with("  "));
        assert_eq!(d.path, "local[0].throughput.efficiency.source");
        assert!(d.message.contains("empty"), "{}", d.message);
        let d = err(&with("a\\nb"));
        assert!(d.message.contains("more than one line"), "{}", d.message);
        let d = err(&scenario(
            H200,
            L70,
            "{estimate: roofline, efficiency: {memory: 0.7, note: x}}",
        ));
        assert_eq!(d.path, "local[0].throughput.efficiency.note");
    }

    /// The estimate's η range is an uncertain input of the node's rate
    /// (tests/model/EXPECTED.md, estimate-before-you-buy: range 2,105.63 to
    /// 4,034.38 tokens/s around 2,999.1918), which `simulate` draws.
    #[test]
    fn the_eta_range_is_an_uncertain_rate() {
        use crate::model::uncertain::{Dist, InputSource, Param};
        let t = bundled::tables().unwrap();
        let (path, text) = bundled::find("scenarios/estimate-before-you-buy.yaml").unwrap();
        let s = Scenario::parse(text, path, t.as_ref(), &NoFiles).unwrap();
        assert_eq!(s.uncertain.len(), 1, "{:?}", s.uncertain);
        let u = &s.uncertain[0];
        assert_eq!(u.source, InputSource::Estimate);
        assert_eq!(u.param, Param::TokensPerSecond(0));
        assert!(u.followers.is_empty());
        assert_eq!(u.path, "local[0].throughput.estimate (η range)");
        assert_eq!(
            crate::model::fields::label(&u.path),
            "throughput, from the estimate's η range (local 1)"
        );
        let Dist::Triangular { min, mode, max } = u.dist else {
            panic!("{:?}", u.dist)
        };
        let d = |x: &str| x.parse::<Decimal>().unwrap();
        assert_eq!(min.round_dp(2), d("2105.63"));
        assert_eq!(mode, d("2999.1918"));
        assert_eq!(max.round_dp(2), d("4034.38"));
        assert_eq!(u.point, mode);
        assert_eq!(s.local[0].throughput.decode.per_second(), mode);
        // The point report is the one without the input.
        let mut plain = s.clone();
        plain.uncertain.clear();
        assert_eq!(
            serde_json::to_string(&s.evaluate()).unwrap(),
            serde_json::to_string(&plain.evaluate()).unwrap()
        );
        // Drawn: at 2 B tokens a month one node serves at any rate of the
        // range, so the spread shows in the break-even against the cheap API
        // (the point's 15.4 B tokens a month), not in the month's cost.
        let sim = crate::analysis::sim::simulate(&s, crate::analysis::sim::SimOptions::default())
            .unwrap();
        assert_eq!(sim.inputs[0].source, InputSource::Estimate);
        let pair = sim
            .break_even
            .iter()
            .find(|p| p.api.contains("Together"))
            .unwrap();
        let b = &pair.break_even_percentiles;
        let (p10, p50, p90) = (b.p10.unwrap(), b.p50.unwrap(), b.p90.unwrap());
        assert!(p10 < p50 && p50 < p90, "{b:?}");
        assert!(p90 > 3 * p10, "{b:?}");
        let point = s.evaluate().break_even[1].tokens_per_month.unwrap();
        assert!(p10 < point && point < p90, "{point} {b:?}");
    }

    /// No η input where the user wrote the rate's distribution, the model
    /// does not fit, or an end of the range misses the targets.
    #[test]
    fn no_eta_input_without_a_range() {
        for throughput in [
            // The model does not fit the machine (below).
            "{estimate: roofline}",
            // Every batch misses the targets.
            "{estimate: roofline, slo: {tpot_p95_ms: 1}}",
        ] {
            let machine = if throughput == "{estimate: roofline}" {
                "    machine: nvidia/rtx-4090\n"
            } else {
                H200
            };
            let s = parse(&scenario(machine, L70, throughput)).unwrap();
            assert!(s.uncertain.is_empty(), "{throughput}: {:?}", s.uncertain);
        }
        let s = parse(&scenario(H200, L70, "{estimate: roofline}")).unwrap();
        assert_eq!(s.uncertain.len(), 1);
        let written = [crate::model::uncertain::Input {
            param: crate::model::uncertain::Param::TokensPerSecond(0),
            source: crate::model::uncertain::InputSource::Written,
            ..s.uncertain[0].clone()
        }];
        assert!(estimate_inputs(&s.local, &written, "s.yaml").is_empty());
        assert_eq!(estimate_inputs(&s.local, &[], "s.yaml").len(), 1);
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
