//! Toolchain detection: which compilers and linkers are on `PATH`, their
//! versions (as the tools print them), what they can build for, and, per
//! target, the toolchain `cross` would use or the Debian package to install.
//!
//! Looked for: LLVM (clang, ld.lld, ld64.lld, lld-link, wasm-ld, llvm-ar, and
//! the targets clang was built with), GCC and GNU cross compilers by their
//! prefix (`aarch64-linux-gnu-gcc`, `x86_64-w64-mingw32-gcc`, …), musl-gcc,
//! Rust (rustc, cargo, the rustup targets installed, the Cranelift backend
//! component) and zig. Detection only runs `--version`-style queries.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;
use vitte_buildkit_formats::{Arch, Os, Target};

/// The family a tool belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Llvm,
    Gcc,
    Rust,
    Zig,
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Family::Llvm => "llvm",
            Family::Gcc => "gcc",
            Family::Rust => "rust",
            Family::Zig => "zig",
        })
    }
}

/// One tool found on `PATH`.
#[derive(Clone, Debug, Serialize)]
pub struct Tool {
    pub family: Family,
    /// The command name: `clang`, `aarch64-linux-gnu-gcc`, `rustc`, …
    pub name: String,
    pub path: PathBuf,
    /// The version the tool reports (`14.0.6`), empty when it printed none.
    pub version: String,
    /// What it builds for: clang's registered targets, a GCC's machine
    /// (`aarch64-linux-gnu`), rustup's installed targets.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
}

/// Every tool found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Toolchains {
    pub tools: Vec<Tool>,
}

/// LLVM tools looked for, besides clang.
const LLVM_TOOLS: [&str; 5] = ["ld.lld", "ld64.lld", "lld-link", "wasm-ld", "llvm-ar"];

/// GNU cross-compiler prefixes looked for, with the Debian package of each.
const GCC_PREFIXES: [(&str, &str); 13] = [
    ("x86_64-linux-gnu", "gcc-x86-64-linux-gnu"),
    ("i686-linux-gnu", "gcc-i686-linux-gnu"),
    ("aarch64-linux-gnu", "gcc-aarch64-linux-gnu"),
    ("arm-linux-gnueabihf", "gcc-arm-linux-gnueabihf"),
    ("riscv64-linux-gnu", "gcc-riscv64-linux-gnu"),
    ("powerpc64le-linux-gnu", "gcc-powerpc64le-linux-gnu"),
    ("s390x-linux-gnu", "gcc-s390x-linux-gnu"),
    ("x86_64-w64-mingw32", "gcc-mingw-w64-x86-64"),
    ("i686-w64-mingw32", "gcc-mingw-w64-i686"),
    ("x86_64-linux-musl", "musl-tools"),
    ("aarch64-linux-musl", ""),
    ("arm-linux-musleabihf", ""),
    ("riscv64-linux-musl", ""),
];

/// The targets `targets` reports on: every arch/OS pair `Target` accepts.
pub const SUPPORTED_TARGETS: [&str; 21] = [
    "x86_64-unknown-linux-gnu",
    "x86_64-unknown-linux-musl",
    "i686-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "aarch64-unknown-linux-musl",
    "armv7-unknown-linux-gnueabihf",
    "riscv64gc-unknown-linux-gnu",
    "powerpc64le-unknown-linux-gnu",
    "s390x-unknown-linux-gnu",
    "x86_64-pc-windows-gnu",
    "x86_64-pc-windows-msvc",
    "i686-pc-windows-gnu",
    "i686-pc-windows-msvc",
    "aarch64-pc-windows-msvc",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "universal-apple-darwin",
    "wasm32-unknown-unknown",
    "wasm32-wasip1",
    "wasm32-wasip2",
    "wasm64-unknown-unknown",
];

