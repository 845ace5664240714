//! An apt repository: `pool/COMPONENT/…/*.deb` and `dists/SUITE/` with, per
//! component and architecture, `binary-ARCH/Packages` (plain, `.gz`, `.xz`),
//! `Contents-ARCH.gz`, and a `Release` listing every index with its MD5Sum,
//! SHA1, SHA256 and SHA512, cleartext-signed as `InRelease` and detached as
//! `Release.gpg`. `Acquire-By-Hash: yes`: each index is also stored under
//! `by-hash/HASH/DIGEST`, and the previous generation's copies are kept,
//! so a client that fetched the older Release still finds its indexes.
//!
//! `all` packages are listed in every architecture's Packages (apt's
//! `No-Support-for-Architecture-all: Packages`), and in `binary-all` too.
//! What each .deb says (its control paragraph and installed paths) is kept
//! in `db/apt.json`, so an update reads only the new packages.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::deb_read::{self, field};
use super::files::{self, Staging};
use super::hashes::Hashes;
use super::{MetadataSigner, RepoError, Result};

/// The state file, relative to the repository.
pub const STATE_FILE: &str = "db/apt.json";
/// The hashes a Release lists, in apt's names.
const HASH_NAMES: [&str; 4] = ["MD5Sum", "SHA1", "SHA256", "SHA512"];

/// Where packages go and what the Release says.
#[derive(Clone, Debug)]
pub struct AptOptions {
    pub suite: String,
    pub component: String,
    pub origin: Option<String>,
    pub label: Option<String>,
    /// Seconds since the epoch for the Release's `Date`.
    pub date: u64,
}

/// What an update did.
#[derive(Debug, Default)]
pub struct AptReport {
    /// Pool paths of packages new to the repository.
    pub added: Vec<String>,
    /// Pool paths of packages that were already there with the same bytes.
    pub unchanged: Vec<String>,
    /// The suite's folder (`dists/SUITE`).
    pub suite_dir: PathBuf,
    /// Index files written, relative to the suite's folder.
    pub indexes: usize,
}

/// What the repository holds, as kept between updates.
#[derive(Default, Serialize, Deserialize)]
struct State {
    packages: Vec<DebRecord>,
}

/// One .deb in the pool and what was read from it.
#[derive(Clone, Serialize, Deserialize)]
struct DebRecord {
    name: String,
    version: String,
    architecture: String,
    /// The pool path, relative to the repository.
    filename: String,
    hashes: Hashes,
    control: String,
    files: Vec<String>,
    /// `SUITE/COMPONENT` pairs it is published in.
    dists: BTreeSet<String>,
}

impl DebRecord {
    fn id(&self) -> String {
        format!("{} {} ({})", self.name, self.version, self.architecture)
    }

    fn section(&self) -> &str {
        field(&self.control, "Section").unwrap_or("misc")
    }
}

/// Adds `debs` to the repository at `repo` (created if missing) and
/// rewrites the indexes of the suite, signed by `signer` when given.
pub fn update(
    repo: &Path,
    options: &AptOptions,
    debs: &[PathBuf],
    signer: Option<&MetadataSigner>,
) -> Result<AptReport> {
    check_name("suite", &options.suite)?;
    check_name("component", &options.component)?;
    let lock = files::RepoLock::take(repo)?;
    let state_path = repo.join(STATE_FILE);
    let mut state: State = files::load_state(&state_path)?;
    let dist = format!("{}/{}", options.suite, options.component);
    let mut report = AptReport::default();
    for deb in debs {
        let hashes = files::hash_file(deb)?;
        if let Some(known) = state
            .packages
            .iter_mut()
            .find(|p| p.hashes.sha256 == hashes.sha256)
        {
            // Already in the pool: new to this suite/component, or unchanged.
            if known.dists.insert(dist.clone()) {
                report.added.push(known.filename.clone());
            } else {
                report.unchanged.push(known.filename.clone());
            }
            continue;
        }
        let mut record = read_new(repo, deb, hashes, &options.component, &state)?;
        record.dists.insert(dist.clone());
        report.added.push(record.filename.clone());
        state.packages.push(record);
    }
    state.packages.sort_by(|a, b| {
        (&a.name, &a.version, &a.architecture).cmp(&(&b.name, &b.version, &b.architecture))
    });
    let live = repo.join("dists").join(&options.suite);
    let staging = Staging::new(repo, &lock)?;
    report.indexes = write_suite(&staging.tree(), &live, options, &state, signer)?;
    staging.swap_into(&live)?;
    files::save_state(&state_path, &state)?;
    report.suite_dir = live;
    Ok(report)
}

