//! The typed objects a fleet renders to, and how each becomes YAML.

use std::collections::BTreeMap;

use arcfleet_crds::{AutoscalingRunnerSet, ExternalSecret, PodMonitor, PrometheusRule};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, ResourceQuota, ServiceAccount};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// One Kubernetes object of the rendered fleet.
///
/// The largest kinds are boxed: unboxed, every object was 5 KB and growing and sorting the list
/// of a 1,000-set fleet moved hundreds of megabytes.
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    /// A namespace of the fleet.
    Namespace(Namespace),
    /// Controller or runner ServiceAccount.
    ServiceAccount(ServiceAccount),
    /// The controller's ClusterRole.
    ClusterRole(ClusterRole),
    /// Its binding.
    ClusterRoleBinding(ClusterRoleBinding),
    /// Listener, leader-election, manager or hook Role.
    Role(Role),
    /// Its binding.
    RoleBinding(RoleBinding),
    /// A namespace quota.
    ResourceQuota(ResourceQuota),
    /// GitHub credentials or a registry pull secret.
    ExternalSecret(Box<ExternalSecret>),
    /// A worker podspec (Kubernetes mode).
    ConfigMap(ConfigMap),
    /// The controller.
    Deployment(Box<Deployment>),
    /// A runner scale set.
    AutoscalingRunnerSet(Box<AutoscalingRunnerSet>),
    /// Scrape configuration for the controller or the listeners.
    PodMonitor(PodMonitor),
    /// The fleet's alerts.
    PrometheusRule(PrometheusRule),
}

