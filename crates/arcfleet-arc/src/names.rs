//! Names: the limits ARC lives within, and the names its charts give the objects they render
//! (`gha-runner-scale-set/templates/_helpers.tpl`, `gha-runner-scale-set-controller/templates/_helpers.tpl`).

/// Longest scale set name: the listener is named `<set>-<8 hex>-listener`, which must stay a
/// 63-character label (`resourcebuilder.go:scaleSetListenerName`); the chart refuses longer
/// names with "Name must have up to 45 characters".
pub const MAX_SCALE_SET_NAME: usize = 45;
/// Longest namespace (a DNS-1123 label); the chart refuses longer ones.
pub const MAX_NAMESPACE: usize = 63;
/// Longest `runnerScaleSetLabels` entry, exclusive (the chart: "less than 256 characters").
pub const MAX_SCALE_SET_LABEL: usize = 256;

/// Helm's `trunc 63 | trimSuffix "-"`.
fn trunc63(name: &str) -> String {
    let cut: String = name.chars().take(63).collect();
    cut.strip_suffix('-').map_or(cut.clone(), str::to_string)
}

/// The names the scale-set chart derives from a scale set's name (`runnerScaleSetName`, or the
/// release name). Some templates replace `_` by `-` and some do not; this follows each one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScaleSetNames {
    /// The scale set name as written.
    pub scale_set: String,
    /// `<name>-gha-rs`, truncated to 63.
    pub fullname: String,
}

impl ScaleSetNames {
    /// The names for scale set `scale_set`.
    pub fn new(scale_set: &str) -> Self {
        ScaleSetNames {
            scale_set: scale_set.to_string(),
            fullname: trunc63(&format!("{scale_set}-gha-rs")),
        }
    }

    /// The AutoscalingRunnerSet's `metadata.name`.
    pub fn object_name(&self) -> String {
        self.scale_set.replace('_', "-")
    }

    /// The manager Role and RoleBinding.
    pub fn manager(&self) -> String {
        format!("{}-manager", self.fullname)
    }

    /// The Kubernetes-mode Role and RoleBinding.
    pub fn kube_mode_role(&self) -> String {
        format!("{}-kube-mode", self.fullname)
    }

    /// The Kubernetes-mode runner ServiceAccount.
    pub fn kube_mode_service_account(&self) -> String {
        format!("{}-kube-mode", self.fullname.replace('_', "-"))
    }

    /// Whether `name` is the chart's runner ServiceAccount without permissions (DinD and default
    /// mode), whatever the set is called.
    pub fn is_no_permission_service_account(name: &str) -> bool {
        name.ends_with("-gha-rs-no-permission")
    }

    /// Whether `name` is a runner ServiceAccount the chart made for Kubernetes mode (the
    /// rendered pod's mark of that mode, whatever the set is called).
    pub fn is_kube_mode_service_account(name: &str) -> bool {
        name.ends_with("-gha-rs-kube-mode")
    }

    /// The runner ServiceAccount of DinD and default mode.
    pub fn no_permission_service_account(&self) -> String {
        format!("{}-no-permission", self.fullname.replace('_', "-"))
    }

    /// The Secret rendered from inline credentials.
    pub fn github_secret(&self) -> String {
        format!("{}-github-secret", self.fullname.replace('_', "-"))
    }
}

/// The controller chart's base name.
pub const CONTROLLER_BASE_NAME: &str = "gha-rs-controller";

/// The controller chart's fullname: `fullnameOverride`, else the release name when it contains
/// the chart's name (`nameOverride` or `gha-rs-controller`), else `<release>-<name>`.
pub fn controller_fullname(release: &str, name_override: &str, fullname_override: &str) -> String {
    if !fullname_override.is_empty() {
        return trunc63(fullname_override);
    }
    let name = if name_override.is_empty() {
        CONTROLLER_BASE_NAME
    } else {
        name_override
    };
    if release.contains(name) {
        trunc63(release)
    } else {
        trunc63(&format!("{release}-{name}"))
    }
}

/// The controller chart's `app.kubernetes.io/name`.
pub fn controller_name(name_override: &str) -> String {
    if name_override.is_empty() {
        CONTROLLER_BASE_NAME.to_string()
    } else {
        trunc63(name_override)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_set_names_follow_the_chart() {
        let n = ScaleSetNames::new("arc_runner");
        assert_eq!(n.object_name(), "arc-runner");
        assert_eq!(n.manager(), "arc_runner-gha-rs-manager");
        assert_eq!(
            n.no_permission_service_account(),
            "arc-runner-gha-rs-no-permission"
        );
        assert_eq!(n.github_secret(), "arc-runner-gha-rs-github-secret");
        let long = "a".repeat(60);
        assert_eq!(ScaleSetNames::new(&long).fullname.len(), 63);
    }

    #[test]
    fn controller_fullname_follows_the_chart() {
        assert_eq!(controller_fullname("arc", "", ""), "arc-gha-rs-controller");
        assert_eq!(
            controller_fullname("my-gha-rs-controller", "", ""),
            "my-gha-rs-controller"
        );
        assert_eq!(controller_fullname("arc", "", "ctl-"), "ctl");
        assert_eq!(controller_fullname("arc", "x", ""), "arc-x");
    }
}
