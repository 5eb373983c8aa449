//! Controller values → what `gha-runner-scale-set-controller` renders (`templates/`): the
//! ServiceAccount, the cluster-wide or single-namespace RBAC, the listener Role, the
//! leader-election Role, and the Deployment with the arguments of
//! [`arcfleet_arc::controller::ControllerArgs`].

use std::sync::Arc;

use arcfleet_arc::chart::{Chart, refusals};
use arcfleet_arc::controller::{
    ControllerArgs, IMAGE_REPOSITORY, LISTENER_IMAGE_ENV, MANAGER_CONTAINER, MetricsAddrs,
    POD_NAMESPACE_ENV, trailing_port,
};
use arcfleet_arc::meta::{
    CONTROLLER_PART_OF, CONTROLLER_SA_NAME_LABEL, CONTROLLER_SA_NAMESPACE_LABEL,
    CONTROLLER_WATCH_NAMESPACE_LABEL,
};
use arcfleet_arc::names::{controller_fullname, controller_name};
use arcfleet_arc::rbac::{
    CONTROLLER_CLUSTER_ROLE, CONTROLLER_LISTENER_ROLE, CONTROLLER_SINGLE_NAMESPACE_ROLE,
    CONTROLLER_WATCH_ROLE, LEADER_ELECTION_ROLE, RuleSpec, policy_rules,
};
use arcfleet_arc::runner::{empty_dir, env_field, mount};
use arcfleet_diag::Span;
use arcfleet_yaml::Node;

use super::releases::{ControllerRef, Release};
use super::scale_set::{object, subject};
use super::values::{go_int, go_text, printed, s, text, truthy};
use super::{ChartProblem, Out, ReleaseInfo, keys, typed};

