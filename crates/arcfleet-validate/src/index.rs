//! The object index: every Kubernetes object of the input, by kind and (namespace, name), plus
//! the views most rules share (scale sets, controllers, worker podspecs). Built once; rules only
//! read it.

use std::collections::HashMap;
use std::sync::Arc;

use arcfleet_arc::Version;
use arcfleet_diag::{ObjectRef, SourceFile, Span};
use arcfleet_yaml::{Document, Node};
use rayon::prelude::*;

use crate::chart::Origin;
use crate::embedded;
use crate::pod::{self, Container};

/// One Kubernetes object and where it is written.
#[derive(Clone, Debug)]
pub struct Object<'a> {
    /// The file it is in.
    pub file: &'a Arc<SourceFile>,
    /// The object's mapping.
    pub root: &'a Node,
    /// `apiVersion`.
    pub api_version: &'a str,
    /// `kind`.
    pub kind: &'a str,
    /// `metadata.name`.
    pub name: &'a str,
    /// `metadata.namespace`; `None` when the manifest leaves it to the tool that applies it.
    pub namespace: Option<&'a str>,
    /// Written in the input, or rendered from Helm values.
    pub origin: Origin,
}

impl<'a> Object<'a> {
    /// The reference printed with findings.
    pub fn reference(&self) -> ObjectRef {
        ObjectRef {
            kind: self.kind.to_string(),
            namespace: self.namespace.map(str::to_string),
            name: self.name.to_string(),
        }
    }

    /// `metadata.labels.<key>`.
    pub fn label(&self, key: &str) -> Option<&'a Node> {
        self.root.path(&["metadata", "labels", key])
    }

    /// `metadata.annotations.<key>`.
    pub fn annotation(&self, key: &str) -> Option<&'a Node> {
        self.root.path(&["metadata", "annotations", key])
    }

    /// `spec`.
    pub fn spec(&self) -> Option<&'a Node> {
        self.root.get("spec")
    }

    /// Whether the object is in namespace `ns` (objects without a namespace match any).
    pub fn in_namespace(&self, ns: &str) -> bool {
        self.namespace.is_none_or(|own| own == ns)
    }

    /// The span of `metadata.name` (or of the object).
    pub fn name_span(&self) -> Span {
        self.root
            .path(&["metadata", "name"])
            .map_or(self.root.span, |n| n.span)
    }
}

/// How an AutoscalingRunnerSet runs jobs, read from its pod template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A `dind` container serves Docker to the runner.
    Dind,
    /// The runner uses container hooks (`ACTIONS_RUNNER_CONTAINER_HOOKS`).
    Kubernetes,
    /// Neither: jobs run in the runner container itself.
    Default,
}

/// An AutoscalingRunnerSet and its pod template.
#[derive(Clone, Debug)]
pub struct ScaleSet<'a> {
    /// The object.
    pub object: Object<'a>,
    /// `spec`, if present.
    pub spec: Option<&'a Node>,
    /// `spec.template.spec`, if present.
    pub pod: Option<&'a Node>,
    /// How it runs jobs.
    pub mode: Mode,
}

impl<'a> ScaleSet<'a> {
    /// The namespace the set's pods run in (`default` when the manifest leaves it unset).
    pub fn namespace(&self) -> &'a str {
        self.object.namespace.unwrap_or("default")
    }

    /// The pod template's containers (init containers first).
    pub fn containers(&self) -> Vec<Container<'a>> {
        self.pod.map(pod::containers).unwrap_or_default()
    }

    /// The container named `runner`.
    pub fn runner(&self) -> Option<Container<'a>> {
        self.containers()
            .into_iter()
            .find(|c| c.name == "runner" && c.kind != arcfleet_k8s::ContainerKind::Init)
    }

    /// `spec.<field>` as a node.
    pub fn field(&self, field: &str) -> Option<&'a Node> {
        self.spec.and_then(|s| s.get(field))
    }
}

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
}

impl Controller<'_> {
    /// The controller's namespace (`default` when unset).
    pub fn namespace(&self) -> &str {
        self.object.namespace.unwrap_or("default")
    }
}

/// A worker podspec (container hook template) found in a ConfigMap, parsed with spans that
/// point into the ConfigMap's file.
#[derive(Clone, Debug)]
pub struct HookTemplate<'a> {
    /// The ConfigMap.
    pub config_map: Object<'a>,
    /// The data key holding it.
    pub key: &'a str,
    /// The parsed template (`metadata` + `spec`).
    pub root: Node,
}

/// Every object of the input.
#[derive(Debug, Default)]
pub struct ObjectIndex<'a> {
    objects: Vec<Object<'a>>,
    by_kind: HashMap<&'a str, Vec<usize>>,
    /// (kind, namespace or "") → objects; "" holds objects whose namespace is left unset.
    by_namespace: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// Documents that are not Kubernetes objects (Helm values, kustomization.yaml, ...).
    pub skipped: usize,
    hook_templates: Vec<HookTemplate<'a>>,
}

/// Kinds of tools that are not applied to a cluster.
const NOT_CLUSTER_GROUPS: &[&str] = &["kustomize.config.k8s.io/", "config.kubernetes.io/"];

