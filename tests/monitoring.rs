//! The generated monitoring: every alert expression is valid PromQL that reads ARC's real
//! metrics, the thresholds come from the spec, and the listeners publish what the alerts read.

mod common;

use serde_json::Value;

fn rule_and_sets(text: &str) -> (Value, Vec<Value>) {
    let objects: Vec<Value> = common::render_text("fleet.yaml", text)
        .objects
        .iter()
        .map(|o| o.to_json())
        .collect();
    let rule = objects
        .iter()
        .find(|o| o["kind"] == "PrometheusRule")
        .cloned()
        .expect("a PrometheusRule");
    let sets = objects
        .into_iter()
        .filter(|o| o["kind"] == "AutoscalingRunnerSet")
        .collect();
    (rule, sets)
}

/// Metric names ARC 0.14 publishes: the controller's `gha_controller_*` gauges and the listener
/// metrics of `cmd/ghalistener/metrics`, plus Prometheus' own `up`.
const ARC_METRICS: &[&str] = &[
    "gha_controller_failed_ephemeral_runners",
    "gha_controller_pending_ephemeral_runners",
    "gha_controller_running_ephemeral_runners",
    "gha_controller_running_listeners",
    "gha_busy_runners",
    "gha_max_runners",
    "gha_job_startup_duration_seconds_bucket",
    "up",
];

#[test]
fn every_alert_expression_parses_and_reads_arc_metrics() {
    let (rule, _) = rule_and_sets(&common::example_text("mixed-hardware"));
    let rules = rule["spec"]["groups"][0]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 5);
    for r in rules {
        let expr = r["expr"].as_str().unwrap();
        promql_parser::parser::parse(expr)
            .unwrap_or_else(|e| panic!("{}: {expr}: {e}", r["alert"]));
        let metrics: Vec<&str> = expr
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| w.starts_with("gha_") || *w == "up")
            .collect();
        assert!(!metrics.is_empty(), "{expr}");
        for m in metrics {
            assert!(
                ARC_METRICS.contains(&m),
                "{}: `{m}` is not an ARC metric",
                r["alert"]
            );
        }
        for key in ["summary", "description", "runbook_url"] {
            assert!(
                r["annotations"][key].as_str().is_some_and(|s| s.len() > 10),
                "{} lacks {key}",
                r["alert"]
            );
        }
        assert!(matches!(
            r["labels"]["severity"].as_str(),
            Some("warning" | "critical")
        ));
    }
    // The parser is strict: a broken expression is refused.
    assert!(promql_parser::parser::parse("sum by (name (gha_busy_runners)").is_err());
}

#[test]
fn thresholds_come_from_the_spec() {
    let text = common::example_text("mixed-hardware").replace(
        "      queueTime: {thresholdSeconds: 120}\n",
        "      queueTime: {thresholdSeconds: 300, quantile: 0.5, window: 30m}\n      saturated: {for: 1h}\n",
    );
    let (rule, sets) = rule_and_sets(&text);
    let rules = rule["spec"]["groups"][0]["rules"].as_array().unwrap();
    let find = |name: &str| rules.iter().find(|r| r["alert"] == name).unwrap();
    let queue = find("ARCJobQueueTimeHigh");
    assert!(
        queue["expr"]
            .as_str()
            .unwrap()
            .starts_with("histogram_quantile(0.5,"),
        "{queue}"
    );
    assert!(queue["expr"].as_str().unwrap().contains("[30m]"));
    assert!(queue["expr"].as_str().unwrap().ends_with("> 300"));
    assert_eq!(find("ARCScaleSetSaturated")["for"], "1h");
    // One listener per scale set must be up.
    assert!(
        find("ARCListenerDown")["expr"]
            .as_str()
            .unwrap()
            .contains(&format!("< {}", sets.len()))
    );
    // The listeners publish what the alerts read.
    for set in &sets {
        let metrics = &set["spec"]["listenerMetrics"];
        assert!(metrics["gauges"]["gha_busy_runners"].is_object());
        assert!(metrics["gauges"]["gha_max_runners"].is_object());
        assert!(
            metrics["histograms"]["gha_job_startup_duration_seconds"]["buckets"]
                .as_array()
                .is_some_and(|b| b.len() > 10)
        );
    }
}

#[test]
fn monitoring_needs_controller_metrics() {
    let text = common::example_text("mixed-hardware").replace("    metrics: {port: 8080}\n", "");
    let spec = arcfleet_spec::load_spec(std::sync::Arc::new(arcfleet_diag::SourceFile::new(
        "fleet.yaml",
        text,
    )))
    .unwrap();
    let errors = arcfleet_spec::resolve(&spec, &Default::default()).unwrap_err();
    assert!(
        errors
            .to_string()
            .contains("monitoring needs controller.metrics"),
        "{errors}"
    );
}
