//! The library's error type: what failed, naming the file, key or path.

use std::path::PathBuf;

use crate::manifest::ManifestError;

/// Why a build did not produce its artifacts. Nothing was written when this
/// is returned: earlier artifacts in the output folder are untouched.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// Bad options: an unknown format or target, no manifest found.
    #[error("{0}")]
    Usage(String),
    /// Binaries that do not fit the target, one per line.
    #[error("{0}")]
    Inspection(String),
    /// Shared-library dependencies could not be computed, or stripping failed.
    #[error("{0}")]
    Binaries(String),
    /// A format refused the package or failed to write it.
    #[error("{format} for {target}: {source}")]
    Format {
        format: String,
        target: String,
        #[source]
        source: vitte_buildkit_formats::Error,
    },
    /// The lint gate found errors, one per line.
    #[error("{0}")]
    Lint(String),
    /// `--against`: upgrading from the previous release would break, one
    /// finding per line.
    #[error("unsafe upgrade; nothing was written:\n{0}")]
    Upgrade(String),
    /// `cross`: the build command could not run or failed.
    #[error("{0}")]
    Build(String),
    /// Signing an artifact failed.
    #[error("signing: {0}")]
    Signing(String),
    /// The output folder could not be written.
    #[error("{context}: {source}")]
    Output {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
