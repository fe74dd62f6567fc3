//! End to end: the real `tco tui` in a detached tmux session of fixed size.
//! Changes the volume and a price, checks the break-even and verdict on
//! screen against `tco report --set … --format json` (formatted as the screen
//! formats them), saves to a new file, quits, and checks the terminal is back
//! and the saved file reports the same figures.
//!
//! tmux is required: without it this test fails (tests/run-all.sh installs it).

#![allow(clippy::unwrap_used, clippy::panic)]

use rust_decimal::Decimal;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use tco_core::format::{money, tokens};
use tco_core::units::{Money, Tokens};

const TCO: &str = env!("CARGO_BIN_EXE_tco");
const SCENARIO: &str = "scenarios/lit-4xa100-vs-sonnet.yaml";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A tmux server of its own (its own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs")
    }

    fn keys(&self, keys: &[&str]) {
        let mut a = vec!["send-keys", "-t", "tui"];
        a.extend_from_slice(keys);
        assert!(self.run(&a).status.success());
    }

    fn literal(&self, text: &str) {
        assert!(self
            .run(&["send-keys", "-t", "tui", "-l", text])
            .status
            .success());
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "tui"]).stdout).into_owned()
    }

    /// Polls the screen until `want` is on it, for at most 20 s.
    fn wait_for(&self, want: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(want) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(20) {
                panic!("`{want}` did not appear on the screen within 20 s; the screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn format(&self, f: &str) -> String {
        let o = self.run(&["display-message", "-p", "-t", "tui", f]);
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

fn report_json(args: &[&str]) -> Value {
    let o = Command::new(TCO)
        .current_dir(repo_root())
        .arg("report")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("tco runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("json")
}

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .map(str::to_string)
        .unwrap_or_else(|| v.to_string())
        .parse()
        .expect("a decimal")
}

/// The verdict and break-even lines as the calculator prints them.
fn expected_lines(r: &Value) -> (String, String) {
    let cur = r["currency"].as_str().expect("currency");
    let v = &r["verdict"];
    let verdict = format!(
        "Verdict: {} ({}) is cheapest at {}/month",
        v["cheapest"].as_str().expect("cheapest"),
        v["kind"].as_str().expect("kind"),
        money(Money::new(dec(&v["monthly_cost"])), cur)
    );
    let b = &r["break_even"][0];
    let be = format!(
        "break-even {} at {} tokens/month",
        b["status"].as_str().expect("status"),
        tokens(Tokens(b["tokens_per_month"].as_u64().expect("a volume")))
    );
    (verdict, be)
}

#[test]
fn tui_in_tmux_matches_report_saves_and_restores_the_terminal() {
    let v = Command::new("tmux").arg("-V").output();
    assert!(
        v.is_ok_and(|o| o.status.success()),
        "tmux is not installed: this test needs it (apt-get install tmux)"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let saved = dir.path().join("saved.yaml");
    let tmux = Tmux {
        socket: format!("tco-tui-test-{}", std::process::id()),
    };
    let cmd = format!(
        "cd '{}' && '{TCO}' tui {SCENARIO}; echo TUI-EXITED-$?; sleep 60",
        repo_root().display()
    );
    let started = tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "tui",
        "-x",
        "240",
        "-y",
        "50",
        "sh",
        "-c",
        &cmd,
    ]);
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );

    let before = report_json(&[SCENARIO]);
    let (verdict0, be0) = expected_lines(&before);
    let s = tmux.wait_for(&verdict0);
    assert!(s.contains(&be0), "{be0}\n{s}");
    assert_eq!(
        tmux.format("#{alternate_on}"),
        "1",
        "runs on the alternate screen"
    );

    // The volume: type a new value.
    tmux.keys(&["Enter", "C-u"]);
    tmux.literal("2B");
    tmux.keys(&["Enter"]);
    tmux.wait_for("At 2,000,000,000 tokens/month");
    // The server's price: down to it and one step up (+5 %).
    for _ in 0..7 {
        tmux.keys(&["j"]);
    }
    tmux.wait_for("local[0].owned.price");
    tmux.keys(&["+"]);
    tmux.wait_for("$84,000.00");

    let after = report_json(&[
        SCENARIO,
        "--set",
        "workload.tokens_per_month=2B",
        "--set",
        "local[0].owned.price=84000",
    ]);
    let (verdict1, be1) = expected_lines(&after);
    assert_ne!(verdict0, verdict1, "the change moves the verdict");
    assert_ne!(be0, be1, "the change moves the break-even");
    let s = tmux.wait_for(&verdict1);
    assert!(s.contains(&be1), "want `{be1}` on the screen:\n{s}");
    assert!(s.contains("[modified]"), "{s}");

    // Save to a new file.
    tmux.keys(&["s"]);
    tmux.wait_for("Save to:");
    tmux.keys(&["C-u"]);
    tmux.literal(saved.to_str().expect("utf-8 path"));
    tmux.keys(&["Enter"]);
    tmux.wait_for("saved to");

    // Quit: nothing unsaved, so no question; the shell's marker follows.
    tmux.keys(&["q"]);
    let s = tmux.wait_for("TUI-EXITED-0");
    assert_eq!(tmux.format("#{alternate_on}"), "0", "alternate screen left");
    assert_eq!(tmux.format("#{cursor_flag}"), "1", "cursor shown again");
    assert!(!s.contains("Verdict:"), "the calculator is gone:\n{s}");

    let back = report_json(&[saved.to_str().expect("utf-8 path")]);
    assert_eq!(back["break_even"], after["break_even"]);
    assert_eq!(back["verdict"], after["verdict"]);
    assert_eq!(back["local"], after["local"]);
    assert_eq!(back["api"], after["api"]);
}
