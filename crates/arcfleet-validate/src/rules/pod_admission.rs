use std::collections::BTreeSet;

use arcfleet_yaml::Node;

use crate::pod::Container;
use crate::views::ScaleSet;
use crate::views::scale_set::is_docker_daemon;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Runner pods the API server, its Pod Security admission or the kubelet would refuse.
    ///
    /// ARC marks an EphemeralRunner `Failed` when its pod is refused for any reason but a full
    /// quota (`ephemeralrunner_controller.go`), and failed runners keep counting toward
    /// `maxRunners` until someone deletes them: a template that can never run wedges the set.
    /// Refused are: two volumes or two containers of one name (the chart always adds its own
    /// `dind-sock`, `dind-externals`, `work` volumes and `dind` container in DinD mode), a mount
    /// of a volume the pod does not have, a privileged container or a `hostPath` volume in a
    /// namespace whose Pod Security level is `baseline` or `restricted` (`restricted` also
    /// requires every container to set `allowPrivilegeEscalation: false`, `runAsNonRoot`, a
    /// seccomp profile and `capabilities.drop: [ALL]`, and allows only some volume types: the
    /// Pod Security Standards), a container that must
    /// not run as root but is told to (`runAsNonRoot` with `runAsUser: 0`), and a Docker daemon
    /// the pod's `securityContext` makes run as another user than root, which rootful dockerd
    /// cannot.
    PodAdmission, id: "pod-admission", severity: Error,
    summary: "runner pods the API server, Pod Security or the kubelet refuse (duplicate names, PSA level, root conflicts)"
}

/// Capabilities Pod Security `baseline` allows to add.
const BASELINE_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Capabilities Pod Security `restricted` allows to add.
const RESTRICTED_CAPABILITIES: &[&str] = &["NET_BIND_SERVICE"];

/// Volume types Pod Security `restricted` allows.
const RESTRICTED_VOLUME_TYPES: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

impl Rule for PodAdmission {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for set in &cx.views.scale_sets {
            let Some(pod_spec) = set.pod else { continue };
            duplicates(set, pod_spec, out);
            let level = set.namespace().and_then(|ns| pod_security_level(cx, ns));
            for container in set.containers() {
                if let Some((level, label)) = &level {
                    pod_security(set, pod_spec, &container, level, label, out);
                }
                root_conflicts(set, pod_spec, &container, out);
            }
            if let Some((level, label)) = &level {
                volume_types(set, pod_spec, level, label, out);
            }
        }
    }
}

/// Two volumes or containers of one name; mounts of volumes the pod lacks.
fn duplicates(set: &ScaleSet<'_>, pod_spec: &Node, out: &mut Findings) {
    let mut volumes = BTreeSet::new();
    for volume in pod_spec
        .get("volumes")
        .and_then(Node::as_sequence)
        .unwrap_or_default()
    {
        let Some(name) = volume.get("name").and_then(Node::scalar_text) else {
            continue;
        };
        if !volumes.insert(name) {
            out.at_rule_level(&set.object, volume.get("name").map_or(volume.span, |n| n.span), format!("the pod has two volumes named `{name}`: the API server refuses it"))
                .hint("rename or remove one (in DinD mode the chart adds dind-sock, dind-externals and work itself)");
        }
    }
    let mut names = BTreeSet::new();
    for container in set.containers() {
        if !names.insert(container.name) {
            out.at_rule_level(
                &set.object,
                container.span(),
                format!(
                    "the pod has two containers named `{}`: the API server refuses it",
                    container.name
                ),
            );
        }
        for (volume, _, node) in container.mounts() {
            if !volumes.contains(volume) {
                out.at_rule_level(&set.object, node.get("name").map_or(node.span, |n| n.span), format!("container `{}` mounts volume `{volume}`, which the pod does not have: the API server refuses it", container.name));
            }
        }
    }
}

/// The Pod Security level enforced in `ns` (Namespace labels, or an Argo CD Application's
/// `managedNamespaceMetadata`), when it is `baseline` or `restricted`.
fn pod_security_level(cx: &Context<'_, '_>, ns: &str) -> Option<(String, String)> {
    const LABEL: &str = "pod-security.kubernetes.io/enforce";
    let from_namespace = cx
        .index
        .of_kind("Namespace")
        .find(|n| n.name == ns)
        .and_then(|n| n.label(LABEL))
        .and_then(Node::scalar_text)
        .map(|level| (level.to_string(), format!("Namespace `{ns}`")));
    let from_argo = || {
        cx.index
            .of_kind("Application")
            .filter(|a| {
                a.root
                    .path(&["spec", "destination", "namespace"])
                    .and_then(Node::scalar_text)
                    == Some(ns)
            })
            .find_map(|a| {
                a.root
                    .path(&[
                        "spec",
                        "syncPolicy",
                        "managedNamespaceMetadata",
                        "labels",
                        LABEL,
                    ])
                    .and_then(Node::scalar_text)
                    .map(|level| (level.to_string(), format!("Application `{}`", a.name)))
            })
    };
    from_namespace
        .or_else(from_argo)
        .filter(|(level, _)| level == "baseline" || level == "restricted")
}

/// Volumes the level refuses: `hostPath` from `baseline` on; under `restricted`, any type but
/// the ones it lists.
fn volume_types(set: &ScaleSet<'_>, pod_spec: &Node, level: &str, label: &str, out: &mut Findings) {
    for volume in pod_spec
        .get("volumes")
        .and_then(Node::as_sequence)
        .unwrap_or_default()
    {
        let name = volume
            .get("name")
            .and_then(Node::scalar_text)
            .unwrap_or_default();
        let refused = volume.as_mapping().unwrap_or_default().iter().find(|e| {
            e.key.scalar_text().is_some_and(|t| {
                t != "name"
                    && (t == "hostPath"
                        || (level == "restricted" && !RESTRICTED_VOLUME_TYPES.contains(&t)))
            })
        });
        if let Some(entry) = refused {
            let kind = entry.key.scalar_text().unwrap_or_default();
            out.at_rule_level(&set.object, entry.key.span, format!("{kind} volume `{name}` in a namespace whose Pod Security level is `{level}` ({label}): every runner pod is refused"))
                .hint("use another volume type, or a namespace labelled pod-security.kubernetes.io/enforce: privileged");
        }
    }
}

