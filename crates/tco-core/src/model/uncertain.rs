//! Uncertain inputs: any numeric input may be written as a distribution.
//!
//! `{dist: normal, mean, sd}`, `{dist: lognormal, mean, sd}` (of the value
//! itself), `{dist: uniform, min, max}`, `{dist: triangular, min, mode, max}`,
//! `{dist: pert, min, mode, max}`. [`crate::input::distributions::extract`]
//! walks a scenario's tree before it is read, checks each distribution where
//! it is written, replaces it by its point value (the mean for normal,
//! lognormal and uniform; the mode for triangular and PERT) and returns the
//! list of [`Input`]s that `simulate` samples and `sensitivity` swings.
//! Everything after works on the point scenario exactly as if the numbers had
//! been written.
//!
//! Sampling uses its own inverse-CDF and gamma code on `libm` rather than the
//! platform's `ln`/`exp`, so a seed gives the same numbers on every platform,
//! wasm32 included. Quantiles for `sensitivity` come from `statrs`.

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use serde::Serialize;
use statrs::distribution::{Beta, ContinuousCDF, LogNormal, Normal};

/// A distribution as written, parameters exact.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "snake_case")]
pub enum Dist {
    Normal {
        mean: Decimal,
        sd: Decimal,
    },
    Lognormal {
        mean: Decimal,
        sd: Decimal,
    },
    Uniform {
        min: Decimal,
        max: Decimal,
    },
    Triangular {
        min: Decimal,
        mode: Decimal,
        max: Decimal,
    },
    Pert {
        min: Decimal,
        mode: Decimal,
        max: Decimal,
    },
}

pub(crate) fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

impl Dist {
    /// The value `report` uses: the mean, or the mode where the distribution has one.
    pub fn point(&self) -> Decimal {
        match self {
            Dist::Normal { mean, .. } | Dist::Lognormal { mean, .. } => *mean,
            Dist::Uniform { min, max } => (*min + *max) / Decimal::TWO,
            Dist::Triangular { mode, .. } | Dist::Pert { mode, .. } => *mode,
        }
    }

    /// True when every draw is the same value.
    pub fn is_degenerate(&self) -> bool {
        match self {
            Dist::Normal { sd, .. } | Dist::Lognormal { sd, .. } => sd.is_zero(),
            Dist::Uniform { min, max }
            | Dist::Triangular { min, max, .. }
            | Dist::Pert { min, max, .. } => min == max,
        }
    }

    /// A one-line description: `uniform 0.08–0.14`.
    pub fn describe(&self) -> String {
        match self {
            Dist::Normal { mean, sd } => format!("normal mean {mean} sd {sd}"),
            Dist::Lognormal { mean, sd } => format!("lognormal mean {mean} sd {sd}"),
            Dist::Uniform { min, max } => format!("uniform {min}–{max}"),
            Dist::Triangular { min, mode, max } => format!("triangular {min}/{mode}/{max}"),
            Dist::Pert { min, mode, max } => format!("PERT {min}/{mode}/{max}"),
        }
    }

