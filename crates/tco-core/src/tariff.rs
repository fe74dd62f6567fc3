//! How vendors price a model beyond one input and one output price: dated
//! price changes (introductory prices that end), long-context tiers by prompt
//! length, cache writes priced apart from cache reads, and off-peak windows.
//!
//! A price-table entry's top-level prices are its first [`PriceSet`]; a
//! `schedule:` lists later sets, each in force from its `from:` date. Each set
//! may carry `tiers:` (prices that replace the listed ones when a request's
//! prompt is longer than `above_prompt_tokens`) and an `off_peak:` set. All
//! amounts are exact decimals per million tokens.

use crate::date::Date;
use crate::error::Diagnostic;
use crate::read::{Field, Obj};
use crate::units::PerMTok;
use rust_decimal::Decimal;
use serde::Serialize;

/// Flat prices per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rates {
    pub input_per_mtok: PerMTok,
    pub output_per_mtok: PerMTok,
    /// A prompt token read from the vendor's cache.
    pub cached_input_per_mtok: PerMTok,
    /// A prompt token written to the cache; `None` when the vendor does not
    /// price writes apart (they are then billed as input).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_per_mtok: Option<PerMTok>,
}

impl Rates {
    /// The cache-write price in effect: the listed one, else the input price.
    pub fn cache_write(&self) -> PerMTok {
        self.cache_write_per_mtok.unwrap_or(self.input_per_mtok)
    }

    /// Price per MTok of the token mix: input share `s`, of which `c` read
    /// from the cache and `w` written to it:
    /// s·((1−c−w)·p_in + c·p_cached + w·p_write) + (1−s)·p_out.
    ///
    /// A zero share adds no term, so a mix without cache writes is computed
    /// digit for digit as before cache writes existed.
    pub fn mix(&self, s: Decimal, c: Decimal, w: Decimal) -> PerMTok {
        let input = if w.is_zero() {
            self.input_per_mtok.times(Decimal::ONE - c) + self.cached_input_per_mtok.times(c)
        } else {
            self.input_per_mtok.times(Decimal::ONE - c - w)
                + self.cached_input_per_mtok.times(c)
                + self.cache_write().times(w)
        };
        input.times(s) + self.output_per_mtok.times(Decimal::ONE - s)
    }

    /// Every price times `k` (currency conversion, uplift).
    #[must_use]
    pub fn times(&self, k: Decimal) -> Rates {
        Rates {
            input_per_mtok: self.input_per_mtok.times(k),
            output_per_mtok: self.output_per_mtok.times(k),
            cached_input_per_mtok: self.cached_input_per_mtok.times(k),
            cache_write_per_mtok: self.cache_write_per_mtok.map(|p| p.times(k)),
        }
    }
}

/// Prices that replace the set's own when a request's prompt is longer than
/// `above_prompt_tokens` (the vendors' "cliff": every token of such a request
/// pays the tier price). Prices not listed stay at the set's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tier {
    pub above_prompt_tokens: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_per_mtok: Option<PerMTok>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_per_mtok: Option<PerMTok>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cached_input_per_mtok: Option<PerMTok>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_per_mtok: Option<PerMTok>,
}

/// Prices during a vendor's off-peak hours (UTC).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OffPeak {
    /// `HH:MM-HH:MM` in UTC, as the vendor states it (for people; the model
    /// uses `workload.off_peak_share`).
    pub hours_utc: String,
    #[serde(flatten)]
    pub rates: Rates,
}

/// One set of prices: flat rates, tiers by prompt length, off-peak prices.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriceSet {
    #[serde(flatten)]
    pub rates: Rates,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<Tier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub off_peak: Option<OffPeak>,
}

impl PriceSet {
    /// A set with flat prices only.
    pub fn flat(rates: Rates) -> PriceSet {
        PriceSet {
            rates,
            tiers: Vec::new(),
            off_peak: None,
        }
    }

