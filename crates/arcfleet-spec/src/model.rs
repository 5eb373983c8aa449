//! The fleet spec as users write it (`fleet.yaml`). Field names are the user interface: every
//! struct rejects unknown fields, and the doc comments become the JSON Schema's descriptions.

use std::collections::BTreeMap;

use arcfleet_k8s::Quantity;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The only apiVersion this arcfleet reads.
pub const API_VERSION: &str = "arcfleet.io/v1alpha1";
/// The only kind this arcfleet reads.
pub const KIND: &str = "Fleet";

/// A fleet spec file: one ARC controller and the runner scale sets it serves.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "arcfleet Fleet")]
pub struct FleetDocument {
    /// Always `arcfleet.io/v1alpha1`.
    pub api_version: String,
    /// Always `Fleet`.
    pub kind: String,
    /// The fleet's name.
    pub metadata: FleetMetadata,
    /// What to generate.
    pub spec: FleetSpec,
}

/// The fleet's identity.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FleetMetadata {
    /// DNS-1123 label; written into every object's `arcfleet.io/fleet` label.
    pub name: String,
}

/// Everything a fleet is made of.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FleetSpec {
    /// Target cluster version, `"1.31"`. Docker-in-Docker runs as a native sidecar (init
    /// container with `restartPolicy: Always`) only from 1.29 on. When unset, the caller must
    /// supply it (`--kube-version`, or Argo CD's `KUBE_VERSION`).
    #[serde(default)]
    pub kubernetes_version: Option<String>,
    /// The ARC controller (gha-runner-scale-set-controller).
    pub controller: Controller,
    /// The External Secrets store every credential is read from.
    pub secret_store: SecretStore,
    /// Container registries runner images are pulled from, by a name that runner classes use.
    #[serde(default)]
    pub registries: BTreeMap<String, Registry>,
    /// Runner pod shapes, by name.
    pub runner_classes: BTreeMap<String, RunnerClass>,
    /// The runner scale sets (one per `runs-on` label).
    pub runner_sets: Vec<RunnerSet>,
    /// Per-namespace settings (quotas, labels). Several sets may share a namespace.
    #[serde(default)]
    pub namespaces: BTreeMap<String, NamespaceSettings>,
    /// Prometheus Operator monitors and alerts for the fleet (needs `controller.metrics`).
    #[serde(default)]
    pub monitoring: Option<Monitoring>,
}

/// Monitoring of the fleet: PodMonitors for the controller and the listeners, and alerts.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Monitoring {
    /// Labels on the PodMonitors and the PrometheusRule (what your Prometheus selects on, e.g.
    /// `release: kube-prometheus-stack`).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Runbook base URL; each alert links `<runbookUrl>#<alert name in lowercase>`.
    #[serde(default = "defaults::runbook_url")]
    pub runbook_url: String,
    /// Alert thresholds.
    #[serde(default)]
    pub alerts: Alerts,
}

/// Thresholds of the fleet's alerts.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Alerts {
    /// Failed ephemeral runners present.
    #[serde(default)]
    pub failed_runners: FailedRunnersAlert,
    /// Busy runners at maxRunners.
    #[serde(default)]
    pub saturated: SaturatedAlert,
    /// Job queue time.
    #[serde(default)]
    pub queue_time: QueueTimeAlert,
    /// Controller or listener target down.
    #[serde(default)]
    pub target_down: TargetDownAlert,
}

/// `ARCFailedEphemeralRunners`: failed runners keep their slot until removed.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FailedRunnersAlert {
    /// How long failed runners must be present (one teardown race is benign).
    #[serde(rename = "for", default = "defaults::ten_minutes")]
    pub for_: String,
    /// `severity` label.
    #[serde(default = "defaults::warning")]
    pub severity: String,
}

impl Default for FailedRunnersAlert {
    fn default() -> Self {
        FailedRunnersAlert {
            for_: defaults::ten_minutes(),
            severity: defaults::warning(),
        }
    }
}

