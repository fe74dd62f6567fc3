//! The one renderer every chart goes through: a titled frame with a legend,
//! two axes (linear, log or categories), and groups of shapes in data
//! coordinates. Each public chart only decides what to put in a [`Plot`].
//!
//! plotters maps the data to pixels and draws the mesh (grid, axes, tick
//! marks and labels); the groups become `<g class=… data-…>` elements so a
//! test, or the page's scripts, can find each series and marker by name.

mod geometry;
mod labels;
mod render;
mod theme;

pub(crate) use render::render;
pub(crate) use theme::{palette, HEIGHT, INK, MUTED};

use crate::ticks::{self, Unit};
use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

/// One 2 px line per series in palette order, each with its legend entry
/// (`<g class="series" data-name data-kind>`): the lines of the cash and
/// hybrid-share charts.
pub(crate) fn series_lines<'a>(
    series: impl Iterator<Item = (&'a str, &'a [(f64, f64)])>,
    kind: &'static str,
    legend: &mut Vec<LegendEntry>,
    groups: &mut Vec<Group>,
) {
    for (i, (name, points)) in series.enumerate() {
        let color = palette(i);
        legend.push(LegendEntry {
            name: name.to_string(),
            color,
            swatch: Swatch::Line(None),
        });
        groups.push(
            Group::new("series")
                .attr("data-name", name)
                .attr("data-kind", kind)
                .titled(name)
                .shape(Shape::Line {
                    points: points.to_vec(),
                    color,
                    width: 2,
                    dash: None,
                }),
        );
    }
}

/// A marker of one series, tagged with its series, label and position for
/// tests and the page; the caller adds its shapes.
pub(crate) fn series_marker(class: &str, series: &str, m: &crate::Marker) -> Group {
    Group::new(class)
        .attr("data-series", series)
        .attr("data-label", m.label.clone())
        .attr("data-x", m.x.to_string())
        .attr("data-y", m.y.to_string())
        .titled(format!("{series}: {}", m.label))
}

#[derive(Debug, Clone)]
pub(crate) struct Axis {
    pub label: String,
    pub unit: Unit,
    pub log: bool,
    /// Data range, `lo < hi`, both positive on a log axis.
    pub lo: f64,
    pub hi: f64,
    /// When not empty: a category axis, slot 0 at the top (y) or left (x).
    pub categories: Vec<String>,
}

impl Axis {
    pub fn new(label: impl Into<String>, unit: Unit, log: bool, lo: f64, hi: f64) -> Self {
        Axis {
            label: label.into(),
            unit,
            log,
            lo,
            hi,
            categories: Vec::new(),
        }
    }

    fn t(&self, v: f64) -> f64 {
        ticks::t(self.log, v)
    }

    fn valid(&self, v: f64) -> bool {
        v.is_finite() && (!self.log || v > 0.0)
    }
}

/// Where a label sits along one axis.
#[derive(Debug, Clone, Copy)]
pub(crate) enum At {
    Data(f64),
    /// The high end of the plot area (right, or top).
    High,
}

#[derive(Debug, Clone)]
pub(crate) enum Shape {
    Line {
        points: Vec<(f64, f64)>,
        color: RGBColor,
        width: u32,
        dash: Option<&'static str>,
    },
    Rect {
        from: (f64, f64),
        to: (f64, f64),
        fill: RGBAColor,
        /// Pixels left free on the right edge, so adjacent bars stay apart.
        gap: i32,
    },
    Dot {
        at: (f64, f64),
        r: u32,
        color: RGBColor,
    },
    /// A line across the whole plot at x.
    VRule {
        x: f64,
        color: RGBColor,
        width: u32,
        dash: Option<&'static str>,
    },
    /// A line across the whole plot at y.
    HRule {
        y: f64,
        color: RGBColor,
        width: u32,
        dash: Option<&'static str>,
    },
    Label {
        x: At,
        y: At,
        text: String,
        /// Pixel offset from the anchor point.
        dx: i32,
        dy: i32,
        h: Anchor,
        color: RGBColor,
        bold: bool,
        /// How far it may move to keep clear of other labels, dots and lines.
        place: Place,
    },
}

/// Shapes drawn as one `<g class="…" data-…>` element.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub class: String,
    pub attrs: Vec<(&'static str, String)>,
    /// Becomes the group's `<title>` (a tooltip in browsers).
    pub title: Option<String>,
    pub shapes: Vec<Shape>,
}

impl Group {
    pub fn new(class: impl Into<String>) -> Self {
        Group {
            class: class.into(),
            attrs: Vec::new(),
            title: None,
            shapes: Vec::new(),
        }
    }

    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.attrs.push((name, value.into()));
        self
    }

    pub fn titled(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    pub fn shape(mut self, s: Shape) -> Self {
        self.shapes.push(s);
        self
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    Line(Option<&'static str>),
    Box,
    Dot,
}

#[derive(Debug, Clone)]
pub(crate) struct LegendEntry {
    pub name: String,
    pub color: RGBColor,
    pub swatch: Swatch,
}

#[derive(Debug, Clone)]
pub(crate) struct Plot {
    pub title: String,
    pub note: Option<String>,
    pub x: Axis,
    pub y: Axis,
    pub legend: Vec<LegendEntry>,
    pub groups: Vec<Group>,
    pub height: u32,
}

/// How a label may move away from where it was asked to go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// Exactly there.
    Fixed,
    /// Further down, a line at a time (labels at the top of a vertical rule).
    Stack,
    /// Around the point: above or below, left or right.
    Around,
}

/// Where a text's anchor point lies horizontally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Left,
    Center,
    Right,
}

impl Anchor {
    fn hpos(self) -> HPos {
        match self {
            Anchor::Left => HPos::Left,
            Anchor::Center => HPos::Center,
            Anchor::Right => HPos::Right,
        }
    }
}

/// Finite values of `it`, and positive ones only for a log axis.
pub(crate) fn extent(log: bool, it: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in it {
        if v.is_finite() && (!log || v > 0.0) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    (lo <= hi).then_some((lo, hi))
}

/// Axis bounds for data in `[lo, hi]`: whole decades on a log axis, nice steps on a linear one.
pub(crate) fn bounds(
    unit: &Unit,
    log: bool,
    data: Option<(f64, f64)>,
    include_zero: bool,
) -> (f64, f64) {
    match (data, log) {
        (Some((lo, hi)), true) => ticks::decade_bounds(lo, hi),
        (Some((lo, hi)), false) => {
            let (lo, hi) = if include_zero {
                (lo.min(0.0), hi.max(0.0))
            } else {
                (lo, hi)
            };
            ticks::nice_bounds(unit, lo, hi)
        }
        (None, true) => (1.0, 10.0),
        (None, false) => (0.0, 1.0),
    }
}
