//! The browser page's bindings to tco-core.
//!
//! A thin layer in the manner of ruff_wasm: scenarios and price tables cross
//! as YAML text, results go back as JSON text with the names and values of
//! `tco report --format json` (the same serde types and serialiser, so the
//! page and the CLI agree to the last digit), and every error becomes one JS
//! `Error` that says where it happened. Nothing here computes a figure:
//! pricing, break-even, CSV and display rounding all live in tco-core.

use serde::Serialize;
use std::cell::RefCell;
use tco_chart::{CostChart, CurveChart};
use tco_core::analysis::sensitivity::{self, SensOptions, Sensitivity};
use tco_core::analysis::sim::{self, SimOptions, Simulation};
use tco_core::analysis::sweep::{self, Spacing};
use tco_core::input::bundled::{self, OwnedTables};
use tco_core::input::scenario::NoFiles;
use tco_core::input::yaml;
use tco_core::model::format;
use tco_core::model::prices::{HardwareTable, PriceTable};
use tco_core::output::emit;
use tco_core::Scenario;
use wasm_bindgen::prelude::*;

/// Runs once when the module is instantiated: panics go to the console with
/// their message and location instead of an opaque `unreachable`.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

mod convert;
mod free;

pub use free::*;

use convert::{cli_json, decimal, invalid, js_error, json, seed_of, today, volume};

/// The last simulation or sensitivity run, kept so that the charts of the
/// same text reuse it instead of running it again.
#[derive(Debug, Clone, Default)]
struct Cache {
    sim: Option<(String, u32, u64, Simulation)>,
    sens: Option<(String, bool, Sensitivity)>,
}

/// The calculator: price tables parsed once, scenarios priced on each call.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct Tco {
    tables: OwnedTables,
    cache: RefCell<Cache>,
}

fn cache_key(text: &str, origin: &str) -> String {
    format!("{origin}\n{text}")
}

/// Everything one edit of the page needs, from one parse: see [`Tco::update`].
#[derive(Serialize)]
struct Update {
    /// The scenario text after the edits (the input text when there were none).
    text: String,
    /// The checked scenario, defaults filled in (what `scenario` returns).
    scenario: Scenario,
    /// `tco report --format json`, byte for byte (a string, so the page can
    /// offer it for download unchanged).
    report: String,
    /// The cost chart as SVG text, or the reason it cannot be drawn.
    chart: Result<String, String>,
    /// Per break-even pair, the "Local wins" cell as every face writes it.
    wins: Vec<String>,
    /// Per break-even pair, the payback cell (`35.0 months`, `—`).
    payback: Vec<String>,
    /// The notes under the tables (warnings, throughput source, memory fit).
    notes: Vec<String>,
    /// The busiest-hour profile as the form shows it: `flat` or the 24
    /// weights separated by spaces (`fields::profile_text`).
    profile: String,
    /// Per local option, its latency targets as written (the form's SLO fields).
    slo: Vec<tco_core::input::scenario::WrittenTargets>,
    /// Per local option: the modelled curve chart (tco-chart's `CurveChart`)
    /// when its throughput is estimated from specs, else null.
    curves: Vec<Option<Result<String, String>>>,
}

