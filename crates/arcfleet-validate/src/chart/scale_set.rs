//! Scale-set values → what `gha-runner-scale-set` renders (`templates/`): the credentials Secret
//! (`githubsecret.yaml`), the runner ServiceAccount (`no_permission_serviceaccount.yaml`, or
//! `kube_mode_serviceaccount.yaml` with `kube_mode_role.yaml` and `kube_mode_role_binding.yaml`),
//! the manager Role and RoleBinding, and the AutoscalingRunnerSet (`autoscalingrunnerset.yaml`),
//! with every `fail` of those templates.

use std::sync::Arc;

use arcfleet_arc::chart::{Chart, refusals};
use arcfleet_arc::meta::{CLEANUP_FINALIZER, Cleanup, RESERVED_PREFIX, VALUES_HASH_ANNOTATION};
use arcfleet_arc::names::{MAX_NAMESPACE, MAX_SCALE_SET_LABEL, MAX_SCALE_SET_NAME, ScaleSetNames};
use arcfleet_arc::rbac::{kube_mode_rules, manager_rules, policy_rules};
use arcfleet_arc::runner::{ContainerMode, WORK_VOLUME};
use arcfleet_diag::Span;
use arcfleet_yaml::Node;
use base64::Engine;

use super::releases::{ControllerRef, Release};
use super::values::{go_int, go_text, number, printed, s, truthy};
use super::{ChartProblem, Out, ReleaseInfo, keys, runner_pod, typed};

