//! Data to pixels: the axes' coordinates and ticks, and the segment and box
//! geometry that label placement and line simplification use.

use super::{At, Axis};
use crate::ticks::{self, Tick};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;

/// A linear coordinate over the transformed axis with our own tick positions.
///
/// plotters' `WithKeyPoints<RangedCoordf64>` cannot take a label formatter,
/// and this also fixes the pixel rounding to one rule on every target.
#[derive(Debug, Clone)]
pub(super) struct Ticked {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) ticks: Vec<f64>,
}

impl Ranged for Ticked {
    type ValueType = f64;
    type FormatOption = DefaultFormatting;

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        if self.hi == self.lo {
            return (limit.0 + limit.1) / 2;
        }
        let r = (v - self.lo) / (self.hi - self.lo);
        limit.0 + libm::round(r * f64::from(limit.1 - limit.0)) as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) struct BoxPx {
    pub(super) x0: f64,
    pub(super) y0: f64,
    pub(super) x1: f64,
    pub(super) y1: f64,
}

impl BoxPx {
    pub(super) fn overlaps(&self, o: &BoxPx) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
}

/// Ticks of an axis over `pixels`.
pub(super) fn axis_ticks(a: &Axis, pixels: f64, horizontal: bool) -> Vec<Tick> {
    if !a.categories.is_empty() {
        let n = a.categories.len();
        return a
            .categories
            .iter()
            .enumerate()
            .map(|(i, c)| Tick {
                value: i as f64,
                // Slot 0 at the top of a vertical axis, at the left of a horizontal one.
                pos: if horizontal {
                    i as f64 + 0.5
                } else {
                    (n - i) as f64 - 0.5
                },
                label: c.clone(),
            })
            .collect();
    }
    if a.log {
        ticks::log_ticks(&a.unit, a.lo, a.hi, pixels, horizontal)
    } else {
        ticks::linear_ticks(&a.unit, a.lo, a.hi, pixels, horizontal)
    }
}

pub(super) fn range(a: &Axis) -> (f64, f64) {
    if a.categories.is_empty() {
        (a.t(a.lo), a.t(a.hi))
    } else {
        (0.0, a.categories.len() as f64)
    }
}

pub(super) fn scale_name(a: &Axis) -> &'static str {
    if !a.categories.is_empty() {
        "category"
    } else if a.log {
        "log"
    } else {
        "linear"
    }
}

/// Data to pixels, for shapes drawn outside plotters' series machinery.
pub(super) struct Geo<'a> {
    /// Transformed data range and the pixel limits it maps onto (y: bottom, top).
    pub(super) t_x: (f64, f64),
    pub(super) b_x: (i32, i32),
    pub(super) t_y: (f64, f64),
    pub(super) b_y: (i32, i32),
    pub(super) x: &'a Axis,
    pub(super) y: &'a Axis,
}

impl Geo<'_> {
    pub(super) fn ratio(t: f64, (lo, hi): (f64, f64)) -> f64 {
        if hi == lo {
            0.5
        } else {
            ((t - lo) / (hi - lo)).clamp(0.0, 1.0)
        }
    }

    /// A data value on `axis` in transformed units, or None if it cannot be shown.
    pub(super) fn tf(axis: &Axis, v: f64) -> Option<f64> {
        if axis.categories.is_empty() {
            axis.valid(v).then(|| axis.t(v))
        } else {
            v.is_finite().then_some(v)
        }
    }

    pub(super) fn fx(&self, t: f64) -> f64 {
        f64::from(self.b_x.0) + Self::ratio(t, self.t_x) * f64::from(self.b_x.1 - self.b_x.0)
    }

    pub(super) fn fy(&self, t: f64) -> f64 {
        f64::from(self.b_y.0) + Self::ratio(t, self.t_y) * f64::from(self.b_y.1 - self.b_y.0)
    }

    pub(super) fn ix(&self, t: f64) -> i32 {
        self.b_x.0
            + libm::round(Self::ratio(t, self.t_x) * f64::from(self.b_x.1 - self.b_x.0)) as i32
    }

    pub(super) fn iy(&self, t: f64) -> i32 {
        self.b_y.0
            + libm::round(Self::ratio(t, self.t_y) * f64::from(self.b_y.1 - self.b_y.0)) as i32
    }

    pub(super) fn point(&self, (x, y): (f64, f64)) -> Option<(f64, f64)> {
        Some((Self::tf(self.x, x)?, Self::tf(self.y, y)?))
    }

    pub(super) fn at(&self, a: At, horizontal: bool) -> Option<i32> {
        match (a, horizontal) {
            (At::High, true) => Some(self.b_x.1),
            (At::High, false) => Some(self.b_y.1),
            (At::Data(v), true) => Some(self.ix(Self::tf(self.x, v)?)),
            (At::Data(v), false) => Some(self.iy(Self::tf(self.y, v)?)),
        }
    }

    pub(super) fn inside_x(&self, t: f64) -> bool {
        t >= self.t_x.0.min(self.t_x.1) && t <= self.t_x.0.max(self.t_x.1)
    }

    pub(super) fn inside_y(&self, t: f64) -> bool {
        t >= self.t_y.0.min(self.t_y.1) && t <= self.t_y.0.max(self.t_y.1)
    }

    /// A line's runs in transformed units, split where a point cannot be shown.
    pub(super) fn runs(&self, points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for &p in points {
            match self.point(p) {
                Some(t) => {
                    if let Some(run) = runs.last_mut() {
                        run.push(t);
                    }
                }
                None => runs.push(Vec::new()),
            }
        }
        runs.retain(|r| r.len() >= 2);
        runs
    }

    /// The points of a run that matter at this size (Ramer–Douglas–Peucker, ⅓ px).
    pub(super) fn simplify(&self, run: &[(f64, f64)]) -> Vec<(f64, f64)> {
        let px: Vec<(f64, f64)> = run.iter().map(|&(a, b)| (self.fx(a), self.fy(b))).collect();
        let n = px.len();
        if n < 3 {
            return run.to_vec();
        }
        let mut keep = vec![false; n];
        keep[0] = true;
        keep[n - 1] = true;
        let mut stack = vec![(0usize, n - 1)];
        while let Some((a, b)) = stack.pop() {
            if b <= a + 1 {
                continue;
            }
            let (mut worst, mut at) = (0.0f64, a);
            for i in a + 1..b {
                let d = distance(px[i], px[a], px[b]);
                if d > worst {
                    worst = d;
                    at = i;
                }
            }
            if worst > 0.34 {
                keep[at] = true;
                stack.push((a, at));
                stack.push((at, b));
            }
        }
        run.iter()
            .zip(keep)
            .filter_map(|(p, k)| k.then_some(*p))
            .collect()
    }
}

/// Distance from `p` to the segment `a`–`b`.
pub(super) fn distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let u = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    let (cx, cy) = (a.0 + u * dx, a.1 + u * dy);
    ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt()
}

/// Whether the segment `a`–`b` passes through the box (Liang–Barsky).
pub(super) fn crosses(b: &BoxPx, p: (f64, f64), q: (f64, f64)) -> bool {
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (pk, qk) in [
        (-dx, p.0 - b.x0),
        (dx, b.x1 - p.0),
        (-dy, p.1 - b.y0),
        (dy, b.y1 - p.1),
    ] {
        if pk == 0.0 {
            if qk < 0.0 {
                return false;
            }
        } else {
            let r = qk / pk;
            if pk < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
            if t0 > t1 {
                return false;
            }
        }
    }
    true
}
