//! `ExternalSecret` (external-secrets.io/v1).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

/// External Secrets' served API group and version.
pub const ESO_API_VERSION: &str = "external-secrets.io/v1";

/// An ExternalSecret: External Secrets Operator creates and refreshes a Secret from a store.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecret {
    /// `external-secrets.io/v1`.
    pub api_version: String,
    /// `ExternalSecret`.
    pub kind: String,
    /// Standard metadata.
    pub metadata: ObjectMeta,
    /// What to fetch and what to create.
    #[serde(default)]
    pub spec: ExternalSecretSpec,
    /// Written by the operator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<serde_json::Value>,
}

impl ExternalSecret {
    /// An ExternalSecret named `name` in `namespace`.
    pub fn new(name: &str, namespace: &str, spec: ExternalSecretSpec) -> Self {
        ExternalSecret {
            api_version: ESO_API_VERSION.into(),
            kind: "ExternalSecret".into(),
            metadata: crate::meta(name, namespace),
            spec,
            status: None,
        }
    }

    /// The name of the Secret this ExternalSecret creates (`target.name`, else its own name).
    pub fn target_name(&self) -> Option<&str> {
        self.spec
            .target
            .as_ref()
            .and_then(|t| t.name.as_deref())
            .or(self.metadata.name.as_deref())
    }
}

/// `spec` of an ExternalSecret.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretSpec {
    /// How often to re-read the store (`1h`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_interval: Option<String>,
    /// `CreatedOnce`, `Periodic` or `OnChange`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_policy: Option<String>,
    /// The store to read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_store_ref: Option<SecretStoreRef>,
    /// The Secret to create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<ExternalSecretTarget>,
    /// One store value per Secret key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Vec<ExternalSecretData>>,
    /// Whole store secrets, extracted or found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_from: Option<Vec<serde_json::Value>>,
    /// When refreshes may happen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_windows: Option<serde_json::Value>,
}

/// Which store to read.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretStoreRef {
    /// `SecretStore` or `ClusterSecretStore`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The store's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The Secret an ExternalSecret creates.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretTarget {
    /// Secret name (the ExternalSecret's name when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `Owner`, `Orphan`, `Merge` or `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_policy: Option<String>,
    /// `Delete`, `Merge` or `Retain`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_policy: Option<String>,
    /// Make the Secret immutable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
    /// Create another kind than Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<serde_json::Value>,
    /// Shape the Secret (type, templated keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<ExternalSecretTemplate>,
}

/// Templating of the created Secret.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretTemplate {
    /// Secret `type`, e.g. `kubernetes.io/dockerconfigjson`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// `v2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_version: Option<String>,
    /// `Replace` or `Merge`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge_policy: Option<String>,
    /// Labels and annotations of the Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<TemplateMetadata>,
    /// Templated keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<BTreeMap<String, String>>,
    /// Templates from ConfigMaps or Secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_from: Option<Vec<serde_json::Value>>,
}

/// Metadata of a templated Secret.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateMetadata {
    /// Annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Finalizers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finalizers: Option<Vec<String>>,
    /// Labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
}

/// One Secret key from one store value.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalSecretData {
    /// The key in the created Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key: Option<String>,
    /// Where the value lives in the store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_ref: Option<RemoteReference>,
    /// Another store or a generator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ref: Option<serde_json::Value>,
}

/// A value in the store.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteReference {
    /// The store secret's key (path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// A property inside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property: Option<String>,
    /// A version of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `Default` or `Unicode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion_strategy: Option<String>,
    /// `Auto`, `Base64`, `Base64URL` or `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoding_strategy: Option<String>,
    /// `None` or `Fetch`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_policy: Option<String>,
    /// `Ignore` or `Fail`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub null_byte_policy: Option<String>,
}