/// Everything the chart renders for `release`.
pub(super) fn render(
    release: &Release,
    controllers: &[ControllerRef],
) -> (Arc<ReleaseInfo>, Vec<Node>, Vec<ChartProblem>) {
    let values = super::with_defaults(Chart::ScaleSet, release);
    let mut out = Out::new(release.home.clone(), release.problems.clone());
    // Whether the input holds all of the release's values.
    let complete = !release.values_partial && release.kind != super::ReleaseKind::PlainValues;
    keys::check(Chart::ScaleSet, &release.values, &mut out);
    let v = &values;
    let at = release.anchor;

    // Names: `runnerScaleSetName`, else the release name.
    let explicit = v.get("runnerScaleSetName").filter(|n| truthy(Some(n)));
    let name = explicit.map_or_else(|| release.name.clone(), go_text);
    let name_span = explicit.map(|n| n.span).or(release.name_span).unwrap_or(at);
    if (explicit.is_some() || !release.name_guessed)
        && (name.is_empty() || name.chars().count() > MAX_SCALE_SET_NAME)
    {
        out.refuse(
            name_span,
            refusals::NAME_TOO_LONG,
            Some(format!(
                "`{name}` has {} characters: ARC names the listener `<name>-<hash>-listener`, which must fit in 63",
                name.chars().count()
            )),
        );
    }
    let namespace_override = v.get("namespaceOverride").filter(|n| truthy(Some(n)));
    let namespace = namespace_override
        .map(go_text)
        .or_else(|| release.namespace.clone());
    let ns_span = namespace_override.map_or(at, |n| n.span);
    if let Some(ns) = &namespace
        && ns.chars().count() > MAX_NAMESPACE
    {
        out.refuse(ns_span, refusals::NAMESPACE_TOO_LONG, None);
    }
    let names = ScaleSetNames::new(&name);
    let mode_node = v.path(&["containerMode", "type"]);
    let mode = mode_node
        .and_then(Node::scalar_text)
        .and_then(ContainerMode::from_chart);
    let mode_span = mode_node.map_or(at, |n| n.span);
    let kube = mode.is_some_and(ContainerMode::is_kubernetes);
    let user_sa = v
        .path(&["template", "spec", "serviceAccountName"])
        .filter(|n| truthy(Some(n)));
    let version = release
        .version
        .as_ref()
        .map(|l| l.text.trim_start_matches('v').to_string());
    let meta = Meta {
        complete,
        name: &name,
        namespace: namespace.as_deref(),
        version: version.as_deref(),
        // The version label points at where the chart version is written, in this file.
        version_span: release
            .version
            .as_ref()
            .filter(|l| Arc::ptr_eq(&l.file, &release.home))
            .map_or(at, |l| l.span),
        values: v,
        at,
    };

    // The credentials Secret, or the name of a pre-created one.
    let secret_node = v.get("githubConfigSecret").filter(|n| !n.is_null());
    let secret_name: Option<Node> = match secret_node {
        Some(n) if n.as_mapping().is_none() && n.as_sequence().is_none() => {
            if truthy(Some(n)) {
                Some(printed(n))
            } else {
                out.refuse(
                    n.span,
                    refusals::SECRET_REQUIRED,
                    Some("name a Secret, or give the credentials".into()),
                );
                None
            }
        }
        Some(map) => {
            credentials_secret(&meta, &names, map, complete, &mut out);
            Some(s(&names.github_secret(), map.span))
        }
        None => {
            out.require(complete, at, refusals::SECRET_REQUIRED, None);
            None
        }
    };

    // The runner's ServiceAccount, unless the template names one.
    let mut cleanup: Vec<(Cleanup, String)> = Vec::new();
    if secret_node.is_some_and(|n| n.as_mapping().is_some()) {
        cleanup.push((Cleanup::GithubSecret, names.github_secret()));
    }
    cleanup.push((Cleanup::ManagerRoleBinding, names.manager()));
    cleanup.push((Cleanup::ManagerRole, names.manager()));
    let runner_sa = match (&user_sa, kube) {
        (Some(sa), _) => printed(sa),
        (None, true) => {
            let sa = names.kube_mode_service_account();
            let role = names.kube_mode_role();
            cleanup.push((Cleanup::KubernetesModeRoleBinding, role.clone()));
            cleanup.push((Cleanup::KubernetesModeRole, role.clone()));
            cleanup.push((Cleanup::KubernetesModeServiceAccount, sa.clone()));
            out.object(object(
                "v1",
                "ServiceAccount",
                meta.of(&sa, "kubernetesModeServiceAccount", None, mode_span, true),
                vec![],
                mode_span,
            ));
            let novolume = mode == Some(ContainerMode::KubernetesNoVolume);
            let mut rules = typed(&policy_rules(&kube_mode_rules(novolume)), mode_span);
            if let (Some(extra), arcfleet_yaml::NodeValue::Sequence(items)) = (
                v.path(&["containerMode", "kubernetesModeAdditionalRoleRules"])
                    .and_then(Node::as_sequence),
                &mut rules.value,
            ) {
                items.extend(extra.iter().cloned());
            }
            out.object(object(
                "rbac.authorization.k8s.io/v1",
                "Role",
                meta.of(&role, "kubernetesModeRole", None, mode_span, false),
                vec![("rules", rules)],
                mode_span,
            ));
            out.object(object(
                "rbac.authorization.k8s.io/v1",
                "RoleBinding",
                meta.of(&role, "kubernetesModeRoleBinding", None, mode_span, false),
                vec![
                    ("roleRef", role_ref(&role, mode_span)),
                    (
                        "subjects",
                        Node::sequence(
                            mode_span,
                            vec![subject(
                                s(&sa, mode_span),
                                namespace.as_deref().map(|ns| s(ns, ns_span)),
                                mode_span,
                            )],
                        ),
                    ),
                ],
                mode_span,
            ));
            s(&sa, mode_span)
        }
        (None, false) => {
            let sa = names.no_permission_service_account();
            cleanup.push((Cleanup::NoPermissionServiceAccount, sa.clone()));
            out.object(object(
                "v1",
                "ServiceAccount",
                meta.of(&sa, "noPermissionServiceAccount", None, at, false),
                vec![],
                at,
            ));
            s(&sa, at)
        }
    };

    // The manager Role and its binding to the controller.
    let tls = v.get("githubServerTLS");
    let manager = names.manager();
    out.object(object(
        "rbac.authorization.k8s.io/v1",
        "Role",
        meta.of(&manager, "managerRole", Some("manager-role"), at, false),
        vec![(
            "rules",
            typed(
                &policy_rules(&manager_rules(truthy(tls))),
                tls.map_or(at, |t| t.span),
            ),
        )],
        at,
    ));
    let controller_sa =
        controller_service_account(release, v, namespace.as_deref(), controllers, &mut out);
    if let Some((sa_name, sa_namespace)) = &controller_sa {
        out.object(object(
            "rbac.authorization.k8s.io/v1",
            "RoleBinding",
            meta.of(
                &manager,
                "managerRoleBinding",
                Some("manager-role-binding"),
                at,
                false,
            ),
            vec![
                ("roleRef", role_ref(&manager, at)),
                (
                    "subjects",
                    Node::sequence(
                        at,
                        vec![subject(sa_name.clone(), Some(sa_namespace.clone()), at)],
                    ),
                ),
            ],
            at,
        ));
    }

    if mode == Some(ContainerMode::Kubernetes) {
        work_claim_overridden(v, &mut out);
    }
    let ars = scale_set(
        &meta,
        &names,
        name_span,
        ns_span,
        secret_name,
        &cleanup,
        runner_pod::template(v, mode, mode_span, runner_sa, at),
        &mut out,
    );
    out.object(ars);

    let info = Arc::new(ReleaseInfo {
        chart: Chart::ScaleSet,
        kind: release.kind,
        name: release.name.clone(),
        name_guessed: release.name_guessed && explicit.is_none(),
        namespace,
        version: release.version.clone(),
        declared_at: release.declared_at.clone(),
        values_partial: release.values_partial,
        controller_service_account: controller_sa.map(|(n, ns)| (go_text(&n), go_text(&ns))),
        container_mode: mode,
    });
    (info, out.objects, out.problems)
}

