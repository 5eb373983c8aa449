//! Per scale set: the controller's manager Role in the set's namespace, the runner
//! ServiceAccount (and hook RBAC in Kubernetes mode), the worker podspec ConfigMap, and the
//! AutoscalingRunnerSet with its mode's pod template, wired as ARC's chart wires it.

use std::collections::BTreeMap;

use arcfleet_crds::{AutoscalingRunnerSet, AutoscalingRunnerSetSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapVolumeSource, Container, EphemeralVolumeSource, ExecAction,
    HostPathVolumeSource, LocalObjectReference, PersistentVolumeClaimSpec,
    PersistentVolumeClaimTemplate, PersistentVolumeClaimVolumeSource, PodSpec, PodTemplateSpec,
    Probe, SecurityContext, ServiceAccount, Volume, VolumeResourceRequirements,
};
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use arcfleet_spec::model::{ContainerMode, RunnerClass};
use arcfleet_spec::{Fleet, ResolvedSet};

use crate::RenderError;
use crate::build::{
    container, empty_dir, env, env_field, map, meta, mount, non_empty, read_only_mount, resources,
    role_ref, rule, service_account_subject, strings, tolerations, with_user_env,
};
use crate::credentials::pull_secret_name;
use crate::object::Object;

/// Where the runner finds the worker podspec (Kubernetes mode).
pub(crate) const HOOK_TEMPLATE_DIR: &str = "/home/runner/pod-templates";
/// The worker podspec's key in its ConfigMap.
pub(crate) const HOOK_TEMPLATE_KEY: &str = "worker-podspec.yaml";
const WORK_DIR: &str = "/home/runner/_work";
const DOCKER_SOCKET: &str = "unix:///var/run/docker.sock";
const DOCKER_TLS_CERT_DIR: &str = "/certs";

pub(crate) fn objects(fleet: &Fleet, set: &ResolvedSet) -> Result<Vec<Object>, RenderError> {
    let class = fleet
        .class_of(set)
        .ok_or_else(|| RenderError::UnknownClass(set.class.clone()))?;
    let ns = set.namespace.as_str();
    let controller = &fleet.controller.spec;
    let manager = format!("{}-gha-rs-manager", set.name);
    let mut out = vec![
        Object::Role(Role {
            metadata: meta(&manager, Some(ns)),
            rules: Some(manager_rules()),
        }),
        Object::RoleBinding(RoleBinding {
            metadata: meta(&manager, Some(ns)),
            role_ref: role_ref("Role", &manager),
            subjects: Some(vec![service_account_subject(
                &controller.name,
                &controller.namespace,
            )]),
        }),
    ];
    let runner_sa = match class.mode {
        ContainerMode::Dind => format!("{}-gha-rs-no-permission", set.name),
        ContainerMode::Kubernetes => format!("{}-gha-rs-kube-mode", set.name),
    };
    out.push(Object::ServiceAccount(ServiceAccount {
        metadata: meta(&runner_sa, Some(ns)),
        ..Default::default()
    }));
    if class.mode == ContainerMode::Kubernetes {
        out.push(Object::Role(Role {
            metadata: meta(&runner_sa, Some(ns)),
            rules: Some(hook_rules()),
        }));
        out.push(Object::RoleBinding(RoleBinding {
            metadata: meta(&runner_sa, Some(ns)),
            role_ref: role_ref("Role", &runner_sa),
            subjects: Some(vec![service_account_subject(&runner_sa, ns)]),
        }));
        out.push(Object::ConfigMap(worker_podspec(set, class)?));
    }
    out.push(Object::AutoscalingRunnerSet(Box::new(scale_set(
        fleet, set, class, &runner_sa,
    ))));
    Ok(out)
}

/// The chart's manager Role (`manager_role.yaml`): what the controller needs in a set's namespace.
fn manager_rules() -> Vec<k8s_openapi::api::rbac::v1::PolicyRule> {
    let edit = &["create", "delete", "get", "list", "patch", "update"];
    let rbac = &["create", "delete", "get", "patch", "update"];
    vec![
        rule(&[""], &["pods"], &["create", "delete", "get"]),
        rule(&[""], &["pods/status"], &["get"]),
        rule(&[""], &["secrets"], edit),
        rule(&[""], &["serviceaccounts"], edit),
        rule(&["rbac.authorization.k8s.io"], &["rolebindings"], rbac),
        rule(&["rbac.authorization.k8s.io"], &["roles"], rbac),
    ]
}

