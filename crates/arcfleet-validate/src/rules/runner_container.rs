use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// The runner pod template has a container named exactly `runner`, and `restartPolicy:
    /// Never`.
    ///
    /// ARC injects the just-in-time runner configuration only into the container named
    /// `runner`, and reads job success and failure from it: a template without one registers
    /// no runner at all. Runners are ephemeral: with any other restart policy (the pod default
    /// is `Always`) a finished runner restarts with a spent token instead of ending its pod.
    RunnerContainer, id: "runner-container", severity: Error,
    summary: "a container named exactly `runner`; restartPolicy: Never"
}

impl Rule for RunnerContainer {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for set in &cx.scale_sets {
            let Some(pod) = set.pod else {
                let span = set.spec.map_or(set.object.name_span(), |s| s.span);
                out.at_rule_level(
                    &set.object,
                    span,
                    "spec.template.spec is missing: there is no runner pod",
                );
                continue;
            };
            if set.runner().is_none() {
                let near = set
                    .containers()
                    .into_iter()
                    .find(|c| c.name.eq_ignore_ascii_case("runner") || c.name.contains("runner"));
                let span = near
                    .as_ref()
                    .map_or(pod.key_span("containers"), |c| c.span());
                let found = near
                    .map(|c| format!(" (found `{}`)", c.name))
                    .unwrap_or_default();
                out.at_rule_level(&set.object, span, format!("no container is named exactly `runner`{found}: ARC configures and watches only that container"))
                    .hint("name the runner container `runner`");
            }
            match pod.get("restartPolicy") {
                Some(node) if node.as_str() == Some("Never") => {}
                Some(node) => {
                    out.at_rule_level(
                        &set.object,
                        node.span,
                        format!(
                            "restartPolicy is `{}`; ephemeral runners need `Never`",
                            node.scalar_text().unwrap_or_default()
                        ),
                    );
                }
                None => {
                    out.at_rule_level(&set.object, pod.span, "restartPolicy is not set (the pod default is `Always`); ephemeral runners need `Never`")
                        .hint("set spec.template.spec.restartPolicy: Never");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{GOOD_KUBE, assert_one, edit, run};

    #[test]
    fn quiet_on_good_templates() {
        assert!(run("runner-container", &[("a.yaml", GOOD_KUBE)]).is_empty());
    }

    #[test]
    fn fires_without_a_runner_container() {
        let bad = edit(
            GOOD_KUBE,
            "        name: runner\n",
            "        name: runner-main\n",
        );
        assert_one(
            &run("runner-container", &[("a.yaml", &bad)]),
            "",
            "no container is named exactly `runner` (found `runner-main`)",
        );
    }

    #[test]
    fn fires_on_other_restart_policies() {
        let bad = edit(
            GOOD_KUBE,
            "      restartPolicy: Never\n",
            "      restartPolicy: OnFailure\n",
        );
        assert_one(
            &run("runner-container", &[("a.yaml", &bad)]),
            "",
            "restartPolicy is `OnFailure`",
        );
        let bad = edit(GOOD_KUBE, "      restartPolicy: Never\n", "");
        assert_one(
            &run("runner-container", &[("a.yaml", &bad)]),
            "",
            "restartPolicy is not set",
        );
    }
}
