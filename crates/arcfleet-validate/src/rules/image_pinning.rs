use arcfleet_arc::runner::JOB_CONTAINER;

use crate::pod::{self, image_repository, image_tag};
use crate::views::is_placeholder;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Images name a version tag or a digest, not `latest`, no tag at all, or a tag that follows
    /// releases (`dind`, `stable`, `edge`: the chart's default `docker:dind` is one).
    ///
    /// A floating image changes under the fleet without a commit: a new runner image can break
    /// every job at once, and ARC registers runners with updates disabled, so a runner version
    /// GitHub has deprecated makes runners exit and the set go `Outdated`. Pinning makes every
    /// change a reviewed commit. `imagePinning.allow` in the policy lists deliberate exceptions.
    /// The `$job` container of a worker podspec is not checked: the container hook never applies
    /// its image (jobs run their workflow's `container:` image).
    ImagePinning, id: "image-pinning", severity: Warning,
    summary: "no `:latest`, untagged or release-following (`docker:dind`) images"
}

/// Tags that move with every release.
const FLOATING_TAGS: &[&str] = &[
    "latest",
    "dind",
    "stable",
    "edge",
    "rootless",
    "dind-rootless",
];

impl Rule for ImagePinning {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        let allowed = |image: &str| {
            cx.policy
                .image_pinning
                .allow
                .iter()
                .any(|a| a == image || a == image_repository(image))
        };
        let mut check_pod = |object: &crate::index::Object<'_>,
                             pod_spec: &arcfleet_yaml::Node,
                             worker_podspec: bool| {
            for container in pod::containers(pod_spec) {
                // The hook never applies the image of a worker podspec's `$job` container.
                if worker_podspec && container.name == JOB_CONTAINER {
                    continue;
                }
                let Some(image) = container.image() else {
                    continue;
                };
                if is_placeholder(image) {
                    continue;
                }
                let floating = !image.contains('@')
                    && image_tag(image).is_none_or(|t| FLOATING_TAGS.contains(&t));
                let span = container
                    .node
                    .get("image")
                    .map_or(container.span(), |n| n.span);
                if floating && !allowed(image) {
                    out.at_rule_level(
                        object,
                        span,
                        format!(
                            "container `{}` uses the floating image `{image}`",
                            container.name
                        ),
                    )
                    .hint("pin a version tag or a digest");
                }
            }
        };
        for object in cx.index.objects() {
            let pod_specs: Vec<&arcfleet_yaml::Node> = match object.kind {
                "Deployment" | "StatefulSet" | "DaemonSet" | "Job" => object
                    .root
                    .path(&["spec", "template", "spec"])
                    .into_iter()
                    .collect(),
                // The runner pod, and the listener pod where a listenerTemplate names an image.
                "AutoscalingRunnerSet" => [
                    ["spec", "template", "spec"],
                    ["spec", "listenerTemplate", "spec"],
                ]
                .iter()
                .filter_map(|p| object.root.path(p))
                .collect(),
                "Pod" => object.root.get("spec").into_iter().collect(),
                _ => Vec::new(),
            };
            for pod_spec in pod_specs {
                check_pod(object, pod_spec, false);
            }
        }
        for template in cx.index.hook_templates() {
            if let Some(pod_spec) = template.root.get("spec") {
                check_pod(&template.config_map, pod_spec, true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("image-pinning", "image_pinning");
    }

    /// `imagePinning.allow` (a policy setting, which fixtures cannot carry) silences the chart's
    /// `docker:dind`.
    #[test]
    fn policy_allow_list() {
        let mut policy = crate::Policy::default();
        policy.image_pinning.allow.push("docker".into());
        let values = include_str!("image_pinning/fires-chart-default-dind.yaml");
        let found = crate::rules::testing::run_with(
            "image-pinning",
            &[("fires-chart-default-dind.yaml", values)],
            policy,
        );
        assert!(found.is_empty(), "{found:#?}");
    }
}
