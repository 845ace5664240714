//! How repository files are put in place: packages copied into the pool
//! without ever replacing one, whole index trees built in a staging folder
//! and swapped in, the state file replaced atomically.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

use sha2::{Digest, Sha256};

use super::hashes::{hex, Hashes};
use super::{IoContext, RepoError, Result};

/// Writes `bytes` to `path` through a temporary file beside it, creating
/// parent folders.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let shown = || format!("cannot write {}", path.display());
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).context_with(shown)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir).context_with(shown)?;
    temp.write_all(bytes).context_with(shown)?;
    publishable(temp.as_file()).context_with(shown)?;
    temp.as_file().sync_all().context_with(shown)?;
    temp.persist(path).map_err(|e| RepoError::Io {
        context: shown(),
        source: e.error,
    })?;
    Ok(())
}

/// Makes a temporary file (created 0600) readable by everyone, as every
/// file a web server publishes must be: mode 0644.
fn publishable(file: &fs::File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Hashes a file.
pub fn hash_file(path: &Path) -> Result<Hashes> {
    let file = fs::File::open(path).context_with(|| format!("cannot read {}", path.display()))?;
    Hashes::of_reader(io::BufReader::new(file))
        .context_with(|| format!("cannot read {}", path.display()))
}

/// Copies `source` to `dest` unless it is there already, hashing it on
/// the way; an existing `dest` with other bytes is refused, never replaced.
pub fn copy_into_pool(source: &Path, dest: &Path, hashes: &Hashes) -> Result<()> {
    if dest.exists() {
        let existing = hash_file(dest)?;
        if existing.sha256 == hashes.sha256 {
            return Ok(());
        }
        return Err(RepoError::Conflict(format!(
            "{} is already in the pool with other bytes (sha256 {}, the new file's is {}): a published file is never replaced; give the package a new version",
            dest.display(),
            existing.sha256,
            hashes.sha256
        )));
    }
    let shown = || format!("cannot copy {} to {}", source.display(), dest.display());
    let dir = dest.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).context_with(shown)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir).context_with(shown)?;
    let mut input = fs::File::open(source).context_with(shown)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 16];
    loop {
        let n = input.read(&mut buffer).context_with(shown)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        temp.write_all(&buffer[..n]).context_with(shown)?;
    }
    if hex(&hasher.finalize()) != hashes.sha256 {
        return Err(RepoError::Invalid(format!(
            "{} changed while it was being added",
            source.display()
        )));
    }
    publishable(temp.as_file()).context_with(shown)?;
    temp.as_file().sync_all().context_with(shown)?;
    temp.persist_noclobber(dest).map_err(|e| RepoError::Io {
        context: shown(),
        source: e.error,
    })?;
    Ok(())
}

/// Reads a JSON state file; a missing file is the empty state.
pub fn load_state<T: DeserializeOwned + Default>(path: &Path) -> Result<T> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            RepoError::Invalid(format!(
                "{} is damaged ({e}): restore it from a backup, or rebuild the repository from its packages",
                path.display()
            ))
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(T::default()),
        Err(source) => Err(RepoError::Io {
            context: format!("cannot read {}", path.display()),
            source,
        }),
    }
}

/// Replaces the state file atomically.
pub fn save_state<T: Serialize>(path: &Path, state: &T) -> Result<()> {
    let bytes = serde_json::to_vec_pretty(state)
        .map_err(|e| RepoError::Invalid(format!("cannot encode the repository state: {e}")))?;
    write_atomic(path, &bytes)
}

/// A folder inside the repository where a new index tree is built; removed
/// when dropped, whatever happened.
pub struct Staging {
    dir: tempfile::TempDir,
}

