//! Price tables: API models (`pricing/api.yaml`) and hardware
//! (`pricing/hardware.yaml`), and the import of LiteLLM's public price list.

use crate::error::{did_you_mean, Diagnostic, Error, Pos};
use crate::input::limits;
use crate::input::read::Field;
use crate::input::yaml;
use crate::model::units::PerMTok;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::prices::{ApiModel, Hardware, HardwareTable, PriceTable, Rent};

/// Upper bound for any price per million tokens.
pub(crate) fn max_price_per_mtok() -> Decimal {
    Decimal::from(1_000_000u32)
}
/// Upper bound for any amount of money in an input (a trillion).
pub(crate) fn max_money() -> Decimal {
    Decimal::from(1_000_000_000_000u64)
}

const API_MODEL_KEYS: &[&str] = &[
    "id",
    "name",
    "vendor",
    "input_per_mtok",
    "output_per_mtok",
    "cached_input_per_mtok",
    "cache_write_per_mtok",
    "tiers",
    "off_peak",
    "schedule",
    "batch_discount",
    "context_window",
    "deprecated",
    "as_of",
    "source",
];

pub(crate) fn price(f: &Field<'_>) -> Result<PerMTok, Diagnostic> {
    f.decimal_in(
        Decimal::ZERO,
        max_price_per_mtok(),
        "a price per million tokens from 0 to 1,000,000",
    )
    .map(PerMTok::new)
}