impl<'a> ObjectIndex<'a> {
    /// Indexes every object of `documents` (`kind: List` items included).
    pub fn build(documents: impl IntoIterator<Item = (&'a Document, Origin)>) -> Self {
        let mut index = ObjectIndex::default();
        for (doc, origin) in documents {
            index.add(&doc.file, &doc.root, &origin);
        }
        let config_maps: Vec<Object<'a>> = index.of_kind("ConfigMap").cloned().collect();
        index.hook_templates = config_maps
            .par_iter()
            .flat_map_iter(|cm| embedded::pod_templates(cm))
            .collect();
        index
    }

    fn add(&mut self, file: &'a Arc<SourceFile>, root: &'a Node, origin: &Origin) {
        let text = |key: &str| root.get(key).and_then(Node::as_str);
        let (Some(api_version), Some(kind)) = (text("apiVersion"), text("kind")) else {
            self.skipped += 1;
            return;
        };
        if NOT_CLUSTER_GROUPS
            .iter()
            .any(|g| api_version.starts_with(g))
        {
            self.skipped += 1;
            return;
        }
        if kind == "List" || kind.ends_with("List") && root.get("items").is_some() {
            for item in root
                .get("items")
                .and_then(Node::as_sequence)
                .unwrap_or_default()
            {
                self.add(file, item, origin);
            }
            return;
        }
        let name = root.path(&["metadata", "name"]).and_then(Node::as_str);
        let Some(name) = name else {
            self.skipped += 1;
            return;
        };
        let namespace = root.path(&["metadata", "namespace"]).and_then(Node::as_str);
        self.by_kind
            .entry(kind)
            .or_default()
            .push(self.objects.len());
        self.by_namespace
            .entry((kind, namespace.unwrap_or_default()))
            .or_default()
            .push(self.objects.len());
        self.objects.push(Object {
            file,
            root,
            api_version,
            kind,
            name,
            namespace,
            origin: origin.clone(),
        });
    }

    /// Every object, in input order.
    pub fn objects(&self) -> &[Object<'a>] {
        &self.objects
    }

    /// Objects of one kind.
    pub fn of_kind<'s>(&'s self, kind: &str) -> impl Iterator<Item = &'s Object<'a>> + 's {
        self.by_kind
            .get(kind)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.objects.get(i))
    }

    /// Objects of one kind in namespace `ns` (objects without a namespace count as in it).
    pub fn in_namespace<'s>(
        &'s self,
        kind: &'s str,
        ns: &'s str,
    ) -> impl Iterator<Item = &'s Object<'a>> + 's {
        let in_ns = self.by_namespace.get(&(kind, ns));
        let unset = (!ns.is_empty())
            .then(|| self.by_namespace.get(&(kind, "")))
            .flatten();
        in_ns
            .into_iter()
            .chain(unset)
            .flatten()
            .filter_map(|&i| self.objects.get(i))
    }

    /// The object `kind` `ns`/`name`, if the input has it.
    pub fn get<'s>(&'s self, kind: &'s str, ns: &'s str, name: &str) -> Option<&'s Object<'a>> {
        self.in_namespace(kind, ns).find(|o| o.name == name)
    }

    /// Every AutoscalingRunnerSet with its pod template and mode.
    pub fn scale_sets(&self) -> Vec<ScaleSet<'a>> {
        self.of_kind("AutoscalingRunnerSet")
            .map(|object| {
                let spec = object.spec();
                let pod = spec.and_then(|s| s.path(&["template", "spec"]));
                let containers = pod.map(pod::containers).unwrap_or_default();
                let mode = if containers
                    .iter()
                    .any(|c| c.env("ACTIONS_RUNNER_CONTAINER_HOOKS").is_some())
                {
                    Mode::Kubernetes
                } else if containers.iter().any(|c| c.name == "dind") {
                    Mode::Dind
                } else {
                    Mode::Default
                };
                ScaleSet {
                    object: object.clone(),
                    spec,
                    pod,
                    mode,
                }
            })
            .collect()
    }

    /// Every ARC controller Deployment (found by `--auto-scaling-runner-set-only` or its image).
    pub fn controllers(&self) -> Vec<Controller<'a>> {
        self.of_kind("Deployment")
            .filter_map(|object| {
                let pod = object.root.path(&["spec", "template", "spec"])?;
                let container = pod::containers(pod).into_iter().find(|c| {
                    c.args()
                        .iter()
                        .any(|a| a.0 == "--auto-scaling-runner-set-only")
                        || c.image()
                            .is_some_and(|i| i.contains("gha-runner-scale-set-controller"))
                })?;
                let image = container.image();
                let version = image
                    .and_then(|i| pod::image_tag(i))
                    .and_then(|tag| tag.trim_start_matches('v').parse().ok());
                let service_account = pod
                    .get("serviceAccountName")
                    .or_else(|| pod.get("serviceAccount"))
                    .and_then(Node::as_str)
                    .unwrap_or("default");
                Some(Controller {
                    object: object.clone(),
                    pod,
                    container,
                    image,
                    version,
                    service_account,
                })
            })
            .collect()
    }

    /// Worker podspecs found in ConfigMaps.
    pub fn hook_templates(&self) -> &[HookTemplate<'a>] {
        &self.hook_templates
    }

    /// The worker podspec in ConfigMap `name`, key `key`, of namespace `ns`.
    pub fn hook_template(&self, ns: &str, name: &str, key: &str) -> Option<&HookTemplate<'a>> {
        self.hook_templates
            .iter()
            .find(|t| t.config_map.name == name && t.key == key && t.config_map.in_namespace(ns))
    }
}
