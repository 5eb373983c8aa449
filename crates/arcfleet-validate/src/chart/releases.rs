//! Where releases of ARC's charts are declared, and where each one's values, name, namespace
//! and chart version come from:
//!
//! - a Flux `HelmRelease` (`spec.chart.spec` or `spec.chartRef` to an `OCIRepository` or
//!   `HelmChart` of the input; `spec.valuesFrom`, then `spec.values`; release name
//!   `spec.releaseName`, else `<targetNamespace>-<name>` or `<name>` as helm-controller's
//!   `GetReleaseName` derives it);
//! - an Argo CD `Application` source (`helm.valueFiles`, found in the input by their path,
//!   `$ref/` paths from the repository root; then `helm.values` or, instead of it,
//!   `helm.valuesObject`; release name `helm.releaseName`, else the Application's name);
//! - an umbrella chart (`Chart.yaml` depending on an ARC chart): its `values.yaml` under the
//!   dependency's name or alias;
//! - a plain values file (a document without `apiVersion`/`kind` whose keys are a chart's).

use std::collections::BTreeSet;
use std::path::{Component, Path};
use std::sync::Arc;

use arcfleet_arc::chart::{Chart, Key};
use arcfleet_arc::meta::{
    CONTROLLER_PART_OF, CONTROLLER_SA_NAME_LABEL, CONTROLLER_SA_NAMESPACE_LABEL,
    CONTROLLER_WATCH_NAMESPACE_LABEL,
};
use arcfleet_diag::{Severity, SourceFile, Span};
use arcfleet_yaml::{Document, Node};

use super::values::{merge, set_path};
use super::{ChartProblem, Located};
use crate::embedded;

/// How a release is declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReleaseKind {
    /// A values file (installed by hand, Terraform or a script).
    PlainValues,
    /// A Flux HelmRelease.
    FluxHelmRelease,
    /// An Argo CD Application source.
    ArgoApplication,
    /// A dependency of an umbrella chart.
    Umbrella,
}

/// One release and everything the input says about it.
pub(crate) struct Release {
    pub chart: Chart,
    pub kind: ReleaseKind,
    /// The file the rendered objects belong to: where the values are written.
    pub home: Arc<SourceFile>,
    /// Where in `home` the release's values are (for what the chart adds by itself).
    pub anchor: Span,
    /// The user's values, merged (every span points into `home`).
    pub values: Node,
    /// The release name, and its node when it is written in `home`.
    pub name: String,
    pub name_span: Option<Span>,
    pub name_guessed: bool,
    /// The release namespace.
    pub namespace: Option<String>,
    pub version: Option<Located>,
    pub declared_at: Located,
    pub values_partial: bool,
    /// Problems with the declaration itself.
    pub problems: Vec<ChartProblem>,
}

/// What [`find`] found.
pub(crate) struct Found {
    pub releases: Vec<Release>,
    /// Documents that are the values of a release (file name, index).
    pub values_documents: Vec<(String, usize)>,
}

fn text<'n>(node: &'n Node, path: &[&str]) -> Option<&'n str> {
    node.path(path).and_then(Node::scalar_text)
}

fn located(file: &Arc<SourceFile>, node: &Node) -> Located {
    Located {
        file: file.clone(),
        span: node.span,
        text: node.scalar_text().unwrap_or_default().to_string(),
    }
}

fn kind_of(root: &Node) -> (&str, &str) {
    (
        text(root, &["apiVersion"]).unwrap_or_default(),
        text(root, &["kind"]).unwrap_or_default(),
    )
}

/// Every release in `documents`.
pub(crate) fn find(documents: &[Document]) -> Found {
    let mut found = Found {
        releases: Vec::new(),
        values_documents: Vec::new(),
    };
    let mut claimed: BTreeSet<(String, usize)> = BTreeSet::new();
    for doc in documents {
        let (api, kind) = kind_of(&doc.root);
        if api.starts_with("helm.toolkit.fluxcd.io/") && kind == "HelmRelease" {
            if let Some(release) = flux(doc, documents, &mut claimed) {
                found.releases.push(release);
            }
        } else if api.starts_with("argoproj.io/") && kind == "Application" {
            found.releases.extend(argo(doc, documents, &mut claimed));
        } else if is_chart_yaml(&doc.root) {
            found
                .releases
                .extend(umbrella(doc, documents, &mut claimed));
        }
    }
    for release in &mut found.releases {
        if let Some(problem) = release
            .version
            .as_ref()
            .and_then(|v| version_problem(release.chart, v))
        {
            release.problems.push(problem);
        }
    }
    for doc in documents {
        let key = (doc.file.name().to_string(), doc.index);
        if claimed.contains(&key)
            || doc.root.get("apiVersion").is_some()
            || doc.root.get("kind").is_some()
        {
            continue;
        }
        if let Some(chart) = classify_values(&doc.root) {
            claimed.insert(key);
            found.releases.push(plain(doc, chart));
        }
    }
    found.values_documents = claimed.into_iter().collect();
    found
}

