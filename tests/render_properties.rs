//! Properties of rendering the bundled examples: determinism, what a version bump changes,
//! the DinD form by Kubernetes version, and quotas that hold their namespace's pods.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use arcfleet_k8s::{
    ContainerKind, ContainerResources, Quantity, ResourceList, default_headroom, pod_usage,
};
use serde_json::Value;

/// JSON Pointer → scalar for every leaf of `value`.
fn leaves(value: &Value, prefix: String, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| leaves(v, format!("{prefix}/{k}"), out)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| leaves(v, format!("{prefix}/{i}"), out)),
        leaf => {
            out.insert(prefix, leaf.clone());
        }
    }
}

fn objects_by_key(text: &str) -> BTreeMap<String, Value> {
    common::render_text("fleet.yaml", text)
        .objects
        .iter()
        .map(|o| {
            (
                format!("{} {}/{}", o.kind(), o.namespace().unwrap_or("-"), o.name()),
                o.to_json(),
            )
        })
        .collect()
}

#[test]
fn rendering_twice_is_byte_identical() {
    for example in common::examples() {
        let a = common::render_example(&example);
        let b = common::render_example(&example);
        assert_eq!(a.stream().unwrap(), b.stream().unwrap(), "{example}");
        assert_eq!(a.files().unwrap(), b.files().unwrap(), "{example}");
    }
}

#[test]
fn map_order_in_the_spec_does_not_change_the_output() {
    let text = common::example_text("three-orgs");
    // Swap two namespace entries of spec.namespaces.
    let a = "    kamify-runner:\n      quota: auto\n      labels: {pod-security.kubernetes.io/enforce: privileged}\n";
    let b = "    everyapi-runner:\n      quota: auto\n      labels: {pod-security.kubernetes.io/enforce: privileged}\n";
    assert!(text.contains(a) && text.contains(b));
    let swapped = text.replace(a, "@A@").replace(b, a).replace("@A@", b);
    assert_ne!(swapped, text);
    assert_eq!(
        common::render_text("fleet.yaml", &text).stream().unwrap(),
        common::render_text("fleet.yaml", &swapped)
            .stream()
            .unwrap()
    );
}

#[test]
fn a_controller_version_bump_changes_exactly_the_images_and_version_labels() {
    for example in common::examples() {
        let text = common::example_text(&example);
        assert!(text.contains("version: 0.14.2"));
        let before = objects_by_key(&text);
        let after = objects_by_key(&text.replace("version: 0.14.2", "version: 0.14.1"));
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>()
        );
        let mut changed = BTreeSet::new();
        for (key, old) in &before {
            let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
            leaves(old, String::new(), &mut a);
            leaves(&after[key], String::new(), &mut b);
            for (pointer, value) in &a {
                if b.get(pointer) != Some(value) {
                    changed.insert(format!("{} {pointer}", key.split(' ').next().unwrap()));
                }
            }
            assert_eq!(a.len(), b.len(), "{key} gained or lost fields");
        }
        let expected: BTreeSet<String> = [
            "Deployment /spec/template/spec/containers/0/image",
            "Deployment /spec/template/spec/containers/0/env/0/value",
            "AutoscalingRunnerSet /metadata/labels/app.kubernetes.io~1version",
        ]
        .iter()
        .map(|s| s.replace("~1", "/"))
        .collect();
        assert_eq!(changed, expected, "{example}");
        // And every scale set carries the new version.
        for (key, ars) in after
            .iter()
            .filter(|(k, _)| k.starts_with("AutoscalingRunnerSet"))
        {
            assert_eq!(
                ars["metadata"]["labels"]["app.kubernetes.io/version"], "0.14.1",
                "{key}"
            );
        }
    }
}

fn dind_placement(kube: &str) -> (bool, bool) {
    let text = common::example_text("three-orgs").replace(
        "kubernetesVersion: \"1.31\"",
        &format!("kubernetesVersion: \"{kube}\""),
    );
    let objects = objects_by_key(&text);
    let ars = objects
        .iter()
        .find(|(k, _)| k.starts_with("AutoscalingRunnerSet"))
        .unwrap()
        .1;
    let pod = &ars["spec"]["template"]["spec"];
    let is_dind = |c: &&Value| c["name"] == "dind";
    let init = pod["initContainers"]
        .as_array()
        .unwrap()
        .iter()
        .find(is_dind)
        .cloned();
    let regular = pod["containers"]
        .as_array()
        .unwrap()
        .iter()
        .find(is_dind)
        .cloned();
    if let Some(init) = &init {
        assert_eq!(init["restartPolicy"], "Always");
        assert!(init["startupProbe"].is_object());
    }
    if let Some(regular) = &regular {
        assert!(regular.get("restartPolicy").is_none() && regular.get("startupProbe").is_none());
    }
    (init.is_some(), regular.is_some())
}

