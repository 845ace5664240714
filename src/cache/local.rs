//! The local store: a folder of entries, one per key, shared safely by
//! several processes at once without locks.
//!
//! ```text
//! DIR/CACHEDIR.TAG
//! DIR/entries/<key>/artifact    the artifact's bytes
//! DIR/entries/<key>/meta        sha256, size, name; its mtime is the last use
//! DIR/jobs/<job>.inputs         the last key inputs of a job, for `--explain`
//! DIR/stat-index                see `digest`
//! DIR/tmp/                      entries being written
//! ```
//!
//! An entry is written in `tmp/` and renamed into `entries/` whole: a reader
//! sees it complete or not at all; when two processes race, the first
//! rename wins and the other's copy is dropped. Reads are checked against
//! the recorded SHA-256: a damaged entry is deleted and reported, never
//! served. Eviction removes the least recently used entries.

use std::fs::{self, File};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use super::key::Key;

const TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This folder is a cache made by vitte-buildkit; `vitte-buildkit cache clear` empties it.\n";

/// One entry's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    pub sha256: String,
    pub size: u64,
    /// The artifact's file name when it was stored, for `stats`.
    pub name: String,
}

impl Meta {
    fn to_text(&self) -> String {
        format!(
            "sha256 {}\nsize {}\nname {}\n",
            self.sha256, self.size, self.name
        )
    }

    fn parse(text: &str) -> Option<Self> {
        let mut sha256 = None;
        let mut size = None;
        let mut name = None;
        for line in text.lines() {
            match line.split_once(' ')? {
                ("sha256", v) => sha256 = Some(v.to_string()),
                ("size", v) => size = v.parse().ok(),
                ("name", v) => name = Some(v.to_string()),
                _ => {}
            }
        }
        Some(Self {
            sha256: sha256?,
            size: size?,
            name: name?,
        })
    }
}

/// What `stats` reports.
#[derive(Debug, Default, serde::Serialize)]
pub struct Stats {
    pub entries: u64,
    pub bytes: u64,
}

/// A damaged entry, removed; the message says what was wrong.
#[derive(Debug)]
pub struct Damaged(pub String);

/// An entry being written; dropped without [`LocalStore::commit`], it leaves nothing.
pub struct Pending {
    dir: tempfile::TempDir,
}

impl Pending {
    /// Where the artifact's bytes go.
    pub fn artifact_path(&self) -> PathBuf {
        self.dir.path().join("artifact")
    }
}

/// A cache folder.
pub struct LocalStore {
    dir: PathBuf,
}

