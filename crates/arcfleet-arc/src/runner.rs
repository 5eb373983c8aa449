//! The runner pod as ARC wires it: container and volume names, paths, the environment the
//! runner and the container hooks read, and what the scale-set chart adds for each container
//! mode (`gha-runner-scale-set/templates/_helpers.tpl`: `dind-init-container`, `dind-container`,
//! `dind-runner-container`, `kubernetes-mode-runner-container`,
//! `kubernetes-novolume-mode-runner-container`, `tls-volume`).
//!
//! Each expansion is a typed value here; render uses it as it is, and the chart emulation turns
//! it into YAML nodes that point at the values line that asked for it.

use k8s_openapi::api::core::v1::{
    ConfigMapVolumeSource, Container, EmptyDirVolumeSource, EnvVar, EnvVarSource, ExecAction,
    KeyToPath, ObjectFieldSelector, Probe, SecurityContext, Volume, VolumeMount,
};

/// The container ARC treats as the runner: the controller injects the JIT config into it and
/// reads its exit state (`EphemeralRunnerContainerName`).
pub const RUNNER_CONTAINER: &str = "runner";
/// The Docker daemon's container in DinD mode.
pub const DIND_CONTAINER: &str = "dind";
/// The init container that copies the runner's externals for the Docker daemon.
pub const DIND_EXTERNALS_INIT_CONTAINER: &str = "init-dind-externals";
/// The runner's entry point in the official image, which has no `ENTRYPOINT` or `CMD` of its own.
pub const RUNNER_COMMAND: &str = "/home/runner/run.sh";
/// The chart's default runner image (unpinned).
pub const DEFAULT_RUNNER_IMAGE: &str = "ghcr.io/actions/actions-runner:latest";
/// The chart's Docker daemon image (unpinned).
pub const DIND_IMAGE: &str = "docker:dind";

/// The container of a worker podspec (`ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE`) that the hook
/// merges into the job container (`JOB_CONTAINER_EXTENSION_NAME`, runner-container-hooks
/// `packages/k8s/src/hooks/constants.ts`). Its `image` and `name` are never applied: the job
/// runs the workflow's `container:` image (`mergeContainerWithOptions`, `k8s/utils.ts`).
pub const JOB_CONTAINER: &str = "$job";

/// The work volume; in Kubernetes mode the hook mounts its claim `<pod>-work` into job pods.
pub const WORK_VOLUME: &str = "work";
/// Where the runner keeps its work directory.
pub const WORK_DIR: &str = "/home/runner/_work";
/// The DinD socket volume.
pub const DIND_SOCK_VOLUME: &str = "dind-sock";
/// Where the DinD socket volume is mounted.
pub const DIND_SOCK_DIR: &str = "/var/run";
/// The volume the runner's externals are copied into for the Docker daemon.
pub const DIND_EXTERNALS_VOLUME: &str = "dind-externals";
/// The runner's externals (node for actions), which the daemon must see at the same path to
/// mount them into job containers.
pub const EXTERNALS_DIR: &str = "/home/runner/externals";
/// `DOCKER_HOST` of the chart's DinD mode.
pub const DOCKER_SOCKET: &str = "unix:///var/run/docker.sock";
/// The volume holding the GitHub server's CA bundle (`githubServerTLS.runnerMountPath`).
pub const TLS_CERT_VOLUME: &str = "github-server-tls-cert";
/// The Docker daemon's data (`/var/lib/docker`) when the generator gives it a volume.
pub const DIND_STORAGE_VOLUME: &str = "dind-storage";
/// Where the Docker daemon keeps images, layers and build cache.
pub const DIND_STORAGE_DIR: &str = "/var/lib/docker";
/// The client certificates of the generator's TLS DinD wiring, shared with the runner.
pub const DIND_CERT_VOLUME: &str = "dind-cert";
/// The generator's volume of the worker podspec ConfigMap (Kubernetes mode).
pub const WORKER_PODSPEC_VOLUME: &str = "worker-podspec";

