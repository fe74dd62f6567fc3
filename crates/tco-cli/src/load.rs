//! Reading the user's files: scenarios, price tables, calibrations.
//!
//! Only this module (and the probe) touches the file system for inputs; the
//! core parses text. Bundled files are embedded, so every command works from
//! any directory.

use crate::args::{ScenarioArgs, TableArgs};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use tco_core::input::bundled::{self, OwnedTables};
use tco_core::input::scenario::Resolve;
use tco_core::input::yaml::MAX_INPUT_BYTES;
use tco_core::model::date::Date;
use tco_core::model::prices::{HardwareTable, PriceTable};
use tco_core::Scenario;

/// Reads a text file with errors that say which file and why.
pub fn read_text(path: &Path) -> Result<String> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("{}: cannot read", path.display()))?;
    if meta.is_dir() {
        bail!("{}: is a directory, not a file", path.display());
    }
    if meta.len() > MAX_INPUT_BYTES as u64 {
        bail!(
            "{}: the file is {} bytes; at most {} bytes are read",
            path.display(),
            meta.len(),
            MAX_INPUT_BYTES
        );
    }
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let good = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
        let line = good.matches('\n').count() + 1;
        let col = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        anyhow::anyhow!(
            "{}:{line}:{col}: byte {at} is not UTF-8 text: is this a binary file?\n  allowed: a YAML or JSON text file in UTF-8",
            path.display()
        )
    })
}

pub fn tables(args: &TableArgs) -> Result<OwnedTables> {
    let mut t = bundled::tables()?;
    if let Some(p) = &args.pricing {
        t.prices = PriceTable::parse(&read_text(p)?, &p.display().to_string())?;
    }
    if let Some(p) = &args.hardware {
        t.hardware = HardwareTable::parse(&read_text(p)?, &p.display().to_string())?;
    }
    t.date = Some(date(args.date.as_deref())?);
    Ok(t)
}

/// `--date`, or today (UTC).
pub fn date(arg: Option<&str>) -> Result<Date> {
    match arg {
        Some(d) => Date::parse(d).ok_or_else(|| {
            anyhow::anyhow!(
                "--date {d}: not a calendar date\n  allowed: YYYY-MM-DD, e.g. 2026-09-01"
            )
        }),
        None => {
            let days = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() / 86_400)
                .unwrap_or(0);
            Date::from_days(days as i64).context("the system clock is outside 1900-9999")
        }
    }
}

/// Calibration files named in a scenario, relative to the scenario's folder.
pub struct Files {
    pub base: Option<PathBuf>,
}

impl Resolve for Files {
    fn calibration(&self, path: &str) -> std::result::Result<String, String> {
        let p = Path::new(path);
        let full = match (&self.base, p.is_absolute()) {
            (Some(b), false) => b.join(p),
            _ => p.to_path_buf(),
        };
        read_text(&full).map_err(|e| format!("{e:#}"))
    }
}

/// A scenario's text and its name for messages: a file, or a bundled one by name.
pub fn scenario_text(arg: Option<&str>) -> Result<(String, String, Option<PathBuf>)> {
    let Some(name) = arg else {
        let (origin, text) = bundled::FLAGSHIP;
        return Ok((origin.to_string(), text.to_string(), None));
    };
    let path = Path::new(name);
    if path.exists() {
        let text = read_text(path)?;
        let base = path.parent().map(Path::to_path_buf);
        return Ok((name.to_string(), text, base));
    }
    let stem = name
        .trim_start_matches("scenarios/")
        .trim_end_matches(".yaml");
    if let Some((origin, text)) = bundled::find(&format!("scenarios/{stem}.yaml")) {
        return Ok((origin.to_string(), text.to_string(), None));
    }
    let names: Vec<&str> = bundled::SCENARIOS
        .iter()
        .map(|(p, _)| p.trim_start_matches("scenarios/").trim_end_matches(".yaml"))
        .collect();
    let hint = tco_core::error::did_you_mean(stem, names.iter().copied())
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    bail!("{name}: no such file, and no bundled scenario by that name{hint}\n  allowed: a path to a scenario YAML file, or one of: {}", names.join(", "))
}

/// The scenario an invocation asks for, with `--set` overrides applied.
pub fn scenario(args: &ScenarioArgs) -> Result<(Scenario, OwnedTables)> {
    let tables = tables(&args.tables)?;
    let (origin, text, base) = scenario_text(args.scenario.as_deref())?;
    let s = Scenario::parse_with_overrides(
        &text,
        &origin,
        &args.sets,
        tables.as_ref(),
        &Files { base },
    )?;
    Ok((s, tables))
}

/// A scenario's YAML tree with `--set` overrides applied, for commands that
/// re-read it with changed values (`tco sensitivity`).
pub struct Tree {
    pub root: tco_core::input::yaml::Node,
    pub origin: String,
    pub tables: OwnedTables,
    pub files: Files,
}

pub fn scenario_tree(args: &ScenarioArgs) -> Result<Tree> {
    let tables = tables(&args.tables)?;
    let (origin, text, base) = scenario_text(args.scenario.as_deref())?;
    let mut root = tco_core::input::yaml::parse(&text, &origin)?;
    for s in &args.sets {
        tco_core::input::yaml::set_path(&mut root, s)?;
    }
    Ok(Tree {
        root,
        origin,
        tables,
        files: Files { base },
    })
}
