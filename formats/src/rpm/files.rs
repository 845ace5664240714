//! The file list: entries with their RPM flags, the directories the package
//! owns (`%dir`), and `%ghost` paths.
//!
//! Planning checks everything rpm would refuse, so `Format::validate` can
//! report it before anything is written. The items come out sorted by path,
//! the order of the header's file arrays (rpm looks paths up by binary
//! search) and of the payload.

use std::borrow::Cow;
use std::collections::BTreeSet;

use ::rpm::FileFlags;

use super::naming::check_text;
use super::system_dirs::is_system_dir;
use crate::model::{Entry, EntryKind, Package};
use crate::{Error, Result};

/// What one path in the package is.
#[derive(Debug)]
pub(super) enum Kind<'a> {
    /// A regular file with its content and flag (`%config(noreplace)`, `%doc`, `%license`).
    Regular {
        entry: &'a Entry,
        flag: Flag,
    },
    Dir,
    Symlink(&'a str),
    /// Listed in the header, not in the payload.
    GhostFile,
    GhostDir,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Flag {
    None,
    Config,
    Doc,
    License,
}

/// One path with its attributes.
#[derive(Debug)]
pub(super) struct Item<'a> {
    pub path: Cow<'a, str>,
    pub kind: Kind<'a>,
    /// Permission bits; the file type comes from `kind`.
    pub mode: u32,
    pub owner: &'a str,
    pub group: &'a str,
    /// `None`: the build's SOURCE_DATE_EPOCH.
    pub mtime: Option<u64>,
    /// Bytes of content (a symlink's target length; 0 for directories and
    /// ghosts), as planned; the payload writer checks it when it reads.
    pub size: u64,
}

/// The checked file list of one package.
#[derive(Debug)]
pub struct FilePlan<'a> {
    pub(super) items: Vec<Item<'a>>,
    /// Things the user should know that do not stop the build.
    pub warnings: Vec<String>,
}

const ROOT: &str = "root";

impl<'a> FilePlan<'a> {
    /// Checks the entries and the `[rpm] ghost` paths and decides which
    /// directories the package owns: the ones the manifest lists and every
    /// parent folder of an entry that is not a system directory.
    pub fn new(package: &'a Package) -> Result<Self> {
        // The entries come sorted by path: the plan is a sorted Vec that
        // borrows their paths, with ghosts and owned folders merged in at
        // the end (a million files: no map, no copy of a path).
        let mut items: Vec<Item<'a>> = Vec::with_capacity(package.entries.len());
        let mut warnings = Vec::new();
        for entry in &package.entries {
            let item = entry_item(entry)?;
            if item.kind.is_dir() && is_system_dir(&item.path) {
                warnings.push(format!(
                    "rpm: `{}` is a system directory; the package does not own it (Fedora guidelines)",
                    item.path
                ));
                continue;
            }
            items.push(item);
        }
        let find = |items: &[Item<'a>], path: &str| {
            items.binary_search_by(|i| i.path.as_ref().cmp(path)).ok()
        };
        let mut added: Vec<Item<'a>> = Vec::new();
        for (i, path) in package.formats.rpm.ghost.iter().enumerate() {
            check_path(&format!("[rpm] ghost[{i}]"), path)?;
            let Some(at) = find(&items, path) else {
                if !added.iter().any(|a| a.path == path.as_str()) {
                    added.push(Item::owned_by_root(Cow::Borrowed(path), Kind::GhostFile));
                }
                continue;
            };
            let item = &mut items[at];
            item.size = 0;
            item.kind = match item.kind {
                Kind::Dir => Kind::GhostDir,
                Kind::Regular { .. } => Kind::GhostFile,
                _ => {
                    return Err(Error::Invalid(format!(
                        "[rpm] ghost[{i}] `{path}` is a symlink or already a ghost; a %ghost is a file or a directory"
                    )))
                }
            }
        }
        let mut parents = BTreeSet::new();
        for path in items.iter().chain(&added).map(|i| i.path.as_ref()) {
            let mut dir = path;
            while let Some(cut) = dir.rfind('/') {
                dir = &dir[..cut];
                if dir.is_empty() || !parents.insert(dir.to_string()) {
                    break;
                }
            }
        }
        for dir in parents {
            match find(&items, &dir) {
                Some(at) if !items[at].kind.is_dir() => {
                    return Err(Error::Invalid(format!(
                        "`{dir}` is not a directory, but the package installs paths below it; move one of them"
                    )));
                }
                Some(_) => {}
                None if package.formats.rpm.ghost.contains(&dir) => {
                    return Err(Error::Invalid(format!(
                        "[rpm] ghost `{dir}` is a file, but the package installs paths below it; make it a directory or drop it"
                    )));
                }
                None if is_system_dir(&dir) => {}
                None => added.push(Item::owned_by_root(Cow::Owned(dir), Kind::Dir)),
            }
        }
        items.append(&mut added);
        items.sort_by(|a, b| a.path.cmp(&b.path));
        let plan = Self { items, warnings };
        check_header_size(plan.items.len(), plan.file_arrays_size())?;
        Ok(plan)
    }

