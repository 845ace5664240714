//! The control area: the `control` file's fields, `md5sums`, `conffiles`
//! and the maintainer scripts, packed into `control.tar`. md5sums grows
//! with the file count (a million files: ~70 MB), so it and control.tar are
//! spooled to files, not held in memory.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::error::{IoContext, Result};
use crate::model::{Dependency, Entry, EntryKind, Op, Package, Relation, Version};
use crate::write::hash::hex;
use crate::write::{Compression, TarMeta, TarWriter};

/// Section when `[deb] section` is not given.
pub const DEFAULT_SECTION: &str = "misc";
/// Priority when `[deb] priority` is not given.
pub const DEFAULT_PRIORITY: &str = "optional";
/// Widest line of the long description, leading space included (policy
/// asks for lines that fit in 80 columns).
const DESCRIPTION_WIDTH: usize = 79;

/// `[epoch:]upstream[~pre][+build]-release`, what the Version field holds.
pub fn deb_version(version: &Version) -> String {
    let upstream = version.upstream_tilde();
    match version.epoch {
        Some(epoch) => format!("{epoch}:{upstream}-{}", version.release),
        None => format!("{upstream}-{}", version.release),
    }
}

/// The version in the file name: no epoch (dpkg-deb names files this way).
pub fn file_version(version: &Version) -> String {
    format!("{}-{}", version.upstream_tilde(), version.release)
}

/// Debian's spelling of a relation operator.
fn op_text(op: Op) -> &'static str {
    match op {
        Op::Lt => "<<",
        Op::Le => "<=",
        Op::Eq => "=",
        Op::Ge => ">=",
        Op::Gt => ">>",
    }
}

fn dependency_text(dep: &Dependency) -> String {
    match &dep.constraint {
        Some((op, version)) => format!("{} ({} {version})", dep.name, op_text(*op)),
        None => dep.name.clone(),
    }
}

