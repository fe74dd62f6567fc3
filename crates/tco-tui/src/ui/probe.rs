//! The probe screen. Running `tco probe` in the background from here is not
//! built yet; the screen says what this build can do and how to get a
//! measured throughput into the scenario meanwhile.

use crate::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

#[derive(Debug)]
pub struct ProbePanel<'a>(pub &'a App);

impl Widget for ProbePanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let built = if app.probe_built {
            "This `tco` was built with llama.cpp (`--features llama`): `tco probe` works from the shell."
        } else {
            "This `tco` was built without llama.cpp, so it cannot measure; it can still turn \
             llama-bench's JSON output into a calibration (see `tco probe --help`). Rebuild with \
             `cargo build --release --features llama` to measure."
        };
        let mut lines = vec![
            Line::from("Probe: measure what a machine delivers"),
            Line::from(""),
            Line::from(built),
            Line::from(""),
            Line::from(
                "Running a probe from inside the calculator, with live progress, is not built \
                 yet. Meanwhile: run `tco probe --model FILE.gguf --out calibration.yaml` \
                 and set a local option's `throughput: {calibration: calibration.yaml}`; \
                 the calculator then shows the measured rate.",
            ),
            Line::from(""),
        ];
        for l in &app.now.report.local {
            lines.push(Line::from(format!(
                "{}: {} tokens/s decode, {} prefill ({})",
                l.name,
                l.throughput.decode_tokens_per_second.normalize(),
                l.throughput.prefill_tokens_per_second.normalize(),
                l.throughput.source
            )));
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" 3 probe "))
            .render(area, buf);
    }
}
