//! Debian `Depends` from the ELF files of a package, decided the way
//! dpkg-shlibdeps decides, from the target's dpkg database and without
//! running any dpkg tool:
//!
//! 1. each needed soname is looked up in the binary's RPATH/RUNPATH, the
//!    multiarch folders, `/lib`, `/usr/lib`, the folders `ld.so.conf` lists
//!    and the old multilib folders: first among the package's own files (a
//!    library the package ships needs no dependency), then in the root;
//! 2. the package owning the library file (its `.list`) gives its
//!    `symbols` file: the dependency template of the soname, at least the
//!    smallest version of its symbols, raised to the minimal version of
//!    every symbol the binary uses; without one, `shlibs.override`, the
//!    package's `shlibs` and `shlibs.default` give a fixed dependency;
//! 3. the templates are filled in (`#MINVER#` → `(>= v)`) and sorted as
//!    dpkg sorts a dependency list.

use std::collections::{BTreeMap, HashMap, HashSet};

use vitte_buildkit_formats::model::{Op, Relation};

use super::elf::ElfFacts;
use super::root::Root;
use super::symbols::{shlibs_dependency, split_soname, SymbolFile, SymbolObject};
use crate::diff::version;

/// Where dependency information comes from, and for which architecture.
pub struct Database {
    pub root: Root,
    /// Debian architecture: `amd64`.
    pub arch: String,
    /// Multiarch triple: `x86_64-linux-gnu`.
    pub multiarch: String,
    symbol_files: HashMap<std::path::PathBuf, Option<SymbolFile>>,
    library_dirs: Vec<String>,
}

/// One ELF file of the package, with its install path.
pub struct Binary<'a> {
    pub path: &'a str,
    pub facts: &'a ElfFacts,
}

/// The outcome: the dependencies, and what the user should know.
#[derive(Debug, Default)]
pub struct Outcome {
    pub depends: Vec<Relation>,
    pub warnings: Vec<String>,
}

/// Why no dependency could be computed; one line per problem.
#[derive(Debug)]
pub struct Unresolved(pub Vec<String>);

/// A library file found for a soname.
enum Found {
    /// Shipped by the package itself.
    InPackage,
    /// In the root, at this path.
    System(String),
}

/// Dependency template → minimal version (empty: unversioned).
type Collected = BTreeMap<String, String>;

impl Database {
    pub fn new(root: Root, arch: &str, multiarch: &str) -> Self {
        let mut library_dirs = vec![
            format!("/lib/{multiarch}"),
            format!("/usr/lib/{multiarch}"),
            "/lib".into(),
            "/usr/lib".into(),
        ];
        for dir in root.ld_so_conf_dirs() {
            if !library_dirs.contains(&dir) {
                library_dirs.push(dir);
            }
        }
        library_dirs.extend(["/lib32", "/usr/lib32", "/lib64", "/usr/lib64"].map(String::from));
        Self {
            root,
            arch: arch.into(),
            multiarch: multiarch.into(),
            symbol_files: HashMap::new(),
            library_dirs,
        }
    }

