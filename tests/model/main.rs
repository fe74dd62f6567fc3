//! tco-core's model tests, one binary: golden figures for every bundled
//! scenario, the field literature's worked examples, and properties.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::type_complexity,
    clippy::too_many_arguments
)]

mod billing;
mod finance;
mod golden;
mod limits;
mod prices;
mod properties;
mod simulate;
mod worked;

use tco_core::input::bundled;
use tco_core::input::scenario::NoFiles;
use tco_core::Scenario;

/// A bundled scenario by file stem, parsed against the bundled tables.
pub fn scenario(stem: &str) -> Scenario {
    let tables = bundled::tables().expect("bundled tables parse");
    let (origin, text) = bundled::find(&format!("scenarios/{stem}.yaml"))
        .unwrap_or_else(|| panic!("no bundled scenario {stem}"));
    Scenario::parse(text, origin, tables.as_ref(), &NoFiles)
        .unwrap_or_else(|e| panic!("{stem}: {e}"))
}