#[test]
fn dind_is_a_native_sidecar_from_kubernetes_1_29_only() {
    assert_eq!(dind_placement("1.28"), (false, true));
    assert_eq!(dind_placement("1.29"), (true, false));
    assert_eq!(dind_placement("1.31"), (true, false));
}

fn resource_list(value: &Value) -> ResourceList {
    value
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string())
                    .parse::<Quantity>()
                    .unwrap(),
            )
        })
        .collect()
}

fn containers(pod: &Value) -> Vec<(ContainerKind, ContainerResources)> {
    let res = |c: &Value| ContainerResources {
        requests: resource_list(&c["resources"]["requests"]),
        limits: resource_list(&c["resources"]["limits"]),
    };
    let mut out = Vec::new();
    for c in pod["initContainers"].as_array().into_iter().flatten() {
        let kind = if c["restartPolicy"] == "Always" {
            ContainerKind::Sidecar
        } else {
            ContainerKind::Init
        };
        out.push((kind, res(c)));
    }
    for c in pod["containers"].as_array().into_iter().flatten() {
        out.push((ContainerKind::Regular, res(c)));
    }
    out
}

/// Recomputes, from the rendered manifests alone, what each namespace's pods need at
/// maxRunners + headroom, and checks the auto quota holds it.
#[test]
fn auto_quotas_hold_every_set_at_max_runners_plus_headroom_in_both_modes() {
    let mut namespaces_checked = 0;
    for example in common::examples() {
        let text = common::example_text(&example);
        let objects = objects_by_key(&text);
        let spec = common::yaml_values_of("fleet.yaml", &text).remove(0);
        let auto: BTreeSet<&str> = spec["spec"]["namespaces"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, v)| v["quota"] == "auto")
            .map(|(k, _)| k.as_str())
            .collect();
        for ns in auto {
            let quota = objects
                .iter()
                .find(|(k, _)| k.starts_with(&format!("ResourceQuota {ns}/")))
                .unwrap()
                .1;
            let mut need: BTreeMap<String, Quantity> = BTreeMap::new();
            let mut add = |usage: &ResourceList, times: i64| {
                for (name, q) in usage {
                    let total = q.checked_mul(times).unwrap();
                    let sum = need
                        .get(name)
                        .map_or(total.clone(), |n| n.checked_add(&total).unwrap());
                    need.insert(name.clone(), sum);
                }
            };
            for (key, ars) in objects
                .iter()
                .filter(|(k, _)| k.starts_with(&format!("AutoscalingRunnerSet {ns}/")))
            {
                let max = ars["spec"]["maxRunners"].as_i64().unwrap();
                // The headroom the set was rendered with, which `validate` reads back: the
                // default formula unless the spec chose one.
                let headroom: i64 = ars["metadata"]["annotations"]
                    [arcfleet_arc::meta::arcfleet::HEADROOM_ANNOTATION]
                    .as_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert_eq!(
                    headroom,
                    i64::from(default_headroom(u32::try_from(max).unwrap())),
                    "{key}"
                );
                let pods = max + headroom;
                let pod = &ars["spec"]["template"]["spec"];
                add(&pod_usage(&containers(pod)).0, pods);
                // Kubernetes mode: the workflow pod comes from the mounted worker podspec.
                if let Some(cm) = pod["volumes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|v| v["name"] == arcfleet_arc::runner::WORKER_PODSPEC_VOLUME)
                    .find_map(|v| v["configMap"]["name"].as_str())
                {
                    let cm = &objects[&format!("ConfigMap {ns}/{cm}")];
                    let template = common::yaml_values_of(
                        key,
                        cm["data"]["worker-podspec.yaml"].as_str().unwrap(),
                    )
                    .remove(0);
                    add(&pod_usage(&containers(&template["spec"])).0, pods);
                }
            }
            let hard = resource_list(&quota["spec"]["hard"]);
            assert!(
                hard.contains_key("pods") && hard.contains_key("requests.cpu"),
                "{example}/{ns}: {hard:?}"
            );
            for (name, limit) in &hard {
                let needed = need.get(name).cloned().unwrap_or_else(Quantity::zero);
                assert!(
                    needed <= *limit,
                    "{example}/{ns}: {name} needs {needed} but the quota holds {limit}"
                );
            }
            namespaces_checked += 1;
        }
    }
    assert!(namespaces_checked >= 5, "{namespaces_checked}");
}