/// A chart version that names no release of the chart: a legacy actions-runner-controller
/// version (Renovate's github-releases datasource proposes those for ARC's repository), or an
/// OCI tag with a `v` (ARC's chart tags have none). Flux then cannot fetch the chart and the
/// release never reconciles.
fn version_problem(chart: Chart, version: &Located) -> Option<ChartProblem> {
    let text = version.text.trim();
    let plain = text.strip_prefix('v').unwrap_or(text);
    let parsed: arcfleet_arc::Version = plain.parse().ok()?;
    let message = if parsed.major == 0 && parsed.minor >= 20 {
        format!(
            "chart version `{text}` is not a release of {}: 0.{}.x is a legacy actions-runner-controller version (the scale-set charts are 0.4 to 0.14 and later), so the chart cannot be fetched",
            chart.name(),
            parsed.minor
        )
    } else if text.starts_with('v') {
        format!(
            "chart version `{text}`: ARC's charts are tagged without a `v` (`{plain}`), so the chart cannot be fetched"
        )
    } else {
        return None;
    };
    Some(ChartProblem {
        file: version.file.clone(),
        span: version.span,
        severity: Severity::Error,
        message,
        hint: Some("use the chart version of the controller you run, such as 0.14.2".into()),
    })
}

/// Which chart a values document is for, from its keys: a key only one chart reads, or a
/// near miss of one (a misspelt key must not make the file disappear from the check).
pub(crate) fn classify_values(values: &Node) -> Option<Chart> {
    let entries = values.as_mapping()?;
    let keys: Vec<&str> = entries.iter().filter_map(|e| e.key.scalar_text()).collect();
    let score = |chart: Chart| -> usize {
        let distinctive: Vec<&str> = distinctive_keys(chart);
        keys.iter()
            .filter(|k| {
                distinctive.contains(k)
                    || distinctive.iter().any(|d| d.len() > 8 && near_miss(k, d))
            })
            .count()
    };
    let (scale_set, controller) = (score(Chart::ScaleSet), score(Chart::Controller));
    match scale_set.cmp(&controller) {
        std::cmp::Ordering::Greater => Some(Chart::ScaleSet),
        std::cmp::Ordering::Less => Some(Chart::Controller),
        std::cmp::Ordering::Equal => None,
    }
}

/// Keys one chart reads and the other does not.
fn distinctive_keys(chart: Chart) -> Vec<&'static str> {
    let other = match chart {
        Chart::ScaleSet => Chart::Controller,
        Chart::Controller => Chart::ScaleSet,
    };
    let theirs: Vec<&str> = other.keys().iter().map(|k| k.name).collect();
    chart
        .keys()
        .iter()
        .map(|k: &Key| k.name)
        .filter(|k| !theirs.contains(k))
        .collect()
}

/// A likely misspelling: at most two edits apart, ignoring case.
pub(crate) fn near_miss(a: &str, b: &str) -> bool {
    a != b && strsim::damerau_levenshtein(&a.to_lowercase(), &b.to_lowercase()) <= 2
}

fn is_chart_yaml(root: &Node) -> bool {
    text(root, &["apiVersion"]) == Some("v2")
        && root.get("kind").is_none()
        && root.get("name").is_some()
        && root.get("version").is_some()
}

/// A release name guessed from a values file's name (`values-s.yaml` → `values-s`; a plain
/// `values.yaml` takes its folder's name).
fn guess_name(file: &str) -> String {
    let path = Path::new(file);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let base = if stem == "values" {
        path.parent()
            .and_then(Path::file_name)
            .map(|s| s.to_string_lossy().to_lowercase())
            .unwrap_or(stem)
    } else {
        stem
    };
    let cleaned: String = base
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let joined = cleaned
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if joined.is_empty() {
        "values".into()
    } else {
        joined.chars().take(45).collect()
    }
}

