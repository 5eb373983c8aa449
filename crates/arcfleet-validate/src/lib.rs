//! Validation of ARC fleet manifests across objects, with every finding at the exact node.
//!
//! Data flow: [`input`] (paths → files) → [`parse`] (files → documents with spans, in
//! parallel) → [`ObjectIndex`] (kind, namespace, name; scale sets, controllers, worker
//! podspecs) → rules (each reads the index) → findings ([`arcfleet_diag::Diagnostic`]) →
//! policy levels and suppressions → a sorted [`Report`].
//!
//! ```
//! use std::sync::Arc;
//! use arcfleet_diag::SourceFile;
//! use arcfleet_validate::{validate, Options};
//!
//! let ars = "apiVersion: actions.github.com/v1alpha1\nkind: AutoscalingRunnerSet\nmetadata:\n  name: runners\n  namespace: ci\nspec:\n  minRunners: 3\n  maxRunners: 2\n";
//! let report = validate(vec![Arc::new(SourceFile::new("runners.yaml", ars))], &Options::default());
//! let bounds = report.diagnostics.iter().find(|d| d.rule == "runner-bounds").unwrap();
//! assert_eq!(bounds.line_col(), (7, 15));
//! assert!(report.errors() > 0);
//! ```

pub mod chart;
mod embedded;
pub mod index;
pub mod input;
pub mod pod;
pub mod policy;
mod rules;
mod schema_dir;
mod secrets;
pub mod suppress;
pub mod views;

use std::sync::Arc;

use arcfleet_diag::{Diagnostic, Severity, SourceFile};
use arcfleet_yaml::{Document, Limits, YAML_SYNTAX_RULE};
use rayon::prelude::*;

pub use index::ObjectIndex;
pub use policy::{Level, Policy};
pub use rules::{RuleMeta, catalog, find as find_rule, rules_markdown};
pub use schema_dir::{SchemaError, SchemaStore, Violation};

/// How to validate.
#[derive(Debug, Default)]
pub struct Options {
    /// Severity per rule, headroom, pinning exceptions.
    pub policy: Policy,
    /// Extra strict validation against kubeconform-layout JSON schemas.
    pub schemas: Option<SchemaStore>,
}

/// The outcome of a validation run.
#[derive(Debug, Default)]
pub struct Report {
    /// Findings, sorted by file, position and rule.
    pub diagnostics: Vec<Diagnostic>,
    /// Files read.
    pub files: usize,
    /// YAML documents read.
    pub documents: usize,
    /// Kubernetes objects checked.
    pub objects: usize,
    /// Documents that are neither Kubernetes objects nor Helm values (kustomization.yaml, ...).
    pub skipped: usize,
    /// Helm releases of ARC's charts, checked as the objects the charts render.
    pub releases: usize,
}

impl Report {
    /// Findings at error level.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Findings at warning level.
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// Notes: what could not be checked.
    pub fn notes(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Note)
            .count()
    }

    /// Whether any file could not be read as YAML (an input error, exit 2).
    pub fn has_unreadable_input(&self) -> bool {
        self.diagnostics.iter().any(|d| d.rule == YAML_SYNTAX_RULE)
    }
}

/// Rule id of notes about what was not checked.
pub const NOT_CHECKED_RULE: &str = "not-checked";

/// Parses every file (in parallel); unreadable YAML becomes a `yaml-syntax` finding. Templates
/// (`.tpl`, `.tftpl`, ...) are read when they parse, their `{{ }}` placeholders kept as text,
/// and get a `not-checked` note when they do not; a Helm chart's own templates get that note
/// without being read.
pub fn parse(sources: &[Arc<SourceFile>]) -> (Vec<Document>, Vec<Diagnostic>) {
    // Boxed: a file's documents are many and its problem is one.
    let results: Vec<Result<Vec<Document>, Box<Diagnostic>>> = sources
        .par_iter()
        .map(|file| {
            let path = std::path::Path::new(file.name());
            let not_checked = |why: String| {
                Box::new(Diagnostic::new(
                    file.clone(),
                    arcfleet_diag::Span::point(0),
                    NOT_CHECKED_RULE,
                    Severity::Note,
                    format!("not checked: {why}"),
                ))
            };
            if input::is_chart_template(path) {
                return Err(not_checked(
                    "a template of a Helm chart; what it renders depends on the chart's values (validate those, or the chart's render)".into(),
                ));
            }
            if let Some(at) = file.text().find(['\u{FFFD}', '\0']) {
                return Err(Box::new(Diagnostic::new(
                    file.clone(),
                    arcfleet_diag::Span::point(at),
                    YAML_SYNTAX_RULE,
                    Severity::Error,
                    "not UTF-8 text (a binary file?); nothing in it was checked",
                )));
            }
            let template = input::is_template_name(path);
            match arcfleet_yaml::load(file, &Limits::default()) {
                Ok(mut docs) => {
                    if template {
                        for doc in &mut docs {
                            restore_placeholders(&mut doc.root, file.text());
                        }
                    }
                    Ok(docs)
                }
                Err(e) if template => Err(not_checked(format!(
                    "a template that is not YAML until it is rendered ({} at line {})",
                    e.message,
                    file.line_col(e.span.start()).0
                ))),
                Err(e) => Err(Box::new(Diagnostic::new(
                    file.clone(),
                    e.span,
                    YAML_SYNTAX_RULE,
                    Severity::Error,
                    e.message,
                ))),
            }
        })
        .collect();
    let mut documents = Vec::new();
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(docs) => documents.extend(docs),
            Err(problem) => problems.push(*problem),
        }
    }
    (documents, problems)
}