/// Metadata shared by the chart's objects.
struct Meta<'v> {
    /// Whether the input holds all of the release's values.
    complete: bool,
    name: &'v str,
    namespace: Option<&'v str>,
    version: Option<&'v str>,
    version_span: Span,
    values: &'v Node,
    at: Span,
}

impl Meta<'_> {
    /// `gha-runner-scale-set.labels`.
    fn base_labels(&self, at: Span) -> Vec<(String, Node)> {
        let mut labels = Vec::new();
        let mut push = |k: &str, v: &str| labels.push((k.to_string(), s(v, at)));
        if let Some(version) = self.version {
            push("helm.sh/chart", &format!("gha-rs-{version}"));
        }
        push("app.kubernetes.io/name", self.name);
        push("app.kubernetes.io/instance", self.name);
        if let Some(version) = self.version {
            push(arcfleet_arc::meta::VERSION_LABEL, version);
        }
        push("app.kubernetes.io/managed-by", "Helm");
        push("app.kubernetes.io/part-of", "gha-rs");
        push(arcfleet_arc::meta::SCALE_SET_NAME_LABEL, self.name);
        if let Some(ns) = self.namespace {
            push(arcfleet_arc::meta::SCALE_SET_NAMESPACE_LABEL, ns);
        }
        labels
    }

    /// User labels the chart copies (quoted), without reserved keys.
    fn user_labels(&self, source: Option<&Node>, reserved: &[String]) -> Vec<(String, Node)> {
        source
            .and_then(Node::as_mapping)
            .unwrap_or_default()
            .iter()
            .filter_map(|e| {
                let k = e.key.scalar_text()?;
                (!reserved.iter().any(|r| r == k) && !k.starts_with(RESERVED_PREFIX))
                    .then(|| (k.to_string(), s(&go_text(&e.value), e.value.span)))
            })
            .collect()
    }

    fn resource_meta(&self, object: &str, field: &str) -> Option<&Node> {
        self.values
            .path(&["resourceMeta", object, field])
            .filter(|n| truthy(Some(n)))
    }

    /// Metadata of a chart object other than the scale set: labels, annotations, the cleanup
    /// finalizer.
    fn of(
        &self,
        object_name: &str,
        resource_meta: &str,
        component: Option<&str>,
        at: Span,
        annotations_only_when_set: bool,
    ) -> Node {
        let mut reserved: Vec<String> = self.base_labels(at).into_iter().map(|(k, _)| k).collect();
        reserved.push("app.kubernetes.io/component".into());
        let mut labels = self.user_labels(self.values.get("labels"), &reserved);
        if let Some(extra) = self
            .resource_meta(resource_meta, "labels")
            .and_then(Node::as_mapping)
        {
            labels.extend(
                extra
                    .iter()
                    .filter_map(|e| Some((e.key.scalar_text()?.to_string(), e.value.clone()))),
            );
        }
        labels.extend(self.base_labels(at));
        if let Some(c) = component {
            labels.push(("app.kubernetes.io/component".into(), s(c, at)));
        }
        let mut annotations: Vec<(String, Node)> = Vec::new();
        for source in [
            self.values.get("annotations").filter(|n| truthy(Some(n))),
            self.resource_meta(resource_meta, "annotations"),
        ]
        .into_iter()
        .flatten()
        {
            annotations.extend(
                source
                    .as_mapping()
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|e| Some((e.key.scalar_text()?.to_string(), e.value.clone()))),
            );
        }
        let mut entries = vec![("name".to_string(), s(object_name, at))];
        if let Some(ns) = self.namespace {
            entries.push(("namespace".into(), s(ns, self.at)));
        }
        entries.push(("labels".into(), Node::mapping(at, dedup(labels))));
        if !annotations.is_empty() || !annotations_only_when_set {
            entries.push(("annotations".into(), Node::mapping(at, dedup(annotations))));
        }
        entries.push((
            "finalizers".into(),
            Node::sequence(at, vec![s(CLEANUP_FINALIZER, at)]),
        ));
        Node::mapping(at, entries)
    }
}

