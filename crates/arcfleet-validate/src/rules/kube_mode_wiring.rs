use arcfleet_arc::names::ScaleSetNames;
use arcfleet_arc::rbac::kube_mode_rules;
use arcfleet_arc::runner::{WORK_DIR, WORK_VOLUME, env};
use arcfleet_yaml::Node;

use crate::pod;
use crate::views::hook::hook_path;
use crate::views::rbac::grants;
use crate::views::{Mode, ScaleSet, is_placeholder};

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// A Kubernetes-mode scale set is wired the way the runner and the container hook expect.
    ///
    /// The mode is read from every signal of the pod template: the hook variables, the `work`
    /// ephemeral volume, the chart's `containerMode`. The runner uses the hooks only when
    /// `ACTIONS_RUNNER_CONTAINER_HOOKS` has a value (an empty one is unset, `FeatureManager.cs`),
    /// so Kubernetes-mode wiring without it runs `container:` jobs through a Docker that is not
    /// there. The hook also needs `ACTIONS_RUNNER_POD_NAME` (from `metadata.name`); in
    /// `kubernetes` mode (not `kubernetes-novolume`) it mounts the claim `<pod>-work` into every
    /// job pod, which exists only if the runner pod has a generic ephemeral volume named exactly
    /// `work`, with a storage request and a storage class that provisions, mounted at
    /// `/home/runner/_work`. The runner's ServiceAccount must hold the hook's permissions
    /// (`requiredPermissions` of runner-container-hooks, the chart's `kube_mode_role.yaml`), or
    /// every job fails at its first step. `ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE` must be a file
    /// the runner mounts (a directory of a ConfigMap, or one file through `subPath`); without a
    /// worker podspec, job pods run with no resources and no placement (warning).
    /// `ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER: "false"` is the documented way to let jobs without
    /// `container:` run in the runner pod, a choice rather than a defect, and is not reported.
    KubeModeWiring, id: "kube-mode-wiring", severity: Error,
    summary: "hook env, ephemeral `work` volume with a storage request, worker podspec mounted, runner SA bound to the hook's rules"
}

impl Rule for KubeModeWiring {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for set in cx
            .views
            .scale_sets
            .iter()
            .filter(|s| s.mode.is_kubernetes())
        {
            check_set(cx, set, out);
        }
    }
}

fn check_set(cx: &Context<'_, '_>, set: &ScaleSet<'_>, out: &mut Findings) {
    let (Some(runner), Some(pod_spec)) = (set.runner(), set.pod) else {
        return;
    };
    let novolume = matches!(set.mode, Mode::Kubernetes { novolume: true });
    // A Docker-in-Docker set with a stray hook variable: the variable is the mistake, not the
    // wiring the hooks would need. Judged from the pod alone (the chart's Kubernetes mode shows
    // in its ServiceAccount), so that values and what the chart renders from them agree.
    let chart_kube_account = pod_spec
        .get("serviceAccountName")
        .and_then(Node::scalar_text)
        .is_some_and(ScaleSetNames::is_kube_mode_service_account);
    let stray_hooks =
        set.signals.dind.is_some() && set.signals.work_claim.is_none() && !chart_kube_account;
    if stray_hooks {
        check_service_account(cx, set, pod_spec, runner.span(), novolume, out);
        return;
    }
    if set.signals.hooks.is_none() {
        let span = set
            .signals
            .empty_hooks
            .map_or(runner.span(), |e| e.get("value").map_or(e.span, |v| v.span));
        let what = if set.signals.empty_hooks.is_some() {
            "ACTIONS_RUNNER_CONTAINER_HOOKS is empty, which the runner reads as unset"
        } else {
            "the runner has Kubernetes-mode wiring but no ACTIONS_RUNNER_CONTAINER_HOOKS"
        };
        out.at_rule_level(&set.object, span, format!("{what}: jobs with `container:` or `services:` need the container hooks and fail without them"))
            .hint("set ACTIONS_RUNNER_CONTAINER_HOOKS=/home/runner/k8s/index.js (or k8s-novolume/index.js)");
    }
    if runner.env(env::POD_NAME).is_none() {
        out.at_rule_level(
            &set.object,
            runner.span(),
            format!("the runner has no {}, which the container hook needs to name job pods and the work claim", env::POD_NAME),
        )
        .hint("add it with valueFrom.fieldRef.fieldPath: metadata.name");
    }
    match (novolume, pod::volume(pod_spec, WORK_VOLUME)) {
        (true, Some(work)) => {
            let mounted = runner.mounts().iter().any(|(v, _, _)| *v == WORK_VOLUME);
            if !mounted {
                out.warning(&set.object, work.span, "volume `work` is declared but kubernetes-novolume mode mounts nothing from it: it is dead configuration")
                    .hint("remove it, or use `kubernetes` mode to share a work volume with job pods");
            }
        }
        (true, None) => {}
        (false, None) => {
            out.at_rule_level(&set.object, pod_spec.key_span("volumes"), "no volume is named `work`: the hook mounts the claim `<pod>-work` into job pods, which only a generic ephemeral volume named `work` creates")
                .hint("add volume `work` with ephemeral.volumeClaimTemplate");
        }
        (false, Some(work)) => check_work_volume(set, work, out),
    }
    if !novolume
        && pod::volume(pod_spec, WORK_VOLUME).is_some()
        && runner.mount_at(WORK_DIR) != Some(WORK_VOLUME)
    {
        out.at_rule_level(
            &set.object,
            runner.span(),
            format!("the runner does not mount `work` at {WORK_DIR}"),
        );
    }
    match hook_path(set) {
        None => {
            out.warning(&set.object, runner.span(), "no ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE: job pods get no resources and no placement")
                .hint("mount a worker podspec ConfigMap and point ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE at it");
        }
        Some(hook) if !hook.mounted => {
            out.at_rule_level(&set.object, hook.node.span, format!("`{}` is not on any volume the runner mounts: the hook fails every job reading it", hook.path))
                .hint("mount the worker podspec ConfigMap at that path (a directory, or the file with subPath)");
        }
        Some(hook) => {
            if let Some((cm, key)) = &hook.config_map
                && cx
                    .index
                    .get("ConfigMap", set.namespace().unwrap_or_default(), cm)
                    .is_some()
                && cx.index.hook_template(set.namespace(), cm, key).is_none()
            {
                out.at_rule_level(
                    &set.object,
                    hook.node.span,
                    format!(
                        "ConfigMap `{cm}` has no pod template under key `{key}`, which `{}` reads",
                        hook.path
                    ),
                )
                .hint("the key must hold metadata/spec with a `$job` container");
            }
        }
    }
    check_service_account(cx, set, pod_spec, runner.span(), novolume, out);
}

