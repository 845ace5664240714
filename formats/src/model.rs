//! The artifact model: one [`Package`] resolved for one target.
//!
//! This is plain data. The manifest layer fills it (globs expanded, paths
//! checked, defaults and per-format overrides merged in); backends only read
//! it. Nothing here touches the file system except [`Entry::open`].

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::Arc;

use serde::Deserialize;

mod order;
pub use order::{implicit_directories, sort_by_path, with_implicit_directories};

/// A package version: semver upstream, optional epoch, a release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub upstream: semver::Version,
    /// Debian's `N:` / RPM's Epoch; `None` when the manifest gives none.
    pub epoch: Option<u32>,
    /// Packaging revision: Debian revision, RPM Release. Defaults to `1`.
    pub release: String,
}

impl Version {
    /// `1.2.3-rc.1` as `1.2.3~rc.1`: the form that sorts before `1.2.3`
    /// in both dpkg and rpm; build metadata (`+…`) is kept with a `+`.
    pub fn upstream_tilde(&self) -> String {
        let v = &self.upstream;
        let mut s = format!("{}.{}.{}", v.major, v.minor, v.patch);
        if !v.pre.is_empty() {
            s.push('~');
            s.push_str(v.pre.as_str());
        }
        if !v.build.is_empty() {
            s.push('+');
            s.push_str(v.build.as_str());
        }
        s
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.upstream)
    }
}

/// Everything one package installs and says about itself.
#[derive(Clone, Debug)]
pub struct Package {
    pub name: String,
    pub version: Version,
    /// One line.
    pub summary: String,
    /// Longer text; may hold several paragraphs separated by blank lines.
    pub description: String,
    /// SPDX expression.
    pub license: String,
    /// `Name <email>`.
    pub maintainer: String,
    pub vendor: Option<String>,
    pub homepage: Option<String>,
    pub relations: Relations,
    pub scripts: Scripts,
    /// Sorted by path, unique, every path absolute and normalized.
    pub entries: Vec<Entry>,
    /// False when the inspection found no binary at all: the package is
    /// architecture-independent (deb `all`, rpm `noarch`).
    pub has_binaries: bool,
    /// Services, system users and tmpfiles entries the package sets up.
    pub system: SystemSetup,
    pub formats: FormatSections,
    /// What the pipeline does to the package's ELF files for deb and rpm.
    pub binaries: BinaryOptions,
    /// Set on a debug-symbols package the pipeline derived from another
    /// package (deb `NAME-dbgsym`, rpm `NAME-debuginfo`).
    pub debug_symbols: Option<DebugSymbols>,
}

/// `[package] strip` and `debug-symbols`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BinaryOptions {
    /// Strip executables and shared libraries (deb and rpm).
    pub strip: bool,
    /// Put the debug information stripped off into a debug-symbols package;
    /// `None`: whenever there is any.
    pub debug_symbols: Option<bool>,
}

/// What a debug-symbols package is for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DebugSymbols {
    /// The package whose binaries these symbols belong to.
    pub of: String,
    /// The GNU build-ids of those binaries, lower-case hex, sorted.
    pub build_ids: Vec<String>,
}

impl Package {
    /// The relations as the given format sees them: each list its section
    /// overrides replaces the common one.
    pub fn relations_for(&self, format: &str) -> Relations {
        let overrides = match format {
            "deb" => &self.formats.deb.relations,
            "rpm" => &self.formats.rpm.relations,
            _ => return self.relations.clone(),
        };
        self.relations.overridden_by(overrides)
    }

    /// Every directory that holds an entry, including the ones the manifest
    /// does not list, sorted; `/` itself is left out.
    pub fn parent_directories(&self) -> BTreeSet<String> {
        let mut dirs = BTreeSet::new();
        for entry in &self.entries {
            let mut path = entry.path.as_str();
            while let Some(cut) = path.rfind('/') {
                path = &path[..cut];
                if path.is_empty() || !dirs.insert(path.to_string()) {
                    break;
                }
            }
        }
        dirs
    }

    /// Sum of the sizes of regular files.
    pub fn payload_size(&self) -> u64 {
        self.entries
            .iter()
            .filter(|e| e.kind.is_regular())
            .map(|e| e.size)
            .sum()
    }
}

/// What an entry is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    File,
    /// A configuration file the package manager keeps when the user edited it.
    Config,
    Doc,
    License,
    Dir,
    Symlink {
        /// What the link points to, as written in the manifest.
        target: String,
    },
}

