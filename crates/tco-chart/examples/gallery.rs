//! Writes every chart of the bundled scenarios into a folder, to look at them:
//! `cargo run -p tco-chart --example gallery -- /tmp/charts`, then e.g.
//! `rsvg-convert /tmp/charts/cost-flagship.svg -o /tmp/cost.png`.

use std::path::{Path, PathBuf};
use tco_chart::{CashChart, CostChart, Histogram, SharesChart, Tornado};
use tco_core::analysis::sensitivity::{sensitivity, SensOptions};
use tco_core::analysis::sim::{simulate, SimOptions};
use tco_core::input::bundled;
use tco_core::input::scenario::NoFiles;
use tco_core::Scenario;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn write(dir: &Path, name: &str, svg: Result<String, tco_chart::ChartError>) -> Res<()> {
    std::fs::write(dir.join(format!("{name}.svg")), svg?)?;
    Ok(())
}

fn main() -> Res<()> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "charts".into()));
    std::fs::create_dir_all(&dir)?;
    let tables = bundled::tables()?;
    let names = [
        "flagship",
        "lit-4xa100-vs-sonnet",
        "h100-rented-llama70b",
        "lit-document-pipeline",
        "apple-64gb-workstation",
        "rtx4090-box",
    ];
    for name in names {
        let Some((origin, text)) = bundled::find(&format!("scenarios/{name}.yaml")) else {
            continue;
        };
        let s = Scenario::parse(text, origin, tables.as_ref(), &NoFiles)?;
        let r = s.evaluate();
        write(
            &dir,
            &format!("cost-{name}"),
            CostChart::for_scenario(&s, &r).to_svg(),
        )?;
        if !s.uncertain.is_empty() {
            let sim = simulate(&s, SimOptions::default())?;
            if let Some(pair) = sim.break_even.iter().find(|p| p.never_share < 1.0) {
                write(
                    &dir,
                    &format!("histogram-{name}"),
                    Histogram::from_simulation(&sim, pair).to_svg(),
                )?;
            }
            let root = tco_core::input::yaml::parse(text, origin)?;
            let sens = sensitivity(
                &root,
                origin,
                tables.as_ref(),
                &NoFiles,
                SensOptions { all: true },
            )?;
            if let Some(pair) = sens.pairs.iter().find(|p| p.base_break_even.is_some()) {
                if let Some(t) = Tornado::break_even(pair, 12) {
                    write(&dir, &format!("tornado-{name}"), t.to_svg())?;
                }
                if let Some(t) = Tornado::saving(&sens, pair, 12) {
                    write(&dir, &format!("tornado-saving-{name}"), t.to_svg())?;
                }
            }
        }
        if let Some(fin) = s.cash_flows() {
            write(
                &dir,
                &format!("cash-{name}"),
                CashChart::from_finance(&fin).to_svg(),
            )?;
        }
        let h = s.hybrid(
            s.workload.tokens_per_month,
            tco_core::analysis::hybrid::default_step(),
        )?;
        write(
            &dir,
            &format!("shares-{name}"),
            SharesChart::from_hybrid(&h).to_svg(),
        )?;
    }
    println!("wrote {}", dir.display());
    Ok(())
}
