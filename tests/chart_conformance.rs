//! The chart emulation against the charts themselves: every case of ARC 0.14.2's chart test
//! suite (`../shared/reference/arc-0.14.2/chart-tests`, rendered by real helm) is validated
//! twice, once as Helm values (the case's Flux HelmRelease, rendered by the emulation) and once
//! as helm's render of the same values.
//!
//! - Where helm renders, the objects the emulation builds equal helm's, once normalised: the
//!   `values-hash` annotation (a hash of Go's JSON of the values) and empty metadata maps aside.
//! - The findings on both paths are the same (rule, severity, object, message); findings about
//!   where a Secret lives (`plaintext-secret`, `secret-ref-missing`) are compared separately,
//!   because a chart's render never contains a pre-created Secret.
//! - Where helm refuses the values, the values path has a `chart-values` error quoting the
//!   chart's message.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arcfleet_diag::{Severity, SourceFile};
use arcfleet_validate::Options;
use serde_json::Value;

struct Case {
    id: String,
    refused: Option<String>,
}

fn suite() -> Option<PathBuf> {
    common::shared("reference/arc-0.14.2/chart-tests")
}

fn cases(dir: &Path) -> Vec<Case> {
    let tsv = std::fs::read_to_string(dir.join("cases.tsv")).expect("cases.tsv");
    tsv.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let id = line.split('\t').next().unwrap_or_default().to_string();
            let rc =
                std::fs::read_to_string(dir.join(format!("renders/{id}.rc"))).unwrap_or_default();
            let refused = (rc.trim() != "0").then(|| {
                std::fs::read_to_string(dir.join(format!("renders/{id}.err"))).unwrap_or_default()
            });
            Case { id, refused }
        })
        .collect()
}

fn source(path: &Path) -> Arc<SourceFile> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Arc::new(SourceFile::new(path.display().to_string(), text))
}

/// Objects keyed by kind/namespace/name, normalised for comparison.
fn keyed(objects: impl IntoIterator<Item = Value>) -> BTreeMap<String, Value> {
    objects
        .into_iter()
        .filter(|o| o.is_object())
        .map(|mut o| {
            normalise(&mut o);
            let key = format!(
                "{}/{}/{}",
                o["kind"].as_str().unwrap_or_default(),
                o["metadata"]["namespace"].as_str().unwrap_or_default(),
                o["metadata"]["name"].as_str().unwrap_or_default()
            );
            (key, o)
        })
        .collect()
}

fn normalise(object: &mut Value) {
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        if let Some(a) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            a.remove("actions.github.com/values-hash");
        }
        for key in ["annotations", "labels"] {
            if meta
                .get(key)
                .is_some_and(|v| v.is_null() || v.as_object().is_some_and(|m| m.is_empty()))
            {
                meta.remove(key);
            }
        }
    }
}

fn emulated(hr: &Path) -> BTreeMap<String, Value> {
    let (documents, problems) = arcfleet_validate::parse(&[source(hr)]);
    assert!(problems.is_empty(), "{problems:?}");
    let rendered = arcfleet_validate::chart::render(&documents);
    keyed(
        rendered
            .documents
            .iter()
            .map(|(d, _)| arcfleet_yaml::to_json(&d.root)),
    )
}

/// (rule, severity, kind/name, message) of every finding.
fn findings(path: &Path) -> Vec<(String, Severity, String, String)> {
    let report = arcfleet_validate::validate(vec![source(path)], &Options::default());
    let mut out: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| {
            let object = d
                .object
                .as_ref()
                .map(|o| format!("{}/{}", o.kind, o.name))
                .unwrap_or_default();
            (d.rule.to_string(), d.severity, object, d.message.clone())
        })
        .collect();
    out.sort();
    out
}

/// Rules about whether a Secret or ConfigMap of the cluster is part of the input: a chart's
/// render never has the pre-created ones.
const WHERE_SECRETS_LIVE: &[&str] = &["plaintext-secret", "secret-ref-missing"];

