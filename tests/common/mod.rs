//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arcfleet_diag::SourceFile;
use arcfleet_render::Manifests;
use arcfleet_spec::{Fleet, ResolveOptions};

/// Runs the `arcfleet` binary from the repository root, without the environment variables that
/// change its defaults, colour off.
pub fn arcfleet(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_arcfleet"))
        .args(args)
        .current_dir(root())
        .env_remove("KUBE_VERSION")
        .env("NO_COLOR", "1")
        .output()
        .expect("arcfleet runs")
}

/// Program output as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the checkout, or `ARCFLEET_SHARED_DIR`.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("ARCFLEET_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared"))
}

/// `relative` inside the third-party reference material (`../shared`), or `None` with a note on
/// stderr when it is not there: a fresh clone has no `../shared`, and its tests must pass. With
/// `ARCFLEET_REQUIRE_SHARED` set (as `.ci/run` sets it) its absence fails the test instead.
#[track_caller]
pub fn shared(relative: &str) -> Option<PathBuf> {
    let path = shared_dir().join(relative);
    if path.exists() {
        return Some(path);
    }
    let caller = std::panic::Location::caller();
    if std::env::var_os("ARCFLEET_REQUIRE_SHARED").is_some() {
        panic!(
            "{}: required reference material is missing (ARCFLEET_REQUIRE_SHARED is set)",
            path.display()
        );
    }
    eprintln!(
        "skipped ({caller}): {} is not there; this test reads third-party reference material that is not part of the repository",
        path.display()
    );
    None
}

/// Checks a generated artefact committed at `relative` against what the code produces now;
/// `ARCFLEET_UPDATE=1` writes it instead.
#[track_caller]
pub fn check_artifact(relative: &str, expected: &str) {
    let path = root().join(relative);
    if std::env::var_os("ARCFLEET_UPDATE").is_some() {
        std::fs::write(&path, expected).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "{relative} is stale; run the test again with ARCFLEET_UPDATE=1"
    );
}

/// The bundled examples (folder names under `examples/`).
pub fn examples() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("examples"))
        .expect("examples/ exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("fleet.yaml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

pub fn fleet_from_text(name: &str, text: &str) -> Fleet {
    let spec = arcfleet_spec::load_spec(Arc::new(SourceFile::new(name, text)))
        .unwrap_or_else(|e| panic!("{name} does not load:\n{e}"));
    arcfleet_spec::resolve(&spec, &ResolveOptions::default())
        .unwrap_or_else(|e| panic!("{name} does not resolve:\n{e}"))
}

pub fn example_text(example: &str) -> String {
    std::fs::read_to_string(root().join("examples").join(example).join("fleet.yaml"))
        .expect("example fleet.yaml is readable")
}

pub fn render_text(name: &str, text: &str) -> Manifests {
    arcfleet_render::render(&fleet_from_text(name, text)).expect("renders")
}

pub fn render_example(example: &str) -> Manifests {
    render_text("fleet.yaml", &example_text(example))
}

/// Every YAML document of a file, as the JSON Kubernetes would read.
pub fn yaml_values(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    yaml_values_of(&path.display().to_string(), &text)
}

pub fn yaml_values_of(name: &str, text: &str) -> Vec<serde_json::Value> {
    let file = Arc::new(SourceFile::new(name, text));
    arcfleet_yaml::load(&file, &arcfleet_yaml::Limits::default())
        .unwrap_or_else(|e| panic!("{name}: {}", e.message))
        .iter()
        .map(|d| arcfleet_yaml::to_json(&d.root))
        .collect()
}
pub mod charts;
