//! Break-even volumes between a local option and an API option.
//!
//! Local cost is a step function of the node count: within the volumes one
//! node count covers, both costs are linear in the volume (power and busy-hour
//! rental grow with utilization, everything else is fixed per node), so the
//! volumes where local ≤ API form one range at the top of each step. The
//! solver skips the steps that cannot win (n·D < S, with D what one fully
//! loaded node saves against the API and S the fixed staff cost), walks the
//! rest, and settles each range's first volume against the same cost
//! function the report uses, to the token.

use crate::model::format;
use crate::model::scenario::{ApiOption, HardwareCost, LocalOption, Scenario};
use crate::model::units::{Money, PerMTok, Tokens, MAX_TOKENS};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

/// How many separate winning ranges are listed before the rest is skipped.
pub const MAX_RANGES: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Local wins from some volume on (or within some ranges).
    Crosses,
    /// Local never costs less, within what it can serve, up to 10^15 tokens.
    Never,
    /// Local wins at every volume it can serve.
    Always,
    /// The local option cannot serve any volume (e.g. the model does not fit
    /// in its memory): no break-even is reported; `reason` says why.
    Infeasible,
}

impl Status {
    /// The status as the tables print it (the JSON name).
    pub fn name(self) -> &'static str {
        match self {
            Status::Crosses => "crosses",
            Status::Never => "never",
            Status::Always => "always",
            Status::Infeasible => "infeasible",
        }
    }
}

/// A range of monthly volumes `[from, to]`; `to = None` has no upper end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub from: u64,
    pub to: Option<u64>,
}

impl Serialize for Range {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.from, self.to).serialize(s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakEven {
    pub local: String,
    pub api: String,
    pub status: Status,
    /// The first volume where local costs no more than the API.
    pub tokens_per_month: Option<u64>,
    pub local_wins: Vec<Range>,
    /// True when more than [`MAX_RANGES`] separate ranges exist and the ones
    /// between the first [`MAX_RANGES`] and the open-ended last were left out.
    pub local_wins_truncated: bool,
    pub reason: Option<String>,
    /// Months for the owned capital to be repaid by the saving at the workload
    /// volume; none unless local costs less than the API there.
    pub payback_months: Option<Decimal>,
    /// What the payback runs past: `amortization_months` (the hardware's
    /// life) and/or `finance_horizon`; absent when neither.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub payback_exceeds: Vec<PaybackLimit>,
    /// `npv` and `discounted_payback_months` when the scenario has a finance
    /// block (set by [`Scenario::evaluate`]); the keys are absent without one.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub finance: Option<NpvFigures>,
}

/// What the report adds to each break-even pair when a scenario has a finance block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NpvFigures {
    pub npv: Option<Money>,
    pub discounted_payback_months: Option<u32>,
}

struct Pair<'a> {
    scenario: &'a Scenario,
    local: &'a LocalOption,
    api: &'a ApiOption,
}

impl Pair<'_> {
    /// Local minus API at `v` tokens with `n` nodes, from the report's cost functions.
    fn gap(&self, v: u64, n: u64) -> Decimal {
        let s = self.scenario;
        let local = self
            .local
            .cost_with_nodes(&s.workload, s.hours_per_month, Tokens(v), n)
            .monthly;
        (local - self.api.monthly(&s.workload, Tokens(v))).amount()
    }
}