/// Volume names the chart's and the generator's wiring use: user volumes must not take them.
pub const WIRED_VOLUMES: &[&str] = &[
    WORK_VOLUME,
    DIND_SOCK_VOLUME,
    DIND_EXTERNALS_VOLUME,
    TLS_CERT_VOLUME,
    DIND_STORAGE_VOLUME,
    DIND_CERT_VOLUME,
    WORKER_PODSPEC_VOLUME,
];

/// Environment variables ARC, the runner and the container hooks read.
pub mod env {
    /// Where the Docker daemon listens.
    pub const DOCKER_HOST: &str = "DOCKER_HOST";
    /// How long the runner waits for the Docker daemon before a job starts (chart: 120).
    pub const RUNNER_WAIT_FOR_DOCKER_IN_SECONDS: &str = "RUNNER_WAIT_FOR_DOCKER_IN_SECONDS";
    /// The container hook's script; set means Kubernetes mode. The runner treats an empty value
    /// as unset.
    pub const CONTAINER_HOOKS: &str = "ACTIONS_RUNNER_CONTAINER_HOOKS";
    /// The runner pod's name, from `metadata.name`; the hook derives the work claim from it.
    pub const POD_NAME: &str = "ACTIONS_RUNNER_POD_NAME";
    /// Whether every job must declare a `container:` (else it runs in the runner pod).
    pub const REQUIRE_JOB_CONTAINER: &str = "ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER";
    /// The runner image, for `kubernetes-novolume` mode.
    pub const RUNNER_IMAGE: &str = "ACTIONS_RUNNER_IMAGE";
    /// The job pod template file the hook reads.
    pub const HOOK_TEMPLATE: &str = "ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE";
    /// The claim the hook mounts into job pods (default `<pod>-work`).
    pub const CLAIM_NAME: &str = "ACTIONS_RUNNER_CLAIM_NAME";
    /// CA bundle for the runner's Node.js.
    pub const NODE_EXTRA_CA_CERTS: &str = "NODE_EXTRA_CA_CERTS";
    /// Makes the runner trust the CA bundle.
    pub const RUNNER_UPDATE_CA_CERTS: &str = "RUNNER_UPDATE_CA_CERTS";
}

/// The chart's `containerMode.type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContainerMode {
    /// `dind`: a privileged Docker daemon beside the runner.
    Dind,
    /// `kubernetes`: container hooks run each job in its own pod sharing the `work` claim.
    Kubernetes,
    /// `kubernetes-novolume`: container hooks without a shared volume.
    KubernetesNoVolume,
}

impl ContainerMode {
    /// The mode named by `containerMode.type` (`None` for anything else, which the chart treats
    /// as no mode at all).
    pub fn from_chart(value: &str) -> Option<Self> {
        match value {
            "dind" => Some(ContainerMode::Dind),
            "kubernetes" => Some(ContainerMode::Kubernetes),
            "kubernetes-novolume" => Some(ContainerMode::KubernetesNoVolume),
            _ => None,
        }
    }

    /// Whether the container hooks run the jobs.
    pub fn is_kubernetes(self) -> bool {
        matches!(
            self,
            ContainerMode::Kubernetes | ContainerMode::KubernetesNoVolume
        )
    }

    /// The hook script the chart points `ACTIONS_RUNNER_CONTAINER_HOOKS` at.
    pub fn hooks_path(self) -> Option<&'static str> {
        match self {
            ContainerMode::Kubernetes => Some("/home/runner/k8s/index.js"),
            ContainerMode::KubernetesNoVolume => Some("/home/runner/k8s-novolume/index.js"),
            ContainerMode::Dind => None,
        }
    }
}

