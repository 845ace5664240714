//! rpm-md repositories (being written).
use std::path::{Path, PathBuf};

use super::{MetadataSigner, RepoError, Result};

#[derive(Debug, Default)]
pub struct RpmReport {
    pub added: Vec<String>,
    pub unchanged: Vec<String>,
    pub repodata: PathBuf,
}

pub fn update(
    _repo: &Path,
    _rpms: &[PathBuf],
    _time: u64,
    _signer: Option<&MetadataSigner>,
) -> Result<RpmReport> {
    Err(RepoError::Invalid(
        "rpm repositories are not written yet".into(),
    ))
}
