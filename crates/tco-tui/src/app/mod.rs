//! The calculator's state and the named actions keys map to.
//!
//! One [`App`] holds the scenario's YAML tree (the source of truth for what
//! is saved), the last good computation, the undo history and the mode (a
//! prompt, a question, the help). A change is `set_path` on a copy of the tree
//! and a full re-parse; a value the core refuses leaves the last good state
//! and shows the core's message.

mod keys;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod server_tests;
mod work;

use crate::compute::{compute, Computed};
use crate::fields::{fields, Field};
use crate::probe::{ProbeJob, ProbeState};
use crate::server::{ServerJob, ServerSettings, ServerState};
use crate::uncertainty::{Uncertainty, Worker};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use tco_core::input::bundled::OwnedTables;
use tco_core::input::scenario::Resolve;
use tco_core::input::yaml::{prune_removed, set_path, Node};

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
    /// Typing field `.0` of the server probe's form ([`crate::server::FORM`]).
    ServerForm(usize, String),
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
    /// Uncertainty screen: the next or previous (local, API) pair.
    NextPair,
    PrevPair,
    /// Uncertainty screen: switch the tornado between break-even volume and monthly saving.
    ToggleTornado,
    /// Probe a random-weight `tiny` model (speed of this machine's llama.cpp).
    ProbeSynthetic,
    /// Ask for a GGUF file to probe.
    ProbeAsk,
    ProbeCancel,
    /// Put the last probe's calibration into the selected local option.
    ProbeApply,
    /// Ask for the server probe's settings, then start it.
    ServerAsk,
    /// Edit the latency targets the server calibration is applied with.
    ServerTargets,
    /// Apply the server calibration at the next measured level instead of
    /// the targets (and back).
    ServerPick,
}

/// How the app was started.
pub struct Launch {
    /// The scenario's name in messages (a path or `scenarios/x.yaml`).
    pub origin: String,
    pub text: String,
    /// The file it came from; None for a bundled scenario.
    pub path: Option<PathBuf>,
    pub tables: OwnedTables,
    /// Send + Sync so the uncertainty thread can re-read calibration files.
    pub files: Box<dyn Resolve + Send + Sync>,
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

/// Which measure the tornado ranks inputs by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tornado {
    BreakEven,
    Saving,
}

/// The uncertainty screen's state: which tree its figures belong to.
#[derive(Debug, Default)]
pub struct UncState {
    /// Bumped by every accepted change: the tree now shown is this generation.
    pub generation: u64,
    /// The last answer; while a newer one is computed it may belong to an
    /// older generation (`result_generation`), and the screen says so.
    pub result: Option<Box<Uncertainty>>,
    pub result_generation: u64,
    /// Why the current generation has no figures.
    pub error: Option<String>,
    /// A request for the current generation is out.
    pub pending: bool,
    pub requested_at: Option<Instant>,
    /// Answers dropped because a newer change came first.
    pub dropped: u64,
}

impl UncState {
    /// The figures, when they belong to the tree now shown.
    pub fn current(&self) -> Option<&Uncertainty> {
        self.result
            .as_deref()
            .filter(|_| self.result_generation == self.generation)
    }
}