    /// Computes the dependencies of `binaries`; `shipped` holds every path
    /// the package installs.
    pub fn depends(
        &mut self,
        binaries: &[Binary<'_>],
        shipped: &HashSet<&str>,
    ) -> Result<Outcome, Unresolved> {
        let mut collected = Collected::new();
        let mut outcome = Outcome::default();
        let mut problems = Vec::new();
        for binary in binaries {
            self.binary(binary, shipped, &mut collected, &mut outcome, &mut problems);
        }
        if !problems.is_empty() {
            return Err(Unresolved(problems));
        }
        outcome.depends = fill_templates(&collected);
        Ok(outcome)
    }

    fn binary(
        &mut self,
        binary: &Binary<'_>,
        shipped: &HashSet<&str>,
        collected: &mut Collected,
        outcome: &mut Outcome,
        problems: &mut Vec<String>,
    ) {
        let facts = binary.facts;
        // The symbols files' objects for this binary's sonames.
        let mut objects: HashMap<String, SymbolObject> = HashMap::new();
        for soname in &facts.needed {
            let found = self.find_library(soname, binary, shipped);
            if found.is_empty() {
                let message = format!(
                    "{}: cannot find {soname} (needed by it) in the package or in {}",
                    binary.path.trim_start_matches('/'),
                    self.root.dir.display()
                );
                if split_soname(soname).is_some() {
                    problems.push(message);
                } else {
                    outcome.warnings.push(message);
                }
                continue;
            }
            if found.iter().any(|f| matches!(f, Found::InPackage)) {
                continue;
            }
            let missing_info = self.information(soname, &found, collected, &mut objects);
            if let Some(lib) = missing_info {
                if split_soname(soname).is_some() {
                    problems.push(format!(
                        "{}: no dependency information for {lib} (needed by it): no package in {} has a symbols or shlibs file for {soname}",
                        binary.path.trim_start_matches('/'),
                        self.root.dir.display()
                    ));
                }
            }
        }
        for symbol in &facts.used_symbols {
            let name = format!("{}@{}", symbol.name, symbol.version);
            let hit = facts.needed.iter().find_map(|soname| {
                let object = objects.get(soname)?;
                let sym = object.symbols.get(&name).filter(|s| !s.deprecated)?;
                Some((object.deps.get(sym.dep_id)?.clone(), sym.minver.clone()))
            });
            if let Some((template, minver)) = hit {
                update(collected, &template, &minver);
            }
        }
    }

    /// Dependency information for `soname` from the first library file
    /// whose package has a symbols file (its object goes into `objects`)
    /// or a shlibs entry; the library that had none, when none did.
    fn information(
        &mut self,
        soname: &str,
        found: &[Found],
        collected: &mut Collected,
        objects: &mut HashMap<String, SymbolObject>,
    ) -> Option<String> {
        let mut missing_info = None;
        for found in found {
            let Found::System(lib) = found else { continue };
            let mut packages = self.root.owners(lib);
            if packages.is_empty() {
                if let Some(real) = self.root.real_path(lib) {
                    packages = self.root.owners(&real);
                }
            }
            if packages.is_empty() {
                packages.push(String::new());
            }
            for package in packages {
                if let Some(object) = self.symbols_object(&package, soname) {
                    let template = object.deps.first().cloned().unwrap_or_default();
                    let minver = object.smallest_version(0).unwrap_or_default();
                    update(collected, &template, &minver);
                    objects.insert(soname.to_string(), object);
                    return None;
                }
                // Like dpkg-shlibdeps: a library without a soname is
                // private, and no shlibs file can describe it.
                if !self.is_public_library(lib) {
                    continue;
                }
                if let Some(dep) = self.shlibs(&package, soname) {
                    for sub in dep.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                        collected.insert(sub.to_string(), String::new());
                    }
                    return None;
                }
                missing_info = Some(lib.clone());
            }
        }
        missing_info
    }

    /// The library files for `soname`: the package's own first, else every
    /// match in the root with the binary's ELF class and machine.
    fn find_library(
        &mut self,
        soname: &str,
        binary: &Binary<'_>,
        shipped: &HashSet<&str>,
    ) -> Vec<Found> {
        let origin = binary.path.rsplit_once('/').map_or("", |(dir, _)| dir);
        let mut dirs: Vec<String> = binary
            .facts
            .search_paths
            .iter()
            .map(|p| p.replace("${ORIGIN}", origin).replace("$ORIGIN", origin))
            .collect();
        dirs.extend(self.library_dirs.iter().cloned());
        let candidates: Vec<String> = dirs
            .iter()
            .map(|d| format!("{}/{soname}", d.trim_end_matches('/')))
            .collect();
        if candidates.iter().any(|c| shipped.contains(c.as_str())) {
            return vec![Found::InPackage];
        }
        let mut found = Vec::new();
        for candidate in candidates {
            let host = self.root.host_path(&candidate);
            if same_format(&host, binary.facts) && !found.contains(&candidate) {
                found.push(candidate);
            }
        }
        found.into_iter().map(Found::System).collect()
    }

    /// The object for `soname` in the symbols file of `package`.
    fn symbols_object(&mut self, package: &str, soname: &str) -> Option<SymbolObject> {
        if package.is_empty() {
            return None;
        }
        let bare = package.split(':').next().unwrap_or(package);
        let candidates = [
            self.root
                .host_path(&format!("/etc/dpkg/symbols/{bare}.symbols.{}", self.arch)),
            self.root
                .host_path(&format!("/etc/dpkg/symbols/{bare}.symbols")),
            self.root.info_dir().join(format!("{package}.symbols")),
        ];
        for path in candidates {
            if !path.is_file() {
                continue;
            }
            let arch = self.arch.clone();
            let file = self
                .symbol_files
                .entry(path.clone())
                .or_insert_with(|| SymbolFile::load(&path, &arch).ok());
            if let Some(object) = file.as_ref().and_then(|f| f.objects.get(soname)) {
                return Some(object.clone());
            }
        }
        None
    }