/// One relation field's value: `a (>= 1) | b, c`.
pub fn relations_text(relations: &[Relation]) -> String {
    relations
        .iter()
        .map(|r| {
            r.alternatives
                .iter()
                .map(dependency_text)
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The Description field: the summary, then the long description folded
/// into continuation lines; blank lines become ` .`, lines that start with
/// white space are kept as they are (Debian shows them verbatim), the rest
/// is word-wrapped. A long description equal to the summary is left out.
pub fn description(summary: &str, long: &str) -> String {
    let summary = summary.trim();
    let mut out = summary.to_string();
    let long = long.trim_matches('\n').trim_end();
    if long.trim().is_empty() || long.trim() == summary {
        return out;
    }
    for line in long.lines() {
        let line = line.trim_end().replace('\t', "    ");
        if line.is_empty() {
            out.push_str("\n .");
        } else if line.starts_with(' ') {
            out.push_str("\n ");
            out.push_str(&line);
        } else {
            for wrapped in wrap(&line, DESCRIPTION_WIDTH - 1) {
                // ` .text` is reserved in control fields: show it verbatim instead.
                out.push_str(if wrapped.starts_with('.') {
                    "\n  "
                } else {
                    "\n "
                });
                out.push_str(&wrapped);
            }
        }
    }
    out
}

/// Greedy word wrap; a word longer than `width` gets a line of its own.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// KiB the package occupies once installed, as dpkg-gencontrol counts it:
/// each file and symlink its size rounded up to whole KiB, each directory
/// (the root included) 1.
pub fn installed_size(entries: &[&Entry], implicit_dirs: usize) -> u64 {
    let kib = |bytes: u64| bytes.div_ceil(1024);
    let listed: u64 = entries
        .iter()
        .map(|e| match &e.kind {
            EntryKind::Dir => 1,
            EntryKind::Symlink { target } => kib(target.len() as u64),
            _ => kib(e.size),
        })
        .sum();
    1 + implicit_dirs as u64 + listed
}

/// The `control` file.
pub fn control_file(package: &Package, architecture: &str, installed_size: u64) -> String {
    let deb = &package.formats.deb;
    let relations = package.relations_for("deb");
    let mut fields: Vec<(&str, String)> = vec![
        ("Package", package.name.clone()),
        ("Version", deb_version(&package.version)),
        ("Architecture", architecture.to_string()),
        ("Maintainer", package.maintainer.clone()),
        ("Installed-Size", installed_size.to_string()),
    ];
    for (name, list) in [
        ("Pre-Depends", &relations.pre_depends),
        ("Depends", &relations.depends),
        ("Recommends", &relations.recommends),
        ("Suggests", &relations.suggests),
        ("Breaks", &relations.breaks),
        ("Conflicts", &relations.conflicts),
        ("Replaces", &relations.replaces),
        ("Provides", &relations.provides),
    ] {
        if !list.is_empty() {
            fields.push((name, relations_text(list)));
        }
    }
    fields.push((
        "Section",
        deb.section
            .clone()
            .unwrap_or_else(|| DEFAULT_SECTION.into()),
    ));
    fields.push((
        "Priority",
        deb.priority
            .clone()
            .unwrap_or_else(|| DEFAULT_PRIORITY.into()),
    ));
    if let Some(homepage) = &package.homepage {
        fields.push(("Homepage", homepage.clone()));
    }
    fields.push((
        "Description",
        description(&package.summary, &package.description),
    ));
    // debhelper marks the dbgsym packages it builds this way; lintian and
    // dak recognise them by these fields.
    if let Some(debug) = &package.debug_symbols {
        fields.push(("Auto-Built-Package", "debug-symbols".into()));
        fields.push(("Build-Ids", debug.build_ids.join(" ")));
    }
    fields
        .iter()
        .map(|(name, value)| format!("{name}: {value}\n"))
        .collect()
}

/// Whether dpkg should keep the user's edits to this entry: `kind =
/// "config"`, and every regular file under /etc (policy §10.7.2).
pub fn is_conffile(entry: &Entry) -> bool {
    entry.kind == EntryKind::Config || (entry.kind.is_regular() && entry.path.starts_with("/etc/"))
}

/// The `conffiles` file: absolute paths, one a line.
pub fn conffiles(entries: &[&Entry]) -> String {
    entries
        .iter()
        .filter(|e| is_conffile(e))
        .map(|e| format!("{}\n", e.path))
        .collect()
}

/// A spooled file with its size, positioned at its start.
pub struct Spooled {
    pub file: File,
    pub size: u64,
}

impl Spooled {
    fn finish(out: BufWriter<File>, what: &str) -> Result<Self> {
        let context = || format!("cannot write {what}");
        let mut file = out
            .into_inner()
            .map_err(|e| e.into_error())
            .context_with(context)?;
        let size = file.stream_position().context_with(context)?;
        file.seek(SeekFrom::Start(0)).context_with(context)?;
        Ok(Self { file, size })
    }
}

fn spool(scratch_dir: &Path) -> Result<BufWriter<File>> {
    let file = tempfile::tempfile_in(scratch_dir)
        .context_with(|| format!("cannot create a spool file in {}", scratch_dir.display()))?;
    Ok(BufWriter::with_capacity(1 << 16, file))
}

/// The `md5sums` file: `digest  relative/path`, one a line, in path order;
/// `md5s` holds the digests of the regular files of `entries`, in order.
pub fn md5sums(entries: &[&Entry], md5s: &[[u8; 16]], scratch_dir: &Path) -> Result<Spooled> {
    let mut out = spool(scratch_dir)?;
    let regular = entries.iter().filter(|e| e.kind.is_regular());
    for (entry, md5) in regular.zip(md5s) {
        writeln!(out, "{}  {}", hex(md5), entry.relative_path())
            .context_with(|| "cannot write md5sums".into())?;
    }
    Spooled::finish(out, "md5sums")
}

/// One member of control.tar.
pub struct Member<'a> {
    pub name: &'static str,
    pub mode: u32,
    pub size: u64,
    pub content: Box<dyn Read + 'a>,
}

impl<'a> Member<'a> {
    fn text(name: &'static str, mode: u32, text: String) -> Self {
        Self {
            name,
            mode,
            size: text.len() as u64,
            content: Box::new(std::io::Cursor::new(text.into_bytes())),
        }
    }
}

/// The members of control.tar, sorted by name.
pub fn members<'a>(
    package: &Package,
    control: String,
    md5sums: &'a mut Spooled,
    conffiles: String,
) -> Vec<Member<'a>> {
    let scripts = &package.scripts;
    let mut members = vec![
        Member::text("control", 0o644, control),
        Member {
            name: "md5sums",
            mode: 0o644,
            size: md5sums.size,
            content: Box::new(&mut md5sums.file),
        },
    ];
    if !conffiles.is_empty() {
        members.push(Member::text("conffiles", 0o644, conffiles));
    }
    for (name, script) in [
        ("preinst", &scripts.pre_install),
        ("postinst", &scripts.post_install),
        ("prerm", &scripts.pre_remove),
        ("postrm", &scripts.post_remove),
    ] {
        if let Some(text) = script {
            members.push(Member::text(name, 0o755, text.clone()));
        }
    }
    members.sort_by_key(|m| m.name);
    members
}

