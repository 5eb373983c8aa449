use std::collections::HashMap;

use arcfleet_arc::rbac::manager_rules;

use crate::views::rbac::grants;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// In every scale set's namespace, the ServiceAccount of the controller that manages the set
    /// holds the chart's manager Role: pods, secrets, serviceaccounts, roles and rolebindings it
    /// must create and clean up (and configmaps it reads with `githubServerTLS`).
    ///
    /// The controller creates each runner's pod and JIT secret, and the listener's Role and
    /// RoleBinding, in the scale set's namespace. Without these permissions runners never
    /// start; without `secrets: list` runners that used container hooks are stuck deleting
    /// (`secrets is forbidden … cannot list`). The Role is `gha-runner-scale-set/templates/
    /// manager_role.yaml` (`arcfleet_arc::rbac::MANAGER_ROLE`). A set is checked against the
    /// controller that manages it (see `controller-scope`), not every controller of the input.
    ManagerRbac, id: "manager-rbac", severity: Error,
    summary: "the controller that manages a scale set holds the chart's manager Role in its namespace"
}

/// (controller account's namespace, its name, the set's namespace, whether the set has
/// `githubServerTLS`): what decides what the account lacks.
type Judged<'a> = (Option<&'a str>, &'a str, &'a str, bool);

impl Rule for ManagerRbac {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        // What an account lacks in a namespace is the same for every set there: judged once.
        let mut judged: HashMap<Judged<'_>, Option<Vec<String>>> = HashMap::new();
        for (i, set) in cx.views.scale_sets.iter().enumerate() {
            // Without the set's namespace there is no telling where the Role must be.
            let Some(set_ns) = set.namespace() else {
                continue;
            };
            let ns = Some(set_ns);
            let tls = set.field("githubServerTLS").is_some();
            for controller in cx.views.controllers_of(i) {
                let sa = controller.service_account;
                let sa_ns = controller.namespace();
                let lacking = judged
                    .entry((sa_ns, sa, set_ns, tls))
                    .or_insert_with(|| grants(cx.index, sa_ns, sa, ns).missing(&manager_rules(tls)))
                    .clone();
                let Some(lacking) = lacking else {
                    out.note(&set.object, set.object.name_span(), format!("not checked: a binding of controller ServiceAccount {sa} names a role the input does not have"));
                    continue;
                };
                if lacking.is_empty() {
                    continue;
                }
                let account = format!("{}/{sa}", sa_ns.unwrap_or("?"));
                let place = ns.map_or_else(
                    || "the set's namespace".to_string(),
                    |n| format!("namespace `{n}`"),
                );
                let bound = &cx.views.management[i].bound_accounts;
                let note = if bound.is_empty()
                    || bound.iter().any(|(n, bns)| controller.runs_as(n, bns))
                {
                    String::new()
                } else {
                    let names: Vec<String> =
                        bound.iter().map(|(n, ns)| format!("{ns}/{n}")).collect();
                    format!(
                        " (the manager RoleBinding binds {} instead)",
                        names.join(", ")
                    )
                };
                out.at_rule_level(
                    &set.object,
                    set.object.name_span(),
                    format!(
                        "controller ServiceAccount {account} lacks in {place}: {}{note}",
                        lacking.join("; ")
                    ),
                )
                .hint(format!(
                    "bind the manager Role in {place} to ServiceAccount {account}"
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("manager-rbac", "manager_rbac");
    }
}
