use arcfleet_arc::runner::{ContainerMode, DIND_CONTAINER, DIND_EXTERNALS_INIT_CONTAINER};
use arcfleet_k8s::ContainerResources;
use arcfleet_k8s::quota_requires_every_container;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};
use crate::views::quota::{demand, quotas};

declare_rule! {
    /// Where a ResourceQuota limits `cpu`, `memory` or `ephemeral-storage` (requests or limits),
    /// every container of every pod the namespace runs sets that resource.
    ///
    /// Kubernetes refuses a pod that leaves a quota-limited compute resource unset (`must
    /// specify limits.cpu`), unless a LimitRange supplies a default (counted as the LimitRanger
    /// admission applies it). For runners that means no
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
                let has = |res: &ContainerResources| match field {
                    "limits" => res.limits.contains_key(resource),
                    _ => res.effective_requests().contains_key(resource),
                };
                for pod in &pods {
                    if pod.pod.is_none() {
                        if !has(&ContainerResources::default().with_defaults(&pod.defaults)) {
                            out.at_rule_level(&pod.owner, pod.owner.name_span(), format!("quota `{}` in `{ns}` limits {name}, but the {} has no resources (ARC's default listener sets none): it is refused", quota.name, pod.what))
                                .hint(format!("give the `listener` container {field}.{resource} in spec.listenerTemplate"));
                        }
                        continue;
                    }
                    // The chart's DinD mode writes its own `dind` and `init-dind-externals`, with
                    // no resources and no value to give them any.
                    let chart_dind = pod.owner.origin.release().and_then(|r| r.container_mode)
                        == Some(ContainerMode::Dind);
                    for container in pod.containers() {
                        if has(&container.resources().with_defaults(&pod.defaults)) {
                            continue;
                        }
                        let hint = if chart_dind
                            && [DIND_CONTAINER, DIND_EXTERNALS_INIT_CONTAINER]
                                .contains(&container.name)
                        {
                            format!(
                                "the chart's DinD mode gives `{}` no resources and takes none from values: add a LimitRange with a default {field}.{resource} in `{ns}`, or write the DinD containers yourself without containerMode",
                                container.name
                            )
                        } else {
                            format!("set resources.{field}.{resource} on `{}`", container.name)
                        };
                        out.at_rule_level(&pod.owner, container.span(), format!("container `{}` of the {} sets no {field}.{resource}, but quota `{}` limits {name}: Kubernetes refuses the pod", container.name, pod.what, quota.name))
                            .hint(hint);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("quota-resources-missing", "quota_resources_missing");
    }
}
