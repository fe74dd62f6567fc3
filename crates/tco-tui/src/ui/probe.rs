//! The probe screen: start a llama.cpp probe in the background (a synthetic
//! model or a GGUF file), watch its progress, and put the calibration it
//! writes into the selected local option. A build without llama.cpp says so.

use crate::app::App;
use crate::probe::ProbeState;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Gauge, Paragraph, Widget, Wrap};

#[derive(Debug)]
pub struct ProbePanel<'a>(pub &'a App);

impl Widget for ProbePanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let block = Block::bordered().title(" 3 probe ");
        let inner = block.inner(area);
        block.render(area, buf);
        let [text_area, gauge_area, result_area] = Layout::vertical([
            Constraint::Length(9),
            Constraint::Length(1),
            Constraint::Min(3),
        ])
        .areas(inner);
        let built = if app.probe_built {
            "This tco was built with llama.cpp: p probes a random-weight tiny model (this \
             machine's llama.cpp speed, nothing more), g probes a GGUF file you name. The \
             model runs in a worker process; the calculator keeps answering keys."
        } else {
            "This tco was built without llama.cpp (no `llama` feature), so it cannot measure \
             here. Rebuild with `cargo build --release --features llama`, or run \
             `tco probe import` on llama-bench's JSON output and set \
             `throughput: {calibration: FILE}`."
        };
        let mut lines = vec![
            Line::from("Probe: measure what a machine delivers"),
            Line::from(""),
            Line::from(built),
            Line::from(""),
        ];
        for l in &app.now.report.local {
            lines.push(Line::from(format!(
                "{}: {} tokens/s decode, {} prefill ({})",
                l.name,
                l.throughput.decode_tokens_per_second.normalize(),
                l.throughput.prefill_tokens_per_second.normalize(),
                l.throughput.source
            )));
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .render(text_area, buf);
        let result: Vec<Line> = match &app.probe {
            ProbeState::Idle => vec![Line::from("No probe run in this session.")],
            ProbeState::Running {
                what,
                phase,
                done,
                total,
            } => {
                let ratio = if *total > 0 {
                    (*done as f64 / *total as f64).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let secs = app
                    .probe_job
                    .as_ref()
                    .map_or(0, |j| j.started.elapsed().as_secs());
                Gauge::default()
                    .gauge_style(Style::new().fg(Color::Cyan))
                    .ratio(ratio)
                    .label(format!("{phase} ({secs} s)"))
                    .render(gauge_area, buf);
                vec![Line::from(format!("Probing {what}… x cancels."))]
            }
            ProbeState::Done { path, lines } => {
                let mut v = vec![Line::from(format!(
                    "Calibration written to {}. Press a to use it for the selected local option.",
                    path.display()
                ))];
                v.extend(lines.iter().map(|l| Line::from(l.clone())));
                v
            }
            ProbeState::Failed(e) => vec![Line::styled(
                format!("The probe did not finish: {e}"),
                Style::new().fg(Color::Red),
            )],
        };
        Paragraph::new(result)
            .wrap(Wrap { trim: true })
            .render(result_area, buf);
    }
}
