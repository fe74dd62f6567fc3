//! End to end: the real `tco tui` in a detached tmux session of fixed size.
//! Changes the volume and a price, checks the break-even and verdict on
//! screen against `tco report --set … --format json` (formatted as the screen
//! formats them), saves to a new file, quits, and checks the terminal is back
//! and the saved file reports the same figures. The uncertainty screen's
//! figures are checked against `tco simulate` with its default samples and
//! seed (one answer on every face), before and after a change. A panic forced in a debug build must leave the
//! terminal restored with the panic message readable.
//!
//! tmux is required: without it this test fails (tests/run-all.sh installs it).

#![allow(clippy::unwrap_used, clippy::panic)]

use rust_decimal::Decimal;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use tco_core::model::format::{money, tokens, tokens_short};
use tco_core::model::units::{Money, Tokens};

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
        self.wait_for_within(want, 20)
    }

    /// Polls the screen until `want` is on it, for at most `secs` seconds.
    fn wait_for_within(&self, want: &str, secs: u64) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(want) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(secs) {
                panic!("`{want}` did not appear on the screen within {secs} s; the screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn format(&self, f: &str) -> String {
        let o = self.run(&["display-message", "-p", "-t", "tui", f]);
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }
}

impl Tmux {
    /// A session of 240×50 running `sh -c CMD` in the repository root, on a socket named after `name`.
    fn start(name: &str, cmd: &str) -> Tmux {
        let v = Command::new("tmux").arg("-V").output();
        assert!(
            v.is_ok_and(|o| o.status.success()),
            "tmux is not installed: this test needs it (apt-get install tmux)"
        );
        // A new socket for every session: a test that starts sessions in a
        // loop would otherwise reach the server the last one's `kill-server`
        // is still taking down ("server exited unexpectedly").
        static STARTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmux = Tmux {
            socket: format!("tco-tui-{name}-{}-{n}", std::process::id()),
        };
        let cmd = format!("cd '{}' && {cmd}", repo_root().display());
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
        tmux
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
    let dir = tempfile::tempdir().expect("tempdir");
    let saved = dir.path().join("saved.yaml");
    let tmux = Tmux::start(
        "calc",
        &format!("'{TCO}' tui {SCENARIO}; echo TUI-EXITED-$?; sleep 60"),
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
    // The server's price: down to it (past the workload's eight other rows,
    // the hourly profile among them, and the API's three) and one step up (+5 %).
    for _ in 0..12 {
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

    // The save wrote the two changes into the original text: every comment
    // and line of the user's file is still there.
    let original = std::fs::read_to_string(repo_root().join(SCENARIO)).expect("the scenario");
    let want = original
        .replacen("  tokens_per_month: 100M ", "  tokens_per_month: 2B ", 1)
        .replacen("      price: 80000", "      price: 84000", 1);
    assert_ne!(want, original);
    let got = std::fs::read_to_string(&saved).expect("the saved file");
    assert_eq!(got, want, "the saved file keeps the original's layout");

    let back = report_json(&[saved.to_str().expect("utf-8 path")]);
    assert_eq!(back["break_even"], after["break_even"]);
    assert_eq!(back["verdict"], after["verdict"]);
    assert_eq!(back["local"], after["local"]);
    assert_eq!(back["api"], after["api"]);
}

fn simulate_json(args: &[&str]) -> Value {
    let o = Command::new(TCO)
        .current_dir(repo_root())
        .arg("simulate")
        .args(args)
        // No --samples or --seed: the TUI uses tco simulate's defaults.
        .args(["--format", "json"])
        .output()
        .expect("tco runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("json")
}

/// The uncertainty screen's two summary lines for pair `k`, as it prints them.
fn uncertainty_lines(sim: &Value, report: &Value, k: usize) -> (String, String) {
    let p = &sim["break_even"][k];
    let pct = |v: &Value| format!("{:.1}%", 100.0 * v.as_f64().expect("a share"));
    let short = |v: &Value| {
        v.as_u64()
            .map_or("never".into(), |t| tokens_short(Tokens(t)))
    };
    let cheaper = format!(
        "local is cheaper at {} tokens/month in {} of them (95% CI {}–{})",
        tokens_short(Tokens(sim["tokens_per_month"].as_u64().expect("volume"))),
        pct(&p["prob_local_cheaper"]),
        pct(&p["prob_local_cheaper_ci95"][0]),
        pct(&p["prob_local_cheaper_ci95"][1]),
    );
    let q = &p["break_even_percentiles"];
    let be = format!(
        "First break-even: P5 {} · P10 {} · P50 {} · P90 {} · P95 {}; point {}",
        short(&q["p5"]),
        short(&q["p10"]),
        short(&q["p50"]),
        short(&q["p90"]),
        short(&q["p95"]),
        short(&report["break_even"][k]["tokens_per_month"]),
    );
    (cheaper, be)
}

#[test]
fn tui_uncertainty_screen_in_tmux_matches_tco_simulate() {
    const FLAGSHIP: &str = "scenarios/flagship.yaml";
    let tmux = Tmux::start(
        "unc",
        &format!("'{TCO}' tui {FLAGSHIP}; echo TUI-EXITED-$?; sleep 60"),
    );
    let report = report_json(&[FLAGSHIP]);
    let sim = simulate_json(&[FLAGSHIP]);
    tmux.wait_for(&expected_lines(&report).0);

    tmux.keys(&["2"]);
    let (cheaper, be) = uncertainty_lines(&sim, &report, 0);
    let s = tmux.wait_for(&be);
    assert!(s.contains(&cheaper), "want `{cheaper}`:\n{s}");
    assert!(
        s.contains("pair 1/6: Owned 4x A100 80GB server(s) vs Claude Sonnet 4.6"),
        "{s}"
    );
    assert!(s.contains("Tornado: first break-even volume"), "{s}");
    assert!(
        s.contains("First break-even volume of 10,000 samples"),
        "{s}"
    );

    // The next pair: owned A100s vs GPT-5.
    tmux.keys(&["Right"]);
    let (cheaper, be) = uncertainty_lines(&sim, &report, 1);
    let s = tmux.wait_for(&be);
    assert!(s.contains(&cheaper), "want `{cheaper}`:\n{s}");
    assert!(s.contains("pair 2/6"), "{s}");

    // A change (the selected input is the volume: + is ×1.25) is simulated again.
    tmux.keys(&["+"]);
    let set = ["--set", "workload.tokens_per_month=3750000000"];
    let report = report_json(&[FLAGSHIP, set[0], set[1]]);
    let sim = simulate_json(&[FLAGSHIP, set[0], set[1]]);
    let (cheaper, be) = uncertainty_lines(&sim, &report, 1);
    let s = tmux.wait_for(&cheaper);
    assert!(s.contains(&be), "want `{be}`:\n{s}");
    assert!(!s.contains("recomputing"), "{s}");

    tmux.keys(&["t"]);
    tmux.wait_for("Tornado: monthly saving of going local");

    // Unsaved: the quit question, then out, the terminal given back.
    tmux.keys(&["q"]);
    tmux.wait_for("Quit without saving?");
    tmux.keys(&["y"]);
    tmux.wait_for("TUI-EXITED-0");
    assert_eq!(tmux.format("#{alternate_on}"), "0", "alternate screen left");
}

/// The probe screen (3) of a tco built with llama.cpp: `p` probes the
/// synthetic tiny model in the background for real, the calibration lands
/// beside the scenario, and `a` puts it into the selected local option.
#[cfg(feature = "llama")]
#[test]
fn tui_probe_screen_measures_and_applies_a_calibration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = dir.path().join("s.yaml");
    std::fs::copy(repo_root().join(SCENARIO), &scenario).expect("copy the scenario");
    let tmux = Tmux::start(
        "probe",
        &format!(
            "'{TCO}' tui '{}'; echo TUI-EXITED-$?; sleep 60",
            scenario.display()
        ),
    );
    tmux.wait_for(&expected_lines(&report_json(&[SCENARIO])).0);
    tmux.keys(&["3"]);
    tmux.wait_for("This tco was built with llama.cpp");
    tmux.keys(&["p"]);
    tmux.wait_for("Probing synthetic tiny Q4_K model");
    let s = tmux.wait_for_within("Calibration written to", 300);
    assert!(!s.contains("The probe did not finish"), "{s}");
    let cal: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .expect("read the folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().contains("calibration-"))
        .collect();
    assert_eq!(cal.len(), 1, "one calibration beside the scenario: {cal:?}");
    let name = cal[0]
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert!(s.contains(&name), "`{name}` on the screen:\n{s}");
    assert!(s.contains("decode"), "{s}");

    tmux.keys(&["a"]);
    tmux.wait_for(&format!("local[0].throughput = {{calibration: {name}}}"));
    // The changed scenario reports from the measured rates, as `tco report` does.
    let r = report_json(&[
        scenario.to_str().expect("utf-8 path"),
        "--set",
        &format!("local[0].throughput={{calibration: {name}}}"),
    ]);
    let source = r["local"][0]["throughput"]["source"]
        .as_str()
        .expect("a source");
    assert!(source.contains(&name), "{source}");
    tmux.keys(&["1"]);
    tmux.wait_for(&expected_lines(&r).0);

    tmux.keys(&["q"]);
    tmux.wait_for("Quit without saving?");
    tmux.keys(&["y"]);
    tmux.wait_for("TUI-EXITED-0");
}

/// The probe screen of a tco built without llama.cpp says so and how to get
/// it, instead of probing; the calculator stays usable.
#[cfg(not(feature = "llama"))]
#[test]
fn tui_probe_screen_without_llama_says_how_to_get_it() {
    let tmux = Tmux::start(
        "noprobe",
        &format!("'{TCO}' tui {SCENARIO}; echo TUI-EXITED-$?; sleep 60"),
    );
    tmux.wait_for(&expected_lines(&report_json(&[SCENARIO])).0);
    tmux.keys(&["3"]);
    tmux.wait_for("This tco was built without llama.cpp");
    tmux.keys(&["p"]);
    tmux.wait_for("The probe did not finish: this tco was built without llama.cpp");
    tmux.keys(&["a"]);
    tmux.wait_for("no probe result to apply yet");
    tmux.keys(&["q"]);
    tmux.wait_for("TUI-EXITED-0");
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the forced panic is compiled into debug builds only (tco-tui's PANIC_FOR_TEST_ENV)"
)]
fn a_panic_restores_the_terminal_before_its_message() {
    let tmux = Tmux::start(
        "panic",
        &format!(
            "TCO_TUI_PANIC_FOR_TEST=1 RUST_BACKTRACE=0 '{TCO}' tui {SCENARIO}; echo TUI-EXITED-$?; \
             stty -a | tr '\\n' ' '; echo; echo STTY-DONE; sleep 60"
        ),
    );
    let s = tmux.wait_for("STTY-DONE");
    // 101: Rust's exit status after a panic in main.
    assert!(s.contains("TUI-EXITED-101"), "{s}");
    // The hook left the alternate screen before printing, so the message is
    // on the normal screen (printed on the alternate one it would be lost).
    assert!(
        s.contains("deliberate panic to test that the terminal is restored"),
        "the panic message is not on the normal screen:\n{s}"
    );
    assert!(!s.contains("Verdict:"), "the calculator is gone:\n{s}");
    assert_eq!(tmux.format("#{alternate_on}"), "0", "alternate screen left");
    assert_eq!(tmux.format("#{cursor_flag}"), "1", "cursor shown again");
    // Raw mode off: the line discipline echoes and edits lines again.
    let stty: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    for flag in ["icanon", "echo", "isig"] {
        assert!(
            stty.contains(&format!(" {flag} ")) && !stty.contains(&format!("-{flag} ")),
            "`{flag}` not restored: {stty}"
        );
    }
}

/// The nine-line "billion laughs" (each line an anchor listing the previous
/// one nine times): 9^9 values if a reader expanded it.
fn billion_laughs() -> String {
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    let mut t = String::from("a: &a [lol]\n");
    for w in names.windows(2) {
        let items = vec![format!("*{}", w[0]); 9].join(",");
        t.push_str(&format!("{}: &{} [{items}]\n", w[1], w[1]));
    }
    t
}

/// The terminal is as the shell left it: normal screen, cursor shown, line
/// discipline back (echo, canonical input, signals).
fn assert_terminal_restored(tmux: &Tmux, screen: &str) {
    assert_eq!(tmux.format("#{alternate_on}"), "0", "alternate screen left");
    assert_eq!(tmux.format("#{cursor_flag}"), "1", "cursor shown again");
    let stty: String = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    for flag in ["icanon", "echo", "isig"] {
        assert!(
            stty.contains(&format!(" {flag} ")) && !stty.contains(&format!("-{flag} ")),
            "`{flag}` not restored: {stty}"
        );
    }
}

#[test]
fn a_hostile_scenario_is_an_error_and_the_terminal_stays_usable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bomb = dir.path().join("laughs.yaml");
    std::fs::write(&bomb, billion_laughs()).expect("write");
    let tmux = Tmux::start(
        "hostile",
        &format!(
            "'{TCO}' tui '{}'; echo TUI-EXITED-$?; stty -a | tr '\\n' ' '; echo; echo STTY-DONE; sleep 60",
            bomb.display()
        ),
    );
    let s = tmux.wait_for("STTY-DONE");
    assert!(s.contains("TUI-EXITED-1"), "{s}");
    assert!(s.contains("laughs.yaml:7:"), "located: {s}");
    assert!(
        s.contains("larger than 500000 values"),
        "names the limit: {s}"
    );
    assert_terminal_restored(&tmux, &s);
}

#[test]
fn a_hostile_value_typed_in_is_refused_and_the_calculator_carries_on() {
    let tmux = Tmux::start(
        "hostile-edit",
        &format!("'{TCO}' tui {SCENARIO}; echo TUI-EXITED-$?; sleep 60"),
    );
    let (verdict0, _) = expected_lines(&report_json(&[SCENARIO]));
    tmux.wait_for(&verdict0);
    // The first field is the volume: type an alias bomb into it.
    tmux.keys(&["Enter", "C-u"]);
    tmux.literal("{a: &a [x,x,x,x,x,x,x,x,x], b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a], c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b], d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c], e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d], f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e], g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]}");
    tmux.keys(&["Enter"]);
    // Refused, with the figures unchanged; and the calculator still answers.
    let s = tmux.wait_for(&verdict0);
    assert!(!s.contains("[modified]"), "{s}");
    tmux.keys(&["Enter", "C-u"]);
    tmux.literal("2B");
    tmux.keys(&["Enter"]);
    tmux.wait_for("At 2,000,000,000 tokens/month");
    tmux.keys(&["u"]);
    tmux.wait_for(&verdict0);
    tmux.keys(&["q"]);
    tmux.wait_for("TUI-EXITED-0");
}

#[test]
fn resizing_to_one_cell_and_back_does_not_panic() {
    let tmux = Tmux::start(
        "resize",
        &format!("'{TCO}' tui {SCENARIO}; echo TUI-EXITED-$?; sleep 60"),
    );
    let (verdict0, _) = expected_lines(&report_json(&[SCENARIO]));
    tmux.wait_for(&verdict0);
    for (x, y) in [(1, 1), (2, 1), (1, 3), (10, 2), (40, 8), (1, 1), (240, 50)] {
        let o = tmux.run(&[
            "resize-window",
            "-t",
            "tui",
            "-x",
            &x.to_string(),
            "-y",
            &y.to_string(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // Long enough for a few redraws at that size.
        std::thread::sleep(Duration::from_millis(300));
    }
    // Alive, drawing the full screen again, and it still takes keys.
    tmux.wait_for(&verdict0);
    tmux.keys(&["?"]);
    std::thread::sleep(Duration::from_millis(200));
    // Esc alone (an Esc followed at once by `q` would read as Alt-q).
    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(200));
    tmux.keys(&["q"]);
    let s = tmux.wait_for("TUI-EXITED-0");
    assert!(!s.contains("panicked"), "{s}");
}

#[test]
fn sigkill_during_a_save_leaves_the_old_file_or_the_new_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("scenario.yaml");
    let old = "# the old scenario, which must survive whole\n";
    // One run to completion: the bytes a whole save writes.
    let save = |kill_after: Option<Duration>| -> Vec<u8> {
        std::fs::write(&target, old).expect("write");
        let tmux = Tmux::start("kill-save", &format!("exec '{TCO}' tui {SCENARIO}"));
        tmux.wait_for("Verdict:");
        tmux.keys(&["s"]);
        tmux.wait_for("Save to:");
        tmux.keys(&["C-u"]);
        tmux.literal(target.to_str().expect("utf-8 path"));
        tmux.keys(&["Enter"]);
        tmux.wait_for("Overwrite it?");
        let pid = tmux.format("#{pane_pid}");
        tmux.keys(&["y"]);
        match kill_after {
            None => {
                tmux.wait_for("saved to");
            }
            Some(d) => {
                std::thread::sleep(d);
                let k = Command::new("kill")
                    .args(["-KILL", &pid])
                    .status()
                    .expect("kill runs");
                let _ = k;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
        std::fs::read(&target).expect("the file is there")
    };
    let whole = save(None);
    // Nothing was changed: the save writes the scenario as it was, comments and all.
    assert_eq!(
        whole,
        std::fs::read(repo_root().join(SCENARIO)).expect("the scenario")
    );
    let mut state = 0x5eed_u64;
    let (mut kept, mut saved) = (0, 0);
    for round in 0..12 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let now = save(Some(Duration::from_micros(state % 20_000)));
        if now == old.as_bytes() {
            kept += 1;
        } else if now == whole {
            saved += 1;
        } else {
            panic!(
                "round {round}: neither the old file nor a whole save ({} bytes)",
                now.len()
            );
        }
    }
    eprintln!("TUI save: 12 kills, old file kept {kept}×, new file whole {saved}×");
}

/// The probe screen's server probe, in every build: the form, the live
/// sweep of tco-loadgen's loopback mock, the per-level results, and `a`,
/// after which the calculator shows what `tco report` gives for the
/// scenario with that throughput.
#[test]
fn tui_probe_screen_probes_a_server_and_applies_it() {
    let mock = tco_loadgen::mock::MockServer::start(tco_loadgen::mock::MockOptions::default())
        .expect("the mock starts");
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = dir.path().join("s.yaml");
    std::fs::copy(repo_root().join(SCENARIO), &scenario).expect("copy the scenario");
    let tmux = Tmux::start(
        "server",
        &format!(
            "'{TCO}' tui '{}'; echo TUI-EXITED-$?; sleep 60",
            scenario.display()
        ),
    );
    tmux.wait_for(&expected_lines(&report_json(&[SCENARIO])).0);
    tmux.keys(&["3"]);
    tmux.wait_for("Server probe (every build)");
    tmux.keys(&["v"]);
    tmux.wait_for("server URL: http://127.0.0.1:8080");
    for answer in [mock.url().as_str(), "", "1,2", "8", "8", "3"] {
        tmux.keys(&["C-u"]);
        if !answer.is_empty() {
            tmux.literal(answer);
        }
        tmux.keys(&["Enter"]);
    }
    let s = tmux.wait_for_within("a applies it to the selected local option", 60);
    assert!(s.contains("model mock.gguf"), "{s}");
    assert!(!s.contains("did not finish"), "{s}");
    tmux.keys(&["a"]);
    let name = "calibration-server-mock.yaml";
    tmux.wait_for(&format!(
        "local[0].throughput = {{calibration: {name}, slo:"
    ));
    assert!(dir.path().join(name).exists());
    let r = report_json(&[
        scenario.to_str().expect("utf-8 path"),
        "--set",
        &format!(
            "local[0].throughput={{calibration: {name}, slo: {{ttft_p95_ms: 2000, tpot_p95_ms: 100}}}}"
        ),
    ]);
    let source = r["local"][0]["throughput"]["source"]
        .as_str()
        .expect("a source");
    assert!(source.contains(name), "{source}");
    tmux.keys(&["1"]);
    tmux.wait_for(&expected_lines(&r).0);
    tmux.keys(&["q"]);
    tmux.wait_for("Quit without saving?");
    tmux.keys(&["y"]);
    tmux.wait_for("TUI-EXITED-0");
}
