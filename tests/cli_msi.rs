//! `vitte-buildkit package --format msi` end to end: the file name, the
//! upgrade-code warning, msitools reading the result, reproducibility across
//! environments, and bad input refused with nothing written.

mod common;

use std::path::Path;

use common::*;

/// A manifest for Windows: a program (text here; no binary check applies)
/// and a config file, with `[msi]` options appended by each test.
fn project(version: &str, msi: &str) -> Project {
    Project::new(
        &format!(
            r#"
[package]
name = "hello"
version = "{version}"
summary = "Greets the world"
description = "Prints a greeting."
license = "MIT"
maintainer = "Jane Doe <jane@example.org>"
vendor = "Example Org"
homepage = "https://example.org/hello"

[[files]]
src = "bin/hello.cmd"
dst = "/usr/bin/hello.cmd"

[[files]]
src = "etc/hello.conf"
dst = "/etc/hello/hello.conf"
kind = "config"

[msi]
{msi}
"#
        ),
        &[
            ("bin/hello.cmd", b"@echo hello\r\n", 0o755),
            ("etc/hello.conf", b"greeting = hello\n", 0o644),
        ],
    )
}

/// A version-3 compound file, as MS-CFB lays out its header: 512-byte
/// sectors, 64-byte mini sectors, a 4096-byte mini-stream cutoff.
fn assert_compound_file_v3(msi: &Path) {
    let bytes = std::fs::read(msi).unwrap();
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]);
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!(bytes[..8], [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    assert_eq!(
        (u16_at(26), u16_at(30), u16_at(32), u32_at(56)),
        (3, 9, 6, 4096),
        "{}: version, sector shift, mini sector shift, mini-stream cutoff",
        msi.display()
    );
    assert!(bytes.len().is_multiple_of(512));
}

#[test]
fn msi_is_written_read_by_msitools_and_reproducible() {
    let build = |umask: &str, tz: &str, lang: &str| {
        let project = project("1.4.0", "path = true");
        let cwd = tempfile::tempdir().unwrap();
        let out = run(std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_vitte-buildkit"))
            // No artifact cache: this run must package, not find an earlier result.
            .env("VITTE_BUILDKIT_CACHE_DIR", "off")
            .args(["package", "--format", "msi", "--target", "x86_64-windows"])
            .arg("--manifest")
            .arg(project.manifest())
            .arg("--out")
            .arg(project.dist())
            .current_dir(cwd.path())
            .env("TZ", tz)
            .env("LC_ALL", lang)
            .env("SOURCE_DATE_EPOCH", "1700000000"));
        assert!(out.status.success(), "{}", text(&out.stderr));
        (project, text(&out.stderr))
    };
    let (first, stderr) = build("022", "UTC", "C.UTF-8");
    let (second, _) = build("077", "Asia/Tokyo", "C");
    assert_eq!(first.dist_files(), ["SHA256SUMS", "hello-1.4.0-x64.msi"]);
    let sums = |p: &Project| std::fs::read_to_string(p.dist().join("SHA256SUMS")).unwrap();
    assert_eq!(sums(&first), sums(&second));

    // No upgrade code in the manifest: the derived one is printed with the fix.
    let msi = first.dist().join("hello-1.4.0-x64.msi");
    assert_compound_file_v3(&msi);
    let props = text(&run_ok(tool("msiinfo").arg("export").arg(&msi).arg("Property")).stdout);
    let code = props
        .lines()
        .find_map(|l| l.strip_prefix("UpgradeCode\t"))
        .unwrap()
        .trim()
        .to_string();
    assert!(
        stderr.contains("no [msi] upgrade-code")
            && stderr.contains(&format!("upgrade-code = \"{code}\"")),
        "{stderr}"
    );
    assert!(props.contains("ProductVersion\t1.4.0"), "{props}");
    let files = text(&run_ok(tool("msiinfo").arg("export").arg(&msi).arg("File")).stdout);
    assert!(
        files.contains("HELLO~1.CMD|hello.cmd") || files.contains("\thello.cmd\t"),
        "{files}"
    );
    let out = first.path().join("x");
    run_ok(tool("msiextract").arg("-C").arg(&out).arg(&msi));
    assert_eq!(
        std::fs::read(out.join("PFiles/Example Org/hello/bin/hello.cmd")).unwrap(),
        b"@echo hello\r\n"
    );

    // A pinned upgrade code is used as given, and not warned about.
    let pinned = project(
        "1.4.0",
        "upgrade-code = \"{0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9}\"\ninstall-dir = \"Tools/Hello World\"",
    );
    let out = pinned.package(&["--format", "msi", "--target", "i686-pc-windows-msvc"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("upgrade-code"),
        "{}",
        text(&out.stderr)
    );
    let msi = pinned.dist().join("hello-1.4.0-x86.msi");
    assert_compound_file_v3(&msi);
    let props = text(&run_ok(tool("msiinfo").arg("export").arg(&msi).arg("Property")).stdout);
    assert!(
        props.contains("UpgradeCode\t{0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9}"),
        "{props}"
    );
    let out = pinned.path().join("x");
    run_ok(tool("msiextract").arg("-C").arg(&out).arg(&msi));
    // msiextract names the 32-bit Program Files folder by its property.
    assert!(out
        .join("Program Files/Tools/Hello World/etc/hello/hello.conf")
        .is_file());
}

#[test]
fn bad_msi_input_is_refused_and_nothing_is_written() {
    let windows = ["--format", "msi", "--target", "x86_64-windows"];
    project("1.0.0", "upgrade-code = \"1234\"")
        .assert_refused(&windows, &["upgrade-code `1234` is not a GUID"]);
    project("256.0.0", "").assert_refused(
        &windows,
        &[
            "version `256.0.0`",
            "major 256 is above 255",
            "ProductVersion",
        ],
    );
    project("1.0.0", "install-dir = \"../x\"").assert_refused(&windows, &["[msi] install-dir"]);
    project("1.0.0", "").assert_refused(
        &["--format", "msi", "--target", "x86_64-linux"],
        &[
            "cannot package for target `x86_64-unknown-linux-gnu`",
            "x86_64-pc-windows-msvc (x64)",
        ],
    );
    // With every format, a Linux target just skips the msi. (The lint gate
    // would stop the rpm: an executable .cmd has no #! line, an rpmlint error.)
    let all = project("1.0.0", "").package(&["--target", "x86_64-linux", "--lint", "warn"]);
    assert!(all.status.success(), "{}", text(&all.stderr));
}
