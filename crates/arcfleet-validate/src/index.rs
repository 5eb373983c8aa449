//! The object index: every Kubernetes object of the input (and every object the chart emulation
//! rendered from Helm values), by kind and (namespace, name), with worker podspecs parsed out of
//! ConfigMaps. Objects that leave their namespace to the tool that applies them get the one a
//! `kustomization.yaml` of the input sets. Built once; rules only read it.

use std::collections::HashMap;
use std::sync::Arc;

use arcfleet_diag::{ObjectRef, SourceFile, Span};
use arcfleet_yaml::{Document, Node};
use rayon::prelude::*;

use crate::chart::Origin;
use crate::embedded;

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

    /// The fleet arcfleet rendered the object for (`arcfleet.io/fleet`).
    pub fn fleet(&self) -> Option<&'a str> {
        self.label(crate::views::controller::FLEET_LABEL)
            .and_then(Node::scalar_text)
    }

    /// Whether two objects can belong to one cluster: not rendered for two different fleets
    /// (several fleets' output side by side are several clusters).
    pub fn same_fleet(&self, other: &Object<'_>) -> bool {
        match (self.fleet(), other.fleet()) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }

    /// The span of `metadata.name` (or of the object).
    pub fn name_span(&self) -> Span {
        self.root
            .path(&["metadata", "name"])
            .map_or(self.root.span, |n| n.span)
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
    /// (kind, namespace or "", name) → objects.
    by_name: HashMap<(&'a str, &'a str, &'a str), Vec<usize>>,
    /// Name of a Secret → the objects of other operators that make it (ExternalSecrets, ...).
    secret_producers: HashMap<&'a str, Vec<usize>>,
    /// Documents that are not Kubernetes objects (Helm values, kustomization.yaml, ...).
    pub skipped: usize,
    hook_templates: Vec<HookTemplate<'a>>,
}

/// A `kustomization.yaml`: the namespace it sets on what it builds, and the files it uses as
/// patches (which are not objects of their own).
struct Kustomization<'a> {
    dir: std::path::PathBuf,
    namespace: Option<&'a str>,
    resources: Vec<std::path::PathBuf>,
    patches: Vec<std::path::PathBuf>,
}

impl<'a> Kustomization<'a> {
    fn all(documents: impl Iterator<Item = &'a Document>) -> Vec<Kustomization<'a>> {
        let mut out: Vec<Kustomization<'a>> = documents
            .filter(|d| {
                d.root.get("kind").and_then(Node::as_str) == Some("Kustomization")
                    && d.root
                        .get("apiVersion")
                        .and_then(Node::as_str)
                        .is_some_and(|a| a.starts_with("kustomize.config.k8s.io/"))
            })
            .filter_map(|d| {
                let namespace = d.root.get("namespace").and_then(Node::as_str);
                let dir = std::path::Path::new(d.file.name()).parent()?.to_path_buf();
                let list = |key: &str| {
                    d.root
                        .get(key)
                        .and_then(Node::as_sequence)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|e| e.as_str().or_else(|| e.get("path").and_then(Node::as_str)))
                        .map(|r| normal(std::path::Path::new(r)))
                        .collect::<Vec<_>>()
                };
                let mut patches = list("patches");
                patches.extend(list("patchesStrategicMerge"));
                patches.extend(list("patchesJson6902"));
                Some(Kustomization {
                    dir,
                    namespace,
                    resources: list("resources"),
                    patches,
                })
            })
            .collect();
        // The nearest kustomization wins.
        out.sort_by_key(|k| std::cmp::Reverse(k.dir.components().count()));
        out
    }

