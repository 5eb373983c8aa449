//! Renders a checked [`Fleet`] into typed Kubernetes objects and deterministic YAML.
//!
//! Data flow: [`render`] (fleet → [`Object`]s, sorted in apply order) → [`Manifests::files`]
//! (one file per object, under a folder per namespace, and the CRD kustomization that only a
//! folder can carry) or [`Manifests::stream`] (one YAML stream of the objects) → [`write_dir`]
//! (atomic writes, pruning only files arcfleet wrote).
//!
//! ```
//! use std::sync::Arc;
//! use arcfleet_diag::SourceFile;
//!
//! let text = r#"
//! apiVersion: arcfleet.io/v1alpha1
//! kind: Fleet
//! metadata: {name: demo}
//! spec:
//!   kubernetesVersion: "1.31"
//!   controller: {version: 0.14.2}
//!   secretStore: {kind: ClusterSecretStore, name: vault}
//!   runnerClasses:
//!     default: {mode: dind, image: "ghcr.io/actions/actions-runner:2.330.0"}
//!   runnerSets:
//!     - {name: demo-runners, namespace: runners, githubConfigUrl: "https://github.com/acme",
//!        auth: {githubToken: {remoteKey: github/pat}}, class: default, maxRunners: 4}
//! "#;
//! let spec = arcfleet_spec::load_spec(Arc::new(SourceFile::new("fleet.yaml", text))).unwrap();
//! let fleet = arcfleet_spec::resolve(&spec, &Default::default()).unwrap();
//! let manifests = arcfleet_render::render(&fleet).unwrap();
//! let files = manifests.files().unwrap();
//! assert!(files.iter().any(|f| f.path == "runners/autoscalingrunnerset-demo-runners.yaml"));
//! assert!(manifests.stream().unwrap().contains("github_token"));
//! ```

mod build;
mod controller;
mod crds;
mod credentials;
mod monitoring;
mod object;
mod output;
pub mod provenance;
mod scale_set;

use std::collections::{BTreeMap, BTreeSet};

use arcfleet_spec::Fleet;
use k8s_openapi::api::core::v1::{Namespace, ResourceQuota, ResourceQuotaSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use rayon::prelude::*;

pub use crds::Kustomization;
pub use credentials::pull_secret_name;
pub use object::Object;
pub use output::{
    Drift, GENERATED_MARKER, OutputError, WriteReport, compare_dir, generated_files, is_generated,
    write_dir, write_dir_until,
};

/// Name of the ResourceQuota arcfleet writes into a namespace.
pub const QUOTA_NAME: &str = "arcfleet-quota";
/// Folder of cluster-scoped objects (not a valid namespace name, so it cannot collide).
pub const CLUSTER_DIR: &str = "_cluster";

/// Why rendering failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A set names a class the fleet does not have (a resolved fleet never does).
    #[error("runner class `{0}` is not defined")]
    UnknownClass(String),
    /// A Kubernetes fragment of the spec does not convert to its type (a resolved fleet's
    /// always do: the spec check parsed them).
    #[error("a Kubernetes fragment of the spec is not valid: {0}")]
    Fragment(String),
    /// Two different objects would have one name (a resolved fleet never has them).
    #[error("two different objects are rendered as {0}")]
    Conflict(String),
    /// YAML emission failed.
    #[error(transparent)]
    Emit(arcfleet_yaml::EmitError),
    /// `controller.crds` asks for the CRDs of a version without them (a resolved fleet never does).
    #[error(transparent)]
    UnknownRelease(arcfleet_arc::crds::UnknownRelease),
}

/// A rendered fleet.
#[derive(Clone, Debug)]
pub struct Manifests {
    /// The fleet's name.
    pub fleet_name: String,
    /// The spec file's name, for headers.
    pub source_name: String,
    /// Every object, in apply order, then by namespace and name.
    pub objects: Vec<Object>,
    /// ARC's CRDs, when `controller.crds` asks for them: a file, not an object.
    pub crds: Option<Kustomization>,
}

/// One output file: a path relative to the output folder and its contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedFile {
    /// `<namespace>/<kind>-<name>.yaml` or `_cluster/<kind>-<name>.yaml`.
    pub path: String,
    /// Header comment and the object's YAML.
    pub contents: String,
}

