//! Targets: what a package is built for, parsed from full triples or short forms.

use std::fmt;

/// A CPU architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Arch {
    X86_64,
    X86,
    Aarch64,
    /// 32-bit ARM, hard float (armv7).
    Arm,
    Riscv64,
    Powerpc64le,
    S390x,
    Wasm32,
    Wasm64,
    /// macOS only: arm64 and x86_64 in one package.
    Universal,
}

/// An operating system family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Os {
    Linux,
    MacOs,
    Windows,
    /// WebAssembly: WASI or no system at all.
    Wasm,
}

/// Byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endian {
    Little,
    Big,
}

impl Arch {
    /// The name in a triple.
    pub fn as_str(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::X86 => "i686",
            Arch::Aarch64 => "aarch64",
            Arch::Arm => "armv7",
            Arch::Riscv64 => "riscv64gc",
            Arch::Powerpc64le => "powerpc64le",
            Arch::S390x => "s390x",
            Arch::Wasm32 => "wasm32",
            Arch::Wasm64 => "wasm64",
            Arch::Universal => "universal",
        }
    }

    /// Bits in a pointer.
    pub fn bits(self) -> u32 {
        match self {
            Arch::X86 | Arch::Arm | Arch::Wasm32 => 32,
            _ => 64,
        }
    }

    /// Byte order.
    pub fn endian(self) -> Endian {
        match self {
            Arch::S390x => Endian::Big,
            _ => Endian::Little,
        }
    }

    fn parse(text: &str) -> Option<Arch> {
        Some(match text {
            "x86_64" | "amd64" | "x64" => Arch::X86_64,
            "i386" | "i586" | "i686" | "x86" => Arch::X86,
            "aarch64" | "arm64" => Arch::Aarch64,
            "armv7" | "armv7l" | "armhf" | "arm" => Arch::Arm,
            "riscv64" | "riscv64gc" => Arch::Riscv64,
            "powerpc64le" | "ppc64le" | "ppc64el" => Arch::Powerpc64le,
            "s390x" => Arch::S390x,
            "wasm32" => Arch::Wasm32,
            "wasm64" => Arch::Wasm64,
            "universal" | "universal2" => Arch::Universal,
            _ => return None,
        })
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Os {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Os::Linux => "linux",
            Os::MacOs => "macos",
            Os::Windows => "windows",
            Os::Wasm => "wasm",
        })
    }
}

/// A target: architecture, system and ABI, with its normalized triple.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Target {
    pub arch: Arch,
    pub os: Os,
    /// `gnu`, `musl`, `msvc`, `gnueabihf`, `wasip1`, `wasip2`, `unknown`, or empty.
    pub abi: String,
    triple: String,
}

/// The forms `Target::parse` accepts, for error messages.
pub const ACCEPTED_FORMS: &str = "a full triple (x86_64-unknown-linux-gnu, aarch64-unknown-linux-musl, \
aarch64-apple-darwin, x86_64-pc-windows-msvc, x86_64-pc-windows-gnu, wasm32-wasip1, wasm32-unknown-unknown, \
wasm64-unknown-unknown) or a short form ARCH-OS (x86_64-linux, aarch64-linux, x86_64-windows, aarch64-macos, \
universal-macos) or wasm32 / wasm64; ARCH is one of x86_64, i686, aarch64, armv7, riscv64, powerpc64le, s390x";

impl Target {
    /// Parses a full triple or a short form; the error lists what is accepted.
    pub fn parse(text: &str) -> Result<Target, String> {
        Self::parse_inner(text.trim())
            .ok_or_else(|| format!("unknown target `{text}`; expected {ACCEPTED_FORMS}"))
    }

    fn parse_inner(text: &str) -> Option<Target> {
        let parts: Vec<&str> = text.split('-').collect();
        let arch = Arch::parse(parts.first()?)?;
        let rest = &parts[1..];
        let (os, abi) = if matches!(arch, Arch::Wasm32 | Arch::Wasm64) {
            let abi = match rest {
                [] | ["unknown", "unknown"] | ["unknown"] => "unknown",
                ["wasi"]
                | ["wasip1"]
                | ["wasi", "preview1"]
                | ["unknown", "wasi"]
                | ["unknown", "wasip1"] => "wasip1",
                ["wasip2"] | ["unknown", "wasip2"] => "wasip2",
                _ => return None,
            };
            (Os::Wasm, abi)
        } else {
            // Drop a vendor field when present: the OS is what matters.
            let rest: Vec<&str> = match rest {
                [vendor, tail @ ..]
                    if ["unknown", "pc", "apple", "w64"].contains(vendor) && !tail.is_empty() =>
                {
                    tail.to_vec()
                }
                _ => rest.to_vec(),
            };
            match rest.as_slice() {
                ["linux"] => (
                    Os::Linux,
                    if arch == Arch::Arm {
                        "gnueabihf"
                    } else {
                        "gnu"
                    },
                ),
                ["linux", abi] if ["gnu", "musl", "gnueabihf", "musleabihf"].contains(abi) => {
                    (Os::Linux, *abi)
                }
                ["darwin"] | ["macos"] | ["apple"] => (Os::MacOs, ""),
                ["windows"] | ["windows", "msvc"] => (Os::Windows, "msvc"),
                ["windows", "gnu"] | ["mingw32"] => (Os::Windows, "gnu"),
                _ => return None,
            }
        };
        let target_ok = match os {
            Os::MacOs => matches!(arch, Arch::X86_64 | Arch::Aarch64 | Arch::Universal),
            Os::Windows => matches!(arch, Arch::X86_64 | Arch::X86 | Arch::Aarch64),
            Os::Linux => !matches!(arch, Arch::Universal),
            Os::Wasm => true,
        };
        if !target_ok {
            return None;
        }
        let triple = match os {
            Os::Linux => format!("{}-unknown-linux-{abi}", arch.as_str()),
            Os::MacOs => format!("{}-apple-darwin", arch.as_str()),
            Os::Windows => format!("{}-pc-windows-{abi}", arch.as_str()),
            Os::Wasm if abi == "unknown" => format!("{}-unknown-unknown", arch.as_str()),
            Os::Wasm => format!("{}-{abi}", arch.as_str()),
        };
        Some(Target {
            arch,
            os,
            abi: abi.to_string(),
            triple,
        })
    }

