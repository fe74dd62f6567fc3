//! Summaries of sampled figures: percentiles (numpy's linear
//! interpolation), log-spaced histograms, the Wilson interval, and the
//! rounding of f64 estimates to money and whole tokens for output.

use crate::model::units::{Money, MAX_TOKENS};
use rust_decimal::Decimal;
use serde::Serialize;

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
pub(super) fn percentiles(xs: &mut [f64]) -> Percentiles<Option<f64>> {
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

pub(super) fn money_pct(p: Percentiles<Option<f64>>) -> Percentiles<Money> {
    let m = |v: Option<f64>| money_of(v.unwrap_or(0.0));
    Percentiles {
        p5: m(p.p5),
        p10: m(p.p10),
        p50: m(p.p50),
        p90: m(p.p90),
        p95: m(p.p95),
    }
}

pub(super) fn opt_money_pct(p: Percentiles<Option<f64>>) -> Percentiles<Option<Money>> {
    let m = |v: Option<f64>| v.map(money_of);
    Percentiles {
        p5: m(p.p5),
        p10: m(p.p10),
        p50: m(p.p50),
        p90: m(p.p90),
        p95: m(p.p95),
    }
}

pub(super) fn tokens_pct(p: Percentiles<Option<f64>>) -> Percentiles<Option<u64>> {
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
pub(super) fn histogram(xs: &[f64], bins: usize) -> Vec<Bin> {
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

/// Wilson score interval for k successes in n trials at 95 %.
pub(super) fn wilson(k: usize, n: usize) -> (f64, f64) {
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
pub(super) fn share(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
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
