//! The calculator's state and the named actions keys map to.
//!
//! One [`App`] holds the scenario's YAML tree (the source of truth for what
//! is saved), the last good computation, the undo history and the mode (a
//! prompt, a question, the help). A change is `set_path` on a copy of the tree
//! and a full re-parse; a value the core refuses leaves the last good state
//! and shows the core's message.

use crate::compute::{compute, Computed};
use crate::fields::{fields, Field};
use crate::probe::{ProbeJob, ProbeState, Target};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::{Path, PathBuf};
use tco_core::bundled::OwnedTables;
use tco_core::scenario::Resolve;
use tco_core::yaml::{set_path, Node};

/// Which full screen is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Calculator,
    Uncertainty,
    Probe,
}

/// What the keys currently do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing a new value for the selected field.
    Edit(String),
    /// Typing the path to save to.
    SavePath(String),
    /// The save path exists: overwrite it?
    ConfirmOverwrite(PathBuf),
    /// Unsaved changes on quit.
    ConfirmQuit,
    /// Typing the path of a GGUF model to probe.
    ProbePath(String),
    Help,
}

/// A line for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Info(String),
    Error(String),
}

/// Everything a key can do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    Increase,
    Decrease,
    StartEdit,
    Type(char),
    Backspace,
    /// Ctrl-U: empty the prompt.
    Clear,
    Submit,
    Cancel,
    Undo,
    Save,
    Quit,
    ForceQuit,
    Help,
    Yes,
    No,
    Show(Screen),
    NextScreen,
    /// Probe a random-weight `tiny` model (speed of this machine's llama.cpp).
    ProbeSynthetic,
    /// Ask for a GGUF file to probe.
    ProbeAsk,
    ProbeCancel,
    /// Put the last probe's calibration into the selected local option.
    ProbeApply,
}

/// How the app was started.
pub struct Launch {
    /// The scenario's name in messages (a path or `scenarios/x.yaml`).
    pub origin: String,
    pub text: String,
    /// The file it came from; None for a bundled scenario.
    pub path: Option<PathBuf>,
    pub tables: OwnedTables,
    pub files: Box<dyn Resolve>,
    /// Whether this build can run llama.cpp probes (`--features llama`).
    pub probe_built: bool,
}

impl std::fmt::Debug for Launch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Launch")
            .field("origin", &self.origin)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

pub struct App {
    pub origin: String,
    pub path: Option<PathBuf>,
    pub tables: OwnedTables,
    pub files: Box<dyn Resolve>,
    pub probe_built: bool,
    pub tree: Node,
    /// The tree as last saved (or loaded): unsaved changes are a difference from it.
    pub saved: Node,
    pub now: Computed,
    pub fields: Vec<Field>,
    pub selected: usize,
    pub undo: Vec<Node>,
    pub mode: Mode,
    pub screen: Screen,
    pub message: Option<Message>,
    pub quit: bool,
    /// Quit once the save asked for at the quit question succeeds.
    pub quit_after_save: bool,
    pub probe: ProbeState,
    pub probe_job: Option<ProbeJob>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("origin", &self.origin)
            .field("mode", &self.mode)
            .field("selected", &self.selected)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Reads the scenario; an invalid one is an error before any screen is drawn.
    pub fn new(l: Launch) -> Result<App, tco_core::Error> {
        let tree = tco_core::yaml::parse(&l.text, &l.origin)?;
        let now = compute(&tree, &l.origin, l.tables.as_ref(), l.files.as_ref())?;
        let fields = fields(&now.scenario, &tree);
        Ok(App {
            origin: l.origin,
            path: l.path,
            tables: l.tables,
            files: l.files,
            probe_built: l.probe_built,
            saved: tree.clone(),
            tree,
            now,
            fields,
            selected: 0,
            undo: Vec::new(),
            mode: Mode::Normal,
            screen: Screen::Calculator,
            message: None,
            quit: false,
            quit_after_save: false,
            probe: ProbeState::Idle,
            probe_job: None,
        })
    }

    pub fn dirty(&self) -> bool {
        self.tree != self.saved
    }

    pub fn field(&self) -> Option<&Field> {
        self.fields.get(self.selected)
    }

