use arcfleet_yaml::{Node, NodeValue, Resolved, ScalarStyle};

use crate::index::Object;
use crate::pod;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Unquoted values that Kubernetes reads as something other than the string they look like.
    ///
    /// Kubernetes reads YAML with YAML 1.1 rules: `yes`, `no`, `on`, `off`, `y` and `n` are
    /// booleans, `0755` is the octal number 493, `1_000` is 1000, `1.10` is the number 1.1. Where
    /// a string is expected (labels, annotations, env values, args, ConfigMap data, node
    /// selectors) such a value either fails to apply or silently becomes another string
    /// (`"1.1"`, `"true"`). Quoting it says what was meant.
    YamlAmbiguousScalar, id: "yaml-ambiguous-scalar", severity: Warning,
    summary: "unquoted yes/no/on/off, octal-looking or number-like values where a string is expected"
}

impl Rule for YamlAmbiguousScalar {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for object in cx.index.objects() {
            if object.kind == "Secret" {
                // Secret values are never echoed: point at the `stringData:` line, not the value's.
                for entry in object
                    .root
                    .get("stringData")
                    .and_then(Node::as_mapping)
                    .unwrap_or_default()
                {
                    if reading(&entry.value).is_some() {
                        let key = entry.key.scalar_text().unwrap_or_default();
                        out.at_rule_level(object, object.root.key_span("stringData"), format!("stringData `{key}` is unquoted and Kubernetes does not read it as a string (the value is secret and not shown)"))
                            .hint("quote the value");
                    }
                }
            }
            let mut check = |node: &Node, what: &str| report(object, node, what, out);
            // The object's own metadata, and its pod template's (`spec.template.metadata`).
            for metadata in [&["metadata"][..], &["spec", "template", "metadata"]] {
                for field in ["labels", "annotations"] {
                    let mut path = metadata.to_vec();
                    path.push(field);
                    map_values(object.root.path(&path), &mut |n| check(n, field));
                }
            }
            if object.kind == "ConfigMap" {
                map_values(object.root.get("data"), &mut |n| check(n, "ConfigMap data"));
            }
            let pod_spec = match object.kind {
                "Deployment" | "AutoscalingRunnerSet" | "StatefulSet" | "DaemonSet" | "Job" => {
                    object.root.path(&["spec", "template", "spec"])
                }
                "Pod" => object.root.get("spec"),
                _ => None,
            };
            if let Some(pod_spec) = pod_spec {
                map_values(pod_spec.get("nodeSelector"), &mut |n| {
                    check(n, "nodeSelector")
                });
                for c in pod::containers(pod_spec) {
                    for env in c
                        .node
                        .get("env")
                        .and_then(Node::as_sequence)
                        .unwrap_or_default()
                    {
                        if let Some(v) = env.get("value") {
                            check(v, "env value");
                        }
                    }
                    for (_, n) in c.args().into_iter().chain(c.command()) {
                        check(n, "argument");
                    }
                }
            }
        }
    }
}

fn map_values(node: Option<&Node>, f: &mut dyn FnMut(&Node)) {
    for entry in node.and_then(Node::as_mapping).unwrap_or_default() {
        f(&entry.value);
    }
}

/// How Kubernetes reads `node` when that is not the string it looks like.
fn reading(node: &Node) -> Option<String> {
    let NodeValue::Scalar(scalar) = &node.value else {
        return None;
    };
    if scalar.style() != ScalarStyle::Plain || scalar.tag().is_some() {
        return None;
    }
    match scalar.resolve() {
        Resolved::Bool(b) => Some(format!("the boolean {b}")),
        Resolved::Int(i) if i.to_string() != scalar.text() => Some(format!("the number {i}")),
        Resolved::Float(f) if f.to_string() != scalar.text() => Some(format!("the number {f}")),
        // Plain numbers that read back as written (`3`, `0.5`) are unambiguous.
        _ => None,
    }
}

fn report(object: &Object<'_>, node: &Node, what: &str, out: &mut Findings) {
    let (Some(reading), Some(text)) = (reading(node), node.scalar_text()) else {
        return;
    };
    out.at_rule_level(
        object,
        node.span,
        format!("{what} `{text}` is read by Kubernetes as {reading}, not the string `{text}`"),
    )
    .hint(format!("quote it: \"{text}\""));
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("yaml-ambiguous-scalar", "yaml_ambiguous_scalar");
    }
}
