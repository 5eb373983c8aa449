//! `arcfleet validate` end to end: formats, exit codes, stdin, suppressions, and the render
//! guard that runs the same rules.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn arcfleet(args: &[&str]) -> Output {
    arcfleet_with_stdin(args, None)
}

fn arcfleet_with_stdin(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_arcfleet"))
        .args(args)
        .current_dir(common::root())
        .env("NO_COLOR", "1")
        .env_remove("ARCFLEET_FORMAT")
        .env_remove("ARCFLEET_POLICY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("arcfleet runs");
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or_default().as_bytes())
        .unwrap();
    drop(pipe);
    child.wait_with_output().unwrap()
}

use common::text;

/// A copy of a generated example in a temporary folder, with `edit` applied to one file.
fn broken_example(example: &str, file: &str, from: &str, to: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in common::render_example(example).files().unwrap() {
        let path = dir.path().join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let contents = if f.path == file {
            assert!(f.contents.contains(from), "{from} not in {file}");
            f.contents.replacen(from, to, 1)
        } else {
            f.contents
        };
        std::fs::write(path, contents).unwrap();
    }
    dir
}

#[test]
fn generated_examples_are_clean_with_and_without_schemas() {
    let schemas = common::shared("schemas");
    for example in common::examples() {
        let dir = format!("generated/{example}");
        let mut args = vec!["validate", dir.as_str()];
        if let Some(schemas) = schemas.as_ref().and_then(|s| s.to_str()) {
            args.extend(["--schema-dir", schemas]);
        }
        let out = arcfleet(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{dir}:\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("0 error(s), 0 warning(s), 0 note(s)"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn a_version_skew_across_files_is_an_error_at_the_label() {
    let dir = broken_example(
        "three-orgs",
        "kamify-runner/autoscalingrunnerset-kamify-runners.yaml",
        "app.kubernetes.io/version: \"0.14.2\"",
        "app.kubernetes.io/version: \"0.13.1\"",
    );
    let root = dir.path().to_str().unwrap();
    let out = arcfleet(&["validate", root]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stderr);
    assert!(
        stdout.contains(
            "error[version-skew]: scale set version 0.13.1 differs from the controller's 0.14.2"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "--> {root}/kamify-runner/autoscalingrunnerset-kamify-runners.yaml:16:32"
        )),
        "{stdout}"
    );

    let json = arcfleet(&["validate", root, "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "version-skew");
    assert_eq!(finding["line"], 16);
    assert_eq!(finding["column"], 32);
    assert_eq!(finding["object"]["kind"], "AutoscalingRunnerSet");
    assert_eq!(finding["object"]["namespace"], "kamify-runner");
    assert_eq!(report["summary"]["errors"], 1);
    assert_eq!(report["summary"]["files"], 31);
}

#[test]
fn json_paths_stay_as_given() {
    let out = arcfleet(&[
        "validate",
        "tests/fixtures/validate/min-above-max.yaml",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["findings"][0]["file"],
        "tests/fixtures/validate/min-above-max.yaml"
    );
}

#[test]
fn sarif_meets_what_github_code_scanning_enforces() {
    let out = arcfleet(&["validate", "tests/fixtures/validate", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif"));
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "arcfleet");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() >= 19);
    for rule in rules {
        assert!(
            rule["id"].is_string() && rule["help"]["text"].as_str().unwrap().len() > 50,
            "{rule}"
        );
        assert!(rule["shortDescription"]["text"].is_string());
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let id = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id);
        assert!(matches!(
            result["level"].as_str(),
            Some("error" | "warning" | "note")
        ));
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let location = &result["locations"][0]["physicalLocation"];
        assert!(
            location["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("tests/fixtures/validate/")
        );
        let region = &location["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
        assert!(region["endLine"].as_u64().unwrap() >= region["startLine"].as_u64().unwrap());
    }
}

#[test]
fn junit_and_github_formats() {
    let junit = arcfleet(&[
        "validate",
        "tests/fixtures/validate/min-above-max.yaml",
        "--format",
        "junit",
    ]);
    let xml = text(&junit.stdout);
    assert!(
        xml.starts_with("<?xml")
            && xml.contains("<failure message=\"minRunners (5) is greater than maxRunners (2)"),
        "{xml}"
    );
    let github = arcfleet(&[
        "validate",
        "tests/fixtures/validate/min-above-max.yaml",
        "--format",
        "github",
    ]);
    let lines = text(&github.stdout);
    assert!(
        lines.contains("::error file=tests/fixtures/validate/min-above-max.yaml,line=8,col=15,"),
        "{lines}"
    );
}

#[test]
fn stdin_and_fail_on() {
    let yaml =
        std::fs::read_to_string(common::root().join("tests/fixtures/validate/min-above-max.yaml"))
            .unwrap();
    let out = arcfleet_with_stdin(&["validate", "-", "--format", "json"], Some(&yaml));
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"][0]["file"], "<stdin>");

    let warning_only = yaml
        .replace("minRunners: 5", "minRunners: 1")
        .replace("actions-runner:2.330.0", "actions-runner:latest");
    let clean = arcfleet_with_stdin(&["validate", "-"], Some(&warning_only));
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stderr));
    assert!(text(&clean.stderr).contains("warning[image-pinning]"));
    let strict = arcfleet_with_stdin(
        &["validate", "-", "--fail-on", "warning"],
        Some(&warning_only),
    );
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn unreadable_input_exits_2_with_a_position() {
    let out = arcfleet_with_stdin(
        &["validate", "-"],
        Some("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"unclosed\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--> <stdin>:6:6"),
        "{}",
        text(&out.stderr)
    );
    let missing = arcfleet(&["validate", "no/such/dir"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("no/such/dir: no such file or directory"));
}

#[test]
fn non_kubernetes_documents_are_skipped_and_counted() {
    let out = arcfleet_with_stdin(
        &["validate", "-"],
        Some(
            "githubConfigUrl: https://github.com/x\ngithubConfigSecret: gh\nmaxRunners: 3\ntemplate: {spec: {containers: [{name: runner, image: \"ghcr.io/actions/actions-runner:2.330.0\", command: [/home/runner/run.sh]}]}}\n---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n",
        ),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("0 object(s) checked, 1 Helm release(s) checked as the objects their chart renders, 1 document(s) skipped"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn ignore_annotations_suppress_with_a_reason() {
    let yaml =
        std::fs::read_to_string(common::root().join("tests/fixtures/validate/min-above-max.yaml"))
            .unwrap();
    let ignored = yaml.replace(
        "  namespace: ci\n",
        "  namespace: ci\n  annotations:\n    arcfleet.io/ignore: runner-bounds,active-deadline\n",
    );
    let out = arcfleet_with_stdin(&["validate", "-"], Some(&ignored));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("warning[ignore-without-reason]"),
        "{}",
        text(&out.stderr)
    );
    let explained = ignored.replace(
        "    arcfleet.io/ignore:",
        "    arcfleet.io/ignore-reason: capacity is managed elsewhere\n    arcfleet.io/ignore:",
    );
    let out = arcfleet_with_stdin(&["validate", "-"], Some(&explained));
    assert!(
        text(&out.stderr).contains("0 error(s), 0 warning(s)"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn render_refuses_what_the_rules_reject() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.yaml");
    std::fs::write(
        &policy,
        "apiVersion: arcfleet.io/v1alpha1\nkind: Policy\nrules:\n  image-pinning: error\n",
    )
    .unwrap();
    let spec = dir.path().join("fleet.yaml");
    std::fs::write(
        &spec,
        common::example_text("single-repo")
            .replace("actions-runner:2.330.0", "actions-runner:latest"),
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    let out = arcfleet(&[
        "render",
        spec.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("error[image-pinning]"),
        "{}",
        text(&out.stderr)
    );
    assert!(!out_dir.exists(), "nothing is written when the rules fail");
    let warned = arcfleet(&[
        "render",
        spec.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(warned.status.code(), Some(0));
    assert!(text(&warned.stderr).contains("warning[image-pinning]"));
}

#[test]
fn rules_and_explain() {
    let rules = text(&arcfleet(&["rules"]).stdout);
    assert!(rules.lines().count() >= 21 && rules.contains("quota-headroom"));
    let explain = arcfleet(&["explain", "version-skew"]);
    assert!(
        text(&explain.stdout).contains("an AutoscalingRunnerSet whose version label is missing")
    );
    let unknown = arcfleet(&["explain", "version-skw"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("did you mean `version-skew`?"));
}

#[test]
fn bad_policy_files_exit_2_with_a_position() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(
        &policy,
        "apiVersion: arcfleet.io/v1alpha1\nkind: Policy\nrules:\n  quota-hedroom: off\n",
    )
    .unwrap();
    let out = arcfleet(&[
        "validate",
        "generated/single-repo",
        "--policy",
        policy.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("p.yaml:4:3"),
        "{}",
        text(&out.stderr)
    );
}