    /// Bytes the per-file arrays take in the main header (the rest of it
    /// is a few KiB): each file's base name, owner, group, link target and
    /// digest as NUL-terminated strings, and its 41 bytes of numbers.
    pub fn file_arrays_size(&self) -> u64 {
        const NUMBERS: u64 = 8 + 2 + 2 + 4 + 4 + 4 + 4 + 4 + 4 + 4;
        const DIGEST: u64 = 64 + 1;
        let mut dirs = BTreeSet::new();
        let per_file: u64 = self
            .items
            .iter()
            .map(|i| {
                let cut = i.path.rfind('/').map_or(0, |c| c + 1);
                dirs.insert(&i.path[..cut]);
                let link = match i.kind {
                    Kind::Symlink(target) => target.len() as u64,
                    _ => 0,
                };
                let text = (i.path.len() - cut) + i.owner.len() + i.group.len();
                NUMBERS + DIGEST + text as u64 + link + 5
            })
            .sum();
        per_file + dirs.iter().map(|d| d.len() as u64 + 1).sum::<u64>()
    }

    /// Whether the payload needs rpm's large-file layout: the installed
    /// size does not fit the 32-bit SIZE tag, so sizes go into LONGSIZE and
    /// LONGFILESIZES and the cpio headers (whose size field is 32 bits) are
    /// the stripped ones that point into the header instead.
    pub fn needs_large_files(&self) -> bool {
        self.installed_size() > u64::from(u32::MAX)
    }

    /// The installed size: every file's content and every symlink's target.
    pub fn installed_size(&self) -> u64 {
        self.items.iter().map(|i| i.size).sum()
    }

    /// The paths the package owns, with `/` after directories.
    #[cfg(test)]
    fn paths(&self) -> Vec<String> {
        self.items
            .iter()
            .map(|i| {
                let ghost = matches!(i.kind, Kind::GhostFile | Kind::GhostDir);
                let slash = if i.kind.is_dir() { "/" } else { "" };
                format!("{}{}{slash}", if ghost { "%ghost " } else { "" }, i.path)
            })
            .collect()
    }
}

impl<'a> Item<'a> {
    /// A ghost or a folder the package owns without the manifest listing it.
    fn owned_by_root(path: Cow<'a, str>, kind: Kind<'a>) -> Self {
        let mode = if kind.is_dir() { 0o755 } else { 0o644 };
        Item {
            path,
            kind,
            mode,
            owner: ROOT,
            group: ROOT,
            mtime: None,
            size: 0,
        }
    }

    /// The stored time: the entry's own, clamped to SOURCE_DATE_EPOCH the
    /// way rpmbuild's `%clamp_mtime_to_source_date_epoch` does.
    pub(super) fn stored_mtime(&self, source_date: u32) -> u32 {
        self.mtime
            .map_or(source_date, |m| u32::try_from(m).unwrap_or(u32::MAX))
            .min(source_date)
    }
}

impl Kind<'_> {
    pub(super) fn is_dir(&self) -> bool {
        matches!(self, Kind::Dir | Kind::GhostDir)
    }

    pub(super) fn is_ghost(&self) -> bool {
        matches!(self, Kind::GhostFile | Kind::GhostDir)
    }

    /// The file-type bits of the mode (`S_IFREG`, `S_IFDIR`, `S_IFLNK`).
    pub(super) fn type_bits(&self) -> u32 {
        match self {
            Kind::Regular { .. } | Kind::GhostFile => 0o100000,
            Kind::Dir | Kind::GhostDir => 0o040000,
            Kind::Symlink(_) => 0o120000,
        }
    }

    /// RPMTAG_FILEFLAGS.
    pub(super) fn flags(&self) -> FileFlags {
        match self {
            Kind::Regular { flag, .. } => match flag {
                Flag::None => FileFlags::empty(),
                Flag::Config => FileFlags::CONFIG | FileFlags::NOREPLACE,
                Flag::Doc => FileFlags::DOC,
                Flag::License => FileFlags::LICENSE,
            },
            Kind::GhostFile | Kind::GhostDir => FileFlags::GHOST,
            Kind::Dir | Kind::Symlink(_) => FileFlags::empty(),
        }
    }
}

