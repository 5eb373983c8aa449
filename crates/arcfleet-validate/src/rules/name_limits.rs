use arcfleet_arc::names::MAX_SCALE_SET_NAME as MAX_SET_NAME;
use arcfleet_k8s::is_dns1123_label;

use crate::views::is_placeholder;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Scale set names are DNS-1123 labels of at most 45 characters; namespaces of at most 63.
    ///
    /// ARC names each listener `<scale set>-<8 characters>-listener` and that name must stay a
    /// 63-character label: a longer set name makes the listener pod impossible to create, and
    /// the set never scales. The chart enforces the 45 characters at render time, so manifests
    /// rendered elsewhere or edited by hand skip the check.
    NameLimits, id: "name-limits", severity: Error,
    summary: "scale set names are DNS-1123 labels of at most 45 characters, namespaces at most 63"
}

impl Rule for NameLimits {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for set in &cx.views.scale_sets {
            let name = set.object.name;
            let guessed = set.object.origin.release().is_some_and(|r| r.name_guessed);
            // Too long a name in Helm values is the chart's refusal (`chart-values`).
            let chart_refused = set.object.origin.release().is_some() && name.len() > MAX_SET_NAME;
            if !guessed
                && !chart_refused
                && !is_placeholder(name)
                && (!is_dns1123_label(name) || name.len() > MAX_SET_NAME)
            {
                out.at_rule_level(
                    &set.object,
                    set.object.name_span(),
                    format!("scale set name `{name}` must be a DNS-1123 label of at most {MAX_SET_NAME} characters (it has {}); ARC cannot name its listener otherwise", name.len()),
                );
            }
            if let Some(ns) = set
                .object
                .namespace
                .filter(|ns| !is_dns1123_label(ns) && !is_placeholder(ns))
            {
                let span = set
                    .object
                    .root
                    .path(&["metadata", "namespace"])
                    .map_or(set.object.name_span(), |n| n.span);
                out.at_rule_level(
                    &set.object,
                    span,
                    format!("namespace `{ns}` must be a DNS-1123 label of at most 63 characters"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("name-limits", "name_limits");
    }
}
