//! PE/COFF: Windows images (EXE, DLL, EFI applications, .NET assemblies)
//! parsed by goblin from the DOS and PE headers, and the bare COFF objects
//! and short import members found inside `.lib` archives. A .NET assembly
//! with IL code only ("AnyCPU") runs on every Windows architecture.

use std::fmt;
use std::io;

use goblin::pe::characteristic::IMAGE_FILE_DLL;
use goblin::pe::header as ph;
use goblin::pe::section_table::SectionTable;
use goblin::pe::subsystem as ss;
use serde::Serialize;
use vitte_buildkit_formats::target::{Arch, Os};
use vitte_buildkit_formats::Target;

use super::{wanted, Identity, Ranges};

/// `IMAGE_FILE_MACHINE_ARM64EC` and `ARM64X` (hybrid ARM64 / x64 code).
const MACHINE_ARM64EC: u16 = 0xa641;
const MACHINE_ARM64X: u16 = 0xa64e;
/// PE32+ optional header magic.
const PE32_PLUS: u16 = 0x20b;
/// The CLI header's flags: IL only, and bound to 32-bit processes.
const COMIMAGE_FLAGS_ILONLY: u32 = 0x1;
const COMIMAGE_FLAGS_32BITREQUIRED: u32 = 0x2;
/// Read from the PE signature on: COFF header, the largest optional header
/// and a section table of 96 sections.
const HEADERS_SIZE: u64 = 4 + 20 + 0xffff + 96 * 40;

/// What a PE image or COFF file is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pe {
    /// COFF `Machine`.
    pub machine: u16,
    /// `x86_64`, `i386`, `arm64`, `arm64ec`, `arm64x`, `arm`, …
    pub arch: String,
    /// 32 or 64: PE32 or PE32+ (from the machine for objects).
    pub bits: u32,
    /// `executable`, `dll`, `object`, `import library member`.
    pub kind: &'static str,
    /// Images only: `console`, `gui`, `efi application`, `native`, …
    pub subsystem: Option<String>,
    /// .NET assemblies only: `anycpu` (runs on every Windows architecture),
    /// `x86`, `x64`, `arm64`.
    pub dotnet: Option<&'static str>,
}

pub(super) fn identify(bytes: &[u8]) -> Identity {
    identify_ranges(&mut { bytes }).unwrap_or_else(|e| Identity::Malformed {
        kind: "PE",
        error: e.to_string(),
    })
}

/// Reads the DOS, PE and optional headers, the section table and, for a
/// .NET assembly, its CLI header; only reading can fail.
pub(super) fn identify_ranges(source: &mut dyn Ranges) -> io::Result<Identity> {
    // A DOS program without a PE header is not a Windows binary.
    let Some(dos) = source.range(0, 0x40)? else {
        return Ok(Identity::Other);
    };
    let pe_offset = u64::from(u32::from_le_bytes([
        dos[0x3c], dos[0x3d], dos[0x3e], dos[0x3f],
    ]));
    if source.range(pe_offset, 4)?.as_deref() != Some(b"PE\0\0") {
        return Ok(Identity::Other);
    }
    let prefix_size = source.size().min(pe_offset.saturating_add(HEADERS_SIZE));
    let Some(prefix) = source.range(0, prefix_size)? else {
        return Ok(Identity::Other);
    };
    let header = match ph::Header::parse(&prefix) {
        Ok(header) => header,
        Err(e) => {
            return Ok(Identity::Malformed {
                kind: "PE",
                error: e.to_string(),
            })
        }
    };
    let machine = header.coff_header.machine;
    let optional = header.optional_header.as_ref();
    let bits = match optional {
        Some(o) if o.standard_fields.magic == PE32_PLUS => 64,
        Some(_) => 32,
        None => machine_bits(machine),
    };
    let kind = if header.coff_header.characteristics & IMAGE_FILE_DLL != 0 {
        "dll"
    } else {
        "executable"
    };
    let cli = match optional.and_then(|o| o.data_directories.get_clr_runtime_header()) {
        Some(directory) if directory.virtual_address != 0 => {
            let mut offset = pe_offset as usize
                + 4
                + 20
                + usize::from(header.coff_header.size_of_optional_header);
            let sections = header
                .coff_header
                .sections(&prefix, &mut offset)
                .unwrap_or_default();
            cli_flags(source, &sections, directory.virtual_address)?
        }
        _ => None,
    };
    Ok(Identity::Pe(Pe {
        machine,
        arch: machine_name(machine),
        bits,
        kind,
        subsystem: optional.map(|o| subsystem_name(o.windows_fields.subsystem)),
        dotnet: cli.map(|flags| dotnet_platform(machine, flags)),
    }))
}

