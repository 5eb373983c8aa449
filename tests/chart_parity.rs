//! For the values behind `../shared/reference/arc-0.14.2/`, arcfleet's controller Deployment,
//! RBAC and AutoscalingRunnerSets equal what ARC's official charts render, in containers, env,
//! args, volumes and RBAC rules. Helm-only labels and annotations are not compared; the only
//! additions arcfleet makes (hardening of the controller container, the worker podspec of
//! Kubernetes mode) are removed explicitly before comparing, so anything else that differs fails.

mod common;

use serde_json::{Value, json};

/// A reference render, or `None` (test skipped, with a note) without `../shared`.
#[track_caller]
fn reference(file: &str) -> Option<Vec<Value>> {
    common::shared(&format!("reference/arc-0.14.2/{file}")).map(|p| common::yaml_values(&p))
}

fn find<'a>(docs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

fn ours(text: &str) -> Vec<Value> {
    common::render_text("fleet.yaml", text)
        .objects
        .iter()
        .map(|o| o.to_json())
        .collect()
}

const HEAD: &str = "apiVersion: arcfleet.io/v1alpha1\nkind: Fleet\nmetadata: {name: parity}\n";

fn controller_fleet(extra_controller: &str) -> String {
    format!(
        "{HEAD}spec:\n  kubernetesVersion: \"1.35\"\n  controller: {{version: 0.14.2, namespace: arc-systems, name: arc-gha-rs-controller, logLevel: debug, logFormat: text{extra_controller}}}\n  secretStore: {{kind: ClusterSecretStore, name: s}}\n  runnerClasses: {{}}\n  runnerSets: []\n"
    )
}

/// The pod spec without what arcfleet adds on purpose to the controller (security hardening).
fn controller_pod(deployment: &Value) -> Value {
    let mut pod = deployment["spec"]["template"]["spec"].clone();
    if let Some(obj) = pod.as_object_mut() {
        obj.remove("securityContext");
    }
    for c in pod["containers"].as_array_mut().into_iter().flatten() {
        if let Some(obj) = c.as_object_mut() {
            obj.remove("securityContext");
        }
    }
    pod
}

#[test]
fn controller_default_matches_the_chart() {
    let Some(chart) = reference("controller-default.yaml") else {
        return;
    };
    let ours = ours(&controller_fleet(""));
    let name = "arc-gha-rs-controller";
    assert_eq!(
        controller_pod(find(&ours, "Deployment", name)),
        controller_pod(find(&chart, "Deployment", name))
    );
    // Same selector keys; `app.kubernetes.io/instance` is Helm's release name there, the
    // controller's name here.
    let keys = |d: &Value| {
        d["spec"]["selector"]["matchLabels"]
            .as_object()
            .map(|m| m.keys().cloned().collect::<std::collections::BTreeSet<_>>())
    };
    assert_eq!(
        keys(find(&ours, "Deployment", name)),
        keys(find(&chart, "Deployment", name))
    );
    for (kind, object) in [
        ("ClusterRole", name),
        ("Role", "arc-gha-rs-controller-listener"),
    ] {
        assert_eq!(
            find(&ours, kind, object)["rules"],
            find(&chart, kind, object)["rules"],
            "{kind} {object}"
        );
    }
    for (kind, object) in [
        ("ClusterRoleBinding", name),
        ("RoleBinding", "arc-gha-rs-controller-listener"),
    ] {
        assert_eq!(
            find(&ours, kind, object)["subjects"],
            find(&chart, kind, object)["subjects"]
        );
        assert_eq!(
            find(&ours, kind, object)["roleRef"],
            find(&chart, kind, object)["roleRef"]
        );
    }
}

#[test]
fn controller_with_eventual_strategy_metrics_and_node_selector_matches_the_chart() {
    let Some(chart) = reference("controller-eventual.yaml") else {
        return;
    };
    let ours = ours(&controller_fleet(
        ", updateStrategy: eventual, metrics: {port: 8080}, nodeSelector: {node-role: cicd}",
    ));
    let name = "arc-gha-rs-controller";
    assert_eq!(
        controller_pod(find(&ours, "Deployment", name)),
        controller_pod(find(&chart, "Deployment", name))
    );
}

fn scale_set_fleet(name: &str, kube: &str, class: &str) -> String {
    format!(
        "{HEAD}spec:\n  kubernetesVersion: \"{kube}\"\n  controller: {{version: 0.14.2}}\n  secretStore: {{kind: ClusterSecretStore, name: s}}\n  runnerClasses:\n    c: {class}\n  runnerSets:\n    - {{name: {name}, namespace: arc-runners, githubConfigUrl: \"https://github.com/yldm-tech\", auth: {{githubToken: {{remoteKey: k}}, secretName: github-token}}, class: c, minRunners: 2, maxRunners: 12}}\n"
    )
}

const DIND_CLASS: &str = "{mode: dind, image: \"ghcr.io/actions/actions-runner:latest\", dind: {image: \"docker:dind\"}}";

