//! `AutoscalingRunnerSet` (actions.github.com/v1alpha1).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

/// ARC's API group and version.
pub const ARC_API_VERSION: &str = "actions.github.com/v1alpha1";

/// A runner scale set: ARC's controller turns it into a listener and ephemeral runners.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoscalingRunnerSet {
    /// `actions.github.com/v1alpha1`.
    pub api_version: String,
    /// `AutoscalingRunnerSet`.
    pub kind: String,
    /// Standard metadata.
    pub metadata: ObjectMeta,
    /// The desired scale set.
    #[serde(default)]
    pub spec: AutoscalingRunnerSetSpec,
    /// Written by the controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AutoscalingRunnerSetStatus>,
}

impl AutoscalingRunnerSet {
    /// A scale set named `name` in `namespace`.
    pub fn new(name: &str, namespace: &str, spec: AutoscalingRunnerSetSpec) -> Self {
        AutoscalingRunnerSet {
            api_version: ARC_API_VERSION.into(),
            kind: "AutoscalingRunnerSet".into(),
            metadata: crate::meta(name, namespace),
            spec,
            status: None,
        }
    }
}

/// `spec` of an AutoscalingRunnerSet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoscalingRunnerSetSpec {
    /// Organization, repository or enterprise URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github_config_url: Option<String>,
    /// Secret (in the set's namespace) with `github_token` or the three `github_app_*` keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github_config_secret: Option<String>,
    /// Runner group (default group when empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runner_group: Option<String>,
    /// Name registered with GitHub (`metadata.name` when empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runner_scale_set_name: Option<String>,
    /// Extra labels (ARC ≥ 0.14.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runner_scale_set_labels: Option<Vec<String>>,
    /// HTTP(S) proxy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<ProxyConfig>,
    /// CA for a GitHub Enterprise Server.
    #[serde(
        rename = "githubServerTLS",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub github_server_tls: Option<GithubServerTls>,
    /// Azure Key Vault instead of a Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault_config: Option<VaultConfig>,
    /// Runner pod template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<PodTemplateSpec>,
    /// Listener pod template (container `listener` is merged into ARC's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener_template: Option<PodTemplateSpec>,
    /// Which listener metrics to publish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener_metrics: Option<serde_json::Value>,
    /// Metadata of the AutoscalingListener.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling_listener: Option<ResourceMeta>,
    /// Metadata of the listener ServiceAccount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener_service_account_metadata: Option<ResourceMeta>,
    /// Metadata of the listener Role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener_role_metadata: Option<ResourceMeta>,
    /// Metadata of the listener RoleBinding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener_role_binding_metadata: Option<ResourceMeta>,
    /// Metadata of the listener config Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener_config_secret_metadata: Option<ResourceMeta>,
    /// Metadata of the EphemeralRunnerSet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_runner_set_metadata: Option<ResourceMeta>,
    /// Metadata of each EphemeralRunner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_runner_metadata: Option<ResourceMeta>,
    /// Metadata of each runner's JIT config Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_runner_config_secret_metadata: Option<ResourceMeta>,
    /// Most runners (unset: 2^31−1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_runners: Option<i64>,
    /// Idle runners kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_runners: Option<i64>,
}

/// Labels and annotations for an object the controller creates.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceMeta {
    /// Labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

/// Proxy settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProxyConfig {
    /// HTTP proxy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<ProxyServer>,
    /// HTTPS proxy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub https: Option<ProxyServer>,
    /// Hosts that bypass the proxy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_proxy: Option<Vec<String>>,
}

/// The CA of a GitHub Enterprise Server (`githubServerTLS`; ARC's `GitHubServerTLSConfig`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GithubServerTls {
    /// Where the CA bundle is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_from: Option<TlsCertificateSource>,
}

/// A CA bundle's source.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TlsCertificateSource {
    /// A key of a ConfigMap in the scale set's namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map_key_ref: Option<k8s_openapi::api::core::v1::ConfigMapKeySelector>,
}

/// One proxy server.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProxyServer {
    /// Proxy URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Secret with `username` and `password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_secret_ref: Option<String>,
}

/// Vault settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultConfig {
    /// Only `azure_key_vault`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Azure Key Vault access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azure_key_vault: Option<serde_json::Value>,
    /// Proxy for the vault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<ProxyConfig>,
}

/// `status` of an AutoscalingRunnerSet (written by the controller).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoscalingRunnerSetStatus {
    /// Runners now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_runners: Option<i64>,
    /// `Pending`, `Running`, `Outdated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// Pending runners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_ephemeral_runners: Option<i64>,
    /// Running runners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running_ephemeral_runners: Option<i64>,
    /// Failed runners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_ephemeral_runners: Option<i64>,
}
