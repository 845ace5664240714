//! The architecture check end to end: the fixtures in tests/fixtures/bin
//! (real binaries from real toolchains, see tests/fixtures/build.sh) through
//! `vitte-buildkit package` for every target, `vitte-buildkit inspect`
//! field by field against `file`, wasm-validate and wasm-objdump, and
//! `arch-check = false`.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;
use vitte_buildkit::events::Quiet;
use vitte_buildkit::inspect::{check_package, identify, identify_file, Identity};
use vitte_buildkit::{manifest, Target};

/// Every target a fixture is tried against.
const TARGETS: &[&str] = &[
    "x86_64-unknown-linux-gnu",
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-gnu",
    "i686-unknown-linux-gnu",
    "riscv64gc-unknown-linux-gnu",
    "armv7-unknown-linux-gnueabihf",
    "powerpc64le-unknown-linux-gnu",
    "s390x-unknown-linux-gnu",
    "x86_64-pc-windows-msvc",
    "i686-pc-windows-msvc",
    "aarch64-pc-windows-msvc",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "universal-apple-darwin",
    "wasm32-unknown-unknown",
    "wasm64-unknown-unknown",
];

/// Each fixture and the targets (of `TARGETS`) it fits; it must be refused
/// for all the others.
const FIXTURES: &[(&str, &[&str])] = &[
    ("elf-x86_64", &["x86_64-unknown-linux-gnu"]),
    ("elf-x86_64-musl", &["x86_64-unknown-linux-musl"]),
    ("elf-aarch64", &["aarch64-unknown-linux-gnu"]),
    ("elf-i386", &["i686-unknown-linux-gnu"]),
    ("elf-riscv64", &["riscv64gc-unknown-linux-gnu"]),
    ("elf-armv7", &["armv7-unknown-linux-gnueabihf"]),
    // Soft-float ARM code cannot be called from the hard-float ABI.
    ("elf-armv7-softfloat", &[]),
    ("elf-powerpc64le", &["powerpc64le-unknown-linux-gnu"]),
    ("elf-s390x.o", &["s390x-unknown-linux-gnu"]),
    // arm64, but for iOS.
    ("macho-arm64-ios", &[]),
    ("libhello-x86_64.so", &["x86_64-unknown-linux-gnu"]),
    ("libhello-x86_64-musl.so", &["x86_64-unknown-linux-musl"]),
    // Objects carry no C library: they fit glibc and musl alike.
    (
        "libadd-x86_64.a",
        &["x86_64-unknown-linux-gnu", "x86_64-unknown-linux-musl"],
    ),
    ("libadd-aarch64.a", &["aarch64-unknown-linux-gnu"]),
    ("pe-x86_64.exe", &["x86_64-pc-windows-msvc"]),
    ("pe-x86_64.dll", &["x86_64-pc-windows-msvc"]),
    ("add-x86_64.lib", &["x86_64-pc-windows-msvc"]),
    ("pe-i686.exe", &["i686-pc-windows-msvc"]),
    // EFI applications run on the firmware, whatever the system.
    (
        "efi-x86_64.efi",
        &[
            "x86_64-unknown-linux-gnu",
            "x86_64-unknown-linux-musl",
            "x86_64-pc-windows-msvc",
        ],
    ),
    // IL-only .NET code runs as whatever the process is.
    (
        "dotnet-anycpu.exe",
        &[
            "x86_64-pc-windows-msvc",
            "i686-pc-windows-msvc",
            "aarch64-pc-windows-msvc",
        ],
    ),
    ("dotnet-x86.exe", &["i686-pc-windows-msvc"]),
    ("pe-arm64.exe", &["aarch64-pc-windows-msvc"]),
    ("add-arm64-import.lib", &["aarch64-pc-windows-msvc"]),
    ("macho-arm64", &["aarch64-apple-darwin"]),
    ("macho-x86_64", &["x86_64-apple-darwin"]),
    (
        "macho-universal",
        &[
            "x86_64-apple-darwin",
            "aarch64-apple-darwin",
            "universal-apple-darwin",
        ],
    ),
    (
        "macho-universal64",
        &[
            "x86_64-apple-darwin",
            "aarch64-apple-darwin",
            "universal-apple-darwin",
        ],
    ),
    (
        "libstart-universal.a",
        &[
            "x86_64-apple-darwin",
            "aarch64-apple-darwin",
            "universal-apple-darwin",
        ],
    ),
    ("wasm32.wasm", &["wasm32-unknown-unknown"]),
    ("wasm64.wasm", &["wasm64-unknown-unknown"]),
    // Without a memory a module has no address width.
    (
        "wasm-nomemory.wasm",
        &["wasm32-unknown-unknown", "wasm64-unknown-unknown"],
    ),
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bin")
        .join(name)
}

fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A project installing `files` (fixture name, destination, extra keys).
fn project(files: &[(&str, &str, &str)]) -> Project {
    let mut manifest = PACKAGE.to_string();
    let mut sources = Vec::new();
    for (name, dst, extra) in files {
        manifest.push_str(&format!(
            "\n[[files]]\nsrc = \"bin/{name}\"\ndst = \"{dst}\"\n{extra}\n"
        ));
        sources.push((format!("bin/{name}"), fixture_bytes(name)));
    }
    let files: Vec<(&str, &[u8], u32)> = sources
        .iter()
        .map(|(path, bytes)| (path.as_str(), bytes.as_slice(), 0o755))
        .collect();
    Project::new(&manifest, &files)
}

#[test]
fn each_fixture_is_accepted_for_its_own_targets_and_refused_for_every_other() {
    for (name, fits) in FIXTURES {
        let project = project(&[(name, "/usr/bin/hello", "")]);
        // Refusals first: nothing may appear in dist/.
        for target in TARGETS.iter().filter(|t| !fits.contains(t)) {
            let out = project.package(&["--format", "tar.gz", "--target", target]);
            let err = text(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{name} for {target} should be refused:\n{err}"
            );
            let line = err
                .lines()
                .find(|l| l.contains("usr/bin/hello: "))
                .unwrap_or_else(|| panic!("{name} for {target}: no line names the file:\n{err}"));
            assert!(
                line.contains(&format!("but target {target} needs ")),
                "{name} for {target}: {line}"
            );
            assert!(!err.contains("panicked"), "{err}");
            assert!(
                project.dist_files().is_empty(),
                "{name} for {target}: something was written: {:?}",
                project.dist_files()
            );
        }
        for target in fits.iter() {
            let out = project.package(&["--format", "tar.gz", "--target", target]);
            assert!(
                out.status.success(),
                "{name} for {target} should be accepted:\n{}",
                text(&out.stderr)
            );
        }
        // Each accepted run leaves its archive (and SHA256SUMS).
        let expected = if fits.is_empty() { 0 } else { fits.len() + 1 };
        assert_eq!(project.dist_files().len(), expected, "{name}");
    }
}

#[test]
fn the_refusal_names_what_the_file_is_and_what_the_target_needs() {
    let cases = [
        (
            "elf-aarch64",
            "x86_64-linux",
            "usr/bin/hello: ELF aarch64 executable, but target x86_64-unknown-linux-gnu needs x86_64",
        ),
        (
            "elf-x86_64",
            "x86_64-unknown-linux-musl",
            "usr/bin/hello: ELF x86_64 executable, but target x86_64-unknown-linux-musl needs the musl loader (this one uses glibc's /lib64/ld-linux-x86-64.so.2)",
        ),
        (
            "pe-x86_64.exe",
            "x86_64-linux",
            "usr/bin/hello: PE x86_64 executable (console), but target x86_64-unknown-linux-gnu needs an ELF x86_64 binary",
        ),
        (
            "macho-arm64",
            "universal-macos",
            "usr/bin/hello: Mach-O arm64 executable, but target universal-apple-darwin needs both arm64 and x86_64 slices",
        ),
        (
            "elf-armv7-softfloat",
            "armv7-linux",
            "usr/bin/hello: ELF arm executable (soft-float), but target armv7-unknown-linux-gnueabihf needs the hard-float ABI (this one is soft-float)",
        ),
        (
            "elf-s390x.o",
            "powerpc64le-linux",
            "usr/bin/hello: ELF s390x relocatable object, but target powerpc64le-unknown-linux-gnu needs powerpc64le",
        ),
        (
            "macho-arm64-ios",
            "aarch64-macos",
            "usr/bin/hello: Mach-O arm64 executable, but target aarch64-apple-darwin needs a macOS binary (the arm64 slice is for ios)",
        ),
        (
            "wasm64.wasm",
            "wasm32",
            "usr/bin/hello: WebAssembly wasm64 core module, but target wasm32-unknown-unknown needs wasm32",
        ),
    ];
    for (name, target, expected) in cases {
        let out = project(&[(name, "/usr/bin/hello", "")])
            .package(&["--format", "tar.gz", "--target", target]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(expected), "expected `{expected}` in:\n{err}");
    }
}

