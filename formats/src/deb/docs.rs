//! The files Debian policy wants in every binary package, generated when
//! the manifest does not ship them: `/usr/share/doc/<name>/copyright`
//! (machine-readable, DEP-5) and `/usr/share/doc/<name>/changelog.Debian.gz`
//! (one entry for this version, gzip without name or time, like `gzip -9n`).
//! The texts come from `templates/deb/`, embedded in the binary.
//!
//! lintian asks the first changelog entry of a Debian revision `1` to close
//! an ITP bug, which a package built outside the Debian archive does not
//! have; with a generated changelog, that one tag is overridden in
//! `/usr/share/lintian/overrides/<name>`, with the reason in a comment.

use std::io::Write;

use crate::model::{Entry, EntryKind, Package, Source};
use crate::write::{date, Compression};

use super::control::deb_version;

const COPYRIGHT: &str = include_str!("../../../templates/deb/copyright");
const LICENSE_COMMON: &str = include_str!("../../../templates/deb/license-common");
const LICENSE_OTHER: &str = include_str!("../../../templates/deb/license-other");
const CHANGELOG: &str = include_str!("../../../templates/deb/changelog");
const LINTIAN_OVERRIDES: &str = include_str!("../../../templates/deb/lintian-overrides");

/// The policy files the package lacks (none when its doc folder is a link
/// or a file: that is the manifest's choice). Only the new entries are
/// returned, so a package of a million files is never copied for three.
pub fn policy_files(package: &Package, epoch: u64) -> std::io::Result<Vec<Entry>> {
    let doc = format!("/usr/share/doc/{}", package.name);
    let has = |path: &str| package.entries.iter().any(|e| e.path == path);
    let mut extra = Vec::new();
    let doc_taken = package.entries.iter().any(|e| {
        e.kind != EntryKind::Dir && (doc == e.path || doc.starts_with(&format!("{}/", e.path)))
    });
    if doc_taken {
        return Ok(extra);
    }
    let copyright = format!("{doc}/copyright");
    if !has(&copyright) {
        let text = copyright_text(package, epoch);
        extra.push(generated(copyright, text.into_bytes(), epoch));
    }
    let changelog = format!("{doc}/changelog.Debian.gz");
    if !has(&changelog) {
        let text = changelog_text(package, epoch);
        let mut gzip = Compression::gzip().encoder(Vec::new(), 1)?;
        gzip.write_all(text.as_bytes())?;
        extra.push(generated(changelog, gzip.finish()?, epoch));
        let overrides = format!("/usr/share/lintian/overrides/{}", package.name);
        if deb_version(&package.version).ends_with("-1") && !has(&overrides) {
            let text = LINTIAN_OVERRIDES.replace("{name}", &package.name);
            extra.push(generated(overrides, text.into_bytes(), epoch));
        }
    }
    Ok(extra)
}

fn generated(path: String, bytes: Vec<u8>, epoch: u64) -> Entry {
    Entry {
        path,
        kind: EntryKind::Doc,
        mode: 0o644,
        owner: "root".into(),
        group: "root".into(),
        uid: 0,
        gid: 0,
        mtime: epoch,
        size: bytes.len() as u64,
        source: Source::Bytes(bytes),
        arch_check: false,
        strip: false,
    }
}

/// A DEP-5 copyright file: one `Files: *` paragraph, then one `License:`
/// paragraph per license the SPDX expression names.
pub fn copyright_text(package: &Package, epoch: u64) -> String {
    let (expression, ids) = dep5_expression(&package.license);
    let holder = package.vendor.clone().unwrap_or_else(|| {
        package
            .maintainer
            .split('<')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    });
    let source = match &package.homepage {
        Some(url) => format!("Source: {url}\n"),
        None => String::new(),
    };
    let mut text = COPYRIGHT
        .replace("{name}", &package.name)
        .replace("{maintainer}", &package.maintainer)
        .replace("{source}\n", &source)
        .replace("{year}", &date::utc(epoch).year().to_string())
        .replace("{holder}", &holder)
        .replace("{license}", &expression);
    let installed: Vec<&str> = package
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::License)
        .map(|e| e.path.as_str())
        .collect();
    for License { spdx, name, common } in ids {
        let paragraph = match common {
            Some(file) => LICENSE_COMMON.replace("{file}", file),
            None => {
                let mut p = LICENSE_OTHER.replace("{spdx}", &spdx);
                for path in &installed {
                    p.push_str(&format!(" A copy is installed as {path}.\n"));
                }
                p
            }
        };
        text.push_str(&paragraph.replace("{license}", &name));
    }
    text
}

