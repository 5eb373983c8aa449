//! Helm values of ARC's charts, checked as the objects the charts render from them.
//!
//! Most ARC users keep Helm values (a plain `values.yaml`, a Flux HelmRelease or an Argo CD
//! Application) rather than rendered manifests. This module renders what ARC's charts
//! (`gha-runner-scale-set`, `gha-runner-scale-set-controller`, 0.14.2) would render from them,
//! template by template, out of the values' own nodes: every finding then points at the line of
//! the values (or of the release) that causes it, and each object carries its [`Origin`].
//!
//! - `releases`: where releases are declared and where their values, name, namespace and
//!   chart version come from;
//! - `values`: Helm's merge and Go template semantics;
//! - `keys`: values keys the charts never read;
//! - `controller`: controller values → the controller's objects;
//! - `scale_set` and `runner_pod`: scale-set values → the scale set's objects.
//!
//! What the charts refuse (their `fail` calls) and values keys they ignore become
//! [`ChartProblem`]s, reported by the `chart-values` rule.
//!
//! The emulation is checked against the charts themselves: `tests/chart_conformance.rs` renders
//! every case of ARC's chart test suite both ways, and `tests/integration/helm-differential.sh`
//! compares random values with real helm.

mod controller;
mod keys;
pub(crate) mod releases;
mod runner_pod;
mod scale_set;
pub(crate) mod values;

use std::sync::Arc;

use arcfleet_arc::Version;
use arcfleet_arc::chart::Chart;
use arcfleet_diag::{Severity, SourceFile, Span};
use arcfleet_yaml::{Document, Node};

pub use releases::ReleaseKind;

/// A value and where it is written.
#[derive(Clone, Debug)]
pub struct Located {
    /// The file.
    pub file: Arc<SourceFile>,
    /// Where in it.
    pub span: Span,
    /// The text.
    pub text: String,
}

/// A Helm release of one of ARC's charts, as far as the input tells.
#[derive(Debug)]
pub struct ReleaseInfo {
    /// Which chart.
    pub chart: Chart,
    /// How the release is declared.
    pub kind: ReleaseKind,
    /// The release name (guessed from the file name for plain values).
    pub name: String,
    /// Whether the name was guessed: names derived from it are not checked.
    pub name_guessed: bool,
    /// The release namespace, when the input says it.
    pub namespace: Option<String>,
    /// The chart version and where it is written.
    pub version: Option<Located>,
    /// Where the release is declared.
    pub declared_at: Located,
    /// Some values come from outside the input (Flux `valuesFrom`, an Argo CD value file that is
    /// not part of it): what they hold is not known.
    pub values_partial: bool,
    /// For a scale set: the controller's ServiceAccount (name, namespace) its manager
    /// RoleBinding names, once `controllerServiceAccount` or the chart's lookup decided it.
    pub controller_service_account: Option<(String, String)>,
    /// For a scale set: `containerMode.type`.
    pub container_mode: Option<arcfleet_arc::runner::ContainerMode>,
}

impl ReleaseInfo {
    /// The chart version, when it is a plain `X.Y.Z`.
    pub fn chart_version(&self) -> Option<Version> {
        self.version
            .as_ref()
            .and_then(|v| v.text.trim_start_matches('v').parse().ok())
    }
}

/// Where an object of the index came from.
#[derive(Clone, Debug, Default)]
pub enum Origin {
    /// Written in the input as it is.
    #[default]
    Manifest,
    /// Rendered by the chart emulation from a release's values.
    Chart(Arc<ReleaseInfo>),
}

impl Origin {
    /// The release, for objects rendered from values.
    pub fn release(&self) -> Option<&ReleaseInfo> {
        match self {
            Origin::Manifest => None,
            Origin::Chart(r) => Some(r),
        }
    }
}

/// Something the chart does with values that the user should know: a refusal (error, the
/// chart's own message) or a key it ignores (warning).
#[derive(Clone, Debug)]
pub struct ChartProblem {
    /// The file.
    pub file: Arc<SourceFile>,
    /// The node.
    pub span: Span,
    /// Error for refusals.
    pub severity: Severity,
    /// What the chart does.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

/// What the emulation rendered from the input.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Objects, each with its origin.
    pub documents: Vec<(Document, Origin)>,
    /// Refusals and ignored values.
    pub problems: Vec<ChartProblem>,
    /// Documents that turned out to be values of a release (file name, document index).
    pub values_documents: Vec<(String, usize)>,
    /// How many releases were rendered.
    pub releases: usize,
}

