//! `tco sensitivity`: which inputs move the break-even and the saving.

use crate::args::{Format, SensitivityArgs, TornadoArg};
use crate::load;
use crate::output::{json, Table};
use anyhow::Result;
use tco_core::analysis::sensitivity::{sensitivity, PairTornado, SensOptions, Sensitivity};
use tco_core::model::format::{money, tokens_short};
use tco_core::model::units::{Money, Tokens};

pub fn run(args: &SensitivityArgs) -> Result<String> {
    args.plot.check()?;
    let tree = load::scenario_tree(&args.scenario)?;
    let sens = sensitivity(
        &tree.root,
        &tree.origin,
        tree.tables.as_ref(),
        &tree.files,
        SensOptions { all: args.all },
    )?;
    if args.plot.plot.is_some() {
        let tables = tree.tables.as_ref();
        let s = tco_core::Scenario::from_tree(&tree.root, &tree.origin, tables, &tree.files)?;
        let chosen =
            crate::cmd::npv::selected(&s, &args.pair, &sens.pairs, |p| (&p.local, &p.api))?;
        if let Some(p) = chosen.first() {
            let chart = match args.tornado {
                TornadoArg::BreakEven => tco_chart::Tornado::break_even(p, args.top),
                TornadoArg::Saving => tco_chart::Tornado::saving(&sens, p, args.top),
            };
            let Some(chart) = chart else {
                anyhow::bail!(
                    "{} vs {}: no input moves this tornado (every end never breaks even or cannot serve); nothing to draw",
                    p.local,
                    p.api
                );
            };
            args.plot.save(|| chart.to_svg())?;
        }
    }
    Ok(match args.scenario.format {
        Format::Json => json(&sens)?,
        Format::Csv => csv(&sens),
        Format::Table => render(&sens, args.top, false),
        Format::Html => return Err(crate::output::html_only()),
        Format::Markdown => render(&sens, args.top, true),
    })
}

fn vol(v: Option<u64>) -> String {
    v.map_or_else(|| "never".to_string(), |t| tokens_short(Tokens(t)))
}

fn cash(m: Option<Money>, cur: &str) -> String {
    m.map_or_else(|| "cannot serve".to_string(), |m| money(m, cur))
}

/// A bar of `width` cells for `x` of `max` (∞ = a full bar).
fn bar(x: Option<f64>, max: f64, width: usize) -> String {
    let cells = match x {
        None => width,
        Some(x) if max > 0.0 => ((x / max) * width as f64).round() as usize,
        Some(_) => 0,
    };
    "█".repeat(cells.min(width))
}

fn pair_tables(p: &PairTornado, cur: &str, top: usize) -> (Table, Table) {
    let mut be = Table::new(
        &[
            "input",
            "low → high",
            "break-even at low",
            "at high",
            "swing",
            "",
        ],
        &[false, true, true, true, true, false],
    )
    .titled(format!(
        "{} vs {}: break-even volume (base {})",
        p.local,
        p.api,
        vol(p.base_break_even)
    ));
    let max = p
        .break_even
        .iter()
        .filter_map(|b| b.swing)
        .max()
        .unwrap_or(0) as f64;
    for b in p.break_even.iter().take(top) {
        be.row(vec![
            b.label.clone(),
            format!("{} → {}", b.low.normalize(), b.high.normalize()),
            vol(b.at_low),
            vol(b.at_high),
            b.swing
                .map_or_else(|| "to never".to_string(), |s| tokens_short(Tokens(s))),
            bar(b.swing.map(|s| s as f64), max, 20),
        ]);
    }
    let mut sv = Table::new(
        &[
            "input",
            "low → high",
            "saving at low",
            "at high",
            "swing",
            "",
        ],
        &[false, true, true, true, true, false],
    )
    .titled(format!(
        "{} vs {}: monthly saving of going local at the workload volume (base {})",
        p.local,
        p.api,
        cash(p.base_saving, cur)
    ));
    use rust_decimal::prelude::ToPrimitive;
    let maxs = p
        .saving
        .iter()
        .filter_map(|s| s.swing.and_then(|m| m.amount().to_f64()))
        .fold(0.0, f64::max);
    for s in p.saving.iter().take(top) {
        sv.row(vec![
            s.label.clone(),
            format!("{} → {}", s.low.normalize(), s.high.normalize()),
            cash(s.at_low, cur),
            cash(s.at_high, cur),
            s.swing.map_or_else(|| "n/a".to_string(), |m| money(m, cur)),
            bar(s.swing.and_then(|m| m.amount().to_f64()), maxs, 20),
        ]);
    }
    (be, sv)
}

fn render(s: &Sensitivity, top: usize, md: bool) -> String {
    let mut out = String::new();
    let head = format!(
        "one input at a time, the others at their point values · workload {} tokens/month",
        tokens_short(Tokens(s.tokens_per_month))
    );
    if md {
        out.push_str(&format!("## {}\n\n{head}\n\n", s.scenario));
    } else {
        out.push_str(&format!("{}\n{head}\n\n", s.scenario));
    }
    let emit = |t: Table, out: &mut String| {
        out.push_str(&if md { t.markdown() } else { t.text() });
        out.push('\n');
    };
    if !s.inputs.is_empty() {
        let mut t = Table::new(
            &["input", "point", "low", "high", "from"],
            &[false, true, true, true, false],
        )
        .titled("Inputs swung");
        for i in &s.inputs {
            t.row(vec![
                i.label.clone(),
                i.point.normalize().to_string(),
                i.low.normalize().to_string(),
                i.high.normalize().to_string(),
                i.basis.clone(),
            ]);
        }
        emit(t, &mut out);
        for p in &s.pairs {
            let (be, sv) = pair_tables(p, &s.currency, top);
            emit(be, &mut out);
            emit(sv, &mut out);
        }
        if s.inputs.len() > top {
            out.push_str(&format!(
                "(largest {top} of {} inputs per tornado; --top N shows more, --format json all)\n",
                s.inputs.len()
            ));
        }
    }
    for w in &s.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    out
}

fn csv(s: &Sensitivity) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "local", "api", "tornado", "input", "low", "high", "at_low", "at_high", "swing",
    ]);
    let o = |v: Option<u64>| v.map_or_else(String::new, |t| t.to_string());
    let m = |v: Option<Money>| v.map_or_else(String::new, |t| t.amount().to_string());
    for p in &s.pairs {
        for b in &p.break_even {
            let _ = w.write_record([
                p.local.clone(),
                p.api.clone(),
                "break_even_tokens_per_month".to_string(),
                b.path.clone(),
                b.low.to_string(),
                b.high.to_string(),
                o(b.at_low),
                o(b.at_high),
                o(b.swing),
            ]);
        }
        for b in &p.saving {
            let _ = w.write_record([
                p.local.clone(),
                p.api.clone(),
                "monthly_saving".to_string(),
                b.path.clone(),
                b.low.to_string(),
                b.high.to_string(),
                m(b.at_low),
                m(b.at_high),
                m(b.swing),
            ]);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
