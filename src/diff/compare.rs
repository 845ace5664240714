//! Comparing two snapshots the way an upgrade sees them: files, conffiles,
//! relations, scripts, version ordering and format identities, each
//! difference with a level.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use serde::Serialize;

use super::snapshot::{FileInfo, FileType, Kind, Relation, Snapshot};
use super::version;
use crate::lint::Level;

/// One thing an upgrade from the old artifact to the new one would do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub level: Level,
    /// What kind of change: `version-not-newer`, `file-removed`, …
    pub id: &'static str,
    pub path: Option<String>,
    pub message: String,
}

/// A file in both artifacts that differs.
#[derive(Clone, Debug, Serialize)]
pub struct Changed {
    pub path: String,
    /// `size 10 → 12`, `mode 0644 → 0755`, …
    pub changes: Vec<String>,
    /// Whether debdiff counts it as removed and added (mode, owner or type).
    pub metadata: bool,
}

/// The whole comparison.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub format: &'static str,
    pub old: (String, String),
    pub new: (String, String),
    pub added: Vec<(String, FileInfo)>,
    pub removed: Vec<(String, FileInfo)>,
    pub changed: Vec<Changed>,
    pub findings: Vec<Finding>,
}

impl Report {
    /// The worst level among the findings.
    pub fn worst(&self) -> Option<Level> {
        self.findings.iter().map(|f| f.level).min()
    }
}

fn finding(level: Level, id: &'static str, path: Option<&str>, message: String) -> Finding {
    Finding {
        level,
        id,
        path: path.map(str::to_string),
        message,
    }
}

/// Compares `old` with `new` (both read from artifacts of one format).
pub fn compare(old: &Snapshot, new: &Snapshot) -> Report {
    let kind = new.kind.or(old.kind).unwrap_or(Kind::Tar);
    let mut findings = Vec::new();
    identity(kind, old, new, &mut findings);
    let (added, removed, changed) = files(old, new, &mut findings);
    conffiles(old, new, &mut findings);
    relations(kind, old, new, &mut findings);
    scripts(old, new, &mut findings);
    components(old, new, &mut findings);
    services(old, new, &mut findings);
    findings.sort_by(|a, b| (a.level, a.id, &a.path).cmp(&(b.level, b.id, &b.path)));
    Report {
        format: kind.as_str(),
        old: (old.name.clone(), old.version.clone()),
        new: (new.name.clone(), new.version.clone()),
        added,
        removed,
        changed,
        findings,
    }
}

fn order(kind: Kind, old: &str, new: &str) -> Option<Ordering> {
    match kind {
        Kind::Deb => Some(version::dpkg(new, old)),
        Kind::Rpm => Some(version::rpm(new, old)),
        Kind::Msi => version::msi(new, old),
        // The macOS installer compares no versions: it installs what it is given.
        Kind::Pkg | Kind::Tar => None,
    }
}

fn identity(kind: Kind, old: &Snapshot, new: &Snapshot, out: &mut Vec<Finding>) {
    if old.name != new.name && kind != Kind::Tar {
        out.push(finding(Level::Warning, "name-changed", None, format!(
            "the package name changed from `{}` to `{}`: the package manager sees a different package and keeps the old one installed; keep the name, or make the new one replace the old (deb: Replaces + Breaks, rpm: Obsoletes + Provides, msi: the same UpgradeCode)",
            old.name, new.name
        )));
    }
    match order(kind, &old.version, &new.version) {
        Some(Ordering::Greater) | None => {}
        Some(o) => {
            let how = if o == Ordering::Equal {
                "sorts equal to"
            } else {
                "sorts before"
            };
            let extra = if kind == Kind::Msi && old.version != new.version {
                " (Windows Installer compares only the first three fields of ProductVersion)"
            } else {
                ""
            };
            out.push(finding(Level::Error, "version-not-newer", None, format!(
                "version {} {how} {} by {}'s rules{extra}: the upgrade will not be offered; raise the version (or the release/epoch)",
                new.version, old.version, kind.as_str()
            )));
        }
    }
    let code = |s: &Snapshot, key: &str| s.identity.get(key).cloned();
    if let (Some(a), Some(b)) = (code(old, "UpgradeCode"), code(new, "UpgradeCode")) {
        if a != b {
            out.push(finding(Level::Error, "upgrade-code-changed", None, format!(
                "UpgradeCode changed from {a} to {b}: Windows Installer will not remove the old product, both stay installed; pin [msi] upgrade-code = \"{a}\""
            )));
        }
    }
    if let (Some(a), Some(b)) = (code(old, "ProductCode"), code(new, "ProductCode")) {
        if a == b && old.version != new.version {
            out.push(finding(Level::Error, "product-code-unchanged", None, format!(
                "ProductCode {a} is the same for {} and {}: Windows Installer refuses to install a changed product under an installed ProductCode; a new version needs a new ProductCode",
                old.version, new.version
            )));
        }
    }
    if let (Some(a), Some(b)) = (code(old, "identifier"), code(new, "identifier")) {
        if a != b {
            out.push(finding(Level::Error, "identifier-changed", None, format!(
                "the pkg identifier changed from {a} to {b}: macOS keeps both receipts and the old files; pin [pkg] identifier = \"{a}\""
            )));
        }
    }
}