/// `ARCScaleSetSaturated`: every runner busy at maxRunners.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SaturatedAlert {
    /// How long the set must stay saturated.
    #[serde(rename = "for", default = "defaults::fifteen_minutes")]
    pub for_: String,
    /// `severity` label.
    #[serde(default = "defaults::warning")]
    pub severity: String,
}

impl Default for SaturatedAlert {
    fn default() -> Self {
        SaturatedAlert {
            for_: defaults::fifteen_minutes(),
            severity: defaults::warning(),
        }
    }
}

/// `ARCJobQueueTimeHigh`: jobs wait too long for a runner.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct QueueTimeAlert {
    /// Seconds a job may wait between assignment to the scale set and start on a runner.
    #[serde(default = "defaults::sixty")]
    pub threshold_seconds: u32,
    /// Quantile of the queue time compared with the threshold.
    #[serde(default = "defaults::quantile")]
    pub quantile: f64,
    /// Rate window.
    #[serde(default = "defaults::ten_minutes")]
    pub window: String,
    /// How long the quantile must stay above the threshold.
    #[serde(rename = "for", default = "defaults::five_minutes")]
    pub for_: String,
    /// `severity` label.
    #[serde(default = "defaults::warning")]
    pub severity: String,
}

impl Default for QueueTimeAlert {
    fn default() -> Self {
        QueueTimeAlert {
            threshold_seconds: defaults::sixty(),
            quantile: defaults::quantile(),
            window: defaults::ten_minutes(),
            for_: defaults::five_minutes(),
            severity: defaults::warning(),
        }
    }
}

/// `ARCControllerDown` / `ARCListenerDown`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TargetDownAlert {
    /// How long a target may be down.
    #[serde(rename = "for", default = "defaults::five_minutes")]
    pub for_: String,
    /// `severity` label.
    #[serde(default = "defaults::critical")]
    pub severity: String,
}

impl Default for TargetDownAlert {
    fn default() -> Self {
        TargetDownAlert {
            for_: defaults::five_minutes(),
            severity: defaults::critical(),
        }
    }
}

/// The ARC controller Deployment and its RBAC.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Controller {
    /// ARC version, `0.14.2`: the one place it lives. Sets the controller image tag, the
    /// listener image and every scale set's `app.kubernetes.io/version` label.
    pub version: String,
    /// Namespace of the controller and of every listener pod.
    #[serde(default = "defaults::controller_namespace")]
    pub namespace: String,
    /// Name of the Deployment, ServiceAccount and RBAC objects.
    #[serde(default = "defaults::controller_name")]
    pub name: String,
    /// Image repository; the tag is always `version`.
    #[serde(default = "defaults::controller_image")]
    pub image: String,
    /// Deployment replicas; above 1 turns on leader election.
    #[serde(default = "defaults::one")]
    pub replicas: u32,
    /// `--update-strategy` (ARC ≤ 0.14.x only; newer controllers refuse the flag).
    #[serde(default)]
    pub update_strategy: Option<UpdateStrategy>,
    /// `--log-level`.
    #[serde(default)]
    pub log_level: LogLevel,
    /// `--log-format`.
    #[serde(default)]
    pub log_format: LogFormat,
    /// `--runner-max-concurrent-reconciles`.
    #[serde(default = "defaults::two")]
    pub runner_max_concurrent_reconciles: u32,
    /// Controller and listener metrics; off when unset.
    #[serde(default)]
    pub metrics: Option<Metrics>,
    /// Resources of the manager container (needed when a quota covers the controller namespace).
    #[serde(default)]
    pub resources: Option<Resources>,
    /// Node selector of the controller pod.
    #[serde(default)]
    pub node_selector: BTreeMap<String, String>,
    /// Tolerations of the controller pod.
    #[serde(default)]
    pub tolerations: Vec<Toleration>,
    /// Listener pods (one per scale set, in the controller namespace).
    #[serde(default)]
    pub listener: Option<Listener>,
    /// Label key prefixes the controller does not copy from a scale set onto the objects it
    /// creates (listener, EphemeralRunnerSet, runner pods): one
    /// `--exclude-label-propagation-prefix` each. List your GitOps tool's tracking label
    /// (`argocd.argoproj.io/`, `kustomize.toolkit.fluxcd.io/`) so it does not prune them.
    #[serde(default)]
    pub exclude_label_propagation_prefixes: Vec<String>,
    /// ARC's CRDs of exactly `version`; not rendered when unset.
    #[serde(default)]
    pub crds: Option<Crds>,
}

