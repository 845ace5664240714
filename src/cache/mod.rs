//! The artifact cache: before a backend writes a job (one package × target
//! × format), the pipeline looks the job's [`key`] up, first in the
//! [`local`] store, then in the [`remote`] one (an OCI registry); a hit is
//! copied into the staging folder instead of packaging again, a miss is
//! packaged and then stored in both.
//!
//! The cache never fails a build: a damaged entry, a remote that is down,
//! slow, refuses the credentials or sends bytes that do not match their
//! digest, a full disk while storing — each is a warning, and the artifact
//! is built the ordinary way. `formats/` knows nothing of this module.

pub mod digest;
pub mod key;
pub mod local;
pub mod remote;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use vitte_buildkit_formats::Package;

use crate::events::{Event, Listener};
use crate::registry::Location;
use digest::{ContentDigests, StatIndex};
use key::{Key, KeyInputs};
use local::LocalStore;
use remote::RemoteStore;

/// The folder variable; `off` turns the local cache off.
pub const DIR_ENV: &str = "VITTE_BUILDKIT_CACHE_DIR";
/// `cache.max-size` when nothing sets it: 10 GiB.
pub const DEFAULT_MAX_SIZE: u64 = 10 << 30;
/// `cache.timeout-secs` when nothing sets it.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// What the remote cache may do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CacheMode {
    /// Pull hits, never push.
    Read,
    /// Pull hits and push what was built.
    #[default]
    ReadWrite,
}

impl CacheMode {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "read" => Ok(Self::Read),
            "read-write" => Ok(Self::ReadWrite),
            _ => Err(format!(
                "cache mode `{text}`: expected `read` or `read-write`"
            )),
        }
    }
}

/// Where an artifact came from, as reports show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    HitLocal,
    HitRemote,
    Miss,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HitLocal => "hit-local",
            Self::HitRemote => "hit-remote",
            Self::Miss => "miss",
        }
    }
}

/// One layer of cache settings (`--cache…` flags, the manifest's `[cache]`,
/// a user config file): each field it sets wins over the layers below.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CacheConfig {
    /// The local cache folder, or `off`.
    pub dir: Option<String>,
    /// `oci://HOST/REPOSITORY[?insecure]`, or `off`.
    pub remote: Option<String>,
    pub mode: Option<CacheMode>,
    /// Bytes, or a size such as `10GiB`, `500M`.
    pub max_size: Option<toml::Value>,
    /// Seconds to wait for the registry before giving up on it.
    pub timeout_secs: Option<u64>,
}

impl CacheConfig {
    /// This layer over `lower`: every field this one leaves unset comes from `lower`.
    pub fn over(self, lower: CacheConfig) -> CacheConfig {
        CacheConfig {
            dir: self.dir.or(lower.dir),
            remote: self.remote.or(lower.remote),
            mode: self.mode.or(lower.mode),
            max_size: self.max_size.or(lower.max_size),
            timeout_secs: self.timeout_secs.or(lower.timeout_secs),
        }
    }

    /// Fills in the defaults: the folder from [`DIR_ENV`], else
    /// `$XDG_CACHE_HOME/vitte-buildkit`, else `~/.cache/vitte-buildkit`;
    /// no remote; read-write; 10 GiB; 30 s. Relative folders are taken
    /// from `base`. The error names the setting and what it wants.
    pub fn resolve(&self, base: &Path) -> Result<CacheOptions, String> {
        let dir = match self.dir.as_deref() {
            Some("off") => None,
            Some(dir) => Some(base.join(dir)),
            None => default_dir(),
        };
        let remote = match self.remote.as_deref() {
            None | Some("off") => None,
            Some(text) => Some(Location::parse(text).map_err(|e| format!("cache remote: {e}"))?),
        };
        let max_size = match &self.max_size {
            None => DEFAULT_MAX_SIZE,
            Some(toml::Value::Integer(n)) if *n >= 0 => *n as u64,
            Some(toml::Value::String(text)) => parse_size(text)?,
            Some(other) => {
                return Err(format!(
                    "cache max-size `{other}`: expected bytes or a size such as \"10GiB\""
                ))
            }
        };
        Ok(CacheOptions {
            dir,
            remote,
            mode: self.mode.unwrap_or_default(),
            max_size,
            timeout: self
                .timeout_secs
                .map_or(DEFAULT_TIMEOUT, Duration::from_secs),
        })
    }
}

