//! `tco simulate`: Monte Carlo over the scenario's distributions.

use crate::args::{Format, SimulateArgs};
use crate::load;
use crate::output::{json, Table};
use anyhow::Result;
use tco_core::analysis::sim::{simulate, Bin, Percentiles, SimOptions, Simulation};
use tco_core::model::format::{money, tokens, tokens_short};
use tco_core::model::units::{Money, Tokens};

pub fn run(args: &SimulateArgs) -> Result<String> {
    args.plot.check()?;
    let (s, _) = load::scenario(&args.scenario)?;
    let sim = simulate(
        &s,
        SimOptions {
            samples: args.samples,
            seed: args.seed,
        },
    )?;
    let chosen =
        crate::cmd::npv::selected(&s, &args.pair, &sim.break_even, |b| (&b.local, &b.api))?;
    let pair = chosen
        .iter()
        .find(|b| b.never_share < 1.0)
        .or(chosen.first())
        .copied();
    if let Some(b) = pair {
        args.plot
            .save(|| tco_chart::Histogram::from_simulation(&sim, b).to_svg())?;
    }
    let out = match args.scenario.format {
        Format::Json => json(&sim)?,
        Format::Csv => csv(&sim),
        Format::Table => render(&sim, false),
        Format::Html => return Err(crate::output::html_only()),
        Format::Markdown => render(&sim, true),
    };
    Ok(out)
}

fn vol(v: Option<u64>) -> String {
    v.map_or_else(|| "never".to_string(), |t| tokens_short(Tokens(t)))
}

/// Four significant digits: a quantile, not a price.
fn sig(d: rust_decimal::Decimal) -> String {
    d.round_sf(4).unwrap_or(d).normalize().to_string()
}

/// Shares as every face writes them (`43.7%`).
fn pct(x: f64) -> String {
    tco_core::model::format::share_percent(x)
}

fn money_row(p: &Percentiles<Money>, cur: &str) -> Vec<String> {
    [p.p5, p.p10, p.p50, p.p90, p.p95]
        .iter()
        .map(|m| money(*m, cur))
        .collect()
}

/// A text histogram of break-even volumes: one line per bin between the first
/// and the last non-empty one, bars scaled to the largest.
pub fn text_histogram(bins: &[Bin], width: usize) -> String {
    let first = bins.iter().position(|b| b.count > 0);
    let last = bins.iter().rposition(|b| b.count > 0);
    let (Some(first), Some(last)) = (first, last) else {
        return String::new();
    };
    let shown = &bins[first..=last];
    let max = shown.iter().map(|b| b.count).max().unwrap_or(1).max(1);
    let labels: Vec<String> = shown
        .iter()
        .map(|b| {
            format!(
                "{}–{}",
                tokens_short(Tokens(b.from)),
                tokens_short(Tokens(b.to))
            )
        })
        .collect();
    let lw = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    let mut k = 0;
    while k < shown.len() {
        // A gap of three or more empty bins (between node steps) folds into one line.
        if shown[k].count == 0 {
            let end = (k..shown.len())
                .find(|&e| shown[e].count > 0)
                .unwrap_or(shown.len());
            if end - k >= 3 {
                let gap = format!(
                    "{}–{}",
                    tokens_short(Tokens(shown[k].from)),
                    tokens_short(Tokens(shown[end - 1].to))
                );
                out.push_str(&format!("  {:>lw$} │ (no samples {gap})\n", "⋮"));
                k = end;
                continue;
            }
        }
        let b = &shown[k];
        // Eighths of a block so that small counts still show.
        let eighths = (b.count * width * 8).div_ceil(max);
        let mut bar = "█".repeat(eighths / 8);
        if eighths % 8 > 0 {
            bar.push(['▏', '▎', '▍', '▌', '▋', '▊', '▉'][eighths % 8 - 1]);
        }
        out.push_str(&format!("  {:>lw$} │{bar} {}\n", labels[k], b.count));
        k += 1;
    }
    out
}

