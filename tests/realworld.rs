//! The real-world corpus in `../shared/realworld`: public configurations of ARC users, stored
//! flat as `owner__repo__path__to__file.yaml`. Each repository is rebuilt as a tree (so Argo CD
//! value files, umbrella charts and kustomizations resolve as in its checkout) and validated
//! together, as its owner would run arcfleet, with the default policy.
//!
//! Every finding is judged against the ground truth in `tests/fixtures/realworld-truth.tsv`
//! (known defects, and things that are fine but look suspicious), which gives per-rule recall
//! and precision. The figures are written to `docs/realworld.md`, which must not be stale. The
//! bars: no error that is not a known defect, no warning on something known to be fine, and
//! nearly every breaking defect a rule covers found.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use arcfleet_diag::{Severity, SourceFile};
use arcfleet_validate::{Options, input};

/// A finding this far (in lines) from a truth row of its rule and file is about that row.
const NEAR: u32 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Defect,
    Disputed,
    Fine,
}

#[derive(Debug)]
struct Row {
    file: String,
    line: Option<u32>,
    /// `E` or `W` for defects.
    severity: String,
    kind: Kind,
    /// The rules that cover it (more than one when each sees a side of it).
    rules: Vec<String>,
    class: String,
    note: String,
}

fn truth() -> Vec<Row> {
    let path = common::root().join("tests/fixtures/realworld-truth.tsv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.starts_with("file\t") || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 7, "{}:{}: 7 columns", path.display(), n + 1);
        let kind = match cols[3] {
            "defect" => Kind::Defect,
            "disputed" => Kind::Disputed,
            "fine" => Kind::Fine,
            other => panic!("{}:{}: kind `{other}`", path.display(), n + 1),
        };
        rows.push(Row {
            file: cols[0].to_string(),
            line: cols[1].parse().ok(),
            severity: cols[2].to_string(),
            kind,
            rules: cols[4]
                .split('|')
                .filter(|r| *r != "-")
                .map(str::to_string)
                .collect(),
            class: cols[5].to_string(),
            note: cols[6].to_string(),
        });
    }
    rows
}

/// `owner__repo` → its files, named by their path in the repository's checkout.
fn corpus(dir: &Path) -> BTreeMap<String, Vec<(String, Arc<SourceFile>)>> {
    let mut repos: BTreeMap<String, Vec<(String, Arc<SourceFile>)>> = BTreeMap::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let flat = path.file_name().unwrap().to_string_lossy().into_owned();
        if flat == "README.md" {
            continue;
        }
        let mut parts = flat.splitn(3, "__");
        let (owner, repo, rest) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let name = format!("{owner}__{repo}/{}", rest.replace("__", "/"));
        let bytes = std::fs::read(&path).unwrap();
        repos
            .entry(format!("{owner}__{repo}"))
            .or_default()
            .push((flat, input::source_from_bytes(&name, bytes)));
    }
    repos
}

/// One finding, with the corpus file it is in.
struct Finding {
    file: String,
    line: u32,
    rule: String,
    severity: Severity,
    message: String,
}

/// What a finding is, by the truth row of its file and rule at its line, or else the nearest
/// (defects before what is fine, as a finding near both is about the defect more often than not).
enum Verdict<'t> {
    Defect(&'t Row),
    Disputed(&'t Row),
    Fine(&'t Row),
    Unlisted,
}

fn judge<'t>(finding: &Finding, rows: &'t [Row]) -> Verdict<'t> {
    let nearest = rows
        .iter()
        .filter(|r| r.file == finding.file && r.rules.contains(&finding.rule))
        .filter_map(|r| {
            let distance = r.line.map_or(0, |l| l.abs_diff(finding.line));
            (distance <= NEAR).then_some(((distance != 0, r.kind, distance), r))
        })
        .min_by_key(|(key, _)| *key);
    match nearest {
        None => Verdict::Unlisted,
        Some((_, row)) => match row.kind {
            Kind::Defect => Verdict::Defect(row),
            Kind::Disputed => Verdict::Disputed(row),
            Kind::Fine => Verdict::Fine(row),
        },
    }
}

#[derive(Default)]
struct Tally {
    defects: [usize; 2],
    found: [usize; 2],
    errors_true: usize,
    errors_false: usize,
    warnings_true: usize,
    warnings_on_fine: usize,
    warnings_unlisted: usize,
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "–".to_string()
    } else {
        format!("{:.0}%", 100.0 * part as f64 / whole as f64)
    }
}

