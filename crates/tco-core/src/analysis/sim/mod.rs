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

mod fast;
mod solve;
mod stats;

pub use stats::{Bin, Percentiles, LEVELS};

use crate::error::Error;
use crate::model::scenario::Scenario;
use crate::model::uncertain::{four_digits, Dist, InputSource, Param, Rng, Sampler};
use crate::model::units::Money;
use fast::{finance_common, finance_local, FinScratch, Inputs};
use rust_decimal::Decimal;
use serde::Serialize;
use solve::{derive, first_break_even, local_at};
use stats::{histogram, money_pct, opt_money_pct, percentiles, share, tokens_pct, wilson};

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
        // Back to the point inputs: only what the previous sample drew
        // differs from them (the residual clamp below touches an option only
        // when its price or residual was drawn).
        for s in &samplers {
            x.restore(&base, s.param);
            for q in &s.followers {
                x.restore(&base, *q);
            }
        }
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
