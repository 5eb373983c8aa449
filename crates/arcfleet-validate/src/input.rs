//! Finding and reading input files: directories recursively (`.gitignore` respected), YAML and
//! JSON files, or standard input, within [`ReadLimits`].

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arcfleet_diag::SourceFile;
use rayon::prelude::*;

/// Why input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// A path the user named does not exist.
    #[error("{0}: no such file or directory")]
    NotFound(PathBuf),
    /// Reading failed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// Walking a directory failed (a symlink loop, a permission problem).
    #[error("{0}")]
    Walk(String),
    /// One file is larger than [`ReadLimits::max_file_bytes`].
    #[error(
        "{path}: larger than the {} limit for one file; nothing was checked (raise it with --max-file-size)",
        bytes(*limit)
    )]
    FileTooLarge {
        /// The file.
        path: PathBuf,
        /// The limit it exceeds.
        limit: u64,
    },
    /// All files together are larger than [`ReadLimits::max_total_bytes`].
    #[error(
        "{files} files hold {}, over the {} limit for one run; nothing was checked (validate fewer paths or raise it with --max-input-size)",
        bytes(*total),
        bytes(*limit)
    )]
    TotalTooLarge {
        /// How many files were to be read.
        files: usize,
        /// Their size together.
        total: u64,
        /// The limit.
        limit: u64,
    },
}

/// A byte count for people: `64 MiB`, `1.5 GiB`, `900 bytes`.
fn bytes(count: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    let mut value = count as f64;
    let mut unit = "bytes";
    for next in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    if unit == "bytes" {
        format!("{count} bytes")
    } else {
        format!("{:.1} {unit}", value).replace(".0 ", " ")
    }
}

/// Caps on what one run reads. A run holds every parsed object at once (about ten times the
/// bytes of typical manifests), so these bound its memory; hitting one is an input error that
/// names the limit, never an out-of-memory kill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadLimits {
    /// Largest single file (or standard input) read.
    pub max_file_bytes: u64,
    /// Largest total over all files of a run.
    pub max_total_bytes: u64,
}

impl Default for ReadLimits {
    /// 64 MiB per file (etcd stores objects of at most about 1.5 MiB, so this leaves room for
    /// whole rendered streams) and 512 MiB per run (about 200,000 typical manifest files).
    fn default() -> Self {
        ReadLimits {
            max_file_bytes: 64 << 20,
            max_total_bytes: 512 << 20,
        }
    }
}

/// Whether a file name is one `validate` reads when walking a directory: YAML, JSON, or a
/// template of them ([`is_template_name`]).
pub fn is_manifest_name(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    ) || is_template_name(path)
}

/// Whether a file is a template of a Helm chart (in the `templates` folder beside a
/// `Chart.yaml`): what it renders depends on the chart's values, so it is not an object.
pub fn is_chart_template(path: &Path) -> bool {
    path.ancestors()
        .skip(1)
        .find(|a| a.file_name().is_some_and(|n| n == "templates"))
        .and_then(Path::parent)
        .is_some_and(|chart| chart.join("Chart.yaml").is_file())
}

/// Whether a file is a template (Helm `.tpl`, Terraform `.tftpl`, Go `.tmpl`/`.gotmpl`): often
/// YAML with placeholders, read when it parses and said to be unchecked when it does not.
pub fn is_template_name(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("tpl" | "tftpl" | "tmpl" | "gotmpl")
    )
}

/// Expands `paths`: files as given (whatever their extension), directories walked for
/// `*.yaml`, `*.yml` and `*.json`, honouring `.gitignore` even outside a git checkout. The
/// result is sorted and free of duplicates, so output order never depends on the file system.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => InputError::NotFound(path.clone()),
            _ => InputError::Io {
                path: path.clone(),
                source: e,
            },
        })?;
        if !meta.is_dir() {
            files.push(path.clone());
            continue;
        }
        let walker = ignore::WalkBuilder::new(path)
            .require_git(false)
            .follow_links(false)
            .sort_by_file_path(Ord::cmp)
            .build();
        for entry in walker {
            let entry = entry.map_err(|e| InputError::Walk(e.to_string()))?;
            if entry.file_type().is_some_and(|t| t.is_file()) && is_manifest_name(entry.path()) {
                files.push(entry.into_path());
            }
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// Reads files in parallel within `limits`, checking the total before reading anything. The name
/// of each is the path as given (relative stays relative). Text that is not UTF-8 is kept
/// (lossily); [`crate::parse`] reports it.
pub fn read(paths: &[PathBuf], limits: &ReadLimits) -> Result<Vec<Arc<SourceFile>>, InputError> {
    let io_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| InputError::Io { path, source }
    };
    let sizes: Vec<u64> = paths
        .par_iter()
        .map(|path| Ok(std::fs::metadata(path).map_err(io_error(path))?.len()))
        .collect::<Result<_, InputError>>()?;
    if let Some((path, _)) = paths
        .iter()
        .zip(&sizes)
        .find(|(_, size)| **size > limits.max_file_bytes)
    {
        return Err(InputError::FileTooLarge {
            path: path.clone(),
            limit: limits.max_file_bytes,
        });
    }
    let total = sizes.iter().sum::<u64>();
    if total > limits.max_total_bytes {
        return Err(InputError::TotalTooLarge {
            files: paths.len(),
            total,
            limit: limits.max_total_bytes,
        });
    }
    paths
        .par_iter()
        .map(|path| {
            let file = std::fs::File::open(path).map_err(io_error(path))?;
            let bytes = read_bytes(path, file, limits.max_file_bytes)?;
            Ok(source_from_bytes(&path.display().to_string(), bytes))
        })
        .collect()
}

/// Reads one stream (a file, standard input) named `name`, refusing more than
/// [`ReadLimits::max_file_bytes`]; the size is checked while reading, so a pipe or a file that
/// grows cannot get past it.
pub fn read_stream(
    name: &str,
    reader: impl Read,
    limits: &ReadLimits,
) -> Result<Arc<SourceFile>, InputError> {
    let bytes = read_bytes(Path::new(name), reader, limits.max_file_bytes)?;
    Ok(source_from_bytes(name, bytes))
}

/// The bytes of `reader` (named `path` in errors), refusing more than `limit`; the size is
/// checked while reading.
pub fn read_bytes(path: &Path, reader: impl Read, limit: u64) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| InputError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(InputError::FileTooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(bytes)
}

/// A source file from raw bytes. Invalid UTF-8 is replaced (U+FFFD) so that positions stay
/// usable; [`crate::parse`] reports such files, and files with NUL bytes, instead of reading them.
pub fn source_from_bytes(name: &str, bytes: Vec<u8>) -> Arc<SourceFile> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    Arc::new(SourceFile::new(name, text))
}
