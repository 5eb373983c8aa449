use arcfleet_yaml::Node;

use crate::index::{Mode, ScaleSet};
use crate::pod;

use super::quota::hook_template;
use super::rbac::{expand, granted_rules, missing};
use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// A Kubernetes-mode scale set is wired the way the container hook expects.
    ///
    /// The runner needs `ACTIONS_RUNNER_CONTAINER_HOOKS`, `ACTIONS_RUNNER_POD_NAME` (from
    /// `metadata.name`) and `ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER`. The hook mounts the claim
    /// `<pod>-work` into every job pod, which exists only if the runner pod has a generic
    /// ephemeral volume named exactly `work` with a storage request, mounted at
    /// `/home/runner/_work`. The runner's ServiceAccount must be allowed to create pods, exec
    /// into them, read their logs and manage secrets (and jobs), or every job fails at its first
    /// step. When `ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE` is set, the file must come from a
    /// mounted ConfigMap that exists; without a worker podspec, job pods run with no resources
    /// and no placement (warning).
    KubeModeWiring, id: "kube-mode-wiring", severity: Error,
    summary: "hook env, ephemeral `work` volume with a storage request, worker podspec mounted, runner SA bound to the hook's rules"
}

/// The container hook's permissions (`requiredPermissions` of runner-container-hooks).
const HOOK_RULES: &[(&str, &str, &str)] = &[
    ("", "pods", "get,list,create,delete"),
    ("", "pods/exec", "get,create"),
    ("", "pods/log", "get,list,watch"),
    ("batch", "jobs", "get,list,create,delete"),
    ("", "secrets", "get,list,create,delete"),
];

impl Rule for KubeModeWiring {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for set in cx.scale_sets.iter().filter(|s| s.mode == Mode::Kubernetes) {
            check_set(cx, set, out);
        }
    }
}

