//! The chart emulation against the charts themselves: every case of ARC 0.14.2's chart test
//! suite (`../shared/reference/arc-0.14.2/chart-tests`, rendered by real helm) is validated
//! twice, once as Helm values (the case's Flux HelmRelease, rendered by the emulation) and once
//! as helm's render of the same values (`common::charts::compare`):
//!
//! - where helm renders, the objects the emulation builds equal helm's (the `values-hash`
//!   annotation, a hash of Go's JSON of the values, and empty metadata maps aside), and the
//!   findings on both paths are the same;
//! - where helm refuses the values, the values path has a `chart-values` error quoting the
//!   chart's message.

mod common;

use common::charts::{Agreement, compare};

#[test]
fn every_chart_test_case_agrees_with_helm() {
    let Some(dir) = common::shared("reference/arc-0.14.2/chart-tests") else {
        return;
    };
    let tsv = std::fs::read_to_string(dir.join("cases.tsv")).expect("cases.tsv");
    let mut disagreements = Vec::new();
    let (mut rendered, mut refused, mut needs_cluster) = (0, 0, 0);
    for id in tsv
        .lines()
        .filter_map(|l| l.split('\t').next())
        .filter(|id| !id.is_empty())
    {
        let rc = std::fs::read_to_string(dir.join(format!("renders/{id}.rc"))).unwrap_or_default();
        let err =
            std::fs::read_to_string(dir.join(format!("renders/{id}.err"))).unwrap_or_default();
        let result = compare(
            &dir.join(format!("hr/{id}.yaml")),
            &dir.join(format!("renders/{id}.yaml")),
            (rc.trim() != "0").then_some(err.as_str()),
        );
        match result {
            Ok(Agreement::Rendered) => rendered += 1,
            Ok(Agreement::Refused) => refused += 1,
            Ok(Agreement::NeedsCluster) => needs_cluster += 1,
            Err(why) => disagreements.push(format!("{id}: {why}")),
        }
    }
    eprintln!(
        "chart conformance: {rendered} rendered and {refused} refused cases agree with helm; {needs_cluster} need a cluster; {} disagree",
        disagreements.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} case(s) disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n\n")
    );
    // The suite's default values render cleanly; `ss__chart_default_nocsa` needs a cluster.
    assert_eq!(needs_cluster, 1);
    assert!(rendered >= 40 && refused >= 10, "{rendered} {refused}");
}
