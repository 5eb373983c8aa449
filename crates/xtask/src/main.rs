//! `cargo run -p xtask -- <task>`: developer tasks.
//!
//! - `fleet --sets N [--out FILE]`: a fleet spec with N scale sets (half DinD, half Kubernetes
//!   mode) across ⌈N/50⌉ namespaces with automatic quotas, for render benchmarks.
//! - `corpus --files N --out DIR`: that fleet rendered as a hand-kept repository would hold it,
//!   about three objects per file: per scale set a `scale-set.yaml` (AutoscalingRunnerSet,
//!   ServiceAccount, worker podspec) and an `rbac.yaml`; per namespace a `namespace.yaml`
//!   (Namespace, quota, ExternalSecrets); the controller in one file. For validate benchmarks.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

const SETS_PER_NAMESPACE: usize = 50;

fn fleet_spec(sets: usize) -> String {
    let mut spec = String::from(
        "apiVersion: arcfleet.io/v1alpha1\nkind: Fleet\nmetadata: {name: bench}\nspec:\n  kubernetesVersion: \"1.31\"\n  controller:\n    version: 0.14.2\n    resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: \"1\", memory: 512Mi}}\n    listener:\n      resources: {requests: {cpu: 50m, memory: 64Mi}, limits: {cpu: 500m, memory: 256Mi}}\n  secretStore: {kind: ClusterSecretStore, name: vault}\n  registries:\n    ghcr: {server: ghcr.io, username: bot, remoteRef: {key: ci/ghcr, property: token}}\n  runnerClasses:\n    dind:\n      mode: dind\n      image: ghcr.io/actions/actions-runner:2.330.0\n      imagePullSecrets: [ghcr]\n      resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {cpu: \"2\", memory: 4Gi}}\n      dind: {image: \"docker:27.3.1-dind\", tls: true, resources: {requests: {cpu: 250m, memory: 512Mi}, limits: {cpu: \"2\", memory: 2Gi}}}\n    kube:\n      mode: kubernetes\n      image: ghcr.io/actions/actions-runner:2.330.0\n      resources: {requests: {cpu: 250m, memory: 512Mi}, limits: {cpu: \"1\", memory: 1Gi}}\n      workVolume: {storageClassName: standard, size: 15Gi}\n      workflowPod:\n        resources: {requests: {cpu: \"2\", memory: 4Gi}, limits: {cpu: \"4\", memory: 8Gi}}\n        caches: [{name: uv, mountPath: /mnt/cache/uv, hostPath: /var/cache/uv}]\n  runnerSets:\n",
    );
    let namespaces = sets.div_ceil(SETS_PER_NAMESPACE);
    for i in 0..sets {
        let ns = i % namespaces.max(1);
        let class = if i % 2 == 0 { "dind" } else { "kube" };
        let _ = writeln!(
            spec,
            "    - {{name: s{i:05}-runners, namespace: team-{ns:03}, githubConfigUrl: \"https://github.com/org-{ns:03}\", auth: {{githubApp: {{remoteKey: team-{ns:03}/app}}}}, class: {class}, minRunners: 1, maxRunners: {}}}",
            4 + i % 9
        );
    }
    spec.push_str("  namespaces:\n    arc-systems: {quota: auto}\n");
    for ns in 0..namespaces {
        let _ = writeln!(spec, "    team-{ns:03}: {{quota: auto}}");
    }
    spec
}

fn corpus(files: usize, out: &std::path::Path) -> Result<usize, String> {
    // About two files per set plus one per namespace.
    let sets = (files * SETS_PER_NAMESPACE / (2 * SETS_PER_NAMESPACE + 1)).max(1);
    let text = fleet_spec(sets);
    let spec =
        arcfleet_spec::load_spec(Arc::new(arcfleet_diag::SourceFile::new("fleet.yaml", text)))
            .map_err(|e| e.to_string())?;
    let fleet = arcfleet_spec::resolve(&spec, &Default::default()).map_err(|e| e.to_string())?;
    let manifests = arcfleet_render::render(&fleet).map_err(|e| e.to_string())?;
    let mut grouped: BTreeMap<String, String> = BTreeMap::new();
    for object in &manifests.objects {
        let name = object.name();
        let file = match (object.namespace(), name.split_once("-runners")) {
            (Some(ns), Some((set, _))) if name.starts_with('s') && ns.starts_with("team-") => {
                let kind = object.kind();
                let part = if kind.starts_with("Role") {
                    "rbac"
                } else {
                    "scale-set"
                };
                format!("{ns}/{set}-runners/{part}.yaml")
            }
            (Some(ns), _) => format!("{ns}/namespace.yaml"),
            (None, _) => "cluster.yaml".to_string(),
        };
        let yaml = object.to_yaml().map_err(|e| e.to_string())?;
        let body = grouped.entry(file).or_default();
        body.push_str("---\n");
        body.push_str(&yaml);
    }
    for (path, body) in &grouped {
        let target = out.join(path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&target, body).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    Ok(grouped.len())
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("fleet") => {
            let sets = flag(&args, "--sets")
                .and_then(|s| s.parse().ok())
                .unwrap_or(100);
            let spec = fleet_spec(sets);
            match flag(&args, "--out") {
                Some(path) => std::fs::write(&path, spec).map_err(|e| format!("{path}: {e}")),
                None => {
                    print!("{spec}");
                    Ok(())
                }
            }
        }
        Some("corpus") => {
            let files = flag(&args, "--files")
                .and_then(|s| s.parse().ok())
                .unwrap_or(1000);
            match flag(&args, "--out") {
                Some(out) => {
                    corpus(files, &PathBuf::from(out)).map(|n| eprintln!("wrote {n} files"))
                }
                None => Err("corpus needs --out DIR".into()),
            }
        }
        _ => Err(
            "usage: xtask fleet --sets N [--out FILE] | xtask corpus --files N --out DIR".into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::from(2)
        }
    }
}
