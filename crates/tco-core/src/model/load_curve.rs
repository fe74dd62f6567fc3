//! A node's measured load curve and the capacity a latency target allows.
//!
//! A [`LoadCurve`] is what a server sustains at each load level (total
//! tokens per second, latency percentiles). Its sources — levels written in
//! the scenario, a server probe's calibration file, or (later) an estimate
//! from hardware specs — all produce the same type; [`LoadCurve::capacity`]
//! picks the highest total tokens/s that meets every target of an [`Slo`],
//! interpolating linearly between the last level that meets and the first
//! that misses, never beyond the levels measured.

use rust_decimal::Decimal;
use serde::Serialize;

/// A latency metric a target can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Time to first token.
    Ttft,
    /// Time per output token after the first.
    Tpot,
    /// Inter-token latency (gaps between streamed chunks).
    Itl,
    /// End-to-end request latency.
    E2e,
}

impl Metric {
    pub const ALL: [Metric; 4] = [Metric::Ttft, Metric::Tpot, Metric::Itl, Metric::E2e];

    pub fn key(self) -> &'static str {
        match self {
            Metric::Ttft => "ttft",
            Metric::Tpot => "tpot",
            Metric::Itl => "itl",
            Metric::E2e => "e2e",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Metric::Ttft => "TTFT",
            Metric::Tpot => "TPOT",
            Metric::Itl => "ITL",
            Metric::E2e => "E2E",
        }
    }
}

/// The percentiles a target can name.
pub const PERCENTILES: [u8; 4] = [50, 90, 95, 99];

/// One latency statistic: a metric at a percentile, e.g. p95 TTFT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Stat {
    pub metric: Metric,
    pub percentile: u8,
}

impl Stat {
    /// The scenario key, `ttft_p95_ms`.
    pub fn key(self) -> String {
        format!("{}_p{}_ms", self.metric.key(), self.percentile)
    }

    /// Reads `ttft_p95_ms` and the like.
    pub fn parse(key: &str) -> Option<Stat> {
        let rest = key.strip_suffix("_ms")?;
        let (m, p) = rest.rsplit_once("_p")?;
        let metric = Metric::ALL.into_iter().find(|x| x.key() == m)?;
        let percentile: u8 = p.parse().ok()?;
        PERCENTILES
            .contains(&percentile)
            .then_some(Stat { metric, percentile })
    }

    /// Every key a scenario may use.
    pub fn all_keys() -> Vec<String> {
        Metric::ALL
            .iter()
            .flat_map(|m| {
                PERCENTILES.iter().map(move |p| {
                    Stat {
                        metric: *m,
                        percentile: *p,
                    }
                    .key()
                })
            })
            .collect()
    }
}

/// One measured load level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadLevel {
    /// Requests kept in flight.
    pub concurrency: u32,
    /// Prompt + output tokens per second, all streams together.
    pub total_tokens_per_second: Decimal,
    pub output_tokens_per_second: Option<Decimal>,
    /// Latency statistics in milliseconds.
    pub latency_ms: Vec<(Stat, Decimal)>,
    pub prompt_tokens_per_request: Option<Decimal>,
    pub output_tokens_per_request: Option<Decimal>,
}

impl LoadLevel {
    pub fn latency(&self, s: Stat) -> Option<Decimal> {
        self.latency_ms
            .iter()
            .find(|(k, _)| *k == s)
            .map(|(_, v)| *v)
    }
}

/// A node's load levels, lowest concurrency first, and where they came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadCurve {
    pub levels: Vec<LoadLevel>,
    /// "measured on llama-server", "declared in the scenario", …
    pub source: String,
}

/// Latency targets: every one must hold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Slo {
    pub targets: Vec<(Stat, Decimal)>,
}

/// The capacity an SLO allows and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SloCapacity {
    pub total_tokens_per_second: Decimal,
    /// The last level that meets every target.
    pub concurrency: u32,
    /// Set when the figure lies between that level and the next, which
    /// misses: (the next level's concurrency, the binding statistic).
    pub interpolated_to: Option<(u32, Stat)>,
    /// Each target's statistic at the chosen point, and the target.
    pub figures: Vec<(Stat, Decimal, Decimal)>,
    /// One line for reports.
    pub description: String,
}

/// How an [`SloError::NoLevelMeets`] message (and the infeasibility note a
/// report carries for it) begins, for readers that tell a missed target from
/// other reasons (`tco machines`' `slo missed`).
pub const NO_LEVEL_MEETS: &str = "no load level meets the latency targets";

/// Why no capacity: no level meets (with the lowest level's figures), or
/// the curve lacks a statistic a target names.
#[derive(Debug, Clone, PartialEq)]
pub enum SloError {
    NoLevelMeets(String),
    Missing(String),
    Empty,
}

