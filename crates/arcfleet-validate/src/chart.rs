//! Helm values of ARC's charts, checked like the manifests they render to.
//!
//! Most ARC users keep Helm values (a plain `values.yaml`, a Flux HelmRelease or an Argo CD
//! Application) rather than rendered manifests. For those, this module builds the objects the
//! charts (`gha-runner-scale-set`, `gha-runner-scale-set-controller`, 0.14) would render — the
//! AutoscalingRunnerSet with its container-mode expansion, the manager Role, the Kubernetes-mode
//! RBAC, an inline credentials Secret, the controller Deployment — out of the values' own nodes,
//! so every finding points at the line of the values (or the chart version) that causes it.
//! Each such object carries the annotation [`RENDERED_FROM`].

use std::sync::Arc;

use arcfleet_diag::{SourceFile, Span};
use arcfleet_yaml::{Document, Entry, Node, NodeValue, Scalar, ScalarStyle};

/// Annotation on objects built from Helm values (value: `helm-values`).
pub const RENDERED_FROM: &str = "arcfleet.io/rendered-from";
/// Annotation on objects whose name arcfleet had to guess (plain values without a release name).
pub const NAME_GUESSED: &str = "arcfleet.io/name-guessed";

/// Values of a release whose values live elsewhere (Argo CD `valueFiles`).
static NO_VALUES: Node = Node {
    span: Span::point(0),
    value: NodeValue::Mapping(Vec::new()),
};

const CHART_RUNNER_IMAGE: &str = "ghcr.io/actions/actions-runner:latest";
const CONTROLLER_IMAGE: &str = "ghcr.io/actions/gha-runner-scale-set-controller";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chart {
    Controller,
    ScaleSet,
}

/// One Helm release of an ARC chart, wherever its values are written.
struct Release<'a> {
    file: &'a Arc<SourceFile>,
    chart: Chart,
    /// The chart version (its node, to point at).
    version: Option<&'a Node>,
    /// The release name (its node).
    name: Option<&'a Node>,
    namespace: Option<&'a Node>,
    values: &'a Node,
    /// Where the values are (for objects that have no better place to point at).
    anchor: Span,
}

fn text<'n>(node: &'n Node, path: &[&str]) -> Option<&'n str> {
    node.path(path).and_then(Node::scalar_text)
}

fn classify(chart_name: &str) -> Option<Chart> {
    if chart_name.contains("gha-runner-scale-set-controller")
        || chart_name.contains("gha-rs-controller")
    {
        Some(Chart::Controller)
    } else if chart_name.contains("gha-runner-scale-set") {
        Some(Chart::ScaleSet)
    } else {
        None
    }
}

fn classify_values(values: &Node) -> Option<Chart> {
    if values.get("githubConfigUrl").is_some() {
        Some(Chart::ScaleSet)
    } else if values
        .get("flags")
        .is_some_and(|f| f.as_mapping().is_some())
        || text(values, &["image", "repository"])
            .is_some_and(|r| r.contains("gha-runner-scale-set-controller"))
    {
        Some(Chart::Controller)
    } else {
        None
    }
}

