//! Where in the fleet spec a rendered field comes from, so that a finding on the rendered output
//! is reported at the spec line that causes it (the generated files are never the thing to edit,
//! and `--stdout` writes none).

use arcfleet_arc::meta::VERSION_LABEL;
use arcfleet_arc::runner::DIND_CONTAINER;
use arcfleet_spec::{Fleet, ResolvedSet, class_pointer};
use arcfleet_yaml::{Node, NodeValue, pointer_token as escape};

use std::collections::BTreeMap;

use arcfleet_diag::Diagnostic;
use arcfleet_spec::LoadedSpec;

use crate::Manifests;
use crate::object::Object;

/// Findings on the rendered files of `manifests`, moved to the spec nodes that cause them. The
/// findings one spec node causes (a class's image, in every set and container that uses it)
/// become one, which says how many places of the output it stands for. A finding whose file
/// is not one of the rendered objects stays where it is.
pub fn at_the_spec(
    spec: &LoadedSpec,
    fleet: &Fleet,
    manifests: &Manifests,
    diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let objects: Vec<(String, &Object)> = manifests
        .objects
        .iter()
        .map(|o| (crate::file_path(o), o))
        .collect();
    let mut merged: Vec<(Diagnostic, usize)> = Vec::new();
    let mut by_cause: BTreeMap<(&'static str, usize, usize), usize> = BTreeMap::new();
    for diagnostic in diagnostics {
        let name = diagnostic.file.name().replace('\\', "/");
        let Some((_, object)) = objects
            .iter()
            .find(|(path, _)| name.ends_with(path.as_str()))
        else {
            merged.push((diagnostic, 1));
            continue;
        };
        let path = arcfleet_yaml::load(&diagnostic.file, &arcfleet_yaml::Limits::default())
            .ok()
            .and_then(|docs| docs.into_iter().next())
            .map(|doc| path_at(&doc.root, diagnostic.span.start()))
            .unwrap_or_default();
        let pointer = spec_pointer(fleet, object, &path);
        let span = spec.root.nearest(&pointer).span;
        let key = (diagnostic.rule, span.start(), span.end());
        match by_cause.get(&key) {
            Some(&at) => merged[at].1 += 1,
            None => {
                by_cause.insert(key, merged.len());
                merged.push((
                    Diagnostic {
                        file: std::sync::Arc::clone(&spec.file),
                        span,
                        ..diagnostic
                    },
                    1,
                ));
            }
        }
    }
    merged
        .into_iter()
        .map(|(mut diagnostic, count)| {
            if count > 1 {
                diagnostic.message = format!(
                    "{} (and {} more like it in the rendered output)",
                    diagnostic.message,
                    count - 1
                );
            }
            diagnostic
        })
        .collect()
}

/// The keys and indexes from `node` down to the deepest node whose span holds `offset`.
pub fn path_at(node: &Node, offset: usize) -> Vec<String> {
    let mut path = Vec::new();
    let mut here = node;
    loop {
        let inside =
            |n: &Node| n.span.start() <= offset && offset < n.span.end().max(n.span.start() + 1);
        let next = match &here.value {
            NodeValue::Mapping(entries) => entries
                .iter()
                .find(|e| inside(&e.value) || inside(&e.key))
                .map(|e| {
                    (
                        e.key.scalar_text().unwrap_or_default().to_string(),
                        &e.value,
                    )
                }),
            NodeValue::Sequence(items) => items
                .iter()
                .enumerate()
                .find(|(_, item)| inside(item))
                .map(|(i, item)| (i.to_string(), item)),
            _ => None,
        };
        match next {
            Some((key, child)) => {
                path.push(key);
                here = child;
            }
            None => return path,
        }
    }
}

/// The JSON Pointer of the spec node that decides the field at `path` of rendered `object`
/// (the closest one that says it; `/spec` when nothing in the spec is more specific).
pub fn spec_pointer(fleet: &Fleet, object: &Object, path: &[String]) -> String {
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let ns = object.namespace().unwrap_or_default();
    match object.kind() {
        "AutoscalingRunnerSet" => fleet
            .sets
            .iter()
            .find(|s| s.namespace == ns && s.name == object.name())
            .map_or_else(
                || "/spec/runnerSets".into(),
                |set| scale_set(set, object, &path),
            ),
        "Deployment" | "ClusterRole" | "ClusterRoleBinding" => "/spec/controller".into(),
        "ResourceQuota" => match path.as_slice() {
            ["spec", "hard", key, ..] => {
                format!("/spec/namespaces/{}/quota/{}", escape(ns), escape(key))
            }
            _ => format!("/spec/namespaces/{}/quota", escape(ns)),
        },
        "Namespace" => format!("/spec/namespaces/{}", escape(object.name())),
        "ConfigMap" => fleet
            .sets
            .iter()
            .find(|s| {
                s.namespace == ns && crate::scale_set::worker_podspec_name(s) == object.name()
            })
            .map_or_else(
                || "/spec".into(),
                |s| format!("{}/workflowPod", class_pointer(&s.class)),
            ),
        "ExternalSecret" => fleet
            .sets
            .iter()
            .find(|s| s.namespace == ns && s.secret_name == object.name())
            .map_or_else(
                || "/spec/registries".into(),
                |s| format!("/spec/runnerSets/{}/auth", s.index),
            ),
        "PodMonitor" | "PrometheusRule" => "/spec/monitoring".into(),
        _ => fleet
            .sets
            .iter()
            .find(|s| s.namespace == ns && object.name().starts_with(&s.name))
            .map_or_else(
                || "/spec".into(),
                |s| format!("/spec/runnerSets/{}", s.index),
            ),
    }
}

fn scale_set(set: &ResolvedSet, object: &Object, path: &[&str]) -> String {
    let base = format!("/spec/runnerSets/{}", set.index);
    let class = class_pointer(&set.class);
    let overrides = format!("{base}/overrides");
    let overridden = |field: &str| {
        set.overrides.as_ref().is_some_and(|o| match field {
            "image" => o.image.is_some(),
            "activeDeadlineSeconds" => o.active_deadline_seconds.is_some(),
            "nodeSelector" => o.node_selector.is_some(),
            "tolerations" => o.tolerations.is_some(),
            "affinity" => o.affinity.is_some(),
            "podLabels" => !o.pod_labels.is_empty(),
            "podAnnotations" => !o.pod_annotations.is_empty(),
            _ => false,
        })
    };
    let from = |field: &str| {
        if overridden(field) {
            format!("{overrides}/{field}")
        } else {
            format!("{class}/{field}")
        }
    };
    match path {
        ["metadata", "labels", label] if *label == VERSION_LABEL => {
            "/spec/controller/version".into()
        }
        [
            "spec",
            field @ ("maxRunners" | "minRunners" | "githubConfigUrl" | "runnerGroup"),
            ..,
        ] => {
            format!("{base}/{field}")
        }
        ["spec", "runnerScaleSetName", ..] => format!("{base}/name"),
        ["spec", "runnerScaleSetLabels", ..] => format!("{base}/labels"),
        ["spec", "githubConfigSecret", ..] => format!("{base}/auth"),
        ["spec", "listenerTemplate", ..] => "/spec/controller/listener".into(),
        [
            "spec",
            "template",
            "spec",
            list @ ("containers" | "initContainers"),
            index,
            rest @ ..,
        ] => {
            let name = object.to_json()["spec"]["template"]["spec"][*list]
                [index.parse::<usize>().unwrap_or(usize::MAX)]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let field = rest.first().copied().unwrap_or_default();
            if name == DIND_CONTAINER {
                format!("{class}/dind/{field}")
            } else {
                match field {
                    "image" => from("image"),
                    "resources" => set.resources_pointer.clone(),
                    "env" => format!("{class}/env"),
                    "volumeMounts" => format!("{class}/volumeMounts"),
                    _ => class,
                }
            }
        }
        ["spec", "template", "spec", field, ..] => match *field {
            "activeDeadlineSeconds" | "nodeSelector" | "tolerations" | "affinity" => from(field),
            "securityContext" | "volumes" | "serviceAccountName" => format!("{class}/{field}"),
            "imagePullSecrets" => format!("{class}/imagePullSecrets"),
            _ => class,
        },
        ["spec", "template", "metadata", "labels", ..] => from("podLabels"),
        ["spec", "template", "metadata", "annotations", ..] => from("podAnnotations"),
        ["spec", "template", ..] => class,
        _ => base,
    }
}
