//! The uncertainty screen: the break-even histogram and the tornado, once the
//! core can simulate. This build's core cannot yet, and the screen says so
//! rather than draw anything in their place.

use crate::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

#[derive(Debug)]
pub struct UncertaintyPanel<'a>(pub &'a App);

impl Widget for UncertaintyPanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let lines = vec![
            Line::from("Uncertainty: break-even histogram and tornado"),
            Line::from(""),
            Line::from(
                "Not available in this build: tco-core has no distributions or Monte Carlo \
                 simulation yet (`{dist: …}` inputs, `tco simulate` and `tco sensitivity` \
                 belong to a later issue).",
            ),
            Line::from(
                "When they exist, this screen will show the simulated break-even volumes \
                 and which inputs move the answer most. Nothing is estimated or drawn here \
                 in their place.",
            ),
            Line::from(""),
            Line::from(format!(
                "Scenario: {}. Press 1 for the calculator.",
                self.0.now.report.scenario
            )),
        ];
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" 2 uncertainty "))
            .render(area, buf);
    }
}
