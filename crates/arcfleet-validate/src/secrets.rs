//! Which values of the input are secret, so that no report ever shows them: not in a source
//! line (the human format masks them), not in a message or hint (scrubbed here, in one place,
//! whatever rule wrote them).
//!
//! Secret are: every value of a Secret's `data` and `stringData`; every value under Helm values'
//! `githubConfigSecret` (plain values, Flux HelmRelease `spec.values`, Argo CD `valuesObject`
//! and the `helm.values` string); values of keys that name a credential (`github_token`,
//! `password`, `*_private_key`, ...), flow-style or block, one line or many; env values of
//! variables named like one; and anything that looks like a GitHub token or a PEM private key,
//! wherever it is.

use std::collections::BTreeSet;

use arcfleet_diag::{Diagnostic, Span};
use arcfleet_yaml::{Document, Node, NodeValue};
use rayon::prelude::*;

use crate::embedded;

/// Marks the secret values of every file of `documents`.
pub(crate) fn mark(documents: &[Document]) {
    let mut by_file: Vec<(&Document, Vec<Span>)> = documents
        .par_iter()
        .map(|doc| {
            let mut spans = Vec::new();
            let secret_object = doc.root.get("kind").and_then(Node::as_str) == Some("Secret")
                && doc.root.get("apiVersion").and_then(Node::as_str) == Some("v1");
            walk(&doc.root, secret_object, doc, &mut spans);
            (doc, spans)
        })
        .collect();
    // One file, several documents: gather, then set once.
    by_file.sort_by(|a, b| a.0.file.name().cmp(b.0.file.name()));
    let mut i = 0;
    while i < by_file.len() {
        let file = by_file[i].0.file.clone();
        let mut spans = Vec::new();
        while i < by_file.len() && std::sync::Arc::ptr_eq(&by_file[i].0.file, &file) {
            spans.append(&mut by_file[i].1);
            i += 1;
        }
        if !spans.is_empty() {
            file.set_secrets(spans);
        }
    }
}

/// Replaces, in every message and hint, any secret value of the diagnostic's file (or of any
/// file) that appears there.
pub(crate) fn scrub(diagnostics: &mut [Diagnostic]) {
    let mut secrets: BTreeSet<String> = BTreeSet::new();
    for d in diagnostics.iter() {
        secrets.extend(
            d.file
                .secret_texts()
                .flat_map(|t| t.lines().map(str::trim))
                .filter(|t| t.len() >= 4)
                .map(str::to_string),
        );
    }
    if secrets.is_empty() {
        return;
    }
    for d in diagnostics.iter_mut() {
        for secret in &secrets {
            d.message = replace_whole(&d.message, secret);
            if let Some(hint) = d.hint.as_mut() {
                *hint = replace_whole(hint, secret);
            }
        }
    }
}

/// `text` with every occurrence of `secret` that stands on its own (not inside a longer word:
/// a secret `test` is not in `latest`) replaced by `***`.
fn replace_whole(text: &str, secret: &str) -> String {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(secret) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + secret.len()..].chars().next();
        let alone = !before.is_some_and(word) && !after.is_some_and(word);
        out.push_str(&rest[..at]);
        out.push_str(if alone { "***" } else { secret });
        rest = &rest[at + secret.len()..];
    }
    out.push_str(rest);
    out
}

/// Whether a key names a credential.
pub(crate) fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase().replace('-', "_");
    const EXACT: &[&str] = &[
        "github_token",
        "github_app_private_key",
        "token",
        "password",
        "passwd",
        "private_key",
        "privatekey",
        "pat",
        "apikey",
        "api_key",
        "client_secret",
        "secret",
        "webhook_secret",
    ];
    const ENDINGS: &[&str] = &[
        "_token",
        "_password",
        "_secret",
        "_private_key",
        "_api_key",
        "_pat",
    ];
    EXACT.contains(&key.as_str()) || ENDINGS.iter().any(|e| key.ends_with(e))
}

/// Whether a value is a credential by its look, whatever its key.
fn looks_secret(text: &str) -> bool {
    let text = text.trim_start();
    ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"]
        .iter()
        .any(|p| text.starts_with(p) && text.len() > 20)
        || (text.contains("-----BEGIN") && text.contains("PRIVATE KEY"))
}

/// Every scalar of `node` (keys aside) is secret.
fn all_values(node: &Node, spans: &mut Vec<Span>) {
    match &node.value {
        NodeValue::Scalar(_) => spans.push(node.span),
        NodeValue::Sequence(items) => items.iter().for_each(|n| all_values(n, spans)),
        NodeValue::Mapping(entries) => entries.iter().for_each(|e| all_values(&e.value, spans)),
    }
}

fn walk(node: &Node, secret_object: bool, doc: &Document, spans: &mut Vec<Span>) {
    match &node.value {
        NodeValue::Scalar(s) => {
            if looks_secret(s.text()) {
                spans.push(node.span);
            }
        }
        NodeValue::Sequence(items) => items.iter().for_each(|n| walk(n, false, doc, spans)),
        NodeValue::Mapping(entries) => {
            // An env entry: `{name: GITHUB_TOKEN, value: ...}`.
            let env_name = node.get("name").and_then(Node::scalar_text);
            for entry in entries {
                let key = entry.key.scalar_text().unwrap_or_default();
                let value = &entry.value;
                let secret = (secret_object && matches!(key, "data" | "stringData"))
                    || (key == "githubConfigSecret" && value.as_mapping().is_some())
                    || (is_secret_key(key) && value.as_scalar().is_some())
                    || (key == "value" && env_name.is_some_and(is_secret_key));
                if secret {
                    all_values(value, spans);
                    continue;
                }
                // Argo CD's `helm.values` is YAML in a string.
                if key == "values"
                    && value.as_scalar().is_some()
                    && let Some(inner) = embedded::parse_block(&doc.file, value)
                {
                    walk(&inner, false, doc, spans);
                    continue;
                }
                walk(value, false, doc, spans);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_secret_is_scrubbed_where_it_stands_alone() {
        assert_eq!(
            super::replace_whole("token `test` in ghcr.io/x:latest, test.", "test"),
            "token `***` in ghcr.io/x:latest, ***."
        );
    }

    use super::*;
    use std::sync::Arc;

    fn marked(text: &str) -> Vec<String> {
        let file = Arc::new(arcfleet_diag::SourceFile::new("v.yaml", text));
        let docs = arcfleet_yaml::load(&file, &Default::default()).unwrap();
        mark(&docs);
        file.secret_texts().map(str::to_string).collect()
    }

    #[test]
    fn credentials_are_marked_wherever_they_are_written() {
        let found = marked(
            "githubConfigSecret: {github_token: ghp_flowstyle000000000000000000000}\nother: {password: hunter2hunter2}\nenv:\n  - {name: API_TOKEN, value: abcd1234}\n  - {name: HOME, value: /home}\nkey: |\n  -----BEGIN RSA PRIVATE KEY-----\n  MIIE\n  -----END RSA PRIVATE KEY-----\n",
        );
        assert!(
            found.iter().any(|t| t.starts_with("ghp_flowstyle")),
            "{found:?}"
        );
        assert!(found.iter().any(|t| t == "hunter2hunter2"), "{found:?}");
        assert!(found.iter().any(|t| t == "abcd1234"), "{found:?}");
        assert!(!found.iter().any(|t| t == "/home"), "{found:?}");
        assert!(found.iter().any(|t| t.contains("MIIE")), "{found:?}");
    }
}
