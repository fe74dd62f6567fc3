//! Import of pydantic/genai-prices' `data.json` (a list of providers, each
//! with models and their prices per million tokens) into a price table.
//!
//! genai-prices knows what LiteLLM's list does not, and all of it is kept:
//! dated price changes (`constraint.start_date` → `schedule:`), prices
//! tiered by prompt length (`{base, tiers: [{start, price}]}` → `tiers:`),
//! cache writes apart from cache reads (`cache_write_mtok`), and time-of-day
//! windows (`start_time`/`end_time`, DeepSeek's off-peak hours →
//! `off_peak:`). Numbers are read from the JSON text exactly.

use crate::error::{Diagnostic, Error, Pos};
use crate::input::pricing::max_price_per_mtok;
use crate::model::date::Date;
use crate::model::prices::{ApiModel, PriceTable};
use crate::model::tariff::{Dated, OffPeak, PriceSet, Rates, Tier};
use crate::model::units::PerMTok;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};

/// What an import of genai-prices found.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct GenaiSummary {
    pub providers: usize,
    pub imported: usize,
    /// Models of providers that were not asked for.
    pub skipped_provider: usize,
    /// Audio, image, embedding, speech and moderation models.
    pub skipped_not_text: usize,
    /// Models without both an input and an output price.
    pub skipped_unpriced: usize,
    /// Ids already taken (by a kept entry or an earlier model).
    pub skipped_duplicate: usize,
    /// Price shapes tco cannot represent (a time window together with dated
    /// changes, more than one window); named in `unsupported`.
    pub skipped_unsupported: usize,
    pub unsupported: Vec<String>,
    /// Imported models marked deprecated by genai-prices.
    pub deprecated: usize,
}

/// Options of an import.
#[derive(Debug, Clone, Default)]
pub struct GenaiOptions {
    /// genai-prices provider ids to import (`openai`, `x-ai`, …); empty = all.
    pub providers: Vec<String>,
    /// Batch discount per tco vendor prefix (`openai` → 0.5): genai-prices
    /// does not record batch APIs.
    pub batch: Vec<(String, Decimal)>,
    /// Snapshot date, written as every entry's `as_of` (and as the date of a
    /// `deprecated` mark).
    pub as_of: String,
    /// Name of the snapshot for `source`, e.g. "genai-prices 2026-08-21".
    pub snapshot: String,
}

/// True when the JSON text is genai-prices' data.json rather than LiteLLM's
/// list: a top-level array of objects with `models`, where LiteLLM's is an
/// object keyed by model name.
pub fn looks_like_genai(json: &str) -> bool {
    json.trim_start().starts_with('[')
}

/// The tco id prefix and vendor name for a genai-prices provider.
fn vendor_of(provider_id: &str, provider_name: &str) -> (String, String) {
    let (p, n) = match provider_id {
        "anthropic" => ("anthropic", "Anthropic"),
        "openai" => ("openai", "OpenAI"),
        "google" => ("google", "Google"),
        "x-ai" => ("xai", "xAI"),
        "mistral" => ("mistral", "Mistral"),
        "deepseek" => ("deepseek", "DeepSeek"),
        "together" => ("together", "Together AI"),
        "fireworks" => ("fireworks", "Fireworks"),
        "groq" => ("groq", "Groq"),
        other => (other, provider_name),
    };
    (p.to_string(), n.to_string())
}

/// A tco id: `vendor/model`, lowercase, the model's last path segment
/// (`meta-llama/Llama-3.3-70B-Instruct-Turbo` → `llama-3.3-70b-instruct-turbo`).
/// Anthropic writes versions with dashes (`claude-sonnet-4-6`); tco's ids use
/// the dotted version people write (`claude-sonnet-4.6`).
pub fn tco_id(prefix: &str, model_id: &str) -> String {
    let last = model_id
        .rsplit('/')
        .next()
        .unwrap_or(model_id)
        .to_lowercase();
    let model = if prefix == "anthropic" {
        let b: Vec<char> = last.chars().collect();
        let run = |mut i: usize, step: isize| {
            let mut n = 0;
            while i < b.len() && b[i].is_ascii_digit() {
                n += 1;
                match i.checked_add_signed(step) {
                    Some(j) => i = j,
                    None => break,
                }
            }
            n
        };
        let mut s = String::with_capacity(last.len());
        for (i, ch) in b.iter().enumerate() {
            // One digit on each side is a version (4-6); a date suffix
            // (4-20250514) is not.
            let version = *ch == '-' && i > 0 && run(i - 1, -1) == 1 && run(i + 1, 1) == 1;
            s.push(if version { '.' } else { *ch });
        }
        s
    } else {
        last
    };
    format!("{prefix}/{model}")
}

