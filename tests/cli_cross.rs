//! `vitte-buildkit cross`: the C example cross-built with Debian's real
//! toolchains (gcc-aarch64-linux-gnu, gcc-mingw-w64, clang + lld for
//! wasm32), judged by `file`, wasm-validate and bsdtar, and by the
//! inspector, which must agree with `file`; a build that produces a host
//! binary for a foreign target fails the architecture check.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{buildkit, run, run_ok, text, tool, Project, PACKAGE};
use serde_json::Value;

/// A copy of examples/hello-c in a temporary folder.
fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hello-c");
    for name in ["hello.c", "buildkit.toml"] {
        fs::copy(src.join(name), dir.path().join(name)).unwrap();
    }
    dir
}

fn json_lines(stdout: &[u8]) -> Vec<Value> {
    text(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

fn which(program: &str) -> String {
    let out = run_ok(tool("sh").arg("-c").arg(format!("command -v {program}")));
    text(&out.stdout).trim().to_string()
}

struct Case {
    target: &'static str,
    output: &'static str,
    compiler: &'static str,
    file_says: &'static [&'static str],
    format: &'static str,
    arch: Option<&'static str>,
    bits: u64,
}

#[test]
fn the_c_example_cross_builds_for_aarch64_windows_and_wasm32_and_file_agrees_with_inspect() {
    let cases = [
        Case {
            target: "aarch64-linux",
            output: "build/aarch64-unknown-linux-gnu/hello",
            compiler: "aarch64-linux-gnu-gcc",
            file_says: &["ELF 64-bit LSB", "ARM aarch64"],
            format: "elf",
            arch: Some("aarch64"),
            bits: 64,
        },
        Case {
            target: "x86_64-windows",
            output: "build/x86_64-pc-windows-msvc/hello.exe",
            compiler: "x86_64-w64-mingw32-gcc",
            file_says: &["PE32+ executable (console) x86-64", "MS Windows"],
            format: "pe",
            arch: Some("x86_64"),
            bits: 64,
        },
        Case {
            target: "wasm32",
            output: "build/wasm32-unknown-unknown/hello.wasm",
            compiler: "clang",
            file_says: &["WebAssembly (wasm) binary module"],
            format: "wasm",
            arch: None,
            bits: 32,
        },
    ];
    let project = example();
    let dir = project.path();
    for case in &cases {
        let out = run_ok(
            buildkit()
                .current_dir(dir)
                .args(["cross", "--target", case.target, "--format", "tar.gz"])
                .args(["--out", "dist", "--message-format", "json"]),
        );
        let lines = json_lines(&out.stdout);
        let build = lines.iter().find(|l| l["reason"] == "build").unwrap();
        assert!(
            build["toolchain"]
                .as_str()
                .unwrap()
                .starts_with(case.compiler),
            "{}: {build}",
            case.target
        );
        let binary = dir.join(case.output);
        assert!(binary.is_file(), "{}: no {}", case.target, case.output);

        // `file` and the inspector say the same thing about the binary.
        let file = text(&run_ok(tool("file").arg("-b").arg(&binary)).stdout);
        for words in case.file_says {
            assert!(file.contains(words), "{}: file says {file}", case.target);
        }
        let inspected = json_lines(
            &run_ok(
                buildkit()
                    .args([
                        "inspect",
                        "--message-format",
                        "json",
                        "--target",
                        case.target,
                    ])
                    .arg(&binary),
            )
            .stdout,
        );
        let inspected = &inspected[0];
        assert_eq!(inspected["format"], case.format, "{inspected}");
        assert_eq!(inspected["bits"], case.bits, "{inspected}");
        if let Some(arch) = case.arch {
            assert_eq!(inspected["arch"], arch, "{inspected}");
        }
        assert_eq!(inspected["binary"], true);

        // The package holds exactly the binary that was built.
        let artifact = lines.iter().find(|l| l["reason"] == "artifact").unwrap();
        let archive = PathBuf::from(artifact["path"].as_str().unwrap());
        let archive = if archive.is_absolute() {
            archive
        } else {
            dir.join(archive)
        };
        let name = Path::new(case.output)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        let listing = text(&run_ok(tool("bsdtar").arg("-tvf").arg(&archive)).stdout);
        let line = listing
            .lines()
            .find(|l| l.ends_with(&format!("usr/bin/{name}")))
            .unwrap_or_else(|| panic!("{}: no usr/bin/{name} in\n{listing}", case.target));
        assert!(line.starts_with("-rwxr-xr-x"), "{line}");
        let x = dir.join(format!("x-{}", case.target));
        fs::create_dir_all(&x).unwrap();
        run_ok(tool("bsdtar").arg("-xf").arg(&archive).arg("-C").arg(&x));
        let packaged = fs::read_dir(&x)
            .unwrap()
            .flatten()
            .map(|e| e.path().join(format!("usr/bin/{name}")))
            .find(|p| p.is_file())
            .unwrap();
        assert!(fs::read(packaged).unwrap() == fs::read(&binary).unwrap());
    }
    let wasm = dir.join("build/wasm32-unknown-unknown/hello.wasm");
    run_ok(tool("wasm-validate").arg(&wasm));
    let objdump = text(&run_ok(tool("wasm-objdump").arg("-x").arg(&wasm)).stdout);
    assert!(objdump.contains("\"greeting\""), "{objdump}");
    let pe = dir.join("build/x86_64-pc-windows-msvc/hello.exe");
    let headers = text(&run_ok(tool("x86_64-w64-mingw32-objdump").arg("-f").arg(&pe)).stdout);
    assert!(headers.contains("pei-x86-64"), "{headers}");

    // The cross-built programs run: aarch64 under qemu with Debian's
    // cross libc, the Windows one under wine (a fresh, headless prefix).
    let aarch64 = run_ok(
        tool("qemu-aarch64")
            .args(["-L", "/usr/aarch64-linux-gnu"])
            .arg(dir.join("build/aarch64-unknown-linux-gnu/hello")),
    );
    assert_eq!(text(&aarch64.stdout), "Hello, world!\n");
    let windows = run_ok(
        tool("wine")
            .arg(&pe)
            .env("WINEPREFIX", dir.join("wine"))
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .env("DISPLAY", ""),
    );
    assert_eq!(
        text(&windows.stdout).replace("\r\n", "\n"),
        "Hello, world!\n"
    );
    run(tool("wineserver")
        .arg("-k")
        .env("WINEPREFIX", dir.join("wine")));
}

/// The artifact of `format` that a `cross --message-format json` run wrote.
fn artifact_of(lines: &[Value], format: &str, dir: &Path) -> PathBuf {
    let artifact = lines
        .iter()
        .find(|l| l["reason"] == "artifact" && l["format"] == format)
        .unwrap_or_else(|| panic!("no {format} artifact in {lines:?}"));
    dir.join(artifact["path"].as_str().unwrap())
}

#[test]
fn cross_builds_package_natively_as_deb_msi_and_wasm_bundles() {
    let project = example();
    let dir = project.path();
    let cross = |target: &str, formats: &str| {
        json_lines(
            &run_ok(
                buildkit()
                    .current_dir(dir)
                    .args(["cross", "--target", target, "--format", formats])
                    .args(["--out", "dist", "--message-format", "json"]),
            )
            .stdout,
        )
    };

    // aarch64 Linux: a deb for arm64 that dpkg-deb reads, holding the binary.
    let lines = cross("aarch64-linux", "deb");
    let deb = artifact_of(&lines, "deb", dir);
    assert!(deb.ends_with("hello-c_1.0.0-1_arm64.deb"), "{deb:?}");
    let field = text(
        &run_ok(
            tool("dpkg-deb")
                .arg("--field")
                .arg(&deb)
                .arg("Architecture"),
        )
        .stdout,
    );
    assert_eq!(field.trim(), "arm64");
    let x = dir.join("x-deb");
    run_ok(tool("dpkg-deb").arg("--extract").arg(&deb).arg(&x));
    assert!(
        fs::read(x.join("usr/bin/hello")).unwrap()
            == fs::read(dir.join("build/aarch64-unknown-linux-gnu/hello")).unwrap()
    );

    // x86_64 Windows: an msi whose file msiextract gives back byte for byte.
    let lines = cross("x86_64-windows", "msi");
    let msi = artifact_of(&lines, "msi", dir);
    assert!(msi.ends_with("hello-c-1.0.0-x64.msi"), "{msi:?}");
    let x = dir.join("x-msi");
    fs::create_dir_all(&x).unwrap();
    run_ok(tool("msiextract").arg("-C").arg(&x).arg(&msi));
    let exe = walk(&x)
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == "hello.exe"))
        .unwrap_or_else(|| panic!("no hello.exe in the msi"));
    assert!(
        fs::read(exe).unwrap()
            == fs::read(dir.join("build/x86_64-pc-windows-msvc/hello.exe")).unwrap()
    );

    // wasm32: an OCI artifact skopeo reads, whose layer is the module.
    let lines = cross("wasm32", "wasm");
    let oci = artifact_of(&lines, "wasm", dir);
    let module = fs::read(dir.join("build/wasm32-unknown-unknown/hello.wasm")).unwrap();
    let copied = dir.join("x-oci");
    run_ok(
        tool("skopeo")
            .arg("--insecure-policy")
            .arg("copy")
            .arg(format!("oci-archive:{}", oci.display()))
            .arg(format!("dir:{}", copied.display())),
    );
    let sums = text(
        &run_ok(tool("sha256sum").arg(dir.join("build/wasm32-unknown-unknown/hello.wasm"))).stdout,
    );
    let digest = sums.split_whitespace().next().unwrap();
    assert_eq!(fs::read(copied.join(digest)).unwrap(), module);
}

