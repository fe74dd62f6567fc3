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
    if let Some(ids) = &args.models {
        for id in ids {
            if !tables.prices.models.iter().any(|m| &m.id == id) {
                let mut msg = format!("--models: `{id}` is not in the price table");
                if let Some(s) = tco_core::error::did_you_mean(
                    id,
                    tables.prices.models.iter().map(|m| m.id.as_str()),
                ) {
                    msg.push_str(&format!(" (did you mean `{s}`?)"));
                }
                return Err(anyhow!(
                    "{msg}\n  allowed: ids from `tco prices list`, comma-separated"
                ));
            }
        }
    }
    let same_model = args.same_model;
    if same_model
        && !s
            .local
            .iter()
            .any(|l| l.model.as_ref().is_some_and(|m| m.id.is_some()))
    {
        return Err(anyhow!(
            "--same-model: no local option names the weights it serves\n  allowed: a scenario whose local[].model has an id, e.g. `model: {{id: qwen2.5-coder-32b, params_b: 32, quant: Q4_K_M}}`"
        ));
    }
    let rows = s.compare(
        &tables.prices,
        v,
        &tco_core::analysis::sweep::CompareOptions {
            all: args.all,
            same_weights_only: same_model,
            models: args.models.clone(),
        },
    );
    let cur = &s.currency;
    Ok(match args.scenario.format {
        Format::Json => json(&serde_json::json!({
            "scenario": s.name, "currency": s.currency, "tokens_per_month": v.0, "rows": rows,
        }))?,
        Format::Csv => {
            let mut out = tco_core::output::csv::line(&[
                "rank",
                "kind",
                "from",
                "same_weights",
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
                    r.from.to_string(),
                    r.same_weights.to_string(),
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
        Format::Html => return Err(crate::output::html_only()),
        Format::Table | Format::Markdown => {
            let mut t = Table::new(
                &["#", "Option", "Kind", "Cost /MTok", "Monthly cost"],
                &[true, false, false, true, true],
            )
            .titled(format!(
                "{} at {} tokens/month ({}), cheapest first{}",
                s.name,
                tokens(v),
                tokens_short(v),
                if rows.iter().any(|r| r.same_weights) {
                    "; the local options and the APIs serving the same weights first"
                } else {
                    ""
                }
            ));
            for (i, r) in rows.iter().enumerate() {
                let kind = match (r.kind, r.can_serve, r.nodes) {
                    ("local", false, _) => format!(
                        "local, cannot serve: {}",
                        r.reason.as_deref().unwrap_or("over max_nodes")
                    ),
                    ("local", _, Some(n)) => {
                        format!("local, {n} node{}", if n == 1 { "" } else { "s" })
                    }
                    _ => match (r.from, r.same_weights) {
                        ("scenario", true) => "api, in the scenario, same weights".to_string(),
                        ("scenario", false) => "api, in the scenario".to_string(),
                        (_, true) => "api, same weights".to_string(),
                        _ => "api".to_string(),
                    },
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
