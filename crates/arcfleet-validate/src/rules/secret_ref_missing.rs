use arcfleet_arc::meta::arcfleet::EXTERNAL_ANNOTATION;
use arcfleet_yaml::Node;

use crate::views::credentials::{namespace_has_secrets, produced_secret, secret_source};
use crate::views::{ScaleSet, is_placeholder};

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// What a scale set refers to exists in its namespace: the `githubConfigSecret`, every
    /// `imagePullSecrets` entry, and every ConfigMap the runner pod mounts.
    ///
    /// ARC reads the GitHub credentials from the scale set's own namespace (a Secret in the
    /// controller's namespace does not count, `secretresolver/secret_resolver.go`) and retries
    /// forever when it is missing: the set never gets a listener. A missing pull secret or
    /// ConfigMap leaves every runner pod pending. A Secret counts when the input writes it or
    /// writes what makes it (ExternalSecret, SealedSecret, SOPS, ...).
    ///
    /// Many clusters create credentials out of band (`kubectl create secret`, ARC's documented
    /// path), so a reference is only reported when the input does show that namespace's Secrets
    /// (or ConfigMaps) and none of them is the one named: then it is a wrong name, not one made
    /// elsewhere. This is the same for Helm values and for manifests: a chart's render never holds
    /// the pre-created Secret either. Mounted ConfigMaps are more often made out of band still (a
    /// registry's CA bundle, Kubernetes' `kube-root-ca.crt` in every namespace), so one is
    /// reported only when its name is close to one the input makes. A scale set may list what it
    /// refers to that exists outside the input in `arcfleet.io/external` (`Secret/gh-pat,
    /// ConfigMap/harbor-ca`); `arcfleet render` writes it for `existingSecret` and a class's
    /// volumes.
    SecretRefMissing, id: "secret-ref-missing", severity: Error,
    summary: "githubConfigSecret, imagePullSecrets and mounted ConfigMaps named in a namespace whose Secrets the input shows exist there"
}

/// The root CA bundle Kubernetes publishes in every namespace (`rootcacertpublisher`).
const ROOT_CA_CONFIG_MAP: &str = "kube-root-ca.crt";

impl Rule for SecretRefMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for set in &cx.views.scale_sets {
            let ns = set.namespace();
            // What the set says exists outside the input (arcfleet writes it for `existingSecret`
            // and a class's volumes).
            let external: Vec<&str> = set
                .object
                .annotation(EXTERNAL_ANNOTATION)
                .and_then(Node::scalar_text)
                .map(|list| list.split(',').map(str::trim).collect())
                .unwrap_or_default();
            let is_external = |kind: &str, name: &str| {
                external
                    .iter()
                    .any(|e| e.split_once('/') == Some((kind, name)))
            };
            let secrets_shown = namespace_has_secrets(cx.index, ns);
            if set.field("vaultConfig").is_none()
                && secrets_shown
                && let Some(node) = set.field("githubConfigSecret")
            {
                let name = node.scalar_text().unwrap_or_default();
                if !is_placeholder(name)
                    && !is_external("Secret", name)
                    && secret_source(cx.index, ns, name).is_none()
                {
                    report(cx, set, node, "Secret", "githubConfigSecret", out);
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
                if secrets_shown
                    && !is_placeholder(name)
                    && !is_external("Secret", name)
                    && secret_source(cx.index, ns, name).is_none()
                {
                    report(cx, set, node, "Secret", "image pull secret", out);
                }
            }
            let config_maps_shown = match ns {
                Some(ns) => cx.index.in_namespace("ConfigMap", ns).next().is_some(),
                None => false,
            };
            for volume in pod
                .get("volumes")
                .and_then(Node::as_sequence)
                .unwrap_or_default()
            {
                let Some(cm) = volume.get("configMap") else {
                    continue;
                };
                let Some(node) = cm.get("name") else { continue };
                let name = node.scalar_text().unwrap_or_default();
                let optional = cm.get("optional").and_then(Node::as_bool) == Some(true);
                // ConfigMaps are often made out of band (CA bundles by trust-manager, the root CA
                // Kubernetes publishes in every namespace): only a name close to one the input
                // makes is a typo rather than one made elsewhere.
                let made = || {
                    cx.index
                        .in_namespace("ConfigMap", ns.unwrap_or_default())
                        .map(|o| o.name)
                };
                if config_maps_shown
                    && !optional
                    && !is_placeholder(name)
                    && name != ROOT_CA_CONFIG_MAP
                    && !is_external("ConfigMap", name)
                    && cx
                        .index
                        .get("ConfigMap", ns.unwrap_or_default(), name)
                        .is_none()
                    && arcfleet_yaml::closest(name, made()).is_some()
                {
                    report(cx, set, node, "ConfigMap", "mounted ConfigMap", out);
                }
            }
        }
    }
}

fn report(
    cx: &Context<'_, '_>,
    set: &ScaleSet<'_>,
    node: &Node,
    kind: &str,
    what: &str,
    out: &mut Findings,
) {
    let name = node.scalar_text().unwrap_or_default();
    let ns = set.namespace().unwrap_or_default();
    let mut others: Vec<&str> = cx.index.in_namespace(kind, ns).map(|o| o.name).collect();
    if kind == "Secret" {
        others.extend(
            cx.index
                .objects()
                .iter()
                .filter(|o| o.in_namespace(ns))
                .filter_map(produced_secret),
        );
    }
    others.sort_unstable();
    others.dedup();
    let message = format!(
        "{what} `{name}` is not among the {kind}s the input makes in namespace `{ns}` ({}); ARC reads it from the scale set's namespace",
        others.join(", ")
    );
    let reported = out.at_rule_level(&set.object, node.span, message);
    match arcfleet_yaml::closest(name, others) {
        Some(close) => reported.hint(format!("did you mean `{close}`?")),
        None => reported.hint(format!(
            "create it in `{ns}`, or name the one that is there"
        )),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("secret-ref-missing", "secret_ref_missing");
    }
}
