//! Per scale set: the controller's manager Role in the set's namespace, the runner
//! ServiceAccount (and hook RBAC in Kubernetes mode), the worker podspec ConfigMap, and the
//! AutoscalingRunnerSet with its mode's pod template, wired as ARC's chart wires it.

use std::collections::BTreeMap;

use arcfleet_arc::meta::arcfleet::{EXTERNAL_ANNOTATION, HEADROOM_ANNOTATION};
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
use arcfleet_crds::{
    AutoscalingRunnerSet, AutoscalingRunnerSetSpec, GithubServerTls, TlsCertificateSource,
};
use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapKeySelector, ConfigMapVolumeSource, Container, EphemeralVolumeSource,
    HostPathVolumeSource, LocalObjectReference, PersistentVolumeClaimSpec,
    PersistentVolumeClaimTemplate, PersistentVolumeClaimVolumeSource, PodSpec, PodTemplateSpec,
    ServiceAccount, Volume, VolumeMount, VolumeResourceRequirements,
};
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use arcfleet_spec::model::{ContainerMode, KubeValue, RunnerClass};
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
/// Where dockerd writes the client certificates for TLS, shared with the runner.
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
            rules: Some(policy_rules(&manager_rules(
                set.github_server_tls.is_some(),
            ))),
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
    // A ServiceAccount the user names exists already: the chart then makes none (and names
    // none for cleanup), and neither does arcfleet.
    let runner_sa = match (&class.service_account_name, class.mode) {
        (Some(existing), _) => existing.clone(),
        (None, ContainerMode::Dind) => {
            let sa = names.no_permission_service_account();
            cleanup.push((Cleanup::NoPermissionServiceAccount, sa.clone()));
            sa
        }
        (None, ContainerMode::Kubernetes) => {
            let sa = names.kube_mode_service_account();
            cleanup.push((Cleanup::KubernetesModeServiceAccount, sa.clone()));
            sa
        }
    };
    if class.service_account_name.is_none() {
        out.push(Object::ServiceAccount(ServiceAccount {
            metadata: protected(&runner_sa, ns),
            ..Default::default()
        }));
    }
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
        out.push(Object::ConfigMap(worker_podspec(fleet, set, class)?));
    }
    // The credentials Secret is written by its ExternalSecret, which puts the same finalizer on
    // it (`crate::credentials`); an existing Secret is the user's to keep.
    if set.auth.existing_secret.is_none() {
        cleanup.push((Cleanup::GithubSecret, set.secret_name.clone()));
    }
    out.push(Object::AutoscalingRunnerSet(Box::new(scale_set(
        fleet, set, class, &runner_sa, &cleanup,
    )?)));
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

/// The worker podspec's ConfigMap: the class's shared one, or one per set.
pub(crate) fn worker_podspec_name(set: &ResolvedSet) -> String {
    set.runner
        .hook_template
        .as_ref()
        .and_then(|h| h.config_map_name.clone())
        .unwrap_or_else(|| format!("{}-worker-podspec", set.name))
}

/// Where the runner reads the worker podspec.
fn hook_template_path(class: &RunnerClass) -> String {
    class
        .hook_template
        .as_ref()
        .and_then(|h| h.path.clone())
        .unwrap_or_else(|| format!("{HOOK_TEMPLATE_DIR}/{HOOK_TEMPLATE_KEY}"))
}

