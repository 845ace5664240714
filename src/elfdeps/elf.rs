//! What dependency computation and stripping need to know about one ELF
//! file: its dynamic section (needed libraries, soname, search paths,
//! hash tables), its symbol versions (needed and defined), the versions of
//! the undefined symbols it uses, its build-id and whether it carries debug
//! information. goblin parses it; a file that is not a well-formed ELF
//! executable or shared object gives `None`, never an error.

use goblin::elf::dynamic::{DT_DEBUG, DT_GNU_HASH, DT_HASH};
use goblin::elf::header::{ELFCLASS64, ET_DYN, ET_EXEC};

/// `EM_ALPHA`: rpm gives Alpha files no `(64bit)` marker.
const EM_ALPHA: u16 = 41;
use goblin::elf::note::NT_GNU_BUILD_ID;
use goblin::elf::section_header::SHN_UNDEF;
use goblin::elf::Elf;

/// `VER_FLG_BASE`: the version definition that names the file itself.
const VER_FLG_BASE: u16 = 1;

/// One version needed from a library (`libc.so.6` → `GLIBC_2.34`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeededVersion {
    pub file: String,
    pub version: String,
}

/// An undefined dynamic symbol: `name@version`, `version` `Base` when the
/// reference is unversioned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsedSymbol {
    pub name: String,
    pub version: String,
}

/// The facts of one ELF executable or shared object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ElfFacts {
    /// `e_machine`.
    pub machine: u16,
    pub class64: bool,
    /// ET_DYN (a shared library or a position-independent executable).
    pub is_dyn: bool,
    pub needed: Vec<String>,
    pub soname: Option<String>,
    /// DT_RPATH then DT_RUNPATH entries, split at `:`.
    pub search_paths: Vec<String>,
    pub interpreter: Option<String>,
    pub used_symbols: Vec<UsedSymbol>,
    pub needed_versions: Vec<NeededVersion>,
    /// The non-base version names the file defines, with duplicates
    /// (parents) as the verdef chain lists them.
    pub defined_versions: Vec<String>,
    pub gnu_hash: bool,
    pub sysv_hash: bool,
    /// DT_DEBUG: an executable (the loader fills it in).
    pub dt_debug: bool,
    /// The GNU build-id in lower-case hex.
    pub build_id: Option<String>,
    /// DWARF sections (`.debug_info`, `.zdebug_info`).
    pub has_debug_info: bool,
    /// A `.symtab`: symbols a stripped file no longer has.
    pub has_symtab: bool,
}

impl ElfFacts {
    /// rpm's class marker: `(64bit)` on 64-bit files except Alpha.
    pub fn rpm_marker(&self) -> &'static str {
        if self.class64 && self.machine != EM_ALPHA {
            "(64bit)"
        } else {
            ""
        }
    }

    /// Whether stripping would remove something.
    pub fn is_unstripped(&self) -> bool {
        self.has_debug_info || self.has_symtab
    }
}

/// Whether `head` (the first bytes of a file) starts like an ELF file.
pub fn looks_like_elf(head: &[u8]) -> bool {
    head.starts_with(b"\x7fELF")
}

/// Parses an executable or shared object; `None` for anything else.
pub fn parse(bytes: &[u8]) -> Option<ElfFacts> {
    let elf = Elf::parse(bytes).ok()?;
    let header = &elf.header;
    if header.e_type != ET_EXEC && header.e_type != ET_DYN {
        return None;
    }
    let mut facts = ElfFacts {
        machine: header.e_machine,
        class64: header.e_ident[goblin::elf::header::EI_CLASS] == ELFCLASS64,
        is_dyn: header.e_type == ET_DYN,
        needed: elf.libraries.iter().map(|s| s.to_string()).collect(),
        soname: elf.soname.map(str::to_string),
        interpreter: elf.interpreter.map(str::to_string),
        ..ElfFacts::default()
    };
    for path in elf.rpaths.iter().chain(&elf.runpaths) {
        facts.search_paths.extend(
            path.split(':')
                .filter(|p| !p.is_empty())
                .map(str::to_string),
        );
    }
    if let Some(dynamic) = &elf.dynamic {
        for dyn_entry in &dynamic.dyns {
            match dyn_entry.d_tag {
                DT_GNU_HASH => facts.gnu_hash = true,
                DT_HASH => facts.sysv_hash = true,
                DT_DEBUG => facts.dt_debug = true,
                _ => {}
            }
        }
    }
    versions(&elf, &mut facts);
    for section in &elf.section_headers {
        match elf.shdr_strtab.get_at(section.sh_name) {
            Some(".debug_info" | ".zdebug_info") => facts.has_debug_info = true,
            Some(".symtab") => facts.has_symtab = true,
            _ => {}
        }
    }
    facts.build_id = build_id(&elf, bytes);
    Some(facts)
}

