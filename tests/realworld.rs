//! The real-world corpus in `../shared/realworld` (public configurations of ARC users, most of
//! them Helm values or Flux HelmReleases): every repository's files are validated together, as
//! their owner would run arcfleet. Nothing may crash, every file must be read, and the defects
//! the corpus README lists must be found, each in the file it names.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use arcfleet_validate::{Options, input};

/// `owner__repo` → its files.
fn repositories() -> BTreeMap<String, Vec<PathBuf>> {
    let dir = common::shared_dir().join("realworld");
    let mut repos: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("../shared/realworld exists") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "README.md" {
            continue;
        }
        let repo = name.splitn(3, "__").take(2).collect::<Vec<_>>().join("__");
        repos.entry(repo).or_default().push(path);
    }
    repos.values_mut().for_each(|files| files.sort());
    repos
}

/// (repository, rule, a fragment of the file name, a fragment of the message) per README defect.
const EXPECTED: &[(&str, &str, &str, &str)] = &[
    // 1, 2: privileged dind on the floating docker:dind, no activeDeadlineSeconds.
    (
        "onedr0p__home-ops",
        "image-pinning",
        "runners__helmrelease",
        "`docker:dind`",
    ),
    (
        "onedr0p__home-ops",
        "active-deadline",
        "runners__helmrelease",
        "activeDeadlineSeconds",
    ),
    (
        "joryirving__home-ops",
        "image-pinning",
        "runners__helmrelease",
        "`docker:dind`",
    ),
    // 3: Kubernetes mode without a hook template, jobs in the runner pod, custom SA without hook RBAC.
    (
        "bykaj__home-ops",
        "kube-mode-wiring",
        "helmrelease",
        "no ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE",
    ),
    (
        "bykaj__home-ops",
        "kube-mode-wiring",
        "helmrelease",
        "ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER is false",
    ),
    (
        "bykaj__home-ops",
        "kube-mode-wiring",
        "helmrelease",
        "runner ServiceAccount `home-ops-runner` lacks",
    ),
    // 5, 6: controller chart 0.13.1 against scale-set chart 0.9.3; :latest runner; no hook template.
    (
        "Smana__cloud-native-ref",
        "version-skew",
        "default-scale-set-helmrelease",
        "0.9.3 differs from the controller's 0.13.1",
    ),
    (
        "Smana__cloud-native-ref",
        "image-pinning",
        "default-scale-set-helmrelease",
        "actions-runner:latest",
    ),
    (
        "Smana__cloud-native-ref",
        "kube-mode-wiring",
        "default-scale-set-helmrelease",
        "no ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE",
    ),
    // 9, 10: floating dind, no activeDeadlineSeconds; 11: deprecated ExternalSecret API.
    (
        "cncf__automation",
        "image-pinning",
        "cncf-c-ubuntu-2-8-x86",
        "docker.io/library/docker:dind",
    ),
    (
        "cncf__automation",
        "active-deadline",
        "cncf-c-ubuntu-2-8-x86",
        "activeDeadlineSeconds",
    ),
    (
        "cncf__automation",
        "active-deadline",
        "gpu-a10-1",
        "activeDeadlineSeconds",
    ),
    (
        "cncf__automation",
        "schema",
        "github-arc-secret",
        "external-secrets.io/v1beta1 ExternalSecret is deprecated",
    ),
    // 14, 16: :latest and untagged images.
    (
        "llvm__llvm-zorg",
        "image-pinning",
        "linux_runners_values",
        "actions-runner:latest",
    ),
    (
        "llvm__llvm-zorg",
        "image-pinning",
        "windows_2022_runner_values",
        "`ghcr.io/llvm/ci-windows-2022`",
    ),
    // 17: maxRunners omitted (unbounded), :latest.
    (
        "pytorch__ci-infra",
        "runner-bounds",
        "runner.yaml.tpl",
        "maxRunners is not set",
    ),
    (
        "pytorch__ci-infra",
        "image-pinning",
        "runner.yaml.tpl",
        "actions-runner:latest",
    ),
    // 21: `storage` indented one level too shallow: the claim has no size.
    (
        "shutthegoatup__homelab",
        "schema",
        "values-arc-set",
        "volumeClaimTemplate.spec.resources.storage` is not a field",
    ),
    (
        "shutthegoatup__homelab",
        "kube-mode-wiring",
        "values-arc-set",
        "has no resources.requests.storage",
    ),
    (
        "shutthegoatup__homelab",
        "image-pinning",
        "values-arc-set",
        "actions-runner:latest",
    ),
    // 26: a PAT committed in values, :latest.
    (
        "jamesbrink__nixos",
        "plaintext-secret",
        "values-s",
        "github_token",
    ),
    (
        "jamesbrink__nixos",
        "image-pinning",
        "values-s",
        "github-runner-full:latest",
    ),
];

#[test]
fn realworld_repositories_are_read_and_their_defects_found() {
    let repos = repositories();
    assert!(repos.len() >= 9, "{repos:?}");
    let mut found: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (repo, files) in &repos {
        let sources = input::read(files, &Default::default()).expect("readable");
        let report = arcfleet_validate::validate(sources, &Options::default());
        assert!(
            !report.has_unreadable_input(),
            "{repo}: {:#?}",
            report.diagnostics
        );
        found.insert(
            repo.as_str(),
            report
                .diagnostics
                .iter()
                .map(|d| format!("{} {} {}", d.rule, d.file.name(), d.message))
                .collect(),
        );
    }
    let mut missing = Vec::new();
    for (repo, rule, file, message) in EXPECTED {
        let hit =
            found.get(repo).into_iter().flatten().any(|f| {
                f.starts_with(&format!("{rule} ")) && f.contains(file) && f.contains(message)
            });
        if !hit {
            missing.push(format!("{repo}: {rule} in *{file}*: {message}"));
        }
    }
    assert!(
        missing.is_empty(),
        "defects not found:\n{}\n\nfindings:\n{found:#?}",
        missing.join("\n")
    );
}

#[test]
fn the_whole_corpus_at_once_does_not_crash() {
    let files = input::collect(&[common::shared_dir().join("realworld")]).unwrap();
    let report = arcfleet_validate::validate(
        input::read(&files, &Default::default()).unwrap(),
        &Options::default(),
    );
    assert!(report.files >= 15);
    assert!(report.skipped > 0, "plain values are not objects");
}
