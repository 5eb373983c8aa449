use arcfleet_yaml::Node;
use base64::Engine;

use crate::views::credentials::is_encrypted;
use crate::views::is_placeholder;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// A Secret whose `data` or `stringData` holds credentials in plain text, written in the
    /// repository (as a manifest, or inline in Helm values the chart turns into a Secret).
    ///
    /// GitHub App keys and tokens in Git leak to everyone who can read the repository and stay
    /// in its history forever; base64 in `data` is encoding, not encryption. A value that looks
    /// like a real credential (a GitHub token, a PEM private key, a long random string) is an
    /// error; a placeholder (`REDACTED`, `changeme`, a short test value) is a warning, because
    /// the pattern invites real values. Encrypted forms are fine: SOPS files (Flux decrypts
    /// them), SealedSecrets, and ExternalSecrets, which hold no value at all.
    PlaintextSecret, id: "plaintext-secret", severity: Error,
    summary: "no credentials in plain text in a Secret or inline Helm values (use an ExternalSecret, SOPS or a SealedSecret)"
}

impl Rule for PlaintextSecret {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for secret in cx.index.of_kind("Secret").filter(|s| !is_encrypted(s)) {
            for field in ["data", "stringData"] {
                let Some(entries) = secret.root.get(field).and_then(Node::as_mapping) else {
                    continue;
                };
                let values: Vec<(&str, String)> = entries
                    .iter()
                    .filter_map(|e| {
                        let key = e.key.scalar_text()?;
                        let text = e.value.scalar_text()?;
                        let value = if field == "data" {
                            let decoded = base64::engine::general_purpose::STANDARD
                                .decode(text.trim())
                                .ok()?;
                            String::from_utf8(decoded).ok()?
                        } else {
                            text.to_string()
                        };
                        (!value.is_empty() && !is_placeholder(&value)).then_some((key, value))
                    })
                    .collect();
                if values.is_empty() {
                    continue;
                }
                let real: Vec<&str> = values
                    .iter()
                    .filter(|(k, v)| {
                        looks_real(v) && (credential_key(k) || looks_like_github_credential(v))
                    })
                    .map(|(k, _)| *k)
                    .collect();
                let values: Vec<(&str, String)> = values
                    .into_iter()
                    .filter(|(k, v)| credential_key(k) || looks_like_github_credential(v))
                    .collect();
                if values.is_empty() {
                    continue;
                }
                let keys: Vec<&str> = values.iter().map(|(k, _)| *k).collect();
                let span = secret.root.key_span(field);
                if !real.is_empty() {
                    out.at_rule_level(
                        secret,
                        span,
                        format!("Secret `{}` holds credentials in plain text in the repository ({})", secret.name, real.join(", ")),
                    )
                    .hint("keep the values in a secret store and commit an ExternalSecret, or encrypt the file (SOPS, SealedSecret)");
                } else {
                    out.warning(
                        secret,
                        span,
                        format!("Secret `{}` writes placeholder credentials in the repository ({}); real ones would leak the same way", secret.name, keys.join(", ")),
                    )
                    .hint("reference a Secret created from a secret store instead of writing values here");
                }
            }
        }
    }
}

/// Whether a key names a credential (`github_token`, `password`, `private_key`, ...), not a
/// URL, a user name or a type, which Secrets hold beside them.
fn credential_key(key: &str) -> bool {
    let key = key.to_lowercase();
    [
        "token",
        "password",
        "passwd",
        "secret",
        "private",
        "key",
        "pat",
        "credential",
        "auth",
    ]
    .iter()
    .any(|w| key.contains(w))
        && !key.ends_with("_id")
        && !key.ends_with("-id")
}

/// A GitHub token or a PEM private key, whatever its key is called.
fn looks_like_github_credential(value: &str) -> bool {
    let value = value.trim();
    ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"]
        .iter()
        .any(|p| value.starts_with(p))
        || value.contains("PRIVATE KEY-----")
}

/// Whether a value looks like a real credential rather than a placeholder: a GitHub token, a
/// PEM private key with a body, or a long string without spaces that is not a placeholder word.
fn looks_real(value: &str) -> bool {
    const GITHUB_PREFIXES: [&str; 6] = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"];
    let value = value.trim();
    if GITHUB_PREFIXES.iter().any(|p| value.starts_with(p)) && value.len() >= 36 {
        return true;
    }
    if value.contains("PRIVATE KEY-----") {
        let body: usize = value
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .map(|l| {
                l.trim()
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
                    .count()
            })
            .sum();
        return body >= 64;
    }
    let lower = value.to_lowercase();
    let placeholder = [
        "redacted",
        "changeme",
        "change-me",
        "replace",
        "example",
        "dummy",
        "placeholder",
        "xxxx",
        "your-",
        "<",
        "todo",
        "secret",
        "password",
        "token",
    ]
    .iter()
    .any(|w| lower.contains(w));
    value.len() >= 24 && !value.contains(char::is_whitespace) && !placeholder
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("plaintext-secret", "plaintext_secret");
    }

    #[test]
    fn real_credentials_are_told_from_placeholders() {
        use super::looks_real;
        assert!(looks_real("ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"));
        assert!(looks_real("a8Fk2mQz9LpX0vB7nW3cR6tY1uH4sJ5e"));
        assert!(!looks_real("REDACTED"));
        assert!(!looks_real("gh_token12345"));
        assert!(!looks_real(
            "-----BEGIN RSA PRIVATE KEY-----\nDUMMY-PLACEHOLDER-NOT-A-REAL-KEY\n-----END RSA PRIVATE KEY-----"
        ));
    }
}