/// What [`check`] found, and what it looked at.
#[derive(Debug, Default)]
pub struct Checked {
    /// Findings, unsorted.
    pub findings: Vec<Diagnostic>,
    /// Kubernetes objects written in the input.
    pub objects: usize,
    /// Helm releases of ARC's charts rendered and checked.
    pub releases: usize,
    /// Documents that are neither objects nor values.
    pub skipped: usize,
}

/// In a template, an unquoted `{{ X }}` parses as a flow mapping inside a flow mapping; it is a
/// placeholder, and becomes a scalar of its source text again.
fn restore_placeholders(node: &mut arcfleet_yaml::Node, text: &str) {
    use arcfleet_yaml::{Node, NodeValue};
    let is_braces = |n: &Node| match &n.value {
        NodeValue::Mapping(entries) => {
            entries.len() == 1
                && entries[0].value.is_null()
                && matches!(&entries[0].key.value, NodeValue::Mapping(inner) if inner.len() == 1)
                && text
                    .get(n.span.start()..n.span.end())
                    .is_some_and(|t| t.starts_with("{{"))
        }
        _ => false,
    };
    if is_braces(node) {
        let source = text
            .get(node.span.start()..node.span.end())
            .unwrap_or_default();
        *node = Node::plain(source, node.span);
        return;
    }
    match &mut node.value {
        NodeValue::Scalar(_) => {}
        NodeValue::Sequence(items) => items.iter_mut().for_each(|n| restore_placeholders(n, text)),
        NodeValue::Mapping(entries) => entries
            .iter_mut()
            .for_each(|e| restore_placeholders(&mut e.value, text)),
    }
}

/// Runs every rule over already-parsed documents.
pub fn check(documents: &[Document], options: &Options) -> Checked {
    // Helm values of ARC's charts are checked as the objects the charts render from them.
    let rendered = chart::render(documents);
    let index = ObjectIndex::build(
        documents
            .iter()
            .map(|d| (d, chart::Origin::Manifest))
            .chain(rendered.documents.iter().map(|(d, o)| (d, o.clone()))),
    );
    let views = views::Views::build(&index);
    let cx = rules::Context {
        index: &index,
        policy: &options.policy,
        views: &views,
        schemas: options.schemas.as_ref(),
        chart_problems: &rendered.problems,
    };
    let findings: Vec<Diagnostic> = rules::all()
        .par_iter()
        .filter(|rule| options.policy.level(rule.meta().id) != Level::Off)
        .flat_map_iter(|rule| {
            let mut out = rules::Findings::new(rule.meta());
            rule.check(&cx, &mut out);
            let level = options.policy.level(rule.meta().id);
            out.items.into_iter().map(move |mut d| {
                // At-rule-level findings take the policy's level; lesser ones and notes stay.
                if level == Level::Warning && d.severity == Severity::Error {
                    d.severity = Severity::Warning;
                }
                d
            })
        })
        .collect();
    let mut findings = suppress::apply(&index, findings);
    if options.policy.level(suppress::IGNORE_WITHOUT_REASON) == Level::Off {
        findings.retain(|d| d.rule != suppress::IGNORE_WITHOUT_REASON);
    }
    let objects = index
        .objects()
        .iter()
        .filter(|o| o.origin.release().is_none())
        .count();
    Checked {
        findings,
        objects,
        releases: rendered.releases,
        skipped: index
            .skipped
            .saturating_sub(rendered.values_documents.len()),
    }
}

/// Parses and checks `sources`.
pub fn validate(sources: Vec<Arc<SourceFile>>, options: &Options) -> Report {
    let (documents, mut diagnostics) = parse(&sources);
    secrets::mark(&documents);
    let checked = check(&documents, options);
    diagnostics.extend(checked.findings);
    secrets::scrub(&mut diagnostics);
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Report {
        diagnostics,
        files: sources.len(),
        documents: documents.len(),
        objects: checked.objects,
        skipped: checked.skipped,
        releases: checked.releases,
    }
}
