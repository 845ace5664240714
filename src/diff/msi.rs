//! Reading an .msi database with the `msi` crate: ProductName,
//! ProductVersion, ProductCode and UpgradeCode from Property; files from
//! File with their folders resolved through Directory; each component's
//! GUID by the install path of its key path.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use super::snapshot::{FileInfo, FileType, Kind, Snapshot};

/// One table's rows as column → text (integers written out).
fn rows(
    package: &mut msi::Package<std::fs::File>,
    table: &str,
) -> io::Result<Vec<BTreeMap<String, String>>> {
    if !package.has_table(table) {
        return Ok(Vec::new());
    }
    let columns: Vec<String> = package
        .get_table(table)
        .map(|t| t.columns().iter().map(|c| c.name().to_string()).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for row in package.select_rows(msi::Select::table(table))? {
        let mut map = BTreeMap::new();
        for (i, column) in columns.iter().enumerate() {
            let value = &row[i];
            let text = value
                .as_str()
                .map(str::to_string)
                .or_else(|| value.as_int().map(|n| n.to_string()))
                .unwrap_or_default();
            map.insert(column.clone(), text);
        }
        out.push(map);
    }
    Ok(out)
}

/// The long name of a `SHORT|long` (or `target:source`) column value.
fn long_name(value: &str) -> &str {
    let target = value.split(':').next().unwrap_or(value);
    target.rsplit('|').next().unwrap_or(target)
}

/// Reads `path` as an .msi.
pub fn read(path: &Path) -> io::Result<Snapshot> {
    let mut package = msi::open(path)?;
    let property: BTreeMap<String, String> = rows(&mut package, "Property")?
        .into_iter()
        .map(|r| (r["Property"].clone(), r["Value"].clone()))
        .collect();
    let mut snapshot = Snapshot {
        kind: Some(Kind::Msi),
        name: property.get("ProductName").cloned().unwrap_or_default(),
        version: property.get("ProductVersion").cloned().unwrap_or_default(),
        ..Snapshot::default()
    };
    for key in ["ProductCode", "UpgradeCode"] {
        if let Some(value) = property.get(key) {
            snapshot
                .identity
                .insert(key.to_string(), value.to_uppercase());
        }
    }
    let directories: BTreeMap<String, (String, String)> = rows(&mut package, "Directory")?
        .into_iter()
        .map(|r| {
            (
                r["Directory"].clone(),
                (r["Directory_Parent"].clone(), r["DefaultDir"].clone()),
            )
        })
        .collect();
    let folder = |id: &str| -> String {
        let mut parts = Vec::new();
        let mut current = id.to_string();
        for _ in 0..64 {
            let Some((parent, default)) = directories.get(&current) else {
                break;
            };
            let name = long_name(default);
            if parent.is_empty() || parent == &current {
                break;
            }
            if name == "." {
                current = parent.clone();
                continue;
            }
            // Standard folders (ProgramFiles64Folder, …) stand for themselves.
            if directories.get(parent).is_some_and(|(p, _)| p.is_empty()) {
                parts.push(format!("[{current}]"));
            } else {
                parts.push(name.to_string());
            }
            current = parent.clone();
        }
        parts.reverse();
        format!("/{}", parts.join("/"))
    };
    let components: BTreeMap<String, (String, String, String)> = rows(&mut package, "Component")?
        .into_iter()
        .map(|r| {
            (
                r["Component"].clone(),
                (
                    r["ComponentId"].to_uppercase(),
                    r["Directory_"].clone(),
                    r["KeyPath"].clone(),
                ),
            )
        })
        .collect();
    let mut file_paths = BTreeMap::new();
    for file in rows(&mut package, "File")? {
        let Some((_, dir, _)) = components.get(&file["Component_"]) else {
            continue;
        };
        let path = format!(
            "{}/{}",
            folder(dir).trim_end_matches('/'),
            long_name(&file["FileName"])
        );
        file_paths.insert(file["File"].clone(), path.clone());
        snapshot.files.insert(
            path,
            FileInfo {
                kind: FileType::File,
                size: file["FileSize"].parse().unwrap_or(0),
                mode: 0,
                owner: String::new(),
                group: String::new(),
                digest: file["Version"].clone(),
            },
        );
    }
    for (guid, dir, key) in components.values() {
        let key_path = file_paths.get(key).cloned().unwrap_or_else(|| folder(dir));
        snapshot.components.insert(key_path, guid.clone());
    }
    snapshot.msi_services = rows(&mut package, "ServiceInstall")?
        .into_iter()
        .map(|r| r["Name"].clone())
        .collect();
    Ok(snapshot)
}