fn assert_scale_set_matches(ours: &[Value], chart: &[Value], name: &str) {
    let a = find(ours, "AutoscalingRunnerSet", name);
    let b = find(chart, "AutoscalingRunnerSet", name);
    for field in [
        "githubConfigUrl",
        "githubConfigSecret",
        "minRunners",
        "maxRunners",
        "template",
    ] {
        assert_eq!(a["spec"][field], b["spec"][field], "spec.{field} of {name}");
    }
    assert_eq!(
        a["metadata"]["labels"]["app.kubernetes.io/version"],
        b["metadata"]["labels"]["app.kubernetes.io/version"]
    );
    // What ARC acts on when the set is deleted: the cleanup annotations name the objects that
    // carry the cleanup finalizer. The credentials Secret is pre-created in the chart's case
    // (no annotation there) and written by an ExternalSecret in ours.
    let cleanup = |ars: &Value| -> std::collections::BTreeMap<String, Value> {
        ars["metadata"]["annotations"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| {
                k.starts_with("actions.github.com/cleanup-")
                    && k.as_str() != "actions.github.com/cleanup-github-secret-name"
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    assert_eq!(cleanup(a), cleanup(b), "cleanup annotations of {name}");
    assert!(!cleanup(a).is_empty());
    for (key, object) in cleanup(b) {
        let kind = arcfleet_arc::meta::Cleanup::ALL
            .into_iter()
            .find(|c| c.annotation() == key)
            .map(|c| c.kind())
            .unwrap();
        let object = object.as_str().unwrap();
        assert_eq!(
            find(ours, kind, object)["metadata"]["finalizers"],
            find(chart, kind, object)["metadata"]["finalizers"],
            "finalizers of {kind} {object}"
        );
    }
    let manager = format!("{name}-gha-rs-manager");
    assert_eq!(
        find(ours, "Role", &manager)["rules"],
        find(chart, "Role", &manager)["rules"]
    );
    assert_eq!(
        find(ours, "RoleBinding", &manager)["subjects"],
        find(chart, "RoleBinding", &manager)["subjects"]
    );
}

#[test]
fn dind_scale_set_matches_the_chart() {
    let Some(chart) = reference("scaleset-dind.yaml") else {
        return;
    };
    let ours = ours(&scale_set_fleet("arc-runner-dind", "1.35", DIND_CLASS));
    assert_scale_set_matches(&ours, &chart, "arc-runner-dind");
}

#[test]
fn dind_scale_set_before_kubernetes_1_29_matches_the_chart() {
    let Some(chart) = reference("scaleset-dind-k8s-1.28.yaml") else {
        return;
    };
    let ours = ours(&scale_set_fleet("arc-runner-dind", "1.28", DIND_CLASS));
    assert_scale_set_matches(&ours, &chart, "arc-runner-dind");
}

#[test]
fn kubernetes_mode_scale_set_matches_the_chart_apart_from_the_worker_podspec() {
    let Some(chart) = reference("scaleset-kubernetes.yaml") else {
        return;
    };
    let class = "{mode: kubernetes, image: \"ghcr.io/actions/actions-runner:latest\", workVolume: {storageClassName: rook-ceph-block, size: 15Gi}}";
    let mut ours = ours(&scale_set_fleet("arc-runner-k8s", "1.35", class));
    // arcfleet always gives Kubernetes mode a worker podspec (the chart leaves it to the user):
    // drop exactly that wiring, then everything must match.
    for doc in ours
        .iter_mut()
        .filter(|d| d["kind"] == "AutoscalingRunnerSet")
    {
        let pod = &mut doc["spec"]["template"]["spec"];
        let runner = &mut pod["containers"][0];
        let env = runner["env"].as_array_mut().unwrap();
        let before = env.len();
        env.retain(|e| e["name"] != "ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE");
        assert_eq!(env.len(), before - 1);
        runner["volumeMounts"]
            .as_array_mut()
            .unwrap()
            .retain(|m| m["name"] != "worker-podspec");
        pod["volumes"]
            .as_array_mut()
            .unwrap()
            .retain(|v| v["name"] != "worker-podspec");
    }
    assert_scale_set_matches(&ours, &chart, "arc-runner-k8s");
    let hook = "arc-runner-k8s-gha-rs-kube-mode";
    assert_eq!(
        find(&ours, "Role", hook)["rules"],
        find(&chart, "Role", hook)["rules"]
    );
    assert_eq!(
        find(&ours, "RoleBinding", hook)["subjects"],
        find(&chart, "RoleBinding", hook)["subjects"]
    );
}

#[test]
fn github_app_secret_has_the_chart_keys() {
    let Some(chart) = reference("scaleset-app-secret.yaml") else {
        return;
    };
    let secret = chart
        .iter()
        .find(|d| d["kind"] == "Secret")
        .expect("chart renders a Secret");
    let mut chart_keys: Vec<&str> = secret["data"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    chart_keys.sort();
    let text = scale_set_fleet("arc-runner-app", "1.35", DIND_CLASS)
        .replace("githubToken: {remoteKey: k}", "githubApp: {remoteKey: k}");
    let ours = ours(&text);
    let es = ours
        .iter()
        .find(|d| d["kind"] == "ExternalSecret")
        .expect("an ExternalSecret");
    let mut our_keys: Vec<&str> = es["spec"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["secretKey"].as_str().unwrap())
        .collect();
    our_keys.sort();
    assert_eq!(our_keys, chart_keys);
    assert_eq!(
        json!(our_keys),
        json!([
            "github_app_id",
            "github_app_installation_id",
            "github_app_private_key"
        ])
    );
}
