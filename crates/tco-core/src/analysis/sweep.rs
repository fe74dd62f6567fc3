//! Costs over a range of volumes (`tco sweep`) and across a whole price
//! table at one volume (`tco compare`).

use crate::error::Error;
use crate::model::cost::LocalCost;
use crate::model::prices::PriceTable;
use crate::model::scenario::{ApiOption, Scenario};
use crate::model::units::{Money, PerMTok, Tokens, MAX_TOKENS};
use rust_decimal::Decimal;
use serde::Serialize;

/// Most points one sweep may ask for.
pub const MAX_POINTS: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Spacing {
    Linear,
    Log,
}

/// Volumes the cost chart samples on every face that draws it at full
/// resolution (`tco report --plot`, the page): enough that each node step shows.
pub const CHART_POINTS: usize = 241;

/// The cost chart's volume range, the one rule every face uses: from a
/// decade below the smallest to a decade above the largest of the workload
/// volume and the first break-even volumes (whole powers of ten), at least
/// two decades wide, within 1,000 to 10^15 tokens.
pub fn chart_range(report: &crate::Report) -> (Tokens, Tokens) {
    let firsts = report.break_even.iter().filter_map(|b| b.tokens_per_month);
    let lo = firsts
        .clone()
        .chain([report.tokens_per_month])
        .map(|v| v.max(1_000))
        .min()
        .unwrap_or(1_000);
    let hi = firsts
        .chain([report.tokens_per_month])
        .max()
        .unwrap_or(1_000);
    let mut floor = 1u64;
    while floor <= lo / 10 {
        floor *= 10;
    }
    let mut ceil = 1u64;
    while ceil < hi && ceil < MAX_TOKENS {
        ceil *= 10;
    }
    let lo = (floor / 10).max(1_000);
    let hi = ceil.saturating_mul(10).min(MAX_TOKENS);
    (Tokens(lo), Tokens(hi.max(lo * 100).min(MAX_TOKENS)))
}

/// `points` log-spaced volumes over [`chart_range`].
pub fn chart_volumes(report: &crate::Report, points: usize) -> Vec<Tokens> {
    let (lo, hi) = chart_range(report);
    // The range is valid by construction (1,000 ≤ lo < hi ≤ 10^15).
    volumes(lo, hi, points, Spacing::Log).unwrap_or_default()
}