impl LocalStore {
    /// Opens (and creates) the cache folder.
    pub fn open(dir: &Path) -> io::Result<Self> {
        for sub in ["entries", "jobs", "tmp"] {
            fs::create_dir_all(dir.join(sub)).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot create {}: {e}", dir.join(sub).display()),
                )
            })?;
        }
        let tag = dir.join("CACHEDIR.TAG");
        if !tag.exists() {
            let _ = fs::write(tag, TAG);
        }
        Ok(Self {
            dir: dir.to_path_buf(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn entry(&self, key: &Key) -> PathBuf {
        self.dir.join("entries").join(key.to_string())
    }

    /// Copies the entry of `key` into `dest` (at its start) and returns its
    /// record; `Ok(None)` when there is none. A damaged entry is deleted,
    /// `dest` emptied again, and reported.
    pub fn get(&self, key: &Key, dest: &mut File) -> Result<Option<Meta>, Damaged> {
        let entry = self.entry(key);
        let meta_path = entry.join("meta");
        let meta = match fs::read_to_string(&meta_path) {
            Ok(text) => Meta::parse(&text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(_) => None,
        };
        let checked = meta
            .ok_or_else(|| "its record is unreadable".to_string())
            .and_then(|meta| {
                let (size, sha256) = copy_hashing(&entry.join("artifact"), dest)
                    .map_err(|e| format!("cannot read it: {e}"))?;
                if size != meta.size || sha256 != meta.sha256 {
                    return Err(format!(
                        "its content does not match its digest ({size} bytes, sha256 {sha256}; recorded {} bytes, sha256 {})",
                        meta.size, meta.sha256
                    ));
                }
                Ok(meta)
            });
        match checked {
            Ok(meta) => {
                // The record's mtime is the entry's last use, for eviction.
                let _ = File::options()
                    .append(true)
                    .open(&meta_path)
                    .and_then(|f| f.set_modified(SystemTime::now()));
                Ok(Some(meta))
            }
            Err(why) => {
                let _ = dest.set_len(0).and_then(|()| dest.rewind());
                let _ = fs::remove_dir_all(&entry);
                Err(Damaged(format!(
                    "cache entry {} was damaged and is deleted: {why}",
                    entry.display()
                )))
            }
        }
    }

    /// Starts an entry in `tmp/`.
    pub fn begin(&self) -> io::Result<Pending> {
        Ok(Pending {
            dir: tempfile::Builder::new()
                .prefix("entry-")
                .tempdir_in(self.dir.join("tmp"))?,
        })
    }

    /// Records and publishes a pending entry whose artifact is written.
    /// If another process published the key first, its entry stays.
    pub fn commit(&self, key: &Key, pending: Pending, meta: &Meta) -> io::Result<()> {
        let mut file = File::create(pending.dir.path().join("meta"))?;
        file.write_all(meta.to_text().as_bytes())?;
        file.sync_all()?;
        File::open(pending.artifact_path())?.sync_all()?;
        match fs::rename(pending.dir.path(), self.entry(key)) {
            Ok(()) => {
                // Renamed away: there is nothing left for the guard to remove.
                let _ = pending.dir.keep();
                Ok(())
            }
            Err(_) if self.entry(key).join("meta").exists() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Stores a copy of `source` under `key`.
    pub fn put(&self, key: &Key, source: &Path, name: &str) -> io::Result<()> {
        let pending = self.begin()?;
        let mut out = File::create(pending.artifact_path())?;
        let (size, sha256) = copy_hashing(source, &mut out)?;
        drop(out);
        self.commit(
            key,
            pending,
            &Meta {
                sha256,
                size,
                name: name.to_string(),
            },
        )
    }

    /// Every entry with its record and last use, oldest first.
    fn entries(&self) -> Vec<(PathBuf, u64, SystemTime)> {
        let mut list: Vec<_> = fs::read_dir(self.dir.join("entries"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|item| {
                let meta_path = item.path().join("meta");
                let used = fs::metadata(&meta_path).and_then(|m| m.modified()).ok()?;
                let meta = Meta::parse(&fs::read_to_string(&meta_path).ok()?)?;
                Some((item.path(), meta.size, used))
            })
            .collect();
        list.sort_by_key(|(path, _, used)| (*used, path.clone()));
        list
    }

    pub fn stats(&self) -> Stats {
        let entries = self.entries();
        Stats {
            entries: entries.len() as u64,
            bytes: entries.iter().map(|(_, size, _)| size).sum(),
        }
    }

    /// Removes the least recently used entries until at most `max_bytes`
    /// remain, and entries left half-written by killed runs; returns what
    /// was removed.
    pub fn evict(&self, max_bytes: u64) -> Stats {
        let entries = self.entries();
        let mut total: u64 = entries.iter().map(|(_, size, _)| size).sum();
        let mut removed = Stats::default();
        for (path, size, _) in entries {
            if total <= max_bytes {
                break;
            }
            if fs::remove_dir_all(&path).is_ok() {
                total -= size;
                removed.entries += 1;
                removed.bytes += size;
            }
        }
        self.remove_stale_temporaries();
        removed
    }

    /// `tmp/` items older than a day belong to runs that were killed.
    fn remove_stale_temporaries(&self) {
        let day = std::time::Duration::from_secs(86_400);
        for item in fs::read_dir(self.dir.join("tmp"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let old = item
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > day);
            if old {
                let _ = fs::remove_dir_all(item.path());
            }
        }
    }

    /// Removes every entry and record.
    pub fn clear(&self) -> io::Result<Stats> {
        let stats = self.stats();
        for sub in ["entries", "jobs", "tmp"] {
            let path = self.dir.join(sub);
            if path.exists() {
                fs::remove_dir_all(&path)?;
            }
            fs::create_dir_all(&path)?;
        }
        let _ = fs::remove_file(self.dir.join("stat-index"));
        Ok(stats)
    }

    /// The last recorded key inputs of a job.
    pub fn last_inputs(&self, job: &str) -> Option<String> {
        fs::read_to_string(self.job_path(job)).ok()
    }

    /// Records a job's key inputs (temp + rename).
    pub fn record_inputs(&self, job: &str, text: &str) -> io::Result<()> {
        let mut temp = tempfile::NamedTempFile::new_in(self.dir.join("tmp"))?;
        temp.write_all(text.as_bytes())?;
        temp.persist(self.job_path(job)).map_err(|e| e.error)?;
        Ok(())
    }

    fn job_path(&self, job: &str) -> PathBuf {
        let id = blake3::hash(job.as_bytes()).to_hex();
        self.dir.join("jobs").join(format!("{}.inputs", &id[..32]))
    }

    /// The stat index's file.
    pub fn index_path(&self) -> PathBuf {
        self.dir.join("stat-index")
    }
}

/// Copies `from` into `to` while hashing; returns size and hex SHA-256.
pub fn copy_hashing(from: &Path, to: &mut File) -> io::Result<(u64, String)> {
    let mut input = File::open(from)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        to.write_all(&buf[..n])?;
        size += n as u64;
    }
    to.flush()?;
    Ok((size, format!("{:x}", hasher.finalize())))
}
