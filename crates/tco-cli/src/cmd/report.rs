//! `tco report` and `tco breakeven`.

use crate::args::{Format, ReportArgs, ScenarioArgs};
use crate::load;
use crate::output::{json, Table};
use anyhow::Result;
use tco_core::model::format::{money, per_mtok, percent, tokens, tokens_short};
use tco_core::model::scenario::{Billing, HardwareCost, LocalOption, Scenario};
use tco_core::model::units::{Money, Tokens};
use tco_core::Report;

pub fn run(args: &ReportArgs) -> Result<String> {
    args.plot.check()?;
    let (s, tables) = load::scenario(&args.scenario)?;
    let r = s.evaluate();
    args.plot
        .save(|| tco_chart::CostChart::for_scenario(&s, &r).to_svg())?;
    Ok(match args.scenario.format {
        Format::Json => json(&r)?,
        Format::Csv => r.to_csv(),
        Format::Table => render(&s, &r, false),
        Format::Markdown => render(&s, &r, true),
        Format::Html => html(args, &s, &r, &tables)?,
    })
}

/// The one-page report: the scenario's text as written (with the `--set`
/// overrides listed), and the simulation when it has distributions.
fn html(
    args: &ReportArgs,
    s: &Scenario,
    r: &Report,
    tables: &tco_core::input::bundled::OwnedTables,
) -> Result<String> {
    let (_, mut yaml, _) = load::scenario_text(args.scenario.scenario.as_deref())?;
    if !args.scenario.sets.is_empty() {
        yaml.push_str("\n# Changed for this report with --set:\n");
        for set in &args.scenario.sets {
            yaml.push_str(&format!("#   {set}\n"));
        }
    }
    let sim = if s.has_uncertainty() {
        tco_core::analysis::sim::simulate(s, tco_core::analysis::sim::SimOptions::default()).ok()
    } else {
        None
    };
    Ok(tco_chart::html::report_html(&tco_chart::html::ReportPage {
        scenario: s,
        report: r,
        simulation: sim.as_ref(),
        yaml: &yaml,
        prices: &tables.prices,
    }))
}

pub fn run_breakeven(args: &ScenarioArgs) -> Result<String> {
    let (s, _) = load::scenario(args)?;
    let r = s.evaluate();
    Ok(match args.format {
        Format::Json => json(&serde_json::json!({
            "scenario": r.scenario, "currency": r.currency, "tokens_per_month": r.tokens_per_month,
            "break_even": r.break_even,
        }))?,
        Format::Csv => r.break_even_csv(),
        Format::Table => format!("{}\n{}", heading(&s, false), break_even_table(&r).text()),
        Format::Markdown => format!("{}\n{}", heading(&s, true), break_even_table(&r).markdown()),
        Format::Html => return Err(crate::output::html_only()),
    })
}

fn heading(s: &Scenario, md: bool) -> String {
    let w = &s.workload;
    let line = format!(
        "{} tokens/month ({}) · {} input, {} of it cached · {} batch · {}-hour month · {}",
        tokens(w.tokens_per_month),
        tokens_short(w.tokens_per_month),
        percent(w.input_share.get()),
        percent(w.cached_input_share.get()),
        percent(w.batch_share.get()),
        s.hours_per_month.normalize(),
        s.currency
    );
    if md {
        format!("## {}\n\n{line}\n", s.name)
    } else {
        format!("{}\n{line}\n", s.name)
    }
}

fn hardware_detail(l: &LocalOption, cur: &str) -> String {
    match &l.hardware {
        HardwareCost::Owned {
            price,
            residual_value,
            amortization_months,
            cost_of_capital,
            ..
        } => {
            let mut d = format!(
                "owned, {} over {amortization_months} months",
                money(*price, cur)
            );
            if !residual_value.amount().is_zero() {
                d.push_str(&format!(", {} residual", money(*residual_value, cur)));
            }
            if !cost_of_capital.is_zero() {
                d.push_str(&format!(
                    ", {} a year cost of capital (annuity, monthly rate = annual / 12)",
                    percent(*cost_of_capital)
                ));
            }
            d
        }
        HardwareCost::Rented {
            price_per_gpu_hour,
            gpus,
            billing,
        } => format!(
            "rented, {gpus} GPU × {}/hour, {}",
            money(price_per_gpu_hour.unit_price(), cur),
            match billing {
                Billing::AlwaysOn => "always on".to_string(),
                Billing::BusyHours => "busy hours only".to_string(),
                Billing::Reserved {
                    term_months,
                    upfront,
                } => format!(
                    "reserved for {term_months} months, {} paid upfront (spread over the term)",
                    percent(upfront.get())
                ),
                Billing::Spot {
                    discount,
                    interruption_overhead,
                } => format!(
                    "spot, {} off, {} of capacity lost to preemption",
                    percent(discount.get()),
                    percent(interruption_overhead.get())
                ),
                Billing::Autoscaled { min_nodes } => format!(
                    "autoscaled by the hour, at least {min_nodes} node{}",
                    if *min_nodes == 1 { "" } else { "s" }
                ),
            }
        ),
    }
}