/// Everything the chart renders for `release`, and the controller as the scale-set chart's
/// lookup sees it.
pub(super) fn render(
    release: &Release,
) -> (
    Arc<ReleaseInfo>,
    Vec<Node>,
    Vec<ChartProblem>,
    Option<ControllerRef>,
) {
    let values = super::with_defaults(Chart::Controller, release);
    let mut out = Out::new(release.home.clone(), release.problems.clone());
    keys::check(Chart::Controller, &release.values, &mut out);
    let v = &values;
    let at = release.anchor;
    let string = |path: &[&str]| text(v, path).unwrap_or_default().to_string();
    let fullname = controller_fullname(
        &release.name,
        &string(&["nameOverride"]),
        &string(&["fullnameOverride"]),
    );
    let name = controller_name(&string(&["nameOverride"]));
    let namespace_override = v.get("namespaceOverride").filter(|n| truthy(Some(n)));
    let namespace = namespace_override
        .map(go_text)
        .or_else(|| release.namespace.clone());
    let ns_span = namespace_override.map_or(at, |n| n.span);
    let ns_node = |span: Span| namespace.as_deref().map(|ns| s(ns, span));

    // `serviceAccountName` with the chart's checks.
    let sa_node = v.path(&["serviceAccount", "name"]);
    let sa_span = sa_node.map_or(at, |n| n.span);
    let create = truthy(v.path(&["serviceAccount", "create"]));
    let sa_given = sa_node.filter(|n| truthy(Some(n))).map(go_text);
    if sa_given.as_deref() == Some("default") {
        out.refuse(
            sa_span,
            refusals::SA_DEFAULT,
            Some("name the controller's own ServiceAccount".into()),
        );
    }
    let service_account = match (create, sa_given) {
        (true, given) => given.unwrap_or_else(|| fullname.clone()),
        (false, Some(given)) => given,
        (false, None) => {
            out.refuse(sa_span, refusals::SA_NAME_REQUIRED, None);
            fullname.clone()
        }
    };
    let sa_value = s(&service_account, sa_span);

    let version = release
        .version
        .as_ref()
        .map(|l| l.text.trim_start_matches('v').to_string());
    let version_span = release
        .version
        .as_ref()
        .filter(|l| Arc::ptr_eq(&l.file, &release.home))
        .map_or(at, |l| l.span);
    let mut labels: Vec<(String, Node)> = Vec::new();
    if let Some(version) = &version {
        labels.push((
            "helm.sh/chart".into(),
            s(&format!("gha-rs-controller-{version}"), at),
        ));
    }
    let selector = vec![
        ("app.kubernetes.io/name".to_string(), s(&name, at)),
        (
            "app.kubernetes.io/namespace".to_string(),
            s(namespace.as_deref().unwrap_or_default(), ns_span),
        ),
        (
            "app.kubernetes.io/instance".to_string(),
            s(&release.name, at),
        ),
    ];
    labels.extend(selector.iter().cloned());
    if let Some(version) = &version {
        labels.push(("app.kubernetes.io/version".into(), s(version, version_span)));
    }
    labels.push((
        "app.kubernetes.io/part-of".into(),
        s(CONTROLLER_PART_OF, at),
    ));
    labels.push(("app.kubernetes.io/managed-by".into(), s("Helm", at)));
    for e in v
        .get("labels")
        .and_then(Node::as_mapping)
        .unwrap_or_default()
    {
        if let Some(k) = e.key.scalar_text() {
            labels.push((k.to_string(), s(&go_text(&e.value), e.value.span)));
        }
    }
    let metadata = |object_name: &str, namespaced: Option<Node>, with_labels: bool| {
        let mut entries = vec![("name".to_string(), s(object_name, at))];
        if let Some(ns) = namespaced {
            entries.push(("namespace".into(), ns));
        }
        if with_labels {
            entries.push(("labels".into(), Node::mapping(at, labels.clone())));
        }
        Node::mapping(at, entries)
    };
    let rules = |rules: &[RuleSpec]| typed(&policy_rules(rules), at);
    let binding = |object_name: &str, ns: Option<Node>, kind: &str, role: &str| {
        let mut rest = vec![(
            "roleRef",
            Node::mapping(
                at,
                [
                    ("apiGroup", s("rbac.authorization.k8s.io", at)),
                    ("kind", s(kind, at)),
                    ("name", s(role, at)),
                ],
            ),
        )];
        rest.push((
            "subjects",
            Node::sequence(at, vec![subject(sa_value.clone(), ns_node(ns_span), at)]),
        ));
        let api = "rbac.authorization.k8s.io/v1";
        let kind_name = if ns.is_some() {
            "RoleBinding"
        } else {
            "ClusterRoleBinding"
        };
        object(api, kind_name, metadata(object_name, ns, false), rest, at)
    };

    if create {
        let mut meta = metadata(&service_account, ns_node(ns_span), true);
        if let Some(a) = v
            .path(&["serviceAccount", "annotations"])
            .filter(|n| truthy(Some(n)))
        {
            meta.insert("annotations", a.clone());
        }
        out.object(object("v1", "ServiceAccount", meta, vec![], sa_span));
    }
    let watch = v
        .path(&["flags", "watchSingleNamespace"])
        .filter(|n| truthy(Some(n)));
    let role_api = "rbac.authorization.k8s.io/v1";
    match watch {
        None => {
            out.object(object(
                role_api,
                "ClusterRole",
                metadata(&fullname, None, false),
                vec![("rules", rules(CONTROLLER_CLUSTER_ROLE))],
                at,
            ));
            out.object(binding(&fullname, None, "ClusterRole", &fullname));
        }
        Some(watched) => {
            let watched_ns = printed(watched);
            let single = format!("{fullname}-single-namespace");
            let watch_role = format!("{fullname}-single-namespace-watch");
            out.object(object(
                role_api,
                "Role",
                metadata(&single, ns_node(ns_span), false),
                vec![("rules", rules(CONTROLLER_SINGLE_NAMESPACE_ROLE))],
                at,
            ));
            out.object(binding(&single, ns_node(ns_span), "Role", &single));
            out.object(object(
                role_api,
                "Role",
                metadata(&watch_role, Some(watched_ns.clone()), false),
                vec![("rules", rules(CONTROLLER_WATCH_ROLE))],
                at,
            ));
            out.object(binding(&watch_role, Some(watched_ns), "Role", &watch_role));
        }
    }
    let listener = format!("{fullname}-listener");
    out.object(object(
        role_api,
        "Role",
        metadata(&listener, ns_node(ns_span), false),
        vec![("rules", rules(CONTROLLER_LISTENER_ROLE))],
        at,
    ));
    out.object(binding(&listener, ns_node(ns_span), "Role", &listener));
    let replicas = v.get("replicaCount").filter(|n| truthy(Some(n)));
    let replica_count = replicas.map_or(1, go_int);
    if replica_count > 1 {
        let election = format!("{fullname}-leader-election");
        out.object(object(
            role_api,
            "Role",
            metadata(&election, ns_node(ns_span), false),
            vec![("rules", rules(LEADER_ELECTION_ROLE))],
            at,
        ));
        out.object(binding(&election, ns_node(ns_span), "Role", &election));
    }

    // The Deployment.
    let repository = v
        .path(&["image", "repository"])
        .map_or_else(|| IMAGE_REPOSITORY.to_string(), go_text);
    let tag_node = v.path(&["image", "tag"]).filter(|n| truthy(Some(n)));
    let tag = tag_node.map(go_text).or_else(|| version.clone());
    let image_span = tag_node
        .or_else(|| v.path(&["image", "repository"]))
        .map_or(version_span, |n| n.span);
    // Without a tag or a chart version the tag is decided at install: a placeholder, which the
    // rules do not judge.
    let image = Some(format!(
        "{repository}:{}",
        tag.unwrap_or_else(|| "${chart version}".to_string())
    ));
    let flag = |key: &str| {
        v.path(&["flags", key])
            .filter(|n| truthy(Some(n)))
            .map(go_text)
    };
    let metrics = v.get("metrics").filter(|n| truthy(Some(n)));
    let pprof = v.path(&["pprof", "addr"]).filter(|n| truthy(Some(n)));
    let pull_secrets: Vec<String> = v
        .get("imagePullSecrets")
        .and_then(Node::as_sequence)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.get("name").map(go_text))
        .collect();
    let args = ControllerArgs {
        leader_election_id: (replica_count > 1).then(|| fullname.clone()),
        image_pull_secrets: pull_secrets,
        log_level: flag("logLevel"),
        log_format: flag("logFormat"),
        watch_single_namespace: flag("watchSingleNamespace"),
        runner_max_concurrent_reconciles: flag("runnerMaxConcurrentReconciles"),
        update_strategy: flag("updateStrategy"),
        metrics: metrics.map(|m| {
            let field = |k: &str| m.get(k).map(go_text).unwrap_or_default();
            MetricsAddrs {
                listener_addr: field("listenerAddr"),
                listener_endpoint: field("listenerEndpoint"),
                controller_addr: field("controllerManagerAddr"),
            }
        }),
        pprof_addr: pprof.map(go_text),
        exclude_label_propagation_prefixes: v
            .path(&["flags", "excludeLabelPropagationPrefixes"])
            .and_then(Node::as_sequence)
            .unwrap_or_default()
            .iter()
            .map(go_text)
            .collect(),
        k8s_client_rate_limiter_qps: flag("k8sClientRateLimiterQPS"),
        k8s_client_rate_limiter_burst: flag("k8sClientRateLimiterBurst"),
        workqueue_rate_limiter: v
            .path(&["flags", "rateLimiter", "name"])
            .filter(|n| truthy(Some(n)))
            .map(go_text),
        health_probe_bind_address: flag("healthProbeBindAddress"),
    };
    let args: Vec<Node> = args
        .args()
        .into_iter()
        .map(|a| {
            let span = a.from.and_then(|p| v.path(p)).map_or(at, |n| n.span);
            s(&a.text, span)
        })
        .collect();
    let image_node = image.as_ref().map(|i| s(i, image_span));
    let mut container = vec![("name", s(MANAGER_CONTAINER, at))];
    if let Some(image) = &image_node {
        container.push(("image", image.clone()));
    }
    if let Some(policy) = v.path(&["image", "pullPolicy"]) {
        container.push(("imagePullPolicy", printed(policy)));
    }
    container.push(("args", Node::sequence(at, args)));
    container.push(("command", Node::sequence(at, vec![s("/manager", at)])));
    let mut ports = Vec::new();
    if let Some(m) = metrics {
        let addr = m.get("controllerManagerAddr");
        match addr.map(go_text).as_deref().and_then(trailing_port) {
            Some(port) => ports.push(port_node(port, "metrics", addr.map_or(m.span, |a| a.span))),
            None => out.refuse(
                addr.map_or(m.span, |a| a.span),
                refusals::METRICS_PORT,
                None,
            ),
        }
    }
    if let Some(p) = pprof {
        match trailing_port(&go_text(p)) {
            Some(port) => ports.push(port_node(port, "pprof", p.span)),
            None => out.refuse(p.span, refusals::PPROF_PORT, None),
        }
    }
    if !ports.is_empty() {
        container.push(("ports", Node::sequence(at, ports)));
    }
    if let Some(probe) = v
        .path(&["flags", "healthProbeBindAddress"])
        .filter(|n| truthy(Some(n)))
        && let Some(port) = trailing_port(&go_text(probe)).map(str::to_string)
    {
        container.push((
            "livenessProbe",
            probe_node("/healthz", &port, 15, 20, probe.span),
        ));
        container.push((
            "readinessProbe",
            probe_node("/readyz", &port, 5, 10, probe.span),
        ));
    }
    let mut env = vec![];
    if let Some(image) = &image_node {
        env.push(Node::mapping(
            at,
            [
                ("name", s(LISTENER_IMAGE_ENV, at)),
                ("value", image.clone()),
            ],
        ));
    }
    env.push(typed(
        &env_field(POD_NAMESPACE_ENV, "metadata.namespace"),
        at,
    ));
    if let Some(extra) = v.get("env").and_then(Node::as_sequence) {
        env.extend(extra.iter().cloned());
    }
    container.push(("env", Node::sequence(at, env)));
    for (key, field) in [
        ("resources", "resources"),
        ("securityContext", "securityContext"),
    ] {
        if let Some(n) = v.get(key).filter(|n| truthy(Some(n))) {
            container.push((field, n.clone()));
        }
    }
    let mut mounts = vec![typed(&mount("tmp", "/tmp"), at)];
    mounts.extend(
        v.get("volumeMounts")
            .and_then(Node::as_sequence)
            .unwrap_or_default()
            .iter()
            .cloned(),
    );
    container.push(("volumeMounts", Node::sequence(at, mounts)));

    let mut pod = Vec::new();
    if let Some(p) = v.get("imagePullSecrets").filter(|n| truthy(Some(n))) {
        pod.push(("imagePullSecrets", p.clone()));
    }
    pod.push(("serviceAccountName", sa_value.clone()));
    if let Some(p) = v.get("podSecurityContext").filter(|n| truthy(Some(n))) {
        pod.push(("securityContext", p.clone()));
    }
    if let Some(p) = v.get("priorityClassName").filter(|n| truthy(Some(n))) {
        pod.push(("priorityClassName", s(&go_text(p), p.span)));
    }
    pod.push((
        "containers",
        Node::sequence(at, vec![Node::mapping(at, container)]),
    ));
    pod.push(("terminationGracePeriodSeconds", Node::plain("10", at)));
    let mut volumes = vec![typed(&empty_dir("tmp"), at)];
    volumes.extend(
        v.get("volumes")
            .and_then(Node::as_sequence)
            .unwrap_or_default()
            .iter()
            .cloned(),
    );
    pod.push(("volumes", Node::sequence(at, volumes)));
    for key in [
        "nodeSelector",
        "affinity",
        "topologySpreadConstraints",
        "tolerations",
    ] {
        if let Some(n) = v.get(key).filter(|n| truthy(Some(n))) {
            pod.push((key, n.clone()));
        }
    }
    let mut pod_labels = vec![
        (
            "app.kubernetes.io/part-of".to_string(),
            s(CONTROLLER_PART_OF, at),
        ),
        (
            "app.kubernetes.io/component".to_string(),
            s("controller-manager", at),
        ),
    ];
    if let Some(version) = &version {
        pod_labels.push(("app.kubernetes.io/version".into(), s(version, version_span)));
    }
    pod_labels.extend(selector.iter().cloned());
    if let Some(extra) = v.get("podLabels").and_then(Node::as_mapping) {
        pod_labels.extend(
            extra
                .iter()
                .filter_map(|e| Some((e.key.scalar_text()?.to_string(), e.value.clone()))),
        );
    }
    let mut annotations = vec![(
        "kubectl.kubernetes.io/default-container".to_string(),
        s(MANAGER_CONTAINER, at),
    )];
    if let Some(extra) = v.get("podAnnotations").and_then(Node::as_mapping) {
        annotations.extend(
            extra
                .iter()
                .filter_map(|e| Some((e.key.scalar_text()?.to_string(), e.value.clone()))),
        );
    }
    let mut deployment_labels = labels.clone();
    deployment_labels.push((
        CONTROLLER_SA_NAMESPACE_LABEL.into(),
        s(namespace.as_deref().unwrap_or_default(), ns_span),
    ));
    deployment_labels.push((CONTROLLER_SA_NAME_LABEL.into(), sa_value.clone()));
    if let Some(w) = watch {
        deployment_labels.push((CONTROLLER_WATCH_NAMESPACE_LABEL.into(), printed(w)));
    }
    let mut meta = vec![("name".to_string(), s(&fullname, at))];
    if let Some(ns) = ns_node(ns_span) {
        meta.push(("namespace".into(), ns));
    }
    meta.push(("labels".into(), Node::mapping(at, deployment_labels)));
    out.object(object(
        "apps/v1",
        "Deployment",
        Node::mapping(at, meta),
        vec![(
            "spec",
            Node::mapping(
                at,
                [
                    (
                        "replicas",
                        Node::plain(&replica_count.to_string(), replicas.map_or(at, |r| r.span)),
                    ),
                    (
                        "selector",
                        Node::mapping(at, [("matchLabels", Node::mapping(at, selector.clone()))]),
                    ),
                    (
                        "template",
                        Node::mapping(
                            at,
                            [
                                (
                                    "metadata",
                                    Node::mapping(
                                        at,
                                        [
                                            ("annotations", Node::mapping(at, annotations)),
                                            ("labels", Node::mapping(at, pod_labels)),
                                        ],
                                    ),
                                ),
                                ("spec", Node::mapping(at, pod)),
                            ],
                        ),
                    ),
                ],
            ),
        )],
        at,
    ));

    let controller = namespace.clone().map(|ns| ControllerRef {
        service_account: service_account.clone(),
        namespace: ns,
        watch_single_namespace: watch.map(go_text),
    });
    let info = Arc::new(ReleaseInfo {
        chart: Chart::Controller,
        kind: release.kind,
        name: release.name.clone(),
        name_guessed: release.name_guessed,
        namespace,
        version: release.version.clone(),
        declared_at: release.declared_at.clone(),
        values_partial: release.values_partial,
        controller_service_account: None,
        container_mode: None,
    });
    (info, out.objects, out.problems, controller)
}

fn port_node(port: &str, name: &str, at: Span) -> Node {
    Node::mapping(
        at,
        [
            ("containerPort", Node::plain(port, at)),
            ("protocol", s("TCP", at)),
            ("name", s(name, at)),
        ],
    )
}

fn probe_node(path: &str, port: &str, delay: u32, period: u32, at: Span) -> Node {
    Node::mapping(
        at,
        [
            (
                "httpGet",
                Node::mapping(at, [("path", s(path, at)), ("port", Node::plain(port, at))]),
            ),
            ("initialDelaySeconds", Node::plain(&delay.to_string(), at)),
            ("periodSeconds", Node::plain(&period.to_string(), at)),
        ],
    )
}
