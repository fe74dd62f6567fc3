//! tco-core: the cost model behind `tco`.
//!
//! Should LLM inference run on your own hardware or be bought from an API?
//! This crate reads scenarios and price tables from text (it does no file,
//! network or terminal I/O, so the browser page runs the same code), prices
//! each option at a token volume, and solves where local and API costs cross.
//!
//! # The pipeline
//!
//! Each stage only uses the stages before it:
//!
//! 1. [`input`]: text → checked values. [`input::yaml`] (a positioned YAML
//!    tree), [`input::scenario`] ([`Scenario::parse`]), [`input::pricing`]
//!    (the price and hardware tables, LiteLLM import), [`input::genai`]
//!    (genai-prices import), [`input::tariff`] (dated schedules, tiers,
//!    off-peak prices in a table entry), [`input::calibration`]
//!    (probe results), [`input::distributions`] (`{dist: …}` inputs),
//!    [`input::bundled`] (files shipped in the binary).
//! 2. [`model`]: the domain and its formulas. [`model::date`] (calendar days),
//!    [`model::tariff`] (how vendors price: schedules, tiers, cache writes,
//!    off-peak), [`model::units`] and
//!    [`model::format`] (money to the cent), [`model::cost`] (the monthly cost
//!    of an option: [`model::cost::owned_monthly`] for amortization,
//!    `LocalOption::cost_with_nodes` for power, staff, rent and nodes,
//!    `ApiOption::blended_per_mtok` for API prices), [`model::breakeven`]
//!    (break-even volumes and payback), [`model::fit`] (memory fit and the
//!    bandwidth ceiling).
//! 3. [`analysis`]: [`analysis::report`] (every figure of `tco report`),
//!    [`analysis::sweep`], [`analysis::finance`] (NPV), [`analysis::hybrid`],
//!    [`analysis::sim`] (Monte Carlo), [`analysis::sensitivity`] (tornados).
//! 4. [`output`]: [`output::csv`] and [`output::emit`] (scenario text back
//!    from an edited tree).
//!
//! Errors at any stage are [`Diagnostic`]s: where, what, what is allowed.
//!
//! ```
//! use tco_core::{input::bundled, input::scenario::NoFiles, Scenario};
//! let tables = bundled::tables().unwrap();
//! let s = Scenario::parse(bundled::FLAGSHIP.1, bundled::FLAGSHIP.0, tables.as_ref(), &NoFiles).unwrap();
//! let report = s.evaluate();
//! assert!(!report.break_even.is_empty());
//! ```

pub mod analysis;
pub mod error;
pub mod input;
pub mod model;
pub mod output;

pub use analysis::report::Report;
pub use error::{Diagnostic, Error};
pub use model::scenario::Scenario;
