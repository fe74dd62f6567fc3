//! A YAML tree that remembers where every value came from.
//!
//! serde's YAML route turns `0.10` into an f64 and forgets positions; tco needs
//! the exact text of every number (money is `Decimal`) and the line and column
//! of every value (errors point at them). So the text is parsed with
//! yaml-rust2's event parser into this small tree of raw scalars with
//! positions, and [`crate::input::read`] turns the tree into checked domain types.

use crate::error::{Diagnostic, Pos};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Inputs larger than this are refused before parsing (a scenario is a few KB).
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;
/// Nesting deeper than this is refused (no scenario needs more than 6).
const MAX_DEPTH: usize = 64;

/// A value in the tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `~`, `null` or an empty value.
    Null,
    /// A scalar's text as written; `quoted` for '…' and "…" and block scalars.
    Scalar {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Node>),
    /// Keys in document order.
    Map(Vec<(Node, Node)>),
}

/// A value with the position where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
    /// Where the value came from when not from the document itself (`--set PATH`).
    pub origin: Option<String>,
}

impl Node {
    pub fn scalar_text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// What kind of value this is, for messages ("a mapping", "a list", …).
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Null => "nothing (null)",
            Value::Scalar { .. } => "a single value",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// The value under `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.scalar_text() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

fn pos(m: &Marker) -> Pos {
    // yaml-rust2 columns are 0-based; editors count from 1.
    Pos {
        line: m.line(),
        col: m.col() + 1,
    }
}

enum Frame {
    Seq(Vec<Node>, Pos, usize),
    Map(Vec<(Node, Node)>, Option<Node>, Pos, usize),
}

struct Builder {
    stack: Vec<Frame>,
    anchors: std::collections::HashMap<usize, Node>,
    docs: Vec<Node>,
    error: Option<(Pos, String)>,
}

impl Builder {
    fn push_value(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq(items, _, _)) => items.push(node),
            Some(Frame::Map(entries, key, _, _)) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let at = pos(&mark);
        match ev {
            Event::Scalar(text, style, anchor, _tag) => {
                let quoted = style != TScalarStyle::Plain;
                let value =
                    if !quoted && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL") {
                        Value::Null
                    } else {
                        Value::Scalar { text, quoted }
                    };
                self.push_value(
                    Node {
                        value,
                        pos: at,
                        origin: None,
                    },
                    anchor,
                );
            }
            Event::SequenceStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.error = Some((at, format!("nesting deeper than {MAX_DEPTH} levels")));
                    return;
                }
                self.stack.push(Frame::Seq(Vec::new(), at, anchor));
            }
            Event::MappingStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.error = Some((at, format!("nesting deeper than {MAX_DEPTH} levels")));
                    return;
                }
                self.stack.push(Frame::Map(Vec::new(), None, at, anchor));
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq(items, p, anchor)) = self.stack.pop() {
                    self.push_value(
                        Node {
                            value: Value::Seq(items),
                            pos: p,
                            origin: None,
                        },
                        anchor,
                    );
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map(entries, _, p, anchor)) = self.stack.pop() {
                    // A mapping is reported at its first key: the parser's
                    // own mark for a block mapping is the first `:`.
                    let p = entries.first().map_or(p, |(k, _)| k.pos);
                    self.push_value(
                        Node {
                            value: Value::Map(entries),
                            pos: p,
                            origin: None,
                        },
                        anchor,
                    );
                }
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some(node) => {
                    let node = Node {
                        value: node.value.clone(),
                        pos: at,
                        origin: None,
                    };
                    self.push_value(node, 0);
                }
                None => self.error = Some((at, "alias refers to an unknown anchor".into())),
            },
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

