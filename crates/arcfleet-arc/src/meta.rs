//! Label, annotation and finalizer keys that ARC's controller and charts act on.

/// API group of ARC's resources.
pub const API_GROUP: &str = "actions.github.com";
/// `apiVersion` of ARC's resources.
pub const API_VERSION: &str = "actions.github.com/v1alpha1";
/// Kind of a scale set.
pub const SCALE_SET_KIND: &str = "AutoscalingRunnerSet";

/// The scale set's version label. The controller deletes a scale set whose label is missing,
/// unparsable or of another major.minor than its build (`IsVersionAllowed`, called from
/// `autoscalingrunnerset_controller.go:Reconcile` before anything else).
pub const VERSION_LABEL: &str = "app.kubernetes.io/version";
/// `app.kubernetes.io/component`.
pub const COMPONENT_LABEL: &str = "app.kubernetes.io/component";
/// The component value of a scale set.
pub const SCALE_SET_COMPONENT: &str = "autoscaling-runner-set";
/// The component value the controller gives listener pods (`resourcebuilder.go`).
pub const LISTENER_COMPONENT: &str = "runner-scale-set-listener";
/// `actions.github.com/scale-set-name`: on scale sets (chart) and listener pods (controller).
pub const SCALE_SET_NAME_LABEL: &str = "actions.github.com/scale-set-name";
/// `actions.github.com/scale-set-namespace`.
pub const SCALE_SET_NAMESPACE_LABEL: &str = "actions.github.com/scale-set-namespace";
/// Label prefix the chart never copies from user labels onto the scale set.
pub const RESERVED_PREFIX: &str = "actions.github.com/";
/// `app.kubernetes.io/part-of` of the controller's Deployment; the scale-set chart's `lookup`
/// finds controllers by it.
pub const CONTROLLER_PART_OF: &str = "gha-rs-controller";
/// `app.kubernetes.io/name` of the controller's Deployment and pods without a `nameOverride`
/// (`gha-runner-scale-set-controller.name` in the controller chart's `_helpers.tpl`).
pub const CONTROLLER_APP_NAME: &str = "gha-rs-controller";
/// Deployment label naming the controller's ServiceAccount.
pub const CONTROLLER_SA_NAME_LABEL: &str = "actions.github.com/controller-service-account-name";
/// Deployment label naming the controller's ServiceAccount's namespace.
pub const CONTROLLER_SA_NAMESPACE_LABEL: &str =
    "actions.github.com/controller-service-account-namespace";
/// Deployment label naming the one namespace a controller watches.
pub const CONTROLLER_WATCH_NAMESPACE_LABEL: &str =
    "actions.github.com/controller-watch-single-namespace";
/// The chart's hash of its values (REL compares it to recreate listeners).
pub const VALUES_HASH_ANNOTATION: &str = "actions.github.com/values-hash";

/// The finalizer the scale-set chart puts on every object the controller needs while it
/// deletes a scale set (the manager Role and RoleBinding, the runner ServiceAccount, the
/// Kubernetes-mode Role and RoleBinding, the credentials Secret). The controller removes it
/// from the object an [`Cleanup`] annotation of the scale set names, once the set's cleanup is
/// done (`autoscalingrunnerset_controller.go:removeFinalizersFromDependentResources`).
pub const CLEANUP_FINALIZER: &str = "actions.github.com/cleanup-protection";

/// An object the controller releases when a scale set is deleted, found through the scale set's
/// annotation (`controllers/actions.github.com/constants.go`). An object with the finalizer but
/// without its annotation is never released: it stays `Terminating` for ever.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cleanup {
    /// The credentials Secret the chart renders from an inline `githubConfigSecret`.
    GithubSecret,
    /// The manager Role.
    ManagerRole,
    /// The manager RoleBinding.
    ManagerRoleBinding,
    /// The Kubernetes-mode runner Role.
    KubernetesModeRole,
    /// The Kubernetes-mode runner RoleBinding.
    KubernetesModeRoleBinding,
    /// The Kubernetes-mode runner ServiceAccount.
    KubernetesModeServiceAccount,
    /// The DinD/default-mode runner ServiceAccount (no permissions).
    NoPermissionServiceAccount,
}

impl Cleanup {
    /// Every cleanup annotation, in the order the chart writes them.
    pub const ALL: [Cleanup; 7] = [
        Cleanup::GithubSecret,
        Cleanup::ManagerRoleBinding,
        Cleanup::ManagerRole,
        Cleanup::KubernetesModeRoleBinding,
        Cleanup::KubernetesModeRole,
        Cleanup::KubernetesModeServiceAccount,
        Cleanup::NoPermissionServiceAccount,
    ];

    /// The scale set annotation that names the object.
    pub const fn annotation(self) -> &'static str {
        match self {
            Cleanup::GithubSecret => "actions.github.com/cleanup-github-secret-name",
            Cleanup::ManagerRole => "actions.github.com/cleanup-manager-role-name",
            Cleanup::ManagerRoleBinding => "actions.github.com/cleanup-manager-role-binding",
            Cleanup::KubernetesModeRole => "actions.github.com/cleanup-kubernetes-mode-role-name",
            Cleanup::KubernetesModeRoleBinding => {
                "actions.github.com/cleanup-kubernetes-mode-role-binding-name"
            }
            Cleanup::KubernetesModeServiceAccount => {
                "actions.github.com/cleanup-kubernetes-mode-service-account-name"
            }
            Cleanup::NoPermissionServiceAccount => {
                "actions.github.com/cleanup-no-permission-service-account-name"
            }
        }
    }

    /// The kind of the object the annotation names (in the scale set's namespace).
    pub const fn kind(self) -> &'static str {
        match self {
            Cleanup::GithubSecret => "Secret",
            Cleanup::ManagerRole | Cleanup::KubernetesModeRole => "Role",
            Cleanup::ManagerRoleBinding | Cleanup::KubernetesModeRoleBinding => "RoleBinding",
            Cleanup::KubernetesModeServiceAccount | Cleanup::NoPermissionServiceAccount => {
                "ServiceAccount"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cleanup_annotation_is_distinct_and_prefixed() {
        let mut keys: Vec<_> = Cleanup::ALL.iter().map(|c| c.annotation()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Cleanup::ALL.len());
        assert!(
            keys.iter()
                .all(|k| k.starts_with("actions.github.com/cleanup-"))
        );
    }
}

/// arcfleet's own keys (not ARC's): written by the generator, read by the validator, kept here
/// beside ARC's so the two sides share one definition.
pub mod arcfleet {
    /// The label arcfleet puts on everything a fleet renders; objects of one fleet are checked
    /// together.
    pub const FLEET_LABEL: &str = "arcfleet.io/fleet";
    /// Annotation on a rendered scale set: the spare runner pods its namespace's quota holds
    /// beyond `maxRunners` (the spec's `headroom`), so that `validate` judges the quota with the
    /// headroom the fleet was rendered with rather than the policy's formula.
    pub const HEADROOM_ANNOTATION: &str = "arcfleet.io/headroom";
    /// Annotation on a scale set: the objects it refers to that exist outside the input
    /// (`Secret/gh-pat, ConfigMap/harbor-ca`), made by hand or by another tool. `validate` does
    /// not look for them in the input; `render` writes it for what the spec names as existing.
    pub const EXTERNAL_ANNOTATION: &str = "arcfleet.io/external";
}
