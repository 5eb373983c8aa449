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

#[cfg(test)]
pub(crate) mod testing;

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

/// The rule reference (`docs/rules.md`), generated from the rules' doc comments.
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# arcfleet rules\n\nGenerated from the rules' doc comments (`arcfleet explain ID` prints the same text).\nSeverities are defaults; a policy file (`--policy`) can change them.\n\n| rule | default | checks |\n| --- | --- | --- |\n",
    );
    for m in catalog() {
        out.push_str(&format!(
            "| [`{}`](#{}) | {} | {} |\n",
            m.id,
            m.id,
            m.default_severity,
            m.summary.replace('|', "\\|")
        ));
    }
    for m in catalog() {
        out.push_str(&format!(
            "\n## {}\n\nDefault: {}. {}\n\n{}\n",
            m.id,
            m.default_severity,
            m.summary,
            m.doc_text()
        ));
    }
    out
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

/// Every rule, in the order `arcfleet rules` lists them.
pub(crate) fn all() -> &'static [&'static dyn Rule] {
    &[
        &schema::Schema,
        &chart_values::ChartValues,
        &version_skew::VersionSkew,
        &controller_config::ControllerConfig,
        &controller_scope::ControllerScope,
        &manager_rbac::ManagerRbac,
        &github_secret_keys::GithubSecretKeys,
        &secret_ref_missing::SecretRefMissing,
        &runner_bounds::RunnerBounds,
        &quota_headroom::QuotaHeadroom,
        &quota_resources_missing::QuotaResourcesMissing,
        &privileged_outside_dind::PrivilegedOutsideDind,
        &pod_admission::PodAdmission,
        &dind_wiring::DindWiring,
        &kube_mode_wiring::KubeModeWiring,
        &runner_container::RunnerContainer,
        &active_deadline::ActiveDeadline,
        &name_limits::NameLimits,
        &scale_set_identity::ScaleSetIdentity,
        &plaintext_secret::PlaintextSecret,
        &image_pinning::ImagePinning,
        &yaml_ambiguous_scalar::YamlAmbiguousScalar,
        &monitoring_coverage::MonitoringCoverage,
        &cleanup_protection::CleanupProtection,
    ]
}

/// Rules that are not modules of their own: problems found while reading input or suppressions.
pub(crate) const BUILTIN: &[RuleMeta] = &[
    RuleMeta {
        id: arcfleet_yaml::YAML_SYNTAX_RULE,
        default_severity: Severity::Error,
        summary: "the file is not readable YAML (or not UTF-8); nothing in it was checked",
        doc: " A file that cannot be parsed is reported at the first byte the parser could not read\n and the run exits with code 2: none of its objects were checked, so a clean result\n would be a lie.\n",
    },
    RuleMeta {
        id: crate::NOT_CHECKED_RULE,
        default_severity: Severity::Note,
        summary: "a file arcfleet could not read as YAML because it is a template (`.tpl`, `.tftpl`): not checked",
        doc: " Templates (Helm `.tpl`, Terraform `.tftpl`, Go `.tmpl`) are read like manifests when they\n parse as YAML, placeholders and all; when they do not, the run says so instead of passing\n them by in silence, and goes on.\n",
    },
    RuleMeta {
        id: crate::suppress::IGNORE_WITHOUT_REASON,
        default_severity: Severity::Warning,
        summary: "an `arcfleet.io/ignore` annotation without `arcfleet.io/ignore-reason`, or naming an unknown rule",
        doc: " Suppressing a finding hides a known risk from everyone who reads the manifest later.\n Say why in `arcfleet.io/ignore-reason` next to `arcfleet.io/ignore`, so the decision can\n be reviewed; an ignore naming a rule that does not exist suppresses nothing.\n",
    },
];

/// Metadata of every rule (module rules, then built-in ones).
pub fn catalog() -> Vec<&'static RuleMeta> {
    all()
        .iter()
        .map(|r| r.meta())
        .chain(BUILTIN.iter())
        .collect()
}

/// Metadata of rule `id`.
pub fn find(id: &str) -> Option<&'static RuleMeta> {
    catalog().into_iter().find(|m| m.id == id)
}