fn check_set(cx: &Context<'_, '_>, set: &ScaleSet<'_>, out: &mut Findings) {
    let (Some(runner), Some(pod_spec)) = (set.runner(), set.pod) else {
        return;
    };
    for env in [
        "ACTIONS_RUNNER_POD_NAME",
        "ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER",
    ] {
        if runner.env(env).is_none() {
            out.at_rule_level(
                &set.object,
                runner.span(),
                format!("the runner has no {env}, which the container hook needs"),
            );
        }
    }
    let job_container = runner
        .env("ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER")
        .and_then(|e| e.get("value"));
    if let Some(value) = job_container.filter(|v| v.scalar_text() == Some("false")) {
        out.warning(&set.object, value.span, "ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER is false: jobs without a `container:` run inside the runner pod, outside the worker podspec's resources")
            .hint("keep it \"true\" and give every job a container");
    }
    let hooks = runner
        .env_value("ACTIONS_RUNNER_CONTAINER_HOOKS")
        .unwrap_or_default();
    let novolume = hooks.contains("k8s-novolume");
    if !novolume {
        match pod::volume(pod_spec, "work") {
            None => {
                out.at_rule_level(&set.object, pod_spec.key_span("volumes"), "no volume is named `work`: the hook mounts the claim `<pod>-work` into job pods, which only a generic ephemeral volume named `work` creates")
                    .hint("add volume `work` with ephemeral.volumeClaimTemplate");
            }
            Some(work) => {
                let claim = work.path(&["ephemeral", "volumeClaimTemplate", "spec"]);
                if claim.is_none() {
                    out.at_rule_level(&set.object, work.span, "volume `work` is not a generic ephemeral volume with a claim spec: job pods cannot mount `<pod>-work`");
                } else if claim
                    .and_then(|c| c.path(&["resources", "requests", "storage"]))
                    .is_none()
                {
                    out.at_rule_level(&set.object, work.span, "the `work` claim has no resources.requests.storage: the API server rejects it");
                }
                if runner.mount_at("/home/runner/_work") != Some("work") {
                    out.at_rule_level(
                        &set.object,
                        runner.span(),
                        "the runner does not mount `work` at /home/runner/_work",
                    );
                }
            }
        }
    }
    match runner.env("ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE") {
        None => {
            out.warning(&set.object, runner.span(), "no ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE: job pods get no resources and no placement")
                .hint("mount a worker podspec ConfigMap and point ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE at it");
        }
        Some(env) => {
            let span = env.get("value").map_or(env.span, |v| v.span);
            let path = runner
                .env_value("ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE")
                .unwrap_or_default();
            let mounted_cm = runner
                .mount_containing(path)
                .and_then(|(vol, _)| pod::volume(pod_spec, vol))
                .and_then(|v| v.path(&["configMap", "name"]))
                .and_then(Node::as_str);
            match mounted_cm {
                None => {
                    out.at_rule_level(&set.object, span, format!("`{path}` is not inside a ConfigMap volume the runner mounts: the hook cannot read the worker podspec"));
                }
                Some(cm)
                    if cx.index.get("ConfigMap", set.namespace(), cm).is_some()
                        && hook_template(cx, set).is_none() =>
                {
                    out.at_rule_level(&set.object, span, format!("ConfigMap `{cm}` has no pod template under the file name of `{path}`"))
                        .hint("the key must be the file name and hold metadata/spec with a `$job` container");
                }
                Some(_) => {}
            }
        }
    }
    let sa = pod_spec
        .get("serviceAccountName")
        .and_then(Node::as_str)
        .unwrap_or("default");
    let ns = set.namespace();
    let rows: Vec<_> = HOOK_RULES
        .iter()
        .copied()
        .filter(|(g, _, _)| !(novolume && *g == "batch"))
        .collect();
    let lacking = missing(&granted_rules(cx.index, ns, sa, ns), &expand(&rows));
    if !lacking.is_empty() {
        let span = pod_spec
            .get("serviceAccountName")
            .map_or(runner.span(), |n| n.span);
        out.at_rule_level(
            &set.object,
            span,
            format!(
                "runner ServiceAccount `{sa}` lacks what the container hook needs: {}",
                lacking.join("; ")
            ),
        )
        .hint("bind it to a Role with the hook's rules (pods, pods/exec, pods/log, secrets, jobs)");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{GOOD_KUBE, assert_one, edit, run};

    #[test]
    fn quiet_on_the_hook_wiring() {
        assert!(run("kube-mode-wiring", &[("k.yaml", GOOD_KUBE)]).is_empty());
    }

    #[test]
    fn warns_when_jobs_may_run_in_the_runner_pod() {
        let bad = edit(
            GOOD_KUBE,
            "        - name: ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER\n          value: \"true\"\n",
            "        - name: ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER\n          value: \"false\"\n",
        );
        let found = run("kube-mode-wiring", &[("k.yaml", &bad)]);
        assert_one(&found, "", "ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER is false");
        assert!(found[0].contains(": warning: "));
    }

    #[test]
    fn fires_on_a_work_volume_with_another_name() {
        let bad = GOOD_KUBE
            .replace("          name: work\n", "          name: workspace\n")
            .replace("        name: work\n", "        name: workspace\n");
        let found = run("kube-mode-wiring", &[("k.yaml", &bad)]);
        assert_one(&found, "", "no volume is named `work`");
    }

    #[test]
    fn fires_on_missing_hook_permissions() {
        let bad = edit(GOOD_KUBE, "  - pods/exec\n", "  - pods/attach\n");
        assert_one(
            &run("kube-mode-wiring", &[("k.yaml", &bad)]),
            "",
            "lacks what the container hook needs: pods/exec: get, create",
        );
    }

    #[test]
    fn fires_when_the_template_is_not_mounted_and_warns_without_one() {
        let bad = edit(
            GOOD_KUBE,
            "value: /home/runner/pod-templates/worker-podspec.yaml",
            "value: /home/runner/templates/worker-podspec.yaml",
        );
        assert_one(
            &run("kube-mode-wiring", &[("k.yaml", &bad)]),
            "",
            "is not inside a ConfigMap volume the runner mounts",
        );
        let bad = edit(
            GOOD_KUBE,
            "value: /home/runner/pod-templates/worker-podspec.yaml",
            "value: /home/runner/pod-templates/job.yaml",
        );
        assert_one(
            &run("kube-mode-wiring", &[("k.yaml", &bad)]),
            "",
            "has no pod template under the file name",
        );
        let bad = edit(
            GOOD_KUBE,
            "        - name: ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE\n          value: /home/runner/pod-templates/worker-podspec.yaml\n",
            "",
        );
        let found = run("kube-mode-wiring", &[("k.yaml", &bad)]);
        assert_one(&found, "", "no ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE");
        assert!(found[0].contains(": warning: "));
    }
}
