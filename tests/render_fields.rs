//! Each field of the fleet spec on the object it renders (`tests/fixtures/render/every-field.yaml`),
//! and the whole render passing the rules.

mod common;

use serde_json::{Value, json};

fn rendered() -> Vec<Value> {
    let text =
        std::fs::read_to_string(common::root().join("tests/fixtures/render/every-field.yaml"))
            .unwrap();
    common::render_text("every-field.yaml", &text)
        .objects
        .iter()
        .map(|o| o.to_json())
        .collect()
}

fn find<'a>(objects: &'a [Value], kind: &str, name: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

fn container<'a>(pod: &'a Value, list: &str, name: &str) -> &'a Value {
    pod[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no container {name}"))
}

fn env(container: &Value, name: &str) -> Option<Value> {
    container["env"]
        .as_array()?
        .iter()
        .find(|e| e["name"] == name)
        .map(|e| e["value"].clone())
}

#[test]
fn runner_pod_fields_reach_the_pod_template() {
    let objects = rendered();
    let ars = find(&objects, "AutoscalingRunnerSet", "dind-runners");
    let template = &ars["spec"]["template"];
    assert_eq!(template["metadata"]["labels"]["team"], "platform");
    assert_eq!(
        template["metadata"]["annotations"]["cluster-autoscaler.kubernetes.io/safe-to-evict"],
        "false"
    );
    let pod = &template["spec"];
    assert_eq!(pod["securityContext"], json!({"fsGroup": 1001}));
    assert_eq!(
        pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
            [0]["matchExpressions"][0]["key"],
        "node-role"
    );
    assert_eq!(pod["serviceAccountName"], "ci-runner");
    let volumes = pod["volumes"].as_array().unwrap();
    assert!(volumes.contains(&json!({"name": "harbor-ca", "configMap": {"name": "harbor-ca"}})));
    assert!(volumes.contains(&json!({"name": "dind-storage", "emptyDir": {"sizeLimit": "50Gi"}})));
    let runner = container(pod, "containers", "runner");
    assert!(
        runner["volumeMounts"].as_array().unwrap().contains(
            &json!({"name": "harbor-ca", "mountPath": "/etc/ssl/harbor", "readOnly": true})
        )
    );
    // The user's value, not ARC's default of 120.
    assert_eq!(
        env(runner, "RUNNER_WAIT_FOR_DOCKER_IN_SECONDS"),
        Some(json!("300"))
    );
    let dind = container(pod, "initContainers", "dind");
    let args: Vec<&str> = dind["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        &args[args.len() - 3..],
        [
            "--registry-mirror=https://mirror.example.com",
            "--mtu=1400",
            "--debug"
        ]
    );
    assert!(
        dind["volumeMounts"]
            .as_array()
            .unwrap()
            .contains(&json!({"name": "dind-storage", "mountPath": "/var/lib/docker"}))
    );
    // An existing ServiceAccount: none is rendered, none is named for cleanup.
    assert!(!objects.iter().any(|o| o["kind"] == "ServiceAccount"
        && o["metadata"]["name"] == "dind-runners-gha-rs-no-permission"));
    assert!(
        ars["metadata"]["annotations"]
            .as_object()
            .unwrap()
            .keys()
            .all(|k| !k.contains("no-permission"))
    );
}

