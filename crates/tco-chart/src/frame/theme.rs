//! Sizes, fonts and colours of every chart.

use plotters::prelude::*;

pub(crate) const WIDTH: u32 = 800;
pub(crate) const HEIGHT: u32 = 500;
pub(super) const TICK_FONT: f64 = 13.0;
pub(super) const AXIS_FONT: f64 = 14.0;
pub(super) const TITLE_FONT: f64 = 18.0;
pub(super) const LEGEND_FONT: f64 = 13.0;
pub(super) const LABEL_FONT: f64 = 12.0;
/// Bold text is about this much wider than regular.
pub(crate) const BOLD: f64 = 1.1;

pub(crate) const INK: RGBColor = RGBColor(40, 40, 40);
pub(crate) const MUTED: RGBColor = RGBColor(100, 100, 100);
pub(super) const GRID: RGBColor = RGBColor(228, 228, 228);

/// Paul Tol's "bright" scheme: distinguishable with the common colour-vision deficiencies.
pub(crate) const PALETTE: [RGBColor; 7] = [
    RGBColor(0x44, 0x77, 0xAA),
    RGBColor(0xEE, 0x66, 0x77),
    RGBColor(0x22, 0x88, 0x33),
    RGBColor(0xCC, 0xBB, 0x44),
    RGBColor(0x66, 0xCC, 0xEE),
    RGBColor(0xAA, 0x33, 0x77),
    RGBColor(0x88, 0x88, 0x88),
];

pub(crate) fn palette(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

pub(super) fn font(size: f64, color: RGBColor) -> TextStyle<'static> {
    let mut s = TextStyle::from(("sans-serif", size).into_font());
    s.color = color.to_backend_color();
    s
}

pub(super) fn bold(size: f64, color: RGBColor) -> TextStyle<'static> {
    let mut s = TextStyle::from(("sans-serif", size, FontStyle::Bold).into_font());
    s.color = color.to_backend_color();
    s
}
