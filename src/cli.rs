//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Generate and validate Actions Runner Controller (ARC v2) fleets for GitOps.
#[derive(Debug, Parser)]
#[command(name = "arcfleet", version, about, max_term_width = 100)]
pub struct Cli {
    /// When to color output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

/// Coloring of human output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Color when stderr/stdout is a terminal and NO_COLOR is unset.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render every manifest of a fleet spec.
    Render(RenderArgs),
    /// Print the fleet spec's JSON Schema (for editor completion).
    Schema,
}

/// `arcfleet render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The fleet spec (`fleet.yaml`).
    pub fleet: PathBuf,
    /// Write one file per object under this folder (created if missing).
    #[arg(long, conflicts_with = "stdout", required_unless_present = "stdout")]
    pub out: Option<PathBuf>,
    /// Print all objects as one YAML stream instead (Argo CD, piping to kubectl).
    #[arg(long)]
    pub stdout: bool,
    /// Target Kubernetes version when the spec does not set `kubernetesVersion`.
    #[arg(long, env = "KUBE_VERSION")]
    pub kube_version: Option<String>,
}
