//! The resolved fleet: a spec that passed every check, with defaults and derived values filled
//! in (Secret names, headroom, quotas), ready to render.

use std::collections::BTreeMap;

use arcfleet_k8s::{ContainerKind, ContainerResources, PodUsage, Quantity, pod_usage};

use crate::model::{
    Auth, ClassOverrides, ContainerMode, Controller, Registry, Resources, RunnerClass, SecretStore,
};
use arcfleet_arc::{KubeVersion, Version};

/// A checked fleet.
#[derive(Clone, Debug)]
pub struct Fleet {
    /// `metadata.name`.
    pub name: String,
    /// The spec's file name (no directories), for generated-file headers.
    pub source_name: String,
    /// The target cluster version.
    pub kubernetes_version: KubeVersion,
    /// The controller, with its version parsed.
    pub controller: ResolvedController,
    /// The secret store.
    pub secret_store: SecretStore,
    /// Registries, by name.
    pub registries: BTreeMap<String, Registry>,
    /// Runner classes, by name.
    pub classes: BTreeMap<String, RunnerClass>,
    /// Scale sets, in spec order.
    pub sets: Vec<ResolvedSet>,
    /// Every namespace the fleet uses (controller's and sets'), sorted by name.
    pub namespaces: Vec<ResolvedNamespace>,
    /// Monitoring, when the spec asks for it.
    pub monitoring: Option<crate::model::Monitoring>,
    /// Warnings about the spec (each at the spec node it is about): the fleet renders, but
    /// something will not work as well as it could.
    pub warnings: Vec<arcfleet_diag::Diagnostic>,
}

/// The controller with its parsed version.
#[derive(Clone, Debug)]
pub struct ResolvedController {
    /// As written in the spec.
    pub spec: Controller,
    /// `spec.version`, parsed.
    pub version: Version,
}

impl ResolvedController {
    /// The controller image, which is also every listener's image.
    pub fn image(&self) -> String {
        format!("{}:{}", self.spec.image, self.spec.version)
    }
}

/// A scale set with derived values.
#[derive(Clone, Debug)]
pub struct ResolvedSet {
    /// Position in `spec.runnerSets` (for messages).
    pub index: usize,
    /// Name (also `runnerScaleSetName`).
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// GitHub URL, trailing `/` removed.
    pub github_config_url: String,
    /// Runner group.
    pub runner_group: Option<String>,
    /// Extra labels.
    pub labels: Vec<String>,
    /// Credentials.
    pub auth: Auth,
    /// The Secret ARC reads the credentials from.
    pub secret_name: String,
    /// Runner class name.
    pub class: String,
    /// Idle runners.
    pub min_runners: u32,
    /// Most runners.
    pub max_runners: u32,
    /// Spare pods a quota must hold.
    pub headroom: u32,
    /// The set's runner pod shape: its class with the set's overrides applied.
    pub runner: RunnerClass,
    /// What the set changes of its class, as written.
    pub overrides: Option<ClassOverrides>,
    /// Where in the spec the runner container's resources are set (the set's override or the
    /// class), for messages.
    pub resources_pointer: String,
    /// The CA bundle of a GitHub Enterprise Server.
    pub github_server_tls: Option<crate::model::GithubServerTls>,
    /// The scale set's `proxy`.
    pub proxy: Option<arcfleet_crds::ProxyConfig>,
}

/// A namespace of the fleet.
#[derive(Clone, Debug)]
pub struct ResolvedNamespace {
    /// Its name.
    pub name: String,
    /// Labels of the Namespace object.
    pub labels: BTreeMap<String, String>,
    /// The ResourceQuota's `hard` map, if the namespace has one (explicit or computed).
    pub quota: Option<BTreeMap<String, Quantity>>,
}

impl Fleet {
    /// The sets of one namespace.
    pub fn sets_in<'a>(&'a self, namespace: &'a str) -> impl Iterator<Item = &'a ResolvedSet> {
        self.sets.iter().filter(move |s| s.namespace == namespace)
    }

    /// The runner pod shape of a set: its class with the set's overrides.
    pub fn class_of<'a>(&self, set: &'a ResolvedSet) -> Option<&'a RunnerClass> {
        Some(&set.runner)
    }
}

pub(crate) fn container_resources(resources: Option<&Resources>) -> ContainerResources {
    resources.map_or_else(ContainerResources::default, |r| ContainerResources {
        requests: r.requests.clone(),
        limits: r.limits.clone(),
    })
}

/// One container of a pod the fleet creates.
#[derive(Clone, Debug)]
pub struct ShapeContainer {
    /// Container name.
    pub name: &'static str,
    /// Init, sidecar or regular.
    pub kind: ContainerKind,
    /// What it requests.
    pub resources: ContainerResources,
    /// JSON Pointer of the spec node that sets (or should set) its resources.
    pub source: String,
}

