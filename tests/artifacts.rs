//! Generated artefacts are committed and must match what the code produces. Run with
//! `ARCFLEET_UPDATE=1` to refresh them.

mod common;

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