#[test]
fn one_error_lists_every_offending_file() {
    let project = project(&[
        ("elf-aarch64", "/usr/bin/a", ""),
        ("elf-x86_64", "/usr/bin/b", ""),
        ("pe-x86_64.exe", "/usr/bin/c.exe", ""),
        ("wasm32.wasm", "/usr/share/hello/d.wasm", ""),
    ]);
    let out = project.package(&["--format", "tar.gz", "--target", "x86_64-linux"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for refused in ["usr/bin/a: ", "usr/bin/c.exe: ", "usr/share/hello/d.wasm: "] {
        assert!(err.contains(refused), "`{refused}` missing:\n{err}");
    }
    assert!(!err.contains("usr/bin/b: "), "{err}");
    assert!(project.dist_files().is_empty());

    // Every target is checked before anything is written: x86_64 alone
    // would pass, but aarch64 fails, so nothing is written at all.
    let project = crate::project(&[("elf-x86_64", "/usr/bin/hello", "")]);
    let out = project.package(&[
        "--format",
        "tar.gz",
        "--target",
        "x86_64-linux,aarch64-linux",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        project.dist_files().is_empty(),
        "{:?}",
        project.dist_files()
    );
}

#[test]
fn arch_check_false_lets_a_foreign_file_through_and_says_so() {
    let project = project(&[
        ("elf-x86_64", "/usr/bin/hello", ""),
        (
            "elf-riscv64",
            "/usr/lib/firmware/hello/blob",
            "arch-check = false",
        ),
    ]);
    let out = project.package(&["--format", "tar.gz", "--target", "x86_64-linux"]);
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("Unchecked usr/lib/firmware/hello/blob: arch-check = false, not inspected for x86_64-unknown-linux-gnu"),
        "{err}"
    );

    let out = project.package(&[
        "--format",
        "tar.gz",
        "--target",
        "aarch64-linux",
        "--message-format",
        "json",
    ]);
    // The unchecked file is reported; the x86_64 one is still refused.
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.iter().any(|l| l["reason"] == "unchecked"
        && l["path"] == "usr/lib/firmware/hello/blob"
        && l["target"] == "aarch64-unknown-linux-gnu"));
    let error = lines.iter().find(|l| l["reason"] == "error").unwrap();
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("usr/bin/hello: ELF x86_64 executable"),
        "{message}"
    );
    assert!(
        !message.contains("usr/lib/firmware/hello/blob"),
        "{message}"
    );
    assert!(message.contains("set `arch-check = false`"), "{message}");
}

#[test]
fn a_package_without_binaries_is_architecture_independent() {
    let scripts = Project::new(
        &format!("{PACKAGE}\n[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/bin/hello\"\n"),
        &[("bin/hello", b"#!/bin/sh\necho hello\n", 0o755)],
    );
    let with_binary = project(&[("elf-x86_64", "/usr/bin/hello", "")]);
    let foreign_only = project(&[(
        "elf-riscv64",
        "/usr/lib/firmware/blob",
        "arch-check = false",
    )]);
    let target = Target::parse("x86_64-linux").unwrap();
    for (project, expected) in [
        (&scripts, false),
        (&with_binary, true),
        (&foreign_only, false),
    ] {
        let loaded = manifest::load(&project.manifest(), None).unwrap();
        let package = manifest::resolve(&loaded, &target, None).unwrap();
        assert_eq!(
            check_package(&package, &target, &Quiet).unwrap(),
            expected,
            "{}",
            project.manifest().display()
        );
    }
}

/// `vitte-buildkit inspect --message-format json FILE`, parsed.
fn inspect_json(name: &str) -> Value {
    let out = run_ok(
        buildkit()
            .args(["inspect", "--message-format", "json"])
            .arg(fixture(name)),
    );
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    serde_json::from_str(&stdout).unwrap()
}

/// `file -b` on a fixture.
fn file_says(name: &str) -> String {
    text(&run_ok(tool("file").arg("-b").arg(fixture(name))).stdout)
}

