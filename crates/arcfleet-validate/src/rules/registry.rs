//! The registry: every rule, the built-in ones that are not modules, and the reference
//! generated from their documentation. The rule API (what a rule is and how it reports) stays in
//! the parent module.

use arcfleet_diag::Severity;

use super::{Rule, RuleMeta};

/// Every rule, in the order `arcfleet rules` lists them.
pub(crate) fn all() -> &'static [&'static dyn Rule] {
    &[
        &super::schema::Schema,
        &super::chart_values::ChartValues,
        &super::version_skew::VersionSkew,
        &super::controller_config::ControllerConfig,
        &super::controller_scope::ControllerScope,
        &super::manager_rbac::ManagerRbac,
        &super::github_secret_keys::GithubSecretKeys,
        &super::secret_ref_missing::SecretRefMissing,
        &super::runner_bounds::RunnerBounds,
        &super::quota_headroom::QuotaHeadroom,
        &super::quota_resources_missing::QuotaResourcesMissing,
        &super::privileged_outside_dind::PrivilegedOutsideDind,
        &super::pod_admission::PodAdmission,
        &super::dind_wiring::DindWiring,
        &super::kube_mode_wiring::KubeModeWiring,
        &super::runner_container::RunnerContainer,
        &super::active_deadline::ActiveDeadline,
        &super::name_limits::NameLimits,
        &super::scale_set_identity::ScaleSetIdentity,
        &super::plaintext_secret::PlaintextSecret,
        &super::image_pinning::ImagePinning,
        &super::yaml_ambiguous_scalar::YamlAmbiguousScalar,
        &super::monitoring_coverage::MonitoringCoverage,
        &super::cleanup_protection::CleanupProtection,
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
