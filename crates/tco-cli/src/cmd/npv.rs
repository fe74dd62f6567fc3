//! `tco npv`: the finance block's cash flows, NPV and discounted payback per pair.

use crate::args::{Format, NpvArgs, PairArgs, ScenarioArgs};
use crate::load;
use crate::output::{json, Table};
use anyhow::{anyhow, bail, Result};
use tco_core::analysis::finance::{FinanceResult, PairFinance};
use tco_core::model::format::{money, tokens_short};
use tco_core::model::scenario::Scenario;
use tco_core::model::units::{Money, Tokens};
use tco_core::output::csv::line;

pub fn run(args: &NpvArgs) -> Result<String> {
    args.plot.check()?;
    let (s, _) = load::scenario(&args.scenario)?;
    let f = s
        .cash_flows()
        .ok_or_else(|| missing_finance(&args.scenario))?;
    let chosen = selected(&s, &args.pair, &f.pairs, |p| (&p.local, &p.api))?;
    args.plot.save(|| {
        let mut picked = f.clone();
        picked.pairs = chosen.iter().map(|p| (*p).clone()).collect();
        tco_chart::CashChart::from_finance(&picked).to_svg()
    })?;
    Ok(match args.scenario.format {
        Format::Json => json(&f)?,
        Format::Csv => to_csv(&f),
        Format::Table => render(&s, &f, &chosen, false),
        Format::Html => return Err(crate::output::html_only()),
        Format::Markdown => render(&s, &f, &chosen, true),
    })
}

fn missing_finance(args: &ScenarioArgs) -> anyhow::Error {
    let origin = args.scenario.as_deref().unwrap_or("the flagship scenario");
    anyhow!(
        "{origin}: the scenario has no `finance:` block, which `tco npv` needs
  allowed: add one to the scenario, for example
    finance:
      horizon_months: 36              # months to look ahead
      discount_rate: 0.08             # annual; the monthly rate is annual / 12
      volume_growth_per_month: 0      # 0.02 = volume grows 2 % a month
      api_price_change_per_year: 0    # -0.3 = API prices fall 30 % a year
  or try it for one run with --set finance.horizon_months=36"
    )
}

/// The items of the pairs that `--local` / `--api` pick (all when neither is
/// given); an unknown name is an error that lists the scenario's names.
pub fn selected<'a, T>(
    s: &Scenario,
    pick: &PairArgs,
    items: &'a [T],
    names: impl Fn(&T) -> (&String, &String),
) -> Result<Vec<&'a T>> {
    let check = |given: &Option<String>, flag: &str, known: Vec<&String>| -> Result<()> {
        if let Some(g) = given {
            if !known.contains(&g) {
                let list: Vec<String> = known.iter().map(|n| format!("`{n}`")).collect();
                let hint = tco_core::error::did_you_mean(g, known.iter().map(|n| n.as_str()))
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                bail!(
                    "{flag} `{g}`: the scenario has no such option{hint}\n  allowed: one of {}",
                    list.join(", ")
                );
            }
        }
        Ok(())
    };
    check(
        &pick.local,
        "--local",
        s.local.iter().map(|l| &l.name).collect(),
    )?;
    check(&pick.api, "--api", s.api.iter().map(|a| &a.name).collect())?;
    Ok(items
        .iter()
        .filter(|it| {
            let (l, a) = names(it);
            pick.local.as_ref().is_none_or(|n| n == l) && pick.api.as_ref().is_none_or(|n| n == a)
        })
        .collect())
}

fn dec(m: Money) -> String {
    m.amount().normalize().to_string()
}

/// One row per pair and month; a pair without flows gets one row with its reason.
pub fn to_csv(f: &FinanceResult) -> String {
    let mut out = line(&[
        "local",
        "api",
        "kind",
        "month",
        "tokens",
        "nodes",
        "api_price_factor",
        "api_cost",
        "local_cost",
        "capital",
        "flow",
        "discounted",
        "cumulative_discounted",
        "npv",
        "discounted_payback_months",
        "reason",
    ]);
    for p in &f.pairs {
        let npv = p.npv.map_or(String::new(), dec);
        let payback = p
            .discounted_payback_months
            .map_or(String::new(), |m| m.to_string());
        let reason = p.reason.clone().unwrap_or_default();
        if p.monthly.is_empty() {
            let mut row = vec![p.local.clone(), p.api.clone(), p.kind.to_string()];
            row.extend(std::iter::repeat_n(String::new(), 12));
            row.push(reason);
            out.push_str(&line(&row));
            continue;
        }
        for m in &p.monthly {
            out.push_str(&line(&[
                p.local.clone(),
                p.api.clone(),
                p.kind.to_string(),
                m.month.to_string(),
                m.tokens.to_string(),
                m.nodes.to_string(),
                m.api_price_factor.normalize().to_string(),
                dec(m.api_cost),
                dec(m.local_cost),
                dec(m.capital),
                dec(m.flow),
                dec(m.discounted),
                dec(m.cumulative_discounted),
                npv.clone(),
                payback.clone(),
                reason.clone(),
            ]));
        }
    }
    out
}

