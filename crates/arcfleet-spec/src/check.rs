//! Checks a loaded spec and resolves it into a [`Fleet`]. Every problem is reported (not just
//! the first), each at the spec node it is about.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use arcfleet_diag::{Diagnostic, Diagnostics, Severity};
use arcfleet_k8s::{
    Headroom, NamespaceDemand, Quantity, QuotaFit, is_dns1123_label, is_dns1123_subdomain,
    is_quota_resource_name, quota_requires_every_container, standard_quota_resources,
};
use k8s_openapi::api::core::v1::{Affinity, PodSecurityContext, Volume, VolumeMount};

use crate::fleet::class_pointer;
use crate::kube;
use crate::model::{KubeValue, RunnerClass};
use arcfleet_arc::runner::{DIND_STORAGE_VOLUME, WIRED_VOLUMES};

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
    /// Headroom of sets that set none (the policy's formula; `validate` judges quotas by the
    /// same).
    pub headroom: Headroom,
}

/// Checks `spec` and builds the resolved fleet, or returns every problem found.
pub fn resolve(spec: &LoadedSpec, options: &ResolveOptions) -> Result<Fleet, Diagnostics> {
    let mut checker = Checker {
        spec,
        errors: Vec::new(),
        warnings: Vec::new(),
        headroom: options.headroom,
    };
    let fleet = checker.run(options);
    match fleet {
        Some(mut fleet) if checker.errors.is_empty() => {
            checker
                .warnings
                .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            fleet.warnings = checker.warnings;
            Ok(fleet)
        }
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
    warnings: Vec<Diagnostic>,
    headroom: Headroom,
}

impl Checker<'_> {
    /// An error about a missing `field` (dotted) of the node at `pointer`: at that node when it
    /// is written, else at the key of its closest written ancestor, where to add it.
    fn error_where_missing(&mut self, pointer: &str, message: String, field: &str) {
        if self.spec.root.pointer(pointer).is_some() {
            let hint = format!("set `{field}` here, or drop it from the quota");
            return self.error(pointer, message, Some(hint));
        }
        let mut at = pointer;
        while let Some((parent, _)) = at.rsplit_once('/') {
            at = parent;
            if self.spec.root.pointer(at).is_some() {
                break;
            }
        }
        let missing = pointer[at.len()..]
            .trim_start_matches('/')
            .replace('/', ".");
        let hint = format!("set `{missing}.{field}` here, or drop it from the quota");
        self.key_error(at, message, Some(hint));
    }

    fn warning(&mut self, pointer: &str, message: impl Into<String>, hint: Option<String>) {
        let mut diag = self.spec.error_at(pointer, message);
        diag.severity = Severity::Warning;
        self.warnings.push(match hint {
            Some(h) => diag.with_hint(h),
            None => diag,
        });
    }

    /// Checks a Kubernetes fragment of the spec at `pointer` against type `T`.
    fn kube<T: serde::de::DeserializeOwned + serde::Serialize>(
        &mut self,
        pointer: &str,
        value: Option<&KubeValue>,
        what: &str,
    ) -> Option<T> {
        match kube::parse::<T>(value?, what) {
            Ok(typed) => Some(typed),
            Err(problems) => {
                for problem in problems {
                    let at = format!("{pointer}{}", problem.pointer);
                    if problem.unknown_key {
                        self.key_error(&at, problem.message, None);
                    } else {
                        self.error(&at, problem.message, None);
                    }
                }
                None
            }
        }
    }

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
            warnings: Vec::new(),
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
            self.class_extras(&base, class);
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

    /// The pod fields of a class beyond ARC's wiring: Kubernetes fragments, volumes and their
    /// mounts, the runner ServiceAccount, the hook template, the DinD daemon's extras.
    fn class_extras(&mut self, base: &str, class: &RunnerClass) {
        self.kube::<Affinity>(
            &format!("{base}/affinity"),
            class.affinity.as_ref(),
            "Affinity",
        );
        self.kube::<PodSecurityContext>(
            &format!("{base}/securityContext"),
            class.security_context.as_ref(),
            "PodSecurityContext",
        );
        let mut volumes: BTreeSet<String> = BTreeSet::new();
        for (i, volume) in class.volumes.iter().enumerate() {
            let at = format!("{base}/volumes/{i}");
            let Some(volume) = self.kube::<Volume>(&at, Some(volume), "Volume") else {
                continue;
            };
            if WIRED_VOLUMES.contains(&volume.name.as_str()) {
                self.error(
                    &format!("{at}/name"),
                    format!(
                        "volume name `{}` is taken by ARC's wiring of the runner pod",
                        volume.name
                    ),
                    Some("choose another name".into()),
                );
            } else if !is_dns1123_label(&volume.name) {
                self.error(
                    &format!("{at}/name"),
                    dns_label_message("volume name", &volume.name),
                    None,
                );
            } else if !volumes.insert(volume.name.clone()) {
                self.error(
                    &format!("{at}/name"),
                    format!("volume `{}` is defined twice", volume.name),
                    None,
                );
            }
        }
        for (i, mount) in class.volume_mounts.iter().enumerate() {
            let at = format!("{base}/volumeMounts/{i}");
            let Some(mount) = self.kube::<VolumeMount>(&at, Some(mount), "VolumeMount") else {
                continue;
            };
            if !volumes.contains(&mount.name) && !WIRED_VOLUMES.contains(&mount.name.as_str()) {
                let hint = suggest(&mount.name, volumes.iter());
                self.error(
                    &format!("{at}/name"),
                    format!(
                        "mount of volume `{}`, which this class does not define",
                        mount.name
                    ),
                    hint,
                );
            }
            if !mount.mount_path.starts_with('/') {
                self.error(
                    &format!("{at}/mountPath"),
                    "mountPath must be an absolute path",
                    None,
                );
            }
        }
        if let Some(name) = &class.service_account_name
            && !is_dns1123_subdomain(name)
        {
            self.error(
                &format!("{base}/serviceAccountName"),
                dns_label_message("ServiceAccount name", name),
                None,
            );
        }
        if let Some(hook) = &class.hook_template {
            let at = format!("{base}/hookTemplate");
            if class.mode != ContainerMode::Kubernetes {
                self.key_error(
                    &at,
                    "hookTemplate applies to mode `kubernetes` only".into(),
                    None,
                );
            }
            if let Some(name) = &hook.config_map_name
                && !is_dns1123_subdomain(name)
            {
                self.error(
                    &format!("{at}/configMapName"),
                    dns_label_message("ConfigMap name", name),
                    None,
                );
            }
            if let Some(path) = &hook.path
                && (!path.starts_with('/') || path.ends_with('/'))
            {
                self.error(
                    &format!("{at}/path"),
                    "path must be the absolute path of a file",
                    None,
                );
            }
        }
        if let Some(dind) = &class.dind {
            self.kube::<Volume>(
                &format!("{base}/dind/storage"),
                dind.storage
                    .as_ref()
                    .map(|v| named_volume(v, DIND_STORAGE_VOLUME))
                    .as_ref(),
                "volume source",
            );
            if dind.mtu.is_some_and(|m| !(68..=65535).contains(&m)) {
                self.error(
                    &format!("{base}/dind/mtu"),
                    "mtu must be between 68 and 65535",
                    None,
                );
            }
            for (i, arg) in dind.args.iter().enumerate() {
                if !arg.starts_with('-') {
                    self.error(
                        &format!("{base}/dind/args/{i}"),
                        format!("`{arg}` is not a dockerd flag"),
                        Some(
                            "write flags as `--name=value`; the daemon command itself is ARC's"
                                .into(),
                        ),
                    );
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
            let secret_name = match (&set.auth.existing_secret, &set.auth.secret_name) {
                (Some(existing), _) => existing.clone(),
                (None, Some(name)) => name.clone(),
                (None, None) if set.auth.github_app.is_some() => "github-app".into(),
                (None, None) => "github-token".into(),
            };
            let headroom = set
                .headroom
                .unwrap_or_else(|| self.headroom.pods(set.max_runners));
            let class = spec.runner_classes.get(&set.class);
            let runner = match (class, &set.overrides) {
                (Some(class), Some(overrides)) => class.with_overrides(overrides),
                (Some(class), None) => class.clone(),
                // Reported by set_fields; the set is not rendered.
                (None, _) => continue,
            };
            let resources_pointer = if set
                .overrides
                .as_ref()
                .is_some_and(|o| o.resources.is_some())
            {
                format!("{base}/overrides/resources")
            } else {
                format!("{}/resources", class_pointer(&set.class))
            };
            self.kube::<Affinity>(
                &format!("{base}/overrides/affinity"),
                set.overrides.as_ref().and_then(|o| o.affinity.as_ref()),
                "Affinity",
            );
            let proxy = self.kube::<arcfleet_crds::ProxyConfig>(
                &format!("{base}/proxy"),
                set.proxy.as_ref(),
                "scale set proxy",
            );
            if let Some(path) = set
                .github_server_tls
                .as_ref()
                .and_then(|t| t.runner_mount_path.as_ref())
                && !path.starts_with('/')
            {
                self.error(
                    &format!("{base}/githubServerTLS/runnerMountPath"),
                    "runnerMountPath must be an absolute path",
                    None,
                );
            }
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
                runner,
                overrides: set.overrides.clone(),
                resources_pointer,
                github_server_tls: set.github_server_tls.clone(),
                proxy,
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
        let given = [
            auth.github_app.is_some(),
            auth.github_token.is_some(),
            auth.existing_secret.is_some(),
        ];
        match given.iter().filter(|g| **g).count() {
            0 => self.error(
                base,
                "auth needs githubApp, githubToken or existingSecret",
                None,
            ),
            1 => {}
            _ => self.error(
                base,
                "auth has more than one of githubApp, githubToken and existingSecret; ARC reads one Secret, with one kind of credentials",
                Some("keep one of them".into()),
            ),
        }
        if let Some(app) = &auth.github_app {
            match (app.remote_key.is_empty(), &app.values) {
                (true, None) => self.error(
                    &format!("{base}/githubApp"),
                    "githubApp needs remoteKey (one stored secret with three properties) or values (each value on its own)",
                    None,
                ),
                (false, Some(_)) => self.error(
                    &format!("{base}/githubApp/values"),
                    "githubApp has both remoteKey and values; keep one",
                    None,
                ),
                _ => {}
            }
        }
        if let Some(token) = &auth.github_token
            && token.remote_key.is_empty()
        {
            self.error(
                &format!("{base}/githubToken/remoteKey"),
                "remoteKey must not be empty",
                None,
            );
        }
        if let Some(name) = &auth.existing_secret
            && !is_dns1123_subdomain(name)
        {
            self.error(
                &format!("{base}/existingSecret"),
                dns_label_message("Secret name", name),
                None,
            );
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
        let mut unset: BTreeMap<(String, &'static str, String), Vec<String>> = BTreeMap::new();
        for name in names {
            let settings = spec.namespaces.get(name).cloned().unwrap_or_default();
            let demand = self.demand(name, sets, controller);
            let base = format!("/spec/namespaces/{}/quota", escape(name));
            let quota = match &settings.quota {
                None => None,
                Some(QuotaSpec::Auto(_)) => {
                    let (quota, unbounded) = demand.auto_quota();
                    if !unbounded.is_empty() {
                        self.warning(
                            &base,
                            format!(
                                "`quota: auto` in namespace `{name}` does not limit {}: {} set no requests, and a quota on them would refuse those pods",
                                unbounded.iter().map(|(r, _)| format!("`{r}`")).collect::<Vec<_>>().join(" or "),
                                unbounded.first().map(|(_, who)| who.join(", ")).unwrap_or_default(),
                            ),
                            Some("give those containers resources (controller.resources, controller.listener.resources, a class's resources) so the quota bounds every dimension".into()),
                        );
                    }
                    Some(quota)
                }
                Some(QuotaSpec::Explicit(hard)) => {
                    self.check_quota(&base, name, hard, &demand, controller);
                    Some(hard.clone())
                }
            };
            if let Some(quota) = &quota {
                demand.unset_compute(name, quota, &mut unset);
            }
            out.push(ResolvedNamespace {
                name: name.to_string(),
                labels: settings.labels,
                quota,
            });
        }
        // One error per container that lacks a resource, at the spec node that sets its
        // resources, however many sets and namespaces share it.
        for ((source, container, needed), pods) in unset {
            self.error_where_missing(
                &source,
                format!(
                    "container `{container}` sets no {needed}, but a quota limits it for the {}: Kubernetes refuses such pods",
                    pods.join(", ")
                ),
                &needed,
            );
        }
        out
    }

    fn demand(
        &self,
        namespace: &str,
        sets: &[ResolvedSet],
        controller: Option<&ResolvedController>,
    ) -> Demand {
        let mut demand = Demand::default();
        for set in sets.iter().filter(|s| s.namespace == namespace) {
            let pods = u64::from(set.max_runners) + u64::from(set.headroom);
            let at_max = u64::from(set.max_runners);
            demand.add(
                format!("runner pods of `{}`", set.name),
                PodShape::runner(set),
                pods,
                at_max,
            );
            if let Some(workflow) = PodShape::workflow(set) {
                demand.add(
                    format!("workflow pods of `{}`", set.name),
                    workflow,
                    pods,
                    at_max,
                );
            }
        }
        if let Some(c) = controller.filter(|c| c.spec.namespace == namespace) {
            let replicas = u64::from(c.spec.replicas);
            demand.add(
                "controller pod".into(),
                PodShape::controller(&c.spec),
                replicas,
                replicas,
            );
            let listeners = u64::try_from(sets.len()).unwrap_or(u64::MAX);
            demand.add(
                "listener pods".into(),
                PodShape::listener(&c.spec),
                listeners,
                listeners,
            );
        }
        demand
    }

    /// An explicit quota: keys the API server accepts, and room for the pods. Judged as
    /// `validate`'s `quota-headroom` judges it (the same arithmetic, `arcfleet_k8s`): short only
    /// of headroom is a warning; short at maxRunners is a warning where ARC retries refused pods
    /// (0.13.1 on) and an error before, where their runners fail for good.
    fn check_quota(
        &mut self,
        base: &str,
        namespace: &str,
        hard: &BTreeMap<String, Quantity>,
        demand: &Demand,
        controller: Option<&ResolvedController>,
    ) {
        let retries = controller.is_none_or(|c| c.version.retries_quota_refusals());
        for (resource, limit) in hard {
            let at = format!("{base}/{}", escape(resource));
            if !is_quota_resource_name(resource) {
                let hint = suggest(resource, standard_quota_resources().iter());
                self.key_error(
                    &at,
                    format!("`{resource}` is not a resource a ResourceQuota can limit: the API server refuses the quota"),
                    hint.or_else(|| Some("use a standard name (`requests.cpu`, `limits.memory`, `pods`, …) or an extended resource with its domain (`requests.nvidia.com/gpu`)".into())),
                );
                continue;
            }
            let parts = demand.counts.breakdown(resource);
            match demand.counts.fit(resource, limit) {
                QuotaFit::Fits => {}
                QuotaFit::ShortAtMax { at_max, needed } => {
                    let needed = needed.human_for(resource);
                    let message = format!(
                        "quota `{resource}: {limit}` in namespace `{namespace}` cannot hold its pods at maxRunners: they need {} ({needed} with headroom: {parts})",
                        at_max.human_for(resource)
                    );
                    let hint = Some(format!(
                        "raise {resource} to at least {needed}, or lower maxRunners"
                    ));
                    if retries {
                        self.warning(&at, format!("{message}; the API server refuses the extra runner pods and ARC retries them"), hint);
                    } else {
                        self.error(&at, format!("{message}; this controller marks refused runners failed for good (before ARC 0.13.1)"), hint);
                    }
                }
                QuotaFit::ShortOfHeadroom { needed } => {
                    let needed = needed.human_for(resource);
                    self.warning(
                        &at,
                        format!("quota `{resource}: {limit}` in namespace `{namespace}` holds its pods at maxRunners but not their headroom: they need {needed} ({parts})"),
                        Some(format!("raise {resource} to {needed} so replacement runners are not refused, or set the sets' headroom")),
                    );
                }
            }
        }
    }
}

/// The pods a namespace must hold: their shapes (which container sets what, and where in the
/// spec) and their counts (the quota arithmetic `validate` uses too).
#[derive(Default)]
struct Demand {
    shapes: Vec<(String, PodShape)>,
    counts: NamespaceDemand,
}

impl Demand {
    fn add(&mut self, what: String, shape: PodShape, with_headroom: u64, at_max: u64) {
        self.counts
            .add(what.clone(), shape.usage(), at_max, with_headroom);
        self.shapes.push((what, shape));
    }

    /// A quota that holds every pod at maxRunners + headroom, limiting only what every container
    /// sets (a quota on an unset resource makes Kubernetes refuse the pod); and the requests it
    /// could not limit, each with the containers that set none.
    #[allow(clippy::type_complexity)]
    fn auto_quota(&self) -> (BTreeMap<String, Quantity>, Vec<(String, Vec<String>)>) {
        let quota = self
            .counts
            .resources()
            .into_iter()
            .filter(|name| match quota_requires_every_container(name) {
                // Plain `cpu`/`memory` duplicate `requests.*`; keep the explicit form.
                Some(_) if !name.contains('.') => false,
                Some((field, resource)) => self.lacking(field, resource).is_empty(),
                None => name == "pods" || name.starts_with("requests."),
            })
            .map(|name| {
                let (_, total) = self.counts.totals(&name);
                let value = total.canonical_for(&name);
                (name, value)
            })
            .collect::<BTreeMap<_, _>>();
        let unbounded = ["requests.cpu", "requests.memory"]
            .into_iter()
            .filter(|name| !quota.contains_key(*name))
            .filter_map(|name| {
                let (field, resource) = quota_requires_every_container(name)?;
                Some((name.to_string(), self.lacking(field, resource)))
            })
            .collect();
        (quota, unbounded)
    }

    /// "`manager` of the controller pod", … for every container that leaves `field.resource`
    /// unset.
    fn lacking(&self, field: &str, resource: &str) -> Vec<String> {
        self.shapes
            .iter()
            .flat_map(|(what, shape)| {
                shape
                    .containers
                    .iter()
                    .filter(|c| !container_sets(&c.resources, field, resource))
                    .map(move |c| format!("`{}` of the {what}", c.name))
            })
            .collect()
    }

    /// Containers that leave unset a compute resource `quota` limits, keyed by the spec node
    /// that sets their resources, the container and the missing `field.resource`.
    fn unset_compute(
        &self,
        namespace: &str,
        quota: &BTreeMap<String, Quantity>,
        out: &mut BTreeMap<(String, &'static str, String), Vec<String>>,
    ) {
        for name in quota.keys() {
            let Some((field, resource)) = quota_requires_every_container(name) else {
                continue;
            };
            for (what, shape) in &self.shapes {
                for c in &shape.containers {
                    if !container_sets(&c.resources, field, resource) {
                        let pods = out
                            .entry((c.source.clone(), c.name, format!("{field}.{resource}")))
                            .or_default();
                        let entry = format!("{what} in `{namespace}`");
                        if !pods.contains(&entry) {
                            pods.push(entry);
                        }
                    }
                }
            }
        }
    }
}

fn container_sets(res: &arcfleet_k8s::ContainerResources, field: &str, resource: &str) -> bool {
    match field {
        "limits" => res.limits.contains_key(resource),
        _ => res.effective_requests().contains_key(resource),
    }
}

fn same_credentials(a: &Auth, b: &Auth) -> bool {
    a.github_app == b.github_app
        && a.github_token == b.github_token
        && a.existing_secret == b.existing_secret
}

/// A volume source of the spec as a Kubernetes `Volume` named `name`.
fn named_volume(source: &KubeValue, name: &str) -> KubeValue {
    let mut value = source.0.clone();
    if let serde_json::Value::Object(map) = &mut value {
        map.insert("name".into(), serde_json::Value::String(name.into()));
    }
    KubeValue(value)
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

use arcfleet_yaml::pointer_token as escape;

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
