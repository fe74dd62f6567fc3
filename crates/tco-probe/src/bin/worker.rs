//! The probe worker on its own, for tco-probe's tests and for embedding
//! programs that would rather not re-run themselves; `tco` re-runs itself.

fn main() {
    match tco_probe::maybe_worker() {
        Some(code) => std::process::exit(code),
        None => {
            eprintln!(
                "tco-probe-worker is started by tco-probe with {} set; run `tco probe` instead",
                tco_probe::protocol::WORKER_ENV
            );
            std::process::exit(2);
        }
    }
}