/// ARC's CustomResourceDefinitions, written as `_crds/kustomization.yaml`: a kustomization whose
/// resources are the CRD files of ARC's controller chart at the `version` release tag on GitHub
/// (kustomize fetches them when it builds; arcfleet copies none), marked for server-side apply
/// and an Argo CD sync wave before the controller, never pruned. Only with `render --out`: the
/// YAML stream of `--stdout` and `generate` cannot carry them.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Crds {
    /// Write the CRD kustomization.
    pub render: bool,
}

/// `--update-strategy` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum UpdateStrategy {
    /// Replace runners as soon as the scale set changes.
    Immediate,
    /// Wait until running jobs finish before applying a change.
    Eventual,
}

/// `--log-level` values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// Verbose.
    Debug,
    /// The default.
    #[default]
    Info,
    /// Warnings and errors.
    Warn,
    /// Errors only.
    Error,
}

/// `--log-format` values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Metrics endpoints of the controller and listeners.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Metrics {
    /// Port of both the controller's and the listeners' metrics servers.
    #[serde(default = "defaults::metrics_port")]
    pub port: u16,
    /// HTTP path of the listeners' metrics.
    #[serde(default = "defaults::metrics_path")]
    pub path: String,
}

/// Listener pod settings, applied through each scale set's `listenerTemplate`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Listener {
    /// Resources of the `listener` container.
    #[serde(default)]
    pub resources: Option<Resources>,
    /// Node selector of listener pods.
    #[serde(default)]
    pub node_selector: BTreeMap<String, String>,
}

/// The External Secrets store credentials come from.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretStore {
    /// `ClusterSecretStore` or `SecretStore`.
    pub kind: SecretStoreKind,
    /// The store's name.
    pub name: String,
    /// How often External Secrets re-reads the values.
    #[serde(default = "defaults::refresh_interval")]
    pub refresh_interval: String,
}

/// Kinds of External Secrets stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum SecretStoreKind {
    /// Cluster-wide store.
    ClusterSecretStore,
    /// Store in each namespace that uses it.
    SecretStore,
}

/// A container registry that needs credentials.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Registry {
    /// Registry host, `ghcr.io`.
    pub server: String,
    /// User name for the registry.
    pub username: String,
    /// Where the password or token lives in the secret store.
    pub remote_ref: RemoteRef,
}

/// A value in the secret store.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RemoteRef {
    /// The secret's key (path, name) in the store.
    pub key: String,
    /// The property inside that secret (none: the secret's whole value).
    #[serde(default)]
    pub property: Option<String>,
    /// The version to read (stores that version secrets).
    #[serde(default)]
    pub version: Option<String>,
}