/// Providers that host other makers' open-weight models.
const HOSTS: &[&str] = &[
    "together",
    "fireworks",
    "groq",
    "novita",
    "avian",
    "cerebras",
];

const NOT_TEXT: &[&str] = &[
    "tts",
    "transcribe",
    "realtime",
    "audio",
    "image",
    "embed",
    "moderation",
    "live-",
    "whisper",
    "dall-e",
    "sora",
];

fn number(v: &Value) -> Option<Decimal> {
    // serde_json is built with arbitrary_precision: the number keeps its text.
    let Value::Number(n) = v else { return None };
    let text = n.to_string();
    let d = if text.contains(['e', 'E']) {
        Decimal::from_scientific(&text).ok()?
    } else {
        text.parse::<Decimal>().ok()?
    };
    (d >= Decimal::ZERO && d <= max_price_per_mtok()).then_some(d.normalize())
}

/// A price that may be tiered: the base and `(start, price)` tiers.
type Field = (Decimal, Vec<(u64, Decimal)>);

fn field(v: Option<&Value>) -> Result<Option<Field>, String> {
    let Some(v) = v else { return Ok(None) };
    if let Some(d) = number(v) {
        return Ok(Some((d, Vec::new())));
    }
    let o = v
        .as_object()
        .ok_or("a price is neither a number nor tiers")?;
    let base = o
        .get("base")
        .and_then(number)
        .ok_or("tiered price without a valid `base`")?;
    let mut tiers = Vec::new();
    for t in o
        .get("tiers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let start = t
            .get("start")
            .and_then(Value::as_u64)
            .ok_or("tier without a whole `start`")?;
        let price = t
            .get("price")
            .and_then(number)
            .ok_or("tier without a valid `price`")?;
        tiers.push((start, price));
    }
    tiers.sort_by_key(|t| t.0);
    Ok(Some((base, tiers)))
}

/// A genai-prices `ModelPrice` as a price set; `None` without text prices.
fn price_set(o: &Map<String, Value>) -> Result<Option<PriceSet>, String> {
    let (Some(input), Some(output)) = (field(o.get("input_mtok"))?, field(o.get("output_mtok"))?)
    else {
        return Ok(None);
    };
    let cached = field(o.get("cache_read_mtok"))?;
    let write = field(o.get("cache_write_mtok"))?;
    let p = PerMTok::new;
    let rates = Rates {
        input_per_mtok: p(input.0),
        output_per_mtok: p(output.0),
        cached_input_per_mtok: p(cached.as_ref().map_or(input.0, |c| c.0)),
        cache_write_per_mtok: write.as_ref().map(|w| p(w.0)),
    };
    // Tiers are per price in genai-prices; tco's tier lists every price that
    // changes above one threshold, each at its highest tier at or below it.
    let mut starts: Vec<u64> = [&Some(input.clone()), &Some(output.clone()), &cached, &write]
        .iter()
        .filter_map(|f| f.as_ref())
        .flat_map(|f| f.1.iter().map(|t| t.0))
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let at = |f: &Option<Field>, s: u64| -> Option<PerMTok> {
        f.as_ref()?.1.iter().rfind(|t| t.0 <= s).map(|t| p(t.1))
    };
    let (input, output) = (Some(input), Some(output));
    let tiers = starts
        .into_iter()
        .map(|s| Tier {
            above_prompt_tokens: s,
            input_per_mtok: at(&input, s),
            output_per_mtok: at(&output, s),
            cached_input_per_mtok: at(&cached, s),
            cache_write_per_mtok: at(&write, s),
        })
        .collect();
    Ok(Some(PriceSet {
        rates,
        tiers,
        off_peak: None,
    }))
}

