//! rustc-style output: the message, `--> file:line:col`, the source line with a caret, a hint.

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use arcfleet_diag::{Diagnostic, Severity};

/// Renders `diagnostics` for a terminal; `color` adds ANSI styles.
///
/// Only the line a finding points at is handed to the snippet renderer, so a finding in a very
/// large file costs no more than one in a small one.
pub fn human(diagnostics: &[Diagnostic], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for diag in diagnostics {
        let (line, _) = diag.line_col();
        // Secret values never reach the terminal (nor a CI log).
        let shown = diag.file.shown_line(line);
        let text = shown.as_ref();
        let line_start = diag.file.line_start(line);
        let start = diag.span.start().saturating_sub(line_start).min(text.len());
        let end = diag
            .span
            .end()
            .saturating_sub(line_start)
            .clamp(start, text.len());
        // An empty span still gets one caret.
        let end = if end == start {
            next_char_boundary(text, start)
        } else {
            end
        };
        let level = match diag.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let mut group = level
            .primary_title(diag.message.as_str())
            .id(diag.rule)
            .element(
                Snippet::source(text)
                    .path(diag.file.name())
                    .line_start(line)
                    .annotation(AnnotationKind::Primary.span(start..end)),
            );
        if let Some(hint) = &diag.hint {
            group = group.element(Level::HELP.message(hint.as_str()));
        }
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out
}

fn next_char_boundary(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arcfleet_diag::{SourceFile, Span};
    use std::sync::Arc;

    #[test]
    fn points_at_the_node_with_a_caret_and_hint() {
        let file = Arc::new(SourceFile::new(
            "a.yaml",
            "kind: X\nspec:\n  maxRunners: ten\n",
        ));
        let start = file.text().find("ten").unwrap();
        let d = Diagnostic::new(
            file,
            Span::new(start, start + 3),
            "schema",
            Severity::Error,
            "not an integer",
        )
        .with_hint("write a number");
        let text = human(&[d], false);
        assert!(text.contains("error[schema]: not an integer"), "{text}");
        assert!(text.contains("--> a.yaml:3:15"), "{text}");
        assert!(text.contains("3 |   maxRunners: ten"), "{text}");
        assert!(text.contains("^^^"), "{text}");
        assert!(text.contains("help: write a number"), "{text}");
    }

    #[test]
    fn empty_span_at_end_of_file_does_not_panic() {
        let file = Arc::new(SourceFile::new("a.yaml", "a: \"é"));
        let d = Diagnostic::new(
            file.clone(),
            Span::point(file.text().len()),
            "yaml-syntax",
            Severity::Error,
            "unclosed",
        );
        assert!(human(&[d], true).contains("unclosed"));
    }
}
