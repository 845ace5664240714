//! Who the package is to Windows Installer: its architecture names, its
//! ProductVersion, and its GUIDs.
//!
//! Every GUID is derived (UUID v5), never random, so two builds of the same
//! input are byte-identical. The upgrade code is the root: it comes from
//! `[msi] upgrade-code`, or is derived from the vendor and the package name;
//! the product code hangs off it, the version and the architecture; each
//! component GUID off it, the architecture and the component's install
//! path (stable across versions, as the component rules ask); the package
//! code off everything the database and the cabinet hold.

use uuid::Uuid;

use crate::error::{Error, Result};
use crate::{Arch, Package, Target};

/// The namespace of every name-derived GUID this backend makes.
const NAMESPACE: Uuid = Uuid::from_u128(0x5c1f_9a3e_7d42_5b0e_9c61_2f8a_4e7d_b3a1);

/// The Windows architecture of an MSI: how the summary Template, the file
/// name and the folders differ between x64, x86 and Arm64.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MsiArch {
    X64,
    Intel,
    Arm64,
}

impl MsiArch {
    /// The architecture for a target, if MSI serves it.
    pub fn of(target: &Target) -> Option<MsiArch> {
        if target.os != crate::Os::Windows {
            return None;
        }
        match target.arch {
            Arch::X86_64 => Some(MsiArch::X64),
            Arch::X86 => Some(MsiArch::Intel),
            Arch::Aarch64 => Some(MsiArch::Arm64),
            _ => None,
        }
    }

    /// The platform in the summary Template (`x64;1033`).
    pub fn template_platform(self) -> &'static str {
        match self {
            MsiArch::X64 => "x64",
            MsiArch::Intel => "Intel",
            MsiArch::Arm64 => "Arm64",
        }
    }

    /// The name in the artifact's file name.
    pub fn file_suffix(self) -> &'static str {
        match self {
            MsiArch::X64 => "x64",
            MsiArch::Intel => "x86",
            MsiArch::Arm64 => "arm64",
        }
    }

    /// The summary PageCount: the lowest Windows Installer schema that can
    /// install the package (200 for x64 and x86, 500 for Arm64).
    pub fn schema(self) -> i32 {
        match self {
            MsiArch::Arm64 => 500,
            MsiArch::X64 | MsiArch::Intel => 200,
        }
    }

    /// 64-bit packages install into the 64-bit Program Files folder and
    /// mark their components 64-bit.
    pub fn is_64bit(self) -> bool {
        !matches!(self, MsiArch::Intel)
    }

    /// The standard folder property the install folder sits under.
    pub fn program_files(self) -> &'static str {
        if self.is_64bit() {
            "ProgramFiles64Folder"
        } else {
            "ProgramFilesFolder"
        }
    }
}

/// The ProductVersion for a package: `major.minor.patch` within MSI's
/// limits (255.255.65535). A pre-release cannot be expressed: MSI compares
/// only these three fields, so `1.0.0-rc.1` and `1.0.0` would be one version.
pub fn product_version(package: &Package) -> Result<String> {
    let v = &package.version.upstream;
    let bad = |what: String| {
        Error::Invalid(format!(
            "version `{v}`: {what}; Windows Installer's ProductVersion holds major ≤ 255, \
             minor ≤ 255 and patch ≤ 65535 and no pre-release, so choose a version within them"
        ))
    };
    if !v.pre.is_empty() {
        return Err(bad(format!(
            "the pre-release part `{}` cannot be expressed",
            v.pre
        )));
    }
    for (field, value, max) in [
        ("major", v.major, 255),
        ("minor", v.minor, 255),
        ("patch", v.patch, 65535),
    ] {
        if value > max {
            return Err(bad(format!("{field} {value} is above {max}")));
        }
    }
    Ok(format!("{}.{}.{}", v.major, v.minor, v.patch))
}

/// Parses `[msi] upgrade-code`: a GUID, with or without braces.
pub fn parse_upgrade_code(text: &str) -> Result<Uuid> {
    let inner = text
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(text);
    let parsed = (inner.len() == 36)
        .then(|| Uuid::try_parse(inner).ok())
        .flatten();
    parsed.ok_or_else(|| {
        Error::Invalid(format!(
            "[msi] upgrade-code `{text}` is not a GUID; write it as \
             `{{12345678-1234-1234-1234-123456789ABC}}` (32 hex digits in 8-4-4-4-12 groups)"
        ))
    })
}