/// `10GiB`, `512M`, `1.5G`, `4096`: a size in bytes (K, M, G, T are powers of 1024).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let cut = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(cut);
    let shift = match unit
        .trim()
        .trim_end_matches(['B', 'b'])
        .trim_end_matches('i')
    {
        "" => 0,
        "K" | "k" => 10,
        "M" | "m" => 20,
        "G" | "g" => 30,
        "T" | "t" => 40,
        _ => {
            return Err(format!(
                "size `{text}`: unknown unit; use K, M, G or T (powers of 1024)"
            ))
        }
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("size `{text}`: expected a number such as 10GiB"))?;
    Ok((value * (1u64 << shift) as f64) as u64)
}

/// The default local folder (see [`CacheConfig::resolve`]); `None` when
/// [`DIR_ENV`] is `off` or there is no home.
pub fn default_dir() -> Option<PathBuf> {
    let set = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = set(DIR_ENV) {
        return (dir != "off").then(|| PathBuf::from(dir));
    }
    if let Some(xdg) = set("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
    {
        return Some(xdg.join("vitte-buildkit"));
    }
    set("HOME").map(|home| PathBuf::from(home).join(".cache/vitte-buildkit"))
}

/// Resolved settings.
#[derive(Clone, Debug)]
pub struct CacheOptions {
    /// `None`: no local cache.
    pub dir: Option<PathBuf>,
    pub remote: Option<Location>,
    pub mode: CacheMode,
    pub max_size: u64,
    pub timeout: Duration,
}

impl CacheOptions {
    pub fn is_off(&self) -> bool {
        self.dir.is_none() && self.remote.is_none()
    }
}

/// A job as the cache sees it.
pub struct JobKey {
    pub key: Key,
    pub inputs: KeyInputs,
    /// `name target format`: whose inputs `--explain` compares.
    pub job: String,
    pub format: String,
    pub target: String,
    /// The artifact's file name.
    pub file_name: String,
}

/// The cache of one run.
pub struct Cache {
    local: Option<LocalStore>,
    remote: Option<RemoteStore>,
    /// Set after the first remote failure: one warning, not one per job.
    remote_failed: AtomicBool,
    mode: CacheMode,
    max_size: u64,
    index: Mutex<StatIndex>,
}

impl Cache {
    /// Opens the stores; one that cannot be opened is left out with a warning.
    pub fn open(options: &CacheOptions, listener: &dyn Listener) -> Option<Cache> {
        if options.is_off() {
            return None;
        }
        let local = options.dir.as_deref().and_then(|dir| {
            LocalStore::open(dir)
                .map_err(|e| warn(listener, &format!("local cache left out: {e}")))
                .ok()
        });
        let remote = options.remote.as_ref().and_then(|location| {
            RemoteStore::new(location, options.timeout)
                .map_err(|e| warn(listener, &format!("remote cache {location} left out: {e}")))
                .ok()
        });
        let index = match &local {
            Some(store) => StatIndex::load(&store.index_path()),
            None => StatIndex::in_memory(),
        };
        Some(Cache {
            local,
            remote,
            remote_failed: AtomicBool::new(false),
            mode: options.mode,
            max_size: options.max_size,
            index: Mutex::new(index),
        })
    }

    /// Content digests of a package's sources, through the stat index.
    pub fn content_digests(&self, package: &Package) -> std::io::Result<ContentDigests> {
        let mut index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        digest::content_digests(package, &mut index)
    }

    /// Looks `job` up; on a hit its artifact is in `dest` (at its start).
    /// `scratch` is a folder for a download when there is no local store.
    pub fn lookup(
        &self,
        job: &JobKey,
        dest: &mut File,
        scratch: &Path,
        listener: &dyn Listener,
    ) -> Outcome {
        if let Some(local) = &self.local {
            if let Err(e) = local.record_inputs(&job.job, &job.inputs.to_text()) {
                warn(
                    listener,
                    &format!("cannot record the cache key inputs: {e}"),
                );
            }
            match local.get(&job.key, dest) {
                Ok(Some(_)) => return Outcome::HitLocal,
                Ok(None) => {}
                Err(damaged) => warn(listener, &damaged.0),
            }
        }
        match self.remote_get(job, dest, scratch) {
            Ok(true) => Outcome::HitRemote,
            Ok(false) => Outcome::Miss,
            Err(e) => {
                self.remote_failed(listener, &e);
                let _ = dest.set_len(0).and_then(|()| std::io::Seek::rewind(dest));
                Outcome::Miss
            }
        }
    }

    /// Pulls from the remote into the local store (or a scratch file) and
    /// from there into `dest`.
    fn remote_get(&self, job: &JobKey, dest: &mut File, scratch: &Path) -> Result<bool, String> {
        let Some(remote) = self.usable_remote() else {
            return Ok(false);
        };
        if let Some(local) = &self.local {
            let pending = local
                .begin()
                .map_err(|e| format!("cannot write into the local cache: {e}"))?;
            let Some(pulled) = remote.get(&job.key, &pending.artifact_path())? else {
                return Ok(false);
            };
            let meta = local::Meta {
                sha256: pulled.digest.trim_start_matches("sha256:").to_string(),
                size: pulled.size,
                name: job.file_name.clone(),
            };
            local
                .commit(&job.key, pending, &meta)
                .map_err(|e| format!("cannot store the pulled entry: {e}"))?;
            return match local.get(&job.key, dest) {
                Ok(hit) => Ok(hit.is_some()),
                Err(damaged) => Err(damaged.0),
            };
        }
        let temp = tempfile::NamedTempFile::new_in(scratch).map_err(|e| e.to_string())?;
        if remote.get(&job.key, temp.path())?.is_none() {
            return Ok(false);
        }
        local::copy_hashing(temp.path(), dest).map_err(|e| e.to_string())?;
        Ok(true)
    }

    /// Stores a freshly built artifact: locally, and on the remote when it
    /// may be written.
    pub fn store(&self, job: &JobKey, artifact: &Path, listener: &dyn Listener) {
        let name = &job.file_name;
        if let Some(local) = &self.local {
            if let Err(e) = local.put(&job.key, artifact, name) {
                warn(
                    listener,
                    &format!(
                        "cannot store {name} in the local cache {}: {e}",
                        local.dir().display()
                    ),
                );
            }
        }
        if self.mode == CacheMode::ReadWrite {
            if let Some(remote) = self.usable_remote() {
                if let Err(e) = remote.put(&job.key, artifact, &job.format, &job.target) {
                    self.remote_failed(listener, &e);
                }
            }
        }
    }

    /// Saves the stat index and trims the local store to its size limit.
    pub fn finish(&self, listener: &dyn Listener) {
        let index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = index.save() {
            warn(
                listener,
                &format!("cannot save the cache's stat index: {e}"),
            );
        }
        if let Some(local) = &self.local {
            local.evict(self.max_size);
        }
    }

    fn usable_remote(&self) -> Option<&RemoteStore> {
        self.remote
            .as_ref()
            .filter(|_| !self.remote_failed.load(Ordering::Relaxed))
    }

    fn remote_failed(&self, listener: &dyn Listener, error: &str) {
        self.remote_failed.store(true, Ordering::Relaxed);
        warn(
            listener,
            &format!("remote cache: {error}; building without it for the rest of this run"),
        );
    }
}

fn warn(listener: &dyn Listener, message: &str) {
    listener.event(Event::Warning(message));
}

/// The inputs and key of a job, and the changes since the job's last run
/// recorded in the local store (for `cache key --explain`).
pub fn explain(
    local: Option<&LocalStore>,
    job: &JobKey,
) -> Vec<(String, Option<String>, Option<String>)> {
    local
        .and_then(|l| l.last_inputs(&job.job))
        .map(|text| job.inputs.changes_since(&KeyInputs::from_text(&text)))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        for (text, bytes) in [
            ("4096", 4096),
            ("10GiB", 10 << 30),
            ("512M", 512 << 20),
            ("1.5G", 3 << 29),
            ("2 KiB", 2048),
            ("1TB", 1 << 40),
        ] {
            assert_eq!(parse_size(text), Ok(bytes), "{text}");
        }
        for bad in ["", "G", "10 parsecs", "1.2.3G"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn upper_layers_win_field_by_field() {
        let cli = CacheConfig {
            remote: Some("oci://127.0.0.1:5000/c".into()),
            ..Default::default()
        };
        let manifest = CacheConfig {
            dir: Some("off".into()),
            remote: Some("oci://ghcr.io/x/y".into()),
            mode: Some(CacheMode::Read),
            ..Default::default()
        };
        let options = cli.over(manifest).resolve(Path::new("/p")).unwrap();
        assert_eq!(options.dir, None);
        assert_eq!(options.remote.unwrap().host, "127.0.0.1:5000");
        assert_eq!(options.mode, CacheMode::Read);
        assert_eq!(options.max_size, DEFAULT_MAX_SIZE);
        let relative = CacheConfig {
            dir: Some("cache".into()),
            ..Default::default()
        };
        assert_eq!(
            relative.resolve(Path::new("/p")).unwrap().dir,
            Some(PathBuf::from("/p/cache"))
        );
    }
}
