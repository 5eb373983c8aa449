//! Comparing the chart emulation with helm: one case is a HelmRelease (the values path, rendered
//! by the emulation) and helm's render of the same values (or helm's refusal).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use arcfleet_diag::{Severity, SourceFile};
use arcfleet_validate::Options;
use serde_json::Value;

/// How a case came out.
pub enum Agreement {
    /// helm rendered; objects and findings agree.
    Rendered,
    /// helm refused; the values path quotes its reason.
    Refused,
    /// helm refused only because `helm template` cannot look the controller up in a cluster.
    NeedsCluster,
}

/// Compares `hr` (values path) with helm's `render` (or its refusal `err`, when `refused`).
pub fn compare(hr: &Path, render: &Path, refused: Option<&str>) -> Result<Agreement, String> {
    let values_findings = findings(hr);
    match refused {
        Some(err) if err.contains("No gha-rs-controller deployment found") => {
            // A HelmRelease is installed by Flux against a cluster, where the lookup works.
            Ok(Agreement::NeedsCluster)
        }
        Some(err) => {
            let reason = chart_reason(err).unwrap_or_default();
            let quoted = values_findings.iter().any(|(rule, sev, _, message)| {
                rule == "chart-values" && *sev == Severity::Error && message.contains(&reason)
            });
            if quoted {
                Ok(Agreement::Refused)
            } else {
                Err(format!(
                    "helm refuses ({reason}) but the values path has no chart-values error quoting it:\n  {values_findings:#?}"
                ))
            }
        }
        None => {
            let ours = emulated(hr);
            let helm = keyed(super::yaml_values(render));
            if ours != helm {
                return Err(format!("objects differ:\n{}", diff(&ours, &helm)));
            }
            let render_findings = findings(render);
            let (a, b) = (comparable(&values_findings), comparable(&render_findings));
            if a != b {
                return Err(format!(
                    "findings differ\n  values: {a:#?}\n  render: {b:#?}"
                ));
            }
            Ok(Agreement::Rendered)
        }
    }
}

/// Rules about whether a Secret of the cluster is part of the input: a chart's render never has
/// the pre-created ones. Values the chart ignores can only be seen on the values path.
fn comparable(f: &[(String, Severity, String, String)]) -> Vec<(String, Severity, String, String)> {
    f.iter()
        .filter(|(rule, sev, ..)| {
            let secrets = WHERE_SECRETS_LIVE.contains(&rule.as_str());
            let ignored_values = rule == "chart-values" && *sev == Severity::Warning;
            !(secrets || ignored_values)
        })
        .cloned()
        .collect()
}

const WHERE_SECRETS_LIVE: &[&str] = &["plaintext-secret", "secret-ref-missing"];

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
