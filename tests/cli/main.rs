//! End-to-end tests of the `tco` binary: every command and output format,
//! `--set`, exit codes, `prices import` against the real LiteLLM snapshot, one
//! invalid-input fixture per error kind (tests/invalid/), and a no-panic run
//! over generated garbage.
//!
//! Every test runs the real binary (`CARGO_BIN_EXE_tco`) from the repository
//! root, the way a user would.

// A failing assertion is how a test reports; unwrap and panic are its tools here.
#![allow(clippy::unwrap_used, clippy::panic)]

mod commands;
mod exit_codes;
mod faults;
mod finance;
mod garbage;
mod html;
mod import;
mod invalid;
mod machines;
mod plot;
mod prices;
mod server;
mod set;
mod slo;
mod uncertainty;
mod verdict;
mod width;

use rust_decimal::{Decimal, RoundingStrategy};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;

/// What one run of `tco` left behind.
#[derive(Debug)]
pub struct Out {
    /// Exit status; -1 when the process was killed by a signal.
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "expected exit 0, got {}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        &self.stdout
    }

    /// Asserts a user error (exit 1, a message starting with `error:`) and returns stderr.
    #[track_caller]
    pub fn user_error(&self) -> &str {
        assert_eq!(
            self.code, 1,
            "expected exit 1 (user error), got {}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        assert!(
            self.stderr.starts_with("error: "),
            "a user error starts with `error: `:\n{}",
            self.stderr
        );
        assert!(
            !self.stderr.contains("panicked"),
            "panic message on stderr:\n{}",
            self.stderr
        );
        &self.stderr
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.ok()).unwrap_or_else(|e| {
            panic!("stdout is not JSON: {e}\n{}", self.stdout);
        })
    }
}

/// The repository root (crates/tco-cli/../..).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_tco")
}

/// Runs `tco ARGS` in the repository root.
pub fn tco(args: &[&str]) -> Out {
    tco_in(&root(), args)
}

/// Runs `tco ARGS` in `dir`.
pub fn tco_in(dir: &Path, args: &[&str]) -> Out {
    let o = Command::new(bin())
        .args(args)
        // Tables are laid out for $COLUMNS when it is set; tests read the
        // one-line-per-row layout a pipe gets.
        .env_remove("COLUMNS")
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run the tco binary");
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// A JSON value that holds a decimal (a string like "5.4", or a number) as a Decimal.
#[track_caller]
pub fn dec(v: &serde_json::Value) -> Decimal {
    let text = match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        other => panic!("expected a decimal, found {other}"),
    };
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .unwrap_or_else(|e| panic!("`{text}` is not a decimal: {e}"))
}

/// `$5,337.42`: money rounded half away from zero to cents, thousands separated,
/// as docs/formats.md says tables show it (computed here independently).
pub fn usd(d: Decimal) -> String {
    let r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let s = format!("{:.2}", r.abs());
    let (int, frac) = s.split_once('.').expect("two decimals");
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if r.is_sign_negative() && !r.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}${grouped}.{frac}")
}

/// RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF line ends) into rows.
pub fn csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quote in CSV:\n{text}");
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// CSV rows as maps from the header's names.
pub fn csv_records(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let rows = csv(text);
    let (head, body) = rows.split_first().expect("a CSV header");
    body.iter()
        .map(|r| {
            assert_eq!(r.len(), head.len(), "ragged CSV row {r:?} under {head:?}");
            head.iter().cloned().zip(r.iter().cloned()).collect()
        })
        .collect()
}

/// The bundled scenario files, by stem.
pub fn bundled_scenarios() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .expect("scenarios/")
        .filter_map(|e| {
            let p = e.ok()?.path();
            if p.extension()? == "yaml" {
                Some(p.file_stem()?.to_string_lossy().into_owned())
            } else {
                None
            }
        })
        .collect();
    v.sort();
    assert!(v.len() >= 10, "expected the bundled scenarios, found {v:?}");
    v
}

#[test]
fn helpers_work() {
    assert_eq!(usd(Decimal::from_str("5337.4222").unwrap()), "$5,337.42");
    assert_eq!(usd(Decimal::from_str("0.005").unwrap()), "$0.01");
    assert_eq!(
        usd(Decimal::from_str("-1234567.125").unwrap()),
        "-$1,234,567.13"
    );
    assert_eq!(
        csv("a,\"b,c\",\"d\"\"e\"\r\n1,2,3\r\n"),
        vec![vec!["a", "b,c", "d\"e"], vec!["1", "2", "3"]]
    );
}
