//! Rules about the entries: where they are installed, their modes and
//! owners, configuration files, documentation, man pages, interpreters.

use std::collections::BTreeSet;
use std::io::Read;

use vitte_buildkit_formats::{Entry, EntryKind, Package};

use super::Hit;

/// Folders whose files lintian does not find unusual.
const USUAL: &[&str] = &[
    "/usr/bin/",
    "/usr/dict/",
    "/usr/doc/",
    "/usr/games/",
    "/usr/include/",
    "/usr/info/",
    "/usr/lib/",
    "/usr/lib32/",
    "/usr/lib64/",
    "/usr/libx32/",
    "/usr/libexec/",
    "/usr/man/",
    "/usr/sbin/",
    "/usr/share/",
    "/usr/src/",
    "/usr/X11R6/",
    "/lib/",
    "/lib32/",
    "/lib64/",
    "/libx32/",
    "/var/games/",
    "/var/lib/",
    "/var/www/",
    "/var/named/",
    "/bin/",
    "/boot/",
    "/dev/",
    "/etc/",
    "/sbin/",
];

/// Folders of programs in PATH.
const PATH_DIRS: &[&str] = &["/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/", "/usr/games/"];

fn under(path: &str, dir: &str) -> bool {
    path.starts_with(dir) && path.len() > dir.len()
}

/// Checks every entry.
pub(crate) fn check(package: &Package, hits: &mut Vec<Hit>) {
    let paths: BTreeSet<&str> = package.entries.iter().map(|e| e.path.as_str()).collect();
    for entry in &package.entries {
        location(entry, package, hits);
        modes(entry, hits);
        kinds(entry, hits);
        names(entry, &paths, hits);
        if entry.kind.is_regular() {
            contents(entry, package, hits);
        }
    }
    man_pages(package, hits);
    if package.entries.iter().all(|e| e.kind == EntryKind::Dir) {
        hits.push(Hit::package(
            "empty-package",
            "the package installs no file; add [[files]] entries".into(),
        ));
    }
    let has_docs = package.entries.iter().any(|e| {
        matches!(e.kind, EntryKind::Doc | EntryKind::License)
            || under(&e.path, "/usr/share/man/")
            || under(&e.path, "/usr/share/doc/")
    });
    if !has_docs {
        hits.push(Hit::package(
            "no-documentation",
            "no documentation: add a README, a license or a man page with kind = \"doc\"".into(),
        ));
    }
}

fn location(entry: &Entry, package: &Package, hits: &mut Vec<Hit>) {
    let p = entry.path.as_str();
    let rule = |id: &'static str, why: &str| Hit::at(id, p, why.to_string());
    let found = if under(p, "/usr/local/") || p == "/usr/local" {
        Some(rule("file-in-usr-local", "/usr/local belongs to the administrator (Debian policy 9.1.2, FHS); install under /usr instead"))
    } else if under(p, "/opt/") {
        Some(rule(
            "file-in-opt",
            "/opt is not for distribution packages; install under /usr (e.g. /usr/lib/NAME)",
        ))
    } else if under(p, "/home/") || under(p, "/root/") {
        Some(rule(
            "file-in-home",
            "packages never install into home folders; ship defaults under /usr/share or /etc/skel",
        ))
    } else if under(p, "/tmp/") || under(p, "/var/tmp/") || under(p, "/usr/tmp/") {
        Some(rule(
            "file-in-tmp",
            "temporary folders are emptied by the system; create the file at run time",
        ))
    } else if under(p, "/mnt/") {
        Some(rule(
            "file-in-mnt",
            "/mnt is for the administrator's mounts; install under /usr or /var/lib",
        ))
    } else if under(p, "/srv/") {
        Some(rule(
            "file-in-srv",
            "the layout of /srv is the site's choice; ship defaults under /usr/share/NAME",
        ))
    } else if under(p, "/run/") {
        let why = "/run is a tmpfs emptied at boot; create it with a tmpfiles.d entry (/usr/lib/tmpfiles.d/NAME.conf)";
        hits.push(rule("non-ghost-in-run", why));
        Some(rule("file-in-run", why).only(&["deb"]))
    } else if under(p, "/var/run/") || under(p, "/var/lock/") {
        Some(rule("file-in-run", "this folder is a tmpfs emptied at boot; create it with a tmpfiles.d entry (/usr/lib/tmpfiles.d/NAME.conf)"))
    } else if under(p, "/var/log/") && entry.kind != EntryKind::Dir {
        Some(rule(
            "file-in-var-log",
            "log files are made by the program; leave it out, or list it in [rpm] ghost",
        ))
        .filter(|_| !package.formats.rpm.ghost.iter().any(|g| g == p))
    } else if entry.kind != EntryKind::Dir && !USUAL.iter().any(|d| under(p, d)) {
        Some(rule("file-in-unusual-dir", "this folder is not one Debian packages install files into; use /usr/bin, /usr/lib/NAME, /usr/share/NAME, /etc or /var/lib/NAME"))
    } else {
        None
    };
    hits.extend(found);
    if under(p, "/usr/lib64/") || under(p, "/lib64/") {
        hits.push(rule(
            "non-multi-arch-lib-dir",
            "Debian installs libraries into /usr/lib/<triplet> or /usr/lib/NAME, not lib64",
        ));
        if !package.has_binaries {
            hits.push(rule("noarch-with-lib64", "the package has no binary, so it is noarch, and a noarch package cannot install into lib64; use /usr/lib or /usr/share"));
        }
    }
}