fn entry_item(entry: &Entry) -> Result<Item<'_>> {
    check_path("entry", &entry.path)?;
    for (what, name) in [("owner", &entry.owner), ("group", &entry.group)] {
        if name.is_empty()
            || name
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == ':')
        {
            return Err(Error::Invalid(format!(
                "`{}`: {what} `{name}` is not a user or group name RPM can record",
                entry.path
            )));
        }
    }
    if u32::try_from(entry.mtime).is_err() {
        return Err(Error::Invalid(format!(
            "`{}`: mtime {} does not fit RPM's 32-bit timestamps (after 2106)",
            entry.path, entry.mtime
        )));
    }
    let regular = |flag| Kind::Regular { entry, flag };
    let kind = match &entry.kind {
        EntryKind::File if is_doc_path(&entry.path) => regular(Flag::Doc),
        EntryKind::File => regular(Flag::None),
        EntryKind::Config => regular(Flag::Config),
        EntryKind::Doc => regular(Flag::Doc),
        EntryKind::License => regular(Flag::License),
        EntryKind::Dir => Kind::Dir,
        EntryKind::Symlink { target } => {
            if target.is_empty() {
                return Err(Error::Invalid(format!(
                    "`{}`: a symlink needs a target",
                    entry.path
                )));
            }
            check_text(&format!("`{}`: symlink target", entry.path), target, false)?;
            Kind::Symlink(target)
        }
    };
    let size = match &kind {
        Kind::Regular { .. } => entry.size,
        Kind::Symlink(target) => target.len() as u64,
        _ => 0,
    };
    Ok(Item {
        path: Cow::Borrowed(&entry.path),
        kind,
        mode: entry.mode & 0o7777,
        owner: &entry.owner,
        group: &entry.group,
        mtime: Some(entry.mtime),
        size,
    })
}

/// Files rpmbuild marks `%doc` on its own (`%__docdir_path`): manual and
/// info pages and everything under /usr/share/doc.
fn is_doc_path(path: &str) -> bool {
    ["/usr/share/man/", "/usr/share/info/", "/usr/share/doc/"]
        .iter()
        .any(|dir| path.starts_with(dir))
}

/// The most data rpm reads in one header (HEADER_DATA_MAX in rpm's
/// header.c, 256 MiB): a larger header is refused as corrupt by rpm -K,
/// rpm -i and dnf alike.
pub const HEADER_DATA_MAX: u64 = 0x0fff_ffff;

/// What the file arrays may take, leaving the rest of the header room.
const FILE_ARRAYS_MAX: u64 = HEADER_DATA_MAX - (1 << 20);

/// Refuses a file list whose header rpm could not read, before anything
/// is written.
fn check_header_size(files: usize, bytes: u64) -> Result<()> {
    if bytes <= FILE_ARRAYS_MAX {
        return Ok(());
    }
    Err(Error::Invalid(format!(
        "rpm: {files} paths need {} MiB of file lists in the RPM header, more than the {} MiB rpm reads in one header (HEADER_DATA_MAX); split the package, or ship the files inside an archive",
        bytes >> 20,
        (HEADER_DATA_MAX + 1) >> 20
    )))
}

