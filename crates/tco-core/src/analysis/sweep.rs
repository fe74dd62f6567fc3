//! Costs over a range of volumes (`tco sweep`) and across a whole price
//! table at one volume (`tco compare`).

use crate::error::Error;
use crate::model::cost::LocalCost;
use crate::model::prices::PriceTable;
use crate::model::scenario::{ApiOption, Scenario};
use crate::model::units::{Money, PerMTok, Tokens, MAX_TOKENS};
use rust_decimal::Decimal;
use serde::Serialize;

/// Most points one sweep may ask for.
pub const MAX_POINTS: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Spacing {
    Linear,
    Log,
}

/// Volumes the cost chart samples on every face that draws it at full
/// resolution (`tco report --plot`, the page): enough that each node step shows.
pub const CHART_POINTS: usize = 241;

/// The cost chart's volume range, the one rule every face uses: from a
/// decade below the smallest to a decade above the largest of the workload
/// volume and the first break-even volumes (whole powers of ten), at least
/// two decades wide, within 1,000 to 10^15 tokens.
pub fn chart_range(report: &crate::Report) -> (Tokens, Tokens) {
    let firsts = report.break_even.iter().filter_map(|b| b.tokens_per_month);
    let lo = firsts
        .clone()
        .chain([report.tokens_per_month])
        .map(|v| v.max(1_000))
        .min()
        .unwrap_or(1_000);
    let hi = firsts
        .chain([report.tokens_per_month])
        .max()
        .unwrap_or(1_000);
    let mut floor = 1u64;
    while floor <= lo / 10 {
        floor *= 10;
    }
    let mut ceil = 1u64;
    while ceil < hi && ceil < MAX_TOKENS {
        ceil *= 10;
    }
    let lo = (floor / 10).max(1_000);
    let hi = ceil.saturating_mul(10).min(MAX_TOKENS);
    (Tokens(lo), Tokens(hi.max(lo * 100).min(MAX_TOKENS)))
}

/// `points` log-spaced volumes over [`chart_range`].
pub fn chart_volumes(report: &crate::Report, points: usize) -> Vec<Tokens> {
    let (lo, hi) = chart_range(report);
    // The range is valid by construction (1,000 ≤ lo < hi ≤ 10^15).
    volumes(lo, hi, points, Spacing::Log).unwrap_or_default()
}

