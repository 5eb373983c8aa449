//! Generated artefacts are committed and must match what the code produces. Run with
//! `ARCFLEET_UPDATE=1` to refresh them.

mod common;

#[path = "../src/cli.rs"]
#[allow(dead_code)]
mod cli;

use std::collections::BTreeSet;

use clap::CommandFactory;
use common::check_artifact as check;

#[test]
fn fleet_spec_schema_is_up_to_date() {
    let schema = serde_json::to_string_pretty(&arcfleet_spec::json_schema()).unwrap();
    check("docs/fleet-spec.schema.json", &format!("{schema}\n"));
}

#[test]
fn policy_schema_is_up_to_date() {
    let schema = serde_json::to_string_pretty(&arcfleet_validate::Policy::json_schema()).unwrap();
    check("docs/policy.schema.json", &format!("{schema}\n"));
}

#[test]
fn default_policy_is_up_to_date() {
    check(
        "policies/default.yaml",
        &arcfleet_validate::Policy::default_yaml(),
    );
}

#[test]
fn rule_reference_is_up_to_date() {
    check("docs/rules.md", &arcfleet_validate::rules_markdown());
}

/// `docs/man/`: the page of `arcfleet` and of each subcommand, as `arcfleet man` prints them.
#[test]
fn man_pages_are_up_to_date() {
    let man = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_arcfleet"))
            .arg("man")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "arcfleet man {args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let mut pages = vec![("arcfleet.1".to_string(), man(&[]))];
    for sub in cli::Cli::command().get_subcommands() {
        let name = sub.get_name();
        pages.push((format!("arcfleet-{name}.1"), man(&[name])));
    }
    let dir = common::root().join("docs/man");
    let update = std::env::var_os("ARCFLEET_UPDATE").is_some();
    if update {
        std::fs::create_dir_all(&dir).unwrap();
    }
    for (file, roff) in &pages {
        check(&format!("docs/man/{file}"), roff);
    }
    // The page of a subcommand that is gone is stale too.
    let expected: BTreeSet<&str> = pages.iter().map(|(file, _)| file.as_str()).collect();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !expected.contains(file.as_str()) {
            if update {
                std::fs::remove_file(dir.join(&file)).unwrap();
            } else {
                panic!(
                    "docs/man/{file} is no subcommand's page; run the test again with ARCFLEET_UPDATE=1"
                );
            }
        }
    }
}

#[test]
fn every_rule_is_documented_and_ids_are_unique() {
    let catalog = arcfleet_validate::catalog();
    let mut ids: Vec<&str> = catalog.iter().map(|m| m.id).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len(), "duplicate rule ids");
    for meta in catalog {
        assert!(
            meta.doc_text().len() > 150,
            "{} needs a doc comment that says why it exists",
            meta.id
        );
        assert!(
            meta.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}",
            meta.id
        );
    }
}

/// The README's rule table, between its `rules:start` and `rules:end` markers.
#[test]
fn readme_rule_table_is_up_to_date() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let start = readme
        .find("<!-- rules:start")
        .expect("README has the rules:start marker");
    let body = start + readme[start..].find("-->").unwrap() + "-->\n".len();
    let end = readme
        .find("<!-- rules:end -->")
        .expect("README has the rules:end marker");
    let mut table = String::from("| rule | default | checks |\n| --- | --- | --- |\n");
    for m in arcfleet_validate::catalog() {
        table.push_str(&format!(
            "| [`{}`](docs/rules.md#{}) | {} | {} |\n",
            m.id,
            m.id,
            m.default_severity,
            m.summary.replace('|', "\\|")
        ));
    }
    let expected = format!("{}{table}{}", &readme[..body], &readme[end..]);
    check("README.md", &expected);
}
