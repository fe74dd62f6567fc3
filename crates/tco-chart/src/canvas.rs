//! A plotters drawing backend that writes SVG into a shared buffer.
//!
//! plotters-svg would do the drawing, but two things it cannot: mark what an
//! element means (tests and the page need `<g class="series" data-name=…>`),
//! and measure text the same way everywhere — plotters asks the browser's DOM
//! for text sizes in wasm32 and guesses from the byte count elsewhere, so the
//! same chart would lay out differently on the page and on the command line.
//! This backend measures text from a fixed table of glyph widths and lets the
//! chart code write group tags between plotters' draw calls.

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use plotters_backend::{FontStyle, FontTransform};
use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;

/// The SVG text being built, shared by the backend and the chart code.
#[derive(Debug, Default)]
pub(crate) struct Doc {
    pub out: String,
    /// `stroke-dasharray` for the paths and lines drawn while it is set.
    pub dash: Option<&'static str>,
}

pub(crate) type SharedDoc = Rc<RefCell<Doc>>;

#[derive(Debug)]
pub(crate) struct SvgCanvas {
    doc: SharedDoc,
    size: (u32, u32),
}

/// Never produced: writing into a `String` cannot fail.
#[derive(Debug, thiserror::Error)]
#[error("unreachable SVG backend error")]
pub struct NoError;

impl SvgCanvas {
    pub fn new(doc: SharedDoc, size: (u32, u32)) -> Self {
        SvgCanvas { doc, size }
    }
}

/// `&`, `<`, `>`, `"` and `'` as XML entities.
pub(crate) fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => s.push(' '),
            c => s.push(c),
        }
    }
    s
}

pub(crate) fn color(c: BackendColor) -> String {
    let (r, g, b) = c.rgb;
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Opacity with at most three decimals, or nothing when opaque.
fn opacity(attr: &str, c: BackendColor) -> String {
    if c.alpha >= 1.0 {
        return String::new();
    }
    let a = format!("{:.3}", c.alpha.max(0.0));
    let a = a.trim_end_matches('0').trim_end_matches('.');
    format!(" {attr}=\"{a}\"")
}

/// Width of `text` in pixels at `size` px, from the advance widths of DejaVu
/// Sans (the usual sans-serif on Linux; Verdana's are alike, Arial's narrower),
/// so estimates err on the wide side.
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    let em: f64 = text.chars().map(advance).sum();
    em * size
}

/// DejaVu Sans advance width in em.
fn advance(c: char) -> f64 {
    match c {
        'a' => 0.613,
        'b' | 'd' | 'g' | 'p' | 'q' => 0.635,
        'c' => 0.550,
        'e' => 0.615,
        'f' => 0.352,
        'h' | 'n' | 'u' => 0.634,
        'i' | 'j' | 'l' => 0.278,
        'k' => 0.579,
        'm' => 0.974,
        'o' => 0.612,
        'r' => 0.411,
        's' => 0.521,
        't' => 0.392,
        'v' | 'x' | 'y' => 0.592,
        'w' => 0.818,
        'z' => 0.525,
        'A' | 'V' | 'X' | 'Z' => 0.685,
        'B' => 0.686,
        'C' => 0.698,
        'D' => 0.770,
        'E' => 0.632,
        'F' => 0.575,
        'G' => 0.775,
        'H' => 0.752,
        'I' | 'J' => 0.295,
        'K' => 0.656,
        'L' => 0.557,
        'M' => 0.863,
        'N' => 0.748,
        'O' | 'Q' => 0.787,
        'P' => 0.603,
        'R' => 0.695,
        'S' => 0.635,
        'T' | 'Y' => 0.611,
        'U' => 0.732,
        'W' => 0.989,
        '0'..='9' | '$' | '€' | '£' | '¥' | '–' => 0.636,
        ' ' | '.' | ',' | '·' => 0.3179,
        ':' | ';' | '/' | '\\' => 0.337,
        '-' => 0.361,
        '(' | ')' | '[' | ']' => 0.390,
        '\'' | '|' => 0.275,
        '"' => 0.460,
        '%' => 0.950,
        '&' => 0.780,
        '+' | '=' | '<' | '>' | '×' => 0.838,
        '_' => 0.500,
        '—' | '…' => 1.000,
        c if (c as u32) >= 0x2E80 => 1.000,
        _ => 0.700,
    }
}

