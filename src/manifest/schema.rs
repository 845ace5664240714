//! The manifest as written: serde structures for `buildkit.toml` and for
//! `[package.metadata.buildkit]` in a Cargo.toml. Nothing here resolves
//! anything; `resolve` turns these into a `Package`.

use std::collections::BTreeMap;

use serde::Deserialize;
use vitte_buildkit_formats::model::{ArchiveOptions, MsiOptions, PkgOptions, WasmOptions};

/// A whole `buildkit.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub package: PackageSection,
    #[serde(default)]
    pub files: Vec<FileSpec>,
    #[serde(default)]
    pub scripts: ScriptsSection,
    #[serde(default)]
    pub relations: RelationsSection,
    #[serde(default)]
    pub deb: DebSection,
    #[serde(default)]
    pub rpm: RpmSection,
    #[serde(default)]
    pub msi: MsiOptions,
    #[serde(default)]
    pub pkg: PkgOptions,
    #[serde(default)]
    pub wasm: WasmOptions,
    #[serde(default)]
    pub archive: ArchiveOptions,
    #[serde(default)]
    pub build: BuildSection,
    /// `[cache]`: below the command line's and the API's cache settings.
    #[serde(default)]
    pub cache: crate::cache::CacheConfig,
    /// For a Cargo.toml without `[[files]]`: the crate's binary name, packaged
    /// from cargo's release output into /usr/bin.
    #[serde(skip)]
    pub cargo_binary: Option<String>,
}

/// `[package]`. Every field is optional here; `resolve` reports the missing ones.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PackageSection {
    pub name: Option<String>,
    pub version: Option<String>,
    pub release: Option<Release>,
    pub epoch: Option<u32>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub license: Option<String>,
    pub maintainer: Option<String>,
    pub homepage: Option<String>,
    pub vendor: Option<String>,
    /// Seconds since the epoch for every timestamp, unless `SOURCE_DATE_EPOCH` is set.
    pub source_date_epoch: Option<u64>,
}

/// `release = 1` or `release = "1.el9"`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Release {
    Number(u64),
    Text(String),
}

/// One `[[files]]` item.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FileSpec {
    pub src: Option<String>,
    pub dst: String,
    pub mode: Option<String>,
    pub kind: Option<String>,
    /// A symlink's target.
    pub target: Option<String>,
    pub owner: Option<String>,
    pub group: Option<String>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub arch_check: Option<bool>,
}

/// `[scripts]`: paths to shell scripts, relative to the manifest.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ScriptsSection {
    pub pre_install: Option<String>,
    pub post_install: Option<String>,
    pub pre_remove: Option<String>,
    pub post_remove: Option<String>,
}

/// `[relations]` and `[deb.relations]` / `[rpm.relations]`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RelationsSection {
    pub depends: Option<Vec<String>>,
    pub pre_depends: Option<Vec<String>>,
    pub recommends: Option<Vec<String>>,
    pub suggests: Option<Vec<String>>,
    pub conflicts: Option<Vec<String>>,
    pub breaks: Option<Vec<String>>,
    pub replaces: Option<Vec<String>>,
    pub provides: Option<Vec<String>>,
    pub obsoletes: Option<Vec<String>>,
}

/// `[deb]`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DebSection {
    pub compression: Option<String>,
    pub section: Option<String>,
    pub priority: Option<String>,
    #[serde(default)]
    pub relations: RelationsSection,
}

/// `[rpm]`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RpmSection {
    pub compression: Option<String>,
    pub group: Option<String>,
    #[serde(default)]
    pub ghost: Vec<String>,
    #[serde(default)]
    pub relations: RelationsSection,
}

/// `[build]`: how `cross` builds the project.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct BuildSection {
    pub command: Option<String>,
}

/// The parts of a Cargo.toml the manifest layer reads.
#[derive(Debug, Deserialize)]
pub struct CargoManifest {
    pub package: Option<CargoPackage>,
    pub workspace: Option<CargoWorkspace>,
}

#[derive(Debug, Deserialize)]
pub struct CargoWorkspace {
    #[serde(default)]
    pub members: Vec<String>,
}

/// `[package]` of a Cargo.toml; inherited (`x.workspace = true`) fields are not followed.
#[derive(Debug, Deserialize)]
pub struct CargoPackage {
    pub name: String,
    pub version: Option<toml::Value>,
    pub description: Option<toml::Value>,
    pub license: Option<toml::Value>,
    pub authors: Option<toml::Value>,
    pub homepage: Option<toml::Value>,
    pub repository: Option<toml::Value>,
    #[serde(default)]
    pub metadata: BTreeMap<String, toml::Value>,
}
