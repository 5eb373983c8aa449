//! What the pods of a namespace cost its ResourceQuota: shared by `quota-headroom` and
//! `quota-resources-missing`.

use arcfleet_k8s::PodUsage;
use arcfleet_yaml::Node;

use crate::index::{Mode, Object, ScaleSet};
use crate::pod::{self, Container};

use super::Context;

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
}

impl<'n> PodDemand<'_, 'n> {
    pub fn usage(&self) -> PodUsage {
        match self.pod {
            Some(pod) => pod::usage_of(pod),
            None => arcfleet_k8s::pod_usage(&[(
                arcfleet_k8s::ContainerKind::Regular,
                Default::default(),
            )]),
        }
    }

    pub fn containers(&self) -> Vec<Container<'n>> {
        self.pod.map(pod::containers).unwrap_or_default()
    }
}

/// The worker podspec a Kubernetes-mode set points its hook at, if it resolves.
pub(crate) fn hook_template<'i, 'a>(
    cx: &'i Context<'i, 'a>,
    set: &ScaleSet<'a>,
) -> Option<&'i crate::index::HookTemplate<'a>> {
    let runner = set.runner()?;
    let path = runner.env_value("ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE")?;
    let (volume, mount_path) = runner.mount_containing(path)?;
    let key = path[mount_path.trim_end_matches('/').len()..].trim_start_matches('/');
    let cm_name = pod::volume(set.pod?, volume)?
        .path(&["configMap", "name"])?
        .as_str()?;
    cx.index.hook_template(set.namespace(), cm_name, key)
}

/// Every pod the quota of namespace `ns` must hold.
pub(crate) fn demand<'i, 'a>(cx: &'i Context<'i, 'a>, ns: &str) -> Vec<PodDemand<'a, 'i>> {
    let mut pods = Vec::new();
    for set in cx.scale_sets.iter().filter(|s| s.namespace() == ns) {
        let Some(max) = set
            .field("maxRunners")
            .and_then(Node::as_i64)
            .and_then(|m| u64::try_from(m).ok())
        else {
            continue;
        };
        let with_headroom = max + cx.policy.headroom(max);
        pods.push(PodDemand {
            what: format!("runner pod of `{}`", set.object.name),
            owner: set.object.clone(),
            pod: set.pod,
            at_max: max,
            with_headroom,
        });
        if set.mode == Mode::Kubernetes
            && let Some(template) = hook_template(cx, set)
        {
            pods.push(PodDemand {
                what: format!("workflow pod of `{}`", set.object.name),
                owner: template.config_map.clone(),
                pod: template.root.get("spec"),
                at_max: max,
                with_headroom,
            });
        }
    }
    let controllers: Vec<_> = cx
        .controllers
        .iter()
        .filter(|c| c.namespace() == ns)
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
        });
    }
    if !controllers.is_empty() {
        // Every scale set gets one listener pod, in the controller's namespace.
        for set in &cx.scale_sets {
            pods.push(PodDemand {
                what: format!("listener pod of `{}`", set.object.name),
                owner: set.object.clone(),
                pod: set.field("listenerTemplate").and_then(|t| t.get("spec")),
                at_max: 1,
                with_headroom: 1,
            });
        }
    }
    pods
}

/// ResourceQuotas of `ns` that count every pod (quotas with scopes are skipped: which pods they
/// count depends on runtime state).
pub(crate) fn quotas<'i, 'a>(cx: &'i Context<'i, 'a>) -> Vec<(&'i Object<'a>, &'a Node)> {
    cx.index
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