/// A runner pod shape shared by scale sets.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RunnerClass {
    /// `dind` (Docker-in-Docker sidecar) or `kubernetes` (container hooks: jobs run in their own pods).
    pub mode: ContainerMode,
    /// Runner image; pin a tag.
    pub image: String,
    /// Image pull policy of the runner container.
    #[serde(default)]
    pub image_pull_policy: Option<String>,
    /// Names under `spec.registries` whose pull secrets the runner pod uses.
    #[serde(default)]
    pub image_pull_secrets: Vec<String>,
    /// Runner container resources.
    #[serde(default)]
    pub resources: Option<Resources>,
    /// Extra environment variables of the runner container.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Docker-in-Docker sidecar (mode `dind`).
    #[serde(default)]
    pub dind: Option<Dind>,
    /// `activeDeadlineSeconds` of runner pods: a stuck job cannot hold a runner forever.
    #[serde(default)]
    pub active_deadline_seconds: Option<i64>,
    /// Node selector of runner pods.
    #[serde(default)]
    pub node_selector: BTreeMap<String, String>,
    /// Tolerations of runner pods.
    #[serde(default)]
    pub tolerations: Vec<Toleration>,
    /// The ephemeral `work` volume (mode `kubernetes`, required there).
    #[serde(default)]
    pub work_volume: Option<WorkVolume>,
    /// The workflow (job) pod spec, written to the worker-podspec ConfigMap (mode `kubernetes`).
    #[serde(default)]
    pub workflow_pod: Option<WorkflowPod>,
    /// Devices that exist for this class: the sum of `maxRunners` over the sets using it must fit.
    #[serde(default)]
    pub capacity: Option<u32>,
    /// Node affinity and pod (anti-)affinity of runner pods: a Kubernetes `Affinity`.
    #[serde(default)]
    pub affinity: Option<KubeValue>,
    /// The runner pod's `securityContext`: a Kubernetes `PodSecurityContext` (`fsGroup: 1001`
    /// lets the runner write a block-storage `work` volume in Kubernetes mode).
    #[serde(default)]
    pub security_context: Option<KubeValue>,
    /// Labels of runner pods.
    #[serde(default)]
    pub pod_labels: BTreeMap<String, String>,
    /// Annotations of runner pods.
    #[serde(default)]
    pub pod_annotations: BTreeMap<String, String>,
    /// Extra volumes of runner pods: Kubernetes `Volume`s (a ConfigMap with a registry's CA, …).
    /// Names must differ from the volumes ARC's wiring uses.
    #[serde(default)]
    pub volumes: Vec<KubeValue>,
    /// Extra mounts of the runner container: Kubernetes `VolumeMount`s of `volumes`.
    #[serde(default)]
    pub volume_mounts: Vec<KubeValue>,
    /// An existing ServiceAccount for runner pods, instead of the one arcfleet creates (as the
    /// chart's `template.spec.serviceAccountName`). In Kubernetes mode arcfleet still binds the
    /// hook's Role to it.
    #[serde(default)]
    pub service_account_name: Option<String>,
    /// Where the container hook finds its pod template (mode `kubernetes`).
    #[serde(default)]
    pub hook_template: Option<HookTemplate>,
}

/// A Kubernetes object fragment, passed through as written and checked against the Kubernetes
/// type its field names: an unknown or misspelt key is an error at its line, never dropped.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct KubeValue(pub serde_json::Value);

/// The worker podspec of Kubernetes mode: its ConfigMap and where the runner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HookTemplate {
    /// Name of the ConfigMap holding it (default `<set>-worker-podspec`); sets of a class in one
    /// namespace share it.
    #[serde(default)]
    pub config_map_name: Option<String>,
    /// Absolute path of the template file in the runner container (default
    /// `/home/runner/pod-templates/worker-podspec.yaml`); mounted as a single file, so it may
    /// sit beside the hook's own files in `/home/runner/k8s/`.
    #[serde(default)]
    pub path: Option<String>,
}

/// What a runner set changes of its class: each field given replaces the class's.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ClassOverrides {
    /// Runner image.
    #[serde(default)]
    pub image: Option<String>,
    /// Runner container resources.
    #[serde(default)]
    pub resources: Option<Resources>,
    /// Extra environment variables, merged over the class's.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Node selector.
    #[serde(default)]
    pub node_selector: Option<BTreeMap<String, String>>,
    /// Tolerations.
    #[serde(default)]
    pub tolerations: Option<Vec<Toleration>>,
    /// Affinity.
    #[serde(default)]
    pub affinity: Option<KubeValue>,
    /// Pod labels, merged over the class's.
    #[serde(default)]
    pub pod_labels: BTreeMap<String, String>,
    /// Pod annotations, merged over the class's.
    #[serde(default)]
    pub pod_annotations: BTreeMap<String, String>,
    /// `activeDeadlineSeconds`.
    #[serde(default)]
    pub active_deadline_seconds: Option<i64>,
}

