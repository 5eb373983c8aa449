//! Every generated document validates strictly against the kubeconform-layout JSON schemas in
//! `../shared/schemas` (Kubernetes 1.36 standalone-strict, ARC 0.14.2 and External Secrets CRDs).

mod common;

use std::collections::HashMap;
use std::path::PathBuf;

/// kubeconform's file names: `<kind>-v1` for core, `<kind>-<first group label>-<version>` for
/// built-in groups, `<kind>-<full group>-<version>` for CRDs.
fn schema_candidates(api_version: &str, kind: &str) -> Vec<String> {
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

struct Schemas {
    dir: PathBuf,
    compiled: HashMap<String, jsonschema::Validator>,
}

impl Schemas {
    fn validate(&mut self, doc: &serde_json::Value) -> Result<(), String> {
        let api_version = doc["apiVersion"].as_str().unwrap_or_default();
        let kind = doc["kind"].as_str().unwrap_or_default();
        let file = schema_candidates(api_version, kind)
            .into_iter()
            .find(|f| self.dir.join(f).is_file())
            .ok_or_else(|| format!("no schema for {api_version} {kind}"))?;
        if !self.compiled.contains_key(&file) {
            let text = std::fs::read_to_string(self.dir.join(&file)).map_err(|e| e.to_string())?;
            let schema: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| e.to_string())?;
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft4)
                .build(&schema)
                .map_err(|e| format!("{file}: {e}"))?;
            self.compiled.insert(file.clone(), validator);
        }
        let validator = &self.compiled[&file];
        let errors: Vec<String> = validator
            .iter_errors(doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("\n"))
        }
    }
}

#[test]
fn generated_documents_validate_against_shared_schemas() {
    let dir = common::shared_dir().join("schemas");
    assert!(
        dir.is_dir(),
        "{} is missing (set ARCFLEET_SHARED_DIR)",
        dir.display()
    );
    let mut schemas = Schemas {
        dir,
        compiled: HashMap::new(),
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for example in common::examples() {
        for object in common::render_example(&example).objects {
            // Validate what a cluster would read: the emitted YAML, read back with 1.1 rules.
            let yaml = object.to_yaml().expect("yaml");
            let doc = common::yaml_values_of("object", &yaml).remove(0);
            if let Err(e) = schemas.validate(&doc) {
                failures.push(format!(
                    "{example}: {} {}: {e}",
                    object.kind(),
                    object.name()
                ));
            }
            checked += 1;
            // The worker podspec inside a ConfigMap must be a valid pod template too.
            if let arcfleet_render::Object::ConfigMap(cm) = &object {
                for text in cm.data.iter().flat_map(|d| d.values()) {
                    let template = common::yaml_values_of("podspec", text).remove(0);
                    let template = serde_json::json!({
                        "apiVersion": "v1", "kind": "PodTemplate",
                        "metadata": {"name": "worker"},
                        "template": {"metadata": template["metadata"], "spec": template["spec"]},
                    });
                    if let Err(e) = schemas.validate(&template) {
                        failures.push(format!(
                            "{example}: worker podspec of {}: {e}",
                            object.name()
                        ));
                    }
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} documents checked");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn schema_validation_catches_a_broken_document() {
    let dir = common::shared_dir().join("schemas");
    let mut schemas = Schemas {
        dir,
        compiled: HashMap::new(),
    };
    let bad = serde_json::json!({
        "apiVersion": "actions.github.com/v1alpha1", "kind": "AutoscalingRunnerSet",
        "metadata": {"name": "x"}, "spec": {"maxRunners": "ten", "bogus": 1}
    });
    let err = schemas.validate(&bad).unwrap_err();
    assert!(err.contains("maxRunners"), "{err}");
    assert!(err.contains("bogus"), "{err}");
}
