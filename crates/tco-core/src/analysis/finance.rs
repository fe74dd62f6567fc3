//! Finance: the monthly cash flows of going local instead of buying the API,
//! their net present value (NPV) and discounted payback month.
//!
//! The frame (docs/model.md): annual rates become monthly as annual / 12,
//! capital is spent at month 0 and the monthly flows fall at the end of months
//! 1..horizon. Within it (docs/decisions.md, "Finance"):
//!
//! - The flow of month m is what the API would have cost less what running
//!   the local option costs. For owned hardware that is the local monthly cost
//!   less its hardware line ([`Breakdown::operating`](crate::model::cost::Breakdown::operating)):
//!   the capital itself replaces the amortization or annuity charge. For
//!   rented hardware it is the whole local monthly cost, and there is no capital.
//! - Volume grows as V·(1+g)^(m−1) in month m, rounded to whole tokens (half
//!   away from zero); the node count follows that volume as in the report.
//!   When month m needs more owned nodes than are in service, the extra ones
//!   are bought at the end of month m−1. Nodes are never sold early; ones the
//!   volume no longer needs stand idle at no running cost.
//! - API prices follow the factor (1+a)^((m−1)/12): month 13 pays (1+a)×.
//!   Whole years are raised exactly in `Decimal`; the remaining twelfths use
//!   `f64::powf`, rounded to 12 decimal places. The factor is a rate; money
//!   stays `Decimal`.
//! - An owned node lives `amortization_months`. At the end of its life its
//!   residual value comes back, and a new node is bought that same month end
//!   if the next month's volume still needs it.
//! - At the horizon every owned node still in service is worth its
//!   straight-line book value, residual + (price − residual)·remaining/life,
//!   an inflow of the horizon month. With horizon = life that is the residual.
//! - The discounted payback month is the first month 1..horizon whose
//!   cumulative discounted flow, capital included, is ≥ 0.
//!
//! ```
//! use tco_core::{input::bundled, input::scenario::NoFiles, Scenario};
//! let tables = bundled::tables().unwrap();
//! let s = Scenario::parse(bundled::FLAGSHIP.1, bundled::FLAGSHIP.0, tables.as_ref(), &NoFiles).unwrap();
//! let f = s.cash_flows().unwrap();
//! let pair = &f.pairs[0]; // owned 4x A100 vs Claude Sonnet 4.6
//! assert_eq!(pair.npv.unwrap().round_cents().amount().to_string(), "61405.38");
//! assert_eq!(pair.discounted_payback_months, Some(26));
//! ```

use crate::model::breakeven::NpvFigures;
use crate::model::format;
use crate::model::scenario::{ApiOption, Finance, HardwareCost, LocalOption, Scenario};
use crate::model::units::{Money, Tokens, MAX_TOKENS};
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

/// The cash flows of every (local, API) pair of a scenario over the horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FinanceResult {
    pub scenario: String,
    pub currency: String,
    /// The workload volume of month 1.
    pub tokens_per_month: u64,
    pub horizon_months: u32,
    /// Annual.
    pub discount_rate: Decimal,
    /// discount_rate / 12.
    pub monthly_rate: Decimal,
    pub volume_growth_per_month: Decimal,
    pub api_price_change_per_year: Decimal,
    /// In scenario order: every API option for the first local option, then the next.
    pub pairs: Vec<PairFinance>,
}

/// Going local with `local` instead of buying `api`, month by month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairFinance {
    pub local: String,
    pub api: String,
    /// "owned" or "rented".
    pub kind: &'static str,
    /// Capital spent at month 0 (0 for rented); null when the pair cannot be computed.
    pub capital: Option<Money>,
    /// Σ discounted flows, capital included; null with a reason when the
    /// local option cannot serve some month's volume.
    pub npv: Option<Money>,
    pub discounted_payback_months: Option<u32>,
    /// Months 0..=horizon; empty when `npv` is null.
    pub monthly: Vec<MonthFlow>,
    pub reason: Option<String>,
}

/// One month of one pair. Money flows at the month's end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthFlow {
    pub month: u32,
    /// Tokens served this month (0 in month 0).
    pub tokens: u64,
    /// Local nodes serving this month (0 in month 0).
    pub nodes: u64,
    /// What the API's prices are this month relative to month 1.
    pub api_price_factor: Decimal,
    /// What the API would cost this month.
    pub api_cost: Money,
    /// What running the local option costs this month (owned: without the hardware line).
    pub local_cost: Money,
    /// Capital spent at this month's end: nodes bought, less residuals received
    /// and, at the horizon, the book value of the nodes still in service.
    pub capital: Money,
    /// api_cost − local_cost − capital: what going local saves this month.
    pub flow: Money,
    /// flow · (1 + monthly_rate)^−month.
    pub discounted: Money,
    pub cumulative_discounted: Money,
}

