use arcfleet_arc::Version;
use arcfleet_yaml::Node;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// The controller runs in ARC v2 mode with flags its version accepts.
    ///
    /// Without `--auto-scaling-runner-set-only` the controller runs the legacy reconcilers and
    /// never looks at an AutoscalingRunnerSet. Without `CONTROLLER_MANAGER_POD_NAMESPACE` it
    /// exits at start. The controller parses flags with Go's `flag` package: an unknown flag
    /// (such as `--update-strategy` on controllers after 0.14.x) stops it with exit code 2, and
    /// `--log-level`, `--log-format` and `--workqueue-rate-limiter` accept only their listed
    /// values. Metrics addresses must be `0` or `host:port`, or listener pods cannot be built.
    ControllerConfig, id: "controller-config", severity: Error,
    summary: "--auto-scaling-runner-set-only, CONTROLLER_MANAGER_POD_NAMESPACE, flag values valid for the version"
}

/// Every flag the controller registers (ARC 0.14.x `main.go`, plus controller-runtime's).
const KNOWN_FLAGS: &[&str] = &[
    "auto-scaling-runner-set-only",
    "update-strategy",
    "watch-single-namespace",
    "watch-namespace",
    "metrics-addr",
    "listener-metrics-addr",
    "listener-metrics-endpoint",
    "runner-max-concurrent-reconciles",
    "log-level",
    "log-format",
    "auto-scaler-image-pull-secrets",
    "exclude-label-propagation-prefix",
    "workqueue-rate-limiter",
    "k8s-client-rate-limiter-qps",
    "k8s-client-rate-limiter-burst",
    "enable-leader-election",
    "leader-election-id",
    "health-probe-bind-address",
    "pprof-addr",
    "sync-period",
    "port",
    "kubeconfig",
    "runner-image",
    "docker-image",
    "docker-gid",
    "runner-image-pull-secret",
    "docker-registry-mirror",
    "github-token",
    "github-enterprise-url",
    "github-app-id",
    "github-app-installation-id",
    "github-app-private-key",
    "github-url",
    "github-upload-url",
    "github-basicauth-username",
    "github-basicauth-password",
    "runner-github-url",
    "runner-status-update-hook",
    "default-scale-down-delay",
    "common-runner-labels",
];

impl Rule for ControllerConfig {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for controller in &cx.controllers {
            let object = &controller.object;
            let args = controller.container.args();
            if !args.iter().any(|(a, _)| {
                *a == "--auto-scaling-runner-set-only"
                    || *a == "--auto-scaling-runner-set-only=true"
            }) {
                let span = controller
                    .container
                    .node
                    .get("args")
                    .map_or(controller.container.span(), |n| n.span);
                out.at_rule_level(object, span, "--auto-scaling-runner-set-only is missing: the controller would run the legacy reconcilers and ignore every AutoscalingRunnerSet")
                    .hint("add the argument --auto-scaling-runner-set-only");
            }
            if controller
                .container
                .env("CONTROLLER_MANAGER_POD_NAMESPACE")
                .is_none()
            {
                out.at_rule_level(
                    object,
                    controller.container.span(),
                    "CONTROLLER_MANAGER_POD_NAMESPACE is not set: the controller exits at start",
                )
                .hint("add env CONTROLLER_MANAGER_POD_NAMESPACE from fieldRef metadata.namespace");
            }
            for (arg, node) in &args {
                check_flag(arg, node, controller.version, object, out);
            }
        }
    }
}