/// Solves the break-even of one pair, and its payback at the workload volume.
pub fn solve(scenario: &Scenario, local: &LocalOption, api: &ApiOption) -> BreakEven {
    let pair = Pair {
        scenario,
        local,
        api,
    };
    if let Some(why) = local.infeasible.first() {
        return BreakEven {
            local: local.name.clone(),
            api: api.name.clone(),
            status: Status::Infeasible,
            tokens_per_month: None,
            local_wins: Vec::new(),
            local_wins_truncated: false,
            reason: Some(why.clone()),
            payback_months: None,
            payback_exceeds: Vec::new(),
            finance: None,
        };
    }
    let w = &scenario.workload;
    let hours = scenario.hours_per_month;
    let cur = &scenario.currency;
    let steps = local.steps(w, hours);
    let mtok = Decimal::from(1_000_000u32);
    if let Some(crate::model::scenario::Billing::Autoscaled { min_nodes }) = local.billing() {
        return autoscaled(&pair, min_nodes);
    }

    // gap(v, n) = n·F + S + slope·v/1e6, read off the cost function itself.
    let staff = local.staff_monthly().amount();
    let fixed = pair.gap(0, 1) - staff; // F
    let slope = pair.gap(1_000_000, 1) - fixed - staff; // per MTok: marginal local − API
    let a = api.blended(w).amount();
    let cap_mtok = local.capacity(w, hours) / mtok;
    let gain = -slope * cap_mtok - fixed; // D: what one full node saves against the API

    let mut ranges: Vec<Range> = Vec::new();
    let mut truncated = false;
    let mut reason = None;
    let top_served = local.max_nodes.map(|c| steps.top(c).min(MAX_TOKENS));

    if slope >= Decimal::ZERO {
        if slope.is_zero() && fixed.is_zero() && staff.is_zero() {
            ranges.push(Range {
                from: 1,
                to: top_served,
            });
        } else {
            let m = slope + a;
            reason = Some(format!(
                "each extra token costs no less locally ({}/MTok in power and busy-hour rental) than on the API ({}/MTok), and the fixed costs are never recovered",
                format::per_mtok(PerMTok::new(m), cur),
                format::per_mtok(PerMTok::new(a), cur)
            ));
        }
    } else if gain <= Decimal::ZERO {
        let full = fixed
            .checked_div(cap_mtok)
            .unwrap_or(Decimal::MAX)
            .saturating_add(slope + a);
        reason = Some(format!(
            "at full load each node costs {}/MTok, not below the API's {}/MTok",
            format::per_mtok(PerMTok::new(full), cur),
            format::per_mtok(PerMTok::new(a), cur)
        ));
    } else {
        // No step below S/D can win: n·F + S ≤ −slope·n·C needs n·D ≥ S.
        let mut n = staff
            .checked_div(gain)
            .unwrap_or(Decimal::MAX)
            .floor()
            .to_u64()
            .unwrap_or(u64::MAX)
            .saturating_sub(1)
            .max(1);
        // Past the node count that serves 10^15 tokens nothing is reported.
        let last_n = local
            .max_nodes
            .unwrap_or(u64::MAX)
            .min(steps.nodes(MAX_TOKENS).saturating_add(1));
        n = n.min(last_n);
        let mut prev_top: Option<(u64, u64)> = None;
        while n <= last_n {
            let below = match prev_top {
                Some((pn, t)) if pn + 1 == n => t,
                _ if n == 1 => 0,
                _ => steps.top(n - 1),
            };
            let lo = below + 1;
            if lo > MAX_TOKENS {
                break;
            }
            let top = steps.top(n);
            prev_top = Some((n, top));
            let hi = top.min(MAX_TOKENS);
            let g0 = Decimal::from(n)
                .checked_mul(fixed)
                .and_then(|x| x.checked_add(staff))
                .unwrap_or(Decimal::MAX);
            // Linear: wins from ceil(−g0·1e6/slope) to the top of the step.
            if g0 + slope * Decimal::from(hi) / mtok <= Decimal::ZERO && lo <= hi {
                let guess = (-g0)
                    .checked_div(slope)
                    .and_then(|x| x.checked_mul(mtok))
                    .unwrap_or(Decimal::MAX)
                    .ceil()
                    .to_u64()
                    .unwrap_or(hi)
                    .clamp(lo, hi);
                // Settle the guess on the report's own cost function: the
                // first volume with gap ≤ 0 (ties go to local).
                let mut from = guess;
                let mut at = pair.gap(from, n);
                while at > Decimal::ZERO && from < hi {
                    from += 1;
                    at = pair.gap(from, n);
                }
                while at <= Decimal::ZERO && from > lo {
                    let before = pair.gap(from - 1, n);
                    if before > Decimal::ZERO {
                        break;
                    }
                    from -= 1;
                    at = before;
                }
                if at <= Decimal::ZERO {
                    match ranges.last_mut() {
                        Some(last) if last.to == Some(from - 1) => last.to = Some(hi),
                        _ => ranges.push(Range { from, to: Some(hi) }),
                    }
                    if from == lo {
                        // A whole step wins and each later step wins more: done.
                        if let Some(last) = ranges.last_mut() {
                            last.to = top_served;
                        }
                        break;
                    }
                }
            }
            if ranges.len() >= MAX_RANGES && !truncated {
                // Jump to the first step that wins whole: n·D ≥ S + (−slope)·C.
                truncated = true;
                let whole = (staff - slope * cap_mtok)
                    .checked_div(gain)
                    .unwrap_or(Decimal::MAX)
                    .floor()
                    .to_u64()
                    .unwrap_or(u64::MAX)
                    .saturating_sub(2);
                n = n.max(whole).saturating_add(1);
                continue;
            }
            n = n.saturating_add(1);
        }
        if ranges.is_empty() {
            reason = Some(match local.max_nodes {
                Some(c) => format!(
                    "max_nodes {c} serves at most {} tokens/month, below the volume where local would first win",
                    format::tokens(Tokens(steps.top(c)))
                ),
                None => "does not break even below 10^15 tokens/month".to_string(),
            });
        } else if let (Some(last), None) = (ranges.last_mut(), local.max_nodes) {
            // Ran into the 10^15 limit while still winning.
            if last.to == Some(MAX_TOKENS) {
                last.to = None;
            }
        }
    }

    let payback = payback_months(scenario, local, api);
    let status = match ranges.as_slice() {
        [] => Status::Never,
        [only] if only.from == 1 && only.to == top_served => Status::Always,
        _ => Status::Crosses,
    };
    BreakEven {
        local: local.name.clone(),
        api: api.name.clone(),
        status,
        tokens_per_month: ranges.first().map(|r| r.from),
        local_wins: ranges,
        local_wins_truncated: truncated,
        reason,
        payback_months: payback,
        payback_exceeds: payback_exceeds(scenario, local, payback),
        finance: None,
    }
}

