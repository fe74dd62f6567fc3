//! Writes one SVG of each chart into a folder, to look at them:
//! `cargo run -p tco-chart --example gallery -- /tmp/charts`.

use std::path::PathBuf;
use tco_chart::{
    Bar, Bin, CashChart, CashSeries, CostChart, Histogram, Marker, SharesChart, SharesSeries,
    Tornado, Unit, VMarker,
};
use tco_core::bundled;
use tco_core::scenario::{NoFiles, Scenario};
use tco_core::sweep::{volumes, Spacing};
use tco_core::units::Tokens;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "charts".into()));
    std::fs::create_dir_all(&dir)?;
    let tables = bundled::tables()?;
    for name in [
        "flagship",
        "lit-4xa100-vs-sonnet",
        "h100-rented-llama70b",
        "lit-document-pipeline",
    ] {
        let path = format!("scenarios/{name}.yaml");
        let Some((origin, text)) = bundled::find(&path) else {
            continue;
        };
        let s = Scenario::parse(text, origin, tables.as_ref(), &NoFiles)?;
        let r = s.evaluate();
        let w = r.tokens_per_month.max(1);
        let vols = volumes(
            Tokens((w / 100).max(1)),
            Tokens(w.saturating_mul(100).min(1_000_000_000_000_000)),
            241,
            Spacing::Log,
        )?;
        let chart = CostChart::from_report(&r, &s.sweep(&vols), true);
        std::fs::write(dir.join(format!("cost-{name}.svg")), chart.to_svg()?)?;
    }
    // Log-normal-ish bins around 988M.
    let bins: Vec<Bin> = (0..30)
        .map(|i| {
            let lo = 10f64.powf(8.4 + i as f64 * 0.05);
            let hi = 10f64.powf(8.4 + (i + 1) as f64 * 0.05);
            let z = (i as f64 - 14.0) / 5.0;
            Bin {
                lo,
                hi,
                count: (900.0 * (-z * z / 2.0).exp()) as u64,
            }
        })
        .collect();
    let h = Histogram {
        title: "Break-even volume, 4x A100 vs Claude Sonnet 4.6 (10,000 samples)".into(),
        x_label: "break-even volume, tokens / month".into(),
        x_unit: Unit::Tokens,
        x_log: true,
        bins,
        markers: vec![
            VMarker {
                label: "p10 640M".into(),
                x: 640e6,
            },
            VMarker {
                label: "p50 988M".into(),
                x: 988e6,
            },
            VMarker {
                label: "p90 1.6B".into(),
                x: 1.6e9,
            },
        ],
        workload: Some(1e9),
        never_share: 0.12,
    };
    std::fs::write(dir.join("histogram.svg"), h.to_svg()?)?;
    let t = Tornado {
        title: "What moves the break-even volume (4x A100 vs Claude Sonnet 4.6)".into(),
        unit_label: "break-even volume, tokens / month".into(),
        unit: Unit::Tokens,
        x_log: false,
        base: 988e6,
        bars: vec![
            Bar {
                label: "local[0].owned.price".into(),
                low_value: 800e6,
                high_value: 1.2e9,
                low_input_label: "$64,000".into(),
                high_input_label: "$96,000".into(),
            },
            Bar {
                label: "local[0].staff.fte".into(),
                low_value: 600e6,
                high_value: 1.4e9,
                low_input_label: "0.1 FTE".into(),
                high_input_label: "0.3 FTE".into(),
            },
            Bar {
                label: "local[0].power.price_per_kwh".into(),
                low_value: 975e6,
                high_value: 1.0e9,
                low_input_label: "$0.08".into(),
                high_input_label: "$0.12".into(),
            },
            Bar {
                label: "api[0].output_per_mtok".into(),
                low_value: 1.3e9,
                high_value: 800e6,
                low_input_label: "$12".into(),
                high_input_label: "$18".into(),
            },
            Bar {
                label: "workload.input_share".into(),
                low_value: 850e6,
                high_value: 1.25e9,
                low_input_label: "0.7".into(),
                high_input_label: "0.9".into(),
            },
        ],
    };
    std::fs::write(dir.join("tornado.svg"), t.to_svg()?)?;
    let cash = |capital: f64, saving: f64| -> Vec<(f64, f64)> {
        (0..=36)
            .map(|m| {
                let mut c = -capital;
                for k in 1..=m {
                    c += saving / (1.0 + 0.08 / 12.0f64).powi(k);
                }
                (m as f64, c)
            })
            .collect()
    };
    let c = CashChart {
        title: "Going local vs Claude Sonnet 4.6 at 2B tokens/month (8 % a year)".into(),
        currency: "USD".into(),
        y_label: String::new(),
        series: vec![
            CashSeries {
                name: "4x A100 80GB server".into(),
                points: cash(80_000.0, 5_400.0),
            },
            CashSeries {
                name: "RTX 4090 box".into(),
                points: cash(4_000.0, 300.0),
            },
        ],
        paybacks: vec![Marker {
            label: "payback 15.6 months".into(),
            x: 15.6,
            y: 0.0,
        }],
    };
    std::fs::write(dir.join("cash.svg"), c.to_svg()?)?;
    let curve = |fixed: f64, api: f64| -> Vec<(f64, f64)> {
        (0..=20)
            .map(|i| {
                let s = i as f64 / 20.0;
                let nodes = (s * 3.0).ceil().max(if s > 0.0 { 1.0 } else { 0.0 });
                (s, nodes * fixed + (1.0 - s) * api)
            })
            .collect()
    };
    let sh = SharesChart {
        title: "Hybrid: monthly cost by share served locally (3B tokens/month)".into(),
        currency: "EUR".into(),
        series: vec![
            SharesSeries {
                name: "4x A100 + Claude Sonnet 4.6".into(),
                points: curve(5_300.0, 16_200.0),
            },
            SharesSeries {
                name: "H100 rented + GPT-5".into(),
                points: curve(2_200.0, 24_000.0),
            },
        ],
        best: vec![Marker {
            label: "best 35%: €12,300".into(),
            x: 0.35,
            y: 12_300.0,
        }],
    };
    std::fs::write(dir.join("shares.svg"), sh.to_svg()?)?;
    println!("wrote {}", dir.display());
    Ok(())
}
