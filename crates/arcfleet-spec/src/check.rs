//! Checks a loaded spec and resolves it into a [`Fleet`]. Every problem is reported (not just
//! the first), each at the spec node it is about.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use arcfleet_diag::{Diagnostic, Diagnostics};
use arcfleet_k8s::{
    Quantity, default_headroom, is_dns1123_label, is_dns1123_subdomain,
    quota_requires_every_container,
};

use crate::fleet::{Fleet, PodShape, ResolvedController, ResolvedNamespace, ResolvedSet};
use crate::load::LoadedSpec;
use crate::model::{API_VERSION, Auth, ContainerMode, KIND, QuotaSpec, RunnerSet};
use arcfleet_arc::names::MAX_SCALE_SET_NAME;
use arcfleet_arc::{KubeVersion, Version};

/// Settings that come from outside the spec.
#[derive(Clone, Debug, Default)]
pub struct ResolveOptions {
    /// Target Kubernetes version when the spec has no `kubernetesVersion` (e.g. Argo CD's
    /// `KUBE_VERSION`). The spec's value wins.
    pub kubernetes_version: Option<String>,
}

/// Checks `spec` and builds the resolved fleet, or returns every problem found.
pub fn resolve(spec: &LoadedSpec, options: &ResolveOptions) -> Result<Fleet, Diagnostics> {
    let mut checker = Checker {
        spec,
        errors: Vec::new(),
    };
    let fleet = checker.run(options);
    match fleet {
        Some(fleet) if checker.errors.is_empty() => Ok(fleet),
        _ => {
            checker
                .errors
                .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            Err(Diagnostics(checker.errors))
        }
    }
}

