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

mod param;
mod sample;

pub use param::{param_at, Param, ALLOWED};
pub use sample::{std_normal_quantile, Rng, Sampler};

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

/// Where an uncertain input came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputSource {
    /// A `{dist: …}` written in the scenario.
    Written,
    /// The spread of a probe's measurement (`throughput: {calibration: …}`).
    Calibration,
    /// The range of a throughput estimated from specs (`throughput:
    /// {estimate: roofline}`): the capacity at 0.8× and 1.2× the efficiencies
    /// around the point estimate.
    Estimate,
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
