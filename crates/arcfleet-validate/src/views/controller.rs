//! ARC controllers, and which of them manages each scale set.
//!
//! A repository may hold several fleets (several clusters, or several controllers in one): a
//! scale set is joined to the controller that manages it, not to every controller of the input.
//! The join follows what ARC and its chart do: the manager RoleBinding of the set's namespace
//! (or `controllerServiceAccount` in the set's values) names the controller's ServiceAccount; a
//! controller started with `--watch-single-namespace` reconciles only that namespace; arcfleet's
//! own output carries the `arcfleet.io/fleet` label on both. Without any of these, a set is
//! managed by the one controller whose scope includes it, if there is exactly one.

use std::collections::HashMap;

use arcfleet_arc::Version;
use arcfleet_arc::controller::{MANAGER_CONTAINER, SCALE_SET_ONLY_FLAG};
use arcfleet_arc::meta::Cleanup;
use arcfleet_yaml::Node;

use super::rbac::{allows, role_rules};
use super::scale_set::ScaleSet;
use crate::index::{Object, ObjectIndex};
use crate::pod::{self, Container};

pub use arcfleet_arc::meta::arcfleet::FLEET_LABEL;

/// An ARC controller Deployment.
#[derive(Clone, Debug)]
pub struct Controller<'a> {
    /// The Deployment.
    pub object: Object<'a>,
    /// `spec.template.spec`.
    pub pod: &'a Node,
    /// The manager container.
    pub container: Container<'a>,
    /// The manager image.
    pub image: Option<&'a str>,
    /// The version in the image tag, when it is a plain `X.Y.Z` (a `v` prefix is tolerated).
    pub version: Option<Version>,
    /// The ServiceAccount it runs as.
    pub service_account: &'a str,
    /// `--watch-single-namespace`.
    pub watch_single_namespace: Option<&'a str>,
}

impl<'a> Controller<'a> {
    /// The controller found in Deployment `object`, if it is one (by its v2 flag or its image).
    pub fn of(object: &Object<'a>) -> Option<Self> {
        let pod = object.root.path(&["spec", "template", "spec"])?;
        let containers = pod::containers(pod);
        let container = containers
            .iter()
            .find(|c| c.args().iter().any(|a| a.0 == SCALE_SET_ONLY_FLAG))
            .or_else(|| {
                containers.iter().find(|c| {
                    c.image().is_some_and(|i| {
                        pod::image_repository(i).ends_with("gha-runner-scale-set-controller")
                    })
                })
            })
            .or_else(|| {
                // A chart-rendered controller whose image is not known.
                object
                    .origin
                    .release()
                    .and_then(|_| containers.iter().find(|c| c.name == MANAGER_CONTAINER))
            })?
            .clone();
        let image = container.image();
        let version = image
            .and_then(pod::image_tag)
            .and_then(|tag| tag.trim_start_matches('v').parse().ok());
        let service_account = pod
            .get("serviceAccountName")
            .or_else(|| pod.get("serviceAccount"))
            .and_then(Node::as_str)
            .unwrap_or("default");
        let watch_single_namespace = container
            .args()
            .into_iter()
            .find_map(|(a, _)| a.strip_prefix("--watch-single-namespace="))
            .filter(|ns| !ns.is_empty());
        Some(Controller {
            object: object.clone(),
            pod,
            container,
            image,
            version,
            service_account,
            watch_single_namespace,
        })
    }

    /// The controller's namespace (where its ServiceAccount and listeners are), when known.
    pub fn namespace(&self) -> Option<&'a str> {
        self.object.namespace
    }

    /// Whether the controller reconciles scale sets of namespace `ns` (`None`: unknown).
    pub fn watches(&self, ns: Option<&str>) -> bool {
        match (self.watch_single_namespace, ns) {
            (Some(watched), Some(ns)) => watched == ns,
            _ => true,
        }
    }

    /// Whether it runs as ServiceAccount `namespace`/`name`.
    pub fn runs_as(&self, name: &str, namespace: &str) -> bool {
        self.service_account == name && self.namespace().is_none_or(|ns| ns == namespace)
    }
}

/// How a scale set is tied to its controllers.
#[derive(Clone, Debug, Default)]
pub struct Management {
    /// Indices of the controllers that manage the set.
    pub controllers: Vec<usize>,
    /// The ServiceAccounts (name, namespace) the set's manager RoleBinding or values name.
    pub bound_accounts: Vec<(String, String)>,
}

