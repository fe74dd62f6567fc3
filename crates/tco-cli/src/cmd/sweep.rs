//! `tco sweep`: each option's monthly cost over a range of volumes.

use crate::args::{Format, SpacingArg, SweepArgs};
use crate::load;
use crate::output::{json, Table};
use anyhow::{anyhow, Result};
use tco_core::analysis::sweep::{volumes, Spacing};
use tco_core::model::format::{money, tokens_short};
use tco_core::model::units::parse_tokens;

pub fn run(args: &SweepArgs) -> Result<String> {
    args.plot.check()?;
    let (s, _) = load::scenario(&args.scenario)?;
    let allowed = "\n  allowed: a whole number of tokens from 0 to 10^15, or 250k, 100M, 1.5B, 2T";
    let from = parse_tokens(&args.from).map_err(|e| anyhow!("--from: {e}{allowed}"))?;
    let to = parse_tokens(&args.to).map_err(|e| anyhow!("--to: {e}{allowed}"))?;
    let spacing = match args.spacing {
        SpacingArg::Log => Spacing::Log,
        SpacingArg::Linear => Spacing::Linear,
    };
    let vols = volumes(from, to, args.points as usize, spacing)?;
    let sweep = s.sweep(&vols);
    args.plot.save(|| {
        let log = spacing == Spacing::Log;
        // Log spacing gets log axes; a linear sweep (it may start at 0) linear ones.
        tco_chart::CostChart::from_report(&s.evaluate(), &sweep, log).to_svg()
    })?;
    let cur = &s.currency;
    Ok(match args.scenario.format {
        Format::Json => json(&sweep)?,
        Format::Csv => sweep.to_csv(),
        Format::Html => return Err(crate::output::html_only()),
        Format::Table | Format::Markdown => {
            let mut headers = vec!["Tokens/month".to_string()];
            headers.extend(sweep.api_names.iter().cloned());
            headers.extend(sweep.local_names.iter().cloned());
            let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
            let right = vec![true; refs.len()];
            let mut t = Table::new(&refs, &right)
                .titled(format!("{}: monthly cost by volume ({cur})", s.name));
            for p in &sweep.points {
                let mut row = vec![tokens_short(tco_core::model::units::Tokens(
                    p.tokens_per_month,
                ))];
                row.extend(p.api.iter().map(|m| money(*m, cur)));
                row.extend(p.local.iter().map(|l| {
                    if l.can_serve {
                        format!("{} ({}n)", money(l.monthly, cur), l.nodes)
                    } else {
                        "over max_nodes".into()
                    }
                }));
                t.row(row);
            }
            if args.scenario.format == Format::Markdown {
                t.markdown()
            } else {
                t.text()
            }
        }
    })
}
