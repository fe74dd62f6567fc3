//! Text placement: cutting text to fit, the legend's rows, and the places a
//! label may move to so that it keeps clear of other labels, dots and lines.

use super::geometry::{crosses, BoxPx};
use super::theme::LEGEND_FONT;
use super::{Anchor, LegendEntry, Place};
use crate::canvas::text_width;

/// Cuts `text` to `max` pixels at `size`, ending in an ellipsis.
pub(crate) fn fit_text(text: &str, size: f64, max: f64) -> String {
    if text_width(text, size) <= max {
        return text.to_string();
    }
    let mut s: String = text.to_string();
    while !s.is_empty() && text_width(&s, size) + text_width("…", size) > max {
        s.pop();
    }
    format!("{}…", s.trim_end_matches([' ', '.', ',', ':', ';', '-']))
}

/// Lays the legend out in rows no wider than `width`; returns (row, x offset) per entry and the row count.
pub(super) fn legend_layout(entries: &[LegendEntry], width: f64) -> (Vec<(usize, f64)>, usize) {
    let mut out = Vec::with_capacity(entries.len());
    let (mut row, mut x) = (0usize, 0.0f64);
    for e in entries {
        let w = 26.0 + text_width(&e.name, LEGEND_FONT) + 20.0;
        if x > 0.0 && x + w > width {
            row += 1;
            x = 0.0;
        }
        out.push((row, x));
        x += w;
    }
    (out, if entries.is_empty() { 0 } else { row + 1 })
}

/// What a label must keep clear of.
#[derive(Default)]
pub(super) struct Obstacles {
    pub(super) boxes: Vec<BoxPx>,
    /// Marker dots (centre, radius): a label keeps a clear margin from other markers' dots.
    pub(super) dots: Vec<(f64, f64, f64)>,
    pub(super) segments: Vec<((f64, f64), (f64, f64))>,
}

impl Obstacles {
    /// Whether `b` overlaps a label, or comes near a dot other than the one at `own`.
    pub(super) fn hits_box(&self, b: &BoxPx, own: (f64, f64)) -> bool {
        self.boxes.iter().any(|o| o.overlaps(b))
            || self.dots.iter().any(|&(x, y, r)| {
                let mine = (x - own.0).abs() < 1.5 && (y - own.1).abs() < 1.5;
                let m = if mine { r } else { r + 8.0 };
                b.overlaps(&BoxPx {
                    x0: x - m,
                    y0: y - m,
                    x1: x + m,
                    y1: y + m,
                })
            })
    }

    pub(super) fn hits_line(&self, b: &BoxPx) -> bool {
        self.segments.iter().any(|(p, q)| crosses(b, *p, *q))
    }
}

/// The places tried for a label, ring by ring outwards, the requested one first.
pub(super) fn candidates(
    h: Anchor,
    dx: i32,
    dy: i32,
    place: Place,
) -> Vec<Vec<(Anchor, i32, i32)>> {
    let mut rings = vec![vec![(h, dx, dy)]];
    match place {
        Place::Fixed => {}
        Place::Stack => {
            // Each row down: this side of the anchor, then the other.
            let other = match h {
                Anchor::Left => Anchor::Right,
                Anchor::Right => Anchor::Left,
                Anchor::Center => Anchor::Center,
            };
            if let Some(first) = rings.first_mut() {
                first.push((other, -dx, dy));
            }
            for k in 1..=6 {
                rings.push(vec![(h, dx, dy + k * 16), (other, -dx, dy + k * 16)]);
            }
        }
        Place::Around => {
            if let Some(first) = rings.first_mut() {
                first.extend([
                    (Anchor::Right, -8, -14),
                    (Anchor::Left, 8, -14),
                    (Anchor::Left, 8, 14),
                    (Anchor::Right, -8, 14),
                    (Anchor::Left, 10, 0),
                    (Anchor::Right, -10, 0),
                ]);
            }
            for ring in [30, 46, 62] {
                rings.push(vec![
                    (Anchor::Right, -8, -ring),
                    (Anchor::Left, 8, -ring),
                    (Anchor::Left, 8, ring),
                    (Anchor::Right, -8, ring),
                ]);
            }
        }
    }
    rings
}