/// A limit the payback runs past: `amortization_months` (the owned
/// hardware's life) or `finance_horizon`, and its length in months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PaybackLimit {
    pub limit: &'static str,
    pub months: u32,
}

/// Which limits a payback runs past: the owned hardware's amortization
/// months and the finance horizon.
pub fn payback_exceeds(
    scenario: &Scenario,
    local: &LocalOption,
    payback: Option<Decimal>,
) -> Vec<PaybackLimit> {
    let Some(p) = payback else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let HardwareCost::Owned {
        amortization_months,
        ..
    } = local.hardware
    {
        if p > Decimal::from(amortization_months) {
            out.push(PaybackLimit {
                limit: "amortization_months",
                months: amortization_months,
            });
        }
    }
    if let Some(f) = &scenario.finance {
        if p > Decimal::from(f.horizon_months) {
            out.push(PaybackLimit {
                limit: "finance_horizon",
                months: f.horizon_months,
            });
        }
    }
    out
}

/// Owned capital / (API monthly − local monthly without the hardware line),
/// at the workload volume; none where local does not cost less than the API
/// there (its saving would not repay the hardware within its life).
pub fn payback_months(
    scenario: &Scenario,
    local: &LocalOption,
    api: &ApiOption,
) -> Option<Decimal> {
    let v = scenario.workload.tokens_per_month;
    let cost = local.cost_at(&scenario.workload, scenario.hours_per_month, v);
    if !cost.can_serve {
        return None;
    }
    let capital = local.capital(cost.nodes)?;
    let api_monthly = api.monthly(&scenario.workload, v);
    if cost.monthly >= api_monthly {
        return None;
    }
    let saving = api_monthly - cost.breakdown.operating();
    if saving <= Money::ZERO {
        return None;
    }
    capital
        .ratio(saving)
        .map(|m| m.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
}

/// Most linear pieces an autoscaled solve walks before it skips to the
/// volume from which local surely wins (the skipped ranges are then
/// `local_wins_truncated`).
const MAX_PIECES: u64 = 200_000;

/// Break-even of an autoscaled option: hour h runs n_h nodes, so the cost is
/// linear between consecutive edges of the hourly step functions. Bounds
/// (docs/billing.md): with F the cost of a node kept on a whole month, O its
/// `other_monthly`, C the flat and C_peak the busiest-hour capacity per node,
/// the gap is between S + m·V and S + O + (F − O)(1 + min_nodes) + m·V, with
/// m = O/C_peak + (F − O)/C + (busy-hour cost − API price) per token. Only the
/// pieces between where the lower bound turns non-positive and where the upper
/// one does are walked, each settled on the report's cost function.
fn autoscaled(pair: &Pair<'_>, min_nodes: u64) -> BreakEven {
    use crate::model::scenario::{Billing, HardwareCost};
    let (s, local, api) = (pair.scenario, pair.local, pair.api);
    let w = &s.workload;
    let hours = s.hours_per_month;
    let cur = &s.currency;
    let mtok = Decimal::from(1_000_000u32);
    // The same option kept on all month: its per-node cost F and per-token slope.
    let mut on = local.clone();
    if let HardwareCost::Rented { billing, .. } = &mut on.hardware {
        *billing = Billing::AlwaysOn;
    }
    let on_gap = |v: u64, n: u64| {
        (on.cost_with_nodes(w, hours, Tokens(v), n).monthly - api.monthly(w, Tokens(v))).amount()
    };
    let staff = local.staff_monthly().amount();
    let fixed = on_gap(0, 1) - staff;
    let slope = (on_gap(1_000_000, 1) - fixed - staff) / mtok;
    let other = local.other_monthly.amount();
    let cap_flat = local.capacity_flat(w, hours);
    let cap_peak = local.capacity(w, hours);
    let m = other / cap_peak + (fixed - other) / cap_flat + slope;
    let spread = other + (fixed - other) * Decimal::from(min_nodes.saturating_add(1));
    let gap =
        |v: u64| (local.cost_at(w, hours, Tokens(v)).monthly - api.monthly(w, Tokens(v))).amount();
    let top_served = local
        .max_nodes
        .map(|c| local.steps(w, hours).top(c).min(MAX_TOKENS));
    let end = top_served.unwrap_or(MAX_TOKENS);
    let to_u64 = |d: Decimal| d.to_u64().unwrap_or(u64::MAX);
    // Below `start` the lower bound is positive; from `sure` on the upper one is not.
    let (start, sure) = if m < Decimal::ZERO {
        let neg = -m;
        let lo = (staff / neg).floor();
        let hi = ((staff + spread) / neg).ceil();
        (to_u64(lo).max(1), to_u64(hi).saturating_add(1))
    } else {
        // Never below zero from the bound's point of view; walk only where it is.
        let lo = if m.is_zero() && staff.is_zero() && other.is_zero() {
            1
        } else {
            u64::MAX
        };
        (lo, u64::MAX)
    };
    let groups = local.hour_steps(w, hours);
    let mut ranges: Vec<Range> = Vec::new();
    let mut truncated = false;
    let mut lo = start;
    let mut pieces = 0u64;
    let push = |ranges: &mut Vec<Range>, from: u64, to: u64| match ranges.last_mut() {
        Some(last) if last.to.is_some_and(|t| t + 1 >= from) => last.to = Some(to),
        _ => ranges.push(Range { from, to: Some(to) }),
    };
    while lo <= end && lo < sure {
        if pieces >= MAX_PIECES || ranges.len() >= MAX_RANGES {
            truncated = true;
            break;
        }
        pieces += 1;
        let hi = groups
            .iter()
            .map(|g| g.top(g.nodes(lo)))
            .min()
            .unwrap_or(end)
            .clamp(lo, end);
        let (g_lo, g_hi) = (gap(lo), gap(hi));
        if g_lo <= Decimal::ZERO {
            push(&mut ranges, lo, hi);
        } else if g_hi <= Decimal::ZERO {
            // Linear on [lo, hi]: first volume with gap ≤ 0, settled exactly.
            let guess = (Decimal::from(hi - lo) * g_lo / (g_lo - g_hi))
                .ceil()
                .to_u64()
                .unwrap_or(0)
                .saturating_add(lo)
                .clamp(lo, hi);
            let mut from = guess;
            while from < hi && gap(from) > Decimal::ZERO {
                from += 1;
            }
            while from > lo && gap(from - 1) <= Decimal::ZERO {
                from -= 1;
            }
            push(&mut ranges, from, hi);
        }
        lo = hi.saturating_add(1);
    }
    if sure <= end {
        // Local wins at every volume from `sure` on (the upper bound).
        let from = sure.max(start);
        if truncated {
            ranges.push(Range {
                from,
                to: top_served,
            });
        } else {
            push(&mut ranges, from, end);
            if let Some(last) = ranges.last_mut() {
                last.to = top_served;
            }
        }
    } else if let (Some(last), None) = (ranges.last_mut(), local.max_nodes) {
        if last.to == Some(MAX_TOKENS) {
            last.to = None;
        }
    }
    let reason = ranges.is_empty().then(|| {
        if m >= Decimal::ZERO {
            format!(
                "scaled by the hour, each extra million tokens costs {} locally against {} on the API",
                format::per_mtok(PerMTok::new(m * mtok + api.blended(w).amount()), cur),
                format::per_mtok(api.blended(w), cur)
            )
        } else {
            match local.max_nodes {
                Some(c) => format!(
                    "max_nodes {c} serves at most {} tokens/month, below the volume where local would first win",
                    format::tokens(Tokens(end))
                ),
                None => "does not break even below 10^15 tokens/month".to_string(),
            }
        }
    });
    let payback = payback_months(s, local, api);
    let status = match ranges.as_slice() {
        [] => Status::Never,
        [only] if only.from == 1 && only.to == top_served => Status::Always,
        _ => Status::Crosses,
    };
    BreakEven {
        local: local.name.clone(),
        api: api.name.clone(),
        status,
        tokens_per_month: ranges.first().map(|r| r.from),
        local_wins: ranges,
        local_wins_truncated: truncated,
        reason,
        payback_months: payback,
        payback_exceeds: payback_exceeds(s, local, payback),
        finance: None,
    }
}
