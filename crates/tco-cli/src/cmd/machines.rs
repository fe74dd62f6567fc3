//! `tco machines`: every machine of the hardware table, its throughput
//! estimated for one model (the roofline rule), ranked by cost per million
//! tokens at the latency targets.
//!
//! Each machine becomes one local option of the base scenario (its workload
//! and API options; the flagship unless `--scenario`), owned at the table's
//! price, with `throughput: {estimate: roofline, slo}`; the scenario is read
//! and evaluated as `tco report` would, so the costing is the report's.

use crate::args::{Format, MachinesArgs};
use crate::load;
use crate::output::{json, Table};
use anyhow::{bail, Result};
use rust_decimal::Decimal;
use serde::Serialize;
use tco_core::model::format::{money, per_mtok};
use tco_core::model::load_curve::{Stat, NO_LEVEL_MEETS};
use tco_core::model::scenario::HardwareCost;
use tco_core::model::throughput::ThroughputSource;
use tco_core::Scenario;

/// One open model: (id, total params B, active params B, layers, KV heads, head dim).
type KnownModel = (
    &'static str,
    &'static str,
    Option<&'static str>,
    u64,
    u64,
    u64,
);

/// Open models `--model` knows.
pub const MODELS: &[KnownModel] = &[
    ("llama-3.3-70b", "70.6", None, 80, 8, 128),
    ("llama-3.1-8b", "8.03", None, 32, 8, 128),
    ("qwen2.5-coder-32b", "32.8", None, 64, 8, 128),
    ("phi-4-mini", "3.8", None, 32, 8, 128),
    ("mixtral-8x7b", "46.7", Some("12.9"), 32, 8, 128),
    ("gpt-oss-120b", "116.8", Some("5.1"), 36, 8, 64),
];

#[derive(Debug, Serialize)]
struct Row {
    rank: Option<usize>,
    id: String,
    name: String,
    /// `ok`, `no fit`, `no specs` or `slo missed`.
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    tokens_per_second: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    batch: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    range_tokens_per_second: Option<(Option<Decimal>, Option<Decimal>)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nodes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    monthly_cost: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cost_per_mtok: Option<Decimal>,
    #[serde(skip_serializing_if = "String::is_empty")]
    note: String,
}

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