#[wasm_bindgen]
impl Tco {
    /// The calculator with the bundled price and hardware tables.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<Tco, JsValue> {
        let mut tables = bundled::tables().map_err(js_error)?;
        tables.date = today();
        Ok(Tco {
            tables,
            cache: RefCell::default(),
        })
    }

    /// Prices in force on `date` (`YYYY-MM-DD`, what `tco --date` does);
    /// the calculator starts at today's date (UTC), as the CLI does.
    #[wasm_bindgen(js_name = setDate)]
    pub fn set_date(&mut self, date: &str) -> Result<(), JsValue> {
        let d = tco_core::model::date::Date::parse(date).ok_or_else(|| {
            JsValue::from(js_sys::Error::new(&format!(
                "{date}: not a calendar date (allowed: YYYY-MM-DD)"
            )))
        })?;
        self.tables.date = Some(d);
        // Runs kept for the old date no longer hold.
        *self.cache.borrow_mut() = Cache::default();
        Ok(())
    }

    /// The calculator with other tables in place of the bundled ones (what
    /// `--pricing` and `--hardware` do): YAML texts in the format of
    /// `pricing/api.yaml` and `pricing/hardware.yaml`; `None` keeps the bundled one.
    #[wasm_bindgen(js_name = withTables)]
    pub fn with_tables(pricing: Option<String>, hardware: Option<String>) -> Result<Tco, JsValue> {
        let mut tables = bundled::tables().map_err(js_error)?;
        tables.date = today();
        if let Some(text) = pricing {
            tables.prices = PriceTable::parse(&text, "pricing").map_err(js_error)?;
        }
        if let Some(text) = hardware {
            tables.hardware = HardwareTable::parse(&text, "hardware").map_err(js_error)?;
        }
        Ok(Tco {
            tables,
            cache: RefCell::default(),
        })
    }

    fn parse(&self, text: &str, origin: &str) -> Result<Scenario, JsValue> {
        Scenario::parse(text, origin, self.tables.as_ref(), &NoFiles).map_err(js_error)
    }

    /// The checked scenario as JSON, defaults filled in: the values the core
    /// computes with, for the page's form.
    pub fn scenario(&self, text: &str, origin: &str) -> Result<String, JsValue> {
        json(&self.parse(text, origin)?)
    }

    /// Everything one page edit needs from one parse of the YAML: applies
    /// `sets` (`PATH=VALUE`, the CLI's `--set`; an empty VALUE removes the
    /// field), checks the scenario, prices it and draws the cost chart.
    /// Returns JSON `{text, scenario, report, chart: {Ok: svg} | {Err: msg},
    /// wins, payback, notes, profile, slo, curves}` (`curves`: per local option, the
    /// modelled throughput chart `{Ok: svg} | {Err: msg}` of an estimate from
    /// specs, else null); `text` is the edited YAML (the input itself
    /// when `sets` is empty). A refused edit or a wrong scenario is the
    /// located error.
    pub fn update(&self, text: &str, origin: &str, sets: Vec<String>) -> Result<String, JsValue> {
        let mut root = yaml::parse(text, origin).map_err(|d| js_error(d.into()))?;
        for s in &sets {
            yaml::set_path(&mut root, s).map_err(|d| js_error(d.into()))?;
        }
        if !sets.is_empty() {
            yaml::prune_removed(&mut root);
        }
        let scenario =
            Scenario::from_tree(&root, origin, self.tables.as_ref(), &NoFiles).map_err(js_error)?;
        // The edits written into the text as it stands, so the user's comments
        // and layout stay (the whole tree re-written only where they cannot).
        let text = if sets.is_empty() {
            text.to_string()
        } else {
            emit::keep_layout(text, &root).unwrap_or_else(|| emit::to_yaml(&root))
        };
        let report = scenario.evaluate();
        let v = sweep::chart_volumes(&report, sweep::CHART_POINTS);
        let chart = CostChart::from_report(&report, &scenario.sweep(&v), true)
            .to_svg()
            .map_err(|e| e.to_string());
        let curves = scenario
            .local
            .iter()
            .map(|l| {
                l.throughput.source.estimate_curves().map(|c| {
                    CurveChart::from_estimate(&l.name, c)
                        .to_svg()
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        json(&Update {
            profile: tco_core::model::fields::profile_text(
                scenario.workload.hourly_profile.as_deref(),
            ),
            slo: tco_core::input::scenario::written_targets(&root),
            curves,
            text,
            wins: report.break_even.iter().map(format::local_wins).collect(),
            payback: report.break_even.iter().map(format::payback).collect(),
            notes: report.notes(),
            report: cli_json(&report)?,
            chart,
            scenario,
        })
    }

    /// `tco report --format json`, byte for byte.
    pub fn report(&self, text: &str, origin: &str) -> Result<String, JsValue> {
        cli_json(&self.parse(text, origin)?.evaluate())
    }

    /// `tco report --format csv`, byte for byte.
    #[wasm_bindgen(js_name = reportCsv)]
    pub fn report_csv(&self, text: &str, origin: &str) -> Result<String, JsValue> {
        Ok(self.parse(text, origin)?.evaluate().to_csv())
    }

    /// `tco breakeven --format csv`, byte for byte.
    #[wasm_bindgen(js_name = breakEvenCsv)]
    pub fn break_even_csv(&self, text: &str, origin: &str) -> Result<String, JsValue> {
        Ok(self.parse(text, origin)?.evaluate().break_even_csv())
    }

    /// Monthly cost of every option at `points` volumes from `from` to `to`
    /// (`1M`, `10B`, …), `spacing` `log` or `linear`: `tco sweep --format json`.
    pub fn sweep(
        &self,
        text: &str,
        origin: &str,
        from: &str,
        to: &str,
        points: u32,
        spacing: &str,
    ) -> Result<String, JsValue> {
        cli_json(&self.sweep_of(text, origin, from, to, points, spacing)?)
    }

    /// The same sweep as CSV: `tco sweep --format csv`.
    #[wasm_bindgen(js_name = sweepCsv)]
    pub fn sweep_csv(
        &self,
        text: &str,
        origin: &str,
        from: &str,
        to: &str,
        points: u32,
        spacing: &str,
    ) -> Result<String, JsValue> {
        Ok(self
            .sweep_of(text, origin, from, to, points, spacing)?
            .to_csv())
    }

    fn sweep_of(
        &self,
        text: &str,
        origin: &str,
        from: &str,
        to: &str,
        points: u32,
        spacing: &str,
    ) -> Result<sweep::Sweep, JsValue> {
        let spacing = match spacing {
            "log" => Spacing::Log,
            "linear" => Spacing::Linear,
            other => {
                return Err(invalid(format!(
                    "spacing `{other}`: allowed `log` or `linear`"
                )))
            }
        };
        let s = self.parse(text, origin)?;
        let v = sweep::volumes(volume(from)?, volume(to)?, points as usize, spacing)
            .map_err(js_error)?;
        Ok(s.sweep(&v))
    }

    /// The cost-versus-volume chart as SVG text (tco-chart's `CostChart`): one
    /// line per option, break-even markers and the workload volume, on log
    /// axes from a decade below to a decade above the workload and every
    /// break-even volume (`tco_core::analysis::sweep::chart_range`).
    #[wasm_bindgen(js_name = costChart)]
    pub fn cost_chart(&self, text: &str, origin: &str) -> Result<String, JsValue> {
        let s = self.parse(text, origin)?;
        let report = s.evaluate();
        let v = sweep::chart_volumes(&report, sweep::CHART_POINTS);
        CostChart::from_report(&report, &s.sweep(&v), true)
            .to_svg()
            .map_err(|e| invalid(e.to_string()))
    }

    /// `tco report --format html`, byte for byte: the one-page report a CFO
    /// reads (verdict, costs, break-even chart, NPV and payback, the
    /// simulation at `tco simulate`'s defaults when the scenario has
    /// distributions, sources and dates, the scenario's text as written).
    #[wasm_bindgen(js_name = reportHtml)]
    pub fn report_html(&self, text: &str, origin: &str) -> Result<String, JsValue> {
        let s = self.parse(text, origin)?;
        let r = s.evaluate();
        let defaults = SimOptions::default();
        // As the CLI: a simulation that cannot run leaves the report without it.
        let sim = if s.has_uncertainty() {
            self.simulation(text, origin, defaults.samples as u32, defaults.seed as f64)
                .ok()
        } else {
            None
        };
        Ok(tco_chart::html::report_html(&tco_chart::html::ReportPage {
            scenario: &s,
            report: &r,
            simulation: sim.as_ref(),
            yaml: text,
            prices: &self.tables.prices,
        }))
    }

    /// `tco simulate --samples SAMPLES --seed SEED --format json`, byte for
    /// byte: the same seed gives the same numbers here as in the CLI. `seed`
    /// is a whole number from 0 to 2^53 (what a JS number holds exactly).
    pub fn simulate(
        &self,
        text: &str,
        origin: &str,
        samples: u32,
        seed: f64,
    ) -> Result<String, JsValue> {
        cli_json(&self.simulation(text, origin, samples, seed)?)
    }

    /// The simulation of this text, samples and seed: the last one run when
    /// it was of the same, else a new run (kept for the next call).
    fn simulation(
        &self,
        text: &str,
        origin: &str,
        samples: u32,
        seed: f64,
    ) -> Result<Simulation, JsValue> {
        let seed = seed_of(seed)?;
        let key = cache_key(text, origin);
        if let Some((k, n, sd, sim)) = &self.cache.borrow().sim {
            if *k == key && *n == samples && *sd == seed {
                return Ok(sim.clone());
            }
        }
        let s = self.parse(text, origin)?;
        let sim = sim::simulate(
            &s,
            SimOptions {
                samples: samples as usize,
                seed,
            },
        )
        .map_err(js_error)?;
        self.cache.borrow_mut().sim = Some((key, samples, seed, sim.clone()));
        Ok(sim)
    }

    /// The break-even histogram of pair `pair` (index into simulate's
    /// `break_even`) as SVG text: tco-chart's `Histogram::from_simulation`,
    /// the picture `tco simulate --plot` draws.
    #[wasm_bindgen(js_name = histogramChart)]
    pub fn histogram_chart(
        &self,
        text: &str,
        origin: &str,
        samples: u32,
        seed: f64,
        pair: u32,
    ) -> Result<String, JsValue> {
        let sim = self.simulation(text, origin, samples, seed)?;
        let b = sim.break_even.get(pair as usize).ok_or_else(|| {
            invalid(format!(
                "pair {pair}: allowed 0 to {} (the scenario has {} local/API pairs)",
                sim.break_even.len().saturating_sub(1),
                sim.break_even.len()
            ))
        })?;
        tco_chart::Histogram::from_simulation(&sim, b)
            .to_svg()
            .map_err(|e| invalid(e.to_string()))
    }

    /// `tco sensitivity [--all] --format json`, byte for byte.
    pub fn sensitivity(&self, text: &str, origin: &str, all: bool) -> Result<String, JsValue> {
        cli_json(&self.sensitivity_of(text, origin, all)?)
    }

    /// The sensitivity of this text: the last one run when it was of the
    /// same text and `all`, else a new run (kept for the next call).
    fn sensitivity_of(&self, text: &str, origin: &str, all: bool) -> Result<Sensitivity, JsValue> {
        let key = cache_key(text, origin);
        if let Some((k, a, sens)) = &self.cache.borrow().sens {
            if *k == key && *a == all {
                return Ok(sens.clone());
            }
        }
        let root = yaml::parse(text, origin).map_err(|d| js_error(d.into()))?;
        let sens = sensitivity::sensitivity(
            &root,
            origin,
            self.tables.as_ref(),
            &NoFiles,
            SensOptions { all },
        )
        .map_err(js_error)?;
        self.cache.borrow_mut().sens = Some((key, all, sens.clone()));
        Ok(sens)
    }

    /// The tornado of pair `pair` (index into sensitivity's `pairs`) as SVG
    /// text, `kind` `break-even` or `saving`, the `top` inputs that move it
    /// most: `tco sensitivity --plot --tornado KIND --top TOP`. Null when no
    /// input moves that tornado (nothing to draw).
    #[wasm_bindgen(js_name = tornadoChart)]
    pub fn tornado_chart(
        &self,
        text: &str,
        origin: &str,
        all: bool,
        pair: u32,
        kind: &str,
        top: u32,
    ) -> Result<Option<String>, JsValue> {
        let sens = self.sensitivity_of(text, origin, all)?;
        let p = sens.pairs.get(pair as usize).ok_or_else(|| {
            invalid(format!(
                "pair {pair}: allowed 0 to {} (the scenario has {} local/API pairs)",
                sens.pairs.len().saturating_sub(1),
                sens.pairs.len()
            ))
        })?;
        let chart = match kind {
            "break-even" => tco_chart::Tornado::break_even(p, top as usize),
            "saving" => tco_chart::Tornado::saving(&sens, p, top as usize),
            other => {
                return Err(invalid(format!(
                    "tornado `{other}`: allowed `break-even` or `saving`"
                )))
            }
        };
        chart
            .map(|c| c.to_svg().map_err(|e| invalid(e.to_string())))
            .transpose()
    }

    /// `tco hybrid --step STEP --format json` at the workload volume, byte
    /// for byte; `step` is a decimal text from 0.001 to 0.5.
    pub fn hybrid(&self, text: &str, origin: &str, step: &str) -> Result<String, JsValue> {
        let s = self.parse(text, origin)?;
        let h = s
            .hybrid(s.workload.tokens_per_month, decimal(step)?)
            .map_err(js_error)?;
        cli_json(&h)
    }

    /// `tco npv --format json`, byte for byte, or null when the scenario has
    /// no `finance` block.
    pub fn npv(&self, text: &str, origin: &str) -> Result<Option<String>, JsValue> {
        self.parse(text, origin)?
            .cash_flows()
            .map(|f| cli_json(&f))
            .transpose()
    }

    /// Checks a scenario: `{"origin", "name", "api_options", "local_options"}`,
    /// or the located error.
    pub fn validate(&self, text: &str, origin: &str) -> Result<String, JsValue> {
        let s = self.parse(text, origin)?;
        json(&serde_json::json!({
            "origin": origin,
            "name": s.name,
            "api_options": s.api.len(),
            "local_options": s.local.len(),
        }))
    }

    /// Applies `PATH=VALUE` edits (the CLI's `--set`) to a scenario and returns
    /// the new YAML text, checked: an edit that makes the scenario wrong is
    /// the located error instead. An empty VALUE removes the field, so that a
    /// default or the machine's figure applies again.
    pub fn edit(&self, text: &str, origin: &str, sets: Vec<String>) -> Result<String, JsValue> {
        let mut root = yaml::parse(text, origin).map_err(|d| js_error(d.into()))?;
        for s in &sets {
            yaml::set_path(&mut root, s).map_err(|d| js_error(d.into()))?;
        }
        yaml::prune_removed(&mut root);
        Scenario::from_tree(&root, origin, self.tables.as_ref(), &NoFiles).map_err(js_error)?;
        Ok(emit::keep_layout(text, &root).unwrap_or_else(|| emit::to_yaml(&root)))
    }

    /// The API price table as JSON (`{"models": [{id, name, vendor, input_per_mtok, …}]}`).
    pub fn prices(&self) -> Result<String, JsValue> {
        json(&self.tables.prices)
    }

    /// The hardware table as JSON (`{"hardware": [{id, name, price, memory_gb, …}]}`).
    pub fn hardware(&self) -> Result<String, JsValue> {
        json(&self.tables.hardware)
    }
}
