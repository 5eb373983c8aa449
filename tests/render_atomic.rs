//! `render --out` is all or nothing: a write that fails part-way (here a file size limit, the
//! way a full disk or a quota stops it), a process killed while it stages the new files, and a
//! Ctrl-C leave the output folder as it was, or, for a Ctrl-C that comes once every new file is
//! staged, holding the complete new render. Never a mix, never a temporary left for good.

mod common;

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn arcfleet() -> &'static str {
    env!("CARGO_BIN_EXE_arcfleet")
}

fn render(spec: &Path, out: &Path) -> Output {
    Command::new(arcfleet())
        .args(["render"])
        .arg(spec)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// A 300-set fleet (about 1,700 files), written by xtask.
fn big_fleet(dir: &Path) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "run", "--quiet", "-p", "xtask", "--", "fleet", "--sets", "300",
        ])
        .current_dir(common::root())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let path = dir.join("big.yaml");
    std::fs::write(&path, output.stdout).unwrap();
    path
}

/// Every file and folder below `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        for entry in std::fs::read_dir(&path).unwrap().flatten() {
            let p = entry.path();
            let rel = p.strip_prefix(dir).unwrap().display().to_string();
            if p.is_dir() {
                out.push((rel, None));
                stack.push(p);
            } else {
                out.push((rel, Some(std::fs::read(&p).unwrap())));
            }
        }
    }
    out.sort();
    out
}

/// Asserts two snapshots are equal, naming the paths that differ.
#[track_caller]
fn assert_same(after: &[(String, Option<Vec<u8>>)], before: &[(String, Option<Vec<u8>>)]) {
    let differ: Vec<&String> = after
        .iter()
        .filter(|e| !before.contains(e))
        .chain(before.iter().filter(|e| !after.contains(e)))
        .map(|(path, _)| path)
        .collect();
    assert!(differ.is_empty(), "the folder changed: {differ:?}");
}

/// Without the folders that hold nothing.
fn without_empty_folders(
    snapshot: Vec<(String, Option<Vec<u8>>)>,
) -> Vec<(String, Option<Vec<u8>>)> {
    let files: Vec<String> = snapshot
        .iter()
        .filter(|(_, bytes)| bytes.is_some())
        .map(|(path, _)| format!("{path}/"))
        .collect();
    snapshot
        .into_iter()
        .filter(|(path, bytes)| {
            bytes.is_some() || files.iter().any(|f| f.starts_with(&format!("{path}/")))
        })
        .collect()
}

fn temporaries(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .into_iter()
        .map(|(rel, _)| rel)
        .filter(|rel| {
            rel.rsplit('/')
                .next()
                .is_some_and(|n| n.starts_with(".arcfleet-"))
        })
        .collect()
}

/// The output folder of the three-organisation example, and a big fleet to render over it.
fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let small = common::root().join("examples/three-orgs/fleet.yaml");
    assert!(render(&small, &out).status.success());
    let big = big_fleet(dir.path());
    (dir, out, big)
}

/// `render` under `sh` with a file size limit of 1 KiB: the ScaleSet files are larger.
fn render_with_size_limit(spec: &Path, out: &Path, ignore_sigxfsz: bool) -> Output {
    let trap = if ignore_sigxfsz { "trap '' XFSZ; " } else { "" };
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{trap}ulimit -f 2; exec \"$0\" render \"$1\" --out \"$2\""
        ))
        .arg(arcfleet())
        .arg(spec)
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn a_write_that_fails_part_way_leaves_the_folder_as_it_was() {
    let (_dir, out, big) = setup();
    let before = snapshot(&out);
    let output = render_with_size_limit(&big, &out, true);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("nothing was changed, the output folder is as it was"),
        "{stderr}"
    );
    assert_same(&snapshot(&out), &before);
}

#[test]
fn a_run_killed_while_staging_changes_no_file_and_the_next_run_cleans_up() {
    let (_dir, out, big) = setup();
    let before = snapshot(&out);
    // Without the trap, the first write past the limit kills the process (SIGXFSZ), as a
    // SIGKILL would: no handler runs.
    let output = render_with_size_limit(&big, &out, false);
    assert_eq!(output.status.signal(), Some(25), "{output:?}");
    let files_before: Vec<_> = before.iter().filter(|(_, b)| b.is_some()).collect();
    let after = snapshot(&out);
    for file in &files_before {
        assert!(after.contains(file), "{} changed", file.0);
    }
    assert!(
        !temporaries(&out).is_empty(),
        "the killed run left no temporary"
    );
    // The next run removes what the killed one left; folders the killed run made and left
    // empty may stay (no tool that reads manifests, Git included, sees an empty folder).
    let small = common::root().join("examples/three-orgs/fleet.yaml");
    assert!(render(&small, &out).status.success());
    assert!(temporaries(&out).is_empty(), "{:?}", temporaries(&out));
    assert_same(&without_empty_folders(snapshot(&out)), &before);
}

#[test]
fn ctrl_c_during_the_write_leaves_the_old_or_the_complete_new_render() {
    let (_dir, out, big) = setup();
    let before = snapshot(&out);
    let mut child = Command::new(arcfleet())
        .arg("render")
        .arg(&big)
        .arg("--out")
        .arg(&out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the write has begun (its first temporary), then interrupt it.
    let deadline = Instant::now() + Duration::from_secs(60);
    while temporaries(&out).is_empty() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the render finished before it could be interrupted"
        );
        assert!(Instant::now() < deadline, "no write began");
        std::thread::sleep(Duration::from_millis(1));
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(temporaries(&out).is_empty(), "{:?}", temporaries(&out));
    if stderr.contains("nothing was changed") {
        assert_same(&snapshot(&out), &before);
    } else {
        assert!(stderr.contains("holds the complete render"), "{stderr}");
        let check = Command::new(arcfleet())
            .arg("check")
            .arg(&big)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(check.status.success(), "{check:?}");
    }
}