fn modes(entry: &Entry, hits: &mut Vec<Hit>) {
    let p = entry.path.as_str();
    let mode = entry.mode & 0o7777;
    if matches!(entry.kind, EntryKind::Symlink { .. }) {
        return;
    }
    if mode & 0o6000 != 0 {
        let bit = if mode & 0o4000 != 0 {
            "setuid"
        } else {
            "setgid"
        };
        hits.push(Hit::at("elevated-privileges", p, format!("mode {mode:04o} is {bit}; drop the bit (mode = \"0755\"), or allow `elevated-privileges` after a security review")));
        return;
    }
    let world_writable = mode & 0o002 != 0 && mode & 0o1000 == 0;
    if world_writable {
        hits.push(Hit::at(
            "world-writable",
            p,
            format!(
                "mode {mode:04o} lets any user change it; use 0755 for folders, 0644 for files"
            ),
        ));
        return;
    }
    if entry.kind == EntryKind::Dir {
        if mode != 0o755 && mode != 0o1777 {
            hits.push(Hit::at(
                "non-standard-dir-perm",
                p,
                format!("folder mode {mode:04o}; use mode = \"0755\""),
            ));
        }
    } else if mode & 0o004 == 0 {
        hits.push(Hit::at("non-readable", p, format!("mode {mode:04o} is not readable by others; use 0644 (or 0755), and keep secrets out of packages")));
    } else if ![0o644, 0o755, 0o444, 0o555].contains(&mode) {
        hits.push(Hit::at(
            "non-standard-file-perm",
            p,
            format!("mode {mode:04o}; use 0644, or 0755 for programs"),
        ));
    }
    if entry.uid >= 100 || entry.gid >= 100 {
        hits.push(Hit::at("wrong-file-owner", p, format!("owned by {}:{} ({}:{}); files belong to root:root, and a package creates its system user in a script and chowns there", entry.owner, entry.group, entry.uid, entry.gid)));
    }
}

fn kinds(entry: &Entry, hits: &mut Vec<Hit>) {
    let p = entry.path.as_str();
    let in_etc = under(p, "/etc/");
    let executable = entry.mode & 0o111 != 0;
    match entry.kind {
        EntryKind::Config => {
            if !in_etc {
                let hit = Hit::at("conffile-outside-etc", p, "kind = \"config\" outside /etc; move it under /etc, or make it a plain file".into());
                hits.push(if under(p, "/var/") { hit.only(&["deb"]) } else { hit });
            }
            if executable {
                hits.push(Hit::at("executable-conffile", p, format!("configuration file with mode {:04o}; use 0644", entry.mode)));
            }
        }
        EntryKind::File if in_etc => hits.push(Hit::at("etc-file-not-conffile", p, "a file under /etc that is not kind = \"config\": an upgrade would overwrite local edits; add kind = \"config\"".into())),
        _ => {}
    }
    if under(p, "/usr/share/doc/") && entry.kind.is_regular() && executable {
        hits.push(Hit::at(
            "executable-in-doc",
            p,
            format!(
                "documentation with mode {:04o}; use mode = \"0644\"",
                entry.mode
            ),
        ));
    }
}