    /// Whether the library file in the root is dynamic and has a soname.
    fn is_public_library(&self, lib: &str) -> bool {
        std::fs::read(self.root.host_path(lib))
            .ok()
            .and_then(|bytes| super::elf::parse(&bytes))
            .is_some_and(|facts| facts.soname.is_some())
    }

    /// A fixed dependency from the shlibs files, in dpkg-shlibdeps' order.
    fn shlibs(&self, package: &str, soname: &str) -> Option<String> {
        let mut files = vec![self.root.host_path("/etc/dpkg/shlibs.override")];
        if !package.is_empty() {
            files.push(self.root.info_dir().join(format!("{package}.shlibs")));
        }
        files.push(self.root.host_path("/etc/dpkg/shlibs.default"));
        files
            .iter()
            .filter(|f| f.is_file())
            .find_map(|f| shlibs_dependency(f, soname).ok().flatten())
    }
}

/// Whether the file is an ELF file of the binary's class and machine (as
/// dpkg-shlibdeps compares formats).
fn same_format(host: &std::path::Path, facts: &ElfFacts) -> bool {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(host) else {
        return false;
    };
    let mut head = [0u8; 64];
    if file.read_exact(&mut head[..52]).is_err() {
        return false;
    }
    let _ = file.read(&mut head[52..]);
    let Ok(header) = goblin::elf::Elf::parse_header(&head) else {
        return false;
    };
    let class64 = header.e_ident[goblin::elf::header::EI_CLASS] == goblin::elf::header::ELFCLASS64;
    class64 == facts.class64 && header.e_machine == facts.machine
}

/// Records a template's minimal version: each comma-separated part keeps the
/// highest version seen (an unversioned entry takes any version).
fn update(collected: &mut Collected, template: &str, minver: &str) {
    for sub in template.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match collected.get_mut(sub) {
            Some(current) => {
                if current.is_empty()
                    || (!minver.is_empty()
                        && version::dpkg(minver, current) == std::cmp::Ordering::Greater)
                {
                    *current = minver.to_string();
                }
            }
            None => {
                collected.insert(sub.to_string(), minver.to_string());
            }
        }
    }
}

/// `#MINVER#` replaced (or dropped when the version is empty or 0), parsed,
/// and sorted by package name, relation and version as dpkg sorts.
fn fill_templates(collected: &Collected) -> Vec<Relation> {
    let mut relations: Vec<Relation> = collected
        .iter()
        .filter_map(|(template, minver)| {
            let filled = if minver.is_empty() || minver == "0" {
                template.replace("#MINVER#", "")
            } else {
                template.replace("#MINVER#", &format!("(>= {minver})"))
            };
            let filled = filled.split_whitespace().collect::<Vec<_>>().join(" ");
            Relation::parse(&filled).ok()
        })
        .collect();
    relations.sort_by_key(sort_key);
    relations.dedup();
    relations
}

