//! `init` in a folder of built files: each file is sniffed (the same
//! inspector the architecture check uses) and given the place its kind
//! takes: programs into `/usr/bin`, shared and static libraries into the
//! library folder (Linux only), man pages into their section, the licence
//! and readme into the documentation folder, systemd units into
//! `/usr/lib/systemd/system`, `*.conf` into `/etc/<name>/` as configuration.

use std::path::Path;

use walkdir::WalkDir;

use super::{docs_and_man_pages, maintainer_from_env, render, FileItem, PackageInfo, Scaffold};
use crate::inspect::{identify_file, Identity};
use crate::manifest::ManifestError;

/// How deep below the folder files are looked for.
const MAX_DEPTH: usize = 3;

/// Folders that hold build scaffolding or output, not what to install.
const SKIPPED: [&str; 3] = ["target", "dist", "node_modules"];

pub(super) fn scaffold(dir: &Path) -> Result<Scaffold, ManifestError> {
    let mut files = Vec::new();
    let mut notes = Vec::new();
    let mut first_program = None;
    let walk = WalkDir::new(dir)
        .min_depth(1)
        .max_depth(MAX_DEPTH)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            let skipped_dir = e.file_type().is_dir() && SKIPPED.contains(&&*name);
            !name.starts_with('.') && !skipped_dir
        });
    for entry in walk {
        let entry =
            entry.map_err(|e| ManifestError::new(dir, format!("cannot read the folder: {e}")))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let name = entry.file_name().to_string_lossy().into_owned();
        let identity = identify_file(entry.path())
            .map_err(|e| ManifestError::new(entry.path(), e.to_string()))?;
        if let Some(item) = binary_item(&rel, &name, &identity) {
            if item.dst.contains("/usr/bin/") && first_program.is_none() {
                first_program = Some(name.trim_end_matches(".exe").to_string());
            }
            files.push(item);
        } else if name.ends_with(".service")
            || name.ends_with(".socket")
            || name.ends_with(".timer")
        {
            files.push(
                FileItem::new(
                    "A systemd unit: installed, not enabled (the package runs no systemctl).",
                    &rel,
                    "/usr/lib/systemd/system/",
                )
                .linux_only("/usr/lib/systemd/system/"),
            );
        } else if name.ends_with(".conf") {
            files.push(
                FileItem::new(
                    "Configuration, kept when edited (Linux packages only: the macOS installer has none).",
                    &rel,
                    "/etc/{name}/",
                )
                .linux_only("/etc/{name}/")
                .kind("config"),
            );
        } else if !is_known_doc(&rel, &name) {
            notes.push(format!("Not placed: {rel}"));
        }
    }
    let mut man_notes = Vec::new();
    files.extend(docs_and_man_pages(dir, &mut man_notes));
    if !notes.is_empty() {
        notes.insert(
            0,
            "Files init did not know where to put; add a [[files]] item for each one to install:"
                .to_string(),
        );
    }
    notes.extend(man_notes);
    let folder_name = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()));
    let name = first_program
        .or(folder_name)
        .map(|n| package_name(&n))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "program".to_string());
    let info = PackageInfo {
        name: name.clone(),
        maintainer: maintainer_from_env(),
        ..PackageInfo::default()
    };
    let header = format!(
        "buildkit.toml for {name}, written by `vitte-buildkit init` from the files in this folder.\nPackage it with: vitte-buildkit package"
    );
    Ok(Scaffold {
        from: "the files in the folder".into(),
        text: render(&header, &info, &files, &notes),
    })
}

/// A package name from a file or folder name: lower case, and only the
/// characters every format takes.
fn package_name(text: &str) -> String {
    text.to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+-.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_string()
}

/// The licence, readme and man pages `docs_and_man_pages` places.
fn is_known_doc(rel: &str, name: &str) -> bool {
    let top = !rel.contains('/');
    let in_doc_folder = ["man/", "doc/", "docs/"]
        .iter()
        .any(|d| rel.strip_prefix(d).is_some_and(|r| !r.contains('/')));
    (super::man_section(name).is_some() && (top || in_doc_folder))
        || (top && (super::is_license(name) || super::is_readme(name)))
}

/// Where a binary goes: programs into /usr/bin, libraries into the library
/// folder; `None` for what is not machine code.
fn binary_item(rel: &str, name: &str, identity: &Identity) -> Option<FileItem> {
    let library_name = name.ends_with(".so")
        || name.contains(".so.")
        || name.ends_with(".dylib")
        || name.ends_with(".a");
    match identity {
        Identity::Elf(elf) if elf.kind == "executable" && !library_name => Some(program(rel)),
        Identity::Elf(elf) if elf.kind == "shared object" || library_name => Some(library(rel)),
        Identity::Archive(_) => Some(library(rel)),
        Identity::MachO(_) if library_name => None,
        Identity::MachO(_) => Some(program(rel)),
        Identity::Pe(pe) if pe.kind == "dll" || name.ends_with(".dll") => Some(
            FileItem::new("A Windows library, beside the programs.", rel, "/usr/bin/").mode("0644"),
        ),
        Identity::Pe(_) => Some(program(rel)),
        _ => None,
    }
}

fn program(rel: &str) -> FileItem {
    FileItem::new(
        "A program (inspected: it must fit each target you package for).",
        rel,
        "/usr/bin/",
    )
    .mode("0755")
}

fn library(rel: &str) -> FileItem {
    FileItem::new(
        "A library, for Linux packages (Debian's multiarch folder would be\n/usr/lib/x86_64-linux-gnu/, Fedora's /usr/lib64/).",
        rel,
        "/usr/lib/",
    )
    .linux_only("/usr/lib/")
    .mode("0644")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_keep_only_what_every_format_takes() {
        assert_eq!(package_name("Hello_World.exe"), "hello-world.exe");
        assert_eq!(package_name("_x_"), "x");
        assert_eq!(package_name("my tool"), "my-tool");
    }
}