/// Later keys win, as when YAML with a repeated key is read back by Helm's `fromYaml`.
fn dedup(entries: Vec<(String, Node)>) -> Vec<(String, Node)> {
    let mut out: Vec<(String, Node)> = Vec::new();
    for (k, v) in entries {
        match out.iter_mut().find(|(existing, _)| *existing == k) {
            Some(slot) => slot.1 = v,
            None => out.push((k, v)),
        }
    }
    out
}

pub(super) fn object(
    api_version: &str,
    kind: &str,
    metadata: Node,
    rest: Vec<(&str, Node)>,
    at: Span,
) -> Node {
    let mut entries = vec![
        ("apiVersion", s(api_version, at)),
        ("kind", s(kind, at)),
        ("metadata", metadata),
    ];
    entries.extend(rest);
    Node::mapping(at, entries)
}

pub(super) fn role_ref(role: &str, at: Span) -> Node {
    Node::mapping(
        at,
        [
            ("apiGroup", s("rbac.authorization.k8s.io", at)),
            ("kind", s("Role", at)),
            ("name", s(role, at)),
        ],
    )
}

pub(super) fn subject(name: Node, namespace: Option<Node>, at: Span) -> Node {
    let mut entries = vec![("kind", s("ServiceAccount", at)), ("name", name)];
    if let Some(ns) = namespace {
        entries.push(("namespace", ns));
    }
    Node::mapping(at, entries)
}

