//! An rpm-md repository, as dnf and yum read it: the packages under
//! `Packages/X/`, and `repodata/` with `primary`, `filelists` and `other`
//! (each as `.xml.gz` and `.xml.zst`, named by their SHA-256) and
//! `repomd.xml`, which lists each with its compressed and open SHA-256 and
//! size, signed as `repomd.xml.asc` (dnf's `repo_gpgcheck=1`).
//!
//! The standard entries (`primary`, …) point at the gzip forms, which every
//! dnf and yum reads; the zstd forms are listed as `primary_zst`, … — or the
//! other way round with `prefer_zstd`. What each .rpm's header says is kept
//! in `db/rpm.json`, so an update reads only the new packages; the metadata
//! files of the previous generation stay beside the new ones.

mod xml;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::files::{self, Staging};
use super::hashes::Hashes;
use super::rpm_read::{self, RpmInfo};
use super::{MetadataSigner, RepoError, Result};

/// The state file, relative to the repository.
pub const STATE_FILE: &str = "db/rpm.json";

/// How the metadata is written.
#[derive(Clone, Debug)]
pub struct RpmOptions {
    /// Seconds since the epoch: repomd's revision and timestamps.
    pub time: u64,
    /// List the zstd forms under the standard names (dnf ≥ 4 with a
    /// zstd-enabled libsolv), gzip as `*_gz`.
    pub prefer_zstd: bool,
}

/// What an update did.
#[derive(Debug, Default)]
pub struct RpmReport {
    pub added: Vec<String>,
    pub unchanged: Vec<String>,
    pub repodata: PathBuf,
}

#[derive(Default, Serialize, Deserialize)]
struct State {
    packages: Vec<Record>,
}

/// One package in the repository and what its header said.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Record {
    info: RpmInfo,
    /// Relative to the repository.
    location: String,
    sha256: String,
    size: u64,
}

impl Record {
    fn nevra(&self) -> (&str, u32, &str, &str, &str) {
        let i = &self.info;
        (&i.name, i.epoch, &i.version, &i.release, &i.arch)
    }

    fn shown(&self) -> String {
        let i = &self.info;
        format!(
            "{}-{}:{}-{}.{}",
            i.name, i.epoch, i.version, i.release, i.arch
        )
    }
}

/// Adds `rpms` to the repository at `repo` (created if missing) and
/// rewrites `repodata/`, signed by `signer` when given.
pub fn update(
    repo: &Path,
    rpms: &[PathBuf],
    options: &RpmOptions,
    signer: Option<&MetadataSigner>,
) -> Result<RpmReport> {
    let lock = files::RepoLock::take(repo)?;
    let state_path = repo.join(STATE_FILE);
    let mut state: State = files::load_state(&state_path)?;
    let mut report = RpmReport::default();
    for rpm in rpms {
        let hashes = files::hash_file(rpm)?;
        if let Some(known) = state.packages.iter().find(|p| p.sha256 == hashes.sha256) {
            report.unchanged.push(known.location.clone());
            continue;
        }
        let record = add_new(repo, rpm, hashes, &state)?;
        report.added.push(record.location.clone());
        state.packages.push(record);
    }
    state.packages.sort_by(|a, b| a.nevra().cmp(&b.nevra()));
    let live = repo.join("repodata");
    let staging = Staging::new(repo, &lock)?;
    write_repodata(&staging.tree(), &live, &state, options, signer)?;
    staging.swap_into(&live)?;
    files::save_state(&state_path, &state)?;
    report.repodata = live;
    Ok(report)
}

fn add_new(repo: &Path, rpm: &Path, hashes: Hashes, state: &State) -> Result<Record> {
    let info = rpm_read::read(rpm)?;
    let file_name = format!(
        "{}-{}-{}.{}.rpm",
        info.name, info.version, info.release, info.arch
    );
    if file_name.contains('/') || file_name.starts_with('.') {
        return Err(RepoError::Invalid(format!(
            "{}: the header's name, version, release or arch make the file name `{file_name}`, which is not a plain name",
            rpm.display()
        )));
    }
    let first = file_name.chars().next().unwrap_or('_').to_ascii_lowercase();
    let record = Record {
        location: format!("Packages/{first}/{file_name}"),
        sha256: hashes.sha256.clone(),
        size: hashes.size,
        info,
    };
    if let Some(known) = state.packages.iter().find(|p| p.nevra() == record.nevra()) {
        return Err(RepoError::Conflict(format!(
            "{}: {} is already published with other bytes (sha256 {}, this file's is {}): a repository never changes a published version; give the package a new release",
            rpm.display(),
            record.shown(),
            known.sha256,
            record.sha256
        )));
    }
    files::copy_into_pool(rpm, &repo.join(&record.location), &hashes)?;
    Ok(record)
}

fn write_repodata(
    tree: &Path,
    live: &Path,
    state: &State,
    options: &RpmOptions,
    signer: Option<&MetadataSigner>,
) -> Result<()> {
    let records: Vec<&Record> = state.packages.iter().collect();
    let documents = [
        ("primary", xml::primary(&records)),
        ("filelists", xml::filelists(&records)),
        ("other", xml::other(&records)),
    ];
    let mut entries = Vec::new();
    for (kind, text) in &documents {
        let open = Hashes::of_bytes(text.as_bytes());
        let forms = [
            ("gz", files::gzip(text.as_bytes())?),
            ("zst", files::zstd(text.as_bytes())?),
        ];
        for (ext, bytes) in forms {
            let hashes = Hashes::of_bytes(&bytes);
            let name = format!("{}-{kind}.xml.{ext}", hashes.sha256);
            files::write_atomic(&tree.join(&name), &bytes)?;
            let standard = (ext == "zst") == options.prefer_zstd;
            entries.push(xml::DataEntry {
                kind: if standard {
                    kind.to_string()
                } else {
                    format!("{kind}_{ext}")
                },
                location: format!("repodata/{name}"),
                sha256: hashes.sha256,
                size: hashes.size,
                open_sha256: open.sha256.clone(),
                open_size: open.size,
            });
        }
    }
    keep_previous(live, tree)?;
    let repomd = xml::repomd(options.time, &entries);
    files::write_atomic(&tree.join("repomd.xml"), repomd.as_bytes())?;
    if let Some(signer) = signer {
        let signature = signer.detached(repomd.as_bytes())?;
        files::write_atomic(&tree.join("repomd.xml.asc"), signature.as_bytes())?;
    }
    Ok(())
}

/// Links the metadata files the previous repomd.xml names into the new
/// tree: a client that read it a moment ago still finds them.
fn keep_previous(live: &Path, tree: &Path) -> Result<()> {
    let Ok(old) = std::fs::read_to_string(live.join("repomd.xml")) else {
        return Ok(());
    };
    let named: HashSet<&str> = old
        .split("href=\"repodata/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|name| !name.contains('/'))
        .collect();
    for name in named {
        let (from, to) = (live.join(name), tree.join(name));
        if from.is_file() && !to.exists() && std::fs::hard_link(&from, &to).is_err() {
            std::fs::copy(&from, &to).map_err(|source| RepoError::Io {
                context: format!("cannot keep {}", from.display()),
                source,
            })?;
        }
    }
    Ok(())
}