fn releases(documents: &[Document]) -> Vec<Release<'_>> {
    let mut out = Vec::new();
    for doc in documents {
        let root = &doc.root;
        let api = text(root, &["apiVersion"]).unwrap_or_default();
        let kind = text(root, &["kind"]).unwrap_or_default();
        if api.starts_with("helm.toolkit.fluxcd.io/") && kind == "HelmRelease" {
            let Some(values) = root.path(&["spec", "values"]) else {
                continue;
            };
            let chart = text(root, &["spec", "chart", "spec", "chart"])
                .and_then(classify)
                .or_else(|| text(root, &["spec", "chartRef", "name"]).and_then(classify))
                .or_else(|| classify_values(values));
            let Some(chart) = chart else { continue };
            out.push(Release {
                file: &doc.file,
                chart,
                version: root.path(&["spec", "chart", "spec", "version"]),
                name: root
                    .path(&["spec", "releaseName"])
                    .or_else(|| root.path(&["metadata", "name"])),
                namespace: root
                    .path(&["spec", "targetNamespace"])
                    .or_else(|| root.path(&["metadata", "namespace"])),
                values,
                anchor: root.key_span("spec"),
            });
        } else if api.starts_with("argoproj.io/") && kind == "Application" {
            let sources = root
                .path(&["spec", "sources"])
                .and_then(Node::as_sequence)
                .map(|s| s.iter().collect::<Vec<_>>());
            let sources =
                sources.unwrap_or_else(|| root.path(&["spec", "source"]).into_iter().collect());
            for source in sources {
                let Some(chart) = text(source, &["chart"]).and_then(classify) else {
                    continue;
                };
                let values = source.path(&["helm", "valuesObject"]).unwrap_or(&NO_VALUES);
                out.push(Release {
                    file: &doc.file,
                    chart,
                    version: source.get("targetRevision"),
                    name: source
                        .path(&["helm", "releaseName"])
                        .or_else(|| root.path(&["metadata", "name"])),
                    namespace: root.path(&["spec", "destination", "namespace"]),
                    values,
                    anchor: source.span,
                });
            }
        } else if root.get("apiVersion").is_none()
            && root.get("kind").is_none()
            && let Some(chart) = classify_values(root)
        {
            out.push(Release {
                file: &doc.file,
                chart,
                version: None,
                name: None,
                namespace: None,
                values: root,
                anchor: root.span,
            });
        }
    }
    out
}

// ---- building nodes -------------------------------------------------------------------------

fn s(value: &str, span: Span) -> Node {
    Node {
        span,
        value: NodeValue::Scalar(Scalar::new(value, ScalarStyle::DoubleQuoted)),
    }
}

fn int(value: i64, span: Span) -> Node {
    Node {
        span,
        value: NodeValue::Scalar(Scalar::new(&value.to_string(), ScalarStyle::Plain)),
    }
}

fn map(span: Span, entries: Vec<(&str, Node)>) -> Node {
    Node {
        span,
        value: NodeValue::Mapping(
            entries
                .into_iter()
                .map(|(k, v)| Entry {
                    key: s(k, v.span),
                    value: v,
                })
                .collect(),
        ),
    }
}

fn seq(span: Span, items: Vec<Node>) -> Node {
    Node {
        span,
        value: NodeValue::Sequence(items),
    }
}

/// `map` extended with the entries of `extra` whose keys it does not have yet.
fn merged(mut base: Node, extra: Option<&Node>) -> Node {
    if let (NodeValue::Mapping(entries), Some(extra)) =
        (&mut base.value, extra.and_then(Node::as_mapping))
    {
        for e in extra {
            if !entries
                .iter()
                .any(|x| x.key.scalar_text() == e.key.scalar_text())
            {
                entries.push(e.clone());
            }
        }
    }
    base
}

fn set(node: &mut Node, key: &str, value: Node) {
    if let NodeValue::Mapping(entries) = &mut node.value {
        match entries
            .iter_mut()
            .find(|e| e.key.scalar_text() == Some(key))
        {
            Some(e) => e.value = value,
            None => entries.push(Entry {
                key: s(key, value.span),
                value,
            }),
        }
    }
}

fn push_unless_named(list: &mut Vec<Node>, item: Node) {
    let name = item
        .get("name")
        .and_then(Node::scalar_text)
        .map(str::to_string);
    if !list
        .iter()
        .any(|x| x.get("name").and_then(Node::scalar_text) == name.as_deref())
    {
        list.push(item);
    }
}

fn env(name: &str, value: &str, span: Span) -> Node {
    map(
        span,
        vec![("name", s(name, span)), ("value", s(value, span))],
    )
}

fn env_field(name: &str, path: &str, span: Span) -> Node {
    map(
        span,
        vec![
            ("name", s(name, span)),
            (
                "valueFrom",
                map(
                    span,
                    vec![("fieldRef", map(span, vec![("fieldPath", s(path, span))]))],
                ),
            ),
        ],
    )
}

fn mount(name: &str, path: &str, span: Span) -> Node {
    map(
        span,
        vec![("name", s(name, span)), ("mountPath", s(path, span))],
    )
}

fn meta(name: &Node, namespace: Option<&Node>, extra: Vec<(&str, Node)>, span: Span) -> Node {
    let mut entries = vec![("name", name.clone())];
    if let Some(ns) = namespace {
        entries.push(("namespace", ns.clone()));
    }
    entries.extend(extra);
    map(span, entries)
}