impl EntryKind {
    /// Whether the entry has bytes (file, config, doc, license).
    pub fn is_regular(&self) -> bool {
        matches!(self, Self::File | Self::Config | Self::Doc | Self::License)
    }
}

/// Where an entry's bytes come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A file on disk, read when the backend streams it.
    Path(PathBuf),
    /// Bytes generated by the manifest layer.
    Bytes(Vec<u8>),
    /// No content (directories, symlinks).
    None,
}

/// One thing the package installs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Absolute, normalized install path, `/usr/bin/hello`.
    pub path: String,
    pub kind: EntryKind,
    /// Permission bits (`0o7777` at most), without the file type.
    pub mode: u32,
    /// Shared: the entries of one manifest line point at one string, so a
    /// million files do not hold a million copies of `root`.
    pub owner: Arc<str>,
    pub group: Arc<str>,
    pub uid: u32,
    pub gid: u32,
    /// Seconds since the epoch.
    pub mtime: u64,
    pub source: Source,
    /// Bytes of content; 0 for directories and symlinks.
    pub size: u64,
    /// False when the manifest allows a deliberately foreign binary here.
    pub arch_check: bool,
    /// False when the manifest says `strip = false` for this file.
    pub strip: bool,
}

impl Entry {
    /// The path without its leading `/`: `usr/bin/hello`.
    pub fn relative_path(&self) -> &str {
        self.path.trim_start_matches('/')
    }

    /// Opens the entry's content for streaming.
    pub fn open(&self) -> io::Result<Box<dyn Read + '_>> {
        match &self.source {
            Source::Path(path) => {
                Ok(Box::new(File::open(path).map_err(|e| {
                    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
                })?))
            }
            Source::Bytes(bytes) => Ok(Box::new(bytes.as_slice())),
            Source::None => Ok(Box::new(io::empty())),
        }
    }

    /// Where the bytes come from, for messages.
    pub fn source_name(&self) -> String {
        match &self.source {
            Source::Path(path) => path.display().to_string(),
            _ => format!("(generated) {}", self.path),
        }
    }
}

/// Maintainer scripts, as shell text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scripts {
    pub pre_install: Option<String>,
    pub post_install: Option<String>,
    pub pre_remove: Option<String>,
    pub post_remove: Option<String>,
}

/// What a package sets up in the system besides its files: services the
/// init system supervises, system users, and tmpfiles entries. Each backend
/// maps these to its own mechanism (systemd scripts, ServiceInstall rows,
/// launchd property lists).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SystemSetup {
    pub services: Vec<Service>,
    pub users: Vec<SystemUser>,
    pub tmpfiles: Vec<TmpFile>,
    /// Install path of the generated sysusers.d file, when there are users.
    pub sysusers_path: Option<String>,
    /// Install path of the generated tmpfiles.d file, when there are entries.
    pub tmpfiles_path: Option<String>,
}

impl SystemSetup {
    /// Whether there is nothing to set up.
    pub fn is_empty(&self) -> bool {
        self.services.is_empty() && self.users.is_empty() && self.tmpfiles.is_empty()
    }
}

/// When the supervisor restarts a service that stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartPolicy {
    No,
    OnFailure,
    Always,
}

/// A long-running program the package installs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    /// `hello-daemon`: the unit is `hello-daemon.service`.
    pub name: String,
    pub description: String,
    /// The program (an install path of a file in the package) and its
    /// arguments; `None` when a hand-written unit is shipped as it is.
    pub exec: Option<Vec<String>>,
    pub user: Option<String>,
    pub group: Option<String>,
    pub restart: RestartPolicy,
    pub after: Vec<String>,
    pub wants: Vec<String>,
    /// `(name, value)` pairs, sorted by name.
    pub environment: Vec<(String, String)>,
    pub working_directory: Option<String>,
    /// Enabled at boot after installation.
    pub enable: bool,
    /// Started on installation.
    pub start: bool,
    /// Restarted after an upgrade (else left running the old program).
    pub restart_on_upgrade: bool,
    /// Install path of the systemd unit, on Linux targets.
    pub unit_path: Option<String>,
    /// The Windows account the service runs as (`NT AUTHORITY\LocalService`);
    /// `None` for LocalSystem.
    pub windows_account: Option<String>,
}

impl Service {
    /// The systemd unit name, `hello-daemon.service`.
    pub fn unit_name(&self) -> String {
        format!("{}.service", self.name)
    }

    /// The program's install path, when the service names one.
    pub fn program(&self) -> Option<&str> {
        self.exec
            .as_ref()
            .and_then(|e| e.first())
            .map(String::as_str)
    }
}

