//! Per-object suppression: `arcfleet.io/ignore: "rule-a,rule-b"`, explained by
//! `arcfleet.io/ignore-reason`.

use std::collections::HashMap;

use arcfleet_diag::{Diagnostic, ObjectRef, Severity};
use arcfleet_yaml::Node;

use crate::index::{Object, ObjectIndex};

/// Rule id of suppressions that are not explained or name no rule.
pub const IGNORE_WITHOUT_REASON: &str = "ignore-without-reason";
/// The annotation listing suppressed rules.
pub const IGNORE_ANNOTATION: &str = "arcfleet.io/ignore";
/// The annotation saying why.
pub const REASON_ANNOTATION: &str = "arcfleet.io/ignore-reason";

/// Drops findings the object they are about suppresses, and reports unexplained suppressions.
pub(crate) fn apply(index: &ObjectIndex<'_>, findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut ignores: HashMap<ObjectRef, Vec<String>> = HashMap::new();
    let mut extra = Vec::new();
    for object in index.objects() {
        let Some(annotation) = object.annotation(IGNORE_ANNOTATION) else {
            continue;
        };
        let ids: Vec<String> = annotation
            .scalar_text()
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        check_annotation(object, annotation, &ids, &mut extra);
        ignores.insert(object.reference(), ids);
    }
    findings
        .into_iter()
        .filter(|d| {
            let suppressed = d
                .object
                .as_ref()
                .and_then(|o| ignores.get(o))
                .is_some_and(|ids| ids.iter().any(|id| id == d.rule));
            !suppressed
        })
        .chain(extra)
        .collect()
}

fn check_annotation(
    object: &Object<'_>,
    annotation: &Node,
    ids: &[String],
    out: &mut Vec<Diagnostic>,
) {
    let report = |message: String| {
        Diagnostic::new(
            object.file.clone(),
            annotation.span,
            IGNORE_WITHOUT_REASON,
            Severity::Warning,
            message,
        )
        .with_object(object.reference())
    };
    let reason = object
        .annotation(REASON_ANNOTATION)
        .and_then(Node::scalar_text)
        .unwrap_or_default();
    if reason.trim().is_empty() {
        out.push(
            report(format!(
                "`{IGNORE_ANNOTATION}` suppresses {} without `{REASON_ANNOTATION}`",
                ids.join(", ")
            ))
            .with_hint(format!(
                "add {REASON_ANNOTATION}: \"why this is safe here\""
            )),
        );
    }
    let known: Vec<&str> = crate::rules::catalog().iter().map(|m| m.id).collect();
    for id in ids.iter().filter(|id| !known.contains(&id.as_str())) {
        let hint = arcfleet_yaml::closest(id, &known).map(|k| format!("did you mean `{k}`?"));
        let diag = report(format!(
            "`{IGNORE_ANNOTATION}` names unknown rule `{id}`; it suppresses nothing"
        ));
        out.push(match hint {
            Some(h) => diag.with_hint(h),
            None => diag,
        });
    }
}
