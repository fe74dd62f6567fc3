//! The cost model: what each option costs at a token volume.
//!
//! Formulas are docs/model.md's. One primitive, [`LocalOption::cost_with_nodes`],
//! prices a local option for a given node count; everything else (the report,
//! sweeps, break-even) calls it, so every figure comes from one formula.

use crate::model::scenario::{ApiOption, Billing, HardwareCost, LocalOption, Scenario, Workload};
use crate::model::tariff::Rates;
use crate::model::units::{KilowattHours, Money, PerMTok, Tokens};
use rust_decimal::Decimal;
use serde::Serialize;

const SECONDS_PER_HOUR: u32 = 3600;

impl ApiOption {
    /// The prices in force before any later change.
    pub fn rates(&self) -> Rates {
        Rates {
            input_per_mtok: self.input_per_mtok,
            output_per_mtok: self.output_per_mtok,
            cached_input_per_mtok: self.cached_input_per_mtok,
            cache_write_per_mtok: Some(self.cache_write_per_mtok),
        }
    }

    /// Blended price per MTok:
    /// ((1−o)·mix(p) + o·mix(p_off)) · (1 − b·d_batch) · uplift, where
    /// mix(p) = s·((1−c−w)·p_in + c·p_cached + w·p_write) + (1−s)·p_out.
    /// With no cache writes, off-peak share or uplift this is docs/model.md's
    /// (s·((1−c)·p_in + c·p_cached) + (1−s)·p_out)·(1 − b·d_batch), digit for digit.
    pub fn blended(&self, w: &Workload) -> PerMTok {
        self.blended_with(&self.rates(), self.off_peak.as_ref(), w)
    }

    /// The blend of given prices with this option's batch terms and uplift.
    pub fn blended_with(&self, rates: &Rates, off_peak: Option<&Rates>, w: &Workload) -> PerMTok {
        let (s, c, cw, o) = (
            w.input_share.get(),
            w.cached_input_share.get(),
            w.cache_write_share.get(),
            w.off_peak_share.get(),
        );
        let standard = rates.mix(s, c, cw);
        let mix = if o.is_zero() {
            standard
        } else {
            let off = off_peak.unwrap_or(rates).mix(s, c, cw);
            standard.times(Decimal::ONE - o) + off.times(o)
        };
        let p = mix.times(Decimal::ONE - w.batch_share.get() * self.batch_discount);
        if self.uplift == Decimal::ONE {
            p
        } else {
            p.times(self.uplift)
        }
    }

    /// The blended price in force on `date` (a later scheduled change, if
    /// one has started; else today's).
    pub fn blended_on(&self, date: crate::model::date::Date, w: &Workload) -> PerMTok {
        match self.changes.iter().rev().find(|c| c.0 <= date) {
            Some((_, r, off)) => self.blended_with(r, off.as_ref(), w),
            None => self.blended(w),
        }
    }

    pub fn monthly(&self, w: &Workload, v: Tokens) -> Money {
        self.blended(w).cost(v)
    }
}

/// A local option's monthly cost split as Infracost splits a resource.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Breakdown {
    pub hardware: Money,
    pub power: Money,
    pub staff: Money,
    pub other: Money,
    pub overhead: Money,
}

impl Breakdown {
    pub fn total(&self) -> Money {
        self.hardware + self.power + self.staff + self.other + self.overhead
    }

    /// Everything but the hardware line: what going local costs to run.
    pub fn operating(&self) -> Money {
        self.power + self.staff + self.other + self.overhead
    }
}

/// A local option priced at one volume.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocalCost {
    pub nodes: u64,
    pub utilization: Decimal,
    pub breakdown: Breakdown,
    pub monthly: Money,
    /// kWh drawn in the month (PUE included); `None` without a `power` block.
    #[serde(skip)]
    pub energy_kwh: Option<Decimal>,
    /// False when serving the volume needs more than `max_nodes` nodes, or
    /// the option is infeasible (see [`LocalOption::infeasible`]).
    pub can_serve: bool,
}

