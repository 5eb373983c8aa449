//! The span-carrying YAML tree.

use std::borrow::Cow;

use arcfleet_diag::Span;
use compact_str::CompactString;

use crate::resolve::Resolved;

/// How a scalar was written in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    /// `value`
    Plain,
    /// `'value'`
    SingleQuoted,
    /// `"value"`
    DoubleQuoted,
    /// `|` block
    Literal,
    /// `>` block
    Folded,
}

/// A scalar exactly as written: its (unescaped) text, how it was quoted and its tag.
///
/// Manifests hold millions of short scalars, so the text is stored inline up to 24 bytes
/// (no allocation for keys, names and most values) and the rare tag is a boxed string.
#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    text: CompactString,
    tag: Option<Box<str>>,
    style: ScalarStyle,
}

impl Scalar {
    /// An untagged scalar.
    pub fn new(text: &str, style: ScalarStyle) -> Self {
        Scalar {
            text: CompactString::from(text),
            tag: None,
            style,
        }
    }

    /// The same scalar with an explicit tag (`!!str`, `!custom`).
    pub fn with_tag(self, tag: &str) -> Self {
        Scalar {
            tag: Some(tag.into()),
            ..self
        }
    }

    /// The loader's constructor: takes saphyr's text without copying it again when it is long.
    pub(crate) fn from_parser(
        text: Cow<'_, str>,
        style: ScalarStyle,
        tag: Option<Box<str>>,
    ) -> Self {
        let text = match text {
            Cow::Borrowed(s) => CompactString::from(s),
            Cow::Owned(s) => CompactString::from(s),
        };
        Scalar { text, tag, style }
    }

    /// The scalar's content, after YAML unescaping and line folding.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// How it was written.
    pub fn style(&self) -> ScalarStyle {
        self.style
    }

    /// An explicit tag such as `!!str`, in `!!suffix` or `!handle!suffix` form.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// How Kubernetes (go-yaml v2, YAML 1.1 rules) reads this scalar.
    pub fn resolve(&self) -> Resolved<'_> {
        crate::resolve::resolve(self)
    }
}

/// One key/value pair of a mapping; the key keeps its own span.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key node (almost always a scalar).
    pub key: Node,
    /// The value node.
    pub value: Node,
}

/// A node's content.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeValue {
    /// A scalar (strings, numbers, booleans and null are all scalars until resolved).
    Scalar(Scalar),
    /// A sequence of nodes.
    Sequence(Vec<Node>),
    /// A mapping, in source order (duplicate keys are rejected by the loader).
    Mapping(Vec<Entry>),
}

/// A YAML node and the bytes it spans in its file.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Where the node is written (for an alias: where the alias is used).
    pub span: Span,
    /// What it holds.
    pub value: NodeValue,
}

impl Node {
    /// The mapping's entries, if this is a mapping.
    pub fn as_mapping(&self) -> Option<&[Entry]> {
        match &self.value {
            NodeValue::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    /// The sequence's items, if this is a sequence.
    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.value {
            NodeValue::Sequence(items) => Some(items),
            _ => None,
        }
    }

    /// The scalar, if this is one.
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            NodeValue::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar's text if this scalar reads as a string (quoted, or plain and not a number,
    /// boolean or null under Kubernetes' YAML 1.1 rules).
    pub fn as_str(&self) -> Option<&str> {
        match self.as_scalar()?.resolve() {
            Resolved::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar's text whatever it resolves to (`1.10` stays `"1.10"`).
    pub fn scalar_text(&self) -> Option<&str> {
        self.as_scalar().map(Scalar::text)
    }

    /// The integer this scalar resolves to, if it is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self.as_scalar()?.resolve() {
            Resolved::Int(i) => Some(i),
            _ => None,
        }
    }

    /// The boolean this scalar resolves to, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.as_scalar()?.resolve() {
            Resolved::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// True for an explicit or implicit null (`~`, `null`, empty value).
    pub fn is_null(&self) -> bool {
        matches!(self.as_scalar().map(Scalar::resolve), Some(Resolved::Null))
    }

    /// The entry whose key is `key`, if this is a mapping that has one.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_mapping()?
            .iter()
            .find(|e| e.key.scalar_text() == Some(key))
    }

