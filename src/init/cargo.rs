//! `init` in a Rust crate: `[package]` from Cargo.toml, one `[[files]]`
//! item per binary target (`[[bin]]`, `src/main.rs`, `src/bin/*`), and the
//! crate's licence, readme and man pages.

use std::path::Path;

use serde::Deserialize;

use super::{docs_and_man_pages, maintainer_from_env, render, FileItem, PackageInfo, Scaffold};
use crate::manifest::ManifestError;

#[derive(Deserialize)]
struct CargoToml {
    package: Option<Package>,
    #[serde(default)]
    bin: Vec<Bin>,
    workspace: Option<toml::Value>,
}

/// The `[package]` keys `init` reads; a key inherited from the workspace
/// (`version.workspace = true`) is not a string and is left for the person.
#[derive(Deserialize)]
struct Package {
    name: String,
    version: Option<toml::Value>,
    description: Option<toml::Value>,
    license: Option<toml::Value>,
    authors: Option<toml::Value>,
    homepage: Option<toml::Value>,
    repository: Option<toml::Value>,
    autobins: Option<bool>,
}

#[derive(Deserialize)]
struct Bin {
    name: Option<String>,
}

fn string(value: &Option<toml::Value>) -> Option<String> {
    value
        .as_ref()
        .and_then(toml::Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The first sentence of a description, on one line: the summary.
fn first_sentence(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.find(". ") {
        Some(end) => line[..end].to_string(),
        None => line.trim_end_matches('.').to_string(),
    }
}

pub(super) fn scaffold(dir: &Path, cargo_toml: &Path) -> Result<Scaffold, ManifestError> {
    let text = std::fs::read_to_string(cargo_toml)
        .map_err(|e| ManifestError::new(cargo_toml, format!("cannot read it: {e}")))?;
    let cargo: CargoToml = toml::from_str(&text)
        .map_err(|e| ManifestError::new(cargo_toml, crate::manifest::parse_message(&e)))?;
    let Some(package) = cargo.package else {
        let what = if cargo.workspace.is_some() {
            "is a workspace without a [package]; run `vitte-buildkit init` in the folder of the member to package"
        } else {
            "has no [package]"
        };
        return Err(ManifestError::new(cargo_toml, what));
    };
    let description = string(&package.description);
    let info = PackageInfo {
        // Debian and RPM names take no `_` nor upper case.
        name: package.name.to_ascii_lowercase().replace('_', "-"),
        version: string(&package.version),
        summary: description.as_deref().map(first_sentence),
        description: description.filter(|d| first_sentence(d) != d.trim_end_matches('.')),
        license: string(&package.license),
        maintainer: package
            .authors
            .as_ref()
            .and_then(toml::Value::as_array)
            .and_then(|a| a.first())
            .and_then(toml::Value::as_str)
            .map(str::to_string)
            .filter(|a| a.contains('<'))
            .or_else(maintainer_from_env),
        homepage: string(&package.homepage).or_else(|| string(&package.repository)),
    };
    let target_dir = target_dir(dir);
    let mut files: Vec<FileItem> = binaries(dir, &package, &cargo.bin)
        .into_iter()
        .map(|bin| {
            FileItem::new(
                format!(
                    "Built by `cargo build --release`. For another target, build with\n`cargo build --release --target T` and use src = \"{target_dir}/{{triple}}/release/{bin}\"."
                ),
                &format!("{target_dir}/release/{bin}"),
                "/usr/bin/",
            )
            .mode("0755")
        })
        .collect();
    let mut notes = Vec::new();
    if files.is_empty() {
        notes.push(
            "No binary target was found (a library crate?): add [[files]] items for what to install."
                .to_string(),
        );
    }
    files.extend(docs_and_man_pages(dir, &mut notes));
    let header = format!(
        "buildkit.toml for {}, written by `vitte-buildkit init` from its Cargo.toml.\nPackage it with: cargo build --release && vitte-buildkit package",
        package.name
    );
    Ok(Scaffold {
        from: "Cargo.toml".into(),
        text: render(&header, &info, &files, &notes),
    })
}

/// Cargo's output folder, relative to the crate: `target`, or the
/// workspace's (`../../target`) when a folder above holds a Cargo.toml with
/// a `[workspace]` table.
fn target_dir(dir: &Path) -> String {
    let Ok(absolute) = dir.canonicalize() else {
        return "target".into();
    };
    for (up, ancestor) in absolute.ancestors().enumerate().skip(1) {
        let is_workspace = std::fs::read_to_string(ancestor.join("Cargo.toml"))
            .ok()
            .and_then(|text| text.parse::<toml::Table>().ok())
            .is_some_and(|table| table.contains_key("workspace"));
        if is_workspace {
            return format!("{}target", "../".repeat(up));
        }
    }
    "target".into()
}

/// The crate's binaries, as cargo finds them: `[[bin]]` targets, then (unless
/// `autobins = false`) `src/main.rs` and `src/bin/<name>.rs` or
/// `src/bin/<name>/main.rs`.
fn binaries(dir: &Path, package: &Package, declared: &[Bin]) -> Vec<String> {
    let mut names: Vec<String> = declared
        .iter()
        .map(|b| b.name.clone().unwrap_or_else(|| package.name.clone()))
        .collect();
    if package.autobins != Some(false) {
        if dir.join("src/main.rs").is_file() {
            names.push(package.name.clone());
        }
        if let Ok(entries) = std::fs::read_dir(dir.join("src/bin")) {
            for entry in entries.flatten() {
                let path = entry.path();
                let name = if path.is_dir() && path.join("main.rs").is_file() {
                    entry.file_name().into_string().ok()
                } else if path.extension().is_some_and(|e| e == "rs") {
                    path.file_stem()
                        .and_then(|s| s.to_str())
                        .map(str::to_string)
                } else {
                    None
                };
                names.extend(name);
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workspace_member_builds_into_the_workspace_target() {
        let root = tempfile::tempdir().unwrap();
        let member = root.path().join("crates/tool");
        std::fs::create_dir_all(&member).unwrap();
        assert_eq!(target_dir(&member), "target");
        std::fs::write(
            root.path().join("Cargo.toml"),
            "[workspace]\nmembers = [\"crates/tool\"]\n",
        )
        .unwrap();
        assert_eq!(target_dir(&member), "../../target");
    }

    #[test]
    fn the_summary_is_the_first_sentence() {
        assert_eq!(first_sentence("Greets.  Then\nmore."), "Greets");
        assert_eq!(first_sentence("A tool for x"), "A tool for x");
        assert_eq!(first_sentence("A tool for x."), "A tool for x");
    }
}
