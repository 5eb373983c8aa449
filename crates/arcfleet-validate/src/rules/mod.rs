//! The rules. Each lives in its own module with its id, a doc comment that says why it exists
//! (shown by `arcfleet explain ID`), and tests that show it firing on a bad manifest and staying
//! quiet on a good one.
//!
//! A rule reports a finding either *at the rule's severity* ([`Findings::at_rule_level`]: error
//! by default, whatever the policy sets) or as a *lesser* finding ([`Findings::warning`]: always a
//! warning, e.g. a patch-level version difference or headroom that is only short).

use arcfleet_diag::{Diagnostic, Severity, Span};

use crate::index::{Object, ObjectIndex};
use crate::policy::Policy;
use crate::schema_dir::SchemaStore;
use crate::views::Views;

mod active_deadline;
mod chart_values;
mod cleanup_protection;
mod controller_config;
mod controller_scope;
mod dind_wiring;
mod github_secret_keys;
mod image_pinning;
mod kube_mode_wiring;
mod manager_rbac;
mod monitoring_coverage;
mod name_limits;
mod plaintext_secret;
mod pod_admission;
mod privileged_outside_dind;
mod quota_headroom;
mod quota_resources_missing;
mod runner_bounds;
mod runner_container;
mod scale_set_identity;
mod schema;
mod secret_ref_missing;
mod version_skew;
mod yaml_ambiguous_scalar;

mod registry;
#[cfg(test)]
pub(crate) mod testing;

pub(crate) use registry::all;
pub use registry::{catalog, find, rules_markdown};

/// What a rule is: its stable id, default severity, one-line summary and documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable id, `version-skew`.
    pub id: &'static str,
    /// Severity when no policy says otherwise.
    pub default_severity: Severity,
    /// One line for `arcfleet rules`.
    pub summary: &'static str,
    /// The rule's doc comment: why it exists and what ARC does without it.
    pub doc: &'static str,
}

impl RuleMeta {
    /// The documentation as plain text (the doc comment without its leading spaces).
    pub fn doc_text(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    }
}

/// Declares a rule's unit struct and its [`RuleMeta`] from its doc comment.
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $name:ident, id: $id:literal, severity: $sev:ident, summary: $summary:literal) => {
        $(#[doc = $doc])*
        pub(crate) struct $name;

        impl $name {
            pub(crate) const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                id: $id,
                default_severity: arcfleet_diag::Severity::$sev,
                summary: $summary,
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}
pub(crate) use declare_rule;

/// What every rule sees.
pub(crate) struct Context<'i, 'a> {
    pub index: &'i ObjectIndex<'a>,
    pub policy: &'i Policy,
    pub views: &'i Views<'a>,
    pub schemas: Option<&'i SchemaStore>,
    /// What the charts refuse or ignore in Helm values.
    pub chart_problems: &'i [crate::chart::ChartProblem],
}

/// A rule: reads the context, reports findings.
pub(crate) trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings);
}

/// Findings of one rule, collected as it runs.
pub(crate) struct Findings {
    rule: &'static RuleMeta,
    pub(crate) items: Vec<Diagnostic>,
}

/// A finding just reported; add a hint to it.
pub(crate) struct Reported<'d>(&'d mut Diagnostic);

impl Reported<'_> {
    pub fn hint(self, hint: impl Into<String>) {
        self.0.hint = Some(hint.into());
    }
}

impl Findings {
    pub(crate) fn new(rule: &'static RuleMeta) -> Self {
        Findings {
            rule,
            items: Vec::new(),
        }
    }

    fn push(
        &mut self,
        severity: Severity,
        object: &Object<'_>,
        span: Span,
        message: String,
    ) -> Reported<'_> {
        self.push_in(object.file.clone(), severity, object, span, message)
    }

    fn push_in(
        &mut self,
        file: std::sync::Arc<arcfleet_diag::SourceFile>,
        severity: Severity,
        object: &Object<'_>,
        span: Span,
        message: String,
    ) -> Reported<'_> {
        let diag = Diagnostic::new(file, span, self.rule.id, severity, message)
            .with_object(object.reference());
        self.items.push(diag);
        let last = self.items.len() - 1;
        Reported(&mut self.items[last])
    }

    /// A finding at the rule's severity (the policy decides how severe that is).
    pub fn at_rule_level(
        &mut self,
        object: &Object<'_>,
        span: Span,
        message: impl Into<String>,
    ) -> Reported<'_> {
        self.push(Severity::Error, object, span, message.into())
    }

    /// A finding built elsewhere (a lesser one stays a warning whatever the policy says).
    pub fn push_diagnostic(&mut self, diag: Diagnostic, lesser: bool) {
        let mut diag = diag;
        if !lesser {
            diag.severity = Severity::Error;
        } else if diag.severity == Severity::Error {
            diag.severity = Severity::Warning;
        }
        self.items.push(diag);
    }

    /// A finding at the rule's severity about `object`, at a place in another file (the chart
    /// version a HelmRelease points at, say).
    pub fn at(
        &mut self,
        object: &Object<'_>,
        file: std::sync::Arc<arcfleet_diag::SourceFile>,
        span: Span,
        message: impl Into<String>,
    ) -> Reported<'_> {
        self.push_in(file, Severity::Error, object, span, message.into())
    }

    /// Like [`Findings::at`], a lesser finding.
    pub fn warning_at(
        &mut self,
        object: &Object<'_>,
        file: std::sync::Arc<arcfleet_diag::SourceFile>,
        span: Span,
        message: impl Into<String>,
    ) -> Reported<'_> {
        self.push_in(file, Severity::Warning, object, span, message.into())
    }

    /// A note: what this rule could not check about `object`, and why.
    pub fn note(&mut self, object: &Object<'_>, span: Span, message: impl Into<String>) {
        self.push(Severity::Note, object, span, message.into());
    }

    /// A lesser finding: always a warning.
    pub fn warning(
        &mut self,
        object: &Object<'_>,
        span: Span,
        message: impl Into<String>,
    ) -> Reported<'_> {
        self.push(Severity::Warning, object, span, message.into())
    }
}
