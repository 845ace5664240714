//! ELF: machine, class, byte order, OS ABI, kind, and the C library (from
//! the program interpreter, else from the `DT_NEEDED` libc), which tells a
//! glibc program from a musl one. Only the file header, the program headers
//! and the dynamic segment are parsed (goblin), never the sections.

use std::fmt;

use goblin::container::{Container, Ctx};
use goblin::elf::dynamic::{Dynamic, DF_1_PIE, DT_NEEDED, DT_SONAME};
use goblin::elf::header::{self, Header};
use goblin::elf::program_header::{ProgramHeader, PT_INTERP};
use serde::Serialize;
use vitte_buildkit_formats::target::{Arch, Os};
use vitte_buildkit_formats::Target;

use super::{wanted, Identity};

/// `EF_ARM_ABI_FLOAT_SOFT` / `_HARD`: the float ABI of an ARM EABI file.
const EF_ARM_ABI_FLOAT_SOFT: u32 = 0x200;
const EF_ARM_ABI_FLOAT_HARD: u32 = 0x400;
/// More program headers than this is not a real file.
const MAX_PROGRAM_HEADERS: usize = 4096;

/// What an ELF file is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Elf {
    /// `e_machine`.
    pub machine: u16,
    /// `x86_64`, `aarch64`, `i386`, `arm`, `riscv64`, `powerpc64le`, `s390x`, …
    pub arch: String,
    /// 32 or 64 (`EI_CLASS`).
    pub bits: u32,
    /// `little` or `big` (`EI_DATA`).
    pub endian: &'static str,
    /// `EI_OSABI`: `sysv`, `linux`, `freebsd`, …
    pub os_abi: String,
    /// `executable`, `shared object`, `relocatable object`, `core file`.
    pub kind: &'static str,
    /// `PT_INTERP`, the dynamic loader, for dynamically linked executables.
    pub interpreter: Option<String>,
    /// `glibc` or `musl`, from the interpreter or the libc it links.
    pub libc: Option<&'static str>,
    /// ARM only: `hard` or `soft` float ABI, when the flags say.
    pub float_abi: Option<&'static str>,
}

pub(super) fn identify(bytes: &[u8]) -> Identity {
    match parse(bytes) {
        Ok(elf) => Identity::Elf(elf),
        Err(error) => Identity::Malformed { kind: "ELF", error },
    }
}

fn parse(bytes: &[u8]) -> Result<Elf, String> {
    let header = goblin::elf::Elf::parse_header(bytes).map_err(|e| e.to_string())?;
    let container = header.container().map_err(|e| e.to_string())?;
    let le = header.endianness().map_err(|e| e.to_string())?;
    let bits = if container == Container::Big { 64 } else { 32 };
    let endian = if le.is_little() { "little" } else { "big" };
    let ctx = Ctx::new(container, le);
    let headers = program_headers(bytes, &header, ctx)?;
    let interpreter = interpreter(bytes, &headers)?;
    let dynamic = Dynamic::parse(bytes, &headers, ctx).map_err(|e| e.to_string())?;
    let needed = dynamic
        .as_ref()
        .map(|d| needed_libraries(bytes, d))
        .unwrap_or_default();
    let libc = interpreter
        .as_deref()
        .and_then(libc_of_loader)
        .or_else(|| needed.iter().find_map(|lib| libc_of_library(lib)));
    let pie = dynamic
        .as_ref()
        .is_some_and(|d| d.info.flags_1 & DF_1_PIE != 0);
    let has_soname = dynamic
        .as_ref()
        .is_some_and(|d| d.dyns.iter().any(|e| e.d_tag == DT_SONAME));
    let kind = match header.e_type {
        header::ET_EXEC => "executable",
        // A position-independent executable is ET_DYN too: flagged as PIE,
        // or (older linkers) with a loader and no soname.
        header::ET_DYN if pie || (interpreter.is_some() && !has_soname) => "executable",
        header::ET_DYN => "shared object",
        header::ET_REL => "relocatable object",
        header::ET_CORE => "core file",
        _ => "file of unknown type",
    };
    let float_abi = match header.e_flags {
        _ if header.e_machine != header::EM_ARM => None,
        flags if flags & EF_ARM_ABI_FLOAT_SOFT != 0 => Some("soft"),
        flags if flags & EF_ARM_ABI_FLOAT_HARD != 0 => Some("hard"),
        _ => None,
    };
    Ok(Elf {
        machine: header.e_machine,
        arch: machine_name(header.e_machine, bits, endian),
        bits,
        endian,
        os_abi: os_abi_name(header.e_ident[header::EI_OSABI]),
        kind,
        interpreter,
        libc,
        float_abi,
    })
}

fn program_headers(bytes: &[u8], header: &Header, ctx: Ctx) -> Result<Vec<ProgramHeader>, String> {
    let count = usize::from(header.e_phnum);
    if count == 0 {
        return Ok(Vec::new());
    }
    if count > MAX_PROGRAM_HEADERS {
        return Err(format!("{count} program headers"));
    }
    let offset = usize::try_from(header.e_phoff).map_err(|_| "program headers out of range")?;
    ProgramHeader::parse(bytes, offset, count, ctx).map_err(|e| e.to_string())
}

/// The `PT_INTERP` path, if the file has one.
fn interpreter(bytes: &[u8], headers: &[ProgramHeader]) -> Result<Option<String>, String> {
    let Some(interp) = headers.iter().find(|p| p.p_type == PT_INTERP) else {
        return Ok(None);
    };
    let range = usize::try_from(interp.p_offset)
        .ok()
        .zip(usize::try_from(interp.p_filesz).ok())
        .and_then(|(start, len)| Some(start..start.checked_add(len)?))
        .and_then(|range| bytes.get(range))
        .ok_or("the interpreter path lies outside the file")?;
    let path = range.split(|&b| b == 0).next().unwrap_or_default();
    Ok(Some(String::from_utf8_lossy(path).into_owned()))
}