    /// The mean of the distribution (PERT: (min + 4·mode + max)/6).
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Normal { mean, .. } | Dist::Lognormal { mean, .. } => f(*mean),
            Dist::Uniform { min, max } => (f(*min) + f(*max)) / 2.0,
            Dist::Triangular { min, mode, max } => (f(*min) + f(*mode) + f(*max)) / 3.0,
            Dist::Pert { min, mode, max } => (f(*min) + 4.0 * f(*mode) + f(*max)) / 6.0,
        }
    }

    /// The `p` quantile (0 < p < 1), from statrs where there is no closed form.
    pub fn quantile(&self, p: f64) -> f64 {
        if self.is_degenerate() {
            return f(self.point());
        }
        match self.sampler() {
            Sampler::Normal { mu, sd } => {
                Normal::new(mu, sd).map(|n| n.inverse_cdf(p)).unwrap_or(mu)
            }
            Sampler::LogNormal { mu, sigma } => LogNormal::new(mu, sigma)
                .map(|n| n.inverse_cdf(p))
                .unwrap_or_else(|_| libm::exp(mu)),
            Sampler::Beta {
                lo,
                width,
                alpha,
                beta,
            } => Beta::new(alpha, beta)
                .map(|b| lo + width * b.inverse_cdf(p))
                .unwrap_or(lo),
            s => s.at_probability(p),
        }
    }

    /// The sampler with its parameters in f64.
    pub fn sampler(&self) -> Sampler {
        if self.is_degenerate() {
            return Sampler::Constant(f(self.point()));
        }
        match self {
            Dist::Normal { mean, sd } => Sampler::Normal {
                mu: f(*mean),
                sd: f(*sd),
            },
            Dist::Lognormal { mean, sd } => {
                // Parameters of the underlying normal from the value's mean and sd.
                let (m, s) = (f(*mean), f(*sd));
                let sigma2 = libm::log1p((s / m) * (s / m));
                Sampler::LogNormal {
                    mu: libm::log(m) - sigma2 / 2.0,
                    sigma: libm::sqrt(sigma2),
                }
            }
            Dist::Uniform { min, max } => Sampler::Uniform {
                lo: f(*min),
                width: f(*max) - f(*min),
            },
            Dist::Triangular { min, mode, max } => {
                let (a, c, b) = (f(*min), f(*mode), f(*max));
                Sampler::Triangular {
                    lo: a,
                    mode: c,
                    hi: b,
                    split: (c - a) / (b - a),
                }
            }
            Dist::Pert { min, mode, max } => {
                let (a, c, b) = (f(*min), f(*mode), f(*max));
                Sampler::Beta {
                    lo: a,
                    width: b - a,
                    alpha: 1.0 + 4.0 * (c - a) / (b - a),
                    beta: 1.0 + 4.0 * (b - c) / (b - a),
                }
            }
        }
    }
}

/// A distribution ready to draw from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sampler {
    Constant(f64),
    Normal {
        mu: f64,
        sd: f64,
    },
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    Uniform {
        lo: f64,
        width: f64,
    },
    Triangular {
        lo: f64,
        mode: f64,
        hi: f64,
        split: f64,
    },
    /// PERT: lo + width · Beta(alpha, beta), both shapes ≥ 1.
    Beta {
        lo: f64,
        width: f64,
        alpha: f64,
        beta: f64,
    },
}

/// The generator behind every draw: PCG-64 (MCG variant), portable and seedable.
#[derive(Debug, Clone)]
pub struct Rng(rand_pcg::Pcg64Mcg);

impl Rng {
    pub fn new(seed: u64) -> Self {
        use rand_core::SeedableRng;
        Rng(rand_pcg::Pcg64Mcg::seed_from_u64(seed))
    }

    /// Uniform in the open interval (0, 1).
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        use rand_core::RngCore;
        ((self.0.next_u64() >> 11) as f64 + 0.5) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Standard normal by inversion.
    #[inline]
    pub fn normal(&mut self) -> f64 {
        std_normal_quantile(self.uniform())
    }
}

