//! Where each entry lands on Windows: the Directory tree, one component per
//! file (the file is its KeyPath), and the file rows in cabinet order.
//!
//! The install folder is `<Program Files>\<vendor>\<name>` (`[msi]
//! install-dir` replaces the part below Program Files). A `dst` path maps
//! below it with a leading `/usr/local/` or `/usr/` dropped, so `/usr/bin/x`
//! installs as `bin\x` and `/etc/x/y.conf` as `etc\x\y.conf`. Windows file
//! names ignore case, so paths that differ only by case are refused, as are
//! names Windows forbids and text outside the database's code page.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::identity::{component_guid, MsiArch};
use super::names::{non_cp1252, windows_name_problem, ShortNames};
use crate::error::{Error, Result};
use crate::{EntryKind, Package};

/// The Directory key of the install folder; public, so `INSTALLDIR=…` on the
/// msiexec command line moves it.
pub const INSTALL_DIR: &str = "INSTALLDIR";
/// The Directory key of the root every MSI tree starts from.
pub const TARGET_DIR: &str = "TARGETDIR";
/// The component that owns every folder (and the PATH entry of `[msi] path`).
pub const FOLDERS_COMPONENT: &str = "InstallFolders";
/// The longest default root, the 32-bit Program Files on a 64-bit Windows.
const INSTALL_ROOT: &str = "C:\\Program Files (x86)";
/// Characters in a path Windows Installer handles (MAX_PATH less the NUL).
const MAX_PATH: usize = 259;
/// Files one package can number: File.Sequence and Media.LastSequence are
/// written as 32-bit columns (the SDK's schema for packages of more than
/// 32767 files). The string pool binds long before (see `database`).
pub const MAX_FILES: usize = i32::MAX as usize;
/// Bytes one cabinet folder can hold uncompressed (65535 blocks of 32 KiB);
/// also the largest file.
pub const MAX_BYTES: u64 = 0x7fff_8000;

/// A row of the Directory table.
pub struct Directory {
    pub id: String,
    pub parent: Option<String>,
    pub default_dir: String,
}

/// A component: one file, or the folders.
pub struct Component {
    pub id: String,
    pub guid: Uuid,
    pub directory: String,
    /// The file that is the KeyPath; `None` makes the folder the key.
    pub key_path: Option<String>,
    /// The folders this component creates and removes (CreateFolder rows).
    pub create_folders: Vec<String>,
}

/// A row of the File table, with where its bytes come from.
pub struct FileRow {
    pub id: String,
    pub component: String,
    /// `SHORT|long` or `name`.
    pub file_name: String,
    pub size: u64,
    /// The PE file version, for versioned files; filled in when writing.
    pub version: Option<String>,
    /// Position in the cabinet, from 1.
    pub sequence: i32,
    /// Index into `Package::entries`.
    pub entry: usize,
}

/// The planned tree.
pub struct Layout {
    pub directories: Vec<Directory>,
    pub components: Vec<Component>,
    pub files: Vec<FileRow>,
    /// The Directory key of `<install>\bin`, when the package has one.
    pub bin_dir: Option<String>,
}

/// A folder below the install folder while planning, keyed by its
/// lower-case path relative to the install folder.
struct Folder {
    parent: String,
    name: String,
    /// The entry that created it, for messages.
    origin: String,
}

/// What the entries make, before names and keys are handed out: folders
/// and files keyed by their lower-case path below the install folder.
#[derive(Default)]
struct Tree {
    folders: BTreeMap<String, Folder>,
    /// (parent key, name, index into `Package::entries`).
    files: BTreeMap<String, (String, String, usize)>,
}

impl Tree {
    /// Sorts every entry into folders and files, refusing what Windows
    /// cannot hold.
    fn collect(package: &Package, install: &[String]) -> Result<Tree> {
        let mut tree = Tree::default();
        for (index, entry) in package.entries.iter().enumerate() {
            if let EntryKind::Symlink { .. } = entry.kind {
                return Err(Error::Invalid(format!(
                    "{}: a symlink, which an MSI cannot install; package the file it \
                     points to instead, or leave this entry out of the msi",
                    entry.path
                )));
            }
            let segments = relative_segments(&entry.path);
            for segment in &segments {
                check_name(&entry.path, segment)?;
            }
            let Some((name, parents)) = segments.split_last() else {
                continue; // the install folder itself
            };
            check_path_length(&entry.path, install, &segments)?;
            let mut parent = String::new();
            for folder in parents {
                parent = tree.add_folder(package, parent, folder, &entry.path)?;
            }
            if entry.kind == EntryKind::Dir {
                tree.add_folder(package, parent, name, &entry.path)?;
                continue;
            }
            let key = join(&parent, &name.to_lowercase());
            if let Some(folder) = tree.folders.get(&key) {
                return Err(clash(&entry.path, &folder.origin));
            }
            if let Some((_, _, other)) = tree.files.get(&key) {
                return Err(clash(&entry.path, &package.entries[*other].path));
            }
            if entry.size > MAX_BYTES {
                return Err(Error::Invalid(format!(
                    "{}: {} bytes, above the {MAX_BYTES} bytes one MSI cabinet can hold \
                     for a file",
                    entry.path, entry.size
                )));
            }
            tree.files.insert(key, (parent, name.clone(), index));
        }
        check_limits(package, tree.files.len())?;
        Ok(tree)
    }