/// `points` volumes from `from` to `to` inclusive, evenly or log-evenly spaced, whole tokens.
pub fn volumes(
    from: Tokens,
    to: Tokens,
    points: usize,
    spacing: Spacing,
) -> Result<Vec<Tokens>, Error> {
    if !(2..=MAX_POINTS).contains(&points) {
        return Err(Error::Invalid(format!(
            "--points {points}: allowed 2 to {MAX_POINTS}"
        )));
    }
    if from >= to || to.0 > MAX_TOKENS {
        return Err(Error::Invalid(format!(
            "volume range {}..{}: the start must be below the end, and the end at most 10^15",
            from.0, to.0
        )));
    }
    let mut out = Vec::with_capacity(points);
    match spacing {
        Spacing::Linear => {
            let step = (to.as_decimal() - from.as_decimal()) / Decimal::from(points as u64 - 1);
            for i in 0..points {
                let v = from.as_decimal() + step * Decimal::from(i as u64);
                out.push(Tokens(crate::model::cost::whole_tokens(v.round())));
            }
        }
        Spacing::Log => {
            if from.0 == 0 {
                return Err(Error::Invalid(
                    "--from 0 with --spacing log: a log scale cannot start at 0 tokens; start at 1 or more, or use --spacing linear".into(),
                ));
            }
            let (a, b) = ((from.0 as f64).ln(), (to.0 as f64).ln());
            for i in 0..points {
                let t = a + (b - a) * i as f64 / (points - 1) as f64;
                out.push(Tokens(t.exp().round() as u64));
            }
            // Ends exactly as asked, whatever the float rounding did.
            out[0] = from;
            out[points - 1] = to;
        }
    }
    out.dedup();
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepPoint {
    pub tokens_per_month: u64,
    /// Monthly cost per API option, in scenario order.
    pub api: Vec<Money>,
    /// Monthly cost per local option, in scenario order.
    pub local: Vec<LocalCost>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sweep {
    pub currency: String,
    pub api_names: Vec<String>,
    pub local_names: Vec<String>,
    pub points: Vec<SweepPoint>,
}

impl Scenario {
    pub fn sweep(&self, volumes: &[Tokens]) -> Sweep {
        Sweep {
            currency: self.currency.clone(),
            api_names: self.api.iter().map(|a| a.name.clone()).collect(),
            local_names: self.local.iter().map(|l| l.name.clone()).collect(),
            points: volumes
                .iter()
                .map(|&v| SweepPoint {
                    tokens_per_month: v.0,
                    api: self.api_costs(v),
                    local: self.local_costs(v),
                })
                .collect(),
        }
    }

    /// Every model of `table` and every local option at volume `v`, cheapest first.
    pub fn compare(&self, table: &PriceTable, v: Tokens) -> Vec<CompareRow> {
        let w = &self.workload;
        let mut rows: Vec<CompareRow> = table
            .models
            .iter()
            .filter_map(|m| {
                let ctx = crate::model::scenario::PriceContext {
                    date: self.date,
                    currency: &self.currency,
                    rates: self.exchange_rates.as_ref(),
                    prompt_tokens: w.prompt_tokens_per_request,
                };
                let factor = if self.currency == crate::model::scenario::TABLE_CURRENCY {
                    Some(Decimal::ONE)
                } else {
                    self.exchange_rates
                        .as_ref()
                        .and_then(|r| r.rate(crate::model::scenario::TABLE_CURRENCY))
                };
                // Without a rate the table cannot be priced in this currency.
                let opt = ApiOption::from_model(m, &ctx, factor?);
                Some(CompareRow {
                    name: m.name.clone(),
                    id: Some(m.id.clone()),
                    kind: "api",
                    monthly_cost: opt.monthly(w, v),
                    cost_per_mtok: Some(opt.blended(w)),
                    nodes: None,
                    can_serve: true,
                })
            })
            .collect();
        for l in &self.local {
            let c = l.cost_at(w, self.hours_per_month, v);
            rows.push(CompareRow {
                name: l.name.clone(),
                id: None,
                kind: "local",
                monthly_cost: c.monthly,
                cost_per_mtok: PerMTok::of(c.monthly, v),
                nodes: Some(c.nodes),
                can_serve: c.can_serve,
            });
        }
        rows.sort_by(|a, b| {
            b.can_serve
                .cmp(&a.can_serve)
                .then(a.monthly_cost.cmp(&b.monthly_cost))
                .then(a.name.cmp(&b.name))
        });
        rows
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareRow {
    pub name: String,
    pub id: Option<String>,
    pub kind: &'static str,
    pub monthly_cost: Money,
    pub cost_per_mtok: Option<PerMTok>,
    pub nodes: Option<u64>,
    pub can_serve: bool,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_range_is_whole_decades_around_workload_and_break_evens() {
        use crate::input::{bundled, scenario::NoFiles};
        let tables = bundled::tables().unwrap();
        let (origin, text) = bundled::find("scenarios/lit-4xa100-vs-sonnet.yaml").unwrap();
        // 100M workload, break-even 988,411,523: 10^7 to 10^10.
        let r = Scenario::parse(text, origin, tables.as_ref(), &NoFiles)
            .unwrap()
            .evaluate();
        assert_eq!(
            chart_range(&r),
            (Tokens(10_000_000), Tokens(10_000_000_000))
        );
        // 1M workload: 10^5 to 10^10.
        let t = text.replace("tokens_per_month: 100M", "tokens_per_month: 1M");
        let r = Scenario::parse(&t, origin, tables.as_ref(), &NoFiles)
            .unwrap()
            .evaluate();
        assert_eq!(chart_range(&r), (Tokens(100_000), Tokens(10_000_000_000)));
        let v = chart_volumes(&r, CHART_POINTS);
        assert_eq!(
            (v.len(), v[0], v[240]),
            (241, Tokens(100_000), Tokens(10_000_000_000))
        );
        // Tiny volumes stay at least two decades wide from 1,000.
        let t = text.replace("tokens_per_month: 100M", "tokens_per_month: 5");
        let r = Scenario::parse(&t, origin, tables.as_ref(), &NoFiles)
            .unwrap()
            .evaluate();
        let (lo, hi) = chart_range(&r);
        assert_eq!(lo, Tokens(1_000));
        assert!(hi.0 >= 100_000);
    }

    #[test]
    fn volume_spacing() {
        let v = volumes(Tokens(1_000_000), Tokens(1_000_000_000), 4, Spacing::Log).unwrap();
        assert_eq!(
            v,
            vec![
                Tokens(1_000_000),
                Tokens(10_000_000),
                Tokens(100_000_000),
                Tokens(1_000_000_000)
            ]
        );
        let v = volumes(Tokens(0), Tokens(100), 5, Spacing::Linear).unwrap();
        assert_eq!(
            v,
            vec![Tokens(0), Tokens(25), Tokens(50), Tokens(75), Tokens(100)]
        );
        assert!(volumes(Tokens(0), Tokens(100), 5, Spacing::Log).is_err());
        assert!(volumes(Tokens(10), Tokens(1), 5, Spacing::Linear).is_err());
        assert!(volumes(Tokens(1), Tokens(10), 1, Spacing::Linear).is_err());
    }
}
