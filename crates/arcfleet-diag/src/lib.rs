//! Source files, byte spans and the one diagnostic model every arcfleet crate reports with.
//!
//! A [`Diagnostic`] carries a file, a byte [`Span`], a rule id, a [`Severity`], a message and an
//! optional hint. Line and column are never stored: renderers ask the [`SourceFile`] for them,
//! so the model stays cheap to build and impossible to get out of sync with the text.
//!
//! ```
//! use std::sync::Arc;
//! use arcfleet_diag::{Diagnostic, Severity, SourceFile, Span};
//!
//! let file = Arc::new(SourceFile::new("fleet.yaml", "spec:\n  maxRunners: -1\n"));
//! let diag = Diagnostic::new(file.clone(), Span::new(20, 22), "runner-bounds", Severity::Error,
//!     "maxRunners must be at least 0");
//! assert_eq!(file.line_col(diag.span.start()), (2, 15));
//! ```

use std::fmt;
use std::sync::{Arc, OnceLock};

/// A half-open byte range `start..end` into a [`SourceFile`]'s text.
///
/// Offsets are stored as `u32` because every YAML node carries a span and half the size counts
/// when a run holds millions of them; readers refuse files of [`Span::MAX_OFFSET`] bytes or more.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// The largest offset a span can hold; longer texts are clamped to it.
    pub const MAX_OFFSET: usize = u32::MAX as usize;

    /// A span from `start` to `end` (bytes); `end` is clamped to be at least `start`.
    pub const fn new(start: usize, end: usize) -> Self {
        const fn clamp(offset: usize) -> u32 {
            if offset > Span::MAX_OFFSET {
                u32::MAX
            } else {
                offset as u32
            }
        }
        let start = clamp(start);
        let end = clamp(end);
        Span {
            start,
            end: if end < start { start } else { end },
        }
    }

    /// An empty span at `offset`.
    pub const fn point(offset: usize) -> Self {
        Span::new(offset, offset)
    }

    /// First byte of the range.
    pub const fn start(self) -> usize {
        self.start as usize
    }

    /// One past the last byte of the range.
    pub const fn end(self) -> usize {
        self.end as usize
    }
}

/// A file's name as the user gave it, and its text.
///
/// The name is kept exactly as given (relative stays relative) because every report prints it.
#[derive(Debug)]
pub struct SourceFile {
    name: String,
    text: String,
    line_starts: OnceLock<Vec<usize>>,
    /// Byte ranges holding secret values, never shown (see [`SourceFile::shown_line`]).
    secrets: OnceLock<Vec<Span>>,
}

impl SourceFile {
    /// A source file named `name` holding `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
            secrets: OnceLock::new(),
        }
    }

    /// Marks the byte ranges that hold secret values (once; later calls change nothing).
    pub fn set_secrets(&self, spans: Vec<Span>) {
        let _ = self.secrets.set(spans);
    }

    /// The secret values of the file, as marked.
    pub fn secret_texts(&self) -> impl Iterator<Item = &str> {
        self.secrets
            .get()
            .into_iter()
            .flatten()
            .filter_map(|s| self.text.get(s.start()..s.end()))
    }

    /// The text of 1-based line `line` as a report may show it: every byte of a secret value
    /// replaced by `*`, so offsets and carets stay where they were.
    pub fn shown_line(&self, line: usize) -> std::borrow::Cow<'_, str> {
        let text = self.line_text(line);
        let start = self.line_start(line);
        let end = start + text.len();
        let hidden: Vec<(usize, usize)> = self
            .secrets
            .get()
            .into_iter()
            .flatten()
            .filter(|s| s.start() < end && s.end() > start)
            .map(|s| (s.start().max(start) - start, s.end().min(end) - start))
            .collect();
        if hidden.is_empty() {
            return std::borrow::Cow::Borrowed(text);
        }
        let masked: String = text
            .char_indices()
            .map(|(i, c)| {
                if hidden.iter().any(|(a, b)| (*a..*b).contains(&i)) {
                    "*".repeat(c.len_utf8())
                } else {
                    c.to_string()
                }
            })
            .collect();
        std::borrow::Cow::Owned(masked)
    }

    /// The file's name as given on the command line (or `<stdin>`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// 1-based line and 1-based column (in characters) of byte `offset`.
    ///
    /// Offsets past the end are clamped to the end; offsets inside a UTF-8 sequence count the
    /// partial character as the one that starts before them.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let starts = self.line_starts();
        let line_index = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = starts.get(line_index).copied().unwrap_or(0);
        let column = self
            .text
            .get(line_start..offset)
            .map_or(offset - line_start, |prefix| prefix.chars().count());
        (line_index + 1, column + 1)
    }

    /// Byte offset where 1-based line `line` starts (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts()
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The text of 1-based line `line`, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = starts.get(line).copied().unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }
}

