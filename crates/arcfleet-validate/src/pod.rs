//! Reading pod specs written as YAML: containers, env, mounts, volumes, resources, images.

use arcfleet_diag::Span;
use arcfleet_k8s::{ContainerKind, ContainerResources, Quantity, ResourceList};
use arcfleet_yaml::Node;

/// A container of a pod spec.
#[derive(Clone, Debug)]
pub struct Container<'a> {
    /// The container's mapping.
    pub node: &'a Node,
    /// Its name (empty when missing).
    pub name: &'a str,
    /// Init container, native sidecar or regular container.
    pub kind: ContainerKind,
}

/// The containers of a pod spec: init containers (and sidecars) first, then regular ones.
pub fn containers(pod: &Node) -> Vec<Container<'_>> {
    let list = |key: &str| pod.get(key).and_then(Node::as_sequence).unwrap_or_default();
    let init = list("initContainers").iter().map(|node| Container {
        node,
        name: node.get("name").and_then(Node::as_str).unwrap_or_default(),
        kind: if node.get("restartPolicy").and_then(Node::as_str) == Some("Always") {
            ContainerKind::Sidecar
        } else {
            ContainerKind::Init
        },
    });
    let regular = list("containers").iter().map(|node| Container {
        node,
        name: node.get("name").and_then(Node::as_str).unwrap_or_default(),
        kind: ContainerKind::Regular,
    });
    init.chain(regular).collect()
}

impl<'a> Container<'a> {
    /// The span to point at for the container as a whole: its `name` value.
    pub fn span(&self) -> Span {
        self.node.get("name").map_or(self.node.span, |n| n.span)
    }

    /// `image`.
    pub fn image(&self) -> Option<&'a str> {
        self.node.get("image").and_then(Node::as_str)
    }

    /// The env entry named `name`.
    pub fn env(&self, name: &str) -> Option<&'a Node> {
        self.node
            .get("env")
            .and_then(Node::as_sequence)
            .unwrap_or_default()
            .iter()
            .find(|e| e.get("name").and_then(Node::scalar_text) == Some(name))
    }

    /// The literal `value` of env `name` (not `valueFrom`).
    pub fn env_value(&self, name: &str) -> Option<&'a str> {
        self.env(name)
            .and_then(|e| e.get("value"))
            .and_then(Node::scalar_text)
    }

    /// `args` (each with its node), falling back to nothing.
    pub fn args(&self) -> Vec<(&'a str, &'a Node)> {
        self.strings("args")
    }

    /// `command`.
    pub fn command(&self) -> Vec<(&'a str, &'a Node)> {
        self.strings("command")
    }

    fn strings(&self, key: &str) -> Vec<(&'a str, &'a Node)> {
        self.node
            .get(key)
            .and_then(Node::as_sequence)
            .unwrap_or_default()
            .iter()
            .filter_map(|n| n.scalar_text().map(|t| (t, n)))
            .collect()
    }

    /// `volumeMounts` as (volume name, mount path, node).
    pub fn mounts(&self) -> Vec<(&'a str, &'a str, &'a Node)> {
        self.node
            .get("volumeMounts")
            .and_then(Node::as_sequence)
            .unwrap_or_default()
            .iter()
            .filter_map(|m| {
                let name = m.get("name").and_then(Node::as_str)?;
                let path = m.get("mountPath").and_then(Node::as_str)?;
                Some((name, path, m))
            })
            .collect()
    }

    /// The volume mounted at `path`, if any.
    pub fn mount_at(&self, path: &str) -> Option<&'a str> {
        let path = path.trim_end_matches('/');
        self.mounts()
            .into_iter()
            .find(|(_, p, _)| p.trim_end_matches('/') == path)
            .map(|(name, _, _)| name)
    }

    /// The mount whose path contains `file` (the longest match), as (volume, mount path).
    pub fn mount_containing(&self, file: &str) -> Option<(&'a str, &'a str)> {
        self.mounts()
            .into_iter()
            .filter(|(_, p, _)| {
                let p = p.trim_end_matches('/');
                file.strip_prefix(p)
                    .is_some_and(|rest| rest.starts_with('/'))
            })
            .max_by_key(|(_, p, _)| p.len())
            .map(|(name, p, _)| (name, p))
    }

    /// Where `path` lives for this container: the volume of the deepest mount holding it, and
    /// the path inside that volume (the mount's `subPath` counted). Two containers see the same
    /// file when both give the same answer.
    pub fn volume_path(&self, path: &str) -> Option<(&'a str, String)> {
        let path = path.trim_end_matches('/');
        self.mounts()
            .into_iter()
            .filter_map(|(volume, mount, m)| {
                let mount = mount.trim_end_matches('/');
                let rest = if path == mount {
                    ""
                } else {
                    path.strip_prefix(mount)?.strip_prefix('/')?
                };
                let sub = m.get("subPath").and_then(Node::as_str).unwrap_or_default();
                let inside = [sub.trim_matches('/'), rest]
                    .iter()
                    .filter(|p| !p.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join("/");
                Some((mount.len(), volume, inside))
            })
            .max_by_key(|(len, _, _)| *len)
            .map(|(_, volume, inside)| (volume, inside))
    }

    /// `securityContext.<key>`.
    pub fn security(&self, key: &str) -> Option<&'a Node> {
        self.node.path(&["securityContext", key])
    }

    /// `resources.requests` / `resources.limits` as quantities (unparsable entries are skipped:
    /// the schema rule reports them).
    pub fn resources(&self) -> ContainerResources {
        let list = |key: &str| -> ResourceList {
            self.node
                .path(&["resources", key])
                .and_then(Node::as_mapping)
                .unwrap_or_default()
                .iter()
                .filter_map(|e| {
                    let name = e.key.scalar_text()?;
                    let q: Quantity = e.value.scalar_text()?.parse().ok()?;
                    Some((name.to_string(), q))
                })
                .collect()
        };
        ContainerResources {
            requests: list("requests"),
            limits: list("limits"),
        }
    }
}

