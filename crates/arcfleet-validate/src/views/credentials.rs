//! Where a Secret of the cluster comes from in the input: a Secret written out (plain, or
//! SOPS-encrypted, which Flux decrypts at apply time), or an object that makes one (an
//! ExternalSecret, a SealedSecret, an InfisicalSecret, ...), and which keys it will have.

use arcfleet_diag::Span;
use arcfleet_yaml::Node;

use crate::index::{Object, ObjectIndex};

/// A Secret of the cluster and what the input says of its keys.
#[derive(Clone, Debug)]
pub struct SecretSource<'a> {
    /// The Secret, or the object that makes it.
    pub object: Object<'a>,
    /// Where to point at its keys.
    pub span: Span,
    /// Key names with their spans.
    pub keys: Vec<(&'a str, Span)>,
    /// Some keys are only known once the producer runs (`dataFrom`, templates, vaults).
    pub keys_unknown: bool,
}

/// Kinds of other operators that make a Secret, and where they name it (`None`: the object's
/// own name).
const PRODUCERS: &[(&str, &str, Option<&[&str]>)] = &[
    (
        "external-secrets.io/",
        "ExternalSecret",
        Some(&["spec", "target", "name"]),
    ),
    (
        "bitnami.com/",
        "SealedSecret",
        Some(&["spec", "template", "metadata", "name"]),
    ),
    (
        "secrets.infisical.com/",
        "InfisicalSecret",
        Some(&["spec", "managedSecretReference", "secretName"]),
    ),
    ("onepassword.com/", "OnePasswordItem", None),
    (
        "secrets.hashicorp.com/",
        "VaultStaticSecret",
        Some(&["spec", "destination", "name"]),
    ),
    (
        "secrets.hashicorp.com/",
        "VaultDynamicSecret",
        Some(&["spec", "destination", "name"]),
    ),
    ("isindir.github.com/", "SopsSecret", None),
    ("generators.external-secrets.io/", "ClusterGenerator", None),
];

/// The name of the Secret a producer object makes, if `object` is one.
pub fn produced_secret<'a>(object: &Object<'a>) -> Option<&'a str> {
    let (_, _, path) = PRODUCERS
        .iter()
        .find(|(group, kind, _)| object.api_version.starts_with(group) && object.kind == *kind)?;
    Some(
        path.and_then(|p| object.root.path(p))
            .and_then(Node::as_str)
            .unwrap_or(object.name),
    )
}

/// Whether a Secret is encrypted for a tool that decrypts it at apply time (SOPS: a `sops:`
/// block and `ENC[...]` values).
pub fn is_encrypted(secret: &Object<'_>) -> bool {
    secret.root.get("sops").is_some()
}

fn map_keys(node: Option<&Node>) -> Vec<(&str, Span)> {
    node.and_then(Node::as_mapping)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| Some((e.key.scalar_text()?, e.key.span)))
        .collect()
}

/// The Secret named `name` in `ns` (any namespace when unknown), or what makes it.
pub fn secret_source<'a>(
    index: &ObjectIndex<'a>,
    ns: Option<&str>,
    name: &str,
) -> Option<SecretSource<'a>> {
    let in_ns = |kind: &'static str| -> Vec<&Object<'a>> {
        match ns {
            Some(ns) => index.in_namespace(kind, ns).collect(),
            None => index.of_kind(kind).collect(),
        }
    };
    if let Some(secret) = in_ns("Secret").into_iter().find(|s| s.name == name) {
        let mut keys = map_keys(secret.root.get("data"));
        keys.extend(map_keys(secret.root.get("stringData")));
        let span = ["data", "stringData"]
            .iter()
            .find_map(|f| secret.root.entry(f))
            .map_or(secret.name_span(), |e| e.key.span);
        return Some(SecretSource {
            object: secret.clone(),
            span,
            keys,
            keys_unknown: false,
        });
    }
    let producer = index
        .secret_producers(name)
        .find(|o| ns.is_none_or(|ns| o.in_namespace(ns)))?;
    let spec = producer.spec();
    let (keys, keys_unknown) = match producer.kind {
        "ExternalSecret" => {
            let mut keys: Vec<(&'a str, Span)> = spec
                .and_then(|s| s.get("data"))
                .and_then(Node::as_sequence)
                .unwrap_or_default()
                .iter()
                .filter_map(|d| {
                    d.get("secretKey")
                        .and_then(|k| Some((k.scalar_text()?, k.span)))
                })
                .collect();
            keys.extend(map_keys(
                spec.and_then(|s| s.path(&["target", "template", "data"])),
            ));
            let unknown = spec.is_some_and(|s| {
                s.get("dataFrom").is_some()
                    || s.path(&["target", "template", "templateFrom"]).is_some()
            });
            (keys, unknown)
        }
        "SealedSecret" => {
            let mut keys = map_keys(spec.and_then(|s| s.get("encryptedData")));
            keys.extend(map_keys(spec.and_then(|s| s.path(&["template", "data"]))));
            (keys, false)
        }
        _ => (Vec::new(), true),
    };
    let span = spec.map_or(producer.name_span(), |s| {
        ["data", "encryptedData"]
            .iter()
            .find_map(|f| s.entry(f))
            .map_or(s.span, |e| e.key.span)
    });
    Some(SecretSource {
        object: producer.clone(),
        span,
        keys,
        keys_unknown,
    })
}

/// Whether the input says anything about the Secrets of namespace `ns` (a Secret, or an object
/// that makes one): only then can a missing one be told apart from one created out of band.
pub fn namespace_has_secrets(index: &ObjectIndex<'_>, ns: Option<&str>) -> bool {
    let in_ns = |o: &&Object<'_>| ns.is_none_or(|ns| o.in_namespace(ns));
    index.of_kind("Secret").filter(in_ns).any(|s| {
        s.root.get("type").and_then(Node::as_str) != Some("kubernetes.io/service-account-token")
    }) || index.secret_producers_in(ns)
}