/// An install path must be absolute and normalized, below `/`.
fn check_path(what: &str, path: &str) -> Result<()> {
    let normalized = path.starts_with('/')
        && path.len() > 1
        && !path.ends_with('/')
        && path[1..]
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..");
    if !normalized || path.chars().any(char::is_control) {
        return Err(Error::Invalid(format!(
            "{what} `{path}` is not an absolute, normalized install path below `/` (like /var/log/hello.log)"
        )));
    }
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::model::{FormatSections, Relations, Scripts, Source, Version};

    pub fn entry(path: &str, kind: EntryKind) -> Entry {
        Entry {
            path: path.into(),
            kind,
            mode: 0o644,
            owner: "root".into(),
            group: "root".into(),
            uid: 0,
            gid: 0,
            mtime: 1,
            source: Source::Bytes(b"x".to_vec()),
            size: 1,
            arch_check: true,
            strip: false,
        }
    }

    pub fn package(entries: Vec<Entry>, ghost: &[&str]) -> Package {
        let mut formats = FormatSections::default();
        formats.rpm.ghost = ghost.iter().map(|g| g.to_string()).collect();
        Package {
            name: "hello".into(),
            version: Version {
                upstream: semver::Version::new(1, 0, 0),
                epoch: None,
                release: "1".into(),
            },
            summary: "s".into(),
            description: "d".into(),
            license: "MIT".into(),
            maintainer: "m <m@example.org>".into(),
            vendor: None,
            homepage: None,
            relations: Relations::default(),
            scripts: Scripts::default(),
            entries,
            has_binaries: true,
            system: Default::default(),
            formats,
            binaries: Default::default(),
            debug_symbols: None,
        }
    }

    #[test]
    fn owns_its_own_directories_only() {
        let pkg = package(
            vec![
                entry("/etc/hello/hello.conf", EntryKind::Config),
                entry("/opt/hello/lib/x.so", EntryKind::File),
                entry("/usr/bin/hello", EntryKind::File),
                entry("/usr/share/doc/hello/README", EntryKind::Doc),
                entry("/usr/share/man/man1/hello.1.gz", EntryKind::Doc),
                entry("/var/lib/hello", EntryKind::Dir),
            ],
            &["/var/log/hello/hello.log"],
        );
        let plan = FilePlan::new(&pkg).unwrap();
        assert_eq!(
            plan.paths(),
            [
                "/etc/hello/",
                "/etc/hello/hello.conf",
                "/opt/hello/",
                "/opt/hello/lib/",
                "/opt/hello/lib/x.so",
                "/usr/bin/hello",
                "/usr/share/doc/hello/",
                "/usr/share/doc/hello/README",
                "/usr/share/man/man1/hello.1.gz",
                "/var/lib/hello/",
                "/var/log/hello/",
                "%ghost /var/log/hello/hello.log",
            ]
        );
        assert!(plan.warnings.is_empty());
    }

    #[test]
    fn manual_info_and_doc_files_are_doc_by_place() {
        let pkg = package(
            vec![
                entry("/usr/bin/hello", EntryKind::File),
                entry("/usr/share/doc/hello/NEWS", EntryKind::File),
                entry("/usr/share/info/hello.info.gz", EntryKind::File),
                entry("/usr/share/man/man1/hello.1.gz", EntryKind::File),
                entry("/usr/share/hello/data", EntryKind::File),
            ],
            &[],
        );
        let plan = FilePlan::new(&pkg).unwrap();
        let docs: Vec<&str> = plan
            .items
            .iter()
            .filter(|i| i.kind.flags() == FileFlags::DOC)
            .map(|i| i.path.as_ref())
            .collect();
        assert_eq!(
            docs,
            [
                "/usr/share/doc/hello/NEWS",
                "/usr/share/info/hello.info.gz",
                "/usr/share/man/man1/hello.1.gz"
            ]
        );
    }

    #[test]
    fn file_lists_past_rpms_header_limit_are_refused() {
        let pkg = package(
            vec![
                entry("/opt/a/x", EntryKind::File),
                entry("/opt/a/yy", EntryKind::File),
            ],
            &[],
        );
        let plan = FilePlan::new(&pkg).unwrap();
        // /opt/a/ (/opt is the system's), x, yy: 110 bytes of numbers,
        // digest and NULs each, plus base name, `root` and `root`; then the
        // folders /opt/ and /opt/a/.
        assert_eq!(
            plan.file_arrays_size(),
            3 * 110 + (1 + 1 + 2) + 3 * 8 + (6 + 8)
        );
        assert!(check_header_size(1_000_000, FILE_ARRAYS_MAX).is_ok());
        let err = check_header_size(2_000_000, FILE_ARRAYS_MAX + 1).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("2000000 paths"), "{text}");
        assert!(
            text.contains("256 MiB") && text.contains("HEADER_DATA_MAX"),
            "{text}"
        );
    }

    #[test]
    fn a_listed_system_directory_is_not_owned() {
        let pkg = package(vec![entry("/usr/bin", EntryKind::Dir)], &[]);
        let plan = FilePlan::new(&pkg).unwrap();
        assert!(plan.paths().is_empty());
        assert_eq!(plan.warnings.len(), 1);
    }

    #[test]
    fn ghosts_turn_listed_entries_into_ghosts() {
        let pkg = package(
            vec![
                entry("/var/cache/hello", EntryKind::Dir),
                entry("/var/cache/hello/db", EntryKind::File),
            ],
            &["/var/cache/hello", "/var/cache/hello/db"],
        );
        assert_eq!(
            FilePlan::new(&pkg).unwrap().paths(),
            ["%ghost /var/cache/hello/", "%ghost /var/cache/hello/db"]
        );
    }

    #[test]
    fn bad_paths_and_names_are_refused() {
        let mut bad_owner = entry("/usr/bin/x", EntryKind::File);
        bad_owner.owner = "a b".into();
        let mut late = entry("/usr/bin/x", EntryKind::File);
        late.mtime = 1 << 33;
        let cases = [
            package(vec![bad_owner], &[]),
            package(vec![late], &[]),
            package(vec![entry("usr/bin/x", EntryKind::File)], &[]),
            package(vec![], &["var/log/x"]),
            package(vec![], &["/var/../x"]),
            package(vec![], &["/"]),
            package(
                vec![
                    entry("/opt/a", EntryKind::File),
                    entry("/opt/a/b", EntryKind::File),
                ],
                &[],
            ),
            package(
                vec![entry(
                    "/usr/bin/l",
                    EntryKind::Symlink {
                        target: String::new(),
                    },
                )],
                &[],
            ),
        ];
        for pkg in cases {
            assert!(FilePlan::new(&pkg).is_err(), "{:?}", pkg.entries);
        }
    }
}
