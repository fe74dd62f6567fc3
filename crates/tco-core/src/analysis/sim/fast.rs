//! The f64 image of a scenario's inputs, the per-sample prices, and the
//! finance over the horizon: the exact model's algebra in f64, for speed.

use super::solve::{local_at, Derived};
use crate::model::scenario::{Billing, HardwareCost, Scenario};
use crate::model::uncertain::Param;
use crate::model::units::MAX_TOKENS;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(super) struct ApiF {
    pub(super) input: f64,
    pub(super) output: f64,
    pub(super) cached: f64,
    pub(super) batch_discount: f64,
    pub(super) cache_write: f64,
    /// Off-peak (input, output, cached, cache write), when the vendor has them.
    pub(super) off_peak: Option<(f64, f64, f64, f64)>,
    pub(super) uplift: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(super) struct LocalF {
    pub(super) owned: bool,
    pub(super) price: f64,
    pub(super) residual: f64,
    pub(super) months: f64,
    pub(super) cost_of_capital: f64,
    pub(super) rent: f64,
    pub(super) gpus: f64,
    pub(super) busy_billing: bool,
    /// Share of the hourly price paid (1 − spot discount).
    pub(super) rent_factor: f64,
    /// Share of a node's hours that serve: (1 − spot interruption overhead)
    /// times Σw / (24·w_max) for an hourly profile.
    pub(super) capacity_factor: f64,
    /// `autoscaled` billing: min_nodes (the hourly shares are
    /// [`Inputs::hourly_shares`], the same for every option).
    pub(super) autoscaled: Option<f64>,
    pub(super) has_power: bool,
    pub(super) load: f64,
    pub(super) idle: f64,
    pub(super) kwh: f64,
    pub(super) pue: f64,
    pub(super) fte: f64,
    pub(super) annual: f64,
    pub(super) other: f64,
    pub(super) overhead: f64,
    pub(super) prefill: f64,
    pub(super) decode: f64,
    pub(super) max_util: f64,
    pub(super) max_nodes: f64,
}

/// The f64 image of a scenario's inputs.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Inputs {
    pub(super) hours: f64,
    pub(super) volume: f64,
    pub(super) input_share: f64,
    pub(super) cached_share: f64,
    pub(super) batch_share: f64,
    pub(super) cache_write_share: f64,
    pub(super) off_peak_share: f64,
    /// Each hour's share of a day's traffic times 24 (all 1 for a flat
    /// profile). Kept apart from the options, which a sample copies.
    pub(super) hourly_shares: [f64; 24],
    pub(super) api: Vec<ApiF>,
    pub(super) local: Vec<LocalF>,
    pub(super) discount_rate: f64,
    pub(super) growth: f64,
    pub(super) price_change: f64,
    /// Months of the finance block; 0 without one.
    pub(super) horizon: usize,
}

pub(super) fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

