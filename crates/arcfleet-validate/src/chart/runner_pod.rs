//! The runner pod template `gha-runner-scale-set` renders from `template` and `containerMode`
//! (`autoscalingrunnerset.yaml` and the `_helpers.tpl` expansions), with what each mode adds
//! taken from [`arcfleet_arc::runner`]. What the chart adds points at `containerMode.type`
//! (or `githubServerTLS.runnerMountPath`); what the user wrote keeps its own place.

use arcfleet_arc::runner::{
    self, ContainerMode, DIND_CONTAINER, DIND_EXTERNALS_INIT_CONTAINER, RUNNER_CONTAINER,
    TLS_CERT_VOLUME, WORK_VOLUME, env,
};
use arcfleet_diag::Span;
use arcfleet_yaml::Node;

use super::typed;
use super::values::{go_text, printed, s, truthy};

/// What `githubServerTLS.runnerMountPath` adds to the runner.
struct Tls {
    bundle_path: String,
    key: String,
    config_map: String,
    at: Span,
}

/// `spec.template` of the scale set.
pub(super) fn template(
    v: &Node,
    mode: Option<ContainerMode>,
    mode_span: Span,
    runner_sa: Node,
    at: Span,
) -> Node {
    // `helm template` renders for Kubernetes 1.35 unless told otherwise: dind is a native sidecar.
    let native_sidecar = true;
    let user = v.get("template");
    let spec = user.and_then(|t| t.get("spec"));
    let list = |key: &str| -> &[Node] {
        spec.and_then(|s| s.get(key))
            .and_then(Node::as_sequence)
            .unwrap_or_default()
    };
    let containers = list("containers");
    let tls = tls(v);

    let mut pod: Vec<(String, Node)> = Vec::new();
    let mut user_keys: Vec<&arcfleet_yaml::Entry> = spec
        .and_then(Node::as_mapping)
        .unwrap_or_default()
        .iter()
        .filter(|e| {
            !matches!(
                e.key.scalar_text(),
                Some("containers" | "volumes" | "initContainers" | "serviceAccountName")
            )
        })
        .collect();
    user_keys.sort_by_key(|e| e.key.scalar_text().unwrap_or_default().to_string());
    for e in user_keys {
        pod.push((
            e.key.scalar_text().unwrap_or_default().into(),
            e.value.clone(),
        ));
    }
    if !truthy(spec.and_then(|s| s.get("restartPolicy"))) {
        pod.push(("restartPolicy".into(), s("Never", at)));
    }
    pod.push(("serviceAccountName".into(), runner_sa));

    let runner = containers
        .iter()
        .find(|c| name_of(c) == Some(RUNNER_CONTAINER));
    let dind = mode == Some(ContainerMode::Dind);
    if !list("initContainers").is_empty() || dind {
        let mut init = Vec::new();
        if dind {
            init.push(externals_init(runner, mode_span));
            if native_sidecar {
                init.push(typed(&runner::dind_daemon(true), mode_span));
            }
        }
        init.extend(list("initContainers").iter().cloned());
        pod.push(("initContainers".into(), Node::sequence(at, init)));
    }

    let others = |skip_dind: bool| {
        containers
            .iter()
            .filter(move |c| {
                let n = name_of(c);
                n != Some(RUNNER_CONTAINER) && !(skip_dind && n == Some(DIND_CONTAINER))
            })
            .cloned()
    };
    let rendered: Vec<Node> = match mode {
        Some(ContainerMode::Dind) => {
            let mut out = vec![mode_runner(runner, mode, mode_span, tls.as_ref())];
            if !native_sidecar {
                out.push(typed(&runner::dind_daemon(false), mode_span));
            }
            out.extend(others(true));
            out
        }
        Some(m) => std::iter::once(mode_runner(runner, Some(m), mode_span, tls.as_ref()))
            .chain(others(false))
            .collect(),
        None => containers
            .iter()
            .map(|c| {
                if name_of(c) == Some(RUNNER_CONTAINER) {
                    default_runner(c, tls.as_ref())
                } else {
                    c.clone()
                }
            })
            .collect(),
    };
    // Without containers the chart writes `containers:` with nothing after it.
    let rendered = if rendered.is_empty() {
        Node::plain("null", at)
    } else {
        Node::sequence(at, rendered)
    };
    pod.push(("containers".into(), rendered));

    let user_volumes = list("volumes");
    let is_work = |vol: &Node| name_of(vol) == Some(WORK_VOLUME);
    if !user_volumes.is_empty()
        || matches!(mode, Some(ContainerMode::Dind | ContainerMode::Kubernetes))
        || tls.is_some()
    {
        let mut volumes = Vec::new();
        if let Some(t) = &tls {
            volumes.push(typed(&runner::tls_volume(&t.config_map, &t.key), t.at));
        }
        match mode {
            Some(ContainerMode::Dind) => {
                volumes.extend(
                    runner::dind_volumes()
                        .iter()
                        .map(|vol| typed(vol, mode_span)),
                );
                let user_work: Vec<Node> = user_volumes
                    .iter()
                    .filter(|x| is_work(x))
                    .cloned()
                    .collect();
                if user_work.is_empty() {
                    volumes.push(typed(&runner::empty_dir(WORK_VOLUME), mode_span));
                }
                volumes.extend(user_work);
                volumes.extend(user_volumes.iter().filter(|x| !is_work(x)).cloned());
            }
            Some(ContainerMode::Kubernetes) => {
                let user_work: Vec<Node> = user_volumes
                    .iter()
                    .filter(|x| is_work(x))
                    .cloned()
                    .collect();
                if user_work.is_empty() {
                    volumes.push(work_claim(v, mode_span));
                }
                volumes.extend(user_work);
                volumes.extend(user_volumes.iter().filter(|x| !is_work(x)).cloned());
            }
            _ => volumes.extend(user_volumes.iter().cloned()),
        }
        pod.push(("volumes".into(), Node::sequence(at, volumes)));
    } else if mode == Some(ContainerMode::KubernetesNoVolume) {
        pod.push(("volumes".into(), Node::sequence(mode_span, Vec::new())));
    }

    let mut template = Vec::new();
    if let Some(metadata) = user
        .and_then(|t| t.get("metadata"))
        .filter(|m| truthy(Some(m)))
    {
        let fields: Vec<(&str, Node)> = ["labels", "annotations"]
            .into_iter()
            .filter_map(|f| {
                metadata
                    .get(f)
                    .filter(|n| truthy(Some(n)))
                    .map(|n| (f, n.clone()))
            })
            .collect();
        template.push((
            "metadata",
            if fields.is_empty() {
                Node::plain("null", metadata.span)
            } else {
                Node::mapping(metadata.span, fields)
            },
        ));
    }
    let pod = Node::mapping(spec.map_or(at, |s| s.span), pod);
    let pod = match spec {
        Some(spec) => pod.with_keys_of(spec),
        None => pod,
    };
    template.push(("spec", pod));
    Node::mapping(user.map_or(at, |u| u.span), template)
}

