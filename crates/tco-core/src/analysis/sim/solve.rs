//! One sample's per-node figures, its cost at a volume and its first
//! break-even volume in closed form (autoscaled: a walk over the linear
//! pieces), the f64 mirror of [`crate::model::breakeven`].

use super::fast::{Inputs, LocalF};
use crate::model::units::MAX_TOKENS;

/// ceil(x), reading a value within 1e-14 (relative) above a whole number as
/// that number: where the exact answer is a whole number (a volume at exactly
/// a node's capacity, a break-even of exactly 2,527,890,000 tokens) f64
/// rounding may land a hair above it, and the exact model says the lower one.
#[inline]
pub(super) fn ceil_exact(x: f64) -> f64 {
    let c = x.ceil();
    if c - x > 0.0 && (x - (c - 1.0)) <= x.abs() * 1e-14 {
        c - 1.0
    } else {
        c
    }
}

/// One local option's per-sample figures, computed once and shared by the
/// cost at the workload volume, each pair's break-even and the finance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Derived<'a> {
    /// Busy node-seconds per token.
    pub(super) spt: f64,
    /// Hours one node can be kept busy in a month.
    pub(super) node_hours: f64,
    /// Tokens one node serves in a month.
    pub(super) cap: f64,
    /// Fixed cost per node per month (hardware with overhead, other, idle power).
    pub(super) fixed: f64,
    /// Cost per busy hour (busy-hour rental with overhead, power above idle).
    pub(super) per_busy_hour: f64,
    pub(super) staff: f64,
    /// Owned hardware line per node (0 when rented).
    pub(super) hw_node: f64,
    pub(super) max_nodes: f64,
    /// Autoscaled billing's figures (None for every other kind).
    pub(super) auto: Option<Auto<'a>>,
}

/// An autoscaled option's per-sample figures. The hourly shares are the
/// workload's, borrowed from the inputs: a sample copies no 24-hour array.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Auto<'a> {
    pub(super) min_nodes: f64,
    /// Each hour's share of a day's traffic × 24 (all 1 for a flat profile).
    pub(super) shares: &'a [f64; 24],
    /// Node hours of a flat month.
    pub(super) flat_hours: f64,
    pub(super) other: f64,
    pub(super) hours: f64,
}

#[inline]
pub(super) fn derive<'a>(x: &'a Inputs, l: &LocalF) -> Derived<'a> {
    let hours = x.hours;
    let spt = x.seconds_per_token(l);
    let node_hours = hours * l.max_util * l.capacity_factor;
    let hw_node = if l.owned { l.owned_monthly() } else { 0.0 };
    let fixed_hw = if l.owned {
        hw_node
    } else if l.busy_billing {
        0.0
    } else {
        l.rent * l.rent_factor * l.gpus * hours
    };
    let mut fixed = fixed_hw * (1.0 + l.overhead) + l.other;
    if l.has_power {
        fixed += l.kwh * l.pue / 1000.0 * hours * l.idle;
    }
    Derived {
        spt,
        node_hours,
        cap: 3600.0 * node_hours / spt,
        fixed,
        per_busy_hour: l.per_busy_hour(),
        staff: l.staff(),
        hw_node,
        max_nodes: l.max_nodes,
        auto: l.autoscaled.map(|min_nodes| Auto {
            min_nodes,
            shares: &x.hourly_shares,
            flat_hours: node_hours / l.capacity_factor,
            other: l.other,
            hours,
        }),
    }
}

/// floor(x), reading a value within 1e-14 (relative) below a whole number as
/// that number (the mirror of [`ceil_exact`]).
#[inline]
pub(super) fn floor_exact(x: f64) -> f64 {
    let c = x.ceil();
    if c - x > 0.0 && (c - x) <= x.abs() * 1e-14 {
        c
    } else {
        x.floor()
    }
}

/// Autoscaled: nodes, monthly and the next volume where an hour's node
/// count changes, at `v` (breakeven.rs's piecewise-linear walk in f64).
#[inline]
pub(super) fn auto_at(d: &Derived, a: &Auto, v: f64) -> (f64, f64, f64) {
    let Auto {
        min_nodes: min,
        shares,
        flat_hours,
        other,
        hours,
    } = *a;
    let busy_hours = v * d.spt / 3600.0;
    let mut running = 0.0;
    let mut peak: f64 = 0.0;
    let mut next = f64::INFINITY;
    for &sh in shares {
        if sh <= 0.0 || v <= 0.0 {
            running += min;
            continue;
        }
        let nh = ceil_exact(busy_hours * sh / flat_hours);
        peak = peak.max(nh);
        running += nh.max(min);
        next = next.min(floor_exact(nh * flat_hours * 3600.0 / (d.spt * sh)));
    }
    let n = peak.max(1.0);
    // fixed is what a node kept on all month costs; other is per peak node.
    let per_node_hour = (d.fixed - other) / hours;
    let monthly =
        per_node_hour * running * hours / 24.0 + other * n + d.per_busy_hour * busy_hours + d.staff;
    (n, monthly, next)
}

