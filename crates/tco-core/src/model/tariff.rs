//! How vendors price a model beyond one input and one output price: dated
//! price changes (introductory prices that end), long-context tiers by prompt
//! length, cache writes priced apart from cache reads, and off-peak windows.
//!
//! A price-table entry's top-level prices are its first [`PriceSet`]; a
//! `schedule:` lists later sets, each in force from its `from:` date. Each set
//! may carry `tiers:` (prices that replace the listed ones when a request's
//! prompt is longer than `above_prompt_tokens`) and an `off_peak:` set. All
//! amounts are exact decimals per million tokens. [`crate::input::tariff`]
//! reads and writes them in the price-table format.

use crate::model::date::Date;
use crate::model::units::PerMTok;
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
}
