//! Small constructors that keep the object builders readable.

use std::collections::BTreeMap;

use arcfleet_arc::runner::env_value;
use k8s_openapi::api::core::v1::{
    Container, EnvVar, ResourceRequirements, Toleration, VolumeMount,
};
use k8s_openapi::api::rbac::v1::{RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use arcfleet_spec::model;

pub(crate) fn meta(name: &str, namespace: Option<&str>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: namespace.map(str::to_string),
        ..Default::default()
    }
}

pub(crate) fn map<const N: usize>(pairs: [(&str, &str); N]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

pub(crate) fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

/// The env a mode sets, with the user's values taken over, then the user's other variables. As
/// in the chart, a variable the user sets keeps the user's value: `validate` says when that
/// value is one ARC cannot work with.
pub(crate) fn with_user_env(mode: Vec<EnvVar>, user: &BTreeMap<String, String>) -> Vec<EnvVar> {
    let mut env: Vec<EnvVar> = mode
        .into_iter()
        .map(|e| match user.get(&e.name) {
            Some(value) => env_value(&e.name, value),
            None => e,
        })
        .collect();
    for (name, value) in user {
        if !env.iter().any(|e| &e.name == name) {
            env.push(env_value(name, value));
        }
    }
    env
}

pub(crate) fn read_only_mount(name: &str, path: &str) -> VolumeMount {
    VolumeMount {
        read_only: Some(true),
        ..arcfleet_arc::runner::mount(name, path)
    }
}

pub(crate) fn resources(spec: Option<&model::Resources>) -> Option<ResourceRequirements> {
    let spec = spec?;
    let convert = |list: &BTreeMap<String, arcfleet_k8s::Quantity>| {
        (!list.is_empty()).then(|| {
            list.iter()
                .map(|(k, v)| (k.clone(), K8sQuantity(v.as_str().to_string())))
                .collect()
        })
    };
    Some(ResourceRequirements {
        requests: convert(&spec.requests),
        limits: convert(&spec.limits),
        ..Default::default()
    })
}

pub(crate) fn tolerations(spec: &[model::Toleration]) -> Option<Vec<Toleration>> {
    (!spec.is_empty()).then(|| {
        spec.iter()
            .map(|t| Toleration {
                key: t.key.clone(),
                operator: t.operator.clone(),
                value: t.value.clone(),
                effect: t.effect.clone(),
                toleration_seconds: t.toleration_seconds,
            })
            .collect()
    })
}

pub(crate) fn non_empty(map: &BTreeMap<String, String>) -> Option<BTreeMap<String, String>> {
    (!map.is_empty()).then(|| map.clone())
}

pub(crate) fn role_ref(kind: &str, name: &str) -> RoleRef {
    RoleRef {
        api_group: "rbac.authorization.k8s.io".into(),
        kind: kind.into(),
        name: name.into(),
    }
}

pub(crate) fn service_account_subject(name: &str, namespace: &str) -> Subject {
    Subject {
        kind: "ServiceAccount".into(),
        name: name.into(),
        namespace: Some(namespace.into()),
        api_group: None,
    }
}

pub(crate) fn container(name: &str, image: &str) -> Container {
    Container {
        name: name.into(),
        image: Some(image.into()),
        ..Default::default()
    }
}
