//! Building span-carrying trees from saphyr-parser's event stream.
//!
//! The loader is iterative (an explicit stack, no recursion), bounds nesting depth and alias
//! expansion, rejects duplicate keys the way go-yaml v2 does, and expands `<<` merge keys the way
//! Kubernetes does, so the tree means what the API server would read.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use arcfleet_diag::{SourceFile, Span};
use saphyr_parser::{Event, Parser, ScalarStyle as ParserStyle, Span as ParserSpan};

use crate::node::{Entry, Node, NodeValue, Scalar, ScalarStyle};

/// Bounds that keep hostile input from using unbounded time, memory or stack.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of sequences and mappings accepted.
    pub max_depth: usize,
    /// Most nodes that aliases may add by expansion, per file ("billion laughs" guard).
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_alias_nodes: 100_000,
        }
    }
}

/// One YAML document of a file.
#[derive(Clone, Debug)]
pub struct Document {
    /// The file it comes from.
    pub file: Arc<SourceFile>,
    /// 0-based position of the document in its file's stream.
    pub index: usize,
    /// The document's root node.
    pub root: Node,
}

/// Why a file could not be read as YAML; points at the offending bytes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct LoadError {
    /// Where the problem is.
    pub span: Span,
    /// What went wrong, in words a user acts on.
    pub message: String,
}

/// Parses every document of `file` into span-carrying trees.
///
/// Empty documents (nothing, or only comments) produce no [`Document`]; an explicit `null`
/// document does (its root is a null scalar).
///
/// ```
/// use std::sync::Arc;
/// use arcfleet_diag::SourceFile;
/// use arcfleet_yaml::{load, Limits};
///
/// let file = Arc::new(SourceFile::new("a.yaml", "kind: Namespace\n---\nkind: ConfigMap\n"));
/// let docs = load(&file, &Limits::default()).unwrap();
/// assert_eq!(docs.len(), 2);
/// assert_eq!(docs[1].root.get("kind").and_then(|n| n.as_str()), Some("ConfigMap"));
/// ```
pub fn load(file: &Arc<SourceFile>, limits: &Limits) -> Result<Vec<Document>, LoadError> {
    let text = file.text();
    let offsets = CharOffsets::new(text);
    let mut builder = Builder {
        text,
        offsets: &offsets,
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        finished: None,
    };
    let mut docs = Vec::new();
    let mut parser = Parser::new_from_str(text);
    let mut in_document = false;
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            let at = offsets.byte(e.marker().index());
            let message = match e.info() {
                "recursion limit exceeded" => "nesting too deep; refusing to read further".into(),
                info => format!("invalid YAML: {info}"),
            };
            LoadError {
                span: Span::point(at),
                message,
            }
        })?;
        match event {
            Event::DocumentStart(_) => {
                in_document = true;
                builder.anchors.clear();
                builder.finished = None;
            }
            Event::DocumentEnd => {
                if let Some(root) = builder.finished.take()
                    && !is_empty_document(&root)
                {
                    docs.push(Document {
                        file: Arc::clone(file),
                        index: docs.len(),
                        root,
                    });
                }
                in_document = false;
            }
            Event::StreamEnd => break,
            Event::StreamStart | Event::Nothing => {}
            other if in_document => builder.event(other, span)?,
            _ => {}
        }
    }
    Ok(docs)
}

/// saphyr reports an empty document as a plain empty scalar; a written `null`/`~` is kept.
fn is_empty_document(root: &Node) -> bool {
    root.as_scalar().is_some_and(|s| {
        s.style() == ScalarStyle::Plain && s.tag().is_none() && s.text().is_empty()
    })
}

/// Maps saphyr's character indices to byte offsets (identity for ASCII text).
struct CharOffsets {
    table: Option<Vec<usize>>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let table = (!text.is_ascii()).then(|| {
            text.char_indices()
                .map(|(b, _)| b)
                .chain(std::iter::once(text.len()))
                .collect()
        });
        CharOffsets {
            table,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.len),
            Some(t) => t.get(char_index).copied().unwrap_or(self.len),
        }
    }

    fn span(&self, span: &ParserSpan) -> Span {
        Span::new(self.byte(span.start.index()), self.byte(span.end.index()))
    }
}

enum Frame {
    Sequence {
        span: Span,
        anchor: usize,
        items: Vec<Node>,
    },
    Mapping {
        span: Span,
        anchor: usize,
        entries: Vec<Entry>,
        pending_key: Option<Node>,
        keys: KeyIndex,
    },
}

/// Finds a mapping's earlier key with the same text. A linear scan serves the usual handful of
/// keys; past [`KeyIndex::WIDE`] keys a hash map takes over, so a hostile mapping with 10⁵ keys
/// costs linear time, not quadratic.
#[derive(Default)]
struct KeyIndex {
    wide: Option<HashMap<Box<str>, usize>>,
}

impl KeyIndex {
    const WIDE: usize = 32;

