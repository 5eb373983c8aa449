//! `arcfleet render`: fleet spec → manifests, into a folder or onto stdout.

use std::io::Write;

use anyhow::{Context, Result};
use arcfleet_spec::{ResolveOptions, load_spec, resolve};

use super::{outcome_of, print_diagnostics, read_source};
use crate::Outcome;
use crate::cli::{ColorChoice, RenderArgs};

pub fn run(args: &RenderArgs, color: ColorChoice) -> Result<Outcome> {
    let file = read_source(&args.fleet)?;
    let spec = match load_spec(file) {
        Ok(spec) => spec,
        Err(errors) => {
            print_diagnostics(&errors.0, color)?;
            return Ok(outcome_of(&errors.0));
        }
    };
    let options = ResolveOptions {
        kubernetes_version: args.kube_version.clone(),
    };
    let fleet = match resolve(&spec, &options) {
        Ok(fleet) => fleet,
        Err(errors) => {
            print_diagnostics(&errors.0, color)?;
            return Ok(Outcome::Findings);
        }
    };
    let manifests = arcfleet_render::render(&fleet)?;
    if args.stdout {
        // Render fully before printing: a failure must leave stdout empty, never a partial stream.
        let stream = manifests.stream()?;
        std::io::stdout().lock().write_all(stream.as_bytes())?;
        return Ok(Outcome::Clean);
    }
    let out = args
        .out
        .as_deref()
        .context("--out or --stdout is required")?;
    let files = manifests.files()?;
    let report = arcfleet_render::write_dir(out, &files)?;
    writeln!(
        std::io::stderr(),
        "rendered {} objects into {}: {} written, {} unchanged, {} removed",
        files.len(),
        out.display(),
        report.written.len(),
        report.unchanged,
        report.removed.len()
    )?;
    Ok(Outcome::Clean)
}
