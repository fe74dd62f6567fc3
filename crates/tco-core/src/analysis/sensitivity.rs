//! One-at-a-time sensitivity (`tco sensitivity`): which inputs move the answer.
//!
//! Each uncertain input is set to its P10 and then its P90 while every other
//! input stays at its point value; with `all`, every plain numeric cost input
//! is also swung ±20 % (within what the field accepts). Each swing re-reads
//! the scenario with that one value written in, so the figures are the exact
//! model's, to the cent and the token — a tornado is a handful of exact
//! reports, not a sample. Results are ranked by how far each input moves the
//! first break-even volume and the monthly saving at the workload volume.

use crate::analysis::report::Report;
use crate::error::Error;
use crate::input::scenario::{Resolve, Tables};
use crate::input::yaml::{self, Node, Value};
use crate::model::scenario::{HardwareCost, Scenario};
use crate::model::uncertain::{self, param_at, to_decimal, InputSource, Param};
use crate::model::units::Money;
use rust_decimal::Decimal;
use serde::Serialize;

/// How far `--all` swings a plain input either side of its value.
pub const PLAIN_SWING: Decimal = Decimal::from_parts(2, 0, 0, false, 1);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SensOptions {
    /// Also swing every plain numeric cost input ±20 %.
    pub all: bool,
}

/// One input and the two values it was set to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Swing {
    pub path: String,
    /// What a person reads: "electricity price (local 1)" (the field registry's label).
    pub label: String,
    /// The value `report` uses.
    pub point: Decimal,
    pub low: Decimal,
    pub high: Decimal,
    /// Where low and high come from: "P10–P90 of uniform 0.08–0.14" or "±20 %".
    pub basis: String,
}

/// One bar of the break-even tornado.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakEvenBar {
    pub path: String,
    /// What a person reads: "electricity price (local 1)" (the field registry's label).
    pub label: String,
    pub low: Decimal,
    pub high: Decimal,
    /// First break-even volume with the input at low / high (`null` = never).
    pub at_low: Option<u64>,
    pub at_high: Option<u64>,
    /// |at_high − at_low| in tokens; `null` when one end never breaks even.
    pub swing: Option<u64>,
}

/// One bar of the saving tornado.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SavingBar {
    pub path: String,
    /// What a person reads: "electricity price (local 1)" (the field registry's label).
    pub label: String,
    pub low: Decimal,
    pub high: Decimal,
    /// API monthly minus local monthly at the workload volume (`null` where
    /// the local option cannot serve it).
    pub at_low: Option<Money>,
    pub at_high: Option<Money>,
    pub swing: Option<Money>,
}

/// The two tornados of one (local, API) pair, largest swing first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairTornado {
    pub local: String,
    pub api: String,
    pub base_break_even: Option<u64>,
    pub base_saving: Option<Money>,
    pub break_even: Vec<BreakEvenBar>,
    pub saving: Vec<SavingBar>,
}

/// The result of `tco sensitivity`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    pub scenario: String,
    pub currency: String,
    pub tokens_per_month: u64,
    pub inputs: Vec<Swing>,
    pub pairs: Vec<PairTornado>,
    pub warnings: Vec<String>,
}

fn saving(r: &Report, i: usize, j: usize) -> Option<Money> {
    let l = r.local.get(i)?;
    let a = r.api.get(j)?;
    l.can_serve.then(|| a.monthly_cost - l.monthly_cost)
}

fn first(r: &Report, k: usize) -> Option<u64> {
    r.break_even.get(k).and_then(|b| b.tokens_per_month)
}

