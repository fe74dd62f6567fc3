//! Display rules shared by every face (CLI, TUI, page), so they agree to the cent.

use crate::model::units::{Money, PerMTok, Tokens};
use rust_decimal::{Decimal, RoundingStrategy};

/// Groups the integer digits of a plain decimal string: `1234567.5` → `1,234,567.5`.
fn group(s: &str) -> String {
    let (sign, rest) = s.strip_prefix('-').map_or(("", s), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(s.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// The symbol for common currencies, else the ISO code and a space.
pub fn currency_prefix(currency: &str) -> String {
    match currency {
        "USD" => "$".into(),
        "EUR" => "€".into(),
        "GBP" => "£".into(),
        "JPY" => "¥".into(),
        other => format!("{other} "),
    }
}

fn fixed(d: Decimal, dp: u32) -> String {
    let r = d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    let r = if r.is_zero() { Decimal::ZERO } else { r };
    format!("{r:.prec$}", prec = dp as usize)
}

/// `$2,222.22`, `-$15.00`, `CHF 1,000.00`: money to the cent, half away from zero.
pub fn money(m: Money, currency: &str) -> String {
    let s = fixed(m.amount(), 2);
    let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
    format!("{sign}{}{}", currency_prefix(currency), group(digits))
}

/// A price per MTok: to the cent, or to four places below ten cents ($0.075 stays visible).
pub fn per_mtok(p: PerMTok, currency: &str) -> String {
    let a = p.amount();
    let dp = if a.abs() < Decimal::new(1, 1) && !a.is_zero() {
        4
    } else {
        2
    };
    let s = fixed(a, dp);
    let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
    format!("{sign}{}{}", currency_prefix(currency), group(digits))
}

/// `1,630` or `1,630.25`: a decimal with thousands separators.
pub fn decimal_grouped(d: Decimal) -> String {
    let s = d.normalize().to_string();
    let (sign, s) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
    match s.split_once('.') {
        Some((i, f)) => format!("{sign}{}.{f}", group(i)),
        None => format!("{sign}{}", group(s)),
    }
}

/// `1,234.5`: rounded to `dp` places half away from zero, then grouped.
pub fn decimal_rounded(d: Decimal, dp: u32) -> String {
    decimal_grouped(d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero))
}

/// `988,395,183`.
pub fn tokens(t: Tokens) -> String {
    group(&t.0.to_string())
}

/// `988.4M`, `3.11B`, `250k`: short form for tables and charts.
pub fn tokens_short(t: Tokens) -> String {
    let v = t.0;
    let (div, suffix) = match v {
        0..=9_999 => return v.to_string(),
        10_000..=999_999 => (1_000u64, "k"),
        1_000_000..=999_999_999 => (1_000_000, "M"),
        1_000_000_000..=999_999_999_999 => (1_000_000_000, "B"),
        _ => (1_000_000_000_000, "T"),
    };
    let d = Decimal::from(v) / Decimal::from(div);
    let dp = if d < Decimal::from(10) {
        2
    } else if d < Decimal::from(100) {
        1
    } else {
        0
    };
    let s = fixed(d, dp);
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    format!("{}{suffix}", group(&s))
}

/// A share as a percentage with one decimal: `0.4371` → `43.7%`.
pub fn percent(share: Decimal) -> String {
    format!("{}%", fixed(share * Decimal::from(100), 1))
}

/// Days since 1970-01-01 to YYYY-MM-DD ([`Date::from_days`]); a day past
/// 9999-12-31 is written as the count of days.
///
/// [`Date::from_days`]: crate::model::date::Date::from_days
pub fn civil_date(days: u64) -> String {
    i64::try_from(days)
        .ok()
        .and_then(crate::model::date::Date::from_days)
        .map_or_else(|| format!("day {days} after 1970-01-01"), |d| d.to_string())
}

/// A share held as a float (a simulation's P(local cheaper)) written like
/// [`percent`]: `0.4371` → `43.7%`. Every face prints shares this one way.
pub fn share_percent(x: f64) -> String {
    use rust_decimal::prelude::FromPrimitive;
    match Decimal::from_f64(x) {
        Some(d) => percent(d),
        None => "—".to_string(),
    }
}

/// The volumes where local costs no more, as the break-even tables show
/// them: `988M and up`, `1.2B–3.5B, 7B and up`; past four ranges
/// `, … (N ranges)`. With no range, the reason local never wins.
pub fn local_wins(b: &crate::model::breakeven::BreakEven) -> String {
    if b.status == crate::model::breakeven::Status::Infeasible {
        return "— cannot serve (see Notes)".to_string();
    }
    if b.local_wins.is_empty() {
        return b.reason.clone().unwrap_or_default();
    }
    let parts: Vec<String> = b
        .local_wins
        .iter()
        .take(4)
        .map(|r| match r.to {
            Some(to) => format!(
                "{}–{}",
                tokens_short(Tokens(r.from)),
                tokens_short(Tokens(to))
            ),
            None => format!("{} and up", tokens_short(Tokens(r.from))),
        })
        .collect();
    let mut s = parts.join(", ");
    if b.local_wins.len() > 4 || b.local_wins_truncated {
        s.push_str(&format!(", … ({} ranges)", b.local_wins.len()));
    }
    s
}

/// The memory-fit note without the option's name: `model needs 225.90 GB
/// (140 GB weights + 85.90 GB KV cache, estimated from the nearest Llama
/// shape) of 320 GB: fit`.
pub fn memory_note(m: &crate::model::fit::MemoryFit) -> String {
    use crate::model::fit::FitStatus;
    let fit = m.status.as_ref().map_or(String::new(), |st| {
        let word = match st {
            FitStatus::Fit => "fit",
            FitStatus::Tight => "tight",
            FitStatus::NoFit => "no fit",
        };
        format!(" of {} GB: {word}", m.memory_gb.unwrap_or_default())
    });
    format!(
        "model needs {} GB ({} GB weights + {} GB KV cache{}){fit}",
        m.total_gb,
        m.weights_gb,
        m.kv_cache_gb,
        if m.kv_estimated {
            ", estimated from the nearest Llama shape"
        } else {
            ""
        }
    )
}

/// The payback as every face prints it: "25.6 months", flagged when it runs
/// past the hardware's life or the finance horizon, "—" when there is none.
pub fn payback(b: &crate::model::breakeven::BreakEven) -> String {
    let Some(m) = b.payback_months else {
        return "—".to_string();
    };
    let mut s = format!("{} months", m.round_dp(1));
    for e in &b.payback_exceeds {
        let what = if e.limit == "amortization_months" {
            "life"
        } else {
            "horizon"
        };
        s.push_str(&format!(" (past the {}-month {what})", e.months));
    }
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn money_has_separators_currency_and_cents() {
        assert_eq!(money(Money::new(dec!(2222.2222)), "USD"), "$2,222.22");
        assert_eq!(money(Money::new(dec!(8548.387)), "USD"), "$8,548.39");
        assert_eq!(money(Money::new(dec!(-15)), "EUR"), "-€15.00");
        assert_eq!(
            money(Money::new(dec!(1234567.005)), "CHF"),
            "CHF 1,234,567.01"
        );
        assert_eq!(money(Money::new(dec!(0.004)), "USD"), "$0.00");
        assert_eq!(money(Money::new(dec!(-0.004)), "USD"), "$0.00");
    }

    #[test]
    fn prices_keep_small_digits() {
        assert_eq!(per_mtok(PerMTok::new(dec!(0.075)), "USD"), "$0.0750");
        assert_eq!(per_mtok(PerMTok::new(dec!(5.4)), "USD"), "$5.40");
    }

    #[test]
    fn token_forms() {
        assert_eq!(tokens(Tokens(988_395_183)), "988,395,183");
        assert_eq!(tokens_short(Tokens(988_395_183)), "988M");
        assert_eq!(tokens_short(Tokens(3_110_400_000)), "3.11B");
        assert_eq!(tokens_short(Tokens(250_000)), "250k");
        assert_eq!(tokens_short(Tokens(15_500_000)), "15.5M");
        assert_eq!(percent(dec!(0.43712)), "43.7%");
        assert_eq!(share_percent(0.43712), "43.7%");
        assert_eq!(share_percent(1.0), "100.0%");
        assert_eq!(share_percent(0.0005), "0.1%");
    }
}
