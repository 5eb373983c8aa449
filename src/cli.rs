//! Command-line arguments.

use std::path::PathBuf;
use std::sync::LazyLock;

use arcfleet_arc::{CHART_RELEASE, KNOWN_RELEASES, Version};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Generate and validate Actions Runner Controller (ARC v2) fleets for GitOps.
#[derive(Debug, Parser)]
#[command(
    name = "arcfleet",
    version,
    long_version = long_version(),
    about,
    max_term_width = 100
)]
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
    /// Check that committed output is exactly what the spec renders (exit 1 with a diff if not).
    Check(CheckCommandArgs),
    /// Argo CD config management plugin step: render the fleet named by ARGOCD_ENV_FLEET
    /// (default fleet.yaml) to stdout; policy from ARGOCD_ENV_POLICY, version from KUBE_VERSION.
    Generate,
    /// Check manifests (generated or hand-written) against ARC's invariants.
    Validate(ValidateArgs),
    /// List the validation rules.
    Rules,
    /// Print one rule's documentation.
    Explain {
        /// The rule id, e.g. `version-skew`.
        rule: String,
    },
    /// Print the default policy (a starting point for --policy).
    Policy,
    /// Print the fleet spec's JSON Schema (for editor completion).
    Schema,
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    ///
    /// For example `arcfleet completions bash > ~/.local/share/bash-completion/completions/arcfleet`,
    /// `arcfleet completions zsh > ~/.zfunc/_arcfleet` (with `~/.zfunc` in `fpath`) or
    /// `arcfleet completions fish > ~/.config/fish/completions/arcfleet.fish`.
    Completions {
        /// The shell the script is for.
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff).
    ///
    /// For example `arcfleet man validate | man -l -`. The same pages are committed in
    /// `docs/man/` for packagers.
    Man {
        /// The subcommand whose page to print; without it, the page of `arcfleet` itself.
        command: Option<String>,
    },
}

/// `--version`'s text: the release and which ARC versions it knows, so a bug report names both.
/// `-V` stays the bare release. clap takes a `&'static str`; the versions are `arcfleet_arc`'s
/// constants, formatted once when clap asks, as they have no `const` formatting. Plain ASCII
/// ("to", not a dash): the text is also the man page's VERSION, and groff without a
/// preprocessor warns about any other character.
fn long_version() -> &'static str {
    static TEXT: LazyLock<String> = LazyLock::new(|| {
        let mut releases = KNOWN_RELEASES.to_vec();
        releases.sort_unstable();
        let releases: Vec<String> = releases.iter().map(Version::to_string).collect();
        format!(
            "{} (renders ARC {CHART_RELEASE}; knows the charts of ARC {})",
            env!("CARGO_PKG_VERSION"),
            releases.join(", ")
        )
    });
    &TEXT
}

/// `arcfleet check`.
#[derive(Debug, Args)]
pub struct CheckCommandArgs {
    /// The fleet spec (`fleet.yaml`). Without it, every fleet of `.arcfleet.yaml` is checked
    /// (or `fleet.yaml` against `generated/`).
    #[arg(requires = "out")]
    pub fleet: Option<PathBuf>,
    /// The folder holding the committed output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Target Kubernetes version when the spec does not set `kubernetesVersion`.
    #[arg(long, env = "KUBE_VERSION")]
    pub kube_version: Option<String>,
    #[command(flatten)]
    pub checks: CheckArgs,
}

/// Output formats of `validate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style, with the source line and a caret.
    Human,
    /// One JSON document.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// JUnit XML (GitLab, Jenkins, Azure DevOps).
    Junit,
    /// GitHub Actions workflow commands (pull request annotations).
    Github,
}

/// The lowest severity that fails a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Warnings and errors fail.
    Warning,
    /// Only errors fail.
    Error,
}

/// `arcfleet validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files or directories (recursive, .gitignore respected; *.yaml, *.yml, *.json), or `-` for
    /// standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human, env = "ARCFLEET_FORMAT")]
    pub format: Format,
    /// Fail (exit 1) on findings at this level or above.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Refuse (exit 2) any single file larger than this (Kubernetes notation: `64Mi`, `1Gi`).
    #[arg(long, value_name = "SIZE", default_value = "64Mi", value_parser = byte_size)]
    pub max_file_size: u64,
    /// Refuse (exit 2) a run whose files together are larger than this; memory use is about ten
    /// times the input.
    #[arg(long, value_name = "SIZE", default_value = "512Mi", value_parser = byte_size)]
    pub max_input_size: u64,
    #[command(flatten)]
    pub checks: CheckArgs,
}

impl ValidateArgs {
    /// The read limits these flags set.
    pub fn read_limits(&self) -> arcfleet_validate::input::ReadLimits {
        arcfleet_validate::input::ReadLimits {
            max_file_bytes: self.max_file_size,
            max_total_bytes: self.max_input_size,
        }
    }
}

/// A byte count in Kubernetes quantity notation (`512Mi`, `1Gi`, `100M`, `4096`), below 4 GiB
/// per file because spans hold 32-bit offsets.
fn byte_size(text: &str) -> Result<u64, String> {
    let quantity: arcfleet_k8s::Quantity = text.parse().map_err(|e| format!("{e}"))?;
    let nanos = quantity.nanos();
    if nanos <= 0 || nanos % 1_000_000_000 != 0 {
        return Err(format!("`{text}` is not a positive whole number of bytes"));
    }
    u64::try_from(nanos / 1_000_000_000).map_err(|_| format!("`{text}` is too large"))
}

/// Settings shared by `validate` and `render`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Policy file: severities per rule, headroom, pinning exceptions.
    #[arg(long, env = "ARCFLEET_POLICY")]
    pub policy: Option<PathBuf>,
    /// Also validate strictly against kubeconform-layout JSON schemas in this folder.
    #[arg(long)]
    pub schema_dir: Option<PathBuf>,
}

/// `arcfleet render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The fleet spec (`fleet.yaml`). Without it, every fleet of `.arcfleet.yaml` is rendered
    /// into its folder (or `fleet.yaml` into `generated/`).
    #[arg(requires = "output")]
    pub fleet: Option<PathBuf>,
    /// Write one file per object under this folder (created if missing).
    #[arg(long, conflicts_with = "stdout", group = "output")]
    pub out: Option<PathBuf>,
    /// Print all objects as one YAML stream instead (Argo CD, piping to kubectl).
    #[arg(long, group = "output")]
    pub stdout: bool,
    /// Target Kubernetes version when the spec does not set `kubernetesVersion`.
    #[arg(long, env = "KUBE_VERSION")]
    pub kube_version: Option<String>,
    #[command(flatten)]
    pub checks: CheckArgs,
}
