//! Worker podspecs embedded in ConfigMaps: parsed like any manifest, with spans moved back into
//! the ConfigMap's file so findings point at the real line.

use std::sync::Arc;

use arcfleet_diag::{SourceFile, Span};
use arcfleet_yaml::{Entry, Limits, Node, NodeValue, ScalarStyle};

use crate::index::{HookTemplate, Object};

/// Every data entry of ConfigMap `cm` that holds a pod template (`spec.containers`).
pub(crate) fn pod_templates<'a>(cm: &Object<'a>) -> Vec<HookTemplate<'a>> {
    let Some(data) = cm.root.get("data").and_then(Node::as_mapping) else {
        return Vec::new();
    };
    data.iter()
        .filter_map(|entry| {
            let key = entry.key.scalar_text()?;
            let root = parse_block(cm.file, &entry.value)?;
            root.path(&["spec", "containers"])?.as_sequence()?;
            Some(HookTemplate {
                config_map: cm.clone(),
                key,
                root,
            })
        })
        .collect()
}

/// The YAML document a string scalar of `file` holds (a ConfigMap entry, an Argo CD
/// `helm.values` block), with its spans moved into `file`; `None` unless it is exactly one
/// readable document.
pub(crate) fn parse_block(file: &SourceFile, scalar_node: &Node) -> Option<Node> {
    let scalar = scalar_node.as_scalar()?;
    let inner = Arc::new(SourceFile::new(file.name(), scalar.text()));
    let mut docs = arcfleet_yaml::load(&inner, &Limits::default()).ok()?;
    if docs.len() != 1 {
        return None;
    }
    let root = docs.remove(0).root;
    let mapper = SpanMapper::new(file.text(), scalar_node, scalar.style(), inner.text());
    Some(remap(root, &mapper))
}

/// Maps byte offsets of a block scalar's content to offsets in the file that holds it.
struct SpanMapper {
    /// Outer byte offset of each content line's first character (after indentation).
    line_starts: Option<Vec<usize>>,
    /// Inner byte offset of each content line.
    inner_starts: Vec<usize>,
    fallback: Span,
}

impl SpanMapper {
    fn new(outer: &str, scalar: &Node, style: ScalarStyle, inner: &str) -> Self {
        let inner_starts: Vec<usize> = std::iter::once(0)
            .chain(inner.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let line_starts = (style == ScalarStyle::Literal)
            .then(|| literal_line_starts(outer, scalar.span, inner_starts.len()))
            .flatten();
        SpanMapper {
            line_starts,
            inner_starts,
            fallback: scalar.span,
        }
    }

    fn offset(&self, inner: usize) -> Option<usize> {
        let starts = self.line_starts.as_ref()?;
        let line = match self.inner_starts.binary_search(&inner) {
            Ok(i) => i,
            Err(i) => i.checked_sub(1)?,
        };
        Some(starts.get(line)? + (inner - self.inner_starts.get(line)?))
    }

    fn span(&self, inner: Span) -> Span {
        match (self.offset(inner.start()), self.offset(inner.end())) {
            (Some(start), Some(end)) => Span::new(start, end),
            (Some(start), None) => Span::point(start),
            _ => self.fallback,
        }
    }
}

/// For a literal block (`|`) whose content starts at `span.start` (saphyr's span of a block
/// scalar begins at its first content character), where each content line begins in `outer`.
fn literal_line_starts(outer: &str, span: Span, lines: usize) -> Option<Vec<usize>> {
    let first_line = outer.get(..span.start())?.rfind('\n').map_or(0, |i| i + 1);
    let indent = span.start() - first_line;
    let mut starts = Vec::with_capacity(lines);
    let mut at = first_line;
    for _ in 0..lines {
        let line = outer.get(at..)?;
        let line_len = line.find('\n').map_or(line.len(), |i| i + 1);
        // Blank lines inside the block may be shorter than the indentation.
        starts.push(at + indent.min(line_len.saturating_sub(1)));
        at += line_len;
    }
    Some(starts)
}

fn remap(node: Node, mapper: &SpanMapper) -> Node {
    let span = mapper.span(node.span);
    let value = match node.value {
        NodeValue::Scalar(s) => NodeValue::Scalar(s),
        NodeValue::Sequence(items) => {
            NodeValue::Sequence(items.into_iter().map(|n| remap(n, mapper)).collect())
        }
        NodeValue::Mapping(entries) => NodeValue::Mapping(
            entries
                .into_iter()
                .map(|e| Entry {
                    key: remap(e.key, mapper),
                    value: remap(e.value, mapper),
                })
                .collect(),
        ),
    };
    Node { span, value }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::ObjectIndex;

    #[test]
    fn spans_of_an_embedded_podspec_point_into_the_configmap_file() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hook\ndata:\n  job.yaml: |\n    spec:\n      containers:\n      - name: $job\n        image: x:latest\n  other: plain\n";
        let file = Arc::new(SourceFile::new("cm.yaml", text));
        let docs = arcfleet_yaml::load(&file, &Limits::default()).unwrap();
        let index = ObjectIndex::build(docs.iter().map(|d| (d, crate::chart::Origin::Manifest)));
        let templates = index.hook_templates();
        assert_eq!(templates.len(), 1);
        let image = templates[0]
            .root
            .pointer("/spec/containers/0/image")
            .unwrap();
        assert_eq!(file.line_col(image.span.start()), (10, 16));
        assert_eq!(&text[image.span.start()..image.span.end()], "x:latest");
    }
}
