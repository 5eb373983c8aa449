use arcfleet_arc::runner::{DOCKER_SOCKET, EXTERNALS_DIR, WORK_DIR, WORK_VOLUME};
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
    /// runner at `DOCKER_CERT_PATH` (without `DOCKER_HOST` the client uses
    /// `unix:///var/run/docker.sock`). The `work` volume must be mounted at `/home/runner/_work`
    /// in both, or bind mounts of job containers see an empty directory. Warnings, as they hit
    /// only container jobs and Docker actions: both must see the same part of `work` (a
    /// `subPath` on one side only shifts every path), and a volume the daemon mounts at the
    /// runner's externals must be filled by an init container. dind must be privileged, and an
    /// init container with a `startupProbe` must be a native sidecar (`restartPolicy: Always`),
    /// or the API server rejects every runner pod.
    DindWiring, id: "dind-wiring", severity: Error,
    summary: "DOCKER_HOST matches how dind listens (socket volume or TLS on :2376 with certs); work volume shared"
}

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
                if c.kind == ContainerKind::Init && c.node.get("startupProbe").is_some() {
                    out.at_rule_level(&set.object, c.node.key_span("startupProbe"), format!("init container `{}` has a startupProbe but no `restartPolicy: Always`: the API server rejects the pod", c.name))
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
        let span = dind
            .node
            .entry("securityContext")
            .map_or_else(|| dind.span(), |e| e.key.span);
        out.at_rule_level(
            &set.object,
            span,
            "the `dind` container is not privileged: dockerd cannot start",
        )
        .hint("set securityContext.privileged: true on `dind` (and only there)");
    }
    work_shared(set, &runner, dind, out);
    externals_filled(set, dind, out);
    if dind.kind == ContainerKind::Regular
        && runner.env("RUNNER_WAIT_FOR_DOCKER_IN_SECONDS").is_none()
    {
        out.warning(&set.object, runner.span(), "dind is a plain container, so the runner may start before Docker is up and RUNNER_WAIT_FOR_DOCKER_IN_SECONDS is not set")
            .hint("set RUNNER_WAIT_FOR_DOCKER_IN_SECONDS: \"120\" on the runner");
    }
    // Without DOCKER_HOST the docker client uses its default socket.
    let host_env = runner.env("DOCKER_HOST");
    let host = runner
        .env_value("DOCKER_HOST")
        .unwrap_or(if host_env.is_none() {
            DOCKER_SOCKET
        } else {
            ""
        });
    let span = host_env.map_or(runner.span(), |e| e.get("value").map_or(e.span, |v| v.span));
    let listen = listen(dind);
    let mismatch = match host_env {
        Some(_) => format!(
            "DOCKER_HOST is `{host}` but dind listens on {}",
            listen.hosts.join(", ")
        ),
        None => format!(
            "the runner has no DOCKER_HOST, so docker uses `{host}`, but dind listens on {}",
            listen.hosts.join(", ")
        ),
    };
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
                let span = runner
                    .env("DOCKER_CERT_PATH")
                    .and_then(|e| e.get("value"))
                    .map_or(span, |v| v.span);
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

/// The `work` volume at the work directory of both containers, and the same part of it: with
/// a `subPath` on one side only, a path a job bind-mounts names different directories for the
/// runner and for the daemon.
fn work_shared(
    set: &ScaleSet<'_>,
    runner: &Container<'_>,
    dind: &Container<'_>,
    out: &mut Findings,
) {
    let runner_sees = runner.volume_path(WORK_DIR);
    let dind_sees = dind.volume_path(WORK_DIR);
    for (who, c, sees) in [("runner", runner, &runner_sees), ("dind", dind, &dind_sees)] {
        if sees.as_ref().map(|(volume, _)| *volume) != Some(WORK_VOLUME) {
            out.at_rule_level(&set.object, c.span(), format!("`{who}` does not mount the `work` volume at {WORK_DIR}: job containers would see an empty workspace"));
        }
    }
    if let (Some((WORK_VOLUME, runner_part)), Some((WORK_VOLUME, dind_part))) =
        (&runner_sees, &dind_sees)
        && runner_part != dind_part
    {
        let sub_path = |c: &Container<'_>| {
            c.mounts()
                .into_iter()
                .find(|(_, path, _)| path.trim_end_matches('/') == WORK_DIR)
                .and_then(|(_, _, m)| m.entry("subPath"))
                .map(|e| e.key.span)
        };
        let span = sub_path(runner)
            .or_else(|| sub_path(dind))
            .unwrap_or(runner.span());
        let part = |p: &str| {
            if p.is_empty() {
                "the root of volume `work`".to_string()
            } else {
                format!("subdirectory `{p}` of volume `work`")
            }
        };
        // Jobs that keep to the runner work; container jobs and Docker actions, which mount
        // workspace paths through the daemon, see the wrong directory.
        out.warning(&set.object, span, format!("at {WORK_DIR} the runner sees {} and dind sees {}: container jobs and Docker actions, which mount workspace paths through the daemon, see another directory", part(runner_part), part(dind_part)))
            .hint("mount `work` the same way in both containers (the same subPath, or none)");
    }
}

/// The daemon's externals: a volume it mounts at the runner's externals path must be filled by
/// an init container (the chart's `init-dind-externals` copies them), or container jobs get an
/// empty directory where the runner's node should be.
fn externals_filled(set: &ScaleSet<'_>, dind: &Container<'_>, out: &mut Findings) {
    let Some((volume, _, mount)) = dind
        .mounts()
        .into_iter()
        .find(|(_, path, _)| path.trim_end_matches('/') == EXTERNALS_DIR)
    else {
        return;
    };
    let empty_dir = set
        .pod
        .and_then(|p| crate::pod::volume(p, volume))
        .is_some_and(|v| v.get("emptyDir").is_some());
    let filled = set.containers().iter().any(|c| {
        c.kind == ContainerKind::Init
            && c.name != dind.name
            && c.mounts().iter().any(|(v, _, _)| *v == volume)
    });
    if empty_dir && !filled {
        // The init container meant to copy them, if there is one, is where the mount is missing.
        let copier = set.containers().into_iter().find(|c| {
            c.kind == ContainerKind::Init
                && c.command()
                    .into_iter()
                    .chain(c.args())
                    .any(|(arg, _)| arg.starts_with(EXTERNALS_DIR))
        });
        let (span, who) = match &copier {
            Some(c) => (
                c.span(),
                format!(
                    "init container `{}` copies the runner's externals but mounts no volume, so",
                    c.name
                ),
            ),
            None => (
                mount.span,
                "no init container copies the runner's externals into it, so".to_string(),
            ),
        };
        out.warning(&set.object, span, format!("dind mounts the empty volume `{volume}` at {EXTERNALS_DIR}; {who} container jobs get no node for their actions"))
            .hint(format!("mount `{volume}` in an init container that runs `cp -r {EXTERNALS_DIR}/. <mount>/` from the runner image"));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("dind-wiring", "dind_wiring");
    }
}