/// The container hook's permissions (`kube_mode_role.yaml`, = the hook's `requiredPermissions`).
fn hook_rules() -> Vec<k8s_openapi::api::rbac::v1::PolicyRule> {
    vec![
        rule(&[""], &["pods"], &["get", "list", "create", "delete"]),
        rule(&[""], &["pods/exec"], &["get", "create"]),
        rule(&[""], &["pods/log"], &["get", "list", "watch"]),
        rule(&["batch"], &["jobs"], &["get", "list", "create", "delete"]),
        rule(&[""], &["secrets"], &["get", "list", "create", "delete"]),
    ]
}

pub(crate) fn worker_podspec_name(set: &ResolvedSet) -> String {
    format!("{}-worker-podspec", set.name)
}

/// The hook template: the workflow pod's `$job` container, its caches and placement.
fn worker_podspec(set: &ResolvedSet, class: &RunnerClass) -> Result<ConfigMap, RenderError> {
    let pod = class.workflow_pod.clone().unwrap_or_default();
    let job = Container {
        env: (!pod.env.is_empty()).then(|| pod.env.iter().map(|(k, v)| env(k, v)).collect()),
        resources: resources(pod.resources.as_ref()),
        volume_mounts: (!pod.caches.is_empty()).then(|| {
            pod.caches
                .iter()
                .map(|c| {
                    if c.read_only {
                        read_only_mount(&c.name, &c.mount_path)
                    } else {
                        mount(&c.name, &c.mount_path)
                    }
                })
                .collect()
        }),
        ..Container {
            name: "$job".into(),
            ..Default::default()
        }
    };
    let volumes: Vec<Volume> = pod
        .caches
        .iter()
        .map(|c| Volume {
            name: c.name.clone(),
            persistent_volume_claim: c.persistent_volume_claim.as_ref().map(|claim| {
                PersistentVolumeClaimVolumeSource {
                    claim_name: claim.clone(),
                    read_only: c.read_only.then_some(true),
                }
            }),
            host_path: c.host_path.as_ref().map(|path| HostPathVolumeSource {
                path: path.clone(),
                type_: Some("DirectoryOrCreate".into()),
            }),
            ..Default::default()
        })
        .collect();
    // Workflow pods land where their runner is unless the class says otherwise.
    let node_selector = if pod.node_selector.is_empty() {
        &class.node_selector
    } else {
        &pod.node_selector
    };
    let tolerations_spec = if pod.tolerations.is_empty() {
        &class.tolerations
    } else {
        &pod.tolerations
    };
    let template = PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(map([("actions.github.com/scale-set-name", &set.name)])),
            ..Default::default()
        }),
        spec: Some(PodSpec {
            containers: vec![job],
            volumes: (!volumes.is_empty()).then_some(volumes),
            node_selector: non_empty(node_selector),
            tolerations: tolerations(tolerations_spec),
            ..Default::default()
        }),
    };
    let text = arcfleet_yaml::to_yaml(&template).map_err(RenderError::Emit)?;
    Ok(ConfigMap {
        metadata: meta(&worker_podspec_name(set), Some(&set.namespace)),
        data: Some(BTreeMap::from([(HOOK_TEMPLATE_KEY.to_string(), text)])),
        ..Default::default()
    })
}