#[test]
fn github_server_tls_proxy_and_credentials() {
    let objects = rendered();
    let ars = find(&objects, "AutoscalingRunnerSet", "dind-runners");
    assert_eq!(
        ars["spec"]["githubServerTLS"],
        json!({"certificateFrom": {"configMapKeyRef": {"name": "ghes-ca", "key": "ca.crt"}}})
    );
    assert_eq!(
        ars["spec"]["proxy"]["https"]["credentialSecretRef"],
        "proxy-auth"
    );
    assert_eq!(ars["spec"]["proxy"]["noProxy"], json!(["ghes.example.com"]));
    let runner = container(&ars["spec"]["template"]["spec"], "containers", "runner");
    assert_eq!(
        env(runner, "NODE_EXTRA_CA_CERTS"),
        Some(json!("/usr/local/share/ca-certificates/ca.crt"))
    );
    assert_eq!(env(runner, "RUNNER_UPDATE_CA_CERTS"), Some(json!("1")));
    // The manager Role may read the CA's ConfigMap.
    let role = find(&objects, "Role", "dind-runners-gha-rs-manager");
    assert!(
        role["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["resources"] == json!(["configmaps"]) && r["verbs"] == json!(["get"]))
    );
    // Each App value from its own place in the store.
    let secret = find(&objects, "ExternalSecret", "github-app");
    let data = secret["spec"]["data"].as_array().unwrap();
    assert_eq!(data.len(), 3);
    assert_eq!(data[1]["secretKey"], "github_app_installation_id");
    assert_eq!(
        data[1]["remoteRef"],
        json!({"key": "arc/installation-id", "version": "3"})
    );
    // An existing Secret: no ExternalSecret, and the set does not name it for cleanup.
    assert!(!objects.iter().any(|o| o["metadata"]["name"] == "gh-pat"));
    let kube_a = find(&objects, "AutoscalingRunnerSet", "kube-a");
    assert_eq!(kube_a["spec"]["githubConfigSecret"], "gh-pat");
    assert!(
        kube_a["metadata"]["annotations"]
            .as_object()
            .unwrap()
            .keys()
            .all(|k| !k.contains("github-secret"))
    );
}

#[test]
fn kubernetes_mode_hook_template_service_account_and_overrides() {
    let objects = rendered();
    // One ConfigMap for the class's two sets.
    let hooks: Vec<_> = objects
        .iter()
        .filter(|o| o["kind"] == "ConfigMap")
        .collect();
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0]["metadata"]["name"], "arc-hook-kube");
    for name in ["kube-a", "kube-b"] {
        let pod = &find(&objects, "AutoscalingRunnerSet", name)["spec"]["template"]["spec"];
        let runner = container(pod, "containers", "runner");
        assert_eq!(
            env(runner, "ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE"),
            Some(json!("/home/runner/k8s/worker-podspec.yaml"))
        );
        // The user's value is kept (`validate` says it is fine: ARC's hooks do not need it).
        assert_eq!(
            env(runner, "ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER"),
            Some(json!("false"))
        );
        assert!(runner["volumeMounts"].as_array().unwrap().contains(&json!({
            "name": "worker-podspec",
            "mountPath": "/home/runner/k8s/worker-podspec.yaml",
            "subPath": "worker-podspec.yaml",
            "readOnly": true
        })));
        assert_eq!(pod["serviceAccountName"], "ci-jobs");
        // The hook's Role is bound to the existing ServiceAccount.
        let binding = find(&objects, "RoleBinding", &format!("{name}-gha-rs-kube-mode"));
        assert_eq!(binding["subjects"][0]["name"], "ci-jobs");
    }
    let a = &find(&objects, "AutoscalingRunnerSet", "kube-a")["spec"]["template"]["spec"];
    let b = &find(&objects, "AutoscalingRunnerSet", "kube-b")["spec"]["template"]["spec"];
    assert_eq!(b["nodeSelector"], json!({"pool": "big"}));
    assert!(a.get("nodeSelector").is_none());
    assert_eq!(
        container(b, "containers", "runner")["resources"]["requests"]["cpu"],
        "1"
    );
    assert!(
        container(a, "containers", "runner")
            .get("resources")
            .is_none()
    );
}

#[test]
fn label_propagation_exclusions_reach_the_controller() {
    let objects = rendered();
    let deployment = objects.iter().find(|o| o["kind"] == "Deployment").unwrap();
    let args = &deployment["spec"]["template"]["spec"]["containers"][0]["args"];
    assert!(args.as_array().unwrap().contains(&json!(
        "--exclude-label-propagation-prefix=argocd.argoproj.io/"
    )));
}

#[test]
fn the_rendered_fields_pass_every_rule() {
    let text =
        std::fs::read_to_string(common::root().join("tests/fixtures/render/every-field.yaml"))
            .unwrap();
    let files = common::render_text("every-field.yaml", &text)
        .files()
        .unwrap();
    let sources = files
        .iter()
        .map(|f| {
            std::sync::Arc::new(arcfleet_diag::SourceFile::new(
                f.path.clone(),
                f.contents.clone(),
            ))
        })
        .collect();
    let report = arcfleet_validate::validate(sources, &arcfleet_validate::Options::default());
    let shown = arcfleet_report::human(&report.diagnostics, false);
    // The external ConfigMaps and Secrets (harbor-ca, ghes-ca, gh-pat, proxy-auth) are the
    // user's; nothing else may be reported.
    assert_eq!(report.errors(), 0, "{shown}");
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| d.severity != arcfleet_diag::Severity::Warning),
        "{shown}"
    );
}
