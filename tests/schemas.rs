//! Every generated document validates strictly against the kubeconform-layout JSON schemas in
//! `../shared/schemas` (Kubernetes 1.36 standalone-strict, ARC 0.14.2, External Secrets and
//! Prometheus Operator CRDs), through the same schema store `validate --schema-dir` uses.

mod common;

use arcfleet_validate::SchemaStore;

/// The schema store, or `None` (the test is skipped, with a note) without `../shared`.
fn store() -> Option<SchemaStore> {
    let dir = common::shared("schemas")?;
    Some(SchemaStore::open(&dir).unwrap_or_else(|e| panic!("{e}")))
}

fn validate(store: &SchemaStore, doc: &serde_json::Value) -> Result<(), String> {
    match store.check(doc).map_err(|e| e.to_string())? {
        None => Err(format!(
            "no schema for {} {}",
            doc["apiVersion"], doc["kind"]
        )),
        Some(v) if v.is_empty() => Ok(()),
        Some(v) => Err(v
            .iter()
            .map(|v| format!("{} at {}", v.message, v.pointer))
            .collect::<Vec<_>>()
            .join("\n")),
    }
}

#[test]
fn generated_documents_validate_against_shared_schemas() {
    let Some(store) = store() else {
        return;
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for example in common::examples() {
        for object in common::render_example(&example).objects {
            // Validate what a cluster would read: the emitted YAML, read back with 1.1 rules.
            let yaml = object.to_yaml().expect("yaml");
            let doc = common::yaml_values_of("object", &yaml).remove(0);
            if let Err(e) = validate(&store, &doc) {
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
                    if let Err(e) = validate(&store, &template) {
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
    let bad = serde_json::json!({
        "apiVersion": "actions.github.com/v1alpha1", "kind": "AutoscalingRunnerSet",
        "metadata": {"name": "x"}, "spec": {"maxRunners": "ten", "bogus": 1}
    });
    let Some(store) = store() else {
        return;
    };
    let err = validate(&store, &bad).unwrap_err();
    assert!(err.contains("maxRunners"), "{err}");
    assert!(err.contains("bogus"), "{err}");
}
