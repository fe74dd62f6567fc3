//! `tco report --format html`: one self-contained page whose every figure is
//! the JSON report's, with the chart inline, the scenario as written, and at
//! most two A4 pages when headless Chromium prints it.
//!
//! Chromium is required for the print check (tests/run-all.sh installs it).

use crate::{dec, root, tco, usd};
use rust_decimal::Decimal;
use serde_json::Value;
use std::process::Command;

fn at<'v>(root: &'v Value, path: &str) -> &'v Value {
    path.split('.').fold(root, |v, p| match p.parse::<usize>() {
        Ok(i) => &v[i],
        Err(_) => &v[p],
    })
}

fn html(name: &str) -> String {
    tco(&["report", name, "--format", "html"]).ok().to_string()
}

/// Checks every `data-k` figure of the page against `tco report --format json`.
fn figures_match_json(name: &str) -> usize {
    let page = html(name);
    let json = tco(&["report", name, "--format", "json"]).json();
    let doc = roxmltree::Document::parse_with_options(
        &page,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("{name}: the page is not well-formed: {e}"));
    let mut checked = 0;
    for n in doc.descendants().filter(|n| n.has_attribute("data-k")) {
        let key = n.attribute("data-k").unwrap();
        let shown: String = n
            .descendants()
            .filter(|d| d.is_text())
            .filter_map(|d| d.text())
            .collect();
        let want = at(&json, key);
        let v = n.attribute("data-v");
        if key == "verdict.summary" {
            assert_eq!(shown, want.as_str().unwrap(), "{name}: verdict");
            checked += 1;
            continue;
        }
        let v = v.unwrap_or_else(|| panic!("{name}: {key} has no data-v"));
        match want {
            Value::Null => assert_eq!(v, "", "{name}: {key}"),
            Value::String(s) if s.parse::<Decimal>().is_err() => assert_eq!(v, s, "{name}: {key}"),
            w => assert_eq!(dec(&Value::String(v.into())), dec(w), "{name}: {key}"),
        }
        let last = key.rsplit('.').next().unwrap();
        let is_money = key.contains(".breakdown.") || last == "monthly_cost" || last == "npv";
        if is_money && !want.is_null() {
            assert_eq!(shown, usd(dec(want)), "{name}: {key}");
        } else if last == "payback_months" {
            match want {
                Value::Null => assert_eq!(shown, "—", "{name}: {key}"),
                w => assert!(
                    shown.starts_with(&format!("{} months", dec(w).round_dp(1))),
                    "{name}: {key}: {shown}"
                ),
            }
        } else if last == "nodes" {
            assert_eq!(shown, want.to_string(), "{name}: {key}");
        } else if last == "tokens_per_month" && !want.is_null() {
            let grouped = usd(dec(want)).trim_start_matches('$').replace(".00", "");
            assert!(
                shown.starts_with(&grouped),
                "{name}: {key}: {shown} vs {grouped}"
            );
        }
        checked += 1;
    }
    // API and local rows, every pair, the volume and the verdict.
    let r = &json;
    let want = 2 * r["api"].as_array().unwrap().len()
        + 9 * r["local"].as_array().unwrap().len()
        + r["break_even"].as_array().unwrap().len() * 3
        + 2;
    assert!(
        checked >= want,
        "{name}: {checked} figures checked, {want} expected"
    );
    checked
}

#[test]
fn every_figure_on_the_page_is_the_json_reports() {
    for name in [
        "rtx4090-box",
        "flagship",
        "lit-memory-q4",
        "lit-4xa100-vs-sonnet",
    ] {
        figures_match_json(name);
    }
}

#[test]
fn the_page_stands_alone_and_carries_the_scenario_and_its_sources() {
    let page = html("rtx4090-box");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_eq!(page.matches("<svg").count(), 1, "the cost chart, inline");
    // Nothing that loads from the network (a source's address as text is fine).
    for bad in ["<script", "src=", "href=\"http", "url(", "@import", "<link"] {
        let hits: Vec<&str> = page
            .match_indices(bad)
            .map(|(i, _)| &page[i.saturating_sub(40)..(i + 60).min(page.len())])
            .filter(|ctx| !ctx.contains("xmlns"))
            .collect();
        assert!(hits.is_empty(), "`{bad}` found: {hits:?}");
    }
    // The user's comments (stated assumptions) are on the page as written.
    assert!(page.contains("# Realistic scenario: one RTX 4090 desktop running Mistral Nemo 12B"));
    // Price dates and sources, the machine entry.
    assert!(page.contains("as of 20"), "price table dates");
    assert!(page.contains("nvidia/rtx-4090-workstation"));
    // Uncertainty from tco simulate at its defaults.
    let sim = tco(&["simulate", "rtx4090-box", "--format", "json"]).json();
    let p = sim["break_even"][0]["prob_local_cheaper"].as_f64().unwrap();
    assert!(
        page.contains(&format!("data-v=\"{p}\">{:.1}%", 100.0 * p)),
        "P(local cheaper) {p}"
    );
    assert!(page.contains("10000 samples, seed 42"));
}

#[test]
fn html_is_for_report_only() {
    let out = tco(&["compare", "--format", "html"]);
    assert_eq!(out.code, 2, "a command-line mistake: {}", out.stderr);
    assert!(out.stderr.contains("--format html is the one-page report"));
}

/// Pages of a PDF: its `/Type /Page` objects.
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
        + text.matches("/Type/Page").count()
        - text.matches("/Type/Pages").count()
}

#[test]
fn chromium_prints_the_page_on_at_most_two_a4_pages() {
    let dir = tempfile::tempdir().unwrap();
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok())
        .expect("Chromium is needed for the print check (tests/run-all.sh installs it)");
    for name in ["rtx4090-box", "flagship", "document-extraction"] {
        let file = dir.path().join(format!("{name}.html"));
        std::fs::write(&file, html(name)).unwrap();
        let pdf = dir.path().join(format!("{name}.pdf"));
        let o = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", file.display()))
            .current_dir(root())
            .output()
            .unwrap();
        let bytes = std::fs::read(&pdf).unwrap_or_else(|e| {
            panic!(
                "{name}: no PDF ({e}): {}",
                String::from_utf8_lossy(&o.stderr)
            )
        });
        let pages = pdf_pages(&bytes);
        assert!((1..=2).contains(&pages), "{name}: {pages} pages");
    }
}