    /// Adds a folder (if new) and returns its key.
    fn add_folder(
        &mut self,
        package: &Package,
        parent: String,
        name: &str,
        origin: &str,
    ) -> Result<String> {
        let key = join(&parent, &name.to_lowercase());
        if let Some((_, _, other)) = self.files.get(&key) {
            return Err(clash(origin, &package.entries[*other].path));
        }
        self.folders.entry(key.clone()).or_insert_with(|| Folder {
            parent,
            name: name.to_string(),
            origin: origin.to_string(),
        });
        Ok(key)
    }
}

/// The full Windows path within what Windows Installer handles; this also
/// keeps every `SHORT|long` name within the 255 characters of its column.
fn check_path_length(path: &str, install: &[String], segments: &[String]) -> Result<()> {
    let full = INSTALL_ROOT.len()
        + install
            .iter()
            .chain(segments)
            .map(|s| s.chars().count() + 1)
            .sum::<usize>();
    if full > MAX_PATH {
        return Err(Error::Invalid(format!(
            "{path}: installs as a path of {full} characters under {INSTALL_ROOT}, above \
             the {MAX_PATH} Windows Installer handles; shorten the dst or [msi] install-dir"
        )));
    }
    Ok(())
}

impl Layout {
    /// Plans the tree, refusing what Windows or the tables cannot hold.
    pub fn plan(package: &Package, arch: MsiArch, upgrade: Uuid) -> Result<Layout> {
        let install = install_segments(package)?;
        check_path_length("the install folder", &install, &[])?;
        let Tree { folders, files } = Tree::collect(package, &install)?;

        let mut layout = Layout {
            directories: Vec::new(),
            components: Vec::new(),
            files: Vec::new(),
            bin_dir: folders.contains_key("bin").then(|| dir_id("bin")),
        };
        layout.add_install_chain(arch, &install);

        // Short names are unique per folder: reserve the names that are
        // already 8.3 before generating the others.
        let mut short: BTreeMap<&str, ShortNames> = BTreeMap::new();
        for folder in folders.values() {
            short
                .entry(&folder.parent)
                .or_default()
                .reserve(&folder.name);
        }
        for (parent, name, _) in files.values() {
            short.entry(parent).or_default().reserve(name);
        }
        for (key, folder) in &folders {
            let names = short
                .get_mut(folder.parent.as_str())
                .expect("reserved above");
            layout.directories.push(Directory {
                id: dir_id(key),
                parent: Some(parent_id(&folder.parent)),
                default_dir: names.column(&folder.name),
            });
        }
        let root = std::iter::once(arch.program_files())
            .chain(install.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("\\");
        for (sequence, (key, (parent, name, entry))) in files.iter().enumerate() {
            let names = short.get_mut(parent.as_str()).expect("reserved above");
            // The file and its component share one key: one string fewer
            // per file in the database's string pool.
            let id = item_id("F_", key);
            let component = id.clone();
            layout.components.push(Component {
                id: component.clone(),
                guid: component_guid(upgrade, arch, &format!("{root}\\{key}")),
                directory: parent_id(parent),
                key_path: Some(id.clone()),
                create_folders: Vec::new(),
            });
            layout.files.push(FileRow {
                id,
                component,
                file_name: names.column(name),
                size: package.entries[*entry].size,
                version: None,
                sequence: i32::try_from(sequence + 1).expect("at most MAX_FILES files"),
                entry: *entry,
            });
        }
        if package.formats.msi.path && layout.bin_dir.is_none() {
            return Err(Error::Invalid(
                "[msi] path = true adds the install folder's bin to PATH, but the \
                 package installs nothing into bin (a dst under /usr/bin/ or /bin/); \
                 add a file there or drop the option"
                    .into(),
            ));
        }
        // Every folder from the top of the install chain down, listed in
        // CreateFolder: empty ones are created, and on uninstall each is
        // removed once empty, parents after children.
        let chain = layout.directories[2..].iter().map(|d| d.id.clone());
        layout.components.push(Component {
            id: FOLDERS_COMPONENT.into(),
            guid: component_guid(upgrade, arch, &format!("{root}\\")),
            directory: INSTALL_DIR.into(),
            key_path: None,
            create_folders: chain.collect(),
        });
        Ok(layout)
    }

    /// TARGETDIR → Program Files → … → INSTALLDIR.
    fn add_install_chain(&mut self, arch: MsiArch, install: &[String]) {
        self.directories.push(Directory {
            id: TARGET_DIR.into(),
            parent: None,
            default_dir: "SourceDir".into(),
        });
        self.directories.push(Directory {
            id: arch.program_files().into(),
            parent: Some(TARGET_DIR.into()),
            default_dir: "PFiles".into(),
        });
        let mut parent = arch.program_files().to_string();
        let mut path = String::new();
        for (i, segment) in install.iter().enumerate() {
            path = join(&path, &segment.to_lowercase());
            let id = if i + 1 == install.len() {
                INSTALL_DIR.to_string()
            } else {
                item_id("I_", &path)
            };
            self.directories.push(Directory {
                id: id.clone(),
                parent: Some(parent),
                default_dir: ShortNames::default().column(segment),
            });
            parent = id;
        }
    }
}

/// The folders of the install folder below Program Files.
fn install_segments(package: &Package) -> Result<Vec<String>> {
    match &package.formats.msi.install_dir {
        Some(dir) => {
            let segments: Vec<String> = dir
                .split(['/', '\\'])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            if segments.is_empty() || segments.iter().any(|s| s == "." || s == "..") {
                return Err(Error::Invalid(format!(
                    "[msi] install-dir `{dir}`: expected a folder below Program Files \
                     such as `Example Org\\hello`, without `.` or `..`"
                )));
            }
            for segment in &segments {
                check_name("[msi] install-dir", segment)?;
            }
            Ok(segments)
        }
        None => {
            let what = "the install folder <Program Files>\\<vendor>\\<name> (set [msi] install-dir to choose another)";
            let mut segments = Vec::new();
            if let Some(vendor) = &package.vendor {
                check_name(&format!("package.vendor, in {what}"), vendor)?;
                segments.push(vendor.clone());
            }
            check_name(&format!("package.name, in {what}"), &package.name)?;
            segments.push(package.name.clone());
            Ok(segments)
        }
    }
}

/// The path below the install folder, as folder names.
fn relative_segments(path: &str) -> Vec<String> {
    let rel = ["/usr/local", "/usr"]
        .iter()
        .find_map(|prefix| {
            path.strip_prefix(prefix)
                .filter(|rest| rest.is_empty() || rest.starts_with('/'))
        })
        .unwrap_or(path);
    rel.split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn check_name(what: &str, name: &str) -> Result<()> {
    if let Some(problem) = windows_name_problem(name) {
        return Err(Error::Invalid(format!(
            "{what}: the name `{name}` {problem}; rename it for the msi"
        )));
    }
    if let Some(c) = non_cp1252(name) {
        return Err(Error::Invalid(format!(
            "{what}: the name `{name}` holds `{c}`, which the MSI database's code page \
             (Windows-1252) cannot store; rename it for the msi"
        )));
    }
    Ok(())
}

fn check_limits(package: &Package, count: usize) -> Result<()> {
    if count > MAX_FILES {
        return Err(Error::Invalid(format!(
            "{count} files, more than the {MAX_FILES} sequence numbers of an MSI File \
             table; ship fewer files (an archive inside the package, or several packages)"
        )));
    }
    let total = package.payload_size();
    if total > MAX_BYTES {
        return Err(Error::Invalid(format!(
            "{total} bytes of files, more than the {MAX_BYTES} bytes one MSI cabinet \
             can hold; ship less in one package"
        )));
    }
    Ok(())
}

fn clash(path: &str, other: &str) -> Error {
    Error::Invalid(format!(
        "{path} and {other} install to the same Windows path (the msi drops a leading \
         /usr or /usr/local, and Windows ignores case); give one of them another dst"
    ))
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}\\{name}")
    }
}