    /// Position in `entries` of the key `name`, if present.
    fn find(&mut self, entries: &[Entry], name: &str) -> Option<usize> {
        if entries.len() < Self::WIDE {
            return entries
                .iter()
                .position(|e| e.key.scalar_text() == Some(name));
        }
        let wide = self.wide.get_or_insert_with(|| {
            let mut map = HashMap::with_capacity(entries.len() * 2);
            for (at, entry) in entries.iter().enumerate() {
                if let Some(text) = entry.key.scalar_text() {
                    map.entry(text.into()).or_insert(at);
                }
            }
            map
        });
        wide.get(name).copied()
    }

    /// Records that `entries[at]` has key `name` (once the hash map is in use).
    fn insert(&mut self, name: &str, at: usize) {
        if let Some(wide) = &mut self.wide {
            wide.insert(name.into(), at);
        }
    }
}

struct Builder<'a> {
    text: &'a str,
    offsets: &'a CharOffsets,
    limits: &'a Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    alias_nodes: usize,
    finished: Option<Node>,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: ParserSpan) -> Result<(), LoadError> {
        let span = self.offsets.span(&span);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let node = Node {
                    span,
                    value: NodeValue::Scalar(Scalar::from_parser(
                        text,
                        convert_style(style),
                        tag.map(|t| format!("{}{}", t.handle, t.suffix).into_boxed_str()),
                    )),
                };
                self.complete(node, anchor)
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    return Err(LoadError {
                        span,
                        message: "alias refers to an anchor that is not defined before it".into(),
                    });
                };
                self.alias_nodes += target.count();
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(LoadError {
                        span,
                        message: format!(
                            "alias expansion exceeds {} nodes (an alias bomb?); refusing to expand",
                            self.limits.max_alias_nodes
                        ),
                    });
                }
                let mut node = target.clone();
                node.span = span;
                self.complete(node, 0)
            }
            Event::SequenceStart(anchor, _) => self.push(Frame::Sequence {
                span,
                anchor,
                items: Vec::new(),
            }),
            Event::MappingStart(anchor, _) => self.push(Frame::Mapping {
                span,
                anchor,
                entries: Vec::new(),
                pending_key: None,
                keys: KeyIndex::default(),
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Sequence {
                        span: start,
                        anchor,
                        items,
                    }) => {
                        let mut items = items;
                        items.shrink_to_fit();
                        let end = items.last().map_or(span.end(), |n| n.span.end());
                        let node = Node {
                            span: Span::new(start.start(), end),
                            value: NodeValue::Sequence(items),
                        };
                        (node, anchor)
                    }
                    Some(Frame::Mapping {
                        span: start,
                        anchor,
                        entries,
                        ..
                    }) => {
                        let end = entries.last().map_or(span.end(), |e| e.value.span.end());
                        let mut entries = self.merge_keys(entries)?;
                        entries.shrink_to_fit();
                        let node = Node {
                            span: Span::new(start.start(), end),
                            value: NodeValue::Mapping(entries),
                        };
                        (node, anchor)
                    }
                    None => return Ok(()),
                };
                self.complete(node, anchor)
            }
            _ => Ok(()),
        }
    }

    fn push(&mut self, frame: Frame) -> Result<(), LoadError> {
        if self.stack.len() >= self.limits.max_depth {
            let span = match &frame {
                Frame::Sequence { span, .. } | Frame::Mapping { span, .. } => *span,
            };
            return Err(LoadError {
                span,
                message: format!(
                    "nesting deeper than {} levels; refusing to read further",
                    self.limits.max_depth
                ),
            });
        }
        self.stack.push(frame);
        Ok(())
    }

    fn complete(&mut self, node: Node, anchor: usize) -> Result<(), LoadError> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.finished = Some(node),
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping {
                entries,
                pending_key,
                keys,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => {
                    if let Some(name) = key.scalar_text() {
                        if let Some(first) = keys.find(entries, name).and_then(|at| entries.get(at))
                        {
                            let first_line = line_of(self.text, first.key.span.start());
                            return Err(LoadError {
                                span: key.span,
                                message: format!(
                                    "duplicate key `{name}` (first defined on line {first_line}); Kubernetes rejects duplicate keys"
                                ),
                            });
                        }
                        keys.insert(name, entries.len());
                    }
                    entries.push(Entry { key, value: node });
                }
            },
        }
        Ok(())
    }

    /// Expands `<<: *anchor` and `<<: [*a, *b]` as go-yaml v2 does: keys already present win,
    /// earlier merge sources win over later ones.
    fn merge_keys(&mut self, entries: Vec<Entry>) -> Result<Vec<Entry>, LoadError> {
        if !entries.iter().any(is_merge_entry) {
            return Ok(entries);
        }
        let (merges, mut own): (Vec<Entry>, Vec<Entry>) =
            entries.into_iter().partition(is_merge_entry);
        let mut present: HashSet<Box<str>> = own
            .iter()
            .filter_map(|e| e.key.scalar_text().map(Into::into))
            .collect();
        for merge in merges {
            let sources: Vec<&Node> = match &merge.value.value {
                NodeValue::Mapping(_) => vec![&merge.value],
                NodeValue::Sequence(items) => items.iter().collect(),
                NodeValue::Scalar(_) => Vec::new(),
            };
            for source in sources {
                let Some(source_entries) = source.as_mapping() else {
                    return Err(LoadError {
                        span: source.span,
                        message: "a `<<` merge key needs a mapping or a list of mappings".into(),
                    });
                };
                for entry in source_entries {
                    let first = match entry.key.scalar_text() {
                        Some(text) => present.insert(text.into()),
                        None => true,
                    };
                    if first {
                        own.push(entry.clone());
                    }
                }
            }
        }
        Ok(own)
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |before| before.matches('\n').count() + 1)
}