fn object(api: &str, kind: &str, metadata: Node, rest: Vec<(&str, Node)>, span: Span) -> Node {
    let mut entries = vec![
        ("apiVersion", s(api, span)),
        ("kind", s(kind, span)),
        ("metadata", metadata),
    ];
    entries.extend(rest);
    map(span, entries)
}

fn rule(groups: &[&str], resources: &[&str], verbs: &[&str], span: Span) -> Node {
    let list = |items: &[&str]| seq(span, items.iter().map(|i| s(i, span)).collect());
    map(
        span,
        vec![
            ("apiGroups", list(groups)),
            ("resources", list(resources)),
            ("verbs", list(verbs)),
        ],
    )
}

fn annotations(release: &Release<'_>, guessed: bool) -> Node {
    let mut entries = vec![(RENDERED_FROM, s("helm-values", release.anchor))];
    if guessed {
        entries.push((NAME_GUESSED, s("true", release.anchor)));
    }
    map(release.anchor, entries)
}

// ---- the charts -----------------------------------------------------------------------------

/// Objects the ARC charts would render from every release found in `documents`.
pub fn synthesize(documents: &[Document]) -> Vec<Document> {
    let releases = releases(documents);
    let mut out = Vec::new();
    let mut controller_sa: Option<(Node, Node)> = None;
    for release in releases.iter().filter(|r| r.chart == Chart::Controller) {
        if let Some((deployment, sa)) = controller(release) {
            controller_sa.get_or_insert(sa);
            out.push(Document {
                file: release.file.clone(),
                index: usize::MAX,
                root: deployment,
            });
        }
    }
    for release in releases.iter().filter(|r| r.chart == Chart::ScaleSet) {
        for root in scale_set(release, controller_sa.as_ref()) {
            out.push(Document {
                file: release.file.clone(),
                index: usize::MAX,
                root,
            });
        }
    }
    out
}

/// The controller Deployment (and its ServiceAccount as (name, namespace)), when the version
/// is known: without it there is nothing to compare scale sets with.
fn controller(release: &Release<'_>) -> Option<(Node, (Node, Node))> {
    let values = release.values;
    let anchor = release.anchor;
    let tag_node = values
        .path(&["image", "tag"])
        .filter(|t| t.scalar_text().is_some_and(|t| !t.is_empty()))
        .or(release.version)?;
    let repository = text(values, &["image", "repository"]).unwrap_or(CONTROLLER_IMAGE);
    let image = s(
        &format!(
            "{repository}:{}",
            tag_node.scalar_text().unwrap_or_default()
        ),
        tag_node.span,
    );
    let release_name = release.name.and_then(Node::scalar_text).unwrap_or("arc");
    let fullname = if release_name.contains("gha-rs-controller") {
        release_name.to_string()
    } else {
        format!("{release_name}-gha-rs-controller")
    };
    let name_span = release.name.map_or(anchor, |n| n.span);
    let sa_name = values
        .path(&["serviceAccount", "name"])
        .cloned()
        .unwrap_or_else(|| s(&fullname, name_span));
    let namespace = values
        .get("namespaceOverride")
        .or(release.namespace)
        .cloned()
        .unwrap_or_else(|| s("default", anchor));
    let flag = |key: &str, default: &str| -> Node {
        let node = values.path(&["flags", key]);
        let value = node.and_then(Node::scalar_text).unwrap_or(default);
        s(
            &format!("--{}={value}", kebab(key)),
            node.map_or(anchor, |n| n.span),
        )
    };
    let mut args = vec![
        s("--auto-scaling-runner-set-only", anchor),
        flag("logLevel", "debug"),
        flag("logFormat", "text"),
    ];
    let version = tag_node.scalar_text().and_then(|t| {
        t.trim_start_matches('v')
            .parse::<arcfleet_arc::Version>()
            .ok()
    });
    if version.is_some_and(|v| v.has_update_strategy_flag())
        || values.path(&["flags", "updateStrategy"]).is_some()
    {
        args.push(flag("updateStrategy", "immediate"));
    }
    let mut container = vec![
        ("name", s("manager", anchor)),
        ("image", image.clone()),
        ("args", seq(anchor, args)),
        (
            "env",
            seq(
                anchor,
                vec![
                    map(
                        anchor,
                        vec![
                            ("name", s("CONTROLLER_MANAGER_CONTAINER_IMAGE", anchor)),
                            ("value", image),
                        ],
                    ),
                    env_field(
                        "CONTROLLER_MANAGER_POD_NAMESPACE",
                        "metadata.namespace",
                        anchor,
                    ),
                ],
            ),
        ),
    ];
    if let Some(resources) = values.get("resources") {
        container.push(("resources", resources.clone()));
    }
    let pod = merged(
        map(
            anchor,
            vec![
                ("serviceAccountName", sa_name.clone()),
                ("containers", seq(anchor, vec![map(anchor, container)])),
            ],
        ),
        None,
    );
    let replicas = values
        .get("replicaCount")
        .cloned()
        .unwrap_or_else(|| int(1, anchor));
    let deployment = object(
        "apps/v1",
        "Deployment",
        meta(
            &s(&fullname, name_span),
            Some(&namespace),
            vec![("annotations", annotations(release, false))],
            anchor,
        ),
        vec![(
            "spec",
            map(
                anchor,
                vec![
                    ("replicas", replicas),
                    ("template", map(anchor, vec![("spec", pod)])),
                ],
            ),
        )],
        anchor,
    );
    Some((deployment, (sa_name, namespace)))
}

