//! Where ARC publishes the CustomResourceDefinitions of each release.
//!
//! arcfleet carries no CRD text (it is ARC's, and it is large): it knows where each release's
//! chart keeps its CRDs, so the output can point at exactly the files of `controller.version`.
//! Facts read from ARC's repository (`git tag`, `git ls-tree` at each release tag):
//!
//! - each release of the scale-set charts is tagged `gha-runner-scale-set-<version>`, the
//!   controller chart's `version` and `appVersion` (`charts/gha-runner-scale-set-controller/
//!   Chart.yaml`);
//! - from 0.3.0 to 0.14.2 the controller chart keeps four CRDs in
//!   `charts/gha-runner-scale-set-controller/crds/`, one file each, named `<group>_<plural>.yaml`
//!   (0.2.0 has none there);
//! - every one of them is larger than the 256 KiB an object's annotations may hold (0.14.2:
//!   AutoscalingListener 609,587 bytes, AutoscalingRunnerSet 1,209,795, EphemeralRunner 575,160,
//!   EphemeralRunnerSet 607,515; 0.10.1: the smallest, 477,284), so a client-side apply, which
//!   stores the whole object in `kubectl.kubernetes.io/last-applied-configuration`, is refused:
//!   they must be applied server-side, as ARC's own `Makefile` does (`kubectl apply
//!   --server-side`).

use crate::Version;

/// The CRDs' API group.
pub const GROUP: &str = "actions.github.com";

/// The plural names of ARC's four CRDs, in the order of their file names.
pub const PLURALS: [&str; 4] = [
    "autoscalinglisteners",
    "autoscalingrunnersets",
    "ephemeralrunners",
    "ephemeralrunnersets",
];

/// ARC's GitHub repository.
pub const REPOSITORY: &str = "actions/actions-runner-controller";

/// The folder of the controller chart that holds the CRDs.
pub const CHART_CRDS_DIR: &str = "charts/gha-runner-scale-set-controller/crds";

/// Every release tagged `gha-runner-scale-set-<version>` whose controller chart has the four
/// CRDs in [`CHART_CRDS_DIR`] (ARC's tags up to commit `2ee6b3b8`, after 0.14.2).
pub const CRD_RELEASES: &[Version] = &[
    Version::new(0, 3, 0),
    Version::new(0, 4, 0),
    Version::new(0, 5, 0),
    Version::new(0, 6, 0),
    Version::new(0, 6, 1),
    Version::new(0, 7, 0),
    Version::new(0, 8, 0),
    Version::new(0, 8, 1),
    Version::new(0, 8, 2),
    Version::new(0, 8, 3),
    Version::new(0, 9, 0),
    Version::new(0, 9, 1),
    Version::new(0, 9, 2),
    Version::new(0, 9, 3),
    Version::new(0, 10, 0),
    Version::new(0, 10, 1),
    Version::new(0, 11, 0),
    Version::new(0, 12, 0),
    Version::new(0, 12, 1),
    Version::new(0, 13, 0),
    Version::new(0, 13, 1),
    Version::new(0, 14, 0),
    Version::new(0, 14, 1),
    Version::new(0, 14, 2),
];

/// A version arcfleet knows no CRDs of: not an ARC release, or one arcfleet predates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "ARC {0} has no release whose CRDs arcfleet knows (releases {first} to {last}, tagged gha-runner-scale-set-<version>)",
    first = CRD_RELEASES[0],
    last = CRD_RELEASES[CRD_RELEASES.len() - 1]
)]
pub struct UnknownRelease(pub Version);

/// The git tag of an ARC release of the scale-set charts.
pub fn release_tag(version: Version) -> String {
    format!("gha-runner-scale-set-{version}")
}

/// The URLs of the four CRD files of `version`'s controller chart, at its release tag, as
/// GitHub serves raw files; in [`PLURALS`] order.
pub fn crd_urls(version: Version) -> Result<Vec<String>, UnknownRelease> {
    if !CRD_RELEASES.contains(&version) {
        return Err(UnknownRelease(version));
    }
    let tag = release_tag(version);
    Ok(PLURALS
        .iter()
        .map(|plural| {
            format!(
                "https://raw.githubusercontent.com/{REPOSITORY}/{tag}/{CHART_CRDS_DIR}/{GROUP}_{plural}.yaml"
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_the_release_tag_and_the_chart_files() {
        let urls = crd_urls(Version::new(0, 14, 2)).unwrap();
        assert_eq!(
            urls[1],
            "https://raw.githubusercontent.com/actions/actions-runner-controller/gha-runner-scale-set-0.14.2/charts/gha-runner-scale-set-controller/crds/actions.github.com_autoscalingrunnersets.yaml"
        );
        assert_eq!(urls.len(), 4);
    }

    #[test]
    fn every_release_arcfleet_knows_the_charts_of_has_crds() {
        for release in crate::KNOWN_RELEASES {
            assert!(CRD_RELEASES.contains(release), "{release}");
        }
        assert!(CRD_RELEASES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn unreleased_versions_are_refused() {
        for version in [
            Version::new(0, 14, 3),
            Version::new(0, 2, 0),
            Version::new(1, 0, 0),
        ] {
            let err = crd_urls(version).unwrap_err();
            assert_eq!(err, UnknownRelease(version));
            assert!(err.to_string().contains("0.3.0 to 0.14.2"), "{err}");
        }
    }
}
