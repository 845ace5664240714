//! Reading a .deb: the control fields, conffiles and maintainer scripts
//! from control.tar, the files from data.tar (ar members read with `ar`).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use super::archive::{decompress, read_tar};
use super::snapshot::{deb_relation, text_digest, Kind, Snapshot};

/// The relation fields the diff compares, as the control file names them.
const RELATION_FIELDS: &[&str] = &[
    "Depends",
    "Pre-Depends",
    "Recommends",
    "Suggests",
    "Conflicts",
    "Breaks",
    "Replaces",
    "Provides",
];

const SCRIPTS: &[&str] = &[
    "preinst", "postinst", "prerm", "postrm", "config", "triggers",
];

/// Reads `path` as a .deb.
pub fn read(path: &Path) -> io::Result<Snapshot> {
    let mut snapshot = Snapshot {
        kind: Some(Kind::Deb),
        ..Snapshot::default()
    };
    let mut archive = ar::Archive::new(BufReader::new(File::open(path)?));
    let mut saw_control = false;
    while let Some(entry) = archive.next_entry() {
        let entry = entry?;
        let name = String::from_utf8_lossy(entry.header().identifier()).into_owned();
        if name.starts_with("control.tar") {
            read_control(decompress(&name, entry)?, &mut snapshot)?;
            saw_control = true;
        } else if name.starts_with("data.tar") {
            read_tar(decompress(&name, entry)?, &mut snapshot)?;
        }
    }
    if !saw_control {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "no control.tar member: not a Debian package",
        ));
    }
    Ok(snapshot)
}

fn read_control(reader: impl Read, snapshot: &mut Snapshot) -> io::Result<()> {
    let mut archive = tar::Archive::new(reader);
    for entry in archive.entries()? {
        let mut entry = entry?;
        let name = entry
            .path()?
            .to_string_lossy()
            .trim_start_matches("./")
            .to_string();
        let mut text = String::new();
        if entry.header().entry_type() != tar::EntryType::Regular {
            continue;
        }
        entry.read_to_string(&mut text)?;
        match name.as_str() {
            "control" => fields(&text, snapshot),
            "conffiles" => {
                snapshot.conffiles = text
                    .lines()
                    .map(|l| {
                        l.trim_start_matches("remove-on-upgrade ")
                            .trim()
                            .to_string()
                    })
                    .filter(|l| !l.is_empty())
                    .collect()
            }
            n if SCRIPTS.contains(&n) => {
                snapshot.scripts.insert(n.to_string(), text_digest(&text));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The control paragraph's fields (continuation lines joined).
pub fn control_fields(text: &str) -> BTreeMap<String, String> {
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    let mut last: Option<String> = None;
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(value) = last.as_ref().and_then(|k| fields.get_mut(k)) {
                value.push('\n');
                value.push_str(line.trim());
            }
        } else if let Some((key, value)) = line.split_once(':') {
            fields.insert(key.trim().to_string(), value.trim().to_string());
            last = Some(key.trim().to_string());
        }
    }
    fields
}

fn fields(text: &str, snapshot: &mut Snapshot) {
    let fields = control_fields(text);
    snapshot.name = fields.get("Package").cloned().unwrap_or_default();
    snapshot.version = fields.get("Version").cloned().unwrap_or_default();
    for field in RELATION_FIELDS {
        if let Some(value) = fields.get(*field) {
            let relations = value
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(deb_relation)
                .collect();
            snapshot.relations.insert(field.to_lowercase(), relations);
        }
    }
}
