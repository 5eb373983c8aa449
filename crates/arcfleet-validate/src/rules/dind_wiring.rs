use arcfleet_k8s::ContainerKind;
use arcfleet_yaml::Node;

use crate::pod::Container;
use crate::views::ScaleSet;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// In a Docker-in-Docker scale set the runner reaches the `dind` daemon where it listens,
    /// and both share the work directory.
    ///
    /// `DOCKER_HOST` on the runner must match how dockerd listens: the Unix socket on a volume
    /// both containers mount at the same path, or TCP on localhost:2376 with TLS, where the
    /// client certificates dind writes to `$DOCKER_TLS_CERTDIR/client` are mounted into the
    /// runner at `DOCKER_CERT_PATH`. The `work` volume must be mounted at `/home/runner/_work`
    /// in both, or bind mounts of job containers see an empty directory. dind must be
    /// privileged, and an init container with a `startupProbe` must be a native sidecar
    /// (`restartPolicy: Always`), or the API server rejects every runner pod.
    DindWiring, id: "dind-wiring", severity: Error,
    summary: "DOCKER_HOST matches how dind listens (socket volume or TLS on :2376 with certs); work volume shared"
}

const WORK_DIR: &str = "/home/runner/_work";

/// How dockerd in the `dind` container listens, as docker's entrypoint sets it up.
struct Listen {
    hosts: Vec<String>,
    tls_cert_dir: Option<String>,
}

fn listen(dind: &Container<'_>) -> Listen {
    let args: Vec<&str> = dind.args().into_iter().map(|(a, _)| a).collect();
    let explicit: Vec<String> = args
        .windows(2)
        .filter(|&w| w[0] == "-H" || w[0] == "--host")
        .map(|w| w[1].to_string())
        .chain(args.iter().filter_map(|a| {
            a.strip_prefix("--host=")
                .or_else(|| a.strip_prefix("-H="))
                .map(str::to_string)
        }))
        .collect();
    // The image sets DOCKER_TLS_CERTDIR=/certs; an empty value turns TLS off.
    let cert_dir = dind
        .env_value("DOCKER_TLS_CERTDIR")
        .map_or_else(|| "/certs".to_string(), str::to_string);
    let flags_only = args.first().is_none_or(|a| a.starts_with('-'));
    if flags_only {
        // docker's entrypoint adds its defaults in front of the user's flags.
        let mut hosts = vec!["unix:///var/run/docker.sock".to_string()];
        if cert_dir.is_empty() {
            hosts.push("tcp://0.0.0.0:2375".into());
        } else {
            hosts.push("tcp://0.0.0.0:2376".into());
        }
        hosts.extend(explicit);
        Listen {
            hosts,
            tls_cert_dir: (!cert_dir.is_empty()).then_some(cert_dir),
        }
    } else {
        let hosts = if explicit.is_empty() {
            vec!["unix:///var/run/docker.sock".to_string()]
        } else {
            explicit
        };
        let tls = args.iter().any(|a| a.starts_with("--tlsverify"));
        Listen {
            hosts,
            tls_cert_dir: tls.then_some(cert_dir),
        }
    }
}

fn tcp_port(host: &str) -> Option<&str> {
    host.strip_prefix("tcp://")?
        .rsplit_once(':')
        .map(|(_, p)| p)
}

impl Rule for DindWiring {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for set in &cx.views.scale_sets {
            for c in set.containers() {
                if c.kind == ContainerKind::Init
                    && let Some(probe) = c.node.get("startupProbe")
                {
                    out.at_rule_level(&set.object, probe.span, format!("init container `{}` has a startupProbe but no `restartPolicy: Always`: the API server rejects the pod", c.name))
                            .hint("make it a native sidecar (restartPolicy: Always, Kubernetes ≥ 1.29) or drop the probe");
                }
            }
            if set.signals.dind.is_some() {
                check_set(set, out);
            }
        }
    }
}