/// The `Flags` of the CLI (COR20) header at `rva`, found through the
/// section that holds it; `None` when it lies outside every section.
fn cli_flags(
    source: &mut dyn Ranges,
    sections: &[SectionTable],
    rva: u32,
) -> io::Result<Option<u32>> {
    let offset = sections.iter().find_map(|s| {
        let inside = rva.checked_sub(s.virtual_address)?;
        (inside < s.virtual_size.max(s.size_of_raw_data))
            .then(|| u64::from(s.pointer_to_raw_data) + u64::from(inside))
    });
    let Some(offset) = offset else {
        return Ok(None);
    };
    // cb, major and minor runtime version, metadata directory, then Flags.
    Ok(source
        .range(offset, 20)?
        .map(|h| u32::from_le_bytes([h[16], h[17], h[18], h[19]])))
}

/// `anycpu` for IL-only code that does not require 32 bits (it runs as
/// the process's native architecture), else the machine it is bound to.
fn dotnet_platform(machine: u16, flags: u32) -> &'static str {
    let il_only = flags & COMIMAGE_FLAGS_ILONLY != 0;
    let needs_32bit = flags & COMIMAGE_FLAGS_32BITREQUIRED != 0;
    match machine {
        ph::COFF_MACHINE_X86 if il_only && !needs_32bit => "anycpu",
        ph::COFF_MACHINE_X86 => "x86",
        ph::COFF_MACHINE_X86_64 => "x64",
        ph::COFF_MACHINE_ARM64 => "arm64",
        _ => "other",
    }
}

/// A member of a `.lib`: a COFF object (no magic; its first field is the
/// machine) or a short import / big object header (`0, 0xffff, version,
/// machine`). `None` when the bytes are neither.
pub(super) fn identify_coff(bytes: &[u8]) -> Option<Pe> {
    let half = |at: usize| -> Option<u16> {
        Some(u16::from_le_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]))
    };
    let (machine, kind) = if half(0)? == 0 && half(2)? == 0xffff {
        (half(6)?, "import library member")
    } else {
        let machine = half(0)?;
        // A real object: a known machine and a sane header (no optional header).
        let sections = half(2)?;
        if !is_known_machine(machine) || sections == 0 || sections > 4096 || half(16)? != 0 {
            return None;
        }
        (machine, "object")
    };
    if !is_known_machine(machine) {
        return None;
    }
    Some(Pe {
        machine,
        arch: machine_name(machine),
        bits: machine_bits(machine),
        kind,
        subsystem: None,
        dotnet: None,
    })
}

fn is_known_machine(machine: u16) -> bool {
    matches!(
        machine,
        ph::COFF_MACHINE_X86_64
            | ph::COFF_MACHINE_X86
            | ph::COFF_MACHINE_ARM64
            | MACHINE_ARM64EC
            | MACHINE_ARM64X
            | ph::COFF_MACHINE_ARMNT
            | ph::COFF_MACHINE_ARM
            | ph::COFF_MACHINE_THUMB
    )
}

fn machine_bits(machine: u16) -> u32 {
    match machine {
        ph::COFF_MACHINE_X86_64 | ph::COFF_MACHINE_ARM64 | MACHINE_ARM64EC | MACHINE_ARM64X => 64,
        ph::COFF_MACHINE_RISCV64 | ph::COFF_MACHINE_LOONGARCH64 | ph::COFF_MACHINE_IA64 => 64,
        _ => 32,
    }
}