/// A system account the package needs (sysusers.d `u` line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SystemUser {
    pub name: String,
    /// The primary group; a group of the user's own name when `None`.
    pub group: Option<String>,
    pub home: Option<String>,
    pub shell: Option<String>,
    pub description: Option<String>,
}

/// One tmpfiles.d line: a path created, cleaned or adjusted at boot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TmpFile {
    /// The type letter (`d`, `f`, `L`, `z`, …), with any `!`/`+` modifiers.
    pub kind: String,
    pub path: String,
    pub mode: Option<String>,
    pub user: Option<String>,
    pub group: Option<String>,
    pub age: Option<String>,
    pub argument: Option<String>,
}

/// A comparison in a versioned relation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Eq,
    Ge,
    Gt,
}

impl Op {
    /// The operator in RPM's and the manifest's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Eq => "=",
            Op::Ge => ">=",
            Op::Gt => ">",
        }
    }
}

/// One package named in a relation, maybe with a version constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    pub name: String,
    pub constraint: Option<(Op, String)>,
}

/// A relation: one dependency, or alternatives (`a | b`) any of which satisfies it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relation {
    pub alternatives: Vec<Dependency>,
}

impl Relation {
    /// Parses `name`, `name (>= 1.0)`, `name >= 1.0`, and `a | b (>= 2)`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let alternatives = text
            .split('|')
            .map(Dependency::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { alternatives })
    }
}

impl Dependency {
    fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (name, rest) =
            match text.find(|c: char| c.is_whitespace() || c == '(' || "<>=".contains(c)) {
                Some(cut) => (&text[..cut], text[cut..].trim()),
                None => (text, ""),
            };
        if name.is_empty() {
            return Err(format!("relation `{text}` has no package name"));
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-._:()/".contains(c))
        {
            return Err(format!(
                "relation `{text}`: `{name}` is not a valid package name"
            ));
        }
        if rest.is_empty() {
            return Ok(Self {
                name: name.to_string(),
                constraint: None,
            });
        }
        let inner = match rest.strip_prefix('(') {
            Some(r) => r
                .strip_suffix(')')
                .ok_or_else(|| format!("relation `{text}`: missing `)`"))?
                .trim(),
            None => rest,
        };
        let (op, version) = [
            (">=", Op::Ge),
            ("<=", Op::Le),
            (">>", Op::Gt),
            ("<<", Op::Lt),
            ("=", Op::Eq),
            (">", Op::Gt),
            ("<", Op::Lt),
        ]
        .iter()
        .find_map(|(sym, op)| inner.strip_prefix(sym).map(|v| (*op, v.trim())))
        .ok_or_else(|| {
            format!("relation `{text}`: expected an operator (>=, <=, =, >, <) before the version")
        })?;
        if version.is_empty() || version.contains(char::is_whitespace) {
            return Err(format!(
                "relation `{text}`: expected one version after `{}`",
                op.as_str()
            ));
        }
        Ok(Self {
            name: name.to_string(),
            constraint: Some((op, version.to_string())),
        })
    }
}

/// The relations of a package to others.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Relations {
    pub depends: Vec<Relation>,
    pub pre_depends: Vec<Relation>,
    pub recommends: Vec<Relation>,
    pub suggests: Vec<Relation>,
    pub conflicts: Vec<Relation>,
    pub breaks: Vec<Relation>,
    pub replaces: Vec<Relation>,
    pub provides: Vec<Relation>,
    pub obsoletes: Vec<Relation>,
}

/// A format's override of some relation lists (`[deb.relations]`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RelationsOverride {
    pub depends: Option<Vec<Relation>>,
    pub pre_depends: Option<Vec<Relation>>,
    pub recommends: Option<Vec<Relation>>,
    pub suggests: Option<Vec<Relation>>,
    pub conflicts: Option<Vec<Relation>>,
    pub breaks: Option<Vec<Relation>>,
    pub replaces: Option<Vec<Relation>>,
    pub provides: Option<Vec<Relation>>,
    pub obsoletes: Option<Vec<Relation>>,
}

impl Relations {
    /// Each list the override gives replaces this one's.
    pub fn overridden_by(&self, o: &RelationsOverride) -> Relations {
        let pick = |over: &Option<Vec<Relation>>, base: &Vec<Relation>| {
            over.clone().unwrap_or_else(|| base.clone())
        };
        Relations {
            depends: pick(&o.depends, &self.depends),
            pre_depends: pick(&o.pre_depends, &self.pre_depends),
            recommends: pick(&o.recommends, &self.recommends),
            suggests: pick(&o.suggests, &self.suggests),
            conflicts: pick(&o.conflicts, &self.conflicts),
            breaks: pick(&o.breaks, &self.breaks),
            replaces: pick(&o.replaces, &self.replaces),
            provides: pick(&o.provides, &self.provides),
            obsoletes: pick(&o.obsoletes, &self.obsoletes),
        }
    }
}

