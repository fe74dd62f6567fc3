//! Axis scales, tick positions and tick labels (`1M`, `$10k`, `25%`).

use crate::canvas::text_width;
use tco_core::model::format::currency_prefix;

/// What an axis measures; decides how its ticks and value labels are written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unit {
    /// Token volumes: `250k`, `100M`, `1.5B`.
    Tokens,
    /// Money in a currency (ISO code): `$10k`, `€2.5M`, `CHF 500`.
    Money { currency: String },
    /// Months: `0`, `12`, `24`.
    Months,
    /// A share in [0, 1] shown as a percentage: `25%`.
    Share,
    /// A plain number: `0.5`, `12`, `3.5k`.
    Plain,
    /// A whole count such as a batch size: on a log axis ticked at powers
    /// of two (`1`, `2`, `4`, … `1,024`).
    Count,
}

/// Transformed coordinate: log10 on a log axis, the value itself otherwise.
pub(crate) fn t(log: bool, v: f64) -> f64 {
    if log {
        libm::log10(v)
    } else {
        v
    }
}

/// `v` with as few decimals (up to `max_dp`) as still state it exactly.
fn min_decimals(v: f64, max_dp: usize) -> String {
    for dp in 0..=max_dp {
        let s = format!("{v:.dp$}");
        if let Ok(back) = s.parse::<f64>() {
            if (back - v).abs() <= 1e-9 * v.abs().max(1e-12) {
                return tidy_zero(s);
            }
        }
    }
    tidy_zero(format!("{v:.max_dp$}"))
}

fn tidy_zero(s: String) -> String {
    if s.strip_prefix('-')
        .is_some_and(|r| r.chars().all(|c| c == '0' || c == '.'))
    {
        s[1..].to_string()
    } else {
        s
    }
}

/// `2500` → `2.5k`, `1e9` → `1B`, `0.25` → `0.25`.
fn compact(v: f64) -> String {
    let a = v.abs();
    let sign = if v < 0.0 { "-" } else { "" };
    let (div, suffix) = if a >= 1e12 {
        (1e12, "T")
    } else if a >= 1e9 {
        (1e9, "B")
    } else if a >= 1e6 {
        (1e6, "M")
    } else if a >= 1e3 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    // Ticks are round values, so the fewest decimals that state one exactly
    // are few; up to four keep neighbours on a narrow axis apart (1.815B, 1.82B).
    let body = min_decimals(a / div, if div > 1.0 { 4 } else { 3 });
    if body == "0" {
        return "0".into();
    }
    format!("{sign}{body}{suffix}")
}

impl Unit {
    /// A short label for a tick at `v`.
    pub(crate) fn tick(&self, v: f64) -> String {
        match self {
            Unit::Count => group(&min_decimals(v.round(), 0)),
            Unit::Plain | Unit::Months if v.abs() < 10_000.0 => group(&min_decimals(v, 3)),
            Unit::Tokens | Unit::Plain | Unit::Months => compact(v),
            Unit::Money { currency } => {
                let c = compact(v);
                match c.strip_prefix('-') {
                    Some(rest) => format!("-{}{rest}", currency_prefix(currency)),
                    None => format!("{}{c}", currency_prefix(currency)),
                }
            }
            Unit::Share => format!("{}%", min_decimals(v * 100.0, 1)),
        }
    }

    /// A value written out for a marker label: `988M`, `$5,337`, `14.2`.
    pub fn value(&self, v: f64) -> String {
        match self {
            Unit::Tokens => {
                if (0.0..1.8e19).contains(&v) {
                    tco_core::model::format::tokens_short(tco_core::model::units::Tokens(
                        v.round() as u64
                    ))
                } else {
                    compact(v)
                }
            }
            Unit::Money { currency } => {
                let dp = if v.abs() >= 100.0 { 0 } else { 2 };
                let s = tidy_zero(format!("{:.dp$}", v.abs()));
                let sign = if v < 0.0 && s.chars().any(|c| ('1'..='9').contains(&c)) {
                    "-"
                } else {
                    ""
                };
                format!("{sign}{}{}", currency_prefix(currency), group(&s))
            }
            Unit::Share => format!("{}%", min_decimals((v * 1000.0).round() / 10.0, 1)),
            Unit::Months | Unit::Plain | Unit::Count => min_decimals((v * 10.0).round() / 10.0, 1),
        }
    }
}

