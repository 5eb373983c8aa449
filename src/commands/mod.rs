//! One module per subcommand; each returns an [`Outcome`] or an error.

mod docs;
pub(crate) mod render;
mod rules;
mod validate;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use arcfleet_diag::{Diagnostic, SourceFile};

use crate::Outcome;
use crate::cli::{Cli, ColorChoice, Command};

pub fn run(cli: Cli) -> Result<Outcome> {
    let color = cli.color;
    match cli.command {
        Command::Render(args) => render::run(&args, color),
        Command::Check(args) => render::check(&args, color),
        Command::Generate => render::generate(ColorChoice::Never),
        Command::Validate(args) => validate::run(&args, color),
        Command::Rules => rules::list(),
        Command::Explain { rule } => rules::explain(&rule),
        Command::Policy => {
            std::io::stdout().write_all(arcfleet_validate::Policy::default_yaml().as_bytes())?;
            Ok(Outcome::Clean)
        }
        Command::Schema => {
            let schema = serde_json::to_string_pretty(&arcfleet_spec::json_schema())?;
            writeln!(std::io::stdout(), "{schema}")?;
            Ok(Outcome::Clean)
        }
        Command::Completions { shell } => docs::completions(shell),
        Command::Man { command } => docs::man(command.as_deref()),
    }
}

/// Reads a text file the user named; the name is kept as given so reports show it unchanged.
pub(crate) fn read_source(path: &Path) -> Result<Arc<SourceFile>> {
    use arcfleet_validate::input::{InputError, ReadLimits, read_bytes};
    let limit = ReadLimits::default().max_file_bytes;
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bytes = match read_bytes(path, file, limit) {
        Ok(bytes) => bytes,
        Err(InputError::FileTooLarge { .. }) => anyhow::bail!(
            "{}: larger than the {} MiB a fleet spec or policy may be",
            path.display(),
            limit >> 20
        ),
        // Names the path and the cause itself.
        Err(e) => return Err(e.into()),
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
        let (line, col) = SourceFile::new("", lossy).line_col(offset);
        anyhow::anyhow!("{}:{line}:{col}: not valid UTF-8 text", path.display())
    })?;
    Ok(Arc::new(SourceFile::new(path.display().to_string(), text)))
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
        }
    }
}

/// Prints diagnostics for a person, on stderr.
pub fn print_diagnostics(diagnostics: &[Diagnostic], color: ColorChoice) -> Result<()> {
    let text = arcfleet_report::human(diagnostics, use_color(color));
    std::io::stderr().write_all(text.as_bytes())?;
    Ok(())
}

/// Unreadable YAML is an input error (exit 2); anything else found is a finding (exit 1).
pub fn outcome_of(diagnostics: &[Diagnostic]) -> Outcome {
    if diagnostics
        .iter()
        .any(|d| d.rule == arcfleet_yaml::YAML_SYNTAX_RULE)
    {
        Outcome::Error
    } else {
        Outcome::Findings
    }
}
