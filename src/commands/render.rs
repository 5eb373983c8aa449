//! `arcfleet render`: fleet spec → manifests, checked by the validator, into a folder or onto
//! stdout.

use std::io::Write;
use std::sync::Arc;

use anyhow::{Context, Result};
use arcfleet_diag::SourceFile;
use arcfleet_render::RenderedFile;
use arcfleet_spec::{ResolveOptions, load_spec, resolve};

use super::{outcome_of, print_diagnostics, read_source};
use crate::Outcome;
use crate::cli::{ColorChoice, RenderArgs};

pub fn run(args: &RenderArgs, color: ColorChoice) -> Result<Outcome> {
    let options = match super::validate::options(&args.checks, color)? {
        Ok(options) => options,
        Err(outcome) => return Ok(outcome),
    };
    let file = read_source(&args.fleet)?;
    let spec = match load_spec(file) {
        Ok(spec) => spec,
        Err(errors) => {
            print_diagnostics(&errors.0, color)?;
            return Ok(outcome_of(&errors.0));
        }
    };
    let resolve_options = ResolveOptions {
        kubernetes_version: args.kube_version.clone(),
    };
    let fleet = match resolve(&spec, &resolve_options) {
        Ok(fleet) => fleet,
        Err(errors) => {
            print_diagnostics(&errors.0, color)?;
            return Ok(Outcome::Findings);
        }
    };
    let manifests = arcfleet_render::render(&fleet)?;
    let files = manifests.files()?;
    // The same rules `validate` runs: refuse to write what would fail them.
    let prefix = args.out.as_ref().map(|o| o.display().to_string());
    let report = arcfleet_validate::validate(as_sources(&files, prefix.as_deref()), &options);
    if !report.diagnostics.is_empty() {
        print_diagnostics(&report.diagnostics, color)?;
    }
    if report.errors() > 0 {
        writeln!(
            std::io::stderr(),
            "error: the rendered fleet fails {} check(s); nothing was written",
            report.errors()
        )?;
        return Ok(Outcome::Findings);
    }
    if args.stdout {
        // Rendered in full before printing: a failure must leave stdout empty, never a partial stream.
        let stream = manifests.stream()?;
        std::io::stdout().lock().write_all(stream.as_bytes())?;
        return Ok(Outcome::Clean);
    }
    let out = args
        .out
        .as_deref()
        .context("--out or --stdout is required")?;
    let written = arcfleet_render::write_dir(out, &files)?;
    writeln!(
        std::io::stderr(),
        "rendered {} objects into {}: {} written, {} unchanged, {} removed",
        files.len(),
        out.display(),
        written.written.len(),
        written.unchanged,
        written.removed.len()
    )?;
    Ok(Outcome::Clean)
}

/// Rendered files as sources named as they will be on disk.
fn as_sources(files: &[RenderedFile], prefix: Option<&str>) -> Vec<Arc<SourceFile>> {
    files
        .iter()
        .map(|f| {
            let name = match prefix {
                Some(dir) => format!("{}/{}", dir.trim_end_matches('/'), f.path),
                None => f.path.clone(),
            };
            Arc::new(SourceFile::new(name, f.contents.clone()))
        })
        .collect()
}
