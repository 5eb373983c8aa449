//! ARC's CRDs (`controller.crds`): a kustomization that pins the CRD files of exactly
//! `controller.version`, written as [`KUSTOMIZATION_PATH`].
//!
//! Why a kustomization of ARC's own files, and not the CRDs themselves: the CRD text is ARC's and
//! stays out of arcfleet (neither this repository nor the binary carries it). The release tag
//! names the files of one version exactly (`arcfleet_arc::crds`), and kustomize, which Argo CD
//! and Flux both run, fetches a `resources` entry that is a URL of a raw file when it builds
//! (kustomize's `examples/remoteBuild.md`; kubectl 1.32's kustomize 5.5.0 tries exactly that
//! GET). Flux's kustomize-controller allows remote bases by default (`--no-remote-bases=false`,
//! fluxcd/kustomize-controller#638; whether the flag also stops raw files is untested), and when it
//! generates a kustomization for a folder without one, it takes a subfolder that has one as a
//! single resource (fluxcd/pkg `kustomize/kustomize_generator.go`), so pointing Flux at the whole
//! output works.
//!
//! Designs weighed: an Argo CD `Application` or a Flux `HelmRelease` of ARC's chart would tie the
//! output to one GitOps tool and bring Helm's CRD handling (install once, never upgrade); reading
//! a chart the user pulled (`helm pull --version X --untar`) would need no network at sync time
//! and fit the stream, but makes rendering read more than the spec; it is not done yet. Files are
//! named by tag, not commit: a reader sees the version, at the cost of trusting ARC not to move
//! its release tags.
//!
//! Each CRD gets, through `commonAnnotations`:
//! - `argocd.argoproj.io/sync-options: ServerSideApply=true,Prune=false`: every ARC CRD is larger
//!   than the 256 KiB a client-side apply's `last-applied-configuration` annotation may hold; and
//!   deleting a CRD deletes every object of its kind, so removing the CRDs from Git must not
//!   prune them (Helm, too, never deletes a chart's `crds/`);
//! - `argocd.argoproj.io/sync-wave: "-1"`: before the controller and everything else (wave 0),
//!   which need the kinds to exist;
//! - `kustomize.toolkit.fluxcd.io/prune: disabled`: the same protection under Flux, which applies
//!   server-side always and applies CRDs before other objects of the same Kustomization.
//!
//! The file is not a Kubernetes object: it is written with the files, never into the YAML
//! stream, whose consumers (`kubectl apply -f -`, the Argo CD plugin) run no kustomize.

use std::collections::BTreeMap;

use arcfleet_spec::Fleet;
use serde::Serialize;

use crate::RenderError;

/// Where the kustomization is written; `_crds` is not a valid namespace name, so it cannot meet
/// a namespace's folder.
pub const KUSTOMIZATION_PATH: &str = "_crds/kustomization.yaml";

/// Argo CD's per-resource sync options.
const ARGOCD_SYNC_OPTIONS: &str = "argocd.argoproj.io/sync-options";
/// Argo CD's sync wave.
const ARGOCD_SYNC_WAVE: &str = "argocd.argoproj.io/sync-wave";
/// Flux's per-object prune switch.
const FLUX_PRUNE: &str = "kustomize.toolkit.fluxcd.io/prune";

/// A `kustomization.yaml` with the fields arcfleet writes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Kustomization {
    /// `kustomize.config.k8s.io/v1beta1`.
    pub api_version: &'static str,
    /// `Kustomization`.
    pub kind: &'static str,
    /// The CRD files, by URL.
    pub resources: Vec<String>,
    /// Annotations kustomize adds to every resource.
    pub common_annotations: BTreeMap<String, String>,
}

