//! Golden figures: every number in tests/model/EXPECTED.md (computed by hand,
//! with exact rational arithmetic, independently of this code) is checked
//! against the report, and each report's JSON is pinned as an insta snapshot.

use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::str::FromStr;
use tco_core::input::bundled;
use tco_core::model::breakeven::Status;

#[derive(Debug, Default)]
struct LocalExp {
    nodes: Option<u64>,
    monthly_cents: Option<String>,
    /// api name → (status, first, ranges, payback to 2 dp)
    pairs: Vec<(
        String,
        String,
        Option<u64>,
        serde_json::Value,
        Option<String>,
    )>,
}

#[derive(Debug, Default)]
struct ScenarioExp {
    /// api id or name → (blended, monthly cents)
    api: Vec<(String, String, String)>,
    local: BTreeMap<String, LocalExp>,
}

fn strip(s: &str) -> &str {
    s.trim().trim_matches('*').trim_matches('`').trim()
}

fn parse_expected() -> BTreeMap<String, ScenarioExp> {
    let text = include_str!("EXPECTED.md");
    let mut out: BTreeMap<String, ScenarioExp> = BTreeMap::new();
    let mut cur: Option<String> = None;
    let mut local: Option<String> = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("## ") {
            let name = name.trim().to_string();
            cur = bundled::find(&format!("scenarios/{name}.yaml")).map(|_| name.clone());
            if let Some(c) = &cur {
                out.entry(c.clone()).or_default();
            }
            local = None;
            continue;
        }
        let Some(scn) = cur.clone() else { continue };
        let exp = out.get_mut(&scn).expect("entry");
        if let Some(name) = line.strip_prefix("#### ") {
            local = Some(name.trim().to_string());
            exp.local.entry(name.trim().to_string()).or_default();
            continue;
        }
        let cells: Vec<&str> = line.split('|').collect();
        if local.is_none() && line.starts_with("| `") && cells.len() >= 8 {
            // | `id` | p_in | p_cached | p_out | d_batch | **P** | **$M** (exact …) |
            let monthly = cells[7].split("**").nth(1).unwrap_or_default().to_string();
            exp.api.push((
                strip(cells[1]).to_string(),
                strip(cells[6]).to_string(),
                monthly,
            ));
            continue;
        }
        let Some(l) = local.clone() else { continue };
        let le = exp.local.get_mut(&l).expect("local");
        if line.starts_with("- nodes at V:") {
            let n = line
                .split("= **")
                .nth(1)
                .and_then(|s| s.split("**").next())
                .and_then(|s| s.parse().ok());
            le.nodes = n;
        } else if line.starts_with("| **local monthly** |") {
            le.monthly_cents = cells.get(3).map(|c| strip(c).to_string());
        } else if cells.len() >= 8
            && (line.contains("| **crosses** |")
                || line.contains("| **never** |")
                || line.contains("| **always** |")
                || line.contains("| **infeasible** |"))
        {
            let first = strip(cells[3]);
            let ranges: serde_json::Value = serde_json::from_str(strip(cells[4]))
                .unwrap_or_else(|e| panic!("{scn}: ranges `{}`: {e}", cells[4]));
            let payback = cells[6].trim();
            let payback = if payback == "null" {
                None
            } else if let Some(approx) = payback.split("(≈ ").nth(1) {
                Some(approx.trim_end_matches(')').trim().to_string())
            } else {
                Some(payback.trim_end_matches('…').to_string())
            };
            le.pairs.push((
                strip(cells[1]).to_string(),
                strip(cells[2]).to_string(),
                first.parse().ok(),
                ranges,
                payback,
            ));
        }
    }
    out
}

fn cents(d: tco_core::model::units::Money, cur: &str) -> String {
    tco_core::model::format::money(d, cur)
}

#[test]
fn every_figure_in_expected_md_matches_the_report() {
    let expected = parse_expected();
    // Every bundled scenario has hand-computed figures.
    for (path, _) in bundled::SCENARIOS {
        let stem = path
            .trim_start_matches("scenarios/")
            .trim_end_matches(".yaml");
        assert!(
            expected.contains_key(stem),
            "EXPECTED.md has no section for {stem}"
        );
    }
    let mut checked = 0;
    for (stem, exp) in &expected {
        let s = super::scenario(stem);
        let r = s.evaluate();
        assert!(!exp.api.is_empty(), "{stem}: no API rows parsed");
        for (key, blended, monthly) in &exp.api {
            let line = r
                .api
                .iter()
                .find(|a| a.model_id.as_deref() == Some(key) || &a.name == key)
                .unwrap_or_else(|| panic!("{stem}: no API option {key}"));
            assert_eq!(
                line.blended_per_mtok.amount(),
                Decimal::from_str(blended).unwrap(),
                "{stem} {key} blended"
            );
            assert_eq!(
                &cents(line.monthly_cost, &r.currency),
                monthly,
                "{stem} {key} monthly"
            );
            checked += 2;
        }
        assert_eq!(exp.local.len(), r.local.len(), "{stem}: local options");
        for (name, le) in &exp.local {
            let line = r
                .local
                .iter()
                .find(|l| &l.name == name)
                .unwrap_or_else(|| panic!("{stem}: no local option {name}"));
            assert_eq!(Some(line.nodes), le.nodes, "{stem} {name} nodes");
            assert_eq!(
                Some(cents(line.monthly_cost, &r.currency)),
                le.monthly_cents,
                "{stem} {name} monthly"
            );
            assert_eq!(
                le.pairs.len(),
                r.api.len(),
                "{stem} {name}: break-even rows"
            );
            for (api, status, first, ranges, payback) in &le.pairs {
                let b = r
                    .break_even
                    .iter()
                    .find(|b| &b.local == name && &b.api == api)
                    .unwrap_or_else(|| panic!("{stem}: no pair {name} / {api}"));
                let st = b.status.name();
                assert_eq!(st, status, "{stem} {name} vs {api}: status");
                assert_eq!(
                    b.tokens_per_month, *first,
                    "{stem} {name} vs {api}: first win"
                );
                assert_eq!(
                    &serde_json::to_value(&b.local_wins).unwrap(),
                    ranges,
                    "{stem} {name} vs {api}: ranges"
                );
                assert_eq!(
                    b.payback_months.map(|p| p.to_string()),
                    payback.clone(),
                    "{stem} {name} vs {api}: payback"
                );
                if matches!(b.status, Status::Never | Status::Infeasible) {
                    assert!(
                        b.reason.is_some(),
                        "{stem} {name} vs {api}: never without a reason"
                    );
                }
                checked += 5;
            }
        }
    }
    assert!(
        checked > 200,
        "only {checked} figures checked: EXPECTED.md parsing broke"
    );
}

#[test]
fn report_json_snapshots() {
    for (path, _) in bundled::SCENARIOS {
        let stem = path
            .trim_start_matches("scenarios/")
            .trim_end_matches(".yaml");
        let r = super::scenario(stem).evaluate();
        insta::assert_json_snapshot!(stem, r);
    }
}
