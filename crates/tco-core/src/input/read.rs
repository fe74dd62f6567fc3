//! Turning a positioned YAML tree into checked values, one field at a time.
//!
//! Every accessor knows its field path and position, so any problem becomes a
//! [`Diagnostic`] that says where, what and what is allowed. Mappings are
//! opened with the list of keys they accept: anything else is an error with a
//! "did you mean" when a known key is close.

use crate::error::{did_you_mean, Diagnostic};
use crate::input::yaml::{Node, Value};
use crate::model::units::{parse_tokens, Tokens};
use rust_decimal::Decimal;

/// A value at a known path.
#[derive(Debug, Clone)]
pub struct Field<'a> {
    pub node: &'a Node,
    pub origin: &'a str,
    path: String,
}

/// A mapping whose keys were checked against the accepted list.
#[derive(Debug, Clone)]
pub struct Obj<'a> {
    pub field: Field<'a>,
}

impl<'a> Field<'a> {
    pub fn root(node: &'a Node, origin: &'a str) -> Self {
        Field {
            node,
            origin,
            path: String::new(),
        }
    }

    /// A field at a known path (for walks that do not start at the root).
    pub fn at(node: &'a Node, origin: &'a str, path: String) -> Self {
        Field { node, origin, path }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn error(&self, message: impl Into<String>) -> Diagnostic {
        let origin = self.node.origin.as_deref().unwrap_or(self.origin);
        Diagnostic::new(origin, self.node.pos, &self.path, message)
    }

    pub fn is_null(&self) -> bool {
        matches!(self.node.value, Value::Null)
    }

    pub fn map(self, accepted: &[&str]) -> Result<Obj<'a>, Diagnostic> {
        let Value::Map(entries) = &self.node.value else {
            return Err(self
                .error(format!(
                    "expected a mapping of fields, found {}",
                    self.node.kind()
                ))
                .allowed(format!("a mapping with: {}", accepted.join(", "))));
        };
        for (i, (k, _)) in entries.iter().enumerate() {
            let origin = k.origin.as_deref().unwrap_or(self.origin);
            let Some(name) = k.scalar_text() else {
                return Err(Diagnostic::new(
                    origin,
                    k.pos,
                    &self.path,
                    "a key must be a plain name",
                ));
            };
            if !accepted.contains(&name) {
                let shown = name.escape_debug().to_string();
                let at = if self.path.is_empty() {
                    shown
                } else {
                    format!("{}.{shown}", self.path)
                };
                // Invisible characters are shown escaped, or the message
                // would seem to reject a correctly spelled key.
                let mut msg = format!("unknown field `{}`", name.escape_debug());
                if let Some(s) = did_you_mean(name, accepted.iter().copied()) {
                    msg.push_str(&format!(" (did you mean `{s}`?)"));
                } else if !name.is_empty() && name.chars().all(|c| c.is_ascii_digit()) {
                    // `{price_per_kwh: 0,30}`: the comma ended the value.
                    msg.push_str(
                        " (a decimal comma inside `{…}`? The comma separates fields there: write 0.30, not 0,30)",
                    );
                }
                return Err(Diagnostic::new(origin, k.pos, &at, msg).allowed(accepted.join(", ")));
            }
            // Most YAML readers let a repeated key silently replace the first;
            // in a cost model that hides a mistake, so it is refused.
            if entries[..i]
                .iter()
                .any(|(k2, _)| k2.scalar_text() == Some(name))
            {
                let at = if self.path.is_empty() {
                    name.to_string()
                } else {
                    format!("{}.{name}", self.path)
                };
                return Err(Diagnostic::new(
                    origin,
                    k.pos,
                    &at,
                    format!("`{name}` appears twice in this mapping"),
                )
                .allowed("each field once; remove one of them"));
            }
        }
        Ok(Obj { field: self })
    }