/// `points` volumes from `from` to `to` inclusive, evenly or log-evenly spaced, whole tokens.
pub fn volumes(
    from: Tokens,
    to: Tokens,
    points: usize,
    spacing: Spacing,
) -> Result<Vec<Tokens>, Error> {
    if !(2..=MAX_POINTS).contains(&points) {
        return Err(Error::Invalid(format!(
            "--points {points}: allowed 2 to {MAX_POINTS}"
        )));
    }
    if from >= to || to.0 > MAX_TOKENS {
        return Err(Error::Invalid(format!(
            "volume range {}..{}: the start must be below the end, and the end at most 10^15",
            from.0, to.0
        )));
    }
    let mut out = Vec::with_capacity(points);
    match spacing {
        Spacing::Linear => {
            let step = (to.as_decimal() - from.as_decimal()) / Decimal::from(points as u64 - 1);
            for i in 0..points {
                let v = from.as_decimal() + step * Decimal::from(i as u64);
                out.push(Tokens(crate::model::cost::whole_tokens(v.round())));
            }
        }
        Spacing::Log => {
            if from.0 == 0 {
                return Err(Error::Invalid(
                    "--from 0 with --spacing log: a log scale cannot start at 0 tokens; start at 1 or more, or use --spacing linear".into(),
                ));
            }
            let (a, b) = ((from.0 as f64).ln(), (to.0 as f64).ln());
            for i in 0..points {
                let t = a + (b - a) * i as f64 / (points - 1) as f64;
                out.push(Tokens(t.exp().round() as u64));
            }
            // Ends exactly as asked, whatever the float rounding did.
            out[0] = from;
            out[points - 1] = to;
        }
    }
    out.dedup();
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepPoint {
    pub tokens_per_month: u64,
    /// Monthly cost per API option, in scenario order.
    pub api: Vec<Money>,
    /// Monthly cost per local option, in scenario order.
    pub local: Vec<LocalCost>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sweep {
    pub currency: String,
    pub api_names: Vec<String>,
    pub local_names: Vec<String>,
    pub points: Vec<SweepPoint>,
}

impl Scenario {
    /// Each option's monthly cost at every volume of `volumes`: the same
    /// figures as [`Scenario::api_costs`] and [`Scenario::local_costs`] at
    /// each volume, with what does not depend on the volume (an API option's
    /// blended price, a local option's node steps) worked out once.
    pub fn sweep(&self, volumes: &[Tokens]) -> Sweep {
        let w = &self.workload;
        let hours = self.hours_per_month;
        let blended: Vec<PerMTok> = self.api.iter().map(|a| a.blended(w)).collect();
        let steps: Vec<_> = self.local.iter().map(|l| l.steps(w, hours)).collect();
        Sweep {
            currency: self.currency.clone(),
            api_names: self.api.iter().map(|a| a.name.clone()).collect(),
            local_names: self.local.iter().map(|l| l.name.clone()).collect(),
            points: volumes
                .iter()
                .map(|&v| SweepPoint {
                    tokens_per_month: v.0,
                    api: blended.iter().map(|p| p.cost(v)).collect(),
                    local: self
                        .local
                        .iter()
                        .zip(&steps)
                        .map(|(l, st)| l.cost_with_nodes(w, hours, v, st.nodes(v.0)))
                        .collect(),
                })
                .collect(),
        }
    }

    /// Every model of `table` (less deprecated and literature-only entries
    /// unless `o.all`), the scenario's own API options and every local option
    /// at volume `v`, cheapest first; when a local option names the weights it
    /// serves, the API entries serving the same weights come first, with the
    /// local options (the like-for-like comparison).
    pub fn compare(&self, table: &PriceTable, v: Tokens, o: &CompareOptions) -> Vec<CompareRow> {
        let w = &self.workload;
        let keys: Vec<String> = self
            .local
            .iter()
            .filter_map(|l| l.model.as_ref()?.id.as_deref())
            .map(weights_key)
            .filter(|k| !k.is_empty())
            .collect();
        let same = |id: Option<&str>, name: &str| {
            let tail = id.map(|i| weights_key(i.rsplit('/').next().unwrap_or(i)));
            let name = weights_key(name);
            keys.iter().any(|k| {
                tail.as_deref().is_some_and(|t| t.contains(k.as_str())) || name.contains(k.as_str())
            })
        };
        // The scenario's own options stand for the table entries they name.
        let in_scenario: Vec<&str> = self
            .api
            .iter()
            .filter_map(|a| a.model_id.as_deref())
            .collect();
        let ctx = crate::model::scenario::PriceContext {
            date: self.date,
            currency: &self.currency,
            rates: self.exchange_rates.as_ref(),
            prompt_tokens: w.prompt_tokens_per_request,
            input_share: w.input_share.get(),
        };
        let factor = if self.currency == crate::model::scenario::TABLE_CURRENCY {
            Some(Decimal::ONE)
        } else {
            self.exchange_rates
                .as_ref()
                .and_then(|r| r.rate(crate::model::scenario::TABLE_CURRENCY))
        };
        let mut rows: Vec<CompareRow> = table
            .models
            .iter()
            .filter(|m| !in_scenario.contains(&m.id.as_str()))
            .filter(|m| match &o.models {
                Some(ids) => ids.contains(&m.id),
                None => o.all || (!m.deprecated_on(self.date) && !m.literature_only()),
            })
            .filter_map(|m| {
                // Without a rate the table cannot be priced in this currency.
                let opt = ApiOption::from_model(m, &ctx, factor?);
                Some(CompareRow {
                    name: m.name.clone(),
                    id: Some(m.id.clone()),
                    kind: "api",
                    from: "table",
                    same_weights: same(Some(&m.id), &m.name),
                    monthly_cost: opt.monthly(w, v),
                    cost_per_mtok: Some(opt.blended(w)),
                    nodes: None,
                    can_serve: true,
                    reason: None,
                })
            })
            .collect();
        for a in &self.api {
            rows.push(CompareRow {
                name: a.name.clone(),
                id: a.model_id.clone(),
                kind: "api",
                from: "scenario",
                same_weights: same(a.model_id.as_deref(), &a.name),
                monthly_cost: a.monthly(w, v),
                cost_per_mtok: Some(a.blended(w)),
                nodes: None,
                can_serve: true,
                reason: None,
            });
        }
        for l in &self.local {
            let c = l.cost_at(w, self.hours_per_month, v);
            rows.push(CompareRow {
                name: l.name.clone(),
                id: l.model.as_ref().and_then(|m| m.id.clone()),
                kind: "local",
                from: "scenario",
                same_weights: false,
                monthly_cost: c.monthly,
                cost_per_mtok: PerMTok::of(c.monthly, v),
                nodes: Some(c.nodes),
                can_serve: c.can_serve && l.feasible(),
                reason: l.infeasible.first().cloned().or_else(|| {
                    (!c.can_serve).then(|| {
                        format!(
                            "needs {} nodes, over max_nodes {}",
                            c.nodes,
                            l.max_nodes.unwrap_or_default()
                        )
                    })
                }),
            });
        }
        if o.same_weights_only {
            rows.retain(|r| r.same_weights || r.kind == "local");
        }
        let first = |r: &CompareRow| !keys.is_empty() && (r.same_weights || r.kind == "local");
        rows.sort_by(|a, b| {
            first(b)
                .cmp(&first(a))
                .then(b.can_serve.cmp(&a.can_serve))
                .then(a.monthly_cost.cmp(&b.monthly_cost))
                .then(a.name.cmp(&b.name))
        });
        rows
    }
}

/// What `tco compare` lists besides the scenario's own options.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CompareOptions {
    /// Also deprecated and literature-only table entries.
    pub all: bool,
    /// Only the API entries serving the weights a local option names.
    pub same_weights_only: bool,
    /// Only these table ids (shown even when deprecated or literature-only).
    pub models: Option<Vec<String>>,
}

/// A model name reduced for matching open weights: lower case, letters and
/// digits only, a `p` between digits read as a point and a `v` before a
/// version number dropped, as hosts spell versions differently
/// (`Qwen2.5-Coder-32B-Instruct`, `qwen2p5-coder-32b-instruct` →
/// `qwen25coder32binstruct`; `llama-v3p1-8b`, `Llama-3.1-8B` → `llama318b`).
pub fn weights_key(s: &str) -> String {
    let c: Vec<char> = s.to_lowercase().chars().collect();
    let digit = |i: Option<&char>| i.is_some_and(char::is_ascii_digit);
    let mut out = String::new();
    for (i, &ch) in c.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|j| c.get(j));
        let next = c.get(i + 1);
        if !ch.is_ascii_alphanumeric()
            || (ch == 'p' && digit(prev) && digit(next))
            || (ch == 'v' && digit(next) && !prev.is_some_and(char::is_ascii_alphanumeric))
        {
            continue;
        }
        out.push(ch);
    }
    out
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareRow {
    pub name: String,
    pub id: Option<String>,
    pub kind: &'static str,
    /// `table` (the price table) or `scenario` (the scenario's own option).
    pub from: &'static str,
    /// An API entry serving the same open weights as a local option.
    pub same_weights: bool,
    pub monthly_cost: Money,
    pub cost_per_mtok: Option<PerMTok>,
    pub nodes: Option<u64>,
    pub can_serve: bool,
    /// Why a local option cannot serve the volume.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    /// The sweep's hoisted prices and steps give, at every volume, exactly
    /// the per-volume figures the report uses, for every bundled scenario
    /// (flat and hourly profiles, every billing kind they carry).
    #[test]
    fn a_sweep_equals_pricing_each_volume_alone() {
        use crate::input::bundled;
        use crate::input::scenario::NoFiles;
        let tables = bundled::tables().unwrap();
        let mut checked = 0;
        // Every billing kind under an hourly profile (tests/model/EXPECTED.md).
        let billing = (
            "tests/data/cloud-billing.yaml",
            include_str!("../../../../tests/data/cloud-billing.yaml"),
        );
        for (origin, text) in bundled::SCENARIOS.iter().chain([&billing]) {
            let Ok(s) = Scenario::parse(text, origin, tables.as_ref(), &NoFiles) else {
                assert_ne!(*origin, billing.0, "the billing example must parse");
                continue; // scenarios that need calibration files
            };
            let vols = volumes(Tokens(1), Tokens(10u64.pow(13)), 400, Spacing::Log).unwrap();
            let sweep = s.sweep(&vols);
            assert_eq!(sweep.points.len(), vols.len(), "{origin}");
            for (p, v) in sweep.points.iter().zip(&vols) {
                assert_eq!(p.tokens_per_month, v.0);
                assert_eq!(p.api, s.api_costs(*v), "{origin} at {}", v.0);
                assert_eq!(p.local, s.local_costs(*v), "{origin} at {}", v.0);
            }
            checked += 1;
        }
        assert!(checked >= 11, "only {checked} scenarios parsed");
    }

    #[test]
    fn hosts_spellings_of_the_same_weights_match() {
        let k = weights_key("llama-3.1-8b");
        assert_eq!(k, "llama318b");
        for id in [
            "llama-v3p1-8b-instruct",
            "llama-3.1-8b-instant",
            "Meta-Llama-3.1-8B-Instruct-Turbo",
        ] {
            assert!(weights_key(id).contains(&k), "{id}");
        }
        for id in [
            "llama-3.1-70b-versatile",
            "llama3-8b-8192",
            "llama-3.2-1b-preview",
        ] {
            assert!(!weights_key(id).contains(&k), "{id}");
        }
        assert_eq!(
            weights_key("qwen2p5-coder-32b-instruct"),
            weights_key("Qwen2.5-Coder-32B-Instruct")
        );
        // A `v` inside a word stays; one starting a version goes.
        assert_eq!(weights_key("devstral-2"), "devstral2");
        assert_eq!(weights_key("kimi-k2v5"), "kimik2v5");
        assert_eq!(weights_key("model-v2"), "model2");
    }

    #[test]
    fn the_chart_range_is_whole_decades_around_workload_and_break_evens() {
        use crate::input::{bundled, scenario::NoFiles};
        let tables = bundled::tables().unwrap();
        let (origin, text) = bundled::find("scenarios/lit-4xa100-vs-sonnet.yaml").unwrap();
        // 100M workload, break-even 988,411,523: 10^7 to 10^10.
        let r = Scenario::parse(text, origin, tables.as_ref(), &NoFiles)
            .unwrap()
            .evaluate();
        assert_eq!(
            chart_range(&r),
            (Tokens(10_000_000), Tokens(10_000_000_000))
        );
        // 1M workload: 10^5 to 10^10.
        let t = text.replace("tokens_per_month: 100M", "tokens_per_month: 1M");
        let r = Scenario::parse(&t, origin, tables.as_ref(), &NoFiles)
            .unwrap()
            .evaluate();
        assert_eq!(chart_range(&r), (Tokens(100_000), Tokens(10_000_000_000)));
        let v = chart_volumes(&r, CHART_POINTS);
        assert_eq!(
            (v.len(), v[0], v[240]),
            (241, Tokens(100_000), Tokens(10_000_000_000))
        );
        // Tiny volumes stay at least two decades wide from 1,000.
        let t = text.replace("tokens_per_month: 100M", "tokens_per_month: 5");
        let r = Scenario::parse(&t, origin, tables.as_ref(), &NoFiles)
            .unwrap()
            .evaluate();
        let (lo, hi) = chart_range(&r);
        assert_eq!(lo, Tokens(1_000));
        assert!(hi.0 >= 100_000);
    }

    #[test]
    fn volume_spacing() {
        let v = volumes(Tokens(1_000_000), Tokens(1_000_000_000), 4, Spacing::Log).unwrap();
        assert_eq!(
            v,
            vec![
                Tokens(1_000_000),
                Tokens(10_000_000),
                Tokens(100_000_000),
                Tokens(1_000_000_000)
            ]
        );
        let v = volumes(Tokens(0), Tokens(100), 5, Spacing::Linear).unwrap();
        assert_eq!(
            v,
            vec![Tokens(0), Tokens(25), Tokens(50), Tokens(75), Tokens(100)]
        );
        assert!(volumes(Tokens(0), Tokens(100), 5, Spacing::Log).is_err());
        assert!(volumes(Tokens(10), Tokens(1), 5, Spacing::Linear).is_err());
        assert!(volumes(Tokens(1), Tokens(10), 1, Spacing::Linear).is_err());
    }
}
