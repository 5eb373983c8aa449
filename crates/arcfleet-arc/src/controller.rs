//! The controller: its flags and which values it accepts (`cmd/ghalistener`'s sibling,
//! `main.go` of ARC 0.14.2, parsed with Go's `flag` package), the environment it needs, and the
//! arguments the controller chart builds (`gha-runner-scale-set-controller/templates/deployment.yaml`).

use crate::version::Version;

/// The controller image the chart uses (tag: the chart's app version).
pub const IMAGE_REPOSITORY: &str = "ghcr.io/actions/gha-runner-scale-set-controller";
/// Selects ARC v2: without it the binary runs the legacy reconcilers and no scale set is
/// reconciled (`main.go`).
pub const SCALE_SET_ONLY_FLAG: &str = "--auto-scaling-runner-set-only";
/// The image of every listener pod; the controller exits when it is unset.
pub const LISTENER_IMAGE_ENV: &str = "CONTROLLER_MANAGER_CONTAINER_IMAGE";
/// The controller's namespace, where listeners run; the controller exits when it is unset.
pub const POD_NAMESPACE_ENV: &str = "CONTROLLER_MANAGER_POD_NAMESPACE";
/// The manager container's name in the chart.
pub const MANAGER_CONTAINER: &str = "manager";
/// The container of a listener pod; a `listenerTemplate` container of this name overrides it.
pub const LISTENER_CONTAINER: &str = "listener";

/// Every flag the controller registers (ARC 0.14.x `main.go`, plus controller-runtime's
/// `--kubeconfig`); the legacy ones are accepted but ignored in ARC v2 mode.
pub const KNOWN_FLAGS: &[&str] = &[
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

/// Why a flag's value stops the controller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlagProblem {
    /// The flag does not exist (in this version): Go's `flag` package exits with code 2.
    Unknown {
        /// The closest known flag, if any is close.
        suggestion: Option<&'static str>,
    },
    /// The flag exists in other versions only.
    NotInVersion {
        /// The versions that have it.
        available: &'static str,
    },
    /// The value is not one the controller accepts: it exits at start.
    BadValue {
        /// What it accepts.
        accepted: &'static str,
    },
    /// The value is not one the controller knows; it logs that and uses `fallback`.
    Ignored {
        /// What it accepts.
        accepted: &'static str,
        /// What it uses instead.
        fallback: &'static str,
    },
}

/// Checks `--name[=value]` against the controller of `version` (when known), in ARC v2 mode
/// (`--auto-scaling-runner-set-only`; ARC 0.14.2 `main.go`).
pub fn check_flag(
    name: &str,
    value: Option<&str>,
    version: Option<Version>,
    suggest: impl Fn(&str, &[&'static str]) -> Option<&'static str>,
) -> Result<(), FlagProblem> {
    if !KNOWN_FLAGS.contains(&name) {
        return Err(FlagProblem::Unknown {
            suggestion: suggest(name, KNOWN_FLAGS),
        });
    }
    let Some(value) = value else { return Ok(()) };
    let bad = |accepted| Err(FlagProblem::BadValue { accepted });
    match name {
        "update-strategy" => {
            if version.is_some_and(|v| !v.has_update_strategy_flag()) {
                Err(FlagProblem::NotInVersion {
                    available: "0.5.0 to 0.14.x",
                })
            } else if !matches!(value, "immediate" | "eventual") {
                // `main.go` L215-221: "Update strategy not recognized. Defaulting to immediately".
                Err(FlagProblem::Ignored {
                    accepted: "immediate or eventual",
                    fallback: "immediate",
                })
            } else {
                Ok(())
            }
        }
        // In v2 mode `logger.New` (main.go L298-302) accepts these four only, in lower case;
        // the numeric levels the flag's help mentions exit there.
        "log-level" if !matches!(value, "debug" | "info" | "warn" | "error") => {
            bad("debug, info, warn or error")
        }
        "log-format" if !matches!(value, "text" | "json") => bad("text or json"),
        "workqueue-rate-limiter"
            if !matches!(value, "" | "bucket_rate_limiter" | "typed_rate_limiter") =>
        {
            bad("bucket_rate_limiter or typed_rate_limiter")
        }
        "metrics-addr" | "listener-metrics-addr" | "health-probe-bind-address" | "pprof-addr" => {
            let port_ok = value
                .rsplit_once(':')
                .is_some_and(|(_, port)| port.parse::<u16>().is_ok());
            // `net.SplitHostPort` builds the listener's port; an empty address only turns the
            // controller's own servers off.
            if value == "0" || value.is_empty() && name != "listener-metrics-addr" || port_ok {
                Ok(())
            } else {
                bad("`0` (off) or host:port such as :8080")
            }
        }
        _ => Ok(()),
    }
}

/// One argument the chart renders, and the values key that produced it (for pointing at it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// `--flag=value`.
    pub text: String,
    /// The values path that produced it (`None`: always rendered).
    pub from: Option<&'static [&'static str]>,
}

