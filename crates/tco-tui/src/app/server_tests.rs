//! The probe screen's server probe against tco-loadgen's loopback mock:
//! the form's keys, the live progress, a server that is down, Esc, and
//! `a`, whose scenario prices as `tco report` prices the saved file.

use super::{App, Launch, Message, Mode, Screen};
use crate::server::ServerState;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tco_core::input::scenario::Resolve;
use tco_loadgen::mock::{MockOptions, MockServer};

struct DirFiles(PathBuf);

impl Resolve for DirFiles {
    fn calibration(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.0.join(path)).map_err(|e| e.to_string())
    }
}

const SCENARIO: &str = include_str!("../../../../tests/data/slo-levels.yaml");

fn app_in(dir: &Path) -> App {
    App::new(Launch {
        origin: "s.yaml".into(),
        text: SCENARIO.into(),
        path: Some(dir.join("s.yaml")),
        tables: tco_core::input::bundled::tables().unwrap(),
        files: Box::new(DirFiles(dir.to_path_buf())),
        probe_built: false,
    })
    .unwrap()
}

fn tree_text(a: &App) -> String {
    tco_core::output::emit::to_yaml(&a.tree)
}

fn key(a: &mut App, code: KeyCode) {
    a.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn ctrl(a: &mut App, c: char) {
    a.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

/// Replaces the form field shown with `text` and presses Enter.
fn answer(a: &mut App, text: &str) {
    ctrl(a, 'u');
    text.chars().for_each(|c| key(a, KeyCode::Char(c)));
    key(a, KeyCode::Enter);
}

/// Fills the whole server form: URL, model, levels, tokens, requests.
fn start(a: &mut App, url: &str, levels: &str) {
    key(a, KeyCode::Char('3'));
    key(a, KeyCode::Char('v'));
    assert!(matches!(a.mode, Mode::ServerForm(0, _)), "{:?}", a.mode);
    for t in [url, "", levels, "8", "8", "3"] {
        answer(a, t);
    }
    assert_eq!(a.mode, Mode::Normal);
}

/// Ticks until the probe ends; false on timeout.
fn finish(a: &mut App, within: Duration) -> bool {
    let end = Instant::now() + within;
    while a.server_job.is_some() {
        if Instant::now() > end {
            return false;
        }
        a.tick();
        std::thread::sleep(Duration::from_millis(5));
    }
    true
}

#[test]
fn a_server_probe_runs_with_progress_and_applies_as_tco_report_prices_it() {
    let mock = MockServer::start(MockOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_in(dir.path());
    start(&mut a, &mock.url(), "1,2");
    assert!(a.server_job.is_some());
    assert!(a.busy());
    // Live progress: the state moves through the levels while it runs.
    let mut saw_progress = false;
    let end = Instant::now() + Duration::from_secs(60);
    while a.server_job.is_some() && Instant::now() < end {
        a.tick();
        if let ServerState::Running { server, done, .. } = &a.server_state {
            saw_progress |= !server.is_empty() && *done > 0;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(a.server_job.is_none(), "the probe did not end");
    assert!(saw_progress, "no progress was shown");
    let ServerState::Done { cal, written } = &a.server_state else {
        panic!("{:?}", a.server_state)
    };
    assert_eq!(written, &None);
    assert_eq!(cal.levels.len(), 2);
    assert!(cal.levels.iter().all(|l| l.completed == 3));
    assert_eq!(cal.source, "tco tui (server probe)");

    // The targets, edited: t, then TTFT and TPOT.
    key(&mut a, KeyCode::Char('t'));
    answer(&mut a, "1500");
    answer(&mut a, "80");
    assert_eq!(a.mode, Mode::Normal);
    key(&mut a, KeyCode::Char('a'));
    assert!(
        !matches!(a.message, Some(Message::Error(_))),
        "{:?}",
        a.message
    );
    let name = "calibration-server-mock.yaml";
    let file = dir.path().join(name);
    assert!(
        file.exists(),
        "{:?}",
        std::fs::read_dir(dir.path()).unwrap().collect::<Vec<_>>()
    );
    let applied = tree_text(&a);
    assert!(
        applied.contains("calibration: calibration-server-mock.yaml")
            && applied.contains("ttft_p95_ms: 1500")
            && applied.contains("tpot_p95_ms: 80"),
        "{applied}"
    );
    let src = &a.now.report.local[0].throughput.source;
    assert!(src.contains("mock") || src.contains("calibration"), "{src}");

    // The saved scenario priced by the core (as `tco report` does) gives the
    // same report.
    let saved = dir.path().join("saved.yaml");
    a.save_to(&saved, false);
    let text = std::fs::read_to_string(&saved).unwrap();
    let tables = tco_core::input::bundled::tables().unwrap();
    let core = tco_core::Scenario::parse(
        &text,
        "s.yaml",
        tables.as_ref(),
        &DirFiles(dir.path().to_path_buf()),
    )
    .unwrap()
    .evaluate();
    assert_eq!(core, a.now.report);

    // A level instead of the targets; the file is not written again.
    key(&mut a, KeyCode::Char('c'));
    assert_eq!(a.server_pick, Some(0));
    key(&mut a, KeyCode::Char('c'));
    assert_eq!(a.server_pick, Some(1));
    key(&mut a, KeyCode::Char('a'));
    assert!(
        tree_text(&a).contains("concurrency: 2"),
        "{}",
        tree_text(&a)
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    key(&mut a, KeyCode::Char('c'));
    assert_eq!(a.server_pick, None);
}

#[test]
fn an_existing_calibration_is_never_overwritten() {
    let mock = MockServer::start(MockOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("calibration-server-mock.yaml"), "mine").unwrap();
    let mut a = app_in(dir.path());
    start(&mut a, &mock.url(), "1");
    assert!(finish(&mut a, Duration::from_secs(60)));
    key(&mut a, KeyCode::Char('a'));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("calibration-server-mock.yaml")).unwrap(),
        "mine"
    );
    assert!(dir.path().join("calibration-server-mock-2.yaml").exists());
    assert!(tree_text(&a).contains("calibration-server-mock-2.yaml"));
}

#[test]
fn a_server_that_is_down_says_so() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    drop(l);
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_in(dir.path());
    start(&mut a, &url, "1");
    assert!(finish(&mut a, Duration::from_secs(30)));
    let ServerState::Failed(e) = &a.server_state else {
        panic!("{:?}", a.server_state)
    };
    assert!(!e.is_empty());
    // Nothing to apply.
    let before = tree_text(&a);
    key(&mut a, KeyCode::Char('a'));
    assert_eq!(tree_text(&a), before);
}

#[test]
fn bad_settings_are_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_in(dir.path());
    start(&mut a, "https://example.com", "1");
    assert!(a.server_job.is_none());
    assert!(matches!(&a.server_state, ServerState::Failed(e) if e.contains("https")));
    start(&mut a, "http://127.0.0.1:9", "1,zero");
    assert!(matches!(&a.server_state, ServerState::Failed(e) if e.contains("zero")));
    // Esc leaves the form without starting anything.
    key(&mut a, KeyCode::Char('v'));
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.mode, Mode::Normal);
    assert!(a.server_job.is_none());
    assert_eq!(a.screen, Screen::Probe);
}

#[test]
fn esc_cancels_a_running_probe_and_q_quits_while_one_runs() {
    let mock = MockServer::start(MockOptions {
        token_delay: Duration::from_millis(200),
        default_tokens: 1000,
        ..MockOptions::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_in(dir.path());
    start(&mut a, &mock.url(), "1,2,4");
    std::thread::sleep(Duration::from_millis(300));
    a.tick();
    key(&mut a, KeyCode::Esc);
    assert!(
        !a.quit,
        "Esc during a probe stops the probe, not the calculator"
    );
    assert!(
        finish(&mut a, Duration::from_secs(20)),
        "cancel did not end the probe"
    );
    assert!(
        matches!(&a.server_state, ServerState::Failed(e) if e == "cancelled")
            || matches!(&a.server_state, ServerState::Done { cal, .. } if cal.partial),
        "{:?}",
        a.server_state
    );
    // With unsaved changes, q asks first; staying keeps the probe running.
    start(&mut a, &mock.url(), "1");
    a.set("workload.tokens_per_month", "3B");
    key(&mut a, KeyCode::Char('q'));
    assert_eq!(a.mode, Mode::ConfirmQuit);
    key(&mut a, KeyCode::Char('n'));
    std::thread::sleep(Duration::from_millis(300));
    a.tick();
    assert!(a.server_job.is_some());
    assert!(matches!(a.server_state, ServerState::Running { .. }));
    key(&mut a, KeyCode::Char('q'));
    key(&mut a, KeyCode::Char('y'));
    assert!(a.quit);
    assert!(finish(&mut a, Duration::from_secs(20)));
}

#[test]
fn a_server_whose_every_request_fails_says_so_and_writes_nothing() {
    let mock = MockServer::start(MockOptions {
        fault: tco_loadgen::mock::Fault::Status(500),
        ..MockOptions::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_in(dir.path());
    start(&mut a, &mock.url(), "1,2");
    assert!(finish(&mut a, Duration::from_secs(60)));
    let ServerState::Failed(e) = &a.server_state else {
        panic!("{:?}", a.server_state)
    };
    assert!(e.contains("no request succeeded"), "{e}");
    key(&mut a, KeyCode::Char('a'));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