fn pod_security(
    set: &ScaleSet<'_>,
    pod_spec: &Node,
    container: &Container<'_>,
    level: &str,
    label: &str,
    out: &mut Findings,
) {
    if level == "restricted" {
        restricted(set, pod_spec, container, label, out);
    }
    if let Some(node) = container
        .security("privileged")
        .filter(|n| n.as_bool() == Some(true))
    {
        out.at_rule_level(&set.object, node.span, format!("container `{}` is privileged, and {label} enforces Pod Security `{level}`: every runner pod is refused and its runner marked Failed", container.name))
            .hint("run Docker-in-Docker only in a namespace labelled pod-security.kubernetes.io/enforce: privileged, or use Kubernetes mode");
    }
    for cap in container
        .security("capabilities")
        .and_then(|c| c.get("add"))
        .and_then(Node::as_sequence)
        .unwrap_or_default()
    {
        let name = cap
            .scalar_text()
            .unwrap_or_default()
            .trim_start_matches("CAP_");
        let allowed = if level == "restricted" {
            RESTRICTED_CAPABILITIES
        } else {
            BASELINE_CAPABILITIES
        };
        if !allowed.contains(&name) {
            out.at_rule_level(&set.object, cap.span, format!("container `{}` adds capability {name}, which Pod Security `{level}` ({label}) refuses", container.name));
        }
    }
}

/// What Pod Security `restricted` requires of every container beyond `baseline`, in one finding
/// per container: no privilege escalation, a non-root user, a seccomp profile, all capabilities
/// dropped. The pod's `securityContext` counts for `runAsNonRoot` and `seccompProfile`.
fn restricted(
    set: &ScaleSet<'_>,
    pod_spec: &Node,
    container: &Container<'_>,
    label: &str,
    out: &mut Findings,
) {
    let effective = |key: &str| {
        container
            .security(key)
            .or_else(|| pod_spec.path(&["securityContext", key]))
    };
    let mut missing = Vec::new();
    if container
        .security("allowPrivilegeEscalation")
        .and_then(Node::as_bool)
        != Some(false)
    {
        missing.push("allowPrivilegeEscalation: false");
    }
    if effective("runAsNonRoot").and_then(Node::as_bool) != Some(true) {
        missing.push("runAsNonRoot: true");
    }
    let seccomp = effective("seccompProfile")
        .and_then(|p| p.get("type"))
        .and_then(Node::scalar_text);
    if !matches!(seccomp, Some("RuntimeDefault" | "Localhost")) {
        missing.push("seccompProfile.type: RuntimeDefault");
    }
    let drops_all = container
        .security("capabilities")
        .and_then(|c| c.get("drop"))
        .and_then(Node::as_sequence)
        .unwrap_or_default()
        .iter()
        .any(|d| d.scalar_text() == Some("ALL"));
    if !drops_all {
        missing.push("capabilities.drop: [ALL]");
    }
    if missing.is_empty() {
        return;
    }
    let span = container
        .node
        .entry("securityContext")
        .map_or_else(|| container.span(), |e| e.key.span);
    out.at_rule_level(&set.object, span, format!("container `{}` does not meet Pod Security `restricted` ({label}): it needs {}; every runner pod is refused", container.name, missing.join(", ")))
        .hint("set these in the container's securityContext, or label the namespace with a lower Pod Security level");
}

/// `runAsNonRoot` with `runAsUser: 0`, and a rootful Docker daemon told to run as another user.
fn root_conflicts(
    set: &ScaleSet<'_>,
    pod_spec: &Node,
    container: &Container<'_>,
    out: &mut Findings,
) {
    let effective = |key: &str| {
        container
            .security(key)
            .or_else(|| pod_spec.path(&["securityContext", key]))
    };
    let non_root = effective("runAsNonRoot").filter(|n| n.as_bool() == Some(true));
    let user = effective("runAsUser");
    let uid = user.and_then(Node::as_i64);
    if let (Some(_), Some(0)) = (non_root, uid) {
        let span = user.map_or(container.span(), |u| u.span);
        out.at_rule_level(&set.object, span, format!("container `{}` must not run as root (runAsNonRoot) but runs as uid 0: the kubelet refuses to start it", container.name))
            .hint("drop runAsUser: 0, or set runAsNonRoot: false on this container");
        return;
    }
    let rootless = container.image().is_some_and(|i| i.contains("rootless"));
    if is_docker_daemon(container) && !rootless {
        if let Some(uid) = uid.filter(|u| *u != 0) {
            let span = user.map_or(container.span(), |u| u.span);
            out.at_rule_level(&set.object, span, format!("the Docker daemon `{}` runs as uid {uid} (from the pod's securityContext): rootful dockerd cannot start", container.name))
                .hint("set runAsUser: 0 on the dind container, or move the pod-level user to the runner container");
        } else if let Some(node) = non_root.filter(|_| uid.is_none()) {
            out.at_rule_level(&set.object, node.span, format!("runAsNonRoot applies to the Docker daemon `{}`, whose image runs as root: the kubelet refuses to start it", container.name))
                .hint("set runAsNonRoot on the runner container only");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("pod-admission", "pod_admission");
    }
}