pub struct App {
    pub origin: String,
    pub path: Option<PathBuf>,
    pub tables: OwnedTables,
    pub files: Arc<dyn Resolve + Send + Sync>,
    pub probe_built: bool,
    pub tree: Node,
    /// The tree as last saved (or loaded): unsaved changes are a difference from it.
    pub saved: Node,
    /// The text as last saved (or loaded): a save writes the changes into it,
    /// keeping the user's comments and layout ([`keep_layout`]).
    ///
    /// [`keep_layout`]: tco_core::output::emit::keep_layout
    pub saved_text: String,
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
    pub server: ServerSettings,
    pub server_state: ServerState,
    pub server_job: Option<ServerJob>,
    /// The measured level (index) to apply instead of the latency targets.
    pub server_pick: Option<usize>,
    pub unc: UncState,
    /// The simulation thread; None if it could not be started (then the
    /// figures are computed on the key loop, a few milliseconds).
    pub worker: Option<Worker>,
    /// The (local, API) pair the uncertainty screen shows, in report order.
    pub pair: usize,
    pub tornado: Tornado,
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
        let tree = tco_core::input::yaml::parse(&l.text, &l.origin)?;
        let now = compute(&tree, &l.origin, l.tables.as_ref(), l.files.as_ref())?;
        let fields = fields(&now.scenario, &tree);
        let files: Arc<dyn Resolve + Send + Sync> = Arc::from(l.files);
        let worker = Worker::spawn(l.tables.clone(), Arc::clone(&files)).ok();
        let mut app = App {
            origin: l.origin,
            path: l.path,
            tables: l.tables,
            files,
            probe_built: l.probe_built,
            saved: tree.clone(),
            saved_text: l.text,
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
            server: ServerSettings::default(),
            server_state: ServerState::Idle,
            server_job: None,
            server_pick: None,
            unc: UncState::default(),
            worker,
            pair: 0,
            tornado: Tornado::BreakEven,
        };
        app.request_uncertainty();
        Ok(app)
    }

    pub fn dirty(&self) -> bool {
        self.tree != self.saved
    }

    pub fn field(&self) -> Option<&Field> {
        self.fields.get(self.selected)
    }

    /// Number of (local, API) pairs.
    pub fn pairs(&self) -> usize {
        self.now.report.break_even.len()
    }

    /// One +/− step of the selected field (a distribution moves as a whole).
    pub fn step(&mut self, up: bool) {
        let Some(f) = self.field() else { return };
        match f.stepped_input(up) {
            Some(text) => {
                let path = f.path.clone();
                self.set(&path, &text);
            }
            None if f.text.is_some() => {
                self.message = Some(Message::Info(format!(
                    "{}: Enter to type a new value ({})",
                    f.label, f.range
                )))
            }
            None => {
                self.message = Some(Message::Info(format!(
                    "{} is at the end of its range ({})",
                    f.label, f.range
                )))
            }
        }
    }

    /// The `PATH=VALUE` edits that setting `path` to `value` makes (an empty
    /// VALUE removes the key): a billing kind drops the other kinds' keys and
    /// writes the new kind's required ones at the registry's defaults; an
    /// embodied carbon on a rented option also writes the months it is spread
    /// over, and emptying it removes both; an hourly profile typed as
    /// numbers becomes the list the reader reads ([`reg::profile_value`]); a
    /// latency target typed as `KEY=MS` on the `latency targets` line is
    /// added to that option's `slo` ([`reg::slo_add`]), which refuses text
    /// with no value.
    ///
    /// [`reg::profile_value`]: tco_core::model::fields::profile_value
    /// [`reg::slo_add`]: tco_core::model::fields::slo_add
    pub fn sets_for(&self, path: &str, value: &str) -> Result<Vec<String>, String> {
        use tco_core::input::scenario::written_targets;
        use tco_core::model::fields::{self as reg, billing_switch};
        use tco_core::model::scenario::HardwareCost;
        let one = vec![format!("{path}={value}")];
        let local = |p: &str| {
            let i: usize = p.strip_prefix("local[")?.split(']').next()?.parse().ok()?;
            self.now.scenario.local.get(i)
        };
        let sets = match reg::pattern(path).as_str() {
            "local[].rented.billing" => {
                let from = match local(path).map(|l| &l.hardware) {
                    Some(HardwareCost::Rented { billing, .. }) => {
                        crate::fields::billing_name(billing)
                    }
                    _ => return Ok(one),
                };
                let rented = path.trim_end_matches(".billing");
                let to = if value == "on_demand" {
                    "always_on"
                } else {
                    value
                };
                let mut sets = billing_switch(rented, from, to);
                sets[0] = one[0].clone();
                sets
            }
            // The throughput choice: an estimate from specs (which needs the
            // option's `machine:` and `model:`), or back to a typed rate at
            // the rate in use, so the figures stay until the user types one.
            "local[].throughput.estimate" => {
                let Some(l) = local(path) else { return Ok(one) };
                let throughput = path.trim_end_matches(".estimate");
                if value == "roofline" {
                    vec![format!("{throughput}={{estimate: roofline}}")]
                } else if value == crate::fields::TYPED_RATE || value == crate::fields::MEASURED {
                    let (p, d) = (
                        l.throughput.prefill.per_second().round_dp(4).normalize(),
                        l.throughput.decode.per_second().round_dp(4).normalize(),
                    );
                    if p == d {
                        vec![format!("{throughput}={{tokens_per_second: {d}}}")]
                    } else {
                        vec![format!(
                            "{throughput}={{prefill_tokens_per_second: {p}, decode_tokens_per_second: {d}}}"
                        )]
                    }
                } else {
                    one
                }
            }
            "local[].embodied_kg_co2e" => {
                let Some(l) = local(path) else { return Ok(one) };
                let months = path.replace("embodied_kg_co2e", "embodied_months");
                let rented = matches!(l.hardware, HardwareCost::Rented { .. });
                if value.is_empty() {
                    vec![one[0].clone(), format!("{months}=")]
                } else if rented && l.embodied.is_none() {
                    vec![
                        one[0].clone(),
                        format!("{months}={}", reg::RENTED_EMBODIED_MONTHS),
                    ]
                } else {
                    one
                }
            }
            // An efficiency typed here is no longer the one fitted: the
            // `source` written with a fitted pair goes with the edit.
            "local[].throughput.efficiency.memory"
            | "local[].throughput.efficiency.compute"
            | "local[].throughput.efficiency.decode_compute" => {
                let efficiency = path.rsplit_once('.').map_or(path, |(e, _)| e);
                vec![one[0].clone(), format!("{efficiency}.source=")]
            }
            "workload.hourly_profile" => vec![format!("{path}={}", reg::profile_value(value))],
            "local[].throughput.slo" => {
                let i = path
                    .strip_prefix("local[")
                    .and_then(|p| p.split(']').next()?.parse::<usize>().ok());
                let had_concurrency = i
                    .and_then(|i| written_targets(&self.tree).into_iter().nth(i))
                    .is_some_and(|w| w.concurrency);
                reg::slo_add(path.trim_end_matches(".slo"), value, had_concurrency)?
            }
            _ => one,
        };
        Ok(sets)
    }

    /// Sets `path` to `value` (with the edits [`App::sets_for`] adds) and
    /// recomputes; on a refusal keeps the last good state.
    pub fn set(&mut self, path: &str, value: &str) {
        let mut tree = self.tree.clone();
        let sets = match self.sets_for(path, value) {
            Ok(sets) => sets,
            Err(e) => {
                self.message = Some(Message::Error(format!("refused: {e}")));
                return;
            }
        };
        let result = sets
            .iter()
            .try_for_each(|s| set_path(&mut tree, s))
            .map_err(tco_core::Error::from)
            .and_then(|()| {
                prune_removed(&mut tree);
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
        self.pair = self.pair.min(self.pairs().saturating_sub(1));
        self.request_uncertainty();
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
        let text = tco_core::output::emit::keep_layout(&self.saved_text, &self.tree)
            .unwrap_or_else(|| {
                format!(
                    "# Saved by `tco tui` from {}; these changes could not be written into the\n# original's layout, so its comments are not kept.\n{}",
                    self.origin,
                    tco_core::output::emit::to_yaml(&self.tree)
                )
            });
        match tco_fs::write_atomic(path, text.as_bytes(), overwrite.into()) {
            Ok(()) => {
                self.saved = self.tree.clone();
                self.saved_text = text;
                self.message = Some(Message::Info(format!("saved to {}", path.display())));
                if self.quit_after_save {
                    self.quit = true;
                }
            }
            Err(e) => self.message = Some(Message::Error(format!("not saved: {e}"))),
        }
    }
}

/// An app on a bundled scenario, for tests and benchmarks.
pub fn bundled_app(path: &str) -> Option<App> {
    let (origin, text) = tco_core::input::bundled::find(path)?;
    App::new(Launch {
        origin: origin.into(),
        text: text.into(),
        path: None,
        tables: tco_core::input::bundled::tables().ok()?,
        files: Box::new(tco_core::input::scenario::NoFiles),
        probe_built: tco_probe::HAS_ENGINE,
    })
    .ok()
}

/// An app on a scenario text with the bundled tables and no files, for tests.
#[cfg(test)]
pub fn text_app(origin: &str, text: &str) -> App {
    #[allow(clippy::unwrap_used)]
    text_app_with(origin, text, tco_core::input::bundled::tables().unwrap())
}

/// [`text_app`] with other tables.
#[cfg(test)]
pub fn text_app_with(
    origin: &str,
    text: &str,
    tables: tco_core::input::bundled::OwnedTables,
) -> App {
    #[allow(clippy::unwrap_used)]
    App::new(Launch {
        origin: origin.into(),
        text: text.into(),
        path: None,
        tables,
        files: Box::new(tco_core::input::scenario::NoFiles),
        probe_built: false,
    })
    .unwrap()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    /// Issue 14: a box that cannot hold its model is never the calculator's
    /// verdict; its break-even line says so; a model that fits makes it win.
    #[test]
    fn a_box_that_cannot_hold_the_model_is_never_the_verdict() {
        let mut a = App::new(Launch {
            origin: "coder-2x4090.yaml".into(),
            text: include_str!("../../../../tests/data/verdict/coder-2x4090.yaml").into(),
            path: None,
            tables: tco_core::input::bundled::tables().unwrap(),
            files: Box::new(tco_core::input::scenario::NoFiles),
            probe_built: false,
        })
        .unwrap();
        let v = crate::ui::results::verdict_line(&a);
        assert!(v.starts_with("Verdict: Claude Haiku 4.5 (api)"), "{v}");
        let b = crate::ui::results::break_even_text(&a.now.report.break_even[0]);
        assert!(b.starts_with("break-even infeasible"), "{b}");
        assert!(!b.contains("payback"), "{b}");
        a.set("local[0].model.quant", "Q4_K_M");
        let v = crate::ui::results::verdict_line(&a);
        assert!(v.starts_with("Verdict: 2x RTX 4090 box (local)"), "{v}");
    }
    /// Issue 14: an option whose measured loads all miss the latency target
    /// cannot serve, however cheap; loosening the target in the calculator
    /// makes it feasible again, with the figure `tco report` gives.
    #[test]
    fn an_unmet_latency_target_is_never_the_verdict() {
        let mut a = App::new(Launch {
            origin: "slo-levels.yaml".into(),
            text: include_str!("../../../../tests/data/slo-levels.yaml").into(),
            path: None,
            tables: tco_core::input::bundled::tables().unwrap(),
            files: Box::new(tco_core::input::scenario::NoFiles),
            probe_built: false,
        })
        .unwrap();
        a.set("local[0].rented.price_per_gpu_hour", "0.10");
        let v = crate::ui::results::verdict_line(&a);
        assert!(v.starts_with("Verdict: Server under an SLO (local)"), "{v}");
        a.set("local[0].throughput.slo.ttft_p95_ms", "100");
        let r = &a.now.report;
        assert!(!r.local[0].can_serve);
        assert_eq!(r.verdict.cheapest, "Hosted model");
        let v = crate::ui::results::verdict_line(&a);
        assert!(v.starts_with("Verdict: Hosted model (api)"), "{v}");
        let b = crate::ui::results::break_even_text(&r.break_even[0]);
        assert!(b.starts_with("break-even infeasible"), "{b}");
        assert!(!b.contains("payback"), "{b}");
        a.set("local[0].throughput.slo.ttft_p95_ms", "2000");
        assert!(a.now.report.local[0].can_serve);
        assert_eq!(
            a.now.report.local[0].throughput.decode_tokens_per_second,
            rust_decimal::Decimal::from(1500)
        );
    }
    use std::time::Duration;
    use tco_core::model::format::tokens;
    use tco_core::model::units::Tokens;

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
    fn a_box_that_cannot_hold_its_model_never_wins_even_when_cheapest() {
        // lit-memory-q4's third option, a 70B model on a 24 GB RTX 4090: made
        // free, it would be the cheapest option if it could hold the model.
        let mut a = bundled_app("scenarios/lit-memory-q4.yaml").unwrap();
        a.set("local[2].owned.price", "0");
        a.set("local[2].power.price_per_kwh", "0");
        let r = &a.now.report;
        assert!(r.local[2].monthly_cost < r.local[0].monthly_cost);
        assert!(!r.local[2].can_serve);
        assert_eq!(r.verdict.cheapest, "7B Q4_K_M on RTX 4060 Ti 16GB");
        assert!(!crate::ui::verdict_line(&a).contains("does not fit"));
        let no_fit = r.local[2]
            .warnings
            .iter()
            .filter(|w| w.contains("cannot hold the model"))
            .count();
        assert_eq!(no_fit, 1, "{:?}", r.local[2].warnings);
        // Back to a model that fits: now it is the cheapest.
        a.set("local[2].model.params_b", "7");
        assert_eq!(
            a.now.report.verdict.cheapest,
            "70B Q4_K_M on RTX 4090 (does not fit)"
        );
    }

    #[test]
    fn stepping_the_volume_recomputes_like_report_set() {
        let mut a = app();
        assert_eq!(a.field().unwrap().path, "workload.tokens_per_month");
        key(&mut a, KeyCode::Char('+'));
        assert_eq!(a.now.report.tokens_per_month, 125_000_000);
        let (o, t) = tco_core::input::bundled::find("scenarios/lit-4xa100-vs-sonnet.yaml").unwrap();
        let tables = tco_core::input::bundled::tables().unwrap();
        let direct = tco_core::Scenario::parse_with_overrides(
            t,
            o,
            &["workload.tokens_per_month=125000000".into()],
            tables.as_ref(),
            &tco_core::input::scenario::NoFiles,
        )
        .unwrap()
        .evaluate();
        assert_eq!(a.now.report, direct);
        assert!(a.dirty());
    }

    #[test]
    fn the_vendor_price_inputs_are_edited_like_report_set() {
        let mut a = app();
        let select = |a: &mut App, path: &str| {
            for _ in 0..200 {
                key(a, KeyCode::Up);
            }
            for _ in 0..200 {
                if a.field().unwrap().path == path {
                    return;
                }
                key(a, KeyCode::Down);
            }
            panic!("no field {path}");
        };
        // Cache writes: Claude Sonnet 4.6 writes at $3.75 (0.8·(0.95·3 + 0.05·3.75) + 0.2·15 = 5.43).
        select(&mut a, "workload.cache_write_share");
        key(&mut a, KeyCode::Char('+'));
        assert_eq!(
            a.now.report.api[0].blended_per_mtok.amount(),
            rust_decimal::Decimal::new(543, 2)
        );
        // Uplift: +0.05 → 1.05 × 5.43 = 5.7015.
        select(&mut a, "api[0].uplift");
        key(&mut a, KeyCode::Char('+'));
        assert_eq!(
            a.now.report.api[0].blended_per_mtok.amount(),
            rust_decimal::Decimal::new(57015, 4)
        );
        // The same edits through the core's parser give the same report.
        let (o, t) = tco_core::input::bundled::find("scenarios/lit-4xa100-vs-sonnet.yaml").unwrap();
        let tables = tco_core::input::bundled::tables().unwrap();
        let direct = tco_core::Scenario::parse_with_overrides(
            t,
            o,
            &[
                "workload.cache_write_share=0.05".into(),
                "api[0].uplift=1.05".into(),
            ],
            tables.as_ref(),
            &tco_core::input::scenario::NoFiles,
        )
        .unwrap()
        .evaluate();
        assert_eq!(a.now.report, direct);
        // An off-peak share and a prompt length are accepted (Sonnet 4.6 has neither
        // off-peak prices nor tiers, so its price stays); a share of 1.5 is refused.
        select(&mut a, "workload.off_peak_share");
        key(&mut a, KeyCode::Char('+'));
        select(&mut a, "workload.prompt_tokens_per_request");
        key(&mut a, KeyCode::Char('+'));
        assert_eq!(
            a.now.report.api[0].blended_per_mtok.amount(),
            rust_decimal::Decimal::new(57015, 4)
        );
        select(&mut a, "workload.cache_write_share");
        key(&mut a, KeyCode::Enter);
        a.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        typed(&mut a, "1.5");
        key(&mut a, KeyCode::Enter);
        let Some(Message::Error(m)) = &a.message else {
            panic!("not refused: {:?}", a.message)
        };
        assert!(m.contains("cache_write_share"), "{m}");
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
        let tables = tco_core::input::bundled::tables().unwrap();
        let back = tco_core::Scenario::parse(
            &text,
            "saved",
            tables.as_ref(),
            &tco_core::input::scenario::NoFiles,
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

    /// tco-tui's `llama` feature (turned on by tco-cli's) must agree with the
    /// probe crate's build, or the two tests below would test the wrong build.
    #[test]
    fn the_llama_feature_matches_the_probe_build() {
        assert_eq!(
            cfg!(feature = "llama"),
            tco_probe::HAS_ENGINE,
            "tco-probe's llama.cpp engine is {}, tco-tui's `llama` feature is not the same: \
             build with tco-cli's (or tco-tui's) `llama` feature",
            if tco_probe::HAS_ENGINE { "in" } else { "out" }
        );
    }

    #[cfg(not(feature = "llama"))]
    #[test]
    fn a_build_without_llama_says_so_instead_of_probing() {
        let mut a = app();
        assert!(!a.probe_built);
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

    /// With llama.cpp the probe screen offers the probe. Pressing `p` here would
    /// start this test binary as the probe's worker process; the real probe from
    /// the calculator runs end to end in tco-cli's tests/tui.rs (same build).
    #[cfg(feature = "llama")]
    #[test]
    fn a_build_with_llama_offers_the_probe() {
        let mut a = app();
        assert!(a.probe_built);
        key(&mut a, KeyCode::Char('3'));
        assert_eq!(a.screen, Screen::Probe);
        assert_eq!(a.probe, ProbeState::Idle);
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
            text: tco_core::input::bundled::find("scenarios/lit-4xa100-vs-sonnet.yaml")
                .unwrap()
                .1
                .into(),
            path: Some(dir.path().join("s.yaml")),
            tables: tco_core::input::bundled::tables().unwrap(),
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

    fn flagship() -> App {
        let mut a = bundled_app("scenarios/flagship.yaml").unwrap();
        assert!(a.settle(Duration::from_secs(60)));
        a
    }

    /// Selects the field at `path`.
    fn select(a: &mut App, path: &str) {
        a.selected = a.fields.iter().position(|f| f.path == path).unwrap();
    }

    fn written(a: &App, path: &str) -> Option<tco_core::model::uncertain::Dist> {
        a.now
            .scenario
            .uncertain
            .iter()
            .find(|u| u.path == path)
            .map(|u| u.dist.clone())
    }

    fn direct_sim(a: &App) -> tco_core::analysis::sim::Simulation {
        tco_core::analysis::sim::simulate(
            &a.now.scenario,
            tco_core::analysis::sim::SimOptions {
                samples: crate::uncertainty::SAMPLES,
                seed: crate::uncertainty::SEED,
            },
        )
        .unwrap()
    }

    const KWH: &str = "local[0].power.price_per_kwh";

    #[test]
    fn the_simulation_of_the_scenario_arrives_from_the_thread() {
        let a = flagship();
        let u = a.unc.current().unwrap();
        assert_eq!(u.sim, direct_sim(&a));
        assert_eq!(u.sim.samples, tco_core::analysis::sim::DEFAULT_SAMPLES);
        // 2 local × 3 API options
        assert_eq!(u.sim.break_even.len(), 6);
        assert_eq!(u.sens.pairs.len(), 6);
        assert!(a.worker.is_some());
        // Without distributions nothing is asked for.
        let b = app();
        assert!(!b.unc.pending && b.unc.result.is_none());
    }

    #[test]
    fn pairs_cycle_both_ways_and_t_switches_the_tornado() {
        let mut a = flagship();
        key(&mut a, KeyCode::Char('2'));
        key(&mut a, KeyCode::Left);
        assert_eq!(a.pair, 5, "wraps to the last pair");
        key(&mut a, KeyCode::Right);
        key(&mut a, KeyCode::Char(']'));
        assert_eq!(a.pair, 1);
        key(&mut a, KeyCode::Char('['));
        assert_eq!(a.pair, 0);
        key(&mut a, KeyCode::Char('t'));
        assert_eq!(a.tornado, Tornado::Saving);
        key(&mut a, KeyCode::Char('t'));
        assert_eq!(a.tornado, Tornado::BreakEven);
        // On the calculator the arrows still step the selected input.
        key(&mut a, KeyCode::Char('1'));
        key(&mut a, KeyCode::Right);
        assert_eq!(a.pair, 0);
        assert_eq!(a.now.report.tokens_per_month, 3_750_000_000);
    }

    #[test]
    fn plus_shifts_a_whole_distribution_and_undo_restores_it() {
        use tco_core::model::uncertain::Dist;
        let dec = |n: i64, scale: u32| rust_decimal::Decimal::new(n, scale);
        let mut a = flagship();
        select(&mut a, KWH);
        let f = a.field().unwrap();
        assert_eq!(f.display("USD"), "triangular 0.08/0.12/0.20 (point $0.12)");
        assert_eq!(
            f.edit_text(),
            "{dist: triangular, min: 0.08, mode: 0.12, max: 0.20}"
        );
        let before = a.now.report.clone();
        key(&mut a, KeyCode::Char('+'));
        // The point steps 0.12 × 1.05 = 0.126, so every parameter moves by 0.006.
        assert_eq!(
            written(&a, KWH),
            Some(Dist::Triangular {
                min: dec(86, 3),
                mode: dec(126, 3),
                max: dec(206, 3)
            })
        );
        assert_eq!(a.field().unwrap().value, dec(126, 3));
        assert!(a.now.report.local[0].breakdown.power > before.local[0].breakdown.power);
        assert!(a.settle(Duration::from_secs(60)));
        assert_eq!(a.unc.current().unwrap().sim, direct_sim(&a));
        key(&mut a, KeyCode::Char('u'));
        assert_eq!(a.now.report, before);
        assert_eq!(
            written(&a, KWH),
            Some(Dist::Triangular {
                min: dec(8, 2),
                mode: dec(12, 2),
                max: dec(20, 2)
            })
        );
    }

    #[test]
    fn a_shift_past_the_fields_range_is_refused_with_the_cores_message() {
        let mut a = flagship();
        a.set(
            "workload.input_share",
            "{dist: triangular, min: 0.9, mode: 0.95, max: 1}",
        );
        let before = a.now.report.clone();
        let tree = a.tree.clone();
        select(&mut a, "workload.input_share");
        key(&mut a, KeyCode::Char('+'));
        let Some(Message::Error(m)) = &a.message else {
            panic!("not refused: {:?}", a.message)
        };
        assert!(
            m.contains("workload.input_share") && m.contains("max 1.05"),
            "{m}"
        );
        assert_eq!(a.now.report, before);
        assert_eq!(a.tree, tree);
    }

    #[test]
    fn a_typed_number_replaces_a_distribution_and_typed_dist_text_sets_one() {
        let mut a = flagship();
        select(&mut a, KWH);
        key(&mut a, KeyCode::Enter);
        assert_eq!(
            a.mode,
            Mode::Edit("{dist: triangular, min: 0.08, mode: 0.12, max: 0.20}".into())
        );
        a.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        typed(&mut a, "0.15");
        key(&mut a, KeyCode::Enter);
        assert_eq!(written(&a, KWH), None);
        assert_eq!(a.field().unwrap().dist, None);
        assert_eq!(a.field().unwrap().value, rust_decimal::Decimal::new(15, 2));
        key(&mut a, KeyCode::Char('u'));
        assert!(
            written(&a, KWH).is_some(),
            "undo brings the distribution back"
        );

        // A scenario without distributions gets one by typing it.
        let mut b = app();
        assert!(!b.now.scenario.has_uncertainty());
        select(&mut b, "local[0].power.price_per_kwh");
        key(&mut b, KeyCode::Enter);
        b.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        typed(&mut b, "{dist: uniform, min: 0.05, max: 0.15}");
        key(&mut b, KeyCode::Enter);
        assert!(b.now.scenario.has_uncertainty(), "{:?}", b.message);
        assert_eq!(
            b.field().unwrap().display("USD"),
            "uniform 0.05–0.15 (point $0.10)"
        );
        assert!(b.settle(Duration::from_secs(60)));
        assert_eq!(b.unc.current().unwrap().sim, direct_sim(&b));
        // An invalid distribution is the core's refusal, with the field path.
        key(&mut b, KeyCode::Enter);
        b.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        typed(&mut b, "{dist: uniform, min: 0.2, max: 0.1}");
        key(&mut b, KeyCode::Enter);
        let Some(Message::Error(m)) = &b.message else {
            panic!("not refused: {:?}", b.message)
        };
        assert!(m.contains("max 0.1 is below min 0.2"), "{m}");
    }

    #[test]
    fn saving_writes_the_distribution_back() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("flag.yaml");
        let mut a = flagship();
        select(&mut a, KWH);
        key(&mut a, KeyCode::Char('+'));
        a.save_to(&target, false);
        assert!(!a.dirty(), "{:?}", a.message);
        let text = std::fs::read_to_string(&target).unwrap();
        let tables = tco_core::input::bundled::tables().unwrap();
        let back = tco_core::Scenario::parse(
            &text,
            "saved",
            tables.as_ref(),
            &tco_core::input::scenario::NoFiles,
        )
        .unwrap();
        let dists = |s: &tco_core::Scenario| {
            s.uncertain
                .iter()
                .map(|u| (u.path.clone(), u.dist.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(dists(&back), dists(&a.now.scenario));
        assert_eq!(
            back.uncertain
                .iter()
                .find(|u| u.path == KWH)
                .map(|u| u.dist.clone()),
            written(&a, KWH)
        );
        assert_eq!(back.evaluate(), a.now.report);
    }

    #[test]
    fn answers_for_an_older_tree_are_dropped() {
        let mut a = flagship();
        let shown = a.unc.current().unwrap().sim.clone();
        let g = a.unc.generation;
        // A change went out; an answer for the tree before it comes in late.
        select(&mut a, KWH);
        key(&mut a, KeyCode::Char('+'));
        assert_eq!(a.unc.generation, g + 1);
        a.receive(crate::uncertainty::Outcome {
            generation: g,
            result: Err("stale".into()),
        });
        assert_eq!(a.unc.dropped, 1);
        assert_eq!(a.unc.error, None);
        assert!(a.unc.pending);
        assert!(a.unc.current().is_none(), "the old figures are not current");
        assert_eq!(a.unc.result.as_ref().unwrap().sim, shown);
        // A burst of changes: only the last tree's figures are kept.
        for _ in 0..5 {
            key(&mut a, KeyCode::Char('+'));
        }
        assert!(a.settle(Duration::from_secs(60)));
        assert_eq!(a.unc.result_generation, a.unc.generation);
        assert_eq!(a.unc.current().unwrap().sim, direct_sim(&a));
    }

    #[test]
    fn a_panic_in_the_worker_becomes_a_message() {
        fn boom(
            _: &crate::uncertainty::Request,
            _: tco_core::input::scenario::Tables<'_>,
            _: &dyn Resolve,
        ) -> Result<Uncertainty, String> {
            panic!("boom in the worker")
        }
        let mut a = bundled_app("scenarios/flagship.yaml").unwrap();
        a.worker = Some(
            Worker::spawn_with(
                tco_core::input::bundled::tables().unwrap(),
                Arc::new(tco_core::input::scenario::NoFiles),
                boom,
            )
            .unwrap(),
        );
        select(&mut a, KWH);
        key(&mut a, KeyCode::Char('+'));
        assert!(a.settle(Duration::from_secs(60)));
        let e = a.unc.error.clone().unwrap();
        assert!(
            e.contains("internal error") && e.contains("boom in the worker"),
            "{e}"
        );
        // The thread survives its panic and answers the next request.
        key(&mut a, KeyCode::Char('+'));
        assert!(a.settle(Duration::from_secs(60)));
        assert!(a.unc.error.is_some());
    }

    /// The report of a bundled scenario with `--set` edits, as `tco report --set` computes it.
    fn cli_report(path: &str, sets: &[&str]) -> tco_core::analysis::report::Report {
        let tables = tco_core::input::bundled::tables().unwrap();
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        tco_core::Scenario::parse_with_overrides(
            tco_core::input::bundled::find(path).unwrap().1,
            path,
            &sets,
            tables.as_ref(),
            &tco_core::input::scenario::NoFiles,
        )
        .unwrap()
        .evaluate()
    }

    /// Selects `path`, clears its box and types `text` (Enter, Ctrl-U, text, Enter).
    fn type_into(a: &mut App, path: &str, text: &str) {
        select(a, path);
        key(a, KeyCode::Enter);
        a.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        typed(a, text);
        key(a, KeyCode::Enter);
    }

    fn replace(a: &mut App, path: &str, text: &str) {
        type_into(a, path, text);
        assert!(
            matches!(a.message, Some(Message::Info(_))),
            "{path}={text}: {:?}",
            a.message
        );
    }

    /// A fitted efficiency records its `source`; typing another efficiency
    /// drops it, so the report no longer calls the typed value fitted.
    #[test]
    fn an_edited_efficiency_is_no_longer_the_fitted_one() {
        let (origin, text) =
            tco_core::input::bundled::find("scenarios/estimate-before-you-buy.yaml").unwrap();
        let fitted = "local[0].throughput.efficiency={memory: 0.7, compute: 0.4, source: \"fitted to cal.json (tco probe fit, 2026-12-04)\"}";
        let mut tree = tco_core::input::yaml::parse(text, origin).unwrap();
        tco_core::input::yaml::set_path(&mut tree, fitted).unwrap();
        let mut a = text_app(origin, &tco_core::output::emit::to_yaml(&tree));
        assert!(tco_core::output::emit::to_yaml(&a.tree).contains("fitted to cal.json"));
        replace(&mut a, "local[0].throughput.efficiency.memory", "0.6");
        let yaml = tco_core::output::emit::to_yaml(&a.tree);
        assert!(!yaml.contains("fitted to"), "{yaml}");
        assert!(yaml.contains("memory: 0.6"), "{yaml}");
        assert!(yaml.contains("compute: 0.4"), "{yaml}");
    }

    /// On a CPU the estimate has a third efficiency, batched decode's: the
    /// TUI shows it and edits it as the CLI's `--set` reads it, dropping a
    /// fitted `source` as the other two do.
    #[test]
    fn a_cpus_batched_decode_efficiency_edits_like_the_others() {
        let mut tables = tco_core::input::bundled::tables().unwrap();
        tables.hardware = tco_core::model::prices::HardwareTable::parse(
            "hardware:\n  - id: x/box\n    price: 1000\n    memory_gb: 64\n    memory_bandwidth_gbs: 100\n    load_watts: 100\n    fp16_tflops: 2\n    int8_tops: 8\n    compute_source: \"sheet\"\n    platform: cpu\n",
            "hw.yaml",
        )
        .unwrap();
        let text = "name: cpu\nworkload: {tokens_per_month: 100M, input_share: 0.8, prompt_tokens_per_request: 200}\napi:\n  - {name: a, input_per_mtok: 1, output_per_mtok: 2}\nlocal:\n  - name: box\n    machine: x/box\n    owned: {price: 1000, amortization_months: 36}\n    model: {params_b: 8, quant: Q4_K_M}\n    throughput:\n      estimate: roofline\n      efficiency: {memory: 0.5, compute: 0.25, source: \"fitted to cal.yaml (tco probe fit, 2026-12-04)\"}\n";
        let mut a = text_app_with("cpu.yaml", text, tables.clone());
        const DEC: &str = "local[0].throughput.efficiency.decode_compute";
        select(&mut a, DEC);
        // Unwritten: 0.4 × the compute efficiency 0.25.
        assert_eq!(a.field().unwrap().value, rust_decimal::Decimal::new(1, 1));
        replace(&mut a, DEC, "0.15");
        let yaml = tco_core::output::emit::to_yaml(&a.tree);
        assert!(!yaml.contains("fitted to"), "{yaml}");
        assert!(yaml.contains("decode_compute: 0.15"), "{yaml}");
        let cli = tco_core::Scenario::parse_with_overrides(
            text,
            "cpu.yaml",
            &[
                format!("{DEC}=0.15"),
                "local[0].throughput.efficiency.source=".into(),
            ],
            tables.as_ref(),
            &tco_core::input::scenario::NoFiles,
        )
        .unwrap()
        .evaluate();
        assert_eq!(a.now.report, cli);
        replace_refused(&mut a, DEC, "1.5");
    }

    /// The throughput choice: `+` on an estimated option types the rate in
    /// use (the report stays), `+` again estimates from specs (the bundled
    /// report again); the efficiencies edit as the CLI's `--set` reads them.
    #[test]
    fn throughput_switches_between_a_typed_rate_and_an_estimate_from_specs() {
        const EST: &str = "scenarios/estimate-before-you-buy.yaml";
        const CHOICE: &str = "local[0].throughput.estimate";
        let mut a = bundled_app(EST).unwrap();
        let bundled = cli_report(EST, &[]);
        assert_eq!(a.now.report, bundled);
        select(&mut a, CHOICE);
        assert_eq!(a.field().unwrap().display("USD"), "roofline");
        assert_eq!(a.curve_option(), Some(0));
        select(&mut a, "local[0].throughput.efficiency.memory");
        assert_eq!(a.field().unwrap().value, rust_decimal::Decimal::new(75, 2));
        assert_eq!(a.curve_option(), Some(0));
        // Typed rate: the capacity the estimate picked, so the costs stay.
        select(&mut a, CHOICE);
        key(&mut a, KeyCode::Char('+'));
        assert_eq!(a.field().unwrap().display("USD"), crate::fields::TYPED_RATE);
        assert_eq!(a.curve_option(), None);
        assert!(!a.fields.iter().any(|f| f.path.contains("efficiency")));
        let typed = cli_report(EST, &["local[0].throughput={tokens_per_second: 2999.1918}"]);
        assert_eq!(a.now.report, typed);
        assert_eq!(
            a.now.report.local[0].monthly_cost,
            bundled.local[0].monthly_cost
        );
        // Back to the estimate: a typed rate has no latency targets, so the
        // estimate starts again without them (undo brings them back), at the
        // largest batch that fits; then a memory efficiency of 0.6.
        key(&mut a, KeyCode::Char('-'));
        const BARE: &str = "local[0].throughput={estimate: roofline}";
        assert_eq!(a.now.report, cli_report(EST, &[BARE]));
        assert_eq!(a.curve_option(), Some(0));
        replace(&mut a, "local[0].throughput.efficiency.memory", "0.6");
        assert_eq!(
            a.now.report,
            cli_report(EST, &[BARE, "local[0].throughput.efficiency.memory=0.6"])
        );
        key(&mut a, KeyCode::Char('u'));
        key(&mut a, KeyCode::Char('u'));
        assert_eq!(a.now.report, typed);
        key(&mut a, KeyCode::Char('u'));
        assert_eq!(a.now.report, bundled);
        // A rate the core refuses keeps the last good state with its message.
        replace_refused(&mut a, "local[0].throughput.efficiency.compute", "1.5");
        // An option without `model:` cannot be estimated: the core says why.
        let mut a = bundled_app("scenarios/lit-calculator-5000m.yaml").unwrap();
        select(&mut a, CHOICE);
        let before = a.now.report.clone();
        key(&mut a, KeyCode::Char('+'));
        match &a.message {
            Some(Message::Error(m)) => assert!(m.contains("needs the model served"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(a.now.report, before);
    }

    fn replace_refused(a: &mut App, path: &str, text: &str) {
        let before = a.now.report.clone();
        type_into(a, path, text);
        assert!(
            matches!(&a.message, Some(Message::Error(m)) if m.contains("efficiency")),
            "{path}={text}: {:?}",
            a.message
        );
        assert_eq!(a.now.report, before);
        key(a, KeyCode::Esc);
    }

    #[test]
    fn billing_switches_to_spot_and_reserved_and_their_fields_edit_as_the_core_reads_them() {
        const H100: &str = "scenarios/h100-rented-llama70b.yaml";
        const BILLING: &str = "local[0].rented.billing";
        let mut a = bundled_app(H100).unwrap();
        select(&mut a, BILLING);
        assert_eq!(a.field().unwrap().display("USD"), "always_on");
        assert!(!a
            .fields
            .iter()
            .any(|f| f.path == "local[0].rented.discount"));
        // Typed: spot, with the registry's default discount, then edited.
        replace(&mut a, BILLING, "spot");
        let d = a
            .fields
            .iter()
            .find(|f| f.path == "local[0].rented.discount");
        assert_eq!(d.unwrap().value, rust_decimal::Decimal::new(6, 1));
        replace(&mut a, "local[0].rented.discount", "0.5");
        key(&mut a, KeyCode::Char('+'));
        assert_eq!(
            a.now.report,
            cli_report(
                H100,
                &[
                    "local[0].rented.billing=spot",
                    "local[0].rented.discount=0.55"
                ]
            )
        );
        // + on the kind: spot → autoscaled drops the discount.
        select(&mut a, BILLING);
        key(&mut a, KeyCode::Char('+'));
        assert_eq!(a.field().unwrap().display("USD"), "autoscaled");
        let rented = |a: &App| {
            tco_core::output::emit::to_yaml(&a.tree)
                .lines()
                .filter(|l| l.contains("discount") || l.contains("term_months"))
                .count()
        };
        assert_eq!(rented(&a), 0);
        // Reserved: the term at the registry's default 12 months, then 24.
        replace(&mut a, BILLING, "reserved");
        replace(&mut a, "local[0].rented.term_months", "24");
        assert_eq!(
            a.now.report,
            cli_report(
                H100,
                &[
                    "local[0].rented.billing=reserved",
                    "local[0].rented.term_months=24"
                ]
            )
        );
        assert_eq!(rented(&a), 1);
        // Back: undo walks the same steps.
        key(&mut a, KeyCode::Char('u'));
        key(&mut a, KeyCode::Char('u'));
        assert_eq!(
            a.fields
                .iter()
                .find(|f| f.path == BILLING)
                .unwrap()
                .display("USD"),
            "autoscaled"
        );
    }

    #[test]
    fn carbon_and_exchange_rates_edit_as_the_core_reads_them() {
        // Carbon: the grid factor and embodied carbon on the owned option.
        let mut a = app();
        let grid = "local[0].power.grid_kg_co2e_per_kwh";
        select(&mut a, grid);
        assert_eq!(a.field().unwrap().display("USD"), "not set");
        replace(&mut a, grid, "0.35");
        replace(&mut a, "local[0].embodied_kg_co2e", "1200");
        let want = cli_report(
            "scenarios/lit-4xa100-vs-sonnet.yaml",
            &[&format!("{grid}=0.35"), "local[0].embodied_kg_co2e=1200"],
        );
        assert_eq!(a.now.report, want);
        let energy = a.now.report.local[0].energy.as_ref().unwrap();
        assert!(energy.kg_co2e_per_month.is_some() && energy.embodied_kg_co2e_per_month.is_some());
        // A rented option's first embodied carbon comes with its months.
        let mut r = bundled_app("scenarios/h100-rented-llama70b.yaml").unwrap();
        replace(&mut r, "local[1].embodied_kg_co2e", "900");
        let months = r
            .fields
            .iter()
            .find(|f| f.path == "local[1].embodied_months")
            .unwrap();
        assert_eq!(
            months.value.to_string(),
            tco_core::model::fields::RENTED_EMBODIED_MONTHS
        );
        replace(&mut r, "local[1].embodied_months", "36");
        replace(&mut r, "local[1].embodied_kg_co2e", "");
        assert_eq!(
            r.now.report,
            cli_report("scenarios/h100-rented-llama70b.yaml", &[])
        );

        // Exchange rates: a scenario in EUR shows its date and rate, both edited.
        let text = tco_core::input::bundled::find("scenarios/lit-4xa100-vs-sonnet.yaml")
            .unwrap()
            .1
            .replace(
                "currency: USD",
                "currency: EUR\nexchange_rates: {as_of: 2026-01-15, USD: 0.92}",
            );
        assert!(text.contains("EUR"));
        let mut e = App::new(Launch {
            origin: "eur.yaml".into(),
            text: text.clone(),
            path: None,
            tables: tco_core::input::bundled::tables().unwrap(),
            files: Box::new(tco_core::input::scenario::NoFiles),
            probe_built: false,
        })
        .unwrap();
        select(&mut e, "exchange_rates.as_of");
        assert_eq!(e.field().unwrap().display("EUR"), "2026-01-15");
        select(&mut e, "exchange_rates.USD");
        assert_eq!(e.field().unwrap().label, "exchange rate");
        key(&mut e, KeyCode::Char('+'));
        replace(&mut e, "exchange_rates.as_of", "2026-02-01");
        let tables = tco_core::input::bundled::tables().unwrap();
        let want = tco_core::Scenario::parse_with_overrides(
            &text,
            "eur.yaml",
            &[
                "exchange_rates.USD=0.966".into(),
                "exchange_rates.as_of=2026-02-01".into(),
            ],
            tables.as_ref(),
            &tco_core::input::scenario::NoFiles,
        )
        .unwrap()
        .evaluate();
        assert_eq!(e.now.report, want);
        assert_eq!(e.now.report.currency, "EUR");
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

    /// The report of a scenario text with `--set` edits, as `tco report --set` computes it.
    fn cli_report_of(text: &str, sets: &[&str]) -> tco_core::analysis::report::Report {
        let tables = tco_core::input::bundled::tables().unwrap();
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        tco_core::Scenario::parse_with_overrides(
            text,
            "t.yaml",
            &sets,
            tables.as_ref(),
            &tco_core::input::scenario::NoFiles,
        )
        .unwrap()
        .evaluate()
    }

    const SLO_LEVELS: &str = include_str!("../../../../tests/data/slo-levels.yaml");
    /// Traffic from 8:00 to 18:00, twice as much from 10:00 to 16:00.
    const PEAKY: &str = "1 1 1 1 1 1 1 1 4 4 8 8 8 8 8 8 4 4 1 1 1 1 1 1";

    fn refused(a: &App) -> String {
        match &a.message {
            Some(Message::Error(e)) => e.clone(),
            m => panic!("not refused: {m:?}"),
        }
    }

    #[test]
    fn the_hourly_profile_edits_like_report_set_and_bad_ones_are_refused() {
        const FLAGSHIP: &str = "scenarios/flagship.yaml";
        let mut a = bundled_app(FLAGSHIP).unwrap();
        let path = "workload.hourly_profile";
        select(&mut a, path);
        let f = a.field().unwrap();
        assert_eq!((f.group.as_str(), f.label), ("Workload", "hourly profile"));
        assert_eq!(f.display("USD"), "flat");
        let flat = a.now.report.clone();
        // Typed with spaces (or commas): the list the CLI's --set reads.
        replace(&mut a, path, PEAKY);
        let list = format!("workload.hourly_profile=[{}]", PEAKY.replace(' ', ", "));
        assert_eq!(a.now.report, cli_report(FLAGSHIP, &[list.as_str()]));
        assert_eq!(a.field().unwrap().display("USD"), PEAKY);
        // The busiest hour needs more nodes than the flat day.
        let nodes = |r: &tco_core::analysis::report::Report| -> u64 {
            r.local.iter().map(|l| l.nodes).sum()
        };
        assert!(
            nodes(&a.now.report) > nodes(&flat),
            "{} nodes",
            nodes(&flat)
        );
        // Bad profiles: the core's located error, nothing changes.
        let tree = a.tree.clone();
        for (t, says) in [
            (PEAKY.rsplit_once(' ').unwrap().0, "23 weights given"),
            (&*PEAKY.replacen("4", "-4", 1), "-4"),
            ("busy", "`busy` is not an hourly profile"),
        ] {
            type_into(&mut a, path, t);
            let e = refused(&a);
            assert!(
                e.contains("workload.hourly_profile") && e.contains(says),
                "{t}: {e}"
            );
            assert_eq!(a.tree, tree);
        }
        // flat: back to the flat day's figures.
        replace(&mut a, path, "flat");
        assert_eq!(a.now.report, flat);
    }

    #[test]
    fn latency_targets_edit_add_and_remove_like_report_set() {
        let mut a = text_app("slo-levels.yaml", SLO_LEVELS);
        let ttft = "local[0].throughput.slo.ttft_p95_ms";
        let tpot = "local[0].throughput.slo.tpot_p95_ms";
        select(&mut a, ttft);
        let f = a.field().unwrap();
        assert_eq!((f.label, f.unit.as_str()), ("p95 TTFT target", "ms"));
        assert_eq!(f.value, rust_decimal::Decimal::from(2000));
        let before = a.now.report.clone();
        assert_eq!(before.local[0].nodes, 1);
        // A tighter TPOT target: less capacity per node, more nodes, as --set.
        replace(&mut a, tpot, "30");
        let want = cli_report_of(SLO_LEVELS, &["local[0].throughput.slo.tpot_p95_ms=30"]);
        assert_eq!(a.now.report, want);
        assert!(a.now.report.local[0].nodes > before.local[0].nodes);
        assert!(a.now.report.local[0].throughput.source.contains("p95 TPOT"));
        // + steps it by 5 %.
        select(&mut a, tpot);
        key(&mut a, KeyCode::Char('+'));
        assert_eq!(
            a.now.report,
            cli_report_of(SLO_LEVELS, &["local[0].throughput.slo.tpot_p95_ms=31.5"])
        );
        // Removed (emptied), then added back through the add line.
        replace(&mut a, tpot, "");
        assert!(!a.fields.iter().any(|f| f.path == tpot));
        assert_eq!(
            a.now.report,
            cli_report_of(SLO_LEVELS, &["local[0].throughput.slo.tpot_p95_ms="])
        );
        replace(&mut a, "local[0].throughput.slo", "tpot_p95_ms=40");
        assert_eq!(
            a.now.report,
            cli_report_of(SLO_LEVELS, &["local[0].throughput.slo.tpot_p95_ms=40"])
        );
        // A target out of range, a key the reader does not know, a key
        // without a value: refused, nothing changes.
        let tree = a.tree.clone();
        for (path, t, says) in [
            (ttft, "0", "from 0.001 to 86,400,000"),
            ("local[0].throughput.slo", "ttft_p97_ms=5", "ttft_p97_ms"),
            ("local[0].throughput.slo", "ttft_p99_ms", "KEY=MS"),
        ] {
            type_into(&mut a, path, t);
            let e = refused(&a);
            assert!(e.contains(says), "{t}: {e}");
            assert_eq!(a.tree, tree);
        }
    }
}
