//! `tco hardware list|show`: the machines and accelerators a scenario can name.

use crate::args::{Format, HardwareCommand};
use crate::load;
use crate::output::{json, Table};
use anyhow::{bail, Result};
use rust_decimal::Decimal;
use tco_core::model::format::money;
use tco_core::model::prices::Hardware;
use tco_core::model::units::Money;

fn usd(d: Decimal) -> String {
    money(Money::new(d), "USD")
}

fn hourly(d: Option<Decimal>) -> String {
    d.map_or("—".into(), usd)
}

fn price(h: &Hardware) -> String {
    match h.price_range {
        Some((lo, hi)) => format!("{} ({}–{})", usd(h.price), usd(lo), usd(hi)),
        None => usd(h.price),
    }
}

fn as_of(h: &Hardware) -> String {
    h.as_of.map_or("—".into(), |d| d.to_string())
}

pub fn run(cmd: &HardwareCommand) -> Result<String> {
    match cmd {
        HardwareCommand::List {
            vendor,
            format,
            tables,
        } => {
            let t = load::tables(tables)?;
            let needle = vendor.as_deref().map(str::to_lowercase);
            let rows: Vec<&Hardware> = t
                .hardware
                .hardware
                .iter()
                .filter(|h| {
                    needle.as_ref().is_none_or(|n| {
                        h.id.contains(n.as_str()) || h.name.to_lowercase().contains(n)
                    })
                })
                .collect();
            if rows.is_empty() {
                bail!(
                    "no machine matches --vendor {}",
                    vendor.as_deref().unwrap_or_default()
                );
            }
            Ok(match format {
                Format::Html => return Err(crate::output::html_only()),
                Format::Json => json(&rows)?,
                Format::Csv => {
                    let mut out = tco_core::output::csv::line(&[
                        "id",
                        "name",
                        "kind",
                        "price",
                        "memory_gb",
                        "memory_bandwidth_gbs",
                        "load_watts",
                        "idle_watts",
                        "gpus",
                        "on_demand_per_gpu_hour",
                        "reserved_per_gpu_hour",
                        "spot_per_gpu_hour",
                        "as_of",
                        "source",
                    ]);
                    for h in rows {
                        let r = h.rent_per_gpu_hour.unwrap_or_default();
                        let opt = |d: Option<Decimal>| d.map_or(String::new(), |d| d.to_string());
                        out.push_str(&tco_core::output::csv::line(&[
                            h.id.clone(),
                            h.name.clone(),
                            h.kind.clone(),
                            h.price.to_string(),
                            h.memory_gb.to_string(),
                            h.memory_bandwidth_gbs.to_string(),
                            h.load_watts.to_string(),
                            h.idle_watts.to_string(),
                            h.gpus.to_string(),
                            opt(r.on_demand),
                            opt(r.reserved),
                            opt(r.spot),
                            h.as_of.map_or(String::new(), |d| d.to_string()),
                            h.source.clone(),
                        ]));
                    }
                    out
                }
                Format::Table | Format::Markdown => {
                    let mut tb = Table::new(
                        &[
                            "Id",
                            "Name",
                            "Price",
                            "Memory GB",
                            "GB/s",
                            "Load W",
                            "Idle W",
                            "On demand /GPU-h",
                            "Reserved /GPU-h",
                            "Spot /GPU-h",
                            "As of",
                        ],
                        &[
                            false, false, true, true, true, true, true, true, true, true, false,
                        ],
                    )
                    .titled(
                        "Machines and accelerators (USD; memory and bandwidth of the whole unit)",
                    );
                    for h in rows {
                        let r = h.rent_per_gpu_hour.unwrap_or_default();
                        tb.row(vec![
                            h.id.clone(),
                            h.name.clone(),
                            price(h),
                            h.memory_gb.normalize().to_string(),
                            h.memory_bandwidth_gbs.normalize().to_string(),
                            h.load_watts.normalize().to_string(),
                            h.idle_watts.normalize().to_string(),
                            hourly(r.on_demand),
                            hourly(r.reserved),
                            hourly(r.spot),
                            as_of(h),
                        ]);
                    }
                    if *format == Format::Markdown {
                        tb.markdown()
                    } else {
                        tb.text()
                    }
                }
            })
        }
        HardwareCommand::Show { id, format, tables } => {
            let t = load::tables(tables)?;
            let Some(h) = t.hardware.get(id) else {
                let hint = tco_core::error::did_you_mean(
                    id,
                    t.hardware.hardware.iter().map(|m| m.id.as_str()),
                )
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
                bail!("`{id}` is not in the hardware table{hint}\n  allowed: an id listed by `tco hardware list`");
            };
            Ok(match format {
                Format::Html => return Err(crate::output::html_only()),
                Format::Json => json(h)?,
                _ => {
                    let r = h.rent_per_gpu_hour.unwrap_or_default();
                    let mut tb = Table::new(&["Field", "Value"], &[false, false])
                        .titled(format!("{} ({})", h.name, h.id));
                    for (k, v) in [
                        ("kind", h.kind.clone()),
                        ("price", price(h)),
                        ("condition", h.condition.clone()),
                        ("memory", format!("{} GB", h.memory_gb.normalize())),
                        (
                            "memory bandwidth",
                            format!("{} GB/s", h.memory_bandwidth_gbs.normalize()),
                        ),
                        (
                            "FP16 dense",
                            h.fp16_tflops
                                .map_or("—".into(), |v| format!("{} TFLOPS", v.normalize())),
                        ),
                        (
                            "INT8 dense",
                            h.int8_tops
                                .map_or("—".into(), |v| format!("{} TOPS", v.normalize())),
                        ),
                        (
                            "compute source",
                            if h.compute_source.is_empty() {
                                "—".into()
                            } else {
                                h.compute_source.clone()
                            },
                        ),
                        ("platform", h.platform.clone()),
                        (
                            "load / idle",
                            format!(
                                "{} W / {} W",
                                h.load_watts.normalize(),
                                h.idle_watts.normalize()
                            ),
                        ),
                        ("GPUs", h.gpus.to_string()),
                        ("rent on demand per GPU-hour", hourly(r.on_demand)),
                        ("rent reserved per GPU-hour", hourly(r.reserved)),
                        ("rent spot per GPU-hour", hourly(r.spot)),
                        ("as of", as_of(h)),
                        ("source", h.source.clone()),
                    ] {
                        tb.row(vec![k.to_string(), v]);
                    }
                    match format {
                        Format::Markdown => tb.markdown(),
                        Format::Csv => {
                            let mut out = tco_core::output::csv::line(&["field", "value"]);
                            for r in &tb.rows {
                                out.push_str(&tco_core::output::csv::line(r));
                            }
                            out
                        }
                        _ => tb.text(),
                    }
                }
            })
        }
    }
}