/// Acklam's rational approximation of the standard normal quantile
/// (relative error below 1.2e-9), on `libm` so it is the same everywhere.
pub fn std_normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.02425;
    if p < LOW {
        let q = libm::sqrt(-2.0 * libm::log(p));
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = libm::sqrt(-2.0 * libm::log(1.0 - p));
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

/// Gamma(shape ≥ 1, scale 1) by Marsaglia and Tsang's method.
fn gamma(rng: &mut Rng, shape: f64) -> f64 {
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / libm::sqrt(9.0 * d);
    // Acceptance is above 95 % per try; the cap only guards against a broken generator.
    for _ in 0..1000 {
        let x = rng.normal();
        let t = 1.0 + c * x;
        if t <= 0.0 {
            continue;
        }
        let v = t * t * t;
        let u = rng.uniform();
        if u < 1.0 - 0.0331 * x * x * x * x
            || libm::log(u) < 0.5 * x * x + d * (1.0 - v + libm::log(v))
        {
            return d * v;
        }
    }
    shape
}

impl Sampler {
    /// One draw.
    #[inline]
    pub fn draw(&self, rng: &mut Rng) -> f64 {
        match *self {
            Sampler::Constant(x) => x,
            Sampler::Normal { mu, sd } => mu + sd * rng.normal(),
            Sampler::LogNormal { mu, sigma } => libm::exp(mu + sigma * rng.normal()),
            Sampler::Beta {
                lo,
                width,
                alpha,
                beta,
            } => {
                let x = gamma(rng, alpha);
                let y = gamma(rng, beta);
                lo + width * x / (x + y)
            }
            s => s.at_probability(rng.uniform()),
        }
    }

    /// The value at cumulative probability `u` for the closed-form cases.
    fn at_probability(&self, u: f64) -> f64 {
        match *self {
            Sampler::Constant(x) => x,
            Sampler::Uniform { lo, width } => lo + width * u,
            Sampler::Triangular {
                lo,
                mode,
                hi,
                split,
            } => {
                if u < split {
                    lo + libm::sqrt(u * (hi - lo) * (mode - lo))
                } else {
                    hi - libm::sqrt((1.0 - u) * (hi - lo) * (hi - mode))
                }
            }
            Sampler::Normal { mu, sd } => mu + sd * std_normal_quantile(u),
            Sampler::LogNormal { mu, sigma } => libm::exp(mu + sigma * std_normal_quantile(u)),
            Sampler::Beta { lo, .. } => lo,
        }
    }
}

/// The model input a distribution stands for. Indexes are positions in the
/// scenario's `api:` and `local:` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "input", content = "option", rename_all = "snake_case")]
pub enum Param {
    HoursPerMonth,
    TokensPerMonth,
    InputShare,
    CachedInputShare,
    BatchShare,
    ApiInput(usize),
    ApiOutput(usize),
    ApiCachedInput(usize),
    ApiBatchDiscount(usize),
    Price(usize),
    ResidualValue(usize),
    AmortizationMonths(usize),
    CostOfCapital(usize),
    PricePerGpuHour(usize),
    Gpus(usize),
    LoadWatts(usize),
    IdleWatts(usize),
    PricePerKwh(usize),
    Pue(usize),
    Fte(usize),
    AnnualCost(usize),
    OtherMonthly(usize),
    OverheadShare(usize),
    MaxUtilization(usize),
    TokensPerSecond(usize),
    TokensPerHour(usize),
    PrefillTokensPerSecond(usize),
    DecodeTokensPerSecond(usize),
    DiscountRate,
    VolumeGrowth,
    ApiPriceChange,
}

/// Every path a distribution may stand at, for messages.
pub const ALLOWED: &str = "hours_per_month; workload.{tokens_per_month, input_share, cached_input_share, batch_share}; \
api[i].{input_per_mtok, output_per_mtok, cached_input_per_mtok, batch_discount}; \
local[i].owned.{price, residual_value, amortization_months, cost_of_capital}; \
local[i].rented.{price_per_gpu_hour, gpus}; local[i].power.{load_watts, idle_watts, price_per_kwh, pue}; \
local[i].staff.{fte, annual_cost}; local[i].{other_monthly, overhead_share, max_utilization}; \
local[i].throughput.{tokens_per_second, tokens_per_hour, prefill_tokens_per_second, decode_tokens_per_second}; \
finance.{discount_rate, volume_growth_per_month, api_price_change_per_year}";

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

impl Param {
    fn from_steps(steps: &[Seg<'_>]) -> Option<Param> {
        use Param::*;
        Some(match steps {
            [Seg::Key("hours_per_month")] => HoursPerMonth,
            [Seg::Key("workload"), Seg::Key(k)] => match *k {
                "tokens_per_month" => TokensPerMonth,
                "input_share" => InputShare,
                "cached_input_share" => CachedInputShare,
                "batch_share" => BatchShare,
                _ => return None,
            },
            [Seg::Key("api"), Seg::Index(i), Seg::Key(k)] => match *k {
                "input_per_mtok" => ApiInput(*i),
                "output_per_mtok" => ApiOutput(*i),
                "cached_input_per_mtok" => ApiCachedInput(*i),
                "batch_discount" => ApiBatchDiscount(*i),
                _ => return None,
            },
            [Seg::Key("local"), Seg::Index(i), Seg::Key(k)] => match *k {
                "other_monthly" => OtherMonthly(*i),
                "overhead_share" => OverheadShare(*i),
                "max_utilization" => MaxUtilization(*i),
                _ => return None,
            },
            [Seg::Key("local"), Seg::Index(i), Seg::Key(group), Seg::Key(k)] => {
                match (*group, *k) {
                    ("owned", "price") => Price(*i),
                    ("owned", "residual_value") => ResidualValue(*i),
                    ("owned", "amortization_months") => AmortizationMonths(*i),
                    ("owned", "cost_of_capital") => CostOfCapital(*i),
                    ("rented", "price_per_gpu_hour") => PricePerGpuHour(*i),
                    ("rented", "gpus") => Gpus(*i),
                    ("power", "load_watts") => LoadWatts(*i),
                    ("power", "idle_watts") => IdleWatts(*i),
                    ("power", "price_per_kwh") => PricePerKwh(*i),
                    ("power", "pue") => Pue(*i),
                    ("staff", "fte") => Fte(*i),
                    ("staff", "annual_cost") => AnnualCost(*i),
                    ("throughput", "tokens_per_second") => TokensPerSecond(*i),
                    ("throughput", "tokens_per_hour") => TokensPerHour(*i),
                    ("throughput", "prefill_tokens_per_second") => PrefillTokensPerSecond(*i),
                    ("throughput", "decode_tokens_per_second") => DecodeTokensPerSecond(*i),
                    _ => return None,
                }
            }
            [Seg::Key("finance"), Seg::Key(k)] => match *k {
                "discount_rate" => DiscountRate,
                "volume_growth_per_month" => VolumeGrowth,
                "api_price_change_per_year" => ApiPriceChange,
                _ => return None,
            },
            _ => return None,
        })
    }

    /// The registry's path pattern of this input (`local[].power.pue`).
    pub fn pattern(self) -> &'static str {
        use Param::*;
        match self {
            HoursPerMonth => "hours_per_month",
            TokensPerMonth => "workload.tokens_per_month",
            InputShare => "workload.input_share",
            CachedInputShare => "workload.cached_input_share",
            BatchShare => "workload.batch_share",
            ApiInput(_) => "api[].input_per_mtok",
            ApiOutput(_) => "api[].output_per_mtok",
            ApiCachedInput(_) => "api[].cached_input_per_mtok",
            ApiBatchDiscount(_) => "api[].batch_discount",
            Price(_) => "local[].owned.price",
            ResidualValue(_) => "local[].owned.residual_value",
            AmortizationMonths(_) => "local[].owned.amortization_months",
            CostOfCapital(_) => "local[].owned.cost_of_capital",
            PricePerGpuHour(_) => "local[].rented.price_per_gpu_hour",
            Gpus(_) => "local[].rented.gpus",
            LoadWatts(_) => "local[].power.load_watts",
            IdleWatts(_) => "local[].power.idle_watts",
            PricePerKwh(_) => "local[].power.price_per_kwh",
            Pue(_) => "local[].power.pue",
            Fte(_) => "local[].staff.fte",
            AnnualCost(_) => "local[].staff.annual_cost",
            OtherMonthly(_) => "local[].other_monthly",
            OverheadShare(_) => "local[].overhead_share",
            MaxUtilization(_) => "local[].max_utilization",
            TokensPerSecond(_) => "local[].throughput.tokens_per_second",
            TokensPerHour(_) => "local[].throughput.tokens_per_hour",
            PrefillTokensPerSecond(_) => "local[].throughput.prefill_tokens_per_second",
            DecodeTokensPerSecond(_) => "local[].throughput.decode_tokens_per_second",
            DiscountRate => "finance.discount_rate",
            VolumeGrowth => "finance.volume_growth_per_month",
            ApiPriceChange => "finance.api_price_change_per_year",
        }
    }

    /// The values the scenario reader accepts for this input (the field
    /// registry's range); draws outside are set to the nearest bound (and counted).
    pub fn bounds(self) -> (f64, f64) {
        crate::model::fields::known(self.pattern()).bounds_f64()
    }

    /// Inputs that only take whole numbers (draws are rounded).
    pub fn is_integer(self) -> bool {
        matches!(
            self,
            Param::AmortizationMonths(_) | Param::Gpus(_) | Param::TokensPerMonth
        )
    }
}

/// Where an uncertain input came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputSource {
    /// A `{dist: …}` written in the scenario.
    Written,
    /// The spread of a probe's measurement (`throughput: {calibration: …}`).
    Calibration,
}