impl PairFinance {
    pub fn figures(&self) -> NpvFigures {
        NpvFigures {
            npv: self.npv,
            discounted_payback_months: self.discounted_payback_months,
        }
    }
}

impl FinanceResult {
    /// The pair for `local` and `api`, by name.
    pub fn pair(&self, local: &str, api: &str) -> Option<&PairFinance> {
        self.pairs.iter().find(|p| p.local == local && p.api == api)
    }

    /// The pair with the highest NPV (the first of equals), if any has one.
    pub fn best(&self) -> Option<&PairFinance> {
        let mut best: Option<&PairFinance> = None;
        for p in &self.pairs {
            if let Some(n) = p.npv {
                if best.and_then(|b| b.npv).is_none_or(|b| n > b) {
                    best = Some(p);
                }
            }
        }
        best
    }

    /// "discount rate 8 % a year = 0.667 % a month, capital at month 0, flows at
    /// month ends", plus the growth and price trend when they are not zero.
    pub fn conventions(&self) -> String {
        let pct = |d: Decimal, dp: u32| {
            (d * Decimal::ONE_HUNDRED)
                .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
                .normalize()
                .to_string()
        };
        let mut s = format!(
            "discount rate {} % a year = {} % a month, capital at month 0, flows at month ends",
            pct(self.discount_rate, 4),
            pct(self.monthly_rate, 3)
        );
        let signed = |d: Decimal, dp: u32| {
            if d.is_sign_negative() {
                pct(d, dp)
            } else {
                format!("+{}", pct(d, dp))
            }
        };
        if !self.volume_growth_per_month.is_zero() {
            s.push_str(&format!(
                ", volume {} % a month",
                signed(self.volume_growth_per_month, 4)
            ));
        }
        if !self.api_price_change_per_year.is_zero() {
            s.push_str(&format!(
                ", API prices {} % a year",
                signed(self.api_price_change_per_year, 4)
            ));
        }
        s
    }
}

/// (1+a)^((m−1)/12) for month m ≥ 1: whole years exact, the twelfths in f64
/// rounded to 12 places. `None` when the factor leaves `Decimal`'s range.
pub fn price_factor(change_per_year: Decimal, month: u32) -> Option<Decimal> {
    let base = Decimal::ONE + change_per_year;
    let elapsed = month.saturating_sub(1);
    let mut whole = Decimal::ONE;
    for _ in 0..elapsed / 12 {
        whole = whole.checked_mul(base)?;
    }
    let twelfths = elapsed % 12;
    if twelfths == 0 {
        return Some(whole);
    }
    let part = base.to_f64()?.powf(f64::from(twelfths) / 12.0);
    let part =
        Decimal::from_f64(part)?.round_dp_with_strategy(12, RoundingStrategy::MidpointAwayFromZero);
    whole.checked_mul(part)
}

/// What every pair shares: volumes, price factors and discount factors.
struct Schedule {
    /// Tokens of month m at index m−1.
    volumes: Vec<u64>,
    /// API price factor of month m at index m−1.
    factors: Vec<Decimal>,
    /// (1+r)^m at index m, m = 0..=horizon.
    discount: Vec<Decimal>,
}