/// `githubsecret.yaml`: the map's non-empty entries, base64-encoded, with the chart's checks.
fn credentials_secret(
    meta: &Meta<'_>,
    names: &ScaleSetNames,
    map: &Node,
    complete: bool,
    out: &mut Out,
) {
    let mut data: Vec<(String, Node)> = Vec::new();
    let mut entries: Vec<&arcfleet_yaml::Entry> =
        map.as_mapping().unwrap_or_default().iter().collect();
    entries.sort_by_key(|e| e.key.scalar_text().unwrap_or_default().to_string());
    let mut present: Vec<&str> = Vec::new();
    for e in entries {
        let Some(key) = e.key.scalar_text() else {
            continue;
        };
        if !truthy(Some(&e.value)) {
            continue;
        }
        present.push(key);
        let encoded = base64::engine::general_purpose::STANDARD.encode(go_text(&e.value));
        data.push((key.to_string(), s(&encoded, e.value.span)));
    }
    use arcfleet_arc::credentials::{APP_ID, APP_INSTALLATION_ID, APP_PRIVATE_KEY, TOKEN};
    let has = |k| present.contains(&k);
    if !has(TOKEN) && !has(APP_ID) {
        out.require(
            complete,
            map.span,
            refusals::SECRET_NO_CREDENTIALS,
            Some(
                "give github_token, or the three github_app_* keys (or name a pre-created Secret)"
                    .into(),
            ),
        );
    } else if has(APP_ID) && !(has(APP_INSTALLATION_ID) && has(APP_PRIVATE_KEY)) {
        out.require(complete, map.span, refusals::SECRET_INCOMPLETE_APP, None);
    }
    let secret_name = names.github_secret();
    out.object(object(
        "v1",
        "Secret",
        meta.of(&secret_name, "githubConfigSecret", None, map.span, false),
        vec![("data", Node::mapping(map.span, data))],
        map.span,
    ));
}

/// The controller's ServiceAccount the manager RoleBinding names: `controllerServiceAccount`,
/// else what the chart's `lookup` of controller Deployments finds (the input's controllers stand
/// for the cluster's; Argo CD renders offline, where the lookup finds nothing).
fn controller_service_account(
    release: &Release,
    v: &Node,
    namespace: Option<&str>,
    controllers: &[ControllerRef],
    out: &mut Out,
) -> Option<(Node, Node)> {
    let given = |key: &str| {
        v.path(&["controllerServiceAccount", key])
            .filter(|n| truthy(Some(n)))
            .map(printed)
    };
    let (name, ns) = (given("name"), given("namespace"));
    if let (Some(name), Some(ns)) = (&name, &ns) {
        return Some((name.clone(), ns.clone()));
    }
    if release.kind == super::ReleaseKind::ArgoApplication {
        out.refuse(
            release.anchor,
            refusals::NO_CONTROLLER_FOUND,
            Some("Argo CD renders charts offline, where the chart's lookup of the controller finds nothing: set controllerServiceAccount.name and .namespace".into()),
        );
        return None;
    }
    let cluster_wide: Vec<&ControllerRef> = controllers
        .iter()
        .filter(|c| c.watch_single_namespace.is_none())
        .collect();
    let found = match (cluster_wide.as_slice(), namespace) {
        ([one], _) if controllers.len() == 1 => Some(*one),
        ([], Some(ns)) => controllers
            .iter()
            .find(|c| c.watch_single_namespace.as_deref() == Some(ns)),
        _ => None,
    }?;
    Some((
        name.unwrap_or_else(|| s(&found.service_account, release.anchor)),
        ns.unwrap_or_else(|| s(&found.namespace, release.anchor)),
    ))
}