/// The volume named `name` of a pod spec.
pub fn volume<'a>(pod: &'a Node, name: &str) -> Option<&'a Node> {
    pod.get("volumes")
        .and_then(Node::as_sequence)
        .unwrap_or_default()
        .iter()
        .find(|v| v.get("name").and_then(Node::as_str) == Some(name))
}

/// The tag of an image reference (`None` when it has none; digests are not tags).
pub fn image_tag(image: &str) -> Option<&str> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split_once(':').map(|(_, tag)| tag)
}

/// The repository of an image reference (no tag, no digest).
pub fn image_repository(image: &str) -> &str {
    let without_digest = image.split('@').next().unwrap_or(image);
    match image_tag(without_digest) {
        Some(tag) => &without_digest[..without_digest.len() - tag.len() - 1],
        None => without_digest,
    }
}

/// The pod's containers with their resources, for quota accounting.
pub fn usage_of(pod: &Node) -> arcfleet_k8s::PodUsage {
    let list: Vec<_> = containers(pod)
        .iter()
        .map(|c| (c.kind, c.resources()))
        .collect();
    arcfleet_k8s::pod_usage(&list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_parts() {
        assert_eq!(
            image_tag("ghcr.io/actions/actions-runner:2.330.0"),
            Some("2.330.0")
        );
        assert_eq!(image_tag("localhost:5000/runner"), None);
        assert_eq!(image_tag("localhost:5000/runner:1"), Some("1"));
        assert_eq!(image_tag("docker@sha256:abc"), None);
        assert_eq!(image_tag("docker:27@sha256:abc"), Some("27"));
        assert_eq!(
            image_repository("localhost:5000/runner:1"),
            "localhost:5000/runner"
        );
        assert_eq!(image_repository("ghcr.io/a/b@sha256:x"), "ghcr.io/a/b");
    }
}
