//! The upgrade diff: what an installed system sees when it moves from one
//! release of a package to the next — files added, removed and changed,
//! configuration files, relations, scripts, version ordering by the
//! format's own rules, and format identities (MSI UpgradeCode, ProductCode,
//! component GUIDs, pkg identifier). Artifacts are read back with the same crates the
//! backends write them with; nothing here writes.

mod archive;
pub mod compare;
mod deb;
mod msi;
mod pkg;
mod rpm;
pub mod snapshot;
pub mod version;

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

pub use compare::{compare, Finding, Report};
pub use snapshot::{Kind, Snapshot};

use crate::error::{Error, Result};

/// Reads an artifact: .deb, .rpm, .msi, .pkg, or a tar archive (.tar, .tar.gz,
/// .tgz, .tar.xz, .tar.zst), recognised by its first bytes.
pub fn read(path: &Path) -> Result<Snapshot> {
    let read_error = |source| Error::Read {
        path: path.into(),
        source,
    };
    let mut magic = [0u8; 8];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut magic))
        .map_err(read_error)?;
    let magic = &magic[..n];
    let name = path.to_string_lossy();
    let result = if magic.starts_with(b"!<arch>\n") {
        deb::read(path)
    } else if magic.starts_with(&[0xed, 0xab, 0xee, 0xdb]) {
        rpm::read(path)
    } else if magic.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]) {
        msi::read(path)
    } else if magic.starts_with(b"xar!") {
        pkg::read(path)
    } else {
        tar_snapshot(path, &name)
    };
    result.map_err(|source| Error::Read {
        path: path.into(),
        source,
    })
}

fn tar_snapshot(path: &Path, name: &str) -> std::io::Result<Snapshot> {
    let mut snapshot = Snapshot {
        kind: Some(Kind::Tar),
        ..Snapshot::default()
    };
    let file = BufReader::new(File::open(path)?);
    archive::read_tar(archive::decompress(name, file)?, &mut snapshot)?;
    // One top folder named after the release (`hello-1.2.3-x86_64…/`) is
    // not part of what is installed: compare what is below it.
    let tops: std::collections::BTreeSet<&str> = snapshot
        .files
        .keys()
        .map(|p| p[1..].split('/').next().unwrap_or(""))
        .collect();
    if let [top] = tops.into_iter().collect::<Vec<_>>()[..] {
        let prefix = format!("/{top}");
        snapshot.files = std::mem::take(&mut snapshot.files)
            .into_iter()
            .filter(|(p, _)| *p != prefix)
            .map(|(p, f)| (p[prefix.len()..].to_string(), f))
            .collect();
    }
    Ok(snapshot)
}

/// Reads both artifacts and compares them; they must be of one format.
pub fn diff(old: &Path, new: &Path) -> Result<Report> {
    let (a, b) = (read(old)?, read(new)?);
    if a.kind != b.kind {
        return Err(Error::Usage(format!(
            "{} is a {} and {} a {}: compare two artifacts of one format",
            old.display(),
            a.kind.map_or("?", Kind::as_str),
            new.display(),
            b.kind.map_or("?", Kind::as_str)
        )));
    }
    Ok(compare(&a, &b))
}

/// `package --against OLD`: compares the previous release with each staged
/// artifact of the same format, reports warnings and errors through the
/// listener, and fails (before anything is moved into place) on an error.
pub fn check_against(
    old: &Path,
    staged: &[std::path::PathBuf],
    listener: &dyn crate::events::Listener,
) -> Result<()> {
    let before = read(old)?;
    let mut compared = 0;
    let mut errors = Vec::new();
    for path in staged {
        let Ok(after) = read(path) else { continue };
        if after.kind != before.kind {
            continue;
        }
        compared += 1;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        for finding in compare(&before, &after).findings {
            let line = format!(
                "upgrade {} → {name}: [{}] {}",
                old.display(),
                finding.id,
                finding.message
            );
            match finding.level {
                crate::lint::Level::Error => errors.push(line),
                crate::lint::Level::Warning => listener.event(crate::events::Event::Warning(&line)),
                crate::lint::Level::Info => {}
            }
        }
    }
    if compared == 0 {
        return Err(Error::Usage(format!(
            "--against {}: this build writes no artifact of its format ({})",
            old.display(),
            before.kind.map_or("?", Kind::as_str)
        )));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Upgrade(errors.join("\n")))
    }
}
