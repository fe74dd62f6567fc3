//! The modelled load curve of a throughput estimated from specs: per-stream,
//! aggregate and total tokens/s against batch size on log axes, the capacity
//! the report uses marked. Drawn in place of the cost chart while one of the
//! option's throughput fields is selected.

use crate::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Widget};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use tco_core::model::estimate::EstimateCurves;
use tco_core::model::format::decimal_grouped;

/// The curve of local option `.1`, whose throughput is an estimate.
#[derive(Debug)]
pub struct CurvePanel<'a>(pub &'a App, pub usize);

impl App {
    /// The local option whose modelled curve the calculator shows: the one
    /// whose throughput field is selected, when its throughput is estimated.
    pub fn curve_option(&self) -> Option<usize> {
        let path = &self.field()?.path;
        let i: usize = path
            .strip_prefix("local[")?
            .split_once("].throughput")?
            .0
            .parse()
            .ok()?;
        let l = self.now.scenario.local.get(i)?;
        l.throughput.source.estimate_curves().map(|_| i)
    }
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// The points of the chart in log space: (log2 batch, log10 tokens/s).
pub(crate) struct CurvePoints {
    pub per_stream: Vec<(f64, f64)>,
    pub aggregate: Vec<(f64, f64)>,
    pub total: Vec<(f64, f64)>,
    /// The capacity the report uses, (batch, tokens/s), not transformed.
    pub selected: Option<(f64, Decimal)>,
}

pub(crate) fn points(c: &EstimateCurves) -> CurvePoints {
    let p = &c.point;
    let line = |y: fn(&tco_core::model::estimate::EstimatedLevel) -> Decimal| {
        p.levels
            .iter()
            .map(|l| ((l.batch as f64).log2(), f(y(l)).max(1e-9).log10()))
            .collect()
    };
    let selected = c.capacity.as_ref().map(|cap| {
        let at = |b: u32| {
            p.levels
                .iter()
                .find(|l| l.batch == u64::from(b))
                .map(|l| l.total_tps)
        };
        let x = match cap.interpolated_to {
            Some((next, _)) => match (at(cap.concurrency), at(next)) {
                (Some(a), Some(b)) if a != b => {
                    let frac = f((cap.total_tokens_per_second - a) / (b - a)).clamp(0.0, 1.0);
                    let (c0, c1) = (f64::from(cap.concurrency), f64::from(next));
                    c0 + frac * (c1 - c0)
                }
                _ => f64::from(cap.concurrency),
            },
            None => f64::from(cap.concurrency),
        };
        (x, cap.total_tokens_per_second)
    });
    CurvePoints {
        per_stream: line(|l| l.per_stream_decode_tps),
        aggregate: line(|l| l.aggregate_decode_tps),
        total: line(|l| l.total_tps),
        selected,
    }
}

impl Widget for CurvePanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let Some(l) = self.0.now.scenario.local.get(self.1) else {
            return;
        };
        let Some(c) = l.throughput.source.estimate_curves() else {
            return;
        };
        let pts = points(c);
        let sel: Vec<(f64, f64)> = pts
            .selected
            .iter()
            .map(|(x, y)| (x.log2(), f(*y).max(1e-9).log10()))
            .collect();
        let all = pts
            .per_stream
            .iter()
            .chain(&pts.aggregate)
            .chain(&pts.total)
            .chain(&sel);
        let (x_hi, y_lo, y_hi) = all.fold((1.0f64, f64::MAX, f64::MIN), |(x, lo, hi), p| {
            (x.max(p.0), lo.min(p.1), hi.max(p.1))
        });
        let (y_lo, y_hi) = (y_lo.floor(), y_hi.ceil().max(y_lo.floor() + 1.0));
        let x_hi = x_hi.ceil().max(1.0);
        let label = match &c.capacity {
            Some(cap) => format!(
                "capacity {} tokens/s (batch {})",
                decimal_grouped(cap.total_tokens_per_second.round_dp(0)),
                match cap.interpolated_to {
                    Some((next, _)) => format!("{}–{next}", cap.concurrency),
                    None => cap.concurrency.to_string(),
                }
            ),
            None => "no batch size meets the latency targets".into(),
        };
        let datasets = vec![
            Dataset::default()
                .name("per stream")
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(Color::Blue))
                .data(&pts.per_stream),
            Dataset::default()
                .name("aggregate decode")
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(Color::Red))
                .data(&pts.aggregate),
            Dataset::default()
                .name("total (capacity)")
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(Color::Green))
                .data(&pts.total),
            Dataset::default()
                .name(label.clone())
                .marker(Marker::Block)
                .graph_type(GraphType::Scatter)
                .style(Style::new().fg(Color::Yellow))
                .data(&sel),
        ];
        // One label per power of two and per decade: ratatui spaces labels
        // evenly, and both axes are whole steps in log space.
        let xl: Vec<Span> = (0..=x_hi as u32)
            .map(|e| Span::raw((1u64 << e.min(63)).to_string()))
            .collect();
        let yl: Vec<Span> = (y_lo as i32..=y_hi as i32)
            .map(|d| {
                Span::raw(if d >= 0 {
                    decimal_grouped(Decimal::from_i128_with_scale(
                        10i128.pow(d.unsigned_abs().min(28)),
                        0,
                    ))
                } else {
                    Decimal::new(1, d.unsigned_abs().min(28)).to_string()
                })
            })
            .collect();
        Chart::new(datasets)
            .block(
                Block::bordered()
                    .title(format!(
                        " {}: modelled tokens/s by batch size (log-log) ",
                        l.name
                    ))
                    .title_bottom(format!(
                        " blue: per stream · red: aggregate · green: total · yellow: {label} "
                    )),
            )
            .x_axis(
                Axis::default()
                    .title("batch")
                    .bounds([0.0, x_hi])
                    .labels(xl),
            )
            .y_axis(
                Axis::default()
                    .title("tokens/s")
                    .bounds([y_lo, y_hi])
                    .labels(yl),
            )
            .legend_position(None)
            .render(area, buf);
    }
}
