use arcfleet_diag::Span;
use arcfleet_yaml::Node;

use crate::index::{Object, ObjectIndex};

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// What a scale set refers to exists in its namespace: the `githubConfigSecret`, every
    /// `imagePullSecrets` entry, and every ConfigMap the runner pod mounts (the worker podspec).
    ///
    /// ARC reads the GitHub credentials from the scale set's own namespace (a Secret in the
    /// controller's namespace does not count) and retries forever when it is missing: the set
    /// never gets a listener. A missing pull secret or ConfigMap leaves every runner pod
    /// pending. An ExternalSecret counts as the Secret it creates.
    SecretRefMissing, id: "secret-ref-missing", severity: Error,
    summary: "githubConfigSecret, imagePullSecrets and mounted ConfigMaps exist in the set's namespace"
}

/// Where a scale set's credentials come from, and which keys they will have.
pub(crate) struct CredentialsSource<'a> {
    /// The Secret or ExternalSecret.
    pub object: Object<'a>,
    /// Where to point at its keys.
    pub span: Span,
    /// Key names with their spans.
    pub keys: Vec<(&'a str, Span)>,
    /// `dataFrom`/`templateFrom`: the keys are only known once it runs.
    pub keys_unknown: bool,
}

/// The Secret named `name` in `ns`, or the ExternalSecret that creates it.
pub(crate) fn credentials_source<'a>(
    index: &ObjectIndex<'a>,
    ns: &str,
    name: &str,
) -> Option<CredentialsSource<'a>> {
    let map_keys = |node: Option<&'a Node>| -> Vec<(&'a str, Span)> {
        node.and_then(Node::as_mapping)
            .unwrap_or_default()
            .iter()
            .filter_map(|e| Some((e.key.scalar_text()?, e.key.span)))
            .collect()
    };
    if let Some(secret) = index.get("Secret", ns, name) {
        let mut keys = map_keys(secret.root.get("data"));
        keys.extend(map_keys(secret.root.get("stringData")));
        let span = ["data", "stringData"]
            .iter()
            .find_map(|f| secret.root.entry(f))
            .map_or(secret.name_span(), |e| e.key.span);
        return Some(CredentialsSource {
            object: secret.clone(),
            span,
            keys,
            keys_unknown: false,
        });
    }
    let external = index
        .in_namespace("ExternalSecret", ns)
        .find(|es| external_target(es) == name)?;
    let spec = external.spec();
    let mut keys: Vec<(&'a str, Span)> = spec
        .and_then(|s| s.get("data"))
        .and_then(Node::as_sequence)
        .unwrap_or_default()
        .iter()
        .filter_map(|d| {
            d.get("secretKey")
                .and_then(|k| Some((k.scalar_text()?, k.span)))
        })
        .collect();
    keys.extend(map_keys(
        spec.and_then(|s| s.path(&["target", "template", "data"])),
    ));
    let keys_unknown = spec.is_some_and(|s| {
        s.get("dataFrom").is_some() || s.path(&["target", "template", "templateFrom"]).is_some()
    });
    let span = spec.map_or(external.name_span(), |s| s.key_span("data"));
    Some(CredentialsSource {
        object: external.clone(),
        span,
        keys,
        keys_unknown,
    })
}

/// The name of the Secret an ExternalSecret creates.
pub(crate) fn external_target<'a>(es: &Object<'a>) -> &'a str {
    es.root
        .path(&["spec", "target", "name"])
        .and_then(Node::as_str)
        .unwrap_or(es.name)
}

fn secret_exists(index: &ObjectIndex<'_>, ns: &str, name: &str) -> bool {
    index.get("Secret", ns, name).is_some()
        || index
            .in_namespace("ExternalSecret", ns)
            .any(|es| external_target(es) == name)
}

impl Rule for SecretRefMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        // Helm values name Secrets and ConfigMaps that live outside the values; only manifests
        // can be checked for them.
        for set in cx
            .scale_sets
            .iter()
            .filter(|s| s.object.origin.release().is_none())
        {
            let ns = set.namespace();
            if set.field("vaultConfig").is_none() {
                match set.field("githubConfigSecret") {
                    Some(node) => {
                        let name = node.scalar_text().unwrap_or_default();
                        if !secret_exists(cx.index, ns, name) {
                            out.at_rule_level(&set.object, node.span, format!("githubConfigSecret `{name}` is neither a Secret nor an ExternalSecret target in namespace `{ns}`; ARC reads it from the scale set's namespace"))
                                .hint("create it in the scale set's namespace (an ExternalSecret counts)");
                        }
                    }
                    None => {
                        let span = set.spec.map_or(set.object.name_span(), |s| s.span);
                        out.at_rule_level(&set.object, span, "githubConfigSecret is not set: ARC has no GitHub credentials for this set");
                    }
                }
            }
            let Some(pod) = set.pod else { continue };
            for entry in pod
                .get("imagePullSecrets")
                .and_then(Node::as_sequence)
                .unwrap_or_default()
            {
                let Some(node) = entry.get("name") else {
                    continue;
                };
                let name = node.scalar_text().unwrap_or_default();
                if !secret_exists(cx.index, ns, name) {
                    out.at_rule_level(&set.object, node.span, format!("image pull secret `{name}` does not exist in namespace `{ns}`: runner pods cannot pull their image"));
                }
            }
            for volume in pod
                .get("volumes")
                .and_then(Node::as_sequence)
                .unwrap_or_default()
            {
                let Some(cm) = volume.get("configMap") else {
                    continue;
                };
                let Some(name_node) = cm.get("name") else {
                    continue;
                };
                let name = name_node.scalar_text().unwrap_or_default();
                let optional = cm.get("optional").and_then(Node::as_bool) == Some(true);
                if !optional && cx.index.get("ConfigMap", ns, name).is_none() {
                    out.at_rule_level(&set.object, name_node.span, format!("ConfigMap `{name}` does not exist in namespace `{ns}`: runner pods stay pending"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{GOOD_DIND, GOOD_KUBE, assert_one, edit, run};

    #[test]
    fn quiet_when_everything_exists() {
        assert!(run("secret-ref-missing", &[("a.yaml", GOOD_DIND)]).is_empty());
        assert!(run("secret-ref-missing", &[("k.yaml", GOOD_KUBE)]).is_empty());
    }

    #[test]
    fn fires_on_a_missing_credentials_secret() {
        let bad = edit(
            GOOD_KUBE,
            "githubConfigSecret: github-app",
            "githubConfigSecret: github-ap",
        );
        assert_one(
            &run("secret-ref-missing", &[("k.yaml", &bad)]),
            "",
            "githubConfigSecret `github-ap` is neither a Secret nor an ExternalSecret target in namespace `ci`",
        );
    }

    #[test]
    fn fires_on_missing_pull_secrets_and_configmaps() {
        let bad = edit(
            GOOD_KUBE,
            "      - name: ghcr-pull-secret\n",
            "      - name: ghcr-pull\n",
        );
        assert_one(
            &run("secret-ref-missing", &[("k.yaml", &bad)]),
            "",
            "image pull secret `ghcr-pull`",
        );
        let bad = edit(
            GOOD_KUBE,
            "          name: kube-runners-worker-podspec\n        name: worker-podspec",
            "          name: kube-runners-podspec\n        name: worker-podspec",
        );
        assert_one(
            &run("secret-ref-missing", &[("k.yaml", &bad)]),
            "",
            "ConfigMap `kube-runners-podspec` does not exist",
        );
    }
}