impl Toolchains {
    /// Looks for every known tool on `PATH`.
    pub fn detect() -> Self {
        let mut tools = Vec::new();
        if let Some(mut clang) = found(Family::Llvm, "clang") {
            clang.version = version_of(&clang.path, &["--version"]);
            clang.targets = registered_targets(&clang.path, "-print-targets");
            if clang.targets.is_empty() {
                if let Ok(llc) = which::which("llc") {
                    clang.targets = registered_targets(&llc, "--version");
                }
            }
            tools.push(clang);
        }
        // Debian installs some LLVM tools only with the version suffix
        // (`ld64.lld-14`): look for that of clang's version too.
        let llvm_major = tools
            .first()
            .and_then(|clang| clang.version.split('.').next().map(str::to_string));
        for name in LLVM_TOOLS {
            let suffixed = llvm_major.as_ref().map(|major| format!("{name}-{major}"));
            let tool = found(Family::Llvm, name).or_else(|| {
                let path = which::which(suffixed.as_deref()?).ok()?;
                Some(Tool {
                    path,
                    ..found_named(Family::Llvm, name)
                })
            });
            if let Some(mut tool) = tool {
                tool.version = version_of(&tool.path, &["--version"]);
                tools.push(tool);
            }
        }
        if let Some(mut gcc) = found(Family::Gcc, "gcc") {
            gcc.version = first_line(&gcc.path, &["-dumpfullversion"]).unwrap_or_default();
            gcc.targets = first_line(&gcc.path, &["-dumpmachine"])
                .into_iter()
                .collect();
            tools.push(gcc);
        }
        for (prefix, _) in GCC_PREFIXES {
            if let Some(mut gcc) = found(Family::Gcc, &format!("{prefix}-gcc")) {
                gcc.version = first_line(&gcc.path, &["-dumpfullversion"]).unwrap_or_default();
                gcc.targets = vec![prefix.to_string()];
                tools.push(gcc);
            }
        }
        if let Some(mut musl) = found(Family::Gcc, "musl-gcc") {
            musl.version = first_line(&musl.path, &["-dumpfullversion"]).unwrap_or_default();
            musl.targets = vec![format!("{}-linux-musl", std::env::consts::ARCH)];
            tools.push(musl);
        }
        if let Some(mut rustc) = found(Family::Rust, "rustc") {
            rustc.version = version_of(&rustc.path, &["--version"]);
            let rustup = which::which("rustup").ok();
            rustc.targets = rustup
                .as_deref()
                .map(|r| lines(r, &["target", "list", "--installed"]))
                .unwrap_or_default();
            if rustc.targets.is_empty() {
                rustc.targets = rustc_host(&rustc.path).into_iter().collect();
            }
            let cranelift = rustup.as_deref().and_then(|r| {
                lines(r, &["component", "list", "--installed"])
                    .into_iter()
                    .find(|c| c.starts_with("rustc-codegen-cranelift"))
            });
            let version = rustc.version.clone();
            let path = rustc.path.clone();
            tools.push(rustc);
            if let Some(component) = cranelift {
                tools.push(Tool {
                    family: Family::Rust,
                    name: "rustc-codegen-cranelift".into(),
                    path,
                    version,
                    targets: vec![component],
                });
            }
        }
        if let Some(mut cargo) = found(Family::Rust, "cargo") {
            cargo.version = version_of(&cargo.path, &["--version"]);
            tools.push(cargo);
        }
        if let Some(mut zig) = found(Family::Zig, "zig") {
            zig.version = version_of(&zig.path, &["version"]);
            tools.push(zig);
        }
        Self { tools }
    }

    /// A tool by command name.
    pub fn get(&self, name: &str) -> Option<&Tool> {
        self.tools.iter().find(|t| t.name == name)
    }

    /// The toolchain `cross` uses for `target`, or what to install.
    pub fn builder_for(&self, target: &Target) -> Result<Builder, Missing> {
        match target.os {
            Os::Linux => self.linux(target),
            Os::Windows => self.windows(target),
            Os::MacOs => self.macos(target),
            Os::Wasm => self.wasm(target),
        }
    }