/// ARC container modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ContainerMode {
    /// Docker-in-Docker sidecar.
    Dind,
    /// Kubernetes container hooks.
    Kubernetes,
}

/// The Docker-in-Docker sidecar.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Dind {
    /// dind image; pin a tag.
    #[serde(default = "defaults::dind_image")]
    pub image: String,
    /// `true`: Docker over TCP with TLS on localhost:2376 and client certificates shared with the
    /// runner; `false`: the Docker socket on a shared volume.
    #[serde(default)]
    pub tls: bool,
    /// dind container resources.
    #[serde(default)]
    pub resources: Option<Resources>,
    /// Extra dockerd arguments, after the ones ARC's wiring needs.
    #[serde(default)]
    pub args: Vec<String>,
    /// Registry mirrors (`--registry-mirror=<url>` each).
    #[serde(default)]
    pub registry_mirrors: Vec<String>,
    /// MTU of Docker's networks (`--mtu=<n>`): match the pod network's when it is below 1500.
    #[serde(default)]
    pub mtu: Option<u32>,
    /// The volume behind `/var/lib/docker` (images, layers, build cache): a Kubernetes volume
    /// source such as `emptyDir: {sizeLimit: 50Gi}` or `ephemeral: {...}`. Without it the
    /// daemon writes into the container's own filesystem.
    #[serde(default)]
    pub storage: Option<KubeValue>,
}

/// Container resources.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Resources {
    /// Requested amounts (scheduling and `requests.*` quotas).
    #[serde(default)]
    pub requests: BTreeMap<String, Quantity>,
    /// Limits (`limits.*` quotas).
    #[serde(default)]
    pub limits: BTreeMap<String, Quantity>,
}

/// A pod toleration.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Toleration {
    /// Taint key.
    #[serde(default)]
    pub key: Option<String>,
    /// `Exists` or `Equal`.
    #[serde(default)]
    pub operator: Option<String>,
    /// Taint value (with `Equal`).
    #[serde(default)]
    pub value: Option<String>,
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    #[serde(default)]
    pub effect: Option<String>,
    /// With `NoExecute`: how long the pod stays after the taint appears.
    #[serde(default)]
    pub toleration_seconds: Option<i64>,
}

/// The generic ephemeral volume `work` of Kubernetes mode.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WorkVolume {
    /// Storage class of the claim (cluster default when unset).
    #[serde(default)]
    pub storage_class_name: Option<String>,
    /// Requested size.
    pub size: Quantity,
    /// Access modes.
    #[serde(default = "defaults::access_modes")]
    pub access_modes: Vec<String>,
}

/// The workflow pod of Kubernetes mode (the hook's `$job` container).
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WorkflowPod {
    /// Resources of the `$job` container.
    #[serde(default)]
    pub resources: Option<Resources>,
    /// Environment of the `$job` container.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Cache volumes mounted into the `$job` container.
    #[serde(default)]
    pub caches: Vec<Cache>,
    /// Node selector of workflow pods.
    #[serde(default)]
    pub node_selector: BTreeMap<String, String>,
    /// Tolerations of workflow pods.
    #[serde(default)]
    pub tolerations: Vec<Toleration>,
}

/// A cache volume of the workflow pod: exactly one of `persistentVolumeClaim` or `hostPath`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Cache {
    /// Volume name (DNS-1123 label).
    pub name: String,
    /// Where the `$job` container sees it.
    pub mount_path: String,
    /// An existing PersistentVolumeClaim in the set's namespace.
    #[serde(default)]
    pub persistent_volume_claim: Option<String>,
    /// A directory on the node (per-node build caches).
    #[serde(default)]
    pub host_path: Option<String>,
    /// Mount read-only.
    #[serde(default)]
    pub read_only: bool,
}

