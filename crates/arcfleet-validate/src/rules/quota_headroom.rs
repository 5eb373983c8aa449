use arcfleet_k8s::{NamespaceDemand, Quantity, QuotaFit};

use super::{Context, Findings, Rule, RuleMeta, declare_rule};
use crate::views::quota::{demand, quotas};

declare_rule! {
    /// A namespace's ResourceQuota holds every scale set of the namespace at `maxRunners` plus
    /// headroom, in every dimension it limits.
    ///
    /// When the quota is full the API server refuses new runner pods: jobs queue while the set
    /// believes it is scaling. Since 0.13.1 ARC retries every 30 seconds and recreates the runner
    /// after ten minutes, so the set only runs short (a warning); before 0.13.1 the runner was
    /// marked failed and kept its slot, wedging the set (an error when a controller that
    /// manages the namespace's sets is that old). Every container
    /// counts (the `dind` sidecar and init containers too), and in Kubernetes mode so does the
    /// workflow pod from the worker podspec; in the controller's namespace the controller and
    /// one listener per scale set count. Headroom (default `max(1, ceil(maxRunners/4))` pods)
    /// covers runners being replaced; a quota short only of the headroom is a warning.
    QuotaHeadroom, id: "quota-headroom", severity: Error,
    summary: "namespace quotas hold maxRunners + headroom pods of every set, in every dimension"
}

impl Rule for QuotaHeadroom {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for (quota, hard) in quotas(cx.index) {
            // A quota without a namespace could be anywhere: nothing to hold it against.
            let Some(ns) = quota.namespace else { continue };
            let pods = demand(cx.index, cx.views, cx.policy, quota);
            if pods.is_empty() {
                continue;
            }
            let mut namespace = NamespaceDemand::default();
            for pod in &pods {
                namespace.add(pod.what.clone(), pod.usage(), pod.at_max, pod.with_headroom);
            }
            // Since 0.13.1 a refused runner pod is retried (every 30 s, ARC PR #4305): the set
            // only runs short. Before, the runner is marked failed and keeps its slot.
            let fatal = cx
                .views
                .scale_sets
                .iter()
                .enumerate()
                .filter(|(_, s)| s.namespace() == Some(ns))
                .flat_map(|(i, _)| cx.views.controllers_of(i))
                .any(|c| c.version.is_some_and(|v| !v.retries_quota_refusals()));
            for entry in hard.as_mapping().unwrap_or_default() {
                let Some(resource) = entry.key.scalar_text() else {
                    continue;
                };
                let Some(limit) = entry
                    .value
                    .scalar_text()
                    .and_then(|t| t.parse::<Quantity>().ok())
                else {
                    continue;
                };
                let parts = namespace.breakdown(resource);
                match namespace.fit(resource, &limit) {
                    QuotaFit::Fits => {}
                    QuotaFit::ShortAtMax { at_max, needed } => {
                        let needed = needed.human_for(resource);
                        let message = format!(
                            "quota `{resource}: {limit}` cannot hold namespace `{ns}` at maxRunners: it needs {} ({needed} with headroom: {parts}); the API server refuses the extra pods{}",
                            at_max.human_for(resource),
                            if fatal {
                                ", and this controller marks their runners failed for good (before 0.13.1)"
                            } else {
                                ""
                            }
                        );
                        let reported = if fatal {
                            out.at_rule_level(quota, entry.value.span, message)
                        } else {
                            out.warning(quota, entry.value.span, message)
                        };
                        reported.hint(format!(
                            "raise {resource} to at least {needed}, or lower maxRunners"
                        ));
                    }
                    QuotaFit::ShortOfHeadroom { needed } => {
                        let needed = needed.human_for(resource);
                        out.warning(
                            quota,
                            entry.value.span,
                            format!("quota `{resource}: {limit}` holds namespace `{ns}` at maxRunners but not its headroom: it needs {needed} ({parts})"),
                        )
                        .hint(format!("raise {resource} to {needed}, so replacement runners are not refused"));
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
        crate::rules::testing::fixtures("quota-headroom", "quota_headroom");
    }
}