fn machine_name(machine: u16) -> String {
    match machine {
        ph::COFF_MACHINE_X86_64 => "x86_64".into(),
        ph::COFF_MACHINE_X86 => "i386".into(),
        ph::COFF_MACHINE_ARM64 => "arm64".into(),
        MACHINE_ARM64EC => "arm64ec".into(),
        MACHINE_ARM64X => "arm64x".into(),
        ph::COFF_MACHINE_ARMNT | ph::COFF_MACHINE_ARM | ph::COFF_MACHINE_THUMB => "arm".into(),
        ph::COFF_MACHINE_IA64 => "ia64".into(),
        ph::COFF_MACHINE_RISCV64 => "riscv64".into(),
        ph::COFF_MACHINE_LOONGARCH64 => "loongarch64".into(),
        ph::COFF_MACHINE_EBC => "efi byte code".into(),
        other => format!("machine {other:#06x}"),
    }
}

fn subsystem_name(subsystem: u16) -> String {
    match subsystem {
        ss::IMAGE_SUBSYSTEM_NATIVE => "native".into(),
        ss::IMAGE_SUBSYSTEM_WINDOWS_GUI => "gui".into(),
        ss::IMAGE_SUBSYSTEM_WINDOWS_CUI => "console".into(),
        ss::IMAGE_SUBSYSTEM_POSIX_CUI => "posix console".into(),
        ss::IMAGE_SUBSYSTEM_WINDOWS_CE_GUI => "windows ce gui".into(),
        ss::IMAGE_SUBSYSTEM_EFI_APPLICATION => "efi application".into(),
        ss::IMAGE_SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER => "efi boot service driver".into(),
        ss::IMAGE_SUBSYSTEM_EFI_RUNTIME_DRIVER => "efi runtime driver".into(),
        ss::IMAGE_SUBSYSTEM_EFI_ROM => "efi rom".into(),
        ss::IMAGE_SUBSYSTEM_XBOX => "xbox".into(),
        ss::IMAGE_SUBSYSTEM_WINDOWS_BOOT_APPLICATION => "windows boot application".into(),
        other => format!("subsystem {other}"),
    }
}

/// The PE name of a target architecture.
pub(super) fn arch_name(arch: Arch) -> &'static str {
    match arch {
        Arch::X86_64 => "x86_64",
        Arch::X86 => "i386",
        Arch::Aarch64 => "arm64",
        other => other.as_str(),
    }
}

impl Pe {
    /// EFI images run on the firmware, whatever the operating system.
    fn is_efi(&self) -> bool {
        self.subsystem
            .as_deref()
            .is_some_and(|s| s.starts_with("efi"))
    }

    pub(super) fn fits(&self, target: &Target) -> Result<(), String> {
        let os_ok = target.os == Os::Windows
            || (self.is_efi() && matches!(target.os, Os::Linux | Os::Windows));
        if !os_ok {
            return Err(wanted(target));
        }
        let anycpu = self.dotnet == Some("anycpu") && target.os == Os::Windows;
        let arch_ok = anycpu
            || match target.arch {
                Arch::X86_64 => self.machine == ph::COFF_MACHINE_X86_64,
                Arch::X86 => self.machine == ph::COFF_MACHINE_X86,
                Arch::Aarch64 => matches!(
                    self.machine,
                    ph::COFF_MACHINE_ARM64 | MACHINE_ARM64EC | MACHINE_ARM64X
                ),
                Arch::Arm => matches!(
                    self.machine,
                    ph::COFF_MACHINE_ARMNT | ph::COFF_MACHINE_ARM | ph::COFF_MACHINE_THUMB
                ),
                Arch::Riscv64 => self.machine == ph::COFF_MACHINE_RISCV64,
                _ => false,
            };
        if arch_ok {
            Ok(())
        } else {
            Err(arch_name(target.arch).into())
        }
    }
}

impl fmt::Display for Pe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let family = if self.subsystem.is_some() {
            "PE"
        } else {
            "COFF"
        };
        let kind = if self.kind == "dll" { "DLL" } else { self.kind };
        match self.dotnet {
            Some("anycpu") => write!(f, "{family} .NET AnyCPU {kind}")?,
            Some(_) => write!(f, "{family} .NET {} {kind}", self.arch)?,
            None => write!(f, "{family} {} {kind}", self.arch)?,
        }
        match &self.subsystem {
            Some(subsystem) => write!(f, " ({subsystem})"),
            None => Ok(()),
        }
    }
}
