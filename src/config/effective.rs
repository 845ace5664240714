//! The effective settings of a run, each with where it came from: a
//! command-line flag, an environment variable, the manifest, the user
//! configuration file, or the built-in default. `vitte-buildkit config`
//! prints them; `package` takes its targets, formats and key from here.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use vitte_buildkit_formats::Target;

use super::{expand_home, LoadedConfig};
use crate::keys::SECRET_KEY_ENV;
use crate::manifest::{self, DEFAULT_SOURCE_DATE_EPOCH};

/// The environment variables read here.
pub const CACHE_DIR_ENV: &str = "VITTE_BUILDKIT_CACHE_DIR";
pub const MONITOR_ENV: &str = "VITTE_BUILDKIT_MONITOR";

/// Where a setting came from, in order of precedence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Origin {
    Flag { flag: String },
    Env { var: String },
    Manifest { path: PathBuf },
    UserConfig { path: PathBuf },
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag { flag } => write!(f, "flag {flag}"),
            Origin::Env { var } => write!(f, "env {var}"),
            Origin::Manifest { path } => write!(f, "manifest {}", path.display()),
            Origin::UserConfig { path } => write!(f, "user config {}", path.display()),
            Origin::Default => f.write_str("default"),
        }
    }
}

/// One setting: its name (as in the configuration file), value and origin.
#[derive(Clone, Debug, Serialize)]
pub struct Setting {
    pub name: &'static str,
    pub value: String,
    pub origin: Origin,
}

/// What the command line said, for the settings it can set.
#[derive(Debug, Default)]
pub struct Flags<'a> {
    pub manifest: Option<&'a Path>,
    pub package: Option<&'a str>,
    pub formats: &'a [String],
    pub targets: &'a [String],
    pub key: Option<&'a Path>,
    pub out: Option<&'a Path>,
    pub jobs: Option<u32>,
}

fn flag(name: &str) -> Origin {
    Origin::Flag { flag: name.into() }
}

fn env(var: &str) -> Option<(String, Origin)> {
    std::env::var(var)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| (v, Origin::Env { var: var.into() }))
}

fn user(config: Option<&LoadedConfig>) -> Option<(&super::UserConfig, Origin)> {
    config.map(|c| {
        (
            &c.config,
            Origin::UserConfig {
                path: c.path.clone(),
            },
        )
    })
}

/// The targets to build for: `--target`, else the user config's, else none
/// (the host).
pub fn targets(flags: &Flags<'_>, config: Option<&LoadedConfig>) -> (Vec<String>, Origin) {
    if !flags.targets.is_empty() {
        return (flags.targets.to_vec(), flag("--target"));
    }
    match user(config).and_then(|(c, o)| c.targets.clone().map(|t| (t, o))) {
        Some(found) => found,
        None => (Vec::new(), Origin::Default),
    }
}

/// The formats to build: `--format`, else the user config's, else none (all
/// that serve each target).
pub fn formats(flags: &Flags<'_>, config: Option<&LoadedConfig>) -> (Vec<String>, Origin) {
    if !flags.formats.is_empty() {
        return (flags.formats.to_vec(), flag("--format"));
    }
    match user(config).and_then(|(c, o)| c.formats.clone().map(|f| (f, o))) {
        Some(found) => found,
        None => (Vec::new(), Origin::Default),
    }
}

/// The key file to sign with: `--key`, else none when the environment holds
/// the key text (the signing layer reads it), else the user config's.
pub fn key_file(flags: &Flags<'_>, config: Option<&LoadedConfig>) -> Option<(PathBuf, Origin)> {
    if let Some(path) = flags.key {
        return Some((path.to_path_buf(), flag("--key")));
    }
    if env(SECRET_KEY_ENV).is_some() {
        return None;
    }
    user(config).and_then(|(c, o)| c.key.as_deref().map(|k| (expand_home(k), o)))
}