/// For each scale set (same order), its controllers.
pub fn join(
    index: &ObjectIndex<'_>,
    sets: &[ScaleSet<'_>],
    controllers: &[Controller<'_>],
) -> Vec<Management> {
    // Whether a Role grants the manager's permissions, by (namespace, name): each is judged once,
    // however many sets share a namespace.
    let mut manager_roles: HashMap<(&str, &str), bool> = HashMap::new();
    sets.iter()
        .map(|set| {
            let bound = bound_accounts(index, set, &mut manager_roles);
            let by_binding: Vec<usize> = controllers
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    c.object.same_fleet(&set.object) && bound.iter().any(|(n, ns)| c.runs_as(n, ns))
                })
                .map(|(i, _)| i)
                .collect();
            let controllers_of = if !by_binding.is_empty() {
                by_binding
            } else {
                // A set whose namespace is unknown is in no controller's known scope.
                let in_scope: Vec<usize> = controllers
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| {
                        set.namespace().is_some()
                            && c.watches(set.namespace())
                            && c.object.same_fleet(&set.object)
                    })
                    .map(|(i, _)| i)
                    .collect();
                let fleet = set.object.label(FLEET_LABEL).and_then(Node::scalar_text);
                let same_fleet: Vec<usize> = (0..controllers.len())
                    .filter(|&i| {
                        fleet.is_some()
                            && controllers[i]
                                .object
                                .label(FLEET_LABEL)
                                .and_then(Node::scalar_text)
                                == fleet
                    })
                    .collect();
                if !same_fleet.is_empty() {
                    same_fleet
                } else if in_scope.len() == 1 && bound.is_empty() {
                    in_scope
                } else {
                    Vec::new()
                }
            };
            Management {
                controllers: controllers_of,
                bound_accounts: bound,
            }
        })
        .collect()
}

/// The ServiceAccounts a set's manager RoleBinding binds: named by the set's cleanup annotation,
/// or any RoleBinding of its namespace whose Role grants the manager's permissions; for a set
/// rendered from values, the account its values or the chart's lookup chose.
fn bound_accounts<'a>(
    index: &ObjectIndex<'a>,
    set: &ScaleSet<'a>,
    manager_roles: &mut HashMap<(&'a str, &'a str), bool>,
) -> Vec<(String, String)> {
    if let Some(sa) = set
        .object
        .origin
        .release()
        .and_then(|r| r.controller_service_account.clone())
    {
        return vec![sa];
    }
    let Some(ns) = set.namespace() else {
        return Vec::new();
    };
    let named = set
        .object
        .annotation(Cleanup::ManagerRoleBinding.annotation())
        .and_then(Node::scalar_text);
    let manager_permission = ("", "pods/status", "get");
    let mut out = Vec::new();
    // The binding the set's cleanup annotation names is its manager binding; only without one
    // is every binding of the namespace looked at.
    let candidates: Vec<&Object<'a>> = match named.and_then(|n| index.get("RoleBinding", ns, n)) {
        Some(binding) => vec![binding],
        None => index.in_namespace("RoleBinding", ns).collect(),
    };
    for binding in candidates {
        let role = binding
            .root
            .path(&["roleRef", "kind"])
            .and_then(Node::as_str)
            .filter(|k| *k == "Role")
            .and_then(|_| binding.root.path(&["roleRef", "name"]))
            .and_then(Node::as_str);
        let is_manager = named == Some(binding.name)
            || role.is_some_and(|role| {
                *manager_roles.entry((ns, role)).or_insert_with(|| {
                    index.get("Role", ns, role).is_some_and(|role| {
                        let rules = role_rules(role);
                        allows(&rules, manager_permission)
                            && allows(&rules, ("", "secrets", "create"))
                    })
                })
            });
        if !is_manager {
            continue;
        }
        for subject in binding
            .root
            .get("subjects")
            .and_then(Node::as_sequence)
            .unwrap_or_default()
        {
            if subject.get("kind").and_then(Node::as_str) != Some("ServiceAccount") {
                continue;
            }
            let name = subject
                .get("name")
                .and_then(Node::as_str)
                .unwrap_or_default();
            let sa_ns = subject
                .get("namespace")
                .and_then(Node::as_str)
                .unwrap_or(ns);
            out.push((name.to_string(), sa_ns.to_string()));
        }
    }
    out
}