fn sort_key(relation: &Relation) -> Vec<(String, u8, String)> {
    relation
        .alternatives
        .iter()
        .map(|d| {
            let (rank, version) = match &d.constraint {
                None => (0, String::new()),
                Some((op, v)) => (
                    match op {
                        Op::Ge => 1,
                        Op::Gt => 2,
                        Op::Eq => 3,
                        Op::Lt => 4,
                        Op::Le => 5,
                    },
                    v.clone(),
                ),
            };
            (d.name.clone(), rank, version)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elfdeps::elf::UsedSymbol;

    /// An x86_64 shared library built by gcc, with the soname libfoo.so.1.
    fn public_library(dir: &std::path::Path) -> std::path::PathBuf {
        std::fs::write(dir.join("foo.c"), "int foo_new(void) { return 1; }\n").unwrap();
        let out = dir.join("libfoo.so.1");
        let status = std::process::Command::new("gcc")
            .current_dir(dir)
            .args(["-shared", "-fPIC", "-Wl,-soname,libfoo.so.1", "-o"])
            .arg(&out)
            .arg("foo.c")
            .status()
            .expect("gcc runs");
        assert!(status.success());
        out
    }

    /// A root whose dpkg database has `libfoo1` shipping `library` as
    /// libfoo.so.1, with the given control files.
    fn root_with(library: &std::path::Path, control: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let lib = dir.path().join("usr/lib/x86_64-linux-gnu");
        std::fs::create_dir_all(&lib).unwrap();
        std::fs::copy(library, lib.join("libfoo.so.1")).unwrap();
        let info = dir.path().join("var/lib/dpkg/info");
        std::fs::create_dir_all(&info).unwrap();
        std::fs::create_dir_all(dir.path().join("etc/dpkg")).unwrap();
        std::fs::write(dir.path().join("var/lib/dpkg/status"), "").unwrap();
        std::fs::write(
            info.join("libfoo1:amd64.list"),
            "/usr/lib/x86_64-linux-gnu/libfoo.so.1\n",
        )
        .unwrap();
        for (name, text) in control {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    fn depends(root: &std::path::Path, shipped: &[&str]) -> Result<Vec<String>, Unresolved> {
        let facts = ElfFacts {
            machine: 62,
            class64: true,
            needed: vec!["libfoo.so.1".into()],
            used_symbols: vec![UsedSymbol {
                name: "foo_new".into(),
                version: "FOO_1.2".into(),
            }],
            ..ElfFacts::default()
        };
        let binary = Binary {
            path: "/usr/bin/x",
            facts: &facts,
        };
        let mut db = Database::new(Root::new(root), "amd64", "x86_64-linux-gnu");
        let shipped: HashSet<&str> = shipped.iter().copied().collect();
        let outcome = db.depends(&[binary], &shipped)?;
        Ok(outcome
            .depends
            .iter()
            .map(crate::elfdeps::tests::text)
            .collect())
    }

    #[test]
    fn symbols_then_shlibs_then_an_error_and_shipped_libraries_need_nothing() {
        let built = tempfile::tempdir().unwrap();
        let public = public_library(built.path());
        let root_with = |control: &[(&str, &str)]| root_with(&public, control);
        let symbols =
            "libfoo.so.1 libfoo1 #MINVER#\n foo_old@FOO_1.0 1.0\n foo_new@FOO_1.2 1.2~rc1\n";
        let root = root_with(&[("var/lib/dpkg/info/libfoo1:amd64.symbols", symbols)]);
        assert_eq!(depends(root.path(), &[]).unwrap(), ["libfoo1 (>= 1.2~rc1)"]);
        let root = root_with(&[(
            "var/lib/dpkg/info/libfoo1:amd64.shlibs",
            "libfoo 1 libfoo1 (>= 1.0)\n",
        )]);
        assert_eq!(depends(root.path(), &[]).unwrap(), ["libfoo1 (>= 1.0)"]);
        let root = root_with(&[
            (
                "var/lib/dpkg/info/libfoo1:amd64.shlibs",
                "libfoo 1 libfoo1 (>= 1.0)\n",
            ),
            ("etc/dpkg/shlibs.override", "libfoo 1 libfoo-special\n"),
        ]);
        assert_eq!(depends(root.path(), &[]).unwrap(), ["libfoo-special"]);
        let root = root_with(&[]);
        let err = depends(root.path(), &[]).unwrap_err();
        assert!(
            err.0[0]
                .contains("no dependency information for /usr/lib/x86_64-linux-gnu/libfoo.so.1"),
            "{err:?}"
        );
        assert!(depends(root.path(), &["/usr/lib/libfoo.so.1"])
            .unwrap()
            .is_empty());
        let empty = tempfile::tempdir().unwrap();
        let err = depends(empty.path(), &[]).unwrap_err();
        assert!(err.0[0].contains("cannot find libfoo.so.1"), "{err:?}");
        // A library without a soname is private: no dependency, no error.
        let private = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/bin/libhello-x86_64.so");
        assert!(depends(self::root_with(&private, &[]).path(), &[])
            .unwrap()
            .is_empty());
    }

    #[test]
    fn templates_keep_the_highest_version_and_sort() {
        let mut c = Collected::new();
        update(&mut c, "libc6 #MINVER#", "2.2.5");
        update(&mut c, "libc6 #MINVER#", "2.34");
        update(&mut c, "libc6 #MINVER#", "2.14");
        update(&mut c, "zlib1g #MINVER#", "1:1.2.0");
        update(&mut c, "libgcc-s1 (>= 3.0)", "");
        update(&mut c, "libq #MINVER#", "0");
        let text: Vec<String> = fill_templates(&c)
            .iter()
            .map(|r| format!("{:?}", r.alternatives[0].constraint))
            .collect();
        assert_eq!(
            text,
            [
                "Some((Ge, \"2.34\"))",
                "Some((Ge, \"3.0\"))",
                "None",
                "Some((Ge, \"1:1.2.0\"))"
            ]
        );
    }
}
