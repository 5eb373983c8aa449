//! Rule tests: every rule runs over its fixtures in `src/rules/<module>/` and over the rendered
//! fleets of `testdata/`.
//!
//! - `fires-<case>.yaml` (or a folder `fires-<case>/` of files validated together) must give
//!   findings of the rule; their human report, carets and all, is the snapshot
//!   `<module>/snapshots/<case>.snap` (`INSTA_UPDATE=always` or `cargo insta review` to accept a
//!   change).
//! - `quiet-<case>.yaml` (or a folder) must give no error or warning of the rule; notes (what
//!   could not be checked) are allowed.
//!
//! Fixtures are written here; those modelled on a public repository name it, its path and the
//! commit in a comment, and keep only what the case needs.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arcfleet_diag::{Severity, SourceFile};

use crate::{Options, Policy};

/// The rendered DinD fleet (socket and TLS variants, explicit quota at exactly its limit).
pub(crate) const GOOD_DIND: &str = include_str!("testdata/good-dind.yaml");
/// The rendered Kubernetes-mode fleet (worker podspec, auto quotas incl. the controller's).
pub(crate) const GOOD_KUBE: &str = include_str!("testdata/good-kube.yaml");

/// The files of a fixture (a file, or every file of a folder), named relative to `base`.
fn fixture_sources(base: &Path, path: &Path) -> Vec<Arc<SourceFile>> {
    let mut files: Vec<PathBuf> = if path.is_dir() {
        let mut stack = vec![path.to_path_buf()];
        let mut found = Vec::new();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let p = entry.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    found.push(p);
                }
            }
        }
        found
    } else {
        vec![path.to_path_buf()]
    };
    files.sort();
    files
        .iter()
        .map(|p| {
            let name = p.strip_prefix(base).unwrap_or(p).display().to_string();
            let text =
                std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            Arc::new(SourceFile::new(name, text))
        })
        .collect()
}

/// Rule `id` alone over `sources`.
fn findings_of(id: &str, sources: Vec<Arc<SourceFile>>) -> Vec<arcfleet_diag::Diagnostic> {
    let mut policy = Policy::default();
    for (rule, level) in policy.rules.iter_mut() {
        if rule != id {
            *level = crate::Level::Off;
        }
    }
    let options = Options {
        policy,
        schemas: None,
    };
    crate::validate(sources, &options)
        .diagnostics
        .into_iter()
        .filter(|d| d.rule == id)
        .collect()
}

/// Runs rule `id` over its fixtures in `src/rules/<module>/` (see the module doc).
#[track_caller]
pub(crate) fn fixtures(id: &str, module: &str) {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/rules")
        .join(module);
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&base)
        .unwrap_or_else(|e| panic!("{}: {e}", base.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    let mut problems = Vec::new();
    let mut fired = 0;
    for path in &entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let case = name.trim_end_matches(".yaml").to_string();
        let found = findings_of(id, fixture_sources(&base, path));
        if let Some(case) = case.strip_prefix("fires-") {
            fired += 1;
            if found.iter().all(|d| d.severity == Severity::Note) {
                problems.push(format!("{name}: `{id}` found nothing"));
                continue;
            }
            let report = arcfleet_report::human(&found, false);
            insta::with_settings!({
                snapshot_path => base.join("snapshots"),
                prepend_module_to_snapshot => false,
                omit_expression => true,
                description => format!("`{id}` on {name}"),
            }, {
                insta::assert_snapshot!(case.to_string(), report);
            });
        } else if name.starts_with("quiet-") {
            let loud: Vec<String> = found
                .iter()
                .filter(|d| d.severity != Severity::Note)
                .map(|d| {
                    let (l, c) = d.line_col();
                    format!("{}:{l}:{c}: {}", d.file.name(), d.message)
                })
                .collect();
            if !loud.is_empty() {
                problems.push(format!("{name}: `{id}` fired:\n  {}", loud.join("\n  ")));
            }
        }
    }
    for (name, text) in [("good-dind.yaml", GOOD_DIND), ("good-kube.yaml", GOOD_KUBE)] {
        let loud: Vec<String> = findings_of(id, vec![Arc::new(SourceFile::new(name, text))])
            .iter()
            .filter(|d| d.severity != Severity::Note)
            .map(|d| d.message.clone())
            .collect();
        if !loud.is_empty() {
            problems.push(format!("testdata/{name}: `{id}` fired: {loud:?}"));
        }
    }
    assert!(fired > 0, "no fires-* fixture in {}", base.display());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Findings of rule `id` alone under `policy` (for what a fixture cannot carry: policy settings),
/// as `file:line:col: severity: message` lines.
pub(crate) fn run_with(id: &str, files: &[(&str, &str)], mut policy: Policy) -> Vec<String> {
    for (rule, level) in policy.rules.iter_mut() {
        if rule != id {
            *level = crate::Level::Off;
        }
    }
    let sources = files
        .iter()
        .map(|(name, text)| Arc::new(SourceFile::new(*name, *text)))
        .collect();
    let options = Options {
        policy,
        schemas: None,
    };
    crate::validate(sources, &options)
        .diagnostics
        .iter()
        .filter(|d| d.rule == id)
        .map(|d| {
            let (line, col) = d.line_col();
            format!(
                "{}:{line}:{col}: {}: {}",
                d.file.name(),
                d.severity,
                d.message
            )
        })
        .collect()
}
