//! Reading `fleet.yaml` into the typed model, with every error at its node.

use std::sync::Arc;

use arcfleet_diag::{Diagnostic, Diagnostics, Severity, SourceFile, Span};
use arcfleet_yaml::{Limits, Node, YAML_SYNTAX_RULE, from_node, load};

use crate::model::FleetDocument;

/// The rule id of every fleet spec error.
pub const SPEC_RULE: &str = "spec";

/// A parsed fleet spec: the typed model plus the YAML tree, so later checks can point at nodes.
#[derive(Clone, Debug)]
pub struct LoadedSpec {
    /// The spec file.
    pub file: Arc<SourceFile>,
    /// Its YAML tree (for spans).
    pub root: Node,
    /// The typed spec.
    pub document: FleetDocument,
}

impl LoadedSpec {
    /// An error at the node at JSON Pointer `pointer` (or the closest node that exists).
    pub fn error_at(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(
            Arc::clone(&self.file),
            self.root.nearest(pointer).span,
            SPEC_RULE,
            Severity::Error,
            message,
        )
    }

    /// An error at the key of the entry at `pointer` (for "this field should not be here").
    pub fn error_at_key(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
        let key = key.replace("~1", "/").replace("~0", "~");
        let span = self.root.nearest(parent).key_span(&key);
        Diagnostic::new(
            Arc::clone(&self.file),
            span,
            SPEC_RULE,
            Severity::Error,
            message,
        )
    }
}

/// Parses a fleet spec.
///
/// ```
/// use std::sync::Arc;
/// use arcfleet_diag::SourceFile;
///
/// let file = Arc::new(SourceFile::new("fleet.yaml", "apiVersion: arcfleet.io/v1alpha1\nkind: Fleet\nmetadata: {name: x}\nspec: {controler: {}}\n"));
/// let errors = arcfleet_spec::load_spec(file).unwrap_err();
/// let first = &errors.0[0];
/// assert_eq!(first.line_col(), (4, 8));
/// assert!(first.message.contains("unknown field `controler`"));
/// assert_eq!(first.hint.as_deref(), Some("did you mean `controller`?"));
/// ```
pub fn load_spec(file: Arc<SourceFile>) -> Result<LoadedSpec, Diagnostics> {
    let fail_as = |rule: &'static str, span: Span, message: String| {
        Diagnostics(vec![Diagnostic::new(
            Arc::clone(&file),
            span,
            rule,
            Severity::Error,
            message,
        )])
    };
    let fail = |span: Span, message: String| fail_as(SPEC_RULE, span, message);
    let mut docs = load(&file, &Limits::default())
        .map_err(|e| fail_as(YAML_SYNTAX_RULE, e.span, e.message))?;
    if docs.len() != 1 {
        let span = docs.get(1).map_or(Span::point(0), |d| d.root.span);
        return Err(fail(
            span,
            format!(
                "a fleet spec is exactly one YAML document, found {}",
                docs.len()
            ),
        ));
    }
    let root = docs.remove(0).root;
    if root.as_mapping().is_none() {
        return Err(fail(
            root.span,
            "a fleet spec is a mapping with apiVersion, kind, metadata and spec".into(),
        ));
    }
    let document: FleetDocument = from_node(&root).map_err(|e| {
        let diag = Diagnostic::new(
            Arc::clone(&file),
            e.span,
            SPEC_RULE,
            Severity::Error,
            e.message,
        );
        Diagnostics(vec![match e.hint {
            Some(h) => diag.with_hint(h),
            None => diag,
        }])
    })?;
    Ok(LoadedSpec {
        file,
        root,
        document,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        let file = Arc::new(SourceFile::new("fleet.yaml", text));
        match load_spec(file) {
            Ok(_) => Vec::new(),
            Err(d) => d.0.iter().map(ToString::to_string).collect(),
        }
    }

    const HEAD: &str = "apiVersion: arcfleet.io/v1alpha1\nkind: Fleet\nmetadata:\n  name: x\n";

    #[test]
    fn unknown_field_points_at_the_key_with_a_suggestion() {
        let text = format!(
            "{HEAD}spec:\n  controller: {{version: 0.14.2}}\n  secretStore: {{kind: ClusterSecretStore, name: v}}\n  runnerClasses: {{}}\n  runnerSets:\n    - name: a\n      namespace: b\n      githubConfigUrl: https://github.com/o\n      auth: {{githubToken: {{remoteKey: k}}}}\n      class: c\n      maxRuners: 3\n"
        );
        let errs = errors(&text);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with(
                "fleet.yaml:15:7: error[spec]: spec.runnerSets.0: unknown field `maxRuners`"
            ),
            "{}",
            errs[0]
        );
        assert!(
            errs[0].contains("did you mean `maxRunners`?"),
            "{}",
            errs[0]
        );
    }

    #[test]
    fn wrong_types_point_at_the_value() {
        let text = format!("{HEAD}spec:\n  controller: {{version: 0.14.2, replicas: many}}\n");
        let errs = errors(&text);
        assert!(errs[0].starts_with("fleet.yaml:6:43: error[spec]: spec.controller.replicas: invalid type: string \"many\", expected a whole number ≥ 0"), "{}", errs[0]);
    }

    #[test]
    fn bad_enum_values_get_suggestions() {
        let text = format!(
            "{HEAD}spec:\n  controller: {{version: 0.14.2}}\n  secretStore: {{kind: ClusterSecretstore, name: v}}\n"
        );
        let errs = errors(&text);
        assert!(
            errs[0].contains("unknown variant `ClusterSecretstore`"),
            "{}",
            errs[0]
        );
        assert!(
            errs[0].contains("did you mean `ClusterSecretStore`?"),
            "{}",
            errs[0]
        );
    }

    #[test]
    fn not_a_mapping_or_several_documents() {
        assert!(errors("- a\n- b\n")[0].contains("is a mapping"));
        assert!(errors("a: 1\n---\nb: 2\n")[0].contains("exactly one YAML document, found 2"));
        assert!(errors("")[0].contains("found 0"));
        assert!(errors("a: [\n")[0].contains("invalid YAML"));
    }
}
