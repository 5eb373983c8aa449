//! `.arcfleet.yaml`: the fleets of a repository and where their output lives, so `arcfleet
//! render` and `arcfleet check` work without arguments (pre-commit hooks, CI).
//!
//! ```yaml
//! fleets:
//!   - spec: fleets/prod/fleet.yaml
//!     out: generated/prod
//! ```

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use serde::Deserialize;

/// The file name looked up in the working directory.
pub const PROJECT_FILE: &str = ".arcfleet.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Project {
    fleets: Vec<FleetEntry>,
}

/// One fleet of the repository.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetEntry {
    /// The fleet spec.
    pub spec: PathBuf,
    /// Its output folder.
    pub out: PathBuf,
}

/// The fleets of the repository in `dir`: from `.arcfleet.yaml`, or `fleet.yaml` → `generated/`.
pub fn fleets(dir: &Path) -> Result<Vec<FleetEntry>> {
    let path = dir.join(PROJECT_FILE);
    if path.is_file() {
        let file = crate::commands::read_source(&path)?;
        let docs = arcfleet_yaml::load(&file, &Default::default())
            .map_err(|e| located(&file, e.span, &e.message))?;
        let Some(doc) = docs.first() else {
            bail!("{}: empty", path.display())
        };
        let project: Project = arcfleet_yaml::from_node(&doc.root).map_err(|e| {
            let hint = e.hint.map(|h| format!(" ({h})")).unwrap_or_default();
            located(&file, e.span, &format!("{}{hint}", e.message))
        })?;
        if project.fleets.is_empty() {
            bail!("{}: lists no fleets", path.display());
        }
        return Ok(project.fleets);
    }
    if dir.join("fleet.yaml").is_file() {
        return Ok(vec![FleetEntry {
            spec: "fleet.yaml".into(),
            out: "generated".into(),
        }]);
    }
    bail!("no fleet given, and neither {PROJECT_FILE} nor fleet.yaml in the current directory")
}

fn located(
    file: &arcfleet_diag::SourceFile,
    span: arcfleet_diag::Span,
    message: &str,
) -> anyhow::Error {
    let (line, col) = file.line_col(span.start());
    anyhow::anyhow!("{}:{line}:{col}: {message}", file.name())
}