struct Checker<'a> {
    spec: &'a LoadedSpec,
    errors: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, pointer: &str, message: impl Into<String>, hint: Option<String>) {
        let diag = self.spec.error_at(pointer, message);
        self.errors.push(match hint {
            Some(h) => diag.with_hint(h),
            None => diag,
        });
    }

    fn run(&mut self, options: &ResolveOptions) -> Option<Fleet> {
        let doc = &self.spec.document;
        if doc.api_version != API_VERSION {
            self.error(
                "/apiVersion",
                format!("apiVersion `{}` is not supported", doc.api_version),
                Some(format!("use `{API_VERSION}`")),
            );
        }
        if doc.kind != KIND {
            self.error(
                "/kind",
                format!("kind `{}` is not a fleet spec", doc.kind),
                Some(format!("use `{KIND}`")),
            );
        }
        if !is_dns1123_label(&doc.metadata.name) {
            self.error(
                "/metadata/name",
                dns_label_message("fleet name", &doc.metadata.name),
                None,
            );
        }
        let kubernetes_version = self.kubernetes_version(options);
        let controller = self.controller();
        self.secret_store_and_registries();
        self.classes();
        let sets = self.sets();
        self.capacities(&sets);
        self.shared_secrets(&sets);
        let namespaces = self.namespaces(&sets, controller.as_ref());
        self.monitoring();
        let source_name = std::path::Path::new(self.spec.file.name())
            .file_name()
            .map_or_else(
                || "fleet.yaml".to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
        Some(Fleet {
            name: doc.metadata.name.clone(),
            source_name,
            kubernetes_version: kubernetes_version?,
            controller: controller?,
            secret_store: doc.spec.secret_store.clone(),
            registries: doc.spec.registries.clone(),
            classes: doc.spec.runner_classes.clone(),
            sets,
            namespaces,
            monitoring: doc.spec.monitoring.clone(),
        })
    }

    fn monitoring(&mut self) {
        let spec = &self.spec.document.spec;
        let Some(monitoring) = &spec.monitoring else {
            return;
        };
        if spec.controller.metrics.is_none() {
            self.key_error(
                "/spec/monitoring",
                "monitoring needs controller.metrics: without it the controller and listeners expose no metrics".into(),
                Some("add controller.metrics: {port: 8080}".into()),
            );
        }
        let a = &monitoring.alerts;
        let durations = [
            ("failedRunners/for", &a.failed_runners.for_),
            ("saturated/for", &a.saturated.for_),
            ("queueTime/window", &a.queue_time.window),
            ("queueTime/for", &a.queue_time.for_),
            ("targetDown/for", &a.target_down.for_),
        ];
        for (field, value) in durations {
            if !is_prometheus_duration(value) {
                self.error(
                    &format!("/spec/monitoring/alerts/{field}"),
                    format!("`{value}` is not a Prometheus duration such as 30s, 10m or 1h"),
                    None,
                );
            }
        }
        if !(a.queue_time.quantile > 0.0 && a.queue_time.quantile < 1.0) {
            self.error(
                "/spec/monitoring/alerts/queueTime/quantile",
                "quantile must be between 0 and 1 (exclusive)",
                None,
            );
        }
        if a.queue_time.threshold_seconds == 0 {
            self.error(
                "/spec/monitoring/alerts/queueTime/thresholdSeconds",
                "thresholdSeconds must be at least 1",
                None,
            );
        }
    }

    fn kubernetes_version(&mut self, options: &ResolveOptions) -> Option<KubeVersion> {
        match (
            &self.spec.document.spec.kubernetes_version,
            &options.kubernetes_version,
        ) {
            (Some(v), _) => match v.parse() {
                Ok(k) => Some(k),
                Err(e) => {
                    self.error("/spec/kubernetesVersion", e, None);
                    None
                }
            },
            (None, Some(v)) => match v.parse() {
                Ok(k) => Some(k),
                Err(e) => {
                    self.error(
                        "/spec",
                        format!("{e} (from the command line or KUBE_VERSION)"),
                        None,
                    );
                    None
                }
            },
            (None, None) => {
                self.error(
                    "/spec",
                    "the target Kubernetes version is unknown: the Docker-in-Docker form depends on it",
                    Some("set spec.kubernetesVersion, or pass --kube-version".into()),
                );
                None
            }
        }
    }

    fn controller(&mut self) -> Option<ResolvedController> {
        let c = &self.spec.document.spec.controller;
        let version: Option<Version> = match c.version.parse() {
            Ok(v) => Some(v),
            Err(e) => {
                self.error("/spec/controller/version", e.to_string(), None);
                None
            }
        };
        if !is_dns1123_label(&c.namespace) {
            self.error(
                "/spec/controller/namespace",
                dns_label_message("namespace", &c.namespace),
                None,
            );
        }
        if !is_dns1123_label(&c.name) {
            self.error(
                "/spec/controller/name",
                dns_label_message("controller name", &c.name),
                None,
            );
        }
        let last_segment = c.image.rsplit('/').next().unwrap_or_default();
        if c.image.is_empty() || last_segment.contains([':', '@']) {
            self.error(
                "/spec/controller/image",
                format!(
                    "controller image `{}` must be a repository without a tag",
                    c.image
                ),
                Some("the tag is always controller.version".into()),
            );
        }
        if c.replicas == 0 {
            self.error(
                "/spec/controller/replicas",
                "replicas must be at least 1: without a controller no runner is created",
                None,
            );
        }
        if c.metrics.as_ref().is_some_and(|m| m.port == 0) {
            self.error(
                "/spec/controller/metrics/port",
                "metrics port must be between 1 and 65535",
                None,
            );
        }
        if let (Some(strategy), Some(v)) = (c.update_strategy, version)
            && !v.has_update_strategy_flag()
        {
            self.error(
                    "/spec/controller/updateStrategy",
                    format!("controller {v} has no --update-strategy flag (it exists in 0.5.0 to 0.14.x); with it the controller exits at start"),
                    Some(format!("remove updateStrategy: {}", serde_json::to_string(&strategy).unwrap_or_default().trim_matches('"'))),
                );
        }
        if let (Some(crds), Some(v)) = (&c.crds, version)
            && crds.render
            && let Err(unknown) = arcfleet_arc::crds::crd_urls(v)
        {
            self.error(
                "/spec/controller/version",
                format!("{unknown}; controller.crds.render needs the CRDs of a release"),
                Some("use a released version, or set controller.crds.render: false".into()),
            );
        }
        Some(ResolvedController {
            spec: c.clone(),
            version: version?,
        })
    }

    fn secret_store_and_registries(&mut self) {
        let spec = &self.spec.document.spec;
        if !is_dns1123_subdomain(&spec.secret_store.name) {
            self.error(
                "/spec/secretStore/name",
                dns_label_message("secret store name", &spec.secret_store.name),
                None,
            );
        }
        for (name, registry) in &spec.registries {
            let base = format!("/spec/registries/{}", escape(name));
            if !is_dns1123_label(name) {
                self.key_error(&base, dns_label_message("registry name", name), None);
            }
            if registry.server.is_empty() || registry.server.contains('/') {
                self.error(
                    &format!("{base}/server"),
                    "server must be a registry host such as ghcr.io",
                    None,
                );
            }
            if registry.remote_ref.key.is_empty() {
                self.error(
                    &format!("{base}/remoteRef/key"),
                    "remoteRef.key must not be empty",
                    None,
                );
            }
        }
    }

    fn key_error(&mut self, pointer: &str, message: String, hint: Option<String>) {
        let diag = self.spec.error_at_key(pointer, message);
        self.errors.push(match hint {
            Some(h) => diag.with_hint(h),
            None => diag,
        });
    }

    fn classes(&mut self) {
        let spec = &self.spec.document.spec;
        for (name, class) in &spec.runner_classes {
            let base = format!("/spec/runnerClasses/{}", escape(name));
            if !is_dns1123_label(name) {
                self.key_error(&base, dns_label_message("runner class name", name), None);
            }
            if class.image.trim().is_empty() {
                self.error(&format!("{base}/image"), "image must not be empty", None);
            }
            for (i, registry) in class.image_pull_secrets.iter().enumerate() {
                if !spec.registries.contains_key(registry) {
                    let hint = suggest(registry, spec.registries.keys());
                    self.error(
                        &format!("{base}/imagePullSecrets/{i}"),
                        format!("unknown registry `{registry}`: imagePullSecrets name entries of spec.registries"),
                        hint,
                    );
                }
            }
            if class.active_deadline_seconds.is_some_and(|s| s <= 0) {
                self.error(
                    &format!("{base}/activeDeadlineSeconds"),
                    "activeDeadlineSeconds must be positive",
                    None,
                );
            }
            match class.mode {
                ContainerMode::Dind => {
                    for field in ["workVolume", "workflowPod"] {
                        if self.spec.root.pointer(&format!("{base}/{field}")).is_some() {
                            self.key_error(
                                &format!("{base}/{field}"),
                                format!("{field} applies to mode `kubernetes` only; this class is `dind`"),
                                None,
                            );
                        }
                    }
                }
                ContainerMode::Kubernetes => {
                    if self.spec.root.pointer(&format!("{base}/dind")).is_some() {
                        self.key_error(
                            &format!("{base}/dind"),
                            "dind applies to mode `dind` only; this class is `kubernetes`".into(),
                            None,
                        );
                    }
                    if class.work_volume.is_none() {
                        self.key_error(
                            &base,
                            format!("runner class `{name}` is in Kubernetes mode but has no workVolume: the hook needs the ephemeral `work` claim"),
                            Some("add workVolume: {storageClassName: ..., size: 15Gi}".into()),
                        );
                    }
                }
            }
            if let Some(pod) = &class.workflow_pod {
                let mut names = BTreeSet::new();
                for (i, cache) in pod.caches.iter().enumerate() {
                    let at = format!("{base}/workflowPod/caches/{i}");
                    if !is_dns1123_label(&cache.name) || cache.name == "work" {
                        self.error(
                            &format!("{at}/name"),
                            format!(
                                "cache name `{}` must be a DNS-1123 label other than `work`",
                                cache.name
                            ),
                            None,
                        );
                    }
                    if !names.insert(cache.name.as_str()) {
                        self.error(
                            &format!("{at}/name"),
                            format!("cache name `{}` is used twice", cache.name),
                            None,
                        );
                    }
                    if !cache.mount_path.starts_with('/') {
                        self.error(
                            &format!("{at}/mountPath"),
                            "mountPath must be an absolute path",
                            None,
                        );
                    }
                    if cache.persistent_volume_claim.is_some() == cache.host_path.is_some() {
                        self.error(
                            &at,
                            "a cache needs exactly one of persistentVolumeClaim or hostPath",
                            None,
                        );
                    }
                }
            }
        }
    }

    fn sets(&mut self) -> Vec<ResolvedSet> {
        let spec = &self.spec.document.spec;
        let mut identities: HashMap<(String, String, String), usize> = HashMap::new();
        let mut names: HashMap<(String, String), usize> = HashMap::new();
        let mut sets = Vec::new();
        for (index, set) in spec.runner_sets.iter().enumerate() {
            let base = format!("/spec/runnerSets/{index}");
            self.set_fields(&base, set);
            let url = set.github_config_url.trim_end_matches('/').to_string();
            let group = set.runner_group.clone().unwrap_or_else(|| "default".into());
            let identity = (
                url.to_lowercase(),
                group.to_lowercase(),
                set.name.to_lowercase(),
            );
            if let Some(first) = identities.insert(identity, index) {
                self.error(
                    &format!("{base}/name"),
                    format!("runner set `{}` has the same GitHub URL, runner group and name as runnerSets[{first}]: both listeners would claim one GitHub scale set", set.name),
                    Some("rename one of them or put it in another runner group".into()),
                );
            } else if let Some(first) =
                names.insert((set.namespace.clone(), set.name.clone()), index)
            {
                self.error(
                    &format!("{base}/name"),
                    format!(
                        "runnerSets[{first}] already has the name `{}` in namespace `{}`",
                        set.name, set.namespace
                    ),
                    None,
                );
            }
            let secret_name = set.auth.secret_name.clone().unwrap_or_else(|| {
                if set.auth.github_app.is_some() {
                    "github-app"
                } else {
                    "github-token"
                }
                .to_string()
            });
            let headroom = set
                .headroom
                .unwrap_or_else(|| default_headroom(set.max_runners));
            sets.push(ResolvedSet {
                index,
                name: set.name.clone(),
                namespace: set.namespace.clone(),
                github_config_url: url,
                runner_group: set.runner_group.clone(),
                labels: set.labels.clone(),
                auth: set.auth.clone(),
                secret_name,
                class: set.class.clone(),
                min_runners: set.min_runners,
                max_runners: set.max_runners,
                headroom,
            });
        }
        sets
    }

    fn set_fields(&mut self, base: &str, set: &RunnerSet) {
        let spec = &self.spec.document.spec;
        if !is_dns1123_label(&set.name) || set.name.len() > MAX_SCALE_SET_NAME {
            self.error(
                &format!("{base}/name"),
                format!("runner set name `{}` must be a DNS-1123 label of at most {MAX_SCALE_SET_NAME} characters (ARC appends a listener suffix)", set.name),
                None,
            );
        }
        if !is_dns1123_label(&set.namespace) {
            self.error(
                &format!("{base}/namespace"),
                dns_label_message("namespace", &set.namespace),
                None,
            );
        }
        if let Err(why) = check_github_url(&set.github_config_url) {
            self.error(&format!("{base}/githubConfigUrl"), why, Some("use https://github.com/ORG, https://github.com/ORG/REPO or https://github.com/enterprises/ENTERPRISE".into()));
        }
        if !spec.runner_classes.contains_key(&set.class) {
            let hint = suggest(&set.class, spec.runner_classes.keys());
            self.error(
                &format!("{base}/class"),
                format!("unknown runner class `{}`", set.class),
                hint,
            );
        }
        if set.min_runners > set.max_runners {
            self.error(
                &format!("{base}/minRunners"),
                format!("minRunners ({}) is greater than maxRunners ({}); ARC's listener refuses to start", set.min_runners, set.max_runners),
                None,
            );
        }
        if !set.labels.is_empty()
            && let Ok(v) = spec.controller.version.parse::<Version>()
            && !v.has_scale_set_labels()
        {
            self.error(
                &format!("{base}/labels"),
                format!("runner set labels need ARC 0.14.0 or later (controller is {v})"),
                None,
            );
        }
        for (i, label) in set.labels.iter().enumerate() {
            if label.is_empty() || label.len() >= 256 {
                self.error(
                    &format!("{base}/labels/{i}"),
                    "each label must be non-empty and shorter than 256 characters",
                    None,
                );
            }
        }
        self.auth(&format!("{base}/auth"), &set.auth);
    }

    fn auth(&mut self, base: &str, auth: &Auth) {
        match (&auth.github_app, &auth.github_token) {
            (Some(_), Some(_)) => self.error(
                base,
                "auth has both githubApp and githubToken; ARC refuses a Secret with both",
                Some("keep one of them".into()),
            ),
            (None, None) => self.error(base, "auth needs githubApp or githubToken", None),
            (Some(app), None) if app.remote_key.is_empty() => {
                self.error(
                    &format!("{base}/githubApp/remoteKey"),
                    "remoteKey must not be empty",
                    None,
                );
            }
            (None, Some(token)) if token.remote_key.is_empty() => {
                self.error(
                    &format!("{base}/githubToken/remoteKey"),
                    "remoteKey must not be empty",
                    None,
                );
            }
            _ => {}
        }
        if let Some(name) = &auth.secret_name
            && !is_dns1123_subdomain(name)
        {
            self.error(
                &format!("{base}/secretName"),
                dns_label_message("Secret name", name),
                None,
            );
        }
    }

    fn capacities(&mut self, sets: &[ResolvedSet]) {
        let spec = &self.spec.document.spec;
        for (name, class) in &spec.runner_classes {
            let Some(capacity) = class.capacity else {
                continue;
            };
            let users: Vec<&ResolvedSet> = sets.iter().filter(|s| &s.class == name).collect();
            let total: u64 = users.iter().map(|s| u64::from(s.max_runners)).sum();
            if total > u64::from(capacity) {
                let detail = users
                    .iter()
                    .map(|s| format!("{} {}", s.name, s.max_runners))
                    .collect::<Vec<_>>()
                    .join(" + ");
                self.error(
                    &format!("/spec/runnerClasses/{}/capacity", escape(name)),
                    format!("runner class `{name}` has capacity {capacity} but its sets may run {total} runners at once ({detail}); the extra runners would wait for devices that do not exist"),
                    Some("lower maxRunners of those sets or raise capacity".into()),
                );
            }
        }
    }

    fn shared_secrets(&mut self, sets: &[ResolvedSet]) {
        let mut owners: BTreeMap<(&str, &str), &ResolvedSet> = BTreeMap::new();
        for set in sets {
            let key = (set.namespace.as_str(), set.secret_name.as_str());
            match owners.get(&key) {
                None => {
                    owners.insert(key, set);
                }
                Some(first) if !same_credentials(&first.auth, &set.auth) => {
                    let first_index = first.index;
                    self.error(
                        &format!("/spec/runnerSets/{}/auth", set.index),
                        format!("runner set `{}` would share Secret `{}` in namespace `{}` with runnerSets[{first_index}], but their credentials differ", set.name, set.secret_name, set.namespace),
                        Some("give one of them auth.secretName".into()),
                    );
                }
                Some(_) => {}
            }
        }
    }

    fn namespaces(
        &mut self,
        sets: &[ResolvedSet],
        controller: Option<&ResolvedController>,
    ) -> Vec<ResolvedNamespace> {
        let spec = &self.spec.document.spec;
        let controller_ns = spec.controller.namespace.as_str();
        let mut names: BTreeSet<&str> = sets.iter().map(|s| s.namespace.as_str()).collect();
        names.insert(controller_ns);
        for name in spec.namespaces.keys() {
            if !names.contains(name.as_str()) {
                let hint = suggest(name, names.iter());
                self.key_error(
                    &format!("/spec/namespaces/{}", escape(name)),
                    format!("namespace `{name}` has settings but neither the controller nor a runner set lives there"),
                    hint,
                );
            }
        }
        let mut out = Vec::new();
        for name in names {
            let settings = spec.namespaces.get(name).cloned().unwrap_or_default();
            let demand = self.demand(name, sets, controller);
            let base = format!("/spec/namespaces/{}/quota", escape(name));
            let quota = match &settings.quota {
                None => None,
                Some(QuotaSpec::Auto(_)) => Some(demand.auto_quota()),
                Some(QuotaSpec::Explicit(hard)) => {
                    self.check_quota(&base, name, hard, &demand);
                    Some(hard.clone())
                }
            };
            if settings.quota.is_some() {
                for problem in demand.unset_compute(quota.as_ref()) {
                    self.error(
                        &base,
                        problem,
                        Some(
                            "set that resource on the container, or remove it from the quota"
                                .into(),
                        ),
                    );
                }
            }
            out.push(ResolvedNamespace {
                name: name.to_string(),
                labels: settings.labels,
                quota,
            });
        }
        out
    }

    fn demand(
        &self,
        namespace: &str,
        sets: &[ResolvedSet],
        controller: Option<&ResolvedController>,
    ) -> Demand {
        let spec = &self.spec.document.spec;
        let mut demand = Demand::default();
        for set in sets.iter().filter(|s| s.namespace == namespace) {
            let Some(class) = spec.runner_classes.get(&set.class) else {
                continue;
            };
            let pods = i64::from(set.max_runners) + i64::from(set.headroom);
            let at_max = i64::from(set.max_runners);
            demand.add(
                format!("runner pod of `{}`", set.name),
                PodShape::runner(class),
                pods,
                at_max,
            );
            if let Some(workflow) = PodShape::workflow(class) {
                demand.add(
                    format!("workflow pod of `{}`", set.name),
                    workflow,
                    pods,
                    at_max,
                );
            }
        }
        if let Some(c) = controller.filter(|c| c.spec.namespace == namespace) {
            let replicas = i64::from(c.spec.replicas);
            demand.add(
                "controller pod".into(),
                PodShape::controller(&c.spec),
                replicas,
                replicas,
            );
            let listeners = i64::try_from(sets.len()).unwrap_or(i64::MAX);
            demand.add(
                "listener pod".into(),
                PodShape::listener(&c.spec),
                listeners,
                listeners,
            );
        }
        demand
    }

    fn check_quota(
        &mut self,
        base: &str,
        namespace: &str,
        hard: &BTreeMap<String, Quantity>,
        demand: &Demand,
    ) {
        for (resource, limit) in hard {
            let (at_max, with_headroom) = demand.totals(resource);
            if with_headroom > *limit {
                let (needed, what) = if at_max > *limit {
                    (at_max.canonical_for(resource), "at maxRunners")
                } else {
                    (
                        with_headroom.canonical_for(resource),
                        "at maxRunners + headroom",
                    )
                };
                self.error(
                    &format!("{base}/{}", escape(resource)),
                    format!("quota `{resource}: {limit}` in namespace `{namespace}` cannot hold its pods {what}: they need {needed}"),
                    Some(format!("raise {resource} to at least {}, lower maxRunners, or use `quota: auto`", with_headroom.canonical_for(resource))),
                );
            }
        }
    }
}

