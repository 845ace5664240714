//! `init`: writes a first, commented `buildkit.toml` from what a folder
//! holds — a Rust crate's Cargo.toml, or a folder of built files (programs,
//! libraries, man pages, licence, unit files). The text is a starting point
//! a person edits; what it writes packages for the host as it stands.
//!
//! Nothing here packages anything or prints: the CLI writes the text.

mod cargo;
mod folder;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::manifest::ManifestError;

/// The manifest text for `dir`, and what it was made from.
#[derive(Debug)]
pub struct Scaffold {
    /// `Cargo.toml`, or `the files in <dir>`.
    pub from: String,
    pub text: String,
}

/// Writes the manifest text for `dir`: from its Cargo.toml when it has one,
/// otherwise from the files it holds.
pub fn scaffold(dir: &Path) -> Result<Scaffold, ManifestError> {
    if !dir.is_dir() {
        return Err(ManifestError::new(
            dir,
            "is not a folder; name the project's folder",
        ));
    }
    let cargo_toml = dir.join("Cargo.toml");
    if cargo_toml.is_file() {
        return cargo::scaffold(dir, &cargo_toml);
    }
    folder::scaffold(dir)
}

/// The `[package]` values a scaffold fills in; `None` gets a placeholder
/// with a comment saying what to write.
#[derive(Debug, Default)]
struct PackageInfo {
    name: String,
    version: Option<String>,
    summary: Option<String>,
    description: Option<String>,
    license: Option<String>,
    maintainer: Option<String>,
    homepage: Option<String>,
}

/// One `[[files]]` item, with the comment above it.
#[derive(Debug)]
struct FileItem {
    comment: String,
    src: String,
    /// A TOML value: a quoted string or an inline per-system table.
    dst: String,
    kind: Option<&'static str>,
    mode: Option<&'static str>,
}

impl FileItem {
    fn new(comment: impl Into<String>, src: &str, dst: &str) -> Self {
        FileItem {
            comment: comment.into(),
            src: src.to_string(),
            dst: quote(dst),
            kind: None,
            mode: None,
        }
    }

    /// Installed on Linux only (`dst = { linux = "…" }`).
    fn linux_only(mut self, dst: &str) -> Self {
        self.dst = format!("{{ linux = {} }}", quote(dst));
        self
    }

    fn kind(mut self, kind: &'static str) -> Self {
        self.kind = Some(kind);
        self
    }

    fn mode(mut self, mode: &'static str) -> Self {
        self.mode = Some(mode);
        self
    }
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The maintainer from the environment, the way Debian's tools find it
/// (`DEBFULLNAME`/`NAME` and `DEBEMAIL`/`EMAIL`).
fn maintainer_from_env() -> Option<String> {
    let var = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
    };
    let email = var(&["DEBEMAIL", "EMAIL"])?;
    if email.contains('<') {
        return Some(email);
    }
    let name = var(&["DEBFULLNAME", "NAME"])?;
    Some(format!("{} <{}>", name.trim(), email.trim()))
}

/// The manifest text: a header, `[package]`, the files, and notes.
fn render(header: &str, info: &PackageInfo, files: &[FileItem], notes: &[String]) -> String {
    let mut out = String::new();
    for line in header.lines() {
        let _ = writeln!(out, "# {line}");
    }
    out.push_str("# Every key is described in docs/manifest.md.\n\n[package]\n");
    let field =
        |out: &mut String, key: &str, value: &Option<String>, fallback: &str, hint: &str| {
            match value {
                Some(v) => {
                    let _ = writeln!(out, "{key} = {}", quote(v));
                }
                None => {
                    let _ = writeln!(out, "{key} = {}  # {hint}", quote(fallback));
                }
            }
        };
    let _ = writeln!(out, "name = {}", quote(&info.name));
    field(
        &mut out,
        "version",
        &info.version,
        "0.1.0",
        "fill in: the program's version (semver)",
    );
    let summary = format!("The {} program", info.name);
    field(
        &mut out,
        "summary",
        &info.summary,
        &summary,
        "fill in: one line",
    );
    // Without a description, the .deb's long description would only
    // repeat the summary (lintian: extended-description-is-empty).
    let description = format!("The {} program, packaged from its built files.", info.name);
    field(
        &mut out,
        "description",
        &info.description,
        &description,
        "fill in: what the program does, in a sentence or more",
    );
    field(
        &mut out,
        "license",
        &info.license,
        "NOASSERTION",
        "fill in: an SPDX expression such as \"MIT\" or \"GPL-3.0-or-later\"",
    );
    field(
        &mut out,
        "maintainer",
        &info.maintainer,
        "Maintainer <maintainer@example.org>",
        "fill in: \"Name <email>\"",
    );
    match &info.homepage {
        Some(url) => {
            let _ = writeln!(out, "homepage = {}", quote(url));
        }
        None => out.push_str("# homepage = \"https://…\"\n"),
    }
    for item in files {
        out.push('\n');
        for line in item.comment.lines() {
            let _ = writeln!(out, "# {line}");
        }
        let _ = writeln!(
            out,
            "[[files]]\nsrc = {}\ndst = {}",
            quote(&item.src),
            item.dst
        );
        if let Some(kind) = item.kind {
            let _ = writeln!(out, "kind = \"{kind}\"");
        }
        if let Some(mode) = item.mode {
            let _ = writeln!(out, "mode = \"{mode}\"");
        }
    }
    if !notes.is_empty() {
        out.push('\n');
        for note in notes {
            for line in note.lines() {
                let _ = writeln!(out, "# {line}");
            }
        }
    }
    out
}

