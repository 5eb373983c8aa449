//! The RBAC rules ARC's charts grant, verbatim and in the charts' order. Render writes them, the
//! chart emulation renders them from values, and the rules check granted permissions against
//! them.

use k8s_openapi::api::rbac::v1::PolicyRule;

/// One RBAC rule: API groups, resources, verbs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleSpec {
    /// `apiGroups`.
    pub api_groups: &'static [&'static str],
    /// `resources`.
    pub resources: &'static [&'static str],
    /// `verbs`.
    pub verbs: &'static [&'static str],
}

const fn rule(
    api_groups: &'static [&'static str],
    resources: &'static [&'static str],
    verbs: &'static [&'static str],
) -> RuleSpec {
    RuleSpec {
        api_groups,
        resources,
        verbs,
    }
}

/// One permission: API group, resource, verb.
pub type Permission = (&'static str, &'static str, &'static str);

impl RuleSpec {
    /// The typed rule.
    pub fn to_policy_rule(&self) -> PolicyRule {
        let strings = |items: &[&str]| items.iter().map(|s| (*s).to_string()).collect();
        PolicyRule {
            api_groups: Some(strings(self.api_groups)),
            resources: Some(strings(self.resources)),
            verbs: strings(self.verbs),
            ..Default::default()
        }
    }

    /// Every (group, resource, verb) the rule grants.
    pub fn permissions(&self) -> impl Iterator<Item = Permission> + '_ {
        self.api_groups.iter().flat_map(move |g| {
            self.resources
                .iter()
                .flat_map(move |r| self.verbs.iter().map(move |v| (*g, *r, *v)))
        })
    }
}

/// Typed rules.
pub fn policy_rules(rules: &[RuleSpec]) -> Vec<PolicyRule> {
    rules.iter().map(RuleSpec::to_policy_rule).collect()
}

/// Every permission of `rules`.
pub fn permissions(rules: &[RuleSpec]) -> Vec<Permission> {
    rules.iter().flat_map(RuleSpec::permissions).collect()
}

const EDIT: &[&str] = &["create", "delete", "get", "list", "patch", "update"];
const EDIT_NO_LIST: &[&str] = &["create", "delete", "get", "patch", "update"];
const FULL: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];
const FINALIZERS: &[&str] = &["patch", "update"];
const STATUS: &[&str] = &["get", "patch", "update"];
const LIST_WATCH: &[&str] = &["list", "watch"];
const CORE: &[&str] = &[""];
const ARC: &[&str] = &["actions.github.com"];
const RBAC: &[&str] = &["rbac.authorization.k8s.io"];

/// The manager Role the scale-set chart renders in each scale set's namespace
/// (`gha-runner-scale-set/templates/manager_role.yaml`): the controller creates runner pods,
/// their JIT secrets and the listener's Role and RoleBinding there, and lists secrets when it
/// cleans up after container hooks.
pub const MANAGER_ROLE: &[RuleSpec] = &[
    rule(CORE, &["pods"], &["create", "delete", "get"]),
    rule(CORE, &["pods/status"], &["get"]),
    rule(CORE, &["secrets"], EDIT),
    rule(CORE, &["serviceaccounts"], EDIT),
    rule(RBAC, &["rolebindings"], EDIT_NO_LIST),
    rule(RBAC, &["roles"], EDIT_NO_LIST),
];

/// Added to the manager Role when `githubServerTLS` is set: the controller reads the CA bundle.
pub const MANAGER_TLS_RULE: RuleSpec = rule(CORE, &["configmaps"], &["get"]);

/// The manager Role's rules for a scale set (with the CA-bundle rule when it has
/// `githubServerTLS`).
pub fn manager_rules(github_server_tls: bool) -> Vec<RuleSpec> {
    let mut rules = MANAGER_ROLE.to_vec();
    if github_server_tls {
        rules.push(MANAGER_TLS_RULE);
    }
    rules
}

/// The Kubernetes-mode runner Role (`kube_mode_role.yaml`), which equals `requiredPermissions` of
/// actions/runner-container-hooks (`packages/k8s/src/k8s/index.ts`). `kubernetes-novolume` omits
/// `jobs`.
pub fn kube_mode_rules(novolume: bool) -> Vec<RuleSpec> {
    let mut rules = vec![
        rule(CORE, &["pods"], &["get", "list", "create", "delete"]),
        rule(CORE, &["pods/exec"], &["get", "create"]),
        rule(CORE, &["pods/log"], &["get", "list", "watch"]),
    ];
    if !novolume {
        rules.push(rule(
            &["batch"],
            &["jobs"],
            &["get", "list", "create", "delete"],
        ));
    }
    rules.push(rule(
        CORE,
        &["secrets"],
        &["get", "list", "create", "delete"],
    ));
    rules
}

