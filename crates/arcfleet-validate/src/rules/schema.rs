use arcfleet_diag::Span;
use arcfleet_yaml::Node;
use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::index::Object;
use crate::views::is_placeholder;

use super::{Context, Findings, Rule, RuleMeta, declare_rule};

declare_rule! {
    /// Objects of the kinds a fleet uses have only fields their API knows, with the right types.
    ///
    /// The API server silently drops unknown fields: a misspelt `imagePullPolicyy`,
    /// `requets` or `maxRuners` is not an error at apply time, it is a setting that quietly does
    /// not exist. Wrong types (`replicas: "2"`, a map where a list goes) fail the apply, often
    /// far from the commit that caused them. arcfleet checks the core kinds, RBAC, Deployments,
    /// AutoscalingRunnerSet (ARC 0.14) and ExternalSecret (external-secrets.io/v1) offline;
    /// `--schema-dir` adds strict validation against kubeconform-layout JSON schemas.
    Schema, id: "schema", severity: Error,
    summary: "unknown fields and wrong types in known kinds; --schema-dir adds JSON-schema validation"
}

impl Rule for Schema {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_, '_>, out: &mut Findings) {
        let problems: Vec<(usize, Span, String, Option<String>)> = cx
            .index
            .objects()
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, object)| {
                let mut found = typed_problems(object);
                if let Some(store) = cx.schemas {
                    // One cause, one finding: a field the typed check reported already is not
                    // reported again by the JSON schema.
                    let seen: Vec<Span> = found.iter().map(|p| p.0).collect();
                    found.extend(
                        schema_problems(store, object)
                            .into_iter()
                            .filter(|p| !seen.contains(&p.0)),
                    );
                }
                found
                    .into_iter()
                    .map(move |(span, message, hint)| (i, span, message, hint))
            })
            .collect();
        let objects = cx.index.objects();
        for (i, span, message, hint) in problems {
            let reported = out.at_rule_level(&objects[i], span, message);
            if let Some(h) = hint {
                reported.hint(h);
            }
        }
    }
}

type Problem = (Span, String, Option<String>);

/// apiVersions of kinds a fleet uses that the current operators no longer serve.
const UNSERVED: &[(&str, &str, &str)] = &[
    (
        "external-secrets.io/v1beta1",
        "ExternalSecret",
        "external-secrets.io/v1",
    ),
    (
        "external-secrets.io/v1alpha1",
        "ExternalSecret",
        "external-secrets.io/v1",
    ),
    (
        "external-secrets.io/v1beta1",
        "SecretStore",
        "external-secrets.io/v1",
    ),
    (
        "external-secrets.io/v1beta1",
        "ClusterSecretStore",
        "external-secrets.io/v1",
    ),
];

fn typed_problems(object: &Object<'_>) -> Vec<Problem> {
    if let Some((_, _, served)) = UNSERVED
        .iter()
        .find(|(api, kind, _)| *api == object.api_version && *kind == object.kind)
    {
        let span = object
            .root
            .get("apiVersion")
            .map_or(object.root.span, |n| n.span);
        return vec![(
            span,
            format!(
                "{} {} is deprecated and no longer served by External Secrets (v1 is)",
                object.api_version, object.kind
            ),
            Some(format!("use apiVersion: {served}")),
        )];
    }
    use arcfleet_crds::{AutoscalingRunnerSet, ExternalSecret};
    use k8s_openapi::api::{apps, core, networking, policy, rbac};
    macro_rules! typed {
        ($($api:literal, $kind:literal => $ty:ty;)*) => {
            match (object.api_version, object.kind) {
                $(($api, $kind) => check::<$ty>(object),)*
                _ => Vec::new(),
            }
        };
    }
    typed! {
        "v1", "Namespace" => core::v1::Namespace;
        "v1", "ServiceAccount" => core::v1::ServiceAccount;
        "v1", "ConfigMap" => core::v1::ConfigMap;
        "v1", "Secret" => core::v1::Secret;
        "v1", "ResourceQuota" => core::v1::ResourceQuota;
        "v1", "LimitRange" => core::v1::LimitRange;
        "v1", "PersistentVolumeClaim" => core::v1::PersistentVolumeClaim;
        "v1", "Service" => core::v1::Service;
        "v1", "Pod" => core::v1::Pod;
        "v1", "PodTemplate" => core::v1::PodTemplate;
        "apps/v1", "Deployment" => apps::v1::Deployment;
        "apps/v1", "StatefulSet" => apps::v1::StatefulSet;
        "apps/v1", "DaemonSet" => apps::v1::DaemonSet;
        "rbac.authorization.k8s.io/v1", "Role" => rbac::v1::Role;
        "rbac.authorization.k8s.io/v1", "RoleBinding" => rbac::v1::RoleBinding;
        "rbac.authorization.k8s.io/v1", "ClusterRole" => rbac::v1::ClusterRole;
        "rbac.authorization.k8s.io/v1", "ClusterRoleBinding" => rbac::v1::ClusterRoleBinding;
        "policy/v1", "PodDisruptionBudget" => policy::v1::PodDisruptionBudget;
        "networking.k8s.io/v1", "NetworkPolicy" => networking::v1::NetworkPolicy;
        "actions.github.com/v1alpha1", "AutoscalingRunnerSet" => AutoscalingRunnerSet;
        "external-secrets.io/v1", "ExternalSecret" => ExternalSecret;
    }
}