/// One changelog entry for this version, dated by the source date epoch.
pub fn changelog_text(package: &Package, epoch: u64) -> String {
    CHANGELOG
        .replace("{name}", &package.name)
        .replace("{version}", &deb_version(&package.version))
        .replace("{maintainer}", &package.maintainer)
        .replace("{date}", &date::rfc2822(epoch))
}

/// An SPDX id as DEP-5 names it, and its file in /usr/share/common-licenses.
fn dep5_license(spdx: &str) -> (String, Option<&'static str>) {
    let (base, later) = match spdx
        .strip_suffix("-or-later")
        .or_else(|| spdx.strip_suffix('+'))
    {
        Some(base) => (base.trim_end_matches("-only"), true),
        None => (spdx.trim_end_matches("-only"), false),
    };
    let plus = if later { "+" } else { "" };
    let gnu = |name: &str, file: &'static str| (format!("{name}{plus}"), Some(file));
    match base {
        "MIT" => ("Expat".into(), None),
        "Apache-2.0" => ("Apache-2.0".into(), Some("Apache-2.0")),
        "MPL-2.0" => ("MPL-2.0".into(), Some("MPL-2.0")),
        "CC0-1.0" => ("CC0-1.0".into(), Some("CC0-1.0")),
        "GPL-1.0" => gnu("GPL-1", "GPL-1"),
        "GPL-2.0" => gnu("GPL-2", "GPL-2"),
        "GPL-3.0" => gnu("GPL-3", "GPL-3"),
        "LGPL-2.0" => gnu("LGPL-2", "LGPL-2"),
        "LGPL-2.1" => gnu("LGPL-2.1", "LGPL-2.1"),
        "LGPL-3.0" => gnu("LGPL-3", "LGPL-3"),
        "BSD-2-Clause" => ("BSD-2-clause".into(), None),
        "BSD-3-Clause" => ("BSD-3-clause".into(), None),
        _ => (spdx.to_string(), None),
    }
}

/// One license an SPDX expression names.
#[derive(Debug, PartialEq, Eq)]
struct License {
    spdx: String,
    /// The DEP-5 short name.
    name: String,
    /// Its file in /usr/share/common-licenses, when Debian ships the text.
    common: Option<&'static str>,
}

/// The SPDX expression in DEP-5 spelling (`MIT OR Apache-2.0` → `Expat or
/// Apache-2.0`), and each license it names, once.
fn dep5_expression(spdx: &str) -> (String, Vec<License>) {
    let mut words = Vec::new();
    let mut ids: Vec<License> = Vec::new();
    let mut after_with = false;
    for token in spdx.split(|c: char| c.is_whitespace() || c == '(' || c == ')') {
        match token {
            "" => {}
            "OR" | "AND" | "WITH" => {
                after_with = token == "WITH";
                words.push(token.to_lowercase());
            }
            id if after_with => {
                after_with = false;
                words.push(format!("{id} exception"));
            }
            id => {
                let (name, file) = dep5_license(id);
                if !ids.iter().any(|l| l.name == name) {
                    ids.push(License {
                        spdx: id.to_string(),
                        name: name.clone(),
                        common: file,
                    });
                }
                words.push(name);
            }
        }
    }
    (words.join(" "), ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spdx_expressions_become_dep5() {
        let (text, ids) = dep5_expression("MIT OR Apache-2.0");
        assert_eq!(text, "Expat or Apache-2.0");
        assert_eq!(ids.len(), 2);
        assert_eq!(ids[1].common, Some("Apache-2.0"));
        let (text, ids) =
            dep5_expression("(GPL-2.0-or-later WITH Classpath-exception-2.0) AND MIT");
        assert_eq!(
            text,
            "GPL-2+ with Classpath-exception-2.0 exception and Expat"
        );
        assert_eq!(ids[0].name, "GPL-2+");
        assert_eq!(ids[0].common, Some("GPL-2"));
        assert_eq!(
            dep5_license("LGPL-2.1-only"),
            ("LGPL-2.1".into(), Some("LGPL-2.1"))
        );
        assert_eq!(dep5_license("GPL-3.0+"), ("GPL-3+".into(), Some("GPL-3")));
        assert_eq!(dep5_license("Zlib"), ("Zlib".into(), None));
    }
}
