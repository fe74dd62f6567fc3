//! The probe screen: start a probe in the background — a running inference
//! server under load (every build), or llama.cpp on a synthetic model or a
//! GGUF file (`llama` builds) — watch its progress, and put the calibration
//! into the selected local option. A build without llama.cpp says so.

use crate::app::App;
use crate::probe::ProbeState;
use crate::server::ServerState;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Gauge, Paragraph, Widget, Wrap};
use tco_core::input::calibration_schema::LevelStatus;

#[derive(Debug)]
pub struct ProbePanel<'a>(pub &'a App);

impl Widget for ProbePanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let block = Block::bordered().title(" 3 probe ");
        let inner = block.inner(area);
        block.render(area, buf);
        let [text_area, gauge_area, result_area, server_gauge, server_area] = Layout::vertical([
            Constraint::Length(8),
            Constraint::Length(1),
            Constraint::Length(3),
            Constraint::Length(1),
            Constraint::Min(4),
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
            Line::from("Probe: measure what a machine or a server delivers"),
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
        let (gauge, lines) = server_view(app);
        if let Some((ratio, label)) = gauge {
            Gauge::default()
                .gauge_style(Style::new().fg(Color::Cyan))
                .ratio(ratio)
                .label(label)
                .render(server_gauge, buf);
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(server_area, buf);
    }
}

fn ms(d: &Option<tco_core::input::calibration_schema::Dist>) -> String {
    d.as_ref()
        .and_then(|d| d.p95)
        .map_or("–".into(), |x| format!("{x:.1}"))
}

/// The server probe's part: the gauge (ratio, label) while it runs, and
/// the lines (progress, or each level's summary and what `a` applies).
pub fn server_view(app: &App) -> (Option<(f64, String)>, Vec<Line<'static>>) {
    let s = &app.server.fields;
    match &app.server_state {
        ServerState::Idle => (
            None,
            vec![Line::from(format!(
                "Server probe (every build): v asks for the URL ({}), model, concurrency \
                 levels, tokens and requests per level, then measures the server under load.",
                s[0]
            ))],
        ),
        ServerState::Running {
            server,
            level,
            levels,
            label,
            done,
            failed,
            total,
            finished,
        } => {
            let ratio = match total {
                Some(t) if *t > 0 => (f64::from(done + failed) / f64::from(*t)).clamp(0.0, 1.0),
                _ => 0.0,
            };
            let secs = app
                .server_job
                .as_ref()
                .map_or(0, |j| j.started.elapsed().as_secs());
            let gauge = (
                ratio,
                format!(
                    "level {} of {levels}: {label}, {done} done, {failed} failed ({secs} s)",
                    level + 1
                ),
            );
            let mut v = vec![Line::from(if server.is_empty() {
                format!("Asking {} what it is… x or Esc cancels.", s[0])
            } else {
                format!("Probing {server}… x or Esc cancels.")
            })];
            v.extend(finished.iter().map(|l| {
                Line::from(format!(
                    "  concurrency {:>4}: {:>9.1} total tok/s, TTFT p95 {} ms, TPOT p95 {} ms",
                    l.concurrency.map_or("–".into(), |c| c.to_string()),
                    l.total_tps,
                    ms(&l.ttft_ms),
                    ms(&l.tpot_ms)
                ))
            }));
            (Some(gauge), v)
        }
        ServerState::Done { cal, written } => {
            let what = cal.server.as_ref().map_or(String::new(), |s| {
                format!("{} ({}), model {}", s.endpoint, s.kind, s.model)
            });
            let mut v = vec![
                Line::from(format!(
                    "Measured {what}{}:",
                    if cal.partial { " (partial)" } else { "" }
                )),
                Line::from(format!(
                    "    {:>11} {:>12} {:>12} {:>12} {:>7}  {}",
                    "concurrency", "total tok/s", "TTFT p95 ms", "TPOT p95 ms", "ok/fail", "status"
                )),
            ];
            for (i, l) in cal.levels.iter().enumerate() {
                v.push(Line::from(format!(
                    "  {} {:>11} {:>12.1} {:>12} {:>12} {:>7}  {}",
                    if app.server_pick == Some(i) {
                        "▶"
                    } else {
                        " "
                    },
                    l.concurrency.map_or("–".into(), |c| c.to_string()),
                    l.total_tps,
                    ms(&l.ttft_ms),
                    ms(&l.tpot_ms),
                    format!("{}/{}", l.completed, l.failed),
                    match l.status {
                        LevelStatus::Ok => "ok",
                        LevelStatus::Failing => "failing",
                        LevelStatus::Saturated => "saturated",
                        LevelStatus::Partial => "partial",
                    }
                )));
            }
            if let Some(r) = &cal.stop_reason {
                v.push(Line::from(format!("Stopped: {r}")));
            }
            let how = match app
                .server_pick
                .and_then(|i| cal.levels.get(i))
                .and_then(|l| l.concurrency)
            {
                Some(c) => format!("at concurrency {c} (c: next level, then the targets)"),
                None => format!(
                    "with TTFT p95 ≤ {} ms and TPOT p95 ≤ {} ms (t edits; c picks a level instead)",
                    s[6], s[7]
                ),
            };
            v.push(Line::from(format!(
                "a applies it to the selected local option {how}{}",
                written
                    .as_ref()
                    .map_or(String::new(), |w| format!("; written to {w}"))
            )));
            v.extend(cal.warnings.iter().map(|w| Line::from(format!("! {w}"))));
            (None, v)
        }
        ServerState::Failed(e) => (
            None,
            vec![Line::styled(
                format!("The server probe did not finish: {}", e.replace('\n', " ")),
                Style::new().fg(Color::Red),
            )],
        ),
    }
}
