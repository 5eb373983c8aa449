use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// A scale set lies within the scope of the controller its manager RoleBinding (or
    /// `controllerServiceAccount`) names.
    ///
    /// A controller started with `--watch-single-namespace` caches, and so reconciles, only that
    /// namespace and its own (ARC 0.14.2 `main.go`): a scale set elsewhere that is bound to it is
    /// never reconciled, gets no listener and no runners, and nothing reports why. The scale-set
    /// chart's lookup refuses the same situation when it has to find the controller itself.
    ControllerScope, id: "controller-scope", severity: Error,
    summary: "a scale set bound to a single-namespace controller is in the namespace it watches"
}

impl Rule for ControllerScope {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for (i, set) in cx.views.scale_sets.iter().enumerate() {
            let Some(ns) = set.namespace() else { continue };
            for controller in cx.views.controllers_of(i) {
                let Some(watched) = controller.watch_single_namespace else {
                    continue;
                };
                if watched != ns {
                    out.at_rule_level(&set.object, set.object.name_span(), format!("scale set `{}` is in namespace `{ns}`, but the controller that manages it ({}) watches only `{watched}`: it is never reconciled", set.object.name, controller.object.name))
                        .hint(format!("move the scale set to `{watched}`, or run a controller that watches `{ns}`"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("controller-scope", "controller_scope");
    }
}
