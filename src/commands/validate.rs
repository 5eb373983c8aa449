//! `arcfleet validate`: manifests → findings.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use arcfleet_diag::{Diagnostic, Severity};
use arcfleet_report::{RuleDoc, Summary};
use arcfleet_validate::{Options, Policy, Report, SchemaStore};

use super::{print_diagnostics, read_source};
use crate::Outcome;
use crate::cli::{CheckArgs, ColorChoice, FailOn, Format, ValidateArgs};

pub fn run(args: &ValidateArgs, color: ColorChoice) -> Result<Outcome> {
    let options = match options(&args.checks, color)? {
        Ok(options) => options,
        Err(outcome) => return Ok(outcome),
    };
    let limits = args.read_limits();
    if limits.max_file_bytes > arcfleet_diag::Span::MAX_OFFSET as u64 {
        anyhow::bail!("--max-file-size must be below 4Gi");
    }
    let sources = if args.paths.iter().any(|p| p == Path::new("-")) {
        vec![arcfleet_validate::input::read_stream(
            "<stdin>",
            std::io::stdin().lock(),
            &limits,
        )?]
    } else {
        let files = arcfleet_validate::input::collect(&args.paths)?;
        arcfleet_validate::input::read(&files, &limits)?
    };
    let report = arcfleet_validate::validate(sources, &options);
    print_report(&report, args.format, color)?;
    Ok(outcome(&report, args.fail_on))
}

/// Builds validation options; a policy file with errors is reported and ends the run.
pub fn options(
    checks: &CheckArgs,
    color: ColorChoice,
) -> Result<std::result::Result<Options, Outcome>> {
    let policy = match &checks.policy {
        None => Policy::default(),
        Some(path) => match Policy::load(read_source(path)?) {
            Ok(policy) => policy,
            Err(errors) => {
                print_diagnostics(&errors.0, color)?;
                return Ok(Err(Outcome::Error));
            }
        },
    };
    let schemas = checks
        .schema_dir
        .as_deref()
        .map(SchemaStore::open)
        .transpose()?;
    Ok(Ok(Options { policy, schemas }))
}

fn outcome(report: &Report, fail_on: FailOn) -> Outcome {
    let failing = |d: &Diagnostic| match fail_on {
        FailOn::Warning => d.severity >= Severity::Warning,
        FailOn::Error => d.severity == Severity::Error,
    };
    if report.has_unreadable_input() {
        Outcome::Error
    } else if report.diagnostics.iter().any(failing) {
        Outcome::Findings
    } else {
        Outcome::Clean
    }
}

/// The rule documentation SARIF embeds.
pub fn rule_docs() -> Vec<RuleDoc> {
    arcfleet_validate::catalog()
        .into_iter()
        .map(|m| RuleDoc {
            id: m.id.to_string(),
            summary: m.summary.to_string(),
            help: m.doc_text(),
            default_severity: m.default_severity,
        })
        .collect()
}

fn print_report(report: &Report, format: Format, color: ColorChoice) -> Result<()> {
    let summary = Summary {
        files: report.files,
        objects: report.objects,
        skipped: report.skipped,
    };
    let diagnostics = &report.diagnostics;
    let text = match format {
        Format::Human => {
            print_diagnostics(diagnostics, color)?;
            writeln!(
                std::io::stderr(),
                "{} error(s), {} warning(s), {} note(s) in {} file(s): {} object(s) checked, {} Helm release(s) checked as the objects their chart renders, {} document(s) skipped (not Kubernetes objects)",
                report.errors(),
                report.warnings(),
                report.notes(),
                report.files,
                report.objects,
                report.releases,
                report.skipped
            )?;
            return Ok(());
        }
        Format::Json => arcfleet_report::json(diagnostics, summary),
        Format::Sarif => {
            arcfleet_report::sarif(diagnostics, &rule_docs(), env!("CARGO_PKG_VERSION"))
        }
        Format::Junit => arcfleet_report::junit(diagnostics, summary),
        Format::Github => arcfleet_report::github(diagnostics),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}