#[test]
fn every_chart_test_case_agrees_with_helm() {
    let Some(dir) = suite() else { return };
    let mut disagreements = Vec::new();
    let (mut rendered, mut refused) = (0, 0);
    for case in cases(&dir) {
        let hr = dir.join(format!("hr/{}.yaml", case.id));
        let render = dir.join(format!("renders/{}.yaml", case.id));
        let values_findings = findings(&hr);
        match &case.refused {
            Some(err) if case.id.ends_with("_nocsa") => {
                // Fails only because `helm template` cannot look the controller up in a cluster;
                // Flux installs with a cluster, so the HelmRelease is fine.
                assert!(
                    err.contains("No gha-rs-controller deployment found"),
                    "{err}"
                );
            }
            Some(err) => {
                refused += 1;
                let quoted = values_findings.iter().any(|(rule, sev, _, message)| {
                    rule == "chart-values"
                        && *sev == Severity::Error
                        && chart_reason(err).is_some_and(|reason| message.contains(&reason))
                });
                if !quoted {
                    disagreements.push(format!(
                        "{}: helm refuses ({}) but the values path has no chart-values error quoting it:\n  {values_findings:#?}",
                        case.id,
                        err.lines().next().unwrap_or_default()
                    ));
                }
            }
            None => {
                rendered += 1;
                let ours = emulated(&hr);
                let helm = keyed(common::yaml_values(&render));
                if ours != helm {
                    disagreements.push(format!(
                        "{}: objects differ:\n{}",
                        case.id,
                        diff(&ours, &helm)
                    ));
                }
                let render_findings = findings(&render);
                // Values the chart ignores can only be seen on the values path.
                let comparable = |f: &Vec<(String, Severity, String, String)>| -> Vec<_> {
                    f.iter()
                        .filter(|(rule, sev, ..)| {
                            !WHERE_SECRETS_LIVE.contains(&rule.as_str())
                                && !(rule == "chart-values" && *sev == Severity::Warning)
                        })
                        .cloned()
                        .collect()
                };
                if comparable(&values_findings) != comparable(&render_findings) {
                    disagreements.push(format!(
                        "{}: findings differ\n  values: {:#?}\n  render: {:#?}",
                        case.id,
                        comparable(&values_findings),
                        comparable(&render_findings)
                    ));
                }
            }
        }
    }
    println!("chart conformance: {rendered} rendered cases, {refused} refused cases");
    assert!(
        disagreements.is_empty(),
        "{} case(s) disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n\n")
    );
}

/// The chart's own message in helm's error output (`execution error at (...): MESSAGE`).
fn chart_reason(err: &str) -> Option<String> {
    // `fail` called with two arguments: Helm reports the call, not the message.
    if err.contains("wrong number of args for fail") {
        return Some("wrong number of args for fail".into());
    }
    let line = err.lines().find(|l| l.starts_with("Error:"))?;
    let reason = line.rsplit_once("): ").map_or(line, |(_, r)| r).trim();
    Some(reason.to_string())
}

fn diff(ours: &BTreeMap<String, Value>, helm: &BTreeMap<String, Value>) -> String {
    let mut out = String::new();
    for key in ours
        .keys()
        .chain(helm.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        match (ours.get(key), helm.get(key)) {
            (Some(a), Some(b)) if a != b => {
                let a = serde_json::to_string_pretty(a).unwrap_or_default();
                let b = serde_json::to_string_pretty(b).unwrap_or_default();
                out.push_str(&format!("  {key} differs:\n"));
                for change in similar::TextDiff::from_lines(&b, &a)
                    .unified_diff()
                    .context_radius(2)
                    .iter_hunks()
                {
                    out.push_str(&format!("{change}"));
                }
            }
            (Some(_), None) => out.push_str(&format!("  {key}: only in the emulation\n")),
            (None, Some(_)) => out.push_str(&format!("  {key}: only in helm's render\n")),
            _ => {}
        }
    }
    out
}