/// `00:30:00Z` → `00:30`; None unless it starts with a valid `HH:MM`.
fn hhmm(v: Option<&Value>) -> Option<String> {
    let t = v?.as_str()?;
    let hm = t.get(..5)?;
    crate::input::tariff::is_hour_minute(hm).then(|| hm.to_string())
}

enum Shape {
    Priced(PriceSet, Vec<Dated>),
    Unpriced,
    Unsupported(String),
}

fn model_prices(prices: &Value) -> Result<Shape, String> {
    if let Some(o) = prices.as_object() {
        return Ok(match price_set(o)? {
            Some(s) => Shape::Priced(s, Vec::new()),
            None => Shape::Unpriced,
        });
    }
    let list = prices
        .as_array()
        .ok_or("`prices` is neither an object nor a list")?;
    let mut base: Option<PriceSet> = None;
    let mut schedule: Vec<Dated> = Vec::new();
    let mut window: Option<(String, String, PriceSet)> = None;
    for c in list {
        let cp = c
            .get("prices")
            .and_then(Value::as_object)
            .ok_or("a conditional price without `prices`")?;
        let Some(set) = price_set(cp)? else {
            return Ok(Shape::Unpriced);
        };
        match c.get("constraint") {
            None if base.is_none() => base = Some(set),
            None => return Ok(Shape::Unsupported("two unconditional prices".into())),
            Some(k) => {
                if let Some(d) = k.get("start_date").and_then(Value::as_str) {
                    let from = Date::parse(d).ok_or(format!("start_date `{d}` is not a date"))?;
                    schedule.push(Dated { from, prices: set });
                } else if k.get("start_time").is_some() || k.get("end_time").is_some() {
                    let (Some(a), Some(b)) = (hhmm(k.get("start_time")), hhmm(k.get("end_time")))
                    else {
                        return Ok(Shape::Unsupported(
                            "a time window without a valid HH:MM start and end".into(),
                        ));
                    };
                    if window.is_some() {
                        return Ok(Shape::Unsupported("more than one time window".into()));
                    }
                    window = Some((a, b, set));
                } else {
                    return Ok(Shape::Unsupported("an unknown constraint".into()));
                }
            }
        }
    }
    // The first price applies until the first constraint is met.
    let Some(mut base) = base.or_else(|| (!schedule.is_empty()).then(|| schedule.remove(0).prices))
    else {
        return Ok(Shape::Unpriced);
    };
    schedule.sort_by_key(|d| d.from);
    if let Some((start, end, set)) = window {
        if !schedule.is_empty() {
            return Ok(Shape::Unsupported(
                "a time window together with dated changes".into(),
            ));
        }
        // The cheaper of the two is the off-peak price; its hours are the
        // window, or the rest of the day when the window holds the peak price.
        let (peak, off, hours) = if set.rates.input_per_mtok < base.rates.input_per_mtok {
            (base, set, format!("{start}-{end}"))
        } else {
            (set, base, format!("{end}-{start}"))
        };
        base = PriceSet {
            off_peak: Some(OffPeak {
                hours_utc: hours,
                rates: off.rates,
            }),
            ..peak
        };
    }
    Ok(Shape::Priced(base, schedule))
}

fn json_error(origin: &str, message: impl Into<String>) -> Error {
    Diagnostic::new(origin, Pos { line: 1, col: 1 }, "", message)
        .allowed("genai-prices' data.json (a list of providers with their models)")
        .into()
}

