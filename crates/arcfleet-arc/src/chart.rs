//! ARC's two Helm charts as data: their names, their default values, the values keys their
//! templates read (neither chart has a values schema, so a misspelt key is silently ignored),
//! and the messages they refuse values with.

/// The scale-set chart.
pub const SCALE_SET_CHART: &str = "gha-runner-scale-set";
/// The controller chart.
pub const CONTROLLER_CHART: &str = "gha-runner-scale-set-controller";

/// Which of ARC's charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Chart {
    /// `gha-runner-scale-set-controller`.
    Controller,
    /// `gha-runner-scale-set`.
    ScaleSet,
}

impl Chart {
    /// The chart a chart reference names (`oci://ghcr.io/actions/actions-runner-controller-charts/gha-runner-scale-set`,
    /// `gha-runner-scale-set-controller`, a mirror's path ...), if it is one of ARC's.
    pub fn from_reference(reference: &str) -> Option<Chart> {
        let last = reference
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(reference);
        let last = last.split(':').next().unwrap_or(last);
        if last.ends_with(CONTROLLER_CHART) || last.ends_with("gha-rs-controller") {
            Some(Chart::Controller)
        } else if last.ends_with(SCALE_SET_CHART) {
            Some(Chart::ScaleSet)
        } else {
            None
        }
    }

    /// The chart's name.
    pub fn name(self) -> &'static str {
        match self {
            Chart::Controller => CONTROLLER_CHART,
            Chart::ScaleSet => SCALE_SET_CHART,
        }
    }

    /// The chart's default values (the keys that have a value in its `values.yaml`), which Helm
    /// merges under the user's values.
    pub fn default_values(self) -> &'static str {
        match self {
            Chart::Controller => CONTROLLER_DEFAULTS,
            Chart::ScaleSet => SCALE_SET_DEFAULTS,
        }
    }

    /// The values keys the chart's templates read.
    pub fn keys(self) -> &'static [Key] {
        match self {
            Chart::Controller => CONTROLLER_KEYS,
            Chart::ScaleSet => SCALE_SET_KEYS,
        }
    }
}

const SCALE_SET_DEFAULTS: &str = "githubConfigUrl: \"\"
scaleSetLabels: []
githubConfigSecret:
  github_token: \"\"
template:
  spec:
    containers:
    - name: runner
      image: ghcr.io/actions/actions-runner:latest
      command: [/home/runner/run.sh]
namespaceOverride: \"\"
";

const CONTROLLER_DEFAULTS: &str = "labels: {}
replicaCount: 1
image:
  repository: ghcr.io/actions/gha-runner-scale-set-controller
  pullPolicy: IfNotPresent
  tag: \"\"
imagePullSecrets: []
nameOverride: \"\"
fullnameOverride: \"\"
env:
serviceAccount:
  create: true
  annotations: {}
  name: \"\"
podAnnotations: {}
podLabels: {}
podSecurityContext: {}
securityContext: {}
resources: {}
nodeSelector: {}
tolerations: []
affinity: {}
topologySpreadConstraints: []
volumes: []
volumeMounts: []
priorityClassName: \"\"
pprof: {}
flags:
  logLevel: debug
  logFormat: text
  runnerMaxConcurrentReconciles: 2
  updateStrategy: immediate
namespaceOverride: \"\"
";

/// A values key a chart reads, and what may be below it.
#[derive(Clone, Copy, Debug)]
pub struct Key {
    /// The key.
    pub name: &'static str,
    /// Its sub-keys (`None`: anything may be below it, such as a pod template or labels).
    pub children: Option<&'static [Key]>,
}

const fn leaf(name: &'static str) -> Key {
    Key {
        name,
        children: Some(&[]),
    }
}

const fn any(name: &'static str) -> Key {
    Key {
        name,
        children: None,
    }
}

const fn node(name: &'static str, children: &'static [Key]) -> Key {
    Key {
        name,
        children: Some(children),
    }
}

/// The keys of a list entry or map the chart passes through untouched.
const HELM_GLOBAL: Key = any("global");

const RESOURCE_META: &[Key] = &[
    any("autoscalingRunnerSet"),
    any("githubConfigSecret"),
    any("kubernetesModeRole"),
    any("kubernetesModeRoleBinding"),
    any("kubernetesModeServiceAccount"),
    any("managerRole"),
    any("managerRoleBinding"),
    any("noPermissionServiceAccount"),
    any("autoscalingListener"),
    any("listenerServiceAccount"),
    any("listenerRole"),
    any("listenerRoleBinding"),
    any("listenerConfigSecret"),
    any("ephemeralRunnerSet"),
    any("ephemeralRunner"),
    any("ephemeralRunnerConfigSecret"),
];

