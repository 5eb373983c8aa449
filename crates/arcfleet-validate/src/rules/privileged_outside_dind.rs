use arcfleet_yaml::Node;

use crate::index::Object;
use crate::pod::{self, Container};
use crate::views::scale_set::is_docker_daemon;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Only the Docker daemon of a scale set (the `dind` container, or one running a
    /// `docker:*-dind` image) runs privileged.
    ///
    /// Docker-in-Docker needs a privileged daemon; nothing else does. A `privileged: true`
    /// (or `SYS_ADMIN`/`ALL` capabilities) copied onto the runner container, into a
    /// Kubernetes-mode set or into a worker podspec hands every workflow — code from any pull
    /// request — root on the node. It is also the typical copy-paste slip when moving the dind
    /// settings around.
    PrivilegedOutsideDind, id: "privileged-outside-dind", severity: Error,
    summary: "privileged: true only on a scale set's Docker daemon container"
}

impl Rule for PrivilegedOutsideDind {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        for set in &cx.views.scale_sets {
            for container in set.containers() {
                if !is_docker_daemon(&container) {
                    report(&set.object, &container, "scale set", out);
                }
            }
        }
        for template in cx.index.hook_templates() {
            for container in template
                .root
                .get("spec")
                .map(pod::containers)
                .unwrap_or_default()
            {
                report(&template.config_map, &container, "worker podspec", out);
            }
        }
    }
}

fn report(object: &Object<'_>, container: &Container<'_>, place: &str, out: &mut Findings) {
    if let Some(node) = container
        .security("privileged")
        .filter(|n| n.as_bool() == Some(true))
    {
        out.at_rule_level(object, node.span, format!("container `{}` of this {place} is privileged; only a Docker daemon (`dind`) container may be", container.name))
            .hint("remove privileged: true (it probably came from the dind container)");
    }
    let added = container
        .security("capabilities")
        .and_then(|c| c.get("add"))
        .and_then(Node::as_sequence)
        .unwrap_or_default();
    for cap in added {
        let name = cap.scalar_text().unwrap_or_default();
        if matches!(name.trim_start_matches("CAP_"), "SYS_ADMIN" | "ALL") {
            out.at_rule_level(object, cap.span, format!("container `{}` of this {place} adds capability {name}, which amounts to privileged", container.name));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("privileged-outside-dind", "privileged_outside_dind");
    }
}