/// Needed and defined versions, and the version of each undefined symbol.
fn versions(elf: &Elf<'_>, facts: &mut ElfFacts) {
    let strings = &elf.dynstrtab;
    let text = |offset: usize| strings.get_at(offset).unwrap_or("").to_string();
    // The version index of a needed version → its name.
    let mut by_index = std::collections::HashMap::new();
    if let Some(verneed) = &elf.verneed {
        for need in verneed.iter() {
            let file = text(need.vn_file);
            for aux in need.iter() {
                let version = text(aux.vna_name);
                by_index.insert(aux.vna_other & 0x7fff, version.clone());
                facts.needed_versions.push(NeededVersion {
                    file: file.clone(),
                    version,
                });
            }
        }
    }
    if let Some(verdef) = &elf.verdef {
        for def in verdef.iter() {
            if def.vd_flags & VER_FLG_BASE != 0 {
                continue;
            }
            facts
                .defined_versions
                .extend(def.iter().map(|aux| text(aux.vda_name)));
        }
    }
    for (index, sym) in elf.dynsyms.iter().enumerate() {
        if sym.st_shndx != SHN_UNDEF as usize || sym.st_name == 0 {
            continue;
        }
        let Some(name) = strings.get_at(sym.st_name).filter(|n| !n.is_empty()) else {
            continue;
        };
        let version = elf
            .versym
            .as_ref()
            .and_then(|v| v.get_at(index))
            .and_then(|v| by_index.get(&v.version()).cloned())
            .unwrap_or_else(|| "Base".to_string());
        facts.used_symbols.push(UsedSymbol {
            name: name.to_string(),
            version,
        });
    }
}

fn build_id(elf: &Elf<'_>, bytes: &[u8]) -> Option<String> {
    let notes = elf
        .iter_note_sections(bytes, Some(".note.gnu.build-id"))
        .or_else(|| elf.iter_note_headers(bytes))?;
    for note in notes.flatten() {
        if note.n_type == NT_GNU_BUILD_ID && note.name == "GNU" && !note.desc.is_empty() {
            return Some(note.desc.iter().map(|b| format!("{b:02x}")).collect());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/bin")
                .join(name),
        )
        .unwrap()
    }

    #[test]
    fn a_dynamic_glibc_program_needs_libc_with_versions() {
        let facts = parse(&fixture("elf-x86_64")).unwrap();
        assert_eq!(facts.needed, ["libc.so.6"]);
        assert!(facts.class64 && facts.is_dyn && facts.dt_debug && facts.gnu_hash);
        assert_eq!(facts.rpm_marker(), "(64bit)");
        assert!(facts
            .needed_versions
            .iter()
            .any(|v| v.file == "libc.so.6" && v.version.starts_with("GLIBC_")));
        assert!(facts
            .used_symbols
            .iter()
            .any(|s| s.name == "puts" && s.version.starts_with("GLIBC_")));
        assert!(!facts.is_unstripped());
        assert_eq!(facts.build_id, None);
    }

    #[test]
    fn a_shared_library_has_no_debug_entry_and_32_bit_has_no_marker() {
        let lib = parse(&fixture("libhello-x86_64.so")).unwrap();
        assert!(lib.is_dyn && !lib.dt_debug);
        let i386 = parse(&fixture("elf-i386")).unwrap();
        assert_eq!(i386.rpm_marker(), "");
        assert!(parse(&fixture("elf-s390x.o")).is_none());
        assert!(parse(b"\x7fELF garbage").is_none());
    }
}