fn kebab(key: &str) -> String {
    key.chars().fold(String::new(), |mut out, c| {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
        out
    })
}

fn scale_set(release: &Release<'_>, controller_sa: Option<&(Node, Node)>) -> Vec<Node> {
    let values = release.values;
    let anchor = release.anchor;
    let explicit_name = values.get("runnerScaleSetName").or(release.name);
    let guessed = explicit_name.is_none();
    let name_node = match explicit_name {
        Some(n) => s(
            &n.scalar_text().unwrap_or_default().replace('_', "-"),
            n.span,
        ),
        None => s(&guess_name(release.file.name()), anchor),
    };
    let name = name_node.scalar_text().unwrap_or_default().to_string();
    let namespace = values
        .get("namespaceOverride")
        .or(release.namespace)
        .cloned();
    let mode_node = values.path(&["containerMode", "type"]);
    let mode = mode_node.and_then(Node::scalar_text).unwrap_or_default();
    let mode_span = mode_node.map_or(anchor, |n| n.span);
    let mut out = Vec::new();

    let mut spec: Vec<(&str, Node)> = Vec::new();
    for key in [
        "githubConfigUrl",
        "runnerGroup",
        "minRunners",
        "maxRunners",
        "listenerTemplate",
        "proxy",
        "githubServerTLS",
    ] {
        if let Some(v) = values.get(key) {
            spec.push((key, v.clone()));
        }
    }
    if let Some(labels) = values.get("scaleSetLabels") {
        spec.push(("runnerScaleSetLabels", labels.clone()));
    }
    if let Some(v) = values.get("runnerScaleSetName") {
        spec.push(("runnerScaleSetName", v.clone()));
    }
    match values.get("githubConfigSecret") {
        Some(secret) if secret.as_mapping().is_some() => {
            let secret_name = s(&format!("{name}-gha-rs-github-secret"), secret.span);
            spec.push(("githubConfigSecret", secret_name.clone()));
            // The chart renders the map into a Secret, so the values hold the credentials.
            out.push(object(
                "v1",
                "Secret",
                meta(
                    &secret_name,
                    namespace.as_ref(),
                    vec![("annotations", annotations(release, guessed))],
                    anchor,
                ),
                vec![("stringData", secret.clone())],
                anchor,
            ));
        }
        Some(secret) => spec.push(("githubConfigSecret", secret.clone())),
        None => {}
    }

    let user_spec = values.path(&["template", "spec"]);
    let user_sa = user_spec.and_then(|p| p.get("serviceAccountName")).cloned();
    let kube = mode == "kubernetes" || mode == "kubernetes-novolume";
    let runner_sa = user_sa.clone().unwrap_or_else(|| {
        let suffix = if kube { "kube-mode" } else { "no-permission" };
        s(&format!("{name}-gha-rs-{suffix}"), mode_span)
    });
    spec.push((
        "template",
        runner_template(values, mode, mode_span, &runner_sa, anchor),
    ));

    let mut ars_meta = vec![("annotations", annotations(release, guessed))];
    if let Some(version) = release.version {
        ars_meta.push((
            "labels",
            map(
                version.span,
                vec![(
                    "app.kubernetes.io/version",
                    s(version.scalar_text().unwrap_or_default(), version.span),
                )],
            ),
        ));
    }
    out.push(object(
        "actions.github.com/v1alpha1",
        "AutoscalingRunnerSet",
        meta(&name_node, namespace.as_ref(), ars_meta, anchor),
        vec![("spec", map(anchor, spec))],
        anchor,
    ));

    // The manager Role, bound to the controller the values name (or the one the chart looks up).
    let manager = s(&format!("{name}-gha-rs-manager"), anchor);
    let controller = values
        .get("controllerServiceAccount")
        .and_then(|c| Some((c.get("name")?.clone(), c.get("namespace")?.clone())));
    let controller = controller.or_else(|| controller_sa.cloned());
    let rbac_meta = |n: &Node| {
        meta(
            n,
            namespace.as_ref(),
            vec![("annotations", annotations(release, guessed))],
            anchor,
        )
    };
    let verbs_edit = ["create", "delete", "get", "list", "patch", "update"];
    let verbs_rbac = ["create", "delete", "get", "patch", "update"];
    out.push(object(
        "rbac.authorization.k8s.io/v1",
        "Role",
        rbac_meta(&manager),
        vec![(
            "rules",
            seq(
                anchor,
                vec![
                    rule(&[""], &["pods"], &["create", "delete", "get"], anchor),
                    rule(&[""], &["pods/status"], &["get"], anchor),
                    rule(&[""], &["secrets"], &verbs_edit, anchor),
                    rule(&[""], &["serviceaccounts"], &verbs_edit, anchor),
                    rule(
                        &["rbac.authorization.k8s.io"],
                        &["rolebindings"],
                        &verbs_rbac,
                        anchor,
                    ),
                    rule(
                        &["rbac.authorization.k8s.io"],
                        &["roles"],
                        &verbs_rbac,
                        anchor,
                    ),
                ],
            ),
        )],
        anchor,
    ));
    if let Some((sa, sa_ns)) = controller {
        out.push(role_binding(
            rbac_meta(&manager),
            &manager,
            sa,
            sa_ns,
            anchor,
        ));
    }
    if kube && user_sa.is_none() {
        let mut rules = vec![
            rule(
                &[""],
                &["pods"],
                &["get", "list", "create", "delete"],
                mode_span,
            ),
            rule(&[""], &["pods/exec"], &["get", "create"], mode_span),
            rule(&[""], &["pods/log"], &["get", "list", "watch"], mode_span),
            rule(
                &[""],
                &["secrets"],
                &["get", "list", "create", "delete"],
                mode_span,
            ),
        ];
        if mode == "kubernetes" {
            rules.push(rule(
                &["batch"],
                &["jobs"],
                &["get", "list", "create", "delete"],
                mode_span,
            ));
        }
        out.push(object(
            "rbac.authorization.k8s.io/v1",
            "Role",
            rbac_meta(&runner_sa),
            vec![("rules", seq(mode_span, rules))],
            anchor,
        ));
        let ns_node = namespace.clone().unwrap_or_else(|| s("default", anchor));
        out.push(role_binding(
            rbac_meta(&runner_sa),
            &runner_sa,
            runner_sa.clone(),
            ns_node,
            anchor,
        ));
    }
    out
}