    fn linux(&self, target: &Target) -> Result<Builder, Missing> {
        let musl = target.abi.starts_with("musl");
        let prefix = gnu_prefix(target);
        if let Some(gcc) = self.get(&format!("{prefix}-gcc")) {
            return Ok(Builder::gcc(gcc, target, Some(&prefix)));
        }
        if musl && target.arch.as_str() == host_arch() {
            if let Some(gcc) = self.get("musl-gcc") {
                return Ok(Builder::gcc(gcc, target, None));
            }
        }
        if !musl {
            if let Some(gcc) = self.get("gcc").filter(|g| g.targets == [prefix.clone()]) {
                return Ok(Builder::gcc(gcc, target, None));
            }
            // clang cross-compiles for Linux against Debian's cross libc
            // (/usr/<prefix>, libc6-dev-<arch>-cross) and cross libgcc
            // (/usr/lib/gcc-cross/<prefix>), which it finds by itself.
            let libc = Path::new("/usr").join(&prefix).join("include");
            let libgcc = Path::new("/usr/lib/gcc-cross").join(&prefix);
            if let (Some(clang), Some(lld)) = (self.clang_for(target), self.get("ld.lld")) {
                if libc.is_dir() && libgcc.is_dir() {
                    return Ok(Builder::clang(self, clang, lld, target, &prefix, None));
                }
            }
        }
        if let Some(zig) = self.zig_for(target) {
            return Ok(zig);
        }
        let package = GCC_PREFIXES
            .iter()
            .find(|(p, _)| *p == prefix)
            .map(|(_, package)| *package)
            .unwrap_or("");
        Err(Missing::install(if package.is_empty() {
            format!("a cross compiler named {prefix}-gcc on PATH (Debian has no package for it), or zig")
        } else {
            format!("the Debian package {package} (apt-get install {package}), or zig")
        }))
    }

    fn windows(&self, target: &Target) -> Result<Builder, Missing> {
        let (prefix, package) = match target.arch {
            Arch::X86_64 => ("x86_64-w64-mingw32", "gcc-mingw-w64-x86-64"),
            Arch::X86 => ("i686-w64-mingw32", "gcc-mingw-w64-i686"),
            _ => {
                if let Some(zig) = self.zig_for(target) {
                    return Ok(zig);
                }
                return Err(Missing::install(format!(
                    "zig, or llvm-mingw ({}-w64-mingw32-clang on PATH): Debian has no {} Windows cross compiler",
                    target.arch, target.arch
                )));
            }
        };
        if let Some(gcc) = self.get(&format!("{prefix}-gcc")) {
            return Ok(Builder::gcc(gcc, target, Some(prefix)));
        }
        if let Some(zig) = self.zig_for(target) {
            return Ok(zig);
        }
        Err(Missing::install(format!(
            "the Debian package {package} (apt-get install {package}), or zig"
        )))
    }

    fn macos(&self, target: &Target) -> Result<Builder, Missing> {
        if target.arch == Arch::Universal {
            return Err(Missing {
                hint: "cross builds one architecture at a time: build x86_64-macos and aarch64-macos, then package universal-macos".into(),
            });
        }
        let sdk = std::env::var_os("SDKROOT").map(PathBuf::from);
        if let (Some(clang), Some(lld), Some(sdk)) =
            (self.clang_for(target), self.get("ld64.lld"), sdk)
        {
            return Ok(Builder::clang(
                self,
                clang,
                lld,
                target,
                target.triple(),
                Some(sdk),
            ));
        }
        if let Some(zig) = self.zig_for(target) {
            return Ok(zig);
        }
        Err(Missing::install(
            "clang and lld (apt-get install clang lld, for ld64.lld) with SDKROOT set to a macOS SDK, or zig",
        ))
    }

