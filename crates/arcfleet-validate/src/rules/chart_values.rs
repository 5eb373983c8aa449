use arcfleet_diag::{Diagnostic, Severity};

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Helm values that ARC's charts refuse, or ignore.
    ///
    /// The charts check their values with `fail` (`gha-runner-scale-set/templates/*.yaml`,
    /// `gha-runner-scale-set-controller/templates/_helpers.tpl`): an empty `githubConfigUrl`, a
    /// `githubConfigSecret` without a token or a complete GitHub App, `minRunners` above
    /// `maxRunners`, a name over 45 characters, an empty `scaleSetLabels` entry, a `keyVault`
    /// type other than `azure_key_vault`, a controller ServiceAccount named `default`. Helm then
    /// renders nothing: Flux marks the release failed and Argo CD the Application, and the
    /// previous version keeps running. Each such finding quotes the chart's own message.
    ///
    /// Neither chart has a values schema, so a misspelt key (`githubConfigURL`) or a key the
    /// chart does not read (`fullnameOverride` in the scale-set chart) is ignored without a
    /// word; so is a quoted `minRunners: "2"` (the chart renders numbers only). Those are
    /// warnings.
    ChartValues, id: "chart-values", severity: Error,
    summary: "Helm values the ARC charts refuse (their `fail` messages) or silently ignore"
}

impl Rule for ChartValues {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for problem in cx.chart_problems {
            let mut diag = Diagnostic::new(
                problem.file.clone(),
                problem.span,
                Self::META.id,
                problem.severity,
                problem.message.clone(),
            );
            diag.hint = problem.hint.clone();
            out.push_diagnostic(diag, problem.severity != Severity::Error);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("chart-values", "chart_values");
    }
}
