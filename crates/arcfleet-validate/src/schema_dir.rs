//! Strict validation against kubeconform-layout JSON schemas (`--schema-dir`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Why a schema could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// The folder does not exist.
    #[error("{0}: schema folder not found")]
    Missing(PathBuf),
    /// A schema file is unreadable or invalid.
    #[error("{path}: {message}")]
    Invalid {
        /// The schema file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
}

/// JSON schemas named like kubeconform's (`<kind>-v1.json`, `<kind>-<group>-<version>.json`),
/// compiled on first use.
pub struct SchemaStore {
    dir: PathBuf,
    compiled: Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>,
}

impl std::fmt::Debug for SchemaStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaStore")
            .field("dir", &self.dir)
            .finish()
    }
}

/// Removes `pattern`s with Go/RE2 inline flags (`(?i)`), which are not ECMA-262 regular
/// expressions and make the meta-schema check reject the whole schema (Prometheus Operator's
/// CRDs have one, on a Thanos-only field).
fn drop_inline_flag_patterns(schema: &mut serde_json::Value) {
    match schema {
        serde_json::Value::Object(map) => {
            if map
                .get("pattern")
                .and_then(serde_json::Value::as_str)
                .is_some_and(|p| p.contains("(?"))
            {
                map.remove("pattern");
            }
            map.values_mut().for_each(drop_inline_flag_patterns);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_inline_flag_patterns),
        _ => {}
    }
}

/// One schema violation: where (JSON Pointer) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// JSON Pointer into the object.
    pub pointer: String,
    /// The schema's complaint.
    pub message: String,
}

impl SchemaStore {
    /// A store over `dir`.
    pub fn open(dir: &Path) -> Result<Self, SchemaError> {
        if !dir.is_dir() {
            return Err(SchemaError::Missing(dir.to_path_buf()));
        }
        Ok(SchemaStore {
            dir: dir.to_path_buf(),
            compiled: Mutex::new(HashMap::new()),
        })
    }

    fn candidates(api_version: &str, kind: &str) -> Vec<String> {
        let kind = kind.to_lowercase();
        match api_version.split_once('/') {
            None => vec![format!("{kind}-{api_version}.json")],
            Some((group, version)) => {
                let first = group.split('.').next().unwrap_or(group);
                vec![
                    format!("{kind}-{first}-{version}.json"),
                    format!("{kind}-{group}-{version}.json"),
                ]
            }
        }
    }

    fn validator(
        &self,
        api_version: &str,
        kind: &str,
    ) -> Result<Option<std::sync::Arc<jsonschema::Validator>>, SchemaError> {
        let Some(file) = Self::candidates(api_version, kind)
            .into_iter()
            .find(|f| self.dir.join(f).is_file())
        else {
            return Ok(None);
        };
        let mut cache = self
            .compiled
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(v) = cache.get(&file) {
            return Ok(Some(v.clone()));
        }
        let path = self.dir.join(&file);
        let invalid = |message: String| SchemaError::Invalid {
            path: path.clone(),
            message,
        };
        let text = std::fs::read_to_string(&path).map_err(|e| invalid(e.to_string()))?;
        let mut schema: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        drop_inline_flag_patterns(&mut schema);
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&schema)
            .map_err(|e| invalid(e.to_string()))?;
        let validator = std::sync::Arc::new(validator);
        cache.insert(file, validator.clone());
        Ok(Some(validator))
    }

    /// Violations of `object`; `None` when no schema exists for its kind.
    pub fn check(&self, object: &serde_json::Value) -> Result<Option<Vec<Violation>>, SchemaError> {
        let api_version = object["apiVersion"].as_str().unwrap_or_default();
        let kind = object["kind"].as_str().unwrap_or_default();
        let Some(validator) = self.validator(api_version, kind)? else {
            return Ok(None);
        };
        Ok(Some(
            validator
                .iter_errors(object)
                .map(|e| Violation {
                    pointer: e.instance_path().to_string(),
                    message: e.to_string(),
                })
                .collect(),
        ))
    }
}