type FileLists = (
    Vec<(String, FileInfo)>,
    Vec<(String, FileInfo)>,
    Vec<Changed>,
);

fn files(old: &Snapshot, new: &Snapshot, out: &mut Vec<Finding>) -> FileLists {
    let mut added = Vec::new();
    let mut removed = Vec::new();
    let mut changed = Vec::new();
    for (path, info) in &new.files {
        if !old.files.contains_key(path) {
            added.push((path.clone(), info.clone()));
        }
    }
    for (path, before) in &old.files {
        let Some(after) = new.files.get(path) else {
            if before.kind != FileType::Dir && !old.conffiles.contains(path) {
                out.push(finding(Level::Warning, "file-removed", Some(path), format!(
                    "{path} is no longer installed: the upgrade deletes it; if another package installs it now, declare that there (deb: Replaces + Breaks, rpm: Obsoletes)"
                )));
            }
            removed.push((path.clone(), before.clone()));
            continue;
        };
        if let Some(change) = file_change(path, before, after, out) {
            changed.push(change);
        }
    }
    (added, removed, changed)
}

fn file_change(path: &str, a: &FileInfo, b: &FileInfo, out: &mut Vec<Finding>) -> Option<Changed> {
    let mut changes = Vec::new();
    let mut metadata = false;
    if a.kind != b.kind {
        changes.push(format!("type {:?} → {:?}", a.kind, b.kind));
        metadata = true;
        out.push(finding(Level::Warning, "file-type-changed", Some(path), format!(
            "{path} changes from {:?} to {:?}: dpkg and rpm cannot replace a folder by a file or link (or back) in place; keep the type or use a new path",
            a.kind, b.kind
        )));
    }
    if a.mode != b.mode {
        changes.push(format!("mode {:04o} → {:04o}", a.mode, b.mode));
        metadata = true;
        let gained = (b.mode & 0o6000) & !(a.mode & 0o6000);
        let (level, why) = if gained != 0 {
            (Level::Warning, "gains a setuid/setgid bit")
        } else {
            (Level::Info, "changes mode")
        };
        out.push(finding(
            level,
            "file-mode-changed",
            Some(path),
            format!("{path} {why}: {:04o} → {:04o}", a.mode, b.mode),
        ));
    }
    if (&a.owner, &a.group) != (&b.owner, &b.group) {
        changes.push(format!(
            "owner {}/{} → {}/{}",
            a.owner, a.group, b.owner, b.group
        ));
        metadata = true;
        out.push(finding(
            Level::Warning,
            "file-owner-changed",
            Some(path),
            format!(
                "{path} changes owner from {}/{} to {}/{}",
                a.owner, a.group, b.owner, b.group
            ),
        ));
    }
    if a.size != b.size {
        changes.push(format!("size {} → {}", a.size, b.size));
    } else if a.digest != b.digest {
        changes.push("content".to_string());
    }
    (!changes.is_empty()).then(|| Changed {
        path: path.to_string(),
        changes,
        metadata,
    })
}

fn conffiles(old: &Snapshot, new: &Snapshot, out: &mut Vec<Finding>) {
    for path in &old.conffiles {
        if !new.conffiles.contains(path) {
            let (level, message) = if new.files.contains_key(path) {
                (Level::Warning, format!("{path} is no longer a configuration file: the upgrade overwrites local edits; keep kind = \"config\""))
            } else {
                (Level::Warning, format!("configuration file {path} is dropped: the upgrade leaves the user's copy behind (deb) or saves it as .rpmsave (rpm); remove it on purpose in a script, or keep it"))
            };
            out.push(finding(level, "conffile-removed", Some(path), message));
        } else if old.files.get(path).map(|f| &f.digest) != new.files.get(path).map(|f| &f.digest) {
            out.push(finding(Level::Info, "conffile-changed", Some(path), format!(
                "configuration file {path} changes: users who edited it get a prompt (dpkg) or a .rpmnew (rpm)"
            )));
        }
    }
}

fn relations(kind: Kind, old: &Snapshot, new: &Snapshot, out: &mut Vec<Finding>) {
    let fields: BTreeSet<&String> = old.relations.keys().chain(new.relations.keys()).collect();
    let empty = Vec::new();
    for field in fields {
        let before = old.relations.get(field).unwrap_or(&empty);
        let after = new.relations.get(field).unwrap_or(&empty);
        let hard = ["depends", "pre-depends", "requires"].contains(&field.as_str());
        for b in after {
            match before.iter().find(|a| a.name == b.name) {
                None => out.push(finding(
                    Level::Info,
                    "relation-added",
                    None,
                    format!("{field}: `{}` added", b.text),
                )),
                Some(a) => compare_relation(kind, field, hard, a, b, out),
            }
        }
        for a in before {
            if !after.iter().any(|b| b.name == a.name) {
                out.push(finding(
                    Level::Info,
                    "relation-removed",
                    None,
                    format!("{field}: `{}` removed", a.text),
                ));
            }
        }
    }
}