impl LocalOption {
    /// Busy node-seconds for `v` tokens as an exact fraction `num / den`:
    /// v·s/prefill + v·(1−s)/decode with each rate `tokens / per_seconds`.
    fn busy_fraction(&self, v: Decimal, s: Decimal) -> (Decimal, Decimal) {
        let p = self.throughput.prefill;
        let d = self.throughput.decode;
        if p == d {
            return (v * p.per_seconds, p.tokens);
        }
        let k = s * p.per_seconds * d.tokens + (Decimal::ONE - s) * d.per_seconds * p.tokens;
        (v * k, p.tokens * d.tokens)
    }

    /// Seconds one node can be kept busy in a month: all its hours times
    /// `max_utilization`, less the share spot preemption takes.
    fn node_seconds(&self, hours: Decimal) -> Decimal {
        let s = Decimal::from(SECONDS_PER_HOUR) * hours * self.max_utilization.get();
        match self.billing() {
            Some(Billing::Spot {
                interruption_overhead,
                ..
            }) if !interruption_overhead.is_zero() => s * interruption_overhead.rest().get(),
            _ => s,
        }
    }

    /// The rented billing, if rented.
    pub fn billing(&self) -> Option<Billing> {
        match &self.hardware {
            HardwareCost::Rented { billing, .. } => Some(*billing),
            HardwareCost::Owned { .. } => None,
        }
    }

    /// Tokens one node serves in a month at the workload's mix (may be
    /// fractional); with an hourly profile, a month of days like the busiest hour.
    pub fn capacity(&self, w: &Workload, hours: Decimal) -> Decimal {
        let st = self.steps(w, hours);
        st.per_node / st.k
    }

    /// The node step function at the workload's mix: nodes for the busiest
    /// hour (for a flat profile, the month's busy seconds over a node's).
    pub fn steps(&self, w: &Workload, hours: Decimal) -> Steps {
        let (k, den) = self.busy_fraction(Decimal::ONE, w.input_share.get());
        let per_node = den * self.node_seconds(hours);
        match w.peak() {
            None => Steps { k, per_node },
            Some((peak24, sum)) => Steps {
                k: k * peak24,
                per_node: per_node * sum,
            },
        }
    }

    /// One step function per distinct non-zero hourly weight (one for a
    /// flat profile): between two consecutive edges of any of them, every
    /// hour's node count is fixed and an autoscaled cost is linear in the volume.
    pub fn hour_steps(&self, w: &Workload, hours: Decimal) -> Vec<Steps> {
        let (k, den) = self.busy_fraction(Decimal::ONE, w.input_share.get());
        let per_node = den * self.node_seconds(hours);
        let Some(weights) = w.hourly_profile.as_ref() else {
            return vec![Steps { k, per_node }];
        };
        let sum: Decimal = weights.iter().copied().sum();
        let mut distinct: Vec<Decimal> = weights.iter().copied().filter(|x| !x.is_zero()).collect();
        distinct.sort();
        distinct.dedup();
        distinct
            .into_iter()
            .map(|wh| Steps {
                k: k * wh * Decimal::from(24),
                per_node: per_node * sum,
            })
            .collect()
    }

    /// Tokens one node serves in a month with a flat profile (the month's
    /// average hour), at the workload's mix.
    pub fn capacity_flat(&self, w: &Workload, hours: Decimal) -> Decimal {
        let (k, den) = self.busy_fraction(Decimal::ONE, w.input_share.get());
        den * self.node_seconds(hours) / k
    }

    /// Nodes running in each hour of the day under `autoscaled` billing:
    /// n_h = ceil(busy_h / (3600·max_utilization)), busy_h the busy seconds of
    /// that hour's share V·w_h/Σw/d of the month (d = hours/24 days).
    pub fn hourly_nodes(&self, w: &Workload, hours: Decimal, v: Tokens) -> Vec<u64> {
        let (k, den) = self.busy_fraction(Decimal::ONE, w.input_share.get());
        let per_node = den * self.node_seconds(hours);
        let flat = vec![Decimal::ONE; 24];
        let weights = w.hourly_profile.as_ref().unwrap_or(&flat);
        let sum: Decimal = weights.iter().copied().sum();
        weights
            .iter()
            .map(|wh| {
                if wh.is_zero() || v.0 == 0 {
                    0
                } else {
                    Steps {
                        k: k * *wh * Decimal::from(24),
                        per_node: per_node * sum,
                    }
                    .nodes(v.0)
                }
            })
            .collect()
    }

