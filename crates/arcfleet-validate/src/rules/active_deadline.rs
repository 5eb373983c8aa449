use arcfleet_yaml::Node;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// `activeDeadlineSeconds` on the runner pods of a set that keeps warm runners
    /// (`minRunners > 0`).
    ///
    /// A pod's deadline counts from the pod's start, not from the job's: a warm runner that
    /// idles for the length of the deadline is killed (and replaced), and a job that lands on a
    /// runner late in the runner's life is cut off mid-step, which GitHub shows as a lost
    /// runner. Without a deadline a hung job still ends: GitHub cancels it at its
    /// `timeout-minutes` (6 hours by default) and the runner exits. On sets without warm runners
    /// a pod starts for its job, so a deadline there bounds the job itself, which is fine.
    ActiveDeadline, id: "active-deadline", severity: Warning,
    summary: "activeDeadlineSeconds on warm runners (minRunners > 0) kills idle runners and late jobs"
}

impl Rule for ActiveDeadline {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for set in &cx.views.scale_sets {
            let Some(deadline) = set.pod.and_then(|p| p.get("activeDeadlineSeconds")) else {
                continue;
            };
            let warm = set.field("minRunners").and_then(Node::as_i64).unwrap_or(0);
            if warm > 0 {
                out.at_rule_level(&set.object, deadline.span, format!("`{}` keeps {warm} warm runner(s), and activeDeadlineSeconds counts from the pod's start: idle runners are killed every {}s, and a job picked up late is cut off", set.object.name, deadline.scalar_text().unwrap_or_default()))
                    .hint("drop activeDeadlineSeconds and bound jobs with `timeout-minutes`, or use minRunners: 0");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("active-deadline", "active_deadline");
    }
}