fn names(entry: &Entry, paths: &BTreeSet<&str>, hits: &mut Vec<Hit>) {
    let p = entry.path.as_str();
    let name = p.rsplit('/').next().unwrap_or(p);
    if name.starts_with('.') {
        hits.push(Hit::at(
            "hidden-file",
            p,
            "a hidden file or folder; rename it without the leading dot, or leave it out".into(),
        ));
    }
    if name.ends_with('~') || (name.starts_with('#') && name.ends_with('#')) {
        hits.push(Hit::at(
            "backup-file",
            p,
            "an editor backup file; leave it out of [[files]]".into(),
        ));
    } else if [".orig", ".rej", ".bak"].iter().any(|s| name.ends_with(s)) {
        hits.push(
            Hit::at(
                "backup-file",
                p,
                "a patch or backup leftover; leave it out of [[files]]".into(),
            )
            .only(&["rpm"]),
        );
    }
    let EntryKind::Symlink { target } = &entry.kind else {
        return;
    };
    let top = |path: &str| {
        path.trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or("")
            .to_string()
    };
    if target.starts_with('/') && top(target) == top(p) {
        let relative = relative_link(p, target);
        hits.push(Hit::at(
            "symlink-should-be-relative",
            p,
            format!(
                "link to `{target}` within /{}; use target = \"{relative}\"",
                top(p)
            ),
        ));
    }
    if !target.starts_with('/') {
        let resolved = resolve_link(p, target);
        let known = resolved.as_deref().is_some_and(|r| {
            paths.contains(r) || paths.iter().any(|q| q.starts_with(&format!("{r}/")))
        });
        if !known {
            hits.push(Hit::at("dangling-relative-symlink", p, format!("link to `{target}`, which the package does not install; fix the target or add the file")));
        }
    }
}

