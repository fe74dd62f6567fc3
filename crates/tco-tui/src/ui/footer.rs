//! The footer: the status line (the last change or the core's refusal), the
//! prompt or question in progress, and the keys.

use crate::app::{App, Message, Mode};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

#[derive(Debug)]
pub struct Footer<'a>(pub &'a App);

impl Widget for Footer<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let status = match &app.message {
            Some(Message::Info(m)) => Line::from(m.clone()),
            Some(Message::Error(m)) => Line::styled(
                m.replace('\n', " "),
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
            None => Line::from(""),
        };
        let prompt = match &app.mode {
            Mode::Edit(b) => format!(
                "New value for {}: {b}▏  (Enter apply, Esc cancel)",
                app.field().map_or("", |f| f.label)
            ),
            Mode::SavePath(b) => format!("Save to: {b}▏  (Enter save, Esc cancel)"),
            Mode::ProbePath(b) => format!("GGUF model to probe: {b}▏  (Enter start, Esc cancel)"),
            Mode::ServerForm(i, b) => format!(
                "{}: {b}▏  (Enter {}, Ctrl-U clear, Esc cancel)",
                crate::server::FORM.get(*i).copied().unwrap_or(""),
                if *i == crate::server::FORM_START {
                    "start the probe"
                } else if *i + 1 == crate::server::FORM.len() {
                    "done"
                } else {
                    "next"
                }
            ),
            Mode::ConfirmOverwrite(p) => {
                format!("{} exists. Overwrite it? y yes / n no", p.display())
            }
            Mode::ConfirmQuit => {
                "Unsaved changes. Quit without saving? y quit / s save first / n stay".into()
            }
            Mode::Normal if app.screen == crate::app::Screen::Probe => {
                "v probe a server  p probe synthetic tiny  g probe a GGUF file  x/Esc cancel  t targets  c level  a apply to the selected local option  1 calculator  q quit"
                    .into()
            }
            Mode::Normal if app.screen == crate::app::Screen::Uncertainty => {
                "←/→ pair  t tornado  ↑↓ select  +/− shift  Enter type  u undo  s save  1 2 3/Tab  ? help  q quit"
                    .into()
            }
            Mode::Normal | Mode::Help => {
                "↑↓/jk select  +/− step  Enter type  u undo  s save  1 2 3/Tab screens  ? help  q quit"
                    .into()
            }
        };
        let keys = Line::styled(prompt, Style::new().add_modifier(Modifier::REVERSED));
        Paragraph::new(vec![status, keys])
            .wrap(Wrap { trim: true })
            .render(area, buf);
    }
}