/// The object as the API server receives it: without the `sops` block, which Flux strips when
/// it decrypts a SOPS file, and without the fields whose value is a placeholder filled in at
/// apply time (`maxRunners: ${MAX_RUNNERS:=2}` is a number by then).
fn applied_json(object: &Object<'_>) -> serde_json::Value {
    let mut value = arcfleet_yaml::to_json(object.root);
    if let Some(map) = value.as_object_mut() {
        map.remove("sops");
    }
    drop_placeholders(&mut value);
    value
}

fn drop_placeholders(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|_, v| !v.as_str().is_some_and(is_placeholder));
            map.values_mut().for_each(drop_placeholders);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_placeholders),
        _ => {}
    }
}

/// Deserializes `object` as `T`, collecting ignored (unknown) keys and the first type error.
fn check<T: DeserializeOwned>(object: &Object<'_>) -> Vec<Problem> {
    let value = applied_json(object);
    let mut unknown = Vec::new();
    let mut on_ignored = |path: serde_ignored::Path<'_>| unknown.push(pointer_of(&path));
    // Tracking the path of every value costs a third of this rule; objects almost always
    // deserialize, so the path is only tracked on a second pass for those that do not.
    let plain: Result<T, _> =
        T::deserialize(serde_ignored::Deserializer::new(&value, &mut on_ignored));
    let result: Result<T, _> = match plain {
        Ok(typed) => Ok(typed),
        Err(_) => serde_path_to_error::deserialize(&value),
    };
    let mut problems: Vec<Problem> = unknown
        .into_iter()
        .map(|pointer| {
            let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", &pointer));
            let span = object.root.nearest(parent).key_span(key);
            let dotted = pointer.trim_start_matches('/').replace('/', ".");
            (
                span,
                format!(
                    "`{dotted}` is not a field of {} {}: the API server drops it",
                    object.api_version, object.kind
                ),
                Some("check the spelling and the indentation".to_string()),
            )
        })
        .collect();
    if let Err(err) = result {
        let pointer: String = err
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                _ => None,
            })
            .fold(String::new(), |acc, t| format!("{acc}/{t}"));
        let span = object.root.nearest(&pointer).span;
        let at = pointer.trim_start_matches('/').replace('/', ".");
        let at = if at.is_empty() {
            String::new()
        } else {
            format!("{at}: ")
        };
        // Serde's message quotes the value, and the value's line would be shown: never for a
        // Secret's; point at its `data:`/`stringData:` line instead.
        let (span, message) = if object.kind == "Secret" {
            let field = pointer
                .trim_start_matches('/')
                .split('/')
                .next()
                .unwrap_or_default();
            (
                object.root.key_span(field),
                format!(
                    "{at}wrong type (the value is secret and not shown); Secret data values are strings"
                ),
            )
        } else {
            (span, format!("{at}{}", err.inner()))
        };
        problems.push((span, message, None));
    }
    problems
}

fn pointer_of(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}/{index}", pointer_of(parent)),
        Path::Map { parent, key } => format!("{}/{key}", pointer_of(parent)),
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => pointer_of(parent),
    }
}

fn schema_problems(store: &crate::SchemaStore, object: &Object<'_>) -> Vec<Problem> {
    let value = applied_json(object);
    match store.check(&value) {
        Ok(None) => vec![(
            object.root.get("kind").map_or(object.root.span, |k| k.span),
            format!(
                "no schema for {} {} in the schema folder (a wrong or unserved apiVersion?)",
                object.api_version, object.kind
            ),
            None,
        )],
        Ok(Some(violations)) => violations
            .into_iter()
            .map(|v| {
                let node: &Node = object.root.nearest(&v.pointer);
                let span =
                    unexpected_property(&v.message).map_or(node.span, |key| node.key_span(key));
                let at = v.pointer.trim_start_matches('/').replace('/', ".");
                let at = if at.is_empty() {
                    String::new()
                } else {
                    format!("{at}: ")
                };
                // Schema messages quote values: never a Secret's.
                let message =
                    if object.kind == "Secret" && unexpected_property(&v.message).is_none() {
                        "does not match the schema (the value is secret and not shown)".to_string()
                    } else {
                        v.message
                    };
                (span, format!("{at}{message}"), None)
            })
            .collect(),
        Err(e) => vec![(object.root.span, e.to_string(), None)],
    }
}

/// The property named in "Additional properties are not allowed ('x' was unexpected)".
fn unexpected_property(message: &str) -> Option<&str> {
    let start = message.find("('")? + 2;
    let end = message[start..].find('\'')? + start;
    Some(&message[start..end])
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::testing::fixtures("schema", "schema");
    }
}
