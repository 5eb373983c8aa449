//! ARC and Kubernetes version numbers, and what each ARC version can do.

use std::fmt;
use std::str::FromStr;

/// A plain `MAJOR.MINOR.PATCH` version, as ARC's controller compares them (no `v`, no suffix).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Major.
    pub major: u64,
    /// Minor.
    pub minor: u64,
    /// Patch.
    pub patch: u64,
}

impl Version {
    /// A version from its parts.
    pub const fn new(major: u64, minor: u64, patch: u64) -> Self {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// Whether this controller accepts `--update-strategy`: added by ARC PR #2569 (May 2023,
    /// first released in 0.5.0), removed after 0.14.2 (PR #4516); an unknown flag makes the
    /// controller exit.
    pub fn has_update_strategy_flag(&self) -> bool {
        *self >= Version::new(0, 5, 0) && *self < Version::new(0, 15, 0)
    }

    /// Whether the AutoscalingRunnerSet CRD of this version has `runnerScaleSetLabels` and the
    /// `*Metadata` fields (`autoscalingListener`, `ephemeralRunnerMetadata`, ...): 0.14.0.
    pub fn has_scale_set_labels(&self) -> bool {
        *self >= Version::new(0, 14, 0)
    }

    /// Whether the CRD has `listenerMetrics` (0.11.0).
    pub fn has_listener_metrics(&self) -> bool {
        *self >= Version::new(0, 11, 0)
    }

    /// Whether the CRD has `vaultConfig` (0.12.0).
    pub fn has_vault_config(&self) -> bool {
        *self >= Version::new(0, 12, 0)
    }

    /// Whether a runner pod refused by a ResourceQuota is retried (ARC PR #4305, 0.13.1) rather
    /// than marking its EphemeralRunner failed for good.
    pub fn retries_quota_refusals(&self) -> bool {
        *self >= Version::new(0, 13, 1)
    }

    /// What a controller of this build version does with a scale set labelled `label`
    /// (`apis/actions.github.com/v1alpha1/version.go:IsVersionAllowed`): since 0.12.0 (PR #4080)
    /// only major.minor must match; before, the strings had to be equal.
    pub fn judge_scale_set(&self, label: Version) -> SkewVerdict {
        if label == *self {
            SkewVerdict::Same
        } else if (label.major, label.minor) != (self.major, self.minor)
            || *self < Version::new(0, 12, 0)
        {
            SkewVerdict::Deleted
        } else {
            SkewVerdict::PatchDiffers
        }
    }
}

/// What a controller does with a scale set of another version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkewVerdict {
    /// The versions are equal.
    Same,
    /// Only the patch level differs; tolerated.
    PatchDiffers,
    /// The controller deletes the scale set.
    Deleted,
}

/// ARC releases whose charts arcfleet knows (`../shared/reference/arc-versions` and 0.14.2); the
/// chart emulation follows 0.14.2.
pub const KNOWN_RELEASES: &[Version] = &[
    Version::new(0, 10, 1),
    Version::new(0, 11, 0),
    Version::new(0, 12, 1),
    Version::new(0, 13, 1),
    Version::new(0, 14, 2),
];

/// The release whose charts the chart emulation reproduces.
pub const CHART_RELEASE: Version = Version::new(0, 14, 2);

/// Why a string is not a plain version.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a plain MAJOR.MINOR.PATCH version such as 0.14.2 (ARC deletes scale sets whose version label it cannot parse)"
)]
pub struct VersionError(pub String);

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || VersionError(s.to_owned());
        let mut parts = s.split('.');
        let mut next = || -> Result<u64, VersionError> {
            let part = parts.next().ok_or_else(err)?;
            if part.is_empty()
                || !part.bytes().all(|b| b.is_ascii_digit())
                || (part.len() > 1 && part.starts_with('0'))
            {
                return Err(err());
            }
            part.parse().map_err(|_| err())
        };
        let version = Version::new(next()?, next()?, next()?);
        if parts.next().is_some() {
            return Err(err());
        }
        Ok(version)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// A Kubernetes `1.N` version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KubeVersion {
    /// The minor number (`31` for 1.31).
    pub minor: u32,
}

impl KubeVersion {
    /// Whether init containers may be native sidecars (`restartPolicy: Always`), 1.29 and later.
    pub fn has_native_sidecars(&self) -> bool {
        self.minor >= 29
    }
}

impl FromStr for KubeVersion {
    type Err = String;

    /// Accepts `1.31`, `v1.31`, `1.31.2` and `v1.31.2-eks-1234` (Argo CD's `KUBE_VERSION`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || format!("`{s}` is not a Kubernetes version such as 1.31");
        let trimmed = s.trim().trim_start_matches('v');
        let mut parts = trimmed.split(['.', '-', '+']);
        if parts.next() != Some("1") {
            return Err(err());
        }
        let minor = parts
            .next()
            .and_then(|m| m.parse::<u32>().ok())
            .ok_or_else(err)?;
        Ok(KubeVersion { minor })
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}", self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_versions_only() {
        assert_eq!("0.14.2".parse(), Ok(Version::new(0, 14, 2)));
        for bad in [
            "v0.14.2",
            "0.14",
            "0.14.2-rc1",
            "0.014.2",
            "latest",
            "",
            "0.14.2.1",
        ] {
            assert!(bad.parse::<Version>().is_err(), "{bad}");
        }
    }

    #[test]
    fn update_strategy_flag_window() {
        assert!(Version::new(0, 14, 2).has_update_strategy_flag());
        assert!(Version::new(0, 5, 0).has_update_strategy_flag());
        assert!(!Version::new(0, 4, 0).has_update_strategy_flag());
        assert!(!Version::new(0, 15, 0).has_update_strategy_flag());
    }

    #[test]
    fn skew_verdicts_follow_is_version_allowed() {
        let controller = Version::new(0, 14, 2);
        assert_eq!(
            controller.judge_scale_set(Version::new(0, 14, 2)),
            SkewVerdict::Same
        );
        assert_eq!(
            controller.judge_scale_set(Version::new(0, 14, 1)),
            SkewVerdict::PatchDiffers
        );
        assert_eq!(
            controller.judge_scale_set(Version::new(0, 13, 1)),
            SkewVerdict::Deleted
        );
        // Before 0.12.0 the controller compared the strings.
        assert_eq!(
            Version::new(0, 11, 0).judge_scale_set(Version::new(0, 11, 1)),
            SkewVerdict::Deleted
        );
    }

    #[test]
    fn kube_versions() {
        assert_eq!("1.31".parse::<KubeVersion>().map(|v| v.minor), Ok(31));
        assert_eq!(
            "v1.28.3-eks-4f4795d"
                .parse::<KubeVersion>()
                .map(|v| v.minor),
            Ok(28)
        );
        assert!("2.1".parse::<KubeVersion>().is_err());
        assert!("1.x".parse::<KubeVersion>().is_err());
        assert!(
            "1.29"
                .parse::<KubeVersion>()
                .is_ok_and(|v| v.has_native_sidecars())
        );
        assert!(
            !"1.28"
                .parse::<KubeVersion>()
                .is_ok_and(|v| v.has_native_sidecars())
        );
    }
}
