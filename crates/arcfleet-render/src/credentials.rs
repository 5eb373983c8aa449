//! ExternalSecrets: the GitHub credentials ARC reads (key names exactly as ARC's
//! `appconfig.FromSecret` expects them) and registry pull secrets.

use std::collections::BTreeMap;

use arcfleet_arc::credentials::{APP_KEYS, TOKEN};
use arcfleet_arc::meta::CLEANUP_FINALIZER;
use arcfleet_crds::{
    ExternalSecret, ExternalSecretData, ExternalSecretSpec, ExternalSecretTarget,
    ExternalSecretTemplate, RemoteReference, SecretStoreRef, TemplateMetadata,
};
use arcfleet_spec::model::{Registry, SecretStoreKind};
use arcfleet_spec::{Fleet, ResolvedSet};

use crate::object::Object;

/// Name of the pull Secret made for registry `registry`.
pub fn pull_secret_name(registry: &str) -> String {
    format!("{registry}-pull-secret")
}

fn base_spec(fleet: &Fleet, target: &str) -> ExternalSecretSpec {
    let store = &fleet.secret_store;
    ExternalSecretSpec {
        refresh_interval: Some(store.refresh_interval.clone()),
        secret_store_ref: Some(SecretStoreRef {
            kind: Some(
                match store.kind {
                    SecretStoreKind::ClusterSecretStore => "ClusterSecretStore",
                    SecretStoreKind::SecretStore => "SecretStore",
                }
                .into(),
            ),
            name: Some(store.name.clone()),
        }),
        target: Some(ExternalSecretTarget {
            name: Some(target.into()),
            creation_policy: Some("Owner".into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn data(secret_key: &str, key: &str, property: Option<&str>) -> ExternalSecretData {
    ExternalSecretData {
        secret_key: Some(secret_key.into()),
        remote_ref: Some(RemoteReference {
            key: Some(key.into()),
            property: property.map(str::to_string),
            ..Default::default()
        }),
        source_ref: None,
    }
}

/// The credentials ExternalSecret of a set.
pub(crate) fn github_credentials(fleet: &Fleet, set: &ResolvedSet) -> Object {
    let entries = match (&set.auth.github_app, &set.auth.github_token) {
        (Some(app), _) => {
            let p = &app.properties;
            let properties = [&p.app_id, &p.installation_id, &p.private_key];
            APP_KEYS
                .iter()
                .zip(properties)
                .map(|(key, property)| data(key, &app.remote_key, Some(property)))
                .collect()
        }
        (None, Some(token)) => vec![data(TOKEN, &token.remote_key, Some(&token.property))],
        (None, None) => Vec::new(),
    };
    let base = base_spec(fleet, &set.secret_name);
    let spec = ExternalSecretSpec {
        data: Some(entries),
        // The controller still needs the credentials while it deletes a scale set (to remove
        // it from GitHub): the Secret carries the chart's cleanup finalizer, which the
        // controller removes when the last set naming it is gone. Without template data the
        // operator writes the fetched keys unchanged.
        target: base.target.map(|t| ExternalSecretTarget {
            template: Some(ExternalSecretTemplate {
                metadata: Some(TemplateMetadata {
                    finalizers: Some(vec![CLEANUP_FINALIZER.to_string()]),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..t
        }),
        ..base
    };
    Object::ExternalSecret(Box::new(ExternalSecret::new(
        &set.secret_name,
        &set.namespace,
        spec,
    )))
}

/// A `kubernetes.io/dockerconfigjson` pull secret for `registry` in `namespace`. The password
/// never appears here: External Secrets fills it in from the store.
pub(crate) fn pull_secret(
    fleet: &Fleet,
    name: &str,
    registry: &Registry,
    namespace: &str,
) -> Object {
    let secret_name = pull_secret_name(name);
    let server = quoted(&registry.server);
    let user = quoted(&registry.username);
    let config = format!(
        r#"{{"auths":{{{server}:{{"username":{user},"password":"{{{{ .password }}}}","auth":"{{{{ printf "%s:%s" {user} .password | b64enc }}}}"}}}}}}"#
    );
    let base = base_spec(fleet, &secret_name);
    let spec = ExternalSecretSpec {
        target: base.target.map(|t| ExternalSecretTarget {
            template: Some(ExternalSecretTemplate {
                type_: Some("kubernetes.io/dockerconfigjson".into()),
                engine_version: Some("v2".into()),
                data: Some(BTreeMap::from([(".dockerconfigjson".to_string(), config)])),
                ..Default::default()
            }),
            ..t
        }),
        data: Some(vec![data(
            "password",
            &registry.remote_ref.key,
            registry.remote_ref.property.as_deref(),
        )]),
        ..base
    };
    Object::ExternalSecret(Box::new(ExternalSecret::new(&secret_name, namespace, spec)))
}

/// A JSON string literal (also a valid Go template string literal for these characters).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}
