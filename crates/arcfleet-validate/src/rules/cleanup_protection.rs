use std::collections::HashSet;

use arcfleet_arc::meta::{CLEANUP_FINALIZER, Cleanup};
use arcfleet_yaml::Node;

use crate::index::Object;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Both halves of ARC's cleanup protection are there: an object with the
    /// `actions.github.com/cleanup-protection` finalizer is named by a scale set's
    /// `actions.github.com/cleanup-*` annotation, and an object a scale set names there carries
    /// the finalizer.
    ///
    /// The scale-set chart protects what the controller needs while it deletes a scale set (the
    /// manager Role and RoleBinding, the runner ServiceAccount, the Kubernetes-mode Role and
    /// RoleBinding, the credentials Secret) with that finalizer, and names each object in an
    /// annotation of the scale set. Once the set's cleanup is done, the controller removes the
    /// finalizer from exactly the objects the annotations name, in the set's namespace
    /// (`autoscalingrunnerset_controller.go:removeFinalizersFromDependentResources`). A finalizer
    /// without its annotation is never removed: the object stays `Terminating` for ever. An
    /// annotated object without the finalizer can be pruned before the scale set, and the
    /// controller's cleanup then fails for lack of permissions or credentials. A credentials
    /// Secret written by an ExternalSecret gets the finalizer through
    /// `spec.target.template.metadata.finalizers`.
    CleanupProtection, id: "cleanup-protection", severity: Warning,
    summary: "cleanup-protection finalizers and the scale sets' cleanup annotations name each other"
}

impl Rule for CleanupProtection {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        // What the scale sets name, by (kind, namespace, name), once: a set without a namespace
        // could be in any, and names for all of them ("").
        let mut names: HashSet<(&str, &str, &str)> = HashSet::new();
        let mut set_namespaces: HashSet<&str> = HashSet::new();
        for set in &cx.views.scale_sets {
            let ns = set.object.namespace.unwrap_or_default();
            set_namespaces.insert(ns);
            for cleanup in Cleanup::ALL {
                if let Some(name) = set
                    .object
                    .annotation(cleanup.annotation())
                    .and_then(Node::scalar_text)
                {
                    names.insert((cleanup.kind(), ns, name));
                }
            }
        }
        let named = |kind: &str, ns: Option<&str>, name: &str| match ns {
            Some(ns) => names.contains(&(kind, ns, name)) || names.contains(&(kind, "", name)),
            None => names.iter().any(|(k, _, n)| *k == kind && *n == name),
        };
        let sets_in = |ns: Option<&str>| match ns {
            Some(ns) => set_namespaces.contains(ns) || set_namespaces.contains(""),
            None => !set_namespaces.is_empty(),
        };
        for object in cx
            .index
            .objects()
            .iter()
            .filter(|o| o.origin.release().is_none())
        {
            let Some(finalizer) = finalizer(object) else {
                continue;
            };
            if sets_in(object.namespace) && !named(object.kind, object.namespace, object.name) {
                out.at_rule_level(object, finalizer.span, format!("{} `{}` has the cleanup finalizer, but no scale set names it in an actions.github.com/cleanup-* annotation: the controller never removes the finalizer, so once deleted it stays Terminating", object.kind, object.name))
                    .hint("add the scale set's cleanup annotation for it, or remove the finalizer");
            }
        }
        for set in cx
            .views
            .scale_sets
            .iter()
            .filter(|s| s.object.origin.release().is_none())
        {
            for cleanup in Cleanup::ALL {
                let Some(annotation) = set.object.annotation(cleanup.annotation()) else {
                    continue;
                };
                let Some(name) = annotation.scalar_text() else {
                    continue;
                };
                let ns = set.namespace();
                let target = match ns {
                    Some(ns) => cx.index.get(cleanup.kind(), ns, name),
                    None => cx.index.of_kind(cleanup.kind()).find(|o| o.name == name),
                };
                let protected = match target {
                    Some(object) => finalizer(object).is_some(),
                    None if cleanup == Cleanup::GithubSecret => {
                        // Written by an ExternalSecret (or another operator)?
                        match cx
                            .index
                            .secret_producers(name)
                            .find(|o| ns.is_none_or(|ns| o.in_namespace(ns)))
                        {
                            Some(producer) if producer.kind == "ExternalSecret" => producer
                                .root
                                .path(&["spec", "target", "template", "metadata", "finalizers"])
                                .and_then(Node::as_sequence)
                                .unwrap_or_default()
                                .iter()
                                .any(|f| f.scalar_text() == Some(CLEANUP_FINALIZER)),
                            _ => true,
                        }
                    }
                    None => true,
                };
                if !protected {
                    out.at_rule_level(&set.object, annotation.span, format!("{} `{name}` is named in {} but has no {CLEANUP_FINALIZER} finalizer: a prune can delete it before the scale set, and the controller's cleanup then fails", cleanup.kind(), cleanup.annotation()))
                        .hint(format!("add the finalizer {CLEANUP_FINALIZER} to it (an ExternalSecret: spec.target.template.metadata.finalizers)"));
                }
            }
        }
    }
}

fn finalizer<'a>(object: &Object<'a>) -> Option<&'a Node> {
    object
        .root
        .path(&["metadata", "finalizers"])
        .and_then(Node::as_sequence)
        .unwrap_or_default()
        .iter()
        .find(|f| f.scalar_text() == Some(CLEANUP_FINALIZER))
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("cleanup-protection", "cleanup_protection");
    }
}