    /// Nodes needed for `v` tokens: ceil(busy seconds / node seconds), at least 1.
    pub fn nodes_for(&self, w: &Workload, hours: Decimal, v: Tokens) -> u64 {
        self.steps(w, hours).nodes(v.0)
    }

    /// Monthly staff cost: fte · annual_cost / 12 (fixed, not per node).
    pub fn staff_monthly(&self) -> Money {
        self.staff.as_ref().map_or(Money::ZERO, |s| {
            // multiply before dividing: 180,000 × 0.2 / 12 is exactly 3,000
            Money::new(s.annual_cost.amount() * s.fte / Decimal::from(12))
        })
    }

    /// The cost of serving `v` tokens with exactly `n` nodes (n ≥ 1).
    ///
    /// Written with busy hours b = busy seconds / 3600 rather than the
    /// utilization u = b / (n·hours), which is the same algebra with one
    /// division fewer: exact figures stay exact ($3/hour × 1,200 h = $3,600).
    pub fn cost_with_nodes(&self, w: &Workload, hours: Decimal, v: Tokens, n: u64) -> LocalCost {
        let n_dec = Decimal::from(n.max(1));
        let (num, den) = self.busy_fraction(v.as_decimal(), w.input_share.get());
        let busy_hours = num / (den * Decimal::from(SECONDS_PER_HOUR));
        // Node-hours running (and powered): all hours of every node, except
        // that autoscaled nodes run only in the hours that need them.
        let node_hours = match self.billing() {
            Some(Billing::Autoscaled { min_nodes }) => {
                let running: u64 = self
                    .hourly_nodes(w, hours, v)
                    .iter()
                    .map(|nh| (*nh).max(min_nodes))
                    .sum();
                Decimal::from(running) * hours / Decimal::from(24)
            }
            _ => n_dec * hours,
        };
        let hardware = match &self.hardware {
            HardwareCost::Owned { monthly, .. } => monthly.times(n_dec),
            HardwareCost::Rented {
                price_per_gpu_hour,
                gpus,
                billing,
            } => {
                let (price, paid_hours) = match billing {
                    Billing::AlwaysOn | Billing::Reserved { .. } | Billing::Autoscaled { .. } => {
                        (*price_per_gpu_hour, node_hours)
                    }
                    Billing::BusyHours => (*price_per_gpu_hour, busy_hours),
                    Billing::Spot { discount, .. } => {
                        (price_per_gpu_hour.times(discount.rest().get()), node_hours)
                    }
                };
                price.cost(Decimal::from(*gpus) * paid_hours)
            }
        };
        // n·hours·(idle + (load − idle)·u) watt-hours = n·hours·idle + (load − idle)·busy hours.
        let energy_kwh = self.power.as_ref().map(|p| {
            let watt_hours = p.idle_watts.over_hours(node_hours)
                + (p.load_watts - p.idle_watts).over_hours(busy_hours);
            watt_hours.kwh().times(p.pue)
        });
        let power = match (&self.power, energy_kwh) {
            (Some(p), Some(kwh)) => p.price_per_kwh.cost(kwh),
            _ => Money::ZERO,
        };
        let energy_kwh = energy_kwh.map(KilowattHours::amount);
        let breakdown = Breakdown {
            hardware,
            power,
            staff: self.staff_monthly(),
            other: self.other_monthly.times(n_dec),
            overhead: hardware.times(self.overhead_share.get()),
        };
        LocalCost {
            nodes: n,
            utilization: if node_hours.is_zero() {
                Decimal::ZERO
            } else {
                busy_hours / node_hours
            },
            energy_kwh,
            monthly: breakdown.total(),
            breakdown,
            can_serve: self.infeasible.is_empty() && self.max_nodes.is_none_or(|m| n <= m),
        }
    }

    /// The cost of serving `v` tokens with as many whole nodes as it takes.
    pub fn cost_at(&self, w: &Workload, hours: Decimal, v: Tokens) -> LocalCost {
        let n = self.nodes_for(w, hours, v);
        self.cost_with_nodes(w, hours, v, n)
    }

    /// Capital spent on `n` owned nodes (None when rented).
    pub fn capital(&self, n: u64) -> Option<Money> {
        match &self.hardware {
            HardwareCost::Owned { price, .. } => Some(price.times(Decimal::from(n))),
            HardwareCost::Rented { .. } => None,
        }
    }
}

