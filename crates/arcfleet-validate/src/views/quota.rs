//! What the pods of a namespace cost its ResourceQuota: shared by `quota-headroom` and
//! `quota-resources-missing`.

use arcfleet_arc::meta::arcfleet::HEADROOM_ANNOTATION;
use arcfleet_k8s::{ContainerDefaults, PodUsage, ResourceList};
use arcfleet_yaml::Node;

use super::Views;
use super::hook::hook_template;
use crate::index::{Object, ObjectIndex};
use crate::pod::{self, Container};
use crate::policy::Policy;

/// One kind of pod the namespace holds.
pub(crate) struct PodDemand<'a, 'n> {
    /// "runner pod of `x`", "workflow pod of `x`", "controller pod", "listener pod of `x`".
    pub what: String,
    /// The object to report against.
    pub owner: Object<'a>,
    /// The pod spec (`None` for a listener without template: ARC's default listener).
    pub pod: Option<&'n Node>,
    /// Pods at maxRunners.
    pub at_max: u64,
    /// Pods at maxRunners + headroom.
    pub with_headroom: u64,
    /// What the namespace's LimitRanges give containers that leave a resource unset.
    pub defaults: ContainerDefaults,
}

impl<'n> PodDemand<'_, 'n> {
    /// What one such pod counts against a quota, LimitRange defaults applied.
    pub fn usage(&self) -> PodUsage {
        let containers: Vec<_> = match self.pod {
            Some(pod) => pod::containers(pod)
                .iter()
                .map(|c| (c.kind, c.resources().with_defaults(&self.defaults)))
                .collect(),
            None => vec![(
                arcfleet_k8s::ContainerKind::Regular,
                arcfleet_k8s::ContainerResources::default().with_defaults(&self.defaults),
            )],
        };
        arcfleet_k8s::pod_usage(&containers)
    }

    pub fn containers(&self) -> Vec<Container<'n>> {
        self.pod.map(pod::containers).unwrap_or_default()
    }
}

/// Every pod the quota of namespace `ns` must hold.
pub(crate) fn demand<'i, 'a>(
    index: &'i ObjectIndex<'a>,
    views: &'i Views<'a>,
    policy: &Policy,
    quota: &Object<'a>,
) -> Vec<PodDemand<'a, 'i>> {
    let Some(ns) = quota.namespace else {
        return Vec::new();
    };
    let defaults = container_defaults(index, ns);
    let mut pods = Vec::new();
    for set in views
        .scale_sets
        .iter()
        .filter(|s| s.namespace() == Some(ns) && s.object.same_fleet(quota))
    {
        let Some(max) = set
            .field("maxRunners")
            .and_then(Node::as_i64)
            .and_then(|m| u64::try_from(m).ok())
        else {
            continue;
        };
        // A rendered set carries the headroom its spec chose; others get the policy's.
        let headroom = set
            .object
            .annotation(HEADROOM_ANNOTATION)
            .and_then(Node::scalar_text)
            .and_then(|h| h.parse::<u64>().ok())
            .unwrap_or_else(|| {
                u64::from(policy.headroom.pods(u32::try_from(max).unwrap_or(u32::MAX)))
            });
        let with_headroom = max.saturating_add(headroom);
        pods.push(PodDemand {
            what: format!("runner pod of `{}`", set.object.name),
            owner: set.object.clone(),
            pod: set.pod,
            at_max: max,
            with_headroom,
            defaults: defaults.clone(),
        });
        if set.mode.is_kubernetes()
            && let Some(template) = hook_template(index, set)
        {
            pods.push(PodDemand {
                what: format!("workflow pod of `{}`", set.object.name),
                owner: template.config_map.clone(),
                pod: template.root.get("spec"),
                at_max: max,
                with_headroom,
                defaults: defaults.clone(),
            });
        }
    }
    let controllers: Vec<_> = views
        .controllers
        .iter()
        .filter(|c| c.namespace() == Some(ns) && c.object.same_fleet(quota))
        .collect();
    for controller in &controllers {
        let replicas = controller
            .object
            .root
            .path(&["spec", "replicas"])
            .and_then(Node::as_i64)
            .unwrap_or(1);
        let replicas = u64::try_from(replicas).unwrap_or(1);
        pods.push(PodDemand {
            what: "controller pod".into(),
            owner: controller.object.clone(),
            pod: Some(controller.pod),
            at_max: replicas,
            with_headroom: replicas,
            defaults: defaults.clone(),
        });
    }
    if !controllers.is_empty() {
        // Every scale set a controller of this namespace manages gets one listener pod here.
        let managed = |i: usize| {
            views.management[i].controllers.iter().any(|&c| {
                views.controllers[c].namespace() == Some(ns)
                    && views.controllers[c].object.same_fleet(quota)
            })
        };
        for (_, set) in views
            .scale_sets
            .iter()
            .enumerate()
            .filter(|(i, _)| managed(*i))
        {
            pods.push(PodDemand {
                what: format!("listener pod of `{}`", set.object.name),
                owner: set.object.clone(),
                pod: set.field("listenerTemplate").and_then(|t| t.get("spec")),
                at_max: 1,
                with_headroom: 1,
                defaults: defaults.clone(),
            });
        }
    }
    pods
}

/// ResourceQuotas of `ns` that count every pod (quotas with scopes are skipped: which pods they
/// count depends on runtime state).
pub(crate) fn quotas<'i, 'a>(index: &'i ObjectIndex<'a>) -> Vec<(&'i Object<'a>, &'a Node)> {
    index
        .of_kind("ResourceQuota")
        .filter_map(|q| {
            let spec = q.spec()?;
            if spec.get("scopes").is_some() || spec.get("scopeSelector").is_some() {
                return None;
            }
            Some((q, spec.get("hard")?))
        })
        .collect()
}

/// The container defaults of the LimitRanges in `ns`.
pub(crate) fn container_defaults(index: &ObjectIndex<'_>, ns: &str) -> ContainerDefaults {
    let mut defaults = ContainerDefaults::default();
    for limit_range in index.in_namespace("LimitRange", ns) {
        for item in limit_range
            .root
            .path(&["spec", "limits"])
            .and_then(Node::as_sequence)
            .unwrap_or_default()
            .iter()
            .filter(|item| item.get("type").and_then(Node::as_str) == Some("Container"))
        {
            let list = |key: &str| -> ResourceList {
                item.get(key)
                    .and_then(Node::as_mapping)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|e| {
                        Some((
                            e.key.scalar_text()?.to_string(),
                            e.value.scalar_text()?.parse().ok()?,
                        ))
                    })
                    .collect()
            };
            defaults.add_item(
                &list("default"),
                &list("defaultRequest"),
                &list("max"),
                &list("min"),
            );
        }
    }
    defaults
}
