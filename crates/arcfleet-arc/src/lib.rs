//! What Actions Runner Controller (ARC v2, `gha-runner-scale-set`) is, in one place.
//!
//! Every fact arcfleet relies on about ARC lives here, read from ARC's controller and charts
//! (0.14.2; each item names its source file), and is used alike by `render` (which writes it),
//! the chart emulation of `validate` (which renders Helm values with it) and the rules (which
//! check manifests against it):
//!
//! - [`version`]: ARC versions, what each can do, and how a controller judges a scale set's
//!   version label;
//! - [`meta`]: label, annotation and finalizer keys, including the cleanup protection;
//! - [`names`]: name limits and the names the charts derive;
//! - [`rbac`]: the Roles the charts grant;
//! - [`runner`]: the runner pod's wiring and each container mode's expansion;
//! - [`credentials`]: the keys ARC reads GitHub credentials from;
//! - [`controller`]: the controller's flags, environment and chart arguments;
//! - [`chart`]: the charts' names, defaults, keys and refusals;
//! - [`crds`]: where each release publishes its CRDs.
//!
//! ```
//! use arcfleet_arc::{SkewVerdict, Version};
//!
//! let controller = Version::new(0, 14, 2);
//! assert_eq!(controller.judge_scale_set("0.13.1".parse().unwrap()), SkewVerdict::Deleted);
//! ```

pub mod chart;
pub mod controller;
pub mod crds;
pub mod credentials;
pub mod meta;
pub mod names;
pub mod rbac;
pub mod runner;
pub mod version;

pub use version::{CHART_RELEASE, KNOWN_RELEASES, KubeVersion, SkewVerdict, Version, VersionError};
