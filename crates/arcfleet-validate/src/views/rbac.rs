//! What a ServiceAccount may do in a namespace, from the Roles and ClusterRoles bound to it.

use arcfleet_arc::rbac::{Permission, RuleSpec, permissions};
use arcfleet_yaml::Node;

use crate::index::{Object, ObjectIndex};

/// The rules of a Role or ClusterRole.
pub(crate) fn role_rules<'a>(role: &Object<'a>) -> Vec<&'a Node> {
    role.root
        .get("rules")
        .and_then(Node::as_sequence)
        .map(|r| r.iter().collect())
        .unwrap_or_default()
}

/// What the input says a ServiceAccount may do in a namespace.
#[derive(Debug, Default)]
pub(crate) struct Grants<'a> {
    /// The rules of the Roles and ClusterRoles bound to it that the input has.
    pub rules: Vec<&'a Node>,
    /// A binding names the built-in `cluster-admin` (or `admin`/`edit` in the namespace).
    pub built_in: Option<&'static str>,
    /// A binding names a role the input does not have: what it grants is not known.
    pub unknown_role: Option<String>,
    /// Any binding names the account at all.
    pub bound: bool,
}

impl Grants<'_> {
    /// The permissions of `required` not granted, or `None` when that cannot be known.
    pub fn missing(&self, required: &[RuleSpec]) -> Option<Vec<String>> {
        if self.built_in.is_some() {
            return Some(Vec::new());
        }
        let lacking = missing(&self.rules, required);
        match (&self.unknown_role, lacking.is_empty()) {
            (Some(_), false) => None,
            _ => Some(lacking),
        }
    }
}

/// Kubernetes' default ClusterRoles that grant what ARC's Roles need: `cluster-admin`
/// everything; `admin` and `edit` pods, `pods/exec`, `pods/log`, secrets, jobs and (`admin`)
/// roles in a namespace they are bound in.
const BUILT_IN_ROLES: &[&str] = &["cluster-admin", "admin", "edit"];

/// What ServiceAccount `sa_ns`/`sa_name` may do in namespace `ns`. A binding or subject whose
/// namespace the input leaves to the tool that applies it counts as matching.
pub(crate) fn grants<'a>(
    index: &ObjectIndex<'a>,
    sa_ns: Option<&str>,
    sa_name: &str,
    ns: Option<&str>,
) -> Grants<'a> {
    let binds_sa = |binding: &Object<'a>| {
        binding
            .root
            .get("subjects")
            .and_then(Node::as_sequence)
            .unwrap_or_default()
            .iter()
            .any(|s| {
                let subject_ns = s
                    .get("namespace")
                    .and_then(Node::as_str)
                    .or(binding.namespace);
                s.get("kind").and_then(Node::as_str) == Some("ServiceAccount")
                    && s.get("name").and_then(Node::as_str) == Some(sa_name)
                    && match (subject_ns, sa_ns) {
                        (Some(a), Some(b)) => a == b,
                        _ => true,
                    }
            })
    };
    let mut out = Grants::default();
    let mut take = |binding: &Object<'a>| {
        out.bound = true;
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
        let role = if kind == "ClusterRole" {
            index.of_kind("ClusterRole").find(|r| r.name == name)
        } else {
            let role_ns = binding.namespace.or(ns).unwrap_or_default();
            index.get("Role", role_ns, name)
        };
        match role {
            Some(role) => out.rules.extend(role_rules(role)),
            None if kind == "ClusterRole" => match BUILT_IN_ROLES.iter().find(|b| **b == name) {
                Some(b) => out.built_in = Some(b),
                None => out.unknown_role = Some(format!("ClusterRole {name}")),
            },
            None => out.unknown_role = Some(format!("Role {name}")),
        }
    };
    let bindings: Vec<&Object<'a>> = match ns {
        Some(ns) => index.in_namespace("RoleBinding", ns).collect(),
        None => index.of_kind("RoleBinding").collect(),
    };
    for binding in bindings {
        if binds_sa(binding) {
            take(binding);
        }
    }
    for binding in index.of_kind("ClusterRoleBinding") {
        if binds_sa(binding) {
            take(binding);
        }
    }
    out
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
pub(crate) fn allows(rules: &[&Node], (group, resource, verb): Permission) -> bool {
    rules.iter().any(|rule| {
        rule.get("resourceNames")
            .and_then(Node::as_sequence)
            .is_none_or(<[Node]>::is_empty)
            && list_has(rule, "apiGroups", group)
            && list_has(rule, "resources", resource)
            && list_has(rule, "verbs", verb)
    })
}

/// `resource: verb, verb` for the permissions of `required` that `rules` do not grant.
pub(crate) fn missing(rules: &[&Node], required: &[RuleSpec]) -> Vec<String> {
    let mut out: Vec<(String, Vec<&str>)> = Vec::new();
    for (group, resource, verb) in permissions(required) {
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
