//! Tables fit the terminal: at $COLUMNS of 100 and 200 every table line of
//! `tco report` fits, long cells wrap inside their column; `--wide` keeps one
//! line per row.

use crate::{bin, root};
use std::process::{Command, Stdio};

fn report_at(columns: &str, extra: &[&str]) -> String {
    let o = Command::new(bin())
        .args(["report", "lit-memory-q4"])
        .args(extra)
        .env("COLUMNS", columns)
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .expect("run tco");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// The lines of the table titled `title` (its title line through its bottom border).
fn table<'a>(text: &'a str, title: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|l| *l != title)
        .take_while(|l| !l.starts_with('└'))
        .chain(
            text.lines()
                .skip_while(|l| *l != title)
                .find(|l| l.starts_with('└')),
        )
        .collect()
}

fn widest_table_line(text: &str) -> usize {
    text.lines()
        .filter(|l| l.starts_with(['┌', '│', '╞', '├', '└']))
        .map(|l| l.chars().count())
        .max()
        .unwrap()
}

#[test]
fn tables_fit_100_and_200_columns() {
    let narrow = report_at("100", &[]);
    assert!(widest_table_line(&narrow) <= 100, "{narrow}");
    insta::assert_snapshot!(
        "break_even_at_100_columns",
        table(&narrow, "Break-even").join("\n")
    );
    let wide = report_at("200", &[]);
    assert!(widest_table_line(&wide) <= 200, "{wide}");
    insta::assert_snapshot!(
        "break_even_at_200_columns",
        table(&wide, "Break-even").join("\n")
    );
    // The same figures at both widths: wrapping moves text, it drops nothing.
    for figure in ["3,974,854", "13.5 months", "25.6 months", "infeasible"] {
        assert!(narrow.contains(figure) && wide.contains(figure), "{figure}");
    }
}

#[test]
fn wide_keeps_one_line_per_row() {
    let text = report_at("100", &["--wide"]);
    assert!(widest_table_line(&text) > 100, "{text}");
    let rows = table(&text, "Break-even")
        .iter()
        .filter(|l| l.starts_with('│'))
        .count();
    // The header and one line per pair (4 local × 2 API).
    assert_eq!(rows, 1 + 8, "{text}");
}
