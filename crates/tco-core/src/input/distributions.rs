//! Distribution syntax in scenario files: `{dist: normal, mean: 0.12, sd: 0.02}`
//! and its kin wherever a number may stand. [`extract`] replaces each by its
//! point value before the scenario is read and returns the uncertain inputs
//! ([`crate::model::uncertain`]) that `simulate` samples.

use crate::error::Diagnostic;
use crate::input::read::Field;
use crate::input::yaml::{Node, Value};
use crate::model::uncertain::{f, param_at, Dist, Input, InputSource, Param, ALLOWED};
use crate::model::units::parse_tokens;
use rust_decimal::Decimal;

/// Reads a `{dist: …}` mapping; `volume` reads parameters as token volumes (`100M`).
pub fn read_dist(field: &Field<'_>, volume: bool) -> Result<Dist, Diagnostic> {
    const KINDS: [&str; 5] = ["normal", "lognormal", "uniform", "triangular", "pert"];
    let kind = match field.node.get("dist") {
        Some(k) => Field::at(k, field.origin, format!("{}.dist", field.path())).choice(&KINDS)?,
        None => return Err(field.error("missing `dist`").allowed(KINDS.join(", "))),
    };
    let keys: &[&str] = match kind {
        "normal" | "lognormal" => &["dist", "mean", "sd"],
        "uniform" => &["dist", "min", "max"],
        _ => &["dist", "min", "mode", "max"],
    };
    let o = field.clone().map(keys)?;
    let num = |key: &str| -> Result<(Decimal, Field<'_>), Diagnostic> {
        let what = match key {
            "sd" => "the standard deviation, 0 or more",
            "mean" => "the mean of the value",
            "min" => "the smallest value",
            "max" => "the largest value",
            _ => "the most likely value",
        };
        let p = o.req(key, what)?;
        let v = if volume {
            let text = p.text()?;
            parse_tokens(&text)
                .map_err(|m| {
                    p.error(m)
                        .allowed("a whole number of tokens, or 250k, 100M, 1.5B, 2T")
                })?
                .as_decimal()
        } else {
            p.decimal()?
        };
        Ok((v, p))
    };
    let dist = match kind {
        "normal" | "lognormal" => {
            let (mean, mf) = num("mean")?;
            let (sd, sf) = num("sd")?;
            if sd < Decimal::ZERO {
                return Err(sf
                    .error(format!("sd {sd} is below 0"))
                    .allowed("a standard deviation of 0 or more (0 = a fixed value)"));
            }
            if kind == "normal" {
                Dist::Normal { mean, sd }
            } else {
                if mean <= Decimal::ZERO {
                    return Err(mf
                        .error(format!(
                            "a lognormal value's mean must be above 0, not {mean}"
                        ))
                        .allowed("a mean above 0 (a lognormal value is always positive)"));
                }
                Dist::Lognormal { mean, sd }
            }
        }
        "uniform" => {
            let (min, _) = num("min")?;
            let (max, xf) = num("max")?;
            if min > max {
                return Err(xf
                    .error(format!("max {max} is below min {min}"))
                    .allowed("min ≤ max"));
            }
            Dist::Uniform { min, max }
        }
        _ => {
            let (min, _) = num("min")?;
            let (mode, mf) = num("mode")?;
            let (max, xf) = num("max")?;
            if min > max {
                return Err(xf
                    .error(format!("max {max} is below min {min}"))
                    .allowed("min ≤ mode ≤ max"));
            }
            if mode < min || mode > max {
                return Err(mf
                    .error(format!("mode {mode} is outside [{min}, {max}]"))
                    .allowed("min ≤ mode ≤ max"));
            }
            if kind == "triangular" {
                Dist::Triangular { min, mode, max }
            } else {
                Dist::Pert { min, mode, max }
            }
        }
    };
    Ok(dist)
}

