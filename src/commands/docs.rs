//! `completions` and `man`: documents generated from the clap definitions, so they cannot drift
//! from the flags the binary accepts.

use std::io::Write;

use anyhow::{Result, bail};
use clap::CommandFactory;

use crate::Outcome;
use crate::cli::Cli;

/// `arcfleet completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> Result<Outcome> {
    let mut cmd = Cli::command();
    let name = cmd.get_name().to_owned();
    // clap_complete panics when its writer fails; a buffer cannot, and the write to stdout
    // below reports a closed pipe like every other command.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, name, &mut script);
    std::io::stdout().write_all(&script)?;
    Ok(Outcome::Clean)
}

/// `arcfleet man [COMMAND]`.
pub fn man(command: Option<&str>) -> Result<Outcome> {
    // As `clap_mangen::generate_to` does: `help` gets no page (it is not listed), and building
    // gives each subcommand its page name (`arcfleet-validate`), its usage line
    // (`arcfleet validate`) and the global flags.
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    // Subcommands carry no version; every page's footer names arcfleet's.
    let source = format!(
        "{} {}",
        root.get_name(),
        root.get_version().unwrap_or_default()
    );
    let page = match command {
        None => root,
        Some(name) => match root.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = root.get_subcommands().map(|s| s.get_name()).collect();
                bail!(
                    "`{name}` is not a subcommand of arcfleet (one of: {})",
                    names.join(", ")
                )
            }
        },
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .source(source)
        .render(&mut roff)?;
    std::io::stdout().write_all(&roff)?;
    Ok(Outcome::Clean)
}
