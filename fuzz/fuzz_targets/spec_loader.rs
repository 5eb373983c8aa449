//! The fleet spec loader, resolver and renderer on arbitrary bytes.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let file = Arc::new(arcfleet_diag::SourceFile::new("fleet.yaml", text));
    let Ok(spec) = arcfleet_spec::load_spec(file) else { return };
    let Ok(fleet) = arcfleet_spec::resolve(&spec, &Default::default()) else { return };
    if let Ok(manifests) = arcfleet_render::render(&fleet) {
        let _ = manifests.stream();
    }
});