/// A runner scale set.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RunnerSet {
    /// The `runs-on` label and `runnerScaleSetName`; DNS-1123, at most 45 characters.
    pub name: String,
    /// Namespace of the scale set and its runner pods.
    pub namespace: String,
    /// Organization, repository or enterprise URL.
    pub github_config_url: String,
    /// Runner group (the default group when unset).
    #[serde(default)]
    pub runner_group: Option<String>,
    /// Extra `runs-on` labels (`runnerScaleSetLabels`).
    #[serde(default)]
    pub labels: Vec<String>,
    /// GitHub credentials.
    pub auth: Auth,
    /// Name under `spec.runnerClasses`.
    pub class: String,
    /// Runners kept idle.
    #[serde(default)]
    pub min_runners: u32,
    /// Most runners at once.
    pub max_runners: u32,
    /// Spare runner pods a quota must hold beyond `maxRunners`
    /// (default `max(1, ceil(maxRunners / 4))`, or the policy's formula).
    #[serde(default)]
    pub headroom: Option<u32>,
    /// What this set changes of its class (one field differs: no need to clone the class).
    #[serde(default)]
    pub overrides: Option<ClassOverrides>,
    /// GitHub Enterprise Server with a private CA: the scale set's `githubServerTLS`.
    #[serde(default, rename = "githubServerTLS")]
    pub github_server_tls: Option<GithubServerTls>,
    /// HTTP(S) proxy of the listener and runners: the scale set's `proxy`
    /// (`http`/`https: {url, credentialSecretRef}`, `noProxy: [...]`).
    #[serde(default)]
    pub proxy: Option<KubeValue>,
}

/// The CA bundle of a GitHub Enterprise Server, as the chart's `githubServerTLS` value.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GithubServerTls {
    /// Where the bundle is.
    pub certificate_from: CertificateFrom,
    /// Where the runner container sees the bundle (it also gets `NODE_EXTRA_CA_CERTS` and
    /// `RUNNER_UPDATE_CA_CERTS=1`); the listener alone trusts it when unset.
    #[serde(default)]
    pub runner_mount_path: Option<String>,
}

/// The source of a CA bundle.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CertificateFrom {
    /// A key of a ConfigMap in the set's namespace.
    pub config_map_key_ref: ConfigMapKey,
}

/// A key of a ConfigMap.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ConfigMapKey {
    /// The ConfigMap's name.
    pub name: String,
    /// The key holding the PEM bundle.
    pub key: String,
}

/// GitHub credentials: exactly one of `githubApp` or `githubToken`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Auth {
    /// A GitHub App (recommended).
    #[serde(default)]
    pub github_app: Option<GithubApp>,
    /// A personal access token.
    #[serde(default)]
    pub github_token: Option<GithubToken>,
    /// Name of the Secret ARC reads (default `github-app` or `github-token`, shared by the sets
    /// of a namespace).
    #[serde(default)]
    pub secret_name: Option<String>,
    /// A Secret that already exists in the set's namespace (made by hand or by another tool):
    /// arcfleet renders no ExternalSecret for it. Instead of githubApp/githubToken.
    #[serde(default)]
    pub existing_secret: Option<String>,
}

/// GitHub App credentials in the secret store.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GithubApp {
    /// The secret's key in the store (all three values in one stored secret).
    #[serde(default)]
    pub remote_key: String,
    /// Property names inside it.
    #[serde(default)]
    pub properties: AppProperties,
    /// The version of the stored secret to read (stores that version secrets: AWS, GCP, Azure).
    #[serde(default)]
    pub version: Option<String>,
    /// Each value from its own place in the store, for stores that keep one value per secret;
    /// instead of remoteKey/properties.
    #[serde(default)]
    pub values: Option<AppValues>,
}

/// The three App values, each from its own place in the store.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AppValues {
    /// The App ID (or client ID).
    pub app_id: RemoteRef,
    /// The installation ID.
    pub installation_id: RemoteRef,
    /// The PEM private key.
    pub private_key: RemoteRef,
}

