//! `?`: every key, over the current screen.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

#[derive(Debug)]
pub struct Help;

const KEYS: &[(&str, &str)] = &[
    ("↑ ↓  k j", "select an input"),
    (
        "+ −  → ←  l h",
        "step the value (volume ×/÷ 1.25, shares ± 0.05, money ± 5 %)",
    ),
    (
        "",
        "on a distribution: shifts the whole of it by its point value's step",
    ),
    (
        "",
        "on a billing kind: the next kind, its own fields follow",
    ),
    (
        "",
        "on a throughput estimate: typed rate <-> roofline; its curve shows",
    ),
    (
        "Enter  e",
        "type a value (250k, 100M, 1.5B); Ctrl-U clears, Esc cancels",
    ),
    (
        "",
        "a number typed replaces a distribution; {dist: …} text sets one",
    ),
    ("u", "undo the last change"),
    (
        "s",
        "save: to a new file by default; over an existing one only after a yes",
    ),
    ("1 2 3  Tab", "calculator, uncertainty, probe screens"),
    (
        "← →  [ ]  t",
        "uncertainty: next/previous (local, API) pair; t: tornado measure",
    ),
    (
        "p g x a",
        "probe screen: probe a synthetic model / a GGUF file, cancel, apply",
    ),
    (
        "v t c",
        "probe screen: probe a server; t latency targets; c apply at a level",
    ),
    (
        "",
        "a: writes its calibration beside the scenario, sets throughput",
    ),
    (
        "q  Esc  Ctrl-C",
        "quit (asks first when there are unsaved changes)",
    ),
    ("?", "this help; any key closes it"),
];

impl Widget for Help {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let w = area.width.min(90);
        let h = (KEYS.len() as u16 + 6).min(area.height);
        let r = Rect {
            x: area.x + (area.width - w) / 2,
            y: area.y + (area.height - h) / 2,
            width: w,
            height: h,
        };
        Clear.render(r, buf);
        let mut lines: Vec<Line> = KEYS
            .iter()
            .map(|(k, what)| Line::from(format!(" {k:<16} {what}")))
            .collect();
        lines.push(Line::from(""));
        lines.push(Line::from(
            " Every figure is tco-core's, formatted as `tco report` prints it.",
        ));
        lines.push(Line::from(" Annual rates become monthly as annual / 12."));
        Paragraph::new(lines)
            .block(Block::bordered().title(" Keys "))
            .render(r, buf);
    }
}