fn name_of(node: &Node) -> Option<&str> {
    node.get("name").and_then(Node::scalar_text)
}

fn tls(v: &Node) -> Option<Tls> {
    let tls = v.get("githubServerTLS").filter(|n| truthy(Some(n)))?;
    let mount = tls.get("runnerMountPath").filter(|n| truthy(Some(n)))?;
    let key_ref = tls.path(&["certificateFrom", "configMapKeyRef"]);
    let field = |k: &str| {
        key_ref
            .and_then(|r| r.get(k))
            .map(go_text)
            .unwrap_or_default()
    };
    let key = field("key");
    Some(Tls {
        bundle_path: runner::tls_bundle_path(&go_text(mount), &key),
        key,
        config_map: field("name"),
        at: mount.span,
    })
}

/// `init-dind-externals`: the runner's image, copying its externals (only the name when the
/// template has no runner container).
fn externals_init(runner: Option<&Node>, at: Span) -> Node {
    let Some(runner) = runner else {
        return Node::mapping(at, [("name", s(DIND_EXTERNALS_INIT_CONTAINER, at))]);
    };
    let mut node = typed(&runner::dind_externals_init(None), at);
    match runner.get("image") {
        Some(image) => node.insert("image", printed(image)),
        None => node.insert("image", Node::plain("", at)),
    }
    node
}

/// The `work` volume of Kubernetes mode: a generic ephemeral volume of
/// `containerMode.kubernetesModeWorkVolumeClaim` (`spec: null` without one).
fn work_claim(v: &Node, at: Span) -> Node {
    let claim = v.path(&["containerMode", "kubernetesModeWorkVolumeClaim"]);
    let spec = claim.cloned().unwrap_or_else(|| Node::plain("null", at));
    Node::mapping(
        at,
        [
            ("name", s(WORK_VOLUME, at)),
            (
                "ephemeral",
                Node::mapping(
                    at,
                    [(
                        "volumeClaimTemplate",
                        Node::mapping(claim.map_or(at, |c| c.span), [("spec", spec)]),
                    )],
                ),
            ),
        ],
    )
}

/// The user's container keys the chart copies as they are (all but `name`, `env`,
/// `volumeMounts`), in Go's map order.
fn copied_keys(container: &Node) -> Vec<(String, Node)> {
    let mut keys: Vec<(String, Node)> = container
        .as_mapping()
        .unwrap_or_default()
        .iter()
        .filter_map(|e| {
            let k = e.key.scalar_text()?;
            (!matches!(k, "env" | "volumeMounts" | "name"))
                .then(|| (k.to_string(), e.value.clone()))
        })
        .collect();
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    keys
}