/// The `DT_NEEDED` names; names outside the string table are left out.
fn needed_libraries(bytes: &[u8], dynamic: &Dynamic) -> Vec<String> {
    let Some(strtab) = bytes.get(dynamic.info.strtab..) else {
        return Vec::new();
    };
    let strtab = &strtab[..dynamic.info.strsz.min(strtab.len())];
    dynamic
        .dyns
        .iter()
        .filter(|d| d.d_tag == DT_NEEDED)
        .filter_map(|d| strtab.get(usize::try_from(d.d_val).ok()?..))
        .filter_map(|name| name.split(|&b| b == 0).next())
        .map(|name| String::from_utf8_lossy(name).into_owned())
        .collect()
}

/// `glibc` for `libc.so.6`, `musl` for `libc.musl-*.so.1` or `libc.so`.
fn libc_of_library(name: &str) -> Option<&'static str> {
    if name == "libc.so.6" {
        Some("glibc")
    } else if name == "libc.so" || name.starts_with("libc.musl-") {
        Some("musl")
    } else {
        None
    }
}

/// `glibc` for `ld-linux*.so*` / `ld64.so*`, `musl` for `ld-musl-*`.
fn libc_of_loader(interpreter: &str) -> Option<&'static str> {
    let name = interpreter.rsplit('/').next().unwrap_or(interpreter);
    if name.starts_with("ld-musl-") {
        Some("musl")
    } else if name.starts_with("ld-linux") || name.starts_with("ld64.so") || name == "ld.so.1" {
        Some("glibc")
    } else {
        None
    }
}

fn machine_name(machine: u16, bits: u32, endian: &str) -> String {
    let name = match (machine, bits) {
        (header::EM_X86_64, 64) => "x86_64",
        (header::EM_X86_64, _) => "x86_64 (x32)",
        (header::EM_386, _) => "i386",
        (header::EM_AARCH64, _) => "aarch64",
        (header::EM_ARM, _) => "arm",
        (header::EM_RISCV, 64) => "riscv64",
        (header::EM_RISCV, _) => "riscv32",
        (header::EM_PPC64, _) if endian == "little" => "powerpc64le",
        (header::EM_PPC64, _) => "powerpc64",
        (header::EM_PPC, _) => "powerpc",
        (header::EM_S390, 64) => "s390x",
        (header::EM_S390, _) => "s390",
        (header::EM_MIPS, _) => "mips",
        (header::EM_LOONGARCH, _) => "loongarch64",
        (header::EM_SPARCV9, _) => "sparc64",
        (header::EM_BPF, _) => "bpf",
        _ => return format!("machine {machine:#x} ({})", header::machine_to_str(machine)),
    };
    name.to_string()
}

fn os_abi_name(abi: u8) -> String {
    match abi {
        header::ELFOSABI_SYSV => "sysv".into(),
        header::ELFOSABI_GNU => "linux".into(),
        header::ELFOSABI_NETBSD => "netbsd".into(),
        header::ELFOSABI_SOLARIS => "solaris".into(),
        header::ELFOSABI_FREEBSD => "freebsd".into(),
        header::ELFOSABI_OPENBSD => "openbsd".into(),
        header::ELFOSABI_ARM_AEABI => "arm-aeabi".into(),
        header::ELFOSABI_STANDALONE => "standalone".into(),
        other => format!("os-abi {other}"),
    }
}

/// The ELF name of a target architecture.
pub(super) fn arch_name(arch: Arch) -> &'static str {
    match arch {
        Arch::X86_64 => "x86_64",
        Arch::X86 => "i386",
        Arch::Aarch64 => "aarch64",
        Arch::Arm => "arm",
        Arch::Riscv64 => "riscv64",
        Arch::Powerpc64le => "powerpc64le",
        Arch::S390x => "s390x",
        other => other.as_str(),
    }
}

impl Elf {
    pub(super) fn fits(&self, target: &Target) -> Result<(), String> {
        if target.os != Os::Linux {
            return Err(wanted(target));
        }
        if !matches!(self.os_abi.as_str(), "sysv" | "linux" | "arm-aeabi") {
            return Err(format!("a Linux binary (this one is for {})", self.os_abi));
        }
        let want = arch_name(target.arch);
        if self.arch != want {
            return Err(want.to_string());
        }
        let musl_target = target.abi.starts_with("musl");
        match self.libc {
            Some("glibc") if musl_target => {
                return Err(format!(
                    "the musl loader (this one uses glibc's {})",
                    self.interpreter.as_deref().unwrap_or_default()
                ))
            }
            Some("musl") if !musl_target => {
                return Err(format!(
                    "the glibc loader (this one uses musl's {})",
                    self.interpreter.as_deref().unwrap_or_default()
                ))
            }
            _ => {}
        }
        if self.float_abi == Some("soft") && target.abi.ends_with("hf") {
            return Err("the hard-float ABI (this one is soft-float)".into());
        }
        Ok(())
    }
}

impl fmt::Display for Elf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ELF {} {}", self.arch, self.kind)?;
        // What decides the fit beyond the architecture, when unusual.
        if self.libc == Some("musl") {
            f.write_str(" (musl)")?;
        }
        if self.float_abi == Some("soft") {
            f.write_str(" (soft-float)")?;
        }
        if !matches!(self.os_abi.as_str(), "sysv" | "linux" | "arm-aeabi") {
            write!(f, " ({})", self.os_abi)?;
        }
        Ok(())
    }
}
