//! `arcfleet completions` and `arcfleet man`: generated from the clap definitions, so every
//! subcommand and flag must reach each script, and each script and page must parse.

mod common;

#[path = "../src/cli.rs"]
#[allow(dead_code)]
mod cli;

use std::process::Command;

use clap::CommandFactory;

fn arcfleet(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_arcfleet"))
        .args(args)
        .current_dir(common::root())
        .output()
        .expect("arcfleet runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Every subcommand (with its path, `validate` or `help validate`) and every flag the parser
/// accepts, read from the definitions built as the parser builds them (`--help`, `--version`
/// and `help` included).
fn definitions() -> (Vec<String>, Vec<String>, Vec<char>) {
    fn walk(
        cmd: &clap::Command,
        path: &str,
        subs: &mut Vec<String>,
        longs: &mut Vec<String>,
        shorts: &mut Vec<char>,
    ) {
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            longs.extend(arg.get_long().map(str::to_owned));
            shorts.extend(arg.get_short());
        }
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let name = format!("{path}{}", sub.get_name());
            walk(sub, &format!("{name} "), subs, longs, shorts);
            subs.push(name);
        }
    }
    let mut cmd = cli::Cli::command();
    cmd.build();
    let (mut subs, mut longs, mut shorts) = (Vec::new(), Vec::new(), Vec::new());
    walk(&cmd, "", &mut subs, &mut longs, &mut shorts);
    for list in [&mut subs, &mut longs] {
        list.sort();
        list.dedup();
    }
    shorts.sort_unstable();
    shorts.dedup();
    assert!(subs.contains(&"validate".to_string()) && longs.contains(&"fail-on".to_string()));
    (subs, longs, shorts)
}

/// How each shell's script spells a subcommand, a long flag and a short one.
struct Spelling {
    shell: &'static str,
    sub: fn(&str) -> String,
    long: fn(&str) -> String,
    short: fn(char) -> String,
}

const SPELLINGS: &[Spelling] = &[
    Spelling {
        shell: "bash",
        // `help validate` is the case `arcfleet__subcmd__help__subcmd__validate`.
        sub: |s| format!("arcfleet__subcmd__{})", s.replace(' ', "__subcmd__")),
        long: |l| format!(" --{l}"),
        short: |c| format!("-{c} "),
    },
    Spelling {
        shell: "zsh",
        sub: |s| format!("'{}:", s.rsplit(' ').next().unwrap_or(s)),
        long: |l| format!("'--{l}"),
        short: |c| format!("'-{c}"),
    },
    Spelling {
        shell: "fish",
        sub: |s| format!("-a \"{}\"", s.rsplit(' ').next().unwrap_or(s)),
        long: |l| format!(" -l {l}"),
        short: |c| format!(" -s {c}"),
    },
];

#[test]
fn completion_scripts_name_every_subcommand_and_flag() {
    let (subs, longs, shorts) = definitions();
    for spelling in SPELLINGS {
        let script = arcfleet(&["completions", spelling.shell]);
        let missing: Vec<String> = subs
            .iter()
            .map(|s| (spelling.sub)(s))
            .chain(longs.iter().map(|l| (spelling.long)(l)))
            .chain(shorts.iter().map(|&c| (spelling.short)(c)))
            .filter(|needle| !script.contains(needle.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "the {} script lacks {missing:?}",
            spelling.shell
        );
    }
}

/// `SHELL -n` on a script, or `None` with a note when the shell is not installed.
fn syntax_check(shell: &str, script: &str) -> Option<std::process::Output> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("arcfleet.{shell}"));
    std::fs::write(&path, script).unwrap();
    match Command::new(shell).arg("-n").arg(&path).output() {
        Ok(out) => Some(out),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("skipped: `{shell} -n` (no {shell} installed; `apt-get install {shell}`)");
            None
        }
        Err(e) => panic!("{shell}: {e}"),
    }
}

#[test]
fn completion_scripts_parse() {
    for shell in ["bash", "zsh", "fish"] {
        let script = arcfleet(&["completions", shell]);
        if let Some(out) = syntax_check(shell, &script) {
            assert!(
                out.status.success() && out.stderr.is_empty(),
                "{shell} -n: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn man_pages_render_without_warnings() {
    let mut pages = vec![arcfleet(&["man"])];
    for sub in cli::Cli::command().get_subcommands() {
        pages.push(arcfleet(&["man", sub.get_name()]));
    }
    for page in pages {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.1");
        std::fs::write(&path, &page).unwrap();
        // `-ww`: every warning; `-z`: format, print nothing.
        let out = match Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(&path)
            .output()
        {
            Ok(out) => out,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                eprintln!("skipped: groff is not installed (`apt-get install groff`)");
                return;
            }
            Err(e) => panic!("groff: {e}"),
        };
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "groff on\n{}\n{}",
            page.lines().next().unwrap_or_default(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn man_page_of_an_unknown_subcommand_is_a_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_arcfleet"))
        .args(["man", "frobnicate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`frobnicate` is not a subcommand of arcfleet (one of: render, check"),
        "{stderr}"
    );
}
