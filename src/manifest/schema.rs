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
    pub services: Vec<ServiceSpec>,
    #[serde(default)]
    pub users: Vec<UserSpec>,
    #[serde(default)]
    pub tmpfiles: Vec<TmpfileSpec>,
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
    #[serde(default)]
    pub lint: LintSection,
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
    /// Strip executables and shared libraries in the .deb and .rpm (default true).
    pub strip: Option<bool>,
    /// A -dbgsym / -debuginfo package with what stripping removed
    /// (default: when there is debug information).
    pub debug_symbols: Option<bool>,
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
    pub dst: PerOs,
    pub mode: Option<String>,
    pub kind: Option<String>,
    /// A symlink's target.
    pub target: Option<String>,
    pub owner: Option<String>,
    pub group: Option<String>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub arch_check: Option<bool>,
    /// `false`: package this file as it is, unstripped.
    pub strip: Option<bool>,
}

/// `[scripts]`: paths to shell scripts, relative to the manifest.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ScriptsSection {
    pub pre_install: Option<PerOs>,
    pub post_install: Option<PerOs>,
    pub pre_remove: Option<PerOs>,
    pub post_remove: Option<PerOs>,
}

/// A value that may differ per operating system: one string for every
/// target, or a table keyed by `linux`, `macos`, `windows`, `wasm` and
/// `default` (for the systems not named). A system without a value leaves
/// the item out for its targets.
#[derive(Clone, Debug)]
pub enum PerOs {
    All(String),
    ByOs(BTreeMap<String, String>),
}

impl<'de> Deserialize<'de> for PerOs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PerOsVisitor;
        impl<'de> serde::de::Visitor<'de> for PerOsVisitor {
            type Value = PerOs;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a path, or a table of paths keyed by system (linux, macos, windows, wasm, default)")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<PerOs, E> {
                Ok(PerOs::All(value.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<PerOs, A::Error> {
                let table =
                    BTreeMap::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(PerOs::ByOs(table))
            }
        }
        deserializer.deserialize_any(PerOsVisitor)
    }
}

impl Default for PerOs {
    fn default() -> Self {
        PerOs::All(String::new())
    }
}

/// The keys a per-system table may hold.
pub const OS_KEYS: [&str; 5] = ["linux", "macos", "windows", "wasm", "default"];

impl PerOs {
    /// The value for `os` (`linux`, `macos`, …), `None` when the item is
    /// left out there, or the first unknown key of the table.
    pub fn for_os(&self, os: &str) -> Result<Option<&str>, String> {
        match self {
            PerOs::All(value) => Ok(Some(value)),
            PerOs::ByOs(table) => {
                if let Some(bad) = table.keys().find(|k| !OS_KEYS.contains(&k.as_str())) {
                    return Err(bad.clone());
                }
                Ok(table
                    .get(os)
                    .or_else(|| table.get("default"))
                    .map(String::as_str))
            }
        }
    }
}

/// One `[[services]]` item.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ServiceSpec {
    pub name: Option<String>,
    pub description: Option<String>,
    pub exec: Option<Exec>,
    pub user: Option<String>,
    pub group: Option<String>,
    pub restart: Option<String>,
    #[serde(default)]
    pub after: Vec<String>,
    #[serde(default)]
    pub wants: Vec<String>,
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
    pub working_directory: Option<String>,
    pub enable: Option<bool>,
    pub start: Option<bool>,
    pub restart_on_upgrade: Option<bool>,
    /// A hand-written systemd unit, relative to the manifest.
    pub unit: Option<String>,
    /// LocalSystem (default), LocalService or NetworkService.
    pub windows_account: Option<String>,
}

/// `exec = "/usr/bin/d --flag"` or `exec = ["/usr/bin/d", "--flag"]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Exec {
    Line(String),
    Words(Vec<String>),
}

/// One `[[users]]` item.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct UserSpec {
    pub name: String,
    pub group: Option<String>,
    pub home: Option<String>,
    pub shell: Option<String>,
    pub description: Option<String>,
    pub system: Option<bool>,
}

/// One `[[tmpfiles]]` item: a tmpfiles.d line.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct TmpfileSpec {
    #[serde(rename = "type")]
    pub kind: String,
    pub path: String,
    pub mode: Option<String>,
    pub user: Option<String>,
    pub group: Option<String>,
    pub age: Option<String>,
    pub argument: Option<String>,
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
    pub embed_signature: Option<bool>,
    /// Compute Depends from the ELF files (default true).
    pub auto_depends: Option<bool>,
    /// A root with the target's dpkg database, for a foreign architecture.
    pub sysroot: Option<String>,
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
    /// Add the Requires and Provides rpm's elfdeps would (default true).
    pub auto_requires: Option<bool>,
}

/// `[build]`: how `cross` builds the project.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct BuildSection {
    pub command: Option<String>,
}

/// `[lint]`: rules of the lint gate this package is allowed to break.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LintSection {
    #[serde(default)]
    pub allow: Vec<String>,
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