/// How serious a diagnostic is. Ordered: `Warning < Error`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Not a problem: what could not be checked, and why. Never fails a run.
    Note,
    /// Worth fixing; does not fail a run unless asked (`--fail-on warning`).
    Warning,
    /// Breaks the fleet; fails the run.
    Error,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The Kubernetes object a diagnostic is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct ObjectRef {
    /// The object's kind, e.g. `AutoscalingRunnerSet`.
    pub kind: String,
    /// Its namespace; `None` for cluster-scoped objects or when the manifest leaves it unset.
    pub namespace: Option<String>,
    /// Its `metadata.name`.
    pub name: String,
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {}/{}", self.kind, ns, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

/// One finding: where, which rule, how bad, what is wrong and how to fix it.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// The file the finding points into.
    pub file: Arc<SourceFile>,
    /// The offending node's bytes in `file`.
    pub span: Span,
    /// The stable rule id (`version-skew`, `spec`, `yaml-syntax`, ...).
    pub rule: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it, in one line.
    pub hint: Option<String>,
    /// The object the finding is about, when there is one.
    pub object: Option<ObjectRef>,
}

impl Diagnostic {
    /// A diagnostic without hint or object.
    pub fn new(
        file: Arc<SourceFile>,
        span: Span,
        rule: &'static str,
        severity: Severity,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file,
            span,
            rule,
            severity,
            message: message.into(),
            hint: None,
            object: None,
        }
    }

    /// Adds a fix hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Names the object the diagnostic is about.
    #[must_use]
    pub fn with_object(mut self, object: ObjectRef) -> Self {
        self.object = Some(object);
        self
    }

    /// 1-based line and column of the start of the span.
    pub fn line_col(&self) -> (usize, usize) {
        self.file.line_col(self.span.start())
    }

    /// A stable ordering key: file, position, rule, message.
    pub fn sort_key(&self) -> (&str, usize, &'static str, &str) {
        (
            self.file.name(),
            self.span.start(),
            self.rule,
            &self.message,
        )
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:col: severity[rule]: message` — the one-line form used in plain error output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, col) = self.line_col();
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            self.file.name(),
            line,
            col,
            self.severity,
            self.rule,
            self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// A list of diagnostics returned as an error: something stopped because of them.
#[derive(Debug, thiserror::Error)]
#[error("{}", render_plain(.0))]
pub struct Diagnostics(pub Vec<Diagnostic>);

fn render_plain(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let file = SourceFile::new("a.yaml", "a: ü\nbé: x\n");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(3), (1, 4));
        // "bé: x": 'x' is at byte 6+4=10 (é is two bytes), character column 5.
        let x = file.text().find('x').unwrap_or_default();
        assert_eq!(file.line_col(x), (2, 5));
        assert_eq!(file.line_col(10_000), (3, 1));
        assert_eq!(file.line_text(2), "bé: x");
        assert_eq!(file.line_text(9), "");
    }

    #[test]
    fn crlf_lines_lose_their_carriage_return() {
        let file = SourceFile::new("a.yaml", "a: 1\r\nb: 2\r\n");
        assert_eq!(file.line_text(1), "a: 1");
        assert_eq!(file.line_col(6), (2, 1));
    }

    #[test]
    fn display_is_file_line_col() {
        let file = Arc::new(SourceFile::new("f.yaml", "x: 1\ny: 2\n"));
        let d = Diagnostic::new(file, Span::new(5, 6), "spec", Severity::Error, "bad y")
            .with_hint("fix y");
        assert_eq!(
            d.to_string(),
            "f.yaml:2:1: error[spec]: bad y (hint: fix y)"
        );
    }
}
