//! `tco probe`: PLACEHOLDER OWNED BY THE PROBE WORK (issue 4).
use clap::Args;

/// Measure the tokens per second this machine delivers (llama.cpp).
#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Arguments (not yet implemented).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    pub rest: Vec<String>,
}

pub fn run(_args: &ProbeArgs) -> anyhow::Result<i32> {
    anyhow::bail!("tco probe is not implemented yet")
}

/// The probe's child-process entry point (none yet).
pub fn maybe_worker() -> Option<i32> {
    None
}
