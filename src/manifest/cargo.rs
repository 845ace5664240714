//! `[package.metadata.buildkit]` in a Cargo.toml: the crate's `[package]`
//! gives name, version, description, license, authors and homepage, so a
//! Rust crate packages with almost no configuration.

use std::path::{Path, PathBuf};

use super::schema::{CargoManifest, CargoPackage, Manifest};
use super::{parse_message, LoadedManifest, ManifestError};

/// Keys of `[package]` that may also stand directly in `[package.metadata.buildkit]`.
const PACKAGE_KEYS: &[&str] = &[
    "name",
    "version",
    "release",
    "epoch",
    "summary",
    "description",
    "license",
    "maintainer",
    "homepage",
    "vendor",
    "source-date-epoch",
];

pub(super) fn load(
    path: &Path,
    text: &str,
    wanted: Option<&str>,
) -> Result<LoadedManifest, ManifestError> {
    let cargo: CargoManifest =
        toml::from_str(text).map_err(|e| ManifestError::new(path, parse_message(&e)))?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    match (cargo.package, wanted) {
        (Some(package), None) => from_package(path, dir, package),
        (Some(package), Some(wanted)) if wanted == package.name => from_package(path, dir, package),
        (package, Some(wanted)) => {
            let members = cargo.workspace.map(|w| w.members).unwrap_or_default();
            for member in expand_members(&dir, &members) {
                let member_path = member.join("Cargo.toml");
                let Ok(text) = std::fs::read_to_string(&member_path) else {
                    continue;
                };
                let Ok(parsed) = toml::from_str::<CargoManifest>(&text) else {
                    continue;
                };
                if parsed.package.as_ref().is_some_and(|p| p.name == wanted) {
                    return load(&member_path, &text, Some(wanted));
                }
            }
            let here = package
                .map(|p| format!(" (it describes `{}`)", p.name))
                .unwrap_or_default();
            Err(ManifestError::new(
                path,
                format!("no package named `{wanted}` here{here} nor among its workspace members"),
            ))
        }
        (None, None) => Err(ManifestError::new(
            path,
            "this Cargo.toml has no [package]; select a workspace member with --package NAME",
        )),
    }
}

fn expand_members(dir: &Path, members: &[String]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for member in members {
        match member.strip_suffix("/*") {
            Some(parent) => {
                if let Ok(read) = std::fs::read_dir(dir.join(parent)) {
                    let mut dirs: Vec<PathBuf> = read
                        .flatten()
                        .map(|e| e.path())
                        .filter(|p| p.is_dir())
                        .collect();
                    dirs.sort();
                    found.extend(dirs);
                }
            }
            None => found.push(dir.join(member)),
        }
    }
    found
}

fn from_package(
    path: &Path,
    dir: PathBuf,
    package: CargoPackage,
) -> Result<LoadedManifest, ManifestError> {
    let mut table = match package.metadata.get("buildkit") {
        Some(toml::Value::Table(t)) => t.clone(),
        Some(_) => {
            return Err(ManifestError::new(
                path,
                "[package.metadata.buildkit] must be a table",
            ))
        }
        None => toml::Table::new(),
    };
    let mut package_table = match table.remove("package") {
        Some(toml::Value::Table(t)) => t,
        Some(_) => {
            return Err(ManifestError::new(
                path,
                "[package.metadata.buildkit.package] must be a table",
            ))
        }
        None => toml::Table::new(),
    };
    for key in PACKAGE_KEYS {
        if let Some(value) = table.remove(*key) {
            package_table.insert((*key).to_string(), value);
        }
    }
    let text = |v: &Option<toml::Value>, key: &str| -> Result<Option<String>, ManifestError> {
        match v {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ManifestError::new(
                path,
                format!("[package] {key} is inherited from the workspace; set `{key}` in [package.metadata.buildkit] instead"),
            )),
        }
    };
    let mut defaults: Vec<(&str, Option<String>)> = vec![
        ("name", Some(package.name.clone())),
        ("version", text(&package.version, "version")?),
        ("license", text(&package.license, "license")?),
        (
            "homepage",
            text(&package.homepage, "homepage")?.or(text(&package.repository, "repository")?),
        ),
    ];
    if let Some(description) = text(&package.description, "description")? {
        defaults.push(("summary", Some(first_sentence(&description))));
        defaults.push(("description", Some(description)));
    }
    if let Some(toml::Value::Array(authors)) = &package.authors {
        defaults.push((
            "maintainer",
            authors.first().and_then(|a| a.as_str()).map(str::to_string),
        ));
    }
    for (key, value) in defaults {
        if let Some(value) = value {
            package_table
                .entry(key)
                .or_insert(toml::Value::String(value));
        }
    }
    table.insert("package".into(), toml::Value::Table(package_table));
    let mut manifest: Manifest =
        toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| {
                ManifestError::new(
                    path,
                    format!("[package.metadata.buildkit]: {}", parse_message(&e)),
                )
            })?;
    if manifest.files.is_empty() {
        manifest.cargo_binary = Some(package.name);
    }
    Ok(LoadedManifest {
        path: path.to_path_buf(),
        dir,
        manifest,
    })
}

/// The first line, or the first sentence of it, without a trailing period.
fn first_sentence(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let sentence = line.split(". ").next().unwrap_or(line);
    sentence.trim_end_matches('.').to_string()
}
