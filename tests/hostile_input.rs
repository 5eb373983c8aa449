//! Broken and hostile input gets a clear error with file:line:col (exit 2) or ordinary findings,
//! never a panic (exit 101) and never a hang. The corpus is `tests/fixtures/hostile/`.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

/// (fixture, exit code, expected `rule line:col message` fragment; empty when clean).
const CASES: &[(&str, i32, &str)] = &[
    (
        "unclosed-quote.yaml",
        2,
        "yaml-syntax 4:9 invalid YAML: while scanning a quoted scalar",
    ),
    ("bad-indentation.yaml", 2, "yaml-syntax 5:2 invalid YAML"),
    (
        "tabs.yaml",
        2,
        "yaml-syntax 4:2 invalid YAML: tabs disallowed",
    ),
    (
        "duplicate-keys.yaml",
        2,
        "yaml-syntax 5:3 duplicate key `name` (first defined on line 4)",
    ),
    ("invalid-utf8.yaml", 2, "yaml-syntax 4:12 not UTF-8 text"),
    ("binary.yaml", 2, "yaml-syntax 1:1 not UTF-8 text"),
    (
        "alias-bomb.yaml",
        2,
        "yaml-syntax 6:10 alias expansion exceeds 100000 nodes",
    ),
    (
        "merge-key-loop.yaml",
        2,
        "yaml-syntax 3:7 alias refers to an anchor that is not defined before it",
    ),
    ("deep-nesting.yaml", 2, "yaml-syntax 1:259 nesting too deep"),
    // Readable input: positions stay right with a BOM and CRLF line ends.
    ("bom.yaml", 0, ""),
    (
        "crlf.yaml",
        1,
        "schema 6:9 data.mode: invalid type: integer `493`, expected a string",
    ),
    ("empty.yaml", 0, ""),
    ("null-documents.yaml", 0, ""),
    ("list-document.yaml", 0, ""),
    ("scalar-document.yaml", 0, ""),
    ("input.json", 0, ""),
    // A directory named like a file is walked.
    ("dir.yaml", 0, ""),
];

#[test]
fn every_hostile_input_gets_a_located_error_or_findings() {
    let dir = common::root().join("tests/fixtures/hostile");
    for (fixture, code, expected) in CASES {
        let start = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_arcfleet"))
            .args(["validate", "--format", "json"])
            .arg(dir.join(fixture))
            .output()
            .unwrap();
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{fixture} took {:?}",
            start.elapsed()
        );
        assert_eq!(
            out.status.code(),
            Some(*code),
            "{fixture}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{fixture}: {e}"));
        let findings: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}:{} {}",
                    f["rule"].as_str().unwrap(),
                    f["line"],
                    f["column"],
                    f["message"].as_str().unwrap()
                )
            })
            .collect();
        if expected.is_empty() {
            assert!(findings.is_empty(), "{fixture}: {findings:#?}");
        } else {
            assert!(
                findings.iter().any(|f| f.starts_with(expected)),
                "{fixture}: expected `{expected}` in {findings:#?}"
            );
        }
    }
}

#[test]
fn paths_that_do_not_exist_or_loop_are_handled() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    std::fs::write(
        dir.path().join("ns.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_arcfleet"))
        .args(["validate"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "a symlink loop is not followed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let missing = Command::new(env!("CARGO_BIN_EXE_arcfleet"))
        .args(["validate", "/no/such/path"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    // A file that exists but cannot be read (tests run as root, so permissions would not stop
    // the read; the process's own memory file fails with an I/O error instead).
    let unreadable = Command::new(env!("CARGO_BIN_EXE_arcfleet"))
        .args(["validate", "/proc/self/mem"])
        .output()
        .unwrap();
    assert_eq!(unreadable.status.code(), Some(2));
    let message = String::from_utf8_lossy(&unreadable.stderr);
    assert!(message.contains("/proc/self/mem: "), "{message}");
    assert_eq!(message.matches("os error").count(), 1, "{message}");
}

/// Very large input meets a named limit before it meets the memory of the machine: the sizes are
/// checked before anything is read (files) or while reading (standard input).
#[test]
fn oversized_input_is_refused_with_the_limit_named() {
    let dir = tempfile::tempdir().unwrap();
    let object = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n";
    let entries: String = (0..600).map(|i| format!("  k{i}: v\n")).collect();
    let big = format!("{object}{entries}");
    std::fs::write(dir.path().join("big.yaml"), &big).unwrap();
    std::fs::write(dir.path().join("small.yaml"), object).unwrap();
    let validate = |args: &[&str], stdin: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_arcfleet"));
        command.arg("validate").args(args);
        command.stdin(std::process::Stdio::piped());
        command.stdout(std::process::Stdio::piped());
        command.stderr(std::process::Stdio::piped());
        let mut child = command.spawn().unwrap();
        {
            use std::io::Write;
            let mut pipe = child.stdin.take().unwrap();
            // The reader may stop early; a broken pipe is then expected.
            let _ = pipe.write_all(stdin.unwrap_or("").as_bytes());
        }
        child.wait_with_output().unwrap()
    };
    let dir_arg = dir.path().to_str().unwrap();

    let one = validate(&["--max-file-size", "4Ki", dir_arg], None);
    assert_eq!(one.status.code(), Some(2));
    let message = String::from_utf8_lossy(&one.stderr);
    assert!(
        message.contains("big.yaml: larger than the 4 KiB limit for one file")
            && message.contains("--max-file-size"),
        "{message}"
    );

    let total = validate(&["--max-input-size", "4Ki", dir_arg], None);
    assert_eq!(total.status.code(), Some(2));
    let message = String::from_utf8_lossy(&total.stderr);
    assert!(
        message.contains("2 files hold") && message.contains("over the 4 KiB limit for one run"),
        "{message}"
    );

    let piped = validate(&["--max-file-size", "4Ki", "-"], Some(&big));
    assert_eq!(piped.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&piped.stderr).contains("<stdin>: larger than the 4 KiB limit")
    );

    // Under the limits the same files are read and checked.
    let fits = validate(
        &[
            "--max-file-size",
            "8Ki",
            "--max-input-size",
            "16Ki",
            dir_arg,
        ],
        None,
    );
    assert_eq!(
        fits.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fits.stderr)
    );

    let bad = validate(&["--max-file-size", "1.5", dir_arg], None);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a positive whole number of bytes"));
}

/// Nothing arcfleet prints contains a secret value it read, in any format.
#[test]
fn secret_values_are_never_printed() {
    let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: github-token\n  namespace: ci\nstringData:\n  github_token: 0123456789\n  github_app_private_key: yes\ndata:\n  token: 987654321\n";
    let values = ["0123456789", "123456789", "987654321"];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secret.yaml");
    std::fs::write(&path, secret).unwrap();
    for format in ["human", "json", "sarif", "junit", "github"] {
        let out = Command::new(env!("CARGO_BIN_EXE_arcfleet"))
            .args(["validate", "--format", format])
            .arg(&path)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(printed.contains("plaintext-secret"), "{format}: {printed}");
        for value in values {
            assert!(
                !printed.contains(value),
                "{format} prints the secret value {value}:\n{printed}"
            );
        }
    }
}