fn named(list: &[Node], name: &str) -> bool {
    list.iter().any(|n| name_of(n) == Some(name))
}

/// The runner of a container mode: the user's runner with the mode's env and mounts added
/// unless the user set them (`dind-runner-container`, `kubernetes-mode-runner-container`,
/// `kubernetes-novolume-mode-runner-container`). Without a user runner, only its name.
fn mode_runner(
    runner: Option<&Node>,
    mode: Option<ContainerMode>,
    at: Span,
    tls: Option<&Tls>,
) -> Node {
    let Some(runner) = runner else {
        return Node::mapping(at, [("name", s(RUNNER_CONTAINER, at))]);
    };
    let name_span = runner.get("name").map_or(at, |n| n.span);
    let mut entries = vec![("name".to_string(), s(RUNNER_CONTAINER, name_span))];
    entries.extend(copied_keys(runner));
    let user_env = sequence(runner, "env");
    let user_mounts = sequence(runner, "volumeMounts");
    let mode = mode.unwrap_or(ContainerMode::Dind);
    let (mode_env, mode_mounts) = match mode {
        ContainerMode::Dind => (runner::dind_runner_env(), runner::dind_runner_mounts()),
        m => (
            runner::kube_runner_env(m, None),
            runner::kube_runner_mounts(m),
        ),
    };
    let mut env_list: Vec<Node> = user_env.to_vec();
    for e in mode_env {
        if !named(user_env, &e.name) {
            let mut node = typed(&e, at);
            if e.name == env::RUNNER_IMAGE {
                let image = runner.get("image").map(go_text).unwrap_or_default();
                node.insert(
                    "value",
                    s(&image, runner.get("image").map_or(at, |i| i.span)),
                );
            }
            env_list.push(node);
        }
    }
    add_tls_env(&mut env_list, user_env, tls);
    entries.push(("env".into(), Node::sequence(at, env_list)));
    let mut mounts: Vec<Node> = user_mounts.to_vec();
    for m in mode_mounts {
        if !named(user_mounts, &m.name) {
            mounts.push(typed(&m, at));
        }
    }
    add_tls_mount(&mut mounts, user_mounts, tls);
    // No-volume mode writes `volumeMounts: []` when there is nothing to mount.
    entries.push(("volumeMounts".into(), Node::sequence(at, mounts)));
    Node::mapping(at, entries).with_keys_of(runner)
}

/// The runner without a container mode (`default-mode-runner-containers`): as written, plus the
/// CA bundle with `githubServerTLS.runnerMountPath`.
fn default_runner(runner: &Node, tls: Option<&Tls>) -> Node {
    let at = runner.span;
    let mut entries = vec![(
        "name".to_string(),
        runner
            .get("name")
            .cloned()
            .unwrap_or_else(|| s(RUNNER_CONTAINER, at)),
    )];
    entries.extend(copied_keys(runner));
    let user_env = sequence(runner, "env");
    let user_mounts = sequence(runner, "volumeMounts");
    if !user_env.is_empty() || tls.is_some() {
        let mut env_list = user_env.to_vec();
        add_tls_env(&mut env_list, user_env, tls);
        entries.push(("env".into(), Node::sequence(at, env_list)));
    }
    if !user_mounts.is_empty() || tls.is_some() {
        let mut mounts = user_mounts.to_vec();
        add_tls_mount(&mut mounts, user_mounts, tls);
        entries.push(("volumeMounts".into(), Node::sequence(at, mounts)));
    }
    Node::mapping(at, entries).with_keys_of(runner)
}

/// The CA bundle's env (`githubServerTLS.runnerMountPath`), where the user did not set it.
fn add_tls_env(env_list: &mut Vec<Node>, user_env: &[Node], tls: Option<&Tls>) {
    if let Some(t) = tls {
        for e in runner::tls_runner_env(&t.bundle_path) {
            if !named(user_env, &e.name) {
                env_list.push(typed(&e, t.at));
            }
        }
    }
}

/// The CA bundle's mount, where the user did not mount that volume.
fn add_tls_mount(mounts: &mut Vec<Node>, user_mounts: &[Node], tls: Option<&Tls>) {
    if let Some(t) = tls
        && !named(user_mounts, TLS_CERT_VOLUME)
    {
        mounts.push(typed(
            &runner::tls_runner_mount(&t.bundle_path, &t.key),
            t.at,
        ));
    }
}

/// The list under `key` (nothing when absent or not a list).
fn sequence<'n>(node: &'n Node, key: &str) -> &'n [Node] {
    node.get(key)
        .and_then(Node::as_sequence)
        .unwrap_or_default()
}
