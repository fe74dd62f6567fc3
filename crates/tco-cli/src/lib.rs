//! The `tco` command as a library, for the fuzz targets (`fuzz/`,
//! `crates/tco-fuzz`), which drive the CLI's own renderers in-process.
//!
//! `main.rs` stays the binary's root; the library includes it whole, so both
//! always hold the same modules, and re-exports only what the fuzz targets
//! call.

// The binary's own items (main, the commands' argument plumbing) are unused
// here, and its types are not an API.
#![allow(dead_code, missing_debug_implementations)]

include!("main.rs");

/// The renderers `tco report` and `tco simulate` print with.
pub mod render {
    pub use crate::cmd::report::render as report;
    pub use crate::cmd::simulate::{csv as simulate_csv, render as simulate};
    pub use crate::output::json;
}
