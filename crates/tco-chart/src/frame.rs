//! The one renderer every chart goes through: a titled frame with a legend,
//! two axes (linear, log or categories), and groups of shapes in data
//! coordinates. Each public chart only decides what to put in a [`Plot`].
//!
//! plotters maps the data to pixels and draws the mesh (grid, axes, tick
//! marks and labels); the groups become `<g class=… data-…>` elements so a
//! test, or the page's scripts, can find each series and marker by name.

use crate::canvas::{escape, text_width, Doc, SharedDoc, SvgCanvas};
use crate::ticks::{self, Tick, Unit};
use crate::ChartError;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;

pub(crate) const WIDTH: u32 = 800;
pub(crate) const HEIGHT: u32 = 500;
const TICK_FONT: f64 = 13.0;
const AXIS_FONT: f64 = 14.0;
const TITLE_FONT: f64 = 18.0;
const LEGEND_FONT: f64 = 13.0;
const LABEL_FONT: f64 = 12.0;
/// Bold text is about this much wider than regular.
pub(crate) const BOLD: f64 = 1.1;

pub(crate) const INK: RGBColor = RGBColor(40, 40, 40);
pub(crate) const MUTED: RGBColor = RGBColor(100, 100, 100);
const GRID: RGBColor = RGBColor(228, 228, 228);

/// Paul Tol's "bright" scheme: distinguishable with the common colour-vision deficiencies.
pub(crate) const PALETTE: [RGBColor; 7] = [
    RGBColor(0x44, 0x77, 0xAA),
    RGBColor(0xEE, 0x66, 0x77),
    RGBColor(0x22, 0x88, 0x33),
    RGBColor(0xCC, 0xBB, 0x44),
    RGBColor(0x66, 0xCC, 0xEE),
    RGBColor(0xAA, 0x33, 0x77),
    RGBColor(0x88, 0x88, 0x88),
];

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

pub(crate) fn palette(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
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

/// A plotters error, as text (only a broken invariant could produce one).
fn draw_err<E: std::fmt::Debug>(e: E) -> ChartError {
    ChartError::Draw(format!("{e:?}"))
}

fn font(size: f64, color: RGBColor) -> TextStyle<'static> {
    let mut s = TextStyle::from(("sans-serif", size).into_font());
    s.color = color.to_backend_color();
    s
}

fn bold(size: f64, color: RGBColor) -> TextStyle<'static> {
    let mut s = TextStyle::from(("sans-serif", size, FontStyle::Bold).into_font());
    s.color = color.to_backend_color();
    s
}