impl Staging {
    /// A new staging folder in `repo`; called with the [`RepoLock`] held,
    /// so any other staging folder there is a killed run's, and removed.
    pub fn new(repo: &Path, _lock: &RepoLock) -> Result<Self> {
        fs::create_dir_all(repo).context_with(|| format!("cannot create {}", repo.display()))?;
        for stale in fs::read_dir(repo).into_iter().flatten().flatten() {
            if stale.file_name().to_string_lossy().starts_with(".staging-") {
                let _ = fs::remove_dir_all(stale.path());
            }
        }
        let dir = tempfile::Builder::new()
            .prefix(".staging-")
            .tempdir_in(repo)
            .context_with(|| format!("cannot create a staging folder in {}", repo.display()))?;
        Ok(Self { dir })
    }

    /// Where the new tree is built.
    pub fn tree(&self) -> PathBuf {
        self.dir.path().join("new")
    }

    /// Moves the new tree to `live`, the previous one (if any) into the
    /// staging folder, to be removed with it.
    pub fn swap_into(self, live: &Path) -> Result<()> {
        let shown = || format!("cannot move the new indexes into {}", live.display());
        if let Some(parent) = live.parent() {
            fs::create_dir_all(parent).context_with(shown)?;
        }
        if live.exists() {
            fs::rename(live, self.dir.path().join("old")).context_with(shown)?;
        }
        fs::rename(self.tree(), live).context_with(shown)?;
        Ok(())
    }
}

/// Hard-links (else copies) every file under a `by-hash/` folder of `old`
/// whose name is in `keep` to the same place under `new`: clients that
/// fetched the previous Release still find its indexes.
pub fn carry_by_hash(
    old: &Path,
    new: &Path,
    keep: &std::collections::HashSet<String>,
) -> Result<()> {
    if !old.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(old).min_depth(1) {
        let entry =
            entry.map_err(|e| RepoError::Invalid(format!("cannot read {}: {e}", old.display())))?;
        let path = entry.path();
        let in_by_hash = path
            .parent()
            .and_then(Path::parent)
            .and_then(Path::file_name)
            .is_some_and(|n| n == "by-hash");
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || !in_by_hash || !keep.contains(name.as_ref()) {
            continue;
        }
        let Ok(relative) = path.strip_prefix(old) else {
            continue;
        };
        let target = new.join(relative);
        if target.exists() {
            continue;
        }
        let shown = || format!("cannot keep {}", path.display());
        fs::create_dir_all(target.parent().unwrap_or(new)).context_with(shown)?;
        if fs::hard_link(path, &target).is_err() {
            fs::copy(path, &target).context_with(shown)?;
        }
    }
    Ok(())
}

/// Gzip at the best level, with no time in the header.
pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(bytes)
        .and_then(|_| encoder.finish())
        .map_err(|e| RepoError::Invalid(format!("cannot gzip an index: {e}")))
}

/// Xz at level 6.
pub fn xz(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = liblzma::write::XzEncoder::new(Vec::new(), 6);
    encoder
        .write_all(bytes)
        .and_then(|_| encoder.finish())
        .map_err(|e| RepoError::Invalid(format!("cannot xz an index: {e}")))
}

/// Zstandard at level 19.
pub fn zstd(bytes: &[u8]) -> Result<Vec<u8>> {
    zstd::encode_all(bytes, 19)
        .map_err(|e| RepoError::Invalid(format!("cannot zstd-compress an index: {e}")))
}

/// `db/lock`, held while a run updates the repository (as reprepro's
/// `db/lockfile`): a second run at the same moment is refused rather than
/// mixing its indexes with the first's. Removed when dropped.
pub struct RepoLock {
    path: PathBuf,
}

impl RepoLock {
    pub fn take(repo: &Path) -> Result<Self> {
        let path = repo.join("db/lock");
        let shown = || format!("cannot create {}", path.display());
        fs::create_dir_all(repo.join("db")).context_with(shown)?;
        match fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                let _ = writeln!(file, "{}", std::process::id());
                Ok(Self { path })
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(RepoError::Invalid(format!(
                "{} exists: another run is updating this repository; if none is (a run was killed), remove the file",
                path.display()
            ))),
            Err(source) => Err(RepoError::Io {
                context: shown(),
                source,
            }),
        }
    }
}

impl Drop for RepoLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}