fn check_flag(
    arg: &str,
    node: &Node,
    version: Option<Version>,
    object: &crate::index::Object<'_>,
    out: &mut Findings,
) {
    let Some(flag) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')) else {
        return;
    };
    let (name, value) = match flag.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (flag, None),
    };
    if !KNOWN_FLAGS.contains(&name) {
        let hint =
            arcfleet_yaml::closest(name, KNOWN_FLAGS).map(|k| format!("did you mean --{k}?"));
        let reported = out.at_rule_level(
            object,
            node.span,
            format!(
                "the controller has no flag --{name}; it exits with `flag provided but not defined`"
            ),
        );
        if let Some(h) = hint {
            reported.hint(h);
        }
        return;
    }
    let Some(value) = value else { return };
    let invalid =
        |allowed: &str| format!("--{name}={value} is not valid; the controller accepts {allowed}");
    match name {
        "update-strategy" => {
            if let Some(v) = version.filter(|v| !v.has_update_strategy_flag()) {
                out.at_rule_level(object, node.span, format!("controller {v} has no --update-strategy flag (0.5.0 to 0.14.x only); it exits at start"))
                    .hint("remove the argument");
            } else if !matches!(value, "immediate" | "eventual") {
                out.at_rule_level(object, node.span, invalid("immediate or eventual"));
            }
        }
        "log-level"
            if !(matches!(value, "debug" | "info" | "warn" | "error")
                || value.parse::<i8>().is_ok()) =>
        {
            out.at_rule_level(
                object,
                node.span,
                invalid("debug, info, warn, error or a number"),
            );
        }
        "log-format" if !matches!(value, "text" | "json") => {
            out.at_rule_level(object, node.span, invalid("text or json"));
        }
        "workqueue-rate-limiter"
            if !matches!(value, "" | "bucket_rate_limiter" | "typed_rate_limiter") =>
        {
            out.at_rule_level(
                object,
                node.span,
                invalid("bucket_rate_limiter or typed_rate_limiter"),
            );
        }
        "metrics-addr" | "listener-metrics-addr" | "health-probe-bind-address" | "pprof-addr" => {
            let port_ok = value
                .rsplit_once(':')
                .is_some_and(|(_, port)| port.parse::<u16>().is_ok());
            if !(value == "0" || value.is_empty() && name != "listener-metrics-addr" || port_ok) {
                out.at_rule_level(
                    object,
                    node.span,
                    invalid("`0` (off) or host:port such as :8080"),
                );
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{GOOD_DIND, assert_one, edit, run};

    #[test]
    fn quiet_on_the_chart_configuration() {
        assert!(run("controller-config", &[("a.yaml", GOOD_DIND)]).is_empty());
    }

    #[test]
    fn fires_without_v2_mode_or_pod_namespace() {
        let bad = edit(GOOD_DIND, "        - --auto-scaling-runner-set-only\n", "");
        let bad = bad.replacen(
            "        - --log-level=info\n",
            "        - --log-level=info\n        - --auto-scaling-runner-set-only=false\n",
            1,
        );
        assert_one(
            &run("controller-config", &[("a.yaml", &bad)]),
            "",
            "--auto-scaling-runner-set-only is missing",
        );
        let bad = edit(
            GOOD_DIND,
            "        - name: CONTROLLER_MANAGER_POD_NAMESPACE\n",
            "        - name: POD_NAMESPACE\n",
        );
        assert_one(
            &run("controller-config", &[("a.yaml", &bad)]),
            "",
            "CONTROLLER_MANAGER_POD_NAMESPACE is not set",
        );
    }

    #[test]
    fn fires_on_flags_the_version_does_not_have_and_bad_values() {
        let newer = GOOD_DIND.replace(
            "gha-runner-scale-set-controller:0.14.2",
            "gha-runner-scale-set-controller:0.15.0",
        );
        assert_one(
            &run("controller-config", &[("a.yaml", &newer)]),
            "",
            "controller 0.15.0 has no --update-strategy flag",
        );
        let bad = edit(GOOD_DIND, "--log-format=text", "--log-format=yaml");
        assert_one(
            &run("controller-config", &[("a.yaml", &bad)]),
            "",
            "--log-format=yaml is not valid",
        );
        let bad = edit(GOOD_DIND, "--metrics-addr=0", "--metrics-addr=8080");
        assert_one(
            &run("controller-config", &[("a.yaml", &bad)]),
            "",
            "--metrics-addr=8080 is not valid",
        );
        let bad = edit(GOOD_DIND, "--log-level=info", "--loglevel=info");
        assert_one(
            &run("controller-config", &[("a.yaml", &bad)]),
            "",
            "no flag --loglevel",
        );
    }
}
