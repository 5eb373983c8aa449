//! The worker podspec a Kubernetes-mode scale set points its container hook at.

use arcfleet_arc::runner::env;
use arcfleet_yaml::Node;

use super::scale_set::ScaleSet;
use crate::index::{HookTemplate, ObjectIndex};
use crate::pod;

/// Where `ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE` points, as the runner's mounts resolve it.
#[derive(Clone, Debug)]
pub struct HookPath<'a> {
    /// The path.
    pub path: &'a str,
    /// The env entry's value node.
    pub node: &'a Node,
    /// The ConfigMap volume it is read from and the data key, when a ConfigMap volume holds it.
    pub config_map: Option<(&'a str, String)>,
    /// Whether any mounted volume holds it (a ConfigMap or not).
    pub mounted: bool,
}

/// Resolves the hook template path of `set`'s runner through its volume mounts: a directory
/// mount of a ConfigMap (the key is the file name, or what the volume's `items` map to it), or a
/// single file mounted with `subPath` (the key is the sub-path).
pub fn hook_path<'a>(set: &ScaleSet<'a>) -> Option<HookPath<'a>> {
    let runner = set.runner()?;
    let entry = runner.env(env::HOOK_TEMPLATE)?;
    let node = entry.get("value")?;
    let path = node.scalar_text()?;
    let Some(pod_spec) = set.pod else {
        return Some(HookPath {
            path,
            node,
            config_map: None,
            mounted: false,
        });
    };
    let trimmed = |p: &'a str| p.trim_end_matches('/');
    let mut best: Option<(&'a Node, String)> = None;
    for mount in runner
        .node
        .get("volumeMounts")
        .and_then(Node::as_sequence)
        .unwrap_or_default()
    {
        let Some(mount_path) = mount.get("mountPath").and_then(Node::as_str) else {
            continue;
        };
        let sub_path = mount.get("subPath").and_then(Node::as_str);
        let relative = if trimmed(mount_path) == path {
            // A file mounted at exactly the path: the volume's sub-path is the file.
            match sub_path {
                Some(sub) => sub.to_string(),
                None => continue,
            }
        } else if let Some(rest) = path
            .strip_prefix(trimmed(mount_path))
            .and_then(|r| r.strip_prefix('/'))
        {
            match sub_path {
                Some(sub) => format!("{}/{rest}", sub.trim_end_matches('/')),
                None => rest.to_string(),
            }
        } else {
            continue;
        };
        if best.as_ref().is_none_or(|(m, _)| {
            m.get("mountPath")
                .and_then(Node::as_str)
                .map_or(0, str::len)
                < mount_path.len()
        }) {
            best = Some((mount, relative));
        }
    }
    let Some((mount, relative)) = best else {
        return Some(HookPath {
            path,
            node,
            config_map: None,
            mounted: false,
        });
    };
    let volume = mount
        .get("name")
        .and_then(Node::as_str)
        .and_then(|name| pod::volume(pod_spec, name));
    let config_map = volume.and_then(|v| v.get("configMap")).and_then(|cm| {
        let name = cm.get("name").and_then(Node::as_str)?;
        // `items` map keys to paths inside the volume.
        let key = match cm.get("items").and_then(Node::as_sequence) {
            Some(items) => items
                .iter()
                .find(|i| i.get("path").and_then(Node::as_str) == Some(relative.as_str()))
                .and_then(|i| i.get("key").and_then(Node::as_str))?
                .to_string(),
            None => relative.clone(),
        };
        Some((name, key))
    });
    Some(HookPath {
        path,
        node,
        config_map,
        mounted: true,
    })
}

/// The worker podspec `set` uses, when the input has it.
pub fn hook_template<'i, 'a>(
    index: &'i ObjectIndex<'a>,
    set: &ScaleSet<'a>,
) -> Option<&'i HookTemplate<'a>> {
    let (cm, key) = hook_path(set)?.config_map?;
    index.hook_template(set.namespace(), cm, &key)
}