/// The pods a namespace must hold.
#[derive(Default)]
struct Demand {
    /// (what, shape, pods with headroom, pods at maxRunners)
    pods: Vec<(String, PodShape, i64, i64)>,
}

impl Demand {
    fn add(&mut self, what: String, shape: PodShape, with_headroom: i64, at_max: i64) {
        self.pods.push((what, shape, with_headroom, at_max));
    }

    /// Usage of `resource` at maxRunners and at maxRunners + headroom.
    fn totals(&self, resource: &str) -> (Quantity, Quantity) {
        let mut at_max = Quantity::zero();
        let mut with_headroom = Quantity::zero();
        for (_, shape, pods, max) in &self.pods {
            let usage = shape.usage();
            if let Some(per_pod) = usage.0.get(resource) {
                at_max = per_pod
                    .checked_mul(*max)
                    .and_then(|q| at_max.checked_add(&q))
                    .unwrap_or(at_max);
                with_headroom = per_pod
                    .checked_mul(*pods)
                    .and_then(|q| with_headroom.checked_add(&q))
                    .unwrap_or(with_headroom);
            }
        }
        (at_max, with_headroom)
    }

    /// A quota that holds every pod at maxRunners + headroom, limiting only what every container
    /// sets (a quota on an unset resource makes Kubernetes refuse the pod).
    fn auto_quota(&self) -> BTreeMap<String, Quantity> {
        let mut names: BTreeSet<String> = BTreeSet::new();
        for (_, shape, _, _) in &self.pods {
            names.extend(shape.usage().0.into_keys());
        }
        names
            .into_iter()
            .filter(|name| match quota_requires_every_container(name) {
                // Plain `cpu`/`memory` duplicate `requests.*`; keep the explicit form.
                Some(_) if !name.contains('.') => false,
                Some((field, resource)) => self.every_container_sets(field, resource),
                None => name == "pods" || name.starts_with("requests."),
            })
            .map(|name| {
                let (_, total) = self.totals(&name);
                let value = total.canonical_for(&name);
                (name, value)
            })
            .collect()
    }