#[test]
fn realworld_corpus_against_its_ground_truth() {
    let Some(dir) = common::shared("realworld") else {
        return;
    };
    let rows = truth();
    let repos = corpus(&dir);
    let mut findings = Vec::new();
    let mut files = 0;
    for (repo, sources) in &repos {
        let flat: BTreeMap<String, String> = sources
            .iter()
            .map(|(flat, s)| (s.name().to_string(), flat.clone()))
            .collect();
        files += sources.len();
        let report = arcfleet_validate::validate(
            sources.iter().map(|(_, s)| s.clone()).collect(),
            &Options::default(),
        );
        assert!(
            !report.has_unreadable_input(),
            "{repo}: {:#?}",
            report.diagnostics
        );
        for d in &report.diagnostics {
            if d.severity == Severity::Note {
                continue;
            }
            findings.push(Finding {
                file: flat[d.file.name()].clone(),
                line: d.line_col().0 as u32,
                rule: d.rule.to_string(),
                severity: d.severity,
                message: d.message.clone(),
            });
        }
    }
    for row in &rows {
        assert!(
            repos.values().flatten().any(|(flat, _)| *flat == row.file),
            "truth names a file the corpus does not have: {}",
            row.file
        );
    }

    let mut per_rule: BTreeMap<String, Tally> = BTreeMap::new();
    let mut found_rows = BTreeMap::new();
    let mut problems = Vec::new();
    let mut unlisted = Vec::new();
    for f in &findings {
        let tally = per_rule.entry(f.rule.clone()).or_default();
        let at = format!(
            "{}:{}: {} {}: {}",
            f.file, f.line, f.severity, f.rule, f.message
        );
        match (judge(f, &rows), f.severity) {
            (Verdict::Defect(row), severity) => {
                found_rows
                    .entry(std::ptr::from_ref(row))
                    .or_insert_with(|| f.rule.clone());
                let is_error = severity == Severity::Error;
                if is_error && row.severity != "E" {
                    problems.push(format!(
                        "an error on a risk, not a breakage ({}): {at}",
                        row.note
                    ));
                }
                if is_error {
                    tally.errors_true += 1;
                } else {
                    tally.warnings_true += 1;
                }
            }
            (Verdict::Fine(row), Severity::Error) | (Verdict::Disputed(row), Severity::Error) => {
                tally.errors_false += 1;
                problems.push(format!("an error on what is fine ({}): {at}", row.note));
            }
            (Verdict::Fine(row), _) => {
                tally.warnings_on_fine += 1;
                problems.push(format!("a warning on what is fine ({}): {at}", row.note));
            }
            (Verdict::Disputed(_), _) => tally.warnings_unlisted += 1,
            (Verdict::Unlisted, Severity::Error) => {
                tally.errors_false += 1;
                problems.push(format!(
                    "an error the ground truth does not list (a false error, or a defect to add to the truth): {at}"
                ));
            }
            (Verdict::Unlisted, _) => {
                tally.warnings_unlisted += 1;
                unlisted.push(at);
            }
        }
    }
    let mut uncovered: BTreeMap<&str, usize> = BTreeMap::new();
    let mut missed = Vec::new();
    for row in rows.iter().filter(|r| r.kind == Kind::Defect) {
        let Some(first) = row.rules.first() else {
            *uncovered.entry(row.class.as_str()).or_default() += 1;
            continue;
        };
        let i = usize::from(row.severity == "W");
        // A defect counts for the rule that found it, or else for the first that covers it.
        let found_by = found_rows.get(&std::ptr::from_ref(row));
        let tally = per_rule
            .entry(found_by.unwrap_or(first).clone())
            .or_default();
        tally.defects[i] += 1;
        if found_by.is_some() {
            tally.found[i] += 1;
        } else {
            missed.push(format!(
                "{} {}:{}: {} ({})",
                row.severity,
                row.file,
                row.line.map_or("-".into(), |l| l.to_string()),
                row.rules.join("|"),
                row.note
            ));
        }
    }

    let total = per_rule.values().fold(Tally::default(), |mut t, r| {
        for i in 0..2 {
            t.defects[i] += r.defects[i];
            t.found[i] += r.found[i];
        }
        t.errors_true += r.errors_true;
        t.errors_false += r.errors_false;
        t.warnings_true += r.warnings_true;
        t.warnings_on_fine += r.warnings_on_fine;
        t.warnings_unlisted += r.warnings_unlisted;
        t
    });
    let fine = rows.iter().filter(|r| r.kind == Kind::Fine).count();
    let mut doc = String::new();
    let _ = writeln!(
        doc,
        "# arcfleet on real repositories\n\n\
         <!-- Generated by `tests/realworld.rs`; refresh with `ARCFLEET_UPDATE=1 cargo test --test realworld`. -->\n\n\
         {} public repositories of ARC users ({files} files: Flux HelmReleases, Argo CD Applications, \
         Helm values, plain manifests, templates), each validated as a whole with the default policy, \
         judged against a ground truth of {} known defects and {fine} things that are fine but look \
         suspicious (`tests/fixtures/realworld-truth.tsv`).\n",
        repos.len(),
        rows.iter().filter(|r| r.kind == Kind::Defect).count(),
    );
    let _ = writeln!(
        doc,
        "- Breaking defects (E) a rule covers: **{} of {} found** ({}).\n\
         - Risks (W) a rule covers: {} of {} found ({}).\n\
         - Errors: {} on known defects, **{} false**. Warnings: {} on known defects, **{} on what is \
         fine**, {} on things the truth does not list.\n",
        total.found[0],
        total.defects[0],
        percent(total.found[0], total.defects[0]),
        total.found[1],
        total.defects[1],
        percent(total.found[1], total.defects[1]),
        total.errors_true,
        total.errors_false,
        total.warnings_true,
        total.warnings_on_fine,
        total.warnings_unlisted,
    );
    let _ = writeln!(
        doc,
        "| rule | E found | W found | errors (false) | warnings (on fine) | warnings unlisted |\n\
         |---|---|---|---|---|---|"
    );
    for (rule, t) in &per_rule {
        let _ = writeln!(
            doc,
            "| `{rule}` | {}/{} | {}/{} | {} ({}) | {} ({}) | {} |",
            t.found[0],
            t.defects[0],
            t.found[1],
            t.defects[1],
            t.errors_true + t.errors_false,
            t.errors_false,
            t.warnings_true + t.warnings_on_fine,
            t.warnings_on_fine,
            t.warnings_unlisted,
        );
    }
    let added = |mark: &str| {
        rows.iter()
            .filter(|r| r.kind == Kind::Defect && r.note.starts_with(mark))
            .count()
    };
    let disputed = rows.iter().filter(|r| r.kind == Kind::Disputed).count();
    let _ = writeln!(
        doc,
        "\nHow the truth was made: from the corpus README (each file's source, defects and what is \
         fine), checked against ARC 0.14.2's sources and helm renders. {} defects were added that \
         the README does not list: {} found by arcfleet and confirmed, {} of a class the README \
         flags in other files. {disputed} README claims are disputed (ARC's behaviour does not \
         support them, or the corpus cannot decide them; the reasons are in the file) and count \
         neither way.",
        added("[not in the README") + added("[same class") + added("[extra"),
        added("[not in the README"),
        added("[same class") + added("[extra"),
    );
    let (fires, quiet) = fixture_counts();
    let _ = writeln!(
        doc,
        "\nBeside the corpus, every rule has its own fixtures (`crates/arcfleet-validate/src/rules/<rule>/`, \
         many modelled on these repositories): {fires} that must fire, each with a snapshot of the \
         report, and {quiet} that must stay quiet; `cargo test` holds all of them."
    );
    let _ = writeln!(
        doc,
        "\nDefects no rule covers yet, by kind ({}):\n",
        uncovered.values().sum::<usize>()
    );
    for (class, n) in &uncovered {
        let _ = writeln!(doc, "- {class}: {n}");
    }
    eprintln!("{doc}");
    eprintln!("missed defects:\n  {}", missed.join("\n  "));
    eprintln!(
        "warnings the truth does not list:\n  {}",
        unlisted.join("\n  ")
    );

    assert!(
        repos.len() >= 25,
        "the corpus shrank: {} repositories",
        repos.len()
    );
    assert!(
        problems.is_empty(),
        "false findings:\n{}",
        problems.join("\n")
    );
    assert!(
        total.found[0] * 100 >= total.defects[0] * 95,
        "breaking defects missed:\n{}",
        missed.join("\n")
    );
    common::check_artifact("docs/realworld.md", &doc);
}

/// How many `fires-*` and `quiet-*` fixtures the rules have.
fn fixture_counts() -> (usize, usize) {
    let rules = common::root().join("crates/arcfleet-validate/src/rules");
    let (mut fires, mut quiet) = (0, 0);
    for rule in std::fs::read_dir(rules).unwrap().flatten() {
        for case in std::fs::read_dir(rule.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = case.file_name().to_string_lossy().into_owned();
            fires += usize::from(name.starts_with("fires-"));
            quiet += usize::from(name.starts_with("quiet-"));
        }
    }
    (fires, quiet)
}

#[test]
fn the_whole_corpus_at_once_does_not_crash() {
    let Some(dir) = common::shared("realworld") else {
        return;
    };
    let files = input::collect(&[dir]).unwrap();
    let report = arcfleet_validate::validate(
        input::read(&files, &Default::default()).unwrap(),
        &Options::default(),
    );
    assert!(report.files >= 15);
    assert!(!report.has_unreadable_input());
}