/// Reads genai-prices' `data.json` text into a price table; ids already in
/// `keep` are not imported (a hand-kept entry wins).
pub fn import_genai(
    json: &str,
    origin: &str,
    opts: &GenaiOptions,
    keep: &PriceTable,
) -> Result<(PriceTable, GenaiSummary), Error> {
    let root: Value = serde_json::from_str(json).map_err(|e| {
        Error::from(
            Diagnostic::new(
                origin,
                Pos {
                    line: e.line().max(1),
                    col: e.column().max(1),
                },
                "",
                format!("this is not valid JSON: {e}"),
            )
            .allowed("genai-prices' data.json"),
        )
    })?;
    let providers = root
        .as_array()
        .ok_or_else(|| json_error(origin, "expected a JSON list of providers"))?;
    let deprecated_on = Date::parse(&opts.as_of);
    let mut table = PriceTable::default();
    let mut summary = GenaiSummary::default();
    for (pi, p) in providers.iter().enumerate() {
        let pid = p
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| json_error(origin, format!("provider [{pi}] has no `id`")))?;
        let models = p
            .get("models")
            .and_then(Value::as_array)
            .ok_or_else(|| json_error(origin, format!("provider `{pid}` has no `models` list")))?;
        if !opts.providers.is_empty() && !opts.providers.iter().any(|x| x == pid) {
            summary.skipped_provider += models.len();
            continue;
        }
        summary.providers += 1;
        let pname = p.get("name").and_then(Value::as_str).unwrap_or(pid);
        let (prefix, vendor) = vendor_of(pid, pname);
        let url = p
            .get("pricing_urls")
            .and_then(Value::as_array)
            .and_then(|u| u.first())
            .and_then(Value::as_str);
        let batch = opts
            .batch
            .iter()
            .find(|(v, _)| *v == prefix)
            .map_or(Decimal::ZERO, |b| b.1);
        for m in models {
            let mid = m
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| json_error(origin, format!("a model of `{pid}` has no `id`")))?;
            let lower = mid.to_lowercase();
            if NOT_TEXT.iter().any(|w| lower.contains(w)) {
                summary.skipped_not_text += 1;
                continue;
            }
            let Some(prices) = m.get("prices") else {
                summary.skipped_unpriced += 1;
                continue;
            };
            let (base, schedule) = match model_prices(prices)
                .map_err(|e| json_error(origin, format!("{pid}/{mid}: {e}")))?
            {
                Shape::Priced(b, s) => (b, s),
                Shape::Unpriced => {
                    summary.skipped_unpriced += 1;
                    continue;
                }
                Shape::Unsupported(why) => {
                    summary.skipped_unsupported += 1;
                    summary.unsupported.push(format!("{pid}/{mid}: {why}"));
                    continue;
                }
            };
            let id = tco_id(&prefix, mid);
            if keep.get(&id).is_some() || table.get(&id).is_some() {
                summary.skipped_duplicate += 1;
                continue;
            }
            // genai-prices marks some retired models only in their description.
            let retired = m
                .get("description")
                .and_then(Value::as_str)
                .is_some_and(|d| d.starts_with("Retired") || d.starts_with("(deprecated)"));
            let deprecated = match m.get("deprecated") {
                _ if retired => {
                    summary.deprecated += 1;
                    deprecated_on
                }
                Some(Value::Bool(true)) => {
                    summary.deprecated += 1;
                    deprecated_on
                }
                _ => None,
            };
            let given = m
                .get("name")
                .and_then(Value::as_str)
                .filter(|n| !n.trim().is_empty() && !n.contains('\n'))
                .unwrap_or_else(|| mid.rsplit('/').next().unwrap_or(mid));
            // Hosts of open-weight models sell the same weights as others:
            // the name says whose price it is.
            let name = if HOSTS.contains(&pid) {
                format!("{given} on {vendor}")
            } else {
                given.to_string()
            };
            let mut source = format!("{} ({pid}/{mid}", opts.snapshot);
            if let Some(u) = url {
                source.push_str(&format!("; {u}"));
            }
            source.push(')');
            if let Some(c) = m.get("price_comments").and_then(Value::as_str) {
                source.push_str(&format!(
                    ": {}",
                    c.split_whitespace().collect::<Vec<_>>().join(" ")
                ));
            }
            table.models.push(ApiModel {
                id,
                name,
                vendor: vendor.clone(),
                input_per_mtok: base.rates.input_per_mtok,
                output_per_mtok: base.rates.output_per_mtok,
                cached_input_per_mtok: base.rates.cached_input_per_mtok,
                cache_write_per_mtok: base.rates.cache_write_per_mtok,
                tiers: base.tiers,
                off_peak: base.off_peak,
                schedule,
                batch_discount: batch,
                context_window: m
                    .get("context_window")
                    .and_then(Value::as_u64)
                    .filter(|c| (1..=1_000_000_000).contains(c)),
                deprecated,
                as_of: opts.as_of.clone(),
                source,
            });
            summary.imported += 1;
        }
    }
    // Nothing imported and nothing kept: the table would be empty, which
    // does not read back (`models` may not be empty). Say why instead.
    if table.models.is_empty() && keep.models.is_empty() {
        return Err(json_error(
            origin,
            format!(
                "no text model with input and output prices to import: {} skipped as other providers, {} not text models, {} without both prices, {} with price shapes tco cannot represent",
                summary.skipped_provider,
                summary.skipped_not_text,
                summary.skipped_unpriced,
                summary.skipped_unsupported
            ),
        ));
    }
    Ok((table, summary))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn ids() {
        assert_eq!(
            tco_id("anthropic", "claude-sonnet-4-6"),
            "anthropic/claude-sonnet-4.6"
        );
        assert_eq!(
            tco_id("anthropic", "claude-3-5-haiku-latest"),
            "anthropic/claude-3.5-haiku-latest"
        );
        assert_eq!(
            tco_id("anthropic", "claude-sonnet-4-20250514"),
            "anthropic/claude-sonnet-4-20250514"
        );
        assert_eq!(
            tco_id("anthropic", "claude-sonnet-5"),
            "anthropic/claude-sonnet-5"
        );
        assert_eq!(
            tco_id("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo"),
            "together/llama-3.3-70b-instruct-turbo"
        );
        assert_eq!(tco_id("openai", "gpt-5.4"), "openai/gpt-5.4");
    }

    fn opts() -> GenaiOptions {
        GenaiOptions {
            providers: Vec::new(),
            batch: vec![("anthropic".into(), dec!(0.5))],
            as_of: "2026-08-21".into(),
            snapshot: "genai-prices 2026-08-21".into(),
        }
    }

    /// Found by the fuzzer: an hour past 23 became an off-peak window the
    /// price table refuses. Such a model is skipped as unsupported, named.
    #[test]
    fn a_time_window_out_of_the_day_is_unsupported() {
        let model = |start: &str| {
            format!(
                r#"{{"id":"m-{start}","match":{{"equals":"x"}},"prices":[{{"prices":{{"input_mtok":1,"output_mtok":2}}}},
                   {{"constraint":{{"start_time":"{start}","end_time":"16:30:00Z"}},"prices":{{"input_mtok":2,"output_mtok":4}}}}]}}"#
            )
        };
        let json = format!(
            r#"[{{"id":"deepseek","name":"Deepseek","models":[{},{},{}]}}]"#,
            model("90:30:00Z"),
            model("0:30"),
            model("00:30:00Z")
        );
        let (t, s) = import_genai(&json, "data.json", &opts(), &PriceTable::default()).unwrap();
        assert_eq!((s.imported, s.skipped_unsupported), (1, 2));
        assert!(
            s.unsupported
                .iter()
                .all(|u| u.contains("a time window without a valid HH:MM start and end")),
            "{:?}",
            s.unsupported
        );
        let yaml = t.to_yaml("");
        assert!(PriceTable::parse(&yaml, "imported.yaml").is_ok(), "{yaml}");
    }

    /// As the LiteLLM import's fuzzing found: nothing to import is an error,
    /// not an empty table that would not read back.
    #[test]
    fn a_file_with_nothing_to_import_is_an_error() {
        let json = r#"[{"id":"openai","name":"OpenAI","models":[
          {"id":"gpt-x","match":{"equals":"x"},"prices":{"input_mtok":1}}]}]"#;
        let e = import_genai(json, "data.json", &opts(), &PriceTable::default()).unwrap_err();
        let Error::Input(d) = e else { panic!("{e:?}") };
        assert!(
            d.message.contains("no text model with input and output prices to import: 0 skipped as other providers, 0 not text models, 1 without both prices"),
            "{}",
            d.message
        );
        assert!(import_genai("[]", "data.json", &opts(), &PriceTable::default()).is_err());
    }

    #[test]
    fn schedules_tiers_windows_and_cache_writes() {
        let json = r#"[{"id":"anthropic","name":"Anthropic","pricing_urls":["https://a.example/p"],"models":[
          {"id":"claude-sonnet-5","match":{"equals":"x"},"context_window":1000000,
           "prices":[{"prices":{"input_mtok":2,"cache_write_mtok":2.5,"cache_read_mtok":0.2,"output_mtok":10}},
                     {"constraint":{"start_date":"2026-09-01"},"prices":{"input_mtok":3,"cache_write_mtok":3.75,"cache_read_mtok":0.3,"output_mtok":15}}]},
          {"id":"claude-sonnet-4-5","match":{"equals":"y"},
           "prices":{"input_mtok":{"base":3,"tiers":[{"start":200000,"price":6}]},"cache_read_mtok":0.3,"output_mtok":{"base":15,"tiers":[{"start":200000,"price":22.5}]}}},
          {"id":"claude-embed","match":{"equals":"z"},"prices":{"input_mtok":1}},
          {"id":"claude-x","match":{"equals":"z"},"prices":{"input_mtok":1}}
        ]},{"id":"deepseek","name":"Deepseek","models":[
          {"id":"deepseek-chat","match":{"equals":"d"},"deprecated":true,
           "prices":[{"prices":{"input_mtok":0.135,"cache_read_mtok":0.035,"output_mtok":0.55}},
                     {"constraint":{"start_time":"00:30:00Z","end_time":"16:30:00Z"},"prices":{"input_mtok":0.27,"cache_read_mtok":0.07,"output_mtok":1.1}}]}
        ]}]"#;
        assert!(looks_like_genai(json));
        let (t, s) = import_genai(json, "data.json", &opts(), &PriceTable::default()).unwrap();
        assert_eq!(
            (s.imported, s.skipped_not_text, s.skipped_unpriced),
            (3, 1, 1)
        );
        let s5 = t.get("anthropic/claude-sonnet-5").unwrap();
        assert_eq!(s5.input_per_mtok.amount(), dec!(2));
        assert_eq!(s5.cache_write_per_mtok.unwrap().amount(), dec!(2.5));
        assert_eq!(s5.schedule.len(), 1);
        assert_eq!(s5.schedule[0].from.to_string(), "2026-09-01");
        assert_eq!(
            s5.schedule[0].prices.rates.output_per_mtok.amount(),
            dec!(15)
        );
        assert_eq!(s5.batch_discount, dec!(0.5));
        let s45 = t.get("anthropic/claude-sonnet-4.5").unwrap();
        assert_eq!(s45.tiers.len(), 1);
        assert_eq!(s45.tiers[0].above_prompt_tokens, 200_000);
        assert_eq!(s45.tiers[0].output_per_mtok.unwrap().amount(), dec!(22.5));
        assert_eq!(s45.tiers[0].cached_input_per_mtok, None);
        let ds = t.get("deepseek/deepseek-chat").unwrap();
        assert_eq!(ds.input_per_mtok.amount(), dec!(0.27));
        let op = ds.off_peak.as_ref().unwrap();
        assert_eq!(op.hours_utc, "16:30-00:30");
        assert_eq!(op.rates.output_per_mtok.amount(), dec!(0.55));
        assert_eq!(ds.deprecated.unwrap().to_string(), "2026-08-21");
        // Everything survives tco's own YAML format.
        let back = PriceTable::parse(&t.to_yaml("imported"), "back.yaml").unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn bad_json_is_located() {
        let e =
            import_genai("[{\"id\": 1,", "d.json", &opts(), &PriceTable::default()).unwrap_err();
        let Error::Input(d) = e else { panic!("{e:?}") };
        assert_eq!(d.line, 1);
        assert!(d.message.contains("not valid JSON"), "{}", d.message);
    }
}
