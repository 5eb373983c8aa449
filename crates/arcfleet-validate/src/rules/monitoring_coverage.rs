use std::collections::BTreeMap;

use arcfleet_yaml::Node;

use crate::index::Object;
use crate::views::ScaleSet;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// When the input has Prometheus Operator monitors, every scale set's listener is scraped by
    /// one of them.
    ///
    /// Queue time, saturation and listener-down alerts read the listener's metrics. A listener
    /// that no PodMonitor (or ServiceMonitor through a Service) selects — a label selector
    /// written for another chart, a monitor in the wrong namespace — leaves its scale set
    /// silently unwatched: the alerts can never fire for it. Listener pods run in the
    /// controller's namespace and carry `app.kubernetes.io/component: runner-scale-set-listener`,
    /// `actions.github.com/scale-set-name` and `actions.github.com/scale-set-namespace`, plus the
    /// scale set's own labels. A controller started with `--listener-metrics-addr=0` publishes
    /// no listener metrics at all.
    MonitoringCoverage, id: "monitoring-coverage", severity: Warning,
    summary: "with monitors present, every scale set's listener is selected by one"
}

impl Rule for MonitoringCoverage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        let pod_monitors: Vec<&Object<'_>> = cx.index.of_kind("PodMonitor").collect();
        let service_monitors: Vec<&Object<'_>> = cx.index.of_kind("ServiceMonitor").collect();
        if pod_monitors.is_empty() && service_monitors.is_empty() {
            return;
        }
        for controller in &cx.views.controllers {
            // Only when a monitor of its fleet looks for listeners at all.
            let listener = BTreeMap::from([(
                "app.kubernetes.io/component",
                arcfleet_arc::meta::LISTENER_COMPONENT,
            )]);
            let scraped = pod_monitors.iter().any(|m| {
                m.same_fleet(&controller.object)
                    && selects(m.spec().and_then(|s| s.get("selector")), &listener)
            });
            if !scraped {
                continue;
            }
            if let Some((_, node)) = controller
                .container
                .args()
                .into_iter()
                .find(|(a, _)| *a == "--listener-metrics-addr=0")
            {
                out.at_rule_level(&controller.object, node.span, "listener metrics are off (--listener-metrics-addr=0), so no monitor can scrape the listeners")
                    .hint("set --listener-metrics-addr=:8080 (the chart's `metrics.listenerAddr`, the fleet spec's `controller.metrics`)");
            }
        }
        for (i, set) in cx.views.scale_sets.iter().enumerate() {
            let namespaces: Vec<&str> = cx
                .views
                .controllers_of(i)
                .filter_map(|c| c.namespace())
                .collect();
            let labels = listener_labels(set);
            let covered = namespaces.iter().any(|ns| {
                pod_monitors.iter().any(|m| {
                    watches(m, ns) && selects(m.spec().and_then(|s| s.get("selector")), &labels)
                }) || service_monitors.iter().any(|m| {
                    watches(m, ns)
                        && cx.index.in_namespace("Service", ns).any(|svc| {
                            service_selects(svc, &labels)
                                && selects(
                                    m.spec().and_then(|s| s.get("selector")),
                                    &object_labels(svc),
                                )
                        })
                })
            });
            if !covered && !namespaces.is_empty() {
                out.at_rule_level(&set.object, set.object.name_span(), format!("no PodMonitor or ServiceMonitor scrapes the listener of `{}`: its alerts can never fire", set.object.name))
                    .hint("select `app.kubernetes.io/component: runner-scale-set-listener` in the controller's namespace");
            }
        }
    }
}

fn object_labels<'a>(object: &Object<'a>) -> BTreeMap<&'a str, &'a str> {
    object
        .root
        .path(&["metadata", "labels"])
        .and_then(Node::as_mapping)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| Some((e.key.scalar_text()?, e.value.scalar_text()?)))
        .collect()
}

/// The labels ARC gives a scale set's listener pod.
fn listener_labels<'a>(set: &ScaleSet<'a>) -> BTreeMap<&'a str, &'a str> {
    let mut labels = object_labels(&set.object);
    labels.insert("app.kubernetes.io/component", "runner-scale-set-listener");
    labels.insert("app.kubernetes.io/part-of", "gha-runner-scale-set");
    labels.insert("actions.github.com/scale-set-name", set.object.name);
    if let Some(ns) = set.namespace() {
        labels.insert("actions.github.com/scale-set-namespace", ns);
    }
    labels
}

/// Whether a monitor looks at namespace `ns` (its own, unless `namespaceSelector` says otherwise).
fn watches(monitor: &Object<'_>, ns: &str) -> bool {
    match monitor.spec().and_then(|s| s.get("namespaceSelector")) {
        Some(sel) if sel.get("any").and_then(Node::as_bool) == Some(true) => true,
        Some(sel) if sel.get("matchNames").is_some() => sel
            .get("matchNames")
            .and_then(Node::as_sequence)
            .unwrap_or_default()
            .iter()
            .any(|n| n.scalar_text() == Some(ns)),
        _ => monitor.namespace.is_none_or(|own| own == ns),
    }
}

/// A Kubernetes label selector (`matchLabels` and `matchExpressions`) against `labels`.
fn selects(selector: Option<&Node>, labels: &BTreeMap<&str, &str>) -> bool {
    let Some(selector) = selector else {
        return false;
    };
    let match_labels = selector
        .get("matchLabels")
        .and_then(Node::as_mapping)
        .unwrap_or_default();
    let labels_ok = match_labels
        .iter()
        .all(|e| e.key.scalar_text().and_then(|k| labels.get(k)).copied() == e.value.scalar_text());
    let expressions_ok = selector
        .get("matchExpressions")
        .and_then(Node::as_sequence)
        .unwrap_or_default()
        .iter()
        .all(|expr| {
            let key = expr
                .get("key")
                .and_then(Node::scalar_text)
                .unwrap_or_default();
            let values: Vec<&str> = expr
                .get("values")
                .and_then(Node::as_sequence)
                .unwrap_or_default()
                .iter()
                .filter_map(Node::scalar_text)
                .collect();
            let value = labels.get(key);
            match expr
                .get("operator")
                .and_then(Node::scalar_text)
                .unwrap_or_default()
            {
                "In" => value.is_some_and(|v| values.contains(v)),
                "NotIn" => value.is_none_or(|v| !values.contains(v)),
                "Exists" => value.is_some(),
                "DoesNotExist" => value.is_none(),
                _ => false,
            }
        });
    labels_ok && expressions_ok
}

/// Whether a Service's (map) selector picks pods with `labels`.
fn service_selects(service: &Object<'_>, labels: &BTreeMap<&str, &str>) -> bool {
    let selector = service
        .root
        .path(&["spec", "selector"])
        .and_then(Node::as_mapping)
        .unwrap_or_default();
    !selector.is_empty()
        && selector.iter().all(|e| {
            e.key.scalar_text().and_then(|k| labels.get(k)).copied() == e.value.scalar_text()
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("monitoring-coverage", "monitoring_coverage");
    }
}
