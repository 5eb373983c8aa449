use arcfleet_arc::Version;
use arcfleet_yaml::Node;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Every AutoscalingRunnerSet's `app.kubernetes.io/version` label is a plain `X.Y.Z` with the
    /// controller's major.minor, and the controller tells its listeners to run its own image.
    ///
    /// ARC's controller *deletes* an AutoscalingRunnerSet whose version label is missing, not
    /// parsable (`v0.14.2`) or of another major.minor than its own build, and does not retry:
    /// bump the controller in one file but not the scale sets and every runner is gone. A patch
    /// difference is tolerated since 0.12.0 (warning). `CONTROLLER_MANAGER_CONTAINER_IMAGE` is
    /// the image of every listener pod; when it differs from the controller's own image the
    /// listeners run another version than the controller that configures them.
    VersionSkew, id: "version-skew", severity: Error,
    summary: "scale set version labels match the controller's major.minor; listener image = controller image"
}

const LABEL: &str = "app.kubernetes.io/version";

impl Rule for VersionSkew {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for controller in &cx.controllers {
            let Some(image) = controller.image else {
                continue;
            };
            match controller
                .container
                .env("CONTROLLER_MANAGER_CONTAINER_IMAGE")
            {
                Some(env) => {
                    let value = env.get("value");
                    if value.and_then(Node::scalar_text) != Some(image) {
                        let span = value.map_or(env.span, |v| v.span);
                        out.at_rule_level(
                            &controller.object,
                            span,
                            format!("CONTROLLER_MANAGER_CONTAINER_IMAGE is `{}` but the controller runs `{image}`: listeners would run another version", value.and_then(Node::scalar_text).unwrap_or_default()),
                        )
                        .hint(format!("set it to `{image}`"));
                    }
                }
                None => {
                    out.at_rule_level(&controller.object, controller.container.span(), "CONTROLLER_MANAGER_CONTAINER_IMAGE is not set: the controller cannot start listeners and exits")
                        .hint(format!("add env CONTROLLER_MANAGER_CONTAINER_IMAGE={image}"));
                }
            }
        }
        let versions: Vec<(Version, &str)> = cx
            .controllers
            .iter()
            .filter_map(|c| Some((c.version?, c.image?)))
            .collect();
        for set in &cx.scale_sets {
            let Some(label) = set.object.label(LABEL) else {
                if set.object.origin.release().is_some() {
                    // Plain Helm values: the chart adds the label, with a version we cannot see.
                    continue;
                }
                let span = set
                    .object
                    .root
                    .path(&["metadata", "labels"])
                    .map_or(set.object.name_span(), |l| l.span);
                out.at_rule_level(
                    &set.object,
                    span,
                    format!("label `{LABEL}` is missing: ARC deletes scale sets without it"),
                )
                .hint(match versions.first() {
                    Some((v, _)) => format!("add `{LABEL}: \"{v}\"`"),
                    None => format!("add `{LABEL}` with the controller's version"),
                });
                continue;
            };
            let text = label.scalar_text().unwrap_or_default();
            let Ok(version) = text.parse::<Version>() else {
                out.at_rule_level(&set.object, label.span, format!("`{LABEL}: {text}` is not a plain X.Y.Z version: ARC deletes scale sets whose version it cannot parse"))
                    .hint(format!("write `{}`", text.trim_start_matches('v')));
                continue;
            };
            for (controller_version, image) in &versions {
                if (version.major, version.minor)
                    != (controller_version.major, controller_version.minor)
                {
                    out.at_rule_level(
                        &set.object,
                        label.span,
                        format!("scale set version {version} differs from the controller's {controller_version} ({image}) in major.minor: the controller deletes this scale set"),
                    )
                    .hint(format!("set `{LABEL}: \"{controller_version}\"`, in the same change as the controller"));
                } else if version != *controller_version {
                    out.warning(&set.object, label.span, format!("scale set version {version} differs from the controller's {controller_version} in the patch level"))
                        .hint(format!("set `{LABEL}: \"{controller_version}\"`"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{GOOD_DIND, assert_one, edit, run};

    #[test]
    fn quiet_when_versions_agree() {
        assert!(run("version-skew", &[("a.yaml", GOOD_DIND)]).is_empty());
    }

    #[test]
    fn fires_on_minor_skew_and_warns_on_patch_skew() {
        let bad = GOOD_DIND.replacen(
            "app.kubernetes.io/version: \"0.14.2\"",
            "app.kubernetes.io/version: \"0.13.1\"",
            1,
        );
        let found = run("version-skew", &[("a.yaml", &bad)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .contains(": error: scale set version 0.13.1 differs from the controller's 0.14.2"),
            "{found:?}"
        );
        let patch = GOOD_DIND.replacen(
            "app.kubernetes.io/version: \"0.14.2\"",
            "app.kubernetes.io/version: \"0.14.1\"",
            1,
        );
        let found = run("version-skew", &[("a.yaml", &patch)]);
        assert!(
            found[0].contains(": warning: scale set version 0.14.1 differs"),
            "{found:?}"
        );
    }

    #[test]
    fn fires_on_missing_or_unparsable_labels_across_files() {
        let first_set = GOOD_DIND.find("kind: AutoscalingRunnerSet").unwrap();
        let (controller, sets) = GOOD_DIND.split_at(GOOD_DIND[..first_set].rfind("---\n").unwrap());
        let sets = sets.replacen(
            "app.kubernetes.io/version: \"0.14.2\"",
            "app.kubernetes.io/version: v0.14.2",
            1,
        );
        let found = run(
            "version-skew",
            &[("controller.yaml", controller), ("runners.yaml", &sets)],
        );
        assert_one(&found, "", "is not a plain X.Y.Z version");
        assert!(found[0].starts_with("runners.yaml:"), "{found:?}");
        let missing = sets.replacen("    app.kubernetes.io/version: v0.14.2\n", "", 1);
        assert_one(
            &run(
                "version-skew",
                &[("c.yaml", controller), ("r.yaml", &missing)],
            ),
            "",
            "is missing: ARC deletes",
        );
    }

    #[test]
    fn fires_when_the_listener_image_differs() {
        let bad = edit(
            GOOD_DIND,
            "          value: ghcr.io/actions/gha-runner-scale-set-controller:0.14.2\n",
            "          value: ghcr.io/actions/gha-runner-scale-set-controller:0.14.1\n",
        );
        assert_one(
            &run("version-skew", &[("a.yaml", &bad)]),
            "",
            "CONTROLLER_MANAGER_CONTAINER_IMAGE is `ghcr.io/actions/gha-runner-scale-set-controller:0.14.1`",
        );
    }
}