/// A linear coordinate over the transformed axis with our own tick positions.
///
/// plotters' `WithKeyPoints<RangedCoordf64>` cannot take a label formatter,
/// and this also fixes the pixel rounding to one rule on every target.
#[derive(Debug, Clone)]
struct Ticked {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
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

/// Cuts `text` to `max` pixels at `size`, ending in an ellipsis.
pub(crate) fn fit_text(text: &str, size: f64, max: f64) -> String {
    if text_width(text, size) <= max {
        return text.to_string();
    }
    let mut s: String = text.to_string();
    while !s.is_empty() && text_width(&s, size) + text_width("…", size) > max {
        s.pop();
    }
    format!("{}…", s.trim_end_matches([' ', '.', ',', ':', ';', '-']))
}

/// Lays the legend out in rows no wider than `width`; returns (row, x offset) per entry and the row count.
fn legend_layout(entries: &[LegendEntry], width: f64) -> (Vec<(usize, f64)>, usize) {
    let mut out = Vec::with_capacity(entries.len());
    let (mut row, mut x) = (0usize, 0.0f64);
    for e in entries {
        let w = 26.0 + text_width(&e.name, LEGEND_FONT) + 20.0;
        if x > 0.0 && x + w > width {
            row += 1;
            x = 0.0;
        }
        out.push((row, x));
        x += w;
    }
    (out, if entries.is_empty() { 0 } else { row + 1 })
}

#[derive(Debug, Clone, Copy)]
struct BoxPx {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl BoxPx {
    fn overlaps(&self, o: &BoxPx) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
}

type Chart<'a> = ChartContext<'a, SvgCanvas, Cartesian2d<Ticked, Ticked>>;

/// Ticks of an axis over `pixels`.
fn axis_ticks(a: &Axis, pixels: f64, horizontal: bool) -> Vec<Tick> {
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

fn range(a: &Axis) -> (f64, f64) {
    if a.categories.is_empty() {
        (a.t(a.lo), a.t(a.hi))
    } else {
        (0.0, a.categories.len() as f64)
    }
}

pub(crate) fn render(p: &Plot) -> Result<String, ChartError> {
    let (w, h) = (WIDTH, p.height.max(HEIGHT));
    let doc: SharedDoc = Rc::new(RefCell::new(Doc::default()));
    {
        let mut d = doc.borrow_mut();
        let _ = writeln!(
            d.out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="DejaVu Sans, Verdana, Arial, sans-serif" role="img">"#
        );
        let _ = writeln!(d.out, "<title>{}</title>", escape(&p.title));
    }
    let root = SvgCanvas::new(doc.clone(), (w, h)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_err)?;

    // Title, note and legend from the top down.
    let pad = 16.0;
    let mut top = 12.0;
    doc.borrow_mut().out.push_str("<g class=\"title\">\n");
    root.draw(&Text::new(
        fit_text(&p.title, TITLE_FONT * BOLD, f64::from(w) - 2.0 * pad),
        (pad as i32, top as i32),
        bold(TITLE_FONT, INK).pos(Pos::new(HPos::Left, VPos::Top)),
    ))
    .map_err(draw_err)?;
    top += TITLE_FONT + 8.0;
    if let Some(note) = &p.note {
        root.draw(&Text::new(
            fit_text(note, LEGEND_FONT, f64::from(w) - 2.0 * pad),
            (pad as i32, top as i32),
            font(LEGEND_FONT, MUTED).pos(Pos::new(HPos::Left, VPos::Top)),
        ))
        .map_err(draw_err)?;
        top += LEGEND_FONT + 8.0;
    }
    doc.borrow_mut().out.push_str("</g>\n");

    let (places, rows) = legend_layout(&p.legend, f64::from(w) - 2.0 * pad);
    if rows > 0 {
        top += 4.0;
        doc.borrow_mut().out.push_str("<g class=\"legend\">\n");
        for (e, (row, dx)) in p.legend.iter().zip(&places) {
            let x = (pad + dx) as i32;
            let y = (top + *row as f64 * 20.0 + 8.0) as i32;
            let _ = writeln!(
                doc.borrow_mut().out,
                r#"<g class="legend-entry" data-name="{}">"#,
                escape(&e.name)
            );
            match e.swatch {
                Swatch::Line(dash) => {
                    doc.borrow_mut().dash = dash;
                    root.draw(&PathElement::new(
                        vec![(x, y), (x + 22, y)],
                        e.color.stroke_width(3),
                    ))
                    .map_err(draw_err)?;
                    doc.borrow_mut().dash = None;
                }
                Swatch::Box => root
                    .draw(&Rectangle::new(
                        [(x + 4, y - 6), (x + 18, y + 6)],
                        e.color.filled(),
                    ))
                    .map_err(draw_err)?,
                Swatch::Dot => root
                    .draw(&Circle::new((x + 11, y), 5, e.color.filled()))
                    .map_err(draw_err)?,
            }
            root.draw(&Text::new(
                e.name.clone(),
                (x + 28, y),
                font(LEGEND_FONT, INK).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(draw_err)?;
            doc.borrow_mut().out.push_str("</g>\n");
        }
        doc.borrow_mut().out.push_str("</g>\n");
        top += rows as f64 * 20.0;
    }
    top += 10.0;

    // Plot area: the y labels' width sets the left edge, the last x label the right.
    let bottom_room = 58.0;
    let plot_h = f64::from(h) - top - bottom_room;
    let y_ticks = axis_ticks(&p.y, plot_h, false);
    let y_label_w = y_ticks
        .iter()
        .map(|t| text_width(&t.label, TICK_FONT))
        .fold(0.0, f64::max);
    let max_cat = f64::from(w) * 0.4;
    let y_label_w = y_label_w.min(max_cat);
    let y_desc_room = if p.y.label.is_empty() { 0.0 } else { 22.0 };
    let left = pad + y_desc_room + y_label_w + 10.0;
    // The x ticks depend on the width and the width on the last tick: settle with one guess.
    let guess = axis_ticks(&p.x, f64::from(w) - left - 30.0, true);
    let right_room = guess.last().map_or(16.0, |t| {
        (text_width(&t.label, TICK_FONT) / 2.0 + 6.0).max(16.0)
    });
    let plot_w = f64::from(w) - left - right_room;
    let x_ticks = axis_ticks(&p.x, plot_w, true);

    let (x0, x1) = range(&p.x);
    let (y0, y1) = range(&p.y);
    let xk: Vec<f64> = x_ticks.iter().map(|t| t.pos).collect();
    let yk: Vec<f64> = y_ticks.iter().map(|t| t.pos).collect();
    let x_labels: Vec<(f64, String)> = x_ticks.iter().map(|t| (t.pos, t.label.clone())).collect();
    let y_labels: Vec<(f64, String)> = y_ticks
        .iter()
        .map(|t| (t.pos, fit_text(&t.label, TICK_FONT, max_cat)))
        .collect();
    let lookup = |labels: &[(f64, String)], v: f64| -> String {
        labels
            .iter()
            .find(|(pos, _)| (pos - v).abs() < 1e-9)
            .map_or(String::new(), |(_, l)| l.clone())
    };

    let mut chart: Chart = ChartBuilder::on(&root)
        .margin_top(top as i32)
        .margin_right(right_room as i32)
        .margin_left(0)
        .margin_bottom(0)
        .x_label_area_size(bottom_room as i32)
        .y_label_area_size(left as i32)
        .build_cartesian_2d(
            Ticked {
                lo: x0,
                hi: x1,
                ticks: xk,
            },
            Ticked {
                lo: y0,
                hi: y1,
                ticks: yk,
            },
        )
        .map_err(draw_err)?;

    {
        let (pl, pr) = chart.plotting_area().get_pixel_range();
        let _ = writeln!(
            doc.borrow_mut().out,
            r#"<g class="axes" data-left="{}" data-right="{}" data-top="{}" data-bottom="{}" data-x-scale="{}" data-x-min="{}" data-x-max="{}" data-y-scale="{}" data-y-min="{}" data-y-max="{}">"#,
            pl.start,
            pl.end - 1,
            pr.start,
            pr.end - 1,
            scale_name(&p.x),
            p.x.lo,
            p.x.hi,
            scale_name(&p.y),
            p.y.lo,
            p.y.hi
        );
    }
    let xf = |v: &f64| lookup(&x_labels, *v);
    let yf = |v: &f64| lookup(&y_labels, *v);
    let mut mesh = chart.configure_mesh();
    mesh.x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .label_style(font(TICK_FONT, INK))
        .set_all_tick_mark_size(4);
    if !p.y.categories.is_empty() {
        mesh.disable_y_mesh();
    }
    if !p.x.categories.is_empty() {
        mesh.disable_x_mesh();
    }
    mesh.draw().map_err(draw_err)?;
    doc.borrow_mut().out.push_str("</g>\n");

    // Axis descriptions, drawn here so their place does not depend on plotters' guesses.
    let (px, py) = chart.plotting_area().get_pixel_range();
    let (px0, px1, py0, py1) = (px.start, px.end, py.start, py.end);
    if !p.x.label.is_empty() {
        doc.borrow_mut().out.push_str("<g class=\"x-label\">\n");
        root.draw(&Text::new(
            p.x.label.clone(),
            ((px0 + px1) / 2, h as i32 - 12),
            font(AXIS_FONT, INK).pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))
        .map_err(draw_err)?;
        doc.borrow_mut().out.push_str("</g>\n");
    }
    if !p.y.label.is_empty() {
        doc.borrow_mut().out.push_str("<g class=\"y-label\">\n");
        root.draw(&Text::new(
            p.y.label.clone(),
            (pad as i32, (py0 + py1) / 2),
            font(AXIS_FONT, INK)
                .pos(Pos::new(HPos::Center, VPos::Top))
                .transform(FontTransform::Rotate270),
        ))
        .map_err(draw_err)?;
        doc.borrow_mut().out.push_str("</g>\n");
    }

    // The same mapping as plotters' (Ticked::map over its pixel limits), in floats
    // for geometry and rounded alike for drawing.
    let geo = Geo {
        t_x: (x0, x1),
        b_x: (px0, px1 - 1),
        t_y: (y0, y1),
        b_y: (py1 - 1, py0),
        x: &p.x,
        y: &p.y,
    };
    drop(chart);
    draw_groups(&root, &doc, &p.groups, &geo)?;
    drop(root);
    let mut d = doc.borrow_mut();
    d.out.push_str("</svg>\n");
    Ok(std::mem::take(&mut d.out))
}

fn scale_name(a: &Axis) -> &'static str {
    if !a.categories.is_empty() {
        "category"
    } else if a.log {
        "log"
    } else {
        "linear"
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

/// Data to pixels, for shapes drawn outside plotters' series machinery.
struct Geo<'a> {
    /// Transformed data range and the pixel limits it maps onto (y: bottom, top).
    t_x: (f64, f64),
    b_x: (i32, i32),
    t_y: (f64, f64),
    b_y: (i32, i32),
    x: &'a Axis,
    y: &'a Axis,
}

impl Geo<'_> {
    fn ratio(t: f64, (lo, hi): (f64, f64)) -> f64 {
        if hi == lo {
            0.5
        } else {
            ((t - lo) / (hi - lo)).clamp(0.0, 1.0)
        }
    }

    /// A data value on `axis` in transformed units, or None if it cannot be shown.
    fn tf(axis: &Axis, v: f64) -> Option<f64> {
        if axis.categories.is_empty() {
            axis.valid(v).then(|| axis.t(v))
        } else {
            v.is_finite().then_some(v)
        }
    }

    fn fx(&self, t: f64) -> f64 {
        f64::from(self.b_x.0) + Self::ratio(t, self.t_x) * f64::from(self.b_x.1 - self.b_x.0)
    }

    fn fy(&self, t: f64) -> f64 {
        f64::from(self.b_y.0) + Self::ratio(t, self.t_y) * f64::from(self.b_y.1 - self.b_y.0)
    }

    fn ix(&self, t: f64) -> i32 {
        self.b_x.0
            + libm::round(Self::ratio(t, self.t_x) * f64::from(self.b_x.1 - self.b_x.0)) as i32
    }

    fn iy(&self, t: f64) -> i32 {
        self.b_y.0
            + libm::round(Self::ratio(t, self.t_y) * f64::from(self.b_y.1 - self.b_y.0)) as i32
    }

    fn point(&self, (x, y): (f64, f64)) -> Option<(f64, f64)> {
        Some((Self::tf(self.x, x)?, Self::tf(self.y, y)?))
    }

    fn at(&self, a: At, horizontal: bool) -> Option<i32> {
        match (a, horizontal) {
            (At::High, true) => Some(self.b_x.1),
            (At::High, false) => Some(self.b_y.1),
            (At::Data(v), true) => Some(self.ix(Self::tf(self.x, v)?)),
            (At::Data(v), false) => Some(self.iy(Self::tf(self.y, v)?)),
        }
    }

    fn inside_x(&self, t: f64) -> bool {
        t >= self.t_x.0.min(self.t_x.1) && t <= self.t_x.0.max(self.t_x.1)
    }

    fn inside_y(&self, t: f64) -> bool {
        t >= self.t_y.0.min(self.t_y.1) && t <= self.t_y.0.max(self.t_y.1)
    }

    /// A line's runs in transformed units, split where a point cannot be shown.
    fn runs(&self, points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
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
    fn simplify(&self, run: &[(f64, f64)]) -> Vec<(f64, f64)> {
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
fn distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
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
fn crosses(b: &BoxPx, p: (f64, f64), q: (f64, f64)) -> bool {
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

/// What a label must keep clear of.
#[derive(Default)]
struct Obstacles {
    boxes: Vec<BoxPx>,
    /// Marker dots (centre, radius): a label keeps a clear margin from other markers' dots.
    dots: Vec<(f64, f64, f64)>,
    segments: Vec<((f64, f64), (f64, f64))>,
}

impl Obstacles {
    /// Whether `b` overlaps a label, or comes near a dot other than the one at `own`.
    fn hits_box(&self, b: &BoxPx, own: (f64, f64)) -> bool {
        self.boxes.iter().any(|o| o.overlaps(b))
            || self.dots.iter().any(|&(x, y, r)| {
                let mine = (x - own.0).abs() < 1.5 && (y - own.1).abs() < 1.5;
                let m = if mine { r } else { r + 8.0 };
                b.overlaps(&BoxPx {
                    x0: x - m,
                    y0: y - m,
                    x1: x + m,
                    y1: y + m,
                })
            })
    }

    fn hits_line(&self, b: &BoxPx) -> bool {
        self.segments.iter().any(|(p, q)| crosses(b, *p, *q))
    }
}

/// The places tried for a label, ring by ring outwards, the requested one first.
fn candidates(h: Anchor, dx: i32, dy: i32, place: Place) -> Vec<Vec<(Anchor, i32, i32)>> {
    let mut rings = vec![vec![(h, dx, dy)]];
    match place {
        Place::Fixed => {}
        Place::Stack => {
            // Each row down: this side of the anchor, then the other.
            let other = match h {
                Anchor::Left => Anchor::Right,
                Anchor::Right => Anchor::Left,
                Anchor::Center => Anchor::Center,
            };
            if let Some(first) = rings.first_mut() {
                first.push((other, -dx, dy));
            }
            for k in 1..=6 {
                rings.push(vec![(h, dx, dy + k * 16), (other, -dx, dy + k * 16)]);
            }
        }
        Place::Around => {
            if let Some(first) = rings.first_mut() {
                first.extend([
                    (Anchor::Right, -8, -14),
                    (Anchor::Left, 8, -14),
                    (Anchor::Left, 8, 14),
                    (Anchor::Right, -8, 14),
                    (Anchor::Left, 10, 0),
                    (Anchor::Right, -10, 0),
                ]);
            }
            for ring in [30, 46, 62] {
                rings.push(vec![
                    (Anchor::Right, -8, -ring),
                    (Anchor::Left, 8, -ring),
                    (Anchor::Left, 8, ring),
                    (Anchor::Right, -8, ring),
                ]);
            }
        }
    }
    rings
}

fn draw_groups(
    root: &DrawingArea<SvgCanvas, plotters::coord::Shift>,
    doc: &SharedDoc,
    groups: &[Group],
    geo: &Geo,
) -> Result<(), ChartError> {
    // First the geometry every label must avoid: lines, rules and dots.
    let mut obstacles = Obstacles::default();
    let mut lines: Vec<Vec<Vec<(i32, i32)>>> = Vec::new();
    for g in groups {
        for s in &g.shapes {
            match s {
                Shape::Line { points, .. } => {
                    let mut drawn = Vec::new();
                    for run in geo.runs(points) {
                        let run = geo.simplify(&run);
                        for w in run.windows(2) {
                            obstacles.segments.push((
                                (geo.fx(w[0].0), geo.fy(w[0].1)),
                                (geo.fx(w[1].0), geo.fy(w[1].1)),
                            ));
                        }
                        drawn.push(run.iter().map(|&(a, b)| (geo.ix(a), geo.iy(b))).collect());
                    }
                    lines.push(drawn);
                }
                Shape::VRule { x, .. } => {
                    if let Some(t) = Geo::tf(geo.x, *x) {
                        let fx = geo.fx(t);
                        obstacles
                            .segments
                            .push(((fx, f64::from(geo.b_y.0)), (fx, f64::from(geo.b_y.1))));
                    }
                }
                Shape::Dot { at, r, .. } => {
                    if let Some((a, b)) = geo.point(*at) {
                        obstacles.dots.push((
                            f64::from(geo.ix(a)),
                            f64::from(geo.iy(b)),
                            f64::from(*r),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    let mut lines = lines.into_iter();

    let (px_lo, px_hi) = (f64::from(geo.b_x.0), f64::from(geo.b_x.1));
    let (py_top, py_bottom) = (f64::from(geo.b_y.1), f64::from(geo.b_y.0));
    for g in groups {
        {
            let mut d = doc.borrow_mut();
            let _ = write!(d.out, r#"<g class="{}""#, escape(&g.class));
            for (k, v) in &g.attrs {
                let _ = write!(d.out, r#" {k}="{}""#, escape(v));
            }
            d.out.push_str(">\n");
            if let Some(t) = &g.title {
                let _ = writeln!(d.out, "<title>{}</title>", escape(t));
            }
        }
        for s in &g.shapes {
            match s {
                Shape::Line {
                    color, width, dash, ..
                } => {
                    doc.borrow_mut().dash = *dash;
                    for run in lines.next().unwrap_or_default() {
                        root.draw(&PathElement::new(run, color.stroke_width(*width)))
                            .map_err(draw_err)?;
                    }
                    doc.borrow_mut().dash = None;
                }
                Shape::Rect {
                    from,
                    to,
                    fill,
                    gap,
                } => {
                    let (Some(a), Some(b)) = (geo.point(*from), geo.point(*to)) else {
                        continue;
                    };
                    let (ax, ay, bx, by) = (geo.ix(a.0), geo.iy(a.1), geo.ix(b.0), geo.iy(b.1));
                    let (l, r) = (ax.min(bx), ax.max(bx) - gap);
                    let (mut t, btm) = (ay.min(by), ay.max(by));
                    // A bar with any height in the data stays visible.
                    if t == btm && from.1 != to.1 {
                        t -= 1;
                    }
                    if r > l && btm > t {
                        root.draw(&Rectangle::new([(l, t), (r, btm)], fill.filled()))
                            .map_err(draw_err)?;
                    }
                }
                Shape::Dot { at, r, color } => {
                    if let Some((a, b)) = geo.point(*at) {
                        root.draw(&Circle::new((geo.ix(a), geo.iy(b)), *r, color.filled()))
                            .map_err(draw_err)?;
                    }
                }
                Shape::VRule {
                    x,
                    color,
                    width,
                    dash,
                } => {
                    if let Some(t) = Geo::tf(geo.x, *x).filter(|t| geo.inside_x(*t)) {
                        let px = geo.ix(t);
                        doc.borrow_mut().dash = *dash;
                        root.draw(&PathElement::new(
                            vec![(px, geo.b_y.0), (px, geo.b_y.1)],
                            color.stroke_width(*width),
                        ))
                        .map_err(draw_err)?;
                        doc.borrow_mut().dash = None;
                    }
                }
                Shape::HRule {
                    y,
                    color,
                    width,
                    dash,
                } => {
                    if let Some(t) = Geo::tf(geo.y, *y).filter(|t| geo.inside_y(*t)) {
                        let py = geo.iy(t);
                        doc.borrow_mut().dash = *dash;
                        root.draw(&PathElement::new(
                            vec![(geo.b_x.0, py), (geo.b_x.1, py)],
                            color.stroke_width(*width),
                        ))
                        .map_err(draw_err)?;
                        doc.borrow_mut().dash = None;
                    }
                }
                Shape::Label {
                    x,
                    y,
                    text,
                    dx,
                    dy,
                    h,
                    color,
                    bold: is_bold,
                    place,
                } => {
                    let (Some(ax), Some(ay)) = (geo.at(*x, true), geo.at(*y, false)) else {
                        continue;
                    };
                    let size = LABEL_FONT;
                    let tw = text_width(text, size) * if *is_bold { BOLD } else { 1.0 };
                    let lh = size + 4.0;
                    // The box of a label at a candidate place, kept inside the plot area.
                    let place_box = |(h, dx, dy): (Anchor, i32, i32)| -> (f64, f64, BoxPx) {
                        let cx = f64::from(ax + dx);
                        let left = match h {
                            Anchor::Left => cx,
                            Anchor::Center => cx - tw / 2.0,
                            Anchor::Right => cx - tw,
                        };
                        let shift = if left < px_lo + 2.0 {
                            px_lo + 2.0 - left
                        } else if left + tw > px_hi - 2.0 {
                            px_hi - 2.0 - left - tw
                        } else {
                            0.0
                        };
                        let cy = f64::from(ay + dy).clamp(
                            (py_top + lh / 2.0).min(py_bottom - lh / 2.0),
                            (py_bottom - lh / 2.0).max(py_top + lh / 2.0),
                        );
                        let l = left + shift;
                        (
                            cx + shift,
                            cy,
                            BoxPx {
                                x0: l - 1.0,
                                y0: cy - lh / 2.0,
                                x1: l + tw + 1.0,
                                y1: cy + lh / 2.0,
                            },
                        )
                    };
                    // Per ring: a clear place, else one that only crosses lines
                    // (the halo keeps it legible); the next ring only when labels collide.
                    let rings = candidates(*h, *dx, *dy, *place);
                    let own = (f64::from(ax), f64::from(ay));
                    // A stacked label looks down the whole stack for a clear place first.
                    let mut chosen = (rings[0][0], 0usize);
                    let clear = |c: &(Anchor, i32, i32), pass: usize| {
                        let b = place_box(*c).2;
                        !obstacles.hits_box(&b, own) && (pass == 1 || !obstacles.hits_line(&b))
                    };
                    'search: {
                        if *place == Place::Stack {
                            for pass in 0..2 {
                                for (k, ring) in rings.iter().enumerate() {
                                    if let Some(c) = ring.iter().find(|c| clear(c, pass)) {
                                        chosen = (*c, k);
                                        break 'search;
                                    }
                                }
                            }
                        } else {
                            for (k, ring) in rings.iter().enumerate() {
                                for pass in 0..2 {
                                    if let Some(c) = ring.iter().find(|c| clear(c, pass)) {
                                        chosen = (*c, k);
                                        break 'search;
                                    }
                                }
                            }
                        }
                    }
                    let (chosen, ring) = chosen;
                    let (cx, cy, bx) = place_box(chosen);
                    obstacles.boxes.push(bx);
                    if ring > 0 && *place == Place::Around {
                        // A leader from the point to the label's nearer edge.
                        let ex = if f64::from(ax) < bx.x0 {
                            bx.x0
                        } else if f64::from(ax) > bx.x1 {
                            bx.x1
                        } else {
                            f64::from(ax)
                        };
                        let ey = if f64::from(ay) < bx.y0 { bx.y0 } else { bx.y1 };
                        root.draw(&PathElement::new(
                            vec![(ax, ay), (libm::round(ex) as i32, libm::round(ey) as i32)],
                            color.mix(0.6).stroke_width(1),
                        ))
                        .map_err(draw_err)?;
                    }
                    let style = if *is_bold {
                        bold(size, *color)
                    } else {
                        font(size, *color)
                    };
                    // A white halo keeps a label legible over the grid and lines.
                    let _ = writeln!(
                        doc.borrow_mut().out,
                        r##"<rect class="halo" x="{}" y="{}" width="{}" height="{}" fill="#ffffff" fill-opacity="0.8"/>"##,
                        libm::round(bx.x0) as i32,
                        libm::round(bx.y0 + 1.0) as i32,
                        libm::round(bx.x1 - bx.x0) as i32,
                        libm::round(lh - 2.0) as i32
                    );
                    root.draw(&Text::new(
                        text.clone(),
                        (libm::round(cx) as i32, libm::round(cy) as i32),
                        style.pos(Pos::new(chosen.0.hpos(), VPos::Center)),
                    ))
                    .map_err(draw_err)?;
                }
            }
        }
        doc.borrow_mut().out.push_str("</g>\n");
    }
    Ok(())
}