fn scale_set(
    fleet: &Fleet,
    set: &ResolvedSet,
    class: &RunnerClass,
    runner_sa: &str,
) -> AutoscalingRunnerSet {
    let controller = &fleet.controller.spec;
    let version = fleet.controller.version.to_string();
    let mut ars = AutoscalingRunnerSet::new(
        &set.name,
        &set.namespace,
        AutoscalingRunnerSetSpec {
            github_config_url: Some(set.github_config_url.clone()),
            github_config_secret: Some(set.secret_name.clone()),
            runner_group: set.runner_group.clone(),
            runner_scale_set_name: Some(set.name.clone()),
            runner_scale_set_labels: (!set.labels.is_empty()).then(|| set.labels.clone()),
            max_runners: Some(i64::from(set.max_runners)),
            min_runners: Some(i64::from(set.min_runners)),
            listener_template: controller.listener.as_ref().map(|l| PodTemplateSpec {
                metadata: None,
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: "listener".into(),
                        resources: resources(l.resources.as_ref()),
                        ..Default::default()
                    }],
                    node_selector: non_empty(&l.node_selector),
                    ..Default::default()
                }),
            }),
            template: Some(runner_template(fleet, set, class, runner_sa)),
            listener_metrics: fleet
                .monitoring
                .as_ref()
                .map(|_| crate::monitoring::listener_metrics()),
            ..Default::default()
        },
    );
    ars.metadata.labels = Some(map([
        ("app.kubernetes.io/component", "autoscaling-runner-set"),
        // ARC deletes a scale set whose major.minor differs from the controller's build.
        ("app.kubernetes.io/version", &version),
        ("actions.github.com/scale-set-name", &set.name),
        ("actions.github.com/scale-set-namespace", &set.namespace),
    ]));
    ars
}

fn runner_template(
    fleet: &Fleet,
    set: &ResolvedSet,
    class: &RunnerClass,
    runner_sa: &str,
) -> PodTemplateSpec {
    let pod = match class.mode {
        ContainerMode::Dind => dind_pod(fleet, class),
        ContainerMode::Kubernetes => kubernetes_pod(set, class),
    };
    let pull_secrets: Vec<LocalObjectReference> = class
        .image_pull_secrets
        .iter()
        .map(|r| LocalObjectReference {
            name: pull_secret_name(r),
        })
        .collect();
    PodTemplateSpec {
        metadata: None,
        spec: Some(PodSpec {
            restart_policy: Some("Never".into()),
            service_account_name: Some(runner_sa.into()),
            active_deadline_seconds: class.active_deadline_seconds,
            node_selector: non_empty(&class.node_selector),
            tolerations: tolerations(&class.tolerations),
            image_pull_secrets: (!pull_secrets.is_empty()).then_some(pull_secrets),
            ..pod
        }),
    }
}

fn runner_container(class: &RunnerClass) -> Container {
    Container {
        command: Some(strings(&["/home/runner/run.sh"])),
        image_pull_policy: class.image_pull_policy.clone(),
        resources: resources(class.resources.as_ref()),
        ..container("runner", &class.image)
    }
}

