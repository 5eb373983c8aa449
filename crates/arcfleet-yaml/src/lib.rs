//! YAML for arcfleet: documents with byte spans on every node, Kubernetes' YAML 1.1 scalar
//! resolution, and safe deterministic emission.
//!
//! Reading: [`load`] turns a [`SourceFile`](arcfleet_diag::SourceFile) into [`Document`]s whose
//! [`Node`]s keep their span, raw text and quoting style, so every later finding can point at
//! the exact node. Writing: [`to_yaml`] emits with every YAML-1.1-ambiguous string quoted.

/// Rule id of findings about YAML that cannot be read at all.
pub const YAML_SYNTAX_RULE: &str = "yaml-syntax";

mod emit;
mod load;
mod node;
mod resolve;
mod typed;

pub use emit::{EmitError, to_yaml};
pub use load::{Document, Limits, LoadError, load};
pub use node::{Entry, Node, NodeValue, Scalar, ScalarStyle, pointer_token};
pub use resolve::{Resolved, to_json};
pub use typed::{TypedError, closest, from_node};