/// Thousands separators on the integer part of a plain number string.
fn group(s: &str) -> String {
    let (sign, s) = s.strip_prefix('-').map_or(("", s), |r| ("-", r));
    let (int, frac) = s.split_once('.').map_or((s, None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
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

/// A tick: its value, its position on the transformed axis, its label.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tick {
    pub value: f64,
    pub pos: f64,
    pub label: String,
}

/// Room a tick label needs along the axis, in pixels.
fn room(labels: &[String], horizontal: bool, font: f64) -> f64 {
    if horizontal {
        labels
            .iter()
            .map(|l| text_width(l, font))
            .fold(0.0, f64::max)
            + 16.0
    } else {
        font * 3.4
    }
}

fn fits(ticks: &[Tick], pixels: f64, span: f64, horizontal: bool, font: f64) -> bool {
    if ticks.len() < 2 {
        return true;
    }
    let labels: Vec<String> = ticks.iter().map(|t| t.label.clone()).collect();
    let need = room(&labels, horizontal, font);
    ticks
        .windows(2)
        .all(|w| (w[1].pos - w[0].pos).abs() / span * pixels >= need)
}

/// Ticks for a log axis over `[lo, hi]` (both positive): powers of ten, thinned
/// to every 2nd, 3rd… decade when they would crowd; 1-2-5 steps within a decade.
pub(crate) fn log_ticks(unit: &Unit, lo: f64, hi: f64, pixels: f64, horizontal: bool) -> Vec<Tick> {
    let span = libm::log10(hi) - libm::log10(lo);
    if *unit == Unit::Count {
        // Powers of two, every 2nd, 4th… when they crowd.
        let powers: Vec<(u32, f64)> = (0..63u32)
            .map(|e| (e, (1u64 << e) as f64))
            .filter(|(_, v)| *v >= lo * (1.0 - 1e-9) && *v <= hi * (1.0 + 1e-9))
            .collect();
        for step in [1, 2, 4, 8] {
            let ticks: Vec<Tick> = powers
                .iter()
                .filter(|(e, _)| e % step == 0)
                .map(|&(_, value)| Tick {
                    value,
                    pos: libm::log10(value),
                    label: unit.tick(value),
                })
                .collect();
            if fits(&ticks, pixels, span, horizontal, 13.0) {
                return ticks;
            }
        }
    }
    let first = libm::ceil(libm::log10(lo) - 1e-9) as i32;
    let last = libm::floor(libm::log10(hi) + 1e-9) as i32;
    let decade = |e: i32| -> Tick {
        let value = pow10(e);
        Tick {
            value,
            pos: f64::from(e),
            label: unit.tick(value),
        }
    };
    // Three powers of ten or more: decades, thinned to every 2nd, 3rd… when they crowd.
    if last - first >= 2 {
        for step in [1, 2, 3, 5, 10, 20, 50] {
            // Thinned decades stay on multiples of the step (1M, 1B, 1T).
            let ticks: Vec<Tick> = (first..=last)
                .filter(|e| e.rem_euclid(step) == 0)
                .map(decade)
                .collect();
            if ticks.len() >= 2 && fits(&ticks, pixels, span, horizontal, 13.0) {
                return ticks;
            }
        }
        return vec![decade(first), decade(last)];
    }
    // Fewer: the densest of 1-1.5-2-3-5-7, 1-2-5, 1-3 and 1 steps per decade
    // that fits with three ticks or more.
    let sets: [&[f64]; 4] = [
        &[1.0, 1.5, 2.0, 3.0, 5.0, 7.0],
        &[1.0, 2.0, 5.0],
        &[1.0, 3.0],
        &[1.0],
    ];
    let candidates: Vec<Vec<Tick>> = sets
        .iter()
        .map(|mult| {
            let mut ticks = Vec::new();
            for e in (first - 1)..=(last + 1) {
                for m in mult.iter() {
                    // m·10^e as a product of exact values, so 1.5e7 is 15000000.
                    let value = if e >= 1 { m * pow10(e) } else { m / pow10(-e) };
                    if value >= lo * (1.0 - 1e-9) && value <= hi * (1.0 + 1e-9) {
                        ticks.push(Tick {
                            value,
                            pos: libm::log10(value),
                            label: unit.tick(value),
                        });
                    }
                }
            }
            ticks
        })
        .collect();
    let linear: Vec<Tick> = linear_ticks(unit, lo, hi, pixels, horizontal)
        .into_iter()
        .filter(|t| t.value > 0.0)
        .map(|t| Tick {
            pos: libm::log10(t.value),
            ..t
        })
        .collect();
    let fitting = |min: usize| {
        candidates
            .iter()
            .find(|t| t.len() >= min && fits(t, pixels, span, horizontal, 13.0))
            .cloned()
    };
    // Three round ticks, else three linear ones (on a log axis), else two round ones.
    fitting(3)
        .or_else(|| {
            (linear.len() >= 3 && fits(&linear, pixels, span, horizontal, 13.0))
                .then(|| linear.clone())
        })
        .or_else(|| fitting(2))
        .unwrap_or(linear)
}

/// 10^e, exact for the integer powers that f64 holds exactly.
pub(crate) fn pow10(e: i32) -> f64 {
    let mut v = 1.0;
    if e >= 0 {
        for _ in 0..e {
            v *= 10.0;
        }
    } else {
        for _ in 0..(-e) {
            v /= 10.0;
        }
    }
    v
}

/// A "nice" step (1, 2, 2.5 or 5 × 10^k) giving at most `n` intervals over `span`.
fn nice_step(span: f64, n: usize) -> f64 {
    let raw = span / n.max(1) as f64;
    let e = libm::floor(libm::log10(raw)) as i32;
    let base = pow10(e);
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * base >= raw * (1.0 - 1e-9) {
            return m * base;
        }
    }
    10.0 * base
}

/// Ticks on a linear axis over `[lo, hi]`: as many nice steps as the labels leave room for.
pub(crate) fn linear_ticks(
    unit: &Unit,
    lo: f64,
    hi: f64,
    pixels: f64,
    horizontal: bool,
) -> Vec<Tick> {
    let span = hi - lo;
    if span.is_nan() || span <= 0.0 || !span.is_finite() {
        return vec![Tick {
            value: lo,
            pos: lo,
            label: unit.tick(lo),
        }];
    }
    let mut best = Vec::new();
    for n in (2..=10).rev() {
        let step = match unit {
            // Months fall on quarters, half years and years.
            Unit::Months => [1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 60.0, 120.0, 240.0, 600.0]
                .into_iter()
                .find(|s| span / s <= n as f64)
                .unwrap_or_else(|| nice_step(span, n)),
            _ => nice_step(span, n),
        };
        let k0 = libm::ceil(lo / step - 1e-9) as i64;
        let k1 = libm::floor(hi / step + 1e-9) as i64;
        if k1 - k0 > 50 {
            continue;
        }
        let ticks: Vec<Tick> = (k0..=k1)
            .map(|k| {
                // Multiply an integer, so 0.1 + 0.2 drift never reaches a label.
                let value = k as f64 * step;
                let value = if value.abs() < step * 1e-9 {
                    0.0
                } else {
                    value
                };
                Tick {
                    value,
                    pos: value,
                    label: unit.tick(value),
                }
            })
            .collect();
        if fits(&ticks, pixels, span, horizontal, 13.0) {
            return ticks;
        }
        best = ticks;
    }
    best
}

/// `[lo, hi]` widened to whole ticks of a nice step for a linear axis.
pub(crate) fn nice_bounds(unit: &Unit, lo: f64, hi: f64) -> (f64, f64) {
    if hi.is_nan() || lo.is_nan() || hi <= lo {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        return (lo - pad, hi + pad);
    }
    let step = match unit {
        Unit::Months => return (lo, hi),
        _ => nice_step(hi - lo, 6),
    };
    (
        libm::floor(lo / step + 1e-9) * step,
        libm::ceil(hi / step - 1e-9) * step,
    )
}

/// `[lo, hi]` widened to whole powers of ten for a log axis.
pub(crate) fn decade_bounds(lo: f64, hi: f64) -> (f64, f64) {
    let a = libm::floor(libm::log10(lo) + 1e-9) as i32;
    let mut b = libm::ceil(libm::log10(hi) - 1e-9) as i32;
    if b <= a {
        b = a + 1;
    }
    (pow10(a), pow10(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(t: &[Tick]) -> Vec<&str> {
        t.iter().map(|t| t.label.as_str()).collect()
    }

    #[test]
    fn tick_labels() {
        let usd = Unit::Money {
            currency: "USD".into(),
        };
        assert_eq!(usd.tick(10_000.0), "$10k");
        assert_eq!(usd.tick(2_500.0), "$2.5k");
        assert_eq!(usd.tick(-50_000.0), "-$50k");
        assert_eq!(usd.tick(0.0), "$0");
        assert_eq!(usd.tick(0.01), "$0.01");
        assert_eq!(
            Unit::Money {
                currency: "CHF".into()
            }
            .tick(1e6),
            "CHF 1M"
        );
        assert_eq!(Unit::Tokens.tick(1e6), "1M");
        assert_eq!(Unit::Tokens.tick(1.5e9), "1.5B");
        // A narrow axis: neighbours must not print alike.
        assert_eq!(Unit::Tokens.tick(1.815e9), "1.815B");
        assert_eq!(Unit::Tokens.tick(1.8225e9), "1.8225B");
        assert_eq!(Unit::Tokens.tick(100.0), "100");
        assert_eq!(Unit::Share.tick(0.25), "25%");
        assert_eq!(usd.value(5337.42), "$5,337");
        assert_eq!(usd.value(-12.5), "-$12.50");
        assert_eq!(Unit::Tokens.value(988_395_183.0), "988M");
    }

    #[test]
    fn log_decades_thin_out_when_crowded() {
        let t = log_ticks(&Unit::Tokens, 1e6, 1e10, 700.0, true);
        assert_eq!(labels(&t), ["1M", "10M", "100M", "1B", "10B"]);
        let t = log_ticks(&Unit::Tokens, 1.0, 1e15, 300.0, true);
        assert!(t.len() < 16 && t.len() >= 2, "{t:?}");
        assert!(t.iter().all(|t| t.pos.rem_euclid(1.0) == 0.0));
        // Less than a decade: the densest steps that fit.
        let t = log_ticks(&Unit::Tokens, 1.5e6, 9e6, 700.0, true);
        assert_eq!(labels(&t), ["1.5M", "2M", "3M", "5M", "7M"]);
        let t = log_ticks(&Unit::Tokens, 37e6, 150e6, 700.0, true);
        assert_eq!(labels(&t), ["50M", "70M", "100M", "150M"]);
        let t = log_ticks(&Unit::Tokens, 1.5e6, 9e6, 90.0, true);
        assert_eq!(labels(&t), ["2M", "5M"]);
    }

    #[test]
    fn linear_steps_are_nice() {
        let usd = Unit::Money {
            currency: "USD".into(),
        };
        let t = linear_ticks(&usd, 0.0, 10_000.0, 400.0, false);
        assert_eq!(labels(&t), ["$0", "$2k", "$4k", "$6k", "$8k", "$10k"]);
        let t = linear_ticks(&Unit::Months, 0.0, 36.0, 700.0, true);
        assert_eq!(labels(&t), ["0", "6", "12", "18", "24", "30", "36"]);
        let t = linear_ticks(&Unit::Share, 0.0, 1.0, 700.0, true);
        assert_eq!(labels(&t)[..3], ["0%", "10%", "20%"]);
        assert_eq!(nice_bounds(&usd, 130.0, 9_400.0), (0.0, 10_000.0));
        assert_eq!(decade_bounds(5.4, 54_000.0), (1.0, 100_000.0));
    }
}
