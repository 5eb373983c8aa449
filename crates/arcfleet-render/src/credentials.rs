//! ExternalSecrets: the GitHub credentials ARC reads (key names exactly as ARC's
//! `appconfig.FromSecret` expects them) and registry pull secrets.

use std::collections::BTreeMap;

use arcfleet_arc::credentials::{APP_KEYS, TOKEN};
use arcfleet_arc::meta::CLEANUP_FINALIZER;
use arcfleet_crds::{
    ExternalSecret, ExternalSecretData, ExternalSecretSpec, ExternalSecretTarget,
    ExternalSecretTemplate, RemoteReference, SecretStoreRef, TemplateMetadata,
};
use arcfleet_spec::model::{Registry, RemoteRef, SecretStoreKind};
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

fn data(secret_key: &str, remote: &RemoteRef) -> ExternalSecretData {
    ExternalSecretData {
        secret_key: Some(secret_key.into()),
        remote_ref: Some(RemoteReference {
            key: Some(remote.key.clone()),
            property: remote.property.clone(),
            version: remote.version.clone(),
            ..Default::default()
        }),
        source_ref: None,
    }
}

fn remote(key: &str, property: &str, version: Option<&String>) -> RemoteRef {
    RemoteRef {
        key: key.into(),
        property: Some(property.into()),
        version: version.cloned(),
    }
}

/// The credentials ExternalSecret of a set (`None` for an existing Secret).
pub(crate) fn github_credentials(fleet: &Fleet, set: &ResolvedSet) -> Option<Object> {
    let entries: Vec<ExternalSecretData> = match (&set.auth.github_app, &set.auth.github_token) {
        (Some(app), _) => {
            let refs = match &app.values {
                Some(values) => [
                    values.app_id.clone(),
                    values.installation_id.clone(),
                    values.private_key.clone(),
                ],
                None => {
                    let p = &app.properties;
                    [&p.app_id, &p.installation_id, &p.private_key]
                        .map(|property| remote(&app.remote_key, property, app.version.as_ref()))
                }
            };
            APP_KEYS
                .iter()
                .zip(&refs)
                .map(|(key, remote)| data(key, remote))
                .collect()
        }
        (None, Some(token)) => vec![data(
            TOKEN,
            &remote(&token.remote_key, &token.property, token.version.as_ref()),
        )],
        (None, None) => return None,
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
    Some(Object::ExternalSecret(Box::new(ExternalSecret::new(
        &set.secret_name,
        &set.namespace,
        spec,
    ))))
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
        data: Some(vec![data("password", &registry.remote_ref)]),
        ..base
    };
    Object::ExternalSecret(Box::new(ExternalSecret::new(&secret_name, namespace, spec)))
}

/// A JSON string literal (also a valid Go template string literal for these characters).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}
