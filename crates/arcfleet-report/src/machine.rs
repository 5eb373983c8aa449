//! Machine-readable outputs: JSON, SARIF 2.1.0, JUnit XML and GitHub workflow commands.

use arcfleet_diag::{Diagnostic, Severity};
use serde_json::{Value, json};

/// Counts printed with every report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files read.
    pub files: usize,
    /// Kubernetes objects checked.
    pub objects: usize,
    /// Documents skipped (not Kubernetes objects).
    pub skipped: usize,
}

/// What SARIF consumers show about a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleDoc {
    /// Stable id.
    pub id: String,
    /// One line.
    pub summary: String,
    /// The full documentation.
    pub help: String,
    /// Default severity.
    pub default_severity: Severity,
}

fn counts(diagnostics: &[Diagnostic]) -> (usize, usize, usize) {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    )
}

/// `{"findings":[…],"summary":{…}}`; `file` is the path as given.
pub fn json(diagnostics: &[Diagnostic], summary: Summary) -> String {
    let findings: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let (line, column) = d.line_col();
            let mut finding = json!({
                "rule": d.rule,
                "severity": d.severity.as_str(),
                "message": d.message,
                "file": d.file.name(),
                "line": line,
                "column": column,
                "object": d.object.as_ref().map(|o| json!({"kind": o.kind, "namespace": o.namespace, "name": o.name})),
            });
            if let Some(hint) = &d.hint {
                finding["hint"] = json!(hint);
            }
            finding
        })
        .collect();
    let (errors, warnings, notes) = counts(diagnostics);
    let report = json!({
        "findings": findings,
        "summary": {"files": summary.files, "objects": summary.objects, "skipped": summary.skipped, "errors": errors, "warnings": warnings, "notes": notes},
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    )
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A SARIF 2.1.0 log, as GitHub code scanning accepts it: every rule with its help, every result
/// with a physical location and a region (1-based lines and columns).
pub fn sarif(diagnostics: &[Diagnostic], rules: &[RuleDoc], tool_version: &str) -> String {
    let rule_index = |id: &str| rules.iter().position(|r| r.id == id);
    let driver_rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.help.trim()},
                "help": {"text": r.help.trim(), "markdown": r.help.trim()},
                "defaultConfiguration": {"level": sarif_level(r.default_severity)},
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let (start_line, start_column) = d.file.line_col(d.span.start());
            let (end_line, end_column) = d.file.line_col(d.span.end());
            let mut text = d.message.clone();
            if let Some(hint) = &d.hint {
                text = format!("{text} ({hint})");
            }
            let mut result = json!({
                "ruleId": d.rule,
                "level": sarif_level(d.severity),
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(d.file.name())},
                        "region": {"startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column.max(if end_line == start_line { start_column } else { 1 })},
                    }
                }],
            });
            if let Some(i) = rule_index(d.rule) {
                result["ruleIndex"] = json!(i);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "arcfleet",
                "version": tool_version,
                "informationUri": "https://github.com/arcfleet/arcfleet",
                "rules": driver_rules,
            }},
            "results": results,
        }],
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&log).unwrap_or_default()
    )
}

