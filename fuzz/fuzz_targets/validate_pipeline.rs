//! The whole validate pipeline (parse, index, Helm values, rules, suppressions) on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = arcfleet_validate::input::source_from_bytes("fuzz.yaml", data.to_vec());
    let report = arcfleet_validate::validate(vec![file], &Default::default());
    for d in &report.diagnostics {
        let _ = d.line_col();
    }
});
