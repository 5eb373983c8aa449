use arcfleet_k8s::quota_requires_every_container;
use arcfleet_yaml::Node;

use crate::index::ObjectIndex;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};
use crate::views::quota::{demand, quotas};

declare_rule! {
    /// Where a ResourceQuota limits `cpu`, `memory` or `ephemeral-storage` (requests or limits),
    /// every container of every pod the namespace runs sets that resource.
    ///
    /// Kubernetes refuses a pod that leaves a quota-limited compute resource unset (`must
    /// specify limits.cpu`), unless a LimitRange supplies a default. For runners that means no
    /// runner pod ever starts; it is easy to miss the `dind` sidecar, an init container, the
    /// workflow pod of Kubernetes mode, or — in the controller's namespace — the listener pods,
    /// which get resources only through the scale set's `listenerTemplate`.
    QuotaResourcesMissing, id: "quota-resources-missing", severity: Error,
    summary: "every container of a quota-limited namespace sets the cpu/memory the quota limits"
}

impl Rule for QuotaResourcesMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for (quota, hard) in quotas(cx.index) {
            // A quota without a namespace could be anywhere: nothing to hold it against.
            let Some(ns) = quota.namespace else { continue };
            let pods = demand(cx.index, cx.views, cx.policy, quota);
            for entry in hard.as_mapping().unwrap_or_default() {
                let Some(name) = entry.key.scalar_text() else {
                    continue;
                };
                let Some((field, resource)) = quota_requires_every_container(name) else {
                    continue;
                };
                if defaulted_by_limit_range(cx.index, ns, field, resource) {
                    continue;
                }
                for pod in &pods {
                    let containers = pod.containers();
                    if pod.pod.is_none() {
                        out.at_rule_level(&pod.owner, pod.owner.name_span(), format!("quota `{}` in `{ns}` limits {name}, but the {} has no resources (ARC's default listener sets none): it is refused", quota.name, pod.what))
                            .hint(format!("give the `listener` container {field}.{resource} in spec.listenerTemplate"));
                        continue;
                    }
                    for container in containers {
                        let res = container.resources();
                        let set = match field {
                            "limits" => res.limits.contains_key(resource),
                            _ => res.effective_requests().contains_key(resource),
                        };
                        if !set {
                            out.at_rule_level(&pod.owner, container.span(), format!("container `{}` of the {} sets no {field}.{resource}, but quota `{}` limits {name}: Kubernetes refuses the pod", container.name, pod.what, quota.name))
                                .hint(format!("set resources.{field}.{resource} on `{}`", container.name));
                        }
                    }
                }
            }
        }
    }
}

/// Whether a LimitRange in `ns` gives containers a default for `field`.`resource`.
fn defaulted_by_limit_range(
    index: &ObjectIndex<'_>,
    ns: &str,
    field: &str,
    resource: &str,
) -> bool {
    index.in_namespace("LimitRange", ns).any(|lr| {
        lr.root
            .path(&["spec", "limits"])
            .and_then(Node::as_sequence)
            .unwrap_or_default()
            .iter()
            .any(|limit| {
                let is_container = limit.get("type").and_then(Node::as_str) == Some("Container");
                // A default limit also defaults the request.
                let keys: &[&str] = if field == "limits" {
                    &["default"]
                } else {
                    &["default", "defaultRequest"]
                };
                is_container && keys.iter().any(|k| limit.path(&[k, resource]).is_some())
            })
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{GOOD_DIND, GOOD_KUBE, edit, run};

    #[test]
    fn quiet_when_every_container_sets_what_the_quota_limits() {
        assert!(run("quota-resources-missing", &[("a.yaml", GOOD_DIND)]).is_empty());
        assert!(run("quota-resources-missing", &[("k.yaml", GOOD_KUBE)]).is_empty());
    }

    #[test]
    fn fires_on_a_sidecar_without_limits() {
        // Drop the dind sidecar's limits in the first (socket) scale set.
        let bad = edit(
            GOOD_DIND,
            "        name: dind\n        resources:\n          limits:\n            cpu: \"2\"\n            memory: 2Gi\n          requests:\n            cpu: 250m\n            memory: 512Mi\n        restartPolicy: Always\n        securityContext:\n          privileged: true\n        startupProbe:\n          exec:\n            command:\n            - docker\n            - info\n          failureThreshold: 24\n          initialDelaySeconds: 0\n          periodSeconds: 5\n        volumeMounts:\n        - mountPath: /home/runner/_work\n          name: work\n        - mountPath: /var/run",
            "        name: dind\n        resources:\n          requests:\n            cpu: 250m\n            memory: 512Mi\n        restartPolicy: Always\n        securityContext:\n          privileged: true\n        startupProbe:\n          exec:\n            command:\n            - docker\n            - info\n          failureThreshold: 24\n          initialDelaySeconds: 0\n          periodSeconds: 5\n        volumeMounts:\n        - mountPath: /home/runner/_work\n          name: work\n        - mountPath: /var/run",
        );
        let found = run("quota-resources-missing", &[("a.yaml", &bad)]);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].contains(
                "container `dind` of the runner pod of `dind-runners` sets no limits.cpu"
            ),
            "{found:#?}"
        );
        let limit_range = "apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: defaults\n  namespace: ci\nspec:\n  limits:\n  - type: Container\n    default: {cpu: \"1\", memory: 1Gi}\n";
        assert!(
            run(
                "quota-resources-missing",
                &[("a.yaml", &bad), ("lr.yaml", limit_range)]
            )
            .is_empty()
        );
    }

    #[test]
    fn fires_on_listeners_without_a_template_in_the_controller_namespace() {
        let at = GOOD_KUBE.find("  listenerTemplate:\n").unwrap();
        let end = GOOD_KUBE[at..].find("  maxRunners:").unwrap();
        let bad = format!("{}{}", &GOOD_KUBE[..at], &GOOD_KUBE[at + end..]);
        let found = run("quota-resources-missing", &[("k.yaml", &bad)]);
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(
            found[0].contains("listener pod of `kube-runners` has no resources"),
            "{found:#?}"
        );
    }
}
