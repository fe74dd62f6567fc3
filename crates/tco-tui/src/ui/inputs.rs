//! The inputs panel: every editable value with its unit, the selected one's
//! path, allowed range and step.

use crate::app::{App, Mode};
use crate::fields::Step;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

#[derive(Debug)]
pub struct Inputs<'a>(pub &'a App);

fn step_text(s: Step) -> String {
    match s {
        Step::Volume => "+/− multiplies or divides by 1.25".into(),
        Step::Share => "+/− moves by 0.05".into(),
        Step::Percent5 { .. } => "+/− multiplies or divides by 1.05".into(),
        Step::Int { by, .. } => format!("+/− moves by {by}"),
        Step::Add { by, .. } => format!("+/− moves by {}", by.normalize()),
    }
}

impl Widget for Inputs<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let cur = &app.now.scenario.currency;
        let [list, detail] =
            Layout::vertical([Constraint::Min(5), Constraint::Length(6)]).areas(area);
        let mut lines = Vec::new();
        let mut selected_line = 0;
        let mut group = "";
        let width = list.width.saturating_sub(2) as usize;
        for (i, f) in app.fields.iter().enumerate() {
            if f.group != group {
                group = &f.group;
                lines.push(Line::styled(
                    truncate(group, width),
                    Style::new().add_modifier(Modifier::BOLD),
                ));
            }
            let value = match (&app.mode, i == app.selected) {
                (Mode::Edit(b), true) => format!("{b}▏"),
                _ => f.display(cur),
            };
            let label = format!("  {:<19}", f.label);
            let style = if i == app.selected {
                selected_line = lines.len();
                Style::new().add_modifier(Modifier::REVERSED)
            } else {
                Style::new()
            };
            lines.push(Line::from(vec![
                Span::styled(label, style),
                Span::styled(format!(" {value}"), style.fg(Color::Cyan)),
            ]));
        }
        let inner_h = list.height.saturating_sub(2) as usize;
        let scroll = selected_line.saturating_sub(inner_h.saturating_sub(2));
        Paragraph::new(lines)
            .block(Block::bordered().title(" Inputs (↑↓ select, +/− step, Enter type) "))
            .scroll((scroll as u16, 0))
            .render(list, buf);
        let text = match app.field() {
            Some(f) if f.dist.is_some() => vec![
                Line::from(format!("{}: {}", f.label, f.path)),
                Line::from(format!("{} ({})", f.display(cur), f.unit)),
                Line::from(format!("allowed: {}", f.range)),
                Line::from("+/− shifts the whole distribution; a number replaces it"),
            ],
            Some(f) => vec![
                Line::from(format!("{}: {}", f.label, f.path)),
                Line::from(format!("unit: {}", f.unit)),
                Line::from(format!("allowed: {}", f.range)),
                Line::from(match (&f.text, f.is_billing()) {
                    _ if f.is_slo_add() => {
                        "Enter types KEY=MS to add a target; an emptied target is removed".into()
                    }
                    (_, true) => {
                        "+/− the next kind (its own fields follow); Enter types one".into()
                    }
                    (Some(_), false) => "Enter types a new value".into(),
                    (None, _) => step_text(f.step),
                }),
            ],
            None => vec![Line::from("no editable inputs")],
        };
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" Selected "))
            .render(detail, buf);
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