    /// The rates a request with `prompt_tokens` prompt tokens pays: the highest
    /// tier whose threshold it exceeds, else the set's own. No prompt length:
    /// the set's own (the vendors' standard tier).
    pub fn rates_for_prompt(&self, prompt_tokens: Option<u64>) -> Rates {
        let mut r = self.rates;
        let Some(p) = prompt_tokens else { return r };
        if let Some(t) = self
            .tiers
            .iter()
            .filter(|t| p > t.above_prompt_tokens)
            .max_by_key(|t| t.above_prompt_tokens)
        {
            if let Some(x) = t.input_per_mtok {
                r.input_per_mtok = x;
            }
            if let Some(x) = t.output_per_mtok {
                r.output_per_mtok = x;
            }
            if let Some(x) = t.cached_input_per_mtok {
                r.cached_input_per_mtok = x;
            }
            if let Some(x) = t.cache_write_per_mtok {
                r.cache_write_per_mtok = Some(x);
            }
        }
        r
    }

    /// The tier threshold that applies to `prompt_tokens`, if any.
    pub fn tier_for_prompt(&self, prompt_tokens: Option<u64>) -> Option<u64> {
        let p = prompt_tokens?;
        self.tiers
            .iter()
            .map(|t| t.above_prompt_tokens)
            .filter(|&a| p > a)
            .max()
    }
}

/// A price set in force from a date on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dated {
    pub from: Date,
    #[serde(flatten)]
    pub prices: PriceSet,
}

/// Keys a price set accepts (the entry's top level adds its own).
pub const PRICE_KEYS: &[&str] = &[
    "input_per_mtok",
    "output_per_mtok",
    "cached_input_per_mtok",
    "cache_write_per_mtok",
    "tiers",
    "off_peak",
];
const TIER_KEYS: &[&str] = &[
    "above_prompt_tokens",
    "input_per_mtok",
    "output_per_mtok",
    "cached_input_per_mtok",
    "cache_write_per_mtok",
];
const OFF_PEAK_KEYS: &[&str] = &[
    "hours_utc",
    "input_per_mtok",
    "output_per_mtok",
    "cached_input_per_mtok",
    "cache_write_per_mtok",
];

/// A date field, `YYYY-MM-DD`.
pub fn read_date(f: &Field<'_>) -> Result<Date, Diagnostic> {
    let t = f.text()?;
    Date::parse(t.trim()).ok_or_else(|| {
        f.error(format!("`{t}` is not a date"))
            .allowed("a calendar date written YYYY-MM-DD, e.g. 2026-09-01")
    })
}

