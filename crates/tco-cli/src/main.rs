// `tco`: wires the arguments to the commands and turns errors into exit codes.
//
// 0 success; 1 a problem with the user's input (a located message on
// stderr); 2 a mistake on the command line (clap's usage error).

mod args;
mod cmd;
mod files;
mod load;
mod output;
mod plot;
mod probe;
mod probe_fit;
mod server_probe;

use args::{Cli, Command};
use clap::{CommandFactory, Parser};
use std::process::ExitCode;

fn run(cli: Cli) -> anyhow::Result<Option<String>> {
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
        Command::Hardware(h) => cmd::hardware::run(h)?,
        Command::Machines(a) => cmd::machines::run(a)?,
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

fn main() -> ExitCode {
    if let Some(code) = probe::maybe_worker() {
        std::process::exit(code);
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // --help and --version print and succeed; real usage errors exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    output::set_width(output::table_width(cli.wide));
    match run(cli) {
        Ok(Some(text)) => match output::emit(&text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot write the output: {e}");
                ExitCode::from(1)
            }
        },
        Ok(None) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            // A format the command does not have is a command-line mistake.
            ExitCode::from(if e.is::<output::HtmlOnly>() { 2 } else { 1 })
        }
    }
}
