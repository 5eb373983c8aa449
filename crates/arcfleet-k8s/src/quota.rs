//! ResourceQuota arithmetic shared by the generator's spec check and the validator's rules: which
//! resource names the API server accepts in `spec.hard`, how much room a scale set keeps beyond
//! `maxRunners`, and whether a quota holds the pods of its namespace.

use crate::{PodUsage, Quantity};

/// Resource names a quota may limit without a `/` (Kubernetes
/// `pkg/apis/core/helper/helpers.go:standardQuotaResources`).
const STANDARD_QUOTA_RESOURCES: &[&str] = &[
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.storage",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "services.nodeports",
    "services.loadbalancers",
];

/// Whether the API server accepts `name` as a key of a ResourceQuota's `spec.hard`
/// (`pkg/apis/core/validation/validation.go:validateResourceQuotaResourceName`): a standard
/// quota resource, a huge-page resource, or a qualified name with a `/` (extended resources such
/// as `requests.nvidia.com/gpu`, `count/jobs.batch`, storage-class limits).
///
/// ```
/// use arcfleet_k8s::is_quota_resource_name;
/// assert!(is_quota_resource_name("requests.cpu"));
/// assert!(is_quota_resource_name("requests.nvidia.com/gpu"));
/// assert!(is_quota_resource_name("requests.hugepages-2Mi"));
/// assert!(!is_quota_resource_name("requests.cpus"));
/// ```
pub fn is_quota_resource_name(name: &str) -> bool {
    if name.contains('/') {
        return !name.starts_with('/') && !name.ends_with('/');
    }
    STANDARD_QUOTA_RESOURCES.contains(&name)
        || name.starts_with("hugepages-")
        || name.starts_with("requests.hugepages-")
}

/// The standard quota resource names, for suggestions.
pub fn standard_quota_resources() -> &'static [&'static str] {
    STANDARD_QUOTA_RESOURCES
}

/// Spare runner pods a quota must hold beyond a set's `maxRunners`:
/// `max(minimum, ceil(maxRunners / divisor))`, so that runners being replaced (a terminating pod
/// beside its successor) never push the set over its quota.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Headroom {
    /// Pods at least.
    pub minimum: u32,
    /// One spare pod per this many runners.
    pub divisor: u32,
}

impl Default for Headroom {
    fn default() -> Self {
        Headroom {
            minimum: 1,
            divisor: 4,
        }
    }
}

impl Headroom {
    /// Spare pods for a set of `max_runners`.
    ///
    /// ```
    /// use arcfleet_k8s::Headroom;
    /// let h = Headroom::default();
    /// assert_eq!((h.pods(0), h.pods(12), h.pods(13)), (1, 3, 4));
    /// ```
    pub fn pods(&self, max_runners: u32) -> u32 {
        max_runners.div_ceil(self.divisor.max(1)).max(self.minimum)
    }
}

/// Default spare room for a scale set: [`Headroom::default`].
///
/// ```
/// assert_eq!(arcfleet_k8s::default_headroom(12), 3);
/// ```
pub fn default_headroom(max_runners: u32) -> u32 {
    Headroom::default().pods(max_runners)
}

/// One kind of pod a namespace holds, and how many of them.
#[derive(Clone, Debug)]
pub struct PodCount {
    /// "runner pod of `x`", "controller pod", … (for messages).
    pub what: String,
    /// What one such pod counts against a quota.
    pub usage: PodUsage,
    /// Pods when every set runs at `maxRunners`.
    pub at_max: u64,
    /// Pods at `maxRunners` plus headroom.
    pub with_headroom: u64,
}

/// Whether a quota's limit on one resource holds the namespace's pods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuotaFit {
    /// Holds every pod with headroom.
    Fits,
    /// Holds the pods at `maxRunners`, not the headroom: replacements are refused for a while.
    ShortOfHeadroom {
        /// What the pods need with headroom.
        needed: Quantity,
    },
    /// Cannot hold the pods at `maxRunners`.
    ShortAtMax {
        /// What the pods need at `maxRunners`.
        at_max: Quantity,
        /// What they need with headroom.
        needed: Quantity,
    },
}

