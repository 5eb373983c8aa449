use arcfleet_arc::Version;
use arcfleet_arc::controller::{
    FlagProblem, LISTENER_IMAGE_ENV, POD_NAMESPACE_ENV, SCALE_SET_ONLY_FLAG, check_flag,
};
use arcfleet_yaml::Node;

use crate::index::Object;
use crate::views::is_placeholder;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// The controller runs in ARC v2 mode with flags its version accepts, and its probes have a
    /// server to ask.
    ///
    /// Without `--auto-scaling-runner-set-only` the controller runs the legacy reconcilers and
    /// never looks at an AutoscalingRunnerSet (and exits without legacy GitHub credentials).
    /// Without `CONTROLLER_MANAGER_POD_NAMESPACE` or `CONTROLLER_MANAGER_CONTAINER_IMAGE` (the
    /// listeners' image) it exits at start. The controller parses flags
    /// with Go's `flag` package: an unknown flag (such as `--update-strategy` on controllers
    /// after 0.14.x) stops it with exit code 2; `--log-level` (only `debug`, `info`, `warn`,
    /// `error` in v2 mode), `--log-format` and `--workqueue-rate-limiter` accept only their
    /// values (ARC 0.14.2 `main.go`). Metrics addresses must be `0` or `host:port`, or listener
    /// pods cannot be built. A liveness or readiness probe without `--health-probe-bind-address`
    /// asks a server that is not there, so the kubelet restarts the controller for ever.
    ControllerConfig, id: "controller-config", severity: Error,
    summary: "--auto-scaling-runner-set-only, CONTROLLER_MANAGER_POD_NAMESPACE, flag values valid for the version, probes with a server"
}

impl Rule for ControllerConfig {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for controller in &cx.views.controllers {
            let object = &controller.object;
            let container = &controller.container;
            let args = container.args();
            if !args.iter().any(|(a, _)| {
                *a == SCALE_SET_ONLY_FLAG || *a == "--auto-scaling-runner-set-only=true"
            }) {
                let span = container.node.key_span("args");
                out.at_rule_level(object, span, format!("{SCALE_SET_ONLY_FLAG} is missing: the controller would run the legacy reconcilers and ignore every AutoscalingRunnerSet"))
                    .hint(format!("add the argument {SCALE_SET_ONLY_FLAG}"));
            }
            if container.env(LISTENER_IMAGE_ENV).is_none() {
                let span = container.node.key_span("env");
                out.at_rule_level(object, span, format!("{LISTENER_IMAGE_ENV} is not set: the controller has no image for listeners and exits at start"))
                    .hint(format!("add env {LISTENER_IMAGE_ENV} with the controller's own image"));
            }
            if container.env(POD_NAMESPACE_ENV).is_none() {
                // A variable that takes the pod's namespace under another name is the likely
                // slip (`CONTROLLER_NAMESPACE`, `POD_NAMESPACE`): point at it.
                let look_alike = container
                    .node
                    .get("env")
                    .and_then(Node::as_sequence)
                    .unwrap_or_default()
                    .iter()
                    .find(|e| {
                        e.path(&["valueFrom", "fieldRef", "fieldPath"])
                            .and_then(Node::scalar_text)
                            == Some("metadata.namespace")
                    })
                    .and_then(|e| e.get("name"));
                let (span, message) = match look_alike.and_then(|n| Some((n, n.scalar_text()?))) {
                    Some((node, name)) => (
                        node.span,
                        format!(
                            "{POD_NAMESPACE_ENV} is not set (`{name}` has the namespace, but the controller reads only {POD_NAMESPACE_ENV}): the controller exits at start"
                        ),
                    ),
                    None => (
                        container.node.key_span("env"),
                        format!("{POD_NAMESPACE_ENV} is not set: the controller exits at start"),
                    ),
                };
                out.at_rule_level(object, span, message).hint(format!(
                    "add env {POD_NAMESPACE_ENV} from fieldRef metadata.namespace"
                ));
            }
            for (arg, node) in &args {
                flag(arg, node, controller.version, object, out);
            }
            let serves_probes = args.iter().any(|(a, _)| {
                a.strip_prefix("--health-probe-bind-address=")
                    .is_some_and(|v| !v.is_empty() && v != "0")
            });
            for probe in ["livenessProbe", "readinessProbe"] {
                if let Some(node) = container
                    .node
                    .get(probe)
                    .filter(|p| p.get("httpGet").is_some())
                    && !serves_probes
                {
                    out.at_rule_level(object, node.span, format!("{probe} asks an HTTP server the controller does not run without --health-probe-bind-address: the probe always fails"))
                        .hint("add --health-probe-bind-address=:8081 (flags.healthProbeBindAddress in the chart) or remove the probe");
                }
            }
        }
    }
}

fn flag(arg: &str, node: &Node, version: Option<Version>, object: &Object<'_>, out: &mut Findings) {
    let Some(flag) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')) else {
        return;
    };
    let (name, value) = match flag.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (flag, None),
    };
    if value.is_some_and(is_placeholder) {
        return;
    }
    let suggest = |name: &str, known: &[&'static str]| {
        let best = arcfleet_yaml::closest(name, known.iter().copied())?;
        known.iter().copied().find(|k| *k == best)
    };
    match check_flag(name, value, version, suggest) {
        Ok(()) => {}
        Err(FlagProblem::Unknown { suggestion }) => {
            let reported = out.at_rule_level(object, node.span, format!("the controller has no flag --{name}; it exits with `flag provided but not defined`"));
            if let Some(s) = suggestion {
                reported.hint(format!("did you mean --{s}?"));
            }
        }
        Err(FlagProblem::NotInVersion { available }) => {
            let v = version.map(|v| v.to_string()).unwrap_or_default();
            out.at_rule_level(
                object,
                node.span,
                format!(
                    "controller {v} has no --{name} flag ({available} only); it exits at start"
                ),
            )
            .hint("remove the argument");
        }
        Err(FlagProblem::BadValue { accepted }) => {
            out.at_rule_level(object, node.span, format!("--{name}={} is not valid; the controller accepts {accepted} and exits otherwise", value.unwrap_or_default()));
        }
        Err(FlagProblem::Ignored { accepted, fallback }) => {
            out.warning(object, node.span, format!("--{name}={} is not a value the controller knows ({accepted}); it uses `{fallback}`", value.unwrap_or_default()));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("controller-config", "controller_config");
    }
}