fn plain(doc: &Document, chart: Chart) -> Release {
    Release {
        chart,
        kind: ReleaseKind::PlainValues,
        home: doc.file.clone(),
        anchor: Span::point(doc.root.span.start()),
        values: doc.root.clone(),
        name: guess_name(doc.file.name()),
        name_span: None,
        name_guessed: true,
        namespace: None,
        version: None,
        declared_at: Located {
            file: doc.file.clone(),
            span: Span::point(doc.root.span.start()),
            text: String::new(),
        },
        values_partial: false,
        problems: Vec::new(),
    }
}

/// The chart of a Flux HelmRelease, and its version where it is written (the HelmRelease, or
/// the `OCIRepository`/`HelmChart` its `chartRef` names).
fn flux_chart(doc: &Document, documents: &[Document]) -> (Option<Chart>, Option<Located>) {
    let hr = &doc.root;
    if let Some(name) = text(hr, &["spec", "chart", "spec", "chart"]) {
        return (
            Chart::from_reference(name),
            hr.path(&["spec", "chart", "spec", "version"])
                .map(|v| located(&doc.file, v)),
        );
    }
    let Some(source) = hr.path(&["spec", "chartRef"]) else {
        return (None, None);
    };
    let (Some(kind), Some(name)) = (text(source, &["kind"]), text(source, &["name"])) else {
        return (None, None);
    };
    let namespace = text(source, &["namespace"]).or_else(|| text(hr, &["metadata", "namespace"]));
    let target = documents.iter().find(|d| {
        let (api, k) = kind_of(&d.root);
        api.starts_with("source.toolkit.fluxcd.io/")
            && k == kind
            && text(&d.root, &["metadata", "name"]) == Some(name)
            && match (namespace, text(&d.root, &["metadata", "namespace"])) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    });
    let Some(target) = target else {
        return (None, None);
    };
    let (chart, version) = match kind {
        "OCIRepository" => (
            text(&target.root, &["spec", "url"]).and_then(Chart::from_reference),
            target
                .root
                .path(&["spec", "ref", "tag"])
                .or_else(|| target.root.path(&["spec", "ref", "semver"])),
        ),
        "HelmChart" => (
            text(&target.root, &["spec", "chart"]).and_then(Chart::from_reference),
            target.root.path(&["spec", "version"]),
        ),
        _ => (None, None),
    };
    (chart, version.map(|v| located(&target.file, v)))
}

fn flux(
    doc: &Document,
    documents: &[Document],
    claimed: &mut BTreeSet<(String, usize)>,
) -> Option<Release> {
    let hr = &doc.root;
    let inline = hr.path(&["spec", "values"]);
    let (chart, version) = flux_chart(doc, documents);
    let chart = chart.or_else(|| inline.and_then(classify_values))?;
    let metadata_name = text(hr, &["metadata", "name"]).unwrap_or("release");
    let target_namespace = text(hr, &["spec", "targetNamespace"]);
    let (name, name_span) = match hr.path(&["spec", "releaseName"]) {
        Some(n) => (
            n.scalar_text().unwrap_or_default().to_string(),
            Some(n.span),
        ),
        None => match target_namespace {
            Some(ns) => (format!("{ns}-{metadata_name}"), None),
            None => (
                metadata_name.to_string(),
                hr.path(&["metadata", "name"]).map(|n| n.span),
            ),
        },
    };
    let namespace = target_namespace
        .or_else(|| text(hr, &["metadata", "namespace"]))
        .map(str::to_string);
    // What the chart adds of its own points at `values:` (where it would be changed).
    let anchor = match hr.get("spec").filter(|_| inline.is_some()) {
        Some(spec) => spec.key_span("values"),
        None => hr.key_span("spec"),
    };
    let mut values = Node::mapping::<&str>(anchor, []);
    let mut partial = false;
    let hr_namespace = text(hr, &["metadata", "namespace"]);
    for reference in hr
        .path(&["spec", "valuesFrom"])
        .and_then(Node::as_sequence)
        .unwrap_or_default()
    {
        match values_from(reference, hr_namespace, documents, claimed) {
            Some(ValuesFrom::Layer(layer)) => {
                values = merge(values, layer.rehomed(reference.span));
            }
            Some(ValuesFrom::At(path, value)) => {
                let value = value.rehomed(reference.span);
                set_path(&mut values, &path, value);
            }
            None => {
                partial = true;
                if let Some(path) = text(reference, &["targetPath"]) {
                    // The value exists at apply time; what it is, the input does not say.
                    let placeholder = format!(
                        "${{valuesFrom {}/{}}}",
                        text(reference, &["kind"]).unwrap_or_default(),
                        text(reference, &["name"]).unwrap_or_default()
                    );
                    set_path(
                        &mut values,
                        path,
                        Node::string(&placeholder, reference.span),
                    );
                }
            }
        }
    }
    if let Some(inline) = inline {
        values = merge(values, inline.clone());
    }
    Some(Release {
        chart,
        kind: ReleaseKind::FluxHelmRelease,
        home: doc.file.clone(),
        anchor,
        values,
        name,
        name_span,
        name_guessed: false,
        namespace,
        version,
        declared_at: Located {
            file: doc.file.clone(),
            span: hr.path(&["metadata", "name"]).map_or(hr.span, |n| n.span),
            text: metadata_name.to_string(),
        },
        values_partial: partial,
        problems: Vec::new(),
    })
}