/// The runner's ServiceAccount holds the hook's permissions. The chart's own DinD/default-mode
/// account has none: hook variables on such a set are the mistake. A ServiceAccount of the
/// user's that no binding of the input names has its RBAC elsewhere: not judged.
fn check_service_account(
    cx: &Context<'_, '_>,
    set: &ScaleSet<'_>,
    pod_spec: &Node,
    runner_span: arcfleet_diag::Span,
    novolume: bool,
    out: &mut Findings,
) {
    let sa = set.service_account();
    if is_placeholder(sa) {
        return;
    }
    let ns = set.namespace();
    let granted = grants(cx.index, ns, sa, ns);
    let span = pod_spec
        .get("serviceAccountName")
        .map_or(runner_span, |n| n.span);
    let Some(lacking) = granted.missing(&kube_mode_rules(novolume)) else {
        out.note(&set.object, span, format!("not checked: runner ServiceAccount `{sa}` is bound to {}, which the input does not have", granted.unknown_role.unwrap_or_default()));
        return;
    };
    if lacking.is_empty() {
        return;
    }
    if ScaleSetNames::is_no_permission_service_account(sa) {
        let hooks = set
            .signals
            .hooks
            .map_or(span, |h| h.get("value").map_or(h.span, |v| v.span));
        out.at_rule_level(&set.object, hooks, format!("ACTIONS_RUNNER_CONTAINER_HOOKS sends `container:` and `services:` jobs through the container hooks, but this is not a Kubernetes-mode set: its ServiceAccount `{sa}` has no permissions, so those jobs fail (Forbidden)"))
            .hint("remove the hook variables (DinD runs container jobs itself), or use containerMode kubernetes");
        return;
    }
    // A ServiceAccount of the user's that the input neither writes nor binds has its RBAC
    // elsewhere.
    let chart_account = ScaleSetNames::is_kube_mode_service_account(sa);
    let written = match ns {
        Some(ns) => cx.index.get("ServiceAccount", ns, sa).is_some(),
        None => cx.index.of_kind("ServiceAccount").any(|o| o.name == sa),
    };
    if !chart_account && !granted.bound && !written {
        out.note(&set.object, span, format!("not checked: the input neither writes nor binds runner ServiceAccount `{sa}`, so whether it holds the container hook's permissions is decided elsewhere"));
        return;
    }
    out.at_rule_level(
        &set.object,
        span,
        format!(
            "runner ServiceAccount `{sa}` lacks what the container hook needs: {}",
            lacking.join("; ")
        ),
    )
    .hint("bind it to a Role with the hook's rules (pods, pods/exec, pods/log, secrets, and jobs unless no-volume)");
}

/// The `work` volume of `kubernetes` mode: a generic ephemeral volume whose claim can be
/// provisioned.
fn check_work_volume(set: &ScaleSet<'_>, work: &Node, out: &mut Findings) {
    let Some(claim) = work
        .path(&["ephemeral", "volumeClaimTemplate", "spec"])
        .filter(|c| !c.is_null())
    else {
        out.at_rule_level(&set.object, work.span, "volume `work` is not a generic ephemeral volume with a claim spec: job pods cannot mount `<pod>-work`")
            .hint("give it ephemeral.volumeClaimTemplate.spec (containerMode.kubernetesModeWorkVolumeClaim in Helm values)");
        return;
    };
    if claim.path(&["resources", "requests", "storage"]).is_none() {
        match claim
            .get("resources")
            .filter(|r| r.get("storage").is_some())
        {
            Some(resources) => {
                out.at_rule_level(&set.object, resources.key_span("storage"), "`storage` sits beside `requests` instead of under it, so the `work` claim requests no storage: the API server rejects the runner pod")
                    .hint("indent `storage` under `requests`");
            }
            None => {
                let span = claim.get("resources").map_or(claim.span, |r| r.span);
                out.at_rule_level(&set.object, span, "the `work` claim has no resources.requests.storage: the API server rejects the runner pod")
                    .hint("request storage under resources.requests");
            }
        }
    }
    if let Some(class) = claim
        .get("storageClassName")
        .filter(|c| c.as_str() == Some(""))
    {
        out.at_rule_level(&set.object, class.span, "storageClassName \"\" turns dynamic provisioning off: the claim binds only to a pre-made volume without a class, and runner pods stay Pending")
            .hint("name a storage class, or remove the field to use the cluster's default");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("kube-mode-wiring", "kube_mode_wiring");
    }
}
