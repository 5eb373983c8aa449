//! Kubernetes fragments of the spec ([`KubeValue`]): checked against the Kubernetes type their
//! field names, so that a misspelt key is reported where it was written instead of being dropped
//! on the way to the rendered object.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::model::KubeValue;

/// A problem in a fragment: the JSON Pointer below the fragment, and what is wrong.
pub(crate) struct Problem {
    pub pointer: String,
    pub message: String,
    /// The key itself is wrong (point at it), not its value.
    pub unknown_key: bool,
}

/// The fragment as Kubernetes type `T`, or every problem: a value of the wrong type, or a key
/// `T` does not have (`what` names the type in messages).
pub(crate) fn parse<T: DeserializeOwned + Serialize>(
    value: &KubeValue,
    what: &str,
) -> Result<T, Vec<Problem>> {
    let typed: T = serde_path_to_error::deserialize(&value.0).map_err(|e| {
        let pointer = e
            .path()
            .iter()
            .map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => format!("/{index}"),
                serde_path_to_error::Segment::Map { key } => format!("/{}", escape(key)),
                serde_path_to_error::Segment::Enum { variant } => format!("/{}", escape(variant)),
                serde_path_to_error::Segment::Unknown => String::new(),
            })
            .collect::<String>();
        vec![Problem {
            pointer,
            message: format!("not a valid Kubernetes {what}: {}", e.inner()),
            unknown_key: false,
        }]
    })?;
    let back = serde_json::to_value(&typed).unwrap_or(Value::Null);
    let mut problems = Vec::new();
    lost_keys(&value.0, &back, String::new(), what, &mut problems);
    if problems.is_empty() {
        Ok(typed)
    } else {
        Err(problems)
    }
}

/// Keys of `given` that did not survive the round trip through the Kubernetes type.
fn lost_keys(given: &Value, kept: &Value, at: String, what: &str, out: &mut Vec<Problem>) {
    match (given, kept) {
        (Value::Object(given), Value::Object(kept)) => {
            for (key, value) in given {
                let here = format!("{at}/{}", escape(key));
                match kept.get(key) {
                    Some(kept_value) => lost_keys(value, kept_value, here, what, out),
                    // An explicit null means "unset" to Kubernetes too.
                    None if value.is_null() => {}
                    None => out.push(Problem {
                        pointer: here,
                        message: format!("`{key}` is not a field here (Kubernetes {what})"),
                        unknown_key: true,
                    }),
                }
            }
        }
        (Value::Object(given), _) => {
            for key in given.keys() {
                out.push(Problem {
                    pointer: format!("{at}/{}", escape(key)),
                    message: format!("`{key}` is not a field here (Kubernetes {what})"),
                    unknown_key: true,
                });
            }
        }
        (Value::Array(given), Value::Array(kept)) => {
            for (i, (g, k)) in given.iter().zip(kept).enumerate() {
                lost_keys(g, k, format!("{at}/{i}"), what, out);
            }
        }
        _ => {}
    }
}

use arcfleet_yaml::pointer_token as escape;

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::Affinity;

    #[test]
    fn misspelt_keys_are_found_where_they_were_written() {
        let value = KubeValue(serde_json::json!({
            "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpresions": [{"key": "a", "operator": "Exists"}]}]
            }}
        }));
        let problems = parse::<Affinity>(&value, "Affinity").err().unwrap();
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].pointer,
            "/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchExpresions"
        );
    }

    #[test]
    fn a_correct_fragment_parses_and_a_wrong_type_is_located() {
        let good = KubeValue(
            serde_json::json!({"fsGroup": 1001, "fsGroupChangePolicy": "OnRootMismatch"}),
        );
        assert!(
            parse::<k8s_openapi::api::core::v1::PodSecurityContext>(&good, "PodSecurityContext")
                .is_ok()
        );
        let bad = KubeValue(serde_json::json!({"fsGroup": "users"}));
        let problems =
            parse::<k8s_openapi::api::core::v1::PodSecurityContext>(&bad, "PodSecurityContext")
                .err()
                .unwrap();
        assert_eq!(problems[0].pointer, "/fsGroup");
    }
}
