//! `tco compare`: the whole price table against the local options at one volume.

use crate::args::{CompareArgs, Format};
use crate::load;
use crate::output::{json, Table};
use anyhow::{anyhow, Result};
use tco_core::model::format::{money, per_mtok, tokens, tokens_short};
use tco_core::model::units::parse_tokens;

pub fn run(args: &CompareArgs) -> Result<String> {
    let (s, mut tables) = load::scenario(&args.scenario)?;
    let v = match &args.volume {
        Some(t) => parse_tokens(t).map_err(|e| anyhow!("--volume: {e}\n  allowed: a whole number of tokens from 0 to 10^15, or 250k, 100M, 1.5B, 2T"))?,
        None => s.workload.tokens_per_month,
    };
    if let Some(vendor) = &args.vendor {
        let needle = vendor.to_lowercase();
        tables
            .prices
            .models
            .retain(|m| m.vendor.to_lowercase().contains(&needle) || m.id.contains(&needle));
        if tables.prices.models.is_empty() {
            return Err(anyhow!(
                "--vendor {vendor}: no API model in the price table matches"
            ));
        }
    }
    let rows = s.compare(&tables.prices, v);
    let cur = &s.currency;
    Ok(match args.scenario.format {
        Format::Json => json(&serde_json::json!({
            "scenario": s.name, "currency": s.currency, "tokens_per_month": v.0, "rows": rows,
        }))?,
        Format::Csv => {
            let mut out = tco_core::output::csv::line(&[
                "rank",
                "kind",
                "name",
                "id",
                "monthly_cost",
                "cost_per_mtok",
                "nodes",
                "can_serve",
            ]);
            for (i, r) in rows.iter().enumerate() {
                out.push_str(&tco_core::output::csv::line(&[
                    (i + 1).to_string(),
                    r.kind.to_string(),
                    r.name.clone(),
                    r.id.clone().unwrap_or_default(),
                    r.monthly_cost.amount().normalize().to_string(),
                    r.cost_per_mtok
                        .map_or(String::new(), |p| p.amount().normalize().to_string()),
                    r.nodes.map_or(String::new(), |n| n.to_string()),
                    r.can_serve.to_string(),
                ]));
            }
            out
        }
        Format::Table | Format::Markdown => {
            let mut t = Table::new(
                &["#", "Option", "Kind", "Cost /MTok", "Monthly cost"],
                &[true, false, false, true, true],
            )
            .titled(format!(
                "{} at {} tokens/month ({}), cheapest first",
                s.name,
                tokens(v),
                tokens_short(v)
            ));
            for (i, r) in rows.iter().enumerate() {
                let kind = match (r.kind, r.can_serve, r.nodes) {
                    ("local", false, Some(n)) => format!("local, needs {n} nodes: over max_nodes"),
                    ("local", _, Some(n)) => {
                        format!("local, {n} node{}", if n == 1 { "" } else { "s" })
                    }
                    _ => "api".to_string(),
                };
                let name = match &r.id {
                    Some(id) => format!("{} ({id})", r.name),
                    None => r.name.clone(),
                };
                t.row(vec![
                    (i + 1).to_string(),
                    name,
                    kind,
                    r.cost_per_mtok.map_or("—".into(), |p| per_mtok(p, cur)),
                    money(r.monthly_cost, cur),
                ]);
            }
            if args.scenario.format == Format::Markdown {
                t.markdown()
            } else {
                t.text()
            }
        }
    })
}
