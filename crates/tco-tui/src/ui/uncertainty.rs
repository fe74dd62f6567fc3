//! The uncertainty screen: for one (local, API) pair at a time, the summary
//! of a 2,000-sample simulation, the histogram of simulated break-even
//! volumes and the tornado of what moves the answer. A scenario without
//! distributions gets a plain note saying how to write one.

use super::histogram::Histogram;
use super::tornado::TornadoPanel;
use crate::app::App;
use crate::fields::dist_text;
use crate::uncertainty::{Uncertainty, SAMPLES, SEED};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};
use tco_core::model::format::{tokens, tokens_short};
use tco_core::model::uncertain::InputSource;
use tco_core::model::units::Tokens;

#[derive(Debug)]
pub struct UncertaintyPanel<'a>(pub &'a App);

fn pct(x: f64) -> String {
    tco_core::model::format::share_percent(x)
}

fn short(v: Option<u64>) -> String {
    v.map_or("never".into(), |t| tokens_short(Tokens(t)))
}

/// What a person reads for an input path: the field registry's label with
/// its option ("electricity price (local 1)"), as every face writes it.
pub fn input_name(path: &str) -> String {
    tco_core::model::fields::label(path)
}

impl UncertaintyPanel<'_> {
    fn no_distributions(&self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let lines = vec![
            Line::styled(
                "This scenario has no uncertain inputs, so there is nothing to simulate.",
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Line::from(""),
            Line::from(
                "Write any numeric input as a distribution to see the break-even histogram \
                 and the tornado here. In the calculator (1), select an input, press Enter, \
                 Ctrl-U, and type for example",
            ),
            Line::styled(
                "    {dist: uniform, min: 0.08, max: 0.16}",
                Style::new().fg(Color::Cyan),
            ),
            Line::from("or in the scenario file:"),
            Line::styled(
                "    price_per_kwh: {dist: triangular, min: 0.08, mode: 0.12, max: 0.20}",
                Style::new().fg(Color::Cyan),
            ),
            Line::from(
                "Kinds: {dist: normal, mean, sd}, {dist: lognormal, mean, sd}, \
                 {dist: uniform, min, max}, {dist: triangular, min, mode, max}, \
                 {dist: pert, min, mode, max}. The point value (the mean, or the mode) \
                 is what the calculator and `tco report` use.",
            ),
            Line::from(""),
            Line::from(format!(
                "Scenario: {}. scenarios/flagship.yaml has distributions to try.",
                app.now.report.scenario
            )),
        ];
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(" 2 uncertainty "))
            .render(area, buf);
    }

    fn summary(&self, u: &Uncertainty, k: usize, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let Some(p) = u.sim.break_even.get(k) else {
            return;
        };
        let n = app.pairs();
        let stale = app.unc.current().is_none();
        let title = format!(
            " 2 uncertainty · pair {}/{n}: {} vs {} (←/→ other pairs){} ",
            k + 1,
            p.local,
            p.api,
            if stale {
                " · recomputing for the last change…"
            } else {
                ""
            }
        );
        let (lo, hi) = p.prob_local_cheaper_ci95;
        let q = &p.break_even_percentiles;
        let point = app
            .now
            .report
            .break_even
            .get(k)
            .and_then(|b| b.tokens_per_month);
        let mut never = String::new();
        if p.never_share > 0.0 {
            never = format!("; never in {} of samples", pct(p.never_share));
        }
        let inputs: Vec<String> = u
            .sim
            .inputs
            .iter()
            .filter(|i| !i.dist.is_degenerate())
            .map(|i| {
                let name = input_name(&i.path);
                if i.source == InputSource::Calibration {
                    format!("{name} (probe spread)")
                } else {
                    format!("{name} {}", dist_text(&i.dist, crate::fields::Show::Plain))
                }
            })
            .collect();
        let selected = app.field().map_or(String::new(), |f| {
            format!(
                "Selected input (↑↓; +/− step, Enter type): {} = {}",
                f.label,
                f.display(&app.now.report.currency)
            )
        });
        let lines = vec![
            Line::from(format!(
                "{} samples (seed {}): local is cheaper at {} tokens/month in {} of them \
                 (95% CI {}–{})",
                tokens(Tokens(u.sim.samples as u64)),
                u.sim.seed,
                tokens_short(Tokens(u.sim.tokens_per_month)),
                pct(p.prob_local_cheaper),
                pct(lo),
                pct(hi)
            )),
            Line::from(format!(
                "First break-even: P5 {} · P10 {} · P50 {} · P90 {} · P95 {}; point {}{never}",
                short(q.p5),
                short(q.p10),
                short(q.p50),
                short(q.p90),
                short(q.p95),
                short(point)
            )),
            Line::from(format!("Uncertain: {}", inputs.join(" · "))),
            Line::styled(selected, Style::new().fg(Color::Cyan)),
        ];
        Paragraph::new(lines)
            .block(Block::bordered().title(title))
            .render(area, buf);
    }
}

impl Widget for UncertaintyPanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        if !app.now.scenario.has_uncertainty() {
            self.no_distributions(area, buf);
            return;
        }
        let Some(u) = app.unc.result.as_deref() else {
            let text = match &app.unc.error {
                Some(e) => format!("The simulation failed: {e}"),
                None => format!("Simulating {SAMPLES} samples (seed {SEED})…"),
            };
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(" 2 uncertainty "))
                .render(area, buf);
            return;
        };
        let k = app.pair.min(u.sim.break_even.len().saturating_sub(1));
        let [top, bottom] =
            Layout::vertical([Constraint::Length(6), Constraint::Min(8)]).areas(area);
        self.summary(u, k, top, buf);
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                .areas(bottom);
        if let Some(p) = u.sim.break_even.get(k) {
            Histogram {
                pair: p,
                point: app
                    .now
                    .report
                    .break_even
                    .get(k)
                    .and_then(|b| b.tokens_per_month),
                workload: u.sim.tokens_per_month,
                samples: u.sim.samples,
            }
            .render(left, buf);
        }
        if let Some(t) = u.sens.pairs.get(k) {
            TornadoPanel {
                pair: t,
                kind: app.tornado,
                currency: &u.sens.currency,
                app,
            }
            .render(right, buf);
        }
    }
}
