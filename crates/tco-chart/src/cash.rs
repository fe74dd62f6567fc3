//! Cumulative discounted cash over the horizon: when going local pays back.

use crate::frame::{
    self, palette, Anchor, At, Axis, Group, LegendEntry, Place, Plot, Shape, Swatch, INK, MUTED,
};
use crate::ticks::Unit;
use crate::{ChartError, Marker};

/// One line: cumulative (discounted) cash by month.
#[derive(Debug, Clone, PartialEq)]
pub struct CashSeries {
    /// E.g. `4x A100 vs Claude Sonnet 4.6: local minus API`.
    pub name: String,
    /// (month, cumulative cash), month 0 first (the capital outlay).
    pub points: Vec<(f64, f64)>,
    /// Where the line turns positive for good, e.g. label `payback 14 months`, x 14.
    pub payback: Option<Marker>,
}

/// Cumulative cash against months, with a zero line and payback markers.
#[derive(Debug, Clone, PartialEq)]
pub struct CashChart {
    pub title: String,
    /// ISO code for the axis and ticks.
    pub currency: String,
    /// The y axis label; empty for `cumulative discounted cash, USD`.
    pub y_label: String,
    pub series: Vec<CashSeries>,
}

impl CashChart {
    /// The chart as an 800×500 SVG document.
    pub fn to_svg(&self) -> Result<String, ChartError> {
        let money = Unit::Money {
            currency: self.currency.clone(),
        };
        let xs = self.series.iter().flat_map(|s| {
            s.points
                .iter()
                .map(|p| p.0)
                .chain(s.payback.as_ref().map(|m| m.x))
        });
        let (x_lo, x_hi) = match frame::extent(false, xs) {
            Some((lo, hi)) if hi > lo => (lo, hi),
            Some((lo, _)) => (lo, lo + 1.0),
            None => (0.0, 12.0),
        };
        let ys = self.series.iter().flat_map(|s| {
            s.points
                .iter()
                .map(|p| p.1)
                .chain(s.payback.as_ref().map(|m| m.y))
        });
        let (y_lo, y_hi) = frame::bounds(&money, false, frame::extent(false, ys), true);

        let mut legend = Vec::new();
        let mut groups = vec![Group::new("zero").shape(Shape::HRule {
            y: 0.0,
            color: INK,
            width: 1,
            dash: None,
        })];
        frame::series_lines(
            self.series
                .iter()
                .map(|s| (s.name.as_str(), s.points.as_slice())),
            "cash",
            &mut legend,
            &mut groups,
        );
        if self.series.iter().any(|s| s.payback.is_some()) {
            legend.push(LegendEntry {
                name: "payback".into(),
                color: MUTED,
                swatch: Swatch::Dot,
            });
        }
        for (i, s) in self.series.iter().enumerate() {
            let Some(m) = &s.payback else {
                continue;
            };
            let color = palette(i);
            groups.push(
                frame::series_marker("marker payback", &s.name, m)
                    .shape(Shape::VRule {
                        x: m.x,
                        color,
                        width: 1,
                        dash: Some("3 3"),
                    })
                    .shape(Shape::Dot {
                        at: (m.x, m.y),
                        r: 5,
                        color,
                    })
                    .shape(Shape::Label {
                        x: At::Data(m.x),
                        y: At::Data(m.y),
                        text: m.label.clone(),
                        dx: 8,
                        dy: -14,
                        h: Anchor::Left,
                        color: INK,
                        bold: true,
                        place: Place::Around,
                    }),
            );
        }
        let y_label = if self.y_label.is_empty() {
            format!("cumulative discounted cash, {}", self.currency)
        } else {
            self.y_label.clone()
        };
        frame::render(&Plot {
            title: self.title.clone(),
            note: None,
            x: Axis::new("month", Unit::Months, false, x_lo, x_hi),
            y: Axis::new(y_label, money, false, y_lo, y_hi),
            legend,
            groups,
            height: frame::HEIGHT,
        })
    }
}
