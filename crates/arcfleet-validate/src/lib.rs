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
pub mod suppress;

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
    /// Documents that are not Kubernetes objects (Helm values, kustomization.yaml), skipped.
    pub skipped: usize,
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

    /// Whether any file could not be read as YAML (an input error, exit 2).
    pub fn has_unreadable_input(&self) -> bool {
        self.diagnostics.iter().any(|d| d.rule == YAML_SYNTAX_RULE)
    }
}

/// Parses every file (in parallel); unreadable YAML becomes a `yaml-syntax` finding.
pub fn parse(sources: &[Arc<SourceFile>]) -> (Vec<Document>, Vec<Diagnostic>) {
    let results: Vec<_> = sources
        .par_iter()
        .map(|file| {
            if let Some(at) = file.text().find(['\u{FFFD}', '\0']) {
                let message =
                    "not UTF-8 text (a binary file?); nothing in it was checked".to_string();
                return Err((
                    file,
                    arcfleet_yaml::LoadError {
                        span: arcfleet_diag::Span::point(at),
                        message,
                    },
                ));
            }
            arcfleet_yaml::load(file, &Limits::default()).map_err(|e| (file, e))
        })
        .collect();
    let mut documents = Vec::new();
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(docs) => documents.extend(docs),
            Err((file, e)) => problems.push(Diagnostic::new(
                file.clone(),
                e.span,
                YAML_SYNTAX_RULE,
                Severity::Error,
                e.message,
            )),
        }
    }
    (documents, problems)
}

/// Runs every rule over already-parsed documents.
pub fn check(documents: &[Document], options: &Options) -> (Vec<Diagnostic>, usize, usize) {
    // Helm values of ARC's charts are checked as the objects the charts render from them.
    let rendered = chart::render(documents);
    let index = ObjectIndex::build(
        documents
            .iter()
            .map(|d| (d, chart::Origin::Manifest))
            .chain(rendered.documents.iter().map(|(d, o)| (d, o.clone()))),
    );
    let cx = rules::Context {
        index: &index,
        policy: &options.policy,
        scale_sets: index.scale_sets(),
        controllers: index.controllers(),
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
                // At-rule-level findings take the policy's level; lesser ones stay warnings.
                if level == Level::Warning {
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
    (findings, objects, index.skipped)
}

/// Parses and checks `sources`.
pub fn validate(sources: Vec<Arc<SourceFile>>, options: &Options) -> Report {
    let (documents, mut diagnostics) = parse(&sources);
    let (findings, objects, skipped) = check(&documents, options);
    diagnostics.extend(findings);
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Report {
        diagnostics,
        files: sources.len(),
        documents: documents.len(),
        objects,
        skipped,
    }
}