/// `/usr/bin/a` → `/usr/bin/b` as `b`; `/usr/bin/a` → `/usr/lib/x/b` as `../lib/x/b`.
fn relative_link(link: &str, target: &str) -> String {
    let from: Vec<&str> = link.trim_start_matches('/').split('/').collect();
    let from = &from[..from.len().saturating_sub(1)];
    let to: Vec<&str> = target.trim_start_matches('/').split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

/// The absolute path a relative link points at, if it stays inside `/`.
fn resolve_link(link: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = link.trim_start_matches('/').split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

fn contents(entry: &Entry, package: &Package, hits: &mut Vec<Hit>) {
    let p = entry.path.as_str();
    if entry.size == 0 {
        hits.push(Hit::at(
            "zero-length",
            p,
            "an empty file; leave it out, or create it at run time".into(),
        ));
        return;
    }
    let head = head(entry);
    if !package.has_binaries && head.starts_with(b"\x7fELF") {
        hits.push(Hit::at("arch-independent-with-binary", p, "an ELF object in a package the build treats as architecture-independent (its binaries are marked arch-check = false); check them against the target instead".into()));
    }
    let executable = entry.mode & 0o111 != 0;
    let is_doc =
        matches!(entry.kind, EntryKind::Doc | EntryKind::License) || under(p, "/usr/share/doc/");
    if let Some(line) = head.strip_prefix(b"#!") {
        let line = String::from_utf8_lossy(line.split(|b| *b == b'\n').next().unwrap_or_default())
            .trim()
            .to_string();
        interpreter(entry, &line, package, hits);
        if !executable && !is_doc && entry.kind != EntryKind::Config {
            hits.push(Hit::at("script-not-executable", p, format!("starts with `#!{line}` but has mode {:04o}; use mode = \"0755\", or drop the #! line", entry.mode)));
        }
        return;
    }
    if !executable || is_binary_magic(&head) {
        return;
    }
    hits.push(Hit::at(
        "executable-not-elf-or-script",
        p,
        format!(
            "mode {:04o} but neither a binary nor a #! script; use mode = \"0644\"",
            entry.mode
        ),
    ));
    let text = std::str::from_utf8(&head).is_ok_and(|t| {
        !t.is_empty() && !t.chars().any(|c| c.is_control() && !"\t\n\r".contains(c))
    });
    if text {
        hits.push(Hit::at(
            "script-without-shebang",
            p,
            "executable text without a #! line; add one (e.g. #!/bin/sh) or use mode = \"0644\""
                .into(),
        ));
    }
}

/// The first bytes of an entry; empty when it cannot be read (the backend
/// reports that).
fn head(entry: &Entry) -> Vec<u8> {
    let mut buf = Vec::with_capacity(256);
    if let Ok(reader) = entry.open() {
        let _ = reader.take(256).read_to_end(&mut buf);
    }
    buf
}

fn is_binary_magic(head: &[u8]) -> bool {
    const MAGICS: &[&[u8]] = &[
        b"\x7fELF",
        b"MZ",
        b"\0asm",
        b"\xcf\xfa\xed\xfe",
        b"\xce\xfa\xed\xfe",
        b"\xca\xfe\xba\xbe",
        b"!<arch>",
    ];
    MAGICS.iter().any(|m| head.starts_with(m))
}

/// Interpreters a script needs a dependency for (the package that has it).
const INTERPRETER_PACKAGES: &[(&str, &str)] = &[
    ("make", "make"),
    ("python3", "python3"),
    ("ruby", "ruby"),
    ("node", "nodejs"),
    ("nodejs", "nodejs"),
    ("php", "php-cli"),
];

fn interpreter(entry: &Entry, line: &str, package: &Package, hits: &mut Vec<Hit>) {
    let p = entry.path.as_str();
    let program = line.split_whitespace().next().unwrap_or("");
    if !program.starts_with('/') || program.starts_with("/usr/local/") {
        hits.push(Hit::at("wrong-script-interpreter", p, format!("`#!{line}`: name the interpreter by its system path, e.g. #!/usr/bin/python3 or #!/bin/sh")));
    }
    let name = program.rsplit('/').next().unwrap_or(program);
    let name = if name == "env" {
        line.split_whitespace().nth(1).unwrap_or("")
    } else {
        name
    };
    let Some((_, dep)) = INTERPRETER_PACKAGES.iter().find(|(n, _)| *n == name) else {
        return;
    };
    let relations = package.relations_for("deb");
    let depends = relations
        .depends
        .iter()
        .chain(&relations.pre_depends)
        .flat_map(|r| &r.alternatives)
        .any(|d| {
            d.name
                .split(':')
                .next()
                .is_some_and(|n| n == *dep || n == name)
        });
    if !depends {
        hits.push(Hit::at("interpreter-without-dependency", p, format!("runs with {name}, but the package does not depend on it; add `{dep}` to [relations] depends")));
    }
}

fn man_pages(package: &Package, hits: &mut Vec<Hit>) {
    let pages: BTreeSet<String> = package
        .entries
        .iter()
        .filter(|e| under(&e.path, "/usr/share/man/"))
        .filter_map(|e| {
            let name = e.path.rsplit('/').next()?;
            let name = name.strip_suffix(".gz").unwrap_or(name);
            Some(name.rsplit_once('.')?.0.to_string())
        })
        .collect();
    for entry in &package.entries {
        let p = entry.path.as_str();
        if under(p, "/usr/share/man/") && entry.kind.is_regular() && !p.ends_with(".gz") {
            hits.push(Hit::at(
                "uncompressed-manual-page",
                p,
                "man pages are installed gzip-compressed; gzip -9n it and install NAME.1.gz".into(),
            ));
        }
        let in_path = PATH_DIRS
            .iter()
            .any(|d| under(p, d) && !p[d.len()..].contains('/'));
        let program = entry.kind.is_regular() || matches!(entry.kind, EntryKind::Symlink { .. });
        let name = p.rsplit('/').next().unwrap_or(p);
        if in_path && program && !pages.contains(name) {
            hits.push(Hit::at(
                "no-manual-page",
                p,
                format!(
                    "a program in PATH without a man page; add /usr/share/man/man1/{name}.1.gz"
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_made_relative() {
        assert_eq!(relative_link("/usr/bin/a", "/usr/bin/b"), "b");
        assert_eq!(relative_link("/usr/bin/a", "/usr/lib/x/b"), "../lib/x/b");
        assert_eq!(
            resolve_link("/usr/bin/a", "../lib/b").as_deref(),
            Some("/usr/lib/b")
        );
        assert_eq!(resolve_link("/a", "../../b"), None);
    }
}