/// Per-format options (`[deb]`, `[rpm]`, …), already merged and checked.
#[derive(Clone, Debug, Default)]
pub struct FormatSections {
    pub deb: DebOptions,
    pub rpm: RpmOptions,
    pub msi: MsiOptions,
    pub pkg: PkgOptions,
    pub wasm: WasmOptions,
    pub archive: ArchiveOptions,
}

/// `[deb]`.
#[derive(Clone, Debug, Default)]
pub struct DebOptions {
    /// `compression`: `xz` (default), `gzip`, `zstd`, `none`.
    pub compression: Option<String>,
    pub section: Option<String>,
    pub priority: Option<String>,
    pub relations: RelationsOverride,
    /// `embed-signature`: the debsigs `_gpgorigin` member, in signed builds
    /// only when `true`.
    pub embed_signature: Option<bool>,
    /// `auto-depends`: compute Depends from the ELF files (the pipeline does).
    pub auto_depends: bool,
    /// `sysroot`: the root whose dpkg database maps libraries to packages.
    pub sysroot: Option<PathBuf>,
}

/// `[rpm]`.
#[derive(Clone, Debug, Default)]
pub struct RpmOptions {
    /// `compression`: `zstd` (default), `xz`, `gzip`, `none`.
    pub compression: Option<String>,
    pub group: Option<String>,
    /// Paths installed as `%ghost`.
    pub ghost: Vec<String>,
    pub relations: RelationsOverride,
    /// `auto-requires`: add elfdeps' Requires and Provides (the pipeline does).
    pub auto_requires: bool,
}

/// `[msi]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct MsiOptions {
    pub upgrade_code: Option<String>,
    pub install_dir: Option<String>,
    #[serde(default)]
    pub path: bool,
    /// Uncompressed MiB per embedded cabinet (WiX's
    /// MaximumUncompressedMediaSize); cabinets compress in parallel.
    pub max_cabinet_mib: Option<u32>,
}

/// `[pkg]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PkgOptions {
    pub identifier: Option<String>,
    pub install_location: Option<String>,
}

/// `[wasm]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct WasmOptions {
    /// `oci` (default) or `archive`.
    pub layout: Option<String>,
}

/// `[archive]`: options of the tar.gz / tar.xz / tar.zst backends.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ArchiveOptions {
    /// xz block size in MiB; the default is liblzma's (3 × the dictionary).
    pub xz_block_size_mib: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relations_parse_both_spellings() {
        let cases = [
            ("libc6", "libc6", None),
            ("libc6 (>= 2.31)", "libc6", Some((Op::Ge, "2.31"))),
            ("libc6 >= 2.31", "libc6", Some((Op::Ge, "2.31"))),
            ("foo (<< 2)", "foo", Some((Op::Lt, "2"))),
            ("foo = 1:2.0-1", "foo", Some((Op::Eq, "1:2.0-1"))),
            ("foo>1", "foo", Some((Op::Gt, "1"))),
        ];
        for (text, name, constraint) in cases {
            let rel = Relation::parse(text).unwrap();
            assert_eq!(rel.alternatives.len(), 1, "{text}");
            assert_eq!(rel.alternatives[0].name, name, "{text}");
            assert_eq!(
                rel.alternatives[0].constraint,
                constraint.map(|(o, v)| (o, v.to_string())),
                "{text}"
            );
        }
        let alt = Relation::parse("mail-transport-agent | postfix (>= 3)").unwrap();
        assert_eq!(alt.alternatives.len(), 2);
    }

    #[test]
    fn relations_that_do_not_parse_are_refused() {
        for bad in [
            "",
            ">= 2",
            "foo (>= 2",
            "foo (~ 2)",
            "foo >=",
            "foo >= 1 2",
            "f$o",
        ] {
            assert!(Relation::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn pre_release_sorts_with_tilde() {
        let v = Version {
            upstream: semver::Version::parse("1.2.3-rc.1").unwrap(),
            epoch: None,
            release: "1".into(),
        };
        assert_eq!(v.upstream_tilde(), "1.2.3~rc.1");
        let v = Version {
            upstream: semver::Version::parse("1.2.3").unwrap(),
            epoch: None,
            release: "1".into(),
        };
        assert_eq!(v.upstream_tilde(), "1.2.3");
    }
}
