//! The resolved fleet: a spec that passed every check, with defaults and derived values filled
//! in (Secret names, headroom, quotas), ready to render.

use std::collections::BTreeMap;

use arcfleet_k8s::{ContainerKind, ContainerResources, PodUsage, Quantity, pod_usage};

use crate::model::{
    Auth, ContainerMode, Controller, Registry, Resources, RunnerClass, SecretStore,
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

    /// The runner class of a set.
    pub fn class_of(&self, set: &ResolvedSet) -> Option<&RunnerClass> {
        self.classes.get(&set.class)
    }
}

pub(crate) fn container_resources(resources: Option<&Resources>) -> ContainerResources {
    resources.map_or_else(ContainerResources::default, |r| ContainerResources {
        requests: r.requests.clone(),
        limits: r.limits.clone(),
    })
}

/// The containers of one kind of pod the fleet creates, and what each requests.
#[derive(Clone, Debug)]
pub struct PodShape {
    /// `(container name, kind, resources)` in pod order.
    pub containers: Vec<(&'static str, ContainerKind, ContainerResources)>,
}

impl PodShape {
    /// What one such pod counts against a ResourceQuota.
    pub fn usage(&self) -> PodUsage {
        let containers: Vec<_> = self
            .containers
            .iter()
            .map(|(_, kind, res)| (*kind, res.clone()))
            .collect();
        pod_usage(&containers)
    }

    /// The runner pod of a class. The generator gives the `init-dind-externals` copy step the
    /// runner's resources: as an init container it only needs to fit beside the sidecars, so it
    /// costs a quota nothing extra and satisfies quotas that require every container to set them.
    pub fn runner(class: &RunnerClass) -> PodShape {
        let runner = container_resources(class.resources.as_ref());
        let mut containers = Vec::new();
        if class.mode == ContainerMode::Dind {
            let dind = container_resources(class.dind.as_ref().and_then(|d| d.resources.as_ref()));
            containers.push(("init-dind-externals", ContainerKind::Init, runner.clone()));
            containers.push(("dind", ContainerKind::Sidecar, dind));
        }
        containers.push(("runner", ContainerKind::Regular, runner));
        PodShape { containers }
    }

    /// The workflow pod of a Kubernetes-mode class (`None` for DinD).
    pub fn workflow(class: &RunnerClass) -> Option<PodShape> {
        (class.mode == ContainerMode::Kubernetes).then(|| {
            let job = container_resources(
                class
                    .workflow_pod
                    .as_ref()
                    .and_then(|w| w.resources.as_ref()),
            );
            PodShape {
                containers: vec![(
                    arcfleet_arc::runner::JOB_CONTAINER,
                    ContainerKind::Regular,
                    job,
                )],
            }
        })
    }

    /// The controller pod.
    pub fn controller(controller: &Controller) -> PodShape {
        PodShape {
            containers: vec![(
                "manager",
                ContainerKind::Regular,
                container_resources(controller.resources.as_ref()),
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
            containers: vec![(
                "listener",
                ContainerKind::Regular,
                container_resources(resources),
            )],
        }
    }
}
