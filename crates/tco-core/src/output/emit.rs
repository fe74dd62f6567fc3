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

/// The edited tree written into the original text, so that the user's
/// comments, blank lines, key order and flow maps stay where they were:
/// changed scalars and flow collections are replaced where they stand, a key
/// added to a block map becomes a line after its last entry, a removed
/// one-line entry loses its line. Anything else (a block collection replaced,
/// an entry spanning lines removed, an alias or a multi-line scalar changed)
/// gives `None`, and the caller writes [`to_yaml`] instead. The result is
/// parsed back and must equal `edited`, value for value, or `None` again:
/// a layout kept never costs a value.
///
/// ```
/// use tco_core::{input::yaml::{parse, set_path}, output::emit::keep_layout};
/// let text = "# my assumptions\nworkload:\n  tokens_per_month: 100M   # from the logs\n";
/// let mut tree = parse(text, "t").unwrap();
/// set_path(&mut tree, "workload.tokens_per_month=2B").unwrap();
/// assert_eq!(
///     keep_layout(text, &tree).unwrap(),
///     "# my assumptions\nworkload:\n  tokens_per_month: 2B   # from the logs\n"
/// );
/// ```
pub fn keep_layout(original: &str, edited: &Node) -> Option<String> {
    let old = crate::input::yaml::parse(original, "original").ok()?;
    let lines = line_starts(original);
    let mut edits: Vec<Edit> = Vec::new();
    diff(original, &lines, &old, edited, &mut edits)?;
    if edits.is_empty() {
        return Some(original.to_string());
    }
    // Apply from the end so earlier offsets stay valid; no two may overlap.
    edits.sort_by(|a, b| b.start.cmp(&a.start).then(b.end.cmp(&a.end)));
    let mut out = original.to_string();
    let mut limit = usize::MAX;
    for e in &edits {
        if e.end > limit || e.start > e.end || e.end > out.len() {
            return None;
        }
        out.replace_range(e.start..e.end, &e.text);
        limit = e.start;
    }
    let back = crate::input::yaml::parse(&out, "kept").ok()?;
    same(&back, edited).then_some(out)
}

struct Edit {
    start: usize,
    end: usize,
    text: String,
}

/// Byte offset of each line's start (line 1 at index 0).
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The byte offset of a parser position (1-based line, 1-based column in characters).
fn offset(text: &str, lines: &[usize], p: crate::error::Pos) -> Option<usize> {
    let start = *lines.get(p.line.checked_sub(1)?)?;
    let line = &text[start..];
    let col = p.col.checked_sub(1)?;
    let (i, _) = line
        .char_indices()
        .chain(std::iter::once((line.len(), ' ')))
        .nth(col)?;
    Some(start + i)
}

/// The same values and structure, wherever they stand.
fn same(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Null, Value::Null) => true,
        (Value::Scalar { text: x, .. }, Value::Scalar { text: y, .. }) => x == y,
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k, v), (l, w))| same(k, l) && same(v, w))
        }
        _ => false,
    }
}

/// The span of a value written on one line in the original: a plain scalar
/// or a flow collection (`{…}`, `[…]`) starting at or just before `pos`.
fn span(text: &str, lines: &[usize], n: &Node) -> Option<(usize, usize)> {
    let at = offset(text, lines, n.pos)?;
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    match &n.value {
        Value::Scalar {
            text: t,
            quoted: false,
        } if !t.contains('\n') => text[at..line_end]
            .starts_with(t.as_str())
            .then_some((at, at + t.len())),
        Value::Null => {
            // `~`, `null` or nothing at all after the key.
            let rest = &text[at..line_end];
            let w = rest
                .find(|c: char| c.is_whitespace() || c == '#' || c == ',' || c == '}' || c == ']')
                .unwrap_or(rest.len());
            matches!(&rest[..w], "~" | "null" | "Null" | "NULL").then_some((at, at + w))
        }
        Value::Map(_) | Value::Seq(_) => {
            // A flow collection: its bracket is on this line at or before
            // the first item's position.
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let before = &text[line_start..at];
            let open_rel = before.rfind(['{', '['])?;
            let open = line_start + open_rel;
            if !text[open + 1..at].trim().is_empty() {
                return None;
            }
            let close = matching(text, open, line_end)?;
            Some((open, close + 1))
        }
        _ => None,
    }
}