enum ValuesFrom {
    /// A whole values document.
    Layer(Node),
    /// One value at a `targetPath`.
    At(String, Node),
}

/// The values a `valuesFrom` entry brings, when its ConfigMap or Secret is in the input and
/// readable.
fn values_from(
    reference: &Node,
    namespace: Option<&str>,
    documents: &[Document],
    claimed: &mut BTreeSet<(String, usize)>,
) -> Option<ValuesFrom> {
    let kind = text(reference, &["kind"])?;
    let name = text(reference, &["name"])?;
    let key = text(reference, &["valuesKey"]).unwrap_or("values.yaml");
    let source = documents.iter().find(|d| {
        let (api, k) = kind_of(&d.root);
        api == "v1"
            && k == kind
            && text(&d.root, &["metadata", "name"]) == Some(name)
            && match (namespace, text(&d.root, &["metadata", "namespace"])) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    })?;
    // Encrypted or base64 data is not readable here; stringData and ConfigMap data are.
    let data = if kind == "ConfigMap" {
        source.root.path(&["data", key])
    } else {
        source.root.path(&["stringData", key])
    }?;
    if data.scalar_text().is_some_and(|t| t.starts_with("ENC[")) {
        return None;
    }
    claimed.insert((source.file.name().to_string(), source.index));
    match text(reference, &["targetPath"]) {
        Some(path) => Some(ValuesFrom::At(path.to_string(), data.clone())),
        None => embedded::parse_block(&source.file, data).map(ValuesFrom::Layer),
    }
}

