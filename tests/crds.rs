//! `controller.crds` end to end: the rendered folder passes `validate` as it is, the stream says
//! it cannot carry the CRDs, and the facts arcfleet keeps about ARC's CRD files hold for the
//! reference copies in `../shared/crds`.

mod common;

use arcfleet_arc::crds::{GROUP, PLURALS};

/// `mixed-hardware` is the example with `controller.crds.render: true`.
const FLEET: &str = "examples/mixed-hardware/fleet.yaml";

use common::{arcfleet, text};

#[test]
fn the_rendered_folder_with_crds_validates_clean() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let render = arcfleet(&["render", FLEET, "--out", out]);
    assert_eq!(render.status.code(), Some(0), "{}", text(&render.stderr));
    assert!(dir.path().join("_crds/kustomization.yaml").is_file());

    let validate = arcfleet(&["validate", out]);
    assert_eq!(
        validate.status.code(),
        Some(0),
        "{}",
        text(&validate.stdout)
    );
    let report = text(&validate.stdout) + &text(&validate.stderr);
    assert!(
        report.contains("0 error(s), 0 warning(s), 0 note(s)"),
        "{report}"
    );
}

#[test]
fn the_stream_has_no_crds_and_says_so() {
    let out = arcfleet(&["render", FLEET, "--stdout"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("kind: Kustomization"));
    assert!(
        text(&out.stderr).contains(
            "_crds/kustomization.yaml (controller.crds) is written only by `render --out`"
        ),
        "{}",
        text(&out.stderr)
    );
}

/// The file names arcfleet derives are ARC's, each file holds the CRD its name says, and each is
/// too large for a client-side apply (an object's annotations hold at most 256 KiB).
#[test]
fn reference_crd_files_match_the_names_and_need_server_side_apply() {
    let Some(dir) = common::shared("crds") else {
        return;
    };
    for plural in PLURALS {
        let path = dir.join(format!("{GROUP}_{plural}.yaml"));
        let crd = std::fs::read_to_string(&path).unwrap();
        assert!(
            crd.contains(&format!("\n  name: {plural}.{GROUP}\n")),
            "{}",
            path.display()
        );
        assert!(
            crd.len() > 256 * 1024,
            "{}: {} bytes",
            path.display(),
            crd.len()
        );
    }
}
