//! The price tables and scenarios shipped with tco, embedded at build time.

use crate::error::Error;
use crate::input::scenario::Tables;
use crate::model::prices::{HardwareTable, PriceTable};

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// The scenario `tco report` runs with no argument.
pub const FLAGSHIP: (&str, &str) = match find("scenarios/flagship.yaml") {
    Some(s) => s,
    None => ("scenarios/flagship.yaml", ""),
};

const fn eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A bundled scenario by its path (`scenarios/x.yaml`).
pub const fn find(path: &str) -> Option<(&'static str, &'static str)> {
    let mut i = 0;
    while i < SCENARIOS.len() {
        if eq(SCENARIOS[i].0, path) {
            return Some(SCENARIOS[i]);
        }
        i += 1;
    }
    None
}

/// Both tables, owned.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedTables {
    pub prices: PriceTable,
    pub hardware: HardwareTable,
    /// The day whose prices apply (see [`Tables::date`]).
    pub date: Option<crate::model::date::Date>,
}

impl OwnedTables {
    pub fn as_ref(&self) -> Tables<'_> {
        Tables {
            prices: &self.prices,
            hardware: &self.hardware,
            date: self.date,
        }
    }
}

/// The bundled price and hardware tables, parsed.
pub fn tables() -> Result<OwnedTables, Error> {
    Ok(OwnedTables {
        prices: PriceTable::parse(API_PRICES.1, API_PRICES.0)?,
        hardware: HardwareTable::parse(HARDWARE.1, HARDWARE.0)?,
        date: None,
    })
}