fn read_rates(
    o: &Obj<'_>,
    price: &dyn Fn(&Field<'_>) -> Result<PerMTok, Diagnostic>,
) -> Result<Rates, Diagnostic> {
    let input = price(&o.req("input_per_mtok", "price per million input tokens")?)?;
    Ok(Rates {
        input_per_mtok: input,
        output_per_mtok: price(&o.req("output_per_mtok", "price per million output tokens")?)?,
        cached_input_per_mtok: match o.get("cached_input_per_mtok") {
            Some(c) => price(&c)?,
            None => input,
        },
        cache_write_per_mtok: o
            .get("cache_write_per_mtok")
            .map(|c| price(&c))
            .transpose()?,
    })
}

/// Reads a price set from a mapping already checked against its keys.
pub fn read_price_set(
    o: &Obj<'_>,
    price: &dyn Fn(&Field<'_>) -> Result<PerMTok, Diagnostic>,
) -> Result<PriceSet, Diagnostic> {
    let rates = read_rates(o, price)?;
    let mut tiers: Vec<Tier> = Vec::new();
    if let Some(list) = o.get("tiers") {
        for f in list.seq()? {
            let t = f.clone().map(TIER_KEYS)?;
            let at = t.req(
                "above_prompt_tokens",
                "the prompt length above which the tier's prices apply",
            )?;
            let above = at.integer(0, 1_000_000_000, "a prompt length in tokens")?;
            if let Some(prev) = tiers.last() {
                if above <= prev.above_prompt_tokens {
                    return Err(at
                        .error(format!(
                            "{above} does not come after the tier above {} tokens",
                            prev.above_prompt_tokens
                        ))
                        .allowed("tiers in increasing order of `above_prompt_tokens`"));
                }
            }
            let opt = |k: &str| t.get(k).map(|p| price(&p)).transpose();
            let tier = Tier {
                above_prompt_tokens: above,
                input_per_mtok: opt("input_per_mtok")?,
                output_per_mtok: opt("output_per_mtok")?,
                cached_input_per_mtok: opt("cached_input_per_mtok")?,
                cache_write_per_mtok: opt("cache_write_per_mtok")?,
            };
            if tier.input_per_mtok.is_none()
                && tier.output_per_mtok.is_none()
                && tier.cached_input_per_mtok.is_none()
                && tier.cache_write_per_mtok.is_none()
            {
                return Err(t
                    .field
                    .error("the tier lists no price")
                    .allowed("one or more of input_per_mtok, output_per_mtok, cached_input_per_mtok, cache_write_per_mtok"));
            }
            tiers.push(tier);
        }
    }
    let off_peak = match o.get("off_peak") {
        None => None,
        Some(f) => {
            let op = f.map(OFF_PEAK_KEYS)?;
            let h = op.req(
                "hours_utc",
                "the off-peak hours in UTC, e.g. \"16:30-00:30\"",
            )?;
            let hours = h.text()?;
            if !is_hours(&hours) {
                return Err(h
                    .error(format!("`{hours}` is not a window of hours"))
                    .allowed("HH:MM-HH:MM in UTC, e.g. \"16:30-00:30\""));
            }
            Some(OffPeak {
                hours_utc: hours,
                rates: read_rates(&op, price)?,
            })
        }
    };
    Ok(PriceSet {
        rates,
        tiers,
        off_peak,
    })
}

fn is_hours(s: &str) -> bool {
    let hm = |t: &str| {
        let b = t.as_bytes();
        b.len() == 5
            && b[2] == b':'
            && t[0..2].parse::<u8>().is_ok_and(|h| h < 24)
            && t[3..5].parse::<u8>().is_ok_and(|m| m < 60)
    };
    s.split_once('-').is_some_and(|(a, b)| hm(a) && hm(b))
}

/// Reads `schedule:`: price sets each in force from `from:`, dates strictly
/// increasing and after `first` (the date the entry's own prices were listed).
pub fn read_schedule(
    f: &Field<'_>,
    price: &dyn Fn(&Field<'_>) -> Result<PerMTok, Diagnostic>,
) -> Result<Vec<Dated>, Diagnostic> {
    let mut keys: Vec<&str> = vec!["from"];
    keys.extend_from_slice(PRICE_KEYS);
    let mut out: Vec<Dated> = Vec::new();
    for item in f.seq()? {
        let o = item.clone().map(&keys)?;
        let ff = o.req("from", "the date these prices start, YYYY-MM-DD")?;
        let from = read_date(&ff)?;
        if let Some(prev) = out.last() {
            if from <= prev.from {
                return Err(ff
                    .error(format!("{from} does not come after {}", prev.from))
                    .allowed(
                        "schedule entries in date order, each `from` later than the one before",
                    ));
            }
        }
        out.push(Dated {
            from,
            prices: read_price_set(&o, price)?,
        });
    }
    Ok(out)
}

/// The set in force on `date` among `base` (in force before the first
/// change) and `schedule`; with no date, `base`.
pub fn in_force<'a>(base: &'a PriceSet, schedule: &'a [Dated], date: Option<Date>) -> &'a PriceSet {
    let Some(d) = date else { return base };
    schedule
        .iter()
        .rev()
        .find(|s| s.from <= d)
        .map_or(base, |s| &s.prices)
}

fn yaml_price(out: &mut String, indent: &str, key: &str, p: PerMTok) {
    out.push_str(&format!("{indent}{key}: {}\n", p.amount().normalize()));
}

fn write_rates(out: &mut String, indent: &str, r: &Rates) {
    yaml_price(out, indent, "input_per_mtok", r.input_per_mtok);
    yaml_price(out, indent, "output_per_mtok", r.output_per_mtok);
    yaml_price(
        out,
        indent,
        "cached_input_per_mtok",
        r.cached_input_per_mtok,
    );
    if let Some(w) = r.cache_write_per_mtok {
        yaml_price(out, indent, "cache_write_per_mtok", w);
    }
}

/// Writes a price set's fields at `indent` (the flat rates, then tiers and
/// off-peak prices).
pub fn write_price_set(out: &mut String, indent: &str, set: &PriceSet) {
    write_rates(out, indent, &set.rates);
    write_extras(out, indent, set);
}

/// Writes only a set's tiers and off-peak prices.
pub fn write_extras(out: &mut String, indent: &str, set: &PriceSet) {
    if !set.tiers.is_empty() {
        out.push_str(&format!("{indent}tiers:\n"));
        for t in &set.tiers {
            out.push_str(&format!(
                "{indent}  - above_prompt_tokens: {}\n",
                t.above_prompt_tokens
            ));
            let inner = format!("{indent}    ");
            for (k, v) in [
                ("input_per_mtok", t.input_per_mtok),
                ("output_per_mtok", t.output_per_mtok),
                ("cached_input_per_mtok", t.cached_input_per_mtok),
                ("cache_write_per_mtok", t.cache_write_per_mtok),
            ] {
                if let Some(p) = v {
                    yaml_price(out, &inner, k, p);
                }
            }
        }
    }
    if let Some(op) = &set.off_peak {
        out.push_str(&format!("{indent}off_peak:\n"));
        let inner = format!("{indent}  ");
        out.push_str(&format!("{inner}hours_utc: \"{}\"\n", op.hours_utc));
        write_rates(out, &inner, &op.rates);
    }
}

/// Writes `schedule:` at `indent`.
pub fn write_schedule(out: &mut String, indent: &str, schedule: &[Dated]) {
    if schedule.is_empty() {
        return;
    }
    out.push_str(&format!("{indent}schedule:\n"));
    for d in schedule {
        out.push_str(&format!("{indent}  - from: {}\n", d.from));
        write_price_set(out, &format!("{indent}    "), &d.prices);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn p(x: Decimal) -> PerMTok {
        PerMTok::new(x)
    }

    #[test]
    fn tiers_are_cliffs_above_the_threshold() {
        let set = PriceSet {
            rates: Rates {
                input_per_mtok: p(dec!(3)),
                output_per_mtok: p(dec!(15)),
                cached_input_per_mtok: p(dec!(0.3)),
                cache_write_per_mtok: Some(p(dec!(3.75))),
            },
            tiers: vec![Tier {
                above_prompt_tokens: 200_000,
                input_per_mtok: Some(p(dec!(6))),
                output_per_mtok: Some(p(dec!(22.5))),
                cached_input_per_mtok: None,
                cache_write_per_mtok: None,
            }],
            off_peak: None,
        };
        assert_eq!(set.rates_for_prompt(None).input_per_mtok, p(dec!(3)));
        assert_eq!(
            set.rates_for_prompt(Some(200_000)).input_per_mtok,
            p(dec!(3))
        );
        let r = set.rates_for_prompt(Some(200_001));
        assert_eq!(
            (r.input_per_mtok, r.output_per_mtok, r.cached_input_per_mtok),
            (p(dec!(6)), p(dec!(22.5)), p(dec!(0.3)))
        );
        assert_eq!(set.tier_for_prompt(Some(200_001)), Some(200_000));
    }

    #[test]
    fn mix_with_cache_writes() {
        let r = Rates {
            input_per_mtok: p(dec!(3)),
            output_per_mtok: p(dec!(15)),
            cached_input_per_mtok: p(dec!(0.3)),
            cache_write_per_mtok: Some(p(dec!(3.75))),
        };
        // 0.8·(0.65·3 + 0.3·0.3 + 0.05·3.75) + 0.2·15 = 0.8·2.2275 + 3 = 4.782
        assert_eq!(
            r.mix(dec!(0.8), dec!(0.3), dec!(0.05)).amount(),
            dec!(4.782)
        );
        // Without writes: the old formula's digits.
        assert_eq!(
            r.mix(dec!(0.8), dec!(0), dec!(0)).amount().to_string(),
            "5.4"
        );
    }

    #[test]
    fn hours_window() {
        assert!(is_hours("16:30-00:30"));
        assert!(!is_hours("24:00-01:00"));
        assert!(!is_hours("16:30"));
    }
}
