use arcfleet_arc::runner::{RUNNER_COMMAND, RUNNER_CONTAINER};

use crate::pod;
use crate::views::is_placeholder;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

/// The official runner image: it sets no `ENTRYPOINT` or `CMD` (actions/runner
/// `images/Dockerfile`), so the pod must say what to run.
const OFFICIAL_RUNNER_IMAGE: &str = "actions/actions-runner";

declare_rule! {
    /// The runner pod template has a container named exactly `runner` that can start: it has an
    /// image and, on the official runner image, a command; and the pod does not restart it.
    ///
    /// ARC injects the just-in-time runner configuration only into the container named `runner`
    /// and reads job success and failure from it (`EphemeralRunnerContainerName`): a template
    /// without one registers no runner at all. The scale-set chart renders a `runner` container
    /// even when the values' template has none, then without an image, which the API server
    /// refuses. The official image `ghcr.io/actions/actions-runner` has no entry point: without
    /// `command: ["/home/runner/run.sh"]` (the chart's default) the container exits at once and
    /// no runner comes online.
    ///
    /// Runner pods are ephemeral. ARC supports `restartPolicy: Always` (the chart passes it
    /// through and the EphemeralRunner controller reads the runner's state), but a runner that
    /// restarts in place reuses a spent registration; `Never` (the chart's default) is a
    /// warning away.
    RunnerContainer, id: "runner-container", severity: Error,
    summary: "a container named exactly `runner` with an image (and a command on the official image); restartPolicy: Never"
}

impl Rule for RunnerContainer {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for set in &cx.views.scale_sets {
            let Some(pod) = set.pod else {
                let span = set.spec.map_or(set.object.name_span(), |s| s.span);
                out.at_rule_level(
                    &set.object,
                    span,
                    "spec.template.spec is missing: there is no runner pod",
                );
                continue;
            };
            match set.runner() {
                None => {
                    let near = set.containers().into_iter().find(|c| {
                        c.name.eq_ignore_ascii_case(RUNNER_CONTAINER)
                            || c.name.contains(RUNNER_CONTAINER)
                    });
                    let span = near
                        .as_ref()
                        .map_or(pod.key_span("containers"), |c| c.span());
                    let found = near
                        .map(|c| format!(" (found `{}`)", c.name))
                        .unwrap_or_default();
                    out.at_rule_level(&set.object, span, format!("no container is named exactly `runner`{found}: ARC configures and watches only that container"))
                        .hint("name the runner container `runner`");
                }
                Some(runner) => match runner.image() {
                    None => {
                        out.at_rule_level(&set.object, runner.span(), "the `runner` container has no image: the API server refuses the pod")
                            .hint("give the runner an image, e.g. ghcr.io/actions/actions-runner:<version>, with command [/home/runner/run.sh]");
                    }
                    Some(image)
                        if !is_placeholder(image)
                            && pod::image_repository(image).ends_with(OFFICIAL_RUNNER_IMAGE)
                            && runner.command().is_empty()
                            && runner.args().is_empty() =>
                    {
                        let span = runner.node.get("image").map_or(runner.span(), |n| n.span);
                        out.at_rule_level(&set.object, span, "the `runner` container runs the official runner image without a command: the image has no entry point, so no runner starts".to_string())
                            .hint(format!("add command: [\"{RUNNER_COMMAND}\"]"));
                    }
                    Some(_) => {}
                },
            }
            match pod.get("restartPolicy") {
                Some(node) if node.as_str() == Some("Never") => {}
                Some(node) => {
                    out.warning(
                        &set.object,
                        node.span,
                        format!(
                            "restartPolicy is `{}`: a runner that exits is restarted in its pod instead of the pod ending; ephemeral runners are meant to run once",
                            node.scalar_text().unwrap_or_default()
                        ),
                    )
                    .hint("set restartPolicy: Never (the chart's default)");
                }
                None => {
                    out.warning(&set.object, pod.span, "restartPolicy is not set, so the pod default `Always` restarts a runner that exits; ephemeral runners are meant to run once")
                        .hint("set spec.template.spec.restartPolicy: Never");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("runner-container", "runner_container");
    }
}