/// Collects the objects and problems of one release.
pub(crate) struct Out {
    file: Arc<SourceFile>,
    objects: Vec<Node>,
    problems: Vec<ChartProblem>,
}

impl Out {
    fn new(file: Arc<SourceFile>, problems: Vec<ChartProblem>) -> Self {
        Out {
            file,
            objects: Vec::new(),
            problems,
        }
    }

    /// The chart refuses the values with `message` (`helm template` fails).
    pub(crate) fn refuse(&mut self, span: Span, message: &str, hint: Option<String>) {
        self.problems.push(ChartProblem {
            file: self.file.clone(),
            span,
            severity: Severity::Error,
            message: format!("the chart refuses these values: {message}"),
            hint,
        });
    }

    /// A value the chart requires is missing from a release whose values the input may not hold
    /// in full (a plain values file installed with `--set`s, `valuesFrom` the input lacks, an
    /// umbrella chart's defaults): a refusal for complete declarations, a note for the others.
    pub(crate) fn require(
        &mut self,
        complete: bool,
        span: Span,
        message: &str,
        hint: Option<String>,
    ) {
        if complete {
            self.refuse(span, message, hint);
        } else {
            self.problems.push(ChartProblem {
                file: self.file.clone(),
                span,
                severity: Severity::Note,
                message: format!("not checked: the chart refuses these values unless the install adds what is missing ({message})"),
                hint,
            });
        }
    }

    /// The chart renders the values, but not as the user meant.
    pub(crate) fn warn(&mut self, span: Span, message: String, hint: Option<String>) {
        self.problems.push(ChartProblem {
            file: self.file.clone(),
            span,
            severity: Severity::Warning,
            message,
            hint,
        });
    }

    pub(crate) fn object(&mut self, node: Node) {
        self.objects.push(node);
    }
}

/// A typed value (what the chart adds, from [`arcfleet_arc`]) as nodes at `span`.
pub(crate) fn typed<T: serde::Serialize>(value: &T, span: Span) -> Node {
    Node::from_json(
        &serde_json::to_value(value).unwrap_or(serde_json::Value::Null),
        span,
    )
}

/// The release's values over the chart's defaults.
pub(crate) fn with_defaults(chart: Chart, release: &releases::Release) -> Node {
    let file = Arc::new(SourceFile::new(chart.name(), chart.default_values()));
    let defaults = arcfleet_yaml::load(&file, &arcfleet_yaml::Limits::default())
        .ok()
        .and_then(|mut docs| (!docs.is_empty()).then(|| docs.remove(0).root))
        .map_or_else(
            || Node::mapping::<&str>(release.anchor, []),
            |d| d.rehomed(release.anchor),
        );
    values::coalesce(defaults, &release.values)
}

/// Renders every release of ARC's charts found in `documents`.
pub fn render(documents: &[Document]) -> Rendered {
    let found = releases::find(documents);
    let mut rendered = Rendered {
        values_documents: found.values_documents,
        releases: found.releases.len(),
        ..Default::default()
    };
    let mut controllers = Vec::new();
    for release in found
        .releases
        .iter()
        .filter(|r| r.chart == Chart::Controller)
    {
        let (info, objects, problems, controller) = controller::render(release);
        controllers.extend(controller);
        collect(&mut rendered, &info, release, objects, problems);
    }
    // The scale-set chart looks the controller up in the cluster when `controllerServiceAccount`
    // is not set; the input's controllers stand for the cluster's.
    controllers.extend(releases::manifest_controllers(documents));
    for release in found.releases.iter().filter(|r| r.chart == Chart::ScaleSet) {
        let (info, objects, problems) = scale_set::render(release, &controllers);
        collect(&mut rendered, &info, release, objects, problems);
    }
    rendered
}

fn collect(
    rendered: &mut Rendered,
    info: &Arc<ReleaseInfo>,
    release: &releases::Release,
    objects: Vec<Node>,
    problems: Vec<ChartProblem>,
) {
    // A refusal fails `helm template`: nothing of the release reaches the cluster, so there is
    // nothing else to judge, and findings on what would have rendered would only distract.
    let refused = problems.iter().any(|p| p.severity == Severity::Error);
    for root in objects.into_iter().filter(|_| !refused) {
        rendered.documents.push((
            Document {
                file: release.home.clone(),
                index: usize::MAX,
                root,
            },
            Origin::Chart(info.clone()),
        ));
    }
    rendered.problems.extend(problems);
}