/// Whether a hook script path is the no-volume variant.
pub fn hooks_path_is_novolume(path: &str) -> bool {
    path.contains("k8s-novolume")
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

/// An env var with a literal value.
pub fn env_value(name: &str, value: &str) -> EnvVar {
    EnvVar {
        name: name.into(),
        value: Some(value.into()),
        value_from: None,
    }
}

/// An env var from a field of the pod.
pub fn env_field(name: &str, field_path: &str) -> EnvVar {
    EnvVar {
        name: name.into(),
        value: None,
        value_from: Some(EnvVarSource {
            field_ref: Some(ObjectFieldSelector {
                api_version: None,
                field_path: field_path.into(),
            }),
            ..Default::default()
        }),
    }
}

/// A volume mount.
pub fn mount(volume: &str, path: &str) -> VolumeMount {
    VolumeMount {
        name: volume.into(),
        mount_path: path.into(),
        ..Default::default()
    }
}

/// An `emptyDir` volume.
pub fn empty_dir(name: &str) -> Volume {
    Volume {
        name: name.into(),
        empty_dir: Some(EmptyDirVolumeSource::default()),
        ..Default::default()
    }
}

/// DinD: the init container that copies the runner's externals (`image` is the runner's).
pub fn dind_externals_init(runner_image: Option<&str>) -> Container {
    Container {
        name: DIND_EXTERNALS_INIT_CONTAINER.into(),
        image: runner_image.map(str::to_string),
        command: Some(strings(&["cp"])),
        args: Some(strings(&[
            "-r",
            &format!("{EXTERNALS_DIR}/."),
            "/home/runner/tmpDir/",
        ])),
        volume_mounts: Some(vec![mount(DIND_EXTERNALS_VOLUME, "/home/runner/tmpDir")]),
        ..Default::default()
    }
}

/// DinD: the privileged Docker daemon. From Kubernetes 1.29 (`native_sidecar`) the chart makes it
/// a native sidecar (an init container with `restartPolicy: Always` and a startup probe), before
/// that a plain second container.
pub fn dind_daemon(native_sidecar: bool) -> Container {
    Container {
        name: DIND_CONTAINER.into(),
        image: Some(DIND_IMAGE.into()),
        args: Some(strings(&[
            "dockerd",
            "--host=unix:///var/run/docker.sock",
            "--group=$(DOCKER_GROUP_GID)",
        ])),
        env: Some(vec![env_value("DOCKER_GROUP_GID", "123")]),
        security_context: Some(SecurityContext {
            privileged: Some(true),
            ..Default::default()
        }),
        restart_policy: native_sidecar.then(|| "Always".to_string()),
        startup_probe: native_sidecar.then(|| Probe {
            exec: Some(ExecAction {
                command: Some(strings(&["docker", "info"])),
            }),
            initial_delay_seconds: Some(0),
            failure_threshold: Some(24),
            period_seconds: Some(5),
            ..Default::default()
        }),
        volume_mounts: Some(vec![
            mount(WORK_VOLUME, WORK_DIR),
            mount(DIND_SOCK_VOLUME, DIND_SOCK_DIR),
            mount(DIND_EXTERNALS_VOLUME, EXTERNALS_DIR),
        ]),
        ..Default::default()
    }
}

/// DinD: the chart's volumes before the work volume (`dind-volume`).
pub fn dind_volumes() -> Vec<Volume> {
    vec![
        empty_dir(DIND_SOCK_VOLUME),
        empty_dir(DIND_EXTERNALS_VOLUME),
    ]
}

/// DinD: env the chart gives the runner, each unless the runner sets it already.
pub fn dind_runner_env() -> Vec<EnvVar> {
    vec![
        env_value(env::DOCKER_HOST, DOCKER_SOCKET),
        env_value(env::RUNNER_WAIT_FOR_DOCKER_IN_SECONDS, "120"),
    ]
}

/// DinD: mounts the chart gives the runner, each unless the runner mounts that volume already.
pub fn dind_runner_mounts() -> Vec<VolumeMount> {
    vec![
        mount(WORK_VOLUME, WORK_DIR),
        mount(DIND_SOCK_VOLUME, DIND_SOCK_DIR),
    ]
}

/// Kubernetes modes: env the chart gives the runner, each unless the runner sets it already.
pub fn kube_runner_env(mode: ContainerMode, runner_image: Option<&str>) -> Vec<EnvVar> {
    let mut out = Vec::new();
    if let Some(hooks) = mode.hooks_path() {
        out.push(env_value(env::CONTAINER_HOOKS, hooks));
        out.push(env_field(env::POD_NAME, "metadata.name"));
        out.push(env_value(env::REQUIRE_JOB_CONTAINER, "true"));
    }
    if mode == ContainerMode::KubernetesNoVolume {
        out.push(env_value(
            env::RUNNER_IMAGE,
            runner_image.unwrap_or_default(),
        ));
    }
    out
}

/// Kubernetes modes: mounts the chart gives the runner (the work volume, not in no-volume mode).
pub fn kube_runner_mounts(mode: ContainerMode) -> Vec<VolumeMount> {
    if mode == ContainerMode::Kubernetes {
        vec![mount(WORK_VOLUME, WORK_DIR)]
    } else {
        Vec::new()
    }
}

/// Where the runner finds the GitHub server's CA bundle with `githubServerTLS.runnerMountPath`
/// (Go's `path.Clean` of `<mount path>/<key>`).
pub fn tls_bundle_path(mount_path: &str, key: &str) -> String {
    clean_path(&format!("{mount_path}/{key}"))
}

/// `githubServerTLS.runnerMountPath`: env the chart gives the runner, each unless set.
pub fn tls_runner_env(bundle_path: &str) -> Vec<EnvVar> {
    vec![
        env_value(env::NODE_EXTRA_CA_CERTS, bundle_path),
        env_value(env::RUNNER_UPDATE_CA_CERTS, "1"),
    ]
}

/// `githubServerTLS.runnerMountPath`: the bundle mounted as one file.
pub fn tls_runner_mount(bundle_path: &str, key: &str) -> VolumeMount {
    VolumeMount {
        sub_path: Some(key.into()),
        ..mount(TLS_CERT_VOLUME, bundle_path)
    }
}

/// `githubServerTLS.runnerMountPath`: the ConfigMap volume.
pub fn tls_volume(config_map: &str, key: &str) -> Volume {
    Volume {
        name: TLS_CERT_VOLUME.into(),
        config_map: Some(ConfigMapVolumeSource {
            name: config_map.into(),
            items: Some(vec![KeyToPath {
                key: key.into(),
                path: key.into(),
                mode: None,
            }]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Go's `path.Clean`: collapses `//`, `.` and `..`.
fn clean_path(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_paths_are_cleaned_like_go() {
        assert_eq!(
            tls_bundle_path("/usr/local/share/ca-certificates/", "ca.crt"),
            "/usr/local/share/ca-certificates/ca.crt"
        );
        assert_eq!(tls_bundle_path("/a/./b/../c", "k"), "/a/c/k");
        assert_eq!(clean_path("a/../.."), "..");
    }

    #[test]
    fn dind_daemon_is_a_sidecar_only_from_1_29() {
        assert_eq!(dind_daemon(true).restart_policy.as_deref(), Some("Always"));
        assert!(dind_daemon(false).startup_probe.is_none());
        assert_eq!(
            dind_daemon(false)
                .security_context
                .and_then(|s| s.privileged),
            Some(true)
        );
    }

    #[test]
    fn kube_modes_point_at_their_hooks() {
        let env = kube_runner_env(ContainerMode::KubernetesNoVolume, Some("r:1"));
        assert!(
            env.iter()
                .any(|e| e.name == env::RUNNER_IMAGE && e.value.as_deref() == Some("r:1"))
        );
        assert!(hooks_path_is_novolume(
            ContainerMode::KubernetesNoVolume
                .hooks_path()
                .unwrap_or_default()
        ));
        assert!(kube_runner_mounts(ContainerMode::KubernetesNoVolume).is_empty());
    }
}
