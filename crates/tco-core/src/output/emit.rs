//! Writes a [`crate::input::yaml::Node`] tree back to YAML text, so that a face that
//! edits a scenario's tree (the terminal calculator) can save it.
//!
//! The output is block-style YAML that [`crate::input::yaml::parse`] reads back to the
//! same values; scalar texts are kept exactly (`0.10` stays `0.10`). Comments
//! are not part of the tree and so are not written.

use crate::input::yaml::{Node, Value};

/// The tree as YAML text, ending in a newline.
///
/// ```
/// use tco_core::{output::emit::to_yaml, input::yaml::parse};
/// let tree = parse("a: 0.10\nb:\n  - x: 1\n", "t").unwrap();
/// assert_eq!(to_yaml(&tree), "a: 0.10\nb:\n  - x: 1\n");
/// ```
pub fn to_yaml(root: &Node) -> String {
    let mut out = String::new();
    match &root.value {
        Value::Map(e) if !e.is_empty() => map(&mut out, e, 0),
        Value::Seq(i) if !i.is_empty() => seq(&mut out, i, 0),
        _ => {
            out.push_str(&inline(root));
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A value that fits on the line of its key: scalars, null, empty collections.
fn is_inline(n: &Node) -> bool {
    match &n.value {
        Value::Null | Value::Scalar { .. } => true,
        Value::Seq(i) => i.is_empty(),
        Value::Map(e) => e.is_empty(),
    }
}

fn inline(n: &Node) -> String {
    match &n.value {
        Value::Null => "~".into(),
        Value::Scalar { text, quoted } => scalar(text, *quoted),
        Value::Seq(_) => "[]".into(),
        Value::Map(_) => "{}".into(),
    }
}

fn map(out: &mut String, entries: &[(Node, Node)], at: usize) {
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            indent(out, at);
        }
        out.push_str(&inline(k));
        out.push(':');
        value_after_key(out, v, at);
    }
}

fn value_after_key(out: &mut String, v: &Node, at: usize) {
    if is_inline(v) {
        out.push(' ');
        out.push_str(&inline(v));
        out.push('\n');
        return;
    }
    out.push('\n');
    indent(out, at + 2);
    match &v.value {
        Value::Map(e) => map(out, e, at + 2),
        Value::Seq(items) => seq(out, items, at + 2),
        Value::Null | Value::Scalar { .. } => {}
    }
}

fn seq(out: &mut String, items: &[Node], at: usize) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            indent(out, at);
        }
        out.push_str("- ");
        match &item.value {
            Value::Map(e) if !e.is_empty() => map(out, e, at + 2),
            Value::Seq(inner) if !inner.is_empty() => seq(out, inner, at + 2),
            _ => {
                out.push_str(&inline(item));
                out.push('\n');
            }
        }
    }
}

/// Plain when the text was plain and reads back as the same plain scalar;
/// otherwise double-quoted with escapes.
fn scalar(text: &str, quoted: bool) -> String {
    if !quoted && plain_ok(text) {
        return text.to_string();
    }
    let mut s = String::with_capacity(text.len() + 2);
    s.push('"');
    for c in text.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\t' => s.push_str("\\t"),
            '\r' => s.push_str("\\r"),
            c if c.is_control() => s.push_str(&format!("\\u{:04x}", c as u32)),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

fn plain_ok(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if text.trim() != text
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || text.contains(": ")
        || text.contains(" #")
        || text.ends_with(':')
        || text.chars().any(char::is_control)
    {
        return false;
    }
    // Words the parser would read as null must keep their quotes.
    !matches!(text, "~" | "null" | "Null" | "NULL")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::input::bundled;
    use crate::input::scenario::NoFiles;
    use crate::input::yaml::{parse, set_path};
    use crate::Scenario;

    /// Values equal, positions and origins ignored.
    fn same(a: &Node, b: &Node) -> bool {
        match (&a.value, &b.value) {
            (Value::Null, Value::Null) => true,
            (Value::Scalar { text: x, .. }, Value::Scalar { text: y, .. }) => x == y,
            (Value::Seq(x), Value::Seq(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
            }
            (Value::Map(x), Value::Map(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|((k1, v1), (k2, v2))| same(k1, k2) && same(v1, v2))
            }
            _ => false,
        }
    }

    #[test]
    fn every_bundled_scenario_round_trips_to_the_same_report() {
        let tables = bundled::tables().unwrap();
        for (origin, text) in bundled::SCENARIOS {
            let tree = parse(text, origin).unwrap();
            let back = parse(&to_yaml(&tree), origin).unwrap();
            assert!(same(&tree, &back), "{origin}");
            let (Ok(a), Ok(b)) = (
                Scenario::from_tree(&tree, origin, tables.as_ref(), &NoFiles),
                Scenario::from_tree(&back, origin, tables.as_ref(), &NoFiles),
            ) else {
                continue; // scenarios that need calibration files
            };
            assert_eq!(a.evaluate(), b.evaluate(), "{origin}");
        }
    }

    #[test]
    fn awkward_scalars_are_quoted_and_read_back() {
        let mut t = parse("name: x\n", "t").unwrap();
        for v in [
            "a: b",
            "#x",
            "- y",
            "null",
            "",
            " pad",
            "line\nbreak",
            "q\"uote",
        ] {
            let mut n = t.clone();
            if let Value::Map(e) = &mut n.value {
                e[0].1.value = Value::Scalar {
                    text: v.to_string(),
                    quoted: false,
                };
            }
            let back = parse(&to_yaml(&n), "t").unwrap();
            assert_eq!(back.get("name").unwrap().scalar_text(), Some(v), "{v:?}");
        }
        set_path(&mut t, "local[0]=1").unwrap_err();
        set_path(
            &mut t,
            "workload.input_share={dist: uniform, min: 0.7, max: 0.9}",
        )
        .unwrap();
        let back = parse(&to_yaml(&t), "t").unwrap();
        assert!(same(&t, &back));
    }
}
