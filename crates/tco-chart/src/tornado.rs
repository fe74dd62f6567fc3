//! How far each input moves one result: a tornado, widest swing on top.

use crate::frame::{self, Anchor, At, Axis, Group, LegendEntry, Place, Plot, Shape, Swatch, INK};
use crate::ticks::{self, Unit};
use crate::ChartError;
use plotters::style::{Color, RGBColor};

/// One input: the result with the input at its low and at its high value.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The input, e.g. `local[0].throughput.tokens_per_second`.
    pub label: String,
    pub low_value: f64,
    pub high_value: f64,
    /// The input's low and high values as text, e.g. `900 tok/s`, `1,500 tok/s`.
    pub low_input_label: String,
    pub high_input_label: String,
}

/// A tornado of one result against each input's range.
#[derive(Debug, Clone, PartialEq)]
pub struct Tornado {
    pub title: String,
    /// A line under the title (e.g. which inputs were left out); empty for none.
    pub note: String,
    /// The result and its unit, e.g. `break-even volume, tokens / month`.
    pub unit_label: String,
    /// How values are written on the axis.
    pub unit: Unit,
    pub x_log: bool,
    /// The result with every input at its point value.
    pub base: f64,
    /// In any order; drawn sorted by swing, widest on top.
    pub bars: Vec<Bar>,
}

const LOW: RGBColor = RGBColor(0x44, 0x77, 0xAA);
const HIGH: RGBColor = RGBColor(0xEE, 0x77, 0x33);

impl Tornado {
    /// The bars sorted as drawn: widest swing first, ties by label.
    pub fn sorted_bars(&self) -> Vec<&Bar> {
        let log = self.x_log;
        let swing = |b: &Bar| {
            let s = (ticks::t(log, b.high_value) - ticks::t(log, b.low_value)).abs();
            if s.is_finite() {
                s
            } else {
                0.0
            }
        };
        let mut v: Vec<&Bar> = self.bars.iter().collect();
        v.sort_by(|a, b| {
            swing(b)
                .total_cmp(&swing(a))
                .then_with(|| a.label.cmp(&b.label))
        });
        v
    }

    /// The chart as an SVG document 800 px wide, 500 px high or more for many bars.
    pub fn to_svg(&self) -> Result<String, ChartError> {
        let bars = self.sorted_bars();
        let log = self.x_log;
        let values = bars
            .iter()
            .flat_map(|b| [b.low_value, b.high_value])
            .chain(std::iter::once(self.base));
        let (x_lo, x_hi) = match frame::extent(log, values) {
            Some((lo, hi)) if hi > lo => {
                // Room beyond the bar ends for the input labels.
                if log {
                    let (a, b) = (libm::log10(lo), libm::log10(hi));
                    let pad = (b - a) * 0.18;
                    (libm::pow(10.0, a - pad), libm::pow(10.0, b + pad))
                } else {
                    let pad = (hi - lo) * 0.18;
                    (lo - pad, hi + pad)
                }
            }
            other => frame::bounds(&self.unit, log, other, false),
        };
        let n = bars.len().max(1);
        let categories: Vec<String> = if bars.is_empty() {
            vec![String::new()]
        } else {
            bars.iter().map(|b| b.label.clone()).collect()
        };
        let mut y = Axis::new("", Unit::Plain, false, 0.0, n as f64);
        y.categories = categories;

        let legend = vec![
            LegendEntry {
                name: "input at its low value".into(),
                color: LOW,
                swatch: Swatch::Box,
            },
            LegendEntry {
                name: "input at its high value".into(),
                color: HIGH,
                swatch: Swatch::Box,
            },
            LegendEntry {
                name: format!("base {}", self.unit.value(self.base)),
                color: INK,
                swatch: Swatch::Line(None),
            },
        ];
        let mut groups = Vec::new();
        let t = |v: f64| ticks::t(log, v);
        let height = (frame::HEIGHT).max(130 + 36 * n as u32);
        // Bars fill 60 % of their row, but no thicker than 28 px (about 140 px of
        // the height go to title, legend and axis).
        let row_px = (f64::from(height) - 140.0) / n as f64;
        let half = (14.0 / row_px).min(0.3);
        for (i, b) in bars.iter().enumerate() {
            // Slot i (0 on top) spans [n-i-1, n-i] on the y axis.
            let mid = (n - i) as f64 - 0.5;
            let (top, bottom) = (mid + half, mid - half);
            let mut g = Group::new("bar")
                .attr("data-name", b.label.clone())
                .attr("data-low", b.low_value.to_string())
                .attr("data-high", b.high_value.to_string())
                .titled(format!(
                    "{}: {} at {}, {} at {}",
                    b.label,
                    self.unit.value(b.low_value),
                    b.low_input_label,
                    self.unit.value(b.high_value),
                    b.high_input_label
                ));
            // The longer segment first, so a shorter one on the same side stays visible.
            let mut segs = [
                (b.low_value, LOW, &b.low_input_label, "low"),
                (b.high_value, HIGH, &b.high_input_label, "high"),
            ];
            let len = |v: f64| (t(v) - t(self.base)).abs();
            if len(segs[1].0) > len(segs[0].0) {
                segs.swap(0, 1);
            }
            for (v, color, _, _) in &segs {
                g = g.shape(Shape::Rect {
                    from: (self.base, bottom),
                    to: (*v, top),
                    fill: color.mix(1.0),
                    gap: 0,
                });
            }
            let same_side = (segs[0].0 - self.base) * (segs[1].0 - self.base) > 0.0;
            for (k, (v, _, text, _)) in segs.iter().enumerate() {
                let right = *v >= self.base;
                // A shorter segment inside a longer one on its side is labelled by its end, inside.
                let inner = same_side && k == 1;
                let (h, dx) = match (right, inner) {
                    (true, false) | (false, true) => (Anchor::Left, 5),
                    (false, false) | (true, true) => (Anchor::Right, -5),
                };
                g = g.shape(Shape::Label {
                    x: At::Data(*v),
                    y: At::Data(mid),
                    text: (*text).clone(),
                    dx,
                    dy: 0,
                    h,
                    color: INK,
                    bold: false,
                    place: Place::Fixed,
                });
            }
            groups.push(g);
        }
        groups.push(
            Group::new("base")
                .attr("data-x", self.base.to_string())
                .titled(format!("base: {}", self.unit.value(self.base)))
                .shape(Shape::VRule {
                    x: self.base,
                    color: INK,
                    width: 2,
                    dash: None,
                }),
        );
        frame::render(&Plot {
            title: self.title.clone(),
            note: (!self.note.is_empty()).then(|| self.note.clone()),
            x: Axis::new(self.unit_label.clone(), self.unit.clone(), log, x_lo, x_hi),
            y,
            legend,
            groups,
            height,
        })
    }
}
