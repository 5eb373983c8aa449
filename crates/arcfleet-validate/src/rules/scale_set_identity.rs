use std::collections::HashMap;

use arcfleet_yaml::Node;

use crate::views::is_placeholder;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// No two AutoscalingRunnerSets claim the same GitHub scale set: the triple (GitHub URL,
    /// runner group, scale set name) is unique across everything validated.
    ///
    /// ARC looks a scale set up on GitHub by runner group and name and *reuses* it. Two sets
    /// with the same identity, in two namespaces or two clusters, fight over one session: one
    /// listener crash-loops with `RunnerScaleSetSessionConflictException` and its jobs are taken
    /// by the other set's runners. Names compare case-insensitively (as GitHub does), the runner
    /// group defaults to `default`, and the name is `runnerScaleSetName` or else `metadata.name`.
    ScaleSetIdentity, id: "scale-set-identity", severity: Error,
    summary: "(githubConfigUrl, runnerGroup, scale set name) is unique across the input"
}

impl Rule for ScaleSetIdentity {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        let mut seen: HashMap<(String, String, String), String> = HashMap::new();
        let mut objects: HashMap<(&str, &str), &str> = HashMap::new();
        for set in &cx.views.scale_sets {
            if set.object.origin.release().is_some_and(|r| r.name_guessed) {
                continue;
            }
            if let Some(ns) = set.namespace() {
                match objects.get(&(ns, set.object.name)) {
                    Some(first) => {
                        out.at_rule_level(&set.object, set.object.name_span(), format!("AutoscalingRunnerSet `{ns}/{}` is also defined in {first}: one overwrites the other (Helm refuses a second release that renders it)", set.object.name))
                            .hint("give one of them another name (runnerScaleSetName)");
                        continue;
                    }
                    None => {
                        objects.insert((ns, set.object.name), set.object.file.name());
                    }
                }
            }
            let Some(url) = set.field("githubConfigUrl").and_then(Node::as_str) else {
                continue;
            };
            if is_placeholder(url) {
                continue;
            }
            let group = set
                .field("runnerGroup")
                .and_then(Node::as_str)
                .filter(|g| !g.is_empty())
                .unwrap_or("default");
            let name_node = set
                .field("runnerScaleSetName")
                .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()));
            let name = name_node.and_then(Node::as_str).unwrap_or(set.object.name);
            let key = (
                url.trim_end_matches('/').to_lowercase(),
                group.to_lowercase(),
                name.to_lowercase(),
            );
            let here = format!("{}/{}", set.namespace().unwrap_or("?"), set.object.name);
            if let Some(first) = seen.get(&key) {
                let span = name_node.map_or(set.object.name_span(), |n| n.span);
                out.at_rule_level(
                    &set.object,
                    span,
                    format!("scale set `{name}` ({url}, runner group `{group}`) is also defined by {first}: both listeners would claim one GitHub scale set"),
                )
                .hint("give one of them another runnerScaleSetName or runner group");
            } else {
                seen.insert(key, here);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("scale-set-identity", "scale_set_identity");
    }
}
