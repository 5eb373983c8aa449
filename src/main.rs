//! `arcfleet`: the command line over the arcfleet crates. Parsing arguments, reading files and
//! mapping outcomes to exit codes happen here; everything else lives in the library crates.

/// glibc malloc spends a quarter of a validate run in arena growth and frees; mimalloc keeps
/// per-thread pages and halves that (see README, "Performance").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;
mod commands;
mod interrupt;
mod project;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// How a run ended. The one place outcomes become exit codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at the failing level.
    Clean,
    /// Findings at the failing level (or a render refused because of them).
    Findings,
    /// Bad usage, unreadable input or an I/O failure.
    Error,
    /// Stopped by Ctrl-C or SIGTERM (exit 130, as a shell reports a SIGINT).
    Interrupted,
}

impl Outcome {
    /// The more severe of two outcomes (for commands that handle several fleets).
    pub fn worst(self, other: Outcome) -> Outcome {
        let rank = |o: Outcome| match o {
            Outcome::Clean => 0,
            Outcome::Findings => 1,
            Outcome::Error => 2,
            Outcome::Interrupted => 3,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }

    fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Clean => ExitCode::SUCCESS,
            Outcome::Findings => ExitCode::from(1),
            Outcome::Error => ExitCode::from(2),
            Outcome::Interrupted => ExitCode::from(130),
        }
    }
}

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    Outcome::Clean
                }
                _ => Outcome::Error,
            }
            .exit_code();
        }
    };
    match commands::run(args) {
        Ok(outcome) => outcome.exit_code(),
        Err(err) => {
            // A closed pipe (`arcfleet render --stdout | head`) is not a failure.
            if err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return Outcome::Clean.exit_code();
            }
            let _ = writeln!(std::io::stderr(), "error: {}", error_message(&err));
            Outcome::Error.exit_code()
        }
    }
}

/// The error and its causes on one line. Library errors already quote their cause in their
/// message (`path: No such file`), so a cause that is already in the text is not repeated.
fn error_message(err: &anyhow::Error) -> String {
    let mut message = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
    }
    message
}
