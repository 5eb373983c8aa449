use std::collections::{BTreeSet, HashMap};

use super::rbac::{expand, granted_rules, missing};
use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// In every scale set's namespace, the controller's ServiceAccount holds the chart's manager
    /// Role: pods, secrets, serviceaccounts, roles and rolebindings it must create and clean up.
    ///
    /// The controller creates each runner's pod and JIT secret, and the listener's Role and
    /// RoleBinding, in the scale set's namespace. Without these permissions runners never
    /// start; without `secrets: list` runners that used container hooks are stuck deleting
    /// (`secrets is forbidden … cannot list`). A GitOps repository that dropped the chart must
    /// carry this Role and its binding itself.
    ManagerRbac, id: "manager-rbac", severity: Error,
    summary: "each scale set namespace grants the controller's ServiceAccount the chart's manager Role"
}

/// The chart's `manager_role.yaml`.
const MANAGER_RULES: &[(&str, &str, &str)] = &[
    ("", "pods", "create,delete,get"),
    ("", "pods/status", "get"),
    ("", "secrets", "create,delete,get,list,patch,update"),
    ("", "serviceaccounts", "create,delete,get,list,patch,update"),
    (
        "rbac.authorization.k8s.io",
        "rolebindings",
        "create,delete,get,patch,update",
    ),
    (
        "rbac.authorization.k8s.io",
        "roles",
        "create,delete,get,patch,update",
    ),
];

impl Rule for ManagerRbac {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        let required = expand(MANAGER_RULES);
        // Without a controller in the input there is no ServiceAccount to check against.
        let accounts: BTreeSet<(&str, &str)> = cx
            .controllers
            .iter()
            .map(|c| (c.namespace(), c.service_account))
            .collect();
        // What each account lacks, per namespace: computed once, reported for every set there.
        let mut lacking_in: HashMap<(&str, &str, &str), Vec<String>> = HashMap::new();
        for set in &cx.scale_sets {
            let ns = set.namespace();
            for &(sa_ns, sa) in &accounts {
                let lacking = lacking_in
                    .entry((ns, sa_ns, sa))
                    .or_insert_with(|| missing(&granted_rules(cx.index, sa_ns, sa, ns), &required));
                if !lacking.is_empty() {
                    out.at_rule_level(
                        &set.object,
                        set.object.name_span(),
                        format!("controller ServiceAccount {sa_ns}/{sa} lacks in namespace `{ns}`: {}", lacking.join("; ")),
                    )
                    .hint(format!("add the manager Role in `{ns}` and a RoleBinding to ServiceAccount {sa_ns}/{sa}"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{GOOD_DIND, edit, run};

    #[test]
    fn quiet_with_the_chart_roles() {
        assert!(run("manager-rbac", &[("a.yaml", GOOD_DIND)]).is_empty());
    }

    #[test]
    fn fires_when_a_permission_or_the_binding_is_missing() {
        // Drop `list` from the secrets rule of both manager Roles of namespace `ci`.
        let without_list = "  - secrets\n  verbs:\n  - create\n  - delete\n  - get\n  - patch\n";
        let bad = GOOD_DIND.replace(
            "  - secrets\n  verbs:\n  - create\n  - delete\n  - get\n  - list\n  - patch\n",
            without_list,
        );
        let found = run("manager-rbac", &[("a.yaml", &bad)]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].contains("lacks in namespace `ci`: secrets: list"),
            "{found:?}"
        );
        // Both sets share namespace `ci`: one binding still grants the Role to the controller.
        let one_left = edit(
            GOOD_DIND,
            "  name: dind-runners-gha-rs-manager\nsubjects:",
            "  name: missing-role\nsubjects:",
        );
        assert!(run("manager-rbac", &[("a.yaml", &one_left)]).is_empty());
        let none_left = edit(
            &one_left,
            "  name: tls-runners-gha-rs-manager\nsubjects:",
            "  name: missing-role\nsubjects:",
        );
        let found = run("manager-rbac", &[("a.yaml", &none_left)]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("pods: create, delete, get"), "{found:?}");
    }
}
