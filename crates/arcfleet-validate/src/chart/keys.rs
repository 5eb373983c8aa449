//! Values keys a chart does not read. Neither of ARC's charts has a values schema, so Helm
//! ignores a misspelt key without a word; this is where the user learns of it.

use arcfleet_arc::chart::{Chart, Key, ignored_key_note};
use arcfleet_yaml::Node;

use super::Out;

/// Warns about every key of the user's `values` the chart's templates never read.
pub(super) fn check(chart: Chart, values: &Node, out: &mut Out) {
    walk(chart, chart.keys(), values, &mut Vec::new(), out);
}

fn walk<'v>(chart: Chart, known: &[Key], node: &'v Node, path: &mut Vec<&'v str>, out: &mut Out) {
    for entry in node.as_mapping().unwrap_or_default() {
        let Some(name) = entry.key.scalar_text() else {
            continue;
        };
        path.push(name);
        match known.iter().find(|k| k.name == name) {
            Some(Key {
                children: Some(children),
                ..
            }) if !children.is_empty() => walk(chart, children, &entry.value, path, out),
            Some(_) => {}
            // An ignored key that carries nothing (`annotations: null`, `{}`) changes nothing.
            None if is_empty(&entry.value) => {}
            None => {
                let dotted = path.join(".");
                let note = ignored_key_note(chart, path);
                let suggestion = arcfleet_yaml::closest(name, known.iter().map(|k| k.name))
                    .map(|k| format!("did you mean `{k}`?"))
                    .or_else(|| {
                        let mut found = Vec::new();
                        find(chart.keys(), name, &mut Vec::new(), &mut found);
                        (found.len() == 1).then(|| {
                            format!("the chart reads `{}`: check the indentation", found[0])
                        })
                    });
                let what = match note {
                    Some(why) => format!(
                        "`{dotted}` is not read by the {} chart ({why}); it has no effect",
                        chart.name()
                    ),
                    None => format!(
                        "`{dotted}` is not a value the {} chart reads; Helm ignores it",
                        chart.name()
                    ),
                };
                out.warn(entry.key.span, what, suggestion);
            }
        }
        path.pop();
    }
}

/// Null, or a mapping or sequence holding only such.
fn is_empty(node: &Node) -> bool {
    node.is_null()
        || node
            .as_mapping()
            .is_some_and(|m| m.iter().all(|e| is_empty(&e.value)))
        || node.as_sequence().is_some_and(<[Node]>::is_empty)
}

/// Every dotted path of the chart's keys named `name` (a key at the wrong level).
fn find(keys: &[Key], name: &str, path: &mut Vec<&'static str>, found: &mut Vec<String>) {
    for key in keys {
        path.push(key.name);
        if key.name == name {
            found.push(path.join("."));
        }
        if let Some(children) = key.children {
            find(children, name, path, found);
        }
        path.pop();
    }
}
