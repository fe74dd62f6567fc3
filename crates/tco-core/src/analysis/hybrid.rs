//! Hybrid routing: serve a share of the workload locally and send the rest
//! to an API, and find the share that costs least.
//!
//! For a share x of the volume V, the local option serves t = round(x·V)
//! tokens (half away from zero) with as many nodes as that takes, and the API
//! the remaining V − t; both parts carry the workload's input, cached and
//! batch mix. A share that rounds to 0 tokens buys nothing locally: no nodes,
//! no staff. Local cost is linear in t between node counts, so the cheapest
//! split is at 0, at V, or where n nodes are exactly full (t = the top of n
//! nodes); those points are checked besides the grid 0, step, …, 1, and the
//! cheapest wins, ties going to the smaller local share.
//!
//! ```
//! use tco_core::{analysis::hybrid, input::bundled, input::scenario::NoFiles, Scenario};
//! let tables = bundled::tables().unwrap();
//! let s = Scenario::parse(bundled::FLAGSHIP.1, bundled::FLAGSHIP.0, tables.as_ref(), &NoFiles).unwrap();
//! let h = s.hybrid(s.workload.tokens_per_month, hybrid::default_step()).unwrap();
//! let p = &h.pairs[0];
//! assert_eq!(p.shares.len(), 21);
//! assert!(p.best.monthly_cost <= p.all_api_cost);
//! ```

use crate::error::Error;
use crate::model::scenario::{ApiOption, LocalOption, Scenario};
use crate::model::units::{Money, Tokens};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

/// Node counts up to this are all checked as fill points; above it only the
/// first and last [`ENDS`] are (cost at fill points is linear in the node
/// count up to a token's rounding, so its minimum lies at one end).
pub const MAX_FILL_POINTS: u64 = 20_000;
/// How many fill points are checked at each end when there are more than [`MAX_FILL_POINTS`].
pub const ENDS: u64 = 1_000;

/// The default grid step: 5 % of the volume.
pub fn default_step() -> Decimal {
    Decimal::new(5, 2)
}

/// The finest step allowed: 0.1 %.
pub fn min_step() -> Decimal {
    Decimal::new(1, 3)
}

/// The coarsest step allowed: 50 %.
pub fn max_step() -> Decimal {
    Decimal::new(5, 1)
}

/// Every (local, API) pair split at every share of the grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HybridResult {
    pub scenario: String,
    pub currency: String,
    /// The whole volume V being split.
    pub tokens_per_month: u64,
    pub step: Decimal,
    /// In scenario order: every API option for the first local option, then the next.
    pub pairs: Vec<HybridPair>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HybridPair {
    pub local: String,
    pub api: String,
    /// The grid 0, step, …, 1.
    pub shares: Vec<HybridShare>,
    /// The cheapest servable split, on the grid or at a node-fill point.
    pub best: HybridShare,
    /// Everything on the API (share 0).
    pub all_api_cost: Money,
    /// Everything local (share 1); null when the local option cannot serve V.
    pub all_local_cost: Option<Money>,
    /// The cheaper of all-API and all-local, less the best split's cost (≥ 0).
    pub saving_vs_best_single: Money,
}

/// One split: `local_share` of the volume served locally.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HybridShare {
    pub local_share: Decimal,
    pub local_tokens: u64,
    pub nodes: u64,
    pub local_cost: Money,
    pub api_cost: Money,
    pub monthly_cost: Money,
    /// False when the local part needs more than `max_nodes` nodes.
    pub can_serve: bool,
}

fn split(
    s: &Scenario,
    l: &LocalOption,
    a: &ApiOption,
    v: u64,
    t: u64,
    share: Decimal,
) -> HybridShare {
    let w = &s.workload;
    let (nodes, local_cost, can_serve) = if t == 0 {
        (0, Money::ZERO, true)
    } else {
        let c = l.cost_at(w, s.hours_per_month, Tokens(t));
        (c.nodes, c.monthly, c.can_serve)
    };
    let api_cost = a.monthly(w, Tokens(v - t));
    HybridShare {
        local_share: share.normalize(),
        local_tokens: t,
        nodes,
        local_cost,
        api_cost,
        monthly_cost: local_cost + api_cost,
        can_serve,
    }
}

