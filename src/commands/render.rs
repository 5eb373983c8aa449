//! `arcfleet render`, `check` and `generate`: fleet spec → manifests, checked by the validator,
//! then written to a folder, compared with one, or printed as one stream.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use arcfleet_diag::SourceFile;
use arcfleet_render::{Emitted, OutputError, RenderedFile};
use arcfleet_spec::{ResolveOptions, load_spec, resolve};
use arcfleet_validate::Level;

use super::{outcome_of, print_diagnostics, read_source};
use crate::Outcome;
use crate::cli::{CheckArgs, CheckCommandArgs, ColorChoice, RenderArgs};

/// Rules the spec check judges at the spec (`arcfleet_spec::resolve`): quotas, where their
/// causes are written.
const SPEC_JUDGED_RULES: &[&str] = &["quota-headroom", "quota-resources-missing"];

/// A render that passed the spec checks and the rules.
struct Rendered {
    emitted: Emitted,
    files: Vec<RenderedFile>,
}

/// Loads, resolves, renders and validates; any problem is printed and becomes the outcome.
fn render_checked(
    fleet: &Path,
    kube_version: Option<&str>,
    checks: &CheckArgs,
    out: Option<&Path>,
    color: ColorChoice,
) -> Result<std::result::Result<Rendered, Outcome>> {
    let mut options = match super::validate::options(checks, color)? {
        Ok(options) => options,
        Err(outcome) => return Ok(Err(outcome)),
    };
    let spec = match load_spec(read_source(fleet)?) {
        Ok(spec) => spec,
        Err(errors) => {
            print_diagnostics(&errors.0, color)?;
            return Ok(Err(outcome_of(&errors.0)));
        }
    };
    let resolve_options = ResolveOptions {
        kubernetes_version: kube_version.map(str::to_string),
        headroom: options.policy.headroom,
    };
    let fleet = match resolve(&spec, &resolve_options) {
        Ok(fleet) => fleet,
        Err(errors) => {
            print_diagnostics(&errors.0, color)?;
            return Ok(Err(Outcome::Findings));
        }
    };
    // Quotas were judged on the spec, where their causes are written (once per cause, not once
    // per rendered set and container): the same rules on the output would repeat them.
    if !fleet.warnings.is_empty() {
        print_diagnostics(&fleet.warnings, color)?;
    }
    for rule in SPEC_JUDGED_RULES {
        options.policy.rules.insert((*rule).to_string(), Level::Off);
    }
    let manifests = arcfleet_render::render(&fleet)?;
    let emitted = manifests.emit()?;
    let files = emitted.files();
    // The same rules `validate` runs: refuse what would fail them.
    let report = arcfleet_validate::validate(as_sources(&files, out), &options);
    if !report.diagnostics.is_empty() {
        // Reported where the user can change them: the spec, not the generated files.
        let at_the_spec = arcfleet_render::provenance::at_the_spec(
            &spec,
            &fleet,
            &manifests,
            report.diagnostics.clone(),
        );
        print_diagnostics(&at_the_spec, color)?;
    }
    if report.errors() > 0 {
        writeln!(
            std::io::stderr(),
            "error: the rendered fleet fails {} check(s); nothing was written",
            report.errors()
        )?;
        return Ok(Err(Outcome::Findings));
    }
    Ok(Ok(Rendered { emitted, files }))
}

/// Rendered files as sources named as they will be on disk.
fn as_sources(files: &[RenderedFile], out: Option<&Path>) -> Vec<Arc<SourceFile>> {
    files
        .iter()
        .map(|f| {
            let name = match out {
                Some(dir) => dir.join(&f.path).display().to_string(),
                None => f.path.clone(),
            };
            Arc::new(SourceFile::new(name, f.contents.clone()))
        })
        .collect()
}

/// Renders and prints the whole stream at once (a failure must leave stdout empty, never a
/// partial stream); also returns how many objects were printed.
fn render_to_stdout(
    fleet: &Path,
    kube_version: Option<&str>,
    checks: &CheckArgs,
    color: ColorChoice,
) -> Result<(Outcome, usize)> {
    let rendered = match render_checked(fleet, kube_version, checks, None, color)? {
        Ok(rendered) => rendered,
        Err(outcome) => return Ok((outcome, 0)),
    };
    for path in rendered.emitted.file_only_paths() {
        // The spec asks for more than a stream can hold; say so rather than drop it silently.
        writeln!(
            std::io::stderr(),
            "note: {path} (controller.crds) is written only by `render --out`: a YAML stream carries objects, not a kustomization; apply ARC's CRDs separately"
        )?;
    }
    let stream = rendered.emitted.stream();
    std::io::stdout().lock().write_all(stream.as_bytes())?;
    Ok((Outcome::Clean, rendered.emitted.object_count()))
}

pub fn run(args: &RenderArgs, color: ColorChoice) -> Result<Outcome> {
    let Some(fleet) = &args.fleet else {
        let mut outcome = Outcome::Clean;
        for entry in crate::project::fleets(Path::new("."))? {
            outcome = outcome.worst(render_into(&entry.spec, &entry.out, args, color)?);
        }
        return Ok(outcome);
    };
    if args.stdout {
        return render_to_stdout(fleet, args.kube_version.as_deref(), &args.checks, color)
            .map(|(outcome, _)| outcome);
    }
    let out = args
        .out
        .as_deref()
        .context("--out or --stdout is required")?;
    render_into(fleet, out, args, color)
}

