//! Monte Carlo over a scenario's uncertain inputs (`tco simulate`).
//!
//! The hot path runs in `f64`: each sample draws every uncertain input, then
//! prices each option and solves each pair's first break-even volume in
//! closed form (the same algebra as [`crate::model::breakeven`]: within a node count
//! both costs are linear in the volume, so the first winning step is
//! ceil(S / D) with S the staff cost and D what one full node saves). A
//! `Decimal` evaluation per sample costs about 60 µs for the flagship; 100,000
//! samples would take six seconds, so exact decimals stay where figures are
//! exact — the point report — and simulated percentiles, which are estimates
//! with a sampling error far above a cent, are rounded to cents and whole
//! tokens when reported. With every input degenerate the sampled figures equal
//! the point report's (tested).
//!
//! Reproducible by seed on every platform: PCG-64 draws, inverse-CDF and gamma
//! code on `libm`, and a fixed order of draws (sample by sample, input by
//! input in document order).

use crate::error::Error;
use crate::model::scenario::{Billing, HardwareCost, Scenario};
use crate::model::uncertain::{four_digits, Dist, InputSource, Param, Rng, Sampler};
use crate::model::units::{Money, MAX_TOKENS};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

/// Default number of samples.
pub const DEFAULT_SAMPLES: usize = 10_000;
/// Default seed: runs without `--seed` are reproducible too.
pub const DEFAULT_SEED: u64 = 42;
/// Most samples one run may ask for.
pub const MAX_SAMPLES: usize = 10_000_000;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimOptions {
    pub samples: usize,
    pub seed: u64,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            samples: DEFAULT_SAMPLES,
            seed: DEFAULT_SEED,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct ApiF {
    input: f64,
    output: f64,
    cached: f64,
    batch_discount: f64,
    cache_write: f64,
    /// Off-peak (input, output, cached, cache write), when the vendor has them.
    off_peak: Option<(f64, f64, f64, f64)>,
    uplift: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct LocalF {
    owned: bool,
    price: f64,
    residual: f64,
    months: f64,
    cost_of_capital: f64,
    rent: f64,
    gpus: f64,
    busy_billing: bool,
    /// Share of the hourly price paid (1 − spot discount).
    rent_factor: f64,
    /// Share of a node's hours that serve: (1 − spot interruption overhead)
    /// times Σw / (24·w_max) for an hourly profile.
    capacity_factor: f64,
    /// `autoscaled` billing: min_nodes, and each hour's share of a day's
    /// traffic times 24 (1 for a flat profile).
    autoscaled: Option<(f64, [f64; 24])>,
    has_power: bool,
    load: f64,
    idle: f64,
    kwh: f64,
    pue: f64,
    fte: f64,
    annual: f64,
    other: f64,
    overhead: f64,
    prefill: f64,
    decode: f64,
    max_util: f64,
    max_nodes: f64,
}

/// The f64 image of a scenario's inputs.
#[derive(Debug, Clone, PartialEq, Default)]
struct Inputs {
    hours: f64,
    volume: f64,
    input_share: f64,
    cached_share: f64,
    batch_share: f64,
    cache_write_share: f64,
    off_peak_share: f64,
    api: Vec<ApiF>,
    local: Vec<LocalF>,
    discount_rate: f64,
    growth: f64,
    price_change: f64,
    /// Months of the finance block; 0 without one.
    horizon: usize,
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

impl Inputs {
    fn of(s: &Scenario) -> Inputs {
        let w = &s.workload;
        Inputs {
            hours: f(s.hours_per_month),
            volume: w.tokens_per_month.0 as f64,
            input_share: f(w.input_share),
            cached_share: f(w.cached_input_share),
            batch_share: f(w.batch_share),
            cache_write_share: f(w.cache_write_share),
            off_peak_share: f(w.off_peak_share),
            api: s
                .api
                .iter()
                .map(|a| ApiF {
                    input: f(a.input_per_mtok.amount()),
                    output: f(a.output_per_mtok.amount()),
                    cached: f(a.cached_input_per_mtok.amount()),
                    batch_discount: f(a.batch_discount),
                    cache_write: f(a.cache_write_per_mtok.amount()),
                    off_peak: a.off_peak.map(|o| {
                        (
                            f(o.input_per_mtok.amount()),
                            f(o.output_per_mtok.amount()),
                            f(o.cached_input_per_mtok.amount()),
                            f(o.cache_write().amount()),
                        )
                    }),
                    uplift: f(a.uplift),
                })
                .collect(),
            local: s
                .local
                .iter()
                .map(|l| {
                    let mut x = LocalF {
                        fte: l.staff.as_ref().map_or(0.0, |st| f(st.fte)),
                        annual: l
                            .staff
                            .as_ref()
                            .map_or(0.0, |st| f(st.annual_cost.amount())),
                        other: f(l.other_monthly.amount()),
                        overhead: f(l.overhead_share),
                        prefill: f(l.throughput.prefill.per_second()),
                        decode: f(l.throughput.decode.per_second()),
                        max_util: f(l.max_utilization),
                        max_nodes: l.max_nodes.map_or(f64::INFINITY, |m| m as f64),
                        pue: 1.0,
                        rent_factor: 1.0,
                        capacity_factor: s
                            .workload
                            .peak()
                            .map_or(1.0, |(p24, sum)| f(sum) / f(p24)),
                        ..LocalF::default()
                    };
                    match &l.hardware {
                        HardwareCost::Owned {
                            price,
                            residual_value,
                            amortization_months,
                            cost_of_capital,
                            ..
                        } => {
                            x.owned = true;
                            x.price = f(price.amount());
                            x.residual = f(residual_value.amount());
                            x.months = f64::from(*amortization_months);
                            x.cost_of_capital = f(*cost_of_capital);
                        }
                        HardwareCost::Rented {
                            price_per_gpu_hour,
                            gpus,
                            billing,
                        } => {
                            x.rent = f(price_per_gpu_hour.amount());
                            x.gpus = f64::from(*gpus);
                            x.busy_billing = *billing == Billing::BusyHours;
                            if let Billing::Spot {
                                discount,
                                interruption_overhead,
                            } = billing
                            {
                                x.rent_factor = 1.0 - f(*discount);
                                x.capacity_factor *= 1.0 - f(*interruption_overhead);
                            }
                            if let Billing::Autoscaled { min_nodes } = billing {
                                let mut shares = [1.0; 24];
                                if let Some(w) = &s.workload.hourly_profile {
                                    let sum: f64 = w.iter().map(|x| f(*x)).sum();
                                    for (sh, wh) in shares.iter_mut().zip(w) {
                                        *sh = f(*wh) * 24.0 / sum;
                                    }
                                }
                                x.autoscaled = Some((*min_nodes as f64, shares));
                            }
                        }
                    }
                    if let Some(p) = &l.power {
                        x.has_power = true;
                        x.load = f(p.load_watts);
                        x.idle = f(p.idle_watts);
                        x.kwh = f(p.price_per_kwh.amount());
                        x.pue = f(p.pue);
                    }
                    x
                })
                .collect(),
            discount_rate: s.finance.as_ref().map_or(0.0, |fi| f(fi.discount_rate)),
            growth: s
                .finance
                .as_ref()
                .map_or(0.0, |fi| f(fi.volume_growth_per_month)),
            price_change: s
                .finance
                .as_ref()
                .map_or(0.0, |fi| f(fi.api_price_change_per_year)),
            horizon: s
                .finance
                .as_ref()
                .map_or(0, |fi| fi.horizon_months as usize),
        }
    }

    fn set(&mut self, p: Param, x: f64) {
        use Param::*;
        match p {
            HoursPerMonth => self.hours = x,
            TokensPerMonth => self.volume = x,
            InputShare => self.input_share = x,
            CachedInputShare => self.cached_share = x,
            BatchShare => self.batch_share = x,
            ApiInput(i) => self.with_api(i, |a| a.input = x),
            ApiOutput(i) => self.with_api(i, |a| a.output = x),
            ApiCachedInput(i) => self.with_api(i, |a| a.cached = x),
            ApiBatchDiscount(i) => self.with_api(i, |a| a.batch_discount = x),
            Price(i) => self.with_local(i, |l| l.price = x),
            ResidualValue(i) => self.with_local(i, |l| l.residual = x),
            AmortizationMonths(i) => self.with_local(i, |l| l.months = x),
            CostOfCapital(i) => self.with_local(i, |l| l.cost_of_capital = x),
            PricePerGpuHour(i) => self.with_local(i, |l| l.rent = x),
            Gpus(i) => self.with_local(i, |l| l.gpus = x),
            LoadWatts(i) => self.with_local(i, |l| l.load = x),
            IdleWatts(i) => self.with_local(i, |l| l.idle = x),
            PricePerKwh(i) => self.with_local(i, |l| l.kwh = x),
            Pue(i) => self.with_local(i, |l| l.pue = x),
            Fte(i) => self.with_local(i, |l| l.fte = x),
            AnnualCost(i) => self.with_local(i, |l| l.annual = x),
            OtherMonthly(i) => self.with_local(i, |l| l.other = x),
            OverheadShare(i) => self.with_local(i, |l| l.overhead = x),
            MaxUtilization(i) => self.with_local(i, |l| l.max_util = x),
            TokensPerSecond(i) => self.with_local(i, |l| {
                l.prefill = x;
                l.decode = x;
            }),
            TokensPerHour(i) => self.with_local(i, |l| {
                l.prefill = x / 3600.0;
                l.decode = x / 3600.0;
            }),
            PrefillTokensPerSecond(i) => self.with_local(i, |l| l.prefill = x),
            DecodeTokensPerSecond(i) => self.with_local(i, |l| l.decode = x),
            DiscountRate => self.discount_rate = x,
            VolumeGrowth => self.growth = x,
            ApiPriceChange => self.price_change = x,
        }
    }

    #[inline]
    fn with_api(&mut self, i: usize, g: impl FnOnce(&mut ApiF)) {
        if let Some(a) = self.api.get_mut(i) {
            g(a);
        }
    }

    #[inline]
    fn with_local(&mut self, i: usize, g: impl FnOnce(&mut LocalF)) {
        if let Some(l) = self.local.get_mut(i) {
            g(l);
        }
    }

    /// Blended API price per MTok (docs/model.md).
    #[inline]
    fn blended(&self, a: &ApiF) -> f64 {
        let s = self.input_share;
        let c = self.cached_share;
        let w = self.cache_write_share;
        let o = self.off_peak_share;
        let mix = |p_in: f64, p_out: f64, p_cached: f64, p_write: f64| {
            let input = p_in * (1.0 - c - w) + p_cached * c + p_write * w;
            input * s + p_out * (1.0 - s)
        };
        let standard = mix(a.input, a.output, a.cached, a.cache_write);
        let blend = if o > 0.0 {
            let off = a
                .off_peak
                .map_or(standard, |(i, out, ca, wr)| mix(i, out, ca, wr));
            standard * (1.0 - o) + off * o
        } else {
            standard
        };
        blend * (1.0 - self.batch_share * a.batch_discount) * a.uplift
    }

    /// Busy node-seconds per token at the workload's mix.
    #[inline]
    fn seconds_per_token(&self, l: &LocalF) -> f64 {
        self.input_share / l.prefill + (1.0 - self.input_share) / l.decode
    }
}

impl LocalF {
    /// Owned hardware per node per month: straight line, or the annuity.
    #[inline]
    fn owned_monthly(&self) -> f64 {
        let months = self.months.max(1.0);
        if self.cost_of_capital <= 0.0 {
            return (self.price - self.residual) / months;
        }
        let r = self.cost_of_capital / 12.0;
        // libm's pow: the same bits on every platform.
        let g = libm::pow(1.0 + r, months.floor());
        let pv = self.price - self.residual / g;
        pv * r * g / (g - 1.0)
    }

    /// Cost per busy hour: busy-hour rental with overhead, load power above idle.
    #[inline]
    fn per_busy_hour(&self) -> f64 {
        let mut x = 0.0;
        if !self.owned && self.busy_billing {
            x += self.rent * self.gpus * (1.0 + self.overhead);
        }
        if self.has_power {
            x += self.kwh * self.pue / 1000.0 * (self.load - self.idle);
        }
        x
    }

    #[inline]
    fn staff(&self) -> f64 {
        self.fte * self.annual / 12.0
    }
}

/// ceil(x), reading a value within 1e-14 (relative) above a whole number as
/// that number: where the exact answer is a whole number (a volume at exactly
/// a node's capacity, a break-even of exactly 2,527,890,000 tokens) f64
/// rounding may land a hair above it, and the exact model says the lower one.
#[inline]
fn ceil_exact(x: f64) -> f64 {
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
struct Derived {
    /// Busy node-seconds per token.
    spt: f64,
    /// Hours one node can be kept busy in a month.
    node_hours: f64,
    /// Tokens one node serves in a month.
    cap: f64,
    /// Fixed cost per node per month (hardware with overhead, other, idle power).
    fixed: f64,
    /// Cost per busy hour (busy-hour rental with overhead, power above idle).
    per_busy_hour: f64,
    staff: f64,
    /// Owned hardware line per node (0 when rented).
    hw_node: f64,
    max_nodes: f64,
    /// Autoscaled: (min_nodes, hourly shares × 24, node hours of a flat month,
    /// other_monthly, hours per month).
    auto: Option<(f64, [f64; 24], f64, f64, f64)>,
}

#[inline]
fn derive(x: &Inputs, l: &LocalF) -> Derived {
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
        auto: l.autoscaled.map(|(min, shares)| {
            let peak = l.capacity_factor;
            (min, shares, node_hours / peak, l.other, hours)
        }),
    }
}

/// floor(x), reading a value within 1e-14 (relative) below a whole number as
/// that number (the mirror of [`ceil_exact`]).
#[inline]
fn floor_exact(x: f64) -> f64 {
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
fn auto_at(d: &Derived, a: &(f64, [f64; 24], f64, f64, f64), v: f64) -> (f64, f64, f64) {
    let (min, shares, flat_hours, other, hours) = *a;
    let busy_hours = v * d.spt / 3600.0;
    let mut running = 0.0;
    let mut peak: f64 = 0.0;
    let mut next = f64::INFINITY;
    for sh in shares {
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
fn auto_break_even(d: &Derived, a: &(f64, [f64; 24], f64, f64, f64), api_per_mtok: f64) -> f64 {
    let (min, _, flat_hours, other, _) = *a;
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
fn first_break_even(d: &Derived, api_per_mtok: f64) -> f64 {
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
fn local_at(d: &Derived, v: f64) -> (f64, f64, f64) {
    if let Some(a) = &d.auto {
        let (n, monthly, _) = auto_at(d, a, v);
        return (n, monthly, monthly);
    }
    let busy_hours = v * d.spt / 3600.0;
    let n = ceil_exact(busy_hours / d.node_hours).max(1.0);
    let monthly = n * d.fixed + d.per_busy_hour * busy_hours + d.staff;
    (n, monthly, monthly - n * d.hw_node)
}

/// Scratch space for one sample's finance, reused across samples.
#[derive(Debug, Clone, Default)]
struct FinScratch {
    /// 1/(1+r)^m, m = 0..=horizon.
    discount: Vec<f64>,
    /// Σ_{m=1..h} 1/(1+r)^m.
    annuity: f64,
    /// The monthly rate the table was built for.
    rate: f64,
    /// Tokens of month m at index m−1 (empty when the volume does not grow).
    volumes: Vec<f64>,
    /// (bought at the end of month, nodes)
    cohorts: Vec<(usize, f64)>,
}

/// What every pair of one sample shares: Σ_m factor_m · V_m/1e6 · d_m, so a
/// pair's discounted API spend is its blended price times this.
fn finance_common(x: &Inputs, sc: &mut FinScratch) -> f64 {
    let h = x.horizon;
    let r = x.discount_rate / 12.0;
    // The discount table depends on the rate alone: rebuilt only when it changes.
    if sc.discount.len() != h + 1 || sc.rate != r {
        sc.rate = r;
        sc.discount.clear();
        sc.annuity = 0.0;
        let mut d = 1.0;
        sc.discount.push(1.0);
        for _ in 1..=h {
            d *= 1.0 + r;
            let inv = 1.0 / d;
            sc.discount.push(inv);
            sc.annuity += inv;
        }
    }
    sc.volumes.clear();
    // Monthly API price factor (1+a)^(1/12), raised month by month.
    let q = libm::pow(1.0 + x.price_change, 1.0 / 12.0);
    if x.growth == 0.0 {
        let v = x.volume.round().min(MAX_TOKENS as f64);
        // Σ_{m=1..h} q^(m−1)/(1+r)^m, a geometric series in ρ = q/(1+r).
        let rho = q / (1.0 + r);
        let sum = if (rho - 1.0).abs() < 1e-12 {
            h as f64 / (1.0 + r)
        } else {
            (1.0 - libm::pow(rho, h as f64)) / (1.0 - rho) / (1.0 + r)
        };
        return sum * v / 1e6;
    }
    let mut factor = 1.0;
    let mut api_w = 0.0;
    let mut growth = 1.0;
    for m in 1..=h {
        if m > 1 {
            factor *= q;
            growth *= 1.0 + x.growth;
        }
        let v = (x.volume * growth).round().min(MAX_TOKENS as f64);
        sc.volumes.push(v);
        api_w += factor * v / 1e6 * sc.discount[m];
    }
    api_w
}

/// Discounted running cost plus net capital of one local option over the
/// horizon (finance.rs's conventions in f64); ∞ when some month's volume
/// needs more than max_nodes.
fn finance_local(x: &Inputs, l: &LocalF, dv: &Derived, sc: &mut FinScratch) -> f64 {
    let h = x.horizon;
    let life = l.months.max(1.0) as usize;
    if sc.volumes.is_empty() {
        // A steady volume: the same nodes and running cost every month, so
        // the running cost is one annuity and the capital has a closed form:
        // buy n at month 0, replace them at each end of life before the
        // horizon, count the last ones' book value at the horizon.
        let (n, _, run) = local_at(dv, x.volume.round().min(MAX_TOKENS as f64));
        if n > dv.max_nodes {
            return f64::INFINITY;
        }
        let mut total = run * sc.annuity;
        if l.owned {
            let mut k = 0;
            total += l.price * n;
            while k + life < h {
                k += life;
                total += (l.price - l.residual) * n * sc.discount[k];
            }
            let remaining = (k + life - h) as f64;
            let book = (l.residual + (l.price - l.residual) * remaining / life as f64) * n;
            total -= book * sc.discount[h];
        }
        return total;
    }
    let mut total = 0.0;
    let mut last: Option<(f64, f64, f64)> = None; // (volume, nodes, running)
    sc.cohorts.clear();
    let mut in_service = 0.0;
    for m in 1..=h {
        let v = sc.volumes[m - 1];
        let (n, run) = match last {
            Some((pv, n, run)) if pv == v => (n, run),
            _ => {
                let (n, _, run) = local_at(dv, v);
                if n > dv.max_nodes {
                    return f64::INFINITY;
                }
                (n, run)
            }
        };
        last = Some((v, n, run));
        total += run * sc.discount[m];
        if l.owned {
            // Capital at the end of month m−1 (index k = m−1) for month m's nodes.
            let k = m - 1;
            let mut c = 0.0;
            let mut retired = 0.0;
            sc.cohorts.retain(|&(at, cnt)| {
                if at + life == k {
                    retired += cnt;
                    false
                } else {
                    true
                }
            });
            in_service -= retired;
            c -= l.residual * retired;
            if n > in_service {
                c += l.price * (n - in_service);
                sc.cohorts.push((k, n - in_service));
                in_service = n;
            }
            total += c * sc.discount[k];
        }
    }
    if l.owned {
        let mut book = 0.0;
        for &(at, cnt) in &sc.cohorts {
            let remaining = (at + life).saturating_sub(h) as f64;
            book += (l.residual + (l.price - l.residual) * remaining / life as f64) * cnt;
        }
        total -= book * sc.discount[h];
    }
    total
}

/// Percentiles reported for a sampled quantity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Percentiles<T> {
    pub p5: T,
    pub p10: T,
    pub p50: T,
    pub p90: T,
    pub p95: T,
}

pub const LEVELS: [f64; 5] = [0.05, 0.10, 0.50, 0.90, 0.95];

/// Linear-interpolated percentiles (numpy's default) of `xs`, which may hold
/// ∞; a percentile that interpolates into ∞ is `None`. Reorders `xs`.
///
/// Selection instead of a sort, middle out: P50 splits the samples, P10 and
/// P5 are selected in the lower part, P90 and P95 in the upper, and each
/// interpolation's upper neighbour is the least element between its rank and
/// the next selected one: about 3n comparisons in all, where a sort is n·log n.
fn percentiles(xs: &mut [f64]) -> Percentiles<Option<f64>> {
    let n = xs.len();
    if n == 0 {
        return Percentiles {
            p5: None,
            p10: None,
            p50: None,
            p90: None,
            p95: None,
        };
    }
    let rank = |p: f64| {
        let h = (n - 1) as f64 * p;
        let lo = h.floor() as usize;
        (lo.min(n - 1), h - lo as f64)
    };
    let ranks: [(usize, f64); 5] = [rank(0.05), rank(0.10), rank(0.50), rank(0.90), rank(0.95)];
    let cmp = f64::total_cmp;
    // Select in the order P50, P10, P5, P90, P95, each within the part the
    // earlier selections leave it in.
    let (r5, r10, r50, r90, r95) = (ranks[0].0, ranks[1].0, ranks[2].0, ranks[3].0, ranks[4].0);
    // Places the element of rank r (within [from, to)) where a sort would.
    let mut select = |from: usize, to: usize, r: usize| {
        if from <= r && r < to {
            xs[from..to].select_nth_unstable_by(r - from, cmp);
        }
    };
    select(0, n, r50);
    select(0, r50, r10);
    select(0, r10, r5);
    select(r50 + 1, n, r90);
    select(r90 + 1, n, r95);
    // Each rank's element is now in place; its upper neighbour is the least
    // element up to the next selected rank (inclusive), or to the end.
    let next_of = [r10, r50, r90, r95, n - 1];
    let mut out = [None; 5];
    for (k, &(lo, t)) in ranks.iter().enumerate() {
        let a = xs[lo];
        let v = if t == 0.0 || lo + 1 >= n {
            a
        } else {
            let end = next_of[k].max(lo + 1);
            let b = xs[lo + 1..=end]
                .iter()
                .copied()
                .fold(f64::INFINITY, f64::min);
            a + (b - a) * t
        };
        out[k] = if v.is_finite() { Some(v) } else { None };
    }
    Percentiles {
        p5: out[0],
        p10: out[1],
        p50: out[2],
        p90: out[3],
        p95: out[4],
    }
}

/// An f64 amount as money: 12 significant digits (which removes f64's
/// representation error, so an exact half cent stays a half cent) then cents.
fn money_of(x: f64) -> Money {
    use rust_decimal::prelude::FromPrimitive;
    let d = Decimal::from_f64(x).unwrap_or(Decimal::ZERO);
    Money::new(d.round_sf(12).unwrap_or(d)).round_cents()
}

fn money_pct(p: Percentiles<Option<f64>>) -> Percentiles<Money> {
    let m = |v: Option<f64>| money_of(v.unwrap_or(0.0));
    Percentiles {
        p5: m(p.p5),
        p10: m(p.p10),
        p50: m(p.p50),
        p90: m(p.p90),
        p95: m(p.p95),
    }
}

fn opt_money_pct(p: Percentiles<Option<f64>>) -> Percentiles<Option<Money>> {
    let m = |v: Option<f64>| v.map(money_of);
    Percentiles {
        p5: m(p.p5),
        p10: m(p.p10),
        p50: m(p.p50),
        p90: m(p.p90),
        p95: m(p.p95),
    }
}

fn tokens_pct(p: Percentiles<Option<f64>>) -> Percentiles<Option<u64>> {
    let t = |v: Option<f64>| v.map(|x| x.round().clamp(0.0, MAX_TOKENS as f64) as u64);
    Percentiles {
        p5: t(p.p5),
        p10: t(p.p10),
        p50: t(p.p50),
        p90: t(p.p90),
        p95: t(p.p95),
    }
}

/// One bar of a histogram: samples with `from ≤ x < to` (the last bar includes `to`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bin {
    pub from: u64,
    pub to: u64,
    pub count: usize,
}

/// Log-spaced bins over the finite samples (one bin when they are all equal).
fn histogram(xs: &[f64], bins: usize) -> Vec<Bin> {
    let finite = xs.iter().copied().filter(|x| x.is_finite());
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut any = false;
    for x in finite {
        any = true;
        lo = lo.min(x);
        hi = hi.max(x);
    }
    if !any {
        return Vec::new();
    }
    lo = lo.max(1.0);
    hi = hi.max(lo);
    if hi <= lo {
        return vec![Bin {
            from: lo as u64,
            to: hi as u64,
            count: xs.iter().filter(|x| x.is_finite()).count(),
        }];
    }
    let (l0, l1) = (libm::log10(lo), libm::log10(hi));
    let width = (l1 - l0) / bins as f64;
    let edge_f = |k: usize| libm::pow(10.0, l0 + width * k as f64);
    // Inner edges; a sample's bin is how many of them it reaches.
    let inner: Vec<f64> = (1..bins).map(edge_f).collect();
    let mut counts = vec![0usize; bins];
    for &x in xs.iter().filter(|x| x.is_finite()) {
        counts[inner.partition_point(|&e| e <= x)] += 1;
    }
    let edge = |k: usize| edge_f(k).round() as u64;
    (0..bins)
        .map(|k| Bin {
            from: if k == 0 { lo as u64 } else { edge(k) },
            to: if k == bins - 1 {
                hi as u64
            } else {
                edge(k + 1)
            },
            count: counts[k],
        })
        .collect()
}

/// An uncertain input as simulated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimInput {
    pub path: String,
    #[serde(flatten)]
    pub dist: Dist,
    pub point: Decimal,
    pub source: InputSource,
    pub p10: Decimal,
    pub p90: Decimal,
    /// Share of draws set to the field's nearest allowed value.
    pub clamped_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimApi {
    pub name: String,
    pub monthly_cost_percentiles: Percentiles<Money>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimLocal {
    pub name: String,
    pub monthly_cost_percentiles: Percentiles<Money>,
    /// Share of samples in which the option can serve the volume (max_nodes).
    pub can_serve_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimPair {
    pub local: String,
    pub api: String,
    /// First break-even volume (tokens/month); `null` where that percentile never breaks even.
    pub break_even_percentiles: Percentiles<Option<u64>>,
    /// Share of samples in which local never breaks even.
    pub never_share: f64,
    /// Share of samples in which local costs no more than the API at the workload volume.
    pub prob_local_cheaper: f64,
    /// Wilson 95 % interval of that share (Monte Carlo error only).
    pub prob_local_cheaper_ci95: (f64, f64),
    /// Log-spaced histogram of the finite break-even volumes.
    pub histogram: Vec<Bin>,
    /// NPV of going local over the finance horizon (`null` in a tail where
    /// some month's volume cannot be served); only with a `finance:` block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub npv_percentiles: Option<Percentiles<Option<Money>>>,
    /// Share of samples with a positive NPV; only with a `finance:` block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prob_npv_positive: Option<f64>,
}

/// The result of `tco simulate`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Simulation {
    pub scenario: String,
    pub currency: String,
    pub samples: usize,
    pub seed: u64,
    /// The point workload volume (samples use their own when it is uncertain).
    pub tokens_per_month: u64,
    pub inputs: Vec<SimInput>,
    pub api: Vec<SimApi>,
    pub local: Vec<SimLocal>,
    pub break_even: Vec<SimPair>,
    pub warnings: Vec<String>,
}

/// Wilson score interval for k successes in n trials at 95 %.
fn wilson(k: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let z = 1.959_963_984_540_054;
    let nf = n as f64;
    let p = k as f64 / nf;
    let den = 1.0 + z * z / nf;
    let centre = (p + z * z / (2.0 * nf)) / den;
    let half = z * libm::sqrt(p * (1.0 - p) / nf + z * z / (4.0 * nf * nf)) / den;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Rounds a share for output (6 decimals keeps JSON stable across platforms).
fn share(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Raw draws of one run, before summarising: what benchmarks and charts need.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Draws {
    /// `local[i][sample]` monthly cost.
    pub local: Vec<Vec<f64>>,
    pub api: Vec<Vec<f64>>,
    /// `pairs[local * n_api + api][sample]` first break-even volume (∞ = never).
    pub break_even: Vec<Vec<f64>>,
    pub cheaper: Vec<usize>,
    /// `npv[pair][sample]` of going local, when the scenario has a finance
    /// block (−∞ where some month cannot be served).
    pub npv: Vec<Vec<f64>>,
    pub can_serve: Vec<usize>,
    pub clamped: Vec<usize>,
}

/// One uncertain input ready to draw.
#[derive(Debug, Clone)]
struct Drawn {
    sampler: Sampler,
    param: Param,
    followers: Vec<Param>,
    bounds: (f64, f64),
    integer: bool,
}

/// Draws `samples` scenarios and prices them.
pub fn draw(scenario: &Scenario, opts: SimOptions) -> Draws {
    let base = Inputs::of(scenario);
    let samplers: Vec<Drawn> = scenario
        .uncertain
        .iter()
        .map(|i| Drawn {
            sampler: i.dist.sampler(),
            param: i.param,
            followers: i.followers.clone(),
            bounds: i.param.bounds(),
            integer: i.param.is_integer(),
        })
        .collect();
    let (nl, na) = (base.local.len(), base.api.len());
    let n = opts.samples;
    let mut d = Draws {
        local: vec![Vec::with_capacity(n); nl],
        api: vec![Vec::with_capacity(n); na],
        break_even: vec![Vec::with_capacity(n); nl * na],
        cheaper: vec![0; nl * na],
        npv: if base.horizon > 0 {
            vec![Vec::with_capacity(n); nl * na]
        } else {
            Vec::new()
        },
        can_serve: vec![0; nl],
        clamped: vec![0; samplers.len()],
    };
    let mut rng = Rng::new(opts.seed);
    let mut x = base.clone();
    let mut blended = vec![0.0; na];
    let mut api_cost = vec![0.0; na];
    let mut fin = FinScratch::default();
    for _ in 0..n {
        x.clone_from(&base);
        for (k, s) in samplers.iter().enumerate() {
            let (lo, hi) = s.bounds;
            let mut v = s.sampler.draw(&mut rng);
            if v < lo || v > hi || v.is_nan() {
                d.clamped[k] += 1;
                v = if v.is_nan() { lo } else { v.clamp(lo, hi) };
            }
            if s.integer {
                v = v.round();
            }
            x.set(s.param, v);
            for q in &s.followers {
                x.set(*q, v);
            }
        }
        // Keep the sample consistent where the reader would refuse it.
        for l in &mut x.local {
            l.residual = l.residual.min(l.price);
        }
        let v = x.volume;
        for (j, a) in x.api.iter().enumerate() {
            blended[j] = x.blended(a);
            api_cost[j] = v / 1e6 * blended[j];
            d.api[j].push(api_cost[j]);
        }
        let api_w = if x.horizon > 0 {
            finance_common(&x, &mut fin)
        } else {
            0.0
        };
        for (i, l) in x.local.iter().enumerate() {
            let dv = derive(&x, l);
            if x.horizon > 0 {
                let cost = finance_local(&x, l, &dv, &mut fin);
                for (j, p) in blended.iter().enumerate() {
                    d.npv[i * na + j].push(p * api_w - cost);
                }
            }
            let (n_nodes, monthly, _) = local_at(&dv, v);
            let can_serve = n_nodes <= dv.max_nodes;
            d.local[i].push(monthly);
            if can_serve {
                d.can_serve[i] += 1;
            }
            for (j, (p, cost)) in blended.iter().zip(&api_cost).enumerate() {
                let k = i * na + j;
                d.break_even[k].push(first_break_even(&dv, *p));
                if can_serve && monthly <= *cost {
                    d.cheaper[k] += 1;
                }
            }
        }
    }
    d
}

/// Runs the Monte Carlo and summarises it.
pub fn simulate(scenario: &Scenario, opts: SimOptions) -> Result<Simulation, Error> {
    if opts.samples == 0 || opts.samples > MAX_SAMPLES {
        return Err(Error::Invalid(format!(
            "{} samples: allowed from 1 to {MAX_SAMPLES}",
            opts.samples
        )));
    }
    let mut d = draw(scenario, opts);
    let n = opts.samples;
    let mut warnings = Vec::new();
    if !scenario.has_uncertainty() {
        warnings.push(
            "no input is uncertain: every sample is the point scenario (write a number as {dist: …} to explore a range)"
                .to_string(),
        );
    }
    let inputs = scenario
        .uncertain
        .iter()
        .zip(&d.clamped)
        .map(|(i, &c)| {
            if c > 0 {
                let (lo, hi) = i.param.bounds();
                warnings.push(format!(
                    "{}: {:.1} % of draws fell outside {lo}–{hi} and were set to the nearest bound",
                    i.path,
                    100.0 * c as f64 / n as f64
                ));
            }
            SimInput {
                path: i.path.clone(),
                dist: i.dist.clone(),
                point: i.point,
                source: i.source,
                p10: four_digits(i.dist.quantile(0.1)),
                p90: four_digits(i.dist.quantile(0.9)),
                clamped_share: share(c as f64 / n as f64),
            }
        })
        .collect();
    let api = scenario
        .api
        .iter()
        .zip(d.api.iter_mut())
        .map(|(a, xs)| SimApi {
            name: a.name.clone(),
            monthly_cost_percentiles: money_pct(percentiles(xs)),
        })
        .collect();
    let local = scenario
        .local
        .iter()
        .zip(d.local.iter_mut())
        .zip(&d.can_serve)
        .map(|((l, xs), &c)| SimLocal {
            name: l.name.clone(),
            monthly_cost_percentiles: money_pct(percentiles(xs)),
            can_serve_share: share(c as f64 / n as f64),
        })
        .collect();
    let na = scenario.api.len();
    let mut break_even = Vec::new();
    for (i, l) in scenario.local.iter().enumerate() {
        for (j, a) in scenario.api.iter().enumerate() {
            let k = i * na + j;
            let xs = &mut d.break_even[k];
            let never = xs.iter().filter(|x| !x.is_finite()).count();
            let hist = histogram(xs, 24);
            break_even.push(SimPair {
                local: l.name.clone(),
                api: a.name.clone(),
                break_even_percentiles: tokens_pct(percentiles(xs)),
                never_share: share(never as f64 / n as f64),
                prob_local_cheaper: share(d.cheaper[k] as f64 / n as f64),
                prob_local_cheaper_ci95: {
                    let (lo, hi) = wilson(d.cheaper[k], n);
                    (share(lo), share(hi))
                },
                histogram: hist,
                npv_percentiles: d.npv.get_mut(k).map(|xs| opt_money_pct(percentiles(xs))),
                prob_npv_positive: d
                    .npv
                    .get(k)
                    .map(|xs| share(xs.iter().filter(|&&x| x > 0.0).count() as f64 / n as f64)),
            });
        }
    }
    Ok(Simulation {
        scenario: scenario.name.clone(),
        currency: scenario.currency.clone(),
        samples: n,
        seed: opts.seed,
        tokens_per_month: scenario.workload.tokens_per_month.0,
        inputs,
        api,
        local,
        break_even,
        warnings,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_like_numpy() {
        // numpy.percentile([1..10], [5,10,50,90,95]) = 1.45, 1.9, 5.5, 9.1, 9.55
        let mut xs: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        let p = percentiles(&mut xs);
        let close = |a: Option<f64>, b: f64| (a.unwrap_or(f64::NAN) - b).abs() < 1e-12;
        assert!(close(p.p5, 1.45));
        assert!(close(p.p10, 1.9));
        assert!(close(p.p50, 5.5));
        assert!(close(p.p90, 9.1));
        assert!(close(p.p95, 9.55));
    }

    #[test]
    fn percentiles_in_the_never_tail_are_none() {
        let mut xs = vec![
            1.0,
            2.0,
            3.0,
            4.0,
            5.0,
            6.0,
            7.0,
            8.0,
            f64::INFINITY,
            f64::INFINITY,
        ];
        let p = percentiles(&mut xs);
        assert_eq!(p.p50, Some(5.5));
        assert_eq!(p.p90, None);
        assert_eq!(p.p95, None);
    }

    /// numpy's linear interpolation on a sorted copy: the reference.
    fn reference(xs: &[f64]) -> Vec<Option<f64>> {
        let mut s = xs.to_vec();
        s.sort_by(f64::total_cmp);
        LEVELS
            .iter()
            .map(|p| {
                let h = (s.len() - 1) as f64 * p;
                let lo = h.floor() as usize;
                let hi = (lo + 1).min(s.len() - 1);
                let t = h - lo as f64;
                let v = if t == 0.0 {
                    s[lo]
                } else {
                    s[lo] + (s[hi] - s[lo]) * t
                };
                v.is_finite().then_some(v)
            })
            .collect()
    }

    proptest::proptest! {
        /// Selection gives what a full sort gives, for any length and with ∞ mixed in;
        /// and the percentiles are ordered.
        #[test]
        fn selection_equals_sorting(
            mut xs in proptest::collection::vec(
                proptest::prop_oneof![9 => -1e6f64..1e6, 1 => proptest::strategy::Just(f64::INFINITY)],
                1..400,
            )
        ) {
            let want = reference(&xs);
            let p = percentiles(&mut xs);
            let got = vec![p.p5, p.p10, p.p50, p.p90, p.p95];
            proptest::prop_assert_eq!(&got, &want);
            let finite: Vec<f64> = got.iter().map_while(|v| *v).collect();
            proptest::prop_assert!(finite.windows(2).all(|w| w[0] <= w[1]));
        }
    }

    #[test]
    fn wilson_interval_is_known() {
        // k = 50 of n = 100: 0.5 ± 0.0962 (Wilson: 0.4038, 0.5962)
        let (lo, hi) = wilson(50, 100);
        assert!((lo - 0.403_8).abs() < 1e-4 && (hi - 0.596_2).abs() < 1e-4);
    }
}