/// The listener and controller metrics addresses (chart `metrics.*`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MetricsAddrs {
    /// `--listener-metrics-addr`.
    pub listener_addr: String,
    /// `--listener-metrics-endpoint`.
    pub listener_endpoint: String,
    /// `--metrics-addr`.
    pub controller_addr: String,
}

/// What the controller chart turns into arguments, as printed strings. `None` (or empty) means
/// the chart leaves the argument out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ControllerArgs {
    /// The fullname, when `replicaCount > 1` (leader election).
    pub leader_election_id: Option<String>,
    /// `imagePullSecrets[].name`, passed on to listener pods.
    pub image_pull_secrets: Vec<String>,
    /// `flags.logLevel`.
    pub log_level: Option<String>,
    /// `flags.logFormat`.
    pub log_format: Option<String>,
    /// `flags.watchSingleNamespace`.
    pub watch_single_namespace: Option<String>,
    /// `flags.runnerMaxConcurrentReconciles`.
    pub runner_max_concurrent_reconciles: Option<String>,
    /// `flags.updateStrategy`.
    pub update_strategy: Option<String>,
    /// `metrics` (`None`: metrics off).
    pub metrics: Option<MetricsAddrs>,
    /// `pprof.addr`.
    pub pprof_addr: Option<String>,
    /// `flags.excludeLabelPropagationPrefixes`.
    pub exclude_label_propagation_prefixes: Vec<String>,
    /// `flags.k8sClientRateLimiterQPS`.
    pub k8s_client_rate_limiter_qps: Option<String>,
    /// `flags.k8sClientRateLimiterBurst`.
    pub k8s_client_rate_limiter_burst: Option<String>,
    /// `flags.rateLimiter.name`.
    pub workqueue_rate_limiter: Option<String>,
    /// `flags.healthProbeBindAddress`.
    pub health_probe_bind_address: Option<String>,
}