const PROXY_TARGET: &[Key] = &[leaf("url"), leaf("credentialSecretRef")];

const SCALE_SET_KEYS: &[Key] = &[
    leaf("githubConfigUrl"),
    any("scaleSetLabels"),
    any("githubConfigSecret"),
    node(
        "proxy",
        &[
            node("http", PROXY_TARGET),
            node("https", PROXY_TARGET),
            any("noProxy"),
        ],
    ),
    leaf("maxRunners"),
    leaf("minRunners"),
    leaf("runnerGroup"),
    leaf("runnerScaleSetName"),
    node(
        "githubServerTLS",
        &[
            node(
                "certificateFrom",
                &[node("configMapKeyRef", &[leaf("name"), leaf("key")])],
            ),
            leaf("runnerMountPath"),
        ],
    ),
    node(
        "keyVault",
        &[
            leaf("type"),
            any("proxy"),
            node(
                "azureKeyVault",
                &[
                    leaf("url"),
                    leaf("tenantId"),
                    leaf("clientId"),
                    leaf("certificatePath"),
                    leaf("secretKey"),
                ],
            ),
        ],
    ),
    node(
        "containerMode",
        &[
            leaf("type"),
            any("kubernetesModeWorkVolumeClaim"),
            any("kubernetesModeAdditionalRoleRules"),
        ],
    ),
    any("listenerTemplate"),
    any("listenerMetrics"),
    any("template"),
    node(
        "controllerServiceAccount",
        &[leaf("name"), leaf("namespace")],
    ),
    leaf("namespaceOverride"),
    any("annotations"),
    any("labels"),
    node("resourceMeta", RESOURCE_META),
    HELM_GLOBAL,
];

const CONTROLLER_KEYS: &[Key] = &[
    any("labels"),
    leaf("replicaCount"),
    node(
        "image",
        &[leaf("repository"), leaf("pullPolicy"), leaf("tag")],
    ),
    any("imagePullSecrets"),
    leaf("nameOverride"),
    leaf("fullnameOverride"),
    any("env"),
    node(
        "serviceAccount",
        &[leaf("create"), any("annotations"), leaf("name")],
    ),
    any("podAnnotations"),
    any("podLabels"),
    any("podSecurityContext"),
    any("securityContext"),
    any("resources"),
    any("nodeSelector"),
    any("tolerations"),
    any("affinity"),
    any("topologySpreadConstraints"),
    any("volumes"),
    any("volumeMounts"),
    leaf("priorityClassName"),
    node(
        "metrics",
        &[
            leaf("controllerManagerAddr"),
            leaf("listenerAddr"),
            leaf("listenerEndpoint"),
        ],
    ),
    node("pprof", &[leaf("addr")]),
    node(
        "flags",
        &[
            leaf("logLevel"),
            leaf("logFormat"),
            leaf("watchSingleNamespace"),
            leaf("runnerMaxConcurrentReconciles"),
            leaf("updateStrategy"),
            any("excludeLabelPropagationPrefixes"),
            node("rateLimiter", &[leaf("name")]),
            leaf("healthProbeBindAddress"),
            leaf("k8sClientRateLimiterQPS"),
            leaf("k8sClientRateLimiterBurst"),
        ],
    ),
    leaf("namespaceOverride"),
    HELM_GLOBAL,
];

/// Keys users write that a chart ignores, with what happens instead.
pub fn ignored_key_note(chart: Chart, path: &[&str]) -> Option<&'static str> {
    match (chart, path) {
        (Chart::ScaleSet, ["nameOverride" | "fullnameOverride"]) => Some(
            "the scale-set chart names everything after runnerScaleSetName (or the release name)",
        ),
        (Chart::ScaleSet, ["keyVault", "azure_key_vault"]) => Some(
            "the template reads keyVault.azureKeyVault (camelCase), although the chart's values.yaml documents azure_key_vault",
        ),
        (Chart::ScaleSet, ["containerMode", "kubernetesModeServiceAccount"]) => Some(
            "charts up to 0.10 read it; since 0.11 it is resourceMeta.kubernetesModeServiceAccount",
        ),
        (Chart::Controller, ["flags", "watchNamespace"]) => {
            Some("the chart reads flags.watchSingleNamespace")
        }
        (
            Chart::Controller,
            ["healthProbeBindAddress" | "k8sClientRateLimiterQPS" | "k8sClientRateLimiterBurst"],
        ) => Some("the chart reads it under flags:"),
        _ => None,
    }
}