    fn wasm(&self, target: &Target) -> Result<Builder, Missing> {
        let wasi = target.abi.starts_with("wasip");
        let clang_target = match target.abi.as_str() {
            "wasip1" => "wasm32-wasi".to_string(),
            "wasip2" => "wasm32-wasip2".to_string(),
            _ => format!("{}-unknown-unknown", target.arch),
        };
        if let (Some(clang), Some(lld)) = (self.clang_for(target), self.get("wasm-ld")) {
            if !wasi {
                return Ok(Builder::clang(
                    self,
                    clang,
                    lld,
                    target,
                    &clang_target,
                    None,
                ));
            }
            // A WASI sysroot given or in a known place, else the libc clang
            // finds by itself (Debian's wasi-libc, in /usr/lib/wasm32-wasi).
            for sysroot in wasi_sysroots().into_iter().map(Some).chain([None]) {
                if clang_finds_wasi_libc(&clang.path, &clang_target, sysroot.as_deref()) {
                    return Ok(Builder::clang(
                        self,
                        clang,
                        lld,
                        target,
                        &clang_target,
                        sysroot,
                    ));
                }
            }
        }
        if let Some(zig) = self.zig_for(target) {
            return Ok(zig);
        }
        Err(Missing::install(if target.abi == "wasip2" {
            "a clang that knows wasm32-wasip2 (clang 19 or newer, with wasm-component-ld) and a WASI sysroot for it (wasi-sdk 22 or newer; set WASI_SYSROOT)"
        } else if wasi {
            "clang and lld with a WASI libc (apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32, matching clang's version; or set WASI_SYSROOT to a wasi-sdk sysroot), or zig"
        } else {
            "clang and lld (apt-get install clang lld, for wasm-ld), or zig"
        }))
    }

    /// `zig cc`, when zig is installed and serves the target.
    fn zig_for(&self, target: &Target) -> Option<Builder> {
        let zig = self.get("zig")?;
        Some(Builder::zig(zig, target, &zig_target(target)?))
    }

    /// clang, if it was built with the target's backend.
    fn clang_for(&self, target: &Target) -> Option<&Tool> {
        let backend = match target.arch {
            Arch::X86_64 => "x86-64",
            Arch::X86 => "x86",
            Arch::Aarch64 => "aarch64",
            Arch::Arm => "arm",
            Arch::Riscv64 => "riscv64",
            Arch::Powerpc64le => "ppc64le",
            Arch::S390x => "systemz",
            Arch::Wasm32 => "wasm32",
            Arch::Wasm64 => "wasm64",
            Arch::Universal => return None,
        };
        self.get("clang")
            .filter(|c| c.targets.iter().any(|t| t == backend))
    }
}

/// A target nothing on this machine can build for, and what to install.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    /// What to do, as a sentence: `install the Debian package …`.
    pub hint: String,
}

impl Missing {
    fn install(what: impl fmt::Display) -> Self {
        Self {
            hint: format!("install {what}"),
        }
    }
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hint)
    }
}

/// The toolchain chosen for one target and the environment a build gets.
#[derive(Clone, Debug, Serialize)]
pub struct Builder {
    /// `aarch64-linux-gnu-gcc 12.2.0`, `clang 14.0.6 --target=wasm32-unknown-unknown`.
    pub description: String,
    /// The compiler's path.
    pub compiler: PathBuf,
    /// Variables set for the build command, sorted by name.
    pub env: Vec<(String, String)>,
}