/// One uncertain input of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Input {
    /// Field path as written: `local[0].power.price_per_kwh`.
    pub path: String,
    #[serde(flatten)]
    pub dist: Dist,
    /// The value `report` uses.
    pub point: Decimal,
    #[serde(skip)]
    pub param: Param,
    /// Other inputs that follow this one because the scenario leaves them to
    /// their default: an absent `idle_watts` follows `load_watts`, an absent
    /// `cached_input_per_mtok` follows `input_per_mtok`.
    #[serde(skip)]
    pub followers: Vec<Param>,
    pub source: InputSource,
    #[serde(skip)]
    pub origin: String,
    #[serde(skip)]
    pub line: usize,
    #[serde(skip)]
    pub col: usize,
}

fn segments(path: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Seg::Key(key));
        }
        for idx in rest.split(']').filter(|s| !s.is_empty()) {
            if let Ok(i) = idx.trim_start_matches('[').parse() {
                out.push(Seg::Index(i));
            }
        }
    }
    out
}

/// The input a path names, when a distribution may stand there.
pub fn param_at(path: &str) -> Option<Param> {
    Param::from_steps(&segments(path))
}

/// A decimal for an f64 draw or quantile, to 10 significant digits.
pub fn to_decimal(x: f64) -> Decimal {
    Decimal::from_f64(x)
        .map(|d| d.round_sf(10).unwrap_or(d).normalize())
        .unwrap_or(Decimal::ZERO)
}

