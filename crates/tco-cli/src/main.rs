//! `tco`: wires the arguments to the commands and turns errors into exit codes.
//!
//! 0 success; 1 a problem with the user's input (a located message on
//! stderr); 2 a mistake on the command line (clap's usage error).

use clap::Parser;
use std::process::ExitCode;
use tco_cli::args::Cli;
use tco_cli::{output, probe, run};

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
            ExitCode::from(1)
        }
    }
}
