//! Shared-library dependencies computed from the ELF files of a package:
//! Debian `Depends` as dpkg-shlibdeps decides them ([`deb`], from the
//! target's dpkg database: this machine's for a native target, a sysroot's
//! for a foreign one) and RPM `Requires`/`Provides` as rpm's elfdeps
//! generator gives them ([`rpm`], from the files alone).
//!
//! Runs in the pipeline before any backend: the result goes into the model
//! as relations; backends never read ELF files or a dpkg database.

pub mod deb;
pub mod elf;
pub mod root;
pub mod rpm;
pub mod symbols;

use std::io::Read;
use std::path::Path;

use vitte_buildkit_formats::target::Arch;
use vitte_buildkit_formats::{Package, Source, Target};

use crate::error::{Error, Result};
pub use elf::ElfFacts;

/// An ELF executable or shared object of the package.
#[derive(Clone, Debug)]
pub struct Scanned {
    /// Index into `package.entries`.
    pub index: usize,
    pub facts: ElfFacts,
}

/// Reads every regular file of the package that is an ELF executable or
/// shared object. Files that are not, or do not parse, are left out.
pub fn scan(package: &Package) -> Result<Vec<Scanned>> {
    let mut found = Vec::new();
    for (index, entry) in package.entries.iter().enumerate() {
        if !entry.kind.is_regular() {
            continue;
        }
        let bytes = match &entry.source {
            Source::Path(path) => match read_if_elf(path)? {
                Some(bytes) => bytes,
                None => continue,
            },
            Source::Bytes(bytes) if elf::looks_like_elf(bytes) => bytes.clone(),
            _ => continue,
        };
        if let Some(facts) = elf::parse(&bytes) {
            found.push(Scanned { index, facts });
        }
    }
    Ok(found)
}

/// The whole file when its first bytes are ELF's magic.
fn read_if_elf(path: &Path) -> Result<Option<Vec<u8>>> {
    let read_error = |source| Error::Read {
        path: path.into(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(read_error)?;
    let mut head = [0u8; 4];
    if file.read_exact(&mut head).is_err() || !elf::looks_like_elf(&head) {
        return Ok(None);
    }
    let mut bytes = head.to_vec();
    file.read_to_end(&mut bytes).map_err(read_error)?;
    Ok(Some(bytes))
}

/// Debian's architecture and multiarch triple for a Linux target.
pub fn debian_arch(target: &Target) -> Option<(&'static str, &'static str)> {
    Some(match target.arch {
        Arch::X86_64 => ("amd64", "x86_64-linux-gnu"),
        Arch::Aarch64 => ("arm64", "aarch64-linux-gnu"),
        Arch::X86 => ("i386", "i386-linux-gnu"),
        Arch::Arm => ("armhf", "arm-linux-gnueabihf"),
        Arch::Riscv64 => ("riscv64", "riscv64-linux-gnu"),
        Arch::Powerpc64le => ("ppc64el", "powerpc64le-linux-gnu"),
        Arch::S390x => ("s390x", "s390x-linux-gnu"),
        _ => return None,
    })
}

/// The Depends of the package's binaries for `target`, from `sysroot`'s
/// dpkg database, or this machine's when the target is native.
pub fn deb_depends(
    package: &Package,
    scanned: &[Scanned],
    target: &Target,
    sysroot: Option<&Path>,
) -> Result<deb::Outcome> {
    let binaries: Vec<deb::Binary<'_>> = scanned
        .iter()
        .filter(|s| !s.facts.needed.is_empty())
        .map(|s| deb::Binary {
            path: &package.entries[s.index].path,
            facts: &s.facts,
        })
        .collect();
    if binaries.is_empty() {
        return Ok(deb::Outcome::default());
    }
    let (arch, multiarch) = debian_arch(target).ok_or_else(|| {
        Error::Binaries(format!("deb: no Debian architecture for target {target}"))
    })?;
    let native = target.arch == Target::host().arch;
    let root = match (sysroot, native) {
        (Some(dir), _) => dir.to_path_buf(),
        (None, true) => std::path::PathBuf::from("/"),
        (None, false) => return no_sysroot(&binaries, target, arch),
    };
    let root = root::Root::new(&root);
    if !root.has_dpkg_database() {
        return Err(Error::Binaries(format!(
            "deb: {} has no dpkg database (var/lib/dpkg/status); give --sysroot a root where the {arch} libraries are installed with dpkg, or set [deb] auto-depends = false and list depends by hand",
            root.dir.display()
        )));
    }
    let shipped = package.entries.iter().map(|e| e.path.as_str()).collect();
    let mut database = deb::Database::new(root, arch, multiarch);
    database.depends(&binaries, &shipped).map_err(|e| {
        let mut lines = vec![format!(
            "deb: cannot compute the shared-library dependencies of {} for {target}:",
            package.name
        )];
        lines.extend(e.0.iter().map(|l| format!("  {l}")));
        lines.push(format!(
            "install the {arch} packages of these libraries where dpkg records them (for a foreign architecture: a --sysroot), ship the libraries in the package, or set [deb] auto-depends = false and list depends by hand"
        ));
        Error::Binaries(lines.join("\n"))
    })
}

/// A foreign target without a sysroot: an error naming what is needed,
/// unless every needed library is unversioned (`libc.so` of musl), which
/// dpkg-shlibdeps only warns about.
fn no_sysroot(binaries: &[deb::Binary<'_>], target: &Target, arch: &str) -> Result<deb::Outcome> {
    let versioned = |s: &String| symbols::split_soname(s).is_some();
    let Some(first) = binaries
        .iter()
        .find(|b| b.facts.needed.iter().any(versioned))
    else {
        let warnings = binaries
            .iter()
            .map(|b| {
                format!(
                    "deb: {} needs {}, which no dpkg database of target {target} was given to map to a package; no dependency added",
                    b.path.trim_start_matches('/'),
                    b.facts.needed.join(", ")
                )
            })
            .collect();
        return Ok(deb::Outcome {
            depends: Vec::new(),
            warnings,
        });
    };
    Err(Error::Binaries(format!(
        "deb: {} needs {}, but target {target} is not this machine's architecture and no dpkg database for {arch} was given: \
pass --sysroot DIR (or set [deb] sysroot) to a root holding var/lib/dpkg for {arch} with its libraries installed (e.g. libc6:{arch} extracted with dpkg-deb -x and registered, or dpkg --root DIR --force-architecture -i), \
or set [deb] auto-depends = false and list depends by hand",
        first.path.trim_start_matches('/'),
        first.facts.needed.iter().filter(|s| versioned(s)).cloned().collect::<Vec<_>>().join(", ")
    )))
}

#[cfg(test)]
pub(crate) mod tests {
    use vitte_buildkit_formats::model::Relation;

    /// A relation as Debian writes it, for assertions.
    pub fn text(relation: &Relation) -> String {
        relation
            .alternatives
            .iter()
            .map(|d| match &d.constraint {
                Some((op, v)) => format!("{} ({} {v})", d.name, op.as_str()),
                None => d.name.clone(),
            })
            .collect::<Vec<_>>()
            .join(" | ")
    }
}