#[test]
fn inspect_reports_elf_fields_that_file_confirms() {
    // (fixture, arch, bits, our name's spelling in `file`, interpreter, libc)
    let cases = [
        (
            "elf-x86_64",
            "x86_64",
            64,
            "x86-64",
            "/lib64/ld-linux-x86-64.so.2",
            "glibc",
        ),
        (
            "elf-x86_64-musl",
            "x86_64",
            64,
            "x86-64",
            "/lib/ld-musl-x86_64.so.1",
            "musl",
        ),
        (
            "elf-aarch64",
            "aarch64",
            64,
            "ARM aarch64",
            "/lib/ld-linux-aarch64.so.1",
            "glibc",
        ),
        (
            "elf-i386",
            "i386",
            32,
            "Intel 80386",
            "/lib/ld-linux.so.2",
            "glibc",
        ),
        (
            "elf-riscv64",
            "riscv64",
            64,
            "UCB RISC-V",
            "/lib/ld-linux-riscv64-lp64d.so.1",
            "glibc",
        ),
    ];
    for (name, arch, bits, file_arch, interpreter, libc) in cases {
        let v = inspect_json(name);
        let file = file_says(name);
        assert_eq!(v["reason"], "inspected");
        assert!(v["path"].as_str().unwrap().ends_with(name));
        assert_eq!(v["format"], "elf", "{name}");
        assert_eq!(v["binary"], true);
        assert_eq!(v["arch"], arch, "{name}");
        assert_eq!(v["bits"], bits, "{name}");
        assert_eq!(v["endian"], "little", "{name}");
        assert_eq!(v["kind"], "executable", "{name}");
        assert_eq!(v["os_abi"], "sysv", "{name}");
        assert_eq!(v["interpreter"], interpreter, "{name}");
        assert_eq!(v["libc"], libc, "{name}");
        assert_eq!(v["float_abi"], Value::Null, "{name}");
        assert_eq!(
            v["description"],
            format!(
                "ELF {arch} executable{}",
                if libc == "musl" { " (musl)" } else { "" }
            )
        );
        // What `file` says agrees.
        assert!(
            file.starts_with(&format!("ELF {bits}-bit LSB pie executable, {file_arch}")),
            "{name}: {file}"
        );
        assert!(
            file.contains(&format!("interpreter {interpreter}")),
            "{name}: {file}"
        );
    }
    // Shared libraries: no loader; the libc they link, as readelf lists it.
    for (name, libc, needed) in [
        ("libhello-x86_64.so", "glibc", "libc.so.6"),
        ("libhello-x86_64-musl.so", "musl", "libc.so"),
    ] {
        let v = inspect_json(name);
        assert_eq!(v["kind"], "shared object", "{name}");
        assert_eq!(v["interpreter"], Value::Null, "{name}");
        assert_eq!(v["libc"], libc, "{name}");
        let dynamic = text(&run_ok(tool("readelf").arg("-d").arg(fixture(name))).stdout);
        assert!(
            dynamic.contains(&format!("Shared library: [{needed}]")),
            "{name}: {dynamic}"
        );
        assert!(
            file_says(name).starts_with("ELF 64-bit LSB shared object, x86-64"),
            "{name}"
        );
    }
    // ARM float ABI, POWER and IBM Z: what readelf says of e_flags and
    // the byte order.
    for (name, arch, bits, endian, kind, float_abi) in [
        ("elf-armv7", "arm", 32, "little", "executable", Some("hard")),
        (
            "elf-armv7-softfloat",
            "arm",
            32,
            "little",
            "executable",
            Some("soft"),
        ),
        (
            "elf-powerpc64le",
            "powerpc64le",
            64,
            "little",
            "executable",
            None,
        ),
        (
            "elf-s390x.o",
            "s390x",
            64,
            "big",
            "relocatable object",
            None,
        ),
    ] {
        let v = inspect_json(name);
        assert_eq!(v["arch"], arch, "{name}");
        assert_eq!(v["bits"], bits, "{name}");
        assert_eq!(v["endian"], endian, "{name}");
        assert_eq!(v["kind"], kind, "{name}");
        assert_eq!(v["float_abi"].as_str(), float_abi, "{name}");
        let header = text(&run_ok(tool("readelf").arg("-h").arg(fixture(name))).stdout);
        let data = if endian == "little" {
            "little endian"
        } else {
            "big endian"
        };
        assert!(header.contains(data), "{name}: {header}");
        assert!(header.contains(&format!("ELF{bits}")), "{name}: {header}");
        if let Some(float) = float_abi {
            assert!(
                header.contains(&format!("{float}-float ABI")),
                "{name}: {header}"
            );
        }
    }
}

