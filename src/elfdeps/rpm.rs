//! RPM `Requires` and `Provides` of ELF files, as rpm's own elfdeps
//! generator (`/usr/lib/rpm/elfdeps`, run by rpmbuild on every ELF file)
//! gives them: pure ELF reading, no database.
//!
//! - Provides: the soname (`libz.so.1()(64bit)`) and each version the
//!   library defines (`libz.so.1(ZLIB_1.2.9)(64bit)`); a shared library
//!   without a soname provides its file name.
//! - Requires, only for files with an execute bit: each needed version
//!   (`libc.so.6(GLIBC_2.34)(64bit)`), each needed library
//!   (`libc.so.6()(64bit)`), and `rtld(GNU_HASH)` when the file has only
//!   a GNU hash table.
//!
//! The `(64bit)` marker is rpm's: every 64-bit class except Alpha.

use std::collections::BTreeSet;

use super::elf::ElfFacts;

/// One ELF file of the package, with its install path and mode.
pub struct Binary<'a> {
    pub path: &'a str,
    pub mode: u32,
    pub facts: &'a ElfFacts,
}

/// The generated lists, sorted and without duplicates.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Generated {
    pub requires: BTreeSet<String>,
    pub provides: BTreeSet<String>,
}

/// `soname(version)marker`, or `soname` alone when both are empty.
fn dependency(soname: &str, version: &str, marker: &str) -> String {
    if version.is_empty() && marker.is_empty() {
        soname.to_string()
    } else {
        format!("{soname}({version}){marker}")
    }
}

/// What rpm would generate for these files.
pub fn generate(binaries: &[Binary<'_>]) -> Generated {
    let mut out = Generated::default();
    for binary in binaries {
        let facts = binary.facts;
        let marker = facts.rpm_marker();
        let executable = binary.mode & 0o111 != 0;
        if let Some(soname) = &facts.soname {
            out.provides.insert(dependency(soname, "", marker));
            for version in &facts.defined_versions {
                out.provides.insert(dependency(soname, version, marker));
            }
        } else if facts.is_dyn && !facts.dt_debug {
            let name = binary.path.rsplit('/').next().unwrap_or(binary.path);
            out.provides.insert(dependency(name, "", marker));
        }
        if !executable {
            continue;
        }
        for needed in &facts.needed_versions {
            out.requires
                .insert(dependency(&needed.file, &needed.version, marker));
        }
        for soname in &facts.needed {
            out.requires.insert(dependency(soname, "", marker));
        }
        if facts.gnu_hash && !facts.sysv_hash {
            out.requires.insert("rtld(GNU_HASH)".into());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elfdeps::elf::NeededVersion;

    #[test]
    fn executables_require_and_libraries_provide() {
        let exe = ElfFacts {
            machine: 62,
            class64: true,
            is_dyn: true,
            dt_debug: true,
            gnu_hash: true,
            needed: vec!["libc.so.6".into()],
            needed_versions: vec![NeededVersion {
                file: "libc.so.6".into(),
                version: "GLIBC_2.34".into(),
            }],
            ..ElfFacts::default()
        };
        let lib = ElfFacts {
            machine: 3,
            is_dyn: true,
            soname: Some("libfoo.so.1".into()),
            defined_versions: vec!["FOO_1".into(), "FOO_1".into()],
            ..ElfFacts::default()
        };
        let plugin = ElfFacts {
            machine: 62,
            class64: true,
            is_dyn: true,
            ..ElfFacts::default()
        };
        let generated = generate(&[
            Binary {
                path: "/usr/bin/x",
                mode: 0o755,
                facts: &exe,
            },
            Binary {
                path: "/usr/lib/libfoo.so.1",
                mode: 0o644,
                facts: &lib,
            },
            Binary {
                path: "/usr/lib/x/plugin.so",
                mode: 0o644,
                facts: &plugin,
            },
        ]);
        assert_eq!(
            generated.requires.into_iter().collect::<Vec<_>>(),
            [
                "libc.so.6()(64bit)",
                "libc.so.6(GLIBC_2.34)(64bit)",
                "rtld(GNU_HASH)"
            ]
        );
        assert_eq!(
            generated.provides.into_iter().collect::<Vec<_>>(),
            ["libfoo.so.1", "libfoo.so.1(FOO_1)", "plugin.so()(64bit)"]
        );
    }
}
