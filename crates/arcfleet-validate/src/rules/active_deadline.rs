use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Runner pods set `activeDeadlineSeconds`.
    ///
    /// A job that hangs (a stuck test, a wedged Docker build) keeps its runner pod, and so one
    /// of the set's `maxRunners` slots, until someone notices. A deadline on the runner pod lets
    /// Kubernetes end it; ARC then replaces the runner.
    ActiveDeadline, id: "active-deadline", severity: Warning,
    summary: "runner pods set activeDeadlineSeconds"
}

impl Rule for ActiveDeadline {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for set in &cx.scale_sets {
            let Some(pod) = set.pod else { continue };
            if pod.get("activeDeadlineSeconds").is_none() {
                out.at_rule_level(&set.object, pod.span, format!("runner pods of `{}` have no activeDeadlineSeconds: a hung job holds its runner forever", set.object.name))
                    .hint("set spec.template.spec.activeDeadlineSeconds, e.g. 7200");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{GOOD_DIND, run};

    #[test]
    fn quiet_when_set() {
        assert!(run("active-deadline", &[("a.yaml", GOOD_DIND)]).is_empty());
    }

    #[test]
    fn warns_when_missing() {
        let bad = GOOD_DIND.replacen("      activeDeadlineSeconds: 3600\n", "", 1);
        let found = run("active-deadline", &[("a.yaml", &bad)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .contains(": warning: runner pods of `dind-runners` have no activeDeadlineSeconds"),
            "{found:?}"
        );
    }
}
