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
/// Nesting deeper than this is refused (no scenario needs more than 6), also
/// after an alias is expanded in place.
pub const MAX_DEPTH: usize = 64;
/// At most this many values (keys, scalars, lists and mappings) in the tree
/// after every alias is expanded; an anchor's copy counts too. The bundled
/// scenarios have under 400, a 2,500-model price table about 30,000. This
/// bounds the time and memory of any input: nine lines of nested aliases (the
/// "billion laughs") would otherwise expand to 10^9 values.
pub const MAX_NODES: usize = 500_000;

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

/// The size of a finished subtree: its values and its height (a scalar is 1).
#[derive(Debug, Clone, Copy, Default)]
struct Size {
    nodes: usize,
    height: usize,
}

enum Frame {
    Seq(Vec<Node>, Pos, usize, Size),
    Map(Vec<(Node, Node)>, Option<Node>, Pos, usize, Size),
}

struct Builder {
    stack: Vec<Frame>,
    anchors: std::collections::HashMap<usize, (Node, Size)>,
    docs: Vec<Node>,
    error: Option<(Pos, String)>,
    /// Values made so far, aliases expanded (bounded by [`MAX_NODES`]).
    nodes: usize,
}

impl Builder {
    /// Counts `n` more values; false (with the error set) past the budget.
    fn spend(&mut self, n: usize, at: Pos, what: &str) -> bool {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            self.error = Some((
                at,
                format!(
                    "{what} makes the document larger than {MAX_NODES} values (keys, numbers, lists and mappings, counting every use of an alias as a copy)"
                ),
            ));
            return false;
        }
        true
    }

    fn push_value(&mut self, node: Node, anchor: usize, size: Size) {
        if anchor > 0 {
            // The copy kept for later aliases costs what it holds.
            if !self.spend(size.nodes, node.pos, "this anchor") {
                return;
            }
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq(items, _, _, sz)) => {
                items.push(node);
                sz.nodes = sz.nodes.saturating_add(size.nodes);
                sz.height = sz.height.max(size.height + 1);
            }
            Some(Frame::Map(entries, key, _, _, sz)) => {
                match key.take() {
                    None => *key = Some(node),
                    Some(k) => entries.push((k, node)),
                }
                sz.nodes = sz.nodes.saturating_add(size.nodes);
                sz.height = sz.height.max(size.height + 1);
            }
        }
    }

    fn open(&mut self, at: Pos) -> bool {
        if self.stack.len() >= MAX_DEPTH {
            self.error = Some((at, format!("nesting deeper than {MAX_DEPTH} levels")));
            return false;
        }
        self.spend(1, at, "this value")
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let at = pos(&mark);
        let one = Size {
            nodes: 1,
            height: 1,
        };
        match ev {
            Event::Scalar(text, style, anchor, _tag) => {
                if !self.spend(1, at, "this value") {
                    return;
                }
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
                    one,
                );
            }
            Event::SequenceStart(anchor, _) => {
                if self.open(at) {
                    self.stack.push(Frame::Seq(Vec::new(), at, anchor, one));
                }
            }
            Event::MappingStart(anchor, _) => {
                if self.open(at) {
                    self.stack
                        .push(Frame::Map(Vec::new(), None, at, anchor, one));
                }
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq(items, p, anchor, size)) = self.stack.pop() {
                    self.push_value(
                        Node {
                            value: Value::Seq(items),
                            pos: p,
                            origin: None,
                        },
                        anchor,
                        size,
                    );
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map(entries, _, p, anchor, size)) = self.stack.pop() {
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
                        size,
                    );
                }
            }
            Event::Alias(id) => {
                let Some(size) = self.anchors.get(&id).map(|(_, size)| *size) else {
                    self.error = Some((at, "alias refers to an unknown anchor".into()));
                    return;
                };
                // Checked before copying: a refused alias costs nothing.
                if self.stack.len() + size.height > MAX_DEPTH + 1 {
                    self.error = Some((
                        at,
                        format!("this alias nests the document deeper than {MAX_DEPTH} levels"),
                    ));
                    return;
                }
                if !self.spend(size.nodes, at, "this alias") {
                    return;
                }
                if let Some((node, _)) = self.anchors.get(&id) {
                    let node = Node {
                        value: node.value.clone(),
                        pos: at,
                        origin: None,
                    };
                    self.push_value(node, 0, size);
                }
            }
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
        nodes: 0,
    };
    // Events are pulled one at a time so that the first error (a limit
    // passed) stops the parser too, not only the tree.
    let mut parser = Parser::new_from_str(text);
    loop {
        let (ev, mark) = parser.next_token().map_err(|e| {
            Diagnostic::new(
                origin,
                pos(e.marker()),
                "",
                format!("this is not valid YAML: {}", e.info()),
            )
            .allowed("YAML text (key: value mappings, - lists)")
        })?;
        let end = matches!(ev, Event::StreamEnd);
        b.on_event(ev, mark);
        if let Some((p, msg)) = b.error.take() {
            let d = Diagnostic::new(origin, p, "", msg.clone());
            return Err(if msg.contains(" values ") {
                d.allowed(format!("at most {MAX_NODES} values after expanding aliases (`*name`); write repeated parts once"))
            } else if msg.contains(" deeper ") {
                d.allowed(format!(
                    "at most {MAX_DEPTH} levels of nesting, aliases expanded"
                ))
            } else {
                d
            });
        }
        if end {
            break;
        }
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

/// Drops what a [`set_path`] edit set to nothing (`PATH=`): null values and
/// the empty mappings an edit created on the way to them. Values the user
/// wrote are left alone.
pub fn prune_removed(node: &mut Node) {
    let from_edit = |n: &Node| n.origin.as_deref().is_some_and(|o| o.starts_with("--set"));
    match &mut node.value {
        Value::Map(entries) => {
            for (_, v) in entries.iter_mut() {
                prune_removed(v);
            }
            entries.retain(|(_, v)| {
                let empty = match &v.value {
                    Value::Null => true,
                    Value::Map(e) => e.is_empty(),
                    _ => false,
                };
                !(empty && from_edit(v))
            });
        }
        Value::Seq(items) => items.iter_mut().for_each(prune_removed),
        Value::Null | Value::Scalar { .. } => {}
    }
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
    if steps.len() > MAX_DEPTH {
        return Err(Diagnostic::new(
            origin,
            here,
            path,
            format!("the path has {} steps", steps.len()),
        )
        .allowed(format!("at most {MAX_DEPTH} steps")));
    }
    let set_origin = format!("--set {path}");
    // A value that is not YAML of its own is taken as the text written
    // (`--set name=a: b`); one over the reader's limits is that error.
    let mut new = match parse(value, &set_origin) {
        Ok(n) => n,
        Err(d)
            if d.allowed
                .as_deref()
                .is_some_and(|a| a.starts_with("at most ")) =>
        {
            return Err(d)
        }
        Err(_) => Node {
            value: Value::Scalar {
                text: value.to_string(),
                quoted: false,
            },
            pos: here,
            origin: None,
        },
    };
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

    /// Nine lines, each an anchor listing the previous one nine times: 9^9
    /// values if expanded.
    pub(crate) fn billion_laughs() -> String {
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
        let mut t = String::from("a: &a [lol]\n");
        for w in names.windows(2) {
            let items = vec![format!("*{}", w[0]); 9].join(",");
            t.push_str(&format!("{}: &{} [{items}]\n", w[1], w[1]));
        }
        t
    }

    #[test]
    fn billion_laughs_is_refused_at_the_alias_that_passes_the_budget() {
        let text = billion_laughs();
        assert!(text.len() < 400, "{}", text.len());
        let t0 = std::time::Instant::now();
        let e = parse(&text, "laughs.yaml").unwrap_err();
        assert!(t0.elapsed() < std::time::Duration::from_secs(5));
        assert!(e.message.contains("500000 values"), "{e}");
        assert!(
            e.allowed
                .as_deref()
                .unwrap_or("")
                .contains("at most 500000"),
            "{e}"
        );
        // 9^6 = 531,441 > 500,000: the 6th line's aliases cross it.
        assert_eq!(e.line, 7, "{e}");
    }

    #[test]
    fn aliases_cannot_nest_past_the_depth_limit() {
        // Each line nests the previous anchor 40 levels deeper.
        let mut t = String::new();
        t.push_str(&format!("a0: &a0 {}x{}\n", "[".repeat(40), "]".repeat(40)));
        t.push_str(&format!(
            "a1: &a1 {}*a0{}\n",
            "[".repeat(40),
            "]".repeat(40)
        ));
        let e = parse(&t, "t").unwrap_err();
        assert!(e.message.contains("deeper than 64"), "{e}");
        assert_eq!(e.line, 2);
    }

    #[test]
    fn ordinary_anchor_reuse_still_works() {
        let n = parse(
            "a:\n  staff: &staff {fte: 0.2, annual_cost: 180000}\nb:\n  staff: *staff\n",
            "t",
        )
        .unwrap();
        let b = n.get("b").unwrap().get("staff").unwrap();
        assert_eq!(b.get("fte").unwrap().scalar_text(), Some("0.2"));
        assert_eq!(b.pos, Pos { line: 4, col: 10 });
    }

    #[test]
    fn value_count_is_bounded_without_aliases_too() {
        let text = "[".to_string() + &"1,".repeat(MAX_NODES) + "1]";
        let e = parse(&text, "t").unwrap_err();
        assert!(e.message.contains("larger than"), "{e}");
        let ok = "[".to_string() + &"1,".repeat(MAX_NODES - 10) + "1]";
        assert!(parse(&ok, "t").is_ok());
    }

    #[test]
    fn set_paths_are_bounded() {
        let mut n = parse("a: 1\n", "t").unwrap();
        let e = set_path(&mut n, &format!("a={}", billion_laughs())).unwrap_err();
        assert!(e.message.contains("larger than 500000 values"), "{e}");
        assert_eq!(e.origin, "--set a");
        let deep = vec!["k"; 10_000].join(".") + "=1";
        let e = set_path(&mut n, &deep).unwrap_err();
        assert!(e.message.contains("10000 steps"), "{e}");
        set_path(&mut n, &(vec!["k"; 64].join(".") + "=1")).unwrap();
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
