//! Prometheus Operator `PodMonitor` and `PrometheusRule` (monitoring.coreos.com/v1): the
//! fields arcfleet writes.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde::{Deserialize, Serialize};

/// Prometheus Operator's API group and version.
pub const MONITORING_API_VERSION: &str = "monitoring.coreos.com/v1";

/// Scrape configuration for pods selected by labels.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodMonitor {
    /// `monitoring.coreos.com/v1`.
    pub api_version: String,
    /// `PodMonitor`.
    pub kind: String,
    /// Standard metadata.
    pub metadata: ObjectMeta,
    /// What to scrape.
    pub spec: PodMonitorSpec,
}

impl PodMonitor {
    /// A PodMonitor named `name` in `namespace`.
    pub fn new(name: &str, namespace: &str, spec: PodMonitorSpec) -> Self {
        PodMonitor {
            api_version: MONITORING_API_VERSION.into(),
            kind: "PodMonitor".into(),
            metadata: crate::meta(name, namespace),
            spec,
        }
    }
}

/// `spec` of a PodMonitor.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodMonitorSpec {
    /// Pods to scrape.
    pub selector: LabelSelector,
    /// Pod labels copied onto every scraped series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_target_labels: Option<Vec<String>>,
    /// Endpoints of each pod.
    pub pod_metrics_endpoints: Vec<PodMetricsEndpoint>,
}

/// One scraped endpoint of a pod.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodMetricsEndpoint {
    /// Container port name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// Container port number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_number: Option<i32>,
    /// HTTP path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Keep the metrics' own labels (`namespace`, `name`) over the target's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honor_labels: Option<bool>,
}

/// Alerting and recording rules.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusRule {
    /// `monitoring.coreos.com/v1`.
    pub api_version: String,
    /// `PrometheusRule`.
    pub kind: String,
    /// Standard metadata.
    pub metadata: ObjectMeta,
    /// The rule groups.
    pub spec: PrometheusRuleSpec,
}

impl PrometheusRule {
    /// A PrometheusRule named `name` in `namespace`.
    pub fn new(name: &str, namespace: &str, spec: PrometheusRuleSpec) -> Self {
        PrometheusRule {
            api_version: MONITORING_API_VERSION.into(),
            kind: "PrometheusRule".into(),
            metadata: crate::meta(name, namespace),
            spec,
        }
    }
}

/// `spec` of a PrometheusRule.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PrometheusRuleSpec {
    /// Rule groups.
    pub groups: Vec<RuleGroup>,
}

/// A group of rules evaluated together.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleGroup {
    /// Group name.
    pub name: String,
    /// The rules.
    pub rules: Vec<AlertRule>,
}

/// An alerting rule.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AlertRule {
    /// Alert name.
    pub alert: String,
    /// PromQL expression.
    pub expr: String,
    /// How long the expression must hold.
    #[serde(rename = "for")]
    pub for_: String,
    /// Labels (severity).
    pub labels: BTreeMap<String, String>,
    /// Annotations (summary, description, runbook_url).
    pub annotations: BTreeMap<String, String>,
}