    /// The value under `key`, if this is a mapping that has one.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// Follows a path of mapping keys; `None` as soon as one is missing.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The node at a JSON Pointer (`/spec/template/spec/containers/0`); see [`pointer_token`].
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        rest.split('/').try_fold(self, |node, raw| {
            let token = raw.replace("~1", "/").replace("~0", "~");
            match &node.value {
                NodeValue::Mapping(_) => node.get(&token),
                NodeValue::Sequence(items) => {
                    token.parse::<usize>().ok().and_then(|i| items.get(i))
                }
                NodeValue::Scalar(_) => None,
            }
        })
    }

    /// The deepest node on the way to `pointer` (the node itself when it exists). Used to point
    /// at the closest thing that is there when a field is missing.
    pub fn nearest(&self, pointer: &str) -> &Node {
        let mut node = self;
        for raw in pointer
            .trim_start_matches('/')
            .split('/')
            .filter(|t| !t.is_empty())
        {
            let token = raw.replace("~1", "/").replace("~0", "~");
            let next = match &node.value {
                NodeValue::Mapping(_) => node.get(&token),
                NodeValue::Sequence(items) => {
                    token.parse::<usize>().ok().and_then(|i| items.get(i))
                }
                NodeValue::Scalar(_) => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node
    }

    /// The span of the key `key` in this mapping (falls back to the mapping itself).
    pub fn key_span(&self, key: &str) -> Span {
        self.entry(key).map_or(self.span, |e| e.key.span)
    }

    /// A scalar node.
    pub fn scalar(text: &str, style: ScalarStyle, span: Span) -> Node {
        Node {
            span,
            value: NodeValue::Scalar(Scalar::new(text, style)),
        }
    }

    /// A string scalar (double-quoted, so it never resolves to anything else).
    pub fn string(text: &str, span: Span) -> Node {
        Node::scalar(text, ScalarStyle::DoubleQuoted, span)
    }

    /// A plain scalar: what text written into YAML by a template means once it is parsed again.
    pub fn plain(text: &str, span: Span) -> Node {
        Node::scalar(text, ScalarStyle::Plain, span)
    }

    /// A mapping of `entries` (keys are strings), every key at its value's span.
    pub fn mapping<K: AsRef<str>>(
        span: Span,
        entries: impl IntoIterator<Item = (K, Node)>,
    ) -> Node {
        Node {
            span,
            value: NodeValue::Mapping(
                entries
                    .into_iter()
                    .map(|(k, value)| Entry {
                        key: Node::string(k.as_ref(), value.span),
                        value,
                    })
                    .collect(),
            ),
        }
    }

    /// A sequence.
    pub fn sequence(span: Span, items: Vec<Node>) -> Node {
        Node {
            span,
            value: NodeValue::Sequence(items),
        }
    }

    /// The tree of a JSON value, every node at `span` (for content that has no source of its
    /// own, such as what a Helm chart adds, pointed at the line that asked for it).
    pub fn from_json(value: &serde_json::Value, span: Span) -> Node {
        use serde_json::Value;
        match value {
            Value::Null => Node::plain("null", span),
            Value::Bool(b) => Node::plain(if *b { "true" } else { "false" }, span),
            Value::Number(n) => Node::plain(&n.to_string(), span),
            Value::String(s) => Node::string(s, span),
            Value::Array(items) => Node::sequence(
                span,
                items.iter().map(|v| Node::from_json(v, span)).collect(),
            ),
            Value::Object(map) => Node::mapping(
                span,
                map.iter()
                    .map(|(k, v)| (k.as_str(), Node::from_json(v, span))),
            ),
        }
    }

    /// The same tree with every span set to `span` (for content moved in from another file,
    /// pointed at the reference that brought it).
    pub fn rehomed(&self, span: Span) -> Node {
        let value = match &self.value {
            NodeValue::Scalar(s) => NodeValue::Scalar(s.clone()),
            NodeValue::Sequence(items) => {
                NodeValue::Sequence(items.iter().map(|n| n.rehomed(span)).collect())
            }
            NodeValue::Mapping(entries) => NodeValue::Mapping(
                entries
                    .iter()
                    .map(|e| Entry {
                        key: e.key.rehomed(span),
                        value: e.value.rehomed(span),
                    })
                    .collect(),
            ),
        };
        Node { span, value }
    }

    /// The value under `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            NodeValue::Mapping(entries) => entries
                .iter_mut()
                .find(|e| e.key.scalar_text() == Some(key))
                .map(|e| &mut e.value),
            _ => None,
        }
    }

    /// Sets `key` to `value` in this mapping (replacing an entry, or appending one whose key is
    /// at the value's span); does nothing to other nodes.
    pub fn insert(&mut self, key: &str, value: Node) {
        if let NodeValue::Mapping(entries) = &mut self.value {
            match entries
                .iter_mut()
                .find(|e| e.key.scalar_text() == Some(key))
            {
                Some(e) => e.value = value,
                None => entries.push(Entry {
                    key: Node::string(key, value.span),
                    value,
                }),
            }
        }
    }

    /// Gives each key of this mapping that `written` also has the span of `written`'s key, so
    /// that a mapping built from another's values (a chart copying the user's keys) points at the
    /// keys the user wrote.
    pub fn with_keys_of(mut self, written: &Node) -> Node {
        if let NodeValue::Mapping(entries) = &mut self.value {
            for entry in entries.iter_mut() {
                if let Some(text) = entry.key.scalar_text()
                    && let Some(original) = written.entry(text)
                {
                    entry.key = original.key.clone();
                }
            }
        }
        self
    }

    /// Removes `key` from this mapping, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        match &mut self.value {
            NodeValue::Mapping(entries) => {
                let i = entries
                    .iter()
                    .position(|e| e.key.scalar_text() == Some(key))?;
                Some(entries.remove(i).value)
            }
            _ => None,
        }
    }

    /// Number of nodes in this subtree, this one included.
    pub fn count(&self) -> usize {
        1 + match &self.value {
            NodeValue::Scalar(_) => 0,
            NodeValue::Sequence(items) => items.iter().map(Node::count).sum(),
            NodeValue::Mapping(entries) => entries
                .iter()
                .map(|e| e.key.count() + e.value.count())
                .sum(),
        }
    }
}

/// A key as one JSON Pointer token (RFC 6901: `~` as `~0`, `/` as `~1`).
///
/// ```
/// assert_eq!(arcfleet_yaml::pointer_token("nvidia.com/gpu"), "nvidia.com~1gpu");
/// ```
pub fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every node of every manifest is held at once; keep the tree compact.
    #[test]
    fn nodes_stay_small() {
        assert!(
            std::mem::size_of::<Node>() <= 56,
            "{}",
            std::mem::size_of::<Node>()
        );
        assert!(std::mem::size_of::<Entry>() <= 112);
    }
}
