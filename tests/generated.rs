//! `generated/<example>/` must be exactly what `arcfleet render` produces from
//! `examples/<example>/fleet.yaml`. Run with `ARCFLEET_UPDATE=1` to refresh them.

mod common;

use std::collections::BTreeSet;

#[test]
fn generated_examples_are_up_to_date() {
    let update = std::env::var_os("ARCFLEET_UPDATE").is_some();
    let mut stale = Vec::new();
    for example in common::examples() {
        let out = common::root().join("generated").join(&example);
        let files = common::render_example(&example).files().expect("files");
        if update {
            arcfleet_render::write_dir(&out, &files).expect("write generated/");
            continue;
        }
        let expected: BTreeSet<String> = files.iter().map(|f| f.path.clone()).collect();
        let on_disk = arcfleet_render::generated_files(&out).expect("read generated/");
        for missing in expected.difference(&on_disk) {
            stale.push(format!("generated/{example}/{missing}: missing"));
        }
        for extra in on_disk.difference(&expected) {
            stale.push(format!("generated/{example}/{extra}: no longer produced"));
        }
        for file in &files {
            let path = out.join(&file.path);
            if let Ok(current) = std::fs::read_to_string(&path)
                && current != file.contents
            {
                stale.push(format!("generated/{example}/{}: differs", file.path));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated output is stale; run `ARCFLEET_UPDATE=1 cargo test --test generated`:\n{}",
        stale.join("\n")
    );
}
