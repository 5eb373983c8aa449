use arcfleet_diag::Span;
use arcfleet_yaml::Node;

use crate::index::Object;

use super::secret_ref_missing::credentials_source;
use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// The Secret a scale set's `githubConfigSecret` names holds `github_token`, or all three of
    /// `github_app_id`, `github_app_installation_id` and `github_app_private_key`, never both.
    ///
    /// ARC reads exactly these four keys and nothing else: `app_id`, `installation_id`,
    /// `private_key` or `token` (common in blog posts and secret stores) are ignored and the
    /// listener fails with `no credentials provided`. A token next to a complete App is refused
    /// (`both PAT and GitHub App credentials provided`). For an ExternalSecret the keys are its
    /// `data[].secretKey` and templated keys; `dataFrom` keys are not known before it runs.
    GithubSecretKeys, id: "github-secret-keys", severity: Error,
    summary: "credentials Secret/ExternalSecret has github_token XOR all three github_app_* keys"
}

const APP_KEYS: [&str; 3] = [
    "github_app_id",
    "github_app_installation_id",
    "github_app_private_key",
];
const TOKEN_KEY: &str = "github_token";
const LOOK_ALIKES: &[(&str, &str)] = &[
    ("app_id", "github_app_id"),
    ("appid", "github_app_id"),
    ("client_id", "github_app_id"),
    ("installation_id", "github_app_installation_id"),
    ("github_app_installation", "github_app_installation_id"),
    ("private_key", "github_app_private_key"),
    ("github_app_key", "github_app_private_key"),
    ("token", "github_token"),
    ("github_pat", "github_token"),
    ("pat", "github_token"),
];

impl Rule for GithubSecretKeys {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        let mut checked: Vec<(String, String)> = Vec::new();
        for set in &cx.scale_sets {
            if set.field("vaultConfig").is_some() {
                continue;
            }
            let Some(name) = set.field("githubConfigSecret").and_then(Node::as_str) else {
                continue;
            };
            let Some(source) = credentials_source(cx.index, set.namespace(), name) else {
                continue;
            };
            // The chart checks the credentials it renders itself (`chart-values`).
            if source.object.origin.release().is_some() {
                continue;
            }
            let key = (
                source.object.namespace.unwrap_or_default().to_string(),
                source.object.name.to_string(),
            );
            if checked.contains(&key) {
                continue;
            }
            checked.push(key);
            if source.keys_unknown {
                continue;
            }
            check_keys(&source.object, source.span, &source.keys, out);
        }
    }
}

fn check_keys(object: &Object<'_>, span: Span, keys: &[(&str, Span)], out: &mut Findings) {
    let has = |k: &str| keys.iter().any(|(name, _)| *name == k);
    let app: Vec<&str> = APP_KEYS.iter().copied().filter(|k| has(k)).collect();
    let look_alikes: Vec<String> = keys
        .iter()
        .filter_map(|(k, _)| {
            LOOK_ALIKES
                .iter()
                .find(|(alike, _)| alike.eq_ignore_ascii_case(k))
                .map(|(_, real)| format!("`{k}` (ARC reads `{real}`)"))
        })
        .collect();
    let look_alike_note = if look_alikes.is_empty() {
        String::new()
    } else {
        format!("; found {}", look_alikes.join(", "))
    };
    let what = format!("{} `{}`", object.kind, object.name);
    if has(TOKEN_KEY) && app.len() == APP_KEYS.len() {
        out.at_rule_level(
            object,
            span,
            format!("{what} has both github_token and GitHub App keys; ARC refuses both at once"),
        )
        .hint("keep either github_token or the three github_app_* keys");
    } else if !has(TOKEN_KEY) && app.is_empty() {
        out.at_rule_level(object, span, format!("{what} has neither github_token nor the github_app_* keys ARC reads{look_alike_note}"))
            .hint("name the keys github_app_id, github_app_installation_id, github_app_private_key (or github_token)");
    } else if !has(TOKEN_KEY) && app.len() < APP_KEYS.len() {
        let lacking: Vec<&str> = APP_KEYS.iter().copied().filter(|k| !has(k)).collect();
        out.at_rule_level(
            object,
            span,
            format!(
                "{what} has {} but lacks {}{look_alike_note}",
                app.join(", "),
                lacking.join(", ")
            ),
        )
        .hint("a GitHub App needs all three github_app_* keys");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{GOOD_DIND, GOOD_KUBE, assert_one, edit, run};

    #[test]
    fn quiet_with_arcs_key_names() {
        assert!(run("github-secret-keys", &[("a.yaml", GOOD_DIND)]).is_empty());
        assert!(run("github-secret-keys", &[("k.yaml", GOOD_KUBE)]).is_empty());
    }

    #[test]
    fn fires_on_look_alike_keys_in_an_external_secret() {
        let bad = GOOD_KUBE.replacen("secretKey: github_app_id", "secretKey: app_id", 1);
        assert_one(
            &run("github-secret-keys", &[("k.yaml", &bad)]),
            "",
            "lacks github_app_id; found `app_id` (ARC reads `github_app_id`)",
        );
    }

    #[test]
    fn fires_on_a_secret_with_both_or_neither() {
        let runners = GOOD_DIND.replace("kind: ExternalSecret", "kind: IgnoredSecret");
        let both = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: github-token\n  namespace: ci\nstringData:\n  github_token: x\n  github_app_id: \"1\"\n  github_app_installation_id: \"2\"\n  github_app_private_key: k\n";
        assert_one(
            &run(
                "github-secret-keys",
                &[("a.yaml", &runners), ("s.yaml", both)],
            ),
            "6:1",
            "has both github_token and GitHub App keys",
        );
        let neither = edit(
            both,
            "  github_token: x\n  github_app_id: \"1\"\n  github_app_installation_id: \"2\"\n  github_app_private_key: k\n",
            "  token: x\n",
        );
        assert_one(
            &run(
                "github-secret-keys",
                &[("a.yaml", &runners), ("s.yaml", &neither)],
            ),
            "",
            "found `token` (ARC reads `github_token`)",
        );
    }
}
