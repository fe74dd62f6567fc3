//! Monthly cost against token volume: where local and API lines cross.

use crate::frame::{
    self, palette, Anchor, At, Axis, Group, LegendEntry, Place, Plot, Shape, Swatch, INK, MUTED,
};
use crate::ticks::Unit;
use crate::{ChartError, Marker};
use tco_core::model::format::tokens_short;
use tco_core::model::scenario::Scenario;
use tco_core::model::units::Tokens;

/// Whether a line is an API price or a machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesKind {
    Api,
    Local,
}

impl SeriesKind {
    fn name(self) -> &'static str {
        match self {
            SeriesKind::Api => "api",
            SeriesKind::Local => "local",
        }
    }
}

/// One option's monthly cost at each volume.
#[derive(Debug, Clone, PartialEq)]
pub struct CostSeries {
    pub name: String,
    pub kind: SeriesKind,
    /// (tokens per month, cost per month), in increasing volume.
    pub points: Vec<(f64, f64)>,
    /// The first volume this option cannot serve (over `max_nodes`): the line
    /// stops before it and the limit is marked.
    pub unservable_from: Option<f64>,
}

/// Cost (currency per month) against volume (tokens per month).
#[derive(Debug, Clone, PartialEq)]
pub struct CostChart {
    pub title: String,
    /// ISO code: the axis says `USD / month`, ticks `$10k`.
    pub currency: String,
    pub x_log: bool,
    pub y_log: bool,
    pub series: Vec<CostSeries>,
    /// Where a local option starts to cost no more than an API (x tokens, y cost).
    pub break_evens: Vec<Marker>,
    /// The scenario's volume, drawn as a vertical line.
    pub workload: Option<f64>,
}

impl CostSeries {
    /// The points the line shows: those below `unservable_from`.
    fn served(&self) -> impl Iterator<Item = &(f64, f64)> {
        self.points
            .iter()
            .filter(move |(x, _)| self.unservable_from.is_none_or(|u| *x < u))
    }
}

impl CostChart {
    /// The chart as an 800×500 SVG document.
    pub fn to_svg(&self) -> Result<String, ChartError> {
        let money = Unit::Money {
            currency: self.currency.clone(),
        };
        let xs = self
            .series
            .iter()
            .flat_map(|s| s.served().map(|p| p.0))
            .chain(self.break_evens.iter().map(|m| m.x));
        let (x_lo, x_hi) = match frame::extent(self.x_log, xs) {
            Some((lo, hi)) if hi > lo => (lo, hi),
            other => frame::bounds(&Unit::Tokens, self.x_log, other, false),
        };
        let ys = self
            .series
            .iter()
            .flat_map(|s| s.served().map(|p| p.1))
            .chain(self.break_evens.iter().map(|m| m.y));
        let (y_lo, y_hi) = frame::bounds(&money, self.y_log, frame::extent(self.y_log, ys), true);

        let mut legend = Vec::new();
        let mut groups = Vec::new();
        for (i, s) in self.series.iter().enumerate() {
            let color = palette(i);
            legend.push(LegendEntry {
                name: format!(
                    "{} ({})",
                    s.name,
                    if s.kind == SeriesKind::Api {
                        "API"
                    } else {
                        "local"
                    }
                ),
                color,
                swatch: Swatch::Line(None),
            });
            let points: Vec<(f64, f64)> = s.served().copied().collect();
            let last = points.last().copied();
            groups.push(
                Group::new("series")
                    .attr("data-name", s.name.clone())
                    .attr("data-kind", s.kind.name())
                    .titled(s.name.clone())
                    .shape(Shape::Line {
                        points,
                        color,
                        width: 2,
                        dash: None,
                    }),
            );
            if let (Some(u), Some((lx, ly))) = (s.unservable_from, last) {
                groups.push(
                    Group::new("limit")
                        .attr("data-name", s.name.clone())
                        .attr("data-x", u.to_string())
                        .titled(format!(
                            "{} cannot serve {} tokens/month or more (max_nodes)",
                            s.name,
                            Unit::Tokens.value(u)
                        ))
                        .shape(Shape::Dot {
                            at: (lx, ly),
                            r: 4,
                            color,
                        })
                        .shape(Shape::Label {
                            x: At::Data(lx),
                            y: At::Data(ly),
                            text: format!("max_nodes: up to {}", Unit::Tokens.value(lx)),
                            dx: -8,
                            dy: -14,
                            h: Anchor::Right,
                            color,
                            bold: false,
                            place: Place::Around,
                        }),
                );
            }
        }
        if let Some(w) = self
            .workload
            .filter(|w| w.is_finite() && *w >= x_lo && *w <= x_hi)
        {
            legend.push(LegendEntry {
                name: "workload volume".into(),
                color: MUTED,
                swatch: Swatch::Line(Some("6 4")),
            });
            groups.push(
                Group::new("workload")
                    .attr("data-x", w.to_string())
                    .titled(format!("workload: {} tokens/month", Unit::Tokens.value(w)))
                    .shape(Shape::VRule {
                        x: w,
                        color: MUTED,
                        width: 1,
                        dash: Some("6 4"),
                    })
                    .shape(Shape::Label {
                        x: At::Data(w),
                        y: At::High,
                        text: format!("workload {}", Unit::Tokens.value(w)),
                        dx: 5,
                        dy: 10,
                        h: Anchor::Left,
                        color: MUTED,
                        bold: false,
                        place: Place::Stack,
                    }),
            );
        }
        let shown: Vec<&Marker> = self
            .break_evens
            .iter()
            .filter(|m| m.x >= x_lo && m.x <= x_hi && m.y >= y_lo && m.y <= y_hi)
            .collect();
        if !shown.is_empty() {
            legend.push(LegendEntry {
                name: "break-even".into(),
                color: INK,
                swatch: Swatch::Dot,
            });
        }
        for m in shown {
            groups.push(
                Group::new("marker break-even")
                    .attr("data-label", m.label.clone())
                    .attr("data-x", m.x.to_string())
                    .attr("data-y", m.y.to_string())
                    .titled(format!(
                        "break-even {}: {} tokens/month, {}/month",
                        m.label,
                        Unit::Tokens.value(m.x),
                        money.value(m.y)
                    ))
                    .shape(Shape::Dot {
                        at: (m.x, m.y),
                        r: 5,
                        color: INK,
                    })
                    .shape(Shape::Label {
                        x: At::Data(m.x),
                        y: At::Data(m.y),
                        text: m.label.clone(),
                        dx: -8,
                        dy: -14,
                        h: Anchor::Right,
                        color: INK,
                        bold: true,
                        place: Place::Around,
                    }),
            );
        }
        frame::render(&Plot {
            title: self.title.clone(),
            note: None,
            x: Axis::new("tokens / month", Unit::Tokens, self.x_log, x_lo, x_hi),
            y: Axis::new(
                format!("{} / month", self.currency),
                money,
                self.y_log,
                y_lo,
                y_hi,
            ),
            legend,
            groups,
            height: frame::HEIGHT,
        })
    }