/// The section of a man page's file name (`*.1` … `*.9`, optionally with a
/// suffix such as `3pm`, optionally gzipped).
fn man_section(file_name: &str) -> Option<char> {
    let name = file_name.strip_suffix(".gz").unwrap_or(file_name);
    let (stem, ext) = name.rsplit_once('.')?;
    let mut chars = ext.chars();
    let section = chars.next()?;
    let rest: String = chars.collect();
    // `libhello.so.1` is a shared library's version, not a section.
    let library = stem.ends_with(".so") || stem.contains(".so.");
    (!stem.is_empty()
        && !library
        && ('1'..='9').contains(&section)
        && rest.chars().all(|c| c.is_ascii_lowercase()))
    .then_some(section)
}

/// Whether a file name is a licence text (`LICENSE`, `LICENSE-MIT`, `COPYING`, …).
fn is_license(file_name: &str) -> bool {
    let upper = file_name.to_ascii_uppercase();
    ["LICENSE", "LICENCE", "COPYING"]
        .iter()
        .any(|p| upper.starts_with(p))
}

/// Whether a file name is a readme.
fn is_readme(file_name: &str) -> bool {
    file_name.to_ascii_uppercase().starts_with("README")
}

/// The licence, readme and man page files in `dir` and its `man/`, `doc/`
/// and `docs/` folders, as `[[files]]` items; a note for each manual page
/// that is not gzip'd yet (Debian and Fedora install them compressed, and
/// the lint gate refuses one that is not).
fn docs_and_man_pages(dir: &Path, notes: &mut Vec<String>) -> Vec<FileItem> {
    let mut items = Vec::new();
    for sub in ["", "man", "doc", "docs"] {
        for (rel, name) in files_in(dir, sub) {
            if let Some(section) = man_section(&name) {
                if !name.ends_with(".gz") {
                    notes.push(format!(
                        "Not placed: {rel}, a manual page: gzip -9n it, then install {rel}.gz at /usr/share/man/man{section}/"
                    ));
                    continue;
                }
                items.push(
                    FileItem::new(
                        "A manual page.",
                        &rel,
                        &format!("/usr/share/man/man{section}/"),
                    )
                    .kind("doc"),
                );
            } else if sub.is_empty() && is_license(&name) {
                items.push(
                    FileItem::new("The licence text.", &rel, "/usr/share/doc/{name}/")
                        .kind("license"),
                );
            } else if sub.is_empty() && is_readme(&name) {
                items.push(
                    FileItem::new("Documentation.", &rel, "/usr/share/doc/{name}/").kind("doc"),
                );
            }
        }
    }
    items
}

/// The regular files directly in `dir/sub`, sorted: (path relative to
/// `dir`, file name).
fn files_in(dir: &Path, sub: &str) -> Vec<(String, String)> {
    let folder: PathBuf = if sub.is_empty() {
        dir.to_path_buf()
    } else {
        dir.join(sub)
    };
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return Vec::new();
    };
    let mut found: Vec<(String, String)> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .map(|n| {
            let rel = if sub.is_empty() {
                n.clone()
            } else {
                format!("{sub}/{n}")
            };
            (rel, n)
        })
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn man_sections_licences_and_readmes_are_told_by_name() {
        for (name, section) in [
            ("hello.1", Some('1')),
            ("hello.1.gz", Some('1')),
            ("hello.3pm", Some('3')),
            ("hello.8", Some('8')),
            ("hello.c", None),
            ("hello.10", None),
            (".1", None),
            ("libhello.so.1", None),
        ] {
            assert_eq!(man_section(name), section, "{name}");
        }
        assert!(is_license("LICENSE-MIT") && is_license("COPYING") && !is_license("hello"));
        assert!(is_readme("README.md") && !is_readme("hello.1"));
    }

    #[test]
    fn quoted_values_read_back_as_the_same_text() {
        for text in ["a \"b\"\n", "plain", "back\\slash", "two\n\nparagraphs"] {
            let parsed: toml::Table = toml::from_str(&format!("x = {}", quote(text))).unwrap();
            assert_eq!(parsed["x"].as_str(), Some(text));
        }
    }
}