impl PriceTable {
    /// Parses `pricing/api.yaml` text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<PriceTable, Error> {
        let root = yaml::parse(text, origin)?;
        let top = Field::root(&root, origin).map(&["models"])?;
        let mut models: Vec<ApiModel> = Vec::new();
        let list = top.req("models", "a list of API models")?;
        let items = list.seq()?;
        if items.len() > limits::MAX_PRICE_ENTRIES {
            let (m, a) = limits::too_many("models", items.len(), limits::MAX_PRICE_ENTRIES);
            return Err(list.error(m).allowed(a).into());
        }
        let mut ids = std::collections::HashSet::new();
        for f in items {
            let o = f.clone().map(API_MODEL_KEYS)?;
            let id_field = o.req("id", "an id such as anthropic/claude-sonnet-4.6")?;
            let id = id_field.name()?;
            if !ids.insert(id.clone()) {
                return Err(id_field
                    .error(format!("id `{id}` is used twice"))
                    .allowed("unique ids")
                    .into());
            }
            let set = crate::input::tariff::read_price_set(&o, &price)?;
            let schedule = match o.get("schedule") {
                Some(f) => crate::input::tariff::read_schedule(&f, &price)?,
                None => Vec::new(),
            };
            let as_of = match o.get("as_of") {
                Some(a) => {
                    let d = crate::input::tariff::read_date(&a)?;
                    d.to_string()
                }
                None => String::new(),
            };
            models.push(ApiModel {
                name: match o.get("name") {
                    Some(n) => n.name()?,
                    None => id.clone(),
                },
                vendor: match o.get("vendor") {
                    Some(n) => n.name()?,
                    None => id.split('/').next().unwrap_or_default().to_string(),
                },
                input_per_mtok: set.rates.input_per_mtok,
                output_per_mtok: set.rates.output_per_mtok,
                cached_input_per_mtok: set.rates.cached_input_per_mtok,
                cache_write_per_mtok: set.rates.cache_write_per_mtok,
                tiers: set.tiers,
                off_peak: set.off_peak,
                schedule,
                deprecated: o
                    .get("deprecated")
                    .map(|d| crate::input::tariff::read_date(&d))
                    .transpose()?,
                batch_discount: match o.get("batch_discount") {
                    Some(b) => b.share()?,
                    None => Decimal::ZERO,
                },
                context_window: match o.get("context_window") {
                    Some(c) => Some(c.integer(1, 1_000_000_000, "a token count")?),
                    None => None,
                },
                as_of,
                source: match o.get("source") {
                    Some(a) => a.text()?,
                    None => String::new(),
                },
                id,
            });
        }
        Ok(PriceTable { models })
    }

    /// Looks up `id`, or explains which ids exist.
    pub fn lookup(&self, id: &str, at: &Field<'_>) -> Result<&ApiModel, Diagnostic> {
        self.get(id).ok_or_else(|| {
            let mut msg = format!("`{id}` is not in the API price table");
            if let Some(s) = did_you_mean(id, self.models.iter().map(|m| m.id.as_str())) {
                msg.push_str(&format!(" (did you mean `{s}`?)"));
            }
            at.error(msg).allowed("an id listed by `tco prices list`, or inline prices (input_per_mtok, output_per_mtok)")
        })
    }

    /// The table as `pricing/api.yaml` text, numbers written exactly.
    pub fn to_yaml(&self, header: &str) -> String {
        let mut out = String::new();
        for line in header.lines() {
            out.push_str(&format!("# {line}\n").replace("# \n", "#\n"));
        }
        out.push_str("models:\n");
        for m in &self.models {
            out.push_str(&format!("  - id: {}\n", quote(&m.id)));
            out.push_str(&format!("    name: {}\n", quote(&m.name)));
            out.push_str(&format!("    vendor: {}\n", quote(&m.vendor)));
            out.push_str(&format!(
                "    input_per_mtok: {}\n",
                m.input_per_mtok.amount().normalize()
            ));
            out.push_str(&format!(
                "    output_per_mtok: {}\n",
                m.output_per_mtok.amount().normalize()
            ));
            out.push_str(&format!(
                "    cached_input_per_mtok: {}\n",
                m.cached_input_per_mtok.amount().normalize()
            ));
            if let Some(w) = m.cache_write_per_mtok {
                out.push_str(&format!(
                    "    cache_write_per_mtok: {}\n",
                    w.amount().normalize()
                ));
            }
            crate::input::tariff::write_extras(&mut out, "    ", &m.base());
            crate::input::tariff::write_schedule(&mut out, "    ", &m.schedule);
            out.push_str(&format!(
                "    batch_discount: {}\n",
                m.batch_discount.normalize()
            ));
            if let Some(c) = m.context_window {
                out.push_str(&format!("    context_window: {c}\n"));
            }
            if let Some(d) = m.deprecated {
                out.push_str(&format!("    deprecated: {d}\n"));
            }
            out.push_str(&format!("    as_of: {}\n", quote(&m.as_of)));
            out.push_str(&format!("    source: {}\n", quote(&m.source)));
        }
        out
    }
}

/// A YAML double-quoted string (JSON escaping is valid YAML).
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

const HARDWARE_KEYS: &[&str] = &[
    "id",
    "name",
    "kind",
    "price",
    "price_range",
    "condition",
    "memory_gb",
    "memory_bandwidth_gbs",
    "fp16_tflops",
    "int8_tops",
    "compute_source",
    "platform",
    "load_watts",
    "idle_watts",
    "gpus",
    "rent_per_gpu_hour",
    "as_of",
    "source",
];

