//! The YAML reader on arbitrary bytes: never panics, never overflows the stack.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let file = Arc::new(arcfleet_diag::SourceFile::new("fuzz.yaml", text));
    if let Ok(docs) = arcfleet_yaml::load(&file, &Default::default()) {
        for doc in &docs {
            let _ = arcfleet_yaml::to_json(&doc.root);
        }
    }
});
