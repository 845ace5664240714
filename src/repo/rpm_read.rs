//! Reads what rpm-md metadata needs from an .rpm's header (the `rpm`
//! crate parses it; the payload is never read): names, versions,
//! dependencies, files, changelog, and where the header lies in the file.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use rpm::{DependencyFlags, FileFlags, FileType, PackageMetadata};
use serde::{Deserialize, Serialize};

use super::{IoContext, RepoError, Result};

/// One dependency as rpm-md writes it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Dep {
    pub name: String,
    /// `EQ`, `LT`, `LE`, `GT`, `GE`, or empty for any version.
    pub flags: String,
    pub epoch: String,
    pub ver: String,
    pub rel: String,
    /// A dependency of a scriptlet run before install (`pre="1"`).
    pub pre: bool,
}

/// One installed path; `kind` is `""` for a file, `dir` or `ghost`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RpmFile {
    pub path: String,
    pub kind: String,
}

/// A changelog entry.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Change {
    pub author: String,
    pub date: u64,
    pub text: String,
}

/// Everything rpm-md lists about one package, from its header.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RpmInfo {
    pub name: String,
    pub epoch: u32,
    pub version: String,
    pub release: String,
    pub arch: String,
    pub summary: String,
    pub description: String,
    pub packager: String,
    pub url: String,
    pub license: String,
    pub vendor: String,
    pub group: String,
    pub buildhost: String,
    pub sourcerpm: String,
    pub build_time: u64,
    pub installed_size: u64,
    /// The uncompressed cpio payload's size, 0 when the header lacks it.
    pub archive_size: u64,
    pub header_start: u64,
    pub header_end: u64,
    pub provides: Vec<Dep>,
    pub requires: Vec<Dep>,
    pub conflicts: Vec<Dep>,
    pub obsoletes: Vec<Dep>,
    pub recommends: Vec<Dep>,
    pub suggests: Vec<Dep>,
    pub supplements: Vec<Dep>,
    pub enhances: Vec<Dep>,
    pub files: Vec<RpmFile>,
    pub changelog: Vec<Change>,
}

/// Reads the header of `path`.
pub fn read(path: &Path) -> Result<RpmInfo> {
    let shown = path.display();
    let file = File::open(path).context_with(|| format!("cannot open {shown}"))?;
    let meta = PackageMetadata::parse(&mut BufReader::new(file))
        .map_err(|e| RepoError::Invalid(format!("{shown} is not a readable .rpm: {e}")))?;
    if meta.is_source_package() {
        return Err(RepoError::Invalid(format!(
            "{shown} is a source rpm: a binary repository holds binary packages"
        )));
    }
    let required = |value: std::result::Result<&str, rpm::Error>, tag: &str| {
        value
            .map(String::from)
            .map_err(|e| RepoError::Invalid(format!("{shown}: no {tag} in the header: {e}")))
    };
    let optional =
        |value: std::result::Result<&str, rpm::Error>| value.map(String::from).unwrap_or_default();
    let deps = |value: std::result::Result<Vec<rpm::Dependency>, rpm::Error>| {
        value.map(convert_deps).unwrap_or_default()
    };
    let offsets = meta.get_package_segment_offsets();
    Ok(RpmInfo {
        name: required(meta.get_name(), "name")?,
        epoch: meta.get_epoch().unwrap_or(0),
        version: required(meta.get_version(), "version")?,
        release: required(meta.get_release(), "release")?,
        arch: required(meta.get_arch(), "arch")?,
        summary: optional(meta.get_summary()),
        description: optional(meta.get_description()),
        packager: optional(meta.get_packager()),
        url: optional(meta.get_url()),
        license: optional(meta.get_license()),
        vendor: optional(meta.get_vendor()),
        group: optional(meta.get_group()),
        buildhost: optional(meta.get_build_host()),
        sourcerpm: optional(meta.get_source_rpm()),
        build_time: meta.get_build_time().unwrap_or(0),
        installed_size: meta.get_installed_size().unwrap_or(0),
        archive_size: archive_size(&meta),
        header_start: offsets.header,
        header_end: offsets.payload,
        provides: deps(meta.get_provides()),
        requires: deps(meta.get_requires())
            .into_iter()
            .filter(|d| !d.name.starts_with("rpmlib("))
            .collect(),
        conflicts: deps(meta.get_conflicts()),
        obsoletes: deps(meta.get_obsoletes()),
        recommends: deps(meta.get_recommends()),
        suggests: deps(meta.get_suggests()),
        supplements: deps(meta.get_supplements()),
        enhances: deps(meta.get_enhances()),
        files: files(&meta),
        changelog: meta
            .get_changelog_entries()
            .unwrap_or_default()
            .into_iter()
            .map(|c| Change {
                author: c.name,
                date: c.timestamp,
                text: c.description,
            })
            .collect(),
    })
}