pub fn run(a: &MachinesArgs) -> Result<String> {
    let tables = load::tables(&a.tables)?;
    let (origin, text, base) = load::scenario_text(a.scenario.as_deref())?;
    let files = load::Files { base };
    let base_scenario = Scenario::parse(&text, &origin, tables.as_ref(), &files)?;
    // The model block.
    let mut model = match (&a.model, a.params_b) {
        (Some(_), Some(_)) => {
            bail!("--model and --params-b both name the model\n  allowed: one of them")
        }
        (None, None) => bail!(
            "no model given\n  allowed: --model ID (one of: {}) or --params-b N",
            ids()
        ),
        (Some(id), None) => {
            let Some((_, p, act, l, h, d)) = MODELS.iter().find(|m| m.0 == id.to_lowercase())
            else {
                let hint = tco_core::error::did_you_mean(id, MODELS.iter().map(|m| m.0))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                bail!("--model {id}: not a model tco knows{hint}\n  allowed: one of: {}, or --params-b N", ids());
            };
            let mut m = format!("{{\"id\": {}, \"params_b\": {p}, \"layers\": {l}, \"kv_heads\": {h}, \"head_dim\": {d}", q(id));
            if let Some(act) = act {
                m.push_str(&format!(", \"active_params_b\": {act}"));
            }
            m
        }
        (None, Some(p)) => format!("{{\"params_b\": {p}"),
    };
    // The model's figures are checked once here, against the scenario
    // reader's ranges, rather than once per machine.
    let within = |v: Decimal, path: &str, flag: &str| -> Result<()> {
        let spec = tco_core::model::fields::known(path);
        if v < spec.min || v > spec.max {
            bail!("{flag} {v}: out of range\n  allowed: {}", spec.allowed);
        }
        Ok(())
    };
    if let Some(p) = a.params_b {
        within(p, "local[].model.params_b", "--params-b")?;
        if let Some(act) = a.active_params_b {
            within(act, "local[].model.active_params_b", "--active-params-b")?;
            if act > p {
                bail!("--active-params-b {act}: above --params-b {p}\n  allowed: active parameters at most the model's parameters");
            }
        }
    }
    if let Some(c) = a.context {
        within(Decimal::from(c), "local[].model.context", "--context")?;
    }
    if let Some(act) = a.active_params_b {
        if model.contains("active_params_b") {
            bail!("--active-params-b: --model {} already gives its active parameters\n  allowed: --active-params-b with --params-b", a.model.as_deref().unwrap_or_default());
        }
        model.push_str(&format!(", \"active_params_b\": {act}"));
    }
    model.push_str(&format!(", \"quant\": {}", q(&a.quant)));
    if let Some(c) = a.context {
        model.push_str(&format!(", \"context\": {c}"));
    }
    model.push('}');
    // The latency targets.
    let mut slo = Vec::new();
    for s in &a.slo {
        let Some((k, v)) = s.split_once('=') else {
            bail!("--slo {s}: no `=`\n  allowed: KEY=MS, e.g. tpot_p95_ms=50");
        };
        let k = k.trim();
        if Stat::parse(k).is_none() {
            bail!("--slo {s}: `{k}` is not a latency statistic\n  allowed: ttft_, tpot_, itl_, e2e_ × p50|p90|p95|p99 × _ms, e.g. tpot_p95_ms");
        }
        let v: Decimal = v.trim().parse().map_err(|_| {
            anyhow::anyhow!("--slo {s}: `{}` is not a number of milliseconds\n  allowed: KEY=MS, e.g. tpot_p95_ms=50", v.trim())
        })?;
        if v <= Decimal::ZERO {
            bail!("--slo {s}: {v} ms is not above zero\n  allowed: milliseconds above 0");
        }
        slo.push(format!("{}: {}", q(k), v.normalize()));
    }
    let slo = if slo.is_empty() {
        String::new()
    } else {
        format!(", \"slo\": {{{}}}", slo.join(", "))
    };
    // Costing taken from the base scenario's first local option, where it has one.
    let first = base_scenario.local.first();
    let months = match first.map(|l| &l.hardware) {
        Some(HardwareCost::Owned {
            amortization_months,
            ..
        }) => *amortization_months,
        _ => 36,
    };
    let kwh = first
        .and_then(|l| l.power.as_ref())
        .map_or(Decimal::new(15, 2), |p| p.price_per_kwh.amount());
    let pue = first
        .and_then(|l| l.power.as_ref())
        .map_or(Decimal::ONE, |p| p.pue);
    let mut rows = Vec::new();
    for h in &tables.hardware.hardware {
        let mut row = Row {
            rank: None,
            id: h.id.clone(),
            name: h.name.clone(),
            status: String::new(),
            tokens_per_second: None,
            batch: None,
            range_tokens_per_second: None,
            nodes: None,
            monthly_cost: None,
            cost_per_mtok: None,
            note: String::new(),
        };
        if h.fp16_tflops.is_none() {
            row.status = "no specs".into();
            row.note = "no fp16_tflops in the hardware table".into();
            rows.push(row);
            continue;
        }
        let local = format!(
            "local=[{{\"name\": {}, \"machine\": {}, \"owned\": {{\"amortization_months\": {months}}}, \"power\": {{\"price_per_kwh\": {}, \"pue\": {}}}, \"throughput\": {{\"estimate\": \"roofline\"{slo}}}, \"model\": {model}}}]",
            q(&h.id),
            q(&h.id),
            kwh.normalize(),
            pue.normalize()
        );
        let mut root = tco_core::input::yaml::parse(&text, &origin)?;
        tco_core::input::yaml::set_path(&mut root, &local)?;
        let s = match Scenario::from_tree(&root, &origin, tables.as_ref(), &files) {
            Ok(s) => s,
            Err(e) => {
                let msg = match &e {
                    tco_core::error::Error::Input(d) => d.message.clone(),
                    other => other.to_string(),
                };
                if msg.contains(NO_LEVEL_MEETS) {
                    row.status = "slo missed".into();
                } else if msg.contains("quantization")
                    || msg.contains("params_b")
                    || msg.contains("context")
                {
                    // A problem with the model itself: the same for every machine.
                    return Err(e.into());
                } else {
                    row.status = "error".into();
                }
                row.note = msg;
                rows.push(row);
                continue;
            }
        };
        let r = s.evaluate();
        let Some(l) = r.local.first() else { continue };
        if !l.infeasible.is_empty() {
            // Infeasible: the model does not fit, or (the core's SloError
            // text) no batch size meets the latency targets.
            let missed = l.infeasible.iter().any(|w| w.starts_with(NO_LEVEL_MEETS));
            row.status = if missed { "slo missed" } else { "no fit" }.into();
            row.note = l.infeasible.join("; ");
            rows.push(row);
            continue;
        }
        if let Some(e) = &l.throughput.estimate {
            row.batch = e.batch;
            row.range_tokens_per_second = Some(e.range_tokens_per_second);
        }
        row.status = if l.can_serve { "ok" } else { "cannot serve" }.into();
        row.tokens_per_second = Some(l.throughput.decode_tokens_per_second);
        row.nodes = Some(l.nodes);
        row.monthly_cost = Some(l.monthly_cost.amount());
        row.cost_per_mtok = l.cost_per_mtok.map(|p| p.amount());
        if let Some(ThroughputSource::Estimate { .. }) =
            s.local.first().map(|o| &o.throughput.source)
        {
            row.note = format!(
                "η memory {}, compute {}",
                l.throughput
                    .estimate
                    .as_ref()
                    .map_or(Decimal::ZERO, |e| e.efficiency.memory)
                    .normalize(),
                l.throughput
                    .estimate
                    .as_ref()
                    .map_or(Decimal::ZERO, |e| e.efficiency.compute)
                    .normalize()
            );
        }
        rows.push(row);
    }
    // Cheapest first; machines without a figure after, in table order.
    rows.sort_by(|x, y| match (x.cost_per_mtok, y.cost_per_mtok) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let mut rank = 0;
    for r in &mut rows {
        if r.cost_per_mtok.is_some() {
            rank += 1;
            r.rank = Some(rank);
        }
    }
    let cur = base_scenario.currency.clone();
    let v = base_scenario.workload.tokens_per_month;
    let cheapest_api = base_scenario
        .evaluate()
        .api
        .iter()
        .min_by_key(|x| x.blended_per_mtok.amount())
        .map(|x| (x.name.clone(), x.blended_per_mtok));
    let targets = if a.slo.is_empty() {
        "no latency targets (the largest batch that fits)".to_string()
    } else {
        a.slo.join(", ")
    };
    Ok(match a.format {
        Format::Html => return Err(crate::output::html_only()),
        Format::Json => json(&serde_json::json!({
            "scenario": base_scenario.name,
            "currency": cur,
            "tokens_per_month": v.0,
            "model": serde_json::from_str::<serde_json::Value>(&model).unwrap_or_default(),
            "slo": a.slo,
            "amortization_months": months,
            "price_per_kwh": kwh,
            "cheapest_api": cheapest_api.as_ref().map(|(n, p)| serde_json::json!({"name": n, "blended_per_mtok": p.amount()})),
            "machines": rows,
        }))?,
        Format::Csv => {
            let mut out = tco_core::output::csv::line(&[
                "rank",
                "id",
                "name",
                "status",
                "tokens_per_second",
                "batch",
                "nodes",
                "monthly_cost",
                "cost_per_mtok",
                "note",
            ]);
            let o = |d: Option<Decimal>| d.map_or(String::new(), |d| d.to_string());
            for r in &rows {
                out.push_str(&tco_core::output::csv::line(&[
                    r.rank.map_or(String::new(), |x| x.to_string()),
                    r.id.clone(),
                    r.name.clone(),
                    r.status.clone(),
                    o(r.tokens_per_second),
                    r.batch.map_or(String::new(), |x| x.to_string()),
                    r.nodes.map_or(String::new(), |x| x.to_string()),
                    o(r.monthly_cost),
                    o(r.cost_per_mtok),
                    r.note.clone(),
                ]));
            }
            out
        }
        Format::Table | Format::Markdown => {
            let mut tb = Table::new(
                &[
                    "#",
                    "Machine",
                    "Tokens/s (estimated)",
                    "Batch",
                    "Nodes",
                    "Monthly",
                    "Cost /MTok",
                    "Status",
                ],
                &[true, false, true, true, true, true, true, false],
            )
            .titled(format!(
                "Machines for {} at {} tokens/month, {targets}; owned at the table price over {months} months, power at {}/kWh ({})",
                model_label(a),
                tco_core::model::format::tokens(v),
                kwh.normalize(),
                cur
            ));
            for r in &rows {
                let dash = || "—".to_string();
                tb.row(vec![
                    r.rank.map_or(String::new(), |x| x.to_string()),
                    r.id.clone(),
                    r.tokens_per_second.map_or_else(dash, |t| {
                        tco_core::model::format::decimal_grouped(t.round_dp(1))
                    }),
                    r.batch.map_or_else(dash, |b| b.to_string()),
                    r.nodes.map_or_else(dash, |n| n.to_string()),
                    r.monthly_cost
                        .map_or_else(dash, |m| money(tco_core::model::units::Money::new(m), &cur)),
                    r.cost_per_mtok.map_or_else(dash, |c| {
                        per_mtok(tco_core::model::units::PerMTok::new(c), &cur)
                    }),
                    r.status.clone(),
                ]);
            }
            let mut out = if a.format == Format::Markdown {
                tb.markdown()
            } else {
                tb.text()
            };
            if let Some((n, p)) = cheapest_api {
                out.push_str(&format!(
                    "\nCheapest API in the scenario: {n} at {}/MTok blended.\n",
                    per_mtok(p, &cur)
                ));
            }
            out.push_str("Throughput is a roofline estimate from each machine's bandwidth and FLOPS (docs/model.md), not a measurement; `no fit`: the model does not fit in memory; `no specs`: the table has no FP16 TFLOPS for it; `slo missed`: not even one stream meets the targets. Staff and other costs are left out.\n");
            out
        }
    })
}

fn ids() -> String {
    MODELS.iter().map(|m| m.0).collect::<Vec<_>>().join(", ")
}

fn model_label(a: &MachinesArgs) -> String {
    match (&a.model, a.params_b) {
        (Some(id), _) => format!("{id} {}", a.quant),
        (None, Some(p)) => format!("{}B {}", p.normalize(), a.quant),
        _ => String::new(),
    }
}
