//! Property tests over generated fleet specs (varying counts, modes, names, versions and map
//! order): the output is byte-identical across runs and independent of map order, passes every
//! rule, and `check` after `render` finds nothing to change.

mod common;

use proptest::prelude::*;

#[derive(Clone, Debug)]
struct SetSpec {
    kube_mode: bool,
    namespace: usize,
    min: u32,
    max: u32,
    tls: bool,
}

fn set_strategy() -> impl Strategy<Value = SetSpec> {
    (any::<bool>(), 0usize..3, 0u32..16, any::<bool>()).prop_flat_map(
        |(kube_mode, namespace, max, tls)| {
            (0..=max).prop_map(move |min| SetSpec {
                kube_mode,
                namespace,
                min,
                max,
                tls,
            })
        },
    )
}

/// A fleet spec; `reversed` writes every map in the opposite order.
fn spec_text(sets: &[SetSpec], minor: u32, auto_quota: &[bool; 3], reversed: bool) -> String {
    let mut classes = [
        "    dind:\n      mode: dind\n      image: ghcr.io/actions/actions-runner:2.330.0\n      resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {cpu: \"2\", memory: 4Gi}}\n      dind: {image: \"docker:27.3.1-dind\", resources: {requests: {cpu: 250m, memory: 512Mi}, limits: {cpu: \"1\", memory: 1Gi}}}\n      activeDeadlineSeconds: 3600\n".to_string(),
        "    dindtls:\n      mode: dind\n      image: ghcr.io/actions/actions-runner:2.330.0\n      resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {cpu: \"2\", memory: 4Gi}}\n      dind: {image: \"docker:27.3.1-dind\", tls: true, resources: {requests: {cpu: 250m, memory: 512Mi}, limits: {cpu: \"1\", memory: 1Gi}}}\n      activeDeadlineSeconds: 3600\n".to_string(),
        "    kube:\n      mode: kubernetes\n      image: ghcr.io/actions/actions-runner:2.330.0\n      resources: {requests: {cpu: 250m, memory: 512Mi}, limits: {cpu: \"1\", memory: 1Gi}}\n      workVolume: {storageClassName: standard, size: 10Gi}\n      workflowPod: {resources: {requests: {cpu: \"1\", memory: 2Gi}, limits: {cpu: \"2\", memory: 4Gi}}}\n      activeDeadlineSeconds: 3600\n".to_string(),
    ];
    let mut namespaces: Vec<String> = (0..3)
        .filter(|ns| sets.iter().any(|s| s.namespace == *ns))
        .map(|ns| {
            format!(
                "    team-{ns}: {{quota: {}}}\n",
                if auto_quota[ns] {
                    "auto"
                } else {
                    "{pods: \"1000\"}"
                }
            )
        })
        .collect();
    if reversed {
        classes.reverse();
        namespaces.reverse();
    }
    let mut text = format!(
        "apiVersion: arcfleet.io/v1alpha1\nkind: Fleet\nmetadata: {{name: prop}}\nspec:\n  kubernetesVersion: \"1.{minor}\"\n  controller: {{version: 0.14.2}}\n  secretStore: {{kind: ClusterSecretStore, name: vault}}\n  runnerClasses:\n{}  runnerSets:\n",
        classes.concat()
    );
    for (i, s) in sets.iter().enumerate() {
        let class = if s.kube_mode {
            "kube"
        } else if s.tls {
            "dindtls"
        } else {
            "dind"
        };
        text.push_str(&format!(
            "    - {{name: set-{i}, namespace: team-{}, githubConfigUrl: \"https://github.com/org-{i}\", auth: {{githubApp: {{remoteKey: team-{}/app}}}}, class: {class}, minRunners: {}, maxRunners: {}}}\n",
            s.namespace, s.namespace, s.min, s.max
        ));
    }
    text.push_str("  namespaces:\n");
    text.push_str(&namespaces.concat());
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn rendering_is_deterministic_valid_and_idempotent(
        sets in proptest::collection::vec(set_strategy(), 1..5),
        minor in 28u32..34,
        auto_quota in any::<[bool; 3]>(),
    ) {
        let forward = common::render_text("fleet.yaml", &spec_text(&sets, minor, &auto_quota, false));
        let again = common::render_text("fleet.yaml", &spec_text(&sets, minor, &auto_quota, false));
        let reversed = common::render_text("fleet.yaml", &spec_text(&sets, minor, &auto_quota, true));
        let stream = forward.stream().unwrap();
        prop_assert_eq!(&stream, &again.stream().unwrap());
        prop_assert_eq!(&stream, &reversed.stream().unwrap());

        let files = forward.files().unwrap();
        let sources = files.iter().map(|f| std::sync::Arc::new(arcfleet_diag::SourceFile::new(f.path.clone(), f.contents.clone()))).collect();
        let report = arcfleet_validate::validate(sources, &Default::default());
        prop_assert_eq!(report.errors(), 0, "{:#?}", report.diagnostics);

        let dir = tempfile::tempdir().unwrap();
        arcfleet_render::write_dir(dir.path(), &files).unwrap();
        prop_assert!(arcfleet_render::compare_dir(dir.path(), &files).unwrap().is_clean());
        let second = arcfleet_render::write_dir(dir.path(), &files).unwrap();
        prop_assert!(second.written.is_empty() && second.removed.is_empty());
    }
}
