//! Mach-O: thin files (goblin parses the header and load commands) and
//! universal ("fat") files, whose header is read here because goblin does
//! not know `FAT_MAGIC_64`. Each slice reports its CPU, kind and platform;
//! a universal file fits when the target's architecture is among its slices.

use std::fmt;

use goblin::mach::constants::cputype::{self, CpuSubType, CpuType};
use goblin::mach::header as mh;
use goblin::mach::load_command::{self as lc, CommandVariant};
use serde::Serialize;
use vitte_buildkit_formats::target::{Arch, Os};
use vitte_buildkit_formats::Target;

use super::{identify_at_depth, wanted, Identity, MAX_DEPTH};

const FAT_MAGIC_64: u32 = 0xcafe_babf;
/// `0xcafebabe` also starts Java class files, whose next word (the class
/// file version) is at least 45; a universal file never has this many slices.
const MAX_SLICES: u32 = 30;

/// One architecture in a Mach-O file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Slice {
    /// `arm64`, `arm64e`, `x86_64`, `x86_64h`, `i386`, `ppc`, …
    pub arch: String,
    pub cputype: u32,
    /// Without the capability bits.
    pub cpusubtype: u32,
    /// 32 or 64.
    pub bits: u32,
    /// `executable`, `dynamic library`, `bundle`, `object`, `static archive`, …
    pub kind: String,
    /// From `LC_BUILD_VERSION` / `LC_VERSION_MIN_*`: `macos`, `ios`, …
    pub platform: Option<&'static str>,
}

/// What a Mach-O file is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MachO {
    /// Whether this is a universal (fat) file.
    pub universal: bool,
    /// One slice for a thin file; every slice of a universal one.
    pub slices: Vec<Slice>,
}

/// The first four bytes of a thin Mach-O file, either byte order.
pub(super) fn is_thin_magic(magic: [u8; 4]) -> bool {
    let value = u32::from_be_bytes(magic);
    [mh::MH_MAGIC, mh::MH_MAGIC_64].contains(&value)
        || [mh::MH_MAGIC, mh::MH_MAGIC_64].contains(&value.swap_bytes())
}

pub(super) fn identify_thin(bytes: &[u8]) -> Identity {
    match slice_of(bytes) {
        Ok(slice) => Identity::MachO(MachO {
            universal: false,
            slices: vec![slice],
        }),
        Err(error) => Identity::Malformed {
            kind: "Mach-O",
            error,
        },
    }
}

fn slice_of(bytes: &[u8]) -> Result<Slice, String> {
    let macho = goblin::mach::MachO::parse(bytes, 0).map_err(|e| e.to_string())?;
    let header = &macho.header;
    let platform = macho
        .load_commands
        .iter()
        .find_map(|c| platform_of(&c.command));
    Ok(Slice {
        arch: arch_of(header.cputype, header.cpusubtype),
        cputype: header.cputype,
        cpusubtype: header.cpusubtype & !cputype::CPU_SUBTYPE_MASK,
        bits: if macho.is_64 { 64 } else { 32 },
        kind: kind_of(header.filetype).into(),
        platform,
    })
}

fn platform_of(command: &CommandVariant) -> Option<&'static str> {
    Some(match command {
        CommandVariant::BuildVersion(b) => match b.platform {
            lc::PLATFORM_MACOS => "macos",
            lc::PLATFORM_IOS => "ios",
            lc::PLATFORM_TVOS => "tvos",
            lc::PLATFORM_WATCHOS => "watchos",
            lc::PLATFORM_BRIDGEOS => "bridgeos",
            lc::PLATFORM_MACCATALYST => "maccatalyst",
            lc::PLATFORM_IOSSIMULATOR => "ios-simulator",
            lc::PLATFORM_TVOSSIMULATOR => "tvos-simulator",
            lc::PLATFORM_WATCHOSSIMULATOR => "watchos-simulator",
            lc::PLATFORM_DRIVERKIT => "driverkit",
            lc::PLATFORM_VISIONOS => "visionos",
            lc::PLATFORM_VISIONOSSIMULATOR => "visionos-simulator",
            _ => "unknown platform",
        },
        CommandVariant::VersionMinMacosx(_) => "macos",
        CommandVariant::VersionMinIphoneos(_) => "ios",
        CommandVariant::VersionMinTvos(_) => "tvos",
        CommandVariant::VersionMinWatchos(_) => "watchos",
        _ => return None,
    })
}

fn arch_of(cputype: CpuType, cpusubtype: CpuSubType) -> String {
    match cputype::get_arch_name_from_types(cputype, cpusubtype & !cputype::CPU_SUBTYPE_MASK) {
        Some(name) => name.to_string(),
        None if cputype == cputype::CPU_TYPE_ARM64 => "arm64".into(),
        None if cputype == cputype::CPU_TYPE_X86_64 => "x86_64".into(),
        None => format!("cputype {cputype:#x}"),
    }
}

fn kind_of(filetype: u32) -> &'static str {
    match filetype {
        mh::MH_OBJECT => "object",
        mh::MH_EXECUTE => "executable",
        mh::MH_CORE => "core file",
        mh::MH_PRELOAD => "preloaded executable",
        mh::MH_DYLIB => "dynamic library",
        mh::MH_DYLINKER => "dynamic linker",
        mh::MH_BUNDLE => "bundle",
        mh::MH_DSYM => "debug symbols",
        mh::MH_KEXT_BUNDLE => "kernel extension",
        _ => "file of unknown type",
    }
}