/// The controller's cluster-wide role (`manager_cluster_role.yaml`).
pub const CONTROLLER_CLUSTER_ROLE: &[RuleSpec] = &[
    rule(ARC, &["autoscalingrunnersets"], FULL),
    rule(ARC, &["autoscalingrunnersets/finalizers"], FINALIZERS),
    rule(ARC, &["autoscalingrunnersets/status"], STATUS),
    rule(ARC, &["autoscalinglisteners"], FULL),
    rule(ARC, &["autoscalinglisteners/status"], STATUS),
    rule(ARC, &["autoscalinglisteners/finalizers"], FINALIZERS),
    rule(ARC, &["ephemeralrunnersets"], FULL),
    rule(ARC, &["ephemeralrunnersets/status"], STATUS),
    rule(ARC, &["ephemeralrunnersets/finalizers"], FINALIZERS),
    rule(ARC, &["ephemeralrunners"], FULL),
    rule(ARC, &["ephemeralrunners/finalizers"], FINALIZERS),
    rule(ARC, &["ephemeralrunners/status"], STATUS),
    rule(CORE, &["pods"], LIST_WATCH),
    rule(CORE, &["serviceaccounts"], LIST_WATCH),
    rule(RBAC, &["rolebindings"], LIST_WATCH),
    rule(RBAC, &["roles"], &["list", "watch", "patch"]),
];

/// With `flags.watchSingleNamespace`: the Role in the watched namespace
/// (`manager_single_namespace_watch_role.yaml`).
pub const CONTROLLER_WATCH_ROLE: &[RuleSpec] = &[
    rule(ARC, &["autoscalingrunnersets"], FULL),
    rule(ARC, &["autoscalingrunnersets/finalizers"], FINALIZERS),
    rule(ARC, &["autoscalingrunnersets/status"], STATUS),
    rule(ARC, &["ephemeralrunnersets"], FULL),
    rule(ARC, &["ephemeralrunnersets/status"], STATUS),
    rule(ARC, &["ephemeralrunnersets/finalizers"], FINALIZERS),
    rule(ARC, &["ephemeralrunners"], FULL),
    rule(ARC, &["ephemeralrunners/finalizers"], FINALIZERS),
    rule(ARC, &["ephemeralrunners/status"], STATUS),
    rule(ARC, &["autoscalinglisteners"], LIST_WATCH),
    rule(CORE, &["pods"], LIST_WATCH),
    rule(CORE, &["serviceaccounts"], LIST_WATCH),
    rule(RBAC, &["rolebindings"], LIST_WATCH),
    rule(RBAC, &["roles"], &["list", "watch", "patch"]),
];

/// With `flags.watchSingleNamespace`: the Role in the controller's own namespace
/// (`manager_single_namespace_controller_role.yaml`).
pub const CONTROLLER_SINGLE_NAMESPACE_ROLE: &[RuleSpec] = &[
    rule(ARC, &["autoscalinglisteners"], FULL),
    rule(ARC, &["autoscalinglisteners/status"], STATUS),
    rule(ARC, &["autoscalinglisteners/finalizers"], FINALIZERS),
    rule(CORE, &["pods"], LIST_WATCH),
    rule(CORE, &["serviceaccounts"], LIST_WATCH),
    rule(RBAC, &["rolebindings"], LIST_WATCH),
    rule(RBAC, &["roles"], LIST_WATCH),
    rule(ARC, &["autoscalingrunnersets"], LIST_WATCH),
    rule(ARC, &["ephemeralrunnersets"], LIST_WATCH),
    rule(ARC, &["ephemeralrunners"], LIST_WATCH),
];

/// The Role the controller uses in its own namespace for listener pods
/// (`manager_listener_role.yaml`).
pub const CONTROLLER_LISTENER_ROLE: &[RuleSpec] = &[
    rule(CORE, &["pods"], &["create", "delete", "get"]),
    rule(CORE, &["pods/status"], &["get"]),
    rule(CORE, &["secrets"], EDIT_NO_LIST),
    rule(CORE, &["serviceaccounts"], EDIT_NO_LIST),
];

/// The leader-election Role, rendered when `replicaCount > 1` (`leader_election_role.yaml`).
pub const LEADER_ELECTION_ROLE: &[RuleSpec] = &[
    rule(
        &["coordination.k8s.io"],
        &["leases"],
        &["get", "watch", "list", "delete", "update", "create"],
    ),
    rule(CORE, &["events"], &["create", "patch"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manager_role_grants_secret_listing_and_tls_reads() {
        let perms = permissions(&manager_rules(true));
        assert!(perms.contains(&("", "secrets", "list")));
        assert!(perms.contains(&("", "configmaps", "get")));
        assert!(!permissions(&manager_rules(false)).contains(&("", "configmaps", "get")));
    }

    #[test]
    fn novolume_mode_needs_no_jobs() {
        assert!(permissions(&kube_mode_rules(false)).contains(&("batch", "jobs", "create")));
        assert!(
            !permissions(&kube_mode_rules(true))
                .iter()
                .any(|p| p.1 == "jobs")
        );
    }
}
