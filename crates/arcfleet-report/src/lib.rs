//! Renderers for arcfleet [`Diagnostic`](arcfleet_diag::Diagnostic)s. One finding model, many
//! outputs; line and column are computed here, at render time, from each diagnostic's file.
//!
//! ```
//! use std::sync::Arc;
//! use arcfleet_diag::{Diagnostic, Severity, SourceFile, Span};
//!
//! let file = Arc::new(SourceFile::new("runners.yaml", "spec:\n  minRunners: 20\n"));
//! let d = Diagnostic::new(file, Span::new(20, 22), "runner-bounds", Severity::Error,
//!     "minRunners (20) is greater than maxRunners (10)").with_hint("lower minRunners");
//! let text = arcfleet_report::human(&[d.clone()], false);
//! assert!(text.contains("--> runners.yaml:2:15"));
//! assert!(text.contains("error[runner-bounds]"));
//! let json = arcfleet_report::json(&[d], Default::default());
//! assert!(json.contains("\"line\": 2"));
//! ```

mod human;
mod machine;

pub use human::human;
pub use machine::{RuleDoc, Summary, github, json, junit, sarif};