/// The bracket closing the one at `open`, on the same line.
fn matching(text: &str, open: usize, line_end: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in text[open..line_end].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            (None, '#') if depth == 0 => return None,
            _ => {}
        }
    }
    None
}

/// A value in flow style, for writing where a one-line value stood.
fn flow(n: &Node) -> String {
    match &n.value {
        Value::Null => "~".into(),
        Value::Scalar { text, quoted } => {
            if !quoted && plain_ok(text) && !text.contains([',', '[', ']', '{', '}']) {
                text.clone()
            } else {
                scalar(text, true)
            }
        }
        Value::Seq(items) => format!(
            "[{}]",
            items.iter().map(flow).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(e) => format!(
            "{{{}}}",
            e.iter()
                .map(|(k, v)| format!("{}: {}", flow(k), flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn diff(text: &str, lines: &[usize], old: &Node, new: &Node, edits: &mut Vec<Edit>) -> Option<()> {
    if same(old, new) {
        return Some(());
    }
    match (&old.value, &new.value) {
        (Value::Map(a), Value::Map(b)) if block(text, lines, old) => {
            diff_map(text, lines, a, b, edits)
        }
        (Value::Seq(a), Value::Seq(b)) if a.len() == b.len() && block(text, lines, old) => {
            for (x, y) in a.iter().zip(b) {
                diff(text, lines, x, y, edits)?;
            }
            Some(())
        }
        _ => {
            // A one-line value replaced by another written in flow style.
            let (start, end) = span(text, lines, old)?;
            edits.push(Edit {
                start,
                end,
                text: flow(new),
            });
            Some(())
        }
    }
}

/// A block collection (not `{…}` or `[…]` written on one line).
fn block(text: &str, lines: &[usize], n: &Node) -> bool {
    match &n.value {
        Value::Map(e) if e.is_empty() => false,
        Value::Seq(i) if i.is_empty() => false,
        Value::Map(_) | Value::Seq(_) => span(text, lines, n).is_none(),
        _ => false,
    }
}

fn diff_map(
    text: &str,
    lines: &[usize],
    a: &[(Node, Node)],
    b: &[(Node, Node)],
    edits: &mut Vec<Edit>,
) -> Option<()> {
    let key = |k: &Node| k.scalar_text().map(str::to_string);
    // Removed entries: their whole line, when key and value share it alone.
    for (k, v) in a {
        if !b.iter().any(|(l, _)| key(l) == key(k)) {
            let (start, end) = entry_line(text, lines, k, v)?;
            edits.push(Edit {
                start,
                end,
                text: String::new(),
            });
        }
    }
    for (l, w) in b {
        match a.iter().find(|(k, _)| key(k) == key(l)) {
            Some((_, v)) => diff(text, lines, v, w, edits)?,
            None => {
                // Added after the last entry, at the entries' indentation.
                let (k, v) = a.last()?;
                let (_, end) = entry_line(text, lines, k, v)?;
                let mut line = " ".repeat(k.pos.col.checked_sub(1)?);
                line.push_str(&flow(l));
                line.push_str(": ");
                line.push_str(&flow(w));
                line.push('\n');
                edits.push(Edit {
                    start: end,
                    end,
                    text: line,
                });
            }
        }
    }
    Some(())
}

/// The line of a `key: value` entry written on one line, newline included.
fn entry_line(text: &str, lines: &[usize], k: &Node, v: &Node) -> Option<(usize, usize)> {
    if k.pos.line != v.pos.line {
        return None;
    }
    span(text, lines, v)?;
    let start = *lines.get(k.pos.line.checked_sub(1)?)?;
    // The key must open its line (not `- key: v`, the first entry of a list item).
    if !text[start..offset(text, lines, k.pos)?].trim().is_empty() {
        return None;
    }
    let end = lines.get(k.pos.line).copied().unwrap_or(text.len());
    Some((start, end))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::input::bundled;
    use crate::input::scenario::NoFiles;
    use crate::input::yaml::{parse, set_path};
    use crate::Scenario;

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

    fn kept(text: &str, sets: &[&str]) -> Option<String> {
        let mut t = parse(text, "t").unwrap();
        for a in sets {
            set_path(&mut t, a).unwrap();
        }
        keep_layout(text, &t)
    }

    #[test]
    fn a_save_keeps_comments_and_layout() {
        let text = "# assumptions\nworkload:\n  tokens_per_month: 100M   # logs\n  input_share: 0.8\n\nlocal:\n  - name: box   # mine\n    fte: {dist: uniform, min: 0.1, max: 0.3}  # a guess\n    price: 3000\n";
        // A scalar, a flow map replaced by a scalar and the other way round.
        assert_eq!(
            kept(text, &["workload.input_share=0.7", "local[0].fte=0.2", "local[0].price={dist: normal, mean: 3000, sd: 100}"]).unwrap(),
            "# assumptions\nworkload:\n  tokens_per_month: 100M   # logs\n  input_share: 0.7\n\nlocal:\n  - name: box   # mine\n    fte: 0.2  # a guess\n    price: {dist: normal, mean: 3000, sd: 100}\n"
        );
        // A key added after the map's last entry; an emptied one written `~`.
        assert_eq!(
            kept(text, &["workload.batch_share=0.5", "workload.tokens_per_month="]).unwrap(),
            "# assumptions\nworkload:\n  tokens_per_month: ~   # logs\n  input_share: 0.8\n  batch_share: 0.5\n\nlocal:\n  - name: box   # mine\n    fte: {dist: uniform, min: 0.1, max: 0.3}  # a guess\n    price: 3000\n"
        );
        // An entry removed from the tree loses its line, comment included.
        let mut t = parse(text, "t").unwrap();
        if let Value::Map(top) = &mut t.value {
            if let Value::Map(w) = &mut top[0].1.value {
                w.remove(0);
            }
        }
        assert_eq!(
            keep_layout(text, &t).unwrap(),
            text.replace("  tokens_per_month: 100M   # logs\n", "")
        );
        // No change: the text itself.
        assert_eq!(kept(text, &[]).unwrap(), text);
        // A value that needs quotes in flow style gets them.
        let k = kept(text, &["local[0].price=a, b"]).unwrap();
        assert!(k.contains("price: \"a, b\""), "{k}");
        // A block collection replaced: not kept (the caller writes the tree).
        assert_eq!(kept(text, &["workload=1"]), None);
    }

    #[test]
    fn every_bundled_scenario_keeps_its_text_through_an_edit() {
        for (origin, text) in bundled::SCENARIOS {
            assert_eq!(
                keep_layout(text, &parse(text, origin).unwrap()).as_deref(),
                Some(*text),
                "{origin}"
            );
            let mut t = parse(text, origin).unwrap();
            set_path(&mut t, "workload.tokens_per_month=7B").unwrap();
            let k = keep_layout(text, &t).unwrap_or_else(|| panic!("{origin}"));
            // Only that line changed; every comment line is still there.
            let changed: Vec<(&str, &str)> = text
                .lines()
                .zip(k.lines())
                .filter(|(a, b)| a != b)
                .collect();
            assert_eq!(changed.len(), 1, "{origin}: {changed:?}");
            assert!(
                changed[0].1.contains("tokens_per_month: 7B"),
                "{origin}: {changed:?}"
            );
            assert_eq!(text.lines().count(), k.lines().count(), "{origin}");
        }
    }
}