fn argo(
    doc: &Document,
    documents: &[Document],
    claimed: &mut BTreeSet<(String, usize)>,
) -> Vec<Release> {
    let app = &doc.root;
    let sources: Vec<&Node> = match app.path(&["spec", "sources"]).and_then(Node::as_sequence) {
        Some(list) => list.iter().collect(),
        None => app.path(&["spec", "source"]).into_iter().collect(),
    };
    let app_name = text(app, &["metadata", "name"]).unwrap_or("application");
    let mut out = Vec::new();
    for source in &sources {
        let chart_ref = text(source, &["chart"])
            .map(|c| format!("{}/{c}", text(source, &["repoURL"]).unwrap_or_default()))
            .or_else(|| text(source, &["path"]).map(str::to_string));
        let Some(chart) = chart_ref.as_deref().and_then(Chart::from_reference) else {
            continue;
        };
        let helm = source.get("helm");
        let value_files = helm.and_then(|h| h.get("valueFiles"));
        let mut files: Vec<(&Document, Span)> = Vec::new();
        let mut partial = false;
        for entry in value_files.and_then(Node::as_sequence).unwrap_or_default() {
            let Some(path) = entry.scalar_text() else {
                continue;
            };
            match value_file(path, source, &sources, documents) {
                Some(values_doc) => {
                    claimed.insert((values_doc.file.name().to_string(), values_doc.index));
                    files.push((values_doc, entry.span));
                }
                None => partial = true,
            }
        }
        // `valuesObject` takes precedence over `values`, which is then ignored.
        let inline = helm
            .and_then(|h| h.get("valuesObject"))
            .cloned()
            .or_else(|| {
                helm.and_then(|h| h.get("values"))
                    .and_then(|v| embedded::parse_block(&doc.file, v))
            });
        let parameters = helm
            .and_then(|h| h.get("parameters"))
            .and_then(Node::as_sequence)
            .unwrap_or_default();
        // Home: the values file when the Application only points at one, else the Application
        // (where content from value files points at the `valueFiles` entry naming it).
        let (home, anchor, mut values) = match (inline, files.as_slice()) {
            (None, [(values_doc, _)]) if parameters.is_empty() => (
                values_doc.file.clone(),
                Span::point(values_doc.root.span.start()),
                values_doc.root.clone(),
            ),
            (inline, _) => {
                let anchor = source.span;
                let mut values = Node::mapping::<&str>(anchor, []);
                for (values_doc, at) in &files {
                    values = merge(values, values_doc.root.rehomed(*at));
                }
                if let Some(inline) = inline {
                    values = merge(values, inline);
                }
                (doc.file.clone(), anchor, values)
            }
        };
        // `helm.parameters` are `--set`s: typed like YAML unless `forceString`.
        for parameter in parameters {
            let (Some(name), Some(value)) = (
                parameter.get("name").and_then(Node::scalar_text),
                parameter.get("value"),
            ) else {
                continue;
            };
            if name.contains('[') {
                partial = true;
                continue;
            }
            let text = value.scalar_text().unwrap_or_default();
            let node = if parameter.get("forceString").and_then(Node::as_bool) == Some(true) {
                Node::string(text, value.span)
            } else {
                Node::plain(text, value.span)
            };
            set_path(&mut values, name, node);
        }
        let in_home = Arc::ptr_eq(&home, &doc.file);
        let release_name = helm.and_then(|h| h.get("releaseName"));
        let (name, name_span) = match release_name {
            Some(n) => (
                n.scalar_text().unwrap_or_default().to_string(),
                in_home.then_some(n.span),
            ),
            None => (
                app_name.to_string(),
                app.path(&["metadata", "name"])
                    .filter(|_| in_home)
                    .map(|n| n.span),
            ),
        };
        let namespace = helm
            .and_then(|h| text(h, &["namespace"]))
            .or_else(|| text(app, &["spec", "destination", "namespace"]))
            .map(str::to_string);
        out.push(Release {
            chart,
            kind: ReleaseKind::ArgoApplication,
            home,
            anchor,
            values,
            name,
            name_span,
            name_guessed: false,
            namespace,
            version: source.get("targetRevision").map(|v| located(&doc.file, v)),
            declared_at: Located {
                file: doc.file.clone(),
                span: source.span,
                text: app_name.to_string(),
            },
            values_partial: partial,
            problems: Vec::new(),
        });
    }
    out
}

/// The values document an Argo CD `valueFiles` entry names, found in the input by its path:
/// `$ref/path` from the root of the `ref:` source's repository, anything else beside the
/// chart's `path` in a Git source. A chart from a Helm repository has no files of ours.
fn value_file<'d>(
    path: &str,
    source: &Node,
    sources: &[&Node],
    documents: &'d [Document],
) -> Option<&'d Document> {
    let relative = if let Some(rest) = path.strip_prefix('$') {
        let (reference, rest) = rest.split_once('/')?;
        if !sources.iter().any(|s| text(s, &["ref"]) == Some(reference)) {
            return None;
        }
        rest.to_string()
    } else {
        let chart_path = text(source, &["path"])?;
        format!("{}/{path}", chart_path.trim_end_matches('/'))
    };
    let wanted: Vec<String> = normal_components(&relative);
    if wanted.is_empty() {
        return None;
    }
    let mut matches = documents.iter().filter(|d| {
        d.root.get("apiVersion").is_none() && {
            let have = normal_components(d.file.name());
            have.len() >= wanted.len() && have[have.len() - wanted.len()..] == wanted[..]
        }
    });
    let first = matches.next()?;
    // Two files of the same path in different checkouts: not decidable.
    matches.next().is_none().then_some(first)
}