/// Parses one YAML document. An empty text is an error: nothing to read.
pub fn parse(text: &str, origin: &str) -> Result<Node, Diagnostic> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Diagnostic::new(
            origin,
            Pos { line: 1, col: 1 },
            "",
            format!("input is {} bytes", text.len()),
        )
        .allowed(format!("at most {MAX_INPUT_BYTES} bytes")));
    }
    // Editors on Windows start UTF-8 files with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(i) = text.find('\0') {
        let line = text[..i].matches('\n').count() + 1;
        let col = text[..i]
            .rsplit('\n')
            .next()
            .map_or(0, |l| l.chars().count())
            + 1;
        return Err(Diagnostic::new(
            origin,
            Pos { line, col },
            "",
            "input contains a NUL byte: is this a binary file?",
        )
        .allowed("a YAML text file"));
    }
    let mut b = Builder {
        stack: Vec::new(),
        anchors: Default::default(),
        docs: Vec::new(),
        error: None,
    };
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut b, true) {
        let m = e.marker();
        return Err(Diagnostic::new(
            origin,
            pos(m),
            "",
            format!("this is not valid YAML: {}", e.info()),
        )
        .allowed("YAML text (key: value mappings, - lists)"));
    }
    if let Some((p, msg)) = b.error {
        return Err(Diagnostic::new(origin, p, "", msg));
    }
    match b.docs.len() {
        0 => Err(
            Diagnostic::new(origin, Pos { line: 1, col: 1 }, "", "the input is empty")
                .allowed("a YAML mapping, see scenarios/ for examples"),
        ),
        1 => b
            .docs
            .pop()
            .ok_or_else(|| Diagnostic::new(origin, Pos::default(), "", "no document")),
        _ => Err(Diagnostic::new(
            origin,
            b.docs[1].pos,
            "",
            "the input holds more than one YAML document",
        )
        .allowed("one document (remove the second `---`)")),
    }
}

/// Marks a value and everything in it as coming from `origin`.
fn mark_origin(node: &mut Node, origin: &str) {
    node.origin = Some(origin.to_string());
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|n| mark_origin(n, origin)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            mark_origin(k, origin);
            mark_origin(v, origin);
        }),
        Value::Null | Value::Scalar { .. } => {}
    }
}

/// One step of a `--set` path: a mapping key or a list index.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

fn parse_path(path: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() && rest.is_empty() {
            return Err(format!("empty step in `{path}`"));
        }
        if !key.is_empty() {
            if key.chars().all(|c| c.is_ascii_digit()) {
                steps.push(Step::Index(
                    key.parse()
                        .map_err(|_| format!("index `{key}` is too large"))?,
                ));
            } else {
                steps.push(Step::Key(key.to_string()));
            }
        }
        while !rest.is_empty() {
            let close = rest
                .find(']')
                .ok_or_else(|| format!("missing `]` in `{path}`"))?;
            let idx = &rest[1..close];
            steps.push(Step::Index(idx.parse().map_err(|_| {
                format!("`[{idx}]` is not a list index (0, 1, 2, …)")
            })?));
            rest = &rest[close + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return Err(format!("unexpected `{rest}` in `{path}`"));
            }
        }
    }
    Ok(steps)
}

