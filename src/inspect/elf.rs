//! ELF: machine, class, byte order, OS ABI, kind, and the C library (from
//! the program interpreter, else from the `DT_NEEDED` libc), which tells a
//! glibc program from a musl one. Only the file header, the program headers,
//! the interpreter path and the dynamic segment are read (and parsed by
//! goblin), never the sections: a file is read range by range, never whole.

use std::fmt;
use std::io;

use goblin::container::{Container, Ctx};
use goblin::elf::dynamic::{Dynamic, DF_1_PIE, DT_NEEDED, DT_SONAME};
use goblin::elf::header::{self, Header};
use goblin::elf::program_header::{ProgramHeader, PT_DYNAMIC, PT_INTERP};
use serde::Serialize;
use vitte_buildkit_formats::target::{Arch, Os};
use vitte_buildkit_formats::Target;

use super::{wanted, Identity, Ranges};

/// `EF_ARM_ABI_FLOAT_SOFT` / `_HARD`: the float ABI of an ARM EABI file.
const EF_ARM_ABI_FLOAT_SOFT: u32 = 0x200;
const EF_ARM_ABI_FLOAT_HARD: u32 = 0x400;
/// More program headers than this is not a real file.
const MAX_PROGRAM_HEADERS: usize = 4096;
/// The ELF header is 52 (32-bit) or 64 bytes.
const HEADER_SIZE: u64 = 64;
/// Longest interpreter path or library name read.
const MAX_NAME: u64 = 4096;
/// Largest dynamic segment read (real ones are a few KiB).
const MAX_DYNAMIC: u64 = 1 << 20;
/// Most `DT_NEEDED` names read.
const MAX_NEEDED: usize = 1024;

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

