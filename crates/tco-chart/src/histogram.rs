//! The distribution of simulated break-even volumes.

use crate::frame::{
    self, Anchor, At, Axis, Group, LegendEntry, Place, Plot, Shape, Swatch, INK, MUTED,
};
use crate::ticks::Unit;
use crate::{ChartError, VMarker};
use plotters::style::Color;

/// One bar: samples with a value in `[lo, hi)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Bin {
    pub lo: f64,
    pub hi: f64,
    pub count: u64,
}

/// A histogram of break-even volumes (or any positive quantity).
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub title: String,
    /// The quantity and its unit, e.g. `break-even volume, tokens / month`.
    pub x_label: String,
    /// How x ticks are written (tokens by default).
    pub x_unit: Unit,
    pub x_log: bool,
    pub bins: Vec<Bin>,
    /// Vertical lines, e.g. `p10 640M`, `p50 988M`, `p90 1.6B`.
    pub markers: Vec<VMarker>,
    /// The scenario's volume, drawn as a dashed line.
    pub workload: Option<f64>,
    /// Share of samples (0 to 1) with no break-even at all, so not in any bin.
    pub never_share: f64,
}

impl Histogram {
    /// The chart as an 800×500 SVG document.
    pub fn to_svg(&self) -> Result<String, ChartError> {
        let xs = self
            .bins
            .iter()
            .flat_map(|b| [b.lo, b.hi])
            .chain(self.markers.iter().map(|m| m.x))
            .chain(self.workload);
        let (x_lo, x_hi) = match frame::extent(self.x_log, xs) {
            Some((lo, hi)) if hi > lo => (lo, hi),
            other => frame::bounds(&self.x_unit, self.x_log, other, false),
        };
        let max = self.bins.iter().map(|b| b.count).max().unwrap_or(0);
        let (y_lo, y_hi) = frame::bounds(
            &Unit::Plain,
            false,
            Some((0.0, (max as f64).max(1.0) * 1.08)),
            true,
        );

        let bar = plotters::style::RGBColor(0x44, 0x77, 0xAA);
        let mut legend = vec![LegendEntry {
            name: "samples".into(),
            color: bar,
            swatch: Swatch::Box,
        }];
        let mut groups = Vec::new();
        let mut bars = Group::new("series")
            .attr("data-name", "samples")
            .attr("data-kind", "histogram");
        for b in &self.bins {
            bars = bars.shape(Shape::Rect {
                from: (b.lo, 0.0),
                to: (b.hi, b.count as f64),
                fill: bar.mix(0.85),
                gap: 1,
            });
        }
        groups.push(bars);
        if !self.markers.is_empty() {
            legend.push(LegendEntry {
                name: "percentiles".into(),
                color: INK,
                swatch: Swatch::Line(Some("3 3")),
            });
        }
        for m in &self.markers {
            groups.push(
                Group::new("marker percentile")
                    .attr("data-label", m.label.clone())
                    .attr("data-x", m.x.to_string())
                    .titled(m.label.clone())
                    .shape(Shape::VRule {
                        x: m.x,
                        color: INK,
                        width: 1,
                        dash: Some("3 3"),
                    })
                    .shape(Shape::Label {
                        x: At::Data(m.x),
                        y: At::High,
                        text: m.label.clone(),
                        dx: 4,
                        dy: 10,
                        h: Anchor::Left,
                        color: INK,
                        bold: false,
                        place: Place::Stack,
                    }),
            );
        }
        if let Some(w) = self.workload.filter(|w| *w >= x_lo && *w <= x_hi) {
            legend.push(LegendEntry {
                name: "workload volume".into(),
                color: MUTED,
                swatch: Swatch::Line(Some("6 4")),
            });
            groups.push(
                Group::new("workload")
                    .attr("data-x", w.to_string())
                    .titled(format!("workload: {}", self.x_unit.value(w)))
                    .shape(Shape::VRule {
                        x: w,
                        color: MUTED,
                        width: 1,
                        dash: Some("6 4"),
                    })
                    .shape(Shape::Label {
                        x: At::Data(w),
                        y: At::High,
                        text: format!("workload {}", self.x_unit.value(w)),
                        dx: 4,
                        dy: 10,
                        h: Anchor::Left,
                        color: MUTED,
                        bold: false,
                        place: Place::Stack,
                    }),
            );
        }
        let never = self.never_share.clamp(0.0, 1.0);
        let note = (never > 0.0).then(|| {
            format!(
                "{} of samples never break even (not shown)",
                Unit::Share.value(never)
            )
        });
        frame::render(&Plot {
            title: self.title.clone(),
            note,
            x: Axis::new(
                self.x_label.clone(),
                self.x_unit.clone(),
                self.x_log,
                x_lo,
                x_hi,
            ),
            y: Axis::new("samples", Unit::Plain, false, y_lo, y_hi),
            legend,
            groups,
            height: frame::HEIGHT,
        })
    }
}
