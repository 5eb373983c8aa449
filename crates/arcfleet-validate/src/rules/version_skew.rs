use arcfleet_arc::controller::{LISTENER_CONTAINER, LISTENER_IMAGE_ENV};
use arcfleet_arc::meta::VERSION_LABEL;
use arcfleet_arc::{SkewVerdict, Version};
use arcfleet_yaml::Node;

use crate::pod;
use crate::views::{Controller, ScaleSet, is_placeholder};

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Every AutoscalingRunnerSet's `app.kubernetes.io/version` label is a plain `X.Y.Z` that
    /// the controller managing it accepts; listeners run the controller's own image.
    ///
    /// ARC's controller *deletes* an AutoscalingRunnerSet whose version label is missing, not
    /// parsable (`v0.14.2`) or of another major.minor than its own build, and does not retry
    /// (`apis/actions.github.com/v1alpha1/version.go:IsVersionAllowed`, called first thing in
    /// `autoscalingrunnerset_controller.go:Reconcile`): bump the controller in one file but not
    /// the scale sets and every runner is gone. A patch difference is tolerated since 0.12.0
    /// (warning); before that the strings must be equal. For Helm values, the label is the
    /// chart version of the scale set's release, compared with the controller's.
    ///
    /// `CONTROLLER_MANAGER_CONTAINER_IMAGE` is the image of every listener pod; a
    /// `listenerTemplate` container named `listener` overrides it per scale set
    /// (`resourcebuilder.go:mergeListenerContainer`). Either way, a listener of another version
    /// than the controller that writes its configuration is a skew too.
    VersionSkew, id: "version-skew", severity: Error,
    summary: "scale set version labels and listener images match the version of the controller that manages them"
}

impl Rule for VersionSkew {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for controller in &cx.views.controllers {
            check_listener_image_env(controller, out);
        }
        for (i, set) in cx.views.scale_sets.iter().enumerate() {
            let managers: Vec<&Controller<'_>> = cx.views.controllers_of(i).collect();
            check_label(set, &managers, out);
            check_listener_template(set, &managers, out);
        }
    }
}

fn check_listener_image_env(controller: &Controller<'_>, out: &mut Findings) {
    let Some(image) = controller.image.filter(|i| !is_placeholder(i)) else {
        return;
    };
    // Its absence stops the controller: `controller-config`.
    if let Some(env) = controller.container.env(LISTENER_IMAGE_ENV) {
        let value = env.get("value");
        let text = value.and_then(Node::scalar_text).unwrap_or_default();
        if text != image && !is_placeholder(text) {
            out.at_rule_level(
                &controller.object,
                value.map_or(env.span, |v| v.span),
                format!("{LISTENER_IMAGE_ENV} is `{text}` but the controller runs `{image}`: listeners would run another version"),
            )
            .hint(format!("set it to `{image}`"));
        }
    }
}

/// The version label, or for a chart-rendered set without a known chart version, nothing to
/// compare.
fn check_label(set: &ScaleSet<'_>, managers: &[&Controller<'_>], out: &mut Findings) {
    let release = set.object.origin.release();
    let Some(label) = set.object.label(VERSION_LABEL) else {
        if release.is_some() {
            // The chart adds the label with its version, which the input does not say.
            return;
        }
        let span = set
            .object
            .root
            .path(&["metadata", "labels"])
            .map_or(set.object.name_span(), |l| l.span);
        out.at_rule_level(
            &set.object,
            span,
            format!("label `{VERSION_LABEL}` is missing: ARC deletes scale sets without it"),
        )
        .hint(match managers.iter().find_map(|c| c.version) {
            Some(v) => format!("add `{VERSION_LABEL}: \"{v}\"`"),
            None => format!("add `{VERSION_LABEL}` with the controller's version"),
        });
        return;
    };
    let text = label.scalar_text().unwrap_or_default();
    if is_placeholder(text) {
        return;
    }
    let Ok(version) = text.parse::<Version>() else {
        // A chart version that is not a plain version is reported with the release.
        if release.is_none() {
            out.at_rule_level(&set.object, label.span, format!("`{VERSION_LABEL}: {text}` is not a plain X.Y.Z version: ARC deletes scale sets whose version it cannot parse"))
                .hint(format!("write `{}`", text.trim_start_matches('v')));
        }
        return;
    };
    // For a release, point at where its chart version is written.
    let (file, span) = match release.and_then(|r| r.version.as_ref()) {
        Some(at) => (at.file.clone(), at.span),
        None => (set.object.file.clone(), label.span),
    };
    let what = if release.is_some() {
        "chart version"
    } else {
        "scale set version"
    };
    for controller in managers {
        let (Some(controller_version), Some(image)) = (controller.version, controller.image) else {
            continue;
        };
        match controller_version.judge_scale_set(version) {
            SkewVerdict::Same => {}
            SkewVerdict::Deleted => {
                out.at(&set.object, file.clone(), span, format!("{what} {version} differs from the controller's {controller_version} ({image}) in major.minor: the controller deletes this scale set"))
                    .hint(format!("set `{VERSION_LABEL}: \"{controller_version}\"` (or the release's chart version), in the same change as the controller"));
            }
            SkewVerdict::PatchDiffers => {
                out.warning_at(&set.object, file.clone(), span, format!("{what} {version} differs from the controller's {controller_version} in the patch level"))
                    .hint(format!("use {controller_version} for both"));
            }
        }
    }
}

/// A `listenerTemplate` container named `listener` with an image of another version.
fn check_listener_template(set: &ScaleSet<'_>, managers: &[&Controller<'_>], out: &mut Findings) {
    let Some(template) = set.field("listenerTemplate").and_then(|t| t.get("spec")) else {
        return;
    };
    let Some(listener) = pod::containers(template)
        .into_iter()
        .find(|c| c.name == LISTENER_CONTAINER)
    else {
        return;
    };
    let Some(image) = listener.image().filter(|i| !is_placeholder(i)) else {
        return;
    };
    let span = listener
        .node
        .get("image")
        .map_or(listener.span(), |n| n.span);
    let listener_version =
        pod::image_tag(image).and_then(|t| t.trim_start_matches('v').parse::<Version>().ok());
    for controller in managers {
        let Some(controller_version) = controller.version else {
            continue;
        };
        match listener_version {
            Some(v) if controller_version.judge_scale_set(v) == SkewVerdict::Deleted => {
                out.at_rule_level(&set.object, span, format!("the listener runs `{image}`, another version than the controller's {controller_version}: the controller writes a listener configuration of its own version"))
                    .hint("drop the image from listenerTemplate (listeners run the controller's image) or use the controller's version");
            }
            Some(v) if v != controller_version => {
                out.warning(&set.object, span, format!("the listener runs `{image}`, another patch level than the controller's {controller_version}"));
            }
            None => {
                out.warning(&set.object, span, format!("the listener image `{image}` names no version to compare with the controller's {controller_version}"))
                    .hint("listeners run the controller's image unless listenerTemplate overrides it");
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("version-skew", "version_skew");
    }
}