impl std::fmt::Display for SloError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SloError::NoLevelMeets(m) | SloError::Missing(m) => f.write_str(m),
            SloError::Empty => f.write_str("the load curve has no levels"),
        }
    }
}

fn ms(v: Decimal) -> String {
    if v >= Decimal::from(1000) {
        format!("{} s", (v / Decimal::from(1000)).round_dp(2).normalize())
    } else {
        format!("{} ms", v.round_dp(1).normalize())
    }
}

impl LoadCurve {
    /// The level at the lowest concurrency (the one whose rate an option
    /// keeps, for the record, when no level meets its targets).
    pub fn lowest(&self) -> Option<&LoadLevel> {
        self.levels.iter().min_by_key(|l| l.concurrency)
    }

    /// The highest total tokens/s meeting every target (see the module).
    pub fn capacity(&self, slo: &Slo) -> Result<SloCapacity, SloError> {
        let mut levels: Vec<&LoadLevel> = self.levels.iter().collect();
        levels.sort_by_key(|l| l.concurrency);
        let first = levels.first().ok_or(SloError::Empty)?;
        for (s, _) in &slo.targets {
            if let Some(l) = levels.iter().find(|l| l.latency(*s).is_none()) {
                return Err(SloError::Missing(format!(
                    "the level at concurrency {} has no {} p{} figure, which the target `{}` needs",
                    l.concurrency,
                    s.metric.label(),
                    s.percentile,
                    s.key()
                )));
            }
        }
        let meets = |l: &LoadLevel| {
            slo.targets
                .iter()
                .all(|(s, t)| l.latency(*s).is_some_and(|v| v <= *t))
        };
        let value = |l: &LoadLevel, s: Stat| l.latency(s).unwrap_or_default();
        // (tokens/s, index of the meeting level, interpolation)
        type Interpolation = Option<(usize, Stat, Decimal)>;
        let mut best: Option<(Decimal, usize, Interpolation)> = None;
        for (i, l) in levels.iter().enumerate() {
            if !meets(l) {
                continue;
            }
            let mut cand = (l.total_tokens_per_second, i, None);
            if let Some(next) = levels.get(i + 1).filter(|n| !meets(n)) {
                // The share of the way to `next` at which the first missed
                // target is reached.
                let mut t = Decimal::ONE;
                let mut binding = None;
                for (s, target) in &slo.targets {
                    let (a, b) = (value(l, *s), value(next, *s));
                    if b > *target && b > a {
                        let ti = (*target - a) / (b - a);
                        if ti < t || binding.is_none() {
                            t = ti.min(t);
                            binding = Some(*s);
                        }
                    }
                }
                if let Some(s) = binding {
                    let tps = l.total_tokens_per_second
                        + t * (next.total_tokens_per_second - l.total_tokens_per_second);
                    if tps > cand.0 {
                        cand = (tps, i, Some((i + 1, s, t)));
                    }
                }
            }
            if best.as_ref().is_none_or(|b| cand.0 > b.0) {
                best = Some(cand);
            }
        }
        let Some((tps, i, interp)) = best else {
            let figs: Vec<String> = slo
                .targets
                .iter()
                .map(|(s, t)| {
                    format!(
                        "p{} {} {} (target {})",
                        s.percentile,
                        s.metric.label(),
                        ms(value(first, *s)),
                        ms(*t)
                    )
                })
                .collect();
            return Err(SloError::NoLevelMeets(format!(
                "{NO_LEVEL_MEETS}; the lowest, concurrency {}, measured {}",
                first.concurrency,
                figs.join(", ")
            )));
        };
        let l = levels[i];
        let figures: Vec<(Stat, Decimal, Decimal)> = slo
            .targets
            .iter()
            .map(|(s, t)| {
                let v = match interp {
                    Some((j, _, frac)) => {
                        let (a, b) = (value(l, *s), value(levels[j], *s));
                        a + frac * (b - a)
                    }
                    None => value(l, *s),
                };
                (*s, v, *t)
            })
            .collect();
        let within: Vec<String> = figures
            .iter()
            .map(|(s, v, t)| {
                format!(
                    "p{} {} {} ≤ {}",
                    s.percentile,
                    s.metric.label(),
                    ms(*v),
                    ms(*t)
                )
            })
            .collect();
        let at = match interp {
            Some((j, s, _)) => format!(
                "between concurrency {} and {} (where p{} {} reaches its target)",
                l.concurrency,
                levels[j].concurrency,
                s.percentile,
                s.metric.label()
            ),
            None => format!("at concurrency ≤ {}", l.concurrency),
        };
        let tps = tps.round_dp(4).normalize();
        // No targets, nothing to list: no empty parentheses.
        let within = if within.is_empty() {
            String::new()
        } else {
            format!(" ({})", within.join(", "))
        };
        Ok(SloCapacity {
            total_tokens_per_second: tps,
            concurrency: l.concurrency,
            interpolated_to: interp.map(|(j, s, _)| (levels[j].concurrency, s)),
            description: format!(
                "{} {at}{within}: {} tokens/s",
                self.source,
                crate::model::format::decimal_grouped(tps)
            ),
            figures,
        })
    }

