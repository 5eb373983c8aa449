//! Per scale set: the controller's manager Role in the set's namespace, the runner
//! ServiceAccount (and hook RBAC in Kubernetes mode), the worker podspec ConfigMap, and the
//! AutoscalingRunnerSet with its mode's pod template, wired as ARC's chart wires it.

use std::collections::BTreeMap;

use arcfleet_arc::meta::{
    CLEANUP_FINALIZER, COMPONENT_LABEL, Cleanup, SCALE_SET_COMPONENT, SCALE_SET_NAME_LABEL,
    SCALE_SET_NAMESPACE_LABEL, VERSION_LABEL,
};
use arcfleet_arc::names::ScaleSetNames;
use arcfleet_arc::rbac::{kube_mode_rules, manager_rules, policy_rules};
use arcfleet_arc::runner::{
    self, DIND_EXTERNALS_VOLUME, WORK_DIR, WORK_VOLUME, dind_daemon, dind_externals_init,
    empty_dir, env, env_value, kube_runner_env, mount,
};
use arcfleet_crds::{AutoscalingRunnerSet, AutoscalingRunnerSetSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapVolumeSource, Container, EphemeralVolumeSource, HostPathVolumeSource,
    LocalObjectReference, PersistentVolumeClaimSpec, PersistentVolumeClaimTemplate,
    PersistentVolumeClaimVolumeSource, PodSpec, PodTemplateSpec, ServiceAccount, Volume,
    VolumeResourceRequirements,
};
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use arcfleet_spec::model::{ContainerMode, RunnerClass};
use arcfleet_spec::{Fleet, ResolvedSet};

use crate::RenderError;
use crate::build::{
    container, map, meta, non_empty, read_only_mount, resources, role_ref, service_account_subject,
    strings, tolerations, with_user_env,
};
use crate::credentials::pull_secret_name;
use crate::object::Object;

/// Where the runner finds the worker podspec (Kubernetes mode).
pub(crate) const HOOK_TEMPLATE_DIR: &str = "/home/runner/pod-templates";
/// The worker podspec's key in its ConfigMap.
pub(crate) const HOOK_TEMPLATE_KEY: &str = "worker-podspec.yaml";
const DOCKER_TLS_CERT_DIR: &str = "/certs";
/// The client certificates dockerd writes for TLS, shared with the runner.
const DIND_CERT_VOLUME: &str = "dind-cert";
const DIND_CERT_DIR: &str = "/certs/client";

pub(crate) fn objects(fleet: &Fleet, set: &ResolvedSet) -> Result<Vec<Object>, RenderError> {
    let class = fleet
        .class_of(set)
        .ok_or_else(|| RenderError::UnknownClass(set.class.clone()))?;
    let ns = set.namespace.as_str();
    let controller = &fleet.controller.spec;
    let names = ScaleSetNames::new(&set.name);
    let manager = names.manager();
    // What the controller needs while it deletes the set carries the chart's cleanup finalizer,
    // and the set names each such object in its cleanup annotation.
    let mut cleanup = vec![
        (Cleanup::ManagerRole, manager.clone()),
        (Cleanup::ManagerRoleBinding, manager.clone()),
    ];
    let mut out = vec![
        Object::Role(Role {
            metadata: protected(&manager, ns),
            rules: Some(policy_rules(&manager_rules(false))),
        }),
        Object::RoleBinding(RoleBinding {
            metadata: protected(&manager, ns),
            role_ref: role_ref("Role", &manager),
            subjects: Some(vec![service_account_subject(
                &controller.name,
                &controller.namespace,
            )]),
        }),
    ];
    let runner_sa = match class.mode {
        ContainerMode::Dind => {
            let sa = names.no_permission_service_account();
            cleanup.push((Cleanup::NoPermissionServiceAccount, sa.clone()));
            sa
        }
        ContainerMode::Kubernetes => {
            let sa = names.kube_mode_service_account();
            cleanup.push((Cleanup::KubernetesModeServiceAccount, sa.clone()));
            sa
        }
    };
    out.push(Object::ServiceAccount(ServiceAccount {
        metadata: protected(&runner_sa, ns),
        ..Default::default()
    }));
    if class.mode == ContainerMode::Kubernetes {
        let role = names.kube_mode_role();
        cleanup.push((Cleanup::KubernetesModeRole, role.clone()));
        cleanup.push((Cleanup::KubernetesModeRoleBinding, role.clone()));
        out.push(Object::Role(Role {
            metadata: protected(&role, ns),
            rules: Some(policy_rules(&kube_mode_rules(false))),
        }));
        out.push(Object::RoleBinding(RoleBinding {
            metadata: protected(&role, ns),
            role_ref: role_ref("Role", &role),
            subjects: Some(vec![service_account_subject(&runner_sa, ns)]),
        }));
        out.push(Object::ConfigMap(worker_podspec(set, class)?));
    }
    // The credentials Secret is written by its ExternalSecret, which puts the same finalizer on
    // it (`crate::credentials`).
    cleanup.push((Cleanup::GithubSecret, set.secret_name.clone()));
    out.push(Object::AutoscalingRunnerSet(Box::new(scale_set(
        fleet, set, class, &runner_sa, &cleanup,
    ))));
    Ok(out)
}

/// Metadata of an object the controller releases once the set is deleted. Until then the
/// finalizer keeps it, so a GitOps prune that removes RBAC before the scale set cannot strand
/// the controller's cleanup (ARC issue #3440); the controller finds it through the set's
/// cleanup annotation (`autoscalingrunnerset_controller.go:removeFinalizersFromDependentResources`).
pub(crate) fn protected(name: &str, namespace: &str) -> ObjectMeta {
    ObjectMeta {
        finalizers: Some(vec![CLEANUP_FINALIZER.to_string()]),
        ..meta(name, Some(namespace))
    }
}