impl ControllerArgs {
    /// The manager's arguments, in the chart's order.
    pub fn args(&self) -> Vec<Arg> {
        let mut out = vec![Arg {
            text: SCALE_SET_ONLY_FLAG.into(),
            from: None,
        }];
        let mut push = |text: String, from: &'static [&'static str]| {
            out.push(Arg {
                text,
                from: Some(from),
            });
        };
        if let Some(id) = &self.leader_election_id {
            push("--enable-leader-election".into(), &["replicaCount"]);
            push(format!("--leader-election-id={id}"), &["replicaCount"]);
        }
        for secret in &self.image_pull_secrets {
            push(
                format!("--auto-scaler-image-pull-secrets={secret}"),
                &["imagePullSecrets"],
            );
        }
        let optional = [
            ("log-level", &self.log_level, &["flags", "logLevel"][..]),
            ("log-format", &self.log_format, &["flags", "logFormat"]),
            (
                "watch-single-namespace",
                &self.watch_single_namespace,
                &["flags", "watchSingleNamespace"],
            ),
            (
                "runner-max-concurrent-reconciles",
                &self.runner_max_concurrent_reconciles,
                &["flags", "runnerMaxConcurrentReconciles"],
            ),
            (
                "update-strategy",
                &self.update_strategy,
                &["flags", "updateStrategy"],
            ),
        ];
        for (flag, value, from) in optional {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                push(format!("--{flag}={v}"), from);
            }
        }
        match &self.metrics {
            Some(m) => {
                push(
                    format!("--listener-metrics-addr={}", m.listener_addr),
                    &["metrics"],
                );
                push(
                    format!("--listener-metrics-endpoint={}", m.listener_endpoint),
                    &["metrics"],
                );
                push(
                    format!("--metrics-addr={}", m.controller_addr),
                    &["metrics"],
                );
            }
            None => {
                out.push(Arg {
                    text: "--listener-metrics-addr=0".into(),
                    from: None,
                });
                out.push(Arg {
                    text: "--listener-metrics-endpoint=".into(),
                    from: None,
                });
                out.push(Arg {
                    text: "--metrics-addr=0".into(),
                    from: None,
                });
            }
        }
        let mut push = |text: String, from: &'static [&'static str]| {
            out.push(Arg {
                text,
                from: Some(from),
            });
        };
        if let Some(v) = self.pprof_addr.as_deref().filter(|v| !v.is_empty()) {
            push(format!("--pprof-addr={v}"), &["pprof", "addr"]);
        }
        for prefix in &self.exclude_label_propagation_prefixes {
            push(
                format!("--exclude-label-propagation-prefix={prefix}"),
                &["flags", "excludeLabelPropagationPrefixes"],
            );
        }
        let tail = [
            (
                "k8s-client-rate-limiter-qps",
                &self.k8s_client_rate_limiter_qps,
                &["flags", "k8sClientRateLimiterQPS"][..],
            ),
            (
                "k8s-client-rate-limiter-burst",
                &self.k8s_client_rate_limiter_burst,
                &["flags", "k8sClientRateLimiterBurst"],
            ),
            (
                "workqueue-rate-limiter",
                &self.workqueue_rate_limiter,
                &["flags", "rateLimiter", "name"],
            ),
            (
                "health-probe-bind-address",
                &self.health_probe_bind_address,
                &["flags", "healthProbeBindAddress"],
            ),
        ];
        for (flag, value, from) in tail {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                push(format!("--{flag}={v}"), from);
            }
        }
        out
    }
}

/// The trailing port digits of an address (`regexFind "[0-9]+$"`), which the chart uses for
/// container ports and probes.
pub fn trailing_port(addr: &str) -> Option<&str> {
    let digits = addr.len() - addr.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    (digits > 0).then(|| &addr[addr.len() - digits..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(args: &ControllerArgs) -> Vec<String> {
        args.args().into_iter().map(|a| a.text).collect()
    }

    #[test]
    fn chart_defaults_give_the_charts_arguments() {
        let args = ControllerArgs {
            log_level: Some("debug".into()),
            log_format: Some("text".into()),
            runner_max_concurrent_reconciles: Some("2".into()),
            update_strategy: Some("immediate".into()),
            ..Default::default()
        };
        assert_eq!(
            texts(&args),
            [
                "--auto-scaling-runner-set-only",
                "--log-level=debug",
                "--log-format=text",
                "--runner-max-concurrent-reconciles=2",
                "--update-strategy=immediate",
                "--listener-metrics-addr=0",
                "--listener-metrics-endpoint=",
                "--metrics-addr=0",
            ]
        );
    }

    #[test]
    fn flags_are_checked_against_the_version() {
        let none = |_: &str, _: &[&'static str]| None;
        assert!(check_flag("log-format", Some("json"), None, none).is_ok());
        assert_eq!(
            check_flag(
                "update-strategy",
                Some("eventual"),
                Some(Version::new(0, 15, 0)),
                none
            ),
            Err(FlagProblem::NotInVersion {
                available: "0.5.0 to 0.14.x"
            })
        );
        assert!(matches!(
            check_flag("metrics-addr", Some("8080"), None, none),
            Err(FlagProblem::BadValue { .. })
        ));
        assert!(matches!(
            check_flag("loglevel", None, None, none),
            Err(FlagProblem::Unknown { .. })
        ));
        assert_eq!(trailing_port(":8080"), Some("8080"));
        assert_eq!(trailing_port("localhost"), None);
    }
}