/// The upgrade code the manifest gives, or one derived from vendor and
/// name; the flag says whether it was derived.
pub fn upgrade_code(package: &Package) -> Result<(Uuid, bool)> {
    match &package.formats.msi.upgrade_code {
        Some(text) => Ok((parse_upgrade_code(text)?, false)),
        None => {
            let vendor = package.vendor.as_deref().unwrap_or("");
            let name = format!("upgrade-code\0{vendor}\0{}", package.name);
            Ok((Uuid::new_v5(&NAMESPACE, name.as_bytes()), true))
        }
    }
}

/// The ProductCode: one per upgrade code, version and architecture.
pub fn product_code(upgrade: Uuid, version: &str, arch: MsiArch) -> Uuid {
    let name = format!("product\0{version}\0{}", arch.template_platform());
    Uuid::new_v5(&upgrade, name.as_bytes())
}

/// A component's GUID, from its install path and the architecture (x64
/// and Arm64 builds share a path but not their files); stable across
/// versions.
pub fn component_guid(upgrade: Uuid, arch: MsiArch, install_path: &str) -> Uuid {
    let name = format!(
        "component\0{}\0{}",
        arch.template_platform(),
        install_path.to_lowercase()
    );
    Uuid::new_v5(&upgrade, name.as_bytes())
}

/// The PackageCode (summary revision number), from a fingerprint of
/// everything the package holds.
pub fn package_code(upgrade: Uuid, fingerprint: &[u8]) -> Uuid {
    let mut name = b"package\0".to_vec();
    name.extend_from_slice(fingerprint);
    Uuid::new_v5(&upgrade, &name)
}

/// A GUID as the database stores it: `{XXXXXXXX-…}`, upper case.
pub fn braced(guid: Uuid) -> String {
    format!("{{{}}}", guid.hyphenated()).to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upgrade_codes_parse_with_or_without_braces() {
        let want = "{0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9}";
        for text in [
            want,
            "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
            "{0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9}",
        ] {
            assert_eq!(braced(parse_upgrade_code(text).unwrap()), want, "{text}");
        }
        for bad in [
            "",
            "not-a-guid",
            "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "{0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
            "{0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8fz}",
        ] {
            let err = parse_upgrade_code(bad).unwrap_err().to_string();
            assert!(err.contains("upgrade-code"), "{err}");
        }
    }

    #[test]
    fn derived_guids_are_stable_and_distinct() {
        let up = parse_upgrade_code("{0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9}").unwrap();
        let p1 = product_code(up, "1.0.0", MsiArch::X64);
        assert_eq!(p1, product_code(up, "1.0.0", MsiArch::X64));
        assert_ne!(p1, product_code(up, "1.0.1", MsiArch::X64));
        assert_ne!(p1, product_code(up, "1.0.0", MsiArch::Intel));
        assert_eq!(
            component_guid(up, MsiArch::X64, r"PF\A\b.exe"),
            component_guid(up, MsiArch::X64, r"pf\a\B.EXE")
        );
        assert_ne!(
            component_guid(up, MsiArch::X64, r"PF\A\b.exe"),
            component_guid(up, MsiArch::Arm64, r"PF\A\b.exe")
        );
        assert_ne!(package_code(up, b"a"), package_code(up, b"b"));
        assert_eq!(p1.get_version_num(), 5);
    }

    #[test]
    fn arch_names() {
        let t = |s| MsiArch::of(&Target::parse(s).unwrap());
        assert_eq!(t("x86_64-windows"), Some(MsiArch::X64));
        assert_eq!(t("i686-pc-windows-msvc"), Some(MsiArch::Intel));
        assert_eq!(t("aarch64-pc-windows-msvc"), Some(MsiArch::Arm64));
        assert_eq!(t("x86_64-linux"), None);
        assert_eq!(MsiArch::Arm64.schema(), 500);
        assert_eq!(MsiArch::Intel.program_files(), "ProgramFilesFolder");
    }
}