    /// The chart `tco report --plot` draws, the page's chart: log axes over
    /// [`tco_core::analysis::sweep::chart_range`] (whole decades around the
    /// workload and every first break-even), at
    /// [`tco_core::analysis::sweep::CHART_POINTS`] volumes.
    pub fn for_scenario(scenario: &Scenario, report: &tco_core::Report) -> Self {
        let vols = tco_core::analysis::sweep::chart_volumes(
            report,
            tco_core::analysis::sweep::CHART_POINTS,
        );
        Self::from_report(report, &scenario.sweep(&vols), true)
    }

    /// The cost chart of a scenario: one line per API and local option from
    /// `sweep`, a marker where each (local, API) pair starts to break even
    /// within the swept volumes, and the workload volume.
    pub fn from_report(
        report: &tco_core::Report,
        sweep: &tco_core::analysis::sweep::Sweep,
        log: bool,
    ) -> Self {
        let xs: Vec<f64> = sweep
            .points
            .iter()
            .map(|p| p.tokens_per_month as f64)
            .collect();
        let mut series = Vec::new();
        for (i, name) in sweep.api_names.iter().enumerate() {
            series.push(CostSeries {
                name: name.clone(),
                kind: SeriesKind::Api,
                points: sweep
                    .points
                    .iter()
                    .zip(&xs)
                    .filter_map(|(p, &x)| p.api.get(i).map(|m| (x, m.to_f64_lossy())))
                    .collect(),
                unservable_from: None,
            });
        }
        for (j, name) in sweep.local_names.iter().enumerate() {
            let mut unservable_from = None;
            let mut points = Vec::new();
            for (p, &x) in sweep.points.iter().zip(&xs) {
                if let Some(c) = p.local.get(j) {
                    if !c.can_serve && unservable_from.is_none() {
                        unservable_from = Some(x);
                    }
                    points.push((x, c.monthly.to_f64_lossy()));
                }
            }
            series.push(CostSeries {
                name: name.clone(),
                kind: SeriesKind::Local,
                points,
                unservable_from,
            });
        }
        let (lo, hi) = (
            xs.first().copied().unwrap_or(0.0),
            xs.last().copied().unwrap_or(0.0),
        );
        let mut break_evens = Vec::new();
        for b in &report.break_even {
            let Some(api) = report.api.iter().find(|a| a.name == b.api) else {
                continue;
            };
            let price = api.blended_per_mtok.amount();
            // Each range where local wins starts with a crossing; a few are enough to see.
            for r in b.local_wins.iter().take(5) {
                let x = r.from as f64;
                if x < lo || x > hi {
                    continue;
                }
                let y = tco_core::model::units::PerMTok::new(price)
                    .cost(Tokens(r.from))
                    .to_f64_lossy();
                break_evens.push(Marker {
                    label: tokens_short(Tokens(r.from)),
                    x,
                    y,
                });
            }
        }
        CostChart {
            title: report.scenario.clone(),
            currency: report.currency.clone(),
            x_log: log,
            y_log: log,
            series,
            break_evens,
            workload: Some(report.tokens_per_month as f64),
        }
    }
}
