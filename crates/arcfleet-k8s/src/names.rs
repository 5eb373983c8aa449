//! Kubernetes object name rules.

/// A DNS-1123 label: at most 63 characters of `a-z`, `0-9` and `-`, starting and ending with an
/// alphanumeric. Namespaces, Services and ARC scale sets need one.
///
/// ```
/// assert!(arcfleet_k8s::is_dns1123_label("gpu-runners"));
/// assert!(!arcfleet_k8s::is_dns1123_label("GPU_runners"));
/// ```
pub fn is_dns1123_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// A DNS-1123 subdomain: dot-separated labels, at most 253 characters (most object names).
pub fn is_dns1123_subdomain(name: &str) -> bool {
    name.len() <= 253 && name.split('.').all(is_dns1123_label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert!(is_dns1123_label("a"));
        assert!(is_dns1123_label(&"a".repeat(63)));
        assert!(!is_dns1123_label(&"a".repeat(64)));
        for bad in ["", "-a", "a-", "a_b", "A", "a.b", "../x", "ａ"] {
            assert!(!is_dns1123_label(bad), "{bad}");
        }
        assert!(is_dns1123_subdomain("a.b-c.d"));
        assert!(!is_dns1123_subdomain("a..b"));
    }
}
