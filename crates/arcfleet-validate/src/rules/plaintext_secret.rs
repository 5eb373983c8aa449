use arcfleet_yaml::Node;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// A Secret with `data` or `stringData` is a credential committed to the repository.
    ///
    /// GitHub App keys and tokens in Git leak to everyone who can read the repository and stay
    /// in its history forever; base64 in `data` is encoding, not encryption. Keep the values in
    /// a secret store and commit an ExternalSecret (or a sealed/encrypted form) instead.
    PlaintextSecret, id: "plaintext-secret", severity: Error,
    summary: "no Secret with data/stringData in the repository (use an ExternalSecret)"
}

impl Rule for PlaintextSecret {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for secret in cx.index.of_kind("Secret") {
            for field in ["data", "stringData"] {
                let Some(entries) = secret.root.get(field).and_then(Node::as_mapping) else {
                    continue;
                };
                if entries.is_empty() {
                    continue;
                }
                let keys: Vec<&str> = entries.iter().filter_map(|e| e.key.scalar_text()).collect();
                out.at_rule_level(
                    secret,
                    secret.root.key_span(field),
                    format!(
                        "Secret `{}` commits {} in plain text ({})",
                        secret.name,
                        field,
                        keys.join(", ")
                    ),
                )
                .hint("keep the values in a secret store and commit an ExternalSecret instead");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{GOOD_DIND, assert_one, run};

    const SECRET: &str = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: github-token\n  namespace: ci\nstringData:\n  github_token: ghp_xxx\n";

    #[test]
    fn quiet_without_secrets_or_with_empty_ones() {
        assert!(run("plaintext-secret", &[("a.yaml", GOOD_DIND)]).is_empty());
        let empty = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: sa-token\n  annotations: {kubernetes.io/service-account.name: x}\ntype: kubernetes.io/service-account-token\n";
        assert!(run("plaintext-secret", &[("s.yaml", empty)]).is_empty());
    }

    #[test]
    fn fires_on_a_committed_secret() {
        assert_one(
            &run("plaintext-secret", &[("s.yaml", SECRET)]),
            "6:1",
            "commits stringData in plain text (github_token)",
        );
    }
}