#[test]
fn inspect_reports_pe_fields_that_file_confirms() {
    // (fixture, arch, bits, kind, `file` prefix)
    let cases = [
        (
            "pe-x86_64.exe",
            "x86_64",
            64,
            "executable",
            "PE32+ executable (console) x86-64",
        ),
        (
            "pe-x86_64.dll",
            "x86_64",
            64,
            "dll",
            "PE32+ executable (DLL) (console) x86-64",
        ),
        (
            "pe-i686.exe",
            "i386",
            32,
            "executable",
            "PE32 executable (console) Intel 80386",
        ),
        (
            "pe-arm64.exe",
            "arm64",
            64,
            "executable",
            "PE32+ executable (console) Aarch64",
        ),
    ];
    for (name, arch, bits, kind, file_prefix) in cases {
        let v = inspect_json(name);
        assert_eq!(v["format"], "pe", "{name}");
        assert_eq!(v["arch"], arch, "{name}");
        assert_eq!(v["bits"], bits, "{name}");
        assert_eq!(v["kind"], kind, "{name}");
        assert_eq!(v["subsystem"], "console", "{name}");
        let machine = match arch {
            "x86_64" => 0x8664,
            "i386" => 0x14c,
            _ => 0xaa64,
        };
        assert_eq!(v["machine"], machine, "{name}");
        assert_eq!(v["dotnet"], Value::Null, "{name}");
        let file = file_says(name);
        assert!(file.starts_with(file_prefix), "{name}: {file}");
        assert!(!file.contains(".Net"), "{name}: {file}");
    }
    for (name, platform, description) in [
        (
            "dotnet-anycpu.exe",
            "anycpu",
            "PE .NET AnyCPU executable (console)",
        ),
        ("dotnet-x86.exe", "x86", "PE .NET i386 executable (console)"),
    ] {
        let v = inspect_json(name);
        assert_eq!(v["arch"], "i386", "{name}");
        assert_eq!(v["bits"], 32, "{name}");
        assert_eq!(v["dotnet"], platform, "{name}");
        assert_eq!(v["description"], description, "{name}");
        let file = file_says(name);
        assert!(
            file.starts_with("PE32 executable (console) Intel 80386 Mono/.Net assembly"),
            "{name}: {file}"
        );
    }
    let v = inspect_json("efi-x86_64.efi");
    assert_eq!(v["arch"], "x86_64");
    assert_eq!(v["subsystem"], "efi application");
    assert_eq!(v["description"], "PE x86_64 executable (efi application)");
    let file = file_says("efi-x86_64.efi");
    assert!(
        file.starts_with("PE32+ executable (EFI application) x86-64"),
        "{file}"
    );
}