/// The versions a constraint admits, as a bound: lower, upper, exact, or any.
fn bound(r: &Relation) -> (char, &str, bool) {
    match r.op.as_str() {
        ">=" => ('>', r.version.as_str(), true),
        ">" | ">>" => ('>', r.version.as_str(), false),
        "<=" => ('<', r.version.as_str(), true),
        "<" | "<<" => ('<', r.version.as_str(), false),
        "=" => ('=', r.version.as_str(), true),
        _ => ('*', "", true),
    }
}

fn compare_relation(
    kind: Kind,
    field: &str,
    hard: bool,
    a: &Relation,
    b: &Relation,
    out: &mut Vec<Finding>,
) {
    if a.op == b.op && a.version == b.version {
        return;
    }
    let cmp = |x: &str, y: &str| order(kind, x, y).unwrap_or_else(|| y.cmp(x));
    let (ka, va, ia) = bound(a);
    let (kb, vb, ib) = bound(b);
    // Some(true): the new constraint admits more versions.
    let looser = match (ka, kb) {
        (_, '*') => Some(true),
        ('*', _) => Some(false),
        ('=', '>' | '<') => Some(true),
        ('>' | '<', '=') => Some(false),
        ('>', '>') => match cmp(va, vb) {
            Ordering::Less => Some(true),
            Ordering::Greater => Some(false),
            Ordering::Equal => Some(ib && !ia),
        },
        ('<', '<') => match cmp(va, vb) {
            Ordering::Greater => Some(true),
            Ordering::Less => Some(false),
            Ordering::Equal => Some(ib && !ia),
        },
        _ => None,
    };
    let (level, id, how) = match looser {
        Some(true) => (
            if hard { Level::Warning } else { Level::Info },
            "relation-loosened",
            "loosened",
        ),
        Some(false) => (Level::Info, "relation-tightened", "tightened"),
        None => (Level::Info, "relation-changed", "changed"),
    };
    out.push(finding(
        level,
        id,
        None,
        format!("{field}: `{}` {how} to `{}`", a.text, b.text),
    ));
}

fn scripts(old: &Snapshot, new: &Snapshot, out: &mut Vec<Finding>) {
    let names: BTreeSet<&String> = old.scripts.keys().chain(new.scripts.keys()).collect();
    for name in names {
        let (id, what) = match (old.scripts.get(name), new.scripts.get(name)) {
            (None, Some(_)) => ("script-added", "added"),
            (Some(_), None) => ("script-removed", "removed"),
            (Some(a), Some(b)) if a != b => ("script-changed", "changed"),
            _ => continue,
        };
        out.push(finding(
            Level::Info,
            id,
            None,
            format!("maintainer script {name} {what}"),
        ));
    }
}

fn components(old: &Snapshot, new: &Snapshot, out: &mut Vec<Finding>) {
    for (key_path, guid) in &old.components {
        if let Some(new_guid) = new.components.get(key_path) {
            if new_guid != guid {
                out.push(finding(Level::Error, "component-guid-changed", Some(key_path), format!(
                    "the component of {key_path} changed GUID from {guid} to {new_guid}: the component rules forbid it (the old component's files can be left behind or removed under the new one); keep one GUID per key path"
                )));
            }
        }
    }
}

/// Folders whose files are services: a systemd unit (deb, rpm, tar) or a
/// launchd daemon (pkg), with the suffix the name leaves off.
const SERVICE_FILES: [(&str, &str); 3] = [
    ("/usr/lib/systemd/system/", ".service"),
    ("/lib/systemd/system/", ".service"),
    ("/Library/LaunchDaemons/", ".plist"),
];

/// The services a snapshot installs, by name.
fn service_names(snapshot: &Snapshot) -> BTreeSet<String> {
    let from_files = snapshot.files.keys().filter_map(|path| {
        SERVICE_FILES.iter().find_map(|(dir, suffix)| {
            path.strip_prefix(dir)
                .and_then(|name| name.strip_suffix(suffix))
                .filter(|name| !name.contains('/'))
                .map(str::to_string)
        })
    });
    from_files
        .chain(snapshot.msi_services.iter().cloned())
        .collect()
}

fn services(old: &Snapshot, new: &Snapshot, out: &mut Vec<Finding>) {
    let (before, after) = (service_names(old), service_names(new));
    for name in before.difference(&after) {
        out.push(finding(Level::Warning, "service-removed", Some(name), format!(
            "the service {name} is no longer installed: the upgrade stops and removes it, and a renamed service starts without the old one's enabled state; keep the name, or say in the release notes what replaces it"
        )));
    }
    for name in after.difference(&before) {
        out.push(finding(
            Level::Info,
            "service-added",
            Some(name),
            format!("the upgrade installs the service {name}"),
        ));
    }
}
