//! Recomputing after a change: tree → scenario → report and chart series.
//!
//! Every figure comes from `Scenario::evaluate` and `Scenario::sweep`; the
//! chart only takes log10 of what the core priced, to place it on screen.

use tco_core::analysis::sweep::{chart_range, chart_volumes};
use tco_core::input::scenario::{Resolve, Tables};
use tco_core::input::yaml::Node;
use tco_core::model::units::Tokens;
use tco_core::Scenario;
use tco_core::{Error, Report};

/// Points per chart series.
pub const CHART_POINTS: usize = 81;

/// One line of the chart: a name and (log10 volume, log10 monthly cost) points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub local: bool,
    pub points: Vec<(f64, f64)>,
}

/// What the cost-versus-volume chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    /// log10 of the first and last volume.
    pub x: (f64, f64),
    /// log10 of the lowest and highest monthly cost drawn.
    pub y: (f64, f64),
    pub series: Vec<Series>,
    /// (label, log10 volume) of each pair's first break-even volume.
    pub break_even: Vec<(String, f64)>,
    /// log10 of the workload volume.
    pub workload: f64,
}

/// A scenario and everything drawn from it.
#[derive(Debug, Clone)]
pub struct Computed {
    pub scenario: Scenario,
    pub report: Report,
    pub chart: ChartData,
}

/// Parses the tree and prices it: the work done after every keypress that changes a value.
pub fn compute(
    tree: &Node,
    origin: &str,
    tables: Tables<'_>,
    files: &dyn Resolve,
) -> Result<Computed, Error> {
    let scenario = Scenario::from_tree(tree, origin, tables, files)?;
    let report = scenario.evaluate();
    let chart = chart(&scenario, &report)?;
    Ok(Computed {
        scenario,
        report,
        chart,
    })
}

fn log10(v: u64) -> f64 {
    (v.max(1) as f64).log10()
}

fn chart(s: &Scenario, report: &Report) -> Result<ChartData, Error> {
    // The range every face uses (tco_core::analysis::sweep::chart_range).
    let (Tokens(lo), Tokens(hi)) = chart_range(report);
    let vols = chart_volumes(report, CHART_POINTS);
    let sweep = s.sweep(&vols);
    let cost = |m: tco_core::model::units::Money| m.to_f64_lossy().max(0.01).log10();
    let mut series: Vec<Series> = sweep
        .api_names
        .iter()
        .enumerate()
        .map(|(i, name)| Series {
            name: name.clone(),
            local: false,
            points: sweep
                .points
                .iter()
                .map(|p| (log10(p.tokens_per_month), cost(p.api[i])))
                .collect(),
        })
        .collect();
    for (i, name) in sweep.local_names.iter().enumerate() {
        series.push(Series {
            name: name.clone(),
            local: true,
            points: sweep
                .points
                .iter()
                .filter(|p| p.local[i].can_serve)
                .map(|p| (log10(p.tokens_per_month), cost(p.local[i].monthly)))
                .collect(),
        });
    }
    let ys = series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
    let (ymin, ymax) = ys.fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
    let (ymin, ymax) = if ymin > ymax {
        (0.0, 1.0)
    } else {
        (ymin.floor(), ymax.ceil().max(ymin.floor() + 1.0))
    };
    let break_even = report
        .break_even
        .iter()
        .filter_map(|b| {
            b.tokens_per_month
                .map(|v| (format!("{} vs {}", b.local, b.api), log10(v)))
        })
        .collect();
    Ok(ChartData {
        x: (log10(lo), log10(hi)),
        y: (ymin, ymax),
        series,
        break_even,
        workload: log10(report.tokens_per_month),
    })
}
