//! Reading a .rpm's header with the `rpm` crate (the payload is not
//! needed: the header lists every file with its digest, mode and owner).

use std::io;
use std::path::Path;

use rpm::{Dependency, DependencyFlags, FileFlags, FileType as RpmFileType};

use super::snapshot::{text_digest, FileInfo, FileType, Kind, Relation, Snapshot};

/// Reads `path` as a .rpm.
pub fn read(path: &Path) -> io::Result<Snapshot> {
    let invalid = |e: rpm::Error| io::Error::new(io::ErrorKind::InvalidData, e.to_string());
    let meta = rpm::PackageMetadata::open(path).map_err(invalid)?;
    let epoch = meta.get_epoch().ok().filter(|e| *e != 0);
    let version = format!(
        "{}{}-{}",
        epoch.map(|e| format!("{e}:")).unwrap_or_default(),
        meta.get_version().map_err(invalid)?,
        meta.get_release().map_err(invalid)?
    );
    let mut snapshot = Snapshot {
        kind: Some(Kind::Rpm),
        name: meta.get_name().map_err(invalid)?.to_string(),
        version,
        ..Snapshot::default()
    };
    for file in meta.get_file_entries().unwrap_or_default() {
        let path = file.path().to_string_lossy().into_owned();
        let kind = match file.file_type() {
            RpmFileType::Regular => FileType::File,
            RpmFileType::Dir => FileType::Dir,
            RpmFileType::SymbolicLink => FileType::Symlink(file.linkto().unwrap_or("").to_string()),
            _ => FileType::Other,
        };
        if file.flags().contains(FileFlags::CONFIG) {
            snapshot.conffiles.insert(path.clone());
        }
        let size = if kind == FileType::File {
            file.size() as u64
        } else {
            0
        };
        snapshot.files.insert(
            path,
            FileInfo {
                kind,
                size,
                mode: u32::from(file.permissions()) & 0o7777,
                owner: file.user().to_string(),
                group: file.group().to_string(),
                digest: file
                    .digest()
                    .map(|d| d.as_hex().to_string())
                    .unwrap_or_default(),
            },
        );
    }
    let lists: [(&str, Result<Vec<Dependency>, rpm::Error>); 7] = [
        ("requires", meta.get_requires()),
        ("provides", meta.get_provides()),
        ("conflicts", meta.get_conflicts()),
        ("obsoletes", meta.get_obsoletes()),
        ("recommends", meta.get_recommends()),
        ("suggests", meta.get_suggests()),
        ("supplements", meta.get_supplements()),
    ];
    let own = snapshot.name.clone();
    for (field, list) in lists {
        let relations: Vec<Relation> = list
            .unwrap_or_default()
            .into_iter()
            // rpmlib() features and the package's own `= EVR` provides
            // change with every release and say nothing about the upgrade.
            .filter(|d| !d.name.starts_with("rpmlib("))
            .filter(|d| !(d.name == own || d.name == format!("config({own})")))
            .map(relation)
            .collect();
        if !relations.is_empty() {
            snapshot.relations.insert(field.to_string(), relations);
        }
    }
    let scripts = [
        ("%pre", meta.get_pre_install_script()),
        ("%post", meta.get_post_install_script()),
        ("%preun", meta.get_pre_uninstall_script()),
        ("%postun", meta.get_post_uninstall_script()),
        ("%pretrans", meta.get_pre_trans_script()),
        ("%posttrans", meta.get_post_trans_script()),
    ];
    for (name, script) in scripts {
        if let Ok(script) = script {
            snapshot
                .scripts
                .insert(name.to_string(), text_digest(&script.script));
        }
    }
    Ok(snapshot)
}

fn relation(d: Dependency) -> Relation {
    let flags = d.flags;
    let op = if flags.contains(DependencyFlags::GE) {
        ">="
    } else if flags.contains(DependencyFlags::LE) {
        "<="
    } else if flags.contains(DependencyFlags::GREATER) {
        ">"
    } else if flags.contains(DependencyFlags::LESS) {
        "<"
    } else if flags.contains(DependencyFlags::EQUAL) {
        "="
    } else {
        ""
    };
    let text = if op.is_empty() {
        d.name.clone()
    } else {
        format!("{} {op} {}", d.name, d.version)
    };
    Relation {
        name: d.name,
        op: op.to_string(),
        version: if op.is_empty() {
            String::new()
        } else {
            d.version
        },
        text,
    }
}