/// The scale-set chart's refusals, verbatim (`fail` / `required` in its templates).
pub mod refusals {
    /// `autoscalingrunnerset.yaml`.
    pub const NAME_TOO_LONG: &str = "Name must have up to 45 characters";
    /// `autoscalingrunnerset.yaml`.
    pub const NAMESPACE_TOO_LONG: &str = "Namespace must have up to 63 characters";
    /// `autoscalingrunnerset.yaml`.
    pub const URL_REQUIRED: &str = ".Values.githubConfigUrl is required";
    /// `autoscalingrunnerset.yaml`.
    pub const EMPTY_LABEL: &str = "scaleSetLabels contains an empty string, each label must be a non-empty string of less than 256 characters";
    /// `autoscalingrunnerset.yaml`.
    pub const LONG_LABEL: &str = "scaleSetLabels contains a label that is 256 characters or more, each label must be a non-empty string of less than 256 characters";
    /// `autoscalingrunnerset.yaml` (its `fail` is called with two arguments, so Helm errors with
    /// `wrong number of args for fail` instead).
    pub const KEY_VAULT_TYPE: &str = "Unsupported keyVault type";
    /// `autoscalingrunnerset.yaml`.
    pub const MIN_GT_MAX: &str = "maxRunners has to be greater or equal to minRunners";
    /// `autoscalingrunnerset.yaml`.
    pub const MAX_NEGATIVE: &str = "maxRunners has to be greater or equal to 0";
    /// `autoscalingrunnerset.yaml`.
    pub const MIN_NEGATIVE: &str = "minRunners has to be greater or equal to 0";
    /// `_helpers.tpl`, `githubsecret.yaml`.
    pub const SECRET_REQUIRED: &str =
        "Values.githubConfigSecret is required for setting auth with GitHub server.";
    /// `githubsecret.yaml`.
    pub const SECRET_NO_CREDENTIALS: &str = "A valid .Values.githubConfigSecret is required for setting auth with GitHub server, provide .Values.githubConfigSecret.github_token or .Values.githubConfigSecret.github_app_id.";
    /// `githubsecret.yaml`.
    pub const SECRET_INCOMPLETE_APP: &str = "A valid .Values.githubConfigSecret is required for setting auth with GitHub server, provide .Values.githubConfigSecret.github_app_installation_id and .Values.githubConfigSecret.github_app_private_key.";
    /// `_helpers.tpl` (controller chart).
    pub const SA_DEFAULT: &str = "serviceAccount.name cannot be set to 'default'";
    /// `_helpers.tpl` (controller chart).
    pub const SA_NAME_REQUIRED: &str =
        "serviceAccount.name must be set if serviceAccount.create is false";
    /// `deployment.yaml` (controller chart).
    pub const METRICS_PORT: &str =
        "Values.metrics.controllerManagerAddr must end with a numeric port";
    /// `deployment.yaml` (controller chart).
    pub const PPROF_PORT: &str = "Values.pprof.addr must end with a numeric port";
    /// `_helpers.tpl`: without `controllerServiceAccount`, the chart looks the controller up in
    /// the cluster, which `helm template` and GitOps renderers cannot.
    pub const NO_CONTROLLER_FOUND: &str = "No gha-rs-controller deployment found using label (app.kubernetes.io/part-of=gha-rs-controller). Consider setting controllerServiceAccount.name in values.yaml to be explicit if you think the discovery is wrong.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_references_are_recognised() {
        for (r, chart) in [
            (
                "oci://ghcr.io/actions/actions-runner-controller-charts/gha-runner-scale-set",
                Chart::ScaleSet,
            ),
            ("gha-runner-scale-set-controller", Chart::Controller),
            (
                "actions/actions-runner-controller-charts/gha-runner-scale-set-controller:0.12.1",
                Chart::Controller,
            ),
        ] {
            assert_eq!(Chart::from_reference(r), Some(chart), "{r}");
        }
        assert_eq!(Chart::from_reference("actions-runner-controller"), None);
    }
}
