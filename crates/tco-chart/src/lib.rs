//! tco-chart: the charts of tco's results as SVG text.
//!
//! Every chart is a plain-data struct (numbers as `f64`, labels as preformatted
//! strings) with a `to_svg` method, so the command line and the browser page
//! (through tco-wasm) draw byte-identical pictures from the same input:
//!
//! - [`CostChart`]: monthly cost against token volume, one line per option, with
//!   break-even markers and the workload volume (log axes by default);
//! - [`Histogram`]: the distribution of break-even volumes from `tco simulate`;
//! - [`Tornado`]: how far each input moves a result (`tco sensitivity`);
//! - [`CashChart`]: cumulative discounted cash over the horizon (`tco npv`);
//! - [`SharesChart`]: a hybrid's monthly cost against the share served locally;
//! - [`CurveChart`]: a throughput estimate's tokens/s against batch size.
//!
//! Each also has a constructor from tco-core's result, so every face labels and
//! scales a chart alike: [`CostChart::for_scenario`] (what `tco report --plot`
//! draws), [`CostChart::from_report`], [`Histogram::from_simulation`],
//! [`Tornado::break_even`], [`Tornado::saving`], [`CashChart::from_finance`],
//! [`SharesChart::from_hybrid`], [`CurveChart::from_estimate`].
//!
//! Charts are 800 px wide (500 px high, taller for long tornados), with axis
//! labels that carry units and currency. plotters maps data to pixels and
//! draws the axes; the SVG itself comes from this crate's backend, which
//! measures text from a fixed glyph-width table (no fonts, no DOM) and marks
//! each series and marker with `class` and `data-*` attributes:
//! `<g class="series" data-name=… data-kind=…>`, `<g class="marker …" data-x=… data-y=…>`,
//! `<g class="workload" data-x=…>`, and `<g class="axes" data-left=… data-x-scale=…>`
//! with the plot area's pixel bounds (inclusive) and data ranges: on a log axis a
//! value v lies at `left + (log v − log min) / (log max − log min) · (right − left)`.
//!
//! ```
//! use tco_chart::{CostChart, CostSeries, Marker, SeriesKind};
//! let chart = CostChart {
//!     title: "4x A100 vs Claude Sonnet 4.6".into(),
//!     currency: "USD".into(),
//!     x_log: true,
//!     y_log: true,
//!     series: vec![CostSeries {
//!         name: "Claude Sonnet 4.6".into(),
//!         kind: SeriesKind::Api,
//!         points: vec![(1e6, 5.4), (1e10, 54_000.0)],
//!         unservable_from: None,
//!     }],
//!     break_evens: vec![Marker { label: "988M".into(), x: 988e6, y: 5337.4 }],
//!     workload: Some(100e6),
//! };
//! let svg = chart.to_svg().unwrap();
//! assert!(svg.starts_with("<svg") && svg.contains("USD / month"));
//! ```

mod canvas;
mod cash;
mod cost;
mod curve;
mod frame;
mod from_core;
mod histogram;
pub mod html;
mod shares;
mod ticks;
mod tornado;

pub use cash::{CashChart, CashSeries};
pub use cost::{CostChart, CostSeries, SeriesKind};
pub use curve::CurveChart;
pub use histogram::{Bin, Histogram};
pub use shares::{SharesChart, SharesSeries};
pub use ticks::Unit;
pub use tornado::{Bar, Tornado};

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChartError {
    /// plotters refused a drawing step; only a broken invariant in this crate can cause it.
    #[error("cannot draw the chart: {0}")]
    Draw(String),
}

/// A labelled point: a break-even, a payback month, the best hybrid share.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Shown beside the point, e.g. `988M` or `payback 14 months`.
    pub label: String,
    pub x: f64,
    pub y: f64,
}

/// A labelled vertical line: a percentile, the workload volume.
#[derive(Debug, Clone, PartialEq)]
pub struct VMarker {
    pub label: String,
    pub x: f64,
}