#[test]
fn inspect_reports_macho_slices_that_file_confirms() {
    for (name, arch) in [("macho-arm64", "arm64"), ("macho-x86_64", "x86_64")] {
        let v = inspect_json(name);
        assert_eq!(v["format"], "mach-o");
        assert_eq!(v["universal"], false);
        let slices = v["slices"].as_array().unwrap();
        assert_eq!(slices.len(), 1);
        assert_eq!(slices[0]["arch"], arch);
        assert_eq!(slices[0]["bits"], 64);
        assert_eq!(slices[0]["kind"], "executable");
        assert_eq!(slices[0]["platform"], "macos");
        assert_eq!(v["description"], format!("Mach-O {arch} executable"));
        assert!(file_says(name).starts_with(&format!("Mach-O 64-bit {arch} executable")));
    }
    let v = inspect_json("macho-universal");
    assert_eq!(v["universal"], true);
    let mut arches: Vec<&str> = v["slices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["arch"].as_str().unwrap())
        .collect();
    arches.sort();
    assert_eq!(arches, ["arm64", "x86_64"]);
    let file = file_says("macho-universal");
    assert!(
        file.starts_with("Mach-O universal binary with 2 architectures"),
        "{file}"
    );
    assert!(
        file.contains("Mach-O 64-bit arm64 executable")
            && file.contains("Mach-O 64-bit x86_64 executable"),
        "{file}"
    );

    // FAT_MAGIC_64 and a fat archive: llvm-objdump reads the headers back.
    for (name, magic, kind) in [
        ("macho-universal64", "FAT_MAGIC_64", "executable"),
        ("libstart-universal.a", "FAT_MAGIC", "static archive"),
    ] {
        let v = inspect_json(name);
        assert_eq!(v["universal"], true, "{name}");
        let headers = text(
            &run_ok(
                tool("llvm-objdump")
                    .args(["-m", "--universal-headers"])
                    .arg(fixture(name)),
            )
            .stdout,
        );
        assert!(
            headers.contains(&format!("fat_magic {magic}\n")),
            "{name}: {headers}"
        );
        let listed: Vec<&str> = headers
            .lines()
            .filter_map(|l| l.strip_prefix("architecture "))
            .collect();
        let ours: Vec<&str> = v["slices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["arch"].as_str().unwrap())
            .collect();
        assert_eq!(ours, listed, "{name}");
        assert!(
            v["slices"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["kind"] == kind),
            "{name}: {v}"
        );
    }

    let v = inspect_json("macho-arm64-ios");
    assert_eq!(v["slices"][0]["arch"], "arm64");
    assert_eq!(v["slices"][0]["platform"], "ios");
    let load_commands = text(
        &run_ok(
            tool("llvm-objdump")
                .args(["--macho", "--private-headers"])
                .arg(fixture("macho-arm64-ios")),
        )
        .stdout,
    );
    assert!(
        load_commands.contains("  platform ios\n"),
        "LC_BUILD_VERSION names iOS:\n{load_commands}"
    );
}

#[test]
fn inspect_reports_wasm_width_that_wabt_confirms() {
    for (name, bits) in [("wasm32.wasm", 32), ("wasm64.wasm", 64)] {
        let v = inspect_json(name);
        assert_eq!(v["format"], "wasm");
        assert_eq!(v["component"], false);
        assert_eq!(v["bits"], bits);
        assert_eq!(v["invalid"], Value::Null);
        assert_eq!(v["memory"], true);
        assert_eq!(
            v["description"],
            format!("WebAssembly wasm{bits} core module")
        );
        assert!(file_says(name).starts_with("WebAssembly (wasm) binary module version 0x1"));
        // wabt agrees on the memory's index type...
        let dump = text(&run_ok(tool("wasm-objdump").arg("-x").arg(fixture(name))).stdout);
        let memory = dump
            .lines()
            .find(|l| l.contains("memory[0]"))
            .unwrap_or_else(|| panic!("{dump}"));
        assert_eq!(memory.contains("i64"), bits == 64, "{memory}");
        // ...and validates it only with memory64 when it is 64-bit.
        let plain = run(tool("wasm-validate").arg(fixture(name)));
        assert_eq!(
            plain.status.success(),
            bits == 32,
            "{}",
            text(&plain.stderr)
        );
        run_ok(
            tool("wasm-validate")
                .arg("--enable-memory64")
                .arg(fixture(name)),
        );
    }
    let v = inspect_json("wasm-nomemory.wasm");
    assert_eq!(v["memory"], false);
    assert_eq!(v["description"], "WebAssembly core module without memory");
    let dump = text(
        &run_ok(
            tool("wasm-objdump")
                .arg("-h")
                .arg(fixture("wasm-nomemory.wasm")),
        )
        .stdout,
    );
    assert!(!dump.contains("Memory"), "{dump}");
    run_ok(tool("wasm-validate").arg(fixture("wasm-nomemory.wasm")));
}

#[test]
fn inspect_reports_archive_members() {
    let cases = [
        (
            "libadd-x86_64.a",
            "elf",
            "x86_64",
            "relocatable object",
            "add-x86_64.o",
        ),
        (
            "libadd-aarch64.a",
            "elf",
            "aarch64",
            "relocatable object",
            "add-aarch64.o",
        ),
        ("add-x86_64.lib", "pe", "x86_64", "object", "add-win64.o"),
    ];
    for (name, format, arch, kind, member) in cases {
        let v = inspect_json(name);
        assert_eq!(v["format"], "archive", "{name}");
        let members = v["members"].as_array().unwrap();
        assert_eq!(members.len(), 1, "{name}: {members:?}");
        assert_eq!(members[0]["name"], member);
        assert_eq!(members[0]["count"], 1);
        assert_eq!(members[0]["identity"]["format"], format);
        assert_eq!(members[0]["identity"]["arch"], arch);
        assert_eq!(members[0]["identity"]["kind"], kind);
        // The member's name is the one `ar` lists.
        let listed = text(&run_ok(tool("ar").arg("t").arg(fixture(name))).stdout);
        assert_eq!(listed.trim(), member);
    }
    // An import library: import members and the objects llvm-dlltool adds.
    let v = inspect_json("add-arm64-import.lib");
    let members = v["members"].as_array().unwrap();
    let kinds: Vec<&str> = members
        .iter()
        .map(|m| m["identity"]["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"import library member"), "{kinds:?}");
    assert!(
        members.iter().all(|m| m["identity"]["arch"] == "arm64"),
        "{members:?}"
    );
}

#[test]
fn inspect_prints_human_lines_and_checks_a_target() {
    let out = run(buildkit()
        .args(["inspect", "--target", "aarch64-linux"])
        .arg(fixture("elf-aarch64"))
        .arg(fixture("elf-x86_64")));
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "one file does not fit:\n{stdout}"
    );
    let expected_first = format!(
        "{}: ELF aarch64 executable",
        fixture("elf-aarch64").display()
    );
    assert!(
        stdout.lines().next() == Some(expected_first.as_str()),
        "{stdout}"
    );
    assert!(
        stdout.contains("    interpreter: /lib/ld-linux-aarch64.so.1"),
        "{stdout}"
    );
    assert!(
        stdout.contains("    fits aarch64-unknown-linux-gnu"),
        "{stdout}"
    );
    assert!(
        stdout.contains("    does not fit aarch64-unknown-linux-gnu, which needs aarch64"),
        "{stdout}"
    );

    let out = run_ok(
        buildkit()
            .args(["inspect"])
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")),
    );
    assert!(text(&out.stdout)
        .trim_end()
        .ends_with("Cargo.toml: not a binary"));
}

#[test]
fn inspect_fails_on_a_file_it_cannot_read() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let out = run(buildkit()
        .arg("inspect")
        .arg(fixture("elf-x86_64"))
        .arg(&missing));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains(&format!("cannot read {}", missing.display())));
    assert!(
        text(&out.stdout).contains("ELF x86_64 executable"),
        "the readable file is still shown"
    );

    let out = run(buildkit()
        .args(["inspect", "--message-format", "json"])
        .arg(&missing));
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(v["reason"], "error");
    assert_eq!(v["path"], missing.display().to_string());
}

#[test]
fn small_truncated_and_foreign_bytes_never_panic() {
    for len in 0..16 {
        assert_eq!(identify(&vec![0x7f; len]), Identity::Other);
        assert_eq!(
            identify(&b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"[..len]),
            Identity::Other
        );
    }
    // Every fixture cut short, and with bytes flipped, is identified
    // without a panic; a cut binary is never taken for one that fits.
    for (name, fits) in FIXTURES {
        let bytes = fixture_bytes(name);
        if let Some(target) = fits.first() {
            let target = Target::parse(target).unwrap();
            assert!(identify(&bytes).fits(&target).is_ok(), "{name}");
        }
        for cut in (16..bytes.len()).step_by(7) {
            let _ = identify(&bytes[..cut]).to_string();
        }
        let mut flipped = bytes.clone();
        for i in (0..flipped.len()).step_by(13) {
            flipped[i] ^= 0xa5;
            let _ = identify(&flipped).to_string();
        }
    }
    // A Java class file shares the universal-binary magic: it is no binary.
    let class = b"\xca\xfe\xba\xbe\x00\x00\x00\x41\x00\x0d\x0a\x00\x02\x00\x03\x00";
    assert_eq!(identify(class), Identity::Other);
    // A DOS program without a PE header is not a Windows binary.
    let mut dos = b"MZ".to_vec();
    dos.resize(128, 0);
    assert_eq!(identify(&dos), Identity::Other);
}

#[test]
fn identify_file_reads_data_files_only_as_far_as_the_magic() {
    use std::io::Write;
    use std::time::{Duration, Instant};
    // A named pipe whose writer keeps it open: reading it to the end would
    // wait for the writer, so a data file must be judged from its first bytes.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("data.fifo");
    run_ok(tool("mkfifo").arg(&fifo));
    let (done, wait) = std::sync::mpsc::channel::<()>();
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut pipe = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
            pipe.write_all(&[b'x'; 4096]).unwrap();
            let _ = wait.recv_timeout(Duration::from_secs(10));
        })
    };
    let start = Instant::now();
    assert_eq!(identify_file(&fifo).unwrap(), Identity::Other);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "identify_file read to the end"
    );
    done.send(()).unwrap();
    writer.join().unwrap();
    assert!(identify_file(&fixture("elf-x86_64")).unwrap().is_binary());

    // ELF and PE files are read by their headers: a gigabyte of (sparse)
    // trailing data changes nothing and takes no time.
    for (name, _) in FIXTURES
        .iter()
        .filter(|(n, _)| n.starts_with("elf-") || n.starts_with("pe-"))
    {
        let big = dir.path().join(name);
        std::fs::copy(fixture(name), &big).unwrap();
        let file = std::fs::OpenOptions::new().write(true).open(&big).unwrap();
        file.set_len(1 << 30).unwrap();
        let start = Instant::now();
        assert_eq!(
            identify_file(&big).unwrap(),
            identify(&fixture_bytes(name)),
            "{name}"
        );
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{name} was read whole"
        );
    }
}