/// A universal file: `FAT_MAGIC` (32-bit offsets) or `FAT_MAGIC_64`; Java
/// class files, which share the first magic, are `Other`.
pub(super) fn identify_fat(bytes: &[u8], depth: u32) -> Identity {
    let word = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
    };
    let (Some(magic), Some(count)) = (word(0), word(4)) else {
        return Identity::Other;
    };
    if count == 0 || count > MAX_SLICES {
        return Identity::Other;
    }
    match fat_slices(bytes, magic == FAT_MAGIC_64, count, depth) {
        Ok(slices) => Identity::MachO(MachO {
            universal: true,
            slices,
        }),
        Err(error) => Identity::Malformed {
            kind: "Mach-O universal",
            error,
        },
    }
}

fn fat_slices(bytes: &[u8], wide: bool, count: u32, depth: u32) -> Result<Vec<Slice>, String> {
    if depth >= MAX_DEPTH {
        return Err("nested too deep".into());
    }
    let entry_size = if wide { 32 } else { 20 };
    let mut slices = Vec::new();
    for index in 0..count as usize {
        let at = 8 + index * entry_size;
        let entry = bytes
            .get(at..at + entry_size)
            .ok_or_else(|| format!("slice {index} lies outside the file"))?;
        let be32 =
            |i: usize| u32::from_be_bytes([entry[i], entry[i + 1], entry[i + 2], entry[i + 3]]);
        let be64 = |i: usize| (u64::from(be32(i)) << 32) | u64::from(be32(i + 4));
        let (cputype, cpusubtype) = (be32(0), be32(4));
        let (offset, size) = if wide {
            (be64(8), be64(16))
        } else {
            (u64::from(be32(8)), u64::from(be32(12)))
        };
        let body = usize::try_from(offset)
            .ok()
            .zip(usize::try_from(size).ok())
            .and_then(|(start, len)| bytes.get(start..start.checked_add(len)?))
            .ok_or_else(|| {
                format!(
                    "slice {index} ({}) lies outside the file",
                    arch_of(cputype, cpusubtype)
                )
            })?;
        let kind = match identify_at_depth(body, depth + 1) {
            Identity::MachO(MachO { slices: inner, .. }) if inner.len() == 1 => {
                let inner = &inner[0];
                if inner.cputype != cputype {
                    return Err(format!(
                        "slice {index} says {} but holds {}",
                        arch_of(cputype, cpusubtype),
                        inner.arch
                    ));
                }
                slices.push(inner.clone());
                continue;
            }
            Identity::Archive(_) => "static archive".to_string(),
            Identity::Malformed { error, .. } => {
                return Err(format!("slice {index}: {error}"));
            }
            other => format!("slice that is not Mach-O ({other})"),
        };
        slices.push(Slice {
            arch: arch_of(cputype, cpusubtype),
            cputype,
            cpusubtype: cpusubtype & !cputype::CPU_SUBTYPE_MASK,
            bits: if cputype & cputype::CPU_ARCH_ABI64 != 0 {
                64
            } else {
                32
            },
            kind,
            platform: None,
        });
    }
    Ok(slices)
}

/// The slices a macOS target needs: `arm64`, `x86_64`, or both.
pub(super) fn wanted_arches(arch: Arch) -> &'static str {
    match arch {
        Arch::Aarch64 => "arm64",
        Arch::X86_64 => "x86_64",
        Arch::Universal => "universal (arm64 and x86_64)",
        other => other.as_str(),
    }
}

impl Slice {
    fn is_arch(&self, arch: Arch) -> bool {
        match arch {
            Arch::Aarch64 => self.cputype == cputype::CPU_TYPE_ARM64,
            Arch::X86_64 => self.cputype == cputype::CPU_TYPE_X86_64,
            _ => false,
        }
    }
}

impl MachO {
    pub(super) fn fits(&self, target: &Target) -> Result<(), String> {
        if target.os != Os::MacOs {
            return Err(wanted(target));
        }
        if let Some(slice) = self
            .slices
            .iter()
            .find(|s| !matches!(s.platform, None | Some("macos") | Some("maccatalyst")))
        {
            return Err(format!(
                "a macOS binary (the {} slice is for {})",
                slice.arch,
                slice.platform.unwrap_or_default()
            ));
        }
        let needed: &[Arch] = match target.arch {
            Arch::Universal => &[Arch::Aarch64, Arch::X86_64],
            Arch::Aarch64 => &[Arch::Aarch64],
            Arch::X86_64 => &[Arch::X86_64],
            _ => &[],
        };
        let has_all = !needed.is_empty()
            && needed
                .iter()
                .all(|&arch| self.slices.iter().any(|s| s.is_arch(arch)));
        if has_all {
            Ok(())
        } else if target.arch == Arch::Universal {
            Err("both arm64 and x86_64 slices".into())
        } else {
            Err(wanted_arches(target.arch).into())
        }
    }
}

impl fmt::Display for MachO {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.slices.as_slice() {
            [one] if !self.universal => write!(f, "Mach-O {} {}", one.arch, one.kind),
            slices => {
                let arches: Vec<&str> = slices.iter().map(|s| s.arch.as_str()).collect();
                let first = slices.first().map(|s| s.kind.as_str()).unwrap_or("file");
                if slices.iter().all(|s| s.kind == first) {
                    write!(f, "Mach-O universal {} {first}", arches.join(" + "))
                } else {
                    let each: Vec<String> = slices
                        .iter()
                        .map(|s| format!("{} {}", s.arch, s.kind))
                        .collect();
                    write!(f, "Mach-O universal ({})", each.join(", "))
                }
            }
        }
    }
}