/// Renders every object of `fleet`.
pub fn render(fleet: &Fleet) -> Result<Manifests, RenderError> {
    let mut objects = Vec::new();
    for ns in &fleet.namespaces {
        objects.push(Object::Namespace(Namespace {
            metadata: ObjectMeta {
                labels: Some(ns.labels.clone()),
                ..build::meta(&ns.name, None)
            },
            ..Default::default()
        }));
        if let Some(hard) = &ns.quota {
            objects.push(Object::ResourceQuota(ResourceQuota {
                metadata: build::meta(QUOTA_NAME, Some(&ns.name)),
                spec: Some(ResourceQuotaSpec {
                    hard: Some(
                        hard.iter()
                            .map(|(k, v)| (k.clone(), K8sQuantity(v.as_str().to_string())))
                            .collect(),
                    ),
                    ..Default::default()
                }),
                status: None,
            }));
        }
    }
    objects.extend(controller::objects(fleet));
    let mut credentials_done = BTreeSet::new();
    let mut pull_secrets_done = BTreeSet::new();
    for set in &fleet.sets {
        objects.extend(scale_set::objects(fleet, set)?);
        // Sets of one namespace share identical credentials and pull secrets: emit them once.
        if credentials_done.insert((set.namespace.clone(), set.secret_name.clone())) {
            objects.extend(credentials::github_credentials(fleet, set));
        }
        let class = fleet
            .class_of(set)
            .ok_or_else(|| RenderError::UnknownClass(set.class.clone()))?;
        for registry_name in &class.image_pull_secrets {
            if let Some(registry) = fleet.registries.get(registry_name)
                && pull_secrets_done.insert((set.namespace.clone(), registry_name.clone()))
            {
                objects.push(credentials::pull_secret(
                    fleet,
                    registry_name,
                    registry,
                    &set.namespace,
                ));
            }
        }
    }
    if let Some(monitoring) = &fleet.monitoring {
        objects.extend(monitoring::objects(fleet, monitoring));
    }
    let common = build::map([
        ("app.kubernetes.io/managed-by", "arcfleet"),
        (arcfleet_arc::meta::arcfleet::FLEET_LABEL, &fleet.name),
    ]);
    for object in &mut objects {
        object.add_labels(&common);
    }
    // Each key is built once, not once per comparison.
    objects.sort_by_cached_key(|o| {
        (
            o.apply_order(),
            o.namespace().map(str::to_owned),
            o.name().to_owned(),
        )
    });
    // Sets of a class share its named hook ConfigMap: each renders the same object; keep one.
    // Two different objects of one name would overwrite each other in the cluster.
    objects.dedup_by(|later, earlier| {
        later.kind() == earlier.kind()
            && later.namespace() == earlier.namespace()
            && later.name() == earlier.name()
            && later.to_json() == earlier.to_json()
    });
    if let Some(pair) = objects.windows(2).find(|pair| {
        pair[0].kind() == pair[1].kind()
            && pair[0].namespace() == pair[1].namespace()
            && pair[0].name() == pair[1].name()
    }) {
        return Err(RenderError::Conflict(format!(
            "{} {}/{}",
            pair[0].kind(),
            pair[0].namespace().unwrap_or("-"),
            pair[0].name()
        )));
    }
    Ok(Manifests {
        fleet_name: fleet.name.clone(),
        source_name: fleet.source_name.clone(),
        objects,
        crds: crds::kustomization(fleet)?,
    })
}

/// The output file of `object`: `<namespace>/<kind>-<name>.yaml`, or `_cluster/...` for
/// cluster-scoped objects.
pub fn file_path(object: &Object) -> String {
    let dir = object.namespace().unwrap_or(CLUSTER_DIR);
    format!(
        "{dir}/{}-{}.yaml",
        object.kind().to_lowercase(),
        object.name()
    )
}

impl Manifests {
    fn header(&self) -> String {
        format!(
            "{GENERATED_MARKER} from {} (fleet {}). Do not edit: change the spec and run `arcfleet render`.\n",
            self.source_name, self.fleet_name
        )
    }

    /// Writes every object as YAML, once and in parallel; files and the stream are both cut
    /// from the result.
    pub fn emit(&self) -> Result<Emitted, RenderError> {
        let objects = self
            .objects
            .par_iter()
            .map(|object| {
                Ok((
                    file_path(object),
                    object.to_yaml().map_err(RenderError::Emit)?,
                ))
            })
            .collect::<Result<_, RenderError>>()?;
        let file_only = match &self.crds {
            Some(crds) => vec![(
                crds::KUSTOMIZATION_PATH.to_owned(),
                arcfleet_yaml::to_yaml(crds).map_err(RenderError::Emit)?,
            )],
            None => Vec::new(),
        };
        Ok(Emitted {
            header: self.header(),
            objects,
            file_only,
        })
    }

    /// One file per object, sorted by path (see [`Emitted::files`]).
    pub fn files(&self) -> Result<Vec<RenderedFile>, RenderError> {
        Ok(self.emit()?.files())
    }

    /// Every object as one YAML stream (see [`Emitted::stream`]).
    pub fn stream(&self) -> Result<String, RenderError> {
        Ok(self.emit()?.stream())
    }

    /// Object counts by kind (for summaries).
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for object in &self.objects {
            *counts.entry(object.kind()).or_insert(0) += 1;
        }
        counts
    }
}

/// Every object of a [`Manifests`] as YAML, emitted once.
#[derive(Clone, Debug)]
pub struct Emitted {
    header: String,
    /// (file path, YAML) per object, in apply order.
    objects: Vec<(String, String)>,
    /// (file path, YAML) of files that are not objects, which the stream leaves out.
    file_only: Vec<(String, String)>,
}

impl Emitted {
    /// One file per object under a folder per namespace, and the files that are not objects,
    /// each starting with the generated header, sorted by path.
    pub fn files(&self) -> Vec<RenderedFile> {
        let mut files: Vec<RenderedFile> = self
            .objects
            .iter()
            .chain(&self.file_only)
            .map(|(path, yaml)| RenderedFile {
                path: path.clone(),
                contents: format!("{}{yaml}", self.header),
            })
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }

    /// How many objects there are (files that are not objects not counted).
    pub fn object_count(&self) -> usize {
        self.objects.len()
    }

    /// The paths of the files that are not objects (the CRD kustomization): [`Emitted::files`]
    /// has them, [`Emitted::stream`] cannot.
    pub fn file_only_paths(&self) -> impl Iterator<Item = &str> {
        self.file_only.iter().map(|(path, _)| path.as_str())
    }

    /// Every object as one YAML stream, in apply order (for `--stdout` and Argo CD).
    pub fn stream(&self) -> String {
        let mut out = String::with_capacity(self.objects.iter().map(|(_, y)| y.len() + 4).sum());
        for (_, yaml) in &self.objects {
            out.push_str("---\n");
            out.push_str(yaml);
        }
        out
    }
}