    /// The measured request shape: prompt tokens over all tokens per request,
    /// from the lowest level that records both.
    pub fn input_share(&self) -> Option<Decimal> {
        self.levels.iter().find_map(|l| {
            let (p, o) = (l.prompt_tokens_per_request?, l.output_tokens_per_request?);
            let all = p + o;
            (!all.is_zero()).then(|| p / all)
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn stat(k: &str) -> Stat {
        Stat::parse(k).unwrap()
    }

    fn level(c: u32, tps: Decimal, ttft: Decimal, tpot: Decimal) -> LoadLevel {
        LoadLevel {
            concurrency: c,
            total_tokens_per_second: tps,
            output_tokens_per_second: None,
            latency_ms: vec![(stat("ttft_p95_ms"), ttft), (stat("tpot_p95_ms"), tpot)],
            prompt_tokens_per_request: Some(dec!(200)),
            output_tokens_per_request: Some(dec!(50)),
        }
    }

    fn curve() -> LoadCurve {
        LoadCurve {
            levels: vec![
                level(1, dec!(300), dec!(150), dec!(20)),
                level(4, dec!(1000), dec!(400), dec!(40)),
                level(8, dec!(1400), dec!(1200), dec!(80)),
                level(16, dec!(1800), dec!(2800), dec!(120)),
            ],
            source: "measured on llama-server".into(),
        }
    }

    fn slo(ttft: Decimal, tpot: Decimal) -> Slo {
        Slo {
            targets: vec![(stat("ttft_p95_ms"), ttft), (stat("tpot_p95_ms"), tpot)],
        }
    }

    #[test]
    fn keys() {
        assert_eq!(Stat::parse("e2e_p99_ms").unwrap().key(), "e2e_p99_ms");
        assert!(Stat::parse("ttft_p97_ms").is_none());
        assert!(Stat::parse("foo_p95_ms").is_none());
        assert_eq!(Stat::all_keys().len(), 16);
    }

    #[test]
    fn interpolates_to_the_binding_target() {
        // Between c=8 and c=16: TTFT reaches 2000 at (2000−1200)/(2800−1200) = 0.5,
        // TPOT reaches 100 at (100−80)/(120−80) = 0.5 as well; pick 0.5:
        // 1400 + 0.5·400 = 1600.
        let c = curve().capacity(&slo(dec!(2000), dec!(100))).unwrap();
        assert_eq!(c.total_tokens_per_second, dec!(1600));
        assert_eq!(c.concurrency, 8);
        // TPOT binds first at 90 ms: (90−80)/40 = 0.25 → 1400 + 100 = 1500.
        let c = curve().capacity(&slo(dec!(2000), dec!(90))).unwrap();
        assert_eq!(c.total_tokens_per_second, dec!(1500));
        assert_eq!(c.interpolated_to, Some((16, stat("tpot_p95_ms"))));
        assert_eq!(c.figures[0].1, dec!(1600)); // TTFT at that point: 1200 + 0.25·1600
        assert!(
            c.description.starts_with("measured on llama-server between concurrency 8 and 16 (where p95 TPOT reaches its target) (p95 TTFT 1.6 s ≤ 2 s, p95 TPOT 90 ms ≤ 90 ms): 1,500 tokens/s"),
            "{}",
            c.description
        );
    }

    #[test]
    fn never_extrapolates() {
        // Every level meets: the top level, not beyond.
        let c = curve().capacity(&slo(dec!(5000), dec!(500))).unwrap();
        assert_eq!(c.total_tokens_per_second, dec!(1800));
        assert_eq!(c.interpolated_to, None);
        assert!(c.description.contains("at concurrency ≤ 16"));
    }

    #[test]
    fn without_targets_the_description_lists_no_figures() {
        let c = curve()
            .capacity(&Slo {
                targets: Vec::new(),
            })
            .unwrap();
        assert_eq!(c.total_tokens_per_second, dec!(1800));
        assert!(
            c.description
                .ends_with("at concurrency ≤ 16: 1,800 tokens/s"),
            "{}",
            c.description
        );
    }

    #[test]
    fn no_level_meets() {
        let e = curve().capacity(&slo(dec!(100), dec!(100))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "no load level meets the latency targets; the lowest, concurrency 1, measured p95 TTFT 150 ms (target 100 ms), p95 TPOT 20 ms (target 100 ms)"
        );
        let s = Slo {
            targets: vec![(stat("e2e_p95_ms"), dec!(100))],
        };
        assert!(matches!(curve().capacity(&s), Err(SloError::Missing(_))));
    }

    #[test]
    fn shape() {
        assert_eq!(curve().input_share(), Some(dec!(0.8)));
    }
}