fn normal_components(path: &str) -> Vec<String> {
    Path::new(path)
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

/// An umbrella chart whose dependency is one of ARC's: Helm hands the dependency only the values
/// under its name (or alias) and `global`.
fn umbrella(
    doc: &Document,
    documents: &[Document],
    claimed: &mut BTreeSet<(String, usize)>,
) -> Vec<Release> {
    let chart_dir = Path::new(doc.file.name()).parent().map(Path::to_path_buf);
    let values_doc = documents.iter().find(|d| {
        let p = Path::new(d.file.name());
        p.file_name().is_some_and(|n| n == "values.yaml")
            && p.parent().map(Path::to_path_buf) == chart_dir
            && d.root.get("apiVersion").is_none()
    });
    let mut out = Vec::new();
    for dependency in doc
        .root
        .get("dependencies")
        .and_then(Node::as_sequence)
        .unwrap_or_default()
    {
        let Some(chart) = text(dependency, &["name"]).and_then(Chart::from_reference) else {
            continue;
        };
        let key = text(dependency, &["alias"])
            .or_else(|| text(dependency, &["name"]))
            .unwrap_or_default();
        let version = dependency.get("version").map(|v| located(&doc.file, v));
        let name = text(&doc.root, &["name"]).unwrap_or("umbrella").to_string();
        let mut problems = Vec::new();
        let (home, anchor, values) = match values_doc {
            Some(vd) => {
                claimed.insert((vd.file.name().to_string(), vd.index));
                let nested = vd.root.get(key).cloned();
                // Keys of the chart written at the top level reach nothing.
                if classify_values(&vd.root) == Some(chart) {
                    problems.push(ChartProblem {
                        file: vd.file.clone(),
                        span: vd.root.as_mapping().and_then(|e| e.first()).map_or(vd.root.span, |e| e.key.span),
                        severity: Severity::Error,
                        message: format!("these values are at the top level of umbrella chart `{name}`, but Helm passes {} only the values under `{key}:`; it renders with its defaults", chart.name()),
                        hint: Some(format!("indent the values under `{key}:`")),
                    });
                }
                let values = nested.unwrap_or_else(|| Node::mapping::<&str>(vd.root.span, []));
                (vd.file.clone(), Span::point(vd.root.span.start()), values)
            }
            None => (
                doc.file.clone(),
                dependency.span,
                Node::mapping::<&str>(dependency.span, []),
            ),
        };
        out.push(Release {
            chart,
            kind: ReleaseKind::Umbrella,
            home,
            anchor,
            values,
            name,
            name_span: None,
            name_guessed: true,
            namespace: None,
            version,
            declared_at: Located {
                file: doc.file.clone(),
                span: dependency.span,
                text: key.to_string(),
            },
            // The umbrella's values are its defaults; an install adds its own.
            values_partial: true,
            problems,
        });
    }
    out
}

/// A controller the scale-set chart's `lookup` would find: its ServiceAccount (name,
/// namespace) and the one namespace it watches, from its Deployment's labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ControllerRef {
    pub service_account: String,
    pub namespace: String,
    pub watch_single_namespace: Option<String>,
}

/// Controller Deployments written as manifests (labelled as the chart labels them).
pub(crate) fn manifest_controllers(documents: &[Document]) -> Vec<ControllerRef> {
    documents
        .iter()
        .filter(|d| kind_of(&d.root) == ("apps/v1", "Deployment"))
        .filter(|d| {
            text(
                &d.root,
                &["metadata", "labels", "app.kubernetes.io/part-of"],
            ) == Some(CONTROLLER_PART_OF)
        })
        .filter_map(|d| {
            let labels = d.root.path(&["metadata", "labels"])?;
            Some(ControllerRef {
                service_account: text(labels, &[CONTROLLER_SA_NAME_LABEL])?.to_string(),
                namespace: text(labels, &[CONTROLLER_SA_NAMESPACE_LABEL])?.to_string(),
                watch_single_namespace: text(labels, &[CONTROLLER_WATCH_NAMESPACE_LABEL])
                    .map(str::to_string),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_guessed_from_files() {
        assert_eq!(guess_name("deploy/values-s.yaml"), "values-s");
        assert_eq!(guess_name("runners/gpu/values.yaml"), "gpu");
        assert_eq!(guess_name("My_Runners.yaml"), "my-runners");
    }

    #[test]
    fn values_are_classified_even_with_a_misspelt_key() {
        let load = |t: &str| {
            let f = Arc::new(SourceFile::new("v.yaml", t));
            arcfleet_yaml::load(&f, &Default::default())
                .unwrap()
                .remove(0)
                .root
        };
        assert_eq!(
            classify_values(&load("githubConfigURL: https://github.com/a\n")),
            Some(Chart::ScaleSet)
        );
        assert_eq!(
            classify_values(&load("flags: {logLevel: info}\nreplicaCount: 2\n")),
            Some(Chart::Controller)
        );
        assert_eq!(classify_values(&load("foo: 1\n")), None);
    }
}
