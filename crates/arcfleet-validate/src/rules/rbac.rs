//! What a ServiceAccount may do in a namespace, from the Roles and ClusterRoles bound to it.

use arcfleet_yaml::Node;

use crate::index::{Object, ObjectIndex};

/// A permission: API group, resource, verb.
pub(crate) type Permission<'s> = (&'s str, &'s str, &'s str);

/// The RBAC rules granted to ServiceAccount `sa_ns`/`sa_name` in namespace `ns`.
pub(crate) fn granted_rules<'a>(
    index: &ObjectIndex<'a>,
    sa_ns: &str,
    sa_name: &str,
    ns: &str,
) -> Vec<&'a Node> {
    let binds_sa = |binding: &Object<'a>, default_ns: &str| {
        binding
            .root
            .get("subjects")
            .and_then(Node::as_sequence)
            .unwrap_or_default()
            .iter()
            .any(|s| {
                s.get("kind").and_then(Node::as_str) == Some("ServiceAccount")
                    && s.get("name").and_then(Node::as_str) == Some(sa_name)
                    && s.get("namespace")
                        .and_then(Node::as_str)
                        .unwrap_or(default_ns)
                        == sa_ns
            })
    };
    let role_rules = |kind: &str, name: &str, role_ns: &str| -> Vec<&'a Node> {
        let role = if kind == "ClusterRole" {
            index.of_kind("ClusterRole").find(|r| r.name == name)
        } else {
            index.get("Role", role_ns, name)
        };
        role.and_then(|r| r.root.get("rules"))
            .and_then(Node::as_sequence)
            .map(|r| r.iter().collect())
            .unwrap_or_default()
    };
    let mut rules = Vec::new();
    for binding in index.in_namespace("RoleBinding", ns) {
        if binds_sa(binding, ns) {
            let kind = binding
                .root
                .path(&["roleRef", "kind"])
                .and_then(Node::as_str)
                .unwrap_or("Role");
            let name = binding
                .root
                .path(&["roleRef", "name"])
                .and_then(Node::as_str)
                .unwrap_or_default();
            rules.extend(role_rules(kind, name, ns));
        }
    }
    for binding in index.of_kind("ClusterRoleBinding") {
        if binds_sa(binding, "") {
            let name = binding
                .root
                .path(&["roleRef", "name"])
                .and_then(Node::as_str)
                .unwrap_or_default();
            rules.extend(role_rules("ClusterRole", name, ""));
        }
    }
    rules
}

fn list_has(rule: &Node, key: &str, wanted: &str) -> bool {
    rule.get(key)
        .and_then(Node::as_sequence)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::scalar_text)
        .any(|v| v == wanted || v == "*")
}

/// Whether `rules` grant `permission` (rules limited by `resourceNames` grant nothing general).
pub(crate) fn allows(rules: &[&Node], (group, resource, verb): Permission<'_>) -> bool {
    rules.iter().any(|rule| {
        rule.get("resourceNames")
            .and_then(Node::as_sequence)
            .is_none_or(<[Node]>::is_empty)
            && list_has(rule, "apiGroups", group)
            && list_has(rule, "resources", resource)
            && list_has(rule, "verbs", verb)
    })
}

/// Expands `(group, resource, "create,delete")` rows into permissions.
pub(crate) fn expand<'s>(rows: &[(&'s str, &'s str, &'s str)]) -> Vec<Permission<'s>> {
    rows.iter()
        .flat_map(|(g, r, verbs)| verbs.split(',').map(move |v| (*g, *r, v)))
        .collect()
}

/// `resource: verb, verb` for the permissions missing from `rules`.
pub(crate) fn missing(rules: &[&Node], required: &[Permission<'_>]) -> Vec<String> {
    let mut out: Vec<(String, Vec<&str>)> = Vec::new();
    for &(group, resource, verb) in required {
        if allows(rules, (group, resource, verb)) {
            continue;
        }
        let name = if group.is_empty() {
            resource.to_string()
        } else {
            format!("{resource}.{group}")
        };
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, verbs)) => verbs.push(verb),
            None => out.push((name, vec![verb])),
        }
    }
    out.into_iter()
        .map(|(n, v)| format!("{n}: {}", v.join(", ")))
        .collect()
}