    /// The machine this program runs on.
    pub fn host() -> Target {
        let arch = std::env::consts::ARCH;
        let os = match std::env::consts::OS {
            "macos" => "macos",
            "windows" => "windows",
            _ => "linux",
        };
        let abi = if cfg!(target_env = "musl") {
            "-musl"
        } else {
            ""
        };
        Self::parse(&format!("{arch}-{os}{abi}")).unwrap_or_else(|_| Target {
            arch: Arch::X86_64,
            os: Os::Linux,
            abi: "gnu".into(),
            triple: "x86_64-unknown-linux-gnu".into(),
        })
    }

    /// The normalized full triple: `aarch64-unknown-linux-gnu`.
    pub fn triple(&self) -> &str {
        &self.triple
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.triple)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triples_and_short_forms_normalize() {
        let cases = [
            (
                "x86_64-unknown-linux-gnu",
                "x86_64-unknown-linux-gnu",
                Arch::X86_64,
                Os::Linux,
            ),
            (
                "x86_64-linux",
                "x86_64-unknown-linux-gnu",
                Arch::X86_64,
                Os::Linux,
            ),
            (
                "aarch64-linux",
                "aarch64-unknown-linux-gnu",
                Arch::Aarch64,
                Os::Linux,
            ),
            (
                "aarch64-unknown-linux-musl",
                "aarch64-unknown-linux-musl",
                Arch::Aarch64,
                Os::Linux,
            ),
            (
                "armv7-unknown-linux-gnueabihf",
                "armv7-unknown-linux-gnueabihf",
                Arch::Arm,
                Os::Linux,
            ),
            ("i686-linux", "i686-unknown-linux-gnu", Arch::X86, Os::Linux),
            (
                "riscv64gc-unknown-linux-gnu",
                "riscv64gc-unknown-linux-gnu",
                Arch::Riscv64,
                Os::Linux,
            ),
            (
                "aarch64-apple-darwin",
                "aarch64-apple-darwin",
                Arch::Aarch64,
                Os::MacOs,
            ),
            (
                "aarch64-macos",
                "aarch64-apple-darwin",
                Arch::Aarch64,
                Os::MacOs,
            ),
            (
                "universal-macos",
                "universal-apple-darwin",
                Arch::Universal,
                Os::MacOs,
            ),
            (
                "x86_64-pc-windows-msvc",
                "x86_64-pc-windows-msvc",
                Arch::X86_64,
                Os::Windows,
            ),
            (
                "x86_64-windows",
                "x86_64-pc-windows-msvc",
                Arch::X86_64,
                Os::Windows,
            ),
            (
                "x86_64-pc-windows-gnu",
                "x86_64-pc-windows-gnu",
                Arch::X86_64,
                Os::Windows,
            ),
            (
                "i686-windows",
                "i686-pc-windows-msvc",
                Arch::X86,
                Os::Windows,
            ),
            ("wasm32", "wasm32-unknown-unknown", Arch::Wasm32, Os::Wasm),
            ("wasm64", "wasm64-unknown-unknown", Arch::Wasm64, Os::Wasm),
            ("wasm32-wasip1", "wasm32-wasip1", Arch::Wasm32, Os::Wasm),
            ("wasm32-wasi", "wasm32-wasip1", Arch::Wasm32, Os::Wasm),
            ("wasm32-wasip2", "wasm32-wasip2", Arch::Wasm32, Os::Wasm),
            (
                "wasm64-unknown-unknown",
                "wasm64-unknown-unknown",
                Arch::Wasm64,
                Os::Wasm,
            ),
        ];
        for (text, triple, arch, os) in cases {
            let t = Target::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!((t.triple(), t.arch, t.os), (triple, arch, os), "{text}");
        }
    }

    #[test]
    fn unknown_targets_list_the_accepted_forms() {
        for bad in [
            "",
            "sparc-linux",
            "x86_64",
            "x86_64-plan9",
            "riscv64-apple-darwin",
            "universal-linux",
            "wasm32-linux",
        ] {
            let err = Target::parse(bad).unwrap_err();
            assert!(err.contains("x86_64-unknown-linux-gnu"), "{bad}: {err}");
        }
    }

    #[test]
    fn host_parses() {
        assert_eq!(
            Target::host().triple(),
            Target::parse(Target::host().triple()).unwrap().triple()
        );
    }
}