/// Every file below `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn a_host_binary_built_for_a_foreign_target_fails_the_architecture_check() {
    let project = example();
    let dir = project.path();
    // The command ignores $CC and uses the host compiler.
    let out = run(buildkit()
        .current_dir(dir)
        .args(["cross", "--target", "aarch64-linux", "--format", "tar.gz"])
        .args(["--", "sh", "-c"])
        .arg("mkdir -p build/{triple} && gcc -o build/{triple}/hello hello.c"));
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    let host = text(
        &run_ok(
            tool("file")
                .arg("-b")
                .arg(dir.join("build/aarch64-unknown-linux-gnu/hello")),
        )
        .stdout,
    );
    assert!(
        host.contains("x86-64"),
        "the command built for the host: {host}"
    );
    assert!(
        stderr.contains("usr/bin/hello: ELF x86_64")
            && stderr.contains("but target aarch64-unknown-linux-gnu needs"),
        "{stderr}"
    );
    assert!(!dir.join("dist").exists() || fs::read_dir(dir.join("dist")).unwrap().count() == 0);
}

#[test]
fn a_target_without_a_toolchain_names_what_to_install_and_runs_nothing() {
    let project = example();
    let dir = project.path();
    // clang and lld, but neither ld64.lld with a macOS SDK nor zig.
    let bin = tempfile::tempdir().unwrap();
    for program in ["clang", "ld.lld", "sh"] {
        std::os::unix::fs::symlink(which(program), bin.path().join(program)).unwrap();
    }
    let mac = run(buildkit()
        .current_dir(dir)
        .env_remove("SDKROOT")
        .env("PATH", bin.path())
        .args(["cross", "--target", "aarch64-macos"]));
    assert!(!mac.status.success());
    let stderr = text(&mac.stderr);
    assert!(
        stderr.contains("no toolchain on this machine builds for aarch64-apple-darwin")
            && stderr.contains("SDKROOT"),
        "{stderr}"
    );
    let empty = tempfile::tempdir().unwrap();
    let bare = run(buildkit().current_dir(dir).env("PATH", empty.path()).args([
        "cross",
        "--target",
        "aarch64-linux",
    ]));
    assert!(!bare.status.success());
    let stderr = text(&bare.stderr);
    assert!(
        stderr.contains("apt-get install gcc-aarch64-linux-gnu"),
        "{stderr}"
    );
    assert!(!dir.join("build").exists(), "the build ran anyway");
}

