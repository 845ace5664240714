//! What one artifact installs and says about itself, read back from the
//! artifact: the common ground the diff compares. Readers per format live
//! beside it (`deb`, `rpm`, `msi`, `archive`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read};

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Which package manager reads the artifact: it decides version ordering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Deb,
    Rpm,
    Msi,
    Pkg,
    Tar,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Deb => "deb",
            Kind::Rpm => "rpm",
            Kind::Msi => "msi",
            Kind::Pkg => "pkg",
            Kind::Tar => "tar",
        }
    }
}

/// The type of an installed entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileType {
    File,
    Dir,
    Symlink(String),
    Other,
}

/// One installed entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileInfo {
    pub kind: FileType,
    pub size: u64,
    /// Permission bits, `0o7777` at most.
    pub mode: u32,
    pub owner: String,
    pub group: String,
    /// Hex digest of the content (any algorithm, the same for both sides
    /// of one format); empty when the format records none.
    pub digest: String,
}

/// A versioned relation: the package named, and the constraint as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Relation {
    pub name: String,
    /// `>=`, `<=`, `=`, `>>`/`>`, `<<`/`<`; empty when unversioned.
    pub op: String,
    pub version: String,
    /// The whole clause as written (alternatives included), for messages.
    pub text: String,
}

/// Everything the diff compares.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Snapshot {
    pub kind: Option<Kind>,
    pub name: String,
    /// In the format's own spelling (`1:1.2-3`, `1.2-3`, `1.2.3.0`).
    pub version: String,
    /// Absolute install path → entry.
    pub files: BTreeMap<String, FileInfo>,
    pub conffiles: BTreeSet<String>,
    /// Field (`depends`, `conflicts`, …) → relations.
    pub relations: BTreeMap<String, Vec<Relation>>,
    /// Script name (`postinst`, `%post`) → its digest.
    pub scripts: BTreeMap<String, String>,
    /// Format identities: `UpgradeCode`, `ProductCode`, `identifier`.
    pub identity: BTreeMap<String, String>,
    /// MSI: key path → component GUID.
    pub components: BTreeMap<String, String>,
    /// MSI: the ServiceInstall table's service names. Other formats say
    /// their services with files (see `compare::services`).
    pub msi_services: BTreeSet<String>,
}

/// Streams `reader` into a SHA-256; returns the size and the hex digest.
pub fn digest(reader: &mut impl Read) -> io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let size = io::copy(reader, &mut hasher)?;
    Ok((
        size,
        vitte_buildkit_formats::write::hash::hex(&hasher.finalize()),
    ))
}

/// Hex SHA-256 of a text.
pub fn text_digest(text: &str) -> String {
    vitte_buildkit_formats::write::hash::hex(&Sha256::digest(text.as_bytes()))
}

/// Parses one Debian relation clause (`a (>= 1) | b`) into its first
/// alternative, keeping the whole text.
pub fn deb_relation(clause: &str) -> Relation {
    let first = clause.split('|').next().unwrap_or("").trim();
    let (name, constraint) = match first.split_once('(') {
        Some((name, rest)) => (name.trim(), rest.trim_end_matches(')').trim()),
        None => (first, ""),
    };
    let op_len = constraint
        .find(|c: char| !"<>=".contains(c))
        .unwrap_or(constraint.len());
    Relation {
        name: name.to_string(),
        op: constraint[..op_len].to_string(),
        version: constraint[op_len..].trim().to_string(),
        text: clause.trim().to_string(),
    }
}
