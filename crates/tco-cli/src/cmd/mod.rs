//! One module per subcommand; each returns the text to print.
pub mod compare;
pub mod prices;
pub mod report;
pub mod sweep;
pub mod validate;