/// The containers of one kind of pod the fleet creates, and what each requests.
#[derive(Clone, Debug)]
pub struct PodShape {
    /// The containers in pod order.
    pub containers: Vec<ShapeContainer>,
}

fn shape_container(
    name: &'static str,
    kind: ContainerKind,
    resources: ContainerResources,
    source: String,
) -> ShapeContainer {
    ShapeContainer {
        name,
        kind,
        resources,
        source,
    }
}

impl PodShape {
    /// What one such pod counts against a ResourceQuota.
    pub fn usage(&self) -> PodUsage {
        let containers: Vec<_> = self
            .containers
            .iter()
            .map(|c| (c.kind, c.resources.clone()))
            .collect();
        pod_usage(&containers)
    }

    /// The runner pod of a set. The generator gives the `init-dind-externals` copy step the
    /// runner's resources: as an init container it only needs to fit beside the sidecars, so it
    /// costs a quota nothing extra and satisfies quotas that require every container to set them.
    pub fn runner(set: &ResolvedSet) -> PodShape {
        let class = &set.runner;
        let runner = container_resources(class.resources.as_ref());
        let mut containers = Vec::new();
        if class.mode == ContainerMode::Dind {
            let dind = container_resources(class.dind.as_ref().and_then(|d| d.resources.as_ref()));
            containers.push(shape_container(
                "init-dind-externals",
                ContainerKind::Init,
                runner.clone(),
                set.resources_pointer.clone(),
            ));
            containers.push(shape_container(
                "dind",
                ContainerKind::Sidecar,
                dind,
                format!("{}/dind/resources", class_pointer(&set.class)),
            ));
        }
        containers.push(shape_container(
            "runner",
            ContainerKind::Regular,
            runner,
            set.resources_pointer.clone(),
        ));
        PodShape { containers }
    }

    /// The workflow pod of a Kubernetes-mode set (`None` for DinD).
    pub fn workflow(set: &ResolvedSet) -> Option<PodShape> {
        let class = &set.runner;
        (class.mode == ContainerMode::Kubernetes).then(|| {
            let job = container_resources(
                class
                    .workflow_pod
                    .as_ref()
                    .and_then(|w| w.resources.as_ref()),
            );
            PodShape {
                containers: vec![shape_container(
                    arcfleet_arc::runner::JOB_CONTAINER,
                    ContainerKind::Regular,
                    job,
                    format!("{}/workflowPod/resources", class_pointer(&set.class)),
                )],
            }
        })
    }

    /// The controller pod.
    pub fn controller(controller: &Controller) -> PodShape {
        PodShape {
            containers: vec![shape_container(
                "manager",
                ContainerKind::Regular,
                container_resources(controller.resources.as_ref()),
                "/spec/controller/resources".into(),
            )],
        }
    }

    /// A listener pod (one per scale set, in the controller namespace).
    pub fn listener(controller: &Controller) -> PodShape {
        let resources = controller
            .listener
            .as_ref()
            .and_then(|l| l.resources.as_ref());
        PodShape {
            containers: vec![shape_container(
                "listener",
                ContainerKind::Regular,
                container_resources(resources),
                "/spec/controller/listener/resources".into(),
            )],
        }
    }
}

/// JSON Pointer of runner class `name` in the spec.
pub fn class_pointer(name: &str) -> String {
    format!("/spec/runnerClasses/{}", arcfleet_yaml::pointer_token(name))
}

impl RunnerClass {
    /// The class with a set's overrides applied: each field given replaces the class's; env,
    /// pod labels and annotations are merged, the set's value winning.
    pub fn with_overrides(&self, overrides: &ClassOverrides) -> RunnerClass {
        let mut class = self.clone();
        if let Some(image) = &overrides.image {
            class.image.clone_from(image);
        }
        if overrides.resources.is_some() {
            class.resources.clone_from(&overrides.resources);
        }
        class.env.extend(overrides.env.clone());
        if let Some(selector) = &overrides.node_selector {
            class.node_selector.clone_from(selector);
        }
        if let Some(tolerations) = &overrides.tolerations {
            class.tolerations.clone_from(tolerations);
        }
        if overrides.affinity.is_some() {
            class.affinity.clone_from(&overrides.affinity);
        }
        class.pod_labels.extend(overrides.pod_labels.clone());
        class
            .pod_annotations
            .extend(overrides.pod_annotations.clone());
        if overrides.active_deadline_seconds.is_some() {
            class.active_deadline_seconds = overrides.active_deadline_seconds;
        }
        class
    }
}
