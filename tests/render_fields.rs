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

/// The chart's render (arcfleet's emulation, which agrees with helm on ARC's chart test suite
/// and on random values: `tests/chart_conformance.rs`, `tests/integration/helm-differential.sh`)
/// of the values that mean what the DinD set of `every-field.yaml` says.
fn chart_render_of_equivalent_values() -> Value {
    let values = r#"
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: dind-runners, namespace: flux-system}
spec:
  releaseName: dind-runners
  targetNamespace: runners
  chart:
    spec: {chart: gha-runner-scale-set, version: 0.14.2, sourceRef: {kind: HelmRepository, name: arc}}
  values:
    githubConfigUrl: https://ghes.example.com/acme
    githubConfigSecret: github-app
    runnerScaleSetName: dind-runners
    maxRunners: 4
    controllerServiceAccount: {name: arc-gha-rs-controller, namespace: arc-systems}
    containerMode: {type: dind}
    githubServerTLS:
      certificateFrom: {configMapKeyRef: {name: ghes-ca, key: ca.crt}}
      runnerMountPath: /usr/local/share/ca-certificates/
    proxy:
      https: {url: "http://proxy.example.com:3128", credentialSecretRef: proxy-auth}
      noProxy: [ghes.example.com]
    template:
      metadata:
        labels: {team: platform}
        annotations: {cluster-autoscaler.kubernetes.io/safe-to-evict: "false"}
      spec:
        serviceAccountName: ci-runner
        securityContext: {fsGroup: 1001}
        affinity:
          nodeAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
              nodeSelectorTerms:
                - matchExpressions: [{key: node-role, operator: In, values: [ci]}]
        volumes:
          - {name: harbor-ca, configMap: {name: harbor-ca}}
        containers:
          - name: runner
            image: ghcr.io/actions/actions-runner:2.330.0
            command: [/home/runner/run.sh]
            env: [{name: RUNNER_WAIT_FOR_DOCKER_IN_SECONDS, value: "300"}]
            volumeMounts: [{name: harbor-ca, mountPath: /etc/ssl/harbor, readOnly: true}]
"#;
    let source = std::sync::Arc::new(arcfleet_diag::SourceFile::new("release.yaml", values));
    let (documents, problems) = arcfleet_validate::parse(&[source]);
    assert!(problems.is_empty(), "{problems:?}");
    let rendered = arcfleet_validate::chart::render(&documents);
    assert!(rendered.problems.is_empty(), "{:?}", rendered.problems);
    rendered
        .documents
        .iter()
        .map(|(doc, _)| arcfleet_yaml::to_json(&doc.root))
        .find(|o| o["kind"] == "AutoscalingRunnerSet")
        .expect("the chart renders the scale set")
}

/// Items of a list, sorted by name, as a set to compare.
fn by_name(list: &Value, leave_out: &[&str]) -> Vec<Value> {
    let mut items: Vec<Value> = list
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|i| !leave_out.contains(&i["name"].as_str().unwrap_or_default()))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    items.sort_by_key(|i| i["name"].as_str().unwrap_or_default().to_string());
    items
}

#[test]
fn the_new_fields_render_as_the_chart_renders_the_same_values() {
    let chart = chart_render_of_equivalent_values();
    let objects = rendered();
    let ours = find(&objects, "AutoscalingRunnerSet", "dind-runners");
    for field in ["githubServerTLS", "proxy", "githubConfigUrl"] {
        assert_eq!(ours["spec"][field], chart["spec"][field], "{field}");
    }
    let (our_pod, chart_pod) = (&ours["spec"]["template"], &chart["spec"]["template"]);
    for field in ["labels", "annotations"] {
        assert_eq!(
            our_pod["metadata"][field], chart_pod["metadata"][field],
            "{field}"
        );
    }
    for field in ["serviceAccountName", "securityContext", "affinity"] {
        assert_eq!(our_pod["spec"][field], chart_pod["spec"][field], "{field}");
    }
    // The DinD daemon's storage is arcfleet's addition (the chart's DinD mode has no value for
    // it); everything else the pod mounts is the chart's.
    assert_eq!(
        by_name(&our_pod["spec"]["volumes"], &["dind-storage"]),
        by_name(&chart_pod["spec"]["volumes"], &[])
    );
    let (our_runner, chart_runner) = (
        container(&our_pod["spec"], "containers", "runner"),
        container(&chart_pod["spec"], "containers", "runner"),
    );
    assert_eq!(
        by_name(&our_runner["env"], &[]),
        by_name(&chart_runner["env"], &[])
    );
    assert_eq!(
        by_name(&our_runner["volumeMounts"], &[]),
        by_name(&chart_runner["volumeMounts"], &[])
    );
}
