//! Charts built straight from tco-core's results, so the command line and
//! the page label and scale them alike.

use crate::{Bar, Bin, CashChart, CashSeries, Histogram, Marker, SharesChart, SharesSeries};
use crate::{Tornado, Unit, VMarker};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use tco_core::analysis::finance::FinanceResult;
use tco_core::analysis::hybrid::HybridResult;
use tco_core::analysis::sensitivity::{PairTornado, Sensitivity};
use tco_core::analysis::sim::{SimPair, Simulation};
use tco_core::model::format::{percent, tokens_short};
use tco_core::model::units::Tokens;

/// An input value as written: `0.08`, `80,000`, `1,200.5`.
fn decimal_label(d: Decimal) -> String {
    let s = d.normalize().to_string();
    let (sign, s) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
    let (int, frac) = s.split_once('.').map_or((s, None), |(i, f)| (i, Some(f)));
    let mut out = String::from(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 && int.len() > 4 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

impl Histogram {
    /// The break-even histogram of one simulated pair: log-spaced bins,
    /// P10/P50/P90 lines, the workload volume, the share that never breaks even.
    pub fn from_simulation(sim: &Simulation, pair: &SimPair) -> Histogram {
        let bins = pair
            .histogram
            .iter()
            .map(|b| {
                let (lo, hi) = (b.from as f64, b.to as f64);
                // All samples equal: one bin; give it a visible width.
                let (lo, hi) = if hi > lo {
                    (lo, hi)
                } else {
                    (lo / 1.05, hi * 1.05)
                };
                Bin {
                    lo,
                    hi,
                    count: b.count as u64,
                }
            })
            .collect();
        let p = &pair.break_even_percentiles;
        let markers = [("p10", p.p10), ("p50", p.p50), ("p90", p.p90)]
            .into_iter()
            .filter_map(|(name, v)| {
                v.map(|v| VMarker {
                    label: format!("{name} {}", tokens_short(Tokens(v))),
                    x: v as f64,
                })
            })
            .collect();
        Histogram {
            title: format!(
                "Break-even volume: {} vs {} ({} samples)",
                pair.local,
                pair.api,
                group(sim.samples as u64)
            ),
            x_label: "break-even volume, tokens / month".into(),
            x_unit: Unit::Tokens,
            x_log: true,
            bins,
            markers,
            workload: Some(sim.tokens_per_month as f64),
            never_share: pair.never_share,
        }
    }
}

fn group(n: u64) -> String {
    tco_core::model::format::tokens(Tokens(n))
}

impl Tornado {
    /// The break-even tornado of one pair, at most `top` bars; None when the
    /// base never breaks even. Inputs that do not move it, and those whose low
    /// or high end never breaks even, are left out and counted in the note.
    pub fn break_even(pair: &PairTornado, top: usize) -> Option<Tornado> {
        let base = pair.base_break_even? as f64;
        let mut never = 0;
        let mut bars = Vec::new();
        for b in &pair.break_even {
            match (b.at_low, b.at_high) {
                (Some(lo), Some(hi)) => bars.push(Bar {
                    label: b.label.clone(),
                    low_value: lo as f64,
                    high_value: hi as f64,
                    low_input_label: decimal_label(b.low),
                    high_input_label: decimal_label(b.high),
                }),
                _ => never += 1,
            }
        }
        let (lo, hi) = bars
            .iter()
            .flat_map(|b| [b.low_value, b.high_value])
            .fold((base, base), |(a, z), v| (a.min(v), z.max(v)));
        let t = Tornado {
            title: format!("What moves the break-even: {} vs {}", pair.local, pair.api),
            note: String::new(),
            unit_label: "break-even volume, tokens / month".into(),
            unit: Unit::Tokens,
            // Swings over more than a factor of 20 read better in decades.
            x_log: lo > 0.0 && hi / lo > 20.0,
            base,
            bars,
        };
        Some(t.trimmed(top, never, "never breaks even"))
    }

    /// The monthly-saving tornado of one pair (API minus local at the
    /// workload volume), at most `top` bars; None when the local option cannot serve it.
    pub fn saving(sens: &Sensitivity, pair: &PairTornado, top: usize) -> Option<Tornado> {
        let base = pair.base_saving?.to_f64_lossy();
        let mut unservable = 0;
        let mut bars = Vec::new();
        for b in &pair.saving {
            match (b.at_low, b.at_high) {
                (Some(lo), Some(hi)) => bars.push(Bar {
                    label: b.label.clone(),
                    low_value: lo.to_f64_lossy(),
                    high_value: hi.to_f64_lossy(),
                    low_input_label: decimal_label(b.low),
                    high_input_label: decimal_label(b.high),
                }),
                _ => unservable += 1,
            }
        }
        let t = Tornado {
            title: format!(
                "What moves the monthly saving: {} vs {}",
                pair.local, pair.api
            ),
            note: String::new(),
            unit_label: format!("saving of going local, {} / month", sens.currency),
            unit: Unit::Money {
                currency: sens.currency.clone(),
            },
            x_log: false,
            base,
            bars,
        };
        Some(t.trimmed(top, unservable, "cannot serve the volume"))
    }

    /// Drops bars that do not move the result and keeps the `top` widest;
    /// the note counts what is not shown.
    fn trimmed(mut self, top: usize, unusable: usize, why: &str) -> Tornado {
        let base = self.base;
        let total = self.bars.len();
        self.bars
            .retain(|b| !(b.low_value == base && b.high_value == base));
        let still = total - self.bars.len();
        let kept: Vec<Bar> = self.sorted_bars().into_iter().take(top).cloned().collect();
        let smaller = self.bars.len() - kept.len();
        self.bars = kept;
        let mut parts = Vec::new();
        if smaller > 0 {
            parts.push(format!("{smaller} smaller not shown"));
        }
        if still > 0 {
            parts.push(format!("{still} that do not move it left out"));
        }
        if unusable > 0 {
            parts.push(format!(
                "{unusable} left out where at one end the local option {why}"
            ));
        }
        self.note = if parts.is_empty() {
            String::new()
        } else {
            format!("Inputs: {}.", parts.join("; "))
        };
        self
    }
}

fn payback_label(months: u32) -> String {
    if months == 1 {
        "payback 1 month".into()
    } else {
        format!("payback {months} months")
    }
}

impl CashChart {
    /// Cumulative discounted saving of going local, one line per (local, API)
    /// pair that can be computed, each with its discounted payback month.
    pub fn from_finance(fin: &FinanceResult) -> CashChart {
        let series = fin
            .pairs
            .iter()
            .filter(|p| !p.monthly.is_empty())
            .map(|p| CashSeries {
                name: format!("{} vs {}", p.local, p.api),
                points: p
                    .monthly
                    .iter()
                    .map(|m| (f64::from(m.month), m.cumulative_discounted.to_f64_lossy()))
                    .collect(),
                payback: p.discounted_payback_months.map(|m| Marker {
                    label: payback_label(m),
                    x: f64::from(m),
                    y: p.monthly
                        .iter()
                        .find(|f| f.month == m)
                        .map_or(0.0, |f| f.cumulative_discounted.to_f64_lossy()),
                }),
            })
            .collect();
        CashChart {
            title: format!(
                "Going local: {} months at {} a year ({})",
                fin.horizon_months,
                percent(fin.discount_rate),
                fin.scenario
            ),
            currency: fin.currency.clone(),
            y_label: format!("cumulative discounted saving, {}", fin.currency),
            series,
        }
    }
}

impl SharesChart {
    /// Monthly cost against the local share for each (local, API) pair, the
    /// servable shares only, with each pair's cheapest split marked.
    pub fn from_hybrid(h: &HybridResult) -> SharesChart {
        let money = Unit::Money {
            currency: h.currency.clone(),
        };
        let series = h
            .pairs
            .iter()
            .map(|p| SharesSeries {
                name: format!("{} + {}", p.local, p.api),
                points: p
                    .shares
                    .iter()
                    .filter(|s| s.can_serve)
                    .filter_map(|s| Some((s.local_share.to_f64()?, s.monthly_cost.to_f64_lossy())))
                    .collect(),
                best: p.best.local_share.to_f64().map(|x| {
                    let y = p.best.monthly_cost.to_f64_lossy();
                    Marker {
                        label: format!("{} local: {}", Unit::Share.value(x), money.value(y)),
                        x,
                        y,
                    }
                }),
            })
            .collect();
        SharesChart {
            title: format!(
                "Hybrid split of {} tokens/month ({})",
                tokens_short(Tokens(h.tokens_per_month)),
                h.scenario
            ),
            currency: h.currency.clone(),
            series,
        }
    }
}

impl crate::CurveChart {
    /// The modelled curve of a local option whose throughput is estimated
    /// from specs: per-stream, aggregate and total tokens/s at each batch
    /// size the estimate models, the total at the ends of the efficiency
    /// range dashed, and the capacity the report uses marked. `option` names
    /// the option in the title.
    pub fn from_estimate(
        option: &str,
        curves: &tco_core::model::estimate::EstimateCurves,
    ) -> crate::CurveChart {
        use tco_core::model::estimate::Estimate;
        let f = |d: Decimal| d.to_f64().unwrap_or(0.0);
        let pts = |e: &Estimate, y: fn(&tco_core::model::estimate::EstimatedLevel) -> Decimal| {
            e.levels
                .iter()
                .map(|l| (l.batch as f64, f(y(l))))
                .collect::<Vec<_>>()
        };
        let p = &curves.point;
        let selected = curves.capacity.as_ref().map(|c| {
            let tps = c.total_tokens_per_second;
            let at = |batch: u32| {
                p.levels
                    .iter()
                    .find(|l| l.batch == u64::from(batch))
                    .map(|l| l.total_tps)
            };
            // Between two batch sizes when a latency target binds there: as
            // far along as the core interpolated the total.
            let (x, batches) = match c.interpolated_to {
                Some((next, _)) => {
                    let (a, b) = (at(c.concurrency), at(next));
                    let frac = match (a, b) {
                        (Some(a), Some(b)) if b != a => f((tps - a) / (b - a)).clamp(0.0, 1.0),
                        _ => 0.0,
                    };
                    let (c0, c1) = (f64::from(c.concurrency), f64::from(next));
                    (
                        c0 + frac * (c1 - c0),
                        format!("batch {}–{next}", c.concurrency),
                    )
                }
                None => (f64::from(c.concurrency), format!("batch {}", c.concurrency)),
            };
            Marker {
                label: format!(
                    "{} tokens/s ({batches})",
                    tco_core::model::format::decimal_grouped(tps.round_dp(0))
                ),
                x,
                y: f(tps),
            }
        });
        let e = p.efficiency;
        let note = format!(
            "Roofline estimate at η memory {}, compute {}; dashed: the total at η {}/{} and {}/{} (memory/compute){}",
            e.memory.normalize(),
            e.compute.normalize(),
            curves.low.efficiency.memory.normalize(),
            curves.low.efficiency.compute.normalize(),
            curves.high.efficiency.memory.normalize(),
            curves.high.efficiency.compute.normalize(),
            if curves.capacity.is_none() {
                "; no batch size meets the latency targets"
            } else {
                ""
            }
        );
        crate::CurveChart {
            title: format!("{option}: modelled throughput by batch size"),
            note: Some(note),
            per_stream: pts(p, |l| l.per_stream_decode_tps),
            aggregate: pts(p, |l| l.aggregate_decode_tps),
            total: pts(p, |l| l.total_tps),
            total_low: pts(&curves.low, |l| l.total_tps),
            total_high: pts(&curves.high, |l| l.total_tps),
            selected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn input_values_read_as_written() {
        assert_eq!(decimal_label(dec!(0.080)), "0.08");
        assert_eq!(decimal_label(dec!(80000)), "80,000");
        assert_eq!(decimal_label(dec!(1200.5)), "1200.5");
        assert_eq!(decimal_label(dec!(-12345.25)), "-12,345.25");
    }
}