pub fn render(sim: &Simulation, md: bool) -> String {
    let cur = &sim.currency;
    let mut out = String::new();
    let head = format!(
        "{} samples, seed {} · workload {} tokens/month ({})",
        sim.samples,
        sim.seed,
        tokens(Tokens(sim.tokens_per_month)),
        tokens_short(Tokens(sim.tokens_per_month))
    );
    if md {
        out.push_str(&format!("## {}\n\n{head}\n\n", sim.scenario));
    } else {
        out.push_str(&format!("{}\n{head}\n\n", sim.scenario));
    }
    let emit = |t: Table, out: &mut String| {
        out.push_str(&if md { t.markdown() } else { t.text() });
        out.push('\n');
    };

    let mut t = Table::new(
        &[
            "uncertain input",
            "distribution",
            "point",
            "P10",
            "P90",
            "clamped",
        ],
        &[false, false, true, true, true, true],
    )
    .titled(
        "Uncertain inputs (point = the value `report` uses: mean, or mode for triangular and PERT)",
    );
    for i in &sim.inputs {
        t.row(vec![
            tco_core::model::fields::label(&i.path),
            i.dist.describe(),
            i.point.normalize().to_string(),
            sig(i.p10),
            sig(i.p90),
            pct(i.clamped_share),
        ]);
    }
    if !sim.inputs.is_empty() {
        emit(t, &mut out);
    }

    let mut t = Table::new(
        &["option", "P5", "P10", "P50", "P90", "P95", "can serve"],
        &[false, true, true, true, true, true, true],
    )
    .titled(format!("Monthly cost at the workload volume ({cur}/month)"));
    for l in &sim.local {
        let mut row = vec![l.name.clone()];
        row.extend(money_row(&l.monthly_cost_percentiles, cur));
        row.push(pct(l.can_serve_share));
        t.row(row);
    }
    for a in &sim.api {
        let mut row = vec![a.name.clone()];
        row.extend(money_row(&a.monthly_cost_percentiles, cur));
        row.push("100.0 %".to_string());
        t.row(row);
    }
    emit(t, &mut out);

    let mut t = Table::new(
        &[
            "local",
            "API",
            "P5",
            "P10",
            "P50",
            "P90",
            "P95",
            "never",
            "P(local cheaper)",
        ],
        &[false, false, true, true, true, true, true, true, true],
    )
    .titled("Break-even volume (tokens/month; `never` where that share of samples never breaks even) and the chance local costs no more at the workload volume");
    for b in &sim.break_even {
        let p = &b.break_even_percentiles;
        t.row(vec![
            b.local.clone(),
            b.api.clone(),
            vol(p.p5),
            vol(p.p10),
            vol(p.p50),
            vol(p.p90),
            vol(p.p95),
            pct(b.never_share),
            format!(
                "{} ({:.2}–{:.2} %)",
                pct(b.prob_local_cheaper),
                100.0 * b.prob_local_cheaper_ci95.0,
                100.0 * b.prob_local_cheaper_ci95.1
            ),
        ]);
    }
    emit(t, &mut out);

    if sim.break_even.iter().any(|b| b.npv_percentiles.is_some()) {
        let mut t = Table::new(
            &["local", "API", "P5", "P10", "P50", "P90", "P95", "P(NPV > 0)"],
            &[false, false, true, true, true, true, true, true],
        )
        .titled(format!(
            "NPV of going local over the finance horizon ({cur}; capital at month 0, flows at month ends)"
        ));
        let m = |v: Option<Money>| v.map_or_else(|| "cannot serve".to_string(), |x| money(x, cur));
        for b in &sim.break_even {
            if let Some(p) = &b.npv_percentiles {
                t.row(vec![
                    b.local.clone(),
                    b.api.clone(),
                    m(p.p5),
                    m(p.p10),
                    m(p.p50),
                    m(p.p90),
                    m(p.p95),
                    pct(b.prob_npv_positive.unwrap_or(0.0)),
                ]);
            }
        }
        emit(t, &mut out);
    }
    for b in &sim.break_even {
        let title = format!(
            "Break-even histogram: {} vs {} ({} never)",
            b.local,
            b.api,
            pct(b.never_share)
        );
        let h = text_histogram(&b.histogram, 40);
        if h.is_empty() {
            out.push_str(&format!("{title}: never breaks even in any sample\n\n"));
        } else if md {
            out.push_str(&format!("**{title}**\n\n```\n{h}```\n\n"));
        } else {
            out.push_str(&format!("{title}\n{h}\n"));
        }
    }
    for w in &sim.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    out
}

pub fn csv(sim: &Simulation) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "kind", "local", "api", "metric", "p5", "p10", "p50", "p90", "p95", "share",
    ]);
    let opt = |v: Option<u64>| v.map_or_else(String::new, |t| t.to_string());
    for l in &sim.local {
        let p = &l.monthly_cost_percentiles;
        let _ = w.write_record([
            "local".to_string(),
            l.name.clone(),
            String::new(),
            "monthly_cost".to_string(),
            p.p5.amount().to_string(),
            p.p10.amount().to_string(),
            p.p50.amount().to_string(),
            p.p90.amount().to_string(),
            p.p95.amount().to_string(),
            l.can_serve_share.to_string(),
        ]);
    }
    for a in &sim.api {
        let p = &a.monthly_cost_percentiles;
        let _ = w.write_record([
            "api".to_string(),
            String::new(),
            a.name.clone(),
            "monthly_cost".to_string(),
            p.p5.amount().to_string(),
            p.p10.amount().to_string(),
            p.p50.amount().to_string(),
            p.p90.amount().to_string(),
            p.p95.amount().to_string(),
            String::new(),
        ]);
    }
    for b in &sim.break_even {
        let p = &b.break_even_percentiles;
        let _ = w.write_record([
            "pair".to_string(),
            b.local.clone(),
            b.api.clone(),
            "break_even_tokens_per_month".to_string(),
            opt(p.p5),
            opt(p.p10),
            opt(p.p50),
            opt(p.p90),
            opt(p.p95),
            b.never_share.to_string(),
        ]);
        let _ = w.write_record([
            "pair".to_string(),
            b.local.clone(),
            b.api.clone(),
            "prob_local_cheaper".to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            b.prob_local_cheaper.to_string(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