fn check_set(set: &ScaleSet<'_>, out: &mut Findings) {
    let (Some(runner), Some(dind)) = (set.runner(), set.signals.dind.as_ref()) else {
        return;
    };
    if dind.security("privileged").and_then(Node::as_bool) != Some(true) {
        out.at_rule_level(
            &set.object,
            dind.span(),
            "the `dind` container is not privileged: dockerd cannot start",
        )
        .hint("set securityContext.privileged: true on `dind` (and only there)");
    }
    for (who, c) in [("runner", &runner), ("dind", dind)] {
        if c.mount_at(WORK_DIR) != Some("work") {
            out.at_rule_level(&set.object, c.span(), format!("`{who}` does not mount the `work` volume at {WORK_DIR}: job containers would see an empty workspace"));
        }
    }
    if dind.kind == ContainerKind::Regular
        && runner.env("RUNNER_WAIT_FOR_DOCKER_IN_SECONDS").is_none()
    {
        out.warning(&set.object, runner.span(), "dind is a plain container, so the runner may start before Docker is up and RUNNER_WAIT_FOR_DOCKER_IN_SECONDS is not set")
            .hint("set RUNNER_WAIT_FOR_DOCKER_IN_SECONDS: \"120\" on the runner");
    }
    let Some(host_env) = runner.env("DOCKER_HOST") else {
        out.at_rule_level(
            &set.object,
            runner.span(),
            "the runner has no DOCKER_HOST: docker commands in jobs cannot reach dind",
        )
        .hint("set DOCKER_HOST=unix:///var/run/docker.sock (socket) or tcp://localhost:2376 (TLS)");
        return;
    };
    let host = runner.env_value("DOCKER_HOST").unwrap_or_default();
    let span = host_env.get("value").map_or(host_env.span, |v| v.span);
    let listen = listen(dind);
    let mismatch = format!(
        "DOCKER_HOST is `{host}` but dind listens on {}",
        listen.hosts.join(", ")
    );
    if let Some(socket) = host.strip_prefix("unix://") {
        if !listen.hosts.iter().any(|h| h == host) {
            out.at_rule_level(&set.object, span, mismatch);
            return;
        }
        let shared = runner
            .volume_path(socket)
            .is_some_and(|at| dind.volume_path(socket) == Some(at));
        if !shared {
            out.at_rule_level(&set.object, span, format!("the socket `{socket}` is not on a volume that runner and dind both mount at the same path"))
                .hint("mount one emptyDir (e.g. dind-sock) at /var/run in both containers");
        }
    } else if let Some(port) = tcp_port(host) {
        let local = host.contains("localhost") || host.contains("127.0.0.1");
        let listening = listen.hosts.iter().any(|h| tcp_port(h) == Some(port));
        if !local || !listening {
            out.at_rule_level(&set.object, span, mismatch);
            return;
        }
        if let Some(cert_dir) = &listen.tls_cert_dir {
            if runner
                .env_value("DOCKER_TLS_VERIFY")
                .is_none_or(str::is_empty)
            {
                out.at_rule_level(
                    &set.object,
                    span,
                    "dind serves TLS but the runner has no DOCKER_TLS_VERIFY=1",
                )
                .hint("set DOCKER_TLS_VERIFY: \"1\"");
            }
            let cert_path = runner
                .env_value("DOCKER_CERT_PATH")
                .unwrap_or("/home/runner/.docker");
            let client_dir = format!("{}/client", cert_dir.trim_end_matches('/'));
            let runner_sees = runner.volume_path(cert_path);
            if runner_sees.is_none() || runner_sees != dind.volume_path(&client_dir) {
                out.at_rule_level(&set.object, span, format!("the runner's DOCKER_CERT_PATH `{cert_path}` is not the volume dind writes client certificates to (`{client_dir}`)"))
                    .hint(format!("mount one emptyDir at {client_dir} in dind and at DOCKER_CERT_PATH in the runner"));
            }
        }
    } else {
        out.at_rule_level(
            &set.object,
            span,
            format!("DOCKER_HOST `{host}` is neither unix:// nor tcp://"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{GOOD_DIND, assert_one, edit, run};

    #[test]
    fn quiet_on_socket_and_tls_wiring() {
        assert!(run("dind-wiring", &[("a.yaml", GOOD_DIND)]).is_empty());
    }

    #[test]
    fn fires_when_docker_host_does_not_match() {
        let bad = edit(
            GOOD_DIND,
            "value: tcp://localhost:2376",
            "value: tcp://localhost:2375",
        );
        assert_one(
            &run("dind-wiring", &[("a.yaml", &bad)]),
            "",
            "DOCKER_HOST is `tcp://localhost:2375` but dind listens on unix:///var/run/docker.sock, tcp://0.0.0.0:2376",
        );
        let bad = edit(
            GOOD_DIND,
            "          value: unix:///var/run/docker.sock\n",
            "          value: unix:///run/docker.sock\n",
        );
        assert_one(
            &run("dind-wiring", &[("a.yaml", &bad)]),
            "",
            "DOCKER_HOST is `unix:///run/docker.sock`",
        );
    }

    #[test]
    fn fires_when_certificates_or_volumes_are_not_shared() {
        let bad = edit(
            GOOD_DIND,
            "          value: /certs/client\n",
            "          value: /home/runner/certs\n",
        );
        assert_one(
            &run("dind-wiring", &[("a.yaml", &bad)]),
            "",
            "DOCKER_CERT_PATH `/home/runner/certs` is not the volume",
        );
        let bad = GOOD_DIND.replacen(
            "        - mountPath: /home/runner/_work\n          name: work\n",
            "",
            1,
        );
        assert_one(
            &run("dind-wiring", &[("a.yaml", &bad)]),
            "",
            "does not mount the `work` volume",
        );
    }

    #[test]
    fn fires_on_a_startup_probe_without_sidecar_restart_policy() {
        let bad = GOOD_DIND.replacen("        restartPolicy: Always\n", "", 1);
        assert_one(
            &run("dind-wiring", &[("a.yaml", &bad)]),
            "",
            "has a startupProbe but no `restartPolicy: Always`",
        );
    }
}
