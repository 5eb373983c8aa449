//! Random values for ARC's charts, rendered by real helm (`tests/integration/helm_cases.py`) and
//! by the chart emulation, compared case by case (`common::charts::compare`). Run by
//! `tests/integration/helm-differential.sh` (from `.ci/run`), which installs helm and points
//! `ARCFLEET_HELM_CASES` at the generated cases; without it there is nothing to compare.

mod common;

use common::charts::{Agreement, compare};

#[test]
#[ignore = "needs cases rendered by helm: run tests/integration/helm-differential.sh"]
fn random_values_render_like_helm() {
    let dir = std::path::PathBuf::from(
        std::env::var_os("ARCFLEET_HELM_CASES").expect("ARCFLEET_HELM_CASES names the cases"),
    );
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("the cases folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("hr.yaml").is_file())
        .collect();
    cases.sort();
    let mut disagreements = Vec::new();
    let (mut rendered, mut refused, mut needs_cluster) = (0, 0, 0);
    for case in &cases {
        let rc = std::fs::read_to_string(case.join("rc")).unwrap_or_default();
        let err = std::fs::read_to_string(case.join("err")).unwrap_or_default();
        match compare(
            &case.join("hr.yaml"),
            &case.join("render.yaml"),
            (rc.trim() != "0").then_some(err.as_str()),
        ) {
            Ok(Agreement::Rendered) => rendered += 1,
            Ok(Agreement::Refused) => refused += 1,
            Ok(Agreement::NeedsCluster) => needs_cluster += 1,
            Err(why) => disagreements.push(format!("{}: {why}", case.display())),
        }
    }
    println!(
        "helm differential: {} cases; {rendered} rendered and {refused} refused agree with helm; {needs_cluster} need a cluster; {} disagree",
        cases.len(),
        disagreements.len()
    );
    assert!(!cases.is_empty(), "no cases in {}", dir.display());
    assert!(
        disagreements.is_empty(),
        "{} case(s) disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n\n")
    );
}
