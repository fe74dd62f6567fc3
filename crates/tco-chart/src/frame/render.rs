//! Drawing a [`Plot`] as SVG: the title, note and legend, the mesh, then
//! every group's shapes with its labels placed clear of each other.

use super::geometry::{axis_ticks, range, scale_name, BoxPx, Geo, Ticked};
use super::labels::{candidates, fit_text, legend_layout, Obstacles};
use super::theme::*;
use super::{Anchor, Group, Place, Plot, Shape, Swatch};
use crate::canvas::{escape, text_width, Doc, SharedDoc, SvgCanvas};
use crate::ChartError;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;

/// A plotters error, as text (only a broken invariant could produce one).
fn draw_err<E: std::fmt::Debug>(e: E) -> ChartError {
    ChartError::Draw(format!("{e:?}"))
}

type Chart<'a> = ChartContext<'a, SvgCanvas, Cartesian2d<Ticked, Ticked>>;

pub(crate) fn render(p: &Plot) -> Result<String, ChartError> {
    let (w, h) = (WIDTH, p.height.max(HEIGHT));
    let doc: SharedDoc = Rc::new(RefCell::new(Doc::default()));
    {
        let mut d = doc.borrow_mut();
        let _ = writeln!(
            d.out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="DejaVu Sans, Verdana, Arial, sans-serif" role="img">"#
        );
        let _ = writeln!(d.out, "<title>{}</title>", escape(&p.title));
    }
    let root = SvgCanvas::new(doc.clone(), (w, h)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_err)?;

    // Title, note and legend from the top down.
    let pad = 16.0;
    let mut top = 12.0;
    doc.borrow_mut().out.push_str("<g class=\"title\">\n");
    root.draw(&Text::new(
        fit_text(&p.title, TITLE_FONT * BOLD, f64::from(w) - 2.0 * pad),
        (pad as i32, top as i32),
        bold(TITLE_FONT, INK).pos(Pos::new(HPos::Left, VPos::Top)),
    ))
    .map_err(draw_err)?;
    top += TITLE_FONT + 8.0;
    if let Some(note) = &p.note {
        root.draw(&Text::new(
            fit_text(note, LEGEND_FONT, f64::from(w) - 2.0 * pad),
            (pad as i32, top as i32),
            font(LEGEND_FONT, MUTED).pos(Pos::new(HPos::Left, VPos::Top)),
        ))
        .map_err(draw_err)?;
        top += LEGEND_FONT + 8.0;
    }
    doc.borrow_mut().out.push_str("</g>\n");

    let (places, rows) = legend_layout(&p.legend, f64::from(w) - 2.0 * pad);
    if rows > 0 {
        top += 4.0;
        doc.borrow_mut().out.push_str("<g class=\"legend\">\n");
        for (e, (row, dx)) in p.legend.iter().zip(&places) {
            let x = (pad + dx) as i32;
            let y = (top + *row as f64 * 20.0 + 8.0) as i32;
            let _ = writeln!(
                doc.borrow_mut().out,
                r#"<g class="legend-entry" data-name="{}">"#,
                escape(&e.name)
            );
            match e.swatch {
                Swatch::Line(dash) => {
                    doc.borrow_mut().dash = dash;
                    root.draw(&PathElement::new(
                        vec![(x, y), (x + 22, y)],
                        e.color.stroke_width(3),
                    ))
                    .map_err(draw_err)?;
                    doc.borrow_mut().dash = None;
                }
                Swatch::Box => root
                    .draw(&Rectangle::new(
                        [(x + 4, y - 6), (x + 18, y + 6)],
                        e.color.filled(),
                    ))
                    .map_err(draw_err)?,
                Swatch::Dot => root
                    .draw(&Circle::new((x + 11, y), 5, e.color.filled()))
                    .map_err(draw_err)?,
            }
            root.draw(&Text::new(
                e.name.clone(),
                (x + 28, y),
                font(LEGEND_FONT, INK).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(draw_err)?;
            doc.borrow_mut().out.push_str("</g>\n");
        }
        doc.borrow_mut().out.push_str("</g>\n");
        top += rows as f64 * 20.0;
    }
    top += 10.0;

    // Plot area: the y labels' width sets the left edge, the last x label the right.
    let bottom_room = 58.0;
    let plot_h = f64::from(h) - top - bottom_room;
    let y_ticks = axis_ticks(&p.y, plot_h, false);
    let y_label_w = y_ticks
        .iter()
        .map(|t| text_width(&t.label, TICK_FONT))
        .fold(0.0, f64::max);
    let max_cat = f64::from(w) * 0.4;
    let y_label_w = y_label_w.min(max_cat);
    let y_desc_room = if p.y.label.is_empty() { 0.0 } else { 22.0 };
    let left = pad + y_desc_room + y_label_w + 10.0;
    // The x ticks depend on the width and the width on the last tick: settle with one guess.
    let guess = axis_ticks(&p.x, f64::from(w) - left - 30.0, true);
    let right_room = guess.last().map_or(16.0, |t| {
        (text_width(&t.label, TICK_FONT) / 2.0 + 6.0).max(16.0)
    });
    let plot_w = f64::from(w) - left - right_room;
    let x_ticks = axis_ticks(&p.x, plot_w, true);

    let (x0, x1) = range(&p.x);
    let (y0, y1) = range(&p.y);
    let xk: Vec<f64> = x_ticks.iter().map(|t| t.pos).collect();
    let yk: Vec<f64> = y_ticks.iter().map(|t| t.pos).collect();
    let x_labels: Vec<(f64, String)> = x_ticks.iter().map(|t| (t.pos, t.label.clone())).collect();
    let y_labels: Vec<(f64, String)> = y_ticks
        .iter()
        .map(|t| (t.pos, fit_text(&t.label, TICK_FONT, max_cat)))
        .collect();
    let lookup = |labels: &[(f64, String)], v: f64| -> String {
        labels
            .iter()
            .find(|(pos, _)| (pos - v).abs() < 1e-9)
            .map_or(String::new(), |(_, l)| l.clone())
    };

    let mut chart: Chart = ChartBuilder::on(&root)
        .margin_top(top as i32)
        .margin_right(right_room as i32)
        .margin_left(0)
        .margin_bottom(0)
        .x_label_area_size(bottom_room as i32)
        .y_label_area_size(left as i32)
        .build_cartesian_2d(
            Ticked {
                lo: x0,
                hi: x1,
                ticks: xk,
            },
            Ticked {
                lo: y0,
                hi: y1,
                ticks: yk,
            },
        )
        .map_err(draw_err)?;

    {
        let (pl, pr) = chart.plotting_area().get_pixel_range();
        let _ = writeln!(
            doc.borrow_mut().out,
            r#"<g class="axes" data-left="{}" data-right="{}" data-top="{}" data-bottom="{}" data-x-scale="{}" data-x-min="{}" data-x-max="{}" data-y-scale="{}" data-y-min="{}" data-y-max="{}">"#,
            pl.start,
            pl.end - 1,
            pr.start,
            pr.end - 1,
            scale_name(&p.x),
            p.x.lo,
            p.x.hi,
            scale_name(&p.y),
            p.y.lo,
            p.y.hi
        );
    }
    let xf = |v: &f64| lookup(&x_labels, *v);
    let yf = |v: &f64| lookup(&y_labels, *v);
    let mut mesh = chart.configure_mesh();
    mesh.x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .label_style(font(TICK_FONT, INK))
        .set_all_tick_mark_size(4);
    if !p.y.categories.is_empty() {
        mesh.disable_y_mesh();
    }
    if !p.x.categories.is_empty() {
        mesh.disable_x_mesh();
    }
    mesh.draw().map_err(draw_err)?;
    doc.borrow_mut().out.push_str("</g>\n");

    // Axis descriptions, drawn here so their place does not depend on plotters' guesses.
    let (px, py) = chart.plotting_area().get_pixel_range();
    let (px0, px1, py0, py1) = (px.start, px.end, py.start, py.end);
    if !p.x.label.is_empty() {
        doc.borrow_mut().out.push_str("<g class=\"x-label\">\n");
        root.draw(&Text::new(
            p.x.label.clone(),
            ((px0 + px1) / 2, h as i32 - 12),
            font(AXIS_FONT, INK).pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))
        .map_err(draw_err)?;
        doc.borrow_mut().out.push_str("</g>\n");
    }
    if !p.y.label.is_empty() {
        doc.borrow_mut().out.push_str("<g class=\"y-label\">\n");
        root.draw(&Text::new(
            p.y.label.clone(),
            (pad as i32, (py0 + py1) / 2),
            font(AXIS_FONT, INK)
                .pos(Pos::new(HPos::Center, VPos::Top))
                .transform(FontTransform::Rotate270),
        ))
        .map_err(draw_err)?;
        doc.borrow_mut().out.push_str("</g>\n");
    }

    // The same mapping as plotters' (Ticked::map over its pixel limits), in floats
    // for geometry and rounded alike for drawing.
    let geo = Geo {
        t_x: (x0, x1),
        b_x: (px0, px1 - 1),
        t_y: (y0, y1),
        b_y: (py1 - 1, py0),
        x: &p.x,
        y: &p.y,
    };
    drop(chart);
    draw_groups(&root, &doc, &p.groups, &geo)?;
    drop(root);
    let mut d = doc.borrow_mut();
    d.out.push_str("</svg>\n");
    Ok(std::mem::take(&mut d.out))
}

fn draw_groups(
    root: &DrawingArea<SvgCanvas, plotters::coord::Shift>,
    doc: &SharedDoc,
    groups: &[Group],
    geo: &Geo,
) -> Result<(), ChartError> {
    // First the geometry every label must avoid: lines, rules and dots.
    let mut obstacles = Obstacles::default();
    let mut lines: Vec<Vec<Vec<(i32, i32)>>> = Vec::new();
    for g in groups {
        for s in &g.shapes {
            match s {
                Shape::Line { points, .. } => {
                    let mut drawn = Vec::new();
                    for run in geo.runs(points) {
                        let run = geo.simplify(&run);
                        for w in run.windows(2) {
                            obstacles.segments.push((
                                (geo.fx(w[0].0), geo.fy(w[0].1)),
                                (geo.fx(w[1].0), geo.fy(w[1].1)),
                            ));
                        }
                        drawn.push(run.iter().map(|&(a, b)| (geo.ix(a), geo.iy(b))).collect());
                    }
                    lines.push(drawn);
                }
                Shape::VRule { x, .. } => {
                    if let Some(t) = Geo::tf(geo.x, *x) {
                        let fx = geo.fx(t);
                        obstacles
                            .segments
                            .push(((fx, f64::from(geo.b_y.0)), (fx, f64::from(geo.b_y.1))));
                    }
                }
                Shape::Dot { at, r, .. } => {
                    if let Some((a, b)) = geo.point(*at) {
                        obstacles.dots.push((
                            f64::from(geo.ix(a)),
                            f64::from(geo.iy(b)),
                            f64::from(*r),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    let mut lines = lines.into_iter();

    let (px_lo, px_hi) = (f64::from(geo.b_x.0), f64::from(geo.b_x.1));
    let (py_top, py_bottom) = (f64::from(geo.b_y.1), f64::from(geo.b_y.0));
    for g in groups {
        {
            let mut d = doc.borrow_mut();
            let _ = write!(d.out, r#"<g class="{}""#, escape(&g.class));
            for (k, v) in &g.attrs {
                let _ = write!(d.out, r#" {k}="{}""#, escape(v));
            }
            d.out.push_str(">\n");
            if let Some(t) = &g.title {
                let _ = writeln!(d.out, "<title>{}</title>", escape(t));
            }
        }
        for s in &g.shapes {
            match s {
                Shape::Line {
                    color, width, dash, ..
                } => {
                    doc.borrow_mut().dash = *dash;
                    for run in lines.next().unwrap_or_default() {
                        root.draw(&PathElement::new(run, color.stroke_width(*width)))
                            .map_err(draw_err)?;
                    }
                    doc.borrow_mut().dash = None;
                }
                Shape::Rect {
                    from,
                    to,
                    fill,
                    gap,
                } => {
                    let (Some(a), Some(b)) = (geo.point(*from), geo.point(*to)) else {
                        continue;
                    };
                    let (ax, ay, bx, by) = (geo.ix(a.0), geo.iy(a.1), geo.ix(b.0), geo.iy(b.1));
                    let (l, r) = (ax.min(bx), ax.max(bx) - gap);
                    let (mut t, btm) = (ay.min(by), ay.max(by));
                    // A bar with any height in the data stays visible.
                    if t == btm && from.1 != to.1 {
                        t -= 1;
                    }
                    if r > l && btm > t {
                        root.draw(&Rectangle::new([(l, t), (r, btm)], fill.filled()))
                            .map_err(draw_err)?;
                    }
                }
                Shape::Dot { at, r, color } => {
                    if let Some((a, b)) = geo.point(*at) {
                        root.draw(&Circle::new((geo.ix(a), geo.iy(b)), *r, color.filled()))
                            .map_err(draw_err)?;
                    }
                }
                Shape::VRule {
                    x,
                    color,
                    width,
                    dash,
                } => {
                    if let Some(t) = Geo::tf(geo.x, *x).filter(|t| geo.inside_x(*t)) {
                        let px = geo.ix(t);
                        doc.borrow_mut().dash = *dash;
                        root.draw(&PathElement::new(
                            vec![(px, geo.b_y.0), (px, geo.b_y.1)],
                            color.stroke_width(*width),
                        ))
                        .map_err(draw_err)?;
                        doc.borrow_mut().dash = None;
                    }
                }
                Shape::HRule {
                    y,
                    color,
                    width,
                    dash,
                } => {
                    if let Some(t) = Geo::tf(geo.y, *y).filter(|t| geo.inside_y(*t)) {
                        let py = geo.iy(t);
                        doc.borrow_mut().dash = *dash;
                        root.draw(&PathElement::new(
                            vec![(geo.b_x.0, py), (geo.b_x.1, py)],
                            color.stroke_width(*width),
                        ))
                        .map_err(draw_err)?;
                        doc.borrow_mut().dash = None;
                    }
                }
                Shape::Label {
                    x,
                    y,
                    text,
                    dx,
                    dy,
                    h,
                    color,
                    bold: is_bold,
                    place,
                } => {
                    let (Some(ax), Some(ay)) = (geo.at(*x, true), geo.at(*y, false)) else {
                        continue;
                    };
                    let size = LABEL_FONT;
                    let tw = text_width(text, size) * if *is_bold { BOLD } else { 1.0 };
                    let lh = size + 4.0;
                    // The box of a label at a candidate place, kept inside the plot area.
                    let place_box = |(h, dx, dy): (Anchor, i32, i32)| -> (f64, f64, BoxPx) {
                        let cx = f64::from(ax + dx);
                        let left = match h {
                            Anchor::Left => cx,
                            Anchor::Center => cx - tw / 2.0,
                            Anchor::Right => cx - tw,
                        };
                        let shift = if left < px_lo + 2.0 {
                            px_lo + 2.0 - left
                        } else if left + tw > px_hi - 2.0 {
                            px_hi - 2.0 - left - tw
                        } else {
                            0.0
                        };
                        let cy = f64::from(ay + dy).clamp(
                            (py_top + lh / 2.0).min(py_bottom - lh / 2.0),
                            (py_bottom - lh / 2.0).max(py_top + lh / 2.0),
                        );
                        let l = left + shift;
                        (
                            cx + shift,
                            cy,
                            BoxPx {
                                x0: l - 1.0,
                                y0: cy - lh / 2.0,
                                x1: l + tw + 1.0,
                                y1: cy + lh / 2.0,
                            },
                        )
                    };
                    // Per ring: a clear place, else one that only crosses lines
                    // (the halo keeps it legible); the next ring only when labels collide.
                    let rings = candidates(*h, *dx, *dy, *place);
                    let own = (f64::from(ax), f64::from(ay));
                    // A stacked label looks down the whole stack for a clear place first.
                    let mut chosen = (rings[0][0], 0usize);
                    let clear = |c: &(Anchor, i32, i32), pass: usize| {
                        let b = place_box(*c).2;
                        !obstacles.hits_box(&b, own) && (pass == 1 || !obstacles.hits_line(&b))
                    };
                    'search: {
                        if *place == Place::Stack {
                            for pass in 0..2 {
                                for (k, ring) in rings.iter().enumerate() {
                                    if let Some(c) = ring.iter().find(|c| clear(c, pass)) {
                                        chosen = (*c, k);
                                        break 'search;
                                    }
                                }
                            }
                        } else {
                            for (k, ring) in rings.iter().enumerate() {
                                for pass in 0..2 {
                                    if let Some(c) = ring.iter().find(|c| clear(c, pass)) {
                                        chosen = (*c, k);
                                        break 'search;
                                    }
                                }
                            }
                        }
                    }
                    let (chosen, ring) = chosen;
                    let (cx, cy, bx) = place_box(chosen);
                    obstacles.boxes.push(bx);
                    if ring > 0 && *place == Place::Around {
                        // A leader from the point to the label's nearer edge.
                        let ex = if f64::from(ax) < bx.x0 {
                            bx.x0
                        } else if f64::from(ax) > bx.x1 {
                            bx.x1
                        } else {
                            f64::from(ax)
                        };
                        let ey = if f64::from(ay) < bx.y0 { bx.y0 } else { bx.y1 };
                        root.draw(&PathElement::new(
                            vec![(ax, ay), (libm::round(ex) as i32, libm::round(ey) as i32)],
                            color.mix(0.6).stroke_width(1),
                        ))
                        .map_err(draw_err)?;
                    }
                    let style = if *is_bold {
                        bold(size, *color)
                    } else {
                        font(size, *color)
                    };
                    // A white halo keeps a label legible over the grid and lines.
                    let _ = writeln!(
                        doc.borrow_mut().out,
                        r##"<rect class="halo" x="{}" y="{}" width="{}" height="{}" fill="#ffffff" fill-opacity="0.8"/>"##,
                        libm::round(bx.x0) as i32,
                        libm::round(bx.y0 + 1.0) as i32,
                        libm::round(bx.x1 - bx.x0) as i32,
                        libm::round(lh - 2.0) as i32
                    );
                    root.draw(&Text::new(
                        text.clone(),
                        (libm::round(cx) as i32, libm::round(cy) as i32),
                        style.pos(Pos::new(chosen.0.hpos(), VPos::Center)),
                    ))
                    .map_err(draw_err)?;
                }
            }
        }
        doc.borrow_mut().out.push_str("</g>\n");
    }
    Ok(())
}
