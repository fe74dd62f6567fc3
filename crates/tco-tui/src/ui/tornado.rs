//! The tornado: for one pair, how far each uncertain input moves the answer
//! when it alone is set to its P10 (blue) and its P90 (red), every other
//! input at its point value. Bars are tco-core's exact one-at-a-time reports
//! (`tco sensitivity`), largest swing at the top; the yellow line is the point
//! answer. `t` switches between the first break-even volume and the monthly
//! saving of going local at the workload volume.

use crate::app::{App, Tornado};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph, Widget, Wrap};
use tco_core::analysis::sensitivity::PairTornado;
use tco_core::model::format::{money, tokens_short};
use tco_core::model::units::{Money, Tokens};

/// One input's bar: its name and the answer at either end; None = the end
/// where local never breaks even (break-even) or cannot serve (saving).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub name: String,
    pub at_low: Option<f64>,
    pub at_high: Option<f64>,
}

#[derive(Debug)]
pub struct TornadoPanel<'a> {
    pub pair: &'a PairTornado,
    pub kind: Tornado,
    pub currency: &'a str,
    /// For the inputs' short names on the y axis.
    pub app: &'a App,
}

impl TornadoPanel<'_> {
    /// The bars that move the answer, largest swing first, and the point answer.
    pub fn bars(&self) -> (Vec<Bar>, Option<f64>, usize) {
        let p = self.pair;
        let (all, base): (Vec<Bar>, Option<f64>) = match self.kind {
            Tornado::BreakEven => (
                p.break_even
                    .iter()
                    .filter(|b| b.swing != Some(0))
                    .map(|b| Bar {
                        name: b.label.clone(),
                        at_low: b.at_low.map(|v| v as f64),
                        at_high: b.at_high.map(|v| v as f64),
                    })
                    .collect(),
                p.base_break_even.map(|v| v as f64),
            ),
            Tornado::Saving => (
                p.saving
                    .iter()
                    .filter(|b| b.swing.is_none_or(|m| !m.amount().is_zero()))
                    .map(|b| Bar {
                        name: b.label.clone(),
                        at_low: b.at_low.map(Money::to_f64_lossy),
                        at_high: b.at_high.map(Money::to_f64_lossy),
                    })
                    .collect(),
                p.base_saving.map(Money::to_f64_lossy),
            ),
        };
        let still = match self.kind {
            Tornado::BreakEven => p.break_even.len(),
            Tornado::Saving => p.saving.len(),
        } - all.len();
        (all, base, still)
    }

    fn label(&self, v: f64) -> String {
        match self.kind {
            Tornado::BreakEven => tokens_short(Tokens(v.max(0.0).round() as u64)),
            Tornado::Saving => {
                let d = rust_decimal::Decimal::from(v.round() as i64);
                money(Money::new(d), self.currency)
                    .trim_end_matches(".00")
                    .to_string()
            }
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

impl Widget for TornadoPanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (what, unit, missing) = match self.kind {
            Tornado::BreakEven => (
                "first break-even volume",
                "tokens/month",
                "never breaks even",
            ),
            Tornado::Saving => (
                "monthly saving of going local",
                "per month",
                "cannot serve the volume",
            ),
        };
        let (bars, base, still) = self.bars();
        let title = format!(" Tornado: {what} (t switches) ");
        let block = Block::bordered().title(title);
        if bars.is_empty() {
            let text = if still > 0 {
                format!(
                    "None of the {still} uncertain inputs moves the {what} of {} vs {}.",
                    self.pair.local, self.pair.api
                )
            } else {
                "No uncertain input to swing.".to_string()
            };
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .block(block)
                .render(area, buf);
            return;
        }
        // Rows of the plot: inside the border, above the x axis and its labels.
        let rows = area.height.saturating_sub(4).max(2) as usize;
        let usable = rows - 1; // the bottom row carries the axis title
        let spacing = if 2 * bars.len() - 1 <= usable { 2 } else { 1 };
        let shown = bars.len().min(usable.div_ceil(spacing));
        let finite = bars
            .iter()
            .flat_map(|b| [b.at_low, b.at_high])
            .chain([base])
            .flatten();
        let (mut lo, mut hi) = finite.fold((f64::MAX, f64::MIN), |(a, z), v| (a.min(v), z.max(v)));
        if lo > hi {
            (lo, hi) = (0.0, 1.0);
        }
        let pad = ((hi - lo) * 0.08).max(hi.abs() * 0.01).max(1.0);
        let (lo, hi) = (lo - pad, hi + pad);
        // A missing end is drawn to the edge it lies beyond.
        let edge = match self.kind {
            Tornado::BreakEven => hi,
            Tornado::Saving => lo,
        };
        let top = (rows - 1) as f64;
        let label_w = (area.width / 3).saturating_sub(1) as usize;
        let mut labels = vec![Span::raw(""); rows];
        let mut segments: Vec<(Vec<(f64, f64)>, Color)> = Vec::new();
        for (k, b) in bars.iter().take(shown).enumerate() {
            let row = k * spacing;
            let y = top - row as f64;
            let swing = match (b.at_low, b.at_high) {
                (Some(l), Some(h)) => self.label((h - l).abs()),
                _ => "⇥".to_string(),
            };
            let room = label_w.saturating_sub(swing.chars().count() + 1).max(3);
            let name = format!("{} {swing}", truncate(&b.name, room));
            labels[rows - 1 - row] = Span::raw(truncate(&name, label_w));
            let low = b.at_low.unwrap_or(edge);
            let high = b.at_high.unwrap_or(edge);
            let from = base.unwrap_or((low + high) / 2.0);
            segments.push((vec![(from, y), (low, y)], Color::Blue));
            segments.push((vec![(from, y), (high, y)], Color::Red));
        }
        // The point line first, so a bar too short to leave its cell still shows.
        let base_line = base.map(|x| vec![(x, 0.0), (x, top)]);
        let mut datasets: Vec<Dataset> = base_line
            .iter()
            .map(|pts| {
                Dataset::default()
                    .marker(Marker::Braille)
                    .graph_type(GraphType::Line)
                    .style(Style::new().fg(Color::Yellow))
                    .data(pts)
            })
            .collect();
        datasets.extend(segments.iter().map(|(pts, color)| {
            Dataset::default()
                .marker(Marker::Block)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(*color))
                .data(pts)
        }));
        let xl: Vec<Span> = [lo, (lo + hi) / 2.0, hi]
            .iter()
            .map(|v| Span::raw(self.label(*v)))
            .collect();
        let more = if bars.len() > shown {
            format!(" +{} smaller not shown ·", bars.len() - shown)
        } else {
            String::new()
        };
        let point = base.map_or(format!("at the point value local {missing}"), |b| {
            format!("point {}", self.label(b))
        });
        let foot = format!(
            "{more} blue: input at P10 · red: at P90 · yellow: {point} · ⇥ {short} ",
            short = match self.kind {
                Tornado::BreakEven => "never",
                Tornado::Saving => "cannot serve",
            }
        );
        Chart::new(datasets)
            .block(block.title_bottom(Line::from(foot)))
            .x_axis(Axis::default().title(unit).bounds([lo, hi]).labels(xl))
            .y_axis(Axis::default().bounds([0.0, top]).labels(labels))
            .legend_position(None)
            .render(area, buf);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::app::bundled_app;

    #[test]
    fn bars_show_each_end_in_its_colour_on_the_side_it_moves_the_answer() {
        let mut a = bundled_app("scenarios/flagship.yaml").unwrap();
        assert!(a.settle(std::time::Duration::from_secs(60)));
        let u = a.unc.current().unwrap();
        let panel = TornadoPanel {
            pair: &u.sens.pairs[0],
            kind: Tornado::BreakEven,
            currency: "USD",
            app: &a,
        };
        let (bars, base, still) = panel.bars();
        // Owned A100s vs Sonnet: electricity and throughput move it; the
        // rented option's rent and the API price trend (finance only) do not.
        let names: Vec<&str> = bars.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(
            names,
            ["electricity price (local 1)", "throughput (local 1)"]
        );
        assert_eq!(still, 2);
        let base = base.unwrap();
        // Cheaper power (P10) lowers the break-even, dearer power raises it.
        assert!(bars[0].at_low.unwrap() < base && bars[0].at_high.unwrap() > base);

        let area = Rect::new(0, 0, 70, 20);
        let mut buf = Buffer::empty(area);
        panel.render(area, &mut buf);
        // Row 1 (below the top border) is electricity's bar.
        let row: Vec<(char, Color)> = (0..area.width)
            .map(|x| {
                let c = &buf[(x, 1)];
                (c.symbol().chars().next().unwrap_or(' '), c.fg)
            })
            .collect();
        let cols = |color| {
            row.iter()
                .enumerate()
                .filter(|(_, (ch, fg))| *ch == '█' && *fg == color)
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        };
        let (blue, red) = (cols(Color::Blue), cols(Color::Red));
        assert!(!blue.is_empty() && !red.is_empty(), "{row:?}");
        assert!(
            blue.iter().max() < red.iter().min(),
            "P10 to the left of P90: {blue:?} {red:?}"
        );
    }
}