/// The CRD kustomization of `fleet`, if its spec asks for one.
pub(crate) fn kustomization(fleet: &Fleet) -> Result<Option<Kustomization>, RenderError> {
    let controller = &fleet.controller;
    if !controller.spec.crds.as_ref().is_some_and(|c| c.render) {
        return Ok(None);
    }
    // `resolve` refuses a version without CRDs; this only keeps the error typed.
    let resources =
        arcfleet_arc::crds::crd_urls(controller.version).map_err(RenderError::UnknownRelease)?;
    let common_annotations = [
        (ARGOCD_SYNC_OPTIONS, "ServerSideApply=true,Prune=false"),
        (ARGOCD_SYNC_WAVE, "-1"),
        (FLUX_PRUNE, "disabled"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    Ok(Some(Kustomization {
        api_version: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        resources,
        common_annotations,
    }))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arcfleet_diag::SourceFile;

    use super::*;

    fn fleet(controller: &str) -> Fleet {
        let text = format!(
            r#"
apiVersion: arcfleet.io/v1alpha1
kind: Fleet
metadata: {{name: demo}}
spec:
  kubernetesVersion: "1.31"
  controller: {controller}
  secretStore: {{kind: ClusterSecretStore, name: vault}}
  runnerClasses:
    default: {{mode: dind, image: "ghcr.io/actions/actions-runner:2.330.0"}}
  runnerSets:
    - {{name: demo-runners, namespace: runners, githubConfigUrl: "https://github.com/acme",
       auth: {{githubToken: {{remoteKey: github/pat}}}}, class: default, maxRunners: 4}}
"#
        );
        let spec = arcfleet_spec::load_spec(Arc::new(SourceFile::new("fleet.yaml", text))).unwrap();
        arcfleet_spec::resolve(&spec, &Default::default()).unwrap()
    }

    #[test]
    fn pins_the_crd_files_of_the_controller_version() {
        let fleet = fleet("{version: 0.13.1, crds: {render: true}}");
        let files = crate::render(&fleet).unwrap().files().unwrap();
        let file = files
            .iter()
            .find(|f| f.path == KUSTOMIZATION_PATH)
            .expect("the kustomization is written");
        let base = "https://raw.githubusercontent.com/actions/actions-runner-controller/gha-runner-scale-set-0.13.1/charts/gha-runner-scale-set-controller/crds";
        let expected = format!(
            "apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- {base}/actions.github.com_autoscalinglisteners.yaml
- {base}/actions.github.com_autoscalingrunnersets.yaml
- {base}/actions.github.com_ephemeralrunners.yaml
- {base}/actions.github.com_ephemeralrunnersets.yaml
commonAnnotations:
  argocd.argoproj.io/sync-options: ServerSideApply=true,Prune=false
  argocd.argoproj.io/sync-wave: \"-1\"
  kustomize.toolkit.fluxcd.io/prune: disabled
"
        );
        let body = file
            .contents
            .split_once('\n')
            .map(|(header, body)| {
                assert!(header.starts_with(crate::GENERATED_MARKER));
                body
            })
            .unwrap();
        assert_eq!(body, expected);
    }

    #[test]
    fn written_only_as_a_file_and_only_when_asked() {
        let on = crate::render(&fleet("{version: 0.14.2, crds: {render: true}}")).unwrap();
        let emitted = on.emit().unwrap();
        assert!(!emitted.stream().contains("Kustomization"));
        assert_eq!(emitted.files().len(), emitted.object_count() + 1);
        assert_eq!(
            emitted.file_only_paths().collect::<Vec<_>>(),
            [KUSTOMIZATION_PATH]
        );

        for controller in [
            "{version: 0.14.2}",
            "{version: 0.14.2, crds: {render: false}}",
        ] {
            let off = crate::render(&fleet(controller)).unwrap().emit().unwrap();
            assert_eq!(off.files().len(), off.object_count(), "{controller}");
        }
    }

    #[test]
    fn an_unreleased_version_is_refused_at_the_version() {
        let text = "apiVersion: arcfleet.io/v1alpha1
kind: Fleet
metadata: {name: demo}
spec:
  kubernetesVersion: \"1.31\"
  controller:
    version: 0.14.9
    crds: {render: true}
  secretStore: {kind: ClusterSecretStore, name: vault}
  runnerClasses: {}
  runnerSets: []
";
        let spec = arcfleet_spec::load_spec(Arc::new(SourceFile::new("fleet.yaml", text))).unwrap();
        let errors = arcfleet_spec::resolve(&spec, &Default::default()).unwrap_err();
        let [error] = errors.0.as_slice() else {
            panic!("one error expected: {errors}");
        };
        assert_eq!(error.line_col(), (7, 14), "{error}");
        assert!(
            error
                .message
                .starts_with("ARC 0.14.9 has no release whose CRDs arcfleet knows"),
            "{error}"
        );
    }
}