impl Builder {
    /// A GCC, prefixed (`aarch64-linux-gnu-`) or the host's own.
    fn gcc(gcc: &Tool, target: &Target, prefix: Option<&str>) -> Self {
        let dir = gcc.path.parent().unwrap_or(Path::new(""));
        let sibling = |suffix: &str| {
            let name = match prefix {
                Some(prefix) => format!("{prefix}-{suffix}"),
                None => suffix.to_string(),
            };
            let path = dir.join(&name);
            if path.is_file() {
                Some(path.display().to_string())
            } else {
                which::which(&name).ok().map(|p| p.display().to_string())
            }
        };
        let cc = gcc.path.display().to_string();
        let mut env = vec![("CC".to_string(), cc.clone())];
        let cxx = if gcc.name == "musl-gcc" {
            None
        } else {
            sibling("g++")
        };
        env.extend(cxx.map(|c| ("CXX".to_string(), c)));
        env.extend(sibling("ar").map(|c| ("AR".to_string(), c)));
        env.extend(sibling("ld").map(|c| ("LD".to_string(), c)));
        Self {
            description: format!("{} {}", gcc.name, gcc.version),
            compiler: gcc.path.clone(),
            env: with_rust_env(env, target, Some(&cc)),
        }
    }

    /// clang with `--target=`, lld and llvm-ar; `sysroot` for the libc.
    fn clang(
        tools: &Toolchains,
        clang: &Tool,
        linker: &Tool,
        target: &Target,
        clang_target: &str,
        sysroot: Option<PathBuf>,
    ) -> Self {
        let mut flags = format!("--target={clang_target}");
        if let Some(sysroot) = &sysroot {
            flags.push_str(&format!(" --sysroot={}", sysroot.display()));
        }
        let cc = clang.path.display().to_string();
        let cxx = which::which("clang++")
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| cc.clone());
        let mut ldflags = match target.os {
            Os::Wasm if target.abi == "unknown" => {
                "-nostdlib -Wl,--no-entry -Wl,--export-dynamic".to_string()
            }
            Os::Wasm => String::new(),
            // ld64.lld may be there only as ld64.lld-<version>.
            Os::MacOs => format!("-fuse-ld=lld --ld-path={}", linker.path.display()),
            _ => "-fuse-ld=lld".to_string(),
        };
        ldflags = format!("{flags} {ldflags}").trim().to_string();
        let mut env = vec![
            ("CC".to_string(), cc.clone()),
            ("CXX".to_string(), cxx),
            ("LD".to_string(), linker.path.display().to_string()),
            ("CFLAGS".to_string(), flags.clone()),
            ("CXXFLAGS".to_string(), flags.clone()),
            ("LDFLAGS".to_string(), ldflags),
        ];
        if let Some(ar) = tools.get("llvm-ar") {
            env.push(("AR".to_string(), ar.path.display().to_string()));
        }
        // cargo's wasm targets link with rust-lld; the C compiler is no linker there.
        let linker = (target.os != Os::Wasm).then_some(cc.as_str());
        Self {
            description: format!("{} {} {flags}", clang.name, clang.version),
            compiler: clang.path.clone(),
            env: with_rust_env(env, target, linker),
        }
    }

    /// `zig cc -target …`: one compiler for every target.
    fn zig(zig: &Tool, target: &Target, zig_target: &str) -> Self {
        let z = zig.path.display().to_string();
        let env = vec![
            ("CC".to_string(), format!("{z} cc -target {zig_target}")),
            ("CXX".to_string(), format!("{z} c++ -target {zig_target}")),
            ("AR".to_string(), format!("{z} ar")),
        ];
        Self {
            description: format!("zig {} cc -target {zig_target}", zig.version),
            compiler: zig.path.clone(),
            env: with_rust_env(env, target, None),
        }
    }
}

/// Adds cargo's and the `cc` crate's variables for `target`, and sorts.
fn with_rust_env(
    mut env: Vec<(String, String)>,
    target: &Target,
    linker: Option<&str>,
) -> Vec<(String, String)> {
    let triple = rust_triple(target, &env);
    let upper = triple.to_uppercase().replace(['-', '.'], "_");
    let lower = triple.replace(['-', '.'], "_");
    let copies: Vec<(String, String)> = env
        .iter()
        .filter(|(k, _)| ["CC", "CXX", "AR", "CFLAGS", "CXXFLAGS"].contains(&k.as_str()))
        .map(|(k, v)| (format!("{k}_{lower}"), v.clone()))
        .collect();
    env.extend(copies);
    env.push(("CARGO_BUILD_TARGET".into(), triple.clone()));
    if let Some(linker) = linker {
        env.push((format!("CARGO_TARGET_{upper}_LINKER"), linker.to_string()));
    }
    env.push(("VITTE_BUILDKIT_TARGET".into(), target.triple().to_string()));
    env.sort();
    env
}

