//! A modelled load curve: tokens/s against batch size, for a throughput
//! estimated from a machine's specs (`throughput: {estimate: roofline}`).

use crate::frame::{self, palette, Anchor, At, Axis, Group, LegendEntry, Place, Plot, Shape};
use crate::frame::{Swatch, INK};
use crate::ticks::Unit;
use crate::{ChartError, Marker};

/// A drawn line: its name, its `data-kind`, its points.
type Line<'a> = (&'a str, &'a str, &'a [(f64, f64)]);

/// Per-stream, aggregate and total tokens/s by batch size, with the point the
/// report's capacity is taken from.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveChart {
    pub title: String,
    /// A line under the title: the efficiencies and where they came from.
    pub note: Option<String>,
    /// (batch size, decode tokens/s of one stream).
    pub per_stream: Vec<(f64, f64)>,
    /// (batch size, decode tokens/s of all streams together).
    pub aggregate: Vec<(f64, f64)>,
    /// (batch size, prompt + output tokens/s of the node in the closed loop):
    /// the curve the capacity is picked from.
    pub total: Vec<(f64, f64)>,
    /// The total at the low and the high end of the efficiency range, drawn
    /// dashed around it; empty to leave out.
    pub total_low: Vec<(f64, f64)>,
    pub total_high: Vec<(f64, f64)>,
    /// The capacity the report uses: x the batch size (between two levels
    /// when the latency targets bind there), y its total tokens/s.
    pub selected: Option<Marker>,
}

impl CurveChart {
    /// The chart as an 800×500 SVG document, on log axes.
    pub fn to_svg(&self) -> Result<String, ChartError> {
        let lines: [Line<'_>; 3] = [
            (
                "per stream (decode)",
                "per_stream",
                self.per_stream.as_slice(),
            ),
            ("aggregate (decode)", "aggregate", self.aggregate.as_slice()),
            (
                "total, closed loop (capacity)",
                "total",
                self.total.as_slice(),
            ),
        ];
        let band = [&self.total_low, &self.total_high];
        let all = lines
            .iter()
            .flat_map(|l| l.2.iter())
            .chain(band.iter().flat_map(|b| b.iter()))
            .copied()
            .chain(self.selected.as_ref().map(|m| (m.x, m.y)));
        let pts: Vec<(f64, f64)> = all.collect();
        let (x_lo, x_hi) = match frame::extent(true, pts.iter().map(|p| p.0)) {
            Some((lo, hi)) if hi > lo => (lo, hi),
            Some((lo, _)) => (lo, lo * 2.0),
            None => (1.0, 2.0),
        };
        let (y_lo, y_hi) = frame::bounds(
            &Unit::Plain,
            true,
            frame::extent(true, pts.iter().map(|p| p.1)),
            false,
        );

        let mut legend = Vec::new();
        let mut groups = Vec::new();
        for (i, (name, kind, points)) in lines.iter().enumerate() {
            let color = palette(i);
            legend.push(LegendEntry {
                name: (*name).to_string(),
                color,
                swatch: Swatch::Line(None),
            });
            groups.push(
                Group::new("series")
                    .attr("data-name", *name)
                    .attr("data-kind", *kind)
                    .titled(*name)
                    .shape(Shape::Line {
                        points: points.to_vec(),
                        color,
                        width: 2,
                        dash: None,
                    }),
            );
        }
        if !self.total_low.is_empty() || !self.total_high.is_empty() {
            let color = palette(2);
            legend.push(LegendEntry {
                name: "total at 0.8× and 1.2× efficiency".into(),
                color,
                swatch: Swatch::Line(Some("4 3")),
            });
            for (kind, name, points) in [
                ("total_low", "total at 0.8× efficiency", &self.total_low),
                ("total_high", "total at 1.2× efficiency", &self.total_high),
            ] {
                groups.push(
                    Group::new("range")
                        .attr("data-name", name)
                        .attr("data-kind", kind)
                        .titled(name)
                        .shape(Shape::Line {
                            points: points.clone(),
                            color,
                            width: 1,
                            dash: Some("4 3"),
                        }),
                );
            }
        }
        if let Some(m) = &self.selected {
            groups.push(
                frame::series_marker("marker selected", "total", m)
                    .shape(Shape::Dot {
                        at: (m.x, m.y),
                        r: 6,
                        color: INK,
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
        frame::render(&Plot {
            title: self.title.clone(),
            note: self.note.clone(),
            x: Axis::new(
                "batch size (concurrent streams)",
                Unit::Count,
                true,
                x_lo,
                x_hi,
            ),
            y: Axis::new("tokens/s", Unit::Plain, true, y_lo, y_hi),
            legend,
            groups,
            height: frame::HEIGHT,
        })
    }
}