/// `autoscalingrunnerset.yaml`.
#[allow(clippy::too_many_arguments)]
fn scale_set(
    meta: &Meta<'_>,
    names: &ScaleSetNames,
    name_span: Span,
    ns_span: Span,
    secret_name: Option<Node>,
    cleanup: &[(Cleanup, String)],
    template: Node,
    out: &mut Out,
) -> Node {
    let v = meta.values;
    let at = meta.at;
    let mut reserved: Vec<String> = meta.base_labels(at).into_iter().map(|(k, _)| k).collect();
    reserved.push("app.kubernetes.io/component".into());
    let mut labels = meta.user_labels(v.get("labels"), &reserved);
    labels.extend(meta.user_labels(
        meta.resource_meta("autoscalingRunnerSet", "labels"),
        &reserved,
    ));
    labels.push((
        "app.kubernetes.io/component".into(),
        s(arcfleet_arc::meta::SCALE_SET_COMPONENT, at),
    ));
    for (k, node) in meta.base_labels(at) {
        let node = if k == arcfleet_arc::meta::VERSION_LABEL {
            Node {
                span: meta.version_span,
                ..node
            }
        } else {
            node
        };
        labels.push((k, node));
    }
    let keep_annotation =
        |k: &str| !(k.starts_with("actions.github.com/cleanup-") || k == VALUES_HASH_ANNOTATION);
    let mut annotations: Vec<(String, Node)> = Vec::new();
    for source in [
        v.get("annotations"),
        meta.resource_meta("autoscalingRunnerSet", "annotations"),
    ] {
        annotations.extend(
            source
                .and_then(Node::as_mapping)
                .unwrap_or_default()
                .iter()
                .filter_map(|e| {
                    let k = e.key.scalar_text()?;
                    keep_annotation(k).then(|| (k.to_string(), s(&go_text(&e.value), e.value.span)))
                }),
        );
    }
    annotations.extend(
        cleanup
            .iter()
            .map(|(c, name)| (c.annotation().to_string(), s(name, at))),
    );
    let mut metadata = vec![("name", s(&names.object_name(), name_span))];
    if let Some(ns) = meta.namespace {
        metadata.push(("namespace", s(ns, ns_span)));
    }
    metadata.push(("labels", Node::mapping(at, dedup(labels))));
    metadata.push(("annotations", Node::mapping(at, dedup(annotations))));

    let mut spec: Vec<(&str, Node)> = Vec::new();
    match v.get("githubConfigUrl").filter(|n| truthy(Some(n))) {
        Some(url) => {
            let text = go_text(url);
            let trimmed = text.strip_suffix('/').unwrap_or(&text);
            spec.push(("githubConfigUrl", Node::plain(trimmed, url.span)));
        }
        None => out.require(
            meta.complete,
            v.get("githubConfigUrl").map_or(at, |n| n.span),
            refusals::URL_REQUIRED,
            Some(
                "set githubConfigUrl to https://github.com/ORG (or ORG/REPO, or enterprises/NAME)"
                    .into(),
            ),
        ),
    }
    if let Some(secret) = secret_name {
        spec.push(("githubConfigSecret", secret));
    }
    for key in ["runnerGroup", "runnerScaleSetName"] {
        if let Some(n) = v.get(key).filter(|n| truthy(Some(n))) {
            spec.push((key, printed(n)));
        }
    }
    if let Some(labels) = v.get("scaleSetLabels").filter(|n| truthy(Some(n)))
        && let Some(items) = labels.as_sequence()
    {
        for item in items {
            if !truthy(Some(item)) {
                out.refuse(item.span, refusals::EMPTY_LABEL, None);
            } else if go_text(item).chars().count() >= MAX_SCALE_SET_LABEL {
                out.refuse(item.span, refusals::LONG_LABEL, None);
            }
        }
        spec.push(("runnerScaleSetLabels", labels.clone()));
    }
    if let Some(tls) = v.get("githubServerTLS").filter(|n| truthy(Some(n))) {
        let mut entries = Vec::new();
        if let Some(from) = tls.get("certificateFrom").filter(|n| truthy(Some(n))) {
            let key_ref = from.get("configMapKeyRef");
            let field = |k: &str| {
                key_ref
                    .and_then(|r| r.get(k))
                    .map_or_else(|| Node::plain("", from.span), printed)
            };
            entries.push((
                "certificateFrom",
                Node::mapping(
                    from.span,
                    [(
                        "configMapKeyRef",
                        Node::mapping(from.span, [("name", field("name")), ("key", field("key"))]),
                    )],
                ),
            ));
        }
        spec.push(("githubServerTLS", Node::mapping(tls.span, entries)));
    }
    if let Some(vault) = v.get("keyVault").filter(|n| truthy(Some(n)))
        && let Some(kind) = vault.get("type").filter(|n| truthy(Some(n)))
    {
        let mut entries = vec![("type", printed(kind))];
        if let Some(proxy) = vault.get("proxy").filter(|n| truthy(Some(n))) {
            entries.push(("proxy", proxy.clone()));
        }
        if go_text(kind) == "azure_key_vault" {
            match vault.get("azureKeyVault").filter(|n| truthy(Some(n))) {
                Some(akv) => {
                    let field = |k: &str| akv.get(k).map_or_else(|| Node::plain("", akv.span), printed);
                    entries.push((
                        "azureKeyVault",
                        Node::mapping(
                            akv.span,
                            ["url", "tenantId", "clientId", "certificatePath", "secretKey"]
                                .map(|k| (k, field(k))),
                        ),
                    ));
                }
                None => out.refuse(
                    vault.span,
                    "nil pointer evaluating interface {}.url (keyVault.azureKeyVault is missing)",
                    Some("the template reads keyVault.azureKeyVault (camelCase), not the azure_key_vault documented in values.yaml".into()),
                ),
            }
        } else {
            out.refuse(
                kind.span,
                &format!(
                    "{}: {} (Helm fails with `wrong number of args for fail`)",
                    refusals::KEY_VAULT_TYPE,
                    go_text(kind)
                ),
                Some("the only supported type is azure_key_vault".into()),
            );
        }
        spec.push(("vaultConfig", Node::mapping(vault.span, entries)));
    }
    if let Some(proxy) = v.get("proxy").filter(|n| truthy(Some(n))) {
        let mut entries = Vec::new();
        for scheme in ["http", "https"] {
            if let Some(p) = proxy.get(scheme).filter(|n| truthy(Some(n))) {
                let mut fields = vec![(
                    "url",
                    p.get("url")
                        .map_or_else(|| Node::plain("", p.span), printed),
                )];
                if let Some(c) = p.get("credentialSecretRef").filter(|n| truthy(Some(n))) {
                    fields.push(("credentialSecretRef", printed(c)));
                }
                entries.push((scheme, Node::mapping(p.span, fields)));
            }
        }
        if let Some(no) = proxy
            .get("noProxy")
            .filter(|n| truthy(Some(n)) && n.as_sequence().is_some())
        {
            entries.push(("noProxy", no.clone()));
        }
        spec.push(("proxy", Node::mapping(proxy.span, entries)));
    }
    runner_bounds(v, &mut spec, out);
    for key in ["listenerTemplate", "listenerMetrics"] {
        if let Some(n) = v.get(key).filter(|n| truthy(Some(n))) {
            spec.push((key, n.clone()));
        }
    }
    for (values_key, spec_key) in [
        ("autoscalingListener", "autoscalingListener"),
        ("listenerServiceAccount", "listenerServiceAccountMetadata"),
        ("listenerRole", "listenerRoleMetadata"),
        ("listenerRoleBinding", "listenerRoleBindingMetadata"),
        ("listenerConfigSecret", "listenerConfigSecretMetadata"),
        ("ephemeralRunnerSet", "ephemeralRunnerSetMetadata"),
        ("ephemeralRunner", "ephemeralRunnerMetadata"),
        (
            "ephemeralRunnerConfigSecret",
            "ephemeralRunnerConfigSecretMetadata",
        ),
    ] {
        if let Some(m) = v
            .path(&["resourceMeta", values_key])
            .filter(|n| truthy(Some(n)))
        {
            let fields: Vec<(&str, Node)> = ["labels", "annotations"]
                .into_iter()
                .filter_map(|f| m.get(f).filter(|n| truthy(Some(n))).map(|n| (f, n.clone())))
                .collect();
            spec.push((spec_key, Node::mapping(m.span, fields)));
        }
    }
    spec.push(("template", template));
    object(
        arcfleet_arc::meta::API_VERSION,
        arcfleet_arc::meta::SCALE_SET_KIND,
        Node::mapping(at, metadata),
        vec![("spec", Node::mapping(at, spec))],
        at,
    )
}