impl DrawingBackend for SvgCanvas {
    type ErrorType = NoError;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<NoError>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<NoError>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        (x, y): BackendCoord,
        c: BackendColor,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        if c.alpha > 0.0 {
            let mut d = self.doc.borrow_mut();
            let _ = writeln!(
                d.out,
                r#"<rect x="{x}" y="{y}" width="1" height="1" fill="{}"{}/>"#,
                color(c),
                opacity("fill-opacity", c)
            );
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        (x0, y0): BackendCoord,
        (x1, y1): BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        let c = style.color();
        if c.alpha > 0.0 {
            let mut d = self.doc.borrow_mut();
            let dash = dash_attr(d.dash);
            let _ = writeln!(
                d.out,
                r#"<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="{}" stroke-width="{}"{}{dash}/>"#,
                color(c),
                style.stroke_width(),
                opacity("stroke-opacity", c)
            );
        }
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        (x0, y0): BackendCoord,
        (x1, y1): BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        let c = style.color();
        if c.alpha > 0.0 {
            let (x, y) = (x0.min(x1), y0.min(y1));
            let (w, h) = ((x1 - x0).abs(), (y1 - y0).abs());
            let paint = if fill {
                format!(r#"fill="{}"{}"#, color(c), opacity("fill-opacity", c))
            } else {
                format!(
                    r#"fill="none" stroke="{}" stroke-width="{}"{}"#,
                    color(c),
                    style.stroke_width(),
                    opacity("stroke-opacity", c)
                )
            };
            let _ = writeln!(
                self.doc.borrow_mut().out,
                r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" {paint}/>"#
            );
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        let c = style.color();
        if c.alpha > 0.0 {
            let mut points = String::new();
            for (i, (x, y)) in path.into_iter().enumerate() {
                if i > 0 {
                    points.push(' ');
                }
                let _ = write!(points, "{x},{y}");
            }
            let mut d = self.doc.borrow_mut();
            let dash = dash_attr(d.dash);
            let _ = writeln!(
                d.out,
                r#"<polyline fill="none" stroke="{}" stroke-width="{}" stroke-linejoin="round"{}{dash} points="{points}"/>"#,
                color(c),
                style.stroke_width(),
                opacity("stroke-opacity", c)
            );
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        (x, y): BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        let c = style.color();
        if c.alpha > 0.0 {
            let paint = if fill {
                format!(
                    r##"fill="{}"{} stroke="#ffffff" stroke-width="1""##,
                    color(c),
                    opacity("fill-opacity", c)
                )
            } else {
                format!(
                    r#"fill="none" stroke="{}" stroke-width="{}""#,
                    color(c),
                    style.stroke_width()
                )
            };
            let _ = writeln!(
                self.doc.borrow_mut().out,
                r#"<circle cx="{x}" cy="{y}" r="{radius}" {paint}/>"#
            );
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        let c = style.color();
        if c.alpha > 0.0 {
            let mut points = String::new();
            for (i, (x, y)) in vert.into_iter().enumerate() {
                if i > 0 {
                    points.push(' ');
                }
                let _ = write!(points, "{x},{y}");
            }
            let _ = writeln!(
                self.doc.borrow_mut().out,
                r#"<polygon points="{points}" fill="{}"{}/>"#,
                color(c),
                opacity("fill-opacity", c)
            );
        }
        Ok(())
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        (x, y): BackendCoord,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        let c = style.color();
        if c.alpha <= 0.0 || text.is_empty() {
            return Ok(());
        }
        let anchor = match style.anchor().h_pos {
            HPos::Left => "start",
            HPos::Center => "middle",
            HPos::Right => "end",
        };
        // Baseline shifts that place the text box's top, middle or bottom at y.
        let dy = match style.anchor().v_pos {
            VPos::Top => "0.8em",
            VPos::Center => "0.35em",
            VPos::Bottom => "0",
        };
        let weight = match style.style() {
            FontStyle::Bold => r#" font-weight="bold""#,
            FontStyle::Italic | FontStyle::Oblique => r#" font-style="italic""#,
            FontStyle::Normal => "",
        };
        let rotate = match style.transform() {
            FontTransform::Rotate90 => format!(r#" transform="rotate(90 {x} {y})""#),
            FontTransform::Rotate180 => format!(r#" transform="rotate(180 {x} {y})""#),
            FontTransform::Rotate270 => format!(r#" transform="rotate(270 {x} {y})""#),
            FontTransform::None => String::new(),
        };
        let dy_attr = if dy == "0" {
            String::new()
        } else {
            format!(r#" dy="{dy}""#)
        };
        let _ = writeln!(
            self.doc.borrow_mut().out,
            r#"<text x="{x}" y="{y}"{dy_attr} text-anchor="{anchor}" font-size="{}" fill="{}"{}{weight}{rotate}>{}</text>"#,
            style.size(),
            color(c),
            opacity("fill-opacity", c),
            escape(text)
        );
        Ok(())
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<NoError>> {
        let size = style.size();
        Ok((
            text_width(text, size).ceil() as u32,
            (size * 1.2).ceil() as u32,
        ))
    }
}

fn dash_attr(dash: Option<&'static str>) -> String {
    dash.map_or(String::new(), |d| format!(r#" stroke-dasharray="{d}""#))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"a<b & "c" 'd'>"#),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
        assert_eq!(escape("x\u{1}y"), "x y");
    }

    #[test]
    fn widths_count_characters_not_bytes() {
        // The euro sign is three bytes but one digit-wide glyph.
        assert_eq!(text_width("€1", 10.0), text_width("$1", 10.0));
        assert!(text_width("WWW", 12.0) > text_width("iii", 12.0) * 2.0);
    }
}
