//! The output folder, written atomically: artifacts are written into a hidden
//! staging folder inside it and renamed into place only when the whole run
//! succeeded. A failed run removes its staging folder; one that was killed
//! leaves it behind with its process id, and the next run removes it.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const STAGING_PREFIX: &str = ".vitte-buildkit-staging-";

/// Staging folders of this process, for [`remove_active_staging`].
static ACTIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes every staging folder this process has open: for a signal handler
/// that ends the process, so that an interrupted run leaves nothing behind.
pub fn remove_active_staging() {
    if let Ok(active) = ACTIVE.lock() {
        for dir in active.iter() {
            // The writer may still be creating files in it: try again then.
            for _ in 0..5 {
                if fs::remove_dir_all(dir).is_ok() || !dir.exists() {
                    break;
                }
            }
        }
    }
}
/// The checksum list kept in the output folder.
pub const SHA256SUMS: &str = "SHA256SUMS";

/// A run's staging folder inside the output folder.
pub struct Staging {
    out_dir: PathBuf,
    dir: PathBuf,
    /// File names staged, in the order they are to be renamed.
    names: Vec<String>,
    committed: bool,
}

impl Staging {
    /// Prepares `out_dir` (created if missing) and a fresh staging folder in it.
    pub fn new(out_dir: &Path) -> io::Result<Self> {
        if out_dir.exists() && !out_dir.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "output folder {} is a file; pass --out with a folder",
                    out_dir.display()
                ),
            ));
        }
        fs::create_dir_all(out_dir).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot create output folder {}: {e}", out_dir.display()),
            )
        })?;
        remove_stale(out_dir);
        let dir = out_dir.join(format!("{STAGING_PREFIX}{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        // Registered before it exists, so a signal can never miss it.
        if let Ok(mut active) = ACTIVE.lock() {
            active.push(dir.clone());
        }
        fs::create_dir(&dir).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot write into output folder {}: {e}", out_dir.display()),
            )
        })?;
        Ok(Self {
            out_dir: out_dir.to_path_buf(),
            dir,
            names: Vec::new(),
            committed: false,
        })
    }

    /// The staging folder: backends spool temporary files here.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Creates the staged file that becomes `out_dir/name` on commit.
    pub fn create(&mut self, name: &str) -> io::Result<(File, PathBuf)> {
        let path = self.dir.join(name);
        let file = File::create(&path).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot create {}: {e}", path.display()))
        })?;
        self.names.retain(|n| n != name);
        self.names.push(name.to_string());
        Ok((file, path))
    }

    /// Where a staged file will end up.
    pub fn final_path(&self, name: &str) -> PathBuf {
        self.out_dir.join(name)
    }

    /// Writes `SHA256SUMS`: the lines already in the output folder for files
    /// that still exist and are not replaced, plus `sums`, sorted by name.
    pub fn stage_checksums(&mut self, sums: &[(String, String)]) -> io::Result<PathBuf> {
        let mut lines: BTreeMap<String, String> = BTreeMap::new();
        if let Ok(old) = fs::read_to_string(self.out_dir.join(SHA256SUMS)) {
            for line in old.lines() {
                if let Some((hash, name)) = line.split_once("  ") {
                    if self.out_dir.join(name).is_file() {
                        lines.insert(name.to_string(), hash.to_string());
                    }
                }
            }
        }
        for (name, hash) in sums {
            lines.insert(name.clone(), hash.clone());
        }
        let text: String = lines
            .iter()
            .map(|(name, hash)| format!("{hash}  {name}\n"))
            .collect();
        let (mut file, path) = self.create(SHA256SUMS)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        Ok(path)
    }

    /// Renames every staged file into the output folder, in staging order.
    pub fn commit(mut self) -> io::Result<()> {
        for name in &self.names {
            let from = self.dir.join(name);
            let to = self.out_dir.join(name);
            fs::rename(&from, &to).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot move {} into place: {e}", to.display()),
                )
            })?;
        }
        self.committed = true;
        fs::remove_dir_all(&self.dir)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if let Ok(mut active) = ACTIVE.lock() {
            active.retain(|d| d != &self.dir);
        }
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Removes staging folders left by runs whose process is gone.
fn remove_stale(out_dir: &Path) {
    let Ok(read) = fs::read_dir(out_dir) else {
        return;
    };
    for item in read.flatten() {
        let name = item.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(STAGING_PREFIX) else {
            continue;
        };
        let alive = pid
            .parse::<u32>()
            .is_ok_and(|p| Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ = fs::remove_dir_all(item.path());
        }
    }
}
