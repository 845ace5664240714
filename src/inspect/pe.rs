//! PE/COFF: Windows images (EXE, DLL, EFI applications) parsed by goblin
//! from the DOS and PE headers, and the bare COFF objects and short import
//! members found inside `.lib` archives.

use std::fmt;

use goblin::pe::characteristic::IMAGE_FILE_DLL;
use goblin::pe::header as ph;
use goblin::pe::subsystem as ss;
use serde::Serialize;
use vitte_buildkit_formats::target::{Arch, Os};
use vitte_buildkit_formats::Target;

use super::{wanted, Identity};

/// `IMAGE_FILE_MACHINE_ARM64EC` and `ARM64X` (hybrid ARM64 / x64 code).
const MACHINE_ARM64EC: u16 = 0xa641;
const MACHINE_ARM64X: u16 = 0xa64e;
/// PE32+ optional header magic.
const PE32_PLUS: u16 = 0x20b;

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
}

pub(super) fn identify(bytes: &[u8]) -> Identity {
    // A DOS program without a PE header is not a Windows binary.
    let pe_offset = bytes
        .get(0x3c..0x40)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let has_pe_signature = pe_offset
        .and_then(|at| bytes.get(at..at.checked_add(4)?))
        .is_some_and(|sig| sig == b"PE\0\0");
    if !has_pe_signature {
        return Identity::Other;
    }
    match ph::Header::parse(bytes) {
        Ok(header) => {
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
            Identity::Pe(Pe {
                machine,
                arch: machine_name(machine),
                bits,
                kind,
                subsystem: optional.map(|o| subsystem_name(o.windows_fields.subsystem)),
            })
        }
        Err(e) => Identity::Malformed {
            kind: "PE",
            error: e.to_string(),
        },
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
        let arch_ok = match target.arch {
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
        write!(f, "{family} {} {kind}", self.arch)?;
        match &self.subsystem {
            Some(subsystem) => write!(f, " ({subsystem})"),
            None => Ok(()),
        }
    }
}
