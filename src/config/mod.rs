//! The user configuration file: defaults a person sets once for every
//! project — the signing key, the formats and targets to build, the cache
//! and the monitor — read from `$XDG_CONFIG_HOME/vitte-buildkit/config.toml`
//! (else `~/.config/vitte-buildkit/config.toml`).
//!
//! This module reads and checks the file; [`effective`] combines it with the
//! flags, the environment, the manifest and the built-in defaults, naming
//! where each setting came from. It never prints, and backends never see it.

pub mod effective;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use vitte_buildkit_formats::Target;

use crate::manifest::{parse_message, ManifestError};

/// The user configuration file as written. Every key is optional; unknown
/// keys are refused, so a typo is an error rather than a silent default.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct UserConfig {
    /// The minisign secret key to sign with (`~/` allowed).
    pub key: Option<String>,
    /// The formats to build when `--format` is not given.
    pub formats: Option<Vec<String>>,
    /// The targets to build for when `--target` is not given.
    pub targets: Option<Vec<String>>,
    /// The build monitor to report to (`http://` or `https://`).
    pub monitor: Option<String>,
    #[serde(default)]
    pub cache: CacheConfig,
}

/// `[cache]`: the artifact cache's settings.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CacheConfig {
    /// The local cache folder, or `off`.
    pub dir: Option<String>,
    /// A remote cache on an OCI registry: `oci://HOST/REPO[?insecure]`.
    pub remote: Option<String>,
    /// `read` or `read-write`.
    pub mode: Option<String>,
    /// The local cache's size limit: bytes, or a number with `KiB`, `MiB`,
    /// `GiB`, `TiB` (or `KB`, `MB`, `GB`, `TB`).
    pub max_size: Option<String>,
}

impl CacheConfig {
    /// These settings as the cache's lowest layer (below the manifest's
    /// `[cache]` and the flags). `VITTE_BUILDKIT_CACHE_DIR` wins over the
    /// file's `dir`, as `vitte-buildkit config` reports. The values were
    /// checked when the file was read.
    pub fn as_cache_layer(&self) -> crate::cache::CacheConfig {
        let env_dir = std::env::var_os(crate::cache::DIR_ENV).is_some_and(|v| !v.is_empty());
        crate::cache::CacheConfig {
            dir: self.dir.clone().filter(|_| !env_dir),
            remote: self.remote.clone(),
            mode: self
                .mode
                .as_deref()
                .and_then(|m| crate::cache::CacheMode::parse(m).ok()),
            max_size: self.max_size.clone().map(toml::Value::String),
            timeout_secs: None,
        }
    }
}

/// The user configuration file's path: `$XDG_CONFIG_HOME/vitte-buildkit/config.toml`,
/// else `$HOME/.config/vitte-buildkit/config.toml`; `None` without either variable.
pub fn user_config_path() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    let base = var("XDG_CONFIG_HOME").or_else(|| var("HOME").map(|h| h.join(".config")))?;
    Some(base.join("vitte-buildkit").join("config.toml"))
}

/// A user configuration read from disk, with its path.
#[derive(Debug)]
pub struct LoadedConfig {
    pub path: PathBuf,
    pub config: UserConfig,
}

/// Reads and checks the user configuration; `Ok(None)` when there is none.
pub fn load_user_config() -> Result<Option<LoadedConfig>, ManifestError> {
    match user_config_path() {
        Some(path) if path.exists() => load(&path).map(Some),
        _ => Ok(None),
    }
}

/// Reads and checks the configuration file at `path`.
pub fn load(path: &Path) -> Result<LoadedConfig, ManifestError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ManifestError::new(path, format!("cannot read the configuration: {e}")))?;
    let config: UserConfig =
        toml::from_str(&text).map_err(|e| ManifestError::new(path, parse_message(&e)))?;
    check(&config).map_err(|message| ManifestError::new(path, message))?;
    Ok(LoadedConfig {
        path: path.to_path_buf(),
        config,
    })
}

