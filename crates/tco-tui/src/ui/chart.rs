//! The cost-versus-volume chart: monthly cost of every option on log-log
//! axes, each pair's break-even volume and the workload volume as markers.

use crate::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Widget};
use tco_core::model::format::{money, tokens_short};
use tco_core::model::units::{Money, Tokens};

#[derive(Debug)]
pub struct ChartPanel<'a>(pub &'a App);

/// One drawn line: its name, points, colour and marker.
type Drawn = (String, Vec<(f64, f64)>, Color, Marker);

const API_COLORS: [Color; 3] = [Color::Red, Color::Magenta, Color::LightRed];
const LOCAL_COLORS: [Color; 3] = [Color::Green, Color::Blue, Color::LightGreen];

fn decades(lo: f64, hi: f64) -> Vec<f64> {
    let (a, b) = (lo.ceil() as i32, hi.floor() as i32);
    let all: Vec<f64> = (a..=b).map(f64::from).collect();
    let step = all.len().div_ceil(5).max(1);
    all.into_iter().step_by(step).collect()
}

impl Widget for ChartPanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let c = &app.now.chart;
        let cur = &app.now.report.currency;
        let vertical = |x: f64| vec![(x, c.y.0), (x, c.y.1)];
        let mut owned: Vec<Drawn> = Vec::new();
        let (mut ai, mut li) = (0, 0);
        for s in &c.series {
            let color = if s.local {
                li += 1;
                LOCAL_COLORS[(li - 1) % LOCAL_COLORS.len()]
            } else {
                ai += 1;
                API_COLORS[(ai - 1) % API_COLORS.len()]
            };
            owned.push((s.name.clone(), s.points.clone(), color, Marker::Braille));
        }
        for (label, x) in &c.break_even {
            owned.push((
                format!(
                    "break-even {} ({label})",
                    tokens_short(Tokens(10f64.powf(*x).round() as u64))
                ),
                vertical(*x),
                Color::Yellow,
                Marker::Dot,
            ));
        }
        owned.push((
            format!(
                "workload {}",
                tokens_short(Tokens(app.now.report.tokens_per_month))
            ),
            vertical(c.workload),
            Color::Cyan,
            Marker::Dot,
        ));
        let datasets: Vec<Dataset> = owned
            .iter()
            .map(|(name, pts, color, marker)| {
                Dataset::default()
                    .name(name.clone())
                    .marker(*marker)
                    .graph_type(GraphType::Line)
                    .style(Style::new().fg(*color))
                    .data(pts)
            })
            .collect();
        let xl: Vec<Span> = decades(c.x.0, c.x.1)
            .into_iter()
            .map(|d| Span::raw(tokens_short(Tokens(10f64.powf(d).round() as u64))))
            .collect();
        let yl: Vec<Span> = decades(c.y.0, c.y.1)
            .into_iter()
            .map(|d| {
                let m = Money::new(rust_decimal::Decimal::from(10f64.powf(d).round() as i64));
                Span::raw(money(m, cur))
            })
            .collect();
        Chart::new(datasets)
            .block(
                Block::bordered()
                    .title(" Monthly cost vs volume (log-log) ")
                    .title_bottom(
                        " red: API · green: local · yellow: break-even · cyan: workload ",
                    ),
            )
            .x_axis(
                Axis::default()
                    .title("tokens/month")
                    .bounds([c.x.0, c.x.1])
                    .labels(xl),
            )
            .y_axis(
                Axis::default()
                    .title("per month")
                    .bounds([c.y.0, c.y.1])
                    .labels(yl),
            )
            .legend_position(None)
            .render(area, buf);
    }
}
