//! Numbers written the way people write them, not the way tco reads them:
//! a decimal comma (`0,30`), a thousands separator (`1,000`, `1.000,50`,
//! `1 000`), a percent sign (`75%`), a currency sign or code (`$0.368`,
//! `3200 EUR`) or a unit (`1 kW`, `3 years`). Each is refused with what is
//! wrong and the number it most likely meant, so the message can say "did you
//! mean"; nothing is ever reinterpreted silently.
//!
//! `3.220` (a German thousands separator) is a valid number, 3.22, and is
//! read as such; the scenario reader warns when a machine price is far from
//! its table entry (see `input::scenario`).

use rust_decimal::Decimal;
use std::str::FromStr;

/// What is wrong with a number's text, and the number it probably meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misread {
    pub problem: String,
    /// The number to write instead, as text (`0.30`), when one is likely.
    pub suggestion: Option<String>,
}

const CURRENCY_SIGNS: [char; 6] = ['$', '€', '£', '¥', '₹', '₩'];
const CURRENCY_CODES: [&str; 8] = ["usd", "eur", "gbp", "chf", "jpy", "cad", "aud", "cny"];

/// Units people append, with the factor to tco's usual unit for the field
/// when the field's description (`what`) names that unit.
fn unit_conversion(unit: &str, what: &str) -> Option<(Decimal, &'static str)> {
    let w = what.to_ascii_lowercase();
    match unit {
        "kw" if w.contains(" w") || w.contains("watt") => Some((Decimal::from(1000), "W")),
        "mw" if w.contains(" w") || w.contains("watt") => Some((Decimal::from(1_000_000), "W")),
        "year" | "years" | "yr" | "yrs" | "y" if w.contains("month") => {
            Some((Decimal::from(12), "months"))
        }
        "month" | "months" | "mo" if w.contains("month") => Some((Decimal::ONE, "months")),
        "w" | "watt" | "watts" if w.contains(" w") || w.contains("watt") => {
            Some((Decimal::ONE, "W"))
        }
        _ => None,
    }
}

const UNITS: [&str; 24] = [
    "kw", "mw", "w", "watt", "watts", "kwh", "wh", "year", "years", "yr", "yrs", "y", "month",
    "months", "mo", "h", "hours", "hrs", "gb", "gib", "tok/s", "tokens/s", "t/s", "x",
];

fn plain(s: &str) -> Option<Decimal> {
    let t = s.trim();
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-' || c == '+')
    {
        return None;
    }
    Decimal::from_str(t).ok()
}

/// Reads separators: returns the number and what the separators were.
fn separators(s: &str) -> Option<(Decimal, &'static str, Option<String>)> {
    let t = s.trim();
    let (sign, body) = match t.strip_prefix('-') {
        Some(b) => ("-", b),
        None => ("", t.strip_prefix('+').unwrap_or(t)),
    };
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || ",. '\u{a0}\u{202f}".contains(c))
    {
        return None;
    }
    let groups_ok = |int: &str, sep: char| {
        let parts: Vec<&str> = int.split(sep).collect();
        parts.len() > 1
            && (1..=3).contains(&parts[0].len())
            && parts[1..].iter().all(|p| p.len() == 3)
            && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
    };
    let num = |int: &str, frac: Option<&str>| -> Option<Decimal> {
        let digits: String = int.chars().filter(char::is_ascii_digit).collect();
        let text = match frac {
            Some(f) => format!("{sign}{digits}.{f}"),
            None => format!("{sign}{digits}"),
        };
        Decimal::from_str(&text).ok()
    };
    let comma = body.rfind(',');
    let dot = body.rfind('.');
    for space in [' ', '\'', '\u{a0}', '\u{202f}'] {
        if body.contains(space) {
            let (int, frac) = match (comma, dot) {
                (Some(c), None) => (&body[..c], Some(&body[c + 1..])),
                (None, Some(d)) => (&body[..d], Some(&body[d + 1..])),
                (None, None) => (body, None),
                _ => return None,
            };
            if groups_ok(int, space) && frac.is_none_or(|f| f.chars().all(|c| c.is_ascii_digit())) {
                return Some((num(int, frac)?, "a thousands separator", None));
            }
            return None;
        }
    }
    match (comma, dot) {
        (Some(c), Some(d)) => {
            // The last separator is the decimal one: 1.000,50 or 1,000.50.
            let (dec_sep, thou) = if c > d { (',', '.') } else { ('.', ',') };
            let at = c.max(d);
            let (int, frac) = (&body[..at], &body[at + 1..]);
            if groups_ok(int, thou) && frac.chars().all(|c| c.is_ascii_digit()) {
                let what = if dec_sep == ',' {
                    "a thousands separator and a decimal comma"
                } else {
                    "a thousands separator"
                };
                return Some((num(int, Some(frac))?, what, None));
            }
            None
        }
        (Some(_), None) => {
            if groups_ok(body, ',') && !body.starts_with("0,") {
                // 3,220 is 3220 with a thousands separator, or 3.220 with a
                // decimal comma: say both.
                let alt = if body.matches(',').count() == 1 {
                    Some(format!("{sign}{}", body.replace(',', ".")))
                } else {
                    None
                };
                return Some((num(body, None)?, "a thousands separator", alt));
            }
            let parts: Vec<&str> = body.split(',').collect();
            if parts.len() == 2
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
            {
                return Some((num(parts[0], Some(parts[1]))?, "a decimal comma", None));
            }
            None
        }
        (None, Some(_)) => {
            // 1.000.000: dots as thousands separators.
            if body.matches('.').count() > 1 && groups_ok(body, '.') {
                return Some((num(body, None)?, "dots as thousands separators", None));
            }
            None
        }
        (None, None) => None,
    }
}