fn render_into(fleet: &Path, out: &Path, args: &RenderArgs, color: ColorChoice) -> Result<Outcome> {
    let rendered = match render_checked(
        fleet,
        args.kube_version.as_deref(),
        &args.checks,
        Some(out),
        color,
    )? {
        Ok(rendered) => rendered,
        Err(outcome) => return Ok(outcome),
    };
    let (written, interrupted) = crate::interrupt::during_write(|stop| {
        arcfleet_render::write_dir_until(out, &rendered.files, stop)
    });
    let written = match written {
        Err(interrupted @ OutputError::Interrupted) => {
            writeln!(std::io::stderr(), "error: {interrupted}")?;
            return Ok(Outcome::Interrupted);
        }
        other => other?,
    };
    writeln!(
        std::io::stderr(),
        "rendered {} files into {}: {} written, {} unchanged, {} removed",
        rendered.files.len(),
        out.display(),
        written.written.len(),
        written.unchanged,
        written.removed.len()
    )?;
    if interrupted {
        writeln!(
            std::io::stderr(),
            "interrupted after the new files were in place: {} holds the complete render",
            out.display()
        )?;
        return Ok(Outcome::Interrupted);
    }
    Ok(Outcome::Clean)
}

/// `arcfleet check`: is the committed output what the spec renders?
pub fn check(args: &CheckCommandArgs, color: ColorChoice) -> Result<Outcome> {
    let entries = match (&args.fleet, &args.out) {
        (Some(spec), Some(out)) => vec![crate::project::FleetEntry {
            spec: spec.clone(),
            out: out.clone(),
        }],
        _ => crate::project::fleets(Path::new("."))?,
    };
    let mut outcome = Outcome::Clean;
    for entry in entries {
        outcome = outcome.worst(check_one(&entry.spec, &entry.out, args, color)?);
    }
    Ok(outcome)
}

fn check_one(
    fleet: &Path,
    out_dir: &Path,
    args: &CheckCommandArgs,
    color: ColorChoice,
) -> Result<Outcome> {
    let rendered = match render_checked(
        fleet,
        args.kube_version.as_deref(),
        &args.checks,
        Some(out_dir),
        color,
    )? {
        Ok(rendered) => rendered,
        Err(outcome) => return Ok(outcome),
    };
    let drift = arcfleet_render::compare_dir(out_dir, &rendered.files)?;
    if drift.is_clean() {
        writeln!(
            std::io::stderr(),
            "{}: up to date ({} files)",
            out_dir.display(),
            rendered.files.len()
        )?;
        return Ok(Outcome::Clean);
    }
    let mut out = std::io::stdout().lock();
    for (path, on_disk) in &drift.changed {
        let expected = rendered
            .files
            .iter()
            .find(|f| &f.path == path)
            .map_or("", |f| f.contents.as_str());
        let shown = out_dir.join(path).display().to_string();
        let diff = similar::TextDiff::from_lines(on_disk.as_str(), expected);
        write!(
            out,
            "{}",
            diff.unified_diff().context_radius(3).header(
                &format!("{shown} (committed)"),
                &format!("{shown} (rendered)")
            )
        )?;
    }
    for path in &drift.missing {
        writeln!(out, "missing: {}", out_dir.join(path).display())?;
    }
    for path in &drift.stale {
        writeln!(
            out,
            "stale: {} (no longer rendered)",
            out_dir.join(path).display()
        )?;
    }
    writeln!(
        std::io::stderr(),
        "{}: out of date with {} ({} changed, {} missing, {} stale); run `arcfleet render {} --out {}`",
        out_dir.display(),
        fleet.display(),
        drift.changed.len(),
        drift.missing.len(),
        drift.stale.len(),
        fleet.display(),
        out_dir.display()
    )?;
    Ok(Outcome::Findings)
}

/// `arcfleet generate`: the Argo CD config management plugin's generate step. Reads its
/// settings from the plugin environment, prints only the YAML stream, writes nothing.
pub fn generate(color: ColorChoice) -> Result<Outcome> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let fleet = env("ARGOCD_ENV_FLEET").unwrap_or_else(|| "fleet.yaml".into());
    let checks = CheckArgs {
        policy: env("ARGOCD_ENV_POLICY").map(Into::into),
        schema_dir: None,
    };
    let kube_version = env("KUBE_VERSION");
    let (outcome, objects) =
        render_to_stdout(Path::new(&fleet), kube_version.as_deref(), &checks, color)?;
    if outcome != Outcome::Clean {
        return Ok(outcome);
    }
    let app = env("ARGOCD_APP_NAME").unwrap_or_else(|| "-".into());
    writeln!(
        std::io::stderr(),
        "arcfleet: rendered {objects} objects from {fleet} for application {app}"
    )?;
    Ok(Outcome::Clean)
}
