//! `tco hybrid`: the cheapest split of the workload between a local option and an API.

use crate::args::{Format, HybridArgs};
use crate::cmd::npv::selected;
use crate::load;
use crate::output::{json, Table};
use anyhow::{anyhow, Result};
use tco_core::analysis::hybrid::{HybridPair, HybridResult, HybridShare};
use tco_core::model::format::{money, percent, tokens, tokens_short};
use tco_core::model::units::{parse_tokens, Money, Tokens};
use tco_core::output::csv::line;

pub fn run(args: &HybridArgs) -> Result<String> {
    args.plot.check()?;
    let (s, _) = load::scenario(&args.scenario)?;
    let v = match &args.volume {
        Some(t) => parse_tokens(t).map_err(|e| anyhow!("--volume: {e}\n  allowed: a whole number of tokens from 0 to 10^15, or 250k, 100M, 1.5B, 2T"))?,
        None => s.workload.tokens_per_month,
    };
    let h = s.hybrid(v, args.step)?;
    let detail = args.pair.local.is_some() || args.pair.api.is_some();
    let chosen = selected(&s, &args.pair, &h.pairs, |p| (&p.local, &p.api))?;
    args.plot.save(|| {
        let mut picked = h.clone();
        picked.pairs = chosen.iter().map(|p| (*p).clone()).collect();
        tco_chart::SharesChart::from_hybrid(&picked).to_svg()
    })?;
    Ok(match args.scenario.format {
        Format::Json => json(&h)?,
        Format::Csv => to_csv(&h),
        Format::Html => return Err(crate::output::html_only()),
        Format::Table | Format::Markdown => {
            let md = args.scenario.format == Format::Markdown;
            let mut out = if md {
                format!("## {}\n\n", s.name)
            } else {
                format!("{}\n", s.name)
            };
            out.push_str(&format!(
                "{} tokens/month ({}) split between a local option and an API; local shares in steps of {}, plus the points where local nodes are full\n\n",
                tokens(v),
                tokens_short(v),
                percent(h.step)
            ));
            let t = summary(&h);
            out.push_str(&if md { t.markdown() } else { t.text() });
            if detail {
                for p in &chosen {
                    out.push('\n');
                    let t = share_table(&h, p);
                    out.push_str(&if md { t.markdown() } else { t.text() });
                }
            } else {
                out.push_str(&format!(
                    "{}Share by share: --local NAME --api NAME.\n",
                    if md { "" } else { "  " }
                ));
            }
            out
        }
    })
}

fn summary(h: &HybridResult) -> Table {
    let cur = &h.currency;
    let mut t = Table::new(
        &[
            "Local",
            "API",
            "Best local share",
            "Local tokens",
            "Nodes",
            "Monthly cost",
            "All API",
            "All local",
            "Saving vs best single",
        ],
        &[false, false, true, true, true, true, true, true, true],
    )
    .titled("Cheapest split per pair");
    for p in &h.pairs {
        t.row(vec![
            p.local.clone(),
            p.api.clone(),
            percent(p.best.local_share),
            tokens_short(Tokens(p.best.local_tokens)),
            p.best.nodes.to_string(),
            money(p.best.monthly_cost, cur),
            money(p.all_api_cost, cur),
            p.all_local_cost
                .map_or("over max_nodes".into(), |c| money(c, cur)),
            money(p.saving_vs_best_single, cur),
        ]);
    }
    t
}

/// The grid's rows with the best split among them (added in order when it lies between grid points).
fn rows_with_best(p: &HybridPair) -> Vec<(&HybridShare, bool)> {
    let mut rows: Vec<(&HybridShare, bool)> = p
        .shares
        .iter()
        .map(|r| (r, r.local_tokens == p.best.local_tokens))
        .collect();
    if !rows.iter().any(|(_, best)| *best) {
        let at = rows
            .iter()
            .position(|(r, _)| r.local_tokens > p.best.local_tokens)
            .unwrap_or(rows.len());
        rows.insert(at, (&p.best, true));
    }
    // Only the first row with the best's tokens is marked (shares can round alike).
    let mut seen = false;
    for (_, best) in rows.iter_mut() {
        if *best && seen {
            *best = false;
        }
        seen |= *best;
    }
    rows
}

fn share_table(h: &HybridResult, p: &HybridPair) -> Table {
    let cur = &h.currency;
    let mut t = Table::new(
        &[
            "Local share",
            "Local tokens",
            "Nodes",
            "Local cost",
            "API cost",
            "Monthly cost",
            "",
        ],
        &[true, true, true, true, true, true, false],
    )
    .titled(format!("{} with {}, share by share", p.local, p.api));
    for (r, best) in rows_with_best(p) {
        let note = match (best, r.can_serve) {
            (true, _) => "← cheapest",
            (false, false) => "over max_nodes",
            _ => "",
        };
        t.row(vec![
            percent(r.local_share),
            tokens_short(Tokens(r.local_tokens)),
            r.nodes.to_string(),
            money(r.local_cost, cur),
            money(r.api_cost, cur),
            money(r.monthly_cost, cur),
            note.into(),
        ]);
    }
    t
}

fn dec(m: Money) -> String {
    m.amount().normalize().to_string()
}

/// One row per pair and share (the grid, plus the best split where it lies off the grid).
fn to_csv(h: &HybridResult) -> String {
    let mut out = line(&[
        "local",
        "api",
        "local_share",
        "local_tokens",
        "nodes",
        "local_cost",
        "api_cost",
        "monthly_cost",
        "can_serve",
        "best",
    ]);
    for p in &h.pairs {
        for (r, best) in rows_with_best(p) {
            out.push_str(&line(&[
                p.local.clone(),
                p.api.clone(),
                r.local_share.normalize().to_string(),
                r.local_tokens.to_string(),
                r.nodes.to_string(),
                dec(r.local_cost),
                dec(r.api_cost),
                dec(r.monthly_cost),
                r.can_serve.to_string(),
                best.to_string(),
            ]));
        }
    }
    out
}