fn payback_text(p: &PairFinance, horizon: u32) -> String {
    match (p.npv, p.discounted_payback_months) {
        (None, _) => "—".into(),
        (Some(_), Some(m)) => format!("month {m}"),
        (Some(_), None) => format!("not within {horizon} months"),
    }
}

/// The summary of every pair with the conventions line: `tco npv`'s first
/// table and the NPV section of `tco report`.
pub fn summary(f: &FinanceResult, md: bool) -> String {
    let cur = &f.currency;
    let notes = f.pairs.iter().any(|p| p.reason.is_some());
    let mut headers = vec![
        "Local",
        "API",
        "Capital (month 0)",
        "NPV",
        "Discounted payback",
    ];
    let mut right = vec![false, false, true, true, true];
    if notes {
        headers.push("Note");
        right.push(false);
    }
    let mut t = Table::new(&headers, &right).titled(format!(
        "Net present value of going local instead of the API, over {} months",
        f.horizon_months
    ));
    for p in &f.pairs {
        let mut row = vec![
            p.local.clone(),
            p.api.clone(),
            p.capital.map_or("—".into(), |c| money(c, cur)),
            p.npv.map_or("—".into(), |n| money(n, cur)),
            payback_text(p, f.horizon_months),
        ];
        if notes {
            row.push(p.reason.clone().unwrap_or_default());
        }
        t.row(row);
    }
    let mut out = if md { t.markdown() } else { t.text() };
    if md {
        // The table ends with a blank line; the note follows as a paragraph.
        out.push_str(&format!("{}.\n", capitalized(&f.conventions())));
    } else {
        out.push_str(&format!("  {}.\n", f.conventions()));
    }
    out
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn monthly_table(f: &FinanceResult, p: &PairFinance) -> Table {
    let cur = &f.currency;
    let trend = !f.api_price_change_per_year.is_zero();
    let mut headers = vec!["Month", "Tokens", "Nodes"];
    if trend {
        headers.push("API price ×");
    }
    headers.extend([
        "API cost",
        "Local cost",
        "Capital",
        "Flow",
        "Discounted",
        "Cumulative",
    ]);
    let right = vec![true; headers.len()];
    let mut t = Table::new(&headers, &right)
        .titled(format!("Month by month: {} instead of {}", p.local, p.api));
    for m in &p.monthly {
        let mut row = vec![
            m.month.to_string(),
            tokens_short(Tokens(m.tokens)),
            m.nodes.to_string(),
        ];
        if trend {
            row.push(format!("{:.4}", m.api_price_factor.round_dp(4)));
        }
        row.extend([
            money(m.api_cost, cur),
            money(m.local_cost, cur),
            money(m.capital, cur),
            money(m.flow, cur),
            money(m.discounted, cur),
            money(m.cumulative_discounted, cur),
        ]);
        t.row(row);
    }
    t
}

fn render(s: &Scenario, f: &FinanceResult, chosen: &[&PairFinance], md: bool) -> String {
    let cur = &f.currency;
    let head = format!(
        "{} tokens/month ({}) in month 1 · {} months · {}",
        tco_core::model::format::tokens(Tokens(f.tokens_per_month)),
        tokens_short(Tokens(f.tokens_per_month)),
        f.horizon_months,
        cur
    );
    let mut out = if md {
        format!("## {}\n\n{head}\n\n", s.name)
    } else {
        format!("{}\n{head}\n\n", s.name)
    };
    out.push_str(&summary(f, md));
    out.push('\n');
    // The pair shown month by month: the best NPV among the chosen, else the first chosen.
    let mut best: Option<&PairFinance> = None;
    for p in chosen {
        if let Some(n) = p.npv {
            if best.and_then(|b| b.npv).is_none_or(|b| n > b) {
                best = Some(p);
            }
        }
    }
    let best = best.or_else(|| chosen.first().copied());
    if let Some(p) = best {
        if p.monthly.is_empty() {
            out.push_str(&format!(
                "{} instead of {}: no cash flows: {}\n",
                p.local,
                p.api,
                p.reason.as_deref().unwrap_or("not computed")
            ));
        } else {
            let t = monthly_table(f, p);
            out.push_str(&if md { t.markdown() } else { t.text() });
            let note = match p.kind {
                "owned" => "Local cost is the running cost without the hardware line: the capital replaces it. Capital is spent at month ends (negative: residual or book value received).",
                _ => "Local cost is the whole monthly cost of the rented option; there is no capital.",
            };
            out.push_str(&format!("{}{note}\n", if md { "" } else { "  " }));
            if chosen.len() > 1 || f.pairs.len() > 1 {
                out.push_str(&format!(
                    "{}Another pair: --local NAME --api NAME.\n",
                    if md { "\n" } else { "  " }
                ));
            }
        }
    }
    out
}
