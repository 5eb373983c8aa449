use std::collections::BTreeSet;

use arcfleet_arc::credentials::{self, APP_KEYS, TOKEN, Verdict};
use arcfleet_diag::Span;
use arcfleet_yaml::Node;

use crate::views::credentials::{SecretSource, produced_secret, secret_source};

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// The Secret a scale set's `githubConfigSecret` names holds `github_token`, or all three of
    /// `github_app_id`, `github_app_installation_id` and `github_app_private_key`, never both.
    ///
    /// ARC reads exactly these four keys and nothing else
    /// (`apis/actions.github.com/v1alpha1/appconfig/appconfig.go`): `app_id`, `private-key` or
    /// `token` (common in blog posts and secret stores) are ignored and the listener fails with
    /// `no credentials provided`; a token next to a complete App is refused (`both PAT and GitHub
    /// App credentials provided`). The keys are those of the Secret, of the ExternalSecret or
    /// SealedSecret that makes it, or of the Secret the chart renders from inline values; keys
    /// an operator only learns at run time (`dataFrom`) are not judged. A Secret no scale set of
    /// the input names is checked too when it is plainly ARC credentials (it has one of ARC's
    /// keys, or is named like them and holds look-alikes).
    GithubSecretKeys, id: "github-secret-keys", severity: Error,
    summary: "credentials Secret/ExternalSecret has github_token XOR all three github_app_* keys"
}

impl Rule for GithubSecretKeys {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        let mut checked: BTreeSet<(String, String, String)> = BTreeSet::new();
        let id = |s: &SecretSource<'_>| {
            (
                s.object.kind.to_string(),
                s.object.namespace.unwrap_or_default().to_string(),
                s.object.name.to_string(),
            )
        };
        for set in &cx.views.scale_sets {
            if set.field("vaultConfig").is_some() {
                continue;
            }
            let Some(name) = set.field("githubConfigSecret").and_then(Node::as_str) else {
                continue;
            };
            let Some(source) = secret_source(cx.index, set.namespace(), name) else {
                continue;
            };
            if checked.insert(id(&source)) && !source.keys_unknown {
                judge(&source, true, out);
            }
        }
        // Credentials no scale set of the input names.
        for object in cx.index.objects() {
            let name = match object.kind {
                "Secret" => object.name,
                _ => match produced_secret(object) {
                    Some(name) => name,
                    None => continue,
                },
            };
            let Some(source) = secret_source(cx.index, object.namespace, name)
                .filter(|s| s.object.kind == object.kind && s.object.name == object.name)
            else {
                continue;
            };
            if !source.keys_unknown
                && !checked.contains(&id(&source))
                && looks_like_arc_credentials(&source)
            {
                checked.insert(id(&source));
                judge(&source, false, out);
            }
        }
    }
}

/// One of ARC's keys, or a name like `github-app`/`arc-*` with look-alike keys.
fn looks_like_arc_credentials(source: &SecretSource<'_>) -> bool {
    let exact = source
        .keys
        .iter()
        .any(|(k, _)| credentials::KEYS.contains(k));
    let alikes = source
        .keys
        .iter()
        .filter(|(k, _)| credentials::look_alike(k).is_some())
        .count();
    let name = source.object.name.to_lowercase();
    exact
        || (alikes >= 2
            && (name.contains("github") || name.contains("arc") || name.contains("runner")))
}

fn judge(source: &SecretSource<'_>, referenced: bool, out: &mut Findings) {
    let keys: Vec<&str> = source.keys.iter().map(|(k, _)| *k).collect();
    let chart = source.object.origin.release().is_some();
    let look_alikes: Vec<String> = keys
        .iter()
        .filter_map(|k| {
            credentials::look_alike(k).map(|real| format!("`{k}` (ARC reads `{real}`)"))
        })
        .collect();
    let note = if look_alikes.is_empty() {
        String::new()
    } else {
        format!("; found {}", look_alikes.join(", "))
    };
    let what = format!("{} `{}`", source.object.kind, source.object.name);
    let span: Span = source.span;
    let object = &source.object;
    match credentials::judge(keys.iter().copied()) {
        Verdict::Token | Verdict::App => {}
        Verdict::Both => {
            out.at_rule_level(
                object,
                span,
                format!("{what} has both {TOKEN} and GitHub App keys; ARC refuses both at once"),
            )
            .hint(format!(
                "keep either {TOKEN} or the three github_app_* keys"
            ));
        }
        // The chart refuses these itself (`chart-values`).
        _ if chart => {}
        Verdict::Nothing => {
            let message =
                format!("{what} has neither {TOKEN} nor the github_app_* keys ARC reads{note}");
            let reported = if referenced {
                out.at_rule_level(object, span, message)
            } else {
                out.warning(object, span, message)
            };
            reported.hint(format!(
                "name the keys {} (or {TOKEN})",
                APP_KEYS.join(", ")
            ));
        }
        Verdict::IncompleteApp(lacking) => {
            let present: Vec<&str> = APP_KEYS
                .iter()
                .copied()
                .filter(|k| keys.contains(k))
                .collect();
            out.at_rule_level(
                object,
                span,
                format!(
                    "{what} has {} but lacks {}{note}",
                    present.join(", "),
                    lacking.join(", ")
                ),
            )
            .hint("a GitHub App needs all three github_app_* keys");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("github-secret-keys", "github_secret_keys");
    }
}