#[test]
fn elf_kind_and_machine_agree_with_file_on_the_system_binaries() {
    // The host's own programs and libraries: hundreds of real ELF files
    // from many toolchains. What we call them must match what `file` says.
    let mut paths = Vec::new();
    for dir in [
        "/usr/bin",
        "/usr/lib/x86_64-linux-gnu",
        "/usr/lib/aarch64-linux-gnu",
    ] {
        if let Ok(entries) = std::fs::read_dir(dir) {
            let mut found: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            found.sort();
            paths.extend(found.into_iter().filter(|p| p.is_file()).take(200));
        }
    }
    let mut checked = 0;
    for path in paths {
        let Ok(Identity::Elf(elf)) = identify_file(&path) else {
            continue;
        };
        let file = text(&run_ok(tool("file").arg("-bL").arg(&path)).stdout);
        let head = file.split(',').next().unwrap_or_default();
        let file_kind = if head.contains("executable") {
            "executable"
        } else if head.contains("shared object") {
            "shared object"
        } else if head.contains("relocatable") {
            "relocatable object"
        } else {
            head
        };
        assert_eq!(elf.kind, file_kind, "{}: {file}", path.display());
        assert!(
            head.contains(&format!("{}-bit", elf.bits)),
            "{}: {file}",
            path.display()
        );
        let file_machine = match elf.arch.as_str() {
            "x86_64" => "x86-64",
            "aarch64" => "ARM aarch64",
            "i386" => "Intel 80386",
            other => other,
        };
        assert!(file.contains(file_machine), "{}: {file}", path.display());
        if let Some(interpreter) = &elf.interpreter {
            assert!(
                file.contains(&format!("interpreter {interpreter}")),
                "{}: {file}",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 50,
        "only {checked} ELF files found on this system"
    );
}

#[test]
fn the_packaging_architecture_follows_the_check() {
    // (files, deb Architecture, rpm arch): a binary makes the package
    // x86_64-specific; scripts, or a foreign file let through with
    // arch-check = false, make it architecture-independent.
    let script: &[u8] = b"#!/bin/sh\necho hello\n";
    type Files<'a> = &'a [(&'a str, &'a str, &'a str)];
    let cases: [(&str, Files, &str, &str); 3] = [
        (
            "binary",
            &[("elf-x86_64", "/usr/bin/hello", "")],
            "amd64",
            "x86_64",
        ),
        ("scripts", &[], "all", "noarch"),
        (
            "firmware",
            &[(
                "elf-riscv64",
                "/usr/lib/firmware/hello/blob",
                "arch-check = false",
            )],
            "all",
            "noarch",
        ),
    ];
    for (label, files, deb_arch, rpm_arch) in cases {
        let project = project(files);
        std::fs::create_dir_all(project.path().join("bin")).unwrap();
        std::fs::write(project.path().join("bin/hello.sh"), script).unwrap();
        let mut manifest = std::fs::read_to_string(project.manifest()).unwrap();
        manifest
            .push_str("\n[[files]]\nsrc = \"bin/hello.sh\"\ndst = \"/usr/share/hello/hello.sh\"\nmode = \"0755\"\n");
        std::fs::write(project.manifest(), manifest).unwrap();
        // The firmware case is what lintian and rpmlint call an error
        // (arch-independent-package-contains-binary-or-object), and so does
        // the lint gate: only warned here, where the architecture is the point.
        let out = project.package(&[
            "--format",
            "deb,rpm",
            "--target",
            "x86_64-linux",
            "--lint",
            "warn",
        ]);
        assert!(out.status.success(), "{label}: {}", text(&out.stderr));
        let files = project.dist_files();
        let deb = files.iter().find(|f| f.ends_with(".deb")).unwrap();
        let rpm = files.iter().find(|f| f.ends_with(".rpm")).unwrap();
        let control = text(
            &run_ok(
                tool("dpkg-deb")
                    .arg("-f")
                    .arg(project.dist().join(deb))
                    .arg("Architecture"),
            )
            .stdout,
        );
        assert_eq!(control.trim(), deb_arch, "{label}");
        let arch = text(
            &run_ok(
                tool("rpm")
                    .args(["-qp", "--nosignature", "--qf", "%{ARCH}"])
                    .arg(project.dist().join(rpm)),
            )
            .stdout,
        );
        assert_eq!(arch.trim(), rpm_arch, "{label}");
    }
}