    /// The action a key stands for in the current mode.
    pub fn action_for(&self, key: KeyEvent) -> Option<Action> {
        let ctrl_c =
            key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c');
        match &self.mode {
            Mode::Edit(_) | Mode::SavePath(_) | Mode::ProbePath(_) => match key.code {
                _ if ctrl_c => Some(Action::Cancel),
                KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    Some(Action::Clear)
                }
                KeyCode::Char(_) if key.modifiers.contains(KeyModifiers::CONTROL) => None,
                KeyCode::Enter => Some(Action::Submit),
                KeyCode::Esc => Some(Action::Cancel),
                KeyCode::Backspace => Some(Action::Backspace),
                KeyCode::Char(c) => Some(Action::Type(c)),
                _ => None,
            },
            Mode::ConfirmOverwrite(_) => match key.code {
                KeyCode::Char('y' | 'Y') => Some(Action::Yes),
                _ if ctrl_c => Some(Action::No),
                KeyCode::Char('n' | 'N') | KeyCode::Esc => Some(Action::No),
                _ => None,
            },
            Mode::ConfirmQuit => match key.code {
                _ if ctrl_c => Some(Action::ForceQuit),
                KeyCode::Char('y' | 'Y' | 'q') => Some(Action::ForceQuit),
                KeyCode::Char('s') => Some(Action::Save),
                KeyCode::Char('n' | 'N') | KeyCode::Esc => Some(Action::No),
                _ => None,
            },
            Mode::Help => Some(Action::Cancel),
            Mode::Normal => match key.code {
                _ if ctrl_c => Some(Action::Quit),
                KeyCode::Char('p') if self.screen == Screen::Probe => Some(Action::ProbeSynthetic),
                KeyCode::Char('g') if self.screen == Screen::Probe => Some(Action::ProbeAsk),
                KeyCode::Char('x') if self.screen == Screen::Probe => Some(Action::ProbeCancel),
                KeyCode::Char('a') if self.screen == Screen::Probe => Some(Action::ProbeApply),
                KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
                KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
                KeyCode::Char('+' | '=') | KeyCode::Right | KeyCode::Char('l') => {
                    Some(Action::Increase)
                }
                KeyCode::Char('-' | '_') | KeyCode::Left | KeyCode::Char('h') => {
                    Some(Action::Decrease)
                }
                KeyCode::Enter | KeyCode::Char('e') => Some(Action::StartEdit),
                KeyCode::Char('u') => Some(Action::Undo),
                KeyCode::Char('s') => Some(Action::Save),
                KeyCode::Char('q') | KeyCode::Esc => Some(Action::Quit),
                KeyCode::Char('?') => Some(Action::Help),
                KeyCode::Char('1') => Some(Action::Show(Screen::Calculator)),
                KeyCode::Char('2') => Some(Action::Show(Screen::Uncertainty)),
                KeyCode::Char('3') => Some(Action::Show(Screen::Probe)),
                KeyCode::Tab => Some(Action::NextScreen),
                _ => None,
            },
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        if let Some(a) = self.action_for(key) {
            self.apply(a);
        }
    }