fn show(d: Decimal) -> String {
    d.to_string()
}

/// Why `text` is not a number tco reads, and what was probably meant; None
/// when it is not a recognisable number form at all. `what` is the field's
/// description of its allowed values (used to convert units).
pub fn misread(text: &str, what: &str) -> Option<Misread> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    // Percent: 75% → 0.75.
    if let Some(body) = t.strip_suffix('%').or_else(|| t.strip_suffix(" %")) {
        let v = plain(body).or_else(|| separators(body).map(|s| s.0))?;
        return Some(Misread {
            problem: format!("`{t}` has a percent sign; shares are written as fractions"),
            suggestion: Some(show((v / Decimal::from(100)).normalize())),
        });
    }
    // Currency sign or code, before or after: $0.368, 0,30 €, EUR 3200.
    let lower = t.to_lowercase();
    let mut rest: Option<String> = None;
    for s in CURRENCY_SIGNS {
        if let Some(b) = t.strip_prefix(s).or_else(|| t.strip_suffix(s)) {
            rest = Some(b.trim().to_string());
        }
    }
    for c in CURRENCY_CODES {
        if let Some(b) = lower.strip_prefix(c).or_else(|| lower.strip_suffix(c)) {
            rest = Some(b.trim().to_string());
        }
    }
    if let Some(body) = rest {
        let v = plain(&body).or_else(|| separators(&body).map(|s| s.0))?;
        return Some(Misread {
            problem: format!(
                "`{t}` has a currency; money is a bare number in the scenario's `currency:`"
            ),
            suggestion: Some(show(v)),
        });
    }
    // A unit after the number: 1 kW, 3 years, 550W.
    let split = t
        .char_indices()
        .find(|(_, c)| c.is_alphabetic() || *c == '/')
        .map(|(i, _)| i);
    if let Some(i) = split.filter(|i| *i > 0) {
        let (num, unit) = (t[..i].trim(), t[i..].trim().to_lowercase());
        if UNITS.contains(&unit.as_str()) {
            let v = plain(num).or_else(|| separators(num).map(|s| s.0))?;
            return Some(match unit_conversion(&unit, what) {
                Some((factor, to)) => Misread {
                    problem: format!("`{t}` has a unit; write the number alone, in {to}"),
                    suggestion: Some(show((v * factor).normalize())),
                },
                None => Misread {
                    problem: format!(
                        "`{t}` has a unit; write the number alone, in the field's unit"
                    ),
                    suggestion: Some(show(v)),
                },
            });
        }
    }
    let (v, what_sep, alt) = separators(t)?;
    let mut problem = format!("`{t}` uses {what_sep}; write digits with a decimal point only");
    if let Some(a) = alt {
        problem.push_str(&format!(" (if the comma is a decimal comma, write {a})"));
    }
    Some(Misread {
        problem,
        suggestion: Some(show(v)),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn sugg(t: &str, what: &str) -> String {
        misread(t, what)
            .unwrap_or_else(|| panic!("{t}: not recognised"))
            .suggestion
            .unwrap()
    }

    #[test]
    fn each_form_is_recognised_with_what_it_meant() {
        assert_eq!(sugg("0,30", "a price per kWh"), "0.30");
        assert_eq!(sugg("75%", "a share"), "0.75");
        assert_eq!(sugg("75 %", "a share"), "0.75");
        assert_eq!(sugg("$0.368", "a price"), "0.368");
        assert_eq!(sugg("0,30 €", "a price"), "0.30");
        assert_eq!(sugg("EUR 3200", "a price"), "3200");
        assert_eq!(sugg("1 kW", "power draw under load, W"), "1000");
        assert_eq!(sugg("550W", "power draw under load, W"), "550");
        assert_eq!(sugg("3 years", "whole months from 1 to 600"), "36");
        assert_eq!(sugg("1,000", "a price"), "1000");
        assert_eq!(sugg("1.000,50", "a price"), "1000.50");
        assert_eq!(sugg("1,000.50", "a price"), "1000.50");
        assert_eq!(sugg("1 000", "a price"), "1000");
        assert_eq!(sugg("1.000.000", "a price"), "1000000");
        let m = misread("3,220", "a price").unwrap();
        assert_eq!(m.suggestion.as_deref(), Some("3220"));
        assert!(m.problem.contains("write 3.220"), "{}", m.problem);
    }

    #[test]
    fn words_and_plain_numbers_are_not_misreads() {
        for t in ["abc", "", "1.5", "12", "kW", "1 banana", "1,2,3"] {
            assert_eq!(misread(t, "a price"), None, "{t}");
        }
    }
}
