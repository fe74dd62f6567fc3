//! Drawing: the seeded generator, inverse-CDF and gamma code on `libm` (the
//! same numbers on every platform, wasm32 included).

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
    pub(crate) fn at_probability(&self, u: f64) -> f64 {
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
