//! Helpers for rule tests: run one rule over in-memory files, get `file:line:col: …` lines.

use std::sync::Arc;

use arcfleet_diag::SourceFile;

use crate::{Options, Policy};

/// The rendered DinD fleet (socket and TLS variants, explicit quota at exactly its limit).
pub(crate) const GOOD_DIND: &str = include_str!("testdata/good-dind.yaml");
/// The rendered Kubernetes-mode fleet (worker podspec, auto quotas incl. the controller's).
pub(crate) const GOOD_KUBE: &str = include_str!("testdata/good-kube.yaml");

/// Findings of rule `id` alone, as `file:line:col: severity: message` lines.
pub(crate) fn run(id: &str, files: &[(&str, &str)]) -> Vec<String> {
    run_with(id, files, Policy::default())
}

/// Like [`run`] with a policy.
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

/// Replaces exactly one occurrence of `from` (panics when it is not there exactly once, so a
/// test can never silently stop testing what it says).
pub(crate) fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` must occur exactly once"
    );
    text.replacen(from, to, 1)
}

/// Asserts one finding at `location` (`line:col`) whose message contains `needle`.
#[track_caller]
pub(crate) fn assert_one(findings: &[String], location: &str, needle: &str) {
    assert_eq!(findings.len(), 1, "{findings:#?}");
    if !location.is_empty() {
        assert!(
            findings[0].contains(&format!(":{location}: ")),
            "{findings:#?}"
        );
    }
    assert!(findings[0].contains(needle), "{findings:#?}");
}