#[test]
fn the_command_gets_the_toolchain_environment_and_placeholders() {
    let project = Project::new(&format!("{PACKAGE}\n[build]\ncommand = \"echo noise; env > env-{{triple}}-{{name}}-{{version}}.txt\"\n"), &[]);
    let env_of = |target: &str, triple: &str, extra: &[(&str, &str)]| -> Vec<(String, String)> {
        let mut cmd = buildkit();
        cmd.args([
            "cross",
            "--target",
            target,
            "--message-format",
            "json",
            "--manifest",
        ])
        .arg(project.manifest())
        .env_remove("CFLAGS");
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let out = run_ok(&mut cmd);
        // The build's own output goes to stderr: stdout stays JSON.
        let lines = json_lines(&out.stdout);
        assert_eq!(lines.last().unwrap()["success"], true);
        assert!(text(&out.stderr).contains("noise"));
        let file = project.path().join(format!("env-{triple}-hello-1.2.3.txt"));
        fs::read_to_string(file)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let get = |env: &[(String, String)], key: &str| {
        env.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("{key} not set"))
    };
    let windows = env_of("x86_64-windows", "x86_64-pc-windows-msvc", &[]);
    let mingw = which("x86_64-w64-mingw32-gcc");
    assert_eq!(get(&windows, "CC"), mingw);
    assert_eq!(get(&windows, "AR"), which("x86_64-w64-mingw32-ar"));
    assert_eq!(get(&windows, "CARGO_BUILD_TARGET"), "x86_64-pc-windows-gnu");
    assert_eq!(
        get(&windows, "CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER"),
        mingw
    );
    assert_eq!(get(&windows, "CC_x86_64_pc_windows_gnu"), mingw);

    let aarch64 = env_of("aarch64-linux", "aarch64-unknown-linux-gnu", &[]);
    assert_eq!(get(&aarch64, "CC"), which("aarch64-linux-gnu-gcc"));
    assert_eq!(get(&aarch64, "LD"), which("aarch64-linux-gnu-ld"));
    assert_eq!(
        get(&aarch64, "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER"),
        which("aarch64-linux-gnu-gcc")
    );

    // The user's own flags come after the toolchain's.
    let wasm = env_of("wasm32", "wasm32-unknown-unknown", &[("CFLAGS", "-g")]);
    assert_eq!(get(&wasm, "CC"), which("clang"));
    assert_eq!(get(&wasm, "LD"), which("wasm-ld"));
    assert_eq!(get(&wasm, "CFLAGS"), "--target=wasm32-unknown-unknown -g");
    assert_eq!(get(&wasm, "CARGO_BUILD_TARGET"), "wasm32-unknown-unknown");
    assert_eq!(
        get(&wasm, "VITTE_BUILDKIT_TARGET"),
        "wasm32-unknown-unknown"
    );
}