    pub fn seq(&self) -> Result<Vec<Field<'a>>, Diagnostic> {
        let Value::Seq(items) = &self.node.value else {
            return Err(self
                .error(format!("expected a list, found {}", self.node.kind()))
                .allowed("a list of entries, each starting with `- `"));
        };
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, n)| Field {
                node: n,
                origin: self.origin,
                path: format!("{}[{i}]", self.path),
            })
            .collect())
    }

    pub fn text(&self) -> Result<String, Diagnostic> {
        match &self.node.value {
            Value::Scalar { text, .. } => Ok(text.clone()),
            _ => Err(self
                .error(format!("expected text, found {}", self.node.kind()))
                .allowed("a single value")),
        }
    }

    /// A non-empty single-line name.
    pub fn name(&self) -> Result<String, Diagnostic> {
        let t = self.text()?;
        if t.trim().is_empty() {
            return Err(self.error("is empty").allowed("a non-empty name"));
        }
        Ok(t)
    }

    /// A number exactly as written. Accepts `1200`, `0.10`, `1.5e-7`, `1_000`.
    pub fn decimal(&self) -> Result<Decimal, Diagnostic> {
        self.number("a number such as 0.10 or 1200")
    }

    /// A number; `what` (the field's allowed values) is the hint when it is
    /// not one. A decimal comma, a thousands separator, a percent sign, a
    /// currency or a unit is refused with the number it probably meant.
    pub fn number(&self, what: &str) -> Result<Decimal, Diagnostic> {
        let raw = match &self.node.value {
            Value::Scalar { text, .. } => text.clone(),
            _ => {
                return Err(self
                    .error(format!("expected a number, found {}", self.node.kind()))
                    .allowed(what.to_string()));
            }
        };
        let text = raw.trim().replace('_', "");
        let lower = text.to_ascii_lowercase();
        if matches!(
            lower.as_str(),
            ".nan" | "nan" | ".inf" | "+.inf" | "-.inf" | "inf" | "-inf" | "infinity"
        ) {
            return Err(self
                .error(format!("`{text}` is not a finite number"))
                .allowed("a finite number"));
        }
        let parsed = if lower.contains('e') {
            Decimal::from_scientific(&text)
        } else {
            text.parse::<Decimal>()
        };
        parsed.map_err(|_| {
            let looks_numeric = text
                .chars()
                .all(|c| c.is_ascii_digit() || ".-+eE".contains(c))
                && !text.is_empty();
            if looks_numeric {
                self.error(format!("`{text}` is out of the range tco can compute with"))
                    .allowed("a number between -10^28 and 10^28 with at most 28 digits")
            } else if let Some(m) = crate::input::number_form::misread(&raw, what) {
                let mut msg = m.problem;
                if let Some(s) = m.suggestion {
                    msg.push_str(&format!(" (did you mean `{s}`?)"));
                }
                self.error(msg).allowed(what.to_string())
            } else {
                self.error(format!("expected a number, found `{text}`"))
                    .allowed(what.to_string())
            }
        })
    }

    /// A number in `[lo, hi]`; `what` describes the allowed values for the message.
    pub fn decimal_in(&self, lo: Decimal, hi: Decimal, what: &str) -> Result<Decimal, Diagnostic> {
        let v = self.number(what)?;
        if v < lo || v > hi {
            let side = if v < lo { "below" } else { "above" };
            let bound = if v < lo { lo } else { hi };
            return Err(self
                .error(format!("{v} is {side} {bound}"))
                .allowed(what.to_string()));
        }
        Ok(v)
    }

    /// A number in the registry field's range, with its allowed text.
    pub fn within(&self, spec: &crate::model::fields::FieldSpec) -> Result<Decimal, Diagnostic> {
        self.decimal_in(spec.min, spec.max, spec.allowed)
    }

    /// A share (0 to 1) in the registry field's range, with its allowed text.
    pub fn share_in(
        &self,
        spec: &crate::model::fields::FieldSpec,
    ) -> Result<crate::model::units::Share, Diagnostic> {
        let v = self.within(spec)?;
        crate::model::units::Share::new(v).ok_or_else(|| {
            self.error(format!("{v} is not a share from 0 to 1"))
                .allowed(spec.allowed)
        })
    }

    /// A whole number in the registry field's range, with its allowed text.
    pub fn whole(&self, spec: &crate::model::fields::FieldSpec) -> Result<u64, Diagnostic> {
        use rust_decimal::prelude::ToPrimitive;
        self.integer(
            spec.min.to_u64().unwrap_or(0),
            spec.max.to_u64().unwrap_or(u64::MAX),
            spec.allowed,
        )
    }

    /// A number in `(0, hi]`.
    pub fn positive(&self, hi: Decimal, what: &str) -> Result<Decimal, Diagnostic> {
        let v = self.number(what)?;
        if v <= Decimal::ZERO {
            return Err(self
                .error(format!("{v} is not above zero"))
                .allowed(what.to_string()));
        }
        if v > hi {
            return Err(self
                .error(format!("{v} is above {hi}"))
                .allowed(what.to_string()));
        }
        Ok(v)
    }

    pub fn share(&self) -> Result<Decimal, Diagnostic> {
        self.decimal_in(
            Decimal::ZERO,
            Decimal::ONE,
            "a share between 0 and 1 (0.8 = 80 %)",
        )
    }

    /// A whole number in `[lo, hi]`.
    pub fn integer(&self, lo: u64, hi: u64, what: &str) -> Result<u64, Diagnostic> {
        let v = self.number(what)?;
        if v.fract() != Decimal::ZERO {
            return Err(self
                .error(format!("{v} is not a whole number"))
                .allowed(what.to_string()));
        }
        let v2 = self.decimal_in(Decimal::from(lo), Decimal::from(hi), what)?;
        use rust_decimal::prelude::ToPrimitive;
        v2.to_u64()
            .ok_or_else(|| self.error("not a whole number").allowed(what.to_string()))
    }

    pub fn tokens(&self) -> Result<Tokens, Diagnostic> {
        let text = match &self.node.value {
            Value::Scalar { text, .. } => text.clone(),
            _ => {
                return Err(self
                    .error(format!(
                        "expected a token volume, found {}",
                        self.node.kind()
                    ))
                    .allowed("a whole number of tokens, or 250k, 100M, 1.5B, 2T"));
            }
        };
        parse_tokens(&text).map_err(|m| {
            self.error(m)
                .allowed("a whole number of tokens from 0 to 10^15, or 250k, 100M, 1.5B, 2T")
        })
    }

    pub fn boolean(&self) -> Result<bool, Diagnostic> {
        match self.node.scalar_text() {
            Some("true" | "True" | "yes") => Ok(true),
            Some("false" | "False" | "no") => Ok(false),
            _ => Err(self.error("expected true or false").allowed("true, false")),
        }
    }

    /// One of a fixed set of words.
    pub fn choice<'c>(&self, options: &[&'c str]) -> Result<&'c str, Diagnostic> {
        let t = self.text()?;
        options.iter().find(|o| **o == t).copied().ok_or_else(|| {
            let mut msg = format!("`{t}` is not one of the choices");
            if let Some(s) = did_you_mean(&t, options.iter().copied()) {
                msg.push_str(&format!(" (did you mean `{s}`?)"));
            }
            self.error(msg).allowed(options.join(", "))
        })
    }
}