/// A quantile (P10, P90) to four significant digits: what `simulate` shows
/// and the value `sensitivity` runs, so the figure shown is the figure run.
pub fn four_digits(x: f64) -> Decimal {
    let d = to_decimal(x);
    d.round_sf(4).unwrap_or(d).normalize()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn every_distribution_path_is_a_registry_field_and_back() {
        use crate::model::fields::{spec, FIELDS};
        for f in FIELDS {
            let concrete = f.path.replace("[]", "[0]");
            let p = param_at(&concrete);
            assert_eq!(p.is_some(), f.dist, "{}", f.path);
            if let Some(p) = p {
                assert_eq!(p.pattern(), f.path);
                assert_eq!(
                    p.is_integer(),
                    matches!(
                        f.kind,
                        crate::model::fields::Kind::Integer | crate::model::fields::Kind::Tokens
                    ) && f.path != "local[].throughput.tokens_per_hour",
                    "{}",
                    f.path
                );
                assert!(
                    ALLOWED.contains(f.path.rsplit('.').next().unwrap()),
                    "{}",
                    f.path
                );
                assert!(spec(p.pattern()).is_some());
            }
        }
        // The bounds the simulation clamps to are the reader's.
        assert_eq!(Param::MaxUtilization(0).bounds(), (0.01, 1.0));
        assert_eq!(Param::TokensPerHour(3).bounds(), (36.0, 3.6e11));
        assert_eq!(Param::VolumeGrowth.bounds(), (-1.0, 1.0));
        assert_eq!(Param::TokensPerMonth.bounds(), (0.0, 1e15));
    }

    #[test]
    fn acklam_matches_known_quantiles() {
        // Φ⁻¹(0.975) = 1.959963984540054, Φ⁻¹(0.9) = 1.2815515655446004
        assert!((std_normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-8);
        assert!((std_normal_quantile(0.9) - 1.281_551_565_544_600_4).abs() < 1e-8);
        assert!((std_normal_quantile(0.001) + 3.090_232_306_167_813).abs() < 1e-8);
        assert_eq!(std_normal_quantile(0.5), 0.0);
    }

    #[test]
    fn points_are_mean_or_mode() {
        use rust_decimal_macros::dec;
        let u = Dist::Uniform {
            min: dec!(0.08),
            max: dec!(0.14),
        };
        assert_eq!(u.point(), dec!(0.11));
        let t = Dist::Triangular {
            min: dec!(1),
            mode: dec!(2),
            max: dec!(6),
        };
        assert_eq!(t.point(), dec!(2));
        assert!((t.mean() - 3.0).abs() < 1e-12);
        let p = Dist::Pert {
            min: dec!(0),
            mode: dec!(3),
            max: dec!(12),
        };
        assert_eq!(p.point(), dec!(3));
        // PERT mean (0 + 12 + 12)/6 = 4
        assert!((p.mean() - 4.0).abs() < 1e-12);
    }

    #[test]
    fn sample_moments_match_the_distributions() {
        use rust_decimal_macros::dec;
        let cases = [
            (
                Dist::Normal {
                    mean: dec!(10),
                    sd: dec!(2),
                },
                10.0,
                2.0,
            ),
            (
                Dist::Lognormal {
                    mean: dec!(5),
                    sd: dec!(1.5),
                },
                5.0,
                1.5,
            ),
            // uniform sd = 6/√12
            (
                Dist::Uniform {
                    min: dec!(2),
                    max: dec!(8),
                },
                5.0,
                6.0 / 12f64.sqrt(),
            ),
            // triangular var = (a²+b²+c²−ab−ac−bc)/18 = (0+36+4−0−0−12)/18
            (
                Dist::Triangular {
                    min: dec!(0),
                    mode: dec!(2),
                    max: dec!(6),
                },
                8.0 / 3.0,
                (28.0f64 / 18.0).sqrt(),
            ),
            // PERT(0, 3, 12): α = 2, β = 4 on width 12: var = 12²·αβ/((α+β)²(α+β+1)) = 144·8/252
            (
                Dist::Pert {
                    min: dec!(0),
                    mode: dec!(3),
                    max: dec!(12),
                },
                4.0,
                (144.0f64 * 8.0 / 252.0).sqrt(),
            ),
        ];
        for (d, mean, sd) in cases {
            let s = d.sampler();
            let mut rng = Rng::new(7);
            let n = 200_000;
            let xs: Vec<f64> = (0..n).map(|_| s.draw(&mut rng)).collect();
            let m = xs.iter().sum::<f64>() / n as f64;
            let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64;
            assert!(
                (m - mean).abs() < 0.01 * sd.max(1.0),
                "{d:?}: mean {m} vs {mean}"
            );
            assert!(
                (v.sqrt() - sd).abs() < 0.02 * sd,
                "{d:?}: sd {} vs {sd}",
                v.sqrt()
            );
        }
    }

    #[test]
    fn quantiles_bracket_the_point() {
        use rust_decimal_macros::dec;
        let u = Dist::Uniform {
            min: dec!(2),
            max: dec!(4),
        };
        assert!((u.quantile(0.1) - 2.2).abs() < 1e-12);
        assert!((u.quantile(0.9) - 3.8).abs() < 1e-12);
        let n = Dist::Normal {
            mean: dec!(0),
            sd: dec!(1),
        };
        assert!((n.quantile(0.9) - 1.281_551_565_5).abs() < 1e-6);
        let p = Dist::Pert {
            min: dec!(0),
            mode: dec!(3),
            max: dec!(12),
        };
        assert!(p.quantile(0.1) < 3.0 && p.quantile(0.9) > 4.0);
    }
}