    pub fn apply(&mut self, a: Action) {
        match (a, self.mode.clone()) {
            (Action::Up, _) => self.selected = self.selected.saturating_sub(1),
            (Action::Down, _) => {
                self.selected = (self.selected + 1).min(self.fields.len().saturating_sub(1))
            }
            (Action::Increase, _) => self.step(true),
            (Action::Decrease, _) => self.step(false),
            (Action::StartEdit, _) => {
                if let Some(f) = self.field() {
                    self.mode = Mode::Edit(f.value.normalize().to_string());
                }
            }
            (Action::Type(c), Mode::Edit(mut b)) => {
                b.push(c);
                self.mode = Mode::Edit(b);
            }
            (Action::Type(c), Mode::SavePath(mut b)) => {
                b.push(c);
                self.mode = Mode::SavePath(b);
            }
            (Action::Backspace, Mode::Edit(mut b)) => {
                b.pop();
                self.mode = Mode::Edit(b);
            }
            (Action::Backspace, Mode::SavePath(mut b)) => {
                b.pop();
                self.mode = Mode::SavePath(b);
            }
            (Action::Type(c), Mode::ProbePath(mut b)) => {
                b.push(c);
                self.mode = Mode::ProbePath(b);
            }
            (Action::Backspace, Mode::ProbePath(mut b)) => {
                b.pop();
                self.mode = Mode::ProbePath(b);
            }
            (Action::Clear, Mode::ProbePath(_)) => self.mode = Mode::ProbePath(String::new()),
            (Action::Submit, Mode::ProbePath(b)) => {
                self.mode = Mode::Normal;
                self.start_probe(Target::Gguf(PathBuf::from(b.trim())));
            }
            (Action::ProbeSynthetic, _) => self.start_probe(Target::SyntheticTiny),
            (Action::ProbeAsk, _) => {
                if self.probe_job.is_none() {
                    self.mode = Mode::ProbePath(String::new());
                }
            }
            (Action::ProbeCancel, _) => {
                if let Some(j) = &self.probe_job {
                    j.cancel();
                    self.message = Some(Message::Info("cancelling the probe…".into()));
                }
            }
            (Action::ProbeApply, _) => self.apply_probe(),
            (Action::Clear, Mode::Edit(_)) => self.mode = Mode::Edit(String::new()),
            (Action::Clear, Mode::SavePath(_)) => self.mode = Mode::SavePath(String::new()),
            (Action::Submit, Mode::Edit(b)) => {
                self.mode = Mode::Normal;
                if let Some(path) = self.field().map(|f| f.path.clone()) {
                    self.set(&path, b.trim());
                }
            }
            (Action::Submit, Mode::SavePath(b)) => {
                let p = PathBuf::from(b.trim());
                if b.trim().is_empty() {
                    self.message = Some(Message::Error("no file name given".into()));
                    self.mode = Mode::Normal;
                } else if p.exists() {
                    self.mode = Mode::ConfirmOverwrite(p);
                } else {
                    self.mode = Mode::Normal;
                    self.save_to(&p, false);
                }
            }
            (Action::Yes, Mode::ConfirmOverwrite(p)) => {
                self.mode = Mode::Normal;
                self.save_to(&p, true);
            }
            (Action::No, Mode::ConfirmOverwrite(_)) => {
                self.mode = Mode::Normal;
                self.message = Some(Message::Info("not saved".into()));
            }
            (Action::Cancel | Action::No, _) => {
                self.quit_after_save = false;
                self.mode = Mode::Normal;
            }
            (Action::Undo, _) => self.undo(),
            (Action::Save, m) => {
                self.quit_after_save = m == Mode::ConfirmQuit;
                self.mode = Mode::SavePath(self.default_save_path());
            }
            (Action::Quit, _) => {
                if self.dirty() {
                    self.mode = Mode::ConfirmQuit;
                } else {
                    self.quit = true;
                }
            }
            (Action::ForceQuit, _) => self.quit = true,
            (Action::Help, _) => self.mode = Mode::Help,
            (Action::Show(s), _) => self.screen = s,
            (Action::NextScreen, _) => {
                self.screen = match self.screen {
                    Screen::Calculator => Screen::Uncertainty,
                    Screen::Uncertainty => Screen::Probe,
                    Screen::Probe => Screen::Calculator,
                }
            }
            _ => {}
        }
    }

    /// Checks on a running probe; called by the key loop between keys.
    pub fn tick(&mut self) {
        if let Some(job) = &self.probe_job {
            if job.drain(&mut self.probe) {
                self.probe_job = None;
            }
        }
    }

