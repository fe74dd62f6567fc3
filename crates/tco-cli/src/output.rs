//! Rendering results as aligned tables or Markdown, and writing them out.

use comfy_table::{presets, Cell, CellAlignment, ContentArrangement, Table as Comfy};
use std::io::Write;
use std::sync::atomic::{AtomicU16, Ordering};

/// `--format html` on a command other than `tco report`: a command-line
/// mistake (exit 2), like any other format the command does not have.
#[derive(Debug)]
pub struct HtmlOnly;

impl std::fmt::Display for HtmlOnly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "--format html is the one-page report of `tco report`\n  allowed: table, json, csv, markdown",
        )
    }
}

impl std::error::Error for HtmlOnly {}

pub fn html_only() -> anyhow::Error {
    HtmlOnly.into()
}

/// The width tables are fitted to; 0 lays them out as wide as their content.
static WIDTH: AtomicU16 = AtomicU16::new(0);

/// Sets the width every table of this run is fitted to (0: no limit).
pub fn set_width(w: u16) {
    WIDTH.store(w, Ordering::Relaxed);
}

/// The width to fit tables to: none with `--wide`; else `$COLUMNS` when set
/// to a number (so `COLUMNS=100 tco report | less` fits, and tests can pick
/// a width); else the terminal's width when stdout is one; else none (a pipe
/// or file gets one line per row, as before).
pub fn table_width(wide: bool) -> u16 {
    if wide {
        return 0;
    }
    if let Some(w) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|w| *w >= 40)
    {
        return w;
    }
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        if let Some((w, _)) = comfy_table_width() {
            return w;
        }
    }
    0
}

fn comfy_table_width() -> Option<(u16, u16)> {
    let mut t = Comfy::new();
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t.width().map(|w| (w, 0))
}

/// A table of text cells; numeric columns are right-aligned.
pub struct Table {
    pub title: Option<String>,
    pub headers: Vec<String>,
    pub right: Vec<bool>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&str], right: &[bool]) -> Self {
        Table {
            title: None,
            headers: headers.iter().map(|s| s.to_string()).collect(),
            right: right.to_vec(),
            rows: Vec::new(),
        }
    }

    #[must_use]
    pub fn titled(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn text(&self) -> String {
        let mut t = Comfy::new();
        t.load_preset(presets::UTF8_FULL_CONDENSED);
        match WIDTH.load(Ordering::Relaxed) {
            0 => {
                t.set_content_arrangement(ContentArrangement::Disabled);
            }
            w => {
                t.set_content_arrangement(ContentArrangement::Dynamic)
                    .set_width(w);
            }
        }
        t.set_header(self.headers.iter().map(Cell::new));
        for r in &self.rows {
            t.add_row(r.iter().enumerate().map(|(i, c)| {
                let cell = Cell::new(c);
                if self.right.get(i).copied().unwrap_or(false) {
                    cell.set_alignment(CellAlignment::Right)
                } else {
                    cell
                }
            }));
        }
        let mut out = String::new();
        if let Some(title) = &self.title {
            out.push_str(title);
            out.push('\n');
        }
        out.push_str(&t.to_string());
        out.push('\n');
        out
    }

    pub fn markdown(&self) -> String {
        let esc = |s: &str| s.replace('|', "\\|").replace('\n', " ");
        let mut out = String::new();
        if let Some(title) = &self.title {
            out.push_str(&format!("### {}\n\n", esc(title)));
        }
        out.push_str(&format!(
            "| {} |\n",
            self.headers
                .iter()
                .map(|h| esc(h))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
        let seps: Vec<&str> = (0..self.headers.len())
            .map(|i| {
                if self.right.get(i).copied().unwrap_or(false) {
                    "---:"
                } else {
                    "---"
                }
            })
            .collect();
        out.push_str(&format!("| {} |\n", seps.join(" | ")));
        for r in &self.rows {
            out.push_str(&format!(
                "| {} |\n",
                r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
            ));
        }
        out.push('\n');
        out
    }
}

/// Writes `text` to stdout. A closed pipe (`tco … | head`) is not an error.
pub fn emit(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

pub fn json<T: serde::Serialize>(v: &T) -> anyhow::Result<String> {
    let mut s = serde_json::to_string_pretty(v)?;
    s.push('\n');
    Ok(s)
}