/// The hook template: the workflow pod's `$job` container, its caches and placement. A
/// ConfigMap the class's sets share is built from the class alone (no set's name or
/// overrides), so every set renders it identically.
fn worker_podspec(
    fleet: &Fleet,
    set: &ResolvedSet,
    class: &RunnerClass,
) -> Result<ConfigMap, RenderError> {
    let shared = class
        .hook_template
        .as_ref()
        .is_some_and(|h| h.config_map_name.is_some());
    let class = if shared {
        fleet.classes.get(&set.class).unwrap_or(class)
    } else {
        class
    };
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
        metadata: (!shared).then(|| ObjectMeta {
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
) -> Result<AutoscalingRunnerSet, RenderError> {
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
            template: Some(runner_template(fleet, set, class, runner_sa)?),
            listener_metrics: fleet
                .monitoring
                .as_ref()
                .map(|_| crate::monitoring::listener_metrics()),
            github_server_tls: set.github_server_tls.as_ref().map(|tls| GithubServerTls {
                certificate_from: Some(TlsCertificateSource {
                    config_map_key_ref: Some(ConfigMapKeySelector {
                        name: tls.certificate_from.config_map_key_ref.name.clone(),
                        key: tls.certificate_from.config_map_key_ref.key.clone(),
                        optional: None,
                    }),
                }),
            }),
            proxy: set.proxy.clone(),
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
    let mut annotations: BTreeMap<String, String> = cleanup
        .iter()
        .map(|(c, name)| (c.annotation().to_string(), name.clone()))
        .collect();
    annotations.insert(HEADROOM_ANNOTATION.to_string(), set.headroom.to_string());
    let external = external_refs(set, class)?;
    if !external.is_empty() {
        annotations.insert(EXTERNAL_ANNOTATION.to_string(), external.join(", "));
    }
    ars.metadata.annotations = Some(annotations);
    Ok(ars)
}

/// What the set refers to that the spec says exists already (`Kind/name`, sorted): the
/// credentials Secret of `existingSecret`, the ConfigMaps and Secrets of the class's volumes,
/// the GitHub server's CA ConfigMap.
fn external_refs(set: &ResolvedSet, class: &RunnerClass) -> Result<Vec<String>, RenderError> {
    let mut refs = std::collections::BTreeSet::new();
    if let Some(secret) = &set.auth.existing_secret {
        refs.insert(format!("Secret/{secret}"));
    }
    for volume in kube_list::<Volume>(&class.volumes)? {
        if let Some(cm) = volume.config_map {
            refs.insert(format!("ConfigMap/{}", cm.name));
        }
        if let Some(name) = volume.secret.and_then(|s| s.secret_name) {
            refs.insert(format!("Secret/{name}"));
        }
    }
    if let Some(tls) = &set.github_server_tls {
        refs.insert(format!(
            "ConfigMap/{}",
            tls.certificate_from.config_map_key_ref.name
        ));
    }
    Ok(refs.into_iter().collect())
}

fn runner_template(
    fleet: &Fleet,
    set: &ResolvedSet,
    class: &RunnerClass,
    runner_sa: &str,
) -> Result<PodTemplateSpec, RenderError> {
    let mut pod = match class.mode {
        ContainerMode::Dind => dind_pod(fleet, class)?,
        ContainerMode::Kubernetes => kubernetes_pod(set, class),
    };
    add_user_volumes(&mut pod, set, class)?;
    let pull_secrets: Vec<LocalObjectReference> = class
        .image_pull_secrets
        .iter()
        .map(|r| LocalObjectReference {
            name: pull_secret_name(r),
        })
        .collect();
    let metadata =
        (!class.pod_labels.is_empty() || !class.pod_annotations.is_empty()).then(|| ObjectMeta {
            labels: non_empty(&class.pod_labels),
            annotations: non_empty(&class.pod_annotations),
            ..Default::default()
        });
    Ok(PodTemplateSpec {
        metadata,
        spec: Some(PodSpec {
            restart_policy: Some("Never".into()),
            service_account_name: Some(runner_sa.into()),
            active_deadline_seconds: class.active_deadline_seconds,
            node_selector: non_empty(&class.node_selector),
            tolerations: tolerations(&class.tolerations),
            affinity: kube(class.affinity.as_ref())?,
            security_context: kube(class.security_context.as_ref())?,
            image_pull_secrets: (!pull_secrets.is_empty()).then_some(pull_secrets),
            ..pod
        }),
    })
}

/// A Kubernetes fragment of the spec as its type. The spec check parsed it already
/// (`arcfleet_spec`'s `kube` module); one that does not convert stops the render rather than
/// being left out.
fn kube<T: serde::de::DeserializeOwned>(
    value: Option<&KubeValue>,
) -> Result<Option<T>, RenderError> {
    value
        .map(|v| {
            serde_json::from_value(v.0.clone()).map_err(|e| RenderError::Fragment(e.to_string()))
        })
        .transpose()
}

fn kube_list<T: serde::de::DeserializeOwned>(values: &[KubeValue]) -> Result<Vec<T>, RenderError> {
    values
        .iter()
        .map(|v| {
            serde_json::from_value(v.0.clone()).map_err(|e| RenderError::Fragment(e.to_string()))
        })
        .collect()
}

/// The class's own volumes and runner mounts, and the GitHub server's CA bundle when the set
/// gives the runner one (as the chart's `githubServerTLS.runnerMountPath`, `arcfleet_arc::runner`).
fn add_user_volumes(
    pod: &mut PodSpec,
    set: &ResolvedSet,
    class: &RunnerClass,
) -> Result<(), RenderError> {
    let mut volumes: Vec<Volume> = kube_list(&class.volumes)?;
    let mut mounts: Vec<VolumeMount> = kube_list(&class.volume_mounts)?;
    let mut env = Vec::new();
    if let Some(tls) = &set.github_server_tls
        && let Some(path) = &tls.runner_mount_path
    {
        let key_ref = &tls.certificate_from.config_map_key_ref;
        let bundle = runner::tls_bundle_path(path, &key_ref.key);
        volumes.push(runner::tls_volume(&key_ref.name, &key_ref.key));
        mounts.push(runner::tls_runner_mount(&bundle, &key_ref.key));
        env = runner::tls_runner_env(&bundle);
    }
    if volumes.is_empty() && mounts.is_empty() {
        return Ok(());
    }
    pod.volumes.get_or_insert_with(Vec::new).extend(volumes);
    if let Some(runner) = pod
        .containers
        .iter_mut()
        .find(|c| c.name == runner::RUNNER_CONTAINER)
    {
        runner
            .volume_mounts
            .get_or_insert_with(Vec::new)
            .extend(mounts);
        let runner_env = runner.env.get_or_insert_with(Vec::new);
        // As the chart: each only where the user has not set it.
        for var in env {
            if !runner_env.iter().any(|e| e.name == var.name) {
                runner_env.push(var);
            }
        }
    }
    Ok(())
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
fn dind_pod(fleet: &Fleet, class: &RunnerClass) -> Result<PodSpec, RenderError> {
    let dind_spec = class
        .dind
        .clone()
        .unwrap_or_else(|| arcfleet_spec::model::Dind {
            image: runner::DIND_IMAGE.into(),
            tls: false,
            resources: None,
            args: Vec::new(),
            registry_mirrors: Vec::new(),
            mtu: None,
            storage: None,
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
            mount(runner::DIND_CERT_VOLUME, DIND_CERT_DIR),
            mount(DIND_EXTERNALS_VOLUME, "/home/runner/externals"),
        ]);
        (
            vec![
                empty_dir(runner::DIND_CERT_VOLUME),
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
                read_only_mount(runner::DIND_CERT_VOLUME, DIND_CERT_DIR),
            ],
        )
    } else {
        (
            runner::dind_volumes(),
            runner::dind_runner_env(),
            runner::dind_runner_mounts(),
        )
    };
    // The daemon's own flags go after the wiring's, which ARC's hooks and the runner rely on.
    let extra_args: Vec<String> = dind_spec
        .registry_mirrors
        .iter()
        .map(|m| format!("--registry-mirror={m}"))
        .chain(dind_spec.mtu.map(|m| format!("--mtu={m}")))
        .chain(dind_spec.args.iter().cloned())
        .collect();
    if !extra_args.is_empty() {
        dind.args.get_or_insert_with(Vec::new).extend(extra_args);
    }
    let mut volumes = volumes;
    if let Some(storage) = &dind_spec.storage {
        let mut source = storage.0.clone();
        if let serde_json::Value::Object(map) = &mut source {
            map.insert("name".into(), runner::DIND_STORAGE_VOLUME.into());
        }
        let volume = serde_json::from_value::<Volume>(source)
            .map_err(|e| RenderError::Fragment(e.to_string()))?;
        volumes.push(volume);
        dind.volume_mounts
            .get_or_insert_with(Vec::new)
            .push(mount(runner::DIND_STORAGE_VOLUME, runner::DIND_STORAGE_DIR));
    }
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
    Ok(PodSpec {
        init_containers: Some(init_containers),
        containers,
        volumes: Some(
            volumes
                .into_iter()
                .chain([empty_dir(WORK_VOLUME)])
                .collect(),
        ),
        ..Default::default()
    })
}

/// Kubernetes mode: the container hook runs each job in its own pod, sharing the ephemeral
/// `work` claim (`<pod>-work`, which the hook expects), shaped by the worker podspec.
fn kubernetes_pod(set: &ResolvedSet, class: &RunnerClass) -> PodSpec {
    let mut hook_env = kube_runner_env(runner::ContainerMode::Kubernetes, Some(&class.image));
    let template_path = hook_template_path(class);
    hook_env.push(env_value(env::HOOK_TEMPLATE, &template_path));
    // A path of the user's is mounted as one file, not its folder: it may sit beside the
    // hook's own files (`/home/runner/k8s/index.js`).
    let template_mount = if class
        .hook_template
        .as_ref()
        .is_some_and(|h| h.path.is_some())
    {
        VolumeMount {
            sub_path: Some(HOOK_TEMPLATE_KEY.into()),
            ..read_only_mount(runner::WORKER_PODSPEC_VOLUME, &template_path)
        }
    } else {
        read_only_mount(runner::WORKER_PODSPEC_VOLUME, HOOK_TEMPLATE_DIR)
    };
    let runner = Container {
        env: Some(with_user_env(hook_env, &class.env)),
        volume_mounts: Some(vec![mount(WORK_VOLUME, WORK_DIR), template_mount]),
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
        name: runner::WORKER_PODSPEC_VOLUME.into(),
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
