//! The arcfleet fleet spec: what users write in `fleet.yaml`, and the checked [`Fleet`] the
//! generator renders.
//!
//! Data flow: [`load_spec`] (YAML → typed [`FleetDocument`], errors at file:line:col) →
//! [`resolve`] (cross-field checks → [`Fleet`] with defaults, Secret names, headroom and quotas).
//!
//! ```
//! use std::sync::Arc;
//! use arcfleet_diag::SourceFile;
//! use arcfleet_spec::{load_spec, resolve, ResolveOptions};
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
//! let spec = load_spec(Arc::new(SourceFile::new("fleet.yaml", text))).unwrap();
//! let fleet = resolve(&spec, &ResolveOptions::default()).unwrap();
//! assert_eq!(fleet.sets[0].secret_name, "github-token");
//! assert_eq!(fleet.sets[0].headroom, 1);
//! ```

mod check;
mod fleet;
mod kube;
mod load;
pub mod model;

pub use check::{ResolveOptions, resolve};
pub use fleet::{
    Fleet, PodShape, ResolvedController, ResolvedNamespace, ResolvedSet, ShapeContainer,
    class_pointer,
};
pub use load::{LoadedSpec, SPEC_RULE, load_spec};
pub use model::FleetDocument;

/// The fleet spec's JSON Schema (for editors: yaml-language-server's `# yaml-language-server: $schema=`).
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(FleetDocument)).unwrap_or_default()
}
