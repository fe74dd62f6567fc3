//! A hybrid's monthly cost against the share of tokens served locally.

use crate::frame::{
    self, palette, Anchor, At, Axis, LegendEntry, Place, Plot, Shape, Swatch, INK, MUTED,
};
use crate::ticks::Unit;
use crate::{ChartError, Marker};

/// One combination's monthly cost by local share.
#[derive(Debug, Clone, PartialEq)]
pub struct SharesSeries {
    pub name: String,
    /// (local share 0 to 1, cost per month).
    pub points: Vec<(f64, f64)>,
    /// The cheapest split, e.g. label `62.5% local: $4,210`.
    pub best: Option<Marker>,
}

/// Monthly cost against the local share, with the cheapest share marked.
#[derive(Debug, Clone, PartialEq)]
pub struct SharesChart {
    pub title: String,
    /// ISO code for the axis and ticks.
    pub currency: String,
    pub series: Vec<SharesSeries>,
}

impl SharesChart {
    /// The chart as an 800×500 SVG document.
    pub fn to_svg(&self) -> Result<String, ChartError> {
        let money = Unit::Money {
            currency: self.currency.clone(),
        };
        let ys = self.series.iter().flat_map(|s| {
            s.points
                .iter()
                .map(|p| p.1)
                .chain(s.best.as_ref().map(|m| m.y))
        });
        let data = frame::extent(false, ys);
        // Start at zero unless the lines sit far above it.
        let zero = data.is_some_and(|(lo, hi)| lo < 0.0 || lo < hi * 0.5);
        let (y_lo, y_hi) = frame::bounds(&money, false, data, zero);

        let mut legend = Vec::new();
        let mut groups = Vec::new();
        frame::series_lines(
            self.series
                .iter()
                .map(|s| (s.name.as_str(), s.points.as_slice())),
            "hybrid",
            &mut legend,
            &mut groups,
        );
        if self.series.iter().any(|s| s.best.is_some()) {
            legend.push(LegendEntry {
                name: "cheapest split".into(),
                color: MUTED,
                swatch: Swatch::Dot,
            });
        }
        for (i, s) in self.series.iter().enumerate() {
            let Some(m) = &s.best else {
                continue;
            };
            let color = palette(i);
            groups.push(
                frame::series_marker("marker best", &s.name, m)
                    .shape(Shape::Dot {
                        at: (m.x, m.y),
                        r: 5,
                        color,
                    })
                    .shape(Shape::Label {
                        x: At::Data(m.x),
                        y: At::Data(m.y),
                        text: m.label.clone(),
                        dx: 0,
                        dy: 16,
                        h: Anchor::Center,
                        color: INK,
                        bold: true,
                        place: Place::Around,
                    }),
            );
        }
        frame::render(&Plot {
            title: self.title.clone(),
            note: None,
            x: Axis::new(
                "share of tokens served locally",
                Unit::Share,
                false,
                0.0,
                1.0,
            ),
            y: Axis::new(
                format!("{} / month", self.currency),
                money,
                false,
                y_lo,
                y_hi,
            ),
            legend,
            groups,
            height: frame::HEIGHT,
        })
    }
}