impl HardwareTable {
    pub fn parse(text: &str, origin: &str) -> Result<HardwareTable, Error> {
        let root = yaml::parse(text, origin)?;
        let top = Field::root(&root, origin).map(&["hardware"])?;
        let mut hardware: Vec<Hardware> = Vec::new();
        let watts = |f: Field<'_>| {
            f.decimal_in(
                Decimal::ZERO,
                Decimal::from(10_000_000u32),
                "watts from 0 to 10,000,000",
            )
        };
        let list = top.req("hardware", "a list of machines")?;
        let items = list.seq()?;
        if items.len() > limits::MAX_HARDWARE_ENTRIES {
            let (m, a) = limits::too_many("machines", items.len(), limits::MAX_HARDWARE_ENTRIES);
            return Err(list.error(m).allowed(a).into());
        }
        let mut ids = std::collections::HashSet::new();
        for f in items {
            let o = f.clone().map(HARDWARE_KEYS)?;
            let id_field = o.req("id", "an id such as nvidia/a100-80gb")?;
            let id = id_field.name()?;
            if !ids.insert(id.clone()) {
                return Err(id_field
                    .error(format!("id `{id}` is used twice"))
                    .allowed("unique ids")
                    .into());
            }
            let price = o.req("price", "the price of one unit")?.decimal_in(
                Decimal::ZERO,
                max_money(),
                "an amount from 0 to 10^12",
            )?;
            let price_range = match o.get("price_range") {
                None => None,
                Some(r) => {
                    let items = r.seq()?;
                    if items.len() != 2 {
                        return Err(r
                            .error(format!("has {} values", items.len()))
                            .allowed("[low, high]")
                            .into());
                    }
                    let lo = items[0].decimal_in(Decimal::ZERO, max_money(), "an amount")?;
                    let hi = items[1].decimal_in(
                        lo,
                        max_money(),
                        "an amount no lower than the low end",
                    )?;
                    Some((lo, hi))
                }
            };
            let load = watts(o.req("load_watts", "power draw under load, W")?)?;
            hardware.push(Hardware {
                name: match o.get("name") {
                    Some(n) => n.name()?,
                    None => id.clone(),
                },
                kind: match o.get("kind") {
                    Some(k) => k.choice(&["accelerator", "machine"])?.to_string(),
                    None => "machine".into(),
                },
                price,
                price_range,
                condition: match o.get("condition") {
                    Some(k) => k.choice(&["new", "used"])?.to_string(),
                    None => "new".into(),
                },
                memory_gb: o
                    .req("memory_gb", "memory in GB")?
                    .positive(Decimal::from(1_000_000u32), "GB above 0")?,
                memory_bandwidth_gbs: o
                    .req("memory_bandwidth_gbs", "memory bandwidth in GB/s")?
                    .positive(Decimal::from(1_000_000u32), "GB/s above 0")?,
                fp16_tflops: o
                    .get("fp16_tflops")
                    .map(|f| {
                        f.positive(
                            Decimal::from(1_000_000u32),
                            "TFLOPS above 0, up to 1,000,000",
                        )
                    })
                    .transpose()?,
                int8_tops: o
                    .get("int8_tops")
                    .map(|f| {
                        f.positive(Decimal::from(1_000_000u32), "TOPS above 0, up to 1,000,000")
                    })
                    .transpose()?,
                compute_source: match o.get("compute_source") {
                    Some(a) => a.text()?,
                    None => String::new(),
                },
                platform: match o.get("platform") {
                    Some(k) => k.choice(&["gpu", "apple", "unified", "cpu"])?.to_string(),
                    None if id.starts_with("apple/") => "apple".into(),
                    None => "gpu".into(),
                },
                load_watts: load,
                idle_watts: match o.get("idle_watts") {
                    Some(w) => watts(w)?,
                    None => load,
                },
                gpus: match o.get("gpus") {
                    Some(g) => g.integer(0, 100_000, "a whole number of accelerators")?,
                    None => 1,
                },
                rent_per_gpu_hour: match o.get("rent_per_gpu_hour") {
                    None => None,
                    Some(r) => {
                        let r = r.map(&["on_demand", "reserved", "spot"])?;
                        let hourly = |k: &str| {
                            r.get(k)
                                .map(|f| {
                                    f.decimal_in(
                                        Decimal::ZERO,
                                        Decimal::from(100_000u32),
                                        "an hourly price from 0 to 100,000",
                                    )
                                })
                                .transpose()
                        };
                        Some(Rent {
                            on_demand: hourly("on_demand")?,
                            reserved: hourly("reserved")?,
                            spot: hourly("spot")?,
                        })
                    }
                },
                as_of: o
                    .get("as_of")
                    .map(|d| crate::input::tariff::read_date(&d))
                    .transpose()?,
                source: match o.get("source") {
                    Some(a) => a.text()?,
                    None => String::new(),
                },
                id,
            });
        }
        Ok(HardwareTable { hardware })
    }

    pub fn lookup(&self, id: &str, at: &Field<'_>) -> Result<&Hardware, Diagnostic> {
        self.get(id).ok_or_else(|| {
            let mut msg = format!("`{id}` is not in the hardware table");
            if let Some(s) = did_you_mean(id, self.hardware.iter().map(|m| m.id.as_str())) {
                msg.push_str(&format!(" (did you mean `{s}`?)"));
            }
            at.error(msg).allowed("an id from pricing/hardware.yaml")
        })
    }
}