    /// The folder a scenario's relative calibration paths are read from.
    fn base_dir(&self) -> PathBuf {
        match self.path.as_ref().and_then(|p| p.parent()) {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    fn start_probe(&mut self, target: Target) {
        if self.probe_job.is_some() {
            self.message = Some(Message::Info("a probe is already running".into()));
            return;
        }
        let what = match &target {
            Target::SyntheticTiny => "synthetic tiny Q4_K model".to_string(),
            Target::Gguf(p) => p.display().to_string(),
        };
        match ProbeJob::start(target, &self.base_dir()) {
            Ok(job) => {
                self.probe_job = Some(job);
                self.probe = ProbeState::Running {
                    what,
                    phase: "starting".into(),
                    done: 0,
                    total: 0,
                };
            }
            Err(e) => self.probe = ProbeState::Failed(e),
        }
    }

    /// The local option the selection is in, else the first.
    fn selected_local(&self) -> usize {
        self.field()
            .and_then(|f| f.path.strip_prefix("local["))
            .and_then(|r| r.split(']').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }

    fn apply_probe(&mut self) {
        let ProbeState::Done { path, .. } = &self.probe else {
            self.message = Some(Message::Info("no probe result to apply yet".into()));
            return;
        };
        if self.now.scenario.local.is_empty() {
            self.message = Some(Message::Error("the scenario has no local option".into()));
            return;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let i = self.selected_local();
        self.set(
            &format!("local[{i}].throughput"),
            &format!("{{calibration: {name}}}"),
        );
    }

    /// One +/− step of the selected field.
    pub fn step(&mut self, up: bool) {
        let Some(f) = self.field() else { return };
        match f.stepped(up) {
            Some(text) => {
                let path = f.path.clone();
                self.set(&path, &text);
            }
            None => {
                self.message = Some(Message::Info(format!(
                    "{} is at the end of its range ({})",
                    f.label, f.range
                )))
            }
        }
    }

    /// Sets `path` to `value` and recomputes; on a refusal keeps the last good state.
    pub fn set(&mut self, path: &str, value: &str) {
        let mut tree = self.tree.clone();
        let result = set_path(&mut tree, &format!("{path}={value}"))
            .map_err(tco_core::Error::from)
            .and_then(|()| {
                compute(
                    &tree,
                    &self.origin,
                    self.tables.as_ref(),
                    self.files.as_ref(),
                )
            });
        match result {
            Ok(now) => {
                self.undo.push(std::mem::replace(&mut self.tree, tree));
                self.accept(now);
                self.message = Some(Message::Info(format!("{path} = {value}")));
            }
            Err(e) => {
                self.message = Some(Message::Error(format!("refused: {e}")));
            }
        }
    }

    fn accept(&mut self, now: Computed) {
        self.fields = fields(&now.scenario, &self.tree);
        self.selected = self.selected.min(self.fields.len().saturating_sub(1));
        self.now = now;
    }

    pub fn undo(&mut self) {
        let Some(prev) = self.undo.pop() else {
            self.message = Some(Message::Info("nothing to undo".into()));
            return;
        };
        match compute(
            &prev,
            &self.origin,
            self.tables.as_ref(),
            self.files.as_ref(),
        ) {
            Ok(now) => {
                self.tree = prev;
                self.accept(now);
                self.message = Some(Message::Info("undone".into()));
            }
            Err(e) => self.message = Some(Message::Error(format!("cannot undo: {e}"))),
        }
    }

    /// A new file beside the original (`x-edited.yaml`), or in the current folder for a bundled one.
    pub fn default_save_path(&self) -> String {
        let stem = Path::new(&self.origin)
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
        let name = format!("{stem}-edited.yaml");
        match &self.path {
            Some(p) => p.with_file_name(name).display().to_string(),
            None => name,
        }
    }

    /// Writes the tree to `path` atomically; over an existing file only with `overwrite`.
    pub fn save_to(&mut self, path: &Path, overwrite: bool) {
        let mut text = format!(
            "# Saved by `tco tui` from {}; the original's comments are not kept.\n",
            self.origin
        );
        text.push_str(&tco_core::emit::to_yaml(&self.tree));
        match write_atomic(path, text.as_bytes(), overwrite) {
            Ok(()) => {
                self.saved = self.tree.clone();
                self.message = Some(Message::Info(format!("saved to {}", path.display())));
                if self.quit_after_save {
                    self.quit = true;
                }
            }
            Err(e) => self.message = Some(Message::Error(format!("not saved: {e}"))),
        }
    }
}

/// Writes through a temporary file in the same folder and renames it into
/// place, so a crash never leaves half a scenario.
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if overwrite {
        tmp.persist(path).map_err(|e| e.error)?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| e.error)?;
    }
    Ok(())
}

/// An app on a bundled scenario, for tests and benchmarks.
pub fn bundled_app(path: &str) -> Option<App> {
    let (origin, text) = tco_core::bundled::find(path)?;
    App::new(Launch {
        origin: origin.into(),
        text: text.into(),
        path: None,
        tables: tco_core::bundled::tables().ok()?,
        files: Box::new(tco_core::scenario::NoFiles),
        probe_built: tco_probe::HAS_ENGINE,
    })
    .ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use tco_core::format::tokens;
    use tco_core::units::Tokens;

    fn app() -> App {
        bundled_app("scenarios/lit-4xa100-vs-sonnet.yaml").unwrap()
    }

    fn key(app: &mut App, code: KeyCode) {
        app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
    }

    fn typed(app: &mut App, s: &str) {
        s.chars().for_each(|c| key(app, KeyCode::Char(c)));
    }

    #[test]
    fn stepping_the_volume_recomputes_like_report_set() {
        let mut a = app();
        assert_eq!(a.field().unwrap().path, "workload.tokens_per_month");
        key(&mut a, KeyCode::Char('+'));
        assert_eq!(a.now.report.tokens_per_month, 125_000_000);
        let (o, t) = tco_core::bundled::find("scenarios/lit-4xa100-vs-sonnet.yaml").unwrap();
        let tables = tco_core::bundled::tables().unwrap();
        let direct = tco_core::Scenario::parse_with_overrides(
            t,
            o,
            &["workload.tokens_per_month=125000000".into()],
            tables.as_ref(),
            &tco_core::scenario::NoFiles,
        )
        .unwrap()
        .evaluate();
        assert_eq!(a.now.report, direct);
        assert!(a.dirty());
    }

    #[test]
    fn typed_values_apply_and_invalid_ones_are_refused_keeping_the_last_good_state() {
        let mut a = app();
        key(&mut a, KeyCode::Enter);
        a.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        typed(&mut a, "2B");
        key(&mut a, KeyCode::Enter);
        assert_eq!(a.now.report.tokens_per_month, 2_000_000_000);
        let before = a.now.report.clone();
        // input share 1.5 is outside [0, 1]
        key(&mut a, KeyCode::Down);
        key(&mut a, KeyCode::Enter);
        a.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        typed(&mut a, "1.5");
        key(&mut a, KeyCode::Enter);
        let Some(Message::Error(m)) = &a.message else {
            panic!("not refused: {:?}", a.message)
        };
        assert!(m.contains("input_share"), "{m}");
        assert_eq!(a.now.report, before);
        assert_eq!(a.field().unwrap().value, rust_decimal::Decimal::new(8, 1));
    }

    #[test]
    fn undo_returns_to_the_previous_tree_and_clears_modified() {
        let mut a = app();
        let first = a.now.report.clone();
        key(&mut a, KeyCode::Char('+'));
        key(&mut a, KeyCode::Char('+'));
        key(&mut a, KeyCode::Char('u'));
        assert_eq!(a.now.report.tokens_per_month, 125_000_000);
        key(&mut a, KeyCode::Char('u'));
        assert_eq!(a.now.report, first);
        assert!(!a.dirty());
        key(&mut a, KeyCode::Char('u'));
        assert_eq!(a.message, Some(Message::Info("nothing to undo".into())));
    }

    #[test]
    fn save_writes_a_new_file_and_asks_before_overwriting() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("mine.yaml");
        let mut a = app();
        key(&mut a, KeyCode::Char('+'));
        key(&mut a, KeyCode::Char('s'));
        assert_eq!(
            a.mode,
            Mode::SavePath("lit-4xa100-vs-sonnet-edited.yaml".into())
        );
        a.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        typed(&mut a, target.to_str().unwrap());
        key(&mut a, KeyCode::Enter);
        assert!(!a.dirty(), "{:?}", a.message);
        let text = std::fs::read_to_string(&target).unwrap();
        let tables = tco_core::bundled::tables().unwrap();
        let back = tco_core::Scenario::parse(
            &text,
            "saved",
            tables.as_ref(),
            &tco_core::scenario::NoFiles,
        )
        .unwrap()
        .evaluate();
        assert_eq!(back.break_even, a.now.report.break_even);
        assert_eq!(back.verdict, a.now.report.verdict);
        assert_eq!(tokens(Tokens(back.tokens_per_month)), "125,000,000");

        // Saving again to the same name asks; `n` leaves the file alone.
        key(&mut a, KeyCode::Char('+'));
        key(&mut a, KeyCode::Char('s'));
        a.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        typed(&mut a, target.to_str().unwrap());
        key(&mut a, KeyCode::Enter);
        assert_eq!(a.mode, Mode::ConfirmOverwrite(target.clone()));
        key(&mut a, KeyCode::Char('n'));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), text);
        assert!(a.dirty());
        key(&mut a, KeyCode::Char('s'));
        a.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        typed(&mut a, target.to_str().unwrap());
        key(&mut a, KeyCode::Enter);
        key(&mut a, KeyCode::Char('y'));
        assert!(!a.dirty());
        assert_ne!(std::fs::read_to_string(&target).unwrap(), text);
    }

    #[test]
    fn a_build_without_llama_says_so_instead_of_probing() {
        if tco_probe::HAS_ENGINE {
            return; // the real probe is exercised by tco probe's own tests
        }
        let mut a = app();
        key(&mut a, KeyCode::Char('3'));
        key(&mut a, KeyCode::Char('p'));
        let ProbeState::Failed(m) = &a.probe else {
            panic!("{:?}", a.probe)
        };
        assert!(m.contains("without llama.cpp"), "{m}");
        assert!(a.probe_job.is_none());
        key(&mut a, KeyCode::Char('a'));
        assert_eq!(
            a.message,
            Some(Message::Info("no probe result to apply yet".into()))
        );
    }

    #[test]
    fn a_probe_result_goes_into_the_selected_local_option() {
        let dir = tempfile::tempdir().unwrap();
        let cal = dir.path().join("calibration-x.yaml");
        let text = r#"format: tco-calibration/1
tco_version: 0.1.0
date: 2026-11-20T21:00:00Z
source: tco probe
machine: {cpu: AMD EPYC, cores: 2, threads: 2, backend: CPU, gpu: null, memory_bytes: 25000000000,
          os: linux x86_64, hardware_id: null, bandwidth_gbs: 20.0}
model: {file: m.gguf, bytes: 1000000000, params: 1200000000, quantization: Q8_0,
        sha256: null, architecture: llama, synthetic: null}
settings: {prompt_tokens: 200, gen_tokens: 500, reps: 3}
samples:
  - {test: prefill, concurrency: 1, rep: 0, tokens: 200, seconds: 0.5}
summary:
  prefill_tps: {mean: 400.0, sd: 20.0, ci95: [350.3, 449.7], n: 3}
  decode_tps: {mean: 15.5, sd: 0.5, ci95: [14.26, 16.74], n: 3}
  ttft_s: {mean: 0.5, sd: 0.01, ci95: [0.48, 0.52], n: 3}
  concurrency:
    - {concurrency: 1, decode_tps: {mean: 15.5, sd: 0.5, ci95: [14.26, 16.74], n: 3}}
  pp: null
  tg: null
  decode_ceiling_tps: null
  efficiency: null
"#;
        std::fs::write(&cal, text).unwrap();
        let mut a = App::new(Launch {
            origin: "s.yaml".into(),
            text: tco_core::bundled::find("scenarios/lit-4xa100-vs-sonnet.yaml")
                .unwrap()
                .1
                .into(),
            path: Some(dir.path().join("s.yaml")),
            tables: tco_core::bundled::tables().unwrap(),
            files: Box::new(DirFiles(dir.path().to_path_buf())),
            probe_built: true,
        })
        .unwrap();
        a.probe = ProbeState::Done {
            path: cal,
            lines: vec![],
        };
        key(&mut a, KeyCode::Char('3'));
        key(&mut a, KeyCode::Char('a'));
        let src = &a.now.report.local[0].throughput;
        assert!(
            matches!(a.message, Some(Message::Info(_))),
            "{:?}",
            a.message
        );
        // The core scales a calibration from another machine by bandwidth; what
        // matters here is that the figure now comes from the calibration.
        assert!(src.source.contains("AMD EPYC"), "{}", src.source);
        assert!(src.decode_ci95.is_some());
        assert!(a.dirty());
    }

    struct DirFiles(PathBuf);

    impl Resolve for DirFiles {
        fn calibration(&self, path: &str) -> Result<String, String> {
            std::fs::read_to_string(self.0.join(path)).map_err(|e| e.to_string())
        }
    }

    #[test]
    fn quit_asks_about_unsaved_changes() {
        let mut a = app();
        key(&mut a, KeyCode::Char('q'));
        assert!(a.quit, "nothing changed: quits at once");
        let mut a = app();
        key(&mut a, KeyCode::Char('+'));
        key(&mut a, KeyCode::Esc);
        assert_eq!(a.mode, Mode::ConfirmQuit);
        key(&mut a, KeyCode::Char('n'));
        assert!(!a.quit);
        a.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert_eq!(a.mode, Mode::ConfirmQuit);
        key(&mut a, KeyCode::Char('y'));
        assert!(a.quit);
    }
}