/// Writes the values the reader would otherwise take from the price and
/// hardware tables into the tree, so that a swing of one of them leaves its
/// defaults where they were (an API's cached price does not jump to the
/// input price; a machine's idle draw does not follow a swung load draw).
fn materialise(tree: &mut Node, s: &Scenario) -> Result<(), Error> {
    let set = |tree: &mut Node, path: String, v: Decimal| -> Result<(), Error> {
        yaml::set_path(tree, &format!("{path}={}", v.normalize()))?;
        Ok(())
    };
    for (j, a) in s.api.iter().enumerate() {
        let node = nth(tree, "api", j);
        let has = |k: &str| node.and_then(|n| n.get(k)).is_some();
        let (hi, ho, hc) = (
            has("input_per_mtok"),
            has("output_per_mtok"),
            has("cached_input_per_mtok"),
        );
        if a.model_id.is_some() {
            if !hi {
                set(
                    tree,
                    format!("api[{j}].input_per_mtok"),
                    a.input_per_mtok.amount(),
                )?;
            }
            if !ho {
                set(
                    tree,
                    format!("api[{j}].output_per_mtok"),
                    a.output_per_mtok.amount(),
                )?;
            }
            if !hc && !hi {
                set(
                    tree,
                    format!("api[{j}].cached_input_per_mtok"),
                    a.cached_input_per_mtok.amount(),
                )?;
            }
        }
    }
    for (i, l) in s.local.iter().enumerate() {
        let node = nth(tree, "local", i);
        let has = |a: &str, b: &str| node.and_then(|n| n.get(a)).and_then(|n| n.get(b)).is_some();
        let (has_price, has_load, has_idle) = (
            has("owned", "price"),
            has("power", "load_watts"),
            has("power", "idle_watts"),
        );
        if let HardwareCost::Owned { price, .. } = &l.hardware {
            if !has_price {
                set(tree, format!("local[{i}].owned.price"), price.amount())?;
            }
        }
        if let Some(p) = &l.power {
            if !has_load && !has_idle {
                set(
                    tree,
                    format!("local[{i}].power.load_watts"),
                    p.load_watts.amount(),
                )?;
                set(
                    tree,
                    format!("local[{i}].power.idle_watts"),
                    p.idle_watts.amount(),
                )?;
            }
        }
    }
    Ok(())
}

fn nth<'a>(tree: &'a Node, list: &str, i: usize) -> Option<&'a Node> {
    match &tree.get(list)?.value {
        Value::Seq(items) => items.get(i),
        _ => None,
    }
}

