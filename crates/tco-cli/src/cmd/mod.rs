//! One module per subcommand; each returns the text to print.
pub mod compare;
pub mod hardware;
pub mod hybrid;
pub mod machines;
pub mod npv;
pub mod prices;
pub mod report;
pub mod sensitivity;
pub mod simulate;
pub mod sweep;
pub mod validate;