fn schedule(s: &Scenario, f: &Finance) -> Result<Schedule, String> {
    let h = f.horizon_months;
    let v0 = s.workload.tokens_per_month.as_decimal();
    let g = Decimal::ONE + f.volume_growth_per_month;
    let mut volumes = Vec::with_capacity(h as usize);
    let mut growth = Decimal::ONE;
    for m in 1..=h {
        let past = || {
            format!("the volume grows past 10^15 tokens/month (the most tco computes) in month {m}")
        };
        if m > 1 && !v0.is_zero() {
            growth = growth.checked_mul(g).ok_or_else(past)?;
        }
        let v = v0
            .checked_mul(growth)
            .map(|x| x.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero))
            .and_then(|x| x.to_u64())
            .filter(|&x| x <= MAX_TOKENS)
            .ok_or_else(past)?;
        volumes.push(v);
    }
    let factors = (1..=h)
        .map(|m| {
            price_factor(f.api_price_change_per_year, m).ok_or_else(|| {
                format!("the API price factor leaves the range tco computes in month {m}")
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let r = Decimal::ONE + f.discount_rate / Decimal::from(12);
    let mut discount = Vec::with_capacity(h as usize + 1);
    let mut d = Decimal::ONE;
    discount.push(d);
    for m in 1..=h {
        d = d
            .checked_mul(r)
            .ok_or_else(|| format!("the discount factor overflows in month {m}"))?;
        discount.push(d);
    }
    Ok(Schedule {
        volumes,
        factors,
        discount,
    })
}

/// One local option over the horizon: nodes, running cost and capital.
struct LocalPlan {
    /// Nodes serving month m at index m−1.
    nodes: Vec<u64>,
    /// Running cost of month m at index m−1.
    running: Vec<Money>,
    /// Net capital spent at the end of month m at index m, m = 0..=horizon.
    capital: Vec<Money>,
}

fn overflow(what: &str) -> String {
    format!("{what} overflows the range tco computes; use smaller inputs")
}

fn local_plan(s: &Scenario, l: &LocalOption, sched: &Schedule) -> Result<LocalPlan, String> {
    let w = &s.workload;
    let h = sched.volumes.len();
    let mut nodes = Vec::with_capacity(h);
    let mut running = Vec::with_capacity(h);
    let mut last: Option<(u64, u64, Money)> = None;
    for (i, &v) in sched.volumes.iter().enumerate() {
        let (n, cost) = match last {
            Some((pv, n, c)) if pv == v => (n, c),
            _ => {
                let c = l.cost_at(w, s.hours_per_month, Tokens(v));
                if let Some(why) = l.infeasible.first() {
                    return Err(why.clone());
                }
                if !c.can_serve {
                    return Err(format!(
                        "cannot serve {} tokens in month {}: needs {} nodes, max_nodes {}",
                        format::tokens_short(Tokens(v)),
                        i + 1,
                        c.nodes,
                        l.max_nodes.unwrap_or_default()
                    ));
                }
                let run = match l.hardware {
                    HardwareCost::Owned { .. } => c.breakdown.operating(),
                    HardwareCost::Rented { .. } => c.monthly,
                };
                (c.nodes, run)
            }
        };
        last = Some((v, n, cost));
        nodes.push(n);
        running.push(cost);
    }
    let mut capital = vec![Money::ZERO; h + 1];
    if let HardwareCost::Owned {
        price,
        residual_value,
        amortization_months,
        ..
    } = &l.hardware
    {
        let (price, residual) = (price.amount(), residual_value.amount());
        let life = *amortization_months as usize;
        // (bought at the end of month, how many)
        let mut cohorts: Vec<(usize, u64)> = Vec::new();
        let mut in_service: u64 = 0;
        let times = |amount: Decimal, n: u64| amount.checked_mul(Decimal::from(n));
        for (k, slot) in capital.iter_mut().enumerate().take(h) {
            let mut c = Decimal::ZERO;
            let mut retired = Decimal::ZERO;
            cohorts.retain(|&(at, n)| {
                if at + life == k {
                    in_service -= n;
                    retired += Decimal::from(n);
                    false
                } else {
                    true
                }
            });
            if !retired.is_zero() {
                c = -residual
                    .checked_mul(retired)
                    .ok_or_else(|| overflow("the residual value received"))?;
            }
            let need = nodes[k];
            if need > in_service {
                let buy = need - in_service;
                let spent = times(price, buy)
                    .and_then(|x| x.checked_add(c))
                    .ok_or_else(|| overflow("the capital spent"))?;
                c = spent;
                cohorts.push((k, buy));
                in_service = need;
            }
            *slot = Money::new(c);
        }
        let mut book = Decimal::ZERO;
        for (at, n) in cohorts {
            let remaining = Decimal::from((at + life).saturating_sub(h) as u64);
            let value = (price - residual)
                .checked_mul(remaining)
                .map(|x| residual + x / Decimal::from(life as u64))
                .and_then(|x| times(x, n))
                .and_then(|x| x.checked_add(book))
                .ok_or_else(|| overflow("the book value at the horizon"))?;
            book = value;
        }
        capital[h] = Money::new(-book);
    }
    Ok(LocalPlan {
        nodes,
        running,
        capital,
    })
}

fn pair(
    s: &Scenario,
    l: &LocalOption,
    a: &ApiOption,
    sched: &Result<Schedule, String>,
    plan: &Result<LocalPlan, String>,
) -> PairFinance {
    let kind = match l.hardware {
        HardwareCost::Owned { .. } => "owned",
        HardwareCost::Rented { .. } => "rented",
    };
    let failed = |reason: String| PairFinance {
        local: l.name.clone(),
        api: a.name.clone(),
        kind,
        capital: None,
        npv: None,
        discounted_payback_months: None,
        monthly: Vec::new(),
        reason: Some(reason),
    };
    let (sched, plan) = match (sched, plan) {
        (Err(e), _) | (_, Err(e)) => return failed(e.clone()),
        (Ok(s), Ok(p)) => (s, p),
    };
    match flows(s, a, sched, plan) {
        Ok((monthly, npv, payback)) => PairFinance {
            local: l.name.clone(),
            api: a.name.clone(),
            kind,
            capital: Some(plan.capital[0]),
            npv: Some(npv),
            discounted_payback_months: payback,
            monthly,
            reason: None,
        },
        Err(e) => failed(e),
    }
}

type Flows = (Vec<MonthFlow>, Money, Option<u32>);

fn flows(s: &Scenario, a: &ApiOption, sched: &Schedule, plan: &LocalPlan) -> Result<Flows, String> {
    let h = sched.volumes.len();
    let mut rows = Vec::with_capacity(h + 1);
    let mut cum = Decimal::ZERO;
    let mut payback = None;
    let mut api_at: Option<(u64, Money)> = None;
    for m in 0..=h {
        let (tokens, nodes, factor, api, run) = if m == 0 {
            (0, 0, Decimal::ONE, Money::ZERO, Money::ZERO)
        } else {
            let v = sched.volumes[m - 1];
            // A scheduled price change applies from the month it is in force
            // on the month's first day (the scenario's date + m − 1 months).
            let base = match (s.date, a.changes.is_empty()) {
                (Some(d), false) => a
                    .blended_on(d.add_months(m as u32 - 1), &s.workload)
                    .cost(Tokens(v)),
                _ => match api_at {
                    Some((pv, c)) if pv == v => c,
                    _ => a.monthly(&s.workload, Tokens(v)),
                },
            };
            api_at = Some((v, base));
            let factor = sched.factors[m - 1];
            let api = base
                .amount()
                .checked_mul(factor)
                .map(Money::new)
                .ok_or_else(|| overflow(&format!("the API cost of month {m}")))?;
            (v, plan.nodes[m - 1], factor, api, plan.running[m - 1])
        };
        let capital = plan.capital[m];
        let flow = api
            .amount()
            .checked_sub(run.amount())
            .and_then(|x| x.checked_sub(capital.amount()))
            .ok_or_else(|| overflow(&format!("the cash flow of month {m}")))?;
        let discounted = flow
            .checked_div(sched.discount[m])
            .ok_or_else(|| overflow(&format!("the discounted flow of month {m}")))?;
        cum = cum
            .checked_add(discounted)
            .ok_or_else(|| overflow("the cumulative discounted flow"))?;
        if m >= 1 && payback.is_none() && cum >= Decimal::ZERO {
            payback = Some(m as u32);
        }
        rows.push(MonthFlow {
            month: m as u32,
            tokens,
            nodes,
            api_price_factor: factor,
            api_cost: api,
            local_cost: run,
            capital,
            flow: Money::new(flow),
            discounted: Money::new(discounted),
            cumulative_discounted: Money::new(cum),
        });
    }
    Ok((rows, Money::new(cum), payback))
}

impl Scenario {
    /// The cash flows of the scenario's `finance:` block; `None` without one.
    pub fn cash_flows(&self) -> Option<FinanceResult> {
        self.finance.as_ref().map(|f| self.cash_flows_with(f))
    }

    /// The cash flows of every (local, API) pair under `f`.
    pub fn cash_flows_with(&self, f: &Finance) -> FinanceResult {
        let sched = schedule(self, f);
        let pairs = self
            .local
            .iter()
            .flat_map(|l| {
                let plan = match &sched {
                    Ok(sc) => local_plan(self, l, sc),
                    Err(e) => Err(e.clone()),
                };
                self.api
                    .iter()
                    .map(|a| pair(self, l, a, &sched, &plan))
                    .collect::<Vec<_>>()
            })
            .collect();
        FinanceResult {
            scenario: self.name.clone(),
            currency: self.currency.clone(),
            tokens_per_month: self.workload.tokens_per_month.0,
            horizon_months: f.horizon_months,
            discount_rate: f.discount_rate.normalize(),
            monthly_rate: (f.discount_rate / Decimal::from(12)).normalize(),
            volume_growth_per_month: f.volume_growth_per_month.normalize(),
            api_price_change_per_year: f.api_price_change_per_year.normalize(),
            pairs,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn price_factor_whole_years_are_exact() {
        assert_eq!(price_factor(dec!(-0.3), 1), Some(dec!(1)));
        assert_eq!(price_factor(dec!(-0.3), 13), Some(dec!(0.7)));
        assert_eq!(price_factor(dec!(-0.3), 25), Some(dec!(0.49)));
        // 0.7^(6/12) = √0.7 = 0.836660026534075…
        assert_eq!(price_factor(dec!(-0.3), 7), Some(dec!(0.836660026534)));
        // Prices that vanish: 0^0 = 1 in month 1, 0 after.
        assert_eq!(price_factor(dec!(-1), 1), Some(dec!(1)));
        assert_eq!(price_factor(dec!(-1), 2), Some(dec!(0)));
        assert_eq!(price_factor(dec!(-1), 14), Some(dec!(0)));
        // 11^50 leaves Decimal's range.
        assert_eq!(price_factor(dec!(10), 600), None);
    }
}
