//! The `arcfleet` binary's contract: outputs, file:line:col errors and exit codes
//! (0 clean, 1 findings, 2 usage or I/O error).

mod common;

use std::process::Command;

use common::{arcfleet, text};

#[test]
fn render_to_stdout_prints_only_a_yaml_stream() {
    let out = arcfleet(&["render", "examples/single-repo/fleet.yaml", "--stdout"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("---\napiVersion: v1\nkind: Namespace\n"),
        "{stdout}"
    );
    assert!(stdout.contains("kind: AutoscalingRunnerSet"));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn render_into_a_folder_then_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let out_arg = out_dir.to_str().unwrap();
    let first = arcfleet(&["render", "examples/three-orgs/fleet.yaml", "--out", out_arg]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert!(
        text(&first.stderr).contains("31 written, 0 unchanged, 0 removed"),
        "{}",
        text(&first.stderr)
    );
    let second = arcfleet(&["render", "examples/three-orgs/fleet.yaml", "--out", out_arg]);
    assert!(
        text(&second.stderr).contains("0 written, 31 unchanged, 0 removed"),
        "{}",
        text(&second.stderr)
    );
}

#[test]
fn spec_mistakes_are_findings_with_positions() {
    let out = arcfleet(&[
        "render",
        "tests/fixtures/spec-errors/min-above-max.yaml",
        "--stdout",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout when the render fails"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--> tests/fixtures/spec-errors/min-above-max.yaml:29:19"),
        "{stderr}"
    );
}

#[test]
fn unreadable_yaml_and_io_problems_exit_2() {
    let broken = arcfleet(&[
        "render",
        "tests/fixtures/spec-errors/broken-yaml.yaml",
        "--stdout",
    ]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        text(&broken.stderr).contains("broken-yaml.yaml:7:3"),
        "{}",
        text(&broken.stderr)
    );

    let missing = arcfleet(&["render", "no/such/fleet.yaml", "--stdout"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing.stderr).contains("cannot read no/such/fleet.yaml"),
        "{}",
        text(&missing.stderr)
    );

    let file_as_out = arcfleet(&[
        "render",
        "examples/single-repo/fleet.yaml",
        "--out",
        "Cargo.toml",
    ]);
    assert_eq!(file_as_out.status.code(), Some(2));
    assert!(
        text(&file_as_out.stderr).contains("Cargo.toml: not a directory"),
        "{}",
        text(&file_as_out.stderr)
    );

    // Without arguments render needs .arcfleet.yaml or fleet.yaml in the working directory.
    let empty = tempfile::tempdir().unwrap();
    let nothing = Command::new(env!("CARGO_BIN_EXE_arcfleet"))
        .arg("render")
        .current_dir(empty.path())
        .output()
        .unwrap();
    assert_eq!(nothing.status.code(), Some(2));
    assert!(
        text(&nothing.stderr).contains("neither .arcfleet.yaml nor fleet.yaml"),
        "{}",
        text(&nothing.stderr)
    );
    assert_eq!(
        arcfleet(&["render", "examples/single-repo/fleet.yaml"])
            .status
            .code(),
        Some(2),
        "needs --out or --stdout"
    );
    assert_eq!(arcfleet(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn missing_kubernetes_version_can_come_from_the_command_line() {
    let spec = common::example_text("single-repo").replace("  kubernetesVersion: \"1.30\"\n", "");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fleet.yaml");
    std::fs::write(&path, spec).unwrap();
    let path = path.to_str().unwrap();
    let without = arcfleet(&["render", path, "--stdout"]);
    assert_eq!(without.status.code(), Some(1));
    assert!(text(&without.stderr).contains("target Kubernetes version is unknown"));
    let with = arcfleet(&["render", path, "--stdout", "--kube-version", "1.28"]);
    assert_eq!(with.status.code(), Some(0), "{}", text(&with.stderr));
}

#[test]
fn version_and_help_exit_0() {
    assert_eq!(arcfleet(&["--version"]).status.code(), Some(0));
    assert_eq!(arcfleet(&["render", "--help"]).status.code(), Some(0));
}

/// `--version` names the ARC versions arcfleet knows, from `arcfleet_arc`'s constants; `-V`
/// stays the bare release.
#[test]
fn long_version_names_the_arc_versions() {
    use arcfleet_arc::{CHART_RELEASE, KNOWN_RELEASES};
    assert!(KNOWN_RELEASES.contains(&CHART_RELEASE));
    let long = arcfleet(&["--version"]);
    assert_eq!(long.status.code(), Some(0));
    let stdout = text(&long.stdout);
    assert!(
        stdout.starts_with(&format!(
            "arcfleet {} (renders ARC {CHART_RELEASE}; knows the charts of ARC ",
            env!("CARGO_PKG_VERSION")
        )),
        "{stdout}"
    );
    for release in KNOWN_RELEASES {
        assert!(stdout.contains(&release.to_string()), "{stdout}");
    }
    let short = arcfleet(&["-V"]);
    assert_eq!(short.status.code(), Some(0));
    assert_eq!(
        text(&short.stdout),
        format!("arcfleet {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn schema_command_prints_the_spec_schema() {
    let out = arcfleet(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["title"], "arcfleet Fleet");
    assert_eq!(schema["additionalProperties"], false);
    let committed =
        std::fs::read_to_string(common::root().join("docs/fleet-spec.schema.json")).unwrap();
    assert_eq!(committed, text(&out.stdout));
}

/// The three-orgs example with `edit` applied to its text, written to a temporary spec.
fn three_orgs_with(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let text = edit(
        std::fs::read_to_string(common::root().join("examples/three-orgs/fleet.yaml")).unwrap(),
    );
    std::fs::write(dir.path().join("fleet.yaml"), text).unwrap();
    dir
}

#[test]
fn render_reports_rendered_findings_once_at_the_spec_line_that_causes_them() {
    // One floating image in a class that three sets use: six containers in the output.
    let dir = three_orgs_with(|t| {
        t.replace(
            "actions-runner-with-gh:2.330.0",
            "actions-runner-with-gh:latest",
        )
    });
    let spec = dir.path().join("fleet.yaml");
    let out = arcfleet(&["render", spec.to_str().unwrap(), "--stdout"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr.matches("warning[image-pinning]").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("(and 5 more like it in the rendered output)"),
        "{stderr}"
    );
    let line = std::fs::read_to_string(&spec)
        .unwrap()
        .lines()
        .position(|l| l.contains("actions-runner-with-gh:latest"))
        .unwrap()
        + 1;
    assert!(
        stderr.contains(&format!("--> {}:{line}:14", spec.display())),
        "{stderr}"
    );
}

#[test]
fn render_judges_quotas_with_the_sets_headroom_and_the_policys() {
    // github-runner's quota holds 25 pods: 12 runners + 3 headroom + 10 spare. A quota of exactly
    // maxRunners warns about headroom, unless the set asks for none.
    let tight = |t: String| t.replace("pods: \"25\"", "pods: \"12\"");
    let dir = three_orgs_with(tight);
    let spec = dir.path().join("fleet.yaml");
    let out = arcfleet(&["render", spec.to_str().unwrap(), "--stdout"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr.matches("warning[spec]: quota `pods: 12`").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("they need 15"), "{stderr}");
    assert!(
        !stderr.contains("quota-headroom"),
        "reported once, at the spec: {stderr}"
    );

    let dir = three_orgs_with(|t| {
        tight(t).replacen(
            "      maxRunners: 12\n",
            "      maxRunners: 12\n      headroom: 0\n",
            1,
        )
    });
    let spec = dir.path().join("fleet.yaml");
    let out = arcfleet(&["render", spec.to_str().unwrap(), "--stdout"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    // `validate` reads the set's headroom back from the output: the same verdict.
    let out_dir = dir.path().join("out");
    let rendered = arcfleet(&[
        "render",
        spec.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(
        rendered.status.code(),
        Some(0),
        "{}",
        text(&rendered.stderr)
    );
    let validated = arcfleet(&["validate", out_dir.to_str().unwrap()]);
    assert_eq!(
        validated.status.code(),
        Some(0),
        "{}",
        text(&validated.stderr)
    );
    assert!(
        text(&validated.stderr).contains("0 error(s), 0 warning(s)"),
        "{}",
        text(&validated.stderr)
    );

    // The policy's headroom formula is the default for sets that set none.
    let policy = dir.path().join("policy.yaml");
    std::fs::write(
        &policy,
        "apiVersion: arcfleet.io/v1alpha1\nkind: Policy\nheadroom: {minimum: 5, divisor: 4}\n",
    )
    .unwrap();
    let dir = three_orgs_with(|t| t.replace("pods: \"25\"", "pods: \"16\""));
    let spec = dir.path().join("fleet.yaml");
    let out = arcfleet(&[
        "render",
        spec.to_str().unwrap(),
        "--stdout",
        "--policy",
        policy.to_str().unwrap(),
    ]);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("quota `pods: 16`") && stderr.contains("they need 17"),
        "{stderr}"
    );
}

#[test]
fn a_misspelt_quota_resource_is_refused_where_it_is_written() {
    let dir = three_orgs_with(|t| t.replace("requests.cpu: \"10\"", "requests.cpus: \"10\""));
    let spec = dir.path().join("fleet.yaml");
    let out = arcfleet(&["render", spec.to_str().unwrap(), "--stdout"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("`requests.cpus` is not a resource a ResourceQuota can limit"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `requests.cpu`?"), "{stderr}");
    assert!(out.stdout.is_empty());
}