fn is_merge_entry(entry: &Entry) -> bool {
    entry
        .key
        .as_scalar()
        .is_some_and(|s| s.style() == ScalarStyle::Plain && s.text() == "<<")
}

fn convert_style(style: ParserStyle) -> ScalarStyle {
    match style {
        ParserStyle::Plain => ScalarStyle::Plain,
        ParserStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        ParserStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        ParserStyle::Literal => ScalarStyle::Literal,
        ParserStyle::Folded => ScalarStyle::Folded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(text: &str) -> Result<Vec<Document>, LoadError> {
        let file = Arc::new(SourceFile::new("t.yaml", text));
        load(&file, &Limits::default())
    }

    fn at(text: &str, offset: usize) -> (usize, usize) {
        SourceFile::new("t.yaml", text).line_col(offset)
    }

    #[test]
    fn spans_point_at_values_and_keys() {
        let text =
            "metadata:\n  name: x\nspec:\n  containers:\n  - name: runner\n    image: \"é:1\"\n";
        let d = docs(text).unwrap();
        let root = &d[0].root;
        let image = root.pointer("/spec/containers/0/image").unwrap();
        assert_eq!(image.as_str(), Some("é:1"));
        assert_eq!(at(text, image.span.start()), (6, 12));
        let spec = root.get("spec").unwrap();
        assert_eq!(at(text, spec.key_span("containers").start()), (4, 3));
    }

    #[test]
    fn multi_document_streams_skip_empty_documents() {
        let d = docs("---\n# only a comment\n---\na: 1\n---\n---\nb: 2\n...\n").unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[1].root.get("b").and_then(Node::as_i64), Some(2));
        let nulls = docs("--- null\n").unwrap();
        assert_eq!(nulls.len(), 1);
        assert!(nulls[0].root.is_null());
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = docs("a: 1\nb: 2\n\"a\": 3\n").unwrap_err();
        assert!(err.message.contains("duplicate key `a`"), "{}", err.message);
        assert_eq!(at("a: 1\nb: 2\n\"a\": 3\n", err.span.start()), (3, 1));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let text = "a: 1\nb: \"unclosed\nc: 2\n";
        let err = docs(text).unwrap_err();
        assert!(err.message.starts_with("invalid YAML"), "{}", err.message);
        let tabs = docs("a:\n\tb: 1\n").unwrap_err();
        assert!(tabs.message.contains("invalid YAML"), "{}", tabs.message);
    }

    #[test]
    fn merge_keys_expand_like_kubernetes() {
        let d = docs("base: &b {x: 1, y: 2}\nobj:\n  <<: *b\n  y: 3\n").unwrap();
        let obj = d[0].root.get("obj").unwrap();
        assert_eq!(obj.get("x").and_then(Node::as_i64), Some(1));
        assert_eq!(obj.get("y").and_then(Node::as_i64), Some(3));
        assert!(obj.get("<<").is_none());
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let err = docs(&text).unwrap_err();
        assert!(err.message.contains("alias expansion"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_refused_without_overflow() {
        let text = "[".repeat(50_000);
        let err = docs(&text).unwrap_err();
        assert!(err.message.contains("nesting"), "{}", err.message);
        let ours = docs(&"- ".repeat(300)).unwrap_err();
        assert!(
            ours.message.contains("nesting deeper than 256"),
            "{}",
            ours.message
        );
    }

    #[test]
    fn wide_mappings_and_merges_stay_linear() {
        let keys = 40_000;
        let mut text = String::from("base: &b {");
        for i in 0..keys {
            text.push_str(&format!("m{i}: {i}, "));
        }
        text.push_str("}\nwide:\n  <<: *b\n");
        for i in 0..keys {
            text.push_str(&format!("  k{i}: {i}\n"));
        }
        let d = docs(&text).unwrap();
        let wide = d[0].root.get("wide").unwrap();
        assert_eq!(wide.as_mapping().map(<[Entry]>::len), Some(2 * keys));
        text.push_str("  k7: again\n");
        let err = docs(&text).unwrap_err();
        assert!(
            err.message.contains("duplicate key `k7`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn bom_and_crlf_are_fine() {
        let d = docs("\u{feff}a: 1\r\nb: two\r\n").unwrap();
        assert_eq!(d[0].root.get("b").and_then(Node::as_str), Some("two"));
    }
}
