//! The one-page report: one self-contained HTML page a finance lead can read
//! and print (`tco report --format html`, and the page's "download report",
//! the same bytes from the same function).
//!
//! No network and no script: the styles are inline, the cost chart is inline
//! SVG from [`crate::CostChart::for_scenario`]. Print CSS lays it out on A4.
//! Every figure sits in an element with `data-k` (its path in `tco report
//! --format json`, e.g. `local.0.monthly_cost`) and `data-v` (the JSON value
//! at full precision), so a test can check each printed figure against the
//! JSON report. The page is well-formed XML (XHTML syntax), so any XML
//! parser reads it.

use crate::CostChart;
use serde_json::Value;
use tco_core::analysis::sim::Simulation;
use tco_core::model::format::payback as payback_text;
use tco_core::model::format::{money, per_mtok, percent, tokens, tokens_short};
use tco_core::model::prices::PriceTable;
use tco_core::model::units::{Money, Tokens};
use tco_core::{Report, Scenario};

/// What the page shows besides the report itself.
#[derive(Debug, Clone, Copy)]
pub struct ReportPage<'a> {
    pub scenario: &'a Scenario,
    pub report: &'a Report,
    /// `tco simulate`'s result at its defaults, for scenarios with distributions.
    pub simulation: Option<&'a Simulation>,
    /// The scenario's YAML text as written (comments included).
    pub yaml: &'a str,
    /// The API price table, for each model's date and source.
    pub prices: &'a PriceTable,
}

/// Escapes text for HTML/XML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

