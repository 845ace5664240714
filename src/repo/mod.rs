//! Package repositories: the indexes apt and dnf read, written from the
//! packages we hold and signed with the project's OpenPGP key.
//!
//! - [`apt`]: a Debian archive (`pool/` + `dists/SUITE/`), read by apt.
//! - [`rpmmd`]: rpm-md `repodata/`, read by dnf and yum.
//!
//! Both are incremental: a state file under `db/` keeps what was learnt from
//! every package already in the repository, so an update reads only the new
//! packages, and a package whose name, version and architecture are already
//! published with other bytes is refused. Nothing is half-written: new
//! indexes are built in a staging folder inside the repository and moved
//! into place only when complete; the state is replaced last. This module
//! never builds packages and `formats/` knows nothing of it.

pub mod apt;
mod deb_read;
mod files;
mod hashes;
mod rpm_read;
pub mod rpmmd;

use std::path::{Path, PathBuf};

use vitte_buildkit_signing::OpenPgpKey;

pub use hashes::Hashes;

/// Why a repository was not updated. The repository is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// A file or folder could not be read or written.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// A package or an existing repository file is not what it must be.
    #[error("{0}")]
    Invalid(String),
    /// A package with this name, version and architecture is published
    /// with other bytes.
    #[error("{0}")]
    Conflict(String),
    /// Signing the metadata failed.
    #[error("signing: {0}")]
    Signing(String),
}

pub type Result<T, E = RepoError> = std::result::Result<T, E>;

/// Adds context to I/O errors.
pub(crate) trait IoContext<T> {
    fn context_with(self, context: impl FnOnce() -> String) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn context_with(self, context: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| RepoError::Io {
            context: context(),
            source,
        })
    }
}

/// The key that signs the metadata and the time its signatures carry.
pub struct MetadataSigner {
    pub key: OpenPgpKey,
    /// Seconds since the epoch: `SOURCE_DATE_EPOCH`, else now.
    pub time: u32,
}

impl MetadataSigner {
    /// An armored detached signature over `data`.
    pub fn detached(&self, data: &[u8]) -> Result<String> {
        self.key
            .sign_detached(data, self.time)
            .map_err(|e| RepoError::Signing(e.to_string()))
    }

    /// `text` cleartext-signed.
    pub fn clearsign(&self, text: &str) -> Result<String> {
        self.key
            .clearsign(text, self.time)
            .map_err(|e| RepoError::Signing(e.to_string()))
    }
}

/// The time a repository update is stamped with: `SOURCE_DATE_EPOCH` when
/// set (reproducible), else the clock.
pub fn update_time() -> u64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
        })
}

/// The package files named by `inputs`: files as given, and in folders
/// every file ending in `.ext` (not recursing), sorted. A named file of
/// another kind, or a folder with none, is an error.
pub fn collect_inputs(inputs: &[PathBuf], ext: &str) -> Result<Vec<PathBuf>> {
    let suffix = format!(".{ext}");
    let mut found = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut here: Vec<PathBuf> = std::fs::read_dir(input)
                .context_with(|| format!("cannot read the folder {}", input.display()))?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && has_suffix(p, &suffix))
                .collect();
            if here.is_empty() {
                return Err(RepoError::Invalid(format!(
                    "{} holds no {suffix} file",
                    input.display()
                )));
            }
            here.sort();
            found.extend(here);
        } else if input.is_file() && has_suffix(input, &suffix) {
            found.push(input.clone());
        } else if input.is_file() {
            return Err(RepoError::Invalid(format!(
                "{} is not a {suffix} package",
                input.display()
            )));
        } else {
            return Err(RepoError::Invalid(format!(
                "{} does not exist",
                input.display()
            )));
        }
    }
    Ok(found)
}

fn has_suffix(path: &Path, suffix: &str) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(suffix))
}