/// Reads a .deb new to the repository and copies it into the pool; a
/// package with its name, version and architecture already there is refused.
fn read_new(
    repo: &Path,
    deb: &Path,
    hashes: Hashes,
    component: &str,
    state: &State,
) -> Result<DebRecord> {
    let info = deb_read::read(deb)?;
    let get = |name: &str| {
        field(&info.control, name)
            .filter(|v| !v.is_empty())
            .map(String::from)
            .ok_or_else(|| {
                RepoError::Invalid(format!("{}: the control file has no {name}", deb.display()))
            })
    };
    let (name, version, architecture) = (get("Package")?, get("Version")?, get("Architecture")?);
    check_name("package name", &name)?;
    check_name("architecture", &architecture)?;
    let filename = pool_path(component, &name, &version, &architecture);
    let record = DebRecord {
        name,
        version,
        architecture,
        filename,
        hashes,
        control: info.control,
        files: info.files,
        dists: BTreeSet::new(),
    };
    if let Some(known) = state.packages.iter().find(|p| {
        (&p.name, &p.version, &p.architecture)
            == (&record.name, &record.version, &record.architecture)
    }) {
        return Err(RepoError::Conflict(format!(
            "{}: {} is already published with other bytes (sha256 {}, this file's is {}): a repository never changes a published version; give the package a new version",
            deb.display(),
            record.id(),
            known.hashes.sha256,
            record.hashes.sha256
        )));
    }
    files::copy_into_pool(deb, &repo.join(&record.filename), &record.hashes)?;
    Ok(record)
}

/// `pool/main/h/hello/hello_1.0-1_amd64.deb`; `lib` names get four letters
/// of prefix, as in Debian's archive. The epoch is not part of file names.
fn pool_path(component: &str, name: &str, version: &str, arch: &str) -> String {
    let prefix = if name.starts_with("lib") && name.len() > 3 {
        &name[..4]
    } else {
        &name[..1]
    };
    let version = version.split_once(':').map_or(version, |(_, v)| v);
    format!("pool/{component}/{prefix}/{name}/{name}_{version}_{arch}.deb")
}

/// Names that become path components must be plain.
fn check_name(what: &str, value: &str) -> Result<()> {
    let ok = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-._~".contains(c))
        && !value.starts_with('.');
    if ok {
        Ok(())
    } else {
        Err(RepoError::Invalid(format!(
            "{what} `{value}` must be letters, digits and + - . _ ~ (it becomes a path)"
        )))
    }
}

/// Writes every index of the suite into `tree`; returns how many.
fn write_suite(
    tree: &Path,
    live: &Path,
    options: &AptOptions,
    state: &State,
    signer: Option<&MetadataSigner>,
) -> Result<usize> {
    let prefix = format!("{}/", options.suite);
    let in_suite: Vec<(&str, &DebRecord)> = state
        .packages
        .iter()
        .flat_map(|p| {
            p.dists
                .iter()
                .filter_map(|d| d.strip_prefix(&prefix))
                .map(move |component| (component, p))
        })
        .collect();
    let components: BTreeSet<&str> = in_suite.iter().map(|(c, _)| *c).collect();
    let arches: BTreeSet<&str> = in_suite
        .iter()
        .map(|(_, p)| p.architecture.as_str())
        .filter(|a| *a != "all")
        .collect();
    let mut listed = Vec::new();
    for component in &components {
        let here: Vec<&DebRecord> = in_suite
            .iter()
            .filter(|(c, _)| c == component)
            .map(|(_, p)| *p)
            .collect();
        for arch in arches.iter().copied().chain(["all"]) {
            let packages: Vec<&DebRecord> = here
                .iter()
                .copied()
                .filter(|p| p.architecture == arch || p.architecture == "all")
                .collect();
            let dir = format!("{component}/binary-{arch}");
            listed.extend(write_packages(tree, &dir, &packages)?);
            let contents = format!("{component}/Contents-{arch}.gz");
            listed.push(write_index(
                tree,
                &contents,
                &files::gzip(contents_of(&packages).as_bytes())?,
            )?);
        }
    }
    let release = release_text(options, &components, &arches, &listed);
    let old_release = std::fs::read_to_string(live.join("Release")).unwrap_or_default();
    files::carry_by_hash(live, tree, &listed_digests(&old_release))?;
    files::write_atomic(&tree.join("Release"), release.as_bytes())?;
    if let Some(signer) = signer {
        let detached = signer.detached(release.as_bytes())?;
        files::write_atomic(&tree.join("Release.gpg"), detached.as_bytes())?;
        let inline = signer.clearsign(&release)?;
        files::write_atomic(&tree.join("InRelease"), inline.as_bytes())?;
    }
    Ok(listed.len())
}