/// Applies `PATH=VALUE` to a tree: `workload.tokens_per_month=500M`,
/// `local[0].owned.price=90000`. Missing mapping keys are created; the value
/// is read as YAML (a number, a word, or `{dist: …}`).
pub fn set_path(root: &mut Node, assignment: &str) -> Result<(), Diagnostic> {
    let origin = "--set";
    let here = Pos { line: 1, col: 1 };
    let (path, value) = assignment.split_once('=').ok_or_else(|| {
        Diagnostic::new(origin, here, "", format!("`{assignment}` has no `=`"))
            .allowed("PATH=VALUE, e.g. workload.tokens_per_month=500M")
    })?;
    let path = path.trim();
    let steps = parse_path(path).map_err(|m| {
        Diagnostic::new(origin, here, path, m).allowed("a path like local[0].owned.price")
    })?;
    let set_origin = format!("--set {path}");
    let mut new = parse(value, &set_origin).unwrap_or(Node {
        value: Value::Scalar {
            text: value.to_string(),
            quoted: false,
        },
        pos: here,
        origin: None,
    });
    if value.trim().is_empty() {
        new = Node {
            value: Value::Null,
            pos: here,
            origin: None,
        };
    }
    mark_origin(&mut new, &set_origin);
    let mut node = root;
    let mut walked = String::new();
    for step in steps {
        match step {
            Step::Key(k) => {
                if matches!(node.value, Value::Null) {
                    node.value = Value::Map(Vec::new());
                }
                let kind = node.kind();
                let Value::Map(entries) = &mut node.value else {
                    return Err(Diagnostic::new(
                        origin,
                        here,
                        path,
                        format!("`{walked}` is {kind}, not a mapping, so it has no `{k}`"),
                    ));
                };
                let i = match entries
                    .iter()
                    .position(|(key, _)| key.scalar_text() == Some(&k))
                {
                    Some(i) => i,
                    None => {
                        entries.push((
                            Node {
                                value: Value::Scalar {
                                    text: k.clone(),
                                    quoted: false,
                                },
                                pos: here,
                                origin: Some(set_origin.clone()),
                            },
                            Node {
                                value: Value::Null,
                                pos: here,
                                origin: Some(set_origin.clone()),
                            },
                        ));
                        entries.len() - 1
                    }
                };
                if !walked.is_empty() {
                    walked.push('.');
                }
                walked.push_str(&k);
                node = &mut entries[i].1;
            }
            Step::Index(i) => {
                let kind = node.kind();
                let Value::Seq(items) = &mut node.value else {
                    return Err(Diagnostic::new(
                        origin,
                        here,
                        path,
                        format!("`{walked}` is {kind}, not a list"),
                    ));
                };
                let len = items.len();
                let Some(item) = items.get_mut(i) else {
                    return Err(Diagnostic::new(
                        origin,
                        here,
                        path,
                        format!("`{walked}` has {len} entries, there is no [{i}]"),
                    )
                    .allowed(format!("an index from 0 to {}", len.saturating_sub(1))));
                };
                walked.push_str(&format!("[{i}]"));
                node = item;
            }
        }
    }
    *node = new;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn keeps_number_text_and_positions() {
        let n = parse("a: 0.10\nb:\n  - x: 1.5e-7\n", "t").unwrap();
        let a = n.get("a").unwrap();
        assert_eq!(a.scalar_text(), Some("0.10"));
        assert_eq!(a.pos, Pos { line: 1, col: 4 });
        let Value::Seq(items) = &n.get("b").unwrap().value else {
            panic!("not a list")
        };
        assert_eq!(items[0].get("x").unwrap().pos, Pos { line: 3, col: 8 });
    }

    #[test]
    fn refuses_duplicates_empty_binary_and_many_documents() {
        assert!(parse("", "t").unwrap_err().message.contains("empty"));
        assert!(parse("a\0b", "t").unwrap_err().message.contains("NUL"));
        assert!(parse("a: 1\n---\nb: 2\n", "t")
            .unwrap_err()
            .message
            .contains("more than one"));
        assert!(parse("a: [1, 2\n", "t")
            .unwrap_err()
            .message
            .contains("not valid YAML"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(10_000);
        assert!(parse(&text, "t").is_err());
    }

    #[test]
    fn resolves_aliases() {
        let n = parse("p: &x 3\nq: *x\n", "t").unwrap();
        assert_eq!(n.get("q").unwrap().scalar_text(), Some("3"));
    }

    #[test]
    fn set_path_replaces_and_creates() {
        let mut n = parse(
            "workload:\n  tokens_per_month: 1M\nlocal:\n  - name: a\n",
            "t",
        )
        .unwrap();
        set_path(&mut n, "workload.tokens_per_month=500M").unwrap();
        assert_eq!(
            n.get("workload")
                .unwrap()
                .get("tokens_per_month")
                .unwrap()
                .scalar_text(),
            Some("500M")
        );
        set_path(&mut n, "local[0].owned.price=90000").unwrap();
        let Value::Seq(l) = &n.get("local").unwrap().value else {
            panic!()
        };
        assert_eq!(
            l[0].get("owned")
                .unwrap()
                .get("price")
                .unwrap()
                .scalar_text(),
            Some("90000")
        );
        assert!(set_path(&mut n, "local[3].name=x")
            .unwrap_err()
            .message
            .contains("no [3]"));
        assert!(set_path(&mut n, "nothing")
            .unwrap_err()
            .message
            .contains("no `=`"));
    }
}
