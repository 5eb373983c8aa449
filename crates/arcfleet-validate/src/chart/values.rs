//! Helm's view of values: how layers merge, how a chart's defaults are filled in, how a Go
//! template prints a value and when it counts as set. The chart emulation renders with these so
//! that what it builds is what `helm template` builds.

use arcfleet_diag::Span;
use arcfleet_yaml::{Entry, Node, NodeValue, Resolved};

/// Merges `over` into `base` the way Helm merges values files and `--set`: maps merge key by
/// key, anything else is replaced.
pub(crate) fn merge(base: Node, over: Node) -> Node {
    match (base.value, over.value) {
        (NodeValue::Mapping(mut entries), NodeValue::Mapping(over_entries)) => {
            for entry in over_entries {
                let key = entry.key.scalar_text().map(str::to_string);
                match entries
                    .iter()
                    .position(|e| e.key.scalar_text().map(str::to_string) == key)
                {
                    Some(i) => {
                        let old = entries.remove(i);
                        let value = merge(old.value, entry.value);
                        entries.insert(
                            i,
                            Entry {
                                key: entry.key,
                                value,
                            },
                        );
                    }
                    None => entries.push(entry),
                }
            }
            Node {
                span: over.span,
                value: NodeValue::Mapping(entries),
            }
        }
        (_, value) => Node {
            span: over.span,
            value,
        },
    }
}

/// The user's values over the chart's defaults (Helm's `CoalesceValues`): a user `null` deletes
/// the default, maps merge, anything else of the user's wins.
pub(crate) fn coalesce(defaults: Node, user: &Node) -> Node {
    let NodeValue::Mapping(default_entries) = defaults.value else {
        return user.clone();
    };
    let Some(user_entries) = user.as_mapping() else {
        return Node {
            span: defaults.span,
            value: NodeValue::Mapping(default_entries),
        };
    };
    let mut out: Vec<Entry> = Vec::new();
    for d in default_entries {
        let key = d.key.scalar_text().unwrap_or_default().to_string();
        match user_entries
            .iter()
            .find(|e| e.key.scalar_text() == Some(&key))
        {
            None => out.push(d),
            Some(u) if u.value.is_null() => {}
            Some(u) if d.value.as_mapping().is_some() && u.value.as_mapping().is_some() => {
                // Defaults merged into a map the user wrote point at that map's key: the place
                // to override them (the runner container of the chart's default `template`
                // points at the user's `template.spec`).
                let inner = coalesce(d.value.rehomed(u.key.span), &u.value);
                out.push(Entry {
                    key: u.key.clone(),
                    value: inner,
                });
            }
            Some(u) => out.push(u.clone()),
        }
    }
    for u in user_entries {
        let key = u.key.scalar_text();
        if !out.iter().any(|e| e.key.scalar_text() == key) && !u.value.is_null() {
            out.push(u.clone());
        }
    }
    Node {
        span: user.span,
        value: NodeValue::Mapping(out),
    }
}

/// Sets the value at a Helm `--set` style `path` (`a.b.c`), creating maps on the way (Flux
/// `valuesFrom.targetPath`).
pub(crate) fn set_path(root: &mut Node, path: &str, value: Node) {
    let keys: Vec<&str> = path.split('.').filter(|k| !k.is_empty()).collect();
    let Some((last, parents)) = keys.split_last() else {
        return;
    };
    let mut node = root;
    for key in parents {
        if node.get(key).and_then(Node::as_mapping).is_none() {
            node.insert(key, Node::mapping::<&str>(value.span, []));
        }
        match node.get_mut(key) {
            Some(next) => node = next,
            None => return,
        }
    }
    node.insert(last, value);
}

/// Whether a Go template treats the value as set (`if`, `with`, `default`): not null, `false`,
/// zero, `""` or an empty list or map.
pub(crate) fn truthy(node: Option<&Node>) -> bool {
    let Some(node) = node else { return false };
    match &node.value {
        NodeValue::Scalar(s) => match s.resolve() {
            Resolved::Null => false,
            Resolved::Bool(b) => b,
            Resolved::Int(i) => i != 0,
            Resolved::UInt(u) => u != 0,
            Resolved::Float(f) => f != 0.0,
            Resolved::Str(t) => !t.is_empty(),
        },
        NodeValue::Sequence(items) => !items.is_empty(),
        NodeValue::Mapping(entries) => !entries.is_empty(),
    }
}

