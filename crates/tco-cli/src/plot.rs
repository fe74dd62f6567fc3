//! `--plot FILE.svg`: a command's chart written beside its printed output.
//!
//! A command flattens [`PlotArgs`] into its arguments, calls
//! [`PlotArgs::check`] before any long computation (so a file in the way is
//! reported at once), and [`PlotArgs::save`] with the chart at the end:
//!
//! ```ignore
//! args.plot.check()?;
//! // … compute …
//! args.plot.save(|| tco_chart::Tornado { … }.to_svg())?;
//! ```
//!
//! The chart is drawn only when `--plot` was given, and written atomically.

use crate::files::{check_destination, write_atomic};
use anyhow::{bail, Result};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args, Clone, Default)]
pub struct PlotArgs {
    /// Also draw the chart as an SVG picture into FILE.svg (written atomically; an existing file
    /// is replaced only with --force).
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Replace the --plot file if it exists.
    #[arg(long, requires = "plot")]
    pub force: bool,
}

impl PlotArgs {
    /// Refuses a --plot destination that exists (without --force), lies in a
    /// missing folder, or does not end in `.svg`.
    pub fn check(&self) -> Result<()> {
        check(self.plot.as_deref(), self.force)
    }

    /// Draws the chart and writes it, when --plot was given.
    pub fn save(&self, svg: impl FnOnce() -> Result<String, tco_chart::ChartError>) -> Result<()> {
        save(self.plot.as_deref(), self.force, svg)
    }
}

/// [`PlotArgs::check`] for a path and flag held elsewhere.
pub fn check(path: Option<&Path>, force: bool) -> Result<()> {
    let Some(path) = path else {
        return Ok(());
    };
    let svg = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if !svg {
        bail!(
            "--plot {}: the chart is an SVG picture\n  allowed: a file name ending in .svg",
            path.display()
        );
    }
    check_destination(path, force)
}

/// Draws the chart with `svg` and writes it to `path` when there is one.
pub fn save(
    path: Option<&Path>,
    force: bool,
    svg: impl FnOnce() -> Result<String, tco_chart::ChartError>,
) -> Result<()> {
    let Some(p) = path else {
        return Ok(());
    };
    check(path, force)?;
    let text = svg()?;
    write_atomic(p, text.as_bytes(), force)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn nothing_happens_without_a_path() {
        let mut drawn = false;
        save(None, false, || {
            drawn = true;
            Ok(String::new())
        })
        .unwrap();
        assert!(!drawn);
    }

    #[test]
    fn only_svg_names_and_free_places_are_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("chart.png");
        let e = check(Some(&png), false).unwrap_err().to_string();
        assert!(e.contains("ending in .svg"), "{e}");
        let svg = dir.path().join("chart.SVG");
        save(Some(&svg), false, || Ok("<svg/>".into())).unwrap();
        assert_eq!(std::fs::read_to_string(&svg).unwrap(), "<svg/>");
        let e = save(Some(&svg), false, || Ok("<svg>new</svg>".into()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("already exists") && e.contains("--force"), "{e}");
        assert_eq!(std::fs::read_to_string(&svg).unwrap(), "<svg/>");
        save(Some(&svg), true, || Ok("<svg>new</svg>".into())).unwrap();
        assert_eq!(std::fs::read_to_string(&svg).unwrap(), "<svg>new</svg>");
        let missing = dir.path().join("no/such/folder/c.svg");
        let e = check(Some(&missing), false).unwrap_err().to_string();
        assert!(e.contains("does not exist"), "{e}");
    }
}
