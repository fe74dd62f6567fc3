//! Drawing: one widget per panel, one file per panel; `impl Widget for &App`
//! lays them out. Nothing here computes a figure: it formats the report.

mod chart;
mod curve;
mod footer;
mod help;
mod histogram;
mod inputs;
mod probe;
pub(crate) mod results;
mod tornado;
mod uncertainty;

use crate::app::{App, Mode, Screen};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

pub use chart::ChartPanel;
pub use curve::CurvePanel;
pub use footer::Footer;
pub use help::Help;
pub use histogram::Histogram;
pub use inputs::Inputs;
pub use probe::ProbePanel;
pub use results::{verdict_line, Results};
pub use tornado::TornadoPanel;
pub use uncertainty::{input_name, UncertaintyPanel};

/// The smallest terminal the calculator is drawn in.
pub const MIN_WIDTH: u16 = 100;
pub const MIN_HEIGHT: u16 = 30;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            too_small(area, buf);
            return;
        }
        let [title, body, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(10),
            Constraint::Length(3),
        ])
        .areas(area);
        self.render_title(title, buf);
        match self.screen {
            Screen::Calculator => {
                let [left, right] =
                    Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)])
                        .areas(body);
                let [results, chart] =
                    Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)])
                        .areas(right);
                Inputs(self).render(left, buf);
                Results(self).render(results, buf);
                // An estimated throughput's curve while one of its fields is selected.
                match self.curve_option() {
                    Some(i) => CurvePanel(self, i).render(chart, buf),
                    None => ChartPanel(self).render(chart, buf),
                }
            }
            Screen::Uncertainty => UncertaintyPanel(self).render(body, buf),
            Screen::Probe => ProbePanel(self).render(body, buf),
        }
        Footer(self).render(footer, buf);
        if self.mode == Mode::Help {
            Help.render(area, buf);
        }
    }
}

impl App {
    fn render_title(&self, area: Rect, buf: &mut Buffer) {
        let tab = |s: Screen, name: &'static str| {
            let st = if self.screen == s {
                Style::new().add_modifier(Modifier::REVERSED)
            } else {
                Style::new()
            };
            Span::styled(name, st)
        };
        let mut spans = vec![
            Span::styled("tco tui ", Style::new().add_modifier(Modifier::BOLD)),
            tab(Screen::Calculator, " 1 calculator "),
            tab(Screen::Uncertainty, " 2 uncertainty "),
            tab(Screen::Probe, " 3 probe "),
            Span::raw(format!("  {} ", self.origin)),
        ];
        if self.dirty() {
            spans.push(Span::styled(
                "[modified]",
                Style::new().add_modifier(Modifier::BOLD),
            ));
        }
        Line::from(spans).render(area, buf);
    }
}

