//! Reading and writing a price-table entry's vendor pricing: `schedule:`
//! (dated price sets), `tiers:`, `cache_write_per_mtok` and `off_peak:`, into
//! and out of [`crate::model::tariff`]'s types.

use crate::error::Diagnostic;
use crate::input::read::{Field, Obj};
use crate::model::date::Date;
use crate::model::tariff::{Dated, OffPeak, PriceSet, Rates, Tier};
use crate::model::units::PerMTok;

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
    s.split_once('-')
        .is_some_and(|(a, b)| is_hour_minute(a) && is_hour_minute(b))
}

/// `HH:MM` of a day: hours 00–23, minutes 00–59.
pub fn is_hour_minute(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 5
        && b[2] == b':'
        && t.is_char_boundary(2)
        && t[0..2].parse::<u8>().is_ok_and(|h| h < 24)
        && t[3..5].parse::<u8>().is_ok_and(|m| m < 60)
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
mod tests {
    use super::*;

    #[test]
    fn hours_window() {
        assert!(is_hours("16:30-00:30"));
        assert!(!is_hours("24:00-01:00"));
        assert!(!is_hours("16:30"));
    }
}
