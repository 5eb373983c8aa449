//! Deserializing a span-carrying tree into a typed value, with every error at its node.

use arcfleet_diag::Span;
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

use crate::node::Node;
use crate::resolve::to_json;

/// A typed read that failed: where, what, and (for misspelt names) the closest valid one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedError {
    /// The offending node (for an unknown field: its key).
    pub span: Span,
    /// The path and what was expected, `spec.controller.replicas: invalid type: …`.
    pub message: String,
    /// `did you mean `maxRunners`?` when a close name exists.
    pub hint: Option<String>,
}

/// Reads `root` as a `T` (YAML 1.1 scalars, as Kubernetes reads them).
///
/// ```
/// #[derive(serde::Deserialize)]
/// #[serde(deny_unknown_fields)]
/// struct Limits { #[allow(dead_code)] max: u32 }
///
/// let file = std::sync::Arc::new(arcfleet_diag::SourceFile::new("p.yaml", "maxx: 3\n"));
/// let docs = arcfleet_yaml::load(&file, &Default::default()).unwrap();
/// let err = arcfleet_yaml::from_node::<Limits>(&docs[0].root).err().unwrap();
/// assert_eq!(file.line_col(err.span.start()), (1, 1));
/// assert_eq!(err.hint.as_deref(), Some("did you mean `max`?"));
/// ```
pub fn from_node<T: DeserializeOwned>(root: &Node) -> Result<T, TypedError> {
    let value = to_json(root);
    serde_path_to_error::deserialize(&value).map_err(|err| {
        let pointer = pointer_of(err.path());
        locate(root, &pointer, &err.inner().to_string())
    })
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(crate::pointer_token(key)),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .fold(String::new(), |acc, token| format!("{acc}/{token}"))
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

fn locate(root: &Node, pointer: &str, message: &str) -> TypedError {
    let mut pointer = pointer;
    let (span, hint) = if let Some(field) = backticked_after(message, "unknown field `") {
        // The path may or may not already include the unknown key.
        let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
        if unescape(last) == field {
            pointer = parent;
        }
        (
            root.nearest(pointer).key_span(field),
            did_you_mean(field, message),
        )
    } else if let Some(variant) = backticked_after(message, "unknown variant `") {
        (root.nearest(pointer).span, did_you_mean(variant, message))
    } else {
        (root.nearest(pointer).span, None)
    };
    let location = if pointer.is_empty() {
        String::new()
    } else {
        format!(
            "{}: ",
            unescape(&pointer.trim_start_matches('/').replace('/', "."))
        )
    };
    TypedError {
        span,
        message: format!("{location}{}", friendly(message)),
        hint,
    }
}

fn backticked_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let start = message.find(prefix)? + prefix.len();
    let rest = &message[start..];
    rest.find('`').map(|end| &rest[..end])
}

/// "did you mean `x`?" for the name in `expected …` closest to `given`.
fn did_you_mean(given: &str, message: &str) -> Option<String> {
    let expected = message.split_once("expected")?.1;
    closest(given, expected.split('`').skip(1).step_by(2)).map(|c| format!("did you mean `{c}`?"))
}

/// The candidate most similar to `given`, if any is similar enough to be a likely typo.
pub fn closest<'a, I, S>(given: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str> + 'a,
{
    candidates
        .into_iter()
        .map(|c| {
            let c = c.as_ref().to_string();
            (
                strsim::jaro_winkler(&given.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Rust type names mean nothing to a user writing YAML.
fn friendly(message: &str) -> String {
    message
        .replace("expected u32", "expected a whole number ≥ 0")
        .replace("expected u16", "expected a port number")
        .replace("expected i64", "expected an integer")
        .replace("expected i32", "expected an integer")
        .replace("expected a sequence", "expected a list")
        .replace("expected a map", "expected a mapping")
        .replace("struct ", "")
}