fn too_small(area: Rect, buf: &mut Buffer) {
    let text = vec![
        Line::from("tco tui: the terminal is too small."),
        Line::from(format!(
            "It is {}×{}; it needs at least {MIN_WIDTH}×{MIN_HEIGHT} (columns × rows).",
            area.width, area.height
        )),
        Line::from("Enlarge the window, or press q to quit."),
    ];
    Paragraph::new(text)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use crate::app::{bundled_app, App, Mode, Screen};
    use ratatui::backend::TestBackend;
    use ratatui::layout::Rect;
    use ratatui::widgets::Widget;
    use ratatui::Terminal;

    fn app() -> App {
        bundled_app("scenarios/lit-4xa100-vs-sonnet.yaml").unwrap()
    }

    fn draw(w: u16, h: u16, f: impl Fn(Rect, &mut ratatui::buffer::Buffer)) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|fr| f(fr.area(), fr.buffer_mut())).unwrap();
        t.backend().to_string()
    }

    #[test]
    fn whole_calculator() {
        let a = app();
        insta::assert_snapshot!(draw(160, 44, |r, b| (&a).render(r, b)));
    }

    #[test]
    fn inputs_panel() {
        let mut a = app();
        // The same field as before the hourly profile's line.
        a.selected = 10;
        insta::assert_snapshot!(draw(60, 30, |r, b| super::Inputs(&a).render(r, b)));
    }

    /// A load curve under latency targets: each target a line, the line
    /// that adds one, and the capacity they allow beside the option's costs.
    #[test]
    fn inputs_and_results_of_latency_targets() {
        let mut a = crate::app::text_app(
            "slo-levels.yaml",
            include_str!("../../../../tests/data/slo-levels.yaml"),
        );
        a.selected = a
            .fields
            .iter()
            .position(|f| f.path == "local[0].throughput.slo.tpot_p95_ms")
            .unwrap();
        insta::assert_snapshot!(draw(70, 34, |r, b| super::Inputs(&a).render(r, b)));
        insta::assert_snapshot!(draw(110, 12, |r, b| super::Results(&a).render(r, b)));
    }

    #[test]
    fn results_panel() {
        let mut a = app();
        a.set("workload.tokens_per_month", "2B");
        insta::assert_snapshot!(draw(100, 16, |r, b| super::Results(&a).render(r, b)));
    }

    #[test]
    fn chart_panel() {
        let a = app();
        insta::assert_snapshot!(draw(100, 20, |r, b| super::ChartPanel(&a).render(r, b)));
    }

    /// The modelled curve of the bundled estimate, drawn in place of the
    /// cost chart while the option's throughput is selected; its marked
    /// point is the capacity the report uses.
    #[test]
    fn curve_panel_of_an_estimate() {
        let mut a = crate::app::bundled_app("scenarios/estimate-before-you-buy.yaml").unwrap();
        a.selected = a
            .fields
            .iter()
            .position(|f| f.path == "local[0].throughput.estimate")
            .unwrap();
        let c = a.now.scenario.local[0]
            .throughput
            .source
            .estimate_curves()
            .unwrap();
        let p = super::curve::points(c);
        let levels = &c.point.levels;
        assert_eq!(p.total.len(), levels.len());
        for (pt, l) in p.total.iter().zip(levels) {
            assert_eq!(pt.0, (l.batch as f64).log2());
            assert_eq!(
                pt.1,
                rust_decimal::prelude::ToPrimitive::to_f64(&l.total_tps)
                    .unwrap()
                    .log10()
            );
        }
        let (x, y) = p.selected.unwrap();
        assert_eq!(y, a.now.scenario.local[0].throughput.decode.per_second());
        assert!(x > 8.0 && x < 16.0, "{x}");
        let whole = draw(160, 44, |r, b| (&a).render(r, b));
        assert!(whole.contains("modelled tokens/s by batch size"), "{whole}");
        assert!(!whole.contains("Monthly cost vs volume"), "{whole}");
        insta::assert_snapshot!(draw(100, 20, |r, b| super::CurvePanel(&a, 0).render(r, b)));
    }

    #[test]
    fn footer_with_refusal_and_prompt() {
        let mut a = app();
        a.set("workload.input_share", "1.5");
        a.mode = Mode::SavePath("mine.yaml".into());
        insta::assert_snapshot!(draw(120, 3, |r, b| super::Footer(&a).render(r, b)));
    }

    #[test]
    fn help_overlay() {
        let mut a = app();
        a.mode = Mode::Help;
        insta::assert_snapshot!(draw(100, 30, |r, b| (&a).render(r, b)));
    }

    /// A scenario with distributions, its simulation in (seed 42, 2,000 samples).
    fn settled(path: &str) -> App {
        let mut a = bundled_app(path).unwrap();
        assert!(a.settle(std::time::Duration::from_secs(60)));
        a.screen = Screen::Uncertainty;
        a
    }

    #[test]
    fn uncertainty_flagship_histogram_and_break_even_tornado() {
        let a = settled("scenarios/flagship.yaml");
        insta::assert_snapshot!(draw(160, 44, |r, b| (&a).render(r, b)));
    }

    #[test]
    fn uncertainty_flagship_rented_pair_saving_tornado() {
        let mut a = settled("scenarios/flagship.yaml");
        a.pair = 3; // rented 2x H100 vs Claude Sonnet 4.6
        a.tornado = crate::app::Tornado::Saving;
        insta::assert_snapshot!(draw(160, 44, |r, b| (&a).render(r, b)));
    }

    #[test]
    fn uncertainty_flagship_at_the_smallest_size() {
        let a = settled("scenarios/flagship.yaml");
        insta::assert_snapshot!(draw(100, 30, |r, b| (&a).render(r, b)));
    }

    #[test]
    fn uncertainty_apple_workstation() {
        let a = settled("scenarios/apple-64gb-workstation.yaml");
        insta::assert_snapshot!(draw(160, 44, |r, b| (&a).render(r, b)));
    }

    #[test]
    fn inputs_panel_lists_distributions_with_their_point() {
        let mut a = settled("scenarios/flagship.yaml");
        a.selected = a
            .fields
            .iter()
            .position(|f| f.path == "local[0].power.price_per_kwh")
            .unwrap();
        insta::assert_snapshot!(draw(80, 40, |r, b| super::Inputs(&a).render(r, b)));
    }

    /// A rented option switched to spot lists its discount and preemption
    /// loss under the billing kind, and the carbon inputs "not set".
    #[test]
    fn inputs_panel_of_a_spot_option() {
        let mut a = crate::app::bundled_app("scenarios/h100-rented-llama70b.yaml").unwrap();
        a.set("local[0].rented.billing", "spot");
        a.set("local[0].rented.discount", "0.65");
        let at = |a: &crate::app::App, p: &str| a.fields.iter().position(|f| f.path == p);
        a.selected = at(&a, "local[0].rented.billing").unwrap();
        let start = a.selected.saturating_sub(3);
        a.fields.drain(..start);
        a.selected -= start;
        insta::assert_snapshot!(draw(80, 24, |r, b| super::Inputs(&a).render(r, b)));
    }

    #[test]
    fn uncertainty_and_probe_screens_say_what_is_missing() {
        let mut a = app();
        a.screen = Screen::Uncertainty;
        insta::assert_snapshot!("uncertainty", draw(100, 30, |r, b| (&a).render(r, b)));
        a.screen = Screen::Probe;
        a.probe_built = false;
        insta::assert_snapshot!("probe", draw(100, 30, |r, b| (&a).render(r, b)));
        a.probe_built = true;
        a.probe = crate::probe::ProbeState::Failed("the file is not GGUF".into());
        insta::assert_snapshot!("probe_llama", draw(100, 30, |r, b| (&a).render(r, b)));
    }

    /// The server probe's results: a real probe of the loopback mock, its
    /// timings then fixed so the picture does not depend on the machine.
    #[test]
    fn server_probe_results() {
        use tco_core::input::calibration_schema::{Dist, LevelStatus};
        let mock = tco_loadgen::mock::MockServer::start(Default::default()).unwrap();
        let mut req = tco_loadgen::server_probe::ProbeRequest::new(&mock.url());
        req.levels = vec![1.0, 2.0, 4.0];
        req.requests = Some(2);
        req.prompt_tokens = 8;
        req.output_tokens = 8;
        let stop = std::sync::atomic::AtomicBool::new(false);
        let mut cal = tco_loadgen::server_probe::run_blocking(
            &req,
            "tco tui (server probe)",
            "0",
            "2026-12-01T00:00:00Z",
            &mut |_| {},
            &stop,
        )
        .unwrap();
        if let Some(s) = &mut cal.server {
            s.endpoint = "http://127.0.0.1:8080".into();
        }
        cal.warnings.clear();
        for (i, l) in cal.levels.iter_mut().enumerate() {
            let k = (i + 1) as f64;
            l.total_tps = 180.0 * k;
            l.ttft_ms = Dist::of(&[40.0 * k]);
            l.tpot_ms = Dist::of(&[12.5 * k]);
            l.status = LevelStatus::Ok;
        }
        let mut a = app();
        a.screen = Screen::Probe;
        a.probe_built = false;
        a.server_state = crate::server::ServerState::Done {
            cal: Box::new(cal),
            written: None,
        };
        a.server_pick = Some(1);
        insta::assert_snapshot!(draw(100, 30, |r, b| (&a).render(r, b)));
    }

    #[test]
    fn too_small_says_the_size_needed() {
        let a = app();
        let s = draw(60, 10, |r, b| (&a).render(r, b));
        assert!(s.contains("It is 60×10; it needs at least 100×30"), "{s}");
    }
}
