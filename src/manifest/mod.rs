//! The manifest layer: reads `buildkit.toml` (or `[package.metadata.buildkit]`
//! in a Cargo.toml), and resolves it into one `Package` per target.
//!
//! This is the only place that knows TOML, globs and placeholders; backends
//! get the resolved model. Every error names the file and the key or path.

mod cargo;
mod placeholders;
mod resolve;
pub mod schema;
mod services;
mod units;

use std::fmt;
use std::path::{Path, PathBuf};

pub use resolve::{normalize_dst, resolve, DEFAULT_SOURCE_DATE_EPOCH};
pub use schema::Manifest;

/// A manifest error: the file, and what is wrong with it.
#[derive(Debug)]
pub struct ManifestError {
    pub file: PathBuf,
    pub message: String,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

impl std::error::Error for ManifestError {}

impl ManifestError {
    pub fn new(file: &Path, message: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            message: message.into(),
        }
    }
}

/// A manifest read from disk, with where it came from.
#[derive(Debug)]
pub struct LoadedManifest {
    /// The file read.
    pub path: PathBuf,
    /// Relative `src` paths start here.
    pub dir: PathBuf,
    pub manifest: Manifest,
}

/// Reads a manifest: a `buildkit.toml`-style file, or a Cargo.toml whose
/// `[package]` gives the defaults and `[package.metadata.buildkit]` the rest.
/// `package` selects a package by name (a workspace member for Cargo).
pub fn load(path: &Path, package: Option<&str>) -> Result<LoadedManifest, ManifestError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ManifestError::new(path, format!("cannot read the manifest: {e}")))?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    if path.file_name().is_some_and(|n| n == "Cargo.toml") {
        return cargo::load(path, &text, package);
    }
    let manifest: Manifest =
        toml::from_str(&text).map_err(|e| ManifestError::new(path, parse_message(&e)))?;
    let loaded = LoadedManifest {
        path: path.to_path_buf(),
        dir,
        manifest,
    };
    if let (Some(wanted), Some(name)) = (package, loaded.manifest.package.name.as_deref()) {
        if wanted != name {
            return Err(ManifestError::new(
                path,
                format!("the manifest describes package `{name}`, not `{wanted}`; pass the manifest of `{wanted}` or drop the package selection"),
            ));
        }
    }
    Ok(loaded)
}

/// Finds the default manifest in `dir`: `buildkit.toml`, else a `Cargo.toml`.
pub fn find_default(dir: &Path) -> Option<PathBuf> {
    ["buildkit.toml", "Cargo.toml"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
}

/// toml's message on one line: where, the offending line, and what is wrong.
pub(crate) fn parse_message(e: &toml::de::Error) -> String {
    let text = e.to_string();
    let mut lines = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty());
    let head = lines
        .next()
        .unwrap_or("invalid TOML")
        .replace("TOML parse error", "invalid TOML");
    let rest: Vec<&str> = lines.collect();
    // The excerpt line looks like `13 | owner = 5`.
    let excerpt = rest.iter().find_map(|l| {
        l.split_once(" | ")
            .filter(|(n, _)| n.trim().parse::<u32>().is_ok())
            .map(|(_, code)| code.trim())
    });
    let detail = rest
        .last()
        .map(|l| l.trim())
        .filter(|l| !l.starts_with('|') && !l.contains(" | "))
        .unwrap_or("");
    match excerpt {
        Some(code) => format!("{head} (`{code}`): {detail}"),
        None if detail.is_empty() => head,
        None => format!("{head}: {detail}"),
    }
}
