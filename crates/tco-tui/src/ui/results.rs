//! The results panel: the verdict, each option's monthly cost with its
//! breakdown, cost per MTok, nodes and utilization, and each break-even.

use crate::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};
use tco_core::model::breakeven::BreakEven;
use tco_core::model::format::{money, per_mtok, percent, tokens, tokens_short};
use tco_core::model::units::Tokens;

#[derive(Debug)]
pub struct Results<'a>(pub &'a App);

/// The break-even line as the calculator prints it (`tco report`'s figures).
pub fn break_even_text(b: &BreakEven) -> String {
    let status = b.status.name();
    let mut s = format!("break-even {status}");
    if let Some(v) = b.tokens_per_month {
        s.push_str(&format!(
            " at {} tokens/month ({})",
            tokens(Tokens(v)),
            tokens_short(Tokens(v))
        ));
    }
    if let Some(r) = &b.reason {
        s.push_str(&format!(": {r}"));
    }
    if b.payback_months.is_some() {
        s.push_str(&format!(
            "; payback {}",
            tco_core::model::format::payback(b)
        ));
    }
    s
}

/// The one-line verdict: the cheapest option and its monthly cost.
pub fn verdict_line(app: &App) -> String {
    let r = &app.now.report;
    format!(
        "Verdict: {} ({}) is cheapest at {}/month",
        r.verdict.cheapest,
        r.verdict.kind,
        money(r.verdict.monthly_cost, &r.currency)
    )
}

impl Widget for Results<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let r = &app.now.report;
        let cur = &r.currency;
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let mut lines = vec![
            Line::styled(verdict_line(app), bold.fg(Color::Green)),
            Line::from(r.verdict.summary.clone()),
            Line::styled(
                format!(
                    "At {} tokens/month ({}), {} h/month",
                    tokens(Tokens(r.tokens_per_month)),
                    tokens_short(Tokens(r.tokens_per_month)),
                    r.hours_per_month.normalize()
                ),
                bold,
            ),
        ];
        for a in &r.api {
            lines.push(Line::from(format!(
                "API   {}: {}/month at {}/MTok",
                a.name,
                money(a.monthly_cost, cur),
                per_mtok(a.blended_per_mtok, cur)
            )));
        }
        for l in &r.local {
            let per = l
                .cost_per_mtok
                .map_or("—".to_string(), |p| per_mtok(p, cur));
            lines.push(Line::from(format!(
                "Local {}: {}/month, {per}/MTok, {} node{} at {} utilization{}",
                l.name,
                money(l.monthly_cost, cur),
                l.nodes,
                if l.nodes == 1 { "" } else { "s" },
                percent(l.utilization),
                if l.can_serve { "" } else { " — CANNOT SERVE" }
            )));
            let b = &l.breakdown;
            lines.push(Line::from(format!(
                "      hardware {} · power {} · staff {} · other {} · overhead {}",
                money(b.hardware, cur),
                money(b.power, cur),
                money(b.staff, cur),
                money(b.other, cur),
                money(b.overhead, cur)
            )));
            // Where the capacity comes from: a measured curve's SLO line
            // ("measured (levels in the scenario) at concurrency ≤ 8 …").
            if l.throughput.source != "declared in the scenario" {
                lines.push(Line::from(format!(
                    "      throughput from {}",
                    l.throughput.source
                )));
            }
            for w in &l.warnings {
                lines.push(Line::styled(
                    format!("      ! {w}"),
                    Style::new().fg(Color::Yellow),
                ));
            }
        }
        for b in &r.break_even {
            lines.push(Line::from(vec![
                Span::styled(format!("{} vs {}: ", b.local, b.api), bold),
                Span::raw(break_even_text(b)),
            ]));
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(" Results "))
            .render(area, buf);
    }
}