const STYLE: &str = "
body{font:10pt/1.35 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111;max-width:190mm;margin:1em auto;padding:0 1em}
h1{font-size:15pt;margin:0 0 .2em}h2{font-size:11.5pt;margin:1em 0 .3em;border-bottom:1px solid #999}
p{margin:.3em 0}.sub{color:#444}.verdict{font-size:11pt;font-weight:600;border:2px solid #2a6;padding:.5em .7em;margin:.6em 0}
.verdict.api{border-color:#36c}table{border-collapse:collapse;width:100%;margin:.3em 0;font-size:8.5pt}
th,td{border-bottom:1px solid #ccc;padding:2px 4px;text-align:left;vertical-align:top}td.n{text-align:right;white-space:nowrap}
tr.cannot td{color:#a00}.flag{color:#a00}.notes{font-size:8.5pt;color:#333}.notes li{margin:.1em 0}
figure{margin:.4em 0}figure svg{width:100%;height:auto;max-height:80mm}figcaption{font-size:8pt;color:#444}
pre{font-size:7pt;line-height:1.2;white-space:pre-wrap;border:1px solid #ccc;padding:.4em;margin:.3em 0}
.src{font-size:8pt;color:#333}
@page{size:A4;margin:11mm}
td:first-child{min-width:34mm}td.why{font-size:7.5pt;color:#444}
@media print{body{max-width:none;margin:0;padding:0;font-size:7.5pt}h1{font-size:13pt}h2{font-size:10pt;break-after:avoid;margin-top:.5em}
table{font-size:7pt;break-inside:avoid}th,td{padding:1px 3px}figure{break-inside:avoid}figure svg{max-height:55mm}.verdict{font-size:9.5pt;break-inside:avoid}
.notes,.src{font-size:7pt}pre{font-size:5.6pt;column-count:2;column-gap:4mm;border:0;padding:0}}
";

/// The value at a report JSON path such as `local.0.breakdown.power`.
fn at<'v>(root: &'v Value, path: &str) -> &'v Value {
    let mut v = root;
    for part in path.split('.') {
        v = match part.parse::<usize>() {
            Ok(i) => &v[i],
            Err(_) => &v[part],
        };
    }
    v
}

fn raw(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

struct Page<'a> {
    json: Value,
    cur: &'a str,
    out: String,
}

impl Page<'_> {
    /// A table cell holding the figure at `key`, shown as `text`.
    fn fig(&mut self, key: &str, text: &str) {
        let v = raw(at(&self.json, key));
        self.out.push_str(&format!(
            "<td class=\"n\" data-k=\"{}\" data-v=\"{}\">{}</td>",
            esc(key),
            esc(&v),
            esc(text)
        ));
    }

    fn td(&mut self, text: &str) {
        self.out.push_str(&format!("<td>{}</td>", esc(text)));
    }

    fn head(&mut self, cols: &[&str]) {
        self.out.push_str("<table><thead><tr>");
        for c in cols {
            self.out.push_str(&format!("<th>{}</th>", esc(c)));
        }
        self.out.push_str("</tr></thead><tbody>");
    }

    fn m(&self, v: Money) -> String {
        money(v, self.cur)
    }
}

/// The page, as one string of HTML.
pub fn report_html(p: &ReportPage<'_>) -> String {
    let r = p.report;
    let s = p.scenario;
    let json = serde_json::to_value(r).unwrap_or(Value::Null);
    let mut pg = Page {
        json,
        cur: &r.currency,
        out: String::with_capacity(64 * 1024),
    };
    let w = &s.workload;
    pg.out.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\"><head><meta charset=\"utf-8\"/>\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>{}</title><style>{STYLE}</style></head><body>\n",
        esc(&format!("TCO report: {}", r.scenario))
    ));
    pg.out.push_str(&format!("<h1>{}</h1>", esc(&r.scenario)));
    pg.out.push_str(&format!(
        "<p class=\"sub\"><span data-k=\"tokens_per_month\" data-v=\"{}\">{} tokens/month ({})</span> · {} input, {} of it cached · {} batch · {}-hour month · {}</p>\n",
        r.tokens_per_month,
        tokens(Tokens(r.tokens_per_month)),
        tokens_short(Tokens(r.tokens_per_month)),
        percent(w.input_share.get()),
        percent(w.cached_input_share.get()),
        percent(w.batch_share.get()),
        r.hours_per_month.normalize(),
        esc(&r.currency)
    ));

    // Verdict.
    pg.out.push_str(&format!(
        "<p class=\"verdict {}\" data-k=\"verdict.summary\">{}</p>\n",
        r.verdict.kind,
        esc(&r.verdict.summary)
    ));

    // Monthly costs.
    pg.out.push_str("<h2>Monthly cost</h2>");
    pg.head(&["API option", "Blended /MTok", "Monthly cost"]);
    for (i, a) in r.api.iter().enumerate() {
        pg.out.push_str("<tr>");
        pg.td(&a.name);
        let t = per_mtok(a.blended_per_mtok, pg.cur);
        pg.fig(&format!("api.{i}.blended_per_mtok"), &t);
        let t = pg.m(a.monthly_cost);
        pg.fig(&format!("api.{i}.monthly_cost"), &t);
        pg.out.push_str("</tr>");
    }
    pg.out.push_str("</tbody></table>\n");
    pg.head(&[
        "Local option",
        "Nodes",
        "Util.",
        "Hardware",
        "Power",
        "Staff",
        "Other",
        "Overhead",
        "Cost /MTok",
        "Monthly cost",
    ]);
    for (j, l) in r.local.iter().enumerate() {
        pg.out.push_str(if l.can_serve {
            "<tr>"
        } else {
            "<tr class=\"cannot\">"
        });
        pg.td(&if l.can_serve {
            l.name.clone()
        } else {
            format!("{} (cannot serve)", l.name)
        });
        pg.fig(&format!("local.{j}.nodes"), &l.nodes.to_string());
        pg.fig(&format!("local.{j}.utilization"), &percent(l.utilization));
        let b = l.breakdown;
        for (k, v) in [
            ("hardware", b.hardware),
            ("power", b.power),
            ("staff", b.staff),
            ("other", b.other),
            ("overhead", b.overhead),
        ] {
            let t = pg.m(v);
            pg.fig(&format!("local.{j}.breakdown.{k}"), &t);
        }
        let t = l
            .cost_per_mtok
            .map_or("—".to_string(), |c| per_mtok(c, pg.cur));
        pg.fig(&format!("local.{j}.cost_per_mtok"), &t);
        let t = pg.m(l.monthly_cost);
        pg.fig(&format!("local.{j}.monthly_cost"), &t);
        pg.out.push_str("</tr>");
    }
    pg.out.push_str("</tbody></table>\n");

    // Break-even, payback and NPV, with the chart.
    pg.out.push_str("<h2>Break-even, payback and NPV</h2>");
    let has_npv = r.break_even.iter().any(|b| b.finance.is_some());
    let mut cols = vec![
        "Local",
        "API",
        "Status",
        "Local cheaper from (tokens/month)",
        "Payback",
    ];
    if has_npv {
        cols.push("NPV");
    }
    pg.head(&cols);
    for (k, b) in r.break_even.iter().enumerate() {
        pg.out.push_str("<tr>");
        pg.td(&b.local);
        pg.td(&b.api);
        pg.out.push_str(&format!(
            "<td data-k=\"break_even.{k}.status\" data-v=\"{}\">{}</td>",
            b.status.name(),
            b.status.name()
        ));
        match b.tokens_per_month {
            Some(v) => {
                let t = format!("{} ({})", tokens(Tokens(v)), tokens_short(Tokens(v)));
                pg.fig(&format!("break_even.{k}.tokens_per_month"), &t);
            }
            None => pg.out.push_str(&format!(
                "<td class=\"why\" data-k=\"break_even.{k}.tokens_per_month\" data-v=\"\">— {}</td>",
                esc(b.reason.as_deref().unwrap_or(""))
            )),
        }
        let t = payback_text(b);
        pg.fig(&format!("break_even.{k}.payback_months"), &t);
        if has_npv {
            let t = b
                .finance
                .and_then(|f| f.npv)
                .map_or("—".to_string(), |v| pg.m(v));
            pg.fig(&format!("break_even.{k}.npv"), &t);
        }
        pg.out.push_str("</tr>");
    }
    pg.out.push_str("</tbody></table>\n");
    if let Ok(svg) = CostChart::for_scenario(s, r).to_svg() {
        pg.out.push_str("<figure>");
        pg.out
            .push_str(svg.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        pg.out.push_str("<figcaption>Monthly cost against token volume (log scales); dots mark where a local option starts to cost no more than an API; the dashed line is the workload volume.</figcaption></figure>\n");
    }

    // Uncertainty.
    if let Some(sim) = p.simulation {
        pg.out.push_str(&format!(
            "<h2>Uncertainty</h2><p>Monte Carlo over the scenario's distributions: {} samples, seed {} (<code>tco simulate</code>'s defaults).</p>",
            sim.samples, sim.seed
        ));
        pg.head(&[
            "Local",
            "API",
            "P(local cheaper)",
            "Break-even P10",
            "P50",
            "P90",
        ]);
        for sp in &sim.break_even {
            pg.out.push_str("<tr>");
            pg.td(&sp.local);
            pg.td(&sp.api);
            let short = |v: Option<u64>| v.map_or("never".to_string(), |t| tokens_short(Tokens(t)));
            let q = &sp.break_even_percentiles;
            pg.out.push_str(&format!(
                "<td class=\"n\" data-sim=\"prob_local_cheaper\" data-v=\"{}\">{:.1}%</td>",
                sp.prob_local_cheaper,
                100.0 * sp.prob_local_cheaper
            ));
            for v in [q.p10, q.p50, q.p90] {
                pg.out.push_str(&format!(
                    "<td class=\"n\" data-sim=\"break_even\" data-v=\"{}\">{}</td>",
                    v.map_or(String::new(), |t| t.to_string()),
                    short(v)
                ));
            }
            pg.out.push_str("</tr>");
        }
        pg.out.push_str("</tbody></table>\n");
    }

    // Notes.
    let notes: Vec<String> = r
        .local
        .iter()
        .flat_map(|l| l.warnings.iter().map(move |w| format!("{}: {w}", l.name)))
        .collect();
    if !notes.is_empty() {
        pg.out.push_str("<h2>Notes</h2><ul class=\"notes\">");
        for n in notes {
            pg.out.push_str(&format!("<li>{}</li>", esc(&n)));
        }
        pg.out.push_str("</ul>\n");
    }

    // Assumptions with their sources and dates.
    pg.out
        .push_str("<h2>Assumptions and sources</h2><ul class=\"src\">");
    if let Some(src) = &s.source {
        pg.out
            .push_str(&format!("<li>Scenario source: {}</li>", esc(src)));
    }
    for a in &s.api {
        let line = match a
            .model_id
            .as_ref()
            .and_then(|id| p.prices.models.iter().find(|m| &m.id == id))
        {
            Some(m) => format!(
                "{}: {} in / {} out per MTok, price table <code>{}</code> as of {} ({})",
                esc(&a.name),
                esc(&per_mtok(a.input_per_mtok, pg.cur)),
                esc(&per_mtok(a.output_per_mtok, pg.cur)),
                esc(&m.id),
                esc(&m.as_of),
                esc(&m.source)
            ),
            None => format!(
                "{}: {} in / {} out per MTok, written in the scenario",
                esc(&a.name),
                esc(&per_mtok(a.input_per_mtok, pg.cur)),
                esc(&per_mtok(a.output_per_mtok, pg.cur))
            ),
        };
        pg.out.push_str(&format!("<li>{line}</li>"));
    }
    for (l, line) in s.local.iter().zip(&r.local) {
        let machine = l.machine.as_ref().map_or(String::new(), |m| {
            format!(
                "; machine <code>{}</code> ({}, {} GB, {} GB/s; {})",
                esc(&m.id),
                esc(&m.name),
                m.memory_gb.normalize(),
                m.memory_bandwidth_gbs.normalize(),
                esc(&m.source)
            )
        });
        pg.out.push_str(&format!(
            "<li>{}: throughput {} / {} tokens/s prefill / decode, {}{machine}</li>",
            esc(&l.name),
            line.throughput.prefill_tokens_per_second.normalize(),
            line.throughput.decode_tokens_per_second.normalize(),
            esc(&line.throughput.source)
        ));
    }
    pg.out.push_str(&format!(
        "<li>Currency {}: every price and cost is in it as written; no exchange rate is applied.</li></ul>\n",
        esc(&r.currency)
    ));

    // The scenario itself, as written.
    pg.out.push_str(&format!(
        "<h2 class=\"scenario\">The scenario</h2><pre>{}</pre>\n",
        esc(p.yaml)
    ));
    pg.out.push_str(&format!(
        "<p class=\"src\">Made by tco {} (<code>tco report --format html</code>); every figure is <code>tco report --format json</code>'s, rounded to the cent.</p>\n</body></html>\n",
        env!("CARGO_PKG_VERSION")
    ));
    pg.out
}