/// Whole-node steps: a volume v keeps ceil(v·k / per_node) nodes busy,
/// both sides scaled so that they are exact decimals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Steps {
    k: Decimal,
    per_node: Decimal,
}

impl Steps {
    /// Nodes for `v` tokens, at least 1; exact at the step edges.
    pub fn nodes(self, v: u64) -> u64 {
        use rust_decimal::prelude::ToPrimitive;
        let num = Decimal::from(v) * self.k;
        let mut n = (num / self.per_node)
            .ceil()
            .to_u64()
            .unwrap_or(u64::MAX)
            .max(1);
        while n > 1 && Decimal::from(n - 1) * self.per_node >= num {
            n -= 1;
        }
        while n < u64::MAX && Decimal::from(n) * self.per_node < num {
            n += 1;
        }
        n
    }

    /// The largest volume `n` nodes serve (capped just above 10^15).
    pub fn top(self, n: u64) -> u64 {
        use rust_decimal::prelude::ToPrimitive;
        let limit = crate::model::units::MAX_TOKENS + 1;
        let cap = Decimal::from(n) * self.per_node;
        let mut h = (cap / self.k).floor().to_u64().unwrap_or(limit).min(limit);
        while h > 0 && Decimal::from(h) * self.k > cap {
            h -= 1;
        }
        while h < limit && Decimal::from(h + 1) * self.k <= cap {
            h += 1;
        }
        h
    }
}

/// (1 + r)^n by repeated multiplication (n ≤ 600).
pub(crate) fn compound(r: Decimal, n: u32) -> Decimal {
    let mut f = Decimal::ONE;
    let base = Decimal::ONE + r;
    for _ in 0..n {
        f *= base;
    }
    f
}

/// Owned hardware per month: straight line at rate 0, else the annuity
/// payment on the price less the present value of the residual.
pub fn owned_monthly(price: Money, residual: Money, months: u32, annual_rate: Decimal) -> Money {
    let n = Decimal::from(months.max(1));
    if annual_rate.is_zero() {
        return Money::new((price.amount() - residual.amount()) / n);
    }
    let r = annual_rate / Decimal::from(12);
    let f = compound(r, months);
    if f <= Decimal::ONE {
        // A rate so small it vanishes in 28 digits: the straight line is exact.
        return Money::new((price.amount() - residual.amount()) / n);
    }
    let pv = price.amount() - residual.amount() / f;
    Money::new(pv * r * f / (f - Decimal::ONE))
}

/// Capacity helper for reports: tokens/month one node serves, whole tokens.
pub fn whole_tokens(d: Decimal) -> u64 {
    use rust_decimal::prelude::ToPrimitive;
    d.floor().to_u64().unwrap_or(u64::MAX)
}

impl Scenario {
    /// Each local option at volume `v`.
    pub fn local_costs(&self, v: Tokens) -> Vec<LocalCost> {
        self.local
            .iter()
            .map(|l| l.cost_at(&self.workload, self.hours_per_month, v))
            .collect()
    }

    /// Each API option at volume `v`.
    pub fn api_costs(&self, v: Tokens) -> Vec<Money> {
        self.api
            .iter()
            .map(|a| a.monthly(&self.workload, v))
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn straight_line_and_annuity() {
        assert_eq!(
            owned_monthly(Money::new(dec!(80000)), Money::ZERO, 36, Decimal::ZERO)
                .round_cents()
                .amount(),
            dec!(2222.22)
        );
        assert_eq!(
            owned_monthly(Money::new(dec!(3200)), Money::ZERO, 48, Decimal::ZERO)
                .round_cents()
                .amount(),
            dec!(66.67)
        );
        // PMT(0.06/12, 36, -10000) = 304.22 (spreadsheet)
        assert_eq!(
            owned_monthly(Money::new(dec!(10000)), Money::ZERO, 36, dec!(0.06))
                .round_cents()
                .amount(),
            dec!(304.22)
        );
        // With a residual of 2000: PMT(0.005, 36, -10000, 2000) = 253.38
        assert_eq!(
            owned_monthly(
                Money::new(dec!(10000)),
                Money::new(dec!(2000)),
                36,
                dec!(0.06)
            )
            .round_cents()
            .amount(),
            dec!(253.38)
        );
    }
}