pub(crate) fn worker_podspec_name(set: &ResolvedSet) -> String {
    format!("{}-worker-podspec", set.name)
}

/// The hook template: the workflow pod's `$job` container, its caches and placement.
fn worker_podspec(set: &ResolvedSet, class: &RunnerClass) -> Result<ConfigMap, RenderError> {
    let pod = class.workflow_pod.clone().unwrap_or_default();
    let job = Container {
        env: (!pod.env.is_empty()).then(|| pod.env.iter().map(|(k, v)| env_value(k, v)).collect()),
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
            name: arcfleet_arc::runner::JOB_CONTAINER.into(),
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
            labels: Some(map([(SCALE_SET_NAME_LABEL, set.name.as_str())])),
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
    cleanup: &[(Cleanup, String)],
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
        (COMPONENT_LABEL, SCALE_SET_COMPONENT),
        // ARC deletes a scale set whose major.minor differs from the controller's build.
        (VERSION_LABEL, &version),
        (SCALE_SET_NAME_LABEL, &set.name),
        (SCALE_SET_NAMESPACE_LABEL, &set.namespace),
    ]));
    ars.metadata.annotations = Some(
        cleanup
            .iter()
            .map(|(c, name)| (c.annotation().to_string(), name.clone()))
            .collect(),
    );
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
        command: Some(strings(&[runner::RUNNER_COMMAND])),
        image_pull_policy: class.image_pull_policy.clone(),
        resources: resources(class.resources.as_ref()),
        ..container(runner::RUNNER_CONTAINER, &class.image)
    }
}

/// Docker-in-Docker as the chart renders it (`arcfleet_arc::runner`): the `dind` container is
/// the only privileged one; a native sidecar from Kubernetes 1.29, a plain second container
/// before. With `tls`, dockerd listens on TCP with certificates instead of the socket.
fn dind_pod(fleet: &Fleet, class: &RunnerClass) -> PodSpec {
    let dind_spec = class
        .dind
        .clone()
        .unwrap_or_else(|| arcfleet_spec::model::Dind {
            image: runner::DIND_IMAGE.into(),
            tls: false,
            resources: None,
        });
    let sidecar = fleet.kubernetes_version.has_native_sidecars();
    let init_externals = Container {
        resources: resources(class.resources.as_ref()),
        image_pull_policy: class.image_pull_policy.clone(),
        ..dind_externals_init(Some(&class.image))
    };
    let mut dind = Container {
        image: Some(dind_spec.image.clone()),
        resources: resources(dind_spec.resources.as_ref()),
        ..dind_daemon(sidecar)
    };
    let (volumes, runner_env, runner_mounts) = if dind_spec.tls {
        // Flags only: docker's entrypoint then generates certificates under DOCKER_TLS_CERTDIR
        // and listens on tcp://0.0.0.0:2376 with --tlsverify (and on the socket for the probe).
        dind.args = Some(strings(&["--group=$(DOCKER_GROUP_GID)"]));
        dind.env = Some(vec![
            env_value("DOCKER_GROUP_GID", "123"),
            env_value("DOCKER_TLS_CERTDIR", DOCKER_TLS_CERT_DIR),
        ]);
        dind.volume_mounts = Some(vec![
            mount(WORK_VOLUME, WORK_DIR),
            mount(DIND_CERT_VOLUME, DIND_CERT_DIR),
            mount(DIND_EXTERNALS_VOLUME, "/home/runner/externals"),
        ]);
        (
            vec![
                empty_dir(DIND_CERT_VOLUME),
                empty_dir(DIND_EXTERNALS_VOLUME),
            ],
            vec![
                env_value(env::DOCKER_HOST, "tcp://localhost:2376"),
                env_value("DOCKER_TLS_VERIFY", "1"),
                env_value("DOCKER_CERT_PATH", DIND_CERT_DIR),
                env_value(env::RUNNER_WAIT_FOR_DOCKER_IN_SECONDS, "120"),
            ],
            vec![
                mount(WORK_VOLUME, WORK_DIR),
                read_only_mount(DIND_CERT_VOLUME, DIND_CERT_DIR),
            ],
        )
    } else {
        (
            runner::dind_volumes(),
            runner::dind_runner_env(),
            runner::dind_runner_mounts(),
        )
    };
    let runner = Container {
        env: Some(with_user_env(runner_env, &class.env)),
        volume_mounts: Some(runner_mounts),
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
        volumes: Some(
            volumes
                .into_iter()
                .chain([empty_dir(WORK_VOLUME)])
                .collect(),
        ),
        ..Default::default()
    }
}

/// Kubernetes mode: the container hook runs each job in its own pod, sharing the ephemeral
/// `work` claim (`<pod>-work`, which the hook expects), shaped by the worker podspec.
fn kubernetes_pod(set: &ResolvedSet, class: &RunnerClass) -> PodSpec {
    let mut hook_env = kube_runner_env(runner::ContainerMode::Kubernetes, Some(&class.image));
    hook_env.push(env_value(
        env::HOOK_TEMPLATE,
        &format!("{HOOK_TEMPLATE_DIR}/{HOOK_TEMPLATE_KEY}"),
    ));
    let runner = Container {
        env: Some(with_user_env(hook_env, &class.env)),
        volume_mounts: Some(vec![
            mount(WORK_VOLUME, WORK_DIR),
            read_only_mount("worker-podspec", HOOK_TEMPLATE_DIR),
        ]),
        ..runner_container(class)
    };
    let work = class.work_volume.as_ref().map(|w| Volume {
        name: WORK_VOLUME.into(),
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
