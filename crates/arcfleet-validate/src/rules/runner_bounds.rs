use arcfleet_yaml::{Node, Resolved};

use crate::views::is_placeholder;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// `minRunners` and `maxRunners` of every AutoscalingRunnerSet are integers ≥ 0 with
    /// `minRunners ≤ maxRunners`.
    ///
    /// ARC's listener refuses to start when `minRunners > maxRunners` (`MinRunners … cannot be
    /// greater than MaxRunners`), so the set never gets a runner. The CRD rejects negative values.
    /// The chart silently drops quoted numbers (`maxRunners: "10"`), so a string here is a typo
    /// waiting to become "unbounded". A missing `maxRunners` is a warning: ARC reads it as
    /// 2^31−1, and the set can grow until the cluster (or the quota) stops it.
    RunnerBounds, id: "runner-bounds", severity: Error,
    summary: "minRunners ≤ maxRunners, both integers ≥ 0; a missing maxRunners means unbounded"
}

impl Rule for RunnerBounds {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for set in &cx.views.scale_sets {
            let read = |field: &str, out: &mut Findings| -> Option<i64> {
                let node: &Node = set.field(field)?;
                if node.as_str().is_some_and(is_placeholder) {
                    return None;
                }
                match node.as_scalar().map(|s| s.resolve()) {
                    Some(Resolved::Int(v)) if v >= 0 => Some(v),
                    Some(Resolved::Int(v)) => {
                        out.at_rule_level(
                            &set.object,
                            node.span,
                            format!("{field} is {v}; it must be at least 0"),
                        );
                        None
                    }
                    _ => {
                        out.at_rule_level(
                            &set.object,
                            node.span,
                            format!("{field} must be an integer"),
                        )
                        .hint("write a number without quotes");
                        None
                    }
                }
            };
            let min = read("minRunners", out);
            let max = read("maxRunners", out);
            if let (Some(min), Some(max)) = (min, max)
                && min > max
            {
                let span = set
                    .field("minRunners")
                    .map_or(set.object.name_span(), |n| n.span);
                out.at_rule_level(
                        &set.object,
                        span,
                        format!("minRunners ({min}) is greater than maxRunners ({max}); ARC's listener refuses to start"),
                    );
            }
            if set.field("maxRunners").is_none() {
                let span = set.spec.map_or(set.object.name_span(), |s| s.span);
                out.warning(
                    &set.object,
                    span,
                    "maxRunners is not set: ARC treats that as 2147483647 runners",
                )
                .hint("set maxRunners to what the cluster and its quota can hold");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("runner-bounds", "runner_bounds");
    }
}
