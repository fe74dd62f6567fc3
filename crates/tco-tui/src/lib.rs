//! tco-tui: the terminal calculator behind `tco tui`.
//!
//! Change an assumption, watch the break-even move. The [`app::App`] holds the
//! scenario's YAML tree and the last good computation; keys map to named
//! [`app::Action`]s; [`ui`] draws one widget per panel. Every figure comes
//! from tco-core's `evaluate` and `sweep`, formatted by `tco_core::model::format`, so
//! the screen agrees with `tco report` to the cent; the uncertainty screen's
//! from `simulate` and `sensitivity`, run on a thread ([`uncertainty`]).

pub mod app;
pub mod compute;
pub mod fields;
pub mod probe;
pub mod server;
pub mod ui;
pub mod uncertainty;

pub use app::{App, Launch};

use crossterm::event::{self, Event, KeyEventKind};
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Set to any value in a debug build, makes `tco tui` panic right after its
/// first frame: the end-to-end test of the panic path uses it.
#[cfg(debug_assertions)]
pub const PANIC_FOR_TEST_ENV: &str = "TCO_TUI_PANIC_FOR_TEST";

/// The bytes that give the terminal back: leave the alternate screen, show
/// the cursor. (Raw mode is a terminal setting, not a byte sequence.)
pub fn write_restore(out: &mut impl Write) -> std::io::Result<()> {
    crossterm::execute!(
        out,
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    )
}

/// Whether the calculator holds the terminal (raw mode, alternate screen).
static TERMINAL_TAKEN: AtomicBool = AtomicBool::new(false);

/// Gives the terminal back: raw mode off first (it has more side effects),
/// then the alternate screen and the cursor. Only once: the panic hook runs
/// it and then the drop guard during unwinding, and leaving the alternate
/// screen a second time would move the cursor back to where it was when the
/// calculator started (terminals restore the cursor saved on entry), so the
/// shell would print over the panic message.
fn restore_terminal() {
    if TERMINAL_TAKEN.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = write_restore(&mut std::io::stdout());
    }
}

/// Restores the terminal when dropped, so an early return or an error leaves
/// the shell as it was (the panic hook covers panics, before their message).
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Installs a panic hook that, for a panic on the key loop's thread, gives
/// the terminal back before the panic message is printed (so the message is
/// readable on the normal screen). A panic on another thread leaves the
/// terminal to the calculator, which is still running: the uncertainty thread
/// catches its own and shows it, a probe that dies says it stopped.
fn install_panic_hook() {
    let ui = std::thread::current().id();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == ui {
            restore_terminal();
            previous(info);
        }
    }));
}

/// Runs the calculator until the user quits. The scenario is read first, so
/// an invalid one is reported on a normal terminal.
pub fn run(launch: Launch) -> error::Result<()> {
    let mut app = App::new(launch).map_err(error::Error::Scenario)?;
    install_panic_hook();
    let _restore = Restore;
    TERMINAL_TAKEN.store(true, Ordering::SeqCst);
    enable_raw_mode().map_err(error::Error::Io)?;
    crossterm::execute!(std::io::stdout(), EnterAlternateScreen).map_err(error::Error::Io)?;
    let mut terminal =
        Terminal::new(CrosstermBackend::new(std::io::stdout())).map_err(error::Error::Io)?;
    #[cfg(debug_assertions)]
    let mut frames = 0u64;
    while !app.quit {
        terminal
            .draw(|f| f.render_widget(&app, f.area()))
            .map_err(error::Error::Io)?;
        #[cfg(debug_assertions)]
        {
            frames += 1;
            if frames == 1 && std::env::var_os(PANIC_FOR_TEST_ENV).is_some() {
                forced_panic();
            }
        }
        // Wake up now and then to show a running probe's progress, and
        // often while the simulation thread is working.
        let wait = if app.busy() { 10 } else { 100 };
        if event::poll(Duration::from_millis(wait)).map_err(error::Error::Io)? {
            match event::read().map_err(error::Error::Io)? {
                Event::Key(k) if k.kind == KeyEventKind::Press => app.handle_key(k),
                // A resize needs nothing but the redraw at the top of the loop.
                _ => {}
            }
        }
        app.tick();
    }
    // A probe still running stops (a quit after a save does not pass the
    // quit keys' own cancel).
    app.cancel_jobs();
    Ok(())
}

#[cfg(debug_assertions)]
#[allow(clippy::panic)] // the point: a test of the panic path
fn forced_panic() -> ! {
    panic!("{PANIC_FOR_TEST_ENV} is set: a deliberate panic to test that the terminal is restored");
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    #[test]
    fn restoring_leaves_the_alternate_screen_and_shows_the_cursor() {
        let mut out = Vec::new();
        super::write_restore(&mut out).unwrap();
        // CSI ?1049l leaves the alternate screen, CSI ?25h shows the cursor.
        assert_eq!(String::from_utf8(out).unwrap(), "\x1b[?1049l\x1b[?25h");
    }
}
