//! Typed custom resources of ARC fleets, written from the upstream CRDs (ARC 0.14.2's
//! `actions.github.com/v1alpha1`, External Secrets' `external-secrets.io/v1`).
//!
//! Every field of the served schema is present, so that deserializing a manifest into these types
//! and watching for ignored keys finds exactly the fields the API server would prune. Rarely used
//! deep structures stay as [`serde_json::Value`]. Optional fields are skipped when unset, so
//! serialized objects carry only what was set; maps are `BTreeMap`s, so output is deterministic.
//!
//! ```
//! use arcfleet_crds::{AutoscalingRunnerSet, AutoscalingRunnerSetSpec};
//! let ars = AutoscalingRunnerSet::new("gpu-runners", "gpu-runner", AutoscalingRunnerSetSpec {
//!     github_config_url: Some("https://github.com/acme".into()),
//!     max_runners: Some(3),
//!     ..Default::default()
//! });
//! let json = serde_json::to_value(&ars).unwrap();
//! assert_eq!(json["apiVersion"], "actions.github.com/v1alpha1");
//! assert_eq!(json["spec"]["maxRunners"], 3);
//! assert!(json["spec"].get("minRunners").is_none());
//! ```

mod ars;
mod external_secret;
mod monitoring;

pub use ars::*;
pub use external_secret::*;
pub use monitoring::*;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// ObjectMeta with only a name and a namespace.
pub(crate) fn meta(name: &str, namespace: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some(namespace.to_string()),
        ..Default::default()
    }
}