/// A RoleBinding of Role `role` to ServiceAccount `sa_ns`/`sa`.
fn role_binding(metadata: Node, role: &Node, sa: Node, sa_ns: Node, at: Span) -> Node {
    let role_ref = map(
        at,
        vec![
            ("apiGroup", s("rbac.authorization.k8s.io", at)),
            ("kind", s("Role", at)),
            ("name", role.clone()),
        ],
    );
    let subject = map(
        at,
        vec![
            ("kind", s("ServiceAccount", at)),
            ("name", sa),
            ("namespace", sa_ns),
        ],
    );
    object(
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
        metadata,
        vec![("roleRef", role_ref), ("subjects", seq(at, vec![subject]))],
        at,
    )
}

/// The runner pod template the chart renders for `mode`.
fn runner_template(values: &Node, mode: &str, at: Span, runner_sa: &Node, anchor: Span) -> Node {
    let user_template = values.get("template");
    let user_spec = user_template.and_then(|t| t.get("spec"));
    let user_list = |key: &str| {
        user_spec
            .and_then(|p| p.get(key))
            .and_then(Node::as_sequence)
            .map(<[Node]>::to_vec)
            .unwrap_or_default()
    };
    let mut containers: Vec<Node> = user_list("containers")
        .into_iter()
        .filter(|c| mode != "dind" || c.get("name").and_then(Node::scalar_text) != Some("dind"))
        .collect();
    if containers.is_empty() {
        containers.push(map(
            at,
            vec![
                ("name", s("runner", at)),
                ("image", s(CHART_RUNNER_IMAGE, at)),
                ("command", seq(at, vec![s("/home/runner/run.sh", at)])),
            ],
        ));
    }
    let runner_image = containers
        .iter()
        .find(|c| c.get("name").and_then(Node::scalar_text) == Some("runner"))
        .and_then(|c| c.get("image"))
        .cloned()
        .unwrap_or_else(|| s(CHART_RUNNER_IMAGE, at));
    let mut init = Vec::new();
    let mut volumes = Vec::new();
    let (added_env, added_mounts): (Vec<Node>, Vec<Node>) = match mode {
        "dind" => {
            init.push(map(
                at,
                vec![
                    ("name", s("init-dind-externals", at)),
                    ("image", runner_image),
                    ("command", seq(at, vec![s("cp", at)])),
                    (
                        "args",
                        seq(
                            at,
                            ["-r", "/home/runner/externals/.", "/home/runner/tmpDir/"]
                                .iter()
                                .map(|a| s(a, at))
                                .collect(),
                        ),
                    ),
                    (
                        "volumeMounts",
                        seq(at, vec![mount("dind-externals", "/home/runner/tmpDir", at)]),
                    ),
                ],
            ));
            init.push(map(
                at,
                vec![
                    ("name", s("dind", at)),
                    ("image", s("docker:dind", at)),
                    (
                        "args",
                        seq(
                            at,
                            [
                                "dockerd",
                                "--host=unix:///var/run/docker.sock",
                                "--group=$(DOCKER_GROUP_GID)",
                            ]
                            .iter()
                            .map(|a| s(a, at))
                            .collect(),
                        ),
                    ),
                    ("env", seq(at, vec![env("DOCKER_GROUP_GID", "123", at)])),
                    (
                        "securityContext",
                        map(
                            at,
                            vec![(
                                "privileged",
                                Node {
                                    span: at,
                                    value: NodeValue::Scalar(Scalar::new(
                                        "true",
                                        ScalarStyle::Plain,
                                    )),
                                },
                            )],
                        ),
                    ),
                    ("restartPolicy", s("Always", at)),
                    (
                        "startupProbe",
                        map(
                            at,
                            vec![
                                (
                                    "exec",
                                    map(
                                        at,
                                        vec![(
                                            "command",
                                            seq(at, vec![s("docker", at), s("info", at)]),
                                        )],
                                    ),
                                ),
                                ("initialDelaySeconds", int(0, at)),
                                ("failureThreshold", int(24, at)),
                                ("periodSeconds", int(5, at)),
                            ],
                        ),
                    ),
                    (
                        "volumeMounts",
                        seq(
                            at,
                            vec![
                                mount("work", "/home/runner/_work", at),
                                mount("dind-sock", "/var/run", at),
                                mount("dind-externals", "/home/runner/externals", at),
                            ],
                        ),
                    ),
                ],
            ));
            volumes.push(map(
                at,
                vec![("name", s("dind-sock", at)), ("emptyDir", map(at, vec![]))],
            ));
            volumes.push(map(
                at,
                vec![
                    ("name", s("dind-externals", at)),
                    ("emptyDir", map(at, vec![])),
                ],
            ));
            if !user_list("volumes")
                .iter()
                .any(|v| v.get("name").and_then(Node::scalar_text) == Some("work"))
            {
                volumes.push(map(
                    at,
                    vec![("name", s("work", at)), ("emptyDir", map(at, vec![]))],
                ));
            }
            (
                vec![
                    env("DOCKER_HOST", "unix:///var/run/docker.sock", at),
                    env("RUNNER_WAIT_FOR_DOCKER_IN_SECONDS", "120", at),
                ],
                vec![
                    mount("work", "/home/runner/_work", at),
                    mount("dind-sock", "/var/run", at),
                ],
            )
        }
        "kubernetes" | "kubernetes-novolume" => {
            let hooks = if mode == "kubernetes" {
                "/home/runner/k8s/index.js"
            } else {
                "/home/runner/k8s-novolume/index.js"
            };
            let mut env_vars = vec![
                env("ACTIONS_RUNNER_CONTAINER_HOOKS", hooks, at),
                env_field("ACTIONS_RUNNER_POD_NAME", "metadata.name", at),
                env("ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER", "true", at),
            ];
            let mut mounts = Vec::new();
            if mode == "kubernetes" {
                mounts.push(mount("work", "/home/runner/_work", at));
                if !user_list("volumes")
                    .iter()
                    .any(|v| v.get("name").and_then(Node::scalar_text) == Some("work"))
                {
                    let claim = values
                        .path(&["containerMode", "kubernetesModeWorkVolumeClaim"])
                        .cloned();
                    // Without a claim the chart renders `spec: null`, which the API server rejects.
                    let template = match claim {
                        Some(c) => map(c.span, vec![("spec", c)]),
                        None => map(at, vec![]),
                    };
                    volumes.push(map(
                        at,
                        vec![
                            ("name", s("work", at)),
                            (
                                "ephemeral",
                                map(at, vec![("volumeClaimTemplate", template)]),
                            ),
                        ],
                    ));
                }
            } else {
                env_vars.push(env(
                    "ACTIONS_RUNNER_IMAGE",
                    runner_image.scalar_text().unwrap_or_default(),
                    at,
                ));
            }
            (env_vars, mounts)
        }
        _ => (Vec::new(), Vec::new()),
    };
    for container in containers
        .iter_mut()
        .filter(|c| c.get("name").and_then(Node::scalar_text) == Some("runner"))
    {
        let mut env_list = container
            .get("env")
            .and_then(Node::as_sequence)
            .map(<[Node]>::to_vec)
            .unwrap_or_default();
        for e in &added_env {
            push_unless_named(&mut env_list, e.clone());
        }
        let mut mounts = container
            .get("volumeMounts")
            .and_then(Node::as_sequence)
            .map(<[Node]>::to_vec)
            .unwrap_or_default();
        for m in &added_mounts {
            push_unless_named(&mut mounts, m.clone());
        }
        if !env_list.is_empty() {
            set(container, "env", seq(at, env_list));
        }
        if !mounts.is_empty() {
            set(container, "volumeMounts", seq(at, mounts));
        }
    }
    init.extend(user_list("initContainers"));
    volumes.extend(user_list("volumes"));
    let mut pod = vec![
        (
            "restartPolicy",
            user_spec
                .and_then(|p| p.get("restartPolicy"))
                .cloned()
                .unwrap_or_else(|| s("Never", anchor)),
        ),
        ("serviceAccountName", runner_sa.clone()),
        ("containers", seq(at, containers)),
    ];
    if !init.is_empty() {
        pod.push(("initContainers", seq(at, init)));
    }
    if !volumes.is_empty() {
        pod.push(("volumes", seq(at, volumes)));
    }
    let mut pod = map(user_spec.map_or(anchor, |p| p.span), pod);
    pod = merged(pod, user_spec);
    let mut template = vec![("spec", pod)];
    if let Some(m) = user_template.and_then(|t| t.get("metadata")) {
        template.push(("metadata", m.clone()));
    }
    map(anchor, template)
}

/// A scale set name from a values file name: `values-s.yaml` → `values-s`.
fn guess_name(file: &str) -> String {
    let stem = std::path::Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let cleaned: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let collapsed = cleaned
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let trimmed = collapsed.as_str();
    if trimmed.is_empty() {
        "values".into()
    } else {
        trimmed.chars().take(45).collect()
    }
}