/// control.tar, compressed, spooled into `scratch_dir`.
pub fn control_tar(
    members: Vec<Member<'_>>,
    compression: Compression,
    epoch: u64,
    threads: u32,
    scratch_dir: &Path,
) -> Result<Spooled> {
    let context = || "cannot build control.tar".to_string();
    let encoder = compression
        .encoder(spool(scratch_dir)?, threads)
        .context_with(context)?;
    let mut tar = TarWriter::new(encoder);
    tar.append_dir("./", &TarMeta::root(0o755, epoch))
        .context_with(context)?;
    for member in members {
        tar.append_file(
            &format!("./{}", member.name),
            &TarMeta::root(member.mode, epoch),
            member.size,
            member.content,
        )
        .context_with(|| format!("cannot write {} into control.tar", member.name))?;
    }
    let encoder = tar.finish().context_with(context)?;
    Spooled::finish(encoder.finish().context_with(context)?, "control.tar")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(text: &str, epoch: Option<u32>, release: &str) -> Version {
        Version {
            upstream: semver::Version::parse(text).unwrap(),
            epoch,
            release: release.into(),
        }
    }

    #[test]
    fn versions_carry_epoch_tilde_and_revision() {
        let cases = [
            ("1.2.3", None, "1", "1.2.3-1", "1.2.3-1"),
            ("1.2.3-rc.1", None, "1", "1.2.3~rc.1-1", "1.2.3~rc.1-1"),
            ("1.2.3", Some(2), "3", "2:1.2.3-3", "1.2.3-3"),
            (
                "1.0.0+git5",
                None,
                "0.1",
                "1.0.0+git5-0.1",
                "1.0.0+git5-0.1",
            ),
        ];
        for (text, epoch, release, full, file) in cases {
            let v = version(text, epoch, release);
            assert_eq!(deb_version(&v), full);
            assert_eq!(file_version(&v), file);
            assert!(super::super::rules::check_version(full).is_ok(), "{full}");
        }
    }

    #[test]
    fn relations_use_debian_operators() {
        let rels: Vec<Relation> = ["libc6 (>= 2.31)", "a | b (< 2)", "c > 1", "d <= 3"]
            .iter()
            .map(|t| Relation::parse(t).unwrap())
            .collect();
        assert_eq!(
            relations_text(&rels),
            "libc6 (>= 2.31), a | b (<< 2), c (>> 1), d (<= 3)"
        );
    }

    #[test]
    fn descriptions_fold_with_dots_for_blank_lines() {
        let long = format!(
            "First paragraph.\n\n  verbatim  line\nSecond {}end.\n.NET too\n",
            "word ".repeat(30)
        );
        let text = description("Greets the world", &long);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Greets the world");
        assert_eq!(lines[1], " First paragraph.");
        assert_eq!(lines[2], " .");
        assert_eq!(lines[3], "   verbatim  line");
        assert!(lines[4..]
            .iter()
            .all(|l| l.starts_with(' ') && l.len() <= 79));
        assert!(lines[lines.len() - 2].ends_with("end."));
        assert_eq!(lines.last().unwrap(), &"  .NET too");
        assert_eq!(lines.len(), 8, "{text}");
        assert_eq!(description("Same", "Same"), "Same");
    }

    #[test]
    fn installed_size_counts_kib_per_file_and_one_per_directory() {
        let entry = |kind: EntryKind, size: u64| Entry {
            path: "/x".into(),
            kind,
            mode: 0o644,
            owner: "root".into(),
            group: "root".into(),
            uid: 0,
            gid: 0,
            mtime: 0,
            source: crate::Source::None,
            size,
            arch_check: true,
            strip: false,
        };
        let entries = [
            entry(EntryKind::File, 1),
            entry(EntryKind::File, 1024),
            entry(EntryKind::File, 1025),
            entry(EntryKind::File, 0),
            entry(EntryKind::Dir, 0),
            entry(
                EntryKind::Symlink {
                    target: "hello".into(),
                },
                0,
            ),
        ];
        // root 1 + 2 implicit dirs + files 1 + 1 + 2 + 0 + dir 1 + link 1
        assert_eq!(installed_size(&entries.iter().collect::<Vec<_>>(), 2), 9);
    }
}
