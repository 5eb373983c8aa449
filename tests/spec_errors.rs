//! The fleet spec error corpus: each file under `tests/fixtures/spec-errors/` is a broken spec
//! (or one that renders with warnings); its snapshot holds the exact report (file:line:col,
//! message, hint) `arcfleet render` prints.

mod common;

use std::sync::Arc;

use arcfleet_diag::SourceFile;

fn report(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let name = format!(
        "fixtures/spec-errors/{}",
        path.file_name().unwrap().to_string_lossy()
    );
    let errors = match arcfleet_spec::load_spec(Arc::new(SourceFile::new(name, text))) {
        Err(errors) => errors,
        Ok(spec) => match arcfleet_spec::resolve(&spec, &Default::default()) {
            Err(errors) => errors,
            Ok(fleet) if !fleet.warnings.is_empty() => arcfleet_diag::Diagnostics(fleet.warnings),
            Ok(_) => panic!("{} resolved without error or warning", path.display()),
        },
    };
    arcfleet_report::human(&errors.0, false)
}

#[test]
fn every_broken_spec_is_reported_at_its_node() {
    insta::glob!("fixtures/spec-errors/*.yaml", |path| {
        insta::assert_snapshot!(report(path));
    });
}