fn breakdown_table(s: &Scenario, r: &Report) -> Table {
    let cur = &s.currency;
    let mut t = Table::new(&["Name", "Detail", "Monthly cost"], &[false, false, true])
        .titled("Cost breakdown");
    for (l, line) in s.local.iter().zip(&r.local) {
        let b = &line.breakdown;
        let nodes = format!(
            "{} node{}",
            line.nodes,
            if line.nodes == 1 { "" } else { "s" }
        );
        t.row(vec![
            line.name.clone(),
            format!("{nodes}, {} busy", percent(line.utilization)),
            String::new(),
        ]);
        t.row(vec![
            " ├─ Hardware".into(),
            hardware_detail(l, cur),
            money(b.hardware, cur),
        ]);
        let power = l
            .power
            .as_ref()
            .map_or("none declared (included in rent)".to_string(), |p| {
                format!(
                    "{} W load / {} W idle, {}/kWh, PUE {}",
                    p.load_watts.amount().normalize(),
                    p.idle_watts.amount().normalize(),
                    money(p.price_per_kwh.unit_price(), cur),
                    p.pue.normalize()
                )
            });
        t.row(vec![" ├─ Power".into(), power, money(b.power, cur)]);
        let staff = l.staff.as_ref().map_or("none".to_string(), |st| {
            format!(
                "{} FTE × {}/year",
                st.fte.normalize(),
                money(st.annual_cost, cur)
            )
        });
        t.row(vec![" ├─ Staff".into(), staff, money(b.staff, cur)]);
        t.row(vec![
            " ├─ Other".into(),
            format!("{}/node/month", money(l.other_monthly, cur)),
            money(b.other, cur),
        ]);
        t.row(vec![
            " └─ Overhead".into(),
            format!("{} of hardware", percent(l.overhead_share.get())),
            money(b.overhead, cur),
        ]);
        t.row(vec![
            "    Total".into(),
            String::new(),
            money(line.monthly_cost, cur),
        ]);
    }
    t
}

fn break_even_table(r: &Report) -> Table {
    let mut t = Table::new(
        &[
            "Local",
            "API",
            "Status",
            "Local cheaper from (tokens/month)",
            "Local wins",
            "Payback",
        ],
        &[false, false, false, true, false, true],
    )
    .titled("Break-even");
    for b in &r.break_even {
        let status = b.status.name();
        let from = b.tokens_per_month.map_or("—".to_string(), |v| {
            format!("{} ({})", tokens(Tokens(v)), tokens_short(Tokens(v)))
        });
        let wins = tco_core::model::format::local_wins(b);
        let payback = tco_core::model::format::payback(b);
        t.row(vec![
            b.local.clone(),
            b.api.clone(),
            status.into(),
            from,
            wins,
            payback,
        ]);
    }
    t
}

pub fn render(s: &Scenario, r: &Report, md: bool) -> String {
    let cur = &s.currency;
    let mut api = Table::new(
        &["API option", "Blended /MTok", "Monthly cost"],
        &[false, true, true],
    )
    .titled("API options");
    for a in &r.api {
        api.row(vec![
            a.name.clone(),
            per_mtok(a.blended_per_mtok, cur),
            money(a.monthly_cost, cur),
        ]);
    }
    let mut local = Table::new(
        &[
            "Local option",
            "Nodes",
            "Utilization",
            "Capacity/node (tokens/month)",
            "Cost /MTok",
            "Monthly cost",
        ],
        &[false, true, true, true, true, true],
    )
    .titled("Local options");
    for l in &r.local {
        let nodes = if l.can_serve {
            l.nodes.to_string()
        } else if !l.infeasible.is_empty() {
            "— (infeasible)".to_string()
        } else {
            format!("{} (over max_nodes)", l.nodes)
        };
        local.row(vec![
            l.name.clone(),
            nodes,
            percent(l.utilization),
            tokens(Tokens(l.capacity_tokens_per_month)),
            l.cost_per_mtok.map_or("—".into(), |p| per_mtok(p, cur)),
            money(l.monthly_cost, cur),
        ]);
    }
    let tables = [api, local, breakdown_table(s, r), break_even_table(r)];
    let mut out = heading(s, md);
    out.push('\n');
    for t in &tables {
        out.push_str(&if md { t.markdown() } else { t.text() });
        out.push('\n');
    }
    if let Some(f) = s.cash_flows() {
        out.push_str(&crate::cmd::npv::summary(&f, md));
        out.push('\n');
    }
    let notes = r.notes();
    if !notes.is_empty() {
        out.push_str(if md { "### Notes\n\n" } else { "Notes\n" });
        for n in notes {
            out.push_str(&format!("{} {n}\n", if md { "-" } else { " !" }));
        }
        out.push('\n');
    }
    let saving = r.verdict.local_saving_monthly.unwrap_or(Money::ZERO);
    let _ = saving;
    out.push_str(&format!(
        "{}Verdict: {}\n",
        if md { "**" } else { "" },
        r.verdict.summary
    ));
    if md {
        out = out.replacen("Verdict: ", "Verdict:** ", 1);
    }
    out
}