/// The number a value holds after Helm read it (every YAML number becomes a float64), if it is
/// one (`kindIs "float64"`).
pub(crate) fn number(node: Option<&Node>) -> Option<f64> {
    match node?.as_scalar()?.resolve() {
        Resolved::Int(i) => Some(i as f64),
        Resolved::UInt(u) => Some(u as f64),
        Resolved::Float(f) => Some(f),
        _ => None,
    }
}

/// What `{{ value }}` prints (Go's `%v`): numbers as float64 (`1.234567e+06`), booleans as
/// `true`/`false`, strings as they are.
pub(crate) fn go_text(node: &Node) -> String {
    match &node.value {
        NodeValue::Scalar(s) => match s.resolve() {
            Resolved::Null => "<nil>".into(),
            Resolved::Bool(b) => b.to_string(),
            Resolved::Int(i) => go_float(i as f64),
            Resolved::UInt(u) => go_float(u as f64),
            Resolved::Float(f) => go_float(f),
            Resolved::Str(t) => t.to_string(),
        },
        NodeValue::Sequence(items) => format!(
            "[{}]",
            items.iter().map(go_text).collect::<Vec<_>>().join(" ")
        ),
        NodeValue::Mapping(entries) => {
            let mut pairs: Vec<(String, String)> = entries
                .iter()
                .map(|e| {
                    (
                        e.key.scalar_text().unwrap_or_default().to_string(),
                        go_text(&e.value),
                    )
                })
                .collect();
            pairs.sort();
            format!(
                "map[{}]",
                pairs
                    .iter()
                    .map(|(k, v)| format!("{k}:{v}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
    }
}

/// Go's `%v` of a float64: the shortest representation, in exponent form when the exponent is
/// below -4 or at least 6 (`strconv.FormatFloat(f, 'g', -1, 64)`).
pub(crate) fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if f == 0.0 {
        return "0".into();
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}

/// What `{{ value | int }}` gives.
pub(crate) fn go_int(node: &Node) -> i64 {
    match node.as_scalar().map(|s| s.resolve()) {
        Some(Resolved::Int(i)) => i,
        Some(Resolved::UInt(u)) => i64::try_from(u).unwrap_or(i64::MAX),
        Some(Resolved::Float(f)) => f as i64,
        Some(Resolved::Str(t)) => t.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

/// A value printed into the rendered YAML by `{{ value }}` and read back: a plain scalar of the
/// printed text at the value's span.
pub(crate) fn printed(node: &Node) -> Node {
    Node::plain(&go_text(node), node.span)
}

/// The text of a values key that must be a string, if it is one.
pub(crate) fn text<'n>(values: &'n Node, path: &[&str]) -> Option<&'n str> {
    values.path(path).and_then(Node::scalar_text)
}

/// A string scalar at `span`.
pub(crate) fn s(text: &str, span: Span) -> Node {
    Node::string(text, span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Node {
        let file = std::sync::Arc::new(arcfleet_diag::SourceFile::new("v.yaml", text));
        arcfleet_yaml::load(&file, &arcfleet_yaml::Limits::default())
            .unwrap()
            .remove(0)
            .root
    }

    #[test]
    fn go_prints_floats_like_helm() {
        assert_eq!(go_float(1234567.0), "1.234567e+06");
        assert_eq!(go_float(123456.0), "123456");
        assert_eq!(go_float(2.0), "2");
        assert_eq!(go_float(0.5), "0.5");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(
            go_text(&yaml("x: 1234567")).len(),
            "map[x:1.234567e+06]".len()
        );
    }

    #[test]
    fn user_values_coalesce_over_defaults() {
        let defaults = yaml("a: {b: 1, c: 2}\nlist: [1, 2]\ngone: 1\n");
        let user = yaml("a: {c: 3}\nlist: [9]\ngone: null\nnew: x\n");
        let merged = arcfleet_yaml::to_json(&coalesce(defaults, &user));
        assert_eq!(
            merged,
            serde_json::json!({"a": {"b": 1, "c": 3}, "list": [9], "new": "x"})
        );
    }

    #[test]
    fn layers_merge_and_paths_are_set() {
        let mut v = merge(yaml("a: {b: 1}\nl: [1]"), yaml("a: {c: 2}\nl: [2]"));
        set_path(&mut v, "x.y", Node::string("z", Span::point(0)));
        assert_eq!(
            arcfleet_yaml::to_json(&v),
            serde_json::json!({"a": {"b": 1, "c": 2}, "l": [2], "x": {"y": "z"}})
        );
        assert!(!truthy(yaml("a: \"\"").get("a")));
        assert!(truthy(yaml("a: [1]").get("a")));
        assert!(!truthy(yaml("a: {}").get("a")));
    }
}