/// A relative URI reference for a path as given (SARIF wants `/` separators, no `./`).
fn uri(path: &str) -> String {
    path.trim_start_matches("./")
        .replace('\\', "/")
        .replace(' ', "%20")
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// JUnit XML: one test case per finding (errors are failures), or one passing case when clean.
pub fn junit(diagnostics: &[Diagnostic], summary: Summary) -> String {
    let (errors, _, _) = counts(diagnostics);
    let mut cases = String::new();
    for d in diagnostics {
        let (line, col) = d.line_col();
        let object = d
            .object
            .as_ref()
            .map(|o| format!(" ({o})"))
            .unwrap_or_default();
        let name = xml_escape(&format!(
            "{}{object} at {}:{line}:{col}",
            d.rule,
            d.file.name()
        ));
        let classname = xml_escape(d.file.name());
        let body = xml_escape(&format!(
            "{}:{line}:{col}: {}{}",
            d.file.name(),
            d.message,
            d.hint
                .as_ref()
                .map(|h| format!("\nhint: {h}"))
                .unwrap_or_default()
        ));
        let tag = if d.severity == Severity::Error {
            "failure"
        } else {
            "skipped"
        };
        cases.push_str(&format!(
            "    <testcase name=\"{name}\" classname=\"{classname}\">\n      <{tag} message=\"{}\" type=\"{}\">{body}</{tag}>\n    </testcase>\n",
            xml_escape(&d.message),
            d.rule
        ));
    }
    let tests = diagnostics.len().max(1);
    if diagnostics.is_empty() {
        cases.push_str(&format!(
            "    <testcase name=\"arcfleet validate: {} files, {} objects\" classname=\"arcfleet\"/>\n",
            summary.files, summary.objects
        ));
    }
    let skipped = diagnostics.len() - errors;
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"arcfleet\" tests=\"{tests}\" failures=\"{errors}\">\n  <testsuite name=\"arcfleet validate\" tests=\"{tests}\" failures=\"{errors}\" skipped=\"{skipped}\">\n{cases}  </testsuite>\n</testsuites>\n"
    )
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands (`::error file=…,line=…::message`), which annotate the
/// pull request diff.
pub fn github(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            let (line, col) = d.line_col();
            let (end_line, end_col) = d.file.line_col(d.span.end());
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "notice",
            };
            let message = match &d.hint {
                Some(h) => format!("{}\nhint: {h}", d.message),
                None => d.message.clone(),
            };
            format!(
                "::{command} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}\n",
                escape_property(d.file.name()),
                escape_property(&format!("arcfleet {}", d.rule)),
                escape_data(&message)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use arcfleet_diag::{ObjectRef, SourceFile, Span};
    use std::sync::Arc;

    fn finding() -> Diagnostic {
        let file = Arc::new(SourceFile::new(
            "runners/set.yaml",
            "metadata:\n  name: x\nspec:\n  maxRunners: 1\n",
        ));
        Diagnostic::new(
            file,
            Span::new(30, 40),
            "runner-bounds",
            Severity::Error,
            "bad <bounds>, 100%",
        )
        .with_hint("fix: it")
        .with_object(ObjectRef {
            kind: "AutoscalingRunnerSet".into(),
            namespace: Some("ci".into()),
            name: "x".into(),
        })
    }

    #[test]
    fn json_has_the_documented_shape() {
        let v: Value = serde_json::from_str(&json(
            &[finding()],
            Summary {
                files: 1,
                objects: 1,
                skipped: 0,
            },
        ))
        .unwrap();
        assert_eq!(v["findings"][0]["file"], "runners/set.yaml");
        assert_eq!(v["findings"][0]["line"], 4);
        assert_eq!(v["findings"][0]["column"], 5);
        assert_eq!(v["findings"][0]["object"]["namespace"], "ci");
        assert_eq!(v["summary"]["errors"], 1);
    }

    #[test]
    fn github_commands_escape_properties_and_data() {
        let text = github(&[finding()]);
        assert_eq!(
            text,
            "::error file=runners/set.yaml,line=4,col=5,endLine=4,endColumn=15,title=arcfleet runner-bounds::bad <bounds>, 100%25%0Ahint: fix: it\n"
        );
    }

    #[test]
    fn junit_escapes_xml() {
        let text = junit(&[finding()], Summary::default());
        assert!(text.contains("failures=\"1\""), "{text}");
        assert!(text.contains("bad &lt;bounds&gt;"), "{text}");
        let clean = junit(
            &[],
            Summary {
                files: 2,
                objects: 5,
                skipped: 0,
            },
        );
        assert!(
            clean.contains("tests=\"1\" failures=\"0\"") && clean.contains("5 objects"),
            "{clean}"
        );
    }
}
