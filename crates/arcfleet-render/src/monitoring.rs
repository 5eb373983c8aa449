//! Monitoring of the fleet: PodMonitors for the controller and the listeners, a PrometheusRule
//! with the alerts that catch a stuck fleet, and the listener metrics those alerts read.
//!
//! Metric names are ARC's own: the controller publishes `gha_controller_failed_ephemeral_runners`
//! (labels `name`, `namespace`, …); listeners publish `gha_busy_runners`, `gha_max_runners`
//! (labels `name`, `namespace`, …) and the histogram `gha_job_startup_duration_seconds` (job
//! labels only, so the scale set comes from the listener pod's labels via `podTargetLabels`).

use std::collections::BTreeMap;

use arcfleet_arc::meta::{CONTROLLER_APP_NAME, SCALE_SET_NAME_LABEL, SCALE_SET_NAMESPACE_LABEL};
use arcfleet_crds::{
    AlertRule, PodMetricsEndpoint, PodMonitor, PodMonitorSpec, PrometheusRule, PrometheusRuleSpec,
    RuleGroup,
};
use arcfleet_spec::Fleet;
use arcfleet_spec::model::Monitoring;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::json;

use crate::build::map;
use crate::object::Object;

/// The Prometheus label a pod label becomes (`podTargetLabels`).
fn prometheus_label(pod_label: &str) -> String {
    pod_label
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Buckets of ARC's `gha_job_startup_duration_seconds` (its `runtimeBuckets`).
const STARTUP_BUCKETS: &[f64] = &[
    0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 12.0, 15.0, 18.0,
    20.0, 25.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0, 110.0, 120.0, 150.0, 180.0, 210.0,
    240.0, 300.0, 360.0, 420.0, 480.0, 540.0, 600.0, 900.0, 1200.0, 1800.0, 2400.0, 3000.0, 3600.0,
];

/// `spec.listenerMetrics` of every scale set: the metrics the alerts read (ARC ≥ 0.11 publishes
/// only the listener metrics listed here).
pub(crate) fn listener_metrics() -> serde_json::Value {
    let set_labels = json!([
        "name",
        "namespace",
        "repository",
        "organization",
        "enterprise"
    ]);
    json!({
        "gauges": {
            "gha_busy_runners": {"labels": set_labels},
            "gha_max_runners": {"labels": set_labels},
            "gha_desired_runners": {"labels": set_labels},
            "gha_registered_runners": {"labels": set_labels},
        },
        "counters": {
            "gha_started_jobs_total": {"labels": ["repository", "organization", "enterprise", "job_name", "event_name"]},
            "gha_completed_jobs_total": {"labels": ["repository", "organization", "enterprise", "job_name", "event_name", "job_result"]},
        },
        "histograms": {
            "gha_job_startup_duration_seconds": {
                "labels": ["repository", "organization", "enterprise", "job_name", "event_name"],
                "buckets": STARTUP_BUCKETS,
            },
        },
    })
}

pub(crate) fn objects(fleet: &Fleet, monitoring: &Monitoring) -> Vec<Object> {
    let c = &fleet.controller.spec;
    let ns = c.namespace.as_str();
    let port = c.metrics.as_ref().map_or(8080, |m| i32::from(m.port));
    let path = c
        .metrics
        .as_ref()
        .map_or("/metrics".to_string(), |m| m.path.clone());
    let listeners = format!("{}-listeners", c.name);
    let mut controller_monitor = PodMonitor::new(
        &c.name,
        ns,
        PodMonitorSpec {
            selector: LabelSelector {
                match_labels: Some(map([
                    ("app.kubernetes.io/name", CONTROLLER_APP_NAME),
                    ("app.kubernetes.io/instance", &c.name),
                    ("app.kubernetes.io/component", "controller-manager"),
                ])),
                match_expressions: None,
            },
            pod_target_labels: None,
            pod_metrics_endpoints: vec![PodMetricsEndpoint {
                port: Some("metrics".into()),
                path: Some("/metrics".into()),
                // The metrics' `namespace` and `name` are the scale set's; keep them.
                honor_labels: Some(true),
                ..Default::default()
            }],
        },
    );
    let mut listener_monitor = PodMonitor::new(
        &listeners,
        ns,
        PodMonitorSpec {
            selector: LabelSelector {
                match_labels: Some(map([(
                    "app.kubernetes.io/component",
                    "runner-scale-set-listener",
                )])),
                match_expressions: None,
            },
            // Listener pod labels copied onto its series: they name the scale set.
            pod_target_labels: Some(vec![
                SCALE_SET_NAME_LABEL.into(),
                SCALE_SET_NAMESPACE_LABEL.into(),
            ]),
            pod_metrics_endpoints: vec![PodMetricsEndpoint {
                port_number: Some(port),
                path: Some(path),
                honor_labels: Some(true),
                ..Default::default()
            }],
        },
    );
    let mut rule = PrometheusRule::new(
        &format!("{}-arc", fleet.name),
        ns,
        PrometheusRuleSpec {
            groups: vec![RuleGroup {
                name: format!("arcfleet-{}", fleet.name),
                rules: alerts(fleet, monitoring, &listeners),
            }],
        },
    );
    for labels in [
        &mut controller_monitor.metadata.labels,
        &mut listener_monitor.metadata.labels,
        &mut rule.metadata.labels,
    ] {
        *labels = Some(monitoring.labels.clone());
    }
    vec![
        Object::PodMonitor(controller_monitor),
        Object::PodMonitor(listener_monitor),
        Object::PrometheusRule(rule),
    ]
}

fn alert(
    name: &str,
    expr: String,
    for_: &str,
    severity: &str,
    runbook: &str,
    summary: &str,
    description: &str,
) -> AlertRule {
    AlertRule {
        alert: name.into(),
        expr,
        for_: for_.into(),
        labels: BTreeMap::from([("severity".to_string(), severity.to_string())]),
        annotations: BTreeMap::from([
            ("summary".to_string(), summary.to_string()),
            ("description".to_string(), description.to_string()),
            (
                "runbook_url".to_string(),
                format!("{}#{}", runbook.trim_end_matches('/'), name.to_lowercase()),
            ),
        ]),
    }
}

fn alerts(fleet: &Fleet, m: &Monitoring, listeners: &str) -> Vec<AlertRule> {
    let c = &fleet.controller.spec;
    let a = &m.alerts;
    let set = prometheus_label(SCALE_SET_NAME_LABEL);
    let set_ns = prometheus_label(SCALE_SET_NAMESPACE_LABEL);
    let controller_job = format!("{}/{}", c.namespace, c.name);
    let listener_job = format!("{}/{listeners}", c.namespace);
    let runbook = m.runbook_url.as_str();
    vec![
        alert(
            "ARCFailedEphemeralRunners",
            "sum by (namespace, name) (gha_controller_failed_ephemeral_runners) > 0".into(),
            &a.failed_runners.for_,
            &a.failed_runners.severity,
            runbook,
            "Scale set {{ $labels.namespace }}/{{ $labels.name }} has {{ $value }} failed ephemeral runners",
            "Failed EphemeralRunners keep counting toward maxRunners until they are deleted, so the set can stop scaling. Look at `kubectl get ephemeralrunners -n {{ $labels.namespace }}` for the failure reason (often a pod the API server refused: Pod Security, a webhook, an invalid spec), fix the cause, then delete the failed runners.",
        ),
        alert(
            "ARCScaleSetSaturated",
            "sum by (namespace, name) (gha_busy_runners) >= sum by (namespace, name) (gha_max_runners) > 0".into(),
            &a.saturated.for_,
            &a.saturated.severity,
            runbook,
            "Scale set {{ $labels.namespace }}/{{ $labels.name }} is saturated: every runner is busy at maxRunners",
            "All runners are busy and the set may not grow, so new jobs queue. Raise maxRunners (and the namespace quota with it) if the demand is lasting, or spread jobs over another scale set.",
        ),
        alert(
            "ARCJobQueueTimeHigh",
            format!(
                "histogram_quantile({}, sum by ({set_ns}, {set}, le) (rate(gha_job_startup_duration_seconds_bucket[{}]))) > {}",
                a.queue_time.quantile, a.queue_time.window, a.queue_time.threshold_seconds
            ),
            &a.queue_time.for_,
            &a.queue_time.severity,
            runbook,
            &format!("Jobs of {{{{ $labels.{set_ns} }}}}/{{{{ $labels.{set} }}}} wait {{{{ $value | humanizeDuration }}}} for a runner (p{})", (a.queue_time.quantile * 100.0).round()),
            "Jobs wait longer than expected between being assigned to the scale set and starting on a runner. Check ARCScaleSetSaturated, pending runner pods (quota, node capacity, image pulls) and the listener's log.",
        ),
        alert(
            "ARCControllerDown",
            format!("sum(up{{job=\"{controller_job}\"}}) < 1 or absent(up{{job=\"{controller_job}\"}})"),
            &a.target_down.for_,
            &a.target_down.severity,
            runbook,
            "The ARC controller is not being scraped or is down",
            "Without the controller no runner is created or cleaned up and no listener is restarted. Check the controller Deployment and its log; a controller that exits at start often has a bad flag or a missing CONTROLLER_MANAGER_* variable.",
        ),
        alert(
            "ARCListenerDown",
            format!(
                "count(up{{job=\"{listener_job}\"}} == 1) < {} or absent(up{{job=\"{listener_job}\"}} == 1)",
                fleet.sets.len()
            ),
            &a.target_down.for_,
            &a.target_down.severity,
            runbook,
            "Fewer ARC listeners are up than scale sets",
            "A scale set without a running listener gets no runners: its jobs queue forever. Look for listener pods in the controller namespace that crash-loop (credentials, GitHub session conflicts, a version skew that made the controller delete the set).",
        ),
    ]
}