/// `minRunners`/`maxRunners`: rendered only when they are numbers, with the chart's checks.
fn runner_bounds(v: &Node, spec: &mut Vec<(&str, Node)>, out: &mut Out) {
    let (min, max) = (v.get("minRunners"), v.get("maxRunners"));
    let (min_n, max_n) = (number(min), number(max));
    if let (Some(lo), Some(hi)) = (min_n, max_n)
        && lo > hi
        && let Some(min) = min
    {
        out.refuse(min.span, refusals::MIN_GT_MAX, None);
    }
    for (key, node, n, refusal) in [
        ("maxRunners", max, max_n, refusals::MAX_NEGATIVE),
        ("minRunners", min, min_n, refusals::MIN_NEGATIVE),
    ] {
        let Some(node) = node.filter(|n| !n.is_null()) else {
            continue;
        };
        match n {
            Some(_) => {
                let value = go_int(node);
                if value < 0 {
                    out.refuse(node.span, refusal, None);
                }
                spec.push((key, Node::plain(&value.to_string(), node.span)));
            }
            // Filled in before Helm sees it (a Flux substitution, a `valuesFrom` reference):
            // kept as it is, for the rules to leave alone.
            None if node.as_str().is_some_and(crate::views::is_placeholder) => {
                spec.push((key, node.clone()));
            }
            // `minRunners: "0"` is dropped, and ARC's default is the same 0.
            None if key == "minRunners" && go_text(node).trim() == "0" => {}
            None => {
                let what = if key == "maxRunners" {
                    "the scale set has no maximum (ARC scales up to 2147483647 runners)"
                } else {
                    "the scale set keeps no idle runners"
                };
                out.warn(
                    node.span,
                    format!("the chart renders {key} only when it is a number, so `{}` is dropped and {what}", go_text(node)),
                    Some(format!("write {key} without quotes")),
                );
            }
        }
    }
}