/// The checks serde cannot make: known targets and formats, URL schemes,
/// the cache mode and size.
fn check(config: &UserConfig) -> Result<(), String> {
    for (i, target) in config.targets.iter().flatten().enumerate() {
        Target::parse(target).map_err(|e| format!("targets[{i}] `{target}`: {e}"))?;
    }
    let known: Vec<&'static str> = vitte_buildkit_formats::all_formats()
        .iter()
        .map(|f| f.id())
        .collect();
    for (i, format) in config.formats.iter().flatten().enumerate() {
        if format != "all" && !known.contains(&format.as_str()) {
            return Err(format!(
                "formats[{i}] `{format}` is not a format; use `all` or some of {}",
                known.join(", ")
            ));
        }
    }
    if let Some(url) = &config.monitor {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!(
                "monitor `{url}`: give the monitor's URL, e.g. \"http://127.0.0.1:7878\""
            ));
        }
    }
    let cache = &config.cache;
    if let Some(remote) = &cache.remote {
        if !remote.starts_with("oci://") || remote.len() <= "oci://".len() {
            return Err(format!(
                "[cache] remote `{remote}`: use oci://HOST/REPO (add ?insecure for plain HTTP)"
            ));
        }
    }
    if let Some(mode) = &cache.mode {
        if mode != "read" && mode != "read-write" {
            return Err(format!(
                "[cache] mode `{mode}` is not `read` or `read-write`"
            ));
        }
    }
    if let Some(size) = &cache.max_size {
        parse_size(size).ok_or_else(|| {
            format!("[cache] max-size `{size}` is not a size such as \"10GiB\", \"500MB\" or 1073741824")
        })?;
    }
    Ok(())
}

/// Bytes from `10GiB`, `500 MB`, `1073741824`; `None` when not a size.
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let factor: u64 = match unit.trim() {
        "" | "B" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        "TiB" => 1 << 40,
        "KB" | "kB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        "TB" => 1_000_000_000_000,
        _ => return None,
    };
    number.checked_mul(factor)
}

/// `~/x` with the home folder; other paths as written.
pub fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_and_decimal_units() {
        for (text, bytes) in [
            ("10GiB", Some(10u64 << 30)),
            ("500 MB", Some(500_000_000)),
            ("1073741824", Some(1 << 30)),
            ("1KiB", Some(1024)),
            ("10 gigs", None),
            ("GiB", None),
            ("-1", None),
            ("99999999999999999999TiB", None),
        ] {
            assert_eq!(parse_size(text), bytes, "{text}");
        }
    }

    #[test]
    fn bad_values_are_refused_naming_the_key() {
        let cases = [
            (
                "targets = [\"sparc-solaris\"]",
                "targets[0] `sparc-solaris`",
            ),
            ("formats = [\"zip\"]", "formats[0] `zip`"),
            ("monitor = \"127.0.0.1:7878\"", "monitor `127.0.0.1:7878`"),
            ("[cache]\nremote = \"https://x\"", "[cache] remote"),
            ("[cache]\nmode = \"write\"", "[cache] mode `write`"),
            ("[cache]\nmax-size = \"big\"", "[cache] max-size `big`"),
        ];
        for (text, want) in cases {
            let config: UserConfig = toml::from_str(text).unwrap();
            let err = check(&config).unwrap_err();
            assert!(err.contains(want), "{text}: {err}");
        }
        let good: UserConfig = toml::from_str(
            "formats = [\"deb\", \"all\"]\ntargets = [\"x86_64-linux\"]\nmonitor = \"http://127.0.0.1:7878\"\n[cache]\nremote = \"oci://localhost:5000/cache?insecure\"\nmode = \"read\"\nmax-size = \"1GiB\"",
        )
        .unwrap();
        check(&good).unwrap();
    }
}