/// Where the three App values sit inside the stored secret.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AppProperties {
    /// Property holding the App ID (or client ID).
    #[serde(default = "defaults::app_id")]
    pub app_id: String,
    /// Property holding the installation ID.
    #[serde(default = "defaults::installation_id")]
    pub installation_id: String,
    /// Property holding the PEM private key.
    #[serde(default = "defaults::private_key")]
    pub private_key: String,
}

impl Default for AppProperties {
    fn default() -> Self {
        AppProperties {
            app_id: defaults::app_id(),
            installation_id: defaults::installation_id(),
            private_key: defaults::private_key(),
        }
    }
}

/// A personal access token in the secret store.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GithubToken {
    /// The secret's key in the store.
    pub remote_key: String,
    /// Property holding the token.
    #[serde(default = "defaults::token")]
    pub property: String,
    /// The version of the stored secret to read.
    #[serde(default)]
    pub version: Option<String>,
}

/// Settings of one namespace.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NamespaceSettings {
    /// A ResourceQuota: `auto` (computed from the sets) or explicit `resource: quantity` pairs.
    #[serde(default)]
    pub quota: Option<QuotaSpec>,
    /// Labels of the Namespace object (e.g. Pod Security admission levels).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// `auto`, or a ResourceQuota's `hard` map.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum QuotaSpec {
    /// Computed: holds every set of the namespace at `maxRunners` + headroom.
    Auto(AutoKeyword),
    /// Given: `pods`, `requests.cpu`, `limits.memory`, `requests.nvidia.com/gpu`, ...
    Explicit(BTreeMap<String, Quantity>),
}

/// The word `auto`.
#[derive(Clone, Copy, Debug, Serialize, JsonSchema)]
pub enum AutoKeyword {
    /// `auto`
    #[serde(rename = "auto")]
    Auto,
}

impl<'de> Deserialize<'de> for QuotaSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = QuotaSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("`auto` or a map of resource names to quantities")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<QuotaSpec, E> {
                match v {
                    "auto" => Ok(QuotaSpec::Auto(AutoKeyword::Auto)),
                    other => Err(E::invalid_value(serde::de::Unexpected::Str(other), &self)),
                }
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<QuotaSpec, A::Error> {
                Deserialize::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(QuotaSpec::Explicit)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

mod defaults {
    pub fn controller_namespace() -> String {
        "arc-systems".into()
    }
    pub fn controller_name() -> String {
        "arc-gha-rs-controller".into()
    }
    pub fn controller_image() -> String {
        "ghcr.io/actions/gha-runner-scale-set-controller".into()
    }
    pub fn one() -> u32 {
        1
    }
    pub fn two() -> u32 {
        2
    }
    pub fn metrics_port() -> u16 {
        8080
    }
    pub fn metrics_path() -> String {
        "/metrics".into()
    }
    pub fn refresh_interval() -> String {
        "1h".into()
    }
    pub fn dind_image() -> String {
        "docker:dind".into()
    }
    pub fn access_modes() -> Vec<String> {
        vec!["ReadWriteOnce".into()]
    }
    pub fn app_id() -> String {
        "app_id".into()
    }
    pub fn installation_id() -> String {
        "installation_id".into()
    }
    pub fn private_key() -> String {
        "private_key".into()
    }
    pub fn token() -> String {
        "token".into()
    }
    pub fn runbook_url() -> String {
        "https://github.com/arcfleet/arcfleet/blob/main/docs/runbook.md".into()
    }
    pub fn five_minutes() -> String {
        "5m".into()
    }
    pub fn ten_minutes() -> String {
        "10m".into()
    }
    pub fn fifteen_minutes() -> String {
        "15m".into()
    }
    pub fn warning() -> String {
        "warning".into()
    }
    pub fn critical() -> String {
        "critical".into()
    }
    pub fn sixty() -> u32 {
        60
    }
    pub fn quantile() -> f64 {
        0.9
    }
}