    fn every_container_sets(&self, field: &str, resource: &str) -> bool {
        self.pods.iter().all(|(_, shape, _, _)| {
            shape
                .containers
                .iter()
                .all(|(_, _, res)| container_sets(res, field, resource))
        })
    }

    /// Containers that leave unset a compute resource the quota limits.
    fn unset_compute(&self, quota: Option<&BTreeMap<String, Quantity>>) -> Vec<String> {
        let Some(quota) = quota else {
            return Vec::new();
        };
        let mut problems = Vec::new();
        for name in quota.keys() {
            let Some((field, resource)) = quota_requires_every_container(name) else {
                continue;
            };
            for (what, shape, _, _) in &self.pods {
                for (container, _, res) in &shape.containers {
                    if !container_sets(res, field, resource) {
                        problems.push(format!(
                            "the quota limits `{name}` but container `{container}` of the {what} sets no {field}.{resource}; Kubernetes refuses such pods"
                        ));
                    }
                }
            }
        }
        problems
    }
}

fn container_sets(res: &arcfleet_k8s::ContainerResources, field: &str, resource: &str) -> bool {
    match field {
        "limits" => res.limits.contains_key(resource),
        _ => res.effective_requests().contains_key(resource),
    }
}

fn same_credentials(a: &Auth, b: &Auth) -> bool {
    a.github_app == b.github_app && a.github_token == b.github_token
}

