//! Deterministic, Kubernetes-safe YAML emission.

use serde::Serialize;

/// Why a value could not be written as YAML.
#[derive(Debug, thiserror::Error)]
#[error("cannot write YAML: {0}")]
pub struct EmitError(String);

fn options() -> serde_saphyr::SerializerOptions {
    let mut options = serde_saphyr::SerializerOptions::default();
    // Multi-line strings (worker pod specs in ConfigMaps) as literal blocks; long single-line
    // strings stay on one line so diffs stay readable.
    options.prefer_block_scalars = true;
    options.folded_wrap_chars = usize::MAX;
    options
}

/// Writes `value` as one YAML document (no `---`), quoting every string that YAML 1.1 would read
/// as something else (`yes`, `0755`, `1_000`...), so Kubernetes reads back exactly what was meant.
///
/// ```
/// let yaml = arcfleet_yaml::to_yaml(&std::collections::BTreeMap::from([("enabled", "yes")])).unwrap();
/// assert_eq!(yaml, "enabled: \"yes\"\n");
/// ```
pub fn to_yaml<T: Serialize>(value: &T) -> Result<String, EmitError> {
    serde_saphyr::to_string_with_options(value, options()).map_err(|e| EmitError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn ambiguous_strings_are_quoted_and_round_trip() {
        let values = [
            "yes",
            "NO",
            "on",
            "y",
            "0755",
            "1_000",
            "1.10",
            "null",
            "~",
            "2024-01-02",
            "plain",
        ];
        let map: BTreeMap<String, String> = values
            .iter()
            .map(|v| (format!("k{v}"), v.to_string()))
            .collect();
        let yaml = to_yaml(&map).unwrap();
        let file = std::sync::Arc::new(arcfleet_diag::SourceFile::new("x", yaml.clone()));
        let docs = crate::load(&file, &crate::Limits::default()).unwrap();
        for v in values {
            let node = docs[0].root.get(&format!("k{v}")).unwrap();
            assert_eq!(
                node.as_str(),
                Some(v),
                "{v} did not survive YAML 1.1 reading:\n{yaml}"
            );
        }
    }

    #[test]
    fn multi_line_strings_are_literal_blocks() {
        let map = BTreeMap::from([("data", "a: 1\nb: 2\n")]);
        assert_eq!(to_yaml(&map).unwrap(), "data: |\n  a: 1\n  b: 2\n");
    }
}