/// Autoscaled first break-even: walk the linear pieces between the volume
/// where the lower bound turns non-positive and where the upper bound does.
pub(super) fn auto_break_even(d: &Derived, a: &Auto, api_per_mtok: f64) -> f64 {
    let (min, flat_hours, other) = (a.min_nodes, a.flat_hours, a.other);
    let q = api_per_mtok / 1e6 - d.per_busy_hour * d.spt / 3600.0;
    let cap_flat = 3600.0 * flat_hours / d.spt;
    let m = other / d.cap + (d.fixed - other) / cap_flat - q;
    if m >= 0.0 {
        return f64::INFINITY;
    }
    let spread = other + (d.fixed - other) * (min + 1.0);
    let end = (d.max_nodes * d.cap).min(MAX_TOKENS as f64);
    let mut lo = (d.staff / -m).floor().max(1.0);
    let sure = ((d.staff + spread) / -m).ceil() + 1.0;
    // Local minus API, read as 0 within 1e-12 of the API bill: where the exact
    // model ties (ties go to local), f64 may land a hair either side.
    let gap = |v: f64| {
        let api = v / 1e6 * api_per_mtok;
        let g = auto_at(d, a, v).1 - api;
        if g.abs() <= api.abs() * 1e-12 {
            0.0
        } else {
            g
        }
    };
    let mut pieces = 0;
    while lo <= end && lo < sure && pieces < 200_000 {
        pieces += 1;
        let (_, _, next) = auto_at(d, a, lo);
        let hi = next.clamp(lo, end);
        let (g_lo, g_hi) = (gap(lo), gap(hi));
        if g_lo <= 0.0 {
            return lo;
        }
        if g_hi <= 0.0 {
            let mut from = (lo + ceil_exact((hi - lo) * g_lo / (g_lo - g_hi))).clamp(lo, hi);
            while from < hi && gap(from) > 0.0 {
                from += 1.0;
            }
            while from > lo && gap(from - 1.0) <= 0.0 {
                from -= 1.0;
            }
            return from;
        }
        lo = hi + 1.0;
    }
    if sure <= end {
        sure
    } else {
        f64::INFINITY
    }
}

/// First break-even volume of a pair for one sample (∞ = never).
#[inline]
pub(super) fn first_break_even(d: &Derived, api_per_mtok: f64) -> f64 {
    if let Some(a) = &d.auto {
        return auto_break_even(d, a, api_per_mtok);
    }
    let (cap, fixed, staff) = (d.cap, d.fixed, d.staff);
    // What one more token saves locally against the API.
    let q = api_per_mtok / 1e6 - d.per_busy_hour * d.spt / 3600.0;
    if q <= 0.0 {
        return if q == 0.0 && fixed == 0.0 && staff == 0.0 {
            1.0
        } else {
            f64::INFINITY
        };
    }
    let gain = q * cap - fixed; // what one fully loaded node saves
    if gain <= 0.0 {
        return f64::INFINITY;
    }
    let n = if staff > 0.0 {
        ceil_exact(staff / gain).max(1.0)
    } else {
        1.0
    };
    if n > d.max_nodes {
        return f64::INFINITY;
    }
    let first = ceil_exact((n * fixed + staff) / q).max(((n - 1.0) * cap).floor() + 1.0);
    if first > MAX_TOKENS as f64 {
        f64::INFINITY
    } else {
        first.max(1.0)
    }
}

/// Nodes, monthly cost and running cost (monthly less the owned hardware line) at `v`.
#[inline]
pub(super) fn local_at(d: &Derived, v: f64) -> (f64, f64, f64) {
    if let Some(a) = &d.auto {
        let (n, monthly, _) = auto_at(d, a, v);
        return (n, monthly, monthly);
    }
    let busy_hours = v * d.spt / 3600.0;
    let n = ceil_exact(busy_hours / d.node_hours).max(1.0);
    let monthly = n * d.fixed + d.per_busy_hour * busy_hours + d.staff;
    (n, monthly, monthly - n * d.hw_node)
}