/// Writes Packages, Packages.gz and Packages.xz for `packages` in `dir`.
fn write_packages(
    tree: &Path,
    dir: &str,
    packages: &[&DebRecord],
) -> Result<Vec<(String, Hashes)>> {
    let mut text = String::new();
    for p in packages {
        let h = &p.hashes;
        let _ = write!(
            text,
            "{}\nFilename: {}\nSize: {}\nMD5sum: {}\nSHA1: {}\nSHA256: {}\nSHA512: {}\n\n",
            p.control, p.filename, h.size, h.md5, h.sha1, h.sha256, h.sha512
        );
    }
    let plain = text.as_bytes();
    Ok(vec![
        write_index(tree, &format!("{dir}/Packages"), plain)?,
        write_index(tree, &format!("{dir}/Packages.gz"), &files::gzip(plain)?)?,
        write_index(tree, &format!("{dir}/Packages.xz"), &files::xz(plain)?)?,
    ])
}

/// `Contents-ARCH`: each installed path and the `section/package`s that
/// install it, sorted by path.
fn contents_of(packages: &[&DebRecord]) -> String {
    let mut owners: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for p in packages {
        for file in &p.files {
            owners
                .entry(file.as_str())
                .or_default()
                .insert(format!("{}/{}", p.section(), p.name));
        }
    }
    let mut text = String::new();
    for (path, who) in owners {
        let who: Vec<&str> = who.iter().map(String::as_str).collect();
        let _ = writeln!(text, "{path:<59} {}", who.join(","));
    }
    text
}

/// Writes one index at `relative` and its by-hash copies; returns its
/// Release line data.
fn write_index(tree: &Path, relative: &str, bytes: &[u8]) -> Result<(String, Hashes)> {
    let path = tree.join(relative);
    files::write_atomic(&path, bytes)?;
    let hashes = Hashes::of_bytes(bytes);
    let dir = path.parent().unwrap_or(tree);
    for name in HASH_NAMES {
        let copy = dir
            .join("by-hash")
            .join(name)
            .join(hashes.by_apt_name(name));
        if !copy.exists() {
            files::write_atomic(&copy, bytes)?;
        }
    }
    Ok((relative.to_string(), hashes))
}

fn release_text(
    options: &AptOptions,
    components: &BTreeSet<&str>,
    arches: &BTreeSet<&str>,
    listed: &[(String, Hashes)],
) -> String {
    let mut text = String::new();
    if let Some(origin) = &options.origin {
        let _ = writeln!(text, "Origin: {origin}");
    }
    if let Some(label) = &options.label {
        let _ = writeln!(text, "Label: {label}");
    }
    let all_arches: Vec<&str> = ["all"].into_iter().chain(arches.iter().copied()).collect();
    let components: Vec<&str> = components.iter().copied().collect();
    let _ = write!(
        text,
        "Suite: {suite}\nCodename: {suite}\nDate: {}\nArchitectures: {}\nComponents: {}\nAcquire-By-Hash: yes\n",
        rfc2822(options.date),
        all_arches.join(" "),
        components.join(" "),
        suite = options.suite,
    );
    if !arches.is_empty() {
        text.push_str("No-Support-for-Architecture-all: Packages\n");
    }
    for name in HASH_NAMES {
        let _ = writeln!(text, "{name}:");
        for (path, hashes) in listed {
            let _ = writeln!(
                text,
                " {} {:>16} {path}",
                hashes.by_apt_name(name),
                hashes.size
            );
        }
    }
    text
}

/// Every digest a Release lists.
fn listed_digests(release: &str) -> HashSet<String> {
    release
        .lines()
        .filter(|l| l.starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .map(String::from)
        .collect()
}

/// `Sat, 02 Dec 2023 12:00:00 UTC`, the Date form apt reads.
fn rfc2822(secs: u64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(i64::try_from(secs).unwrap_or(0))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let weekday = &t.weekday().to_string()[..3];
    let month = &t.month().to_string()[..3];
    format!(
        "{weekday}, {:02} {month} {} {:02}:{:02}:{:02} UTC",
        t.day(),
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_paths_follow_debian() {
        assert_eq!(
            pool_path("main", "hello", "1:2.0-1", "amd64"),
            "pool/main/h/hello/hello_2.0-1_amd64.deb"
        );
        assert_eq!(
            pool_path("main", "libfoo1", "1.0", "all"),
            "pool/main/libf/libfoo1/libfoo1_1.0_all.deb"
        );
    }

    #[test]
    fn dates_and_names() {
        assert_eq!(rfc2822(1_700_000_000), "Tue, 14 Nov 2023 22:13:20 UTC");
        assert!(check_name("suite", "stable").is_ok());
        assert!(check_name("suite", "../x").is_err());
        assert!(check_name("suite", "a/b").is_err());
    }
}