fn archive_size(meta: &PackageMetadata) -> u64 {
    use rpm::IndexSignatureTag as Sig;
    meta.signature
        .get_entry_data_as_u32(Sig::RPMSIGTAG_PAYLOADSIZE)
        .map(u64::from)
        .or_else(|_| {
            meta.signature
                .get_entry_data_as_u64(Sig::RPMSIGTAG_LONGARCHIVESIZE)
        })
        .unwrap_or(0)
}

fn files(meta: &PackageMetadata) -> Vec<RpmFile> {
    let mut files: Vec<RpmFile> = meta
        .get_file_entries()
        .unwrap_or_default()
        .iter()
        .map(|f| RpmFile {
            path: f.path().to_string_lossy().into_owned(),
            kind: if f.flags().contains(FileFlags::GHOST) {
                "ghost"
            } else if f.file_type() == FileType::Dir {
                "dir"
            } else {
                ""
            }
            .to_string(),
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Dependencies in rpm-md's form, duplicates dropped, order kept.
fn convert_deps(deps: Vec<rpm::Dependency>) -> Vec<Dep> {
    let mut out: Vec<Dep> = Vec::new();
    for dep in deps {
        let flags = dep.flags;
        let relation = if flags.contains(DependencyFlags::LE) {
            "LE"
        } else if flags.contains(DependencyFlags::GE) {
            "GE"
        } else if flags.contains(DependencyFlags::EQUAL) {
            "EQ"
        } else if flags.contains(DependencyFlags::LESS) {
            "LT"
        } else if flags.contains(DependencyFlags::GREATER) {
            "GT"
        } else {
            ""
        };
        let (epoch, ver, rel) = split_evr(&dep.version);
        let pre = flags.intersects(
            DependencyFlags::PREREQ | DependencyFlags::SCRIPT_PRE | DependencyFlags::SCRIPT_POST,
        );
        let converted = Dep {
            name: dep.name,
            flags: relation.to_string(),
            epoch,
            ver,
            rel,
            pre,
        };
        if !out.contains(&converted) {
            out.push(converted);
        }
    }
    out
}

/// `[E:]V[-R]` → (E, V, R); the epoch defaults to 0 when a version is given.
fn split_evr(evr: &str) -> (String, String, String) {
    if evr.is_empty() {
        return Default::default();
    }
    let (epoch, rest) = match evr.split_once(':') {
        Some((e, rest)) if e.chars().all(|c| c.is_ascii_digit()) => (e.to_string(), rest),
        _ => ("0".to_string(), evr),
    };
    let (ver, rel) = match rest.rsplit_once('-') {
        Some((v, r)) => (v.to_string(), r.to_string()),
        None => (rest.to_string(), String::new()),
    };
    (epoch, ver, rel)
}

#[cfg(test)]
mod tests {
    use super::split_evr;

    #[test]
    fn evr_splits_like_createrepo() {
        let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(split_evr("1.2.3-1"), s("0", "1.2.3", "1"));
        assert_eq!(split_evr("2:1.0-3.el9"), s("2", "1.0", "3.el9"));
        assert_eq!(split_evr("1.0"), s("0", "1.0", ""));
        assert_eq!(split_evr(""), s("", "", ""));
    }
}