/// Every setting, in the order `vitte-buildkit config` prints them.
pub fn settings(flags: &Flags<'_>, config: Option<&LoadedConfig>) -> Vec<Setting> {
    let mut out = Vec::new();
    let mut push = |name: &'static str, value: String, origin: Origin| {
        out.push(Setting {
            name,
            value,
            origin,
        })
    };
    let config_path = super::user_config_path();
    let config_origin = match env("XDG_CONFIG_HOME") {
        Some((_, origin)) => origin,
        None => Origin::Default,
    };
    push(
        "config",
        match (&config, &config_path) {
            (Some(c), _) => c.path.display().to_string(),
            (None, Some(p)) => format!("{} (not present)", p.display()),
            (None, None) => "none (neither XDG_CONFIG_HOME nor HOME is set)".into(),
        },
        config_origin,
    );
    let manifest_path = match flags.manifest {
        Some(path) => Some((path.to_path_buf(), flag("--manifest"))),
        None => manifest::find_default(Path::new(".")).map(|p| (p, Origin::Default)),
    };
    match &manifest_path {
        Some((path, origin)) => push("manifest", path.display().to_string(), origin.clone()),
        None => push(
            "manifest",
            "none found (./buildkit.toml or ./Cargo.toml)".into(),
            Origin::Default,
        ),
    }
    let (targets, origin) = targets(flags, config);
    let targets = if targets.is_empty() {
        format!("{} (the host)", Target::host())
    } else {
        targets.join(",")
    };
    push("targets", targets, origin);
    let (formats, origin) = formats(flags, config);
    let formats = if formats.is_empty() {
        "all that serve each target".to_string()
    } else {
        formats.join(",")
    };
    push("formats", formats, origin);
    match (key_file(flags, config), env(SECRET_KEY_ENV)) {
        (Some((path, origin)), _) => push("key", path.display().to_string(), origin),
        (None, Some((_, origin))) => push("key", "the key text in the variable".into(), origin),
        (None, None) => push(
            "key",
            "none: artifacts are not signed".into(),
            Origin::Default,
        ),
    }
    match flags.out {
        Some(dir) => push("out", dir.display().to_string(), flag("--out")),
        None => push("out", "dist".into(), Origin::Default),
    }
    match flags.jobs {
        Some(n) => push("jobs", n.to_string(), flag("--jobs")),
        None => push("jobs", "every core".into(), Origin::Default),
    }
    let (epoch, origin) = source_date_epoch(manifest_path.as_ref().map(|m| m.0.as_path()), flags);
    push("source-date-epoch", epoch, origin);
    cache_settings(config, &mut push);
    match env(MONITOR_ENV)
        .or_else(|| user(config).and_then(|(c, o)| c.monitor.clone().map(|m| (m, o))))
    {
        Some((url, origin)) => push("monitor", url, origin),
        None => push("monitor", "none".into(), Origin::Default),
    }
    out
}

/// `SOURCE_DATE_EPOCH`, else the manifest's `[package] source-date-epoch`,
/// else the fixed default (saying so when the manifest cannot be read).
fn source_date_epoch(manifest_path: Option<&Path>, flags: &Flags<'_>) -> (String, Origin) {
    if let Some(found) = env("SOURCE_DATE_EPOCH") {
        return found;
    }
    let default = DEFAULT_SOURCE_DATE_EPOCH.to_string();
    let Some(path) = manifest_path else {
        return (default, Origin::Default);
    };
    match manifest::load(path, flags.package) {
        Ok(loaded) => match loaded.manifest.package.source_date_epoch {
            Some(epoch) => (
                epoch.to_string(),
                Origin::Manifest {
                    path: path.to_path_buf(),
                },
            ),
            None => (default, Origin::Default),
        },
        Err(e) => (
            format!("{default} (the manifest cannot be read: {e})"),
            Origin::Default,
        ),
    }
}

/// `[cache]`: the environment's folder, else the user config's, else the
/// defaults the cache uses.
fn cache_settings(
    config: Option<&LoadedConfig>,
    push: &mut impl FnMut(&'static str, String, Origin),
) {
    let cache = user(config).map(|(c, o)| (&c.cache, o));
    let from_config = |get: fn(&super::CacheConfig) -> Option<&String>| {
        cache
            .as_ref()
            .and_then(|(c, o)| get(c).map(|v| (v.clone(), o.clone())))
    };
    let default_dir = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .map(|d| d.join("vitte-buildkit").display().to_string())
        .unwrap_or_else(|| "none (neither XDG_CACHE_HOME nor HOME is set)".into());
    let (dir, origin) = env(CACHE_DIR_ENV)
        .or_else(|| from_config(|c| c.dir.as_ref()))
        .unwrap_or((default_dir, Origin::Default));
    push("cache.dir", dir, origin);
    let (remote, origin) =
        from_config(|c| c.remote.as_ref()).unwrap_or(("none".into(), Origin::Default));
    push("cache.remote", remote, origin);
    let (mode, origin) =
        from_config(|c| c.mode.as_ref()).unwrap_or(("read-write".into(), Origin::Default));
    push("cache.mode", mode, origin);
    let (size, origin) =
        from_config(|c| c.max_size.as_ref()).unwrap_or(("10GiB".into(), Origin::Default));
    push("cache.max-size", size, origin);
}
