//! Finding and reading input files: directories recursively (`.gitignore` respected), YAML and
//! JSON files, or standard input.

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
}

/// Whether a file name is one `validate` reads when walking a directory.
pub fn is_manifest_name(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
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

/// Reads files in parallel. The name of each is the path as given (relative stays relative).
/// Text that is not UTF-8 is kept (lossily); [`crate::parse`] reports it.
pub fn read(paths: &[PathBuf]) -> Result<Vec<Arc<SourceFile>>, InputError> {
    paths
        .par_iter()
        .map(|path| {
            let bytes = std::fs::read(path).map_err(|source| InputError::Io {
                path: path.clone(),
                source,
            })?;
            Ok(source_from_bytes(&path.display().to_string(), bytes))
        })
        .collect()
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
