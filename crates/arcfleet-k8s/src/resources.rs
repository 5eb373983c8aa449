//! What a pod costs a ResourceQuota, and how much room a scale set needs.

use std::collections::BTreeMap;

use crate::Quantity;

/// Resource name → quantity, as in a container's `requests` or `limits`.
pub type ResourceList = BTreeMap<String, Quantity>;

/// How a container takes part in a pod's life (it decides how its resources add up).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerKind {
    /// An init container that runs to completion before the next one starts.
    Init,
    /// A native sidecar: an init container with `restartPolicy: Always`; it keeps running.
    Sidecar,
    /// A regular container.
    Regular,
}

/// One container's resources.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContainerResources {
    /// `resources.requests`.
    pub requests: ResourceList,
    /// `resources.limits`.
    pub limits: ResourceList,
}

impl ContainerResources {
    /// The requests the API server ends up with: a limit without a request defaults the request.
    pub fn effective_requests(&self) -> ResourceList {
        let mut requests = self.requests.clone();
        for (name, limit) in &self.limits {
            requests
                .entry(name.clone())
                .or_insert_with(|| limit.clone());
        }
        requests
    }
}

/// What the LimitRanges of a namespace give a container that leaves a resource unset (items of
/// `type: Container`), as the LimitRanger admission applies them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContainerDefaults {
    /// Requests for resources the container does not request.
    pub requests: ResourceList,
    /// Limits for resources the container does not limit.
    pub limits: ResourceList,
}

impl ContainerDefaults {
    /// Adds one `type: Container` item of a LimitRange, after the API server's defaulting of it
    /// (`SetDefaults_LimitRangeItem`): a missing `default` is `max`, a missing `defaultRequest`
    /// is `default`, then `min`. An earlier LimitRange's default wins.
    pub fn add_item(
        &mut self,
        default: &ResourceList,
        default_request: &ResourceList,
        max: &ResourceList,
        min: &ResourceList,
    ) {
        let mut limits = default.clone();
        for (name, q) in max {
            limits.entry(name.clone()).or_insert_with(|| q.clone());
        }
        let mut requests = default_request.clone();
        for (name, q) in limits.iter().chain(min) {
            requests.entry(name.clone()).or_insert_with(|| q.clone());
        }
        for (name, q) in limits {
            self.limits.entry(name).or_insert(q);
        }
        for (name, q) in requests {
            self.requests.entry(name).or_insert(q);
        }
    }
}

impl ContainerResources {
    /// The resources once a namespace's LimitRange defaults are applied. A limit the container
    /// sets has already made it the request (pod defaulting runs before admission), so a default
    /// request only fills a resource the container neither requests nor limits.
    pub fn with_defaults(&self, defaults: &ContainerDefaults) -> ContainerResources {
        let mut out = self.clone();
        for (name, q) in &defaults.requests {
            if !self.requests.contains_key(name) && !self.limits.contains_key(name) {
                out.requests.insert(name.clone(), q.clone());
            }
        }
        for (name, q) in &defaults.limits {
            out.limits.entry(name.clone()).or_insert_with(|| q.clone());
        }
        out
    }
}

/// What one pod counts against a ResourceQuota, keyed by quota resource name
/// (`pods`, `requests.cpu`, `limits.memory`, `requests.nvidia.com/gpu`, ...).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodUsage(pub ResourceList);

/// The usage of one pod made of `containers`, as the quota admission computes it: regular
/// containers and sidecars add up; a run-to-completion init container only needs to fit beside
/// the sidecars started before it; the pod needs the larger of the two.
///
/// ```
/// use arcfleet_k8s::{pod_usage, ContainerKind, ContainerResources, Quantity};
/// let res = |cpu: &str| ContainerResources {
///     requests: [("cpu".to_string(), cpu.parse::<Quantity>().unwrap())].into(),
///     limits: Default::default(),
/// };
/// let usage = pod_usage(&[
///     (ContainerKind::Init, res("250m")),
///     (ContainerKind::Sidecar, res("100m")),
///     (ContainerKind::Regular, res("250m")),
/// ]);
/// assert_eq!(usage.0["requests.cpu"], "350m".parse().unwrap());
/// assert_eq!(usage.0["pods"], "1".parse().unwrap());
/// ```
pub fn pod_usage(containers: &[(ContainerKind, ContainerResources)]) -> PodUsage {
    let requests: Vec<(ContainerKind, ResourceList)> = containers
        .iter()
        .map(|(kind, r)| (*kind, r.effective_requests()))
        .collect();
    let limits: Vec<(ContainerKind, ResourceList)> = containers
        .iter()
        .map(|(kind, r)| (*kind, r.limits.clone()))
        .collect();
    let mut usage = ResourceList::new();
    usage.insert("pods".into(), Quantity::from_units(1));
    for (name, quantity) in effective_total(&requests) {
        if name == "cpu" || name == "memory" || name == "ephemeral-storage" {
            // A quota's plain `cpu` / `memory` mean the same as `requests.*`.
            usage.insert(name.clone(), quantity.clone());
        }
        usage.insert(format!("requests.{name}"), quantity);
    }
    for (name, quantity) in effective_total(&limits) {
        usage.insert(format!("limits.{name}"), quantity);
    }
    PodUsage(usage)
}