/// Plain numeric scalars at cost-input paths, in document order.
fn plain_inputs(node: &Node, path: String, out: &mut Vec<(String, Param, String)>) {
    match &node.value {
        Value::Scalar { text, .. } => {
            if let Some(p) = param_at(&path) {
                out.push((path, p, text.clone()));
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries {
                if let Some(key) = k.scalar_text() {
                    let child = if path.is_empty() {
                        key.to_string()
                    } else {
                        format!("{path}.{key}")
                    };
                    plain_inputs(v, child, out);
                }
            }
        }
        Value::Seq(items) => {
            for (i, v) in items.iter().enumerate() {
                plain_inputs(v, format!("{path}[{i}]"), out);
            }
        }
        Value::Null => {}
    }
}

fn round_for(p: Param, v: Decimal) -> Decimal {
    let (lo, hi) = p.bounds();
    let v = v.clamp(to_decimal(lo), to_decimal(hi));
    if p.is_integer() {
        v.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    } else {
        v.normalize()
    }
}

/// A swing's assignment for `set_path`.
fn assignment(
    s: &Scenario,
    input: &Swing,
    param: Param,
    source: InputSource,
    v: Decimal,
) -> String {
    if let (InputSource::Estimate, Param::TokensPerSecond(i)) = (source, param) {
        // An estimate's rate has no field of its own: write it as a rate.
        return format!(
            "local[{i}].throughput={{tokens_per_second: {}}}",
            v.normalize()
        );
    }
    if source == InputSource::Calibration {
        // A measured rate has no field of its own: write both rates, one swung.
        let i = match param {
            Param::PrefillTokensPerSecond(i) | Param::DecodeTokensPerSecond(i) => i,
            _ => 0,
        };
        if let Some(l) = s.local.get(i) {
            let (mut p, mut d) = (
                l.throughput.prefill.per_second(),
                l.throughput.decode.per_second(),
            );
            if matches!(param, Param::PrefillTokensPerSecond(_)) {
                p = v;
            } else {
                d = v;
            }
            return format!(
                "local[{i}].throughput={{prefill_tokens_per_second: {}, decode_tokens_per_second: {}}}",
                p.normalize(),
                d.normalize()
            );
        }
    }
    format!("{}={}", input.path, v.normalize())
}

/// Runs the one-at-a-time swings on a scenario tree.
pub fn sensitivity(
    root: &Node,
    origin: &str,
    tables: Tables<'_>,
    files: &dyn Resolve,
    opts: SensOptions,
) -> Result<Sensitivity, Error> {
    let base = Scenario::from_tree(root, origin, tables, files)?;
    let (mut tree, _) = crate::input::distributions::extract(root, origin)?;
    materialise(&mut tree, &base)?;
    let base_report = base.evaluate();
    let mut warnings = Vec::new();

    // (swing, param, source)
    let mut swings: Vec<(Swing, Param, InputSource)> = Vec::new();
    for u in &base.uncertain {
        if u.dist.is_degenerate() {
            continue;
        }
        swings.push((
            Swing {
                path: u.path.clone(),
                label: crate::model::fields::label(&u.path),
                point: u.point,
                low: round_for(u.param, uncertain::four_digits(u.dist.quantile(0.1))),
                high: round_for(u.param, uncertain::four_digits(u.dist.quantile(0.9))),
                basis: format!("P10–P90 of {}", u.dist.describe()),
            },
            u.param,
            u.source,
        ));
    }
    if opts.all {
        let mut plain = Vec::new();
        plain_inputs(&tree, String::new(), &mut plain);
        for (path, param, text) in plain {
            // The month's length is a convention, not an uncertain cost.
            if param == Param::HoursPerMonth || swings.iter().any(|(s, _, _)| s.path == path) {
                continue;
            }
            let value = if param == Param::TokensPerMonth {
                crate::model::units::parse_tokens(&text)
                    .map(|t| t.as_decimal())
                    .ok()
            } else {
                text.trim().replace('_', "").parse::<Decimal>().ok()
            };
            let Some(v) = value else { continue };
            let low = round_for(param, v * (Decimal::ONE - PLAIN_SWING));
            let high = round_for(param, v * (Decimal::ONE + PLAIN_SWING));
            if low == high {
                continue;
            }
            swings.push((
                Swing {
                    label: crate::model::fields::label(&path),
                    path,
                    point: v,
                    low,
                    high,
                    basis: "±20 %".to_string(),
                },
                param,
                InputSource::Written,
            ));
        }
    }
    if swings.is_empty() {
        warnings.push(if opts.all {
            "no numeric cost input to swing".to_string()
        } else {
            "no input is uncertain: write a number as {dist: …} to rank it, or use --all to swing every input ±20 %".to_string()
        });
    }

    let na = base.api.len();
    let mut pairs: Vec<PairTornado> = Vec::new();
    for (i, l) in base.local.iter().enumerate() {
        for (j, a) in base.api.iter().enumerate() {
            pairs.push(PairTornado {
                local: l.name.clone(),
                api: a.name.clone(),
                base_break_even: first(&base_report, i * na + j),
                base_saving: saving(&base_report, i, j),
                break_even: Vec::new(),
                saving: Vec::new(),
            });
        }
    }
    let mut kept = Vec::new();
    for (swing, param, source) in swings {
        let eval = |v: Decimal| -> Result<Report, Error> {
            let mut t = tree.clone();
            yaml::set_path(&mut t, &assignment(&base, &swing, param, source, v))?;
            Ok(Scenario::from_tree(&t, origin, tables, files)?.evaluate())
        };
        let (lo, hi) = match (eval(swing.low), eval(swing.high)) {
            (Ok(lo), Ok(hi)) => (lo, hi),
            (Err(e), _) | (_, Err(e)) => {
                warnings.push(format!("{} left out: {e}", swing.path));
                continue;
            }
        };
        for (k, pair) in pairs.iter_mut().enumerate() {
            let (i, j) = (k / na, k % na);
            let (bl, bh) = (first(&lo, k), first(&hi, k));
            pair.break_even.push(BreakEvenBar {
                path: swing.path.clone(),
                label: swing.label.clone(),
                low: swing.low,
                high: swing.high,
                at_low: bl,
                at_high: bh,
                swing: match (bl, bh) {
                    (Some(x), Some(y)) => Some(x.abs_diff(y)),
                    (None, None) => Some(0),
                    _ => None,
                },
            });
            let (sl, sh) = (saving(&lo, i, j), saving(&hi, i, j));
            pair.saving.push(SavingBar {
                path: swing.path.clone(),
                label: swing.label.clone(),
                low: swing.low,
                high: swing.high,
                at_low: sl,
                at_high: sh,
                swing: match (sl, sh) {
                    (Some(x), Some(y)) => Some(Money::new((x - y).amount().abs())),
                    _ => None,
                },
            });
        }
        kept.push(swing);
    }
    // Largest swing first; an end that never breaks even (or cannot serve) ranks above any number.
    for pair in &mut pairs {
        pair.break_even.sort_by(|a, b| {
            b.swing
                .map_or(u64::MAX, |x| x)
                .cmp(&a.swing.map_or(u64::MAX, |x| x))
        });
        pair.saving.sort_by(|a, b| {
            let key = |x: &SavingBar| x.swing.map_or(Decimal::MAX, |m| m.amount());
            key(b).cmp(&key(a))
        });
    }
    Ok(Sensitivity {
        scenario: base.name.clone(),
        currency: base.currency.clone(),
        tokens_per_month: base.workload.tokens_per_month.0,
        inputs: kept,
        pairs,
        warnings,
    })
}
