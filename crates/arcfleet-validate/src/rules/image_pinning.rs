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
        let mut check_pod = |object: &crate::index::Object<'_>, pod_spec: &arcfleet_yaml::Node| {
            for container in pod::containers(pod_spec) {
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
                check_pod(object, pod_spec);
            }
        }
        for template in cx.index.hook_templates() {
            if let Some(pod_spec) = template.root.get("spec") {
                check_pod(&template.config_map, pod_spec);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Policy;
    use crate::rules::testing::{GOOD_DIND, assert_one, edit, run, run_with};

    #[test]
    fn quiet_on_pinned_images() {
        assert!(run("image-pinning", &[("a.yaml", GOOD_DIND)]).is_empty());
    }

    #[test]
    fn warns_on_latest_and_untagged_unless_allowed() {
        let bad = GOOD_DIND.replace("image: docker:27.3.1-dind", "image: docker:latest");
        let found = run("image-pinning", &[("a.yaml", &bad)]);
        assert_eq!(found.len(), 2, "{found:?}");
        let chart_default = GOOD_DIND.replace("image: docker:27.3.1-dind", "image: docker:dind");
        assert_eq!(run("image-pinning", &[("a.yaml", &chart_default)]).len(), 2);
        assert!(
            found[0]
                .contains(": warning: container `dind` uses the floating image `docker:latest`"),
            "{found:?}"
        );
        let bad = edit(
            GOOD_DIND,
            "        image: ghcr.io/actions/gha-runner-scale-set-controller:0.14.2\n",
            "        image: ghcr.io/actions/gha-runner-scale-set-controller\n",
        );
        assert_one(
            &run("image-pinning", &[("a.yaml", &bad)]),
            "",
            "`ghcr.io/actions/gha-runner-scale-set-controller`",
        );
        let mut policy = Policy::default();
        policy.image_pinning.allow.push("docker".into());
        let docker_latest = GOOD_DIND.replace("image: docker:27.3.1-dind", "image: docker:latest");
        assert!(run_with("image-pinning", &[("a.yaml", &docker_latest)], policy).is_empty());
    }

    #[test]
    fn checks_worker_podspecs_too() {
        let kube = crate::rules::testing::GOOD_KUBE
            .replace("name: $job\n", "image: ubuntu:latest\n        name: $job\n");
        let found = run("image-pinning", &[("k.yaml", &kube)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`ubuntu:latest`"), "{found:?}");
    }
}