/// Checks that a bounded distribution's support lies within what the field accepts.
fn check_support(field: &Field<'_>, dist: &Dist, param: Param) -> Result<(), Diagnostic> {
    let (lo, hi) = param.bounds();
    let (min, max) = match dist {
        Dist::Uniform { min, max }
        | Dist::Triangular { min, max, .. }
        | Dist::Pert { min, max, .. } => (*min, *max),
        Dist::Normal { .. } | Dist::Lognormal { .. } => return Ok(()),
    };
    let (min_f, max_f) = (f(min), f(max));
    if min_f < lo || max_f > hi {
        let (which, v) = if min_f < lo {
            ("min", min)
        } else {
            ("max", max)
        };
        return Err(field
            .error(format!(
                "{which} {v} lies outside what this field accepts ({lo} to {hi})"
            ))
            .allowed(format!("min and max within {lo} to {hi}")));
    }
    Ok(())
}

/// The point value written back as the scalar the reader sees.
fn point_text(dist: &Dist, param: Param) -> String {
    let mut p = dist.point();
    if param.is_integer() {
        p = p.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    }
    p.normalize().to_string()
}

/// Walks `root`, replacing each `{dist: …}` by its point value. Returns the
/// point tree and the uncertain inputs in document order.
pub fn extract(root: &Node, origin: &str) -> Result<(Node, Vec<Input>), Diagnostic> {
    let mut out = root.clone();
    let mut inputs = Vec::new();
    walk(root, &mut out, origin, String::new(), &mut inputs)?;
    for input in &mut inputs {
        input.followers = followers(root, input.param);
    }
    Ok((out, inputs))
}

fn is_dist(node: &Node) -> bool {
    node.get("dist").is_some()
}

fn walk(
    node: &Node,
    out: &mut Node,
    origin: &str,
    path: String,
    inputs: &mut Vec<Input>,
) -> Result<(), Diagnostic> {
    if is_dist(node) {
        let field = Field::at(node, origin, path.clone());
        let Some(param) = param_at(&path) else {
            return Err(field
                .error("a distribution is not allowed here: this field is not a cost input")
                .allowed(format!("distributions at {ALLOWED}")));
        };
        if inputs.len() >= crate::input::limits::MAX_DISTRIBUTIONS {
            return Err(field
                .error(format!(
                    "is distribution number {}, more than tco reads",
                    inputs.len() + 1
                ))
                .allowed(format!(
                    "at most {} inputs written as distributions",
                    crate::input::limits::MAX_DISTRIBUTIONS
                )));
        }
        let dist = read_dist(&field, param == Param::TokensPerMonth)?;
        check_support(&field, &dist, param)?;
        out.value = Value::Scalar {
            text: point_text(&dist, param),
            quoted: false,
        };
        inputs.push(Input {
            path,
            point: dist.point(),
            dist,
            param,
            followers: Vec::new(),
            source: InputSource::Written,
            origin: node.origin.clone().unwrap_or_else(|| origin.to_string()),
            line: node.pos.line,
            col: node.pos.col,
        });
        return Ok(());
    }
    match (&node.value, &mut out.value) {
        (Value::Map(entries), Value::Map(out_entries)) => {
            for ((k, v), (_, ov)) in entries.iter().zip(out_entries.iter_mut()) {
                let Some(key) = k.scalar_text() else { continue };
                let child = if path.is_empty() {
                    key.to_string()
                } else {
                    format!("{path}.{key}")
                };
                walk(v, ov, origin, child, inputs)?;
            }
        }
        (Value::Seq(items), Value::Seq(out_items)) => {
            for (i, (v, ov)) in items.iter().zip(out_items.iter_mut()).enumerate() {
                walk(v, ov, origin, format!("{path}[{i}]"), inputs)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Inputs that take this one's value when the scenario leaves them out.
fn followers(root: &Node, param: Param) -> Vec<Param> {
    let nth = |list: &str, i: usize| match root.get(list).map(|n| &n.value) {
        Some(Value::Seq(items)) => items.get(i),
        _ => None,
    };
    match param {
        Param::LoadWatts(i) => {
            let has_idle = nth("local", i)
                .and_then(|l| l.get("power"))
                .and_then(|p| p.get("idle_watts"))
                .is_some();
            if has_idle {
                vec![]
            } else {
                vec![Param::IdleWatts(i)]
            }
        }
        Param::ApiInput(i) => {
            let has_cached = nth("api", i)
                .and_then(|a| a.get("cached_input_per_mtok"))
                .is_some();
            if has_cached {
                vec![]
            } else {
                vec![Param::ApiCachedInput(i)]
            }
        }
        _ => vec![],
    }
}