impl<'a> Obj<'a> {
    /// The field `key` when present and not null.
    pub fn get(&self, key: &str) -> Option<Field<'a>> {
        let node = self.field.node.get(key)?;
        if matches!(node.value, Value::Null) {
            return None;
        }
        let path = if self.field.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.field.path)
        };
        Some(Field {
            node,
            origin: self.field.origin,
            path,
        })
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The field `key`, which must be present.
    pub fn req(&self, key: &str, what: &str) -> Result<Field<'a>, Diagnostic> {
        self.get(key).ok_or_else(|| {
            let msg = if self.field.node.get(key).is_some() {
                format!("`{key}` is empty")
            } else {
                format!("missing field `{key}`")
            };
            self.field.error(msg).allowed(format!("`{key}`: {what}"))
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::input::yaml::parse;
    use rust_decimal_macros::dec;

    #[test]
    fn numbers_are_exact_and_located() {
        let n = parse("a: 0.10\nb: 1.5e-7\nc: .nan\nd: abc\ne: 1e400\n", "f.yaml").unwrap();
        let o = Field::root(&n, "f.yaml")
            .map(&["a", "b", "c", "d", "e"])
            .unwrap();
        assert_eq!(o.get("a").unwrap().decimal().unwrap().to_string(), "0.10");
        assert_eq!(o.get("b").unwrap().decimal().unwrap(), dec!(0.00000015));
        assert!(o
            .get("c")
            .unwrap()
            .decimal()
            .unwrap_err()
            .message
            .contains("finite"));
        let d = o.get("d").unwrap().decimal().unwrap_err();
        assert_eq!((d.line, d.col, d.path.as_str()), (4, 4, "d"));
        assert!(o
            .get("e")
            .unwrap()
            .decimal()
            .unwrap_err()
            .message
            .contains("range"));
    }

    #[test]
    fn number_forms_get_the_fields_hint_and_a_did_you_mean() {
        let n = parse(
            "a: 0,30\nb: 75%\nc: $0.368\nd: 1 kW\ne: 3 years\nf: 1,000\n",
            "f.yaml",
        )
        .unwrap();
        let o = Field::root(&n, "f.yaml")
            .map(&["a", "b", "c", "d", "e", "f"])
            .unwrap();
        let cases = [
            (
                "a",
                "a price per kWh from 0 to 1,000",
                "decimal comma",
                "`0.30`",
            ),
            ("b", "a share between 0 and 1", "percent sign", "`0.75`"),
            ("c", "a price", "currency", "`0.368`"),
            ("d", "power draw under load, W", "unit", "`1000`"),
            ("e", "whole months from 1 to 600", "unit", "`36`"),
            ("f", "a price", "thousands separator", "`1000`"),
        ];
        for (i, (k, what, problem, meant)) in cases.into_iter().enumerate() {
            let e = o
                .get(k)
                .unwrap()
                .decimal_in(Decimal::ZERO, Decimal::from(100_000), what)
                .unwrap_err();
            assert_eq!((e.line, e.col, e.path.as_str()), (i + 1, 4, k));
            assert!(e.message.contains(problem), "{k}: {}", e.message);
            assert!(
                e.message.contains(&format!("did you mean {meant}?")),
                "{k}: {}",
                e.message
            );
            assert_eq!(e.allowed.as_deref(), Some(what), "{k}");
        }
    }

    #[test]
    fn unknown_keys_suggest() {
        let n = parse("workload:\n  tokens_per_mont: 5\n", "f").unwrap();
        let o = Field::root(&n, "f").map(&["workload"]).unwrap();
        let e = o
            .get("workload")
            .unwrap()
            .map(&["tokens_per_month", "input_share"])
            .unwrap_err();
        assert_eq!(e.path, "workload.tokens_per_mont");
        assert!(
            e.message.contains("did you mean `tokens_per_month`"),
            "{}",
            e.message
        );
        assert_eq!((e.line, e.col), (2, 3));
    }
}
