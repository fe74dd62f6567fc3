//! How much any one input may hold.
//!
//! Users share scenario files and page links, so a file from someone else must
//! not be able to take tco down. Every reader stops at these limits with a
//! located error naming the limit, in bounded time and memory, on every face
//! (the command line, the terminal calculator, the page). They are far above
//! what real inputs hold (in brackets: the largest bundled or real-world one).
//!
//! The YAML reader's own limits are in [`crate::yaml`]: 16 MiB of text
//! ([`crate::yaml::MAX_INPUT_BYTES`]), 64 levels of nesting
//! ([`crate::yaml::MAX_DEPTH`]) and 500,000 values after aliases are expanded
//! ([`crate::yaml::MAX_NODES`]).

/// API options in one scenario (bundled: 3). Each (local, API) pair is solved
/// for its break-even and simulated, so the product matters: 50 × 50 pairs
/// keep `tco report` under a second and the page responsive.
pub const MAX_API_OPTIONS: usize = 50;
/// Local options in one scenario (bundled: 2).
pub const MAX_LOCAL_OPTIONS: usize = 50;
/// Inputs written as distributions in one scenario (bundled: 4). Each is
/// swung twice by `tco sensitivity`, re-running the whole model.
pub const MAX_DISTRIBUTIONS: usize = 200;
/// Models in a price table, and models kept by `tco prices import`
/// (LiteLLM's whole list: about 2,600 entries, 1,500 of them chat models).
pub const MAX_PRICE_ENTRIES: usize = 20_000;
/// Entries of a LiteLLM price list read by `tco prices import`, chat or not
/// (the real list: about 2,600).
pub const MAX_IMPORT_ENTRIES: usize = 50_000;
/// Machines in a hardware table (bundled: 20).
pub const MAX_HARDWARE_ENTRIES: usize = 10_000;
/// Concurrency (or load) levels in a calibration file (the probe measures 3 to 6).
pub const MAX_CALIBRATION_LEVELS: usize = 256;
/// Timed requests (`samples`, `requests`) in a calibration file (the probe
/// records under 100; a server sweep a few thousand).
pub const MAX_CALIBRATION_SAMPLES: usize = 100_000;

/// The message for a list over its limit: "has N entries", allowed "at most M".
pub(crate) fn too_many(what: &str, n: usize, max: usize) -> (String, String) {
    (
        format!("has {n} {what}, more than tco reads"),
        format!("at most {max} {what}"),
    )
}