fn effective_total(containers: &[(ContainerKind, ResourceList)]) -> ResourceList {
    let mut running = ResourceList::new();
    let mut sidecars = ResourceList::new();
    let mut init_peak = ResourceList::new();
    for (kind, list) in containers {
        match kind {
            ContainerKind::Regular => add_into(&mut running, list),
            ContainerKind::Sidecar => {
                add_into(&mut sidecars, list);
                max_into(&mut init_peak, &sidecars);
            }
            ContainerKind::Init => {
                let mut alongside = sidecars.clone();
                add_into(&mut alongside, list);
                max_into(&mut init_peak, &alongside);
            }
        }
    }
    add_into(&mut running, &sidecars);
    max_into(&mut running, &init_peak);
    running
}

fn add_into(total: &mut ResourceList, list: &ResourceList) {
    for (name, q) in list {
        let sum = match total.get(name) {
            Some(existing) => existing.checked_add(q).unwrap_or_else(|| existing.clone()),
            None => q.clone(),
        };
        total.insert(name.clone(), sum);
    }
}

fn max_into(total: &mut ResourceList, list: &ResourceList) {
    for (name, q) in list {
        if total.get(name).is_none_or(|existing| existing < q) {
            total.insert(name.clone(), q.clone());
        }
    }
}

/// Whether a quota on `resource` makes Kubernetes refuse pods whose containers leave it unset.
/// True for the compute resources (`cpu`, `memory`, `ephemeral-storage` and their `requests.` /
/// `limits.` forms); extended resources such as `requests.nvidia.com/gpu` may be left out.
pub fn quota_requires_every_container(resource: &str) -> Option<(&'static str, &str)> {
    let (field, name) = match resource.split_once('.') {
        Some(("requests", name)) => ("requests", name),
        Some(("limits", name)) => ("limits", name),
        _ => ("requests", resource),
    };
    matches!(name, "cpu" | "memory" | "ephemeral-storage").then_some((field, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(pairs: &[(&str, &str)]) -> ResourceList {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.parse().unwrap()))
            .collect()
    }

    fn res(requests: &[(&str, &str)], limits: &[(&str, &str)]) -> ContainerResources {
        ContainerResources {
            requests: list(requests),
            limits: list(limits),
        }
    }

    #[test]
    fn big_init_container_dominates() {
        let usage = pod_usage(&[
            (ContainerKind::Init, res(&[("cpu", "2")], &[])),
            (ContainerKind::Regular, res(&[("cpu", "500m")], &[])),
        ]);
        assert_eq!(usage.0["requests.cpu"], "2".parse().unwrap());
        assert_eq!(usage.0["cpu"], "2".parse().unwrap());
    }

    #[test]
    fn init_after_sidecar_counts_the_sidecar() {
        let usage = pod_usage(&[
            (ContainerKind::Sidecar, res(&[("cpu", "1")], &[])),
            (ContainerKind::Init, res(&[("cpu", "1500m")], &[])),
            (ContainerKind::Regular, res(&[("cpu", "1")], &[])),
        ]);
        assert_eq!(usage.0["requests.cpu"], "2500m".parse().unwrap());
    }

    #[test]
    fn limits_default_requests_and_extended_resources_count() {
        let usage = pod_usage(&[(
            ContainerKind::Regular,
            res(&[], &[("memory", "4Gi"), ("nvidia.com/gpu", "1")]),
        )]);
        assert_eq!(usage.0["requests.memory"], "4Gi".parse().unwrap());
        assert_eq!(usage.0["limits.nvidia.com/gpu"], "1".parse().unwrap());
        assert_eq!(usage.0["requests.nvidia.com/gpu"], "1".parse().unwrap());
    }

    #[test]
    fn which_quotas_need_every_container() {
        assert_eq!(
            quota_requires_every_container("requests.cpu"),
            Some(("requests", "cpu"))
        );
        assert_eq!(
            quota_requires_every_container("limits.memory"),
            Some(("limits", "memory"))
        );
        assert_eq!(
            quota_requires_every_container("cpu"),
            Some(("requests", "cpu"))
        );
        assert_eq!(
            quota_requires_every_container("requests.nvidia.com/gpu"),
            None
        );
        assert_eq!(quota_requires_every_container("pods"), None);
    }

    #[test]
    fn limit_range_defaults_fill_only_what_is_unset() {
        let mut defaults = ContainerDefaults::default();
        // `default` alone also becomes the default request; `max` alone becomes the default limit.
        defaults.add_item(
            &list(&[("cpu", "1")]),
            &ResourceList::new(),
            &list(&[("memory", "2Gi")]),
            &ResourceList::new(),
        );
        assert_eq!(defaults.requests, list(&[("cpu", "1"), ("memory", "2Gi")]));
        assert_eq!(defaults.limits, list(&[("cpu", "1"), ("memory", "2Gi")]));
        // A container limiting cpu keeps that as its request; memory comes from the defaults.
        let container = ContainerResources {
            requests: ResourceList::new(),
            limits: list(&[("cpu", "500m")]),
        };
        let applied = container.with_defaults(&defaults);
        assert_eq!(
            applied.effective_requests(),
            list(&[("cpu", "500m"), ("memory", "2Gi")])
        );
        assert_eq!(applied.limits, list(&[("cpu", "500m"), ("memory", "2Gi")]));
    }
}