/// `containerMode.kubernetesModeWorkVolumeClaim` is used only when `template.spec.volumes` has
/// no `work` volume (`kubernetes-mode-work-volume` in `_helpers.tpl`); with one, the claim the
/// user configured is ignored (which matters only when the two claims differ).
fn work_claim_overridden(v: &Node, out: &mut Out) {
    let Some(claim) = v
        .path(&["containerMode", "kubernetesModeWorkVolumeClaim"])
        .filter(|c| !c.is_null())
    else {
        return;
    };
    let declared = v
        .path(&["template", "spec", "volumes"])
        .and_then(Node::as_sequence)
        .unwrap_or_default()
        .iter()
        .find(|volume| volume.get("name").and_then(Node::scalar_text) == Some(WORK_VOLUME));
    let same_claim = declared
        .and_then(|volume| volume.path(&["ephemeral", "volumeClaimTemplate", "spec"]))
        .is_some_and(|spec| arcfleet_yaml::to_json(spec) == arcfleet_yaml::to_json(claim));
    if declared.is_some() && !same_claim {
        let key = v
            .get("containerMode")
            .map_or(claim.span, |m| m.key_span("kubernetesModeWorkVolumeClaim"));
        out.warn(
            key,
            format!("containerMode.kubernetesModeWorkVolumeClaim is ignored: template.spec.volumes declares `{WORK_VOLUME}`, and the chart uses that volume instead"),
            Some(format!("keep one of the two: the claim here, or the `{WORK_VOLUME}` volume")),
        );
    }
}