/// Rust's name for the target: a Windows build with MinGW (GCC or zig) is
/// `…-windows-gnu`.
fn rust_triple(target: &Target, env: &[(String, String)]) -> String {
    let gnu = env
        .iter()
        .any(|(k, v)| k == "CC" && (v.contains("mingw32") || v.contains("windows-gnu")));
    match target.os {
        // Rust's MinGW target for arm64 is the LLVM-based one.
        Os::Windows if gnu && target.arch == Arch::Aarch64 => "aarch64-pc-windows-gnullvm".into(),
        Os::Windows if gnu => format!("{}-pc-windows-gnu", target.arch),
        _ => target.triple().to_string(),
    }
}

/// The GNU triple prefix of a Linux target: `aarch64-linux-gnu`.
pub fn gnu_prefix(target: &Target) -> String {
    let arch = match target.arch {
        Arch::Arm => "arm",
        Arch::Riscv64 => "riscv64",
        other => other.as_str(),
    };
    let abi = match target.abi.as_str() {
        "" => "gnu",
        abi => abi,
    };
    format!("{arch}-linux-{abi}")
}

/// zig's name for the target; none for WASI preview 2, for which zig
/// writes no component.
fn zig_target(target: &Target) -> Option<String> {
    let arch = match target.arch {
        Arch::Arm => "arm",
        Arch::Riscv64 => "riscv64",
        Arch::X86 => "x86",
        other => other.as_str(),
    };
    Some(match target.os {
        Os::Linux => format!("{arch}-linux-{}", target.abi),
        Os::Windows => format!("{arch}-windows-gnu"),
        Os::MacOs => format!("{arch}-macos"),
        Os::Wasm if target.abi == "unknown" => format!("{arch}-freestanding"),
        Os::Wasm if target.abi == "wasip1" => format!("{arch}-wasi"),
        Os::Wasm => return None,
    })
}

/// WASI sysroots: `WASI_SYSROOT`, and where wasi-sdk puts one.
fn wasi_sysroots() -> Vec<PathBuf> {
    std::env::var_os("WASI_SYSROOT")
        .map(PathBuf::from)
        .into_iter()
        .chain([PathBuf::from("/opt/wasi-sdk/share/wasi-sysroot")])
        .filter(|p| p.join("include").is_dir())
        .collect()
}

/// Whether clang, for `clang_target` (and `sysroot`), finds both a WASI
/// libc and its compiler-rt builtins: asked of clang itself.
fn clang_finds_wasi_libc(clang: &Path, clang_target: &str, sysroot: Option<&Path>) -> bool {
    let target = format!("--target={clang_target}");
    let sysroot = sysroot.map(|s| format!("--sysroot={}", s.display()));
    let found = |query: &str| {
        let mut args = vec![target.as_str(), query];
        args.extend(sysroot.as_deref());
        first_line(clang, &args)
            .is_some_and(|p| Path::new(&p).is_absolute() && Path::new(&p).is_file())
    };
    found("-print-file-name=libc.a") && found("-print-libgcc-file-name")
}

fn host_arch() -> &'static str {
    Target::host().arch.as_str()
}

fn found(family: Family, name: &str) -> Option<Tool> {
    which::which(name).ok().map(|path| Tool {
        path,
        ..found_named(family, name)
    })
}

/// A tool called `name`, its path and version still to fill in.
fn found_named(family: Family, name: &str) -> Tool {
    Tool {
        family,
        name: name.to_string(),
        path: PathBuf::new(),
        version: String::new(),
        targets: Vec::new(),
    }
}