/// Every pod a namespace's quota must hold.
#[derive(Clone, Debug, Default)]
pub struct NamespaceDemand {
    /// The kinds of pods.
    pub pods: Vec<PodCount>,
}

impl NamespaceDemand {
    /// Adds a kind of pod.
    pub fn add(&mut self, what: String, usage: PodUsage, at_max: u64, with_headroom: u64) {
        self.pods.push(PodCount {
            what,
            usage,
            at_max,
            with_headroom,
        });
    }

    /// Usage of `resource` at `maxRunners` and with headroom.
    pub fn totals(&self, resource: &str) -> (Quantity, Quantity) {
        let mut at_max = Quantity::zero();
        let mut with_headroom = Quantity::zero();
        for pod in &self.pods {
            let Some(per_pod) = pod.usage.0.get(resource) else {
                continue;
            };
            let times = |n: u64| {
                per_pod
                    .checked_mul(i64::try_from(n).unwrap_or(i64::MAX))
                    .unwrap_or_else(Quantity::zero)
            };
            at_max = at_max.checked_add(&times(pod.at_max)).unwrap_or(at_max);
            with_headroom = with_headroom
                .checked_add(&times(pod.with_headroom))
                .unwrap_or(with_headroom);
        }
        (at_max, with_headroom)
    }

    /// Whether `limit` on `resource` holds the pods.
    pub fn fit(&self, resource: &str, limit: &Quantity) -> QuotaFit {
        let (at_max, with_headroom) = self.totals(resource);
        let needed = with_headroom.canonical_for(resource);
        if at_max > *limit {
            QuotaFit::ShortAtMax {
                at_max: at_max.canonical_for(resource),
                needed,
            }
        } else if with_headroom > *limit {
            QuotaFit::ShortOfHeadroom { needed }
        } else {
            QuotaFit::Fits
        }
    }

    /// "15 × runner pod of `a` + 1 × controller pod": the pods that use `resource`.
    pub fn breakdown(&self, resource: &str) -> String {
        self.pods
            .iter()
            .filter(|p| p.usage.0.contains_key(resource))
            .map(|p| format!("{} × {}", p.with_headroom, p.what))
            .collect::<Vec<_>>()
            .join(" + ")
    }

    /// Every resource name some pod uses.
    pub fn resources(&self) -> std::collections::BTreeSet<String> {
        self.pods
            .iter()
            .flat_map(|p| p.usage.0.keys().cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ContainerKind, ContainerResources, pod_usage};

    fn usage(cpu: &str) -> PodUsage {
        pod_usage(&[(
            ContainerKind::Regular,
            ContainerResources {
                requests: [("cpu".to_string(), cpu.parse().unwrap())].into(),
                limits: Default::default(),
            },
        )])
    }

    #[test]
    fn fit_distinguishes_max_from_headroom() {
        let mut demand = NamespaceDemand::default();
        demand.add("runner pod of `a`".into(), usage("1"), 4, 5);
        let q = |s: &str| s.parse::<Quantity>().unwrap();
        assert_eq!(demand.fit("requests.cpu", &q("5")), QuotaFit::Fits);
        assert_eq!(
            demand.fit("requests.cpu", &q("4")),
            QuotaFit::ShortOfHeadroom { needed: q("5") }
        );
        assert!(matches!(
            demand.fit("requests.cpu", &q("3")),
            QuotaFit::ShortAtMax { .. }
        ));
        assert_eq!(
            demand.fit("pods", &q("4")),
            QuotaFit::ShortOfHeadroom { needed: q("5") }
        );
        assert_eq!(demand.breakdown("requests.cpu"), "5 × runner pod of `a`");
        assert_eq!(demand.fit("limits.cpu", &q("0")), QuotaFit::Fits);
    }

    #[test]
    fn quota_names_as_the_api_server_accepts_them() {
        for good in [
            "pods",
            "requests.cpu",
            "limits.memory",
            "count/jobs.batch",
            "gold.storageclass.storage.k8s.io/requests.storage",
            "hugepages-1Gi",
        ] {
            assert!(is_quota_resource_name(good), "{good}");
        }
        for bad in [
            "requests.cpus",
            "cpus",
            "limits.gpu",
            "requests.nvidia",
            "memroy",
        ] {
            assert!(!is_quota_resource_name(bad), "{bad}");
        }
    }
}