/// The grid's shares: 0, step, 2·step, … below 1, then 1.
fn grid(step: Decimal) -> Vec<Decimal> {
    let mut out = Vec::new();
    let mut i = 0u32;
    loop {
        let x = step * Decimal::from(i);
        if x >= Decimal::ONE {
            break;
        }
        out.push(x);
        i += 1;
    }
    out.push(Decimal::ONE);
    out
}

fn pair(s: &Scenario, l: &LocalOption, a: &ApiOption, v: u64, shares: &[Decimal]) -> HybridPair {
    let rows: Vec<HybridShare> = shares
        .iter()
        .map(|&x| {
            let t = (x * Decimal::from(v))
                .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
            let t = crate::model::cost::whole_tokens(t).min(v);
            split(s, l, a, v, t, x)
        })
        .collect();
    let mut best: Option<HybridShare> = None;
    let mut consider = |c: &HybridShare| {
        if !c.can_serve {
            return;
        }
        let better = best
            .as_ref()
            .is_none_or(|b| (c.monthly_cost, c.local_tokens) < (b.monthly_cost, b.local_tokens));
        if better {
            best = Some(c.clone());
        }
    };
    rows.iter().for_each(&mut consider);
    if v > 0 {
        let steps = l.steps(&s.workload, s.hours_per_month);
        let last = steps.nodes(v).min(l.max_nodes.unwrap_or(u64::MAX));
        let counts: Vec<u64> = if last <= MAX_FILL_POINTS {
            (1..=last).collect()
        } else {
            (1..=ENDS).chain(last - ENDS + 1..=last).collect()
        };
        for n in counts {
            let t = steps.top(n);
            if t == 0 || t > v {
                continue;
            }
            let share = Decimal::from(t) / Decimal::from(v);
            consider(&split(s, l, a, v, t, share));
        }
    }
    // Share 0 buys nothing locally and is always servable.
    let all_api = rows.first().map_or(Money::ZERO, |r| r.monthly_cost);
    let all_local = rows.last().filter(|r| r.can_serve).map(|r| r.monthly_cost);
    let best = best.unwrap_or_else(|| split(s, l, a, v, 0, Decimal::ZERO));
    let single = all_local.map_or(all_api, |c| c.min(all_api));
    HybridPair {
        local: l.name.clone(),
        api: a.name.clone(),
        saving_vs_best_single: single - best.monthly_cost,
        shares: rows,
        best,
        all_api_cost: all_api,
        all_local_cost: all_local,
    }
}

impl Scenario {
    /// Splits `v` tokens a month between each local option and each API at
    /// shares 0, `step`, …, 1 (step from 0.001 to 0.5) and the node-fill points.
    pub fn hybrid(&self, v: Tokens, step: Decimal) -> Result<HybridResult, Error> {
        if step < min_step() || step > max_step() {
            return Err(Error::Invalid(format!(
                "a hybrid step of {step} is outside {} to {} (0.05 = every 5 %)",
                min_step(),
                max_step()
            )));
        }
        let shares = &grid(step);
        let pairs = self
            .local
            .iter()
            .flat_map(|l| {
                self.api
                    .iter()
                    .map(move |a| pair(self, l, a, v.0, shares))
                    .collect::<Vec<_>>()
            })
            .collect();
        Ok(HybridResult {
            scenario: self.name.clone(),
            currency: self.currency.clone(),
            tokens_per_month: v.0,
            step: step.normalize(),
            pairs,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn grid_ends_at_one() {
        assert_eq!(grid(dec!(0.5)), vec![dec!(0), dec!(0.5), dec!(1)]);
        assert_eq!(
            grid(dec!(0.3)),
            vec![dec!(0), dec!(0.3), dec!(0.6), dec!(0.9), dec!(1)]
        );
        assert_eq!(grid(dec!(0.05)).len(), 21);
        assert_eq!(grid(dec!(0.001)).len(), 1001);
    }
}
