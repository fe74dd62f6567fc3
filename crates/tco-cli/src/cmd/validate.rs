//! `tco validate`: check scenarios and price tables.

use crate::args::ValidateArgs;
use crate::load::{self, Files};
use anyhow::Result;
use tco_core::input::bundled;
use tco_core::model::scenario::Scenario;

pub fn run(args: &ValidateArgs) -> Result<String> {
    let tables = load::tables(&args.tables)?;
    let mut out = String::new();
    let mut count = |origin: &str, s: &Scenario| {
        out.push_str(&format!(
            "ok  {origin}: {} ({} API, {} local options)\n",
            s.name,
            s.api.len(),
            s.local.len()
        ));
    };
    if args.scenarios.is_empty() {
        for (origin, text) in bundled::SCENARIOS {
            let s = Scenario::parse(text, origin, tables.as_ref(), &Files { base: None })?;
            count(origin, &s);
        }
    }
    for name in &args.scenarios {
        let (origin, text, base) = load::scenario_text(Some(name))?;
        let s = Scenario::parse(&text, &origin, tables.as_ref(), &Files { base })?;
        count(&origin, &s);
    }
    out.push_str(&format!(
        "ok  price tables: {} API models, {} machines\n",
        tables.prices.models.len(),
        tables.hardware.hardware.len()
    ));
    Ok(out)
}