#[test]
fn a_failing_or_missing_build_command_is_a_clear_error() {
    let project = example();
    let failed = run(buildkit().current_dir(project.path()).args([
        "cross",
        "--target",
        "aarch64-linux",
        "--format",
        "tar.gz",
        "--",
        "sh",
        "-c",
        "exit 3",
    ]));
    assert!(!failed.status.success());
    let stderr = text(&failed.stderr);
    assert!(
        stderr.contains("the build command `sh -c exit 3` failed (exit status: 3)"),
        "{stderr}"
    );
    assert!(!project.path().join("dist").exists());

    let none = Project::new(PACKAGE, &[]);
    let out = run(buildkit()
        .args(["cross", "--target", "aarch64-linux", "--manifest"])
        .arg(none.manifest()));
    assert!(
        text(&out.stderr).contains("no build command"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_rust_api_cross_builds_and_packages() {
    let project = example();
    let out = project.path().join("dist");
    let artifacts = vitte_buildkit::BuildKit::new()
        .manifest(project.path().join("buildkit.toml"))
        .target("wasm32")
        .format("tar.gz")
        .cross(&[], &out)
        .unwrap();
    assert_eq!(artifacts.len(), 1);
    assert!(artifacts[0].path.is_file());
    let listing = text(&run_ok(tool("bsdtar").arg("-tf").arg(&artifacts[0].path)).stdout);
    assert!(listing.contains("usr/bin/hello.wasm"), "{listing}");
}

#[test]
fn wasi_builds_with_debian_wasi_libc_and_imports_wasi() {
    let project = example();
    let dir = project.path();
    let out = run_ok(
        buildkit()
            .current_dir(dir)
            .env_remove("WASI_SYSROOT")
            .args(["cross", "--target", "wasm32-wasip1", "--format", "tar.gz"])
            .args(["--message-format", "json"]),
    );
    let lines = json_lines(&out.stdout);
    let build = lines.iter().find(|l| l["reason"] == "build").unwrap();
    assert!(
        build["toolchain"]
            .as_str()
            .unwrap()
            .contains("--target=wasm32-wasi"),
        "{build}"
    );
    let wasm = dir.join("build/wasm32-wasip1/hello.wasm");
    run_ok(tool("wasm-validate").arg(&wasm));
    let file = text(&run_ok(tool("file").arg("-b").arg(&wasm)).stdout);
    assert!(file.contains("WebAssembly (wasm) binary module"), "{file}");
    // A real C program on WASI: main runs through _start and prints via fd_write.
    let objdump = text(&run_ok(tool("wasm-objdump").arg("-x").arg(&wasm)).stdout);
    assert!(
        objdump.contains("wasi_snapshot_preview1.fd_write") && objdump.contains("\"_start\""),
        "{objdump}"
    );
    let inspected = json_lines(
        &run_ok(
            buildkit()
                .args([
                    "inspect",
                    "--message-format",
                    "json",
                    "--target",
                    "wasm32-wasip1",
                ])
                .arg(&wasm),
        )
        .stdout,
    );
    assert_eq!(inspected[0]["format"], "wasm");
    assert_eq!(inspected[0]["bits"], 32);
    assert!(lines.iter().any(|l| l["reason"] == "artifact"));
}

/// A small Rust crate whose Cargo.toml is the manifest.
fn rust_crate() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("src")).unwrap();
    fs::write(
        dir.path().join("Cargo.toml"),
        r#"[package]
name = "rhello"
version = "0.1.0"
edition = "2021"
description = "Says hello. From Rust."
license = "MIT"
authors = ["Jane Doe <jane@example.org>"]

[workspace]
"#,
    )
    .unwrap();
    fs::write(
        dir.path().join("src/main.rs"),
        "fn main() { println!(\"Hello, world!\"); }\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_cargo_project_builds_with_cargo_build_target_and_the_detected_linker() {
    let project = rust_crate();
    let manifest = project.path().join("Cargo.toml");
    let host = "x86_64-unknown-linux-gnu";
    let out = run_ok(
        buildkit()
            .current_dir(project.path())
            .env_remove("CARGO_BUILD_TARGET")
            .args([
                "cross",
                "--target",
                host,
                "--format",
                "tar.gz",
                "--manifest",
            ])
            .arg(&manifest)
            .args(["--message-format", "json"]),
    );
    let lines = json_lines(&out.stdout);
    let build = lines.iter().find(|l| l["reason"] == "build").unwrap();
    assert_eq!(build["command"], "cargo build --release");
    // cargo put the binary under the target's own folder: CARGO_BUILD_TARGET was set.
    let binary = project.path().join(format!("target/{host}/release/rhello"));
    let said = run_ok(&mut std::process::Command::new(&binary));
    assert_eq!(text(&said.stdout), "Hello, world!\n");
    let artifact = lines.iter().find(|l| l["reason"] == "artifact").unwrap();
    let listing = text(
        &run_ok(
            tool("bsdtar")
                .arg("-tf")
                .arg(project.path().join(artifact["path"].as_str().unwrap())),
        )
        .stdout,
    );
    assert!(listing.contains("usr/bin/rhello"), "{listing}");

    // A Rust target rustup does not have: cargo fails, the error says what to add.
    let installed = text(&run_ok(tool("rustup").args(["target", "list", "--installed"])).stdout);
    if !installed
        .lines()
        .any(|l| l == "riscv64gc-unknown-linux-gnu")
    {
        let failed = run(buildkit()
            .current_dir(project.path())
            .args(["cross", "--target", "riscv64-linux", "--manifest"])
            .arg(&manifest));
        assert!(!failed.status.success());
        let stderr = text(&failed.stderr);
        assert!(
            stderr.contains("rustup target add riscv64gc-unknown-linux-gnu"),
            "{stderr}"
        );
    }
}

#[test]
fn without_a_cross_gcc_clang_builds_for_linux_with_debian_cross_libraries() {
    // A PATH with clang, lld and a shell, but no aarch64-linux-gnu-gcc.
    let bin = tempfile::tempdir().unwrap();
    for program in ["clang", "ld.lld", "llvm-ar", "sh", "mkdir"] {
        std::os::unix::fs::symlink(which(program), bin.path().join(program)).unwrap();
    }
    let project = example();
    let dir = project.path();
    let out = run_ok(buildkit().current_dir(dir).env("PATH", bin.path()).args([
        "cross",
        "--target",
        "aarch64-linux",
        "--message-format",
        "json",
    ]));
    let lines = json_lines(&out.stdout);
    let build = lines.iter().find(|l| l["reason"] == "build").unwrap();
    assert!(
        build["toolchain"].as_str().unwrap().starts_with("clang ")
            && build["toolchain"]
                .as_str()
                .unwrap()
                .ends_with("--target=aarch64-linux-gnu"),
        "{build}"
    );
    assert!(lines.iter().any(|l| l["reason"] == "checked"));
    let binary = dir.join("build/aarch64-unknown-linux-gnu/hello");
    let file = text(&run_ok(tool("file").arg("-b").arg(&binary)).stdout);
    assert!(file.contains("ARM aarch64"), "{file}");
    let ran = run_ok(
        tool("qemu-aarch64")
            .args(["-L", "/usr/aarch64-linux-gnu"])
            .arg(&binary),
    );
    assert_eq!(text(&ran.stdout), "Hello, world!\n");
}

#[test]
fn zig_cross_builds_for_macos_without_an_sdk() {
    let project = example();
    let dir = project.path();
    let zig_version = text(&run_ok(tool("zig").arg("version")).stdout);
    for (target, triple, arch, file_says) in [
        (
            "aarch64-macos",
            "aarch64-apple-darwin",
            "arm64",
            "Mach-O 64-bit arm64 executable",
        ),
        (
            "x86_64-macos",
            "x86_64-apple-darwin",
            "x86_64",
            "Mach-O 64-bit x86_64 executable",
        ),
    ] {
        let out = run_ok(
            buildkit()
                .current_dir(dir)
                .env_remove("SDKROOT")
                .args(["cross", "--target", target, "--format", "tar.gz"])
                .args(["--message-format", "json"]),
        );
        let lines = json_lines(&out.stdout);
        let build = lines.iter().find(|l| l["reason"] == "build").unwrap();
        assert_eq!(
            build["toolchain"],
            format!("zig {} cc -target {target}", zig_version.trim()),
        );
        let binary = dir.join(format!("build/{triple}/hello"));
        let file = text(&run_ok(tool("file").arg("-b").arg(&binary)).stdout);
        assert!(file.contains(file_says), "{target}: {file}");
        let inspected = json_lines(
            &run_ok(
                buildkit()
                    .args(["inspect", "--message-format", "json", "--target", target])
                    .arg(&binary),
            )
            .stdout,
        );
        assert_eq!(inspected[0]["format"], "mach-o", "{}", inspected[0]);
        assert_eq!(inspected[0]["slices"][0]["arch"], arch, "{}", inspected[0]);
        assert_eq!(inspected[0]["fits"], true);
        assert!(lines.iter().any(|l| l["reason"] == "artifact"));
    }
    let universal = run(buildkit()
        .current_dir(dir)
        .args(["cross", "--target", "universal-macos"]));
    assert!(text(&universal.stderr).contains("build x86_64-macos and aarch64-macos"));
}

#[test]
fn more_targets_cross_build_and_run_riscv64_i686_musl_and_win32() {
    let project = example();
    let dir = project.path();
    for target in [
        "riscv64-linux",
        "i686-linux",
        "x86_64-unknown-linux-musl",
        "i686-windows",
    ] {
        run_ok(
            buildkit()
                .current_dir(dir)
                .args(["cross", "--target", target, "-q"]),
        );
    }
    let binary = |triple: &str, name: &str| dir.join(format!("build/{triple}/{name}"));
    let file = |path: &Path| text(&run_ok(tool("file").arg("-b").arg(path)).stdout);
    let riscv = binary("riscv64gc-unknown-linux-gnu", "hello");
    assert!(file(&riscv).contains("UCB RISC-V"), "{}", file(&riscv));
    let i686 = binary("i686-unknown-linux-gnu", "hello");
    assert!(file(&i686).contains("ELF 32-bit LSB") && file(&i686).contains("Intel 80386"));
    let musl = binary("x86_64-unknown-linux-musl", "hello");
    assert!(file(&musl).contains("ld-musl-x86_64"), "{}", file(&musl));
    let win32 = binary("i686-pc-windows-msvc", "hello.exe");
    assert!(
        file(&win32).contains("PE32 executable (console) Intel 80386"),
        "{}",
        file(&win32)
    );
    for (runner, sysroot, path) in [
        (Some("qemu-riscv64"), "/usr/riscv64-linux-gnu", &riscv),
        (Some("qemu-i386"), "/usr/i686-linux-gnu", &i686),
        (None, "", &musl),
    ] {
        let out = match runner {
            Some(qemu) => run_ok(tool(qemu).args(["-L", sysroot]).arg(path)),
            None => run_ok(&mut std::process::Command::new(path)),
        };
        assert_eq!(text(&out.stdout), "Hello, world!\n", "{}", path.display());
    }
}