/// Runs `program args` and returns its standard output, if it succeeded.
fn output(program: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .env("LC_ALL", "C")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn lines(program: &Path, args: &[&str]) -> Vec<String> {
    output(program, args)
        .map(|text| {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn first_line(program: &Path, args: &[&str]) -> Option<String> {
    lines(program, args).into_iter().next()
}

/// The version in a tool's first line of output: the first word that starts
/// with a digit and holds a dot, cut to its digits and dots
/// (`Debian clang version 14.0.6` → `14.0.6`, `rustc 1.95.0 (…)` → `1.95.0`).
fn version_of(program: &Path, args: &[&str]) -> String {
    first_line(program, args)
        .as_deref()
        .and_then(parse_version)
        .unwrap_or_default()
}

fn parse_version(line: &str) -> Option<String> {
    line.split_whitespace().find_map(|word| {
        let v: String = word
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let v = v.trim_end_matches('.');
        (v.contains('.') && word.starts_with(|c: char| c.is_ascii_digit())).then(|| v.to_string())
    })
}

/// The backends listed under "Registered Targets:" by clang or llc.
fn registered_targets(program: &Path, flag: &str) -> Vec<String> {
    let Some(text) = output(program, &[flag]) else {
        return Vec::new();
    };
    text.lines()
        .skip_while(|l| !l.contains("Registered Targets:"))
        .skip(1)
        .filter_map(|l| l.split_once(" - ").map(|(name, _)| name.trim().to_string()))
        .filter(|name| !name.is_empty())
        .collect()
}

fn rustc_host(rustc: &Path) -> Option<String> {
    output(rustc, &["-vV"])?
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_come_from_the_first_version_word() {
        for (line, want) in [
            ("Debian clang version 14.0.6", "14.0.6"),
            ("Ubuntu clang version 18.1.3 (1ubuntu1)", "18.1.3"),
            ("Debian LLD 14.0.6 (compatible with GNU linkers)", "14.0.6"),
            ("rustc 1.95.0 (59807616e 2026-04-14)", "1.95.0"),
            ("cargo 1.95.0-nightly (f2d3ce0bd 2026-03-21)", "1.95.0"),
            ("0.13.0", "0.13.0"),
            ("12.2.0", "12.2.0"),
        ] {
            assert_eq!(parse_version(line).as_deref(), Some(want), "{line}");
        }
        assert_eq!(parse_version("no version here 3"), None);
    }

    #[test]
    fn gnu_prefixes_follow_debian() {
        let p = |t: &str| gnu_prefix(&Target::parse(t).unwrap());
        assert_eq!(p("aarch64-linux"), "aarch64-linux-gnu");
        assert_eq!(p("armv7-linux"), "arm-linux-gnueabihf");
        assert_eq!(p("riscv64-linux"), "riscv64-linux-gnu");
        assert_eq!(p("x86_64-unknown-linux-musl"), "x86_64-linux-musl");
    }

    #[test]
    fn every_supported_target_parses_to_itself() {
        for t in SUPPORTED_TARGETS {
            assert_eq!(Target::parse(t).unwrap().triple(), t);
        }
    }

    #[test]
    fn a_target_without_tools_names_the_debian_package() {
        let none = Toolchains::default();
        let err = none
            .builder_for(&Target::parse("aarch64-linux").unwrap())
            .unwrap_err();
        assert!(err.hint.contains("gcc-aarch64-linux-gnu"), "{err}");
        let err = none
            .builder_for(&Target::parse("x86_64-windows").unwrap())
            .unwrap_err();
        assert!(err.hint.contains("gcc-mingw-w64-x86-64"), "{err}");
        let err = none
            .builder_for(&Target::parse("wasm32").unwrap())
            .unwrap_err();
        assert!(err.hint.contains("clang lld"), "{err}");
    }
}