/// ARC's `ParseGitHubConfigFromURL`: an org, `org/repo` or `enterprises/<name>` under a host.
fn check_github_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .ok_or_else(|| format!("githubConfigUrl `{url}` must start with https://"))?;
    if rest.contains(['?', '#', ' ']) {
        return Err(format!(
            "githubConfigUrl `{url}` must not have a query, fragment or spaces"
        ));
    }
    let mut parts = rest.trim_end_matches('/').split('/');
    let host = parts.next().unwrap_or("");
    if host.is_empty() {
        return Err(format!("githubConfigUrl `{url}` has no host"));
    }
    let path: Vec<&str> = parts.collect();
    match path.as_slice() {
        [org] if !org.is_empty() => Ok(()),
        [a, b] if !a.is_empty() && !b.is_empty() => Ok(()),
        _ => Err(format!(
            "githubConfigUrl `{url}` must point to an organization, a repository or an enterprise"
        )),
    }
}

/// Prometheus durations: one or more `<number><unit>` with units ms, s, m, h, d, w, y.
fn is_prometheus_duration(text: &str) -> bool {
    let mut rest = text;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        let unit = ["ms", "s", "m", "h", "d", "w", "y"]
            .into_iter()
            .find(|u| rest.starts_with(u));
        match unit {
            Some(u) => rest = &rest[u.len()..],
            None => return false,
        }
    }
    true
}

fn dns_label_message(what: &str, name: &str) -> String {
    format!(
        "{what} `{name}` must be a DNS-1123 label: lowercase letters, digits and `-`, at most 63 characters, starting and ending with a letter or digit"
    )
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn suggest<I, S>(given: &str, known: I) -> Option<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    arcfleet_yaml::closest(given, known).map(|k| format!("did you mean `{k}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prometheus_durations() {
        for ok in ["5m", "1h30m", "90s", "500ms", "1d"] {
            assert!(is_prometheus_duration(ok), "{ok}");
        }
        for bad in ["", "5", "m", "5 m", "1.5h", "5min"] {
            assert!(!is_prometheus_duration(bad), "{bad}");
        }
    }

    #[test]
    fn github_urls() {
        for ok in [
            "https://github.com/org",
            "https://github.com/org/repo/",
            "https://ghe.example.com/enterprises/e",
        ] {
            assert!(check_github_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://github.com/org",
            "https://github.com",
            "https://github.com/",
            "https://github.com/a/b/c",
            "github.com/org",
        ] {
            assert!(check_github_url(bad).is_err(), "{bad}");
        }
    }
}
