//! tco-tui: the terminal calculator behind `tco tui`.
//!
//! Change an assumption, watch the break-even move. The [`app::App`] holds the
//! scenario's YAML tree and the last good computation; keys map to named
//! [`app::Action`]s; [`ui`] draws one widget per panel. Every figure comes
//! from tco-core's `evaluate` and `sweep`, formatted by `tco_core::format`, so
//! the screen agrees with `tco report` to the cent.

pub mod app;
pub mod compute;
pub mod fields;
pub mod probe;
pub mod ui;

pub use app::{App, Launch};

use crossterm::event::{self, Event, KeyEventKind};

/// Restores the terminal when dropped, so an early return or an error leaves
/// the shell as it was (ratatui's panic hook covers panics).
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// Runs the calculator until the user quits. The scenario is read first, so
/// an invalid one is reported on a normal terminal.
pub fn run(launch: Launch) -> error::Result<()> {
    let mut app = App::new(launch).map_err(error::Error::Scenario)?;
    // init() enters the alternate screen and raw mode and installs a panic
    // hook that restores the terminal before the panic message is printed.
    let mut terminal = ratatui::init();
    let _restore = Restore;
    while !app.quit {
        terminal
            .draw(|f| f.render_widget(&app, f.area()))
            .map_err(error::Error::Io)?;
        // Wake up now and then to show a running probe's progress.
        if event::poll(std::time::Duration::from_millis(100)).map_err(error::Error::Io)? {
            match event::read().map_err(error::Error::Io)? {
                Event::Key(k) if k.kind == KeyEventKind::Press => app.handle_key(k),
                // A resize needs nothing but the redraw at the top of the loop.
                _ => {}
            }
        }
        app.tick();
    }
    Ok(())
}

/// The errors `run` returns.
pub mod error {
    /// Why the calculator stopped.
    #[derive(Debug)]
    #[non_exhaustive]
    pub enum Error {
        /// The scenario could not be read.
        Scenario(tco_core::Error),
        /// The terminal failed.
        Io(std::io::Error),
    }

    impl std::fmt::Display for Error {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self {
                Error::Scenario(e) => write!(f, "{e}"),
                Error::Io(e) => write!(f, "terminal: {e}"),
            }
        }
    }

    impl std::error::Error for Error {}

    pub type Result<T> = std::result::Result<T, Error>;
}