fn dir_id(key: &str) -> String {
    item_id("D_", key)
}

fn parent_id(key: &str) -> String {
    if key.is_empty() {
        INSTALL_DIR.to_string()
    } else {
        dir_id(key)
    }
}

/// A table key for a path: the prefix and 32 hex digits of a name-derived
/// UUID, so keys are stable, unique and valid identifiers whatever the name.
fn item_id(prefix: &str, key: &str) -> String {
    let uuid = Uuid::new_v5(&Uuid::NAMESPACE_OID, key.as_bytes());
    format!("{prefix}{}", uuid.simple()).to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usr_prefixes_are_dropped() {
        assert_eq!(relative_segments("/usr/bin/hello"), ["bin", "hello"]);
        assert_eq!(relative_segments("/usr/local/share/a"), ["share", "a"]);
        assert_eq!(
            relative_segments("/etc/hello/x.conf"),
            ["etc", "hello", "x.conf"]
        );
        assert_eq!(relative_segments("/usrx/a"), ["usrx", "a"]);
        assert!(relative_segments("/usr").is_empty());
    }

    #[test]
    fn ids_are_identifiers() {
        let id = item_id("F_", "bin\\hello.exe");
        assert_eq!(id.len(), 34);
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        assert_ne!(id, item_id("F_", "bin\\hello"));
    }
}
