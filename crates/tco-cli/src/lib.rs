//! The `tco` command as a library: `main.rs` parses the arguments and turns
//! errors into exit codes; everything else is here, so the fuzz targets
//! (`fuzz/`) drive the same loaders and renderers in-process.

// Command-line plumbing, not a published API: its types need no Debug.
#![allow(missing_debug_implementations)]

pub mod args;
pub mod cmd;
pub mod files;
pub mod load;
pub mod output;
pub mod plot;
pub mod probe;

use args::{Cli, Command};
use clap::CommandFactory;

/// Runs one parsed command line: `Some(text)` to print, `None` when the
/// command printed (or drew) for itself.
pub fn run(cli: Cli) -> anyhow::Result<Option<String>> {
    Ok(Some(match &cli.command {
        Command::Report(a) => cmd::report::run(a)?,
        Command::Breakeven(a) => cmd::report::run_breakeven(a)?,
        Command::Compare(a) => cmd::compare::run(a)?,
        Command::Sweep(a) => cmd::sweep::run(a)?,
        Command::Npv(a) => cmd::npv::run(a)?,
        Command::Hybrid(a) => cmd::hybrid::run(a)?,
        Command::Simulate(a) => cmd::simulate::run(a)?,
        Command::Sensitivity(a) => cmd::sensitivity::run(a)?,
        Command::Validate(a) => cmd::validate::run(a)?,
        Command::Prices(p) => cmd::prices::run(p)?,
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "tco", &mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        }
        Command::Tui(a) => {
            let tables = load::tables(&a.tables)?;
            let (origin, text, base) = load::scenario_text(a.scenario.as_deref())?;
            let path = base.is_some().then(|| std::path::PathBuf::from(&origin));
            tco_tui::run(tco_tui::Launch {
                origin,
                text,
                path,
                tables,
                files: Box::new(load::Files { base }),
                probe_built: cfg!(feature = "llama"),
            })?;
            return Ok(None);
        }
        Command::Probe(a) => {
            let code = probe::run(a)?;
            if code != 0 {
                std::process::exit(code);
            }
            return Ok(None);
        }
    }))
}