    /// The namespace the kustomization that builds `file` gives it (it lists the file, or a
    /// folder the file is in).
    fn namespace_for(all: &[Kustomization<'a>], file: &str) -> Option<&'a str> {
        let file = normal(std::path::Path::new(file));
        all.iter()
            .filter(|k| k.namespace.is_some())
            .find(|k| {
                file.strip_prefix(normal(&k.dir))
                    .is_ok_and(|rel| k.resources.iter().any(|r| rel.starts_with(r)))
            })
            .and_then(|k| k.namespace)
    }

    /// Whether `file` is a patch a kustomization applies to its resources.
    fn is_patch(all: &[Kustomization<'a>], file: &str) -> bool {
        let file = normal(std::path::Path::new(file));
        all.iter().any(|k| {
            let dir = normal(&k.dir);
            k.patches.iter().any(|p| file == dir.join(p))
        })
    }
}

/// A path without `.` components.
fn normal(path: &std::path::Path) -> std::path::PathBuf {
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

/// Kinds of tools that are not applied to a cluster.
const NOT_CLUSTER_GROUPS: &[&str] = &["kustomize.config.k8s.io/", "config.kubernetes.io/"];

impl<'a> ObjectIndex<'a> {
    /// Indexes every object of `documents` (`kind: List` items included).
    pub fn build(documents: impl IntoIterator<Item = (&'a Document, Origin)>) -> Self {
        let documents: Vec<(&'a Document, Origin)> = documents.into_iter().collect();
        let kustomizations = Kustomization::all(documents.iter().map(|(d, _)| *d));
        let mut index = ObjectIndex::default();
        for (doc, origin) in &documents {
            if matches!(origin, Origin::Manifest)
                && Kustomization::is_patch(&kustomizations, doc.file.name())
            {
                index.skipped += 1;
                continue;
            }
            let inherited = match origin {
                Origin::Manifest => Kustomization::namespace_for(&kustomizations, doc.file.name()),
                Origin::Chart(_) => None,
            };
            index.add(&doc.file, &doc.root, origin, inherited);
        }
        let config_maps: Vec<Object<'a>> = index.of_kind("ConfigMap").cloned().collect();
        index.hook_templates = config_maps
            .par_iter()
            .flat_map_iter(|cm| embedded::pod_templates(cm))
            .collect();
        index
    }

    fn add(
        &mut self,
        file: &'a Arc<SourceFile>,
        root: &'a Node,
        origin: &Origin,
        inherited_namespace: Option<&'a str>,
    ) {
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
                self.add(file, item, origin, inherited_namespace);
            }
            return;
        }
        let name = root.path(&["metadata", "name"]).and_then(Node::as_str);
        let Some(name) = name else {
            self.skipped += 1;
            return;
        };
        let namespace = root
            .path(&["metadata", "namespace"])
            .and_then(Node::as_str)
            .or(inherited_namespace);
        self.by_kind
            .entry(kind)
            .or_default()
            .push(self.objects.len());
        self.by_namespace
            .entry((kind, namespace.unwrap_or_default()))
            .or_default()
            .push(self.objects.len());
        self.by_name
            .entry((kind, namespace.unwrap_or_default(), name))
            .or_default()
            .push(self.objects.len());
        let object = Object {
            file,
            root,
            api_version,
            kind,
            name,
            namespace,
            origin: origin.clone(),
        };
        if let Some(secret) = crate::views::credentials::produced_secret(&object) {
            self.secret_producers
                .entry(secret)
                .or_default()
                .push(self.objects.len());
        }
        self.objects.push(object);
    }

    /// Whether an object of another operator makes a Secret in `ns` (any, when unknown).
    pub fn secret_producers_in(&self, ns: Option<&str>) -> bool {
        self.secret_producers
            .values()
            .flatten()
            .filter_map(|&i| self.objects.get(i))
            .any(|o| ns.is_none_or(|ns| o.in_namespace(ns)))
    }

    /// Objects of other operators that make a Secret named `name` (in any namespace).
    pub fn secret_producers<'s>(&'s self, name: &str) -> impl Iterator<Item = &'s Object<'a>> + 's {
        self.secret_producers
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.objects.get(i))
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
        let first = |ns: &str| {
            self.by_name
                .get(&(kind, ns, name))
                .and_then(|found| found.first())
                .and_then(|&i| self.objects.get(i))
        };
        first(ns).or_else(|| (!ns.is_empty()).then(|| first("")).flatten())
    }

    /// Worker podspecs found in ConfigMaps.
    pub fn hook_templates(&self) -> &[HookTemplate<'a>] {
        &self.hook_templates
    }

    /// The worker podspec in ConfigMap `name`, key `key`, of namespace `ns` (any, when unknown).
    pub fn hook_template(
        &self,
        ns: Option<&str>,
        name: &str,
        key: &str,
    ) -> Option<&HookTemplate<'a>> {
        self.hook_templates.iter().find(|t| {
            t.config_map.name == name
                && t.key == key
                && ns.is_none_or(|ns| t.config_map.in_namespace(ns))
        })
    }
}
