//! The break-even histogram: how many of the simulated samples first break
//! even at each volume (tco-core's log-spaced bins, as `tco simulate` prints
//! them), on a log volume axis. Bins between the simulated P10 and P90 are
//! green; the point estimate `tco report` prints and the workload volume are
//! vertical lines. A few outlying samples are left off the chart and counted.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph, Widget, Wrap};
use tco_core::analysis::sim::{Bin, SimPair};
use tco_core::model::format::{tokens, tokens_short};
use tco_core::model::units::Tokens;

/// The histogram of one pair.
#[derive(Debug)]
pub struct Histogram<'a> {
    pub pair: &'a SimPair,
    /// The point estimate's first break-even volume (`tco report`), if any.
    pub point: Option<u64>,
    pub workload: u64,
    pub samples: usize,
}

fn lg(v: u64) -> f64 {
    (v.max(1) as f64).log10()
}

/// The bins drawn: the fewest adjacent bins that hold at least 98 % of the
/// samples that break even, widened by one bin each side, so a handful of
/// outliers does not squeeze the bulk into one column. Returns the bins and
/// how many samples lie outside them.
pub fn window(bins: &[Bin]) -> (&[Bin], usize) {
    let total: usize = bins.iter().map(|b| b.count).sum();
    let need = (total as f64 * 0.98).ceil() as usize;
    let (mut best, mut width) = ((0, bins.len()), bins.len());
    for i in 0..bins.len() {
        let mut sum = 0;
        for (j, b) in bins.iter().enumerate().skip(i) {
            sum += b.count;
            if sum >= need {
                if j + 1 - i < width {
                    (best, width) = ((i, j + 1), j + 1 - i);
                }
                break;
            }
        }
    }
    let (i, j) = (best.0.saturating_sub(1), (best.1 + 1).min(bins.len()));
    let shown = &bins[i..j];
    (shown, total - shown.iter().map(|b| b.count).sum::<usize>())
}

/// Points that fill the span of each bin whose centre passes `keep`, one
/// every `step` in log10 volume (empty bins draw nothing).
fn bars(bins: &[Bin], step: f64, keep: impl Fn(f64) -> bool) -> Vec<(f64, f64)> {
    let mut pts = Vec::new();
    for b in bins.iter().filter(|b| b.count > 0) {
        let (a, z) = (lg(b.from), lg(b.to));
        if !keep((a + z) / 2.0) {
            continue;
        }
        let n = (((z - a) / step).ceil() as usize).max(1);
        for k in 0..n {
            pts.push((a + (z - a) * (k as f64 + 0.5) / n as f64, b.count as f64));
        }
    }
    pts
}

impl Widget for Histogram<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let p = self.pair;
        let block = Block::bordered().title(format!(
            " First break-even volume of {} samples (log scale) ",
            tokens(Tokens(self.samples as u64))
        ));
        let (bins, outside) = window(&p.histogram);
        let (Some(first), Some(last)) = (bins.first(), bins.last()) else {
            Paragraph::new(format!(
                "No sample breaks even: {} never beats {} in any of the {} samples.",
                p.local, p.api, self.samples
            ))
            .wrap(Wrap { trim: true })
            .block(block)
            .render(area, buf);
            return;
        };
        let (mut lo, mut hi) = (lg(first.from), lg(last.to));
        if hi - lo < 0.02 {
            // All samples in one narrow bin: widen so it is drawn as a bar.
            lo -= 0.05;
            hi += 0.05;
        }
        let top = bins.iter().map(|b| b.count).max().unwrap_or(1).max(1) as f64;
        let ymax = (top * 1.15).ceil();
        let step = (hi - lo) / (2.0 * f64::from(area.width.max(10)));
        // Bins whose centre lies between the simulated P10 and P90 are bright.
        let q = &p.break_even_percentiles;
        let (p10, p90) = (q.p10.map_or(f64::MIN, lg), q.p90.map_or(f64::MAX, lg));
        let inner = bars(bins, step, |x| x >= p10 && x <= p90);
        let outer = bars(bins, step, |x| x < p10 || x > p90);
        let vertical = |x: f64| vec![(x, 0.0), (x, ymax)];
        let mut lines: Vec<(Vec<(f64, f64)>, Color)> = Vec::new();
        if let Some(v) = self.point {
            lines.push((vertical(lg(v)), Color::Yellow));
        }
        let w = lg(self.workload);
        if w >= lo && w <= hi {
            lines.push((vertical(w), Color::Cyan));
        }
        let mut datasets = Vec::new();
        for (pts, color) in [(&outer, Color::DarkGray), (&inner, Color::Green)] {
            datasets.push(
                Dataset::default()
                    .marker(Marker::HalfBlock)
                    .graph_type(GraphType::Bar)
                    .style(Style::new().fg(color))
                    .data(pts),
            );
        }
        for (pts, color) in &lines {
            datasets.push(
                Dataset::default()
                    .marker(Marker::Braille)
                    .graph_type(GraphType::Line)
                    .style(Style::new().fg(*color))
                    .data(pts),
            );
        }
        let xl: Vec<Span> = (0..4)
            .map(|i| {
                let x = lo + (hi - lo) * f64::from(i) / 3.0;
                Span::raw(tokens_short(Tokens(10f64.powf(x).round() as u64)))
            })
            .collect();
        let yl: Vec<Span> = [0.0, ymax / 2.0, ymax]
            .iter()
            .map(|y| Span::raw(format!("{}", y.round() as u64)))
            .collect();
        let mut foot =
            String::from(" green: P10–P90 · yellow: tco report's point · cyan: workload ");
        if outside > 0 {
            foot.push_str(&format!("· {outside} off the chart "));
        }
        Chart::new(datasets)
            .block(block.title_bottom(Line::from(foot)))
            .x_axis(
                Axis::default()
                    .title("tokens/month")
                    .bounds([lo, hi])
                    .labels(xl),
            )
            .y_axis(
                Axis::default()
                    .title("samples")
                    .bounds([0.0, ymax])
                    .labels(yl),
            )
            .legend_position(None)
            .render(area, buf);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn bins(counts: &[usize]) -> Vec<Bin> {
        counts
            .iter()
            .enumerate()
            .map(|(i, &count)| Bin {
                from: 100 * (i as u64 + 1),
                to: 100 * (i as u64 + 2),
                count,
            })
            .collect()
    }

    #[test]
    fn a_few_outliers_are_left_off_and_counted() {
        // 1,000 samples: 990 in bins 2–4, 10 far out in bin 9.
        let b = bins(&[0, 0, 300, 500, 190, 0, 0, 0, 0, 10]);
        let (shown, outside) = window(&b);
        // The bulk (bins 2–4, 99 %) and one bin either side.
        assert_eq!(shown.first().unwrap().from, 200);
        assert_eq!(shown.last().unwrap().from, 600);
        assert_eq!(outside, 10);
    }

    #[test]
    fn a_second_mode_above_two_percent_is_kept() {
        // 3 % of samples in a far cluster: the 98 % window must reach it.
        let b = bins(&[600, 370, 0, 0, 0, 0, 0, 30]);
        let (shown, outside) = window(&b);
        assert_eq!(shown.len(), b.len());
        assert_eq!(outside, 0);
        assert_eq!(window(&[]).1, 0);
    }
}