/// Docker-in-Docker as the chart renders it: the `dind` container is the only privileged one; a
/// native sidecar from Kubernetes 1.29, a plain second container before.
fn dind_pod(fleet: &Fleet, class: &RunnerClass) -> PodSpec {
    let dind_spec = class
        .dind
        .clone()
        .unwrap_or_else(|| arcfleet_spec::model::Dind {
            image: "docker:dind".into(),
            tls: false,
            resources: None,
        });
    let sidecar = fleet.kubernetes_version.has_native_sidecars();
    let init_externals = Container {
        command: Some(strings(&["cp"])),
        args: Some(strings(&[
            "-r",
            "/home/runner/externals/.",
            "/home/runner/tmpDir/",
        ])),
        volume_mounts: Some(vec![mount("dind-externals", "/home/runner/tmpDir")]),
        resources: resources(class.resources.as_ref()),
        image_pull_policy: class.image_pull_policy.clone(),
        ..container("init-dind-externals", &class.image)
    };
    let (dind_args, dind_env, socket_or_certs, runner_env) = if dind_spec.tls {
        // Flags only: docker's entrypoint then generates certificates under DOCKER_TLS_CERTDIR
        // and listens on tcp://0.0.0.0:2376 with --tlsverify (and on the socket for the probe).
        (
            strings(&["--group=$(DOCKER_GROUP_GID)"]),
            vec![
                env("DOCKER_GROUP_GID", "123"),
                env("DOCKER_TLS_CERTDIR", DOCKER_TLS_CERT_DIR),
            ],
            ("dind-cert", "/certs/client"),
            vec![
                env("DOCKER_HOST", "tcp://localhost:2376"),
                env("DOCKER_TLS_VERIFY", "1"),
                env("DOCKER_CERT_PATH", "/certs/client"),
                env("RUNNER_WAIT_FOR_DOCKER_IN_SECONDS", "120"),
            ],
        )
    } else {
        (
            vec![
                "dockerd".into(),
                format!("--host={DOCKER_SOCKET}"),
                "--group=$(DOCKER_GROUP_GID)".into(),
            ],
            vec![env("DOCKER_GROUP_GID", "123")],
            ("dind-sock", "/var/run"),
            vec![
                env("DOCKER_HOST", DOCKER_SOCKET),
                env("RUNNER_WAIT_FOR_DOCKER_IN_SECONDS", "120"),
            ],
        )
    };
    let dind = Container {
        args: Some(dind_args),
        env: Some(dind_env),
        security_context: Some(SecurityContext {
            privileged: Some(true),
            ..Default::default()
        }),
        restart_policy: sidecar.then(|| "Always".to_string()),
        startup_probe: sidecar.then(|| Probe {
            exec: Some(ExecAction {
                command: Some(strings(&["docker", "info"])),
            }),
            initial_delay_seconds: Some(0),
            failure_threshold: Some(24),
            period_seconds: Some(5),
            ..Default::default()
        }),
        volume_mounts: Some(vec![
            mount("work", WORK_DIR),
            mount(socket_or_certs.0, socket_or_certs.1),
            mount("dind-externals", "/home/runner/externals"),
        ]),
        resources: resources(dind_spec.resources.as_ref()),
        ..container("dind", &dind_spec.image)
    };
    let runner_mount = if dind_spec.tls {
        read_only_mount(socket_or_certs.0, socket_or_certs.1)
    } else {
        mount(socket_or_certs.0, socket_or_certs.1)
    };
    let runner = Container {
        env: Some(with_user_env(runner_env, &class.env)),
        volume_mounts: Some(vec![mount("work", WORK_DIR), runner_mount]),
        ..runner_container(class)
    };
    let (init_containers, containers) = if sidecar {
        (vec![init_externals, dind], vec![runner])
    } else {
        (vec![init_externals], vec![runner, dind])
    };
    PodSpec {
        init_containers: Some(init_containers),
        containers,
        volumes: Some(vec![
            empty_dir(socket_or_certs.0),
            empty_dir("dind-externals"),
            empty_dir("work"),
        ]),
        ..Default::default()
    }
}

/// Kubernetes mode: the container hook runs each job in its own pod, sharing the ephemeral
/// `work` claim (`<pod>-work`, which the hook expects), shaped by the worker podspec.
fn kubernetes_pod(set: &ResolvedSet, class: &RunnerClass) -> PodSpec {
    let hook_env = vec![
        env(
            "ACTIONS_RUNNER_CONTAINER_HOOKS",
            "/home/runner/k8s/index.js",
        ),
        env_field("ACTIONS_RUNNER_POD_NAME", "metadata.name"),
        env("ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER", "true"),
        env(
            "ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE",
            &format!("{HOOK_TEMPLATE_DIR}/{HOOK_TEMPLATE_KEY}"),
        ),
    ];
    let runner = Container {
        env: Some(with_user_env(hook_env, &class.env)),
        volume_mounts: Some(vec![
            mount("work", WORK_DIR),
            read_only_mount("worker-podspec", HOOK_TEMPLATE_DIR),
        ]),
        ..runner_container(class)
    };
    let work = class.work_volume.as_ref().map(|w| Volume {
        name: "work".into(),
        ephemeral: Some(EphemeralVolumeSource {
            volume_claim_template: Some(PersistentVolumeClaimTemplate {
                metadata: None,
                spec: PersistentVolumeClaimSpec {
                    access_modes: Some(w.access_modes.clone()),
                    storage_class_name: w.storage_class_name.clone(),
                    resources: Some(VolumeResourceRequirements {
                        requests: Some(BTreeMap::from([(
                            "storage".to_string(),
                            K8sQuantity(w.size.as_str().to_string()),
                        )])),
                        limits: None,
                    }),
                    ..Default::default()
                },
            }),
        }),
        ..Default::default()
    });
    let podspec = Volume {
        name: "worker-podspec".into(),
        config_map: Some(ConfigMapVolumeSource {
            name: worker_podspec_name(set),
            ..Default::default()
        }),
        ..Default::default()
    };
    PodSpec {
        containers: vec![runner],
        volumes: Some(work.into_iter().chain([podspec]).collect()),
        ..Default::default()
    }
}