impl Inputs {
    pub(super) fn of(s: &Scenario) -> Inputs {
        let w = &s.workload;
        Inputs {
            hours: f(s.hours_per_month),
            volume: w.tokens_per_month.0 as f64,
            input_share: f(w.input_share.get()),
            cached_share: f(w.cached_input_share.get()),
            batch_share: f(w.batch_share.get()),
            cache_write_share: f(w.cache_write_share.get()),
            off_peak_share: f(w.off_peak_share.get()),
            hourly_shares: {
                let mut shares = [1.0; 24];
                if let Some(w) = &w.hourly_profile {
                    let sum: f64 = w.iter().map(|x| f(*x)).sum();
                    for (sh, wh) in shares.iter_mut().zip(w) {
                        *sh = f(*wh) * 24.0 / sum;
                    }
                }
                shares
            },
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
                        overhead: f(l.overhead_share.get()),
                        prefill: f(l.throughput.prefill.per_second()),
                        decode: f(l.throughput.decode.per_second()),
                        max_util: f(l.max_utilization.get()),
                        // An infeasible option serves no volume with any node count.
                        max_nodes: if l.feasible() {
                            l.max_nodes.map_or(f64::INFINITY, |m| m as f64)
                        } else {
                            0.0
                        },
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
                                x.rent_factor = 1.0 - f(discount.get());
                                x.capacity_factor *= 1.0 - f(interruption_overhead.get());
                            }
                            if let Billing::Autoscaled { min_nodes } = billing {
                                x.autoscaled = Some(*min_nodes as f64);
                            }
                        }
                    }
                    if let Some(p) = &l.power {
                        x.has_power = true;
                        x.load = f(p.load_watts.amount());
                        x.idle = f(p.idle_watts.amount());
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

    pub(super) fn set(&mut self, p: Param, x: f64) {
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

    /// Puts back from `base` what [`Inputs::set`] of `p` changed: the one
    /// API or local option it belongs to, or the workload and finance
    /// figures. A sample restores only what it drew, instead of copying every
    /// option's inputs.
    pub(super) fn restore(&mut self, base: &Inputs, p: Param) {
        use Param::*;
        match p {
            HoursPerMonth | TokensPerMonth | InputShare | CachedInputShare | BatchShare
            | DiscountRate | VolumeGrowth | ApiPriceChange => {
                self.hours = base.hours;
                self.volume = base.volume;
                self.input_share = base.input_share;
                self.cached_share = base.cached_share;
                self.batch_share = base.batch_share;
                self.discount_rate = base.discount_rate;
                self.growth = base.growth;
                self.price_change = base.price_change;
            }
            ApiInput(i) | ApiOutput(i) | ApiCachedInput(i) | ApiBatchDiscount(i) => {
                if let (Some(a), Some(b)) = (self.api.get_mut(i), base.api.get(i)) {
                    *a = *b;
                }
            }
            Price(i)
            | ResidualValue(i)
            | AmortizationMonths(i)
            | CostOfCapital(i)
            | PricePerGpuHour(i)
            | Gpus(i)
            | LoadWatts(i)
            | IdleWatts(i)
            | PricePerKwh(i)
            | Pue(i)
            | Fte(i)
            | AnnualCost(i)
            | OtherMonthly(i)
            | OverheadShare(i)
            | MaxUtilization(i)
            | TokensPerSecond(i)
            | TokensPerHour(i)
            | PrefillTokensPerSecond(i)
            | DecodeTokensPerSecond(i) => {
                if let (Some(l), Some(b)) = (self.local.get_mut(i), base.local.get(i)) {
                    *l = *b;
                }
            }
        }
    }

    #[inline]
    pub(super) fn with_api(&mut self, i: usize, g: impl FnOnce(&mut ApiF)) {
        if let Some(a) = self.api.get_mut(i) {
            g(a);
        }
    }

    #[inline]
    pub(super) fn with_local(&mut self, i: usize, g: impl FnOnce(&mut LocalF)) {
        if let Some(l) = self.local.get_mut(i) {
            g(l);
        }
    }

    /// Blended API price per MTok (docs/model.md).
    #[inline]
    pub(super) fn blended(&self, a: &ApiF) -> f64 {
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
    pub(super) fn seconds_per_token(&self, l: &LocalF) -> f64 {
        self.input_share / l.prefill + (1.0 - self.input_share) / l.decode
    }
}

impl LocalF {
    /// Owned hardware per node per month: straight line, or the annuity.
    #[inline]
    pub(super) fn owned_monthly(&self) -> f64 {
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
    pub(super) fn per_busy_hour(&self) -> f64 {
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
    pub(super) fn staff(&self) -> f64 {
        self.fte * self.annual / 12.0
    }
}

/// Scratch space for one sample's finance, reused across samples.
#[derive(Debug, Clone, Default)]
pub(super) struct FinScratch {
    /// 1/(1+r)^m, m = 0..=horizon.
    pub(super) discount: Vec<f64>,
    /// Σ_{m=1..h} 1/(1+r)^m.
    pub(super) annuity: f64,
    /// The monthly rate the table was built for.
    pub(super) rate: f64,
    /// Tokens of month m at index m−1 (empty when the volume does not grow).
    pub(super) volumes: Vec<f64>,
    /// (bought at the end of month, nodes)
    pub(super) cohorts: Vec<(usize, f64)>,
}

/// What every pair of one sample shares: Σ_m factor_m · V_m/1e6 · d_m, so a
/// pair's discounted API spend is its blended price times this.
pub(super) fn finance_common(x: &Inputs, sc: &mut FinScratch) -> f64 {
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
pub(super) fn finance_local(x: &Inputs, l: &LocalF, dv: &Derived, sc: &mut FinScratch) -> f64 {
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
