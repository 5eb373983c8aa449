//! The policy: severity per rule, quota headroom, image pinning exceptions.
//! `policies/default.yaml` is the default policy written out (a test keeps it in sync);
//! `--policy FILE` overrides the parts it sets.

use std::collections::BTreeMap;
use std::sync::Arc;

use arcfleet_diag::{Diagnostic, Diagnostics, Severity, SourceFile};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Rule id of policy file errors.
pub const POLICY_RULE: &str = "policy";

/// How a rule's findings count. An unquoted `off` is the boolean false in YAML 1.1; it is read
/// as `off` all the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase", try_from = "LevelText")]
pub enum Level {
    /// Findings at the rule's level are errors.
    Error,
    /// Every finding is a warning.
    Warning,
    /// The rule does not run.
    Off,
}

/// What a level may be written as.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
enum LevelText {
    Word(String),
    Bool(bool),
}

impl TryFrom<LevelText> for Level {
    type Error = String;

    fn try_from(text: LevelText) -> Result<Self, String> {
        match text {
            LevelText::Word(w) if w == "error" => Ok(Level::Error),
            LevelText::Word(w) if w == "warning" => Ok(Level::Warning),
            LevelText::Word(w) if w == "off" => Ok(Level::Off),
            LevelText::Bool(false) => Ok(Level::Off),
            LevelText::Word(w) => Err(format!(
                "unknown level `{w}`, expected `error`, `warning` or `off`"
            )),
            LevelText::Bool(true) => Err("expected `error`, `warning` or `off`".into()),
        }
    }
}

impl From<Severity> for Level {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Error => Level::Error,
            // Notes have no level of their own: they say what was not checked.
            Severity::Warning | Severity::Note => Level::Warning,
        }
    }
}

/// A policy file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Policy {
    /// `arcfleet.io/v1alpha1`.
    pub api_version: String,
    /// `Policy`.
    pub kind: String,
    /// Severity per rule id (`error`, `warning` or `off`); rules not listed keep their default.
    #[serde(default)]
    pub rules: BTreeMap<String, Level>,
    /// Spare runner pods a quota must hold beyond maxRunners: `max(minimum, ceil(maxRunners / divisor))`.
    #[serde(default)]
    pub headroom: Headroom,
    /// Image pinning exceptions.
    #[serde(default)]
    pub image_pinning: ImagePinning,
}

pub use arcfleet_k8s::Headroom;

/// Images allowed to float.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ImagePinning {
    /// Image references (`repo` or `repo:tag`) that `image-pinning` does not report.
    #[serde(default)]
    pub allow: Vec<String>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            api_version: "arcfleet.io/v1alpha1".into(),
            kind: "Policy".into(),
            rules: crate::rules::catalog()
                .into_iter()
                .map(|m| (m.id.to_string(), m.default_severity.into()))
                .collect(),
            headroom: Headroom::default(),
            image_pinning: ImagePinning::default(),
        }
    }
}

impl Policy {
    /// The level of rule `id`.
    pub fn level(&self, id: &str) -> Level {
        self.rules
            .get(id)
            .copied()
            .or_else(|| crate::rules::find(id).map(|m| m.default_severity.into()))
            .unwrap_or(Level::Error)
    }

    /// The policy file's JSON Schema (`docs/policy.schema.json`).
    pub fn json_schema() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(Policy)).unwrap_or_default()
    }

    /// The default policy as YAML (what `policies/default.yaml` holds).
    pub fn default_yaml() -> String {
        let body = arcfleet_yaml::to_yaml(&Policy::default()).unwrap_or_default();
        format!(
            "# arcfleet's default policy, written by `arcfleet policy`. Copy it, change what you need,\n# and pass it with --policy. Levels: error, warning, off.\n{body}"
        )
    }

    /// Reads a policy file; the rules it lists override the defaults.
    pub fn load(file: Arc<SourceFile>) -> Result<Policy, Diagnostics> {
        let fail = |span, message: String, hint: Option<String>| {
            let diag = Diagnostic::new(
                Arc::clone(&file),
                span,
                POLICY_RULE,
                Severity::Error,
                message,
            );
            Diagnostics(vec![match hint {
                Some(h) => diag.with_hint(h),
                None => diag,
            }])
        };
        let docs = arcfleet_yaml::load(&file, &Default::default())
            .map_err(|e| fail(e.span, e.message, None))?;
        let [doc] = docs.as_slice() else {
            return Err(fail(
                Default::default(),
                "a policy file is exactly one YAML document".into(),
                None,
            ));
        };
        let mut policy: Policy =
            arcfleet_yaml::from_node(&doc.root).map_err(|e| fail(e.span, e.message, e.hint))?;
        if policy.kind != "Policy" || policy.api_version != "arcfleet.io/v1alpha1" {
            let span = doc.root.get("kind").map_or(doc.root.span, |n| n.span);
            return Err(fail(
                span,
                "expected apiVersion: arcfleet.io/v1alpha1 and kind: Policy".into(),
                None,
            ));
        }
        let known: Vec<&str> = crate::rules::catalog().iter().map(|m| m.id).collect();
        for id in policy.rules.keys() {
            if !known.contains(&id.as_str()) {
                let span = doc
                    .root
                    .get("rules")
                    .map_or(doc.root.span, |r| r.key_span(id));
                let hint =
                    arcfleet_yaml::closest(id, &known).map(|k| format!("did you mean `{k}`?"));
                return Err(fail(span, format!("unknown rule `{id}`"), hint));
            }
        }
        if policy.headroom.divisor == 0 {
            let span = doc.root.nearest("/headroom/divisor").span;
            return Err(fail(
                span,
                "headroom.divisor must be at least 1".into(),
                None,
            ));
        }
        let mut merged = Policy::default();
        merged.rules.append(&mut policy.rules);
        merged.headroom = policy.headroom;
        merged.image_pinning = policy.image_pinning;
        Ok(merged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Policy, String> {
        Policy::load(Arc::new(SourceFile::new("p.yaml", text))).map_err(|e| e.to_string())
    }

    #[test]
    fn overrides_keep_unlisted_defaults() {
        let p = load(
            "apiVersion: arcfleet.io/v1alpha1\nkind: Policy\nrules:\n  image-pinning: error\n",
        )
        .unwrap();
        assert_eq!(p.level("image-pinning"), Level::Error);
        assert_eq!(p.level("version-skew"), Level::Error);
        assert_eq!(p.level("active-deadline"), Level::Warning);
        assert_eq!(p.headroom.pods(12), 3);
    }

    #[test]
    fn errors_point_at_the_policy_file() {
        let err =
            load("apiVersion: arcfleet.io/v1alpha1\nkind: Policy\nrules:\n  version-skw: off\n")
                .unwrap_err();
        assert!(
            err.starts_with("p.yaml:4:3: error[policy]: unknown rule `version-skw`"),
            "{err}"
        );
        assert!(err.contains("did you mean `version-skew`?"), "{err}");
        let err =
            load("apiVersion: arcfleet.io/v1alpha1\nkind: Policy\nrules:\n  version-skew: loud\n")
                .unwrap_err();
        assert!(err.contains("p.yaml:4:17"), "{err}");
        let err =
            load("apiVersion: arcfleet.io/v1alpha1\nkind: Policy\nheadrom: {}\n").unwrap_err();
        assert!(err.contains("did you mean `headroom`?"), "{err}");
    }

    #[test]
    fn the_default_policy_round_trips() {
        let p = load(&Policy::default_yaml()).unwrap();
        assert_eq!(p, Policy::default());
    }
}