/// Why an ELF file could not be identified.
pub(super) enum Failure {
    /// Reading the file failed.
    Io(io::Error),
    /// The file is not a well-formed ELF file.
    Malformed(String),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

fn malformed(error: impl ToString) -> Failure {
    Failure::Malformed(error.to_string())
}

pub(super) fn identify(bytes: &[u8]) -> Identity {
    match identify_ranges(&mut { bytes }) {
        Ok(identity) => identity,
        Err(e) => Identity::Malformed {
            kind: "ELF",
            error: e.to_string(),
        },
    }
}

/// Identifies an ELF file from the ranges it needs; only reading can fail.
pub(super) fn identify_ranges(source: &mut dyn Ranges) -> io::Result<Identity> {
    match parse(source) {
        Ok(elf) => Ok(Identity::Elf(elf)),
        Err(Failure::Malformed(error)) => Ok(Identity::Malformed { kind: "ELF", error }),
        Err(Failure::Io(e)) => Err(e),
    }
}

/// Reads `len` bytes at `offset`, or says what lies outside the file.
fn read(source: &mut dyn Ranges, offset: u64, len: u64, what: &str) -> Result<Vec<u8>, Failure> {
    source
        .range(offset, len)?
        .ok_or_else(|| malformed(format!("the {what} lie outside the file")))
}

fn parse(source: &mut dyn Ranges) -> Result<Elf, Failure> {
    let head_size = source.size().min(HEADER_SIZE);
    let head = read(source, 0, head_size, "header")?;
    let header = goblin::elf::Elf::parse_header(&head).map_err(malformed)?;
    let container = header.container().map_err(malformed)?;
    let le = header.endianness().map_err(malformed)?;
    let bits = if container == Container::Big { 64 } else { 32 };
    let endian = if le.is_little() { "little" } else { "big" };
    let ctx = Ctx::new(container, le);
    let headers = program_headers(source, &header, ctx)?;
    let interpreter = interpreter(source, &headers)?;
    let dynamic = dynamic(source, &headers, ctx)?;
    let needed = match &dynamic {
        Some(d) => needed_libraries(source, d)?,
        None => Vec::new(),
    };
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

fn program_headers(
    source: &mut dyn Ranges,
    header: &Header,
    ctx: Ctx,
) -> Result<Vec<ProgramHeader>, Failure> {
    let count = usize::from(header.e_phnum);
    if count == 0 {
        return Ok(Vec::new());
    }
    if count > MAX_PROGRAM_HEADERS {
        return Err(malformed(format!("{count} program headers")));
    }
    let size = (count * ProgramHeader::size(ctx)) as u64;
    let bytes = read(source, header.e_phoff, size, "program headers")?;
    ProgramHeader::parse(&bytes, 0, count, ctx).map_err(malformed)
}

/// The `PT_INTERP` path, if the file has one.
fn interpreter(
    source: &mut dyn Ranges,
    headers: &[ProgramHeader],
) -> Result<Option<String>, Failure> {
    let Some(interp) = headers.iter().find(|p| p.p_type == PT_INTERP) else {
        return Ok(None);
    };
    if interp.p_filesz > MAX_NAME {
        return Err(malformed(format!(
            "an interpreter path of {} bytes",
            interp.p_filesz
        )));
    }
    let bytes = read(source, interp.p_offset, interp.p_filesz, "interpreter path")?;
    let path = bytes.split(|&b| b == 0).next().unwrap_or_default();
    Ok(Some(String::from_utf8_lossy(path).into_owned()))
}

/// The dynamic segment, read alone: goblin parses it from a copy of the
/// program headers in which `PT_DYNAMIC` starts at offset 0.
fn dynamic(
    source: &mut dyn Ranges,
    headers: &[ProgramHeader],
    ctx: Ctx,
) -> Result<Option<Dynamic>, Failure> {
    let Some(segment) = headers.iter().find(|p| p.p_type == PT_DYNAMIC) else {
        return Ok(None);
    };
    if segment.p_filesz > MAX_DYNAMIC {
        return Err(malformed(format!(
            "a dynamic segment of {} bytes",
            segment.p_filesz
        )));
    }
    let bytes = read(
        source,
        segment.p_offset,
        segment.p_filesz,
        "dynamic segment",
    )?;
    let local: Vec<ProgramHeader> = headers
        .iter()
        .map(|p| {
            let mut p = p.clone();
            if p.p_type == PT_DYNAMIC {
                p.p_offset = 0;
            }
            p
        })
        .collect();
    Dynamic::parse(&bytes, &local, ctx).map_err(malformed)
}

/// The `DT_NEEDED` names, each read alone from the dynamic string table;
/// names outside the table or the file are left out.
fn needed_libraries(source: &mut dyn Ranges, dynamic: &Dynamic) -> Result<Vec<String>, Failure> {
    let (table, table_size) = (dynamic.info.strtab as u64, dynamic.info.strsz as u64);
    let mut names = Vec::new();
    for entry in dynamic
        .dyns
        .iter()
        .filter(|d| d.d_tag == DT_NEEDED)
        .take(MAX_NEEDED)
    {
        let Some(start) = table.checked_add(entry.d_val) else {
            continue;
        };
        let end = (table.saturating_add(table_size))
            .min(source.size())
            .min(start.saturating_add(MAX_NAME));
        if start >= end {
            continue;
        }
        if let Some(bytes) = source.range(start, end - start)? {
            let name = bytes.split(|&b| b == 0).next().unwrap_or_default();
            names.push(String::from_utf8_lossy(name).into_owned());
        }
    }
    Ok(names)
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

#[cfg(test)]
mod tests {
    use std::io::{Read, Seek, SeekFrom};

    use super::super::FileRanges;
    use super::*;

    /// A fixture followed by a gigabyte of zeros, counting what is read.
    struct Padded {
        bytes: &'static [u8],
        position: u64,
        read: u64,
    }

    const PADDED_SIZE: u64 = 1 << 30;

    impl Read for Padded {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let left = PADDED_SIZE.saturating_sub(self.position);
            let n = (buf.len() as u64).min(left) as usize;
            for (i, byte) in buf[..n].iter_mut().enumerate() {
                let at = self.position as usize + i;
                *byte = self.bytes.get(at).copied().unwrap_or(0);
            }
            self.position += n as u64;
            self.read += n as u64;
            Ok(n)
        }
    }

    impl Seek for Padded {
        fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
            let SeekFrom::Start(position) = to else {
                unreachable!("only absolute seeks are used")
            };
            self.position = position;
            Ok(position)
        }
    }

    #[test]
    fn a_large_elf_file_is_read_by_ranges_only() {
        for bytes in [
            &include_bytes!("../../tests/fixtures/bin/elf-x86_64")[..],
            &include_bytes!("../../tests/fixtures/bin/elf-x86_64-musl")[..],
            &include_bytes!("../../tests/fixtures/bin/elf-aarch64")[..],
        ] {
            let mut file = FileRanges {
                reader: Padded {
                    bytes,
                    position: 0,
                    read: 0,
                },
                size: PADDED_SIZE,
            };
            let identity = identify_ranges(&mut file).unwrap();
            assert_eq!(identity, identify(bytes));
            assert!(matches!(&identity, Identity::Elf(elf) if elf.libc.is_some()));
            assert!(file.reader.read < 4096, "read {} bytes", file.reader.read);
        }
    }
}
