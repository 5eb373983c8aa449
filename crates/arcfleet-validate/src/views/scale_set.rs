//! An AutoscalingRunnerSet as the rules see it: its pod template, its runner, and how it runs
//! jobs, decided from every signal the template gives rather than from one variable.

use arcfleet_arc::names::ScaleSetNames;
use arcfleet_arc::runner::{self, DIND_CONTAINER, RUNNER_CONTAINER, WORK_VOLUME, env};
use arcfleet_k8s::ContainerKind;
use arcfleet_yaml::Node;

use crate::index::Object;
use crate::pod::{self, Container};

/// How a scale set runs jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A Docker daemon sidecar serves Docker to the runner.
    Dind,
    /// Container hooks run each job in its own pod (`kubernetes`, or `kubernetes-novolume`).
    Kubernetes {
        /// The no-volume hook (no shared `work` claim, no `jobs` permission).
        novolume: bool,
    },
    /// Jobs run in the runner container itself.
    Default,
}

impl Mode {
    /// Either Kubernetes mode.
    pub fn is_kubernetes(self) -> bool {
        matches!(self, Mode::Kubernetes { .. })
    }
}

/// The signals a pod template gives of its mode, with where each is written.
#[derive(Clone, Debug, Default)]
pub struct Signals<'a> {
    /// `ACTIONS_RUNNER_CONTAINER_HOOKS` with a value (the runner reads an empty one as unset).
    pub hooks: Option<&'a Node>,
    /// `ACTIONS_RUNNER_CONTAINER_HOOKS` present but empty.
    pub empty_hooks: Option<&'a Node>,
    /// Other variables only the container hooks read (`ACTIONS_RUNNER_POD_NAME`,
    /// `ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER`, `ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE`). Alone
    /// they do nothing (some users set them everywhere); with the hook template, the `work`
    /// claim or the chart's Kubernetes-mode ServiceAccount they make a Kubernetes-mode set.
    pub hook_env: Vec<&'a Node>,
    /// A generic ephemeral volume named `work` (the hook's `<pod>-work` claim).
    pub work_claim: Option<&'a Node>,
    /// A Docker daemon container (`dind`, or one running a `docker:*dind*` image).
    pub dind: Option<Container<'a>>,
    /// The chart's `containerMode.type`, for scale sets rendered from values.
    pub chart_mode: Option<runner::ContainerMode>,
}

/// An AutoscalingRunnerSet and its pod template.
#[derive(Clone, Debug)]
pub struct ScaleSet<'a> {
    /// The object.
    pub object: Object<'a>,
    /// `spec`, if present.
    pub spec: Option<&'a Node>,
    /// `spec.template.spec`, if present.
    pub pod: Option<&'a Node>,
    /// How it runs jobs.
    pub mode: Mode,
    /// What the mode was decided from.
    pub signals: Signals<'a>,
}

impl<'a> ScaleSet<'a> {
    /// The view of `object`, an AutoscalingRunnerSet.
    pub fn of(object: &Object<'a>) -> Self {
        let spec = object.spec();
        let pod = spec.and_then(|s| s.path(&["template", "spec"]));
        let containers = pod.map(pod::containers).unwrap_or_default();
        let runner = containers
            .iter()
            .find(|c| c.name == RUNNER_CONTAINER && c.kind != ContainerKind::Init);
        let hooks_node = runner.and_then(|r| r.env(env::CONTAINER_HOOKS));
        let hooks_set = hooks_node.is_some_and(|e| {
            e.get("valueFrom").is_some()
                || e.get("value")
                    .and_then(Node::scalar_text)
                    .is_some_and(|t| !t.trim().is_empty())
        });
        let signals = Signals {
            hooks: hooks_node.filter(|_| hooks_set),
            empty_hooks: hooks_node.filter(|_| !hooks_set),
            hook_env: runner
                .map(|r| {
                    [
                        env::POD_NAME,
                        env::REQUIRE_JOB_CONTAINER,
                        env::HOOK_TEMPLATE,
                    ]
                    .into_iter()
                    .filter_map(|name| r.env(name))
                    .collect()
                })
                .unwrap_or_default(),
            work_claim: pod
                .and_then(|p| pod::volume(p, WORK_VOLUME))
                .filter(|v| v.get("ephemeral").is_some()),
            dind: containers.iter().find(|c| is_docker_daemon(c)).cloned(),
            chart_mode: object.origin.release().and_then(|r| r.container_mode),
        };
        let mode = if let Some(hooks) = signals.hooks {
            let path = hooks
                .get("value")
                .and_then(Node::scalar_text)
                .unwrap_or_default();
            Mode::Kubernetes {
                novolume: runner::hooks_path_is_novolume(path),
            }
        } else if signals.dind.is_some() {
            Mode::Dind
        } else if signals
            .chart_mode
            .is_some_and(runner::ContainerMode::is_kubernetes)
            || signals
                .hook_env
                .iter()
                .any(|e| e.get("name").and_then(Node::scalar_text) == Some(env::HOOK_TEMPLATE))
            || (signals.work_claim.is_some() && !signals.hook_env.is_empty())
            || pod
                .and_then(|p| p.get("serviceAccountName"))
                .and_then(Node::scalar_text)
                .is_some_and(ScaleSetNames::is_kube_mode_service_account)
        {
            // Kubernetes-mode wiring without the hook variable: `kube-mode-wiring` says so.
            Mode::Kubernetes {
                novolume: signals.chart_mode == Some(runner::ContainerMode::KubernetesNoVolume),
            }
        } else {
            Mode::Default
        };
        ScaleSet {
            object: object.clone(),
            spec,
            pod,
            mode,
            signals,
        }
    }

    /// The namespace the set's pods run in, when the input says it.
    pub fn namespace(&self) -> Option<&'a str> {
        self.object.namespace
    }

    /// The pod template's containers (init containers first).
    pub fn containers(&self) -> Vec<Container<'a>> {
        self.pod.map(pod::containers).unwrap_or_default()
    }

    /// The container named `runner`.
    pub fn runner(&self) -> Option<Container<'a>> {
        self.containers()
            .into_iter()
            .find(|c| c.name == RUNNER_CONTAINER && c.kind != ContainerKind::Init)
    }

    /// `spec.<field>` as a node.
    pub fn field(&self, field: &str) -> Option<&'a Node> {
        self.spec.and_then(|s| s.get(field))
    }

    /// The runner's ServiceAccount (`default` when the template names none).
    pub fn service_account(&self) -> &'a str {
        self.pod
            .and_then(|p| {
                p.get("serviceAccountName")
                    .or_else(|| p.get("serviceAccount"))
            })
            .and_then(Node::as_str)
            .unwrap_or("default")
    }
}

/// Whether a container runs a Docker daemon: named `dind`, or a `docker` image with a `dind`
/// tag.
pub fn is_docker_daemon(container: &Container<'_>) -> bool {
    container.name == DIND_CONTAINER
        || container.image().is_some_and(|i| {
            let repo = pod::image_repository(i);
            (repo == "docker" || repo.ends_with("/docker") || repo.ends_with("library/docker"))
                && pod::image_tag(i).is_some_and(|t| t.contains("dind"))
        })
}