impl Object {
    /// The object's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Object::Namespace(_) => "Namespace",
            Object::ServiceAccount(_) => "ServiceAccount",
            Object::ClusterRole(_) => "ClusterRole",
            Object::ClusterRoleBinding(_) => "ClusterRoleBinding",
            Object::Role(_) => "Role",
            Object::RoleBinding(_) => "RoleBinding",
            Object::ResourceQuota(_) => "ResourceQuota",
            Object::ExternalSecret(_) => "ExternalSecret",
            Object::ConfigMap(_) => "ConfigMap",
            Object::Deployment(_) => "Deployment",
            Object::AutoscalingRunnerSet(_) => "AutoscalingRunnerSet",
            Object::PodMonitor(_) => "PodMonitor",
            Object::PrometheusRule(_) => "PrometheusRule",
        }
    }

    /// Apply order: namespaces first, then what pods need, the workloads last.
    pub fn apply_order(&self) -> u8 {
        match self {
            Object::Namespace(_) => 0,
            Object::ServiceAccount(_) => 1,
            Object::ClusterRole(_) => 2,
            Object::ClusterRoleBinding(_) => 3,
            Object::Role(_) => 4,
            Object::RoleBinding(_) => 5,
            Object::ResourceQuota(_) => 6,
            Object::ExternalSecret(_) => 7,
            Object::ConfigMap(_) => 8,
            Object::Deployment(_) => 9,
            Object::AutoscalingRunnerSet(_) => 10,
            Object::PodMonitor(_) => 11,
            Object::PrometheusRule(_) => 12,
        }
    }

    /// The object's metadata.
    pub fn metadata(&self) -> &ObjectMeta {
        match self {
            Object::Namespace(o) => &o.metadata,
            Object::ServiceAccount(o) => &o.metadata,
            Object::ClusterRole(o) => &o.metadata,
            Object::ClusterRoleBinding(o) => &o.metadata,
            Object::Role(o) => &o.metadata,
            Object::RoleBinding(o) => &o.metadata,
            Object::ResourceQuota(o) => &o.metadata,
            Object::ExternalSecret(o) => &o.metadata,
            Object::ConfigMap(o) => &o.metadata,
            Object::Deployment(o) => &o.metadata,
            Object::AutoscalingRunnerSet(o) => &o.metadata,
            Object::PodMonitor(o) => &o.metadata,
            Object::PrometheusRule(o) => &o.metadata,
        }
    }

    pub(crate) fn metadata_mut(&mut self) -> &mut ObjectMeta {
        match self {
            Object::Namespace(o) => &mut o.metadata,
            Object::ServiceAccount(o) => &mut o.metadata,
            Object::ClusterRole(o) => &mut o.metadata,
            Object::ClusterRoleBinding(o) => &mut o.metadata,
            Object::Role(o) => &mut o.metadata,
            Object::RoleBinding(o) => &mut o.metadata,
            Object::ResourceQuota(o) => &mut o.metadata,
            Object::ExternalSecret(o) => &mut o.metadata,
            Object::ConfigMap(o) => &mut o.metadata,
            Object::Deployment(o) => &mut o.metadata,
            Object::AutoscalingRunnerSet(o) => &mut o.metadata,
            Object::PodMonitor(o) => &mut o.metadata,
            Object::PrometheusRule(o) => &mut o.metadata,
        }
    }

    /// `metadata.name`.
    pub fn name(&self) -> &str {
        self.metadata().name.as_deref().unwrap_or_default()
    }

    /// `metadata.namespace` (`None` for cluster-scoped objects).
    pub fn namespace(&self) -> Option<&str> {
        self.metadata().namespace.as_deref()
    }

    /// The object as YAML (one document, no `---`).
    pub fn to_yaml(&self) -> Result<String, arcfleet_yaml::EmitError> {
        match self {
            Object::Namespace(o) => arcfleet_yaml::to_yaml(o),
            Object::ServiceAccount(o) => arcfleet_yaml::to_yaml(o),
            Object::ClusterRole(o) => arcfleet_yaml::to_yaml(o),
            Object::ClusterRoleBinding(o) => arcfleet_yaml::to_yaml(o),
            Object::Role(o) => arcfleet_yaml::to_yaml(o),
            Object::RoleBinding(o) => arcfleet_yaml::to_yaml(o),
            Object::ResourceQuota(o) => arcfleet_yaml::to_yaml(o),
            Object::ExternalSecret(o) => arcfleet_yaml::to_yaml(o),
            Object::ConfigMap(o) => arcfleet_yaml::to_yaml(o),
            Object::Deployment(o) => arcfleet_yaml::to_yaml(o),
            Object::AutoscalingRunnerSet(o) => arcfleet_yaml::to_yaml(o),
            Object::PodMonitor(o) => arcfleet_yaml::to_yaml(o),
            Object::PrometheusRule(o) => arcfleet_yaml::to_yaml(o),
        }
    }

    /// The object as JSON (for schema validation).
    pub fn to_json(&self) -> serde_json::Value {
        let value = match self {
            Object::Namespace(o) => serde_json::to_value(o),
            Object::ServiceAccount(o) => serde_json::to_value(o),
            Object::ClusterRole(o) => serde_json::to_value(o),
            Object::ClusterRoleBinding(o) => serde_json::to_value(o),
            Object::Role(o) => serde_json::to_value(o),
            Object::RoleBinding(o) => serde_json::to_value(o),
            Object::ResourceQuota(o) => serde_json::to_value(o),
            Object::ExternalSecret(o) => serde_json::to_value(o),
            Object::ConfigMap(o) => serde_json::to_value(o),
            Object::Deployment(o) => serde_json::to_value(o),
            Object::AutoscalingRunnerSet(o) => serde_json::to_value(o),
            Object::PodMonitor(o) => serde_json::to_value(o),
            Object::PrometheusRule(o) => serde_json::to_value(o),
        };
        value.unwrap_or_default()
    }

    /// Adds labels every arcfleet object carries.
    pub(crate) fn add_labels(&mut self, labels: &BTreeMap<String, String>) {
        let meta = self.metadata_mut();
        let existing = meta.labels.get_or_insert_with(BTreeMap::new);
        for (k, v) in labels {
            existing.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    /// A fleet holds thousands of objects that are grown into one list and sorted; keep them
    /// cheap to move.
    #[test]
    fn objects_stay_small() {
        let size = std::mem::size_of::<super::Object>();
        assert!(
            size <= 600,
            "Object is {size} bytes; box the variant that grew"
        );
    }
}