/// What an import of LiteLLM's price list found.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ImportSummary {
    pub imported: usize,
    /// Entries whose `mode` is not `chat` (embeddings, images, audio, …).
    pub skipped_not_chat: usize,
    /// Chat entries without both token prices.
    pub skipped_unpriced: usize,
    /// Entries whose id was already taken by an earlier one.
    pub skipped_duplicate: usize,
    /// Entries where input and output batch prices implied different discounts
    /// (the smaller discount was kept).
    pub batch_discount_mismatch: usize,
}

fn per_token_to_mtok(v: &serde_json::Value) -> Option<Decimal> {
    // serde_json is built with arbitrary_precision: the number keeps the
    // text it was written with, so 1.5e-07 becomes exactly 0.15 per MTok.
    let serde_json::Value::Number(n) = v else {
        return None;
    };
    let text = n.to_string();
    let d = if text.contains(['e', 'E']) {
        Decimal::from_scientific(&text).ok()?
    } else {
        text.parse::<Decimal>().ok()?
    };
    let per_mtok = d.checked_mul(Decimal::from(1_000_000u32))?.normalize();
    (per_mtok >= Decimal::ZERO && per_mtok <= max_price_per_mtok()).then_some(per_mtok)
}

/// Reads LiteLLM's `model_prices_and_context_window.json` text into a price
/// table. `source` and `as_of` are written into every entry.
pub fn import_litellm(
    json: &str,
    origin: &str,
    source: &str,
    as_of: &str,
) -> Result<(PriceTable, ImportSummary), Error> {
    let root: serde_json::Value = serde_json::from_str(json).map_err(|e| {
        Diagnostic::new(
            origin,
            Pos {
                line: e.line().max(1),
                col: e.column().max(1),
            },
            "",
            format!("this is not valid JSON: {e}"),
        )
        .allowed("LiteLLM's model_prices_and_context_window.json")
    })?;
    let serde_json::Value::Object(entries) = root else {
        return Err(Diagnostic::new(
            origin,
            Pos { line: 1, col: 1 },
            "",
            "expected a JSON object of models",
        )
        .allowed("LiteLLM's model_prices_and_context_window.json")
        .into());
    };
    if entries.len() > limits::MAX_IMPORT_ENTRIES {
        let (m, a) = limits::too_many("entries", entries.len(), limits::MAX_IMPORT_ENTRIES);
        return Err(Diagnostic::new(origin, Pos { line: 1, col: 1 }, "", m)
            .allowed(a)
            .into());
    }
    let mut table = PriceTable::default();
    let mut summary = ImportSummary::default();
    let mut ids = std::collections::HashSet::new();
    for (key, entry) in &entries {
        let Some(obj) = entry.as_object() else {
            summary.skipped_not_chat += 1;
            continue;
        };
        if obj.get("mode").and_then(|m| m.as_str()) != Some("chat") {
            summary.skipped_not_chat += 1;
            continue;
        }
        let (Some(input), Some(output)) = (
            obj.get("input_cost_per_token").and_then(per_token_to_mtok),
            obj.get("output_cost_per_token").and_then(per_token_to_mtok),
        ) else {
            summary.skipped_unpriced += 1;
            continue;
        };
        let provider = obj
            .get("litellm_provider")
            .and_then(|p| p.as_str())
            .unwrap_or("unknown");
        let id = if key.contains('/') {
            key.to_lowercase()
        } else {
            format!("{}/{}", provider, key).to_lowercase()
        };
        if !ids.insert(id.clone()) {
            summary.skipped_duplicate += 1;
            continue;
        }
        let cached = obj
            .get("cache_read_input_token_cost")
            .and_then(per_token_to_mtok)
            .unwrap_or(input);
        let discount_of = |batch_key: &str, list: Decimal| -> Option<Decimal> {
            let b = obj.get(batch_key).and_then(per_token_to_mtok)?;
            if list.is_zero() || b > list {
                return None;
            }
            Some((Decimal::ONE - b / list).normalize())
        };
        let d_in = discount_of("input_cost_per_token_batches", input);
        let d_out = discount_of("output_cost_per_token_batches", output);
        let batch_discount = match (d_in, d_out) {
            (Some(a), Some(b)) if a != b => {
                summary.batch_discount_mismatch += 1;
                a.min(b)
            }
            (Some(a), _) | (None, Some(a)) => a,
            (None, None) => Decimal::ZERO,
        };
        let context_window = obj
            .get("max_input_tokens")
            .and_then(|v| v.as_u64())
            .filter(|c| (1..=1_000_000_000).contains(c));
        table.models.push(ApiModel {
            name: key.clone(),
            vendor: provider.to_string(),
            input_per_mtok: PerMTok::new(input),
            output_per_mtok: PerMTok::new(output),
            cached_input_per_mtok: PerMTok::new(cached),
            cache_write_per_mtok: None,
            tiers: Vec::new(),
            off_peak: None,
            schedule: Vec::new(),
            deprecated: None,
            batch_discount,
            context_window,
            as_of: as_of.to_string(),
            source: source.to_string(),
            id,
        });
        summary.imported += 1;
    }
    if table.models.len() > limits::MAX_PRICE_ENTRIES {
        let (m, a) = limits::too_many("chat models", table.models.len(), limits::MAX_PRICE_ENTRIES);
        return Err(Diagnostic::new(origin, Pos { line: 1, col: 1 }, "", m)
            .allowed(a)
            .into());
    }
    // A table without models does not read back (`models` may not be
    // empty): say why nothing was imported instead of writing it.
    if table.models.is_empty() {
        return Err(Diagnostic::new(
            origin,
            Pos { line: 1, col: 1 },
            "",
            format!(
                "no chat model with token prices to import: of {} entries, {} are not chat models and {} have no valid `input_cost_per_token` and `output_cost_per_token`",
                entries.len(),
                summary.skipped_not_chat,
                summary.skipped_unpriced
            ),
        )
        .allowed("LiteLLM's model_prices_and_context_window.json with at least one `\"mode\": \"chat\"` entry priced per token")
        .into());
    }
    Ok((table, summary))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    /// Found by the fuzzer: a file whose every chat entry lost its prices
    /// made an empty table, which does not read back.
    #[test]
    fn a_litellm_file_with_nothing_to_import_is_an_error() {
        let json = r#"{"gpt-4": {"mode": "chat", "input_cost _per_token": 3e-05, "output_cost_per_token": 6e-05},
                       "text-embedding-3-small": {"mode": "embedding", "input_cost_per_token": 2e-08}}"#;
        let e = import_litellm(json, "prices.json", "s", "2026-01-01").unwrap_err();
        let Error::Input(d) = e else { panic!("{e:?}") };
        assert_eq!((d.path.as_str(), d.line), ("", 1));
        assert!(
            d.message
                .contains("of 2 entries, 1 are not chat models and 1 have no valid"),
            "{}",
            d.message
        );
        assert!(import_litellm("{}", "prices.json", "s", "2026-01-01").is_err());
    }

    #[test]
    fn litellm_prices_become_exact_per_mtok() {
        let json = r#"{
          "sample_spec": {"mode": "one of chat, embedding"},
          "gpt-4o-mini": {"input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07,
             "input_cost_per_token_batches": 7.5e-08, "output_cost_per_token_batches": 3e-07,
             "cache_read_input_token_cost": 7.5e-08, "litellm_provider": "openai", "mode": "chat",
             "max_input_tokens": 128000},
          "text-embedding-3-small": {"input_cost_per_token": 2e-08, "output_cost_per_token": 0, "mode": "embedding"},
          "free-chat": {"mode": "chat"}
        }"#;
        let (t, s) = import_litellm(json, "x.json", "LiteLLM", "2025-09-01").unwrap();
        assert_eq!(s.imported, 1);
        assert_eq!(s.skipped_not_chat, 2);
        assert_eq!(s.skipped_unpriced, 1);
        let m = &t.models[0];
        assert_eq!(m.id, "openai/gpt-4o-mini");
        assert_eq!(m.input_per_mtok.amount().to_string(), "0.15");
        assert_eq!(m.output_per_mtok.amount(), dec!(0.6));
        assert_eq!(m.cached_input_per_mtok.amount(), dec!(0.075));
        assert_eq!(m.batch_discount, dec!(0.5));
        // Round trip through our own YAML format keeps every digit.
        let back = PriceTable::parse(&t.to_yaml("imported"), "back.yaml").unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn price_table_errors_are_located() {
        let e = PriceTable::parse(
            "models:\n  - id: a/b\n    input_per_mtok: -1\n    output_per_mtok: 2\n",
            "api.yaml",
        )
        .unwrap_err();
        let Error::Input(d) = e else { panic!("{e:?}") };
        assert_eq!(
            (d.line, d.col, d.path.as_str()),
            (3, 21, "models[0].input_per_mtok")
        );
        assert!(d.message.contains("below 0"), "{}", d.message);
    }

    #[test]
    fn compute_figures_are_read_and_bad_ones_located() {
        let head = "hardware:\n  - id: x/y\n    price: 1\n    memory_gb: 8\n    memory_bandwidth_gbs: 100\n    load_watts: 10\n";
        let t = HardwareTable::parse(
            &format!(
                "{head}    fp16_tflops: 12.5\n    int8_tops: 50\n    compute_source: \"sheet\"\n"
            ),
            "hw.yaml",
        )
        .unwrap();
        let h = &t.hardware[0];
        assert_eq!(h.fp16_tflops, Some(dec!(12.5)));
        assert_eq!(h.int8_tops, Some(dec!(50)));
        assert_eq!(h.compute_source, "sheet");
        assert_eq!(h.platform, "gpu");
        let e =
            HardwareTable::parse(&format!("{head}    fp16_tflops: 0\n"), "hw.yaml").unwrap_err();
        let Error::Input(d) = e else { panic!("{e:?}") };
        assert_eq!((d.line, d.path.as_str()), (7, "hardware[0].fp16_tflops"));
        assert!(d.message.contains("not above zero"), "{}", d.message);
        let e = HardwareTable::parse(&format!("{head}    platform: tpu\n"), "hw.yaml").unwrap_err();
        let Error::Input(d) = e else { panic!("{e:?}") };
        assert_eq!(d.path.as_str(), "hardware[0].platform");
        // The bundled table: every machine but the M5 Max estimate has a figure.
        let hw = crate::input::bundled::tables().unwrap().hardware;
        for m in &hw.hardware {
            assert_eq!(
                m.fp16_tflops.is_some(),
                m.id != "apple/m5-max-128gb",
                "{}",
                m.id
            );
            assert!(
                m.fp16_tflops.is_none() || !m.compute_source.is_empty(),
                "{}",
                m.id
            );
        }
    }
}
