//! tco-core: the cost model behind `tco`.
//!
//! Should LLM inference run on your own hardware or be bought from an API?
//! This crate reads scenarios and price tables from text (it does no file,
//! network or terminal I/O, so the browser page runs the same code), prices
//! each option at a token volume, and solves where local and API costs cross.
//!
//! ```
//! use tco_core::{bundled, scenario::{NoFiles, Scenario}};
//! let tables = bundled::tables().unwrap();
//! let s = Scenario::parse(bundled::FLAGSHIP.1, bundled::FLAGSHIP.0, tables.as_ref(), &NoFiles).unwrap();
//! let report = s.evaluate();
//! assert!(!report.break_even.is_empty());
//! ```

pub mod breakeven;
pub mod bundled;
pub mod calibration;
pub mod csv;
pub mod date;
pub mod emit;
pub mod error;
pub mod finance;
pub mod fit;
pub mod format;
pub mod genai;
pub mod hybrid;
pub mod model;
pub mod pricing;
pub mod read;
pub mod report;
pub mod scenario;
pub mod sensitivity;
pub mod sim;
pub mod sweep;
pub mod tariff;
pub mod uncertain;
pub mod units;
pub mod yaml;

pub use error::{Diagnostic, Error};
pub use report::Report;
pub use scenario::Scenario;
